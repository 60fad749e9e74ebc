"""The remote backend against a real `oxigraph serve` process on loopback (the ``oxigraph``
package from PyPI) and a real Virtuoso (conftest.py), each loaded with `tarihkg.load`: the same
answers as the embedded store, the same refusals, and the app served over it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SAMPLE, free_port, oxigraph_server, sample_reference, sample_sizes

from server import create_app
from tarihkg.load import load_dataset
from tarihkg.names import BASE
from tarihkg.store import (
    QueryRefusedError,
    QuerySyntaxError,
    RemoteStore,
    RemoteStoreError,
    UpdateRefusedError,
    open_store,
)

B = BASE
TKG = B + "ontology#"
CURATION = B + "graph/curation"
G000 = B + "graph/000_539a70a237dcfef4"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


REF = sample_reference()
DISTINCT = len(set(REF.triples((None, None, None))))
SIZES = sample_sizes()


def count(store, query: str = COUNT, **options) -> int:
    return int(store.query(query, **options).rows()[0]["n"])


@pytest.fixture(scope="module", params=["oxigraph",
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def remote(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "virtuoso":  # the sample, loaded by `tarihkg load` (conftest.py)
        yield request.getfixturevalue("virtuoso").store_url
        return
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        load_dataset(SAMPLE, to=base + "/store")
        yield base + "/query"


def test_open_store_chooses_the_remote_backend(remote: str) -> None:
    store = open_store(remote)
    assert isinstance(store, RemoteStore)
    assert store.graphs() == sorted(SIZES)
    assert store.triple_count() == sum(SIZES.values())


def test_union_default_graph_and_dataset_choices(remote: str) -> None:
    store = open_store(remote)
    assert count(store) == DISTINCT
    assert count(store, default_graphs=[CURATION]) == SIZES[CURATION]
    assert count(store, f"SELECT (COUNT(*) AS ?n) FROM <{G000}> WHERE {{ ?s ?p ?o }}") \
        == SIZES[G000]
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                        named_graphs=[G000]).rows()
    assert [r["g"] for r in named] == [G000]


def test_construct_and_ask(remote: str) -> None:
    store = open_store(remote)
    from tarihkg.formats import by_name

    result = store.query(f"CONSTRUCT {{ ?u <{TKG}commander> ?c }} WHERE "
                         f"{{ ?u <{TKG}commander> ?c }}")
    nt = result.serialize(by_name("nt")).decode()
    assert sorted(line.split()[2] for line in nt.splitlines()) == [
        f"<{B}resource/person/mursel-pasa>", f"<{B}resource/person/nuri-pasa>"]
    assert store.query(f"ASK {{ ?u <{TKG}partOf>+ <{B}resource/unit/kafkas-islam-ordusu> }}"
                       ).boolean is True


def test_refusals_are_the_same(remote: str) -> None:
    store = open_store(remote)
    with pytest.raises(QueryRefusedError):
        store.query("SELECT * { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }")
    with pytest.raises(UpdateRefusedError):
        store.query("DROP ALL")
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT ?s WHERE { ?s ?p }")
    assert count(store) == DISTINCT  # DROP ALL reached nothing


def test_a_dead_remote_is_a_clear_error() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout_s=2)
    with pytest.raises(RemoteStoreError) as info:
        store.query(COUNT, default_graph_union=False)
    assert "did not answer" in info.value.message


def test_the_app_over_the_remote_store(remote: str, tmp_path: Path) -> None:
    app = create_app({"STORE_URL": remote, "DATASET_DIR": str(tmp_path)})
    client = app.test_client()
    doc = client.get("/sparql", query_string={"query": COUNT}).get_json()
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == DISTINCT
    assert json.loads(client.get("/health").get_data())["triples"] == sum(SIZES.values())
    refused = client.get("/sparql", query_string={"query": "CLEAR ALL"})
    assert refused.status_code == 400
    app.extensions["tarihkg"].pool.close()
