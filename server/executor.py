"""A SPARQL `Operation` -> its answer, computed in a killable child process under a wall-clock
deadline, an address-space cap and the endpoint's other limits.

Neither pyoxigraph nor rdflib can be interrupted from Python, and pyoxigraph aborts its whole
process when an allocation fails, so queries never run in the web worker. One `QueryPool` serves
the whole server; its ``size`` query processes are forked from multiprocessing's fork server
(started once with this module imported, so a new child is ready in tens of milliseconds; it
never opens a store, so no store handle crosses a fork), each with the store opened read-only
and ``RLIMIT_AS`` set to the memory cap above the address space the open store already holds
(reserved, mostly never touched). The processes form two lanes (`lanes`):

- the fast lane: a fixed number of processes, one per core, started with the pool and always
  kept. Every query starts here, on the most recently used ready process (its caches are warm),
  waiting for one if all are busy. The waiters are served in order, not as the scheduler wakes
  them: first the queries answered within `DEMOTE_AFTER_S` the last time they ran (the last
  `KNOWN_FAST`), oldest first; then the others, newest first, so that a query arriving after a
  burst of new expensive ones waits for one of their quarter-second trials, not for all of them.
- the slow lane: at most ``size`` minus the fast lane. A query still running after
  `DEMOTE_AFTER_S` is demoted: its process leaves the fast lane for the slow lane, niced to
  `DEMOTED_NICENESS` more than the server (so quick queries keep the cores; not to the bottom,
  where anything else on the machine would starve it), and a replacement is forked into the fast
  lane. The lane has `slow_places` (one per core) for every demoted query and, beyond them,
  room for trials: a query never seen before that is demoted while the places are taken keeps
  running in its process (a trial, niced like the others, so the kernel shares the cores among
  the long queries: time-slicing, not a queue), and that process is stopped once it has
  answered. So a query whose row, byte or memory cap stops it within a second is stopped by its
  cap, not by its deadline spent queueing behind long queries (the outside fault run's byte
  amplification after the slow-client probe). A query known to be slow, or a known-quick one
  turning slow, takes a place; with the places taken it is stopped there (its process killed
  and replaced) and runs again from the start in a place as soon as one is free, before the
  same deadline. A slow-lane process idle for `SLOW_IDLE_S` is stopped, so the memory of a
  burst of long queries goes back to the machine within seconds.
  After a query that ran longer than `TRIM_AFTER_S`, a query process hands the heap memory it
  freed back to the system (`_give_back_memory`) and sends its private memory with the answer;
  a process that has grown more than `REPLACE_AFTER_GROWTH_MB` since it opened the store is
  stopped once it has answered (and, in the fast lane, replaced by a fresh one). What grows is
  the engine's caches of the store (RocksDB's block caches, up to 32 MB for the indexes and
  128 MB for the strings in every process, which pyoxigraph does not let us size): on a big
  store each process would otherwise keep 50-70 MB of them. A process forked from a parent
  that had warmed them would not share them either: the 32 MB cache turns over under a mix of
  scans, and each block the child evicts and replaces becomes its own copy (measured on the
  1M graph: four children of a warmed parent held as much as four fresh ones).

A query demoted the last time it ran (the last `KNOWN_SLOW` are remembered) starts in the slow
lane directly; one that then finishes within `DEMOTE_AFTER_S` starts in the fast lane again. So
a cheap query never waits behind more than a quarter of a second of anyone's query, however many
long ones are in flight, and the number of processes (and so the memory) is bounded.

A request whose client has left (``gone``: waitress's ``waitress.client_disconnected``, looked
at every `GONE_CHECK_S` while the request waits for a process or an answer) stops its query:
the process is killed (and, in the fast lane, replaced).

The parent sends one job at a time down a pipe and waits until the deadline (counted from the
request's arrival, so time spent queueing counts) for the answer; if none comes, it kills the
child (SIGKILL), answers 503 with a message and (in the fast lane) starts a fresh child, so the
server keeps answering everyone else. A child that dies is replaced the same way; its death is
reported by its cause: SIGABRT (Rust's allocation failure under the cap) is the memory limit,
unless the engine wrote a panic's message, SIGALRM its own deadline, any other signal a kill
from outside (the OOM killer, an operator), which is never reported as the memory limit.

A child never outlives what started it or its deadline, whatever happens above it: it asks the
kernel for SIGKILL when its parent (the fork server) dies (``PR_SET_PDEATHSIG``), the fork server
exits when its web worker dies (its pipe from the worker closes), and before each job the child
arms a real-time timer (``setitimer``, SIGALRM left at its default action, which ends the
process even inside Rust code) for the job's deadline plus `GRACE_S`.

Answers are bounded in bytes (``Limits.max_result_bytes``, stated in the 503) and never whole in
a web worker's memory: the child serializes into a spooled temporary file as the engine produces
rows, then sends it; the parent keeps up to `MEMORY_BODY_BYTES` in memory and spools the rest to
a temporary file, frees the child, and the app streams the file to the client. Messages on the
pipe: a job is one JSON message; an answer is one message (a JSON head ``[status, headers,
more]``, a newline, the body) when it fits in `CHUNK_BYTES`, so a small answer costs one wake-up;
with ``more``, further chunks follow, then an empty message.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import heapq
import itertools
import json
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import re
import resource
import select
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection
from typing import IO, Any, NoReturn

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
from tarihkg.supervise import few_malloc_arenas

log = logging.getLogger(__name__)
Gone = Callable[[], bool] | None  # tells whether the client has left (None: never asked)

RECURSION_LIMIT = 20_000
GRACE_S = 2.0  # a child ends itself this long after a job's deadline if nobody killed it
CHUNK_BYTES = 1 << 20
MEMORY_BODY_BYTES = 1 << 20  # a bigger answer is spooled to a file in the web worker
DEMOTE_AFTER_S = 0.25  # a query running longer leaves the fast lane
DEMOTED_NICENESS = 5  # a demoted query's process is this much nicer than the server
SLOW_LANE_PER_CORE = 1  # the slow lane's places per core (see `default_pool_size`)
TRIALS_PER_CORE = 10  # and its places per core for queries on their first trial
SLOW_IDLE_S = 5.0  # a slow-lane process idle this long is stopped
GONE_CHECK_S = 0.1  # how often a waiting request looks whether its client has left
KNOWN_SLOW = 1000  # the queries remembered as demoted (they start in the slow lane next time)
KNOWN_FAST = 1000  # the queries remembered as answered quickly (first in the fast lane's queue)
TRIM_AFTER_S = 0.05  # after a query that ran longer, the query process gives memory back
#: A query process whose private memory grew more than this since it opened the store is
#: replaced after its answer (`QueryPool._answer`): the engine's caches, which pyoxigraph does
#: not let us bound, stay this small in each process (see `_private_kb`)
REPLACE_AFTER_GROWTH_MB = 12
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)
#: Signals a process gets from its own fault (a stack overflow, a bad address or instruction):
#: a crash of the engine on that query, never an outside stop.
_CRASHES = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE})
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
        self._poller = select.poll()  # one poll object: Connection.poll builds a selector each time
        self._poller.register(self.conn.fileno(), select.POLLIN)
        self.ready = False
        self.demoted = False
        self.idle_since = time.monotonic()
        self.opened_kb: int | None = None  # private memory (kB) once the store was open
        self.private_kb: int | None = None  # and after the last answer, if it was measured

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
        self.opened_kb = head.get("private_kb")
        self.ready = True

    def grew_too_much(self) -> bool:
        """True if the child's private memory after its last answer was more than
        `REPLACE_AFTER_GROWTH_MB` above what it held once the store was open."""
        return (self.private_kb is not None and self.opened_kb is not None
                and self.private_kb - self.opened_kb > REPLACE_AFTER_GROWTH_MB * 1024)

    def is_ready(self) -> bool:
        """True if the child has opened the store (its ready message may still be unread)."""
        return self.ready or self._readable(0)

    def _readable(self, timeout: float) -> bool:
        """True if the child's pipe has a message (or was closed) within ``timeout`` seconds
        (to the nearest millisecond: poll(2) counts in milliseconds, and rounding up would
        make a budget under one, as the tests' `DEMOTE_AFTER_S`, a whole millisecond)."""
        return bool(self._poller.poll(round(max(timeout, 0) * 1000)))

    def send(self, payload: bytes) -> None:
        """One message to the child."""
        self.conn.send_bytes(payload)

    def receive(self, deadline: float) -> bytes:
        """The child's next message; `TimeoutError` at ``deadline``, `EOFError` if it died."""
        if not self._readable(deadline - time.monotonic()):
            raise TimeoutError
        return self.conn.recv_bytes()

    def demote(self) -> None:
        """Lower the child's CPU priority (`DEMOTED_NICENESS` nicer than this process)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid or 0, demoted_nice())
        except OSError as exc:
            log.warning("cannot lower the priority of query process %s: %s", self.proc.pid, exc)
        self.demoted = True

    def promote(self) -> bool:
        """Give the child its full priority back; False if this process may not (raising a
        priority needs CAP_SYS_NICE)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid or 0, os.getpriority(os.PRIO_PROCESS, 0))
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
    """The query processes of one server: a fixed fast lane for quick queries and a bounded
    slow lane for queries demoted from it (see the module docstring)."""

    def __init__(self, settings: ExecutorSettings, *, size: int = 1, fast: int | None = None
                 ) -> None:
        """``size`` processes at most, ``fast`` of them (default: `lanes`) in the fast lane."""
        self.settings = settings
        self.size = max(size, 1)
        self.fast_size, self.slow_size = lanes(self.size)
        if fast is not None:
            self.fast_size, self.slow_size = max(1, min(fast, self.size)), self.size - fast
        self.slow_places = slow_places(self.slow_size)
        self._fast_idle: list[_Child] = []  # a stack: the most recently used is taken first
        self._fast: set[_Child] = set()  # the fast lane: idle, busy or starting
        self._slow_idle: list[_Child] = []
        self._slow: set[_Child] = set()  # the slow lane: running a demoted query, or idle
        self._reserved = 0  # slow-lane places taken by processes still being started
        self._slow_queries: OrderedDict[int, None] = OrderedDict()  # `_key`s, oldest first
        self._fast_queries: OrderedDict[int, None] = OrderedDict()  # answered within the budget
        self._fast_queue: list[tuple[int, int]] = []  # a heap of the waiters' tickets
        self._tickets = itertools.count()
        self._all: set[_Child] = set()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._started = False
        self._closed = False
        self._stop_reaper = threading.Event()
        weakref.finalize(self, _stop_pool, self._all, self._stop_reaper)

    # --- the lanes ---------------------------------------------------------------------------

    def _spawn(self, lane: set[_Child]) -> _Child:
        child = _Child(self.settings)
        with self._lock:
            self._all.add(child)
            lane.add(child)
        if lane is self._slow:
            child.demote()
        return child

    def _forget(self, child: _Child) -> None:
        """Kill ``child`` and take it out of its lane; a fast-lane process is replaced."""
        child.kill()
        with self._changed:
            self._all.discard(child)
            fast = child in self._fast
            self._fast.discard(child)
            self._slow.discard(child)
            self._changed.notify_all()  # a slow-lane place may be free now
        if fast and not self._closed:
            self._release(self._spawn(self._fast))

    def _release(self, child: _Child) -> None:
        """``child`` is idle: back on top of its lane's idle stack; wake the waiting threads. A
        slow-lane process beyond the lane's `slow_places` (a trial's) is stopped instead."""
        child.idle_since = time.monotonic()
        with self._changed:
            surplus = child in self._slow and len(self._slow) > self.slow_places
            if surplus:
                self._slow.discard(child)
                self._all.discard(child)
            elif child in self._fast:
                self._fast_idle.append(child)
            elif child in self._slow:
                self._slow_idle.append(child)
            self._changed.notify_all()
        if surplus:
            child.kill()

    def _wait(self, ready: Callable[[], bool], deadline: float, gone: Gone) -> None:
        """Wait (holding ``self._changed``) until ``ready()``: `TimeoutError` at ``deadline``,
        `_ClientGone` as soon as ``gone()`` (looked at every `GONE_CHECK_S`)."""
        while not self._changed.wait_for(
                ready, max(min(deadline, time.monotonic() + GONE_CHECK_S) - time.monotonic(),
                           0.001)):
            if gone is not None and gone():
                raise _ClientGone
            if time.monotonic() >= deadline:
                raise TimeoutError

    def _acquire_fast(self, deadline: float, gone: Gone, *, known_fast: bool) -> _Child:
        """An idle fast-lane process (a ready one first), waiting until ``deadline`` for one
        (else `TimeoutError`). Waiters are served in order (`_ticket`), not as the scheduler
        wakes them."""
        with self._changed:
            ticket = self._ticket(known_fast)
            heapq.heappush(self._fast_queue, ticket)
            try:
                self._wait(lambda: self._closed or (bool(self._fast_idle)
                                                    and self._fast_queue[0] == ticket),
                           deadline, gone)
                if self._closed:
                    raise _Stopping
                return self._fast_idle.pop(_best(self._fast_idle))
            finally:
                self._fast_queue.remove(ticket)
                heapq.heapify(self._fast_queue)
                self._changed.notify_all()  # the next in the queue may take a process now

    def _ticket(self, known_fast: bool) -> tuple[int, int]:
        """A waiter's place in the fast lane's queue (smallest first): queries answered within
        `DEMOTE_AFTER_S` last time first, in order of arrival; then the others, the latest
        first. A query never seen before holds a process at most `DEMOTE_AFTER_S`, so when a
        burst of new expensive queries fills the queue, a query arriving after it waits for
        one of those budgets, not for all of them (the burst's queries are tried as soon as
        nothing newer waits, and reach their own lane within their deadline).

        >>> pool = QueryPool.__new__(QueryPool); pool._tickets = itertools.count()
        >>> a, b, c, d = (pool._ticket(k) for k in (False, True, False, True))
        >>> sorted([a, b, c, d]) == [b, d, c, a]
        True
        """
        n = next(self._tickets)
        return (0, n) if known_fast else (1, -n)

    def _slow_room(self, *, trial: bool = False) -> bool:
        """True if the slow lane may take one more process (called with the lock held): up to
        its `slow_places`, or, for a query on its first trial, up to its whole size."""
        return len(self._slow) + self._reserved < (self.slow_size if trial else self.slow_places)

    def _acquire_slow(self, deadline: float, gone: Gone) -> _Child:
        """An idle slow-lane process, or a new one while the lane has room, waiting until
        ``deadline`` (else `TimeoutError`)."""
        with self._changed:
            self._wait(lambda: self._closed or bool(self._slow_idle) or self._slow_room(),
                       deadline, gone)
            if self._closed:
                raise _Stopping
            if self._slow_idle:
                return self._slow_idle.pop()
            self._reserved += 1  # the place is taken now; the process starts outside the lock
        try:
            return self._spawn(self._slow)
        finally:
            with self._lock:
                self._reserved -= 1

    def _demote(self, child: _Child, *, trial: bool) -> bool:
        """Move ``child`` (busy past `DEMOTE_AFTER_S`) from the fast lane to the slow lane,
        niced, and start its replacement; False if the slow lane is full (for a ``trial``, a
        query never seen before: its whole size, else its `slow_places`)."""
        with self._lock:
            if not self._slow_room(trial=trial):
                return False
            self._fast.discard(child)
            self._slow.add(child)
        child.demote()
        if not self._closed:
            self._release(self._spawn(self._fast))
        return True

    def _reap(self) -> None:
        """Stop slow-lane processes idle for `SLOW_IDLE_S` (runs every second until closed)."""
        now = time.monotonic()
        with self._lock:
            stale = [c for c in self._slow_idle if now - c.idle_since > SLOW_IDLE_S]
            self._slow_idle = [c for c in self._slow_idle if c not in stale]
            self._slow.difference_update(stale)
            self._all.difference_update(stale)
        for child in stale:
            child.kill()

    def start(self) -> None:
        """Start the fast lane's processes and the reaper of idle slow-lane processes."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.fast_size):
            self._release(self._spawn(self._fast))
        threading.Thread(target=_reaper, args=(weakref.ref(self), self._stop_reaper),
                         name="tarihkg-reaper", daemon=True).start()

    def close(self) -> None:
        """Stop every process; from now on queries are refused (the server is stopping)."""
        self._closed = True
        with self._changed:
            self._changed.notify_all()
        _stop_pool(self._all, self._stop_reaper)

    # --- one query ---------------------------------------------------------------------------

    def run(self, op: Operation, *, gone: Gone = None) -> ProtocolResponse:
        """Run ``op`` in a query process before its deadline (``op.deadline``, else the limit
        from now); the answer, or a 503/500 error answer. ``gone``: a function that tells
        whether the client has left (waitress's ``waitress.client_disconnected``); then the
        query is stopped (its process killed and, in the fast lane, replaced)."""
        timeout = self.settings.limits.timeout_s
        deadline = op.deadline
        if deadline is None:
            deadline = time.monotonic() + timeout
            op = replace(op, deadline=deadline)
        accept = _parse_accept(op.accept)
        if self._closed:
            return _error(service_unavailable("the server is stopping; try again"), op, accept)
        self.start()
        try:
            return self._run(op, deadline, gone)
        except _ClientGone:
            log.info("the client left; its query was stopped")
            return _error(service_unavailable("the client closed the connection; the query was "
                                              "stopped"), op, accept)
        except _Stopping:
            return _error(service_unavailable("the server is stopping; try again"), op, accept)
        except _Failed as failed:
            return _error(failed.error, op, accept)

    def _run(self, op: Operation, deadline: float, gone: Gone) -> ProtocolResponse:
        timeout = self.settings.limits.timeout_s
        key = _key(op)
        if self._known_slow(key):
            return self._run_slow(op, key, deadline, gone)
        with self._lock:
            known_fast = key in self._fast_queries
            trial = not known_fast  # never seen (a known-slow query went to the slow lane)
        try:
            child = self._acquire_fast(deadline, gone, known_fast=known_fast)
        except TimeoutError:
            raise _Failed(service_unavailable(
                f"every query process stayed busy for the {timeout:g} s limit; try again")
            ) from None
        if self._known_slow(key):  # found slow while this request waited
            self._release(child)
            return self._run_slow(op, key, deadline, gone)
        self._ready(child, deadline)
        child.send(_job(op))
        try:
            first = self._receive(child, min(deadline, time.monotonic() + DEMOTE_AFTER_S), gone)
        except TimeoutError:
            if time.monotonic() >= deadline:
                self._timed_out(child)
            first = None
        except (EOFError, OSError):
            self._died(child, op)
        if first is not None:
            self._remember(self._fast_queries, key, KNOWN_FAST)
            return self._answer(child, first, op, deadline)
        with self._lock:
            self._fast_queries.pop(key, None)
        if self.slow_size == 0:  # nowhere to move it: it keeps its process, niced
            child.demote()
            return self._finish(child, op, deadline, gone)
        self._remember_slow(key)
        if self._demote(child, trial=trial):
            return self._finish(child, op, deadline, gone)
        # the slow lane is full: stop the query here (the fast lane stays free) and run it
        # again when the slow lane has room, before the same deadline
        self._forget(child)
        return self._run_slow(op, key, deadline, gone)

    def _run_slow(self, op: Operation, key: int, deadline: float, gone: Gone
                  ) -> ProtocolResponse:
        """Run ``op`` in the slow lane (waiting for a place); if it turns out quick, the next
        run of the same query starts in the fast lane again."""
        timeout = self.settings.limits.timeout_s
        try:
            child = self._acquire_slow(deadline, gone)
        except TimeoutError:
            raise _Failed(service_unavailable(
                f"the query ran longer than the {timeout:g} s limit and was stopped (it waited "
                "for one of the processes that run long queries)")) from None
        self._ready(child, deadline)
        started = time.monotonic()
        child.send(_job(op))
        answer = self._finish(child, op, deadline, gone)
        if time.monotonic() - started < DEMOTE_AFTER_S:
            with self._lock:
                self._slow_queries.pop(key, None)
            self._remember(self._fast_queries, key, KNOWN_FAST)
        return answer

    def _known_slow(self, key: int) -> bool:
        """True if the query of ``key`` was demoted the last time it ran (and there is a slow
        lane): it goes straight there instead of holding a fast-lane process for nothing."""
        if not self.slow_size:
            return False
        with self._lock:
            return key in self._slow_queries

    def _remember_slow(self, key: int) -> None:
        self._remember(self._slow_queries, key, KNOWN_SLOW)

    def _remember(self, known: OrderedDict[int, None], key: int, most: int) -> None:
        """Put ``key`` last in ``known``, which keeps the ``most`` latest."""
        with self._lock:
            known[key] = None
            known.move_to_end(key)
            while len(known) > most:
                known.popitem(last=False)

    def _ready(self, child: _Child, deadline: float) -> None:
        """Wait for ``child`` to have opened the store."""
        timeout = self.settings.limits.timeout_s
        try:
            child.wait_ready(deadline)
        except TimeoutError:
            self._release(child)  # still starting: ready for the next request
            raise _Failed(service_unavailable(
                f"no query process was ready within the {timeout:g} s limit; try again")
            ) from None
        except RuntimeError as exc:
            log.error("%s", exc)
            self._forget(child)
            raise _Failed(service_unavailable(str(exc))) from None

    def _receive(self, child: _Child, until: float, gone: Gone) -> bytes:
        """``child``'s next message, waiting until ``until`` (else `TimeoutError`); if the
        client leaves meanwhile, ``child`` is stopped and `_ClientGone` raised."""
        if gone is None:
            return child.receive(until)
        while True:
            try:
                return child.receive(min(until, time.monotonic() + GONE_CHECK_S))
            except TimeoutError:
                if gone():
                    self._forget(child)
                    raise _ClientGone from None
                if time.monotonic() >= until:
                    raise

    def _finish(self, child: _Child, op: Operation, deadline: float, gone: Gone
                ) -> ProtocolResponse:
        """Wait until ``deadline`` for the answer of ``child``, which runs ``op``."""
        try:
            first = self._receive(child, deadline, gone)
        except TimeoutError:
            self._timed_out(child)
        except (EOFError, OSError):
            self._died(child, op)
        return self._answer(child, first, op, deadline)

    def _answer(self, child: _Child, first: bytes, op: Operation, deadline: float
                ) -> ProtocolResponse:
        """The answer whose first message is ``first``; ``child`` is idle again after it."""
        try:
            status, headers, body = _read_answer(child, first, deadline)
        except TimeoutError:
            self._timed_out(child)
        except (EOFError, OSError):
            self._died(child, op)
        if child.grew_too_much():
            log.info("query process %s replaced: its memory grew by %d MB (more than %d MB)",
                     child.proc.pid, ((child.private_kb or 0) - (child.opened_kb or 0)) // 1024,
                     REPLACE_AFTER_GROWTH_MB)
            self._forget(child)  # its engine caches go back to the machine
        elif child.demoted and child in self._fast and not child.promote():
            self._forget(child)  # the next queries get a process at full priority
        else:
            self._release(child)
        return ProtocolResponse(status, headers, body, op.query)

    def _timed_out(self, child: _Child) -> NoReturn:
        timeout = self.settings.limits.timeout_s
        log.warning("query stopped after %g s (pid %s)", timeout, child.proc.pid)
        self._forget(child)
        raise _Failed(service_unavailable(
            f"the query ran longer than the {timeout:g} s limit and was stopped"))

    def _died(self, child: _Child, op: Operation) -> NoReturn:
        if self._closed:
            raise _Stopping  # killed by `close`
        child.proc.join(10)
        code, words = child.proc.exitcode, child.last_words()
        self._forget(child)
        raise _Failed(self._death(code, op, words))

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
        if code is not None and -code in _CRASHES:
            name = signal.Signals(-code).name
            log.warning("the query engine crashed (%s) on a query of %d bytes", name,
                        len(op.query))
            return unprocessable(
                f"the query engine (Oxigraph) crashed on this query ({name}), which is a fault "
                "of the engine, not of the query; running it again would crash it again, so it "
                "is not retried. Nothing else was affected; a simpler form of the query may "
                "avoid it")
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            log.warning("query process killed from outside by %s", name)
            return service_unavailable(f"the query process was stopped from outside ({name}) "
                                       "while it ran this query; try again")
        log.error("query process died (exit %s) on a query of %d bytes", code, len(op.query))
        return internal_error()


def _job(op: Operation) -> bytes:
    """The message that sends ``op`` to a query process: its fields as a JSON object (its
    fields are strings, lists of strings, a number and None: no deep copy needed, which
    `dataclasses.asdict` would make)."""
    return json.dumps(vars(op)).encode("utf-8")


_parse_accept = functools.lru_cache(maxsize=64)(parse_accept)  # a parse is immutable


def _read_answer(child: _Child, first: bytes, deadline: float
                 ) -> tuple[int, list[tuple[str, str]], bytes | Iterator[bytes]]:
    """Status, headers and body of the answer whose first message from ``child`` is ``first``
    (see `_send_answer`): the body as bytes if small, else as chunks read from a temporary
    file (the web worker never holds a big answer in memory)."""
    head, _, body = first.partition(b"\n")
    status, headers, more, child.private_kb = json.loads(head)
    if not more:
        return int(status), [(k, v) for k, v in headers], body
    parts = [body]
    held = len(body)
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
    headers = [(k, v) for k, v in headers]
    if spool is None:
        return int(status), headers, b"".join(parts)
    spool.seek(0)
    return int(status), headers, _read_chunks(spool)


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


class _ClientGone(Exception):
    """The client closed its connection while its query waited or ran."""


class _Stopping(Exception):
    """The pool was closed while a request waited for one of its processes."""


class _Failed(Exception):
    """A query that gets an error answer instead of its own (deadline, death, no process)."""

    def __init__(self, error: HttpError) -> None:
        super().__init__(error.message)
        self.error = error


def _key(op: Operation) -> int:
    """What identifies a query for the memory of slow ones: its text and dataset."""
    return hash((op.query, op.reconcile, tuple(op.default_graphs), tuple(op.named_graphs)))


def demoted_nice() -> int:
    """The nice value of a demoted query's process: `DEMOTED_NICENESS` above this process's."""
    return min(os.getpriority(os.PRIO_PROCESS, 0) + DEMOTED_NICENESS, 19)


def lanes(size: int, cores: int | None = None) -> tuple[int, int]:
    """``size`` query processes -> (fast lane, slow lane): the fast lane has one process per
    core (at least one, and one place left for the slow lane when there are two or more).

    >>> lanes(6, cores=2), lanes(2, cores=2), lanes(1, cores=2), lanes(64, cores=8)
    ((2, 4), (1, 1), (1, 0), (8, 56))
    """
    cores = cores or os.cpu_count() or 1
    fast = max(1, min(cores, size - 1))
    return fast, size - fast


def slow_places(slow_size: int, cores: int | None = None) -> int:
    """The slow lane's places (`SLOW_LANE_PER_CORE` per core, at most ``slow_size``): what the
    queries known to be slow queue for. The rest of the lane is for trials.

    >>> slow_places(22, cores=2), slow_places(1, cores=2), slow_places(0, cores=2)
    (2, 1, 0)
    """
    cores = cores or os.cpu_count() or 1
    return min(slow_size, SLOW_LANE_PER_CORE * cores)


def default_pool_size() -> int:
    """The query processes `tarihkg serve` starts at most: one per core in the fast lane,
    `SLOW_LANE_PER_CORE` per core as the slow lane's places, and `TRIALS_PER_CORE` per core
    for trials (a query demoted on its first run keeps running, niced, in a process of its
    own while the places are taken, so that it reaches its own end, cap or deadline instead of
    queueing behind long queries until its deadline has passed; the process is stopped when
    it has answered). More known-slow queries at once than cores would not end sooner (each
    wants a whole core), but each holds its process's memory, and on a big store a query
    process holds tens of MB of the engine's caches (RocksDB's, which pyoxigraph does not let
    us bound): so those queue for the places. The memory cap of each process is the machine's
    memory divided by this number (`memory_cap_mb`), so the caps together fit the machine."""
    cores = os.cpu_count() or 1
    return cores + (SLOW_LANE_PER_CORE + TRIALS_PER_CORE) * cores


def _reaper(pool_ref: weakref.ref[QueryPool], stop: threading.Event) -> None:
    while not stop.wait(1.0):
        pool = pool_ref()
        if pool is None:
            return
        pool._reap()
        del pool


def _stop_pool(children: set[_Child], reaper: threading.Event) -> None:
    reaper.set()
    _kill_all(children)


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
    if _LIBC.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
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


def _send_answer(conn: Connection, answer: ProtocolResponse, spool: IO[bytes],
                 private_kb: int | None = None) -> None:
    """The answer as one message when it fits in `CHUNK_BYTES` (the JSON head ``[status,
    headers, more, private_kb]``, a newline, the body), else that message with the body's first
    chunk, then the other chunks, then an empty message. The body is ``answer.body`` or, for a
    200 written to ``spool``, the file; ``private_kb``: this process's private memory after
    the query, if measured (`_private_kb`)."""
    if answer.status == 200 and isinstance(answer.body, bytes) and not answer.body:
        spool.seek(0)
        chunks = iter(lambda: spool.read(CHUNK_BYTES), b"")
    else:
        body = answer.body if isinstance(answer.body, bytes) else b"".join(answer.body)
        chunks = iter([body[i:i + CHUNK_BYTES] for i in range(0, len(body), CHUNK_BYTES)])
    first = next(chunks, b"")
    following = next(chunks, None)
    head = json.dumps([answer.status, answer.headers, following is not None, private_kb])
    conn.send_bytes(head.encode("utf-8") + b"\n" + first)
    if following is None:
        return
    conn.send_bytes(following)
    for chunk in chunks:
        conn.send_bytes(chunk)
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


def _private_kb() -> int | None:
    """This process's anonymous resident memory in kB (``RssAnon``: its heap, the engine's
    caches, and the fork server's pages it has written to), None if unknown. It grows as the
    engine caches blocks of the store (RocksDB's block caches: 32 MB for the indexes and up to
    128 MB for the strings in each process, which pyoxigraph does not let us bound), and is
    what `REPLACE_AFTER_GROWTH_MB` is compared with.

    >>> 0 < (_private_kb() or 1) < 1 << 30
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _give_back_memory() -> None:
    """Return the heap memory freed by the last query to the system (glibc's ``malloc_trim``).
    The engine's allocations go through glibc's malloc, which keeps freed memory for reuse:
    without this, every query process would hold the peak of the biggest query it ever ran,
    so the pool's memory would be the sum of its processes' peaks, not what runs now."""
    with contextlib.suppress(OSError, AttributeError):
        _LIBC.malloc_trim(0)


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
    gc.freeze()  # what the fork server loaded stays shared: the collector never writes to it
    few_malloc_arenas()  # before the engine starts its threads
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
    conn.send_bytes(json.dumps({"ready": True, "private_kb": _private_kb()}).encode("utf-8"))
    while True:
        try:
            op = Operation(**json.loads(conn.recv_bytes()))
        except EOFError:
            return
        began = time.monotonic()
        left = (op.deadline or began + settings.limits.timeout_s) - began
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
            private_kb = None
            if time.monotonic() - began > TRIM_AFTER_S:  # a quick query leaves little behind
                _give_back_memory()
                private_kb = _private_kb()
            _send_answer(conn, answer, spool, private_kb)
        signal.setitimer(signal.ITIMER_REAL, 0)
