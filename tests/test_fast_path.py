"""`server.serve.SparqlFastPath` answers ``GET``/``POST /sparql`` without Flask's routing: every
answer (status, headers, body) must be the one the Flask route gives, and the requests it takes
must never reach Flask."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

import pytest
from flask import Flask
from helpers import sample_dataset
from werkzeug.test import Client

from server import create_app
from server.serve import install_fast_path

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FORM = "application/x-www-form-urlencoded"

# (method, query string, content type, accept, body, taken by the fast path)
CASES: list[tuple[str, str, str | None, str | None, bytes, bool]] = [
    ("GET", urllib.parse.urlencode({"query": COUNT}), None, JSON, b"", True),
    ("GET", urllib.parse.urlencode({"query": COUNT}), None, "text/csv", b"", True),
    ("GET", urllib.parse.urlencode({"query": COUNT, "format": "json"}), None, None, b"", True),
    ("GET", urllib.parse.urlencode({"query": COUNT, "format": "n3"}), None, "text/tab-separated-values",
     b"", True),
    ("GET", urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"}), None,
     "text/turtle", b"", True),
    ("GET", urllib.parse.urlencode({"query": "ASK { <s> ?p ?o }"}), None, JSON, b"", True),
    ("GET", "query=%FF", None, JSON, b"", True),
    ("GET", urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p }"}), None, None, b"", True),
    ("GET", urllib.parse.urlencode({"query": "DROP ALL"}), None, "application/json", b"", True),
    ("GET", urllib.parse.urlencode({"query": "SELECT * { SERVICE <http://192.0.2.1/s> { ?s ?p ?o } }"}),
     None, None, b"", True),
    ("GET", urllib.parse.urlencode({"query": "SELECT * { " + "{" * 150 + "}" * 150 + " }"}), None,
     None, b"", True),
    ("GET", urllib.parse.urlencode({"query": "x" * 100_001}), None, None, b"", True),
    ("GET", urllib.parse.urlencode({"query": COUNT, "default-graph-uri": "urn:nowhere"}), None,
     JSON, b"", True),
    ("GET", urllib.parse.urlencode([("query", COUNT), ("query", COUNT)]), None, None, b"", True),
    ("GET", urllib.parse.urlencode({"query": COUNT, "update": "DROP ALL"}), None, None, b"", True),
    ("POST", "", FORM, JSON, urllib.parse.urlencode({"query": COUNT}).encode(), True),
    ("POST", "", FORM, None, urllib.parse.urlencode({"update": "DROP ALL"}).encode(), True),
    ("POST", "", FORM, None, b"nothing=here", True),
    ("POST", "", "application/sparql-query", "text/csv", COUNT.encode(), True),
    ("POST", "", "application/sparql-query; charset=UTF-16", None, COUNT.encode("utf-16"), True),
    ("POST", "", "application/sparql-update", None, b"DROP ALL", True),
    ("POST", "", "text/plain", None, COUNT.encode(), True),
    ("POST", urllib.parse.urlencode({"query": COUNT}), FORM, None,
     urllib.parse.urlencode({"query": COUNT}).encode(), True),
    ("GET", "", None, "text/csv", b"", False),  # the service description: Flask (406 here)
    ("GET", urllib.parse.urlencode({"query": COUNT, "lang": "en"}), None, JSON, b"", False),
    ("OPTIONS", "", None, None, b"", False),
    ("PUT", urllib.parse.urlencode({"query": COUNT}), None, None, b"", False),
]


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Flask, list[int]]]:
    root = sample_dataset(tmp_path_factory.mktemp("fast"))
    config = {"TESTING": True, "DATASET_DIR": str(root), "QUERY_PROCESSES": 2}
    plain, fast = create_app(config), create_app(config)
    path = install_fast_path(fast)
    flask_calls: list[int] = []
    inner = path.app

    def counting(environ, start_response):  # type: ignore[no-untyped-def]
        flask_calls.append(1)
        return inner(environ, start_response)

    path.app = counting
    yield plain, fast, flask_calls
    for app in (plain, fast):
        app.extensions["tarihkg"].pool.close()


def _answer(app: Flask, case: tuple[str, str, str | None, str | None, bytes, bool]
            ) -> tuple[int, set[tuple[str, str]], bytes]:
    method, query_string, content_type, accept, body, _ = case
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    response = Client(app).open("/sparql", method=method, query_string=query_string,
                                headers=headers, data=body)
    # a cookie's Expires is the time of the request: two requests a second apart differ there
    return (response.status_code,
            {(k.lower(), re.sub(r"Expires=[^;]*", "Expires=…", v)) for k, v in response.headers},
            response.get_data())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1][:40]}-{c[2]}")
def test_the_fast_path_answers_as_the_flask_route(
        apps: tuple[Flask, Flask, list[int]],
        case: tuple[str, str, str | None, str | None, bytes, bool]) -> None:
    plain, fast, flask_calls = apps
    expected = _answer(plain, case)
    before = len(flask_calls)
    got = _answer(fast, case)
    assert got == expected
    assert (len(flask_calls) == before) == case[5]  # taken by the fast path, or by Flask
