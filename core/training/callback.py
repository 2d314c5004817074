"""The Keras callbacks that connect a fit to a :class:`~core.training.reporter.Reporter`.

Keras is imported inside :func:`make_callbacks` only. Two callbacks:

* the reporter adapter: before every batch it asks ``should_stop`` (then sets
  ``model.stop_training``, which Keras 3 honours right after that batch) and
  ``wait_if_paused`` (blocks the training loop itself, not a helper thread); after a batch it
  forwards the logs at most ``max_rate_hz`` times a second, adding ``recent_loss`` (the mean
  loss of the batches since the previous report, see :func:`recent_mean`); after an epoch,
  all the logs.
  It declares ``async_safe`` so Keras keeps dispatching batch-end work off the training
  loop exactly as a plain ``model.fit`` does — reporting costs no throughput.
* a stop in the middle of an epoch keeps only complete epochs: Keras still ends the cut
  epoch (and validates it), but that epoch is not reported, not added to the history, not
  seen by early stopping, and the weights go back to the last complete epoch's (or, with
  early stopping, the best complete epoch's). ``RunState.cut_epoch`` marks it.
* the NaN guard: like ``TerminateOnNaN`` but it keeps the last good weights. Weights are
  copied at the end of every epoch whose loss is finite; when the loss turns NaN or
  infinite (seen in a throttled batch report or at the epoch end) training stops and those
  weights are put back.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from core.training.reporter import Reporter


@dataclass
class RunState:
    """What the callbacks learned during a fit, read by the runner afterwards."""

    user_stopped: bool = False
    nan_loss: bool = False
    nan_epoch: int | None = None  # 1-based
    epochs_seen: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    cut_epoch: int | None = None  # 0-based epoch a stop request cut short (its numbers are dropped)

    def is_cut(self, epoch: int) -> bool:
        """True when ``epoch`` (0-based) was cut short by a stop and must not count."""
        return self.cut_epoch is not None and self.cut_epoch == epoch


def is_finite_loss(logs: dict[str, Any] | None) -> bool:
    """False when ``logs['loss']`` is present and NaN or infinite."""
    if not logs or "loss" not in logs:
        return True
    try:
        return math.isfinite(float(logs["loss"]))
    except (TypeError, ValueError):
        return True


def float_logs(logs: dict[str, Any] | None) -> dict[str, float]:
    """The logs as plain floats (JSON-ready); entries that are not numbers are dropped."""
    out: dict[str, float] = {}
    for key, value in (logs or {}).items():
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def recent_mean(mean_now: float, batches_now: int, mean_then: float, batches_then: int) -> float:
    """The mean loss of the batches between two reports, from Keras' running means of the epoch.

    Keras logs the mean loss of the epoch *so far*, which restarts each epoch (plotted as it
    is, it saw-tooths); the batches since the last report had ``n·m_n − k·m_k`` of loss in
    all, over ``n − k`` batches (equal batch sizes assumed; only an epoch's last batch may be
    smaller).
    """
    if batches_now <= batches_then:
        return mean_now
    return (batches_now * mean_now - batches_then * mean_then) / (batches_now - batches_then)


def make_callbacks(
    reporter: Reporter,
    state: RunState,
    *,
    total_batches: int | None,
    max_rate_hz: float = 10.0,
) -> list[Any]:
    """The reporter adapter and the NaN guard, as Keras callbacks, sharing ``state``."""
    import keras

    min_interval = 1.0 / max_rate_hz if max_rate_hz > 0 else 0.0

    class ReporterCallback(keras.callbacks.Callback):
        async_safe = True  # batch-end reporting may run on Keras' dispatch thread

        def __init__(self) -> None:
            super().__init__()
            self._epoch = 0
            self._last_report = 0.0
            self._last_reported = (0, 0.0)
            self._lock = threading.Lock()

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self._epoch = epoch
            self._last_reported = (0, 0.0)  # (batches, running mean) at the last report

        def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
            reporter.wait_if_paused()
            if reporter.should_stop():
                if not state.user_stopped and total_batches and batch + 1 < total_batches:
                    state.cut_epoch = self._epoch  # this batch is the epoch's last: it is incomplete
                state.user_stopped = True
                self.model.stop_training = True
            elif state.nan_loss:
                self.model.stop_training = True

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            now = time.monotonic()
            seen = batch + 1
            with self._lock:
                last = total_batches and seen >= total_batches
                if (now - self._last_report < min_interval and not last) or seen <= self._last_reported[0]:
                    return  # throttled, or a late call for an earlier batch (these may run on a pool)
                self._last_report = now
                clean = float_logs(logs)
                since, mean_then = self._last_reported
                if "loss" in clean:
                    self._last_reported = (seen, clean["loss"])
            if not is_finite_loss(clean):
                state.nan_loss = True
            elif "loss" in clean:
                clean["recent_loss"] = recent_mean(clean["loss"], seen, mean_then, since)
            reporter.on_batch(self._epoch + 1, seen, total_batches, clean)

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if state.is_cut(epoch):
                return  # a partial epoch: its numbers would be a spike in the curves
            clean = float_logs(logs)
            state.epochs_seen = epoch + 1
            for key, value in clean.items():
                state.history.setdefault(key, []).append(value)
            reporter.on_epoch(epoch + 1, clean)

    class KeepLastGoodWeights(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self._good: list[Any] | None = None

        def on_train_begin(self, logs: dict | None = None) -> None:
            self._good = [w.copy() for w in self.model.get_weights()]

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if state.is_cut(epoch):  # back to the last complete epoch
                if self._good is not None:
                    self.model.set_weights(self._good)
                return
            if is_finite_loss(logs) and not state.nan_loss:
                self._good = self.model.get_weights()
                return
            state.nan_loss = True
            state.nan_epoch = state.nan_epoch or epoch + 1
            self.model.stop_training = True
            if self._good is not None:
                self.model.set_weights(self._good)

    return [KeepLastGoodWeights(), ReporterCallback()]
