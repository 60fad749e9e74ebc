"""Exports for reuse on the real build: QuickStatements V1 parsed line by line and checked
against the graph, CSL-JSON and BibTeX for the articles and every cited work, and the server's
downloads with their licence ("cite this" has its own file, test_cite.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from helpers import COMMITTED, registered_sources

from server import create_app
from tarihkg.citation import Release, csl_items, format_bibtex, format_ris
from tarihkg.export import (
    QS_PROPERTIES,
    format_quickstatements,
    quickstatements,
)
from tarihkg.names import BASE, DATASET, ONTOLOGY_NS
from tarihkg.store import Store, build_store, open_store

TKG = ONTOLOGY_NS
LICENCE = DATASET.licence.iri
WD = "http://www.wikidata.org/entity/"
RETRIEVED = date(2026, 11, 21)
RELEASE = Release("0.1.0", RETRIEVED)
PREFIXES = f"PREFIX tkg: <{TKG}>\nPREFIX owl: <http://www.w3.org/2002/07/owl#>\n"


@pytest.fixture(scope="module")
def real(built_project) -> Store:
    project, _ = built_project
    return open_store(project.build_dir)


@pytest.fixture(scope="module")
def linked(built_project, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The real build plus a synthetic confirmed link (Q99000000n, not Wikidata's ids) for every
    curated entity that has none and for each article, so that every mappable statement of the
    graph is exported, each with the article as "stated in"."""
    project, _ = built_project
    real_store = open_store(project.build_dir)
    rows = real_store.query(PREFIXES + """SELECT DISTINCT ?e WHERE {
        ?e tkg:registryId ?id FILTER NOT EXISTS { ?e owl:sameAs ?q } } ORDER BY ?e""").rows()
    target = tmp_path_factory.mktemp("linked")
    nq = target / "tarihkg.nq"
    docs = real_store.query(PREFIXES + """SELECT DISTINCT ?e WHERE {
        ?c a tkg:Claim ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?e } ORDER BY ?e""").rows()
    extra = "".join(f"<{r['e']}> <http://www.w3.org/2002/07/owl#sameAs> <{WD}Q99{i:07d}> "
                    f"<{BASE}graph/curation> .\n" for i, r in enumerate([*rows, *docs], start=1))
    nq.write_text((project.build_dir / "tarihkg.nq").read_text(encoding="utf-8") + extra,
                  encoding="utf-8")
    build_store(nq, target / "store")
    return open_store(target)


def _one(store: Store, sparql: str) -> list[dict[str, str]]:
    return store.query(PREFIXES + sparql).rows()


_TIME = re.compile(r"^\+(\d{4})-(\d{2})-(\d{2})T00:00:00Z/(9|10|11)$")


def _parse(line: str) -> tuple[str, str, str, dict[str, str]]:
    cols = line.split("\t")
    assert len(cols) % 2 == 1 and len(cols) >= 11, line
    subject, prop, value, rest = cols[0], cols[1], cols[2], cols[3:]
    refs = dict(zip(rest[::2], rest[1::2], strict=True))
    return subject, prop, value, refs


def _unquote(value: str) -> str:
    lang, _, text = value.partition(":") if re.match(r"^[a-z]{2,3}:\"", value) else ("", "", value)
    assert text.startswith('"') and text.endswith('"'), value
    return text[1:-1]


@pytest.mark.parametrize(("store", "at_least"), [("real", 6), ("linked", 20)])
def test_quickstatements_line_by_line_against_the_graph(request: pytest.FixtureRequest,
                                                        store: str, at_least: int) -> None:
    """Every line of the real export (which grows with the confirmed links) and of the export
    with every entity linked is a statement of a reviewed claim, with its references."""
    linked: Store = request.getfixturevalue(store)
    text = format_quickstatements(quickstatements(linked, retrieved=RETRIEVED))
    lines = text.splitlines()
    assert len(lines) >= at_least
    pids = set(QS_PROPERTIES.values())
    for line in lines:
        subject, prop, value, refs = _parse(line)
        assert re.fullmatch(r"Q[1-9]\d*", subject) and prop in pids, line
        assert set(refs) >= {"S1476", "S854", "S1683", "S813"} and set(refs) <= {
            "S248", "S1476", "S854", "S304", "S1683", "S813"}, line
        assert ("S248" in refs) == (store == "linked"), "stated in: only an article with an item"
        claim = _unquote(refs["S854"])
        rows = _one(linked, f"""SELECT ?p ?quote ?page ?o ?edtf ?qo WHERE {{
            <{claim}> a tkg:Claim ; tkg:claimSubject ?s ; tkg:claimPredicate ?p ;
                      tkg:claimObject ?o ; tkg:quote ?quote ; tkg:statedIn ?sentence ;
                      tkg:reviewStatus tkg:reviewed .
            ?s owl:sameAs <{WD}{subject}> .
            OPTIONAL {{ ?sentence tkg:page ?page }}
            OPTIONAL {{ ?o tkg:edtf ?edtf }}
            OPTIONAL {{ ?o owl:sameAs ?qo }} }}""")
        assert rows, f"no claim of {subject} behind: {line}"
        row = rows[0]
        if "S248" in refs:  # the item of the article the claim comes from
            assert _one(linked, f"""SELECT ?doc WHERE {{
                <{claim}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc .
                ?doc owl:sameAs <{WD}{refs['S248']}> }}"""), line
        assert QS_PROPERTIES[row["p"].removeprefix(TKG)] == prop, line
        if prop == "P585":
            match = _TIME.match(value)
            assert match, line
            year, month, day, precision = match.groups()
            expected = {"9": year, "10": f"{year}-{month}", "11": f"{year}-{month}-{day}"}
            assert row["edtf"] == expected[precision], line
        else:
            assert row["qo"] == WD + value, line
        assert _unquote(refs["S1683"]) == " ".join(row["quote"].replace('"', "\u201d").split())
        assert refs["S1683"].startswith("tr:") and refs["S1476"].startswith("tr:")
        if "S304" in refs:
            assert _unquote(refs["S304"]) == row["page"]
        else:
            assert "page" not in row
        assert refs["S813"] == "+2026-11-21T00:00:00Z/11"


def test_quickstatements_only_for_confirmed_links(real: Store) -> None:
    """On the real build, every subject and item value of a line is a confirmed link."""
    confirmed = {r["q"].removeprefix(WD) for r in _one(
        real, "SELECT ?q WHERE { ?e tkg:registryId ?id ; owl:sameAs ?q }")}
    for line in format_quickstatements(quickstatements(real, retrieved=RETRIEVED)).splitlines():
        subject, prop, value, _ = _parse(line)
        assert subject in confirmed and (prop == "P585" or value in confirmed), line


def test_csl_json_and_bibtex_cover_articles_and_every_cited_work(real: Store) -> None:
    items = csl_items(real, base=BASE, release=RELEASE)
    json.loads(json.dumps(items))
    by_type: dict[str, list[dict]] = {}
    for item in items:
        by_type.setdefault(str(item["type"]), []).append(item)
    works = _one(real, "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w a tkg:CitedWork }")
    assert len(by_type["document"]) == int(works[0]["n"]) > 10
    articles = {a["id"]: a for a in by_type["article-journal"]}
    assert set(articles) == registered_sources() >= COMMITTED  # every article, added ones too
    assert articles["000_539a70a237dcfef4"]["author"] == [{"family": "Benhür",
                                                           "given": "Çağatay"}]
    # Only what the articles print: 002's page header names its journal, 000 prints none.
    assert "container-title" not in articles["000_539a70a237dcfef4"]
    assert articles["002_afd972166be37c54"]["container-title"] == "Heterotopic View"
    assert all("Copyright remains" in articles[sid]["note"] for sid in COMMITTED)
    assert LICENCE in by_type["dataset"][0]["note"]
    assert by_type["dataset"][0]["version"] == "0.1.0"
    surmeli = next(w for w in by_type["document"] if w["id"] == "surmeli-2001")
    assert surmeli["issued"] == {"date-parts": [[2001]]}

    bib = format_bibtex(items)
    assert bib.startswith("@comment{") and "CC BY 4.0" in bib.splitlines()[0]
    keys = re.findall(r"^@(?:article|misc)\{([^,]+),$", bib, flags=re.M)
    assert keys == [str(i["id"]) for i in items]
    assert bib.count("{") == bib.count("}") + bib.count("\\}") - bib.count("\\{")
    assert "author = {Benhür, Çağatay}" in bib


def test_server_downloads_carry_the_licence(built_project, real: Store) -> None:
    project, _ = built_project
    client = create_app({"DATASET_DIR": str(project.build_dir), "QUERY_PROCESSES": 0}
                        ).test_client()
    for name, media in (("quickstatements.txt", "text/plain"),
                        ("sources.json", "application/vnd.citationstyles.csl+json"),
                        ("sources.bib", "application/x-bibtex"),
                        ("sources.ris", "application/x-research-info-systems")):
        response = client.get(f"/exports/{name}")
        assert response.status_code == 200 and response.mimetype == media, name
        assert LICENCE in response.headers["Link"] and 'rel="license"' in response.headers[
            "Link"]
    assert len(json.loads(client.get("/exports/sources.json").data)) == len(
        csl_items(real, base=BASE, release=RELEASE))
    assert client.get("/exports/nothing.txt").status_code == 404


def test_cli_export_writes_a_file(built_project, tmp_path: Path) -> None:
    from tarihkg.cli import main

    project, _ = built_project
    out = tmp_path / "sources.bib"
    assert main(["--root", str(project.root), "export", "--format", "bibtex", "--output",
                 str(out), "--retrieved", "2026-11-21"]) == 0
    assert out.read_text(encoding="utf-8").startswith("@comment{")
    assert main(["--root", str(project.root), "export", "--format", "rdf"]) == 2



def test_bibtex_and_ris_carry_the_volume_csl_json_has() -> None:
    """An article printing its volume (an outside trial's, volume 4, issue 2): CSL-JSON had it,
    BibTeX and RIS dropped it."""
    item = {"id": "ozdag-2021", "type": "article-journal", "title": "1919 Baharında Nahçıvan",
            "author": [{"family": "Özdağ", "given": "Selim"}], "issued": {"date-parts": [[2021]]},
            "container-title": "Kafkas Araştırmaları Dergisi", "volume": "4", "issue": "2",
            "page": "61-63"}
    bib = format_bibtex([item])
    assert "volume = {4}" in bib and "number = {2}" in bib and "pages = {61-63}" in bib
    ris = format_ris([item]).splitlines()
    assert "VL  - 4" in ris and "IS  - 2" in ris
