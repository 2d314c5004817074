"""The facts about the loaded data that a user's model is checked against (from the shape plan: nothing allocated)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.dataset import SequenceDataset
from core.doctor import loaded_from_2d
from core.options import PaddingOptions, WindowOptions
from core.shaping.tensorize import plan_shape


@dataclass(frozen=True)
class DataFacts:
    n: int
    t: int
    f: int | None  # None for token ids (N, T)
    tokens: bool
    has_padding: bool
    pad_value: float
    loaded_2d: bool  # the file held a 2-D (samples, timesteps) array; the app added the feature axis
    task: str | None  # "binary", "multiclass", "regression", "sequence" or None
    classes: int | None
    targets: int | None  # regression: values per sample (or per step)
    one_hot: bool  # labels are one-hot rows (stored as multi-output regression)
    shape: tuple[int, ...]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return (self.t,) if self.tokens else (self.t, int(self.f or 1))


def data_facts(dataset: SequenceDataset, padding: PaddingOptions | None = None, window: WindowOptions | None = None) -> DataFacts:
    plan = plan_shape(dataset, padding, window)
    tokens = dataset.kind == "tokens"
    labels = dataset.labels
    task, classes, targets, one_hot = None, None, None, False
    if dataset.kind == "series":
        if plan.window is not None and plan.window.horizon > 0:
            task = "regression"
            targets = len(plan.window.target_cols) if plan.window.target_cols else dataset.n_features
    elif labels is not None:
        task, classes = labels.kind, labels.n_classes
        values = labels.values
        if task in ("regression", "sequence") and classes is None:
            targets = int(values.shape[1]) if values.ndim == 2 else 1
        if task == "regression" and values.ndim == 2 and values.shape[1] > 1 and values.size:
            sample = values[: min(len(values), 10_000)]
            if np.isin(sample, (0, 1)).all() and (sample.sum(axis=1) == 1).all():
                one_hot, classes, task = True, int(values.shape[1]), "multiclass"
    loaded_2d = loaded_from_2d(dataset)
    return DataFacts(
        n=plan.n_samples, t=plan.timesteps, f=None if tokens else plan.n_features, tokens=tokens,
        has_padding=bool(plan.has_mask), pad_value=float(plan.padding.value), loaded_2d=loaded_2d,
        task=task, classes=classes, targets=targets, one_hot=one_hot, shape=tuple(plan.shape))
