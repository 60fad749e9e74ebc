"""The request and response of every HTML page -> the shared template globals (language,
strings, links, dates, licence) and the security headers (Content-Security-Policy, nosniff,
the language cookie)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from server.iris import compact, safe_href
from server.lang import LANG_COOKIE, LANGS, current_lang, format_edtf, lang_url, t
from tarihkg.names import BASE, DATASET

#: Content-Security-Policy of every HTML page: no inline script, nothing from another origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
#: The query editor only: YASGUI and CodeMirror write ``style="..."`` attributes into the
#: markup they build, which CSP counts as inline style. Scripts stay 'self' only.
CSP_QUERY_UI = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

def _set_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        policy = CSP_QUERY_UI if request.endpoint in ("views.query", "sparql") else CSP
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.vary.update(("Cookie", "Accept-Language"))
    asked = request.args.get("lang")
    if asked in LANGS:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def _template_globals() -> dict[str, Any]:
    lang = current_lang()
    return {
        "lang": lang,
        "other_lang": "en" if lang == "tr" else "tr",
        "t": t,
        "lang_url": lang_url,
        "safe_href": safe_href,
        "compact": compact,
        "format_edtf": format_edtf,
        "dataset": DATASET,
        "base_iri": BASE,
    }




def install_page_hooks(app: Flask) -> None:
    """Give every template the shared globals and every response the page headers."""
    app.context_processor(_template_globals)
    app.after_request(_set_headers)
