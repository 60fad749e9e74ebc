"""Anything that goes wrong in a request -> one status and a one-line plain-text or JSON message.

Named constructors (`bad_request`, `forbidden`, `not_acceptable`, ...) build an `HttpError`;
`render_error` turns one into ``(status, headers, body)``; `register_error_handler` installs the
app's only error handler, which also covers werkzeug's own errors (405, 413 from
``MAX_CONTENT_LENGTH``) and unexpected exceptions (500, logged, never a traceback).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException

from server.negotiation import error_media_type

log = logging.getLogger(__name__)

Headers = list[tuple[str, str]]


class HttpError(Exception):
    """An HTTP error status with a message for the client and extra headers."""

    def __init__(self, status: int, message: str, *, headers: Headers | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers or [])


def bad_request(message: str) -> HttpError:
    """400: the request is malformed (missing or repeated query, malformed SPARQL, ...)."""
    return HttpError(400, message)


def forbidden(message: str) -> HttpError:
    """403: understood but refused (a SPARQL update, a federated query)."""
    return HttpError(403, message)


def not_found(message: str) -> HttpError:
    """404: no such page."""
    return HttpError(404, message)


def method_not_allowed(allowed: Sequence[str]) -> HttpError:
    """405, with the ``Allow`` header listing ``allowed``."""
    allow = ", ".join(allowed)
    return HttpError(405, f"method not allowed; use {allow}", headers=[("Allow", allow)])


def not_acceptable(message: str) -> HttpError:
    """406: no format the client accepts can carry this answer."""
    return HttpError(406, message)


def payload_too_large(message: str) -> HttpError:
    """413: the query or the request body is over the configured size."""
    return HttpError(413, message)


def unsupported_media_type(message: str) -> HttpError:
    """415: a POST body in a content type the protocol does not define."""
    return HttpError(415, message)


def unsupported_content_coding(coding: str) -> HttpError:
    """415 with ``Accept-Encoding: identity`` (RFC 9110 15.5.16): a request body in a content
    coding (gzip, br, ...) this server does not decode; read as it is, a gzip body was a
    confusing "not valid UTF-8" 400 and a body labelled ``br`` but sent plain was answered."""
    return HttpError(415, f"the body is sent with Content-Encoding: {coding}; this server "
                          "reads request bodies uncompressed only: send it without a "
                          "Content-Encoding", headers=[("Accept-Encoding", "identity")])


def unprocessable(message: str) -> HttpError:
    """422: a well-formed query the engine cannot evaluate (it stopped on it)."""
    return HttpError(422, message)


def internal_error(message: str = "internal error (logged on the server)") -> HttpError:
    """500: a bug; the details go to the log, not to the client."""
    return HttpError(500, message)


def service_unavailable(message: str) -> HttpError:
    """503: the dataset is not loaded, or a query was stopped at a limit (deadline, memory,
    result rows)."""
    return HttpError(503, message)


def bad_gateway(message: str) -> HttpError:
    """502: the remote store behind this endpoint failed."""
    return HttpError(502, message)


def one_line(text: str, *, limit: int = 600) -> str:
    """``text`` with all white space runs collapsed to one space, cut to ``limit`` characters.

    >>> one_line("error at 1:5:\\n  expected '{'")
    "error at 1:5: expected '{'"
    >>> one_line("x" * 10, limit=4)
    'xxx…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_error(error: HttpError, accept: MIMEAccept) -> tuple[int, Headers, bytes]:
    """``(status, headers, body)`` for ``error``: JSON if the client prefers it, else text."""
    message = one_line(error.message)
    phrase = HTTPStatus(error.status).phrase
    if error_media_type(accept) == "application/json":
        doc = {"status": error.status, "error": phrase, "message": message}
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8") + b"\n"
        content_type = "application/json"
    else:
        body = f"{error.status} {phrase}: {message}\n".encode()
        content_type = "text/plain; charset=utf-8"
    return error.status, [("Content-Type", content_type), *error.headers], body


def _as_http_error(exc: Exception) -> HttpError:
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, HTTPException) and exc.code is not None:
        headers = [(k, v) for k, v in exc.get_headers()
                   if k.lower() in ("allow", "content-range")]  # 405's methods; 416's length
        message = exc.description or HTTPStatus(exc.code).phrase
        if exc.code == 405:
            allow = ", ".join(v for _, v in headers)
            message = f"{request.method} is not allowed here; use {allow}"
        if exc.code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is over the {limit}-byte limit; send a shorter query"
        return HttpError(exc.code, message, headers=headers)
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return internal_error()


def register_error_handler(app: Flask) -> None:
    """Install the app's one error handler (for every exception)."""

    def handle(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 400:
            return exc  # routing redirects are not errors
        status, headers, body = render_error(_as_http_error(exc), request.accept_mimetypes)
        return Response(body, status=status, headers=headers)

    app.register_error_handler(Exception, handle)
