"""Preflight: every reason training cannot work is a plain TrainingError before fit."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import TrainingError
from core.training.checks import preflight
from core.training.config import TrainingConfig
from core.training.data import ArrayData
from tests.core.training_helpers import binary_data, tiny_spec


def test_good_data_passes():
    preflight(tiny_spec(), binary_data(), TrainingConfig())


def test_count_mismatch():
    data = binary_data()
    bad = ArrayData(data.x, data.y[:-3], "binary", 2)
    with pytest.raises(TrainingError, match="80 samples but 77 labels"):
        preflight(tiny_spec(), bad, TrainingConfig())


def test_single_class():
    data = binary_data()
    bad = ArrayData(data.x, np.zeros(len(data.x), dtype=np.int64), "binary", 2, class_names=("cat", "dog"))
    with pytest.raises(TrainingError, match="same label \\('cat'\\)"):
        preflight(tiny_spec(), bad, TrainingConfig())


def test_one_sample_with_validation_split():
    data = binary_data(n=1)
    one = ArrayData(data.x, np.array([1]), "binary", 2)
    with pytest.raises(TrainingError, match="only 1 sample"):
        preflight(tiny_spec(), one, TrainingConfig(validation_split=0.2))


def test_labels_out_of_range_for_head():
    data = binary_data()
    y = np.arange(len(data.x)) % 4
    bad = ArrayData(data.x, y, "multiclass", 4)
    spec = tiny_spec(task="multiclass", outputs=3)
    with pytest.raises(TrainingError):
        preflight(spec, bad, TrainingConfig())
    # same data, spec that agrees with n_classes but labels beyond it
    bad2 = ArrayData(data.x, y + 1, "multiclass", 4)
    with pytest.raises(TrainingError, match="label 4"):
        preflight(tiny_spec(task="multiclass", outputs=4), bad2, TrainingConfig())


def test_nan_in_inputs_names_the_sample():
    data = binary_data()
    x = data.x.copy()
    x[5, 2, 1] = np.nan
    with pytest.raises(TrainingError, match="sample 6, timestep 3"):
        preflight(tiny_spec(), ArrayData(x, data.y, "binary", 2), TrainingConfig())


def test_memory_over_budget():
    with pytest.raises(TrainingError, match="memory budget"):
        preflight(tiny_spec(), binary_data(), TrainingConfig(memory_budget=2000))


def test_spec_does_not_fit_data():
    with pytest.raises(TrainingError, match="3 feature"):
        preflight(tiny_spec(f=3), binary_data(f=2), TrainingConfig())
    with pytest.raises(TrainingError, match="timesteps"):
        preflight(tiny_spec(t=9), binary_data(t=6), TrainingConfig())


def test_no_labels():
    data = binary_data()
    with pytest.raises(TrainingError, match="no labels"):
        preflight(tiny_spec(), ArrayData(data.x, None, None), TrainingConfig())


@pytest.mark.parametrize(
    "changes, words",
    [({"epochs": 0}, "Epochs"), ({"batch_size": -1}, "batch size"), ({"learning_rate": 0.0}, "learning rate"),
     ({"validation_split": 1.0}, "validation split"), ({"optimizer": "adagrad2"}, "optimizer")],
)
def test_invalid_hyper_parameters(changes, words):
    with pytest.raises(TrainingError, match=words):
        preflight(tiny_spec(), binary_data(), TrainingConfig(**changes))


def test_readiness_problem_is_the_preflight_sentence_or_none(monkeypatch):
    from core.training import checks
    from core.training.checks import readiness_problem

    good = binary_data()
    assert readiness_problem(tiny_spec(), good, TrainingConfig()) is None
    assert readiness_problem(tiny_spec(), None, TrainingConfig()) is None  # nothing loaded: nothing to say
    one_class = ArrayData(good.x, np.zeros(len(good.y), dtype=np.int64), "binary", 2)
    assert "same label" in readiness_problem(tiny_spec(), one_class, TrainingConfig())
    assert "features" in readiness_problem(tiny_spec(f=3), good, TrainingConfig())
    nan = good.x.copy()
    nan[3, 2, 1] = np.nan
    assert "sample 4" in readiness_problem(tiny_spec(), ArrayData(nan, good.y, "binary", 2), TrainingConfig())
    # big data: the NaN scan is left to the run's own preflight, every other check still runs
    monkeypatch.setattr(checks, "QUICK_SCAN_BYTES", 16)
    assert readiness_problem(tiny_spec(), ArrayData(nan, good.y, "binary", 2), TrainingConfig()) is None
    assert "same label" in readiness_problem(tiny_spec(), one_class, TrainingConfig())
