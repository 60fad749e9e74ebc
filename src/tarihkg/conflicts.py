"""Curated claims + the registry's disputed names -> one claim per printed name, and a
`tkg:Conflict` for every disagreement, saying what it is about (date, number, assignment, name,
citation) where the two claims show it beyond doubt or a reviewer states it (`disputes:` on a
fact, checked against what the two claims can be).

A disagreement is two claims, each with its own sentence and citation, linked by the symmetric
``tkg:conflictsWith``; the conflict node names both and the kind of thing disputed, derived from
the claims themselves (their property and the kind of their objects). Names the texts print two
ways for one entity (``disputed_names`` in the registry) are never merged in silence: each name
becomes a claim anchored to the sentence that prints it, and the names conflict.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from tarihkg.annotate import (
    AnchoredFact,
    AnnotatedSentence,
    AnnotatedSource,
    CitationOcc,
    find_quote,
    supporting_citations,
)
from tarihkg.curation import CitationConflict, Entity, Fact
from tarihkg.errors import CurationError
from tarihkg.factspec import SPEC, WORDINGS
from tarihkg.iri import Minter
from tarihkg.namespaces import TKG
from tarihkg.text.turkish import slugify

log = logging.getLogger(__name__)

_NAME_PREDICATES = (SKOS.altLabel, SKOS.prefLabel, RDFS.label)
#: Claims that record a name of their subject: a disputed name, or a name a sentence prints.
_NAMES = {*_NAME_PREDICATES, TKG.printedName}
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
            for c in _name_citations(src, sentence, attested.name):
                g.add((claim, TKG.supportedBy, minter.span("citation", src.meta.id, c.start, c.end)))
            claims.append((g, claim))
        for (g, a), (_, b) in combinations(claims, 2):
            g.add((a, TKG.conflictsWith, b))
    return graphs


def _name_citations(src: AnnotatedSource, sentence: AnnotatedSentence, name: str
                    ) -> tuple[CitationOcc, ...]:
    """The citations backing a name printed in ``sentence``, by the facts' rule: the sentence's
    own (where it prints one after each clause, the first printed after the name), else the next
    one printed in its paragraph (annotate.supporting_citations)."""
    cited, _ = supporting_citations(src, sentence)
    if len(cited) < 2:
        return cited
    text = " ".join(sentence.sentence.text.split())
    at = text.find(name)
    after = [c for c in cited if text.find(" ".join(c.citation.text.split())) > at]
    return tuple(after[:1]) if at >= 0 and after else cited


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
    to state (`disputes:`, see `stated_disputes`), never guessed.

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
    if preds <= _NAMES and len(subjects) == 1:
        return TKG.disputedName  # two names of one entity (registry disputed names, printedName)
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


def conflict_graph(
    data: Graph, *, minter: Minter, stated: Mapping[frozenset[str], StatedDispute] | None = None
) -> Graph:
    """A `tkg:Conflict` for every pair of claims linked by ``tkg:conflictsWith`` (either way),
    with what it disputes: the kind the claims' triples show (`dispute_kind`), else the kind a
    reviewer stated (`stated`, from `stated_disputes`). A stated kind that contradicts the kind
    the triples show is a `CurationError` at the fact that states it."""
    out = Graph()
    pairs = {
        tuple(sorted((a, b), key=str))
        for a, b in data.subject_objects(TKG.conflictsWith)
        if a != b
    }
    n_stated = 0
    for a, b in sorted(pairs, key=lambda p: (str(p[0]), str(p[1]))):
        ids = [str(c).rsplit("/", 1)[-1] for c in (a, b)]
        node = minter.resource("conflict", "--".join(ids))
        out.add((node, RDF.type, TKG.Conflict))
        out.add((node, TKG.conflictingClaim, a))
        out.add((node, TKG.conflictingClaim, b))
        kind = dispute_kind(data, a, b)
        said = (stated or {}).get(frozenset(ids))
        if said is not None and kind is not None and said.kind != kind:
            raise CurationError(
                f"fact {said.fact.id}: disputes {said.word!r} with "
                f"{next(i for i in ids if i != said.fact.id)}, but the two claims' triples show "
                f"{_WORDS[kind]!r}: leave 'disputes' out or correct it",
                path=said.fact.path, line=said.fact.line,
            )
        if kind is None and said is not None:
            kind, n_stated = said.kind, n_stated + 1
        if kind is not None:
            out.add((node, TKG.disputes, kind))
    log.info("%d conflicts, %d of them with their kind (%d as a reviewer states it)",
             len(pairs), len(set(out.subjects(TKG.disputes))), n_stated)
    return out


#: The kinds a reviewer may state on a fact (factspec.FACT_DISPUTES) and the `tkg:DisputeKind`s.
KINDS = {
    "date": TKG.disputedDate,
    "number": TKG.disputedNumber,
    "assignment": TKG.disputedAssignment,
    "name": TKG.disputedName,
}
_WORDS = {**{v: k for k, v in KINDS.items()}, TKG.disputedCitation: "citation"}
_TIME_OF_DAY = re.compile(r"\b\d{1,2}[.:]\d{2}\b")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class StatedDispute:
    """What a reviewer says a conflict is about (`disputes:` on `fact`)."""

    word: str
    fact: Fact

    @property
    def kind(self) -> URIRef:
        return KINDS[self.word]


def _text(fact: Fact) -> str:
    return fact.value if isinstance(fact.value, str) else ""


def _states_time(af: AnchoredFact) -> bool:
    """The claim carries a date: a date property, a date/from/until qualifier, a date expression
    in its sentence, or a time of day printed in its value."""
    f = af.fact
    return bool(
        SPEC[f.property].date_object
        or f.date
        or any(q in f.qualifiers for q in WORDINGS if q != "date")
        or af.sentence.dates
        or _TIME_OF_DAY.search(_text(f))
    )


def _counts(af: AnchoredFact) -> bool:
    """The claim states a count: a counted structure, or a number printed in its value."""
    st = SPEC[af.fact.property].structure
    if st is not None:
        return TKG[st.node_class] in _COUNTED
    return bool(_DIGIT.search(_text(af.fact)))


def _object(af: AnchoredFact) -> str | None:
    """The claim's entity object or text value (None for a date or a structured value)."""
    spec = SPEC[af.fact.property]
    if spec.object:
        return af.fact.object
    return _text(af.fact) or None


def _unfit_date(a: AnchoredFact, b: AnchoredFact) -> str | None:
    timed = [af.fact.id for af in (a, b) if _states_time(af)]
    untimed = [af.fact.id for af in (a, b) if not _states_time(af)
               and "date" not in SPEC[af.fact.property].qualifiers]
    if timed and not untimed:
        return None
    return f"{' and '.join(untimed or [a.fact.id, b.fact.id])} carries no date"


def _unfit_number(a: AnchoredFact, b: AnchoredFact) -> str | None:
    uncounted = [af.fact.id for af in (a, b) if not _counts(af)]
    return f"{' and '.join(uncounted)} states no count" if uncounted else None


def _unfit_assignment(a: AnchoredFact, b: AnchoredFact) -> str | None:
    objs = [_object(af) for af in (a, b)]
    if None in objs or objs[0] == objs[1]:
        return "an assignment needs two different objects or values"
    return None


def _unfit_name(a: AnchoredFact, b: AnchoredFact) -> str | None:
    named = {a.fact.subject, a.fact.object} & {b.fact.subject, b.fact.object} - {None}
    printed = {a.fact.property, b.fact.property} == {"printedName"}
    if (printed and a.fact.subject == b.fact.subject) or named:
        return None
    return "a name needs two printedName facts of one entity, or one entity both name"


#: Why claims `a` and `b` cannot dispute a kind (factspec.FACT_DISPUTES), or None if they can.
_UNFIT = {
    "date": _unfit_date,
    "number": _unfit_number,
    "assignment": _unfit_assignment,
    "name": _unfit_name,
}


def stated_disputes(
    anchored: Iterable[AnchoredFact],
) -> tuple[dict[frozenset[str], StatedDispute], list[CurationError]]:
    """The kinds reviewers state for conflicts (`disputes:` on a fact, for every fact of its
    `conflicts_with`), keyed by the pair of fact ids, and every problem: a kind that does not
    fit the two claims (`_unfit`), or two kinds stated for one pair (each at file:line)."""
    facts = list(anchored)
    by_id = {af.fact.id: af for af in facts}
    out: dict[frozenset[str], StatedDispute] = {}
    problems: list[CurationError] = []
    for af in facts:
        fact = af.fact
        if fact.disputes not in KINDS:
            continue  # none stated (a wrong word is the loader's problem)
        for other_id in fact.conflicts_with:
            other = by_id.get(other_id)
            if other is None:
                continue  # an unknown or unanchored fact: reported where it is
            key = frozenset((fact.id, other_id))
            why = _UNFIT[fact.disputes](af, other)
            earlier = out.setdefault(key, StatedDispute(fact.disputes, fact))
            if why is None and earlier.word != fact.disputes:
                why = (f"{other_id} says its conflict with this fact disputes {earlier.word!r} "
                       f"({earlier.fact.path}:{earlier.fact.line})")
            if why is not None:
                problems.append(CurationError(
                    f"fact {fact.id}: disputes {fact.disputes!r} with {other_id}: {why}",
                    path=fact.path, line=fact.line,
                ))
    return out, problems
