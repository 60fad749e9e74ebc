"""The SPARQL endpoint's protocol as a table: (method, params, content type, accept, body) ->
(status, content type), with every answer parsed and checked on content."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from markupsafe import escape
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS
from werkzeug.datastructures import MultiDict

from server import create_app
from server.negotiation import parse_accept
from server.sparql import Limits, ProtocolRequest, handle_sparql
from tarihkg.formats import FORMATS, Kind, by_extension, by_media_type, by_name
from tarihkg.names import BASE
from tarihkg.store import build_store, open_store

DATA = Path(__file__).resolve().parent / "data" / "server"
SAMPLE = DATA / "sample.nq"
B = BASE
TKG = Namespace(B + "ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
KIO = B + "resource/unit/kafkas-islam-ordusu"
KT5 = B + "resource/unit/5-kafkas-tumeni"
NURI = B + "resource/person/nuri-pasa"
MURSEL = B + "resource/person/mursel-pasa"
CURATION = B + "graph/curation"
G000 = B + "graph/000_539a70a237dcfef4"
G002 = B + "graph/002_afd972166be37c54"
MAX_QUERY_BYTES = 2000

P = f"PREFIX tkg: <{B}ontology#>\n"
Q_SELECT = P + f"SELECT ?c WHERE {{ <{KIO}> tkg:commander ?c }}"
Q_ASK_TRUE = P + f"ASK {{ <{B}resource/unit/38-alay> tkg:partOf <{KT5}> }}"
Q_ASK_FALSE = P + f"ASK {{ ?unit tkg:commander <{B}resource/person/enver-pasa> }}"
Q_CONSTRUCT = P + "CONSTRUCT { ?u tkg:commander ?c } WHERE { ?u tkg:commander ?c }"
Q_DESCRIBE = f"DESCRIBE <{NURI}>"
Q_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
Q_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
Q_FROM = f"SELECT (COUNT(*) AS ?n) FROM <{CURATION}> WHERE {{ ?s ?p ?o }}"
Q_SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
UPDATES = [
    f'INSERT DATA {{ <{NURI}> <{RDFS.label}> "x" }}',
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    f"DROP GRAPH <{CURATION}>",
    "CREATE GRAPH <http://example.org/new>",
]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"
SQ = "application/sparql-query"


def _graph_sizes() -> dict[str, int]:
    """Triples per named graph of the sample, counted by rdflib (not by the store under test)."""
    ds = Dataset()
    ds.parse(SAMPLE, format="nquads")
    return {str(g.identifier): len(g) for g in ds.graphs() if len(g)}


SIZES = _graph_sizes()


# --- answer checks: each parses the body and looks at what it says -------------------------------

def json_commander(body: bytes) -> None:
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["c"]
    assert [b["c"]["value"] for b in doc["results"]["bindings"]] == [NURI]


def xml_commander(body: bytes) -> None:
    root = ET.fromstring(body)
    uris = [u.text for u in root.iter(SRX + "uri")]
    assert [v.get("name") for v in root.iter(SRX + "variable")] == ["c"]
    assert uris == [NURI]


def csv_commander(body: bytes) -> None:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows == [["c"], [NURI]]


def tsv_commander(body: bytes) -> None:
    rows = [line.split("\t") for line in body.decode("utf-8").splitlines()]
    assert rows == [["?c"], [f"<{NURI}>"]]


def json_bool(expected: bool) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        assert json.loads(body)["boolean"] is expected

    return check


def xml_bool(expected: bool) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        node = ET.fromstring(body).find(SRX + "boolean")
        assert node is not None and node.text == str(expected).lower()

    return check


def csv_true(body: bytes) -> None:
    assert body.decode("utf-8").strip() == "true"


def rdf_commanders(rdflib_format: str) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        if rdflib_format in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(data=body, format=rdflib_format)
            triples = set(ds.triples((None, None, None)))
        else:
            triples = set(Graph().parse(data=body, format=rdflib_format))
        assert triples == {
            (URIRef(KIO), TKG.commander, URIRef(NURI)),
            (URIRef(KT5), TKG.commander, URIRef(MURSEL)),
        }

    return check


def describe_nuri(body: bytes) -> None:
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef(NURI), RDFS.label, Literal("Nuri Paşa", lang="tr")) in g
    assert (URIRef(NURI), RDFS.label, Literal("Nuri Pasha", lang="en")) in g


def count_is(expected: int) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        bindings = json.loads(body)["results"]["bindings"]
        assert int(bindings[0]["n"]["value"]) == expected

    return check


def graphs_are(expected: set[str]) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        bindings = json.loads(body)["results"]["bindings"]
        assert {b["g"]["value"] for b in bindings} == expected

    return check


def service_description(rdflib_format: str) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        if rdflib_format in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(data=body, format=rdflib_format)
            g = Graph()
            for t in ds.triples((None, None, None)):
                g.add(t)
        else:
            g = Graph().parse(data=body, format=rdflib_format)
        service = URIRef("http://localhost/sparql")
        assert (service, SD.endpoint, service) in g
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
        assert (service, SD.feature, SD.UnionDefaultGraph) in g
        formats = set(g.objects(service, SD.resultFormat))
        assert formats == {URIRef(f.iri) for f in FORMATS}
        names = {str(n) for n in g.objects(None, SD.name)}
        assert names == {CURATION, G000, G002}

    return check


def html_form(body: bytes) -> None:
    text = body.decode("utf-8")
    assert "<form" in text and 'name="query"' in text


def relative_triple(body: bytes) -> None:
    triples = set(Graph().parse(data=body, format="turtle"))
    assert triples == {(URIRef("http://localhost/s"), URIRef("http://localhost/p"), Literal(1))}


def message_has(*parts: str) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        text = body.decode("utf-8")
        for part in parts:
            assert part in text

    return check


def json_error(status: int) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        doc = json.loads(body)
        assert doc["status"] == status and doc["message"]

    return check


def health_ok(body: bytes) -> None:
    doc = json.loads(body)
    assert doc == {"status": "ok", "triples": sum(SIZES.values()), "graphs": 3}


# --- the table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    id: str
    method: str
    params: list[tuple[str, str]]
    status: int
    ctype: str | None
    accept: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    form: list[tuple[str, str]] = field(default_factory=list)
    check: Callable[[bytes], None] | None = None
    path: str = "/sparql"


def q(text: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("query", text), *extra]


JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
TABLE = [
    # SELECT, negotiated by Accept (q-values) or format=
    Row("select-no-accept", "GET", q(Q_SELECT), 200, JSON, check=json_commander),
    Row("select-json", "GET", q(Q_SELECT), 200, JSON, accept=JSON, check=json_commander),
    Row("select-xml", "GET", q(Q_SELECT), 200, XML, accept=XML, check=xml_commander),
    Row("select-csv", "GET", q(Q_SELECT), 200, "text/csv", accept="text/csv",
        check=csv_commander),
    Row("select-tsv", "GET", q(Q_SELECT), 200, "text/tab-separated-values",
        accept="text/tab-separated-values", check=tsv_commander),
    Row("select-plain-json", "GET", q(Q_SELECT), 200, "application/json",
        accept="application/json", check=json_commander),
    Row("select-star", "GET", q(Q_SELECT), 200, JSON, accept="*/*", check=json_commander),
    Row("select-qvalues", "GET", q(Q_SELECT), 200, XML,
        accept=f"text/csv;q=0.5, {XML};q=0.9", check=xml_commander),
    # a browser's application/xml;q=0.9 beats its */*;q=0.8: SPARQL XML, labelled as asked
    Row("select-browser", "GET", q(Q_SELECT), 200, "application/xml", accept=BROWSER,
        check=xml_commander),
    Row("select-format-csv", "GET", q(Q_SELECT, ("format", "csv")), 200, "text/csv",
        accept=JSON, check=csv_commander),
    Row("select-format-tsv", "GET", q(Q_SELECT, ("format", "tsv")), 200,
        "text/tab-separated-values", check=tsv_commander),
    Row("select-format-xml", "GET", q(Q_SELECT, ("format", "xml")), 200, XML,
        accept=BROWSER, check=xml_commander),
    Row("select-format-json", "GET", q(Q_SELECT, ("format", "json")), 200, JSON,
        accept="text/csv", check=json_commander),
    # media-type parameters (charset=utf-8, the only charset served) do not make a 406
    Row("select-accept-charset", "GET", q(Q_SELECT), 200, JSON,
        accept=JSON + "; charset=utf-8", check=json_commander),
    Row("select-accept-csv-charset-q", "GET", q(Q_SELECT), 200, "text/csv",
        accept=f"{XML};q=0.5, text/csv;charset=UTF-8;q=0.9", check=csv_commander),
    Row("construct-accept-turtle-charset", "GET", q(Q_CONSTRUCT), 200, "text/turtle",
        accept="text/turtle;charset=utf-8", check=rdf_commanders("turtle")),
    Row("sd-accept-turtle-charset", "GET", [], 200, "text/turtle",
        accept="text/turtle; charset=UTF-8"),
    Row("select-406", "GET", q(Q_SELECT), 406, "text/plain", accept="image/png"),
    # a format= that cannot carry the answer is ignored like an unknown one (SPARQLWrapper sends
    # format=turtle with Accept */* for a SELECT whose return format is Turtle)
    Row("select-format-ttl-accept-decides", "GET", q(Q_SELECT, ("format", "ttl")), 200, JSON,
        accept="*/*", check=json_commander),
    Row("select-format-ttl-accept-csv", "GET", q(Q_SELECT, ("format", "ttl")), 200, "text/csv",
        accept="text/csv", check=csv_commander),
    Row("select-format-ttl-accept-turtle-406", "GET", q(Q_SELECT, ("format", "ttl")), 406,
        "text/plain", accept="text/turtle", check=message_has("format=ttl")),
    # a format= the server does not know is ignored: the Accept header decides
    Row("select-format-unknown", "GET", q(Q_SELECT, ("format", "yaml")), 200, JSON,
        check=json_commander),
    Row("select-format-unknown-accept-csv", "GET", q(Q_SELECT, ("format", "yaml")), 200,
        "text/csv", accept="text/csv", check=csv_commander),
    # N3 requests (SPARQLWrapper's N3) are answered in Turtle, which is N3
    Row("construct-format-n3", "GET", q(Q_CONSTRUCT, ("format", "n3")), 200, "text/turtle",
        check=rdf_commanders("turtle")),
    Row("construct-accept-text-n3", "GET", q(Q_CONSTRUCT), 200, "text/n3", accept="text/n3",
        check=rdf_commanders("turtle")),
    # relative IRIs without BASE resolve against the endpoint's IRI (W3C
    # query_content_type_construct)
    Row("construct-relative-iris", "POST", [], 200, "text/turtle", content_type=SQ,
        body=b"CONSTRUCT { <s> <p> 1 } WHERE {}", check=relative_triple),
    # the query string is UTF-8 or a 400, never decoded with replacement characters
    Row("get-not-utf8", "GET", [], 400, "text/plain", path="/sparql?query=ASK%7B%7D%FF",
        check=message_has("UTF-8")),
    Row("get-not-utf8-format", "GET", [], 400, "text/plain",
        path="/sparql?query=ASK%7B%7D&format=%C3", check=message_has("UTF-8")),
    Row("post-form-not-utf8", "POST", [], 400, "text/plain", content_type=FORM,
        body=b"query=ASK%7B%7D%FF", check=message_has("UTF-8")),
    Row("post-charset-utf16", "POST", [], 400, "text/plain", content_type=SQ + "; charset=UTF-16",
        body=Q_SELECT.encode("utf-16"), check=message_has("UTF-8")),
    # a form declaring another charset is refused, not read as UTF-8 (é is C3 A9 in UTF-8)
    Row("post-form-charset-latin1", "POST", [], 400, "text/plain",
        content_type=FORM + "; charset=ISO-8859-1",
        body=b"query=ASK%20%7B%20FILTER(%22%C3%A9%22%20%3D%20%22%C3%A9%22)%20%7D",
        check=message_has("charset=ISO-8859-1")),
    # a UTF-8 byte-order mark some editors write before the query is no part of it
    Row("post-sparql-query-bom", "POST", [], 200, JSON, content_type=SQ,
        body=b"\xef\xbb\xbf" + Q_ASK_TRUE.encode(), check=json_bool(True)),
    Row("unknown-extension-function", "GET",
        q("SELECT ?x WHERE { BIND(<http://example.org/fn>(1) AS ?x) }"), 400, "text/plain",
        check=message_has("http://example.org/fn")),
    Row("get-update-param", "GET", [("update", UPDATES[0])], 400, "text/plain",
        check=message_has("read-only")),
    Row("head-select", "HEAD", q(Q_SELECT), 200, JSON),
    # ASK
    Row("ask-true-json", "GET", q(Q_ASK_TRUE), 200, JSON, check=json_bool(True)),
    Row("ask-false-xml", "GET", q(Q_ASK_FALSE), 200, XML, accept=XML, check=xml_bool(False)),
    Row("ask-true-csv", "GET", q(Q_ASK_TRUE, ("format", "csv")), 200, "text/csv",
        check=csv_true),
    # CONSTRUCT / DESCRIBE, in every RDF format
    Row("construct-default-turtle", "GET", q(Q_CONSTRUCT), 200, "text/turtle",
        check=rdf_commanders("turtle")),
    Row("construct-star", "GET", q(Q_CONSTRUCT), 200, "text/turtle", accept="*/*",
        check=rdf_commanders("turtle")),
    Row("construct-nt", "GET", q(Q_CONSTRUCT), 200, "application/n-triples",
        accept="application/n-triples", check=rdf_commanders("nt")),
    Row("construct-jsonld", "GET", q(Q_CONSTRUCT), 200, "application/ld+json",
        accept="application/ld+json", check=rdf_commanders("json-ld")),
    Row("construct-rdfxml", "GET", q(Q_CONSTRUCT), 200, "application/rdf+xml",
        accept="application/rdf+xml", check=rdf_commanders("xml")),
    Row("construct-nquads", "GET", q(Q_CONSTRUCT), 200, "application/n-quads",
        accept="application/n-quads", check=rdf_commanders("nquads")),
    Row("construct-trig", "GET", q(Q_CONSTRUCT), 200, "application/trig",
        accept="application/trig", check=rdf_commanders("trig")),
    Row("construct-qvalues", "GET", q(Q_CONSTRUCT), 200, "application/n-triples",
        accept="text/turtle;q=0.2, application/n-triples;q=0.8", check=rdf_commanders("nt")),
    Row("construct-format-nt", "GET", q(Q_CONSTRUCT, ("format", "nt")), 200,
        "application/n-triples", accept="text/turtle", check=rdf_commanders("nt")),
    Row("construct-format-rdfxml", "GET", q(Q_CONSTRUCT, ("format", "rdfxml")), 200,
        "application/rdf+xml", check=rdf_commanders("xml")),
    Row("construct-format-csv-accept-decides", "GET", q(Q_CONSTRUCT, ("format", "csv")), 200,
        "text/turtle", accept="*/*", check=rdf_commanders("turtle")),
    Row("construct-format-csv-accept-json-406", "GET", q(Q_CONSTRUCT, ("format", "csv")), 406,
        "text/plain", accept=JSON, check=message_has("format=csv")),
    # format= names clients send (SPARQLWrapper): the kind of the answer decides
    Row("construct-format-json-is-jsonld", "GET", q(Q_CONSTRUCT, ("format", "json")), 200,
        "application/ld+json", check=rdf_commanders("json-ld")),
    Row("construct-format-rdf+xml", "GET", q(Q_CONSTRUCT, ("format", "rdf+xml")), 200,
        "application/rdf+xml", check=rdf_commanders("xml")),
    Row("select-format-media-type", "GET", q(Q_SELECT, ("format", "text/csv")), 200,
        "text/csv", check=csv_commander),
    Row("construct-results-accept-406", "GET", q(Q_CONSTRUCT), 406, "text/plain", accept=JSON),
    Row("describe-turtle", "GET", q(Q_DESCRIBE), 200, "text/turtle", check=describe_nuri),
    # the dataset: union default graph, protocol graphs, FROM in the query
    Row("union-default-graph", "GET", q(Q_COUNT), 200, JSON, check=count_is(sum(SIZES.values()))),
    Row("default-graph-uri", "GET", q(Q_COUNT, ("default-graph-uri", CURATION)), 200, JSON,
        check=count_is(SIZES[CURATION])),
    Row("two-default-graph-uris", "GET",
        q(Q_COUNT, ("default-graph-uri", CURATION), ("default-graph-uri", G000)), 200, JSON,
        check=count_is(SIZES[CURATION] + SIZES[G000])),
    Row("named-graph-uri", "GET", q(Q_GRAPHS, ("named-graph-uri", G000)), 200, JSON,
        check=graphs_are({G000})),
    Row("all-named-graphs", "GET", q(Q_GRAPHS), 200, JSON,
        check=graphs_are({CURATION, G000, G002})),
    Row("from-in-query", "GET", q(Q_FROM), 200, JSON, check=count_is(SIZES[CURATION])),
    Row("protocol-graph-beats-from", "GET", q(Q_FROM, ("default-graph-uri", G000)), 200, JSON,
        check=count_is(SIZES[G000])),
    # the protocol's dataset is the whole dataset, as FROM/FROM NAMED would be: default graphs
    # alone leave no named graphs, named graphs alone an empty default graph
    Row("default-graph-uri-no-named-graphs", "GET",
        q(Q_GRAPHS, ("default-graph-uri", CURATION)), 200, JSON, check=graphs_are(set())),
    Row("named-graph-uri-empty-default", "GET", q(Q_COUNT, ("named-graph-uri", G000)), 200,
        JSON, check=count_is(0)),
    Row("both-graph-uris", "POST", [("default-graph-uri", CURATION), ("named-graph-uri", G000)],
        200, JSON, content_type=SQ, body=Q_GRAPHS.encode(), check=graphs_are({G000})),
    Row("from-only-no-named-graphs", "GET",
        q(f"SELECT DISTINCT ?g FROM <{CURATION}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"), 200,
        JSON, check=graphs_are(set())),
    Row("bad-graph-iri", "GET", q(Q_COUNT, ("default-graph-uri", "not an iri")), 400,
        "text/plain"),
    # POST
    Row("post-form", "POST", [], 200, JSON, content_type=FORM, form=q(Q_SELECT),
        check=json_commander),
    Row("post-form-csv", "POST", [], 200, "text/csv", accept="text/csv", content_type=FORM,
        form=q(Q_SELECT), check=csv_commander),
    Row("post-form-graph", "POST", [], 200, JSON, content_type=FORM,
        form=q(Q_COUNT, ("default-graph-uri", CURATION)), check=count_is(SIZES[CURATION])),
    Row("post-form-format", "POST", [], 200, "text/tab-separated-values", content_type=FORM,
        form=q(Q_SELECT, ("format", "tsv")), check=tsv_commander),
    Row("post-query-body", "POST", [], 200, JSON, content_type=SQ,
        body=Q_SELECT.encode(), check=json_commander),
    Row("post-query-body-charset", "POST", [], 200, XML, accept=XML,
        content_type=SQ + "; charset=utf-8", body=Q_SELECT.encode(), check=xml_commander),
    Row("post-query-body-graph", "POST", [("default-graph-uri", CURATION)], 200, JSON,
        content_type=SQ, body=Q_COUNT.encode(), check=count_is(SIZES[CURATION])),
    Row("post-construct", "POST", [], 200, "text/turtle", content_type=SQ,
        body=Q_CONSTRUCT.encode(), check=rdf_commanders("turtle")),
    Row("post-body-and-url-query", "POST", q(Q_SELECT), 400, "text/plain", content_type=SQ,
        body=Q_SELECT.encode(), check=message_has("both")),
    Row("post-form-and-url-query", "POST", q(Q_SELECT), 400, "text/plain", content_type=FORM,
        form=q(Q_SELECT), check=message_has("both")),
    Row("post-form-no-query", "POST", [], 400, "text/plain", content_type=FORM,
        form=[("format", "json")]),
    Row("post-form-two-queries", "POST", [], 400, "text/plain", content_type=FORM,
        form=[("query", Q_SELECT), ("query", Q_ASK_TRUE)]),
    Row("post-empty-body", "POST", [], 400, "text/plain", content_type=SQ, body=b""),
    Row("post-not-utf8", "POST", [], 400, "text/plain", content_type=SQ,
        body="SELECT ?ş WHERE {}".encode("utf-16")),
    Row("post-text-plain-415", "POST", [], 415, "text/plain", content_type="text/plain",
        body=Q_SELECT.encode()),
    Row("post-json-415", "POST", [], 415, "text/plain", content_type="application/json",
        body=b'{"query": "ASK {}"}'),
    Row("post-no-content-type-415", "POST", [], 415, "text/plain", body=Q_SELECT.encode()),
    Row("post-sparql-update-403", "POST", [], 403, "text/plain",
        content_type="application/sparql-update", body=UPDATES[0].encode()),
    Row("post-form-update-403", "POST", [], 403, "text/plain", content_type=FORM,
        form=[("update", UPDATES[0])]),
    # errors
    Row("two-query-params", "GET", [("query", Q_SELECT), ("query", Q_ASK_TRUE)], 400,
        "text/plain"),
    Row("empty-query", "GET", q("  "), 400, "text/plain"),
    Row("malformed", "GET", q("SELECT ?s WHERE { ?s ?p }"), 400, "text/plain",
        check=message_has("malformed query", "1:")),
    Row("malformed-line-2", "GET", q("SELECT ?s\nWHERE { ?s ?p ?o ."), 400, "text/plain",
        check=message_has("2:")),
    Row("malformed-json-error", "GET", q("SELECT ?s WHERE { ?s ?p }"), 400, "application/json",
        accept="application/json", check=json_error(400)),
    *[  # an update sent as a query is a malformed query (SPARQL 1.1 Protocol 2.1.4)
        Row(f"update-{i}-400", "GET", q(text), 400, "text/plain",
            check=message_has("malformed query", "read-only"))
        for i, text in enumerate(UPDATES)
    ],
    Row("update-post-form-400", "POST", [], 400, "text/plain", content_type=FORM,
        form=q("CLEAR DEFAULT")),
    Row("service-403", "GET", q(Q_SERVICE), 403, "text/plain", check=message_has("SERVICE")),
    Row("query-too-long-413", "GET", q("#" + "x" * MAX_QUERY_BYTES + "\n" + Q_SELECT), 413,
        "text/plain", check=message_has(str(MAX_QUERY_BYTES))),
    Row("body-too-long-413", "POST", [], 413, "text/plain", content_type=SQ,
        body=b"#" + b"x" * (20 * MAX_QUERY_BYTES) + b"\n" + Q_SELECT.encode()),
    Row("put-405", "PUT", [], 405, "text/plain", content_type=SQ, body=Q_SELECT.encode()),
    Row("delete-405", "DELETE", [], 405, "text/plain"),
    Row("patch-405", "PATCH", [], 405, "text/plain"),
    Row("options-preflight", "OPTIONS", [], 204, None),
    # service description and the form
    Row("sd-turtle", "GET", [], 200, "text/turtle", check=service_description("turtle")),
    Row("sd-star", "GET", [], 200, "text/turtle", accept="*/*",
        check=service_description("turtle")),
    Row("sd-jsonld", "GET", [], 200, "application/ld+json", accept="application/ld+json",
        check=service_description("json-ld")),
    Row("sd-rdfxml", "GET", [], 200, "application/rdf+xml", accept="application/rdf+xml",
        check=service_description("xml")),
    Row("sd-format-nq", "GET", [("format", "nq")], 200, "application/n-quads", accept=BROWSER,
        check=service_description("nquads")),
    Row("sd-format-trig", "GET", [("format", "trig")], 200, "application/trig",
        check=service_description("trig")),
    Row("sd-406", "GET", [], 406, "text/plain", accept="image/png"),
    Row("query-form-html", "GET", [], 200, "text/html", accept=BROWSER, check=html_form),
    # other routes
    Row("health", "GET", [], 200, "application/json", check=health_ok, path="/health"),
    Row("health-post-405", "POST", [], 405, "text/plain", path="/health"),
    Row("landing", "GET", [], 200, "text/html", path="/"),
    Row("not-found", "GET", [], 404, "text/plain", path="/nope"),
    Row("not-found-json", "GET", [], 404, "application/json", accept="application/json",
        check=json_error(404), path="/nope"),
]


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dataset")
    shutil.copy(SAMPLE, root / "tarihkg.nq")
    build_store(root / "tarihkg.nq", root / "store")
    return root


@pytest.fixture(scope="module", params=["embedded",
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def app(request, dataset_dir: Path):
    """The app over the embedded store, and over Virtuoso holding the same sample."""
    config = {"TESTING": True, "DATASET_DIR": str(dataset_dir), "MAX_QUERY_BYTES": MAX_QUERY_BYTES}
    if request.param == "virtuoso":
        config["STORE_URL"] = request.getfixturevalue("virtuoso").store_url
    app = create_app(config)
    yield app
    pool = app.extensions["tarihkg"].pool
    if pool is not None:
        pool.close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 40
    assert len({row.id for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_protocol(client, row: Row) -> None:
    headers = {"Accept": row.accept} if row.accept is not None else {}
    url = row.path + ("?" + urlencode(row.params) if row.params else "")
    if row.form:
        data: bytes | None = urlencode(row.form).encode()
    else:
        data = row.body
    if row.content_type is not None:
        headers["Content-Type"] = row.content_type
    response = client.open(url, method=row.method, headers=headers, data=data)
    assert response.status_code == row.status, response.get_data(as_text=True)
    assert (response.mimetype or None) == row.ctype, response.headers
    body = response.get_data()
    if row.status >= 400:
        text = body.decode("utf-8")
        assert "Traceback" not in text and 'File "' not in text
        assert text.count("\n") == 1 and text.endswith("\n"), "one line"
    if row.status == 405:
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "GET" in allowed and row.method not in allowed
    if row.method == "HEAD":
        assert body == b""
    if row.check is not None:
        row.check(body)


@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS", "PUT"])
def test_cors_on_every_sparql_answer(client, method: str) -> None:
    kwargs = {"query_string": {"query": Q_SELECT}} if method == "GET" else {}
    if method == "POST":
        kwargs = {"data": Q_SELECT, "content_type": SQ}
    response = client.open("/sparql", method=method, **kwargs)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if method == "OPTIONS":
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_updates_leave_the_store_unchanged(client) -> None:
    before = client.get("/sparql", query_string={"query": Q_COUNT}).get_json()
    for text in UPDATES:
        assert client.post("/sparql", data=text, content_type=SQ).status_code == 400
    after = client.get("/sparql", query_string={"query": Q_COUNT}).get_json()
    assert before == after


def test_unexpected_error_is_500_without_traceback(dataset_dir: Path, monkeypatch, caplog
                                                   ) -> None:
    app = create_app({"TESTING": True, "DATASET_DIR": str(dataset_dir), "QUERY_PROCESSES": 0})
    client = app.test_client()
    store = app.extensions["tarihkg"].store

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "query", boom)
    with caplog.at_level(logging.ERROR):
        response = client.get("/sparql", query_string={"query": Q_SELECT})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "disk on fire" not in text and "Traceback" not in text
    assert text.startswith("500 Internal Server Error")
    assert any("disk on fire" in (r.exc_text or "") for r in caplog.records)


def test_store_not_loaded_gives_503(tmp_path: Path) -> None:
    client = create_app({"TESTING": True, "DATASET_DIR": str(tmp_path)}).test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
    assert client.get("/sparql", query_string={"query": Q_SELECT}).status_code == 503
    assert client.get("/").status_code == 503


def test_access_log_is_one_json_line_per_request(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="server.access"):
        client.get("/sparql", query_string={"query": Q_SELECT})
        client.get("/health")
    entries = [json.loads(r.getMessage()) for r in caplog.records if r.name == "server.access"]
    assert [e["path"] for e in entries] == ["/sparql", "/health"]
    assert entries[0]["status"] == 200 and entries[0]["query_length"] == len(Q_SELECT)
    assert len(entries[0]["query_sha256"]) == 16 and entries[0]["duration_ms"] >= 0
    assert "query_sha256" not in entries[1]


def test_config_precedence(dataset_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("TARIHKG_MAX_QUERY_BYTES", "50")
    monkeypatch.setenv("TARIHKG_DATASET_DIR", str(dataset_dir))
    from_env = create_app()
    assert from_env.config["MAX_QUERY_BYTES"] == 50
    assert from_env.test_client().get("/sparql", query_string={"query": Q_SELECT}).status_code \
        == 413
    from_test = create_app({"MAX_QUERY_BYTES": 5000})
    assert from_test.config["MAX_QUERY_BYTES"] == 5000
    assert from_test.extensions["tarihkg"].store is not None


def test_landing_page_counts_and_escapes(client, app) -> None:
    """The landing page states the dataset's size, browse counts and a gallery of titles (not
    query text), all computed from the served build."""
    html = client.get("/").get_data(as_text=True)
    assert f"{sum(SIZES.values()):,} üçlü" in html
    assert f"{len(SIZES)} adlandırılmış graf" in html
    # 3 units (38. Alay, 5. Kafkas Tümeni, Kafkas İslam Ordusu) in the sample, linked to their list
    assert re.search(r'<a href="/browse/units">[^<]+</a> <span class="n">3</span>', html)
    assert '<a href="/browse/units">Bütün birlikler (3)</a>' in html
    examples = app.extensions["tarihkg"].examples
    shown = re.findall(r'href="/query\?example=([^"]+)"', html)
    assert 1 <= len(shown) <= 12, "the gallery is short"
    by_name = {ex.name: ex for ex in examples}
    for name in shown:
        assert str(escape(by_name[name].title)) in html
    # titles only: no query text reaches the landing page, escaped or raw
    assert "PREFIX" not in html and "&lt;https://w3id.org/tarihkg/ontology#&gt;" not in html


def test_every_example_query_link_returns_rows(client, app) -> None:
    """The first eight examples (01-08) were written with the sample; the later ones ask about
    facts only the built graph has and are checked against it by their own tests."""
    for ex in app.extensions["tarihkg"].examples[:8]:
        response = client.get("/sparql", query_string={"query": ex.text, "format": "json"})
        assert response.status_code == 200, ex.name
        bindings = json.loads(response.get_data())["results"]["bindings"]
        assert bindings, f"{ex.name} returns no rows on the sample"


def test_example_queries_return_what_the_sample_says(client, app) -> None:
    by_name_ = {ex.name: ex for ex in app.extensions["tarihkg"].examples}

    def rows(name: str) -> list[dict[str, str]]:
        body = client.get("/sparql", query_string={"query": by_name_[name].text}).get_data()
        return [{k: v["value"] for k, v in b.items()}
                for b in json.loads(body)["results"]["bindings"]]

    treaties = [r["label"] for r in rows("03-treaties-by-date.rq")]
    assert treaties == ["Brest-Litovsk Antlaşması", "Batum Dostluk Anlaşması",
                        "Mondros Mütarekesi"]
    events = [r["edtf"] for r in rows("04-events-of-1918.rq")]
    assert events == ["1918-02-13", "1918-09-15"]
    above = {(r["unitLabel"], r["aboveLabel"], r["how"]) for r in rows("05-unit-hierarchy.rq")}
    assert ("38. Alay", "5. Kafkas Tümeni", "stated") in above
    # no time-blind path, and a link only a candidate claim backs is not shown
    assert not {(u, a) for u, a, _ in above} & {("38. Alay", "Kafkas İslam Ordusu"),
                                                 ("5. Kafkas Tümeni", "Kafkas İslam Ordusu")}
    commanders = {(r["unitLabel"], r["commanderLabel"]) for r in rows("02-unit-commanders.rq")}
    assert commanders == {("Kafkas İslam Ordusu", "Nuri Paşa"), ("5. Kafkas Tümeni", "Mürsel Paşa")}
    starts = [int(r["start"]) for r in rows("01-sentences-of-a-source.rq")]
    assert starts == sorted(starts) and len(starts) == 7


def test_core_is_pure(dataset_dir: Path) -> None:
    """The protocol core runs without Flask: a request in, (status, headers, body) out."""
    store = open_store(dataset_dir)
    req = ProtocolRequest(method="POST", args=MultiDict(), accept=parse_accept("text/csv"),
                          body=Q_SELECT.encode(), content_type=SQ)
    out = handle_sparql(req, store=store, limits=Limits())
    assert out.status == 200 and dict(out.headers)["Content-Type"].startswith("text/csv")
    csv_commander(out.body)
    bad = handle_sparql(ProtocolRequest(method="GET", args=MultiDict([("query", "ASK {")]),
                                        accept=parse_accept(None)), store=store, limits=Limits())
    assert bad.status == 400 and bad.query == "ASK {"


def test_format_table_lookups_agree() -> None:
    for fmt in FORMATS:
        assert by_name(fmt.name) is fmt
        assert by_extension(fmt.extension) is fmt
        for media_type in fmt.media_types:
            assert by_media_type(media_type.upper() + "; charset=utf-8") is fmt
        assert fmt.iri.startswith("http://www.w3.org/ns/formats/")
        assert (fmt.kind is Kind.RESULTS) == (not fmt.is_rdf)
    assert {f.kind for f in FORMATS} == set(Kind)
    # within what one answer can be written in, a format= name means one format only
    for group in ([f for f in FORMATS if f.is_rdf], [f for f in FORMATS if not f.is_rdf]):
        names = [n for f in group for n in {f.name, f.extension, *f.media_types, *f.other_names}]
        assert len(names) == len(set(names)), names


def test_the_host_header_is_never_echoed(dataset_dir: Path) -> None:
    """The service description names the endpoint at the configured PUBLIC_URL, whatever Host
    (or X-Forwarded-Host) the client sends."""
    app = create_app({"TESTING": True, "DATASET_DIR": str(dataset_dir), "QUERY_PROCESSES": 0,
                      "PUBLIC_URL": "https://kg.example.org/"})
    client = app.test_client()
    response = client.get("/sparql", headers={"Host": "evil.example", "Accept": "text/turtle",
                                              "X-Forwarded-Host": "evil2.example"})
    body = response.get_data(as_text=True)
    assert "evil" not in body
    service = URIRef("https://kg.example.org/sparql")
    assert (service, SD.endpoint, service) in Graph().parse(data=body, format="turtle")
    for path in ("/.well-known/void", "/dumps", "/sparql?query=ASK%7B%7D&format=yaml"):
        answer = client.get(path, headers={"Host": "evil.example", "Accept": "text/turtle"})
        assert "evil" not in answer.get_data(as_text=True), path
        assert "evil" not in answer.headers.get("Location", ""), path


@pytest.mark.parametrize("path", ["/resource/%00", "/resource/unit/%00", "/resource/%FF",
                                  "/resource/%00.ttl", "/resource/%EF%BF%BD", "/graph/%FF"])
def test_a_path_that_is_no_iri_is_404_not_500(client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404, response.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["text/turtle; charset=utf-8", "application/ld+json;q=0.9",
                                    "application/n-triples; charset=UTF-8; q=1.0"])
def test_a_resource_accepts_media_type_parameters(client, accept: str) -> None:
    """``text/turtle; charset=utf-8`` asks for Turtle (in the one charset served), not for a
    406."""
    response = client.get("/resource/person/nuri-pasa", headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == accept.split(";")[0].strip()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"])
def test_a_405_allows_only_methods_that_work(client, method: str) -> None:
    """The Allow header of a 405 names the methods /sparql answers, never one that is itself a
    405 (TRACE was told 'Allow: …, DELETE, PUT, PATCH, …')."""
    response = client.open("/sparql", method=method, data=b"x", content_type="text/plain")
    assert response.status_code == 405
    allowed = [m.strip() for m in response.headers["Allow"].split(",")]
    assert set(allowed) == {"GET", "HEAD", "POST", "OPTIONS"}, allowed
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert method in response.get_data(as_text=True)


def test_the_w3c_tests_own_path_sparql_slash_answers_as_sparql(client) -> None:
    """rdf-tests' protocol manifest sends every request to /sparql/."""
    direct = client.post("/sparql/", data=Q_ASK_TRUE, content_type=SQ)
    assert direct.status_code == 200 and json.loads(direct.data)["boolean"] is True
    form = client.get("/sparql/", query_string={"query": Q_COUNT, "default-graph-uri": CURATION})
    count_is(SIZES[CURATION])(form.data)
    assert form.headers["Access-Control-Allow-Origin"] == "*"
    sd = client.get("/sparql/", headers={"Accept": "text/turtle"})
    endpoints = set(Graph().parse(data=sd.data, format="turtle").objects(None, SD.endpoint))
    assert {str(e).rsplit("/", 1)[-1] for e in endpoints} == {"sparql"}, endpoints


def test_a_resource_only_a_candidate_graph_speaks_of_is_a_303_to_that_graph(
        tmp_path: Path) -> None:
    """Every IRI of the dataset dereferences: one that only graph/candidates holds (a
    rule-made candidate; the default graph leaves that graph out) is described by the graph's
    document (303), not a 404, and its triples are not mixed into the facts."""
    fact, candidate = B + "resource/unit/a", B + "resource/wikidata-link/b-q1"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    (tmp_path / "tarihkg.nq").write_text(
        f'<{fact}> {label} "A" <{CURATION}> .\n'
        f'<{candidate}> {label} "B" <{B}graph/candidates> .\n', encoding="utf-8")
    build_store(tmp_path / "tarihkg.nq", tmp_path / "store")
    app = create_app({"TESTING": True, "DATASET_DIR": str(tmp_path), "QUERY_PROCESSES": 0})
    client = app.test_client()
    for accept, ext in (("text/turtle", ""), ("text/html", ""), ("*/*", ".ttl")):
        response = client.get("/resource/wikidata-link/b-q1" + ext, headers={"Accept": accept})
        assert response.status_code == 303, (accept, response.status_code)
        assert response.headers["Location"].endswith("/graph/candidates" + ext)
    assert client.get("/resource/unit/a", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/resource/unit/zzz", headers={"Accept": "text/turtle"}).status_code == 404
    graph = client.get("/graph/candidates", headers={"Accept": "application/n-triples"})
    assert graph.status_code == 200 and f"<{candidate}>" in graph.get_data(as_text=True)


@pytest.mark.parametrize(("accept", "mimetype"), [("text/html", "text/html"),
                                                  ("text/turtle", "text/turtle"),
                                                  ("application/ld+json", "application/ld+json")])
def test_a_resource_ignores_a_format_it_does_not_know(client, accept: str, mimetype: str) -> None:
    """As on /sparql: format=foo (a client's own name) is ignored and Accept decides; a
    browser got a 404 'no such format'."""
    response = client.get("/resource/person/nuri-pasa?format=foo", headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == mimetype


#: Queries whose answers hold a character XML 1.0 forbids (no escape can carry it).
NOT_XML = [('SELECT ("\\u0001" AS ?x) {}', "U+0001"),
           ('SELECT (CONCAT("a", "\\u0000") AS ?x) {}', "U+0000"),
           ('SELECT ?x { BIND(STRLANG("ok\\u001F", "tr") AS ?x) }', "U+001F"),
           ('SELECT ("\\uFFFE" AS ?x) {}', "U+FFFE")]


@pytest.mark.parametrize(("query", "says"), NOT_XML)
def test_an_answer_xml_cannot_carry_is_a_406_naming_the_character(client, query: str,
                                                                   says: str) -> None:
    """Asked for in SPARQL XML, such an answer is a one-line 406 that names the character and
    the formats that carry it, never a document an XML parser rejects; JSON and TSV carry it."""
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+xml"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 406, text
    assert says in text and "application/sparql-results+json" in text
    assert text.count("\n") == 1
    json_answer = client.get("/sparql", query_string={"query": query},
                             headers={"Accept": "application/sparql-results+json"})
    assert json_answer.status_code == 200
    value = json_answer.get_json()["results"]["bindings"][0]["x"]["value"]
    assert chr(int(says[2:], 16)) in value


def test_a_graph_xml_cannot_carry_is_a_406_and_a_clean_one_parses(client) -> None:
    construct = 'CONSTRUCT { <urn:a> <urn:b> ?o } WHERE { BIND(CONCAT("a", "\\u0002") AS ?o) }'
    answer = client.get("/sparql", query_string={"query": construct},
                        headers={"Accept": "application/rdf+xml"})
    assert answer.status_code == 406, answer.get_data(as_text=True)
    assert "U+0002" in answer.get_data(as_text=True)
    assert "text/turtle" in answer.get_data(as_text=True)
    clean = client.get("/sparql", query_string={"query": construct.replace("\\u0002", "\\t")},
                       headers={"Accept": "application/rdf+xml"})
    assert clean.status_code == 200
    assert ET.fromstring(clean.data).tag.endswith("RDF")
    rows = client.get("/sparql", query_string={"query": 'SELECT ("a\\tb\\n" AS ?x) {}'},
                      headers={"Accept": "application/sparql-results+xml"})
    literal = ET.fromstring(rows.data).find(f".//{SRX}literal")
    assert literal is not None and literal.text == "a\tb\n"


@pytest.mark.parametrize("path", ["/search?q=a%01b", "/search?q=%EF%BF%BE",
                                  "/resource/place/a%01", "/graph/a%0B"])
def test_a_page_never_prints_a_character_xml_forbids(client, path: str) -> None:
    """A page echoes what was typed (a search, a path): a character XML 1.0 forbids is shown
    as U+FFFD, so any HTML or XML reader takes the page."""
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.mimetype == "text/html"
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", answer.get_data(as_text=True)
                     ) is None
    if answer.status_code == 200:
        assert "\ufffd" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("where", "raw"), [("URL", "query=ASK%7B%7D%"), ("URL", "query=%ZZ"),
                                            ("body", "query=ASK%7B%7D%2")])
def test_a_bad_percent_escape_is_a_400_saying_so(client, where: str, raw: str) -> None:
    """'%' without two hex digits is no escape (RFC 3986 2.1): not read as a literal '%' and
    sent to the parser (whose 'expected [_]' says nothing of the cause)."""
    if where == "URL":
        answer = client.get("/sparql?" + raw)
    else:
        answer = client.post("/sparql", data=raw,
                             content_type="application/x-www-form-urlencoded")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400, text
    assert "percent-escape" in text and "%25" in text and text.count("\n") == 1


def test_a_form_with_both_query_and_update_is_a_400(client) -> None:
    """One request, one operation (SPARQL 1.1 Protocol 2.1, 2.2): both is malformed, not an
    update to refuse nor a query to run."""
    answer = client.post("/sparql", data="query=ASK%7B%7D&update=CLEAR%20ALL",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    assert "both 'query' and 'update'" in answer.get_data(as_text=True)
    alone = client.post("/sparql", data="update=CLEAR%20ALL",
                        content_type="application/x-www-form-urlencoded")
    assert alone.status_code == 403
