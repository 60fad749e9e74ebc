"""A built dataset (a read-only `Store`) -> exports for reuse: QuickStatements V1, and (through
`tarihkg.citation`) CSL-JSON, BibTeX and RIS of the dataset, the articles and the works they cite.

Only `tarihkg.store`, `tarihkg.errors` and `tarihkg.citation` are used, so the server can offer
the same downloads.
QuickStatements lines are written only for subjects with a CONFIRMED Wikidata link
(``owl:sameAs wd:Q…``, see data/curation/wikidata.yaml), only for curated (reviewed) claims —
never a rule's candidate such as 'dated-event' — and only for the properties in
`QS_PROPERTIES`, whose Wikidata PIDs were seen in public material (docs/reuse.md lists where).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tarihkg.citation import (
    Release,
    csl_items,
    format_bibtex,
    format_csl_json,
    format_ris,
)
from tarihkg.errors import InputError
from tarihkg.names import ONTOLOGY_NS
from tarihkg.queryfiles import QueryFiles
from tarihkg.store import Store

log = logging.getLogger(__name__)

QUERIES = QueryFiles(Path(__file__).resolve().parent / "queries" / "export")

EXPORT_FORMATS = ("quickstatements", "csl-json", "bibtex", "ris")
WD_ENTITY = "http://www.wikidata.org/entity/"

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
#: Reference parts (QuickStatements "S" columns): stated in (P248: the article's own Wikidata
#: item, where the graph links it with owl:sameAs), title of the article (P1476), reference URL
#: (P854: the claim's IRI), page (P304), quotation (P1683), retrieved (P813). The two articles
#: have no Wikidata item yet, so their lines carry title + URL in place of "stated in".
QS_REFERENCE = {"stated_in": "S248", "title": "S1476", "url": "S854", "page": "S304",
                "quote": "S1683", "retrieved": "S813"}
_PRECISION = {"dayPrecision": 11, "monthPrecision": 10, "yearPrecision": 9}
_MAX_MONOLINGUAL = 1500


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
    stated_in: str | None = None

    def line(self) -> str:
        """The tab-separated V1 command: item, property, value, then the S-columns."""
        parts = [self.subject, self.property, self.value]
        if self.stated_in:
            parts += [QS_REFERENCE["stated_in"], self.stated_in]
        parts += [QS_REFERENCE["title"], _monolingual(self.title_lang, self.title),
                 QS_REFERENCE["url"], _qs_string(self.claim)]
        if self.page:
            parts += [QS_REFERENCE["page"], _qs_string(self.page)]
        parts += [QS_REFERENCE["quote"], _monolingual(self.quote_lang, self.quote),
                  QS_REFERENCE["retrieved"], qs_time(self.retrieved.isoformat(), 11)]
        return "\t".join(parts)


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


def quickstatements(store: Store, *, retrieved: date) -> list[QSStatement]:
    """Every statement the graph holds about a Wikidata-linked subject that maps to a Wikidata
    property, with its reference; sorted, one per (subject, property, value, claim)."""
    properties = " ".join(f"tkg:{name}" for name in QS_PROPERTIES)
    titles = {row["doc"]: row.get("label", row["doc"])
              for row in QUERIES.rows(store, "source-labels")}
    out: dict[tuple[str, str, str, str], QSStatement] = {}
    for row in QUERIES.rows(store, "quickstatements-claims", {"properties": properties}):
        subject = _qid(row.get("qs"))
        prop = QS_PROPERTIES[row["p"].removeprefix(ONTOLOGY_NS)]
        if subject is None:
            continue
        if prop == "P585":
            precision = _PRECISION.get(row.get("precision", "").removeprefix(ONTOLOGY_NS))
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
            stated_in=_qid(row.get("docq")),
        )
        out[(subject, prop, value, row["claim"])] = stmt
    return [out[key] for key in sorted(out)]


def format_quickstatements(statements: Iterable[QSStatement]) -> str:
    """QuickStatements V1 text: one command per line (no comment lines: QuickStatements would
    take them for commands; the licence travels with the download, see
    `tarihkg.citation.licence_notice`)."""
    lines = [stmt.line() for stmt in statements]
    return "\n".join(lines) + ("\n" if lines else "")


def export_text(store: Store, fmt: str, *, base: str, retrieved: date, release: Release) -> str:
    """The text of one export format (see `EXPORT_FORMATS`)."""
    if fmt == "quickstatements":
        return format_quickstatements(quickstatements(store, retrieved=retrieved))
    formatter = {"csl-json": format_csl_json, "bibtex": format_bibtex, "ris": format_ris}.get(fmt)
    if formatter is not None:
        return formatter(csl_items(store, base=base, release=release))
    raise InputError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
