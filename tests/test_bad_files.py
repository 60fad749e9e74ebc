"""Files a user or a machine gets wrong -> exit 2 with the file (and line), never exit 3 or
silence: an empty curation file, YAML nested 50,000 deep, a disk that fills up."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_project

from tarihkg.cli import main
from tarihkg.curation import load_yaml
from tarihkg.errors import CurationError

SAMPLE = Path(__file__).resolve().parent / "data" / "server" / "sample.nq"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_curation_file_is_an_error_at_line_1(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CurationError) as info:
        load_yaml(path)
    assert str(info.value).startswith(f"{path}:1: the file holds no YAML document")


def test_a_curation_file_not_in_utf8_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    latin1 = "  note: Gence’de ü\n".encode().replace("ü".encode(), b"\xfc")
    path.write_bytes("- id: a\n  label_tr: Bakü\n".encode() + latin1)
    with pytest.raises(CurationError) as info:
        load_yaml(path)
    assert str(info.value).startswith(f"{path}:3: not valid UTF-8: byte 0xfc at column 18")


@pytest.mark.parametrize("name, text, line", [
    ("zz-empty.yaml", "", 1),
    ("zz-deep.yaml", "- " + "[" * 50_000 + "]" * 50_000 + "\n", 1),
])
def test_a_bad_registry_file_exits_2_naming_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int
) -> None:
    root = copy_project(tmp_path)
    (root / "data" / "curation" / "entities" / name).write_text(text, encoding="utf-8")
    assert main(["--root", str(root), "extract"]) == 2
    assert f"{name}:{line}:" in capsys.readouterr().err


def test_a_full_disk_while_writing_the_store_exits_2_naming_the_place(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes every write past 64 kB fail (EFBIG), as a full disk does (ENOSPC)."""
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from tarihkg.errors import TarihkgError\n"
        "from tarihkg.store import build_store\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "try:\n"
        f"    build_store(Path({str(SAMPLE)!r}), Path({str(tmp_path / 'store')!r}))\n"
        "except TarihkgError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(exc.exit_code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path / 'store'}: cannot write" in done.stdout
    assert not list(tmp_path.glob(".store.tmp-*"))


def test_a_full_disk_in_a_plain_write_names_the_file(tmp_path: Path) -> None:
    """A write() that fails for lack of space carries no file name (the outside fault run got
    'tarihkg: error: cannot write: No space left on device (…)' from a build, naming nothing):
    the CLI names the file that was being written. RLIMIT_FSIZE stands in for the full disk."""
    target = tmp_path / "data" / "build" / "tarihkg.nq"
    target.parent.mkdir(parents=True)
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "import tarihkg.cli as cli\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        f"cli.cmd_build = lambda args: Path({str(target)!r}).write_text('x' * 200_000)\n"
        "sys.exit(cli.main(['build']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"tarihkg: error: {target}: cannot write: File too large" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_cli_maps_a_full_disk_to_exit_2(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import tarihkg.cli as cli

    def full(args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "data/build/tarihkg.nq")

    monkeypatch.setattr(cli, "cmd_build", full)
    assert main(["build"]) == 2
    assert "data/build/tarihkg.nq: cannot write: No space left on device" in \
        capsys.readouterr().err
