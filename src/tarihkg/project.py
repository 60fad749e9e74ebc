"""A project folder -> the paths of its inputs and outputs; atomic file writes."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a project's inputs and outputs live, relative to its root."""

    root: Path

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def sources_yaml(self) -> Path:
        return self.sources_dir / "sources.yaml"

    @property
    def entities_dir(self) -> Path:
        return self.root / "data" / "curation" / "entities"

    @property
    def facts_dir(self) -> Path:
        return self.root / "data" / "curation" / "facts"

    @property
    def citation_conflicts_file(self) -> Path:
        """Citations a source prints two ways (docs/curation.md)."""
        return self.root / "data" / "curation" / "citation-conflicts.yaml"

    @property
    def retired_file(self) -> Path:
        """Fact ids taken back (docs/curation.md)."""
        return self.root / "data" / "curation" / "retired-facts.yaml"

    @property
    def minted_file(self) -> Path:
        return self.root / "data" / "curation" / "minted-iris.txt"

    @property
    def extracted_dir(self) -> Path:
        return self.root / "data" / "extracted"

    @property
    def build_dir(self) -> Path:
        return self.root / "data" / "build"

    @property
    def builds_dir(self) -> Path:
        """Every build, one directory each; ``build_dir`` is a link to the one served."""
        return self.root / "data" / "builds"

    @property
    def work_dir(self) -> Path:
        return self.root / "data" / "work"

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "tarihkg.ttl"

    @property
    def queries_dir(self) -> Path:
        """The ``*-violation.rq`` quality checks the build runs."""
        return self.root / "ontology" / "queries"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temp file in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_siblings(target: Path) -> list[Path]:
    """Remove what a killed writer of directory ``target`` left beside it (its
    ``.{name}.tmp-{pid}`` and ``.{name}.old-{pid}`` of processes no longer running), putting
    an ``.old-`` directory back first if ``target`` itself is missing; return what was removed.
    """
    removed = []
    for kind in ("old", "tmp"):
        for path in sorted(target.parent.glob(f".{target.name}.{kind}-*")):
            pid = path.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
                continue
            if kind == "old" and not target.exists():
                os.rename(path, target)
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def swap_directory(new: Path, target: Path) -> None:
    """Rename directory ``new`` to ``target``, replacing (then deleting) any old ``target``.

    The old directory is renamed aside first and put back if the second rename fails, so
    ``target`` is always either the old or the new one, never half of each.
    """
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def point_link(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to directory ``target`` in one atomic rename, so a reader
    resolving ``link`` finds the old target or the new one, never neither. A real directory at
    ``link`` (a build from before builds were versioned) is first moved beside ``target``."""
    if link.is_dir() and not link.is_symlink():
        os.rename(link, target.parent / f"legacy-{os.getpid()}")
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, link.parent), tmp)
    os.replace(tmp, link)


def prune_builds(builds: Path, *, keep: int, current: Path) -> list[Path]:
    """Remove all but the ``keep`` newest finished builds in ``builds`` (never ``current``) and
    the unfinished ``.tmp-{pid}`` ones of builds that are no longer running; return what went.
    A server takes up a new build within seconds and finishes its last query on the old one
    within its deadline, so the builds kept are the ones still read."""
    removed = []
    for path in sorted(builds.glob(".tmp-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    finished = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    for path in finished[keep:]:
        if path.resolve() != current.resolve():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
