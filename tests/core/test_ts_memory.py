"""Peak memory of ``inspect`` on a UEA ``.ts`` file, in a fresh process (no timings here).

aeon's ``load_from_ts_file`` holds every case as a float64 array, twice our float32 values; the
benchmark (benchmarks/bench_scale.py, ``ts_inspect``) compares with aeon itself. Here the bound
is our own: above a start-up run (the same command on the 270 real cases), reading and reporting
a 25 MB file may add at most twice its float32 values plus a fixed 8 MiB. The reader parses the
file in chunks whose transient copies are about ten times the chunk's text, so this fails when
the chunks grow back to 2 MiB (31 MiB added, for 10 MiB of values).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.scale_files import python_module, run_measured, write_big_ts

REPO = Path(__file__).resolve().parents[2]
MIB = 1 << 20
SOURCE = REPO / "resources" / "demos" / "JapaneseVowels_TRAIN.ts"


def _inspect(path: Path) -> tuple[int, dict]:
    seconds, peak, out, err, code = run_measured(python_module("core", "inspect", str(path), "--json"), timeout=300)
    assert code == 0, err
    return peak, json.loads(out)


@pytest.mark.slow
def test_inspect_of_a_ts_file_adds_at_most_twice_its_values_above_start_up(tmp_path):
    small, big = tmp_path / "start.ts", tmp_path / "big.ts"
    write_big_ts(small, SOURCE, 1)
    cases = write_big_ts(big, SOURCE, 25_000_000)
    start_peak, start = _inspect(small)
    peak, report = _inspect(big)
    assert start["samples"] == 270 and report["samples"] == cases
    values = report["samples"] * report["lengths"]["mean"] * report["features"] * 4
    added = peak - start_peak
    assert added <= 2 * values + 8 * MIB, f"added {added / MIB:.1f} MiB above start-up for {values / MIB:.1f} MiB of values"
