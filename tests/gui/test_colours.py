"""Light and dark: status texts keep their contrast, and View ▸ Colours switches and remembers."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from gui.views.theme import STATUS_COLOURS, contrast_ratio, dark_palette, is_dark


@pytest.fixture
def window(qtbot):
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.set_colour_scheme("system")


def _text_colour(style: str) -> QColor:
    return QColor(style.split("color:")[1].split(";")[0].strip())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_colours_have_aa_contrast_on_both_window_colours(scheme):
    background = (dark_palette() if scheme == "dark" else QApplication.style().standardPalette()).color(QPalette.ColorRole.Window)
    for light, dark in STATUS_COLOURS.values():
        assert contrast_ratio(QColor(dark if scheme == "dark" else light), background) >= 4.5


def test_dark_scheme_keeps_the_model_fits_text_readable(qtbot, window, tmp_path):
    from gui.training_workflow import install_training_workflow

    workflow = install_training_workflow(window)
    path = tmp_path / "seqs.csv"
    path.write_text("id,t,x,label\n" + "\n".join(f"{s},{t},{s + t},{s % 2}" for s in range(6) for t in range(4)) + "\n",
                    encoding="utf-8")
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(path, wizard=False)
    label = workflow.model_panel.warnings
    assert label.text().startswith("✓ The model fits the data.")
    window.colour_actions["dark"].trigger()
    assert is_dark(QApplication.palette()) and window.settings.colour_scheme() == "dark"
    background = label.palette().color(QPalette.ColorRole.Window)
    assert contrast_ratio(_text_colour(label.styleSheet()), background) >= 4.5
    readiness = workflow.training_panel.readiness
    assert contrast_ratio(_text_colour(readiness.styleSheet()), readiness.palette().color(QPalette.ColorRole.Window)) >= 4.5
    window.colour_actions["system"].trigger()
    assert not is_dark(QApplication.palette())
    assert contrast_ratio(_text_colour(label.styleSheet()), label.palette().color(QPalette.ColorRole.Window)) >= 4.5


def test_shape_bar_chips_follow_the_dark_scheme(qtbot, window):
    window.open_demo("vowels")
    qtbot.waitUntil(lambda: window.state.snapshot is not None, timeout=15000)
    window.set_colour_scheme("dark")
    qtbot.wait(50)  # palette changes reach the widgets through events
    from PySide6.QtWidgets import QLabel

    chips = [c for c in window.shape_bar.findChildren(QLabel) if c.objectName().startswith("shape_") and c.text()]
    assert chips
    for chip in chips:
        text = chip.palette().color(chip.foregroundRole())
        assert contrast_ratio(text, QApplication.palette().color(QPalette.ColorRole.Window)) >= 4.5, chip.objectName()
