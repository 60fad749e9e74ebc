"""`tarihkg replace-source OLD NEWFILE` (newart3 P7): a corrected text registered in the place of
a source in one step, keeping its sources.yaml entry's fields, renaming its facts file and every
anchor naming it; refused, writing nothing, where a sentence the curation quotes is gone; nothing
half-written when a write fails."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import copy_project, run_cli

from tarihkg import newsource
from tarihkg.curation import load_sources_meta

DATA = Path(__file__).resolve().parent / "data" / "newsource"
QUOTE = "Kafkas İslam Ordusu 15 Eylül 1918’de Bakü’ye girdi"




def _registered(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A project copy with the README's test article registered, curated (a facts group, an
    entity anchored in it) and given a hand-written title_en; its id."""
    before = set(load_sources_meta(root / "data" / "sources" / "sources.yaml"))
    code, _, err = run_cli(root, capsys, "new-source", str(DATA / "gence-baku.txt"),
                        "--title", "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Kısa Bir Deneme",
                        "--journal", "Test Dergisi")
    assert code == 0, err
    [sid] = set(load_sources_meta(root / "data" / "sources" / "sources.yaml")) - before
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    sources_yaml.write_text(sources_yaml.read_text(encoding="utf-8").replace(
        f"    file: {sid}.txt\n",
        f"    file: {sid}.txt\n    title_en: \"From Ganja to Baku\"\n"), encoding="utf-8")
    (root / "data" / "curation" / "facts" / f"{sid}.yaml").write_text(
        f"- source: {sid}\n  sentence: \"{QUOTE}\"\n  facts:\n"
        "    - {id: f-t-1, subject: bakunun-kurtulusu, property: carriedOutBy,\n"
        "       object: kafkas-islam-ordusu, mentioned_as: {subject: Bakü’ye girdi}}\n",
        encoding="utf-8")
    with (root / "data" / "curation" / "entities" / "additions-002.yaml").open("a") as fh:
        fh.write("\n- id: zz-test-toplanma\n  type: Event\n"
                 "  label: {tr: Ordunun Gence’de toplanması, en: Test gathering}\n"
                 "  aliases: []\n  unattested: true\n  mentioned_in:\n"
                 f"    - {{source: {sid}, quote: \"Gence’de toplandı\"}}\n")
    with (root / "data" / "curation" / "minted-iris.txt").open("a") as fh:
        fh.write("zz-test-toplanma\n")
    code, out, _ = run_cli(root, capsys, "check")
    assert code == 0, [line for line in out.splitlines() if ": error: " in line]
    return sid


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "data").rglob("*")) if p.is_file()}


def test_a_corrected_text_takes_the_old_ones_place_in_one_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "p")
    old = _registered(root, tmp_path, capsys)
    corrected = tmp_path / "gence-baku-2.txt"
    corrected.write_text((DATA / "gence-baku.txt").read_text(encoding="utf-8").replace(
        "omuz omuza savaştı", "omuz omuza çarpıştı"), encoding="utf-8")
    code, _, err = run_cli(root, capsys, "replace-source", old, str(corrected))
    assert code == 0, err
    metas = load_sources_meta(root / "data" / "sources" / "sources.yaml")
    [new] = [sid for sid in metas if sid.startswith(old.split("_")[0] + "_")]
    assert new != old and old not in metas
    assert f"replaced {old} by {new}" in err
    meta = metas[new]
    assert (meta.file, meta.title_en, meta.journal) == (f"{new}.txt", "From Ganja to Baku",
                                                        "Test Dergisi")
    assert (root / "data" / "sources" / f"{new}.txt").read_bytes() == corrected.read_bytes()
    # the entry says its text was replaced, and what it replaced (newart4)
    entries = yaml.safe_load((root / "data" / "sources" / "sources.yaml").read_text("utf-8"))
    [entry] = [e for e in entries["sources"] if e["id"] == new]
    assert entry["provenance"]["registered"] == "tarihkg new-source gence-baku.txt"
    assert entry["provenance"]["text"].startswith(f"replaced {old} (sha256 ")
    assert entry["provenance"]["text"].endswith(f"tarihkg replace-source {old} gence-baku-2.txt")
    assert not (root / "data" / "sources" / f"{old}.txt").exists()
    assert not (root / "data" / "curation" / "facts" / f"{old}.yaml").exists()
    facts = (root / "data" / "curation" / "facts" / f"{new}.yaml").read_text(encoding="utf-8")
    assert f"- source: {new}\n" in facts and old not in facts
    anchors = (root / "data" / "curation" / "entities" / "additions-002.yaml").read_text(
        encoding="utf-8")
    assert f"{{source: {new}, quote: \"Gence’de toplandı\"}}" in anchors and old not in anchors
    code, out, _ = run_cli(root, capsys, "check")
    assert code == 0, [line for line in out.splitlines() if ": error: " in line]


def test_a_corrected_text_without_a_quoted_sentence_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "p")
    old = _registered(root, tmp_path, capsys)
    before = _snapshot(root)
    corrected = tmp_path / "gence-baku-2.txt"
    corrected.write_text((DATA / "gence-baku.txt").read_text(encoding="utf-8").replace(
        "15 Eylül 1918’de Bakü’ye girdi", "15 Eylül 1918’de Bakü’ye ulaştı"), encoding="utf-8")
    code, _, err = run_cli(root, capsys, "replace-source", old, str(corrected))
    assert code == 2
    facts = root / "data" / "curation" / "facts" / f"{old}.yaml"
    assert f"{facts}:1: '{QUOTE}'" in err, err
    assert "nothing was written" in err
    assert _snapshot(root) == before


def test_a_write_that_fails_halfway_leaves_every_file_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "p")
    old = _registered(root, tmp_path, capsys)
    before = _snapshot(root)
    corrected = tmp_path / "gence-baku-2.txt"
    corrected.write_text((DATA / "gence-baku.txt").read_text(encoding="utf-8") + "\nEk.\n",
                         encoding="utf-8")
    real = newsource.write_atomic
    calls: list[Path] = []

    def failing(path: Path, data: str | bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(newsource, "write_atomic", failing)
    code, _, err = run_cli(root, capsys, "replace-source", old, str(corrected))
    assert code == 2, err
    assert len(calls) == 3
    assert _snapshot(root) == before
    assert not list((root / "data").glob(".replacing-*"))
