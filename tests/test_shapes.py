"""SHACL shapes against the cases of tests/data/shapes/manifest.yaml (pySHACL sht style)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from tarihkg.errors import InputError
from tarihkg.iri import Minter
from tarihkg.namespaces import TKG
from tarihkg.validate import load_shapes, validate_graph

MINT = Minter()

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "shapes"
MANIFEST = yaml.safe_load((DATA / "manifest.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "tarihkg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


def _case_graph(name: str) -> Graph:
    graph = Graph().parse(DATA / "base.ttl", format="turtle")
    return graph.parse(DATA / name, format="turtle")


def _results(report: Graph) -> set[tuple[str, str]]:
    return {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def test_base_graph_conforms(ontology: Graph, shapes: Graph) -> None:
    report = validate_graph(
        Graph().parse(DATA / "base.ttl"), shapes=shapes, ontology=ontology
    )
    assert report.conforms, report.text


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_case(case: dict, ontology: Graph, shapes: Graph) -> None:
    report = validate_graph(_case_graph(case["file"]), shapes=shapes, ontology=ontology)
    if case["conforms"]:
        assert report.conforms, report.text
        return
    assert not report.conforms
    found = _results(report.graph)
    expected = {
        (v["focus"], str(SH) + v["component"].removeprefix("sh:")) for v in case["violations"]
    }
    assert expected <= found, f"missing {expected - found}; report:\n{report.text}"
    # the broken thing is the only thing reported: nothing in base.ttl is hit as a side effect
    assert {focus for focus, _ in found} <= {focus for focus, _ in expected}, report.text


def test_every_shape_has_a_valid_and_an_invalid_case(shapes: Graph) -> None:
    files = {c["file"] for c in MANIFEST}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        name = str(shape).rsplit("#", 1)[1].removesuffix("Shape")
        kebab = "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")
        assert f"valid-{kebab}.ttl" in files, shape
        assert any(f.startswith(f"invalid-{kebab}-") for f in files), shape


def test_every_class_is_targeted(ontology: Graph, shapes: Graph) -> None:
    """Every tkg: class is the target of a shape, itself or through a superclass."""
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(str(TKG)):
            continue
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        assert supers & targets, f"no shape targets {cls}"


def test_every_result_has_an_english_message(ontology: Graph, shapes: Graph) -> None:
    report = validate_graph(
        _case_graph("invalid-claim-source-other-document.ttl"), shapes=shapes, ontology=ontology
    )
    assert report.violations
    for violation in report.violations:
        assert violation.message and violation.message != "(no message)"
    line = next(v.line() for v in report.violations if "claim/f-000" in v.focus)
    assert "000_539a70a237dcfef4" in line and "sentence" in line


def test_report_text_is_sorted_one_line_per_violation(ontology: Graph, shapes: Graph) -> None:
    report = validate_graph(
        _case_graph("invalid-unit-hierarchy-cycle.ttl"), shapes=shapes, ontology=ontology
    )
    header, lines = report.text.splitlines()[:3], report.text.splitlines()[3:]
    assert header[0] == "Conforms: False"
    assert header[2] == f"Results: {len(report.violations)}"
    assert len(lines) == len(report.violations) >= 2
    assert [v.line() for v in sorted(report.violations)] == lines


def test_validates_union_of_named_graphs(ontology: Graph, shapes: Graph) -> None:
    """A claim in one named graph, its sentence and document in another: the union is checked."""
    data = Dataset()
    claims = data.graph(MINT.graph("002_afd972166be37c54"))
    rest = data.graph(MINT.graph("curation"))
    for triple in _case_graph("invalid-claim-source-other-document.ttl"):
        (claims if triple[0] == MINT.resource("claim", "f-000-wrong-source") else rest).add(triple)
    report = validate_graph(data, shapes=shapes, ontology=ontology)
    focus = f"<{MINT.resource('claim', 'f-000-wrong-source')}>"
    assert any(
        v.focus == focus and v.component == f"<{SH.SPARQLConstraintComponent}>"
        for v in report.violations
    ), report.text


def test_load_shapes_rejects_empty_dir(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_shapes(tmp_path)


def test_fast_on_a_generated_graph(ontology: Graph, shapes: Graph) -> None:
    """Validation time grows with the data, not explosively: 600 sentences well under 30 s."""
    graph = Graph().parse(DATA / "base.ttl")
    source = MINT.resource("source", "002_afd972166be37c54")
    for i in range(600):
        sentence = MINT.resource("sentence", f"002_afd972166be37c54/{i * 50}-{i * 50 + 40}")
        graph.add((sentence, RDF.type, TKG.Sentence))
        graph.add((sentence, TKG.inSource, source))
        graph.add((sentence, TKG.startOffset, Literal(i * 50, datatype=XSD.integer)))
        graph.add((sentence, TKG.endOffset, Literal(i * 50 + 40, datatype=XSD.integer)))
        graph.add((sentence, TKG.text, Literal(f"cümle {i}")))
        graph.add((sentence, TKG.zone, TKG.zoneBody))
    started = time.perf_counter()
    report = validate_graph(graph, shapes=shapes, ontology=ontology)
    assert report.conforms, report.text
    assert time.perf_counter() - started < 30
