"""Normalisation: line-break dashes rejoined by rule, spaces collapsed, NFC with a map back."""

from __future__ import annotations

import unicodedata

import pytest

from tarihkg.text.normalise import normalise_chunks, normalise_text

S000 = "000_539a70a237dcfef4"
S002 = "002_afd972166be37c54"


def passage(raw: str, start: str, end: str) -> str:
    """The raw text from the unique occurrence of ``start`` through the next ``end``."""
    assert raw.count(start) == 1, start
    a = raw.index(start)
    return raw[a : raw.index(end, a) + len(end)]


# Every line-final dash of both files (grep '[-–]$'): (file, from, through, cleaned).
DASH_CASES = [
    (S000, "şekilde kuvvet–", "lerini", "şekilde kuvvetlerini"),
    (S000, "renkli (mavi-", "yeşil)", "renkli (mavi-kırmızı-yeşil)"),
    (S000, "D.511, F.1-", "13)", "D.511, F.1-13)"),
    (S002, "Gence, 55–", "bin", "Gence, 55–60 bin"),
    (S002, "2019, s. 67–\n", "72)", "2019, s. 67–72)"),
    (S002, "kuvvetler ise Bibi-", "Heybet", "kuvvetler ise Bibi-Heybet"),
    (S002, "Bu grup Muslu", "rdemir", "Bu grup Muslüslü-Kürdemir"),
    (S002, "kurtuluşu, Osmanlı-", "Azerbaycan", "kurtuluşu, Osmanlı-Azerbaycan"),
]


@pytest.mark.parametrize(("sid", "start", "end", "expected"), DASH_CASES)
def test_line_final_dashes_follow_the_rule(
    raw_sources: dict[str, str], sid: str, start: str, end: str, expected: str
) -> None:
    text = passage(raw_sources[sid], start, end)
    assert "-\n" in text or "–\n" in text
    assert normalise_text(text) == expected


def test_dash_with_space_before_break_is_punctuation(raw_sources: dict[str, str]) -> None:
    text = passage(raw_sources[S000], "platformdaki -kendi", "dost ülke")
    assert "dışında- \n dost" in text
    assert normalise_text(text) == "platformdaki -kendi dışında- dost ülke"


def test_spaced_en_dash_at_line_end_keeps_its_spaces(raw_sources: dict[str, str]) -> None:
    text = passage(raw_sources[S000], "heyetler 14 Mart", "Nisan 1918")
    assert normalise_text(text) == "heyetler 14 Mart – 14 Nisan 1918"


def test_date_broken_across_lines_joins_with_one_space(raw_sources: dict[str, str]) -> None:
    text = passage(raw_sources[S000], "sonucu Bakü, 15", "Eylül 1918")
    assert text.endswith("15 \nEylül 1918")
    assert normalise_text(text) == "sonucu Bakü, 15 Eylül 1918"


def test_decomposed_letters_are_composed_and_mapped_to_whole_cluster(
    raw_sources: dict[str, str],
) -> None:
    raw = raw_sources[S002]
    word = "Baku\u0308’yu\u0308"
    a = raw.index(word)
    n = normalise_chunks(raw, [(a, a + len(word))])
    assert n.text == "Bakü’yü" == unicodedata.normalize("NFC", word)
    assert n.starts[3] == a + 3 and n.ends[3] == a + 5  # ü <- u + U+0308
    assert n.ends[-1] == a + len(word)  # the last ü ends after its combining mark


def test_chunks_skip_what_lies_between_them() -> None:
    raw = "havasının \n\nLIFTED FOOTNOTE\n oluşmasına"
    n = normalise_chunks(raw, [(0, 11), (raw.index("oluş"), len(raw))])
    assert n.text == "havasının oluşmasına"
    assert n.chunks[0] == 0 and n.chunks[-1] == 1
    assert n.starts[n.text.index("oluş")] == raw.index("oluş")


def test_hyphen_rule_applies_across_chunks() -> None:
    raw = "kuvvet–\n[LIFTED]\nlerini"
    n = normalise_chunks(raw, [(0, 8), (raw.index("lerini"), len(raw))])
    assert n.text == "kuvvetlerini"
