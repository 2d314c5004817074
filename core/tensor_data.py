"""What every reader of shaped tensors may rely on: the :class:`TensorData` protocol.

Training (``core.training``), the model defaults and checks (``core.model``), predictions,
recipes, the view numbers (``core.tensor_views``) and the window's views all read tensors that
arrive in one of two forms:

* :class:`core.shaping.tensorize.ShapedData`, what :func:`~core.shaping.tensorize.shape_dataset`
  builds from a loaded file;
* :class:`core.training.data.ArrayData`, arrays that did not come through a loader (a tensor
  store's memory maps, benchmarks, tests), whose ``dataset`` is usually ``None``.

Both satisfy :class:`TensorData` (checked by mypy at every call site that passes them, and by
``tests/core/test_tensor_data.py`` at run time), so consumers read plain attributes instead of
``getattr(data, "name", default)`` chains. The facts that live on the loaded dataset (its kind,
labels, vocabulary, sample ids, word vectors) are repeated here as properties that are ``None``
(or inferred) when there is no dataset, so a reader never has to ask whether one exists.

Members are read-only properties: frozen dataclasses and plain objects both satisfy them.
This module sits just above ``core.shaping`` in the layers contract (it names
:class:`~core.shaping.windows.Windows`) and below every consumer.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from core.dataset import DatasetKind, Labels, SequenceDataset
from core.options import PaddingOptions, WindowOptions
from core.shaping.windows import Windows


@runtime_checkable
class TensorData(Protocol):
    """Model-ready tensors and the facts about them that training, checks and views read."""

    # ---- the tensors ----------------------------------------------------------------------
    @property
    def x(self) -> np.ndarray:
        """``(N, T, F)`` floats or ``(N, T)`` int token ids; may be a read-only view or a ``np.memmap``."""

    @property
    def y(self) -> np.ndarray | None:
        """Training targets (class indices, regression targets, per-step labels) or ``None``."""

    @property
    def mask(self) -> np.ndarray | None:
        """``(N, T)`` True on real steps; ``None`` when no step is padding."""

    @property
    def lengths(self) -> np.ndarray:
        """``(N,)`` real steps kept per sample (after truncation; a window's length for windows)."""

    @property
    def original_lengths(self) -> np.ndarray:
        """``(N,)`` steps per sample before truncation (equal to ``lengths`` when nothing was cut)."""

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape, ``(T, F)`` or ``(T,)`` for tokens: a Keras ``input_shape``."""

    @property
    def n_samples(self) -> int: ...

    @property
    def memory_bytes(self) -> int:
        """Bytes of ``x`` and ``mask`` (as they would be allocated, for zero-copy windows)."""

    # ---- how they were shaped ------------------------------------------------------------
    @property
    def padding(self) -> PaddingOptions:
        """The effective padding (its ``value`` is the pad value a Masking layer must skip)."""

    @property
    def window(self) -> WindowOptions | None:
        """The sliding-window options, when the samples are windows over one series."""

    @property
    def windows(self) -> Windows | None:
        """The windows themselves (their target names), when shaping made them."""

    @property
    def feature_names(self) -> tuple[str, ...]: ...

    # ---- the labels ----------------------------------------------------------------------
    @property
    def task(self) -> str | None:
        """``"binary"``, ``"multiclass"``, ``"regression"``, ``"sequence"`` or ``None`` (no labels)."""

    @property
    def n_classes(self) -> int | None: ...

    @property
    def class_names(self) -> tuple[str, ...] | None:
        """The original class names (index i is class i), when known."""

    # ---- the loaded file, when there was one ----------------------------------------------
    @property
    def dataset(self) -> SequenceDataset | None:
        """The ragged dataset the tensors were shaped from (``None`` for plain arrays)."""

    @property
    def kind(self) -> DatasetKind:
        """``"sequences"``, ``"tokens"`` or ``"series"`` (the dataset's, or inferred from ``x``)."""

    @property
    def labels(self) -> Labels | None: ...

    @property
    def vocabulary(self) -> tuple[str, ...] | None:
        """Token id → token, for token data read from text."""

    @property
    def sample_ids(self) -> tuple[str, ...] | None:
        """The file's own id of each sample, when it had them."""

    @property
    def embeddings(self) -> Any:
        """Pre-trained word vectors read with text (a ``core.loaders.word_vectors.Embeddings``), or ``None``."""
