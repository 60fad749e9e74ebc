"""The app -> what it holds between requests (`ServerState` in ``app.extensions["tarihkg"]``):
the served `Build` (its store or why it is missing, its query pool, what is computed once from
it: summary, entity index), swapped whole when a new build appears (CONTRACTS.md 6), limits and
the example queries; `store()` is the "store or 503" every page uses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flask import current_app, g, has_request_context

from server.errors import service_unavailable
from server.examples import Example
from server.index import EntityIndex, IndexedSentence, build_index, build_sentence_index
from server.iris import TKG, queries
from server.sparql import Limits, Operation, ProtocolResponse
from tarihkg.store import Store

EXTENSION = "tarihkg"
CHECK_EVERY_S = 1.0  # how often requests look for a new build
log = logging.getLogger(__name__)

QUERIES = queries("state")


@dataclass(frozen=True)
class Summary:
    """How big the dataset is."""

    triples: int
    graphs: list[str]
    classes: list[tuple[str, int]]


def summarize(store: Store) -> Summary:
    """Triples, named graphs and entities per ``tkg:`` class, counted by SPARQL."""
    rows = QUERIES.rows(store, "class-counts")
    classes = [(row["class"].removeprefix(TKG), int(row["n"])) for row in rows]
    return Summary(triples=store.triple_count(), graphs=store.graphs(), classes=classes)


class QueryPool(Protocol):
    """What the state needs of `server.executor.QueryPool` (named here, not imported: the
    executor's query processes import the pages that import this module)."""

    def run(self, op: Operation, *, gone: Callable[[], bool] | None = None
            ) -> ProtocolResponse:
        """Run ``op`` under the limits (stopped if ``gone()``: the client left)."""

    def start(self) -> None:
        """Start the first processes."""

    def close(self) -> None:
        """Stop every process."""


class Build:
    """One loaded build: its store (None if it could not be opened, with why), the query
    processes that read it, and what is computed from it once. Requests hold it (`hold` /
    `release`) so that it is closed only after its last reader, once it is `retire`d."""

    def __init__(self, location: str, store: Store | None, load_error: str | None,
                 pool: QueryPool | None) -> None:
        self.location = location
        self.store = store
        self.load_error = load_error
        self.pool = pool
        self.summary: Summary | None = None
        self.index: EntityIndex | None = None
        self.sentence_index: list[IndexedSentence] | None = None
        self._readers = 0
        self._retired = False
        self._lock = threading.Lock()

    def hold(self) -> Build:
        """One more request reads this build."""
        with self._lock:
            self._readers += 1
        return self

    def release(self) -> None:
        """A request is done with this build; the last one out of a retired build closes it."""
        with self._lock:
            self._readers -= 1
            close = self._retired and self._readers == 0
        if close:
            self._close()

    def retire(self) -> None:
        """A newer build is served: close this one when its last reader is done."""
        with self._lock:
            self._retired = True
            close = self._readers == 0
        if close:
            self._close()

    def _close(self) -> None:
        log.info("closing the build at %s", self.location)
        if self.pool is not None:
            self.pool.close()


@dataclass
class ServerState:
    """What the app holds between requests: the served `Build` (swapped whole when a new build
    appears behind ``watch``, the dataset directory), the limits and the example queries. The
    store, pool, summary and index read through it are those of the build the current request
    started with, so every answer comes from one build."""

    current: Build
    examples: list[Example]
    limits: Limits = field(default_factory=Limits)
    watch: Path | None = None  # the dataset directory (a link swapped by each build)
    opener: Callable[[str], Build] | None = None  # opens a build directory
    _checked: float = 0.0
    _swap_lock: threading.Lock = field(default_factory=threading.Lock)

    def build(self) -> Build:
        """The build of the current request (outside a request: the one served now)."""
        if has_request_context():
            pinned: Build | None = g.get("tarihkg_build")
            if pinned is not None:
                return pinned
        return self.current

    def begin_request(self) -> None:
        """Take up a new build if there is one (looked for at most every `CHECK_EVERY_S`),
        then pin the served build to this request."""
        self.refresh()
        g.tarihkg_build = self.current.hold()

    def end_request(self) -> None:
        """Release the build this request was pinned to."""
        pinned: Build | None = g.pop("tarihkg_build", None)
        if pinned is not None:
            pinned.release()

    def refresh(self, *, now: float | None = None) -> bool:
        """Swap in the build ``watch`` points to if it changed; True if it did."""
        now = time.monotonic() if now is None else now
        if self.watch is None or self.opener is None or now - self._checked < CHECK_EVERY_S:
            return False
        with self._swap_lock:
            self._checked = now
            target = str(self.watch.resolve())
            if target == self.current.location:
                return False
            fresh = self.opener(target)
            if fresh.store is None:
                log.error("not taking up the build at %s: %s", target, fresh.load_error)
                return False
            old, self.current = self.current, fresh
        log.info("now serving the build at %s (was %s)", target, old.location)
        old.retire()
        return True

    @property
    def store(self) -> Store | None:
        """The store of this request's build (None if it could not be opened)."""
        return self.build().store

    @property
    def load_error(self) -> str | None:
        """Why this request's build could not be opened."""
        return self.build().load_error

    @property
    def pool(self) -> QueryPool | None:
        """The query processes of this request's build."""
        return self.build().pool

    def loaded_store(self) -> Store:
        """The store; 503 when the dataset could not be opened."""
        build = self.build()
        if build.store is None:
            raise service_unavailable(f"the dataset is not loaded: {build.load_error}")
        return build.store

    def get_summary(self) -> Summary:
        """The dataset summary, counted once per build (503 without a store)."""
        build = self.build()
        if build.summary is None:
            build.summary = summarize(self.loaded_store())
        return build.summary

    def get_index(self) -> EntityIndex:
        """The entity index search and reconciliation share, built once per build on first
        use (503 without a store)."""
        build = self.build()
        if build.index is None:
            build.index = build_index(self.loaded_store())
        return build.index

    def get_sentence_index(self) -> list[IndexedSentence]:
        """The full-text index of the sentences, built once per build on first use (503
        without a store)."""
        build = self.build()
        if build.sentence_index is None:
            build.sentence_index = build_sentence_index(self.loaded_store())
        return build.sentence_index


def current_state() -> ServerState:
    """The state of the app handling this request."""
    state: ServerState = current_app.extensions[EXTENSION]
    return state


def store() -> Store:
    """The app's store; 503 when the dataset could not be opened."""
    return current_state().loaded_store()
