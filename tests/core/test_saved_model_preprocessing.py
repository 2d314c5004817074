"""A saved model takes the raw tensor a user's own code makes, and scores what the app reported.

For classification (GunPoint, UCR), regression (Tecator, UEA), windows of one series (US change)
and text (short reviews) the app trains a tiny model with ``train --test --save``; then a
SEPARATE plain-Keras process (``tests/core/plain_keras_predict.py``: ``keras.saving.load_model``
in safe mode and ``keras.utils.pad_sequences`` of the raw values, windows of the raw series, or
token ids from the saved vocabulary) scores the saved model on the raw file. Its score must equal
the app's own evaluation, and ``predict --json`` must give the same predictions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
DEMOS = ROOT / "resources" / "demos"
TINY = ["--epochs", "2", "--units", "4", "--seed", "3"]

CASES = {
    "classification": (REAL / "aeon" / "GunPoint_TRAIN.tsv", REAL / "aeon" / "GunPoint_TEST.ts", []),
    # variable length: post-padded, masked, and the test file has longer utterances than maxlen
    "padded": (DEMOS / "JapaneseVowels_TRAIN.ts", DEMOS / "JapaneseVowels_TEST.ts", []),
    "regression": (REAL / "sktime" / "Tecator_TRAIN.ts", REAL / "sktime" / "Tecator_TEST.ts", []),
    "windows": (DEMOS / "us_change_quarterly.csv", DEMOS / "us_change_quarterly.csv", ["--window", "8"]),
    "text": (DEMOS / "sentiment_reviews.txt", DEMOS / "sentiment_reviews.txt", ["--embedding-dim", "4"]),
}


def _predict(model: Path, path: Path, capsys) -> dict:
    code = main(["predict", str(model), str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Every case trained once: ``{kind: (model, app test metrics)}``, and the plain process's answers."""
    folder = tmp_path_factory.mktemp("saved")
    results = {}  # capsys is function-scoped, so the output is captured by hand here
    import contextlib
    import io

    for kind in CASES:
        buffer, errors = io.StringIO(), io.StringIO()
        train, test, extra = CASES[kind]
        model = folder / f"{kind}.keras"
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
            code = main(["train", str(train), "--test", str(test), "--save", str(model), "--json", *TINY, *extra])
        assert code == 0, errors.getvalue()
        done = json.loads(buffer.getvalue().strip().splitlines()[-1])
        assert done["saved_model"] == str(model) and Path(done["saved_recipe"]).is_file()
        results[kind] = (model, done["test"])
    cases = [
        {"kind": "classification" if kind == "padded" else kind, "model": str(model), "file": str(CASES[kind][1]), "window": 8, "horizon": 1}
        for kind, (model, _) in results.items()
    ]
    spec_file = folder / "cases.json"
    spec_file.write_text(json.dumps(cases))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("PYTHONPATH", None)  # plain Keras: nothing of this checkout on the path
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "core" / "plain_keras_predict.py"), str(spec_file)],
                          capture_output=True, text=True, timeout=280, env=env, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    plain = dict(zip(results, json.loads(done.stdout.strip().splitlines()[-1])))
    return results, plain


def test_the_reference_is_plain_keras():
    """The reference process imports nothing of Shape Explorer: only keras, numpy, pandas and the standard library."""
    import ast

    tree = ast.parse((ROOT / "tests" / "core" / "plain_keras_predict.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "json", "os", "re", "sys", "keras", "numpy", "pandas"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["classification", "padded", "text"])
def test_saved_classifier_on_raw_padded_input_scores_like_the_app(trained, kind, capsys):
    results, plain = trained
    model, app = results[kind]
    assert abs(plain[kind]["accuracy"] - app["accuracy"]) <= 0.01
    predicted = _predict(model, CASES[kind][1], capsys)
    assert predicted["predictions"] == plain[kind]["predictions"]
    assert set(predicted["classes"]) >= set(predicted["predictions"])
    assert abs(predicted["accuracy"] - app["accuracy"]) <= 0.01


@pytest.mark.slow
def test_saved_regression_model_on_raw_padded_input_scores_like_the_app(trained, capsys):
    results, plain = trained
    model, app = results["regression"]
    assert plain["regression"]["mse"] == pytest.approx(app["loss"], rel=1e-3)
    predicted = _predict(model, CASES["regression"][1], capsys)
    np.testing.assert_allclose(predicted["predictions"], plain["regression"]["predictions"], rtol=1e-5)
    assert "classes" not in predicted
    # in the targets' units (fat %), not standardised ones
    assert 5 < float(np.mean(predicted["predictions"])) < 40


@pytest.mark.slow
def test_saved_forecaster_on_raw_windows_scores_like_the_app(trained, capsys):
    results, plain = trained
    model, app = results["windows"]
    assert plain["windows"]["mse"] == pytest.approx(app["loss"], rel=1e-3)
    predicted = _predict(model, CASES["windows"][1], capsys)
    reference = np.asarray(plain["windows"]["predictions"])
    ours = np.asarray(predicted["predictions"])
    # every window of the file, also the last one whose target lies beyond the last row
    assert len(ours) == len(reference) + 1
    np.testing.assert_allclose(ours[: len(reference)], reference, rtol=1e-5, atol=1e-6)
    assert predicted["rows"][0] == 8 and predicted["rows"][-1] == predicted["rows"][-2] + 1


@pytest.mark.slow
def test_the_model_holds_its_standardisation_and_keeps_the_mask(trained):
    import keras

    model = keras.saving.load_model(trained[0]["padded"][0], safe_mode=True)
    layer = model.get_layer("standardize")
    assert type(layer).__name__ == "Normalization" and layer.supports_masking
    names = [layer.name for layer in model.layers]
    assert names.index("masking") < names.index("standardize") < names.index("lstm_1")
    config = layer.get_config()
    assert len(config["mean"]) == 12 and abs(config["mean"][0]) > 1e-3 and abs(config["variance"][0] - 1.0) > 1e-3
    # The mask still holds after the Normalization: 10 real steps padded to the model's length give
    # exactly what the same layers give on those 10 steps alone.
    steps = model.input_shape[1]
    x = np.zeros((1, steps, 12), dtype=np.float32)
    x[0, :10] = np.linspace(-1.5, 1.5, 120).reshape(10, 12)
    short_input = keras.Input((10, 12))
    y = short_input
    for name in ("standardize", "lstm_1", "output"):
        y = model.get_layer(name)(y)
    unpadded = keras.Model(short_input, y).predict(x[:, :10], verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), unpadded, rtol=1e-5, atol=1e-6)
    text = keras.saving.load_model(trained[0]["text"][0], safe_mode=True)
    assert "standardize" not in [layer.name for layer in text.layers]  # token ids are never scaled


@pytest.mark.slow
def test_the_exported_script_saves_a_model_and_recipe_that_predict_uses(tmp_path, capsys):
    """The script's own save: the same recipe as the app's, statistics in the model, predict works on it."""
    from dataclasses import replace

    from core.export.script import render_script
    from core.loaders import load
    from core.model.defaults import default_spec
    from core.options import LoadOptions, PaddingOptions
    from core.recipe import load_recipe, recipe_for_dataset
    from core.shaping.tensorize import shape_dataset
    from core.training.config import TrainingConfig
    from core.training.data import prepare_fit_data

    train, test = DEMOS / "JapaneseVowels_TRAIN.ts", DEMOS / "JapaneseVowels_TEST.ts"
    dataset = load(train)
    shaped = shape_dataset(dataset, PaddingOptions(), None)
    spec = default_spec(shaped)
    spec = spec.with_layers([replace(layer, units=4) for layer in spec.layers])
    config = TrainingConfig(epochs=1, batch_size=32)
    script = tmp_path / "train_vowels.py"
    script.write_text(render_script(str(train), LoadOptions(), PaddingOptions(), None, spec, config, dataset=dataset))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=280, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    model = tmp_path / "JapaneseVowels_TRAIN.keras"
    assert f"SAVED_MODEL={model.name}" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["JapaneseVowels_TRAIN.keras", "JapaneseVowels_TRAIN.recipe.json", "train_vowels.py"]
    # settings left to the data (patience here) stay "auto" in the recipe, as in the app's own
    assert load_recipe(model) == recipe_for_dataset(train, LoadOptions(), dataset, PaddingOptions(), None, spec, config)

    import keras

    saved = keras.saving.load_model(model, safe_mode=True)
    app_scaling = prepare_fit_data(spec, shaped, config).scaling  # the app's statistics for the same split
    layer = saved.get_layer("standardize").get_config()
    np.testing.assert_allclose(layer["mean"], app_scaling.mean, rtol=1e-9)
    np.testing.assert_allclose(layer["variance"], np.square(app_scaling.std), rtol=1e-9)
    predicted = _predict(model, test, capsys)
    assert len(predicted["predictions"]) == 370 and predicted["classes"] == [str(i) for i in range(1, 10)]
