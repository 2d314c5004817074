"""The training hyper-parameters, as one plain JSON-friendly record.

The window's training panel, the ``train`` command, sessions, exported scripts and the
training child process all read the same :class:`TrainingConfig`, so "the same defaults as
the app" is true by construction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from core.errors import TrainingError

OPTIMIZER_NAMES = ("adam", "adamw", "nadam", "rmsprop", "sgd")


@dataclass(frozen=True)
class TrainingConfig:
    """How to fit the model.

    ``validation_split`` is the share of samples held out (a seeded, class-stratified
    shuffle; windows of one series are split in time order instead, so no future leaks into
    training). ``validation_file`` replaces the split with a separate file shaped the same
    way. ``standardize`` scales float features with the training split's mean and standard
    deviation inside the model (its ``standardize`` Normalization layer, after ``Masking`` on
    the raw pad value, so the mask still sees padded steps and a saved model takes raw data);
    token ids are never scaled. ``memory_budget`` (bytes, ``None`` = the app's budget) decides when training
    streams batches from disk instead of copying the data into memory.

    ``batch_size=None`` and ``patience=None`` (the defaults) are chosen from the data's size
    when a run starts (:func:`core.training.sizing.resolve`: 32 and 8 for ordinary data,
    smaller batches and a longer patience for small data).
    """

    epochs: int = 50
    batch_size: int | None = None
    learning_rate: float = 1e-3
    validation_split: float = 0.2
    early_stopping: bool = True
    patience: int | None = None
    seed: int = 0
    standardize: bool = True
    shuffle: bool = True
    optimizer: str = "adam"
    validation_file: str | None = None
    memory_budget: int | None = None

    def validate(self) -> TrainingConfig:
        """Raise :class:`TrainingError` with a plain sentence for a setting that cannot work."""
        if not _is_whole(self.epochs) or self.epochs < 1:
            raise TrainingError(f"Epochs must be a whole number of at least 1, not {self.epochs!r}.")
        if self.batch_size is not None and (not _is_whole(self.batch_size) or self.batch_size < 1):
            raise TrainingError(f"The batch size must be a whole number of at least 1, not {self.batch_size!r}.")
        if not _is_number(self.learning_rate) or not 0.0 < float(self.learning_rate) <= 10.0:
            raise TrainingError(f"The learning rate must be a number above 0 (typically 0.001), not {self.learning_rate!r}.")
        if not _is_number(self.validation_split) or not 0.0 <= float(self.validation_split) < 1.0:
            raise TrainingError(
                f"The validation split must be at least 0 and below 1 (0.2 holds out a fifth), not {self.validation_split!r}."
            )
        if self.patience is not None and (not _is_whole(self.patience) or self.patience < 0):
            raise TrainingError(f"Patience must be a whole number of epochs, 0 or more, not {self.patience!r}.")
        if not _is_whole(self.seed) or self.seed < 0:
            raise TrainingError(f"The seed must be a whole number, 0 or more, not {self.seed!r}.")
        if str(self.optimizer).lower() not in OPTIMIZER_NAMES:
            raise TrainingError(f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZER_NAMES)}.")
        if self.memory_budget is not None and (not _is_whole(self.memory_budget) or self.memory_budget < 1):
            raise TrainingError(f"The memory budget must be a positive number of bytes, not {self.memory_budget!r}.")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_changes(self, **changes: Any) -> TrainingConfig:
        return replace(self, **changes)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number and number not in (float("inf"), float("-inf"))
