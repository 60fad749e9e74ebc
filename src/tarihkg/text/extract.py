"""A source file -> its text as stored -> pages, headings, footnotes, abstracts and sentences.

The layout rules (all generic, none tied to a file's offsets):

* **Pages.** A line that begins with exactly one space and then a printed character starts a
  new page (that is how these PDF extractions mark a page break; usually it is the page's first
  line of running text). A running header (two texts far apart on one line) also starts one,
  unless its page has no text yet, and is lifted when it is isolated (blank lines around it)
  or is a page's first line: it opens with that one space, or the page before ended with its
  printed number; blank lines after it or not. An isolated line holding only a number (or
  one after a blank line right before such a page's first line) is the printed page number of the
  page it stands on, and so is a line holding only a number directly under the last
  bibliography entry of a page (the entry ending in a full stop); the other pages are
  labelled by counting from it (``label_inferred``).
* **Footnotes.** A line of only spaces (five or more) followed by a line ``N text`` where
  ``N`` is the next footnote number is a footnote separator; from there to the end of the page
  every line ``N' text`` with ``N'`` the next number opens a footnote and other lines continue
  it. Footnote ``N``'s marker is the first ``N`` on the body lines of the footnote's page,
  after marker ``N-1``, glued to a preceding letter, closing parenthesis or quote and not
  followed by a letter or digit (``Kerenski’ye1``, ``(Bayur, 1995: 13)5.``), or printed right
  after a word's full stop (``endişe ediyordu.1``; not after an abbreviation, ``Dos.5``);
  markers are lifted out of the text. A line ending in such a marker ends its sentence.
* **Endnotes.** A heading ``Notlar``/``Sonnotlar``/``Dipnotlar``/``Notes``/``Endnotes`` whose
  next line opens ``1 text`` (or ``1. text``), in a text whose page footnotes do not take
  number 1, opens a notes block running to the next heading: its notes are read as footnotes,
  each marker searched on every body line after the previous marker.
* **Front matter.** A paragraph opening with ``Öz``/``Özet``/``Abstract``/``Summary`` alone or
  followed by ``.``/``:`` starts an abstract (its label becomes a heading); a paragraph opening
  with ``Anahtar Kelimeler:``/``Anahtar Sözcükler:``/``Keywords:``/``Key Words:`` is a keywords
  block running to the next blank line or page start; an all-capitals paragraph inside the
  front matter or just before an abstract label is a title. Wherever this block stands, the
  body text around it joins up (``Gürcistan’la ⟨abstract…⟩ Azerbaycan arasında``).
* **Headings.** At most three short lines at a paragraph start (after a blank line, at a page
  start, or first), after text that ended a sentence, every word capitalised or a connective
  (``ve``, ``ile``, ``of``…), optionally numbered (``2.``), not ending in punctuation.
* **Paragraphs.** A body line that ends a sentence ends its paragraph when a blank line
  follows it (lifted material in between or not), when it is short (under 70 % of the
  usual line length), when the next line's first word would have fitted on it (the line with
  a space and that word stays under 90 % of the usual length: justified text breaks a line
  only when the next word does not fit), or when it ends in two spaces in a text that marks paragraph ends so
  (some of its lines end in two spaces, fewer than half). A page break alone does not end a
  paragraph.

Offsets are code-point offsets into the decoded text as stored; a byte order mark is refused
by ``read_source`` (it would otherwise shift every offset by one against the printed text).
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tarihkg.errors import SourceError
from tarihkg.text.model import (
    ExtractedSource,
    Footnote,
    Heading,
    Lifted,
    Page,
    Sentence,
    Span,
)
from tarihkg.text.normalise import Normalised, normalise_chunks
from tarihkg.text.segment import ABBREVIATIONS, split_sentences, turkish_lower

log = logging.getLogger(__name__)

SHORT_LINE = 0.7
"""A line shorter than this share of the usual (90th-percentile) line length is short."""

ROOM_LEFT = 0.9
"""A sentence-final line that, with the next line's first word and a space, stays under this
share of the usual line length had room for that word: the author ended the paragraph there."""

HEADING_CONNECTIVES = frozenset(
    "ve ile veya ya da de ki için gibi göre kadar "
    "the of and in on at to a an for by from with".split()
)
"""Words a heading may leave in lowercase."""

_ABSTRACT = re.compile(r"(?P<label>Özet|Öz|Abstract|Summary)\s*(?:[.:]\s*(?P<rest>\S.*)?)?")
ABSTRACT_LANGUAGES = {"Özet": "tr", "Öz": "tr", "Abstract": "en", "Summary": "en"}
"""The language an abstract's label announces (an article prints its abstract in two)."""


def sentence_language(zone: str, section: str | None, default: str) -> str:
    """The language of a sentence: an abstract's is its label's (``Abstract``: English), any
    other sentence's is the source's own."""
    if zone == "abstract" and section in ABSTRACT_LANGUAGES:
        return ABSTRACT_LANGUAGES[section]
    return default
_KEYWORDS = re.compile(
    r"(?:Anahtar\s+(?:Kelimeler|Sözcükler)|Key\s*[Ww]ords|Keywords)\s*:", re.IGNORECASE
)
_NUMBERING = re.compile(r"(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+")
_FOOTNOTE_LINE = re.compile(r"(\d{1,3})[ \t]+(?=\S)")
_JOURNAL_LINE = re.compile(
    r"(?i)\b(?:cilt|sayı|vol(?:ume)?|issue|no)\.?\s*:?\s*\d|\b(?:s|ss|pp)\.\s*\d+\s*[-–]\s*\d"
)
_BIBLIOGRAPHY = re.compile(
    r"(?i)(?:kaynakça|kaynaklar|bibliyografya|references|bibliography|works cited)\s*:?"
)
_FIRST_SECTION = re.compile(r"(?i)(?:(?:1|I)\.\s+\S|(?:giriş|introduction)\s*$)")
_ENTRY_START = re.compile(r"[^\W\d_][^\s,]*(?: [^\W\d_][^\s,]*){0,3},\s")
_NOTE_LINE = re.compile(r"(?:\*{1,3}|[†‡])[ \t]*(?=[^\W\d_])")
_PAGE_HEADER = re.compile(r"\S.*\S {8,}\S.*")
_SENTENCE_FINAL = re.compile(r"[.!?…][”’\"')\]]*$")
_MARKED_FINAL = re.compile(r"(?:[^\W\d_]{2}|[)”’\"\]])[.!?…][”’\"')\]]*\d{1,3}$")
"""A line ending in a note marker printed after its full stop (``endişe ediyordu.1``)."""
_NOTES = re.compile(r"(?i)(?:son\s*notlar|dip\s*notlar|notlar|end\s*notes|notes)\s*:?")
"""The heading of a notes block at the end of the text (endnotes)."""
_ENDNOTE_LINE = re.compile(r"(\d{1,3})[.)]?[ \t]+(?=\S)")
_OPENERS = "(“‘\"'"


#: Letters of Turkish that only a Turkish 8-bit code page has in the upper half (ğ Ğ ı İ ş Ş).
_TURKISH_8BIT = frozenset("ğĞıİşŞ")


def _legacy_turkish_hint(data: bytes, path: Path) -> str:
    """What to do with a text that is not UTF-8 but reads as Windows Turkish (cp1254, whose
    letters are those of ISO-8859-9): the command that converts it, else nothing."""
    try:
        text = data.decode("cp1254")
    except UnicodeDecodeError:
        return ""
    if not _TURKISH_8BIT & set(text):
        return ""
    return (
        "; it reads as Windows Turkish (cp1254, or ISO-8859-9): convert it to UTF-8 once, "
        f"before registering it: iconv -f cp1254 -t utf-8 {Path(path).name} > "
        f"{Path(path).stem}.utf8{Path(path).suffix or '.txt'}"
    )


def read_source(path: Path) -> str:
    """The text of ``path`` exactly as stored, decoded as strict UTF-8.

    Raises ``SourceError`` for bytes that are not UTF-8 (naming the byte offset and line),
    a byte order mark, or a file that is empty or holds only whitespace.
    """
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceError(
            "starts with a UTF-8 byte order mark (U+FEFF); offsets are counted on the text "
            "as stored, so remove the mark rather than have every offset shifted by one",
            path=path,
            line=1,
        )
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"not valid UTF-8: byte {exc.start} (0x{data[exc.start]:02x}) on line {line}: "
            f"{exc.reason}{_legacy_turkish_hint(data, path)}",
            path=path,
            line=line,
        ) from exc
    if not text:
        raise SourceError("file is empty", path=path)
    if not text.strip():
        raise SourceError("file holds only whitespace", path=path)
    return text


@dataclass
class _Line:
    """One line of the source, with its cleaned text and where its printed characters are."""

    no: int
    start: int
    end: int
    after: int
    raw: str
    norm: Normalised
    page_start: bool
    kind: str = "content"
    page: int = 1
    role: str = ""
    label_end: int | None = None
    """For an abstract's first line: where its label (``Öz.``, ``Abstract``) ends in ``text``."""

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def blank(self) -> bool:
        return not self.norm.text

    @property
    def first(self) -> int:
        return self.norm.starts[0] if self.norm.text else self.start

    @property
    def last(self) -> int:
        return self.norm.ends[-1] if self.norm.text else self.start


@dataclass
class _Paragraph:
    zone: str
    chunks: list[tuple[int, int]]
    section: str | None
    footnote: int | None = None


@dataclass
class _Layout:
    """What the line passes found."""

    raw: str
    lines: list[_Line]
    page_starts: list[int] = field(default_factory=lambda: [0])
    page_numbers: dict[int, str] = field(default_factory=dict)
    footnote_lines: dict[int, list[int]] = field(default_factory=dict)
    footnote_pages: dict[int, int] = field(default_factory=dict)
    footnote_starts: dict[int, int] = field(default_factory=dict)
    lifted: list[Lifted] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[_Paragraph] = field(default_factory=list)
    markers: dict[int, int] = field(default_factory=dict)
    endnotes: set[int] = field(default_factory=set)
    """The numbers of the notes read from a notes block at the end of the text (endnotes)."""


def _split_lines(raw: str) -> list[_Line]:
    lines = []
    pos = 0
    for no, piece in enumerate(raw.split("\n"), start=1):
        end = pos + len(piece)
        after = min(end + 1, len(raw))
        lines.append(
            _Line(
                no=no,
                start=pos,
                end=end,
                after=after,
                raw=piece,
                norm=normalise_chunks(raw, [(pos, end)]),
                page_start=len(piece) > 1 and piece[0] == " " and not piece[1].isspace(),
            )
        )
        pos = after
    return lines


def _isolated(lines: list[_Line], i: int) -> bool:
    before = i == 0 or lines[i - 1].blank
    after = i + 1 == len(lines) or lines[i + 1].blank
    return before and after


def _next_printed(lines: list[_Line], i: int) -> _Line | None:
    return next((x for x in lines[i + 1 :] if not x.blank), None)


def _lift(layout: _Layout, kind: str, start: int, end: int, text: str) -> None:
    layout.lifted.append(Lifted(kind, start, end, text))


def _opens_footnotes(line: _Line | None, expected: int) -> bool:
    """Whether `line` can open a footnote block: footnote `expected` or a symbol note."""
    if line is None:
        return False
    m = _FOOTNOTE_LINE.match(line.raw)
    return bool(m and int(m.group(1)) == expected) or bool(_NOTE_LINE.match(line.raw))


def _ends_page(lines: list[_Line], i: int) -> bool:
    """Whether line i is the last printed line of its page (a blank line, a page start or the
    end of the text follows it)."""
    return i + 1 == len(lines) or lines[i + 1].blank or lines[i + 1].page_start


@dataclass
class _Block:
    """The footnote block being read: the next footnote number, the open footnote or note."""

    expected: int = 1
    open: bool = False
    current: int | None = None
    note: list[_Line] = field(default_factory=list)
    page_over: bool = False


def _page_number(layout: _Layout, line: _Line) -> None:
    line.kind = "page-number"
    layout.page_numbers[line.page] = line.text
    _lift(layout, "page-number", line.first, line.last, line.text)


def _footnote_line(layout: _Layout, block: _Block, i: int) -> None:
    """A printed line of an open footnote block: a footnote's first line or a continuation, a
    note marked * or † (on the title or the author), or the page number under the block."""
    line = layout.lines[i]
    if re.fullmatch(r"\d{1,4}", line.text) and _ends_page(layout.lines, i):
        _page_number(layout, line)  # printed under the footnotes: it ends the page
        _lift_note(layout, block.note)
        block.open, block.current, block.page_over = False, None, True
        return
    m = _FOOTNOTE_LINE.match(line.raw)
    if m and int(m.group(1)) == block.expected:
        _lift_note(layout, block.note)
        block.current = block.expected
        block.expected += 1
        layout.footnote_lines[block.current] = []
        layout.footnote_pages[block.current] = line.page
        layout.footnote_starts[block.current] = line.start + m.end()
    elif _NOTE_LINE.match(line.raw) or block.note:
        if _NOTE_LINE.match(line.raw):
            _lift_note(layout, block.note)
            block.current = None
        block.note.append(line)
        line.kind = "note"
        return
    if block.current is not None:
        layout.footnote_lines[block.current].append(i)
    line.kind = "footnote"


def _pages_and_footnotes(layout: _Layout) -> None:
    """First pass: page breaks, running headers, page numbers, footnote blocks."""
    lines = layout.lines
    block = _Block()
    has_text = False
    page_head = False  # no printed line since the last page ended (a page number under it)
    for i, line in enumerate(lines):
        header = _running_header(lines, i, page_head or block.page_over)
        if (line.page_start or header or (block.page_over and not line.blank)) and has_text:
            layout.page_starts.append(line.start)
            _lift_note(layout, block.note)
            block.open = block.page_over = has_text = False
        if not line.blank:
            page_head = False
        line.page = len(layout.page_starts)
        if line.blank:
            line.kind = "blank"
            if not block.open and len(line.raw) >= 5 and _opens_footnotes(
                _next_printed(lines, i), block.expected
            ):
                line.kind = "separator"
                block.open = True
                _lift(layout, "footnote-separator", line.start, line.end, "")
        elif block.open:
            _footnote_line(layout, block, i)
        elif header:
            line.kind = "page-header"
            _lift(layout, "page-header", line.first, line.last, line.text)
        elif re.fullmatch(r"\d{1,4}", line.text) and _alone_at_page_edge(lines, i):
            _page_number(layout, line)
            page_head = has_text  # a number under a page's text ends that page
        else:
            has_text = True
    _lift_note(layout, block.note)


def _alone_at_page_edge(lines: list[_Line], i: int) -> bool:
    """Whether line i stands alone: isolated, or after a blank line and right before the
    next page's first line (a line opening with one space, or a running header's two texts
    far apart)."""
    if _isolated(lines, i):
        return True
    if i + 1 == len(lines) or not (i == 0 or lines[i - 1].blank):
        return False
    after = lines[i + 1]
    return after.page_start or bool(_PAGE_HEADER.fullmatch(after.raw.strip()))


def _running_header(lines: list[_Line], i: int, after_page_end: bool) -> bool:
    """Whether line i is a running header: two texts far apart on one line, either isolated
    (blank lines around it) or on a page's first line (the line opens with one space, or the
    previous page ended with its printed number), with or without blank lines around it."""
    line = lines[i]
    if line.blank or not _PAGE_HEADER.fullmatch(line.raw.strip()):
        return False
    return line.page_start or after_page_end or _isolated(lines, i)


def _lift_note(layout: _Layout, note: list[_Line]) -> None:
    """A note marked * or † in a footnote block, lifted (it is on the title or the author)."""
    if note:
        first, last = note[0], note[-1]
        _lift(layout, "author-note", first.first, last.last, _span_text(layout, first.first, last.last))
        note.clear()


def _title_like(text: str) -> bool:
    numbering = _NUMBERING.match(text)
    body = text[numbering.end() :] if numbering else text
    words = body.split()
    if not words or len(words) > 12 or body[-1] in ".,;:!?":
        return False
    capitals = 0
    for word in words:
        core = word.lstrip(_OPENERS)
        if not core or core[0].isdigit():
            continue
        if core[0].isupper():
            capitals += 1
        elif turkish_lower(core.rstrip(",;:)”’\"'")) not in HEADING_CONNECTIVES:
            return False
    return capitals > 0


def _all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _span_text(layout: _Layout, start: int, end: int) -> str:
    return normalise_chunks(layout.raw, [(start, end)]).text


def _run_end(k: int, stop: int, para_at: Callable[[int], bool], text_at: Callable[[int], str],
             fits: Callable[[str], bool]) -> int:
    """The end (exclusive, at most `stop`) of the run of lines after content line k that start
    no paragraph and whose text `fits`."""
    end = k + 1
    while end < stop and not para_at(end) and fits(text_at(end)):
        end += 1
    return end


def _abstract_label(layout: _Layout, line: _Line, m_abs: re.Match[str]) -> None:
    """An abstract's label ("Öz", "Abstract") becomes a heading; its text starts after it."""
    label = m_abs.group("label")
    line.label_end = m_abs.start("rest") if m_abs.group("rest") else len(line.text)
    layout.headings.append(
        Heading(label, line.first, line.norm.ends[m_abs.end("label") - 1], line.page)
    )


# Complexity 29: one state machine over the lines in reading order (abstract, keywords, title,
# headings, body, notes, bibliography); every branch reads and moves the same state,
# open-paragraph flags and block, which helpers would have to pass back and forth.
def _roles(layout: _Layout) -> None:
    """Second pass: front matter, headings and body/abstract lines, in reading order."""
    content = [i for i, x in enumerate(layout.lines) if x.kind == "content"]
    lines = layout.lines
    state = "body"
    is_open = {"body": False, "abstract": False}
    block: list[int] = []

    def close_block() -> None:
        if block and state in ("keywords", "abstract", "title"):
            first, last = lines[block[0]], lines[block[-1]]
            _lift(layout, state, first.first, last.last, _span_text(layout, first.first, last.last))
        block.clear()

    def para_at(k: int) -> bool:
        if k == 0:
            return True
        i, p = content[k], content[k - 1]
        return (
            lines[i].page_start
            or lines[i].page != lines[p].page
            or any(lines[j].kind != "content" for j in range(p + 1, i))
        )

    k = _front_matter(layout, content, para_at)
    while k < len(content):
        i = content[k]
        line = lines[i]
        para = para_at(k)
        if _stays_to_the_end(state, line, para):
            line.role = "endnote" if state == "notes" else state
            k += 1
            continue
        m_abs = _ABSTRACT.fullmatch(line.text) if para else None
        if m_abs or _keywords_line(line, para, state == "abstract" and not is_open["abstract"]):
            close_block()
            state = "abstract" if m_abs else "keywords"
            block.append(i)
            line.role = state
            if m_abs:
                _abstract_label(layout, line, m_abs)
                is_open["abstract"] = False
            k += 1
            continue
        if state == "keywords" and not para:
            block.append(i)
            line.role = "keywords"
            k += 1
            continue
        if para and _all_capitals(line.text):
            end = _run_end(k, len(content), para_at, lambda e: lines[content[e]].text,
                           _all_capitals)
            following = lines[content[end]].text if end < len(content) else ""
            if state != "body" or _ABSTRACT.fullmatch(following) or _KEYWORDS.match(following):
                close_block()
                state = "title"
                for j in content[k:end]:
                    lines[j].role = "title"
                    block.append(j)
                k = end
                continue
        if state in ("keywords", "title"):
            close_block()
            state = "body"
        flow = "abstract" if state == "abstract" else "body"
        if para and not is_open[flow] and _title_like(line.text):
            end = _run_end(k, min(len(content), k + 3), para_at, lambda e: lines[content[e]].text,
                           _title_like)
            close_block()
            _add_heading(layout, [lines[j] for j in content[k:end]])
            is_open["body"] = False
            k = end
            state = _state_after_heading(layout, lines[content[k]] if k < len(content) else None)
            continue
        line.role = state
        if state == "abstract":
            block.append(i)
        is_open[flow] = not _ends_sentence(line.text)
        k += 1
    close_block()


def _ends_sentence(text: str) -> bool:
    """Whether a line of running text ends a sentence: in . ! ? … (closing quotes after it or
    not), or in a note marker printed after that full stop (``endişe ediyordu.1``)."""
    return bool(_SENTENCE_FINAL.search(text) or _MARKED_FINAL.search(text))


def _opens_endnote(line: _Line, expected: int) -> int | None:
    """Where the text of note `expected` starts on `line` (``1 Bkz. Kaya…``, ``1. …``)."""
    m = _ENDNOTE_LINE.match(line.raw)
    return m.end() if m and int(m.group(1)) == expected else None


def _endnotes(layout: _Layout) -> None:
    """The notes of a notes block ('Notlar', 'Sonnotlar', 'Dipnotlar', 'Notes'): a line
    ``N text`` with N the next number opens note N, other lines continue it. They are read
    as footnotes of the text (their markers anywhere in the body before the block)."""
    expected, current = 1, None
    for i, line in enumerate(layout.lines):
        if line.role != "endnote":
            continue
        start = _opens_endnote(line, expected)
        if start is not None:
            current, expected = expected, expected + 1
            layout.endnotes.add(current)
            layout.footnote_lines[current] = []
            layout.footnote_pages[current] = line.page
            layout.footnote_starts[current] = line.start + start
        if current is not None:
            layout.footnote_lines[current].append(i)
            line.kind = "footnote"


def _stays_to_the_end(state: str, line: _Line, para: bool) -> bool:
    """Whether `line` stays in the bibliography or the notes block it stands in: a
    bibliography runs to the end; a notes block to the next heading ('Kaynakça', 'Ekler')."""
    if state == "bibliography":
        return True
    if state != "notes":
        return False
    return not (para and _title_like(line.text) and not _ENDNOTE_LINE.match(line.raw))


def _keywords_line(line: _Line, para: bool, after_abstract: bool) -> bool:
    """Whether `line` opens a keywords block: opening a paragraph, or printed directly under
    its abstract's last sentence (no blank line between): it ends the abstract either way."""
    return (para or after_abstract) and bool(_KEYWORDS.match(line.text))


def _add_heading(layout: _Layout, run: list[_Line]) -> None:
    first, last = run[0], run[-1]
    layout.headings.append(
        Heading(_span_text(layout, first.first, last.last), first.first, last.last, first.page)
    )
    for line in run:
        line.role = "heading"


def _state_after_heading(layout: _Layout, following: _Line | None) -> str:
    """What the last heading opens: the bibliography, a notes block (a notes heading followed
    by note 1, in a text whose page footnotes do not take that number), or body text."""
    heading = _strip_numbering(layout.headings[-1].text)
    if _BIBLIOGRAPHY.fullmatch(heading):
        return "bibliography"
    if (
        _NOTES.fullmatch(heading)
        and following is not None
        and 1 not in layout.footnote_lines
        and _opens_endnote(following, 1) is not None
    ):
        return "notes"
    return "body"


def _strip_numbering(text: str) -> str:
    numbering = _NUMBERING.match(text)
    return text[numbering.end() :] if numbering else text


def _front_kind(text: str, first: bool) -> str:
    if _JOURNAL_LINE.search(text):
        return "journal-header"
    return "title" if first or _all_capitals(text) else "author"


def _front_matter(layout: _Layout, content: list[int], para_at: Callable[[int], bool]) -> int:
    """A title block opening the text (a journal line 'X, Cilt 2, Sayı 1, 2024, s. 111-114',
    the title, the author line), lifted when an abstract label, a keywords line or a numbered
    heading follows it; the index in `content` where the running text starts."""
    lines = layout.lines
    blocks: list[tuple[int, int]] = []
    k = 0
    while k < len(content) and lines[content[k]].page == 1:
        end = _run_end(k, len(content), para_at, lambda e: "", lambda t: True)
        text = " ".join(lines[j].text for j in content[k:end])
        head = lines[content[k]].text
        if (
            _ABSTRACT.fullmatch(head)
            or _KEYWORDS.match(head)
            or (_FIRST_SECTION.match(head) and _title_like(head))
        ):
            break
        if end - k > 3 or _SENTENCE_FINAL.search(text):
            return 0
        blocks.append((k, end))
        k = end
    texts = [" ".join(lines[j].text for j in content[a:b]) for a, b in blocks]
    if k == len(content) or not any(
        _JOURNAL_LINE.search(t) or _all_capitals(t) for t in texts
    ):
        return 0
    title_seen = False
    for (a, b), text in zip(blocks, texts, strict=True):
        kind = _front_kind(text, not title_seen)
        title_seen = title_seen or kind == "title"
        first, last = lines[content[a]], lines[content[b - 1]]
        _lift(layout, kind, first.first, last.last, _span_text(layout, first.first, last.last))
        for j in content[a:b]:
            lines[j].role = kind
    return k


def _bibliography(layout: _Layout) -> None:
    """The entries under a 'Kaynakça' heading, each lifted: a new entry starts after a blank
    line or a page break, or after a line ending in a full stop when it opens with a name and
    a comma (``Kaya, M. (2011).``, ``BOA, DH.ŞFR``)."""
    entries: list[list[_Line]] = []
    prev: _Line | None = None
    for i, line in enumerate(layout.lines):
        if line.role != "bibliography":
            continue
        if _number_under_entry(layout, prev, i):
            line.role = ""
            _page_number(layout, line)  # printed under the last entry of its page
            continue
        gap = prev is None or line.page != prev.page or any(
            x.kind != "content" for x in layout.lines[prev.no : line.no - 1]
        )
        if gap or (
            prev is not None
            and _SENTENCE_FINAL.search(prev.text)
            and _ENTRY_START.match(line.text)
        ):
            entries.append([])
        entries[-1].append(line)
        prev = line
    for entry in entries:
        first, last = entry[0], entry[-1]
        _lift(layout, "bibliography", first.first, last.last,
              _span_text(layout, first.first, last.last))


def _number_under_entry(layout: _Layout, prev: _Line | None, i: int) -> bool:
    """Whether line i, a bibliography line holding only a number, is the page number printed
    directly under the page's last entry: the entry before it ends in a full stop and the
    page ends with it (nothing follows on its page, the text ends or a new page starts)."""
    line = layout.lines[i]
    if prev is None or prev.page != line.page or not re.fullmatch(r"\d{1,4}", line.text):
        return False
    if line.page in layout.page_numbers or not _SENTENCE_FINAL.search(prev.text):
        return False
    after = _next_printed(layout.lines, i)
    return after is None or after.page != line.page


def _find_markers(layout: _Layout) -> None:
    """Footnote markers, in order, each on the body lines of its footnote's page (an endnote's
    on any body line: the notes block stands at the end of the text)."""
    after = 0
    for number in sorted(layout.footnote_lines):
        page = layout.footnote_pages[number]
        found = None
        for line in layout.lines:
            if line.role != "body" or line.end <= after:
                continue
            if number not in layout.endnotes and line.page != page:
                continue
            found = _marker_on(line, str(number), after)
            if found is not None:
                break
        if found is None:
            log.warning("no marker found for footnote %d on page %d", number, page)
            continue
        layout.markers[number] = found
        after = found + len(str(number))
        _lift(layout, "footnote-marker", found, after, str(number))


def _marker_on(line: _Line, digits: str, after: int) -> int | None:
    """Where marker `digits` stands on `line` at or after offset `after`: glued to a letter, a
    closing parenthesis or quote (``Kerenski’ye1``, ``13)5.``), or printed right after the full
    stop of a word (``ediyordu.1``, ``oldu.3 Sonra``; not after an abbreviation, ``Dos.5``),
    and not followed by a letter or digit."""
    for m in re.finditer(rf"(?<!\d){digits}(?!\d)", line.raw):
        pos = line.start + m.start()
        if pos < after or m.start() == 0:
            continue
        before = line.raw[: m.start()]
        prev = before[-1]
        nxt = line.raw[m.end() : m.end() + 1]
        glued = prev.isalpha() or prev in ')”’"]' or unicodedata.combining(prev) != 0
        if glued and not (nxt.isalpha() or nxt.isdigit()):
            return pos
        stop = re.search(r"(?:([^\W\d_]{2,})|[)”’\"\]])[.!?…][”’\"')\]]*$", before)
        if (
            stop
            and (not nxt or nxt.isspace())
            and not (stop.group(1) and turkish_lower(stop.group(1)) in ABBREVIATIONS)
        ):
            return pos
    return None


def _width(layout: _Layout) -> float:
    lengths = sorted(len(x.text) for x in layout.lines if x.role in ("body", "abstract"))
    return lengths[int(len(lengths) * 0.9)] if lengths else 0.0


def _two_space_ends(layout: _Layout) -> bool:
    """Whether the text marks paragraph ends by two trailing spaces: some of its running-text
    lines end so, fewer than half (a text whose every line ends in two spaces marks nothing)."""
    lines = [x for x in layout.lines if x.role in ("body", "abstract")]
    marked = sum(1 for x in lines if x.raw.endswith("  "))
    return 0 < marked < len(lines) / 2


def _ends_paragraph(
    layout: _Layout, prev: _Line, line: _Line, width: float, two_spaces: bool
) -> bool:
    if not _ends_sentence(prev.text):
        return False
    blank = any(x.kind in ("blank", "separator") for x in layout.lines[prev.no : line.no - 1])
    words = line.text.split()
    room = bool(words) and len(prev.text) + 1 + len(words[0]) < ROOM_LEFT * width
    return (
        blank
        or len(prev.text) < SHORT_LINE * width
        or room
        or (two_spaces and prev.raw.endswith("  "))
    )


def _section_at(layout: _Layout, offset: int) -> str | None:
    best = None
    for h in layout.headings:
        if h.start <= offset:
            best = h
    return best.text if best else None


def _flows(layout: _Layout) -> None:
    """Third pass: body and abstract paragraphs as chunks of the original, markers cut out."""
    width = _width(layout)
    two_spaces = _two_space_ends(layout)
    for zone in ("body", "abstract"):
        lines = [x for x in layout.lines if x.role in (zone, "heading")]
        para: list[_Line] = []
        for line in lines + [None]:
            if para and (
                line is None
                or line.role == "heading"
                or _ends_paragraph(layout, para[-1], line, width, two_spaces)
                or line.label_end is not None
            ):
                _add_paragraph(layout, zone, para)
                para = []
            if line is not None and line.role == zone:
                para.append(line)
    for number, indices in layout.footnote_lines.items():
        start = layout.footnote_starts[number]
        marker = layout.markers.get(number)
        section = _section_at(layout, marker if marker is not None else start)
        chunks = []
        for a, b in zip(indices, indices[1:], strict=False):
            # an endnote running on over a page break: the page's number and header are no text
            if any(x.kind not in ("blank", "footnote") for x in layout.lines[a + 1 : b]):
                chunks.append((start, layout.lines[a].after))
                start = layout.lines[b].first
        chunks.append((start, layout.lines[indices[-1]].last))
        layout.paragraphs.append(_Paragraph("footnote", chunks, section, number))


def _add_paragraph(layout: _Layout, zone: str, para: list[_Line]) -> None:
    chunks: list[tuple[int, int]] = []
    start = _content_start(para[0])
    for prev, line in zip(para, para[1:], strict=False):
        between = layout.lines[prev.no : line.no - 1]
        if any(x.kind != "blank" for x in between):
            chunks.append((start, prev.after))
            start = line.first
    chunks.append((start, para[-1].last))
    cuts = sorted((pos, pos + len(str(n))) for n, pos in layout.markers.items())
    for a, b in cuts:
        for c, (s, e) in enumerate(chunks):
            if s <= a and b <= e:
                chunks[c : c + 1] = [(s, a), (b, e)]
                break
    chunks = [(s, e) for s, e in chunks if s < e]
    section = _section_at(layout, para[0].first)
    if chunks:
        layout.paragraphs.append(_Paragraph(zone, chunks, section))


def _content_start(line: _Line) -> int:
    """Where a line's running text starts (after an abstract label on the same line)."""
    if line.label_end is not None:
        return line.norm.starts[line.label_end] if line.label_end < len(line.text) else line.last
    return line.first


def _pages(layout: _Layout, length: int) -> tuple[Page, ...]:
    starts = layout.page_starts
    ends = starts[1:] + [length]
    printed = {p: int(n) for p, n in layout.page_numbers.items()}
    base = min(printed) if printed else None
    pages = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        label: str | None = None
        inferred = False
        if index in printed:
            label = str(printed[index])
        elif base is not None and printed[base] + index - base > 0:
            label = str(printed[base] + index - base)
            inferred = True
        pages.append(Page(index, start, end, label, inferred))
    return tuple(pages)


def extract_source(source_id: str, raw: str) -> ExtractedSource:
    """Pages, headings, lifted material, footnotes and sentences of one source text."""
    layout = _Layout(raw=raw, lines=_split_lines(raw))
    _pages_and_footnotes(layout)
    _roles(layout)
    _endnotes(layout)
    _bibliography(layout)
    _find_markers(layout)
    _flows(layout)
    pages = _pages(layout, len(raw))
    page_starts = [p.start for p in pages]

    def page_of(offset: int) -> Page:
        return pages[bisect.bisect_right(page_starts, offset) - 1]

    paragraphs = sorted(layout.paragraphs, key=lambda p: p.chunks[0][0])
    clean: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    owners: list[int] = []
    chunks: list[Span] = []
    drafts = []
    for number, para in enumerate(paragraphs, start=1):
        if clean:
            clean.append("\n")
            starts.append(ends[-1])
            ends.append(ends[-1])
            owners.append(-1)
        norm = normalise_chunks(raw, para.chunks)
        offset = len(starts)
        clean.append(norm.text)
        starts.extend(norm.starts)
        ends.extend(norm.ends)
        owners.extend(c + len(chunks) for c in norm.chunks)
        chunks.extend(Span(a, b) for a, b in para.chunks)
        for a, b in split_sentences(norm.text):
            drafts.append((para, number, offset + a, offset + b))
    source = ExtractedSource(
        source_id=source_id,
        length=len(raw),
        sentences=(),
        footnotes=(),
        headings=tuple(sorted(layout.headings, key=lambda h: h.start)),
        lifted=tuple(sorted(layout.lifted, key=lambda x: (x.start, x.end, x.kind))),
        pages=pages,
        clean="".join(clean),
        clean_starts=tuple(starts),
        clean_ends=tuple(ends),
        clean_chunks=tuple(owners),
        chunks=tuple(chunks),
    )
    located = []
    for para, number, a, b in drafts:
        span = source.original_span(a, b)
        located.append((span.start, span.end, para, number, a, b))
    located.sort(key=lambda x: (x[0], x[1]))
    sentences = []
    for index, (start, end, para, number, a, b) in enumerate(located):
        page = page_of(start)
        sentences.append(
            Sentence(
                index=index,
                text=source.clean[a:b],
                start=start,
                end=end,
                pieces=source.original_pieces(a, b),
                zone=para.zone,
                footnote=para.footnote,
                page_index=page.index,
                page=page.printed,
                section=para.section,
                paragraph=number,
                clean_start=a,
                clean_end=b,
            )
        )
    footnotes = []
    for para in paragraphs:
        if para.zone != "footnote" or para.footnote is None:
            continue
        norm = normalise_chunks(raw, para.chunks)
        page = page_of(para.chunks[0][0])
        footnotes.append(
            Footnote(
                number=para.footnote,
                text=norm.text,
                start=norm.starts[0],
                end=norm.ends[-1],
                marker_offset=layout.markers.get(para.footnote),
                page_index=page.index,
                page=page.printed,
            )
        )
    log.info(
        "%s: %d pages, %d sentences, %d footnotes, %d headings",
        source_id,
        len(pages),
        len(sentences),
        len(footnotes),
        len(layout.headings),
    )
    return replace(
        source,
        sentences=tuple(sentences),
        footnotes=tuple(sorted(footnotes, key=lambda f: f.number)),
    )
