"""`tarihkg load --to URL` pushes the dataset to a real `oxigraph serve` with the Graph Store
Protocol: every graph arrives whole, and loading twice changes nothing."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import SAMPLE, free_port, oxigraph_server, sample_sizes

from tarihkg.cli import main

PER_GRAPH = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")


def per_graph(base: str) -> dict[str, int]:
    url = base + "/query?" + urllib.parse.urlencode({"query": PER_GRAPH})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def test_load_sends_every_graph_once(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "ox") as base:
        assert main(["load", "--to", base + "/store", "--dataset", str(SAMPLE)]) == 0
        assert per_graph(base) == sample_sizes()
        assert main(["load", "--to", base + "/store", "--dataset", str(SAMPLE)]) == 0
        assert per_graph(base) == sample_sizes()  # PUT replaces: nothing doubled


def test_load_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--to", "ftp://x", "--dataset", str(SAMPLE)]) == 2
    assert "http(s)://" in capsys.readouterr().err
    assert main(["load", "--to", f"http://127.0.0.1:{free_port()}/store",
                 "--dataset", str(SAMPLE)]) == 3
    assert "did not answer" in capsys.readouterr().err
    assert main(["load", "--to", "http://127.0.0.1:1/store",
                 "--dataset", str(tmp_path / "none.nq")]) == 2


def test_the_remote_default_graph_is_the_set_of_reviewed_triples(tmp_path: Path) -> None:
    """The remote path answers like the embedded store: distinct triples, no candidates."""
    from helpers import DUPLICATED

    from tarihkg.store import open_store

    nq = tmp_path / "dup.nq"
    nq.write_text(DUPLICATED, encoding="utf-8")
    with oxigraph_server(tmp_path / "ox") as base:
        assert main(["load", "--to", base + "/store", "--dataset", str(nq)]) == 0
        store = open_store(base + "/query")
        rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()
        assert rows == [{"n": "2"}]
        assert store.triple_count() == 4
