"""A dataset IRI (resource, ontology term or named graph) + the request -> its description: an
HTML page for browsers, Turtle / N-Triples / JSON-LD / RDF/XML by ``Accept`` or extension.

Every IRI ``https://w3id.org/tarihkg/{path}`` is answered at ``/{path}`` on whatever host runs
the server. Negotiation is direct (no 303): the same URL serves HTML or RDF, with
``Vary: Accept`` and ``Link: <...>; rel="alternate"`` headers naming one URL per format
(``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``); a negotiated RDF answer carries ``Content-Location``.
The RDF of a resource holds every triple about it in every graph (sources, curation, inferred),
every triple pointing at it, and the labels and types of the nodes on the other end.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from server.entity import (
    brief,
    chronology,
    group_by_sentence,
    mini_map,
    public_note,
    split_claims,
    subordinates,
)
from server.errors import not_acceptable, not_found
from server.iris import (
    CANDIDATES_GRAPH,
    TKG,
    compact,
    iri_ref,
    queries,
    safe_href,
    sentence_anchor,
    values,
)
from server.labels import CHUNK, Labeller, Link, is_iri
from server.lang import current_lang, format_edtf
from server.negotiation import NegotiationError, choose_format, prefers_html
from server.search import search_entities
from server.state import store
from tarihkg.formats import FORMATS, Format, Kind, by_extension, formats_of
from tarihkg.names import BASE, PREFIXES
from tarihkg.store import Store

log = logging.getLogger(__name__)

bp = Blueprint("ld", __name__)

GRAPH_FORMATS: tuple[Format, ...] = formats_of(Kind.RDF_GRAPH)
_EXT_RE = re.compile(r"^(?P<path>.+?)\.(?P<ext>ttl|nt|jsonld|rdf)$")
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
OWL_DEPRECATED = PREFIXES["owl"] + "deprecated"
REPLACED_BY = PREFIXES["dcterms"] + "isReplacedBy"
HIDDEN_ON_ENTITY = {
    RDF_TYPE, RDFS_LABEL, PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel",
    PREFIXES["dcterms"] + "description", TKG + "registryId", PREFIXES["owl"] + "sameAs",
    PREFIXES["skos"] + "exactMatch", PREFIXES["skos"] + "editorialNote",
    PREFIXES["skos"] + "hiddenLabel",
}
QUERIES = queries("linked_data")
WIKIDATA = "http://www.wikidata.org/entity/"


# ---------------------------------------------------------------- labels and links


@dataclass(frozen=True)
class Segment:
    """A piece of a printed sentence: plain, or marked as a mention/date/citation."""

    text: str
    kind: str = ""
    href: str | None = None


def _negotiate(ext: str | None) -> Format | None:
    """The RDF format to answer in, or None for HTML; raises 404/406 `HttpError`s."""
    if ext:
        fmt = by_extension(ext)
        if fmt is None or fmt not in GRAPH_FORMATS:
            raise not_found(f"no such format extension: .{ext}")
        return fmt
    token = request.args.get("format")
    if token in ("html", "text/html"):
        return None
    if token and not any(f.matches(token) for f in FORMATS):
        token = None  # a format= this server does not know is ignored: Accept decides
    if not token and prefers_html(request.accept_mimetypes):
        return None
    try:
        fmt, _ = choose_format(request.accept_mimetypes, GRAPH_FORMATS, token=token)
    except NegotiationError as exc:
        if token:
            raise not_found(exc.message) from None
        raise not_acceptable(exc.message + ", text/html") from None
    return fmt


def _alternates(path: str) -> list[tuple[str, Format]]:
    return [(f"{path}.{fmt.extension}", fmt) for fmt in GRAPH_FORMATS]


def _link_header(path: str) -> str:
    links = [f'<{path}>; rel="alternate"; type="text/html"']
    links += [f'<{url}>; rel="alternate"; type="{fmt.media_type}"'
              for url, fmt in _alternates(path)]
    return ", ".join(links)


def _rdf_response(body: bytes, fmt: Format, path: str, *, negotiated: bool) -> Response:
    response = Response(body, content_type=(f"{fmt.media_type}; charset=utf-8"
                                            if fmt.media_type.startswith("text/")
                                            else fmt.media_type))
    response.headers["Link"] = _link_header(path)
    response.vary.add("Accept")
    if negotiated:
        response.headers["Content-Location"] = f"{path}.{fmt.extension}"
    return conditional(response)


def _html_response(html: str, path: str, status: int = 200) -> Response:
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Link"] = _link_header(path)
    response.vary.add("Accept")
    return conditional(response) if status == 200 else response


_ONE_BYTE_RANGE = re.compile(r"bytes=(?:(\d+)-(\d*)|-\d+)")


@bp.before_app_request
def _ignore_ranges_not_served() -> None:
    """A ``Range`` header this server does not serve is ignored, so the whole representation
    is sent (200), never a 416 for a range that may well be satisfiable (RFC 9110 14.2): a
    method other than GET (a HEAD gets GET's 200 head), a unit other than bytes, a
    malformed range (``bytes=5-2``, ``bytes=abc``) and several ranges at once (no
    multipart/byteranges here). One well-formed byte range is served (206), or is a 416 when it
    starts past the end."""
    value = request.environ.get("HTTP_RANGE")
    if value is None:
        return
    one = _ONE_BYTE_RANGE.fullmatch(value.strip())
    if (request.method != "GET" or one is None
            or (one.group(2) and int(one.group(2)) < int(one.group(1)))):
        del request.environ["HTTP_RANGE"]


def conditional(response: Response) -> Response:
    """``response`` (a 200 made in memory) with an ETag of its bytes, answered as 304 Not
    Modified to a request whose ``If-None-Match`` names it (and as 206 to a ``Range``): a
    crawler or a browser revalidating a page gets no body when nothing changed. The tag is of
    the representation (format, language), so one per variant the ``Vary`` header names."""
    response.add_etag()
    response.make_conditional(request, accept_ranges=True,  # changes response itself
                              complete_length=response.calculate_content_length())
    return response


def _split(rest: str) -> tuple[str, str | None]:
    m = _EXT_RE.match(rest)
    return (m.group("path"), m.group("ext")) if m else (rest, None)


# ---------------------------------------------------------------- RDF descriptions


def describe_query(iri: str) -> str:
    """The CONSTRUCT query behind a resource's RDF (also shown on its HTML page)."""
    return QUERIES.text("describe", {"iri": iri_ref(iri)})


def graph_query(graph: str) -> str:
    """Every triple of one named graph."""
    return QUERIES.text("graph", {"graph": iri_ref(graph)})


def _serialize(st: Store, query: str, fmt: Format) -> bytes:
    return st.query(query, default_graph_union=True).serialize(fmt, prefixes=PREFIXES)


def graph_size(st: Store, graph: str) -> int:
    """How many triples the named graph ``graph`` holds."""
    rows = QUERIES.rows(st, "graph-size", {"graph": iri_ref(graph)})
    return int(rows[0]["n"]) if rows else 0


def _exists(st: Store, iri: str) -> bool:
    return st.query(QUERIES.text("exists", {"iri": iri_ref(iri)})).boolean


def _named_graph_of(st: Store, iri: str) -> str | None:
    """The named graph (outside the default graph) that speaks of ``iri``, if any."""
    rows = QUERIES.rows(st, "named-graphs-of", {"iri": iri_ref(iri)})
    return rows[0]["g"] if rows and rows[0]["g"].startswith(BASE + "graph/") else None


def _see_graph(graph_iri: str, ext: str | None) -> Response:
    """303 See Other: a resource only a named graph outside the default graph speaks of (a
    rule-made candidate, never a fact) is described by that graph's document, where its
    triples stay marked as that graph's."""
    location = "/" + graph_iri.removeprefix(BASE) + (f".{ext}" if ext else "")
    response = Response(f"303 See Other: described only in the named graph {graph_iri}\n",
                        status=303, content_type="text/plain; charset=utf-8")
    response.headers["Location"] = location
    response.vary.add("Accept")
    return response


# ---------------------------------------------------------------- page models


@dataclass
class Statement:
    """One (property, value) of a resource, with the graphs that state it."""

    predicate: Link
    value: Link | None
    literal: str | None
    lang: str
    graphs: list[str] = field(default_factory=list)


@dataclass
class ClaimView:
    """A fact naming the entity (as its subject or as its value) with where it is said."""

    iri: str
    predicate: str
    predicate_link: Link
    subject: Link | None = None
    obj: Link | None = None
    value: str | None = None
    edtf: str | None = None
    date_text: str | None = None
    wording: str | None = None
    sort_key: str = "9999"
    sentence: Link | None = None
    context_href: str | None = None
    segments: list[Segment] = field(default_factory=list)
    quote: str | None = None
    source: Link | None = None
    citations: list[tuple[str, Link | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    status: str | None = None
    according_to: Link | None = None  # the report or person whose words it is (tkg:accordingTo)


def term_rows(st: Store, iri: str) -> list[dict[str, str]]:
    """Every (graph, predicate, object) of ``iri``, objects with their kind and language; never
    from ``graph/candidates``, which only the review view shows (CONTRACTS 1)."""
    return QUERIES.rows(st, "term-rows", {"iri": iri_ref(iri),
                                          "candidates": iri_ref(CANDIDATES_GRAPH)})


def statements(rows: list[dict[str, str]], labeller: Labeller,
               hidden: set[str] | None = None) -> list[Statement]:
    """Rows of `term_rows` as statements, one per (property, value), graphs merged."""
    labeller.prefetch({r["p"] for r in rows} | {r["o"] for r in rows if r["isiri"] == "true"})
    merged: dict[tuple[str, str, str], Statement] = {}
    for r in rows:
        if hidden and r["p"] in hidden:
            continue
        key = (r["p"], r["o"], r.get("lang", ""))
        if key not in merged:
            is_iri = r["isiri"] == "true"
            merged[key] = Statement(labeller.link(r["p"]),
                                    labeller.link(r["o"]) if is_iri else None,
                                    None if is_iri else r["o"], r.get("lang", ""))
        graph = r["g"].rsplit("/", 1)[-1]
        if graph not in merged[key].graphs:
            merged[key].graphs.append(graph)
    return list(merged.values())


def incoming(st: Store, iri: str, labeller: Labeller, *, curated_only: bool) -> \
        list[tuple[Link, list[Link]]]:
    """Who points at ``iri``, grouped by property (entities only, or everything)."""
    rows = QUERIES.rows(st, "incoming", {"iri": iri_ref(iri),
                                         "curated_only": "true" if curated_only else "false"})
    labeller.prefetch({r["s"] for r in rows} | {r["p"] for r in rows})
    groups: dict[str, list[Link]] = defaultdict(list)
    for r in rows:
        groups[r["p"]].append(labeller.link(r["s"]))
    return [(labeller.link(p), sorted(links, key=lambda x: x.text)) for p, links in
            sorted(groups.items(), key=lambda kv: labeller.link(kv[0]).text)]


def mark_text(text: str, spans: list[tuple[int, int, str, str | None]]) -> list[Segment]:
    """``text`` cut into segments, the (start, end, kind, href) spans marked; overlapping
    spans after the first are dropped.

    >>> [s.text for s in mark_text("Bakü’yü aldı", [(0, 4, "mention", None)])]
    ['Bakü', '’yü aldı']
    """
    out: list[Segment] = []
    pos = 0
    for start, end, kind, href in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], kind, href))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def place_span(text: str, span_text: str, rel: int) -> tuple[int, int] | None:
    """Where ``span_text`` stands in a sentence's ``text``: at offset ``rel`` if it is there
    (offsets in the graph are into the original file), else its nearest occurrence.

    >>> place_span("a Bakü b Bakü", "Bakü", 9), place_span("a Baku", "Bakü", 2)
    ((9, 13), None)
    """
    if 0 <= rel and text[rel:rel + len(span_text)] == span_text:
        return rel, rel + len(span_text)
    hits = [m.start() for m in re.finditer(re.escape(span_text), text)]
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - rel))
    return best, best + len(span_text)


def _claim_view(r: dict[str, str], labeller: Labeller) -> ClaimView:
    """A claim from the first row naming it: predicate, object or value, sentence, source."""
    c = ClaimView(r["c"], r["p"], labeller.link(r["p"]), labeller.link(r["s"]))
    if "obj" in r:
        c.obj = labeller.link(r["obj"])
    c.value = r.get("val")
    if "sent" in r:
        c.sentence = Link(r.get("stext", ""), safe_href(r["sent"]), r["sent"])
        c.context_href = sentence_anchor(r["sent"])
    if "src" in r:
        c.source = labeller.link(r["src"])
    c.quote = r.get("quote")
    c.status = r.get("status", "").rsplit("#", 1)[-1] or None
    if "per" in r:
        c.according_to = labeller.link(r["per"])
    return c


def _add_claim_row(c: ClaimView, r: dict[str, str], lang: str) -> None:
    """What one more row adds to a claim: its date and wording (the first seen), its public
    notes and the claims it conflicts with (each once)."""
    if "edtf" in r and c.edtf is None:
        c.edtf = r["edtf"]
        c.date_text = format_edtf(r["edtf"], lang)
        c.sort_key = r["edtf"]
    if "wording" in r and c.wording is None:
        c.wording = r["wording"]
    if "note" in r and r["note"] not in c.notes and public_note(r["note"]):
        c.notes.append(r["note"])
    if "conf" in r and r["conf"] not in c.conflicts:
        c.conflicts.append(r["conf"])


def _add_citations(st: Store, ref: str, claims: dict[str, ClaimView], labeller: Labeller) -> None:
    """Each claim's in-text citations (text, linked target), each once."""
    cites = QUERIES.rows(st, "claim-citations", {"iri": ref})
    labeller.prefetch({r["target"] for r in cites if "target" in r})
    for r in cites:
        entry = (r["ctext"], labeller.link(r["target"]) if "target" in r else None)
        if entry not in claims[r["c"]].citations:
            claims[r["c"]].citations.append(entry)


def _claims(st: Store, iri: str, labeller: Labeller, lang: str) -> list[ClaimView]:
    ref = iri_ref(iri)
    rows = QUERIES.rows(st, "claims", {"iri": ref})
    claims: dict[str, ClaimView] = {}
    labeller.prefetch({r["p"] for r in rows} | {r["s"] for r in rows}
                      | {r["obj"] for r in rows if "obj" in r}
                      | {r["src"] for r in rows if "src" in r})
    for r in rows:
        c = claims.get(r["c"])
        if c is None:
            c = claims[r["c"]] = _claim_view(r, labeller)
        _add_claim_row(c, r, lang)
    if not claims:
        return []
    _add_citations(st, ref, claims, labeller)
    _highlight(st, iri, list(claims.values()))
    return sorted(claims.values(), key=lambda c: (c.predicate_link.text, c.sort_key, c.iri))


def _highlight(st: Store, iri: str, claims: list[ClaimView]) -> None:
    """Cut each claim's evidence sentence into segments: mentions of the subject and object,
    and the date as printed, marked."""
    sentences = sorted({c.sentence.iri for c in claims if c.sentence})
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for start in range(0, len(sentences), CHUNK):
        batch = values("sent", sentences[start:start + CHUNK])
        for r in QUERIES.rows(st, "sentence-mentions", {"values": batch}):
            found[r["sent"]].append((r["text"], r["x"]))
    for c in claims:
        if c.sentence is None:
            continue
        text = c.sentence.text
        quoted = place_span(text, c.quote, -1) if c.quote else None
        near = quoted[0] if quoted else -1
        wanted = ({iri} | ({c.obj.iri} if c.obj else set())
                  | ({c.subject.iri} if c.subject else set()))
        spans: list[tuple[int, int, str, str | None]] = []
        for mtext, target in found.get(c.sentence.iri, []):
            if target in wanted:
                hit = place_span(text, mtext, near)
                if hit:
                    spans.append((hit[0], hit[1], "mention", None))
        if c.wording:
            hit = place_span(text, c.wording, near)
            if hit:
                spans.append((hit[0], hit[1], "date", None))
        c.segments = mark_text(text, spans)


def _mentions(st: Store, iri: str, labeller: Labeller) -> list[dict[str, object]]:
    rows = QUERIES.rows(st, "mentions", {"iri": iri_ref(iri)})
    labeller.prefetch({r["src"] for r in rows})
    return [{"text": r["text"], "source": labeller.link(r["src"]),
             "href": sentence_anchor(r["sent"]), "sentence": safe_href(r["sent"])}
            for r in rows]


def _types(rows: list[dict[str, str]]) -> list[str]:
    return sorted({r["o"] for r in rows if r["p"] == RDF_TYPE})


def _wikidata(rows: list[dict[str, str]]) -> list[str]:
    found = {r["o"] for r in rows
             if r["p"] in (PREFIXES["owl"] + "sameAs", PREFIXES["skos"] + "exactMatch")
             and r["o"].startswith(WIKIDATA)}
    return sorted("https://www.wikidata.org/wiki/" + o[len(WIKIDATA):] for o in found)


def _literals(rows: list[dict[str, str]], prop: str) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for r in rows:
        if r["p"] == prop and r["isiri"] == "false" and (r["o"], r.get("lang", "")) not in seen:
            seen.append((r["o"], r.get("lang", "")))
    return seen


def _pick(pairs: list[tuple[str, str]], lang: str) -> str | None:
    for want in (lang, "tr" if lang == "en" else "en", ""):
        for text, tag in pairs:
            if tag == want:
                return text
    return pairs[0][0] if pairs else None


def _chronology_title(types: list[str], lang: str) -> str:
    """A person's chronology is a career; a place's is what happened there."""
    tr = lang == "tr"
    if TKG + "Person" in types:
        return "Tarihli kariyer" if tr else "Career, dated"
    if TKG + "Place" in types:
        return "Burada olanlar, tarih sırasıyla" if tr else "What happened here, by date"
    return "Kronoloji" if tr else "Chronology"


@dataclass
class ConflictPair:
    """Two claims that disagree: ``a`` names the entity; ``b`` is the other claim if it is on this
    page too (else only ``b_link``); ``kinds``: what is disputed (a date, a number, ...)."""

    a: ClaimView
    b: ClaimView | None
    b_link: Link
    kinds: list[Link] = field(default_factory=list)
    #: the other claim's sentence, article and public notes when it is not on this page
    b_sentence: str | None = None
    b_source: Link | None = None
    b_notes: list[str] = field(default_factory=list)


def _conflict_pairs(st: Store, iri: str, claims: list[ClaimView], labeller: Labeller
                    ) -> list[ConflictPair]:
    """Each pair of conflicting claims once, with what their disagreement is about."""
    by_iri = {c.iri: c for c in claims}
    kinds: dict[frozenset[str], list[str]] = {}
    if any(c.conflicts for c in claims):
        for r in QUERIES.rows(st, "conflict-kinds", {"iri": iri_ref(iri)}):
            found = kinds.setdefault(frozenset((r["a"], r["b"])), [])
            if r["kind"] not in found:
                found.append(r["kind"])
    labeller.prefetch({k for ks in kinds.values() for k in ks})
    conflicts = []
    seen: set[frozenset[str]] = set()
    for c in claims:
        for other in c.conflicts:
            pair = frozenset((c.iri, other))
            if pair not in seen:
                seen.add(pair)
                conflicts.append(ConflictPair(c, by_iri.get(other), labeller.link(other),
                                              [labeller.link(k) for k in kinds.get(pair, [])]))
    _add_other_sides(st, [p for p in conflicts if p.b is None], labeller)
    return conflicts


def _add_other_sides(st: Store, pairs: list[ConflictPair], labeller: Labeller) -> None:
    """The sentence, article and notes of each other claim not on this page (two conflicts
    with claims of the same label, stated in different sentences, looked alike without them)."""
    others = sorted({p.b_link.iri for p in pairs})
    if not others:
        return
    rows = QUERIES.rows(st, "conflict-others", {"values": values("c", others)})
    labeller.prefetch({r["src"] for r in rows if "src" in r})
    by_claim: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_claim[r["c"]].append(r)
    for p in pairs:
        for r in by_claim.get(p.b_link.iri, []):
            p.b_sentence = p.b_sentence or r.get("stext")
            if p.b_source is None and "src" in r:
                p.b_source = labeller.link(r["src"])
            if "note" in r and r["note"] not in p.b_notes and public_note(r["note"]):
                p.b_notes.append(r["note"])


def entity_page(st: Store, iri: str, rows: list[dict[str, str]], path: str) -> str:
    lang = current_lang()
    labeller = Labeller(st, lang)
    types = [t for t in _types(rows) if t.startswith(TKG)]
    labeller.prefetch(types)
    claims = _claims(st, iri, labeller, lang)
    conflicts = _conflict_pairs(st, iri, claims, labeller)
    about, as_value = split_claims(claims, iri)
    stated = {(c.predicate, c.obj.iri if c.obj else c.value) for c in about}
    others = [s for s in statements(rows, labeller, HIDDEN_ON_ENTITY)
              if (s.predicate.iri, s.value.iri if s.value else s.literal) not in stated]
    labels = _literals(rows, RDFS_LABEL)
    is_unit = TKG + "MilitaryUnit" in types
    return render_template(
        "resource.html", iri=iri, path=path, alternates=_alternates(path),
        brief=brief(st, iri, labeller), chronology=chronology(st, iri, labeller, lang),
        subordinates=subordinates(st, iri, labeller) if is_unit else [], is_unit=is_unit,
        mini_map=mini_map(st, iri, current_app.config["NODE_MODULES"]),
        evidence=group_by_sentence(about),
        evidence_as_value=group_by_sentence(as_value, prefix="evv-"),
        label=_pick(labels, lang) or compact(iri),
        label_tr=_pick([p for p in labels if p[1] == "tr"], "tr"),
        label_en=_pick([p for p in labels if p[1] == "en"], "en"),
        types=[labeller.link(t) for t in types],
        aliases=[a for a, _ in _literals(rows, PREFIXES["skos"] + "altLabel")],
        names_elsewhere=[a for a, _ in _literals(rows, PREFIXES["skos"] + "hiddenLabel")],
        description=_pick(_literals(rows, PREFIXES["dcterms"] + "description"), lang),
        wikidata=_wikidata(rows), conflicts=conflicts, others=others,
        chrono_title=_chronology_title(types, lang),
        incoming=incoming(st, iri, labeller, curated_only=True),
        mentions=_mentions(st, iri, labeller),
    )


def source_page(st: Store, iri: str, rows: list[dict[str, str]], path: str) -> str:
    lang = current_lang()
    labeller = Labeller(st, lang)
    ref = iri_ref(iri)
    sentences = QUERIES.rows(st, "source-sentences", {"source": ref})
    spans = QUERIES.rows(st, "source-spans", {"source": ref})
    kinds = {TKG + "Mention": "mention", TKG + "DateExpression": "date",
             TKG + "InTextCitation": "citation"}
    by_sentence: dict[str, list[dict[str, str]]] = defaultdict(list)
    for sp in spans:
        by_sentence[sp["sent"]].append(sp)
    markers = [(int(r["marker"]), r["number"])
               for r in QUERIES.rows(st, "source-footnotes", {"source": ref}) if "marker" in r]
    out: list[dict[str, Any]] = []
    section = None
    for s in sentences:
        start = int(s["start"])
        marks: list[tuple[int, int, str, str | None]] = []
        for sp in by_sentence.get(s["s"], []):
            hit = place_span(s["text"], sp["text"], int(sp["start"]) - start)
            if hit:
                marks.append((hit[0], hit[1], kinds[sp["kind"]],
                              safe_href(sp["target"]) if "target" in sp else None))
        heading = None
        if "footnote" not in s:  # a footnote is printed under its page, outside the sections
            heading = s.get("section") if s.get("section") != section else None
            section = s.get("section", section)
        out.append({"anchor": f"s-{s['start']}-{s['end']}", "href": safe_href(s["s"]),
                    "segments": mark_text(s["text"], marks), "heading": heading,
                    "zone": s.get("zone", "").rsplit("#", 1)[-1].removeprefix("zone").lower(),
                    "page": s.get("page"), "footnote": s.get("footnote"),
                    "notes": [n for at, n in markers if "footnote" not in s
                              and start <= at <= int(s["end"])]})
    labels = _literals(rows, RDFS_LABEL) + _literals(rows, PREFIXES["dcterms"] + "title")
    return render_template(
        "source.html", iri=iri, path=path, alternates=_alternates(path),
        label=_pick(labels, lang) or compact(iri),
        statements=statements(rows, labeller, {RDF_TYPE}), blocks=footnote_blocks(out),
        marked={n for s in out for n in s["notes"]},
    )


def footnote_blocks(sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sentences in reading order, each run of sentences of one footnote gathered in one
    block ``{"footnote": number, "sentences": [...]}``; a body sentence is a block of its own
    (``footnote`` None).

    >>> [(b["footnote"], len(b["sentences"])) for b in footnote_blocks(
    ...     [{"footnote": None}, {"footnote": "1"}, {"footnote": "1"}, {"footnote": "2"}])]
    [(None, 1), ('1', 2), ('2', 1)]
    """
    blocks: list[dict[str, Any]] = []
    for s in sentences:
        last = blocks[-1] if blocks else None
        if s["footnote"] and last and last["footnote"] == s["footnote"]:
            last["sentences"].append(s)
        else:
            blocks.append({"footnote": s["footnote"], "sentences": [s]})
    return blocks


def _sentence_segments(st: Store, iri: str, rows: list[dict[str, str]]) -> list[Segment]:
    """A sentence's text (``rows`` are its `term_rows`) with its mentions, dates and citations
    marked and linked."""
    texts = _literals(rows, TKG + "text")
    if not texts or TKG + "Sentence" not in _types(rows):
        return []
    found = QUERIES.rows(st, "sentence-spans", {"sentence": iri_ref(iri)})
    start = int(next((r["o"] for r in rows if r["p"] == TKG + "startOffset"), "0"))
    kinds = {TKG + "Mention": "mention", TKG + "DateExpression": "date",
             TKG + "InTextCitation": "citation"}
    marks = []
    for r in found:
        hit = place_span(texts[0][0], r["text"], int(r["start"]) - start)
        if hit:
            marks.append((hit[0], hit[1], kinds[r["kind"]],
                          safe_href(r["target"]) if "target" in r else None))
    return mark_text(texts[0][0], marks)


def generic_page(st: Store, iri: str, rows: list[dict[str, str]], path: str) -> str:
    lang = current_lang()
    labeller = Labeller(st, lang)
    segments = _sentence_segments(st, iri, rows)
    context = sentence_anchor(iri)
    stated_in = next((r["o"] for r in rows if r["p"] == TKG + "statedIn"), None)
    if stated_in and not segments:  # a claim: the sentence that states it, as printed
        segments = _sentence_segments(st, stated_in, term_rows(st, stated_in))
        context = sentence_anchor(stated_in)
    labels = _literals(rows, RDFS_LABEL)
    edtf = _literals(rows, TKG + "edtf")
    return render_template(
        "generic.html", iri=iri, path=path, alternates=_alternates(path),
        label=_pick(labels, lang) or (format_edtf(edtf[0][0], lang) if edtf else
                                      labeller.label(iri) or compact(iri)),
        is_claim=TKG + "Claim" in _types(rows),
        types=[labeller.link(t) for t in _types(rows)],
        statements=statements(rows, labeller), sentence_segments=segments,
        context_href=context,
        incoming=incoming(st, iri, labeller, curated_only=False),
        retired=any(r["p"] == OWL_DEPRECATED and r["o"] == "true" for r in rows),
        replaced_by=[labeller.link(r["o"]) for r in rows if r["p"] == REPLACED_BY],
    )


def not_found_page(iri: str, path: str) -> Response:
    guess = re.sub(r"[-_/]+", " ", path.rsplit("/", 1)[-1])
    hits = search_entities(guess, lang=current_lang(), limit=5) if guess.strip() else []
    html = render_template("notfound.html", iri=iri, path=path, hits=hits, alternates=[])
    response = Response(html, status=404, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


def answer(iri: str, path: str, ext: str | None) -> Response:
    """The answer for a resource IRI served at ``path`` (without extension)."""
    st = store()
    fmt = _negotiate(ext)
    if not is_iri(iri) or not _exists(st, iri):
        elsewhere = _named_graph_of(st, iri) if is_iri(iri) else None
        if elsewhere is not None:
            return _see_graph(elsewhere, ext)
        if fmt is None:
            return not_found_page(iri, path)
        raise not_found(f"the dataset has no resource {iri}")
    if fmt is not None:
        return _rdf_response(_serialize(st, describe_query(iri), fmt), fmt, path,
                             negotiated=ext is None)
    rows = term_rows(st, iri)
    types = set(_types(rows))
    if any(r["p"] == TKG + "registryId" for r in rows):
        html = entity_page(st, iri, rows, path)
    elif TKG + "SourceDocument" in types:
        html = source_page(st, iri, rows, path)
    else:
        html = generic_page(st, iri, rows, path)
    return _html_response(html, path)


@bp.get("/resource/<path:rest>")
def resource(rest: str) -> Response:
    path, ext = _split(rest)
    return answer(f"{BASE}resource/{path}", f"/resource/{path}", ext)


# ---------------------------------------------------------------- named graphs


@bp.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    name, ext = _split(rest)
    iri = f"{BASE}graph/{name}"
    path = f"/graph/{name}"
    st = store()
    fmt = _negotiate(ext)
    if iri not in st.graphs():
        if fmt is None:
            return not_found_page(iri, path)
        raise not_found(f"the dataset has no named graph {iri}")
    if fmt is not None:
        return _rdf_response(_serialize(st, graph_query(iri), fmt), fmt, path,
                             negotiated=ext is None)
    ref = iri_ref(iri)
    classes = QUERIES.rows(st, "graph-classes", {"graph": ref})
    labeller = Labeller(st, current_lang())
    labeller.prefetch([r["c"] for r in classes])
    html = render_template(
        "graph.html", iri=iri, path=path, alternates=_alternates(path),
        triples=graph_size(st, iri),
        classes=[(labeller.link(r["c"]), int(r["n"])) for r in classes],
    )
    return _html_response(html, path)


# ---------------------------------------------------------------- the ontology


ONTOLOGY_GRAPH = BASE + "graph/ontology"
_RANK = {"classes": 0, "properties": 1, "individuals": 2}
ONTOLOGY = BASE + "ontology"


def ontology_terms(st: Store, lang: str) -> dict[str, list[dict[str, object]]]:
    """Classes, properties and individuals of the ontology with labels, definitions,
    super-terms, domains, ranges and alignments (equivalents and external super-terms)."""
    rows = QUERIES.rows(st, "ontology-terms", {"graph": iri_ref(ONTOLOGY_GRAPH)})
    terms: dict[str, dict[str, object]] = {}
    kinds = {PREFIXES["owl"] + "Class": "classes",
             PREFIXES["owl"] + "ObjectProperty": "properties",
             PREFIXES["owl"] + "DatatypeProperty": "properties",
             PREFIXES["owl"] + "AnnotationProperty": "properties",
             PREFIXES["owl"] + "NamedIndividual": "individuals"}
    labeller = Labeller(st, lang)
    labeller.prefetch({r["o"] for r in rows if r["isiri"] == "true"})
    for r in rows:
        term = terms.setdefault(r["t"], {"iri": r["t"], "name": r["t"].removeprefix(TKG),
                                         "kind": kinds[r["kind"]], "labels": {},
                                         "definition": {}, "links": defaultdict(list)})
        if _RANK[kinds[r["kind"]]] < _RANK[str(term["kind"])]:
            term["kind"] = kinds[r["kind"]]
        local = r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if local == "label":
            term["labels"][r.get("lang", "")] = r["o"]  # type: ignore[index]
        elif local == "definition":
            term["definition"][r.get("lang", "")] = r["o"]  # type: ignore[index]
        elif r["isiri"] == "true" and local != "type":
            links: list[Link] = term["links"][local]  # type: ignore[index]
            link = labeller.link(r["o"])
            if link not in links:
                links.append(link)
        elif local == "type" and r["o"].startswith(TKG):
            term["links"]["type"].append(labeller.link(r["o"]))  # type: ignore[index]
    out: dict[str, list[dict[str, object]]] = {"classes": [], "properties": [],
                                               "individuals": []}
    for term in sorted(terms.values(), key=lambda x: str(x["name"]).lower()):
        out[str(term["kind"])].append(term)
    return out


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    st = store()
    fmt = _negotiate(ext)
    path = "/ontology"
    if fmt is not None:
        return _rdf_response(_serialize(st, graph_query(ONTOLOGY_GRAPH), fmt), fmt, path,
                             negotiated=ext is None)
    lang = current_lang()
    html = render_template("ontology.html", iri=ONTOLOGY, path=path,
                           alternates=_alternates(path), terms=ontology_terms(st, lang))
    return _html_response(html, path)

