"""The names the project is known by, written once: the base IRI and the namespaces under it,
the prefix table, and the dataset's own description (title, period, licence) read from
``data/dataset.yaml``.

The ontology's terms live in the generated module `tarihkg.namespaces` (``TKG``); IRIs of
resources and graphs are minted by `tarihkg.iri.Minter`; both build on `BASE` here.

>>> ONTOLOGY_NS, RESOURCE_NS, GRAPH_NS
('https://w3id.org/tarihkg/ontology#', 'https://w3id.org/tarihkg/resource/', 'https://w3id.org/tarihkg/graph/')
>>> DATASET.licence.name, DATASET.period
('CC BY 4.0', (1917, 1921))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Namespace

from tarihkg.errors import InputError

#: Every IRI the project mints starts here (docs/model.md); the server answers for it locally.
BASE = "https://w3id.org/tarihkg/"
ONTOLOGY_NS = BASE + "ontology#"
RESOURCE_NS = BASE + "resource/"
GRAPH_NS = BASE + "graph/"

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: The prefixes of dumps, pages, SPARQL answers and example queries (one table for all of them).
PREFIXES: dict[str, str] = {
    "tkg": ONTOLOGY_NS,
    "tkr": RESOURCE_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "crm": str(CRM),
    "schema": str(SCHEMA),
    "time": "http://www.w3.org/2006/time#",
    "wd": str(WD),
    "void": "http://rdfs.org/ns/void#",
}
#: The same table as SPARQL ``PREFIX`` declarations, put before every query the code runs.
SPARQL_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

DATASET_FILE = Path(__file__).resolve().parents[2] / "data" / "dataset.yaml"


@dataclass(frozen=True)
class Licence:
    """A licence: its IRI and the short name shown beside it."""

    iri: str
    name: str


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset says about itself (``data/dataset.yaml``)."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    period: tuple[int, int]
    author: str
    licence: Licence
    software_licence: str
    root_resource: str
    example_resources: tuple[str, ...]

    @property
    def period_text(self) -> str:
        """The period as readers see it, first and last year joined by an en dash.

        >>> DATASET.period_text
        '1917–1921'
        """
        return f"{self.period[0]}–{self.period[1]}"


def load_dataset_info(path: Path) -> DatasetInfo:
    """The dataset description in ``path``; `InputError` naming the file for a missing field."""
    try:
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the dataset description: {exc}", path=path) from None
    try:
        start, end = doc["period"]
        return DatasetInfo(
            name=str(doc["name"]),
            title={str(k): str(v) for k, v in doc["title"].items()},
            description={str(k): str(v) for k, v in doc["description"].items()},
            period=(int(start), int(end)),
            author=str(doc["author"]),
            licence=Licence(iri=str(doc["licence"]["iri"]), name=str(doc["licence"]["name"])),
            software_licence=str(doc["software_licence"]),
            root_resource=str(doc["root_resource"]),
            example_resources=tuple(str(r) for r in doc["example_resources"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"the dataset description lacks or mistypes {exc}", path=path) from None


#: The dataset's own description; ``DATASET.licence`` is stated in every dump, export and page.
DATASET = load_dataset_info(DATASET_FILE)
