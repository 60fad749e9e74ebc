"""IRIs and SPARQL text -> safe query fragments, local paths, links and compact names; the
prefixes every server query declares (`SPARQL_PREFIXES`) and `select` that runs with them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tarihkg.errors import InputError
from tarihkg.names import BASE, ONTOLOGY_NS, PREFIXES
from tarihkg.store import Store, is_valid_iri

TKG = ONTOLOGY_NS

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def select(store: Store, body: str) -> list[dict[str, str]]:
    """Rows of a SELECT run with the usual prefixes (`SPARQL_PREFIXES`) declared."""
    return store.query(SPARQL_PREFIXES + body).rows()


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
