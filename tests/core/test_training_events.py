"""Typed training events: one encode, one decode, the wire shapes ``train --json`` has always printed."""

from __future__ import annotations

import json
import math

import pytest

from core.training import events as ev
from core.training.reporter import RecordingReporter

SAMPLES = [
    ev.Ready(seconds=2.5, pid=123),
    ev.Begin(epochs=50, batch_size=8, steps_per_epoch=5, train_samples=40, validation_samples=10, params=4545,
             learning_rate=0.001, patience=20, chosen={"batch_size": "Batch size 8, chosen for 40 samples."},
             baseline={"name": "majority class", "val": {"accuracy": 0.5}}),
    ev.Batch(epoch=2, batch=3, total_batches=5, logs={"loss": 0.5, "recent_loss": 0.4}, elapsed=1.25),
    ev.Epoch(epoch=3, logs={"loss": 0.4, "accuracy": 0.8, "val_loss": 0.5, "val_accuracy": 0.7}),
    ev.End(stop_reason="user", message="Stopped on request after 3 of 50 epochs.", history={"loss": [0.6, 0.5, 0.4]},
           best_epoch=3, epochs_run=3, details={"final": {"loss": 0.4}, "test": {"accuracy": 0.75}, "saved_model": "/m.keras"}),
    ev.Failed("The data has no labels."),
    ev.Log("a traceback", level="error"),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_event_round_trips_through_encode_and_decode(event):
    message = ev.encode(event)
    assert message["event"] == event.kind
    assert ev.decode(message) == event
    assert ev.decode(json.loads(ev.to_json(event))) == event  # and through JSON


def test_epoch_and_done_keep_the_keys_train_json_always_printed():
    epoch = ev.encode(ev.Epoch(epoch=4, logs={"loss": 0.25, "val_loss": 0.5}))
    assert epoch == {"event": "epoch", "epoch": 4, "loss": 0.25, "val_loss": 0.5}  # logs at top level
    done = ev.encode(ev.End(stop_reason="completed", message="Trained for 2 epochs.", history={"loss": [1.0, 0.5]},
                            best_epoch=2, epochs_run=2, details={"final": {"loss": 0.5}, "test": None, "n_train": 8}))
    assert done["event"] == "done"
    for key in ("history", "best_epoch", "stop_reason", "epochs_run", "final", "test", "message", "n_train"):
        assert key in done
    assert ev.End.from_result({k: v for k, v in done.items() if k != "event"}).result()["n_train"] == 8


def test_to_json_is_strict_json_with_nan_as_null():
    line = ev.to_json(ev.Epoch(epoch=1, logs={"loss": math.nan, "val_loss": math.inf}))
    assert json.loads(line) == {"event": "epoch", "epoch": 1, "loss": None, "val_loss": None}
    back = ev.decode(json.loads(line))
    assert math.isnan(back.logs["loss"])


@pytest.mark.parametrize("message", [{"event": "teleport"}, {"no": "event"}, {"event": "epoch"}, "epoch", None])
def test_anything_else_is_refused_with_value_error(message):
    with pytest.raises(ValueError):
        ev.decode(message)


def test_encode_refuses_what_is_not_an_event():
    with pytest.raises(TypeError):
        ev.encode({"event": "epoch"})


def test_event_reporter_turns_reporter_calls_into_events():
    seen = []
    reporter = ev.EventReporter(seen.append)
    reporter.on_train_begin({"epochs": 2, "batch_size": 8, "steps_per_epoch": 1, "train_samples": 8,
                             "validation_samples": 2, "streaming": False, "monitor": "val_loss", "params": 10, "unknown": 1})
    reporter.on_batch(1, 1, 1, {"loss": 1.0})
    reporter.on_epoch(1, {"loss": 1.0})
    reporter.on_train_end({"history": {}})
    assert [type(e) for e in seen] == [ev.Begin, ev.Batch, ev.Epoch]  # End is the job's, once scored
    assert seen[0].batch_size == 8 and seen[2].logs == {"loss": 1.0}
    reporter.stop()
    assert reporter.should_stop()


@pytest.mark.slow
def test_the_child_reporter_and_the_cli_send_what_decode_reads(capsys):
    """The real run's reporters, through the one encoder, decode back to typed events."""
    from core.cli.train_command import PrintingReporter
    from core.training import runner
    from core.training.child import PipeReporter
    from core.training.config import TrainingConfig
    from tests.core.training_helpers import binary_data, tiny_spec

    sent = []
    runner.run(tiny_spec(), binary_data(), TrainingConfig(epochs=2, early_stopping=False), PipeReporter(sent.append))
    decoded = [ev.decode(m) for m in sent]
    assert isinstance(decoded[0], ev.Begin) and [e.epoch for e in decoded if isinstance(e, ev.Epoch)] == [1, 2]
    assert decoded[0].batch_size == 16 and decoded[0].baseline["val"]["accuracy"] > 0  # 64 training samples: auto batch 16

    printer = PrintingReporter(as_json=True)
    runner.run(tiny_spec(), binary_data(), TrainingConfig(epochs=2, early_stopping=False), printer)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in lines] == ["epoch", "epoch"]
    assert all(isinstance(ev.decode(line), ev.Epoch) for line in lines)
    assert RecordingReporter  # the reporter protocol is unchanged
