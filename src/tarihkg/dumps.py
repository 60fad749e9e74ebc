"""Built N-Quads file -> downloadable dumps (N-Quads, TriG, Turtle, JSON-LD; gzipped) with
SHA-256 checksums and licence metadata, written into ``{build}/dumps/`` at build time.

The N-Quads, TriG and JSON-LD dumps keep the named graphs (rule-made candidates stay apart in
``graph/candidates``, each marked ``tkg:candidate``); the Turtle dump is the union of all other
graphs (each triple once), what the SPARQL endpoint's default graph shows: no candidate in it.
Gzip headers carry no time stamp, so the same graph always gives the same bytes and the same
checksums.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph
from pyoxigraph import RdfFormat

from tarihkg.errors import InputError
from tarihkg.formats import Format, by_name
from tarihkg.layout import BuildLayout
from tarihkg.names import DATASET, PREFIXES
from tarihkg.project import write_atomic

log = logging.getLogger(__name__)

#: format name -> whether the dump keeps the named graphs
DUMP_FORMATS: tuple[tuple[str, bool], ...] = (("nq", True), ("trig", True), ("ttl", False),
                                              ("jsonld", True))


@dataclass(frozen=True)
class Dump:
    """One written dump file."""

    file: str
    format: str
    media_type: str
    encoding: str
    bytes: int
    sha256: str
    statements: int
    named_graphs: bool
    licence: str


def _is_candidates(graph: object) -> bool:
    """Whether a quad's graph is ``{base}graph/candidates`` (whatever base the build used)."""
    return isinstance(graph, pyoxigraph.NamedNode) and graph.value.endswith("/graph/candidates")


def _serialize(
    quads: list[pyoxigraph.Quad], fmt: Format, *, keep_graphs: bool
) -> tuple[bytes, int]:
    target = fmt.oxigraph
    if not isinstance(target, RdfFormat):
        raise InputError(f"{fmt.label} is not an RDF format")
    if keep_graphs:
        data = pyoxigraph.serialize(quads, format=target, prefixes=PREFIXES)
        count = len(quads)
    else:
        triples = sorted({pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads
                          if not _is_candidates(q.graph_name)}, key=str)
        data = pyoxigraph.serialize(triples, format=target, prefixes=PREFIXES)
        count = len(triples)
    if data is None:
        raise InputError(f"pyoxigraph wrote no {fmt.label}")
    return data, count


def write_dumps(nquads: Path, build_dir: Path, *, name: str = "tarihkg") -> list[Dump]:
    """Write ``{build_dir}/dumps/{name}.{ext}.gz`` for every dump format, ``SHA256SUMS`` and
    ``dumps.json`` (format, size, checksum, licence of each); returns what was written."""
    try:
        quads = list(pyoxigraph.parse(path=str(nquads), format=RdfFormat.N_QUADS))
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot read the N-Quads to dump: {exc}", path=nquads) from None
    layout = BuildLayout(build_dir)
    target = layout.dumps
    dumps: list[Dump] = []
    for fmt_name, keep_graphs in DUMP_FORMATS:
        fmt = by_name(fmt_name)
        if fmt is None:
            raise InputError(f"no format named {fmt_name!r} in tarihkg.formats")
        raw, count = _serialize(quads, fmt, keep_graphs=keep_graphs)
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        file = f"{name}.{fmt.extension}.gz"
        write_atomic(target / file, packed)
        dumps.append(Dump(file=file, format=fmt.label, media_type=fmt.media_type,
                          encoding="gzip", bytes=len(packed),
                          sha256=hashlib.sha256(packed).hexdigest(), statements=count,
                          named_graphs=keep_graphs, licence=DATASET.licence.iri))
        log.info("dump %s: %d statements, %d bytes", file, count, len(packed))
    write_atomic(layout.checksums, "".join(f"{d.sha256}  {d.file}\n" for d in dumps))
    meta = {"licence": DATASET.licence.iri, "licence_name": DATASET.licence.name,
            "dumps": [asdict(d) for d in dumps]}
    write_atomic(layout.dumps_metadata, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return dumps

