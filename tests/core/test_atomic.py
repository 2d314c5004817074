"""Atomic saves: all or nothing, and the saved file's permissions are those of a normal save."""

from __future__ import annotations

import os
import stat

import pytest

from core.atomic import atomic_path, save_with, write_text_atomic


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_the_permissions_a_plain_save_would_give(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "out.txt", "hello")
        plain = tmp_path / "plain.txt"
        plain.write_text("hello")
    finally:
        os.umask(old_umask)
    assert (tmp_path / "out.txt").read_text() == "hello"
    assert mode(tmp_path / "out.txt") == mode(plain) == 0o644


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "shared.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert mode(target) == 0o640


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "model.keras"
    target.write_bytes(b"old model")

    def half_written(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_with(target, half_written)
    assert target.read_bytes() == b"old model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_temporary_path_sits_beside_the_target_with_its_suffix(tmp_path):
    with atomic_path(tmp_path / "plot.png") as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".png"
        tmp.write_bytes(b"png")
    assert (tmp_path / "plot.png").read_bytes() == b"png"
