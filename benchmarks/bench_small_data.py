"""The app's training defaults on small UCR/UEA sets against the plain script a user would write.

For each set (third-party files from package wheels in ``tests/data/real/``, not the demos):

* **ours**: ``shape-explorer train X_TRAIN.ts --test X_TEST.ts`` with every default, run in
  this process exactly as the command does (:func:`core.training.job.execute`): the default
  model for the data (LSTM(64), the same size as the plain script's), batch size and patience chosen from the data's size, a 20 %
  validation split with early stopping, standardised inputs.
* **plain**: ``benchmarks/reference_plain_lstm.py``: ``pad_sequences`` + Masking + LSTM(64),
  Adam 1e-3, 50 epochs, batch 32, on all the training data.

Both score the official test file; wall time covers reading, shaping, building, training and
scoring. The sides alternate for each seed (noise hits both alike) and each side's mean over
the seeds counts, because with 36-67 training samples one seed's accuracy moves by several
hundredths. Goal, per set: mean test accuracy ≥ plain − 0.02 (regression: mse ≤ 1.05 × plain)
and mean wall time ≤ 2 × plain. ``--quick``: two sets (GunPoint, Tecator), one seed, the same 50
epochs (fewer epochs leave both sides at chance, which compares nothing).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "real"

# name, folder, regression?  (training / test samples, length)
SETS = (
    ("GunPoint", "aeon", False),  # 50 / 150, 150 steps, 2 classes
    ("ItalyPowerDemand", "aeon", False),  # 67 / 1029, 24 steps, 2 classes
    ("ArrowHead", "aeon", False),  # 36 / 175, 251 steps, 3 classes
    ("PickupGestureWiimoteZ", "aeon", False),  # 50 / 50, 29-361 steps (unequal), 10 classes
    ("Tecator", "sktime", True),  # 172 / 43, 100 steps, regression (fat %)
)
QUICK_SETS = ("GunPoint", "Tecator")
SEEDS = (0, 1, 2)
ACCURACY_SLACK = 0.02
MSE_FACTOR = 1.05
TIME_FACTOR = 2.0


def _files(name: str, folder: str) -> tuple[str, str]:
    train, test = REAL / folder / f"{name}_TRAIN.ts", REAL / folder / f"{name}_TEST.ts"
    if not (train.is_file() and test.is_file()):
        raise FileNotFoundError(f"{train} / {test} are missing from tests/data/real")
    return str(train), str(test)


def run_ours(train: str, test: str, *, regression: bool, seed: int, epochs: int | None = None) -> dict:
    """What ``train TRAIN --test TEST`` does with its defaults, timed from reading the file to scoring."""
    from core.training.config import TrainingConfig
    from core.training.job import TrainingJob, execute
    from core.training.reporter import NullReporter

    config = TrainingConfig(seed=seed) if epochs is None else TrainingConfig(seed=seed, epochs=epochs)
    started = time.perf_counter()
    payload = execute(TrainingJob(path=train, test_path=test, config=config), NullReporter())
    seconds = time.perf_counter() - started
    metric = "loss" if regression else "accuracy"  # the regression loss is the mse, in target units
    return {"value": float(payload["test"][metric]), "seconds": seconds, "epochs_run": payload["epochs_run"],
            "best_epoch": payload["best_epoch"], "settings": payload.get("settings") or {}, "baseline": payload.get("baseline")}


def meets_goal(value: float, reference: float, ours_s: float, reference_s: float, *, regression: bool) -> tuple[bool, bool]:
    """``(good enough, fast enough)`` for one set's means: both must hold for the row to pass.

    Accuracy at most ``ACCURACY_SLACK`` below the plain script's (regression: mse at most
    ``MSE_FACTOR`` times its mse), in at most ``TIME_FACTOR`` times its wall time. A NaN on
    either side fails (a comparison with NaN is False).
    """
    if regression:
        good = value <= MSE_FACTOR * reference
    else:
        good = value >= reference - ACCURACY_SLACK - 1e-9  # accuracies are float32 sums
    return bool(good), bool(ours_s <= TIME_FACTOR * reference_s)


def compare(name: str, folder: str, regression: bool, *, seeds: tuple[int, ...], epochs: int | None, quick: bool) -> dict:
    from benchmarks.reference_plain_lstm import run_plain
    from core.training.runner import import_tensorflow

    import_tensorflow()
    train, test = _files(name, folder)
    ours, plain = [], []
    for i, seed in enumerate(seeds):
        order = ("ours", "plain") if i % 2 == 0 else ("plain", "ours")
        for side in order:
            if side == "ours":
                ours.append(run_ours(train, test, regression=regression, seed=seed, epochs=epochs))
            else:
                plain.append(run_plain(train, test, regression=regression, seed=seed, epochs=epochs or 50))
    value = statistics.fmean(r["value"] for r in ours)
    reference = statistics.fmean(r["value"] for r in plain)
    ours_s = statistics.fmean(r["seconds"] for r in ours)
    reference_s = statistics.fmean(r["seconds"] for r in plain)
    good, fast = meets_goal(value, reference, ours_s, reference_s, regression=regression)
    if regression:
        quality = f"test mse ours {value:.4g} vs plain {reference:.4g} ({value / reference:.2f}×)"
        metric_goal = f"mse ≤ {MSE_FACTOR:g} × plain"
    else:
        quality = f"test accuracy ours {value:.3f} vs plain {reference:.3f} ({value - reference:+.3f})"
        metric_goal = f"accuracy ≥ plain − {ACCURACY_SLACK:g}"
    settings = ours[0]["settings"]
    baseline = ours[0]["baseline"] or {}
    test_baseline = (baseline.get("test") or {}).get("loss" if regression else "accuracy")
    per_seed = ", ".join(f"{o['value']:.3g}/{p['value']:.3g}" for o, p in zip(ours, plain))
    return {
        "name": f"small_data_{name}",
        "ours_s": ours_s,
        "reference_s": reference_s,
        "ratio": ours_s / reference_s,
        "goal": f"mean test {metric_goal} and wall time ≤ {TIME_FACTOR:g}× plain Masking+LSTM(64) script (ratio = ours/plain seconds)",
        "passed": bool(good and fast),
        "notes": f"{quality}, mean of seeds {list(seeds)} (ours/plain per seed: {per_seed}); "
        f"ours batch {settings.get('batch_size')}, patience {settings.get('patience')}, "
        f"epochs run {[o['epochs_run'] for o in ours]} (best {[o['best_epoch'] for o in ours]}); plain {epochs or 50} epochs, batch 32"
        + (f"; baseline ({baseline.get('name')}) on test {test_baseline:.4g}" if test_baseline is not None else "")
        + (" (quick: two sets, one seed)" if quick else ""),
        "ours_value": value,
        "reference_value": reference,
        "metric": "mse" if regression else "accuracy",
    }


def _runner(name: str, folder: str, regression: bool):
    def bench(quick: bool) -> dict | list:
        if quick and name not in QUICK_SETS:
            return []
        return compare(name, folder, regression, seeds=SEEDS[:1] if quick else SEEDS, epochs=None, quick=quick)

    bench.__name__ = f"small_data_{name}"
    return bench


BENCHMARKS = [_runner(*entry) for entry in SETS]
