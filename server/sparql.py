"""A SPARQL 1.1 Protocol request (method, params, body, types, Accept) -> (status, headers, body).

`handle_sparql` is the pure protocol core of ``/sparql``: it reads the query from
``GET ?query=``, a ``application/x-www-form-urlencoded`` POST or a ``application/sparql-query``
POST (all strictly UTF-8: a byte that is not is a 400, never replaced), runs it on the read-only
`Store` with relative IRIs resolved against the endpoint's IRI, negotiates the answer's format
(an unknown ``format=`` falls back to the Accept header) and serializes it. Every refusal is a
named error from `server.errors`, rendered the same way. Without a query it answers with the
SPARQL Service Description.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import IO, Any

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_options_header

from server.errors import (
    Headers,
    HttpError,
    bad_gateway,
    bad_request,
    forbidden,
    method_not_allowed,
    not_acceptable,
    payload_too_large,
    render_error,
    service_unavailable,
    unsupported_media_type,
)
from server.negotiation import NegotiationError, choose_format, content_type_header, parse_accept
from tarihkg.errors import InputError
from tarihkg.formats import FORMATS, RDF_FORMATS, Format, Kind
from tarihkg.names import PREFIXES
from tarihkg.store import (
    DEFAULT_MAX_NESTING,
    DEFAULT_MAX_OPERATORS,
    NotXmlCharacterError,
    QueryRefusedError,
    QuerySyntaxError,
    RemoteStoreError,
    ResultTooLargeError,
    Store,
    UpdateRefusedError,
    complexity_refusal,
)

log = logging.getLogger(__name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

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
    query_string: bytes | None = None  # the raw URL query: if given, read instead of ``args``
    arrived: float | None = None  # time.monotonic() when the request came: the deadline's start


@dataclass(frozen=True)
class Limits:
    """What the endpoint allows (the deadline and memory cap are enforced by
    `server.executor`; they are here to be announced in the service description)."""

    max_query_bytes: int = 100_000
    max_nesting: int = DEFAULT_MAX_NESTING
    max_rows: int = 100_000
    max_result_bytes: int = 100_000_000
    timeout_s: float = 30.0
    memory_mb: int = 2048
    service_allowlist: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProtocolResponse:
    """``(status, headers, body)``, plus the query text (if any) for the access log; a big
    answer's body is an iterable of chunks (read from a file, never whole in memory)."""

    status: int
    headers: Headers
    body: bytes | Iterable[bytes]
    query: str | None = None


@dataclass(frozen=True)
class Operation:
    """One query to run: its text, the protocol's dataset, the ``format=`` token and the
    client's Accept header (as sent, so that it can cross a process boundary)."""

    query: str
    default_graphs: list[str]
    named_graphs: list[str]
    format_token: str | None
    accept: str = ""
    base_iri: str | None = None  # what relative IRIs of a query without BASE resolve against
    deadline: float | None = None  # time.monotonic() by which the answer must be written
    reconcile: str | None = None  # instead of a query: a JSON object of reconciliation queries

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


Runner = Callable[[Operation], ProtocolResponse]


def handle_sparql(
    req: ProtocolRequest, *, store: Store | None, limits: Limits, runner: Runner | None = None
) -> ProtocolResponse:
    """Answer one request to the SPARQL endpoint; never raises for a client error.

    The query itself runs in ``runner`` (`server.executor.QueryPool.run` in the app: a killable
    process under a deadline), or in this process on ``store`` without one.
    """
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
        refusal = complexity_refusal(query, max_nesting=limits.max_nesting)
        if refusal is not None:
            raise bad_request(refusal)
        if runner is not None:
            started = req.arrived if req.arrived is not None else time.monotonic()
            return runner(replace(op, deadline=started + limits.timeout_s))
        if store is None:
            raise service_unavailable("the dataset is not loaded")
        return run_operation(op, store=store, limits=limits)
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


_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})[^&=]?[^&=]?")


def parse_params(raw: bytes, *, where: str) -> MultiDict[str, str]:
    """``application/x-www-form-urlencoded`` bytes (a URL's query or a form body) -> its
    parameters, decoded strictly as UTF-8; a byte that is not UTF-8 is a 400.

    >>> parse_params(b"query=ASK%7B%7D&format=json", where="URL")
    MultiDict([('query', 'ASK{}'), ('format', 'json')])
    >>> parse_params(b"query=%FF", where="URL")
    Traceback (most recent call last):
    server.errors.HttpError: the URL is not valid UTF-8 (percent-encoded bytes must be UTF-8)
    >>> parse_params(b"query=ASK%7B%7D%2", where="body")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    server.errors.HttpError: the body has '%2' at byte 15, not a percent-escape (% and two ...
    """
    bad = _BAD_ESCAPE.search(raw)
    if bad is not None:
        raise bad_request(f"the {where} has {bad.group(0).decode('latin-1')!r} at byte "
                          f"{bad.start()}, not a percent-escape (% and two hex digits); write a "
                          "% itself as %25")
    try:
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True,
                                       encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request(f"the {where} is not valid UTF-8 (percent-encoded bytes must be "
                          "UTF-8)") from None
    return MultiDict(pairs)


def _read_operation(req: ProtocolRequest, *, method: str) -> Operation | None:
    """The query and dataset of the request, or None for a GET without a query."""
    args = req.args if req.query_string is None else parse_params(req.query_string, where="URL")
    url_query = _single(args.getlist("query"), where="URL")
    params: MultiDict[str, str] = MultiDict(args)
    if "update" in args:
        raise bad_request("an 'update' parameter: SPARQL updates are not accepted (never in a "
                          "URL); this endpoint is read-only and answers queries only")
    if method in ("GET", "HEAD"):
        if url_query is None:
            return None
        text = url_query
    else:
        mimetype, options = parse_options_header(req.content_type or "")
        mimetype = mimetype.lower()
        if mimetype == FORM:
            text, form = _form_query(req, options, url_query)
            params.update(form)
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
    return Operation(
        query=text,
        default_graphs=params.getlist("default-graph-uri"),
        named_graphs=params.getlist("named-graph-uri"),
        format_token=params.get("format") or None,
        accept=req.accept.to_header(),
        base_iri=req.endpoint,
    )


def _form_query(req: ProtocolRequest, options: dict[str, str], url_query: str | None
                ) -> tuple[str, MultiDict[str, str]]:
    """The query of a form-encoded POST (its body's, or the URL's) and the form's parameters."""
    _check_charset(options.get("charset", "utf-8"))
    form = req.form if req.form or not req.body else parse_params(req.body, where="body")
    if "update" in form and ("query" in form or url_query is not None):
        raise bad_request("both 'query' and 'update' parameters: a request carries one "
                          "operation (SPARQL 1.1 Protocol 2.1, 2.2); this endpoint "
                          "answers queries only")
    if "update" in form:
        raise forbidden("SPARQL updates are not accepted: this endpoint is read-only")
    form_query = _single(form.getlist("query"), where="body")
    if url_query is not None and form_query is not None:
        raise bad_request("a query in both the URL and the body; send it once")
    posted = form_query if form_query is not None else url_query
    if posted is None:
        raise bad_request("no 'query' parameter in the form body")
    return posted, form


def _check_charset(charset: str) -> None:
    """A POST body declaring a charset other than UTF-8 is refused, never decoded as UTF-8."""
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise bad_request(f"the query must be sent as UTF-8 (SPARQL 1.1 Protocol 2.1.2, 2.1.3), "
                          f"not charset={charset}")


def _decode(body: bytes, charset: str) -> str:
    """The query in a ``application/sparql-query`` body, which the protocol says is UTF-8 (a
    leading byte-order mark, which some editors write, is no part of the query)."""
    _check_charset(charset)
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the body is not valid UTF-8: {exc.reason}") from None


def _negotiate(accept: MIMEAccept, candidates: Sequence[Format], token: str | None
               ) -> tuple[Format, str]:
    try:
        return choose_format(accept, candidates, token=token)
    except NegotiationError as exc:
        raise not_acceptable(exc.message) from None


# a query process sees the same few Accept headers again and again: parsing and matching one
# took 60 us per query (werkzeug), as much as a small query's own work
_parse_accept = functools.lru_cache(maxsize=64)(parse_accept)  # a parse is immutable


@functools.lru_cache(maxsize=256)
def _negotiate_header(accept: str, candidates: tuple[Format, ...], token: str | None
                      ) -> tuple[Format, str]:
    return _negotiate(_parse_accept(accept), candidates, token)


def run_operation(op: Operation, *, store: Store, limits: Limits,
                  out: IO[bytes] | None = None) -> ProtocolResponse:
    """Run ``op`` on ``store`` and write the answer in the negotiated format; every failure
    becomes an error response (this is what a query worker process runs). With ``out``, the
    body of a 200 answer is written there as it is made and the response's body is empty."""
    accept = _parse_accept(op.accept)
    try:
        return _run(op, accept, store=store, limits=limits, out=out)
    except HttpError as error:
        status, headers, body = render_error(error, accept)
        return ProtocolResponse(status, headers, body, op.query)


def _run(op: Operation, accept: MIMEAccept, *, store: Store, limits: Limits,
         out: IO[bytes] | None) -> ProtocolResponse:
    sink = out if out is not None else io.BytesIO()
    try:
        result = store.query(
            op.query,
            default_graphs=op.default_graphs or None,
            named_graphs=op.named_graphs or None,
            service_allowlist=limits.service_allowlist,
            max_nesting=limits.max_nesting,
            base_iri=op.base_iri,
            max_rows=limits.max_rows,
        )
        fmt, media_type = _negotiate_header(op.accept, result.formats, op.format_token)
        size = result.write(sink, fmt, prefixes=PREFIXES, max_rows=limits.max_rows,
                            max_bytes=limits.max_result_bytes)
    except QuerySyntaxError as exc:
        raise bad_request(f"malformed query: {exc.message}") from None
    except UpdateRefusedError as exc:
        raise bad_request(f"malformed query: this is a SPARQL update, not a query. "
                          f"{exc.message}") from None
    except QueryRefusedError as exc:
        raise forbidden(exc.message) from None
    except InputError as exc:
        raise bad_request(str(exc)) from None
    except NotXmlCharacterError as exc:
        others = [f.media_type for f in result.formats if "xml" not in f.media_type]
        raise not_acceptable(f"{exc.message}; ask for {', '.join(others)}") from None
    except ResultTooLargeError as exc:
        raise service_unavailable(f"{exc.message}: add LIMIT/OFFSET to page through it"
                                  ) from None
    except RemoteStoreError as exc:
        raise bad_gateway(str(exc)) from None
    except OSError as exc:  # pyoxigraph: an allowed SERVICE endpoint failed, or the disk
        raise bad_gateway(f"the query failed while fetching or reading data: {exc}") from None
    headers = [("Content-Type", content_type_header(media_type)), ("Vary", "Accept"),
               ("Content-Length", str(size))]
    body = b"" if out is not None else sink.getvalue()  # type: ignore[attr-defined]
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
    services = ", ".join(limits.service_allowlist) or "none"
    g.add((service, RDFS.comment, Literal(
        "Read-only: updates, LOAD and unknown FROM graphs are refused. The default graph is "
        "the set of distinct triples of all named graphs except graph/candidates (rule-made "
        "candidates, never facts; query them with GRAPH). Limits: queries up to "
        f"{limits.max_query_bytes} bytes, {limits.max_nesting} nested brackets and "
        f"{DEFAULT_MAX_OPERATORS} nesting operators (UNION, OPTIONAL, FILTER, ...); each query "
        f"stopped after {limits.timeout_s:g} s (answer 503) or {limits.memory_mb} MB of memory; "
        f"answers up to {limits.max_rows} rows and {limits.max_result_bytes} bytes. "
        f"SERVICE allowed only to: {services}.",
        lang="en",
    )))
    for endpoint in limits.service_allowlist:
        g.add((service, RDFS.seeAlso, URIRef(endpoint)))

    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.triples, Literal(store.triple_count())))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal(
        "the distinct triples of all named graphs except graph/candidates", lang="en")))
    for name in store.graphs():
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    return g


def _service_description(req: ProtocolRequest, *, store: Store, limits: Limits) -> ProtocolResponse:
    token = req.args.get("format") or None
    fmt, media_type = _negotiate(req.accept, RDF_FORMATS, token)
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
