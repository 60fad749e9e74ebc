"""The front door on the real build: the landing page (both articles with their authors in
printed order, size and version, browse lists with counts, the order of battle, a short query
gallery without query text) and the list page of every class."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server.browse import KINDS

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
TKG = "https://w3id.org/tarihkg/ontology#"


def _count(app, cls: str) -> int:
    store = app.extensions["tarihkg"].store
    return int(store.query(f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        ?x a <{TKG}{cls}> ; <{TKG}registryId> ?id }}""").rows()[0]["n"])


def test_landing_names_both_articles_and_offers_ways_in(built_client, built_app) -> None:
    html = built_client.get("/?lang=en", headers=HTML).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "T. Halilov &amp; S. Aliyev" in html and "Çağatay Benhür" in html
    assert "Heterotopic View" in html and "Journal not printed in the text" in html
    assert "Türk Birliklerinin Azerbaycan’ı Tahliye Etmesi (1918)" in html
    persons = re.search(r'href="/browse/persons">Persons</a> <span class="n">(\d+)</span>', html)
    assert persons and int(persons.group(1)) == _count(built_app, "Person") > 20
    assert 'href="/resource/unit/kafkas-islam-ordusu"' in html  # the order of battle
    assert 'href="/browse/events?year=1918"' in html
    assert "SELECT" not in html, "the gallery shows titles, not query text"
    assert re.search(r'href="/query\?example=[^"]+\.rq"', html)
    assert "Version 0.1.0" in html


def test_landing_counts_the_registered_articles(built_client) -> None:
    """The heading reads the sources registry: a third registered article makes it say 3."""
    from pathlib import Path

    from tarihkg.curation import load_sources_meta

    root = Path(__file__).resolve().parent.parent
    n = len(load_sources_meta(root / "data" / "sources" / "sources.yaml"))
    for lang, words in (("en", f"from {n} Turkish articles"), ("tr", f"{n} Türkçe makaleden")):
        html = built_client.get(f"/?lang={lang}", headers=HTML).get_data(as_text=True)
        h1 = html[html.index("<h1"):html.index("</h1>")]
        assert words in h1, h1


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_class_has_a_list_page(built_client, kind: str) -> None:
    response = built_client.get(f"/browse/{kind}?lang=en", headers=HTML)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert len(re.findall(r'<li><a href="/resource/', html)) > 0


def test_units_list_is_an_order_of_battle(built_client, built_app) -> None:
    html = built_client.get("/browse/units?lang=tr", headers=HTML).get_data(as_text=True)
    tree = html[html.index('<ul class="tree">'):html.index("<h2>Alfabetik")]
    kio = tree.index('href="/resource/unit/kafkas-islam-ordusu"')
    below = tree[kio:tree.index("</ul>", kio)]
    store = built_app.extensions["tarihkg"].store
    children = {r["x"].rsplit("/", 1)[1] for r in store.query(f"""SELECT ?x WHERE {{
        ?x <{TKG}partOf> <https://w3id.org/tarihkg/resource/unit/kafkas-islam-ordusu> }}""").rows()}
    assert children and any(f'href="/resource/unit/{c}"' in below for c in children)


def test_events_by_year_filters(built_client, built_app) -> None:
    html = built_client.get("/browse/events?year=1918&lang=en", headers=HTML).get_data(
        as_text=True)
    dates = re.findall(r"<small>([^<]+)</small>", html)
    assert dates and all("1918" in d for d in dates)
    assert built_client.get("/browse/nothing", headers=HTML).status_code == 404


def test_dumps_download_as_gzip_files_that_verify(built_client) -> None:
    import gzip
    import hashlib

    sums = dict(line.split("  ")[::-1] for line in
                built_client.get("/dumps/SHA256SUMS").get_data(as_text=True).splitlines())
    assert sums
    for name, digest in sums.items():
        response = built_client.get(f"/dumps/{name}")
        assert response.status_code == 200 and response.mimetype == "application/gzip", name
        assert "Content-Encoding" not in response.headers, name
        assert hashlib.sha256(response.data).hexdigest() == digest, name
        assert gzip.decompress(response.data) == built_client.get(
            f"/dumps/{name.removesuffix('.gz')}").data


def test_void_names_both_articles_version_and_loadable_dumps(build_dir) -> None:
    import rdflib
    from helpers import COMMITTED, registered_sources, running_server

    with running_server(build_dir, threads=2) as (base, _log):
        void = rdflib.Graph().parse(f"{base}/.well-known/void", format="turtle")
        dct = rdflib.Namespace("http://purl.org/dc/terms/")
        sources = set(void.objects(None, dct.source))
        assert {str(s).rsplit("/", 1)[1] for s in sources} == registered_sources() >= COMMITTED
        refs = " ".join(str(o) for o in void.objects(None, dct.bibliographicCitation))
        assert "T. Halilov & S. Aliyev" in refs and "Çağatay Benhür" in refs
        assert [str(v) for v in void.objects(None, rdflib.OWL.versionInfo)] == ["0.1.0"]
        assert len(list(void.objects(None, dct.modified))) == 1
        dumps = [str(o) for o in void.objects(None, rdflib.URIRef(
            "http://rdfs.org/ns/void#dataDump"))]
        turtle = next(d for d in dumps if d.endswith("/dumps/tarihkg.ttl"))
        graph = rdflib.Graph().parse(turtle)  # the URL as VoID gives it, format from the type
        assert len(graph) > 10_000


class _MainText(HTMLParser):
    """The visible text of <main>, without the permanent-IRI cell and code blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        if tag in ("code", "script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1
        if tag in ("code", "script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


ENTITY_PAGES = ("/resource/treaty/mondros-mutarekesi", "/resource/person/nuri-pasa",
                "/resource/unit/kafkas-islam-ordusu", "/resource/place/baku",
                "/resource/event/bakunun-kurtulusu", "/resource/treaty/batum-antlasmasi",
                "/resource/treaty/nuri-pasa-thomson-anlasmasi")


@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_entity_pages_show_labels_not_iris(built_client, path: str) -> None:
    html = built_client.get(path + "?lang=en", headers=HTML).get_data(as_text=True)
    text = _MainText()
    text.feed(html)
    main = " ".join(text.parts)
    assert "w3id.org" not in main and "http://" not in main and "https://" not in main, path
    assert not re.search(r"\bf-\d{3}-\d{3}-", main), "a bare fact id in the main text"
    assert "found by the rule" not in main and "mention_check" not in main
    assert html.count("<h1") == 1


def test_treaty_articles_and_signatories_have_words(built_client) -> None:
    html = built_client.get("/resource/treaty/mondros-mutarekesi?lang=en",
                            headers=HTML).get_data(as_text=True)
    assert "Article 11: Türk birliklerinin" in html and "Article 15:" in html
    # among the facts, the sentence stating both articles is shown once, with both facts
    facts = html[html.index('id="facts-h"'):]
    sentence = "Birinci Dünya Savaşından yenilgiyle çıkan"
    assert facts.count(sentence) == 1
    block = facts[:facts.index(sentence)]
    block = block[block.rindex('<div class="evidence"'):]
    assert "Article 11:" in block and "Article 15:" in block
    signed = built_client.get("/resource/treaty/batum-antlasmasi?lang=en",
                              headers=HTML).get_data(as_text=True)
    assert re.search(r">Vehib Pasha \(Ottoman Empire[,)]", signed), "signatory with side"
    assert re.search(r">Halil Menteşe \(Ottoman Empire, [^<)]+\)<", signed), "... and office"


def test_place_page_has_coordinates_and_a_small_map(built_client) -> None:
    html = built_client.get("/resource/place/baku?lang=en", headers=HTML).get_data(as_text=True)
    assert re.search(r"40\.\d{4}° N, 49\.\d{4}° E", html)
    assert '<svg class="minimap' in html and 'class="land"' in html
    assert "What happened here, by date" in html


def test_person_page_opens_with_a_dated_career(built_client) -> None:
    html = built_client.get("/resource/person/nuri-pasa?lang=en", headers=HTML).get_data(
        as_text=True)
    assert html.index("Career, dated") < html.index('id="facts-h"')
    dates = re.findall(r'<td class="when">([^<]+)</td>', html)
    assert len(dates) >= 3


def test_timeline_filters_by_date_range(built_client) -> None:
    every = built_client.get("/timeline?lang=en", headers=HTML).get_data(as_text=True)
    autumn = built_client.get("/timeline?lang=en&from=1918-09-01&to=1918-10-31",
                              headers=HTML).get_data(as_text=True)
    dates = re.findall(r'<span class="date">([^<]+)</span>', autumn)
    assert dates and all(("September 1918" in d or "October 1918" in d) for d in dates), dates
    assert len(dates) < len(re.findall(r'<span class="date">', every))
    assert ">1918-09<" in autumn, "a short range is ticked by month"
    assert built_client.get("/timeline?from=yesterday", headers=HTML).status_code == 400


def test_map_data_for_the_zoomable_map(built_client) -> None:
    places = built_client.get("/map/places.json?lang=en").get_json()
    points = [f for f in places["features"] if f["geometry"]["type"] == "Point"]
    baku = next(f for f in points if f["properties"]["href"] == "/resource/place/baku")
    assert baku["geometry"]["coordinates"][0] == pytest.approx(49.87, abs=0.1)
    years = {e["year"] for e in baku["properties"]["events"]}
    assert 1918 in years
    assert any(e["kinds"] for e in baku["properties"]["events"])
    base = built_client.get("/map/base.json").get_json()
    assert {f["properties"]["layer"] for f in base["features"]} == {"land", "coast", "border"}
    html = built_client.get("/map?lang=en", headers=HTML).get_data(as_text=True)
    assert "/vendor/leaflet/leaflet.js" in html and 'name="kind"' in html
    assert built_client.get("/vendor/leaflet/leaflet.js").status_code == 200


def test_full_text_search_finds_inflected_forms_in_context(built_client, built_app) -> None:
    from tarihkg.text.turkish import search_key

    body = built_client.get("/search?q=Bak%C3%BC&format=json").get_json()
    store = built_app.extensions["tarihkg"].store
    sentences = [r["t"] for r in store.query(
        f"SELECT ?t WHERE {{ ?s a <{TKG}Sentence> ; <{TKG}text> ?t }}").rows()]
    words = [re.findall(r"\w+(?:[’']\w+)*", t) for t in sentences]
    expected = sum(1 for ws in words if any(search_key(w).startswith("baku") for w in ws))
    assert len(body["sentences"]) == expected > 20
    assert any("Bakü’" in s["text"] for s in body["sentences"]), "inflected forms included"
    assert all(s["href"].startswith("/resource/source/") and "#s-" in s["href"]
               for s in body["sentences"])
    html = built_client.get("/search?q=ordusunu&lang=en", headers=HTML).get_data(as_text=True)
    assert re.search(r'<mark class="mention">[^<]*[Oo]rdusunu', html), "keyword in context"


def test_no_results_suggests_what_to_try(built_client) -> None:
    html = built_client.get("/search?q=qqqxxy&lang=en", headers=HTML).get_data(as_text=True)
    assert "No name and no sentence found" in html and "the stem of a word" in html


@pytest.mark.parametrize(("typed", "found"), [("Killigil", "/resource/person/nuri-pasa"),
                                              ("Elisavetpol", "/resource/place/gence"),
                                              ("Kirovabad", "/resource/place/gence"),
                                              ("Bakı", "/resource/place/baku")])
def test_names_the_texts_do_not_print_find_the_entity(built_client, typed: str, found: str
                                                      ) -> None:
    body = built_client.get(f"/search?q={typed}&format=json").get_json()
    assert body["results"] and body["results"][0]["href"] == found, body["results"][:2]


def test_a_name_elsewhere_needs_its_source(tmp_path) -> None:
    from tarihkg.curation import load_registry
    from tarihkg.errors import CurationError

    (tmp_path / "persons.yaml").write_text(
        "- id: nuri-pasa\n  type: Person\n  label: {tr: Nuri Paşa, en: Nuri Pasha}\n"
        "  aliases: [Nuri Paşa]\n  names_elsewhere:\n    - name: Nuri Killigil\n",
        encoding="utf-8")
    with pytest.raises(CurationError, match="needs a 'name' and the 'source'") as info:
        load_registry(tmp_path)
    assert "persons.yaml" in str(info.value)


def test_claim_pages_have_a_readable_heading(built_client, built_app) -> None:
    store = built_app.extensions["tarihkg"].store
    claim = store.query(f"""SELECT ?c WHERE {{ ?c <{TKG}claimPredicate> <{TKG}commander> ;
        <{TKG}reviewStatus> <{TKG}reviewed> }} ORDER BY ?c LIMIT 1""").rows()[0]["c"]
    path = claim.removeprefix("https://w3id.org/tarihkg")
    html = built_client.get(path + "?lang=en", headers=HTML).get_data(as_text=True)
    heading = re.search(r"<h1>([^<]+)</h1>", html)
    assert heading and "—" in heading.group(1) and "commander" in heading.group(1)
    assert "w3id.org" not in heading.group(1)
    assert f'href="/cite/{claim.rsplit("/", 1)[1]}"' in html
