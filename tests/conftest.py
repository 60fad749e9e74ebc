"""Shared fixtures: the real ontology and shapes (session-scoped), a built copy of the project,
and the Flask app/client from the factory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SOURCES = ROOT / "data" / "sources"
SOURCE_IDS = ("000_539a70a237dcfef4", "002_afd972166be37c54")


def copy_project(target: Path) -> Path:
    """A private copy of the project's inputs (sources, curation, ontology, shapes) to build in."""
    for sub in ("data/sources", "data/curation", "ontology", "shapes"):
        shutil.copytree(ROOT / sub, target / sub)
    return target


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "tarihkg.ttl", format="turtle")
    return g


@pytest.fixture(scope="session")
def raw_sources() -> dict[str, str]:
    """The two source texts exactly as stored (not normalised)."""
    return {sid: (SOURCES / f"{sid}.txt").read_text(encoding="utf-8") for sid in SOURCE_IDS}


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
