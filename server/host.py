"""The configured public root URL + a WSGI environ -> the environ with that host and scheme.

Every absolute URL the app writes (the endpoint IRI in the service description, VoID, redirects,
links in pages) is built by werkzeug from the request's ``Host`` header and scheme. A client
controls that header, so the app never reads it: `PublicUrl` rewrites ``HTTP_HOST``,
``SERVER_NAME``/``SERVER_PORT``, ``wsgi.url_scheme`` and ``SCRIPT_NAME`` (the URL's path, for
a proxy that mounts the app under one) of every request to those of the
configured ``PUBLIC_URL`` before Flask sees it.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class PublicUrl:
    """WSGI middleware: every request looks as if it came to ``public_url``."""

    def __init__(self, app: WSGIApplication, public_url: str) -> None:
        parts = urllib.parse.urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"PUBLIC_URL must be an http(s) URL, not {public_url!r}")
        self.app = app
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.name = parts.hostname
        self.port = str(parts.port or (443 if parts.scheme == "https" else 80))
        self.script_name = parts.path.rstrip("/")  # a proxy that mounts the app under a path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        environ["HTTP_HOST"] = self.netloc
        environ["SERVER_NAME"] = self.name
        environ["SERVER_PORT"] = self.port
        environ["wsgi.url_scheme"] = self.scheme
        environ["SCRIPT_NAME"] = self.script_name
        return self.app(environ, start_response)

