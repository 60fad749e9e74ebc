"""Names -> IRIs: the one place where resource, graph and text-span IRIs are minted (docs/model.md).

>>> m = Minter()
>>> str(m.resource("person", "nuri-pasa"))
'https://w3id.org/tarihkg/resource/person/nuri-pasa'
>>> str(m.span("sentence", "000_539a70a237dcfef4", 10, 42))
'https://w3id.org/tarihkg/resource/sentence/000_539a70a237dcfef4/10-42'
>>> str(m.graph("inferred"))
'https://w3id.org/tarihkg/graph/inferred'
"""

from __future__ import annotations

from rdflib import URIRef

from tarihkg.names import GRAPH_NS, RESOURCE_NS
from tarihkg.text.turkish import slugify


class Minter:
    """Mints every IRI of a resource or named graph under `tarihkg.names.BASE`."""

    def resource(self, kind: str, slug: str) -> URIRef:
        """`{base}resource/{kind}/{slug}`."""
        return URIRef(f"{RESOURCE_NS}{kind}/{slug}")

    def span(self, kind: str, source_id: str, start: int, end: int) -> URIRef:
        """A span of a source, named by its code-point offsets into the original file."""
        return URIRef(f"{RESOURCE_NS}{kind}/{source_id}/{start}-{end}")

    def footnote(self, source_id: str, number: int) -> URIRef:
        """Footnote ``number`` of a source."""
        return URIRef(f"{RESOURCE_NS}footnote/{source_id}/{number}")

    def work(self, key: str) -> URIRef:
        return self.resource("work", slugify(key))

    def record(self, key: str) -> URIRef:
        return self.resource("record", slugify(key))

    def graph(self, name: str) -> URIRef:
        """`{base}graph/{name}`: a source id, `ontology`, `inferred` or `curation`."""
        return URIRef(f"{GRAPH_NS}{name}")
