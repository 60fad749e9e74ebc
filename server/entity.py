"""An entity IRI + the store + the page language -> what its page shows before the evidence, as
a historian reads it: the facts in brief (date, place, participants, outcome ...), a dated
chronology (a person's career, what happened at a place, a unit's commanders and superiors over
time), a unit's subordinate units, a place's coordinates and small map; and the evidence grouped
so that a sentence supporting several facts is shown once, with its facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.basemap import BaseLayer, Frame, atlas_path, base_layer
from server.iris import TKG, iri_ref, queries
from server.labels import Labeller, Link
from server.lang import format_edtf
from tarihkg.store import Store

QUERIES = queries("entity")
#: Properties shown "in brief" at the top of a page, in this order (those the entity has).
BRIEF = ("date", "place", "signedAt", "target", "origin", "destination", "party",
         "participant", "carriedOutBy", "commander", "appointee", "cause", "statedContent",
         "outcome", "echelon",
         "partOf", "placeKind", "holdsRole", "founded", "article", "effect")
#: Notes written for curators, not readers: they stay off public pages.
INTERNAL_NOTES = ("found by the rule", "mention_check")


def public_note(note: str) -> bool:
    """False for a curator's note (a rule name, a check switch).

    >>> public_note("found by the rule 'dated-event'"), public_note("read as 11 and 15")
    (False, True)
    """
    return not any(marker in note for marker in INTERNAL_NOTES)


@dataclass
class Brief:
    """One property of the entity with its values, labelled."""

    predicate: Link
    values: list[Link | str] = field(default_factory=list)
    #: a value's text -> the report or person whose words alone give it (tkg:accordingTo)
    per: dict[str, Link] = field(default_factory=dict)


def brief(st: Store, iri: str, labeller: Labeller) -> list[Brief]:
    """The entity's own values of the `BRIEF` properties (curated and stated, not inferred)."""
    props = " ".join(f"tkg:{p}" for p in BRIEF)
    rows = QUERIES.rows(st, "brief", {"properties": props, "iri": iri_ref(iri)})
    labeller.prefetch({r["p"] for r in rows} | {r["o"] for r in rows if r["isiri"] == "true"}
                      | {r["per"] for r in rows if "per" in r})
    found: dict[str, Brief] = {}
    for r in rows:
        b = found.setdefault(r["p"], Brief(labeller.link(r["p"])))
        value: Link | str = labeller.link(r["o"]) if r["isiri"] == "true" else r["o"]
        if isinstance(value, Link) and "edtf" in r:  # a date: written out, not its label
            value = Link(format_edtf(r["edtf"], labeller.lang), value.href, value.iri)
            if any(isinstance(v, Link) and v.text == value.text for v in b.values):
                continue  # the same date printed in several sentences: said once
        if value not in b.values:
            b.values.append(value)
        if "per" in r:
            b.per[value.text if isinstance(value, Link) else value] = labeller.link(r["per"])
    order = {TKG + p: i for i, p in enumerate(BRIEF)}
    for b in found.values():
        b.values.sort(key=lambda v: v.text if isinstance(v, Link) else v)
    return sorted(found.values(), key=lambda b: order[b.predicate.iri])


@dataclass
class Dated:
    """One dated fact that involves the entity, for its chronology."""

    date: str
    sort: str
    subject: Link
    predicate: Link
    obj: Link | str
    claim: str
    kind: str


def chronology(st: Store, iri: str, labeller: Labeller, lang: str) -> list[Dated]:
    """Every reviewed fact in which the entity is the subject or the value, dated by the fact's
    own date or else by the date of the event it is about, in date order."""
    rows = QUERIES.rows(st, "chronology", {"iri": iri_ref(iri)})
    labeller.prefetch({r[k] for r in rows for k in ("s", "p", "o") if k in r})
    out: list[Dated] = []
    seen: set[tuple[str, str, str, str]] = set()
    for r in rows:
        obj = r.get("o", r.get("val", ""))
        key = (r["s"], r["p"], obj, r["edtf"])
        if key in seen:
            continue
        seen.add(key)
        out.append(Dated(
            date=format_edtf(r["edtf"], lang), sort=r["earliest"], subject=labeller.link(r["s"]),
            predicate=labeller.link(r["p"]),
            obj=labeller.link(r["o"]) if "o" in r else r.get("val", ""),
            claim=r["c"].rsplit("/", 1)[-1], kind=r["p"].rsplit("#", 1)[-1]))
    return out


def subordinates(st: Store, iri: str, labeller: Labeller) -> list[Link]:
    """The units the graph places directly under this one."""
    rows = QUERIES.rows(st, "subordinates", {"iri": iri_ref(iri)})
    labeller.prefetch({r["u"] for r in rows})
    return sorted((labeller.link(r["u"]) for r in rows), key=lambda link: link.text)


@dataclass(frozen=True)
class MiniMap:
    """A small map around one place: its frame, base layer and the marker's position."""

    frame: Frame
    base: BaseLayer | None
    x: float
    y: float
    lat: float
    lon: float


def mini_map(st: Store, iri: str, node_modules: str | Path) -> MiniMap | None:
    """A map 4° wide around the place's coordinates (None if it has none)."""
    rows = QUERIES.rows(st, "coordinates", {"iri": iri_ref(iri)})
    if not rows:
        return None
    lat, lon = float(rows[0]["lat"]), float(rows[0]["lon"])
    frame = Frame(west=round(lon - 2, 1), east=round(lon + 2, 1), south=round(lat - 1.4, 1),
                  north=round(lat + 1.4, 1), width=360)
    x, y = frame.xy(lon, lat)
    return MiniMap(frame, base_layer(atlas_path(node_modules), frame), x, y, lat, lon)


@dataclass
class EvidenceBlock:
    """One sentence (shown once) and the facts of this page it supports."""

    anchor: str
    claims: list[Any] = field(default_factory=list)  # ClaimView of server.linked_data

    @property
    def segments(self) -> list[Any]:
        """The sentence as marked for the claim with the most marks (mentions, date)."""
        return max((c.segments for c in self.claims),
                   key=lambda segs: sum(1 for s in segs if s.kind))


def group_by_sentence(claims: list[Any], *, prefix: str = "ev-") -> list[EvidenceBlock]:
    """Claims grouped under their sentence, in the order the claims come; a claim without a
    sentence is a block of its own. Blocks are anchored ``{prefix}1``, ``{prefix}2`` ..."""
    blocks: dict[str, EvidenceBlock] = {}
    for c in claims:
        key = c.sentence.iri if c.sentence else c.iri
        block = blocks.setdefault(key, EvidenceBlock(prefix + str(len(blocks) + 1)))
        block.claims.append(c)
    return list(blocks.values())


def split_claims(claims: list[Any], iri: str) -> tuple[list[Any], list[Any]]:
    """The claims about ``iri`` (it is their subject) and those naming it as their value."""
    about = [c for c in claims if c.subject is None or c.subject.iri == iri]
    return about, [c for c in claims if c not in about]
