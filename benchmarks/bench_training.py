"""Training benchmarks: the app's runner against plain Keras, for speed and for accuracy.

* ``training_throughput``: samples per second of :func:`core.training.runner.run` (with a
  recording reporter, i.e. the reporting, stop/pause checks, NaN guard and early stopping
  all active) against a plain ``model.fit`` of the same model on the same prepared arrays,
  same seed and epochs. Runs alternate (ours, plain, ours, ...) and the best of each counts.
  Goal: ≥ 0.95× the plain samples/s.
* ``japanese_vowels_accuracy``: test accuracy of the app's defaults (what
  ``shape-explorer train JapaneseVowels_TRAIN.ts --test JapaneseVowels_TEST.ts`` does) against
  the hand-written Masking + LSTM script in ``reference_japanese_vowels.py``. Goal: ours ≥
  reference − 0.02.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEMOS = REPO / "resources" / "demos"
AEON_COPY = Path("/tmp/aeon/aeon/datasets/data/JapaneseVowels")


def _throughput_data(n: int):
    from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
    from core.training.data import ArrayData

    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 30, 8)).astype(np.float32)
    y = (x[:, :, 0].mean(axis=1) + 0.3 * x[:, -1, 1] > 0).astype(np.int64)
    spec = ModelSpec(InputSpec("dense", 30, 8), (RecurrentLayerSpec(units=32),), HeadSpec("binary", 1))
    return ArrayData(x, y, "binary", 2), spec


def training_throughput(quick: bool) -> dict:
    from core.model.build import build_model, compile_model
    from core.training import runner
    from core.training.config import TrainingConfig
    from core.training.data import prepare_fit_data
    from core.training.reporter import RecordingReporter

    # One fit of the same model on the same data varies by ±20% or more on this 2-core machine
    # (measured: 3.0-5.0 s for the same 3-epoch fit, without our code), far more than the 5% the
    # goal resolves. Best-of-k converges on the undisturbed time as k grows, so many short
    # alternating fits beat a few long ones: 12 of each side.
    n, epochs, repeat = (800, 2, 2) if quick else (3000, 3, 12)
    data, spec = _throughput_data(n)
    config = TrainingConfig(epochs=epochs, batch_size=32, early_stopping=True, patience=50)
    _, keras = runner.import_tensorflow()
    runner.run(spec, _throughput_data(64)[0], TrainingConfig(epochs=1), RecordingReporter())  # warm up TF

    prepared = prepare_fit_data(spec, data, config)

    # Throughput is samples per second of training, so both sides time the fit call itself:
    # ours is runner.run's own timing of its fit (reporter, stop/pause checks, NaN guard and
    # early stopping attached); the set-up around it (checks, split, standardisation, summary)
    # is timed separately and reported in the notes.
    end_to_end: list[float] = []

    def ours() -> float:
        start = time.perf_counter()
        result = runner.run(spec, data, config, RecordingReporter())
        end_to_end.append(time.perf_counter() - start)
        assert result.epochs_run == epochs
        return result.seconds

    def plain() -> float:
        runner.seed_everything(config.seed)
        model = compile_model(build_model(spec), spec, config.learning_rate, config.optimizer)
        start = time.perf_counter()
        model.fit(prepared.x_train, prepared.y_train, validation_data=(prepared.x_val, prepared.y_val),
                  epochs=epochs, batch_size=config.batch_size, verbose=0)
        return time.perf_counter() - start

    ours_times, plain_times = [], []
    for i in range(repeat):
        pair = (ours, plain) if i % 2 == 0 else (plain, ours)
        for func in pair:
            (ours_times if func is ours else plain_times).append(func())
    t_ours, t_plain = min(ours_times), min(plain_times)
    samples = prepared.n_train * epochs
    ratio = (samples / t_ours) / (samples / t_plain)
    median_ratio = statistics.median(plain_times) / statistics.median(ours_times)
    return {
        "name": "training_throughput",
        "ours_s": t_ours,
        "reference_s": t_plain,
        "ratio": ratio,
        "goal": "ours samples/s ≥ 0.95 × plain model.fit samples/s (ratio = ours/plain throughput)",
        "passed": ratio >= 0.95,
        "notes": f"{prepared.n_train} train samples × {epochs} epochs, LSTM(32) on (30, 8); "
        f"ours {samples / t_ours:.0f} samples/s vs plain {samples / t_plain:.0f} (fit calls); best of {repeat} "
        f"alternating (medians: {median_ratio:.2f}×); "
        f"run() end to end incl. set-up {min(end_to_end):.2f}s"
        + (" (quick)" if quick else ""),
    }


def _vowels_files() -> tuple[Path, Path]:
    for folder in (DEMOS, AEON_COPY):
        train, test = folder / "JapaneseVowels_TRAIN.ts", folder / "JapaneseVowels_TEST.ts"
        if train.is_file() and test.is_file():
            return train, test
    raise FileNotFoundError("JapaneseVowels_TRAIN.ts / _TEST.ts not found in resources/demos")


def japanese_vowels_accuracy(quick: bool) -> dict:
    from benchmarks.reference_japanese_vowels import run_reference
    from core.training.config import TrainingConfig
    from core.training.job import TrainingJob, execute
    from core.training.reporter import NullReporter

    train, test = _vowels_files()
    config = TrainingConfig(epochs=10) if quick else TrainingConfig()
    start = time.perf_counter()
    payload = execute(TrainingJob(path=str(train), test_path=str(test), config=config), NullReporter())
    ours_s = time.perf_counter() - start
    ours = payload["test"]["accuracy"]
    reference = run_reference(str(train), str(test), epochs=10 if quick else 100)
    gap = ours - reference["accuracy"]
    return {
        "name": "japanese_vowels_accuracy",
        "ours_s": ours_s,
        "reference_s": reference["seconds"],
        "ratio": ours / reference["accuracy"],
        "goal": "test accuracy of `train` defaults ≥ hand-written Masking+LSTM script − 0.02 (ratio = ours/reference accuracy)",
        "passed": gap >= -0.02,
        "notes": f"ours {ours:.4f} ({payload['epochs_run']} epochs, {payload['stop_reason']}) vs reference "
        f"{reference['accuracy']:.4f} ({reference['epochs_run']} epochs, LSTM(64))" + (" (quick: 10 epochs each)" if quick else ""),
    }


BENCHMARKS = [training_throughput, japanese_vowels_accuracy]
