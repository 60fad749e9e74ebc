"""Layouts the splitter does not understand -> reported with their line (text/layout.py), never
mis-segmented in silence; the real texts and our test articles give no report."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SOURCES, copy_project

from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import layout_warnings

DATA = Path(__file__).resolve().parent / "data"
BODY = "Osmanlı ordusu 1918 yılında Bakü’ye girdi. Bu olay bölgede büyük yankı uyandırdı.\n"


def _warnings(raw: str) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in layout_warnings(raw, extract_source("x", raw))]


@pytest.mark.parametrize(
    "path",
    [
        *sorted(SOURCES.glob("*.txt")),
        DATA / "newsource" / "gence-baku.txt",
        DATA / "third" / "003_mondros_ve_tahliye.txt",
        DATA / "layout" / "oltu-sonnotlar.txt",
    ],
    ids=lambda p: p.name,
)
def test_texts_the_splitter_understands_give_no_report(path: Path) -> None:
    raw = read_source(path)
    assert layout_warnings(raw, extract_source(path.stem, raw)) == []


def test_a_text_without_sentence_punctuation_is_reported() -> None:
    raw = "Giriş\n\n" + "Ordu Kars’a doğru ilerledi ve şehri aldı sonra yeni emirler geldi " * 25
    [(line, message)] = _warnings(raw + "\n")
    assert line == 3 and "may lack sentence punctuation" in message


def test_a_running_header_the_splitter_does_not_know_is_reported() -> None:
    raw = "".join(
        f"Kafkas Araştırmaları Dergisi, Sayı 3, s. {10 + page}\n\n" + BODY * 3 + "\n"
        for page in range(4)
    )
    [(line, message)] = _warnings(raw)
    assert line == 1 and "printed 4 times" in message and "page header" in message


def test_footnote_markers_without_footnotes_are_reported() -> None:
    raw = "Nuri Paşa Gence’ye geldi1. Halil Bey de oradaydı2 ve ordu kuruldu.\n\n1 Bkz. Bayur.\n"
    [(line, message)] = _warnings(raw)
    assert line == 1 and message.startswith("2 footnote markers without a footnote")
    assert "ye geldi1'" in message


def test_a_footnote_without_its_marker_is_reported() -> None:
    raw = (DATA / "newsource" / "gence-baku.txt").read_text(encoding="utf-8")
    raw = raw.replace("geldi1 ve", "geldi ve")
    assert _warnings(raw) == [(12, "footnote 1 has no marker in the text of its page")]


def test_the_build_stage_warns_with_file_and_line(tmp_path: Path) -> None:
    from tarihkg.pipeline import extract_stage
    from tarihkg.project import Project

    root = copy_project(tmp_path)
    text = root / "data" / "sources" / "009_x.txt"
    text.write_text("Ordu ilerledi ve şehri aldı sonra yeni emirler geldi " * 30 + "\n")
    with (root / "data" / "sources" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "  - {id: 009_x, file: 009_x.txt, language: tr, licence: test, journal: unknown,\n"
            "     volume: unknown, issue: unknown, pages: unknown, year: unknown}\n"
        )
    inputs = extract_stage(Project(root))
    assert [w for w in inputs.warnings if "009_x" in w] == [
        f"{text}:1: a 'sentence' of 270 words: the text may lack sentence punctuation "
        "(the splitter ends sentences at . ! ? …)"
    ]


# An invented article (tests/data/layout/oltu-sonnotlar.txt) laid out as Turkish military
# history journals print it: keywords lines directly under their abstracts, endnote markers
# after the full stop ('ediyordu.1'), a 'Sonnotlar' block before the bibliography.
OLTU = DATA / "layout" / "oltu-sonnotlar.txt"


def test_a_keywords_line_directly_under_its_abstract_ends_the_abstract() -> None:
    ex = extract_source("x", read_source(OLTU))
    keywords = [x.text for x in ex.lifted if x.kind == "keywords"]
    assert keywords == [
        "Anahtar Kelimeler: Oltu, Millî Teşkilat, İngiliz İşgali, Kazım Karabekir Paşa",
        "Keywords: Oltu, National Organisation, British Occupation, Kazım Karabekir Pasha",
    ]
    abstract = [s for s in ex.sentences if s.zone == "abstract"]
    assert [s.section for s in abstract] == ["Öz"] * 3 + ["Abstract"] * 3
    assert abstract[2].text == "Teşkilat 1920 yazında Kazım Karabekir Paşa’nın kuvvetlerine katıldı."
    assert not any("Keywords" in s.text or "Anahtar" in s.text for s in ex.sentences)
    body = [s for s in ex.sentences if s.zone == "body"]
    assert body[0].text.startswith("Oltu, Mondros Mütarekesi") and body[0].section == "1. Giriş"


def test_a_keywords_line_under_an_abstract_sentence_left_open_stays_in_it() -> None:
    """Only a line after the abstract's last full stop can be its keywords line: a sentence
    that wraps onto a line opening 'Keywords:' is not cut."""
    raw = (
        "Öz\nOrdu Kars’a girdi ve şehirde yeni bir yönetim kurdu. Yazının konusu şu\n"
        "Keywords: bir terim listesi değildir.\n\n1. Giriş\nOrdu Kars’a girdi.\n"
    )
    ex = extract_source("x", raw)
    assert [x.kind for x in ex.lifted if x.kind == "keywords"] == []
    assert ex.sentences[1].text == "Yazının konusu şu Keywords: bir terim listesi değildir."


def test_endnote_markers_after_the_full_stop_and_their_notes_block() -> None:
    raw = read_source(OLTU)
    ex = extract_source("x", raw)
    assert [h.text for h in ex.headings] == [
        "Öz", "Abstract", "1. Giriş", "2. Teşkilatın Kuruluşu",
        "3. İngiliz Kuvvetleriyle İlişkiler", "4. Sonuç", "Sonnotlar", "Kaynakça",
    ]
    markers = {
        1: "endişe ediyordu.",
        2: "eğitimini üstlendi.",
        3: "kazadan çekildi.",
    }
    assert [f.number for f in ex.footnotes] == [1, 2, 3]
    for f in ex.footnotes:
        assert f.marker_offset == raw.index(markers[f.number]) + len(markers[f.number])
        assert raw[f.marker_offset] == str(f.number)
    assert ex.footnotes[1].text == (
        "Subayların adları ATASE kayıtlarında geçmektedir; sayıları on ikiyi bulmuyordu."
    )
    assert [(f.page_index, f.page) for f in ex.footnotes] == [(3, "73")] * 3
    body = [s for s in ex.sentences if s.zone == "body"]
    texts = [s.text for s in body]
    assert "Halk, Ermeni birliklerinin kazaya gireceğinden endişe ediyordu." in texts
    assert (
        "Teşkilat kendi milis kuvvetlerini kurdu ve 9. Ordu’dan ayrılan subaylar bu kuvvetlerin "
        "eğitimini üstlendi." in texts
    )
    assert not any(s.section == "Sonnotlar" or s.text[0].isdigit() for s in body)
    first = next(s for s in body if s.text.startswith("Oltu Millî Teşkilatı 12 Şubat"))
    assert first.section == "2. Teşkilatın Kuruluşu"
    notes = [s for s in ex.sentences if s.zone == "footnote"]
    assert [(s.footnote, s.section) for s in notes] == [
        (1, "1. Giriş"), (2, "2. Teşkilatın Kuruluşu"), (3, "3. İngiliz Kuvvetleriyle İlişkiler"),
    ]
    assert layout_warnings(raw, ex) == []


def test_a_marker_after_an_abbreviation_or_a_year_is_no_note_marker() -> None:
    raw = read_source(OLTU).replace(
        "reddetti (Kaya, 2005: 95).", "reddetti (ATASE, Kls. 12, Dos.3 F. 7). Yıl 1919.3 oldu."
    )
    ex = extract_source("x", raw)
    assert ex.footnotes[2].marker_offset == raw.index("kazadan çekildi.3") + 16


def test_endnote_markers_without_their_notes_block_are_reported() -> None:
    """The notes heading missing: the markers end their sentences but stay in them, and the
    report names them (not 'the text may lack sentence punctuation')."""
    raw = read_source(OLTU).replace("Sonnotlar\n", "Ekler\n")
    ex, warnings = extract_source("x", raw), _warnings(raw)
    assert ex.footnotes == ()
    assert "Halk, Ermeni birliklerinin kazaya gireceğinden endişe ediyordu.1" in [
        s.text for s in ex.sentences
    ]
    assert "2. Teşkilatın Kuruluşu" in [h.text for h in ex.headings]
    [(line, message)] = warnings
    assert line == 29 and message.startswith("3 note markers after a full stop without a note")
    assert "'Notlar'" in message and "punctuation" not in message


def test_a_notes_block_not_read_is_reported() -> None:
    raw = read_source(OLTU).replace("\n1 Kazadaki", "\nKazadaki")
    warnings = _warnings(raw)
    assert (51, "note 1 of the notes block has no marker") not in warnings
    assert any(
        line == 51 and message.startswith("the notes under 'Sonnotlar' are read as body")
        for line, message in warnings
    )


def test_a_keywords_line_inside_a_sentence_is_reported() -> None:
    raw = (
        "Öz\nOrdu Kars’a girdi ve şehirde yeni bir yönetim kurdu. Yazının konusu şu\n"
        "Keywords: bir terim listesi değildir.\n\n1. Giriş\nOrdu Kars’a girdi.\n"
    )
    [(line, message)] = _warnings(raw)
    assert line == 3 and message.startswith("a keywords line read as running text")


def test_a_work_cited_without_parentheses_in_a_note_is_a_citation_not_a_date() -> None:
    from tarihkg.text.citations import find_citations
    from tarihkg.text.dates import find_dates

    ex = extract_source("x", read_source(OLTU))
    note = next(s for s in ex.sentences if s.footnote == 1)
    assert note.text == "Kazadaki endişe için bkz. Kaya, 2005: 89."
    [citation] = find_citations(note.text)
    assert citation.text == "Kaya, 2005: 89"
    assert [(r.authors, r.year, r.pages) for r in citation.refs] == [("Kaya", 2005, "89")]
    assert find_dates(note.text) == []
    several = find_citations("Ayrıca bkz. Kaya, 2005: 89; Demir, 2010, s. 4. Sonra bkz. yukarıda.")
    assert [[(r.authors, r.pages) for r in c.refs] for c in several] == [
        [("Kaya", "89"), ("Demir", "4")]
    ]


def test_a_running_header_printed_once_inside_a_sentence_is_reported() -> None:
    """A two-column extraction may print a page's header in the middle of a paragraph: once,
    so not a repeated line, but its two texts far apart give it away."""
    header = "Oltu’da Millî Teşkilat" + " " * 30 + "Mehmet Yıldırım"
    raw = read_source(OLTU).replace(
        "bölgesinde bulunuyordu. Ordu\n", f"bölgesinde bulunuyordu. Ordu\n{header}\n"
    )
    [(line, message)] = _warnings(raw)
    assert line == _line_number(raw, header)
    assert message.startswith("a line of two texts far apart inside a sentence")
    assert "'Oltu’da Millî Teşkilat' … 'Mehmet Yıldırım'" in message


def _line_number(raw: str, text: str) -> int:
    return raw[: raw.index(text)].count("\n") + 1


def test_an_endnote_running_on_over_a_page_break_leaves_the_page_number_and_header_out() -> None:
    header = " Mehmet Yıldırım" + " " * 50 + "Kafkas Cephesi Tarihi Dergisi"
    raw = read_source(OLTU).replace(
        "sayıları on ikiyi\nbulmuyordu.", f"sayıları on ikiyi\n\n73\n\n{header}\n\nbulmuyordu."
    ).replace("Kafkas Yayınları.\n\n73\n", "Kafkas Yayınları.\n\n74\n")
    ex = extract_source("x", raw)
    note = ex.footnotes[1]
    assert note.text == (
        "Subayların adları ATASE kayıtlarında geçmektedir; sayıları on ikiyi bulmuyordu."
    )
    [sentence] = [s for s in ex.sentences if s.footnote == 2]
    assert sentence.text == note.text and len(sentence.pieces) == 2
    assert "73" not in sentence.text and "Yıldırım" not in sentence.text
    assert layout_warnings(raw, ex) == []
