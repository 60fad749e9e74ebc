"""data/curation/retired-facts.yaml -> checked `RetiredFact` records, each knowing its file:line.

A fact id, once published as `resource/claim/{id}`, is never deleted or reused: a fact taken
back is listed here (docs/curation.md) and `rdfize` keeps its IRI as a deprecated
`tkg:RetiredClaim`. Nothing here knows RDF.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarihkg.curation import _LINE, Fact, first_problem, load_optional_list
from tarihkg.errors import CurationError

RETIRED_FILE = "retired-facts.yaml"
_KEYS = ("id", "source", "retired_on", "reason", "replaced_by")
_FACT_ID = re.compile(r"^f-[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RetiredFact:
    """A fact id taken back: why and when, and the live fact that now says it, if any."""

    id: str
    source: str
    retired_on: str
    reason: dict[str, str]
    replaced_by: str | None
    path: str
    line: int


def _entry(raw: Any, path: Path) -> tuple[RetiredFact | None, list[str], int]:
    """One entry, or None with the messages of what is wrong with it."""
    if not isinstance(raw, dict):
        return None, ["each entry must be a mapping (id, source, retired_on, reason)"], 0
    line = int(raw.get(_LINE, 0))
    msgs = [f"unknown key {k!r}" for k in raw if k not in (*_KEYS, _LINE)]
    msgs += [f"lacks {k!r}" for k in _KEYS[:4] if k not in raw]
    reason = raw.get("reason")
    texts = {k: v for k, v in reason.items() if k != _LINE} if isinstance(reason, dict) else {}
    msgs += _value_problems(raw, texts)
    if msgs:
        return None, msgs, line
    fid, source, day = raw.get("id"), raw.get("source"), raw.get("retired_on")
    return (
        RetiredFact(str(fid), str(source), str(day), texts, raw.get("replaced_by"), str(path),
                    line),
        [],
        line,
    )


def _value_problems(raw: dict[str, Any], texts: dict[str, Any]) -> list[str]:
    """What is wrong with the values of an entry's keys (`texts`: its reason without the line)."""
    msgs = []
    fid, source, replaced = raw.get("id"), raw.get("source"), raw.get("replaced_by")
    if "id" in raw and not (isinstance(fid, str) and _FACT_ID.match(fid)):
        msgs.append(f"'id' must be a fact id like f-000-214-..., not {fid!r}")
    if "source" in raw and not (isinstance(source, str) and source.strip()):
        msgs.append("'source' must be a source id")
    day = raw.get("retired_on")
    if "retired_on" in raw and not isinstance(day, dt.date):
        msgs.append(f"'retired_on' must be a day (YYYY-MM-DD), not {day!r}")
    if "reason" in raw and (
        not isinstance(texts.get("en"), str)
        or set(texts) - {"en", "tr"}
        or not all(isinstance(v, str) and v.strip() for v in texts.values())
    ):
        msgs.append("'reason' must be {en: text, tr: text (optional)}")
    if replaced is not None and not (isinstance(replaced, str) and _FACT_ID.match(replaced)):
        msgs.append(f"'replaced_by' must be a fact id, not {replaced!r}")
    return msgs


def read_retired(path: Path, facts: list[Fact]) -> tuple[list[RetiredFact], list[CurationError]]:
    """The retired facts of `path` (none if it does not exist) and every problem found.

    A retired id is listed once and is not also a live fact (that problem is reported at the
    live fact's file:line: ids are never reused); `replaced_by` names a live fact."""
    try:
        data = load_optional_list(path, "retired-facts.yaml")
    except CurationError as exc:
        return [], [exc]
    live = {f.id: f for f in facts}
    out: list[RetiredFact] = []
    problems: list[CurationError] = []
    seen: dict[str, int] = {}
    for raw in data:
        entry, msgs, line = _entry(raw, path)
        name = f"retired fact {raw.get('id')}" if isinstance(raw, dict) else "retired fact"
        problems += [CurationError(f"{name}: {m}", path=path, line=line) for m in msgs]
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(CurationError(
                f"{name}: listed twice (first at line {seen[entry.id]})", path=path, line=line))
            continue
        seen[entry.id] = line
        if entry.replaced_by is not None and entry.replaced_by not in live:
            problems.append(CurationError(
                f"{name}: replaced_by {entry.replaced_by!r} is not a live fact of the facts files",
                path=path, line=line))
            continue
        if entry.id in live:
            fact = live[entry.id]
            problems.append(CurationError(
                f"fact {entry.id}: this id was retired ({path.name}:{line}); a retired id is "
                "never reused: give the fact a new id",
                path=fact.path, line=fact.line))
            continue
        out.append(entry)
    return out, problems


def load_retired(path: Path, facts: list[Fact]) -> list[RetiredFact]:
    """The retired facts of `path`; the first problem is raised (`tarihkg check` lists them all)."""
    retired, problems = read_retired(path, facts)
    if problems:
        raise first_problem(problems)
    return retired
