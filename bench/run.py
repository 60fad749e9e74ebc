"""Graphs x servers x client counts -> throughput, latency percentiles, errors, peak memory and
the ratios to `oxigraph serve`, printed as Markdown (and written as JSON with ``--json``).

One run starts each server on the same data on 127.0.0.1, sends the shipped example queries
(``server/queries/*.rq``, except the federated ones) round-robin from 1, 4 and 16 client
threads (HTTP keep-alive where the server offers it, ``Cache-Control: no-cache`` on every
request) for ``--seconds`` per cell after a 5 s warm-up at the most clients, and stops it.
Servers: the tarihkg endpoint (``server.serve``: waitress, one pool of query processes), ``oxigraph
serve-read-only --union-default-graph`` and ``rdflib-endpoint serve`` (rdflib's engine).
rdflib-endpoint is skipped on graphs above ``--rdflib-max`` triples (default 50k: rdflib needs
minutes and GBs to load and query the bigger ones; the skip is printed). A request unanswered
after 30 s counts as an error; "rows differ" names the queries whose row count is not
Oxigraph's. Install the peers with ``pip install -e '.[bench]'``.

    .venv/bin/python bench/run.py --graphs built,100k,1m --seconds 10 --json bench/work/run.json

Then (``--paired built``, the default) the 1-client latency again with both servers up at once,
each query sent to one and then the other (`paired_latency`), for ``--paired-seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from make_graph import make_graph  # noqa: E402

log = logging.getLogger("bench")
BIN = Path(sys.executable).parent
SIZES = {"100k": 100_000, "1m": 1_000_000}
ACCEPT = "application/sparql-results+json"
REQUEST_TIMEOUT_S = 30  # a request still unanswered then counts as an error


@dataclass
class Cell:
    """The measurements of one server on one graph at one client count."""

    graph: str
    server: str
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    qps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    processes: int = 0
    load_s: float = 0.0
    wrong_rows: list[str] = field(default_factory=list)
    peak_parts: list[tuple[str, float]] = field(default_factory=list)  # (role, MB PSS) at the peak


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _queries() -> list[tuple[str, str]]:
    """The shipped example queries, without the federated ones (they would measure Wikidata)."""
    texts = [(p.name, p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "server" / "queries").glob("*.rq"))]
    return [(name, text) for name, text in texts if "SERVICE" not in text.upper()]


def _ask(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    url = path + "?" + urllib.parse.urlencode({"query": query})
    conn.request("GET", url, headers={"Accept": ACCEPT, "Cache-Control": "no-cache"})
    response = conn.getresponse()
    return response.status, response.read()


def _wait(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _ask(conn, path, "ASK {}")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start in time")


@contextmanager
def _server(name: str, nquads: Path, work: Path) -> Iterator[tuple[int, str, psutil.Process,
                                                                    float]]:
    """Start ``name`` over ``nquads``; yields port, query path, process and load seconds."""
    port = _free_port()
    started = time.monotonic()
    if name == "tarihkg":
        from tarihkg.store import build_store

        data = work / "tarihkg"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        shutil.copy(nquads, data / "tarihkg.nq")
        build_store(data / "tarihkg.nq", data / "store")
        from tarihkg.supervise import COMMAND

        cmd = [sys.executable, "-c", COMMAND, "--host", "127.0.0.1", "--port", str(port),
               "--dataset", str(data)]  # what `tarihkg serve` execs
        path = "/sparql"
    elif name == "oxigraph":
        data = work / "oxigraph"
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(data), "--file",
                        str(nquads)], check=True, capture_output=True)
        cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(data), "--bind",
               f"127.0.0.1:{port}", "--union-default-graph"]
        path = "/query"
    else:
        cmd = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port",
               str(port), str(nquads)]
        path = "/"  # rdflib-endpoint 0.6 answers at the root
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT, start_new_session=True)
    try:
        _wait(port, path, proc, timeout=600)
        yield port, path, psutil.Process(proc.pid), time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _role(p: psutil.Process, root: psutil.Process) -> str:
    """What a process of tarihkg's tree is: the supervisor (``root``), the web process (its
    child), multiprocessing's resource tracker and fork server, a query process (a child of the
    fork server), or the server itself for a one-process server."""
    try:
        if p.pid == root.pid:
            return "server"
        command = " ".join(p.cmdline())
        if "resource_tracker" in command:
            return "resource tracker"
        parent = p.ppid()
        if "forkserver" in command:
            return "query process" if "forkserver" in " ".join(
                psutil.Process(parent).cmdline()) else "fork server"
        return "web process" if parent == root.pid else "query process"
    except psutil.Error:
        return "gone"


def _tree_memory(proc: psutil.Process) -> tuple[float, float, int, list[tuple[str, float]]]:
    """RSS and PSS (MB) of ``proc``'s whole process tree, its number of processes, and the PSS
    of each (role, MB). PSS (``/proc/PID/smaps_rollup``) counts a page shared by n processes as
    1/n in each, so it sums to what the tree really holds; RSS counts shared pages once per
    process."""
    rss = pss = 0
    tree = [proc, *proc.children(recursive=True)]
    parts = []
    for p in tree:
        try:
            rss += p.memory_info().rss
            with open(f"/proc/{p.pid}/smaps_rollup", encoding="ascii") as rollup:
                one = next(int(line.split()[1]) * 1024 for line in rollup
                           if line.startswith("Pss:"))
            pss += one
            parts.append((_role(p, proc), round(one / 2**20, 1)))
        except (psutil.Error, OSError, StopIteration):
            pass
    return rss / 2**20, pss / 2**20, len(tree), parts


def _row_counts(port: int, path: str) -> dict[str, int]:
    """Rows per example query (-1: error status, -2: unreadable, -3: over `REQUEST_TIMEOUT_S`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    counts = {}
    for name, text in _queries():
        try:
            status, body = _ask(conn, path, text)
        except (OSError, http.client.HTTPException):
            counts[name] = -3
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
            continue
        try:
            counts[name] = len(json.loads(body)["results"]["bindings"]) if status == 200 else -1
        except (ValueError, KeyError):
            counts[name] = -2
    return counts


def measure(port: int, path: str, proc: psutil.Process, *, clients: int, seconds: float,
            cell: Cell) -> None:
    """Fill ``cell`` with ``clients`` threads sending the mix for ``seconds``."""
    queries = [text for _, text in _queries()]
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    peak = [0.0]
    peak_pss = [0.0]
    peak_processes = [0]
    peak_parts: list[list[tuple[str, float]]] = [[]]

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        i = offset
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                status, _ = _ask(conn, path, queries[i % len(queries)])
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors[0] += 1
            i += 1

    def sampler() -> None:
        while time.monotonic() < stop:
            rss, pss, processes, parts = _tree_memory(proc)
            peak[0] = max(peak[0], rss)
            if pss > peak_pss[0]:
                peak_parts[0] = parts
            peak_pss[0] = max(peak_pss[0], pss)
            peak_processes[0] = max(peak_processes[0], processes)
            time.sleep(0.25)

    threads = [threading.Thread(target=client, args=(k * 7,)) for k in range(clients)]
    threads.append(threading.Thread(target=sampler))
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cell.seconds = time.monotonic() - began
    cell.requests, cell.errors = len(latencies), errors[0]
    cell.qps = len(latencies) / cell.seconds
    if len(latencies) >= 2:
        q = statistics.quantiles(latencies, n=100, method="inclusive")
        cell.p50_ms, cell.p95_ms, cell.p99_ms = q[49] * 1000, q[94] * 1000, q[98] * 1000
    elif latencies:
        cell.p50_ms = cell.p95_ms = cell.p99_ms = latencies[0] * 1000
    cell.peak_rss_mb = peak[0]
    cell.peak_pss_mb = peak_pss[0]
    cell.peak_parts = sorted(peak_parts[0], key=lambda part: (part[0], -part[1]))
    cell.processes = peak_processes[0]


def paired_latency(graph: str, work: Path, seconds: float) -> dict[str, Any]:
    """Latency at 1 client of tarihkg and Oxigraph, both up at once on ``graph``: one client
    sends each query of the mix to one server, then the same query to the other (which goes
    first alternates), round after round for ``seconds``; the medians of the two series and
    their ratio. Each pair is a few milliseconds apart, so a machine whose load moves from one
    minute to the next moves both series alike (the grid's cells of the two servers are
    minutes apart)."""
    built = ROOT / "data" / "build" / "tarihkg.nq"
    nquads = built if graph == "built" else work / f"{graph}.nq"
    if graph != "built" and not nquads.exists():
        make_graph(built, SIZES[graph], nquads)
    queries = [text for _, text in _queries()]
    times: dict[str, list[float]] = {"tarihkg": [], "oxigraph": []}
    with _server("oxigraph", nquads, work) as (ox_port, ox_path, _, _), \
            _server("tarihkg", nquads, work) as (tk_port, tk_path, _, _):
        targets = {"oxigraph": (ox_port, ox_path), "tarihkg": (tk_port, tk_path)}
        conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
                 for name, (port, _) in targets.items()}
        for name, (_, path) in targets.items():  # every query seen once (and caches warm)
            for text in queries:
                _ask(conns[name], path, text)
        stop = time.monotonic() + seconds
        turn = 0
        while time.monotonic() < stop:
            for text in queries:
                order = ["tarihkg", "oxigraph"] if turn % 2 else ["oxigraph", "tarihkg"]
                turn += 1
                for name in order:
                    t0 = time.perf_counter()
                    _ask(conns[name], targets[name][1], text)
                    times[name].append(time.perf_counter() - t0)
    tk, ox = statistics.median(times["tarihkg"]), statistics.median(times["oxigraph"])
    return {"graph": graph, "pairs": len(times["tarihkg"]), "tarihkg_p50_ms": tk * 1000,
            "oxigraph_p50_ms": ox * 1000, "ratio": tk / ox}


def run(graphs: list[str], servers: list[str], clients: list[int], seconds: float,
        rdflib_max: int, work: Path) -> list[Cell]:
    """Every cell of the grid; rdflib-endpoint skipped above ``rdflib_max`` triples."""
    cells: list[Cell] = []
    built = ROOT / "data" / "build" / "tarihkg.nq"
    for graph in graphs:
        nquads = built if graph == "built" else work / f"{graph}.nq"
        if graph != "built":
            make_graph(built, SIZES[graph], nquads)
        size = sum(1 for _ in nquads.open("rb"))
        reference: dict[str, int] = {}
        for server in servers:
            if server == "rdflib-endpoint" and size > rdflib_max:
                log.warning("skip rdflib-endpoint on %s (%d triples > --rdflib-max %d)",
                            graph, size, rdflib_max)
                continue
            with _server(server, nquads, work) as (port, path, proc, load_s):
                rows = _row_counts(port, path)
                measure(port, path, proc, clients=max(clients), seconds=min(seconds, 5),
                        cell=Cell(graph, server, max(clients)))  # warm-up, not reported
                if server == "oxigraph":
                    reference = rows
                wrong = [n for n, c in rows.items() if reference and c != reference.get(n)]
                for k in clients:
                    cell = Cell(graph=f"{graph} ({size} quads)", server=server, clients=k,
                                load_s=load_s, wrong_rows=wrong)
                    measure(port, path, proc, clients=k, seconds=seconds, cell=cell)
                    log.warning("%s", cell)
                    cells.append(cell)
    return cells


def report(cells: list[Cell]) -> str:
    """The Markdown tables: one row per cell, with the ratios to oxigraph."""
    ox = {(c.graph, c.clients): c for c in cells if c.server == "oxigraph"}
    lines = ["| graph | server | clients | q/s | vs oxigraph | p50 ms | p95 ms | p99 ms | "
             "p50 / oxigraph | errors | peak PSS MB | peak RSS MB | processes | start+load s | "
             "rows differ |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in cells:
        ref = ox.get((c.graph, c.clients))
        ratio = f"{c.qps / ref.qps:.0%}" if ref and ref.qps else "-"
        p50 = f"{c.p50_ms / ref.p50_ms:.2f}x" if ref and ref.p50_ms else "-"
        lines.append(f"| {c.graph} | {c.server} | {c.clients} | {c.qps:.1f} | {ratio} | "
                     f"{c.p50_ms:.1f} | {c.p95_ms:.1f} | {c.p99_ms:.1f} | {p50} | {c.errors} | "
                     f"{c.peak_pss_mb:.0f} | {c.peak_rss_mb:.0f} | {c.processes} | {c.load_s:.1f} | "
                     f"{', '.join(c.wrong_rows) or '-'} |")
    lines += ["", "PSS per process at each cell's peak (MB):", ""]
    lines += [f"- {c.graph} {c.server} {c.clients}: "
              + ", ".join(f"{role} {mb:.1f}" for role, mb in c.peak_parts) for c in cells]
    return "\n".join(lines)


def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() \
            else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", default="built,100k,1m")
    parser.add_argument("--servers", default="tarihkg,oxigraph,rdflib-endpoint")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rdflib-max", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--paired", default="built",
                        help="graphs on which to measure paired 1-client latency ('' for none)")
    parser.add_argument("--paired-seconds", type=float, default=30.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="bench: %(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    servers = args.servers.split(",")
    order = ["oxigraph", *[s for s in servers if s != "oxigraph"]] if "oxigraph" in servers \
        else servers  # oxigraph first: its row counts are the reference
    cells = run(args.graphs.split(","), order, [int(c) for c in args.clients.split(",")],
                args.seconds, args.rdflib_max, args.work)
    sys.stdout.write(f"machine: {machine()}\n\n{report(cells)}\n")
    paired = [paired_latency(g, args.work, args.paired_seconds)
              for g in args.paired.split(",") if g]
    for p in paired:
        sys.stdout.write(f"\npaired 1-client latency on {p['graph']}: {p['pairs']} pairs, p50 "
                         f"tarihkg {p['tarihkg_p50_ms']:.2f} ms, oxigraph "
                         f"{p['oxigraph_p50_ms']:.2f} ms, ratio {p['ratio']:.2f}x\n")
    if args.json:
        args.json.write_text(json.dumps({"cells": [asdict(c) for c in cells],
                                         "paired": paired}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
