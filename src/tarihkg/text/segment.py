"""Cleaned paragraph text -> sentence spans (half-open offsets into that text).

A sentence ends after ``.``, ``?`` or ``!`` (plus any closing quotes) when whitespace and an
uppercase letter, a digit or an opening quote/parenthesis follow; a colon never ends one.
A full stop does not end a sentence when

* it is inside a matched ``(…)`` or ``“…”`` pair (quotations stay whole);
* it follows a single letter: an initial (``M. H. Hacinski``, ``I. Dünya``) or ``s.``;
* it follows a listed abbreviation (``vb.``, ``vs.``, ``bkz.``, ``Dr.``…);
* it follows a number of one to three digits or a roman numeral and the next word takes an
  ordinal (``15. Piyade``, ``5. \\nKafkas``, ``3. Ordu``, ``107. Alayı``); four digits are a
  year and end the sentence. Before a lowercase word a numbered full stop is always an
  ordinal (``10. alayla``), and ``9., 10.`` has no space to split at.

A note marker printed right after the full stop of a word (``endişe ediyordu.1 Sonra``) ends
the sentence there, the marker with it, when the text has no note to cut it out for (the layout
check reports such markers); ``Dos.5`` (an abbreviation) and ``1918.3`` are no marker.

A "sentence" that is only a parenthesis (``oldu. (Qaffarov-Aliyev, 1999: 15-16).``) is a
citation and joins the sentence before it.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

ABBREVIATIONS = frozenset(
    "vb vs vd bkz bk yy çev haz ed eds no nr dr prof doç yrd gen alb bnb yzb ör sn st mr mrs "
    "etc cf vol pp op cit ibid age a.g.e a.g.m ss "
    # archive references (ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3; Göm. 4; Sh. 25; Vr. 3)
    "kls klasör dos göm gmlk fih sh sy sf vr lef "
    # ranks and titles before a name (Kur. Bnb. Ali Rıza Bey; Tğm. Hüseyin; Hz. Ömer)
    "kur ütğm tğm yüzb tümg tuğg korg org ks hz "
    # publishers' places and series (Ank. Üniv. Yay.; İst.)
    "yay üniv ank ist".split()
)
"""Words whose full stop is never a sentence end (compared lowercased, without the stop)."""

ORDINAL_HEADS = tuple(
    "alay tabur tümen ordu kolordu fırka kafkas piyade süvari topçu dünya madde bölü grup cephe "
    "kısım sınıf derece yüzyıl asır tugay müfreze batarya şube filo".split()
)
"""Word beginnings (Turkish-lowercased) that take an ordinal: ``15. Piyade``, ``3. Ordu``."""

_TERMINAL = re.compile(r"[.!?…]+[”’\"'»)\]]*")
_MARKER_AFTER = re.compile(r"\d{1,3}(?=\s|$)")
_WORD_BEFORE = re.compile(r"(?:([^\W\d_]{2,})|[)”’\"\]])$")
_OPENERS = "“‘\"'«([-–"
_ROMAN = re.compile(r"[IVXLC]+")
_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def turkish_lower(word: str) -> str:
    """Lowercase with Turkish dotted/dotless i.

    >>> turkish_lower("IRMAK İli")
    'ırmak ili'
    """
    return word.translate(_TR_LOWER).lower()


def takes_ordinal(word: str) -> bool:
    """Whether ``word`` is a unit or noun that follows an ordinal number.

    >>> takes_ordinal("Kafkas"), takes_ordinal("Tümeni’nin"), takes_ordinal("Bakü’ye")
    (True, True, False)
    """
    return turkish_lower(word.lstrip(_OPENERS)).startswith(ORDINAL_HEADS)


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans strictly inside matched parentheses/brackets and typographic double quotes."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    closing = {")": "(", "]": "[", "”": "“"}
    for i, ch in enumerate(text):
        if ch in "([“":
            stack.append((ch, i))
        elif ch in closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == closing[ch]:
                    spans.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return spans


def _is_end(text: str, stop: int, after: int, protected: list[tuple[int, int]]) -> bool:
    """Whether the terminal mark at ``stop`` (its run and closers ending at ``after``) ends one."""
    if after >= len(text):
        return True
    if not text[after].isspace():
        return False
    rest = text[after:].lstrip()
    first = rest.lstrip(_OPENERS)[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return False
    if any(a < stop and after <= b for a, b in protected):
        return False
    if text[stop] != ".":
        return True
    token = text[:stop].rsplit(None, 1)[-1] if text[:stop].strip() else ""
    token = token.lstrip(_OPENERS)
    if len(token) == 1 and token.isalpha():
        return False
    if turkish_lower(token) in ABBREVIATIONS:
        return False
    if (token.isdigit() and len(token) <= 3) or _ROMAN.fullmatch(token):
        return not takes_ordinal(rest.split(None, 1)[0])
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one cleaned paragraph (single spaces, no leading/trailing space).

    >>> t = "Osman Bey 10. alayla bağlı 30. taburunu görevlendirdi. Bakü’ye gitti."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Osman Bey 10. alayla bağlı 30. taburunu görevlendirdi.', 'Bakü’ye gitti.']
    >>> t = "M. H. Hacinski imzaladı (Şahin, 2022, s. 84). Mürsel Paşa 5. Kafkas Tümenini aldı."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['M. H. Hacinski imzaladı (Şahin, 2022, s. 84).', 'Mürsel Paşa 5. Kafkas Tümenini aldı.']
    >>> t = "ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3. Kur. Bnb. Ali Rıza Bey geldi."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3.', 'Kur. Bnb. Ali Rıza Bey geldi.']
    """
    protected = _protected(text)
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _TERMINAL.finditer(text):
        end = _marker_end(text, m.start(), m.end())
        if _is_end(text, m.start(), end, protected):
            if text[begin:end].strip():
                spans.append((begin, end))
            begin = end
            while begin < len(text) and text[begin].isspace():
                begin += 1
    if begin < len(text) and text[begin:].strip():
        spans.append((begin, len(text.rstrip())))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and _only_parenthesis(text[a:b], protected, a):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _marker_end(text: str, stop: int, after: int) -> int:
    """Where a terminal mark's run ends, with a note marker printed right after it
    (``ediyordu.1``: after the marker), else `after`."""
    marker = _MARKER_AFTER.match(text, after)
    word = _WORD_BEFORE.search(text, 0, stop)
    if marker is None or word is None or (word.group(1) and turkish_lower(word.group(1)) in ABBREVIATIONS):
        return after
    return marker.end()


def _only_parenthesis(sentence: str, protected: list[tuple[int, int]], offset: int) -> bool:
    if not sentence.startswith("("):
        return False
    close = next((b for a, b in protected if a == offset), None)
    return close is not None and not sentence[close - offset + 1 :].strip(".!?…”’\"' ")
