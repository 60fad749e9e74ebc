"""Third-party SPARQL clients end to end against the real server (`serve` over the sample
dataset on 127.0.0.1): SPARQLWrapper with every return format it has, for every query form, by
GET, form POST and direct POST; rdflib's SPARQLStore (a Graph over the endpoint) and
SPARQLUpdateStore, whose updates must be refused with the reason."""

from __future__ import annotations

import urllib.error
import warnings
from collections.abc import Iterator
from xml.dom.minidom import Document

import pytest
from helpers import running_server, sample_dataset
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tarihkg.names import BASE

TKG = BASE + "ontology#"
NURI = BASE + "resource/person/nuri-pasa"
KIO = BASE + "resource/unit/kafkas-islam-ordusu"
QUERIES = {
    "SELECT": f"SELECT ?u ?c WHERE {{ ?u <{TKG}commander> ?c }} ORDER BY ?u",
    "ASK": f"ASK {{ <{KIO}> <{TKG}commander> <{NURI}> }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE {{ ?u <{TKG}commander> ?c }}",
    "DESCRIBE": f"DESCRIBE <{NURI}>",
}
RETURN_FORMATS = [JSON, XML, CSV, TSV, N3, TURTLE, JSONLD, RDFXML, RDF]
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(sample_dataset(tmp_path_factory.mktemp("clients"))) as (base, _):
        yield base


def _holds_nuri(converted: object, form: str) -> bool:
    """Whether a converted SPARQLWrapper answer carries what the query form should: Nuri Paşa
    (the SELECT's and graphs' answers) or true (the ASK's)."""
    if isinstance(converted, Graph):
        return URIRef(NURI) in set(converted.all_nodes())
    if isinstance(converted, dict):
        return (converted.get("boolean") is True if form == "ASK"
                else NURI in str(converted))
    if isinstance(converted, Document):
        return (converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
                if form == "ASK" else NURI in converted.toxml())
    text = converted.decode() if isinstance(converted, bytes) else str(converted)
    if form in ("CONSTRUCT", "DESCRIBE"):  # Turtle, as bytes: its IRIs may be prefixed names
        return URIRef(NURI) in set(Graph().parse(data=text, format="turtle").all_nodes())
    return "true" in text.lower() if form == "ASK" else NURI in text


@pytest.mark.timeout(120)
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_every_return_format_by_get_and_post(live: str, form: str) -> None:
    """SPARQLWrapper asks for a return format the query form cannot have (Turtle for a SELECT,
    CSV for a CONSTRUCT) with `format=<name>` and `Accept: */*`: the format= is ignored and the
    answer comes in the form's default format, which SPARQLWrapper converts by its media type.
    Before, such a request was a 406 (24 of the 108 combinations)."""
    failed = []
    for fmt in RETURN_FORMATS:
        for method, request_method in METHODS:
            client = SPARQLWrapper(live + "/sparql")
            client.setQuery(QUERIES[form])
            client.setReturnFormat(fmt)
            client.setMethod(method)
            client.setRequestMethod(request_method)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # "unexpected format"
                    converted = client.queryAndConvert()
            except urllib.error.HTTPError as exc:
                failed.append(f"{fmt} {method} {request_method}: HTTP {exc.code}")
                continue
            if not _holds_nuri(converted, form):
                failed.append(f"{fmt} {method} {request_method}: {str(converted)[:80]}")
    assert not failed, failed


@pytest.mark.timeout(120)
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_reads_the_endpoint(live: str, method: str) -> None:
    graph = Graph(store=SPARQLStore(live + "/sparql", method=method))
    rows = list(graph.query(QUERIES["SELECT"]))
    assert (URIRef(KIO), URIRef(NURI)) in [tuple(row) for row in rows]
    assert graph.query(QUERIES["ASK"]).askAnswer is True
    constructed = graph.query(QUERIES["CONSTRUCT"]).graph
    assert (URIRef(KIO), URIRef(TKG + "commander"), URIRef(NURI)) in set(constructed)
    described = graph.query(QUERIES["DESCRIBE"]).graph
    assert described is not None and len(described) > 0
    assert (URIRef(KIO), URIRef(NURI)) in set(graph.subject_objects(URIRef(TKG + "commander")))


@pytest.mark.timeout(60)
def test_rdflib_sparqlupdatestore_updates_are_refused_with_the_reason(live: str) -> None:
    store = SPARQLUpdateStore(live + "/sparql", live + "/sparql")
    graph = Graph(store=store, identifier=URIRef(BASE + "graph/curation"))
    for attempt in (lambda: graph.add((URIRef(NURI), URIRef(TKG + "x"), Literal("y"))),
                    lambda: graph.update(f"INSERT DATA {{ <{NURI}> <{TKG}x> 1 }}")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            attempt()
        assert refused.value.code == 403
        assert "read-only" in refused.value.read().decode()
    written = f"ASK {{ <{NURI}> <{TKG}x> ?o }}"
    assert Graph(store=SPARQLStore(live + "/sparql")).query(written).askAnswer is False


@pytest.mark.timeout(60)
def test_a_gzip_body_to_the_real_server_is_415_not_read_as_a_query(live: str) -> None:
    """Under `serve` a POST to /sparql skips Flask's routing (the fast path): a compressed body
    must still be refused as the app refuses it, not read as a query."""
    import gzip
    import urllib.request

    request = urllib.request.Request(live + "/sparql", data=gzip.compress(b"ASK {}"), headers={
        "Content-Type": "application/sparql-query", "Content-Encoding": "gzip"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 415
    assert refused.value.headers["Accept-Encoding"] == "identity"
    assert "Content-Encoding: gzip" in refused.value.read().decode()


@pytest.mark.timeout(60)
def test_options_asterisk_asks_about_the_server(live: str) -> None:
    """``OPTIONS * HTTP/1.1`` (RFC 9110 9.3.7) is about the server, not a resource: 204 with
    the methods it has (it was a 404 saying the URL was not found)."""
    import socket

    host, port = live.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    assert head[0].startswith("HTTP/1.1 204"), head
    assert "Allow: GET, HEAD, POST, OPTIONS" in head
