"""Monash .tsf forecasting files: one sequence per series, never tokenised as text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LoadError
from core.loaders import detect_format, load
from core.loaders.tsf_format import read
from core.options import LoadOptions

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "aeon"
ROOT = Path(__file__).resolve().parents[2]
BUDGET = 1 << 30


def _plain_tsf(path: Path) -> list[list[float]]:
    """The plain alternative: what aeon's loader does, line by line with float()."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().lower() == "@data")
    n_fields = sum(1 for line in lines[:start] if line.lower().startswith("@attribute"))
    series = []
    for line in lines[start + 1:]:
        if line.strip():
            values = line.split(":", n_fields)[-1]
            series.append([float("nan") if v == "?" else float(v) for v in values.split(",")])
    return series


@pytest.mark.parametrize("name", ["UnitTest_Tsf_Loader.tsf", "UnitTest_Tsf_Loader_hierarchical.tsf",
                                  "UnitTest_Tsf_Loader_no_start_timestamp.tsf", "m1_yearly_dataset.tsf"])
def test_real_tsf_equals_the_plain_parse(name):
    path = REAL / name
    data = load(path)
    assert data.source.format == "tsf" and data.kind == "sequences"
    series = _plain_tsf(path)
    assert data.lengths.tolist() == [len(s) for s in series]
    np.testing.assert_array_equal(data.values[:, 0], np.concatenate(series).astype(np.float32))
    assert data.feature_names == ("value",)
    assert data.labels is None


def test_unit_test_file_facts():
    data = load(REAL / "UnitTest_Tsf_Loader_hierarchical.tsf")
    assert data.sample_ids == ("T1", "T2", "T3")
    assert data.lengths.tolist() == [7, 3, 5]
    assert data.values[0, 0] == np.float32(25092.2284)
    guesses = {g.what: g.value for g in data.source.guesses}
    assert guesses["horizon"] == 4 and guesses["frequency"] == "yearly" and guesses["problem"] == "test"


def test_m1_yearly():
    data = load(REAL / "m1_yearly_dataset.tsf")
    assert data.n_samples == 181
    assert data.sample_ids[:2] == ("T1", "T2")


def test_inspect_never_reads_tsf_as_text(tmp_path):
    copy = tmp_path / "m1.txt"  # no .tsf extension: detected from the header
    copy.write_bytes((REAL / "m1_yearly_dataset.tsf").read_bytes())
    assert detect_format(copy) == "tsf"
    run = subprocess.run([sys.executable, "-m", "core", "inspect", str(copy)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("(181 samples, 58 timesteps, 1 feature)")


def _tsf(tmp_path: Path, body: str, header: str = "@relation r\n@attribute series_name string\n@frequency daily\n"
         "@horizon 2\n@missing true\n@equallength false\n") -> Path:
    path = tmp_path / "x.tsf"
    path.write_text(header + "@data\n" + body, encoding="utf-8")
    return path


def test_one_series_is_a_long_series_for_windows(tmp_path):
    data = read(_tsf(tmp_path, "S1:1,2,3,4,5,6\n"), LoadOptions(), BUDGET)
    assert data.kind == "series" and data.lengths.tolist() == [6]


def test_missing_values_become_nan_with_a_note(tmp_path):
    data = read(_tsf(tmp_path, "A:1,?,3\nB:4,5\n"), LoadOptions(), BUDGET)
    assert np.isnan(data.values[1, 0]) and data.lengths.tolist() == [3, 2]
    assert any("became NaN" in note for note in data.source.warnings)


NO_MISSING = "@relation r\n@attribute series_name string\n@missing false\n@equallength true\n"


@pytest.mark.parametrize(("body", "header", "message"), [
    ("A:1,?,3\nB:1,2,3\n", NO_MISSING, r"line 6: this series has a missing value '\?' but the header says @missing false \(line 3\)"),
    ("A:1,nan,3\nB:1,2,3\n", NO_MISSING, r"line 6, value 2: 'nan' is not a number"),
    ("A:1,2,3\nB:1,2\n", NO_MISSING, r"line 7: this series has 2 values, the first has 3, but the header says @equallength true"),
    ("A:1,x,3\n", None, r"line 8, value 2: 'x' is not a number"),
    ("A:1,,3\n", None, r"line 8, value 2: a value is empty"),
    ("A:1,1e39\n", None, r"line 8, value 2: has a value too large for 32-bit floats"),
    ("A:1,1e400\n", None, r"line 8, value 2: has a value too large|infinite"),
    ("1,2,3\n", None, r"line 8: this series has 0 ':'-separated fields before its values but the header declares 1"),
    ("A:\n", None, r"line 8: this series has no values"),
    ("", None, r"has no series after @data"),
])
def test_refusals_name_the_line(tmp_path, body, header, message):
    path = _tsf(tmp_path, body) if header is None else _tsf(tmp_path, body, header)
    with pytest.raises(LoadError, match=message):
        read(path, LoadOptions(), BUDGET)


@pytest.mark.parametrize(("text", "message"), [
    ("@relation r\n@attribute a blob\n@data\n", r"line 2: this @attribute line should be"),
    ("@relation r\n@missing maybe\n@data\n", r"line 2: @missing must be followed by true or false"),
    ("@relation r\n@horizon -1\n@data\n", r"line 2: @horizon must be followed by a positive whole number"),
    ("@relation r\nA:1,2\n", r"line 2: this line looks like a series, but no @data line came before it"),
    ("@relation r\n@frequency daily\n", r"has no @data line"),
])
def test_header_refusals(tmp_path, text, message):
    path = tmp_path / "h.tsf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=message):
        read(path, LoadOptions(), BUDGET)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_a_header_give_series_or_a_load_error(tmp_path, blob):
    path = tmp_path / "fuzz.tsf"
    path.write_bytes(b"@relation f\n@attribute series_name string\n@missing true\n@data\n" + blob)
    try:
        data = read(path, LoadOptions(), BUDGET)
    except LoadError:
        return
    assert data.n_features == 1 and (data.lengths >= 1).all()
