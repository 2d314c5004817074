"""Per-feature standardisation that ignores padding and keeps the mask working.

Statistics come from real steps only (padding would drag the mean towards the pad value),
are fitted on the training split only (so validation and test data do not leak into them),
and padded steps keep their pad value after :meth:`Standardizer.transform`, so a
``Masking`` layer still recognises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import ShapingError


@dataclass
class Standardizer:
    """``(x - mean) / std`` per feature; std 0 (a constant feature) becomes 1."""

    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    @property
    def fitted(self) -> bool:
        return self.mean is not None and self.std is not None

    def fit(self, x: np.ndarray, mask: np.ndarray | None = None) -> "Standardizer":
        """Learn mean and std of each feature (last axis) over the steps where ``mask`` is True.

        ``x`` is ``(..., F)``; ``mask`` has shape ``x.shape[:-1]`` (None: every step is real).
        """
        x = np.asarray(x)
        if x.ndim < 2:
            raise ShapingError("Standardisation needs data with a feature axis, e.g. (samples, timesteps, features).")
        if x.dtype.kind not in "fiub":
            raise ShapingError(f"Standardisation needs numeric features, not {x.dtype} data.")
        where = _feature_where(x, mask)
        count = x.size // x.shape[-1] if where is None else int(np.count_nonzero(mask))
        axes = tuple(range(x.ndim - 1))
        if count == 0:
            mean = np.zeros(x.shape[-1])
            std = np.ones(x.shape[-1])
        else:
            mean = np.mean(x, axis=axes, dtype=np.float64, where=True if where is None else where)
            var = np.mean(np.square(x - mean, dtype=np.float64), axis=axes, where=True if where is None else where)
            std = np.sqrt(var)
        std = np.where((std > 0) & np.isfinite(std), std, 1.0)
        self.mean = mean.astype(np.float64)
        self.std = std.astype(np.float64)
        return self

    def transform(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Standardised float32 copy of ``x``; steps where ``mask`` is False keep their values."""
        if not self.fitted:
            raise ShapingError("The standardiser has not been fitted on training data yet.")
        x = np.asarray(x)
        if x.shape[-1] != self.mean.shape[0]:
            raise ShapingError(f"The standardiser was fitted on {self.mean.shape[0]} features but the data has {x.shape[-1]}.")
        out = ((x - self.mean) / self.std).astype(np.float32)
        if mask is not None:
            padded = ~np.asarray(mask, dtype=bool)
            out[padded] = x[padded]
        return out

    def fit_transform(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        return self.fit(x, mask).transform(x, mask)

    def to_dict(self) -> dict[str, Any]:
        if not self.fitted:
            return {"mean": None, "std": None}
        return {"mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Standardizer":
        mean, std = data.get("mean"), data.get("std")
        if mean is None or std is None:
            return cls()
        mean_arr = np.asarray(mean, dtype=np.float64)
        std_arr = np.asarray(std, dtype=np.float64)
        if mean_arr.shape != std_arr.shape or mean_arr.ndim != 1:
            raise ShapingError("The saved standardiser has mismatched mean and std lists.")
        return cls(mean_arr, std_arr)


def _feature_where(x: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    if mask is None:
        return None
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != x.shape[:-1]:
        raise ShapingError(f"The mask has shape {mask.shape} but the data's steps have shape {x.shape[:-1]}.")
    return mask[..., None]
