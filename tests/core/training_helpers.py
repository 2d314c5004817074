"""Tiny synthetic data and models shared by the training tests."""

from __future__ import annotations

import numpy as np

from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.training.data import ArrayData


def binary_data(n: int = 80, t: int = 6, f: int = 2, seed: int = 0) -> ArrayData:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t, f)).astype(np.float32)
    y = (x[:, :, 0].mean(axis=1) > 0).astype(np.int64)
    return ArrayData(x, y, "binary", 2)


def tiny_spec(t: int = 6, f: int = 2, task: str = "binary", outputs: int = 1, kind: str = "dense", units: int = 4) -> ModelSpec:
    return ModelSpec(InputSpec(kind, t, f), (RecurrentLayerSpec(units=units),), HeadSpec(task, outputs))
