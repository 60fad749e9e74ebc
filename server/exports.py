"""Download and citation requests -> the reuse exports (QuickStatements V1, CSL-JSON, BibTeX,
RIS) and "cite this" for one fact, each with its licence.

Routes of the ``exports`` blueprint: ``/exports/`` (a page listing every download),
``/exports/quickstatements.txt``, ``/exports/sources.json`` (CSL-JSON), ``/exports/sources.bib``
(BibTeX), ``/exports/sources.ris`` (RIS), and ``/cite/{fact-id}``: an HTML page for a browser,
else JSON, CSL-JSON, BibTeX, RIS or plain text by ``Accept`` or ``?format=``. Every download
carries ``Link: <licence>; rel="license"``.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from server.errors import not_acceptable, not_found
from server.lang import current_lang
from server.negotiation import bare, prefers_html
from server.state import store
from tarihkg.citation import (
    STYLES,
    FactCitation,
    Release,
    format_bibtex,
    format_references,
    format_ris,
    release_of,
)
from tarihkg.errors import InputError
from tarihkg.export import export_text
from tarihkg.names import BASE, DATASET, RESOURCE_NS

log = logging.getLogger(__name__)

bp = Blueprint("exports", __name__)

CSL_JSON = "application/vnd.citationstyles.csl+json"
#: Download name -> (export format, media type).
DOWNLOADS: dict[str, tuple[str, str]] = {
    "quickstatements.txt": ("quickstatements", "text/plain; charset=utf-8"),
    "sources.json": ("csl-json", f"{CSL_JSON}; charset=utf-8"),
    "sources.bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    "sources.ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
}
#: ``?format=`` of /cite -> media type answered.
CITE_FORMATS: dict[str, str] = {
    "json": "application/json",
    "csl-json": CSL_JSON,
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "text": "text/plain",
}


def _licensed(response: Response) -> Response:
    response.headers["Link"] = f'<{DATASET.licence.iri}>; rel="license"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def current_release() -> Release:
    """The version and build date of the dataset this app serves (today's date for a remote
    store, whose build the app cannot see)."""
    if current_app.config.get("STORE_URL"):
        return release_of(None)
    return release_of(Path(current_app.config["DATASET_DIR"]))


@bp.get("/exports/")
def exports_index() -> str:
    return render_template("exports.html", downloads=DOWNLOADS, release=current_release())


@bp.get("/exports/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        raise not_found(f"no export {name!r}; the exports are {', '.join(DOWNLOADS)}")
    fmt, media_type = DOWNLOADS[name]
    text = export_text(store(), fmt, base=BASE, retrieved=date.today(),
                       release=current_release())
    response = Response(text, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="tarihkg-{name}"'
    return _licensed(response)


def _cite_format() -> str:
    """The representation asked for: ``?format=``, else HTML for a browser, else by Accept
    (JSON when nothing is said)."""
    asked = request.args.get("format")
    if asked is not None:
        if asked not in CITE_FORMATS and asked != "html":
            raise not_acceptable(f"format={asked!r}; use html or one of "
                                 f"{', '.join(CITE_FORMATS)}")
        return asked
    if prefers_html(request.accept_mimetypes):
        return "html"
    best = bare(request.accept_mimetypes).best_match(list(CITE_FORMATS.values()),
                                                     default="application/json")
    if best is None:
        raise not_acceptable("/cite answers " + ", ".join(["text/html", *CITE_FORMATS.values()]))
    return next(k for k, v in CITE_FORMATS.items() if v == best)


def _json(citation: FactCitation, items: list[dict[str, object]], release: Release) -> str:
    body = {
        "iri": citation.iri, "fact": citation.words,
        "text": "\n".join(format_references(items, "chicago", html=False)),
        "quote": citation.quote, "sentence": citation.sentence_text,
        "page": citation.page, "source": citation.article.iri,
        "article": citation.article.item(page=citation.page),
        "cites": [{"text": c.text, "iri": c.target.iri if c.target else None}
                  for c in citation.cited],
        "dataset": {"version": release.version, "date": release.issued.isoformat()},
        "license": DATASET.licence.iri,
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


@bp.get("/cite/<fact_id>")
def cite(fact_id: str) -> Response | str:
    from tarihkg.citation import cite_fact

    iri = f"{RESOURCE_NS}claim/{fact_id}"
    lang = current_lang()
    try:
        citation = cite_fact(store(), iri, lang=lang)
    except InputError:
        raise not_found(f"no fact {fact_id!r} in the dataset") from None
    fmt = _cite_format()
    release = current_release()
    items = citation.items(base=BASE, release=release, lang=lang)
    if fmt == "html":
        references = {key: format_references(items, key) for key in STYLES}
        links = {key: url_for("exports.cite", fact_id=fact_id, format=key)
                 for key in CITE_FORMATS}
        return render_template("cite.html", c=citation, release=release, styles=STYLES,
                               references=references, links=links, fact_id=fact_id)
    text = {
        "json": lambda: _json(citation, items, release),
        "csl-json": lambda: json.dumps(items, ensure_ascii=False, indent=2),
        "bibtex": lambda: format_bibtex(items),
        "ris": lambda: format_ris(items),
        "text": lambda: "\n".join(format_references(items, "chicago", html=False)) + "\n",
    }[fmt]()
    media = CITE_FORMATS[fmt]
    response = Response(text, content_type=media if media.endswith("json") else
                        f"{media}; charset=utf-8")
    response.vary.add("Accept")
    return _licensed(response)
