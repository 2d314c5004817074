"""File ▸ Predict on a file…, sessions that carry the trained model, and Locate the data file…"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.loaders import load
from core.model.defaults import default_spec
from core.recipe import load_recipe, recipe_for, recipe_path, save_recipe
from core.shaping.tensorize import shape_dataset
from core.training.config import TrainingConfig
from tests.gui.fake_training import scripted_run
from tests.gui.test_training_lifecycle import (  # noqa: F401 (main_window is a fixture)
    LONG_OPTIONS,
    WAIT_MS,
    Dialogs,
    _install,
    _write_long_csv,
    main_window,
)

ROOT = Path(__file__).resolve().parents[2]
VOWELS_TRAIN = ROOT / "resources" / "demos" / "JapaneseVowels_TRAIN.ts"
VOWELS_TEST = ROOT / "resources" / "demos" / "JapaneseVowels_TEST.ts"
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _file_menu_texts(window) -> list[str]:
    bar = window.menuBar()
    menu = next(a.menu() for a in bar.actions() if a.menu() is not None and "File" in a.text())
    return [a.text().replace("&", "") for a in menu.actions()]


def _fake_model_with_recipe(folder: Path, data: Path) -> Path:
    """A file standing in for a trained .keras, with a real recipe beside it (no Keras needed)."""
    dataset = load(data, LONG_OPTIONS)
    shaped = shape_dataset(dataset)
    model = folder / "run-1.keras"
    model.write_bytes(b"PK\x03\x04 not a real model")
    save_recipe(recipe_for(data, LONG_OPTIONS, shaped, default_spec(shaped), TrainingConfig(epochs=2)), model)
    return model


def test_file_menu_offers_predict_on_a_file(qtbot, monkeypatch, main_window):
    Dialogs(monkeypatch)
    workflow = _install(main_window, None)
    assert "Predict on a file…" in _file_menu_texts(main_window)
    assert workflow.exports.predict_action.isEnabled()
    # no trained model yet: it asks for one; cancelling asks nothing more
    asked = []
    monkeypatch.setattr("gui.export_actions.QFileDialog.getOpenFileName", lambda *a, **k: (asked.append(a[1]), ("", ""))[1])
    assert workflow.exports.predict_on_file() is False
    assert asked == ["Predict: choose a trained model"]


def test_predict_with_a_model_without_recipe_says_so_in_a_dialog(qtbot, monkeypatch, tmp_path, main_window):
    dialogs = Dialogs(monkeypatch)
    workflow = _install(main_window, None)
    bare = tmp_path / "bare.keras"
    bare.write_bytes(b"PK\x03\x04")
    assert workflow.exports.predict_paths(str(bare), str(VOWELS_TEST))
    qtbot.waitUntil(lambda: bool(dialogs.warnings), timeout=60_000)
    assert dialogs.warnings == [
        "bare.keras has no recipe beside it (bare.recipe.json), so Shape Explorer does not know how its input was "
        "shaped: save the model from Shape Explorer (train --save or Export ▸ trained model) to get one."
    ]
    assert workflow.exports.predictions_dialog is None


@pytest.mark.slow
def test_predict_on_a_file_shows_the_predictions_beside_the_labels(qtbot, monkeypatch, tmp_path, main_window):
    dialogs = Dialogs(monkeypatch)
    workflow = _install(main_window, None)
    model = tmp_path / "vowels.keras"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    trained = subprocess.run([sys.executable, "-m", "core", "train", str(VOWELS_TRAIN), "--save", str(model), "--epochs", "1", "--units", "4"],
                             capture_output=True, text=True, timeout=280, env=env)
    assert trained.returncode == 0, trained.stderr[-1000:]
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(VOWELS_TRAIN))
    workflow.training_panel.restore_history({"loss": [1.0, 0.5]}, {"saved_model": str(model), "best_epoch": 2})
    monkeypatch.setattr("gui.export_actions.QFileDialog.getOpenFileName", lambda *a, **k: (str(VOWELS_TEST), ""))
    assert workflow.exports.predict_on_file()  # the trained model is used without asking for one
    qtbot.waitUntil(lambda: workflow.exports.predictions_dialog is not None or bool(dialogs.warnings), timeout=240_000)
    assert dialogs.warnings == []
    dialog = workflow.exports.predictions_dialog
    qtbot.addWidget(dialog)
    result = dialog.result
    assert dialog.table.rowCount() == len(result.predictions) == 370
    assert dialog.headers() == ["Sample", "Prediction", "Probability", "Label in the file"]
    assert [dialog.cell_text(i, 1) for i in range(370)] == result.predictions
    assert dialog.cell_text(0, 3) == "1"  # the test file's first utterance is speaker 1
    assert "Accuracy against the file's own labels" in dialog.summary.text()
    # the same answer as the command line
    done = subprocess.run([sys.executable, "-m", "core", "predict", str(model), str(VOWELS_TEST), "--json"],
                          capture_output=True, text=True, timeout=280, env=env)
    assert json.loads(done.stdout)["predictions"] == result.predictions


def test_session_carries_the_trained_model_and_reopens_with_it(qtbot, monkeypatch, tmp_path, main_window):
    Dialogs(monkeypatch)
    workflow = _install(main_window, lambda job: scripted_run(epochs=2, batches=2))
    data = _write_long_csv(tmp_path / "walk.csv")
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(data), LONG_OPTIONS)
    runs = tmp_path / "runs"
    runs.mkdir()
    model = _fake_model_with_recipe(runs, data)
    workflow.training_panel.restore_history({"loss": [1.0, 0.5]}, {"saved_model": str(model), "best_epoch": 2})
    session_path = tmp_path / "saved" / "walk.shapesession.json"
    session_path.parent.mkdir()
    monkeypatch.setattr("gui.export_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(session_path), ""))
    assert workflow.exports.save_session() == session_path
    beside = session_path.with_name("walk.keras")
    assert beside.read_bytes() == model.read_bytes() and load_recipe(beside) == load_recipe(model)
    document = json.loads(session_path.read_text())
    assert document["model_file_relative"] == "walk.keras" and document["recipe"]["class_names"] == ["down", "up"]

    shutil.rmtree(runs)  # the run's temporary model is gone (as after closing the app)
    workflow.training_panel.restore_history({})
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        assert workflow.exports.open_session_path(session_path) is not None
    qtbot.waitUntil(lambda: (workflow.training_panel.last_result or {}).get("saved_model") == str(beside.resolve()), timeout=WAIT_MS)
    assert workflow.exports.export_model_action.isEnabled()
    assert workflow.exports.trained_model() == str(beside.resolve())
    # Export ▸ trained model copies the model and its recipe
    from gui.export_actions import move_model

    exported = move_model(beside, tmp_path / "exported.keras")
    assert recipe_path(exported).is_file() and load_recipe(exported) == load_recipe(beside)


def test_a_session_whose_data_moved_offers_locate_and_restores_nothing_half_way(qtbot, monkeypatch, tmp_path, main_window):
    Dialogs(monkeypatch)
    workflow = _install(main_window, None)
    data = _write_long_csv(tmp_path / "walk.csv")
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(data), LONG_OPTIONS)
    workflow.training_panel.set_config(TrainingConfig(epochs=7, batch_size=4))
    session_path = tmp_path / "walk.shapesession.json"
    monkeypatch.setattr("gui.export_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(session_path), ""))
    assert workflow.exports.save_session() == session_path
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = elsewhere / "walk-renamed.csv"
    os.replace(data, moved)
    session_path.rename(tmp_path / "kept.shapesession.json")  # the relative path no longer finds it either
    session_path = tmp_path / "kept.shapesession.json"
    workflow.training_panel.set_config(TrainingConfig(epochs=3, batch_size=16))

    asked = []
    monkeypatch.setattr(workflow, "ask_to_locate", lambda missing: (asked.append(missing), False)[1])
    assert workflow.exports.open_session_path(session_path) is None
    assert asked == [str(data.resolve())]
    assert workflow.training_panel.config().epochs == 3 and workflow.training_panel.config().batch_size == 16  # untouched

    monkeypatch.setattr(workflow, "ask_to_locate", lambda missing: True)
    monkeypatch.setattr("gui.training_workflow.QFileDialog.getOpenFileName", lambda *a, **k: (str(moved), ""))
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        assert workflow.exports.open_session_path(session_path) is not None
    assert main_window.state.path == str(moved)
    assert workflow.training_panel.config().epochs == 7 and workflow.training_panel.config().batch_size == 4


@pytest.mark.parametrize("press", ["Locate the data file…", "Cancel"])
def test_the_locate_question_names_the_file_and_offers_the_button(qtbot, monkeypatch, main_window, press):
    from PySide6.QtWidgets import QMessageBox

    workflow = _install(main_window, None)
    seen = {}

    def fake_exec(box):
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        next(b for b in box.buttons() if b.text() == press).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    answer = workflow.ask_to_locate("/gone/walk.csv")
    assert "walk.csv" in seen["text"] and "nothing is restored" in seen["text"]
    assert "Locate the data file…" in seen["buttons"]
    assert answer is (press != "Cancel")
