"""The federated example queries (server/queries/9*.rq) against a local stand-in for the
Wikidata query service on 127.0.0.1: allowed through the endpoint's SERVICE allowlist, refused
without it."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pyoxigraph
import pytest
from helpers import serving

from server import create_app

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "server" / "queries").glob("9*-*.rq"))
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
STANDIN = ROOT / "tests" / "data" / "wikidata" / "standin.ttl"


class StandIn(BaseHTTPRequestHandler):
    """A minimal SPARQL endpoint (GET ?query=, form POST, application/sparql-query POST)."""

    store: pyoxigraph.Store
    calls: list[str] = []

    def _answer(self, query: str) -> None:
        StandIn.calls.append(query)
        result = self.store.query(query)
        body = result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self._answer(params["query"][0])

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            self._answer(raw)
        else:
            self._answer(urllib.parse.parse_qs(raw)["query"][0])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def standin() -> Iterator[str]:
    store = pyoxigraph.Store()
    store.load(path=str(STANDIN), format=pyoxigraph.RdfFormat.TURTLE)
    StandIn.store = store
    with serving(StandIn) as base:
        yield f"{base}/sparql"


def _app(built_project, allow: str):
    project, _ = built_project
    return create_app({"DATASET_DIR": str(project.build_dir), "QUERY_PROCESSES": 0,
                       "SERVICE_ALLOWLIST": allow})


def _rows(client, query: str) -> list[dict[str, str]]:
    response = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()}
            for b in json.loads(response.get_data())["results"]["bindings"]]


def test_federated_examples_exist_and_name_wikidata() -> None:
    assert len(QUERIES) >= 3
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# title:") and "# description:" in text
        assert f"SERVICE <{WIKIDATA_SPARQL}>" in text and "owl:sameAs" in text


def test_federated_queries_join_our_graph_with_the_stand_in(built_project, standin: str) -> None:
    client = _app(built_project, standin).test_client()
    rows = {p.name: _rows(client, p.read_text(encoding="utf-8").replace(WIKIDATA_SPARQL, standin))
            for p in QUERIES}
    coords = {r["item"]: r for r in rows["90-wikidata-coordinates-of-linked-places.rq"]}
    assert set(coords) == {"http://www.wikidata.org/entity/" + q for q in ("Q9248", "Q994",
                                                                           "Q25475")}
    baku = coords["http://www.wikidata.org/entity/Q9248"]
    assert baku["place"].endswith("/place/baku") and baku["coordinates"].startswith("Point(")
    assert int(baku["mentions"]) > 10
    names = {(r["label"], r["language"], r["wikidataLabel"])
             for r in rows["91-wikidata-names-in-the-languages-of-the-region.rq"]}
    assert ("Bakü", "az", "Bakı") in names and ("Bakü", "ru", "Баку") in names
    lifespans = {r["label"]: r for r in rows["92-wikidata-lifespans-of-linked-polities.rq"]}
    assert lifespans["Ottoman Empire"]["dissolved"].startswith("1922")
    assert int(lifespans["Ottoman Empire"]["claims"]) > 0
    assert StandIn.calls  # the stand-in was really asked


def test_service_is_refused_when_not_allowlisted(built_project, standin: str) -> None:
    closed = _app(built_project, "").test_client()
    other = _app(built_project, "http://127.0.0.1:9/sparql").test_client()
    for path in QUERIES:
        query = path.read_text(encoding="utf-8")
        assert closed.get("/sparql", query_string={"query": query}).status_code == 403
        rewritten = query.replace(WIKIDATA_SPARQL, standin)
        assert other.get("/sparql", query_string={"query": rewritten}).status_code == 403
