"""IRIs of the store + the page language -> their labels (the other language, then any, as
fallbacks) and `Link`s to show them by, fetched in batches."""

from __future__ import annotations

from dataclasses import dataclass

from server.iris import compact, iri_ref, queries, safe_href, values
from tarihkg.store import Store

#: IRIs per VALUES block of a batched lookup.
CHUNK = 250
QUERIES = queries("labels")


@dataclass(frozen=True)
class Link:
    """A node shown on a page: its text and (if it is safe to follow) where it leads."""

    text: str
    href: str | None
    iri: str


class Labeller:
    """Labels of IRIs in the page language (the other language, then any, as fallbacks)."""

    def __init__(self, st: Store, lang: str) -> None:
        self.store = st
        self.lang = lang
        self._labels: dict[str, dict[str, str]] = {}

    def prefetch(self, iris: set[str] | list[str]) -> None:
        todo = sorted({i for i in iris if i not in self._labels and is_iri(i)})
        for i in todo:
            self._labels[i] = {}
        for start in range(0, len(todo), CHUNK):
            batch = values("x", todo[start:start + CHUNK])
            rows = QUERIES.rows(self.store, "labels", {"values": batch})
            for row in rows:
                self._labels[row["x"]].setdefault(row.get("lang", ""), row["l"])

    def label(self, iri: str) -> str | None:
        if iri not in self._labels:
            self.prefetch([iri])
        found = self._labels.get(iri, {})
        other = "en" if self.lang == "tr" else "tr"
        return found.get(self.lang) or found.get(other) or found.get("") or (
            next(iter(found.values())) if found else None)

    def link(self, iri: str) -> Link:
        return Link(self.label(iri) or compact(iri), safe_href(iri), iri)


def is_iri(value: str) -> bool:
    try:
        iri_ref(value)
    except Exception:  # any refusal means "not an IRI we can query"
        return False
    return True


# ---------------------------------------------------------------- negotiation
