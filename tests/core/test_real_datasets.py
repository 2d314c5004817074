"""``inspect`` on real public data sets we did not make gives the true tensor shape.

The truth is established independently of the app: a tiny .ts reader in this file (headers
and cases counted with plain string splitting), the ``csv`` module for the tables, and the
data sets' documented facts (case counts, dimensions, classes). The app is run through
``core.cli.main(["inspect", FILE, "--json"])`` and once through a real ``python -m core``.

Core tests use ``resources/demos`` and the UEA/UCR files copied from the aeon wheel into
``tests/data/real/aeon`` (both shipped with the repository, see its SOURCES.md), so nothing
is skipped for missing data.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.cli import main as cli_main

REPO = Path(__file__).resolve().parents[2]
DEMOS = REPO / "resources" / "demos"
AEON_DATA = REPO / "tests" / "data" / "real" / "aeon"

REQUIRED_KEYS = {"shape", "input_shape", "samples", "timesteps", "features", "lengths", "labels",
                 "padded_fraction", "memory_bytes"}

pytestmark = pytest.mark.timeout(60)


# ---- an independent .ts reader -----------------------------------------------------------------
@dataclass(frozen=True)
class TsTruth:
    """What a .ts file really holds, counted by hand."""

    n_cases: int
    dimensions: int
    lengths: list[int]
    labels: list[str]
    header: dict[str, str]

    @property
    def timesteps(self) -> int:
        return max(self.lengths)

    @property
    def padded_fraction(self) -> float:
        return 1.0 - sum(self.lengths) / (self.n_cases * self.timesteps)

    def memory_bytes(self, itemsize: int = 4) -> int:
        """float32 tensor; plus the (N, T) bool mask the app allocates when there is padding."""
        cells = self.n_cases * self.timesteps
        return cells * self.dimensions * itemsize + (cells if self.padded_fraction > 0 else 0)


def read_ts_truth(path: Path) -> TsTruth:
    header: dict[str, str] = {}
    lengths: list[int] = []
    labels: list[str] = []
    dims: set[int] = set()
    in_data = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            tag, _, rest = line.partition(" ")
            if tag.lower() == "@data":
                in_data = True
            else:
                header[tag.lower()] = rest.strip()
            continue
        parts = line.split(":")
        labels.append(parts[-1].strip())
        channels = parts[:-1]
        dims.add(len(channels))
        per_channel = {len(channel.split(",")) for channel in channels}
        assert len(per_channel) == 1, f"{path.name}: channels of one case differ in length"
        lengths.append(per_channel.pop())
    assert len(dims) == 1, f"{path.name}: cases differ in dimension count"
    return TsTruth(len(lengths), dims.pop(), lengths, labels, header)


def inspect_json(path: Path, *args: str, capsys) -> dict:
    """Run ``inspect --json`` in-process; exit code 0 and one strict JSON object on stdout."""
    code = cli_main(["inspect", str(path), "--json", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return strict_json(out)


def strict_json(text: str) -> dict:
    def refuse(constant: str):
        raise AssertionError(f"non-standard JSON constant {constant} in the output")

    assert text.count("\n") == 1 and text.endswith("\n"), "--json prints exactly one line"
    data = json.loads(text, parse_constant=refuse)
    assert isinstance(data, dict)
    return data


def assert_matches_ts(report: dict, truth: TsTruth, n_classes: int | None = None) -> None:
    n, t, f = truth.n_cases, truth.timesteps, truth.dimensions
    assert report["shape"] == [n, t, f]
    assert report["input_shape"] == [t, f]
    assert (report["samples"], report["timesteps"], report["features"]) == (n, t, f)
    assert report["lengths"]["min"] == min(truth.lengths)
    assert report["lengths"]["max"] == max(truth.lengths)
    assert report["lengths"]["mean"] == pytest.approx(sum(truth.lengths) / n)
    assert report["padded_fraction"] == pytest.approx(truth.padded_fraction, abs=1e-12)
    assert report["dtype"] == "float32"
    assert report["memory_bytes"] == truth.memory_bytes()
    labels = report["labels"]
    assert labels is not None
    distinct = set(truth.labels)
    assert set(labels["classes"]) == distinct
    assert len(labels["classes"]) == len(distinct)
    assert labels["kind"] == ("binary" if len(distinct) == 2 else "multiclass")
    declared = truth.header.get("@classlabel", "").split()
    assert declared[0] == "true" and set(declared[1:]) == distinct
    if n_classes is not None:
        assert len(distinct) == n_classes


# ---- the bundled real data sets ------------------------------------------------------------
# (file, documented cases, dimensions, classes, equal length / series length or None)
DOCUMENTED = [
    ("JapaneseVowels_TRAIN.ts", 270, 12, 9, None),
    ("JapaneseVowels_TEST.ts", 370, 12, 9, None),
    ("BasicMotions_TRAIN.ts", 40, 6, 4, 100),
    ("BasicMotions_TEST.ts", 40, 6, 4, 100),
    ("ItalyPowerDemand_TRAIN.ts", 67, 1, 2, 24),
    ("PickupGestureWiimoteZ_TRAIN.ts", 50, 1, 10, None),
]


@pytest.mark.parametrize(("name", "cases", "dims", "classes", "length"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED])
def test_ts_demo_shapes_match_the_documented_facts(name, cases, dims, classes, length, capsys):
    path = DEMOS / name
    truth = read_ts_truth(path)
    # The hand count agrees with the data set's documentation...
    assert (truth.n_cases, truth.dimensions, len(set(truth.labels))) == (cases, dims, classes)
    if length is not None:
        assert set(truth.lengths) == {length}
        assert truth.header.get("@equallength") == "true"
    else:
        assert truth.header.get("@equallength") == "false"
        assert len(set(truth.lengths)) > 1
    # ...and inspect agrees with the hand count.
    report = inspect_json(path, capsys=capsys)
    assert_matches_ts(report, truth, classes)
    assert report["format"] == "ts"
    assert report["kind"] == "sequences"
    if length is not None:
        assert report["padded_fraction"] == 0.0
        assert report["memory_bytes"] == cases * length * dims * 4


def test_japanese_vowels_lengths_span_7_to_29_over_train_and_test(capsys):
    train = inspect_json(DEMOS / "JapaneseVowels_TRAIN.ts", capsys=capsys)
    test = inspect_json(DEMOS / "JapaneseVowels_TEST.ts", capsys=capsys)
    assert min(train["lengths"]["min"], test["lengths"]["min"]) == 7
    assert max(train["lengths"]["max"], test["lengths"]["max"]) == 29
    assert train["labels"]["classes"] == test["labels"]["classes"]  # same class order in both splits
    # The two splits give different maxlens: a model trained on one needs an explicit maxlen.
    assert (train["timesteps"], test["timesteps"]) == (26, 29)


def test_an_explicit_maxlen_on_real_data_truncates_exactly_the_longer_cases(capsys):
    path = DEMOS / "JapaneseVowels_TEST.ts"
    truth = read_ts_truth(path)
    report = inspect_json(path, "--maxlen", "20", capsys=capsys)
    n = truth.n_cases
    assert report["shape"] == [n, 20, 12]
    assert report["truncated"] == sum(length > 20 for length in truth.lengths)
    kept = sum(min(length, 20) for length in truth.lengths)
    assert report["padded_fraction"] == pytest.approx(1 - kept / (n * 20), abs=1e-12)
    assert report["memory_bytes"] == n * 20 * 12 * 4 + n * 20


def test_unequal_length_univariate_reports_padding_and_suggested_maxlen(capsys):
    path = DEMOS / "PickupGestureWiimoteZ_TRAIN.ts"
    truth = read_ts_truth(path)
    report = inspect_json(path, capsys=capsys)
    assert (min(truth.lengths), max(truth.lengths)) == (29, 361)
    assert report["shape"] == [50, 361, 1]
    suggested = report["suggested_maxlen"]
    ordered = sorted(truth.lengths)
    assert suggested["value"] <= 361
    assert suggested["truncated_share"] == pytest.approx(sum(x > suggested["value"] for x in ordered) / 50)
    # Every length is counted once in the histogram.
    assert sum(report["length_histogram"]["counts"]) == 50


def test_long_csv_of_the_vowels_gives_the_same_tensor_as_the_ts_file(capsys):
    path = DEMOS / "vowels_long.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    frames: dict[str, set[int]] = {}
    speakers: dict[str, set[str]] = {}
    for row in rows:
        frames.setdefault(row["utterance"], set()).add(int(row["frame"]))
        speakers.setdefault(row["utterance"], set()).add(row["speaker"])
    lengths = [len(f) for f in frames.values()]
    assert sum(lengths) == len(rows), "no duplicate (utterance, frame) pairs"
    assert all(len(s) == 1 for s in speakers.values())
    n, t, f = len(frames), max(lengths), 12
    truth = read_ts_truth(DEMOS / "JapaneseVowels_TRAIN.ts")
    assert sorted(lengths) == sorted(truth.lengths)

    report = inspect_json(path, capsys=capsys)  # layout, id, order and label all detected
    assert report["format"] == "csv-long"
    assert report["shape"] == [n, t, f] == [270, 26, 12]
    assert report["lengths"] == {"min": min(lengths), "max": t, "mean": pytest.approx(sum(lengths) / n)}
    assert report["padded_fraction"] == pytest.approx(1 - sum(lengths) / (n * t), abs=1e-12)
    assert report["memory_bytes"] == n * t * f * 4 + n * t
    assert report["labels"]["kind"] == "multiclass"
    assert report["labels"]["classes"] == sorted({s for group in speakers.values() for s in group})
    assert report["feature_names"] == [f"lpc_{i}" for i in range(1, 13)]


def _numeric_table(path: Path, columns: list[str]) -> list[list[float]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [[float(row[c]) for c in columns] for row in csv.DictReader(handle)]


def _window_count(rows: int, window: int, stride: int, horizon: int) -> int:
    return (rows - window - horizon) // stride + 1


def test_single_series_csv_with_the_demo_window_options(capsys):
    demos = {d["name"]: d for d in json.loads((DEMOS / "demos.json").read_text(encoding="utf-8"))}
    for name in ("gait", "us-change"):
        demo = demos[name]
        path = DEMOS / demo["file"]
        features = demo["load_options"]["feature_cols"]
        table = _numeric_table(path, features)
        w = demo["window_options"]
        args = ["--layout", "series", "--feature-cols", ",".join(features), "--window", str(w["window"]),
                "--stride", str(w["stride"]), "--horizon", str(w["horizon"])]
        if w.get("target_cols"):
            args += ["--target-cols", ",".join(w["target_cols"])]
        report = inspect_json(path, *args, capsys=capsys)
        count = _window_count(len(table), w["window"], w["stride"], w["horizon"])
        assert report["kind"] == "series"
        assert report["series_length"] == len(table)
        assert report["shape"] == [count, w["window"], len(features)]
        assert report["input_shape"] == [w["window"], len(features)]
        assert report["padded_fraction"] == 0.0
        assert report["labels"] is None
        assert report["memory_bytes"] == count * w["window"] * len(features) * 4
        used_rows = (count - 1) * w["stride"] + w["window"] + w["horizon"]
        assert report["dropped_tail"] == len(table) - used_rows


def test_single_series_csv_detected_without_options(capsys):
    # us_change: an unnamed pandas row-number column, a text 'Quarter' column, 5 numeric series.
    path = DEMOS / "us_change_quarterly.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    numeric = [c for c in header[2:]]
    assert header[:2] == ["", "Quarter"] and len(rows) == 187
    report = inspect_json(path, capsys=capsys)
    count = _window_count(len(rows), 32, 1, 1)  # the documented default window (32, stride 1, horizon 1)
    assert report["format"] == "csv-series"
    assert report["feature_names"] == numeric
    assert report["shape"] == [count, 32, 5]
    assert report["memory_bytes"] == count * 32 * 5 * 4


def test_required_json_keys_and_types_on_every_bundled_file(capsys):
    for path in sorted(DEMOS.glob("*.ts")) + sorted(DEMOS.glob("*.csv")):
        report = inspect_json(path, capsys=capsys)
        assert REQUIRED_KEYS <= report.keys(), path.name
        assert set(report["lengths"]) >= {"min", "max", "mean"}
        assert report["labels"] is None or {"kind", "classes"} <= report["labels"].keys()
        n, t, f = report["shape"]
        assert report["input_shape"] == [t, f]
        assert (report["samples"], report["timesteps"], report["features"]) == (n, t, f)
        assert all(isinstance(v, int) and not isinstance(v, bool) for v in (n, t, f, report["memory_bytes"]))
        assert isinstance(report["padded_fraction"], float) and 0.0 <= report["padded_fraction"] < 1.0
        assert report["memory_bytes"] >= n * t * f * 4


def test_text_output_headline_names_the_shape(capsys):
    code = cli_main(["inspect", str(DEMOS / "BasicMotions_TRAIN.ts")])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "(40 samples, 100 timesteps, 6 features) → input_shape=(100, 6)"


@pytest.mark.slow
def test_inspect_json_through_a_real_process():
    path = DEMOS / "JapaneseVowels_TEST.ts"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "core", "inspect", str(path), "--json"], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=env, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = strict_json(done.stdout)
    assert_matches_ts(report, read_ts_truth(path), 9)
    assert report["shape"] == [370, 29, 12]


def test_float_real_data_stays_float32_in_the_shaped_tensor():
    """The report's dtype and memory are what shape_dataset really allocates."""
    from core.loaders import load
    from core.options import PaddingOptions
    from core.report import build_report
    from core.shaping.tensorize import shape_dataset

    dataset = load(DEMOS / "JapaneseVowels_TRAIN.ts")
    report = build_report(dataset, PaddingOptions()).to_dict()
    shaped = shape_dataset(dataset, PaddingOptions())
    assert shaped.x.dtype.name == report["dtype"] == "float32"
    assert list(shaped.x.shape) == report["shape"]
    assert shaped.memory_bytes == report["memory_bytes"]
    real = shaped.x[shaped.mask]
    assert (real != real.round()).mean() > 0.9  # fractional values kept, not cast to whole numbers
    # Real values survive padding unchanged (no int32 truncation): compare the first case.
    first = dataset.sequence(0)
    assert (shaped.x[0, : len(first)] == first).all()


def test_ts_classes_keep_the_order_the_file_declares(capsys):
    # A .ts file lists its classes in @classLabel; that order is the file's own and keeps the
    # class indices of a _TRAIN and a _TEST file the same, so it wins over sorting.
    report = inspect_json(DEMOS / "BasicMotions_TRAIN.ts", capsys=capsys)
    assert report["labels"]["classes"] == ["Standing", "Running", "Walking", "Badminton"]
    test_report = inspect_json(DEMOS / "BasicMotions_TEST.ts", capsys=capsys)
    assert test_report["labels"]["classes"] == report["labels"]["classes"]


# ---- more UEA/UCR files from the aeon wheel (tests/data/real/aeon) ---------------------------
AEON_CASES = [
    # (file, documented cases, dimensions, classes)
    ("ArrowHead_TRAIN.ts", 36, 1, 3),
    ("ArrowHead_TEST.ts", 175, 1, 3),
    ("GunPoint_TRAIN.ts", 50, 1, 2),
    ("GunPoint_TEST.ts", 150, 1, 2),
    ("ItalyPowerDemand_TRAIN.ts", 67, 1, 2),
    ("ItalyPowerDemand_TEST.ts", 1029, 1, 2),
    ("PickupGestureWiimoteZ_TRAIN.ts", 50, 1, 10),
    ("PickupGestureWiimoteZ_TEST.ts", 50, 1, 10),
]


@pytest.mark.parametrize(("relative", "cases", "dims", "classes"), AEON_CASES, ids=[c[0] for c in AEON_CASES])
def test_more_ucr_files_from_aeon(relative, cases, dims, classes, capsys):
    path = AEON_DATA / relative
    truth = read_ts_truth(path)
    assert (truth.n_cases, truth.dimensions, len(set(truth.labels))) == (cases, dims, classes)
    assert_matches_ts(inspect_json(path, capsys=capsys), truth, classes)


@pytest.mark.parametrize(("name", "cases", "steps", "dims"), [("Covid3Month_TRAIN.ts", 140, 84, 1),
                                                              ("Covid3Month_TEST.ts", 61, 84, 1),
                                                              ("CardanoSentiment_TRAIN.ts", 74, 24, 2)])
def test_regression_ts_from_aeon_has_float_targets(name, cases, steps, dims, capsys):
    path = AEON_DATA / name
    truth = read_ts_truth(path)
    assert truth.header.get("@targetlabel") == "true"
    report = inspect_json(path, capsys=capsys)
    assert report["shape"] == [truth.n_cases, truth.timesteps, truth.dimensions] == [cases, steps, dims]
    assert report["labels"]["kind"] == "regression"
    assert report["labels"]["classes"] is None


def test_lynx_series_written_by_pandas_with_a_year_index(capsys):
    # Header ",0" (an unnamed year index, then pandas' default column name 0): 114 yearly counts.
    path = AEON_DATA / "Lynx.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["", "0"]
    years = [int(r[0]) for r in rows[1:]]
    assert years == list(range(1821, 1821 + len(years)))
    report = inspect_json(path, capsys=capsys)
    assert report["kind"] == "series" and report["feature_names"] == ["0"]
    assert report["shape"] == [len(years) - 32, 32, 1]
