"""Start-up benchmark: ``inspect`` on a few-MB CSV in a fresh process must take under a second."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_shaping import _write_long_csv
from benchmarks.run import best_of

BUDGET_S = 1.0


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} exited {result.returncode}: {result.stderr.strip()[:300]}")


def inspect_startup(quick: bool) -> list[dict]:
    """Wall time of ``python -m core inspect`` (and ``shape-explorer inspect``) on a ~4 MB long CSV."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.csv"
        _write_long_csv(path, 1_000, 100_000)
        size_mb = path.stat().st_size / 2**20
        t_tf, _ = best_of(lambda: _run([sys.executable, "-c", "import tensorflow"]), 1)
        commands = {"python -m core inspect": [sys.executable, "-m", "core", "inspect", str(path), "--json"]}
        entry = shutil.which("shape-explorer", path=str(Path(sys.executable).parent))
        if entry:
            commands["shape-explorer inspect"] = [entry, "inspect", str(path), "--json"]
        for label, argv in commands.items():
            try:
                t_ours, _ = best_of(lambda argv=argv: _run(argv), 2 if quick else 3)
            except RuntimeError as exc:
                rows.append({"name": f"{label} on a {size_mb:.1f} MB CSV (fresh process)", "ours_s": None,
                             "reference_s": BUDGET_S, "ratio": None, "goal": "ratio (ours / 1.0 s) < 1",
                             "passed": False, "notes": str(exc).splitlines()[-1]})
                continue
            rows.append({
                "name": f"{label} on a {size_mb:.1f} MB CSV (fresh process)",
                "ours_s": t_ours, "reference_s": BUDGET_S, "ratio": t_ours / BUDGET_S,
                "goal": "ratio (ours / 1.0 s) < 1", "passed": t_ours < BUDGET_S,
                "notes": f"context: `python -c 'import tensorflow'` takes {t_tf:.2f}s",
            })
    return rows


BENCHMARKS = [inspect_startup]
