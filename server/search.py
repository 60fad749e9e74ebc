"""A search text + optional type filter -> ranked resources of the dataset (entities, sources,
cited works, archive records), matched on their labels and aliases the Turkish way.

Matching folds case with Turkish rules (``I/ı``, ``İ/i``), drops diacritics and apostrophes
(`tarihkg.text.turkish.search_key`) and accepts a Turkish case suffix after a name, with or
without its apostrophe: ``bakuyu``, ``Bakü’nün`` and ``BAKÜ`` all find Bakü. ``/search?q=``
answers HTML or JSON (``Accept: application/json`` or ``format=json``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from server.index import Entry
from server.iris import TKG, safe_href
from server.labels import Labeller
from server.lang import current_lang
from server.state import current_state, store
from tarihkg.text.turkish import APOSTROPHES, search_key, split_suffix

log = logging.getLogger(__name__)

bp = Blueprint("search", __name__)

MAX_RESULTS = 50
#: Turkish case and number endings after a name (diacritics already folded): -(y)ı, -(n)ın,
#: -(y)a, -da/-ta, -dan/-tan, -nda, -la, -sı, -ler/-lar and their combinations.
_SUFFIX_RE = re.compile(
    r"(?:l[ae]r)?(?:y?[iu]|n?[iu]n|y?[ae]|n?[dt][ae]n?|y?l[ae]|s[iu]n?|n[ae]|[dt][ae]ki|ki)?"
)
_TOKEN_RE = re.compile(r"[^\W_]+")


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


def tokens(text: str) -> list[str]:
    """Search tokens of ``text``: Turkish-folded words, an apostrophised suffix cut off.

    >>> tokens("Bakü’nün İŞGALİ"), tokens("NURI PAŞA"), tokens("Kafkas İslam Ordusu'nun")
    (['baku', 'isgali'], ['nuri', 'pasa'], ['kafkas', 'islam', 'ordusu'])
    """
    out = []
    for word in text.split():
        if any(a in word for a in APOSTROPHES):
            word = split_suffix(word.strip(".,;:!?()[]\"«»"))[0]
        out.extend(_TOKEN_RE.findall(search_key(word)))
    return out


def token_score(query: str, word: str) -> float:
    """How well a query token matches a label token: equal, the word plus a case suffix,
    or the beginning of the word.

    >>> token_score("baku", "baku"), token_score("bakuyu", "baku"), token_score("bakunun", "baku")
    (1.0, 0.9, 0.9)
    >>> token_score("bak", "baku"), token_score("vanadzor", "van")
    (0.7, 0.0)
    """
    if query == word:
        return 1.0
    if len(word) >= 3 and query.startswith(word) and _SUFFIX_RE.fullmatch(query[len(word):]):
        return 0.9
    if len(query) >= 2 and word.startswith(query):
        return 0.7
    return 0.0


def name_score(query: list[str], name: list[str]) -> float:
    """Score of one label or alias for the query tokens (0: no match). Every query token must
    match a different word of the name; whole-name matches rank first.

    >>> name_score(["baku"], ["baku"]) > name_score(["baku"], ["baku", "cephesi"]) > 0
    True
    >>> name_score(["nuri", "pasa"], ["enver", "pasa"])
    0.0
    """
    if not query or not name:
        return 0.0
    used: set[int] = set()
    total = 0.0
    for q in query:
        best, best_i = 0.0, -1
        for i, w in enumerate(name):
            if i not in used and (s := token_score(q, w)) > best:
                best, best_i = s, i
        if best == 0.0:
            return 0.0
        used.add(best_i)
        total += best
    score = 100.0 * total / len(query)
    if len(used) == len(name):
        score += 20.0
    return score - 0.5 * (len(name) - len(used))


def search_entities(q: str, *, lang: str, types: list[str] | None = None,
                    limit: int = MAX_RESULTS) -> list[Hit]:
    """The best matches for ``q`` (optionally only of the given ``tkg:`` class names)."""
    query = tokens(q)
    if not query:
        return []
    scored: list[tuple[float, str, Entry, str]] = []
    for e in current_state().get_search_index():
        if types and not e.types.intersection(types):
            continue
        best, matched = 0.0, ""
        for name, preferred in e.names:
            s = name_score(query, tokens(name)) + (2.0 if preferred else 0.0)
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
