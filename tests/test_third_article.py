"""A third source added to data/sources/ -> mentions, dates, citations and candidate facts
with no code change; a bad source (not UTF-8, empty, no metadata) -> exit 2 naming the file and
the reason, with the previous good build left in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import THIRD_ENTITIES, THIRD_SID, add_third_article, copy_project

from tarihkg.store import open_store

SID = THIRD_SID
G = f"https://w3id.org/tarihkg/graph/{SID}"
CANDIDATES = "https://w3id.org/tarihkg/graph/candidates"
R = "https://w3id.org/tarihkg/resource/"
PREFIX = "PREFIX tkg: <https://w3id.org/tarihkg/ontology#>\n"
ENTITIES_NAME = THIRD_ENTITIES


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("tarihkg")
    return subprocess.run(
        [str(exe), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def third(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the third article added by files only, built once by the CLI."""
    root = add_third_article(copy_project(tmp_path_factory.mktemp("third")))
    done = _cli(root, "build")
    assert done.returncode == 0, done.stderr
    return root


def _rows(root: Path, query: str) -> list[dict[str, str]]:
    return open_store(root / "data" / "build").query(PREFIX + query).rows()


def test_third_article_has_mentions_dates_and_citations(third: Path) -> None:
    mentions = {
        r["e"].removeprefix(R)
        for r in _rows(
            third,
            f"""
        SELECT DISTINCT ?e WHERE {{ GRAPH <{G}> {{ ?m a tkg:Mention ; tkg:denotes ?e }} }}""",
        )
    }
    assert {
        "person/nuri-pasa",
        "person/rauf-bey",
        "place/baku",
        "treaty/mondros-mutarekesi",
        "unit/15-piyade-tumeni",
        "unit/kafkas-islam-ordusu",
        "event/bakunun-kurtulusu",
    } <= mentions
    dates = {
        r["w"]: r["edtf"]
        for r in _rows(
            third,
            f"""
        SELECT ?w ?edtf WHERE {{ GRAPH <{G}> {{ ?d a tkg:DateExpression ; tkg:text ?w ;
                                                   tkg:denotesTime/tkg:edtf ?edtf }} }}""",
        )
    }
    assert dates["30 Ekim 1918’de"] == "1918-10-30"
    assert dates["İki gün sonra"] == "1918-09-17"  # relative, resolved from "15 Eylül 1918"
    cited = {
        r["label"]
        for r in _rows(
            third,
            f"""
        SELECT ?label WHERE {{ GRAPH <{G}> {{ ?c a tkg:InTextCitation ;
            (tkg:citesWork|tkg:citesRecord) ?w }}
            ?w <http://www.w3.org/2000/01/rdf-schema#label> ?label }}""",
        )
    }
    assert {
        "Sürmeli, 2001",
        "Görüryılmaz, 2008",
        "Ağayey & Ahmedov, 2009",
        "ATASE, A, K.115, D.144, F.1",
    } <= cited


def test_third_article_yields_candidate_facts(third: Path) -> None:
    rows = _rows(
        third,
        f"""
        SELECT ?s ?p ?o ?v ?rule WHERE {{ GRAPH <{CANDIDATES}> {{
            ?c tkg:reviewStatus tkg:candidate ; tkg:claimSubject ?s ; tkg:claimPredicate ?p ;
               tkg:statedIn ?sentence ; tkg:foundByRule ?rule ; tkg:trigger ?words ;
               <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc .
            OPTIONAL {{ ?c tkg:claimObject ?o }} OPTIONAL {{ ?c tkg:claimValue ?v }} }} }}""",
    )
    got = {
        (r["s"].removeprefix(R), r["p"].rsplit("#", 1)[1], r.get("o", r.get("v", ""))) for r in rows
    }
    treaty, unit = "treaty/mondros-mutarekesi", "unit/15-piyade-tumeni"
    assert (treaty, "signatory", R + "person/rauf-bey") in got  # signing
    assert ("treaty/batum-antlasmasi", "signedAt", R + "place/batum") in got  # signing, place
    assert ("person/nuri-pasa", "appointedTo", R + "unit/kafkas-islam-ordusu") in got  # appointment
    assert ("person/nuri-pasa", "holdsRole", "Kafkas İslam Ordusu komutanı") in got
    assert (unit, "officers", "191") in got and (unit, "soldiers", "5541") in got  # unit strength
    dated = {s for s, p, _ in got if p == "date"}
    assert {treaty, "event/bakunun-kurtulusu"} <= dated  # dated event
    assert {r["rule"] for r in rows} == {"dated-event", "signing", "appointment", "unit-strength"}
    in_source = _rows(third, f"SELECT ?c WHERE {{ GRAPH <{G}> {{ ?c tkg:reviewStatus tkg:candidate }} }}")
    assert in_source == [], "a candidate in the source's own graph"


def test_candidates_never_duplicate_curated_facts(built_project) -> None:
    project, _ = built_project
    store = open_store(project.build_dir)
    dup = store.query(
        PREFIX
        + """
        SELECT ?c WHERE {
          ?c tkg:reviewStatus tkg:candidate ; tkg:statedIn ?s ;
             tkg:claimSubject ?x ; tkg:claimPredicate ?p .
          ?r tkg:reviewStatus tkg:reviewed ; tkg:statedIn ?s ;
             tkg:claimSubject ?x ; tkg:claimPredicate ?p .
        }"""
    ).rows()
    assert dup == []
    direct = store.query(
        PREFIX
        + """
        SELECT ?c WHERE { ?c tkg:reviewStatus tkg:candidate ; tkg:claimSubject ?x ;
                            tkg:claimPredicate ?p ; tkg:claimObject ?o . ?x ?p ?o }"""
    ).rows()
    assert direct == [], "a candidate's triple was asserted"


@pytest.mark.parametrize(
    ("name", "content", "with_metadata", "reason"),
    [
        (
            "004_latin1.txt",
            "Bakü’nün kurtuluşu 1918".encode("cp1254") + b"\xfe",
            True,
            "not valid UTF-8",
        ),
        ("005_empty.txt", b"", True, "file is empty"),
        ("006_no_metadata.txt", "Bakü 15 Eylül 1918’de alındı.\n".encode(), False, "no metadata"),
    ],
)
def test_bad_source_is_refused_and_the_good_build_stays(
    third: Path, name: str, content: bytes, with_metadata: bool, reason: str
) -> None:
    summary = third / "data" / "build" / "summary.json"
    before = summary.read_bytes()
    sources = third / "data" / "sources"
    yaml_before = (sources / "sources.yaml").read_text(encoding="utf-8")
    bad = sources / name
    bad.write_bytes(content)
    try:
        if with_metadata:
            entry = (
                f"\n  - {{id: {bad.stem}, file: {name}, language: tr, licence: test, journal: "
                "unknown, volume: unknown, issue: unknown, pages: unknown, year: unknown}\n"
            )
            (sources / "sources.yaml").write_text(yaml_before + entry, encoding="utf-8")
        done = _cli(third, "build")
    finally:
        bad.unlink()
        (sources / "sources.yaml").write_text(yaml_before, encoding="utf-8")
    assert done.returncode == 2, done.stderr
    assert name in done.stderr and reason in done.stderr, done.stderr
    assert summary.read_bytes() == before
