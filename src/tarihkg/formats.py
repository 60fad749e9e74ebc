"""Media type, file extension or short name -> the one `Format` row that joins them.

One table for every serialization the project reads or writes: RDF graphs (Turtle, N-Triples,
JSON-LD, RDF/XML), RDF datasets (N-Quads, TriG) and SPARQL query results (JSON, XML, CSV, TSV).
Each row names the same format for every tool: its media type(s), file extension, the short
``format=`` token the endpoint accepts, the W3C format IRI, pyoxigraph's enum member and rdflib's
parser/serializer name.

>>> by_media_type("text/turtle; charset=utf-8").name
'ttl'
>>> by_extension(".nq").kind is Kind.RDF_DATASET
True
>>> by_name("json").media_type
'application/sparql-results+json'
>>> by_media_type("image/png") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pyoxigraph import QueryResultsFormat, RdfFormat

_W3C = "http://www.w3.org/ns/formats/"


class Kind(StrEnum):
    """What a format can carry."""

    RDF_GRAPH = "rdf-graph"
    RDF_DATASET = "rdf-dataset"
    RESULTS = "results"


@dataclass(frozen=True)
class Format:
    """One serialization, named the same way for every tool."""

    name: str
    label: str
    media_type: str
    extension: str
    kind: Kind
    oxigraph: RdfFormat | QueryResultsFormat
    rdflib_name: str
    w3c_name: str
    aliases: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        """The W3C format IRI (``http://www.w3.org/ns/formats/...``, as SPARQL service
        descriptions name formats; pyoxigraph's own ``iri`` differs for JSON-LD)."""
        return _W3C + self.w3c_name

    @property
    def media_types(self) -> tuple[str, ...]:
        """The canonical media type first, then the aliases."""
        return (self.media_type, *self.aliases)

    def matches(self, token: str) -> bool:
        """True if ``token`` names this format: its name, extension, a media type or another
        name clients send as ``format=`` (SPARQLWrapper sends ``rdf+xml``, ``turtle``, ...).

        >>> by_name("rdfxml").matches("RDF+XML"), by_name("rdfxml").matches("ttl")
        (True, False)
        """
        t = token.strip().lower()
        return t in (self.name, self.extension, *self.media_types, *self.other_names)

    @property
    def is_rdf(self) -> bool:
        """True for graph and dataset formats (anything a CONSTRUCT can be written in)."""
        return self.kind is not Kind.RESULTS


# name, label, media type, extension, kind, pyoxigraph, rdflib name, W3C name, media type
# aliases, other format= names (a name may be shared by a graph and a results format: the kind
# of the answer decides, e.g. format=xml is RDF/XML for CONSTRUCT and SPARQL XML for SELECT)
FORMATS: tuple[Format, ...] = (
    Format("ttl", "Turtle", "text/turtle", "ttl", Kind.RDF_GRAPH, RdfFormat.TURTLE, "turtle",
           "Turtle", ("application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
           ("turtle", "n3")),  # Turtle is N3: an N3 request gets Turtle
    Format("nt", "N-Triples", "application/n-triples", "nt", Kind.RDF_GRAPH, RdfFormat.N_TRIPLES,
           "nt", "N-Triples", (), ("ntriples", "n-triples")),
    Format("jsonld", "JSON-LD", "application/ld+json", "jsonld", Kind.RDF_GRAPH,
           RdfFormat.JSON_LD, "json-ld", "JSON-LD", (), ("json-ld", "json")),
    Format("rdfxml", "RDF/XML", "application/rdf+xml", "rdf", Kind.RDF_GRAPH, RdfFormat.RDF_XML,
           "xml", "RDF_XML", (), ("rdf+xml", "xml")),
    Format("nq", "N-Quads", "application/n-quads", "nq", Kind.RDF_DATASET, RdfFormat.N_QUADS,
           "nquads", "N-Quads", (), ("nquads", "n-quads")),
    Format("trig", "TriG", "application/trig", "trig", Kind.RDF_DATASET, RdfFormat.TRIG,
           "trig", "TriG"),
    Format("json", "SPARQL Results JSON", "application/sparql-results+json", "srj", Kind.RESULTS,
           QueryResultsFormat.JSON, "json", "SPARQL_Results_JSON", ("application/json",)),
    Format("xml", "SPARQL Results XML", "application/sparql-results+xml", "srx", Kind.RESULTS,
           QueryResultsFormat.XML, "xml", "SPARQL_Results_XML", ("application/xml", "text/xml")),
    Format("csv", "SPARQL Results CSV", "text/csv", "csv", Kind.RESULTS, QueryResultsFormat.CSV,
           "csv", "SPARQL_Results_CSV"),
    Format("tsv", "SPARQL Results TSV", "text/tab-separated-values", "tsv", Kind.RESULTS,
           QueryResultsFormat.TSV, "tsv", "SPARQL_Results_TSV"),
)

RDF_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.is_rdf)
RESULTS_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if not f.is_rdf)


def _bare(media_type: str) -> str:
    """``'Text/Turtle; charset=utf-8'`` -> ``'text/turtle'``.

    >>> _bare(" Text/Turtle ; charset=utf-8")
    'text/turtle'
    """
    return media_type.split(";", 1)[0].strip().lower()


def by_media_type(media_type: str) -> Format | None:
    """The format served or read as ``media_type`` (parameters ignored), or None."""
    bare = _bare(media_type)
    return next((f for f in FORMATS if bare in f.media_types), None)


def by_extension(extension: str) -> Format | None:
    """The format of files ending in ``extension`` (with or without the dot), or None.

    >>> by_extension("TTL").label
    'Turtle'
    """
    ext = extension.lower().lstrip(".")
    return next((f for f in FORMATS if f.extension == ext), None)


def by_name(name: str) -> Format | None:
    """The format whose short token (``ttl``, ``json``, ...) is ``name``, or None."""
    return next((f for f in FORMATS if f.name == name.strip().lower()), None)


def formats_of(kind: Kind) -> tuple[Format, ...]:
    """All formats of one kind, in table order.

    >>> [f.name for f in formats_of(Kind.RDF_DATASET)]
    ['nq', 'trig']
    """
    return tuple(f for f in FORMATS if f.kind is kind)
