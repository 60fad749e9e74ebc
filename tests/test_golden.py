"""A small test project -> golden graphs: the short article of tests/data/newsource/ added to a
copy of the project (`tarihkg new-source` and its facts file), run through stages 1-2, and its
named graph compared with tests/data/golden/ by graph isomorphism (blank nodes never matter).

A difference is printed as rdflib's graph_diff (only in the build / only in the golden file).
After a deliberate change of what rdfize writes, rewrite the files with
``pytest tests/test_golden.py --rewrite-golden`` and review their diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from tarihkg.cli import main
from tarihkg.curation import load_sources_meta
from tarihkg.names import GRAPH_NS, PREFIXES
from tarihkg.pipeline import extract_stage, rdfize_stage
from tarihkg.project import Project

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "golden"


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """A copy of the project with the short test article registered and curated."""
    root = copy_project(tmp_path_factory.mktemp("golden"))
    sources_yaml = root / "data" / "sources" / "sources.yaml"
    before = set(load_sources_meta(sources_yaml))
    text = DATA / "newsource" / "gence-baku.txt"
    assert main(["--root", str(root), "new-source", str(text), "--title",
                 "Gence’den Bakü’ye: Kafkas İslam Ordusu Üzerine Kısa Bir Deneme",
                 "--authors", "tarihkg test suite", "--journal", "Test Dergisi"]) == 0
    [meta] = [m for i, m in load_sources_meta(sources_yaml).items() if i not in before]
    facts = root / "data" / "curation" / "facts" / f"{meta.id}.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("[]\n", "")
        + (DATA / "newsource" / "facts.yaml").read_text(encoding="utf-8").replace(
            "SOURCE_ID", meta.id),
        encoding="utf-8",
    )
    return Project(root), meta.id


def _as_golden(built: Graph, source_id: str) -> Graph:
    """The graph with the article's id as the golden file names it: `003_` + its checksum, the
    number it takes after the two committed articles. A curator who has registered an article
    of their own gets a later number (004_...); the graph is otherwise the same."""
    golden_id = "003_" + source_id.split("_", 1)[1]
    if source_id == golden_id:
        return built
    return Graph().parse(
        data=built.serialize(format="nt").replace(source_id, golden_id), format="nt"
    )


def _describe(diff: Graph) -> str:
    return "\n".join(sorted(line for line in diff.serialize(format="nt").splitlines() if line))


@pytest.mark.parametrize("name", ["gence-baku"])
def test_the_small_article_rdfizes_to_its_golden_graph(
    small_project: tuple[Project, str], name: str, request: pytest.FixtureRequest
) -> None:
    project, source_id = small_project
    ds = rdfize_stage(project, extract_stage(project))
    built = Graph()
    for triple in ds.graph(GRAPH_NS + source_id):
        built.add(triple)
    assert len(built) > 100, "the article's graph is (nearly) empty"
    built = _as_golden(built, source_id)
    golden = GOLDEN / f"{name}.ttl"
    if request.config.getoption("--rewrite-golden"):
        for prefix, ns in PREFIXES.items():
            built.bind(prefix, ns)
        golden.write_text(built.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(golden, format="turtle")
    if not isomorphic(built, expected):
        _, only_built, only_golden = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        pytest.fail(f"{golden.name} differs (rewrite with --rewrite-golden if meant)\n"
                    f"only in the build:\n{_describe(only_built)}\n"
                    f"only in the golden graph:\n{_describe(only_golden)}")
