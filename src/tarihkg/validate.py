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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
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


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _ValidatedGraph(Graph):
    """The graph pySHACL validates. pySHACL runs a SPARQL-based constraint once per focus node,
    the same text each time with ``$this`` bound, and rdflib parses a text on every call (about
    25 ms each; some 200 calls per build): here a text is parsed once and the prepared query
    is evaluated with each call's bindings, as rdflib's `prepareQuery` is meant to be used."""

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Mapping[str, Any] | None = None,  # noqa: N803 - rdflib's names
              initBindings: Mapping[str, Any] | None = None,  # noqa: N803
              use_store_provided: bool = True, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            namespaces = initNs or dict(self.namespaces())  # what Graph.query would use
            query_object = _prepared(query_object, tuple(sorted(
                (prefix, str(ns)) for prefix, ns in namespaces.items())))
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def validate_graph(
    data: Dataset | Graph, *, shapes: Graph, ontology: Graph
) -> ValidationReport:
    """Validate the union of ``data``'s graphs against ``shapes``, with ``ontology`` mixed in."""
    started = time.perf_counter()
    union = union_graph(data, into=_ValidatedGraph())
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
