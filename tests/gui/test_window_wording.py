"""What the window says, and that it stays on screen: error boxes, cancelled reviews, progress."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from gui.app import breakable
from gui.main_window import MainWindow

LONG_PATH = "/data/" + "/".join(f"experiment_{i:03d}_with_a_rather_long_folder_name" for i in range(6)) + "/readings.csv"


@pytest.mark.parametrize("columns", [1, 400])
def test_a_long_error_wraps_inside_the_screen_with_its_button_visible(qtbot, columns):
    names = ", ".join(f"sensor_{i}" for i in range(columns))
    message = f"{LONG_PATH}, line 12: the cell 'x' is not a number in {names}. Fix the cell or choose other feature columns."
    box = QMessageBox(QMessageBox.Icon.Critical, "Could not open readings.csv", breakable(message),
                      QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert box.frameGeometry().width() <= screen.width() and box.frameGeometry().height() <= min(screen.height(), 700)
    button = box.button(QMessageBox.StandardButton.Ok)
    assert button.isVisible() and box.rect().contains(button.geometry())
    shown = breakable(message).replace("\u200b", "")
    if columns == 1:
        assert shown == message  # nothing but invisible break points added
    else:
        assert shown.startswith(message[:300]) and "shape-explorer.log" in shown
    box.close()


def test_cancelling_the_review_of_an_open_file_does_not_say_it_was_not_opened(qtbot, tmp_path):
    path = tmp_path / "seqs.csv"
    path.write_text("id,t,x\n" + "\n".join(f"{s},{t},{s + t}" for s in range(3) for t in range(4)) + "\n",
                    encoding="utf-8")
    window = MainWindow(use_gl=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(path, wizard=False)
    window.reopen_with_wizard()
    wizard = window.current_wizard
    wizard.reject()
    qtbot.waitUntil(lambda: window.current_wizard is None, timeout=5000)
    assert window.statusBar().currentMessage() == "Kept seqs.csv as it was read."


def test_a_failed_load_hides_the_progress_bar_before_the_error_shows(qtbot, tmp_path, monkeypatch):
    seen = []
    window = MainWindow(use_gl=False)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda *a, **k: seen.append(window.progress_bar.isVisible()) or QMessageBox.StandardButton.Ok)
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY not really")
    with qtbot.waitSignal(window.loadFailed, timeout=15000):
        window.open_path(bad, wizard=False)
    assert seen == [False]
