"""A stand-in for :class:`core.training.child.TrainingProcess` that plays scripted events.

Same methods as the real child (``submit``, ``poll_events``, ``stop``, ``pause``, ``resume``,
``kill``, ``close``, ``is_alive``) so the controller and panels can be tested without
TensorFlow. The scripts are the typed events of :mod:`core.training.events`, encoded with
the same :func:`~core.training.events.encode` the real child uses, so the window sees the
real message shape. Every ``poll_events`` call hands out at most ``per_poll`` events of the
current script; a paused fake hands out nothing; a stopped one ends the run with
``stop_reason="user"`` after the last complete epoch (unless ``ignore_stop``, which plays a
hung child).
"""

from __future__ import annotations

import math
import threading
from typing import Any

from core.training import events as ev


def scripted_run(
    epochs: int = 3,
    batches: int = 4,
    *,
    task: str = "binary",
    nan_at_epoch: int | None = None,
    error: str | None = None,
    error_at_epoch: int | None = None,
) -> list[dict[str, Any]]:
    """The events a real child sends for a tiny run: begin, batches, epochs, end (or failed), encoded."""
    classification = task in ("binary", "multiclass")
    if classification:
        baseline = {"name": "majority class", "description": "always predicting the most common training class, 'pos'",
                    "majority_class": "pos", "chance_accuracy": 0.5, "val": {"accuracy": 0.6, "loss": 0.67}}
    else:
        baseline = {"name": "training mean", "description": "predicting the training samples' mean target for every sample",
                    "val": {"loss": 0.12, "mae": 0.3}}
    script: list[Any] = [
        ev.Begin(epochs=epochs, batch_size=32, steps_per_epoch=batches, train_samples=40, validation_samples=10, monitor="val_loss",
                 baseline=baseline)
    ]
    history: dict[str, list[float]] = {"loss": [], "val_loss": []}
    if classification:
        history.update(accuracy=[], val_accuracy=[])
    elapsed = 0.0
    for epoch in range(1, epochs + 1):
        if error is not None and error_at_epoch == epoch:
            script.append(ev.Failed(error))
            return [ev.encode(e) for e in script]
        nan = nan_at_epoch is not None and epoch >= nan_at_epoch
        loss = math.nan if nan else 1.0 / epoch
        for batch in range(1, batches + 1):  # 1-based, as the real child sends
            elapsed += 0.01
            script.append(ev.Batch(epoch=epoch, batch=batch, total_batches=batches, elapsed=elapsed, logs={"loss": loss * (1.3 - 0.3 * batch / batches)}))
        logs = {"loss": loss, "val_loss": math.nan if nan else 1.2 / epoch + (0.3 if epoch == epochs else 0.0)}
        if classification:
            logs.update(accuracy=min(0.99, 0.5 + 0.1 * epoch), val_accuracy=min(0.99, 0.45 + 0.1 * epoch))
        for key, value in logs.items():
            history[key].append(value)
        script.append(ev.Epoch(epoch=epoch, logs=logs))
        if nan:
            script.append(
                ev.End(
                    stop_reason="nan_loss",
                    message=f"The loss became NaN (not a number) in epoch {epoch}, so training stopped and kept the last good weights: try a lower learning rate or standardised inputs.",
                    history=history,
                    best_epoch=epoch - 1 if epoch > 1 else None,
                    epochs_run=epoch,
                    details={"stopped_early": True, "final": {}},
                )
            )
            return [ev.encode(e) for e in script]
    val = history["val_loss"]
    best = int(min(range(len(val)), key=val.__getitem__)) + 1
    details: dict[str, Any] = {
        "stopped_early": False,
        "final": {k: v[best - 1] for k, v in history.items()},
        "seconds": elapsed,
        "n_train": 40,
        "n_val": 10,
    }
    details["baseline"] = baseline
    if classification:
        details.update(confusion_matrix=[[4, 1], [2, 3]], class_names=["neg", "pos"])
    else:
        details.update(predictions=[[0.1 * i + 0.05, 0.1 * i] for i in range(10)])
    script.append(ev.End(stop_reason="completed", message=f"Trained for {epochs} epochs.", history=history, best_epoch=best, epochs_run=epochs, details=details))
    return [ev.encode(e) for e in script]


class FakeTrainingProcess:
    """Plays ``script_for(job)`` (default :func:`scripted_run`) one slice per poll."""

    instances: list[FakeTrainingProcess] = []

    def __init__(
        self,
        script_for=None,
        *,
        per_poll: int = 3,
        ignore_stop: bool = False,
        ready: bool = True,
    ) -> None:
        self._script_for = script_for or (lambda job: scripted_run())
        self._per_poll = per_poll
        self._ignore_stop = ignore_stop
        self._lock = threading.Lock()
        self._pending: list[dict[str, Any]] = [ev.encode(ev.Ready())] if ready else []
        self._running = False
        self._paused = False
        self._alive = True
        self._sent_epochs: list[ev.Epoch] = []
        self.exitcode: int | None = None
        self.jobs: list[Any] = []
        self.commands: list[str] = []
        self.closed = False
        FakeTrainingProcess.instances.append(self)

    # ---- the TrainingProcess interface ----------------------------------------------------------
    def submit(self, job: Any) -> None:
        with self._lock:
            if not self._alive:
                raise BrokenPipeError("the fake child is dead")
            self.jobs.append(job)
            self._pending.extend(self._script_for(job))
            self._running = True

    def poll_events(self, timeout: float = 0.0) -> list[dict[str, Any]]:
        with self._lock:
            if not self._alive or self._paused:
                return []
            out, self._pending = self._pending[: self._per_poll], self._pending[self._per_poll :]
            for message in out:
                event = ev.decode(message)  # the fake sends only what decodes, as the real child
                if isinstance(event, ev.Begin):
                    self._sent_epochs = []
                elif isinstance(event, ev.Epoch):
                    self._sent_epochs.append(event)
            if any(e["event"] in (ev.End.kind, ev.Failed.kind) for e in out):
                self._running = False
            return out

    def stop(self) -> None:
        with self._lock:
            self.commands.append("stop")
            self._paused = False
            if self._ignore_stop or not self._running:
                return
            # The real child honours a stop within a batch and keeps the complete epochs only:
            # drop the rest of the script, end as "user" with the history of the epochs sent.
            sent = self._sent_epochs
            remaining = [e for e in self._pending if e["event"] == ev.Epoch.kind]
            history: dict[str, list[float]] = {}
            for epoch in sent:
                for key, value in epoch.logs.items():
                    history.setdefault(key, []).append(value)
            n = len(sent)
            self._pending = [
                ev.encode(ev.End(stop_reason="user", message=f"Stopped on request after {n} epoch{'s' if n != 1 else ''}.",
                                 history=history, best_epoch=None, epochs_run=n,
                                 details={"stopped_early": True, "remaining_epochs": len(remaining)}))
            ]

    def pause(self) -> None:
        with self._lock:
            self.commands.append("pause")
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self.commands.append("resume")
            self._paused = False

    def kill(self) -> None:
        with self._lock:
            self.commands.append("kill")
            self._alive = False
            self.exitcode = -9

    def close(self) -> None:
        with self._lock:
            self.commands.append("close")
            self.closed = True
            self._alive = False
            if self.exitcode is None:
                self.exitcode = 0

    def is_alive(self) -> bool:
        return self._alive

    # ---- test helpers ---------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return len(self._pending)
