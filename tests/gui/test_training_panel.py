"""The training panel: settings, button states, live curves (throttled), progress with ETA,
results (confusion matrix / prediction vs truth, best epoch), log, and the export helpers."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions
from core.training import events
from core.training.config import TrainingConfig
from gui import training_controller as tc
from gui.export_actions import export_plot_png, export_training_plots, move_model
from gui.training_panel import LOG_LINES, TrainingPanel, format_eta
from gui.training_plots import SeriesBuffer
from tests.gui.fake_training import FakeTrainingProcess, scripted_run

WAIT_MS = 10_000
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def warnings_shown(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    return shown


def make_panel(qtbot, script_for=None, **options):
    FakeTrainingProcess.instances.clear()
    panel = TrainingPanel(tc.TrainingController(lambda: FakeTrainingProcess(script_for, **options), poll_interval_ms=2))
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def panel(qtbot, warnings_shown):
    panel = make_panel(qtbot)
    yield panel
    panel.shutdown()


def give_data(panel):
    panel.set_data(types.SimpleNamespace(path="/data/x.csv", load_options=LoadOptions(), padding=PaddingOptions(), window=None, shaped=None))
    panel.set_spec(ModelSpec())


def test_settings_round_trip_into_the_job(panel):
    config = TrainingConfig(epochs=7, batch_size=5, learning_rate=0.0125, validation_split=0.35, early_stopping=False, patience=2, seed=42, standardize=False)
    panel.set_config(config)
    assert panel.config() == config.with_changes(standardize=True)  # the form shows only its fields...
    assert not panel.patience.isEnabled()
    give_data(panel)
    assert panel.build_job().config == config  # ...but the job keeps the rest


def test_start_needs_data_and_a_model(panel):
    assert not panel.start_button.isEnabled() and "Open a file" in panel.readiness.text()
    panel.set_data(types.SimpleNamespace(path="/data/x.csv", load_options=LoadOptions(), padding=PaddingOptions(), window=None, shaped=None))
    assert not panel.start_button.isEnabled() and "Build a model" in panel.readiness.text()
    panel.set_spec_problems(["The spec is impossible."])
    assert "cannot be built: The spec is impossible." in panel.readiness.text()
    panel.set_spec(ModelSpec())
    panel.set_spec_problems(["The model expects 3 features but the data has 2."])
    assert not panel.start_button.isEnabled()  # a misfit cannot train: Start waits, with the reason beside it
    assert "does not fit" in panel.readiness.text() and "3 features" in panel.start_button.toolTip()
    panel.set_spec_problems([])
    assert panel.start_button.isEnabled() and panel.readiness.text() == ""
    assert not panel.pause_button.isEnabled() and not panel.resume_button.isEnabled() and not panel.stop_button.isEnabled()


def _shaped_stub(y, n_classes=2):
    from core.training.data import ArrayData

    rng = np.random.default_rng(0)
    x = rng.normal(size=(len(y), 6, 2)).astype(np.float32)
    return types.SimpleNamespace(path="/data/x.npz", load_options=LoadOptions(), padding=PaddingOptions(), window=None,
                                 shaped=ArrayData(x, np.asarray(y), "binary", n_classes))


def test_start_is_off_with_the_reason_when_the_data_cannot_train(panel):
    from tests.core.training_helpers import tiny_spec

    panel.set_spec(tiny_spec())
    panel.set_data(_shaped_stub([1] * 20))  # every sample has the same label
    assert not panel.start_button.isEnabled()
    assert "Start is off" in panel.readiness.text() and "same label" in panel.readiness.text()
    assert "same label" in panel.start_button.toolTip()
    assert panel.start_training() is None
    panel.set_data(_shaped_stub([0, 1] * 10))
    assert panel.start_button.isEnabled() and not panel.readiness.isVisibleTo(panel)
    # settings count too: holding out 95% of 2 samples leaves nothing to train on
    panel.set_data(_shaped_stub([0, 1]))
    panel.validation_split.setValue(0.9)
    assert not panel.start_button.isEnabled() and "too few" in panel.readiness.text()
    panel.validation_split.setValue(0.0)
    assert panel.start_button.isEnabled()


def test_batch_size_and_patience_default_to_auto(panel):
    assert panel.batch_size.text() == "auto" and panel.patience.text().startswith("auto")
    assert panel.config().batch_size is None and panel.config().patience is None
    panel.batch_size.setValue(16)
    panel.patience.setValue(0)
    assert panel.config().batch_size == 16 and panel.config().patience == 0


def test_invalid_settings_are_refused_before_starting(panel, warnings_shown):
    give_data(panel)
    panel._extra_config = {"optimizer": "magic"}
    assert panel.start_training() is None
    assert warnings_shown and "Unknown optimizer 'magic'" in warnings_shown[0]
    assert FakeTrainingProcess.instances == [] or not FakeTrainingProcess.instances[0].jobs


def test_a_classification_run_draws_curves_progress_and_results(qtbot, warnings_shown):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=6, batches=40), per_poll=1)
    try:
        give_data(panel)
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
            panel.start_training()
            qtbot.waitUntil(lambda: "ETA" in panel.progress.format(), timeout=WAIT_MS)
            assert panel.progress.format().startswith("Epoch ") and "/6 · batch " in panel.progress.format()
            assert 0 < panel.progress.value() < panel.progress.maximum()
        result = finished.args[0]
        x, y = panel.curves.loss.getData()
        assert list(x) == [1, 2, 3, 4, 5, 6] and y[0] == pytest.approx(1.0)
        assert len(panel.curves.val_loss.getData()[1]) == 6
        bx = panel.curves.batch_loss.xData
        assert len(bx) == 240 and bx[-1] == pytest.approx(6.0) and bx[0] == pytest.approx(1 / 40)
        assert panel.curves.metric_name == "accuracy" and not panel.curves.metric_plot.isHidden()
        assert list(panel.curves.val_metric.getData()[1]) == pytest.approx([0.55, 0.65, 0.75, 0.85, 0.95, 0.99])
        assert panel.progress.value() == panel.progress.maximum() and panel.progress.format() == "Done: 6 epochs"
        best = result["best_epoch"]
        assert [m.value() for _, m in panel.curves.markers] == [best, best]  # loss and accuracy plots
        assert panel.curves.markers[0][1].label.toPlainText() == f"best epoch {best}"
        assert panel.results.kind == "confusion"
        summary = panel.results.summary.text()
        assert "Best epoch" in summary and "val_accuracy (best epoch)" in summary
        # the baseline a user judges the run by: beside the metric, and dashed on the metric plot
        assert "(majority class 0.6)" in summary and "chance 0.5" in summary
        line = panel.curves.baseline_line
        assert line is not None and line.value() == pytest.approx(0.6) and line.angle == 0
        assert line in panel.curves.metric_plot.getPlotItem().items
        assert line.label.toPlainText() == "majority class 0.6"
        assert "Baseline: always predicting the most common training class" in panel.log.toPlainText()
        assert "Epoch 4: loss 0.25, val_loss 0.3" in panel.log.toPlainText()
        assert warnings_shown == []
    finally:
        panel.shutdown()


def test_a_regression_run_shows_prediction_vs_truth(qtbot, warnings_shown):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=3, task="regression"))
    try:
        give_data(panel)
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
            panel.start_training()
        assert panel.curves.metric_name is None and panel.curves.metric_plot.isHidden()
        assert panel.results.kind == "scatter"
        scatter = [item for item in panel.results.plot.getPlotItem().items if item.__class__.__name__ == "ScatterPlotItem"]
        assert len(scatter) == 1 and len(scatter[0].data) == 10
    finally:
        panel.shutdown()


def test_live_axes_span_the_planned_epochs_and_move_only_when_the_data_leaves_them(qtbot, warnings_shown):
    """During a run the axes stay put (autoranging every frame re-laid out the plots and stalled
    the window); the metric plot is there from the start; after the run autorange is back."""
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=6, batches=40), per_poll=1)
    try:
        give_data(panel)
        panel.set_config(panel.config().with_changes(epochs=6))
        ranges = []
        panel.curves.loss_plot.getPlotItem().getViewBox().sigRangeChanged.connect(lambda box, r, *_: ranges.append(r))
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
            panel.start_training()
            assert panel.curves.metric_name == "accuracy" and panel.curves.metric_plot.isVisibleTo(panel)
            qtbot.waitUntil(lambda: panel.curves.batch_loss.xData is not None and len(panel.curves.batch_loss.xData) > 0, timeout=WAIT_MS)
            box = panel.curves.loss_plot.getPlotItem().getViewBox()
            x_low, x_high = box.viewRange()[0]
            assert x_low <= 0 and 6 <= x_high < 6.5  # the whole planned run, before it happens
            assert box.autoRangeEnabled() == [False, False]
            y_low, y_high = box.viewRange()[1]
            assert y_low <= panel.curves.batch_loss.yData.min() and panel.curves.batch_loss.yData.max() <= y_high
        box = panel.curves.loss_plot.getPlotItem().getViewBox()
        assert all(enabled for enabled in box.autoRangeEnabled())
        assert len(ranges) < 15  # 240 batches and 6 epochs drawn, the range moved a handful of times
    finally:
        panel.shutdown()


def test_follow_y_moves_only_when_values_leave_the_range_or_shrink_inside_it(panel):
    curves = panel.curves
    curves.begin_run(10, None)
    box = curves.loss_plot.getPlotItem().getViewBox()
    curves.follow_y(curves.loss_plot, np.array([1.0, 2.0]))
    first = box.viewRange()[1]
    assert first[0] == pytest.approx(0.9) and first[1] == pytest.approx(2.1)
    curves.follow_y(curves.loss_plot, np.array([1.2, 1.9, np.nan]))
    assert box.viewRange()[1] == first  # inside: unchanged
    curves.follow_y(curves.loss_plot, np.array([0.5, 2.0]))
    assert box.viewRange()[1][0] == pytest.approx(0.35)  # left it: refitted
    curves.follow_y(curves.loss_plot, np.array([1.0, 1.1]))
    assert box.viewRange()[1][1] == pytest.approx(1.11)  # a quarter of the range or less: refitted
    curves.end_run()
    before = box.viewRange()[1]
    curves.follow_y(curves.loss_plot, np.array([100.0]))
    assert box.viewRange()[1] == before  # outside a run, autorange is in charge


def test_metric_plots_are_titled_in_words(panel):
    panel.curves.set_metric_name("mae")
    assert panel.curves.metric_plot.getPlotItem().titleLabel.text == "Mean absolute error"
    panel.curves.set_metric_name("accuracy")
    assert panel.curves.metric_plot.getPlotItem().titleLabel.text == "Accuracy"


def test_confusion_matrix_cells_show_their_counts(qtbot):
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    from gui.results_view import ResultsView

    view = ResultsView()
    qtbot.addWidget(view)
    view.show_result({"confusion_matrix": [[4, 1], [2, 3]], "class_names": ["neg", "pos"], "stop_reason": "completed"})
    labels = [item for item in view.plot.getPlotItem().items if isinstance(item, QGraphicsSimpleTextItem)]
    assert sorted((item.pos().y(), item.pos().x(), item.text()) for item in labels) == [
        (0.5, 0.5, "4"), (0.5, 1.5, "1"), (1.5, 0.5, "2"), (1.5, 1.5, "3")
    ]
    assert view.kind == "confusion" and view.plot_pages.currentWidget() is view.plot
    view.clear()
    assert view.kind is None and view.plot_pages.currentWidget() is view.placeholder
    assert "confusion matrix" in view.placeholder.text()  # the plot's place says what comes there


def test_redraws_are_throttled(qtbot, panel, monkeypatch):
    give_data(panel)
    panel.controller._state = tc.RUNNING  # as if a run had begun
    calls = []
    original = panel._redraw

    def counting_redraw(**kwargs):
        calls.append(kwargs)
        original(**kwargs)

    monkeypatch.setattr(panel, "_redraw", counting_redraw)
    try:
        for i in range(2000):  # a burst far faster than anyone can see
            panel._on_batch(events.Batch(epoch=1, batch=i + 1, total_batches=2000, elapsed=i * 0.001, logs={"loss": 1.0 / (i + 1)}))
        assert calls == []  # nothing drawn synchronously
        qtbot.waitUntil(lambda: len(calls) >= 1, timeout=2000)
        qtbot.wait(250)
        assert calls == [{"everything": False}], calls  # one redraw for the whole burst, batch curve only
        assert len(panel.curves.batch_loss.xData) == 2000  # all points kept; drawing downsamples
    finally:
        panel.controller._state = tc.IDLE


def test_long_curves_are_downsampled_and_clipped(panel):
    for curve in (panel.curves.batch_loss, panel.curves.loss):
        assert curve.opts["autoDownsample"] and curve.opts["clipToView"]


def test_log_is_bounded(panel):
    for i in range(LOG_LINES + 500):
        panel._append_log(f"line {i}")
    assert panel.log.document().blockCount() == LOG_LINES
    assert panel.log.toPlainText().rstrip().endswith(f"line {LOG_LINES + 499}")


def test_restore_history_draws_a_saved_run(panel):
    history = {"loss": [1.0, 0.6, math.nan], "val_loss": [1.1, 0.7, 0.9], "accuracy": [0.5, 0.6, 0.7], "val_accuracy": [0.4, 0.5, 0.6]}
    panel.restore_history(history, {"best_epoch": 2, "stop_reason": "nan_loss", "message": "The loss became NaN."})
    restored = panel.history
    assert restored.keys() == history.keys()
    for key, values in history.items():
        assert restored[key] == pytest.approx(values, nan_ok=True)
    assert list(panel.curves.loss.getData()[0]) == [1, 2, 3]
    assert panel.curves.markers[0][1].value() == 2
    assert "NaN" in panel.results.summary.text() and panel.results.kind is None


def test_series_buffer_and_eta_format():
    buffer = SeriesBuffer(capacity=2)
    for i in range(5):
        buffer.append(i, i * i)
    assert len(buffer) == 5 and list(buffer.y) == [0, 1, 4, 9, 16]
    buffer.clear()
    assert len(buffer.x) == 0
    assert format_eta(65) == "1:05" and format_eta(3725) == "1:02:05" and format_eta(None) == "—"


# ---- export helpers --------------------------------------------------------------------------------
def test_plots_export_as_png_files(qtbot, tmp_path, warnings_shown):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=3))
    try:
        give_data(panel)
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
            panel.start_training()
        written = export_training_plots(panel, tmp_path / "run")
        assert [p.name for p in written] == ["run.png", "run-accuracy.png", "run-confusion-matrix.png"]
        assert all(p.read_bytes()[:8] == PNG for p in written)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run-accuracy.png", "run-confusion-matrix.png", "run.png"]  # no temp files left
    finally:
        panel.shutdown()


def test_png_export_failure_keeps_the_old_file(qtbot, tmp_path, panel, monkeypatch):
    target = tmp_path / "curves.png"
    target.write_bytes(b"old")
    from pyqtgraph.exporters import ImageExporter

    def failing_export(self, fileName=None, toBytes=False, copy=False):
        raise OSError("disk full")

    monkeypatch.setattr(ImageExporter, "export", failing_export)
    with pytest.raises(OSError):
        export_plot_png(panel.curves.loss_plot, target)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["curves.png"]


def test_move_model_is_atomic_and_keeps_the_source(tmp_path):
    source = tmp_path / "run.keras"
    source.write_bytes(b"PK\x03\x04model")
    target = move_model(source, tmp_path / "mine")
    assert target.name == "mine.keras" and target.read_bytes() == b"PK\x03\x04model" and source.exists()
    source.unlink()
    with pytest.raises(Exception, match="train again"):
        move_model(source, tmp_path / "again.keras")
    assert target.read_bytes() == b"PK\x03\x04model"


def test_script_export_writes_the_rendered_script(tmp_path):
    pytest.importorskip("core.export.script")
    from gui.export_actions import write_script

    data = tmp_path / "d.csv"
    data.write_text("id,t,x,label\n1,0,0.5,a\n1,1,0.4,a\n2,0,0.1,b\n", encoding="utf-8")
    target = write_script(tmp_path / "train.py", str(data), LoadOptions(layout="long", id_col="id", time_col="t", label_col="label"), PaddingOptions(), None, ModelSpec(), TrainingConfig(epochs=2))
    text = target.read_text(encoding="utf-8")
    compile(text, str(target), "exec")
    assert "d.csv" in text


def test_script_export_refuses_in_one_sentence_before_asking_for_a_name(tmp_path, qtbot, warnings_shown, monkeypatch):
    """A file the script cannot reproduce is refused with the exporter's own sentence, and no file dialog opens."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QFileDialog, QWidget

    from gui.export_actions import ExportActions

    data = tmp_path / "unlabelled.csv"
    data.write_text("id,t,x\n1,0,0.5\n1,1,0.4\n2,0,0.1\n2,1,0.3\n", encoding="utf-8")
    inputs = (str(data), LoadOptions(layout="long", id_col="id", time_col="t"), PaddingOptions(), None, ModelSpec(), TrainingConfig())
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a[1]) or ("", ""))
    parent = QWidget()
    qtbot.addWidget(parent)
    panel = SimpleNamespace(last_result=None, history=[], is_training=lambda: False)
    actions = ExportActions(SimpleNamespace(script_inputs=lambda: inputs, training_panel=panel), parent)
    assert actions.export_script() is None
    assert asked == []
    assert warnings_shown == ["unlabelled.csv has no labels or targets, so there is nothing to train in a script."]
