"""The import wizard: detected settings with reasons, edits that re-read the file, a live shape."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from core.dataset import Guess, SequenceDataset, SourceInfo
from core.options import LoadOptions
from gui.import_wizard import ImportWizard, uncertain_guesses

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _temporary_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPE_EXPLORER_SETTINGS_DIR", str(tmp_path / "settings"))


def write_visits_csv(folder: Path) -> Path:
    """Three patients, six visits; ``t`` counts up within each patient across their visits."""
    rows = ["patient,visit,t,x,z"]
    visit = 0
    for patient, lengths in enumerate([(3, 2), (2, 2), (4, 1)]):
        t = 0
        for n in lengths:
            for _ in range(n):
                rows.append(f"p{patient},v{visit},{t},{patient + t * 0.5},{t * 1.5}")
                t += 1
            visit += 1
    path = folder / "visits.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def open_wizard(qtbot, path: Path, **kwargs) -> ImportWizard:
    wizard = ImportWizard(path, **kwargs)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: not wizard.is_busy and (wizard._preview is not None or wizard.error_text() is not None),
                    timeout=10000)
    return wizard


def wait_preview(qtbot, wizard: ImportWizard) -> None:
    with qtbot.waitSignal(wizard.previewUpdated, timeout=10000):
        pass
    qtbot.waitUntil(lambda: not wizard.is_busy, timeout=10000)


def select_data(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered"
    combo.setCurrentIndex(index)


def test_detected_settings_are_shown_with_their_reasons(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))

    assert wizard.preview_shape_text() == "(3, 5, 2) → input_shape=(5, 2)"
    assert "detected: long" in wizard.layout_combo.itemText(0)
    assert "detected: patient" in wizard.id_combo.itemText(0)
    reason = wizard._reasons["id_col"].text()
    assert "its name 'patient' means a sequence id" in reason  # the loader's reason, under the field
    # The preview table lists the first steps as read: sample, step, then the features.
    headers = [wizard.table.horizontalHeaderItem(c).text() for c in range(wizard.table.columnCount())]
    assert headers[:4] == ["sample", "step", "x", "z"]
    assert wizard.table.item(0, 0).text() == "p0"
    assert wizard.table.rowCount() == 14
    assert "patient" in wizard.raw_text.toPlainText()  # the file as text
    assert wizard._buttons.button(QDialogButtonBox.StandardButton.Open).isEnabled()


def test_changing_the_id_column_updates_the_shape(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    select_data(wizard.id_combo, "visit")
    wait_preview(qtbot, wizard)

    assert wizard.error_text() is None
    assert wizard.preview_shape_text() == "(6, 4, 2) → input_shape=(4, 2)"
    assert wizard.load_options().id_col == "visit"
    dataset = wizard.loaded_dataset()
    assert dataset is not None and list(dataset.lengths) == [3, 2, 2, 2, 4, 1]


def test_changing_the_layout_to_series_shows_window_options(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    assert wizard.window_group.isHidden()
    select_data(wizard.layout_combo, "series")
    wait_preview(qtbot, wizard)

    assert wizard.error_text() is None
    assert not wizard.window_group.isHidden()
    # 14 rows, 2 numeric feature columns ('t' orders the rows: the series' time index, not a
    # feature): core's default window for a short series (a quarter of it, here 3 steps),
    # exactly what `shape-explorer inspect` shows for the same file.
    assert wizard.preview_shape_text() == "(11, 3, 2) → input_shape=(3, 2)"
    from core.shaping.windows import default_window

    assert default_window(14).window == 3
    wizard.window_spin.setValue(4)
    wait_preview(qtbot, wizard)
    assert wizard.preview_shape_text() == "(10, 4, 2) → input_shape=(4, 2)"
    assert wizard.window_options().window == 4


def test_impossible_settings_show_the_error_inline_and_disable_open(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    open_button = wizard._buttons.button(QDialogButtonBox.StandardButton.Open)
    select_data(wizard.layout_combo, "wide")
    wait_preview(qtbot, wizard)

    assert "visits.csv" in wizard.error_text() and "not a number" in wizard.error_text()
    assert wizard.error_text() in wizard.status_label.text()
    assert not open_button.isEnabled()
    assert wizard.loaded_dataset() is None

    select_data(wizard.layout_combo, "long")
    wait_preview(qtbot, wizard)
    assert wizard.error_text() is None
    assert open_button.isEnabled()


def test_unticking_a_feature_column_removes_it(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    items = {wizard.feature_list.item(i).text(): wizard.feature_list.item(i) for i in range(wizard.feature_list.count())}
    from PySide6.QtCore import Qt

    items["z"].setCheckState(Qt.CheckState.Unchecked)
    wait_preview(qtbot, wizard)
    assert wizard.load_options().feature_cols == ("x",)
    assert wizard.preview_shape_text() == "(3, 5, 1) → input_shape=(5, 1)"


def test_explicit_options_are_applied_to_the_form(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path), options=LoadOptions(id_col="visit", layout="long"))
    assert wizard.load_options().id_col == "visit"
    assert wizard.layout_combo.currentData() == "long"
    assert wizard.preview_shape_text().startswith("(6, 4, 2)")


def test_closing_while_reading_joins_the_preview_thread(qtbot, tmp_path):
    from core.errors import LoadCancelled

    started = []

    def waiting_loader(path, options=None, *, budget_bytes=None, progress=None, cancelled=None):
        started.append(path)
        while not cancelled():
            time.sleep(0.005)
        raise LoadCancelled(path)

    wizard = ImportWizard(write_visits_csv(tmp_path), loader=waiting_loader)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    thread = wizard._runner.running_thread()
    assert thread is not None and thread.isRunning()
    wizard.reject()
    assert not thread.isRunning()


def _dataset_with(guesses, fmt="npy") -> SequenceDataset:
    source = SourceInfo("x.npy", fmt, {}, tuple(guesses))
    return SequenceDataset.from_dense(np.zeros((2, 3, 4), dtype=np.float32), source)


def test_uncertain_guesses_flag_transposes_and_array_layouts():
    sure = Guess("format", "npy", "the file starts with the NumPy signature", "format")
    transpose = Guess("channels first", True, "axis 1 is much shorter than axis 2", "channels_first")
    assert uncertain_guesses(_dataset_with([sure])) == []
    assert uncertain_guesses(_dataset_with([sure, transpose])) == [transpose]
    kept = replace(transpose, value=False, why="axis 1 is shorter than axis 2, but not by much")
    assert uncertain_guesses(_dataset_with([kept])) == [kept]  # considered either way: worth confirming
    layout = Guess("layout", "wide", "a 2-D array: one row per sample", "layout")
    assert uncertain_guesses(_dataset_with([layout], fmt="npy")) == [layout]
    assert uncertain_guesses(_dataset_with([layout], fmt="csv-long")) == []


# ---- no dead end when a read fails (issue 10), and the task ----------------------------------------
def write_meter_csv(folder: Path) -> Path:
    """Two meters read four times each; 'note' is numbers except one 'oops', so reading it as a
    feature fails at that cell until the user skips it."""
    rows = ["meter,step,value,note"]
    for meter in ("a", "b"):
        for step in range(4):
            note = "oops" if (meter, step) == ("b", 2) else str(step * 2)
            rows.append(f"{meter},{step},{step * 1.5 + (meter == 'b')},{note}")
    path = folder / "meters.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_failed_read_keeps_the_columns_and_their_roles_on_screen(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_meter_csv(tmp_path))
    error = wizard.error_text()
    assert error is not None and "'oops'" in error and "line 8" in error
    assert "--" not in error and "--" not in wizard.status_label.text()  # window words, not flags
    assert "the Feature columns" in error
    # The column table is filled from the file's raw rows, not emptied.
    names = [wizard.roles_table.item(r, 0).text() for r in range(wizard.roles_table.rowCount())]
    assert names == ["meter", "step", "value", "note"]
    assert wizard.roles_table.item(2, 1).text() == "number" and wizard.roles_table.item(0, 1).text() == "text"
    assert wizard.feature_list.count() == 4
    assert wizard.id_combo.findData("meter") >= 0
    headers = [wizard.table.horizontalHeaderItem(c).text() for c in range(wizard.table.columnCount())]
    assert headers == names and wizard.table.rowCount() == 8  # the file's rows as they are

    # The user gives the roles in the column table, and the read succeeds.
    wizard.role_combo("meter").setCurrentIndex(wizard.role_combo("meter").findData("id"))
    wait_preview(qtbot, wizard)
    wizard.role_combo("note").setCurrentIndex(wizard.role_combo("note").findData("skip"))
    wait_preview(qtbot, wizard)
    assert wizard.error_text() is None
    options = wizard.load_options()
    assert options.id_col == "meter" and options.skip_cols == ("note",)
    dataset = wizard.loaded_dataset()
    assert dataset is not None and dataset.sample_ids == ("a", "b") and "note" not in dataset.feature_names
    assert wizard._buttons.button(QDialogButtonBox.StandardButton.Open).isEnabled()
    assert wizard.column_roles()["meter"] == "id" and wizard.column_roles()["note"] == "skip"


def test_the_detected_roles_are_shown_in_the_column_table(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    assert wizard.role_combo("patient").itemText(0) == "Auto (sequence id)"
    assert wizard.role_combo("x").itemText(0) == "Auto (feature)"


def test_the_task_choice_overrides_how_labels_are_read(qtbot, tmp_path):
    rows = ["id,step,x,y"] + [f"{i},{s},{(i + s) % 7 / 7},{i % 60}" for i in range(120) for s in range(3)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    wizard = open_wizard(qtbot, path)
    assert wizard.loaded_dataset().labels.kind == "regression"
    assert "regression" in wizard.task_combo.itemText(0)
    assert "50" in wizard._reasons["task"].text()  # the reason for the close call, under the field
    select_data(wizard.task_combo, "multiclass")
    wait_preview(qtbot, wizard)
    assert wizard.load_options().task == "multiclass"
    labels = wizard.loaded_dataset().labels
    assert labels.kind == "multiclass" and len(labels.classes) == 60
    select_data(wizard.task_combo, "binary")
    wait_preview(qtbot, wizard)
    assert "not two classes" in wizard.error_text() and "--" not in wizard.error_text()
    assert wizard.roles_table.rowCount() == 4  # still on screen


def test_window_terms_replace_flags():
    from gui.window_terms import in_window_terms

    text = in_window_terms("has no column 'q' (given as --id-col). Choose them with --feature-cols.")
    assert text == "has no column 'q' (given as the Sequence id column). Choose them in the Feature columns."


def test_an_excel_workbook_offers_its_sheets(qtbot, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "notes"
    first.append(["word", "text"])
    first.append(["a", "b"])
    data = book.create_sheet("readings")
    data.append(["meter", "step", "value"])
    for meter in ("a", "b"):
        for step in range(3):
            data.append([meter, step, step * 2.5])
    book.save(tmp_path / "book.xlsx")
    wizard = open_wizard(qtbot, tmp_path / "book.xlsx")
    assert wizard.error_text() is not None  # the first sheet holds no numbers
    assert not wizard.sheet_combo.isHidden() and wizard.sheet_combo.findData("readings") > 0
    select_data(wizard.sheet_combo, "readings")
    wait_preview(qtbot, wizard)
    assert wizard.error_text() is None and wizard.load_options().sheet == "readings"
    assert wizard.loaded_dataset().sample_ids == ("a", "b")


def test_a_csv_has_no_sheet_choice(qtbot, tmp_path):
    wizard = open_wizard(qtbot, write_visits_csv(tmp_path))
    assert wizard.sheet_combo.isHidden() or not wizard.sheet_combo.isVisibleTo(wizard)
