"""Host, port, built dataset dir -> the endpoint: a supervisor and one waitress web process
(never Flask's dev server).

Process model. `serve` is the supervisor: it binds the listening socket once, starts the web
process (``python -m server.serve``, the socket inherited) and starts a new one if it dies (the OOM
killer, an operator), so the port never closes; SIGTERM/SIGINT stop both. The web process runs
waitress: its asyncore front reads every request whole (headers and body) before a thread sees
it, and takes every answer whole from the thread (spooled to a temporary file past 1 MB, up to
`OUTBUF_HIGH_WATERMARK`) before sending it, so a client that sends its headers a byte a second or
never reads its answer holds a socket, never a thread; a connection with no progress for
`CHANNEL_TIMEOUT_S` is closed. Threads only wait for the one pool of query processes that the
whole server shares (`server.executor.QueryPool`, `THREADS` processes at most, started as
queries overlap and reused most-recently-used first, so one or two stay warm on a quiet server):
every query in flight has its own process and the kernel shares the cores among them, so a cheap
query is answered while expensive ones burn their deadline. The deadline counts from the moment
the front finished reading the request (``tarihkg.arrived`` in the WSGI environ), so time spent
waiting for a thread counts. Each query process's memory cap is the machine's memory divided
among all of them (`server.executor.memory_cap_mb`), so the caps together fit the machine.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server
from waitress.task import WSGITask

from server import create_app
from server.executor import die_with_parent
from tarihkg.store import find_dataset

log = logging.getLogger(__name__)

THREADS = 64
CHANNEL_TIMEOUT_S = 30
CONNECTION_LIMIT = 500
MAX_HEADER_BYTES = 65_536
OUTBUF_HIGH_WATERMARK = 128 * 1024 * 1024  # above the answer cap: a thread never waits on a reader
RESTART_PAUSE_S = 0.5
ARRIVED = "tarihkg.arrived"


class _Parser(HTTPRequestParser):  # type: ignore[misc]
    """waitress's request parser, noting when the request was read whole."""

    arrived: float | None = None

    def received(self, data: bytes) -> int:
        used = int(super().received(data))
        if self.completed and self.arrived is None:
            self.arrived = time.monotonic()
        return used


class _Task(WSGITask):  # type: ignore[misc]
    """waitress's WSGI task, passing the arrival time to the app."""

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[ARRIVED] = getattr(self.request, "arrived", None) or time.monotonic()
        return environ


class _Channel(HTTPChannel):  # type: ignore[misc]
    parser_class = _Parser
    task_class = _Task


def serve(*, host: str, port: int, dataset_dir: Path, threads: int | None = None,
          public_url: str | None = None) -> None:
    """Serve the dataset in ``dataset_dir`` on ``host:port`` until SIGTERM/SIGINT with
    ``threads`` (default `THREADS`) threads; ``public_url`` (default ``http://host:port/``) is
    where clients reach it.

    Raises `tarihkg.errors.InputError` before starting if there is no dataset.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    dataset_dir = Path(dataset_dir).absolute()  # not resolved: a build swaps the link
    log.info("serving %s", find_dataset(dataset_dir))
    listener = socket.create_server((host, port), backlog=1024)
    listener.set_inheritable(True)
    command = [sys.executable, "-m", "server.serve", "--fd", str(listener.fileno()),
               "--dataset", str(dataset_dir), "--threads", str(threads or THREADS),
               "--public-url", public_url or f"http://{host}:{port}/"]
    stopping: list[int] = []
    web: list[subprocess.Popen[bytes]] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)
        for proc in web:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on http://%s:%d", host, port)
    while not stopping:
        web[:] = [subprocess.Popen(command, pass_fds=[listener.fileno()])]
        code = web[0].wait()
        if not stopping:
            log.error("the web process exited with %s; starting a new one", code)
            time.sleep(RESTART_PAUSE_S)
    listener.close()


def _web_process(argv: list[str]) -> None:
    """The web process: the app behind waitress on the inherited socket, until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m server.serve")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--public-url", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    access = logging.getLogger("server.access")  # on stderr whatever the CLI's log level
    access.setLevel(logging.INFO)
    die_with_parent(signal.SIGTERM)  # a killed supervisor takes its web process along
    app = create_app({"DATASET_DIR": args.dataset, "QUERY_PROCESSES": args.threads,
                      "PUBLIC_URL": args.public_url})
    listener = socket.socket(fileno=args.fd)
    server = create_server(app, sockets=[listener], threads=args.threads,
                           channel_timeout=CHANNEL_TIMEOUT_S, connection_limit=CONNECTION_LIMIT,
                           max_request_header_size=MAX_HEADER_BYTES,
                           outbuf_high_watermark=OUTBUF_HIGH_WATERMARK, ident="tarihkg",
                           clear_untrusted_proxy_headers=True)
    server.channel_class = _Channel
    pool = app.extensions["tarihkg"].pool
    if pool is not None:
        pool.start()  # one query process warm before the first request
    log.info("waitress web process %d: %d threads, one pool of up to %d query processes",
             os.getpid(), args.threads, args.threads)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    finally:
        if pool is not None:
            pool.close()  # threads waiting for a query process get their answers now
        logging.shutdown()
        os._exit(0)  # threads still writing to clients that left must not hold the exit


if __name__ == "__main__":
    _web_process(sys.argv[1:])
