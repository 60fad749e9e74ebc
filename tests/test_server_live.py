"""The real server: `serve` (waitress under its supervisor) over the sample dataset built with
`build_store`, queried over HTTP by SPARQLWrapper, then stopped cleanly."""

from __future__ import annotations

import json
import socket
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SAMPLE, get, running_server, sample_dataset, wait_for
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, N3, POST, POSTDIRECTLY, RDFXML, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import URITooLong

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


def _access_log(log_path: Path) -> list[dict]:
    """The JSON access log lines the server wrote so far."""
    return [json.loads(line) for line in log_path.read_text().splitlines()
            if line.startswith("{")]


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
    # the worker writes its access log line after the answer: wait for it, then check them all
    entries = wait_for(lambda: [e for e in _access_log(log_path) if e["path"] == "/sparql"])
    sparql = [e for e in _access_log(log_path) if e["path"] == "/sparql"]
    assert entries and all(e["status"] == 200 and e["query_length"] > 0 for e in sparql)


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
        assert wait_for(lambda: any(
            e["path"] == "/sparql" and e["status"] == 200 and e["query_length"] == 5
            for e in _access_log(log_path))), log_path.read_text()


def _raw(base: str, request: bytes) -> tuple[bytes, bytes]:
    """Send ``request`` as it is on a new connection; the answer's head and body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


@pytest.mark.timeout(60)
def test_a_request_line_over_the_limit_is_414_saying_post_it(live) -> None:
    """RFC 9110 15.5.15: a target URI longer than the server reads is 414 URI Too Long, in one
    line saying how to send a long query, with the CORS header (a browser's YASGUI reads it);
    long header fields (not the URI) stay 431, said the same way."""
    base, _ = live
    head, body = _raw(base, b"GET /sparql?query=ASK%7B%7D%23" + b"x" * 70_000
                      + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long\r\n"), head
    assert b"\r\nAccess-Control-Allow-Origin: *" in head
    assert body.count(b"\n") == 1 and body.startswith(b"414 URI Too Long: ")
    assert b"POST" in body and b"application/sparql-query" in body
    head, body = _raw(base, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 70_000
                      + b"\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 "), head
    assert b"\r\nAccess-Control-Allow-Origin: *" in head
    assert body.count(b"\n") == 1 and b"header fields" in body, body
    assert get(base + "/health")[0] == 200


@pytest.mark.timeout(60)
def test_sparqlwrapper_gets_414_and_406_as_what_they_are(live) -> None:
    """SPARQLWrapper tells a 414 as URITooLong (with the advice to POST), and an answer XML
    cannot carry as a 406, never an XML document its parser fails on; by POST the long query
    runs, and in JSON the answer comes."""
    base, _ = live
    long_query = "ASK {} #" + "x" * 70_000
    with pytest.raises(URITooLong, match="application/sparql-query"):
        _wrapper(base, long_query, JSON).query()
    posted = _wrapper(base, long_query, JSON)
    posted.setMethod(POST)
    posted.setRequestMethod(POSTDIRECTLY)
    assert posted.queryAndConvert()["boolean"] is True
    control = 'SELECT ("a\\u0001" AS ?x) {}'
    with pytest.raises(urllib.error.HTTPError) as refused:
        _wrapper(base, control, XML).query()
    assert refused.value.code == 406
    assert "U+0001" in refused.value.read().decode()
    rows = _wrapper(base, control, JSON).queryAndConvert()["results"]["bindings"]
    assert rows == [{"x": {"type": "literal", "value": "a\x01"}}]


@pytest.mark.timeout(60)
def test_requests_waitress_cannot_read_get_one_line_with_cors(live) -> None:
    """A request line with a bare CR, a bad chunk size, a transfer coding not implemented:
    answered by the HTTP server itself, but as every error here (one line, CORS, HTTP/1.1)."""
    base, _ = live
    cases = [(b"GET /health\rX HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"400"),
             (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nASK\r\n0\r\n\r\n",
              b"400"),
             (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
              b"Connection: close\r\n\r\nxx", b"501")]
    for request, status in cases:
        head, body = _raw(base, request)
        assert head.startswith(b"HTTP/1.1 " + status), head
        assert b"\r\nAccess-Control-Allow-Origin: *" in head, head
        assert body.count(b"\n") == 1 and body.startswith(status + b" "), body
