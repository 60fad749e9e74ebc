"""Cleaned sentence text -> Turkish date expressions (EDTF); a document's list -> resolved dates.

``find_dates`` reads one string (offsets are into it) and knows nothing of context: a date
printed without a year gets ``XXXX`` in its EDTF (``XXXX-08-26``) and no bounds unless the
caller passes ``default_year``; a relative expression (``iki gün sonra``) gets no value at all.
``resolve_dates`` walks a document's expressions in order and fills both from the dates before
them, and flags years that are obvious misprints for the period the document is about.

EDTF written here: day ``1918-09-15``, month ``1918-09``, year ``1918``, season (level 1)
``1918-22``, intervals ``1918-09-13/1918-09-14`` and ``1918-06/1918-07``. ``earliest`` and
``latest`` are always ISO days. Text inside citations (``(Sürmeli, 2001: 25-26)``,
``Gökdemir’in (2003: 24)``) and in a parenthesis of a year and pages read as no citation
(``(2003: 24)``) is skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from tarihkg.text.citations import find_citations, unparsed_references, unread_citations
from tarihkg.text.edtf import edtf_bounds
from tarihkg.text.turkish import APOSTROPHES, tr_lower

log = logging.getLogger(__name__)

Precision = Literal["day", "month", "year", "range", "season"]


@dataclass(frozen=True)
class DateExpr:
    """One date expression; ``[start, end)`` covers ``wording`` exactly.

    ``edtf`` is ``None`` only for a relative expression not (yet) resolved; it holds ``XXXX``
    for a year not known; ``earliest``/``latest`` are ``None`` whenever the value is not known.
    ``corrected_edtf`` is set when the printed year is an obvious misprint (see
    ``resolve_dates``). ``offset_days`` is the (min, max) distance in days from the date a
    relative expression counts from (``iki gün sonra`` = (2, 2), ``4 gün içerisinde`` = (0, 4)).
    """

    start: int
    end: int
    wording: str
    edtf: str | None
    precision: Precision
    earliest: str | None
    latest: str | None
    year_inferred: bool = False
    relative: bool = False
    corrected_edtf: str | None = None
    note: str | None = None
    offset_days: tuple[int, int] | None = None


MONTHS: dict[str, int] = {
    name: i + 1
    for names in (
        ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
         "Ekim", "Kasım", "Aralık"),
        ("January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"),
    )
    for i, name in enumerate(names)
}
"""Turkish month names (and English ones, for the English abstracts) -> month number."""

SEASONS: dict[str, int] = {"ilkbahar": 21, "bahar": 21, "yaz": 22, "sonbahar": 23, "güz": 23,
                           "kış": 24}
"""Turkish season words -> EDTF level 1 season code (northern hemisphere)."""

NUMBER_WORDS: dict[str, int] = {"bir": 1, "iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6,
                                "yedi": 7, "sekiz": 8, "dokuz": 9, "on": 10}

_PARTS = {"baş": "early", "orta": "middle", "son": "late"}
_UNIT_DAYS = {"gün": 1, "hafta": 7}
_UNKNOWN_YEAR = "XXXX"

_L = r"[a-zçğıöşüâîû]"
_AP = f"[{APOSTROPHES}]"
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DASH = r"\s*[-–—]\s*"
_QUAL = (
    r"yılında|yılı|tarihinde|tarihli|tarihi|tarihlerinde|tarihleri\s+arasında|tarihleri|günü"
    r"|gecesi(?:ne)?|gece\s+yarısı|sabahı|akşamı(?:nda)?"
)
_TAIL = rf"(?:{_AP}?{_L}+)?(?!\w)(?:\s+(?P<qual>{_QUAL})(?!\w))?"
# Longer forms first: a regex alternation takes the first that fits, and "sonlarında" would
# leave the "n" of "sonlarından itibaren" unread.
_PART_WORDS = (
    r"başlarından|başlarında|başından|başında|ortalarından|ortalarında|ortasından|ortasında"
    r"|sonlarından|sonlarında|sonundan|sonunda"
)


def _d(name: str) -> str:
    return rf"(?<![\d.,])(?P<{name}>[12]\d|3[01]|0?[1-9])(?!\d)"


def _m(name: str) -> str:
    return rf"(?<!\w)(?P<{name}>{_MONTH_ALT})"


def _y(name: str) -> str:
    return rf"(?<![\d.,])(?P<{name}>1[5-9]\d\d|20\d\d)(?!\d|[.,]\d)"


_Builder = Callable[[re.Match[str]], "tuple[str, str | None, tuple[int, int] | None] | None"]
"""A match -> (edtf, note, offset_days) or None to reject it; ValueError: no calendar date."""


def _iso(year: str, month: int, day: int | None = None) -> str:
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def _year(m: re.Match[str]) -> str:
    return m.group("y") or _UNKNOWN_YEAR


def _at_night(m: re.Match[str]) -> bool:
    """Whether the qualifier after the date is ``gecesi``/``gece yarısı``."""
    return (m.group("qual") or "").startswith("gece")


def _b_day_range_months(m: re.Match[str]) -> tuple[str, str | None, None]:
    y = _year(m)
    first = _iso(y, MONTHS[m["m1"]], int(m["d1"]))
    return f"{first}/{_iso(y, MONTHS[m['m2']], int(m['d2']))}", None, None


def _b_day_range(m: re.Match[str]) -> tuple[str, str | None, None]:
    y, mo = _year(m), MONTHS[m["m"]]
    note = "the night between the two days" if _at_night(m) else None
    return f"{_iso(y, mo, int(m['d1']))}/{_iso(y, mo, int(m['d2']))}", note, None


def _b_night(m: re.Match[str]) -> tuple[str, str | None, None]:
    mo = MONTHS[m["m"]]
    edtf = f"{_iso(_UNKNOWN_YEAR, mo, int(m['d1']))}/{_iso(_UNKNOWN_YEAR, mo, int(m['d2']))}"
    return edtf, "the night between the two days", None


def _b_day(m: re.Match[str]) -> tuple[str, str | None, None]:
    note = "at night" if _at_night(m) else None
    return _iso(_year(m), MONTHS[m["m"]], int(m["d"])), note, None


def _b_month(m: re.Match[str]) -> tuple[str, str | None, None]:
    return _iso(_year(m), MONTHS[m["m"]]), None, None


def _b_months(m: re.Match[str]) -> tuple[str, str | None, None]:
    y = _year(m)
    if m.group("m2") is None:
        return _iso(y, MONTHS[m["m1"]]), None, None
    return f"{_iso(y, MONTHS[m['m1']])}/{_iso(y, MONTHS[m['m2']])}", None, None


def _part_note(word: str, whole: str) -> str:
    part = next(v for k, v in _PARTS.items() if word.startswith(k))
    return f"{part} part of the {whole}" + (", onwards" if word.endswith("ından") else "")


def _b_year_part(m: re.Match[str]) -> tuple[str, str | None, None]:
    return m["y"], _part_note(m["part"], "year"), None


def _b_month_part(m: re.Match[str]) -> tuple[str, str | None, None]:
    return _iso(_UNKNOWN_YEAR, MONTHS[m["m"]]), _part_note(m["part"], "month"), None


def _b_month_from(m: re.Match[str]) -> tuple[str, str | None, None]:
    note = "from this month onwards" if m.group("from") else None
    return _iso(_UNKNOWN_YEAR, MONTHS[m["m"]]), note, None


def _b_season(m: re.Match[str]) -> tuple[str, str | None, None]:
    return f"{m['y']}-{SEASONS[m['season']]}", None, None


def _b_year(m: re.Match[str]) -> tuple[str, str | None, None] | None:
    y = int(m["y"])
    text, start, end = m.string, m.start(), m.end()
    cued = m.group("cue") is not None
    in_parens = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
    follows = re.match(
        r"\s+[A-ZÇĞİÖŞÜ]|\s*[,.;:]|\s+(?:sınır|savaş|harb|ihtilal|devrim)", text[end:]
    )
    if not (cued or in_parens or (y >= 1800 and follows)):
        return None
    if m.group("y2"):
        y2 = m["y2"] if len(m["y2"]) == 4 else m["y"][:2] + m["y2"]
        return f"{y}/{y2}", None, None
    return m["y"], None, None


def _b_relative(m: re.Match[str]) -> tuple[str, str | None, tuple[int, int] | None]:
    word = tr_lower(m.group(0))
    if word.startswith("aynı"):
        return "", "the same day as the date before it", (0, 0)
    if word.startswith("ertesi"):
        return "", "the day after the date before it", (1, 1)
    n = m["n"]
    amount = int(n) if n.isdigit() else NUMBER_WORDS.get(tr_lower(n))
    if amount is None:
        return "", f"a vague amount ({m['n']}) cannot be resolved", None
    days = amount * _UNIT_DAYS[tr_lower(m["unit"])]
    within = not tr_lower(m["dir"]).startswith("sonra")
    return "", None, ((0, days) if within else (days, days))


# --- the Rumi calendar -------------------------------------------------------------------------
# Ottoman documents, and the scholarship that quotes them, print dates in the Rumi (Mâlî,
# fiscal) calendar: Julian months, a year begun on 1 March and numbered 584 less than the
# Christian year (585 less in January and February). From 1 Mart 1333 (1 March 1917) its days
# and months are the Gregorian ones (16 Şubat 1332 was followed by 1 Mart 1333: 13 days were
# dropped); only the year number stayed, until 1926. A year printed 1290-1345 after a month
# name of the calendar is read as a Rumi year and converted; the printed words stay the
# wording, and a note says how they were read.

RUMI_YEARS = (1290, 1345)
"""The Rumi years read as such (1874-1929); a 13xx number outside them is left unread."""

#: The month names the Rumi calendar shares with the Turkish Gregorian ones.
_RUMI_SHARED = ("Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Şubat")
#: The names of its own: Teşrinievvel (October), Teşrinisani (November), Kânunuevvel
#: (December), Kânunusani (January), written joined, hyphenated (Teşrin-i Evvel, Kânun-ı
#: Sânî) or as Birinci/İkinci Teşrin, Birinci/İkinci Kânun.
_RUMI_OWN = (
    r"[Tt]eşr[iî]n(?:-[iı]\s*|[iı]\s*|\s+)(?:[Ee]vvel|[Ss][aâ]n[iî])"
    r"|[Kk][aâ]n[uû]n(?:-[ıiu]\s*|[ıiu]\s*|\s+)(?:[Ee]vvel|[Ss][aâ]n[iî])"
    r"|(?:Birinci|İkinci)\s*(?:[Tt]eşr[iî]n|[Kk][aâ]n[uû]n)"
)
_RUMI_MONTH = rf"(?<!\w)(?P<rm>{_RUMI_OWN}|{'|'.join(_RUMI_SHARED)})"
_RUMI_YEAR = (
    r"(?<![\d.,])(?P<ry>1[23]\d\d|1[5-9]\d\d|20\d\d)(?!\d|[.,]\d)"
    r"(?:\s*(?:R\.|\(R\)|[Rr][uû]m[iî](?!\w)))?"  # a marker: 1334 R., 1334 (R), 1334 Rumi
    r"(?:\s*\((?P<gy>1[89]\d\d)\)|\s*/\s*(?P<gy2>1[89]\d\d)(?!\d))?"  # 1334 (1918), 1334/1918
)


def _rumi_month_number(word: str) -> int:
    """The month number of a Rumi month name (``Teşrin-i Sânî`` -> 11).

    >>> [_rumi_month_number(w) for w in ("Teşrinievvel", "Kânun-ı Sani", "İkinci Teşrin", "Eylül")]
    [10, 1, 11, 9]
    """
    if word in MONTHS:
        return MONTHS[word]
    w = tr_lower(re.sub(r"[\s-]", "", word)).translate(str.maketrans("âîû", "aiu"))
    ordinal = next((o for o in ("birinci", "ikinci") if w.startswith(o)), None)
    second = ordinal == "ikinci" if ordinal else w.endswith("sani")
    if "teşrin" in w:
        return 11 if second else 10
    return 1 if second else 12


def _julian(year: int, month: int, day: int) -> date:
    """The Gregorian day of a Julian calendar date (its Julian day number, then the
    Gregorian ordinal). Raises ValueError for a day the Julian month does not have.

    >>> _julian(1917, 2, 16), _julian(1914, 10, 29)
    (datetime.date(1917, 3, 1), datetime.date(1914, 11, 11))
    """
    if not 1 <= day <= _julian_month_days(year, month):
        raise ValueError(f"no day {day} in Julian {year}-{month:02d}")
    a = (14 - month) // 12
    y, m = year + 4800 - a, month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    return date.fromordinal(jdn - 1721425)


def _julian_month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def rumi_to_gregorian(year: int, month: int, day: int | None = None) -> str:
    """The Gregorian EDTF of a Rumi date: a day, or a month (a Gregorian month from 1333 on;
    before, the Julian month's Gregorian days as an interval). Raises ValueError for a day the
    month does not have.

    >>> rumi_to_gregorian(1334, 9, 15), rumi_to_gregorian(1335, 1, 1), rumi_to_gregorian(1334, 10)
    ('1918-09-15', '1920-01-01', '1918-10')
    >>> rumi_to_gregorian(1332, 2, 16), rumi_to_gregorian(1330, 10)
    ('1917-03-01', '1914-10-14/1914-11-13')
    """
    christian = year + (584 if month >= 3 else 585)
    if year >= 1333:  # 1 Mart 1333 = 1 March 1917: Gregorian days and months from then on
        return _iso(f"{christian:04d}", month, day) if day is None else \
            date(christian, month, day).isoformat()
    if day is not None:
        return _julian(christian, month, day).isoformat()
    first = _julian(christian, month, 1)
    last = _julian(christian, month, _julian_month_days(christian, month))
    return f"{first.isoformat()}/{last.isoformat()}"


def _b_rumi(m: re.Match[str]) -> tuple[str, str | None, None] | None:
    """A date with a Rumi month name and year: a Rumi year (1290-1345) converted, or a
    Gregorian year after one of the calendar's own month names (``1 Teşrinisani 1918``)."""
    year, word = int(m["ry"]), m["rm"]
    month = _rumi_month_number(word)
    names = m.groupdict()
    days = [int(m[g]) for g in ("d", "d1", "d2") if names.get(g)]
    if RUMI_YEARS[0] <= year <= RUMI_YEARS[1]:
        ends = [rumi_to_gregorian(year, month, d) for d in days] or [
            rumi_to_gregorian(year, month)]
        edtf = "/".join(ends) if len(ends) == 2 else ends[0]
        note = (f"printed in the Rumi (Ottoman fiscal) calendar: year {year} R.; read as {edtf}"
                + (" (Julian days before 1 Mart 1333, converted)" if year < 1333 else ""))
        glossed = m["gy"] or m["gy2"]
        if glossed and glossed not in edtf:
            note += f"; the Christian year printed beside it ({glossed}) does not agree"
        return edtf, note, None
    if year < 1500 or word in MONTHS:
        return None  # not a Rumi year; a Gregorian date with a shared name is read elsewhere
    ends = [date(year, month, d).isoformat() for d in days] or [_iso(str(year), month)]
    return "/".join(ends), f"month name of the Rumi calendar ({word}) with a Christian year", None


def _b_rumi_own_month(m: re.Match[str]) -> tuple[str, str | None, None]:
    """``15 Teşrinievvel``: the calendar's own month name without a year; the year comes from
    the dates before it (from 1917 its months are the Gregorian ones)."""
    return (_iso(_UNKNOWN_YEAR, _rumi_month_number(m["rm"]), int(m["d"])),
            f"month name of the Rumi calendar ({m['rm']})", None)


_PATTERNS: tuple[tuple[str, re.Pattern[str], _Builder], ...] = tuple(
    (name, re.compile(rx), builder)
    for name, rx, builder in (
        ("day-range-months",
         rf"{_d('d1')}\s+{_m('m1')}{_DASH}{_d('d2')}\s+{_m('m2')}\s+{_y('y')}{_TAIL}",
         _b_day_range_months),
        ("day-range", rf"{_d('d1')}{_DASH}{_d('d2')}\s+{_m('m')}(?:\s+{_y('y')})?{_TAIL}",
         _b_day_range),
        ("night",
         rf"{_m('m')}\s+ayının\s+{_d('d1')}{_AP}?[dt][ae]n\s+{_d('d2')}{_AP}?{_L}*"
         rf"\s+geçen\s+gece{_L}*",
         _b_night),
        ("day", rf"{_d('d')}\s+{_m('m')}(?:\s+{_y('y')})?{_TAIL}", _b_day),
        ("rumi-day-range", rf"{_d('d1')}{_DASH}{_d('d2')}\s+{_RUMI_MONTH}\s+{_RUMI_YEAR}{_TAIL}",
         _b_rumi),
        ("rumi-day", rf"{_d('d')}\s+{_RUMI_MONTH}\s+{_RUMI_YEAR}{_TAIL}", _b_rumi),
        ("rumi-month", rf"{_RUMI_MONTH}\s+{_RUMI_YEAR}{_TAIL}", _b_rumi),
        ("rumi-own-month", rf"{_d('d')}\s+(?P<rm>{_RUMI_OWN}){_TAIL}", _b_rumi_own_month),
        ("month-year", rf"{_m('m')}\s+{_y('y')}{_TAIL}", _b_month),
        ("year-month", rf"{_y('y')}\s+{_m('m')}(?:{_AP}?{_L}+)?(?!\w)", _b_month),
        ("year-months",
         rf"{_y('y')}\s+yılının\s+{_m('m1')}(?:\s*(?:ve|ile|-|–)\s*{_m('m2')})?\s+ay{_L}*",
         _b_months),
        ("year-part", rf"{_y('y')}\s+yıl(?:ı|ının)\s+(?P<part>{_PART_WORDS})(?:\s+itibaren)?",
         _b_year_part),
        ("season",
         rf"{_y('y')}\s+(?P<season>ilkbahar|sonbahar|bahar|yaz|güz|kış)"
         r"(?:ı|ın|ında|ındaki|ından)?(?!\w)",
         _b_season),
        ("month-part",
         rf"{_m('m')}(?:{_AP}?n?[ıiuü]n)?\s+(?:ayı(?:nın)?\s+)?(?P<part>{_PART_WORDS})",
         _b_month_part),
        ("month-from", rf"{_m('m')}\s+ayı(?:nda|ndan)?(?!\w)(?P<from>\s+itibaren)?",
         _b_month_from),
        ("year",
         rf"{_y('y')}(?:[-–](?P<y2>\d{{4}}|\d{{2}})(?!\d))?"
         rf"(?P<cue>{_AP}{_L}+|\s+yıl(?:ı|ında|ından|ına|ının)(?!\w))?",
         _b_year),
        ("relative",
         r"(?<!\w)(?:(?P<n>\d{1,3}|[Bb]irkaç|[Bb]ir|[İi]ki|[Üü]ç|[Dd]ört|[Bb]eş|[Aa]ltı|[Yy]edi"
         r"|[Ss]ekiz|[Dd]okuz|[Oo]n)\s+(?P<unit>gün|hafta)\s+"
         r"(?P<dir>sonra|sonrası|içerisinde|içinde|zarfında)"
         r"|[Aa]ynı\s+gün(?:de|ü)?|[Ee]rtesi\s+gün(?:ü)?)(?!\w)",
         _b_relative),
    )
)


def _expr(m: re.Match[str], name: str, built: tuple[str, str | None, tuple[int, int] | None],
          default_year: int | None) -> DateExpr:
    """Raises ValueError when the wording names no calendar date (``31 Şubat``)."""
    edtf, note, offset = built
    wording = m.group(0)
    if name == "relative":
        exact = offset is not None and offset[0] == offset[1]
        return DateExpr(m.start(), m.end(), wording, None, "day" if exact else "range", None,
                        None, relative=True, note=note, offset_days=offset)
    inferred = False
    if _UNKNOWN_YEAR in edtf and default_year is not None:
        edtf, inferred = edtf.replace(_UNKNOWN_YEAR, f"{default_year:04d}"), True
    precision, first, last = edtf_bounds(edtf.replace(_UNKNOWN_YEAR, "2000"))
    known = _UNKNOWN_YEAR not in edtf
    return DateExpr(m.start(), m.end(), wording, edtf, _precision(precision),
                    first if known else None, last if known else None,
                    year_inferred=inferred, note=note)


def find_dates(text: str, *, default_year: int | None = None,
               works_after: int | None = None) -> list[DateExpr]:
    """Date expressions of ``text`` in order, none overlapping, none inside a citation.

    Where several readings overlap the longest wins (``14 Mart – 14 Nisan 1918`` is one range).
    ``default_year`` fills a missing year (then ``year_inferred`` is true). ``works_after``:
    the last year of the text's period, after which a year in parentheses after a name is a
    cited work's (:func:`tarihkg.text.citations.find_citations`), not a date.

    >>> [(d.wording, d.edtf) for d in find_dates("Bakü, 15 Eylül 1918’de alınmıştır.")]
    [('15 Eylül 1918’de', '1918-09-15')]
    >>> d = find_dates("1918 yazında")[0]
    >>> d.edtf, d.precision, d.earliest, d.latest
    ('1918-22', 'season', '1918-06-01', '1918-08-31')
    >>> [d.edtf for d in find_dates("26 Ağustos sabahı", default_year=1918)]
    ['1918-08-26']
    """
    # A year in a citation, or in a parenthesis of a year and pages read as no citation
    # (reported by check and the build), is never a date.
    blocked = [(c.start, c.end) for c in find_citations(text, works_after=works_after)] \
        + unread_citations(text, works_after=works_after) \
        + unparsed_references(text, works_after=works_after)
    candidates: list[DateExpr] = []
    for name, pattern, builder in _PATTERNS:
        for m in pattern.finditer(text):
            try:
                built = builder(m)
                if built is None:
                    continue
                candidates.append(_expr(m, name, built, default_year))
            except ValueError:
                log.debug("not a calendar date: %r", m.group(0))
                blocked.append(m.span())
    chosen: list[DateExpr] = []
    for c in sorted(candidates, key=lambda d: (d.start - d.end, d.start)):
        if all(c.end <= s or e <= c.start for s, e in blocked):
            chosen.append(c)
            blocked.append((c.start, c.end))
    return sorted(chosen, key=lambda d: d.start)


def correct_year(year: int, period: tuple[int, int]) -> int | None:
    """The year a misprinted ``year`` most likely stands for, given the period a text is about.

    Rule: a year outside the period is taken for a misprint of its tens digit, the commonest
    slip (``1938`` for ``1918``): the candidates are the years in the period that differ from it
    in the tens digit only, and the nearest one wins (a contiguous period cannot hold two at the
    same distance). No candidate gives ``None``.

    >>> correct_year(1938, (1917, 1921))
    1918
    >>> correct_year(1878, (1917, 1921)) is None
    True
    >>> correct_year(1919, (1917, 1921)) is None
    True
    """
    lo, hi = period
    if lo <= year <= hi:
        return None
    candidates = [y for y in range(lo, hi + 1) if y % 10 == year % 10 and y // 100 == year // 100]
    return min(candidates, key=lambda y: abs(y - year)) if candidates else None


def _precision(value: str) -> Precision:
    if value not in ("day", "month", "year", "range", "season"):
        raise ValueError(f"unknown EDTF precision {value!r}")
    return value  # type: ignore[return-value]


def _with_edtf(expr: DateExpr, edtf: str, **changes: object) -> DateExpr:
    precision, earliest, latest = edtf_bounds(edtf)
    return replace(expr, edtf=edtf, precision=_precision(precision), earliest=earliest,
                   latest=latest, **changes)  # type: ignore[arg-type]


_YEAR_IN_EDTF = re.compile(r"(?<![\d-])\d{4}(?=-|/|$)")


def _flag_misprint(expr: DateExpr, period: tuple[int, int]) -> DateExpr:
    if expr.edtf is None or expr.year_inferred or "-" not in expr.edtf:
        return expr
    years = {int(y) for y in _YEAR_IN_EDTF.findall(expr.edtf)}
    fixes = {y: correct_year(y, period) for y in years}
    fixes = {y: f for y, f in fixes.items() if f is not None}
    if not fixes:
        return expr
    corrected = _YEAR_IN_EDTF.sub(lambda m: str(fixes.get(int(m.group()), m.group())), expr.edtf)
    note = "; ".join(
        f"printed year {y} is outside {period[0]}–{period[1]}; read as {f} (tens-digit misprint)"
        for y, f in sorted(fixes.items())
    )
    return replace(expr, corrected_edtf=corrected, note=_join(expr.note, note))


#: How far (in expressions) to look for the printed dates around a suspect one, and the
#: distances that make a printed year an obvious slip: the printed date is one year off from
#: both neighbours while the same day in their year sits among them.
_NEIGHBOURS = 6
_SLIP_FAR_DAYS = 300
_SLIP_NEAR_DAYS = 62


def _printed_day(expr: DateExpr) -> date | None:
    if expr.relative or expr.year_inferred or expr.corrected_edtf or expr.edtf is None:
        return None
    if expr.precision != "day" or _UNKNOWN_YEAR in expr.edtf:
        return None
    return date.fromisoformat(expr.edtf)


def _flag_out_of_sequence(exprs: list[DateExpr]) -> list[DateExpr]:
    """Flag a printed year that contradicts the dates on both sides of it in the narrative.

    ``22 Şubat 1917`` printed between ``24 Şubat 1918`` and ``12 Mart 1918`` is a slip: it is
    more than 300 days from both neighbours, the neighbours agree on 1918, and 22 February
    1918 lies within two months of them. The printed EDTF stays; ``corrected_edtf`` and a note
    say what it is read as, and later year-less dates inherit the corrected year.
    """
    days = [_printed_day(e) for e in exprs]
    out = list(exprs)
    for i, day in enumerate(days):
        if day is None:
            continue
        before = next((d for d in reversed(days[max(0, i - _NEIGHBOURS) : i]) if d), None)
        after = next((d for d in days[i + 1 : i + 1 + _NEIGHBOURS] if d), None)
        if before is None or after is None or before.year != after.year or abs(before.year - day.year) != 1:
            continue  # only a one-year slip between agreeing neighbours (1914 among 1917s is history)
        try:
            moved = day.replace(year=before.year)
        except ValueError:  # 29 February
            continue
        far = min(abs((day - n).days) for n in (before, after)) > _SLIP_FAR_DAYS
        near = min(abs((moved - n).days) for n in (before, after)) <= _SLIP_NEAR_DAYS
        if far and near:
            out[i] = replace(
                exprs[i],
                corrected_edtf=moved.isoformat(),
                note=_join(
                    exprs[i].note,
                    f"printed year {day.year} contradicts the dates around it ({before.isoformat()}, "
                    f"{after.isoformat()}); read as {moved.isoformat()}",
                ),
            )
    return out


def _join(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _effective(expr: DateExpr) -> str | None:
    return expr.corrected_edtf or expr.edtf


def resolve_dates(
    exprs_in_document_order: list[DateExpr], *, period: tuple[int, int] | None = None
) -> list[DateExpr]:
    """Fill missing years and relative dates from the dates before them; flag misprints.

    * A date without a year takes the year of the most recent date before it that has one
      (printed, corrected or inferred); ``year_inferred`` becomes true.
    * A relative expression is resolved against the most recent date before it only when that
      date is day-precise and the amount is exact; otherwise it stays unresolved, with a note.
    * With ``period``, a printed day/month date whose year lies outside it keeps its EDTF and
      gets ``corrected_edtf`` by ``correct_year`` (year-only expressions are left alone: they
      name background years such as ``1878``). The corrected value is what later dates inherit.
    * A printed day whose year contradicts the dates on both sides of it is flagged the same
      way (``_flag_out_of_sequence``).
    """
    out: list[DateExpr] = []
    last_year: str | None = None
    anchor: DateExpr | None = None
    for expr in _flag_out_of_sequence(exprs_in_document_order):
        if expr.relative:
            expr = _resolve_relative(expr, anchor)
        elif expr.edtf is not None and _UNKNOWN_YEAR in expr.edtf:
            edtf = expr.edtf
            if last_year is None:
                expr = replace(expr, note=_join(expr.note, "no earlier date gives the year"))
            else:
                expr = _with_edtf(expr, edtf.replace(_UNKNOWN_YEAR, last_year),
                                  year_inferred=True,
                                  note=_join(expr.note, f"year {last_year} from the date before"))
        elif period is not None:
            expr = _flag_misprint(expr, period)
        value = _effective(expr)
        if value is not None and _UNKNOWN_YEAR not in value:
            last_year = _YEAR_IN_EDTF.findall(value)[-1]
            anchor = expr
        out.append(expr)
    return out


def _resolve_relative(expr: DateExpr, anchor: DateExpr | None) -> DateExpr:
    if expr.offset_days is None:
        return expr
    value = _effective(anchor) if anchor is not None else None
    if anchor is None or value is None or edtf_bounds(value)[0] != "day":
        return replace(expr, note=_join(expr.note, "no day-precise date before it to count from"))
    base = date.fromisoformat(value)
    lo, hi = (base + timedelta(days=d) for d in expr.offset_days)
    edtf = lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"
    counted = f"counted from {value} ({anchor.wording!r})"
    return _with_edtf(expr, edtf, year_inferred=True, note=_join(expr.note, counted))


_BOUND_WORDS = r"kadar|dek|değin|itibaren"
_UNTIL_WORDS = r"kadar|dek|değin"
_BARE_YEARS = re.compile(r"(?P<y>1[5-9]\d\d|20\d\d)(?:\s*[-–]\s*(?P<y2>\d{4}|\d\d))?")
_ABLATIVE = re.compile(rf"(?:[dt][ae]n|{_AP}?n[dt][ae]n)(?!\w)", re.IGNORECASE)
_SPAN_TAIL = re.compile(
    rf"(?:\S+\s+){{0,6}}?(?:{_UNTIL_WORDS})(?:\s+olan(?:\s+{_L}+)?)?", re.IGNORECASE
)
_BETWEEN = re.compile(r"\s+(?:ile|ve)\s+")


def _bare_years(wording: str) -> str | None:
    """A bare year (``1918``) or span of years (``1877-78``, ``1914–1918``), which
    ``find_dates`` reads only with a cue."""
    m = _BARE_YEARS.fullmatch(wording)
    if m is None:
        return None
    if m.group("y2") is None:
        return m["y"]
    y2 = m["y2"] if len(m["y2"]) == 4 else m["y"][:2] + m["y2"]
    return f"{m['y']}/{y2}" if y2 > m["y"] else None


def _span(first: DateExpr, second: DateExpr, wording: str) -> str | None:
    """Two dates that bound one period: ``A’dan … B’e kadar`` (an ablative from the first date
    on, a bound after the second: ``Şubat 1917’de Menşeviklerin iktidara gelmesinden, 1917
    Ekiminde … ele geçirmesine kadar olan dönemde``) or ``A ile B arasında``. Each end keeps
    its own precision; a year printed at one end only is the other's too."""
    between = wording[first.end : second.start]
    rest = wording[second.end :].strip(" ,.;:")
    between_two = _BETWEEN.fullmatch(between) is not None and (
        second.wording.endswith("arasında") or re.fullmatch(r"(?:tarihleri\s+)?arasında", rest)
    )
    from_to = bool(_ABLATIVE.search(wording[first.start : second.start]) and rest
                   and _SPAN_TAIL.fullmatch(rest))
    if not (between_two or from_to):
        return None
    if {first.precision, second.precision} & {"range", "season"}:
        return None  # an interval's ends are days, months or years
    a, b = first.edtf or "", second.edtf or ""
    if a.startswith(_UNKNOWN_YEAR) and not b.startswith(_UNKNOWN_YEAR):
        a = b[:4] + a[4:]
    elif b.startswith(_UNKNOWN_YEAR) and not a.startswith(_UNKNOWN_YEAR):
        b = a[:4] + b[4:]
    if a[: len(b)] > b[: len(a)]:  # both years printed, or neither (then the same year)
        return None  # the second date is before the first: not one period
    return f"{a}/{b}"


def read_wording(wording: str) -> str | None:
    """What a fact's printed date wording names, in EDTF (``XXXX`` for a year it does not
    print), when the wording is one date: one expression of ``find_dates`` and nothing else
    but ``kadar``, ``dek``, ``değin`` or ``itibaren`` after it; a bare year or span of years;
    or two dates bounding one period (``Mayıs’tan … Haziran’a kadar``, ``A ile B arasında``:
    an interval). None for anything else: a relative wording (``iki gün sonra``, ``aynı
    günde``, ``Bu tarihten itibaren``), a date inside longer words (``1917 Şubat ihtilalinden
    sonra``), dates that do not bound one period.

    >>> read_wording("1917 yılı sonlarından itibaren")
    '1917'
    >>> read_wording("15 Mayıs’tan 20 Haziran 1918’e kadar")
    '1918-05-15/1918-06-20'
    >>> read_wording("1877-78")
    '1877/1878'
    """
    wording = wording.strip()
    years = _bare_years(wording)
    if years is not None:
        return years
    found = find_dates(wording)
    if any(d.relative or not d.edtf for d in found):
        return None
    if len(found) == 2 and not wording[: found[0].start].strip():
        return _span(found[0], found[1], wording)
    if len(found) != 1:
        return None
    d = found[0]
    rest = wording[d.end :].strip(" ,.;:")
    if wording[: d.start].strip() or (rest and not re.fullmatch(_BOUND_WORDS, rest)):
        return None
    return d.edtf
