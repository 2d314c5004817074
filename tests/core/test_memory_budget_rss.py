"""The memory budget is held on every path: peak RSS of ``inspect`` in a fresh process.

Each format's file is generated (tens of MB at most) and reported under a budget far smaller
than holding the file naively would need; the child's own peak (VmHWM) minus the peak of a
process that only imports the same modules must stay within the budget plus a fixed allowance
for the readers' working sets (pyarrow's read-ahead blocks and thread arenas, which do not
grow with the file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.scale_files import (
    python_code,
    python_module,
    run_measured,
    write_big_ts,
    write_jsonl,
    write_long_csv,
    write_series_npy,
)

REPO = Path(__file__).resolve().parents[2]
MIB = 1 << 20
ALLOWANCE = 96 * MIB
IMPORTS = "import core.cli, core.loaders, core.report, core.streaming_report, numpy, pyarrow, pyarrow.json, pyarrow.csv, pandas"


@pytest.fixture(scope="module")
def baseline() -> int:
    seconds, peak, out, err, code = run_measured(python_code(IMPORTS), timeout=120)
    assert code == 0, err
    return peak


def _inspect(path: Path, budget: str) -> tuple[int, dict]:
    seconds, peak, out, err, code = run_measured(python_module("core", "inspect", str(path), "--memory-budget", budget, "--json"),
                                                 timeout=300)
    assert code == 0, err
    return peak, json.loads(out)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, budget", [("jsonl", 8 * MIB), ("csv", 8 * MIB), ("ts", 32 * MIB), ("npy", 16 * MIB)])
def test_peak_memory_stays_within_the_budget(tmp_path, baseline, fmt, budget):
    path = tmp_path / f"big.{fmt}"
    if fmt == "jsonl":
        write_jsonl(path, 4000)  # ~23 MB of text, 10 MB of float32 values
    elif fmt == "csv":
        write_long_csv(path, 700_000, 7000)  # ~28 MB
    elif fmt == "ts":
        write_big_ts(path, REPO / "resources" / "demos" / "JapaneseVowels_TRAIN.ts", 25_000_000)
    else:
        write_series_npy(path, 12_000_000)  # 48 MB, memory-mapped; 12M windows
    peak, report = _inspect(path, str(budget))
    assert peak - baseline <= budget + ALLOWANCE, f"peak {peak / MIB:.0f} MiB, baseline {baseline / MIB:.0f} MiB"
    if fmt in ("jsonl", "csv"):
        assert report["streamed"] is True and report["tensor_built"] is False
    if fmt == "npy":
        assert report["kind"] == "series" and report["samples"] > 11_000_000
