"""A client that closes its connection stops its query: the query process running it is
killed within seconds, long before the deadline, for ``/sparql`` (the fast path) and for a
``/reconcile`` batch; the server goes on answering."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
from pathlib import Path

import pytest
from helpers import running_server, sample_dataset, send

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _cpu_ticks() -> dict[int, int]:
    """CPU time (user + system ticks) of every process of this machine."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return ticks


def _query_processes(log: Path) -> set[int]:
    """The server's processes named in ``/proc`` as running `server.executor` query code:
    those whose parent is the fork server of the web process logging to ``log``."""
    web = int(log.read_text().split("waitress web process ", 1)[1].split(":", 1)[0])
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                grandparent = int(Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1]
                                  .split()[1])
            except (OSError, IndexError):
                continue
            if grandparent == web:
                found.add(int(entry.name))
    return found


def _leave_mid_query(base: str, log: Path, request: bytes) -> set[int]:
    """Send ``request`` on a socket, wait until a query process works on it, close the socket;
    the busy query processes."""
    port = int(base.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(request)
    deadline = time.monotonic() + 15
    busy: set[int] = set()
    while not busy and time.monotonic() < deadline:
        before = _cpu_ticks()
        time.sleep(0.5)
        after = _cpu_ticks()
        busy = {p for p in _query_processes(log) if after.get(p, 0) > before.get(p, 0) + 5}
    sock.close()
    assert busy, "no query process ran the query"
    return busy


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _gone_within(pids: set[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.timeout(120)
def test_a_client_that_leaves_stops_its_query(tmp_path: Path) -> None:
    root = sample_dataset(tmp_path)
    with running_server(root, env={"TARIHKG_QUERY_TIMEOUT": "60"}, threads=4) as (base, log):
        assert send(base, COUNT)[0] == 200
        query = urllib.parse.urlencode({"query": SLOW})
        busy = _leave_mid_query(base, log, f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n"
                                           "Accept: text/csv\r\n\r\n".encode())
        assert _gone_within(busy, 5)  # the deadline is 60 s away
        batch = urllib.parse.urlencode({"queries": json.dumps(
            {f"q{i}": {"query": "Kafkas İslam Ordusu " * 20} for i in range(500)})}).encode()
        busy = _leave_mid_query(base, log, b"POST /reconcile HTTP/1.1\r\nHost: x\r\n"
                                           b"Content-Type: application/x-www-form-urlencoded\r\n"
                                           b"Content-Length: %d\r\n\r\n" % len(batch) + batch)
        assert _gone_within(busy, 5)
        status, text, _ = send(base, COUNT)
        assert status == 200 and '"427"' in text
        assert "the client left" in log.read_text()
