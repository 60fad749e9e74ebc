"""A new article's text file + what is known of it -> a registered source: the text copied into
data/sources/ under a minted id, its metadata and sha256 appended to sources.yaml (every
publication field a value or an explicit `unknown`), and an empty facts file to curate.

Nothing is guessed: a field not given on the command line is written as `unknown`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from tarihkg.annotate import annotate_source
from tarihkg.check import misprint_warnings, unread_citation_warnings
from tarihkg.curation import PUBLICATION_FIELDS, UNKNOWN, load_sources_meta, load_yaml
from tarihkg.errors import InputError, SourceError
from tarihkg.project import Project, write_atomic
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import LayoutWarning, layout_warnings
from tarihkg.text.mentions import Lexicon
from tarihkg.text.model import ExtractedSource
from tarihkg.text.turkish import match_fold

log = logging.getLogger(__name__)

_NUMBERED = re.compile(r"^(\d{3})_")
NO_LICENCE = "Not stated to tarihkg; kept unchanged for analysis and quotation, not relicensed."


@dataclass(frozen=True)
class NewSource:
    """What `register_source` did: the minted id, the files written, the layout warnings."""

    id: str
    text: Path
    facts: Path
    warnings: tuple[LayoutWarning, ...]
    #: (line, message): printed dates read as misprints, a title the text does not print.
    notices: tuple[tuple[int, str], ...] = ()


def mint_source_id(existing: list[str], sha256: str) -> str:
    """The next free `NNN_` number and the first 16 hex digits of the text's sha256.

    >>> mint_source_id(["000_539a70a237dcfef4", "002_afd972166be37c54"], "ab" * 32)
    '003_abababababababab'
    """
    numbers = [int(m.group(1)) for sid in existing if (m := _NUMBERED.match(sid))]
    return f"{max(numbers, default=-1) + 1:03d}_{sha256[:16]}"


def _scalar(value: str | int) -> str:
    """A YAML scalar: `unknown` bare, anything else as a JSON string (valid YAML, quotes escaped)."""
    return UNKNOWN if value == UNKNOWN else json.dumps(str(value), ensure_ascii=False)


def _publication_scalar(key: str, value: str | None) -> str:
    """A publication field as the loader reads it: the year a bare YAML integer (a quoted
    "2024" is a string, which the loader refuses), the others strings, a missing one `unknown`."""
    if not value:
        return UNKNOWN
    return str(int(value)) if key == "year" else _scalar(value)


def register_source(
    project: Project,
    text_file: Path,
    *,
    title: str | None = None,
    authors: list[str] | None = None,
    publication: dict[str, str | None] | None = None,
    language: str = "tr",
    licence: str | None = None,
) -> NewSource:
    """Register `text_file` as a new source of `project`; refuses a text already registered.

    `publication` maps journal, volume, issue, pages, year to what the article prints; a
    missing or empty field is written as `unknown`.
    """
    if not text_file.is_file():
        raise InputError("no such file", path=text_file)
    raw = read_source(text_file)  # strict UTF-8, no BOM, not empty: else a SourceError
    data = text_file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    metas = load_sources_meta(project.sources_yaml)
    words = raw.split()
    for meta in metas.values():
        if meta.sha256 == digest:
            raise SourceError(f"this text is already registered as {meta.id}", path=text_file)
        registered = project.sources_dir / meta.file
        if registered.is_file() and read_source(registered).split() == words:
            raise SourceError(
                f"this text is {meta.id} ({meta.file}) but for white space (line ends, spaces, "
                "a trailing newline): already registered; a registered text is never edited, and "
                f"a new edition is a new source only if its words differ (remove-source {meta.id} "
                "first to replace it)", path=text_file)
    publication = publication or {}
    year = publication.get("year")
    if year and not str(year).isdigit():
        raise InputError(f"--year must be a year (e.g. 2019), not {year!r}")
    sid = mint_source_id(list(metas), digest)
    target = project.sources_dir / f"{sid}.txt"
    facts = project.facts_dir / f"{sid}.yaml"
    for path in (target, facts):
        if path.exists():
            raise InputError(f"{path} exists already", path=path)
    extracted = extract_source(sid, raw)
    if not extracted.sentences:
        raise SourceError("no sentences found in the text", path=text_file)
    entry = [
        f"  - id: {sid}",
        f"    file: {target.name}",
        f"    sha256: {digest}",
        f"    title: {_scalar(title or UNKNOWN)}",
        f"    authors: {json.dumps(authors, ensure_ascii=False) if authors else UNKNOWN}",
        *(f"    {k}: {_publication_scalar(k, publication.get(k))}" for k in PUBLICATION_FIELDS),
        f"    language: {language}",
        f"    licence: {_scalar(licence or NO_LICENCE)}",
        f"    provenance: {{registered: {_scalar(f'tarihkg new-source {text_file.name}')}}}",
    ]
    yaml_text = project.sources_yaml.read_text(encoding="utf-8").rstrip("\n")
    # The first entry of a project with none yet: `sources: []` becomes a block list.
    yaml_text = re.sub(r"(?m)^sources:\s*\[\s*\]\s*$", "sources:", yaml_text)
    project.facts_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    write_atomic(
        facts,
        "# yaml-language-server: $schema=../facts.schema.json\n"
        f"# Curated facts of source {sid} ({text_file.name}), grouped under the sentence that\n"
        "# states them (docs/curation.md). Replace [] by the first sentence group.\n"
        "[]\n",
    )
    write_atomic(project.sources_yaml, yaml_text + "\n\n" + "\n".join(entry) + "\n")
    log.info("registered %s as %s", text_file, sid)
    meta = load_sources_meta(project.sources_yaml)[sid]
    dated = annotate_source(meta, extracted, Lexicon.build([]))  # dates only: no entities yet
    return NewSource(sid, target, facts, tuple(layout_warnings(raw, extracted)),
                     (*_title_notice(title, raw), *misprint_warnings(dated, raw),
                      *unread_citation_warnings(dated, raw)))


def _title_notice(title: str | None, raw: str) -> list[tuple[int, str]]:
    """A notice when ``title`` is not printed in the text (compared ignoring case, spaces and
    line breaks, apostrophes and circumflexes): a title typed from memory or from elsewhere."""
    if not title:
        return []
    if " ".join(match_fold(title).split()) in " ".join(match_fold(raw).split()):
        return []
    return [(1, f"the --title given ({title!r}) is not printed in the text, even ignoring case "
                "and line breaks: give the title as the article prints it (fix `title:` in "
                "sources.yaml)")]


@dataclass(frozen=True)
class RemovedSource:
    """What `remove_source` did: the files it deleted (sources.yaml lost the entry)."""

    id: str
    deleted: tuple[Path, ...]


#: Curation files that may name a source id (facts, anchors, retired facts, conflicts, notes).
_TEXT_SUFFIXES = (".yaml", ".yml", ".txt", ".csv", ".tsv", ".md", ".json")


def source_uses(project: Project, sid: str) -> tuple[list[str], list[str]]:
    """Where the curation uses source ``sid``, as `file:line`: the sentence groups of its own
    facts file (data/curation/facts/{sid}.yaml, which new-source started) and every line of
    any other curation file naming it (facts filed elsewhere, entity anchors, retired facts,
    conflicts, notes); a YAML comment line naming it is no use."""
    own_file = project.facts_dir / f"{sid}.yaml"
    own: list[str] = []
    other: list[str] = []
    curation = project.facts_dir.parent
    for path in sorted(p for p in curation.rglob("*") if p.suffix in _TEXT_SUFFIXES):
        if not path.is_file() or path.name.endswith(".schema.json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if sid not in text:
            continue
        yaml_file = path.suffix in (".yaml", ".yml")
        for n, line in enumerate(text.splitlines(), 1):
            if sid not in line or (yaml_file and line.lstrip().startswith("#")):
                continue  # a YAML comment line naming the id uses nothing
            if path != own_file:
                other.append(f"{path}:{n}")
            elif re.match(r"^\s*-?\s*source:", line):  # not its header comment
                own.append(f"{path}:{n}")
    return own, other


def _entry_lines(lines: list[str], sid: str, sources_yaml: Path) -> tuple[int, int]:
    """The 0-based [start, end) lines of ``sid``'s entry in sources.yaml's ``lines``: from its
    `- id:` line to the next entry or top-level key, comments before that kept with it."""
    start = next(
        (i for i, line in enumerate(lines)
         if re.match(rf"^\s*-\s+id:\s*[\"']?{re.escape(sid)}[\"']?\s*(#.*)?$", line)),
        None,
    )
    if start is None:
        raise InputError(f"no entry '- id: {sid}' found", path=sources_yaml)
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        width = len(lines[end]) - len(lines[end].lstrip())
        if stripped and not stripped.startswith("#") and (
            width < indent or (width == indent and stripped.startswith("-"))
        ):
            break
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    return start, end


def _without_entry(text: str, sid: str, sources_yaml: Path) -> str:
    """sources.yaml's text without ``sid``'s entry (and the blank line before it); the list
    written `[]` when it was the last."""
    lines = text.split("\n")
    start, end = _entry_lines(lines, sid, sources_yaml)
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    kept = lines[:start] + lines[end:]
    out = "\n".join(kept).rstrip("\n") + "\n"
    if not re.search(r"(?m)^\s*-\s", out.split("sources:", 1)[-1]):
        out = re.sub(r"(?m)^sources:\s*$", "sources: []", out)
    return out


def remove_source(project: Project, sid: str, *, force: bool = False) -> RemovedSource:
    """Withdraw a source registered by mistake: its text, its facts file, its extracts and its
    entry in sources.yaml, all or nothing.

    Refused (InputError, naming each place as file:line) while the curation uses it: sentence
    groups in its own facts file (unless ``force``: the curator discards them) and any mention
    of its id in another curation file (never forced: removing the source would leave those
    entries pointing at nothing, so they are edited first).
    """
    data = load_yaml(project.sources_yaml)
    entries = data.get("sources") if isinstance(data, dict) else None
    entries = [e for e in entries or [] if isinstance(e, dict)]
    ids = [str(e.get("id")) for e in entries]
    if sid not in ids:
        raise InputError(f"no source {sid!r} in sources.yaml (registered: {', '.join(ids)})",
                         path=project.sources_yaml)
    own, other = source_uses(project, sid)
    uses = other + ([] if force else own)
    if uses:
        more = "" if force or not own else (
            "; --force discards the facts of its own facts file, nothing else")
        raise InputError(
            f"source {sid} is still used by the curation, at: {'; '.join(uses)}: edit those "
            f"entries first{more}"
        )
    [entry] = [e for e in entries if str(e.get("id")) == sid]
    files = [project.sources_dir / str(entry.get("file") or f"{sid}.txt"),
             project.facts_dir / f"{sid}.yaml",
             *sorted(project.extracted_dir.glob(f"{sid}.*"))]
    files = [f for f in files if f.exists()]
    new_yaml = _without_entry(project.sources_yaml.read_text(encoding="utf-8"), sid,
                              project.sources_yaml)
    _remove_all_or_nothing(project, files, new_yaml)
    log.info("removed source %s (%d files)", sid, len(files))
    return RemovedSource(sid, tuple(files))


def _remove_all_or_nothing(project: Project, files: list[Path], sources_yaml_text: str) -> None:
    """Move ``files`` aside, rewrite sources.yaml, then delete them; on any failure put every
    moved file back, so the project is never left with an entry without its text or a text
    without its entry."""
    aside = project.root / "data" / f".removing-{os.getpid()}"
    aside.mkdir(parents=True, exist_ok=False)
    moved: list[tuple[Path, Path]] = []
    try:
        for n, path in enumerate(files):
            target = aside / f"{n}-{path.name}"
            os.replace(path, target)
            moved.append((path, target))
        write_atomic(project.sources_yaml, sources_yaml_text)
    except BaseException:
        for path, target in reversed(moved):
            os.replace(target, path)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside)


@dataclass(frozen=True)
class ReplacedSource:
    """What `replace_source` did: the new id, the files written and removed, and the other
    curation files in which the old id was rewritten."""

    old: str
    new: str
    text: Path
    facts: Path | None
    rewritten: tuple[Path, ...]
    removed: tuple[Path, ...]
    warnings: tuple[LayoutWarning, ...]


def _quotes_of(project: Project, sid: str) -> list[tuple[str, str]]:
    """(file:line, quote) of every sentence the curation quotes from source ``sid``: the
    `sentence:` of each group naming it, the `quote` of each entity anchor (`mentioned_in`)
    naming it, the words of each disputed name attested in it."""
    out: list[tuple[str, str]] = []
    curation = project.facts_dir.parent
    for path in sorted(curation.rglob("*.yaml")):
        if not path.is_file() or sid not in path.read_text(encoding="utf-8", errors="replace"):
            continue
        _collect_quotes(load_yaml(path), sid, str(path), out)
    return out


def _collect_quotes(node: object, sid: str, path: str, out: list[tuple[str, str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_quotes(item, sid, path, out)
        return
    if not isinstance(node, dict):
        return
    if str(node.get("source")) == sid:
        for key in ("sentence", "quote"):
            if isinstance(node.get(key), str):
                out.append((f"{path}:{node.get('__line__', 0)}", node[key]))
    for key, value in node.items():
        if key != "__line__":
            _collect_quotes(value, sid, path, out)


def _refuse_lost_quotes(project: Project, old: str, extracted: ExtractedSource,
                       text_file: Path) -> None:
    """An error naming, at its file:line, each sentence the curation quotes from ``old`` that
    no sentence of the corrected text (``extracted``) holds; a text without sentences."""
    if not extracted.sentences:
        raise SourceError("no sentences found in the text", path=text_file)
    sentences = [" ".join(s.text.split()) for s in extracted.sentences]
    gone = [(where, quote) for where, quote in _quotes_of(project, old)
            if not any(" ".join(quote.split()) in s for s in sentences)]
    if gone:
        raise InputError(
            f"the corrected text does not print {len(gone)} sentence(s) the curation quotes "
            f"from {old}: " + "; ".join(f"{w}: {q!r}" for w, q in gone)
            + ": correct those quotes (or the text) first; nothing was written"
        )


def replace_source(project: Project, old: str, text_file: Path) -> ReplacedSource:
    """Register ``text_file``, a corrected text of source ``old``, in its place in one step:
    the new text under ``old``'s number and the new text's sha256 (`NNN_` + 16 hex digits),
    ``old``'s sources.yaml entry kept with every field (id, file and sha256 rewritten), its
    facts file renamed to the new id, and the old id rewritten to the new one wherever the
    curation names it (`source:` lines, `mentioned_in` anchors, `sources` lists, retired
    facts); the old text and its extracts removed.

    Refused (nothing written) when ``old`` is not registered, the new text is not readable
    UTF-8 or is registered already, or a sentence the curation quotes from ``old`` (a group's
    `sentence`, an anchor's `quote`) is in no sentence of the new text: each is named at its
    file:line. On any failure while writing, every file is put back as it was.
    """
    metas = load_sources_meta(project.sources_yaml)
    if old not in metas:
        raise InputError(f"no source {old!r} in sources.yaml (registered: {', '.join(metas)})",
                         path=project.sources_yaml)
    if not text_file.is_file():
        raise InputError("no such file", path=text_file)
    raw = read_source(text_file)
    data = text_file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    for meta in metas.values():
        if meta.sha256 == digest:
            raise SourceError(f"this text is already registered as {meta.id}", path=text_file)
    new = f"{old.split('_', 1)[0]}_{digest[:16]}"
    extracted = extract_source(new, raw)
    _refuse_lost_quotes(project, old, extracted, text_file)
    old_meta = metas[old]
    text_target = project.sources_dir / f"{new}.txt"
    if text_target.exists():
        raise InputError(f"{text_target} exists already", path=text_target)
    writes: dict[Path, str | bytes] = {text_target: data}
    removes: list[Path] = [project.sources_dir / old_meta.file,
                           *sorted(project.extracted_dir.glob(f"{old}.*"))]
    yaml_lines = project.sources_yaml.read_text(encoding="utf-8").split("\n")
    start, end = _entry_lines(yaml_lines, old, project.sources_yaml)
    for i in range(start, end):
        line = yaml_lines[i].replace(old, new)
        line = re.sub(r"^(\s*sha256:\s*)[\"']?[0-9a-fA-F]{64}[\"']?", rf"\g<1>{digest}", line)
        yaml_lines[i] = line
    _note_replacement(yaml_lines, start, end, f"replaced {old} (sha256 {old_meta.sha256}) by "
                      f"tarihkg replace-source {old} {text_file.name}")
    writes[project.sources_yaml] = "\n".join(yaml_lines)
    old_facts = project.facts_dir / f"{old}.yaml"
    new_facts = project.facts_dir / f"{new}.yaml" if old_facts.exists() else None
    if new_facts is not None:
        writes[new_facts] = old_facts.read_text(encoding="utf-8").replace(old, new)
        removes.append(old_facts)
    _, other = source_uses(project, old)
    rewritten = sorted({Path(where.rsplit(":", 1)[0]) for where in other})
    for path in rewritten:
        if path != project.sources_yaml:
            writes[path] = path.read_text(encoding="utf-8").replace(old, new)
    _write_all_or_nothing(project, writes, [p for p in removes if p.exists()])
    log.info("replaced source %s by %s (%s)", old, new, text_file)
    return ReplacedSource(old, new, text_target, new_facts, tuple(rewritten),
                          tuple(p for p in removes), tuple(layout_warnings(raw, extracted)))


def _note_replacement(lines: list[str], start: int, end: int, note: str) -> None:
    """Say in the entry's `provenance` (lines ``start``-``end`` of sources.yaml) that its text
    was replaced, under the key `text`: in an inline mapping (``provenance: {registered: …}``,
    as new-source writes it), or as the block mapping's first key, or as a new `provenance`
    line after `sha256`."""
    value = _scalar(note)
    for i in range(start, end):
        m = re.match(r"^(\s*)provenance:\s*(\{.*\})?\s*$", lines[i])
        if m is None:
            continue
        if m.group(2):
            lines[i] = f"{m.group(1)}provenance: {m.group(2)[:-1].rstrip()}, text: {value}}}"
        else:
            lines.insert(i + 1, f"{m.group(1)}  text: {value}")
        return
    at = next((i for i in range(start, end) if lines[i].lstrip().startswith("sha256:")), end - 1)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + 1, f"{indent}provenance: {{text: {value}}}")


def _write_all_or_nothing(project: Project, writes: dict[Path, str | bytes],
                          removes: list[Path]) -> None:
    """Write every file of ``writes`` and remove every one of ``removes``, or, on any failure,
    none: each file touched is first copied aside and put back if a later step fails."""
    aside = project.root / "data" / f".replacing-{os.getpid()}"
    aside.mkdir(parents=True, exist_ok=False)
    saved: list[tuple[Path, Path | None]] = []  # (path, its copy aside; None: it was new)
    try:
        for n, path in enumerate([*writes, *removes]):
            if path.exists():
                kept = aside / f"{n}-{path.name}"
                shutil.copy2(path, kept)
                saved.append((path, kept))
            else:
                saved.append((path, None))
        for path, content in writes.items():
            write_atomic(path, content)
        for path in removes:
            path.unlink()
    except BaseException:
        for touched, copy in reversed(saved):
            if copy is None:
                touched.unlink(missing_ok=True)
            else:
                os.replace(copy, touched)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside)
