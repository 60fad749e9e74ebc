"""In-text citations of both sources: every real one found and parsed, nothing else taken."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import S000, S002, cleaned
from rdflib import Literal, URIRef

from tarihkg.iri import Minter
from tarihkg.namespaces import TKG
from tarihkg.rdfize import _SourceGraph
from tarihkg.text.citations import (
    KNOWN_VARIANTS,
    RecordRef,
    WorkRef,
    find_citations,
    parse_reference,
    record_key,
    work_key,
)

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


# Every parenthesis of the two texts that is not a citation, read off the texts by hand.
NOT_CITATIONS = {
    S000: ["(1918)", "(Transkafkasya)", "(Türk)", "(mavi- kırmızı-yeşil)"],
    S002: [
        "(Kafkas İslam Ordusu)", "(devrim sonrası Kafkasya’daki durumdan yararlanarak)",
        "(1909)", "(1910)", "(1910)", "(korpusun)", "(1912)", "(1913)", "(1914)", "(1914)",
        "(1914)", "(askerî birlik)", "(3 piyade tümeninden oluşan bir kolordu)",
        "(Bakü’süz Azerbaycan’ın başsız bedenden farkı yoktur)",
        "(Türk askerî birliklerinin kayıpları Azerbaycanlı savaşçıların sayesinde telafi edildi)",
        "(Kafkas İslam Ordusu’nun kompozisyonunda)", "(Dışişleri Komiseri)",
        "(Komutanlığın gerekli tüm eşyaları gönderme imkânı yoktu; ancak bir miktar yardım "
        "sağlandı)",
        "(Karakilse’de durmuştu)", "(Ağtaş alayı geldi)",
        "(toplanıp yedek kuvvet olarak belirlenecekti)", "(İstasyonda yedek kuvvet olarak)",
        "(milislerden)",
        "(Türk-Kafkas İslam Ordusu’nun 5 Ağustos’taki yenilgisinin üzerinden tam 39 gün geçti)",
        "(Toydemir)", "(17 Eylül 1918 yılında)",
    ],
}

# The distinct works and records each text cites, written from reading its parentheses.
WORKS = {
    S000: {
        "gomec-1996", "kilic-1998", "surmeli-2001", "bayur-1995", "karabekir-1990",
        "baykara-1975", "kurat-1990", "resulzade-1993", "gasimov-2001", "saray-1999",
        "tansel-1991", "aslan-2004", "swietochhowski-1988", "swietochowski-1988",
        "azerbaycan-sovyet-ansiklopedisi-1985", "xoyski-1998", "mehmetzade-1991",
        "nesibzade-1996", "genc-1997", "qaffarov-aliyev-1999",
    },
    S002: {
        "yakuplu-2013", "goruryilmaz-2008", "azerbaycan-cumhuriyeti-savunma-bakanligi-2018a",
        "azerbaycan-cumhuriyeti-savunma-bakanligi-2018b", "sahin-2022", "mustafayev-2013",
        "turkmen-2014", "gafarov-sukurov-2017", "altinsoy-2019", "keykurin-2007",
        "suleymanov-1999", "suleymanov-2014", "suleymanov-2016", "rustu-turker-2008",
        "agayey-ahmedov-2009", "memmedli-celik-2020", "gafarov-2009", "guvenbas-m-2019",
        "nesipli-2011", "ismayilbeyli-2020", "binatli-2010", "iskenderov-2018",
    },
}
RECORDS = {
    S000: {
        "atase-a-k324-d371-f1-26", "atase-a-l2921-d511-f1-13", "atase-a-k526-d369-f43-5",
        "atase-a-k115-d144-f1", "qappodar-f277-l2-b2-koruma-birimi-64-k3",
        "qappodar-f277-l2-b2-koruma-birimi-65-k3", "qappodar-f277-l2-b2-koruma-birimi-67-k3",
        "qappodar-f277-l2-b2-koruma-birimi-70-k3",
    },
    S002: set(),
}


@pytest.mark.parametrize("sid", [S000, S002])
def test_every_parenthesis_is_classified(sid: str) -> None:
    text = cleaned(sid)
    parens = [m.group() for m in re.finditer(r"\([^()]*\)", text)]
    found = find_citations(text)
    assert sorted(c.text for c in found) == sorted(
        p for p in parens if p not in NOT_CITATIONS[sid]
    )
    assert not {c.text for c in found} & set(NOT_CITATIONS[sid])
    assert all(text[c.start : c.end] == c.text for c in found)


@pytest.mark.parametrize("sid", [S000, S002])
def test_cited_works_and_records(sid: str) -> None:
    found = find_citations(cleaned(sid))
    works = {work_key(r) for c in found for r in c.refs if isinstance(r, WorkRef)}
    records = {record_key(r) for c in found for r in c.refs if isinstance(r, RecordRef)}
    assert works == WORKS[sid]
    assert records == RECORDS[sid]
    assert all((c.kind == "record") == isinstance(c.refs[0], RecordRef) for c in found)


@pytest.mark.parametrize(
    ("inside", "authors", "year", "suffix", "pages", "first", "last"),
    [
        ("Sürmeli, 2001: 323-324", "Sürmeli", 2001, None, "323-324", 323, 324),
        ("Gömeç, 1996: 28-29", "Gömeç", 1996, None, "28-29", 28, 29),
        ("Azerbaycan Sovyet Ansiklopedisi, 1985: 552", "Azerbaycan Sovyet Ansiklopedisi",
         1985, None, "552", 552, 552),
        ("Qaffarov-Aliyev, 1999: 15-16", "Qaffarov-Aliyev", 1999, None, "15-16", 15, 16),
        ("Ağayey & Ahmedov, 2009, s. 342–345", "Ağayey & Ahmedov", 2009, None, "342–345",
         342, 345),
        ("Azerbaycan Cumhuriyeti Savunma Bakanlığı, 2018a",
         "Azerbaycan Cumhuriyeti Savunma Bakanlığı", 2018, "a", None, None, None),
        ("Rüştü Türker, 2008, s. 32", "Rüştü Türker", 2008, None, "32", 32, 32),
        ("Güvenbaş M, 2019, s. 41", "Güvenbaş M", 2019, None, "41", 41, 41),
        ("Altınsoy, 2019, s. 67– 72", "Altınsoy", 2019, None, "67–72", 67, 72),
    ],
)
def test_work_references(inside: str, authors: str, year: int, suffix: str | None,
                         pages: str | None, first: int | None, last: int | None) -> None:
    ref = parse_reference(inside)
    assert ref == WorkRef(authors, year, pages, suffix, first, last)


def test_citation_inside_a_sentence_keeps_offsets() -> None:
    text = cleaned(S002)
    start = text.index("4 Haziran 1918’de Osmanlı Devleti ile (Görüryılmaz")
    sentence = text[start : text.index("göndermişlerdi.", start) + len("göndermişlerdi.")]
    (c,) = find_citations(sentence)
    assert sentence[c.start : c.end] == "(Görüryılmaz, 2008: 107)"
    assert c.start == len("4 Haziran 1918’de Osmanlı Devleti ile ")
    assert c.refs == (WorkRef("Görüryılmaz", 2008, "107", None, 107, 107),)
    # the same work as '(Görüryılmaz, 2008, s. 107)' in the other citation style
    assert work_key(c.refs[0]) == work_key(parse_reference("Görüryılmaz, 2008, s. 107"))


def test_citation_broken_across_lines() -> None:
    raw = (SOURCES / f"{S000}.txt").read_text(encoding="utf-8")
    assert "(Xoyski, 1998: \n112)" in raw
    (c,) = [c for c in find_citations(cleaned(S000)) if c.text.startswith("(Xoyski")]
    assert c.refs == (WorkRef("Xoyski", 1998, "112", None, 112, 112),)
    (f,) = [c for c in find_citations(cleaned(S000)) if "L.2921" in c.text]
    assert f.refs[0] == RecordRef("ATASE", "A, L.2921, D.511, F.1-13",
                                  (("", "A"), ("L", "2921"), ("D", "511"), ("F", "1-13")))


@pytest.mark.parametrize(
    ("inside", "archive", "parts", "key"),
    [
        ("ATASE, A, K.324, D.371, F.1-26", "ATASE",
         (("", "A"), ("K", "324"), ("D", "371"), ("F", "1-26")), "atase-a-k324-d371-f1-26"),
        ("ATASE A, K.526, D.369, F.43-5", "ATASE",
         (("", "A"), ("K", "526"), ("D", "369"), ("F", "43-5")), "atase-a-k526-d369-f43-5"),
        ("QAPPODAR, F.277, L.2, B.2, Koruma Birimi 64, K.3", "QAPPODAR",
         (("F", "277"), ("L", "2"), ("B", "2"), ("Koruma Birimi", "64"), ("K", "3")),
         "qappodar-f277-l2-b2-koruma-birimi-64-k3"),
        # Ottoman Archive (BOA): fond code then dossier/shirt; Republican Archive (BCA): place
        # numbers.
        ("BOA, DH.ŞFR, 123/45", "BOA", (("", "DH.ŞFR"), ("", "123/45")), "boa-dh-sfr-123-45"),
        ("BOA, DH.KMS, 49-2/14", "BOA", (("", "DH.KMS"), ("", "49-2/14")),
         "boa-dh-kms-49-2-14"),
        ("BOA, İ.HUS, 12/1337", "BOA", (("", "İ.HUS"), ("", "12/1337")), "boa-i-hus-12-1337"),
        ("BCA, 030.10.0.0, 112.760.5", "BCA", (("", "030.10.0.0"), ("", "112.760.5")),
         "bca-030-10-0-0-112-760-5"),
        ("ATASE, A, K.2921, D.511, F.3", "ATASE",
         (("", "A"), ("K", "2921"), ("D", "511"), ("F", "3")), "atase-a-k2921-d511-f3"),
        # ATASE's parts with their longer abbreviations (Klasör, Dosya, Fihrist, Gömlek), and
        # the archive named "ATASE Arşivi": the same key as the short form
        ("ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3", "ATASE",
         (("", "BDH"), ("Kls", "3825"), ("Dos", "5"), ("F", "12-3")),
         "atase-bdh-k3825-d5-f12-3"),
        ("ATASE Arşivi, BDH, K. 3825, D. 5, Fih. 12-3", "ATASE",
         (("", "BDH"), ("K", "3825"), ("D", "5"), ("Fih", "12-3")),
         "atase-bdh-k3825-d5-f12-3"),
        ("ATASE, İSH, Kls. 12, Göm. 4", "ATASE", (("", "İSH"), ("Kls", "12"), ("Göm", "4")),
         "atase-ish-k12-g4"),
    ],
)
def test_record_references(inside: str, archive: str, parts: tuple[tuple[str, str], ...],
                           key: str) -> None:
    ref = parse_reference(inside)
    assert isinstance(ref, RecordRef)
    assert (ref.archive, ref.parts, record_key(ref)) == (archive, parts, key)


def test_both_spellings_of_the_atase_citation_give_one_record() -> None:
    a = parse_reference("ATASE, A, K.526, D.369, F.43-5")
    b = parse_reference("ATASE A, K.526, D.369, F.43-5")
    assert isinstance(a, RecordRef) and isinstance(b, RecordRef)
    assert record_key(a) == record_key(b)
    assert a.shelfmark == b.shelfmark == "A, K.526, D.369, F.43-5"


@pytest.mark.parametrize(
    "not_a_citation",
    ["(Transkafkasya)", "(1910)", "(korpusun)", "(Toydemir)", "(mavi-kırmızı-yeşil)",
     "(ATASE)", "(Sürmeli)", "(K.324, D.371)", "(17 Eylül 1918 yılında)", "(BOA)",
     "(BOA, DH.ŞFR)", "(DH.ŞFR, 123/45)", "(123/45)", "(BCA, Ankara)"],
)
def test_not_citations(not_a_citation: str) -> None:
    assert find_citations(f"Metin {not_a_citation} devam eder.") == []


def test_misprints_are_kept_apart_but_linked() -> None:
    found = find_citations(cleaned(S000)) + find_citations(cleaned(S002))
    keys = {work_key(r) for c in found for r in c.refs if isinstance(r, WorkRef)}
    assert {"swietochhowski-1988", "swietochowski-1988", "agayey-ahmedov-2009"} <= keys
    assert KNOWN_VARIANTS["swietochhowski-1988"].canonical == "swietochowski-1988"
    assert KNOWN_VARIANTS["agayey-ahmedov-2009"].canonical == "agayev-ahmedov-2009"
    assert all(v.note for v in KNOWN_VARIANTS.values())
    assert all(k != v.canonical for k, v in KNOWN_VARIANTS.items())


def test_several_references_in_one_parenthesis() -> None:
    (c,) = find_citations("… (Kurat, 1990: 474; Sürmeli, 2001: 109).")
    assert [work_key(r) for r in c.refs if isinstance(r, WorkRef)] == [
        "kurat-1990", "surmeli-2001"
    ]


def test_an_ottoman_archive_citation_in_a_sentence_is_a_record_with_its_shelfmark() -> None:
    text = "Ordu komutanlığına Yakup Şevki Paşa getirilmiştir (BOA, DH.ŞFR, 123/45)."
    [c] = find_citations(text)
    assert (c.text, c.kind) == ("(BOA, DH.ŞFR, 123/45)", "record")
    assert c.refs[0] == RecordRef("BOA", "DH.ŞFR, 123/45", (("", "DH.ŞFR"), ("", "123/45")))


def test_an_endnote_of_atase_references_in_the_long_style_is_read_whole() -> None:
    """An endnote that prints its references without parentheses, ATASE's parts with the
    longer abbreviations: each a record, none lost to the full stops inside them."""
    text = "ATASE, BDH, Kls. 3825, Dos. 5, F. 12-3; BOA, DH.ŞFR, 92/158."
    found = find_citations(text)
    assert [[(r.archive, r.shelfmark) for r in c.refs] for c in found] == [
        [("ATASE", "BDH, Kls.3825, Dos.5, F.12-3")], [("BOA", "DH.ŞFR, 92/158")]]


@pytest.mark.parametrize(
    ("inside", "authors", "pages", "volume", "bounds"),
    [
        # no comma between author and year, where pages follow
        ("Yüceer 1996: 45", "Yüceer", "45", None, (45, 45)),
        # a volume of a multi-volume work, kept as printed
        ("Yüceer, 1996, C. II, s. 45", "Yüceer", "45", "C. II", (45, 45)),
        ("Yüceer, 1996, Cilt 3: 45-47", "Yüceer", "45-47", "Cilt 3", (45, 47)),
        # an open range ('ve devamı'): pages as printed, no last page
        ("Yüceer, 1996, s. 45 vd.", "Yüceer", "45 vd.", None, (45, None)),
    ],
)
def test_work_reference_forms(inside: str, authors: str, pages: str, volume: str | None,
                              bounds: tuple[int, int | None]) -> None:
    ref = parse_reference(inside)
    assert isinstance(ref, WorkRef)
    assert (ref.authors, ref.year, ref.pages, ref.volume, (ref.first_page, ref.last_page)) == (
        authors, 1996, pages, volume, bounds)


@pytest.mark.parametrize("text", ["Kars (Ekim 1917) alındı.", "Antlaşma (Kars 1921) imzalandı."])
def test_a_name_and_a_year_without_comma_or_pages_is_no_citation(text: str) -> None:
    assert find_citations(text) == []


def test_the_cited_volume_is_in_the_graph() -> None:
    src = SimpleNamespace(meta=SimpleNamespace(id="009_test"),
                          extracted=SimpleNamespace(lifted=[]))
    sg = _SourceGraph(src, "", {}, Minter())  # type: ignore[arg-type]
    text = "Ordu ilerledi (Yüceer, 1996, C. II, s. 45)."
    (c,) = find_citations(text)
    node = sg.citation(URIRef("urn:x:sentence"), c.start, c.end, c)
    assert set(sg.g.objects(node, TKG.citedVolume)) == {Literal("C. II")}
    assert set(sg.g.objects(node, TKG.pages)) == {Literal("45")}
