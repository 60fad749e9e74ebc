"""IRIs of the store + the page language -> their labels (the other language, then any, as
fallbacks) and `Link`s to show them by, fetched in batches. A node without ``rdfs:label`` is
named by what it is: a treaty article by its number and requirement, a date by its day, a
signature by its signatory, side and office, coordinates by their numbers, a claim by its
subject, property and value, a sentence by its opening words, a quantity by its amount, unit and
kind, any other node of a structured value (a strength, casualties, materiel, a sum, votes) by its
parts ("soldiers: 300; guns: 8"): never by its IRI."""

from __future__ import annotations

from dataclasses import dataclass

from server.iris import compact, iri_ref, queries, safe_href, values
from server.lang import format_edtf
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

    def prefetch(self, iris: set[str] | list[str], *, depth: int = 0) -> None:
        todo = sorted({i for i in iris if i not in self._labels and is_iri(i)})
        for i in todo:
            self._labels[i] = {}
        for start in range(0, len(todo), CHUNK):
            batch = values("x", todo[start:start + CHUNK])
            rows = QUERIES.rows(self.store, "labels", {"values": batch})
            for row in rows:
                self._labels[row["x"]].setdefault(row.get("lang", ""), row["l"])
        unnamed = [i for i in todo if not self._labels[i]]
        if unnamed and depth < 2:
            self._describe(unnamed, depth)

    def _describe(self, iris: list[str], depth: int) -> None:
        """Labels for nodes without ``rdfs:label``, made from what they are."""
        rows: list[dict[str, str]] = []
        for start in range(0, len(iris), CHUNK):
            batch = values("x", iris[start:start + CHUNK])
            rows += QUERIES.rows(self.store, "describe", {"values": batch})
        self.prefetch({r[k] for r in rows for k in ("sig", "side", "cs", "cp", "co", "dk")
                       if k in r},
                      depth=depth + 1)
        tr = self.lang == "tr"
        for r in rows:
            text = self._words(r, tr)
            if text and not self._labels[r["x"]]:
                self._labels[r["x"]][self.lang] = text
        self._parts([i for i in iris if not self._labels[i]], depth)

    def _parts(self, iris: list[str], depth: int) -> None:
        """Nodes nothing else names, by their literal parts and the labels of their properties."""
        rows: list[dict[str, str]] = []
        for start in range(0, len(iris), CHUNK):
            rows += QUERIES.rows(self.store, "parts", {"values": values("x", iris[start:start + CHUNK])})
        if depth < 2:
            self.prefetch({r["p"] for r in rows}, depth=depth + 1)
        parts: dict[str, list[str]] = {}
        for r in rows:
            name = self.label(r["p"]) if depth < 2 else None
            parts.setdefault(r["x"], []).append(f"{name or compact(r['p'])}: {r['v']}")
        for iri, words in parts.items():
            self._labels[iri][self.lang] = "; ".join(words)

    def _words(self, r: dict[str, str], tr: bool) -> str | None:
        if "conflict" in r:
            what = self.label(r["dk"]) if "dk" in r else None
            return ("Çelişki" if tr else "Conflict") + (f" ({what})" if what else "")
        if "art" in r:
            return _article_words(r, tr)
        if "qa" in r:
            return _quantity_words(r)
        if "edtf" in r:
            return format_edtf(r["edtf"], self.lang)
        if "lat" in r:
            return f"{float(r['lat']):.4f}° N, {float(r['lon']):.4f}° E"
        if "sig" in r:
            who = self.label(r["sig"]) or ""
            extra = [x for x in (self.label(r["side"]) if "side" in r else None,
                                 r.get("office")) if x]
            return who + (f" ({', '.join(extra)})" if extra else "")
        if "cs" in r:
            value = self.label(r["co"]) if "co" in r else r.get("cv", "")
            return f"{self.label(r['cs'])} \u2014 {self.label(r['cp'])}: {value}"
        if "text" in r:
            words = r["text"].split()
            return "\u201c" + " ".join(words[:12]) + (" \u2026\u201d" if len(words) > 12 else "\u201d")
        return None

    def label(self, iri: str) -> str | None:
        if iri not in self._labels:
            self.prefetch([iri])
        found = self._labels.get(iri, {})
        other = "en" if self.lang == "tr" else "tr"
        return found.get(self.lang) or found.get(other) or found.get("") or (
            next(iter(found.values())) if found else None)

    def link(self, iri: str) -> Link:
        return Link(self.label(iri) or compact(iri), safe_href(iri), iri)


def _article_words(r: dict[str, str], tr: bool) -> str:
    """A treaty article by its number and what it requires."""
    if "n" in r:
        head = f"{r['n']}. madde" if tr else f"Article {r['n']}"
    else:
        head = "Madde (numarası verilmemiş)" if tr else "Article (number not given)"
    return f"{head}: {r['req']}" if "req" in r else head


def _quantity_words(r: dict[str, str]) -> str:
    """A quantity by its amount, unit and kind.

    >>> _quantity_words({"qa": "3.0", "qu": "ay", "qk": "süre"})
    '3 ay (süre)'
    """
    amount = r["qa"][:-2] if r["qa"].endswith(".0") else r["qa"]
    words = " ".join(x for x in (amount, r.get("qu")) if x)
    return f"{words} ({r['qk']})" if "qk" in r else words


def is_iri(value: str) -> bool:
    try:
        iri_ref(value)
    except Exception:  # any refusal means "not an IRI we can query"
        return False
    return True


# ---------------------------------------------------------------- negotiation
