"""One request -> one JSON line on the ``server.access`` logger: the access log. Written by one
function, `log_access`, for every answer, whether the Flask app made it (its ``after_request``
hook) or the fast path of ``GET``/``POST /sparql`` (`server.serve.SparqlFastPath`)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

access_log = logging.getLogger("server.access")


def log_access(*, remote: str | None, method: str, path: str, status: int,
               length: int | None, started: float, query: str | None = None,
               query_ms: float | None = None) -> None:
    """Write the line of one answer: when, who, what, its status and size in bytes, its
    duration since ``started`` (`time.perf_counter`), and for a query its text's hash and
    length (never the text) and the time it took."""
    entry: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "remote": remote,
        "method": method,
        "path": path,
        "status": status,
        "bytes": length,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    if query is not None:
        entry["query_sha256"] = hashlib.sha256(query.encode("utf-8")).hexdigest()[:16]
        entry["query_length"] = len(query)
        entry["query_ms"] = query_ms
    access_log.info(json.dumps(entry))
