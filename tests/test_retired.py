"""Retired fact ids (data/curation/retired-facts.yaml): checked by the loader, kept as deprecated
IRIs in the build, never reused."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from tarihkg.cli import main
from tarihkg.curation import Fact
from tarihkg.errors import CurationError
from tarihkg.names import BASE
from tarihkg.namespaces import TKG
from tarihkg.retired import load_retired

ROOT = Path(__file__).resolve().parent.parent
RETIRED = ("f-000-214-erivan-declaration-place", "f-002-352-kesif-date")
ENTRY = ("- id: f-002-900-old\n  source: s\n  retired_on: 2026-12-07\n"
         "  reason: {en: overstated}\n")


def _fact(fid: str, line: int = 7) -> Fact:
    return Fact(id=fid, source="s", quote="q", subject="a", property="partOf",
                path="facts/s.yaml", line=line, object="b")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "retired-facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_retired_entry_is_read_with_its_replacement(tmp_path: Path) -> None:
    path = _write(tmp_path, ENTRY + "  replaced_by: f-002-901-new\n")
    [r] = load_retired(path, [_fact("f-002-901-new")])
    assert (r.id, r.retired_on, r.reason, r.replaced_by, r.line) == (
        "f-002-900-old", "2026-12-07", {"en": "overstated"}, "f-002-901-new", 1)


def test_replaced_by_a_missing_fact_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "# header\n" + ENTRY + "  replaced_by: f-002-999-gone\n")
    with pytest.raises(CurationError, match="replaced_by 'f-002-999-gone' is not a live fact") as e:
        load_retired(path, [_fact("f-002-901-new")])
    assert (Path(str(e.value.path)).name, e.value.line) == ("retired-facts.yaml", 2)


def test_a_live_fact_reusing_a_retired_id_is_refused_at_its_own_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ENTRY)
    with pytest.raises(CurationError, match="f-002-900-old: this id was retired") as e:
        load_retired(path, [_fact("f-002-900-old", line=42)])
    assert (str(e.value.path), e.value.line) == ("facts/s.yaml", 42)


@pytest.mark.parametrize("text, message", [
    (ENTRY.replace("  reason: {en: overstated}\n", ""), "lacks 'reason'"),
    (ENTRY.replace("2026-12-07", "dün"), "'retired_on' must be a day"),
    (ENTRY.replace("{en: overstated}", "{tr: abartılı}"), "'reason' must be"),
    (ENTRY + "  deleted: yes\n", "unknown key 'deleted'"),
    (ENTRY + ENTRY, "listed twice"),
])
def test_malformed_entries_are_refused_with_their_line(tmp_path: Path, text: str,
                                                       message: str) -> None:
    with pytest.raises(CurationError, match=message) as e:
        load_retired(_write(tmp_path, text), [])
    assert e.value.line in (1, 5)


def test_check_exits_2_at_the_facts_file_line_of_a_reused_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    facts = root / "data" / "curation" / "facts" / "000.yaml"
    reused = "f-000-212-erivan-declaration-date"
    line = next(i for i, text in enumerate(facts.read_text(encoding="utf-8").splitlines(), 1)
                if f"id: {reused}" in text)
    retired = root / "data" / "curation" / "retired-facts.yaml"
    retired.write_text(retired.read_text(encoding="utf-8") + (
        f"\n- id: {reused}\n  source: 000_539a70a237dcfef4\n  retired_on: 2026-12-07\n"
        "  reason: {en: a test}\n"), encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 2
    out = capsys.readouterr().out
    assert f"{facts}:{line}" in out and f"fact {reused}: this id was retired" in out


def test_the_project_retires_the_two_deleted_facts() -> None:
    from tarihkg.curation import load_facts

    facts = load_facts(ROOT / "data" / "curation" / "facts")
    retired = load_retired(ROOT / "data" / "curation" / "retired-facts.yaml", facts)
    assert {r.id for r in retired} >= set(RETIRED)


@pytest.mark.parametrize("fid", RETIRED)
def test_a_retired_claim_iri_resolves_and_says_retired(built_client, fid: str) -> None:
    iri = URIRef(f"{BASE}resource/claim/{fid}")
    r = built_client.get(f"/resource/claim/{fid}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.data, format="turtle")
    assert (iri, RDF.type, TKG.RetiredClaim) in g
    assert (iri, RDF.type, TKG.Claim) not in g
    assert (iri, OWL.deprecated, Literal(True)) in g
    assert not list(g.objects(iri, TKG.claimSubject)) and not list(g.objects(iri, TKG.statedIn))
    page = built_client.get(f"/resource/claim/{fid}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="retired"' in html
    replaced = list(g.objects(iri, DCTERMS.isReplacedBy))
    if fid == "f-002-352-kesif-date":
        assert replaced == [URIRef(f"{BASE}resource/claim/f-002-801-kesif-outcome")]
        assert "/resource/claim/f-002-801-kesif-outcome" in html.split('class="retired"')[1]
