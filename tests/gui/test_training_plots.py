"""The training curves in the real window: legends outside the data, whole-epoch ticks, an x range that
grows with the run, the loss axis named with its units, a fresh y range for a new file, exports
at a chosen size, and the Start/Pause/Stop shortcuts (training played by the fake child)."""

from __future__ import annotations

import types

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from core.model.spec import HeadSpec, ModelSpec
from core.options import LoadOptions, PaddingOptions
from gui import training_controller as tc
from gui.export_actions import export_training_plots
from gui.main_window import MainWindow
from gui.training_panel import TrainingPanel
from gui.training_plots import FIRST_X_RANGE, CurvePlots, IntegerAxis
from gui.training_workflow import install_training_workflow
from tests.gui.fake_training import FakeTrainingProcess, scripted_run

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def quiet(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPE_EXPLORER_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)


def fake_controller(script_for=None, per_poll=3):
    FakeTrainingProcess.instances.clear()
    return tc.TrainingController(lambda: FakeTrainingProcess(script_for, per_poll=per_poll), poll_interval_ms=2)


def make_panel(qtbot, script_for=None, per_poll=3) -> TrainingPanel:
    panel = TrainingPanel(fake_controller(script_for, per_poll))
    qtbot.addWidget(panel)
    return panel


def give_data(panel, path="/data/x.csv", spec=None):
    panel.set_data(types.SimpleNamespace(path=path, load_options=LoadOptions(), padding=PaddingOptions(), window=None, shaped=None))
    panel.set_spec(spec or ModelSpec())


def train(qtbot, panel) -> dict:
    with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
        assert panel.start_training() is not None
    return finished.args[0]


@pytest.fixture
def window(qtbot):
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    yield window
    if window.training_workflow is not None:
        window.training_workflow.shutdown()
    window.state.shutdown()


def open_vowels(qtbot, window, size, script_for=None):
    workflow = install_training_workflow(window, fake_controller(script_for))
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo("vowels")
    window.show_view(workflow.training_tab)
    return workflow


def visible_scene_rect(plot) -> QRectF:
    return plot.mapToScene(plot.viewport().rect()).boundingRect().adjusted(-0.5, -0.5, 0.5, 0.5)


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_legends_sit_outside_the_data_area_and_are_not_cut_off(qtbot, window, size):
    workflow = open_vowels(qtbot, window, size, lambda job: scripted_run(epochs=6, batches=5))
    panel = workflow.training_panel
    train(qtbot, panel)
    qtbot.wait(200)  # the final drawing steps
    window.repaint()
    curves = panel.curves
    assert not curves.metric_plot.isHidden()
    for plot in (curves.loss_plot, curves.metric_plot):
        item = plot.getPlotItem()
        legend, box = item.legend, item.getViewBox()
        assert legend.items, "the legend is empty"
        data_area = box.sceneBoundingRect()
        assert not legend.sceneBoundingRect().intersects(data_area), f"the legend covers the curves at {size}"
        visible = visible_scene_rect(plot)
        for _sample, label in legend.items:
            assert visible.contains(label.sceneBoundingRect()), f"legend entry {label.text} is cut off at {size}"
            assert not label.sceneBoundingRect().intersects(data_area)
    assert curves.legend_names(curves.loss_plot)[:3] == ["loss", "val_loss", "recent batches"]
    assert curves.legend_names(curves.metric_plot) == ["accuracy", "val_accuracy"]


def test_recent_batches_are_thin_faded_and_behind_the_epoch_curves(qtbot):
    curves = CurvePlots()
    qtbot.addWidget(curves)
    pen = curves.batch_loss.opts["pen"]
    assert pen.color().alpha() < 128 and pen.widthF() <= 1
    assert curves.batch_loss.zValue() < min(curves.loss.zValue(), curves.val_loss.zValue())


def test_epoch_ticks_are_whole_numbers(qtbot):
    axis = IntegerAxis("bottom")
    for low, high, pixels in ((0, 2.5, 800), (0, 3, 300), (0.5, 7.5, 1000), (0, 200, 400), (0, 1.2, 900)):
        levels = axis.tickValues(low, high, pixels)
        values = [v for _, level in levels for v in level]
        assert values and all(float(v).is_integer() for v in values), (low, high, values)
        assert all("." not in text for text in axis.tickStrings(values, 1.0, 1.0))
    curves = CurvePlots()
    qtbot.addWidget(curves)
    assert isinstance(curves.loss_plot.getPlotItem().getAxis("bottom"), IntegerAxis)
    assert isinstance(curves.metric_plot.getPlotItem().getAxis("bottom"), IntegerAxis)


def test_loss_axes_show_the_logged_numbers_without_a_scale_factor(qtbot):
    """A binary cross-entropy of 0.69 is labelled 0.69 on the axis, as in the log, not 690 with "(x0.001)"."""
    curves = CurvePlots()
    qtbot.addWidget(curves)
    curves.resize(800, 400)
    curves.show()
    qtbot.waitExposed(curves)
    epochs = np.arange(1, 6, dtype=np.float64)
    curves.loss.setData(epochs, [0.69, 0.5, 0.3, 0.2, 0.1])
    curves.metric_curve.setData(epochs, [0.0005, 0.0004, 0.0003, 0.0002, 0.0001])
    qtbot.wait(50)
    for plot in (curves.loss_plot, curves.metric_plot):
        axis = plot.getPlotItem().getAxis("left")
        axis.resizeEvent()  # recompute the label now, not at the next paint
        assert "x0.001" not in axis.labelString() and "x1e" not in axis.labelString(), axis.labelString()
        assert axis.autoSIPrefixScale == 1.0


def test_x_range_starts_small_and_doubles_up_to_the_planned_epochs(qtbot):
    curves = CurvePlots()
    qtbot.addWidget(curves)
    box = curves.loss_plot.getPlotItem().getViewBox()

    def shown_end() -> float:
        return box.viewRange()[0][1] / 1.02

    curves.begin_run(200, None)
    assert shown_end() == pytest.approx(FIRST_X_RANGE)  # not 200 epochs with the first ones squeezed into the edge
    curves.follow_x(3.5)
    assert shown_end() == pytest.approx(FIRST_X_RANGE)  # inside: unchanged
    curves.follow_x(10.25)
    assert shown_end() == pytest.approx(2 * FIRST_X_RANGE)
    curves.follow_x(70)
    assert shown_end() == pytest.approx(8 * FIRST_X_RANGE)
    curves.follow_x(190)
    assert shown_end() == pytest.approx(200)  # never past the planned run
    curves.begin_run(30, None)
    curves.follow_x(25)
    assert shown_end() == pytest.approx(20) or shown_end() == pytest.approx(30)
    curves.follow_x(29)
    assert shown_end() == pytest.approx(30)


def test_a_live_run_moves_the_x_range_a_few_times_only(qtbot):
    from core.training import events

    panel = make_panel(qtbot)
    try:
        give_data(panel)
        panel.controller._state = tc.RUNNING  # as if a run of 45 epochs had begun
        panel.curves.begin_run(45, "accuracy")
        box = panel.curves.loss_plot.getPlotItem().getViewBox()
        ends: list[float] = []
        box.sigXRangeChanged.connect(lambda _box, r: ends.append(round(r[1] / 1.02, 6)))
        for epoch in range(1, 46):
            for batch in (1, 2):
                panel._on_batch(events.Batch(epoch=epoch, batch=batch, total_batches=2, elapsed=epoch * 0.1, logs={"loss": 1.0 / epoch}))
                panel._redraw(everything=False)
            panel._on_epoch(epoch, {"loss": 1.0 / epoch, "val_loss": 1.1 / epoch, "accuracy": 0.5, "val_accuracy": 0.5})
            panel._redraw(everything=False)
        assert ends == [20.0, 40.0, 45.0]  # 10 at the start, doubled twice, capped at the planned 45: three moves in 135 redraws
        metric_box = panel.curves.metric_plot.getPlotItem().getViewBox()
        assert metric_box.viewRange()[0][1] / 1.02 == pytest.approx(45)  # both plots follow
        assert box.autoRangeEnabled() == [False, False]
    finally:
        panel.controller._state = tc.IDLE
        panel.shutdown()


def test_loss_axis_names_the_loss_and_its_units(qtbot):
    panel = make_panel(qtbot)
    try:
        left = panel.curves.loss_plot.getPlotItem().getAxis("left")
        give_data(panel, spec=ModelSpec(head=HeadSpec(task="regression")))
        assert left.labelText == "mse (target units²)"
        give_data(panel, spec=ModelSpec(head=HeadSpec(task="multiclass", n_outputs=5)))
        assert left.labelText == "sparse categorical crossentropy"
        give_data(panel, spec=ModelSpec())
        assert left.labelText == "binary crossentropy"
        panel.curves.set_metric_name("accuracy")
        assert panel.curves.metric_plot.getPlotItem().getAxis("left").labelText == "accuracy (share correct)"
        panel.curves.set_metric_name("mae")
        assert panel.curves.metric_plot.getPlotItem().getAxis("left").labelText == "mae (target units)"
    finally:
        panel.shutdown()


def test_another_file_does_not_keep_the_old_runs_y_range(qtbot):
    panel = make_panel(qtbot)
    try:
        give_data(panel, "/data/sensors.csv", ModelSpec(head=HeadSpec(task="regression")))
        panel.restore_history({"loss": [1.4e5, 0.9e5, 0.7e5], "val_loss": [1.5e5, 1.1e5, 0.8e5]})
        box = panel.curves.loss_plot.getPlotItem().getViewBox()
        panel.curves.loss_plot.resize(600, 400)
        box.updateAutoRange()
        assert box.viewRange()[1][1] > 1e4
        give_data(panel, "/data/other.csv")
        assert box.viewRange()[1][1] < 10, box.viewRange()  # not 1.4e5 any more
        assert panel.curves.loss.getData()[0] is None or len(panel.curves.loss.getData()[0]) == 0
    finally:
        panel.shutdown()


def test_plots_export_at_the_chosen_size_with_the_legend_outside(qtbot, tmp_path):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=4))
    try:
        panel.resize(900, 600)
        panel.show()
        qtbot.waitExposed(panel)
        give_data(panel)
        train(qtbot, panel)
        qtbot.wait(200)
        on_screen = panel.curves.loss_plot.size()
        written = export_training_plots(panel, tmp_path / "run.png", size=(1600, 1000))
        assert [p.name for p in written] == ["run.png", "run-accuracy.png", "run-confusion-matrix.png"]
        for path in written[:2]:
            image = QImage(str(path))
            assert (image.width(), image.height()) == (1600, 1000)
            # the bottom rows (the legend's row) are not all background: the legend is drawn below the plot
            rows = np.array([[image.pixelColor(x, y).lightness() for x in range(0, 1600, 8)] for y in range(900, 1000, 4)])
            assert rows.std() > 1
        assert panel.curves.loss_plot.size() == on_screen  # the plot on screen is as it was
        small = export_training_plots(panel, tmp_path / "small.png", size=(800, 500))
        assert QImage(str(small[0])).size().toTuple() == (800, 500)
    finally:
        panel.shutdown()


# ---- keyboard and wording ------------------------------------------------------------------------
def test_start_pause_stop_are_window_shortcuts_listed_in_the_help(qtbot, window):
    from gui.about import shortcut_rows

    workflow = open_vowels(qtbot, window, (1024, 700), lambda job: scripted_run(epochs=400, batches=3))
    panel = workflow.training_panel
    keys = {action.shortcut().toString(): action for action in window.actions()}
    assert {"Ctrl+Return", "Ctrl+P", "Ctrl+."} <= keys.keys()
    rows = dict(shortcut_rows(window))
    assert rows["Ctrl+Return"] == "Start training" and rows["Ctrl+P"] == "Pause or resume training"
    assert rows["Ctrl+."] == "Stop training"
    assert [a.text() for a in workflow.training_menu.actions()] == ["&Start training", "&Pause or resume training", "S&top training"]
    window.show_view(0)  # the shortcuts work from any tab
    qtbot.waitUntil(lambda: panel.start_action.isEnabled(), timeout=WAIT_MS)
    keys["Ctrl+Return"].trigger()
    qtbot.waitUntil(lambda: panel.controller.state == tc.RUNNING, timeout=WAIT_MS)
    assert panel.child_status.text() != "Trainer: ready."  # not while training
    keys["Ctrl+P"].trigger()
    qtbot.waitUntil(lambda: panel.controller.state == tc.PAUSED, timeout=WAIT_MS)
    assert not panel.start_action.isEnabled()
    keys["Ctrl+P"].trigger()
    qtbot.waitUntil(lambda: panel.controller.state == tc.RUNNING, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
        keys["Ctrl+."].trigger()
    assert "FakeTrainingProcess" not in panel.log.toPlainText()
    assert panel.child_status.text() == "Trainer: ready."


def test_the_log_names_the_real_export_menu_item(qtbot):
    panel = make_panel(qtbot, lambda job: [*scripted_run(epochs=2)[:-1], _with_saved_model(scripted_run(epochs=2)[-1])])
    try:
        give_data(panel)
        train(qtbot, panel)
        assert "File ▸ Export ▸ Export trained model…" in panel.log.toPlainText()
        assert "Export ▸ Model)" not in panel.log.toPlainText()
    finally:
        panel.shutdown()


def _with_saved_model(end: dict) -> dict:
    end = dict(end)
    end["saved_model"] = "/tmp/run.keras"
    return end


def test_export_plots_asks_the_size_and_remembers_it(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    workflow = open_vowels(qtbot, window, (1024, 700), lambda job: scripted_run(epochs=2))
    train(qtbot, workflow.training_panel)
    offered: list[list[str]] = []

    def pick(parent, title, label, items, current, editable):
        offered.append(list(items))
        return "1200 × 800 pixels", True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    monkeypatch.setattr("gui.export_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(tmp_path / "vowels-loss.png"), ""))
    written = workflow.exports.export_plots()
    assert offered[0][0] == "1600 × 1000 pixels"  # the default first
    assert QImage(str(written[0])).size().toTuple() == (1200, 800)
    assert "Saved 3 plots" in window.statusBar().currentMessage()
    workflow.exports.export_plots()
    assert offered[1][0] == "1200 × 800 pixels"  # the last choice first next time
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("", False))
    assert workflow.exports.export_plots() == []  # cancelled: nothing written


def test_the_main_window_is_what_the_workflow_asks_for(qtbot, window):
    from gui.training_workflow import WorkflowHost

    assert isinstance(window, WorkflowHost)  # every member of the protocol, by name
    workflow = install_training_workflow(window, fake_controller())
    assert window.training_workflow is workflow and install_training_workflow(window) is workflow  # idempotent
    file_items = [a.text() for a in window.file_menu.actions()]
    assert "Open sess&ion…" in file_items and "Pre&dict on a file…" in file_items
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[-2:] == ["&Training", "&Help"]
    assert window.current_view() == window.tabs.currentIndex()


def test_curves_follow_a_dark_scheme(qtbot, window):
    import pyqtgraph as pg

    from gui.views.theme import DARK, contrast_ratio

    workflow = install_training_workflow(window, fake_controller())
    curves = workflow.training_panel.curves
    window.show()
    try:
        window.colour_actions["dark"].trigger()
        dark = DARK.qcolor(DARK.background)
        qtbot.waitUntil(lambda: curves.loss_plot.backgroundBrush().color() == dark, timeout=2000)  # palette events are posted
        for plot in (curves.loss_plot, curves.metric_plot):
            background = plot.backgroundBrush().color()
            assert background == DARK.qcolor(DARK.background)
            assert pg.mkColor(plot.getPlotItem().legend.opts["labelTextColor"]) == DARK.qcolor(DARK.foreground)
            assert contrast_ratio(plot.getPlotItem().getAxis("left").textPen().color(), background) >= 4.5
    finally:
        window.set_colour_scheme("system")
