"""Runs to compare: every run kept with its settings, earlier runs drawn faded beside the current one,
shown or hidden from the run list, saved and restored with the session, the baseline on both plots."""

from __future__ import annotations

import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.model.spec import ModelSpec, RecurrentLayerSpec
from core.options import LoadOptions, PaddingOptions
from core.session import Session, load_session, save_session
from gui import training_controller as tc
from gui.training_panel import TrainingPanel
from gui.training_plots import EARLIER_ALPHA, SHOWN_EARLIER_RUNS
from tests.gui.fake_training import FakeTrainingProcess, scripted_run
from tests.gui.test_training_lifecycle import main_window  # noqa: F401 (a fixture)

WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)


def make_panel(qtbot, script_for=None) -> TrainingPanel:
    FakeTrainingProcess.instances.clear()
    panel = TrainingPanel(tc.TrainingController(lambda: FakeTrainingProcess(script_for or (lambda job: scripted_run(epochs=job.config.epochs))),
                                                poll_interval_ms=2))
    qtbot.addWidget(panel)
    return panel


def give_data(panel, path="/data/x.csv"):
    panel.set_data(types.SimpleNamespace(path=path, load_options=LoadOptions(), padding=PaddingOptions(), window=None, shaped=None))
    panel.set_spec(ModelSpec())


def train(qtbot, panel, **settings) -> dict:
    panel.set_config(panel.config().with_changes(**settings))
    with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
        assert panel.start_training() is not None
    return finished.args[0]


@pytest.fixture
def panel(qtbot):
    panel = make_panel(qtbot)
    yield panel
    panel.shutdown()


def visible_earlier(panel, number):
    return [curve for _, curve in panel.curves.earlier.get(number, []) if curve.isVisible()]


def test_two_runs_are_kept_with_their_settings_and_the_earlier_one_is_faded(qtbot, panel):
    give_data(panel)
    train(qtbot, panel, epochs=3, learning_rate=0.01, batch_size=16)
    assert [run.number for run in panel.runs] == [1]
    assert panel.curves.earlier_runs == [] and not panel.curves.runs.isVisibleTo(panel)  # one run: nothing to compare
    panel.set_spec(ModelSpec(layers=(RecurrentLayerSpec(kind="GRU", units=8),)))
    train(qtbot, panel, epochs=4, learning_rate=0.002, batch_size=0)
    first, second = panel.runs
    assert (first.number, first.epochs, first.learning_rate, first.batch_size, first.model) == (1, 3, 0.01, 16, "LSTM 32 → 2 classes")
    assert (second.number, second.epochs, second.learning_rate, second.batch_size, second.model) == (2, 4, 0.002, 32, "GRU 8 → 2 classes")
    assert len(first.history["loss"]) == 3 and len(second.history["val_loss"]) == 4
    assert first.result["best_epoch"] == 2 and first.result["stop_reason"] == "completed"
    assert first.result["baseline"]["name"] == "majority class"
    # run 2 is the current curves; run 1 faded beside it, on the loss and the accuracy plots
    assert list(panel.curves.loss.getData()[0]) == [1, 2, 3, 4]
    assert panel.curves.earlier_runs == [1]
    curves = visible_earlier(panel, 1)
    assert {plot for plot, _ in panel.curves.earlier[1]} == {panel.curves.loss_plot, panel.curves.metric_plot}
    assert len(curves) == 4  # loss, val_loss, accuracy, val_accuracy
    for curve in curves:
        assert curve.opts["pen"].color().alpha() == EARLIER_ALPHA < 255
        assert curve.zValue() < panel.curves.loss.zValue()
    assert list(curves[0].getData()[1]) == pytest.approx(first.history["loss"])
    assert "run 1" in panel.curves.legend_names(panel.curves.loss_plot)
    # the run list: the current run first (no check box), then run 1, ticked
    runs = panel.curves.runs
    assert runs.isVisibleTo(panel) and runs.count() == 2
    assert runs.item(0).text().startswith("Run 2 · GRU 8 → 2 classes · 4 epochs · batch 32 · lr 0.002") and "(current)" in runs.item(0).text()
    assert not runs.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert runs.item(1).text().startswith("Run 1 · LSTM 32 → 2 classes · 3 epochs · batch 16 · lr 0.01 · best val_loss 0.6")
    assert runs.item(1).checkState() == Qt.CheckState.Checked


def test_an_earlier_run_is_toggled_off_and_on_from_the_run_list(qtbot, panel):
    give_data(panel)
    train(qtbot, panel, epochs=2)
    train(qtbot, panel, epochs=3)
    item = panel.curves.runs.item_for(1)
    item.setCheckState(Qt.CheckState.Unchecked)  # as a click on the check box does
    assert visible_earlier(panel, 1) == [] and 1 in panel.curves.hidden_runs
    assert "run 1" not in panel.curves.legend_names(panel.curves.loss_plot)
    train(qtbot, panel, epochs=2)  # a third run: run 1 stays hidden, run 2 joins the earlier runs, shown
    assert visible_earlier(panel, 1) == [] and len(visible_earlier(panel, 2)) == 4
    assert panel.curves.runs.item_for(1).checkState() == Qt.CheckState.Unchecked
    panel.curves.runs.item_for(1).setCheckState(Qt.CheckState.Checked)
    assert len(visible_earlier(panel, 1)) == 4
    assert panel.curves.legend_names(panel.curves.loss_plot)[3:] == ["run 1", "run 2"]


def test_only_the_last_few_earlier_runs_start_shown(qtbot, panel):
    give_data(panel)
    for _ in range(SHOWN_EARLIER_RUNS + 2):
        train(qtbot, panel, epochs=1)
    shown = [n for n in panel.curves.earlier_runs if visible_earlier(panel, n)]
    earlier = list(range(1, SHOWN_EARLIER_RUNS + 2))  # every run but the current (the last)
    assert panel.curves.earlier_runs == earlier
    assert shown == earlier[-SHOWN_EARLIER_RUNS:]  # the oldest starts hidden, and can be ticked in the list


def test_another_file_shows_only_its_own_runs(qtbot, panel):
    give_data(panel, "/data/first.csv")
    train(qtbot, panel, epochs=2)
    give_data(panel, "/data/second.csv")
    assert panel.curves.earlier_runs == [] and not panel.curves.runs.isVisibleTo(panel)
    assert [run.file for run in panel.runs] == ["/data/first.csv"]  # still kept (and saved in the session)


def test_runs_are_saved_and_restored_through_a_session(qtbot, panel, tmp_path):
    give_data(panel)
    train(qtbot, panel, epochs=2, learning_rate=0.01)
    result = train(qtbot, panel, epochs=3)
    session = Session(file=None, history=panel.history, result={"best_epoch": result["best_epoch"]}, runs=tuple(panel.runs))
    path = tmp_path / "two-runs.shapesession.json"
    save_session(path, session)
    loaded = load_session(path)
    assert [run.to_dict() for run in loaded.runs] == [run.to_dict() for run in panel.runs]

    other = make_panel(qtbot)
    try:
        give_data(other)
        other.restore_runs(list(loaded.runs))
        other.restore_history(loaded.history, loaded.result)
        assert [run.number for run in other.runs] == [1, 2]
        assert other.curves.earlier_runs == [1] and len(visible_earlier(other, 1)) == 4
        assert other.curves.runs.count() == 2 and "(current)" in other.curves.runs.item(0).text()
        train(qtbot, other, epochs=1)  # numbering goes on after the restored runs
        assert [run.number for run in other.runs] == [1, 2, 3]
    finally:
        other.shutdown()


def test_the_baseline_is_drawn_on_the_loss_and_the_metric_plot(qtbot, panel):
    give_data(panel)
    train(qtbot, panel, epochs=2)
    curves = panel.curves
    assert curves.loss_baseline_line is not None and curves.loss_baseline_line.value() == pytest.approx(0.67)
    assert curves.loss_baseline_line in curves.loss_plot.getPlotItem().items
    assert curves.loss_baseline_line.label.toPlainText() == "majority class 0.67"
    assert curves.baseline_line is not None and curves.baseline_line.value() == pytest.approx(0.6)


def test_the_window_saves_its_runs_in_the_session_and_reopens_them(qtbot, monkeypatch, tmp_path, main_window):
    from tests.gui.test_training_lifecycle import LONG_OPTIONS, Dialogs, _install, _write_long_csv

    Dialogs(monkeypatch)
    workflow = _install(main_window, lambda job: scripted_run(epochs=job.config.epochs, batches=2))
    data = _write_long_csv(tmp_path / "walk.csv")
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(data), LONG_OPTIONS)
    panel = workflow.training_panel
    qtbot.waitUntil(panel.can_start, timeout=WAIT_MS)
    train(qtbot, panel, epochs=2)
    train(qtbot, panel, epochs=3)
    session = workflow.current_session()
    assert [run.number for run in session.runs] == [1, 2] and session.runs[0].file == str(data)
    path = tmp_path / "walk.shapesession.json"
    monkeypatch.setattr("gui.export_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    assert workflow.exports.save_session() == path

    panel.restore_runs([])
    panel.restore_history({})
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        assert workflow.exports.open_session_path(path) is not None
    qtbot.waitUntil(lambda: len(panel.runs) == 2, timeout=WAIT_MS)
    assert [run.epochs for run in panel.runs] == [2, 3]
    assert panel.curves.earlier_runs == [1] and len(visible_earlier(panel, 1)) == 4  # loss, val_loss, accuracy, val_accuracy
    assert len(panel.history["loss"]) == 3  # the last run's curves as the current ones
