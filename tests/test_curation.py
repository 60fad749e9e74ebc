"""Curation files: the real registry loads; malformed entries are refused with file and line;
minted ids are append-only across the project's history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import COMMITTED

from tarihkg.curation import (
    PUBLICATION_FIELDS,
    TYPE_SEGMENTS,
    check_minted,
    load_facts,
    load_registry,
    load_sources_meta,
)
from tarihkg.errors import CurationError, SourceError

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = ROOT / "data" / "curation" / "entities"
MINTED = ROOT / "data" / "curation" / "minted-iris.txt"

GOOD = """\
- id: nuri-pasa
  type: Person
  label: {tr: Nuri Paşa, en: Nuri Pasha}
  aliases: [Nuri Paşa]
- id: kafkas-islam-ordusu
  type: MilitaryUnit
  echelon: army
  label: {tr: Kafkas İslam Ordusu, en: Caucasus Islam Army}
  aliases: [Kafkas İslam Ordusu]
"""


def write(dir_: Path, name: str, text: str) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    path = dir_ / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_registry_loads_with_unique_ids_and_known_types() -> None:
    registry = load_registry(ENTITIES)
    assert len(registry) >= 100
    assert all(e.type in TYPE_SEGMENTS for e in registry.values())
    assert all(e.label_tr and e.label_en for e in registry.values())


def test_every_registry_id_is_minted_and_every_minted_id_kept() -> None:
    check_minted(load_registry(ENTITIES), MINTED)


def test_minted_ids_are_append_only_over_git_history() -> None:
    """No id that was ever in minted-iris.txt has been removed since (IRIs are forever)."""
    current = {
        ln.strip()
        for ln in MINTED.read_text(encoding="utf-8").splitlines()
        if not ln.startswith("#")
    }
    revs = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", "--max-count=200", "HEAD", "--", str(MINTED)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    for rev in revs:
        old = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:data/curation/minted-iris.txt"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
        lost = {ln.strip() for ln in old if not ln.startswith("#")} - current
        assert not lost, f"ids removed from minted-iris.txt since {rev[:10]}: {sorted(lost)[:10]}"


def test_good_registry_parses(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    reg = load_registry(tmp_path)
    assert reg["kafkas-islam-ordusu"].echelon == "army"
    assert reg["nuri-pasa"].segment == "person"
    assert reg["nuri-pasa"].line == 1 and reg["kafkas-islam-ordusu"].line == 5


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            GOOD + "- id: nuri-pasa\n  type: Person\n  label: {tr: X, en: X}\n",
            10,
            "duplicate id 'nuri-pasa'",
        ),
        ("- id: Nuri_Pasa\n  type: Person\n  label: {tr: X, en: X}\n", 1, "is not a slug"),
        (
            "- id: x\n  type: General\n  label: {tr: X, en: X}\n",
            1,
            "unknown type 'General' for x: the types are " + ", ".join(sorted(TYPE_SEGMENTS)),
        ),
        ("- id: x\n  type: Person\n  label: {tr: X}\n", 1, "needs both 'tr' and 'en'"),
        (
            "- id: x\n  type: MilitaryUnit\n  echelon: legion\n  label: {tr: X, en: X}\n",
            1,
            "echelon 'legion'",
        ),
        (
            "- id: x\n  type: Person\n  label: {tr: X, en: X}\n  not_in: ['(unclosed']\n",
            1,
            "bad regex",
        ),
        (
            "- id: x\n  type: Person\n  label: {tr: X, en: X}\n  distinct_from: [nobody]\n",
            1,
            "unknown id 'nobody'",
        ),
        ("- id: x\n  type: Person\n  label: [tr, en\n", 4, "YAML syntax error"),
        (
            "- id: x\n  type: Vessel\n  label: {tr: X, en: X}\n  former_types: [Ship]\n",
            1,
            "unknown former type 'Ship'",
        ),
        (
            "- id: x\n  type: Battle\n  label: {tr: X, en: X}\n  former_types: [Event]\n",
            1,
            "has the same IRI",
        ),
    ],
)
def test_bad_registry_entries_are_refused_with_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CurationError) as info:
        load_registry(tmp_path)
    err = info.value
    assert message in str(err)
    assert err.path == str(path)
    assert err.line == line
    assert err.exit_code == 2


def test_unminted_and_dropped_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "e", "a.yaml", GOOD)
    reg = load_registry(tmp_path / "e")
    minted = write(tmp_path, "minted-iris.txt", "nuri-pasa\n")
    with pytest.raises(CurationError, match="'kafkas-islam-ordusu' is not in minted-iris.txt"):
        check_minted(reg, minted)
    minted.write_text("nuri-pasa\nkafkas-islam-ordusu\nold-id\n", encoding="utf-8")
    with pytest.raises(CurationError, match="minted id 'old-id' has no registry entry") as info:
        check_minted(reg, minted)
    assert info.value.line == 3


def test_facts_need_the_object_field_their_property_takes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "f.yaml",
        "- source: s\n  sentence: q\n  facts:\n    - {id: f1, subject: a, property: partOf}\n",
    )
    with pytest.raises(CurationError, match="'partOf' needs 'object'") as info:
        load_facts(tmp_path)
    assert info.value.line == 4


def test_fact_conflicts_must_name_known_facts(tmp_path: Path) -> None:
    write(
        tmp_path,
        "f.yaml",
        "- source: s\n  sentence: q\n  facts:\n"
        "    - {id: f1, subject: a, property: partOf, object: b, conflicts_with: [f9]}\n",
    )
    with pytest.raises(CurationError, match="conflicts_with unknown fact 'f9'"):
        load_facts(tmp_path)


def test_a_sentence_written_as_two_groups_is_refused_at_the_second(tmp_path: Path) -> None:
    write(
        tmp_path,
        "f.yaml",
        "- source: s\n  sentence: Nuri Paşa  geldi\n  facts:\n"
        "    - {id: f1, subject: a, property: partOf, object: b}\n"
        "- source: t\n  sentence: Nuri Paşa geldi\n  facts:\n"
        "    - {id: f2, subject: a, property: partOf, object: c}\n"
        "- source: s\n  sentence: Nuri Paşa geldi\n  facts:\n"
        "    - {id: f3, subject: a, property: partOf, object: c}\n",
    )
    with pytest.raises(CurationError, match="same sentence as the group at line 1") as info:
        load_facts(tmp_path)
    assert info.value.line == 9


def test_sources_metadata_needs_licence(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sources.yaml", "sources:\n  - id: a\n    file: a.txt\n    language: tr\n"
    )
    with pytest.raises(SourceError, match="lacks 'licence'") as info:
        load_sources_meta(path)
    assert info.value.line == 2


def test_real_sources_metadata() -> None:
    metas = load_sources_meta(ROOT / "data" / "sources" / "sources.yaml")
    assert COMMITTED <= set(metas), "the two committed articles are registered"
    assert metas["002_afd972166be37c54"].authors == ("T. Halilov", "S. Aliyev")
    assert all(m.licence and m.language == "tr" for m in metas.values())
    # Only what the texts print: 002's page header names the journal and one page prints its
    # number (190); volume, issue and year are printed nowhere.
    assert metas["002_afd972166be37c54"].journal == "Heterotopic View"
    assert metas["002_afd972166be37c54"].pages == "190"
    assert metas["002_afd972166be37c54"].not_printed == ("volume", "issue", "year")
    assert metas["000_539a70a237dcfef4"].not_printed == PUBLICATION_FIELDS


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("journal: X, volume: unknown, issue: unknown, pages: unknown", "'year' must be given"),
        ("journal: X, volume: unknown, issue: 2, pages: 3-9, year: null", "'year' must be given"),
        ("journal: X, volume: 1, issue: 2, pages: 3-9, year: 'c. 2019'", "year must be a year"),
    ],
)
def test_publication_fields_are_a_value_or_an_explicit_unknown(
    tmp_path: Path, fields: str, message: str
) -> None:
    entry = f"{{id: a, file: a.txt, language: tr, licence: x, {fields}}}"
    path = write(tmp_path, "sources.yaml", f"sources:\n  - {entry}\n")
    with pytest.raises(SourceError, match=message) as info:
        load_sources_meta(path)
    assert info.value.line == 2


def test_a_retyped_entry_keeps_its_old_iri_deprecated_and_replaced(tmp_path: Path) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF

    from tarihkg.iri import Minter
    from tarihkg.namespaces import TKG
    from tarihkg.rdfize import rdfize_registry

    write(
        tmp_path,
        "v.yaml",
        "- id: kars-gambotu\n  type: Vessel\n  former_types: [Organization]\n"
        "  label: {tr: Kars (gambot), en: Kars (gunboat)}\n  aliases: [Kars]\n",
    )
    reg = load_registry(tmp_path)
    assert reg["kars-gambotu"].segment == "vessel"
    g = rdfize_registry(reg, minter=Minter())
    new = Minter().resource("vessel", "kars-gambotu")
    old = Minter().resource("organization", "kars-gambotu")
    assert str(new).endswith("resource/vessel/kars-gambotu")
    assert (new, RDF.type, TKG.Vessel) in g
    assert (old, OWL.deprecated, Literal(True)) in g
    assert (old, DCTERMS.isReplacedBy, new) in g
    assert (new, OWL.deprecated, None) not in g
    assert not isinstance(old, Literal) and isinstance(new, URIRef)


def test_the_gunboats_are_vessels_in_the_real_registry() -> None:
    reg = load_registry(ENTITIES)
    for gunboat in ("kars-gambotu", "ardahan-gambotu"):
        assert reg[gunboat].type == "Vessel"
        assert reg[gunboat].former_types == ("Organization",)


def test_keywords_and_stated_scope_are_read_as_printed() -> None:
    metas = load_sources_meta(ROOT / "data" / "sources" / "sources.yaml")
    m000 = metas["000_539a70a237dcfef4"]
    assert ("tr", "Türk Birlikleri") in m000.keywords
    assert ("en", "Nuri Pasha") in m000.keywords
    assert dict(m000.scope)["tr"].startswith("Bu çalışmada")
    assert metas["002_afd972166be37c54"].scope == ()
    for meta in metas.values():
        raw = (ROOT / "data" / "sources" / meta.file).read_text(encoding="utf-8")
        printed = " ".join(raw.split())
        for _, words in (*meta.keywords, *meta.scope):
            assert " ".join(words.split()) in printed, words


def test_keywords_must_be_lists_per_language(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources.yaml",
        "sources:\n  - id: x\n    file: x.txt\n    language: tr\n    licence: l\n"
        "    journal: unknown\n    volume: unknown\n    issue: unknown\n    pages: unknown\n"
        "    year: unknown\n    keywords: {tr: Bakü}\n",
    )
    with pytest.raises(SourceError) as info:
        load_sources_meta(path)
    assert "'keywords' must map a language to a list" in str(info.value)
    assert info.value.line == 2


def test_works_the_texts_name_are_registry_works() -> None:
    reg = load_registry(ENTITIES)
    for work in ("sene-i-devriye", "ingiliz-gizli-belgeleri"):
        assert reg[work].type == "Work" and reg[work].segment == "work"
