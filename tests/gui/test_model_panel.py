"""The model builder: editing layers, input and head; the instant shape table; cuDNN badges; data checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.dataset import Labels, SequenceDataset, SourceInfo
from core.model.defaults import DEFAULT_UNITS
from core.model.shapes import layer_table, total_params
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.options import PaddingOptions
from core.shaping.tensorize import shape_dataset
from gui.model_panel import ModelBuilderPanel

REPO = Path(__file__).resolve().parents[2]


def ragged(n=30, features=3, classes=2, padding="post", seed=0):
    """A small ragged float dataset with class labels, shaped like the window shapes it."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, 12, size=n)
    values = rng.normal(size=(int(lengths.sum()), features)).astype(np.float32)
    labels = Labels(np.arange(n) % classes, "binary" if classes == 2 else "multiclass", tuple(f"c{i}" for i in range(classes)))
    source = SourceInfo(path="synthetic.csv", format="csv-long")
    dataset = SequenceDataset.from_sequences(np.split(values, np.cumsum(lengths)[:-1]), source, labels=labels)
    return shape_dataset(dataset, PaddingOptions(padding=padding), None)


@pytest.fixture
def panel(qtbot):
    panel = ModelBuilderPanel()
    qtbot.addWidget(panel)
    return panel


def table_rows(panel):
    return [[panel.table.item(r, c).text() for c in range(5)] for r in range(panel.table.rowCount())]


def test_default_spec_without_data_is_shown(panel):
    spec = panel.spec()
    assert spec == ModelSpec()
    rows = table_rows(panel)
    assert [r[0] for r in rows] == [row.name for row in layer_table(spec)]
    assert panel.total_label.text().endswith(f"<b>{total_params(spec):,}</b>")
    assert "Load a file" in panel.warnings.text()
    assert not panel.reset_button.isEnabled()


def test_data_sets_the_default_model_and_it_fits(panel, qtbot):
    shaped = ragged(classes=4)
    with qtbot.waitSignal(panel.specChanged) as changed:
        panel.set_data(shaped)
    spec = changed.args[0]
    assert spec.input.kind == "masking" and spec.input.timesteps == shaped.x.shape[1] and spec.input.features == 3
    assert spec.head.task == "multiclass" and spec.head.n_outputs == 4
    assert panel.problems() == []
    assert "fits the data" in panel.warnings.text()
    output = table_rows(panel)[-1]
    assert output[2] == "(None, 4)" and output[1] == "Dense"


def test_units_update_the_table_as_you_type(panel, qtbot):
    panel.set_data(ragged())
    editor = panel.layer_editors[0]
    with qtbot.waitSignal(panel.specChanged) as changed:
        editor.units.setValue(17)
    assert changed.args[0].layers[0].units == 17
    lstm_row = next(r for r in table_rows(panel) if r[0] == "lstm_1")
    assert lstm_row[2] == "(None, 17)"
    assert lstm_row[3] == f"{4 * 17 * (3 + 17 + 1):,}"  # 4 gates × units × (inputs + units + bias)
    # typing digit by digit also redraws (keyboard tracking is on)
    editor.units.lineEdit().selectAll()
    qtbot.keyClicks(editor.units.lineEdit(), "5")
    assert panel.spec().layers[0].units == 5


def test_add_reorder_remove_layers_and_return_sequences(panel):
    panel.set_data(ragged())
    panel.add_layer()
    assert len(panel.spec().layers) == 2
    first, second = panel.layer_editors
    assert "return_sequences=<b>True</b>" in first.return_sequences.text()
    assert "another recurrent layer follows" in first.return_sequences.toolTip()
    assert "return_sequences=<b>False</b>" in second.return_sequences.text()
    names = [r[0] for r in table_rows(panel)]
    assert names[2:5] == ["standardize", "lstm_1", "lstm_2"]
    assert table_rows(panel)[3][2] == f"(None, {panel.spec().input.timesteps}, {DEFAULT_UNITS})"

    second.kind.setCurrentText("GRU")
    second.bidirectional.setChecked(True)
    panel.move_layer(1, -1)  # the ▲ button of row 2
    layers = panel.spec().layers
    assert (layers[0].kind, layers[0].bidirectional, layers[1].kind) == ("GRU", True, "LSTM")
    assert table_rows(panel)[3][1] == "Bidirectional" and table_rows(panel)[3][2].endswith(f", {2 * DEFAULT_UNITS})")
    assert not panel.layer_editors[0].up.isEnabled() and not panel.layer_editors[1].down.isEnabled()

    panel.layer_editors[0].remove.click()
    assert [layer.kind for layer in panel.spec().layers] == ["LSTM"]
    assert not panel.layer_editors[0].remove.isEnabled()  # the last layer stays


def test_cudnn_badge_says_why_and_how_to_fix(panel):
    panel.set_data(ragged())
    badge = panel.layer_editors[0].badge
    assert badge.text() == "cuDNN ✓"
    panel.layer_editors[0].recurrent_dropout.setValue(0.25)
    assert badge.text() == "no cuDNN"
    tip = badge.toolTip()
    assert "recurrent_dropout is 0.25" in tip and "set recurrent_dropout=0" in tip
    panel.layer_editors[0].recurrent_dropout.setValue(0.0)
    assert badge.text() == "cuDNN ✓"


def test_pre_padding_with_a_mask_marks_every_layer(panel):
    panel.set_data(ragged(padding="pre"))
    panel.add_layer()
    for editor in panel.layer_editors:
        assert editor.badge.text() == "no cuDNN"
        assert "padding='post'" in editor.badge.toolTip()


def test_spec_that_does_not_fit_the_data_warns_and_reset_fixes_it(panel, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    shaped = ragged(features=3)
    panel.set_data(shaped)
    panel.features.setValue(5)
    problems = panel.problems()
    assert len(problems) == 1 and "expects 5 features" in problems[0] and "has 3" in problems[0]
    assert "does not fit the data" in panel.warnings.text()
    panel.input_kind.setCurrentIndex(panel.input_kind.findData("dense"))
    assert any("Masking" in p for p in panel.problems())  # padded data without a mask
    panel.reset_button.click()
    assert panel.problems() == [] and panel.spec().input.features == 3
    assert len(asked) == 1 and "Undo" in asked[0]  # reset asked first: the spec was the user's own
    panel.reset_button.click()
    assert len(asked) == 1  # already the default: nothing to lose, nothing asked


def test_invalid_spec_shows_an_error_and_keeps_the_last_valid_one(panel, qtbot):
    panel.set_data(ragged(classes=3))
    good = panel.spec()
    emitted, problems = [], []
    panel.specChanged.connect(emitted.append)
    panel.problemsChanged.connect(problems.append)
    panel.n_outputs.setValue(1)  # a multi-class head with one class
    assert emitted == [] and panel.spec() == good and not panel.is_valid()
    assert len(problems) == 1 and "at least 2 classes" in problems[0][0]
    assert "cannot be built" in panel.warnings.text() and "at least 2 classes" in panel.problems()[0]
    panel.n_outputs.setValue(3)
    assert emitted == [good] and panel.problems() == [] and problems[-1] == []


def test_head_and_input_rows_follow_the_choices(panel):
    form = panel.head_form
    panel.task.setCurrentIndex(panel.task.findData("binary"))
    assert not form.isRowVisible(panel.n_outputs) and not form.isRowVisible(panel.sequence_classes)
    panel.task.setCurrentIndex(panel.task.findData("sequence"))
    assert form.isRowVisible(panel.sequence_classes)
    panel.sequence_classes.setValue(4)
    assert panel.spec().head.sequence_classes == 4 and panel.spec().return_sequences(0)
    assert table_rows(panel)[-1][2].endswith(", 4)") and "every timestep" in table_rows(panel)[-1][4]
    panel.input_kind.setCurrentIndex(panel.input_kind.findData("embedding"))
    assert panel.input_form.isRowVisible(panel.embedding_dim) and not panel.input_form.isRowVisible(panel.features)
    panel.embedding_dim.setValue(8)
    assert panel.spec().input.kind == "embedding"
    assert "shape=(" in panel.input_shape_label.text() and ",)" in panel.input_shape_label.text()
    assert table_rows(panel)[1][1] == "Embedding"


def test_regression_targets_are_rescaled_to_their_units_unless_switched_off(panel):
    form = panel.head_form
    panel.task.setCurrentIndex(panel.task.findData("binary"))
    assert not form.isRowVisible(panel.scale_targets)
    panel.task.setCurrentIndex(panel.task.findData("regression"))
    assert form.isRowVisible(panel.scale_targets) and panel.scale_targets.isChecked()
    assert [row[:2] for row in table_rows(panel)[-2:]] == [["output", "Dense"], ["target_units", "Rescaling"]]
    assert "target units" in table_rows(panel)[-1][4]
    panel.scale_targets.setChecked(False)
    assert panel.spec().head.scale_targets is False and table_rows(panel)[-1][0] == "output"
    panel.set_spec(panel.spec())
    assert not panel.scale_targets.isChecked()  # round trip


def test_set_spec_round_trips_and_does_not_loop(panel, qtbot):
    spec = ModelSpec(
        input=InputSpec(kind="dense", timesteps=None, features=6),
        layers=(RecurrentLayerSpec("GRU", 12, bidirectional=True, dropout=0.1), RecurrentLayerSpec("LSTM", 5, recurrent_dropout=0.2)),
        head=HeadSpec(task="regression", n_outputs=2, hidden_units=3),
    )
    emitted = []
    panel.specChanged.connect(emitted.append)
    panel.set_spec(spec)
    assert panel.spec() == spec and emitted == [spec]
    assert panel.timesteps.text() == "None (any length)"


def test_reshaping_the_same_data_keeps_layers_and_follows_the_input(panel):
    shaped = ragged()
    panel.set_data(shaped)
    panel.add_layer()
    panel.layer_editors[0].units.setValue(9)
    reshaped = shape_dataset(shaped.dataset, PaddingOptions(maxlen=5, value=-1.0), None)
    panel.set_data(reshaped)
    spec = panel.spec()
    assert [layer.units for layer in spec.layers] == [9, DEFAULT_UNITS]
    assert spec.input.timesteps == 5 and spec.input.mask_value == -1.0
    assert panel.problems() == []


def test_the_model_panel_never_imports_tensorflow():
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
        "sys.path.insert(0, 'tests/gui')\n"
        "from test_model_panel import ragged\n"
        "from gui.model_panel import ModelBuilderPanel\n"
        "p = ModelBuilderPanel(); p.set_data(ragged()); p.add_layer(); p.layer_editors[1].units.setValue(7)\n"
        "import gui.training_panel, gui.training_plots, gui.training_workflow, gui.results_view, gui.export_actions, gui.training_controller\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


def test_the_table_shows_the_standardize_layer_and_it_can_be_switched_off(panel, qtbot):
    panel.set_data(ragged())
    rows = table_rows(panel)
    assert [row[:2] for row in rows[:3]] == [["input", "InputLayer"], ["masking", "Masking"], ["standardize", "Normalization"]]
    assert "padded steps stay masked" in rows[2][4]
    assert panel.input_form.isRowVisible(panel.standardize) and panel.standardize.isChecked()
    panel.standardize.setChecked(False)
    assert panel.spec().input.standardize is False
    assert "standardize" not in [row[0] for row in table_rows(panel)]
    panel.set_spec(panel.spec())
    assert not panel.standardize.isChecked()  # round trip
    panel.input_kind.setCurrentIndex(panel.input_kind.findData("embedding"))
    assert not panel.input_form.isRowVisible(panel.standardize)  # token ids are never scaled
