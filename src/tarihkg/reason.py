"""Ontology + dataset (union of named graphs) -> HermiT consistency check and the inferred triples.

Only this module imports owlready2. Each call loads the ontology and the OWL-relevant part of
the data (``rdf:type`` to ontology classes, assertions of the ontology's object and datatype
properties, ``owl:differentFrom``; annotations take no part in reasoning) into a fresh
owlready2 ``World`` and runs HermiT. An inconsistent ontology+data or an unsatisfiable class
raises ``InconsistencyError``.

The inferred graph holds (1) the ``rdf:type`` assertions HermiT's realisation adds to data
individuals (not to the ontology's own), expanded to all named superclasses (owlready2 reports
only the most specific types), and (2) the closure of the tkg: object properties under
``owl:inverseOf``, ``owl:SymmetricProperty`` and ``owl:TransitiveProperty``, computed here from
the ontology's axioms: owlready2 stores a property and its inverse as one relation, so HermiT's
property values alone would miss the inverse triples. Asserted triples are never repeated.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import owlready2
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from tarihkg.errors import InconsistencyError, InternalError
from tarihkg.graphs import union_graph
from tarihkg.namespaces import TKG

log = logging.getLogger(__name__)

_TKG = str(TKG)


@dataclass(frozen=True)
class ReasoningResult:
    """What the reasoner added, for ``graph/inferred``, and how long it took."""

    inferred: Graph
    input_triples: int
    reasoner_seconds: float
    total_seconds: float


def reason_dataset(data: Dataset, *, ontology: Graph) -> ReasoningResult:
    """Check ``ontology`` + the union of ``data``'s graphs with HermiT; return the inferred triples.

    Raises ``InconsistencyError`` (naming the offending classes or individuals where it can)
    and ``InternalError`` when Java is missing or HermiT fails.
    """
    started = time.perf_counter()
    asserted = union_graph(data)
    owl_input = _owl_input(asserted, ontology)
    log.info("reasoning over %d triples (%d asserted)", len(owl_input), len(asserted))
    _require_java()
    with tempfile.TemporaryDirectory(prefix="tarihkg-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        owl_input.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load()
            reasoner_started = time.perf_counter()
            _run_hermit(world, asserted, ontology, tmp_dir=tmp)
            reasoner_seconds = time.perf_counter() - reasoner_started
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes())
            if unsatisfiable:
                raise InconsistencyError(
                    "unsatisfiable classes: " + ", ".join(f"<{iri}>" for iri in unsatisfiable),
                    iri=unsatisfiable[0],
                )
            inferred = _inferred_types(world, asserted)
        finally:
            world.close()
    inferred += property_closure(asserted, ontology=ontology)
    total = time.perf_counter() - started
    log.info(
        "HermiT: consistent, %d inferred triples (reasoner %.1f s, total %.1f s)",
        len(inferred), reasoner_seconds, total,
    )
    return ReasoningResult(inferred, len(owl_input), reasoner_seconds, total)


def property_closure(data: Graph, *, ontology: Graph) -> Graph:
    """Triples of tkg: object properties implied by inverse, symmetric and transitive axioms.

    Only triples not already in ``data`` are returned.
    """
    inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            inverse[p].add(q)
            inverse[q].add(p)
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        if isinstance(p, URIRef):
            inverse[p].add(p)
    transitive = {p for p in ontology.subjects(RDF.type, OWL.TransitiveProperty)}
    closed = Graph()
    for s, p, o in data:
        if isinstance(p, URIRef) and str(p).startswith(_TKG):
            closed.add((s, p, o))
    changed = True
    while changed:
        size = len(closed)
        for s, p, o in list(closed):
            for q in inverse.get(p, ()):  # type: ignore[call-overload]
                closed.add((o, q, s))
        for p in transitive:
            _transitive_closure(closed, p)  # type: ignore[arg-type]
        changed = len(closed) != size
    result = Graph()
    for triple in closed:
        if triple not in data:
            result.add(triple)
    return result


def _transitive_closure(graph: Graph, prop: URIRef) -> None:
    successors: dict[Node, set[Node]] = defaultdict(set)
    for s, o in graph.subject_objects(prop):
        successors[s].add(o)
    for start in list(successors):
        seen: set[Node] = set()
        stack = list(successors[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(successors.get(node, ()))
        for node in seen:
            graph.add((start, prop, node))


def _owl_input(asserted: Graph, ontology: Graph) -> Graph:
    """The ontology plus the data triples that OWL reasoning can use, with declarations."""
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    graph = Graph()
    graph += ontology
    individuals: set[URIRef] = set()
    for s, p, o in asserted:
        if not isinstance(s, URIRef) or s in classes or s in properties:
            continue
        if (p == RDF.type and o in classes) or p in properties or p == OWL.differentFrom:
            graph.add((s, p, o))
            individuals.add(s)
            if isinstance(o, URIRef) and p != RDF.type:
                individuals.add(o)
    for ind in individuals:
        graph.add((ind, RDF.type, OWL.NamedIndividual))
    return graph


def _require_java() -> None:
    java = owlready2.JAVA_EXE
    if shutil.which(java) is None:
        raise InternalError(
            f"the reasoner needs Java 17 or later, and {java!r} was not found on PATH "
            "(install a JRE, e.g. `apt-get install openjdk-17-jre-headless`)"
        )


def _run_hermit(world: owlready2.World, asserted: Graph, ontology: Graph, *, tmp_dir: str
                ) -> None:
    """HermiT over ``world``. owlready2 writes its input to a temp file that it deletes only
    when HermiT succeeds, so temp files go to ``tmp_dir`` (removed by the caller) meanwhile."""
    system_tmp = tempfile.tempdir
    tempfile.tempdir = tmp_dir
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        hints = explain_inconsistency(asserted, ontology=ontology)
        detail = "; ".join(hints) if hints else "HermiT gives no explanation; check disjoint types"
        raise InconsistencyError("ontology and data are inconsistent: " + detail) from error
    except FileNotFoundError as error:
        raise InternalError("the reasoner needs Java 17 or later: " + str(error)) from error
    except (OSError, owlready2.OwlReadyJavaError) as error:
        raise InternalError(f"HermiT failed: {error}") from error
    finally:
        tempfile.tempdir = system_tmp


def _inferred_types(world: owlready2.World, asserted: Graph) -> Graph:
    inferred = Graph()
    for individual in world.individuals():
        if individual.iri.startswith(_TKG):
            continue
        subject = URIRef(individual.iri)
        types: set[str] = set()
        for cls in individual.is_a:
            if isinstance(cls, owlready2.ThingClass):
                types.update(a.iri for a in cls.ancestors() if a is not owlready2.Thing)
        for iri in types:
            triple = (subject, RDF.type, URIRef(iri))
            if triple not in asserted:
                inferred.add(triple)
    return inferred


def explain_inconsistency(data: Graph, *, ontology: Graph) -> list[str]:
    """Readable reasons the data may contradict the ontology (disjoint types, functional values).

    A cheap diagnosis over asserted types and the named domains and ranges of the properties
    used, closed under ``rdfs:subClassOf``; HermiT itself only says "inconsistent".
    """
    superclasses = _superclass_closure(ontology)
    disjoint = _disjoint_pairs(ontology)
    hints: list[str] = []
    types: dict[Node, set[Node]] = defaultdict(set)
    for s, cls in data.subject_objects(RDF.type):
        types[s] |= superclasses.get(cls, {cls})
    for axiom, index in ((RDFS.domain, 0), (RDFS.range, 2)):
        for prop, cls in ontology.subject_objects(axiom):
            if not isinstance(cls, URIRef):
                continue
            for triple in data.triples((None, prop, None)):
                node = triple[index]
                if not isinstance(node, Literal):
                    types[node] |= superclasses.get(cls, {cls})
    for s, found in sorted(types.items(), key=lambda item: str(item[0])):
        for a, b in combinations(sorted(found, key=str), 2):
            if frozenset((a, b)) in disjoint:
                hints.append(f"<{s}> is both <{a}> and <{b}>, which are disjoint")
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
    different = _all_different(ontology)
    for prop in sorted(functional, key=str):
        values: dict[Node, set[Node]] = defaultdict(set)
        for s, o in data.subject_objects(prop):
            values[s].add(o)
        for s, objects in sorted(values.items(), key=lambda item: str(item[0])):
            literals = {o for o in objects if isinstance(o, Literal)}
            named = objects & different
            if len(literals) > 1 or len(named) > 1:
                shown = ", ".join(sorted(str(o) for o in objects))
                hints.append(f"<{s}> has several values of functional <{prop}>: {shown}")
    return hints


def _superclass_closure(ontology: Graph) -> dict[Node, set[Node]]:
    direct: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sup, URIRef):
            direct[sub].add(sup)
    closure: dict[Node, set[Node]] = {}
    for cls in list(direct):
        seen = {cls}
        stack = list(direct[cls])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        closure[cls] = seen
    return closure


def _disjoint_pairs(ontology: Graph) -> set[frozenset[Node]]:
    pairs = {frozenset(pair) for pair in ontology.subject_objects(OWL.disjointWith)}
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = _members(ontology, node, OWL.members)
        pairs.update(frozenset(pair) for pair in combinations(members, 2))
    return pairs


def _all_different(ontology: Graph) -> set[Node]:
    members: set[Node] = set()
    for node in ontology.subjects(RDF.type, OWL.AllDifferent):
        members.update(_members(ontology, node, OWL.distinctMembers))
    return members


def _members(ontology: Graph, node: Node, prop: URIRef) -> Iterable[Node]:
    head = ontology.value(node, prop)
    if not isinstance(head, BNode | URIRef):
        return []
    return list(Collection(ontology, head))
