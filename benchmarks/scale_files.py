"""Big-file generators and a fresh-subprocess runner that measures time and peak memory.

Shared by ``bench_scale.py`` and the budget tests (tests/core/test_memory_budget_rss.py), so
the files a benchmark measures and the files a test checks are made the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def run_measured(argv: list[str], timeout: float = 900, env: dict | None = None) -> tuple[float, int, str, str, int]:
    """Run ``argv`` in a fresh process: (seconds, peak RSS bytes, stdout, stderr, exit code).

    ``argv`` must come from :func:`python_module` or :func:`python_code`: the child reports its
    own peak (``VmHWM``) on exit; ``RUSAGE_CHILDREN`` would give the maximum over all children,
    and even a child's own ``ru_maxrss`` starts from its parent's peak at ``fork``.
    """
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONPATH", str(REPO))
    full_env.update(env or {})
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=str(REPO))
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    seconds = time.perf_counter() - started
    peak = 0
    lines = err.decode(errors="replace").splitlines()
    if lines and lines[-1].startswith("PEAK_RSS "):
        peak = int(lines[-1].split()[1])
        lines = lines[:-1]
    return seconds, peak, out.decode(errors="replace"), "\n".join(lines), process.returncode


# Runs a module or a script in this interpreter and reports its own peak RSS on exit.
PEAK_WRAPPER = r"""
import atexit, runpy, sys
def _peak():
    # VmHWM belongs to this program's memory map; ru_maxrss would keep the parent's peak from before exec
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    sys.stderr.write("\nPEAK_RSS %d\n" % (hwm * 1024))
    sys.stderr.flush()
atexit.register(_peak)
kind, target, *rest = sys.argv[1:]
sys.argv = [target, *rest]
try:
    if kind == "-m":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        exec(compile(target, "<reference>", "exec"), {"__name__": "__main__"})
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    _peak(); atexit.unregister(_peak)
    sys.stdout.flush()
    import os; os._exit(code)
"""


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-c", PEAK_WRAPPER, "-m", module, *args]


def python_code(code: str, *args: str, interpreter: str | None = None) -> list[str]:
    """``code`` run by ``interpreter`` (default: this one), reporting its peak; the wrapper is
    stdlib-only, so any Python 3 can run it (e.g. another virtual environment's)."""
    return [interpreter or sys.executable, "-c", PEAK_WRAPPER, "-c", code, *args]


# ---- generators ------------------------------------------------------------------------------
def write_jsonl(path: Path, n_sequences: int, low: int = 20, high: int = 200, features: int = 6, seed: int = 0) -> None:
    """``{"id", "sequence": [[f1..fF], ...], "label"}`` per line, 4 decimals per value."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(low, high + 1, n_sequences)
    with open(path, "w", encoding="utf-8") as handle:
        for i, length in enumerate(lengths):
            steps = np.round(rng.normal(size=(int(length), features)), 4).tolist()
            handle.write(json.dumps({"id": i, "sequence": steps, "label": int(i % 3)}, separators=(", ", ": ")))
            handle.write("\n")


def write_long_csv(path: Path, rows: int, n_sequences: int, features: int = 4, seed: int = 1) -> None:
    """A long-layout CSV (id, step, f0..fF-1, label), sorted by id and step, written in blocks by pyarrow."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = np.random.default_rng(seed)
    raw = rng.random(n_sequences) + 0.5
    lengths = np.maximum(1, np.round(raw / raw.sum() * rows)).astype(np.int64)
    lengths[-1] += rows - lengths.sum()
    ids_all = np.repeat(np.arange(n_sequences), lengths)
    steps_all = np.arange(rows) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    block = 1_000_000
    writer = None
    with open(path, "wb") as handle:
        for start in range(0, rows, block):
            stop = min(rows, start + block)
            columns = {"id": pa.array(ids_all[start:stop]), "step": pa.array(steps_all[start:stop])}
            for i in range(features):
                columns[f"f{i}"] = pa.array(np.round(rng.normal(size=stop - start), 4))
            columns["label"] = pa.array(ids_all[start:stop] % 2)
            table = pa.table(columns)
            if writer is None:
                writer = pa_csv.CSVWriter(handle, table.schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()


def write_big_ts(path: Path, source: Path, target_bytes: int) -> int:
    """Repeat the cases of a real ``.ts`` file until the file reaches ``target_bytes``; returns cases."""
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    data_at = next(i for i, line in enumerate(lines) if line.strip().lower() == "@data")
    header = "\n".join(lines[: data_at + 1]) + "\n"
    cases = "\n".join(line for line in lines[data_at + 1:] if line.strip()) + "\n"
    copies = max(1, target_bytes // max(1, len(cases)))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header)
        for _ in range(copies):
            handle.write(cases)
    return copies * cases.count("\n")


def write_series_npy(path: Path, rows: int, features: int = 1) -> None:
    """A float32 ``(rows, features)`` .npy written in chunks through a memory map."""
    array = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, features))
    step = 4_000_000
    for start in range(0, rows, step):
        stop = min(rows, start + step)
        array[start:stop] = np.sin(np.arange(start, stop, dtype=np.float64) / 50.0)[:, None]
    array.flush()
    del array
