"""Built dataset dir (tarihkg.nq, store/) -> read-only SPARQL `Store`; N-Quads -> on-disk store.

The only module that chooses the store backend (pyoxigraph). The served dataset's default graph
is the union of its named graphs, unless a query names its own dataset (``FROM``/``FROM NAMED``)
or the caller passes ``default_graphs``/``named_graphs`` (the SPARQL protocol's
``default-graph-uri``/``named-graph-uri``). Updates are refused: a text that does not parse as
a query but parses as an update raises `UpdateRefusedError`, decided by pyoxigraph's own update
parser run against an empty read-only store, so nothing can be written or loaded. Whether a
query names its own dataset or calls ``SERVICE`` (refused unless allowed: the server must not
fetch URLs for anyone) is read from rdflib's SPARQL 1.1 parse tree, which pyoxigraph does not
expose; a query rdflib cannot parse is treated as naming no dataset and calling no service.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)
from pyparsing import ParseResults

from tarihkg.errors import InputError, InternalError
from tarihkg.formats import RDF_FORMATS, RESULTS_FORMATS, Format

log = logging.getLogger(__name__)

DATASET_FILE = "tarihkg.nq"
STORE_DIR = "store"


class QuerySyntaxError(InputError):
    """The text is neither a SPARQL query nor a SPARQL update; the message is the parser's."""


class UpdateRefusedError(InputError):
    """The text is a SPARQL update; this store only answers queries."""


class QueryRefusedError(InputError):
    """The query asks for something this store does not do (a federated ``SERVICE`` call)."""


class ResultKind(StrEnum):
    """What a query returns."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


class QueryResult:
    """The answer to one query, readable once: serialize it or take its rows."""

    def __init__(self, raw: QuerySolutions | QueryBoolean | QueryTriples) -> None:
        self._raw = raw
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

    def serialize(self, fmt: Format, *, prefixes: Mapping[str, str] | None = None) -> bytes:
        """The result written in ``fmt`` (one of `formats`); ``prefixes`` for Turtle/TriG/XML."""
        target = fmt.oxigraph
        out: bytes | None
        if isinstance(self._raw, QueryTriples) and isinstance(target, RdfFormat):
            out = pyoxigraph.serialize(list(self._raw), format=target,
                                       prefixes=dict(prefixes or {}))
        elif not isinstance(self._raw, QueryTriples) and isinstance(target, QueryResultsFormat):
            out = self._raw.serialize(format=target)
        else:
            raise ValueError(f"a {self.kind} result cannot be written as {fmt.label}")
        if out is None:
            raise InternalError(f"pyoxigraph wrote no {fmt.label}")
        return out


@dataclass(frozen=True)
class _Shape:
    """What rdflib's grammar sees in a query: whether it names a dataset or calls SERVICE."""

    declares_dataset: bool
    uses_service: bool


def _walk(node: Any) -> Iterable[Any]:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, list | tuple | ParseResults):
            stack.extend(current)


def _inspect(sparql: str) -> _Shape | None:
    """The shape of ``sparql`` per rdflib's SPARQL 1.1 grammar, or None if rdflib cannot read it."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(sparql)
    except Exception:  # any failure only means "unknown": pyoxigraph has the last word
        return None
    body = parsed[1]
    declares = "datasetClause" in body
    service = any(getattr(n, "name", None) == "ServiceGraphPattern" for n in _walk(body))
    return _Shape(declares_dataset=declares, uses_service=service)


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


def _graph_nodes(iris: Sequence[str]) -> list[NamedNode]:
    nodes = []
    for iri in iris:
        try:
            nodes.append(NamedNode(iri))
        except ValueError as exc:
            raise InputError(f"not a valid graph IRI: {exc}", iri=iri) from None
    return nodes


class Store:
    """A read-only SPARQL view of one built dataset."""

    def __init__(self, backend: pyoxigraph.Store, *, location: Path) -> None:
        self._backend = backend
        self.location = location
        self._update_parser: _UpdateParser | None = None
        self._count: int | None = None
        self._graphs: list[str] | None = None

    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        allow_service: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query.

        ``default_graphs``/``named_graphs`` (graph IRIs) replace the dataset the query names;
        without them the default graph is the union of all named graphs
        (``default_graph_union``) unless the query has its own ``FROM``/``FROM NAMED``.
        Raises `QuerySyntaxError`, `UpdateRefusedError`, `QueryRefusedError` or `InputError`.
        """
        shape = _inspect(sparql)
        if shape is not None and shape.uses_service and not allow_service:
            raise QueryRefusedError("federated queries (SERVICE) are not allowed here")
        options: dict[str, Any] = {}
        if default_graphs:
            options["default_graph"] = _graph_nodes(default_graphs)
        elif default_graph_union and not (shape is not None and shape.declares_dataset):
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = _graph_nodes(named_graphs)
        try:
            raw = self._backend.query(sparql, **options)
        except SyntaxError as exc:
            if self._is_update(sparql):
                raise UpdateRefusedError(
                    "SPARQL updates are not accepted: this endpoint is read-only"
                ) from None
            raise QuerySyntaxError(str(exc)) from None
        return QueryResult(raw)

    def _is_update(self, sparql: str) -> bool:
        if self._update_parser is None:
            self._update_parser = _UpdateParser()
        return self._update_parser.is_update(sparql)

    def triple_count(self) -> int:
        """Statements in all graphs (a triple stated in two graphs counts twice)."""
        if self._count is None:
            self._count = len(self._backend)
        return self._count

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        if self._graphs is None:
            self._graphs = sorted(
                g.value for g in self._backend.named_graphs() if isinstance(g, NamedNode)
            )
        return list(self._graphs)


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


def open_store(path: Path, *, read_only: bool = True) -> Store:
    """Open the built dataset in directory ``path``: its ``store/`` if there is one, else its
    ``tarihkg.nq`` loaded into memory. Raises `InputError` if neither can be read."""
    location = find_dataset(path)
    if location.is_dir():
        try:
            if read_only:
                backend = pyoxigraph.Store.read_only(str(location))
            else:
                backend = pyoxigraph.Store(str(location))
        except OSError as exc:
            raise InputError(f"cannot open the store: {exc}", path=location) from None
        log.info("opened store %s (read_only=%s)", location, read_only)
        return Store(backend, location=location)
    backend = pyoxigraph.Store()
    try:
        backend.bulk_load(path=str(location), format=RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(f"not valid N-Quads: {exc}", path=location) from None
    log.info("loaded %s into memory (%d quads)", location, len(backend))
    return Store(backend, location=location)


def build_store(nquads: Path, target_dir: Path) -> int:
    """Bulk-load ``nquads`` into a new on-disk store at ``target_dir``; return its quad count.

    The store is written into a temporary sibling directory and renamed into place, so readers
    never see a half-written store and a failed load leaves any previous store untouched.
    """
    nquads, target_dir = Path(nquads), Path(target_dir)
    if not nquads.is_file():
        raise InputError("no such N-Quads file", path=nquads)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.tmp-", dir=target_dir.parent))
    try:
        backend = pyoxigraph.Store(str(tmp))
        try:
            backend.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise InputError(f"not valid N-Quads: {exc}", path=nquads) from None
        backend.optimize()
        backend.flush()
        count = len(backend)
        del backend
        _swap_into_place(tmp, target_dir)
    except OSError as exc:
        raise InternalError(f"cannot write the store: {exc}", path=target_dir) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("built store %s from %s (%d quads)", target_dir, nquads, count)
    return count


def _swap_into_place(new: Path, target: Path) -> None:
    """Rename directory ``new`` to ``target``, replacing (and then deleting) any old ``target``."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
