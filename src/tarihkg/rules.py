"""Annotated sentences + registry + curated facts -> candidate facts (Turkish patterns) and graph/candidates.

Four rules read any sentence of any source, using the mentions and dates stage 1 found in it.
Each asks for the words to stand next to each other, because a date, a name or a number
elsewhere in the sentence belongs, as often as not, to something else (docs/quality.md gives
each rule's precision, judged by reading every candidate against its sentence):

* ``dated-event``: a resolved date that is part of an event's or treaty's name
  (``5 Ağustos mağlubiyeti``), stands right before it, alone or with ``tarihli`` /
  ``imzalanan`` (``15 Aralık 1917’de imzalanan Brest-Litovsk Mütarekesi``, ``13 Şubat
  1918’de Erzincan’ın alınması``), or right after it before ``imzalandı`` / ``gerçekleşti`` /
  ``yapıldı`` (``Mondros Mütarekesi 30 Ekim 1918’de imzalandı``) -> (event, ``date``, that date);
* ``signing``: a treaty named in a sentence where a place in the locative stands right before
  ``imzalan-`` -> (treaty, ``signedAt``, the place), and a person right before ``imzala-`` or
  ``tarafından imzalan-`` -> (treaty, ``signatory``, the person);
* ``appointment``: a person right before ``[DATE] ROLE olarak atan-/tayin/görevlendiril-/getiril-``
  -> (person, ``holdsRole``, the role as printed) and, when the role names a unit or body,
  (person, ``appointedTo``, it); a person next to a body in the dative in a sentence with such a
  verb (``Mürsel Paşa 5. Kafkas Piyade Tümeni’ne, … atandı``) -> (person, ``appointedTo``, the
  body); the date is the one printed right before the person or before the role;
* ``unit-strength``: a unit named right before its counts and ``-dan oluş-``
  (``15. Piyade Tümeni 191 subay ve 5.541 askerden oluşuyordu``) -> (unit, ``officers`` /
  ``soldiers`` / ``animals`` / ``guns``, the number).

Before a hand check (docs/quality.md) the rules took the nearest date, every person, the
first role and any count in the sentence: 6 of 53 candidates were right, none of the 24 unit
strengths (group totals, casualties and shells counted as guns).

Candidates are proposals for review, never facts: `candidates_graph` states them as claims
with ``tkg:reviewStatus tkg:candidate``, the rule and its trigger words, and no direct triple,
for the named graph ``graph/candidates`` alone. A candidate is dropped where a curated fact of
the same sentence already says it (same subject and property).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from tarihkg.annotate import AnchoredFact, AnnotatedSentence, AnnotatedSource, DateOcc, MentionOcc
from tarihkg.curation import TYPE_SEGMENTS, Entity
from tarihkg.iri import Minter
from tarihkg.namespaces import TKG

log = logging.getLogger(__name__)

_EVENTLIKE = frozenset(t for t, seg in TYPE_SEGMENTS.items() if seg in ("event", "treaty"))
_TREATIES = frozenset(t for t, seg in TYPE_SEGMENTS.items() if seg == "treaty")
_BODIES = frozenset(("MilitaryUnit", "Organization", "Polity"))
_SPACE = " ,\n"
#: What may stand between a date and the event it dates: nothing, ``tarihli`` or ``imzalanan``.
_DATE_GAP = re.compile(r"^\s*(?:(?P<joined>(?:tarihinde\s+)?imzalanan|tarihli)\s*)?$")
#: An event named in the accusative or dative right after a date is the object of what happened
#: on that date (``1917 yılının sonlarında Türk-Rus savaşını sona erdirecek``), not dated by it.
_OBJECT_CASE = re.compile(r"(?:n[ıiuü]|[’'][yY]?[ıiuü]|[yn][ae]|[’'][ae])$")
#: After ``EVENT DATE``: the verb that makes the date the event's own.
_HAPPENED = re.compile(r"^\s*(imzalan|gerçekleş|yapıl)\w*")
_SIGNED_AT = re.compile(r"^\s*(imzalan\w*)")
_SIGNED_BY = re.compile(r"^\s*((?:tarafından\s+)?imzala\w*)")
_LOCATIVE = re.compile(r"[’']?[dt][ae]$")
_APPOINT = re.compile(r"\b(?:atan|tayin|getiril|görevlendiril)\w*")
_ROLE = re.compile(
    r"^\s*((?:[^\W\d_]+\s+){0,3}[^\W\d_]+)\s+olarak\s+(?:atan|tayin|görevlendiril|getiril)\w*"
)
#: A name in the dative (``Tümeni’ne``, ``Alayına``, ``Ordusu’na``): the body one is appointed to.
_DATIVE = re.compile(r"(?:[’'][nyY]?[ae]|[ıiuü]n[ae]|[yn][ae])$")
#: A person named in the genitive or accusative (``Vehip Paşa’nın yerine``) is not the appointee.
_NOT_NOMINATIVE = re.compile(r"[’'](?:n?[ıiuü]n|y?[ıiuü])$")
_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d+)"
_STRENGTH = re.compile(
    rf"^\s*({_NUMBER}\s+[^\W\d_]+(?:\s*(?:,|ve)\s*{_NUMBER}\s+[^\W\d_]+)*)[dt][ae]n\s+oluş\w*"
)
_COUNT = re.compile(rf"({_NUMBER})\s+(subay|asker|er|nefer|hayvan|top)(?![^\W\d_])")
_COUNT_FIELD = {"subay": "officers", "asker": "soldiers", "er": "soldiers", "nefer": "soldiers",
                "hayvan": "animals", "top": "guns"}
#: Candidate property -> the curated property that already covers it in the same sentence.
_COVERED_BY = {
    "date": ("date",),
    "signatory": ("signature",),
    "signedAt": ("signedAt",),
    "appointedTo": ("appointedTo", "appointee", "memberOf", "commander"),
    "holdsRole": ("holdsRole", "role"),
    "officers": ("strength",),
    "soldiers": ("strength",),
    "animals": ("strength",),
    "guns": ("strength",),
}
#: What a rule yields: (rule name, subject id, {property, object/value/date, triggers}).
Found = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Candidate:
    """A proposed fact: subject and property, then an entity object, a date or a literal value.

    ``triggers`` are the words of the sentence (as in its cleaned text) that made the rule fire.
    """

    id: str
    rule: str
    sentence: AnnotatedSentence
    subject: str
    property: str
    object: str | None = None
    date: DateOcc | None = None
    value: int | str | None = None
    triggers: tuple[str, ...] = ()


def _resolved(d: DateOcc) -> bool:
    edtf = d.date.corrected_edtf or d.date.edtf
    return edtf is not None and "X" not in edtf


def _typed(
    a: AnnotatedSentence, registry: Mapping[str, Entity], types: Iterable[str]
) -> list[MentionOcc]:
    wanted = frozenset(types)
    return [m for m in a.mentions if m.entity_id and registry[m.entity_id].type in wanted]


def _clean_offset(src: AnnotatedSource, a: AnnotatedSentence, original: int) -> int:
    """The offset in the sentence's cleaned text of an original offset (its nearest piece start)."""
    text = a.sentence.text
    lo, hi = 0, len(text)
    while lo < hi:  # original offsets grow with cleaned ones: bisect on the map
        mid = (lo + hi) // 2
        at = a.sentence.clean_start + mid
        if src.extracted.original_span(at, at + 1).start < original:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _between(src: AnnotatedSource, a: AnnotatedSentence, start: int, end: int) -> str:
    """The cleaned words of sentence `a` between two original offsets ('' when they cross)."""
    lo, hi = _clean_offset(src, a, start), _clean_offset(src, a, end)
    return a.sentence.text[lo:hi] if lo <= hi else ""


def _after(src: AnnotatedSource, a: AnnotatedSentence, original: int) -> str:
    return a.sentence.text[_clean_offset(src, a, original):]


def _words(src: AnnotatedSource, a: AnnotatedSentence, start: int, end: int) -> str:
    return " ".join(_between(src, a, start, end).split())


def _adjacent(src: AnnotatedSource, a: AnnotatedSentence, end: int, start: int) -> bool:
    """Only spaces, a comma or a line break between two original offsets, in this order."""
    return end <= start and not _between(src, a, end, start).strip(_SPACE)


def _dated_events(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    dates = [d for d in a.dates if _resolved(d)]
    for m in _typed(a, registry, _EVENTLIKE):
        for d in dates:
            part_of_name = d.start < m.end and m.start < d.end
            gap = _DATE_GAP.match(_between(src, a, d.end, m.start)) if d.end <= m.start else None
            right_before = gap is not None and (
                gap.group("joined") is not None or not _OBJECT_CASE.search(m.surface)
            )
            happened = _HAPPENED.match(_after(src, a, d.end))
            right_after = (
                happened is not None
                and _adjacent(src, a, m.end, d.start)
                and not _OBJECT_CASE.search(m.surface)
            )
            if part_of_name or right_before or right_after:
                words = _words(src, a, min(d.start, m.start), max(d.end, m.end))
                triggers = (words, happened.group(1)) if right_after and happened else (words,)
                spec = {"property": "date", "date": d, "triggers": triggers}
                yield "dated-event", m.entity_id or "", spec


def _signings(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    treaties = _typed(a, registry, _TREATIES)
    if not treaties:
        return
    for place in _typed(a, registry, ("Place",)):
        verb = _SIGNED_AT.match(_after(src, a, place.end))
        if verb and _LOCATIVE.search(place.surface):
            for t in treaties:
                yield "signing", t.entity_id or "", {
                    "property": "signedAt", "object": place.entity_id,
                    "triggers": (place.surface, verb.group(1), t.surface),
                }
    for p in _typed(a, registry, ("Person",)):
        verb = _SIGNED_BY.match(_after(src, a, p.end))
        if verb and not _NOT_NOMINATIVE.search(p.surface):
            for t in treaties:
                yield "signing", t.entity_id or "", {
                    "property": "signatory", "object": p.entity_id,
                    "triggers": (p.surface, verb.group(1), t.surface),
                }


def _date_before(src: AnnotatedSource, a: AnnotatedSentence, start: int) -> DateOcc | None:
    """The resolved date printed right before an original offset (only spaces or a comma between)."""
    for d in a.dates:
        if _resolved(d) and _adjacent(src, a, d.end, start):
            return d
    return None


def _date_after(src: AnnotatedSource, a: AnnotatedSentence, end: int) -> DateOcc | None:
    """The resolved date printed right after an original offset (only spaces or a comma between)."""
    for d in a.dates:
        if _resolved(d) and _adjacent(src, a, end, d.start):
            return d
    return None


def _appointments(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    if not _APPOINT.search(a.sentence.text):
        return
    bodies = _typed(a, registry, _BODIES)
    for p in _typed(a, registry, ("Person",)):
        pid = p.entity_id or ""
        date = _date_before(src, a, p.start)
        rest = _after(src, a, p.end)
        role_start = p.end
        later = _date_after(src, a, p.end)
        if later is not None:  # ``Nuri Paşa, Mayıs 1918’de … komutanı olarak atanmıştı``
            date, rest, role_start = date or later, _after(src, a, later.end), later.end
        paren = re.match(r"^\s*\([^)]*\)", rest)  # ``Cemil Cahit (Toydemir), …``
        role = _ROLE.match(rest[paren.end():].lstrip(_SPACE) if paren else rest.lstrip(_SPACE))
        if role:
            triggers = (p.surface, role.group(0).strip())
            yield "appointment", pid, {
                "property": "holdsRole", "value": role.group(1), "date": date, "triggers": triggers
            }
            for b in bodies:
                if b.start >= role_start and role.group(1).startswith(b.surface):
                    yield "appointment", pid, {
                        "property": "appointedTo", "object": b.entity_id, "date": date,
                        "triggers": triggers,
                    }
        if _NOT_NOMINATIVE.search(p.surface):
            continue
        for b in bodies:
            first, second = (p, b) if p.end <= b.start else (b, p)
            if _adjacent(src, a, first.end, second.start) and _DATIVE.search(b.surface):
                verb = _APPOINT.search(_after(src, a, second.end))
                if verb:
                    yield "appointment", pid, {
                        "property": "appointedTo", "object": b.entity_id, "date": date,
                        "triggers": (p.surface, b.surface, verb.group(0)),
                    }


def _strengths(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    for u in _typed(a, registry, ("MilitaryUnit",)):
        listed = _STRENGTH.match(_after(src, a, u.end))
        if not listed or _NOT_NOMINATIVE.search(u.surface):
            continue
        for count in _COUNT.finditer(listed.group(1)):
            yield "unit-strength", u.entity_id or "", {
                "property": _COUNT_FIELD[count.group(2)],
                "value": int(count.group(1).replace(".", "")),
                "date": _date_before(src, a, u.start),
                "triggers": (u.surface, listed.group(0).strip()),
            }


def find_candidates(
    src: AnnotatedSource, registry: Mapping[str, Entity], *, curated: Iterable[AnchoredFact] = ()
) -> list[Candidate]:
    """Every candidate the rules find in `src`, minus what a curated fact of that sentence says."""
    covered = {(af.sentence.sentence.start, af.fact.subject, af.fact.property) for af in curated}
    out: list[Candidate] = []
    for a in src.sentences:
        found = [
            *_dated_events(src, a, registry),
            *_signings(src, a, registry),
            *_appointments(src, a, registry),
            *_strengths(src, a, registry),
        ]
        seen: set[tuple[Any, ...]] = set()
        for rule, subject, spec in found:
            prop = spec["property"]
            if any((a.sentence.start, subject, c) in covered for c in _COVERED_BY[prop]):
                continue
            key = (subject, prop, spec.get("object"), spec.get("value"), spec.get("date"))
            if not subject or key in seen:
                continue
            seen.add(key)
            cid = f"auto-{src.meta.id}-{a.sentence.start}-{rule}-{len(seen)}"
            out.append(
                Candidate(
                    cid.lower().replace("_", "-"), rule, a, subject, prop,
                    spec.get("object"), spec.get("date"), spec.get("value"), spec["triggers"],
                )
            )
    log.info("%s: %d candidate facts", src.meta.id, len(out))
    return out


def _candidate_triples(
    g: Graph, src: AnnotatedSource, cand: Candidate, registry: Mapping[str, Entity], m: Minter
) -> None:
    sid = src.meta.id
    s = cand.sentence.sentence
    claim = m.resource("claim", cand.id)

    def entity(eid: str) -> URIRef:
        return m.resource(registry[eid].segment, eid)

    g.add((claim, RDF.type, TKG.Claim))
    g.add((claim, TKG.statedIn, m.span("sentence", sid, s.start, s.end)))
    g.add((claim, PROV.wasDerivedFrom, m.resource("source", sid)))
    g.add((claim, TKG.quote, Literal(" ".join(s.text.split()))))
    g.add((claim, TKG.reviewStatus, TKG.candidate))
    g.add((claim, TKG.foundByRule, Literal(cand.rule)))
    for words in cand.triggers:
        g.add((claim, TKG.trigger, Literal(words)))
    if s.footnote is not None:
        g.add((claim, TKG.inFootnote, m.footnote(sid, s.footnote)))
    for c in cand.sentence.citations:
        g.add((claim, TKG.supportedBy, m.span("citation", sid, c.start, c.end)))
    g.add((claim, TKG.claimSubject, entity(cand.subject)))
    g.add((claim, TKG.claimPredicate, TKG[cand.property]))
    date = m.span("date", sid, cand.date.start, cand.date.end) if cand.date else None
    if cand.property == "date" and date is not None:
        g.add((claim, TKG.claimObject, date))
        return
    if cand.object is not None:
        g.add((claim, TKG.claimObject, entity(cand.object)))
    elif isinstance(cand.value, int):
        g.add((claim, TKG.claimValue, Literal(cand.value, datatype=XSD.integer)))
    else:
        g.add((claim, TKG.claimValue, Literal(str(cand.value), lang="tr")))
    if date is not None:
        g.add((claim, TKG.date, date))


def candidates_graph(
    sources: Mapping[str, AnnotatedSource],
    anchored: Iterable[AnchoredFact],
    registry: Mapping[str, Entity],
    *,
    minter: Minter,
) -> Graph:
    """The content of ``graph/candidates``: every rule's proposal as a candidate claim, no fact."""
    by_source: dict[str, list[AnchoredFact]] = {sid: [] for sid in sources}
    for af in anchored:
        by_source[af.fact.source].append(af)
    g = Graph()
    for sid in sorted(sources):
        for cand in find_candidates(sources[sid], registry, curated=by_source[sid]):
            _candidate_triples(g, sources[sid], cand, registry, minter)
    return g
