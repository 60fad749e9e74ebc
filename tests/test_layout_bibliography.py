"""A page number printed directly under the last bibliography entry of a page (no blank line
between) is the page's number, not the end of the entry (issue 9, second outside trial, P2:
'… TTK Yayınları. 89' and a last page without a page label).
tests/data/layout/kars_kaynakca.txt is an invented three-page text whose bibliography ends
page 2 and page 3, each with its page number on the next line."""

from __future__ import annotations

from pathlib import Path

from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import layout_warnings

KARS = Path(__file__).resolve().parent / "data" / "layout" / "kars_kaynakca.txt"


def test_a_page_number_right_under_the_bibliography_is_the_pages_number() -> None:
    raw = read_source(KARS)
    ex = extract_source("x", raw)
    assert [(p.index, p.label, p.label_inferred) for p in ex.pages] == [
        (1, "12", False), (2, "13", False), (3, "14", False),
    ]
    entries = [x.text for x in ex.lifted if x.kind == "bibliography"]
    assert entries == [
        "Kaya, M. (2011). Kafkas Cephesinde Kars. İstanbul: Deneme Yayınevi.",
        "Tevetoğlu, F. (1991). Kars İslam Şurası. Ankara: TTK Yayınları.",
        "Yılmaz, A. (2005). Cenub-i Garbi Kafkas Hükûmeti. Ankara: Örnek Yayınları.",
    ]
    assert [x.text for x in ex.lifted if x.kind == "page-number"] == ["12", "13", "14"]
    assert [s.page for s in ex.sentences if s.zone == "body"][-2:] == ["13", "13"]
    assert layout_warnings(raw, ex) == []


def test_a_number_ending_an_unfinished_entry_stays_in_it() -> None:
    """A number that continues an entry (its line before ends without a full stop) is text."""
    raw = read_source(KARS).replace("Ankara: TTK Yayınları.\n13\n", "Ankara: TTK Yayınları,\n13\n")
    ex = extract_source("x", raw)
    entries = [x.text for x in ex.lifted if x.kind == "bibliography"]
    assert entries[1] == "Tevetoğlu, F. (1991). Kars İslam Şurası. Ankara: TTK Yayınları, 13"
    assert [x.text for x in ex.lifted if x.kind == "page-number"] == ["12", "14"]
