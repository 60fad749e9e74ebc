"""A build directory -> the path of every artefact in it: the one description of the layout of
``data/build/``, written by the build (`tarihkg.pipeline`) and read by the store and the server.

>>> layout = BuildLayout(Path("data/build"))
>>> layout.nquads.as_posix(), layout.dumps_metadata.as_posix()
('data/build/tarihkg.nq', 'data/build/dumps/dumps.json')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The built dataset: every named graph, sorted N-Quads.
DATASET_FILE = "tarihkg.nq"
#: The store opened by the server (written from `DATASET_FILE`).
STORE_DIR = "store"
SHACL_REPORT_FILE = "shacl-report.txt"
SUMMARY_FILE = "summary.json"
DUMPS_DIR = "dumps"
DUMPS_METADATA_FILE = "dumps.json"
CHECKSUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class BuildLayout:
    """Where each artefact of a build lives under ``root``."""

    root: Path

    @property
    def nquads(self) -> Path:
        return self.root / DATASET_FILE

    @property
    def store(self) -> Path:
        return self.root / STORE_DIR

    @property
    def shacl_report(self) -> Path:
        return self.root / SHACL_REPORT_FILE

    @property
    def summary(self) -> Path:
        return self.root / SUMMARY_FILE

    @property
    def dumps(self) -> Path:
        return self.root / DUMPS_DIR

    @property
    def dumps_metadata(self) -> Path:
        return self.dumps / DUMPS_METADATA_FILE

    @property
    def checksums(self) -> Path:
        return self.dumps / CHECKSUMS_FILE
