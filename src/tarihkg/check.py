"""A project's inputs -> every problem the build would refuse (and every warning), each at its
file:line, without building anything.

The build stops at the first problem; `tarihkg check` (this module) goes on and lists them
all: source metadata and texts (checksums, layouts the splitter does not understand), the
entity registry, minted ids, and every fact against the fact specification, the registry
and its sentence.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tarihkg.annotate import (
    AnchoredFact,
    AnnotatedSource,
    annotate_source,
    build_lexicon,
    check_aliases,
    check_anchors,
    mentioned_as_warnings,
    new_article_links,
    unconfirmed_warnings,
)
from tarihkg.conflicts import stated_disputes
from tarihkg.curation import (
    Entity,
    Fact,
    SourceMeta,
    confirmed_source_problems,
    minted_problems,
    partial_source_metas,
    read_facts,
    read_registry_entries,
    read_sources_meta,
    unprinted_metadata,
)
from tarihkg.errors import CurationError, TarihkgError
from tarihkg.factspec import WORDINGS, is_a, wording_reading
from tarihkg.names import DATASET
from tarihkg.project import Project
from tarihkg.retired import read_retired
from tarihkg.text.citations import unparsed_references, unread_citations
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import layout_warnings
from tarihkg.text.mentions import LexEntry, Lexicon, find_mentions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One problem (`error`, the build refuses it) or `warning`, with where it is."""

    level: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def _finding(exc: TarihkgError, level: str = "error") -> Finding:
    where = (exc.path or "") + (f":{exc.line}" if exc.line is not None and exc.path else "")
    return Finding(level, where or "(project)", exc.message)


def _read_metas(project: Project, findings: list[Finding]
                ) -> tuple[dict[str, SourceMeta], dict[str, str], bool]:
    """sources.yaml's readable entries, its unreadable ones (id -> file) and whether it was read
    at all; its problems, and every text it does not list, appended to ``findings``. A problem
    in sources.yaml is reported once, at its line: the sources, facts and entities it leaves
    unread are not reported again as missing, unknown or mentioned nowhere."""
    meta_problems: list[TarihkgError]
    try:
        metas, read_problems, unread = read_sources_meta(project.sources_yaml)
        meta_problems = list(read_problems)
    except TarihkgError as exc:
        meta_problems, metas, unread = [exc], {}, {}
        read = False
    else:
        read = True
    findings += [_finding(p) for p in meta_problems]
    if unread:
        findings += _unprinted_of_refused(project, unread)
    listed = {m.file for m in metas.values()} | set(unread.values())
    findings += [
        Finding("error", str(p), "no metadata in sources.yaml (run `tarihkg new-source`)")
        for p in sorted(project.sources_dir.glob("*.txt"))
        if read and p.name not in listed
    ]
    return metas, unread, read


def _unprinted_of_refused(project: Project, unread: dict[str, str]) -> list[Finding]:
    """The keywords and scope of the sources.yaml entries refused for another field (a quoted
    year) checked against their texts all the same, so that one run lists both problems."""
    out = []
    for meta in partial_source_metas(project.sources_yaml, unread).values():
        if not (meta.keywords or meta.scope):
            continue
        try:
            raw = read_source(project.sources_dir / meta.file)
        except TarihkgError:
            continue  # its own problem is reported with the texts
        lifted = [(b.kind, b.text) for b in extract_source(meta.id, raw).lifted]
        out += [_finding(p) for p in unprinted_metadata(meta, raw, project.sources_yaml, lifted)]
    return out


def _read_texts(project: Project, metas: dict[str, SourceMeta], registry: dict[str, Entity],
                findings: list[Finding]) -> tuple[dict[str, AnnotatedSource], set[str]]:
    """Each listed text read, checked against its checksum and layout, and annotated; the ids
    of those that could not be read. A new article (no registry entry's `sources` names it)
    gets one line of the entities it links that came from other articles; every article, a
    warning at each generic name it prints of an entity confirmed for other articles only."""
    lexicon = build_lexicon(registry)
    unconfirmed: list[Finding] = []
    paths: dict[str, Path] = {}
    sources: dict[str, AnnotatedSource] = {}
    unread: set[str] = set()
    for meta in sorted(metas.values(), key=lambda m: m.id):
        path = project.sources_dir / meta.file
        try:
            raw = read_source(path)
        except TarihkgError as exc:
            findings.append(_finding(exc))
            unread.add(meta.id)
            continue
        if meta.sha256 and hashlib.sha256(path.read_bytes()).hexdigest() != meta.sha256:
            findings.append(
                Finding("error", str(path), "the text differs from the sha256 in sources.yaml: "
                        "source texts are never edited (restore it with `git checkout -- data/sources/"
                        f"{path.name}`; for a corrected edition, register it as a new source "
                        "with new-source, README 'Add an article' step 3)")
            )
        extracted = extract_source(meta.id, raw)
        findings += [_finding(p) for p in unprinted_metadata(
            meta, raw, project.sources_yaml, [(b.kind, b.text) for b in extracted.lifted])]
        # A layout the splitter does not understand is a warning, as in the build: a registered
        # text is never edited (docs/model.md), so an error here could not be fixed.
        findings += [
            Finding("warning", f"{path}:{w.line}", w.message)
            for w in layout_warnings(raw, extracted)
        ]
        if extracted.sentences:
            sources[meta.id] = annotate_source(meta, extracted, lexicon)
            findings += [
                Finding("warning", f"{path}:{line}", message)
                for line, message in (*misprint_warnings(sources[meta.id], raw),
                                      *unread_citation_warnings(sources[meta.id], raw))
            ]
            unconfirmed += [
                Finding("warning", f"{path}:{line}", message)
                for line, message in unconfirmed_warnings(sources[meta.id], raw, registry)
            ]
            paths[meta.id] = path
    findings += [
        Finding("warning", f"{paths[sid]}:1", line)
        for sid, line in new_article_links(sources, registry).items()
    ]
    findings += unconfirmed
    return sources, unread


def misprint_warnings(source: AnnotatedSource, raw: str) -> list[tuple[int, str]]:
    """Each printed date the date reader took for a misprint (a year outside the source's
    period, or one contradicting the dates around it), at its 1-based line of ``raw``: the
    words printed, what they print and what they are read as, and how to say otherwise."""
    out = []
    for sent in source.sentences:
        for occ in sent.dates:
            d = occ.date
            if d.corrected_edtf is None:
                continue
            hint = (
                "; if the article means the printed year, give its sources.yaml entry a "
                "`period: [from, to]` that includes it" if "is outside" in (d.note or "") else ""
            )
            out.append((
                raw.count("\n", 0, occ.start) + 1,
                f"'{d.wording}' prints {d.edtf}, read as {d.corrected_edtf}: {d.note}{hint}",
            ))
    return out


_NEXT_CITATION = ("the sentence's facts take the next citation of the paragraph, so give them "
                  "`cited: []` if that is not their source")

#: What looks like a citation and is read as none: the finder, then what to say of it.
_UNREAD = (
    (unread_citations,
     "looks like a citation (a year and pages) but names no author just before it "
     "('Gökdemir’in (2003: 24)', '(Gökdemir, 2003: 24)'): it is read as no citation and not as "
     "a date; " + _NEXT_CITATION),
    (unparsed_references,
     "looks like a reference in a form not read (read are '(Gökdemir, 2003: 24)', '(Gökdemir "
     "2003: 24)', '(Gökdemir, 2003, s. 24)', '(Gökdemir, 2003, C. II, s. 24)', '(ATASE, A, "
     "K.526, D.369, F.43-5)'; 'a.g.e.', 'İbid.' are not resolved to a work): no work is cited "
     "by it; " + _NEXT_CITATION),
)


def unread_citation_warnings(source: AnnotatedSource, raw: str) -> list[tuple[int, str]]:
    """Each parenthesis read as no citation that looks like one, at its 1-based line of
    ``raw``: a year and pages (``(2003: 24)``) with no author named just before it, and a
    reference in a form the parser does not read (``(ATASE, 1993, C. III, K. 1, s. 45)``,
    ``(Kurat, a.g.e., s. 491)``): no work is cited, and its year is not read as a date."""
    works_after = (source.meta.period or DATASET.period)[1]
    out = []
    for sent in source.sentences:
        text, at = sent.sentence.text, sent.sentence.clean_start
        for find, message in _UNREAD:
            for a, b in find(text, works_after=works_after):
                span = source.extracted.original_span(at + a, at + b)
                out.append((raw.count("\n", 0, span.start) + 1, f"'{text[a:b]}' {message}"))
    return out


#: Facts of an event on which a date is when the event's agent or participant took part, not
#: the event's own date: an event dated only there has no `tkg:date` (docs/curation.md).
_TAKING_PART = ("carriedOutBy", "participant")


def event_date_warnings(facts: Iterable[Fact], registry: Mapping[str, Entity]
                        ) -> list[CurationError]:
    """A warning at each dated fact of an event that has no `date` (nor `startDate`/`endDate`)
    fact and whose dated facts are all `carriedOutBy`/`participant`: the date was most likely
    meant as the event's own (docs/curation.md, "Where a date goes"), and the event then has
    no `tkg:date`, so it is missing from its page's date, the timeline and date queries."""
    by_event: dict[str, list[Fact]] = {}
    for fact in facts:
        ent = registry.get(fact.subject)
        if ent is not None and is_a(ent.type, ("Event",)):
            by_event.setdefault(fact.subject, []).append(fact)
    out = []
    for eid, own in by_event.items():
        if any(f.property in ("date", "startDate", "endDate") for f in own):
            continue
        dated = [f for f in own if f.date or f.qualifiers.get("from") or f.qualifiers.get("until")]
        if not dated or any(f.property not in _TAKING_PART for f in dated):
            continue
        for f in dated:
            when = f.date or f.qualifiers.get("from") or f.qualifiers.get("until")
            out.append(CurationError(
                f"fact {f.id}: event {eid!r} has dated facts but no date fact: its only date "
                f"({when}) is on this {f.property} fact, where it says when that one took part; "
                f"give the event its own date fact ({{subject: {eid}, property: date, date: "
                f"\"{when}\", date_wording: …}}, docs/curation.md \"Where a date goes\"), "
                "else the event has no tkg:date and is missing from the timeline",
                path=f.path, line=f.line,
            ))
    return out


def fact_warnings(anchored: list[AnchoredFact], registry: Mapping[str, Entity],
                  sources: Mapping[str, AnnotatedSource] | None = None) -> list[CurationError]:
    """The warnings of the facts (check and build give the same): `mentioned_as` words that name
    another entity, an event dated only on its agents' or participants' facts, and a date no
    wording checked that lies outside its article's period (``sources``: the articles)."""
    periods = {sid: src.meta.period or DATASET.period for sid, src in (sources or {}).items()}
    return [
        *mentioned_as_warnings(anchored, build_lexicon(registry), registry),
        *event_date_warnings((af.fact for af in anchored), registry),
        *unchecked_date_warnings((af.fact for af in anchored), periods),
    ]


_YEARS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def unchecked_date_warnings(facts: Iterable[Fact], periods: Mapping[str, tuple[int, int]]
                            ) -> list[CurationError]:
    """A warning at each date (`date`, `from`, `until`) whose wording the parser does not read,
    so that nothing checked the value, and whose year lies outside the article's period: the
    slip of a date copied from another calendar ('1335-01-17' for '17 Kânunusani 1335', before
    Rumi dates were read; a Hijri date) passes otherwise (the outside trial newart4)."""
    out = []
    for fact in facts:
        period = periods.get(fact.source)
        if period is None:
            continue
        for q, wq in WORDINGS.items():
            when = fact.date if q == "date" else fact.qualifiers.get(q)
            wording = fact.date_wording if q == "date" else fact.qualifiers.get(wq)
            if not (when and wording) or wording_reading(wording) is not None:
                continue
            outside = [y for y in _YEARS.findall(when) if not period[0] <= int(y) <= period[1]]
            if not outside or all(y in " ".join(fact.note.values()) for y in outside):
                continue  # in the period, or the note names the year: a reviewer said so
            out.append(CurationError(
                f"fact {fact.id}: {q} {when!r} lies outside the article's period "
                f"({period[0]}–{period[1]}) and its wording {wording!r} is not a date the parser "
                "reads, so nothing checked it: a date printed in another calendar is written as "
                "its Gregorian reading (Rumi dates are read: docs/curation.md, 'Dates in the Rumi "
                "calendar'); if the value is right, name its year in the fact's note",
                path=fact.path, line=fact.line))
    return out


def printed_texts(sources: dict[str, AnnotatedSource]) -> list[str]:
    """Everything the articles print, as the text stage cleaned it: sentences, headings and
    what it lifted (title, keyword lines, abstracts, bibliography, page headers)."""
    return [
        text
        for src in sources.values()
        for text in (
            *(a.sentence.text for a in src.sentences),
            *(h.text for h in src.extracted.headings),
            *(" ".join(lifted.text.split()) for lifted in src.extracted.lifted),
        )
    ]


def unattested_aliases(registry: dict[str, Entity], sources: dict[str, AnnotatedSource]
                       ) -> list[Finding]:
    """A warning at each alias no source text prints (Turkish-aware, with suffixes), which
    docs/curation.md asks of every alias unless the entry says `unattested: true`: in its
    sentences, its headings or what the splitter lifted (title, keyword lines, abstracts,
    bibliography), all printed by the article, though only sentences are linked. An entity
    none of whose aliases is printed and that no `mentioned_in` anchors is left to "mentioned
    nowhere"."""
    keyed = {
        f"{ent.id}#{i}": (ent, alias)
        for ent in registry.values() if not (ent.deprecated or ent.unattested)
        for i, alias in enumerate(dict.fromkeys(ent.aliases)) if alias.strip()
    }
    texts = printed_texts(sources)

    def printed(entries: list[LexEntry]) -> set[str]:
        lexicon = Lexicon.build(entries)
        found: set[str] = set()
        for text in texts:
            for m in find_mentions(text, lexicon):
                found.update((m.entity_id, *m.candidates) if m.entity_id else m.candidates)
        return found

    found = printed([LexEntry(k, ent.type, (alias,)) for k, (ent, alias) in keyed.items()])
    # An alias inside a longer one ('Nuri Paşa' in 'Nuri Paşa Killigil') loses to it in one
    # lexicon: each one not found is looked for on its own.
    missing = [k for k in keyed if k not in found]
    missing = [k for k in missing if k not in printed([LexEntry(k, keyed[k][0].type,
                                                                (keyed[k][1],))])]
    seen_ids = {keyed[k][0].id for k in found}
    lines: dict[str, list[str]] = {}
    out = []
    for key in missing:
        ent, alias = keyed[key]
        if ent.id not in seen_ids and not ent.mentioned_in:
            continue  # "mentioned nowhere" says it
        text = lines.setdefault(ent.path, Path(ent.path).read_text("utf-8").splitlines())
        line = next((n for n in range(ent.line, len(text) + 1) if alias in text[n - 1]), ent.line)
        out.append(Finding(
            "warning", f"{ent.path}:{line}",
            f"alias {alias!r} of {ent.id} is printed in no source text: correct or drop it "
            "(a name seen elsewhere goes under names_elsewhere, with where it was seen)",
        ))
    return out


def _names_refused(problem: TarihkgError, refused: set[str]) -> bool:
    """Whether ``problem`` is a fact's use of a registry entry that was written but refused
    (its one error, at the entry, says why): an unknown type gave one error at the entry and
    one more per fact using it."""
    return any(f"{ident!r} is not in the entity registry" in problem.message for ident in refused)


def _retired_findings(project: Project, facts: list[Fact], fact_problems: list[CurationError]
                      ) -> list[Finding]:
    """The problems of retired-facts.yaml. A fact refused for a field (its one error says why)
    is still written: a retired fact it replaces is not reported again as replaced by no live
    fact."""
    live = {f.id for f in facts}
    refused = {m.group(1) for p in fact_problems
               if (m := re.match(r"fact (\S+): ", p.message)) and m.group(1) not in live}
    return [
        _finding(p) for p in read_retired(project.retired_file, facts)[1]
        if not any(f"replaced_by {ident!r} is not a live fact" in p.message for ident in refused)
    ]


def check_project(project: Project) -> list[Finding]:
    """Every error and warning of the project's inputs, in the order files are read."""
    findings: list[Finding] = []
    registry, problems, refused = read_registry_entries(project.entities_dir)
    problems += minted_problems(registry, project.minted_file, refused)
    findings += [_finding(p) for p in problems]
    metas, unread, sources_yaml_read = _read_metas(project, findings)
    if sources_yaml_read:
        findings += [_finding(p) for p in confirmed_source_problems(registry, {*metas, *unread})]
    sources, failed = _read_texts(project, metas, registry, findings)
    unread_sources = set(unread) | failed | (set() if sources_yaml_read else {"*"})
    facts, problems = read_facts(project.facts_dir)
    findings += [_finding(p) for p in problems]
    findings += _retired_findings(project, facts, problems)
    # The facts of a source that could not be read would each repeat the source's error.
    facts = [
        f for f in facts
        if f.source in sources
        or (f.source not in metas and f.source not in unread and sources_yaml_read)
    ]
    anchored, problems = check_anchors(facts, sources, registry)
    findings += [_finding(p) for p in problems if not _names_refused(p, refused)]
    findings += [_finding(p) for p in stated_disputes(anchored)[1]]
    findings += [_finding(p, "warning") for p in fact_warnings(anchored, registry, sources)]
    if not unread_sources:  # "mentioned nowhere" needs every text read
        findings += [
            Finding("warning", w.split(": ", 1)[0], w.split(": ", 1)[1])
            for w in check_aliases(registry, sources)
        ]
        findings += unattested_aliases(registry, sources)
    return findings
