"""Spin boxes whose range follows the data say so when a typed value does not fit (issue 14).

A plain QSpinBox drops the ``0`` of a typed ``250`` when its maximum is 25 and shows ``25`` without
a word; these tests type with the keyboard (``qtbot.keyClicks``) and check the sentence beside the
box and in the status bar, and that the value kept is the limit.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip

from core.model.spec import RecurrentLayerSpec
from core.options import WindowOptions
from gui import training_controller as tc
from gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox, limit_sentence
from gui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _tooltips_closed(qtbot):
    """The sentence is also a tooltip under the box: closed again before the leak check looks."""
    yield
    QToolTip.hideText()

    def tooltip_hidden() -> bool:
        return not any(w.objectName() == "qtooltip_label" and w.isVisible() for w in QApplication.topLevelWidgets())

    qtbot.waitUntil(tooltip_hidden, timeout=3000)


def type_into(qtbot, spin, text: str, *, enter: bool = False) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    if enter:
        qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_the_sentence_names_the_quantity_the_limit_and_the_reason():
    assert limit_sentence("Window length", "at most", "25", "the series has 25 rows") == \
        "Window length is at most 25 here: the series has 25 rows."
    assert limit_sentence("Seed", "at most", "9", "") == "Seed is at most 9."


def test_typing_past_the_maximum_says_why_in_the_status_bar_and_beside_the_box(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    spin = LimitedSpinBox("Window length")
    window.setCentralWidget(spin)
    spin.set_limits(1, 25, high_reason="the series has 25 rows")
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(spin.limitHit) as hit:
        type_into(qtbot, spin, "250")
    expected = "Window length is at most 25 here: the series has 25 rows."
    assert hit.args == [expected]
    assert spin.value() == 25 and spin.text() == "25"  # Qt still keeps the limit...
    assert window.statusBar().currentMessage() == expected  # ...but now says why
    assert QToolTip.text() == expected


def test_typing_below_the_minimum_says_so_when_editing_ends(qtbot):
    spin = LimitedSpinBox("Stride")
    qtbot.addWidget(spin)
    spin.set_limits(1, 100)
    spin.setValue(8)
    spin.show()
    with qtbot.waitSignal(spin.limitHit) as hit:
        type_into(qtbot, spin, "0", enter=True)
    assert hit.args == ["Stride is at least 1."]
    assert spin.value() == 8  # the old value stays, as before


def test_values_inside_the_range_and_words_are_quiet(qtbot):
    spin = LimitedDoubleSpinBox("Validation split")
    qtbot.addWidget(spin)
    spin.set_limits(0.0, 0.9)
    spin.show()
    with qtbot.assertNotEmitted(spin.limitHit):
        type_into(qtbot, spin, "0.5", enter=True)
        type_into(qtbot, spin, "x")
    assert spin.value() == pytest.approx(0.5)
    with qtbot.waitSignal(spin.limitHit) as hit:
        type_into(qtbot, spin, "3")
    assert hit.args == ["Validation split is at most 0.90."]


def test_window_designer_says_the_window_is_at_most_the_series(qtbot):
    from gui.views.window_designer import WindowDesigner

    window = QMainWindow()
    qtbot.addWidget(window)
    view = WindowDesigner()
    window.setCentralWidget(view)
    view.set_series(np.arange(25.0), ("value",))
    window.show()
    qtbot.waitExposed(window)
    type_into(qtbot, view._window, "250")
    assert view._window.value() == 25
    assert window.statusBar().currentMessage() == "Window length is at most 25 here: the series has 25 rows."
    # Options from a file or session that do not fit are clamped with the same sentence.
    window.statusBar().clearMessage()
    view.set_series(np.arange(12.0), ("value",))
    assert view.options().window == 12
    assert window.statusBar().currentMessage() == "Window length is at most 12 here: the series has 12 rows."
    view.set_options(WindowOptions(window=5, stride=40))
    assert view.options().stride == 12 and "Stride is at most 12 here" in window.statusBar().currentMessage()


def open_demo(qtbot, name: str) -> MainWindow:
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo(name)
    return window


def test_the_sample_boxes_say_how_many_samples_there_are(qtbot):
    window = open_demo(qtbot, "vowels")  # 270 samples
    expected = "Sample is at most 269 here: the tensor has 270 samples, counted from 0."
    window.show_view(1)
    type_into(qtbot, window.sample_view._spin, "1000")
    assert window.sample_view._spin.value() == 100  # the last 0 is refused: 1000 > 269
    assert window.statusBar().currentMessage() == expected
    window.statusBar().clearMessage()
    values = window.values_view
    window.show_view(window.tabs.indexOf(values))
    type_into(qtbot, values.sample_spin, "300")
    assert values.sample_spin.value() == 30
    assert window.statusBar().currentMessage() == expected
    window.statusBar().clearMessage()
    window.show_view(0)
    spin = window.tensor_view._spins["timestep"]
    type_into(qtbot, spin, "99")
    assert window.statusBar().currentMessage() == "Timestep is at most 25 here: the tensor has 26 timesteps, counted from 0."


def test_the_wizard_window_length_says_how_long_the_series_is(qtbot, tmp_path):
    from gui.import_wizard import ImportWizard

    path = tmp_path / "series.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(30)), encoding="utf-8")
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.window_group.isVisibleTo(wizard), timeout=20_000)
    qtbot.waitUntil(lambda: wizard.window_spin.maximum() == 30, timeout=20_000)
    with qtbot.waitSignal(wizard.window_spin.limitHit) as hit:
        type_into(qtbot, wizard.window_spin, "300", enter=True)
    assert hit.args == ["Window length is at most 30 here: the series has 30 steps."]
    assert wizard.window_spin.value() == 30
    wizard.reject()


def test_training_and_layer_settings_name_their_limits(qtbot):
    from gui.model_layer_editor import LayerEditor
    from gui.training_panel import TrainingPanel
    from tests.gui.fake_training import FakeTrainingProcess

    panel = TrainingPanel(tc.TrainingController(lambda: FakeTrainingProcess(), poll_interval_ms=2))
    qtbot.addWidget(panel)
    try:
        with qtbot.waitSignal(panel.validation_split.limitHit) as hit:
            type_into(qtbot, panel.validation_split, "0.95")
        assert hit.args == ["Validation split is at most 0.90."]
        assert panel.validation_split.value() == pytest.approx(0.9)
    finally:
        panel.shutdown()
    editor = LayerEditor(RecurrentLayerSpec())
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.units.limitHit) as hit:
        type_into(qtbot, editor.units, "50000")
    assert hit.args == ["Units is at most 4096."]
    assert editor.units.value() == 500  # "5000" was refused at its last 0
