"""The `tarihkg` command: help for every stage, exit codes, and `serve` answering over the real build."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from tarihkg.cli import main
from tarihkg.project import Project

STAGES = ("extract", "rdfize", "reason", "candidates", "validate", "build", "serve", "query")
TARIHKG = Path(sys.executable).parent / "tarihkg"


def test_help_lists_every_stage_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for stage in STAGES:
        assert stage in out
    assert "exit codes: 0 ok, 1 data invalid" in " ".join(out.split())


def test_help_gives_each_command_summary_whole(capsys: pytest.CaptureFixture[str]) -> None:
    """`tarihkg --help` cut the summaries of new-source and link at their docstring's first
    line break ('... record its', '... and write the'): each summary is a whole sentence."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listing = out.split("  COMMAND\n", 1)[1].split("\noptions:")[0]
    summaries = re.split(r"\n    (?=[a-z-]+ {2,})", "\n" + listing)
    commands = {s.split()[0]: " ".join(s.split()[1:]) for s in summaries if s.strip()}
    assert {"new-source", "link", "check", "build"} <= set(commands), commands
    for command, summary in commands.items():
        assert summary.endswith((".", ")")), (command, summary)
    assert "sha256 in sources.yaml" in commands["new-source"]
    assert "data/curation/wikidata.yaml for review" in commands["link"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_subcommand_explains_itself(stage: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([stage, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"usage: tarihkg {stage}" in out
    assert len(out) > 80


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_folder_that_is_not_a_project_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(tmp_path), "build"]) == 2
    assert "is not a tarihkg project" in capsys.readouterr().err


def test_query_prints_results_and_refuses_bad_queries(
    built_project: tuple[Project, object], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = built_project
    root = ["--root", str(project.root)]
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert main([*root, "query", q]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = (project.build_dir / "tarihkg.nq").read_text(encoding="utf-8").count("\n")
    assert out == ["?n", str(lines)]
    assert main([*root, "query", "SELECT * WHERE { ?s ?p }"]) == 2
    assert "error" in capsys.readouterr().err
    assert main([*root, "query", "@/nonexistent/q.rq"]) == 2
    assert main([*root, "query", "--format", "ttl", q]) == 2  # a table cannot be Turtle


def test_stage_commands_write_their_artefacts(
    built_project: tuple[Project, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    project, _ = built_project
    for sub in ("data/sources", "data/curation", "ontology", "shapes"):
        shutil.copytree(project.root / sub, tmp_path / sub)
    root = ["--root", str(tmp_path)]
    assert main([*root, "extract"]) == 0
    assert (tmp_path / "data/extracted/002_afd972166be37c54.json").is_file()
    assert main([*root, "rdfize"]) == 0
    assert (tmp_path / "data/work/rdfized.nq").stat().st_size > 1_000_000
    assert main([*root, "reason"]) == 0
    assert (tmp_path / "data/work/inferred.nt").stat().st_size > 100_000
    assert main([*root, "candidates"]) == 0
    assert "reviewStatus> <https://w3id.org/tarihkg/ontology#candidate>" in (
        tmp_path / "data/work/candidates.nt"
    ).read_text(encoding="utf-8")
    assert main([*root, "validate"]) == 0
    assert (
        (tmp_path / "data/work/shacl-report.txt")
        .read_text(encoding="utf-8")
        .startswith("Conforms: True")
    )
    err = capsys.readouterr().err
    assert "consistent" in err and "conforms" in err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_the_count_of_the_built_dataset(
    built_project: tuple[Project, object],
) -> None:
    """`tarihkg serve` (waitress, not Flask's dev server) over the real build: a SPARQL client's
    COUNT of all quads equals the lines of data/build/tarihkg.nq."""
    project, _ = built_project
    port = free_port()
    proc = subprocess.Popen(
        [
            str(TARIHKG),
            "--root",
            str(project.root),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            "4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        proc.stdout.read().decode() if proc.stdout else "server died"
                    ) from None
                time.sleep(0.2)
        client = SPARQLWrapper(f"http://127.0.0.1:{port}/sparql")
        client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        client.setReturnFormat(JSON)
        n = int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]
        assert n == (project.build_dir / "tarihkg.nq").read_text(encoding="utf-8").count("\n")
    finally:
        proc.terminate()
        try:
            out = proc.communicate(timeout=15)[0].decode()
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0].decode()
    assert "waitress web process" in out
    assert "Running on http" not in out  # Werkzeug's development server banner
