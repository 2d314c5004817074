"""gzip/bz2/xz files are read transparently, for every format, and bombs are refused."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError
from core.loaders import detect_format, load
from core.options import LoadOptions

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
PACK = {"gzip": (gzip.compress, ".gz"), "bz2": (bz2.compress, ".bz2"), "xz": (lzma.compress, ".xz")}


def _packed(tmp_path: Path, name: str, data: bytes, kind: str, suffix: bool = True) -> Path:
    compress, ending = PACK[kind]
    path = tmp_path / (name + ending if suffix else name)
    path.write_bytes(compress(data))
    return path


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


SOURCES = {
    "csv": lambda: (ROOT / "resources" / "demos" / "vowels_long.csv").read_bytes(),
    "ts": lambda: (REAL / "aeon" / "GunPoint_TRAIN.ts").read_bytes(),
    "arff": lambda: (REAL / "aeon" / "BasicMotions_TRAIN.arff").read_bytes(),
    "tsf": lambda: (REAL / "aeon" / "m1_yearly_dataset.tsf").read_bytes(),
    "json": lambda: json.dumps([{"sequence": [1, 2, 3], "label": "a"}, {"sequence": [4, 5], "label": "b"}]).encode(),
    "npy": lambda: _npy_bytes(np.arange(24, dtype=np.float32).reshape(2, 3, 4)),
}
NAMES = {"csv": "vowels_long.csv", "ts": "GunPoint_TRAIN.ts", "arff": "BasicMotions.arff", "tsf": "m1.tsf",
         "json": "records.json", "npy": "x.npy"}


@pytest.mark.parametrize("kind", list(PACK))
@pytest.mark.parametrize("fmt", list(SOURCES))
def test_every_format_reads_the_same_compressed(tmp_path, fmt, kind):
    data = SOURCES[fmt]()
    plain = tmp_path / NAMES[fmt]
    plain.write_bytes(data)
    packed = _packed(tmp_path, NAMES[fmt], data, kind)
    expected, ours = load(plain), load(packed)
    np.testing.assert_array_equal(ours.values, expected.values)
    np.testing.assert_array_equal(ours.lengths, expected.lengths)
    assert ours.source.path == str(packed.resolve())
    assert ours.source.options["compression"] == kind
    assert ours.source.format == expected.source.format
    assert ours.source.guesses[0].what == "compression"
    assert detect_format(packed) == detect_format(plain)


def test_compression_is_found_by_its_signature_without_the_suffix(tmp_path):
    data = SOURCES["arff"]()
    path = _packed(tmp_path, "motions", data, "xz", suffix=False)
    dataset = load(path)
    assert dataset.source.options["compression"] == "xz" and dataset.source.format == "arff"


def test_errors_name_the_compressed_file(tmp_path):
    path = _packed(tmp_path, "bad.ts", b"@problemName x\n@classLabel true a\n@data\n1,2:b\n", "gzip")
    with pytest.raises(LoadError, match=r"^bad\.ts\.gz, line 4: the class 'b' is not among the classes"):
        load(path)


def test_a_decompression_bomb_is_refused_with_the_numbers(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(32):
            handle.write(b"0" * (1 << 20))
    with pytest.raises(LoadError, match=r"bomb\.csv\.gz: decompresses to more than 8\.0 MiB \(the memory budget\) from "
                                         r"[\d.]+ KiB: stopped after [\d.]+ MiB"):
        load(path, budget_bytes=8 << 20)


def test_a_bomb_is_streamed_not_held_in_memory(tmp_path):
    """Peak RSS of a fresh child reading a 1 GiB bomb under a 32 MiB budget stays small."""
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        block = b"1,2,3\n" * (1 << 18)
        for _ in range(1024 // 1 + 1):
            handle.write(block)
            if handle.tell() > 1 << 30:
                break
    code = ("import resource, sys\n"
            "from core.cli.app import main\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "code = main(['inspect', '--memory-budget', '32MiB', sys.argv[1]])\n"
            "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(code, before, after, file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = run.stderr.strip().splitlines()
    assert "decompresses to more than 32.0 MiB" in lines[0], run.stderr
    code, before, after = map(int, lines[-1].split())
    assert code == 2
    assert after - before < 48 * 1024, (before, after)  # KiB: far below the 1 GiB inside


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fake.csv.gz", b"a,b\n1,2\n", r"is named \.gz but is not gzip-compressed"),
    ("fake.csv.xz", b"a,b\n1,2\n", r"is named \.xz but is not xz-compressed"),
    ("trunc.csv.gz", gzip.compress(b"a,b\n" + "".join(f"{i},{i * i}\n" for i in range(5000)).encode())[:200], r"is not a valid gzip file .*truncated or damaged"),
    ("garbage.csv.bz2", b"BZh9" + b"\x00" * 50, r"is not a valid bz2 file"),
    ("empty.csv.gz", gzip.compress(b""), r"is an empty gzip file"),
    ("twice.csv.gz", gzip.compress(gzip.compress(b"a,b\n1,2\n")), r"is compressed twice"),
    ("data.zst", b"\x28\xb5\x2f\xfd" + b"\x00" * 20, r"is zstd-compressed, which cannot be read directly"),
    ("data.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 20, r"is a 7-Zip archive"),
])
def test_bad_compressed_files_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message):
        load(path)


def test_a_compressed_tar_archive_is_refused(tmp_path):
    member = tmp_path / "a.csv"
    member.write_text("a,b\n1,2\n")
    path = tmp_path / "data.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(member, arcname="a.csv")
    with pytest.raises(LoadError, match=r"data\.tar\.gz: is a gzip-compressed tar archive"):
        load(path)


def test_format_option_applies_to_the_inside(tmp_path):
    path = _packed(tmp_path, "series.data", b"1\n2\n3\n4\n5\n", "gzip")
    dataset = load(path, LoadOptions(format="csv"))
    assert dataset.source.options["compression"] == "gzip"


def test_no_temporary_file_is_left_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    load(_packed(tmp_path, "x.json", SOURCES["json"](), "bz2"))
    with pytest.raises(LoadError):
        load(_packed(tmp_path, "y.json", b"[{", "bz2"))
    assert list((tmp_path / "tmp").iterdir()) == []


def test_content_head_is_the_decompressed_start(tmp_path):
    from core.loaders.files import content_head

    text = b"id,step,v\n" + b"1,0,0.5\n" * 2000
    plain = tmp_path / "a.csv"
    plain.write_bytes(text)
    packed = _packed(tmp_path, "a.csv", text, "bz2")
    assert content_head(packed, 100) == content_head(plain, 100) == text[:100]
    with pytest.raises(LoadError, match="is a folder"):
        content_head(tmp_path)
