"""A dataset (or graph) -> one graph of all its triples: what the reasoner and the validator check."""

from __future__ import annotations

from rdflib import Dataset, Graph


def union_graph(data: Dataset | Graph, into: Graph | None = None) -> Graph:
    """Every triple of every named graph of ``data`` (or ``data`` itself), in one new graph
    (``into``, an empty graph of the caller's class, when given)."""
    union = Graph() if into is None else into
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        union += data
    return union
