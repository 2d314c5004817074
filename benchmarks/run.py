"""Run the benchmarks: ``python -m benchmarks.run [--json] [--only NAME] [--quick]``.

Interface for benchmark modules (add one by creating ``benchmarks/bench_<topic>.py``):

* The module exposes ``BENCHMARKS: list[Callable[[bool], dict]]``. Each callable takes
  ``quick`` (True: a smaller/faster variant that says so in its notes) and returns one row::

      {"name": str, "ours_s": float, "reference_s": float, "ratio": float,
       "goal": str, "passed": bool, "notes": str}

  ``ratio`` is defined by the row's ``goal`` text (usually reference_s / ours_s, i.e. how
  many times faster we are). Measure our code and the reference side by side in the same
  run (interleaved, best of k), because the machine is small and noisy; absolute seconds
  are context only. A callable may return a list of such rows.
* Rows are printed as a table, or with ``--json`` one JSON object per line. ``--only NAME``
  runs the modules or callables whose name contains NAME. The exit code is 1 when any row
  failed its goal or raised (a raising benchmark becomes a failed row with the error).
* A reference that cannot live in the app's environment runs in a subprocess of another
  interpreter: ``--aeon-python PATH`` (or ``$SHAPE_EXPLORER_AEON_PYTHON``) names the Python
  with aeon for the ``.ts`` row (``bash benchmarks/setup_aeon.sh`` makes one); without it
  that row fails with "aeon not available".
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROW_KEYS = ("name", "ours_s", "reference_s", "ratio", "goal", "passed", "notes")


def best_of(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Smallest wall time of ``repeat`` calls, and the last result."""
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def interleaved(ours: Callable[[], object], reference: Callable[[], object], repeat: int,
                reference_repeat: int | None = None) -> tuple[float, float, object, object]:
    """Best-of-k times of ``ours`` and ``reference``, alternating so noise hits both alike."""
    t_ours = t_ref = math.inf
    out_ours = out_ref = None
    ref_left = repeat if reference_repeat is None else reference_repeat
    for _ in range(max(repeat, ref_left)):
        if repeat > 0:
            t, out_ours = best_of(ours, 1)
            t_ours = min(t_ours, t)
        if ref_left > 0:
            t, out_ref = best_of(reference, 1)
            t_ref = min(t_ref, t)
            ref_left -= 1
        repeat -= 1
    return t_ours, t_ref, out_ours, out_ref


def discover() -> list[tuple[str, Callable[[bool], dict]]]:
    package_dir = Path(__file__).resolve().parent
    found = []
    for info in sorted(pkgutil.iter_modules([str(package_dir)]), key=lambda i: i.name):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        for func in getattr(module, "BENCHMARKS", []):
            found.append((f"{info.name}.{func.__name__}", func))
    return found


def _normalise(row: dict) -> dict:
    out = {key: row.get(key) for key in ROW_KEYS}
    for key in ("ours_s", "reference_s", "ratio"):
        value = out[key]
        out[key] = None if value is None or not math.isfinite(float(value)) else round(float(value), 4)
    out["passed"] = bool(out["passed"])
    out["notes"] = out["notes"] or ""
    extra = {k: v for k, v in row.items() if k not in ROW_KEYS}
    out.update(extra)
    return out


def _table(rows: list[dict]) -> str:
    header = ("name", "ours s", "ref s", "ratio", "goal", "ok")
    body = [
        (r["name"], _num(r["ours_s"]), _num(r["reference_s"]), _num(r["ratio"]), r["goal"] or "", "yes" if r["passed"] else "NO")
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r, cells in zip(rows, body):
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(cells, widths)))
        if r["notes"]:
            lines.append("    " + r["notes"])
    return "\n".join(lines)


def _num(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per benchmark row")
    parser.add_argument("--only", metavar="NAME", help="run only benchmarks whose module/function name contains NAME")
    parser.add_argument("--quick", action="store_true", help="smaller variants (each row says what it shrank)")
    parser.add_argument("--aeon-python", metavar="PATH", help="a Python with aeon installed, for the .ts row's reference "
                        "(default: $SHAPE_EXPLORER_AEON_PYTHON, else this interpreter if it has aeon)")
    args = parser.parse_args(argv)
    if args.aeon_python:
        os.environ["SHAPE_EXPLORER_AEON_PYTHON"] = str(Path(args.aeon_python).absolute())  # children run in the repo
    rows: list[dict] = []
    for qualified, func in discover():
        if args.only and args.only not in qualified:
            continue
        try:
            produced = func(args.quick)
            produced = produced if isinstance(produced, list) else [produced]
        except Exception as exc:  # noqa: BLE001 - a broken benchmark is a failed row, not a crash
            produced = [{"name": qualified, "ours_s": None, "reference_s": None, "ratio": None, "goal": "",
                         "passed": False, "notes": f"raised {type(exc).__name__}: {exc}"}]
            traceback.print_exc(file=sys.stderr)
        for row in produced:
            row = _normalise(row)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if not args.json:
        print(_table(rows))
    return 0 if rows and all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
