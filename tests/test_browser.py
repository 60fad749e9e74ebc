"""The site as a person uses it, in Debian's headless Chromium (Selenium + chromium-driver,
offline) against a real server on 127.0.0.1: landing page, search, an entity page and a link
from it, an example query run in the YASGUI editor, the timeline and the map. Screenshots go
to tests/artifacts/; the browser console must show no CSP violation or script error."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from test_server_live import running_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1400", "--lang=tr")


@pytest.fixture(scope="module")
def site(built_project) -> Iterator[str]:
    project, _ = built_project
    with running_server(Path(project.build_dir), workers=1, threads=4) as (base, _log):
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
    return WebDriverWait(driver, seconds).until(condition)


def test_landing_search_entity_and_a_link(site, browser):
    browser.get(site + "/?lang=tr")
    assert "Kafkas Cephesi" in browser.title
    assert browser.find_element(By.CSS_SELECTOR, "table.classes").is_displayed()
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
    assert browser.find_element(By.TAG_NAME, "h2").text == "Nuri Paşa"
    assert browser.find_elements(By.CSS_SELECTOR, "blockquote mark.mention")
    shot(browser, "03-entity")
    link = browser.find_element(By.CSS_SELECTOR,
                                "#incoming a[href='/resource/unit/kafkas-islam-ordusu']")
    link.click()
    wait(browser, ec.url_contains("/resource/unit/kafkas-islam-ordusu"))
    assert "Kafkas İslam Ordusu" in browser.find_element(By.TAG_NAME, "h2").text
    browser.find_element(By.CSS_SELECTOR, "a.langswitch").click()
    wait(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#facts h3"), "Facts"))
    browser.get(site + "/resource/person/nuri-pasa")
    assert browser.find_element(By.CSS_SELECTOR, "#facts h3").text == "Facts", \
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
    time.sleep(0.2)
    filtered = browser.find_elements(By.CSS_SELECTOR, "svg.timeline circle.event")
    assert 0 < len(filtered) < len(dots)
    browser.get(site + "/map?lang=en")
    places = browser.find_elements(By.CSS_SELECTOR, "svg.map circle.place")
    assert len(places) > 20
    shot(browser, "08-map")
    land = browser.execute_script(
        "var b = document.querySelector('svg.map path.land').getBBox();"
        "return [b.width, getComputedStyle(document.querySelector('svg.map .sea')).fill,"
        " getComputedStyle(document.querySelector('svg.map .land')).fill];")
    assert land[0] > 500 and land[1] != land[2], "the base layer is drawn, sea and land differ"
    inset = browser.find_element(By.CSS_SELECTOR, "svg.map.inset")
    browser.execute_script("arguments[0].scrollIntoView()", inset)
    shot(browser, "09-map-inset")
    baku = browser.find_element(By.CSS_SELECTOR, "svg.map a[href='/resource/place/baku']")
    baku.click()
    wait(browser, ec.url_contains("/resource/place/baku"))
    assert console_errors(browser) == []
