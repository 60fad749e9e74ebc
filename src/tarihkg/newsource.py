"""A new article's text file + what is known of it -> a registered source: the text copied into
data/sources/ under a minted id, its metadata and sha256 appended to sources.yaml (every
publication field a value or an explicit `unknown`), and an empty facts file to curate.

Nothing is guessed: a field not given on the command line is written as `unknown`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from tarihkg.annotate import annotate_source
from tarihkg.check import misprint_warnings
from tarihkg.curation import PUBLICATION_FIELDS, UNKNOWN, load_sources_meta
from tarihkg.errors import InputError, SourceError
from tarihkg.project import Project, write_atomic
from tarihkg.text.extract import extract_source, read_source
from tarihkg.text.layout import LayoutWarning, layout_warnings
from tarihkg.text.mentions import Lexicon

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
    #: Printed dates read as misprints: (line, what is printed and what it is read as).
    misprints: tuple[tuple[int, str], ...] = ()


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
    for meta in metas.values():
        if meta.sha256 == digest:
            raise SourceError(f"this text is already registered as {meta.id}", path=text_file)
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
                     tuple(misprint_warnings(dated, raw)))
