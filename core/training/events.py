"""The messages a training run sends while it runs, as typed events with one wire format.

The training child process sends them over its pipe, ``train --json`` prints them one per
line, the window's training controller reads them, and the window tests' fake child plays
them, all through :func:`encode` and :func:`decode`, so every side sees the same shape.

=========  ==========================================================================
event      wire form (a flat JSON object; ``event`` names the kind)
=========  ==========================================================================
ready      ``{"event": "ready", "seconds", "pid"}``: the child imported TensorFlow
begin      ``{"event": "begin", "epochs", "batch_size", "steps_per_epoch", ...}``
batch      ``{"event": "batch", "epoch", "batch", "total_batches", "logs": {...}}``
epoch      ``{"event": "epoch", "epoch", "loss", "val_loss", ...}``: the logs sit at top
           level, as ``train --json`` has always printed them
end        ``{"event": "done", "history", "best_epoch", "stop_reason", "message", ...}``:
           written ``done``, the name ``train --json`` has always used
failed     ``{"event": "error", "message"}``: one plain sentence; the run is over
log        ``{"event": "log", "level", "message"}``
=========  ==========================================================================

Epoch numbers are 1-based. Everything is plain numbers, strings, lists and dicts (no arrays),
so an encoded event pickles over a pipe and prints as JSON (:func:`to_json` turns NaN and
infinities into ``null``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from core.training.reporter import TrainingControl
from core.wording import json_safe


@dataclass(frozen=True)
class Ready:
    """The training child is warm (TensorFlow imported) and waits for jobs."""

    seconds: float = 0.0
    pid: int | None = None
    kind: ClassVar[str] = "ready"


@dataclass(frozen=True)
class Begin:
    """Training is about to run its first batch; the numbers the run was planned with.

    ``chosen`` names the settings picked from the data's size (``batch_size``, ``patience``...)
    with one sentence each on why (see :mod:`core.training.sizing`); ``baseline`` is what a
    model that learned nothing scores on the validation samples (:mod:`core.training.baseline`).
    """

    epochs: int
    batch_size: int
    steps_per_epoch: int
    train_samples: int
    validation_samples: int
    streaming: bool = False
    monitor: str = "val_loss"
    params: int | None = None
    learning_rate: float | None = None
    patience: int | None = None
    chosen: dict[str, str] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None  # core.training.baseline on the validation samples
    kind: ClassVar[str] = "begin"


@dataclass(frozen=True)
class Batch:
    """A (throttled) report after a training batch; ``batch`` counts from 1 within ``epoch``."""

    epoch: int
    batch: int
    total_batches: int | None
    logs: dict[str, float] = field(default_factory=dict)
    elapsed: float | None = None  # seconds since training began, when the sender timed it
    kind: ClassVar[str] = "batch"


@dataclass(frozen=True)
class Epoch:
    """A complete epoch's logs (a stop in the middle of an epoch sends none for it)."""

    epoch: int
    logs: dict[str, float] = field(default_factory=dict)
    kind: ClassVar[str] = "epoch"


@dataclass(frozen=True)
class End:
    """The run is over: how it ended and what it achieved.

    ``details`` holds the rest of the result (``final``, ``test``, ``baseline``, a confusion
    matrix or prediction sample, ``saved_model``, ``spec``...), written at top level.
    """

    stop_reason: str = "completed"
    message: str = ""
    history: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    epochs_run: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "done"

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> End:
        """An ``End`` from a result dict (``TrainingResult.summary()`` plus extras)."""
        return _flat_decode(cls, dict(result))

    def result(self) -> dict[str, Any]:
        """The result as one flat dict (what the window and sessions keep)."""
        out = dict(self.details)
        out.update(stop_reason=self.stop_reason, message=self.message, history=self.history,
                   best_epoch=self.best_epoch, epochs_run=self.epochs_run)
        return out


@dataclass(frozen=True)
class Failed:
    """The run could not go on; ``message`` is one plain sentence for the user."""

    message: str
    kind: ClassVar[str] = "error"


@dataclass(frozen=True)
class Log:
    """A line for the training log (``level`` ``info``/``warning``/``error``; errors may hold a traceback)."""

    message: str
    level: str = "info"
    kind: ClassVar[str] = "log"


Event = Ready | Begin | Batch | Epoch | End | Failed | Log
EVENT_TYPES: tuple[type[Event], ...] = (Ready, Begin, Batch, Epoch, End, Failed, Log)
_BY_KIND: dict[object, type[Event]] = {cls.kind: cls for cls in EVENT_TYPES}  # looked up with whatever a message holds
_FLAT = {Epoch: "logs", End: "details", Begin: None}  # which field holds the top-level extras


def encode(event: Event) -> dict[str, Any]:
    """The event as a flat, JSON-ready dict with ``"event"`` naming its kind."""
    if type(event) not in _BY_KIND.values():
        raise TypeError(f"not a training event: {event!r}")
    out: dict[str, Any] = {"event": event.kind}
    spread = _FLAT.get(type(event))
    for f in fields(event):
        value = getattr(event, f.name)
        if f.name == spread:
            for key, item in value.items():
                if key != "event":
                    out.setdefault(str(key), item)
        else:
            out[f.name] = value
    return out


def decode(message: dict[str, Any]) -> Event:
    """The typed event of an encoded dict; ``ValueError`` for anything that is not one."""
    if not isinstance(message, dict):
        raise ValueError(f"a training event is a dict, not {type(message).__name__}")
    cls = _BY_KIND.get(message.get("event"))
    if cls is None:
        raise ValueError(f"unknown training event {message.get('event')!r}")
    data = {k: v for k, v in message.items() if k != "event"}
    try:
        if cls is Epoch:
            epoch = int(data.pop("epoch"))
            return Epoch(epoch=epoch, logs=float_logs(data))
        if cls is End:
            return _flat_decode(End, data)
        if cls is Batch:
            total = data.get("total_batches")
            elapsed = data.get("elapsed")
            return Batch(
                epoch=int(data.get("epoch", 1)),
                batch=int(data.get("batch", 0)),
                total_batches=int(total) if total else None,
                logs=float_logs(data.get("logs")),
                elapsed=float(elapsed) if elapsed is not None else None,
            )
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"a malformed {cls.kind!r} training event: {exc}") from exc


def _flat_decode(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)} - {"details"}
    main = {k: data[k] for k in known if k in data}
    details = {k: v for k, v in data.items() if k not in known and k != "event"}
    if "best_epoch" in main and main["best_epoch"] is not None:
        main["best_epoch"] = int(main["best_epoch"])
    if main.get("epochs_run") is None:
        main.pop("epochs_run", None)
    main["message"] = str(main.get("message") or "")
    main["stop_reason"] = str(main.get("stop_reason") or "completed")
    main["history"] = {str(k): [float("nan") if v is None else float(v) for v in values]
                       for k, values in dict(main.get("history") or {}).items()}
    return cls(details=details, **main)


def float_logs(logs: Any) -> dict[str, float]:
    """``logs`` as ``{name: float}``; entries that are not numbers are dropped (``None`` → NaN)."""
    out: dict[str, float] = {}
    for key, value in dict(logs or {}).items():
        if value is None:
            out[str(key)] = math.nan
            continue
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def to_json(event: Event) -> str:
    """One line of strict JSON for ``event`` (how ``train --json`` prints it)."""
    return json.dumps(json_safe(encode(event)), allow_nan=False)


# ---- a reporter that speaks events ---------------------------------------------------------
def begin_from_info(info: dict[str, Any]) -> Begin:
    """The :class:`Begin` event of the runner's ``on_train_begin`` info dict."""
    known = {f.name for f in fields(Begin)}
    return Begin(**{k: v for k, v in info.items() if k in known})


class EventReporter(TrainingControl):
    """A :class:`~core.training.reporter.Reporter` that turns each call into a typed event for ``emit``.

    Stop and pause come from :class:`~core.training.reporter.TrainingControl`. The ``end``
    event is not sent from here: the job sends it once the model is scored and saved.
    """

    def __init__(self, emit: Any) -> None:
        super().__init__()
        self.emit = emit

    def on_train_begin(self, info: dict[str, Any]) -> None:
        self.emit(begin_from_info(info))

    def on_batch(self, epoch: int, batch: int, total_batches: int | None, logs: dict[str, float]) -> None:
        self.emit(Batch(epoch=epoch, batch=batch, total_batches=total_batches, logs=dict(logs)))

    def on_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.emit(Epoch(epoch=epoch, logs=dict(logs)))

    def on_train_end(self, result: dict[str, Any]) -> None:
        pass
