"""``shape-explorer predict`` and the checks ``train --save`` / ``train --test`` do for it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from core.cli.app import COMMAND_NAMES, main

ROOT = Path(__file__).resolve().parents[2]
DEMOS = ROOT / "resources" / "demos"
REAL = ROOT / "tests" / "data" / "real"
VOWELS_TRAIN, VOWELS_TEST = DEMOS / "JapaneseVowels_TRAIN.ts", DEMOS / "JapaneseVowels_TEST.ts"
TINY = ["--epochs", "1", "--units", "4"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def vowels_model(tmp_path_factory) -> Path:
    model = tmp_path_factory.mktemp("model") / "vowels.keras"
    code, out, err = _run(["train", str(VOWELS_TRAIN), "--save", str(model), *TINY])
    assert code == 0, err
    assert f"Saved the model to {model}" in out
    return model


def test_predict_is_a_registered_command():
    assert "predict" in COMMAND_NAMES


@pytest.mark.slow
def test_predict_prints_one_class_name_per_sample(vowels_model):
    code, out, err = _run(["predict", str(vowels_model), str(VOWELS_TEST)])
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("sample ")]
    assert len(lines) == 370  # JapaneseVowels_TEST has 370 utterances
    assert all(line.split("\t")[1] in {str(i) for i in range(1, 10)} for line in lines)
    assert "Accuracy against the file's own labels" in out


@pytest.mark.slow
def test_predict_json_has_predictions_and_classes(vowels_model):
    code, out, err = _run(["predict", str(vowels_model), str(VOWELS_TEST), "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert result["classes"] == [str(i) for i in range(1, 10)]
    assert len(result["predictions"]) == 370 and set(result["predictions"]) <= set(result["classes"])
    assert result["shape"] == [370, 26, 12]  # the training maxlen, although test utterances are longer
    assert len(result["probabilities"][0]) == 9 and abs(sum(result["probabilities"][0]) - 1) < 1e-4
    assert 0.0 <= result["accuracy"] <= 1.0


@pytest.mark.slow
def test_predict_without_a_recipe_is_one_sentence(vowels_model, tmp_path):
    bare = tmp_path / "copied.keras"
    shutil.copyfile(vowels_model, bare)
    code, out, err = _run(["predict", str(bare), str(VOWELS_TEST)])
    assert code == 2 and out == ""
    assert err.strip() == (
        "copied.keras has no recipe beside it (copied.recipe.json), so Shape Explorer does not know how its input was "
        "shaped: save the model from Shape Explorer (train --save or Export ▸ trained model) to get one."
    )


@pytest.mark.slow
def test_predict_on_other_features_or_kind_or_length_says_so(vowels_model, tmp_path):
    code, _, err = _run(["predict", str(vowels_model), str(REAL / "aeon" / "GunPoint_TEST.ts")])
    assert code == 2 and "has 1 feature per timestep but the model takes 12" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(["predict", str(vowels_model), str(DEMOS / "sentiment_reviews.txt")])
    assert code == 2 and "holds text (token ids) but the model was trained on sequences" in err
    code, _, err = _run(["predict", str(vowels_model), str(VOWELS_TEST), "--maxlen", "20"])
    assert code == 2 and "shapes to 20 timesteps but the model takes 26" in err
    code, _, err = _run(["predict", str(vowels_model), str(tmp_path / "missing.ts")])
    assert code == 2 and "missing.ts" in err
    code, _, err = _run(["predict", str(tmp_path / "model.h5"), str(VOWELS_TEST)])
    assert code == 2 and "legacy HDF5" in err


# ---- train --save checks the target before the first epoch ------------------------------------
@pytest.mark.parametrize(
    "target, message",
    [
        ("model.h5", "not legacy HDF5"),
        ("model.txt", "use a name ending in .keras"),
        ("missing-folder/model.keras", "does not exist"),
        (".", "is a folder"),
    ],
)
def test_train_save_target_is_checked_before_training(tmp_path, monkeypatch, target, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["train", str(VOWELS_TRAIN), "--save", target, *TINY])
    assert code == 2 and message in err
    assert "Epoch" not in out and out == ""  # nothing trained


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_train_save_into_a_read_only_folder_fails_first(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, out, err = _run(["train", str(VOWELS_TRAIN), "--save", str(folder / "m.keras"), *TINY])
    finally:
        folder.chmod(0o700)
    assert code == 2 and "cannot be written to" in err and out == ""


def test_read_only_folder_check_uses_the_permission(tmp_path, monkeypatch):
    from core.errors import TrainingError
    from core.model_io import check_save_target

    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(TrainingError, match="cannot be written to"):
        check_save_target(tmp_path / "m.keras")


def test_save_target_without_a_suffix_gets_keras(tmp_path):
    from core.model_io import check_save_target

    assert check_save_target(tmp_path / "model") == tmp_path / "model.keras"


# ---- train --test works for a wide CSV/TSV ------------------------------------------------------
@pytest.mark.slow
def test_train_test_with_a_wide_tsv_reads_the_test_file(tmp_path):
    train = REAL / "aeon" / "GunPoint_TRAIN.tsv"
    test = tmp_path / "GunPoint_again.tsv"
    shutil.copyfile(train, test)
    code, out, err = _run(["train", str(train), "--test", str(test), "--json", *TINY])
    assert code == 0, err
    done = json.loads(out.strip().splitlines()[-1])
    assert 0.0 <= done["test"]["accuracy"] <= 1.0
    code, out, err = _run(["train", str(train), "--test", str(REAL / "aeon" / "GunPoint_TEST.ts"), "--json", *TINY])
    assert code == 0, err


@pytest.mark.slow
def test_predict_on_csv_files_without_the_label_column(tmp_path):
    """Files to predict on usually have no labels: the same layout minus the label column still reads."""
    import numpy as np
    import pandas as pd

    long_csv = DEMOS / "vowels_long.csv"
    model = tmp_path / "long.keras"
    assert _run(["train", str(long_csv), "--save", str(model), *TINY])[0] == 0
    unlabelled = tmp_path / "no_speaker.csv"
    pd.read_csv(long_csv).drop(columns=["speaker"]).to_csv(unlabelled, index=False)
    with_labels = json.loads(_run(["predict", str(model), str(long_csv), "--json"])[1])
    code, out, err = _run(["predict", str(model), str(unlabelled), "--json"])
    assert code == 0, err
    without = json.loads(out)
    assert without["predictions"] == with_labels["predictions"] and "truth" not in without

    wide = REAL / "aeon" / "GunPoint_TRAIN.tsv"  # headerless UCR: the class is column 0
    model = tmp_path / "wide.keras"
    assert _run(["train", str(wide), "--save", str(model), *TINY])[0] == 0
    values_only = tmp_path / "values.tsv"
    table = pd.read_csv(wide, sep="\t", header=None)
    table.iloc[:, 1:].to_csv(values_only, sep="\t", header=False, index=False)
    with_labels = json.loads(_run(["predict", str(model), str(wide), "--json"])[1])
    code, out, err = _run(["predict", str(model), str(values_only), "--json"])
    assert code == 0, err
    without = json.loads(out)
    assert without["shape"] == [50, 150, 1]
    np.testing.assert_array_equal(without["predictions"], with_labels["predictions"])


@pytest.mark.slow
def test_per_step_models_predict_one_class_per_real_step(tmp_path):
    import numpy as np

    rng = np.random.default_rng(2)
    rows = ["id,t,a,b,phase"]
    for i in range(24):
        for t in range(3 + i % 4):
            value = rng.normal()
            rows.append(f"s{i},{t},{value:.4f},{rng.normal():.4f},{'rise' if value > 0 else 'fall'}")
    data = tmp_path / "steps.csv"
    data.write_text("\n".join(rows) + "\n")
    model = tmp_path / "steps.keras"
    layout = ["--layout", "long", "--id-col", "id", "--time-col", "t", "--label-col", "phase"]
    assert _run(["train", str(data), *layout, "--save", str(model), *TINY])[0] == 0
    code, out, err = _run(["predict", str(model), str(data), "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert result["task"] == "sequence" and result["classes"] == ["fall", "rise"]
    from core.loaders import load
    from core.options import LoadOptions

    lengths = load(data, LoadOptions(layout="long", id_col="id", time_col="t", label_col="phase")).lengths.tolist()
    assert [len(p) for p in result["predictions"]] == lengths and max(lengths) == 6  # padded steps left out
    assert {c for p in result["predictions"] for c in p} <= {"fall", "rise"}
