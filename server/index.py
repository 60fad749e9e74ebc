"""The loaded store -> one index of its searchable resources (curated entities, sources, cited
works, archive records: labels, aliases, types and the facets reconciliation constrains on) and
the one Turkish-aware scorer that search and reconciliation match names with; and the full-text
index of the sentences of the sources (Turkish-folded words). Built once per loaded build and
held in the server state (`server.state`).

Matching folds case with Turkish rules (``I/ı``, ``İ/i``), drops diacritics and apostrophes
(`tarihkg.text.turkish.search_key`) and accepts a Turkish case suffix after a name, with or
without its apostrophe: ``bakuyu``, ``Bakü’nün`` and ``BAKÜ`` all find Bakü.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field

from server.iris import TKG, iri_ref, queries
from tarihkg.names import GRAPH_NS, PREFIXES, RESOURCE_NS, WD
from tarihkg.store import Store
from tarihkg.text.turkish import APOSTROPHES, search_key, split_suffix

log = logging.getLogger(__name__)

QUERIES = queries("index")
#: The types reconciliation answers for: (id, English name). Subclasses (Battle, Armistice, ...)
#: are members of their top type through the inferred graph.
TYPES: tuple[tuple[str, str], ...] = (
    ("Person", "person"),
    ("MilitaryUnit", "military unit"),
    ("Treaty", "treaty"),
    ("Event", "event"),
    ("Place", "place"),
    ("Polity", "polity"),
    ("Organization", "organization"),
    ("Vessel", "vessel"),
)
#: Turkish case and number endings after a name (diacritics already folded): -(y)ı, -(n)ın,
#: -(y)a, -da/-ta, -dan/-tan, -nda, -la, -sı, -ler/-lar and their combinations.
_SUFFIX_RE = re.compile(
    r"(?:l[ae]r)?(?:y?[iu]|n?[iu]n|y?[ae]|n?[dt][ae]n?|y?l[ae]|s[iu]n?|n[ae]|[dt][ae]ki|ki)?"
)
_TOKEN_RE = re.compile(r"[^\W_]+")
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"


# ---------------------------------------------------------------- the scorer


def tokens(text: str) -> list[str]:
    """Search tokens of ``text``: Turkish-folded words, an apostrophised suffix cut off.

    >>> tokens("Bakü’nün İŞGALİ"), tokens("NURI PAŞA"), tokens("Kafkas İslam Ordusu'nun")
    (['baku', 'isgali'], ['nuri', 'pasa'], ['kafkas', 'islam', 'ordusu'])
    """
    out = []
    for word in text.split():
        if any(a in word for a in APOSTROPHES):
            word = split_suffix(word.strip(".,;:!?()[]\"«»"))[0]
        out.extend(_TOKEN_RE.findall(search_key(word)))
    return out


def token_score(query: str, word: str) -> float:
    """How well a query token matches a label token: equal, the word plus a case suffix,
    or the beginning of the word.

    >>> token_score("baku", "baku"), token_score("bakuyu", "baku"), token_score("bakunun", "baku")
    (1.0, 0.9, 0.9)
    >>> token_score("bak", "baku"), token_score("vanadzor", "van")
    (0.7, 0.0)
    """
    if query == word:
        return 1.0
    if len(word) >= 3 and query.startswith(word) and _SUFFIX_RE.fullmatch(query[len(word):]):
        return 0.9
    if len(query) >= 2 and word.startswith(query):
        return 0.7
    return 0.0


def name_score(query: list[str], name: list[str]) -> float:
    """Score of one label or alias for the query tokens (0: no match). Every query token must
    match a different word of the name; whole-name matches rank first.

    >>> name_score(["baku"], ["baku"]) > name_score(["baku"], ["baku", "cephesi"]) > 0
    True
    >>> name_score(["nuri", "pasa"], ["enver", "pasa"])
    0.0
    """
    if not query or not name:
        return 0.0
    used: set[int] = set()
    total = 0.0
    for q in query:
        best, best_i = 0.0, -1
        for i, w in enumerate(name):
            if i not in used and (s := token_score(q, w)) > best:
                best, best_i = s, i
        if best == 0.0:
            return 0.0
        used.add(best_i)
        total += best
    score = 100.0 * total / len(query)
    if len(used) == len(name):
        score += 20.0
    return score - 0.5 * (len(name) - len(used))


def string_score(query: str, keys: set[str]) -> float:
    """0-100 for a whole query against folded names (`search_key`): 100 for the same name,
    else the best string ratio; a query that starts a name (or a name that starts it) scores
    at least 80. Reconciliation ranks by it.

    >>> string_score("NURİ paşa", {"nuri pasa"}), string_score("Nuri", {"nuri pasa"})
    (100.0, 80.0)
    """
    q = search_key(query)
    if not q:
        return 0.0
    best = 0.0
    for key in keys:
        if key == q:
            return 100.0
        ratio = difflib.SequenceMatcher(None, q, key).ratio() * 100
        if key.startswith(q) or q.startswith(key):
            ratio = max(ratio, 80.0)
        best = max(best, ratio)
    return round(best, 1)


# ---------------------------------------------------------------- the index


@dataclass
class Entity:
    """One searchable resource: its names (each with its tokens, preferred or an alias), its
    tkg: types and, for a curated entity, what reconciliation shows and constrains on."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    names: list[tuple[str, bool, list[str]]] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    shown_type: str | None = None
    reconcile_names: set[str] = field(default_factory=set)
    description: str | None = None
    props: dict[str, set[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The reconciliation id: the resource path (``person/nuri-pasa``)."""
        return self.iri.removeprefix(RESOURCE_NS)

    @property
    def name(self) -> str:
        """The Turkish label (the registry id without one)."""
        return self.labels.get("tr") or next(iter(self.props.get("registryId", ())), self.id)

    @property
    def name_en(self) -> str:
        """The English label (the registry id without one)."""
        return self.labels.get("en") or next(iter(self.props.get("registryId", ())), self.id)

    @property
    def reconcile_types(self) -> set[str]:
        """The reconcilable types of a curated entity (none for anything else)."""
        if "registryId" not in self.props:
            return set()
        return self.types & {t for t, _ in TYPES}

    def keys(self) -> set[str]:
        """The folded names reconciliation matches against."""
        return {search_key(n) for n in self.reconcile_names if n}


@dataclass
class EntityIndex:
    """Every searchable resource of one build, in the store's order, and the curated entities
    of a reconcilable type among them by reconciliation id (`candidates`)."""

    entities: list[Entity]
    candidates: dict[str, Entity] = field(init=False)

    def __post_init__(self) -> None:
        self.candidates = {e.id: e for e in self.entities if e.reconcile_types}


def build_index(st: Store) -> EntityIndex:
    """Read names, types and facets of every searchable resource from the store."""
    entities: dict[str, Entity] = {}
    for r in QUERIES.rows(st, "names"):
        e = entities.setdefault(r["x"], Entity(r["x"]))
        lang = r.get("lang", "")
        preferred = not r["p"].endswith(("altLabel", "hiddenLabel"))
        if r["p"] == _LABEL and lang not in e.labels:
            e.labels[lang] = r["l"]
        if (r["l"], preferred) not in {(n, p) for n, p, _ in e.names} and \
                (r["l"], True) not in {(n, p) for n, p, _ in e.names}:
            e.names.append((r["l"], preferred, tokens(r["l"])))
        if r["p"] == _ALT_LABEL or (r["p"] == _LABEL and lang in ("tr", "en")):
            e.reconcile_names.add(r["l"])
    candidates = iri_ref(GRAPH_NS + "candidates")
    for r in QUERIES.rows(st, "types", {"candidates": candidates}):
        e = entities.setdefault(r["x"], Entity(r["x"]))
        e.types.add(r["t"].removeprefix(TKG))
        if not r["g"].endswith("/inferred") and e.shown_type is None:
            e.shown_type = r["t"]
    for r in QUERIES.rows(st, "facets"):
        e = entities.setdefault(r["x"], Entity(r["x"]))
        e.props.setdefault("registryId", set()).add(r["id"])
        if r.get("desc"):
            e.description = r["desc"]
        for prop, value in (("wikidata", r.get("qid", "").removeprefix(str(WD))),
                            ("echelon", r.get("echelon", "").removeprefix(TKG)),
                            ("placeKind", r.get("kind", "").removeprefix(TKG)),
                            ("year", r.get("edtf", "")[:4])):
            if value:
                e.props.setdefault(prop, set()).add(value)
    log.info("entity index: %d resources", len(entities))
    return EntityIndex(list(entities.values()))


# ---------------------------------------------------------------- full text of the sentences

#: A word of a sentence: letters and digits, with apostrophe suffixes kept on (Bakü’yü).
_WORD = re.compile(r"\w+(?:[’'`]\w+)*")
#: Turkish final consonants that soften before a vowel suffix (kitap -> kitabı, Ahmet ->
#: Ahmedi, çocuk -> çocuğu; after folding ğ is g), so a stem also finds its softened forms.
_SOFTENED = {"p": "b", "c": "c", "t": "d", "k": "g"}


@dataclass(frozen=True)
class IndexedSentence:
    """One sentence of a source with the search key of each of its words."""

    iri: str
    source: str
    index: int
    text: str
    words: tuple[tuple[int, int, str], ...]


def build_sentence_index(st: Store) -> list[IndexedSentence]:
    """Every sentence of every source, in reading order, its words folded for search."""
    rows = QUERIES.rows(st, "sentences")
    out = [IndexedSentence(r["s"], r["src"], int(r["i"]), r["text"], tuple(
        (m.start(), m.end(), search_key(m.group())) for m in _WORD.finditer(r["text"])))
        for r in rows]
    log.info("sentence index: %d sentences", len(out))
    return out


def stems(word: str) -> tuple[str, ...]:
    """The folded forms a query word finds as the start of a word: itself and, for a final
    p/ç/t/k, the softened stem (``kitap`` also finds ``kitabı``).

    >>> stems("Bakü"), stems("kitap"), stems("Ahmet")
    (('baku',), ('kitap', 'kitab'), ('ahmet', 'ahmed'))
    """
    key = search_key(word)
    if len(key) > 2 and key[-1] in _SOFTENED and _SOFTENED[key[-1]] != key[-1]:
        return key, key[:-1] + _SOFTENED[key[-1]]
    return (key,)


def find_sentences(index: list[IndexedSentence], query: str, *, limit: int = 200
                   ) -> list[tuple[IndexedSentence, list[tuple[int, int]]]]:
    """Sentences containing every word of ``query`` (each as the start of a word, so inflected
    forms match: ``ordu`` finds ``Ordusu’nun``), with the spans of the matching words; in
    reading order."""
    wanted = [stems(w) for w in _WORD.findall(query)]
    wanted = [forms for forms in wanted if forms[0]]
    if not wanted:
        return []
    hits = []
    for sentence in index:
        spans: list[tuple[int, int]] = []
        for forms in wanted:
            found = [(a, b) for a, b, key in sentence.words if key.startswith(forms)]
            if not found:
                break
            spans += found
        else:
            hits.append((sentence, sorted(set(spans))))
            if len(hits) >= limit:
                break
    return hits
