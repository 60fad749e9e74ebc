"""Reconciliation requests (W3C Entity Reconciliation API 0.2, as OpenRefine sends them) -> JSON
candidates from the curated persons, units, treaties, events, places, polities and organizations.

Routes of the ``reconcile`` blueprint: ``/reconcile`` (GET: the service manifest, or a ``query``/
``queries`` parameter; POST: the ``queries`` form field OpenRefine sends, or a JSON body),
``/reconcile/preview?id=`` (a small escaped HTML card),
``/reconcile/suggest/{entity,type,property}?prefix=`` and a ``callback`` parameter for JSONP.
Entity ids are resource paths (``person/nuri-pasa``) so the manifest's ``view`` template leads
to the entity's page at ``/resource/{id}``. Matching is
Turkish-aware (``search_key``: İ/ı, ş, ğ, ü, ö, ç, â all fold) and scored 0-100; ``match`` is true
only for an exact name with no close rival, or for the entity carrying an identifier the query
gives (a Wikidata QID, a registry id); a name scoring under `PLAUSIBLE` is no candidate.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Blueprint, Response, g, request
from markupsafe import escape

from server.errors import HttpError, bad_request, not_found, render_error
from server.index import TYPES, Entity, string_score
from server.iris import TKG
from server.negotiation import parse_accept
from server.sparql import Operation, ProtocolResponse
from server.state import current_state
from tarihkg.names import DATASET, RESOURCE_NS
from tarihkg.store import Store
from tarihkg.text.turkish import search_key

log = logging.getLogger(__name__)

bp = Blueprint("reconcile", __name__)


@bp.after_app_request
def _cors(response: Response) -> Response:
    """Every answer under /reconcile (manifest, batches, preview, suggest, errors, a 405 and the
    ``OPTIONS`` preflight) may be read cross-origin: the 0.2 API makes CORS mandatory on all
    endpoints of a service, in a uniform way."""
    if not request.path.startswith("/reconcile"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response

#: Properties a query may constrain on: (id, name).
PROPERTIES: tuple[tuple[str, str], ...] = (
    ("wikidata", "Wikidata item (QID, confirmed links only)"),
    ("echelon", "echelon of a military unit (army, corps, division, ...)"),
    ("placeKind", "kind of place (city, region, river, ...)"),
    ("year", "year of an event or treaty"),
    ("registryId", "tarihkg registry id (slug)"),
)
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
MAX_QUERIES = 500
SINGLE = "q0"  # the name a lone ``query`` gets inside the batch that answers it
MATCH_SCORE = 95.0
#: A name scoring less than this is no plausible match of the query: it is not returned.
PLAUSIBLE = 60.0
#: Properties that identify one entity: a query giving one finds the entity that carries it.
IDENTIFIERS = ("wikidata", "registryId")
#: The query's ``type_strict`` values (the 0.2 schema's enum); see `type_fits`.
TYPE_STRICT = ("any", "all", "should")
_QID = re.compile(r"(Q[1-9][0-9]*)$")


def name_score(text: str, cand: Entity) -> float:
    """0-100 for the query text against the candidate's names: `string_score`, and for a query
    that starts a name, 80 plus up to 15 for how much of the name it covers (so ``nuri`` ranks
    "Nuri Paşa" above "Nuri Paşa'nın Azerbaycan'a gönderilmesi")."""
    keys = cand.keys()
    score = string_score(text, keys)
    q = search_key(text)
    starts = [len(k) for k in keys if q and k.startswith(q) and k != q]
    if starts and score < 100:
        score = max(score, round(80 + 15 * len(q) / min(starts), 1))
    return score


def _identifier(pid: str, value: str) -> str:
    """A QID given as ``Q9248``, ``wd:Q9248`` or an entity IRI -> ``Q9248``; other ids folded."""
    if pid == "wikidata":
        m = _QID.search(value.strip())
        return m.group(1) if m else value.strip()
    return search_key(value)

def _prop_values(raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    out = []
    for v in values:
        if isinstance(v, dict):
            v = v.get("id", v.get("name", ""))
        out.append(str(v))
    return [v for v in out if v]


def _type_ids(raw: Any) -> list[str]:
    """The query's ``type``: one type id or a list of them (the 0.2 schema allows both), each a
    string or a ``{"id": …}`` object, with or without the schema space in front."""
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("id")
        if item:
            out.append(str(item).removeprefix(TKG))
    return out


def _parsed_query(query: Any) -> tuple[str, frozenset[str], str, int, list[dict[str, Any]]]:
    """Validate one query object -> (text, wanted types, type_strict, limit, property
    constraints); anything malformed is a 400 naming the field."""
    if isinstance(query, str):
        query = {"query": query}
    if not isinstance(query, dict) or not isinstance(query.get("query", ""), str):
        raise bad_request("each query must be an object with a 'query' string")
    text = query.get("query", "")
    wanted = _type_ids(query.get("type"))
    for name in wanted:
        if name not in dict(TYPES):
            known = ", ".join(t for t, _ in TYPES)
            raise bad_request(f"unknown type {name!r}; the types are {known}")
    strict = query.get("type_strict") or "any"
    if strict not in TYPE_STRICT:
        raise bad_request(f"'type_strict' must be one of {', '.join(TYPE_STRICT)}, not {strict!r}")
    try:
        limit = min(max(int(query.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except (TypeError, ValueError, OverflowError):
        raise bad_request("'limit' must be a number") from None
    props = query.get("properties") or []
    if not isinstance(props, list):
        raise bad_request("'properties' must be a list of {pid, v}")
    for prop in props:
        if not isinstance(prop, dict) or "pid" not in prop:
            raise bad_request("each property constraint needs 'pid' and 'v'")
        if str(prop["pid"]) not in dict(PROPERTIES):
            raise bad_request(f"unknown property {str(prop['pid'])!r}")
    return text, frozenset(wanted), strict, limit, props


def type_fits(types: set[str], wanted: frozenset[str], strict: str) -> bool:
    """Whether a candidate of ``types`` may be returned for a query wanting ``wanted``:
    ``any`` (the default, as in the Freebase API the parameter comes from) keeps a candidate
    with at least one of them, ``all`` one with every one, ``should`` keeps every candidate
    (the types then only move the score, `_candidate_score`).

    >>> type_fits({"Place"}, frozenset({"MilitaryUnit"}), "any")
    False
    >>> type_fits({"Place"}, frozenset({"MilitaryUnit", "Place"}), "any")
    True
    >>> type_fits({"Place"}, frozenset({"MilitaryUnit", "Place"}), "all")
    False
    >>> type_fits({"Place"}, frozenset({"MilitaryUnit"}), "should")
    True
    """
    if not wanted or strict == "should":
        return True
    return wanted <= types if strict == "all" else bool(wanted & types)


def _property_score(cand: Entity, props: list[dict[str, Any]]) -> tuple[float, bool]:
    """What the property constraints add to a candidate's score (+10 a matching value, -20 a
    given value it lacks), and whether it carries an identifier the query gives."""
    score = 0.0
    identified = False
    for prop in props:
        pid = str(prop["pid"])
        if pid in IDENTIFIERS:
            have = {_identifier(pid, v) for v in cand.props.get(pid, ())}
            given = {_identifier(pid, v) for v in _prop_values(prop.get("v"))}
            identified = identified or bool(have & given)
            score += -20 if given and not have & given else 0
            continue
        have = {search_key(v) for v in cand.props.get(pid, ())}
        given = {search_key(v) for v in _prop_values(prop.get("v"))}
        score += 10 if have & given else (-20 if given else 0)
    return score, identified


def _candidate_score(cand: Entity, text: str, wanted: frozenset[str],
                     props: list[dict[str, Any]]) -> float:
    """The unclamped score of one candidate: its name against the text (0 below PLAUSIBLE),
    the property constraints, 100 when identified, -30 for none of the wanted types (which only
    a ``type_strict: should`` query lets through)."""
    score = name_score(text, cand) if text else 0.0
    if text and score < PLAUSIBLE:
        score = 0.0
    extra, identified = _property_score(cand, props)
    score += extra
    if identified:
        score = 100.0  # the entity that carries the identifier the query gives
    if wanted and not wanted & cand.reconcile_types:
        score -= 30
    return score


def reconcile_one(query: Any, index: dict[str, Entity]) -> dict[str, Any]:
    """Answer one query object: ``{"result": [candidates best first]}``."""
    text, wanted, strict, limit, props = _parsed_query(query)
    scored = []
    for cand in index.values():
        if not type_fits(cand.reconcile_types, wanted, strict):
            continue
        score = _candidate_score(cand, text, wanted, props)
        if score > 0 and (text or props):
            scored.append((max(0.0, min(100.0, score)), cand))
    scored.sort(key=lambda sc: (-sc[0], sc[1].id))
    top = scored[:limit]
    result = []
    rival = scored[1][0] if len(scored) > 1 else 0.0
    for rank, (score, cand) in enumerate(top):
        match = rank == 0 and score >= MATCH_SCORE and rival < score - 10
        result.append({
            "id": cand.id, "name": cand.name, "score": round(score, 1), "match": match,
            "description": cand.description or cand.name_en,
            "type": [{"id": t, "name": dict(TYPES)[t]} for t in sorted(cand.reconcile_types)],
        })
    return {"result": result}


def _json(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback:
        if not callback.replace("_", "").replace(".", "").isalnum():
            raise bad_request("the JSONP callback must be a plain name")
        return Response(f"{callback}({body});", mimetype="application/javascript")
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def manifest() -> dict[str, Any]:
    """The service manifest OpenRefine reads when the service is added."""
    root = request.host_url.rstrip("/")
    service = root + "/reconcile"
    return {
        "versions": ["0.2"],
        "name": DATASET.title["en"],
        "identifierSpace": RESOURCE_NS,
        "schemaSpace": TKG,
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES],
        "view": {"url": root + "/resource/{{id}}"},
        "preview": {"url": service + "/preview?id={{id}}", "width": 400, "height": 120},
        "suggest": {
            "entity": {"service_url": service, "service_path": "/suggest/entity"},
            "type": {"service_url": service, "service_path": "/suggest/type"},
            "property": {"service_url": service, "service_path": "/suggest/property"},
        },
        "documentation": root + "/resource/",
    }


def _json_value(text: str | bytes, what: str) -> Any:
    """``text`` parsed as JSON, or a 400 naming ``what`` (also for nesting too deep for the
    parser, which raises RecursionError: it was a 500)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise bad_request(f"{what} is not valid JSON (or nests too deep)") from None


def _queries_from_request() -> Any:
    raw = request.values.get("queries")
    if raw is None and request.is_json and request.get_data().strip():
        body = _json_value(request.get_data(), "the JSON body")
        if not isinstance(body, dict):
            raise bad_request("the JSON body must be an object: {\"queries\": {...}} or the "
                              "batch itself")
        raw = body.get("queries", body)
        if isinstance(raw, dict):
            return raw
    if raw is None:
        return None
    return _json_value(raw, "'queries'") if isinstance(raw, str) else raw


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    """Answer a batch (or one query) under the endpoint's deadline and memory cap: in a query
    process when the app has them (`run_batch` there), so a huge batch is stopped at the deadline
    like a query, not left running in the web process, and stopped as soon as its client
    leaves."""
    if "extend" in request.values:
        raise bad_request("data extension ('extend') is not offered by this service: its "
                          "manifest has no 'extend'; query /sparql for the entities' data")
    queries = _queries_from_request()
    single = request.values.get("query")
    if queries is None and single is None:
        return _json(manifest())
    if queries is None:
        parsed = (_json_value(single, "'query' (a JSON object)")
                  if single and single.lstrip().startswith("{") else single)
        queries = {SINGLE: parsed}
    if not isinstance(queries, dict):
        raise bad_request("'queries' must be a JSON object of named queries")
    if len(queries) > MAX_QUERIES:
        raise bad_request(f"at most {MAX_QUERIES} queries in one batch")
    state = current_state()
    if state.pool is None:
        answers = answer_batch(queries, state.get_index().candidates)
    else:
        done = state.pool.run(Operation(
            query="", default_graphs=[], named_graphs=[], format_token=None,
            accept="application/json", reconcile=json.dumps(queries),
            deadline=g.get("arrived", time.monotonic()) + state.limits.timeout_s),
            gone=request.environ.get("waitress.client_disconnected"))
        if done.status != 200:
            return Response(done.body, status=done.status, headers=done.headers)
        body = done.body if isinstance(done.body, bytes) else b"".join(done.body)
        answers = json.loads(body)
    return _json(answers[SINGLE] if set(answers) == {SINGLE} and single is not None else answers)


def answer_batch(queries: dict[str, Any], index: dict[str, Entity]) -> dict[str, Any]:
    """``{name: {"result": [...]}}`` for a batch of named queries."""
    return {key: reconcile_one(q, index) for key, q in queries.items()}


_PROCESS_INDEX: dict[int, dict[str, Entity]] = {}


def run_batch(op: Operation, *, store: Store) -> ProtocolResponse:
    """A query process's answer to a reconciliation batch (``op.reconcile``), with the entity
    index built once per process from its store."""
    from server.index import build_index

    if id(store) not in _PROCESS_INDEX:
        _PROCESS_INDEX[id(store)] = build_index(store).candidates
    try:
        answers = answer_batch(json.loads(op.reconcile or "{}"), _PROCESS_INDEX[id(store)])
    except HttpError as error:
        status, headers, body = render_error(error, parse_accept(op.accept))
        return ProtocolResponse(status, headers, body)
    body = json.dumps(answers, ensure_ascii=False).encode("utf-8")
    return ProtocolResponse(200, [("Content-Type", "application/json")], body)


@bp.get("/reconcile/preview")
def preview() -> Response:
    rid = request.args.get("id", "")
    cand = current_state().get_index().candidates.get(rid)
    if cand is None:
        raise not_found(f"no reconcilable entity {rid!r}")
    qid = next(iter(sorted(cand.props.get("wikidata", ()))), None)
    wikidata = (f'<br><a href="https://www.wikidata.org/wiki/{escape(qid)}" target="_blank">'
                f"{escape(qid)}</a>") if qid else ""
    html = (
        '<html><head><meta charset="utf-8"></head>'
        '<body style="margin:0;font:13px sans-serif">'
        f'<a href="/resource/{escape(rid)}" target="_blank">'
        f"<strong>{escape(cand.name)}</strong></a>"
        f" ({escape(cand.name_en)})<br>"
        f"<em>{escape(', '.join(dict(TYPES)[t] for t in sorted(cand.reconcile_types)))}</em><br>"
        f"{escape(cand.description or '')}{wikidata}</body></html>"
    )
    return Response(html, mimetype="text/html")


def _suggest(items: list[dict[str, Any]]) -> Response:
    return _json({"result": items})


def _cursor() -> int:
    """The suggest API's ``cursor``: how many suggestions of the list to skip (paging)."""
    raw = request.args.get("cursor", "0").strip() or "0"
    if not raw.isdigit() or len(raw) > 9:
        raise bad_request(f"'cursor' must be a whole number of suggestions to skip, not {raw!r}")
    return int(raw)


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    """Entities with a name (or a word of one) starting with ``prefix``, best first: a name the
    prefix starts (and covers most of) before one with a later word starting so, as in the
    batch's `name_score` (``Nuri`` puts Nuri Paşa first, not ninth by id), from ``cursor`` on."""
    prefix = request.args.get("prefix", "")
    start = _cursor()
    index = current_state().get_index().candidates
    key = search_key(prefix)
    hits = sorted((c for c in index.values() if key and any(k.startswith(key) or f" {key}" in k
                                                             for k in c.keys())),
                  key=lambda c: (-name_score(prefix, c), len(c.name), c.id))
    return _suggest([{"id": c.id, "name": c.name, "description": c.description or c.name_en}
                     for c in hits[start:start + DEFAULT_LIMIT * 2]])


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    key = search_key(request.args.get("prefix", ""))
    return _suggest([{"id": t, "name": n} for t, n in TYPES
                     if search_key(n).startswith(key) or search_key(t).startswith(key)])


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    key = search_key(request.args.get("prefix", ""))
    return _suggest([{"id": p, "name": n} for p, n in PROPERTIES
                     if search_key(p).startswith(key) or key in search_key(n)])
