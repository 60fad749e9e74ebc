"""The app -> what it holds between requests (`ServerState` in ``app.extensions["tarihkg"]``):
the opened store or why it is missing, limits, the query pool, the example queries, and what is
computed once per loaded build (summary, search and reconciliation indexes); `store()` is the
"store or 503" every page uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from server.errors import service_unavailable
from server.examples import Example
from server.index import EntityIndex, IndexedSentence, build_index, build_sentence_index
from server.iris import TKG, queries
from server.sparql import Limits
from tarihkg.store import Store

if TYPE_CHECKING:
    from server.executor import QueryPool

EXTENSION = "tarihkg"

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


@dataclass
class ServerState:
    """What the app holds between requests: the store (None if it could not be opened)."""

    store: Store | None
    load_error: str | None
    examples: list[Example]
    limits: Limits = field(default_factory=Limits)
    pool: QueryPool | None = None
    summary: Summary | None = field(default=None)
    index: EntityIndex | None = field(default=None)
    sentence_index: list[IndexedSentence] | None = field(default=None)

    def loaded_store(self) -> Store:
        """The store; 503 when the dataset could not be opened."""
        if self.store is None:
            raise service_unavailable(f"the dataset is not loaded: {self.load_error}")
        return self.store

    def get_summary(self) -> Summary:
        """The dataset summary, counted once per process (503 without a store)."""
        if self.summary is None:
            self.summary = summarize(self.loaded_store())
        return self.summary

    def get_index(self) -> EntityIndex:
        """The entity index search and reconciliation share, built on first use (503 without
        a store)."""
        if self.index is None:
            self.index = build_index(self.loaded_store())
        return self.index

    def get_sentence_index(self) -> list[IndexedSentence]:
        """The full-text index of the sentences, built on first use (503 without a store)."""
        if self.sentence_index is None:
            self.sentence_index = build_sentence_index(self.loaded_store())
        return self.sentence_index


def current_state() -> ServerState:
    """The state of the app handling this request."""
    state: ServerState = current_app.extensions[EXTENSION]
    return state


def store() -> Store:
    """The app's store; 503 when the dataset could not be opened."""
    return current_state().loaded_store()
