"""Faults around the query processes: a killed web worker, a stopped web worker, a process
killed from outside, answers over the byte cap and answers too big to hold in memory. Every
server runs on 127.0.0.1 and every wait is bounded."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from helpers import running_server, sample_dataset, send

from server.executor import MEMORY_BODY_BYTES, ExecutorSettings, QueryPool
from server.sparql import Limits, Operation, ProtocolResponse

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    out = []
    for child in _children(pid):
        out += [child, *_descendants(child)]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _busy_query_processes(server_pid: int) -> tuple[int, list[int]]:
    """A web worker whose query process is running a query (using CPU), and that query
    process."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for worker in _children(server_pid):
            queries = [q for fork_server in _children(worker) for q in _children(fork_server)]
            busy = _using_cpu(queries)
            if busy:
                return worker, sorted(busy)
        time.sleep(0.1)
    pytest.fail("no query process started")


def _gone_within(pids: list[int], seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not any(_alive(p) for p in pids):
            return time.monotonic() - started
        time.sleep(0.1)
    alive = [p for p in pids if _alive(p)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    pytest.fail(f"processes {alive} outlived their web worker by {seconds} s")


@pytest.mark.timeout(90)
def test_query_processes_die_with_a_killed_web_worker(tmp_path: Path) -> None:
    root = sample_dataset(tmp_path)
    env = {"TARIHKG_QUERY_TIMEOUT": "30"}
    with running_server(root, env=env, threads=2) as (base, _):
        server_pid = _server_pid(base)
        threading.Thread(target=send, args=(base, SLOW), daemon=True).start()
        time.sleep(1)
        worker, busy = _busy_query_processes(server_pid)
        below = _descendants(worker)
        assert set(busy) <= set(below)
        os.kill(worker, signal.SIGKILL)
        assert _gone_within(below, 5) < 5
        assert _answers_again(base)  # the supervisor started a new web process


@pytest.mark.timeout(90)
def test_a_query_process_ends_itself_at_its_deadline_if_nobody_can(tmp_path: Path) -> None:
    """A web worker stopped (SIGSTOP) cannot kill its query process at the deadline: the
    process's own timer ends it a grace period later."""
    root = sample_dataset(tmp_path)
    with running_server(root, env={"TARIHKG_QUERY_TIMEOUT": "5"}, threads=2) as (base, _):
        server_pid = _server_pid(base)
        assert send(base, COUNT)[0] == 200  # the query processes are up
        threading.Thread(target=send, args=(base, SLOW), daemon=True).start()
        worker, busy = _busy_query_processes(server_pid)
        os.kill(worker, signal.SIGSTOP)
        try:
            assert _gone_within(busy, 5 + 2 + 3) < 10
        finally:
            os.kill(worker, signal.SIGCONT)


def _answers_again(base: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if send(base, COUNT)[0] == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _server_pid(base: str) -> int:
    """The supervisor serving ``base`` (`server.serve.serve`: its web process is its child)."""
    port = int(base.rsplit(":", 1)[1])
    matches = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"port={port}".encode() in cmd:
                matches.add(int(entry.name))
    masters = [pid for pid in matches if not any(pid in _children(m) for m in matches)]
    assert len(masters) == 1, matches
    return masters[0]


def _pool(tmp_path: Path, **limits: object) -> QueryPool:
    settings = ExecutorSettings(store=str(sample_dataset(tmp_path)),
                                limits=Limits(**limits))  # type: ignore[arg-type]
    return QueryPool(settings, size=2)


@pytest.mark.timeout(60)
def test_a_query_process_that_crashes_is_reported_as_a_crash_not_retried(tmp_path: Path) -> None:
    """A query process dead by SIGSEGV died of the engine's own fault on that query (10,000
    nested UNIONs overflowed its stack before the operator cap): the answer says so and does
    not invite a retry that would crash the same way (it said "stopped from outside (SIGSEGV)
    ... try again")."""
    pool = _pool(tmp_path, timeout_s=20, memory_mb=1024)
    try:
        answer = _answer_after_signal(pool, signal.SIGSEGV)  # what a stack overflow delivers
        body = bytes(answer.body) if isinstance(answer.body, bytes) else b"".join(answer.body)
        assert answer.status == 422, body
        assert b"crashed" in body and b"SIGSEGV" in body, body
        assert b"try again" not in body and b"from outside" not in body, body
        assert pool.run(Operation(COUNT, [], [], None, "text/csv")).status == 200
    finally:
        pool.close()


@pytest.mark.timeout(60)
def test_a_query_process_killed_from_outside_is_not_the_memory_limit(tmp_path: Path) -> None:
    pool = _pool(tmp_path, timeout_s=20, memory_mb=1024)
    try:
        answer = _answer_after_signal(pool, signal.SIGKILL)
        assert answer.status == 503
        assert b"SIGKILL" in answer.body and b"memory" not in answer.body
        assert pool.run(Operation(COUNT, [], [], None, "text/csv")).status == 200
    finally:
        pool.close()


def _answer_after_signal(pool: QueryPool, sig: signal.Signals) -> ProtocolResponse:
    """Start a slow query, send ``sig`` to the process running it, and return the answer."""
    answers: list[ProtocolResponse] = []
    runner = threading.Thread(
        target=lambda: answers.append(pool.run(Operation(SLOW, [], [], None, ""))))
    runner.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _running(pool):
        time.sleep(0.05)
    time.sleep(0.3)  # well into the slow query
    [victim] = _running(pool)  # the pool's own account, not CPU use (a loaded box starves it)
    os.kill(victim, sig)
    runner.join(15)
    return answers[0]


def _running(pool: QueryPool) -> list[int]:
    """The pids of the pool's started processes that are not idle: those running a query."""
    with pool._lock:
        idle = set(pool._fast_idle) | set(pool._slow_idle)
        return [c.proc.pid for c in pool._all if c.ready and c not in idle and c.proc.pid]


def _busy(pool: QueryPool) -> set[int]:
    return _using_cpu([c.proc.pid for c in list(pool._all) if c.proc.pid])


def _using_cpu(pids: list[int]) -> set[int]:
    """Those of ``pids`` that used CPU time in the last 0.5 s."""
    def ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])

    before = {p: ticks(p) for p in pids}
    time.sleep(0.5)
    return {p for p in pids if ticks(p) > before[p] + 5}


@pytest.mark.timeout(60)
def test_answers_are_capped_in_bytes_and_big_ones_are_not_held_in_memory(tmp_path: Path
                                                                           ) -> None:
    pool = _pool(tmp_path, timeout_s=20, max_rows=10**9, max_result_bytes=3 * MEMORY_BODY_BYTES)
    try:
        big = "SELECT * { ?a ?b ?c . ?d ?e ?f } LIMIT 8000"
        answer = pool.run(Operation(big, [], [], None, "text/tab-separated-values"))
        assert answer.status == 200
        assert not isinstance(answer.body, bytes)  # streamed from a file, chunk by chunk
        body = b"".join(answer.body)
        assert MEMORY_BODY_BYTES < len(body) <= 3 * MEMORY_BODY_BYTES
        assert body.count(b"\n") == 8001
        assert dict(answer.headers)["Content-Length"] == str(len(body))
        over = pool.run(Operation("SELECT * { ?a ?b ?c . ?d ?e ?f }", [], [], None,
                                  "text/tab-separated-values"))
        assert over.status == 503
        assert isinstance(over.body, bytes) and str(3 * MEMORY_BODY_BYTES).encode() in over.body
        small = pool.run(Operation(COUNT, [], [], None, "text/csv"))
        assert small.status == 200 and small.body == b"n\r\n427\r\n"
    finally:
        pool.close()


@pytest.mark.timeout(90)
def test_query_processes_do_not_outlive_a_server_stopped_mid_query(tmp_path: Path) -> None:
    """SIGTERM to the server while a 30 s query runs: `running_server` fails unless every
    process of the server's group is gone within its stop wait plus 5 s."""
    root = sample_dataset(tmp_path)
    with running_server(root, env={"TARIHKG_QUERY_TIMEOUT": "30"}, threads=2) as (base, _):
        threading.Thread(target=send, args=(base, SLOW), daemon=True).start()
        _busy_query_processes(_server_pid(base))
        stopped = time.monotonic()
    assert time.monotonic() - stopped < 20


@pytest.mark.timeout(90)
@pytest.mark.parametrize("target", ["supervisor", "web process"])
def test_a_stopped_server_stops_its_busy_query_processes_at_once(tmp_path: Path, target: str
                                                                  ) -> None:
    """SIGTERM (an operator, systemd, the supervisor passing it on) while queries run: their
    processes are killed within 3 s, not after waitress's 5 s wait for its busy threads, and
    the stop writes no traceback (measured from outside: 6 s, and an EBADF traceback from two
    threads closing one pipe)."""
    root = sample_dataset(tmp_path)
    with running_server(root, env={"TARIHKG_QUERY_TIMEOUT": "30"}, threads=4) as (base, log):
        server_pid = _server_pid(base)
        for _ in range(2):
            threading.Thread(target=send, args=(base, SLOW), daemon=True).start()
        worker, busy = _busy_query_processes(server_pid)
        os.kill(server_pid if target == "supervisor" else worker, signal.SIGTERM)
        assert _gone_within(busy, 3) < 3
        if target == "web process":
            assert _answers_again(base)
        else:  # the supervisor is done too (running_server's own SIGTERM would find it exiting)
            assert _gone_within([server_pid], 5) < 5
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_query_process_slow_to_start_is_not_reported_dead() -> None:
    """TimeoutError is an OSError: a child still starting at the deadline was reported as
    "did not start" (and killed) instead of "not ready within the limit"."""
    from server.executor import _Child

    child = object.__new__(_Child)
    child.ready = False

    def slow(deadline: float) -> bytes:
        raise TimeoutError

    child.receive = slow  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        child.wait_ready(time.monotonic())


@pytest.mark.timeout(120)
def test_a_cheap_query_is_answered_within_a_second_under_slow_clients_and_slow_queries(
        tmp_path: Path) -> None:
    """25 clients sending their headers a byte at a time, 25 that never read a big answer and
    16 queries that run to their deadline are in flight; `ASK {}` still answers within 1 s."""
    import socket

    root = sample_dataset(tmp_path)
    with running_server(root, env={"TARIHKG_QUERY_TIMEOUT": "20"}, threads=64) as (base, _):
        host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
        stop = threading.Event()
        sockets: list[socket.socket] = []

        def trickle() -> None:
            with socket.create_connection((host, port), timeout=30) as sock:
                sockets.append(sock)
                for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n":
                    if stop.wait(0.5):
                        return
                    sock.send(bytes([byte]))

        big = urllib.parse.quote("SELECT * { ?a ?b ?c . ?d ?e ?f } LIMIT 6000")

        def never_read() -> None:
            sock = socket.create_connection((host, port), timeout=30)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sockets.append(sock)
            sock.sendall(f"GET /sparql?query={big} HTTP/1.1\r\nHost: x\r\n"
                         "Accept: text/tab-separated-values\r\n\r\n".encode())

        slow = [threading.Thread(target=trickle, daemon=True) for _ in range(25)]
        slow += [threading.Thread(target=never_read, daemon=True) for _ in range(25)]
        slow += [threading.Thread(target=send, args=(base, SLOW), daemon=True)
                 for _ in range(16)]
        try:
            for thread in slow:
                thread.start()
            time.sleep(3)  # everything is in flight: the slow queries hold their processes
            timings = []
            for _ in range(5):
                status, text, seconds = send(base, "ASK {}")
                assert status == 200 and '"boolean":true' in text
                timings.append(seconds)
            assert max(timings) < 1.0, timings
        finally:
            stop.set()
            for sock in sockets:
                sock.close()


@pytest.mark.timeout(120)
def test_a_new_build_is_taken_up_while_serving_and_every_answer_comes_from_one(
        tmp_path: Path) -> None:
    """data/build is a link that a build swaps (`point_link`): the running server takes the new
    build up within seconds, without a restart; every answer in between is the old count or the
    new one; the old build's query processes are closed after their last reader."""
    from helpers import SAMPLE

    from tarihkg.project import point_link
    from tarihkg.store import build_store

    builds = tmp_path / "data" / "builds"
    (builds / "a").mkdir(parents=True)
    old = sample_dataset(builds / "a")
    link = tmp_path / "data" / "build"
    point_link(link, old)
    new = builds / "b"
    new.mkdir()
    (new / "tarihkg.nq").write_text(
        SAMPLE.read_text(encoding="utf-8")
        + "<urn:x:s> <urn:x:p> <urn:x:o> <https://w3id.org/tarihkg/graph/extra> .\n",
        encoding="utf-8")
    build_store(new / "tarihkg.nq", new / "store")
    (tmp_path / "data" / "sources").mkdir()
    with running_server(tmp_path, threads=8, project=tmp_path) as (base, log_path):
        before = _count(base)
        answers = [before]
        point_link(link, new)
        swapped = time.monotonic()
        while time.monotonic() - swapped < 15 and answers[-1] == before:
            answers.append(_count(base))
            time.sleep(0.05)
        assert answers[-1] == before + 1, answers
        assert set(answers) == {before, before + 1}
        assert time.monotonic() - swapped < 5
        status, body, _ = send(base, "ASK { <urn:x:s> <urn:x:p> <urn:x:o> }")
        assert status == 200 and '"boolean":true' in body
        time.sleep(0.5)
        assert f"closing the build at {old}" in log_path.read_text()


def _count(base: str) -> int:
    import json

    status, body, _ = send(base, COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.timeout(120)
def test_reconciliation_runs_in_a_query_process_under_the_deadline(tmp_path: Path) -> None:
    """/reconcile answers from the query processes (the same answers as in the web process)
    and a batch that cannot finish within the deadline is stopped with a 503, like a query."""
    import json

    from server import create_app

    root = sample_dataset(tmp_path)
    batch = {"queries": json.dumps({"a": {"query": "Nuri Paşa"}, "b": {"query": "Kafkas"}})}
    local = create_app({"TESTING": True, "DATASET_DIR": str(root), "QUERY_PROCESSES": 0})
    expected = local.test_client().post("/reconcile", data=batch).get_json()
    assert expected["a"]["result"]
    pooled = create_app({"TESTING": True, "DATASET_DIR": str(root), "QUERY_PROCESSES": 2})
    try:
        assert pooled.test_client().post("/reconcile", data=batch).get_json() == expected
        one = pooled.test_client().get("/reconcile", query_string={"query": "Nuri Paşa"})
        assert one.get_json() == expected["a"]
    finally:
        pooled.extensions["tarihkg"].pool.close()
    hurried = create_app({"TESTING": True, "DATASET_DIR": str(root), "QUERY_PROCESSES": 2,
                          "QUERY_TIMEOUT": 0.001})
    try:
        big = {"queries": json.dumps({f"q{i}": {"query": "Kafkas İslam Ordusu " * 20}
                                      for i in range(500)})}
        refused = hurried.test_client().post("/reconcile", data=big)
        assert refused.status_code == 503
        assert "limit" in refused.get_data(as_text=True)
    finally:
        hurried.extensions["tarihkg"].pool.close()
