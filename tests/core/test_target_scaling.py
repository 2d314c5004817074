"""Regression targets in large units: the model works in standardised units and ends in a
``Rescaling`` back to target units, so it learns in a few epochs and still predicts (and
reports its loss) in the targets' own units."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.errors import ShapingError
from core.model.shapes import TARGET_UNITS_LAYER, layer_table, total_params
from core.shaping.standardize import TargetScaling
from core.training.config import TrainingConfig
from core.training.data import ArrayData
from tests.core.training_helpers import tiny_spec


def test_statistics_are_per_output_column_and_constant_columns_keep_their_scale() -> None:
    y = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    scaling = TargetScaling.fit(y)
    assert scaling.mean == pytest.approx((3.0, 5.0))
    assert scaling.std == pytest.approx((np.std([1.0, 3.0, 5.0]), 1.0))
    assert TargetScaling.fit(np.array([2.0, 4.0])).mean == (3.0,)  # (N,) is one output


def test_missing_targets_are_refused_in_words() -> None:
    with pytest.raises(ShapingError, match="missing or infinite"):
        TargetScaling.fit(np.array([1.0, np.nan]))


def test_the_table_shows_the_rescaling_only_for_regression_heads_that_ask_for_it() -> None:
    spec = tiny_spec(task="regression", outputs=3)
    rows = layer_table(spec)
    assert [(r.name, r.class_name, r.output_shape, r.params) for r in rows[-2:]] == [
        ("output", "Dense", (None, 3), 15),
        (TARGET_UNITS_LAYER, "Rescaling", (None, 3), 0),
    ]
    plain = replace(spec, head=replace(spec.head, scale_targets=False))
    assert layer_table(plain)[-1].name == "output" and total_params(plain) == total_params(spec)
    assert layer_table(tiny_spec(task="binary"))[-1].name == "output"  # classification ignores the flag


def _large_unit_regression(n: int = 240, seed: int = 0) -> ArrayData:
    """Targets around 1000 with a spread of 300, driven by the inputs (like raw sensor units)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6, 2)).astype(np.float32)
    signal = x[:, :, 0].mean(axis=1) * 2.0 + x[:, -1, 1]
    y = (1000.0 + 300.0 * signal / signal.std()).astype(np.float32).reshape(n, 1)
    return ArrayData(x, y, "regression")


@pytest.mark.slow
def test_scaled_targets_learn_in_a_few_epochs_and_predict_in_target_units() -> None:
    from core.training import runner
    from core.training.reporter import RecordingReporter

    data = _large_unit_regression()
    variance = float(np.var(data.y))
    config = TrainingConfig(epochs=8, batch_size=16, learning_rate=0.01, early_stopping=False, seed=3)
    scaled = runner.run(tiny_spec(task="regression", units=8), data, config, RecordingReporter())
    raw_spec = tiny_spec(task="regression", units=8)
    raw = runner.run(replace(raw_spec, head=replace(raw_spec.head, scale_targets=False)), data, config, RecordingReporter())

    assert scaled.model.get_layer(TARGET_UNITS_LAYER) is not None
    assert scaled.history["loss"][-1] < 0.5 * variance  # learned most of the variance, in target units
    assert raw.history["loss"][-1] > 0.9 * variance  # raw targets: still predicting almost nothing
    predictions = runner.predict(scaled, data.x[:64]).ravel()
    assert abs(float(np.mean(predictions)) - 1000.0) < 150.0  # in the targets' units, not standardised ones
    train_rows = np.setdiff1d(np.arange(len(data.y)), scaled.fit_data.val_indices)
    assert scaled.fit_data.target_scaling.mean == pytest.approx((float(data.y[train_rows].mean()),))  # training split only


@pytest.mark.slow
def test_the_rescaling_survives_a_safe_save_and_load(tmp_path) -> None:
    from core.model_io import load_model_safe, save_model_atomic
    from core.training import runner
    from core.training.reporter import RecordingReporter

    data = _large_unit_regression(n=64)
    result = runner.run(tiny_spec(task="regression"), data, TrainingConfig(epochs=1, early_stopping=False), RecordingReporter())
    target = save_model_atomic(result.model, tmp_path / "model.keras")
    loaded = load_model_safe(target)
    x = data.x[:8]
    assert np.allclose(loaded.predict(x, verbose=0), result.model.predict(x, verbose=0), rtol=1e-5, atol=1e-3)
