"""What a model that learned nothing would score, so a result can be judged good or bad.

* **Classification**: chance (``1 / classes``) and the *majority class*: always predicting
  the most common class of the training split. Its accuracy on the validation (and test)
  samples is the bar a model must clear; its loss is the cross-entropy of always predicting
  the training split's class shares.
* **Forecasting windows**: the naive *last value* (persistence) forecast: each target is
  predicted to stay what it was at the window's last step.
* **Regression**: predicting the training split's mean target for every sample.

Regression and forecasting baselines give ``loss`` (mse, the training loss) and ``mae``, in
target units like the model's own numbers. Per-step (sequence) labels have no baseline.
Plain numpy, no Keras; :func:`baseline_report` returns a small JSON-ready dict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.tensor_data import TensorData
from core.training.data import FitData, _training_targets, class_names, is_classification

PROBABILITY_FLOOR = 1e-7  # what Keras clips probabilities to in its cross-entropy


def baseline_report(shaped: TensorData, train_rows: np.ndarray, evaluate_on: dict[str, tuple[TensorData, np.ndarray | None]]) -> dict[str, Any] | None:
    """The baseline of ``shaped`` fitted on ``train_rows`` and scored on each named set.

    ``evaluate_on`` maps a name (``"val"``, ``"test"``) to ``(data, rows)``: data shaped like
    the training data and the rows of it to score (``None``: all). Returns ``None`` when there
    is no baseline for the task (no labels, per-step labels) or no training rows.
    """
    task = shaped.task
    if task is None or task == "sequence" or shaped.y is None or not len(train_rows):
        return None
    train_rows = np.asarray(train_rows, dtype=np.int64)
    y_train = _training_targets(shaped)[train_rows]
    if is_classification(shaped):
        return _classification(shaped, y_train, evaluate_on)
    if shaped.window is not None:
        index = target_feature_index(shaped)
        if index is not None:
            return _persistence(index, evaluate_on)
    return _mean(y_train, evaluate_on)


def run_baseline(shaped: TensorData, fit_data: FitData, validation: TensorData | None = None, test: TensorData | None = None) -> dict[str, Any] | None:
    """The baseline of a run: fitted on its training rows, scored on its validation (and ``test``) samples.

    ``fit_data`` is the run's :class:`~core.training.data.FitData` (its ``val_indices`` say
    which rows validated); ``validation`` is a separate validation set, when one was given.
    """
    n = int(shaped.x.shape[0])
    val_rows = fit_data.val_indices
    val_rows = np.empty(0, dtype=np.int64) if val_rows is None else np.asarray(val_rows, dtype=np.int64)
    train_rows = np.setdiff1d(np.arange(n, dtype=np.int64), val_rows, assume_unique=True)
    sets: dict[str, tuple[TensorData, np.ndarray | None]] = {}
    if validation is not None:
        sets["val"] = (validation, None)
    elif val_rows.size:
        sets["val"] = (shaped, val_rows)
    if test is not None:
        sets["test"] = (test, None)
    return baseline_report(shaped, train_rows, sets)


def _rows(data: TensorData, rows: np.ndarray | None) -> np.ndarray:
    n = int(data.x.shape[0])
    return np.arange(n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)


def _classification(shaped: TensorData, y_train: np.ndarray, evaluate_on: dict[str, tuple[TensorData, np.ndarray | None]]) -> dict[str, Any]:
    n_classes = int(shaped.n_classes or (int(y_train.max()) + 1 if y_train.size else 2))
    n_classes = max(n_classes, 2)
    counts = np.bincount(y_train.astype(np.int64), minlength=n_classes)
    majority = int(np.argmax(counts))
    shares = counts / max(1, counts.sum())
    names = class_names(shaped) or tuple(str(i) for i in range(n_classes))
    out: dict[str, Any] = {
        "name": "majority class",
        "description": f"always predicting the most common training class, {names[majority]!r}",
        "majority_class": str(names[majority]),
        "chance_accuracy": 1.0 / n_classes,
    }
    for key, (data, rows) in evaluate_on.items():
        if data is None:
            continue
        picked = _rows(data, rows)
        if not picked.size:
            continue
        y = _training_targets(data)[picked].astype(np.int64).reshape(-1)
        p_true = np.clip(shares[np.clip(y, 0, n_classes - 1)], PROBABILITY_FLOOR, 1.0)
        if shaped.task == "binary":  # binary cross-entropy of the constant positive share
            p = float(np.clip(shares[1], PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR))
            loss = float(-np.mean(np.where(y == 1, np.log(p), np.log(1 - p))))
        else:
            loss = float(-np.mean(np.log(p_true)))
        out[key] = {"accuracy": float(np.mean(y == majority)), "loss": loss}
    return out


def target_feature_index(shaped: TensorData) -> list[int] | None:
    """Positions of the window targets among the input features (None when a target is not an input)."""
    windows = shaped.windows
    names = tuple(shaped.feature_names)
    targets = tuple(windows.target_names) if windows is not None else ()
    if not targets:
        window = shaped.window
        targets = tuple(window.target_cols) if window is not None and window.target_cols else names
    if not names or any(t not in names for t in targets):
        return None
    return [names.index(t) for t in targets]


def _regression_scores(guess: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    error = np.asarray(guess, dtype=np.float64) - np.asarray(truth, dtype=np.float64)
    return {"loss": float(np.mean(error**2)), "mae": float(np.mean(np.abs(error)))}


def _persistence(index: list[int], evaluate_on: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": "last-value forecast",
        "description": "forecasting that each target stays at its value in the window's last step",
    }
    for key, (data, rows) in evaluate_on.items():
        if data is None:
            continue
        picked = _rows(data, rows)
        if not picked.size:
            continue
        last = np.asarray(data.x[picked, -1, :], dtype=np.float64)[:, index]
        truth = _training_targets(data)[picked].reshape(len(picked), -1)
        out[key] = _regression_scores(last, truth)
    return out


def _mean(y_train: np.ndarray, evaluate_on: dict[str, Any]) -> dict[str, Any]:
    mean = np.asarray(y_train, dtype=np.float64).reshape(len(y_train), -1).mean(axis=0)
    out: dict[str, Any] = {
        "name": "training mean",
        "description": "predicting the training samples' mean target for every sample",
    }
    for key, (data, rows) in evaluate_on.items():
        if data is None:
            continue
        picked = _rows(data, rows)
        if not picked.size:
            continue
        truth = _training_targets(data)[picked].reshape(len(picked), -1)
        out[key] = _regression_scores(np.broadcast_to(mean, truth.shape), truth)
    return out


def describe_baseline(baseline: dict[str, Any] | None) -> list[str]:
    """Lines of text for the command line: what the baseline is and what it scores."""
    if not baseline:
        return []
    parts = []
    if "chance_accuracy" in baseline:
        parts.append(f"chance {baseline['chance_accuracy']:.3f}")
    for key, label in (("val", "validation"), ("test", "test")):
        scores = baseline.get(key)
        if not scores:
            continue
        if "accuracy" in scores:
            parts.append(f"{label} accuracy {scores['accuracy']:.3f}")
        else:
            parts.append(f"{label} mse {scores['loss']:.4g}, mae {scores['mae']:.4g}")
    return [f"Baseline ({baseline['name']}: {baseline['description']}): " + "; ".join(parts)]
