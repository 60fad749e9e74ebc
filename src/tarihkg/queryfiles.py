"""A folder of ``.rq`` files beside the code that runs them -> query texts, each with the
project's prefixes declared (`tarihkg.names.SPARQL_PROLOGUE`) and its ``$name`` parameters
filled in with SPARQL terms the caller made safe (an ``<iri>``, a ``VALUES`` block).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "labels.rq").write_text("SELECT ?l WHERE { $iri rdfs:label ?l }")
>>> text = QueryFiles(folder).text("labels", {"iri": "<urn:x>"})
>>> text.splitlines()[-1]
'SELECT ?l WHERE { <urn:x> rdfs:label ?l }'
>>> QueryFiles(folder).text("labels")
Traceback (most recent call last):
...
tarihkg.errors.InternalError: labels.rq: no value for $iri
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from string import Template

from tarihkg.errors import InternalError
from tarihkg.names import SPARQL_PROLOGUE
from tarihkg.store import Store


class QueryFiles:
    """The ``.rq`` files of one folder, each read once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._texts: dict[str, Template] = {}

    def names(self) -> list[str]:
        """The query names (file names without ``.rq``) of the folder, sorted."""
        return sorted(p.stem for p in self.directory.glob("*.rq"))

    def text(self, name: str, params: Mapping[str, str] | None = None) -> str:
        """The query ``name`` with the prefixes declared and each ``$param`` replaced by its
        value in ``params``."""
        template = self._texts.get(name)
        if template is None:
            path = self.directory / f"{name}.rq"
            try:
                template = Template(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise InternalError(f"no query file {path}: {exc}") from None
            self._texts[name] = template
        try:
            return SPARQL_PROLOGUE + template.substitute(params or {})
        except KeyError as exc:
            raise InternalError(f"{name}.rq: no value for ${exc.args[0]}") from None

    def rows(self, store: Store, name: str, params: Mapping[str, str] | None = None
             ) -> list[dict[str, str]]:
        """The solutions of the SELECT ``name`` over ``store`` (see `Store.query`)."""
        return store.query(self.text(name, params)).rows()
