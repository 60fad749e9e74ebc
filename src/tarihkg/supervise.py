"""Host, port, dataset directory -> the supervisor of the endpoint: binds the listening socket
once, forks the web process (`server.serve.web_process`), forks a new one if it dies (the OOM
killer, an operator), so the port never closes, and passes SIGTERM/SIGINT on.

`tarihkg serve` execs ``python -c COMMAND ARGS`` (`main`), so the supervisor imports
little (this module and the standard library: 12 MB resident instead of the 67 MB of the whole
app); the web process imports the app after the fork. A supervisor that had loaded the app
(`server.serve.serve`, as the tests start it) shares those pages with its web process only
until the web process writes to them, and then holds its own copy for as long as it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from tarihkg.layout import DATASET_FILE, STORE_DIR

log = logging.getLogger(__name__)

RESTART_PAUSE_S = 0.5
# what `tarihkg serve` execs, with `main`'s arguments after it (``-c``, not ``-m``: the
# multiprocessing children of the web process would import a ``-m`` module again as their main)
COMMAND = "import sys; from tarihkg.supervise import main; sys.exit(main(sys.argv[1:]))"
_M_ARENA_MAX = -8  # glibc mallopt(3)
_PR_SET_PDEATHSIG = 1
MALLOC_ARENAS = 2


@dataclass(frozen=True)
class WebSettings:
    """What the web process needs: the dataset directory, its threads, its public URL."""

    dataset: str
    threads: int | None
    public_url: str


WebProcess = Callable[[socket.socket, WebSettings], None]  # never returns: it exits


def supervise(*, host: str, port: int, settings: WebSettings, web: WebProcess) -> None:
    """Listen on ``host:port`` and keep one web process (``web``, run in a forked child) serving
    on that socket until SIGTERM/SIGINT, which are passed on to it."""
    listener = socket.create_server((host, port), backlog=1024)
    stopping: list[int] = []
    children: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on http://%s:%d", host, port)
    gc.freeze()  # what is loaded now stays shared with the web process: GC never writes to it
    while not stopping:
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # until the web process has its own
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor passes Ctrl-C on
            _die_with(supervisor)
            web(listener, settings)  # never returns
            os._exit(1)
        children[:] = [pid]
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        children.clear()
        if not stopping:
            log.error("the web process exited with %s; starting a new one", code)
            time.sleep(RESTART_PAUSE_S)
    listener.close()


def _die_with(parent: int) -> None:
    """SIGTERM this process when ``parent`` dies (Linux ``PR_SET_PDEATHSIG``); exit now if it
    already has."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def few_malloc_arenas() -> None:
    """At most `MALLOC_ARENAS` glibc malloc arenas in this process (call it before it starts
    threads). glibc gives each thread that finds the arenas busy a new one, up to 8 per core,
    and each keeps what was freed in it: with the web process's threads, or the engine's, that
    memory stays spread over arenas that are rarely reused."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def _web(listener: socket.socket, settings: WebSettings) -> None:
    from server.serve import web_process  # the app is imported here, after the fork

    web_process(listener, settings)


def main(argv: list[str] | None = None) -> int:
    """``python -c COMMAND --host H --port P --dataset DIR [--threads N] [--public-url URL]``:
    what `tarihkg serve` runs (exit 2 if DIR holds no built dataset)."""
    parser = argparse.ArgumentParser(prog="tarihkg serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--public-url", default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    dataset = args.dataset.absolute()  # not resolved: a build swaps the link
    if not ((dataset / STORE_DIR).is_dir() or (dataset / DATASET_FILE).is_file()):
        print(f"tarihkg: error: {dataset}: no built dataset here: neither {STORE_DIR}/ nor "
              f"{DATASET_FILE} (run `tarihkg build`)", file=sys.stderr)
        return 2
    public_url = args.public_url or f"http://{args.host}:{args.port}/"
    log.info("serving %s", dataset)
    supervise(host=args.host, port=args.port, web=_web,
              settings=WebSettings(dataset=str(dataset), threads=args.threads,
                                   public_url=public_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
