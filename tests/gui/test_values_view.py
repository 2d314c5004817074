"""The Values view: the padded tensor as numbers, padding shown as padding, linked to the selection."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from gui.views.values_view import EVERY_SAMPLE, ONE_SAMPLE


def open_in_window(qtbot, path) -> MainWindow:
    window = MainWindow(use_gl=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(path, wizard=False)
    return window


def table_text(model) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_beginners_padding_picture_is_shown_as_numbers(qtbot, tmp_path):
    path = tmp_path / "seqs.json"
    path.write_text(json.dumps([[1, 2, 3], [4, 5], [6, 7, 8, 9]]), encoding="utf-8")
    window = open_in_window(qtbot, path)
    view = window.values_view
    view.mode_combo.setCurrentIndex(view.mode_combo.findData(EVERY_SAMPLE))
    assert table_text(view.model) == [["1", "2", "3", "0"], ["4", "5", "0", "0"], ["6", "7", "8", "9"]]
    padded = view.model.index(1, 2)
    assert view.model.data(padded, Qt.ItemDataRole.BackgroundRole) is not None  # grey: padding
    assert view.model.data(view.model.index(1, 1), Qt.ItemDataRole.BackgroundRole) is None
    assert "Padding" in view.model.data(padded, Qt.ItemDataRole.ToolTipRole)


def test_one_sample_rows_name_padding_and_follow_the_selection(qtbot, tmp_path):
    path = tmp_path / "long.csv"
    rows = ["id,t,a,b,label"] + [f"s{s},{t},{s}.5,{t},{'up' if s % 2 else 'down'}" for s in range(3) for t in range(s + 2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    window = open_in_window(qtbot, path)
    view = window.values_view
    assert view.mode == ONE_SAMPLE
    window.tensor_view.selectionChanged.emit(0, 0, 0)  # as a click in the 3-D view does
    model = view.model
    assert (model.rowCount(), model.columnCount()) == (4, 2)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["a", "b"]
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(4)] == ["t=0", "t=1", "t=2  pad", "t=3  pad"]
    assert "id 's0'" in view.info.text() and "label down" in view.info.text() and "2 real steps" in view.info.text()
    # The view's own sample box moves the other views too.
    view.sample_spin.setValue(2)
    assert window.tensor_view.selection()[0] == 2
    assert window.sample_view._spin.value() == 2


def test_values_tab_has_a_shortcut_and_the_help_lists_it(qtbot, tmp_path):
    from gui.about import shortcut_rows

    window = MainWindow(use_gl=False)
    qtbot.addWidget(window)
    rows = dict(shortcut_rows(window))
    assert rows.get("Ctrl+5") == "Values"
    assert rows.get("Ctrl+O", "").startswith("Open") and "Esc" in rows
