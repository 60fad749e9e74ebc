"""Example query files, the store and the request -> what every HTML page shares: examples, the
dataset summary, the language (tr/en, remembered in a cookie), localised strings and dates,
safe links for IRIs, the Content-Security-Policy, and the registration of the page blueprints.

An example query file starts with comment lines ``# title: ...``, ``# description: ...`` and
optionally ``# format: csv`` (the ``format=`` its link asks for; ``json`` by default).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, request

from tarihkg.errors import InputError
from tarihkg.formats import RESULTS_FORMATS, by_name
from tarihkg.namespaces import BASE, DATA_LICENCE, PREFIXES
from tarihkg.store import Store

log = logging.getLogger(__name__)

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
LANGS = ("tr", "en")
LANG_COOKIE = "lang"
TKG = BASE + "ontology#"

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

CLASS_COUNTS = f"""PREFIX tkg: <{TKG}>
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {{
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(tkg:)))
}}
GROUP BY ?class
ORDER BY DESC(?n) ?class"""

#: Content-Security-Policy of every HTML page: no inline script, nothing from another origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
#: The query editor only: YASGUI and CodeMirror write ``style="..."`` attributes into the
#: markup they build, which CSP counts as inline style. Scripts stay 'self' only.
CSP_QUERY_UI = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

MONTHS = {
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
           "Ekim", "Kasım", "Aralık"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

#: Interface strings: key -> (Turkish, English).
STRINGS: dict[str, tuple[str, str]] = {
    "tagline": ("Kafkas Cephesi 1917–1921: Türkçe bilimsel makalelerden bir bilgi grafı.",
                "A knowledge graph of the Caucasus front, 1917–1921, from Turkish-language "
                "scholarship."),
    "nav.dataset": ("Veri seti", "Dataset"),
    "nav.timeline": ("Zaman çizelgesi", "Timeline"),
    "nav.map": ("Harita", "Map"),
    "nav.query": ("Sorgu", "Query"),
    "nav.ontology": ("Ontoloji", "Ontology"),
    "nav.downloads": ("İndir", "Downloads"),
    "search": ("Ara", "Search"),
    "search.placeholder": ("Kişi, birlik, yer, olay…", "Person, unit, place, event…"),
    "search.results": ("Arama sonuçları", "Search results"),
    "search.none": ("Sonuç yok.", "No results."),
    "search.all_types": ("Tüm türler", "All types"),
    "type": ("Tür", "Type"),
    "label": ("Ad", "Label"),
    "aliases": ("Metinlerdeki yazılışlar", "Spellings in the texts"),
    "description": ("Açıklama", "Description"),
    "wikidata": ("Wikidata", "Wikidata"),
    "facts": ("Olgular", "Facts"),
    "facts.none": ("Bu kaynak için kayıtlı olgu yok.", "No facts recorded."),
    "date": ("Tarih", "Date"),
    "as_printed": ("metindeki yazılış", "as printed"),
    "evidence": ("Kanıt", "Evidence"),
    "article": ("Makale", "Article"),
    "cites": ("Dayandığı kaynak", "Cited work"),
    "note": ("Not", "Note"),
    "conflicts": ("Çelişen ifadeler", "Conflicting statements"),
    "conflict.mark": ("çelişki", "conflict"),
    "other_statements": ("Diğer ifadeler", "Other statements"),
    "graph": ("Graf", "Graph"),
    "incoming": ("Buraya bağlananlar", "Linked from"),
    "mentions": ("Metinlerde geçtiği yerler", "Mentions in the texts"),
    "in_context": ("bağlamında", "in context"),
    "text": ("Metin", "Text"),
    "property": ("Özellik", "Property"),
    "value": ("Değer", "Value"),
    "download_as": ("Bu kaynağı indir", "This resource as"),
    "not_found": ("Bulunamadı", "Not found"),
    "not_found.text": ("Veri setinde bu IRI ile bir kaynak yok.",
                       "The dataset has no resource with this IRI."),
    "did_you_mean": ("Bunu mu aradınız?", "Did you mean"),
    "all": ("Tümü", "All"),
    "filter": ("Süz", "Filter"),
    "place": ("Yer", "Place"),
    "events": ("Olaylar", "Events"),
    "units_positioned": ("Burada bulunan birlikler", "Units positioned here"),
    "movements": ("Hareketler", "Movements"),
    "coordinates": ("Koordinatlar", "Coordinates"),
    "coordinates.source": ("Koordinat kaynağı", "Where the coordinates come from"),
    "map.note": ("Harita çevrimdışı çizilir: yalnızca bir gazetede (gazetteer) doğrulanmış "
                 "koordinatları olan yerler gösterilir.",
                 "Drawn offline: only places whose coordinates were confirmed in a gazetteer "
                 "are shown."),
    "map.inset": ("Bakü ve Abşeron", "Baku and the Absheron peninsula"),
    "timeline.note": ("1917–1921 arası tarihlenmiş olaylar; her olay sayfasına bağlanır.",
                      "Dated events of 1917–1921; each links to its page."),
    "query.title": ("SPARQL sorgusu", "SPARQL query"),
    "query.examples": ("Örnek sorgular", "Example queries"),
    "query.run": ("Çalıştır", "Run"),
    "query.share": ("Paylaşılabilir bağlantı", "Shareable link"),
    "query.noscript": ("Düzenleyici JavaScript gerektirir; aşağıdaki form onsuz çalışır.",
                       "The editor needs JavaScript; the form below works without it."),
    "query.views": ("Sonuçlar zaman çizelgesi ve harita olarak", "Results as timeline and map"),
    "landing.what": ("Bu nedir", "What this is"),
    "landing.size": ("Boyut", "How big"),
    "landing.licence": ("Lisans", "Licence"),
    "landing.cite": ("Atıf", "How to cite"),
    "landing.classes": ("Sınıflara göre kaynaklar", "Resources per class"),
    "landing.graphs": ("Adlandırılmış graflar", "Named graphs"),
    "triples": ("Üçlüler", "Triples"),
    "resources": ("kaynak", "resources"),
    "downloads.title": ("Veri dökümleri", "Data dumps"),
    "downloads.none": ("Bu derlemede döküm yok (tarihkg build ile yazılır).",
                       "This build has no dumps (tarihkg build writes them)."),
    "file": ("Dosya", "File"),
    "size": ("Boyut", "Size"),
    "statements": ("İfade", "Statements"),
    "shacl.title": ("Son SHACL raporu", "Latest SHACL report"),
    "shacl.conforms": ("Veri, şekillere (shapes) uyuyor.", "The data conforms to the shapes."),
    "ontology.classes": ("Sınıflar", "Classes"),
    "ontology.properties": ("Özellikler", "Properties"),
    "ontology.individuals": ("Bireyler", "Individuals"),
    "ontology.alignments": ("Eşleştirmeler", "Alignments"),
    "ontology.definition": ("Tanım", "Definition"),
    "ontology.domain": ("Tanım kümesi", "Domain"),
    "ontology.range": ("Değer kümesi", "Range"),
    "source.text": ("Metin, işaretlenmiş", "The text, marked up"),
    "source.legend": ("İşaretler: kişi/yer/birlik adları, tarihler, atıflar.",
                      "Marked: names of entities, dates, citations."),
    "footnote": ("Dipnot", "Footnote"),
    "graph.size": ("Bu graftaki üçlüler", "Triples in this graph"),
    "graph.download": ("Grafı indir", "Download the graph"),
    "lang.switch": ("English", "Türkçe"),
}


@dataclass(frozen=True)
class Example:
    """One shipped example query."""

    name: str
    title: str
    description: str
    format: str
    text: str


@dataclass(frozen=True)
class Summary:
    """How big the dataset is."""

    triples: int
    graphs: list[str]
    classes: list[tuple[str, int]]


def parse_example(name: str, text: str) -> Example:
    """An `Example` from the text of a ``.rq`` file; raises `InputError` without a title.

    >>> ex = parse_example("x", "# title: All\\n# description: Every triple\\nSELECT * {?s ?p ?o}")
    >>> ex.title, ex.description, ex.format
    ('All', 'Every triple', 'json')
    """
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep:
            header[key.strip().lower()] = value.strip()
    if "title" not in header or "description" not in header:
        raise InputError("an example query needs '# title:' and '# description:' lines", path=name)
    fmt = header.get("format", "json")
    if by_name(fmt) not in RESULTS_FORMATS:
        raise InputError(f"an example query's format must be a results format, not {fmt!r}",
                         path=name)
    return Example(name, header["title"], header["description"], fmt, text.strip() + "\n")


def load_examples(directory: Path = QUERIES_DIR) -> list[Example]:
    """The example queries of ``directory``, in file-name order."""
    return [
        parse_example(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.rq"))
    ]


def summarize(store: Store) -> Summary:
    """Triples, named graphs and entities per ``tkg:`` class, counted by SPARQL."""
    rows = store.query(CLASS_COUNTS).rows()
    classes = [(row["class"].removeprefix(TKG), int(row["n"])) for row in rows]
    return Summary(triples=store.triple_count(), graphs=store.graphs(), classes=classes)


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
    """
    if re.search(r'[\s<>"{}|\\^`]', iri) or ":" not in iri:
        raise InputError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def values(var: str, iris: Iterable[str]) -> str:
    """A ``VALUES ?var { <a> <b> }`` block."""
    return f"VALUES ?{var} {{ {' '.join(iri_ref(i) for i in iris)} }}"


def current_lang() -> str:
    """The page language: ``?lang=``, else the cookie, else the browser's preference, else tr."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie
    return request.accept_languages.best_match(LANGS, default="tr") or "tr"


def t(key: str, lang: str | None = None) -> str:
    """The interface string ``key`` in ``lang`` (the page language by default)."""
    tr, en = STRINGS[key]
    return tr if (lang or current_lang()) == "tr" else en


def format_edtf(edtf: str, lang: str) -> str:
    """A normalised EDTF date written out in ``lang``; what it cannot read comes back as is.

    >>> format_edtf("1918-09-15", "tr"), format_edtf("1918-09", "en"), format_edtf("1918", "en")
    ('15 Eylül 1918', 'September 1918', '1918')
    >>> format_edtf("1918-09-13/1918-09-14", "en")
    '13 September 1918 – 14 September 1918'
    >>> format_edtf("1918-13-40", "en")
    '1918-13-40'
    """
    if "/" in edtf:
        return " – ".join(format_edtf(part, lang) for part in edtf.split("/", 1))
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if m is None:
        return edtf
    year, month, day = m.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return edtf
    name = MONTHS[lang][int(month) - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


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


def lang_url(lang: str) -> str:
    """The current page in another language (the switch sets the cookie)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


def compact(iri: str) -> str:
    """``prefix:local`` for IRIs under a known namespace, else the IRI.

    >>> compact("https://w3id.org/tarihkg/ontology#commander"), compact("urn:x")
    ('tkg:commander', 'urn:x')
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _set_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        policy = CSP_QUERY_UI if request.endpoint in ("views.query", "sparql") else CSP
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.vary.update(("Cookie", "Accept-Language"))
    asked = request.args.get("lang")
    if asked in LANGS:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def _template_globals() -> dict[str, Any]:
    lang = current_lang()
    return {
        "lang": lang,
        "other_lang": "en" if lang == "tr" else "tr",
        "t": t,
        "lang_url": lang_url,
        "safe_href": safe_href,
        "compact": compact,
        "format_edtf": format_edtf,
        "data_licence": DATA_LICENCE,
    }


def register_pages(app: Flask) -> None:
    """Add the HTML side to ``app``: linked-data pages, search, views, downloads, and the
    shared template globals and response headers."""
    from server.dumps import bp as dumps_bp
    from server.linked_data import bp as ld_bp
    from server.search import bp as search_bp
    from server.views import bp as views_bp

    app.config.setdefault("NODE_MODULES", str(Path(__file__).resolve().parent.parent
                                              / "node_modules"))
    for bp in (ld_bp, search_bp, views_bp, dumps_bp):
        app.register_blueprint(bp)
    app.context_processor(_template_globals)
    app.after_request(_set_headers)
