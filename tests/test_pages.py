"""HTML pages as a reader gets them: the landing page (coverage, size, licence, citation),
two languages remembered in a cookie, entity pages with facts, evidence, conflicts, incoming
links and mentions, the source text marked up, the timeline, the map, the query page, the
dataset as a product (dumps with checksums, VoID, SHACL report), a strict CSP, and hostile
labels injected into a copy of the graph rendered inert."""

from __future__ import annotations

import gzip
import hashlib
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from server import create_app
from tarihkg.names import BASE

HTML = {"Accept": "text/html"}
HOSTILE = Path(__file__).parent / "data" / "pages" / "hostile.nq"


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def active_content(html: str) -> list[str]:
    """What in a page could run script: inline <script>, on* handlers, javascript: links."""
    found = []
    for tag, attrs in _Tags(html).tags:
        if tag == "script" and "src" not in attrs:
            found.append("inline <script>")
        if tag == "img" and "src" in attrs and attrs["src"] == "x":
            found.append("injected <img>")
        found += [f"{tag} {k}=" for k in attrs if k.startswith("on")]
        found += [f"{tag} {k}={v}" for k, v in attrs.items()
                  if k in ("href", "src", "action") and v.strip().lower().startswith(
                      ("javascript:", "data:text"))]
    return found


def page(built_client, path: str, **headers: str) -> str:
    r = built_client.get(path, headers={**HTML, **headers})
    assert r.status_code == 200, (path, r.status_code)
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_landing_page_says_what_how_big_licence_and_citation(built_client, build_dir):
    html = page(built_client, "/?lang=en")
    assert "Caucasus front" in html
    assert 'rel="license"' in html and "creativecommons.org/licenses/by/4.0/" in html
    assert "How to cite" in html and "https://w3id.org/tarihkg/" in html
    assert re.search(r'href="/browse/persons">Persons</a> <span class="n">\d+</span>', html), \
        "how many of each class"
    assert "/dumps/" in html and "/.well-known/void" in html


def test_language_switch_is_remembered_in_a_cookie(built_client):
    r = built_client.get("/resource/person/nuri-pasa?lang=tr", headers=HTML)
    assert 'lang="tr"' in r.get_data(as_text=True)[:200]
    assert "lang=tr" in r.headers["Set-Cookie"]
    again = page(built_client, "/resource/person/nuri-pasa")  # the test built_client keeps the cookie
    assert "<h2 id=\"facts-h\">Olgular</h2>" in again and "Kafkas İslam Ordusu" in again
    english = page(built_client, "/resource/person/nuri-pasa?lang=en")
    assert "<h2 id=\"facts-h\">Facts</h2>" in english and ">Nuri Pasha</h1>" in english
    assert "Nuri Paşa’nın" in english, "Turkish evidence is shown as printed in both languages"
    assert "1912" in english


def test_dates_are_localised_and_printed_wording_kept(built_client):
    tr = page(built_client, "/resource/event/bakunun-kurtulusu?lang=tr")
    en = page(built_client, "/resource/event/bakunun-kurtulusu?lang=en")
    assert "15 Eylül 1918" in tr and "15 September 1918" in en
    assert re.search(r"as printed: <q lang=\"tr\">[^<]*1918", en)


def test_entity_page_has_facts_evidence_citations_incoming_and_mentions(built_client):
    html = page(built_client, "/resource/person/nuri-pasa?lang=en")
    assert "Nuri Paşa" in html and "Nuri Pasha" in html
    assert '<mark class="mention">Nuri Paşa’nın</mark>' in html, "mention highlighted"
    assert 'href="/resource/work/suleymanov-2014"' in html, "the cited work"
    assert 'href="/resource/source/002_afd972166be37c54#s-8086-8537"' in html, "in context"
    assert 'id="incoming"' in html and 'href="/resource/unit/kafkas-islam-ordusu"' in html
    assert 'id="mentions"' in html


def test_conflicting_claims_side_by_side(built_client):
    """Each pair says what the statements disagree on (tkg:disputes, linked to its term) and
    carries each side's note: two agreeing-looking sentences side by side under "Conflicting
    statements" with no reason left a reader guessing (Nuri Paşa's page, session 6)."""
    html = page(built_client, "/resource/unit/38-alay?lang=en")
    assert 'class="conflicts"' in html and "conflict-pair" in html
    assert html.count('class="claim conflicting"') >= 2
    panel = html[html.index('class="conflicts"'):html.index('id="facts"')]
    assert re.search(r'class="disputes">What they disagree on: <a href="/ontology#disputedAssignment"'
                     r'>assignment</a>', panel)
    assert '<p class="note">Note: ' in panel and "5th Caucasian Division" in panel
    # the other side, when it is not a fact of this page, is shown with its own sentence: two
    # conflicts with claims of one label ("56th Infantry Regiment — part of: 5th Caucasian ...")
    # stated in two sentences looked identical; and a fact whose value this entity is names its
    # subject (the regiment), not only "part of: 15th Infantry Division"
    division = page(built_client, "/resource/unit/15-piyade-tumeni?lang=en")
    panel = division[division.index('class="conflicts"'):division.index('id="facts"')]
    assert "Bakü cephesinden geçecek olan 5. Kafkas Piyade Tümeni" in panel
    assert "5. Kafkas Piyade Tümeni’ne bağlı 56. Alay’dan" in panel
    assert re.search(r'<p class="fact"><a href="/resource/unit/56-alay">[^<]+</a> — <strong>', panel)
    tr = page(built_client, "/resource/person/nuri-pasa?lang=tr")
    assert re.search(r'class="disputes">Tartışmalı olan: <a href="/ontology#disputedDate">tarih</a>', tr)


def test_source_page_marks_sentences_mentions_dates_and_citations(built_client):
    html = page(built_client, "/resource/source/002_afd972166be37c54")
    assert 'id="s-8086-8537"' in html
    assert '<mark class="mention"><a href="/resource/person/nuri-pasa">' in html
    assert '<mark class="date">' in html
    assert '<mark class="citation"><a href="/resource/work/' in html


def test_timeline_lists_dated_events_and_filters(built_client):
    html = page(built_client, "/timeline?lang=en")
    assert 'href="/resource/event/bakunun-kurtulusu"' in html
    assert "<h2>1918</h2>" in html
    total = html.count('<circle class="event"')
    capture = page(built_client, f"/timeline?type={BASE}ontology%23Capture&lang=en")
    assert 0 < capture.count('<circle class="event"') < total
    baku = page(built_client, f"/timeline?place={BASE}resource/place/baku")
    assert 0 < baku.count('<circle class="event"') < total


def test_the_period_shown_is_the_datasets(built_client, monkeypatch):
    """Pages say the period data/dataset.yaml gives, not a year written into a template."""
    import dataclasses

    import yaml

    import server.html
    import server.lang

    other = dataclasses.replace(server.html.DATASET, period=(1915, 1923))
    monkeypatch.setattr(server.html, "DATASET", other)
    html = page(built_client, "/timeline?lang=en")
    assert "Timeline 1915–1923</h1>" in html
    assert html.count('min="1915-01-01" max="1923-12-31"') == 2
    landing = page(built_client, "/?lang=tr")
    assert "<title>tarihkg: Kafkas Cephesi 1915–1923 bilgi grafı" in landing
    dataset = Path(__file__).resolve().parent.parent / "data" / "dataset.yaml"
    first, last = yaml.safe_load(dataset.read_text(encoding="utf-8"))["period"]
    assert server.lang.PERIOD == f"{first}–{last}", "the interface strings' period"


def test_map_shows_places_with_coordinates_and_their_source(built_client):
    html = page(built_client, "/map?lang=en")
    assert 'href="/resource/place/baku"' in html and 'href="/resource/place/gence"' in html
    assert "https://www.geonames.org/587084" in html, "where the coordinates come from"
    assert "/resource/place/sahtahti" not in html, "a place without coordinates stays off the map"
    assert 'id="leaflet-map"' in html and "tile" not in html


def _on_land(point: tuple[float, float], land: list[list[tuple[float, float]]]) -> bool:
    """Even-odd point-in-polygon over every land ring, as the map's fill-rule draws it."""
    x, y = point
    inside = False
    for ring in land:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def _to_coast(point: tuple[float, float], coast: list[list[tuple[float, float]]]) -> float:
    """Distance (in the points' units) from ``point`` to the nearest coastline segment."""
    px, py = point
    best = math.inf
    for line in coast:
        for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False):
            dx, dy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / ((dx * dx + dy * dy) or 1)))
            best = min(best, math.hypot(px - x1 - t * dx, py - y1 - t * dy))
    return best


def test_map_base_layer_puts_markers_where_the_land_is(built_client):
    base = built_client.get("/map/base.json").get_json()
    layers = {f["properties"]["layer"]: f["geometry"]["coordinates"] for f in base["features"]}
    land = [[(x, y) for x, y in ring] for ring in layers["land"]]
    coast = [[(x, y) for x, y in line] for line in layers["coast"]]
    places = {f["properties"]["href"].rsplit("/", 1)[1]: tuple(f["geometry"]["coordinates"])
              for f in built_client.get("/map/places.json").get_json()["features"]
              if f["geometry"]["type"] == "Point"}
    assert _to_coast(places["baku"], coast) < 0.1, "Baku lies on the Caspian shore"
    for inland in ("kars", "erzurum", "tiflis"):
        assert _on_land(places[inland], land) and _to_coast(places[inland], coast) > 0.4, inland
    for sea in ((35.0, 43.0), (51.0, 41.5)):  # the Black Sea, the Caspian
        assert not _on_land(sea, land), sea
    assert len(layers["border"]) > 5, "present-day borders are drawn"
    html = page(built_client, "/map?lang=en")
    assert "Present-day borders" in html and "1917–1921 were different" in html
    assert "Natural Earth (public domain)" in html and "Leaflet" in html


def test_map_without_leaflet_still_lists_the_places(build_dir, tmp_path):
    app = create_app({"TESTING": True, "DATASET_DIR": str(build_dir), "QUERY_PROCESSES": 0,
                      "NODE_MODULES": str(tmp_path)})
    client = app.test_client()
    html = page(client, "/map?lang=en")
    assert 'href="/resource/place/baku"' in html and "run `npm ci`" in html
    assert "leaflet.js" not in html
    assert client.get("/map/base.json").status_code == 404


def test_query_page_serves_yasgui_locally_with_examples(built_client):
    html = page(built_client, "/query")
    assert "/vendor/yasgui/yasgui.min.js" in html and "cdn" not in html.lower()
    assert 'class="example-query"' in html and "PREFIX tkg:" in html
    assert built_client.get("/vendor/yasgui/yasgui.min.js").status_code == 200
    assert built_client.get("/vendor/yasgui/../package.json").status_code == 404
    assert "example-query" in page(built_client, "/sparql"), "/sparql in a browser shows the editor"


def test_every_html_page_has_a_strict_csp(built_client):
    for path in ("/", "/resource/place/baku", "/search?q=baku", "/timeline", "/map", "/ontology",
                 "/dumps/", "/shacl-report", "/graph/curation", "/query"):
        r = built_client.get(path, headers=HTML)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1] \
            .split(";")[0], path
        assert active_content(r.get_data(as_text=True)) == [], path
        if path != "/query":
            assert "unsafe-inline" not in csp


def test_dumps_have_checksums_and_licence(built_client, build_dir):
    meta = built_client.get("/dumps/dumps.json").get_json()
    assert meta["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    names = {d["file"] for d in meta["dumps"]}
    assert names == {"tarihkg.nq.gz", "tarihkg.trig.gz", "tarihkg.ttl.gz", "tarihkg.jsonld.gz"}
    sums = built_client.get("/dumps/SHA256SUMS").get_data(as_text=True)
    for d in meta["dumps"]:
        body = built_client.get(f"/dumps/{d['file']}").data
        assert hashlib.sha256(body).hexdigest() == d["sha256"]
        assert f"{d['sha256']}  {d['file']}" in sums
    ttl = gzip.decompress(built_client.get("/dumps/tarihkg.ttl.gz").data)
    g = Graph().parse(data=ttl, format="turtle")
    assert (URIRef(BASE + "resource/place/baku"), None, None) in g
    assert built_client.get("/dumps/../tarihkg.nq").status_code == 404


def test_void_describes_the_dataset(built_client):
    r = built_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    void = "http://rdfs.org/ns/void#"
    ds = URIRef(BASE + "void#dataset")
    assert (ds, URIRef("http://purl.org/dc/terms/license"),
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert any(str(o).endswith("/sparql") for o in g.objects(ds, URIRef(void + "sparqlEndpoint")))
    dumps = {str(d) for d in g.objects(ds, URIRef(void + "dataDump"))}
    assert len(dumps) == 8 and len({d for d in dumps if d.endswith(".gz")}) == 4
    assert set(g.objects(ds, URIRef(void + "exampleResource")))
    assert int(next(g.objects(ds, URIRef(void + "triples")))) > 30000
    assert len(set(g.objects(ds, URIRef(void + "classPartition")))) > 10


def test_shacl_report_page(built_client, build_dir):
    html = page(built_client, "/shacl-report?lang=en")
    report = (build_dir / "shacl-report.txt").read_text(encoding="utf-8")
    assert ("conforms to the shapes" in html) if not report.strip() else (report[:40] in html)


@pytest.fixture(scope="module")
def hostile_client(build_dir, tmp_path_factory):
    """A copy of the built graph (no store: loaded into memory) with hostile labels added."""
    target = tmp_path_factory.mktemp("hostile")
    shutil.copy(build_dir / "tarihkg.nq", target / "tarihkg.nq")
    with (target / "tarihkg.nq").open("a", encoding="utf-8") as out:
        out.write(HOSTILE.read_text(encoding="utf-8"))
    app = create_app({"TESTING": True, "DATASET_DIR": str(target), "QUERY_PROCESSES": 0})
    return app.test_client()


@pytest.mark.parametrize("path", [
    "/resource/person/nuri-pasa?lang=en", "/resource/person/nuri-pasa?lang=tr",
    "/resource/person/evil", "/search?q=evil", "/search?q=alert", "/resource/place/baku",
    "/timeline", "/map", "/resource/event/evil-event", "/resource/person/enver-pasa",
])
def test_hostile_labels_render_inert(hostile_client, path):
    r = hostile_client.get(path, headers=HTML)
    assert r.status_code == 200, path
    body = r.get_data(as_text=True)
    assert active_content(body) == []
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body or "&lt;img" in body or "javascript:" in body \
        or path in ("/timeline", "/map", "/resource/place/baku")


def test_hostile_labels_survive_as_data_in_rdf(hostile_client):
    r = hostile_client.get("/resource/person/evil", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    labels = {str(o) for o in g.objects(URIRef(BASE + "resource/person/evil"),
                                        URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert "<script>alert('label')</script>" in labels


VALUE_ONLY = """PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?e a tkg:%s ; tkg:registryId ?id . ?c tkg:claimObject ?e .
  FILTER NOT EXISTS { ?own tkg:claimSubject ?e } } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"""
WITH_OWN = """PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
  { SELECT ?e (COUNT(DISTINCT ?own) AS ?k) WHERE { ?e a tkg:%s ; tkg:registryId ?id .
    ?own tkg:claimSubject ?e } GROUP BY ?e ORDER BY DESC(?k) ?e LIMIT 1 }
  OPTIONAL { ?c tkg:claimObject ?e } } GROUP BY ?e"""


def _one_entity(built_app, query: str) -> tuple[str, int] | None:
    from server.state import store

    with built_app.app_context():
        rows = store().query(query, default_graph_union=True).rows()
    return (rows[0]["e"].removeprefix(BASE), int(rows[0]["n"])) if rows else None


def _section(html: str, section_id: str) -> str:
    start = html.find(f'<section id="{section_id}"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


@pytest.mark.parametrize("kind", ["Person", "MilitaryUnit", "Event", "Place"])
def test_a_page_never_says_no_facts_while_it_lists_one(built_app, built_client, kind):
    """Issue 9 P9: an entity named only as a fact's VALUE (Halil Paşa as commander and
    appointee, a division's regiments ...) had "no facts recorded" under a table of those very
    facts. Now every fact naming it is listed with its sentence, and every dated row of the
    page (career, order of battle, chronology) is one of them."""
    picked = [p for p in (_one_entity(built_app, VALUE_ONLY % kind),
                          _one_entity(built_app, WITH_OWN % kind)) if p]
    assert picked, f"the built graph has no {kind} that a fact names"
    for path, n_as_value in picked:
        for lang, none in (("tr", "Hiçbir olgu bu varlığı"), ("en", "No fact names this")):
            html = page(built_client, f"/{path}?lang={lang}")
            facts = _section(html, "facts")
            assert none not in html, path
            listed = set(re.findall(r'<li class="claim[^"]*" id="([^"]+)"', facts))
            as_value = facts.split('id="facts-value-h"', 1)[1] if n_as_value else ""
            assert len(set(re.findall(r'<li class="claim[^"]*" id="([^"]+)"', as_value))) \
                == n_as_value, (path, "facts as value")
            dated = set(re.findall(r'href="/cite/([^"]+)"',
                                   _section(html, "chronology") + _section(html, "oob")))
            assert dated <= listed, (path, "a dated row without its fact", dated - listed)
            to_fact = set(re.findall(r'class="to-fact" href="#([^"]+)"',
                                     _section(html, "chronology") + _section(html, "oob")))
            assert to_fact == dated, (path, "a dated row without a link to its sentence")
            assert "<blockquote" in facts, (path, "the sentence")


def test_a_page_without_facts_says_exactly_that(built_app, built_client):
    """A place only the registry describes: no fact, and the page says where its brief comes
    from, not "no facts for this source"."""
    found = _one_entity(built_app, """PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
        SELECT ?e (0 AS ?n) WHERE { ?e a tkg:Place ; tkg:registryId ?id ; tkg:placeKind ?k .
        FILTER NOT EXISTS { ?c tkg:claimSubject|tkg:claimObject ?e } } ORDER BY ?e LIMIT 1""")
    assert found
    html = page(built_client, f"/{found[0]}?lang=en")
    assert "No fact names this entity, as its subject or as its value." in html
    assert "come from the entity registry" in html and 'id="brief"' in html
    assert "for this source" not in html and 'class="claim' not in html


def test_source_page_sets_footnotes_apart_and_links_their_markers(built_app, built_client):
    """Issue 9 P9b: footnote sentences were shown inline among the body sentences, unmarked.
    Each footnote is now one block labelled with its printed number (words, not colour), at
    its place in the reading order, its marker in the body links to it and it links back."""
    from server.state import store

    for sid in ("000_539a70a237dcfef4", "002_afd972166be37c54"):
        with built_app.app_context():
            notes = store().query(f"""PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
                SELECT ?n ?marker (COUNT(?s) AS ?k) WHERE {{
                  ?fn a tkg:Footnote ; tkg:inSource <{BASE}resource/source/{sid}> ;
                      tkg:footnoteNumber ?n . OPTIONAL {{ ?fn tkg:markerOffset ?marker }}
                  OPTIONAL {{ ?s a tkg:Sentence ; tkg:inFootnote ?fn }} }} GROUP BY ?n ?marker""").rows()
        html = page(built_client, f"/resource/source/{sid}?lang=en")
        text = html[html.index('<div class="text"'):]
        for note in notes:
            n = note["n"]
            start = text.find(f'<aside class="footnote" id="fn-{n}" role="note"')
            if int(note["k"]) == 0:
                continue  # a footnote without a sentence has nothing to show
            assert start >= 0, (sid, n)
            block = text[start:text.index("</aside>", start)]
            assert f'<span class="fn-number">Footnote {n}</span>' in block
            assert block.count('class="sentence zone-footnote"') == int(note["k"])
            if "marker" in note:
                ref = text.index(f'id="fnref-{n}"')
                body = text.rfind('<p class="sentence', 0, ref)
                assert 'zone-body' in text[body:ref] and f'href="#fn-{n}"' in text[body:ref + 40]
                assert ref < start, (sid, n, "the note comes after its marker")
                assert f'href="#fnref-{n}"' in block
        assert text.count('class="sentence zone-footnote"') == sum(int(x["k"]) for x in notes)
        outside = re.sub(r"<aside.*?</aside>", "", text, flags=re.S)
        assert "zone-footnote" not in outside, (sid, "a footnote sentence outside its block")
        assert not re.search(r"</h4>\s*<aside", text), (sid, "a heading over a footnote")


def test_every_place_kind_the_loader_takes_is_an_ontology_term_with_both_labels(ontology_graph):
    """Issue 9 P9c: Malta had to be a `region`. The loader's place kinds (island and cemetery
    added) and the ontology's tkg:PlaceKind individuals are the same list, each labelled."""
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    from tarihkg.curation import PLACE_KINDS
    from tarihkg.namespaces import TKG

    terms = {str(s).removeprefix(str(TKG)) for s in ontology_graph.subjects(RDF.type,
                                                                          TKG.PlaceKind)}
    assert terms == set(PLACE_KINDS) and {"island", "cemetery"} <= terms
    for kind in PLACE_KINDS:
        langs = {lit.language for lit in ontology_graph.objects(TKG[kind], RDFS.label)
                 if isinstance(lit, Literal)}
        assert langs == {"tr", "en"}, kind


def test_a_cemetery_is_shown_as_one(built_client):
    html = page(built_client, "/resource/place/hiristiyan-mezarligi?lang=tr")
    brief = _section(html, "brief")
    assert "yer türü" in brief and "mezarlık" in brief and "bina" not in brief


def test_a_career_is_dated_by_the_event_a_fact_is_about(built_app, built_client):
    """A fact without its own date takes its event's date (docs/pages.md); the query's test for
    that stood inside a UNION branch where ?c and ?p were unbound, so it never matched: Halil
    Paşa, appointed in June 1918 and at the capture of Baku on 15 September 1918, had no
    career. On the event's own page its facts are not dated by its own date again."""
    from server.state import store

    html = page(built_client, "/resource/person/halil-pasa?lang=en")
    career = _section(html, "chronology")
    assert "Career, dated" in career
    assert 0 < career.index("June 1918") < career.index("15 September 1918")
    assert "/cite/f-000-150-halil-appointment-appointee" in career
    event = _section(page(built_client, "/resource/event/bakunun-kurtulusu?lang=en"),
                     "chronology")
    own = re.findall(r'<td><strong>[^<]*</strong>.*?href="/cite/([^"]+)"', event, flags=re.S)
    with built_app.app_context():
        for claim in own:
            assert store().query(f"""PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
                ASK {{ <{BASE}resource/claim/{claim}> tkg:date|tkg:claimObject ?d .
                       ?d a tkg:TimeSpan }}""").boolean, (claim, "dated only by the event")


def test_brief_says_a_date_once_and_a_conflict_has_a_name(built_app, built_client):
    """The capture of Baku's "In brief" listed "15 September 1918" seven times (one per sentence
    printing it); a claim page's "Linked from" named its conflict by a raw IRI."""
    html = page(built_client, "/resource/event/bakunun-kurtulusu?lang=en")
    brief = _section(html, "brief")
    dates = re.search(r"<dt>date</dt>\s*<dd>(.*?)</dd>", brief, flags=re.S).group(1)
    texts = re.findall(r">([^<]+)</a>", dates)
    assert texts and len(texts) == len(set(texts)), texts
    from server.state import store

    with built_app.app_context():
        claim = store().query("""PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
            SELECT ?c WHERE { ?x a tkg:Conflict ; tkg:conflictingClaim ?c ; tkg:disputes ?k }
            ORDER BY ?c LIMIT 1""").rows()[0]["c"]
    for lang, word in (("en", "Conflict ("), ("tr", "Çelişki (")):
        html = page(built_client, "/" + claim.removeprefix(BASE) + f"?lang={lang}")
        assert not re.search(r">https?://[^<]*/conflict/", html), "a conflict named by its IRI"
        assert word in html


def test_a_claim_page_shows_its_sentence_marked_and_in_context(built_app, built_client):
    """A claim's page gave its sentence only as a link cut after twelve words."""
    from server.state import store

    with built_app.app_context():
        row = store().query("""PREFIX tkg: <https://w3id.org/tarihkg/ontology#>
            SELECT ?c ?s ?text WHERE { ?c tkg:statedIn ?s . ?s tkg:text ?text }
            ORDER BY ?c LIMIT 1""").rows()[0]
    html = page(built_client, "/" + row["c"].removeprefix(BASE) + "?lang=en")
    quote = re.search(r'<blockquote class="sentence" lang="tr">(.*?)</blockquote>', html, re.S)
    assert quote, "the sentence"
    words = re.sub(r"<[^>]+>", "", quote.group(1))
    assert words.replace("&#39;", "'") == row["text"].replace("&", "&amp;")
    assert '<mark class="mention">' in quote.group(1)
    start, end = row["s"].rsplit("/", 1)[1].split("-")
    assert f'#s-{start}-{end}">in context</a>' in html


def test_counts_agree_with_their_noun_in_english(built_client):
    for path in ("/?lang=en", "/review?lang=en"):
        html = page(built_client, path)
        assert not re.search(r"\b1 (units|candidates)\b", html), path


def test_a_date_fact_shows_its_date_written_out_once(built_client):
    """A date fact read "date: 1918-09-15 15 September 1918": the value was the date node's raw
    EDTF label, then the date again."""
    html = page(built_client, "/resource/event/bakunun-kurtulusu?lang=en")
    facts = _section(html, "facts")
    shown = re.findall(r'<span class="prop">date</span>: <a [^>]*>([^<]+)</a>', facts)
    assert shown and all(text == "15 September 1918" for text in shown), shown
    assert not re.search(r'<span class="prop">date</span>: <a [^>]*>[^<]+</a>\s*'
                         r'<span class="date">\s*\d', facts), "the date said twice"


def test_a_reported_fact_says_whose_words_it_is_and_an_effect_is_no_article(built_client):
    """002 gives the Georgian soldiers' return inside Nuri Paşa's report ('raporda şunlar
    belirtti: …'): its facts are the report's words, so the page says so beside each fact and
    beside the value in brief; the Erzincan armistice's 'sona erdirecek' is its effect, not an
    article it never prints."""
    html = page(built_client, "/resource/event/gurcu-askerlerin-tiflise-donmesi")
    marks = re.findall(r'class="per">\(söyleyen: <a [^>]*>([^<]+)</a>\)', html)
    assert marks and set(marks) == {"Nuri Paşa’nın Üçüncü Ordu’ya raporu"}, marks
    brief = html.split('id="brief"', 1)[1].split("</section>", 1)[0]
    assert 'class="per"' in brief  # the outcome in brief carries it too
    html = page(built_client, "/resource/treaty/erzincan-mutarekesi")
    brief = html.split('id="brief"', 1)[1].split("</section>", 1)[0]
    assert "sona erdirecek iki girişimden ikincisi" in brief  # its effect, in brief
    assert "TreatyArticle" not in html and "maddesi" not in html.split('id="brief"', 1)[1].split(
        "</section>", 1)[0]


def test_a_season_is_written_out_not_shown_as_its_edtf_code(built_client):
    """'1918 yazında' is EDTF 1918-22 (summer 1918): a reader took the code for 1918–1922."""
    for lang, words in (("en", "summer 1918"), ("tr", "1918 yazı")):
        html = page(built_client, f"/resource/organization/turk-birlikleri?lang={lang}")
        facts = _section(html, "facts")
        assert words in facts, lang
        assert not re.search(r">\s*1918-22\s*<", facts), lang
