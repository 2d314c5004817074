"""Training in a separate process that the window (or anything else) drives with messages.

Why a process: Keras training inside a thread of the window's process held the GIL long
enough to freeze the event loop for ~200 ms at a time and ran at a third of a plain
script's speed; a spawned child streaming small events over a pipe kept the window smooth
at full speed (see docs/ARCHITECTURE.md, "Training"). The child imports TensorFlow as soon
as it starts (``ready`` tells the parent it is warm), then waits for jobs.

Parent → child messages: ``{"type": "job", "job": {...}}``, ``{"type": "stop"}``,
``{"type": "pause"}``, ``{"type": "resume"}``, ``{"type": "close"}``. A listener thread in
the child reads them while training runs, so stop and pause act within a batch.

Child → parent: the typed events of :mod:`core.training.events`, sent encoded
(:func:`~core.training.events.encode`; small dicts, never big arrays): ``Ready``, ``Begin``,
``Batch`` (≤ 10 a second), ``Epoch`` (complete epochs only), ``End`` (history, best epoch,
stop reason, final metrics, baseline, a confusion matrix or prediction sample, the saved
model path), ``Failed`` (one plain sentence) and ``Log``. If the child dies,
:meth:`TrainingProcess.poll_events` reports a ``Failed`` event itself: "The training process
stopped unexpectedly (exit code N)."
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
import traceback
from typing import Any

from core.training.events import End, EventReporter, Failed, Log, Ready, encode

KILL_GRACE_SECONDS = 2.0
CLOSE_TIMEOUT_SECONDS = 5.0


class PipeReporter(EventReporter):
    """The child's reporter: sends each event to the parent; stop/pause come from the listener."""

    def __init__(self, send: Any) -> None:
        super().__init__(lambda event: send(encode(event)))


def child_main(connection: Any) -> None:
    """Entry point of the child process: warm up TensorFlow, then run jobs until closed."""
    from core.model.quiet import quiet_tensorflow_import, set_quiet_environment

    set_quiet_environment()
    # TensorFlow's C++ runtime writes to descriptor 2 at odd moments; the parent gets
    # everything worth seeing as events, so the child's stderr goes nowhere.
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
    except OSError:
        pass
    send_lock = threading.Lock()

    def send(message: dict[str, Any]) -> None:
        with send_lock:
            try:
                connection.send(message)
            except (OSError, EOFError, BrokenPipeError):
                pass

    started = time.perf_counter()
    quiet_tensorflow_import()
    send(encode(Ready(seconds=time.perf_counter() - started, pid=os.getpid())))

    reporter = PipeReporter(send)
    jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def listen() -> None:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                reporter.stop()
                jobs.put(None)
                return
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "job":
                reporter.reset()
                jobs.put(message.get("job"))
            elif kind == "stop":
                reporter.stop()
            elif kind == "pause":
                reporter.pause()
            elif kind == "resume":
                reporter.resume()
            elif kind == "close":
                reporter.stop()
                jobs.put(None)
                return

    threading.Thread(target=listen, name="training-control", daemon=True).start()
    while True:
        job_data = jobs.get()
        if job_data is None:
            break
        run_job(job_data, reporter, send)
    try:
        connection.close()
    except OSError:
        pass


def run_job(job_data: dict[str, Any], reporter: PipeReporter, send: Any) -> None:
    """Carry out one job and send its ``end`` or ``error`` event."""
    from core.errors import ShapeExplorerError
    from core.training.job import TrainingJob, execute

    try:
        job = TrainingJob.from_dict(job_data)
        payload = execute(job, reporter)
        send(encode(End.from_result(payload)))
    except ShapeExplorerError as exc:
        send(encode(Failed(str(exc))))
    except MemoryError:
        send(encode(Failed("Training ran out of memory: use a smaller batch size, fewer units or a shorter maxlen.")))
    except Exception as exc:  # noqa: BLE001 - a bug: the parent shows one sentence and logs the details
        send(encode(Log(traceback.format_exc(), level="error")))
        send(encode(Failed(f"Training failed unexpectedly ({type(exc).__name__}: {exc}).")))


class TrainingProcess:
    """A warm training child process and the pipe to it.

    Create it early (TensorFlow takes seconds to import in the child), :meth:`submit` jobs,
    read events with :meth:`poll_events`, and :meth:`close` it when done. One job runs at a
    time; jobs submitted meanwhile wait their turn.
    """

    def __init__(self, *, start: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_connection = context.Pipe(duplex=True)
        self._process = context.Process(target=child_main, args=(child_connection,), name="shape-explorer-training", daemon=True)
        self._child_connection = child_connection
        self._send_lock = threading.Lock()
        self._death_reported = False
        self._closing = False
        self.ready = False
        if start:
            self.start()

    def start(self) -> None:
        self._process.start()
        self._child_connection.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        try:
            return self._process.is_alive()
        except ValueError:  # the process object was already released
            return False

    @property
    def exitcode(self) -> int | None:
        try:
            return self._process.exitcode
        except ValueError:
            return None

    # ---- parent → child --------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> bool:
        with self._send_lock:
            try:
                self._connection.send(message)
                return True
            except (OSError, EOFError, BrokenPipeError, ValueError):
                return False

    def submit(self, job: Any) -> bool:
        """Queue a :class:`~core.training.job.TrainingJob` (or its dict); False if the child is gone."""
        data = job.to_dict() if hasattr(job, "to_dict") else dict(job)
        return self._send({"type": "job", "job": data})

    def stop(self) -> None:
        self._send({"type": "stop"})

    def pause(self) -> None:
        self._send({"type": "pause"})

    def resume(self) -> None:
        self._send({"type": "resume"})

    # ---- child → parent --------------------------------------------------------------------
    def poll_events(self, timeout: float = 0.0) -> list[dict[str, Any]]:
        """Every event waiting now, encoded (waiting up to ``timeout`` seconds for the first one).

        Ends with a ``Failed`` event, once, when the child has died unexpectedly. Turn them
        into typed events with :func:`core.training.events.decode`.
        """
        events: list[dict[str, Any]] = []
        try:
            if self._connection.poll(max(0.0, timeout)):
                while True:
                    events.append(self._connection.recv())
                    if not self._connection.poll(0):
                        break
        except (EOFError, OSError, ValueError):
            pass
        for event in events:
            if isinstance(event, dict) and event.get("event") == Ready.kind:
                self.ready = True
        if not events and not self._death_reported and not self.is_alive():
            self._death_reported = True
            if not self._closing:
                self._process.join(0.1)
                code = self._process.exitcode
                events.append(encode(Failed(f"The training process stopped unexpectedly (exit code {code}).")))
        return events

    def wait_ready(self, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Block until the child reports ``ready`` (or dies, or ``timeout``); returns the events seen."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while not self.ready and time.monotonic() < deadline:
            batch = self.poll_events(min(0.5, max(0.0, deadline - time.monotonic())))
            seen.extend(batch)
            if any(isinstance(e, dict) and e.get("event") == Failed.kind for e in batch):
                break
        return seen

    # ---- ending ----------------------------------------------------------------------------
    def kill(self, grace: float = KILL_GRACE_SECONDS) -> None:
        """End the child now: SIGTERM, then SIGKILL after ``grace`` seconds."""
        self._closing = True
        if self.is_alive():
            self._process.terminate()
            self._process.join(grace)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(grace)
        self._release()

    def close(self, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """Stop any training, let the child exit by itself; kill it if it does not within ``timeout``."""
        self._closing = True
        if self.is_alive():
            self._send({"type": "close"})
            self._process.join(timeout)
        if self.is_alive():
            self.kill()
        self._release()

    def _release(self) -> None:
        try:
            self._connection.close()
        except OSError:
            pass
        if self.exitcode is not None:
            try:
                self._process.close()
            except ValueError:
                pass

    def __enter__(self) -> TrainingProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
