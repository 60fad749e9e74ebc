"""A built dataset (a read-only `Store`) -> exports for reuse: QuickStatements V1, CSL-JSON, BibTeX,
and a "cite this" IRI and text for each fact.

Only `tarihkg.store` and `tarihkg.errors` are used, so the server can offer the same downloads.
QuickStatements lines are written only for subjects with a CONFIRMED Wikidata link
(``owl:sameAs wd:Q…``, see data/curation/wikidata.yaml), only for curated (reviewed) claims —
never a rule's candidate such as 'dated-event' — and only for the properties in
`QS_PROPERTIES`, whose Wikidata PIDs were seen in public material (docs/reuse.md lists where).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tarihkg.errors import InputError
from tarihkg.namespaces import DATA_LICENCE
from tarihkg.store import Store

log = logging.getLogger(__name__)

EXPORT_FORMATS = ("quickstatements", "csl-json", "bibtex")
DATASET_TITLE = "tarihkg: a linked-open-data knowledge graph of the Caucasus front, 1917-1921"
DATASET_LICENCE = DATA_LICENCE
DATASET_AUTHOR = "tarihkg contributors"
SOFTWARE_LICENCE = "MIT"
WD_ENTITY = "http://www.wikidata.org/entity/"
_TKG = "https://w3id.org/tarihkg/ontology#"

#: tkg: property (local name) -> the Wikidata property its statements become. Only PIDs seen with
#: their labels in public material (docs/reuse.md): P585 point in time, P276 location,
#: P710 participant, P361 part of.
QS_PROPERTIES: dict[str, str] = {
    "date": "P585",
    "place": "P276",
    "signedAt": "P276",
    "participant": "P710",
    "partOf": "P361",
}
#: Reference parts (QuickStatements "S" columns): title of the article (P1476), reference URL
#: (P854: the claim's IRI), page (P304), quotation (P1683), retrieved (P813). The articles have no
#: Wikidata item yet, so "stated in" (P248) cannot be given: title + URL stand for it.
QS_REFERENCE = {"title": "S1476", "url": "S854", "page": "S304", "quote": "S1683",
                "retrieved": "S813"}
_PRECISION = {"dayPrecision": 11, "monthPrecision": 10, "yearPrecision": 9}
_MAX_MONOLINGUAL = 1500
_PREFIXES = f"""PREFIX tkg: <{_TKG}>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@dataclass(frozen=True)
class QSStatement:
    """One QuickStatements V1 line: a Wikidata statement and the reference our graph gives it."""

    subject: str
    property: str
    value: str
    claim: str
    title: str
    title_lang: str
    quote: str
    quote_lang: str
    page: str | None
    retrieved: date

    def line(self) -> str:
        """The tab-separated V1 command: item, property, value, then the S-columns."""
        parts = [self.subject, self.property, self.value,
                 QS_REFERENCE["title"], _monolingual(self.title_lang, self.title),
                 QS_REFERENCE["url"], _qs_string(self.claim)]
        if self.page:
            parts += [QS_REFERENCE["page"], _qs_string(self.page)]
        parts += [QS_REFERENCE["quote"], _monolingual(self.quote_lang, self.quote),
                  QS_REFERENCE["retrieved"], qs_time(self.retrieved.isoformat(), 11)]
        return "\t".join(parts)


@dataclass(frozen=True)
class FactCitation:
    """How to cite one fact: its IRI and a citation text naming the article, page and words."""

    iri: str
    text: str
    source: str
    quote: str
    page: str | None


def _clean(text: str) -> str:
    return " ".join(text.replace('"', "\u201d").split())


def _qs_string(text: str) -> str:
    return f'"{_clean(text)[:_MAX_MONOLINGUAL]}"'


def _monolingual(lang: str, text: str) -> str:
    return f"{lang}:{_qs_string(text)}"


def qs_time(edtf: str, precision: int) -> str:
    """A QuickStatements time value for an EDTF day, month or year.

    >>> qs_time("1918-09-15", 11)
    '+1918-09-15T00:00:00Z/11'
    >>> qs_time("1918-09", 10)
    '+1918-09-00T00:00:00Z/10'
    >>> qs_time("1918", 9)
    '+1918-00-00T00:00:00Z/9'
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if match is None:
        raise InputError(f"not an EDTF day, month or year: {edtf!r}")
    year, month, day = match.group(1), match.group(2) or "00", match.group(3) or "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def _qid(iri: str | None) -> str | None:
    if iri and iri.startswith(WD_ENTITY) and re.fullmatch(r"Q[1-9][0-9]*", iri[len(WD_ENTITY):]):
        return iri[len(WD_ENTITY):]
    return None


def _rows(store: Store, sparql: str) -> list[dict[str, str]]:
    return store.query(_PREFIXES + sparql).rows()


_QS_QUERY = """
SELECT ?claim ?p ?s ?o ?qs ?qo ?edtf ?precision ?quote ?page ?doc ?lang ?title WHERE {
  VALUES ?p { %s }
  ?claim a tkg:Claim ; tkg:claimSubject ?s ; tkg:claimPredicate ?p ; tkg:claimObject ?o ;
         tkg:quote ?quote ; tkg:statedIn ?sentence ; prov:wasDerivedFrom ?doc ;
         tkg:reviewStatus tkg:reviewed .
  ?s owl:sameAs ?qs .
  ?doc dcterms:language ?lang .
  OPTIONAL { ?doc dcterms:title ?title FILTER (LANG(?title) = ?lang) }
  OPTIONAL { ?sentence tkg:page ?page }
  OPTIONAL { ?o owl:sameAs ?qo }
  OPTIONAL { ?o tkg:edtf ?edtf ; tkg:precision ?precision }
}"""


def quickstatements(store: Store, *, retrieved: date) -> list[QSStatement]:
    """Every statement the graph holds about a Wikidata-linked subject that maps to a Wikidata
    property, with its reference; sorted, one per (subject, property, value, claim)."""
    values = " ".join(f"tkg:{name}" for name in QS_PROPERTIES)
    titles = {row["doc"]: row.get("label", row["doc"]) for row in _rows(
        store, "SELECT ?doc ?label WHERE { ?doc a tkg:SourceDocument ; rdfs:label ?label }")}
    out: dict[tuple[str, str, str, str], QSStatement] = {}
    for row in _rows(store, _QS_QUERY % values):
        subject = _qid(row.get("qs"))
        prop = QS_PROPERTIES[row["p"].removeprefix(_TKG)]
        if subject is None:
            continue
        if prop == "P585":
            precision = _PRECISION.get(row.get("precision", "").removeprefix(_TKG))
            if precision is None or "edtf" not in row:
                continue  # a range or a season has no single point in time
            value = qs_time(row["edtf"], precision)
        else:
            value = _qid(row.get("qo")) or ""
            if not value:
                continue  # the object has no confirmed Wikidata item
        stmt = QSStatement(
            subject=subject, property=prop, value=value, claim=row["claim"],
            title=row.get("title") or titles.get(row["doc"], row["doc"]), title_lang=row["lang"],
            quote=row["quote"], quote_lang=row["lang"], page=row.get("page"), retrieved=retrieved,
        )
        out[(subject, prop, value, row["claim"])] = stmt
    return [out[key] for key in sorted(out)]


def format_quickstatements(statements: Iterable[QSStatement]) -> str:
    """QuickStatements V1 text: one command per line (no comment lines: QuickStatements would
    take them for commands; the licence travels with the download, see `licence_notice`)."""
    lines = [stmt.line() for stmt in statements]
    return "\n".join(lines) + ("\n" if lines else "")


def licence_notice() -> str:
    """One line naming the dataset and its licence, for the places a format has no field for it."""
    return f"{DATASET_TITLE}. Data licence: CC BY 4.0 ({DATASET_LICENCE})."


# --- bibliographic exports -------------------------------------------------------------------

_SOURCES_QUERY = """
SELECT ?doc ?title ?title_en ?lang ?journal ?year ?licence ?file WHERE {
  ?doc a tkg:SourceDocument ; dcterms:language ?lang ; tkg:licenceNote ?licence ;
       tkg:fileName ?file .
  OPTIONAL { ?doc dcterms:title ?title FILTER (LANG(?title) = ?lang) }
  OPTIONAL { ?doc dcterms:title ?title_en FILTER (LANG(?title_en) = "en") }
  OPTIONAL { ?doc dcterms:isPartOf ?journal }
  OPTIONAL { ?doc tkg:year ?year }
} ORDER BY ?doc"""

_WORKS_QUERY = """
SELECT ?work ?authors ?year ?label (GROUP_CONCAT(DISTINCT STR(?doc); separator=" ") AS ?docs)
WHERE {
  ?work a tkg:CitedWork ; tkg:authorString ?authors ; tkg:year ?year ; rdfs:label ?label .
  OPTIONAL { ?c tkg:citesWork ?work ; tkg:inSource ?doc }
} GROUP BY ?work ?authors ?year ?label ORDER BY ?work"""


def _person(name: str) -> dict[str, str]:
    """A CSL name: the last word is the family name ("T. Halilov" -> Halilov, T.)."""
    words = name.split()
    if len(words) < 2:
        return {"family": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def csl_items(store: Store, *, base: str) -> list[dict[str, object]]:
    """CSL-JSON items: the dataset, the source articles and every work they cite."""
    items: list[dict[str, object]] = [{
        "id": "tarihkg", "type": "dataset", "title": DATASET_TITLE,
        "author": [{"literal": DATASET_AUTHOR}], "URL": base, "license": DATASET_LICENCE,
        "note": "Cite the facts you use by their claim IRIs (resource/claim/...).",
    }]
    for row in _rows(store, _SOURCES_QUERY):
        creators = [r["name"] for r in _rows(
            store, f"SELECT ?name WHERE {{ <{row['doc']}> dcterms:creator ?name }} ORDER BY ?name")]
        item: dict[str, object] = {
            "id": _slug(row["doc"]), "type": "article-journal", "URL": row["doc"],
            "title": row.get("title") or row.get("title_en") or _slug(row["doc"]),
            "author": [_person(n) for n in creators], "language": row["lang"],
            "license": row["licence"],
        }
        if row.get("title_en") and row.get("title"):
            item["title-short"] = row["title_en"]
        if row.get("journal"):
            item["container-title"] = row["journal"]
        if row.get("year"):
            item["issued"] = {"date-parts": [[int(row["year"])]]}
        items.append(item)
    for row in _rows(store, _WORKS_QUERY):
        cited_in = sorted(_slug(d) for d in row.get("docs", "").split())
        items.append({
            "id": _slug(row["work"]), "type": "document", "URL": row["work"],
            "author": [{"literal": row["authors"]}],
            "issued": {"date-parts": [[int(row["year"])]]},
            "title": f"[work cited as \u201c{row['label']}\u201d]",
            "note": "Cited in " + ", ".join(cited_in) + "; its full reference is not in the "
                    "graph (the extracts hold in-text citations only).",
        })
    return items


def format_csl_json(items: list[dict[str, object]]) -> str:
    """CSL-JSON: a JSON array of items (each source article carries its own licence note)."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _bib(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", " ".join(str(text).split()))


def _bib_name(author: dict[str, str]) -> str:
    """A BibTeX name: "Family, Given", or a literal (a corporate or joint name) in braces."""
    if "literal" in author:
        return "{" + _bib(author["literal"]) + "}"
    return _bib(", ".join(filter(None, (author.get("family"), author.get("given")))))


def format_bibtex(items: list[dict[str, object]]) -> str:
    """BibTeX for the same items as `csl_items`, with the licence in a leading @comment."""
    entries = [f"@comment{{{_bib(licence_notice())}}}"]
    for item in items:
        kind = {"article-journal": "article", "dataset": "misc", "document": "misc"}[
            str(item["type"])]
        fields: list[tuple[str, str]] = [("title", str(item["title"]))]
        authors = item.get("author")
        if isinstance(authors, list) and authors:
            fields.append(("author", " and ".join(_bib_name(a) for a in authors)))
        if "container-title" in item:
            fields.append(("journal", str(item["container-title"])))
        issued = item.get("issued")
        if isinstance(issued, dict):
            fields.append(("year", str(issued["date-parts"][0][0])))
        for key, name in (("URL", "url"), ("language", "language"), ("license", "note"),
                          ("note", "annote")):
            if key in item:
                fields.append((name, str(item[key])))
        body = ",\n".join(
            f"  {name} = {{{value if name in ('url', 'author') else _bib(value)}}}"
            for name, value in fields)
        entries.append(f"@{kind}{{{item['id']},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def cite_fact(store: Store, claim_iri: str, *, retrieved: date) -> FactCitation:
    """The IRI and a citation text for one claim; `InputError` if the graph has no such claim."""
    rows = _rows(store, f"""
SELECT ?quote ?page ?doc ?label WHERE {{
  <{claim_iri}> a tkg:Claim ; tkg:quote ?quote ; tkg:statedIn ?sentence ; prov:wasDerivedFrom ?doc .
  ?doc rdfs:label ?label .
  OPTIONAL {{ ?sentence tkg:page ?page }}
}} LIMIT 1""")
    if not rows:
        raise InputError("no such claim in the dataset", iri=claim_iri)
    row = rows[0]
    creators = [r["name"] for r in _rows(
        store, f"SELECT ?name WHERE {{ <{row['doc']}> dcterms:creator ?name }} ORDER BY ?name")]
    who = " & ".join(creators) or "[author not recorded]"
    page = f", p. {row['page']}" if row.get("page") else ""
    text = (f"{who}, \u201c{row['label']}\u201d{page}: \u201c{row['quote']}\u201d. "
            f"Fact {claim_iri} in {DATASET_TITLE} (CC BY 4.0), retrieved {retrieved.isoformat()}.")
    return FactCitation(iri=claim_iri, text=text, source=row["doc"], quote=row["quote"],
                        page=row.get("page"))


def export_text(store: Store, fmt: str, *, base: str, retrieved: date) -> str:
    """The text of one export format (see `EXPORT_FORMATS`)."""
    if fmt == "quickstatements":
        return format_quickstatements(quickstatements(store, retrieved=retrieved))
    if fmt == "csl-json":
        return format_csl_json(csl_items(store, base=base))
    if fmt == "bibtex":
        return format_bibtex(csl_items(store, base=base))
    raise InputError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
