"""Training from the window: a worker thread that drives a warm training subprocess.

Keras in a thread of the GUI process stalls the event loop (graph tracing holds the GIL) and
slows small models down, so training runs in a child process
(:class:`core.training.child.TrainingProcess`) that imports TensorFlow as soon as the window
starts and then waits for jobs. A :class:`TrainingWorker` living on a ``QThread`` owns that
child: it submits jobs, forwards stop/pause/resume as messages, polls the child's events
every few milliseconds, and turns them into Qt signals carrying plain numbers and dicts. It
also watches the child: a child that dies is reported and replaced; one that ignores a stop
request is killed and replaced.

:class:`TrainingController` is the main-thread face of the worker. The panels talk only to
it. It allows one run at a time, numbers the runs, and drops any event that belongs to a run
other than the current one, so a late event from a stopped run cannot touch a new one.
Cross-thread traffic uses signals connected to bound slots (queued connections), never
lambdas or direct calls.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from core.training import events

log = logging.getLogger(__name__)

ProcessFactory = Callable[[], Any]

# Run states seen by the panels.
IDLE = "idle"
STARTING = "starting"  # job submitted, waiting for the child's "begin"
RUNNING = "running"
PAUSED = "paused"
STOPPING = "stopping"

# Child states.
CHILD_STARTING = "starting"  # importing TensorFlow
CHILD_READY = "ready"
CHILD_CRASHED = "crashed"
CHILD_FAILED = "failed"  # crashed again and again while starting: given up
CHILD_CLOSED = "closed"

MAX_RESTARTS_WITHOUT_READY = 3
CHILD_NICENESS = int(os.environ.get("SHAPE_EXPLORER_CHILD_NICENESS", "10"))  # 0 turns it off


def default_process_factory() -> Any:
    """A new warm training child (imported lazily so the window starts without it)."""
    from core.training.child import TrainingProcess

    return TrainingProcess()


class TrainingWorker(QObject):
    """Owns the training child; lives on the controller's worker thread.

    Every signal's first argument is the run id the event belongs to (0 for events about
    the child itself), so the controller can drop stale ones.
    """

    childState = Signal(str, str)  # state, message
    runBegan = Signal(int, object)  # run id, events.Begin
    batchProgress = Signal(int, object)  # run id, events.Batch (``elapsed`` filled in)
    epochEnded = Signal(int, int, object)  # run id, epoch (1-based), logs
    runFinished = Signal(int, object)  # run id, result dict
    runFailed = Signal(int, str)  # run id, one plain sentence
    logMessage = Signal(int, str)
    shutDown = Signal()

    def __init__(
        self,
        process_factory: ProcessFactory,
        *,
        poll_interval_ms: int = 40,
        stop_grace_s: float = 20.0,
        silence_timeout_s: float = 600.0,
        child_niceness: int = 0,
    ) -> None:
        super().__init__()
        self._factory = process_factory
        self._child_niceness = child_niceness
        self._poll_interval_ms = poll_interval_ms
        self._stop_grace_s = stop_grace_s
        self._silence_timeout_s = silence_timeout_s
        self._process: Any = None
        self._timer: QTimer | None = None
        self._run_id = 0  # the run the child is working on; 0 = none
        self._last_event = 0.0
        self._began_at: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0  # seconds spent paused this run (not part of the ETA)
        self._paused = False
        self._stop_requested_at: float | None = None
        self._restarts_without_ready = 0
        self._child_ready = False
        self._closed = False

    # ---- lifetime (called on the worker thread) ---------------------------------------------
    @Slot()
    def initialise(self) -> None:
        """Start polling and spawn the warm child (connected to ``QThread.started``)."""
        self._timer = QTimer(self)
        self._timer.setInterval(self._poll_interval_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()
        self._spawn_child()

    @Slot()
    def shutdown(self) -> None:
        """Stop polling, close the child (stopping any run), then end the thread's event loop."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.stop()
        process, self._process = self._process, None
        if process is not None:
            if self._child_ready:
                _close_process(process)  # it reads the close message and exits by itself
            else:
                _kill_process(process)  # still importing TensorFlow: it would not read messages yet
        if self._run_id:
            self.runFinished.emit(self._run_id, {"stop_reason": "user", "message": "Training was stopped because the window closed."})
            self._run_id = 0
        self.childState.emit(CHILD_CLOSED, "")
        self.shutDown.emit()
        thread = self.thread()
        if thread is not None:
            thread.quit()

    # ---- commands (queued from the controller) ----------------------------------------------
    @Slot(int, object)
    def submit(self, run_id: int, job: Any) -> None:
        if self._closed:
            self.runFailed.emit(run_id, "The training process is shutting down.")
            return
        if self._run_id:
            self.runFailed.emit(run_id, "Another training run is still going; stop it first.")
            return
        if self._process is None or not _alive(self._process):
            self._spawn_child()
        if self._process is None:
            self.runFailed.emit(run_id, "The training process could not be started, so nothing was trained.")
            return
        self._run_id = run_id
        self._last_event = time.monotonic()
        self._paused = False
        self._stop_requested_at = None
        self._began_at = None
        self._paused_at = None
        self._paused_total = 0.0
        try:
            accepted = self._process.submit(job) is not False
        except Exception as exc:  # noqa: BLE001 - a broken pipe to a dead child
            log.warning("submitting a job failed: %r", exc)
            accepted = False
        if not accepted:
            self._run_id = 0
            self.runFailed.emit(run_id, "The training process did not accept the job; it is being restarted, try again.")
            self._replace_child("it did not accept a job")

    @Slot(int)
    def stop(self, run_id: int) -> None:
        if run_id != self._run_id or self._process is None:
            return
        if self._stop_requested_at is None:
            self._stop_requested_at = time.monotonic()
        self._paused = False
        self._send(self._process.stop)

    @Slot(int)
    def pause(self, run_id: int) -> None:
        if run_id == self._run_id and self._process is not None:
            self._paused = True
            self._paused_at = time.monotonic()
            self._send(self._process.pause)

    @Slot(int)
    def resume(self, run_id: int) -> None:
        if run_id == self._run_id and self._process is not None:
            self._paused = False
            self._last_event = time.monotonic()
            if self._paused_at is not None:
                self._paused_total += self._last_event - self._paused_at
                self._paused_at = None
            self._send(self._process.resume)

    @Slot()
    def kill_child(self) -> None:
        """Kill the child outright (tests and the "stuck" case); the poll loop replaces it."""
        if self._process is not None:
            self._send(self._process.kill)

    # ---- the poll loop ------------------------------------------------------------------------
    @Slot()
    def _poll(self) -> None:
        process = self._process
        if process is None or self._closed:
            return
        try:
            events = process.poll_events(0.0)
        except (EOFError, OSError) as exc:  # the pipe broke: the child is gone
            log.info("training child pipe closed: %r", exc)
            events = []
        for event in events:
            self._handle(event)
            if self._process is not process:  # the event handler replaced the child
                return
        now = time.monotonic()
        if not _alive(process):
            self._child_died(process)
        elif self._run_id and self._stop_requested_at is not None and now - self._stop_requested_at > self._stop_grace_s:
            self._finish_hung_run(f"it did not stop within {self._stop_grace_s:.0f} seconds of being asked")
        elif self._run_id and not self._paused and now - self._last_event > self._silence_timeout_s:
            self._finish_hung_run(f"it sent nothing for {self._silence_timeout_s:.0f} seconds")

    def _handle(self, message: dict[str, Any]) -> None:
        """One encoded event from the child (:mod:`core.training.events`), as a signal."""
        self._last_event = time.monotonic()
        try:
            event = events.decode(message)
        except ValueError as exc:  # a child of another version, or a bug: log it, keep going
            log.warning("ignoring a training message: %s", exc)
            return
        if isinstance(event, events.Ready):
            self._child_ready = True
            self._restarts_without_ready = 0
            self.childState.emit(CHILD_READY, "")
            return
        if isinstance(event, events.Log):
            self.logMessage.emit(self._run_id, event.message)
            return
        run_id = self._run_id
        if not run_id:
            return  # an event for no run (after a watchdog restart, say): stale
        if isinstance(event, events.Begin):
            self._began_at = self._last_event
            self.runBegan.emit(run_id, event)
        elif isinstance(event, events.Batch):
            if self._began_at is None:
                self._began_at = self._last_event
            if event.elapsed is None:  # the child does not time batches; the worker does
                event = replace(event, elapsed=self._last_event - self._began_at - self._paused_total)
            self.batchProgress.emit(run_id, event)
        elif isinstance(event, events.Epoch):
            self.epochEnded.emit(run_id, event.epoch, dict(event.logs))
        elif isinstance(event, events.End):
            self._run_id = 0
            self._stop_requested_at = None
            self.runFinished.emit(run_id, event.result())
        elif isinstance(event, events.Failed):
            self._run_id = 0
            self._stop_requested_at = None
            self.runFailed.emit(run_id, event.message or "Training failed for an unknown reason.")

    # ---- child supervision --------------------------------------------------------------------
    def _spawn_child(self) -> None:
        self._child_ready = False
        self.childState.emit(CHILD_STARTING, "")
        try:
            self._process = self._factory()
        except Exception as exc:
            log.exception("could not start the training child")
            self._process = None
            self.childState.emit(CHILD_FAILED, f"The training process could not be started ({exc}).")
            return
        _lower_priority(getattr(self._process, "pid", None), self._child_niceness)

    def _child_died(self, process: Any) -> None:
        code = getattr(process, "exitcode", None)
        detail = f" (exit code {code})" if code is not None else ""
        if self._run_id:
            run_id, self._run_id = self._run_id, 0
            self._stop_requested_at = None
            self.runFailed.emit(
                run_id,
                f"The training process stopped unexpectedly{detail}, so this run ended; a fresh one is starting — "
                "try a smaller batch size or model if it keeps happening.",
            )
        self._restarts_without_ready += 1
        if self._restarts_without_ready > MAX_RESTARTS_WITHOUT_READY:
            _close_process(process)
            self._process = None
            self.childState.emit(
                CHILD_FAILED,
                f"The training process keeps stopping while it starts{detail}; training is unavailable. "
                "Run `shape-explorer train FILE` in a terminal to see why.",
            )
            return
        self.childState.emit(CHILD_CRASHED, f"The training process stopped unexpectedly{detail}; restarting it.")
        self._replace_child("it died")

    def _finish_hung_run(self, why: str) -> None:
        run_id, self._run_id = self._run_id, 0
        stopping = self._stop_requested_at is not None
        self._stop_requested_at = None
        if stopping:
            self.runFinished.emit(
                run_id,
                {"stop_reason": "user", "message": f"Stopped: the training process was restarted because {why}."},
            )
        else:
            self.runFailed.emit(run_id, f"The training process was restarted because {why}; this run ended.")
        self._replace_child(why)

    def _replace_child(self, why: str) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                process.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass
            _close_process(process)
        log.info("replacing the training child: %s", why)
        if not self._closed:
            self._spawn_child()

    def _send(self, command: Callable[[], Any]) -> None:
        try:
            command()
        except Exception as exc:  # noqa: BLE001 - the child is gone; the poll loop notices and replaces it
            log.info("command to the training child failed: %r", exc)


class TrainingController(QObject):
    """Main-thread handle on the training worker thread and its child process.

    ``start(job)`` returns the new run's id, or ``None`` (and does nothing) when a run is
    already going or the controller is shut down. Signals carry only the current run's
    events.
    """

    stateChanged = Signal(str)
    childStateChanged = Signal(str, str)  # state, message
    began = Signal(object)  # events.Begin
    batchProgress = Signal(object)  # events.Batch (``elapsed``: seconds of training, pauses excluded)
    epochEnded = Signal(int, object)  # epoch (1-based), logs
    finished = Signal(object)  # result dict (history, best_epoch, stop_reason, message, ...)
    failed = Signal(str)  # one plain sentence; the run is over
    logMessage = Signal(str)

    # private: main thread → worker thread (queued)
    _submitRequested = Signal(int, object)
    _stopRequested = Signal(int)
    _pauseRequested = Signal(int)
    _resumeRequested = Signal(int)
    _shutdownRequested = Signal()
    _killRequested = Signal()

    def __init__(
        self,
        process_factory: ProcessFactory | None = None,
        parent: QObject | None = None,
        *,
        poll_interval_ms: int = 40,
        stop_grace_s: float = 20.0,
        silence_timeout_s: float = 600.0,
        child_niceness: int = CHILD_NICENESS,
    ) -> None:
        super().__init__(parent)
        self._factory = process_factory or default_process_factory
        self._worker_options = dict(
            poll_interval_ms=poll_interval_ms,
            stop_grace_s=stop_grace_s,
            silence_timeout_s=silence_timeout_s,
            child_niceness=child_niceness,
        )
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._state = IDLE
        self._child_state = ""
        self._next_run_id = 0
        self._current_run = 0
        self._closed = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- queries ------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def child_state(self) -> str:
        return self._child_state

    @property
    def current_run(self) -> int:
        return self._current_run

    def is_busy(self) -> bool:
        """True from ``start`` until the run's ``finished``/``failed``."""
        return self._state != IDLE

    # ---- commands -----------------------------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the worker thread and the warm child (idempotent; call it early)."""
        if self._closed or self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("training-worker")
        worker = TrainingWorker(self._factory, **self._worker_options)
        worker.moveToThread(thread)
        thread.started.connect(worker.initialise)
        thread.finished.connect(worker.deleteLater)
        self._submitRequested.connect(worker.submit)
        self._stopRequested.connect(worker.stop)
        self._pauseRequested.connect(worker.pause)
        self._resumeRequested.connect(worker.resume)
        self._shutdownRequested.connect(worker.shutdown)
        self._killRequested.connect(worker.kill_child)
        worker.childState.connect(self._on_child_state)
        worker.runBegan.connect(self._on_began)
        worker.batchProgress.connect(self._on_batch)
        worker.epochEnded.connect(self._on_epoch)
        worker.runFinished.connect(self._on_finished)
        worker.runFailed.connect(self._on_failed)
        worker.logMessage.connect(self._on_log)
        self._thread, self._worker = thread, worker
        thread.start()

    def start(self, job: Any) -> int | None:
        """Submit ``job`` (a ``core.training.job.TrainingJob``); ignored while another run is busy."""
        if self._closed or self.is_busy():
            return None
        self.ensure_started()
        self._next_run_id += 1
        self._current_run = self._next_run_id
        self._set_state(STARTING)
        self._submitRequested.emit(self._current_run, job)
        return self._current_run

    def stop(self) -> None:
        if self._state in (STARTING, RUNNING, PAUSED):
            self._set_state(STOPPING)
            self._stopRequested.emit(self._current_run)

    def pause(self) -> None:
        if self._state == RUNNING:
            self._set_state(PAUSED)
            self._pauseRequested.emit(self._current_run)

    def resume(self) -> None:
        if self._state == PAUSED:
            self._set_state(RUNNING)
            self._resumeRequested.emit(self._current_run)

    def kill_child(self) -> None:
        """Kill the child process (it is reported and replaced like a crash)."""
        self._killRequested.emit()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Stop any run, close the child, end the worker thread and wait for it.

        Returns False only when the thread did not end within ``timeout_ms`` (it is then
        left to the operating system; the child is killed first).
        """
        self._closed = True
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        if thread.isRunning():
            self._shutdownRequested.emit()
            if not thread.wait(timeout_ms):
                log.error("the training worker did not end within %d ms", timeout_ms)
                return False
        # Queued results of the last moments (a final "finished") arrive now; none reaches a panel.
        self._current_run = 0
        self._set_state(IDLE)
        self._worker = None
        return True

    # ---- events from the worker (main thread) -------------------------------------------------
    def _is_current(self, run_id: int) -> bool:
        return run_id != 0 and run_id == self._current_run and not self._closed

    @Slot(str, str)
    def _on_child_state(self, state: str, message: str) -> None:
        self._child_state = state
        self.childStateChanged.emit(state, message)

    @Slot(int, object)
    def _on_began(self, run_id: int, info: dict) -> None:
        if self._is_current(run_id):
            if self._state == STARTING:
                self._set_state(RUNNING)
            self.began.emit(info)

    @Slot(int, object)
    def _on_batch(self, run_id: int, payload: dict) -> None:
        if self._is_current(run_id):
            if self._state == STARTING:
                self._set_state(RUNNING)
            self.batchProgress.emit(payload)

    @Slot(int, int, object)
    def _on_epoch(self, run_id: int, epoch: int, logs: dict) -> None:
        if self._is_current(run_id):
            self.epochEnded.emit(epoch, logs)

    @Slot(int, object)
    def _on_finished(self, run_id: int, result: dict) -> None:
        if self._is_current(run_id):
            self._current_run = 0
            self._set_state(IDLE)
            self.finished.emit(result)

    @Slot(int, str)
    def _on_failed(self, run_id: int, message: str) -> None:
        if self._is_current(run_id):
            self._current_run = 0
            self._set_state(IDLE)
            self.failed.emit(message)

    @Slot(int, str)
    def _on_log(self, run_id: int, message: str) -> None:
        if not self._closed and (run_id == 0 or run_id == self._current_run):
            self.logMessage.emit(message)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)


# ---- helpers -------------------------------------------------------------------------------------
def _lower_priority(pid: int | None, niceness: int) -> None:
    """Make the training child yield the CPU to the window (POSIX ``nice``).

    Done right after the spawn, before TensorFlow creates its thread pools, so every thread
    of the child inherits it. On a busy machine the window's event loop then gets the CPU
    first; when the window is idle the child still has every core.
    """
    if not pid or niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, int(pid), os.getpriority(os.PRIO_PROCESS, int(pid)) + niceness)
    except (OSError, ValueError) as exc:
        log.info("could not lower the training child's priority: %r", exc)


def _alive(process: Any) -> bool:
    try:
        return bool(process.is_alive())
    except Exception:  # noqa: BLE001 - a process object in any state: not alive
        return False


def _close_process(process: Any) -> None:
    try:
        process.close()
    except Exception as exc:  # noqa: BLE001 - closing a dying child must never raise into the window
        log.info("closing the training child failed: %r", exc)
        try:
            process.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass


def _kill_process(process: Any) -> None:
    try:
        process.kill()
    except Exception as exc:  # noqa: BLE001 - killing a dying child must never raise into the window
        log.info("killing the training child failed: %r", exc)
    _close_process(process)
