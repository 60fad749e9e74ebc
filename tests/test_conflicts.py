"""Contradictions kept, both sides with their own provenance: a `tkg:Conflict` per
`tkg:conflictsWith` pair saying what is disputed where the claims show it, and names the texts
print two ways recorded as a dispute (registry `disputed_names`), never merged in silence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tarihkg.curation import read_registry
from tarihkg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
R = "https://w3id.org/tarihkg/resource/"
PREFIX = (
    "PREFIX tkg: <https://w3id.org/tarihkg/ontology#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
)


@pytest.fixture(scope="module")
def built_store(build_dir: Path):
    return open_store(build_dir)


def _kinds(built_store) -> dict[frozenset[str], str]:
    rows = built_store.query(PREFIX + """
        SELECT ?a ?b ?kind WHERE {
          ?c a tkg:Conflict ; tkg:conflictingClaim ?a , ?b . FILTER(STR(?a) < STR(?b))
          OPTIONAL { ?c tkg:disputes ?kind } }""").rows()
    return {
        frozenset((r["a"].removeprefix(R + "claim/"), r["b"].removeprefix(R + "claim/"))):
        r.get("kind", "").rsplit("#", 1)[-1]
        for r in rows
    }


def test_each_conflict_says_what_is_disputed(built_store) -> None:
    kinds = _kinds(built_store)
    assert kinds[frozenset(("f-002-246-38-part-5kt", "f-002-389-38-part-15pt"))] == (
        "disputedAssignment")  # the 38th Regiment under the 5th Caucasian or the 15th Division
    assert kinds[frozenset(("f-002-387-taarruz-cas-56-a", "f-002-390-taarruz-cas-56-b"))] == (
        "disputedNumber")  # 74 or 47 wounded of the 56th Regiment
    assert kinds[frozenset(("f-000-169-evacuation-order-date-21-ekim",
                            "f-000-174-evacuation-order-date-28-ekim"))] == "disputedDate"


def test_a_conflict_between_two_sources_keeps_each_ones_provenance(built_store) -> None:
    rows = built_store.query(PREFIX + f"""
        SELECT ?claim ?source ?quote WHERE {{
          ?c a tkg:Conflict ; tkg:disputes tkg:disputedName ;
             tkg:conflictingClaim ?claim .
          ?claim tkg:claimSubject <{R}person/vehip-pasa> ; prov:wasDerivedFrom ?source ;
                 tkg:quote ?quote ; tkg:statedIn ?sentence ; tkg:reviewStatus tkg:reviewed }}"""
    ).rows()
    by_source = {r["source"].rsplit("/", 1)[-1]: r["quote"] for r in rows}
    assert "Vehip Paşa" in by_source["000_539a70a237dcfef4"]
    assert "Vahib Paşa" in by_source["002_afd972166be37c54"]


def test_disputed_names_are_conflicting_claims_of_one_entity(built_store) -> None:
    rows = built_store.query(PREFIX + f"""
        SELECT ?a ?b WHERE {{ ?a tkg:conflictsWith ?b .
          ?a tkg:claimSubject <{R}person/mursel-pasa> ; tkg:claimValue ?va .
          ?b tkg:claimSubject <{R}person/mursel-pasa> ; tkg:claimValue ?vb .
          FILTER(STR(?va) = "Mürsel Bey" && STR(?vb) = "Mürsel Paşa") }}""").rows()
    assert rows


def test_a_disputed_name_carries_the_citation_a_fact_of_its_sentence_would(built_store) -> None:
    """By the facts' rule: the sentence's own citation, the one printed after the name where
    the sentence cites after each clause, else the next one in its paragraph. 'Mürsel Bey' (002)
    sits in an uncited sentence whose paragraph closes with (Yakuplu, 2013, s. 5–7); 'Brest
    Litovsk Mütarekesi' (000) is followed by the ATASE file printed for it, not by the Erzincan
    armistice's. An outside audit (seed 8981509) found the first without its citation."""
    def cited(claim: str) -> list[str]:
        rows = built_store.query(PREFIX + f"""
            SELECT ?text WHERE {{ <{R}claim/{claim}> tkg:supportedBy ?c .
              ?c tkg:citesWork|tkg:citesRecord ?w . ?c tkg:text ?text }}""").rows()
        return sorted(r["text"] for r in rows)
    assert cited("name-mursel-pasa-mursel-bey") == ["(Yakuplu, 2013, s. 5–7)"]
    assert cited("name-brest-litovsk-mutarekesi-brest-litovsk-mutarekesi") == [
        "(ATASE, A, K.324, D.371, F.1-26)"]


def _registry_with(tmp_path: Path, disputed: str) -> Path:
    entities = tmp_path / "curation" / "entities"
    shutil.copytree(ROOT / "data" / "curation" / "entities", entities)
    for name in ("wikidata.yaml", "coordinates.yaml"):
        shutil.copy(ROOT / "data" / "curation" / name, tmp_path / "curation" / name)
    (entities / "zz-test.yaml").write_text(
        "- id: test-pasa\n  type: Person\n  label: {tr: Test Paşa, en: Test Pasha}\n"
        f"  aliases: [Test Paşa, Test Bey]\n  disputed_names:\n{disputed}", encoding="utf-8"
    )
    return entities


def test_a_disputed_name_must_be_a_name_of_the_entity(tmp_path: Path) -> None:
    entities = _registry_with(
        tmp_path,
        "    - {name: Test Paşa, source: s, quote: q}\n    - {name: Başka Ad, source: s, quote: q}\n",
    )
    _, problems = read_registry(entities)
    assert [str(p) for p in problems if "test-pasa" in str(p)] == [
        f"{entities / 'zz-test.yaml'}:1: test-pasa: disputed name 'Başka Ad' is neither the label "
        "nor an alias"
    ]


def test_one_name_is_no_dispute(tmp_path: Path) -> None:
    entities = _registry_with(tmp_path, "    - {name: Test Paşa, source: s, quote: q}\n")
    _, problems = read_registry(entities)
    assert any("needs two different names" in str(p) for p in problems)


def test_a_work_printed_two_ways_is_a_citation_conflict(built_store) -> None:
    rows = built_store.query(PREFIX + """
        SELECT ?c ?printed ?source ?sentence WHERE {
          ?c a tkg:Conflict ; tkg:disputes tkg:disputedCitation ; tkg:conflictingClaim ?claim .
          ?claim tkg:claimPredicate tkg:printedCitation ; tkg:claimValue ?printed ;
                 tkg:claimSubject ?citation ; tkg:statedIn ?sentence ; prov:wasDerivedFrom ?source .
          ?citation a tkg:InTextCitation ; tkg:printedCitation ?printed }""").rows()
    by_conflict: dict[str, set[str]] = {}
    for r in rows:
        by_conflict.setdefault(r["c"], set()).add(r["printed"])
    printings = set(map(frozenset, by_conflict.values()))
    assert frozenset({"Swietochhowski, 1988: 212", "Swietochowski, 1988: 215"}) in printings
    assert frozenset({"Görüryılmaz, 2008, s. 107", "Görüryılmaz, 2008: 107"}) in printings
    assert frozenset({"ATASE, A, L.2921", "ATASE, A, K.324"}) in printings
    assert len({r["sentence"] for r in rows}) >= 6  # each printing keeps its own sentence


def test_a_citation_conflict_needs_two_printings_in_a_citation(tmp_path: Path) -> None:
    from tarihkg.curation import load_citation_conflicts
    from tarihkg.errors import CurationError

    path = tmp_path / "citation-conflicts.yaml"
    path.write_text("- id: x\n  printed:\n    - {source: s, quote: q}\n", encoding="utf-8")
    with pytest.raises(CurationError) as info:
        load_citation_conflicts(path)
    assert "two or more" in str(info.value) and info.value.line == 1
    assert load_citation_conflicts(tmp_path / "missing.yaml") == ()


@pytest.mark.parametrize(
    ("source", "quote", "says"),
    [
        ("999_x", "Bakü", "unknown source '999_x'"),
        ("009_x", "Gence", "found in 0 sentences of 009_x"),
        ("009_x", "Bakü", "found in 2 sentences of 009_x"),
    ],
)
def test_a_printing_must_be_in_exactly_one_sentence(source: str, quote: str, says: str) -> None:
    """A citation printing (and a disputed name: both use one sentence finder) whose quote is not
    in exactly one sentence of a known source stops the build at the curation entry's line."""
    from tarihkg.annotate import annotate_source
    from tarihkg.conflicts import citation_claims
    from tarihkg.curation import CitationConflict, NameAttestation, SourceMeta
    from tarihkg.errors import CurationError
    from tarihkg.iri import Minter
    from tarihkg.text.extract import extract_source
    from tarihkg.text.mentions import Lexicon

    raw = "Ordu Bakü’ye girdi (Sürmeli, 2001: 3).\n\nBakü kurtuldu (Sürmeli, 2001, s. 3).\n"
    meta = SourceMeta(id="009_x", file="009_x.txt", language="tr", licence="test")
    src = annotate_source(meta, extract_source("009_x", raw), Lexicon.build([]))
    conflict = CitationConflict(
        id="c", printed=(NameAttestation(quote, source, quote),) * 2, note=None,
        path="citation-conflicts.yaml", line=7,
    )
    with pytest.raises(CurationError) as info:
        citation_claims({"009_x": src}, (conflict,), minter=Minter())
    assert says in str(info.value) and info.value.line == 7


def test_a_reviewer_states_what_a_conflict_is_about_where_the_triples_do_not(
    built_store,
) -> None:
    kinds = _kinds(built_store)
    # `disputes: date` on f-000-078: the offensive began 12 February 1918, Mamahatun taken
    # "22 Şubat 1917" (two events: the triples cannot show it, the reviewer reads it)
    assert kinds[frozenset(("f-000-543-ileri-harekat-start",
                            "f-000-078-mamahatun-captured-date"))] == "disputedDate"
    # `disputes: assignment`: the 26th Battalion in the Northern Group, or in the Southern
    assert kinds[frozenset(("f-002-227-26-tabur-kuzey", "f-002-777-26-tabur-guney"))] == (
        "disputedAssignment")
    # two printedName facts of one entity are two names: shown by the triples themselves
    assert kinds[frozenset(("f-002-645-denstervil-name", "f-002-646-deustervil-name"))] == (
        "disputedName")
    # neither text says what 'emptied' and 'began to evacuate' dispute: left without a kind
    assert kinds[frozenset(("f-000-311-en-withdrawal-outcome-emptied",
                            "f-000-312-withdrawal-outcome-began"))] == ""


def _facts_file(tmp_path: Path, disputes: str) -> Path:
    from helpers import copy_project

    root = copy_project(tmp_path)
    s002 = "002_afd972166be37c54"
    (root / "data" / "curation" / "facts" / "zz.yaml").write_text(
        f'- source: {s002}\n  sentence: "Mürsel Paşa 5. Kafkas Piyade Tümeni’ne"\n  facts:\n'
        "    - {id: f-t-1, subject: 5-kafkas-tumeni, property: commander, object: mursel-pasa}\n"
        f'- source: {s002}\n  sentence: "Beşinci Kafkas Tümeni’nin başında Mürsel Bey, Genel '
        'Karargâh’ın başında ise Rüştü Bey’in"\n  facts:\n'
        "    - {id: f-t-2, subject: 5-kafkas-tumeni, property: commander, object: rustu-bey,\n"
        f"       conflicts_with: [f-t-1], disputes: {disputes}}}\n",
        encoding="utf-8",
    )
    return root


def test_a_stated_kind_must_fit_both_claims(tmp_path: Path, capsys) -> None:
    from tarihkg.cli import main

    root = _facts_file(tmp_path / "a", "number")
    assert main(["--root", str(root), "check"]) == 2
    out = capsys.readouterr().out
    assert (f"{root / 'data/curation/facts/zz.yaml'}:8: error: fact f-t-2: disputes 'number' "
            "with f-t-1: f-t-2 and f-t-1 states no count") in out, out
    # a citation printed two ways is no fact: the loader names the file it belongs in
    root = _facts_file(tmp_path / "b", "citation")
    assert main(["--root", str(root), "check"]) == 2
    assert "citation-conflicts.yaml" in capsys.readouterr().out


def test_a_stated_kind_that_contradicts_the_triples_stops_the_build(
    tmp_path: Path, capsys
) -> None:
    from tarihkg.cli import main

    # two commanders of one division: the triples show an assignment, the reviewer says 'name'
    root = _facts_file(tmp_path, "name")
    assert main(["--root", str(root), "check"]) == 0  # both name the division: it fits
    capsys.readouterr()
    assert main(["--root", str(root), "rdfize"]) == 2
    err = capsys.readouterr().err
    assert "zz.yaml:8" in err and "fact f-t-2: disputes 'name' with f-t-1, but the two " \
        "claims' triples show 'assignment'" in err, err
