"""How training talks to whoever watches it: the :class:`Reporter` protocol.

The runner calls a reporter and nothing else, so the same training code serves the
command line (prints lines), the training child process (sends events over a pipe), the
window (through the child) and tests (records everything). Stop and pause are requests the
runner reads from the reporter: :meth:`Reporter.should_stop` is checked before every batch
and :meth:`Reporter.wait_if_paused` blocks there until resumed or stopped.

Epoch numbers given to reporters are 1-based (``1`` is the first epoch), as people count.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Reporter(Protocol):
    def on_train_begin(self, info: dict[str, Any]) -> None: ...

    def on_batch(self, epoch: int, batch: int, total_batches: int | None, logs: dict[str, float]) -> None: ...

    def on_epoch(self, epoch: int, logs: dict[str, float]) -> None: ...

    def on_train_end(self, result: dict[str, Any]) -> None: ...

    def should_stop(self) -> bool: ...

    def wait_if_paused(self) -> None: ...


class TrainingControl:
    """Thread-safe stop/pause state shared by a reporter and whoever controls the run.

    ``wait_if_paused`` sleeps on a condition variable (no polling) and wakes on ``resume`` or
    ``stop``, so a paused run can always be stopped.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._stop = False
        self._paused = False

    def stop(self) -> None:
        with self._condition:
            self._stop = True
            self._condition.notify_all()

    def pause(self) -> None:
        with self._condition:
            self._paused = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._condition.notify_all()

    def reset(self) -> None:
        """Forget a previous run's stop and pause (the next run starts clean)."""
        with self._condition:
            self._stop = False
            self._paused = False
            self._condition.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    def should_stop(self) -> bool:
        return self._stop

    def wait_if_paused(self) -> None:
        with self._condition:
            while self._paused and not self._stop:
                self._condition.wait()


class NullReporter:
    """Reports nothing, never stops, never pauses."""

    def on_train_begin(self, info: dict[str, Any]) -> None:
        pass

    def on_batch(self, epoch: int, batch: int, total_batches: int | None, logs: dict[str, float]) -> None:
        pass

    def on_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        pass

    def on_train_end(self, result: dict[str, Any]) -> None:
        pass

    def should_stop(self) -> bool:
        return False

    def wait_if_paused(self) -> None:
        pass


class RecordingReporter(TrainingControl):
    """Keeps every call, for tests and benchmarks.

    ``stop_after_batches=n`` requests a stop at the check before batch ``n + 1`` (the runner
    calls :meth:`should_stop` once before every batch, unthrottled), so exactly ``n``
    batches run; ``stop_after_epochs=n`` requests it when epoch ``n`` is reported.
    """

    def __init__(self, stop_after_batches: int | None = None, stop_after_epochs: int | None = None) -> None:
        super().__init__()
        self.begin: dict[str, Any] | None = None
        self.batches: list[tuple[int, int, int | None, dict[str, float]]] = []
        self.epochs: list[tuple[int, dict[str, float]]] = []
        self.end: dict[str, Any] | None = None
        self.stop_checks = 0
        self._stop_after_batches = stop_after_batches
        self._stop_after_epochs = stop_after_epochs
        self._lock = threading.Lock()

    def on_train_begin(self, info: dict[str, Any]) -> None:
        self.begin = dict(info)

    def on_batch(self, epoch: int, batch: int, total_batches: int | None, logs: dict[str, float]) -> None:
        with self._lock:
            self.batches.append((epoch, batch, total_batches, dict(logs)))

    def on_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.epochs.append((epoch, dict(logs)))
        if self._stop_after_epochs is not None and len(self.epochs) >= self._stop_after_epochs:
            self.stop()

    def on_train_end(self, result: dict[str, Any]) -> None:
        self.end = dict(result)

    def should_stop(self) -> bool:
        self.stop_checks += 1
        if self._stop_after_batches is not None and self.stop_checks > self._stop_after_batches:
            self.stop()
        return super().should_stop()
