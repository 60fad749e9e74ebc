"""The layouts an article's PDF extraction commonly has, each understood or reported at its line
(issue 9: "a text whose layout the splitter does not understand is reported, not mis-segmented
in silence"). tests/data/layout/ardahan.txt is an invented three-page article with a title block,
a '*' note on its author, page numbers under the footnotes and a bibliography; the variants are
made from it here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import COMMITTED, SOURCES

from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import layout_warnings, lifted_summary
from tarihkg.text.model import ExtractedSource

ARDAHAN = Path(__file__).resolve().parent / "data" / "layout" / "ardahan.txt"
SEPARATOR = " " * 81 + "\n"


def _read(raw: str) -> tuple[ExtractedSource, list[tuple[int, str]]]:
    ex = extract_source("x", raw)
    return ex, [(w.line, w.message) for w in layout_warnings(raw, ex)]


def _line(raw: str, text: str) -> int:
    return raw[: raw.index(text)].count("\n") + 1


@pytest.fixture()
def raw() -> str:
    return read_source(ARDAHAN)


def test_the_test_article_is_understood_whole(raw: str) -> None:
    ex, warnings = _read(raw)
    assert warnings == []
    assert [h.text for h in ex.headings] == [
        "Öz", "Abstract", "1. Giriş", "2. Ardahan’a Giriş", "3. Sonuç", "Kaynakça",
    ]
    assert [(f.number, f.page) for f in ex.footnotes] == [(1, "45"), (2, "46")]
    assert all(f.marker_offset is not None for f in ex.footnotes)
    body = [s for s in ex.sentences if s.zone == "body"]
    assert body[0].text.startswith("Brest Litovsk Antlaşması’ndan") and body[0].section == "1. Giriş"
    assert body[-1].text.startswith("Bu dönem bölgenin") and body[-1].page == "47"


# 1. No sentence punctuation


def _without_full_stops(raw: str) -> str:
    """The text with the full stops that end sentences dropped (initials and ordinals kept)."""
    return re.sub(r"(?:(?<=[^\W\d_]{2})|(?<=\)))\.(?=\s|$)", "", raw, flags=re.M)


def test_a_text_without_sentence_punctuation_is_reported_at_each_run_on(raw: str) -> None:
    text = _without_full_stops(raw)
    _, warnings = _read(text)
    lines = [line for line, _ in warnings]
    # the paragraph before '2. Ardahan’a Giriş' runs on across its blank line; the heading line
    # '2. Ardahan’a Giriş' runs into its paragraph; the last paragraph runs into 'Kaynakça'
    assert _line(text, "(BOA, DH.ŞFR, 88/14)") in lines
    assert _line(text, "2. Ardahan’a Giriş") in lines
    assert _line(text, "bağlarını güçlendirmiştir") in lines
    assert all("may lack sentence punctuation" in m and "before `tarihkg new-source`" in m
               for _, m in warnings)


def test_a_heading_inside_a_run_on_sentence_is_reported_without_blank_lines(raw: str) -> None:
    text = _without_full_stops(raw).replace("88/14)\n\n2. Ardahan", "88/14)\n2. Ardahan")
    _, warnings = _read(text)
    assert any(line == _line(text, "2. Ardahan’a Giriş") and "short line" in m
               for line, m in warnings)


# 2. The page number printed under the footnotes


def test_a_page_number_under_the_footnotes_is_lifted_as_the_pages_number(raw: str) -> None:
    ex, _ = _read(raw)
    assert [(p.label, p.label_inferred) for p in ex.pages] == [
        ("45", False), ("46", False), ("47", False),
    ]
    assert [f.text for f in ex.footnotes][0] == "Tabur komutanının adı bazı belgelerde yazılmamıştır."
    assert not any(re.fullmatch(r"\d+", s.text) for s in ex.sentences)


def test_a_page_number_under_the_footnotes_ends_its_page_without_a_running_header(
    raw: str,
) -> None:
    text = raw.replace("Doğu Anadolu Tarih Yazıları" + " " * 47 + "A. Demir\n\n", "")
    ex, warnings = _read(text)
    assert warnings == []
    assert [p.label for p in ex.pages] == ["45", "46", "47"]
    page2 = next(s for s in ex.sentences if s.text.startswith("Şehrin savunmasını"))
    assert (page2.zone, page2.page) == ("body", "46")


def test_a_page_whose_number_is_missing_is_reported(raw: str) -> None:
    text = raw.replace(" " * 81 + "46\n", "")
    ex, warnings = _read(text)
    assert [p.printed for p in ex.pages] == ["45", None, "47"]
    [(line, message)] = warnings
    assert line == _line(text, "Doğu Anadolu Tarih Yazıları")
    assert message.startswith("page 2 of the extract has no printed page number, though 2 of 3")
    assert "(45, 47)" in message and "under its footnotes" in message


# 2b. A running header on a page's first line, not isolated by blank lines (newart3 problem 3)

HEADER_2 = "Ardahan’da 1918" + " " * 59 + "A. Demir"


def _sections(ex: ExtractedSource) -> list[tuple[str | None, str | None]]:
    return [(s.section, s.page) for s in ex.sentences if s.zone == "body"]


@pytest.mark.parametrize(
    "header",
    [" " + HEADER_2 + "\n", HEADER_2 + "\n"],
    ids=["one-leading-space", "no-leading-space"],
)
def test_a_running_header_glued_to_the_next_heading_is_lifted(raw: str, header: str) -> None:
    """The page-3 header printed as the page's first line with no blank line after it: with the
    page-break space, or without it after the page number that ended page 2."""
    text = raw.replace(HEADER_2 + "\n\n", header)
    assert text != raw
    ex, warnings = _read(text)
    before = extract_source("x", raw)
    assert warnings == []
    assert [h.text for h in ex.headings] == [h.text for h in before.headings]
    assert _sections(ex) == _sections(before)
    assert ("page-header", "Ardahan’da 1918 A. Demir") in [(x.kind, x.text) for x in ex.lifted]
    assert [p.label for p in ex.pages] == ["45", "46", "47"]


NAHCIVAN_HEADER = " 1919 Baharında Nahçıvan" + " " * 54 + "Selim Özdağ \n"
NAHCIVAN_PAGE = (
    "{number}. {place_name} Heyeti\n"
    "{place} yeni bir heyet toplanmıştır. Heyet bölgenin idaresini ele\n"
    "almış ve bir süre şehirde kalmıştır.\n\n{page}\n"
)
PLACES = {1: "Nahçıvan’da", 2: "Ordubad’da", 3: "Şahtahtı’da"}
HEADINGS = ["1. Nahçıvan Heyeti", "2. Ordubad Heyeti", "3. Şahtahtı Heyeti"]


def _page(n: int, number: object) -> str:
    return NAHCIVAN_PAGE.format(number=n, place=PLACES[n], place_name=PLACES[n][:-3], page=number)


def _nahcivan(header: str) -> str:
    pages = [_page(n, 60 + n) for n in (1, 2, 3)]
    return pages[0] + "".join(header + p for p in pages[1:])


def test_a_header_with_one_leading_space_after_an_isolated_page_number_is_lifted() -> None:
    """The made-up shape of newart3's article: the number closes the page, then ' title ⟨54
    spaces⟩ author' opens the next one and the heading follows on the next line."""
    ex, warnings = _read(_nahcivan(NAHCIVAN_HEADER))
    assert warnings == []
    assert [h.text for h in ex.headings] == HEADINGS
    assert _sections(ex) == [(h, str(61 + n)) for n, h in enumerate(HEADINGS) for _ in (1, 2)]
    headers = [x.text for x in ex.lifted if x.kind == "page-header"]
    assert headers == ["1919 Baharında Nahçıvan Selim Özdağ"] * 2
    # without the leading space, the page number that ends the page marks the header's place
    ex2, warnings2 = _read(_nahcivan(NAHCIVAN_HEADER[1:]))
    assert warnings2 == [] and _sections(ex2) == _sections(ex)


def test_a_two_part_line_printed_twice_in_the_running_text_is_reported() -> None:
    """Not at a page's first line (no page break before it), the header is not lifted: printed
    twice, it is reported at its first line (a one-part line needs three printings)."""
    header = NAHCIVAN_HEADER[1:]
    body = [_page(n, "").rstrip() + "\n" for n in (1, 2, 3)]
    text = body[0] + header + body[1] + header + body[2]
    ex, warnings = _read(text)
    assert not [x for x in ex.lifted if x.kind == "page-header"]
    [(line, message)] = warnings
    assert line == _line(text, "1919 Baharında")
    assert message.startswith("this line is printed 2 times in the running text")
    one_part = text.replace(header, "1919 Baharında Nahçıvan\n")
    assert _read(one_part)[1] == []


# 3. The title block


def test_a_title_block_is_lifted_and_the_first_heading_kept(raw: str) -> None:
    ex, _ = _read(raw)
    lifted = [(x.kind, x.text) for x in ex.lifted if x.kind in ("journal-header", "title", "author")]
    assert lifted[:3] == [
        ("journal-header", "DOĞU ANADOLU TARİH YAZILARI, Cilt 4, Sayı 2, 2025, s. 45-47"),
        ("title", "36. TÜMEN VE ARDAHAN: 1918 BAHARINDA BİR KUŞATMANIN KISA HİKÂYESİ"),
        ("author", "Ayşe DEMİR*"),
    ]
    assert not any("Cilt" in s.text or "DEMİR" in s.text for s in ex.sentences)


def test_a_title_block_before_the_first_heading_without_an_abstract_is_lifted(raw: str) -> None:
    start = raw.index("Öz\n")
    text = raw[:start] + raw[raw.index("1. Giriş") :]
    ex, warnings = _read(text)
    assert warnings == []
    assert [x.kind for x in ex.lifted][:3] == ["journal-header", "title", "author"]
    assert ex.headings[0].text == "1. Giriş"
    assert ex.sentences[0].text.startswith("Brest Litovsk")


def test_a_title_block_the_splitter_cannot_place_is_reported(raw: str) -> None:
    text = raw[: raw.index("Öz\n")] + raw[raw.index("Brest Litovsk") :]  # no heading after it
    ex, warnings = _read(text)
    assert ex.sentences[0].text.startswith("DOĞU ANADOLU TARİH YAZILARI, Cilt 4")
    assert (1, "the first sentence holds a journal line") in [(n, m[:39]) for n, m in warnings]


def test_a_text_opening_with_an_unnumbered_heading_keeps_it() -> None:
    text = "Giriş\n\nOsmanlı ordusu 1918 yılında Bakü’ye girdi. Bu olay yankı uyandırdı.\n"
    ex, warnings = _read(text)
    assert warnings == [] and [h.text for h in ex.headings] == ["Giriş"]
    assert not any(x.kind in ("title", "author") for x in ex.lifted)


# 4. The bibliography


def test_a_bibliography_is_lifted_entry_by_entry_and_gives_no_sentence(raw: str) -> None:
    ex, _ = _read(raw)
    assert [x.text for x in ex.lifted if x.kind == "bibliography"] == [
        "Demir, S. (2016). Ardahan ve Çevresi 1918. Ankara: Örnek Yayınları.",
        "Kaya, M. (2011). Kafkas Cephesinde 36. Tümen. İstanbul: Deneme Yayınevi.",
    ]
    assert not any("Yayın" in s.text for s in ex.sentences)


@pytest.mark.parametrize("label", ["Kaynaklar", "KAYNAKÇA", "Bibliyografya", "References"])
def test_every_bibliography_label_is_understood(raw: str, label: str) -> None:
    ex, _ = _read(raw.replace("\nKaynakça\n", f"\n{label}\n"))
    assert len([x for x in ex.lifted if x.kind == "bibliography"]) == 2


def test_a_bibliography_entry_running_over_two_lines_is_one_entry(raw: str) -> None:
    text = raw.replace("1918. Ankara:", "1918.\nAnkara:")
    ex, _ = _read(text)
    entries = [x.text for x in ex.lifted if x.kind == "bibliography"]
    assert entries[0] == "Demir, S. (2016). Ardahan ve Çevresi 1918. Ankara: Örnek Yayınları."


# 5. A '*' or '†' note in the footnote block


@pytest.mark.parametrize("mark", ["*", "†", "**"])
def test_a_symbol_note_in_the_footnote_block_is_lifted_and_the_footnotes_found(
    raw: str, mark: str
) -> None:
    text = raw.replace("* Bu metin", f"{mark} Bu metin")
    ex, warnings = _read(text)
    assert warnings == []
    [note] = [x for x in ex.lifted if x.kind == "author-note"]
    assert note.text == f"{mark} Bu metin tarihkg aracının denenmesi için yazılmış kurgusal bir metindir."
    assert [f.number for f in ex.footnotes] == [1, 2]
    assert not any("kurgusal" in s.text for s in ex.sentences)


def test_a_line_that_stops_the_footnote_block_is_named(raw: str) -> None:
    text = raw.replace("* Bu metin", "(a) Bu metin")
    _, warnings = _read(text)
    [(line, message)] = warnings
    assert line == _line(text, "Tümenin öncü taburu")
    assert message.startswith("2 footnote markers without a footnote")
    assert (
        f"the line of spaces at line {_line(text, '(a) Bu metin') - 1} is followed by "
        "'(a) Bu metin tarihkg aracının ', not by footnote 1 or a '*'/'†' note: that line "
        "stops the block"
    ) in message


def test_a_symbol_note_alone_at_a_page_foot_is_lifted(raw: str) -> None:
    text = raw.replace("1 Tabur komutanının adı bazı belgelerde yazılmamıştır.\n", "").replace(
        "ulaşmıştır1.", "ulaşmıştır."
    ).replace("getirilmiştir2.", "getirilmiştir1.").replace("2 Heyetin", "1 Heyetin")
    ex, warnings = _read(text)
    assert warnings == []
    assert [x.kind for x in ex.lifted].count("author-note") == 1
    assert [(f.number, f.page) for f in ex.footnotes] == [(1, "46")]


# 6 and the real texts


@pytest.mark.parametrize("source_id", sorted(COMMITTED))
def test_the_registered_texts_give_no_report_and_lift_no_title_block(source_id: str) -> None:
    """000 and 002, named by id: no layout report, and nothing lifted as a title block or
    bibliography, for neither text prints one (000 begins at its Özet, 002 at its introduction,
    and both end before any bibliography). An article a curator adds keeps its title block and
    Kaynakça (README "Add an article", step 1), which the extract lifts: it is not asked this."""
    raw = read_source(SOURCES / f"{source_id}.txt")
    ex, warnings = _read(raw)
    assert warnings == []
    assert not {x.kind for x in ex.lifted} & {"journal-header", "author", "author-note", "bibliography"}


# 6. Paragraph ends marked only by two trailing spaces

TWO_SPACES = (
    "Giriş\n\n"
    "Osmanlı ordusu 1918 yılının başında Kars’a doğru ilerlemeye başlamış ve yolda \n"
    "birçok köyü geri almıştır. Bu ilerleyiş Ermeni birliklerini şaşırtmıştır.  \n"
    "Ardahan’daki Ermeni birlikleri ise şehri savunmak için hazırlık yapmış ve \n"
    "Göle yolunu tutmuştur (Kaya, 2011: 12). Şehir kısa sürede kuşatılmıştır. \n"
)


def test_a_line_ending_in_two_spaces_ends_its_paragraph() -> None:
    ex, warnings = _read(TWO_SPACES)
    assert warnings == []
    assert [(s.paragraph, s.text[:20]) for s in ex.sentences] == [
        (1, "Osmanlı ordusu 1918 "), (1, "Bu ilerleyiş Ermeni "),
        (2, "Ardahan’daki Ermeni "), (2, "Şehir kısa sürede ku"),
    ]


def test_two_spaces_at_every_line_end_mark_no_paragraph() -> None:
    ex, _ = _read(TWO_SPACES.replace(" \n", "  \n"))
    assert {s.paragraph for s in ex.sentences} == {1}


def test_the_registered_texts_paragraph_ends_marked_by_two_spaces_are_read() -> None:
    """000 ends 16 running-text lines with two spaces; each ends its paragraph (13 of them
    are also followed by a blank line, a short line or the page's footnotes; the other 3 are
    full lines followed by a new topic: lines 66, 157 and 244)."""
    path = next(SOURCES.glob("000_*.txt"))
    raw = read_source(path)
    ex, _ = _read(raw)
    ends = {max(s.end for s in ex.sentences if s.paragraph == p)
            for p in {s.paragraph for s in ex.sentences}}
    offset, marked = 0, []
    for line in raw.split("\n"):
        if line.endswith("  ") and line.strip() and line.rstrip()[-1] in ".)":
            marked.append(offset + len(line.rstrip()))
        offset += len(line) + 1
    assert len(marked) == 16 and all(m in ends for m in marked)


def test_the_summary_says_what_was_read_and_lifted(raw: str) -> None:
    assert lifted_summary(extract_source("x", raw)) == (
        "read: 3 pages (printed 45, 46, 47), 6 headings, 2 footnotes, 16 sentences; lifted: "
        "1 journal line, 2 titles, 1 author line, 2 abstracts, 2 keywords lines, 1 author note, "
        "3 page numbers, 2 running headers, 2 bibliography entries"
    )


# 4b. A bibliography entry is the full reference of the work the text cites


def test_a_cited_work_gets_its_bibliography_entry_as_its_full_reference(raw: str) -> None:
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDFS

    from tarihkg.annotate import annotate_source
    from tarihkg.citation import _work_item
    from tarihkg.curation import SourceMeta
    from tarihkg.iri import Minter
    from tarihkg.rdfize import rdfize_source
    from tarihkg.text.mentions import Lexicon

    meta = SourceMeta(id="009_x", file="009_x.txt", language="tr", licence="test")
    src = annotate_source(meta, extract_source("009_x", raw), Lexicon.build([]))
    g = rdfize_source(src, raw, [], {}, minter=Minter())
    refs = {str(g.value(w, RDFS.label)): str(r)
            for w, r in g.subject_objects(DCTERMS.bibliographicCitation)}
    assert refs == {
        "Kaya, 2011": "Kaya, M. (2011). Kafkas Cephesinde 36. Tümen. İstanbul: Deneme Yayınevi.",
        "Demir, 2016": "Demir, S. (2016). Ardahan ve Çevresi 1918. Ankara: Örnek Yayınları.",
    }
    # the archive record (BOA) has no entry; the bibliography's words give no sentence
    assert not any("Yayınevi" in str(o) for o in g.objects(None, None)
                   if isinstance(o, Literal) and str(o) not in refs.values())
    item = _work_item("w", "Kaya", "2011", "Kaya, 2011", ["009_x"], refs["Kaya, 2011"])
    assert item["note"].endswith("bibliography prints it: " + refs["Kaya, 2011"])


# A justified line is broken only where the next word does not fit: a sentence-final line that
# had room for the next line's first word ends its paragraph, though it is not short.
ROOM = (
    "Giriş\n\n"
    "Osmanlı ordusu 1918 yılının başında Kars’a doğru ilerlemeye başlamış, yolda da \n"
    "birçok köyü geri almış ve Ermeni birliklerini Arpaçay’ın doğusuna atmıştır. \n"
    "Bu ilerleyiş sırasında yapılan görüşmeler sonuçsuz kalmıştır. \n"
    "Kars görüşmelerinin olumlu bir sonuç getirmeyeceğinin anlaşılması üzerine \n"
    "Türk birlikleri 25 Nisan 1918’de Kars’a girmiş ve şehri ele geçirmiştir. Bunun \n"
    "üzerine Ermeni birlikleri Gümrü yönüne çekilmiş ve yeni mevziler kurmuşlardır \n"
    "(Kaya, 2011: 12). Ardahan’daki birlikler ise kısa sürede teslim olmuşlardır. \n"
)


def test_a_sentence_final_line_with_room_for_the_next_word_ends_its_paragraph() -> None:
    """Line 3 (62 characters: not short, over 70 % of the usual 78) had room for 'Kars', the
    next line's first word: the author ended the paragraph there; line 2 (75) ends a sentence
    too but 'Bu' would not have fitted on it, so the paragraph runs on."""
    ex, warnings = _read(ROOM)
    assert warnings == []
    assert [(s.paragraph, s.text[:12]) for s in ex.sentences] == [
        (1, "Osmanlı ordu"), (1, "Bu ilerleyiş"),
        (2, "Kars görüşme"), (2, "Bunun üzerin"), (2, "Ardahan’daki"),
    ]


def test_the_registered_texts_paragraph_after_the_trabzon_talks_is_its_own() -> None:
    """000 line 104 ('… olumlu bir sonuç alınamamıştır.', 67 characters where the usual line
    is 87) had room for 'Trabzon': the Trabzon talks' paragraph prints no citation, and the
    next paragraph's (Sürmeli, 2001: 83-84) is for the April advance, not for it."""
    ex, _ = _read(read_source(next(SOURCES.glob("000_*.txt"))))
    (talks,) = [s for s in ex.sentences if s.text.endswith("olumlu bir sonuç alınamamıştır.")]
    (after,) = [s for s in ex.sentences if s.text.startswith("Trabzon görüşmelerinin olumlu")]
    assert after.paragraph == talks.paragraph + 1
