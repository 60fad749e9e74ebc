"""Sources + registry + facts -> annotated sentences (citations, dates, mentions) and anchored facts.

No RDF here: this is the part of stage 1 that reviewers diff in data/extracted/. Every
occurrence keeps code-point offsets into the original file.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tarihkg.curation import (
    Entity,
    Fact,
    SourceMeta,
    first_problem,
    repeated_groups,
)
from tarihkg.errors import CurationError
from tarihkg.factspec import DATE_SENTENCE, PRINTED_OBJECT, SPEC, WORDINGS, is_a, object_classes
from tarihkg.names import DATASET
from tarihkg.text.citations import Citation, find_citations
from tarihkg.text.dates import DateExpr, find_dates, resolve_dates
from tarihkg.text.mentions import LexEntry, Lexicon, MentionMatch, find_mentions
from tarihkg.text.model import ExtractedSource, Sentence
from tarihkg.text.turkish import tr_casefold

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CitationOcc:
    """An in-text citation in a sentence, with original offsets."""

    start: int
    end: int
    citation: Citation


@dataclass(frozen=True)
class DateOcc:
    """A date expression in a sentence, with original offsets."""

    start: int
    end: int
    date: DateExpr


@dataclass(frozen=True)
class MentionOcc:
    """A mention of a registry entity (or an ambiguous, unlinked one), with original offsets."""

    start: int
    end: int
    surface: str
    entity_id: str | None
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class AnnotatedSentence:
    """A sentence with everything found in it. ``held``: names of entities not confirmed for
    this source (registry `sources`), found but not linked (``candidates`` are those entities);
    not in the graph nor in the annotations JSON, reported by `tarihkg check`."""

    sentence: Sentence
    citations: tuple[CitationOcc, ...]
    dates: tuple[DateOcc, ...]
    mentions: tuple[MentionOcc, ...]
    held: tuple[MentionOcc, ...] = ()


@dataclass(frozen=True)
class AnnotatedSource:
    """An extracted source with its annotated sentences, in document order."""

    meta: SourceMeta
    extracted: ExtractedSource
    sentences: tuple[AnnotatedSentence, ...]

    def to_json(self) -> str:
        """Deterministic JSON of the annotations (the text layout is in the extract's own JSON)."""
        rows = []
        for a in self.sentences:
            rows.append(
                {
                    "sentence": [a.sentence.start, a.sentence.end],
                    "citations": [[c.start, c.end, c.citation.text] for c in a.citations],
                    "dates": [[d.start, d.end, d.date.wording, d.date.edtf] for d in a.dates],
                    "mentions": [
                        [m.start, m.end, m.surface, m.entity_id, list(m.candidates)]
                        for m in a.mentions
                    ],
                }
            )
        return json.dumps(
            {"source": self.meta.id, "sentences": rows},
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )


@dataclass(frozen=True)
class AnchoredFact:
    """A curated fact found in its sentence: the sentence, the citations backing it, its date occurrence."""

    fact: Fact
    sentence: AnnotatedSentence
    supported_by: tuple[CitationOcc, ...]
    citation_from_sentence: bool
    date: DateOcc | None


def build_lexicon(registry: Mapping[str, Entity]) -> Lexicon:
    """The matcher's lexicon: every non-deprecated entity with its label and aliases."""
    entries = []
    for ent in registry.values():
        if ent.deprecated:
            continue
        aliases = tuple(
            dict.fromkeys((*ent.aliases, ent.label_tr) if not ent.unattested else ent.aliases)
        )
        entries.append(LexEntry(ent.id, ent.type, aliases, ent.not_in, ent.only_in, ent.sources))
    return Lexicon.build(entries)


def annotate_source(
    meta: SourceMeta, extracted: ExtractedSource, lexicon: Lexicon
) -> AnnotatedSource:
    """Find citations, dates and mentions in every sentence; resolve year-less and relative dates."""
    out: list[tuple[Sentence, list[CitationOcc], list[tuple[int, DateExpr]], list[MentionOcc],
                    list[MentionOcc]]] = []
    works_after = (meta.period or DATASET.period)[1]
    for sent in extracted.sentences:

        def orig(a: int, b: int, s: Sentence = sent) -> tuple[int, int]:
            span = extracted.original_span(s.clean_start + a, s.clean_start + b)
            return span.start, span.end

        cits = [CitationOcc(*orig(c.start, c.end), c)
                for c in find_citations(sent.text, works_after=works_after)]
        dates = [(i, d) for i, d in enumerate(find_dates(sent.text, works_after=works_after))]
        found = find_mentions(sent.text, lexicon, meta.id)
        ments = [
            MentionOcc(*orig(m.start, m.end), m.surface, m.entity_id, m.candidates)
            for m in found
            if m.candidates
        ]
        held = [
            MentionOcc(*orig(m.start, m.end), m.surface, None, m.held)
            for m in found
            if m.held and not m.candidates
        ]
        out.append((sent, cits, dates, ments, held))
    # Resolve dates in document order (year-less dates take the year of the last full date).
    flat = [d for _, _, dates, _, _ in out for _, d in dates]
    resolved = iter(resolve_dates(flat, period=meta.period or DATASET.period))
    sentences = []
    for sent, cits, dates, ments, held in out:
        occs = []
        for _, _ in dates:
            d = next(resolved)
            span = extracted.original_span(sent.clean_start + d.start, sent.clean_start + d.end)
            occs.append(DateOcc(span.start, span.end, d))
        sentences.append(
            AnnotatedSentence(sent, tuple(cits), tuple(occs), tuple(ments), tuple(held))
        )
    log.info(
        "%s: %d sentences, %d citations, %d dates, %d mentions",
        meta.id,
        len(sentences),
        sum(len(s.citations) for s in sentences),
        sum(len(s.dates) for s in sentences),
        sum(len(s.mentions) for s in sentences),
    )
    return AnnotatedSource(meta, extracted, tuple(sentences))


@lru_cache(maxsize=65536)  # find_quote squashes every sentence once per quote looked for
def _squash(text: str) -> str:
    return " ".join(text.split())


def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a


def find_quote(source: AnnotatedSource, quote: str) -> list[AnnotatedSentence]:
    """Sentences of `source` whose text contains `quote` (whitespace-insensitive, exact otherwise)."""
    needle = _squash(quote)
    return [a for a in source.sentences if needle in _squash(a.sentence.text)]


def supporting_citations(
    source: AnnotatedSource, sent: AnnotatedSentence
) -> tuple[tuple[CitationOcc, ...], bool]:
    """The citations backing a sentence: its own, else the next one in the same paragraph.

    Returns the citations and whether they come from the sentence itself. Scholarly Turkish
    prose often closes a run of sentences with one citation; a fact stated earlier in the
    run is backed by that closing citation. Sentences of another zone (the footnotes printed
    at a page foot, inside a paragraph that runs on to the next page) are stepped over; a
    new paragraph of the same zone ends the run.
    """
    if sent.citations:
        return sent.citations, True
    idx = source.sentences.index(sent)
    for later in source.sentences[idx + 1 :]:
        if later.sentence.paragraph != sent.sentence.paragraph:
            if later.sentence.zone == sent.sentence.zone:
                break
            continue
        if later.citations:
            return later.citations[:1], False
    return (), False


def check_anchors(
    facts: Iterable[Fact],
    sources: Mapping[str, AnnotatedSource],
    registry: Mapping[str, Entity],
) -> tuple[list[AnchoredFact], list[CurationError]]:
    """Check each fact against the registry and its text; the anchored facts and every problem.

    A problem (a CurationError at the fact's file:line): an unknown source, subject or object;
    a subject or object of a class the fact specification does not allow; a sentence found in
    no sentence of the source or in several; a subject or object not mentioned in the sentence
    (by a name the matcher finds, the entity's `mentioned_in`, or the fact's `mentioned_as`
    words, which must be in the sentence) unless `mention_check: false`; a `date_wording`
    not in the sentence.
    """
    anchored: list[AnchoredFact] = []
    problems: list[CurationError] = []
    unfound: set[tuple[str, int]] = set()  # groups whose quote is found nowhere: reported once
    for fact in facts:
        class_problems = _class_problems(fact, registry)
        problems += class_problems
        try:
            af = _anchor(fact, sources, registry)
        except QuoteNotFound as exc:
            if (fact.path, fact.group_line) not in unfound:
                unfound.add((fact.path, fact.group_line))
                problems.append(exc)
            continue
        except CurationError as exc:
            problems.append(exc)
            continue
        if not class_problems:
            anchored.append(af)
    # Two groups of one file whose quotes (one inside the other, or two pieces of it) resolve to
    # one sentence: the sentence is written once, its facts under one group.
    problems += repeated_groups(
        ((af.fact, (af.fact.source, af.sentence.sentence.start)) for af in anchored),
        skip_same_quote=True,
    )
    return anchored, problems


def anchor_facts(
    facts: Iterable[Fact],
    sources: Mapping[str, AnnotatedSource],
    registry: Mapping[str, Entity],
) -> list[AnchoredFact]:
    """`check_anchors`, raising the first problem."""
    anchored, problems = check_anchors(facts, sources, registry)
    if problems:
        raise first_problem(problems)
    return anchored


def _class_problems(fact: Fact, registry: Mapping[str, Entity]) -> list[CurationError]:
    """The subject and every entity the fact names: in the registry, of a class its property takes."""
    spec = SPEC[fact.property]
    named: list[tuple[str, str, tuple[str, ...]]] = [("subject", fact.subject, spec.subject)]
    for role, classes in object_classes(spec).items():
        if role.startswith("value."):
            ref = (fact.value or {}).get(role[len("value.") :])
        else:
            ref = fact.object if role == "object" else fact.qualifiers.get(role)
        if ref is not None:
            named.append((role, str(ref), classes))
    problems = []
    for role, ref, classes in named:
        ent = registry.get(ref)
        if ent is None:
            problems.append(_refuse(
                fact, f"{role} {ref!r} is not in the entity registry{_did_you_mean(ref, registry)}"))
        elif not is_a(ent.type, classes):
            problems.append(
                _refuse(
                    fact,
                    f"{role} {ref!r} is {'an' if ent.type[0] in 'AEIOU' else 'a'} {ent.type}; "
                    f"'{fact.property}' takes "
                    f"{' or '.join(classes)} (docs/model.md)",
                )
            )
    return problems


def _did_you_mean(ref: str, registry: Mapping[str, Entity]) -> str:
    """'; did you mean `ordubad` (Ordubad)?' for an unknown id close to a registry id, or to a
    label or alias of an entry (a name typed for the id: 'Ordubad', 'nuri paşa'); '' if none."""
    ids = [e.id for e in registry.values() if not e.deprecated]
    close = difflib.get_close_matches(ref, ids, n=1, cutoff=0.8)
    if not close:
        names: dict[str, str] = {}
        for e in registry.values():
            if not e.deprecated:
                for name in (e.label_tr, *e.aliases):
                    names.setdefault(tr_casefold(name), e.id)
        named = difflib.get_close_matches(tr_casefold(ref.replace("-", " ")), list(names), n=1,
                                          cutoff=0.8)
        close = [names[named[0]]] if named else []
    if not close:
        return ""
    return f"; did you mean `{close[0]}` ({registry[close[0]].label_tr})?"


def _anchor(
    fact: Fact, sources: Mapping[str, AnnotatedSource], registry: Mapping[str, Entity]
) -> AnchoredFact:
    src = sources.get(fact.source)
    if src is None:
        raise _refuse(fact, f"unknown source {fact.source!r}")
    sent = _the_sentence(fact, src)
    text = tr_casefold(_squash(sent.sentence.text))
    for role, words in sorted(fact.mentioned_as.items()):
        if tr_casefold(_squash(words)) not in text:
            raise _refuse(fact, f"mentioned_as {role} {words!r} is not in its sentence")
    if fact.mention_check:
        _check_mentioned(fact, sent, registry)
    date_occ = _date_occurrence(fact, _dating_sentence(fact, src, sent), sent)
    for name in (*WORDINGS.values(), "approximate", PRINTED_OBJECT):
        wording = fact.qualifiers.get(name)
        if wording and tr_casefold(_squash(wording)) not in text:
            raise _refuse(fact, f"{name} {wording!r} is not in its sentence")
    if fact.cited == ():
        # The reviewer read that no citation backs this fact: not the sentence's own, not the one
        # closing its paragraph (which may belong to the next point).
        return AnchoredFact(fact, sent, (), False, date_occ)
    if fact.cited is not None and len(sent.citations) < 2:
        raise _refuse(
            fact,
            f"'cited' chooses among the citations of its sentence, which prints "
            f"{len(sent.citations) or 'no'} citation{'s' if len(sent.citations) != 1 else ''}: "
            "nothing to choose; leave 'cited' out (or write [] if none backs the fact)",
        )
    cits, own = _cited(fact, sent) if len(sent.citations) > 1 else supporting_citations(src, sent)
    return AnchoredFact(fact, sent, cits, own, date_occ)


def _cited(fact: Fact, sent: AnnotatedSentence) -> tuple[tuple[CitationOcc, ...], bool]:
    """The citations of a sentence that prints several which back this fact: the ones its
    `cited` numbers (in printed order). Not saying which is refused: each clause of such a
    sentence is backed by its own citation, and giving every fact all of them overstates."""
    listed = "; ".join(
        f"{i} = {' '.join(c.citation.text.split())!r}" for i, c in enumerate(sent.citations, 1)
    )
    if fact.cited is None:
        raise _refuse(
            fact,
            f"its sentence ({sent.sentence.start}-{sent.sentence.end}) prints "
            f"{len(sent.citations)} citations ({listed}); say which back this fact: "
            "cited: [n, ...], or [] for none",
        )
    wrong = [n for n in fact.cited if n > len(sent.citations)]
    if wrong:
        raise _refuse(
            fact, f"cited {wrong[0]}: its sentence prints only {len(sent.citations)} ({listed})"
        )
    return tuple(sent.citations[n - 1] for n in fact.cited), bool(fact.cited)


class QuoteNotFound(CurationError):
    """A group's `sentence:` quote is in no sentence of its source: one problem per group."""


#: Characters a curator types for the ones the texts print: straight for typographic quotes
#: and apostrophes (one character for one, so offsets survive).
_TYPED = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def _near_miss(src: AnnotatedSource, quote: str) -> str:
    """A hint for a quote found nowhere: the text's own words when the quote differs from them
    only in quote marks, apostrophes, dashes or whitespace, and which characters differ."""
    needle = _squash(quote).translate(_TYPED)
    for a in src.sentences:
        text = _squash(a.sentence.text)
        i = text.translate(_TYPED).find(needle)
        if i < 0:
            continue
        printed = text[i : i + len(needle)]
        typed = _squash(quote)
        pairs = sorted({(p, t) for p, t in zip(printed, typed, strict=False) if p != t})
        what = ", ".join(f"{p} not {t}" for p, t in pairs) if pairs else "whitespace"
        return f"; did you mean {printed!r} ({what})?"
    return ""


def _crossing(src: AnnotatedSource, quote: str) -> str:
    """Where a quote runs over the end of one sentence into the next: which words end the
    first, and what to do (one group per sentence); '' where it does not."""
    needle = _squash(quote)
    pairs = []
    for i, a in enumerate(src.sentences):
        # the next sentence of its zone: a footnote printed between two body sentences is
        # stepped over
        nxt = next((b for b in src.sentences[i + 1:] if b.sentence.zone == a.sentence.zone), None)
        if nxt is not None:
            pairs.append((_squash(a.sentence.text), _squash(nxt.sentence.text)))
    for first, second in pairs:
        joined = f"{first} {second}"
        i = joined.find(needle)
        if i < 0 or i >= len(first) or i + len(needle) <= len(first) + 1:
            continue
        return (
            f"; the words cross a sentence end: the text's sentence ends at "
            f"{first[max(i, len(first) - 30):]!r} and the next begins "
            f"{second[: min(30, i + len(needle) - len(first) - 1)]!r}: a group quotes one "
            "sentence; put the facts of each under a group of its own"
        )
    return ""


def _the_sentence(fact: Fact, src: AnnotatedSource) -> AnnotatedSentence:
    """The one sentence of the source holding the fact's quote (none or several: refused)."""
    hits = find_quote(src, fact.quote)
    if not hits:
        raise QuoteNotFound(
            f"sentence not found in {fact.source}: {fact.quote!r}"
            f"{_crossing(src, fact.quote) or _near_miss(src, fact.quote)}",
            path=fact.path,
            line=_sentence_line(fact),
        )
    if len(hits) > 1:
        offsets = ", ".join(f"{h.sentence.start}-{h.sentence.end}" for h in hits)
        raise _refuse(
            fact, f"the words are in {len(hits)} sentences ({offsets}); quote more of the one meant"
        )
    return hits[0]


def _check_mentioned(
    fact: Fact, sent: AnnotatedSentence, registry: Mapping[str, Entity]
) -> None:
    """The fact's subject and object are each mentioned in the sentence (or given words there by
    mentioned_as, or anchored there by a mentioned_in quote); otherwise refused."""
    # An ambiguous mention (several candidates) is resolved by the curated fact naming one.
    mentioned = {m.entity_id for m in sent.mentions if m.entity_id}
    mentioned |= {c for m in sent.mentions for c in m.candidates}
    roles: tuple[tuple[str, str | None], ...] = (
        ("subject", fact.subject),
        ("object", fact.object),
    )
    for role, named in roles:
        if (
            named is None
            or named not in registry
            or named in mentioned
            or role in fact.mentioned_as
            or _anchored_here(registry[named], fact.source, sent)
        ):
            continue
        words = [m.surface for m in sent.held if named in m.candidates]
        if words:
            ent = registry[named]
            raise _refuse(
                fact,
                f"{role} {named!r} is named in its sentence by {words[0]!r}, but its names are "
                f"linked only in the sources a curator confirmed ({', '.join(ent.sources)}): add "
                f"{fact.source} to its `sources` ({ent.path}) if this article means this entity",
            )
        raise _refuse(
            fact,
            f"{role} {named!r} is not mentioned in its sentence "
            f"({sent.sentence.start}-{sent.sentence.end}); give the words that refer to it "
            f"(mentioned_as: {{{role}: ...}})",
        )


def _dating_sentence(
    fact: Fact, src: AnnotatedSource, sent: AnnotatedSentence
) -> AnnotatedSentence:
    """The sentence that prints the fact's date: its own, or the earlier sentence of the same
    paragraph its `date_sentence` quotes (one sentence of the source, same zone and paragraph,
    before the fact's); anything else is refused."""
    words = fact.qualifiers.get(DATE_SENTENCE)
    if not words:
        return sent
    hits = find_quote(src, words)
    if len(hits) != 1:
        raise _refuse(
            fact,
            f"{DATE_SENTENCE} {words!r} is in {len(hits) or 'no'} sentence"
            f"{'s' if len(hits) != 1 else ''} of {fact.source}"
            + ("; quote more of the one meant" if hits else ""),
        )
    earlier, own = hits[0].sentence, sent.sentence
    if (earlier.zone, earlier.footnote, earlier.paragraph) != (own.zone, own.footnote, own.paragraph):
        raise _refuse(
            fact,
            f"{DATE_SENTENCE} {words!r} ({earlier.start}-{earlier.end}) is not in the paragraph "
            f"of the fact's sentence ({own.start}-{own.end}): a date is taken only from an "
            "earlier sentence of the same paragraph",
        )
    if earlier.index >= own.index:
        raise _refuse(
            fact,
            f"{DATE_SENTENCE} {words!r} ({earlier.start}-{earlier.end}) is not before the fact's "
            f"sentence ({own.start}-{own.end}): a date is taken only from an earlier sentence",
        )
    return hits[0]


def _date_occurrence(fact: Fact, sent: AnnotatedSentence, own: AnnotatedSentence) -> DateOcc | None:
    """The date expression of the sentence the fact's date wording names, if any; wording that
    is in no date expression must still be in the sentence's text. ``sent`` is the sentence
    that prints the date (``own``, the fact's, unless `date_sentence` names an earlier one)."""
    if not fact.date_wording:
        return None
    key = tr_casefold(_squash(fact.date_wording))
    date_occ = next(
        (d for d in sent.dates if _overlaps(key, tr_casefold(_squash(d.date.wording)))),
        None,
    )
    if date_occ is None and key not in tr_casefold(_squash(sent.sentence.text)):
        where = "its sentence" if sent is own else f"its {DATE_SENTENCE}"
        raise _refuse(fact, f"date wording {fact.date_wording!r} is not in {where}")
    if date_occ is None and sent is not own:
        raise _refuse(
            fact,
            f"date wording {fact.date_wording!r} is in its {DATE_SENTENCE} but is no date the "
            "parser reads there: a date from an earlier sentence must be one of its dates",
        )
    return date_occ


def _sentence_line(fact: Fact) -> int:
    """The line of the `sentence:` key of the fact's group (the group's line if not found)."""
    try:
        lines = Path(fact.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return fact.group_line or fact.line
    start = max(fact.group_line - 1, 0)
    for n, text in enumerate(lines[start : fact.line or None], start + 1):
        stripped = text.lstrip("- ").lstrip()
        if stripped.startswith("sentence:"):
            return n
    return fact.group_line or fact.line


def _refuse(fact: Fact, message: str) -> CurationError:
    return CurationError(f"fact {fact.id}: {message}", path=fact.path, line=fact.line)


def _anchored_here(ent: Entity, source: str, sent: AnnotatedSentence) -> bool:
    """True if one of the entity's `mentioned_in` quotes lies in this sentence (described, not named)."""
    text = _squash(sent.sentence.text)
    return any(a.source == source and _squash(a.quote) in text for a in ent.mentioned_in)


def check_aliases(
    registry: Mapping[str, Entity], sources: Mapping[str, AnnotatedSource]
) -> list[str]:
    """Warnings for aliases that no text uses (after suffix-aware matching) and entities never mentioned."""
    found: set[str] = set()
    for src in sources.values():
        for a in src.sentences:
            found.update(m.entity_id for m in a.mentions if m.entity_id)
            found.update(c for m in a.mentions for c in m.candidates)
    problems = []
    for ent in registry.values():
        if ent.deprecated or ent.unattested or ent.id in found:
            continue
        anchored = any(
            find_quote(sources[a.source], a.quote) for a in ent.mentioned_in if a.source in sources
        )
        if not anchored:
            problems.append(f"{ent.path}:{ent.line}: {ent.id} is mentioned nowhere in the texts")
    return problems


def _iri_path(ent: Entity) -> str:
    return f"{ent.segment}/{ent.id}"


def _line_of(raw: str, offset: int) -> int:
    return raw.count("\n", 0, offset) + 1


def unconfirmed_warnings(
    source: AnnotatedSource, raw: str, registry: Mapping[str, Entity]
) -> list[tuple[int, str]]:
    """One warning per entity whose names ``source`` prints but which a curator confirmed only
    for other sources (registry `sources`): at the 1-based line of ``raw`` of the first
    occurrence, with the words, how often and the other lines, and what to do."""
    by_entity: dict[str, list[MentionOcc]] = {}
    for a in source.sentences:
        for m in a.held:
            for eid in m.candidates:
                by_entity.setdefault(eid, []).append(m)
    out = []
    sid = source.meta.id
    for eid, occs in sorted(by_entity.items(), key=lambda kv: kv[1][0].start):
        ent = registry[eid]
        lines = sorted({_line_of(raw, m.start) for m in occs})
        more = (
            f" ({len(occs)} times; also line{'s' if len(lines) > 2 else ''} "
            f"{', '.join(map(str, lines[1:]))})" if len(lines) > 1
            else f" ({len(occs)} times)" if len(occs) > 1 else ""
        )
        out.append((
            lines[0],
            f"{occs[0].surface!r}{more} matches {_iri_path(ent)} (confirmed in "
            f"{', '.join(ent.sources)}: {ent.label_en}): not linked in {sid}; add {sid} to its "
            f"`sources` ({ent.path}) if the article means this entity, or register the "
            "article's own",
        ))
    return out


def new_article_links(
    sources: Mapping[str, AnnotatedSource], registry: Mapping[str, Entity]
) -> dict[str, str]:
    """For each new article (a source no registry entry's `sources` names), one line: the
    entities it links that are also linked or anchored in another source (names that came
    from other articles), each with how many times, and how many names it left unlinked."""
    confirmed = {sid for ent in registry.values() for sid in ent.sources}
    linked_in: dict[str, dict[str, int]] = {}
    for sid, src in sources.items():
        counts = linked_in.setdefault(sid, {})
        for a in src.sentences:
            for m in a.mentions:
                if m.entity_id:
                    counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    elsewhere = {
        eid: {sid for sid, counts in linked_in.items() if eid in counts}
        | {a.source for a in ent.mentioned_in}
        for eid, ent in registry.items()
    }
    out = {}
    for sid in sorted(sources):
        if sid in confirmed:
            continue
        counts = linked_in[sid]
        old = sorted(
            ((eid, n) for eid, n in counts.items() if elsewhere.get(eid, set()) - {sid}),
            key=lambda kv: (-kv[1], kv[0]),
        )
        held = sum(len(a.held) for a in sources[sid].sentences)
        listed = ", ".join(f"{_iri_path(registry[eid])} {n}" for eid, n in old) or "none"
        out[sid] = (
            f"new article (no registry entry's `sources` names {sid}): it links "
            f"{len(old)} entities registered from other articles, read each in its sentences "
            f"(README \"Add an article\", step 4): {listed}"
            + (f"; {held} generic name{'s' if held != 1 else ''} left unlinked (warnings below)"
               if held else "")
        )
    return out


def _words_span(text: str, words: str) -> tuple[int, int] | None:
    """Where ``words`` stand in ``text`` (Turkish-aware case, any whitespace), extended to the
    end of the word they end in (a suffix left off: 'Azerbaycan' in 'Azerbaycan’ı')."""
    parts = [re.escape(w) for w in words.split()]
    if not parts:
        return None
    folded = tr_casefold(text)
    m = (
        re.compile(r"\s+".join(re.escape(tr_casefold(w)) for w in words.split())).search(folded)
        if len(folded) == len(text) else None
    ) or re.compile(r"\s+".join(parts), re.IGNORECASE).search(text)
    if m is None:
        return None
    end = m.end()
    while end < len(text) and not text[end].isspace() and text[end] not in ",;:.()[]":
        end += 1
    return m.start(), end


def _named_by_its_land(named: Entity, others: list[Entity]) -> bool:
    """A polity named by the land it is named after: every entity the words name is a place
    whose name (label or alias) begins one of the polity's names ('Azerbaycan' for
    Azerbaycan Cumhuriyeti, 'Türkiye ile Azerbaycan arasında' of a treaty's parties)."""
    if not is_a(named.type, ("Polity",)) or not others:
        return False
    own = [tr_casefold(n) for n in (named.label_tr, *named.aliases)]
    return all(
        is_a(o.type, ("Place",))
        and any(n.startswith(tr_casefold(p) + " ") for p in (o.label_tr, *o.aliases) for n in own)
        for o in others
    )


def _others_named(words: str, named: str, text: str, found: list[MentionMatch],
                  lexicon: Lexicon, registry: Mapping[str, Entity],
                  held_count: bool = True) -> list[Entity]:
    """The registry entities other than ``named`` that ``words`` name, as a whole, where they
    stand in the sentence ``text`` (``found``: the matcher's mentions there); [] where they
    name ``named`` too, or the rules of `mentioned_as_warnings` leave them unreported.
    ``held_count``: an entity held there (a generic name not confirmed for the article) is
    among them."""
    span = _words_span(text, words)
    whole = [m for m in found if (m.start, m.end) == span]
    if not whole:
        return []
    ids = dict.fromkeys((*whole[0].candidates, *(whole[0].held if held_count else ())))
    if not ids or named in ids:
        return []
    if named in lexicon.ids and any(
        named in m.candidates for m in find_mentions(_squash(words), lexicon.only(named))
    ):
        return []  # 'Batum Konferansı' for Batum, '38. Alayın 3. taburu' for 38. Alay
    others = [registry[e] for e in ids if e in registry]
    return [] if _named_by_its_land(registry[named], others) else others


def mentioned_as_warnings(
    anchored: Iterable[AnchoredFact], lexicon: Lexicon, registry: Mapping[str, Entity]
) -> list[CurationError]:
    """A warning (at the fact's file:line) for each `mentioned_as` whose words, as a whole, are
    where the matcher finds a name of another registry entity than the one the fact names in
    that role, linked in the fact's article, or held there (a generic name not confirmed for it)
    while no registry entry's `sources` names the article yet (once a curator has reviewed its
    generic names, another article's own entity is not what its words name), naming both:
    'Nahçıvan’ı' for kars, 'İngiliz birlikleri' for ingiltere (the British force of 1918, not
    the state). Not reported (docs/curation.md, "mentioned_as"): words that also name the fact's
    entity ('Batum Konferansı' for Batum, '38. Alayın 3. taburu' for 38. Alay: a unit named
    through its sub-unit, a place through its station); a polity named by the land it is named
    after ('Azerbaycan' for Azerbaycan Cumhuriyeti); words a reviewer kept on purpose, with the
    reason in the fact's `mentioned_as_reason` for that role; words that are part of a longer
    description ('Bakü’yü kurtarmayı' for the liberation of Baku)."""
    # An article whose generic names a curator has reviewed (a registry entry's `sources`
    # names it): a name held there, confirmed for other articles only (another article's own
    # entity), is not what its words name. In an article not yet reviewed it may be.
    curated = {sid for e in registry.values() for sid in e.sources}
    out = []
    for af in anchored:
        fact = af.fact
        found: list[MentionMatch] = []
        for role, words in sorted(fact.mentioned_as.items()):
            named = fact.subject if role == "subject" else fact.object if role == "object" \
                else fact.qualifiers.get(role)
            if not named or named not in registry or role in fact.mentioned_as_reason:
                continue
            if not found:
                found = find_mentions(af.sentence.sentence.text, lexicon, fact.source)
            others = _others_named(words, named, af.sentence.sentence.text, found, lexicon,
                                   registry, held_count=fact.source not in curated)
            if not others:
                continue
            names = ", ".join(
                _iri_path(e)
                + (f" (confirmed in {', '.join(e.sources)})" if e.sources
                   else f" ({e.label_en})" if e.label_en else "")
                for e in others
            )
            out.append(CurationError(
                f"fact {fact.id}: mentioned_as {role} {words!r} is a name of {names}, not of "
                f"{named!r} ({_iri_path(registry[named])}, {registry[named].label_en}): a fact "
                "says no more than its sentence; name the entity these words name (or register "
                "the article's own, README \"Add an article\", step 4), or, where the words do "
                f"mean {named!r}, say why in `mentioned_as_reason: {{{role}: ...}}`",
                path=fact.path,
                line=fact.line,
            ))
    return out
