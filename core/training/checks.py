"""Everything that would make ``fit`` fail or learn nothing, caught before it starts.

Each problem is a :class:`TrainingError` with one plain sentence that says what is wrong
and what to do, instead of a TensorFlow stack trace ten seconds into training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import TrainingError
from core.model.shapes import recurrent_output_dim, total_params
from core.tensor_data import TensorData
from core.training.data import (
    CLASSIFICATION_TASKS,
    copy_bytes,
    resolve_budget,
)
from core.training.sizing import validation_count
from core.wording import format_bytes

# Rows scanned at a time when looking for NaN/inf in data that may be memory-mapped.
_SCAN_ROWS_BYTES = 32 * 1024 * 1024


def preflight(spec: Any, shaped: TensorData, config: Any, *, validation: TensorData | None = None, budget_bytes: int | None = None) -> None:
    """Raise :class:`TrainingError` for the first reason training cannot work; return quietly otherwise."""
    from core.training.sizing import resolve_for

    config, _ = resolve_for(config.validate(), shaped, validation)
    spec.validate()
    check_labels_present(shaped)
    check_counts(shaped, config, validation)
    check_spec_fits(spec, shaped)
    check_labels_in_range(spec, shaped)
    budget = resolve_budget(budget_bytes if budget_bytes is not None else config.memory_budget)
    chunk = max(1 << 16, min(_SCAN_ROWS_BYTES, budget // 16))
    check_finite(shaped, "training data", chunk)
    if validation is not None:
        check_counts(validation, config, None, name="validation data", need_split=False)
        check_finite(validation, "validation data", chunk)
        check_labels_in_range(spec, validation, name="validation data")
    check_memory(spec, shaped, config, budget_bytes)


QUICK_SCAN_BYTES = 16 * 1024 * 1024  # readiness_problem scans for NaN only in data up to this size


def readiness_problem(spec: Any, shaped: TensorData, config: Any, *, budget_bytes: int | None = None) -> str | None:
    """The sentence :func:`preflight` would raise for this data, model and config, or None when it can train.

    For the window's Start button, so it runs on every change: the NaN/infinity scan is
    skipped for data larger than ``QUICK_SCAN_BYTES`` (the run's own preflight still does it).
    """
    from core.errors import ShapeExplorerError

    if shaped is None or spec is None:
        return None
    try:
        x = shaped.x
        nbytes = int(np.prod(x.shape)) * x.dtype.itemsize
        if nbytes <= QUICK_SCAN_BYTES:
            preflight(spec, shaped, config, budget_bytes=budget_bytes)
        else:
            from core.training.sizing import resolve_for

            config, _ = resolve_for(config.validate(), shaped)
            spec.validate()
            check_labels_present(shaped)
            check_counts(shaped, config, None)
            check_spec_fits(spec, shaped)
            check_labels_in_range(spec, shaped)
            check_memory(spec, shaped, config, budget_bytes)
    except ShapeExplorerError as exc:
        return str(exc)
    return None


def check_labels_present(shaped: TensorData) -> None:
    if shaped.task is None or shaped.y is None:
        raise TrainingError(
            "The data has no labels or targets, so there is nothing to learn: choose a label column, "
            "or cut the series into windows with a target."
        )


def check_counts(shaped: TensorData, config: Any, validation: TensorData | None, *, name: str = "training data", need_split: bool = True) -> None:
    n_x = int(shaped.x.shape[0])
    n_y = int(np.shape(shaped.y)[0]) if shaped.y is not None else 0  # no labels at all: check_labels_present says so first
    if n_x != n_y:
        raise TrainingError(
            f"The {name} has {n_x} samples but {n_y} labels: every sample needs exactly one label "
            "(check the label column or the X/y arrays)."
        )
    if n_x == 0:
        raise TrainingError(f"The {name} has no samples.")
    if need_split and validation is None and config.validation_split > 0:
        held_out = validation_count(n_x, float(config.validation_split))
        if n_x - held_out < 1:
            raise TrainingError(
                f"There {'is' if n_x == 1 else 'are'} only {n_x} sample{'s' if n_x != 1 else ''}, too few to hold "
                f"{held_out} out for validation and still train: add data or set the validation split to 0."
            )
    if need_split and shaped.task in CLASSIFICATION_TASKS:
        classes = np.unique(np.asarray(shaped.y))
        if classes.size < 2:
            label = _class_label(shaped, int(classes[0])) if classes.size else "?"
            raise TrainingError(
                f"Every sample has the same label ({label}), so there is nothing to tell apart: "
                "check the label column or add samples of other classes."
            )


def check_spec_fits(spec: Any, shaped: TensorData) -> None:
    from core.model.defaults import spec_fits_data

    problems = spec_fits_data(spec, shaped)
    if problems:
        raise TrainingError(problems[0])


def check_labels_in_range(spec: Any, shaped: TensorData, *, name: str = "training data") -> None:
    head = spec.head
    y = np.asarray(shaped.y)
    if head.task == "binary" or head.task == "multiclass" or (head.task == "sequence" and head.sequence_classes):
        if head.task == "binary":
            n_classes = 2
        elif head.task == "multiclass":
            n_classes = int(head.n_outputs)
        else:
            n_classes = int(head.sequence_classes)
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise TrainingError(f"The {name} has missing (NaN) or infinite labels: fix or drop those samples.")
        if y.size and (np.any(y != np.floor(y)) if y.dtype.kind == "f" else False):
            raise TrainingError(f"The {name} has fractional labels, but the head predicts classes: choose the regression head.")
        low, high = (int(y.min()), int(y.max())) if y.size else (0, 0)
        if low < 0 or high >= n_classes:
            bad = low if low < 0 else high
            raise TrainingError(
                f"The {name} has label {bad}, but the {head.task} head only knows classes 0 to {n_classes - 1}: "
                f"set the number of classes to at least {high + 1}, or check the labels."
            )
    elif y.dtype.kind == "f" and y.size and not np.all(np.isfinite(y)):
        raise TrainingError(f"The {name} has missing (NaN) or infinite targets: fix or drop those samples.")


def check_finite(shaped: TensorData, name: str, chunk_bytes: int = _SCAN_ROWS_BYTES) -> None:
    """NaN or infinite inputs make the loss NaN at the first batch; find them first, ``chunk_bytes`` at a time."""
    x = shaped.x
    if not np.issubdtype(x.dtype, np.floating):
        return
    row_bytes = max(1, int(np.prod(x.shape[1:])) * x.dtype.itemsize)
    step = max(1, chunk_bytes // row_bytes)
    for start in range(0, x.shape[0], step):
        chunk = np.asarray(x[start : start + step])
        finite = np.isfinite(chunk)
        if not finite.all():
            bad = np.argwhere(~finite)[0]
            sample = start + int(bad[0])
            where = f"sample {sample + 1}" + (f", timestep {int(bad[1]) + 1}" if chunk.ndim >= 2 else "")
            raise TrainingError(
                f"The {name} has a missing (NaN) or infinite value at {where}: fill or drop missing values "
                "before training, or the loss becomes NaN."
            )


def estimate_fixed_bytes(spec: Any, batch_size: int) -> int:
    """Memory training needs whatever the data size: weights, gradients, Adam slots, one batch's activations."""
    params = total_params(spec)
    weights = params * 4 * 4  # weights, gradients, two optimiser slots
    timesteps = spec.input.timesteps or 1
    features = spec.input.embedding_dim if spec.input.kind == "embedding" else spec.input.features
    per_step = features
    for layer in spec.layers:
        gates = 4 if layer.kind == "LSTM" else 3
        per_step += (gates + 2) * recurrent_output_dim(layer)
    activations = int(batch_size) * timesteps * per_step * 4 * 2  # forward values kept for backprop
    return weights + activations


def check_memory(spec: Any, shaped: TensorData, config: Any, budget_bytes: int | None) -> None:
    budget = resolve_budget(budget_bytes if budget_bytes is not None else config.memory_budget)
    fixed = estimate_fixed_bytes(spec, int(config.batch_size))
    data = copy_bytes(shaped)
    if data > budget:  # streamed from the arrays: only a few batches in memory
        sample = int(np.prod(shaped.x.shape[1:])) * 4
        data = sample * int(config.batch_size) * 4
    needed = fixed + data
    if needed > budget:
        raise TrainingError(
            f"Training would need about {format_bytes(needed)}, more than the memory budget of {format_bytes(budget)}: "
            "use a smaller batch size, fewer units or a shorter maxlen, or raise the budget with --memory-budget."
        )


def _class_label(shaped: TensorData, index: int) -> str:
    from core.training.data import class_names

    names = class_names(shaped)
    if names and 0 <= index < len(names):
        return repr(names[index])
    return str(index)

