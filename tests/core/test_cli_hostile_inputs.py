"""Every hostile file in docs/RELIABILITY.md through ``shape-explorer inspect``, as a user would meet it.

For each case: exit code 2 for bad input (0 for files that must simply work), stderr is ONE
sentence naming the file (its base name) and the line/column/record where there is one, no
traceback anywhere, the file's bytes unchanged, and a quick answer (a hang fails the timeout).
Most cases run in-process through ``core.cli.main``; a handful through a real ``python -m core``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.cli import main as cli_main

REPO = Path(__file__).resolve().parents[2]
DEMOS = REPO / "resources" / "demos"

pytestmark = pytest.mark.timeout(30)

LONG_OK = "id,step,v\n1,0,0.5\n1,1,0.25\n2,0,1.5\n2,1,2.5\n"


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _npy_header_only(shape: tuple[int, ...], descr: str = "<f8", tail: int = 64) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + b"\0" * tail


def _npz_bytes(members: dict[str, bytes], compress: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_3D = np.arange(2 * 10 * 3, dtype=np.float32).reshape(2, 10, 3)

# (id, file name, content, extra CLI args, fragments the one-line message must contain)
BAD_FILES = [
    # ---- CSV
    ("csv-ragged-long-row", "ragged.csv", b"a,b,c\n1,2,3\n4,5,6\n6,7,8,9\n", [], ["line 4", "4 fields", "header has 3"]),
    ("csv-ragged-short-row", "short.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n", [], ["line 3", "column 'c'"]),
    ("csv-empty", "empty.csv", b"", [], ["empty"]),
    ("csv-blank-lines-only", "blank.csv", b"\n\n  \n", [], ["blank lines"]),
    ("csv-header-only", "header_only.csv", b"id,step,x\n", [], ["no data rows"]),
    ("csv-one-column-text", "words.csv", b"word\nhello\nworld\nagain\n", [], ["single column"]),
    ("csv-one-column-too-short", "two.csv", b"x\n1\n2\n", [], ["window", "at least 3 rows", "has 2"]),
    ("csv-unterminated-quote", "quote.csv", b'id,step,x\n1,0,0.5\n1,1,"0.25\n2,0,1.5\n2,1,2.5\n', [], ["line 3", "quote"]),
    ("csv-huge-text-field", "hugetext.csv", b"id,step,x\n1,0,0.5\n1,1," + b"a" * 2_000_000 + b"\n2,0,1.5\n2,1,2\n", [],
     ["line 3", "column 'x'", "huge field", "not a number"]),
    ("csv-huge-number", "hugenumber.csv", b"id,step,x\n1,0,0.5\n1,1," + b"9" * 2_000_000 + b"\n2,0,1.5\n2,1,2\n", [],
     ["line 3", "column 'x'", "too large"]),
    ("csv-nul-byte", "nul.csv", b"id,step,x\n1,0,0.5\n1,1,0\x00.25\n", [], ["line 3", "NUL"]),
    ("csv-binary", "binary.csv", bytes(range(256)) * 40, [], ["line 1", "binary"]),
    ("csv-non-numeric", "letters.csv", b"id,step,x\n1,0,0.5\n1,1,abc\n2,0,1.5\n2,1,2.5\n", [],
     ["line 3", "column 'x'", "'abc'", "not a number"]),
    ("csv-nan", "nan.csv", b"id,step,x\n1,0,0.5\n1,1,nan\n2,0,1.5\n2,1,2.5\n", [], ["line 3", "column 'x'", "missing"]),
    ("csv-empty-cell", "hole.csv", b"id,step,x,z\n1,0,0.5,1\n1,1,,2\n2,0,1.5,3\n2,1,2.5,4\n", [], ["line 3", "column 'x'", "missing"]),
    ("csv-inf", "inf.csv", b"id,step,x\n1,0,0.5\n1,1,0.25\n2,0,inf\n2,1,2.5\n", [], ["line 4", "column 'x'", "infinite"]),
    ("csv-duplicate-id-step", "dup.csv", b"id,step,x\n1,0,0.5\n1,1,0.25\n1,1,0.75\n2,0,1.5\n2,1,2.5\n", [],
     ["line 4", "step 1 twice", "lines 3 and 4"]),
    ("csv-missing-named-column", "cols.csv", LONG_OK.encode(), ["--id-col", "nope"], ["no column 'nope'", "--id-col"]),
    # ---- NumPy
    ("npy-object", "objects.npy", _npy_bytes(np.array([{"a": 1}, [1, 2]], dtype=object)), [], ["never unpickles"]),
    ("npz-object", "objects.npz", _npz_bytes({"X.npy": _npy_bytes(np.array([{"a": 1}], dtype=object))}), [],
     ["'X'", "never unpickles"]),
    ("npz-bomb", "bomb.npz", _npz_bytes({"X.npy": _npy_bytes(np.zeros((64, 256, 256), np.float32))}, compress=True),
     ["--memory-budget", "1MB"], ["16.0 MiB", "memory budget"]),
    ("npy-header-claims-terabytes", "tera.npy", _npy_header_only((10**6, 10**3, 10**3)), [], ["8000000000000 bytes"]),
    ("npz-member-claims-terabytes", "tera.npz", _npz_bytes({"X.npy": _npy_header_only((10**6, 10**3, 10**3))}), [],
     ["'X'", "8000000000000 bytes"]),
    ("npy-truncated", "truncated.npy", _npy_bytes(GOOD_3D)[:-37], [], ["truncated"]),
    ("npy-not-numpy", "fake.npy", b"just some text, not an array\n", [], ["not a NumPy"]),
    ("npy-1d-too-short", "short1d.npy", _npy_bytes(np.arange(2, dtype=np.float32)), [], ["window", "at least 3 rows", "has 2"]),
    ("npy-4d", "four.npy", _npy_bytes(np.zeros((2, 3, 4, 5), np.float32)), [], ["4 dimensions", "(2, 3, 4, 5)"]),
    ("npy-zero-length", "zero.npy", _npy_bytes(np.zeros((0, 10, 3), np.float32)), [], ["empty", "(0, 10, 3)"]),
    ("npz-missing-x", "nokeys.npz", _npz_bytes({"foo.npy": _npy_bytes(GOOD_3D), "bar.npy": _npy_bytes(np.arange(2))}), [],
     ["(X)", "bar, foo"]),
    # ---- JSON / JSON Lines
    ("json-deep-nesting", "deep.json", b"[" * 100_000 + b"]" * 100_000, [], ["deep"]),
    ("json-5000-digit-number", "bignum.json", b'[{"x": [1, ' + b"9" * 5000 + b', 3]}]', [], ["line 1", "too long"]),
    ("json-nan-literal", "nan.json", b'[{"x": [1, NaN, 3]}, {"x": [1, 2]}]', [], ["line 1", "NaN"]),
    ("json-mixed-types", "mixed.json", b'[{"x": [1, "two", 3]}, {"x": [1, 2]}]', [], ["record 1 (index 0)", "'two'"]),
    ("jsonl-bad-line", "bad.jsonl", b'{"x": [1,2,3]}\n{"x": [1,2]}\n{"x": [1,2,\n{"x": [5]}\n', [], ["line 3", "not valid JSON"]),
    ("json-feature-counts", "features.json", b'[{"x": [[1,2],[3,4]]}, {"x": [[1,2,3],[4,5,6]]}]', [],
     ["record 2 (index 1)", "3 features", "expected 2"]),
    ("jsonl-feature-counts", "features.jsonl", b'{"x": [[1,2],[3,4]]}\n{"x": [[1,2],[3,4]]}\n{"x": [[1,2,3]]}\n', [],
     ["line 3", "3 features"]),
    ("json-truncated", "cut.json", b'[{"x": [1, 2, 3]}, {"x": [1,', [], ["line 1", "column 29"]),
    # ---- .ts
    ("ts-univariate-flag-contradicted", "flags.ts",
     b"@problemName p\n@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel true a b\n@data\n"
     b"1,2,3:4,5,6:a\n1,2,3:4,5,6:b\n", [], ["line 7", "@univariate true", "2 dimensions"]),
    ("ts-equal-length-contradicted", "lengths.ts",
     b"@problemName p\n@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel true a b\n@data\n"
     b"1,2,3:a\n1,2,3,4,5:b\n", [], ["line 8", "@equalLength true"]),
    ("ts-undeclared-class", "classes.ts",
     b"@problemName p\n@univariate true\n@classLabel true a b\n@data\n1,2,3:a\n1,2,3:c\n", [], ["line 6", "'c'"]),
    ("ts-missing-data-line", "nodata.ts", b"@problemName p\n@univariate true\n@classLabel true a b\n1,2,3:a\n1,2,3:b\n", [],
     ["line 4", "@data"]),
    ("ts-header-only", "headeronly.ts", b"@problemName p\n@univariate true\n@classLabel true a b\n@data\n", [], ["line 4", "no cases"]),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_inspect(capsys, *args: str) -> tuple[int, str, str]:
    code = cli_main(["inspect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_sentence(err: str, out: str, name: str | None, fragments=()) -> None:
    """stderr is one line naming the file; nothing on stdout; no traceback."""
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, f"expected one line on stderr, got: {err!r}"
    assert len(err) < 600, f"message too long to read: {err!r}"
    if name is not None:
        assert name in err, f"the message does not name {name}: {err!r}"
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} missing from: {err!r}"
    assert "internal error" not in err


@pytest.mark.parametrize(("name", "content", "args", "fragments"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_file_gives_one_located_sentence_and_exit_2(tmp_path, capsys, name, content, args, fragments):
    path = tmp_path / name
    path.write_bytes(content)
    before = sha256(path)
    code, out, err = run_inspect(capsys, str(path), *args)
    assert code == 2, err
    assert_one_sentence(err, out, name, fragments)
    assert sha256(path) == before
    # The same error in --json mode: still a sentence on stderr, nothing half-written on stdout.
    code, out, err_json = run_inspect(capsys, str(path), "--json", *args)
    assert code == 2 and out == "" and err_json == err


# ---- files that look odd but must simply work ------------------------------------------------
GOOD_FILES = [
    ("utf8-bom", "bom.csv", codecs.BOM_UTF8 + LONG_OK.encode(), ["v"]),
    ("utf16", "utf16.csv", LONG_OK.encode("utf-16"), ["v"]),
    ("utf16-le-no-bom", "utf16le.csv", LONG_OK.encode("utf-16-le"), ["v"]),
    ("cp1252", "cp1252.csv", LONG_OK.replace(",v\n", ",température\n").encode("cp1252"), ["température"]),
    ("semicolon-decimal-comma", "semi.csv", b"id;step;v\n1;0;0,5\n1;1;0,25\n2;0;1,5\n2;1;2,5\n", ["v"]),
    ("tab", "tabs.tsv", LONG_OK.replace(",", "\t").encode(), ["v"]),
    ("crlf", "crlf.csv", LONG_OK.replace("\n", "\r\n").encode(), ["v"]),
]


@pytest.mark.parametrize(("name", "content", "features"), [c[1:] for c in GOOD_FILES], ids=[c[0] for c in GOOD_FILES])
def test_odd_but_valid_csv_reads_to_the_right_tensor(tmp_path, capsys, name, content, features):
    path = tmp_path / name
    path.write_bytes(content)
    before = sha256(path)
    code, out, err = run_inspect(capsys, str(path), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["shape"] == [2, 2, 1]
    assert report["feature_names"] == features
    assert report["format"] == "csv-long"
    assert report["dtype"] == "float32"
    assert report["labels"] is None
    assert sha256(path) == before


def test_one_column_numeric_csv_is_a_single_series(tmp_path, capsys):
    path = tmp_path / "column.csv"
    path.write_text("value\n" + "\n".join(f"{0.1 * i:.1f}" for i in range(100)) + "\n")
    code, out, err = run_inspect(capsys, str(path), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["kind"] == "series"
    assert report["shape"] == [100 - 32 - 1 + 1, 32, 1]  # default window 32, stride 1, horizon 1


def test_gaps_in_steps_are_kept_and_warned_about(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    path.write_text("id,step,x\n1,0,0.5\n1,1,0.25\n1,5,0.75\n2,0,1.5\n2,1,2.5\n2,2,3.5\n")
    code, out, err = run_inspect(capsys, str(path), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["shape"] == [2, 3, 1]
    assert any("skip steps" in w and "jumps from 1 to 5" in w for w in report["warnings"]), report["warnings"]
    code, out, _ = run_inspect(capsys, str(path))
    assert code == 0 and "Warnings:" in out and "jumps from 1 to 5" in out


def test_npz_without_y_loads_without_labels(tmp_path, capsys):
    path = tmp_path / "only_x.npz"
    path.write_bytes(_npz_bytes({"X.npy": _npy_bytes(GOOD_3D)}))
    code, out, err = run_inspect(capsys, str(path), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["shape"] == [2, 10, 3] and report["labels"] is None


def test_object_arrays_are_never_unpickled(tmp_path, capsys, monkeypatch):
    """Loading a pickled payload must not execute it: the payload would create a marker file."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.npy"
    path.write_bytes(_npy_bytes(np.array([Payload(), 1], dtype=object)))
    code, out, err = run_inspect(capsys, str(path))
    assert code == 2
    assert_one_sentence(err, out, "evil.npy", ["never unpickles"])
    assert not marker.exists()


# ---- paths --------------------------------------------------------------------------------
def test_non_ascii_file_name_is_named_in_errors_and_readable(tmp_path, capsys):
    bad = tmp_path / "données_é😀.csv"
    bad.write_bytes(b"a,b,c\n1,2,3\n4,5,6,7\n")
    code, out, err = run_inspect(capsys, str(bad))
    assert code == 2
    assert_one_sentence(err, out, "données_é😀.csv", ["line 3"])
    good = tmp_path / "séquences_日本.csv"
    good.write_text(LONG_OK, encoding="utf-8")
    code, out, err = run_inspect(capsys, str(good), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["file"].endswith("séquences_日本.csv")


def test_a_directory_is_refused(tmp_path, capsys):
    folder = tmp_path / "my_data.csv"
    folder.mkdir()
    code, out, err = run_inspect(capsys, str(folder))
    assert code == 2
    assert_one_sentence(err, out, "my_data.csv", ["folder"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads every file regardless of permissions, so the refusal cannot be seen")
def test_an_unreadable_file_is_refused(tmp_path, capsys):
    path = tmp_path / "secret.csv"
    path.write_text(LONG_OK)
    path.chmod(0)
    try:
        code, out, err = run_inspect(capsys, str(path))
    finally:
        path.chmod(0o600)
    assert code == 2
    assert_one_sentence(err, out, "secret.csv", ["permission"])


def test_a_file_deleted_after_picking(tmp_path, capsys):
    path = tmp_path / "gone.csv"
    path.write_text(LONG_OK)
    picked = str(path)
    path.unlink()
    code, out, err = run_inspect(capsys, picked)
    assert code == 2
    assert_one_sentence(err, out, "gone.csv", ["does not exist"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "stream.csv"
    os.mkfifo(fifo)
    code, out, err = run_inspect(capsys, str(fifo))  # opening a FIFO for reading would block: the timeout catches it
    assert code == 2
    assert_one_sentence(err, out, "stream.csv", ["pipe"])


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading_forever(capsys):
    code, out, err = run_inspect(capsys, "/dev/zero", "--format", "csv")
    assert code == 2
    assert_one_sentence(err, out, "zero", ["device"])


# ---- shaping options ------------------------------------------------------------------------
VOWELS = DEMOS / "JapaneseVowels_TRAIN.ts"


@pytest.mark.parametrize("maxlen", ["0", "-5", "ten", "2.5"])
def test_bad_maxlen_is_one_sentence(capsys, maxlen):
    code, out, err = run_inspect(capsys, str(VOWELS), f"--maxlen={maxlen}")
    assert code == 2
    assert_one_sentence(err, out, None, ["--maxlen", "--help"])
    assert "usage:" not in err


def test_huge_maxlen_is_refused_by_the_memory_budget_before_allocating(capsys):
    n, t, f = 270, 10**12, 12
    code, out, err = run_inspect(capsys, str(VOWELS), f"--maxlen={t}", "--json")
    assert code == 2
    needed = n * t * f * 4 + n * t  # float32 tensor + bool mask
    assert_one_sentence(err, out, VOWELS.name, ["memory budget", f"{needed:,} bytes", "TiB", "maxlen"])


def test_memory_budget_option_is_honoured_for_inspect(capsys):
    path = DEMOS / "PickupGestureWiimoteZ_TRAIN.ts"  # 44 KB: reading it fits a 200 KB budget
    code, out, err = run_inspect(capsys, str(path), "--memory-budget", "200KB", "--maxlen", "1000")
    assert code == 2  # 50 × 1000 float32 + the bool mask = 250,000 bytes > 200,000
    assert_one_sentence(err, out, path.name, ["250,000 bytes", "memory budget"])
    code, out, err = run_inspect(capsys, str(path), "--memory-budget", "200KB", "--json")
    assert (code, err) == (0, "") and json.loads(out)["memory_bytes"] == 50 * 361 * 5


def test_window_longer_than_the_series_names_the_file(capsys):
    path = DEMOS / "us_change_quarterly.csv"
    code, out, err = run_inspect(capsys, str(path), "--window", "500")
    assert code == 2
    assert_one_sentence(err, out, path.name, ["500", "187 rows", "at most 187"])


def test_window_options_on_sequences_are_reported_not_silently_ignored(capsys):
    code, out, err = run_inspect(capsys, str(VOWELS), "--window", "500", "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["shape"] == [270, 26, 12]
    assert any("window" in w and "ignored" in w for w in report["warnings"]), report["warnings"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_non_finite_pad_value_is_refused_not_an_internal_error(capsys, value):
    # Regression: --pad-value nan used to crash the --json output (NaN is not JSON) with exit 1.
    code, out, err = run_inspect(capsys, str(VOWELS), f"--pad-value={value}", "--json")
    assert code == 2
    assert_one_sentence(err, out, None, ["--pad-value", "finite"])


def _count_steps_equal_to(path: Path, value: float) -> int:
    count, in_data = 0, False
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        series = line.split(":")[0]  # univariate: one dimension, then the label
        count += sum(float(cell) == value for cell in series.split(","))
    return count


def test_pad_value_colliding_with_real_data_is_a_warning_in_text_and_json(capsys):
    path = DEMOS / "PickupGestureWiimoteZ_TRAIN.ts"  # real accelerometer data: 1.0 occurs often
    collisions = _count_steps_equal_to(path, 1.0)
    assert collisions > 100
    code, out, err = run_inspect(capsys, str(path), "--pad-value", "1", "--json")
    assert (code, err) == (0, "")
    found = [d for d in json.loads(out)["diagnoses"] if d["code"] == "pad_value_collision"]
    assert len(found) == 1 and found[0]["severity"] == "warning"
    assert f"{collisions} real steps" in found[0]["explanation"]
    code, out, err = run_inspect(capsys, str(path), "--pad-value", "1")
    assert code == 0 and "[warning] Some real steps equal the pad value" in out
    # A value that never occurs raises no such warning.
    code, out, _ = run_inspect(capsys, str(path), "--pad-value", "-99", "--json")
    assert code == 0 and not any(d["code"] == "pad_value_collision" for d in json.loads(out)["diagnoses"])


def test_float_data_keeps_a_float_dtype_in_the_report(tmp_path, capsys):
    float64 = tmp_path / "f64.npy"
    float64.write_bytes(_npy_bytes(np.random.default_rng(0).normal(size=(3, 5, 2))))
    integers = tmp_path / "ints.npy"
    integers.write_bytes(_npy_bytes(np.arange(30, dtype=np.int64).reshape(3, 5, 2)))
    expected = {float64: ("float64", 3 * 5 * 2 * 8), integers: ("float32", 3 * 5 * 2 * 4),
                DEMOS / "vowels_long.csv": ("float32", 343_980)}
    for path, (dtype, memory) in expected.items():
        code, out, err = run_inspect(capsys, str(path), "--json")
        assert (code, err) == (0, "")
        report = json.loads(out)
        assert (report["dtype"], report["memory_bytes"]) == (dtype, memory), path.name
        code, out, _ = run_inspect(capsys, str(path))
        assert f"as {dtype}" in out


# ---- a handful through a real process (a hang fails the subprocess timeout) ----------------
@pytest.mark.slow
def test_hostile_inputs_through_a_real_process(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"a,b,c\n1,2,3\n4,5,6,7\n")
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    bomb = tmp_path / "bomb.npz"
    bomb.write_bytes(_npz_bytes({"X.npy": _npy_bytes(np.zeros((64, 256, 256), np.float32))}, compress=True))
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    cases = [
        ([str(ragged)], "ragged.csv", "line 3"),
        ([str(deep)], "deep.json", "deep"),
        ([str(bomb), "--memory-budget", "1MB"], "bomb.npz", "memory budget"),
        ([str(fifo)], "pipe.csv", "pipe"),
        (["/dev/zero", "--format", "csv"], "zero", "device"),
        ([str(VOWELS), "--maxlen", "0"], "--maxlen", "at least 1"),
    ]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    for args, name, fragment in cases:
        done = subprocess.run([sys.executable, "-m", "core", "inspect", *args], capture_output=True, text=True,
                              encoding="utf-8", timeout=60, cwd=REPO, env=env)
        assert done.returncode == 2, (args, done.stderr)
        assert_one_sentence(done.stderr, done.stdout, name, [fragment])
    assert ragged.read_bytes() == b"a,b,c\n1,2,3\n4,5,6,7\n"


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_pandas_default_to_csv_with_numbered_columns_reads_as_a_series(tmp_path, capsys, columns):
    # Regression: DataFrame(...).to_csv() writes ",0,1" above an unnamed index; with one or two
    # columns the header was taken for data and line 1 reported as "a missing value".
    rows = 80
    lines = [",".join([""] + [str(j) for j in range(columns)])]
    lines += [",".join([str(i)] + [f"{0.01 * i * (j + 1):.3f}" for j in range(columns)]) for i in range(rows)]
    path = tmp_path / "frame.csv"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run_inspect(capsys, str(path), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["feature_names"] == [str(j) for j in range(columns)]  # the index column is not a feature
    assert report["shape"] == [rows - 32, 32, columns]
