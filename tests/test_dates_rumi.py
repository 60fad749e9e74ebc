"""Dates printed in the Rumi (Ottoman fiscal) calendar: read, converted, the printed words kept.

Checked against days whose two calendars' dates are fixed by the record: the 1917 reform
(16 Şubat 1332 was counted as 1 Mart 1333 = 1 March 1917), the Black Sea raid (16
Teşrinievvel 1330 = 29 October 1914), the armistice of Mudros (30 Teşrinievvel 1334 = 30
October 1918).
"""

from __future__ import annotations

import pytest

from tarihkg.factspec import wording_problems
from tarihkg.text.dates import find_dates, read_wording, resolve_dates, rumi_to_gregorian


def _one(text: str) -> tuple[str, str | None, str]:
    (d,) = find_dates(text)
    return d.wording, d.edtf, d.precision


@pytest.mark.parametrize(
    ("text", "wording", "edtf", "precision"),
    [
        # after the reform: Gregorian days and months, year + 584 (+ 585 in January, February)
        ("Mütareke 30 Teşrinievvel 1334 tarihinde imzalandı.", "30 Teşrinievvel 1334 tarihinde",
         "1918-10-30", "day"),
        ("Bakü 15 Eylül 1334’te alındı.", "15 Eylül 1334’te", "1918-09-15", "day"),
        ("1 Kânunusani 1335’te", "1 Kânunusani 1335’te", "1920-01-01", "day"),
        ("Teşrin-i Sânî 1334’te", "Teşrin-i Sânî 1334’te", "1918-11", "month"),
        ("Kânun-ı Evvel 1334 sonunda", "Kânun-ı Evvel 1334", "1918-12", "month"),
        ("İkinci Kânun 1336", "İkinci Kânun 1336", "1921-01", "month"),
        ("13-14 Eylül 1334 gecesi", "13-14 Eylül 1334 gecesi", "1918-09-13/1918-09-14", "range"),
        # before it: Julian days, converted (13 days in the 20th century, 12 in the 19th)
        ("16 Teşrinievvel 1330 günü", "16 Teşrinievvel 1330 günü", "1914-10-29", "day"),
        ("16 Şubat 1332", "16 Şubat 1332", "1917-03-01", "day"),
        ("1 Mart 1333", "1 Mart 1333", "1917-03-01", "day"),
        ("29 Şubat 1331", "29 Şubat 1331", "1916-03-13", "day"),
        ("12 Mart 1299", "12 Mart 1299", "1883-03-24", "day"),
        ("Teşrinievvel 1330", "Teşrinievvel 1330", "1914-10-14/1914-11-13", "range"),
        # the Christian year printed beside it, or a marker, belongs to the wording
        ("15 Eylül 1334 (1918) tarihinde", "15 Eylül 1334 (1918) tarihinde", "1918-09-15", "day"),
        ("3 Mart 1334/1918’de", "3 Mart 1334/1918’de", "1918-03-03", "day"),
        ("15 Eylül 1334 R. tarihli", "15 Eylül 1334 R. tarihli", "1918-09-15", "day"),
        # the calendar's own month names with a Christian year are Gregorian months
        ("1 Teşrinisani 1918", "1 Teşrinisani 1918", "1918-11-01", "day"),
        ("Birinci Teşrin 1920’de", "Birinci Teşrin 1920’de", "1920-10", "month"),
    ],
)
def test_rumi_forms(text: str, wording: str, edtf: str, precision: str) -> None:
    assert _one(text) == (wording, edtf, precision)


def test_the_reform_day_has_one_gregorian_date_in_both_reckonings() -> None:
    assert rumi_to_gregorian(1332, 2, 16) == rumi_to_gregorian(1333, 3, 1) == "1917-03-01"
    assert rumi_to_gregorian(1332, 2, 15) == "1917-02-28"


def test_the_note_says_how_the_printed_words_were_read() -> None:
    (d,) = find_dates("16 Teşrinievvel 1330")
    assert d.wording == "16 Teşrinievvel 1330"
    assert d.note is not None
    assert "Rumi" in d.note and "1914-10-29" in d.note and "Julian" in d.note
    (g,) = find_dates("15 Eylül 1334 (1917)")
    assert g.edtf == "1918-09-15"
    assert g.note is not None and "(1917) does not agree" in g.note


@pytest.mark.parametrize(
    "text",
    [
        "ATASE, Kls. 1334, Dos. 5",  # a box number, no month
        "1334 senesinde",  # a year alone: which months of it is not said
        "Ocak 1334",  # Ocak is no month of the Rumi calendar
        "Mart 1250",  # outside the Rumi years read (1290-1345)
        "31 Şubat 1334",  # no such day
        "29 Şubat 1333",  # February 1918: no 29th
    ],
)
def test_not_rumi_dates(text: str) -> None:
    assert find_dates(text) == []


def test_a_rumi_month_without_year_takes_the_year_before_it() -> None:
    found = resolve_dates(find_dates("1 Teşrinievvel 1334 tarihinde ... 15 Teşrinisani’de"),
                          period=(1917, 1921))
    assert [(d.edtf, d.year_inferred) for d in found] == [("1918-10-01", False),
                                                         ("1918-11-15", True)]


def test_a_converted_year_is_not_taken_for_a_misprint() -> None:
    (d,) = resolve_dates(find_dates("30 Teşrinievvel 1334"), period=(1917, 1921))
    assert d.corrected_edtf is None and d.edtf == "1918-10-30"


def test_a_facts_date_is_the_converted_reading_of_its_rumi_wording() -> None:
    assert read_wording("15 Eylül 1334") == "1918-09-15"
    assert read_wording("Teşrinievvel 1334’te") == "1918-10"
    assert wording_problems("date", "1918-09-15", "15 Eylül 1334") == []
    (problem,) = wording_problems("date", "1334-09-15", "15 Eylül 1334")
    assert 'write date: "1918-09-15"' in problem
    # a Julian-era date typed with the printed day numbers is 13 days off: refused
    (problem,) = wording_problems("date", "1914-10-16", "16 Teşrinievvel 1330")
    assert "1914-10-29" in problem
