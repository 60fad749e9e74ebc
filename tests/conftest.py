"""Shared fixtures: the real ontology and shapes (session-scoped), one built copy of the project
shared by every test that needs a full build (those are marked ``slow``), the Flask
app/client from the factory, and a throwaway Virtuoso holding the sample (tests using it are
marked ``virtuoso``). Helpers that are not fixtures live in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    ROOT,
    SAMPLE,
    SOURCES,
    Virtuoso,
    copy_project,
    registered_sources,
    virtuoso_server,
)
from rdflib import Dataset, Graph

#: Fixtures that pay for the session's full build (HermiT included): a test using one is slow.
BUILD_FIXTURES = {"built_project", "build_dir", "built_dataset", "built_app", "built_client"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--rewrite-golden", action="store_true",
                     help="write the golden graphs of tests/test_golden.py from this build")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the full build ``slow`` (``-m "not slow"`` skips them), and
    every test that uses the session's Virtuoso ``virtuoso``."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if BUILD_FIXTURES & used:
            item.add_marker(pytest.mark.slow)
        if "virtuoso" in used:
            item.add_marker(pytest.mark.virtuoso)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Debian's Virtuoso (`make virtuoso`), started once for the session in a temp directory
    on loopback ports, with the sample loaded by `tarihkg load`; stopped at the end. Tests
    only read it (a test that loads other data starts its own, `helpers.virtuoso_server`)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        server.load(SAMPLE)
        yield server


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "tarihkg.ttl", format="turtle")
    return g


@pytest.fixture(scope="session")
def raw_sources() -> dict[str, str]:
    """Every registered source text exactly as stored (not normalised): the two committed ones
    and any a curator added."""
    return {
        sid: (SOURCES / f"{sid}.txt").read_text(encoding="utf-8")
        for sid in sorted(registered_sources())
    }


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory):
    """The whole project built once (all stages, HermiT included) in a temp copy."""
    from tarihkg.pipeline import build
    from tarihkg.project import Project

    root = copy_project(tmp_path_factory.mktemp("built"))
    project = Project(root)
    summary = build(project, extracts=True)
    return project, summary


@pytest.fixture(scope="session")
def build_dir(built_project) -> Path:
    """data/build/ of the built copy of the project."""
    project, _ = built_project
    return Path(project.build_dir)


@pytest.fixture(scope="session")
def built_dataset(build_dir: Path) -> Dataset:
    """The build's data/build/tarihkg.nq read once by rdflib, for the tests that only read it
    (each module parsed it again: 2-5 s each). Its default graph is the union of the named
    graphs, so ``subjects``/``objects`` see them all; ``quads`` gives each triple's graph."""
    ds = Dataset(default_union=True)
    ds.parse(build_dir / "tarihkg.nq", format="nquads")
    return ds


@pytest.fixture(scope="session")
def built_app(built_project):
    """The app from the factory over the real build (queries run in process: the killable query
    processes have their own tests)."""
    from server import create_app

    project, _ = built_project
    return create_app(
        {"TESTING": True, "DATASET_DIR": str(project.build_dir), "QUERY_PROCESSES": 0}
    )


@pytest.fixture
def built_client(built_app):
    return built_app.test_client()
