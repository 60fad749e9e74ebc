"""The request and response of every HTML page -> the shared template globals (language,
strings, links, dates, licence) and the security headers (Content-Security-Policy, nosniff,
the language cookie)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, request
from markupsafe import Markup

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




#: Characters XML 1.0 forbids (and HTML5 calls parse errors): C0 controls but tab, LF and CR,
#: U+FFFE, U+FFFF and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    r"""``value`` as a template prints it, with each character XML 1.0 forbids shown as U+FFFD
    (what a parser would show for it): a page echoes what a client typed (a search, a path),
    and no reader may fail on it.

    >>> xml_safe("a\x01b"), xml_safe(Markup("<b>\x00</b>")), xml_safe(3)
    ('a�b', Markup('<b>�</b>'), 3)
    """
    if isinstance(value, str) and _NOT_XML.search(value):
        cleaned = _NOT_XML.sub("\ufffd", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def install_page_hooks(app: Flask) -> None:
    """Give every template the shared globals and every response the page headers; every
    printed value goes through `xml_safe`."""
    app.context_processor(_template_globals)
    app.after_request(_set_headers)
    app.jinja_env.finalize = xml_safe
