"""A source text and its extract -> the places where the splitter did not understand the
layout (a text with no sentence punctuation, a running page header it does not know, footnote
markers without footnotes, footnotes without markers), each at its line.

The splitter never fails on a strange layout: it segments what it can. These checks say where
its result cannot be trusted, so that a new source is reported instead of mis-segmented in
silence (the build warns; `tarihkg check` counts them as errors).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from tarihkg.text.model import ExtractedSource

#: A body sentence longer than this many words is not a sentence the splitter understood.
MAX_SENTENCE_WORDS = 160
#: A line (digits aside) printed this many times outside what the splitter lifts is a header.
REPEATED_LINE = 3
#: A line holding two texts far apart (a header's shape) is one when printed this many times.
REPEATED_HEADER = 2
_FAR_APART = re.compile(r"\S.*\S {8,}\S.*")
_MARKER = re.compile(r"(?<=[^\W\d_]|[’'”)])(\d{1,3})(?=[\s.,;:)]|$)")
#: A note marker printed right after a word's full stop ('endişe ediyordu.1 Sonra').
_MARKER_AFTER_STOP = re.compile(
    r"(?:([^\W\d_]{2,})|[)”’\"\]])[.!?…][”’\"')\]]*(\d{1,3})(?=\s|$)"
)
_NOTES_HEADING = re.compile(
    r"(?i)(?:(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+)?"
    r"(?:son\s*notlar|dip\s*notlar|notlar|end\s*notes|notes)\s*:?"
)
_KEYWORDS = re.compile(
    r"(?:Anahtar\s+(?:Kelimeler|Sözcükler)|Key\s*[Ww]ords|Keywords)\s*:", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")
_JOURNAL = re.compile(r"(?i)\b(?:cilt|sayı|vol(?:ume)?|issue)\.?\s*:?\s*\d")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
#: A line shorter than this share of the usual line length ends a paragraph or a heading.
SHORT_LINE = 0.6
_PUNCTUATION_ADVICE = (
    "the text may lack sentence punctuation (the splitter ends sentences at . ! ? … and "
    "paragraphs and headings only after them); put the punctuation back in the text before "
    "`tarihkg new-source` (a registered text is never edited)"
)


@dataclass(frozen=True)
class LayoutWarning:
    """Something about a text's layout the splitter did not understand, at a 1-based line."""

    line: int
    message: str
    level: str = "warning"


def _line_of(raw: str, offset: int) -> int:
    return raw.count("\n", 0, offset) + 1


def layout_warnings(raw: str, extracted: ExtractedSource) -> list[LayoutWarning]:
    """Every layout problem of `raw` as `extracted` shows it, in the order of the text."""
    found = (
        _long_sentences(raw, extracted)
        + _run_on_sentences(raw, extracted)
        + _pages_without_number(raw, extracted)
        + _unlifted_title_block(raw, extracted)
        + _unknown_headers(raw, extracted)
        + _headers_inside_sentences(raw, extracted)
        + _orphan_markers(raw, extracted)
        + _markers_after_full_stop(raw, extracted)
        + _unread_notes(raw, extracted)
        + _keywords_in_text(raw, extracted)
        + _footnotes_without_markers(raw, extracted)
    )
    return sorted(found, key=lambda w: w.line)


def _long_sentences(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    return [
        LayoutWarning(
            _line_of(raw, s.start),
            f"a 'sentence' of {len(s.text.split())} words: the text may lack sentence "
            "punctuation (the splitter ends sentences at . ! ? …)",
        )
        for s in ex.sentences
        if len(s.text.split()) > MAX_SENTENCE_WORDS
    ]


def _unknown_headers(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Lines printed again and again (numbers aside) that stay in the running text."""
    return [
        LayoutWarning(
            _line_of(raw, starts[0]),
            f"this line is printed {len(starts)} times in the running text: a page header or "
            "footer the splitter does not know (it is read as part of the sentences)",
        )
        for starts in _repeated_lines(raw, ex)
    ]


def _headers_inside_sentences(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Lines holding two texts far apart (a running header's shape) printed once inside a
    sentence, not on a page's first line: a header a two-column extraction put mid-page."""
    repeated = {_line_of(raw, a) for starts in _repeated_lines(raw, ex) for a in starts}
    lines = raw.split("\n")
    found: dict[int, LayoutWarning] = {}
    for s in ex.sentences:
        if s.zone == "footnote":
            continue
        for p in s.pieces:
            for no in range(_line_of(raw, p.start), _line_of(raw, max(p.start, p.end - 1)) + 1):
                text = lines[no - 1].strip()
                if no in repeated or no in found or not _FAR_APART.fullmatch(text):
                    continue
                left, right = re.split(r" {8,}", text, maxsplit=1)
                found[no] = LayoutWarning(
                    no,
                    f"a line of two texts far apart inside a sentence ({left!r} … {right!r}): "
                    "likely a running header the extraction put in the middle of a page (two "
                    "columns); its words are read as part of the sentence. Take it out of the "
                    "text before `tarihkg new-source` (a registered text is never edited)",
                )
    return list(found.values())


def _repeated_lines(raw: str, ex: ExtractedSource) -> list[list[int]]:
    """Where each line printed again and again (numbers aside) in the running text starts."""
    lifted = [(x.start, x.end) for x in ex.lifted]
    seen: dict[str, list[int]] = defaultdict(list)
    far_apart: set[str] = set()
    offset = 0
    for line in raw.split("\n"):
        text = " ".join(line.split())
        start = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        if len(text) < 6 or _SENTENCE_END.search(text) or any(a <= start < b for a, b in lifted):
            continue
        key = _DIGITS.sub("#", text)
        seen[key].append(start)
        if _FAR_APART.fullmatch(line.strip()):
            far_apart.add(key)
    return [
        starts
        for key, starts in seen.items()
        if len(starts) >= (REPEATED_HEADER if key in far_apart else REPEATED_LINE)
        and re.search(r"[^\W\d_]", key)
    ]


def _orphan_markers(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Numbers glued to a word in the body (`Kars’a3`) that no footnote of the extract has."""
    numbers = {f.number for f in ex.footnotes}
    hits = []
    for s in ex.sentences:
        if s.zone != "body":
            continue
        for m in _MARKER.finditer(s.text):
            if int(m.group(1)) not in numbers:
                hits.append((s, m))
    if not hits:
        return []
    s, m = hits[0]
    return [
        LayoutWarning(
            _line_of(raw, s.start),
            f"{len(hits)} footnote markers without a footnote (first: "
            f"{s.text[max(0, m.start() - 12) : m.end()]!r}): the footnotes' layout is not "
            "understood (expected: a line of spaces, then lines 'N text' at the page foot"
            f"{_unread_block(raw, ex, max(numbers, default=0) + 1)})",
        )
    ]


def _markers_after_full_stop(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Note markers printed after a full stop ('ediyordu.1') left in the sentences: the notes
    they point to were not found (the punctuation is there: the marker follows it)."""
    from tarihkg.text.segment import ABBREVIATIONS, turkish_lower

    hits = [
        (s, m)
        for s in ex.sentences
        if s.zone != "footnote"
        for m in _MARKER_AFTER_STOP.finditer(s.text)
        if not (m.group(1) and turkish_lower(m.group(1)) in ABBREVIATIONS)
    ]
    if not hits:
        return []
    s, m = hits[0]
    where = ex.original_span(s.clean_start + m.start(2), s.clean_start + m.end(2)).start
    return [
        LayoutWarning(
            _line_of(raw, where),
            f"{len(hits)} note markers after a full stop without a note (first: "
            f"{s.text[max(0, m.start(2) - 20) : m.end()]!r}): the notes they point to were "
            "not found, so the markers stay in the sentences (endnotes: a heading 'Notlar', "
            "'Sonnotlar', 'Dipnotlar' or 'Notes' after the body, then lines 'N text' numbered "
            "from 1; footnotes: a line of spaces, then lines 'N text' at the page foot)",
        )
    ]


def _unread_notes(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """A notes heading ('Notlar') whose notes were read as body sentences."""
    found = []
    for h in ex.headings:
        if not _NOTES_HEADING.fullmatch(h.text):
            continue
        under = [s for s in ex.sentences if s.zone == "body" and s.section == h.text]
        if under:
            found.append(LayoutWarning(
                _line_of(raw, under[0].start),
                f"the notes under '{h.text}' are read as body sentences (first: "
                f"{under[0].text[:40]!r}): a notes block is read when its first line opens "
                "'1 ' (or '1. ') and the text has no page footnotes numbered 1",
            ))
    return found


def _keywords_in_text(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """A keywords line read as part of a sentence ('… ediyordu. Anahtar Kelimeler: …')."""
    return [
        LayoutWarning(
            _line_of(raw, s.start + s.text.index(m.group(0))),
            f"a keywords line read as running text ({s.text[m.start() : m.start() + 40]!r}…): "
            "a keywords line is lifted when it opens a paragraph or stands on the line right "
            "under its abstract's last full stop",
        )
        for s in ex.sentences
        if s.zone != "footnote"
        for m in [_KEYWORDS.search(s.text)]
        if m is not None
    ]


def _unread_block(raw: str, ex: ExtractedSource, number: int) -> str:
    """Why the first line of spaces not read as a footnote separator was not: the line after it."""
    read = {x.start for x in ex.lifted if x.kind == "footnote-separator"}
    offset = 0
    lines = raw.split("\n")
    for no, line in enumerate(lines, start=1):
        start, offset = offset, offset + len(line) + 1
        if len(line) < 5 or line.strip() or start in read:
            continue
        after = next((x.strip() for x in lines[no:] if x.strip()), "")
        if after:
            return (
                f"; the line of spaces at line {no} is followed by {after[:30]!r}, not by "
                f"footnote {number} or a '*'/'†' note: that line stops the block"
            )
    return "; no line of spaces stands before them"


def _footnotes_without_markers(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    notes_at = min(
        (h.start for h in ex.headings if _NOTES_HEADING.fullmatch(h.text)), default=len(raw)
    )
    separators = [x.start for x in ex.lifted if x.kind == "footnote-separator"]
    return [
        LayoutWarning(
            _line_of(raw, f.start),
            f"note {f.number} of the notes block has no marker in the text (expected its "
            "number right after a word, a closing parenthesis or a full stop, in the order of "
            "the notes)"
            if notes_at < f.start and not any(notes_at < x < f.start for x in separators)
            else f"footnote {f.number} has no marker in the text of its page",
        )
        for f in ex.footnotes
        if f.marker_offset is None
    ]


def _usual_width(raw: str, ex: ExtractedSource) -> float:
    lengths = sorted(
        len(line.strip())
        for s in ex.sentences
        if s.zone != "footnote"
        for p in s.pieces
        for line in raw[p.start : p.end].split("\n")[1:-1]
    )
    return lengths[int(len(lengths) * 0.9)] if lengths else 0.0


def _run_on_sentences(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Body and abstract sentences that run on across a blank line (nothing lifted between) or
    across a short line ending without punctuation before a capital: a paragraph end or a
    heading inside a sentence, which a text with its sentence punctuation never has."""
    width = _usual_width(raw, ex)
    headers = {_line_of(raw, a) for starts in _repeated_lines(raw, ex) for a in starts}
    found = []
    for s in ex.sentences:
        if s.zone == "footnote":
            continue
        for p in s.pieces:
            blank = _BLANK_LINE.search(raw, p.start, p.end)
            if blank and _line_of(raw, blank.start()) in headers:
                break  # a running header the splitter does not know: reported as such
            if blank:
                found.append(LayoutWarning(
                    _line_of(raw, blank.start()),
                    "a sentence runs on across a blank line (this line ends without . ! ? …): "
                    + _PUNCTUATION_ADVICE,
                ))
                break
            short = next(
                (
                    pos
                    for pos in (i for i in range(p.start, p.end) if raw[i] == "\n")
                    if len(raw[raw.rfind("\n", 0, pos) + 1 : pos].strip()) < SHORT_LINE * width
                    and raw[pos + 1 : p.end].strip()[:1].isupper()
                ),
                None,
            )
            if short is not None:
                found.append(LayoutWarning(
                    _line_of(raw, short),
                    "a sentence runs on across a short line ending without . ! ? … (a paragraph "
                    "end or a heading inside a sentence): " + _PUNCTUATION_ADVICE,
                ))
                break
    return found


def _pages_without_number(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """Pages with no printed number in a text where most pages print theirs."""
    printed = [p for p in ex.pages if p.printed is not None]
    missing = [p for p in ex.pages if p.printed is None]
    if len(printed) < 2 or len(missing) >= len(printed):
        return []
    numbers = ", ".join(p.printed or "" for p in printed)
    return [
        LayoutWarning(
            _line_of(raw, p.start),
            f"page {p.index} of the extract has no printed page number, though "
            f"{len(printed)} of {len(ex.pages)} pages have one ({numbers}): expected a line "
            "holding only the number, alone at the page's head or foot or as the last line "
            "under its footnotes or its last bibliography entry; its sentences get no page (a "
            "page number printed elsewhere is read as text)",
        )
        for p in missing
    ]


_NAMES = {
    "keywords": ("keywords line", "keywords lines"),
    "bibliography": ("bibliography entry", "bibliography entries"),
    "journal-header": ("journal line", "journal lines"),
    "page-header": ("running header", "running headers"),
    "page-number": ("page number", "page numbers"),
    "author-note": ("author note", "author notes"),
    "author": ("author line", "author lines"),
}


def lifted_summary(ex: ExtractedSource) -> str:
    """One line saying how the splitter read a text: its pages, headings, footnotes and
    sentences, and what it lifted out of the running text (for `tarihkg new-source`).

    >>> from tarihkg.text.extract import extract_source
    >>> lifted_summary(extract_source("x", "Giriş\\n\\nOrdu Kars’a girdi. Şehir alındı.\\n"))
    'read: 1 page (no printed number), 1 heading, 0 footnotes, 2 sentences; lifted: nothing'
    """
    printed = [p.printed for p in ex.pages if p.printed is not None]
    numbers = f"printed {', '.join(printed)}" if printed else "no printed number"
    counts: dict[str, int] = defaultdict(int)
    for x in ex.lifted:
        if x.kind not in ("footnote-separator", "footnote-marker"):
            counts[x.kind] += 1

    def plural(n: int, word: str) -> str:
        one, many = _NAMES.get(word, (word, word + "s"))
        return f"{n} {one if n == 1 else many}"

    lifted = ", ".join(plural(n, kind) for kind, n in counts.items())

    return (
        f"read: {plural(len(ex.pages), 'page')} ({numbers}), "
        f"{plural(len(ex.headings), 'heading')}, {plural(len(ex.footnotes), 'footnote')}, "
        f"{plural(len(ex.sentences), 'sentence')}; lifted: {lifted or 'nothing'}"
    )


def _unlifted_title_block(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    """A journal line ('Cilt 2, Sayı 1') in the first sentence: a title block read as text."""
    first = next((s for s in ex.sentences if s.zone == "body"), None)
    m = _JOURNAL.search(first.text) if first is not None and first.page_index == 1 else None
    if first is None or m is None:
        return []
    headers = {_line_of(raw, a) for starts in _repeated_lines(raw, ex) for a in starts}
    if _line_of(raw, first.start) in headers:
        return []  # a running header, reported as such
    return [
        LayoutWarning(
            _line_of(raw, first.start),
            f"the first sentence holds a journal line ({first.text[: m.end() + 20]!r}…): a title "
            "block read as running text (the splitter lifts one only when an abstract label, a "
            "keywords line or the first heading, '1. …' or 'Giriş', follows it, and none of "
            "its paragraphs ends a sentence)",
        )
    ]
