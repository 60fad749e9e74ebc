"""Evidence table (data/curation/wikidata-evidence/*.csv) + registry + gazetteer coordinates ->
Wikidata links decided offline (confirmed / candidate) and a report of what stayed unlinked, why.

The rule is the curation's (docs/curation.md): a QID is confirmed for an entity only when a public
source pairs it with one of the entity's names AND with something that tells it from look-alikes:
coordinates within `max_km` of the entity's own gazetteer point, the date (for events), or the
kind of thing (a settlement, a state, a treaty) where the source may be trusted on its own. A QID
that its own source gives to different things is never used; a QID rejected for the entity, or
confirmed for another one, is never proposed; when the best evidence names two QIDs, both stay
candidates. Nothing here reaches the network.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tarihkg.curation import QID_RE, Entity, Fact, WikidataLink
from tarihkg.errors import InputError
from tarihkg.link import fold

EVIDENCE_DIR = "wikidata-evidence"
SOURCES_FILE = "sources.csv"
REPORT_FILE = "report.md"
FIELDS = ("source", "record", "qid", "label", "lang", "kind", "detail", "lat", "lon", "date",
          "seen_on")
SOURCE_FIELDS = ("id", "name", "version", "path", "licence", "url", "alone", "note")
CHECKED_BY = "tarihkg link --offline (data/curation/wikidata-evidence)"
#: How alike (SequenceMatcher on sorted words) a differently worded name must be to make a
#: candidate (never a confirmed link): "Turkish Republic of Aras" / "Aras Turkic Republic" 0.93,
#: "Democratic Republic of Afghanistan" / "Azerbaijan Democratic Republic" 0.82.
NEAR_RATIO = 0.9

#: What an evidence row may say a thing is, and the registry types (or place kinds) it fits.
KIND_FITS: dict[str, frozenset[str]] = {
    "settlement": frozenset({"city", "town", "village"}),
    "admin": frozenset({"province", "region"}),
    "state": frozenset({"Polity"}),
    "battle": frozenset({"Battle"}),
    "armistice": frozenset({"Armistice"}),
    "treaty": frozenset({"Treaty", "PeaceTreaty", "Agreement", "Pact"}),
    "conference": frozenset({"Conference"}),
    "war": frozenset({"Event"}),
}
@dataclass(frozen=True)
class EvidenceRow:
    """One row of a public source as it was seen: a QID, its label and what tells it apart."""

    source: str
    record: str
    qid: str
    label: str
    lang: str
    kind: str
    detail: str = ""
    lat: float | None = None
    lon: float | None = None
    date: str | None = None
    seen_on: str = ""
    path: str = ""
    line: int = 0

    def as_csv(self) -> dict[str, str]:
        """The row as the CSV writer wants it (empty cells for what is unknown)."""
        return {"source": self.source, "record": self.record, "qid": self.qid,
                "label": self.label, "lang": self.lang, "kind": self.kind, "detail": self.detail,
                "lat": "" if self.lat is None else f"{self.lat:.6f}",
                "lon": "" if self.lon is None else f"{self.lon:.6f}",
                "date": self.date or "", "seen_on": self.seen_on}

    def __hash__(self) -> int:
        return hash((self.source, self.record, self.qid))


@dataclass(frozen=True)
class Source:
    """A public source of evidence rows: what it is, its version, its licence, whether one of its
    rows may confirm a link on its own (``alone``) or needs coordinates that agree."""

    id: str
    name: str
    version: str
    path: str
    licence: str
    url: str
    alone: bool
    note: str = ""

    def cite(self, row: EvidenceRow) -> str:
        """Where a row was seen, for the `source` field of wikidata.yaml."""
        where = " ".join(p for p in (self.name, self.version and f"@ {self.version[:12]}",
                                     self.path) if p)
        return (f"{where} {row.record}: `{row.qid}` = {row.label!r}, {row.detail or row.kind} "
                f"(licence: {self.licence})")


def _number(value: str, what: str, low: float, high: float, where: tuple[Path, int]) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a number", path=where[0], line=where[1]) from None
    if not low <= number <= high:
        raise InputError(f"{what} {number} is out of range", path=where[0], line=where[1])
    return number


def _check_evidence_ids(raw: Mapping[str, str], sources: Mapping[str, Source],
                        where: tuple[Path, int]) -> None:
    """The row has every required cell, a declared source, a QID and a known kind."""
    missing = [k for k in ("source", "record", "qid", "label", "kind", "seen_on")
               if not (raw.get(k) or "").strip()]
    if missing:
        raise InputError(f"evidence row lacks {', '.join(missing)}", path=where[0], line=where[1])
    if raw["source"] not in sources:
        raise InputError(f"unknown source {raw['source']!r} (declare it in {SOURCES_FILE})",
                         path=where[0], line=where[1])
    if not QID_RE.match(raw["qid"]):
        raise InputError(f"{raw['qid']!r} is not a Wikidata item id", path=where[0], line=where[1])
    kind = raw["kind"]
    if kind not in KIND_FITS and kind != "other":
        raise InputError(f"kind {kind!r} is not one of {', '.join(KIND_FITS)}, other",
                         path=where[0], line=where[1])


def _evidence_row(raw: Mapping[str, str], sources: Mapping[str, Source],
                  where: tuple[Path, int]) -> EvidenceRow:
    _check_evidence_ids(raw, sources, where)
    kind = raw["kind"]
    date = (raw.get("date") or "").strip() or None
    if date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise InputError(f"date {date!r} is not YYYY[-MM[-DD]]", path=where[0], line=where[1])
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["seen_on"]):
        raise InputError("seen_on must be a day (YYYY-MM-DD)", path=where[0], line=where[1])
    has_lat, has_lon = bool((raw.get("lat") or "").strip()), bool((raw.get("lon") or "").strip())
    if has_lat != has_lon:
        raise InputError("give both lat and lon, or neither", path=where[0], line=where[1])
    return EvidenceRow(
        source=raw["source"], record=raw["record"], qid=raw["qid"], label=raw["label"],
        lang=raw.get("lang") or "", kind=kind, detail=raw.get("detail") or "",
        lat=_number(raw["lat"], "lat", -90, 90, where) if has_lat else None,
        lon=_number(raw["lon"], "lon", -180, 180, where) if has_lon else None,
        date=date, seen_on=raw["seen_on"], path=str(where[0]), line=where[1])


def _read_csv(path: Path, fields: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = tuple(reader.fieldnames or ())
        if header != tuple(fields):
            raise InputError(f"header must be {','.join(fields)}", path=path, line=1)
        return [(reader.line_num, row) for row in reader]


def load_evidence(folder: Path) -> tuple[dict[str, Source], list[EvidenceRow]]:
    """Read the sources table and every other *.csv of the evidence folder (checked row by row;
    a bad cell is an `InputError` with its file and line)."""
    sources_path = folder / SOURCES_FILE
    if not sources_path.exists():
        raise InputError(f"no {SOURCES_FILE} in the evidence folder", path=folder)
    sources: dict[str, Source] = {}
    for line, raw in _read_csv(sources_path, SOURCE_FIELDS):
        if raw["alone"] not in ("yes", "no"):
            raise InputError("alone must be yes or no", path=sources_path, line=line)
        sources[raw["id"]] = Source(
            id=raw["id"], name=raw["name"], version=raw["version"], path=raw["path"],
            licence=raw["licence"], url=raw["url"], alone=raw["alone"] == "yes",
            note=raw["note"])
    rows: list[EvidenceRow] = []
    for path in sorted(folder.glob("*.csv")):
        if path.name == SOURCES_FILE:
            continue
        rows.extend(_evidence_row(raw, sources, (path, line))
                    for line, raw in _read_csv(path, FIELDS))
    return sources, rows


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius).

    >>> round(distance_km(40.37767, 49.89201, 40.68157, 46.36134))
    300
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


def entity_names(ent: Entity) -> set[str]:
    """Folded names an evidence label may match: labels, aliases, the English label without its
    parenthesis and the names inside it ("Alexandropol (Gyumri)" -> both)."""
    names: set[str] = set()
    for name in (ent.label_tr, ent.label_en, *ent.aliases):
        names.add(fold(name))
        names.add(fold(re.sub(r"\s*\([^)]*\)", "", name)))
        names.update(fold(inner) for inner in re.findall(r"\(([^)]*)\)", name))
    names.discard("")
    return names


def entity_years(ent: Entity, facts: Iterable[Fact]) -> set[int]:
    """Years an event or treaty is dated by: its curated facts' dates and the years its English
    label and description name."""
    years = {int(f.date[:4]) for f in facts if f.subject == ent.id and f.date
             and f.date[:4].isdigit()}
    for text in (ent.label_en, ent.description_en or ""):
        years.update(int(y) for y in re.findall(r"\b(1[6-9]\d\d)\b", text))
    return years


def _fits(ent: Entity, kind: str) -> bool:
    allowed = KIND_FITS.get(kind, frozenset())
    return ent.type in allowed or (ent.type == "Place" and ent.place_kind in allowed)


@dataclass(frozen=True)
class Support:
    """An evidence row for an entity and how strongly it tells the item from look-alikes:
    2 = coordinates or date agree, 1 = the kind of thing agrees (from a source trusted alone)."""

    row: EvidenceRow
    strength: int
    why: str


@dataclass(frozen=True)
class Decision:
    """What the offline linker decided for one entity, with the evidence and the reason."""

    id: str
    outcome: str  # confirmed | candidate | kept | unlinked
    qid: str | None
    support: tuple[Support, ...]
    reason: str


@dataclass(frozen=True)
class OfflineRun:
    """The new list of links and one decision per entity that had evidence or stayed unlinked."""

    links: list[WikidataLink]
    decisions: list[Decision]


def reused_qids(rows: Iterable[EvidenceRow]) -> dict[tuple[str, str], set[str]]:
    """(source, QID) -> the different labels a source gives one QID, where it gives more than one:
    such a QID names different things in its own source and is never used."""
    labels: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        labels.setdefault((row.source, row.qid), set()).add(row.label)
    return {key: names for key, names in labels.items()
            if len({fold(n) for n in names}) > 1}


def _weigh(ent: Entity, row: EvidenceRow, source: Source, *, years: set[int],
           max_km: float) -> Support | str:
    """How a matching row supports the entity, or why it does not."""
    if not _fits(ent, row.kind):
        what = ent.place_kind if ent.type == "Place" else ent.type
        return f"{row.qid} is seen as {row.kind} ({row.detail or row.source}), the entity is {what}"
    if row.lat is not None and row.lon is not None and ent.coordinates is not None:
        km = distance_km(row.lat, row.lon, ent.coordinates.lat, ent.coordinates.lon)
        if km > max_km:
            return f"{row.qid} lies {km:.0f} km from the entity's gazetteer point"
        return Support(row, 2, f"{km:.1f} km from {ent.coordinates.name} "
                               f"({ent.coordinates.source_url})")
    if row.date:
        if not years:
            return f"{row.qid} is dated {row.date}; the entity has no date to compare"
        if int(row.date[:4]) not in years:
            return f"{row.qid} is dated {row.date}, the entity {sorted(years)}"
        return Support(row, 2, f"dated {row.date}, as the entity ({sorted(years)})")
    if not source.alone:
        return (f"{row.qid} from {source.name} needs coordinates that agree "
                "(its QIDs are not trusted alone)")
    return Support(row, 1, f"seen as {row.kind} ({row.detail})" if row.detail
                   else f"seen as {row.kind}")


def _link_from(ent: Entity, qid: str, status: str, support: Sequence[Support],
               sources: Mapping[str, Source], note: str | None = None) -> WikidataLink:
    best = support[0]
    return WikidataLink(
        id=ent.id, qid=qid, status=status, path="", line=0,
        label_seen=best.row.label,
        description_seen="; ".join(dict.fromkeys(s.why for s in support)),
        source=" | ".join(sources[s.row.source].cite(s.row) for s in support),
        checked_by=CHECKED_BY, checked_on=max(s.row.seen_on for s in support), note=note)


def _decide(ent: Entity, matches: Sequence[EvidenceRow], *, sources: Mapping[str, Source],
            reused: Mapping[tuple[str, str], set[str]], years: set[int], rejected: set[str],
            taken: Mapping[str, str], max_km: float) -> tuple[dict[str, list[Support]], list[str]]:
    supported: dict[str, list[Support]] = {}
    refused: list[str] = []
    for row in matches:
        if (row.source, row.qid) in reused:
            others = sorted(reused[(row.source, row.qid)] - {row.label})
            refused.append(f"{row.qid}: {sources[row.source].name} gives it to different things "
                           f"({row.label!r} and {', '.join(map(repr, others))})")
        elif row.qid in rejected:
            refused.append(f"{row.qid}: rejected for this entity in wikidata.yaml")
        else:
            weighed = _weigh(ent, row, sources[row.source], years=years, max_km=max_km)
            if isinstance(weighed, str):
                refused.append(weighed)
            elif row.qid in taken and taken[row.qid] != ent.id:
                refused.append(f"{row.qid}: already confirmed for {taken[row.qid]}")
            else:
                supported.setdefault(row.qid, []).append(weighed)
    return supported, refused


def _near_candidate(ent: Entity, near: Sequence[EvidenceRow],
                    supported: Mapping[str, list[Support]]) -> Decision:
    """A candidate from rows with a similar (not the same) name, saying which rows they were."""
    seen = "; ".join(f"{r.qid} {r.label!r}" for r in near if r.qid in supported)
    return Decision(ent.id, "candidate", None, tuple(s for ss in supported.values() for s in ss),
                    f"a similar name, not the same: seen {seen}")


def _record_links(out: list[WikidataLink], index: dict[tuple[str, str], int], ent: Entity,
                  decision: Decision, supported: Mapping[str, list[Support]],
                  sources: Mapping[str, Source]) -> None:
    """Add the decision's link (confirmed) or links (candidates) to `out`; a link already there
    is replaced in place, keeping its note and score."""
    for qid in ([decision.qid] if decision.outcome == "confirmed" else sorted(supported)):
        assert qid is not None
        link = _link_from(ent, qid, decision.outcome, supported[qid], sources,
                          note=None if decision.outcome == "confirmed" else decision.reason)
        if (ent.id, qid) in index:
            old = out[index[(ent.id, qid)]]
            out[index[(ent.id, qid)]] = replace(link, note=old.note or link.note,
                                                score=old.score)
        else:
            index[(ent.id, qid)] = len(out)
            out.append(link)


def link_offline(entities: Mapping[str, Entity], links: Sequence[WikidataLink],
                 rows: Sequence[EvidenceRow], sources: Mapping[str, Source],
                 facts: Sequence[Fact], *, max_km: float = 10.0) -> OfflineRun:
    """Decide every entity from the evidence rows whose label is one of its names; returns the
    links with new confirmed and candidate entries (an existing candidate the evidence now
    confirms is upgraded in place) and one `Decision` per entity."""
    out = list(links)
    index = {(lk.id, lk.qid): i for i, lk in enumerate(out)}
    taken = {lk.qid: lk.id for lk in links if lk.status == "confirmed"}
    confirmed = {lk.id: lk.qid for lk in links if lk.status == "confirmed"}
    reused = reused_qids(rows)
    by_name: dict[str, list[EvidenceRow]] = {}
    for row in rows:
        by_name.setdefault(fold(row.label), []).append(row)
    decisions: list[Decision] = []
    for ent in sorted(entities.values(), key=lambda e: e.id):
        if ent.deprecated:
            continue
        matches = sorted({r for n in entity_names(ent) for r in by_name.get(n, ())},
                         key=lambda r: (r.source, r.qid, r.record))
        rejected = {lk.qid for lk in ent.wikidata_links if lk.status == "rejected"}
        years = entity_years(ent, facts)
        supported, refused = _decide(
            ent, matches, sources=sources, reused=reused, years=years,
            rejected=rejected, taken=taken, max_km=max_km)
        decision = _outcome(ent, supported, refused, confirmed.get(ent.id))
        if decision.outcome == "unlinked" and not matches:
            near = _near_rows(ent, rows)
            supported, _ = _decide(ent, near, sources=sources, reused=reused, years=years,
                                   rejected=rejected, taken=taken, max_km=max_km)
            if supported:
                decision = _near_candidate(ent, near, supported)
        decisions.append(decision)
        if decision.outcome not in ("confirmed", "candidate"):
            continue
        _record_links(out, index, ent, decision, supported, sources)
        if decision.outcome == "confirmed" and decision.qid:
            taken[decision.qid] = ent.id
            confirmed[ent.id] = decision.qid
    return OfflineRun(links=out, decisions=decisions)


def name_tokens(name: str) -> str:
    """A name's folded words, sorted, without 'of' and 'the' (for similar-name matching)."""
    return " ".join(sorted(w for w in re.split(r"[\W_]+", fold(name)) if w not in ("of", "the")))


def _near_rows(ent: Entity, rows: Iterable[EvidenceRow], *, at_least: float = NEAR_RATIO
               ) -> list[EvidenceRow]:
    """Rows naming a state, treaty or event of the entity's kind with a similar (not the same)
    name: their words, sorted, are at least ``at_least`` alike (SequenceMatcher). Such a row can
    only ever make a candidate.

    >>> name_tokens("Turkish Republic of Aras")
    'aras republic turkish'
    """
    mine = {name_tokens(n) for n in (ent.label_tr, ent.label_en, *ent.aliases)}
    return [r for r in rows if r.kind not in ("settlement", "admin") and _fits(ent, r.kind)
            and any(difflib.SequenceMatcher(None, name_tokens(r.label), m).ratio() >= at_least
                    for m in mine)]


def _outcome(ent: Entity, supported: Mapping[str, list[Support]], refused: Sequence[str],
             current: str | None) -> Decision:
    ranked = sorted(supported.items(), key=lambda kv: (-max(s.strength for s in kv[1]), kv[0]))
    flat = tuple(s for _, ss in ranked for s in ss)
    why_not = "; ".join(dict.fromkeys(refused))
    if current is not None:
        agree = current in supported
        others = sorted(q for q in supported if q != current)
        reason = ("the evidence agrees" if agree else "no row supports it (kept as confirmed)")
        if others:
            reason += f"; evidence also names {', '.join(others)}: review"
        return Decision(ent.id, "kept", current, flat, reason)
    if not ranked:
        return Decision(ent.id, "unlinked", None, (), why_not or "no public row pairs a QID "
                        "with its names")
    top = max(s.strength for s in ranked[0][1])
    best = [qid for qid, ss in ranked if max(s.strength for s in ss) == top]
    if len(best) > 1:
        return Decision(ent.id, "candidate", None, flat,
                        f"the evidence names {', '.join(best)} equally: a reviewer decides")
    weaker = [qid for qid, _ in ranked if qid != best[0]]
    reason = "; ".join(dict.fromkeys(s.why for s in ranked[0][1]))
    if weaker:
        reason += f" (weaker rows name {', '.join(weaker)}: not used)"
    return Decision(ent.id, "confirmed", best[0], flat, reason)


def _supported_line(d: Decision) -> str:
    """A report line for a confirmed link: its sources and what told it apart, new ones marked."""
    mine = [s for s in d.support if s.row.qid == d.qid]
    sources = ", ".join(dict.fromkeys(s.row.source for s in mine))
    why = "; ".join(dict.fromkeys(s.why for s in mine))
    flag = " (new)" if d.outcome == "confirmed" else ""
    return f"- `{d.id}` -> {d.qid}{flag} ({sources}): {why}"


def _campaign_kind(ent: Entity) -> bool:
    """True for the kinds the linking campaign covers: places, polities, treaties, battles."""
    return ent.type in ("Place", "Polity") or ent.segment in ("treaty",) or ent.type == "Battle"


def format_report(run: OfflineRun, entities: Mapping[str, Entity], *, day: str,
                  before: int) -> str:
    """A Markdown report: counts; every confirmed link the evidence supports, with the sources
    and what told it apart (new ones marked, so a rerun keeps the list); the candidates; and
    every entity of the kinds the campaign links (places, polities, treaties, battles) that
    stayed unlinked, with the reason."""
    new = [d for d in run.decisions if d.outcome == "confirmed"]
    supported = [d for d in run.decisions if d.outcome == "confirmed"
                 or (d.outcome == "kept" and any(s.row.qid == d.qid for s in d.support))]
    cands = [d for d in run.decisions if d.outcome == "candidate"]
    after = sum(1 for lk in run.links if lk.status == "confirmed")
    lines = [f"# tarihkg link --offline: report ({day})", "",
             f"Confirmed links: {before} before, {after} after ({len(new)} new this run); "
             f"{len(supported)} of them supported by the evidence table. "
             f"Candidates: {len(cands)}.", "", "## Confirmed links the evidence supports", ""]
    lines += [_supported_line(d) for d in supported]
    lines += ["", "## Confirmed links beside which the evidence names another item (review)", ""]
    lines += [f"- `{d.id}` -> {d.qid}: {d.reason}" for d in run.decisions
              if d.outcome == "kept" and "also names" in d.reason]
    lines += ["", "## Candidates (review view only, never an identity link)", ""]
    lines += [f"- `{d.id}`: {d.reason}" for d in cands]
    lines += ["", "## Unlinked, and why", ""]
    lines += [f"- `{d.id}` ({entities[d.id].label_en}): {d.reason}" for d in run.decisions
              if d.outcome == "unlinked" and _campaign_kind(entities[d.id])]
    return "\n".join(lines) + "\n"
