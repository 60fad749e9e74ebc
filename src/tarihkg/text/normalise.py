"""Raw source text (chunks of it) -> cleaned NFC text with a map back to original offsets.

Cleaning does three things, in this order, and nothing else:

1. **Line-break hyphenation.** A hyphen or en dash that stands *directly* before a line break
   (no space between them; this extraction writes a trailing space after every line that ends
   at a word boundary, and none after a line-final dash) is a line-break dash. The line break
   and the next line's indentation always go; the dash goes too only when it splits one word:

   * a digit on either side keeps the dash: ranges and shelfmarks (``55–\\n60 bin``,
     ``s. 67–\\n72``, ``F.1-\\n13``);
   * an uppercase letter after it keeps the dash: compounds of names (``Bibi-\\nHeybet``,
     ``Muslüslü-\\nKürdemir``, ``Osmanlı-\\nAzerbaycan``);
   * a next word that is itself followed by a hyphen keeps the dash: a hyphenated chain
     (``(mavi-\\nkırmızı-yeşil)``);
   * a letter before and a lowercase letter after, otherwise, is a word broken at a syllable:
     the dash goes (``kuvvet–\\nlerini`` -> ``kuvvetlerini``).

   A dash followed by a space before the break (``dışında- \\n dost``) is printed punctuation
   and is kept with its space. A lowercase compound broken exactly at its hyphen would be
   wrongly joined; neither source has one.
2. **Whitespace.** Every run of whitespace (line breaks included) becomes one space; leading
   and trailing whitespace goes.
3. **NFC.** Base letters and their combining marks are composed (file 002 stores ``ü`` as
   ``u`` + U+0308). Each composed character maps back to the whole original cluster, so a
   span ending in ``ü`` ends after the combining mark.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tarihkg.errors import InternalError

log = logging.getLogger(__name__)

DASHES = "-\u2013"
"""Hyphen-minus and en dash: the two marks the sources put at the end of a broken line."""


@dataclass(frozen=True)
class Normalised:
    """Cleaned text; ``starts[i]``, ``ends[i]``: the original offsets clean char ``i`` came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    chunks: tuple[int, ...]
    """Index (into the chunks given) of the chunk each clean character came from."""


def _is_letter(ch: str) -> bool:
    return ch.isalpha() or unicodedata.combining(ch) != 0


def _keeps_dash(items: Sequence[tuple[str, int, int, int]], before: int, after: int) -> bool:
    """Whether a line-final dash between ``items[before]`` and ``items[after]`` is printed."""
    prev, nxt = items[before][0], items[after][0]
    if prev.isdigit() or nxt.isdigit() or not _is_letter(prev) or not nxt.islower():
        return True
    k = after
    while k < len(items) and _is_letter(items[k][0]):
        k += 1
    return k < len(items) and items[k][0] in DASHES


def _rejoin_lines(items: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    """Drop line-break dashes that split a word and the line breaks after all line-final dashes."""
    out: list[tuple[str, int, int, int]] = []
    i = 0
    n = len(items)
    while i < n:
        ch = items[i][0]
        if ch in DASHES and i > 0 and not items[i - 1][0].isspace() and i + 1 < n:
            j = i + 1
            if items[j][0] == "\r":
                j += 1
            if j < n and items[j][0] == "\n":
                k = j + 1
                while k < n and items[k][0] in " \t":
                    k += 1
                if k < n and not items[k][0].isspace():
                    if _keeps_dash(items, i - 1, k):
                        out.append(items[i])
                    i = k
                    continue
        out.append(items[i])
        i += 1
    return out


def _collapse_spaces(items: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    out: list[tuple[str, int, int, int]] = []
    for item in items:
        if item[0].isspace():
            if out and out[-1][0] != " ":
                out.append((" ", item[1], item[1] + 1, item[3]))
        else:
            out.append(item)
    if out and out[-1][0] == " ":
        out.pop()
    return out


def normalise_chunks(raw: str, chunks: Sequence[tuple[int, int]]) -> Normalised:
    """Clean the concatenation of ``raw[a:b]`` for each chunk ``(a, b)``, keeping the offset map.

    >>> n = normalise_chunks("Kerenski’ye1 bağlı", [(0, 11), (12, 18)])
    >>> n.text, n.starts[11], n.chunks[11]
    ('Kerenski’ye bağlı', 12, 1)
    >>> n = normalise_chunks("Bu\\u0308yu\\u0308k", [(0, 7)])
    >>> n.text, n.ends[-1]
    ('Büyük', 7)
    """
    items = [(raw[p], p, p + 1, c) for c, (a, b) in enumerate(chunks) for p in range(a, b)]
    items = _collapse_spaces(_rejoin_lines(items))
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    owners: list[int] = []
    i = 0
    while i < len(items):
        j = i + 1
        while j < len(items) and unicodedata.combining(items[j][0]):
            j += 1
        composed = unicodedata.normalize("NFC", "".join(it[0] for it in items[i:j]))
        for ch in composed:
            text.append(ch)
            starts.append(items[i][1])
            ends.append(items[j - 1][2])
            owners.append(items[i][3])
        i = j
    result = "".join(text)
    expected = unicodedata.normalize("NFC", "".join(it[0] for it in items))
    if result != expected:
        raise InternalError("cluster-wise NFC differs from whole-string NFC", span=_span(chunks))
    return Normalised(result, tuple(starts), tuple(ends), tuple(owners))


def _span(chunks: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    return (chunks[0][0], chunks[-1][1]) if chunks else None


def normalise_text(text: str) -> str:
    """The cleaned form of a piece of raw text (hyphenation rejoined, spaces collapsed, NFC).

    >>> normalise_text("kuvvet–\\nlerini ve (mavi-\\nkırmızı-yeşil)  bayrak")
    'kuvvetlerini ve (mavi-kırmızı-yeşil) bayrak'
    >>> normalise_text("Bibi-\\nHeybet, 55–\\n60 bin, F.1-\\n13, dışında- \\n dost, 15 \\nEylül")
    'Bibi-Heybet, 55–60 bin, F.1-13, dışında- dost, 15 Eylül'
    """
    return normalise_chunks(text, [(0, len(text))]).text
