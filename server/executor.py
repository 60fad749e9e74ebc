"""A SPARQL `Operation` -> its answer, computed in a killable child process under a wall-clock
deadline, an address-space cap and the endpoint's other limits.

Neither pyoxigraph nor rdflib can be interrupted from Python, and pyoxigraph aborts its whole
process when an allocation fails, so queries never run in the web worker. A `QueryPool` keeps up
to ``size`` child processes, forked from multiprocessing's fork server (started once per web
worker with this module imported, so a new child is ready in milliseconds even when the cores are
busy; it never opens a store, so no store handle crosses a fork), each with the store opened
read-only and ``RLIMIT_AS`` set to the memory cap above the address space the open store
already holds (reserved, mostly never touched). The parent sends one job at a time down a pipe
and waits until the deadline (counted from the request's arrival, so time spent queueing
counts) for the answer; if none comes, it kills the child (SIGKILL), answers 503 with a message
and starts a fresh child, so the server keeps answering everyone else. A child that dies is
replaced the same way; its death is reported by its cause: SIGABRT (Rust's allocation failure
under the cap) is the memory limit, SIGALRM its own deadline, any other signal a kill from
outside (the OOM killer, an operator), which is never reported as the memory limit.

A child never outlives what started it or its deadline, whatever happens above it: it asks the
kernel for SIGKILL when its parent (the fork server) dies (``PR_SET_PDEATHSIG``), the fork server
exits when its web worker dies (its pipe from the worker closes), and before each job the child
arms a real-time timer (``setitimer``, SIGALRM left at its default action, which ends the
process even inside Rust code) for the job's deadline plus `GRACE_S`.

Answers are bounded in bytes (``Limits.max_result_bytes``, stated in the 503) and never whole in
a web worker's memory: the child serializes into a spooled temporary file as the engine produces
rows, then sends it in chunks; the parent keeps up to `MEMORY_BODY_BYTES` in memory and spools
the rest to a temporary file, frees the child, and the app streams the file to the client.
A query still running after `DEMOTE_AFTER_S` has its process niced (`DEMOTED_NICE`) so that quick
queries in other processes keep the cores (a cheap ASK answers in well under a second while
sixteen expensive queries run); after its answer the process gets its priority back (where the
server may raise priorities) or is discarded instead of being reused. Children live as long
as the web process and are reused last-in first-out, so the few that do the work keep their
RocksDB caches warm and the others stay idle. Messages on the
pipe: a job is one JSON message; an answer is a JSON head ``[status, headers]``, then its body in
chunks of at most `CHUNK_BYTES`, then an empty message.
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import re
import resource
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection
from typing import IO, Any

from werkzeug.datastructures import MIMEAccept

from server.errors import (
    HttpError,
    internal_error,
    render_error,
    service_unavailable,
    unprocessable,
)
from server.negotiation import parse_accept
from server.sparql import Limits, Operation, ProtocolResponse

log = logging.getLogger(__name__)

RECURSION_LIMIT = 20_000
GRACE_S = 2.0  # a child ends itself this long after a job's deadline if nobody killed it
CHUNK_BYTES = 1 << 20
MEMORY_BODY_BYTES = 1 << 20  # a bigger answer is spooled to a file in the web worker
DEMOTE_AFTER_S = 0.25  # a query running longer gets a lower CPU priority (nice DEMOTED_NICE)
DEMOTED_NICE = 19
SPARES = 3  # idle query processes kept ready (or starting) while the pool may grow
IDLE_TIMEOUT_S = 60.0  # an idle query process beyond SPARES unused this long is stopped
_PR_SET_PDEATHSIG = 1
_PANIC = re.compile(r"panicked at [^\n]*\n([^\n]+)")  # a Rust panic: the message follows
_CONTEXT = multiprocessing.get_context("forkserver")
# rdflib's SPARQL grammar (read for SERVICE and FROM) is built once in the fork server, not in
# every query process, where it costs time at each start and fails under a small memory cap
_CONTEXT.set_forkserver_preload(["server.executor", "rdflib.plugins.sparql.parser"])


@dataclass(frozen=True)
class ExecutorSettings:
    """Where the data is and what a child may spend on one query."""

    store: str  # a built dataset directory or a SPARQL endpoint URL (`tarihkg.store.open_store`)
    limits: Limits

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {"store": self.store, "limits": asdict(self.limits)}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ExecutorSettings:
        """The inverse of `to_dict`."""
        limits = dict(doc["limits"])
        limits["service_allowlist"] = tuple(limits["service_allowlist"])
        return cls(store=doc["store"], limits=Limits(**limits))


class _Child:
    """One query process and the parent's end of its pipe."""

    def __init__(self, settings: ExecutorSettings) -> None:
        self.conn, child_conn = _CONTEXT.Pipe(duplex=True)
        fd, self.stderr_path = tempfile.mkstemp(prefix="tarihkg-query-", suffix=".stderr")
        os.close(fd)
        self.proc = _CONTEXT.Process(target=_child_main,
                                     args=(child_conn, settings.to_dict(), self.stderr_path),
                                     name="tarihkg-query", daemon=True)
        self.proc.start()
        child_conn.close()
        self.ready = False
        self.demoted = False
        self.idle_since = time.monotonic()

    def wait_ready(self, deadline: float) -> None:
        """Block until the child has opened the store. Raises `TimeoutError` at ``deadline``
        (the child keeps starting), `RuntimeError` if it cannot start."""
        if self.ready:
            return
        try:
            head = json.loads(self.receive(deadline))
        except TimeoutError:
            raise  # an OSError too, but the child is only slow to start
        except (EOFError, OSError):
            self.proc.join(5)
            raise RuntimeError(f"the query process did not start (exit {self.proc.exitcode})"
                               ) from None
        if head.get("error"):
            raise RuntimeError(f"the query process cannot open the store: {head['error']}")
        self.ready = True

    def is_ready(self) -> bool:
        """True if the child has opened the store (its ready message may still be unread)."""
        return self.ready or self.conn.poll(0)

    def send(self, payload: bytes) -> None:
        """One message to the child."""
        self.conn.send_bytes(payload)

    def receive(self, deadline: float) -> bytes:
        """The child's next message; `TimeoutError` at ``deadline``, `EOFError` if it died."""
        if not self.conn.poll(max(deadline - time.monotonic(), 0)):
            raise TimeoutError
        return self.conn.recv_bytes()

    def demote(self) -> None:
        """Lower the child's CPU priority (nice `DEMOTED_NICE`) for the rest of its life."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid or 0, DEMOTED_NICE)
        except OSError as exc:
            log.warning("cannot lower the priority of query process %s: %s", self.proc.pid, exc)
        self.demoted = True

    def promote(self) -> bool:
        """Give the child its full priority back; False if this process may not (raising a
        priority needs CAP_SYS_NICE)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid or 0, 0)
        except OSError:
            return False
        self.demoted = False
        return True

    def kill(self) -> None:
        """Stop the child now (SIGKILL) and reap it."""
        if self.proc.exitcode is None:
            self.proc.kill()
        self.proc.join(10)
        if self.proc.exitcode is None:
            log.error("query process %s did not die", self.proc.pid)
        self.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(self.stderr_path)

    def last_words(self, limit: int = 65_536) -> str:
        """The end of what the engine (native code) wrote to the child's standard error: why it
        aborted, if it did."""
        try:
            with open(self.stderr_path, "rb") as written:
                written.seek(max(os.fstat(written.fileno()).st_size - limit, 0))
                return written.read().decode("utf-8", "replace")
        except OSError:
            return ""


class QueryPool:
    """Up to ``size`` query processes shared by the threads of one web worker, started as
    requests overlap and replaced when killed."""

    def __init__(self, settings: ExecutorSettings, *, size: int = 1) -> None:
        self.settings = settings
        self.size = size
        self._idle: list[_Child] = []  # a stack: the most recently used child is taken first
        self._all: set[_Child] = set()
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._started = False
        self._closed = False
        weakref.finalize(self, _kill_all, self._all)

    def _spawn(self) -> _Child:
        child = _Child(self.settings)
        with self._lock:
            self._all.add(child)
        return child

    def _retire(self, child: _Child) -> None:
        """Kill ``child`` and start its replacement (it gets ready while nobody waits)."""
        child.kill()
        with self._lock:
            self._all.discard(child)
        if not self._closed:
            self._release(self._spawn())

    def _release(self, child: _Child) -> None:
        """Put ``child`` on top of the idle stack and wake one waiting thread; idle processes
        beyond `SPARES` left unused for `IDLE_TIMEOUT_S` are stopped (the memory of a burst
        goes back to the machine once it is over)."""
        now = time.monotonic()
        child.idle_since = now
        with self._freed:
            self._idle.append(child)
            self._freed.notify()
            stale = [c for c in self._idle[:-SPARES] if now - c.idle_since > IDLE_TIMEOUT_S]
            self._idle = [c for c in self._idle if c not in stale]
            self._all.difference_update(stale)
        for extra in stale:
            extra.kill()

    def _acquire(self, deadline: float) -> _Child:
        """The most recently used idle process, a new one while there are fewer than ``size``,
        or the next one freed before ``deadline`` (else `TimeoutError`). Keeps `SPARES` more
        processes starting or idle while the pool may grow, so that overlapping requests rarely
        wait for a start."""
        with self._freed:
            grow = not self._idle and len(self._all) < self.size
            if not grow and not self._freed.wait_for(lambda: bool(self._idle),
                                                     max(deadline - time.monotonic(), 0.001)):
                raise TimeoutError
            taken = None if grow else self._idle.pop(_best(self._idle))
        child = self._spawn() if taken is None else taken
        with self._lock:
            spares = 0 if self._closed else min(SPARES - len(self._idle),
                                                self.size - len(self._all))
        for _ in range(spares):
            self._release(self._spawn())
        return child

    def start(self) -> None:
        """Start `SPARES` processes ahead of the first query (more start as requests overlap)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(min(SPARES, self.size)):
            self._release(self._spawn())

    def close(self) -> None:
        """Stop every process; from now on queries are refused (the server is stopping)."""
        self._closed = True
        _kill_all(self._all)

    def run(self, op: Operation) -> ProtocolResponse:
        """Run ``op`` in a child before its deadline (``op.deadline``, else the limit from now);
        the answer, or a 503/500 error answer."""
        timeout = self.settings.limits.timeout_s
        deadline = op.deadline if op.deadline is not None else time.monotonic() + timeout
        op = replace(op, deadline=deadline)
        accept = parse_accept(op.accept)
        if self._closed:
            return _error(service_unavailable("the server is stopping; try again"), op, accept)
        self.start()
        try:
            child = self._acquire(deadline)
        except TimeoutError:
            return _error(service_unavailable(
                f"every query process stayed busy for the {timeout:g} s limit; try again"),
                op, accept)
        try:
            child.wait_ready(deadline)
        except TimeoutError:
            self._release(child)  # still starting: ready for the next request
            return _error(service_unavailable(
                f"no query process was ready within the {timeout:g} s limit; try again"),
                op, accept)
        except RuntimeError as exc:
            log.error("%s", exc)
            self._retire(child)
            return _error(service_unavailable(str(exc)), op, accept)
        try:
            child.send(json.dumps(op.to_dict()).encode("utf-8"))
            status, headers = json.loads(self._receive_head(child, deadline))
            body = _receive_body(child, deadline)
        except TimeoutError:
            log.warning("query stopped after %g s (pid %s)", timeout, child.proc.pid)
            self._retire(child)
            return _error(service_unavailable(
                f"the query ran longer than the {timeout:g} s limit and was stopped"), op, accept)
        except (EOFError, OSError):
            child.proc.join(10)
            code, words = child.proc.exitcode, child.last_words()
            self._retire(child)
            return _error(self._death(code, op, words), op, accept)
        if child.demoted and not child.promote():
            self._discard(child)  # the next queries get a process at full priority
        else:
            self._release(child)
        return ProtocolResponse(int(status), [(k, v) for k, v in headers], body, op.query)

    def _receive_head(self, child: _Child, deadline: float) -> bytes:
        """The head of ``child``'s answer; if it takes longer than `DEMOTE_AFTER_S`, the child
        is demoted (niced), so quick queries in other processes keep the cores."""
        try:
            return child.receive(min(deadline, time.monotonic() + DEMOTE_AFTER_S))
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise
        child.demote()
        return child.receive(deadline)

    def _discard(self, child: _Child) -> None:
        """Kill ``child`` without a replacement (one starts when requests need it)."""
        child.kill()
        with self._lock:
            self._all.discard(child)

    def _death(self, code: int | None, op: Operation, words: str = "") -> HttpError:
        """What to tell the client whose query process died with exit ``code``, having written
        ``words`` (the end of its native standard error) before it died."""
        limits = self.settings.limits
        panic = next(reversed(list(_PANIC.finditer(words))), None)
        if code == -signal.SIGABRT and panic and "memory allocation" not in words:
            log.warning("the query engine panicked on a query of %d bytes: %s", len(op.query),
                        panic.group(1))
            return unprocessable(
                "the query engine (Oxigraph) stopped on this query, which is a fault of the "
                f"engine, not of the query: {panic.group(1)}. Nothing else was affected. "
                "Rewriting the query may avoid it (an ORDER BY over values of mixed kinds: "
                "order by STR(?x), or filter to one kind first)")
        if code == -signal.SIGABRT:
            log.warning("query process ran out of memory (exit %s)", code)
            return service_unavailable(f"the query needed more than the {limits.memory_mb} MB "
                                       "memory limit and was stopped")
        if code == -signal.SIGALRM:
            log.warning("query process stopped itself at its deadline")
            return service_unavailable(f"the query ran longer than the {limits.timeout_s:g} s "
                                       "limit and was stopped")
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            log.warning("query process killed from outside by %s", name)
            return service_unavailable(f"the query process was stopped from outside ({name}) "
                                       "while it ran this query; try again")
        log.error("query process died (exit %s) on a query of %d bytes", code, len(op.query))
        return internal_error()


def _receive_body(child: _Child, deadline: float) -> bytes | Iterator[bytes]:
    """The answer's body from ``child``: bytes if small, else chunks read from a temporary
    file (the web worker never holds a big answer in memory)."""
    parts: list[bytes] = []
    held = 0
    spool: IO[bytes] | None = None
    while chunk := child.receive(deadline):
        if spool is None and held + len(chunk) <= MEMORY_BODY_BYTES:
            parts.append(chunk)
            held += len(chunk)
            continue
        if spool is None:
            spool = tempfile.TemporaryFile(prefix="tarihkg-answer-")
            spool.writelines(parts)
            parts = []
        spool.write(chunk)
    if spool is None:
        return b"".join(parts)
    spool.seek(0)
    return _read_chunks(spool)


def _read_chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def _best(idle: list[_Child]) -> int:
    """The index of the idle process to take: the most recently used one that is ready (a
    query must not wait for a process still starting while another could answer it now).

    >>> class C:
    ...     def __init__(self, ready): self.is_ready = lambda: ready
    >>> _best([C(True), C(True), C(False)]), _best([C(False), C(False)])
    (1, 1)
    """
    ready = [i for i, child in enumerate(idle) if child.is_ready()]
    return ready[-1] if ready else len(idle) - 1


def _error(error: HttpError, op: Operation, accept: MIMEAccept) -> ProtocolResponse:
    status, headers, body = render_error(error, accept)
    return ProtocolResponse(status, headers, body, op.query)


def _kill_all(children: set[_Child]) -> None:
    """SIGKILL every child at once, then reap them."""
    taken = list(children)
    children.clear()
    for child in taken:
        if child.proc.exitcode is None:
            child.proc.kill()
    for child in taken:
        child.kill()


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux); if the
    parent is already gone, end now."""
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed (errno %d)", ctypes.get_errno())
    if os.getppid() != parent:
        os._exit(1)


def _leave_fork_server_alone() -> None:
    """Close this child's copy of the fork server's "alive" pipe. The fork server ends when
    every copy of its write end is closed; multiprocessing gives one to each child it forks
    (for nested use), so a busy child would keep the fork server, and so itself (see
    `die_with_parent`), alive after its web process died."""
    server: Any = multiprocessing.forkserver._forkserver  # type: ignore[attr-defined]
    if server._forkserver_alive_fd is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


def memory_cap_mb(processes: int, *, total_mb: int | None = None, ceiling_mb: int = 2048) -> int:
    """What each query process may allocate beyond its open store: 80 % of the machine's
    memory shared by ``processes``, at most ``ceiling_mb`` and at least 256, so the caps
    together fit the machine.

    >>> memory_cap_mb(24, total_mb=24_000), memory_cap_mb(4, total_mb=64_000)
    (800, 2048)
    """
    if total_mb is None:
        total_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    return max(256, min(ceiling_mb, int(total_mb * 0.8) // processes))


def _send_answer(conn: Connection, answer: ProtocolResponse, spool: IO[bytes]) -> None:
    """Head, body (``answer.body`` or, for a 200 written to ``spool``, the file), end mark."""
    conn.send_bytes(json.dumps([answer.status, answer.headers]).encode("utf-8"))
    if answer.status == 200 and isinstance(answer.body, bytes) and not answer.body:
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            conn.send_bytes(chunk)
    elif isinstance(answer.body, bytes) and answer.body:
        conn.send_bytes(answer.body)
    conn.send_bytes(b"")


def _address_space_bytes() -> int:
    """This process's address space now (VmSize). The cap is set this much above the limit:
    an open store reserves hundreds of MB of address space it never touches (RocksDB's thread
    stacks and cache), so a cap counted from zero could be below what the process already
    holds, and then every allocation would fail, whatever the query.

    >>> 0 < _address_space_bytes() < 1 << 40
    True
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _native_stderr_to(path: str) -> None:
    """Send what native code (the engine) writes to standard error to ``path`` as well as
    nowhere else, so the parent can tell why this process aborted (`_Child.last_words`);
    Python's own messages keep going to the server's standard error."""
    sys.stderr.flush()
    python_stderr = os.dup(2)
    target = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.dup2(target, 2)
    os.close(target)
    sys.stderr = open(python_stderr, "w", buffering=1, encoding="utf-8",  # noqa: SIM115
                      errors="backslashreplace")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
            handler.setStream(sys.stderr)


def _child_main(conn: Connection, settings_doc: dict[str, Any], stderr_path: str) -> None:
    """The query process: tie its life to its parent's, open the store, cap the address space,
    then answer jobs (each under its deadline's timer) until the pipe closes."""
    _leave_fork_server_alone()
    die_with_parent()
    _native_stderr_to(stderr_path)
    os.environ["RUST_BACKTRACE"] = "0"  # a panic's message, not pages of frames
    from server.reconcile import run_batch
    from server.sparql import run_operation
    from tarihkg.store import open_store

    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the timer ends the process, Rust or not
    settings = ExecutorSettings.from_dict(settings_doc)
    sys.setrecursionlimit(RECURSION_LIMIT)  # rdflib's parser recurses per bracket
    try:
        store = open_store(settings.store)
        store.graphs()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send_bytes(json.dumps({"error": str(exc)}).encode("utf-8"))
        return
    cap = _address_space_bytes() + settings.limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    conn.send_bytes(json.dumps({"ready": True}).encode("utf-8"))
    while True:
        try:
            op = Operation(**json.loads(conn.recv_bytes()))
        except EOFError:
            return
        left = (op.deadline or time.monotonic() + settings.limits.timeout_s) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(left, 0) + GRACE_S)
        with tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES, prefix="tarihkg-q-") as spool:
            try:
                if op.reconcile is not None:
                    answer = run_batch(op, store=store)
                else:
                    answer = run_operation(op, store=store, limits=settings.limits, out=spool)
            except MemoryError:
                answer = _error(service_unavailable(
                    f"the query needed more than the {settings.limits.memory_mb} MB memory "
                    "limit and was stopped"), op, parse_accept(op.accept))
            except Exception:  # noqa: BLE001 - a bug: logged here, a 500 without details there
                log.exception("query failed")
                answer = _error(internal_error(), op, parse_accept(op.accept))
            _send_answer(conn, answer, spool)
        signal.setitimer(signal.ITIMER_REAL, 0)
