"""Turkish casing, folding, slugs and suffix splitting on words from the two sources."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from tarihkg.text.turkish import (
    APOSTROPHES,
    fold_diacritics,
    match_fold,
    search_key,
    slugify,
    split_suffix,
    tr_casefold,
    tr_lower,
    tr_upper,
)

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


@cache
def cleaned(source_id: str) -> str:
    """A source as the text stage hands it over: NFC, lines joined with one space."""
    raw = (SOURCES / f"{source_id}.txt").read_text(encoding="utf-8")
    return re.sub(r"[ \t]*\n[ \t]*", " ", unicodedata.normalize("NFC", raw))


@pytest.mark.parametrize(
    ("word", "lower", "upper"),
    [
        ("İstanbul", "istanbul", "İSTANBUL"),
        ("Işık", "ışık", "IŞIK"),
        ("İbrahim", "ibrahim", "İBRAHİM"),
        ("Kızılçakçak", "kızılçakçak", "KIZILÇAKÇAK"),
        ("Şıhlinski", "şıhlinski", "ŞIHLİNSKİ"),
    ],
)
def test_turkish_case_mapping(word: str, lower: str, upper: str) -> None:
    assert tr_lower(word) == lower
    assert tr_upper(word) == upper
    assert tr_lower(tr_upper(word)) == lower


def test_casefold_never_leaves_a_combining_dot() -> None:
    text = cleaned("002_afd972166be37c54")
    folded = tr_casefold(text)
    assert "\u0307" not in folded
    assert "i̇" not in folded
    assert tr_casefold("İSMAYILBEYLİ") == "ismayılbeyli"
    assert tr_casefold("ISMAYILBEYLI") != tr_casefold("İsmayılbeyli")


def test_decomposed_source_letters_fold_like_composed_ones() -> None:
    raw = (SOURCES / "002_afd972166be37c54.txt").read_text(encoding="utf-8")
    decomposed = raw[raw.index("Baku\u0308’yu\u0308") - 20 :][:40]
    assert "\u0308" in decomposed  # the stored file has u + combining diaeresis
    assert tr_casefold(decomposed) == tr_casefold(unicodedata.normalize("NFC", decomposed))


def test_match_fold_keeps_length_over_a_whole_source() -> None:
    for sid in ("000_539a70a237dcfef4", "002_afd972166be37c54"):
        text = cleaned(sid)
        key = match_fold(text)
        assert len(key) == len(text)
        i = text.index("Millî ")
        assert key[i : i + len("Millî ")] == "milli "
    assert match_fold("Azerbaycan'ın") == match_fold("Azerbaycan’ın")


def test_fold_diacritics_table() -> None:
    assert fold_diacritics("Çağrı Şükürov Gümrü Göyçay Resulzâde Millî hükûmet") == (
        "Cagri Sukurov Gumru Goycay Resulzade Milli hukumet"
    )
    assert fold_diacritics("İĞDIR ÖÜŞÇ ÂÎÛ") == "IGDIR OUSC AIU"


@pytest.mark.parametrize(
    ("printed", "typed"),
    [("Bakü’yü", "bakuyu"), ("Gence’den", "genceden"), ("Nahçıvan'ı", "nahcivani"),
     ("KAZIM KARABEKİR", "kazim karabekir")],
)
def test_search_key_lets_plain_ascii_find_turkish(printed: str, typed: str) -> None:
    assert search_key(printed) == search_key(typed) == typed


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Işık", "isik"),
        ("İsmail", "ismail"),
        ("5. Kafkas Piyade Tümeni", "5-kafkas-piyade-tumeni"),
        ("Kazım Karabekir Paşa", "kazim-karabekir-pasa"),
        ("Mehmet Emin Resulzâde", "mehmet-emin-resulzade"),
        ("Ağtaş Süvari Tümeni", "agtas-suvari-tumeni"),
        ("Brest-Litovsk Antlaşması", "brest-litovsk-antlasmasi"),
        ("Mavera-yı Kafkas Komiserliği", "mavera-yi-kafkas-komiserligi"),
        ("  Güney Grubu  ", "guney-grubu"),
        ("Məmmədli", "memmedli"),
    ],
)
def test_slugify(label: str, slug: str) -> None:
    assert slugify(label) == slug


def test_slugify_is_ascii_and_keeps_dotless_i() -> None:
    # NFKD-to-ASCII would drop ı and give 'sk'; the table keeps it as i.
    assert slugify("Işık") != "sk"
    words = set(re.findall(r"[^\W\d_]+", cleaned("000_539a70a237dcfef4")))
    for word in words:
        slug = slugify(word)
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), (word, slug)
        assert len(slug) == len(word.translate({ord(a): None for a in APOSTROPHES})), word


@pytest.mark.parametrize(
    ("word", "stem", "suffix"),
    [
        ("Bakü’yü", "Bakü", "yü"),
        ("Gence’den", "Gence", "den"),
        ("Azerbaycan'ın", "Azerbaycan", "ın"),
        ("Transkafkasya Seym’i", "Transkafkasya Seym", "i"),
        ("Kolordusuna", "Kolordusuna", ""),
        ("’", "’", ""),
    ],
)
def test_split_suffix(word: str, stem: str, suffix: str) -> None:
    assert split_suffix(word) == (stem, suffix)


def test_every_apostrophised_word_of_the_sources_splits() -> None:
    for sid in ("000_539a70a237dcfef4", "002_afd972166be37c54"):
        for word in re.findall(rf"\w+[{APOSTROPHES}]\w+", cleaned(sid)):
            stem, suffix = split_suffix(word)
            if suffix:
                assert word == stem + word[len(stem)] + suffix
                assert word[len(stem)] in APOSTROPHES
