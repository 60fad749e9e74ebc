"""Every kind of dataset IRI answers under its own path: HTML for browsers, Turtle, N-Triples,
JSON-LD and RDF/XML by Accept or extension, with Vary and Link headers; unknown IRIs get a 404.
RDF answers are parsed with rdflib and checked against the built dump."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from tarihkg.names import BASE

RDF_TYPES = {"ttl": ("text/turtle", "turtle"), "nt": ("application/n-triples", "nt"),
             "jsonld": ("application/ld+json", "json-ld"), "rdf": ("application/rdf+xml", "xml")}


@pytest.fixture(scope="module")
def dump(built_dataset: Dataset) -> Dataset:
    return built_dataset


XSD = "http://www.w3.org/2001/XMLSchema#"


def _norm(term):
    """Decimals are compared by value (the store writes them in canonical form); every other
    literal, integers included, must come back exactly as the dump has it."""
    if isinstance(term, Literal) and term.datatype == URIRef(XSD + "decimal"):
        return Literal(format(Decimal(str(term)).normalize(), "f"), datatype=term.datatype)
    return term


def _path(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE):]


def _parse(body: bytes, fmt: str) -> Graph:
    g = Graph()
    g.parse(data=body, format=fmt)
    return g


def _subjects_of_kind(dump: Dataset, kind: str) -> list[str]:
    prefix = f"{BASE}resource/{kind}/"
    return sorted({str(s) for s, _, _, _ in dump.quads((None, None, None, None))
                   if isinstance(s, URIRef) and str(s).startswith(prefix)})


KINDS = ["person", "unit", "place", "event", "treaty", "polity", "organization", "source",
         "sentence", "footnote", "mention", "citation", "work", "record", "claim", "date",
         "coordinates"]


@pytest.mark.parametrize("kind", KINDS)
def test_random_iri_of_each_kind_answers_in_every_format(built_client, dump, kind):
    iris = _subjects_of_kind(dump, kind)
    assert iris, f"the dump has no {kind} resources"
    iri = random.Random(kind).choice(iris)
    expected = {(p, _norm(o)) for _, p, o, _ in dump.quads((URIRef(iri), None, None, None))}
    for ext, (media, rdflib_name) in RDF_TYPES.items():
        by_accept = built_client.get(_path(iri), headers={"Accept": media})
        assert by_accept.status_code == 200, (iri, media)
        assert by_accept.mimetype == media
        assert "Accept" in by_accept.headers["Vary"]
        assert by_accept.headers["Content-Location"] == f"{_path(iri)}.{ext}"
        g = _parse(by_accept.data, rdflib_name)
        got = {(p, _norm(o)) for p, o in g.predicate_objects(URIRef(iri))}
        assert expected <= got, f"{iri} as {media} misses {list(expected - got)[:3]}"
        by_ext = built_client.get(f"{_path(iri)}.{ext}")
        assert by_ext.status_code == 200 and by_ext.mimetype == media
        assert len(_parse(by_ext.data, rdflib_name)) == len(g)
    page = built_client.get(_path(iri), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert iri in page.get_data(as_text=True)
    links = page.headers["Link"]
    for ext, (media, _) in RDF_TYPES.items():
        assert f'<{_path(iri)}.{ext}>; rel="alternate"; type="{media}"' in links


def test_rdf_of_a_resource_carries_labels_of_linked_nodes_and_incoming_links(built_client):
    r = built_client.get("/resource/person/nuri-pasa", headers={"Accept": "text/turtle"})
    g = _parse(r.data, "turtle")
    nuri = URIRef(BASE + "resource/person/nuri-pasa")
    enver = URIRef(BASE + "resource/person/enver-pasa")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert (nuri, URIRef(BASE + "ontology#sibling"), enver) in g
    assert any(True for _ in g.objects(enver, label)), "linked node without its label"
    claims = set(g.subjects(URIRef(BASE + "ontology#claimSubject"), nuri))
    assert claims, "incoming claims are part of the description"
    as_jsonld = _parse(built_client.get("/resource/person/nuri-pasa.jsonld").data, "json-ld")
    assert len(as_jsonld) == len(g), "JSON-LD carries the same description as Turtle"


def test_triples_from_every_graph_are_in_the_description(built_client, dump):
    iri = URIRef(BASE + "resource/place/baku")
    graphs = {str(c) for _, _, _, c in dump.quads((iri, None, None, None))}
    assert {BASE + "graph/curation", BASE + "graph/inferred"} <= graphs
    g = _parse(built_client.get("/resource/place/baku.nt").data, "nt")
    served = {(p, _norm(o)) for p, o in g.predicate_objects(iri)}
    for _, p, o, _ in dump.quads((iri, None, None, None)):
        assert (p, _norm(o)) in served


def test_default_accept_gets_turtle_and_html_needs_asking(built_client):
    assert built_client.get("/resource/place/baku").mimetype == "text/turtle"
    assert built_client.get("/resource/place/baku", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    r = built_client.get("/resource/place/baku", headers={"Accept": "text/html"})
    assert r.mimetype == "text/html" and "Content-Location" not in r.headers


def test_unacceptable_type_is_406_and_unknown_iri_is_404(built_client):
    r = built_client.get("/resource/place/baku", headers={"Accept": "image/png"})
    assert r.status_code == 406
    for accept in ("text/turtle", "text/html"):
        r = built_client.get("/resource/person/no-such-person", headers={"Accept": accept})
        assert r.status_code == 404
    html = built_client.get("/resource/place/bakux", headers={"Accept": "text/html"})
    text = html.get_data(as_text=True)
    assert html.mimetype == "text/html" and "/resource/place/baku" in text, "404 suggests Bakü"
    assert built_client.get("/resource/place/baku.png").status_code in (404, 200) and \
        built_client.get("/resource/place/baku.xyz").status_code == 404


def test_ontology_and_its_terms(built_client):
    r = built_client.get("/ontology", headers={"Accept": "text/turtle"})
    g = _parse(r.data, "turtle")
    person = URIRef(BASE + "ontology#Person")
    assert (person, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/2002/07/owl#Class")) in g
    for ext, (media, name) in RDF_TYPES.items():
        r = built_client.get(f"/ontology.{ext}")
        assert r.mimetype == media and len(_parse(r.data, name)) == len(g)
    html = built_client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Person"' in html and 'id="commander"' in html
    assert "E21_Person" in html, "alignments are shown"


def test_named_graphs(built_client, dump):
    for ctx in dump.graphs():
        name = str(ctx.identifier)
        if not name.startswith(BASE + "graph/"):
            continue
        r = built_client.get(_path(name) + ".nt")
        assert r.status_code == 200
        assert len(_parse(r.data, "nt")) == len(set(dump.graph(ctx.identifier)))
        html = built_client.get(_path(name), headers={"Accept": "text/html"})
        assert html.status_code == 200 and name in html.get_data(as_text=True)
    assert built_client.get("/graph/nope", headers={"Accept": "text/turtle"}).status_code == 404
