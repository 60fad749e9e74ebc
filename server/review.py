"""The store's ``graph/candidates`` -> ``/review``: every rule-made candidate, marked unreviewed,
with its rule, its sentence (trigger words highlighted) and a link to that sentence.

Candidates are never facts (CONTRACTS 1): they are read here with ``GRAPH`` from their own named
graph, which the default graph leaves out; a reviewer promotes one only by adding it to the
curation files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Blueprint, render_template

from server.iris import CANDIDATES_GRAPH, compact, iri_ref, queries, safe_href
from server.labels import Labeller, Link, is_iri
from server.lang import current_lang, format_edtf
from server.state import store

bp = Blueprint("review", __name__)

QUERIES = queries("review")


@dataclass
class ReviewItem:
    """One candidate claim as the review page shows it."""

    iri: str
    rule: str
    subject: Link
    property: str
    value: Link | str
    date: str | None
    sentence: list[tuple[str, bool]]
    sentence_href: str | None
    source: Link
    triggers: list[str] = field(default_factory=list)


def highlight(text: str, triggers: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is a trigger) parts, the longest trigger words first.

    >>> highlight("Batum Antlaşması Batum’da imzalandı", ["Batum’da", "imzalandı"])
    [('Batum Antlaşması ', False), ('Batum’da', True), (' ', False), ('imzalandı', True)]
    >>> highlight("yok", ["var"])
    [('yok', False)]
    """
    marked = [False] * len(text)
    for words in sorted({" ".join(t.split()) for t in triggers if t.strip()}, key=len, reverse=True):
        at = text.find(words)
        while at != -1:
            if not any(marked[at:at + len(words)]):
                marked[at:at + len(words)] = [True] * len(words)
                break
            at = text.find(words, at + 1)
    parts: list[tuple[str, bool]] = []
    for ch, flag in zip(text, marked, strict=True):
        if parts and parts[-1][1] == flag:
            parts[-1] = (parts[-1][0] + ch, flag)
        else:
            parts.append((ch, flag))
    return parts


def review_items(lang: str) -> list[ReviewItem]:
    """Every candidate claim of ``graph/candidates``, by source and sentence."""
    st = store()
    rows = QUERIES.rows(st, "candidates", {"candidates": iri_ref(CANDIDATES_GRAPH)})
    labeller = Labeller(st, lang)
    labeller.prefetch({r[k] for r in rows for k in ("s", "o", "doc") if k in r and is_iri(r[k])})
    items: dict[str, ReviewItem] = {}
    order: dict[str, tuple[str, int]] = {}
    for r in rows:
        item = items.get(r["c"])
        if item is None:
            obj = r.get("o")
            value: Link | str
            if "oedtf" in r:  # a date proposed for an event: show it written out
                value = format_edtf(r["oedtf"], lang)
            else:
                value = labeller.link(obj) if obj is not None else r.get("v", "")
            item = items[r["c"]] = ReviewItem(
                iri=r["c"], rule=r["rule"], subject=labeller.link(r["s"]),
                property=compact(r["p"]), value=value,
                date=format_edtf(r["edtf"], lang) if "edtf" in r else None,
                sentence=[], sentence_href=safe_href(r["sentence"]),
                source=labeller.link(r["doc"]),
            )
            order[r["c"]] = (r["doc"], int(r.get("start", 0)))
        if "trigger" in r and r["trigger"] not in item.triggers:
            item.triggers.append(r["trigger"])
        item.sentence = [(r["quote"], False)]
    for item in items.values():
        item.sentence = highlight(item.sentence[0][0], item.triggers)
    return sorted(items.values(), key=lambda i: (order[i.iri], i.rule, i.iri))


@dataclass
class WikidataCandidate:
    """One proposed Wikidata link as the review page shows it: never an identity link."""

    subject: Link
    qid: str
    label_seen: str
    description_seen: str
    source: str
    score: str | None
    note: str | None


def wikidata_candidates(lang: str) -> list[WikidataCandidate]:
    """Every Wikidata link of ``graph/candidates`` (status candidate), by entity and QID."""
    st = store()
    rows = QUERIES.rows(st, "wikidata-candidates", {"candidates": iri_ref(CANDIDATES_GRAPH)})
    labeller = Labeller(st, lang)
    labeller.prefetch({r["s"] for r in rows})
    return [WikidataCandidate(
        subject=labeller.link(r["s"]), qid=r["q"].rsplit("/", 1)[-1],
        label_seen=r.get("label", ""), description_seen=r.get("desc", ""),
        source=r.get("src", ""), score=r.get("score"), note=r.get("note")) for r in rows]


@bp.get("/review")
def review() -> str:
    """The review view: candidates, clearly marked as not reviewed."""
    lang = current_lang()
    items = review_items(lang)
    rules = sorted({i.rule for i in items})
    return render_template("review.html", items=items, rules=rules, graph=CANDIDATES_GRAPH,
                           wikidata=wikidata_candidates(lang))
