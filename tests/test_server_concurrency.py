"""Many clients at once against the real server: a mix of valid, malformed, refused and
parser-heavy queries (``FROM`` and ``SERVICE`` make the query process run rdflib's parser, which
corrupts itself under concurrent threads: RDFLib #1282), and every answer must be the right one."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator

import pytest
from helpers import running_server, sample_dataset, sample_reference, send
from rdflib import URIRef

from tarihkg.names import BASE

B = BASE
TKG = B + "ontology#"
CURATION = B + "graph/curation"
G002 = B + "graph/002_afd972166be37c54"
CLIENTS = 16
REQUESTS_PER_CLIENT = 12


REF = sample_reference()
DISTINCT = len(set(REF.triples((None, None, None))))
SIZES = {str(g.identifier): len(g) for g in REF.graphs() if len(g)}
UNITS = {str(s) for s in REF.subjects(URIRef(TKG + "commander"), None)}


def count_is(n: int) -> Callable[[str], bool]:
    return lambda text: int(json.loads(text)["results"]["bindings"][0]["n"]["value"]) == n


def units_are(text: str) -> bool:
    return {b["u"]["value"] for b in json.loads(text)["results"]["bindings"]} == UNITS


def says(part: str) -> Callable[[str], bool]:
    return lambda text: part in text


MIX: list[tuple[str, int, Callable[[str], bool]]] = [
    ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", 200, count_is(DISTINCT)),
    (f"SELECT (COUNT(*) AS ?n) FROM <{CURATION}> {{ ?s ?p ?o }}", 200,
     count_is(SIZES[CURATION])),
    (f"PREFIX g: <{B}graph/> SELECT (COUNT(*) AS ?n) FROM g:002_afd972166be37c54 {{ ?s ?p ?o }}",
     200, count_is(SIZES[G002])),
    (f"SELECT DISTINCT ?u {{ ?u <{TKG}commander> ?c }}", 200, units_are),
    ("SELECT ?s WHERE { ?s ?p }", 400, says("malformed")),
    ("SELECT * { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }", 403, says("SERVICE")),
    ("SELECT * FROM <http://192.0.2.1/g> { ?s ?p ?o }", 400, says("not a graph")),
    ("DROP ALL", 400, says("read-only")),
    ("SELECT * { " + "{" * 150 + "}" * 150 + " }", 400, says("nests")),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = sample_dataset(tmp_path_factory.mktemp("concurrency"))
    with running_server(root, threads=4) as (base, _):
        yield base


@pytest.mark.timeout(120)
def test_many_clients_get_the_right_answers(live: str) -> None:
    failures: list[str] = []
    done: list[int] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(REQUESTS_PER_CLIENT):
            query, status, check = rng.choice(MIX)
            got, text, _ = send(live, query)
            if got != status or not check(text):
                failures.append(f"{query[:60]!r}: {got} {text[:120]!r}")
            done.append(1)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(done) == CLIENTS * REQUESTS_PER_CLIENT
