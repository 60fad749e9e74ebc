"""The source texts are the originals, byte for byte (their sha256 in sources.yaml), and the
project reads nothing outside its own folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tarihkg.curation import load_sources_meta

ROOT = Path(__file__).resolve().parent.parent
METAS = load_sources_meta(ROOT / "data" / "sources" / "sources.yaml")


@pytest.mark.parametrize("sid", sorted(METAS))
def test_source_matches_its_recorded_checksum(sid: str) -> None:
    meta = METAS[sid]
    data = (ROOT / "data" / "sources" / meta.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta.sha256


def test_nothing_reads_outside_the_repository() -> None:
    """A fresh clone with nothing beside it must build and test: no code or test may reach
    a sibling folder of the repository (a shared folder beside the clone)."""
    outside = re.compile(r"""ROOT\.parent\b|\.\./shared|parent\.parent\.parent|["']\.\./\.\./""")
    offenders = []
    for folder in ("src", "server", "tests", "scripts", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if outside.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
