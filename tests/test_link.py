"""`tarihkg link` offline: a fake Wikidata on 127.0.0.1 answering with the fixtures of
tests/data/wikidata/ (built from the documented API formats), the polite HTTP layer (User-Agent,
rate limit, 429 + Retry-After), scoring against look-alikes, and the proposals written back."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from helpers import serving

from tarihkg.curation import Entity, WikidataLink, load_wikidata
from tarihkg.link import (
    USER_AGENT,
    HttpError,
    UrllibHttp,
    WikidataClient,
    fold,
    label_score,
    link_entities,
    rank_candidates,
    write_links,
)

DATA = Path(__file__).resolve().parent / "data" / "wikidata"
TODAY = date(2026, 11, 21)


def _fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


ENTITIES = {**_fixture("wbgetentities-gence.json")["entities"],
            **_fixture("wbgetentities-gumru.json")["entities"],
            **_fixture("wbgetentities-nuri.json")["entities"],
            **_fixture("wbgetentities-kio.json")["entities"]}
#: Search terms (folded) -> the recorded wbsearchentities answer.
SEARCHES = {"gence": "gence", "ganja": "gence", "gumru": "gumru", "alexandropol": "gumru",
            "nuri": "nuri", "kafkas islam": "kio", "caucasus islam": "kio"}


class FakeWikidata(BaseHTTPRequestHandler):
    """Answers like www.wikidata.org/w/api.php and query.wikidata.org/sparql, from fixtures."""

    seen: list[dict[str, str]] = []
    refusals: int = 0
    retry_after: str | None = "1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        FakeWikidata.seen.append({"path": url.path, "ua": self.headers.get("User-Agent", ""),
                                  "at": str(time.monotonic()), **params})
        if FakeWikidata.refusals > 0:
            FakeWikidata.refusals -= 1
            self.send_response(429)
            if FakeWikidata.retry_after:
                self.send_header("Retry-After", FakeWikidata.retry_after)
            self.end_headers()
            return
        if url.path == "/sparql":
            body = _fixture("sparql-instance-of.json")
        elif params.get("action") == "wbsearchentities":
            key = fold(params.get("search", ""))
            name = next((f"wbsearchentities-{v}.json" for k, v in SEARCHES.items() if k in key),
                        None)
            body = _fixture(name) if name else {"searchinfo": {"search": key}, "search": [],
                                                 "success": 1}
        elif params.get("action") == "wbgetentities":
            ids = params["ids"].split("|")
            body = {"entities": {q: ENTITIES.get(q, {"id": q, "missing": ""}) for q in ids},
                    "success": 1}
        else:
            self.send_response(400)
            self.end_headers()
            return
        out = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def fake() -> Iterator[str]:
    FakeWikidata.seen = []
    FakeWikidata.refusals = 0
    FakeWikidata.retry_after = "1"
    with serving(FakeWikidata) as base:
        yield base


def _client(base: str, **http: object) -> WikidataClient:
    return WikidataClient(UrllibHttp(min_interval=0.0, **http),  # type: ignore[arg-type]
                          api=f"{base}/w/api.php", sparql=f"{base}/sparql")


def _entity(eid: str, etype: str, tr: str, en: str, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(id=eid, type=etype, label_tr=tr, label_en=en, aliases=aliases, path="x", line=1,
                  place_kind="city" if etype == "Place" else None)


def test_user_agent_names_the_project_and_requests_are_spaced(fake: str) -> None:
    http = UrllibHttp(min_interval=0.3)
    for _ in range(3):
        http.get(f"{fake}/w/api.php", params={"action": "wbsearchentities", "search": "x"})
    assert all(s["ua"] == USER_AGENT for s in FakeWikidata.seen)
    assert "tarihkg" in USER_AGENT and "https://w3id.org/tarihkg/" in USER_AGENT
    times = [float(s["at"]) for s in FakeWikidata.seen]
    assert all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False))


def test_429_is_retried_after_retry_after(fake: str) -> None:
    slept: list[float] = []
    FakeWikidata.refusals = 2
    http = UrllibHttp(min_interval=0.0, sleep=slept.append)
    body = http.get(f"{fake}/w/api.php", params={"action": "wbsearchentities", "search": "Gence"})
    assert json.loads(body)["search"][1]["id"] == "Q990000001"
    assert slept.count(1.0) == 2 and len(FakeWikidata.seen) == 3


def test_429_without_retry_after_backs_off_then_gives_up(fake: str) -> None:
    slept: list[float] = []
    FakeWikidata.refusals = 10
    FakeWikidata.retry_after = None
    http = UrllibHttp(min_interval=0.0, max_retries=3, backoff=0.5, sleep=slept.append)
    with pytest.raises(HttpError, match="429"):
        http.get(f"{fake}/w/api.php", params={"action": "wbsearchentities", "search": "x"})
    assert slept == [0.5, 1.0, 2.0] and len(FakeWikidata.seen) == 4


def test_turkish_and_azerbaijani_folding() -> None:
    assert fold("GƏNCƏ") == fold("Gence") == fold("gence")
    assert label_score(["Gümrü Anlaşması"], ["Gümrü Antlaşması"]) > 0.9
    assert label_score(["İstanbul"], ["ISTANBUL"]) == 1.0


def test_proposals_prefer_the_right_kind_over_look_alikes(fake: str, tmp_path: Path) -> None:
    entities = {
        "gence": _entity("gence", "Place", "Gence", "Ganja"),
        "gumru-anlasmasi": _entity("gumru-anlasmasi", "PeaceTreaty", "Gümrü Anlaşması",
                                   "Treaty of Alexandropol"),
        "kars": _entity("kars", "Place", "Kars", "Kars"),
    }
    run = link_entities(entities, [], _client(fake), today=TODAY)
    by_id = {lk.id: lk for lk in run.links}
    assert by_id["gence"].qid == "Q990000001"  # the city, not the poet (a human)
    assert by_id["gumru-anlasmasi"].qid == "Q990000003"  # the treaty, not the battle
    assert "kars" not in by_id  # nothing found: nothing proposed
    for lk in run.links:
        assert lk.status == "candidate" and lk.score is not None and lk.score >= 60
        assert lk.label_seen and lk.source and "wbgetentities" in lk.source
        assert lk.checked_on == TODAY.isoformat()
    searches = [s for s in FakeWikidata.seen if s.get("action") == "wbsearchentities"]
    assert {s["language"] for s in searches} == {"tr", "en", "az"}
    assert any(s["path"] == "/sparql" for s in FakeWikidata.seen)

    path = tmp_path / "wikidata.yaml"
    path.write_text("# header kept\n# second line\n", encoding="utf-8")
    write_links(path, run.links)
    assert path.read_text(encoding="utf-8").startswith("# header kept\n# second line\n")
    again = load_wikidata(path, entities)
    assert [(lk.id, lk.qid, lk.status) for lk in again] == [
        (lk.id, lk.qid, lk.status) for lk in run.links]


def test_existing_links_are_checked_and_rejected_ones_not_proposed(fake: str) -> None:
    entities = {"gence": _entity("gence", "Place", "Gence", "Ganja"),
                "gumru-anlasmasi": _entity("gumru-anlasmasi", "PeaceTreaty", "Gümrü Anlaşması",
                                           "Treaty of Alexandropol")}
    links = [
        WikidataLink(id="gence", qid="Q990000002", status="candidate", path="x", line=1),
        WikidataLink(id="gence", qid="Q990000001", status="rejected", path="x", line=2),
        WikidataLink(id="gumru-anlasmasi", qid="Q990000004", status="confirmed", path="x",
                     line=3, label_seen="Battle of Alexandropol", source="s", checked_by="b",
                     checked_on="2026-01-01"),
    ]
    run = link_entities(entities, links, _client(fake), today=TODAY)
    statuses = {(lk.id, lk.qid): lk for lk in run.links}
    assert statuses[("gence", "Q990000002")].status == "rejected"  # a person offered for a city
    assert statuses[("gence", "Q990000001")].status == "rejected"  # a human decision is kept
    battle = statuses[("gumru-anlasmasi", "Q990000004")]
    assert battle.status == "confirmed" and "tarihkg link" in (battle.note or "")  # flagged
    assert not any(lk.id == "gence" and lk.status == "candidate" for lk in run.links)
    assert any("contradicted" in d for d in run.decisions)


def test_confirm_above_records_the_evidence_seen(fake: str) -> None:
    entities = {"gence": _entity("gence", "Place", "Gence", "Ganja")}
    run = link_entities(entities, [], _client(fake), today=TODAY, confirm_above=80)
    (link,) = run.links
    assert link.status == "confirmed" and link.label_seen == "Gence"
    assert (link.description_seen or "").startswith("city in Azerbaijan (synthetic); instance of")


@pytest.mark.parametrize(("entity", "right", "look_alike", "kind", "years"), [
    (("nuri-pasa", "Person", "Nuri Paşa", "Nuri Pasha", ("Nuri Paşa",)),
     "Q990000011", "Q990000012", "human (Q5)", "years 1889-1949"),
    (("gumru-anlasmasi", "PeaceTreaty", "Gümrü Anlaşması", "Treaty of Alexandropol", ()),
     "Q990000003", "Q990000004", "treaty (Q131569)", "years 1920"),
    (("kafkas-islam-ordusu", "MilitaryUnit", "Kafkas İslam Ordusu", "Caucasus Islam Army", ()),
     "Q990000021", "Q990000022", "military unit (Q176799)", "years 1918"),
])
def test_candidates_for_a_person_a_treaty_and_a_unit_rank_the_look_alike_lower(
        fake: str, entity: tuple, right: str, look_alike: str, kind: str, years: str) -> None:
    ent = _entity(*entity)
    ranked = rank_candidates(ent, _client(fake), exclude=set(), period=(1917, 1921),
                             linked_places=set())
    order = [s.item.qid for s, _ in ranked]
    assert order.index(right) < order.index(look_alike), order
    assert ranked[0][0].score > ranked[order.index(look_alike)][0].score
    run = link_entities({ent.id: ent}, [], _client(fake), today=TODAY)
    (link,) = run.links
    assert (link.qid, link.status) == (right, "candidate")  # for review, never an identity link
    assert link.label_seen and kind in (link.description_seen or "")
    assert years in (link.description_seen or "")
    assert look_alike in (link.note or ""), "the reviewer sees what ranked lower"

