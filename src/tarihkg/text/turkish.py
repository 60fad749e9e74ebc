"""Turkish-aware string helpers: text -> casefolded / diacritic-free keys, IRI slugs, suffix splits.

Python's own ``str.lower`` turns ``İ`` into ``i`` + U+0307 and leaves ``I`` as ``i``; NFKD to
ASCII drops ``ı``. Every mapping here is an explicit table instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)

APOSTROPHES = "’'ʼ‘"
"""The apostrophes the sources use between a proper name and its case suffix."""

_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_CIRCUMFLEX = str.maketrans({"â": "a", "î": "i", "û": "u", "Â": "A", "Î": "I", "Û": "U"})
_APOSTROPHE_TO_ONE = str.maketrans({a: "’" for a in APOSTROPHES})
_DIACRITICS = str.maketrans(
    {
        "ı": "i", "ç": "c", "ğ": "g", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i", "û": "u",
        "İ": "I", "Ç": "C", "Ğ": "G", "Ö": "O", "Ş": "S", "Ü": "U", "Â": "A", "Î": "I", "Û": "U",
    }
)
_SLUG_TABLE = str.maketrans(
    {
        "İ": "i", "I": "i", "ı": "i", "ç": "c", "Ç": "c", "ğ": "g", "Ğ": "g", "ö": "o", "Ö": "o",
        "ş": "s", "Ş": "s", "ü": "u", "Ü": "u", "â": "a", "Â": "a", "î": "i", "Î": "i",
        "û": "u", "Û": "u", "ə": "e", "Ə": "e", "ß": "ss",
    }
)
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
_SUFFIX_RE = re.compile(rf"^(?P<stem>.*\S)[{APOSTROPHES}](?P<suffix>[^\W\d_]+)$", re.DOTALL)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def tr_lower(s: str) -> str:
    """Lower-case with Turkish rules (``I→ı``, ``İ→i``), NFC.

    >>> tr_lower("IŞIK İSMAİL Çağrı")
    'ışık ismail çağrı'
    >>> len(tr_lower("İ"))
    1
    """
    return _nfc(_nfc(s).translate(_TR_LOWER).lower())


def tr_upper(s: str) -> str:
    """Upper-case with Turkish rules (``i→İ``, ``ı→I``), NFC.

    >>> tr_upper("ışık istanbul")
    'IŞIK İSTANBUL'
    """
    return _nfc(_nfc(s).translate(_TR_UPPER).upper())


def tr_casefold(s: str) -> str:
    """Casefold for matching with Turkish rules: never yields ``i`` + U+0307.

    >>> tr_casefold("İSTANBUL") == tr_casefold("istanbul") == "istanbul"
    True
    >>> tr_casefold("Istanbul")
    'ıstanbul'
    >>> tr_casefold("I\\u0307ZMİR")  # a decomposed İ is composed first
    'izmir'
    """
    return _nfc(tr_lower(s).casefold())


def match_fold(s: str) -> str:
    """Length-preserving matching key of NFC text: Turkish lower case, ``â/î/û`` without the
    circumflex, every apostrophe as ``’``. Offsets into the key are offsets into ``s``.

    >>> match_fold("MİLLÎ Ordu'su")
    'milli ordu’su'
    >>> s = "Bakü’yü İSTANBUL"
    >>> len(match_fold(s)) == len(s)
    True
    """
    folded = s.translate(_TR_LOWER)
    chars = [c if len(low := c.lower()) != 1 else low for c in folded]
    return "".join(chars).translate(_CIRCUMFLEX).translate(_APOSTROPHE_TO_ONE)


def fold_diacritics(s: str) -> str:
    """Drop Turkish diacritics by an explicit table, keeping case and length.

    >>> fold_diacritics("Bakü’yü Işık İĞDIR çöşüâîû")
    'Baku’yu Isik IGDIR cosuaiu'
    """
    return _nfc(s).translate(_DIACRITICS)


def search_key(s: str) -> str:
    """Loose search key: Turkish casefold, no diacritics, no apostrophes.

    >>> search_key("Bakü’yü") == search_key("bakuyu") == "bakuyu"
    True
    """
    return _APOSTROPHE_RE.sub("", fold_diacritics(tr_casefold(s)))


def slugify(label: str) -> str:
    """IRI slug of a canonical label: explicit Turkish table first, then ASCII lower case.

    Letters outside the table lose their accents (``é→e``); anything else becomes ``-``.
    Apostrophes are dropped so a suffix stays attached to its stem.

    >>> slugify("Işık")
    'isik'
    >>> slugify("İsmail")
    'ismail'
    >>> slugify("5. Kafkas Piyade Tümeni")
    '5-kafkas-piyade-tumeni'
    >>> slugify("Gafarov & Şükürov 2017")
    'gafarov-sukurov-2017'
    >>> slugify("Transkafkasya Seym’i")
    'transkafkasya-seymi'
    """
    s = _APOSTROPHE_RE.sub("", _nfc(label)).translate(_SLUG_TABLE)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    slug = _NON_SLUG_RE.sub("-", s.lower()).strip("-")
    if not slug:
        log.debug("label %r gives an empty slug", label)
    return slug


def split_suffix(word: str) -> tuple[str, str]:
    """Split a name and its apostrophised case suffix; ``(word, "")`` when there is none.

    >>> split_suffix("Bakü’yü")
    ('Bakü', 'yü')
    >>> split_suffix("Kafkas İslam Ordusu'nun")
    ('Kafkas İslam Ordusu', 'nun')
    >>> split_suffix("Gence")
    ('Gence', '')
    """
    m = _SUFFIX_RE.match(word)
    if m is None:
        return word, ""
    return m.group("stem"), m.group("suffix")
