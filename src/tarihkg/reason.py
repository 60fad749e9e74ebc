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
property values alone would miss the inverse triples; and (3) chains of the time-bound
properties (``tkg:partOf``, not transitive in OWL) only within the time their links share,
each with a ``tkg:InferredStatement`` naming its claims and that time (`temporal_closure`).
Asserted triples are never repeated.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

import owlready2
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS
from rdflib.term import Node

from tarihkg.errors import InconsistencyError, InternalError
from tarihkg.graphs import union_graph
from tarihkg.iri import Minter
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


def reason_dataset(
    data: Dataset, *, ontology: Graph, minter: Minter | None = None
) -> ReasoningResult:
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
    inferred += temporal_closure(asserted, ontology=ontology, minter=minter or Minter())
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


#: Properties chained only within the time their links share (orders of battle change).
TIME_BOUND = (TKG.partOf,)


@dataclass(frozen=True)
class _Held:
    """When a claimed link held: from the start of one time span to the end of another."""

    start: datetime
    end: datetime
    start_span: Node
    end_span: Node
    claims: tuple[Node, ...]


def _held(data: Graph, claim: Node) -> _Held | None:
    """The time a claim gives: tkg:validFrom (else tkg:date) to tkg:validUntil (else tkg:date)."""
    first = data.value(claim, TKG.validFrom) or data.value(claim, TKG.date)
    last = data.value(claim, TKG.validUntil) or data.value(claim, TKG.date)
    start = data.value(first, TKG.earliest) if first is not None else None
    end = data.value(last, TKG.latest) if last is not None else None
    if not (isinstance(start, Literal) and isinstance(end, Literal)):
        return None
    if first is None or last is None:
        return None
    return _Held(start.toPython(), end.toPython(), first, last, (claim,))


def _shared(a: _Held, b: _Held) -> _Held | None:
    start, start_span = (a.start, a.start_span) if a.start >= b.start else (b.start, b.start_span)
    end, end_span = (a.end, a.end_span) if a.end <= b.end else (b.end, b.end_span)
    if start > end:
        return None
    return _Held(start, end, start_span, end_span, a.claims + b.claims)


def temporal_closure(data: Graph, *, ontology: Graph, minter: Minter) -> Graph:
    """Chains of time-bound properties (`TIME_BOUND`) inferred only within shared time.

    A link is a reviewed claim whose direct triple is in ``data`` and which gives a time
    (``tkg:date``, or ``tkg:validFrom`` and ``tkg:validUntil``); a link without one is never
    chained, for nothing says when it held. ``a partOf b`` and ``b partOf c`` give ``a partOf c``
    only when their times overlap, stated with a ``tkg:InferredStatement`` that names the claims
    and the shared time; inverses (``hasPart``) follow. Never a regiment of 1910 inside an army
    group of 1918.
    """
    out = Graph()
    inverses = {p: {q for q in ontology.objects(p, OWL.inverseOf)}
                | {q for q in ontology.subjects(OWL.inverseOf, p)} for p in TIME_BOUND}
    for prop in TIME_BOUND:
        links: dict[Node, list[tuple[Node, _Held]]] = defaultdict(list)
        for claim in data.subjects(TKG.claimPredicate, prop):
            s, o = data.value(claim, TKG.claimSubject), data.value(claim, TKG.claimObject)
            held = _held(data, claim)
            reviewed = (claim, TKG.reviewStatus, TKG.reviewed) in data
            if reviewed and held is not None and (s, prop, o) in data and s is not None:
                links[s].append((o, held))  # type: ignore[arg-type]
        for start in sorted(links, key=str):
            stack: list[tuple[Node, _Held, tuple[Node, ...]]] = [
                (o, held, (start, o)) for o, held in links[start]
            ]
            while stack:
                node, held, path = stack.pop()
                for nxt, step in links.get(node, ()):
                    shared = _shared(held, step)
                    if shared is None or nxt in path:
                        continue
                    stack.append((nxt, shared, (*path, nxt)))
                    if (start, prop, nxt) not in data:
                        _infer(out, start, prop, nxt, shared, inverses[prop], minter)
    return out


def _infer(out: Graph, s: Node, prop: URIRef, o: Node, held: _Held,
           inverses: Iterable[Node], minter: Minter) -> None:
    key = "|".join(str(x) for x in (s, prop, o, *sorted(str(c) for c in held.claims)))
    node = minter.resource("inference", hashlib.sha256(key.encode()).hexdigest()[:16])
    out.add((s, prop, o))
    for q in inverses:
        out.add((o, q, s))
    out.add((node, RDF.type, TKG.InferredStatement))
    out.add((node, TKG.claimSubject, s))
    out.add((node, TKG.claimPredicate, prop))
    out.add((node, TKG.claimObject, o))
    for claim in held.claims:
        out.add((node, PROV.wasDerivedFrom, claim))
    out.add((node, TKG.validFrom, held.start_span))
    out.add((node, TKG.validUntil, held.end_span))


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


#: The variable the `java` launcher (JDK 9+) adds to its command line; owlready2 builds HermiT's
#: command itself, so this is the one way to give the JVM flags.
_JAVA_OPTIONS = "JDK_JAVA_OPTIONS"
#: HermiT runs a few seconds in a fresh JVM: the optimising JIT (C2) costs more than it gains
#: there. The quick JIT alone took HermiT on the build's input from 5.8 to 3.3 s (same output).
_HERMIT_JVM_FLAGS = "-XX:TieredStopAtLevel=1"


def _run_hermit(world: owlready2.World, asserted: Graph, ontology: Graph, *, tmp_dir: str
                ) -> None:
    """HermiT over ``world``. owlready2 writes its input to a temp file that it deletes only
    when HermiT succeeds, so temp files go to ``tmp_dir`` (removed by the caller) meanwhile."""
    system_tmp = tempfile.tempdir
    tempfile.tempdir = tmp_dir
    java_options = os.environ.get(_JAVA_OPTIONS)
    os.environ[_JAVA_OPTIONS] = " ".join(filter(None, (java_options, _HERMIT_JVM_FLAGS)))
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
        if java_options is None:
            del os.environ[_JAVA_OPTIONS]
        else:
            os.environ[_JAVA_OPTIONS] = java_options


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
