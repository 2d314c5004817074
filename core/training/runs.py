"""The training runs of an exploration, kept to be compared (as TensorBoard keeps its runs).

A :class:`RunRecord` is one finished (or stopped) run: its number, the data file, the settings
that differ between runs (a summary of the model, batch size, epochs, learning rate), its
per-epoch history and its result metrics. The window keeps them in memory, draws earlier runs
faded beside the current one and saves them in the session (``core.session``), so they are
plain JSON-ready values; no model weights and no data are kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from core.model.spec import ModelSpec
from core.wording import json_safe, plural

RESULT_KEYS = ("best_epoch", "stop_reason", "epochs_run", "final", "baseline", "seconds", "message")


def spec_summary(spec: ModelSpec | None) -> str:
    """A model in a few words: ``LSTM 32 → 2 classes``, ``BiGRU 64 + GRU 32 → 3 values``."""
    if spec is None:
        return "no model"
    layers = " + ".join(f"{'Bi' if layer.bidirectional else ''}{layer.kind} {layer.units}" for layer in spec.layers)
    head = spec.head
    if head.task == "binary":
        out = "2 classes"
    elif head.task == "multiclass":
        out = f"{head.n_outputs} classes"
    elif head.task == "sequence":
        out = f"{head.sequence_classes} classes per step" if head.sequence_classes else plural(head.n_outputs, "value") + " per step"
    else:
        out = plural(head.n_outputs, "value")
    if head.hidden_units:
        layers += f" + Dense {head.hidden_units}"
    return f"{layers} → {out}"


@dataclass(frozen=True)
class RunRecord:
    """One training run: what was trained how, and what came of it."""

    number: int
    file: str | None = None
    model: str = ""  # spec_summary of the model trained
    epochs: int = 0  # planned
    batch_size: int | None = None  # None: chosen from the data's size
    learning_rate: float = 0.0
    history: dict[str, list[float]] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_run(cls, number: int, job: Any, history: dict[str, list[float]], result: dict[str, Any] | None,
                 *, batch_size: int | None = None) -> RunRecord:
        """The record of a run of ``job`` (a :class:`~core.training.job.TrainingJob`) and its result;
        ``batch_size`` is the one the run chose when the settings said *auto*."""
        config = job.config
        result = result or {}
        return cls(
            number=int(number),
            file=str(job.path) if getattr(job, "path", None) else None,
            model=spec_summary(job.spec),
            epochs=int(config.epochs),
            batch_size=config.batch_size if config.batch_size is not None else batch_size,
            learning_rate=float(config.learning_rate),
            history={str(k): [float(v) for v in values] for k, values in history.items()},
            result={k: result[k] for k in RESULT_KEYS if k in result},
        )

    @property
    def epochs_run(self) -> int:
        return max((len(v) for v in self.history.values()), default=0)

    def best(self, key: str = "val_loss") -> float | None:
        """The lowest finite ``key`` (or the highest, for accuracy) of the run; None if it has none."""
        values = [v for v in self.history.get(key, []) if math.isfinite(v)]
        if not values:
            return None
        return max(values) if "acc" in key else min(values)

    def label(self) -> str:
        """``Run 2 · LSTM 32 → 2 classes · 14 of 20 epochs · batch 32 · lr 0.001 · best val_loss 0.41``."""
        parts = [f"Run {self.number}", self.model]
        run = self.epochs_run
        parts.append(f"{run} of {self.epochs} epochs" if run != self.epochs else plural(run, "epoch"))
        parts.append(f"batch {self.batch_size or 'auto'}")
        parts.append(f"lr {self.learning_rate:g}")
        for key in ("val_loss", "loss"):
            best = self.best(key)
            if best is not None:
                parts.append(f"best {key} {best:.4g}")
                break
        return " · ".join(part for part in parts if part)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "file": self.file,
            "model": self.model,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "history": {k: [v if math.isfinite(v) else None for v in values] for k, values in self.history.items()},
            "result": json_safe(self.result),
        }

    @classmethod
    def from_dict(cls, data: Any) -> RunRecord:
        """Read a saved record; a wrong type raises ``TypeError``/``ValueError`` naming the field."""
        if not isinstance(data, dict):
            raise TypeError(f"a run should be an object, found {type(data).__name__}")
        number = data.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"a run's number should be a whole number from 1, found {number!r}")
        history: dict[str, list[float]] = {}
        raw_history = data.get("history") or {}
        if not isinstance(raw_history, dict):
            raise TypeError(f"run {number}'s history should be an object, found {type(raw_history).__name__}")
        for key, values in raw_history.items():
            if not isinstance(values, list) or not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
                raise TypeError(f"run {number}'s history {key!r} should be a list of numbers")
            history[str(key)] = [math.nan if v is None else float(v) for v in values]
        batch = data.get("batch_size")
        result = data.get("result") or {}
        if not isinstance(result, dict):
            raise TypeError(f"run {number}'s result should be an object, found {type(result).__name__}")
        return cls(
            number=number,
            file=data.get("file") if isinstance(data.get("file"), str) else None,
            model=str(data.get("model") or ""),
            epochs=int(data.get("epochs") or 0),
            batch_size=int(batch) if isinstance(batch, (int, float)) and not isinstance(batch, bool) else None,
            learning_rate=float(data.get("learning_rate") or 0.0),
            history=history,
            result=result,
        )
