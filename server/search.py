"""A search text + optional type filter -> ranked resources of the dataset (entities, sources,
cited works, archive records), matched on their labels and aliases the Turkish way by the
entity index's scorer (`server.index`). ``/search?q=`` answers HTML or JSON
(``Accept: application/json`` or ``format=json``). Beside the names, the words of ``q`` are
looked up in the full text of the sentences of both sources (each word as the start of a word,
so inflected forms match), shown as keyword in context with a link to the sentence in its text.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server.index import Entity, find_sentences, name_score, tokens
from server.iris import TKG, safe_href, sentence_anchor
from server.labels import Labeller
from server.lang import current_lang
from server.negotiation import bare
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
             "Vessel", "Work", "SourceDocument", "CitedWork", "ArchivalRecord"]
    labeller = Labeller(store(), lang)
    labeller.prefetch([TKG + n for n in names])
    return [(n, labeller.label(TKG + n) or n) for n in names]


def _wants_json() -> bool:
    fmt = request.args.get("format")
    if fmt:
        return fmt == "json"
    best = bare(request.accept_mimetypes).best_match(["text/html", "application/json"])
    return best == "application/json"


@dataclass(frozen=True)
class TextHit:
    """A sentence containing the words searched for: keyword in context, and where it is."""

    sentence: str
    href: str | None
    source: str
    segments: list[tuple[str, bool]]


#: Words of context kept on each side of the first and last match of a long sentence.
CONTEXT_WORDS = 18


def keyword_in_context(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The sentence cut into (text, matched) pieces, shortened to ``CONTEXT_WORDS`` words
    around the matches with an ellipsis where it was cut.

    >>> keyword_in_context("a b Bakü’yü c", [(4, 11)])
    [('a b ', False), ('Bakü’yü', True), (' c', False)]
    """
    first, last = spans[0][0], spans[-1][1]
    before = text[:first].split(" ")
    after = text[last:].split(" ")
    start = first - len(" ".join(before[-CONTEXT_WORDS:])) if len(before) > CONTEXT_WORDS else 0
    end = last + len(" ".join(after[:CONTEXT_WORDS])) if len(after) > CONTEXT_WORDS else len(text)
    pieces: list[tuple[str, bool]] = [("\u2026 ", False)] if start > 0 else []
    pos = start
    for a, b in spans:
        if a > pos:
            pieces.append((text[pos:a], False))
        pieces.append((text[a:b], True))
        pos = b
    pieces.append((text[pos:end], False))
    if end < len(text):
        pieces.append((" \u2026", False))
    return [p for p in pieces if p[0]]


def search_text(q: str, *, lang: str) -> list[TextHit]:
    """Every sentence of the sources with all the words of ``q`` (inflected forms too)."""
    found = find_sentences(current_state().get_sentence_index(), q)
    labeller = Labeller(store(), lang)
    labeller.prefetch({s.source for s, _ in found})
    return [TextHit(s.text, sentence_anchor(s.iri), labeller.label(s.source) or s.source,
                    keyword_in_context(s.text, spans)) for s, spans in found]


@bp.get("/search")
def search() -> Response | str:
    q = request.args.get("q", "").strip()[:200]
    types = [t for t in request.args.getlist("type") if t]
    lang = current_lang()
    hits = search_entities(q, lang=lang, types=types or None)
    texts = search_text(q, lang=lang) if q and not types else []
    if _wants_json():
        response = jsonify({"query": q, "types": types,
                            "results": [asdict(h) for h in hits],
                            "sentences": [{"text": t.sentence, "href": t.href,
                                           "source": t.source} for t in texts]})
        response.vary.add("Accept")
        return response
    return render_template("search.html", q=q, hits=hits, types=types, texts=texts,
                           type_choices=_type_choices(lang))
