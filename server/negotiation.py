"""Accept header (werkzeug's parsed `MIMEAccept`) + optional ``format=`` token -> a `Format`.

Negotiation uses werkzeug's q-value matching (`MIMEAccept.best_match`); a missing or empty
Accept header and ``*/*`` get the first (default) format of the candidates. Errors are raised
as ``(status, message)`` pairs by the caller's constructors; this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from tarihkg.formats import FORMATS, Format, by_media_type


class NegotiationError(Exception):
    """No format fits."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_accept(header: str | None) -> MIMEAccept:
    """werkzeug's parse of an Accept header, media-type parameters dropped (`bare`).

    >>> parse_accept("text/csv;q=0.5, application/json").best
    'application/json'
    >>> parse_accept("application/sparql-results+json; charset=utf-8").best
    'application/sparql-results+json'
    """
    return bare(parse_accept_header(header, MIMEAccept))


def bare(accept: MIMEAccept) -> MIMEAccept:
    """``accept`` with each media range's parameters (``charset=utf-8``, ``profile=…``) dropped,
    keeping its q-value: werkzeug matches ``text/turtle; charset=utf-8`` to no offer without
    that parameter, so a client that names the charset it wants (UTF-8, the only one served)
    would get 406. A range named twice keeps its highest q-value.

    >>> list(bare(parse_accept_header("text/turtle;charset=UTF-8;q=0.5, TEXT/Turtle", MIMEAccept)))
    [('text/turtle', 1)]
    """
    best: dict[str, float] = {}
    for value, quality in accept:
        media_range = value.split(";", 1)[0].strip().lower()
        if media_range:
            best[media_range] = max(quality, best.get(media_range, 0))
    return MIMEAccept(list(best.items()))


def choose_format(
    accept: MIMEAccept, candidates: Sequence[Format], *, token: str | None = None
) -> tuple[Format, str]:
    """The format to answer in and the media type to label it with.

    ``token`` (the ``format=`` parameter) wins over the Accept header when it names a format
    this server has for this kind of answer; a token it does not know (``format=yaml``, or a
    client's own name), or one naming a format that cannot carry this answer (SPARQLWrapper
    sends ``format=turtle`` and ``Accept: */*`` for a SELECT whose return format is Turtle), is
    ignored and the Accept header decides, as if it were not there.

    >>> from tarihkg.formats import RESULTS_FORMATS
    >>> choose_format(parse_accept(None), RESULTS_FORMATS)[0].name
    'json'
    >>> accept = parse_accept("text/csv;q=0.9, text/tab-separated-values")
    >>> choose_format(accept, RESULTS_FORMATS)[0].name
    'tsv'
    >>> choose_format(parse_accept("application/json"), RESULTS_FORMATS)[1]
    'application/json'
    >>> choose_format(parse_accept(None), RESULTS_FORMATS, token="xml")[0].label
    'SPARQL Results XML'
    >>> choose_format(parse_accept("text/csv"), RESULTS_FORMATS, token="yaml")[0].name
    'csv'
    >>> choose_format(parse_accept("*/*"), RESULTS_FORMATS, token="turtle")[0].name
    'json'
    >>> choose_format(parse_accept("text/turtle"), RESULTS_FORMATS, token="turtle")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    server.negotiation.NegotiationError: format=turtle cannot carry this answer, nor can any ...
    """
    if token:
        fmt = next((f for f in candidates if f.matches(token)), None)
        if fmt is not None:
            return fmt, fmt.media_type
    known = bool(token) and any(f.matches(str(token)) for f in FORMATS)
    accept = bare(accept)
    if not accept:
        return candidates[0], candidates[0].media_type
    offered = [media_type for fmt in candidates for media_type in fmt.media_types]
    best = accept.best_match(offered)
    fmt = by_media_type(best) if best else None
    if best is None or fmt is None:
        raise NegotiationError(
            (f"format={token} cannot carry this answer, nor can any accepted media type"
             if known else "none of the accepted media types can carry this answer")
            + "; available: " + ", ".join(f.media_type for f in candidates)
        )
    return fmt, best


def prefers_html(accept: MIMEAccept) -> bool:
    """True if the client asks for HTML explicitly (a browser), not just through ``*/*``.

    >>> prefers_html(parse_accept("text/html,application/xhtml+xml,*/*;q=0.8"))
    True
    >>> prefers_html(parse_accept("*/*")), prefers_html(parse_accept(None))
    (False, False)
    """
    return bare(accept).best_match(["text/turtle", "text/html"]) == "text/html"


def error_media_type(accept: MIMEAccept) -> str:
    """``application/json`` if the client prefers JSON to plain text, else ``text/plain``.

    >>> error_media_type(parse_accept("application/json")), error_media_type(parse_accept(None))
    ('application/json', 'text/plain')
    """
    best = bare(accept).best_match(["text/plain", "application/json"])
    return "application/json" if best == "application/json" else "text/plain"


def content_type_header(media_type: str) -> str:
    """The Content-Type value for ``media_type``: text types get ``charset=utf-8``.

    >>> content_type_header("text/turtle"), content_type_header("application/ld+json")
    ('text/turtle; charset=utf-8', 'application/ld+json')
    """
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
