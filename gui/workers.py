"""Run one function at a time on a background QThread, with progress, cancel and stale-result dropping.

A task is a plain function ``fn(progress, cancelled) -> result`` (Orange3's idea: pure work
plus a small state object), so it can be tested without threads. :class:`BackgroundRunner`
runs it on a fresh ``QThread`` and reports back on the main thread through signals:

* ``progressed(float)`` — 0..1, throttled;
* ``succeeded(object)`` — the function's result;
* ``failed(object)`` — a :class:`TaskFailure` (the exception and its formatted traceback);
* ``cancelled()`` — the task stopped because it was cancelled (it raised ``LoadCancelled``
  or returned after ``cancelled()`` became True);
* ``busyChanged(bool)``.

Only the newest request counts: submitting a new task asks the running one to cancel and
queues the new one; results of superseded tasks are dropped by request id. Results are
delivered only after the thread has fully stopped, so "finished" really means finished.
:meth:`BackgroundRunner.shutdown` cancels and joins, so closing a window never leaves a
running thread behind ("QThread: Destroyed while thread is still running").
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.errors import LoadCancelled

ProgressFn = Callable[[float], None]
CancelledFn = Callable[[], bool]
TaskFn = Callable[[ProgressFn, CancelledFn], Any]

_PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second

# Every run whose thread has started, until that thread has stopped. The runner that started
# it may be deleted with its window first; without this reference the QThread could be
# garbage-collected while running ("QThread: Destroyed while thread is still running").
_LIVE_RUNS: set[_Run] = set()


@dataclass(frozen=True)
class TaskFailure:
    """What went wrong in a task: the exception and its traceback text (for the log only)."""

    error: BaseException
    traceback_text: str


class _Job(QObject):
    """The object that lives in the worker thread and calls the task function."""

    progressed = Signal(int, float)

    def __init__(self, request_id: int, fn: TaskFn) -> None:
        super().__init__()
        self.request_id = request_id
        self._fn = fn
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self.result: Any = None
        self.failure: TaskFailure | None = None
        self.was_cancelled = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report_progress(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_progress >= _PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.progressed.emit(self.request_id, float(fraction))

    @Slot()
    def run(self) -> None:
        try:
            self.result = self._fn(self._report_progress, self.is_cancelled)
            self.was_cancelled = self.is_cancelled()
        except LoadCancelled:
            self.was_cancelled = True
        except BaseException as error:  # noqa: BLE001 - reported to the main thread, never lost
            self.failure = TaskFailure(error, traceback.format_exc())
            if self.is_cancelled():
                self.was_cancelled = True
        finally:
            QThread.currentThread().quit()


class _Run(QObject):
    """Main-thread handle owning one thread and its job until the thread has stopped."""

    def __init__(self, runner: BackgroundRunner, job: _Job) -> None:
        super().__init__()
        self.runner = runner
        self.job = job
        self.thread = QThread()
        self.thread.setObjectName(f"{runner.objectName() or 'background'}-{job.request_id}")
        job.moveToThread(self.thread)
        self.thread.started.connect(job.run)
        self.thread.finished.connect(self._on_thread_finished)
        job.progressed.connect(runner._on_progressed)

    def start(self) -> None:
        _LIVE_RUNS.add(self)
        self.thread.start()

    @Slot()
    def _on_thread_finished(self) -> None:
        self.thread.wait()
        _LIVE_RUNS.discard(self)
        if shiboken6.isValid(self.runner):  # the runner may have been deleted with its window
            self.runner._on_run_finished(self)


class BackgroundRunner(QObject):
    """Runs the newest submitted task on a background thread; see the module docstring."""

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, name: str = "background") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._next_id = 0
        self._current_id = 0
        self._running: _Run | None = None
        self._pending: _Job | None = None
        self._orphans: list[_Run] = []  # runs abandoned by shutdown(timeout) that must still be joined
        self._shut_down = False

    # ---- state ---------------------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        return self._running is not None or self._pending is not None

    def running_thread(self) -> QThread | None:
        """The thread currently running a task (for tests and diagnostics)."""
        return self._running.thread if self._running is not None else None

    # ---- commands ----------------------------------------------------------------------------
    def submit(self, fn: TaskFn) -> int:
        """Run ``fn(progress, cancelled)`` in the background; supersedes any earlier request."""
        if self._shut_down:
            raise RuntimeError("the background runner has been shut down")
        was_busy = self.is_busy
        self._next_id += 1
        self._current_id = self._next_id
        if self._running is not None:
            self._running.job.cancel()
        self._pending = _Job(self._current_id, fn)
        if self._running is None:
            self._start_pending()
        if not was_busy:
            self.busyChanged.emit(True)
        return self._current_id

    def cancel(self) -> None:
        """Stop the current request; ``cancelled`` is emitted once (now, or when the task has stopped)."""
        if self._pending is not None:
            # The newest request never started: it is cancelled now; an older one still running is ignored.
            self._pending = None
            self._current_id = -self._current_id
            self.cancelled.emit()
            if self._running is not None:
                self._running.job.cancel()
            else:
                self.busyChanged.emit(False)
            return
        if self._running is not None:
            self._running.job.cancel()

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Cancel everything and join the thread. Returns False if it did not stop in time."""
        self._shut_down = True
        self._pending = None
        self._current_id = -1  # nothing that is still running is wanted any more
        run = self._running
        if run is None:
            return True
        run.job.cancel()
        stopped = run.thread.wait() if timeout_ms is None else run.thread.wait(int(timeout_ms))
        if stopped:
            self._running = None  # its queued "finished" is ignored: it is no longer the running one
        else:
            self._orphans.append(run)
        return bool(stopped)

    # ---- internals -------------------------------------------------------------------------------
    def _start_pending(self) -> None:
        job, self._pending = self._pending, None
        if job is None:
            return
        self._running = _Run(self, job)
        self._running.start()

    @Slot(int, float)
    def _on_progressed(self, request_id: int, fraction: float) -> None:
        if request_id == self._current_id and shiboken6.isValid(self):
            self.progressed.emit(fraction)

    def _on_run_finished(self, run: _Run) -> None:
        if run in self._orphans:
            self._orphans.remove(run)
            return
        if run is not self._running:
            return
        self._running = None
        job = run.job
        current = job.request_id == self._current_id
        if self._pending is not None and not self._shut_down:
            self._start_pending()
        if current:
            if job.was_cancelled or job.is_cancelled():  # a result that arrives after Cancel is not wanted
                self.cancelled.emit()
            elif job.failure is not None:
                self.failed.emit(job.failure)
            else:
                self.succeeded.emit(job.result)
        if not self.is_busy:
            self.busyChanged.emit(False)
