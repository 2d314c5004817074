"""The recipe: one typed record, JSON round trip, saved atomically beside the model, checked on read."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from core.export.script import render_script
from core.loaders import load
from core.model.defaults import default_spec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.recipe import (
    RECIPE_VERSION,
    Recipe,
    RecipeError,
    load_recipe,
    recipe_for,
    recipe_for_dataset,
    recipe_path,
    save_recipe,
)
from core.session import Session, load_session, save_session
from core.shaping.tensorize import shape_dataset
from core.training.config import TrainingConfig
from core.training.job import TrainingJob

ROOT = Path(__file__).resolve().parents[2]
DEMOS = ROOT / "resources" / "demos"
REAL = ROOT / "tests" / "data" / "real"


def _recipe(path: Path, load_options: LoadOptions = LoadOptions(), padding: PaddingOptions = PaddingOptions(), window=None) -> Recipe:
    dataset = load(path, load_options)
    shaped = shape_dataset(dataset, padding, window)
    job = TrainingJob(path=str(path), load_options=load_options, padding=padding, window=window, config=TrainingConfig(epochs=3))
    return job.recipe(shaped)


@pytest.mark.parametrize(
    "path, window",
    [
        (DEMOS / "sentiment_reviews.txt", None),
        (DEMOS / "JapaneseVowels_TRAIN.ts", None),
        (REAL / "aeon" / "GunPoint_TRAIN.tsv", None),
        (DEMOS / "us_change_quarterly.csv", WindowOptions(window=8, target_cols=("Consumption",))),
        (DEMOS / "vowels_long.csv", None),
    ],
)
def test_recipe_round_trips_through_json(path, window):
    recipe = _recipe(path, window=window)
    again = Recipe.from_json(recipe.to_json())
    assert again == recipe
    assert json.loads(recipe.to_json())["version"] == RECIPE_VERSION


def test_text_recipe_keeps_the_vocabulary_and_the_classes():
    recipe = _recipe(DEMOS / "sentiment_reviews.txt")
    dataset = load(DEMOS / "sentiment_reviews.txt")
    assert recipe.kind == "tokens" and recipe.format == "text"
    assert recipe.vocabulary == tuple(dataset.vocabulary) and recipe.vocabulary[:2] == ("<pad>", "<unk>")
    assert recipe.class_names == ("negative", "positive") and recipe.is_classification
    assert recipe.load_options.label_col == "last"  # the detected label position, not just what was given
    assert recipe.timesteps == shape_dataset(dataset).x.shape[1] and recipe.n_features == 1


def test_recipe_holds_the_effective_read_options_and_resolved_maxlen():
    recipe = _recipe(DEMOS / "vowels_long.csv")
    options = recipe.load_options
    assert (options.layout, options.id_col, options.time_col, options.label_col) == ("long", "utterance", "frame", "speaker")
    assert options.feature_cols == tuple(f"lpc_{i}" for i in range(1, 13))
    assert recipe.padding.maxlen == 26 and recipe.timesteps == 26 and recipe.n_features == 12
    assert recipe.class_names[0] == "speaker_1" and recipe.label_name == "speaker"


def test_window_recipe_names_its_targets():
    recipe = _recipe(DEMOS / "us_change_quarterly.csv", window=WindowOptions(window=8, target_cols=("Consumption",)))
    assert recipe.kind == "series" and recipe.window.window == 8 and recipe.task == "regression"
    assert recipe.target_names == ("Consumption",) and recipe.feature_names[0] == "Consumption"
    assert recipe.class_names is None


def test_recipe_without_the_tensor_equals_the_one_from_it():
    """The exported script's recipe (from the loaded file and the options) is the training job's recipe."""
    for path in (DEMOS / "sentiment_reviews.txt", DEMOS / "JapaneseVowels_TRAIN.ts"):
        dataset = load(path)
        shaped = shape_dataset(dataset, PaddingOptions(), None)
        spec = default_spec(shaped)
        from_tensor = recipe_for(path, LoadOptions(), shaped, spec, TrainingConfig())
        from_plan = recipe_for_dataset(path, LoadOptions(), dataset, PaddingOptions(), None, spec, TrainingConfig())
        assert from_plan == from_tensor


def test_exported_script_embeds_the_recipe_with_escaped_strings(tmp_path):
    path = tmp_path / "o'brien \"q\" {x}.txt"  # (the header's escaping of names is tested with the exporter)
    path.write_text("".join(f"a fine film {i}\tpos\nan awful , dull film\tneg\n" for i in range(5)))
    dataset = load(path)
    spec = default_spec(shape_dataset(dataset))
    text = render_script(str(path), LoadOptions(), PaddingOptions(), None, spec, TrainingConfig(epochs=1), dataset=dataset)
    compile(text, "exported.py", "exec")  # quotes in names do not break the save section
    assert "MODEL_FILE = " + repr("o'brien \"q\" {x}.keras") in text
    assert 'RECIPE["vocabulary"] = vocabulary' in text and "model.recipe.json" not in text
    assert ".recipe.json" in text and "os.replace(temporary, MODEL_FILE)" in text


def test_saved_beside_the_model_atomically_and_read_back(tmp_path):
    recipe = _recipe(DEMOS / "JapaneseVowels_TRAIN.ts")
    model = tmp_path / "my model.keras"
    written = save_recipe(recipe, model)
    assert written == recipe_path(model) == tmp_path / "my model.recipe.json"
    assert load_recipe(model) == recipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my model.recipe.json"]  # no temporary left behind
    save_recipe(replace(recipe, file="/elsewhere/train.ts"), model)
    assert load_recipe(model).file == "/elsewhere/train.ts"


def test_missing_recipe_is_one_sentence(tmp_path):
    with pytest.raises(RecipeError, match=r"m\.keras has no recipe beside it \(m\.recipe\.json\)"):
        load_recipe(tmp_path / "m.keras")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: {**d, "version": RECIPE_VERSION + 1}, "newer Shape Explorer"),
        (lambda d: {**d, "format_name": "something"}, "not a Shape Explorer recipe"),
        (lambda d: {k: v for k, v in d.items() if k != "spec"}, "missing the field 'spec'"),
        (lambda d: {**d, "vocabulary": [1, 2]}, 'field "vocabulary"'),
        (lambda d: {**d, "timesteps": -3}, 'field "timesteps"'),
        (lambda d: {**d, "spec": {**d["spec"], "layers": []}}, 'field "spec"'),
    ],
)
def test_bad_recipes_are_refused_naming_the_field(tmp_path, change, message):
    recipe = _recipe(DEMOS / "sentiment_reviews.txt")
    target = recipe_path(tmp_path / "m.keras")
    target.write_text(json.dumps(change(recipe.to_dict())))
    with pytest.raises(RecipeError, match=message):
        load_recipe(tmp_path / "m.keras")


def test_not_json_is_refused(tmp_path):
    recipe_path(tmp_path / "m.keras").write_bytes(b"\x00\xff not json")
    with pytest.raises(RecipeError):
        load_recipe(tmp_path / "m.keras")


def test_job_from_a_recipe_trains_the_same_thing():
    recipe = _recipe(DEMOS / "JapaneseVowels_TRAIN.ts")
    job = TrainingJob.from_recipe(recipe, save_path="x.keras")
    assert (job.path, job.padding, job.spec, job.config, job.save_path) == (recipe.file, recipe.padding, recipe.spec, recipe.config, "x.keras")


def test_session_carries_the_recipe_and_the_model_file(tmp_path):
    recipe = _recipe(DEMOS / "JapaneseVowels_TRAIN.ts")
    (tmp_path / "run.keras").write_bytes(b"not really a model")
    session = Session(file=str(DEMOS / "JapaneseVowels_TRAIN.ts"), spec=recipe.spec, recipe=recipe, model_file=str(tmp_path / "run.keras"))
    target = tmp_path / "s.shapesession.json"
    save_session(target, session)
    document = json.loads(target.read_text())
    assert document["model_file_relative"] == "run.keras"
    again = load_session(target)
    assert again.recipe == recipe and again.model_file == str((tmp_path / "run.keras").resolve())
    # the session and its model moved together: found by the relative path
    moved = tmp_path / "moved"
    moved.mkdir()
    os.replace(target, moved / target.name)
    os.replace(tmp_path / "run.keras", moved / "run.keras")
    assert load_session(moved / target.name).model_file == str((moved / "run.keras").resolve())
