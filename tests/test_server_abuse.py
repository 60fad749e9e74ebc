"""Hostile requests against the real server (waitress, query processes, a 2 s deadline): each
gets the right status and a one-line message within the deadline plus a second, no query makes
an outbound connection except a SERVICE call to an allowed endpoint, and the server keeps
answering others meanwhile."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import running_server, sample_dataset, send

from server.executor import ExecutorSettings, QueryPool, memory_cap_mb
from server.sparql import Limits, Operation
from tarihkg.names import BASE

DEADLINE_S = 2.0
MAX_ROWS = 1000
MAX_BYTES = 40_000  # below the sample's 427 triples as JSON rows or as Turtle
B = BASE
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SQ = "application/sparql-query"


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096))
            except OSError:
                self.hits.append(b"")
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def listeners() -> Iterator[tuple[Listener, Listener]]:
    allowed, refused = Listener(), Listener()
    yield allowed, refused
    allowed.close()
    refused.close()


@pytest.fixture(scope="module", params=["embedded",
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def backend(request) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def live(request, backend: str, tmp_path_factory: pytest.TempPathFactory, listeners
         ) -> Iterator[str]:
    """The server over the embedded store, or over Virtuoso holding the same sample."""
    allowed, _ = listeners
    env = {"TARIHKG_QUERY_TIMEOUT": str(DEADLINE_S), "TARIHKG_MAX_RESULT_ROWS": str(MAX_ROWS),
           "TARIHKG_MAX_RESULT_BYTES": str(MAX_BYTES),
           "TARIHKG_SERVICE_ALLOWLIST": f"http://127.0.0.1:{allowed.port}/sparql"}
    if backend == "virtuoso":
        env["TARIHKG_STORE_URL"] = request.getfixturevalue("virtuoso").store_url
    root = sample_dataset(tmp_path_factory.mktemp("abuse"))
    with running_server(root, env=env, threads=4) as (base, _):
        yield base


@dataclass(frozen=True)
class Case:
    id: str
    query: str | None
    status: int
    says: str
    method: str = "GET"
    body: bytes | None = None
    content_type: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    virtuoso: tuple[int, str] | None = None  # (status, says) over Virtuoso, if not the same


def hostile(refused_port: int) -> list[Case]:
    out = f"http://127.0.0.1:{refused_port}"
    path = "(<urn:p>|!<urn:p>)*"
    return [
        Case("cartesian-count", "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i ."
             " ?j ?k ?l }", 503, "2 s"),
        Case("cartesian-rows", "SELECT ?unbound { ?a ?b ?c . ?d ?e ?f }", 503,
             f"{MAX_ROWS} rows"),  # empty rows: the row cap, not the byte cap
        Case("bytes-rows", "SELECT * { ?s ?p ?o }", 503, f"{MAX_BYTES} bytes"),
        Case("bytes-triples", "CONSTRUCT { ?s ?p ?o . ?s <urn:x:a-long-predicate-name-to-weigh-more> ?o } "
             "WHERE { ?s ?p ?o }", 503, f"{MAX_BYTES} bytes"),
        Case("unbounded-path", f"SELECT (COUNT(*) AS ?n) {{ ?a {path} ?b . ?c {path} ?d ."
             " ?e ?f ?g }", 503, "2 s", virtuoso=(400, "neither end of it is bound")),
        Case("deep-braces", None, 400, "nests", method="POST", content_type=SQ,
             body=("SELECT * " + "{" * 5000 + "}" * 5000).encode()),
        Case("deep-parens", None, 400, "nests", method="POST", content_type=SQ,
             body=("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }").encode()),
        Case("deep-escaped-braces", "SELECT * " + "\\u007B" * 300 + "\\u007D" * 300, 400,
             "nests"),
        Case("megabyte-query", "#" + "x" * 1_000_000 + "\n" + COUNT, 413, "byte limit",
             method="POST", body=("#" + "x" * 1_000_000 + "\n" + COUNT).encode(),
             content_type=SQ),
        Case("megabyte-get", "#" + "x" * 200_000 + "\n" + COUNT, 414, "application/sparql-query"),
        # each would kill its query process by a stack overflow (SIGSEGV), told as 'stopped from
        # outside ... try again', if the engine saw it
        Case("ten-thousand-unions", None, 400, "9999 operators", method="POST",
             content_type=SQ, body=("SELECT * {" + "UNION".join(["{}"] * 10_000) + "}").encode()),
        Case("limit-beyond-64-bits", "SELECT * { ?s ?p ?o } LIMIT 99999999999999999999", 400,
             "LIMIT 99999999999999999999 is over the largest"),  # not 'expected one of'
        Case("optional-chain", None, 400, "operators", method="POST", content_type=SQ,
             body=("SELECT * {" + "OPTIONAL{}" * 8000 + "}").encode()),
        Case("bind-chain", None, 400, "operators", method="POST", content_type=SQ,
             body=("SELECT * {" + "".join(f"BIND(1 AS ?v{i})" for i in range(3000))
                   + "}").encode()),
        Case("or-chain", None, 400, "operators", method="POST", content_type=SQ,
             body=("ASK { FILTER(" + "||".join(["true"] * 10_000) + ") }").encode()),
        Case("not-chain", None, 400, "operators", method="POST", content_type=SQ,
             body=("ASK { FILTER(" + "!" * 30_000 + "true) }").encode()),
        Case("service", f"SELECT * {{ SERVICE <{out}/sparql> {{ ?s ?p ?o }} }}", 403,
             "SERVICE"),
        Case("service-escaped", f"SELECT * {{ \\u0053ERVICE <{out}/sparql> {{ ?s ?p ?o }} }}",
             403, "SERVICE"),
        Case("service-after-comment", f"SELECT * {{ # }} \n SERVICE <{out}/x> {{ ?s ?p ?o }} }}",
             403, "SERVICE"),
        Case("service-prefixed", f"PREFIX x: <{out}/> SELECT * {{ SERVICE x:sparql {{ ?s ?p ?o }}"
             " }", 403, "SERVICE"),
        Case("service-variable", f"SELECT * {{ VALUES ?e {{ <{out}/> }} SERVICE ?e {{ ?s ?p ?o }}"
             " }", 403, "variable"),
        Case("service-silent-nested", f"ASK {{ OPTIONAL {{ {{ SELECT ?s {{ SERVICE SILENT <{out}/>"
             " { ?s ?p ?o } } } } }", 403, "SERVICE"),
        Case("from-web", f"SELECT * FROM <{out}/data.ttl> {{ ?s ?p ?o }}", 400,
             "not a graph of this dataset"),
        Case("from-file", "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
             400, "not a graph of this dataset"),
        Case("load", f"LOAD <{out}/data.ttl>", 400, "read-only"),
        Case("load-posted", None, 403, "read-only", method="POST",
             body=f"LOAD <{out}/data.ttl> INTO GRAPH <urn:g>".encode(),
             content_type="application/sparql-update"),
        Case("update-form", None, 403, "read-only", method="POST",
             body=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
             content_type="application/x-www-form-urlencoded"),
        Case("unknown-default-graph", COUNT, 400, "not a graph of this dataset",
             params=(("default-graph-uri", f"{out}/g"),)),
        Case("malformed", "SELECT ?s WHERE { ?s ?p }", 400, "1:"),
        Case("binary-garbage", None, 400, "UTF-8", method="POST", body=b"\xff\xfe\x00SELECT",
             content_type=SQ),
    ]


def test_hostile_queries_get_clean_errors_in_time(live: str, backend: str, listeners) -> None:
    _, refused = listeners
    for case in hostile(refused.port):
        status, text, seconds = send(live, None if case.method == "POST" else case.query,
                                     method=case.method, body=case.body,
                                     content_type=case.content_type, params=list(case.params))
        expected = (case.status, case.says)
        if backend == "virtuoso" and case.virtuoso is not None:
            expected = case.virtuoso
        assert status == expected[0], (case.id, text)
        assert expected[1] in text, (case.id, text)
        assert "Traceback" not in text, (case.id, text)
        assert text.count("\n") == 1, (case.id, text)
        assert seconds < DEADLINE_S + 1, (case.id, seconds)
    assert refused.hits == []  # no query made an outbound connection


def test_catastrophic_regex_is_answered(live: str, backend: str) -> None:
    """Oxigraph's regex engine is linear: the rdflib-freezing pattern gets a right answer.
    Over Virtuoso the deadline holds and the server goes on; its count is not checked there:
    Virtuoso 7.2 counts every row for this FILTER over a BIND of REPLACE (a Virtuoso bug,
    docs/endpoint.md "Virtuoso")."""
    query = ('SELECT (COUNT(*) AS ?n) { ?s ?p ?o . BIND(CONCAT(REPLACE(STR(?o), ".", "a"),'
             ' "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!") AS ?x) FILTER REGEX(?x, "^(a+)+$") }')
    status, text, seconds = send(live, query)
    assert seconds < DEADLINE_S + 1
    assert status in ((200, 503) if backend == "virtuoso" else (200,)), text
    if backend == "virtuoso":
        assert send(live, COUNT)[0] == 200
        return
    assert json.loads(text)["results"]["bindings"][0]["n"]["value"] == "0"


def test_allowed_service_is_the_only_outbound(live: str, backend: str, listeners) -> None:
    allowed, refused = listeners
    before = len(allowed.hits)
    status, text, seconds = send(
        live, f"SELECT * {{ SERVICE <http://127.0.0.1:{allowed.port}/sparql> {{ ?s ?p ?o }} }}")
    if backend == "virtuoso":  # its read-only account may not call out: refused, never sent
        assert status == 403 and "Virtuoso" in text and seconds < DEADLINE_S + 1
        assert len(allowed.hits) == before and refused.hits == []
        return
    assert status == 502 and "fetching" in text and seconds < DEADLINE_S + 1
    assert len(allowed.hits) == before + 1
    assert allowed.hits[-1].startswith(b"POST /sparql ")
    assert refused.hits == []


def test_server_keeps_answering_during_slow_queries(live: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    results: list[tuple[int, str, float]] = []
    threads = [threading.Thread(target=lambda: results.append(send(live, slow)))
               for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    quick = []
    while any(t.is_alive() for t in threads):
        quick.append(send(live, COUNT))
    for t in threads:
        t.join()
    assert [r[0] for r in results] == [503] * 3
    assert all(r[2] < DEADLINE_S + 1 for r in results), results
    assert len(quick) >= 3
    for status, text, seconds in quick:
        assert status == 200 and seconds < 1.5
        assert json.loads(text)["results"]["bindings"][0]["n"]["value"] == "427"


def test_memory_cap_stops_the_query_not_the_pool(tmp_path: Path) -> None:
    # the deadline is far: on a machine whose cores are shared, the hog takes longer to reach
    # the cap (seen: not 600 MB within 20 s at load 12 on 2 cores), but the cap must stop it
    limits = Limits(timeout_s=90, memory_mb=300, max_rows=10**9)
    pool = QueryPool(ExecutorSettings(store=str(sample_dataset(tmp_path)), limits=limits))
    try:
        hog = Operation("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g",
                        [], [], None, "")
        answer = pool.run(hog)
        assert answer.status == 503 and b"300 MB" in answer.body, answer.body
        again = pool.run(Operation(COUNT, [], [], None, "text/csv"))
        assert again.status == 200 and again.body.split() == [b"n", b"427"]
    finally:
        pool.close()


def test_refusals_are_answered_at_the_smallest_memory_cap_the_server_chooses(tmp_path: Path
                                                                             ) -> None:
    """`make serve` shares the machine's memory among up to 64 query processes, so a child's
    cap can be as low as `memory_cap_mb`'s floor. What a refusal needs (rdflib's SPARQL grammar
    for SERVICE/FROM, the update parser's empty store) must already be there, not allocated
    under the cap (it was not: SERVICE gave a 500, an update sent as a query a 503)."""
    floor = memory_cap_mb(10**6)
    pool = QueryPool(ExecutorSettings(store=str(sample_dataset(tmp_path)),
                                      limits=Limits(timeout_s=20, memory_mb=floor)))
    cases = [
        ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, b"SERVICE"),
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", 400, b"update"),
        ("LOAD <file:///etc/passwd>", 400, b"update"),
        (f"SELECT * FROM <{B}graph/nowhere> {{ ?s ?p ?o }}", 400, b"not a graph"),
        ("SELECT * WHERE { ?s ?p }", 400, b"malformed"),
    ]
    try:
        for query, status, words in cases:
            answer = pool.run(Operation(query, [], [], None, "text/csv"))
            assert (answer.status, words in answer.body) == (status, True), (query, answer.body)
        again = pool.run(Operation(COUNT, [], [], None, "text/csv"))
        assert again.status == 200 and again.body.split() == [b"n", b"427"]
    finally:
        pool.close()


def test_an_engine_panic_is_told_as_such_not_as_the_memory_limit(tmp_path: Path) -> None:
    """Oxigraph 0.5 aborts its process on an ORDER BY over literals of mixed kinds (Rust's sort
    finds its comparison is not a total order): `oxigraph serve` would go down with it. Here only
    that query's process dies; the client is told what happened (422, the engine's own words),
    not that it ran out of memory, and the next query is answered."""
    pool = QueryPool(ExecutorSettings(store=str(sample_dataset(tmp_path)),
                                      limits=Limits(timeout_s=20, memory_mb=1024)))
    try:
        answer = pool.run(Operation("SELECT ?o { ?s ?p ?o } ORDER BY ?o", [], [], None, ""))
        assert answer.status == 422, answer.body
        assert isinstance(answer.body, bytes)
        assert b"total order" in answer.body and b"memory" not in answer.body
        again = pool.run(Operation(COUNT, [], [], None, "text/csv"))
        assert again.status == 200 and again.body.split() == [b"n", b"427"]
        kept = [Path(child.stderr_path) for child in list(pool._all)]
        assert kept and all(path.exists() for path in kept)
    finally:
        pool.close()
    assert not any(path.exists() for path in kept)  # nothing left behind in /tmp
