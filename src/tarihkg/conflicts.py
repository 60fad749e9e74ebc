"""Curated claims + the registry's disputed names -> one claim per printed name, and a
`tkg:Conflict` for every disagreement, saying what it is about (date, number, assignment, name,
citation)
where the two claims show it beyond doubt.

A disagreement is two claims, each with its own sentence and citation, linked by the symmetric
``tkg:conflictsWith``; the conflict node names both and the kind of thing disputed, derived from
the claims themselves (their property and the kind of their objects). Names the texts print two
ways for one entity (``disputed_names`` in the registry) are never merged in silence: each name
becomes a claim anchored to the sentence that prints it, and the names conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from itertools import combinations

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from tarihkg.annotate import AnnotatedSentence, AnnotatedSource, find_quote
from tarihkg.curation import CitationConflict, Entity
from tarihkg.errors import CurationError
from tarihkg.iri import Minter
from tarihkg.namespaces import TKG
from tarihkg.text.turkish import slugify

log = logging.getLogger(__name__)

_NAME_PREDICATES = (SKOS.altLabel, SKOS.prefLabel, RDFS.label)
#: Properties that place their subject somewhere (in a unit, under a commander, at a place).
_ASSIGNMENTS = {TKG.partOf, TKG.commander, TKG.memberOf, TKG.positionedAt, TKG.headquarters,
                TKG.appointedTo}
#: Properties whose object is a time span of their subject (when it happened, began, ended ...).
_DATES = {TKG.date, TKG.startDate, TKG.endDate, TKG.dateSent, TKG.dateReceived}
#: Classes of structured values whose disagreement is one of numbers.
_COUNTED = (TKG.Casualties, TKG.UnitStrength, TKG.Materiel, TKG.PlebisciteResult, TKG.Quantity,
            TKG.MonetaryAmount)


def _the_sentence(
    sources: Mapping[str, AnnotatedSource], source_id: str, quote: str, what: str,
    where: tuple[str, int],
) -> tuple[AnnotatedSource, AnnotatedSentence]:
    """The source and the one sentence of it that holds `quote`, else a `CurationError` at
    `where` naming `what` (the entry and the thing quoted)."""
    src = sources.get(source_id)
    if src is None:
        raise CurationError(f"{what}: unknown source {source_id!r}", path=where[0], line=where[1])
    found = find_quote(src, quote)
    if len(found) != 1:
        raise CurationError(
            f"{what}: quote {quote!r} found in {len(found)} sentences of {source_id}, "
            "not in exactly one",
            path=where[0], line=where[1],
        )
    return src, found[0]


def name_claims(
    sources: Mapping[str, AnnotatedSource], registry: Mapping[str, Entity], *, minter: Minter
) -> dict[str, Graph]:
    """Per source id, the claims of the disputed names of registry entities printed in it.

    Each name claim records the entity's label triple (``skos:prefLabel`` for its canonical
    label, else ``skos:altLabel``), the sentence that prints the name and its citations; the
    names of one entity conflict pairwise. Raises `CurationError` (registry file:line) when a
    quote is not in exactly one sentence or does not contain its name.
    """
    graphs: dict[str, Graph] = {}
    for ent in sorted(registry.values(), key=lambda e: e.id):
        claims = []
        for attested in ent.disputed_names:
            src, sentence = _the_sentence(
                sources, attested.source, attested.quote,
                f"{ent.id}: disputed name {attested.name!r}", (ent.path, ent.line),
            )
            if attested.name not in attested.quote:
                raise CurationError(
                    f"{ent.id}: disputed name {attested.name!r} is not in its quote",
                    path=ent.path, line=ent.line,
                )
            s = sentence.sentence
            claim = minter.resource("claim", f"name-{ent.id}-{slugify(attested.name)}")
            subject = minter.resource(ent.segment, ent.id)
            predicate = SKOS.prefLabel if attested.name == ent.label_tr else SKOS.altLabel
            g = graphs.setdefault(src.meta.id, Graph())
            g.add((claim, RDF.type, TKG.Claim))
            g.add((claim, TKG.claimSubject, subject))
            g.add((claim, TKG.claimPredicate, predicate))
            g.add((claim, TKG.claimValue, Literal(attested.name, lang="tr")))
            g.add((claim, TKG.statedIn, minter.span("sentence", src.meta.id, s.start, s.end)))
            g.add((claim, PROV.wasDerivedFrom, minter.resource("source", src.meta.id)))
            g.add((claim, TKG.quote, Literal(attested.quote)))
            g.add((claim, TKG.reviewStatus, TKG.reviewed))
            if s.footnote is not None:
                g.add((claim, TKG.inFootnote, minter.footnote(src.meta.id, s.footnote)))
            for c in sentence.citations:
                g.add((claim, TKG.supportedBy, minter.span("citation", src.meta.id, c.start, c.end)))
            claims.append((g, claim))
        for (g, a), (_, b) in combinations(claims, 2):
            g.add((a, TKG.conflictsWith, b))
    return graphs


def citation_claims(
    sources: Mapping[str, AnnotatedSource],
    conflicts: tuple[CitationConflict, ...],
    *,
    minter: Minter,
) -> dict[str, Graph]:
    """Per source id, one claim per printing of a citation the texts print two ways
    (data/curation/citation-conflicts.yaml): the in-text citation that prints it
    ``tkg:printedCitation`` its words, stated in its sentence (or footnote); the printings of
    one work conflict pairwise. Raises `CurationError` (file:line) when a quote is not in exactly
    one sentence or not inside one of that sentence's citations."""
    graphs: dict[str, Graph] = {}
    for conflict in conflicts:
        claims = []
        for n, printed in enumerate(conflict.printed, start=1):
            src, sentence = _the_sentence(
                sources, printed.source, printed.quote,
                f"{conflict.id}: citation", (conflict.path, conflict.line),
            )
            needle = " ".join(printed.quote.split())
            occ = next(
                (c for c in sentence.citations if needle in " ".join(c.citation.text.split())), None
            )
            if occ is None:
                raise CurationError(
                    f"{conflict.id}: {printed.quote!r} is in no in-text citation of its sentence",
                    path=conflict.path, line=conflict.line,
                )
            s = sentence.sentence
            sid = src.meta.id
            cit = minter.span("citation", sid, occ.start, occ.end)
            claim = minter.resource("claim", f"citation-{conflict.id}-{n}")
            g = graphs.setdefault(sid, Graph())
            value = Literal(needle)
            g.add((cit, TKG.printedCitation, value))
            g.add((claim, RDF.type, TKG.Claim))
            g.add((claim, TKG.claimSubject, cit))
            g.add((claim, TKG.claimPredicate, TKG.printedCitation))
            g.add((claim, TKG.claimValue, value))
            g.add((claim, TKG.statedIn, minter.span("sentence", sid, s.start, s.end)))
            g.add((claim, PROV.wasDerivedFrom, minter.resource("source", sid)))
            g.add((claim, TKG.quote, Literal(printed.quote)))
            g.add((claim, TKG.supportedBy, cit))
            g.add((claim, TKG.reviewStatus, TKG.reviewed))
            if conflict.note:
                g.add((claim, TKG.note, Literal(conflict.note, lang="en")))
            if s.footnote is not None:
                g.add((claim, TKG.inFootnote, minter.footnote(sid, s.footnote)))
            claims.append((g, claim))
        for (g, a), (_, b) in combinations(claims, 2):
            g.add((a, TKG.conflictsWith, b))
    return graphs


# Complexity 23: one ordered list of rules, the first that fits wins (name, citation, moments of
# one event, one statement at two times, count, assignment); apart, the order would be lost.
def dispute_kind(data: Graph, a: Node, b: Node) -> URIRef | None:
    """What two conflicting claims disagree about, where their triples say it beyond doubt:
    two names of one entity, two dates of one event (or one statement at two times), two counts
    of one thing, two objects of one assignment. Otherwise None: the kind is left for a reviewer
    to state, never guessed.

    >>> from rdflib import Graph, URIRef
    >>> g, a, b = Graph(), URIRef("urn:a"), URIRef("urn:b")
    >>> for c, o in ((a, "urn:d1"), (b, "urn:d2")):
    ...     for t in ((TKG.claimSubject, URIRef("urn:u")), (TKG.claimPredicate, TKG.partOf),
    ...               (TKG.claimObject, URIRef(o))):
    ...         _ = g.add((c, *t))
    >>> dispute_kind(g, a, b) == TKG.disputedAssignment
    True
    >>> _ = g.set((b, TKG.claimPredicate, TKG.commander))
    >>> dispute_kind(g, a, b) is None
    True
    >>> _ = g.set((a, TKG.claimPredicate, TKG.dateReceived))
    >>> _ = g.set((b, TKG.claimPredicate, TKG.date))
    >>> dispute_kind(g, a, b) == TKG.disputedDate
    True
    """
    preds = {data.value(c, TKG.claimPredicate) for c in (a, b)}
    subjects = {data.value(c, TKG.claimSubject) for c in (a, b)}
    objects = [data.value(c, TKG.claimObject) for c in (a, b)]
    if preds <= set(_NAME_PREDICATES) and len(subjects) == 1:
        return TKG.disputedName
    if preds == {TKG.printedCitation}:
        return TKG.disputedCitation  # one work printed two ways (citation_claims)
    if len(subjects) == 1 and preds <= _DATES:
        return TKG.disputedDate  # two moments of one event that cannot both be (sent/received ...)
    if len(preds) != 1 or len(subjects) != 1:
        return None
    if objects[0] is not None and objects[0] == objects[1]:
        times = {data.value(c, TKG.date) for c in (a, b)}
        return TKG.disputedDate if len(times) == 2 and None not in times else None
    if all(data.value(o, RDF.type) in _COUNTED for o in objects if o is not None) and all(objects):
        return TKG.disputedNumber
    if all(isinstance(o, URIRef) for o in objects) and preds & _ASSIGNMENTS:
        return TKG.disputedAssignment
    return None


def conflict_graph(data: Graph, *, minter: Minter) -> Graph:
    """A `tkg:Conflict` for every pair of claims linked by ``tkg:conflictsWith`` (either way)."""
    out = Graph()
    pairs = {
        tuple(sorted((a, b), key=str))
        for a, b in data.subject_objects(TKG.conflictsWith)
        if a != b
    }
    for a, b in sorted(pairs, key=lambda p: (str(p[0]), str(p[1]))):
        ids = [str(c).rsplit("/", 1)[-1] for c in (a, b)]
        node = minter.resource("conflict", "--".join(ids))
        out.add((node, RDF.type, TKG.Conflict))
        out.add((node, TKG.conflictingClaim, a))
        out.add((node, TKG.conflictingClaim, b))
        kind = dispute_kind(data, a, b)
        if kind is not None:
            out.add((node, TKG.disputes, kind))
    log.info("%d conflicts, %d of them with their kind", len(pairs), len(set(out.subjects(TKG.disputes))))
    return out
