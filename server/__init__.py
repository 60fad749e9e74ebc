"""Configuration + a built dataset directory -> the read-only tarihkg Flask app (`create_app`).

Routes: ``/`` (landing page), ``/sparql`` (SPARQL 1.1 Protocol, query only, CORS open),
``/health`` (JSON). The opened store, the pool of query processes (`server.executor`) and the
example queries live in ``app.extensions["tarihkg"]`` (a `ServerState`). Each request writes one
JSON line to the ``server.access`` logger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, url_for

from server import browse, dumps, exports, linked_data, reconcile, review, search, views
from server.access import log_access
from server.errors import register_error_handler, unsupported_content_coding
from server.examples import load_examples
from server.executor import memory_cap_mb
from server.host import PublicUrl
from server.html import install_page_hooks
from server.negotiation import prefers_html
from server.sparql import Limits, ProtocolRequest, handle_sparql
from server.state import EXTENSION, Build, ServerState, current_state
from server.views import query_page
from tarihkg.errors import TarihkgError
from tarihkg.store import Store, open_store

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "DATASET_DIR": "data/build",
    "STORE_URL": None,  # a SPARQL query endpoint URL: forward queries there instead
    "MAX_QUERY_BYTES": 100_000,
    "MAX_NESTING": 100,
    "MAX_RESULT_ROWS": 100_000,
    "MAX_RESULT_BYTES": 100_000_000,  # an answer's size; over it the answer is a 503
    "QUERY_TIMEOUT": 30,  # seconds; the query process is killed and the answer is 503
    "QUERY_MEMORY_MB": None,  # address space of a query process; None: the machine's share
    "QUERY_PROCESSES": 1,  # per web worker; 0 runs queries in the web worker (tests only)
    "SERVICE_ALLOWLIST": "",  # endpoint IRIs SERVICE may call, separated by spaces or commas
    "NODE_MODULES": str(Path(__file__).resolve().parent.parent / "node_modules"),  # YASGUI
    "PUBLIC_URL": "http://localhost/",  # every absolute URL the app writes; never the Host header
}
BLUEPRINTS = (reconcile.bp, exports.bp, linked_data.bp, search.bp, views.bp, dumps.bp, review.bp,
              browse.bp)


def _limits(config: Mapping[str, Any]) -> Limits:
    allow = config["SERVICE_ALLOWLIST"]
    if isinstance(allow, str):
        allow = allow.replace(",", " ").split()
    return Limits(
        max_query_bytes=int(config["MAX_QUERY_BYTES"]),
        max_nesting=int(config["MAX_NESTING"]),
        max_rows=int(config["MAX_RESULT_ROWS"]),
        max_result_bytes=int(config["MAX_RESULT_BYTES"]),
        timeout_s=float(config["QUERY_TIMEOUT"]),
        memory_mb=int(config["QUERY_MEMORY_MB"] or memory_cap_mb(
            max(int(config["QUERY_PROCESSES"]), 1))),
        service_allowlist=tuple(str(a) for a in allow),
    )


def _opener(limits: Limits, processes: int) -> Callable[[str], Build]:
    """A function opening the build at a location (a build directory or a SPARQL endpoint URL):
    its store, read-only, and (with ``processes``) a pool of query processes reading it."""
    def open_build(location: str) -> Build:
        try:
            store: Store | None = open_store(location, read_only=True)
            error = None
        except TarihkgError as exc:
            log.error("dataset not loaded: %s", exc)
            store, error = None, str(exc)
        pool = None
        if store is not None and processes > 0:
            from server.executor import ExecutorSettings, QueryPool

            pool = QueryPool(ExecutorSettings(store=location, limits=limits), size=processes)
        return Build(location, store, error, pool)

    return open_build


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app: defaults, then ``instance/config.py``, then ``TARIHKG_*`` environment
    variables, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TARIHKG")
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["DEBUG"] = False
    app.wsgi_app = PublicUrl(app.wsgi_app, str(app.config["PUBLIC_URL"]))  # type: ignore[method-assign]
    if app.config["MAX_CONTENT_LENGTH"] is None:
        app.config["MAX_CONTENT_LENGTH"] = 3 * int(app.config["MAX_QUERY_BYTES"]) + 4096

    limits = _limits(app.config)
    opener = _opener(limits, int(app.config["QUERY_PROCESSES"]))
    watch = None if app.config["STORE_URL"] else Path(app.config["DATASET_DIR"]).absolute()
    location = app.config["STORE_URL"] or str(Path(app.config["DATASET_DIR"]).resolve())
    app.extensions[EXTENSION] = ServerState(current=opener(location), examples=load_examples(),
                                            limits=limits, watch=watch, opener=opener)
    register_error_handler(app)
    _register_access_log(app)
    _register_routes(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    install_page_hooks(app)
    return app


#: Response headers a cross-origin script may read besides the CORS-safelisted ones: the
#: links to the other formats, the negotiated document, the validators, the partial range.
EXPOSED_HEADERS = ("Content-Location, Link, ETag, Last-Modified, Content-Range, "
                   "Content-Disposition, Location, Vary")


def _cors(response: Response) -> None:
    """Every answer may be read cross-origin, not only /sparql's and /reconcile's: the service
    is read-only, public and keeps no credentials, and a browser's linked-data client
    dereferences /resource/… and reads VoID, the ontology and the dumps as YASGUI reads
    /sparql. A preflight is answered with the methods the route has and the headers asked for
    (``If-None-Match``, ``Range`` or a client's own are not safelisted)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if not request.path.startswith("/sparql"):  # its answers' headers are safelisted ones, and
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS  # = the fast path's
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return
    if "Access-Control-Allow-Methods" not in response.headers and response.headers.get("Allow"):
        response.headers["Access-Control-Allow-Methods"] = response.headers["Allow"]
    asked = request.headers.get("Access-Control-Request-Headers", "").strip()
    response.headers["Access-Control-Allow-Headers"] = asked or "Accept, Content-Type"
    response.vary.add("Access-Control-Request-Headers")
    response.headers.setdefault("Access-Control-Max-Age", "86400")


def _register_access_log(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()
        g.arrived = request.environ.get("tarihkg.arrived", time.monotonic())
        current_state().begin_request()
        coding = request.headers.get("Content-Encoding", "").strip()
        if coding and any(c.strip().lower() != "identity" for c in coding.split(",")):
            raise unsupported_content_coding(coding)

    @app.teardown_request
    def release_build(_error: BaseException | None) -> None:
        current_state().end_request()

    @app.after_request
    def finish(response: Response) -> Response:
        _cors(response)
        log_access(remote=request.remote_addr, method=request.method, path=request.path,
                   status=response.status_code, length=response.calculate_content_length(),
                   started=g.get("started", time.perf_counter()), query=g.get("query"),
                   query_ms=g.get("query_ms"))
        return response


def _register_routes(app: Flask) -> None:
    @app.before_request
    def options_asterisk() -> Response | None:
        """``OPTIONS *`` asks what the server as a whole can do (RFC 9110 9.3.7): 204 with the
        methods any of its resources has (it was a 404: no route is named ``*``)."""
        if request.method == "OPTIONS" and request.environ.get("PATH_INFO") in ("*", "/*"):
            return Response(status=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        return None

    # /sparql/ (the W3C protocol tests' own path) answers as /sparql; url_for names /sparql,
    # registered first (decorators apply from the function up)
    @app.route("/sparql/", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
    @app.route(
        "/sparql",
        methods=["GET", "POST", "OPTIONS"],  # any other: 405 naming these (and HEAD) in Allow
        provide_automatic_options=False,
    )
    def sparql() -> Response | str:
        state = current_state()
        no_query = request.method in ("GET", "HEAD") and "query" not in request.args
        if no_query and "format" not in request.args and prefers_html(request.accept_mimetypes):
            return query_page()
        proto = ProtocolRequest(
            method=request.method,
            args=request.args,
            accept=request.accept_mimetypes,
            body=request.get_data(),
            content_type=request.headers.get("Content-Type"),
            endpoint=url_for("sparql", _external=True),
            query_string=request.query_string,
            arrived=g.get("arrived"),
        )
        started = time.perf_counter()
        runner = state.pool.run if state.pool is not None else None
        result = handle_sparql(proto, store=state.store, limits=state.limits, runner=runner)
        g.query = result.query
        g.query_ms = round((time.perf_counter() - started) * 1000, 2)
        response = Response(result.body, status=result.status, headers=result.headers)
        if result.status == 204:
            del response.headers["Content-Type"]
        return response

    @app.get("/")
    def index() -> str:
        return browse.landing()

    @app.get("/health")
    def health() -> tuple[dict[str, Any], int]:
        state = current_state()
        if state.store is None:
            return {"status": "unavailable", "error": state.load_error}, 503
        return {"status": "ok", "triples": state.store.triple_count(),
                "graphs": len(state.store.graphs())}, 200
