"""Baselines a result is judged against: majority class, last value, training mean (core.training.baseline)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.options import WindowOptions
from core.training.baseline import baseline_report, describe_baseline, run_baseline
from core.training.data import ArrayData


def test_majority_class_and_chance_on_the_validation_rows():
    y = np.array([0, 0, 0, 1, 1, 2, 0, 1, 2, 0])
    data = ArrayData(np.zeros((10, 3, 1), np.float32), y, "multiclass", 3, class_names=("a", "b", "c"))
    report = baseline_report(data, np.arange(6), {"val": (data, np.arange(6, 10))})
    assert report["name"] == "majority class" and report["majority_class"] == "a"  # 3 of the 6 training rows
    assert report["chance_accuracy"] == pytest.approx(1 / 3)
    assert report["val"]["accuracy"] == pytest.approx(0.5)  # rows 6-9: a, b, c, a
    # the loss: cross-entropy of always predicting the training shares (1/2, 1/3, 1/6)
    expected = -np.mean(np.log([1 / 2, 1 / 3, 1 / 6, 1 / 2]))
    assert report["val"]["loss"] == pytest.approx(expected)


def test_binary_loss_is_the_binary_cross_entropy_of_the_positive_share():
    y = np.array([1, 1, 1, 0, 1, 0])
    data = ArrayData(np.zeros((6, 2, 1), np.float32), y, "binary", 2)
    report = baseline_report(data, np.arange(4), {"val": (data, np.array([4, 5]))})
    assert report["majority_class"] == "1" and report["val"]["accuracy"] == pytest.approx(0.5)
    assert report["val"]["loss"] == pytest.approx(-(math.log(0.75) + math.log(0.25)) / 2)


def test_regression_predicts_the_training_mean():
    x = np.zeros((5, 2, 1), np.float32)
    y = np.array([[1.0], [2.0], [3.0], [10.0], [0.0]], np.float32)
    data = ArrayData(x, y, "regression")
    report = baseline_report(data, np.arange(3), {"val": (data, np.array([3, 4])), "test": (data, None)})
    assert report["name"] == "training mean"
    assert report["val"]["loss"] == pytest.approx((8**2 + 2**2) / 2) and report["val"]["mae"] == pytest.approx(5.0)
    assert report["test"]["mae"] == pytest.approx((1 + 0 + 1 + 8 + 2) / 5)


def test_windows_get_the_last_value_forecast():
    from core.dataset import SequenceDataset, SourceInfo
    from core.shaping.tensorize import shape_dataset

    series = np.stack([np.arange(20, dtype=np.float32), np.arange(20, dtype=np.float32) ** 2], axis=1)
    dataset = SequenceDataset(series, np.array([20], dtype=np.int64), ("a", "b"), SourceInfo(None, "csv-series"), kind="series")
    shaped = shape_dataset(dataset, None, WindowOptions(window=4, stride=1, horizon=1, target_cols=("b",)))
    rows = np.arange(shaped.x.shape[0])
    report = baseline_report(shaped, rows[:10], {"val": (shaped, rows[10:])})
    assert report["name"] == "last-value forecast"
    # window i covers rows i..i+3, its target is b at row i+4: the error is (i+4)^2 - (i+3)^2 = 2i + 7
    errors = 2 * rows[10:] + 7.0
    assert report["val"]["mae"] == pytest.approx(errors.mean())
    assert report["val"]["loss"] == pytest.approx((errors**2).mean())


def test_no_baseline_without_labels_or_for_per_step_labels():
    x = np.zeros((4, 2, 1), np.float32)
    assert baseline_report(ArrayData(x, None, None), np.arange(2), {}) is None
    assert baseline_report(ArrayData(x, np.zeros((4, 2)), "sequence"), np.arange(2), {}) is None


def test_a_runs_baseline_uses_its_split_and_reads_as_a_sentence():
    from core.training.data import FitData

    y = np.array([0] * 6 + [1] * 4)
    data = ArrayData(np.zeros((10, 2, 1), np.float32), y, "binary", 2)
    split = FitData(None, None, None, None, n_train=8, n_val=2, steps_per_epoch=1, streaming=False, scaling=None,
                    val_indices=np.array([0, 9]))
    report = run_baseline(data, split)
    assert report["val"]["accuracy"] == pytest.approx(0.5)  # trained on rows 1-8 (5 zeros, 3 ones)
    line = describe_baseline(report)[0]
    assert "majority class" in line and "chance 0.500" in line and "validation accuracy 0.500" in line
    assert describe_baseline(None) == []
