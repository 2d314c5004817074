"""The one entry point from a loaded dataset to the tensors a Keras model takes.

:func:`plan_shape` works out the shape, dtype, padding share and memory from the lengths
alone (nothing is allocated, so the shape report is instant on big files);
:func:`shape_dataset` then builds the tensors the plan describes. The report, the window,
training and exported scripts all go through these two functions, so they always agree.

* ``kind="sequences"``: padded ``(N, T, F)`` floats (``dtype`` None keeps float data's own
  dtype; integer/bool features become float32, which is what a recurrent layer computes in).
* ``kind="tokens"``: padded ``(N, T)`` int32 token ids, pad id 0 (an Embedding's input).
* ``kind="series"``: ``(N, window, F)`` sliding windows — a zero-copy view of the series;
  ``memory_bytes`` is what the tensor would take if materialised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from core.budget import check_budget
from core.dataset import DatasetKind, Labels, SequenceDataset
from core.errors import ShapingError
from core.options import PaddingOptions, WindowOptions
from core.shaping.padding import pad, padded_nbytes, real_cells_mask, resolve_maxlen
from core.shaping.windows import Windows, default_window, make_windows, window_count
from core.wording import format_bytes


@dataclass(frozen=True)
class ShapePlan:
    """What :func:`shape_dataset` will produce, computed from lengths only."""

    kind: str
    shape: tuple[int, ...]  # (N, T, F), or (N, T) for tokens
    input_shape: tuple[int, ...]  # (T, F), or (T,) for tokens
    dtype: str
    padding: PaddingOptions  # effective: maxlen resolved
    window: WindowOptions | None
    original_lengths: np.ndarray
    lengths: np.ndarray  # after truncation (for series: every window's length)
    has_mask: bool  # some cells are padding
    padded_fraction: float
    memory_bytes: int  # x plus mask, as they would be allocated
    series_length: int | None = None
    dropped_tail: int | None = None

    @property
    def n_samples(self) -> int:
        return int(self.shape[0])

    @property
    def timesteps(self) -> int:
        return int(self.shape[1])

    @property
    def n_features(self) -> int:
        return int(self.shape[2]) if len(self.shape) > 2 else 1

    @property
    def truncated(self) -> np.ndarray:
        if self.kind == "series":  # windows are never truncated; no array per window
            return np.broadcast_to(False, self.original_lengths.shape)
        return self.original_lengths > self.lengths


@dataclass(frozen=True)
class ShapedData:
    """Model-ready tensors plus everything needed to explain and reproduce them."""

    x: np.ndarray
    mask: np.ndarray | None
    y: np.ndarray | None
    lengths: np.ndarray
    original_lengths: np.ndarray
    truncated: np.ndarray
    padding: PaddingOptions
    window: WindowOptions | None
    dataset: SequenceDataset
    feature_names: tuple[str, ...]
    task: str | None
    n_classes: int | None
    input_shape: tuple[int, ...]
    padded_fraction: float
    memory_bytes: int
    windows: Windows | None = None

    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])

    # The dataset's facts, so readers need not reach through ``dataset`` (core.tensor_data.TensorData).
    @property
    def kind(self) -> DatasetKind:
        return self.dataset.kind

    @property
    def labels(self) -> Labels | None:
        return self.dataset.labels

    @property
    def class_names(self) -> tuple[str, ...] | None:
        classes = self.dataset.labels.classes if self.dataset.labels is not None else None
        return tuple(str(c) for c in classes) if classes else None

    @property
    def vocabulary(self) -> tuple[str, ...] | None:
        return self.dataset.vocabulary

    @property
    def sample_ids(self) -> tuple[str, ...] | None:
        return self.dataset.sample_ids

    @property
    def embeddings(self) -> Any:
        return self.dataset.embeddings


def plan_shape(
    dataset: SequenceDataset,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
) -> ShapePlan:
    """Shape, dtype, padding share and memory of the tensors, without allocating them."""
    padding = padding or PaddingOptions()
    if dataset.kind == "series":
        return _plan_series(dataset, padding, window or default_window(dataset.total_steps))
    lengths = dataset.lengths.astype(np.int64, copy=False)
    maxlen = resolve_maxlen(lengths, padding.maxlen)
    kept = np.minimum(lengths, maxlen)
    n = dataset.n_samples
    if dataset.kind == "tokens":
        dtype = np.dtype(np.int32)
        effective = replace(padding, maxlen=maxlen, value=0.0, dtype="int32")
        shape: tuple[int, ...] = (n, maxlen)
        input_shape: tuple[int, ...] = (maxlen,)
        feature_shape: tuple[int, ...] = ()
    else:
        dtype = _output_dtype(dataset.values.dtype, padding.dtype)
        effective = replace(padding, maxlen=maxlen, dtype=dtype.name)
        shape = (n, maxlen, dataset.n_features)
        input_shape = (maxlen, dataset.n_features)
        feature_shape = (dataset.n_features,)
    cells = n * maxlen
    real = int(kept.sum())
    has_mask = real < cells
    memory = padded_nbytes(n, maxlen, feature_shape, dtype) + (cells if has_mask else 0)
    return ShapePlan(
        kind=dataset.kind,
        shape=shape,
        input_shape=input_shape,
        dtype=dtype.name,
        padding=effective,
        window=None,
        original_lengths=lengths,
        lengths=kept,
        has_mask=has_mask,
        padded_fraction=(1.0 - real / cells) if cells else 0.0,
        memory_bytes=int(memory),
    )


def shape_dataset(
    dataset: SequenceDataset,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
    budget_bytes: int | None = None,
) -> ShapedData:
    """Build the model-ready tensors for ``dataset`` (memory checked before allocating).

    Raises:
        ShapingError: options that cannot produce a tensor (maxlen below 1, a window longer
            than the series, several series given windows...).
        MemoryBudgetError: the padded tensor and its mask would exceed the budget.
    """
    plan = plan_shape(dataset, padding, window)
    labels = dataset.labels
    task = labels.kind if labels is not None else None
    n_classes = labels.n_classes if labels is not None else None
    if dataset.kind == "series":
        return _shape_series(dataset, plan, task, n_classes)

    if plan.timesteps == 0:
        raise ShapingError("Every sequence is empty, so there are no timesteps to shape; check the file's columns.")
    if _is_already_dense(dataset, plan):
        return _shape_dense_view(dataset, plan, task, n_classes, budget_bytes)
    check_budget(
        f"The padded data ({plan.n_samples} samples × {plan.timesteps} timesteps, "
        f"{format_bytes(plan.memory_bytes)} with its mask)",
        plan.memory_bytes,
        budget_bytes,
    )
    opts = plan.padding
    assert opts.maxlen is not None  # the plan's padding is effective: maxlen resolved
    values = dataset.values[:, 0] if dataset.kind == "tokens" else dataset.values
    x = pad(values, plan.original_lengths, opts.maxlen, opts.padding, opts.truncating, opts.value, plan.dtype,
            budget_bytes=budget_bytes)
    mask = real_cells_mask(plan.lengths, opts.maxlen, opts.padding) if plan.has_mask else None
    y = _labels_tensor(dataset, opts, budget_bytes)
    memory = x.nbytes + (mask.nbytes if mask is not None else 0)
    return _shaped_from_plan(plan, dataset, x, mask, y, task, n_classes, memory)


# ---- internals ---------------------------------------------------------------------------
def _is_already_dense(dataset: SequenceDataset, plan: ShapePlan) -> bool:
    """Equal-length float data that needs no padding, truncation or cast is used as it is."""
    return (
        dataset.kind == "sequences"
        and dataset.is_equal_length
        and not plan.has_mask
        and not bool(plan.truncated.any())
        and dataset.values.dtype == plan.dtype
        and dataset.values.flags.c_contiguous
    )


def _shape_dense_view(dataset: SequenceDataset, plan: ShapePlan, task, n_classes, budget_bytes) -> ShapedData:
    """An ``(N, T, F)`` view of the values: no copy, so a memory-mapped file stays on disk."""
    x = dataset.values.reshape(plan.n_samples, plan.timesteps, dataset.n_features)
    return _shaped_from_plan(plan, dataset, x, None, _labels_tensor(dataset, plan.padding, budget_bytes), task, n_classes, x.nbytes)


def _shaped_from_plan(plan: ShapePlan, dataset: SequenceDataset, x: np.ndarray, mask: np.ndarray | None,
                      y: np.ndarray | None, task: str | None, n_classes: int | None, memory_bytes: int,
                      windows: Windows | None = None) -> ShapedData:
    """The tensors with the lengths, options and shapes the plan worked out."""
    return ShapedData(
        x=x,
        mask=mask,
        y=y,
        lengths=plan.lengths,
        original_lengths=plan.original_lengths,
        truncated=plan.truncated,
        padding=plan.padding,
        window=plan.window,
        dataset=dataset,
        feature_names=dataset.feature_names,
        task=task,
        n_classes=n_classes,
        input_shape=plan.input_shape,
        padded_fraction=plan.padded_fraction,
        memory_bytes=int(memory_bytes),
        windows=windows,
    )


def _output_dtype(values_dtype: np.dtype, requested: str | None) -> np.dtype:
    if requested is not None:
        try:
            return np.dtype(requested)
        except TypeError as exc:
            raise ShapingError(f"{requested!r} is not a data type numpy knows, e.g. use 'float32'.") from exc
    return values_dtype if values_dtype.kind == "f" else np.dtype(np.float32)


def _series_values(dataset: SequenceDataset) -> np.ndarray:
    if dataset.n_samples != 1:
        raise ShapingError(
            f"Windows are cut from one long series, but this data holds {dataset.n_samples} sequences; "
            "load it as sequences (padding) instead."
        )
    return dataset.values


def _plan_series(dataset: SequenceDataset, padding: PaddingOptions, window: WindowOptions) -> ShapePlan:
    series = _series_values(dataset)
    # make_windows validates the options in plain words; the views it builds cost nothing.
    windows = make_windows(series, window, dataset.feature_names)
    count = window_count(series.shape[0], window.window, window.stride, window.horizon)
    n_features = series.shape[1]
    # Every window has the same length: a read-only broadcast view costs no memory, where a full
    # int64 array would cost 8 bytes per window (200 MB for a 25M-step series).
    lengths = np.broadcast_to(np.int64(window.window), (count,))
    dtype = series.dtype if series.dtype.kind == "f" else np.dtype(np.float32)
    return ShapePlan(
        kind="series",
        shape=(count, window.window, n_features),
        input_shape=(window.window, n_features),
        dtype=dtype.name,
        padding=replace(padding, maxlen=window.window, dtype=dtype.name),
        window=window,
        original_lengths=lengths,
        lengths=lengths,
        has_mask=False,
        padded_fraction=0.0,
        memory_bytes=padded_nbytes(count, window.window, (n_features,), dtype),
        series_length=int(series.shape[0]),
        dropped_tail=windows.dropped_tail,
    )


def _shape_series(dataset: SequenceDataset, plan: ShapePlan, task: str | None, n_classes: int | None) -> ShapedData:
    series = _series_values(dataset)
    if series.dtype != np.dtype(plan.dtype):
        series = series.astype(plan.dtype)
    windows = make_windows(series, plan.window, dataset.feature_names)
    y = None
    if windows.y is not None:
        y = windows.y if windows.y.dtype == np.float32 else windows.y.astype(np.float32)
        task = "regression"
        n_classes = None
    else:
        task = None
    return _shaped_from_plan(plan, dataset, windows.x, None, y, task, n_classes, plan.memory_bytes, windows)


def _labels_tensor(dataset: SequenceDataset, opts: PaddingOptions, budget_bytes: int | None) -> np.ndarray | None:
    labels = dataset.labels
    if labels is None:
        return None
    values = np.asarray(labels.values)
    if labels.kind in ("binary", "multiclass"):
        return values.astype(np.int64, copy=False)
    if labels.kind == "regression":
        out = values.astype(np.float32, copy=False)
        return out.reshape(out.shape[0], -1)
    # Per-step labels: padded exactly like the inputs so step t of y belongs to step t of x.
    dtype = np.int64 if labels.classes is not None else np.float32
    return pad(values, dataset.lengths, opts.maxlen, opts.padding, opts.truncating, 0, dtype, budget_bytes=budget_bytes)
