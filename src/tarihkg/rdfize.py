"""Annotated sources + registry + anchored facts -> an RDF dataset, one named graph per source.

Triples follow docs/model.md. No blank nodes: every node has an IRI minted by `iri.Minter`,
so two builds of the same inputs serialise to the same N-Quads.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from tarihkg.annotate import AnchoredFact, AnnotatedSource, DateOcc
from tarihkg.curation import TYPE_SEGMENTS, Coordinates, Entity, Fact, WikidataLink
from tarihkg.errors import CurationError, SourceError
from tarihkg.factspec import DATE_SENTENCE, PRINTED_OBJECT, QUALIFIERS, SPEC, WORDINGS
from tarihkg.iri import Minter
from tarihkg.names import SCHEMA, WD
from tarihkg.namespaces import TKG
from tarihkg.retired import RetiredFact
from tarihkg.text.citations import RecordRef, WorkRef, full_reference, record_key, work_key
from tarihkg.text.edtf import edtf_bounds
from tarihkg.text.extract import sentence_language
from tarihkg.text.model import ExtractedSource

log = logging.getLogger(__name__)

_ZONES = {"body": TKG.zoneBody, "abstract": TKG.zoneAbstract, "footnote": TKG.zoneFootnote}
_PRECISIONS = {
    "day": TKG.dayPrecision,
    "month": TKG.monthPrecision,
    "year": TKG.yearPrecision,
    "range": TKG.rangePrecision,
    "season": TKG.seasonPrecision,
}


def _int(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.integer)


def _dt(day: str, *, end: bool = False) -> Literal:
    return Literal(f"{day}T{'23:59:59' if end else '00:00:00'}", datatype=XSD.dateTime)


def entity_iri(minter: Minter, ent: Entity) -> URIRef:
    """The IRI of a registry entity: `resource/{type segment}/{id}`."""
    return minter.resource(ent.segment, ent.id)


def rdfize_registry(registry: Mapping[str, Entity], *, minter: Minter) -> Graph:
    """The curated entities: types, labels in tr and en, every spelling, echelons, place kinds."""
    g = Graph()
    for ent in sorted(registry.values(), key=lambda e: e.id):
        s = entity_iri(minter, ent)
        g.add((s, RDF.type, TKG[ent.type]))
        g.add((s, TKG.registryId, Literal(ent.id)))
        g.add((s, RDFS.label, Literal(ent.label_tr, lang="tr")))
        g.add((s, RDFS.label, Literal(ent.label_en, lang="en")))
        g.add((s, SKOS.prefLabel, Literal(ent.label_tr, lang="tr")))
        for alias in ent.aliases:
            if alias != ent.label_tr:
                g.add((s, SKOS.altLabel, Literal(alias, lang="tr")))
        for elsewhere in ent.names_elsewhere:  # found by search; not a spelling of the texts
            g.add((s, SKOS.hiddenLabel, Literal(elsewhere.name, lang=elsewhere.lang)))
        for lang, text in (("tr", ent.description_tr), ("en", ent.description_en)):
            if text:
                g.add((s, DCTERMS.description, Literal(text, lang=lang)))
        if ent.echelon:
            g.add((s, TKG.echelon, TKG[ent.echelon]))
        if ent.place_kind:
            g.add((s, TKG.placeKind, TKG[ent.place_kind]))
        for other in ent.distinct_from:
            g.add((s, OWL.differentFrom, entity_iri(minter, registry[other])))
        if ent.note:
            g.add((s, SKOS.editorialNote, Literal(ent.note, lang="en")))
        if ent.deprecated:
            g.add((s, OWL.deprecated, Literal(True)))
            if ent.replaced_by:
                g.add((s, DCTERMS.isReplacedBy, entity_iri(minter, registry[ent.replaced_by])))
        for former in ent.former_types:  # retyped: the old IRI stays, pointing at the new one
            old = minter.resource(TYPE_SEGMENTS[former], ent.id)
            g.add((old, OWL.deprecated, Literal(True)))
            g.add((old, DCTERMS.isReplacedBy, s))
        for link in ent.wikidata_links:
            if link.status != "candidate":
                rdfize_wikidata_link(g, s, link, minter=minter)
        if ent.coordinates is not None:
            rdfize_coordinates(g, s, ent.coordinates, minter=minter)
    return g


def rdfize_retired(retired: Iterable[RetiredFact], *, minter: Minter) -> Graph:
    """Retired fact ids: each IRI stays, a deprecated `tkg:RetiredClaim` (never a `tkg:Claim`,
    so no claimed triple) with its reason, day, source and the live claim replacing it."""
    g = Graph()
    for r in retired:
        s = minter.resource("claim", r.id)
        g.add((s, RDF.type, TKG.RetiredClaim))
        g.add((s, OWL.deprecated, Literal(True)))
        g.add((s, DCTERMS.date, Literal(r.retired_on, datatype=XSD.date)))
        g.add((s, PROV.wasDerivedFrom, minter.resource("source", r.source)))
        for lang, text in sorted(r.reason.items()):
            g.add((s, RDFS.comment, Literal(text, lang=lang)))
        if r.replaced_by:
            g.add((s, DCTERMS.isReplacedBy, minter.resource("claim", r.replaced_by)))
    return g


def rdfize_coordinates(g: Graph, place: URIRef, c: Coordinates, *, minter: Minter) -> None:
    """A place's `schema:geo` node: latitude, longitude and the gazetteer file they come from."""
    node = minter.resource("coordinates", c.place)
    g.add((place, SCHEMA.geo, node))
    g.add((node, RDF.type, SCHEMA.GeoCoordinates))
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, SCHEMA.latitude, Literal(str(c.lat), datatype=XSD.decimal)))
    g.add((node, SCHEMA.longitude, Literal(str(c.lon), datatype=XSD.decimal)))
    g.add((node, SCHEMA.name, Literal(c.name)))
    g.add((node, PROV.wasDerivedFrom, URIRef(c.source_url)))


def wikidata_candidates_graph(registry: Mapping[str, Entity], *, minter: Minter) -> Graph:
    """The Wikidata links still `candidate` (``tkg:wikidataCandidate`` and their evidence node):
    they belong in ``graph/candidates`` with the other unreviewed proposals (CONTRACTS 1), shown
    only in the review view, never on an entity page."""
    g = Graph()
    for ent in sorted(registry.values(), key=lambda e: e.id):
        for link in ent.wikidata_links:
            if link.status == "candidate":
                rdfize_wikidata_link(g, entity_iri(minter, ent), link, minter=minter)
    return g


def rdfize_wikidata_link(g: Graph, subject: URIRef, link: WikidataLink, *, minter: Minter) -> None:
    """A Wikidata link: identity (owl:sameAs + skos:exactMatch) only when confirmed; a visible
    `tkg:wikidataCandidate` for a candidate; the evidence as a `tkg:WikidataLink` node either way."""
    item = WD[link.qid]
    if link.status == "confirmed":
        g.add((subject, OWL.sameAs, item))
        g.add((subject, SKOS.exactMatch, item))
    elif link.status == "candidate":
        g.add((subject, TKG.wikidataCandidate, item))
    node = minter.resource("wikidata-link", f"{link.id}-{link.qid.lower()}")
    g.add((node, RDF.type, TKG.WikidataLink))
    g.add((node, TKG.linkSubject, subject))
    g.add((node, TKG.linkTarget, item))
    g.add((node, TKG.linkStatus, Literal(link.status)))
    for prop, value in (
        (TKG.labelSeen, link.label_seen),
        (TKG.descriptionSeen, link.description_seen),
        (TKG.evidenceSource, link.source),
        (TKG.checkedBy, link.checked_by),
    ):
        if value:
            g.add((node, prop, Literal(value)))
    if link.checked_on:
        g.add((node, TKG.checkedOn, Literal(link.checked_on, datatype=XSD.date)))
    if link.score is not None:
        g.add((node, TKG.matchScore, Literal(f"{link.score:.1f}", datatype=XSD.decimal)))
    if link.note:
        g.add((node, SKOS.editorialNote, Literal(link.note, lang="en")))


class _SourceGraph:
    """Builds the named graph of one source."""

    def __init__(
        self, src: AnnotatedSource, raw: str, registry: Mapping[str, Entity], minter: Minter
    ) -> None:
        self.src = src
        self.registry = registry
        self.raw = raw
        self.m = minter
        self.sid = src.meta.id
        self.g = Graph()
        self.doc = minter.resource("source", self.sid)
        self.bibliography = [x.text for x in src.extracted.lifted if x.kind == "bibliography"]

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.add((s, p, o))

    def span_node(self, node: URIRef, cls: URIRef, start: int, end: int, text: str) -> None:
        self.add(node, RDF.type, cls)
        self.add(node, TKG.inSource, self.doc)
        self.add(node, TKG.startOffset, _int(start))
        self.add(node, TKG.endOffset, _int(end))
        self.add(node, TKG.text, Literal(text))

    def document(self) -> None:
        meta, ex = self.src.meta, self.src.extracted
        d = self.doc
        self.add(d, RDF.type, TKG.SourceDocument)
        title = meta.title or meta.title_supplied
        if title:
            self.add(d, DCTERMS.title, Literal(title, lang=meta.language))
            self.add(d, RDFS.label, Literal(title, lang=meta.language))
        if meta.title_en:
            self.add(d, DCTERMS.title, Literal(meta.title_en, lang="en"))
        if not title:
            self.add(d, RDFS.label, Literal(meta.id))
        for author in meta.authors:
            self.add(d, DCTERMS.creator, Literal(author))
        if meta.authors:
            self.add(d, TKG.byline, Literal(" & ".join(meta.authors)))
        if meta.journal:
            self.add(d, DCTERMS.isPartOf, Literal(meta.journal))
        for predicate, value in ((TKG.volume, meta.volume), (TKG.issue, meta.issue)):
            if value:
                self.add(d, predicate, Literal(value))
        if meta.pages:
            self.add(d, TKG.pageRange, Literal(meta.pages))
        if meta.year:
            self.add(d, TKG.year, Literal(meta.year, datatype=XSD.integer))
        for name in meta.not_printed:
            self.add(d, TKG.notPrinted, Literal(name))
        self.add(d, DCTERMS.language, Literal(meta.language))
        self.add(d, TKG.licenceNote, Literal(meta.licence, lang="en"))
        self.add(d, TKG.fileName, Literal(meta.file))
        self.add(d, TKG.sha256, Literal(hashlib.sha256(self.raw.encode("utf-8")).hexdigest()))
        self.add(d, TKG.characterCount, _int(ex.length))
        printed = " ".join(self.raw.split())
        for what, pred, items in (
            ("keyword", SCHEMA.keywords, meta.keywords),
            ("scope", TKG.statedScope, meta.scope),
        ):
            for lang, words in items:
                if " ".join(words.split()) not in printed:
                    raise SourceError(
                        f"{meta.id}: {what} {words!r} is not printed in the text",
                        path="data/sources/sources.yaml",
                    )
                self.add(d, pred, Literal(" ".join(words.split()), lang=lang))

    def footnotes(self, ex: ExtractedSource) -> None:
        for fn in ex.footnotes:
            node = self.m.footnote(self.sid, fn.number)
            self.span_node(node, TKG.Footnote, fn.start, fn.end, fn.text)
            self.add(node, TKG.footnoteNumber, _int(fn.number))
            if fn.marker_offset is not None:
                self.add(node, TKG.markerOffset, _int(fn.marker_offset))
            self._page(node, fn.page_index, fn.page)

    def _page(self, node: URIRef, page_index: int, page: str | None) -> None:
        self.add(node, TKG.pageIndex, _int(page_index))
        if page:
            self.add(node, TKG.page, Literal(page))

    def sentence_iri(self, start: int, end: int) -> URIRef:
        return self.m.span("sentence", self.sid, start, end)

    def sentences(self) -> None:
        for a in self.src.sentences:
            s = a.sentence
            node = self.sentence_iri(s.start, s.end)
            self.span_node(node, TKG.Sentence, s.start, s.end, s.text)
            self.add(node, TKG.sentenceIndex, _int(s.index))
            self.add(node, TKG.zone, _ZONES[s.zone])
            self.add(node, DCTERMS.language, Literal(self.language(s)))
            self._page(node, s.page_index, s.page)
            if s.section:
                self.add(node, TKG.section, Literal(s.section))
            if s.footnote is not None:
                self.add(node, TKG.inFootnote, self.m.footnote(self.sid, s.footnote))
            if len(s.pieces) > 1:
                for p in s.pieces:
                    piece = self.m.span("piece", self.sid, p.start, p.end)
                    self.add(node, TKG.piece, piece)
                    self.add(piece, RDF.type, TKG.TextPiece)
                    self.add(piece, TKG.startOffset, _int(p.start))
                    self.add(piece, TKG.endOffset, _int(p.end))
            for c in a.citations:
                self.citation(node, c.start, c.end, c.citation)
            for d in a.dates:
                self.date_expression(node, d, self.language(s))
            for mt in a.mentions:
                mnode = self.m.span("mention", self.sid, mt.start, mt.end)
                self.span_node(mnode, TKG.Mention, mt.start, mt.end, mt.surface)
                self.add(mnode, TKG.inSentence, node)
                if mt.entity_id:
                    self.add(mnode, TKG.denotes, self.entity(mt.entity_id))
                else:
                    for cand in mt.candidates:
                        self.add(mnode, TKG.candidateEntity, self.entity(cand))

    def entity(self, eid: str) -> URIRef:
        return entity_iri(self.m, self.registry[eid])

    def language(self, s: Any) -> str:
        """The language of a sentence's words (an English abstract's: en), for the literals
        a fact quotes from it."""
        return sentence_language(s.zone, s.section, self.src.meta.language)

    def citation(self, sentence: URIRef, start: int, end: int, citation: Any) -> URIRef:
        node = self.m.span("citation", self.sid, start, end)
        self.span_node(node, TKG.InTextCitation, start, end, citation.text)
        self.add(node, TKG.inSentence, sentence)
        for ref in citation.refs:
            if isinstance(ref, WorkRef):
                work = self.m.work(work_key(ref))
                self.add(node, TKG.citesWork, work)
                if ref.pages:
                    self.add(node, TKG.pages, Literal(ref.pages))
                if ref.volume:
                    self.add(node, TKG.citedVolume, Literal(ref.volume))
                self.add(work, RDF.type, TKG.CitedWork)
                self.add(work, TKG.authorString, Literal(ref.authors))
                self.add(work, TKG.year, Literal(ref.year, datatype=XSD.integer))
                self.add(
                    work, RDFS.label, Literal(f"{ref.authors}, {ref.year}{ref.year_suffix or ''}")
                )
                entry = full_reference(ref, self.bibliography)
                if entry is not None:  # the article's bibliography prints it in full
                    self.add(work, DCTERMS.bibliographicCitation, Literal(entry))
            elif isinstance(ref, RecordRef):
                rec = self.m.record(record_key(ref))
                self.add(node, TKG.citesRecord, rec)
                self.add(rec, RDF.type, TKG.ArchivalRecord)
                self.add(rec, TKG.archive, Literal(ref.archive))
                self.add(rec, TKG.shelfmark, Literal(ref.shelfmark))
                self.add(rec, RDFS.label, Literal(f"{ref.archive}, {ref.shelfmark}"))
        return node

    def date_expression(self, sentence: URIRef, occ: DateOcc, lang: str = "tr") -> URIRef | None:
        d = occ.date
        node = self.m.span("date-expression", self.sid, occ.start, occ.end)
        self.span_node(node, TKG.DateExpression, occ.start, occ.end, d.wording)
        self.add(node, TKG.inSentence, sentence)
        edtf = d.corrected_edtf or d.edtf
        if edtf is None or "X" in edtf:
            return None  # a relative or year-less date the text does not let us resolve: kept as words only
        span = self.m.span("date", self.sid, occ.start, occ.end)
        self.add(node, TKG.denotesTime, span)
        self.time_span(
            span, wording=d.wording, edtf=edtf, printed=d.edtf if d.corrected_edtf else None,
            lang=lang,
        )
        if d.year_inferred:
            self.add(span, TKG.yearInferred, Literal(True))
        if d.relative:
            self.add(span, TKG.relativeDate, Literal(True))
        if d.note:
            self.add(span, TKG.note, Literal(d.note, lang="en"))
        return span

    def time_span(
        self, node: URIRef, *, wording: str | None, edtf: str, printed: str | None = None,
        lang: str = "tr",
    ) -> None:
        precision, earliest, latest = edtf_bounds(edtf)
        self.add(node, RDF.type, TKG.TimeSpan)
        if wording:
            self.add(node, TKG.originalWording, Literal(wording, lang=lang))
        self.add(node, TKG.edtf, Literal(edtf))
        self.add(node, TKG.precision, _PRECISIONS[precision])
        self.add(node, TKG.earliest, _dt(earliest))
        self.add(node, TKG.latest, _dt(latest, end=True))
        self.add(node, RDFS.label, Literal(edtf))
        if printed:
            self.add(node, TKG.printedEdtf, Literal(printed))


def _claim(sg: _SourceGraph, af: AnchoredFact) -> URIRef:
    """The claim node of a fact with its provenance: sentence, source, quote, citations, notes."""
    fact, m = af.fact, sg.m
    claim = m.resource("claim", fact.id)
    sentence = sg.sentence_iri(af.sentence.sentence.start, af.sentence.sentence.end)
    sg.add(claim, RDF.type, TKG.Claim)
    sg.add(claim, TKG.statedIn, sentence)
    sg.add(claim, PROV.wasDerivedFrom, sg.doc)
    sg.add(claim, TKG.quote, Literal(" ".join(fact.quote.split())))
    sg.add(claim, TKG.reviewStatus, TKG.reviewed)
    if af.sentence.sentence.footnote is not None:
        sg.add(claim, TKG.inFootnote, m.footnote(sg.sid, af.sentence.sentence.footnote))
    for c in af.supported_by:
        sg.add(claim, TKG.supportedBy, m.span("citation", sg.sid, c.start, c.end))
    if af.supported_by:
        sg.add(claim, TKG.citationInSentence, Literal(af.citation_from_sentence))
    for lang, text in sorted(fact.note.items()):
        sg.add(claim, TKG.note, Literal(text, lang=lang))
    if fact.qualifiers.get(DATE_SENTENCE) and af.date is not None:
        # The date is printed in an earlier sentence of the paragraph: say so where it is read.
        sg.add(claim, TKG.note, Literal(
            f"The date ('{af.date.date.wording}', {sg.sid} {af.date.start}-{af.date.end}) is "
            "printed in an earlier sentence of the same paragraph, which sets the time for this "
            "one; this sentence prints none.",
            lang="en",
        ))
    printed = fact.qualifiers.get(PRINTED_OBJECT)
    if printed and fact.object:
        # The printed words beside the reading: said where the claim is read, not only as data.
        label = sg.registry[fact.object].label_en
        sg.add(claim, TKG.note, Literal(
            f"The sentence prints '{printed}'; the object is read as {label} (the printed words "
            "are kept as tkg:printedObject).",
            lang="en",
        ))
    for other in fact.conflicts_with:
        sg.add(claim, TKG.conflictsWith, m.resource("claim", other))
    return claim


def _fact_date(sg: _SourceGraph, af: AnchoredFact, lang: str) -> URIRef | None:
    """The time span of a fact's `date`: the sentence's own date occurrence when it has the
    same value, else a node of the claim's own (its wording in the sentence's language)."""
    fact, occ = af.fact, af.date
    if not fact.date:
        return None
    if occ is not None and (occ.date.corrected_edtf or occ.date.edtf) == fact.date:
        return sg.m.span("date", sg.sid, occ.start, occ.end)
    node = sg.m.resource("date", f"claim-{fact.id}")
    try:
        sg.time_span(node, wording=fact.date_wording, edtf=fact.date, lang=lang)
    except ValueError as exc:
        raise CurationError(f"fact {fact.id}: {exc}", path=fact.path, line=fact.line) from exc
    return node


def _decimal(value: Any) -> str:
    """An xsd:decimal in the canonical form a store gives back ("15", not "15.0"), so that the
    dump and the endpoint's answers print the same literal."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(d.to_integral_value())
    return format(d.normalize(), "f")


def _part_term(sg: _SourceGraph, kind: str, value: Any, lang: str = "tr") -> URIRef | Literal:
    """A structured value's field (or a qualifier) as an RDF term, by its kind in the fact
    specification (factspec.LITERALS)."""
    if kind == "count":
        return _int(value)
    if kind == "decimal":
        return Literal(_decimal(value), datatype=XSD.decimal)
    if kind == "string":
        return Literal(str(value))
    if kind == "langString":
        return Literal(str(value), lang=lang)
    return sg.entity(str(value))


def _qualify(sg: _SourceGraph, fact: Fact, claim: URIRef, lang: str) -> None:
    """The claim's qualifiers other than `date`: `from`/`until` time spans, `side`, `role`."""
    for name, value in sorted(fact.qualifiers.items()):
        q = QUALIFIERS.get(name)
        if q is None:
            continue  # a wording: it goes with its time span
        term: URIRef | Literal
        if q["kind"] == "time":
            term = sg.m.resource("date", f"claim-{fact.id}-{name}")
            try:
                sg.time_span(
                    term, wording=fact.qualifiers.get(WORDINGS[name]), edtf=value, lang=lang
                )
            except ValueError as exc:
                raise CurationError(
                    f"fact {fact.id}: {exc}", path=fact.path, line=fact.line
                ) from exc
        else:
            term = _part_term(sg, q["kind"], value, lang)
        sg.add(claim, TKG[q["predicate"]], term)


def _triple(sg: _SourceGraph, claim: URIRef, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
    """The direct triple `s p o` and the claim's record of it."""
    sg.add(s, p, o)
    sg.add(claim, TKG.claimSubject, s)
    sg.add(claim, TKG.claimPredicate, p)
    sg.add(claim, TKG.claimObject if isinstance(o, URIRef) else TKG.claimValue, o)


def _structured(
    sg: _SourceGraph, af: AnchoredFact, claim: URIRef, subject: URIRef, date: URIRef | None,
    lang: str,
) -> None:
    """A structured value as a node of its own class, hung off the subject (factspec.Structure);
    its words in the sentence's language."""
    fact = af.fact
    st = SPEC[fact.property].structure
    assert st is not None
    node = sg.m.resource(fact.property, fact.id)
    sg.add(node, RDF.type, TKG[st.node_class])
    for key, val in sorted(fact.value.items()):
        part = st.part(key)
        assert part is not None  # the loader checked the keys against the spec
        sg.add(node, TKG[part.predicate], _part_term(sg, part.kind, val, lang))
    if fact.qualifiers.get("approximate"):
        # the hedge goes with the numbers wherever they are shown, not only on the claim
        sg.add(node, TKG.approximation, Literal(str(fact.qualifiers["approximate"]), lang=lang))
    if st.reverse:
        if date is not None:
            sg.add(node, TKG.date, date)
        _triple(sg, claim, node, TKG[st.link], subject)
        return
    _triple(sg, claim, subject, TKG[st.link], node)
    if date is not None:
        sg.add(claim, TKG.date, date)


def rdfize_fact(sg: _SourceGraph, af: AnchoredFact) -> None:
    """The direct triple (or node) of a fact, and its claim with full provenance, as the fact
    specification (tarihkg.factspec) maps each field."""
    fact = af.fact
    spec = SPEC[fact.property]
    subject = sg.entity(fact.subject)
    claim = _claim(sg, af)
    lang = sg.language(af.sentence.sentence)
    _qualify(sg, fact, claim, lang)
    date = _fact_date(sg, af, lang)
    if spec.structure is not None:
        _structured(sg, af, claim, subject, date, lang)
        return
    if spec.date_object:
        assert date is not None  # the loader requires `date` for this property
        _triple(sg, claim, subject, TKG[spec.name], date)
        return
    obj: URIRef | Literal
    if spec.object:
        obj = sg.entity(str(fact.object))
    else:
        obj = _part_term(sg, spec.value or "langString", fact.value, lang)
    _triple(sg, claim, subject, TKG[spec.name], obj)
    if date is not None:
        sg.add(claim, TKG.date, date)


def rdfize_source(
    src: AnnotatedSource,
    raw: str,
    facts: Iterable[AnchoredFact],
    registry: Mapping[str, Entity],
    *,
    minter: Minter,
) -> Graph:
    """The named graph of one source: document, spans, mentions, citations, dates, facts."""
    sg = _SourceGraph(src, raw, registry, minter)
    sg.document()
    sg.footnotes(src.extracted)
    sg.sentences()
    for af in facts:
        rdfize_fact(sg, af)
    log.info("%s: %d triples", src.meta.id, len(sg.g))
    return sg.g


def rdfize_dataset(
    sources: Mapping[str, AnnotatedSource],
    raws: Mapping[str, str],
    anchored: Iterable[AnchoredFact],
    registry: Mapping[str, Entity],
    ontology: Graph,
    *,
    minter: Minter,
) -> Dataset:
    """All named graphs: one per source, the curated registry, and the ontology."""
    ds = Dataset()
    by_source: dict[str, list[AnchoredFact]] = {sid: [] for sid in sources}
    for af in anchored:
        by_source[af.fact.source].append(af)
    for sid in sorted(sources):
        g = ds.graph(minter.graph(sid))
        g += rdfize_source(sources[sid], raws[sid], by_source[sid], registry, minter=minter)
    curation = ds.graph(minter.graph("curation"))
    curation += rdfize_registry(registry, minter=minter)
    onto = ds.graph(minter.graph("ontology"))
    onto += ontology
    return ds
