"""HTTP edges an outside client meets on the built dataset: Range headers the server does not
serve are ignored (RFC 9110 14.2), and every answer, not only /sparql's and /reconcile's, may be
read cross-origin, with preflights answered for the headers a client asks for."""

from __future__ import annotations

import pytest

DUMP = "/dumps/tarihkg.nq"
RESOURCE = "/resource/place/baku"


@pytest.mark.parametrize("path", [DUMP, RESOURCE, "/dumps/SHA256SUMS", "/dumps/tarihkg.nq.gz"])
@pytest.mark.parametrize("value", ["items=0-1", "bytes=abc", "bytes=5-2", "bytes=0-0,5-9",
                                   "bytes 0-9", "bytes=--1"])
def test_a_range_not_served_is_ignored_not_416(built_client, path: str, value: str) -> None:
    """An unknown unit MUST be ignored, a malformed range and several ranges may be: the whole
    representation (200), never 416 Range Not Satisfiable (werkzeug's answer to each before)."""
    whole = built_client.get(path, headers={"Accept": "text/turtle"})
    answer = built_client.get(path, headers={"Accept": "text/turtle", "Range": value})
    assert answer.status_code == 200, (value, answer.status_code)
    assert answer.data == whole.data
    assert "Content-Range" not in answer.headers


@pytest.mark.parametrize("path", [DUMP, RESOURCE])
def test_one_byte_range_is_served_and_one_past_the_end_is_416(built_client, path: str) -> None:
    whole = built_client.get(path, headers={"Accept": "text/turtle"}).data
    for value, want in (("bytes=0-9", whole[:10]), ("bytes=-7", whole[-7:]),
                        (f"bytes={len(whole) - 3}-", whole[-3:])):
        answer = built_client.get(path, headers={"Accept": "text/turtle", "Range": value})
        assert answer.status_code == 206, value
        assert answer.data == want
    past = built_client.get(path, headers={"Accept": "text/turtle",
                                           "Range": f"bytes={len(whole) + 10}-"})
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{len(whole)}"


def test_head_ignores_range_and_gets_gets_head(built_client) -> None:
    """Range is defined for GET only (RFC 9110 14.2): a HEAD with one gets the 200 head GET
    would, with the whole length (it was 206 PARTIAL CONTENT)."""
    whole = built_client.get(DUMP)
    head = built_client.head(DUMP, headers={"Range": "bytes=0-9"})
    assert head.status_code == 200
    assert head.headers["Content-Length"] == whole.headers["Content-Length"]
    assert head.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(("path", "accept"), [
    (RESOURCE, "text/turtle"), (RESOURCE + ".jsonld", "*/*"), ("/ontology", "text/turtle"),
    ("/.well-known/void", "text/turtle"), (DUMP, "*/*"), ("/dumps/tarihkg.ttl.gz", "*/*"),
    ("/dumps/SHA256SUMS", "*/*"), ("/health", "*/*"), ("/graph/curation", "text/turtle"),
    ("/map/places.json", "*/*"), ("/resource/place/nowhere-at-all", "text/turtle")])
def test_every_answer_may_be_read_cross_origin(built_client, path: str, accept: str) -> None:
    """A browser's linked-data client reads /resource/…, VoID, the ontology and the dumps (and
    their errors) from another origin; the Link, Content-Location and ETag headers it follows
    are exposed to it. Before, only /sparql, /reconcile and /exports had CORS."""
    answer = built_client.get(path, headers={"Accept": accept, "Origin": "https://example.org"})
    assert answer.headers.get("Access-Control-Allow-Origin") == "*", (path, answer.status_code)
    exposed = {h.strip().lower()
               for h in answer.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert {"link", "content-location", "etag"} <= exposed


@pytest.mark.parametrize("path", ["/sparql", "/reconcile", RESOURCE, DUMP, "/.well-known/void"])
def test_a_preflight_allows_the_headers_asked_for(built_client, path: str) -> None:
    """A cross-origin fetch sending If-None-Match, Range or a header of its own is preflighted:
    the answer names the route's methods and allows those headers (before: 'Accept,
    Content-Type' only on /sparql and /reconcile, and no CORS at all elsewhere)."""
    asked = "if-none-match, range, x-requested-with"
    answer = built_client.options(path, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": asked})
    assert answer.status_code in (200, 204)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Access-Control-Allow-Headers"] == asked
    assert "GET" in answer.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Request-Headers" in answer.headers.get("Vary", "")


@pytest.mark.parametrize(("path", "content_type"), [
    ("/sparql", "application/sparql-query"), ("/sparql", "application/x-www-form-urlencoded"),
    ("/reconcile", "application/json")])
def test_a_compressed_request_body_is_415_saying_send_it_plain(built_client, path: str,
                                                               content_type: str) -> None:
    """A body in a content coding the server does not decode is a 415 with Accept-Encoding
    (RFC 9110 15.5.16): gzip was read as it was (400 "not valid UTF-8"), and a body labelled
    br but sent plain was answered as if the label were not there."""
    import gzip

    plain = {"application/sparql-query": b"ASK {}",
             "application/x-www-form-urlencoded": b"query=ASK%20%7B%7D",
             "application/json": b'{"queries": {"q0": {"query": "Baku"}}}'}[content_type]
    for coding, body in (("gzip", gzip.compress(plain)), ("br", plain), ("gzip, identity",
                                                                         gzip.compress(plain))):
        answer = built_client.post(path, data=body, headers={"Content-Type": content_type,
                                                             "Content-Encoding": coding})
        assert answer.status_code == 415, (coding, answer.data)
        assert answer.headers["Accept-Encoding"] == "identity"
        assert f"Content-Encoding: {coding}" in answer.get_data(as_text=True)
    same = built_client.post(path, data=plain, headers={"Content-Type": content_type,
                                                        "Content-Encoding": "identity"})
    assert same.status_code == 200, same.data


CURATION = "https://w3id.org/tarihkg/graph/curation"
COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
COUNT_NAMED = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def _count(client, query: str, params: list[tuple[str, str]] | None = None) -> int:
    answer = client.get("/sparql", query_string=[("query", query), *(params or [])],
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.data
    return int(answer.get_json()["results"]["bindings"][0]["n"]["value"])


def test_a_graph_named_twice_in_the_dataset_is_one_graph(built_client) -> None:
    """A dataset is a set of graphs (SPARQL 1.1 Query 13.2): default-graph-uri or
    named-graph-uri repeated with the same graph, or FROM <g> FROM <g>, must not count its
    triples twice (the engine read the graph once per mention: 7,601 triples counted 15,202)."""
    once = _count(built_client, COUNT_DEFAULT, [("default-graph-uri", CURATION)])
    assert once > 0
    assert _count(built_client, COUNT_DEFAULT, [("default-graph-uri", CURATION)] * 2) == once
    assert _count(built_client, COUNT_NAMED, [("named-graph-uri", CURATION)] * 2) == once
    from_twice = f"SELECT (COUNT(*) AS ?n) FROM <{CURATION}> FROM <{CURATION}> {{ ?s ?p ?o }}"
    assert _count(built_client, from_twice) == once
    named_twice = (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{CURATION}> FROM NAMED <{CURATION}> "
                   "{ GRAPH ?g { ?s ?p ?o } }")
    assert _count(built_client, named_twice) == once
    # FROM alone leaves no named graphs, also when it repeats a graph
    assert _count(built_client, f"SELECT (COUNT(*) AS ?n) FROM <{CURATION}> FROM <{CURATION}> "
                                "{ GRAPH ?g { ?s ?p ?o } }") == 0


def test_several_default_graphs_are_merged_as_a_set(built_client) -> None:
    """The default graph of a dataset is the RDF merge of the graphs named (SPARQL 1.1 Query
    13.2): a triple two of them hold counts once, by default-graph-uri and by FROM (the engine
    read them one after another: 50,638 rows for 50,630 triples on the built graph)."""
    answer = built_client.get("/sparql", query_string={
        "query": "SELECT DISTINCT ?g { GRAPH ?g {} }"}, headers={"Accept": "text/csv"})
    graphs = [g for g in answer.get_data(as_text=True).split()[1:]
              if not g.endswith("/candidates")]
    assert len(graphs) >= 4
    params = [("default-graph-uri", g) for g in graphs]
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    merged = _count(built_client, distinct, params)
    assert _count(built_client, COUNT_DEFAULT, params) == merged
    froms = " ".join(f"FROM <{g}>" for g in graphs)
    assert _count(built_client, f"SELECT (COUNT(*) AS ?n) {froms} {{ ?s ?p ?o }}") == merged
    # the merge is the default graph only: named graphs stay as the dataset names them
    assert _count(built_client, COUNT_NAMED, [*params, ("named-graph-uri", CURATION)]) == \
        _count(built_client, COUNT_DEFAULT, [("default-graph-uri", CURATION)])
    assert _count(built_client, COUNT_NAMED, params) == 0
    # and it is the union default graph the server answers without a dataset
    assert merged == _count(built_client, COUNT_DEFAULT)
