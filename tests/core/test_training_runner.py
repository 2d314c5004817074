"""The runner: reproducible, stoppable, pausable, NaN-safe, recovers from MemoryError."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core.errors import TrainingError
from core.training import runner
from core.training.config import TrainingConfig
from core.training.data import ArrayData
from core.training.reporter import RecordingReporter
from tests.core.training_helpers import binary_data, tiny_spec

pytestmark = pytest.mark.slow

FAST = TrainingConfig(epochs=2, batch_size=16, early_stopping=False)


def test_same_seed_gives_identical_loss_history():
    data, spec = binary_data(), tiny_spec()
    first = runner.run(spec, data, FAST, RecordingReporter())
    second = runner.run(spec, data, FAST, RecordingReporter())
    assert first.history["loss"] == second.history["loss"]
    assert first.history["val_loss"] == second.history["val_loss"]
    other = runner.run(spec, data, TrainingConfig(epochs=2, batch_size=16, early_stopping=False, seed=7), RecordingReporter())
    assert other.history["loss"] != first.history["loss"]


def test_reports_every_epoch_with_all_logs_and_throttled_batches():
    reporter = RecordingReporter()
    result = runner.run(tiny_spec(), binary_data(), FAST, reporter)
    assert [e for e, _ in reporter.epochs] == [1, 2]
    assert set(reporter.epochs[0][1]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(isinstance(v, float) for v in reporter.epochs[0][1].values())
    assert reporter.begin["train_samples"] == 64 and reporter.begin["validation_samples"] == 16
    assert 1 <= len(reporter.batches) <= 2 * 4  # 4 batches an epoch, at most all of them
    assert reporter.end["stop_reason"] == "completed" and result.stop_reason == "completed"
    assert result.best_epoch in (1, 2) and result.epochs_run == 2


def test_batch_reports_carry_the_loss_of_the_batches_since_the_previous_report():
    from core.training.callback import make_callbacks, recent_mean

    # Keras' batch "loss" is the running mean of the epoch so far: after 2 batches 1.0, after 6
    # batches 0.8, so batches 3-6 averaged (6*0.8 - 2*1.0) / 4 = 0.7.
    assert recent_mean(0.8, 6, 1.0, 2) == pytest.approx(0.7)
    assert recent_mean(0.9, 3, 0.0, 0) == pytest.approx(0.9)  # the first report of an epoch

    reporter = RecordingReporter()
    callback = [c for c in make_callbacks(reporter, runner.RunState(), total_batches=6, max_rate_hz=0) if hasattr(c, "_last_reported")][0]
    callback.on_epoch_begin(0)
    for batch, running_mean in enumerate([1.0, 1.0, 0.9, 0.8, 0.75, 0.7]):
        callback.on_train_batch_end(batch, {"loss": running_mean})
    recent = [logs["recent_loss"] for _, _, _, logs in reporter.batches]
    assert recent == pytest.approx([1.0, 1.0, 0.7, 0.5, 0.55, 0.45])
    callback.on_train_batch_end(2, {"loss": 0.9})  # a late call for an earlier batch is dropped
    assert len(reporter.batches) == 6


def test_stop_is_honoured_within_a_batch():
    reporter = RecordingReporter(stop_after_batches=3)
    result = runner.run(tiny_spec(), binary_data(), TrainingConfig(epochs=5, batch_size=8, early_stopping=False), reporter)
    assert result.stop_reason == "user" and result.stopped_early
    assert result.epochs_run == 0  # 8 batches an epoch; stopped after the third: no complete epoch
    assert result.history == {} and reporter.epochs == []
    assert reporter.stop_checks == 4


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_stop_mid_epoch_keeps_only_complete_epochs_and_their_weights(monkeypatch, early_stopping):
    import keras

    weights_after: dict[int, list] = {}

    class RememberWeights(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            weights_after[epoch + 1] = [w.copy() for w in self.model.get_weights()]

    real_fit = runner.fit_model
    monkeypatch.setattr(runner, "fit_model", lambda model, data, config, callbacks: real_fit(model, data, config, [RememberWeights(), *callbacks]))
    # 64 training samples in batches of 8: 8 batches an epoch; the stop comes at batch 3 of epoch 3
    reporter = RecordingReporter(stop_after_batches=2 * 8 + 3)
    config = TrainingConfig(epochs=20, batch_size=8, early_stopping=early_stopping, patience=50)
    result = runner.run(tiny_spec(), binary_data(), config, reporter)
    assert result.stop_reason == "user"
    assert result.epochs_run == 2 and [e for e, _ in reporter.epochs] == [1, 2]
    assert all(len(values) == 2 for values in result.history.values())
    assert set(weights_after) == {1, 2, 3}  # Keras did end the cut epoch; the run ignored it
    kept = result.best_epoch if early_stopping else 2
    for now, then in zip(result.model.get_weights(), weights_after[kept]):
        np.testing.assert_array_equal(now, then)
    assert "Stopped on request after 2 of 20 epochs" in result.message and "dropped" in result.message


def test_a_stop_at_an_epochs_last_batch_keeps_that_epoch():
    reporter = RecordingReporter(stop_after_batches=8 + 7)  # the check before epoch 2's last batch
    result = runner.run(tiny_spec(), binary_data(), TrainingConfig(epochs=5, batch_size=8, early_stopping=False), reporter)
    assert result.stop_reason == "user" and result.epochs_run == 2
    assert len(result.history["loss"]) == 2 and "dropped" not in result.message


def test_pause_blocks_without_spinning_and_resume_continues():
    reporter = RecordingReporter()
    reporter.pause()
    done: dict = {}

    def train() -> None:
        done["result"] = runner.run(tiny_spec(), binary_data(), FAST, reporter)

    thread = threading.Thread(target=train)
    thread.start()
    deadline = time.monotonic() + 60
    while reporter.begin is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert reporter.batches == [] and thread.is_alive()  # paused before the first batch
    reporter.resume()
    thread.join(60)
    assert not thread.is_alive() and done["result"].epochs_run == 2


def test_stop_while_paused_ends_the_run():
    reporter = RecordingReporter()
    reporter.pause()
    threading.Timer(1.0, reporter.stop).start()
    result = runner.run(tiny_spec(), binary_data(), FAST, reporter)
    assert result.stop_reason == "user"


def test_nan_loss_stops_and_keeps_last_good_weights(monkeypatch):
    import keras

    seen: dict = {}

    class PoisonSecondEpoch(keras.callbacks.Callback):
        """Keeps epoch 1's weights, then makes a weight NaN so epoch 2's loss is NaN."""

        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                seen["epoch1"] = [w.copy() for w in self.model.get_weights()]

        def on_train_batch_begin(self, batch, logs=None):
            if "epoch1" in seen and batch == 1 and "poisoned" not in seen:
                weights = self.model.get_weights()
                weights[0] = np.full_like(weights[0], np.nan)
                self.model.set_weights(weights)
                seen["poisoned"] = True

    real_fit = runner.fit_model
    monkeypatch.setattr(runner, "fit_model", lambda model, data, config, callbacks: real_fit(model, data, config, [PoisonSecondEpoch(), *callbacks]))
    for early_stopping in (False, True):
        seen.clear()
        config = TrainingConfig(epochs=4, batch_size=16, early_stopping=early_stopping)
        result = runner.run(tiny_spec(), binary_data(), config, RecordingReporter())
        assert result.stop_reason == "nan_loss" and "NaN" in result.message
        assert result.epochs_run == 2 and result.best_epoch == 1
        for got, want in zip(result.model.get_weights(), seen["epoch1"]):
            np.testing.assert_array_equal(got, want)


def test_memory_error_becomes_plain_error_and_next_run_works(monkeypatch):
    calls = {"n": 0}
    real_fit = runner.fit_model

    def failing_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise MemoryError
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(runner, "fit_model", failing_once)
    with pytest.raises(TrainingError, match="ran out of memory"):
        runner.run(tiny_spec(), binary_data(), FAST, RecordingReporter())
    result = runner.run(tiny_spec(), binary_data(), FAST, RecordingReporter())
    assert result.epochs_run == 2


def test_early_stopping_restores_best_and_reports_reason():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4, 1)).astype(np.float32)
    y = rng.integers(0, 2, size=60)  # noise: validation loss cannot keep improving
    result = runner.run(
        tiny_spec(t=4, f=1), ArrayData(x, y, "binary", 2),
        TrainingConfig(epochs=40, batch_size=8, patience=1, learning_rate=0.05), RecordingReporter(),
    )
    assert result.stop_reason == "early_stopping" and result.epochs_run < 40
    assert result.best_epoch == int(np.argmin(result.history["val_loss"])) + 1


def test_validation_report_and_evaluate():
    data, spec = binary_data(), tiny_spec()
    result = runner.run(spec, data, FAST, RecordingReporter())
    report = runner.validation_report(result, spec, data)
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (2, 2) and matrix.sum() == result.n_val
    metrics = runner.evaluate(result, data)
    assert set(metrics) >= {"loss", "accuracy"}


def test_confusion_matrix_counts():
    matrix = runner.confusion_matrix(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]), 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 1]]


def test_one_number_per_step_trains_against_the_per_step_output():
    """Per-step numeric labels arrive as (N, T); the sequence head outputs (N, T, 1)."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(24, 5, 2)).astype(np.float32)
    data = ArrayData(x, (x[:, :, 0] * 2.0).astype(np.float32), "sequence")
    result = runner.run(tiny_spec(t=5, task="sequence"), data, TrainingConfig(epochs=2, early_stopping=False), RecordingReporter())
    assert result.epochs_run == 2 and all(np.isfinite(result.history["loss"]))
    assert runner.predict(result, x[:3]).shape == (3, 5, 1)


def test_a_small_validation_set_is_scored_in_one_batch_with_keras_numbers():
    data, spec = binary_data(), tiny_spec()
    result = runner.run(spec, data, FAST, RecordingReporter())
    assert runner.validates_in_callback(result.fit_data)
    x_val, y_val = runner.validation_arrays(result)
    logs = result.model.evaluate(x_val, y_val, batch_size=5, verbose=0, return_dict=True)  # Keras' own loop
    assert result.history["val_loss"][-1] == pytest.approx(logs["loss"], rel=1e-5)
    assert result.history["val_accuracy"][-1] == pytest.approx(logs["accuracy"])
