"""The ontology (ontology/tarihkg.ttl), its generated namespace module and its violation queries."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VANN, XSD

from tarihkg.names import WD, WDT
from tarihkg.namespaces import TKG

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_IRI = URIRef("https://w3id.org/tarihkg/ontology")
SHAPES_DATA = ROOT / "tests" / "data" / "shapes"
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*-violation.rq"))
EXPECTED_ROWS = yaml.safe_load(
    (SHAPES_DATA / "violation-queries" / "expected.yaml").read_text(encoding="utf-8")
)
DECLARATIONS = (
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
# the OWL 2 datatype map (the ones a data model like ours could use) plus rdf:langString
OWL2_DATATYPES = {
    XSD.string, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.decimal,
    XSD.boolean, XSD.dateTime, XSD.dateTimeStamp, XSD.anyURI, RDF.PlainLiteral,
    URIRef(str(RDF) + "langString"),
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "tarihkg.ttl", format="turtle")


def _terms(ontology: Graph) -> set[URIRef]:
    return {
        s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(TKG))
    }


def _langs(graph: Graph, subject: URIRef, prop: URIRef) -> list[str | None]:
    return sorted(
        (o.language for o in graph.objects(subject, prop) if isinstance(o, Literal)),
        key=str,
    )


def test_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        "https://w3id.org/tarihkg/ontology/1.0.0"
    )
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert {"tr", "en"} <= set(_langs(ontology, ONTOLOGY_IRI, DCTERMS.title))  # type: ignore[arg-type]
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    assert str(ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == "tkg"


def test_every_term_of_the_model_exists(ontology: Graph) -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    text += (ROOT / "docs" / "curation.md").read_text(encoding="utf-8")
    named = {TKG[name] for name in re.findall(r"\btkg:([A-Za-z][A-Za-z0-9]*)", text)}
    assert named, "docs name no tkg: terms"
    assert named - _terms(ontology) == set()


def test_every_term_has_labels_and_definition(ontology: Graph) -> None:
    for term in _terms(ontology):
        assert _langs(ontology, term, RDFS.label) == ["en", "tr"], term
        assert "en" in _langs(ontology, term, SKOS.definition), term


def test_every_tkg_iri_used_is_declared(ontology: Graph) -> None:
    used = {
        node for triple in ontology for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(TKG))
    }
    assert used - _terms(ontology) == set()


def test_external_terms_in_axioms_are_declared(ontology: Graph) -> None:
    """OWL 2 DL: every class or property in an axiom is declared, external ones included."""
    declared = {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)}
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, OWL.inverseOf):
        for s, o in ontology.subject_objects(prop):
            for node in (s, o):
                if isinstance(node, URIRef):
                    assert node in declared, (node, prop)


def test_wikidata_only_as_annotations(ontology: Graph) -> None:
    for s, p, o in ontology:
        if isinstance(o, URIRef) and (str(o).startswith(str(WD)) or str(o).startswith(str(WDT))):
            assert p in (SKOS.closeMatch, SKOS.exactMatch), (s, p, o)


def test_datatype_ranges_are_in_the_owl2_map(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in ontology.objects(prop, RDFS.range):
            assert rng in OWL2_DATATYPES, (prop, rng)
    assert ontology.value(TKG.earliest, RDFS.range) == XSD.dateTime


def test_property_characteristics(ontology: Graph) -> None:
    for prop in (TKG.echelon, TKG.startOffset, TKG.endOffset, TKG.edtf, TKG.earliest,
                 TKG.latest, TKG.precision):
        assert (prop, RDF.type, OWL.FunctionalProperty) in ontology, prop
    assert (TKG.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    for prop in (TKG.partOf, TKG.hasPart):  # time-bound: chained only within shared time
        assert (prop, RDF.type, OWL.TransitiveProperty) not in ontology, prop
    assert (TKG.conflictsWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert (TKG.partOf, OWL.inverseOf, TKG.hasPart) in ontology
    assert (TKG.commander, OWL.inverseOf, TKG.commands) in ontology
    for prop in (TKG.claimPredicate, TKG.claimValue, TKG.quote, TKG.note):
        assert (prop, RDF.type, OWL.AnnotationProperty) in ontology, prop


def _disjoint(ontology: Graph, a: URIRef, b: URIRef) -> bool:
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = set(ontology.items(ontology.value(node, OWL.members)))
        if {a, b} <= members:
            return True
    return False


def test_disjointness(ontology: Graph) -> None:
    top = [TKG.Person, TKG.Organization, TKG.Polity, TKG.Place, TKG.Event, TKG.Treaty,
           TKG.TimeSpan, TKG.TextSpan, TKG.SourceDocument, TKG.ArchivalRecord, TKG.Claim]
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            assert _disjoint(ontology, a, b), (a, b)
    spans = [TKG.Sentence, TKG.Footnote, TKG.Mention, TKG.InTextCitation]
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            assert _disjoint(ontology, a, b), (a, b)
    assert (TKG.MilitaryUnit, RDFS.subClassOf, TKG.Organization) in ontology
    assert not _disjoint(ontology, TKG.MilitaryUnit, TKG.Organization)
    # a work an article cites may itself be one of the source documents
    assert not _disjoint(ontology, TKG.CitedWork, TKG.SourceDocument)


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_namespaces", ROOT / "scripts" / "gen_namespaces.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_namespace_module_is_up_to_date(ontology: Graph, tmp_path: Path) -> None:
    out = tmp_path / "namespaces.py"
    assert _generator().main(["--output", str(out)]) == 0
    current = (ROOT / "src" / "tarihkg" / "namespaces.py").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == current, (
        "src/tarihkg/namespaces.py is stale: run python scripts/gen_namespaces.py"
    )


def test_namespace_is_closed_and_complete(ontology: Graph) -> None:
    for term in _terms(ontology):
        assert TKG[str(term)[len(str(TKG)):]] == term
    with pytest.raises(AttributeError):
        TKG.Battel  # noqa: B018 (a misspelling must fail)


def test_shapes_use_only_ontology_terms(ontology: Graph) -> None:
    terms = _terms(ontology)
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes = Graph().parse(path, format="turtle")
        used = {
            node for triple in shapes for node in triple
            if isinstance(node, URIRef) and str(node).startswith(str(TKG))
        }
        text = path.read_text(encoding="utf-8")
        used |= {TKG[name] for name in re.findall(r"\btkg:([A-Za-z][A-Za-z0-9]*)", text)}
        assert used - terms == set(), path.name


def test_violation_queries_are_all_tested() -> None:
    assert QUERIES
    assert {q.stem for q in QUERIES} == set(EXPECTED_ROWS)


def _good_graph(ontology: Graph) -> Graph:
    graph = Graph()
    graph += ontology
    graph.parse(SHAPES_DATA / "base.ttl", format="turtle")
    for path in sorted(SHAPES_DATA.glob("valid-*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_violation_query_passes_on_good_graph(query: Path, ontology: Graph) -> None:
    rows = list(_good_graph(ontology).query(query.read_text(encoding="utf-8")))
    assert rows == []


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_violation_query_finds_bad_graph(query: Path, ontology: Graph) -> None:
    graph = Graph()
    graph += ontology
    graph.parse(SHAPES_DATA / "violation-queries" / f"{query.stem}.ttl", format="turtle")
    rows = list(graph.query(query.read_text(encoding="utf-8")))
    assert URIRef(EXPECTED_ROWS[query.stem]) in {row[0] for row in rows}  # type: ignore[index]


def test_label_suffix_query_spares_compound_names(ontology: Graph) -> None:
    """The possessive of a compound name is part of it; case suffixes are not."""
    query = (ROOT / "ontology" / "queries" / "label-suffix-violation.rq").read_text("utf-8")
    graph = Graph()
    seym = URIRef("https://w3id.org/tarihkg/resource/organization/transkafkasya-seymi")
    gence = URIRef("https://w3id.org/tarihkg/resource/place/gence")
    graph.add((seym, RDFS.label, Literal("Transkafkasya Seym’i", lang="tr")))
    graph.add((gence, RDFS.label, Literal("Gence’den", lang="tr")))
    graph.add((gence, SKOS.altLabel, Literal("Gence’de", lang="tr")))
    flagged = {row[0] for row in graph.query(query)}  # type: ignore[index]
    assert flagged == {gence}


def test_two_divisions_query_blames_the_regiment_not_its_battalions(ontology: Graph) -> None:
    """Transitivity copies a regiment's two divisions to its battalions: only the regiment."""
    query = (ROOT / "ontology" / "queries" / "unit-in-two-divisions-violation.rq").read_text(
        "utf-8"
    )
    unit = "https://w3id.org/tarihkg/resource/unit/"
    regiment, battalion = URIRef(unit + "38-alay"), URIRef(unit + "38-alay-2-tabur")
    graph = Graph()
    for division in (URIRef(unit + "15-piyade-tumeni"), URIRef(unit + "5-kafkas-tumeni")):
        graph.add((division, TKG.echelon, TKG.division))
        graph.add((regiment, TKG.partOf, division))
        graph.add((battalion, TKG.partOf, division))
    graph.add((battalion, TKG.partOf, regiment))
    assert {row[0] for row in graph.query(query)} == {regiment}  # type: ignore[index]
