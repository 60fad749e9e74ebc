"""Shared test helpers: the two source texts as the text stage's later steps see them."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
S000, S002 = "000_539a70a237dcfef4", "002_afd972166be37c54"


@cache
def cleaned(source_id: str) -> str:
    """A source as the text stage hands it over: NFC, lines joined with one space."""
    raw = (SOURCES / f"{source_id}.txt").read_text(encoding="utf-8")
    return re.sub(r"[ \t]*\n[ \t]*", " ", unicodedata.normalize("NFC", raw))


def sentence(source_id: str, first: str, last: str) -> str:
    """The stretch of a source from ``first`` up to and including ``last``."""
    text = cleaned(source_id)
    i = text.index(first)
    return text[i : text.index(last, i) + len(last)]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server with ``handler`` on a free 127.0.0.1 port, in a thread: yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
