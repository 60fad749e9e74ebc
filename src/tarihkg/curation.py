"""Curation files (YAML) -> checked `Entity`, `Fact` and `SourceMeta` records, each knowing its file:line.

The formats are documented in docs/curation.md. Nothing here knows RDF; `rdfize` turns these
records into triples, and `pipeline` checks them against the texts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from tarihkg.errors import CurationError, SourceError
from tarihkg.factspec import (
    CLASS_PARENTS,
    DATE_SENTENCE,
    QUALIFIERS,
    SPEC,
    WORDINGS,
    check_fact_fields,
    is_a,
)

log = logging.getLogger(__name__)

#: Registry type -> the path segment of its IRIs (`resource/{segment}/{slug}`).
TYPE_SEGMENTS: dict[str, str] = {
    "Person": "person",
    "MilitaryUnit": "unit",
    "Place": "place",
    "Polity": "polity",
    "Organization": "organization",
    "Vessel": "vessel",
    "Work": "work",
    **{t: "treaty" for t in CLASS_PARENTS if is_a(t, ("Treaty",))},
    **{t: "event" for t in CLASS_PARENTS if is_a(t, ("Event",))},
}

ECHELONS = (
    "armyGroup",
    "army",
    "corps",
    "division",
    "brigade",
    "regiment",
    "battalion",
    "company",
    "battery",
    "detachment",
    "militia",
    "front",
)
PLACE_KINDS = (
    "country",
    "region",
    "province",
    "city",
    "town",
    "village",
    "district",
    "hill",
    "mountain",
    "station",
    "railway",
    "road",
    "building",
    "river",
    "sea",
    "lake",
    "island",
    "cemetery",
)
WIKIDATA_FILE = "wikidata.yaml"
COORDINATES_FILE = "coordinates.yaml"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in loader.construct_mapping(node, deep=True).items()
    }
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

#: The same loader over libyaml's parser (PyYAML's C extension, about 7x faster: the curation
#: files are read by every check and build). Whatever it refuses is read again by `_LineLoader`,
#: so an error is worded and placed as the pure-Python parser says it.
_FastLineLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLineLoader(yaml.CSafeLoader):
        """`_LineLoader` over libyaml."""

    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)
    _FastLineLoader = _CLineLoader


#: Deeper YAML than this is refused (the loader recurses once per level).
MAX_DEPTH = 100


def _too_deep(text: str) -> int | None:
    """The line where `text` first nests deeper than MAX_DEPTH (the event parser does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH and event.start_mark is not None:
                return int(event.start_mark.line) + 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def load_yaml(path: Path) -> Any:
    """Parse a YAML file with line numbers: the one loader of every curation file. A syntax
    error, nesting deeper than `MAX_DEPTH` or a file with no YAML document at all (empty, or
    only comments: read silently as nothing before) becomes a `CurationError` at its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise CurationError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at column {column} (save the file "
            "as UTF-8)",
            path=path,
            line=line,
        ) from exc
    if _FastLineLoader is not None:
        try:
            data = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - a SafeLoader subclass
        except (yaml.YAMLError, RecursionError):
            pass  # read again below, for the error as the pure-Python parser words it
        else:
            return _no_document(data, path)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise CurationError(
            f"YAML nested more than {MAX_DEPTH} levels deep", path=path, line=_too_deep(text)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CurationError(
            f"YAML syntax error: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from exc
    return _no_document(data, path)


def _no_document(data: Any, path: Path) -> Any:
    if data is None:
        raise CurationError("the file holds no YAML document (it is empty or only comments): "
                            "write `[]` for an empty list, or delete the file", path=path, line=1)
    return data


@dataclass(frozen=True)
class Anchor:
    """A place in a source where something is stated: the source id and words of one sentence."""

    source: str
    quote: str


#: The statuses a Wikidata link may have (data/curation/wikidata.yaml).
LINK_STATUSES = ("confirmed", "candidate", "rejected")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class NameAttestation:
    """One of the names the texts print for an entity, where they dispute it: the name, and the
    source and words of the one sentence that prints it."""

    name: str
    source: str
    quote: str


@dataclass(frozen=True)
class NameElsewhere:
    """A name the texts do not print but a reader may search for (a later surname, an older or
    Russian place name), with where it was seen."""

    name: str
    source: str
    lang: str | None = None


@dataclass(frozen=True)
class WikidataLink:
    """One entry of data/curation/wikidata.yaml: an entity, a QID, its status and the evidence."""

    id: str
    qid: str
    status: str
    path: str
    line: int
    label_seen: str | None = None
    description_seen: str | None = None
    source: str | None = None
    checked_by: str | None = None
    checked_on: str | None = None
    score: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Entity:
    """One entry of the entity registry."""

    id: str
    type: str
    label_tr: str
    label_en: str
    aliases: tuple[str, ...]
    path: str
    line: int
    description_tr: str | None = None
    description_en: str | None = None
    echelon: str | None = None
    place_kind: str | None = None
    distinct_from: tuple[str, ...] = ()
    not_in: tuple[str, ...] = ()
    only_in: tuple[str, ...] = ()
    #: The articles in which a curator confirmed that its names mean this entity (a generic
    #: name: 'İngiliz kuvvetleri', 'Türk ordusu'); its names are linked only there. Empty:
    #: linked in every article.
    sources: tuple[str, ...] = ()
    note: str | None = None
    deprecated: bool = False
    replaced_by: str | None = None
    #: Types the entry had before (retyped): each old IRI stays, deprecated, replaced by the new.
    former_types: tuple[str, ...] = ()
    unattested: bool = False
    names_elsewhere: tuple[NameElsewhere, ...] = ()
    mentioned_in: tuple[Anchor, ...] = ()
    disputed_names: tuple[NameAttestation, ...] = ()
    wikidata: dict[str, Any] | None = None
    wikidata_links: tuple[WikidataLink, ...] = ()
    coordinates: Coordinates | None = None

    @property
    def segment(self) -> str:
        """The IRI path segment of this entity's type (`person`, `unit`, ...)."""
        return TYPE_SEGMENTS[self.type]


@dataclass(frozen=True)
class Fact:
    """One curated fact, anchored to a sentence of a source (`quote`: its group's `sentence`)."""

    id: str
    source: str
    quote: str
    subject: str
    property: str
    path: str
    line: int
    object: str | None = None
    value: Any = None
    date: str | None = None
    date_wording: str | None = None
    conflicts_with: tuple[str, ...] = ()
    #: What it and the facts of `conflicts_with` disagree about, as a reviewer states it.
    disputes: str | None = None
    note: dict[str, str] = field(default_factory=dict)
    mention_check: bool = True
    #: Which of its sentence's citations back it, by printed order (1-based); None: not said.
    cited: tuple[int, ...] | None = None
    mentioned_as: dict[str, str] = field(default_factory=dict)
    #: Per role: why its `mentioned_as` words, which the matcher links to another entity, mean
    #: this one (a reviewer's reading; the warning is not given).
    mentioned_as_reason: dict[str, str] = field(default_factory=dict)
    #: The qualifiers other than `date`/`date_wording` (`from`, `until_wording`, `side`,
    #: `date_sentence` ...).
    qualifiers: dict[str, str] = field(default_factory=dict)
    #: The line of its sentence group.
    group_line: int = 0


@dataclass(frozen=True)
class SourceMeta:
    """Metadata of one source article, from data/sources/sources.yaml."""

    id: str
    file: str
    language: str
    licence: str
    title: str | None = None
    title_en: str | None = None
    title_supplied: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    period: tuple[int, int] | None = None
    sha256: str | None = None
    #: The article's keywords as printed, (language, keyword), in the printed order.
    keywords: tuple[tuple[str, str], ...] = ()
    #: The article's own statement of what it is about, as printed: (language, words).
    scope: tuple[tuple[str, str], ...] = ()

    @property
    def not_printed(self) -> tuple[str, ...]:
        """The publication fields (PUBLICATION_FIELDS) the article does not print: `unknown`."""
        return tuple(f for f in PUBLICATION_FIELDS if getattr(self, f) is None)


_KEYWORDS_LABEL = re.compile(r"^\s*(?:Anahtar\s+(?:Kelimeler|Sözcükler)|Key\s*Words|Keywords)\s*[:.]\s*",
                             re.IGNORECASE)


def _printed_keywords(block: str) -> set[str]:
    """The keywords a keywords line prints: its text after the label, split at commas and
    semicolons, a closing full stop dropped, runs of white space as one space."""
    body = _KEYWORDS_LABEL.sub("", " ".join(block.split()))
    return {k.strip().rstrip(".").strip() for k in re.split(r"[,;]", body) if k.strip()}


def _misplaced(words: str, where: list[str], raw: str, file: str, kind: str) -> str | None:
    """Why ``words`` is not printed in one of ``where`` (the text's keywords or abstracts; the
    whole text ``raw`` when the splitter found none), or None if it is."""
    norm = " ".join(words.split())
    printed = " ".join(raw.split())
    if not where:
        return None if norm in printed else f"is not printed in the text {file}"
    if kind == "keyword":
        if norm in where:
            return None
        return f"is not one of the keywords its keywords lines print ({', '.join(sorted(where))})"
    if any(norm in block for block in where):
        return None
    return ("is printed in the body, not in an abstract" if norm in printed
            else f"is not printed in the text {file}")


def unprinted_metadata(meta: SourceMeta, raw: str, sources_yaml: Path,
                       lifted: Iterable[tuple[str, str]] = ()) -> list[CurationError]:
    """Each keyword and scope of ``meta`` the article does not print where it belongs, at its
    line of ``sources_yaml`` (the entry's line where the words are not on one line): a keyword
    must be one of the keywords its keywords line prints (``Anahtar Kelimeler: …``), a scope
    words of one of its abstracts; ``lifted`` is the splitter's (kind, text) blocks of the text.
    A text whose front matter the splitter found no keywords line or abstract in is compared
    with the whole text (``raw``). What the build refuses (rdfize), listed by `tarihkg check`."""
    blocks = list(lifted)
    keywords = sorted(set().union(*(_printed_keywords(t) for k, t in blocks if k == "keywords")))
    abstracts = [" ".join(t.split()) for k, t in blocks if k == "abstract"]
    missing = [
        (what, words, why)
        for what, items, where in (("keyword", meta.keywords, keywords),
                                   ("scope", meta.scope, abstracts))
        for _, words in items
        if (why := _misplaced(words, where, raw, meta.file, what)) is not None
    ]
    if not missing:
        return []
    lines = sources_yaml.read_text(encoding="utf-8").splitlines() if sources_yaml.exists() else []
    start = next((n for n, text in enumerate(lines, 1)
                  if re.search(rf"\bid:\s*['\"]?{re.escape(meta.id)}\b", text)), 1)
    out = []
    for what, words, why in missing:
        line = next((n for n in range(start, len(lines) + 1) if words in lines[n - 1]), start)
        out.append(CurationError(
            f"{meta.id}: {what} {words!r} {why}: copy it as printed",
            path=sources_yaml, line=line,
        ))
    return out


#: Where an article appeared: each a value as printed, or `unknown` in sources.yaml.
PUBLICATION_FIELDS = ("journal", "volume", "issue", "pages", "year")
UNKNOWN = "unknown"


def load_optional_list(path: Path, what: str) -> list[Any]:
    """The YAML list of an optional curation file: [] when the file is absent, a
    `CurationError` at the file when it holds something other than a list."""
    if not path.exists():
        return []
    data = load_yaml(path)
    if not isinstance(data, list):
        raise CurationError(f"{what} must be a YAML list (or [])", path=path)
    return data


def _text_map(value: Any, key: str, where: tuple[Path, int]) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict):
        raise CurationError(
            f"'{key}' must be a mapping of language to text", path=where[0], line=where[1]
        )
    return {k: str(v) for k, v in value.items() if k != _LINE}


def _strings(value: Any, key: str, where: tuple[Path, int]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise CurationError(f"'{key}' must be a list of strings", path=where[0], line=where[1])
    return tuple(str(v) for v in value)


def _entity_head(raw: Any, path: Path) -> tuple[str, str, int]:
    """Check an entry's mapping, id slug and type -> (id, type, line)."""
    if not isinstance(raw, dict):
        raise CurationError("each registry entry must be a mapping", path=path)
    line = int(raw.get(_LINE, 0))
    for key in ("id", "type", "label"):
        if key not in raw:
            raise CurationError(f"entry lacks '{key}'", path=path, line=line)
    eid, etype = str(raw["id"]), str(raw["type"])
    if not SLUG_RE.match(eid):
        raise CurationError(f"id {eid!r} is not a slug ([a-z0-9-])", path=path, line=line)
    if etype not in TYPE_SEGMENTS:
        raise CurationError(
            f"unknown type {etype!r} for {eid}: the types are {', '.join(sorted(TYPE_SEGMENTS))} "
            "(docs/model.md)",
            path=path,
            line=line,
        )
    return eid, etype, line


def _entity_kind(raw: dict[str, Any], eid: str, etype: str, where: tuple[Path, int]
                 ) -> tuple[Any, Any]:
    """A unit's echelon (required) and a place's place_kind (optional), each from its list."""
    path, line = where
    echelon = raw.get("echelon")
    if etype == "MilitaryUnit" and echelon not in ECHELONS:
        raise CurationError(
            f"{eid}: echelon {echelon!r} is not one of {', '.join(ECHELONS)}", path=path, line=line
        )
    place_kind = raw.get("place_kind")
    if etype == "Place" and place_kind is not None and place_kind not in PLACE_KINDS:
        raise CurationError(
            f"{eid}: place_kind {place_kind!r} is not one of {', '.join(PLACE_KINDS)}",
            path=path,
            line=line,
        )
    return echelon, place_kind


def _anchors(raw: dict[str, Any], eid: str, where: tuple[Path, int]) -> tuple[Anchor, ...]:
    """The entry's mentioned_in list, each with a source and a quote."""
    path, line = where
    anchors = []
    for a in raw.get("mentioned_in") or []:
        if not isinstance(a, dict) or "source" not in a or "quote" not in a:
            raise CurationError(
                f"{eid}: mentioned_in entries need 'source' and 'quote'", path=path, line=line
            )
        anchors.append(Anchor(str(a["source"]), str(a["quote"])))
    return tuple(anchors)


def _check_patterns(raw: dict[str, Any], eid: str, where: tuple[Path, int]) -> None:
    """Every not_in/only_in pattern must compile as a regular expression."""
    path, line = where
    for pattern in (
        *_strings(raw.get("not_in"), "not_in", where),
        *_strings(raw.get("only_in"), "only_in", where),
    ):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CurationError(
                f"{eid}: bad regex {pattern!r}: {exc}", path=path, line=line
            ) from exc


def _entity(raw: Any, path: Path) -> Entity:
    eid, etype, line = _entity_head(raw, path)
    where = (path, line)
    label = _text_map(raw["label"], "label", where)
    if not label.get("tr") or not label.get("en"):
        raise CurationError(f"{eid}: label needs both 'tr' and 'en'", path=path, line=line)
    echelon, place_kind = _entity_kind(raw, eid, etype, where)
    anchors = _anchors(raw, eid, where)
    disputed = _disputed_names(eid, raw.get("disputed_names"), label["tr"], raw, where)
    desc = _text_map(raw.get("description"), "description", where)
    note = raw.get("note")
    if isinstance(note, dict):
        note = note.get("en") or next((v for k, v in note.items() if k != _LINE), None)
    _check_patterns(raw, eid, where)
    wikidata = raw.get("wikidata")
    if wikidata is not None and not isinstance(wikidata, dict):
        raise CurationError(f"{eid}: 'wikidata' must be a mapping", path=path, line=line)
    return Entity(
        id=eid,
        type=etype,
        label_tr=label["tr"].strip(),
        label_en=label["en"].strip(),
        aliases=_strings(raw.get("aliases"), "aliases", where),
        path=str(path),
        line=line,
        description_tr=desc.get("tr"),
        description_en=desc.get("en"),
        echelon=echelon,
        place_kind=place_kind,
        distinct_from=_strings(raw.get("distinct_from"), "distinct_from", where),
        not_in=_strings(raw.get("not_in"), "not_in", where),
        only_in=_strings(raw.get("only_in"), "only_in", where),
        sources=_confirmed_sources(raw, eid, path),
        note=str(note) if note is not None else None,
        deprecated=bool(raw.get("deprecated", False)),
        replaced_by=raw.get("replaced_by"),
        former_types=_former_types(eid, etype, raw.get("former_types"), where),
        unattested=bool(raw.get("unattested", False)),
        names_elsewhere=_names_elsewhere(raw.get("names_elsewhere"), where),
        mentioned_in=anchors,
        disputed_names=disputed,
        wikidata={k: v for k, v in wikidata.items() if k != _LINE} if wikidata else None,
    )


def key_line(path: Path | str, line: int, key: str) -> int:
    """The line of ``key:`` in the registry entry starting at ``line`` of ``path`` (the entry's
    line if it is not found before the next entry)."""
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return line
    for n in range(line, len(text) + 1):
        row = text[n - 1]
        if n > line and row.startswith("- "):
            break
        if re.match(rf"\s*(?:- )?{re.escape(key)}\s*:", row):
            return n
    return line


def _confirmed_sources(raw: dict[str, Any], eid: str, path: Path) -> tuple[str, ...]:
    """``sources: [000_…, 002_…]``: the source ids in which a curator confirmed the entity's
    generic names; a non-empty list of distinct ids, each a registered source's id (that is
    checked against sources.yaml by `confirmed_source_problems`)."""
    if "sources" not in raw:
        return ()
    value = raw["sources"]
    line = key_line(path, int(raw.get(_LINE, 0)), "sources")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and re.fullmatch(r"\d{3}_\w+", v) for v in value)
    ):
        raise CurationError(
            f"{eid}: 'sources' must be a non-empty list of source ids as sources.yaml writes "
            f"them (e.g. [000_539a70a237dcfef4]), got {value!r}",
            path=path,
            line=line,
        )
    if len(set(value)) < len(value):
        raise CurationError(f"{eid}: 'sources' names a source twice", path=path, line=line)
    return tuple(value)


def confirmed_source_problems(
    entities: dict[str, Entity], source_ids: Iterable[str]
) -> list[CurationError]:
    """An error at each registry entry whose `sources` names an id sources.yaml does not
    register (a typo, or a source withdrawn or re-registered under a new id)."""
    known = set(source_ids)
    return [
        CurationError(
            f"{ent.id}: 'sources' names {sid!r}, which sources.yaml does not register "
            f"(registered: {', '.join(sorted(known)) or 'none'})",
            path=ent.path,
            line=key_line(ent.path, ent.line, "sources"),
        )
        for ent in entities.values()
        for sid in ent.sources
        if sid not in known
    ]


def _former_types(eid: str, etype: str, raw: Any, where: tuple[Path, int]) -> tuple[str, ...]:
    """``former_types``: registry types an entry had before it was retyped; each must be a known
    type whose IRI segment differs from the current one (else the IRI did not change)."""
    path, line = where
    former = _strings(raw, "former_types", where)
    for t in former:
        if t not in TYPE_SEGMENTS:
            raise CurationError(f"{eid}: unknown former type {t!r}", path=path, line=line)
        if TYPE_SEGMENTS[t] == TYPE_SEGMENTS[etype]:
            raise CurationError(
                f"{eid}: former type {t!r} has the same IRI as {etype!r}: nothing to deprecate",
                path=path,
                line=line,
            )
    return former


def _disputed_names(
    eid: str, raw: Any, label: str, entry: dict[str, Any], where: tuple[Path, int]
) -> tuple[NameAttestation, ...]:
    """``disputed_names``: two or more names of this entity the texts do not reconcile, each with
    the source and sentence words that print it; each name must be the label or an alias."""
    if raw is None:
        return ()
    path, line = where
    if not isinstance(raw, list) or not all(
        isinstance(r, dict) and {"name", "source", "quote"} <= set(r) for r in raw
    ):
        raise CurationError(
            f"{eid}: disputed_names is a list of {{name, source, quote}}", path=path, line=line
        )
    names = [NameAttestation(str(r["name"]), str(r["source"]), str(r["quote"])) for r in raw]
    known = {label.strip(), *_strings(entry.get("aliases"), "aliases", where)}
    for n in names:
        if n.name not in known:
            raise CurationError(
                f"{eid}: disputed name {n.name!r} is neither the label nor an alias",
                path=path, line=line,
            )
    if len({n.name for n in names}) < 2:
        raise CurationError(f"{eid}: disputed_names needs two different names", path=path, line=line)
    return tuple(names)


def read_registry(entities_dir: Path) -> tuple[dict[str, Entity], list[CurationError]]:
    """Every entry of every `*.yaml` under `entities_dir` (with its Wikidata links and
    coordinates), and every problem found: bad entries, repeated ids, unknown cross-references."""
    entities, problems, _ = read_registry_entries(entities_dir)
    return entities, problems


def read_registry_entries(
    entities_dir: Path,
) -> tuple[dict[str, Entity], list[CurationError], set[str]]:
    """`read_registry`, and the ids of the entries written but refused (an unknown type, an id
    that is no slug): whoever reports their problem once need not report each use of the id
    again as unknown."""
    entities: dict[str, Entity] = {}
    problems: list[CurationError] = []
    refused: set[str] = set()
    files = sorted(entities_dir.glob("*.yaml"))
    if not files:
        return {}, [CurationError("no registry files (*.yaml) found", path=entities_dir)], refused
    for path in files:
        try:
            data = load_yaml(path)
        except CurationError as exc:
            problems.append(exc)
            continue
        if not isinstance(data, list):
            problems.append(
                CurationError("a registry file must be a YAML list of entries", path=path)
            )
            continue
        for raw in data:
            try:
                ent = _entity(raw, path)
            except CurationError as exc:
                problems.append(exc)
                if isinstance(raw, dict) and raw.get("id") is not None:
                    refused.add(str(raw["id"]))
                continue
            if ent.id in entities:
                first = entities[ent.id]
                problems.append(
                    CurationError(
                        f"duplicate id {ent.id!r} (first at {first.path}:{first.line})",
                        path=path,
                        line=ent.line,
                    )
                )
                continue
            entities[ent.id] = ent
    for ent in entities.values():
        problems.extend(
            CurationError(f"{ent.id}: refers to unknown id {ref!r}", path=ent.path, line=ent.line)
            for ref in (*ent.distinct_from, *([ent.replaced_by] if ent.replaced_by else []))
            if ref not in entities
        )
    links, link_problems = read_wikidata(entities_dir.parent / WIKIDATA_FILE, entities)
    problems += link_problems
    entities = attach_wikidata(entities, links)
    try:
        coords = load_coordinates(entities_dir.parent / COORDINATES_FILE)
        entities = attach_coordinates(entities, coords)
    except CurationError as exc:
        problems.append(exc)
    return entities, problems, refused - set(entities)


def _names_elsewhere(value: Any, where: tuple[Path, int]) -> tuple[NameElsewhere, ...]:
    """``names_elsewhere: [{name: ..., source: ..., lang: ...}]``: each needs a name and the
    source it was seen in."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CurationError("'names_elsewhere' must be a list", path=where[0], line=where[1])
    out = []
    for item in value:
        line = item.get(_LINE, where[1]) if isinstance(item, dict) else where[1]
        if not isinstance(item, dict) or not str(item.get("name") or "").strip() \
                or not str(item.get("source") or "").strip():
            raise CurationError("each of 'names_elsewhere' needs a 'name' and the 'source' it "
                                "was seen in", path=where[0], line=line)
        lang = item.get("lang")
        out.append(NameElsewhere(str(item["name"]).strip(), " ".join(str(item["source"]).split()),
                                 str(lang) if lang else None))
    return tuple(out)


def load_registry(entities_dir: Path) -> dict[str, Entity]:
    """Read every `*.yaml` under `entities_dir`; ids must be unique and cross-references resolve."""
    entities, problems = read_registry(entities_dir)
    if problems:
        raise first_problem(problems)
    log.info("registry: %d entities", len(entities))
    return entities


def _wikidata_link(raw: Any, path: Path) -> WikidataLink:
    if not isinstance(raw, dict):
        raise CurationError("each Wikidata link must be a mapping", path=path)
    line = int(raw.get(_LINE, 0))
    for key in ("id", "qid", "status"):
        if not raw.get(key):
            raise CurationError(f"Wikidata link lacks '{key}'", path=path, line=line)
    eid, qid, status = str(raw["id"]), str(raw["qid"]), str(raw["status"])
    if not QID_RE.match(qid):
        raise CurationError(
            f"{eid}: {qid!r} is not a Wikidata item id (Q123)", path=path, line=line
        )
    if status not in LINK_STATUSES:
        raise CurationError(
            f"{eid}: status {status!r} is not one of {', '.join(LINK_STATUSES)}",
            path=path,
            line=line,
        )
    keys = ("label_seen", "description_seen", "source", "checked_by", "checked_on", "note")
    text = {k: (str(raw[k]).strip() if raw.get(k) is not None else None) for k in keys}
    if status == "confirmed":
        missing = [k for k in ("label_seen", "source", "checked_by", "checked_on") if not text[k]]
        if missing:
            raise CurationError(
                f"{eid}: a confirmed link needs its evidence: {', '.join(missing)}",
                path=path,
                line=line,
            )
    if text["checked_on"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text["checked_on"]):
        raise CurationError(f"{eid}: checked_on must be a day (YYYY-MM-DD)", path=path, line=line)
    score = raw.get("score")
    if score is not None and not (isinstance(score, int | float) and 0 <= score <= 100):
        raise CurationError(f"{eid}: score must be a number from 0 to 100", path=path, line=line)
    return WikidataLink(
        id=eid,
        qid=qid,
        status=status,
        path=str(path),
        line=line,
        score=float(score) if score is not None else None,
        **text,
    )


def _link_problem(
    link: WikidataLink,
    entities: dict[str, Entity],
    pairs: dict[tuple[str, str], WikidataLink],
    confirmed: dict[str, WikidataLink],
) -> str | None:
    """What is wrong with a link given the registry and the links before it, if anything."""
    if link.id not in entities:
        return f"Wikidata link for unknown registry id {link.id!r}"
    first = pairs.get((link.id, link.qid))
    if first is not None:
        return f"{link.id} -> {link.qid} listed twice (first at line {first.line})"
    other = next((confirmed[k] for k in (link.id, link.qid) if k in confirmed), None)
    if link.status == "confirmed" and other is not None:
        return (
            f"{link.id} -> {link.qid} conflicts with the confirmed link "
            f"{other.id} -> {other.qid} (line {other.line})"
        )
    return None


def read_wikidata(
    path: Path, entities: dict[str, Entity]
) -> tuple[list[WikidataLink], list[CurationError]]:
    """Read data/curation/wikidata.yaml (absent: no links) and check it against the registry:
    the links that pass and every problem found.

    Every link names a registry id; an entity has at most one confirmed QID, a QID is confirmed
    for at most one entity, and an (id, QID) pair is listed once.
    """
    try:
        data = load_optional_list(path, "wikidata.yaml")
    except CurationError as exc:
        return [], [exc]
    links: list[WikidataLink] = []
    problems: list[CurationError] = []
    pairs: dict[tuple[str, str], WikidataLink] = {}
    confirmed: dict[str, WikidataLink] = {}  # by entity id and by QID
    for raw in data:
        try:
            link = _wikidata_link(raw, path)
        except CurationError as exc:
            problems.append(exc)
            continue
        problem = _link_problem(link, entities, pairs, confirmed)
        if problem:
            problems.append(CurationError(problem, path=path, line=link.line))
            continue
        pairs[(link.id, link.qid)] = link
        if link.status == "confirmed":
            confirmed[link.id] = confirmed[link.qid] = link
        links.append(link)
    return links, problems


def load_wikidata(path: Path, entities: dict[str, Entity]) -> list[WikidataLink]:
    """`read_wikidata`, raising the first problem."""
    links, problems = read_wikidata(path, entities)
    if problems:
        raise first_problem(problems)
    return links


def attach_wikidata(entities: dict[str, Entity], links: list[WikidataLink]) -> dict[str, Entity]:
    """The registry with each entity's Wikidata links (in file order) on `Entity.wikidata_links`."""
    by_id: dict[str, list[WikidataLink]] = {}
    for link in links:
        by_id.setdefault(link.id, []).append(link)
    return {
        eid: replace(ent, wikidata_links=tuple(by_id.get(eid, ()))) for eid, ent in entities.items()
    }


def minted_problems(
    entities: dict[str, Entity], minted_file: Path, refused: set[str] | frozenset[str] = frozenset()
) -> list[CurationError]:
    """Every registry id must be listed in the append-only `minted-iris.txt`, and every minted
    id kept: the problems, one per id. An id whose entry was `refused` (its own error says why)
    is not reported again as having no entry."""
    if not minted_file.exists():
        return [CurationError("the append-only list of minted ids is missing", path=minted_file)]
    minted = [
        (lineno, line.strip())
        for lineno, line in enumerate(minted_file.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]
    known = {mid for _, mid in minted}
    problems = [
        CurationError(
            f"id {ent.id!r} is not in {minted_file.name}: append it there (ids are minted once)",
            path=ent.path,
            line=ent.line,
        )
        for ent in entities.values()
        if ent.id not in known
    ]
    problems += [
        CurationError(
            f"minted id {mid!r} has no registry entry: a retired id stays, with deprecated: true",
            path=minted_file,
            line=lineno,
        )
        for lineno, mid in minted
        if mid not in entities and mid not in refused
    ]
    return problems


def check_minted(entities: dict[str, Entity], minted_file: Path) -> None:
    """`minted_problems`, raising the first."""
    problems = minted_problems(entities, minted_file)
    if problems:
        raise first_problem(problems)


def _fact(raw: dict[str, Any], source: str, quote: str, path: Path, group_line: int) -> Fact:
    line = int(raw.get(_LINE, 0))
    spec = SPEC[str(raw["property"])]
    value = raw.get("value")
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != _LINE}
    mentioned = raw.get("mentioned_as") or {}
    return Fact(
        id=str(raw["id"]),
        source=source,
        quote=quote,
        subject=str(raw["subject"]),
        property=spec.name,
        path=str(path),
        line=line,
        object=str(raw["object"]) if "object" in raw else None,
        value=value,
        date=str(raw["date"]) if raw.get("date") is not None else None,
        date_wording=raw.get("date_wording"),
        conflicts_with=_strings(raw.get("conflicts_with"), "conflicts_with", (path, line)),
        disputes=str(raw["disputes"]) if "disputes" in raw else None,
        note=_text_map(raw.get("note"), "note", (path, line)),
        mention_check=raw.get("mention_check", True) is not False,
        cited=tuple(int(n) for n in raw["cited"]) if isinstance(raw.get("cited"), list) else None,
        mentioned_as={k: str(v) for k, v in mentioned.items() if k != _LINE},
        mentioned_as_reason={
            k: str(v) for k, v in (raw.get("mentioned_as_reason") or {}).items() if k != _LINE
        },
        qualifiers={
            k: str(raw[k])
            for k in (*QUALIFIERS, *WORDINGS.values(), DATE_SENTENCE)
            if k in raw and k not in ("date", "date_wording")
        },
        group_line=group_line,
    )


_GROUP_KEYS = ("source", "sentence", "facts")


def _group(raw: Any, path: Path, problems: list[CurationError], ids: dict[str, str]) -> list[Fact]:
    """The facts of one sentence group; each problem is appended to `problems`, never raised.

    `ids` maps every fact id seen so far to its file:line (a repeated id is a problem)."""
    if not isinstance(raw, dict):
        problems.append(
            CurationError(
                "each entry must be a sentence group (source, sentence, facts)", path=path
            )
        )
        return []
    line = int(raw.get(_LINE, 0))
    problems.extend(_group_key_problems(raw, path, line))
    sentence, source = raw.get("sentence"), raw.get("source")
    facts = raw.get("facts")
    if not isinstance(facts, list) or not facts:
        problems.append(
            CurationError("'facts' must be a non-empty list of facts", path=path, line=line)
        )
        return []
    out = []
    for item in facts:
        if not isinstance(item, dict):
            problems.append(CurationError("each fact must be a mapping", path=path, line=line))
            continue
        found = _fact_problems(item, path, line, ids)
        problems.extend(found)
        if not found and isinstance(sentence, str) and isinstance(source, str):
            out.append(_fact(item, source, sentence, path, line))
    return out


def _group_key_problems(raw: dict[str, Any], path: Path, line: int) -> list[CurationError]:
    """A sentence group's missing or unknown keys, and a 'sentence' that is not text."""
    problems = []
    bad = [k for k in _GROUP_KEYS if k not in raw] + [
        f"unknown key {k!r}" for k in raw if k not in (*_GROUP_KEYS, _LINE)
    ]
    if bad:
        problems.append(
            CurationError(
                f"sentence group: {', '.join(b if ' ' in b else 'lacks ' + repr(b) for b in bad)}",
                path=path,
                line=line,
            )
        )
    sentence = raw.get("sentence")
    if "sentence" in raw and (not isinstance(sentence, str) or not sentence.strip()):
        problems.append(CurationError("'sentence' must be non-empty text", path=path, line=line))
    return problems


def _fact_problems(
    item: dict[str, Any], path: Path, line: int, ids: dict[str, str]
) -> list[CurationError]:
    """One fact's field problems (`check_fact_fields`) and a repeated id; records its id in
    `ids` (id -> file:line) when it is new."""
    fline = int(item.get(_LINE, line))
    fields = {k: v for k, v in item.items() if k != _LINE}
    messages = check_fact_fields(fields)
    fid = str(fields.get("id"))
    if fid in ids:
        messages.append(f"duplicate fact id (first at {ids[fid]})")
    elif "id" in fields:
        ids[fid] = f"{path}:{fline}"
    name = f"fact {fields['id']}" if "id" in fields else "fact"
    return [
        CurationError(f"{name}: {m}", path=path, line=_field_line(path, fline, fields, m))
        for m in messages
    ]


#: A problem of a time qualifier's value (`date '1918-06-14' is not its wording …`, `from 1918
#: is read by YAML as a number …`): reported at that field's line.
_FIELD_NAMED = re.compile(rf"({'|'.join(WORDINGS)}) ")


def _field_line(path: Path, fline: int, fields: dict[str, Any], message: str) -> int:
    """The line of the time qualifier a fact's problem is about (a `date` not its wording: at
    `date:`), where the message opens with one and the file writes it on a line of the fact's
    own; the fact's line otherwise."""
    m = _FIELD_NAMED.match(message)
    key = m.group(1) if m else None
    if key is None or key not in fields or key in ("id",):
        return fline
    try:
        lines = _file_lines(path)
    except OSError:
        return fline
    indent = len(lines[fline - 1]) - len(lines[fline - 1].lstrip(" -")) if fline <= len(lines) \
        else 0
    field_re = re.compile(rf"(?:^[\s-]*|[{{,]\s*){re.escape(key)}\s*:")
    for n in range(fline, len(lines) + 1):
        text = lines[n - 1]
        if n > fline and text.strip() and len(text) - len(text.lstrip(" ")) < indent:
            break  # the next fact, or the next group
        if field_re.search(text):
            return n
    return fline


def _file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def read_facts(facts_dir: Path) -> tuple[list[Fact], list[CurationError]]:
    """Every fact of every `*.yaml` under `facts_dir`, and every problem found (not just the first).

    A file is a YAML list of sentence groups (docs/curation.md); an explicitly empty list
    (`[]`) means "no facts yet", while an empty or comment-only file is an error. Fact ids
    are unique across files, `conflicts_with` names known facts, and a file writes each
    sentence as one group.
    """
    facts: list[Fact] = []
    problems: list[CurationError] = []
    ids: dict[str, str] = {}
    for path in sorted(facts_dir.glob("*.yaml")) if facts_dir.exists() else []:
        try:
            data = load_yaml(path)
        except CurationError as exc:
            problems.append(exc)
            continue
        if not isinstance(data, list):
            problems.append(
                CurationError("a facts file must be a YAML list of sentence groups", path=path)
            )
            continue
        for raw in data:
            facts += _group(raw, path, problems, ids)
    for fact in facts:
        problems.extend(
            CurationError(
                f"fact {fact.id}: conflicts_with unknown fact {other!r}",
                path=fact.path,
                line=fact.line,
            )
            for other in fact.conflicts_with
            if other not in ids
        )
    problems += _repeated_groups(facts)
    return facts, problems


def _repeated_groups(facts: list[Fact]) -> list[CurationError]:
    """A sentence one file writes twice in the same words: its facts belong under one group."""
    return repeated_groups((f, (f.source, " ".join(f.quote.split()))) for f in facts)


def repeated_groups(
    keyed: Iterable[tuple[Fact, Hashable]], *, skip_same_quote: bool = False
) -> list[CurationError]:
    """Groups of one file whose facts resolve to the same sentence (the key: the quote's words,
    or the sentence the quote was found in): their facts belong under one group. The error is
    at each later group's line. With `skip_same_quote`, two groups quoting the same words are
    left to `_repeated_groups` (read_facts), so that no problem is listed twice."""
    first: dict[tuple[str, Hashable], Fact] = {}
    out: dict[tuple[str, int], CurationError] = {}
    for fact, key in keyed:
        earlier = first.setdefault((fact.path, key), fact)
        if earlier.group_line == fact.group_line or (fact.path, fact.group_line) in out:
            continue
        if skip_same_quote and " ".join(earlier.quote.split()) == " ".join(fact.quote.split()):
            continue
        out[fact.path, fact.group_line] = CurationError(
            f"the same sentence as the group at line {earlier.group_line}: put its facts under "
            "one group",
            path=fact.path,
            line=fact.group_line,
        )
    return list(out.values())


def first_problem(problems: list[CurationError]) -> CurationError:
    """The first of several problems, saying how many more `tarihkg check` would list."""
    first = problems[0]
    if len(problems) > 1:
        first.message += f" (and {len(problems) - 1} more problems: run `tarihkg check`)"
        first.args = (first.message,)
    return first


def load_facts(facts_dir: Path) -> list[Fact]:
    """The facts under `facts_dir`; the first problem is raised (`tarihkg check` lists them all)."""
    facts, problems = read_facts(facts_dir)
    if problems:
        raise first_problem(problems)
    return facts


def _publication(raw: dict[str, Any], path: Path, line: int | None, *, lenient: bool = False
                 ) -> dict[str, str | None]:
    """The publication fields of a source entry: each a value or an explicit `unknown` (None).
    ``lenient``: a field that is not valid is read as unknown instead of refused."""
    out: dict[str, str | None] = {}
    for key in PUBLICATION_FIELDS:
        if lenient:
            try:
                out.update(_publication({**raw, **{k: UNKNOWN for k in PUBLICATION_FIELDS
                                                   if k != key}}, path, line))
            except SourceError:
                out[key] = None
            continue
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise SourceError(
                f"source {raw.get('id')}: '{key}' must be given, as printed in the article or "
                f"`{UNKNOWN}`",
                path=path,
                line=line,
            )
        if key == "year" and isinstance(value, str) and value.strip().isdigit():
            raise SourceError(
                f"source {raw.get('id')}: year is the quoted string {value!r}; a year is a number: "
                f"write it without quotes (year: {value.strip()})",
                path=path,
                line=line,
            )
        if key == "year" and value != UNKNOWN and not (isinstance(value, int) and value > 0):
            raise SourceError(
                f"source {raw.get('id')}: year must be a year or `{UNKNOWN}`", path=path, line=line
            )
        out[key] = None if value == UNKNOWN else str(value)
    return out


def _keywords(raw: Any, path: Path, line: int | None) -> tuple[tuple[str, str], ...]:
    """``keywords: {tr: [...], en: [...]}``: the keywords each language's abstract prints."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(k, str) and k.strip() for k in v)
        for lang, v in raw.items()
        if lang != _LINE
    ):
        raise SourceError(
            "'keywords' must map a language to a list of keywords", path=path, line=line
        )
    return tuple((lang, k.strip()) for lang, v in raw.items() if lang != _LINE for k in v)


@dataclass(frozen=True)
class CitationConflict:
    """One cited work (or archive reference) printed two or more ways: each printing by the
    source and the words of the one sentence or footnote that print it."""

    id: str
    printed: tuple[NameAttestation, ...]  # name = quote = the citation's words as printed
    note: str | None
    path: str
    line: int


def load_citation_conflicts(path: Path) -> tuple[CitationConflict, ...]:
    """Read data/curation/citation-conflicts.yaml (a missing file is no conflicts): every entry
    needs a slug id, once, and at least two printings `{source, quote}`."""
    data = load_optional_list(path, "citation-conflicts.yaml")
    out: list[CitationConflict] = []
    for raw in data:
        line = int(raw.get(_LINE, 0)) if isinstance(raw, dict) else 0
        if not isinstance(raw, dict):
            raise CurationError("each citation conflict must be a mapping", path=path, line=line)
        cid = str(raw.get("id", ""))
        if not SLUG_RE.match(cid):
            raise CurationError(f"citation conflict id {cid!r} is not a slug", path=path, line=line)
        if any(c.id == cid for c in out):
            raise CurationError(f"duplicate citation conflict id {cid!r}", path=path, line=line)
        printed = raw.get("printed")
        if not isinstance(printed, list) or len(printed) < 2 or not all(
            isinstance(p, dict) and isinstance(p.get("source"), str) and isinstance(p.get("quote"), str)
            for p in printed
        ):
            raise CurationError(
                f"{cid}: 'printed' needs two or more {{source, quote}}", path=path, line=line
            )
        note = raw.get("note")
        out.append(
            CitationConflict(
                id=cid,
                printed=tuple(NameAttestation(p["quote"], p["source"], p["quote"]) for p in printed),
                note=str(note) if note is not None else None,
                path=str(path),
                line=line,
            )
        )
    return tuple(out)


def load_sources_meta(sources_yaml: Path) -> dict[str, SourceMeta]:
    """Read data/sources/sources.yaml; every source needs id, file, language, a licence note and
    its journal, volume, issue, pages and year (each as printed, or `unknown`). The first
    problem is raised (`read_sources_meta` gives them all)."""
    metas, problems, _ = read_sources_meta(sources_yaml)
    if problems:
        raise problems[0]
    return metas


def read_sources_meta(
    sources_yaml: Path,
) -> tuple[dict[str, SourceMeta], list[SourceError], dict[str, str]]:
    """The readable entries of sources.yaml, the problem of each entry that is not (at its
    line), and the id -> file of those entries as far as they name them: a bad field in one
    entry is one problem, not a missing source (`tarihkg check` reports it once)."""
    if not sources_yaml.exists():
        raise SourceError("source metadata file is missing", path=sources_yaml)
    data = load_yaml(sources_yaml)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError("expected a mapping with a 'sources' list", path=sources_yaml)
    metas: dict[str, SourceMeta] = {}
    problems: list[SourceError] = []
    unread: dict[str, str] = {}
    for raw in data["sources"]:
        try:
            meta = _source_meta(raw, sources_yaml)
            if meta.id in metas:
                raise SourceError(
                    f"duplicate source id {meta.id!r}",
                    path=sources_yaml,
                    line=int(raw.get(_LINE, 0)),
                )
        except SourceError as exc:
            problems += _entry_problems(raw, sources_yaml) or [exc]
            if isinstance(raw, dict):
                unread[str(raw.get("id", ""))] = str(raw.get("file", ""))
            continue
        metas[meta.id] = meta
    return metas, problems, unread


def _entry_problems(raw: Any, sources_yaml: Path) -> list[SourceError]:
    """Every problem of one entry of sources.yaml, each field on its own (a quoted year and a
    missing journal are two problems), in the order `_source_meta` meets them; [] where the
    entry cannot be read field by field (then its one problem says why)."""
    if not isinstance(raw, dict) or not all(raw.get(k) for k in ("id", "file", "language",
                                                                    "licence")):
        return []
    line = int(raw.get(_LINE, 0))
    others = {k: UNKNOWN for k in PUBLICATION_FIELDS}
    out: list[SourceError] = []
    checks: list[Callable[[], Any]] = [
        *((lambda k=k: _publication({**raw, **others, k: raw.get(k)}, sources_yaml, line))
          for k in PUBLICATION_FIELDS),
        lambda: _period(raw.get("period")),
        lambda: _keywords(raw.get("keywords"), sources_yaml, line),
        lambda: _text_map(raw.get("scope"), "scope", (sources_yaml, line)),
    ]
    for check in checks:
        try:
            check()
        except (SourceError, CurationError) as exc:
            out.append(SourceError(exc.message, path=sources_yaml, line=exc.line or line))
        except (TypeError, ValueError, IndexError):
            continue  # the entry's own problem (raised by _source_meta) says it
    return out


def partial_source_metas(sources_yaml: Path, ids: Iterable[str]) -> dict[str, SourceMeta]:
    """The entries of sources.yaml with these ids (ones `read_sources_meta` refused), read
    leniently: a field that is not valid is left unknown (or empty), so that what can still be
    checked against the text (keywords, scope) is checked in the same run (`tarihkg check`
    lists every problem at once). An entry without id, file, language or licence is left out."""
    wanted = set(ids)
    data = load_yaml(sources_yaml)
    out = {}
    for raw in data.get("sources") or () if isinstance(data, dict) else ():
        if not isinstance(raw, dict) or str(raw.get("id", "")) not in wanted:
            continue
        try:
            out[str(raw["id"])] = _source_meta(raw, sources_yaml, lenient=True)
        except SourceError:
            continue
    return out


def _lenient(read: Callable[[], Any], default: Any, lenient: bool) -> Any:
    try:
        return read()
    except (SourceError, CurationError, TypeError, ValueError, IndexError):
        if lenient:
            return default
        raise


def _source_meta(raw: Any, sources_yaml: Path, *, lenient: bool = False) -> SourceMeta:
    """One entry of sources.yaml; a SourceError at the entry's line when it is not valid
    (``lenient``: only when it lacks id, file, language or licence; other fields that are not
    valid are read as unknown)."""
    line = int(raw.get(_LINE, 0)) if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise SourceError("each source must be a mapping", path=sources_yaml, line=line)
    for key in ("id", "file", "language", "licence"):
        if not raw.get(key):
            raise SourceError(f"source entry lacks '{key}'", path=sources_yaml, line=line)
    publication = _publication(raw, sources_yaml, line, lenient=lenient)
    period = _lenient(lambda: _period(raw.get("period")), None, lenient)
    return SourceMeta(
        id=str(raw["id"]),
        file=str(raw["file"]),
        language=str(raw["language"]),
        licence=" ".join(str(raw["licence"]).split()),
        title=raw.get("title") if raw.get("title") != UNKNOWN else None,
        title_en=raw.get("title_en"),
        title_supplied=raw.get("title_supplied"),
        authors=tuple(str(a) for a in raw.get("authors") or () if raw["authors"] != UNKNOWN),
        journal=publication["journal"],
        volume=publication["volume"],
        issue=publication["issue"],
        pages=publication["pages"],
        year=int(publication["year"]) if publication["year"] is not None else None,
        period=period,
        sha256=str(raw["sha256"]).lower() if raw.get("sha256") else None,
        keywords=_lenient(lambda: _keywords(raw.get("keywords"), sources_yaml, line), (), lenient),
        scope=_lenient(lambda: tuple(sorted(
            _text_map(raw.get("scope"), "scope", (sources_yaml, line or 0)).items())), (), lenient),
    )


def _period(period: Any) -> tuple[int, int] | None:
    return (int(period[0]), int(period[1])) if period else None


_COORD_KEYS = {"place", "name", "lat", "lon", "gazetteer"}


@dataclass(frozen=True)
class Coordinates:
    """A place's position (WGS 84) and the gazetteer entry it was read from."""

    place: str
    lat: float
    lon: float
    name: str
    source_url: str
    line: int


def _gazetteer_url(gaz: Any, raw: dict[str, Any], path: Path, line: int) -> str:
    """The page of one gazetteer entry: a GitHub file at a commit, or a package's data whose
    ``url`` names each entry by its ``id`` (``https://www.geonames.org/{id}``)."""
    if isinstance(gaz, dict) and {"repository", "path", "commit"} <= gaz.keys():
        return f"https://github.com/{gaz['repository']}/blob/{gaz['commit']}/{gaz['path']}"
    if isinstance(gaz, dict) and {"package", "version", "licence", "url"} <= gaz.keys():
        if "{id}" in str(gaz["url"]) and not raw.get("id"):
            raise CurationError(f"{raw['place']}: give the gazetteer's id of the entry",
                                path=path, line=line)
        return str(gaz["url"]).replace("{id}", str(raw.get("id", "")))
    raise CurationError(
        f"unknown gazetteer {raw['gazetteer']!r} (declare it with repository, path, commit, "
        "or with package, version, licence, url)", path=path, line=line)


def load_coordinates(path: Path) -> dict[str, Coordinates]:
    """Read data/curation/coordinates.yaml (absent: no coordinates): place id -> `Coordinates`.

    Every entry names a gazetteer declared in the file; latitude and longitude are checked."""
    if not path.exists():
        return {}
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise CurationError("coordinates.yaml needs 'gazetteers' and a 'places' list", path=path)
    gazetteers = data.get("gazetteers") or {}
    out: dict[str, Coordinates] = {}
    for raw in data["places"]:
        line = raw.get(_LINE, 0) if isinstance(raw, dict) else 0
        if not isinstance(raw, dict) or not _COORD_KEYS <= raw.keys():
            raise CurationError(
                "an entry needs place, name, lat, lon, gazetteer", path=path, line=line
            )
        url = _gazetteer_url(gazetteers.get(raw["gazetteer"]), raw, path, line)
        lat, lon = raw["lat"], raw["lon"]
        if (
            not isinstance(lat, int | float)
            or not isinstance(lon, int | float)
            or not (-90 <= lat <= 90 and -180 <= lon <= 180)
        ):
            raise CurationError(f"{raw['place']}: lat/lon out of range", path=path, line=line)
        if raw["place"] in out:
            raise CurationError(f"{raw['place']}: listed twice", path=path, line=line)
        out[raw["place"]] = Coordinates(
            raw["place"], float(lat), float(lon), str(raw["name"]), url, line
        )
    return out


def attach_coordinates(
    entities: dict[str, Entity], coords: dict[str, Coordinates]
) -> dict[str, Entity]:
    """The registry with each place's `Entity.coordinates`; a non-place id is an error."""
    for pid, c in coords.items():
        ent = entities.get(pid)
        if ent is None or ent.type != "Place":
            raise CurationError(
                f"coordinates for {pid!r}, which is not a Place of the registry",
                path=COORDINATES_FILE,
                line=c.line,
            )
    return {
        eid: replace(ent, coordinates=coords[eid]) if eid in coords else ent
        for eid, ent in entities.items()
    }
