"""Every case of the W3C SPARQL 1.1 Protocol test manifest (tests/data/w3c-protocol/, as
published), run as written against the endpoint: each request's method, path (under
``/sparql/``, the manifest's own), headers and body, and each response's expected status class,
boolean and format. The dataset is the manifest's: data1.nt-data3.nt, each in the named graph
its ``ut:graphData`` label names. The read-only endpoint differs in two documented ways:

* the 8 update cases must be refused (4xx, saying updates are not accepted) and leave the store
  as it was, where the manifest expects them to run (their follow-up queries are then not run);
* the manifest names ``data0.rdf`` as a protocol default graph for queries that read no data
  (``ASK {}``) without giving it any data; this endpoint refuses a graph it does not hold (400,
  never fetched), so the port holds data0.rdf as a graph of one triple, which those queries do
  not read.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from server import create_app
from tarihkg.store import build_store

HERE = Path(__file__).resolve().parent / "data" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DATA0 = "http://kasei.us/2009/09/sparql/data/data0.rdf"
RESULTS_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                 "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/rdf+xml", "application/n-triples",
             "application/ld+json", "application/n-quads", "application/trig")
SRX = "{http://www.w3.org/2005/sparql-results#}"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    boolean: bool | None
    format: str | None


@dataclass
class Case:
    name: str
    requests: list[Request] = field(default_factory=list)


def _manifest() -> list[Case]:
    g = Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=str(HERE) + "/")
    manifest = next(iter(g.subjects(RDF.type, MF.Manifest)))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        case = Case(str(test).rsplit("#", 1)[1])
        action = g.value(test, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue))
                       for h in Collection(g, g.value(req, HT.headers) or RDF.nil)}
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = g.value(req, HT.resp)
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            case.requests.append(Request(
                method=str(g.value(req, HT.methodName)), path=str(g.value(req, HT.absolutePath)),
                headers=headers, body=body,
                statuses={int(str(s)[-3]) for s in g.objects(resp, MF.expectedStatus)},
                boolean=None if boolean is None else boolean.toPython(),
                format=None if fmt is None else str(fmt)))
        cases.append(case)
    return cases


def _graph_data() -> dict[str, Path]:
    """The named graphs the manifest's tests load: label (graph IRI) -> data file."""
    g = Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=HERE.as_uri() + "/")
    out = {}
    for node in g.objects(None, UT.graphData):
        out[str(g.value(node, RDFS.label))] = Path(str(g.value(node, UT.graph)).removeprefix(
            "file://"))
    return out


CASES = _manifest()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    root = tmp_path_factory.mktemp("w3c")
    lines = []
    for name, path in sorted(_graph_data().items()):
        for triple in path.read_text(encoding="utf-8").splitlines():
            if triple.strip():
                lines.append(triple.rstrip().removesuffix(".").rstrip() + f" <{name}> .")
    lines.append(f"<{DATA0}> <{RDF.type}> <http://xmlns.com/foaf/0.1/Document> <{DATA0}> .")
    (root / "tarihkg.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_store(root / "tarihkg.nq", root / "store")
    app = create_app({"TESTING": True, "DATASET_DIR": str(root)})
    yield app.test_client()
    pool = app.extensions["tarihkg"].pool
    if pool is not None:
        pool.close()


def test_the_manifest_is_read_whole() -> None:
    assert len(CASES) == 34
    assert sum(len(c.requests) for c in CASES) == 39
    assert {u.rsplit("/", 1)[1] for u in _graph_data()} == {"data1.rdf", "data2.rdf",
                                                             "data3.rdf"}


def _quads(client) -> str:
    answer = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "text/csv"})
    return answer.get_data(as_text=True)


def _check_format(answer, request: Request) -> None:
    media = answer.mimetype
    body = answer.data
    if request.format == "boolean" or request.boolean is not None:
        if media == "application/sparql-results+json":
            got = json.loads(body)["boolean"]
        else:
            assert media == "application/sparql-results+xml", media
            got = ET.fromstring(body).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]
        if request.boolean is not None:
            assert got is request.boolean
    elif request.format == "tabular":
        assert media in RESULTS_TYPES, media
    elif request.format == "RDF":
        assert media in RDF_TYPES, media
        Graph().parse(data=body, format={"application/rdf+xml": "xml",
                                         "application/ld+json": "json-ld"}.get(media, "turtle"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_case(client, case: Case) -> None:
    before = _quads(client)
    for request in case.requests:
        answer = client.open(request.path, method=request.method, headers=request.headers,
                             data=request.body)
        text = answer.get_data(as_text=True)
        if case.name.startswith("update_"):
            # read-only: the update is refused with the reason, and nothing after it runs
            assert answer.status_code // 100 == 4, (answer.status_code, text)
            assert "not accepted" in text or "read-only" in text, text
            break
        assert answer.status_code // 100 in request.statuses, (answer.status_code, text)
        if answer.status_code // 100 == 4:
            assert text.count("\n") == 1, text  # one line saying why
        else:
            _check_format(answer, request)
    assert _quads(client) == before


def test_the_protocol_dataset_is_the_manifests(client) -> None:
    """The manifest's graphs hold what it says: one foaf:Document each, so the dataset cases
    above answer true for the right reason (and false without the graphs)."""
    ask = "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?t }"
    only2 = client.get("/sparql/", query_string={
        "query": ask, "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data2.rdf"})
    assert only2.get_json()["boolean"] is False
    both = client.get("/sparql/", query_string=[
        ("query", ask), ("default-graph-uri", "http://kasei.us/2009/09/sparql/data/data1.rdf")])
    assert both.get_json()["boolean"] is True
