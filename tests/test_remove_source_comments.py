"""`tarihkg remove-source` refuses while the curation uses the source, but a YAML comment
naming its id is no use (issue 9, second outside trial P7: refused because line 1 of the
newcomer's entities file was a comment holding the id)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project

from tarihkg.cli import main
from tarihkg.curation import load_sources_meta

TEXT = Path(__file__).resolve().parent / "data" / "newsource" / "gence-baku.txt"


def _run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().err


def test_a_comment_naming_the_source_does_not_stop_its_removal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path)
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    before = set(load_sources_meta(sources_yaml))
    code, err = _run(root, capsys, "new-source", str(TEXT), "--title", "X")
    assert code == 0, err
    [sid] = set(load_sources_meta(sources_yaml)) - before
    entities = root / "data" / "curation" / "entities" / "additions-newcomer.yaml"
    comment = f"# Entities first printed in {sid} (Gence and Baku).\n"
    use = f"- id: gence-toplanma\n  mentioned_in:\n    - {{source: {sid}, quote: \"x\"}}\n"
    entities.write_text(comment + "   # see also " + sid + "\n" + use, encoding="utf-8")
    code, err = _run(root, capsys, "remove-source", sid)
    assert code == 2, err
    assert f"{entities}:5" in err, err
    assert f"{entities}:1" not in err and f"{entities}:2" not in err, err
    entities.write_text(comment, encoding="utf-8")
    code, err = _run(root, capsys, "remove-source", sid)
    assert code == 0, err
    assert sid not in load_sources_meta(sources_yaml)
