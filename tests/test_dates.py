"""Date expressions of both sources: forms, non-dates, year inference, relatives, misprints."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import S000, S002, cleaned, sentence

from tarihkg.text.dates import (
    DateExpr,
    correct_year,
    find_dates,
    read_wording,
    resolve_dates,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
INVENTORY = Path(__file__).resolve().parent / "data" / "textual" / "dates.tsv"
PERIOD = (1917, 1921)


def only(text: str, **options: int) -> DateExpr:
    (d,) = find_dates(text, **options)  # type: ignore[arg-type]
    return d


def test_inventory_of_both_sources() -> None:
    with INVENTORY.open(encoding="utf-8") as f:
        expected = [row for row in csv.DictReader(f, delimiter="\t")]
    got = []
    for sid in (S000, S002):
        text = cleaned(sid)
        for d in resolve_dates(find_dates(text), period=PERIOD):
            assert text[d.start : d.end] == d.wording
            flags = [f for f, on in (("inferred", d.year_inferred), ("relative", d.relative))
                     if on] + ([f"corrected={d.corrected_edtf}"] if d.corrected_edtf else [])
            got.append((sid[:3], d.wording, d.edtf or "-", d.precision, ",".join(flags) or "-"))
    assert got == [
        (r["source"], r["wording"], r["edtf"], r["precision"], r["flags"]) for r in expected
    ]


@pytest.mark.parametrize(
    ("sid", "first", "last", "wording", "edtf", "precision", "earliest", "latest"),
    [
        (S000, "Çeşitli çatışma", "alınmıştır", "15 Eylül 1918 tarihinde", "1918-09-15",
         "day", "1918-09-15", "1918-09-15"),
        (S000, "Bakü üzerine bir harekat", "ele geçirmiştir.", "15 Eylül 1918’de",
         "1918-09-15", "day", "1918-09-15", "1918-09-15"),
        (S000, "Ancak Ekim 1917’de", "onaylamayan", "Ekim 1917’de", "1917-10", "month",
         "1917-10-01", "1917-10-31"),
        (S000, "Şubat 1917’de Menşeviklerin", "iktidara", "Şubat 1917’de", "1917-02", "month",
         "1917-02-01", "1917-02-28"),
        (S000, "1917 Ekiminde", "geçirmesine", "1917 Ekiminde", "1917-10", "month",
         "1917-10-01", "1917-10-31"),
        (S000, "Azerbaycan’a komşu ve uzak", "farkındaydı.", "1918 yazında", "1918-22",
         "season", "1918-06-01", "1918-08-31"),
        (S000, "Türk ordusunun ileri harekatı ile", "yapmışlardır.",
         "14 Mart – 14 Nisan 1918 tarihleri arasında", "1918-03-14/1918-04-14", "range",
         "1918-03-14", "1918-04-14"),
        (S000, "önemli bir gelişme, 11 Mayıs", "Konferansı", "11 Mayıs-4 Haziran 1918 tarihlerinde",
         "1918-05-11/1918-06-04", "range", "1918-05-11", "1918-06-04"),
        (S000, "Haziran 1918’i daha çok", "geçiren", "Haziran 1918’i", "1918-06", "month",
         "1918-06-01", "1918-06-30"),
        (S000, "1918 yılının Haziran ve Temmuz", "olmuşlardır",
         "1918 yılının Haziran ve Temmuz aylarında", "1918-06/1918-07", "range",
         "1918-06-01", "1918-07-31"),
        (S000, "1917 yılının sonlarında", "olmuştur.", "1917 yılının sonlarında", "1917", "year",
         "1917-01-01", "1917-12-31"),
        (S000, "Aralık 1919’da", "bulunmuştur", "Aralık 1919’da", "1919-12", "month",
         "1919-12-01", "1919-12-31"),
        (S000, "daha 1556’de", "olmuştur.", "1556’de", "1556", "year", "1556-01-01",
         "1556-12-31"),
        (S000, "Kasım 1918'de Nahçıvan", "kurulmuş", "Kasım 1918'de", "1918-11", "month",
         "1918-11-01", "1918-11-30"),
        (S002, "25 Aralık 1918 yılında General", "atanmış", "25 Aralık 1918 yılında",
         "1918-12-25", "day", "1918-12-25", "1918-12-25"),
        (S000, "1877-78 Türk-Rus", "savaşı", "1877-78", "1877/1878", "range", "1877-01-01",
         "1878-12-31"),
        (S002, "On 15 September 1918", "city.", "15 September 1918", "1918-09-15", "day",
         "1918-09-15", "1918-09-15"),
    ],
)
def test_forms(sid: str, first: str, last: str, wording: str, edtf: str, precision: str,
               earliest: str, latest: str) -> None:
    d = only(sentence(sid, first, last))
    assert (d.wording, d.edtf, d.precision, d.earliest, d.latest) == (
        wording, edtf, precision, earliest, latest
    )
    assert not d.year_inferred and not d.relative


@pytest.mark.parametrize(
    ("sid", "first", "last", "wording", "edtf"),
    [
        (S000, "22 Şubat 1917’de Mamahatun", "geçmiştir", "25 Şubatta", "XXXX-02-25"),
        (S000, "7 Nisanda Van", "almıştır", "7 Nisanda", "XXXX-04-07"),
        (S000, "2 Martta", "geçmiştir", "2 Martta", "XXXX-03-02"),
        (S002, "26 Ağustos sabahı", "sonuçlandı", "26 Ağustos sabahı", "XXXX-08-26"),
        (S002, "Bakü üzerine yürüyüşü", "planlamıştı", "11 Eylül’e", "XXXX-09-11"),
        (S002, "karargâhıyla birlikte 3 Eylül’de", "etti.", "3 Eylül’de", "XXXX-09-03"),
        (S002, "Ermeniler 13–14 Haziran", "teslim olmuşlardı", "13–14 Haziran tarihlerinde",
         "XXXX-06-13/XXXX-06-14"),
        (S002, "Bu zaman 17–30 Haziran", "gelmiş", "17–30 Haziran", "XXXX-06-17/XXXX-06-30"),
        (S002, "Geriye kalan tüm askeri", "sevk edildi", "13–14 Eylül gecesi",
         "XXXX-09-13/XXXX-09-14"),
        (S002, "Eylül ayının 13’ten", "uyumamış", "Eylül ayının 13’ten 14’üne geçen gecesine",
         "XXXX-09-13/XXXX-09-14"),
        (S002, "Temmuz ayının ortasında", "yaklaşmıştı", "Temmuz ayının ortasında", "XXXX-07"),
        (S000, "Temmuz ayından itibaren", "başlamıştır", "Temmuz ayından itibaren", "XXXX-07"),
    ],
)
def test_yearless_forms(sid: str, first: str, last: str, wording: str, edtf: str) -> None:
    found = [d for d in find_dates(sentence(sid, first, last)) if d.wording == wording]
    assert len(found) == 1
    d = found[0]
    assert d.edtf == edtf and d.earliest is None and d.latest is None
    with_year = [x for x in find_dates(sentence(sid, first, last), default_year=1918)
                 if x.wording == wording][0]
    assert with_year.edtf == edtf.replace("XXXX", "1918") and with_year.year_inferred
    assert with_year.earliest is not None and with_year.earliest.startswith("1918-")


def test_night_ranges_are_noted() -> None:
    s = sentence(S002, "Kafkas İslam Ordusu Karargâhı, hazırlanan", "karar verdi.")
    d = only(s, default_year=1918)
    assert d.wording == "13–14 Eylül gece yarısı"
    assert (d.edtf, d.precision) == ("1918-09-13/1918-09-14", "range")
    assert d.note is not None and "night" in d.note


@pytest.mark.parametrize(
    ("sid", "first", "last"),
    [
        (S000, "Türk askerinin ayrılışından", "işgal etmiştir"),  # 1200 kişilik
        (S000, "Oy verme hakkına", "katılmışlardır."),  # 87.048, 85.129, 441, 1693
        (S002, "Nuri Paşa, 311 ve 364 Kuzey", "engelleyeceklerdi."),
        (S002, "İyi donanımlı 15. Piyade", "görev yapıyordu."),  # 191 subay ve 5.541 asker
        (S000, "Ayrıca bölgede güvenlik", "(Sürmeli, 2001: 323-324)."),
        (S000, "yardımcı olmuşlardır (QAPPODAR", "K.3)."),  # Koruma Birimi 64
        (S002, "Onuncu Kafkas Alayı", "668 hayvan gönderilmişti."),  # 2812 asker, 2763 asker
    ],
)
def test_non_dates(sid: str, first: str, last: str) -> None:
    found = find_dates(sentence(sid, first, last))
    assert found == []


def test_clock_times_and_hills_are_not_dates() -> None:
    s = sentence(S002, "Nuri Paşa, 13 Eylül günü saat 17.11’de", "imzaladı.")
    assert [d.wording for d in find_dates(s)] == ["13 Eylül günü"]
    s = sentence(S002, "26 Ağustos sabahı başlayan", "sonuçlandı.")
    assert [d.wording for d in find_dates(s)] == ["26 Ağustos sabahı"]


def test_years_inside_citations_are_skipped() -> None:
    s = sentence(S000, "Ancak, Bolşeviklerin", "(Sürmeli, 2001: 25-26).")
    assert find_dates(s) == []
    s = sentence(S002, "25 Aralık 1918 yılında", "Savunma Bakanlığı, 2018a)")
    assert [d.wording for d in find_dates(s)] == ["25 Aralık 1918 yılında"]


def test_relative_expressions_are_marked_and_unresolved_alone() -> None:
    s = sentence(S002, "15 Eylül 1918 yılında Bakü işgalden", "taşınmıştır")
    found = find_dates(s)
    assert [d.wording for d in found] == ["15 Eylül 1918 yılında", "iki gün sonra",
                                           "17 Eylül 1918 yılında"]
    rel = found[1]
    assert rel.relative and rel.edtf is None and rel.earliest is None
    assert rel.offset_days == (2, 2)
    assert only("4 gün içerisinde").offset_days == (0, 4)


def test_resolve_iki_gun_sonra_agrees_with_the_text() -> None:
    s = sentence(S002, "15 Eylül 1918 yılında Bakü işgalden", "taşınmıştır")
    base, rel, printed = resolve_dates(find_dates(s))
    assert rel.edtf == printed.edtf == "1918-09-17"
    assert rel.earliest == rel.latest == "1918-09-17"
    assert rel.relative and rel.year_inferred and "1918-09-15" in (rel.note or "")
    assert base.edtf == "1918-09-15"


def test_resolve_within_days_against_the_previous_day() -> None:
    s = sentence(S000, "12 Mart 1918 tarihi", "(Karabekir, 1990: 151-152).")
    base, rel = resolve_dates(find_dates(s))
    assert base.edtf == "1918-03-12"
    assert (rel.wording, rel.edtf, rel.precision) == (
        "4 gün içerisinde", "1918-03-12/1918-03-16", "range")


def test_relative_is_not_guessed() -> None:
    vague = resolve_dates(find_dates(sentence(S002, "Birkaç gün sonra 7 subay", "gönderildi")))
    assert vague[0].edtf is None and vague[0].relative
    alone = resolve_dates(find_dates("iki gün sonra"))
    assert alone[0].edtf is None and "no day-precise" in (alone[0].note or "")
    after_month = resolve_dates(find_dates("Ağustos 1918’de ... iki gün sonra"))
    assert after_month[1].edtf is None


def test_year_inference_follows_the_real_sequence() -> None:
    s = sentence(S000, "13 Şubat 1918’de Erzincan’ın", "(Sürmeli, 2001: 66).")
    got = [(d.wording, d.edtf, d.year_inferred) for d in resolve_dates(find_dates(s))]
    # 22 Şubat 1917 is probably a misprint for 1918, but it is in the period and the rule
    # takes the year of the latest full date, so the year-less dates after it inherit 1917.
    assert got == [
        ("13 Şubat 1918’de", "1918-02-13", False),
        ("24 Şubat 1918 tarihinde", "1918-02-24", False),
        ("22 Şubat 1917’de", "1917-02-22", False),
        ("25 Şubatta", "1917-02-25", True),
        ("26 Şubatta", "1917-02-26", True),
        ("2 Martta", "1917-03-02", True),
    ]
    s = sentence(S000, "3 Nisan 1918’de", "(Sürmeli, 2001: 83-84).")
    got = [(d.wording, d.edtf) for d in resolve_dates(find_dates(s))]
    assert got == [("3 Nisan 1918’de", "1918-04-03"), ("4 Nisan 1918’de", "1918-04-04"),
                   ("5 Nisan 1918’de", "1918-04-05"), ("7 Nisanda", "1918-04-07"),
                   ("8 Nisanda", "1918-04-08")]


def test_year_inference_needs_an_earlier_year() -> None:
    (d,) = resolve_dates(find_dates("26 Ağustos sabahı başlayan ilerleme"))
    assert d.edtf == "XXXX-08-26" and d.earliest is None and not d.year_inferred


def test_misprinted_year_is_corrected_not_overwritten() -> None:
    body = sentence(S000, "24 Ekim 1918 tarihli emir", "yapmaktaydılar.")
    footnote = sentence(S000, "Bu emir Nuri Paşa’nın", "ulaşmıştır.")
    exprs = find_dates(body) + find_dates(footnote)
    order, misprint = resolve_dates(exprs, period=PERIOD)
    assert order.corrected_edtf is None
    assert misprint.wording == "5 Kasım 1938’de"
    assert misprint.edtf == "1938-11-05" and misprint.earliest == "1938-11-05"
    assert misprint.corrected_edtf == "1918-11-05"
    assert misprint.note is not None and "1938" in misprint.note
    assert resolve_dates(exprs)[1].corrected_edtf is None  # no period, no judgement


def test_background_years_are_not_misprints() -> None:
    s = sentence(S002, "3. Ordu Karargâhı (1909)", "(1914) (Süleymanov")
    resolved = resolve_dates(find_dates(s), period=PERIOD)
    assert [d.edtf for d in resolved] == ["1909", "1910", "1910", "1912", "1913", "1914",
                                          "1914", "1914"]
    assert all(d.corrected_edtf is None for d in resolved)
    s = sentence(S000, "Erzincan mütarekesi ile 29 Ekim", "ermiştir.")
    (war,) = resolve_dates(find_dates(s), period=PERIOD)
    assert war.edtf == "1914-10-29" and war.corrected_edtf is None


def test_corrected_year_is_what_later_dates_inherit() -> None:
    exprs = find_dates("Bu emir 5 Kasım 1938’de ulaşmıştır. 8 Kasımda çekildiler.")
    _, later = resolve_dates(exprs, period=PERIOD)
    assert later.edtf == "1918-11-08"


@pytest.mark.parametrize(
    ("year", "period", "expected"),
    [(1938, (1917, 1921), 1918), (1928, (1917, 1921), 1918), (1914, (1917, 1921), None),
     (1909, (1917, 1921), 1919), (1918, (1917, 1921), None), (1838, (1917, 1921), None),
     (1965, (1900, 1960), 1955), (2018, (1917, 1921), None)],
)
def test_correct_year_rule(year: int, period: tuple[int, int], expected: int | None) -> None:
    assert correct_year(year, period) == expected


def test_invalid_calendar_dates_are_dropped() -> None:
    assert find_dates("31 Şubat 1918’de") == []
    assert only("29 Şubat").edtf == "XXXX-02-29"


def test_one_year_slip_between_agreeing_dates_is_corrected_and_inherited() -> None:
    """000 prints `22 Şubat 1917` inside a run of February-March 1918 dates: the slip is
    flagged (printed value kept), and the year-less `25 Şubatta` after it inherits 1918."""
    text = (
        "24 Şubat 1918 tarihinde Trabzon’a girmişlerdir. 22 Şubat 1917’de Mamahatun, "
        "25 Şubatta Aşkale geçmiştir. 12 Mart 1918 tarihi Erzurum için önemlidir."
    )
    resolved = resolve_dates(find_dates(text), period=(1917, 1921))
    by_wording = {d.wording: d for d in resolved}
    slip = by_wording["22 Şubat 1917’de"]
    assert slip.edtf == "1917-02-22" and slip.corrected_edtf == "1918-02-22"
    assert slip.note and "contradicts the dates around it" in slip.note
    assert by_wording["25 Şubatta"].edtf == "1918-02-25"


def test_a_background_date_among_later_ones_is_not_a_slip() -> None:
    """`29 Ekim 1914` (the war's start, in a footnote about 1917) is history, not a misprint."""
    text = (
        "15 Aralık 1917 tarihli mütareke imzalandı. Savaş 29 Ekim 1914 tarihinde başlamıştı. "
        "18 Aralık 1917 tarihli mütareke de imzalandı."
    )
    resolved = resolve_dates(find_dates(text), period=(1917, 1921))
    war = next(d for d in resolved if d.wording.startswith("29 Ekim 1914"))
    assert war.corrected_edtf is None


@pytest.mark.parametrize(
    ("wording", "edtf"),
    [
        ("15-16 Eylül 1918", "1918-09-15/1918-09-16"),  # a day range
        ("13–14 Haziran’da", "XXXX-06-13/XXXX-06-14"),
        ("1918 yazında", "1918-22"),  # a season
        ("1919 ilkbaharında", "1919-21"),
        ("1918 yılının sonlarında", "1918"),  # a part of a year: the year
        ("1917 yılı sonlarından itibaren", "1917"),  # the longer part word, then the bound
        ("Temmuz ayının ortasında", "XXXX-07"),  # a part of a month: the month
        ("Mayıs’ın sonlarında", "XXXX-05"),  # genitive with apostrophe (ı)
        ("Eylül’ün başında", "XXXX-09"),
        ("Kasımın sonlarında", "XXXX-11"),  # genitive without apostrophe
        ("İki gün sonra", None),  # relative (capital İ): needs the date before it
        ("aynı günde", None),
        ("Bu tarihten itibaren", None),
        ("1917 Şubat ihtilalinden sonra", None),  # a date inside longer words
        ("Bakü alınana dek", None),  # bounded by an event, not a date
        # two dates bounding one period: an interval, each end at its own precision
        ("15 Mayıs’tan 20 Haziran 1918’e kadar", "1918-05-15/1918-06-20"),
        ("Şubat 1917’de Menşeviklerin iktidara gelmesinden, 1917 Ekiminde Bolşeviklerin iktidarı "
         "ele geçirmesine kadar olan dönemde", "1917-02/1917-10"),
        ("1 Mart ile 4 Mart 1918 tarihleri arasında", "1918-03-01/1918-03-04"),
        ("20 Haziran’dan 15 Mayıs’a kadar", None),  # backwards: no period
        ("Mart 1918’de ve Ekim 1918’de", None),  # two dates, no bound: no period
        ("1877-78", "1877/1878"),  # a span of years
        ("1914–1918", "1914/1918"),
        ("1918-17", None),
    ],
)
def test_read_wording_takes_one_date_or_one_period(wording: str, edtf: str | None) -> None:
    assert read_wording(wording) == edtf
