"""Built dataset (N-Quads) -> a remote store: one SPARQL 1.1 Graph Store Protocol PUT per graph,
or, for Virtuoso, its bulk loader.

``tarihkg load --to URL`` sends each named graph of ``data/build/tarihkg.nq`` as N-Triples with
``PUT URL?graph=<iri>`` and the dataset's default graph (the set of the reviewed graphs' triples,
which the endpoint queries) with ``PUT URL?default``, so
loading twice leaves the same data: each PUT replaces its graph. ``URL`` is the store's Graph
Store Protocol endpoint: ``http://host:7878/store`` for Oxigraph, ``http://host:3030/ds/data``
for Fuseki.

``tarihkg load --to virtuoso://HOST:PORT --load-dir DIR`` (``PORT``: Virtuoso's SQL port, 1111 by
default) writes the dataset as one N-Quads file into ``DIR``, a directory the Virtuoso server
reads at the same path (its ``DirsAllowed``), and runs Virtuoso's bulk loader on it with
``isql-vt`` (`load_virtuoso`): the way Virtuoso takes corpora of billions of triples. The default
graph goes into `tarihkg.store.DEFAULT_GRAPH`, which `tarihkg.store.VirtuosoStore` queries, since
Virtuoso's own default graph is every graph at once. Every graph of the dataset (and every graph
under ``…/graph/`` from an earlier load) is emptied first, so loading twice leaves the same data;
the triples per graph are then read back and must be what was sent.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple

from tarihkg.errors import InputError, write_error
from tarihkg.layout import DATASET_FILE
from tarihkg.names import GRAPH_NS
from tarihkg.store import DEFAULT_GRAPH, RemoteStoreError, default_graph_triples, is_url

log = logging.getLogger(__name__)

LOAD_TIMEOUT_S = 300.0
VIRTUOSO_SCHEME = "virtuoso://"
ISQL = "isql-vt"  # Debian's name for Virtuoso's isql (package virtuoso-opensource)
LOAD_FILE = "tarihkg.nq"
ISQL_TIMEOUT_S = 3600.0


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (None: the default graph) at ``endpoint``.

    >>> graph_url("http://h/store", "https://w3id.org/tarihkg/graph/curation")
    'http://h/store?graph=https%3A%2F%2Fw3id.org%2Ftarihkg%2Fgraph%2Fcuration'
    >>> graph_url("http://h/ds/data?x=1", None)
    'http://h/ds/data?x=1&default'
    """
    query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    return endpoint + ("&" if "?" in endpoint else "?") + query


def read_graphs(nquads: Path) -> dict[str | None, list[Triple]]:
    """The triples of each graph of ``nquads``; None: the default graph the store must serve,
    the set of the reviewed graphs' triples (`tarihkg.store.default_graph_triples`)."""
    graphs: dict[str | None, list[Triple]] = defaultdict(list)
    quads: list[pyoxigraph.Quad] = []
    try:
        for quad in pyoxigraph.parse(path=str(nquads), format=RdfFormat.N_QUADS):
            quads.append(quad)
            name = quad.graph_name
            if isinstance(name, DefaultGraph):
                graphs[None].append(quad.triple)
            elif isinstance(name, NamedNode):
                graphs[name.value].append(quad.triple)
            else:
                raise InputError(f"a blank node graph name ({name}) has no IRI to PUT to",
                                 path=nquads)
    except SyntaxError as exc:
        raise InputError(f"not valid N-Quads: {exc}", path=nquads) from None
    except OSError as exc:
        raise InputError(f"cannot read the dataset: {exc.strerror}", path=nquads) from None
    stated = graphs.pop(None, [])
    graphs[None] = list(dict.fromkeys([*stated, *default_graph_triples(quads)]))
    return dict(graphs)


def load_dataset(nquads: Path, *, to: str, timeout_s: float = LOAD_TIMEOUT_S) -> dict[str, int]:
    """PUT every graph of ``nquads`` to the Graph Store Protocol endpoint ``to``; return the
    triples sent per graph (``"default"`` for the default graph).

    Raises `InputError` for a bad URL or dataset, `RemoteStoreError` if the store refuses.
    """
    if not is_url(to):
        raise InputError(f"--to must be an http(s):// Graph Store Protocol URL or a "
                         f"virtuoso://host:port address, not {to!r}")
    sent: dict[str, int] = {}
    for graph, triples in read_graphs(Path(nquads)).items():
        body = pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        url = graph_url(to, graph)
        request = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": "application/n-triples", "User-Agent": "tarihkg"})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            message = " ".join(exc.read(2000).decode("utf-8", "replace").split())
            raise RemoteStoreError(f"PUT refused with {exc.code}: {message}", iri=url) from None
        except (OSError, urllib.error.URLError) as exc:
            raise RemoteStoreError(f"the store did not answer: {exc}", iri=url) from None
        name = graph or "default"
        sent[name] = len(triples)
        log.info("loaded %d triples into %s", len(triples), name)
    return sent


def _sql_string(text: str) -> str:
    """``text`` as an SQL string literal.

    >>> _sql_string("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def isql(address: str, script: str, *, user: str, password: str,
         timeout_s: float = ISQL_TIMEOUT_S) -> list[str]:
    """Run ``script`` (SQL statements ending in ``;``) with ``isql-vt`` at ``address``
    (``host:port``); return the lines it printed. Raises `RemoteStoreError` if a statement
    failed (isql reports it on stderr, exit status 0) or isql cannot connect."""
    command = [ISQL, address, user, password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
               "ECHO=OFF"]
    try:
        done = subprocess.run(command, input=script, capture_output=True, text=True,
                              timeout=timeout_s, check=False)
    except FileNotFoundError:
        raise RemoteStoreError(f"{ISQL} is not installed (Debian: apt-get install "
                               "virtuoso-opensource; or `make virtuoso`)") from None
    except subprocess.TimeoutExpired:
        raise RemoteStoreError(f"{ISQL} did not finish within {timeout_s:g} s",
                               iri=address) from None
    errors = [line for line in done.stderr.splitlines() if line.startswith("*** Error")]
    if errors or done.returncode != 0:
        detail = errors[0] if errors else " ".join(done.stderr.split())[:300]
        raise RemoteStoreError(f"Virtuoso refused ({detail})", iri=address)
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


_OUR_GRAPHS = ('SPARQL SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
               'FILTER(STRSTARTS(STR(?g), "{ns}") || STR(?g) = "{default}") }};\n')
_GRAPH_SIZES = ('SPARQL SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                'FILTER(STRSTARTS(STR(?g), "{ns}") || STR(?g) = "{default}") }} GROUP BY ?g;\n')


def load_virtuoso(nquads: Path, *, to: str, load_dir: Path, user: str, password: str
                  ) -> dict[str, int]:
    """Bulk-load ``nquads`` into the Virtuoso at ``to`` (``virtuoso://host:port``, its SQL port)
    through ``load_dir`` (readable by the server at the same path); return the triples per graph
    (``"default"`` for the default graph) as Virtuoso counts them after the load.

    Raises `InputError` for a bad dataset or directory, `RemoteStoreError` if Virtuoso refuses
    or holds other counts than were sent.
    """
    address = to.removeprefix(VIRTUOSO_SCHEME).rstrip("/")
    graphs = read_graphs(Path(nquads))
    load_dir = Path(load_dir).absolute()
    if not load_dir.is_dir():
        raise InputError("--load-dir is not a directory", path=load_dir)
    target = load_dir / LOAD_FILE
    quads = (Quad(t.subject, t.predicate, t.object, NamedNode(graph or DEFAULT_GRAPH))
             for graph, triples in graphs.items() for t in triples)
    try:
        pyoxigraph.serialize(quads, str(target), format=RdfFormat.N_QUADS)
    except OSError as exc:
        raise write_error(exc, path=target) from exc
    names = {"ns": GRAPH_NS, "default": DEFAULT_GRAPH}
    earlier = isql(address, _OUR_GRAPHS.format(**names), user=user, password=password)
    emptied = sorted({*earlier, *(g or DEFAULT_GRAPH for g in graphs)})
    script = "log_enable(3, 1);\n" + "".join(
        f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({_sql_string(g)});\n"
        for g in emptied)
    script += (f"DELETE FROM DB.DBA.load_list WHERE ll_file = {_sql_string(str(target))};\n"
               f"ld_dir({_sql_string(str(load_dir))}, {_sql_string(LOAD_FILE)}, "
               f"{_sql_string(DEFAULT_GRAPH)});\n"
               "rdf_loader_run();\ncheckpoint;\n"
               "SELECT ll_error FROM DB.DBA.load_list WHERE ll_file = "
               f"{_sql_string(str(target))} AND ll_error IS NOT NULL;\n")
    failed = isql(address, script, user=user, password=password)
    if failed:
        raise RemoteStoreError(f"Virtuoso's bulk loader failed: {failed[0]}", iri=to)
    counted: dict[str, int] = {}
    for line in isql(address, _GRAPH_SIZES.format(**names), user=user, password=password):
        graph, _, number = line.rpartition(" ")
        counted["default" if graph.strip() == DEFAULT_GRAPH else graph.strip()] = int(number)
    sent = {graph or "default": len(set(triples)) for graph, triples in graphs.items()}
    if counted != {g: n for g, n in sent.items() if n}:
        raise RemoteStoreError(f"Virtuoso holds other triples than were sent: {counted} for "
                               f"{sent}", iri=to)
    for name, size in sorted(counted.items()):
        log.info("loaded %d triples into %s", size, name)
    return counted


def cmd_load(args: argparse.Namespace) -> int:
    """Push the built dataset to a remote store (the Graph Store Protocol, or Virtuoso's bulk
    loader for a virtuoso:// address)."""
    from tarihkg.project import Project

    nquads = Path(args.dataset) if args.dataset else \
        Project(Path(args.root).resolve()).build_dir / DATASET_FILE
    if not nquads.is_file():
        raise InputError("no built dataset (run `tarihkg build`, or pass --dataset)", path=nquads)
    if args.to.startswith(VIRTUOSO_SCHEME):
        password = os.environ.get("TARIHKG_VIRTUOSO_PASSWORD")
        if not args.load_dir or password is None:
            raise InputError("a virtuoso:// address needs --load-dir and the password of a "
                             "Virtuoso account allowed to load (TARIHKG_VIRTUOSO_PASSWORD; the "
                             "account: TARIHKG_VIRTUOSO_USER, default dba)")
        sent = load_virtuoso(nquads, to=args.to, load_dir=Path(args.load_dir),
                             user=os.environ.get("TARIHKG_VIRTUOSO_USER", "dba"),
                             password=password)
    else:
        sent = load_dataset(nquads, to=args.to)
    log.warning("loaded %d triples in %d graphs into %s", sum(sent.values()), len(sent), args.to)
    return 0
