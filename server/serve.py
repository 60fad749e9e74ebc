"""Host, port, built dataset dir -> the endpoint served by gunicorn (never Flask's dev server).

Worker model: one pre-forked *gthread* web worker per core (at least 2, at most 8) of `THREADS`
threads each; every thread that is busy has a query process of its own (`server.executor`,
started on demand, reused most-recently-used first). A web thread parses the request, checks it,
hands the query to a query process and waits; the query process does the CPU-bound work in
pyoxigraph under the deadline and memory cap. So the web workers mostly wait: one per core is
enough to parse requests and write answers on every core (a third worker on 2 cores cost 5 % more
CPU per query in ``bench/``), and the threads are there so that slow or hostile queries (each
holding a thread until its deadline) cannot make everyone else queue: ``workers * THREADS`` queries
run at once, sharing the cores through the kernel's scheduler, and a quick query still gets its
answer while slow ones burn their time. Threads also give HTTP keep-alive, which sync workers
lack. Measured in ``bench/RESULTS.md``. The app is not preloaded: each worker opens the store
read-only after the fork (a RocksDB handle must not cross a fork). gunicorn's worker ``timeout``
is only a backstop: the query deadline (``TARIHKG_QUERY_TIMEOUT``, default 30 s) is enforced by
the executor and must stay well below it. Put a reverse proxy in front for TLS and slow clients.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server import create_app
from tarihkg.store import find_dataset

log = logging.getLogger(__name__)

MAX_WORKERS = 8
THREADS = 8
WORKER_TIMEOUT_S = 300


def default_workers(cores: int | None = None) -> int:
    """One per core, at least 2 (one busy worker must not hold up the next request), at most
    `MAX_WORKERS`.

    >>> default_workers(1), default_workers(2), default_workers(16)
    (2, 2, 8)
    """
    n = cores if cores is not None else (os.cpu_count() or 1)
    return min(max(n, 2), MAX_WORKERS)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python with explicit options (no command line, no config file)."""

    def __init__(self, *, dataset_dir: Path, threads: int, public_url: str,
                 options: dict[str, Any]) -> None:
        self.dataset_dir = dataset_dir
        self.threads = threads
        self.public_url = public_url
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket_disable is new in gunicorn 25
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app({"DATASET_DIR": str(self.dataset_dir), "QUERY_PROCESSES": self.threads,
                           "PUBLIC_URL": self.public_url})


def serve(*, host: str, port: int, dataset_dir: Path, workers: int | None = None,
          threads: int = THREADS, public_url: str | None = None) -> None:
    """Serve the dataset in ``dataset_dir`` on ``host:port`` until stopped (SIGTERM/SIGINT);
    ``public_url`` (default ``http://host:port/``) is where clients reach it.

    Raises `tarihkg.errors.InputError` before starting if the dataset cannot be opened.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    access = logging.getLogger("server.access")  # on stderr whatever the CLI's log level
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    dataset_dir = Path(dataset_dir).resolve()
    location = find_dataset(dataset_dir)  # not opened here: no store handle may cross the fork
    log.info("serving %s", location)
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 5,
        "timeout": WORKER_TIMEOUT_S,
        "graceful_timeout": 10,
        "limit_request_line": 8190,
        "preload_app": False,
        "proc_name": "tarihkg",
        "control_socket_disable": True,
        "errorlog": "-",
        "loglevel": "info",
    }
    _Gunicorn(dataset_dir=dataset_dir, threads=threads,
              public_url=public_url or f"http://{host}:{port}/", options=options).run()
