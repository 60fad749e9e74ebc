"""Cleaned sentence text + a lexicon of registry aliases -> entity mentions with exact offsets.

A mention is an alias (a nominative surface form) plus the Turkish suffixes the sources put on
it: after an apostrophe any suffix (``Bakü’yü``, ``Nuri Paşa’nın``, ``Bakü’süz``); without one,
only the possessive and case endings that the sources write on common-noun heads of names
(``Kolordusuna``, ``Mondros Mütarekesinin``, ``Alayın``, ``Komutanlığı’na``, ``Paşanın``).
Matching is case-insensitive by Turkish rules (``İSTANBUL`` and ``istanbul`` match
``İstanbul``; ``Istanbul`` does not), ignores the circumflex (``Millî``/``Milli``) and treats
runs of whitespace alike. The longest match wins and mentions never overlap. An alias shared
by several entities yields a mention with ``entity_id=None`` and all of them as candidates.
An entity whose names are generic ('İngiliz kuvvetleri') may be confirmed for some sources
only (``LexEntry.sources``): in another source its names are *held*, a match that takes its
words (so no shorter name links them instead) but links nothing; the caller warns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tarihkg.errors import CurationError
from tarihkg.text.turkish import match_fold

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LexEntry:
    """One registry entity and the nominative forms that name it.

    ``not_in``/``only_in`` are regular expressions searched in the whole sentence: an entry
    is not a candidate in a sentence that matches one of ``not_in``, nor, when ``only_in`` is
    given, in a sentence that matches none of ``only_in``. ``sources``, when given, are the
    source ids in which the entry is linked; in any other its names are held.
    """

    entity_id: str
    type: str
    aliases: tuple[str, ...]
    not_in: tuple[str, ...] = ()
    only_in: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class MentionMatch:
    """A mention: ``surface`` is ``text[start:end]``, suffix included. ``held``: entities these
    words name whose names are not confirmed for the source (no candidates: nothing linked)."""

    start: int
    end: int
    surface: str
    entity_id: str | None
    candidates: tuple[str, ...]
    held: tuple[str, ...] = ()


HEAD_NOUNS = frozenset(
    match_fold(w)
    for w in (
        "Ordu", "Kolordu", "Tümen", "Alay", "Tabur", "Fırka", "Tugay", "Bölük", "Batarya",
        "Müfreze", "Grup", "Cephe", "Komutanlık", "Karargâh", "Mütareke", "Antlaşma", "Anlaşma",
        "Barış", "Konferans", "Cumhuriyet", "Federasyon", "Devlet", "Hükümet", "Komite",
        "Komiserlik", "Şura", "Meclis", "Parlamento", "Seym", "Paşa", "Bey", "Efendi",
        "Valilik", "İmparatorluk", "Birlik",
    )
)
"""Single-word aliases that take suffixes without an apostrophe (common nouns); any alias of
two or more words does too, since such names end in a common-noun head or a title."""

_VOWELS = "aeıioöuü"
_SOFTENING = {"k": "ğ", "ç": "c", "t": "d", "p": "b"}
# Without an apostrophe: optional possessive (Ordu-su, Tümen-i), then one case or copula
# ending as the two sources write them (-nın, -na, -nda, -ndan, -ndeki, -nı, -dır, -ta ...).
_DIRECT = (
    r"(?:s?[ıiuü])?"
    r"(?:n?[ıiuü]n|n?[ae]|n?[dt][ae](?:n|ki)?|n?[ıiuü]|y[ae]|y[ıiuü]|y?l[ae]|[dt][ıiuü]r)?"
)
_APOSTROPHE_SUFFIX = r"(?:’[^\W\d_]+)?"
_END = r"(?![^\W\d_])"
_ORDINAL = re.compile(r"\d+\.")
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")
_PREFIX = 3


_SPACE_OR_HYPHEN = re.compile(r"[\s\-]+")


def _compact(s: str) -> str:
    return _SPACE_OR_HYPHEN.sub("", s)


#: match_fold of a sentence, kept: check and build look in the same sentences many times.
_fold = lru_cache(maxsize=65536)(match_fold)


def _body(tokens: list[str]) -> str:
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        if i:
            parts.append(r"\s*" if _ORDINAL.fullmatch(tokens[i - 1]) else r"\s+")
        parts.append(r"(?:\s*-\s*|\s+)".join(re.escape(p) for p in tok.split("-")))
    return "".join(parts)


@lru_cache(maxsize=16384)  # every check and build compiles the same ~1500 aliases again
def _alias_pattern(key: str) -> re.Pattern[str]:
    tokens = key.split()
    direct_ok = len(tokens) > 1 or key in HEAD_NOUNS
    if not direct_ok:
        return re.compile(_body(tokens) + _APOSTROPHE_SUFFIX + _END)
    alternatives = [_body(tokens) + _DIRECT]
    last = tokens[-1]
    if last[-1] in _SOFTENING and len(last) > 2:
        soft = tokens[:-1] + [last[:-1] + _SOFTENING[last[-1]]]
        alternatives.append(_body(soft) + f"(?=[{_VOWELS}])" + _DIRECT)
    return re.compile("(?:" + "|".join(alternatives) + ")" + _APOSTROPHE_SUFFIX + _END)


@dataclass(frozen=True)
class _Alias:
    key: str
    pattern: re.Pattern[str]
    entries: tuple[LexEntry, ...]


@dataclass(frozen=True)
class Lexicon:
    """Aliases indexed by the first letters of their matching key; build with ``build``."""

    entries: tuple[LexEntry, ...]
    _index: dict[str, tuple[_Alias, ...]] = field(repr=False)

    @classmethod
    def build(cls, entries: Iterable[LexEntry]) -> Lexicon:
        """Index ``entries``; an entity id may appear once, every alias must be non-empty."""
        entries = tuple(entries)
        by_key: dict[str, list[LexEntry]] = {}
        seen: set[str] = set()
        for entry in entries:
            if entry.entity_id in seen:
                raise CurationError(f"entity {entry.entity_id!r} is in the lexicon twice")
            seen.add(entry.entity_id)
            for pattern in entry.not_in + entry.only_in:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise CurationError(
                        f"entity {entry.entity_id!r}: bad context pattern {pattern!r}: {exc}"
                    ) from exc
            for alias in entry.aliases:
                key = " ".join(match_fold(alias).split())
                if not _compact(key):
                    raise CurationError(f"entity {entry.entity_id!r} has an empty alias")
                by_key.setdefault(key, [])
                if entry not in by_key[key]:
                    by_key[key].append(entry)
        index: dict[str, list[_Alias]] = {}
        for key, owners in by_key.items():
            entry_alias = _Alias(key, _alias_pattern(key), tuple(owners))
            index.setdefault(_compact(key)[:_PREFIX], []).append(entry_alias)
        log.debug("lexicon: %d entries, %d distinct aliases", len(entries), len(by_key))
        return cls(entries, {k: tuple(v) for k, v in index.items()})

    @property
    def ids(self) -> frozenset[str]:
        """The entity ids of the lexicon."""
        return frozenset(e.entity_id for e in self.entries)

    def only(self, entity_id: str) -> Lexicon:
        """A lexicon of this one's entry for ``entity_id`` alone."""
        return Lexicon.build(e for e in self.entries if e.entity_id == entity_id)

    def _aliases_at(self, key: str, i: int) -> Iterable[_Alias]:
        window = _compact(key[i : i + 4 * _PREFIX])
        for n in range(1, _PREFIX + 1):
            yield from self._index.get(window[:n], ())


def _allowed(entry: LexEntry, sentence: str) -> bool:
    if any(re.search(p, sentence) for p in entry.not_in):
        return False
    return not entry.only_in or any(re.search(p, sentence) for p in entry.only_in)


def find_mentions(text: str, lexicon: Lexicon, source: str | None = None) -> list[MentionMatch]:
    """Mentions of lexicon entities in one sentence of ``source``, in order, without overlaps.

    An entry with ``sources`` not naming ``source`` is held: its match competes for the words
    (longest first) but is returned with no candidates and the entry in ``held``; where
    another entry shares the words, only that one is linked. ``source=None``: nothing held.

    >>> lex = Lexicon.build([LexEntry("place/baku", "place", ("Bakü",)),
    ...                      LexEntry("unit/kio", "unit", ("Kafkas İslam Ordusu",))])
    >>> [(m.surface, m.entity_id) for m in find_mentions(
    ...     "Kafkas İslam Ordusu’nun Bakü’yü kurtarması", lex)]
    [('Kafkas İslam Ordusu’nun', 'unit/kio'), ('Bakü’yü', 'place/baku')]
    """
    key = _fold(text)
    if len(key) != len(text):
        log.warning("text is not NFC; offsets may be off: %r", text[:60])
    allowed: dict[str, bool] = {}
    spans: dict[tuple[int, int], set[str]] = {}
    held: dict[tuple[int, int], set[str]] = {}
    for start in (m.start() for m in _WORD_START.finditer(key)):
        for alias in lexicon._aliases_at(key, start):
            m = alias.pattern.match(key, start)
            if m is None:
                continue
            for entry in alias.entries:
                if entry.entity_id not in allowed:
                    allowed[entry.entity_id] = _allowed(entry, text)
                if not allowed[entry.entity_id]:
                    continue
                unconfirmed = source is not None and entry.sources and source not in entry.sources
                (held if unconfirmed else spans).setdefault((start, m.end()), set()).add(
                    entry.entity_id
                )
    chosen: list[tuple[int, int]] = []
    for s, e in sorted(spans.keys() | held.keys(), key=lambda se: (se[0] - se[1], se[0])):
        if all(e <= cs or ce <= s for cs, ce in chosen):
            chosen.append((s, e))
    out = []
    for s, e in sorted(chosen):
        found = tuple(sorted(spans.get((s, e), ())))
        out.append(MentionMatch(s, e, text[s:e], found[0] if len(found) == 1 else None, found,
                                tuple(sorted(held.get((s, e), ())))))
    return out
