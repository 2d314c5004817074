"""Word vectors in the window: the text import's Embeddings picker, the model builder's, the demo and the Dataset dock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QPushButton

from core.loaders import load
from core.options import LoadOptions, PaddingOptions
from core.shaping.tensorize import shape_dataset
from gui.demos import find_demo
from gui.model_panel import ModelBuilderPanel
from tests.gui.test_import_wizard import open_wizard, select_data, wait_preview

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

DEMOS = Path(__file__).resolve().parents[2] / "resources" / "demos"
SENTENCES = DEMOS / "word_vectors_sentences.txt"
VECTORS = DEMOS / "word_vectors_50d.txt"


@pytest.fixture(autouse=True)
def _temporary_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPE_EXPLORER_SETTINGS_DIR", str(tmp_path / "settings"))


def test_the_text_import_picks_vectors_and_shows_the_shape_and_coverage(qtbot, monkeypatch):
    wizard = open_wizard(qtbot, SENTENCES)
    assert wizard.vectors_group.isVisible()
    assert wizard.preview_shape_text() == "(5, 10) → input_shape=(10,)"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(VECTORS), ""))
    wizard.findChild(QPushButton, "embeddingsChoose").click()
    wait_preview(qtbot, wizard)
    assert wizard.embeddings_edit.text() == str(VECTORS)
    assert wizard.preview_shape_text() == "(5, 10) → input_shape=(10,)"  # token ids for a frozen Embedding
    assert "31 of 31 words found" in wizard.coverage_label.text()
    select_data(wizard.embeddings_use_combo, True)
    wait_preview(qtbot, wizard)
    assert wizard.preview_shape_text() == "(5, 10, 50) → input_shape=(10, 50)"
    headers = [wizard.table.horizontalHeaderItem(c).text() for c in range(wizard.table.columnCount())]
    assert headers[:4] == ["sample", "step", "word", "dim_0"]
    assert [wizard.table.item(r, 2).text() for r in range(3)] == ["the", "movie", "was"]
    options = wizard.load_options()
    assert options.embeddings == str(VECTORS) and options.embed_features and options.oov == "zeros"
    dataset = wizard.loaded_dataset()
    assert dataset is not None and dataset.embeddings.dim == 50
    select_data(wizard.oov_combo, "random")
    wait_preview(qtbot, wizard)
    assert wizard.load_options().oov == "random"
    wizard.set_embeddings_file(None)
    wait_preview(qtbot, wizard)
    assert wizard.load_options().embeddings is None and not wizard.load_options().embed_features
    assert wizard.preview_shape_text() == "(5, 10) → input_shape=(10,)"


def test_low_coverage_is_flagged_in_the_text_import(qtbot, tmp_path):
    vectors = tmp_path / "few.txt"
    vectors.write_text("the 0.1 0.2\nmovie 0.3 0.4\n")
    wizard = open_wizard(qtbot, SENTENCES, options=LoadOptions(embeddings=str(vectors)))
    assert wizard.coverage_label.text().startswith("⚠")
    assert "doctor" in wizard.coverage_label.text()


def test_the_wizard_hides_the_vectors_box_for_tables(qtbot, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n")
    wizard = open_wizard(qtbot, path)
    assert not wizard.vectors_group.isVisible()


def test_the_model_builder_shows_frozen_vectors_and_fine_tuning(qtbot):
    panel = ModelBuilderPanel()
    qtbot.addWidget(panel)
    panel.show()
    shaped = shape_dataset(load(SENTENCES, LoadOptions(embeddings=str(VECTORS))), PaddingOptions())
    panel.set_data(shaped)
    spec = panel.spec()
    assert spec.input.pretrained_embeddings == "word_vectors_50d.txt" and not spec.input.trainable_embeddings
    assert spec.input.embedding_dim == 50 and not panel.embedding_dim.isEnabled()
    assert "word_vectors_50d.txt" in panel.vectors_label.text() and "31 of 31" in panel.vectors_label.text()
    assert panel.train_embeddings.isVisible() and not panel.train_embeddings.isChecked()
    frozen = len(shaped.dataset.vocabulary) * 50
    assert f"{frozen:,} frozen" in panel.total_label.text()
    embedding_row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == "embedding")
    assert "frozen" in panel.table.item(embedding_row, 4).text()
    with qtbot.waitSignal(panel.specChanged, timeout=2000):
        panel.train_embeddings.setChecked(True)
    assert panel.spec().input.trainable_embeddings
    assert "frozen" not in panel.total_label.text()
    with qtbot.waitSignal(panel.embeddingsRequested, timeout=2000) as signal:
        panel.vectors_clear.click()
    assert signal.args == [None]


def test_the_model_builder_picker_re_reads_the_text_with_the_vectors(qtbot, tmp_path, monkeypatch):
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from gui.training_workflow import install_training_workflow

    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, interactive=False, demos=[], use_gl=False)
    qtbot.addWidget(window)
    workflow = install_training_workflow(window)
    try:
        with qtbot.waitSignal(window.fileLoaded, timeout=15000):
            window.open_path(SENTENCES, LoadOptions(format="text"), wizard=False)
        qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
        assert workflow.model_panel.spec().input.pretrained_embeddings is None
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(VECTORS), ""))
        with qtbot.waitSignal(window.fileLoaded, timeout=15000):
            workflow.model_panel.vectors_button.click()
        qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
        assert window.state.snapshot.load_options.embeddings == str(VECTORS)
        assert window.state.dataset.embeddings is not None
        spec = workflow.model_panel.spec()
        assert spec.input.pretrained_embeddings == "word_vectors_50d.txt" and spec.input.embedding_dim == 50
        assert window.shape_bar.text().startswith("(5 samples, 10 timesteps)")
        assert "Word vectors" in window.details.toPlainText() and "31 of 31 words" in window.details.toPlainText()
    finally:
        workflow.shutdown()
        window.state.shutdown()


def test_the_demo_is_the_seed_case_in_one_click(qtbot, tmp_path):
    from gui.main_window import MainWindow
    from gui.settings import AppSettings

    demo = find_demo("word-vectors")
    assert demo is not None and Path(demo.load_options.embeddings) == VECTORS
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, interactive=False, use_gl=False)
    qtbot.addWidget(window)
    try:
        card = next(c for c in window.welcome.demo_cards if c.demo.name == "word-vectors")
        with qtbot.waitSignal(window.fileLoaded, timeout=15000):
            card.clicked.emit()
        qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
        assert window.shape_bar.text() == "(5 samples, 10 timesteps, 50 features) → input_shape=(10, 50)"
        assert "100.0% of the tokens" in window.details.toPlainText()
    finally:
        window.state.shutdown()
