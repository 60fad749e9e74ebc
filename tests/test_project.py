"""Atomic writes: a file or a whole folder is either the old one or the new one, never half."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarihkg.project import swap_directory, write_atomic


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "out.txt"
    write_atomic(target, "first")
    write_atomic(target, b"second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_swap_directory_replaces_the_old_folder(tmp_path: Path) -> None:
    target, new = tmp_path / "build", tmp_path / ".build.tmp"
    target.mkdir()
    (target / "old").write_text("old")
    new.mkdir()
    (new / "new").write_text("new")
    swap_directory(new, target)
    assert [p.name for p in target.iterdir()] == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_swap_directory_puts_the_old_folder_back_when_the_new_one_cannot_move(tmp_path: Path) -> None:
    target = tmp_path / "build"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(OSError):
        swap_directory(tmp_path / "missing", target)
    assert (target / "old").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
