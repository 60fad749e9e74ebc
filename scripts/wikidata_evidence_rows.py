"""Public tables pairing Wikidata QIDs with labels -> data/curation/wikidata-evidence/extracted.csv.

Usage: python scripts/wikidata_evidence_rows.py --histwardb CROSSWALK.csv --ottgaz OTTGAZ.tsv
           --csc-dir DIR [--seen-on YYYY-MM-DD] [--output FILE]

Reads only rows whose label (Turkish-aware fold) is one of the registry's names, plus every other
row of the same source that carries one of their QIDs (so that the linker can see a QID its source
gives to different things). Each row keeps what was seen: source, record, QID, label, kind,
coordinates or date, licence. The sources and their licences are described in
data/curation/wikidata-evidence/README.md; the tables themselves are not copied.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from tarihkg.curation import load_registry
from tarihkg.evidence import FIELDS, NEAR_RATIO, EvidenceRow, entity_names, name_tokens
from tarihkg.link import fold

ROOT = Path(__file__).resolve().parent.parent
CSC_COUNTRIES = ("AZ", "TR", "AM", "GE", "IR", "IQ", "BY", "AT")


def registry_names() -> set[str]:
    """Folded names of every registry entity (labels, aliases, parenthesised English names)."""
    registry = load_registry(ROOT / "data" / "curation" / "entities")
    return {name for ent in registry.values() for name in entity_names(ent)}


def polity_words() -> set[str]:
    """The sorted words of every polity's names (states may be named in other words)."""
    registry = load_registry(ROOT / "data" / "curation" / "entities")
    return {name_tokens(n) for e in registry.values() if e.type == "Polity"
            for n in (e.label_tr, e.label_en, *e.aliases)}


def histwardb_rows(path: Path, names: set[str], seen_on: str) -> Iterator[EvidenceRow]:
    """histwardb's crosswalk: one historical or sovereign state per row (country_qid, country),
    kept when its name is one of ours or its words are close to a polity's (`NEAR_RATIO`)."""
    words = polity_words()
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            mine = name_tokens(row["country"])
            if fold(row["country"]) in names or any(
                    difflib.SequenceMatcher(None, mine, w).ratio() >= NEAR_RATIO for w in words):
                cow = f"; COW {row['cow_code']} {row['cow_name']}" if row["cow_code"] else ""
                yield EvidenceRow(
                    source="histwardb", record=f"line {number}", qid=row["country_qid"],
                    label=row["country"], lang="en", kind="state", detail=f"state{cow}",
                    seen_on=seen_on)


def ottgaz_rows(path: Path, names: set[str], seen_on: str) -> Iterator[EvidenceRow]:
    """The Ottoman Gazetteer (v9): a lead row per place with its names, GeoNames feature class
    and Wikidata URL; continuation rows (empty name) carry its administrative history."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    name_cols = [c for c in header if c.startswith("Placename") and c.endswith("@tr")
                 and "notes" not in c]
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t") + [""] * len(header)
        url = cells[col["Wikidata_url"]].strip()
        match = re.search(r"(Q[1-9][0-9]*)$", url)
        if not match:
            continue
        labels = [cells[col[c]].strip() for c in name_cols if cells[col[c]].strip()]
        ours = [lb for lb in labels if fold(lb) in names]
        if not ours:
            continue
        feature = cells[col["Place_type"]].rsplit("#", 1)[-1]
        kind = {"P.PPLG": "settlement", "P.PPLA": "settlement", "P.PPL": "settlement",
                "A.ADMD": "admin"}.get(feature, "other")
        unit = cells[col["Unit"]].strip()
        parent = cells[col["belongsTo1"]].strip()
        yield EvidenceRow(
            source="ottgaz", record=f"line {number} (ottgaz_id {cells[col['ottgaz_id']]})",
            qid=match.group(1), label=ours[0], lang="tr", kind=kind,
            detail=f"names {' / '.join(labels)}; GeoNames feature {feature}; {unit or 'no unit'}"
                   + (f" in {parent}" if parent else ""), seen_on=seen_on)


def csc_rows(folder: Path, names: set[str], seen_on: str) -> Iterator[EvidenceRow]:
    """countries-states-cities: every city row whose name, native or Turkish name is ours, and
    every other row carrying one of their QIDs (the table reuses some QIDs for several cities)."""
    rows: list[tuple[str, int, dict[str, object]]] = []
    for code in CSC_COUNTRIES:
        path = folder / f"{code}.json"
        if path.exists() and path.stat().st_size:
            rows.extend((code, i, r) for i, r in enumerate(json.loads(path.read_text())))

    def labels(r: dict[str, object]) -> list[str]:
        tr = (r.get("translations") or {}).get("tr", "")  # type: ignore[union-attr]
        return [str(x) for x in (r["name"], r.get("native") or "", tr) if x]

    wanted = {str(r["wikiDataId"]) for _, _, r in rows
              if r.get("wikiDataId") and any(fold(lb) in names for lb in labels(r))}
    for code, index, r in rows:
        if r.get("wikiDataId") in wanted:
            ours = [lb for lb in labels(r) if fold(lb) in names] or [str(r["name"])]
            yield EvidenceRow(
                source="csc", record=f"{code}.json #{index} (id {r['id']})",
                qid=str(r["wikiDataId"]), label=ours[0], lang="", kind="settlement",
                detail=f"city table, type {r['type']}, names {' / '.join(labels(r))}",
                lat=float(str(r["latitude"])), lon=float(str(r["longitude"])), seen_on=seen_on)


def write_rows(rows: Iterable[EvidenceRow], out: Path) -> int:
    ordered = sorted(set(rows), key=lambda r: (r.source, r.qid, r.record))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in ordered:
            writer.writerow(row.as_csv())
    return len(ordered)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histwardb", type=Path, required=True)
    parser.add_argument("--ottgaz", type=Path, required=True)
    parser.add_argument("--csc-dir", type=Path, required=True)
    parser.add_argument("--seen-on", default=date.today().isoformat())
    parser.add_argument("--output", type=Path,
                        default=ROOT / "data" / "curation" / "wikidata-evidence" / "extracted.csv")
    args = parser.parse_args()
    names = registry_names()
    rows = [*histwardb_rows(args.histwardb, names, args.seen_on),
            *ottgaz_rows(args.ottgaz, names, args.seen_on),
            *csc_rows(args.csc_dir, names, args.seen_on)]
    count = write_rows(rows, args.output)
    sys.stderr.write(f"wrote {count} rows to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
