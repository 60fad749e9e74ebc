"""The built dataset directory -> the dataset as a product: the dumps written at build time
(``/dumps/``, with SHA-256 checksums and licence; ``.gz`` files as ``application/gzip``, never
with ``Content-Encoding``; each also unpacked without ``.gz``), the VoID description
(``/.well-known/void``: statistics, licence, version and date, the source articles, dumps,
example resources, SPARQL endpoint) and the
latest SHACL report (``/shacl-report``).
"""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from server.errors import not_acceptable
from server.exports import current_release
from server.iris import TKG
from server.linked_data import GRAPH_FORMATS, conditional, graph_size
from server.negotiation import NegotiationError, choose_format, prefers_html
from server.state import current_state, store
from tarihkg.citation import Article, articles
from tarihkg.layout import CHECKSUMS_FILE, DUMPS_METADATA_FILE, BuildLayout
from tarihkg.names import BASE, DATASET, PREFIXES

log = logging.getLogger(__name__)

bp = Blueprint("dumps", __name__)

VOID = PREFIXES["void"]
DCT = PREFIXES["dcterms"]
SD = "http://www.w3.org/ns/sparql-service-description#"


def _layout() -> BuildLayout:
    return BuildLayout(Path(current_app.config["DATASET_DIR"]))


def dump_list() -> list[dict[str, Any]]:
    """The dumps of the served build (from ``dumps/dumps.json``; empty if there are none)."""
    path = _layout().dumps_metadata
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data["dumps"])
    except (ValueError, KeyError, TypeError) as exc:
        log.error("unreadable dump metadata %s: %s", path, exc)
        return []


@bp.get("/dumps/")
def dumps_index() -> str:
    return render_template("dumps.html", dumps=dump_list(), checksums=CHECKSUMS_FILE)


@bp.get("/dumps/<name>")
def dump_file(name: str) -> Response:
    dumps = dump_list()
    plain = {d["file"].removesuffix(".gz"): d for d in dumps}
    if name in plain:
        # The same dump unpacked, for clients that cannot read gzip (rdflib's parse(url)).
        path = _layout().dumps / plain[name]["file"]
        media = plain[name]["media_type"]
        response = Response(gzip.decompress(path.read_bytes()), content_type=(
            f"{media}; charset=utf-8" if media.startswith("text/") else media))
        response.last_modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        response.cache_control.public = True
        response.cache_control.max_age = 600
        return conditional(response)  # ETag, If-None-Match, If-Modified-Since, Range as the .gz
    known = {d["file"] for d in dumps} | {CHECKSUMS_FILE, DUMPS_METADATA_FILE}
    if name not in known:
        abort(404)
    if not name.endswith(".gz"):
        return send_from_directory(_layout().dumps, name, max_age=600)
    # A gzip file is served as what it is (application/gzip), never with Content-Encoding:
    # clients would unpack it on the fly and save plain text under a .gz name, and the
    # checksums in SHA256SUMS (of the .gz bytes) would no longer match.
    response = send_from_directory(_layout().dumps, name, max_age=600,
                                   mimetype="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _reference(article: Article) -> str:
    """Authors (printed order), title, journal and issue of a source article, in one line."""
    parts = [" & ".join(article.authors), f"\u201c{article.title}\u201d"]
    if article.journal:
        parts.append(article.journal + (f" {article.issue}" if article.issue else ""))
    if article.year:
        parts.append(str(article.year))
    return ", ".join(p for p in parts if p)


def void_graph(root: str) -> list[pyoxigraph.Triple]:
    """The VoID description of the dataset as served from ``root`` (``http://host/``)."""
    st = store()
    N = pyoxigraph.NamedNode  # noqa: N806 - short constructor names keep the table readable
    L = pyoxigraph.Literal  # noqa: N806
    xsd_int = N(PREFIXES["xsd"] + "integer")
    ds = N(BASE + "void#dataset")
    triples: list[tuple[pyoxigraph.NamedNode, pyoxigraph.NamedNode,
                        pyoxigraph.NamedNode | pyoxigraph.Literal]] = [
        (ds, N(PREFIXES["rdf"] + "type"), N(VOID + "Dataset")),
        (ds, N(DCT + "license"), N(DATASET.licence.iri)),
        (ds, N(VOID + "sparqlEndpoint"), N(root + "sparql")),
        (ds, N(VOID + "uriSpace"), L(BASE + "resource/")),
        (ds, N(VOID + "vocabulary"), N(TKG)),
        (ds, N(VOID + "triples"), L(str(st.triple_count()), datatype=xsd_int)),
        (ds, N(VOID + "rootResource"), N(BASE + DATASET.root_resource)),
    ]
    for key, texts in (("title", DATASET.title), ("description", DATASET.description)):
        triples += [(ds, N(DCT + key), L(text, language=lang)) for lang, text in texts.items()]
    release = current_release()
    triples += [(ds, N(PREFIXES["owl"] + "versionInfo"), L(release.version)),
                (ds, N(DCT + "modified"), L(release.issued.isoformat(),
                                            datatype=N(PREFIXES["xsd"] + "date")))]
    for article in articles(st):
        doc = N(article.iri)
        triples += [(ds, N(DCT + "source"), doc),
                    (doc, N(DCT + "title"), L(article.title, language=article.language)),
                    (doc, N(DCT + "bibliographicCitation"), L(_reference(article)))]
    for ex in DATASET.example_resources:
        triples.append((ds, N(VOID + "exampleResource"), N(BASE + ex)))
    for d in dump_list():
        triples += [(ds, N(VOID + "dataDump"), N(root + "dumps/" + d["file"])),
                    (ds, N(VOID + "dataDump"), N(root + "dumps/" + d["file"].removesuffix(".gz")))]
    for name, count in current_state().get_summary().classes:
        part = N(BASE + "void#class-" + name)
        triples += [(ds, N(VOID + "classPartition"), part),
                    (part, N(VOID + "class"), N(TKG + name)),
                    (part, N(VOID + "entities"), L(str(count), datatype=xsd_int))]
    for graph in st.graphs():
        sub = N(BASE + "void#graph-" + graph.rsplit("/", 1)[-1])
        triples += [(ds, N(VOID + "subset"), sub),
                    (sub, N(PREFIXES["rdf"] + "type"), N(VOID + "Dataset")),
                    (sub, N(SD + "name"), N(graph)),
                    (sub, N(VOID + "triples"), L(str(graph_size(st, graph)), datatype=xsd_int))]
    return [pyoxigraph.Triple(s, p, o) for s, p, o in triples]


@bp.get("/.well-known/void")
def void() -> Response:
    token = request.args.get("format")
    if not token and prefers_html(request.accept_mimetypes):
        token = "ttl"
    try:
        fmt, _ = choose_format(request.accept_mimetypes, GRAPH_FORMATS, token=token)
    except NegotiationError as exc:
        raise not_acceptable(exc.message) from None
    root = url_for("index", _external=True)
    if not isinstance(fmt.oxigraph, pyoxigraph.RdfFormat):
        raise not_acceptable(f"{fmt.label} cannot carry a graph")
    body = pyoxigraph.serialize(void_graph(root), format=fmt.oxigraph,
                                prefixes=dict(PREFIXES))
    response = Response(body, content_type=(f"{fmt.media_type}; charset=utf-8"
                                            if fmt.media_type.startswith("text/")
                                            else fmt.media_type))
    response.vary.add("Accept")
    return conditional(response)


@bp.get("/shacl-report")
def shacl_report() -> str:
    path = _layout().shacl_report
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return render_template("shacl.html", report=text, present=path.is_file())
