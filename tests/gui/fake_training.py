"""A stand-in for :class:`core.training.child.TrainingProcess` that plays scripted events.

Same methods as the real child (``submit``, ``poll_events``, ``stop``, ``pause``, ``resume``,
``kill``, ``close``, ``is_alive``) so the controller and panels can be tested without
TensorFlow. Every ``poll_events`` call hands out at most ``per_poll`` events of the current
script; a paused fake hands out nothing; a stopped one ends the run with
``stop_reason="user"`` (unless ``ignore_stop``, which plays a hung child).
"""

from __future__ import annotations

import math
import threading
from typing import Any


def scripted_run(
    epochs: int = 3,
    batches: int = 4,
    *,
    task: str = "binary",
    nan_at_epoch: int | None = None,
    error: str | None = None,
    error_at_epoch: int | None = None,
) -> list[dict[str, Any]]:
    """The events a real child sends for a tiny run: begin, batches, epochs, end (or error)."""
    events: list[dict[str, Any]] = [
        {"event": "begin", "info": {"epochs": epochs, "steps_per_epoch": batches, "train_samples": 40, "validation_samples": 10, "monitor": "val_loss"}}
    ]
    history: dict[str, list[float]] = {"loss": [], "val_loss": []}
    classification = task in ("binary", "multiclass")
    if classification:
        history.update(accuracy=[], val_accuracy=[])
    elapsed = 0.0
    for epoch in range(1, epochs + 1):
        if error is not None and error_at_epoch == epoch:
            events.append({"event": "error", "message": error})
            return events
        nan = nan_at_epoch is not None and epoch >= nan_at_epoch
        loss = math.nan if nan else 1.0 / epoch
        for batch in range(1, batches + 1):  # 1-based, as the real child sends
            elapsed += 0.01
            events.append(
                {"event": "batch", "epoch": epoch, "batch": batch, "total_batches": batches, "elapsed": elapsed, "logs": {"loss": loss * (1.3 - 0.3 * batch / batches)}}
            )
        logs = {"loss": loss, "val_loss": math.nan if nan else 1.2 / epoch + (0.3 if epoch == epochs else 0.0)}
        if classification:
            logs.update(accuracy=min(0.99, 0.5 + 0.1 * epoch), val_accuracy=min(0.99, 0.45 + 0.1 * epoch))
        for key, value in logs.items():
            history[key].append(value)
        events.append({"event": "epoch", "epoch": epoch, "logs": logs})
        if nan:
            events.append(
                {
                    "event": "end",
                    "result": {
                        "history": history,
                        "best_epoch": epoch - 1 if epoch > 1 else None,
                        "stop_reason": "nan_loss",
                        "stopped_early": True,
                        "epochs_run": epoch,
                        "message": f"The loss became NaN (not a number) in epoch {epoch}, so training stopped and kept the last good weights: try a lower learning rate or standardised inputs.",
                        "final": {},
                    },
                }
            )
            return events
    val = history["val_loss"]
    best = int(min(range(len(val)), key=val.__getitem__)) + 1
    result: dict[str, Any] = {
        "history": history,
        "best_epoch": best,
        "stop_reason": "completed",
        "stopped_early": False,
        "epochs_run": epochs,
        "message": f"Trained for {epochs} epochs.",
        "final": {k: v[best - 1] for k, v in history.items()},
        "seconds": elapsed,
        "n_train": 40,
        "n_val": 10,
    }
    if classification:
        result["validation"] = {"confusion_matrix": [[4, 1], [2, 3]], "class_names": ["neg", "pos"]}
    else:
        result["validation"] = {"predictions": [[0.1 * i + 0.05, 0.1 * i] for i in range(10)]}
    events.append({"event": "end", "result": result})
    return events


class FakeTrainingProcess:
    """Plays ``script_for(job)`` (default :func:`scripted_run`) one slice per poll."""

    instances: list["FakeTrainingProcess"] = []

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
        self._pending: list[dict[str, Any]] = [{"event": "ready"}] if ready else []
        self._running = False
        self._paused = False
        self._alive = True
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
            if any(e["event"] in ("end", "error") for e in out):
                self._running = False
            return out

    def stop(self) -> None:
        with self._lock:
            self.commands.append("stop")
            self._paused = False
            if self._ignore_stop or not self._running:
                return
            # The real child honours a stop within a batch: drop the rest, end as "user".
            epochs = [e for e in self._pending if e["event"] == "epoch"]
            self._pending = [
                {
                    "event": "end",
                    "result": {"history": {}, "best_epoch": None, "stop_reason": "user", "stopped_early": True, "message": "Stopped on request.", "epochs_run": 0, "remaining_epochs": len(epochs)},
                }
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
