"""Check my model: ``shape-explorer check DATA --model M.keras`` in a fresh process vs the plain way of
seeing a saved model's shapes, loading it with Keras (``keras.saving.load_model`` + each layer's
output shape and ``count_params()``), also in a fresh process. Both answer the same question; ours
reads the archive's JSON and never imports TensorFlow."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from benchmarks.run import interleaved

GOAL_RATIO = 3.0
BUDGET_S = 1.0


def _run(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} exited {result.returncode}: {result.stderr.strip()[-300:]}")
    return result.stdout


def check_vs_load_model(quick: bool) -> dict:
    import keras

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, model_path = folder / "x.npz", folder / "model.keras"
        np.savez(data, X=np.random.default_rng(0).random((2_000, 50, 8), dtype=np.float32), y=np.arange(2_000) % 4)
        model = keras.Sequential([keras.Input((50, 8)), keras.layers.Masking(0.0), keras.layers.LSTM(64, return_sequences=True),
                                  keras.layers.Bidirectional(keras.layers.GRU(32)), keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(4, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(model_path)
        ours = [sys.executable, "-m", "core", "check", str(data), "--model", str(model_path), "--json"]
        plain = [sys.executable, "-c",
                 "import json, sys, keras\n"
                 f"m = keras.saving.load_model({str(model_path)!r})\n"
                 "print(json.dumps([[l.name, list(l.output.shape), l.count_params()] for l in m.layers]))"]
        t_ours, t_ref, out_ours, out_ref = interleaved(lambda: _run(ours), lambda: _run(plain), 2 if quick else 3)
        rows = [[r["name"], r["output_shape"], r["params"]] for r in json.loads(out_ours)["model"]["layers"]]
        same = rows == json.loads(out_ref.strip().splitlines()[-1])
    ratio = t_ref / t_ours
    return {"name": "check a .keras model against a 2,000 × 50 × 8 .npz (fresh process)", "ours_s": t_ours, "reference_s": t_ref,
            "ratio": ratio, "goal": f"ratio (load_model / ours) >= {GOAL_RATIO:g}, ours < {BUDGET_S:g} s, same shapes and params",
            "passed": ratio >= GOAL_RATIO and t_ours < BUDGET_S and same,
            "notes": f"identical layer table: {same}" + ("; quick" if quick else "")}


BENCHMARKS = [check_vs_load_model]
