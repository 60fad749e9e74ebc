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
_MARKER = re.compile(r"(?<=[^\W\d_]|[’'”)])(\d{1,3})(?=[\s.,;:)]|$)")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")


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
        + _unknown_headers(raw, extracted)
        + _orphan_markers(raw, extracted)
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
    lifted = [(x.start, x.end) for x in ex.lifted]
    seen: dict[str, list[int]] = defaultdict(list)
    offset = 0
    for line in raw.split("\n"):
        text = " ".join(line.split())
        start = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        if len(text) < 6 or _SENTENCE_END.search(text) or any(a <= start < b for a, b in lifted):
            continue
        seen[_DIGITS.sub("#", text)].append(start)
    return [
        LayoutWarning(
            _line_of(raw, starts[0]),
            f"this line is printed {len(starts)} times in the running text: a page header or "
            "footer the splitter does not know (it is read as part of the sentences)",
        )
        for key, starts in seen.items()
        if len(starts) >= REPEATED_LINE and re.search(r"[^\W\d_]", key)
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
            "understood (expected: a line of spaces, then lines 'N text' at the page foot)",
        )
    ]


def _footnotes_without_markers(raw: str, ex: ExtractedSource) -> list[LayoutWarning]:
    return [
        LayoutWarning(
            _line_of(raw, f.start),
            f"footnote {f.number} has no marker in the text of its page",
        )
        for f in ex.footnotes
        if f.marker_offset is None
    ]
