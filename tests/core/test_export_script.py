"""Exported scripts run on their own and build the very model the app built."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from core.export.script import render_script
from core.loaders import load
from core.model.defaults import default_spec
from core.model.shapes import total_params
from core.options import LoadOptions, PaddingOptions
from core.shaping.tensorize import shape_dataset
from core.training.config import TrainingConfig
from tests.core.test_training_commands import write_long_csv


def export(path, load_options=LoadOptions(), padding=PaddingOptions(), units=4):
    dataset = load(path, load_options)
    shaped = shape_dataset(dataset, padding, None)
    spec = default_spec(shaped)
    spec = spec.with_layers([replace(layer, units=units) for layer in spec.layers])
    config = TrainingConfig(epochs=1, batch_size=8)
    return render_script(str(path), load_options, padding, None, spec, config, dataset=dataset), spec


def run_script(text, tmp_path):
    script = tmp_path / "exported.py"
    script.write_text(text)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_script_is_valid_python_and_only_needs_numpy_pandas_keras(tmp_path):
    text, _ = export(write_long_csv(tmp_path / "train.csv"), LoadOptions(label_col="label"))
    tree = ast.parse(text)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"os", "json", "re", "collections", "tempfile", "numpy", "pandas", "keras", "tensorflow"}  # tf.distribute
    assert 'dtype="float32"' in text or "dtype='float32'" in text
    assert "allow_pickle" not in text  # CSV: no numpy loading at all


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["csv-long", "npz", "text", "ts", "series", "jsonl"])
def test_exported_script_runs_and_matches_param_count(kind, tmp_path):
    rng = np.random.default_rng(1)
    if kind == "ts":
        path, options = tmp_path / "cases.ts", LoadOptions()
        lines = ["@problemName Tiny", "@univariate false", "@dimensions 2", "@equalLength false",
                 "@classLabel true up down", "@data"]
        for i in range(30):
            steps = rng.normal(size=(2, 5 + i % 4)).round(3)
            lines.append(":".join(",".join(map(str, dim)) for dim in steps) + (":up" if i % 2 else ":down"))
        path.write_text("\n".join(lines) + "\n")
    elif kind == "series":  # windows: the targets come from the series itself, not from labels
        path, options = tmp_path / "series.csv", LoadOptions()
        path.write_text("a,b,c\n" + "".join(f"{i % 7},{(i * 3) % 5},{i / 10}\n" for i in range(120)))
    elif kind == "jsonl":
        path, options = tmp_path / "records.jsonl", LoadOptions()
        path.write_text("".join(f'{{"x": {rng.normal(size=(3 + i % 3, 2)).round(3).tolist()}, "label": "{"ab"[i % 2]}"}}\n'
                                for i in range(30)))
    elif kind == "csv-long":
        path, options = write_long_csv(tmp_path / "train.csv"), LoadOptions(label_col="label")
    elif kind == "npz":
        rng = np.random.default_rng(0)
        x = rng.normal(size=(50, 7, 3)).astype(np.float32)
        path, options = tmp_path / "data.npz", LoadOptions()
        np.savez(path, X=x, y=(x[:, :, 0].sum(axis=1) > 0).astype(np.int64))
    else:
        path, options = tmp_path / "reviews.txt", LoadOptions()
        path.write_text("".join(f"a fine film {i}\tpos\nan awful , dull film\tneg\n" for i in range(15)))
    text, spec = export(path, options)
    if kind == "npz":
        assert "allow_pickle=False" in text
    out = run_script(text, tmp_path)
    found = re.search(r"^TOTAL_PARAMS=(\d+)$", out, re.M)
    assert found, out[-1000:]
    assert int(found.group(1)) == total_params(spec)
    assert "FINAL val_" in out


def _per_step_label_file(kind, tmp_path):
    """A file whose labels change within sequences: one label per time step."""
    rng = np.random.default_rng(2)
    if kind == "csv-long":
        rows = ["id,t,a,b,phase"]
        for i in range(24):
            for t in range(3 + i % 4):
                value = rng.normal()
                rows.append(f"s{i},{t},{value:.4f},{rng.normal():.4f},{'rise' if value > 0 else 'fall'}")
        path = tmp_path / "steps.csv"
        path.write_text("\n".join(rows) + "\n")
        return path, LoadOptions(layout="long", id_col="id", time_col="t", label_col="phase")
    if kind == "jsonl":
        path = tmp_path / "steps.jsonl"
        lines = []
        for i in range(24):
            steps = rng.normal(size=(3 + i % 4, 2)).round(3)
            lines.append(f'{{"x": {steps.tolist()}, "label": {[float(v) for v in (steps[:, 0] * 2).round(3)]}}}')
        path.write_text("\n".join(lines) + "\n")
        return path, LoadOptions()
    x = rng.normal(size=(24, 5, 2)).astype(np.float32)
    path = tmp_path / "steps.npz"
    np.savez(path, X=x, y=(x[:, :, 0] > 0).astype(np.int64))
    return path, LoadOptions()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["csv-long", "jsonl", "npz"])
def test_per_step_labels_export_a_script_that_shapes_them_like_the_app(kind, tmp_path):
    path, options = _per_step_label_file(kind, tmp_path)
    text, spec = export(path, options)
    assert spec.head.task == "sequence"
    shaped = shape_dataset(load(path, options), PaddingOptions(), None)
    saved = tmp_path / "script_y.npy"
    out = run_script(text + f"\nnp.save({str(saved)!r}, y)\n", tmp_path)
    assert int(re.search(r"^TOTAL_PARAMS=(\d+)$", out, re.M).group(1)) == total_params(spec)
    assert "FINAL val_" in out
    script_y = np.load(saved)
    assert script_y.shape[:2] == shaped.y.shape[:2]
    assert np.allclose(script_y.reshape(shaped.y.shape), shaped.y)  # same classes, same padding


def test_per_step_labels_in_formats_without_a_script_reader_say_so(tmp_path):
    from core.export.script import ExportError, _reader

    with pytest.raises(ExportError, match="per-timestep labels in ts files"):
        _reader("ts", {}, None, False, True)


def _script_functions(section: str, **names):
    """Run a rendered script section's code with ``names`` (and numpy as ``np``) defined."""
    scope = {"np": np, **names}
    exec(compile(section, "<exported section>", "exec"), scope)
    return scope


@pytest.mark.parametrize("series", [False, True])
def test_script_splits_exactly_like_the_app(series):
    from types import SimpleNamespace

    from core.export.script import _split_section
    from core.training.data import split_indices

    section = _split_section(SimpleNamespace(classes=None), series, TrainingConfig())
    script_split = _script_functions(section.split("\ntrain, val =")[0])["split_indices"]
    rng = np.random.default_rng(5)
    cases = [(100, 0.2, 3, None), (37, 0.3, 1, rng.integers(0, 3, 37)), (12, 0.25, 0, np.array([0] * 11 + [1])),
             (9, 0.0, 4, None), (50, 0.2, 2, np.repeat([0, 1], 25))]
    for n, fraction, seed, labels in cases:
        for in_order in (False, True):
            app = split_indices(n, fraction, seed, labels=labels, in_order=in_order)
            script = script_split(n, fraction, seed, labels=labels, in_order=in_order)
            assert all(np.array_equal(a, s) for a, s in zip(app, script)), (n, fraction, seed, in_order)


def test_script_standardises_like_the_app():
    from types import SimpleNamespace

    from core.export.script import _standardise_section
    from core.shaping.padding import pad, real_cells_mask
    from core.shaping.standardize import Standardizer

    rng = np.random.default_rng(0)
    lengths = np.array([3, 7, 1, 5, 6, 2])
    x = pad(rng.normal(4.0, 3.0, size=(lengths.sum(), 2)).astype(np.float32), lengths, value=0.0)
    real = real_cells_mask(lengths, x.shape[1])
    x[0, 0] = [4.0, 4.0]  # a real step close to the mean
    train, val = np.array([0, 2, 3, 5]), np.array([1, 4])
    section = _standardise_section(TrainingConfig(), SimpleNamespace(kind="sequences"), series=False)
    scope = _script_functions(section, x=x, real=real, train=train, val=val, PAD_VALUE=0.0)
    app = Standardizer(mask_value=0.0).fit(x, real, rows=train)
    np.testing.assert_allclose(scope["mean"], app.mean, rtol=1e-12)
    np.testing.assert_allclose(scope["std"], app.std, rtol=1e-12)
    # Like the app, the script feeds raw values: the statistics go into the model's standardize layer.
    np.testing.assert_array_equal(scope["x_train"], x[train])
    np.testing.assert_array_equal(scope["x_val"], x[val])
