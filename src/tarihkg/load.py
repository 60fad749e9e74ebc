"""Built dataset (N-Quads) -> a remote store, one SPARQL 1.1 Graph Store Protocol PUT per graph.

``tarihkg load --to URL`` sends each named graph of ``data/build/tarihkg.nq`` as N-Triples with
``PUT URL?graph=<iri>`` and the dataset's default graph (the set of the reviewed graphs' triples,
which the endpoint queries) with ``PUT URL?default``, so
loading twice leaves the same data: each PUT replaces its graph. ``URL`` is the store's Graph
Store Protocol endpoint: ``http://host:7878/store`` for Oxigraph, ``http://host:3030/ds/data``
for Fuseki, ``http://host:8890/sparql-graph-crud`` for Virtuoso.
"""

from __future__ import annotations

import argparse
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple

from tarihkg.errors import InputError
from tarihkg.layout import DATASET_FILE
from tarihkg.store import RemoteStoreError, default_graph_triples, is_url

log = logging.getLogger(__name__)

LOAD_TIMEOUT_S = 300.0


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
        raise InputError(f"--to must be an http(s):// Graph Store Protocol URL, not {to!r}")
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


def cmd_load(args: argparse.Namespace) -> int:
    """Push the built dataset to a remote store with the SPARQL 1.1 Graph Store Protocol."""
    from tarihkg.project import Project

    nquads = Path(args.dataset) if args.dataset else \
        Project(Path(args.root).resolve()).build_dir / DATASET_FILE
    if not nquads.is_file():
        raise InputError("no built dataset (run `tarihkg build`, or pass --dataset)", path=nquads)
    sent = load_dataset(nquads, to=args.to)
    log.warning("loaded %d triples in %d graphs into %s", sum(sent.values()), len(sent), args.to)
    return 0
