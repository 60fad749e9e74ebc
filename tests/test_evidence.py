"""`tarihkg link --offline`: the evidence table's checks, the linking rule (names + coordinates,
date or kind; a reused QID never used; two equal QIDs stay candidates) on small made-up rows,
and the committed links and report reproduced from the committed evidence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tarihkg.curation import Coordinates, Entity, Fact, WikidataLink, load_facts, load_registry
from tarihkg.errors import InputError
from tarihkg.evidence import (
    EVIDENCE_DIR,
    FIELDS,
    SOURCE_FIELDS,
    EvidenceRow,
    Source,
    entity_years,
    format_report,
    link_offline,
    load_evidence,
)
from tarihkg.link import registry_links

ROOT = Path(__file__).resolve().parent.parent
CURATION = ROOT / "data" / "curation"
DAY = "2026-12-07"

SOURCES = {
    "gaz": Source("gaz", "a gazetteer", "1", "g.csv", "CC0", "https://example.org/g", True),
    "weak": Source("weak", "a city table", "2", "c.json", "ODbL", "https://example.org/c", False),
    "events": Source("events", "an event list", "3", "e.json", "MIT", "https://example.org/e",
                     True),
}


def place(eid: str, label: str, *, kind: str = "town", at: tuple[float, float] | None = None
          ) -> Entity:
    coords = Coordinates(eid, at[0], at[1], label, f"https://www.geonames.org/{eid}", 1) if at \
        else None
    return Entity(id=eid, type="Place", label_tr=label, label_en=label, aliases=(label,),
                  path="t.yaml", line=1, place_kind=kind, coordinates=coords)


def row(source: str, qid: str, label: str, kind: str = "settlement", *,
        at: tuple[float, float] | None = None, date: str | None = None, record: str = "r1"
        ) -> EvidenceRow:
    return EvidenceRow(source=source, record=record, qid=qid, label=label, lang="en", kind=kind,
                       detail="seen", lat=at[0] if at else None, lon=at[1] if at else None,
                       date=date, seen_on=DAY)


def run(entities: list[Entity], rows: list[EvidenceRow], links: list[WikidataLink] | None = None,
        facts: list[Fact] | None = None):
    return link_offline({e.id: e for e in entities}, links or [], rows, SOURCES, facts or [])


def outcome(result, eid: str):
    return next(d for d in result.decisions if d.id == eid)


def test_coordinates_within_ten_km_confirm_and_farther_do_not() -> None:
    ganja = place("gence", "Gence", at=(40.6816, 46.3613))
    near = row("weak", "Q901", "Gence", at=(40.70, 46.37))
    far = row("weak", "Q902", "Gence", at=(40.95, 46.37), record="r2")
    result = run([ganja], [near, far])
    decision = outcome(result, "gence")
    assert (decision.outcome, decision.qid) == ("confirmed", "Q901")
    link = next(lk for lk in result.links if lk.id == "gence")
    assert link.status == "confirmed" and link.label_seen == "Gence" and link.checked_on == DAY
    assert "km from Gence" in (link.description_seen or "") and "a city table" in link.source
    assert run([ganja], [far]).decisions[0].outcome == "unlinked"
    assert "30 km" in run([ganja], [far]).decisions[0].reason


def test_a_qid_its_source_gives_to_different_things_is_never_used() -> None:
    ganja = place("gence", "Gence", at=(40.6816, 46.3613))
    rows = [row("weak", "Q903", "Gence", at=(40.68, 46.36)),
            row("weak", "Q903", "Fizuli", at=(39.60, 47.14), record="r2")]
    decision = outcome(run([ganja], rows), "gence")
    assert decision.outcome == "unlinked"
    assert "gives it to different things" in decision.reason and "Fizuli" in decision.reason


def test_a_source_not_trusted_alone_needs_coordinates() -> None:
    without = place("kurdemir", "Kurdemir")
    decision = outcome(run([without], [row("weak", "Q904", "Kurdemir")]), "kurdemir")
    assert decision.outcome == "unlinked" and "needs coordinates" in decision.reason
    trusted = outcome(run([without], [row("gaz", "Q904", "Kurdemir")]), "kurdemir")
    assert (trusted.outcome, trusted.qid) == ("confirmed", "Q904")


def test_the_kind_must_fit_a_province_is_not_its_town() -> None:
    province = place("kars-vilayeti", "Kars", kind="province")
    decision = outcome(run([province], [row("gaz", "Q905", "Kars")]), "kars-vilayeti")
    assert decision.outcome == "unlinked" and "seen as settlement" in decision.reason


def test_events_need_the_date_and_a_battle_is_not_an_armistice() -> None:
    armistice = Entity(id="erzincan-mutarekesi", type="Armistice", label_tr="Erzincan Mütarekesi",
                       label_en="Armistice of Erzincan", aliases=(), path="t", line=1)
    fact = Fact(id="f1", source="s", quote="q", subject="erzincan-mutarekesi", property="date",
                path="f", line=1, date="1917-12-18")
    assert entity_years(armistice, [fact]) == {1917}
    good = row("events", "Q906", "Armistice of Erzincan", "armistice", date="1917-12-18")
    wrong_year = row("events", "Q907", "Armistice of Erzincan", "armistice", date="1916-07-02",
                     record="r2")
    battle = row("events", "Q908", "Armistice of Erzincan", "battle", date="1917-12-18",
                 record="r3")
    result = run([armistice], [good, wrong_year, battle], facts=[fact])
    decision = outcome(result, "erzincan-mutarekesi")
    assert (decision.outcome, decision.qid) == ("confirmed", "Q906")
    undated = run([armistice], [good])
    assert outcome(undated, "erzincan-mutarekesi").outcome == "unlinked"


def test_two_qids_equally_supported_stay_candidates() -> None:
    astara = place("astara", "Astara", at=(38.456, 48.875))
    rows = [row("weak", "Q909", "Astara", at=(38.455, 48.874)),
            row("weak", "Q910", "Astara", at=(38.43, 48.87), record="r2")]
    result = run([astara], rows)
    assert outcome(result, "astara").outcome == "candidate"
    statuses = {(lk.qid, lk.status) for lk in result.links}
    assert statuses == {("Q909", "candidate"), ("Q910", "candidate")}


def test_rejected_and_taken_qids_are_never_proposed_and_confirmed_links_are_kept() -> None:
    van = place("van", "Van", kind="city", at=(38.49, 43.38))
    other = place("van-2", "Van", kind="city", at=(38.49, 43.38))
    rejected = WikidataLink(id="van", qid="Q911", status="rejected", path="w", line=1,
                            label_seen="Defense of Van")
    van = Entity(**{**van.__dict__, "wikidata_links": (rejected,)})
    rows = [row("gaz", "Q911", "Van", at=(38.49, 43.38))]
    assert outcome(run([van], rows, [rejected]), "van").outcome == "unlinked"
    kept = WikidataLink(id="van-2", qid="Q912", status="confirmed", path="w", line=2,
                        label_seen="Van", source="s", checked_by="c", checked_on=DAY)
    result = run([other], [row("gaz", "Q912", "Van", at=(38.49, 43.38))], [kept])
    assert outcome(result, "van-2").outcome == "kept" and result.links == [kept]


def test_the_report_lists_links_sources_and_reasons() -> None:
    ganja = place("gence", "Gence", at=(40.6816, 46.3613))
    alat = place("elet", "Elet")
    result = run([ganja, alat], [row("weak", "Q901", "Gence", at=(40.70, 46.37))])
    report = format_report(result, {"gence": ganja, "elet": alat}, day=DAY, before=0)
    assert "0 before, 1 after (1 new this run)" in report
    assert "`gence` -> Q901 (new) (weak): " in report
    assert "`elet` (Elet): no public row pairs a QID with its names" in report


@pytest.mark.parametrize(("line", "message"), [
    ("nope,r,Q1,X,en,settlement,,,,," + DAY, "unknown source"),
    ("gaz,r,P31,X,en,settlement,,,,," + DAY, "not a Wikidata item id"),
    ("gaz,r,Q1,X,en,city,,,,," + DAY, "kind 'city'"),
    ("gaz,r,Q1,X,en,settlement,,91,10,," + DAY, "lat 91.0 is out of range"),
    ("gaz,r,Q1,X,en,settlement,,40,,," + DAY, "both lat and lon"),
    ("gaz,r,Q1,X,en,battle,,,,18 May 1918," + DAY, "is not YYYY"),
    ("gaz,r,Q1,X,en,settlement,,,,,yesterday", "seen_on must be a day"),
])
def test_bad_evidence_rows_are_refused_with_file_and_line(tmp_path: Path, line: str,
                                                          message: str) -> None:
    (tmp_path / "sources.csv").write_text(
        ",".join(SOURCE_FIELDS) + "\ngaz,a gazetteer,1,g.csv,CC0,https://example.org,yes,\n",
        encoding="utf-8")
    (tmp_path / "rows.csv").write_text(",".join(FIELDS) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_evidence(tmp_path)
    assert info.value.line == 2 and str(info.value.path).endswith("rows.csv")


def test_committed_links_are_what_the_evidence_decides() -> None:
    registry = load_registry(CURATION / "entities")
    sources, rows = load_evidence(CURATION / EVIDENCE_DIR)
    links = registry_links(registry)
    result = link_offline(registry, links, rows, sources, load_facts(CURATION / "facts"))
    assert [(lk.id, lk.qid, lk.status) for lk in result.links] == [
        (lk.id, lk.qid, lk.status) for lk in links], "run `tarihkg link --offline` and commit"
    offline = [lk for lk in links if lk.checked_by and "--offline" in lk.checked_by]
    assert len(offline) >= 30
    seen = {(r.qid, r.label) for r in rows}
    for lk in offline:
        assert (lk.qid, lk.label_seen) in seen, lk
    confirmed = [lk for lk in links if lk.status == "confirmed"]
    assert len({lk.qid for lk in confirmed}) == len(confirmed)


def test_cli_offline_dry_run_prints_the_report() -> None:
    out = subprocess.run([sys.executable, "-m", "tarihkg.cli", "--root", str(ROOT), "link",
                          "--offline", "--dry-run"], capture_output=True, text=True, check=True)
    assert "Confirmed links:" in out.stdout and "## Unlinked, and why" in out.stdout
    assert "gives it to different things" in out.stdout


def test_a_similar_name_makes_only_a_candidate_and_a_loose_one_nothing() -> None:
    aras = Entity(id="araz", type="Polity", label_tr="Araz Türk Cumhuriyeti",
                  label_en="Aras Turkic Republic", aliases=(), path="t", line=1)
    adr = Entity(id="adr", type="Polity", label_tr="Azerbaycan Cumhuriyeti",
                 label_en="Azerbaijan Democratic Republic", aliases=(), path="t", line=2)
    rows = [row("gaz", "Q913", "Turkish Republic of Aras", "state"),
            row("gaz", "Q914", "Democratic Republic of Afghanistan", "state", record="r2")]
    result = run([aras, adr], rows)
    assert outcome(result, "araz").outcome == "candidate"
    assert [(lk.id, lk.qid, lk.status) for lk in result.links] == [("araz", "Q913", "candidate")]
    assert outcome(result, "adr").outcome == "unlinked"
