"""A search text + optional type filter -> ranked resources of the dataset (entities, sources,
cited works, archive records), matched on their labels and aliases the Turkish way by the
entity index's scorer (`server.index`). ``/search?q=`` answers HTML or JSON
(``Accept: application/json`` or ``format=json``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server.index import Entity, name_score, tokens
from server.iris import TKG, safe_href
from server.labels import Labeller
from server.lang import current_lang
from server.state import current_state, store

log = logging.getLogger(__name__)

bp = Blueprint("search", __name__)

MAX_RESULTS = 50


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    href: str | None
    label: str
    matched: str
    type: str | None
    type_label: str | None
    score: float


def search_entities(q: str, *, lang: str, types: list[str] | None = None,
                    limit: int = MAX_RESULTS) -> list[Hit]:
    """The best matches for ``q`` (optionally only of the given ``tkg:`` class names)."""
    query = tokens(q)
    if not query:
        return []
    scored: list[tuple[float, str, Entity, str]] = []
    for e in current_state().get_index().entities:
        if types and not e.types.intersection(types):
            continue
        best, matched = 0.0, ""
        for name, preferred, name_tokens in e.names:
            s = name_score(query, name_tokens) + (2.0 if preferred else 0.0)
            if s > best:
                best, matched = s, name
        if best > 2.0:
            label = e.labels.get(lang) or e.labels.get("tr") or next(iter(e.labels.values()),
                                                                     matched)
            scored.append((best, label, e, matched))
    scored.sort(key=lambda x: (-x[0], len(x[1]), x[1]))
    labeller = Labeller(store(), lang)
    hits = []
    for score, label, e, matched in scored[:limit]:
        type_label = labeller.label(e.shown_type) if e.shown_type else None
        hits.append(Hit(e.iri, safe_href(e.iri), label, matched,
                        e.shown_type.removeprefix(TKG) if e.shown_type else None,
                        type_label, round(score, 1)))
    return hits


def _type_choices(lang: str) -> list[tuple[str, str]]:
    names = ["Person", "MilitaryUnit", "Place", "Event", "Treaty", "Polity", "Organization",
             "SourceDocument", "CitedWork", "ArchivalRecord"]
    labeller = Labeller(store(), lang)
    labeller.prefetch([TKG + n for n in names])
    return [(n, labeller.label(TKG + n) or n) for n in names]


def _wants_json() -> bool:
    fmt = request.args.get("format")
    if fmt:
        return fmt == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get("/search")
def search() -> Response | str:
    q = request.args.get("q", "").strip()[:200]
    types = [t for t in request.args.getlist("type") if t]
    lang = current_lang()
    hits = search_entities(q, lang=lang, types=types or None)
    if _wants_json():
        response = jsonify({"query": q, "types": types,
                            "results": [asdict(h) for h in hits]})
        response.vary.add("Accept")
        return response
    return render_template("search.html", q=q, hits=hits, types=types,
                           type_choices=_type_choices(lang))
