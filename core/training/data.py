"""Turning shaped data into what ``model.fit`` eats: split, standardise, batch.

* **Split**: a seeded shuffle, stratified by class for classification (when every class has
  at least two samples, so each appears on both sides); windows cut from one series are
  split in time order instead (the last windows validate), because shuffled overlapping
  windows would leak the validation targets into training.
* **Standardise**: per-feature mean and standard deviation over the *training* split's real
  steps only (:class:`core.shaping.standardize.Standardizer` fits them). The statistics go
  into the model's own ``standardize`` (``Normalization``) layer, after ``Masking``, so the
  inputs here stay raw: the saved model then takes exactly the tensor a user's own
  ``pad_sequences`` makes, and the mask is computed on the raw pad value. Token ids are never
  scaled.
* **Scale path**: when copying the data into memory would exceed the memory budget (a big
  memory-mapped ``.npy``, say) the arrays are never materialised: statistics are computed
  chunk by chunk and training reads index-sorted batches straight from the memory map
  through ``tf.data``.

Works on any :class:`core.tensor_data.TensorData`: a :class:`core.shaping.tensorize.ShapedData`
or an :class:`ArrayData` (the same attributes, for arrays that did not come through a loader).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.budget import default_budget_bytes
from core.dataset import DatasetKind, Labels, SequenceDataset
from core.errors import TrainingError
from core.options import PaddingOptions, WindowOptions
from core.shaping.standardize import Standardizer, TargetScaling
from core.shaping.windows import Windows
from core.tensor_data import TensorData
from core.training.sizing import resolve_for, validation_count

CLASSIFICATION_TASKS = ("binary", "multiclass")


@dataclass(frozen=True)
class ArrayData:
    """Arrays ready for training that did not come from a file loader (tests, the scale path).

    ``x`` is ``(N, T, F)`` floats (it may be a ``np.memmap``) or ``(N, T)`` int token ids;
    ``y`` holds class indices ``(N,)``, regression targets ``(N, k)`` or per-step labels.
    """

    x: Any
    y: Any
    task: str | None
    n_classes: int | None = None
    mask: np.ndarray | None = None
    lengths: np.ndarray = None  # type: ignore[assignment]  # None: every sample is full length (__post_init__)
    padding: PaddingOptions = field(default_factory=PaddingOptions)
    window: WindowOptions | None = None
    dataset: SequenceDataset | None = None
    class_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.lengths is None:
            object.__setattr__(self, "lengths", np.full(len(self.x), self.x.shape[1], dtype=np.int64))

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.x.shape[1:])

    # The rest of core.tensor_data.TensorData: what a loaded file would add, absent or inferred here.
    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])

    @property
    def original_lengths(self) -> np.ndarray:
        return self.lengths  # arrays come already cut: nothing was truncated here

    @property
    def memory_bytes(self) -> int:
        return int(self.x.nbytes) + (int(self.mask.nbytes) if self.mask is not None else 0)

    @property
    def windows(self) -> Windows | None:
        return None

    @property
    def kind(self) -> DatasetKind:
        if self.dataset is not None:
            return self.dataset.kind
        return "tokens" if self.x.ndim == 2 and np.issubdtype(self.x.dtype, np.integer) else "sequences"

    @property
    def labels(self) -> Labels | None:
        return self.dataset.labels if self.dataset is not None else None

    @property
    def vocabulary(self) -> tuple[str, ...] | None:
        return self.dataset.vocabulary if self.dataset is not None else None

    @property
    def sample_ids(self) -> tuple[str, ...] | None:
        return self.dataset.sample_ids if self.dataset is not None else None

    @property
    def embeddings(self) -> Any:
        return self.dataset.embeddings if self.dataset is not None else None


# ---- facts about the data ------------------------------------------------------------------
def is_token_input(shaped: TensorData) -> bool:
    """True for token ids (Embedding input), which must not be standardised (plain 2-D integer
    arrays are token ids too: :attr:`ArrayData.kind`)."""
    return shaped.kind == "tokens"


def class_names(shaped: TensorData) -> tuple[str, ...] | None:
    """The original class names (index i is class i), when the labels are classes."""
    names = shaped.class_names
    if names:
        return tuple(str(n) for n in names)
    classes = shaped.labels.classes if shaped.labels is not None else None
    if classes:
        return tuple(str(c) for c in classes)
    n = shaped.n_classes
    return tuple(str(i) for i in range(int(n))) if n else None


def is_classification(shaped: TensorData) -> bool:
    return shaped.task in CLASSIFICATION_TASKS


# ---- splitting -----------------------------------------------------------------------------
def split_indices(
    n_samples: int,
    validation_split: float,
    seed: int,
    *,
    labels: np.ndarray | None = None,
    in_order: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """``(train, validation)`` sample indices.

    ``in_order`` keeps time order (the last samples validate). With class ``labels`` whose
    classes all have two samples or more, each class is split in the same proportion.
    """
    n_val = validation_count(n_samples, validation_split)
    if n_val and n_samples - n_val < 1:
        raise TrainingError(
            f"There {'is' if n_samples == 1 else 'are'} only {n_samples} sample{'s' if n_samples != 1 else ''}, "
            "too few to hold some out for validation: add data or set the validation split to 0."
        )
    if in_order or n_val == 0:
        order = np.arange(n_samples, dtype=np.int64)
        if n_val == 0 and not in_order:
            order = np.random.default_rng(seed).permutation(n_samples)
        return order[: n_samples - n_val], order[n_samples - n_val :]
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_samples).astype(np.int64)
    if labels is not None:
        labels = np.asarray(labels).astype(np.int64, copy=False)
        counts = np.bincount(labels, minlength=int(labels.max()) + 1 if labels.size else 0)
        present = counts[counts > 0]
        if present.size > 1 and present.min() >= 2:
            shuffled = labels[perm]
            order = np.argsort(shuffled, kind="stable")
            sorted_labels = shuffled[order]
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            rank = np.arange(n_samples) - starts[sorted_labels]
            per_class = np.clip(np.round(counts * validation_split).astype(np.int64), 1, np.maximum(counts - 1, 1))
            is_val = np.empty(n_samples, dtype=bool)
            is_val[order] = rank < per_class[sorted_labels]
            return perm[~is_val], perm[is_val]
    return perm[n_val:], perm[:n_val]


# ---- everything fit needs ------------------------------------------------------------------
@dataclass
class FitData:
    """The training and validation inputs in the form ``model.fit`` takes."""

    x_train: Any  # ndarray, or a tf.data.Dataset of (x, y) batches when streaming
    y_train: Any
    x_val: Any
    y_val: Any
    n_train: int
    n_val: int
    steps_per_epoch: int
    streaming: bool
    scaling: Standardizer | None  # the inputs' training statistics (the model's ``standardize`` layer)
    val_indices: np.ndarray | None = None  # into the training data, when the split made validation
    target_scaling: TargetScaling | None = None  # regression targets' training statistics (the model's last layer)


def copy_bytes(shaped: TensorData) -> int:
    """Bytes the in-memory path allocates: the split copies, the standardised copy, and TF's."""
    x = shaped.x
    return int(np.prod(x.shape)) * 4 * 3


def resolve_budget(budget: int | None) -> int:
    return int(budget) if budget is not None else default_budget_bytes()


def prepare_fit_data(spec: Any, shaped: TensorData, config: Any, *, validation: TensorData | None = None, budget_bytes: int | None = None) -> FitData:
    """Split, standardise and batch ``shaped`` for ``spec`` as ``config`` says.

    Streams from the arrays (never copying them whole) when the in-memory copies would not
    fit the budget.
    """
    if config.batch_size is None:  # chosen from the data's size (core.training.sizing)
        config, _ = resolve_for(config, shaped, validation)
    budget = resolve_budget(budget_bytes if budget_bytes is not None else config.memory_budget)
    tokens = is_token_input(shaped)
    n = int(shaped.x.shape[0])
    y_all = _training_targets(shaped)
    if validation is not None:
        train_idx = np.arange(n, dtype=np.int64)
        val_idx = np.empty(0, dtype=np.int64)
    else:
        train_idx, val_idx = split_indices(
            n,
            float(config.validation_split),
            int(config.seed),
            labels=y_all if is_classification(shaped) else None,
            in_order=shaped.window is not None,
        )
    streaming = copy_bytes(shaped) > budget or (validation is not None and copy_bytes(validation) > budget)
    mask_value = _mask_value(spec, shaped)
    scaling = None
    if config.standardize and not tokens and (spec is None or spec.input.standardizes):
        scaling = Standardizer(mask_value=mask_value).fit(
            shaped.x, shaped.mask, rows=train_idx, chunk_bytes=max(1 << 16, budget // 16)
        )
    target_scaling = None
    if spec is not None and spec.head.rescales_targets and y_all is not None and train_idx.size:
        target_scaling = TargetScaling.fit(y_all[train_idx])
    batch = int(config.batch_size)
    steps = max(1, math.ceil(train_idx.size / batch))
    if streaming:
        train_ds = batch_stream(shaped.x, y_all, train_idx, batch, seed=int(config.seed), shuffle=bool(config.shuffle), tokens=tokens)
        if validation is not None:
            val_y = _training_targets(validation)
            val_ds = batch_stream(validation.x, val_y, np.arange(validation.x.shape[0]), batch, seed=0, shuffle=False, tokens=tokens)
            n_val = int(validation.x.shape[0])
        elif val_idx.size:
            val_ds = batch_stream(shaped.x, y_all, val_idx, batch, seed=0, shuffle=False, tokens=tokens)
            n_val = int(val_idx.size)
        else:
            val_ds, n_val = None, 0
        return FitData(train_ds, None, val_ds, None, int(train_idx.size), n_val, steps, True, scaling,
                       val_idx if validation is None else None, target_scaling)

    x_train = _inputs(shaped.x, train_idx, tokens)
    y_train = y_all[train_idx]
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    val_indices: np.ndarray | None
    if validation is not None:
        x_val = _inputs(validation.x, np.arange(validation.x.shape[0]), tokens)
        y_val = _training_targets(validation)
        val_indices = None
    elif val_idx.size:
        x_val = _inputs(shaped.x, val_idx, tokens)
        y_val = y_all[val_idx]
        val_indices = val_idx
    else:
        x_val = y_val = val_indices = None
    n_val = 0 if x_val is None else int(x_val.shape[0])
    return FitData(x_train, y_train, x_val, y_val, int(train_idx.size), n_val, steps, False, scaling, val_indices, target_scaling)


def prepare_inputs(shaped: TensorData) -> np.ndarray:
    """All of ``shaped.x`` as the trained model takes it: raw values (float32) or token ids (int32)."""
    return _inputs(shaped.x, np.arange(shaped.x.shape[0]), is_token_input(shaped))


def _inputs(x: Any, rows: np.ndarray, tokens: bool) -> np.ndarray:
    contiguous = rows.size and rows.size == x.shape[0] and bool((rows == np.arange(x.shape[0])).all())
    picked = np.asarray(x) if contiguous else x[rows]
    return np.asarray(picked, dtype=np.int32 if tokens else np.float32)


def _training_targets(shaped: TensorData) -> np.ndarray:
    y = np.asarray(shaped.y)
    if shaped.task == "binary":
        return y.astype(np.float32)
    if shaped.task == "multiclass" or (shaped.task == "sequence" and shaped.n_classes):
        return y.astype(np.int32)
    if shaped.task == "sequence" and y.ndim == 2:
        return y.astype(np.float32)[:, :, None]  # one number per step: (N, T, 1), like the model's output
    return y.astype(np.float32)


def _mask_value(spec: Any, shaped: TensorData) -> float | None:
    if spec is not None and spec.input.kind == "masking":
        return float(spec.input.mask_value)
    if shaped.mask is not None:
        return float(shaped.padding.value)
    return None


def batch_stream(
    x: Any,
    y: np.ndarray,
    rows: np.ndarray,
    batch_size: int,
    *,
    seed: int,
    shuffle: bool,
    tokens: bool,
) -> Any:
    """A ``tf.data.Dataset`` of ``(x, y)`` batches read from ``x`` (e.g. a memory map) on demand.

    Each epoch reshuffles the rows with ``seed`` and the epoch number; each batch's indices
    are sorted so a memory map is read front to back. Only one batch (plus two prefetched)
    is ever in memory.
    """
    import tensorflow as tf

    rows = np.asarray(rows, dtype=np.int64)
    n_batches = max(1, math.ceil(rows.size / batch_size))
    epochs_started = [0]
    x_dtype = np.int32 if tokens else np.float32

    def batches():
        order = rows
        if shuffle:
            order = np.random.default_rng([seed, epochs_started[0]]).permutation(rows)
        epochs_started[0] += 1
        for start in range(0, order.size, batch_size):
            idx = np.sort(order[start : start + batch_size])
            xb = x[idx]
            xb = np.asarray(xb, dtype=x_dtype)  # raw: the model standardises
            yield xb, y[idx]

    signature = (
        tf.TensorSpec(shape=(None, *x.shape[1:]), dtype=tf.as_dtype(x_dtype)),
        tf.TensorSpec(shape=(None, *y.shape[1:]), dtype=tf.as_dtype(y.dtype)),
    )
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)


if TYPE_CHECKING:  # mypy checks that both forms of shaped data satisfy the protocol
    from core.shaping.tensorize import ShapedData

    _SHAPED_IS_TENSOR_DATA: type[TensorData] = ShapedData
    _ARRAYS_ARE_TENSOR_DATA: type[TensorData] = ArrayData
