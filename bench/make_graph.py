"""The built dataset (N-Quads) + a target size -> a bigger N-Quads dataset of the same shape.

Copy 0 is the built graph itself; copies 1..k-1 repeat every quad of the data graphs with each
resource IRI (``.../resource/...``) moved to ``.../resource/c{i}/...``, so every class,
property, path and literal keeps its proportions, the example queries that name one resource
still find it, and the queries that scan grow with the graph. The ontology graph is not copied.

    python bench/make_graph.py data/build/tarihkg.nq 100000 bench/work/100k.nq
"""

from __future__ import annotations

import argparse
import logging
import math
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, Quad, RdfFormat

from tarihkg.names import GRAPH_NS, RESOURCE_NS

log = logging.getLogger(__name__)

RESOURCE = RESOURCE_NS
ONTOLOGY_GRAPH = GRAPH_NS + "ontology"


def _moved(term: object, copy: int) -> object:
    if isinstance(term, NamedNode) and term.value.startswith(RESOURCE):
        return NamedNode(f"{RESOURCE}c{copy}/{term.value[len(RESOURCE):]}")
    return term


def make_graph(source: Path, triples: int, target: Path) -> int:
    """Write about ``triples`` quads of the shape of ``source`` to ``target``; return the count."""
    quads = list(pyoxigraph.parse(path=str(source), format=RdfFormat.N_QUADS))
    data = [q for q in quads if not (isinstance(q.graph_name, NamedNode)
                                     and q.graph_name.value == ONTOLOGY_GRAPH)]
    copies = max(1, math.ceil((triples - len(quads)) / len(data)) + 1)
    out = list(quads)
    for i in range(1, copies):
        out.extend(Quad(_moved(q.subject, i), q.predicate, _moved(q.object, i), q.graph_name)
                   for q in data)
    target.parent.mkdir(parents=True, exist_ok=True)
    pyoxigraph.serialize(out, str(target), format=RdfFormat.N_QUADS)
    log.info("%s: %d quads (%d copies)", target, len(out), copies)
    return len(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("triples", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    make_graph(args.source, args.triples, args.target)
