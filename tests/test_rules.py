"""The candidate rules over both texts: one regression test per wrong candidate a hand check
found (docs/quality.md), and the right ones each rule still proposes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarihkg.pipeline import extract_stage
from tarihkg.project import Project
from tarihkg.rules import Candidate, find_candidates

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def raw_candidates() -> list[Candidate]:
    """Every candidate of both texts, before curated facts of the same sentence remove any."""
    inputs = extract_stage(Project(ROOT))
    return [
        c for sid in sorted(inputs.sources)
        for c in find_candidates(inputs.sources[sid], inputs.registry)
    ]


def _said(cands: list[Candidate], subject: str, prop: str) -> list[Candidate]:
    return [c for c in cands if c.subject == subject and c.property == prop]


def _edtf(c: Candidate) -> str | None:
    assert c.date is not None
    return c.date.date.corrected_edtf or c.date.date.edtf


def test_treaty_of_1918_is_not_dated_1877_78(raw_candidates: list[Candidate]) -> None:
    """"1877-78 Türk-Rus savaşı ile kaybettiği …, Brest Litovsk Antlaşması neticesinde": the
    years belong to the war named next to them, not to the treaty of 1918."""
    dates = {_edtf(c) for c in _said(raw_candidates, "brest-litovsk-baris-antlasmasi", "date")}
    assert "1877/1878" not in dates
    assert dates == {"1918-03-03"}  # "3 Mart 1918’de imzalanan Brest Litovsk Barış Antlaşması"
    war = _said(raw_candidates, "1877-78-turk-rus-savasi", "date")
    assert [_edtf(c) for c in war] == ["1877/1878"]


def test_mudros_is_not_dated_by_the_evacuation_order(raw_candidates: list[Candidate]) -> None:
    """"Mondros Mütarekesinin ilgili maddeleri üzerine … gereken emir 21 Ekim 1918’de …
    ulaştırılmıştı": 21 October is the order's date; the armistice was signed on 30 October."""
    dates = {_edtf(c) for c in _said(raw_candidates, "mondros-mutarekesi", "date")}
    assert dates == {"1918-10-30"}


def test_shells_are_not_counted_as_guns(raw_candidates: list[Candidate]) -> None:
    """"100 top mermisi … ele geçirildi": a hundred shells captured, not a hundred guns."""
    assert not [c for c in raw_candidates if c.property == "guns"]
    assert not _said(raw_candidates, "kafkas-islam-ordusu", "guns")


def test_casualties_are_not_stored_as_strengths(raw_candidates: list[Candidate]) -> None:
    """"56. Alay’dan 1 subay ve 16 er şehit oldu, 2 subay ve 47 er yaralanmıştı": losses."""
    counted = [c for c in raw_candidates if c.property in ("officers", "soldiers", "animals")]
    assert counted == []


def test_group_totals_are_not_one_units_strength(raw_candidates: list[Candidate]) -> None:
    """"… Dağ Topçu Taburu, …, toplam 147 subay, 2812 asker": the total of a whole group."""
    assert not [c for c in raw_candidates if c.subject == "dag-topcu-taburu"]


def test_a_signatory_who_did_not_sign(raw_candidates: list[Candidate]) -> None:
    """"Enver Paşa … 3 Mart 1918’de imzalanan Brest Litovsk Barış Antlaşması ile … politikasının
    aktif bir destekçisiydi": he supported a policy; he did not sign the treaty."""
    assert not [c for c in raw_candidates if c.property == "signatory"]


def test_a_replaced_commander_is_not_appointed(raw_candidates: list[Candidate]) -> None:
    """"Türk ordusunda Vehip Paşa’nın yerine Halil Paşa atanmış": Vehip Paşa was replaced, and
    "in the Turkish army" is no appointment to the Ottoman Army."""
    assert not _said(raw_candidates, "vehip-pasa", "appointedTo")
    assert not _said(raw_candidates, "halil-pasa", "appointedTo")


def test_each_person_gets_the_role_printed_after_their_name(
    raw_candidates: list[Candidate],
) -> None:
    """Three appointments in one sentence: each person with their own role and date."""
    got = {
        (c.subject, c.value, _edtf(c))
        for c in raw_candidates
        if c.property == "holdsRole" and c.subject in ("mehmandarov", "a-sihlinski", "s-sulkevic")
    }
    assert got == {
        ("mehmandarov", "savunma bakanı", "1918-12-25"),
        ("a-sihlinski", "savunma bakanı yardımcısı", "1918-12-29"),
    }


def test_an_event_in_the_object_case_is_not_dated(raw_candidates: list[Candidate]) -> None:
    """"1917 yılının sonlarında Türk-Rus savaşını sona erdirecek iki girişim": the date is the
    initiatives', and "Aralık 1919’da Milli Mücadeleye para yardımında bulunmuştur" the aid's."""
    assert not _said(raw_candidates, "turk-rus-savasi-1914-1917", "date")
    assert not _said(raw_candidates, "milli-mucadele", "date")


def test_dates_that_name_an_event_are_proposed(raw_candidates: list[Candidate]) -> None:
    got = {(c.subject, _edtf(c)) for c in raw_candidates if c.property == "date"}
    assert {
        ("subat-ihtilali", "1917-02"),
        ("5-agustos-savasi", "1918-08-05"),
        ("erzincanin-alinmasi", "1918-02-13"),
        ("gumru-anlasmasi", "1920-12-03"),
    } <= got
    assert all(c.triggers and all(c.triggers) for c in raw_candidates)
