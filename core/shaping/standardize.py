"""Per-feature standardisation that ignores padding and keeps the mask working.

The one standardiser of the app: training (:mod:`core.training.data`) fits it on the
training split and its mean and std become the model's own ``standardize`` (``Normalization``)
layer (:func:`core.model.build.build_model`), so inputs stay raw and a saved model takes the raw
padded tensor; the exported script repeats the rule. :meth:`Standardizer.transform` remains
for code that wants standardised arrays outside a model.

* Statistics come from real steps only (padding would drag the mean towards the pad value)
  and from the rows given (the training split, so validation and test data do not leak in).
* The data may be a memory map bigger than the memory budget: :meth:`Standardizer.fit`
  reads it a chunk of rows at a time and merges the chunks' statistics (float64).
* Padded steps keep their pad value after :meth:`Standardizer.transform`, so a ``Masking``
  layer still recognises them, and a real step that happens to standardise onto the pad value
  in every feature is nudged by :data:`MASK_COLLISION_NUDGE`, or the mask would drop it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import ShapingError

# A real step that standardises onto the pad value is moved this far off it.
MASK_COLLISION_NUDGE = 1e-6
# A standard deviation at or below this (a constant feature) becomes 1.
CONSTANT_STD = 1e-12


@dataclass
class Standardizer:
    """``(x - mean) / std`` per feature; std 0 (a constant feature) becomes 1.

    ``mask_value`` is the pad value when the data are padded for a ``Masking`` layer: steps
    whose features all equal it count as padding when no mask is given, and real steps are
    kept off it.
    """

    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    mask_value: float | None = None

    @property
    def fitted(self) -> bool:
        return self.mean is not None and self.std is not None

    def fit(
        self,
        x: Any,
        mask: np.ndarray | None = None,
        *,
        rows: np.ndarray | None = None,
        chunk_bytes: int | None = None,
    ) -> Standardizer:
        """Learn mean and std of each feature (last axis) over the real steps of ``x[rows]``.

        ``x`` is ``(..., F)`` and may be a memory map; ``rows`` (default: all) index its first
        axis and are read in sorted order, about ``chunk_bytes`` of float64 at a time (default:
        all at once). ``mask`` has shape ``x.shape[:-1]``, True = real step; without it the
        real steps are those not all equal to ``mask_value`` (every step when that is None).
        """
        x = np.asarray(x)  # a memory map stays a view: nothing is read yet
        _check_data(x)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != x.shape[:-1]:
                raise ShapingError(f"The mask has shape {mask.shape} but the data's steps have shape {x.shape[:-1]}.")
        features = x.shape[-1]
        rows = np.arange(x.shape[0], dtype=np.int64) if rows is None else np.sort(np.asarray(rows, dtype=np.int64))
        row_bytes = max(1, int(np.prod(x.shape[1:])) * 8)
        step = max(1, rows.size if chunk_bytes is None else chunk_bytes // row_bytes)
        count, mean, m2 = 0, np.zeros(features), np.zeros(features)
        for start in range(0, rows.size, step):
            idx = rows[start : start + step]
            chunk = np.asarray(x[idx], dtype=np.float64)
            real = self._real_steps(chunk, None if mask is None else mask[idx])
            steps = chunk.reshape(-1, features) if real is None else chunk[real]
            if steps.shape[0] == 0:
                continue
            # Chan et al.'s merge of (count, mean, sum of squared deviations): one pass, stable.
            chunk_mean = steps.mean(axis=0)
            chunk_m2 = np.square(steps - chunk_mean).sum(axis=0)
            total = count + steps.shape[0]
            delta = chunk_mean - mean
            mean = mean + delta * (steps.shape[0] / total)
            m2 = m2 + chunk_m2 + np.square(delta) * (count * steps.shape[0] / total)
            count = total
        std = np.sqrt(m2 / count) if count else np.ones(features)
        self.mean = mean
        self.std = np.where((std > CONSTANT_STD) & np.isfinite(std), std, 1.0)
        return self

    def transform(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """A standardised float32 copy of ``x``; padded steps keep their values exactly.

        ``mask`` (True = real step) defaults to the steps not all equal to ``mask_value``.
        """
        if not self.fitted:
            raise ShapingError("The standardiser has not been fitted on training data yet.")
        assert self.mean is not None and self.std is not None  # fitted
        x = np.asarray(x)
        if x.shape[-1] != self.mean.shape[0]:
            raise ShapingError(f"The standardiser was fitted on {self.mean.shape[0]} features but the data has {x.shape[-1]}.")
        out = ((x - self.mean) / self.std).astype(np.float32)
        real = self._real_steps(x, mask)
        if real is not None:
            out[~real] = x[~real]
            if self.mask_value is not None:
                collided = real & (out == np.float32(self.mask_value)).all(axis=-1)
                if collided.any():
                    out[collided] += np.float32(MASK_COLLISION_NUDGE)
        return out

    def fit_transform(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        return self.fit(x, mask).transform(x, mask)

    def to_dict(self) -> dict[str, Any]:
        if not self.fitted:
            return {"mean": None, "std": None, "mask_value": self.mask_value}
        assert self.mean is not None and self.std is not None  # fitted
        return {"mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std], "mask_value": self.mask_value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Standardizer:
        mean, std, mask_value = data.get("mean"), data.get("std"), data.get("mask_value")
        mask_value = None if mask_value is None else float(mask_value)
        if mean is None or std is None:
            return cls(mask_value=mask_value)
        mean_arr = np.asarray(mean, dtype=np.float64)
        std_arr = np.asarray(std, dtype=np.float64)
        if mean_arr.shape != std_arr.shape or mean_arr.ndim != 1:
            raise ShapingError("The saved standardiser has mismatched mean and std lists.")
        return cls(mean_arr, std_arr, mask_value)

    def _real_steps(self, x: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
        """True = real step: ``mask`` if given, else the steps not all at ``mask_value``."""
        if mask is not None:
            return np.asarray(mask, dtype=bool)
        if self.mask_value is not None:
            return ~(x == self.mask_value).all(axis=-1)
        return None


def _check_data(x: np.ndarray) -> None:
    if x.ndim < 2:
        raise ShapingError("Standardisation needs data with a feature axis, e.g. (samples, timesteps, features).")
    if x.dtype.kind not in "fiub":
        raise ShapingError(f"Standardisation needs numeric features, not {x.dtype} data.")


@dataclass(frozen=True)
class TargetScaling:
    """Mean and standard deviation of each regression target, from the training split.

    The model's output layer then works in standardised units and a final ``Rescaling`` layer
    (``× std + mean``) turns its output back into the targets' units: the optimiser sees
    well-scaled targets (raw accelerometer or GDP values would take thousands of epochs to
    reach from a fresh ``Dense``), while losses, metrics and predictions stay in the units
    people know. Both are plain lists of floats, one per output, so they serialise with the model.
    """

    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def fit(cls, y: np.ndarray) -> TargetScaling:
        """Per-column statistics of ``y`` (samples first; any further axes are outputs)."""
        y = np.asarray(y, dtype=np.float64)
        columns = y.reshape(y.shape[0], -1) if y.ndim > 1 else y.reshape(-1, 1)
        finite = np.isfinite(columns)
        if columns.shape[0] == 0 or not finite.all():
            raise ShapingError("The regression targets hold missing or infinite values; fill or drop them before training.")
        mean = columns.mean(axis=0)
        std = columns.std(axis=0)
        std[~(std > CONSTANT_STD)] = 1.0
        return cls(tuple(float(v) for v in mean), tuple(float(v) for v in std))
