"""Errors of the pipeline and the server -> exit codes (0 ok, 1 data invalid, 2 bad input, 3 internal).

Every error names where the problem is (a file and line, a span, an IRI) so the message alone
is enough to find it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class TarihkgError(Exception):
    """Base error. ``exit_code`` is what the CLI returns for it."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        span: tuple[int, int] | None = None,
        iri: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.span = span
        self.iri = iri

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path + (f":{self.line}" if self.line is not None else ""))
        if self.span is not None:
            where.append(f"[{self.span[0]}:{self.span[1]}]")
        if self.iri:
            where.append(f"<{self.iri}>")
        return (" ".join(where) + ": " if where else "") + self.message


class InputError(TarihkgError):
    """Bad input: a source that is not UTF-8 or is empty, a malformed curation file, bad usage."""

    exit_code = 2


class SourceError(InputError):
    """A source text or its metadata cannot be used."""


class CurationError(InputError):
    """A curation file is malformed or names something the texts do not support."""


class DataInvalidError(TarihkgError):
    """The built data is invalid: a SHACL violation or an inconsistent ontology."""

    exit_code = 1


class ValidationError(DataInvalidError):
    """SHACL found violations; ``report`` holds the readable report."""

    def __init__(self, message: str, *, report: str = "", path: str | Path | None = None) -> None:
        super().__init__(message, path=path)
        self.report = report


class InconsistencyError(DataInvalidError):
    """The reasoner found the ontology plus data inconsistent (or a class unsatisfiable)."""


class InternalError(TarihkgError):
    """A bug or a missing tool (e.g. no Java for the reasoner)."""

    exit_code = 3


#: Failures to write that the user fixes (free space, permissions), not bugs: exit 2.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                         errno.EFBIG})


def written_file(exc: BaseException) -> str | None:
    """The file a failed write was writing, read off ``exc``'s traceback: the innermost frame
    holding a file object open for writing (``f`` in ``Path.write_text``, ``fp`` in
    ``json.dump``). A full disk raises ``ENOSPC`` from ``write()`` with no file name.

    >>> import tempfile
    >>> def fill(fh):
    ...     raise OSError(errno.ENOSPC, "No space left on device")
    >>> with tempfile.NamedTemporaryFile("w", suffix=".nq") as fh:
    ...     try:
    ...         fill(fh)
    ...     except OSError as exc:
    ...         found = written_file(exc)
    ...     found == fh.name
    True
    """
    found = None
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            name, mode = getattr(value, "name", None), getattr(value, "mode", None)
            if isinstance(name, str) and isinstance(mode, str) and set(mode) & set("wax+"):
                found = name
        tb = tb.tb_next
    return found


def write_error(exc: OSError, *, path: str | Path | None = None) -> TarihkgError:
    """The error for a failed write: `InputError` (exit 2) for a full disk, a quota, a
    read-only or forbidden place, else `InternalError` (exit 3).

    >>> str(write_error(OSError(errno.ENOSPC, "No space left on device"), path="data/build"))
    'data/build: cannot write: No space left on device (free space or fix permissions, then run again)'
    """
    where = path if path is not None else exc.filename
    if exc.errno in DISK_ERRNOS:
        return InputError(f"cannot write: {exc.strerror} (free space or fix permissions, then "
                          "run again)", path=where)
    said = next((os.strerror(e) for e in sorted(DISK_ERRNOS) if os.strerror(e) in str(exc)),
                None)  # RocksDB's errors (pyoxigraph) carry the reason only in their text
    if exc.errno is None and said is not None:
        return InputError(f"cannot write: {said} (free space or fix permissions, then run "
                          f"again): {exc}", path=where)
    return InternalError(f"cannot write: {exc}", path=where)
