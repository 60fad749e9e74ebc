"""EDTF string -> (precision, earliest day, latest day): the bounds that make dates sortable.

Handles the EDTF subset the pipeline writes: a day, a month, a year, a season (level 1:
21 spring ... 24 winter) and an interval of two of these.

>>> edtf_bounds("1918-09-15")
('day', '1918-09-15', '1918-09-15')
>>> edtf_bounds("1918-02")
('month', '1918-02-01', '1918-02-28')
>>> edtf_bounds("1918")
('year', '1918-01-01', '1918-12-31')
>>> edtf_bounds("1918-09-13/1918-09-14")
('range', '1918-09-13', '1918-09-14')
>>> edtf_bounds("1918-22")
('season', '1918-06-01', '1918-08-31')
>>> edtf_bounds("15 Eylül 1918")
Traceback (most recent call last):
...
ValueError: not an EDTF date this pipeline understands: '15 Eylül 1918'
"""

from __future__ import annotations

import calendar
import re

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: Northern-hemisphere meteorological seasons, as EDTF level 1 codes 21-24.
_SEASONS = {
    21: ((3, 1), (5, 31)),
    22: ((6, 1), (8, 31)),
    23: ((9, 1), (11, 30)),
    24: ((12, 1), (2, 28)),
}


def _one(value: str) -> tuple[str, str, str]:
    m = _DATE.match(value)
    if not m:
        raise ValueError(f"not an EDTF date this pipeline understands: {value!r}")
    year, month, day = int(m[1]), m[2], m[3]
    if month is not None and int(month) in _SEASONS:
        (m1, d1), (m2, d2) = _SEASONS[int(month)]
        end_year = year + 1 if int(month) == 24 else year
        if (m2, d2) == (2, 28) and calendar.isleap(end_year):
            d2 = 29
        return "season", f"{year:04d}-{m1:02d}-{d1:02d}", f"{end_year:04d}-{m2:02d}-{d2:02d}"
    if month is None:
        return "year", f"{year:04d}-01-01", f"{year:04d}-12-31"
    mo = int(month)
    if not 1 <= mo <= 12:
        raise ValueError(f"not an EDTF date this pipeline understands: {value!r}")
    last = calendar.monthrange(year, mo)[1]
    if day is None:
        return "month", f"{year:04d}-{mo:02d}-01", f"{year:04d}-{mo:02d}-{last:02d}"
    if not 1 <= int(day) <= last:
        raise ValueError(f"not an EDTF date this pipeline understands: {value!r}")
    return "day", value, value


def edtf_bounds(value: str) -> tuple[str, str, str]:
    """Precision (`day`, `month`, `year`, `season`, `range`) and earliest/latest ISO days."""
    if "/" in value:
        left, right = value.split("/", 1)
        _, earliest, _ = _one(left)
        _, _, latest = _one(right)
        if latest < earliest:
            raise ValueError(f"EDTF interval ends before it starts: {value!r}")
        return "range", earliest, latest
    return _one(value)
