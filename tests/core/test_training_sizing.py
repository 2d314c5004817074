"""Settings chosen from the data's size: the rule itself (core.training.sizing), not accuracy."""

from __future__ import annotations

import pytest

from core.training.config import TrainingConfig
from core.training.sizing import auto_batch_size, auto_patience, resolve


@pytest.mark.parametrize(
    ("n_train", "batch"),
    [(10, 8), (23, 8), (40, 8), (47, 8), (48, 16), (54, 16), (95, 16), (96, 32), (216, 32), (100_000, 32)],
)
def test_batch_size_is_the_largest_of_32_16_8_giving_three_batches(n_train, batch):
    assert auto_batch_size(n_train) == batch


@pytest.mark.parametrize(
    ("steps", "epochs", "patience"),
    [(1, 50, 50), (2, 50, 50), (5, 50, 20), (7, 50, 15), (13, 50, 8), (100, 50, 8), (2, 10, 10), (1, 3, 3)],
)
def test_patience_waits_about_100_gradient_steps_at_least_8_epochs_at_most_all(steps, epochs, patience):
    assert auto_patience(steps, epochs) == patience


def test_gunpoint_sized_data_gets_small_batches_and_a_long_patience():
    # GunPoint: 50 training series, a 20% split leaves 40 to train on
    config, chosen = resolve(TrainingConfig(), 50)
    assert (config.batch_size, config.patience) == (8, 20)
    assert "40 training samples" in chosen["batch_size"] and "5 gradient steps" in chosen["batch_size"]
    assert "20 epochs" in chosen["patience"]


def test_ordinary_data_gets_the_usual_settings_and_no_explanations():
    config, chosen = resolve(TrainingConfig(), 10_000)
    assert (config.batch_size, config.patience) == (32, 8) and chosen == {}


def test_settings_the_user_gave_are_kept():
    config, chosen = resolve(TrainingConfig(batch_size=4, patience=3), 50)
    assert (config.batch_size, config.patience) == (4, 3) and chosen == {}
    config, _ = resolve(TrainingConfig(batch_size=32), 50)  # patience follows the user's batch size
    assert config.patience == 50  # 40 samples in batches of 32: 2 steps an epoch, 100 steps = 50 epochs


def test_the_split_and_a_validation_file_change_the_training_count():
    assert resolve(TrainingConfig(validation_split=0.0), 50)[0].batch_size == 16  # all 50 train
    assert resolve(TrainingConfig(), 50, validation_given=True)[0].batch_size == 16


def test_no_early_stopping_needs_no_patience_sentence():
    config, chosen = resolve(TrainingConfig(early_stopping=False), 50)
    assert config.patience == 20 and "patience" not in chosen


def test_config_accepts_auto_and_still_refuses_nonsense():
    from core.errors import TrainingError

    TrainingConfig().validate()
    with pytest.raises(TrainingError):
        TrainingConfig(batch_size=0).validate()
    with pytest.raises(TrainingError):
        TrainingConfig(patience=-1).validate()
    assert TrainingConfig.from_dict(TrainingConfig().to_dict()) == TrainingConfig()


@pytest.mark.slow
def test_a_run_reports_the_chosen_settings():
    from core.training import runner
    from core.training.reporter import RecordingReporter
    from tests.core.training_helpers import binary_data, tiny_spec

    reporter = RecordingReporter()
    result = runner.run(tiny_spec(), binary_data(n=40), TrainingConfig(epochs=2), reporter)
    assert reporter.begin["batch_size"] == 8 and reporter.begin["steps_per_epoch"] == 4
    assert reporter.begin["patience"] == 2  # 100 steps would be 25 epochs; capped at the 2 planned
    assert result.settings["batch_size"] == 8 and "batch_size" in result.chosen
    assert result.summary()["settings"]["patience"] == 2


@pytest.mark.parametrize(
    ("n_samples", "epochs"),
    [(40, 38), (270, 22), (872, 7), (100_000, 5), (5, 40)],
)
def test_demo_runs_take_about_150_gradient_steps(n_samples, epochs):
    from core.training.sizing import demo_epochs

    # BasicMotions (40): 32 train in batches of 8 = 4 steps an epoch, 38 epochs; vowels (270): 7 steps, 22 epochs
    assert demo_epochs(n_samples) == epochs
