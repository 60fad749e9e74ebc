"""The source texts are the shared originals, byte for byte, and carry their metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tarihkg.curation import load_sources_meta

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "sources"
METAS = load_sources_meta(ROOT / "data" / "sources" / "sources.yaml")


@pytest.mark.parametrize("sid", sorted(METAS))
def test_source_matches_its_recorded_checksum(sid: str) -> None:
    meta = METAS[sid]
    data = (ROOT / "data" / "sources" / meta.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta.sha256


def test_sources_are_the_shared_originals_byte_for_byte() -> None:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: CI and developers have shared/ beside the repo")
    for original in sorted(SHARED.glob("*.txt")):
        copy = ROOT / "data" / "sources" / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name
