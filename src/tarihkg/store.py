"""Built dataset dir or SPARQL endpoint URL -> read-only SPARQL `Store`; N-Quads -> on-disk store.

The only module that chooses the store backend: `open_store` opens the embedded pyoxigraph store
of a built dataset (on disk, read-only; the default, chosen by the benchmark in ``bench/``) or,
given an ``http(s)://`` URL, a `RemoteStore` that forwards every query to any SPARQL 1.1 query
endpoint (Oxigraph server, Fuseki, Virtuoso, QLever, Neptune) with the SPARQL 1.1 Protocol.

Every backend answers with the same dataset (CONTRACTS.md 2): the default graph is the SET of
distinct triples of all named graphs except ``…/graph/candidates`` (rule-made candidates are never
facts), unless a query names its own dataset (``FROM``/``FROM NAMED``) or the caller passes
``default_graphs``/``named_graphs`` (the protocol's ``default-graph-uri``/``named-graph-uri``).
Engines take a union of graphs as a bag (pyoxigraph's ``use_default_graph_as_union`` counts a
triple stated in two graphs twice), so that set is written once, when the store is made
(`build_store`, `open_store` of a bare N-Quads file, `default_graph_triples` for `tarihkg load`),
into the store's real default graph, and queries read it directly.
Before any engine runs a query, `Store.query` checks it (`check_query`):

* nesting deeper than ``max_nesting`` brackets is refused (pyoxigraph overflows its stack at
  about 3,000 braces, rdflib's parser recurses at every level), and so is a query with more than
  ``DEFAULT_MAX_OPERATORS`` operators that each put its algebra one level deeper without a
  bracket (``UNION``, ``OPTIONAL``, ``MINUS``, ``FILTER``, ``BIND``, ``AS``, ``||``, ``&&``,
  ``!``: pyoxigraph 0.4's process dies of a stack overflow, SIGSEGV, at 10,000 ``{}UNION``,
  3,000 ``MINUS{}`` or ``BIND``; 4,000 pass);
* ``SERVICE`` is refused unless its endpoint IRI is on the allowlist, and ``FROM``/``FROM NAMED``
  may only name the dataset's own graphs. Both are decided on rdflib's SPARQL 1.1 parse tree
  (prefixes resolved). rdflib's parser is slow, so it runs only when the code of the query
  (without comments, strings, IRIs, variables and local names; read both with and without its
  ``\\u`` escapes expanded) contains the letters ``SERVICE`` or ``FROM`` in any case: a query
  without them cannot hold either clause for any parser. A query that has them but that rdflib
  cannot parse is refused (fail closed), whatever pyoxigraph would make of it.
* updates (``INSERT``, ``LOAD``, ``DROP``, ...) never run: pyoxigraph's query parser rejects them,
  and pyoxigraph's update parser, run against an empty read-only store, tells a refused update
  from a malformed query.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import pyoxigraph
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
)
from pyparsing import ParseResults

from tarihkg.errors import InputError, TarihkgError, write_error
from tarihkg.formats import RDF_FORMATS, RESULTS_FORMATS, Format
from tarihkg.layout import DATASET_FILE, STORE_DIR
from tarihkg.names import GRAPH_NS
from tarihkg.project import swap_directory

log = logging.getLogger(__name__)

DEFAULT_MAX_NESTING = 100
DEFAULT_MAX_OPERATORS = 1000
REMOTE_TIMEOUT_S = 60.0
CANDIDATES_GRAPH = "graph/candidates"  # the end of the candidates graph's IRI, whatever the base
EMPTY_GRAPH = "urn:x-tarihkg:no-graph"  # a graph no store has: an empty default graph, remotely
#: Where `tarihkg load` writes the dataset's default graph in a store whose own default graph is
#: every graph at once (Virtuoso); not a graph of the dataset (never in `Store.graphs`).
DEFAULT_GRAPH = "urn:x-tarihkg:default-graph"
VIRTUOSO_PREFIX = "virtuoso+"  # before an endpoint URL: the endpoint is Virtuoso (`VirtuosoStore`)
_FILL_DEFAULT_GRAPH = (
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(!STRENDS(STR(?g), "/{CANDIDATES_GRAPH}")) }}'
)


class QuerySyntaxError(InputError):
    """The text is neither a SPARQL query nor a SPARQL update; the message is the parser's."""


class UpdateRefusedError(InputError):
    """The text is a SPARQL update; this store only answers queries."""


class QueryRefusedError(InputError):
    """The query asks for something this store does not do (a ``SERVICE`` not allowed)."""


class QueryUnsupportedError(InputError):
    """The query parses but the engine cannot evaluate it (an extension function it lacks)."""


class ResultTooLargeError(TarihkgError):
    """The answer has more rows (or triples) than the cap."""


class NotXmlCharacterError(TarihkgError):
    """The answer holds a character that XML 1.0 cannot carry (not even escaped), and was asked
    for in an XML format."""

    def __init__(self, character: str) -> None:
        self.character = character
        super().__init__(f"the answer holds U+{ord(character):04X}, a character XML 1.0 cannot "
                         "carry, not even as a reference")


#: What XML 1.0 (2.2, Char) forbids, as UTF-8 bytes: C0 controls but tab, LF and CR; U+FFFE and
#: U+FFFF (a lone surrogate cannot be UTF-8 at all). `_CappedSink` looks for them in XML answers.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


class RemoteStoreError(TarihkgError):
    """The remote SPARQL endpoint did not answer, or answered with an error."""


class ResultKind(StrEnum):
    """What a query returns."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


class _CappedSink:
    """A file-like sink for pyoxigraph's serializers that passes bytes on to ``out`` and stops
    the writer (`ResultTooLargeError`) after ``max_rows`` rows or ``max_bytes`` bytes.

    Rows of a results format are counted on the bytes: one line per row in TSV/CSV (a CSV
    literal spanning lines counts more than once: the cap errs on the safe side), one
    ``<result>`` element in XML, one ``},{`` between solutions in JSON. Triples are counted by
    the caller (`QueryResult.write`), which sets ``mark`` to None. With ``xml``, a character
    XML 1.0 forbids stops the writer too (`NotXmlCharacterError`): no parser would read it.
    """

    _MARKS = {QueryResultsFormat.TSV: (b"\n", 1), QueryResultsFormat.CSV: (b"\n", 1),
              QueryResultsFormat.XML: (b"<result>", 0), QueryResultsFormat.JSON: (b"},{", -1)}

    def __init__(self, out: IO[bytes], fmt: QueryResultsFormat | None, *, max_rows: int | None,
                 max_bytes: int | None, xml: bool = False) -> None:
        self.out = out
        self.xml = xml
        self._xml_tail = b""
        self.mark: bytes | None = None
        self.offset = 0
        if fmt is not None:
            self.mark, self.offset = self._MARKS[fmt]
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.count = 0
        self.written = 0
        self._tail = b""

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.written += len(chunk)
        if self.xml:
            joined = self._xml_tail + chunk  # U+FFFE's three bytes may come in two writes
            found = _NOT_XML.search(joined)
            if found is not None:
                raise NotXmlCharacterError(found.group(0).decode("utf-8"))
            self._xml_tail = joined[-2:]
        if self.max_bytes is not None and self.written > self.max_bytes:
            raise ResultTooLargeError(f"the answer is over the limit of {self.max_bytes} bytes")
        if self.mark is not None and self.max_rows is not None:
            joined = self._tail + chunk
            self.count += joined.count(self.mark) - self._tail.count(self.mark)
            self._tail = joined[-(len(self.mark) - 1):] if len(self.mark) > 1 else b""
            if self.count - self.offset > self.max_rows:
                raise ResultTooLargeError(f"the answer has more than {self.max_rows} rows")
        self.out.write(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing held back: every write went to ``out``."""


def _capped(triples: Iterable[Triple], limit: int | None) -> Iterator[Triple]:
    for number, triple in enumerate(triples, 1):
        if limit is not None and number > limit:
            raise ResultTooLargeError(f"the answer has more than {limit} triples")
        yield triple


class QueryResult:
    """The answer to one query, readable once: serialize it or take its rows."""

    def __init__(self, raw: QuerySolutions | QueryBoolean | QueryTriples | Iterable[Triple]
                 ) -> None:
        self._raw = raw
        self.keep: object = None  # what the answer reads from, if not the store itself
        if isinstance(raw, QuerySolutions):
            self.kind = ResultKind.SOLUTIONS
        elif isinstance(raw, QueryBoolean):
            self.kind = ResultKind.BOOLEAN
        else:
            self.kind = ResultKind.GRAPH

    @property
    def formats(self) -> tuple[Format, ...]:
        """The formats this result can be written in, the default first."""
        return RDF_FORMATS if self.kind is ResultKind.GRAPH else RESULTS_FORMATS

    @property
    def variables(self) -> list[str]:
        """The projected variable names of a SELECT (empty for other kinds)."""
        if isinstance(self._raw, QuerySolutions):
            return [v.value for v in self._raw.variables]
        return []

    @property
    def boolean(self) -> bool:
        """The answer of an ASK."""
        if not isinstance(self._raw, QueryBoolean):
            raise TypeError(f"a {self.kind} result has no boolean value")
        return bool(self._raw)

    def rows(self) -> list[dict[str, str]]:
        """The solutions of a SELECT as ``{variable: lexical value}`` (unbound ones left out)."""
        if not isinstance(self._raw, QuerySolutions):
            raise TypeError(f"a {self.kind} result has no rows")
        names = self.variables
        out = []
        for solution in self._raw:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            out.append(row)
        return out

    def serialize(self, fmt: Format, *, prefixes: Mapping[str, str] | None = None,
                  max_rows: int | None = None, max_bytes: int | None = None) -> bytes:
        """The result written in ``fmt`` (one of `formats`); ``prefixes`` for Turtle/TriG/XML.

        Raises `ResultTooLargeError` as soon as more than ``max_rows`` solutions or triples, or
        more than ``max_bytes`` bytes, come.
        """
        out = io.BytesIO()
        self.write(out, fmt, prefixes=prefixes, max_rows=max_rows, max_bytes=max_bytes)
        return out.getvalue()

    def write(self, out: IO[bytes], fmt: Format, *, prefixes: Mapping[str, str] | None = None,
              max_rows: int | None = None, max_bytes: int | None = None) -> int:
        """Write the result to ``out`` as `serialize` would, as it is computed (never whole in
        memory); return the bytes written."""
        target = fmt.oxigraph
        if self.kind is ResultKind.GRAPH and isinstance(target, RdfFormat):
            sink = _CappedSink(out, None, max_rows=None, max_bytes=max_bytes,
                               xml=target == RdfFormat.RDF_XML)
            triples = _capped(self._raw, max_rows)  # type: ignore[arg-type]
            pyoxigraph.serialize(triples, sink, format=target,  # type: ignore[arg-type]
                                 prefixes=dict(prefixes or {}))
        elif isinstance(self._raw, QuerySolutions | QueryBoolean) \
                and isinstance(target, QueryResultsFormat):
            sink = _CappedSink(out, target if isinstance(self._raw, QuerySolutions) else None,
                               max_rows=max_rows, max_bytes=max_bytes,
                               xml=target == QueryResultsFormat.XML)
            self._raw.serialize(sink, format=target)  # type: ignore[arg-type]
        else:
            raise ValueError(f"a {self.kind} result cannot be written as {fmt.label}")
        return sink.written


# --- checking a query before an engine sees it ----------------------------------------------------

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXEME = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|[{(\[]|[})\]]"
)


def expand_escapes(sparql: str) -> str:
    r"""``sparql`` with its ``\uXXXX``/``\UXXXXXXXX`` escapes expanded, as SPARQL 1.1 §19.2 says
    parsers do before anything else.

    >>> expand_escapes(r"\u0053ERVICE")
    'SERVICE'
    """
    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(expand, sparql)


def nesting_depth(sparql: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in ``sparql``, outside strings, IRIs and
    comments (escapes expanded first).

    >>> nesting_depth('SELECT * { { ?s ?p "{{{{" } FILTER((1)) } # {{{{')
    3
    """
    depth = deepest = 0
    for match in _LEXEME.finditer(expand_escapes(sparql)):
        token = match.group(0)
        if token in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "})]":
            depth = max(depth - 1, 0)
    return deepest


_OPERATOR = re.compile(r"\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|GRAPH|SERVICE|AS)\b"
                       r"|\|\||&&|!(?!=)", re.IGNORECASE)


def operator_count(sparql: str) -> int:
    """How many operators in ``sparql`` (outside strings, IRIs, comments, variables and local
    names; escapes expanded) may each nest its algebra one level deeper: ``UNION``,
    ``OPTIONAL``, ``MINUS``, ``FILTER``, ``BIND``, ``GRAPH``, ``SERVICE``, ``AS``, ``||``,
    ``&&`` and ``!`` (not ``!=``).

    >>> operator_count('SELECT (1 AS ?as) { {} UNION {} FILTER(!(?a != 1) || "||") } # UNION')
    5
    """
    return len(_OPERATOR.findall(_code(expand_escapes(sparql))))


_NAME = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+|:[\w.%\\\-]*")


def _code(text: str) -> str:
    """``text`` without comments, strings, IRIs, variables and local names: where a keyword can be.

    >>> _code('ASK { <a#from> ?from tkg:from "from" } # from here')
    'ASK {   tkg  } '
    """
    kept = "".join(text[start:end] for start, end in _gaps(
        m.span() for m in _LEXEME.finditer(text) if m.group(0)[0] not in "{}()[]"))
    return _NAME.sub("", kept)


def _gaps(spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    position = 0
    for start, end in spans:
        yield position, start
        position = end
    yield position, sys.maxsize


def _may_contain(text: str, word: str) -> bool:
    """True if ``word`` could be a keyword of ``text`` for any parser's case folding."""
    return word.upper() in text.upper() or word.lower() in text.lower()


def _may_have(sparql: str, *words: str) -> bool:
    """False only if none of ``words`` is in either reading of ``sparql``'s code (`_code`), with
    or without its escapes expanded: then no parser can find one as a keyword.

    >>> _may_have("SELECT ?from { ?s ?p 'from' }", "service", "from")
    False
    >>> _may_have(r"SELECT * \\u0046ROM <g> {}", "service", "from")
    True
    """
    readings = {sparql, expand_escapes(sparql)} if "\\" in sparql else {sparql}
    for text in readings:
        if not any(_may_contain(text, word) for word in words):
            continue  # a keyword is a run of the text's own characters
        code = _code(text)
        if any(_may_contain(code, word) for word in words):
            return True
    return False


@dataclass(frozen=True)
class QueryShape:
    """The dataset and federation clauses of a query, read from rdflib's parse tree."""

    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    services: tuple[str | None, ...] = ()  # None: SERVICE ?variable

    @property
    def declares_dataset(self) -> bool:
        """True if the query has a ``FROM`` or ``FROM NAMED`` clause."""
        return bool(self.from_graphs or self.from_named)


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, list | tuple | ParseResults):
            stack.extend(current)


def inspect_query(sparql: str) -> QueryShape:
    """The ``FROM``/``FROM NAMED`` graphs and ``SERVICE`` endpoints of ``sparql``.

    Raises `QueryRefusedError` if the query may have either clause but rdflib cannot parse it.

    >>> inspect_query("PREFIX e: <http://e/> SELECT * FROM e:g { SERVICE e:s { ?s ?p ?o } }")
    QueryShape(from_graphs=('http://e/g',), from_named=(), services=('http://e/s',))
    >>> inspect_query("SELECT * { ?s ?p ?o }")
    QueryShape(from_graphs=(), from_named=(), services=())
    """
    if not _may_have(sparql, "service", "from"):
        return QueryShape()
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    try:
        parsed = parseQuery(sparql)
        prologue = translatePrologue(parsed[0], None)
    except Exception as exc:  # noqa: BLE001 - any failure: the query cannot be checked
        raise QueryRefusedError(
            "the query mentions SERVICE or FROM but could not be checked, so it is refused: "
            + " ".join(str(exc).split())[:300]
        ) from None
    body = parsed[1]
    from_graphs: list[str] = []
    from_named: list[str] = []
    for clause in body["datasetClause"] if "datasetClause" in body else []:
        if "default" in clause:
            from_graphs.append(str(prologue.absolutize(clause["default"])))
        else:
            from_named.append(str(prologue.absolutize(clause["named"])))
    services: list[str | None] = []
    for node in _walk(body):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node["term"]
            services.append(None if isinstance(term, Variable)
                            else str(prologue.absolutize(term)))
    return QueryShape(tuple(from_graphs), tuple(from_named), tuple(services))


_LIMIT = re.compile(r"\b(LIMIT|OFFSET)\s+([0-9]+)", re.IGNORECASE)
_ENGINE_MAX_COUNT = 2**64 - 1  # pyoxigraph reads LIMIT and OFFSET as unsigned 64-bit numbers


def complexity_refusal(sparql: str, *, max_nesting: int = DEFAULT_MAX_NESTING,
                       max_operators: int = DEFAULT_MAX_OPERATORS) -> str | None:
    """Why ``sparql`` is too deep for an engine to parse and plan (brackets nested deeper than
    ``max_nesting``, more than ``max_operators`` nesting operators) or has a ``LIMIT``/``OFFSET``
    over what the engine counts (SPARQL's INTEGER has no bound), or None.

    >>> complexity_refusal("SELECT * {} LIMIT 99999999999999999999")[:60]
    'LIMIT 99999999999999999999 is over the largest the engine co'

    The endpoint asks this of every query twice (the web process before it sends the query on,
    the query process before the engine sees it), and a client usually sends the same texts
    again and again: the verdicts on the last `_CHECKED` texts up to `_CHECKED_MAX_CHARS` long
    are kept (the lexing took 0.2 ms on average over the shipped example queries).
    """
    if len(sparql) <= _CHECKED_MAX_CHARS:
        return _complexity_refusal_kept(sparql, max_nesting, max_operators)
    return _complexity_refusal(sparql, max_nesting, max_operators)


_CHECKED = 512
_CHECKED_MAX_CHARS = 8192  # so the kept texts hold 4 MB at most


def _complexity_refusal(sparql: str, max_nesting: int, max_operators: int) -> str | None:
    depth = nesting_depth(sparql)
    if depth > max_nesting:
        return f"the query nests brackets {depth} deep; the limit is {max_nesting}"
    code = _code(expand_escapes(sparql))
    for clause, number in _LIMIT.findall(code):
        if int(number) > _ENGINE_MAX_COUNT:
            return (f"{clause.upper()} {number} is over the largest the engine counts to "
                    f"({_ENGINE_MAX_COUNT}); leave {clause.upper()} out to mean no limit")
    count = len(_OPERATOR.findall(code))  # operator_count, on the code read once
    if count > max_operators:
        return (f"the query has {count} operators that each nest it one level deeper (UNION, "
                f"OPTIONAL, MINUS, FILTER, BIND, GRAPH, AS, ||, &&, !); the limit is "
                f"{max_operators}: for long lists of alternatives use VALUES or IN (…)")
    return None


_complexity_refusal_kept = functools.lru_cache(maxsize=_CHECKED)(_complexity_refusal)


def check_query(sparql: str, *, graphs: Sequence[str], service_allowlist: Sequence[str] = (),
                max_nesting: int = DEFAULT_MAX_NESTING,
                max_operators: int = DEFAULT_MAX_OPERATORS) -> QueryShape:
    """Refuse what no engine may see or run; return the query's shape.

    Raises `InputError` for nesting deeper than ``max_nesting``, more than ``max_operators``
    nesting operators (`operator_count`) or a ``FROM`` graph not in ``graphs``,
    `QueryRefusedError` for a ``SERVICE`` not in ``service_allowlist``.
    """
    refusal = complexity_refusal(sparql, max_nesting=max_nesting, max_operators=max_operators)
    if refusal is not None:
        raise InputError(refusal)
    shape = inspect_query(sparql)
    for endpoint in shape.services:
        if endpoint is None:
            raise QueryRefusedError("SERVICE with a variable endpoint is not allowed here")
        if endpoint not in service_allowlist:
            allowed = ", ".join(f"<{e}>" for e in service_allowlist) or "none"
            raise QueryRefusedError(
                f"federated queries (SERVICE <{endpoint}>) are not allowed here; "
                f"allowed endpoints: {allowed}"
            )
    own = set(graphs)
    for name in (*shape.from_graphs, *shape.from_named):
        if name not in own:
            raise InputError(f"FROM <{name}>: not a graph of this dataset (see the service "
                             "description for its graphs)", iri=name)
    return shape


class _UpdateParser:
    """pyoxigraph's update parser, run against an empty read-only store so nothing executes."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="tarihkg-update-parser-")
        path = os.path.join(self._dir.name, "empty")
        pyoxigraph.Store(path).flush()
        self._store = pyoxigraph.Store.read_only(path)

    def is_update(self, sparql: str) -> bool:
        """True if ``sparql`` parses as a SPARQL update."""
        try:
            self._store.update(sparql)
        except SyntaxError:
            return False
        except (OSError, RuntimeError):
            return True
        log.error("an update ran against the empty read-only parser store")
        return True


_UPDATE_PARSER: list[_UpdateParser] = []


def is_update(sparql: str) -> bool:
    """True if ``sparql`` is a SPARQL update (parsed by pyoxigraph, never run)."""
    if not _UPDATE_PARSER:
        _UPDATE_PARSER.append(_UpdateParser())
    return _UPDATE_PARSER[0].is_update(sparql)


def is_valid_iri(iri: str) -> bool:
    """True if ``iri`` is an absolute IRI the store's engine accepts (RFC 3987 code points).

    >>> is_valid_iri("https://w3id.org/tarihkg/resource/place/bakü"), is_valid_iri("x\ufffd")
    (True, False)
    """
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def _graph_nodes(iris: Sequence[str]) -> list[NamedNode]:
    nodes = []
    for iri in iris:
        try:
            nodes.append(NamedNode(iri))
        except ValueError as exc:
            raise InputError(f"not a valid graph IRI: {exc}", iri=iri) from None
    return nodes


# --- the stores ---------------------------------------------------------------------------------

class Store:
    """A read-only SPARQL view of one dataset; subclasses say where it lives."""

    location: Path | str

    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        service_allowlist: Sequence[str] = (),
        max_nesting: int = DEFAULT_MAX_NESTING,
        base_iri: str | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Check (`check_query`) and run a SPARQL query; its relative IRIs resolve against its
        own ``BASE``, else ``base_iri``. ``max_rows``: the caller takes no more rows (or
        triples) than that; a store may then stop computing after ``max_rows + 1`` and raise
        `ResultTooLargeError` (`VirtuosoStore` does).

        ``default_graphs``/``named_graphs`` (graph IRIs of this dataset) replace the dataset the
        query names; without them the default graph is the set of the reviewed graphs' triples
        (or empty, if not ``default_graph_union``) unless the query has its own
        ``FROM``/``FROM NAMED``.
        Raises `QuerySyntaxError`, `UpdateRefusedError`, `QueryRefusedError`,
        `QueryUnsupportedError`, `InputError` or `RemoteStoreError`.
        """
        own = self.graphs()
        shape = check_query(sparql, graphs=own, service_allowlist=service_allowlist,
                            max_nesting=max_nesting)
        for name in (*(default_graphs or ()), *(named_graphs or ())):
            _graph_nodes([name])
            if name not in own:
                raise InputError("not a graph of this dataset (see the service description for "
                                 "its graphs)", iri=name)
        empty_default = not (default_graph_union or default_graphs or shape.declares_dataset)
        default_list, named_list = _dataset(shape, default_graphs, named_graphs)
        if base_iri is not None:
            _graph_nodes([base_iri])
        return self._execute(sparql, empty_default=empty_default, default_graphs=default_list,
                             named_graphs=named_list, base_iri=base_iri, max_rows=max_rows)

    def _execute(self, sparql: str, *, empty_default: bool, default_graphs: list[str],
                 named_graphs: list[str], base_iri: str | None,
                 max_rows: int | None = None) -> QueryResult:
        """Run the checked query; ``empty_default``: with an empty default graph."""
        raise NotImplementedError

    def triple_count(self) -> int:
        """Statements in all named graphs (a triple stated in two graphs counts twice)."""
        raise NotImplementedError

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        raise NotImplementedError


def _dataset(shape: QueryShape, default_graphs: Sequence[str] | None,
             named_graphs: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """The dataset to hand the engine: the protocol's graphs (or the query's own FROMs where
    the engine would read a graph twice), each named once; empty lists: the query's own."""
    if not (default_graphs or named_graphs) and (
            len(shape.from_graphs) > 1 or len(set(shape.from_named)) < len(shape.from_named)):
        # FROM <g> FROM <h> or FROM <g> FROM <g>: the engine reads each FROM graph in turn
        # (a triple in two of them twice), so the query's dataset is given as the protocol's:
        # each graph once, and several default graphs merged (`LocalStore._execute`)
        default_graphs, named_graphs = shape.from_graphs, shape.from_named
    # a dataset is a set of graphs (SPARQL 1.1 Query 13.2): a graph named twice (a repeated
    # default-graph-uri) is one graph, not its triples twice
    defaults = list(dict.fromkeys(default_graphs or ()))
    named = list(dict.fromkeys(named_graphs or ()))
    if not (defaults or named):
        return [], []
    # the protocol's dataset is the whole dataset, as FROM/FROM NAMED would be (SPARQL 1.1
    # Query 13.2): default graphs alone leave no named graphs, named graphs alone an empty
    # default graph; EMPTY_GRAPH stands for "none" (no store has it)
    return defaults or [EMPTY_GRAPH], named or [EMPTY_GRAPH]


class LocalStore(Store):
    """A pyoxigraph store (on disk, read-only, or in memory) in this process."""

    def __init__(self, backend: pyoxigraph.Store, *, location: Path) -> None:
        self._backend = backend
        self.location = location
        self._count: int | None = None
        self._graphs: list[str] | None = None

    def _execute(self, sparql: str, *, empty_default: bool, default_graphs: list[str],
                 named_graphs: list[str], base_iri: str | None,
                 max_rows: int | None = None) -> QueryResult:
        options: dict[str, Any] = {}
        if base_iri is not None:
            options["base_iri"] = base_iri
        backend = self._backend
        merge = [g for g in default_graphs if g != EMPTY_GRAPH]
        if len(merge) > 1:
            named = [g for g in named_graphs if g != EMPTY_GRAPH]
            backend = self._merged(merge, named)
            options["default_graph"] = pyoxigraph.DefaultGraph()
            options["named_graphs"] = _graph_nodes(named)
            default_graphs = named_graphs = []
        if default_graphs:
            options["default_graph"] = _graph_nodes([g for g in default_graphs
                                                     if g != EMPTY_GRAPH])
        elif empty_default:
            options["default_graph"] = []
        if named_graphs:  # [EMPTY_GRAPH]: none (an empty list, not a graph GRAPH ?g could name)
            options["named_graphs"] = _graph_nodes([g for g in named_graphs if g != EMPTY_GRAPH])
        try:
            raw = backend.query(sparql, **options)
        except SyntaxError as exc:
            if is_update(sparql):
                raise UpdateRefusedError(
                    "SPARQL updates are not accepted: this endpoint is read-only"
                ) from None
            raise QuerySyntaxError(str(exc)) from None
        except RuntimeError as exc:  # pyoxigraph's planner: e.g. an unknown extension function
            raise QueryUnsupportedError(f"the query cannot be evaluated here: {exc}") from None
        result = QueryResult(raw)
        result.keep = backend  # a merged in-memory dataset lives as long as its answer
        return result

    def _merged(self, default: list[str], named: list[str]) -> pyoxigraph.Store:
        """An in-memory dataset whose default graph is the RDF merge, a set, of the graphs
        ``default`` (SPARQL 1.1 Query 13.2) and whose named graphs are ``named``: pyoxigraph
        reads a list of default graphs one after another, so a triple two of them hold came
        back twice (the 5 reviewed graphs: 50,638 rows for 50,630 triples). The copy is made in
        the query process, under its memory cap and deadline."""
        merged = pyoxigraph.Store()
        merged.bulk_extend(
            pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.DefaultGraph())
            for graph in _graph_nodes(default)
            for q in self._backend.quads_for_pattern(None, None, None, graph))
        merged.bulk_extend(q for graph in _graph_nodes(named)
                           for q in self._backend.quads_for_pattern(None, None, None, graph))
        return merged

    def triple_count(self) -> int:
        if self._count is None:
            default = self._backend.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
            self._count = len(self._backend) - sum(1 for _ in default)
        return self._count

    def graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = sorted(
                g.value for g in self._backend.named_graphs() if isinstance(g, NamedNode)
            )
        return list(self._graphs)


_REMOTE_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, "
                  "text/turtle;q=0.5")


class RemoteStore(Store):
    """Any SPARQL 1.1 query endpoint, asked with the SPARQL 1.1 Protocol (a form POST).

    The remote's own default graph is the dataset's default graph: `tarihkg load` writes the
    set of the reviewed graphs' triples there (`default_graph_triples`), as `build_store` does.
    """

    _grace_s = 0.0  # waited for an answer beyond ``timeout_s``

    def __init__(self, url: str, *, timeout_s: float = REMOTE_TIMEOUT_S) -> None:
        self.location = self.url = url
        self.timeout_s = timeout_s
        self._graphs: list[str] | None = None
        self._count: int | None = None

    def _post(self, sparql: str, params: list[tuple[str, str]], *,
              accept: str = _REMOTE_ACCEPT) -> tuple[str, bytes]:
        data = urllib.parse.urlencode([("query", sparql), *params]).encode()
        request = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "tarihkg",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s + self._grace_s
                                        ) as response:
                self._check_answer(response.headers)
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            message = " ".join(exc.read(2000).decode("utf-8", "replace").split())
            if exc.code == 400:
                if is_update(sparql):
                    raise UpdateRefusedError(
                        "SPARQL updates are not accepted: this endpoint is read-only"
                    ) from None
                raise QuerySyntaxError(message or "the remote store refused the query") from None
            self._check_error(message)
            raise RemoteStoreError(f"the store answered {exc.code}: {message}",
                                   iri=self.url) from None
        except (OSError, urllib.error.URLError) as exc:
            raise RemoteStoreError(f"the store did not answer: {exc}",
                                   iri=self.url) from None

    def _check_answer(self, headers: Mapping[str, str]) -> None:
        """Refuse an answer this store cannot vouch for (Virtuoso's, when not asked as one)."""
        if str(headers.get("Server", "")).startswith("Virtuoso"):
            raise RemoteStoreError(
                "this endpoint is Virtuoso, whose default graph is every graph at once (the "
                "candidates too, a triple once per graph): give its URL as virtuoso+"
                + self.url, iri=self.url)

    def _check_error(self, message: str) -> None:
        """Raise what an error answer of the store means, if it is no failure of the store."""

    def _raw(self, sparql: str, params: list[tuple[str, str]], *,
             accept: str = _REMOTE_ACCEPT) -> QueryResult:
        content_type, body = self._post(sparql, params, accept=accept)
        media = content_type.split(";", 1)[0].strip().lower()
        try:
            if media in ("application/sparql-results+json", "application/json"):
                return QueryResult(pyoxigraph.parse_query_results(
                    body, format=QueryResultsFormat.JSON))
            rdf = RdfFormat.N_TRIPLES if media == "application/n-triples" else RdfFormat.TURTLE
            return QueryResult([q.triple for q in pyoxigraph.parse(body, format=rdf)])
        except SyntaxError as exc:
            raise RemoteStoreError(f"the store answered unreadable {media}: {exc}",
                                   iri=self.url) from None

    def _execute(self, sparql: str, *, empty_default: bool, default_graphs: list[str],
                 named_graphs: list[str], base_iri: str | None,
                 max_rows: int | None = None) -> QueryResult:
        if base_iri is not None:
            sparql = f"BASE <{base_iri}>\n{sparql}"  # the query's own BASE, if any, comes later
        if empty_default:
            default_graphs = [EMPTY_GRAPH]
        if default_graphs:
            named_graphs = named_graphs or self.graphs()
        params = [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        return self._raw(sparql, params)

    def triple_count(self) -> int:
        if self._count is None:
            rows = self._raw("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", []).rows()
            self._count = int(rows[0]["n"]) if rows else 0
        return self._count

    def graphs(self) -> list[str]:
        if self._graphs is None:
            rows = self._raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", []).rows()
            self._graphs = sorted(r["g"] for r in rows if "g" in r)
        return list(self._graphs)


class VirtuosoStore(RemoteStore):
    """A Virtuoso SPARQL endpoint (``virtuoso+http://host:8890/sparql``), made to answer as the
    embedded store does.

    Virtuoso's own default graph is every graph it holds at once (the candidates, its system
    graphs, a triple stated in two graphs twice), and ``GRAPH ?g`` sees its system graphs too, so
    every query names its dataset with the protocol's parameters: the default graph is
    `DEFAULT_GRAPH`, where `tarihkg load` writes the set of the reviewed graphs' triples, unless
    the caller or the query's ``FROM``/``FROM NAMED`` say otherwise (read as SPARQL 1.1 §13.2
    reads them: ``FROM`` alone leaves no named graphs, Virtuoso would give them all); the named
    graphs are the dataset's own (`graphs`: those under ``…/graph/``).

    Only standard SPARQL 1.1 queries reach Virtuoso: each is parsed first by pyoxigraph (against
    an empty in-memory store, nothing runs), so Virtuoso's own syntax (``DEFINE``, ``sql:``,
    ``bif:`` functions) is refused as the embedded store refuses it, with the same messages.
    ``SERVICE`` is refused whatever the allowlist (Virtuoso's read-only account may not call
    out). Each query carries Virtuoso's ``timeout`` (``timeout_s``); an answer Virtuoso marks
    incomplete (``X-SQL-State``, its "anytime" partial results) is an error, never rows, and one
    it cut at its ``ResultSetMaxRows`` (``X-SPARQL-MaxRows``) is `ResultTooLargeError`. An ASK
    answered as a table (Virtuoso 7.2) is read as the boolean it stands for.
    """

    _ACCEPT = {ResultKind.GRAPH: "application/n-triples"}
    _grace_s = 5.0  # Virtuoso stops the query itself at ``timeout_s``: wait for it to say so

    def __init__(self, url: str, *, timeout_s: float = REMOTE_TIMEOUT_S) -> None:
        super().__init__(url.removeprefix(VIRTUOSO_PREFIX), timeout_s=timeout_s)
        self.location = url
        self._parser = pyoxigraph.Store()  # empty, in memory: parses queries, holds nothing

    def _check_answer(self, headers: Mapping[str, str]) -> None:
        cut = headers.get("X-SPARQL-MaxRows")
        if cut:  # Virtuoso cut the answer at its ResultSetMaxRows (or maxrows)
            raise ResultTooLargeError(f"the answer has more than {cut} rows")
        state = headers.get("X-SQL-State")
        if state:
            reason = " ".join(str(headers.get("X-SQL-Message", "")).split())[:200]
            raise RemoteStoreError(f"Virtuoso stopped the query ({state}: {reason}) and sent an "
                                   "incomplete answer, which is not passed on", iri=self.url)

    def _check_error(self, message: str) -> None:
        if message.startswith("Virtuoso 37000"):  # its SPARQL compiler: a query it cannot run
            reason = message.removeprefix("Virtuoso 37000").split(" SPARQL query:")[0].strip()
            raise QueryUnsupportedError(f"the query cannot be evaluated here: Virtuoso says "
                                        f"{reason}")

    def _kind(self, sparql: str, base_iri: str | None) -> ResultKind:
        """What ``sparql`` returns, as pyoxigraph parses it; raises what `LocalStore` raises."""
        try:
            parsed = self._parser.query(sparql, base_iri=base_iri)
        except SyntaxError as exc:
            if is_update(sparql):
                raise UpdateRefusedError(
                    "SPARQL updates are not accepted: this endpoint is read-only") from None
            raise QuerySyntaxError(str(exc)) from None
        except RuntimeError as exc:
            raise QueryUnsupportedError(f"the query cannot be evaluated here: {exc}") from None
        return QueryResult(parsed).kind

    def _dataset(self, sparql: str, *, empty_default: bool, default_graphs: list[str],
                 named_graphs: list[str]) -> tuple[str, list[tuple[str, str]]]:
        """The query to send and the protocol parameters naming its dataset (see the class):
        graphs the caller names replace the query's ``FROM``/``FROM NAMED``, as the protocol
        says, where Virtuoso would use both."""
        shape = _shape(sparql)
        if shape.services:
            raise QueryRefusedError("SERVICE is not available over the Virtuoso store")
        defaults: list[str] | None = default_graphs or ([EMPTY_GRAPH] if empty_default else None)
        if (default_graphs or named_graphs) and shape.declares_dataset:
            sparql = without_dataset(sparql)  # Virtuoso would use both
        named: list[str] | None = named_graphs or None
        if defaults is None and named is None and shape.declares_dataset:
            defaults = list(shape.from_graphs) or [EMPTY_GRAPH]
            named = list(shape.from_named) or [EMPTY_GRAPH]
        if named is None and _may_have(sparql, "graph"):
            named = self.graphs()  # without GRAPH a query cannot reach a named graph
        params = [("default-graph-uri", g) for g in defaults or [DEFAULT_GRAPH]]
        return sparql, params + [("named-graph-uri", g) for g in named or ()]

    def _execute(self, sparql: str, *, empty_default: bool, default_graphs: list[str],
                 named_graphs: list[str], base_iri: str | None,
                 max_rows: int | None = None) -> QueryResult:
        sparql, params = self._dataset(sparql, empty_default=empty_default,
                                       default_graphs=default_graphs, named_graphs=named_graphs)
        kind = self._kind(sparql, base_iri)
        if base_iri is not None:
            sparql = f"BASE <{base_iri}>\n{sparql}"  # the query's own BASE, if any, comes later
        params.append(("timeout", str(max(int(self.timeout_s * 1000), 1))))
        if max_rows is not None:
            params.append(("maxrows", str(max_rows + 1)))
        try:
            result = self._raw(sparql, params,
                               accept=self._ACCEPT.get(kind, "application/sparql-results+json"))
        except ResultTooLargeError:
            if max_rows is None:
                raise
            raise ResultTooLargeError(f"the answer has more than {max_rows} rows") from None
        if kind is ResultKind.BOOLEAN and result.kind is ResultKind.SOLUTIONS:
            result = self._boolean(result)
        return result

    def _boolean(self, table: QueryResult) -> QueryResult:
        """The answer to an ASK, which Virtuoso 7.2 sends as a table of ``__ASK_RETVAL``: one
        row with 1 for true, no row for false."""
        rows = table.rows()
        if table.variables != ["__ASK_RETVAL"] or rows not in ([], [{"__ASK_RETVAL": "1"}]):
            raise RemoteStoreError(f"the store answered an ASK with a table: {rows[:2]}",
                                   iri=self.url)
        doc = b'{"head": {}, "boolean": %s}' % (b"true" if rows else b"false")
        return QueryResult(pyoxigraph.parse_query_results(doc, format=QueryResultsFormat.JSON))

    def triple_count(self) -> int:
        if self._count is None:
            params = [("default-graph-uri", EMPTY_GRAPH)]
            params += [("named-graph-uri", g) for g in self.graphs()]
            rows = self._raw("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                             params).rows()
            self._count = int(rows[0]["n"]) if rows else 0
        return self._count

    def graphs(self) -> list[str]:
        if self._graphs is None:
            rows = self._raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", []).rows()
            self._graphs = sorted(r["g"] for r in rows if r.get("g", "").startswith(GRAPH_NS))
        return list(self._graphs)


_DATASET_CLAUSE = re.compile(
    r"(?<![\w?$:])FROM\s+(?:NAMED\s+)?(?:<[^<>\"{}|^`\\\x00-\x20]*>|[\w.\-]*:[\w.%\-]*)",
    re.IGNORECASE)


def without_dataset(sparql: str) -> str:
    """``sparql`` without its ``FROM``/``FROM NAMED`` clauses (escapes expanded first). Raises
    `QueryRefusedError` if a clause is left that the lexer did not find.

    >>> without_dataset("SELECT ?from FROM <urn:g> FROM NAMED x:g { ?s ?p 'FROM <a>' }")
    "SELECT ?from   { ?s ?p 'FROM <a>' }"
    """
    text = expand_escapes(sparql)
    masked = list(text)
    for match in _LEXEME.finditer(text):
        if match.group(0)[0] in "'\"#":  # strings and comments: never a clause
            masked[match.start():match.end()] = " " * (match.end() - match.start())
    spans = [m.span() for m in _DATASET_CLAUSE.finditer("".join(masked))]
    kept = "".join(text[start:end] for start, end in _gaps(spans))
    if inspect_query(kept).declares_dataset:
        raise QueryRefusedError("this store cannot put the protocol's graphs in place of the "
                                "query's FROM clauses; leave out one or the other")
    return kept


@functools.lru_cache(maxsize=16)
def _shape(sparql: str) -> QueryShape:
    """`inspect_query`, remembered: `Store.query` has just read the same text."""
    return inspect_query(sparql)


def is_url(location: str | Path) -> bool:
    """True if ``location`` names a remote endpoint rather than a directory (``virtuoso+``
    before the URL of a Virtuoso endpoint: `VirtuosoStore`).

    >>> is_url("http://127.0.0.1:7878/query"), is_url("data/build")
    (True, False)
    >>> is_url("virtuoso+http://127.0.0.1:8890/sparql")
    True
    """
    return str(location).removeprefix(VIRTUOSO_PREFIX).startswith(("http://", "https://"))


def find_dataset(path: Path) -> Path:
    """The store directory or N-Quads file `open_store` would read in dataset directory ``path``
    (without opening it); raises `InputError` if there is neither."""
    path = Path(path)
    if (path / STORE_DIR).is_dir():
        return path / STORE_DIR
    if (path / DATASET_FILE).is_file():
        return path / DATASET_FILE
    raise InputError(
        f"no built dataset here: neither {STORE_DIR}/ nor {DATASET_FILE} (run `tarihkg build`)",
        path=path,
    )


def open_store(path: Path | str, *, read_only: bool = True) -> Store:
    """Open a store: a `RemoteStore` if ``path`` is an ``http(s)://`` URL, else the built dataset
    in directory ``path``: its ``store/`` if there is one, else its ``tarihkg.nq`` loaded into
    memory. Raises `InputError` if neither can be read."""
    if is_url(path):
        log.info("forwarding queries to %s", path)
        if str(path).startswith(VIRTUOSO_PREFIX):
            return VirtuosoStore(str(path))
        return RemoteStore(str(path))
    location = find_dataset(Path(path))
    if location.is_dir():
        try:
            if read_only:
                backend = pyoxigraph.Store.read_only(str(location))
            else:
                backend = pyoxigraph.Store(str(location))
        except OSError as exc:
            raise InputError(f"cannot open the store: {exc}", path=location) from None
        log.info("opened store %s (read_only=%s)", location, read_only)
        return LocalStore(backend, location=location)
    backend = pyoxigraph.Store()
    try:
        backend.bulk_load(path=str(location), format=RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(f"not valid N-Quads: {exc}", path=location) from None
    backend.update(_FILL_DEFAULT_GRAPH)
    log.info("loaded %s into memory (%d quads)", location, len(backend))
    return LocalStore(backend, location=location)


def default_graph_triples(quads: Iterable[pyoxigraph.Quad]) -> list[Triple]:
    """The dataset's default graph: the distinct triples of ``quads`` outside the candidates
    graph (and outside the default graph itself), in first-seen order."""
    seen: dict[Triple, None] = {}
    for quad in quads:
        name = quad.graph_name
        if isinstance(name, NamedNode) and not name.value.endswith("/" + CANDIDATES_GRAPH):
            seen.setdefault(quad.triple, None)
    return list(seen)


def build_store(nquads: Path, target_dir: Path) -> int:
    """Bulk-load ``nquads`` into a new on-disk store at ``target_dir`` with its default graph
    (the set of the reviewed graphs' triples); return the number of quads read.

    The store is written into a temporary sibling directory and renamed into place, so readers
    never see a half-written store and a failed load leaves any previous store untouched.
    """
    nquads, target_dir = Path(nquads), Path(target_dir)
    if not nquads.is_file():
        raise InputError("no such N-Quads file", path=nquads)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.tmp-", dir=target_dir.parent))
    live = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.tmp-", dir=target_dir.parent))
    try:
        backend = pyoxigraph.Store(str(tmp))
        try:
            backend.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise InputError(f"not valid N-Quads: {exc}", path=nquads) from None
        count = len(backend)
        backend.update(_FILL_DEFAULT_GRAPH)
        backend.optimize()
        backend.flush()
        # the live files only: the engine keeps its spent write-ahead log (the default graph's
        # update, as big as the rest of the store) for reuse, which a read-only store never does
        live.rmdir()
        backend.backup(str(live))
        del backend
        swap_directory(live, target_dir)
    except OSError as exc:
        raise write_error(exc, path=target_dir) from exc
    finally:
        for spent in (tmp, live):
            if spent.exists():
                shutil.rmtree(spent, ignore_errors=True)
    log.info("built store %s from %s (%d quads)", target_dir, nquads, count)
    return count
