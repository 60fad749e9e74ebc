"""ruff and mypy hold the style line in CI, not only in `make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)


def test_ruff_finds_nothing() -> None:
    result = run(str(BIN / "ruff"), "check", "src", "server", "tests", "scripts", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_typed_packages(tmp_path: Path) -> None:
    result = run(str(BIN / "mypy"), "--cache-dir", str(tmp_path), "src/tarihkg", "server")
    assert result.returncode == 0, result.stdout + result.stderr
