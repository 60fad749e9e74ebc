"""IRIs -> safe SPARQL fragments, local paths, links and compact names; the folder of the
``.rq`` files each server module runs (`queries`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tarihkg.errors import InputError
from tarihkg.names import BASE, GRAPH_NS, ONTOLOGY_NS, PREFIXES
from tarihkg.queryfiles import QueryFiles
from tarihkg.store import is_valid_iri

TKG = ONTOLOGY_NS
#: The named graph of unreviewed proposals, shown only by the review view (CONTRACTS 1).
CANDIDATES_GRAPH = GRAPH_NS + "candidates"

#: The example queries (``*.rq``) and, one folder per server module, the queries it runs.
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def queries(module: str) -> QueryFiles:
    """The ``.rq`` files of ``server/queries/{module}/``."""
    return QueryFiles(QUERIES_DIR / module)


def iri_ref(iri: str) -> str:
    """``<iri>`` for a SPARQL text; raises `InputError` for a string that cannot be an IRI.

    >>> iri_ref("https://w3id.org/tarihkg/resource/place/baku")
    '<https://w3id.org/tarihkg/resource/place/baku>'
    >>> iri_ref("http://x/> } DROP")
    Traceback (most recent call last):
    ...
    tarihkg.errors.InputError: not an IRI: 'http://x/> } DROP'
    >>> iri_ref("http://x/\\x00")
    Traceback (most recent call last):
    ...
    tarihkg.errors.InputError: not an IRI: 'http://x/\\x00'
    """
    if re.search(r'[\s<>"{}|\\^`]', iri) or ":" not in iri or not is_valid_iri(iri):
        raise InputError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def values(var: str, iris: Iterable[str]) -> str:
    """A ``VALUES ?var { <a> <b> }`` block."""
    return f"VALUES ?{var} {{ {' '.join(iri_ref(i) for i in iris)} }}"


def local_path(iri: str) -> str | None:
    """The path this server answers ``iri`` under, if it is one of the dataset's IRIs.

    >>> local_path("https://w3id.org/tarihkg/resource/person/nuri-pasa")
    '/resource/person/nuri-pasa'
    >>> local_path("https://w3id.org/tarihkg/ontology#Person")
    '/ontology#Person'
    >>> local_path("http://www.wikidata.org/entity/Q5") is None
    True
    """
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE):]
    return None


def safe_href(iri: str) -> str | None:
    """A link target for ``iri`` that cannot run script: the local path for the dataset's own
    IRIs, the IRI itself for http(s), nothing for anything else (``javascript:``, ``data:``).

    >>> safe_href("javascript:alert(1)") is None, safe_href("https://www.wikidata.org/wiki/Q5")
    (True, 'https://www.wikidata.org/wiki/Q5')
    """
    local = local_path(iri)
    if local is not None:
        return local
    if re.match(r"https?://[^\s\"'<>]+$", iri):
        return iri
    return None


def compact(iri: str) -> str:
    """``prefix:local`` for IRIs under a known namespace, else the IRI.

    >>> compact("https://w3id.org/tarihkg/ontology#commander"), compact("urn:x")
    ('tkg:commander', 'urn:x')
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def sentence_anchor(sentence_iri: str) -> str | None:
    """The source-page anchor of a sentence IRI (``.../sentence/{sid}/{s}-{e}``).

    >>> sentence_anchor("https://w3id.org/tarihkg/resource/sentence/000_x/12-40")
    '/resource/source/000_x#s-12-40'
    """
    m = re.match(re.escape(BASE) + r"resource/sentence/([^/]+)/(\d+)-(\d+)$", sentence_iri)
    if m is None:
        return None
    return f"/resource/source/{m.group(1)}#s-{m.group(2)}-{m.group(3)}"
