"""The training child process: events, stop, pause/resume, death and clean shutdown."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from core.options import LoadOptions
from core.training import events as ev
from core.training.child import TrainingProcess
from core.training.config import TrainingConfig
from core.training.job import TrainingJob

pytestmark = pytest.mark.slow


def write_npz(path, n=120, t=8, f=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t, f)).astype(np.float32)
    y = (x[:, :, 0].mean(axis=1) > 0).astype(np.int64)
    np.savez(path, X=x, y=y)
    return path


def collect(process, until=(ev.End, ev.Failed), timeout=120.0, on_event=None):
    """The child's events, decoded (every one must decode), up to the first of type ``until``."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in process.poll_events(0.5):
            event = ev.decode(message)
            events.append(event)
            if on_event:
                on_event(event)
            if isinstance(event, until):
                return events
    raise AssertionError(f"no {until} event within {timeout} s; got {[type(e).__name__ for e in events]}")


@pytest.fixture(scope="module")
def process():
    proc = TrainingProcess()
    ready = proc.wait_ready(120)
    assert proc.ready, ready
    yield proc
    proc.close()
    assert not proc.is_alive()


def job(path, **config):
    settings = {"epochs": 3, "batch_size": 16, "early_stopping": False, **config}
    return TrainingJob(path=str(path), load_options=LoadOptions(), config=TrainingConfig(**settings))


def test_job_streams_epochs_and_ends_with_results(process, tmp_path):
    path = write_npz(tmp_path / "data.npz")
    save = tmp_path / "model.keras"
    from dataclasses import replace

    assert process.submit(replace(job(path), save_path=str(save)))
    events = collect(process)
    assert isinstance(events[0], ev.Begin) and isinstance(events[-1], ev.End)
    assert events[0].batch_size == 16 and events[0].epochs == 3
    epochs = [e for e in events if isinstance(e, ev.Epoch)]
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert "val_loss" in epochs[0].logs
    end = events[-1].result()
    assert end["stop_reason"] == "completed" and len(end["history"]["loss"]) == 3
    matrix = np.array(end["confusion_matrix"])
    assert matrix.shape == (2, 2) and matrix.sum() == end["n_val"]
    assert end["class_names"] == ["0", "1"]
    assert end["saved_model"] == str(save) and save.is_file()
    assert end["baseline"]["name"] == "majority class" and 0.0 < end["baseline"]["val"]["accuracy"] < 1.0


def test_bad_file_gives_one_sentence_error(process, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip at all")
    process.submit(job(bad))
    events = collect(process)
    assert isinstance(events[-1], ev.Failed)
    assert "bad.npz" in events[-1].message and "Traceback" not in events[-1].message


def test_stop_mid_run(process, tmp_path):
    path = write_npz(tmp_path / "data.npz", n=400)
    process.submit(job(path, epochs=200, batch_size=8))
    stopped = {"sent": False}

    def stop_after_first_epoch(event):
        if isinstance(event, ev.Epoch) and not stopped["sent"]:
            process.stop()
            stopped["sent"] = True

    events = collect(process, on_event=stop_after_first_epoch)
    end = events[-1]
    assert isinstance(end, ev.End) and end.stop_reason == "user"
    assert end.epochs_run <= 3
    # only complete epochs are reported and kept: the epoch the stop cut short is not
    epochs = [e.epoch for e in events if isinstance(e, ev.Epoch)]
    assert epochs == list(range(1, end.epochs_run + 1))
    assert len(end.history["loss"]) == end.epochs_run


def test_pause_and_resume(process, tmp_path):
    path = write_npz(tmp_path / "data.npz", n=400)
    process.submit(job(path, epochs=3, batch_size=8))
    events = collect(process, until=(ev.Batch,))
    process.pause()
    time.sleep(0.5)
    process.poll_events(0.2)  # events already in flight
    time.sleep(1.0)
    assert process.poll_events(0.5) == []  # nothing happens while paused
    process.resume()
    events = collect(process)
    assert isinstance(events[-1], ev.End) and events[-1].epochs_run == 3


def test_killed_child_is_reported_and_close_leaves_nothing_running(tmp_path):
    proc = TrainingProcess()
    try:
        assert proc.wait_ready(120) and proc.ready
        os.kill(proc.pid, signal.SIGKILL)
        events = collect(proc, until=(ev.Failed,), timeout=10)
        assert events[-1].message == f"The training process stopped unexpectedly (exit code {-signal.SIGKILL})."
        assert not proc.is_alive()
    finally:
        proc.close()
    assert not proc.is_alive()


def test_kill_ends_a_busy_child(tmp_path):
    proc = TrainingProcess()
    path = write_npz(tmp_path / "data.npz", n=400)
    proc.submit(job(path, epochs=500, batch_size=8))
    collect(proc, until=(ev.Epoch,))
    proc.kill(grace=2.0)
    assert not proc.is_alive()
    assert proc.poll_events(0.1) == []  # a requested kill is not an "unexpected" death
