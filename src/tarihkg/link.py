"""Registry + Wikidata (wbsearchentities, wbgetentities, the query service) -> scored link
proposals and checks of existing links, written to data/curation/wikidata.yaml for review.

Run by hand (`tarihkg link`) where the internet is available; never at build time. Every HTTP
request goes through an injectable `Http` object: the default `UrllibHttp` sends a descriptive
User-Agent, waits at least `min_interval` seconds between requests, and retries 429/503 answers
after the server's ``Retry-After`` (or an exponential backoff). Proposals are `candidate`s with a
score and the evidence seen; the tool confirms a link only when asked (``confirm_above``) and then
records the label and description it saw in Wikidata itself.
"""

from __future__ import annotations

import difflib
import email.utils
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import yaml

from tarihkg.curation import Entity, WikidataLink
from tarihkg.errors import InputError, TarihkgError
from tarihkg.names import BASE, DATASET
from tarihkg.project import write_atomic
from tarihkg.text.turkish import search_key

log = logging.getLogger(__name__)

VERSION = "0.1.0"
CONTACT = BASE
USER_AGENT = (f"tarihkg-link/{VERSION} ({CONTACT}; linked data on the Caucasus front "
              f"{DATASET.period[0]}-{DATASET.period[1]}) "
              "python-urllib")
WIKIDATA_API = "https://www.wikidata.org/w/api.php"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
WD_ENTITY = "http://www.wikidata.org/entity/"
LANGUAGES = ("tr", "en", "az")
CHECKED_BY = f"tarihkg link {VERSION} (wbsearchentities + wbgetentities + query service)"

#: Registry type -> Wikidata classes a matching item is an instance of (P31/P279*). Only the
#: QIDs the ontology maps (ontology/tarihkg.ttl header: seen in public material).
EXPECTED_CLASSES: dict[str, tuple[str, ...]] = {
    "Person": ("Q5",),
    "Place": ("Q2221906", "Q515", "Q6256"),
    "Polity": ("Q1048835", "Q6256"),
    "Organization": ("Q43229",),
    "MilitaryUnit": ("Q176799",),
    "Treaty": ("Q131569",), "PeaceTreaty": ("Q625298", "Q131569"),
    "Armistice": ("Q107706", "Q131569"), "Agreement": ("Q131569",), "Pact": ("Q131569",),
    "Battle": ("Q178561",),
}
_EVENT_CLASSES = ("Q1190554",)
_AZ_FOLD = str.maketrans({"ə": "e", "Ə": "e", "x": "h", "X": "h", "q": "g", "Q": "g"})
#: Properties holding a year a candidate can be dated by: point in time, start/end time, birth,
#: death, inception, dissolution.
_DATE_PROPERTIES = ("P585", "P580", "P582", "P569", "P570", "P571", "P576")


class HttpError(TarihkgError):
    """Wikidata did not answer, or answered with an error, after the retries."""


class Http(Protocol):
    """What the linker needs from HTTP: a GET returning the body."""

    def get(self, url: str, *, params: Mapping[str, str]) -> bytes: ...


def _retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date).

    >>> _retry_after("3", now=0.0)
    3.0
    >>> _retry_after("Thu, 01 Jan 1970 00:00:05 GMT", now=1.0)
    4.0
    >>> _retry_after(None, now=0.0) is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value)
    return max(0.0, parsed.timestamp() - now)


@dataclass
class UrllibHttp:
    """Polite HTTP GET: User-Agent, at most one request per `min_interval`, retries on 429/503."""

    user_agent: str = USER_AGENT
    min_interval: float = 1.0
    max_retries: int = 4
    backoff: float = 2.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    _last: float | None = field(default=None, repr=False)

    def _wait_turn(self) -> None:
        if self._last is not None:
            gap = self.min_interval - (self.clock() - self._last)
            if gap > 0:
                self.sleep(gap)
        self._last = self.clock()

    def get(self, url: str, *, params: Mapping[str, str]) -> bytes:
        """GET ``url?params``; raises `HttpError` after `max_retries` refusals or on an error."""
        full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
        request = urllib.request.Request(
            full, headers={"User-Agent": self.user_agent, "Accept": "application/json"})
        for attempt in range(self.max_retries + 1):
            self._wait_turn()
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    body: bytes = response.read()
                    return body
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 503) or attempt == self.max_retries:
                    raise HttpError(f"HTTP {exc.code} from {url}: {exc.reason}") from None
                wait = _retry_after(exc.headers.get("Retry-After"), now=self.wall())
                wait = wait if wait is not None else self.backoff * 2**attempt
                log.warning("HTTP %d from %s; retrying in %.1f s", exc.code, url, wait)
                self.sleep(wait)
            except (urllib.error.URLError, TimeoutError) as exc:
                raise HttpError(f"no answer from {url}: {exc}") from None
        raise HttpError(f"gave up on {url}")  # pragma: no cover - the loop returns or raises


@dataclass(frozen=True)
class Item:
    """What wbgetentities says of one item: labels, aliases, descriptions, a few claims."""

    qid: str
    labels: dict[str, str]
    aliases: dict[str, list[str]]
    descriptions: dict[str, str]
    claims: dict[str, list[str]]

    def names(self) -> list[str]:
        out = list(self.labels.values())
        for values in self.aliases.values():
            out.extend(values)
        return out

    def label(self) -> str:
        return next((self.labels[lang] for lang in (*LANGUAGES, "ru") if lang in self.labels),
                    next(iter(self.labels.values()), self.qid))

    def description(self) -> str | None:
        return next((self.descriptions[lang] for lang in ("en", "tr", "az")
                     if lang in self.descriptions), None)

    def years(self) -> list[int]:
        return sorted(int(v[1:5]) for p in _DATE_PROPERTIES for v in self.claims.get(p, ())
                      if len(v) > 5 and v[1:5].isdigit())


def _claim_values(claims: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for prop, statements in claims.items():
        for st in statements:
            value = (st.get("mainsnak", {}).get("datavalue") or {}).get("value")
            if isinstance(value, dict) and "id" in value:
                out.setdefault(prop, []).append(str(value["id"]))
            elif isinstance(value, dict) and "time" in value:
                out.setdefault(prop, []).append(str(value["time"]))
    return out


class WikidataClient:
    """The three Wikidata APIs the linker uses, over an `Http`."""

    def __init__(self, http: Http, *, api: str = WIKIDATA_API, sparql: str = WIKIDATA_SPARQL
                 ) -> None:
        self.http = http
        self.api = api
        self.sparql_url = sparql

    def _json(self, url: str, params: Mapping[str, str]) -> Any:
        body = self.http.get(url, params=params)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise HttpError(f"{url} answered with something that is not JSON: {exc}") from None

    def search(self, text: str, *, language: str, limit: int = 7) -> list[str]:
        """QIDs wbsearchentities finds for ``text`` in ``language``, best first."""
        data = self._json(self.api, {
            "action": "wbsearchentities", "search": text, "language": language,
            "uselang": language, "type": "item", "limit": str(limit), "format": "json"})
        if "error" in data:
            raise HttpError(f"wbsearchentities: {data['error'].get('info', data['error'])}")
        return [hit["id"] for hit in data.get("search", [])]

    def entities(self, qids: Sequence[str]) -> dict[str, Item]:
        """wbgetentities for up to 50 QIDs: labels, aliases, descriptions (tr/en/az), claims."""
        out: dict[str, Item] = {}
        for start in range(0, len(qids), 50):
            chunk = list(qids[start:start + 50])
            data = self._json(self.api, {
                "action": "wbgetentities", "ids": "|".join(chunk),
                "props": "labels|aliases|descriptions|claims",
                "languages": "|".join(LANGUAGES), "format": "json"})
            for qid, ent in (data.get("entities") or {}).items():
                if "missing" in ent:
                    continue
                out[qid] = Item(
                    qid=qid,
                    labels={k: v["value"] for k, v in (ent.get("labels") or {}).items()},
                    aliases={k: [a["value"] for a in v]
                             for k, v in (ent.get("aliases") or {}).items()},
                    descriptions={k: v["value"]
                                  for k, v in (ent.get("descriptions") or {}).items()},
                    claims=_claim_values(ent.get("claims") or {}),
                )
        return out

    def instance_of(self, qids: Sequence[str], classes: Iterable[str]) -> dict[str, set[str]]:
        """For each QID, which of ``classes`` it is an instance of (P31/P279*): query service."""
        wanted = sorted(set(classes))
        if not qids or not wanted:
            return {}
        query = (
            "SELECT ?item ?class WHERE { VALUES ?item { "
            + " ".join(f"wd:{q}" for q in qids) + " } VALUES ?class { "
            + " ".join(f"wd:{c}" for c in wanted) + " } ?item wdt:P31/wdt:P279* ?class . }")
        data = self._json(self.sparql_url, {"query": query, "format": "json"})
        out: dict[str, set[str]] = {}
        for b in data.get("results", {}).get("bindings", []):
            item = b["item"]["value"].removeprefix(WD_ENTITY)
            out.setdefault(item, set()).add(b["class"]["value"].removeprefix(WD_ENTITY))
        return out


def fold(text: str) -> str:
    """A matching key for tr/en/az labels: Turkish casefold, no diacritics, ə as e.

    >>> fold("Gəncə") == fold("Gence") == "gence"
    True
    >>> fold("İSTANBUL") == fold("Istanbul".lower())
    True
    """
    return search_key(text.translate(_AZ_FOLD))


def label_score(ours: Iterable[str], theirs: Iterable[str]) -> float:
    """The best similarity (0-1) of any of our names with any of theirs, Turkish-aware.

    >>> label_score(["Bakü"], ["Baku", "Bakı"])
    1.0
    >>> label_score(["Gence"], ["Ganja"]) < 0.8
    True
    """
    best = 0.0
    mine = {fold(n) for n in ours if n}
    for other in {fold(n) for n in theirs if n}:
        for name in mine:
            ratio = 1.0 if name == other else difflib.SequenceMatcher(None, name, other).ratio()
            best = max(best, ratio)
    return best


@dataclass(frozen=True)
class Scored:
    """A candidate item and its score (0-100) with the parts it is made of."""

    item: Item
    score: float
    parts: dict[str, float]


def score_item(ent: Entity, item: Item, *, classes: set[str], period: tuple[int, int],
               linked_places: set[str]) -> Scored:
    """Labels 55 %, type 25 %, dates 10 %, places 10 % (unknown counts half)."""
    names = [ent.label_tr, ent.label_en, *ent.aliases]
    labels = label_score(names, item.names())
    expected = set(EXPECTED_CLASSES.get(ent.type, _EVENT_CLASSES if ent.segment == "event" else ()))
    known = {c for cs in EXPECTED_CLASSES.values() for c in cs} | set(_EVENT_CLASSES)
    if classes & expected:
        kind = 1.0
    elif classes & (known - expected):
        kind = 0.0  # another kind: a person for a place, a battle for a treaty (look-alikes)
    else:
        kind = 0.5 if not classes else 0.2
    years = item.years()
    if not years:
        when = 0.5
    elif ent.type == "Person":
        when = 1.0 if min(years) < period[0] and max(years) >= period[0] - 1 else 0.0
    elif ent.segment in ("event", "treaty"):
        when = 1.0 if any(period[0] - 1 <= y <= period[1] + 1 for y in years) else 0.0
    else:
        when = 0.5
    around = {q for p in ("P17", "P131", "P276", "P710") for q in item.claims.get(p, ())}
    where = 1.0 if around & linked_places else 0.5
    parts = {"labels": labels, "type": kind, "dates": when, "places": where}
    total = 100 * (0.55 * labels + 0.25 * kind + 0.10 * when + 0.10 * where)
    return Scored(item=item, score=round(total, 1), parts=parts)


@dataclass(frozen=True)
class LinkRun:
    """What a run did: the new list of links, and one line per decision for the log."""

    links: list[WikidataLink]
    decisions: list[str]


#: Names of the classes `EXPECTED_CLASSES` uses (as the ontology header lists them), for the
#: reviewer's view of a candidate.
CLASS_NAMES = {
    "Q5": "human", "Q43229": "organization", "Q176799": "military unit",
    "Q1048835": "political territorial entity", "Q2221906": "geographic location",
    "Q1190554": "occurrence", "Q178561": "battle", "Q131569": "treaty",
    "Q625298": "peace treaty", "Q107706": "armistice", "Q515": "city", "Q6256": "country",
}
_ALL_CLASSES = tuple(sorted({c for cs in EXPECTED_CLASSES.values() for c in cs}
                            | set(_EVENT_CLASSES)))


def describe(item: Item, classes: Iterable[str]) -> str:
    """What a reviewer needs to tell a candidate from its look-alikes: Wikidata's description,
    its kind (the classes it is an instance of) and its years.

    >>> describe(Item("Q1", {"en": "X"}, {}, {"en": "a treaty"}, {"P585": ["+1918-06-04T00:00:00Z"]}),
    ...          ["Q131569"])
    'a treaty; instance of treaty (Q131569); years 1918'
    """
    parts = [item.description() or "no description"]
    named = [f"{CLASS_NAMES.get(c, c)} ({c})" for c in sorted(classes)]
    parts.append("instance of " + ", ".join(named) if named else "kind unknown")
    years = item.years()
    if years:
        parts.append("years " + ("-".join(map(str, sorted({years[0], years[-1]})))))
    return "; ".join(parts)


def _with_evidence(link: WikidataLink, item: Item, *, classes: Iterable[str], api: str,
                   today: date) -> WikidataLink:
    """The link with what Wikidata showed for the item recorded as its evidence."""
    return replace(
        link,
        label_seen=item.label(),
        description_seen=describe(item, classes),
        source=f"{api}?action=wbgetentities&ids={item.qid} (labels, descriptions, P31)",
        checked_by=CHECKED_BY,
        checked_on=today.isoformat(),
    )


def recheck_links(entities: Mapping[str, Entity], links: Sequence[WikidataLink],
                  client: WikidataClient, *, today: date, period: tuple[int, int],
                  reject_below: float) -> LinkRun:
    """Score every existing (not rejected) link again: a candidate that scores under
    ``reject_below`` or is of a contradicting type becomes `rejected`; a confirmed link whose
    item no longer carries a compatible label or type gets a note for the reviewer."""
    out = list(links)
    decisions: list[str] = []
    linked_places = _linked_places(entities, links)
    items = client.entities(sorted({lk.qid for lk in links if lk.status != "rejected"}))
    classes = client.instance_of(sorted(items), _ALL_CLASSES)
    for index, lk in enumerate(out):
        if lk.status == "rejected":
            continue
        item = items.get(lk.qid)
        if item is None:
            decisions.append(f"{lk.id} -> {lk.qid}: the item is missing or was merged; review")
            out[index] = replace(lk, note=_joined(lk.note, f"tarihkg link {today}: item not found"))
            continue
        seen = classes.get(lk.qid, set())
        scored = score_item(entities[lk.id], item, classes=seen, period=period,
                            linked_places=linked_places)
        if lk.status == "candidate" and (scored.score < reject_below or scored.parts["type"] == 0):
            decisions.append(f"{lk.id} -> {lk.qid}: rejected (score {scored.score})")
            out[index] = _with_evidence(replace(lk, status="rejected", score=scored.score),
                                        item, classes=seen, api=client.api, today=today)
        elif lk.status == "confirmed" and (scored.parts["labels"] < 0.8
                                           or scored.parts["type"] == 0):
            decisions.append(f"{lk.id} -> {lk.qid}: confirmed link contradicted (score "
                             f"{scored.score}); left for review")
            out[index] = replace(lk, note=_joined(
                lk.note,
                f"tarihkg link {today}: Wikidata now says {item.label()!r}, score {scored.score}"))
        else:
            decisions.append(f"{lk.id} -> {lk.qid}: holds (score {scored.score})")
    return LinkRun(links=out, decisions=decisions)


def _linked_places(entities: Mapping[str, Entity], links: Sequence[WikidataLink]) -> set[str]:
    return {lk.qid for lk in links if lk.status == "confirmed"
            and entities[lk.id].type in ("Place", "Polity")}


def rank_candidates(ent: Entity, client: WikidataClient, *, exclude: set[str],
                    period: tuple[int, int], linked_places: set[str]
                    ) -> list[tuple[Scored, set[str]]]:
    """Search Wikidata for the entity in Turkish, English and Azerbaijani, and score every item
    found that is not in ``exclude``, best first, each with the classes it is an instance of."""
    found: list[str] = []
    for lang, text in (("tr", ent.label_tr), ("en", ent.label_en), ("az", ent.label_tr)):
        found.extend(q for q in client.search(text, language=lang) if q not in found)
    fresh = [q for q in found if q not in exclude]
    if not fresh:
        return []
    items = client.entities(fresh)
    expected = set(EXPECTED_CLASSES.get(ent.type, ())) | set(_EVENT_CLASSES)
    classes = client.instance_of(sorted(items), sorted(expected | {"Q5"}))
    ranked = [(score_item(ent, it, classes=classes.get(q, set()), period=period,
                          linked_places=linked_places), classes.get(q, set()))
              for q, it in items.items()]
    return sorted(ranked, key=lambda sc: (-sc[0].score, sc[0].item.qid))


def _nothing_scores(ent: Entity, ranked: Sequence[tuple[Scored, set[str]]], min_score: float
                    ) -> str:
    """The decision line for an entity no item scores enough for, naming the best one seen."""
    best = f" (best {ranked[0][0].item.qid} at {ranked[0][0].score})" if ranked else ""
    return f"{ent.id}: nothing scores {min_score} or more{best}"


def _proposal(ent: Entity, ranked: Sequence[tuple[Scored, set[str]]], status: str
              ) -> WikidataLink:
    """The link to the best-ranked item, its note giving the score's parts and up to three
    lower-ranked rivals."""
    top = ranked[0][0]
    rivals = ", ".join(f"{s.item.qid} {s.score}" for s, _ in ranked[1:4])
    return WikidataLink(
        id=ent.id, qid=top.item.qid, status=status, path="", line=0, score=top.score,
        note="proposed by tarihkg link: "
             + ", ".join(f"{k} {v:.2f}" for k, v in top.parts.items())
             + (f"; ranked lower: {rivals}" if rivals else ""))


def link_entities(
    entities: Mapping[str, Entity],
    links: Sequence[WikidataLink],
    client: WikidataClient,
    *,
    today: date,
    period: tuple[int, int] = DATASET.period,
    types: Sequence[str] | None = None,
    limit: int | None = None,
    min_score: float = 60.0,
    reject_below: float = 30.0,
    confirm_above: float | None = None,
) -> LinkRun:
    """Re-check the existing links (`recheck_links`), then propose one candidate for each entity
    without a confirmed link: the best-ranked item (`rank_candidates`) scoring ``min_score`` or
    more, recorded with its label, description, kind and years for the reviewer. It is
    `confirmed` only when ``confirm_above`` is given and reached. A QID once rejected for an
    entity, or confirmed for another, is never proposed."""
    checked = recheck_links(entities, links, client, today=today, period=period,
                            reject_below=reject_below)
    out, decisions = list(checked.links), list(checked.decisions)
    linked_places = _linked_places(entities, links)
    known = {(lk.id, lk.qid) for lk in links}
    confirmed_ids = {lk.id for lk in links if lk.status == "confirmed"}
    confirmed_qids = {lk.qid for lk in links if lk.status == "confirmed"}
    todo = [e for e in sorted(entities.values(), key=lambda e: e.id)
            if not e.deprecated and e.id not in confirmed_ids and (not types or e.type in types)]
    for ent in todo[:limit] if limit is not None else todo:
        exclude = confirmed_qids | {q for (eid, q) in known if eid == ent.id}
        ranked = rank_candidates(ent, client, exclude=exclude, period=period,
                                 linked_places=linked_places)
        if not ranked or ranked[0][0].score < min_score:
            decisions.append(_nothing_scores(ent, ranked, min_score))
            continue
        top, classes = ranked[0]
        status = ("confirmed" if confirm_above is not None and top.score >= confirm_above
                  else "candidate")
        out.append(_with_evidence(_proposal(ent, ranked, status), top.item, classes=classes,
                                  api=client.api, today=today))
        known.add((ent.id, top.item.qid))
        if status == "confirmed":
            confirmed_qids.add(top.item.qid)
        decisions.append(f"{ent.id} -> {top.item.qid} {top.item.label()!r}: {status} ({top.score})")
    return LinkRun(links=out, decisions=decisions)


def _joined(note: str | None, extra: str) -> str:
    return f"{note} | {extra}" if note else extra


_FIELDS = ("id", "qid", "status", "label_seen", "description_seen", "source", "checked_by",
           "checked_on", "score", "note")


def dump_links(links: Iterable[WikidataLink], *, header: str) -> str:
    """The YAML text of wikidata.yaml: the header comment, then one mapping per link."""
    blocks = []
    for lk in links:
        entry = {k: getattr(lk, k) for k in _FIELDS if getattr(lk, k) is not None}
        blocks.append(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100))
    return header.rstrip("\n") + "\n\n" + "\n".join(blocks)


def read_header(path: Path) -> str:
    """The leading comment block of wikidata.yaml (kept when the tool rewrites the file)."""
    if not path.exists():
        return "# Links to Wikidata with their evidence: see docs/curation.md."
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    return "\n".join(lines).rstrip()


def write_links(path: Path, links: Sequence[WikidataLink]) -> None:
    """Rewrite wikidata.yaml atomically, keeping its header; refuses what it could not read back."""
    text = dump_links(links, header=read_header(path))
    parsed = yaml.safe_load(text)
    if not isinstance(parsed, list) or len(parsed) != len(links):
        raise InputError("refusing to write wikidata.yaml: it would not read back", path=path)
    write_atomic(path, text)


def registry_links(entities: Mapping[str, Entity]) -> list[WikidataLink]:
    """The links `load_registry` attached to the entities, in the order of wikidata.yaml."""
    links = (lk for e in entities.values() for lk in e.wikidata_links)
    return sorted(links, key=lambda lk: lk.line)
