"""Dataset or graph + SHACL shapes + ontology -> validation report (conforms, report graph, text).

Only this module imports pyshacl. Validation runs over the union of all graphs of the data
(what is served), with the ontology mixed in, SHACL-AF on (the SPARQL-based checks find their
few candidates with one SPARQL target query each) and ``inference="none"``: SHACL's own
``rdf:type/rdfs:subClassOf*`` semantics for ``sh:targetClass`` and ``sh:class`` already make a
``tkg:Battle`` a ``tkg:Event`` once the ontology is present, while RDFS inference would add
domain/range types that hide exactly the errors ``sh:class`` is meant to catch (and costs
seconds more on every build).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from tarihkg.errors import InputError
from tarihkg.graphs import union_graph

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, in terms a reader can act on."""

    focus: str
    path: str
    value: str
    message: str
    component: str
    shape: str

    def line(self) -> str:
        """One readable line: focus, path, value, message."""
        where = f"{self.focus} {self.path}" if self.path else self.focus
        value = f" = {self.value}" if self.value and self.value != self.focus else ""
        return f"{where}{value}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of ``validate_graph``."""

    conforms: bool
    graph: Graph
    text: str
    violations: tuple[Violation, ...]
    seconds: float


def load_shapes(shapes_dir: Path) -> Graph:
    """All ``*.ttl`` files of ``shapes_dir`` parsed into one graph."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise InputError("no shapes (*.ttl) found", path=shapes_dir)
    shapes = Graph()
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad Turtle
            raise InputError(f"cannot parse shapes: {error}", path=path) from error
    log.debug("loaded %d shape triples from %d files", len(shapes), len(files))
    return shapes


def validate_graph(
    data: Dataset | Graph, *, shapes: Graph, ontology: Graph
) -> ValidationReport:
    """Validate the union of ``data``'s graphs against ``shapes``, with ``ontology`` mixed in."""
    started = time.perf_counter()
    union = union_graph(data)
    conforms, report_graph, _ = pyshacl.validate(
        union,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=False,
    )
    violations = tuple(sorted(_violations(report_graph)))
    seconds = time.perf_counter() - started
    n_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
    header = (
        f"Conforms: {bool(conforms)}\n"
        f"Validated: {len(union)} triples (the union of all named graphs) against {n_shapes} node shapes\n"
        f"Results: {len(violations)}\n"
    )
    text = header + "".join(f"{v.line()}\n" for v in violations)
    log.info(
        "SHACL: %s, %d results over %d triples in %.1f s",
        "conforms" if conforms else "violations", len(violations), len(union), seconds,
    )
    return ValidationReport(bool(conforms), report_graph, text, violations, seconds)


def _violations(report: Graph) -> list[Violation]:
    results = []
    for result in report.subjects(SH.resultSeverity, None):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        english = [
            str(m) for m in report.objects(result, SH.resultMessage)
            if isinstance(m, Literal) and m.language == "en"
        ]
        results.append(
            Violation(
                focus=_show(report.value(result, SH.focusNode)),
                path=_show(report.value(result, SH.resultPath)),
                value=_show(report.value(result, SH.value)),
                message=(english or messages or ["(no message)"])[0],
                component=_show(report.value(result, SH.sourceConstraintComponent)),
                shape=_show(report.value(result, SH.sourceShape)),
            )
        )
    return results


def _show(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    return "_:" + str(node)[:8]
