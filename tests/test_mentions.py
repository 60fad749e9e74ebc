"""Entity mentions in real sentences: suffixes, casing, ordinals, longest match, ambiguity."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from helpers import S000, S002, cleaned, sentence

from tarihkg.errors import CurationError
from tarihkg.text.mentions import LexEntry, Lexicon, MentionMatch, find_mentions
from tarihkg.text.turkish import tr_lower, tr_upper

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


GUNBOATS = (r"Kars ve Ardahan adlı",)
ENTRIES = (
    LexEntry("place/baku", "place", ("Bakü",)),
    LexEntry("place/gence", "place", ("Gence",)),
    LexEntry("place/batum", "place", ("Batum",)),
    LexEntry("place/kars", "place", ("Kars",), not_in=GUNBOATS),
    LexEntry("place/ardahan", "place", ("Ardahan",), not_in=GUNBOATS),
    LexEntry("place/istanbul", "place", ("İstanbul",)),
    LexEntry("place/trabzon", "place", ("Trabzon",)),
    LexEntry("place/gumru", "place", ("Gümrü",)),
    LexEntry("place/kafkasya", "place", ("Kafkasya", "Kafkas")),
    LexEntry("place/azerbaycan", "place", ("Azerbaycan",)),
    LexEntry("polity/turkiye", "polity", ("Türkiye",)),
    LexEntry("polity/adc", "polity", ("Azerbaycan Cumhuriyeti", "Azerbaycan Halk Cumhuriyeti",
                                      "Azerbaycan Demokratik Cumhuriyeti")),
    LexEntry("polity/osmanli", "polity", ("Osmanlı Devleti", "Osmanlı İmparatorluğu")),
    LexEntry("polity/tfc", "polity", ("Transkafkasya Federatif Cumhuriyeti",
                                      "Transkafkasya Federasyonu")),
    LexEntry("organization/seym", "organization", ("Transkafkasya Seym", "Seym")),
    LexEntry("person/nuri-pasa", "person", ("Nuri Paşa",)),
    LexEntry("person/enver-pasa", "person", ("Enver Paşa",)),
    LexEntry("person/mursel-pasa", "person", ("Mürsel Paşa", "Mürsel Bey")),
    LexEntry("person/vehip-pasa", "person", ("Vehip Paşa", "Vahib Paşa")),
    LexEntry("person/suleyman-izzet", "person", ("Süleyman İzzet Bey",)),
    LexEntry("unit/kafkas-islam-ordusu", "unit", ("Kafkas İslam Ordusu",)),
    LexEntry("unit/kafkas-ordusu", "unit", ("Kafkas Ordusu",)),
    LexEntry("unit/5-kafkas-tumeni", "unit", ("5. Kafkas Tümeni", "5. Kafkas Piyade Tümeni",
                                              "Beşinci Kafkas Tümeni")),
    LexEntry("unit/15-piyade-tumeni", "unit", ("15. Piyade Tümeni", "15. Piyade Fırkası")),
    LexEntry("unit/1-kafkas-kolordusu", "unit", ("1. Kafkas Kolordusu",)),
    LexEntry("unit/38-alay", "unit", ("38. Alay", "38. Piyade Alayı")),
    LexEntry("unit/56-alay", "unit", ("56. Alay",)),
    LexEntry("unit/107-alay", "unit", ("107. Alay",)),
    LexEntry("treaty/mondros", "treaty", ("Mondros Mütarekesi",)),
    LexEntry("treaty/batum", "treaty", ("Batum Antlaşması", "Batum Anlaşması")),
    LexEntry("treaty/brest-litovsk", "treaty", ("Brest Litovsk Antlaşması",
                                                "Brest Litovsk Barış Antlaşması")),
)
HALIL_KUT = LexEntry("person/halil-kut", "person", ("Halil Paşa", "Halil Kut"))
HALIL_OTHER = LexEntry("person/halil-pasa-2", "person", ("Halil Paşa",))


@cache
def lexicon() -> Lexicon:
    return Lexicon.build(ENTRIES)


def pairs(found: list[MentionMatch]) -> list[tuple[str, str | None]]:
    return [(m.surface, m.entity_id) for m in found]


def assert_offsets(text: str, found: list[MentionMatch], surfaces: list[str]) -> None:
    """Each mention sits at the next occurrence of its expected surface, left to right."""
    pos = 0
    for m, surface in zip(found, surfaces, strict=True):
        start = text.index(surface, pos)
        assert (m.start, m.end, m.surface) == (start, start + len(surface), surface)
        pos = m.end


# Full sentences with every mention of a lexicon entity listed by hand, in order.
PRECISION = [
    (S000, "30 Ekim 1918’de imzalanan", "(Tansel, 1991: 25)",
     [("Mondros Mütarekesi", "treaty/mondros"), ("Bakü", "place/baku"),
      ("Azerbaycan’dan", "place/azerbaycan"), ("Batum’dan", "place/batum")]),
    (S000, "Trabzon görüşmelerinin olumlu", "harekete geçmişlerdir.",
     [("Trabzon", "place/trabzon"), ("1.Kafkas Kolordusuna", "unit/1-kafkas-kolordusu"),
      ("Kars", "place/kars"), ("Batum", "place/batum")]),
    (S000, "Türk ordusunun ilerleyişi ve artan", "(Baykara, 1975: 249).",
     [("Transkafkasya Seym’i", "organization/seym"),
      ("Transkafkasya Federatif Cumhuriyetini", "polity/tfc")]),
    (S000, "Mondros Mütarekesinin ilgili maddeleri", "ulaştırılmıştı.",
     [("Mondros Mütarekesinin", "treaty/mondros"), ("Türkiye’nin", "polity/turkiye"),
      ("Kafkasya", "place/kafkasya"), ("Azerbaycan", "place/azerbaycan")]),
    (S000, "Vehip Paşa’nın Kafkas Ordusuna", "tarihlidir.",
     [("Vehip Paşa’nın", "person/vehip-pasa"), ("Kafkas Ordusuna", "unit/kafkas-ordusu")]),
    (S002, "Aynı zamanda Mürsel Paşa komutasındaki", "Azerbaycan’a gönderdi.",
     [("Mürsel Paşa", "person/mursel-pasa"), ("5. Kafkas Tümeni’ni", "unit/5-kafkas-tumeni"),
      ("Kafkas İslam Ordusu’na", "unit/kafkas-islam-ordusu"),
      ("Azerbaycan’a", "place/azerbaycan")]),
    (S002, "Mürsel Paşa 5. Kafkas Piyade", "komuta edecekti.",
     [("Mürsel Paşa", "person/mursel-pasa"),
      ("5. Kafkas Piyade Tümeni’ne", "unit/5-kafkas-tumeni"),
      ("Süleyman İzzet Bey", "person/suleyman-izzet"),
      ("15. Piyade Tümeni’ne", "unit/15-piyade-tumeni")]),
    (S002, "15. Piyade Tümeni’ne bağlı 38. Alay’dan", "yaralanmıştı.",
     [("15. Piyade Tümeni’ne", "unit/15-piyade-tumeni"), ("38. Alay’dan", "unit/38-alay")]),
    (S002, "Aynı zamanda 107. Alayın", "mevzilendi.", [("107. Alayın", "unit/107-alay")]),
    (S002, "O dönemde Bolşevik İnkılabı’ndan", "destekçisiydi.",
     [("Enver Paşa", "person/enver-pasa"), ("Kafkasya’daki", "place/kafkasya"),
      ("Brest Litovsk Barış Antlaşması", "treaty/brest-litovsk"),
      ("Ardahan", "place/ardahan"), ("Kars", "place/kars"), ("Batum’un", "place/batum")]),
    (S002, "Beşinci Kafkas Tümeni’nin başında", "belirtmek gerekir.",
     [("Beşinci Kafkas Tümeni’nin", "unit/5-kafkas-tumeni"),
      ("Mürsel Bey", "person/mursel-pasa")]),
]


@pytest.mark.parametrize(("sid", "first", "last", "expected"), PRECISION)
def test_every_mention_of_full_sentences(sid: str, first: str, last: str,
                                         expected: list[tuple[str, str]]) -> None:
    text = sentence(sid, first, last)
    found = find_mentions(text, lexicon())
    assert pairs(found) == expected
    assert_offsets(text, found, [s for s, _ in expected])
    assert all(m.candidates == (m.entity_id,) for m in found)


def test_exact_offsets_of_a_suffixed_name() -> None:
    text = sentence(S000, "Bu emir Nuri Paşa’nın", "ulaşmıştır.")
    assert text == "Bu emir Nuri Paşa’nın eline 5 Kasım 1938’de ulaşmıştır."
    (m,) = find_mentions(text, lexicon())
    assert (m.start, m.end, m.surface, m.entity_id) == (8, 21, "Nuri Paşa’nın", "person/nuri-pasa")


def test_gunboats_named_after_cities_are_not_the_cities() -> None:
    text = sentence(S002, "Bu zaman orduda 2 topçu alayı", "bir ordu bulunmaktaydı.")
    assert "Kars ve Ardahan adlı 2 deniz gambota" in text
    assert find_mentions(text, lexicon()) == []


@pytest.mark.parametrize(
    ("sid", "first", "last", "surface", "entity"),
    [
        (S000, "fakat Nuri Paşanın emri", "kalmıştır.", "Nuri Paşanın", "person/nuri-pasa"),
        (S000, "Türk ordusunun Bakü’ye girişi", "kalmamıştır.", "Bakü’ye", "place/baku"),
        (S000, "Mondros Mütarekesi’nden sonra", "olmamıştır.", "Mondros Mütarekesi’nden",
         "treaty/mondros"),
        (S000, "Mondros Mütarekesini imzalamaya", "mecbur", "Mondros Mütarekesini",
         "treaty/mondros"),
        (S000, "Transkafkasya Federatif Cumhuriyetinin kurulmasından", "dağılmasına",
         "Transkafkasya Federatif Cumhuriyetinin", "polity/tfc"),
        (S000, "Transkafkasya Federasyonunun dağılmasından", "dağılmasından",
         "Transkafkasya Federasyonunun", "polity/tfc"),
        (S002, "Gence’ye varan Nuri Paşa", "varan", "Gence’ye", "place/gence"),
        (S002, "Enver Paşa bu ordunun", "Nuri Paşa’yı", "Nuri Paşa’yı", "person/nuri-pasa"),
        (S002, "Üçüncü Ordu Komutanı Vahib Paşa’ya", "Paşa’ya", "Vahib Paşa’ya",
         "person/vehip-pasa"),
        (S002, "Mehmet Emin Resulzâde’nin ifadesiyle", "mümkün değildir", "Bakü’süz",
         "place/baku"),
        (S002, "Daha sonra Osmanlı Devleti’nin", "görüş bildirmiştir.", "Osmanlı Devleti’nin",
         "polity/osmanli"),
        (S000, "Bu antlaşma neticesinde Türkiye 1878’de", "kazanmıştır", "Türkiye",
         "polity/turkiye"),
        (S000, "Seym4, Türkiye ile derhal", "almıştır.", "Seym", "organization/seym"),
    ],
)
def test_suffixed_forms(sid: str, first: str, last: str, surface: str, entity: str) -> None:
    text = sentence(sid, first, last)
    found = [m for m in find_mentions(text, lexicon()) if m.entity_id == entity]
    assert found, pairs(find_mentions(text, lexicon()))
    assert found[0].surface == surface
    assert text[found[0].start : found[0].end] == surface


HEADS = Lexicon.build(
    [
        LexEntry("generic/ordu", "unit", ("Ordu",)),
        LexEntry("generic/kolordu", "unit", ("Kolordu",)),
        LexEntry("generic/tumen", "unit", ("Tümen",)),
        LexEntry("generic/alay", "unit", ("Alay",)),
        LexEntry("generic/antlasma", "treaty", ("Antlaşma",)),
        LexEntry("generic/komutanlik", "organization", ("Komutanlık",)),
        LexEntry("generic/grup", "unit", ("Grup",)),
        LexEntry("generic/kafkas", "place", ("Kafkas",)),
        LexEntry("generic/gence", "place", ("Gence",)),
    ]
)


@pytest.mark.parametrize(
    ("sid", "first", "last", "expected"),
    [
        (S002, "Nuri Paşa Gence’deki durumu", "göndermiştir.",
         [("Gence’deki", "generic/gence"), ("Ordu", "generic/ordu"),
          ("Komutanlığı’na", "generic/komutanlik")]),
        (S002, "Onuncu Kafkas Alayı, Dokuzuncu", "26. Tabur",
         [("Kafkas", "generic/kafkas"), ("Alayı", "generic/alay"), ("Kafkas", "generic/kafkas"),
          ("Alayına", "generic/alay")]),
        (S002, "3. Ordunun 71. Alayının", "1. Kolordunun (korpusun)",
         [("Ordunun", "generic/ordu"), ("Alayının", "generic/alay"),
          ("Kolordunun", "generic/kolordu")]),
        (S000, "hazırlıklarını tamamlayan 1.Kafkas Kolordusuna", "bağlı",
         [("Kafkas", "generic/kafkas"), ("Kolordusuna", "generic/kolordu")]),
        (S002, "Albay Cemil Cahit ise Güney Grubu’nun", "birliklerine",
         [("Grubu’nun", "generic/grup")]),
        (S000, "Brest-Litovsk Antlaşması kazanımları", "kazanımları",
         [("Antlaşması", "generic/antlasma")]),
        (S002, "Mürsel Paşa 5. Kafkas Piyade Tümeni’ne", "Tümeni’ne",
         [("Kafkas", "generic/kafkas"), ("Tümeni’ne", "generic/tumen")]),
        (S002, "Lenkeran, Karabağ ve Şeki Alayları", "dâhil edilmiştir.",
         [("tümene", "generic/tumen")]),  # the plural Alayları is not one unit
        (S002, "Müslüman subaylarından Genceli İbrahimzade", "Efendi", []),
        (S000, "Kafkasya’nın diğer bölgelerinde", "bölgelerinde", []),
    ],
)
def test_suffix_grammar_on_common_noun_heads(sid: str, first: str, last: str,
                                             expected: list[tuple[str, str]]) -> None:
    text = sentence(sid, first, last)
    found = find_mentions(text, HEADS)
    assert pairs(found) == expected
    assert_offsets(text, found, [s for s, _ in expected])


def test_longest_match_wins_and_mentions_do_not_overlap() -> None:
    text = sentence(S002, "Türk Kafkas İslam Ordusu ve 5. Kafkas Piyade", "olacaktı.")
    found = find_mentions(text, lexicon())
    assert pairs(found) == [("Kafkas İslam Ordusu", "unit/kafkas-islam-ordusu"),
                            ("5. Kafkas Piyade Tümeni’nin", "unit/5-kafkas-tumeni"),
                            ("15. Piyade Tümeni’nin", "unit/15-piyade-tumeni")]
    ends = [m.end for m in found]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False)), ends


def test_turkish_casing() -> None:
    text = sentence(S000, "Bu hadise Azerbaycan’la", "kutlanmıştır.")
    expected = [("Azerbaycan’la", "place/azerbaycan"), ("İstanbul’da", "place/istanbul")]
    assert pairs(find_mentions(text, lexicon())) == expected
    upper = tr_upper(text)
    assert "İSTANBUL’DA" in upper
    assert [m.entity_id for m in find_mentions(upper, lexicon())] == [e for _, e in expected]
    assert [m.surface for m in find_mentions(upper, lexicon())] == ["AZERBAYCAN’LA",
                                                                    "İSTANBUL’DA"]
    lower = tr_lower(text)
    assert [m.entity_id for m in find_mentions(lower, lexicon())] == [e for _, e in expected]
    # Istanbul with a dotless I is 'ıstanbul' in Turkish: not the alias İstanbul.
    assert [m.entity_id for m in find_mentions(text.replace("İstanbul", "Istanbul"),
                                               lexicon())] == ["place/azerbaycan"]
    dotless = text.replace("İstanbul", "ISTANBUL").replace("Azerbaycan", "AZERBAYCAN")
    assert pairs(find_mentions(dotless, lexicon())) == [("AZERBAYCAN’la", "place/azerbaycan")]


def test_circumflex_and_apostrophe_variants() -> None:
    lex = Lexicon.build([LexEntry("org/milli-sura", "organization", ("Millî Şura",)),
                         LexEntry("place/azerbaycan", "place", ("Azerbaycan",))])
    text = sentence(S002, "İşgal altındaki Bakü’de", "görev yapıyordu.")
    assert pairs(find_mentions(text, lex)) == [("Millî Şura", "org/milli-sura")]
    text = sentence(S000, "Azerbaycan'ın bağımsızlığının", "olmuşlardır")
    assert pairs(find_mentions(text, lex)) == [("Azerbaycan'ın", "place/azerbaycan")]
    assert pairs(find_mentions("Milli Şura’nın", lex)) == [("Milli Şura’nın", "org/milli-sura")]


def test_ambiguous_alias_is_left_unlinked() -> None:
    text = sentence(S000, "Halil Paşa, Genelkurmaya’a", "bildirmiştir.")
    lex = Lexicon.build([*ENTRIES, HALIL_KUT, HALIL_OTHER])
    (m,) = find_mentions(text, lex)
    assert (m.surface, m.entity_id) == ("Halil Paşa", None)
    assert m.candidates == ("person/halil-kut", "person/halil-pasa-2")


def test_context_patterns_resolve_an_ambiguous_alias() -> None:
    text = sentence(S000, "Halil Paşa, Genelkurmaya’a", "bildirmiştir.")
    other = LexEntry("person/halil-pasa-2", "person", ("Halil Paşa",), not_in=(r"Genelkurmay",))
    (m,) = find_mentions(text, Lexicon.build([HALIL_KUT, other]))
    assert (m.entity_id, m.candidates) == ("person/halil-kut", ("person/halil-kut",))
    only = LexEntry("person/halil-pasa-2", "person", ("Halil Paşa",), only_in=(r"Bakü",))
    (m,) = find_mentions(text, Lexicon.build([HALIL_KUT, only]))
    assert m.entity_id == "person/halil-kut"
    elsewhere = sentence(S002, "Kafkas İslam Ordusu Bakü üzerine", "planlamıştı")
    names = [m for m in find_mentions(elsewhere, Lexicon.build([HALIL_KUT, only]))]
    assert [(m.surface, m.entity_id) for m in names] == [("Halil Paşa’nın", None)]


def test_a_whole_source_runs_fast_and_consistently() -> None:
    for sid in (S000, S002):
        text = cleaned(sid)
        found = find_mentions(text, lexicon())
        assert len(found) > 150
        assert all(text[m.start : m.end] == m.surface for m in found)
        assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_lexicon_errors_name_the_entity() -> None:
    with pytest.raises(CurationError, match="place/baku"):
        Lexicon.build([LexEntry("place/baku", "place", ("Bakü",)),
                       LexEntry("place/baku", "place", ("Baku",))])
    with pytest.raises(CurationError, match="place/x"):
        Lexicon.build([LexEntry("place/x", "place", ("  ",))])
    with pytest.raises(CurationError, match="place/y"):
        Lexicon.build([LexEntry("place/y", "place", ("Y",), not_in=("(",))])
