"""Host, port, built dataset dir -> the endpoint: a supervisor and one waitress web process
(never Flask's dev server).

Process model. A supervisor (`tarihkg.supervise`: under `tarihkg serve` a process that imports
little, exec'd by the CLI; under `serve` this process) binds the listening socket once, forks
the web process (`web_process`) and forks a new one if it dies (the OOM killer, an operator),
so the port never closes; SIGTERM/SIGINT stop both. The web process runs waitress: its
asyncore front reads every request whole (headers and body) before a thread sees it, and takes
every answer whole from the thread (spooled to a temporary file past 1 MB, up to
`OUTBUF_HIGH_WATERMARK`) before sending it, so a client that sends its headers a byte a second or
never reads its answer holds a socket, never a thread; a connection with no progress for
`CHANNEL_TIMEOUT_S` is closed. Threads only wait for the one pool of query processes that the
whole server shares (`server.executor.QueryPool`, `server.executor.default_pool_size` processes
at most: a fast lane of one per core for every query, and a bounded slow lane for those still
running after a quarter of a second), so a cheap query is answered while expensive ones burn
their deadline. The deadline counts from the moment the front finished reading the request
(``tarihkg.arrived`` in the WSGI environ), so time spent waiting for a thread or a process
counts. Each query process's memory cap is the machine's memory divided among all of them
(`server.executor.memory_cap_mb`), so the caps together fit the machine.

``GET``/``POST /sparql`` with a query skip Flask (`SparqlFastPath`: the protocol core and the
pool, the same answers), and waitress keeps reading a connection while its request runs
(`REQUEST_LOOKAHEAD`), so a client that closes it stops its query (``/sparql`` and
``/reconcile``).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import signal
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import Error, RequestHeaderFieldsTooLarge
from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES

from server import create_app
from server.access import log_access
from server.errors import internal_error, one_line, render_error
from server.executor import default_pool_size, die_with_parent
from server.negotiation import parse_accept
from server.sparql import ProtocolRequest, ProtocolResponse, handle_sparql
from server.state import EXTENSION, ServerState
from tarihkg.store import find_dataset
from tarihkg.supervise import WebSettings, few_malloc_arenas, supervise

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

log = logging.getLogger(__name__)

THREADS = 64
CHANNEL_TIMEOUT_S = 30
CONNECTION_LIMIT = 500
MAX_HEADER_BYTES = 65_536
OUTBUF_HIGH_WATERMARK = 128 * 1024 * 1024  # above the answer cap: a thread never waits on a reader
ARRIVED = "tarihkg.arrived"
REQUEST_LOOKAHEAD = 1  # waitress keeps reading while a request runs, so it sees a client leave
SEND_BYTES = 1  # the thread that wrote an answer sends what it can at once, not the main loop
COALESCE_BYTES = 65_536  # a first piece of body up to this size goes out with the head
_QUERY_PARAM = re.compile(rb"(?:^|&)query=")
_parse_accept = functools.lru_cache(maxsize=64)(parse_accept)  # a client sends the same header


class _UriTooLong(Error):  # type: ignore[misc]
    code, reason = 414, "URI Too Long"


class _Parser(HTTPRequestParser):  # type: ignore[misc]
    """waitress's request parser, noting when the request was read whole, and telling a
    request line over the header limit (414 URI Too Long, RFC 9110 15.5.15) from long header
    fields (431)."""

    arrived: float | None = None
    error: Error | None = None

    def received(self, data: bytes) -> int:
        pending = self.header_plus + data if self.body_rcv is None and not self.completed else b""
        used = int(super().received(data))
        if self.error is not None and (isinstance(self.error, RequestHeaderFieldsTooLarge)
                                       or "version" not in vars(self)):
            # a request line waitress could not read (or its stand-in 'GET / HTTP/1.0' for one
            # over the limit): the answer is in this server's version, not HTTP/1.0
            self.version = "1.1"
        if isinstance(self.error, RequestHeaderFieldsTooLarge):
            if _request_line_too_long(pending):
                self.error = _UriTooLong(
                    f"the request line is over {MAX_HEADER_BYTES // 2} bytes; send a long query "
                    "by POST, with the query as the body and Content-Type: "
                    "application/sparql-query")
        if self.completed and self.arrived is None:
            self.arrived = time.monotonic()
        return used


def _request_line_too_long(head: bytes) -> bool:
    """True if the request line that ``head`` starts with is at least half the header limit
    (or has no end yet): then the URI, not the header fields, is what is too long."""
    line = head.lstrip(b"\r\n").split(b"\n", 1)
    return len(line) == 1 or len(line[0]) >= MAX_HEADER_BYTES // 2


class _ErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's answer to a request it could not read (400, 413, 414, 431, 501), as every
    other error of this server: one line of plain text, with the CORS header."""

    def execute(self) -> None:
        error = self.request.error
        message = _WAITRESS_MESSAGES.get(error.code) or one_line(str(error.body))
        body = f"{error.code} {error.reason}: {message}\n".encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "text/plain; charset=utf-8"),
                                      ("Access-Control-Allow-Origin", "*")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


_WAITRESS_MESSAGES = {
    431: f"the request's header fields are over {MAX_HEADER_BYTES} bytes",
    500: "internal error (logged on the server)",
}


class _Task(WSGITask):  # type: ignore[misc]
    """waitress's WSGI task, passing the arrival time to the app, and sending the head of an
    answer with the first piece of its body (up to `COALESCE_BYTES`) in one send: waitress sends
    them apart, which costs a system call here and a wake-up and a read in the client."""

    def write(self, data: bytes) -> None:
        if self.wrote_header or not data or len(data) > COALESCE_BYTES:
            super().write(data)
            return
        channel = self.channel
        channel.held = []
        try:
            super().write(data)  # the head and the data, held by the channel
        finally:
            held, channel.held = channel.held, None
            if held:
                channel.write_soon(b"".join(held))

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[ARRIVED] = getattr(self.request, "arrived", None) or time.monotonic()
        return environ


class _Channel(HTTPChannel):  # type: ignore[misc]
    """waitress's channel, whose main loop leaves it alone while a task thread sends on it.

    With `SEND_BYTES`, the thread that writes an answer sends it itself, holding the
    channel's output lock. waitress's main loop polls a channel with unsent output as
    writable, and if the thread holds the lock it polls again at once: while the thread sends
    (or, back from the send, waits for the interpreter lock), the main loop spins and holds
    the interpreter lock, and the thread gets it back only after the interpreter's switch
    interval (5 ms). That happened whenever a keep-alive client's next request arrived
    before the thread had finished its last send: measured 4.4 ms lost in such a request and
    9 spins per request on average at 1 client. So while a thread sends, the channel is not
    writable for the main loop (unless the thread waits for it to drain a full buffer,
    `OUTBUF_HIGH_WATERMARK`), and the thread wakes the main loop after it if output is left.
    """

    parser_class = _Parser
    task_class = _Task
    error_task_class = _ErrorTask
    _sending = False
    held: list[bytes] | None = None  # what `_Task.write` sends in one piece

    def write_soon(self, data: bytes) -> int:
        if self.held is not None:
            self.held.append(bytes(data))
            return len(data)
        self._sending = True
        try:
            return int(super().write_soon(data))
        finally:
            self._sending = False
            if self.total_outbufs_len:
                self.server.pull_trigger()  # what the thread could not send: the main loop's

    def writable(self) -> bool:
        if self._sending and self.total_outbufs_len <= self.adj.outbuf_high_watermark:
            return False
        return bool(super().writable())


def serve(*, host: str, port: int, dataset_dir: Path, threads: int | None = None,
          public_url: str | None = None) -> None:
    """Serve the dataset in ``dataset_dir`` on ``host:port`` until SIGTERM/SIGINT with
    ``threads`` (default `THREADS`) threads; ``public_url`` (default ``http://host:port/``) is
    where clients reach it. The supervisor is this process, with the app already imported
    (`tarihkg serve` runs the lighter ``python -m tarihkg.supervise`` instead).

    Raises `tarihkg.errors.InputError` before starting if there is no dataset.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    dataset_dir = Path(dataset_dir).absolute()  # not resolved: a build swaps the link
    log.info("serving %s", find_dataset(dataset_dir))
    supervise(host=host, port=port, web=web_process,
              settings=WebSettings(dataset=str(dataset_dir), threads=threads,
                                   public_url=public_url or f"http://{host}:{port}/"))


def web_process(listener: socket.socket, settings: WebSettings) -> NoReturn:
    """The web process (forked by the supervisor, `tarihkg.supervise.supervise`): the app behind
    waitress on the listening socket, until SIGTERM; it exits, never returns."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops it on Ctrl-C
        signal.signal(signal.SIGTERM, _exit_now)
        die_with_parent(signal.SIGTERM)  # a killed supervisor takes its web process along
        few_malloc_arenas()  # before waitress starts its threads
        _run_web(listener, settings)
        code = 0
    except BaseException:  # noqa: BLE001 - logged; the supervisor starts a new web process
        log.exception("the web process failed")
    finally:
        logging.shutdown()
        os._exit(code)  # threads still writing to clients that left must not hold the exit


def _exit_now(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _run_web(listener: socket.socket, settings: WebSettings) -> None:
    # the web process logs INFO and up, plain, whatever its supervisor's command line set
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr, force=True)
    access = logging.getLogger("server.access")  # on stderr whatever the CLI's log level
    access.setLevel(logging.INFO)
    threads = settings.threads or THREADS
    processes = min(threads, default_pool_size())  # more could never all be in use
    app = create_app({"DATASET_DIR": settings.dataset, "QUERY_PROCESSES": processes,
                      "PUBLIC_URL": settings.public_url})
    install_fast_path(app)
    server = create_server(app, sockets=[listener], threads=threads,
                           channel_timeout=CHANNEL_TIMEOUT_S, connection_limit=CONNECTION_LIMIT,
                           max_request_header_size=MAX_HEADER_BYTES,
                           outbuf_high_watermark=OUTBUF_HIGH_WATERMARK, ident="tarihkg",
                           channel_request_lookahead=REQUEST_LOOKAHEAD, send_bytes=SEND_BYTES,
                           clear_untrusted_proxy_headers=True)
    server.channel_class = _Channel
    state = app.extensions["tarihkg"]
    pool = state.pool
    if pool is not None:
        pool.start()  # the fast lane warm before the first request

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # the busy query processes go now, so their threads answer at once: on SystemExit
        # waitress waits up to 5 s for busy threads before this process may exit
        serving = state.current.pool
        if serving is not None:
            serving.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("waitress web process %d: %d threads, one pool of up to %d query processes",
             os.getpid(), threads, processes)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        if pool is not None:
            pool.close()  # threads waiting for a query process get their answers now


def install_fast_path(app: Flask) -> SparqlFastPath:
    """Put `SparqlFastPath` in front of ``app``'s routes, behind `server.host.PublicUrl` (so
    it sees the public host and scheme); return it."""
    public = app.wsgi_app  # PublicUrl around Flask's own WSGI app
    fast = SparqlFastPath(public.app, app)  # type: ignore[attr-defined]
    public.app = fast  # type: ignore[attr-defined]
    return fast


class SparqlFastPath:
    """WSGI middleware: ``GET``/``POST /sparql`` with a query, answered by the protocol core
    (`server.sparql.handle_sparql`) and the query pool without Flask's routing, request objects
    and hooks; what those add to such an answer is added here (the build pinned for the
    request, the CORS header, the access-log line), so the answer is the Flask route's
    (``tests/test_fast_path.py`` compares them). While the query waits or runs, a client that
    closes its connection stops it (``waitress.client_disconnected``). Everything else (no
    query, ``lang=``, other methods, a body without a length or over the limit, no pool) goes to
    ``app``."""

    def __init__(self, app: WSGIApplication, flask_app: Flask) -> None:
        self.app = app
        self.state: ServerState = flask_app.extensions[EXTENSION]
        self.max_body = int(flask_app.config["MAX_CONTENT_LENGTH"])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        if not self._ours(environ):
            return self.app(environ, start_response)
        started = time.perf_counter()
        self.state.refresh()
        build = self.state.current.hold()
        try:
            if build.pool is None:
                return self.app(environ, start_response)
            request = self._request(environ)
            runner = functools.partial(build.pool.run,
                                       gone=environ.get("waitress.client_disconnected"))
            try:
                result = handle_sparql(request, store=build.store, limits=self.state.limits,
                                       runner=runner)
            except Exception:  # noqa: BLE001 - a bug: logged, a 500 without details
                log.exception("unexpected error on %s /sparql", environ["REQUEST_METHOD"])
                status, headers, body = render_error(internal_error(), request.accept)
                result = ProtocolResponse(status, headers, body)
        finally:
            build.release()
        query_ms = round((time.perf_counter() - started) * 1000, 2)
        headers = [*result.headers, ("Access-Control-Allow-Origin", "*")]
        if isinstance(result.body, bytes) and not any(k == "Content-Length" for k, _ in headers):
            headers.append(("Content-Length", str(len(result.body))))
        start_response(f"{result.status} {HTTP_STATUS_CODES.get(result.status, 'UNKNOWN')}",
                       headers)
        _log_access(environ, result, headers, started, query_ms)
        return [result.body] if isinstance(result.body, bytes) else result.body

    def _ours(self, environ: WSGIEnvironment) -> bool:
        if environ.get("PATH_INFO") != "/sparql":
            return False
        query_string = environ.get("QUERY_STRING", "").encode("latin-1")
        if b"lang=" in query_string:
            return False  # the page hooks set the language cookie
        if environ.get("HTTP_CONTENT_ENCODING"):
            return False  # the app refuses (or allows "identity") with the reason
        method = environ["REQUEST_METHOD"]
        if method == "GET":
            return _QUERY_PARAM.search(query_string) is not None
        length = environ.get("CONTENT_LENGTH") or ""
        return method == "POST" and length.isdigit() and int(length) <= self.max_body

    @staticmethod
    def _request(environ: WSGIEnvironment) -> ProtocolRequest:
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0) if method == "POST" else 0
        root = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}"
        return ProtocolRequest(
            method=method,
            args=MultiDict(),
            accept=_parse_accept(environ.get("HTTP_ACCEPT")),
            body=environ["wsgi.input"].read(length) if length else b"",
            content_type=environ.get("CONTENT_TYPE"),
            endpoint=f"{root}{environ.get('SCRIPT_NAME', '')}/sparql",
            query_string=environ.get("QUERY_STRING", "").encode("latin-1"),
            arrived=environ.get(ARRIVED),
        )


def _log_access(environ: WSGIEnvironment, result: ProtocolResponse,
                headers: list[tuple[str, str]], started: float, query_ms: float) -> None:
    """The access-log line of a fast-path answer (`server.access.log_access`, as for every
    other answer)."""
    length = next((v for k, v in headers if k == "Content-Length"), None)
    log_access(remote=environ.get("REMOTE_ADDR"), method=environ["REQUEST_METHOD"],
               path="/sparql", status=result.status,
               length=int(length) if length is not None else None, started=started,
               query=result.query, query_ms=query_ms if result.query is not None else None)
