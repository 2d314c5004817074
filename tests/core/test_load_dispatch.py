"""Format detection and the safety checks every load goes through."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadCancelled, LoadError, MemoryBudgetError
from core.loaders import detect_format, load
from core.loaders.files import decode_text, sniff_encoding
from core.options import LoadOptions


def _write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ---- refusals before opening -----------------------------------------------------------------
def test_missing_file_is_named(tmp_path):
    with pytest.raises(LoadError, match=r"nothere\.csv.*does not exist"):
        load(tmp_path / "nothere.csv")


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(LoadError, match="is a folder"):
        load(folder)


@pytest.mark.timeout(5)
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(LoadError, match=r"pipe\.csv.*pipe \(FIFO\)"):
        load(fifo)
    with pytest.raises(LoadError, match="FIFO"):
        detect_format(fifo)
    assert time.monotonic() - started < 1.0


@pytest.mark.timeout(5)
def test_dev_zero_is_refused_instantly():
    started = time.monotonic()
    with pytest.raises(LoadError, match="is a device"):
        load("/dev/zero")
    assert time.monotonic() - started < 1.0


@pytest.mark.timeout(5)
def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(LoadError, match="socket"):
            load(path)
    finally:
        server.close()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read files whatever their mode")
def test_unreadable_file_is_refused(tmp_path):
    path = _write(tmp_path / "secret.csv", "a\n1\n")
    path.chmod(0)
    try:
        with pytest.raises(LoadError, match="permission denied"):
            load(path)
    finally:
        path.chmod(0o600)


def test_permission_error_from_the_os_becomes_a_load_error(tmp_path, monkeypatch):
    """Root ignores file modes, so simulate the denial the OS would give a normal user."""
    path = _write(tmp_path / "secret.csv", "a\n1\n")
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with pytest.raises(LoadError, match=r"secret\.csv: permission denied"):
        load(path)


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(LoadError, match=r"empty\.csv: the file is empty"):
        load(_write(tmp_path / "empty.csv", b""))


def test_blank_lines_only(tmp_path):
    with pytest.raises(LoadError, match="blank lines"):
        load(_write(tmp_path / "blank.csv", "\n\n  \n"))
    with pytest.raises(LoadError, match="blank lines"):
        load(_write(tmp_path / "blank.txt", "\n\n  \n"))


def test_binary_named_csv_is_refused(tmp_path):
    path = _write(tmp_path / "data.csv", b"a,b\n1,2\x00\x01\x02\n")
    with pytest.raises(LoadError, match=r"data\.csv, line 2: contains NUL bytes; it looks like a binary file, not CSV"):
        load(path)


def test_binary_without_extension_is_refused(tmp_path):
    with pytest.raises(LoadError, match="NUL bytes"):
        detect_format(_write(tmp_path / "blob", bytes(range(256)) * 4))


def test_file_over_budget_is_refused_before_reading(tmp_path):
    path = _write(tmp_path / "big.csv", "a\n" + "1\n" * 1000)
    with pytest.raises(MemoryBudgetError, match="memory budget"):
        load(path, budget_bytes=100)


def test_unknown_format_option(tmp_path):
    path = _write(tmp_path / "x.csv", "a\n1\n2\n")
    with pytest.raises(LoadError, match="unknown format 'xls'"):
        load(path, LoadOptions(format="xls"))


def test_non_ascii_path(tmp_path):
    path = _write(tmp_path / "données_é.csv", "a,b\n1,2\n3,4\n")
    dataset = load(path)
    assert dataset.values.shape == (2, 2)
    assert dataset.source.name == "données_é.csv"


# ---- detection ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.csv", "x,y\n1,2\n", "csv"),
        ("a.tsv", "x\ty\n1\t2\n", "csv"),
        ("a.txt", "1,2,3\n4,5,6\n", "csv"),
        ("a.txt", "1.5\n2.5\n3.5\n", "csv"),
        ("a.txt", "0.1 0.2 0.3\n0.4 0.5 0.6\n", "csv"),
        ("a.txt", "the cat sat\ta\nthe dog ran\tb\n", "text"),
        ("a.txt", "Hello there.\nGeneral Kenobi!\n", "text"),
        ("a.json", '[{"x": [1, 2]}]', "json"),
        ("a.jsonl", '{"x": [1]}\n{"x": [2]}\n', "jsonl"),
        ("a.ndjson", '{"x": [1]}\n', "jsonl"),
        ("a.ts", "@problemName x\n@data\n1,2:a\n", "ts"),
        ("noext", '{"x": [1]}\n{"x": [2]}\n', "jsonl"),
        ("noext", "[[1, 2], [3]]", "json"),
        ("noext", "# comment\n@problemName x\n@data\n1:a\n", "ts"),
        ("noext", "a,b\n1,2\n", "csv"),
        ("noext", "some words here\n", "text"),
    ],
)
def test_detect_format(tmp_path, name, content, expected):
    assert detect_format(_write(tmp_path / name, content)) == expected


def test_detect_numpy_by_magic(tmp_path):
    path = tmp_path / "array.bin"
    np.save(path.with_suffix(".npy"), np.zeros((2, 3)))
    path.with_suffix(".npy").rename(path)
    assert detect_format(path) == "npy"
    archive = tmp_path / "arrays.npz"
    np.savez(archive, x=np.zeros(3))
    assert detect_format(archive) == "npz"


def test_zip_named_csv_is_refused(tmp_path):
    archive = tmp_path / "arrays.npz"
    np.savez(archive, x=np.zeros(3))
    renamed = archive.rename(tmp_path / "arrays.csv")
    with pytest.raises(LoadError, match="zip archive"):
        detect_format(renamed)


def test_load_records_the_format_guess_and_options(tmp_path):
    dataset = load(_write(tmp_path / "d.txt", "1,2\n3,4\n5,6\n"))
    guess = dataset.source.guesses[0]
    assert (guess.what, guess.value, guess.option) == ("format", "csv", "format")
    assert "delimited numbers" in guess.why
    assert dataset.source.options["format"] == "csv"
    assert Path(dataset.source.path).is_absolute()


def test_given_format_is_used_and_not_reported_as_a_guess(tmp_path):
    dataset = load(_write(tmp_path / "d.csv", "the cat\nsat down\n"), LoadOptions(format="text"))
    assert dataset.kind == "tokens"
    assert all(g.what != "format" for g in dataset.source.guesses)


def test_progress_and_cancel(tmp_path):
    path = _write(tmp_path / "d.csv", "a,b\n1,2\n3,4\n")
    seen: list[float] = []
    load(path, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and len(seen) >= 4
    with pytest.raises(LoadCancelled, match=r"Loading d\.csv was cancelled"):
        load(path, cancelled=lambda: True)
    calls = iter([False, False, True])
    with pytest.raises(LoadCancelled):
        load(path, cancelled=lambda: next(calls, True))


def test_loading_never_changes_the_file(tmp_path):
    path = _write(tmp_path / "d.csv", "id,t,x\n1,1,0.5\n1,0,0.25\n2,0,1\n2,1,2\n")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    load(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


# ---- encodings -------------------------------------------------------------------------------
def test_sniff_encoding_boms_and_utf16_zero_bytes():
    assert sniff_encoding(b"\xef\xbb\xbfa,b")[0] == "utf-8-sig"
    assert sniff_encoding("a,b\n".encode("utf-16"))[0] == "utf-16"
    assert sniff_encoding("a,b\n1,2\n".encode("utf-16-le"))[0] == "utf-16-le"
    assert sniff_encoding("a,b\n1,2\n".encode("utf-16-be"))[0] == "utf-16-be"
    assert sniff_encoding(b"a,b\n1,2\n")[0] is None


def test_decode_text_fallbacks(tmp_path):
    path = tmp_path / "x.txt"
    assert decode_text("café".encode(), path).text == "café"
    decoded = decode_text("café".encode("cp1252"), path)
    assert (decoded.text, decoded.encoding) == ("café", "cp1252")
    assert decoded.guess is not None and decoded.guess.option == "encoding"
    assert decode_text("\ufeffabc".encode(), path).text == "abc"
    assert decode_text("naïve\n".encode("utf-16"), path).text == "naïve\n"
    with pytest.raises(LoadError, match="unknown text encoding 'klingon'"):
        decode_text(b"abc", path, "klingon")
    with pytest.raises(LoadError, match=r"line 2: is not valid ascii text"):
        decode_text("a\nbé".encode(), path, "ascii")
    with pytest.raises(LoadError, match="neither UTF-8 nor cp1252"):
        decode_text(b"abc\x81\x8d", path)


def test_reader_format_guess_wins_over_first_bytes_guess(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('{"x": [1, 2, 3], "label": "a"}\n{"x": [4, 5], "label": "b"}\n')
    from core.loaders import load

    dataset = load(path)
    format_guesses = [g for g in dataset.source.guesses if g.what == "format"]
    assert dataset.source.format == "jsonl"
    assert [g.value for g in format_guesses] == ["jsonl"]
