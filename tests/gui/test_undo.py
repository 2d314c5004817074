"""Undo and redo: padding, maxlen drags, windows, import settings and model edits, one file at a time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import gui.training_controller as tc
from core.options import LoadOptions
from gui.main_window import MainWindow
from tests.gui.fake_training import FakeTrainingProcess, scripted_run

WAIT_MS = 20_000


@pytest.fixture
def window(qtbot):
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.show()
    return window


def write_long_csv(path: Path, seed: int = 0) -> Path:
    rows = ["id,t,a,b,label"]
    for sid, length in enumerate((5, 3, 4, 2)):
        rows += [f"s{sid},{t},{sid + t + seed},{t * 2},{'x' if sid % 2 else 'y'}" for t in range(length)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def open_and_wait(qtbot, window, path, options=None):
    with qtbot.waitSignal(window.state.loadFinished, timeout=WAIT_MS):
        window.state.open(str(path), options)
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=WAIT_MS)


def reshaped(qtbot, window, action):
    with qtbot.waitSignal(window.state.changed, timeout=WAIT_MS):
        action()
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=WAIT_MS)


def test_padding_changes_undo_and_redo_and_a_maxlen_drag_is_one_step(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path / "a.csv"))
    first = window.state.padding
    reshaped(qtbot, window, lambda: window.padding_view.optionsChanged.emit(replace(first, padding="pre")))
    for maxlen in (4, 3, 2):  # a slider drag: three signals
        reshaped(qtbot, window, lambda m=maxlen: window.padding_view.maxlenChanged.emit(m))
    assert window.state.shaped.x.shape[1] == 2
    assert window.undo_stack.count() == 2 and window.undo_action.isEnabled()
    reshaped(qtbot, window, window.undo_action.trigger)  # the whole drag
    assert window.state.padding.maxlen == first.maxlen and window.state.padding.padding == "pre"
    reshaped(qtbot, window, window.undo_action.trigger)
    assert window.state.padding == first
    assert window.state.shaped.mask[1].tolist()[:3] == [True, True, True]  # post padding again
    reshaped(qtbot, window, window.redo_action.trigger)
    assert window.state.padding.padding == "pre"
    assert "padding" in window.undo_action.text().lower()


def test_another_file_starts_a_fresh_stack(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path / "a.csv"))
    reshaped(qtbot, window, lambda: window.padding_view.optionsChanged.emit(replace(window.state.padding, padding="pre")))
    assert window.undo_stack.count() == 1
    open_and_wait(qtbot, window, write_long_csv(tmp_path / "b.csv", seed=1))
    assert window.undo_stack.count() == 0 and not window.undo_action.isEnabled()


def test_import_settings_undo_reads_the_file_the_old_way(qtbot, window, tmp_path):
    path = write_long_csv(tmp_path / "a.csv")
    open_and_wait(qtbot, window, path)
    assert window.state.dataset.labels is not None
    old = window.state.load_options
    new = replace(old or LoadOptions(), label_col=None, feature_cols=("a",), id_col="id", time_col="t")
    window._push_change("Change the import settings", window._apply_import, (str(path), old, None), (str(path), new, None))
    qtbot.waitUntil(lambda: not window.state.is_busy and window.state.dataset.n_features == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.loadFinished, timeout=WAIT_MS):
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=WAIT_MS)
    assert window.state.dataset.n_features == 2
    assert window.undo_stack.count() == 1 and window.redo_action.isEnabled()  # the re-read kept the stack


def test_model_edits_are_undoable_but_following_the_data_is_not(qtbot, window, tmp_path):
    from gui.training_workflow import install_training_workflow

    controller = tc.TrainingController(lambda: FakeTrainingProcess(lambda job: scripted_run(epochs=1)), poll_interval_ms=2)
    workflow = install_training_workflow(window, controller)
    open_and_wait(qtbot, window, write_long_csv(tmp_path / "a.csv"))
    panel = workflow.model_panel
    default = panel.spec()
    assert window.undo_stack.count() == 0  # the builder took the data's default model: no edit
    panel.add_layer()
    assert len(panel.spec().layers) == len(default.layers) + 1
    assert window.undo_stack.count() == 1
    window.undo_action.trigger()
    assert panel.spec() == default
    window.redo_action.trigger()
    assert len(panel.spec().layers) == len(default.layers) + 1
    # Re-shaping the data makes the builder follow it, which is not an edit of the user's.
    reshaped(qtbot, window, lambda: window.padding_view.maxlenChanged.emit(3))
    assert window.undo_stack.count() == 2 and window.undo_stack.text(1) == "Change maxlen"
