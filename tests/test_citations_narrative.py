"""Narrative citations (issue 9, newart3 problem 1): ``Gökdemir’in (2003: 24) belirttiğine göre``
names its author before a parenthesis of a year and pages. It is a citation of that work, its
sentence's facts are backed by it (not by the next sentence's citation), and its year is never a
historical date. A parenthesis of a year and pages with no author before it is reported and not
dated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import THIRD_SID, add_third_article, copy_project

from tarihkg.annotate import AnnotatedSource, annotate_source, supporting_citations
from tarihkg.check import unread_citation_warnings
from tarihkg.curation import SourceMeta
from tarihkg.text.citations import WorkRef, find_citations, unread_citations, work_key
from tarihkg.text.dates import find_dates
from tarihkg.text.extract import extract_source
from tarihkg.text.mentions import Lexicon


@pytest.mark.parametrize(
    ("sentence", "printed", "authors", "year", "suffix", "pages"),
    [
        ("Gökdemir’in (2003: 24) belirttiğine göre kuvvet azdı.",
         "Gökdemir’in (2003: 24)", "Gökdemir", 2003, None, "24"),
        ("Gökdemir'in (2003: 24) belirttiğine göre kuvvet azdı.",
         "Gökdemir'in (2003: 24)", "Gökdemir", 2003, None, "24"),
        ("Gökdemir (2003: 24) bunu yazar.", "Gökdemir (2003: 24)", "Gökdemir", 2003, None, "24"),
        ("Gökdemir ve Kaya (2003, s. 24) bunu yazar.",
         "Gökdemir ve Kaya (2003, s. 24)", "Gökdemir ve Kaya", 2003, None, "24"),
        ("Gökdemir ve Kaya’nın (2003, ss. 24-26) verdiği sayı budur.",
         "Gökdemir ve Kaya’nın (2003, ss. 24-26)", "Gökdemir ve Kaya", 2003, None, "24-26"),
        ("Bu sayıyı İnce’nin (1998a: 112–113) eserinde buluruz.",
         "İnce’nin (1998a: 112–113)", "İnce", 1998, "a", "112–113"),
        ("Ayrıca, Kazım Karabekir’in (1960: 212) anlattığına göre ordu ilerledi.",
         "Karabekir’in (1960: 212)", "Karabekir", 1960, None, "212"),
        ("Kazım Karabekir Paşa’nın (1960: 212-213) anlattığına göre ordu ilerledi.",
         "Karabekir Paşa’nın (1960: 212-213)", "Karabekir", 1960, None, "212-213"),
        ("Özdağ’ın (2003: 5) ve Ünal’ün (2004: 6) yazdığına göre öyleydi.",
         "Özdağ’ın (2003: 5)", "Özdağ", 2003, None, "5"),
        ("Tunçoku vd.’nin (2001: 7) tespitine göre öyleydi.",
         "Tunçoku vd.’nin (2001: 7)", "Tunçoku vd.", 2001, None, "7"),
    ],
)
def test_a_narrative_citation_is_read_with_its_author_year_and_pages(
    sentence: str, printed: str, authors: str, year: int, suffix: str | None, pages: str
) -> None:
    cit = find_citations(sentence)[0]
    assert (cit.text, sentence[cit.start : cit.end], cit.kind) == (printed, printed, "work")
    (ref,) = cit.refs
    assert isinstance(ref, WorkRef)
    assert (ref.authors, ref.year, ref.year_suffix, ref.pages) == (authors, year, suffix, pages)
    assert not find_dates(sentence), "a year inside a citation is no historical date"
    assert unread_citations(sentence) == []


def test_two_narrative_citations_in_one_sentence() -> None:
    cits = find_citations("Özdağ’ın (2003: 5) ve Ünal’ün (2004: 6) yazdığına göre öyleydi.")
    assert [c.refs[0].authors for c in cits] == ["Özdağ", "Ünal"]  # type: ignore[union-attr]


def test_a_narrative_citation_cites_the_same_work_as_a_parenthetical_one() -> None:
    (narrative,) = find_citations("Gökdemir’in (2003: 24) belirttiğine göre öyleydi.")
    (parenthetical,) = find_citations("Öyleydi (Gökdemir, 2003: 30).")
    keys = [work_key(c.refs[0]) for c in (narrative, parenthetical)]  # type: ignore[arg-type]
    assert keys == ["gokdemir-2003", "gokdemir-2003"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Bu çalışmada (2003: 24) kuvvetin az olduğu yazılır.",
        "Aynı eserde (2003, s. 24) kuvvetin az olduğu yazılır.",
        "aynı yazar (2003: 24) bunu söyler.",
    ],
)
def test_a_year_and_pages_without_an_author_is_no_citation_and_no_date(sentence: str) -> None:
    assert find_citations(sentence) == []
    (span,) = unread_citations(sentence)
    assert sentence[span[0] : span[1]].startswith("(2003")
    assert not find_dates(sentence)


@pytest.mark.parametrize(
    ("sentence", "edtf"),
    [
        ("Kars Antlaşması (1921) imzalandı.", "1921"),
        ("Rauf Bey (1918 Ekim’inde) Mondros’a gitti.", "1918-10"),
    ],
)
def test_a_year_in_parentheses_without_pages_is_still_a_date(sentence: str, edtf: str) -> None:
    assert find_citations(sentence) == []
    assert unread_citations(sentence) == []
    assert [d.edtf for d in find_dates(sentence)] == [edtf]


RAW = """\
Aras Kuvvetleri

Gökdemir’in (2003: 24) belirttiğine göre Aras Kuvvetleri yaklaşık 2.500 gönüllüden oluşuyordu.
Kazım Karabekir bu kuvvete silah gönderdi (Karabekir, 1960: 212).

Bu kuvvetlerin bir kısmı Şahtahtı’da bulunuyordu. Bu çalışmada (2003: 30) sayı verilmez.
Haziran 1919’da Şahtahtı geri alındı (Karabekir, 1960: 215).
"""


def _annotated() -> AnnotatedSource:
    meta = SourceMeta(id="009_x", file="009_x.txt", language="tr", licence="test",
                      period=(1918, 1919))
    return annotate_source(meta, extract_source("009_x", RAW), Lexicon.build([]))


def test_a_sentence_with_a_narrative_citation_is_backed_by_it_not_by_the_next_one() -> None:
    src = _annotated()
    first = next(s for s in src.sentences if "Gökdemir" in s.sentence.text)
    cits, own = supporting_citations(src, first)
    assert own
    assert [(c.citation.refs[0].authors, c.citation.refs[0].year) for c in cits] == [
        ("Gökdemir", 2003)
    ]
    assert RAW[cits[0].start : cits[0].end] == "Gökdemir’in (2003: 24)"
    years = [d.date.edtf for s in src.sentences for d in s.dates]
    assert years == ["1919-06"], "2003 of either citation is no date"


def test_an_unread_citation_is_reported_at_its_line() -> None:
    warnings = unread_citation_warnings(_annotated(), RAW)
    assert [(line, msg.split("'")[1]) for line, msg in warnings] == [(6, "(2003: 30)")]
    assert "not as a date" in warnings[0][1]


def test_check_reads_a_narrative_citation_and_reports_an_unread_one_at_its_line(
    tmp_path: Path,
) -> None:
    """On a project copy with the test article and a paragraph added to its text, `tarihkg
    check` warns at the line of the year-and-pages parenthesis that names no author, and not
    at the narrative citation; the added sentences give no date 2003 (no misprint warning)."""
    root = add_third_article(copy_project(tmp_path))
    text = root / "data" / "sources" / f"{THIRD_SID}.txt"
    raw = text.read_text(encoding="utf-8")
    added = (
        "\nSonuç\nGökdemir’in (2003: 24) belirttiğine göre son birlikler Kasım’da ayrıldı.\n"
        "Bu çalışmada (2003: 30) sayı verilmez.\n"
        "Ordu geri çekildi (ATASE, 1993, C. III, K. 1, s. 45).\n"
        "Kayıplar azdı (Kurat, a.g.e., s. 491).\n"
    )
    text.write_text(raw + added, encoding="utf-8")
    line = raw.count("\n") + added.count("\n") - 2
    exe = Path(sys.executable).with_name("tarihkg")
    done = subprocess.run([str(exe), "--root", str(root), "check"], capture_output=True,
                          text=True, timeout=300, check=False)
    out = done.stdout + done.stderr
    assert f"{THIRD_SID}.txt:{line}: warning: '(2003: 30)' looks like a citation" in out, out
    assert out.count("looks like a citation") == 1, out
    assert "prints 2003" not in out, out  # neither year is a date (it would be out of period)
    # references in forms the parser does not read are reported, not dropped in silence
    for n, printed in ((line + 1, "(ATASE, 1993, C. III, K. 1, s. 45)"),
                       (line + 2, "(Kurat, a.g.e., s. 491)")):
        assert (f"{THIRD_SID}.txt:{n}: warning: '{printed}' looks like a reference in a form "
                "not read") in out, out
    assert "prints 1993" not in out, out


# --- a year alone after a name; several works in one parenthesis (know6, brief step 5) -----

@pytest.mark.parametrize(
    ("sentence", "printed", "authors", "year"),
    [
        ("Gökdemir (2003) bu kuvvetin azlığını vurgular.", "Gökdemir (2003)", "Gökdemir", 2003),
        ("Gökdemir’in (2003) eserinde bu sayı verilmez.", "Gökdemir’in (2003)", "Gökdemir", 2003),
        ("İnce’nin (1998b) çalışmasına göre öyleydi.", "İnce’nin (1998b)", "İnce", 1998),
        ("Allen ve Muratoff (1953) bu cepheyi anlatır.", "Allen ve Muratoff (1953)",
         "Allen ve Muratoff", 1953),
    ],
)
def test_a_name_before_a_year_alone_later_than_the_period_cites_that_work_without_pages(
    sentence: str, printed: str, authors: str, year: int
) -> None:
    [cit] = find_citations(sentence, works_after=1921)
    assert (cit.text, sentence[cit.start : cit.end], cit.kind) == (printed, printed, "work")
    (ref,) = cit.refs
    assert isinstance(ref, WorkRef)
    assert (ref.authors, ref.year, ref.pages, ref.first_page) == (authors, year, None, None)
    assert work_key(ref) == work_key(WorkRef(authors, year, "5", ref.year_suffix))
    assert not find_dates(sentence, works_after=1921), "a cited work's year is no date"


@pytest.mark.parametrize(
    ("sentence", "edtf"),
    [
        # a year of the period, or before it, after a name: a date of the narrative
        ("3. Ordu Karargâhı (1909), 3. Ordunun 71. Alayı (1910) görevleri.", ["1909", "1910"]),
        ("Kars Antlaşması (1921) imzalandı.", ["1921"]),
    ],
)
def test_a_year_alone_within_or_before_the_period_stays_a_date(sentence: str, edtf: list[str]
                                                               ) -> None:
    assert find_citations(sentence, works_after=1921) == []
    assert [d.edtf for d in find_dates(sentence, works_after=1921)] == edtf


def test_without_a_period_a_year_alone_is_never_read_as_a_cited_work() -> None:
    assert find_citations("Gökdemir (2003) bunu yazar.") == []


@pytest.mark.parametrize(
    ("sentence", "works"),
    [
        ("Kuvvet azdı (Gökdemir, 2003: 19; Kaya, 2005: 12).",
         [("Gökdemir", 2003, "19"), ("Kaya", 2005, "12")]),
        ("Kuvvet azdı (bkz. Özdağ, 2003; Ünal, 2005).", [("Özdağ", 2003, None), ("Ünal", 2005, None)]),
        ("Kuvvet azdı (Bkz. İnce, 2003, s. 4; ayrıca bkz. Işık, 2005: 7-9).",
         [("İnce", 2003, "4"), ("Işık", 2005, "7-9")]),
    ],
)
def test_several_works_in_one_parenthesis_are_each_cited(
    sentence: str, works: list[tuple[str, int, str | None]]
) -> None:
    [cit] = find_citations(sentence)
    assert cit.kind == "work" and cit.text == sentence[sentence.index("(") : -1]
    assert [(r.authors, r.year, r.pages) for r in cit.refs if isinstance(r, WorkRef)] == works
    assert not find_dates(sentence)


YEAR_ONLY_RAW = """\
Aras Kuvvetleri

Gökdemir’in (2003) eserinde Aras Kuvvetleri’nin 2.500 gönüllüden oluştuğu yazılır.
Kazım Karabekir bu kuvvete silah gönderdi (Karabekir, 1960: 212).
"""


def test_a_sentence_with_a_year_only_citation_is_backed_by_that_work() -> None:
    meta = SourceMeta(id="009_x", file="009_x.txt", language="tr", licence="test",
                      period=(1918, 1919))
    src = annotate_source(meta, extract_source("009_x", YEAR_ONLY_RAW), Lexicon.build([]))
    first = next(s for s in src.sentences if "Gökdemir" in s.sentence.text)
    cits, own = supporting_citations(src, first)
    assert own and [(c.citation.refs[0].authors, c.citation.refs[0].year) for c in cits] == [
        ("Gökdemir", 2003)]
    assert YEAR_ONLY_RAW[cits[0].start : cits[0].end] == "Gökdemir’in (2003)"
    assert [d.date.edtf for s in src.sentences for d in s.dates] == [], "2003 is no date"
