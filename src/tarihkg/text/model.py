"""The text stage's records: pages, headings, lifted material, footnotes, sentences -> JSON.

Every offset is a Unicode code-point offset into the original source as decoded from UTF-8
(not NFC-normalised), half-open ``[start, end)``. Pages, paragraphs and footnote numbers are
1-based; ``Sentence.index`` is the sentence's position in ``ExtractedSource.sentences``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from tarihkg.errors import InternalError

log = logging.getLogger(__name__)

ZONES = ("body", "abstract", "footnote")
LIFTED_KINDS = (
    "page-header",
    "page-number",
    "footnote-separator",
    "footnote-marker",
    "abstract",
    "keywords",
    "title",
    "journal-header",
    "author",
    "author-note",
    "bibliography",
)


@dataclass(frozen=True)
class Span:
    """A half-open range of original code-point offsets."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise InternalError(f"bad span [{self.start}:{self.end}]")


@dataclass(frozen=True)
class Page:
    """A page of the extract; ``label`` is the printed page number, or one counted from it."""

    index: int
    start: int
    end: int
    label: str | None
    label_inferred: bool

    @property
    def printed(self) -> str | None:
        """The page number printed on this page, if any (a label counted from another page's
        number is no printed number: sentences and footnotes carry only a printed one)."""
        return None if self.label_inferred else self.label


@dataclass(frozen=True)
class Heading:
    """A section heading (or an abstract's ``Özet``/``Abstract`` label), cleaned."""

    text: str
    start: int
    end: int
    page_index: int


@dataclass(frozen=True)
class Lifted:
    """Material taken out of the running text; ``kind`` is one of ``LIFTED_KINDS``."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Footnote:
    """A footnote: its cleaned text (without its number) and where its marker stands."""

    number: int
    text: str
    start: int
    end: int
    marker_offset: int | None
    page_index: int
    page: str | None


@dataclass(frozen=True)
class Sentence:
    """A sentence: cleaned text, original extent and the pieces of it that hold its words."""

    index: int
    text: str
    start: int
    end: int
    pieces: tuple[Span, ...]
    zone: str
    footnote: int | None
    page_index: int
    page: str | None
    section: str | None
    paragraph: int
    clean_start: int
    clean_end: int


@dataclass(frozen=True)
class ExtractedSource:
    """Everything the text stage found in one source, plus the cleaned text and its offset map.

    ``clean`` holds every paragraph's cleaned text, one paragraph a line; ``clean_starts[i]``
    and ``clean_ends[i]`` are the original offsets clean character ``i`` came from and
    ``clean_chunks[i]`` the index in ``chunks`` of the original range holding it (-1 for the
    line breaks between paragraphs).
    """

    source_id: str
    length: int
    sentences: tuple[Sentence, ...]
    footnotes: tuple[Footnote, ...]
    headings: tuple[Heading, ...]
    lifted: tuple[Lifted, ...]
    pages: tuple[Page, ...]
    clean: str
    clean_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)
    clean_ends: tuple[int, ...] = field(default=(), repr=False, compare=False)
    clean_chunks: tuple[int, ...] = field(default=(), repr=False, compare=False)
    chunks: tuple[Span, ...] = field(default=(), repr=False, compare=False)

    def _check(self, clean_start: int, clean_end: int) -> None:
        if not 0 <= clean_start <= clean_end <= len(self.clean):
            raise InternalError(
                f"clean span [{clean_start}:{clean_end}] outside 0..{len(self.clean)}",
                path=self.source_id,
            )
        if len(self.clean_starts) != len(self.clean):
            raise InternalError("no clean-offset map", path=self.source_id)

    def original_span(self, clean_start: int, clean_end: int) -> Span:
        """The original extent of ``clean[clean_start:clean_end]`` (combining marks included)."""
        self._check(clean_start, clean_end)
        if clean_start == clean_end:
            at = (
                self.clean_starts[clean_start]
                if clean_start < len(self.clean)
                else (self.clean_ends[-1] if self.clean_ends else 0)
            )
            return Span(at, at)
        return Span(self.clean_starts[clean_start], self.clean_ends[clean_end - 1])

    def original_pieces(self, clean_start: int, clean_end: int) -> tuple[Span, ...]:
        """The original ranges holding ``clean[clean_start:clean_end]`` (one paragraph's worth).

        Lifted material inside the extent (a footnote block, a page header, a footnote
        marker) falls between pieces. Normalising the concatenated pieces gives the clean text.
        """
        span = self.original_span(clean_start, clean_end)
        owners = [c for c in self.clean_chunks[clean_start:clean_end] if c >= 0]
        if not owners:
            return (span,)
        pieces = []
        for c in range(min(owners), max(owners) + 1):
            a = max(self.chunks[c].start, span.start)
            b = min(self.chunks[c].end, span.end)
            if a < b:
                pieces.append(Span(a, b))
        return tuple(pieces)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the records (the offset map left out)."""
        return {
            "source_id": self.source_id,
            "length": self.length,
            "clean": self.clean,
            "pages": [asdict(p) for p in self.pages],
            "headings": [asdict(h) for h in self.headings],
            "lifted": [asdict(x) for x in self.lifted],
            "footnotes": [asdict(f) for f in self.footnotes],
            "sentences": [
                {**asdict(s), "pieces": [[p.start, p.end] for p in s.pieces]}
                for s in self.sentences
            ],
        }

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, two-space indent, trailing newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
