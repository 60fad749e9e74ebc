"""Download requests -> the reuse exports of `tarihkg.export` (QuickStatements V1, CSL-JSON,
BibTeX) and "cite this" for one fact, each with its licence.

Routes of the ``exports`` blueprint: ``/exports/quickstatements.txt``, ``/exports/sources.json``
(CSL-JSON), ``/exports/sources.bib`` (BibTeX), ``/cite/{fact-id}`` (JSON with ``iri`` and
``text``, or plain text by ``Accept``). Every answer carries ``Link: <licence>; rel="license"``.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from flask import Blueprint, Response, request

from server.errors import not_found
from server.state import store
from tarihkg.errors import InputError
from tarihkg.export import DATASET_LICENCE, cite_fact, export_text
from tarihkg.namespaces import BASE

log = logging.getLogger(__name__)

bp = Blueprint("exports", __name__)

#: Download name -> (export format, media type).
DOWNLOADS: dict[str, tuple[str, str]] = {
    "quickstatements.txt": ("quickstatements", "text/plain; charset=utf-8"),
    "sources.json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
    "sources.bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
}


def _licensed(response: Response) -> Response:
    response.headers["Link"] = f'<{DATASET_LICENCE}>; rel="license"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/exports/<name>")
def download(name: str) -> Response:
    if name not in DOWNLOADS:
        raise not_found(f"no export {name!r}; the exports are {', '.join(DOWNLOADS)}")
    fmt, media_type = DOWNLOADS[name]
    text = export_text(store(), fmt, base=BASE, retrieved=date.today())
    response = Response(text, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="tarihkg-{name}"'
    return _licensed(response)


@bp.get("/cite/<fact_id>")
def cite(fact_id: str) -> Response:
    iri = f"{BASE}resource/claim/{fact_id}"
    try:
        citation = cite_fact(store(), iri, retrieved=date.today())
    except InputError:
        raise not_found(f"no fact {fact_id!r} in the dataset") from None
    best = request.accept_mimetypes.best_match(["application/json", "text/plain"],
                                               default="application/json")
    if best == "text/plain":
        return _licensed(Response(citation.text + "\n", content_type="text/plain; charset=utf-8"))
    body = {"iri": citation.iri, "text": citation.text, "source": citation.source,
            "quote": citation.quote, "page": citation.page, "license": DATASET_LICENCE}
    return _licensed(Response(json.dumps(body, ensure_ascii=False),
                              content_type="application/json"))
