"""Generic names ('İngiliz kuvvetleri') linked only in the articles a curator confirmed (an
entity's `sources`): in a third article they are not linked, `tarihkg check` warns at the text's
file:line and lists what the new article links; a fact's `mentioned_as` words that name another
(generic) entity are warned at the fact's line; `sources` naming no registered source, or
malformed, is refused at its line (check and build, exit 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import COMMITTED, copy_project

from tarihkg.annotate import annotate_source, build_lexicon
from tarihkg.cli import main
from tarihkg.curation import load_registry, load_sources_meta
from tarihkg.project import Project
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.mentions import LexEntry, Lexicon, find_mentions

ROOT = Path(__file__).resolve().parent.parent
SID = "003_ingiliz_test"
TEXT = (
    "Mondros’tan Sonra Kars\n"
    "\n"
    "Giriş\n"
    "Mondros Mütarekesi 30 Ekim 1918’de imzalandı. İngiliz kuvvetleri Aralık 1918’de Batum’a\n"
    "çıktı (Çağlayan, 1992: 131). Nisan 1919’da İngiliz birlikleri Kars’a girdi.\n"
)
ENTRY = (
    f"\n  - id: {SID}\n    file: {SID}.txt\n    title: \"Mondros’tan Sonra Kars\"\n"
    "    authors: [\"tarihkg test suite\"]\n    journal: unknown\n    volume: unknown\n"
    "    issue: unknown\n    pages: unknown\n    year: unknown\n    language: tr\n"
    "    licence: \"Written for the tarihkg tests; CC0.\"\n"
)
FACTS = (
    f"- source: {SID}\n"
    "  sentence: \"İngiliz kuvvetleri Aralık 1918’de Batum’a çıktı\"\n"
    "  facts:\n"
    "    - {id: f-t-1, subject: ingiliz-kuvvetleri, property: positionedAt, object: batum}\n"
    f"- source: {SID}\n"
    "  sentence: \"Nisan 1919’da İngiliz birlikleri Kars’a girdi\"\n"
    "  facts:\n"
    "    - {id: f-t-2, subject: ingiltere, property: headquarters, object: kars,\n"
    "       mentioned_as: {subject: İngiliz birlikleri}}\n"
)
ENTITY_FILE = "additions-000.yaml"
SOURCES_LINE = "  sources: [000_539a70a237dcfef4, 002_afd972166be37c54]"


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "check"])
    return code, capsys.readouterr().out.splitlines()


def _third(tmp_path: Path, *, facts: bool = True) -> Path:
    root = copy_project(tmp_path)
    (root / "data" / "sources" / f"{SID}.txt").write_text(TEXT, encoding="utf-8")
    with (root / "data" / "sources" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write(ENTRY)
    if facts:
        (root / "data" / "curation" / "facts" / f"{SID}.yaml").write_text(FACTS, encoding="utf-8")
    return root


def _confirm(root: Path) -> None:
    path = root / "data" / "curation" / "entities" / ENTITY_FILE
    text = path.read_text(encoding="utf-8")
    assert SOURCES_LINE in text
    path.write_text(text.replace(SOURCES_LINE, SOURCES_LINE[:-1] + f", {SID}]", 1), "utf-8")


def _mentions(root: Path) -> dict[str, list[tuple[str, str | None]]]:
    """The third article's linked mentions and its held (unlinked) names, as the build reads them."""
    project = Project(root)
    meta = load_sources_meta(project.sources_yaml)[SID]
    raw = read_source(project.sources_dir / meta.file)
    annotated = annotate_source(meta, extract_source(SID, raw),
                                build_lexicon(load_registry(project.entities_dir)))
    return {
        "linked": [(m.surface, m.entity_id) for a in annotated.sentences for m in a.mentions],
        "held": [(m.surface, c) for a in annotated.sentences for m in a.held
                 for c in m.candidates],
    }


# --- the matcher ---------------------------------------------------------------------------

GENERIC = LexEntry("ingiliz-kuvvetleri", "MilitaryUnit", ("İngiliz kuvvetleri",),
                   sources=("000_a",))
SHORT = LexEntry("ingiliz", "Polity", ("İngiliz",))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("000_a", [("İngiliz kuvvetleri", "ingiliz-kuvvetleri", ())]),
        (None, [("İngiliz kuvvetleri", "ingiliz-kuvvetleri", ())]),
        # Held: the words are taken (the shorter 'İngiliz' does not link them), nothing linked.
        ("003_b", [("İngiliz kuvvetleri", None, ("ingiliz-kuvvetleri",))]),
    ],
)
def test_a_generic_name_is_linked_only_in_its_confirmed_sources(
    source: str | None, expected: list[tuple[str, str | None, tuple[str, ...]]]
) -> None:
    lex = Lexicon.build([GENERIC, SHORT])
    found = find_mentions("Aralık 1918’de İngiliz kuvvetleri Batum’a çıktı", lex, source)
    assert [(m.surface, m.entity_id, m.held) for m in found] == expected
    if source == "003_b":
        assert found[0].candidates == ()


def test_the_articles_own_entity_of_the_same_name_is_linked_where_the_other_is_held() -> None:
    own = LexEntry("ingiliz-birlikleri-kars", "MilitaryUnit", ("İngiliz kuvvetleri",),
                   sources=("003_b",))
    lex = Lexicon.build([GENERIC, own])
    [m] = find_mentions("İngiliz kuvvetleri Kars’a girdi", lex, "003_b")
    assert (m.entity_id, m.candidates, m.held) == (
        "ingiliz-birlikleri-kars", ("ingiliz-birlikleri-kars",), ("ingiliz-kuvvetleri",))
    [m] = find_mentions("İngiliz kuvvetleri Kars’a girdi", lex, "000_a")
    assert (m.entity_id, m.held) == ("ingiliz-kuvvetleri", ("ingiliz-birlikleri-kars",))


# --- the committed articles -------------------------------------------------------------

def test_the_committed_articles_mentions_are_those_committed_in_data_extracted() -> None:
    """Every generic entity is confirmed where it was linked before `sources` existed: the
    annotations of 000 and 002 are the ones committed, nothing held."""
    project = Project(ROOT)
    metas = load_sources_meta(project.sources_yaml)
    lexicon = build_lexicon(load_registry(project.entities_dir))
    for sid in sorted(COMMITTED):
        raw = read_source(project.sources_dir / metas[sid].file)
        annotated = annotate_source(metas[sid], extract_source(sid, raw), lexicon)
        committed = (project.extracted_dir / f"{sid}.annotations.json").read_text("utf-8")
        assert json.loads(annotated.to_json()) == json.loads(committed)
        assert not [m for a in annotated.sentences for m in a.held]
    registry = load_registry(project.entities_dir)
    assert registry["ingiliz-kuvvetleri"].sources == tuple(sorted(COMMITTED))


# --- a third article ---------------------------------------------------------------------

def test_a_third_article_does_not_link_the_generic_names_and_check_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _third(tmp_path)
    m = _mentions(root)
    assert ("İngiliz kuvvetleri", "ingiliz-kuvvetleri") not in m["linked"]
    assert not [e for _, e in m["linked"] if e == "ingiliz-kuvvetleri"]
    assert m["held"] == [("İngiliz kuvvetleri", "ingiliz-kuvvetleri"),
                         ("İngiliz birlikleri", "ingiliz-kuvvetleri")]
    code, lines = _check(root, capsys)
    text = str(root / "data" / "sources" / f"{SID}.txt")
    held = [line for line in lines if "matches unit/ingiliz-kuvvetleri" in line]
    assert held == [
        f"{text}:4: warning: 'İngiliz kuvvetleri' (2 times; also line 5) matches "
        "unit/ingiliz-kuvvetleri (confirmed in 000_539a70a237dcfef4, 002_afd972166be37c54: "
        f"British forces in north Persia and Baku (1918)): not linked in {SID}; add {SID} to "
        f"its `sources` ({root / 'data' / 'curation' / 'entities' / ENTITY_FILE}) if the "
        "article means this entity, or register the article's own"
    ]
    [new] = [line for line in lines if "new article" in line]
    assert new.startswith(f"{text}:1: warning: new article (no registry entry's `sources` "
                          f"names {SID}): it links 3 entities registered from other articles")
    assert new.endswith("place/batum 1, place/kars 1, treaty/mondros-mutarekesi 1; "
                        "2 generic names left unlinked (warnings below)")
    facts = str(root / "data" / "curation" / "facts" / f"{SID}.yaml")
    assert f"{facts}:4: error: fact f-t-1: subject 'ingiliz-kuvvetleri' is named in its " \
        "sentence by 'İngiliz kuvvetleri', but its names are linked only in the sources a " \
        "curator confirmed (000_539a70a237dcfef4, 002_afd972166be37c54): add " \
        f"{SID} to its `sources`" in "\n".join(lines)
    [as_warning] = [line for line in lines if "f-t-2" in line]
    assert as_warning.startswith(
        f"{facts}:8: warning: fact f-t-2: mentioned_as subject 'İngiliz birlikleri' is a name "
        "of unit/ingiliz-kuvvetleri (confirmed in 000_539a70a237dcfef4, "
        "002_afd972166be37c54), not of 'ingiltere'")
    assert code == 2


def test_confirmed_in_the_third_article_the_names_are_linked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _third(tmp_path)
    _confirm(root)
    m = _mentions(root)
    assert [s for s, e in m["linked"] if e == "ingiliz-kuvvetleri"] == [
        "İngiliz kuvvetleri", "İngiliz birlikleri"]
    assert m["held"] == []
    code, lines = _check(root, capsys)
    assert not [line for line in lines if SID in line and ": error: " in line], lines
    assert not [line for line in lines if "matches unit/ingiliz-kuvvetleri" in line]
    assert not [line for line in lines if "new article" in line]
    # Still a warning: the words name the British force, the fact the state.
    assert [line for line in lines if "f-t-2" in line and ": warning: " in line]
    assert code == 0, "\n".join(line for line in lines if ": error: " in line)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[]", "'sources' must be a non-empty list of source ids"),
        ("000_539a70a237dcfef4", "'sources' must be a non-empty list of source ids"),
        ("[Batum]", "'sources' must be a non-empty list of source ids"),
        ("[000_539a70a237dcfef4, 000_539a70a237dcfef4]", "'sources' names a source twice"),
        ("[000_539a70a237dcfef4, 002_afd972166be37c54, 009_0000000000000000]",
         "'sources' names '009_0000000000000000', which sources.yaml does not register"),
    ],
)
def test_a_bad_sources_value_is_refused_at_its_line_by_check_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    root = copy_project(tmp_path)
    path = root / "data" / "curation" / "entities" / ENTITY_FILE
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(SOURCES_LINE)].count("\n") + 1
    path.write_text(text.replace(SOURCES_LINE, f"  sources: {value}", 1), encoding="utf-8")
    code, lines = _check(root, capsys)
    assert code == 2
    [error] = [x for x in lines if ": error: " in x]
    assert error.startswith(f"{path}:{line}: error: ingiliz-kuvvetleri: {message}"), error
    assert main(["--root", str(root), "build"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(path))}:{line}\b.*{re.escape(message)}", err), err


def test_the_readme_step_4_line_is_what_check_prints_for_the_walkthrough_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Add an article\n", 1)[1]
    [shown] = re.findall(r"\n   …(/\S+\.txt:1: warning: new article .*)\n", section)
    readme_id = re.search(r"/(\d{3}_[0-9a-f]{16})\.txt", shown).group(1)
    root = copy_project(tmp_path)
    assert main([
        "--root", str(root), "new-source", str(ROOT / "tests" / "data" / "newsource" /
                                              "gence-baku.txt"),
        "--title", "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Kısa Bir Deneme",
        "--authors", "tarihkg test suite", "--journal", "Test Dergisi",
    ]) == 0
    capsys.readouterr()
    [sid] = set(load_sources_meta(root / "data" / "sources" / "sources.yaml")) - COMMITTED
    _, lines = _check(root, capsys)
    [printed] = [line for line in lines if "new article" in line]
    assert printed == str(root / "data" / "sources") + shown.replace(readme_id, sid)
