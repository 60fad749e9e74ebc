"""A fact's date is its printed wording as the date reader reads it (docs/curation.md, "The
date is its wording"): `tarihkg check` and the build refuse a date that contradicts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project

from tarihkg.cli import main
from tarihkg.curation import load_facts
from tarihkg.errors import CurationError
from tarihkg.factspec import check_fact_fields, wording_problems


@pytest.mark.parametrize(
    ("q", "when", "wording", "reads"),
    [
        ("date", "1919-04-29", "19 Nisan 1919’da", "1919-04-19"),  # a typo of the day
        ("date", "1919-05-01", "1919 baharında", "1919-21"),  # finer than the wording
        ("date", "1919-04", "19 Nisan 1919’da", "1919-04-19"),  # coarser than the wording
        ("date", "1918-03-25", "25 Şubatta", "1918-02-25"),  # the year from context, not the month
        ("from", "1918-06-13", "13–14 Haziran", "1918-06-13/1918-06-14"),  # a range: an interval
        ("until", "1919", "18 Ocak 1919’da", "1919-01-18"),
        ("date", "1918-11-05", "5 Kasım 1938’de", "1938-11-05"),  # a misprint not said in a note
        ("date", "1919", "1918", "1918"),  # a bare year
        ("until", "1918-04", "29 Nisan 1918’e kadar", "1918-04-29"),  # 'kadar' bounds, not moves
        # the shapes read since session 5: a day range, a season, a part of a month or year,
        # a span bounded by two dates, a span of years
        ("date", "1918-09-15", "15-16 Eylül 1918", "1918-09-15/1918-09-16"),
        ("date", "1918-06", "1918 yazında", "1918-22"),
        ("date", "1918-05-31", "Mayıs’ın sonlarında", "1918-05"),
        ("date", "1918-11", "Aralık’ın ortalarında", "1918-12"),
        ("from", "1917-12", "1917 yılı sonlarından itibaren", "1917"),
        ("date", "1917-03/1917-10",
         "Şubat 1917’de Menşeviklerin iktidara gelmesinden, 1917 Ekiminde Bolşeviklerin iktidarı "
         "ele geçirmesine kadar olan dönemde", "1917-02/1917-10"),
        ("date", "1918-05-15/1918-06-02", "15 Mayıs’tan 20 Haziran 1918’e kadar",
         "1918-05-15/1918-06-20"),
        ("date", "1918-03-01", "1 Mart ile 4 Mart 1918 tarihleri arasında",
         "1918-03-01/1918-03-04"),
        ("date", "1877", "1877-78", "1877/1878"),
    ],
)
def test_a_date_that_is_not_its_wording_is_refused(q: str, when: str, wording: str,
                                                   reads: str) -> None:
    [problem] = wording_problems(q, when, wording)
    assert f"{q} {when!r} is not its wording {wording!r}, which reads {reads}" in problem


@pytest.mark.parametrize(
    ("when", "wording", "note"),
    [
        ("1919-04-19", "19 Nisan 1919’da", ""),
        ("1919-21", "1919 baharında", ""),
        ("1918-11", "Kasım ortasında", ""),  # the year from context
        ("1918", "1918 yılının sonlarında", ""),
        ("1918-06-13/1918-06-14", "13–14 Haziran", ""),
        ("1918-02-25", "25 Şubatta", ""),
        ("1918-09-03", "3 Eylül’den itibaren", ""),
        # a printed year the note names as a misprint
        ("1918-11-05", "5 Kasım 1938’de", "printed 1938, a misprint for 1918"),
        # words the reader cannot take as one date: nothing said
        ("1917", "1917 Şubat ihtilalinden sonra", ""),
        ("1918-11-07", "iki gün sonra", ""),
        ("1917-02/1917-10", "Şubat 1917’de … 1917 Ekiminde", ""),  # no bound: not one period
        ("1918-09-14", "aynı günde", ""),
        ("1918-11-08", "Bu tarihten itibaren", ""),
        ("1918-09-15", "Bakü alınana dek", ""),
        ("1918-05", "20 Haziran’dan 15 Mayıs’a kadar", ""),  # backwards: not one period
        ("1918-03", "Mart 1918’de ve Ekim 1918’de", ""),  # two dates, no span
        # the shapes read since session 5, in the forms the texts print (İ/ı, ’ suffixes)
        ("1918-09-15/1918-09-16", "15-16 Eylül 1918", ""),
        ("1918-09-15/1918-09-16", "15–16 Eylül 1918’de", ""),
        ("1918-22", "1918 yazında", ""),
        ("1919-21", "1919 ilkbaharında", ""),
        ("1918-05", "Mayıs’ın sonlarında", ""),
        ("1918-12", "Aralık’ın ortasından itibaren", ""),
        ("1918-08", "Ağustos ayı başlarında", ""),
        ("1918-11", "Kasımın sonlarında", ""),
        ("1918", "1918 yılının başlarından itibaren", ""),
        ("1917", "1917 yılı sonlarından itibaren", ""),
        ("1917-02/1917-10",
         "Şubat 1917’de Menşeviklerin iktidara gelmesinden, 1917 Ekiminde Bolşeviklerin iktidarı "
         "ele geçirmesine kadar olan dönemde", ""),
        ("1918-05-15/1918-06-20", "15 Mayıs 1918’den 20 Haziran’a kadar", ""),
        ("1918-03-01/1918-03-04", "1 Mart ile 4 Mart 1918 tarihleri arasında", ""),
        ("1877/1878", "1877-78", ""),
        ("1914/1918", "1914–1918", ""),
    ],
)
def test_a_date_that_is_its_wording_passes(when: str, wording: str, note: str) -> None:
    assert wording_problems("date", when, wording, note) == []


def test_the_misprint_note_does_not_excuse_another_day() -> None:
    assert wording_problems("date", "1918-11-06", "5 Kasım 1938’de", "printed 1938 for 1918")


def test_the_fact_fields_check_reads_the_wording_of_each_time_qualifier() -> None:
    raw = {"id": "f-1", "subject": "a", "property": "commander", "object": "b",
           "from": "1918-05", "from_wording": "Haziran 1918’de",
           "until": "1919-21", "until_wording": "1919 baharında"}
    problems = check_fact_fields(raw)
    assert any("from '1918-05' is not its wording" in p for p in problems), problems
    assert not any("until" in p for p in problems), problems


def _set_date(root: Path, old: str, new: str) -> Path:
    path = root / "data" / "curation" / "facts" / "000.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_check_and_the_build_refuse_a_real_fact_whose_date_is_not_its_wording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    path = _set_date(root, "      date: '1918-02-25'\n      date_wording: 25 Şubatta",
                     "      date: '1918-02-26'\n      date_wording: 25 Şubatta")
    line = path.read_text(encoding="utf-8").splitlines().index("      date: '1918-02-26'")
    code = main(["--root", str(root), "check"])
    out = capsys.readouterr().out.splitlines()
    errors = [e for e in out if ": error: " in e]
    assert code == 2
    assert len(errors) == 1, errors
    assert "000.yaml:" in errors[0]
    assert "date '1918-02-26' is not its wording '25 Şubatta', which reads 1918-02-25" in errors[0]
    # the `date:` line itself (newart3 P10; `line` counts from 0)
    assert int(errors[0].split("000.yaml:")[1].split(":")[0]) == line + 1
    with pytest.raises(CurationError, match="is not its wording '25 Şubatta'"):
        load_facts(root / "data" / "curation" / "facts")  # what the build reads

