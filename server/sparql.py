"""A SPARQL 1.1 Protocol request (method, params, body, types, Accept) -> (status, headers, body).

`handle_sparql` is the pure protocol core of ``/sparql``: it reads the query from
``GET ?query=``, a ``application/x-www-form-urlencoded`` POST or a ``application/sparql-query``
POST, runs it on the read-only `Store`, negotiates the answer's format and serializes it. Every
refusal is a named error from `server.errors`, rendered the same way. Without a query it answers
with the SPARQL Service Description.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_options_header

from server.errors import (
    Headers,
    HttpError,
    bad_request,
    forbidden,
    method_not_allowed,
    not_acceptable,
    payload_too_large,
    render_error,
    service_unavailable,
    unsupported_media_type,
)
from server.negotiation import NegotiationError, choose_format, content_type_header
from tarihkg.errors import InputError
from tarihkg.formats import FORMATS, RDF_FORMATS, Format, Kind
from tarihkg.namespaces import BASE
from tarihkg.store import QueryRefusedError, QuerySyntaxError, Store, UpdateRefusedError

log = logging.getLogger(__name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

PREFIXES: dict[str, str] = {
    "tkg": BASE + "ontology#",
    "tkr": BASE + "resource/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": str(DCTERMS),
    "prov": "http://www.w3.org/ns/prov#",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass(frozen=True)
class ProtocolRequest:
    """The parts of an HTTP request the protocol looks at."""

    method: str
    args: MultiDict[str, str]
    accept: MIMEAccept
    form: MultiDict[str, str] = field(default_factory=MultiDict)
    body: bytes = b""
    content_type: str | None = None
    endpoint: str = "http://localhost/sparql"


@dataclass(frozen=True)
class Limits:
    """What the endpoint allows."""

    max_query_bytes: int = 100_000
    allow_service: bool = False


@dataclass(frozen=True)
class ProtocolResponse:
    """``(status, headers, body)``, plus the query text (if any) for the access log."""

    status: int
    headers: Headers
    body: bytes
    query: str | None = None


@dataclass(frozen=True)
class _Operation:
    query: str
    default_graphs: list[str]
    named_graphs: list[str]
    format_token: str | None


def handle_sparql(
    req: ProtocolRequest, *, store: Store | None, limits: Limits
) -> ProtocolResponse:
    """Answer one request to the SPARQL endpoint; never raises for a client error."""
    query: str | None = None
    try:
        method = req.method.upper()
        if method == "OPTIONS":
            return _preflight()
        if method not in ALLOWED_METHODS:
            raise method_not_allowed(ALLOWED_METHODS)
        op = _read_operation(req, method=method)
        if op is None:
            if store is None:
                raise service_unavailable("the dataset is not loaded")
            return _service_description(req, store=store, limits=limits)
        query = op.query
        if len(query.encode("utf-8")) > limits.max_query_bytes:
            raise payload_too_large(
                f"the query is {len(query.encode('utf-8'))} bytes; "
                f"the limit is {limits.max_query_bytes}"
            )
        if store is None:
            raise service_unavailable("the dataset is not loaded")
        return _run(req, op, store=store, limits=limits)
    except HttpError as error:
        status, headers, body = render_error(error, req.accept)
        return ProtocolResponse(status, headers, body, query)


def _preflight() -> ProtocolResponse:
    allow = ", ".join(ALLOWED_METHODS)
    headers = [
        ("Allow", allow),
        ("Access-Control-Allow-Methods", allow),
        ("Access-Control-Allow-Headers", "Accept, Content-Type"),
        ("Access-Control-Max-Age", "86400"),
    ]
    return ProtocolResponse(204, headers, b"")


def _single(values: list[str], *, where: str) -> str | None:
    if len(values) > 1:
        raise bad_request(f"{len(values)} 'query' parameters in the {where}; send exactly one")
    return values[0] if values else None


def _read_operation(req: ProtocolRequest, *, method: str) -> _Operation | None:
    """The query and dataset of the request, or None for a GET without a query."""
    url_query = _single(req.args.getlist("query"), where="URL")
    params: MultiDict[str, str] = MultiDict(req.args)
    if method in ("GET", "HEAD"):
        if url_query is None:
            return None
        text = url_query
    else:
        mimetype, options = parse_options_header(req.content_type or "")
        mimetype = mimetype.lower()
        if mimetype == FORM:
            if "update" in req.form:
                raise forbidden("SPARQL updates are not accepted: this endpoint is read-only")
            form_query = _single(req.form.getlist("query"), where="body")
            if url_query is not None and form_query is not None:
                raise bad_request("a query in both the URL and the body; send it once")
            posted = form_query if form_query is not None else url_query
            if posted is None:
                raise bad_request("no 'query' parameter in the form body")
            text = posted
            params.update(req.form)
        elif mimetype == SPARQL_QUERY:
            if url_query is not None:
                raise bad_request("a query in both the URL and the body; send it once")
            text = _decode(req.body, options.get("charset", "utf-8"))
        elif mimetype == SPARQL_UPDATE:
            raise forbidden("SPARQL updates are not accepted: this endpoint is read-only")
        else:
            raise unsupported_media_type(
                f"POST bodies must be {FORM} or {SPARQL_QUERY}, not {mimetype or 'untyped'}"
            )
    if not text.strip():
        raise bad_request("the query is empty")
    return _Operation(
        query=text,
        default_graphs=params.getlist("default-graph-uri"),
        named_graphs=params.getlist("named-graph-uri"),
        format_token=params.get("format") or None,
    )


def _decode(body: bytes, charset: str) -> str:
    try:
        codecs.lookup(charset)
    except LookupError:
        raise unsupported_media_type(f"unknown charset {charset!r}") from None
    try:
        return body.decode(charset)
    except UnicodeDecodeError as exc:
        raise bad_request(f"the body is not valid {charset}: {exc.reason}") from None


def _negotiate(req: ProtocolRequest, candidates: Sequence[Format], token: str | None) -> tuple[
    Format, str
]:
    try:
        return choose_format(req.accept, candidates, token=token)
    except NegotiationError as exc:
        if exc.unknown_token:
            raise bad_request(exc.message) from None
        raise not_acceptable(exc.message) from None


def _run(req: ProtocolRequest, op: _Operation, *, store: Store, limits: Limits) -> ProtocolResponse:
    try:
        result = store.query(
            op.query,
            default_graphs=op.default_graphs or None,
            named_graphs=op.named_graphs or None,
            allow_service=limits.allow_service,
        )
    except QuerySyntaxError as exc:
        raise bad_request(f"malformed query: {exc.message}") from None
    except (UpdateRefusedError, QueryRefusedError) as exc:
        raise forbidden(exc.message) from None
    except InputError as exc:
        raise bad_request(str(exc)) from None
    fmt, media_type = _negotiate(req, result.formats, op.format_token)
    body = result.serialize(fmt, prefixes=PREFIXES)
    headers = [("Content-Type", content_type_header(media_type)), ("Vary", "Accept")]
    return ProtocolResponse(200, headers, body, op.query)


def service_description_graph(*, endpoint: str, store: Store, limits: Limits) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint over ``store``."""
    g = Graph()
    for prefix, ns in (("sd", SD), ("void", VOID), ("dcterms", DCTERMS)):
        g.bind(prefix, ns)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    for fmt in FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.iri)))
    g.add((service, DCTERMS.title, Literal("tarihkg SPARQL endpoint", lang="en")))
    g.add((service, RDFS.comment, Literal(
        f"Read-only. Queries up to {limits.max_query_bytes} bytes; "
        + ("federated SERVICE calls allowed." if limits.allow_service
           else "federated SERVICE calls refused."),
        lang="en",
    )))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.triples, Literal(store.triple_count())))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("the union of all named graphs", lang="en")))
    for name in store.graphs():
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    return g


def _service_description(req: ProtocolRequest, *, store: Store, limits: Limits) -> ProtocolResponse:
    token = req.args.get("format") or None
    fmt, media_type = _negotiate(req, RDF_FORMATS, token)
    graph = service_description_graph(endpoint=req.endpoint, store=store, limits=limits)
    if fmt.kind is Kind.RDF_DATASET:
        dataset = Dataset()
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns)
        for triple in graph:
            dataset.add(triple)
        body = dataset.serialize(format=fmt.rdflib_name, encoding="utf-8")
    else:
        body = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    headers = [("Content-Type", content_type_header(media_type)), ("Vary", "Accept")]
    return ProtocolResponse(200, headers, body)
