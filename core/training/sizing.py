"""Training settings chosen from the data's size: what ``batch_size=None`` and ``patience=None`` mean.

An optimiser learns per gradient step, not per epoch. With the textbook batch of 32 and
patience of 8 epochs, 40 training samples get 2 steps an epoch, and early stopping gives up
after 16 steps on a 10-sample validation split (GunPoint stopped at epoch 10, best epoch 2,
test accuracy 0.47, while a plain 50-epoch script reached 0.80). So, unless set by the user:

* **batch size**: the largest of 32, 16 and 8 that still gives at least
  ``MIN_BATCHES_PER_EPOCH`` (3) batches an epoch; 32 from 96 training samples on.
* **patience**: enough epochs for ``PATIENCE_STEPS`` (100) gradient steps without
  improvement, and never fewer than ``MIN_PATIENCE`` (8) epochs, nor more than ``epochs``.
  From 416 training samples on (13 batches of 32) that is the usual 8.

Large data get exactly the usual settings; small data get more, smaller steps in the same
number of epochs and an early stop that waits a fixed amount of learning, not of epochs.
Everything else (50 epochs, Adam 1e-3, a 20 % stratified validation split, best weights
restored) stays. :func:`resolve` is the one place the rule lives; the runner, the checks,
the exported script and the window all see its result.

Measured and not adopted (README, "Defaults on small data"): refitting a fresh model on all
the training data for the best epoch count. On GunPoint the LSTM sits on a loss plateau until
epoch 30-45, and the refit, for the same count, often never leaves it (with the LSTM(32) of
then: 0.53 mean test accuracy over three seeds, against 0.86 without it and 0.71 for the plain
script). What closed the last gap (ArrowHead) was the default model's size
(:data:`core.model.defaults.DEFAULT_UNITS`, 64 like the plain script's), not a sizing rule.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from core.tensor_data import TensorData
from core.training.config import TrainingConfig

BATCH_CHOICES = (32, 16, 8)
MIN_BATCHES_PER_EPOCH = 3
PATIENCE_STEPS = 100
MIN_PATIENCE = 8


def validation_count(n_samples: int, validation_split: float) -> int:
    """Samples held out: at least one when a split is asked for (the rest train)."""
    if validation_split <= 0 or n_samples == 0:
        return 0
    return min(n_samples, max(1, int(round(n_samples * validation_split))))


def training_samples(n_samples: int, config: TrainingConfig, *, validation_given: bool = False) -> int:
    """How many of ``n_samples`` train (the rest validate), as the split will make it."""
    if validation_given or config.validation_file:
        return int(n_samples)
    return max(0, int(n_samples) - validation_count(int(n_samples), float(config.validation_split)))


def auto_batch_size(n_train: int) -> int:
    """The largest of 32, 16, 8 giving at least three batches an epoch (8 for fewer than 24 samples)."""
    for size in BATCH_CHOICES:
        if n_train >= MIN_BATCHES_PER_EPOCH * size:
            return size
    return BATCH_CHOICES[-1]


def auto_patience(steps_per_epoch: int, epochs: int) -> int:
    """Epochs holding ``PATIENCE_STEPS`` gradient steps, at least ``MIN_PATIENCE``, at most ``epochs``."""
    wanted = max(MIN_PATIENCE, math.ceil(PATIENCE_STEPS / max(1, steps_per_epoch)))
    return int(min(wanted, max(1, int(epochs))))


def resolve(config: TrainingConfig, n_samples: int, *, validation_given: bool = False) -> tuple[TrainingConfig, dict[str, str]]:
    """``config`` with every automatic setting (``None``) made concrete for ``n_samples`` samples.

    Returns the concrete config and, for each setting that was chosen here, one sentence
    saying what was chosen and why (shown in the log and printed by ``train``).
    """
    n_train = training_samples(n_samples, config, validation_given=validation_given)
    chosen: dict[str, str] = {}
    changes: dict[str, Any] = {}
    batch = config.batch_size
    if batch is None:
        batch = auto_batch_size(n_train)
        changes["batch_size"] = batch
        if batch != BATCH_CHOICES[0]:
            chosen["batch_size"] = (
                f"Batch size {batch}, chosen for {n_train} training samples so that each epoch takes "
                f"{math.ceil(n_train / batch)} gradient steps (32 would give {math.ceil(n_train / 32)})."
            )
    if config.patience is None:
        steps = max(1, math.ceil(n_train / int(batch)))
        patience = auto_patience(steps, int(config.epochs))
        changes["patience"] = patience
        if config.early_stopping and patience != MIN_PATIENCE:
            per_epoch = f"{steps} step{'s' if steps != 1 else ''} an epoch"
            wanted = math.ceil(PATIENCE_STEPS / steps)
            chosen["patience"] = (
                f"Early-stopping patience {patience} epochs, about {PATIENCE_STEPS} gradient steps at {per_epoch}."
                if patience == wanted
                else f"Early-stopping patience {patience} epochs: all of them, as {PATIENCE_STEPS} gradient steps "
                f"would take {wanted} epochs at {per_epoch}."
            )
    return (replace(config, **changes) if changes else config), chosen


def resolve_for(config: TrainingConfig, shaped: TensorData | None, validation: TensorData | None = None) -> tuple[TrainingConfig, dict[str, str]]:
    """:func:`resolve` for shaped data (and a separate validation set, when there is one)."""
    n = int(shaped.x.shape[0]) if shaped is not None else 0
    return resolve(config, n, validation_given=validation is not None)


DEMO_STEPS = 150  # gradient steps a demo run (``--autoplay``) takes, so its curves visibly move
DEMO_EPOCHS = (5, 40)


def demo_epochs(n_samples: int, config: TrainingConfig | None = None) -> int:
    """Epochs for a short demonstration run: about ``DEMO_STEPS`` gradient steps, 5 to 40 epochs.

    Five epochs of 32 BasicMotions samples were five gradient steps: a flat line. Counting
    steps instead gives small data more epochs and big data fewer.
    """
    config = config or TrainingConfig()
    resolved, _ = resolve(config, n_samples)
    assert resolved.batch_size is not None  # resolve made it concrete
    steps = max(1, math.ceil(training_samples(n_samples, resolved) / int(resolved.batch_size)))
    low, high = DEMO_EPOCHS
    return int(min(high, max(low, math.ceil(DEMO_STEPS / steps))))
