"""The loaded store -> the in-memory indexes of its entities that search and reconciliation
match names against (labels and aliases, with types), built once per loaded build."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from server.iris import TKG, queries
from tarihkg.names import RESOURCE_NS, WD
from tarihkg.store import Store
from tarihkg.text.turkish import search_key

log = logging.getLogger(__name__)

QUERIES = queries("index")

RESOURCE = RESOURCE_NS
#: The types the service reconciles against: (id, English name). Subclasses (Battle, Armistice, ...)
#: are members of their top type through the inferred graph.
TYPES: tuple[tuple[str, str], ...] = (
    ("Person", "person"),
    ("MilitaryUnit", "military unit"),
    ("Treaty", "treaty"),
    ("Event", "event"),
    ("Place", "place"),
    ("Polity", "polity"),
    ("Organization", "organization"),
)



@dataclass
class Entry:
    """One searchable resource."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    names: list[tuple[str, bool]] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    shown_type: str | None = None


def build_search_index(st: Store) -> list[Entry]:
    """Every entity, source, cited work and archive record with its labels, aliases, types."""
    rows = QUERIES.rows(st, "search-names")
    entries: dict[str, Entry] = {}
    for r in rows:
        e = entries.setdefault(r["x"], Entry(r["x"]))
        preferred = not r["p"].endswith("altLabel")
        if r["p"].endswith("#label") and r.get("lang", "") not in e.labels:
            e.labels[r.get("lang", "")] = r["l"]
        if (r["l"], preferred) not in e.names and (r["l"], True) not in e.names:
            e.names.append((r["l"], preferred))
    types = QUERIES.rows(st, "search-types")
    for r in types:
        e = entries.setdefault(r["x"], Entry(r["x"]))
        e.types.add(r["t"].removeprefix(TKG))
        if not r["g"].endswith("/inferred") and e.shown_type is None:
            e.shown_type = r["t"]
    log.info("search index: %d resources", len(entries))
    return list(entries.values())


@dataclass
class Candidate:
    """One reconcilable entity, with every name it goes by."""

    id: str
    name: str
    name_en: str
    types: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    description: str | None = None
    props: dict[str, set[str]] = field(default_factory=dict)

    def keys(self) -> set[str]:
        return {search_key(n) for n in self.names if n}


def build_reconcile_index(st: Store) -> dict[str, Candidate]:
    """Every curated entity of a reconcilable type, from the store (types include subclasses)."""
    index: dict[str, Candidate] = {}
    types = " ".join(f"tkg:{t}" for t, _ in TYPES)
    for row in QUERIES.rows(st, "reconcile-candidates", {"types": types}):
        rid = row["e"].removeprefix(RESOURCE)
        cand = index.get(rid)
        if cand is None:
            cand = index[rid] = Candidate(id=rid, name=row.get("tr", row["id"]),
                                          name_en=row.get("en", row["id"]))
            cand.props["registryId"] = {row["id"]}
        cand.types.add(row["type"].removeprefix(TKG))
        for key in ("tr", "en", "alt"):
            if row.get(key):
                cand.names.add(row[key])
        if row.get("desc"):
            cand.description = row["desc"]
        for prop, value in (("wikidata", row.get("qid", "").removeprefix(str(WD))),
                            ("echelon", row.get("echelon", "").removeprefix(TKG)),
                            ("placeKind", row.get("kind", "").removeprefix(TKG)),
                            ("year", row.get("edtf", "")[:4])):
            if value:
                cand.props.setdefault(prop, set()).add(value)
    log.info("reconciliation index: %d entities", len(index))
    return index
