"""Offsets: every sentence and footnote maps back to the original text, nothing printed is lost."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tarihkg.errors import SourceError
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.model import ExtractedSource, Span
from tarihkg.text.normalise import normalise_text

S000 = "000_539a70a237dcfef4"
S002 = "002_afd972166be37c54"
SOURCES = (S000, S002)
SYNTHETIC = Path(__file__).resolve().parent / "data" / "text" / "003_synthetic.txt"


@pytest.fixture(scope="module")
def extracted(raw_sources: dict[str, str]) -> dict[str, ExtractedSource]:
    return {sid: extract_source(sid, raw) for sid, raw in raw_sources.items()}


@pytest.mark.parametrize("sid", SOURCES)
def test_every_sentence_is_its_normalised_pieces(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource], sid: str
) -> None:
    raw, x = raw_sources[sid], extracted[sid]
    assert x.sentences
    for s in x.sentences:
        joined = "".join(raw[p.start : p.end] for p in s.pieces)
        assert normalise_text(joined) == s.text, s.index
        assert s.pieces[0].start == s.start and s.pieces[-1].end == s.end
        assert all(a.end <= b.start for a, b in zip(s.pieces, s.pieces[1:], strict=False))
        assert x.clean[s.clean_start : s.clean_end] == s.text
        assert x.original_span(s.clean_start, s.clean_end) == Span(s.start, s.end)
        assert not raw[s.start].isspace() and not unicodedata.combining(raw[s.start])
        assert not raw[s.end - 1].isspace()
        assert s.end == len(raw) or not unicodedata.combining(raw[s.end])
        if len(s.pieces) == 1:
            assert normalise_text(raw[s.start : s.end]) == s.text


@pytest.mark.parametrize("sid", SOURCES)
def test_every_footnote_is_its_normalised_span(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource], sid: str
) -> None:
    raw = raw_sources[sid]
    for f in extracted[sid].footnotes:
        assert normalise_text(raw[f.start : f.end]) == f.text


@pytest.mark.parametrize("sid", SOURCES)
def test_sentences_are_indexed_in_order_and_do_not_overlap(
    extracted: dict[str, ExtractedSource], sid: str
) -> None:
    sentences = extracted[sid].sentences
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
    pieces = sorted((p.start, p.end) for s in sentences for p in s.pieces)
    assert all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:], strict=False))


@pytest.mark.parametrize("sid", SOURCES)
def test_every_printed_character_is_accounted_for(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource], sid: str
) -> None:
    """Each non-space character is in a body/abstract sentence, a footnote, a heading or a
    lifted span, except the numbers that open footnotes."""
    raw, x = raw_sources[sid], extracted[sid]
    covered = bytearray(len(raw))
    spans = [(p.start, p.end) for s in x.sentences if s.zone != "footnote" for p in s.pieces]
    spans += [(f.start, f.end) for f in x.footnotes]
    spans += [(h.start, h.end) for h in x.headings]
    spans += [(item.start, item.end) for item in x.lifted]
    for a, b in spans:
        covered[a:b] = b"\x01" * (b - a)
    missing = [i for i, c in enumerate(raw) if not c.isspace() and not covered[i]]
    numbers = {raw.rindex("\n", 0, f.start) + 1 for f in x.footnotes}
    assert all(raw.rindex("\n", 0, i) + 1 in numbers and raw[i].isdigit() for i in missing)


# Footnote N's marker: (a unique context in file 000, how many characters precede the marker).
MARKERS = {
    1: ("Kerenski’ye1 bağlı", 11),
    2: ("F.1-\n13)2. Bu", 8),
    3: ("etmekte3 diğer", 7),
    4: ("Seym4, Türkiye", 4),
    5: ("(Bayur, 1995: 13)5. Bir", 17),
    6: ("ulaşmıştır6. Türk", 10),
    7: ("atanmış7, Temmuz", 7),
    8: ("491-492)8. Ağustos", 8),
    9: ("(Tansel, 1991: 25)9.", 18),
    10: ("(Sürmeli, 2001: 323)10.", 20),
    11: ("geldiğinde11 15.", 10),
}


def test_all_eleven_footnotes_of_000_with_their_markers(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S000], extracted[S000]
    assert [f.number for f in x.footnotes] == list(range(1, 12))
    for f in x.footnotes:
        context, before = MARKERS[f.number]
        assert raw.count(context) == 1, context
        assert f.marker_offset == raw.index(context) + before
        assert raw[f.marker_offset :].startswith(str(f.number))
    lifted = {(m.start, m.text) for m in x.lifted if m.kind == "footnote-marker"}
    assert lifted == {(f.marker_offset, str(f.number)) for f in x.footnotes}
    assert [f.page_index for f in x.footnotes] == [2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5]
    assert x.footnotes[0].text == (
        "Şubat 1917’de gerçekleşen ihtilal sonrası oluşturulan geçici hükümetin başkanı, tam "
        "adı Aleksandr Fyodoroviç Kerenski."
    )
    assert "kuvvetlerini düzenledikten" in x.footnotes[5].text
    assert x.footnotes[10].text == "Bu emir Nuri Paşa’nın eline 5 Kasım 1938’de ulaşmıştır."
    in_notes = [s for s in x.sentences if s.zone == "footnote"]
    assert {s.footnote for s in in_notes} == set(range(1, 12))
    assert extracted[S002].footnotes == ()


@pytest.mark.parametrize("sid", SOURCES)
def test_no_marker_page_header_or_page_number_in_sentences(
    extracted: dict[str, ExtractedSource], sid: str
) -> None:
    for s in extracted[sid].sentences:
        assert not re.search(r"(?:[^\W\d_]|\))\d", s.text), s.text
        assert "Heterotopic" not in s.text and "Halilov" not in s.text
        assert not re.search(r"\b190\b", s.text)


def test_page_labels_of_002(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, pages = raw_sources[S002], extracted[S002].pages
    assert [p.label for p in pages] == ["187", "188", "189", "190", "191", "192", "193"]
    assert [p.label_inferred for p in pages] == [True, True, True, False, True, True, True]
    assert pages[3].start == raw.index("T. Halilov")
    assert pages[1].start == raw.index(" Azerbaycan arasında yapılan")
    assert pages[0].start == 0 and pages[-1].end == len(raw)
    assert all(a.end == b.start for a, b in zip(pages, pages[1:], strict=False))
    lifted = {(x.kind, x.text) for x in extracted[S002].lifted}
    assert ("page-number", "190") in lifted
    assert ("page-header", "T. Halilov & S. Aliyev Heterotopic View") in lifted


def test_pages_of_000_are_unlabelled(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, pages = raw_sources[S000], extracted[S000].pages
    starts = [m.start() for m in re.finditer(r"(?m)^ \S", raw)]
    assert [p.start for p in pages] == starts
    assert len(pages) == 8
    assert all(p.label is None and not p.label_inferred for p in pages)


def test_original_span_of_a_decomposed_word_includes_its_marks(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S002], extracted[S002]
    s = next(s for s in x.sentences if s.text.startswith("Nuri Paşa, 13 Eylül günü"))
    i = s.text.index("Bakü’ye")
    span = x.original_span(s.clean_start + i, s.clean_start + i + len("Bakü"))
    assert raw[span.start : span.end] == "Baku\u0308"
    assert x.original_pieces(s.clean_start + i, s.clean_start + i + 4) == (span,)


def test_original_pieces_of_a_mention_across_a_marker(
    raw_sources: dict[str, str], extracted: dict[str, ExtractedSource]
) -> None:
    raw, x = raw_sources[S000], extracted[S000]
    s = next(s for s in x.sentences if s.text.startswith("Kerenski’ye bağlı"))
    pieces = x.original_pieces(s.clean_start, s.clean_start + len("Kerenski’ye bağlı"))
    assert [raw[p.start : p.end] for p in pieces] == ["Kerenski’ye", " bağlı"]


def test_json_is_deterministic_and_has_no_offset_map(
    extracted: dict[str, ExtractedSource],
) -> None:
    x = extracted[S002]
    text = x.to_json()
    assert text == extract_source(S002, read_source_text(S002)).to_json()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert "clean_starts" not in data and "chunks" not in data
    assert len(data["sentences"]) == len(x.sentences)
    spliced = next(s for s in data["sentences"] if s["text"].startswith("16 Haziran 1919"))
    assert len(spliced["pieces"]) == 2


def read_source_text(sid: str) -> str:
    return read_source(Path(__file__).resolve().parent.parent / "data" / "sources" / f"{sid}.txt")


def test_read_source_keeps_text_as_stored(raw_sources: dict[str, str]) -> None:
    assert read_source_text(S002) == raw_sources[S002]
    assert "u\u0308" in read_source_text(S002)


def test_read_source_refuses_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("Birinci satır\nikinci ".encode() + b"\xff\xfe satir\n")
    with pytest.raises(SourceError) as info:
        read_source(path)
    offset = len("Birinci satır\nikinci ".encode())
    assert info.value.line == 2
    assert f"byte {offset}" in str(info.value) and "bad.txt" in str(info.value)


@pytest.mark.parametrize(("content", "words"), [(b"", "empty"), (b" \n\t \n", "whitespace")])
def test_read_source_refuses_empty_and_blank_files(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=words):
        read_source(path)


def test_read_source_refuses_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf Giri\xc5\x9f\n")
    with pytest.raises(SourceError, match="byte order mark"):
        read_source(path)


def test_synthetic_article_offsets() -> None:
    raw = read_source(SYNTHETIC)
    x = extract_source("003_synthetic", raw)
    for s in x.sentences:
        assert normalise_text("".join(raw[p.start : p.end] for p in s.pieces)) == s.text
    s = next(s for s in x.sentences if s.text.startswith("Halil Bey bu hatta"))
    assert len(s.pieces) == 2 and s.pieces[1].start == raw.index("hatta 10. alayla")
