"""Example query files (``server/queries/*.rq``) -> `Example` records shown on the landing page
and in the query editor.

An example query file starts with comment lines ``# title: ...``, ``# description: ...`` and
optionally ``# format: csv`` (the ``format=`` its link asks for; ``json`` by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from server.iris import QUERIES_DIR
from tarihkg.errors import InputError
from tarihkg.formats import RESULTS_FORMATS, by_name


@dataclass(frozen=True)
class Example:
    """One shipped example query."""

    name: str
    title: str
    description: str
    format: str
    text: str


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
