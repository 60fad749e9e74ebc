"""The whole build, as the foundation issue checks it: deterministic output, every stage's artefact,
offsets that lead back to the printed words, and failures that leave the previous build in place."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from helpers import COMMITTED
from rdflib import RDFS, Dataset, Literal, URIRef

from tarihkg.cli import main
from tarihkg.names import BASE
from tarihkg.namespaces import TKG
from tarihkg.pipeline import build
from tarihkg.project import Project
from tarihkg.text.normalise import normalise_text


@pytest.fixture(scope="module")
def dataset(built_dataset: Dataset) -> Dataset:
    return built_dataset


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clone_built(built_project: tuple[Project, object], tmp_path: Path) -> Project:
    """A private copy of the built project (inputs and data/build/) to break things in."""
    project, _ = built_project
    for sub in ("data", "ontology", "shapes"):
        shutil.copytree(project.root / sub, tmp_path / sub)
    return Project(tmp_path)


def test_build_writes_every_artefact(built_project: tuple[Project, object]) -> None:
    project, summary = built_project
    build_dir = project.build_dir
    for name in ("tarihkg.nq", "shacl-report.txt", "summary.json"):
        assert (build_dir / name).is_file(), name
    assert (build_dir / "store").is_dir()
    stats = json.loads((build_dir / "summary.json").read_text(encoding="utf-8"))
    lines = (build_dir / "tarihkg.nq").read_text(encoding="utf-8").count("\n")
    assert stats["triples"] == lines
    graphs = set(stats["triples_per_graph"])
    assert {f"{BASE}graph/{g}" for g in ("ontology", "inferred", "curation")} <= graphs
    assert {f"{BASE}graph/000_539a70a237dcfef4", f"{BASE}graph/002_afd972166be37c54"} <= graphs
    assert "Conforms: True" in (build_dir / "shacl-report.txt").read_text(encoding="utf-8")
    for sid in ("000_539a70a237dcfef4", "002_afd972166be37c54"):
        assert (project.extracted_dir / f"{sid}.json").is_file()
        assert (project.extracted_dir / f"{sid}.annotations.json").is_file()


def test_committed_extracts_are_what_the_build_writes(
    built_project: tuple[Project, object],
) -> None:
    """data/extracted/ is committed for review: it must be the current stage-1 output."""
    project, _ = built_project
    repo = Path(__file__).resolve().parent.parent / "data" / "extracted"
    for built in sorted(project.extracted_dir.glob("*.json")):
        committed = repo / built.name
        assert committed.is_file(), (
            f"{built.name} missing from data/extracted/: run `tarihkg extract`"
        )
        assert committed.read_bytes() == built.read_bytes(), (
            f"{built.name} is stale: run `tarihkg extract`"
        )


def test_two_builds_produce_the_same_dataset(
    built_project: tuple[Project, object], tmp_path: Path
) -> None:
    project = clone_built(built_project, tmp_path)
    first = digest(project.build_dir / "tarihkg.nq")
    build(project)
    assert digest(project.build_dir / "tarihkg.nq") == first


def test_every_sentence_points_at_its_printed_words(
    dataset: Dataset, raw_sources: dict[str, str]
) -> None:
    """For every sentence in the graph, the original file's characters at its offsets (its pieces,
    when lifted material interrupts it), normalised, are exactly the sentence text, in both files
    (002 stores ü and ö as u/o + U+0308: offsets count those code points)."""
    checked = {sid: 0 for sid in raw_sources}
    for sent in set(dataset.subjects(URIRef(str(TKG.zone)), None)):
        src = next(dataset.objects(sent, TKG.inSource))
        sid = str(src).rsplit("/", 1)[-1]
        raw = raw_sources[sid]
        pieces = sorted(
            (
                int(next(dataset.objects(p, TKG.startOffset))),
                int(next(dataset.objects(p, TKG.endOffset))),
            )
            for p in dataset.objects(sent, TKG.piece)
        )
        start = int(next(dataset.objects(sent, TKG.startOffset)))
        end = int(next(dataset.objects(sent, TKG.endOffset)))
        spans = pieces or [(start, end)]
        assert spans[0][0] == start and spans[-1][1] == end
        printed = "".join(raw[a:b] for a, b in spans)
        text = str(next(dataset.objects(sent, TKG.text)))
        assert normalise_text(printed) == text, (sid, start, end)
        # the span ends after the last letter's combining marks, never between a letter and its mark
        assert end == len(raw) or unicodedata.combining(raw[end]) == 0
        checked[sid] += 1
    assert all(n > 0 for n in checked.values()), checked  # every registered source
    assert all(checked[sid] > 100 for sid in COMMITTED), checked  # the two long articles


def test_decomposed_letters_of_002_are_counted_in_offsets(
    dataset: Dataset, raw_sources: dict[str, str]
) -> None:
    raw = raw_sources["002_afd972166be37c54"]
    wanted = "Kafkas İslam Ordusu, 15 Eylül 1918’de Bakü’ye girerek şehri kurtardı."
    hits = [s for s in dataset.subjects(TKG.text, Literal(wanted))]
    assert len(hits) == 1
    start = int(next(dataset.objects(hits[0], TKG.startOffset)))
    end = int(next(dataset.objects(hits[0], TKG.endOffset)))
    printed = raw[start:end]
    assert printed != wanted and "\u0308" in printed  # stored decomposed ...
    assert unicodedata.normalize("NFC", printed) == wanted  # ... and the offsets cover it exactly


def test_facts_carry_sentence_source_and_citation(dataset: Dataset) -> None:
    claims = set(
        dataset.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), TKG.Claim)
    )
    assert len(claims) > 300
    for claim in claims:
        assert len(set(dataset.objects(claim, TKG.statedIn))) == 1
        assert (
            len(set(dataset.objects(claim, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))))
            == 1
        )
    cited = [c for c in claims if next(dataset.objects(c, TKG.supportedBy), None) is not None]
    assert len(cited) / len(claims) > 0.8


def _expect_refused(project: Project, capsys: pytest.CaptureFixture[str], code: int) -> str:
    before = digest(project.build_dir / "tarihkg.nq")
    listing = sorted(p.name for p in project.build_dir.iterdir())
    assert main(["--root", str(project.root), "build"]) == code
    assert digest(project.build_dir / "tarihkg.nq") == before
    assert sorted(p.name for p in project.build_dir.iterdir()) == listing
    assert not list(project.build_dir.parent.glob(".build.*")), "temp build folder left behind"
    return capsys.readouterr().err


ENVER_APPOINTS_NURI = "Enver Paşa bu ordunun kumandanlığına kendi kardeşi olan Nuri Paşa’yı tayin etti"


def add_fact(
    project: Project, *, id: str, source: str, quote: str, subject: str, property: str, object: str
) -> Path:
    """Add one curated fact, as a reviewer would, in a facts file of its own; return the file."""
    path = project.facts_dir / "zz-bad.yaml"
    path.write_text(
        f'- source: {source}\n  sentence: "{quote}"\n  facts:\n'
        f"    - {{id: {id}, subject: {subject}, property: {property}, object: {object}}}\n",
        encoding="utf-8",
    )
    return path


def test_a_shacl_violation_exits_1_and_keeps_the_previous_build(
    built_project: tuple[Project, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = clone_built(built_project, tmp_path)
    (project.shapes_dir / "zz-impossible.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix tkg: <https://w3id.org/tarihkg/ontology#> .\n"
        "<urn:test:PersonNeedsBirthday> a sh:NodeShape ; sh:targetClass tkg:Person ;\n"
        '  sh:property [ sh:path tkg:edtf ; sh:minCount 1 ; sh:message "test: no person has this" ] .\n',
        encoding="utf-8",
    )
    err = _expect_refused(project, capsys, 1)
    assert "SHACL validation failed" in err
    assert "resource/person/nuri-pasa" in err or "resource/person/" in err
    report = (project.work_dir / "shacl-report.txt").read_text(encoding="utf-8")
    assert "test: no person has this" in report


def test_an_inconsistent_graph_exits_1_and_keeps_the_previous_build(
    built_project: tuple[Project, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ontology that makes every commander a place: the curated commanders are persons, and
    persons and places are disjoint, so HermiT must refuse the build. (A fact whose subject or
    object has the wrong class is refused before, by the fact specification: exit 2.)"""
    project = clone_built(built_project, tmp_path)
    with project.ontology_file.open("a", encoding="utf-8") as fh:
        fh.write("\ntkg:commander rdfs:range tkg:Place .\n")
    err = _expect_refused(project, capsys, 1)
    assert "inconsistent" in err.lower()


def test_a_fact_the_text_does_not_support_exits_2(
    built_project: tuple[Project, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = clone_built(built_project, tmp_path)
    bad = add_fact(
        project,
        id="f-test-not-in-text",
        source="000_539a70a237dcfef4",
        quote="Nuri Paşa Viyana’da doğmuştur",
        subject="kafkas-islam-ordusu",
        property="headquarters",
        object="viyana",
    )
    err = _expect_refused(project, capsys, 2)
    assert f"{bad}:2" in err and "sentence not found" in err


def test_a_fact_with_a_property_the_ontology_lacks_exits_2(
    built_project: tuple[Project, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = clone_built(built_project, tmp_path)
    bad = add_fact(
        project,
        id="f-test-unknown-property",
        source="002_afd972166be37c54",
        quote=ENVER_APPOINTS_NURI,
        subject="enver-pasa",
        property="brotherOf",
        object="nuri-pasa",
    )
    err = _expect_refused(project, capsys, 2)
    assert f"{bad}:4" in err and "unknown property 'brotherOf'" in err


def _tiny_dataset() -> Dataset:
    ds = Dataset()
    person = URIRef("https://w3id.org/tarihkg/resource/person/x")
    ds.graph(URIRef("https://w3id.org/tarihkg/graph/curation")).add(
        (person, RDFS.label, Literal("X")))
    return ds


def test_a_violation_query_with_rows_refuses_the_load_and_keeps_the_build(tmp_path: Path) -> None:
    """The README's promise: every ``ontology/queries/*-violation.rq`` runs on each build over
    what is served, and any row stops the build (exit 1) with the query named."""
    from tarihkg.errors import DataInvalidError
    from tarihkg.pipeline import BuildSummary, load_stage

    project = Project(tmp_path)
    project.queries_dir.mkdir(parents=True)
    (project.queries_dir / "ok-violation.rq").write_text("SELECT ?s WHERE { ?s a ?nothing }\n")
    load_stage(_tiny_dataset(), project, report="", summary=BuildSummary())
    before = digest(project.build_dir / "tarihkg.nq")
    (project.queries_dir / "any-subject-violation.rq").write_text(
        "SELECT ?s WHERE { ?s ?p ?o }\n")
    ds = _tiny_dataset()
    ds.graph(URIRef("https://w3id.org/tarihkg/graph/curation")).add(
        (URIRef("https://w3id.org/tarihkg/resource/person/y"), RDFS.label, Literal("Y")))
    with pytest.raises(DataInvalidError) as info:
        load_stage(ds, project, report="", summary=BuildSummary())
    assert info.value.exit_code == 1
    assert "any-subject-violation.rq: 2 row(s)" in str(info.value)
    assert "resource/person/x" in str(info.value)
    assert digest(project.build_dir / "tarihkg.nq") == before
    assert not list(tmp_path.glob("data/.build.tmp-*"))


def test_what_a_killed_build_left_is_removed_by_the_next(tmp_path: Path) -> None:
    """A build killed in its last stage leaves ``data/.build.tmp-{pid}``; the next build's load
    stage removes it (and puts back a build that was renamed aside and not yet replaced)."""
    import subprocess

    from tarihkg.pipeline import BuildSummary, load_stage

    project = Project(tmp_path)
    project.queries_dir.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / "data" / f".build.tmp-{dead.pid}"
    (left / "store").mkdir(parents=True)
    aside = tmp_path / "data" / f".build.old-{dead.pid}"
    (aside / "store").mkdir(parents=True)
    (aside / "marker").write_text("previous build")
    stopped = project.builds_dir / f".tmp-{dead.pid}"
    (stopped / "store").mkdir(parents=True)
    load_stage(_tiny_dataset(), project, report="", summary=BuildSummary())
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["build", "builds"]
    assert (project.build_dir / "tarihkg.nq").is_file()
    assert not stopped.exists()
    legacy = [p for p in project.builds_dir.iterdir() if p.name.startswith("legacy-")]
    assert [(p / "marker").read_text() for p in legacy] == ["previous build"]


def test_builds_are_versioned_and_data_build_points_at_the_newest(tmp_path: Path) -> None:
    """Each build is a new directory under data/builds/; data/build is a link swapped by one
    rename (a server takes the new build up without a restart); the last 3 builds are kept."""
    import time

    from tarihkg.pipeline import KEEP_BUILDS, BuildSummary, load_stage

    project = Project(tmp_path)
    project.queries_dir.mkdir(parents=True)
    seen = []
    for _ in range(KEEP_BUILDS + 2):
        load_stage(_tiny_dataset(), project, report="", summary=BuildSummary())
        assert project.build_dir.is_symlink()
        seen.append(project.build_dir.resolve())
        time.sleep(0.05)
    assert len(set(seen)) == len(seen)
    kept = sorted(p for p in project.builds_dir.iterdir())
    assert kept == sorted(seen[-KEEP_BUILDS:])
    assert (project.build_dir / "tarihkg.nq").is_file()


@pytest.mark.parametrize("extracts", [False, True])
def test_build_rewrites_committed_extracts_only_when_asked(
    extracts: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """data/extracted/ is committed for review: `build` leaves it alone unless asked."""
    from tarihkg import pipeline

    class Stop(Exception):
        pass

    written: list[object] = []
    inputs = pipeline.Inputs(raws={}, sources={}, registry={})
    monkeypatch.setattr(pipeline, "extract_stage", lambda project: inputs)
    monkeypatch.setattr(pipeline, "write_extracted",
                        lambda project, got: written.append(got) or [])
    monkeypatch.setattr(pipeline, "check_aliases", lambda registry, sources: [])

    def stop(*_: object) -> None:
        raise Stop

    monkeypatch.setattr(pipeline, "rdfize_stage", stop)
    with pytest.raises(Stop):
        pipeline.build(Project(Path("unused")), extracts=extracts, progress=lambda _: None)
    assert written == ([inputs] if extracts else [])


def test_each_clause_of_a_sentence_with_several_citations_is_backed_by_its_own(
    dataset: Dataset,
) -> None:
    """A sentence printing a citation after each clause backs each clause's facts by that
    clause's citation only (its `cited`), never by all of them."""
    claim = f"{BASE}resource/claim/"

    def backing(fact_id: str) -> list[int]:
        spans = dataset.objects(URIRef(claim + fact_id), TKG.supportedBy)
        return sorted(int(next(dataset.objects(s, TKG.startOffset))) for s in spans)

    brest, erzincan = backing("f-000-047-brest-litovsk-armistice-date"), backing(
        "f-000-048-erzincan-armistice-date"
    )
    assert len(brest) == len(erzincan) == 1 and brest[0] < erzincan[0]
    first, second, third = (
        backing("f-002-005-mehmandarov-appt-date"),
        backing("f-002-009-sihlinski-appt-date"),
        backing("f-002-012-sulkevic-appt-date"),
    )
    assert len(first) == len(second) == len(third) == 1
    assert first[0] < second[0] < third[0]


def test_words_quoted_from_an_english_abstract_are_tagged_english(dataset: Dataset) -> None:
    """A sentence of the abstract headed 'Abstract' is English (dcterms:language), and so are
    the values and date wordings its facts quote; the Turkish body's stay Turkish."""
    lang_of = {
        s: str(o) for s, o in dataset.subject_objects(URIRef("http://purl.org/dc/terms/language"))
        if (s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), TKG.Sentence) in dataset
    }
    assert {"en", "tr"} <= set(lang_of.values())
    seen = {"en": 0, "tr": 0}
    for claim, sentence in dataset.subject_objects(TKG.statedIn):
        for value in dataset.objects(claim, TKG.claimValue):
            if isinstance(value, Literal) and value.language:
                assert value.language == lang_of[sentence], (claim, value)
                seen[value.language] += 1
    assert seen["en"] >= 3 and seen["tr"] >= 50, seen
