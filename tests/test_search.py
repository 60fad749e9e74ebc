"""Search is Turkish-aware (İ/i, I/ı, with or without diacritics, with case suffixes), covers
labels and aliases, ranks exact names first, filters by type, and answers HTML or JSON."""

from __future__ import annotations

import pytest

from server.index import name_score, token_score, tokens
from tarihkg.names import RESOURCE_NS

BASE = RESOURCE_NS


def _first(built_client, q: str, **params) -> str:
    r = built_client.get("/search", query_string={"q": q, "format": "json", **params})
    assert r.status_code == 200
    results = r.get_json()["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]["iri"]


@pytest.mark.parametrize("q", ["Bakü", "baku", "BAKÜ", "bakuyu", "Bakü’nün", "Bakü'yü", "bakünün"])
def test_spellings_of_baku_find_the_city_first(built_client, q):
    assert _first(built_client, q) == BASE + "place/baku"


@pytest.mark.parametrize("q", ["Nuri Paşa", "nuri pasa", "NURİ PAŞA", "NURI PASA", "Nuri Paşa’nın"])
def test_case_and_diacritics_find_nuri_pasa(built_client, q):
    assert _first(built_client, q) == BASE + "person/nuri-pasa"


def test_dotless_i_and_dotted_capital_i(built_client):
    # Kafkas İslam Ordusu: typed with İ, with plain I (Turkish: ı), and without capitals
    for q in ("Kafkas İslam Ordusu", "KAFKAS ISLAM ORDUSU", "kafkas islam ordusu’nun"):
        assert _first(built_client, q) == BASE + "unit/kafkas-islam-ordusu", q


def test_aliases_are_searched(built_client):
    # 'Nuri Pasha' is an alias (skos:altLabel) of Nuri Paşa, not his Turkish label
    r = built_client.get("/search", query_string={"q": "Nuri Pasha", "format": "json"}).get_json()
    assert r["results"][0]["iri"] == BASE + "person/nuri-pasa"


def test_type_filter(built_client):
    everything = built_client.get("/search", query_string={"q": "Bakü", "format": "json"}).get_json()
    assert {h["type"] for h in everything["results"]} > {"Place"}
    places = built_client.get("/search", query_string={"q": "Bakü", "format": "json",
                                                 "type": "Event"}).get_json()
    assert places["results"] and all(h["type"] != "Place" for h in places["results"])


def test_html_and_json_by_accept(built_client):
    html = built_client.get("/search?q=bakuyu", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert 'href="/resource/place/baku"' in html.get_data(as_text=True)
    js = built_client.get("/search?q=bakuyu", headers={"Accept": "application/json"})
    assert js.mimetype == "application/json" and js.get_json()["query"] == "bakuyu"


def test_no_query_no_results(built_client):
    assert built_client.get("/search?q=&format=json").get_json()["results"] == []
    assert built_client.get("/search?q=zzzzqqq&format=json").get_json()["results"] == []


def test_token_helpers():
    assert tokens("Bakü’nün") == ["baku"]
    assert tokens("IĞDIR") == ["igdir"]
    assert token_score("gencede", "gence") == 0.9
    assert token_score("vanadzor", "van") == 0.0
    assert name_score(["baku"], ["baku"]) > name_score(["baku"], ["baku", "cephesi"])
