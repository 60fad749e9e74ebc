"""The site as a person uses it, in Debian's headless Chromium (Selenium + chromium-driver,
offline) against a real server on 127.0.0.1: landing page, search, an entity page and a link
from it, an example query run in the YASGUI editor, the timeline and the map; and every page
kind checked by axe-core (from npm) at 1366 px, failing on any critical or serious violation,
and for sideways overflow at 390 px. Screenshots (whole pages, 1366 and 390 px wide) go to
tests/artifacts/screenshots/ with page heights in tests/artifacts/pages.json; the browser
console must show no CSP violation or script error."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import running_server
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = 1366, 390
#: Page kinds axe-core checks: name -> path, or a SPARQL query whose first ?x is the page.
PAGE_KINDS: dict[str, str] = {
    "landing": "/",
    "query": "/query",
    "search": "/search?q=Bak%C3%BC",
    "timeline": "/timeline",
    "map": "/map",
    "dumps": "/dumps/",
    "exports": "/exports/",
    "ontology": "/ontology",
    "source": "/resource/source/002_afd972166be37c54",
    "person": "/resource/person/nuri-pasa",
    "unit": "/resource/unit/kafkas-islam-ordusu",
    "place": "/resource/place/baku",
    "treaty": "/resource/treaty/mondros-mutarekesi",
    "work": "/resource/work/surmeli-2001",
    "cite": "claim",
    "claim": "claim",
    "event": "Event",
    "polity": "Polity",
    "organization": "Organization",
}
#: Page kinds a script draws after the page has loaded: the element that shows it is drawn.
READY = {"query": ".yasqe .CodeMirror", "map": "#leaflet-map path.leaflet-interactive"}
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1400", "--lang=tr")


@pytest.fixture(scope="module")
def site(built_project) -> Iterator[str]:
    project, _ = built_project
    with running_server(Path(project.build_dir), threads=4) as (base, _log):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.TemporaryDirectory(prefix="tarihkg-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile.name}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def shot(driver: webdriver.Chrome, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def console_errors(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]


def wait(driver: webdriver.Chrome, condition, seconds: float = 10):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)


def painted(driver: webdriver.Chrome) -> None:
    """Return once the browser has drawn a frame since the call (two animation frames): the
    layout after a resize or a click is what a screenshot or a measurement then sees."""
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));")


def test_landing_search_entity_and_a_link(site, browser):
    browser.get(site + "/?lang=tr")
    assert "Kafkas Cephesi" in browser.title
    assert browser.find_element(By.CSS_SELECTOR, "ul.browse-counts").is_displayed()
    shot(browser, "01-landing")
    box = browser.find_element(By.CSS_SELECTOR, "form.searchbox input[name=q]")
    box.send_keys("bakuyu", Keys.ENTER)
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "ol.hits li a")))
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li a")
    assert first.get_attribute("href").endswith("/resource/place/baku")
    shot(browser, "02-search")
    browser.get(site + "/search?q=Nuri+Pa%C5%9Fa%E2%80%99n%C4%B1n")
    browser.find_element(By.CSS_SELECTOR, "ol.hits li a").click()
    wait(browser, ec.url_contains("/resource/person/nuri-pasa"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nuri Paşa"
    assert browser.find_elements(By.CSS_SELECTOR, "blockquote mark.mention")
    shot(browser, "03-entity")
    link = browser.find_element(By.CSS_SELECTOR,
                                "#incoming a[href='/resource/unit/kafkas-islam-ordusu']")
    link.click()
    wait(browser, ec.url_contains("/resource/unit/kafkas-islam-ordusu"))
    assert "Kafkas İslam Ordusu" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.CSS_SELECTOR, "a.langswitch").click()
    wait(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#facts h2"), "Facts"))
    browser.get(site + "/resource/person/nuri-pasa")
    assert browser.find_element(By.CSS_SELECTOR, "#facts h2").text == "Facts", \
        "the language choice is remembered"
    shot(browser, "04-entity-en")
    assert console_errors(browser) == []


def test_example_query_runs_in_the_editor_and_shows_rows(site, browser):
    browser.get(site + "/query")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    example = browser.find_element(By.CSS_SELECTOR, "a.example-query")
    browser.execute_script("arguments[0].scrollIntoView();", example)
    example.click()
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"), 20)
    assert len(rows) > 0
    assert "query=" in browser.find_element(By.ID, "share-link").get_attribute("href")
    browser.execute_script("window.scrollTo(0, 0);")
    shot(browser, "05-query")
    assert console_errors(browser) == []


def _rows_or_error(driver: webdriver.Chrome):
    rows = driver.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    error = driver.find_element(By.ID, "query-error")
    return (rows, error.text) if rows or error.is_displayed() else False


def test_gallery_queries_open_run_and_link_to_local_pages(site, browser):
    browser.get(site + "/?lang=en")
    first = browser.find_element(By.CSS_SELECTOR, ".gallery a")
    first.click()
    rows, error = wait(browser, _rows_or_error, 30)
    assert rows and not error
    links = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody a")]
    local = [h for h in links if h.startswith(site + "/resource/")]
    assert local and not [h for h in links if h.startswith("https://w3id.org/")]
    browser.get(site + "/query?example=02-unit-commanders.rq")
    wait(browser, _rows_or_error, 30)
    unit = browser.find_element(By.CSS_SELECTOR, ".yasr table tbody a[href*='/resource/unit/']")
    assert unit.text and "w3id.org" not in unit.text and '"' not in unit.text, unit.text
    shot(browser, "05b-query-labels")


def test_query_errors_are_one_readable_line(site, browser):
    browser.get(site + "/query?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D")
    _rows, error = wait(browser, _rows_or_error, 30)
    assert error.startswith("Line 1, column 25:") and "\n" not in error
    browser.get(site + "/query?example=90-wikidata-coordinates-of-linked-places.rq&lang=en")
    _rows, error = wait(browser, _rows_or_error, 30)
    assert "TARIHKG_SERVICE_ALLOWLIST=https://query.wikidata.org/sparql" in error
    browser.get_log("browser")  # the 400 and 403 asked for here are not errors of the next test


def test_query_results_drawn_on_timeline_and_map(site, browser):
    query = ("PREFIX tkg: <https://w3id.org/tarihkg/ontology#>\n"
             "PREFIX schema: <https://schema.org/>\n"
             "SELECT ?place ?lat ?lon WHERE { ?place schema:geo ?g . "
             "?g schema:latitude ?lat ; schema:longitude ?lon }")
    browser.get(site + "/query?query=" + query.replace(" ", "%20").replace("\n", "%0A")
                .replace("#", "%23").replace("?", "%3F").replace("{", "%7B").replace("}", "%7D"))
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    assert "schema:geo" in browser.execute_script(
        "return document.querySelector('.CodeMirror').CodeMirror.getValue();")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#result-map svg circle"), 20)
    shot(browser, "06-query-map")
    dated = ("PREFIX tkg: <https://w3id.org/tarihkg/ontology#>\n"
             "SELECT ?event ?earliest WHERE {\n"
             "  ?event a tkg:Event ; tkg:date/tkg:earliest ?earliest }")
    browser.execute_script(
        "document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0]);", dated)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#result-timeline svg circle"), 20)
    assert console_errors(browser) == []


def test_timeline_and_map(site, browser):
    browser.get(site + "/timeline?lang=en")
    dots = browser.find_elements(By.CSS_SELECTOR, "svg.timeline circle.event")
    assert len(dots) > 20
    shot(browser, "07-timeline")
    select = browser.find_element(By.CSS_SELECTOR, "form.filters select[name=type]")
    options = select.find_elements(By.TAG_NAME, "option")
    capture = next(o for o in options if o.text == "capture" or "Capture" in o.text
                   or o.get_attribute("value").endswith("#Capture"))
    capture.click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait(browser, lambda d: "type=" in d.current_url)
    filtered = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR,
                                                       "svg.timeline circle.event"))
    assert 0 < len(filtered) < len(dots)
    browser.get(site + "/map?lang=en")
    markers = wait(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, "#leaflet-map path.leaflet-interactive"), 20)
    assert len(markers) > 15
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#leaflet-map path[fill-rule]"), 20)
    shot(browser, "08-map")
    spread = ("var xs = Array.from(document.querySelectorAll("
              "'#leaflet-map path.leaflet-interactive')).map(p => p.getBoundingClientRect().x);"
              "return Math.max(...xs) - Math.min(...xs);")
    before = browser.execute_script(spread)
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").click()
    # the map zooms (Leaflet animates the zoom: its end is waited for, not slept through)
    wait(browser, lambda d: d.execute_script(spread) > 1.1 * before)
    count = browser.find_element(By.ID, "map-count").text
    kind = browser.find_element(By.CSS_SELECTOR, "#map-filters select[name=kind]")
    capture = next(o for o in kind.find_elements(By.TAG_NAME, "option")
                   if o.get_attribute("value").endswith("#Capture"))
    capture.click()
    wait(browser, lambda d: d.find_element(By.ID, "map-count").text != count)
    year = browser.find_element(By.CSS_SELECTOR, "#map-filters select[name=to]")
    next(o for o in year.find_elements(By.TAG_NAME, "option") if o.text == "1917").click()
    wait(browser, lambda d: int(d.find_element(By.ID, "map-count").text.split()[0])
         < int(count.split()[0]))
    browser.get(site + "/map?lang=en")
    baku = wait(browser, ec.presence_of_element_located(
        (By.CSS_SELECTOR, "table.places a[href='/resource/place/baku']")))
    baku.click()
    wait(browser, ec.url_contains("/resource/place/baku"))
    assert console_errors(browser) == []


def _path(kind: str, built_app) -> str:
    """The page checked for a page kind: a fixed path, or one instance found in the graph."""
    target = PAGE_KINDS[kind]
    if target.startswith("/"):
        return target
    store = built_app.extensions["tarihkg"].store
    tkg = "https://w3id.org/tarihkg/ontology#"
    if target == "claim":
        sparql = (f"SELECT ?x WHERE {{ ?x <{tkg}reviewStatus> <{tkg}reviewed> ; "
                  f"<{tkg}supportedBy> ?c }} ORDER BY ?x LIMIT 1")
    else:
        sparql = (f"SELECT ?x WHERE {{ ?x a <{tkg}{target}> ; <{tkg}registryId> ?id }} "
                  "ORDER BY ?x LIMIT 1")
    iri = store.query(sparql).rows()[0]["x"]
    path = "/" + iri.removeprefix("https://w3id.org/tarihkg/")
    return path.replace("/resource/claim/", "/cite/") if kind == "cite" else path


def _whole_page(driver: webdriver.Chrome, width: int, name: str) -> int:
    """Screenshot the whole page at ``width`` px; returns the page height."""
    driver.set_window_size(width, 900)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, min(height, 12000))
    painted(driver)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}-{width}.png"))
    return height


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))),
  e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_kind_accessible_and_fits_a_phone(site, browser, built_app, kind):
    path = _path(kind, built_app)
    browser.set_window_size(DESKTOP, 900)
    browser.get(site + path + ("&" if "?" in path else "?") + "lang=en")
    if kind in READY:  # pages drawn by a script after loading: checked once drawn
        wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, READY[kind])), 20)
    painted(browser)
    h1 = browser.find_elements(By.TAG_NAME, "h1")
    assert len(h1) == 1 and h1[0].text.strip() and h1[0].text.strip() != "tarihkg", kind
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    violations = browser.execute_async_script(AXE_RUN)
    heights = {DESKTOP: _whole_page(browser, DESKTOP, kind)}
    browser.set_window_size(PHONE, 900)
    overflow = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    heights[PHONE] = _whole_page(browser, PHONE, kind)
    record = ARTIFACTS / "pages.json"
    pages = json.loads(record.read_text()) if record.exists() else {}
    pages[kind] = {"path": path, "height_1366": heights[DESKTOP], "height_390": heights[PHONE],
                   "axe": [(v["id"], v["impact"]) for v in violations]}
    record.write_text(json.dumps(pages, indent=2, ensure_ascii=False))
    bad = [v for v in violations if v["impact"] in ("critical", "serious")]
    assert bad == [], f"{kind} {path}: {bad}"
    assert overflow[0] <= overflow[1], f"{kind} {path} overflows sideways at {PHONE} px: {overflow}"
    if kind == "landing":
        assert heights[DESKTOP] < 4000, f"the landing page is {heights[DESKTOP]} px tall"
    assert console_errors(browser) == []


#: Elements that must keep their words whole on a phone: the labels of an entity's head table,
#: a candidate's UNREVIEWED mark, the Cite link beside a fact.
WHOLE_WORDS = ".facts-head th, table.review .status, .cite-link"
BROKEN = """
return Array.from(document.querySelectorAll(arguments[0])).filter(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
  return el.textContent.trim().split(/\\s+/).length === 1 && lines.size > 1;
}).map(el => el.textContent.trim());
"""


@pytest.mark.parametrize("path", ["/resource/unit/5-kafkas-tumeni", "/resource/person/halil-pasa",
                                  "/review"])
def test_a_phone_never_breaks_a_label_letter_by_letter(site, browser, path):
    """At 390 px "Description" wrapped as "Descrip/tion", "UNREVIEWED" as "UN/RE/VIE/WE/D" and
    "Cite" as "Ci/te" (overflow-wrap: anywhere let table cells shrink to one letter). A one-word
    label must now stand on one line, and the page must not overflow sideways."""
    browser.set_window_size(PHONE, 900)
    browser.get(site + path + "?lang=en")
    painted(browser)
    assert browser.find_elements(By.CSS_SELECTOR, WHOLE_WORDS), path
    assert browser.execute_script(BROKEN, WHOLE_WORDS) == [], path
    width = browser.execute_script("return [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], (path, width)
