"""Shared test helpers (no test module imports another; they import from here): the two source
texts as the text stage's later steps see them, a private copy of the project, the sample
dataset and its reference reading, a real server (`serve`, `oxigraph serve`) on a free loopback
port, one SPARQL request."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

import pytest
from rdflib import Dataset

import server
import tarihkg
from tarihkg.cli import main
from tarihkg.names import BASE, GRAPH_NS, ONTOLOGY_NS
from tarihkg.store import build_store

T = TypeVar("T")

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
S000, S002 = "000_539a70a237dcfef4", "002_afd972166be37c54"
COMMITTED = frozenset({S000, S002})
"""The two articles the project ships with; a curator may register more (README "Add an
article"), so tests ask for these among the registered sources, not for exactly these."""


def registered_sources() -> frozenset[str]:
    """The ids data/sources/sources.yaml registers today (the committed two and any added)."""
    from tarihkg.curation import load_sources_meta

    return frozenset(load_sources_meta(SOURCES / "sources.yaml"))


@cache
def cleaned(source_id: str) -> str:
    """A source as the text stage hands it over: NFC, lines joined with one space."""
    raw = (SOURCES / f"{source_id}.txt").read_text(encoding="utf-8")
    return re.sub(r"[ \t]*\n[ \t]*", " ", unicodedata.normalize("NFC", raw))


def sentence(source_id: str, first: str, last: str) -> str:
    """The stretch of a source from ``first`` up to and including ``last``."""
    text = cleaned(source_id)
    i = text.index(first)
    return text[i : text.index(last, i) + len(last)]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server with ``handler`` on a free 127.0.0.1 port, in a thread: yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop to look at its flag: every 0.5 s by default, 0.5 s per test
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

ROOT = Path(__file__).resolve().parent.parent
STARTUP_S = 15
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def run_cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``tarihkg --root ROOT ARGS...`` in this process: (exit code, stdout, stderr)."""
    code = main(["--root", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def copy_project(target: Path) -> Path:
    """A private copy of the project's inputs (sources, curation, ontology, shapes) to build in."""
    for sub in ("data/sources", "data/curation", "ontology", "shapes"):
        shutil.copytree(ROOT / sub, target / sub)
    return target


THIRD = Path(__file__).resolve().parent / "data" / "third"
THIRD_SID = "003_mondros_ve_tahliye"
THIRD_ENTITIES = "additions-zz-tarihkg-test-article.yaml"


def add_third_article(root: Path, *, facts: bool = False) -> Path:
    """Add the test article of tests/data/third to a project copy by files only, as README "Add
    an article" does: its text, its sources.yaml entry, its registry addition (rauf-bey, also in
    minted-iris.txt) and, with ``facts``, its reviewed facts (ids f-zz-test-article-…) as
    data/curation/facts/zz-tarihkg-test-article.yaml: names a curator's own third article
    (003.yaml, f-003-…) does not take."""
    shutil.copy(THIRD / f"{THIRD_SID}.txt", root / "data" / "sources")
    with (root / "data" / "sources" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + (THIRD / "sources.yaml").read_text(encoding="utf-8"))
    # Under a name no curator would give an additions file (additions-003.yaml, the pattern of
    # additions-000/002, is the one a newcomer's third article takes: the copy would carry it,
    # and copying over it lost the newcomer's entities, README "Add an article").
    entities = root / "data" / "curation" / "entities" / THIRD_ENTITIES
    if entities.exists():
        raise FileExistsError(f"{entities} exists in the project: the test would overwrite it")
    shutil.copy(THIRD / "entities.yaml", entities)
    minted = root / "data" / "curation" / "minted-iris.txt"
    if "rauf-bey" not in minted.read_text(encoding="utf-8").split():
        with minted.open("a", encoding="utf-8") as fh:
            fh.write("rauf-bey\n")
    if facts:
        target = root / "data" / "curation" / "facts" / "zz-tarihkg-test-article.yaml"
        if target.exists():
            raise FileExistsError(f"{target} exists in the project: the test would overwrite it")
        shutil.copy(THIRD / "facts.yaml", target)
    return root


SAMPLE = Path(__file__).resolve().parent / "data" / "server" / "sample.nq"


@cache
def sample_reference() -> Dataset:
    """The sample dataset as rdflib reads it: the reference other tests check answers against."""
    ds = Dataset(default_union=True)
    ds.parse(SAMPLE, format="nquads")
    return ds


@cache
def sample_sizes() -> dict[str, int]:
    """Triples per named graph of the sample dataset."""
    return {str(g.identifier): len(g) for g in sample_reference().graphs() if len(g)}


def wait_for(condition: Callable[[], T], seconds: float = 10, every: float = 0.02) -> T:
    """Poll ``condition`` until it returns something true (returned) or ``seconds`` pass (then
    its last, false, value): wait on what a test needs, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(every)
    return value


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@contextmanager
def running_server(root: Path, *, env: dict[str, str] | None = None, threads: int = 4,
                   project: Path | None = None) -> Iterator[tuple[str, Path]]:
    """`serve` over the dataset in ``root`` on a free loopback port, in its own process group
    (or, given ``project``, the command `tarihkg serve` over its data/build/); yields the base
    URL and the log file, then stops it and checks it stopped cleanly."""
    port = free_port()
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
                if get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("server did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.02)
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


def living_in_group(pgid: int) -> list[int]:
    """The processes of process group ``pgid`` that have not exited. A zombie has (it waits for
    its new parent, init, to collect its exit status: that took up to 2 s here, and
    ``killpg(pgid, 0)`` still counts it)."""
    living = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                living.append(int(entry))
    return living


def _reap_group(pgid: int) -> None:
    """Fail if any process of the server's group (a query process) outlives it by 5 s."""
    if wait_for(lambda: not living_in_group(pgid), seconds=5):
        return
    os.killpg(pgid, signal.SIGKILL)
    pytest.fail("query processes outlived the server")


def sample_dataset(root: Path) -> Path:
    """The sample N-Quads and its store in ``root``."""
    shutil.copy(SAMPLE, root / "tarihkg.nq")
    build_store(root / "tarihkg.nq", root / "store")
    return root


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """`oxigraph serve` on a free loopback port over ``location``; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def send(base: str, query: str | None = None, *, method: str = "GET", body: bytes | None = None,
         content_type: str | None = None, params: list[tuple[str, str]] | None = None,
         ) -> tuple[int, str, float]:
    """One request; ``(status, body text, seconds)``."""
    pairs = list(params or [])
    if query is not None:
        pairs.insert(0, ("query", query))
    url = base + "/sparql" + ("?" + urllib.parse.urlencode(pairs) if pairs else "")
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    return status, text, time.monotonic() - started


#: Two named graphs sharing one triple, plus one in graph/candidates: the default graph must hold
#: the shared triple once and the candidate not at all.
SHARED_TRIPLE = f"<{BASE}resource/x> <{ONTOLOGY_NS}p> \"1\""
DUPLICATED = (
    f"{SHARED_TRIPLE} <{GRAPH_NS}000_539a70a237dcfef4> .\n"
    f"{SHARED_TRIPLE} <{GRAPH_NS}002_afd972166be37c54> .\n"
    f"<{BASE}resource/x> <{ONTOLOGY_NS}q> <{BASE}resource/y> <{GRAPH_NS}002_afd972166be37c54> .\n"
    f"<{BASE}resource/x> <{ONTOLOGY_NS}candidate> <{BASE}resource/z> <{GRAPH_NS}candidates> .\n"
)


VIRTUOSO = Path("/usr/bin/virtuoso-t")
#: A throwaway Virtuoso: loopback ports, small buffers (starts in about a second), answers up to
#: a million rows (over every cap the tests set: the endpoint's cap must be what stops a big
#: answer, never Virtuoso's silent truncation), and its own stop for a query left running after
#: the endpoint gave up on it.
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DirsAllowed          = ., {load_dir}
NumberOfBuffers      = 2000
MaxDirtyBuffers      = 1500
MaxQueryMem          = 100M
ThreadsPerQuery      = 1
MaxClientConnections = 16
[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
ServerThreads        = 16
MaxClientConnections = 16
Charset              = UTF-8
[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = {max_seconds}
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint (as `open_store` takes it), SQL address, account
    and bulk-load directory."""

    store_url: str
    sql: str
    password: str
    load_dir: Path

    def load(self, nquads: Path) -> dict[str, int]:
        """`tarihkg load --to virtuoso://…` of ``nquads``; the triples per graph."""
        from tarihkg.load import load_virtuoso

        return load_virtuoso(nquads, to="virtuoso://" + self.sql, load_dir=self.load_dir,
                             user="dba", password=self.password)


@contextmanager
def virtuoso_server(root: Path, *, max_seconds: int = 5, max_rows: int = 1_000_000
                    ) -> Iterator[Virtuoso]:
    """Debian's Virtuoso (`make virtuoso`) with its database in ``root``, on free loopback
    ports, with a new dba password and anonymous SPARQL read-only (as docs/endpoint.md says);
    stopped, with everything it started, at the end."""
    from tarihkg.load import isql

    db, load_dir = root / "db", root / "load"
    db.mkdir()
    load_dir.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, load_dir=load_dir, sql_port=sql_port,
                                       http_port=http_port, max_seconds=max_seconds,
                                       max_rows=max_rows))
    proc = subprocess.Popen([str(VIRTUOSO), "+foreground", "+configfile", str(ini)], cwd=db,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = db / "virtuoso.log"
                    pytest.fail("Virtuoso did not start:\n" + (
                        log.read_text(errors="replace")[-3000:] if log.exists() else ""))
                time.sleep(0.1)
        password = "t" + os.urandom(12).hex()
        address = f"127.0.0.1:{sql_port}"
        isql(address, "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);\n"
             f"USER_SET_PASSWORD ('dba', '{password}');\n", user="dba", password="dba")
        yield Virtuoso("virtuoso+" + base, address, password, load_dir)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
