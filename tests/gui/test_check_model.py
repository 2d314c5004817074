"""Check my model in the window: the user's model beside the data, its mismatches and the Model tab's
in the shape doctor (which only says "No shape problems" when both agree), Use this architecture,
dropping a model file, and the Paste an error… box. The reading and checking is core's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent

from core.model.spec import HeadSpec

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
WAIT_MS = 20000
MODELS = Path(__file__).resolve().parents[1] / "data" / "models"
ERRORS = Path(__file__).resolve().parents[1] / "data" / "errors"


@pytest.fixture(scope="module")
def keras_model(tmp_path_factory) -> Path:
    """A real .keras file: LSTM(4) → Dense(9, softmax), compiled with categorical_crossentropy.

    Made in a separate process: TensorFlow loaded into the window tests' process makes Mesa's
    OpenGL crash in later GL tests (and the window itself never imports Keras either)."""
    path = tmp_path_factory.mktemp("models") / "speakers.keras"
    code = (
        "import os, sys, warnings; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'; import keras\n"
        "model = keras.Sequential([keras.Input((10, 3)), keras.layers.LSTM(4), keras.layers.Dense(9, activation='softmax')])\n"
        "model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
        "warnings.simplefilter('ignore'); model.save(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, timeout=300)
    return path


@pytest.fixture
def window(qtbot, tmp_path):
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from gui.training_workflow import install_training_workflow

    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings, interactive=False, demos=[], use_gl=False)
    qtbot.addWidget(win)
    win.training_workflow = install_training_workflow(win)
    win.show()
    yield win
    win.training_workflow.shutdown()
    win.state.shutdown()


def _open(qtbot, window, tmp_path) -> None:
    path = tmp_path / "speakers.npz"
    rng = np.random.default_rng(0)
    np.savez(path, X=rng.random((27, 10, 3), dtype=np.float32), y=np.arange(27) % 9)
    with qtbot.waitSignal(window.fileLoaded, timeout=WAIT_MS):
        window.open_path(path, wizard=False)


def _codes(window, section: str) -> list[str]:
    return [d.code for d in window.doctor_panel.section(section) or []]


def test_check_my_model_shows_the_layers_and_the_mismatch(qtbot, window, tmp_path, keras_model):
    _open(qtbot, window, tmp_path)
    assert window.check_model_action.isEnabled() and window.check_model_action.text() == "Check my &model…"
    assert "No shape problems" in window.doctor_panel.summary_text()
    assert window.user_model.check_path(keras_model)
    panel = window.user_model.panel
    assert window.user_model.dock.isVisible()
    rows = panel.rows()
    assert [row[1:4] for row in rows[:3]] == [["InputLayer", "(None, 10, 3)", "0"], ["LSTM", "(None, 4)", "128"], ["Dense", "(None, 9)", "45"]]
    assert rows[-1][3] == "173"
    assert "1 problem with this data" in panel.title.text()
    assert _codes(window, "model") == ["loss_label_mismatch"]
    assert "No shape problems" not in window.doctor_panel.summary_text()
    card = next(c for c in window.doctor_panel.cards if c.code == "loss_label_mismatch")
    assert 'loss="sparse_categorical_crossentropy"' in card.fix_code


def test_use_this_architecture_copies_it_into_the_model_builder(qtbot, window, tmp_path, keras_model):
    _open(qtbot, window, tmp_path)
    window.user_model.check_path(keras_model)
    button = window.user_model.panel.use_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    builder = window.training_workflow.model_panel
    spec = builder.spec()
    assert [(layer.kind, layer.units) for layer in spec.layers] == [("LSTM", 4)]
    assert (spec.head.task, spec.head.n_outputs) == ("multiclass", 9)
    assert window.tabs.currentIndex() == window.training_workflow.model_tab
    assert builder.problems() == [] and window.doctor_panel.section("builder") is None


def test_the_doctor_and_the_model_builder_never_disagree(qtbot, window, tmp_path):
    _open(qtbot, window, tmp_path)
    builder = window.training_workflow.model_panel
    assert builder.problems() == [] and "No shape problems" in window.doctor_panel.summary_text()
    from dataclasses import replace

    builder.set_spec(replace(builder.spec(), head=HeadSpec(task="binary")))
    assert builder.problems()
    assert _codes(window, "builder") == ["model_builder_mismatch"] * len(builder.problems())
    assert window.doctor_panel.section("builder")[0].explanation == builder.problems()[0]
    assert "No shape problems" not in window.doctor_panel.summary_text()
    builder.reset_to_defaults()
    assert builder.problems() == [] and window.doctor_panel.section("builder") is None
    assert "No shape problems" in window.doctor_panel.summary_text()


def test_dropping_model_code_checks_it_instead_of_opening_it(qtbot, window, tmp_path):
    _open(qtbot, window, tmp_path)
    shown = _errors(window)
    path = tmp_path / "my_model.py"
    path.write_text("from keras import layers, Sequential\nmodel = Sequential([layers.LSTM(8, input_shape=(10, 5)),\n"
                    "    layers.Dropout(0.2), layers.Dense(9, activation='softmax')])\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    assert shown == [] and window.state.path.endswith("speakers.npz")  # the data stays; the model is checked
    assert _codes(window, "model") == ["features_mismatch"]
    button = window.user_model.panel.use_button
    assert not button.isEnabled() and "Dropout" in button.toolTip()  # the builder has no Dropout layer: read-only


def _errors(window) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    window.errorShown.connect(lambda title, message: shown.append((title, message)))
    return shown


def test_a_model_needs_data_first(window, keras_model):
    shown = _errors(window)
    assert not window.user_model.check_path(keras_model)
    assert shown[-1][0] == "Open your data first"


def test_a_broken_model_file_is_one_sentence(qtbot, window, tmp_path):
    _open(qtbot, window, tmp_path)
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"nope")
    shown = _errors(window)
    assert not window.user_model.check_path(bad)
    assert shown[-1] == ("Could not read broken.keras", "broken.keras: is not a valid .keras archive (File is not a zip file). "
                         "Save the model with model.save('model.keras').")


def test_paste_an_error_explains_it_for_the_data(qtbot, window, tmp_path):
    _open(qtbot, window, tmp_path)
    window.doctor_panel.paste_button.click()
    dialog = window.user_model.last_dialog
    dialog.editor.setPlainText((ERRORS / "tf_keras_2_x_features_axis.txt").read_text())
    dialog.accept()
    assert _codes(window, "error") == ["features_mismatch"]
    card = next(c for c in window.doctor_panel.cards if c.code == "features_mismatch")
    assert "keras.Input(shape=(10, 3))" in card.fix_code
    # the explanation follows the data: more timesteps after padding are in the fix
    window.state.set_padding(window.state.padding.__class__(maxlen=12))
    qtbot.waitUntil(lambda: window.state.snapshot.shaped.x.shape[1] == 12, timeout=WAIT_MS)
    card = next(c for c in window.doctor_panel.cards if c.code == "features_mismatch")
    assert "keras.Input(shape=(12, 3))" in card.fix_code


def test_the_readme_example_in_the_window(qtbot, window):
    from gui.demos import list_demos

    demo = next(d for d in list_demos() if d.name == "vowels")
    with qtbot.waitSignal(window.fileLoaded, timeout=WAIT_MS):
        window.open_path(demo.path, wizard=False)
    window.user_model.check_path(MODELS / "vowels_lstm.py")
    assert _codes(window, "model") == ["sequence_output_mismatch", "loss_label_mismatch", "mask_value_mismatch"]


def test_opening_a_saved_error_explains_it_instead_of_reading_sentences(qtbot, window, tmp_path):
    _open(qtbot, window, tmp_path)
    saved = tmp_path / "traceback.txt"
    saved.write_text((ERRORS / "keras_2_ndim.txt").read_text())
    window.open_path(saved)
    assert window.state.path.endswith("speakers.npz")  # the data stays
    assert _codes(window, "error") == ["two_d_input"]
    assert "traceback.txt holds a shape error" in window.statusBar().currentMessage()
