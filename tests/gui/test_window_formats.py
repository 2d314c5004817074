"""The window lists and opens the formats of the registry: ARFF, TSF and compressed files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from core.loaders import formats
from gui.demos import list_demos
from gui.main_window import MainWindow
from gui.welcome import SUPPORTED_TEXT
from gui.window_files import FILE_FILTER

REAL = Path(__file__).resolve().parents[1] / "data" / "real"

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(qtbot, monkeypatch) -> MainWindow:
    shown: list = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(args) or QMessageBox.StandardButton.Ok)
    main = MainWindow(use_gl=False)
    qtbot.addWidget(main)
    main.show()
    main.errors_shown = shown
    return main


def test_file_dialog_and_welcome_list_every_registered_format(window):
    for fmt in formats.REGISTRY:
        assert fmt.patterns in FILE_FILTER
        assert fmt.short in SUPPORTED_TEXT
    assert "*.arff" in FILE_FILTER.split(";;")[0] and "*.gz" in FILE_FILTER.split(";;")[0]
    assert "Monash .tsf" in window.welcome.open_button.toolTip()


def test_demo_folder_offers_arff_and_tsf_files(tmp_path, monkeypatch):
    for name in ("GunPoint_TRAIN.arff", "m1_yearly_dataset.tsf"):
        (tmp_path / name).write_bytes((REAL / "aeon" / name).read_bytes())
    names = {demo.path.name for demo in list_demos(tmp_path)}
    assert names == {"GunPoint_TRAIN.arff", "m1_yearly_dataset.tsf"}


@pytest.mark.parametrize(("name", "shape"), [
    ("BasicMotions_TRAIN.arff", "(40 samples, 100 timesteps, 6 features) → input_shape=(100, 6)"),
    ("m1_yearly_dataset.tsf", "(181 samples, 58 timesteps, 1 feature) → input_shape=(58, 1)"),
])
def test_the_window_opens_arff_and_tsf(qtbot, window, name, shape):
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(REAL / "aeon" / name)
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
    assert window.shape_bar.text() == shape
    assert name in window.details.toPlainText().replace("\u200b", "")  # break opportunities in long names
    assert window.errors_shown == []


def test_the_window_opens_a_gzipped_file(qtbot, window, tmp_path):
    path = tmp_path / "GunPoint_TRAIN.arff.gz"
    path.write_bytes(gzip.compress((REAL / "aeon" / "GunPoint_TRAIN.arff").read_bytes()))
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(path)
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
    assert window.shape_bar.text() == "(50 samples, 150 timesteps, 1 feature) → input_shape=(150, 1)"
    assert "compression" in window.details.toPlainText()


def test_the_import_wizard_previews_a_compressed_csv_as_text(qtbot, tmp_path):
    from gui.import_wizard import ImportWizard

    text = "id,step,v\n" + "".join(f"{i},{t},{t * 0.5}\n" for i in range(3) for t in range(4))
    path = tmp_path / "steps.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    wizard = ImportWizard(str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.loaded_dataset() is not None, timeout=10000)
    assert wizard.raw_text.toPlainText().startswith("id,step,v\n0,0,0.0")
    assert wizard.loaded_dataset().n_samples == 3
    wizard.reject()
