"""Host, port, built dataset dir -> the endpoint served by gunicorn (never Flask's dev server).

Worker model: pre-forked *sync* worker processes, ``2 * cores + 1`` capped at 8. SPARQL
evaluation is CPU-bound work inside pyoxigraph, so real parallelism needs processes rather than
threads; the extra workers beyond the core count cover the time a sync worker spends writing a
large answer to a slow client. The app is not preloaded: each worker opens the store read-only
after the fork (a RocksDB handle must not cross a fork). pyoxigraph has no per-query timeout,
so gunicorn's worker ``timeout`` is what stops a runaway query. Put a reverse proxy in front
for TLS and slow clients.
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
WORKER_TIMEOUT_S = 60


def default_workers(cores: int | None = None) -> int:
    """``2 * cores + 1``, capped at `MAX_WORKERS`.

    >>> default_workers(2), default_workers(16)
    (5, 8)
    """
    n = cores if cores is not None else (os.cpu_count() or 1)
    return min(2 * n + 1, MAX_WORKERS)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python with explicit options (no command line, no config file)."""

    def __init__(self, *, dataset_dir: Path, options: dict[str, Any]) -> None:
        self.dataset_dir = dataset_dir
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket_disable is new in gunicorn 25
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app({"DATASET_DIR": str(self.dataset_dir)})


def serve(*, host: str, port: int, dataset_dir: Path, workers: int | None = None) -> None:
    """Serve the dataset in ``dataset_dir`` on ``host:port`` until stopped (SIGTERM/SIGINT).

    Raises `tarihkg.errors.InputError` before starting if the dataset cannot be opened.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    dataset_dir = Path(dataset_dir).resolve()
    location = find_dataset(dataset_dir)  # not opened here: no store handle may cross the fork
    log.info("serving %s", location)
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "sync",
        "timeout": WORKER_TIMEOUT_S,
        "graceful_timeout": 10,
        "limit_request_line": 8190,
        "preload_app": False,
        "proc_name": "tarihkg",
        "control_socket_disable": True,
        "errorlog": "-",
        "loglevel": "info",
    }
    _Gunicorn(dataset_dir=dataset_dir, options=options).run()
