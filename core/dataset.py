"""The one ragged representation shared by every loader and everything downstream.

A :class:`SequenceDataset` holds N sequences of F features as one flat ``(total_steps, F)``
array plus per-sequence ``lengths`` (the Arrow ListArray idea). Padding, statistics and
windowing are then vectorised numpy over ``values``, never Python loops over sequences.
Equal-length 3-D data is stored the same way (a reshape, no copy), and a single long
series is one sequence of ``kind="series"`` that is later cut into windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

DatasetKind = Literal["sequences", "series", "tokens"]
LabelKind = Literal["binary", "multiclass", "regression", "sequence"]


@dataclass(frozen=True)
class Guess:
    """One decision a loader made on its own, with the reason, so the user can override it."""

    what: str  # e.g. "layout", "delimiter", "id column"
    value: Any
    why: str
    option: str | None = None  # the CLI/LoadOptions field that overrides it, e.g. "id_col"


@dataclass(frozen=True)
class Labels:
    """Targets for the sequences.

    ``values`` has one entry (or one row, for multi-output regression) per sequence; for
    ``kind="sequence"`` it is flat with one entry per step, aligned with the dataset's values.
    For classification ``values`` holds class indices 0..C-1 and ``classes`` the original names.
    """

    values: np.ndarray
    kind: LabelKind
    classes: tuple[str, ...] | None = None
    name: str | None = None

    @property
    def n_classes(self) -> int | None:
        return None if self.classes is None else len(self.classes)

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary: ``{kind, classes, counts}``."""
        out: dict[str, Any] = {"kind": self.kind, "classes": list(self.classes) if self.classes else None}
        if self.classes is not None:
            counts = np.bincount(self.values.astype(np.int64, copy=False), minlength=len(self.classes))
            out["counts"] = {str(c): int(n) for c, n in zip(self.classes, counts)}
        elif self.values.size:
            finite = self.values[np.isfinite(self.values)] if self.values.dtype.kind == "f" else self.values
            if finite.size:
                out["min"] = float(finite.min())
                out["max"] = float(finite.max())
                out["mean"] = float(finite.mean())
        if self.name:
            out["name"] = self.name
        return out


@dataclass(frozen=True)
class SourceInfo:
    """Where a dataset came from and how it was read, kept for reports and exported scripts."""

    path: str | None
    format: str  # "csv-long", "csv-wide", "csv-series", "npy", "npz", "json", "jsonl", "text", "ts"
    options: dict[str, Any] = field(default_factory=dict)  # the effective LoadOptions, as plain values
    guesses: tuple[Guess, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "(in memory)"


@dataclass(frozen=True)
class SequenceDataset:
    """N ragged sequences of F features: flat ``values`` plus ``lengths``.

    Invariants (checked by :meth:`validate`): ``values.ndim == 2``; ``lengths`` is int64,
    non-negative, and sums to ``len(values)``; ``feature_names`` has F entries; labels, if
    any, have N entries (or ``lengths.sum()`` for ``kind="sequence"``).
    """

    values: np.ndarray
    lengths: np.ndarray
    feature_names: tuple[str, ...]
    source: SourceInfo
    labels: Labels | None = None
    kind: DatasetKind = "sequences"
    vocabulary: tuple[str, ...] | None = None  # token id → token, for kind="tokens" (id 0 is padding)
    sample_ids: tuple[str, ...] | None = None  # original sequence ids (CSV long layout, JSON ids)
    embeddings: Any = None  # text read with pre-trained vectors: a core.loaders.embeddings.Embeddings

    # ---- derived views -------------------------------------------------------------------
    @property
    def n_samples(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.values.shape[1])

    @property
    def total_steps(self) -> int:
        return int(self.values.shape[0])

    @property
    def offsets(self) -> np.ndarray:
        """``N + 1`` start offsets into ``values``; sequence i is ``values[offsets[i]:offsets[i+1]]``."""
        out = np.empty(self.n_samples + 1, dtype=np.int64)
        out[0] = 0
        np.cumsum(self.lengths, out=out[1:])
        return out

    @property
    def is_equal_length(self) -> bool:
        return self.n_samples == 0 or bool((self.lengths == self.lengths[0]).all())

    def sequence(self, index: int) -> np.ndarray:
        """The ``(length, F)`` steps of one sequence (a view, no copy)."""
        offsets = self.offsets
        return self.values[offsets[index] : offsets[index + 1]]

    def with_labels(self, labels: Labels | None) -> SequenceDataset:
        return replace(self, labels=labels)

    # ---- construction --------------------------------------------------------------------
    @classmethod
    def from_dense(
        cls,
        array: np.ndarray,
        source: SourceInfo,
        feature_names: tuple[str, ...] | None = None,
        labels: Labels | None = None,
        kind: DatasetKind = "sequences",
    ) -> SequenceDataset:
        """Wrap an ``(N, T, F)`` array without copying (a reshape of a contiguous array)."""
        if array.ndim != 3:
            raise ValueError(f"from_dense expects a 3-D array, got shape {array.shape}")
        n, t, f = array.shape
        values = array.reshape(n * t, f)
        names = feature_names or default_feature_names(f)
        return cls(values, np.full(n, t, dtype=np.int64), tuple(names), source, labels, kind)

    @classmethod
    def from_sequences(
        cls,
        sequences: list[np.ndarray],
        source: SourceInfo,
        feature_names: tuple[str, ...] | None = None,
        labels: Labels | None = None,
        kind: DatasetKind = "sequences",
        dtype: np.dtype | type | None = None,
    ) -> SequenceDataset:
        """Build from a list of ``(length,)`` or ``(length, F)`` arrays (one concatenate)."""
        arrays = [np.asarray(s) for s in sequences]
        arrays = [a[:, None] if a.ndim == 1 else a for a in arrays]
        f = arrays[0].shape[1] if arrays else (len(feature_names) if feature_names else 1)
        lengths = np.fromiter((a.shape[0] for a in arrays), dtype=np.int64, count=len(arrays))
        values = np.concatenate(arrays, axis=0) if arrays else np.empty((0, f))
        if dtype is not None:
            values = values.astype(dtype, copy=False)
        names = feature_names or default_feature_names(f)
        return cls(values, lengths, tuple(names), source, labels, kind)

    def validate(self) -> SequenceDataset:
        """Check the invariants; return self so loaders can ``return dataset.validate()``."""
        if self.values.ndim != 2:
            raise ValueError(f"values must be 2-D (total_steps, F), got {self.values.shape}")
        if self.lengths.ndim != 1 or self.lengths.dtype != np.int64:
            raise ValueError("lengths must be a 1-D int64 array")
        if self.lengths.size and int(self.lengths.min()) < 0:
            raise ValueError("lengths must be non-negative")
        if int(self.lengths.sum()) != self.values.shape[0]:
            raise ValueError(f"lengths sum to {int(self.lengths.sum())} but values has {self.values.shape[0]} rows")
        if len(self.feature_names) != self.values.shape[1]:
            raise ValueError(f"{len(self.feature_names)} feature names for {self.values.shape[1]} features")
        if self.labels is not None:
            expected = self.total_steps if self.labels.kind == "sequence" else self.n_samples
            if self.labels.values.shape[0] != expected:
                raise ValueError(f"{self.labels.values.shape[0]} labels for {expected} {'steps' if self.labels.kind == 'sequence' else 'samples'}")
        return self


def default_feature_names(count: int) -> tuple[str, ...]:
    return tuple(f"feature_{i}" for i in range(count))
