"""Big files: time AND peak memory of ``inspect``, ours vs the plain alternative, each side in
a fresh process (peak = the child's own VmHWM), one after the other in the same run.

Rows (``--quick`` shrinks every file and says so in the row's name):

* JSON Lines, 115 MB (20k sequences × 20–200 steps × 6 features) vs ``json.loads`` +
  ``np.asarray`` per line;
* long CSV, 10M rows vs ``pandas.read_csv(engine="pyarrow")``;
* UEA ``.ts``, ~97 MB (JapaneseVowels' cases repeated) vs aeon's ``load_from_ts_file``, run by
  the interpreter named in ``$SHAPE_EXPLORER_AEON_PYTHON`` (aeon 1.6 needs numpy < 2.4 and
  pandas < 3.1, so it lives in a venv of its own: ``bash benchmarks/setup_aeon.sh``) or by this
  one when it can import aeon; without aeon the row fails and says "aeon not available";
* the same 10M-row CSV under ``--memory-budget 256MB`` (the streamed report, one pass), and
  ``convert --out DIR`` of it under the same budget (two passes into ``.npy`` files);
* a 400 MB memory-mapped float32 series under ``--memory-budget 64MiB``.

The JSON Lines and ``.ts`` rows also run each side on a file of a few hundred cases made the
same way ("start-up": interpreter, imports, aeon's numba set-up) and report what the big file
adds above it. A quick file is too small for whole-process figures to mean what the full row
means (our imports alone are a third of the quick JSONL time, aeon's imports 90% of its quick
peak), so a ``--quick`` row is judged on the part above start-up; a full row must meet its goal
both ways.

The files are generated in a temporary folder at benchmark time (see ``scale_files.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.scale_files import (
    REPO,
    python_code,
    python_module,
    run_measured,
    write_big_ts,
    write_jsonl,
    write_long_csv,
    write_series_npy,
)

MB = 1 << 20

JSONL_REFERENCE = '''
import json, sys, numpy as np
seqs, labels = [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            r = json.loads(line); seqs.append(np.asarray(r["sequence"], dtype=np.float32)); labels.append(r["label"])
print(json.dumps({"samples": len(seqs), "timesteps": max(len(s) for s in seqs)}))
'''

CSV_REFERENCE = '''
import json, sys, pandas as pd
frame = pd.read_csv(sys.argv[1], engine="pyarrow")
lengths = frame.groupby("id").size()
print(json.dumps({"samples": int(lengths.size), "timesteps": int(lengths.max())}))
'''

AEON_PYTHON_ENV = "SHAPE_EXPLORER_AEON_PYTHON"

AEON_REFERENCE = '''
import json, sys
import aeon
from aeon.datasets import load_from_ts_file
X, y = load_from_ts_file(sys.argv[1])
print(json.dumps({"samples": len(X), "timesteps": max(x.shape[-1] for x in X), "version": aeon.__version__}))
'''


def aeon_python() -> tuple[str | None, str]:
    """The interpreter that runs aeon's side, or None and why aeon is not available."""
    configured = os.environ.get(AEON_PYTHON_ENV)
    if configured:
        return configured, f"${AEON_PYTHON_ENV}={configured}"
    if importlib.util.find_spec("aeon") is not None:
        return sys.executable, "this interpreter"
    return None, (f"aeon is not installed in this interpreter and ${AEON_PYTHON_ENV} is not set "
                  "(run bash benchmarks/setup_aeon.sh and set it to the venv's python)")


def _ours(path: Path, *extra: str) -> tuple[float, int, dict]:
    seconds, peak, out, err, code = run_measured(python_module("core", "inspect", str(path), "--json", *extra))
    if code != 0:
        raise RuntimeError(f"inspect {path.name} failed: {err.strip()[-300:]}")
    return seconds, peak, json.loads(out)


def _reference(code_text: str, path: Path, interpreter: str | None = None) -> tuple[float, int, dict]:
    # another interpreter's venv gets no PYTHONPATH of ours
    env = {"PYTHONPATH": ""} if interpreter else None
    seconds, peak, out, err, code = run_measured(python_code(code_text, str(path), interpreter=interpreter), env=env)
    if code != 0:
        raise RuntimeError(f"the reference failed on {path.name}: {err.strip()[-300:]}")
    return seconds, peak, json.loads(out.strip().splitlines()[-1])


def _row(name: str, ours, reference, goal: str, passed: bool, notes: str) -> dict:
    return {"name": name, "ours_s": ours[0], "reference_s": reference[0] if reference else None,
            "ratio": ours[0] / reference[0] if reference else None, "goal": goal, "passed": passed,
            "ours_peak_mb": round(ours[1] / MB, 1), "reference_peak_mb": round(reference[1] / MB, 1) if reference else None,
            "notes": notes}


def _check_same_shape(ours: dict, reference: dict) -> None:
    if (ours["samples"], ours["timesteps"]) != (reference["samples"], reference["timesteps"]):
        raise AssertionError(f"shapes differ: ours {ours['samples']}x{ours['timesteps']}, "
                             f"reference {reference['samples']}x{reference['timesteps']}")


def _above(big: tuple, start: tuple) -> tuple[float, int]:
    """Seconds and peak bytes that the big file adds above the same side's start-up run."""
    return big[0] - start[0], big[1] - start[1]


def _judge(quick: bool, whole_ok: bool, above_ok: bool) -> bool:
    """Quick rows: the part above start-up only; full rows: whole process and above start-up."""
    return above_ok if quick else whole_ok and above_ok


def _ratio(ours: float, reference: float) -> float:
    return ours / reference if reference > 0 else float("inf")  # nothing to compare with: fails


def _startup_notes(ours, ours_start, reference, reference_start) -> str:
    (ours_s, ours_b), (ref_s, ref_b) = _above(ours, ours_start), _above(reference, reference_start)
    return (f"above start-up (same run, a few hundred cases: ours {ours_start[0]:.2f} s / {ours_start[1] / MB:.0f} MB, "
            f"reference {reference_start[0]:.2f} s / {reference_start[1] / MB:.0f} MB): ours {ours_s:.2f} s / "
            f"{ours_b / MB:.0f} MB, reference {ref_s:.2f} s / {ref_b / MB:.0f} MB "
            f"(time x{_ratio(ours_s, ref_s):.2f}, memory x{_ratio(ours_b, ref_b):.2f})")


def jsonl_inspect(quick: bool) -> dict:
    n = 8_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        path, small = Path(tmp) / "big.jsonl", Path(tmp) / "start.jsonl"
        write_jsonl(path, n)
        write_jsonl(small, 200)
        size = path.stat().st_size / MB
        _ours(path)  # warm-up: page cache and imports for both sides
        ours_start, reference_start = _ours(small), _reference(JSONL_REFERENCE, small)
        ours = _ours(path)
        reference = _reference(JSONL_REFERENCE, path)
    _check_same_shape(ours[2], reference[2])
    whole_ok = ours[0] <= reference[0] and ours[1] <= 3 * reference[1]
    (ours_s, ours_b), (ref_s, ref_b) = _above(ours, ours_start), _above(reference, reference_start)
    above_ok = ours_s <= ref_s and _ratio(ours_b, ref_b) <= 3
    judged = "above start-up" if quick else "whole process and above start-up"
    time_ratio = _ratio(ours_s, ref_s) if quick else max(ours[0] / reference[0], _ratio(ours_s, ref_s))
    row = _row(f"JSONL {size:.0f} MB ({n} seqs x 20-200 x 6) -> inspect vs json.loads+np.asarray per line"
               + (" (quick; full size is 115 MB)" if quick else ""),
               ours, reference, f"ratio = ours/reference time ({judged}) <= 1 and peak <= 3x the reference's",
               _judge(quick, whole_ok, above_ok),
               f"whole process: time x{ours[0] / reference[0]:.2f}, peak {ours[1] / MB:.0f} MB vs {reference[1] / MB:.0f} MB, "
               f"memory x{ours[1] / reference[1]:.2f}; " + _startup_notes(ours, ours_start, reference, reference_start)
               + "; one fresh process each, after a warm-up run of ours")
    return {**row, "ratio": time_ratio}


def long_csv_inspect(quick: bool) -> list[dict]:
    rows = 1_000_000 if quick else 10_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.csv"
        write_long_csv(path, rows, rows // 100)
        size = path.stat().st_size / MB
        label = f"long CSV {rows // 1_000_000}M rows ({size:.0f} MB)" + (" (quick; full size is 10M rows)" if quick else "")
        reference = _reference(CSV_REFERENCE, path)
        out = []
        try:
            ours = _ours(path)
            _check_same_shape(ours[2], reference[2])
            passed = ours[0] <= 1.5 * reference[0] and ours[1] <= 1.5 * reference[1]
            out.append(_row(f"{label} -> inspect vs pandas.read_csv(engine='pyarrow')", ours, reference,
                            "ours_s <= 1.5x and peak <= 1.5x the reference's", passed,
                            f"peak {ours[1] / MB:.0f} MB vs {reference[1] / MB:.0f} MB (x{ours[1] / reference[1]:.2f}); "
                            "the reference only parses and counts, ours also checks and builds float32 values + lengths"))
        except RuntimeError as error:
            out.append({"name": f"{label} -> inspect vs pandas.read_csv(engine='pyarrow')", "ours_s": None,
                        "reference_s": reference[0], "ratio": None, "goal": "ours_s <= 1.5x and peak <= 1.5x the reference's",
                        "passed": False, "reference_peak_mb": round(reference[1] / MB, 1), "notes": str(error)})
        budget = "256MB" if not quick else "24MB"
        streamed = _ours(path, "--memory-budget", budget)
        _check_same_shape(streamed[2], reference[2])
        limit = 600 * MB if not quick else 300 * MB  # quick: pyarrow's read-ahead is a larger share of a small file
        out.append(_row(f"{label} under --memory-budget {budget} -> streamed report", streamed, reference,
                        f"peak <= {limit // MB} MB, tensor not built", streamed[1] <= limit and not streamed[2]["tensor_built"],
                        f"peak {streamed[1] / MB:.0f} MB (read_csv holding it: {reference[1] / MB:.0f} MB); one pass, "
                        "pyarrow.csv on 4 MiB pieces, per-sequence counts and statistics only"))
        out.append(_convert_row(path, label, budget, limit, reference))
    return out


def _convert_row(path: Path, label: str, budget: str, limit: int, reference) -> dict:
    """``convert`` of the same file under the same budget: two streaming passes into ``.npy`` files."""
    with tempfile.TemporaryDirectory() as folder:
        seconds, peak, out, err, code = run_measured(python_module("core", "convert", str(path), "--out", folder,
                                                                   "--memory-budget", budget, "--json"))
        if code != 0:
            raise RuntimeError(f"convert {path.name} failed: {err.strip()[-300:]}")
    info = json.loads(out)
    samples, timesteps = info["shape"][:2]
    _check_same_shape({"samples": samples, "timesteps": timesteps}, reference[2])
    return _row(f"{label}, convert --out DIR --memory-budget {budget} -> .npy tensor, mask, labels", (seconds, peak), None,
                f"peak <= {limit // MB} MB, streamed", peak <= limit and info["streamed"],
                f"peak {peak / MB:.0f} MB, {info['bytes'] / MB:.0f} MB written ({' x '.join(map(str, info['shape']))}); "
                "two streaming passes (lengths, then values into memory-mapped .npy files)")


def ts_inspect(quick: bool) -> dict:
    target = 30_000_000 if quick else 97_000_000
    interpreter, found = aeon_python()
    version = None
    if interpreter is not None:
        try:
            seconds, peak, out, err, code = run_measured(python_code("import aeon; print(aeon.__version__)",
                                                                     interpreter=interpreter), timeout=120, env={"PYTHONPATH": ""})
        except OSError as error:  # e.g. $SHAPE_EXPLORER_AEON_PYTHON names no program
            out, err, code = "", str(error), 1
        if code == 0:
            version = out.strip()
        else:
            interpreter, found = None, f"{found} cannot import aeon: {err.strip()[-200:]}"
    with tempfile.TemporaryDirectory() as tmp:
        path, small = Path(tmp) / "big.ts", Path(tmp) / "start.ts"
        source = REPO / "resources" / "demos" / "JapaneseVowels_TRAIN.ts"
        cases = write_big_ts(path, source, target)
        write_big_ts(small, source, 1)  # one copy: the 270 real cases
        size = path.stat().st_size / MB
        name = (f".ts {size:.0f} MB ({cases} cases, JapaneseVowels repeated) -> inspect vs aeon load_from_ts_file"
                + (" (quick; full size is 97 MB)" if quick else ""))
        judged = "above start-up" if quick else "whole process and above start-up"
        goal = f"ratio = ours/aeon peak ({judged}) <= 1.5"
        _ours(path)  # warm-up: page cache
        ours_start = _ours(small)
        ours = _ours(path)
        if interpreter is None:
            return _row(name, ours, None, goal, False, f"aeon not available: {found}")
        reference_start = _reference(AEON_REFERENCE, small, interpreter)
        reference = _reference(AEON_REFERENCE, path, interpreter)
    _check_same_shape(ours[2], reference[2])
    whole = ours[1] / reference[1]
    above = _ratio(_above(ours, ours_start)[1], _above(reference, reference_start)[1])
    row = _row(name, ours, reference, goal, _judge(quick, whole <= 1.5, above <= 1.5),
               f"aeon {version} ({found}); whole process: peak {ours[1] / MB:.0f} MB vs {reference[1] / MB:.0f} MB, "
               f"memory x{whole:.2f}; " + _startup_notes(ours, ours_start, reference, reference_start)
               + "; one fresh process each, after a warm-up run of ours")
    return {**row, "ratio": above if quick else max(whole, above)}


def series_under_budget(quick: bool) -> dict:
    rows = 10_000_000 if quick else 100_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.npy"
        write_series_npy(path, rows)
        size = path.stat().st_size / MB
        ours = _ours(path, "--memory-budget", "64MiB")
    limit = size + 128
    return _row(f"memory-mapped series {size:.0f} MB under --memory-budget 64MiB -> inspect"
                + (" (quick; full size is 400 MB)" if quick else ""), ours, None,
                f"peak <= file size + 128 MB ({limit:.0f} MB)", ours[1] / MB <= limit,
                f"peak {ours[1] / MB:.0f} MB, of which up to the file's size are its mapped pages (the .npy reader scans "
                "it for NaN); window lengths are a zero-stride view (was two int64 arrays per window)")


BENCHMARKS = [jsonl_inspect, long_csv_inspect, ts_inspect, series_under_budget]
