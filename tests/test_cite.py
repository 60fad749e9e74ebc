"""Citing one fact on the real build: /cite/{fact} as a page for a browser (the fact in words, the
Turkish sentence, the article with its authors in printed order, the cited work, the dataset's
version and the permanent IRI, references formatted by citeproc-py), and as CSL-JSON (valid
against the CSL schema), BibTeX, RIS, JSON and text; candidates are never cited as facts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from tarihkg.citation import format_references, person

TKG = "https://w3id.org/tarihkg/ontology#"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SCHEMA = json.loads((Path(__file__).parent / "data" / "csl" / "csl-data.json").read_text(
    encoding="utf-8"))
SRC_002 = "https://w3id.org/tarihkg/resource/source/002_afd972166be37c54"


def _rows(app, sparql: str) -> list[dict[str, str]]:
    state = app.extensions["tarihkg"]
    return state.store.query(f"PREFIX tkg: <{TKG}>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"
                             + sparql).rows()


@pytest.fixture(scope="module")
def fact_002(built_app) -> str:
    """A reviewed fact of article 002 (two authors) whose sentence cites a work."""
    rows = _rows(built_app, f"""SELECT ?c WHERE {{
        ?c tkg:reviewStatus tkg:reviewed ; prov:wasDerivedFrom <{SRC_002}> ;
           tkg:supportedBy/tkg:citesWork ?w }} ORDER BY ?c LIMIT 1""")
    assert rows, "article 002 has no reviewed fact with a cited work"
    return rows[0]["c"].rsplit("/", 1)[1]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.h1 += tag == "h1"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_cite_page_for_a_browser(built_client, built_app, fact_002: str) -> None:
    response = built_client.get(f"/cite/{fact_002}?lang=en", headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = _Text()
    page.feed(response.get_data(as_text=True))
    text = " ".join(" ".join(page.parts).split())
    assert page.h1 == 1 and "Cite this fact" in text
    assert "T. Halilov & S. Aliyev" in text  # printed order, not sorted by name
    assert "Heterotopic View" in text and "Version 0.1.0" in text
    iri = f"https://w3id.org/tarihkg/resource/claim/{fact_002}"
    assert iri in text
    sentence = _rows(built_app, f"SELECT ?t WHERE {{ <{iri}> tkg:statedIn/tkg:text ?t }}")[0]["t"]
    assert " ".join(sentence.split()) in text
    work = _rows(built_app, f"""SELECT ?l WHERE {{ <{iri}> tkg:supportedBy/tkg:citesWork ?w .
        ?w <http://www.w3.org/2000/01/rdf-schema#label> ?l }}""")[0]["l"]
    assert work in text
    assert re.search(r"Halilov, T\., &amp; Aliyev, S\.", response.get_data(as_text=True))  # APA
    assert "Halilov, T., and S. Aliyev" in text  # Chicago
    assert "mention_check" not in text


def test_cite_formats_by_accept_and_by_link(built_client, fact_002: str) -> None:
    csl = built_client.get(f"/cite/{fact_002}",
                           headers={"Accept": "application/vnd.citationstyles.csl+json"})
    assert csl.status_code == 200 and csl.mimetype == "application/vnd.citationstyles.csl+json"
    items = csl.get_json()
    jsonschema.validate(items, SCHEMA)
    article = next(i for i in items if i["type"] == "article-journal")
    assert [a["family"] for a in article["author"]] == ["Halilov", "Aliyev"]
    assert article["container-title"] == "Heterotopic View"
    assert "title-short" not in article
    bib = built_client.get(f"/cite/{fact_002}?format=bibtex").get_data(as_text=True)
    assert "author = {Halilov, T. and Aliyev, S.}" in bib
    ris = built_client.get(f"/cite/{fact_002}",
                           headers={"Accept": "application/x-research-info-systems"})
    assert ris.mimetype == "application/x-research-info-systems"
    authors = re.findall(r"^AU  - (.*)$", ris.get_data(as_text=True), flags=re.M)
    assert authors.index("Halilov, T.") < authors.index("Aliyev, S.")
    body = built_client.get(f"/cite/{fact_002}").get_json()
    assert body["dataset"]["version"] == "0.1.0" and body["iri"].endswith(fact_002)
    assert "Halilov" in body["text"] and body["cites"]
    text = built_client.get(f"/cite/{fact_002}", headers={"Accept": "text/plain"})
    assert text.mimetype == "text/plain" and body["iri"] in text.get_data(as_text=True)
    assert built_client.get(f"/cite/{fact_002}?format=docx").status_code == 406


def test_every_csl_json_export_is_valid(built_client) -> None:
    items = json.loads(built_client.get("/exports/sources.json").data)
    jsonschema.validate(items, SCHEMA)
    article = next(i for i in items if i["id"] == "002_afd972166be37c54")
    assert [a["family"] for a in article["author"]] == ["Halilov", "Aliyev"]


def test_a_candidate_is_not_cited_as_a_fact(built_client, built_app) -> None:
    rows = _rows(built_app, """SELECT ?c WHERE { GRAPH ?g { ?c tkg:reviewStatus tkg:candidate } }
                               ORDER BY ?c LIMIT 3""")
    for row in rows:
        fact = row["c"].rsplit("/", 1)[1]
        assert built_client.get(f"/cite/{fact}", headers=HTML).status_code == 404
    assert built_client.get("/cite/no-such-fact", headers=HTML).status_code == 404


def test_every_fact_on_an_entity_page_has_a_cite_link(built_client) -> None:
    html = built_client.get("/resource/person/nuri-pasa?lang=en", headers=HTML).get_data(
        as_text=True)
    facts = re.findall(r'<li class="claim[^"]*" id="([^"]+)"', html)
    cites = set(re.findall(r'href="/cite/([^"?]+)"', html))
    assert facts and set(facts) <= cites


def test_exports_page_lists_the_downloads(built_client) -> None:
    html = built_client.get("/exports/?lang=en", headers=HTML).get_data(as_text=True)
    for name in ("sources.json", "sources.bib", "sources.ris", "quickstatements.txt"):
        assert f'href="/exports/{name}"' in html
    assert 'href="/dumps/"' in html


def test_references_keep_the_printed_author_order() -> None:
    item = {"id": "a", "type": "article-journal", "title": "T",
            "author": [person("T. Halilov"), person("S. Aliyev")], "container-title": "J"}
    apa = format_references([item], "apa", html=False)[0]
    assert apa.index("Halilov") < apa.index("Aliyev")
