"""The real server: `serve` (waitress under its supervisor) over the sample dataset built with
`build_store`, queried over HTTP by SPARQLWrapper, then stopped cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from SPARQLWrapper import JSON, N3, POST, POSTDIRECTLY, RDFXML, XML, SPARQLWrapper

import server
import tarihkg
from tarihkg.names import BASE
from tarihkg.store import build_store

SAMPLE = Path(__file__).resolve().parent / "data" / "server" / "sample.nq"


@cache
def sample_reference() -> Dataset:
    """The sample dataset as rdflib reads it: the reference other tests check answers against."""
    ds = Dataset(default_union=True)
    ds.parse(SAMPLE, format="nquads")
    return ds
B = BASE
TKG = B + "ontology#"
NURI = B + "resource/person/nuri-pasa"
MURSEL = B + "resource/person/mursel-pasa"
KIO = B + "resource/unit/kafkas-islam-ordusu"
Q_COMMANDERS = (f"SELECT ?unit ?c WHERE {{ ?unit a <{TKG}MilitaryUnit> ; <{TKG}commander> ?c }}"
                " ORDER BY ?unit")
STARTUP_S = 15


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@contextmanager
def running_server(root: Path, *, env: dict[str, str] | None = None, threads: int = 4,
                   project: Path | None = None) -> Iterator[tuple[str, Path]]:
    """`serve` over the dataset in ``root`` on a free loopback port, in its own process group
    (or, given ``project``, the command `tarihkg serve` over its data/build/); yields the base
    URL and the log file, then stops it and checks it stopped cleanly."""
    port = _free_port()
    log_path = root / "server.log"
    paths = [str(Path(tarihkg.__file__).resolve().parents[1]),
             str(Path(server.__file__).resolve().parents[1])]
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(paths)}
    code = ("from pathlib import Path\nfrom server.serve import serve\n"
            f"serve(host='127.0.0.1', port={port}, dataset_dir=Path({str(root)!r}), "
            f"threads={threads})\n")
    if project is not None:
        args = ["--root", str(project), "serve", "--port", str(port), "--threads", str(threads)]
        code = f"from tarihkg.cli import main\nraise SystemExit(main({args!r}))\n"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=log_file,
                                stderr=subprocess.STDOUT, env=full_env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("server did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.1)
        yield base, log_path
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        _reap_group(proc.pid)
    assert proc.returncode == 0, log_path.read_text(errors="replace")
    # regression: a store handle opened before the fork made workers die with SIGSEGV on exit
    assert "SIGSEGV" not in log_path.read_text(errors="replace")


def _reap_group(pgid: int) -> None:
    """Fail if any process of the server's group (a query process) outlives it by 5 s."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)
    pytest.fail("query processes outlived the server")


def sample_dataset(root: Path) -> Path:
    """The sample N-Quads and its store in ``root``."""
    shutil.copy(SAMPLE, root / "tarihkg.nq")
    build_store(root / "tarihkg.nq", root / "store")
    return root


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with running_server(sample_dataset(tmp_path_factory.mktemp("live"))) as running:
        yield running


def _wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


@pytest.mark.timeout(60)
def test_health(live) -> None:
    base, _ = live
    status, body = _get(base + "/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "graphs": 3,
                                "triples": len(SAMPLE.read_text(encoding="utf-8").splitlines())}


@pytest.mark.timeout(60)
def test_select_json(live) -> None:
    base, _ = live
    result = _wrapper(base, Q_COMMANDERS, JSON).queryAndConvert()
    pairs = [(b["unit"]["value"], b["c"]["value"]) for b in result["results"]["bindings"]]
    assert pairs == [(B + "resource/unit/5-kafkas-tumeni", MURSEL), (KIO, NURI)]


@pytest.mark.timeout(60)
def test_select_xml_by_post(live) -> None:
    base, _ = live
    sw = _wrapper(base, Q_COMMANDERS, XML)
    sw.setMethod(POST)
    doc = sw.queryAndConvert()
    uris = [node.firstChild.data for node in doc.getElementsByTagName("uri")]
    assert uris == [B + "resource/unit/5-kafkas-tumeni", MURSEL, KIO, NURI]


@pytest.mark.timeout(60)
def test_ask_posted_directly(live) -> None:
    base, _ = live
    sw = _wrapper(base, f"ASK {{ <{B}resource/unit/38-alay> <{TKG}partOf>+ <{KIO}> }}", JSON)
    sw.setMethod(POST)
    sw.setRequestMethod(POSTDIRECTLY)
    assert sw.queryAndConvert()["boolean"] is True
    sw.setQuery(f"ASK {{ ?u <{TKG}commander> <{B}resource/person/enver-pasa> }}")
    assert sw.queryAndConvert()["boolean"] is False


@pytest.mark.timeout(60)
def test_construct(live) -> None:
    base, log_path = live
    query = f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE {{ ?u <{TKG}commander> ?c }}"
    graph = _wrapper(base, query, RDFXML).queryAndConvert()
    assert set(graph) == {
        (URIRef(KIO), URIRef(TKG + "commander"), URIRef(NURI)),
        (URIRef(B + "resource/unit/5-kafkas-tumeni"), URIRef(TKG + "commander"), URIRef(MURSEL)),
    }
    time.sleep(0.2)  # let the worker flush its access log line
    entries = [json.loads(line) for line in log_path.read_text().splitlines()
               if line.startswith("{")]
    sparql = [e for e in entries if e["path"] == "/sparql"]
    assert sparql and all(e["status"] == 200 and e["query_length"] > 0 for e in sparql)


@pytest.mark.timeout(60)
def test_n3_request_is_answered_in_turtle(live) -> None:
    """SPARQLWrapper's N3 request (format=n3 plus an N3 Accept list) gets Turtle, which is N3."""
    base, _ = live
    query = f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE {{ ?u <{TKG}commander> ?c }}"
    response = _wrapper(base, query, N3).query()
    assert response.response.headers["Content-Type"].startswith(("text/turtle", "text/n3",
                                                                 "text/rdf+n3"))
    graph = Graph().parse(data=response.convert(), format="turtle")
    assert (URIRef(KIO), URIRef(TKG + "commander"), URIRef(NURI)) in set(graph)


@pytest.mark.timeout(90)
def test_tarihkg_serve_writes_the_access_log(tmp_path: Path) -> None:
    """docs/endpoint.md promises one JSON line per request on stderr under `tarihkg serve`
    (whose own logging shows warnings only)."""
    project = tmp_path / "project"
    (project / "data" / "sources").mkdir(parents=True)
    build = project / "data" / "build"
    build.mkdir()
    sample_dataset(build)
    with running_server(build, project=project) as (base, log_path):
        assert _get(base + "/sparql?query=ASK%7B%7D")[0] == 200
        time.sleep(0.5)
        entries = [json.loads(line) for line in log_path.read_text().splitlines()
                   if line.startswith("{")]
        assert any(e["path"] == "/sparql" and e["status"] == 200 and e["query_length"] == 5
                   for e in entries), log_path.read_text()
