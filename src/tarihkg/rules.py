"""Annotated sentences + registry + curated facts -> candidate facts found by Turkish patterns.

Four rules read any sentence of any source, using the mentions and dates stage 1 found in it:

* ``dated-event``: an event or treaty named in a sentence that carries a resolved date
  (``15 Eylül 1918’de Bakü’ye girdi``) -> (event, ``date``, that date);
* ``signing``: a treaty named with a form of ``imzala-`` -> (treaty, ``signatory``, each person
  named) and (treaty, ``signedAt``, a place written ``X’da/’de imzalanan``);
* ``appointment``: ``atan-``, ``tayin``, ``getiril-``, ``görevlendiril-`` -> (person,
  ``appointedTo``, the unit or body named) and (person, ``holdsRole``, the words before ``olarak``);
* ``unit-strength``: a count of ``subay``, ``asker``/``er``/``nefer``, ``hayvan`` or ``top`` ->
  (the nearest unit named before it, ``officers``/``soldiers``/``animals``/``guns``, the number).

Candidates are proposals for review, never facts: the build states them as claims with
``tkg:reviewStatus tkg:candidate`` and no direct triple, and a candidate is dropped where a
curated fact of the same sentence already says it (same subject and property).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tarihkg.annotate import AnchoredFact, AnnotatedSentence, AnnotatedSource, DateOcc, MentionOcc
from tarihkg.curation import TYPE_SEGMENTS, Entity

log = logging.getLogger(__name__)

_EVENTLIKE = frozenset(t for t, seg in TYPE_SEGMENTS.items() if seg in ("event", "treaty"))
_TREATIES = frozenset(t for t, seg in TYPE_SEGMENTS.items() if seg == "treaty")
_BODIES = frozenset(("MilitaryUnit", "Organization", "Polity"))
_SIGN = re.compile(r"\bimzala", re.IGNORECASE)
_SIGNED_AT = re.compile(r"^\s*imzalan")
_LOCATIVE = re.compile(r"[’']?[dt][ae]$")
_APPOINT = re.compile(r"\b(?:atan|tayin|getiril|görevlendiril)")
_ROLE = re.compile(
    r"((?:[^\W\d_]+\s+){0,3}[^\W\d_]+)\s+olarak\s+(?:atan|tayin|görevlendiril|getiril)"
)
_COUNT = re.compile(
    r"(?<![\d.])(\d{1,3}(?:\.\d{3})+|\d+)\s+(subay|asker|er|nefer|hayvan|top)"
    r"(?:l[ae]r)?(?:[dt][ae]n|[dt][ae]|y?l[ae]|[ıiuü]n?|y?[ae]|d[ıiuü]r)?(?![^\W\d_])"
)
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
#: What a rule yields: (rule name, subject id, {property, and object, value and/or date}).
Found = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Candidate:
    """A proposed fact: subject and property, then an entity object, a date or a literal value."""

    id: str
    rule: str
    sentence: AnnotatedSentence
    subject: str
    property: str
    object: str | None = None
    date: DateOcc | None = None
    value: int | str | None = None


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


def _dated_events(a: AnnotatedSentence, registry: Mapping[str, Entity]) -> Iterable[Found]:
    dates = [d for d in a.dates if _resolved(d)]
    if not dates:
        return
    for m in _typed(a, registry, _EVENTLIKE):
        nearest = min(dates, key=lambda d: abs(d.start - m.start))
        yield "dated-event", m.entity_id or "", {"property": "date", "date": nearest}


def _signings(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    if not _SIGN.search(a.sentence.text):
        return
    text = a.sentence.text
    for t in _typed(a, registry, _TREATIES):
        for p in _typed(a, registry, ("Person",)):
            yield "signing", t.entity_id or "", {"property": "signatory", "object": p.entity_id}
        for place in _typed(a, registry, ("Place",)):
            after = text[_clean_offset(src, a, place.end):]
            if _LOCATIVE.search(place.surface) and _SIGNED_AT.match(after):
                spec = {"property": "signedAt", "object": place.entity_id}
                yield "signing", t.entity_id or "", spec


def _appointments(a: AnnotatedSentence, registry: Mapping[str, Entity]) -> Iterable[Found]:
    text = a.sentence.text
    if not _APPOINT.search(text):
        return
    persons = _typed(a, registry, ("Person",))
    bodies = _typed(a, registry, _BODIES)
    dates = [d for d in a.dates if _resolved(d)]
    role = _ROLE.search(text)
    for p in persons:
        d = dates[0] if dates else None
        pid = p.entity_id or ""
        for b in bodies:
            yield "appointment", pid, {"property": "appointedTo", "object": b.entity_id, "date": d}
        if role:
            yield "appointment", pid, {"property": "holdsRole", "value": role.group(1), "date": d}


def _strengths(
    src: AnnotatedSource, a: AnnotatedSentence, registry: Mapping[str, Entity]
) -> Iterable[Found]:
    units = _typed(a, registry, ("MilitaryUnit",))
    if not units:
        return
    dates = [d for d in a.dates if _resolved(d)]
    starts = [(_clean_offset(src, a, u.start), u) for u in units]
    for match in _COUNT.finditer(a.sentence.text):
        before = [u for s, u in starts if s < match.start()]
        unit = before[-1] if before else starts[0][1]
        yield "unit-strength", unit.entity_id or "", {
            "property": _COUNT_FIELD[match.group(2)],
            "value": int(match.group(1).replace(".", "")),
            "date": dates[0] if dates else None,
        }


def find_candidates(
    src: AnnotatedSource, registry: Mapping[str, Entity], *, curated: Iterable[AnchoredFact] = ()
) -> list[Candidate]:
    """Every candidate the rules find in `src`, minus what a curated fact of that sentence says."""
    covered = {(af.sentence.sentence.start, af.fact.subject, af.fact.property) for af in curated}
    out: list[Candidate] = []
    for a in src.sentences:
        found = [
            *_dated_events(a, registry),
            *_signings(src, a, registry),
            *_appointments(a, registry),
            *_strengths(src, a, registry),
        ]
        seen: set[tuple[Any, ...]] = set()
        for rule, subject, spec in found:
            prop = spec["property"]
            if any((a.sentence.start, subject, c) in covered for c in _COVERED_BY[prop]):
                continue
            key = (subject, prop, spec.get("object"), spec.get("value"))
            if not subject or key in seen:
                continue
            seen.add(key)
            cid = f"auto-{src.meta.id}-{a.sentence.start}-{rule}-{len(seen)}"
            out.append(
                Candidate(
                    cid.lower().replace("_", "-"), rule, a, subject, prop,
                    spec.get("object"), spec.get("date"), spec.get("value"),
                )
            )
    log.info("%s: %d candidate facts", src.meta.id, len(out))
    return out
