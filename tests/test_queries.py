"""Every SPARQL query the code runs lives in a ``.rq`` file beside that code
(``server/queries/{module}/``, ``src/tarihkg/queries/{module}/``): each is named by the module
that runs it, and each runs on the real build with sample parameters and finds something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tarihkg.formats import by_name
from tarihkg.names import GRAPH_NS, RESOURCE_NS, SPARQL_PROLOGUE
from tarihkg.queryfiles import QueryFiles
from tarihkg.store import ResultKind, open_store

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {
    folder: module
    for base, package in ((ROOT / "server" / "queries", ROOT / "server"),
                          (ROOT / "src" / "tarihkg" / "queries", ROOT / "src" / "tarihkg"))
    for folder in sorted(p for p in base.iterdir() if p.is_dir())
    for module in [package / f"{folder.name}.py"]
}
QUERY_FILES = sorted(path for folder in FOLDERS for path in folder.glob("*.rq"))

#: A value for every parameter a query takes: what the code would pass, for resources that exist.
SAMPLES = {
    "iri": f"<{RESOURCE_NS}person/nuri-pasa>",
    "source": f"<{RESOURCE_NS}source/000_539a70a237dcfef4>",
    "doc": f"<{RESOURCE_NS}source/000_539a70a237dcfef4>",
    "graph": f"<{GRAPH_NS}ontology>",
    "curated_only": "false",
    "candidates": f"<{GRAPH_NS}candidates>",
    "types": "tkg:Person tkg:MilitaryUnit",
    "properties": "tkg:date tkg:place tkg:participant tkg:partOf",
    "first": "1917",
    "last": "1921",
    "class": "tkg:Person",
}
#: Parameters whose sample depends on the query (a sentence, a treaty article, a claim).
PER_QUERY = {
    "sentence-spans": {"sentence": "?"},
    "sentence-mentions": {"values": "?"},
    "labels": {"values": f"VALUES ?x {{ <{RESOURCE_NS}person/nuri-pasa> }}",
               "iri": f"<{RESOURCE_NS}person/nuri-pasa>"},
    "treaty-article": {"iri": "?"},
    "fact": {"claim": "?"},
    "fact-citations": {"claim": "?"},
    "describe": {"values": f"VALUES ?x {{ <{RESOURCE_NS}article/f-000-009-mondros-article-11> }}"},
    "parts": {"values": f"VALUES ?x {{ <{RESOURCE_NS}result/f-000-161-plebiscite-result> }}"},
    "brief": {"iri": f"<{RESOURCE_NS}event/bakunun-kurtulusu>"},
    "subordinates": {"iri": f"<{RESOURCE_NS}unit/kafkas-islam-ordusu>"},
    "coordinates": {"iri": f"<{RESOURCE_NS}place/baku>"},
    "conflict-others": {"values": f"VALUES ?c {{ <{RESOURCE_NS}claim/f-002-391-56-part-5kpt> }}"},
    "conflict-kinds": {"iri": f"<{RESOURCE_NS}unit/38-alay>"},
}


def test_every_query_folder_belongs_to_a_module_that_names_each_of_its_queries() -> None:
    for folder, module in FOLDERS.items():
        assert module.is_file(), f"{folder} has no module {module.name} beside it"
        code = module.read_text(encoding="utf-8")
        for path in folder.glob("*.rq"):
            assert f'"{path.stem}"' in code, f"{module.name} never runs {path.name}"


def _params(name: str, text: str, store) -> dict[str, str]:  # noqa: ANN001 - a Store
    wanted = set(re.findall(r"\$([A-Za-z_]\w*)", text))
    params = {k: v for k, v in SAMPLES.items() if k in wanted}
    params.update(PER_QUERY.get(name, {}))
    pick = {  # a resource of the right kind, found in the build
        "sentence": "SELECT ?x WHERE { ?m tkg:inSentence ?x ; a tkg:Mention } LIMIT 1",
        "values": "SELECT ?x WHERE { ?m tkg:inSentence ?x ; tkg:denotes ?e } LIMIT 1",
        "iri": "SELECT ?x WHERE { ?x tkg:articleNumber ?n } LIMIT 1",
        "claim": "SELECT ?x WHERE { ?x tkg:supportedBy ?c ; tkg:reviewStatus tkg:reviewed } "
                 "LIMIT 1",
    }
    for key, value in params.items():
        if value == "?":
            iri = store.query(SPARQL_PROLOGUE + pick[key]).rows()[0]["x"]
            params[key] = f"VALUES ?sent {{ <{iri}> }}" if key == "values" else f"<{iri}>"
    return {k: v for k, v in params.items() if k in wanted}


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_query_runs_on_the_build_and_finds_something(path: Path, build_dir: Path) -> None:
    store = open_store(build_dir)
    files = QueryFiles(path.parent)
    raw = path.read_text(encoding="utf-8")
    result = store.query(files.text(path.stem, _params(path.stem, raw, store)))
    if result.kind is ResultKind.BOOLEAN:
        assert result.boolean
    elif result.kind is ResultKind.SOLUTIONS:
        assert result.rows(), f"{path.name} found nothing"
    else:
        nt = by_name("nt")
        assert nt is not None and result.serialize(nt).strip(), f"{path.name} built no triples"
