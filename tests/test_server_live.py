"""The real server: `serve` (waitress under its supervisor) over the sample dataset built with
`build_store`, queried over HTTP by SPARQLWrapper, then stopped cleanly."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SAMPLE, get, running_server, sample_dataset
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, N3, POST, POSTDIRECTLY, RDFXML, XML, SPARQLWrapper

from tarihkg.names import BASE

B = BASE
TKG = B + "ontology#"
NURI = B + "resource/person/nuri-pasa"
MURSEL = B + "resource/person/mursel-pasa"
KIO = B + "resource/unit/kafkas-islam-ordusu"
Q_COMMANDERS = (f"SELECT ?unit ?c WHERE {{ ?unit a <{TKG}MilitaryUnit> ; <{TKG}commander> ?c }}"
                " ORDER BY ?unit")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with running_server(sample_dataset(tmp_path_factory.mktemp("live"))) as running:
        yield running


def _wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


@pytest.mark.timeout(60)
def test_health(live) -> None:
    base, _ = live
    status, body = get(base + "/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "graphs": 3,
                                "triples": len(SAMPLE.read_text(encoding="utf-8").splitlines())}


@pytest.mark.timeout(60)
def test_select_json(live) -> None:
    base, _ = live
    result = _wrapper(base, Q_COMMANDERS, JSON).queryAndConvert()
    pairs = [(b["unit"]["value"], b["c"]["value"]) for b in result["results"]["bindings"]]
    assert pairs == [(B + "resource/unit/5-kafkas-tumeni", MURSEL), (KIO, NURI)]


@pytest.mark.timeout(60)
def test_select_xml_by_post(live) -> None:
    base, _ = live
    sw = _wrapper(base, Q_COMMANDERS, XML)
    sw.setMethod(POST)
    doc = sw.queryAndConvert()
    uris = [node.firstChild.data for node in doc.getElementsByTagName("uri")]
    assert uris == [B + "resource/unit/5-kafkas-tumeni", MURSEL, KIO, NURI]


@pytest.mark.timeout(60)
def test_ask_posted_directly(live) -> None:
    base, _ = live
    sw = _wrapper(base, f"ASK {{ <{B}resource/unit/38-alay> <{TKG}partOf>+ <{KIO}> }}", JSON)
    sw.setMethod(POST)
    sw.setRequestMethod(POSTDIRECTLY)
    assert sw.queryAndConvert()["boolean"] is True
    sw.setQuery(f"ASK {{ ?u <{TKG}commander> <{B}resource/person/enver-pasa> }}")
    assert sw.queryAndConvert()["boolean"] is False


@pytest.mark.timeout(60)
def test_construct(live) -> None:
    base, log_path = live
    query = f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE {{ ?u <{TKG}commander> ?c }}"
    graph = _wrapper(base, query, RDFXML).queryAndConvert()
    assert set(graph) == {
        (URIRef(KIO), URIRef(TKG + "commander"), URIRef(NURI)),
        (URIRef(B + "resource/unit/5-kafkas-tumeni"), URIRef(TKG + "commander"), URIRef(MURSEL)),
    }
    time.sleep(0.2)  # let the worker flush its access log line
    entries = [json.loads(line) for line in log_path.read_text().splitlines()
               if line.startswith("{")]
    sparql = [e for e in entries if e["path"] == "/sparql"]
    assert sparql and all(e["status"] == 200 and e["query_length"] > 0 for e in sparql)


@pytest.mark.timeout(60)
def test_n3_request_is_answered_in_turtle(live) -> None:
    """SPARQLWrapper's N3 request (format=n3 plus an N3 Accept list) gets Turtle, which is N3."""
    base, _ = live
    query = f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE {{ ?u <{TKG}commander> ?c }}"
    response = _wrapper(base, query, N3).query()
    assert response.response.headers["Content-Type"].startswith(("text/turtle", "text/n3",
                                                                 "text/rdf+n3"))
    graph = Graph().parse(data=response.convert(), format="turtle")
    assert (URIRef(KIO), URIRef(TKG + "commander"), URIRef(NURI)) in set(graph)


@pytest.mark.timeout(90)
def test_tarihkg_serve_writes_the_access_log(tmp_path: Path) -> None:
    """docs/endpoint.md promises one JSON line per request on stderr under `tarihkg serve`
    (whose own logging shows warnings only)."""
    project = tmp_path / "project"
    (project / "data" / "sources").mkdir(parents=True)
    build = project / "data" / "build"
    build.mkdir()
    sample_dataset(build)
    with running_server(build, project=project) as (base, log_path):
        assert get(base + "/sparql?query=ASK%7B%7D")[0] == 200
        time.sleep(0.5)
        entries = [json.loads(line) for line in log_path.read_text().splitlines()
                   if line.startswith("{")]
        assert any(e["path"] == "/sparql" and e["status"] == 200 and e["query_length"] == 5
                   for e in entries), log_path.read_text()
