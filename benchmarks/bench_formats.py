"""Reading an ARFF time-series file: ours vs ``scipy.io.arff.loadarff`` (the plain alternative).

Both read the same generated univariate ARFF (cases × steps numeric attributes and a nominal
class, the UCR archive's shape); ours also builds the ragged dataset and encodes the labels.
The relational (multivariate) form is measured for ours alone, since scipy cannot read it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from benchmarks.run import best_of, interleaved


def _write_arff(path: Path, cases: int, steps: int, dims: int = 1) -> None:
    rng = np.random.default_rng(0)
    with open(path, "w", encoding="utf-8") as handle:
        if dims == 1:
            handle.write("@relation bench\n" + "".join(f"@attribute t{i} numeric\n" for i in range(steps)))
        else:
            handle.write("@relation bench\n@attribute r relational\n" + "".join(f"@attribute t{i} numeric\n" for i in range(steps))
                         + "@end r\n")
        handle.write("@attribute class {a,b,c}\n@data\n")
        for case in range(cases):
            rows = [",".join(f"{v:.6f}" for v in rng.standard_normal(steps)) for _ in range(dims)]
            body = rows[0] if dims == 1 else "'" + "\\n".join(rows) + "'"
            handle.write(f"{body},{'abc'[case % 3]}\n")


def arff_univariate(quick: bool) -> dict:
    from scipy.io import arff as scipy_arff

    from core.loaders.arff_format import read
    from core.options import LoadOptions

    cases, steps = (500, 500) if quick else (2000, 1000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.arff"
        _write_arff(path, cases, steps)
        ours_s, ref_s, ours, ref = interleaved(lambda: read(path, LoadOptions(), 1 << 33),
                                               lambda: scipy_arff.loadarff(path), 3)
        records, meta = ref
        same = np.array_equal(ours.values.reshape(cases, steps),
                              np.stack([records[n] for n in meta.names()[:-1]], axis=1).astype(np.float32))
    ratio = ref_s / ours_s
    return {"name": f"ARFF {cases}×{steps} → dataset vs scipy.io.arff.loadarff", "ours_s": ours_s, "reference_s": ref_s,
            "ratio": ratio, "goal": "≥ 2× faster, identical values", "passed": ratio >= 2 and same,
            "notes": f"identical values: {same}" + (" (quick)" if quick else "")}


def arff_relational(quick: bool) -> dict:
    from core.loaders.arff_format import read
    from core.options import LoadOptions

    cases, steps, dims = (200, 500, 6) if quick else (1000, 1000, 6)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench_rel.arff"
        _write_arff(path, cases, steps, dims)
        ours_s, data = best_of(lambda: read(path, LoadOptions(), 1 << 33), 3)
        size = path.stat().st_size
    rate = size / ours_s / 1e6
    return {"name": f"relational ARFF {cases}×{steps}×{dims} ({size / 1e6:.0f} MB)", "ours_s": ours_s, "reference_s": None,  # no reference: ratio is MB/s
            "ratio": rate, "goal": "≥ 10 MB/s (scipy cannot read relational ARFF)", "passed": rate >= 10 and data.n_features == dims,
            "notes": f"{rate:.0f} MB/s" + (" (quick)" if quick else "")}


BENCHMARKS = [arff_univariate, arff_relational]
