"""HermiT reasoning over the ontology and small datasets (tests/data/reason/)."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from tarihkg.errors import InconsistencyError, InternalError
from tarihkg.iri import Minter
from tarihkg.names import CRM, SCHEMA
from tarihkg.namespaces import TKG
from tarihkg.reason import explain_inconsistency, property_closure, reason_dataset

MINT = Minter()

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "reason"

KIO = MINT.resource("unit", "kafkas-islam-ordusu")
TUMEN = MINT.resource("unit", "5-kafkas-tumeni")
ALAY = MINT.resource("unit", "9-kafkas-alayi")
NURI = MINT.resource("person", "nuri-pasa")
MURSEL = MINT.resource("person", "mursel-bey")
BATTLE = MINT.resource("event", "baku-muharebesi")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "tarihkg.ttl", format="turtle")


@pytest.fixture(scope="module")
def valid_result(ontology: Graph):
    data = Dataset()
    data.parse(DATA / "valid.trig", format="trig")
    return reason_dataset(data, ontology=ontology)


def _dataset(name: str) -> Dataset:
    data = Dataset()
    data.graph(MINT.graph("002_afd972166be37c54")).parse(DATA / name, format="turtle")
    return data


def test_ontology_alone_is_consistent(ontology: Graph) -> None:
    result = reason_dataset(Dataset(), ontology=ontology)
    assert len(result.inferred) == 0
    assert result.input_triples >= len(ontology)


def test_battle_is_inferred_an_event(valid_result) -> None:
    inferred = valid_result.inferred
    assert (BATTLE, RDF.type, TKG.Event) in inferred
    assert (BATTLE, RDF.type, CRM.E5_Event) in inferred
    assert (BATTLE, RDF.type, SCHEMA.Event) in inferred
    assert (KIO, RDF.type, TKG.Organization) in inferred


def test_undated_part_of_is_not_chained(valid_result) -> None:
    """partOf is not transitive in OWL: links that give no time are not chained (a regiment
    of 1910 is not in an army group of 1918); the inverse of each link is still inferred."""
    assert (ALAY, TKG.partOf, KIO) not in valid_result.inferred
    assert (KIO, TKG.hasPart, ALAY) not in valid_result.inferred
    assert (TUMEN, TKG.hasPart, ALAY) in valid_result.inferred
    assert (KIO, TKG.hasPart, TUMEN) in valid_result.inferred


def test_commands_is_the_inverse_of_commander(valid_result) -> None:
    assert (NURI, TKG.commands, KIO) in valid_result.inferred
    assert (MURSEL, TKG.commands, TUMEN) in valid_result.inferred
    # no command is invented: Nuri Paşa commands the army, not (by inference) the division
    assert (NURI, TKG.commands, TUMEN) not in valid_result.inferred


def test_inferred_graph_repeats_no_asserted_triple(valid_result) -> None:
    data = Dataset()
    data.parse(DATA / "valid.trig", format="trig")
    for s, p, o, _ in data.quads((None, None, None, None)):
        assert (s, p, o) not in valid_result.inferred
    assert valid_result.reasoner_seconds > 0
    assert valid_result.total_seconds >= valid_result.reasoner_seconds


def test_ontology_individuals_get_no_inferred_types(valid_result) -> None:
    assert not any(
        str(s).startswith(str(TKG)) for s in valid_result.inferred.subjects(RDF.type, None)
    )


def test_domain_gives_a_type(ontology: Graph) -> None:
    """An untyped resource with tkg:echelon is a military unit by the property's domain."""
    data = Dataset()
    data.graph(MINT.graph("curation")).add((TUMEN, TKG.echelon, TKG.division))
    result = reason_dataset(data, ontology=ontology)
    assert (TUMEN, RDF.type, TKG.MilitaryUnit) in result.inferred


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("inconsistent-disjoint.ttl", "resource/place/baku"),
        ("inconsistent-functional.ttl", "resource/sentence/002_afd972166be37c54/7980-8085"),
        ("inconsistent-echelon.ttl", "resource/unit/5-kafkas-tumeni"),
        ("inconsistent-range.ttl", "resource/polity/osmanli-devleti"),
    ],
)
def test_inconsistent_data_raises(ontology: Graph, name: str, named: str) -> None:
    with pytest.raises(InconsistencyError) as caught:
        reason_dataset(_dataset(name), ontology=ontology)
    assert caught.value.exit_code == 1
    assert named in str(caught.value)


def test_explanation_names_disjoint_classes(ontology: Graph) -> None:
    data = Graph().parse(DATA / "inconsistent-disjoint.ttl")
    hints = explain_inconsistency(data, ontology=ontology)
    assert any("place/baku" in h and "#Person" in h and "#Place" in h for h in hints), hints


def test_unsatisfiable_class_raises(ontology: Graph) -> None:
    broken = Graph()
    broken += ontology
    bad = URIRef(str(TKG) + "PersonPlace")
    broken.add((bad, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    broken.add((bad, RDFS.subClassOf, TKG.Person))
    broken.add((bad, RDFS.subClassOf, TKG.Place))
    with pytest.raises(InconsistencyError, match="PersonPlace"):
        reason_dataset(Dataset(), ontology=broken)


def test_missing_java_is_an_internal_error(
    ontology: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(InternalError, match="Java 17"):
        reason_dataset(_dataset("inconsistent-disjoint.ttl"), ontology=ontology)


def test_property_closure_symmetric_conflicts(ontology: Graph) -> None:
    a, b = MINT.resource("claim", "f-a"), MINT.resource("claim", "f-b")
    data = Graph()
    data.add((a, TKG.conflictsWith, b))
    assert set(property_closure(data, ontology=ontology)) == {(b, TKG.conflictsWith, a)}


def test_property_closure_located_in_chain(ontology: Graph) -> None:
    village, district, province = (MINT.resource("place", s) for s in ("k", "d", "p"))
    data = Graph()
    data.add((village, TKG.locatedIn, district))
    data.add((district, TKG.locatedIn, province))
    assert set(property_closure(data, ontology=ontology)) == {(village, TKG.locatedIn, province)}


def test_failed_reasoning_leaves_no_temp_file(ontology: Graph, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """owlready2 deletes its HermiT input file only on success; one was left per failed run."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(InconsistencyError):
        reason_dataset(_dataset("inconsistent-disjoint.ttl"), ontology=ontology)
    assert list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == str(tmp_path)
