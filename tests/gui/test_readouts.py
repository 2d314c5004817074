"""The value under the pointer in the status bar, from every plot of the window (issue 14).

Each test moves the pointer by mapping a data point of a plot to the scene and calling the
view's mouse-move handler (what pyqtgraph's ``sigMouseMoved`` calls), then reads the status
bar. No TensorFlow is imported here (the views and plots are drawn without a model).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gui.main_window import MainWindow
from gui.views.colour_by import FEATURE, GLOBAL


def open_window(qtbot, demo: str) -> MainWindow:
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo(demo)
    qtbot.wait(20)
    return window


def show(qtbot, window: MainWindow, index: int) -> None:
    """Switch to a view and let it lay out, so its plots have their on-screen geometry."""
    window.show_view(index)
    window.repaint()
    qtbot.wait(50)


def move_to(handler, plot, x: float, y: float) -> None:
    """The pointer over data point (x, y) of ``plot``, as the scene reports a mouse move."""
    handler(plot.vb.mapViewToScene(pg.Point(x, y)))


def status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_the_3d_views_slices_say_sample_id_step_feature_value_and_padding(qtbot):
    window = open_window(qtbot, "vowels-long")  # utterance ids from the file, ragged lengths
    show(qtbot, window, 0)
    view, shaped = window.tensor_view, window.state.shaped
    assert not view.uses_gl
    view.set_selection(sample=3)
    qtbot.wait(20)
    sample_id = shaped.dataset.sample_ids[3]
    name = shaped.feature_names[2]
    value = float(shaped.x[3, 1, 2])
    move_to(view._on_fallback_moved, view._plots["sample"], 1.5, 2.5)  # step 1, feature 2 of sample 3
    assert status(window) == f"sample 3 (id '{sample_id}'), step 1, {name}: {value:.6g}"
    length = int(shaped.mask[3].sum())
    assert length < shaped.x.shape[1]
    move_to(view._on_fallback_moved, view._plots["sample"], length + 0.5, 0.5)
    assert status(window).startswith(f"sample 3 (id '{sample_id}'), step {length}, ") and status(window).endswith("(padding)")
    # The time-step slice: samples along x, features along y.
    move_to(view._on_fallback_moved, view._plots["timestep"], 7.5, 0.5)
    assert status(window).startswith(f"sample 7 (id '{shaped.dataset.sample_ids[7]}'), step 0, {shaped.feature_names[0]}: ")
    move_to(view._on_fallback_moved, view._plots["sample"], -40.0, -40.0)  # off the tensor
    assert status(window) == ""


def test_the_sample_view_readout_names_the_file_id_and_padding(qtbot):
    window = open_window(qtbot, "vowels-long")
    show(qtbot, window, 1)
    sample, shaped = window.sample_view, window.state.shaped
    sample_id = shaped.dataset.sample_ids[0]
    move_to(sample._on_mouse_moved, sample._heat, 2.0, 3.5)
    assert status(window) == (f"sample 0 (id '{sample_id}'), step 2, {shaped.feature_names[3]}: "
                              f"{float(shaped.x[0, 2, 3]):.6g}")
    padded = int(shaped.mask[0].sum())
    move_to(sample._on_mouse_moved, sample._lines, float(padded), 0.0)
    assert status(window) == f"sample 0 (id '{sample_id}'), step {padded}: padding"


def test_text_samples_say_the_word_under_the_pointer(qtbot):
    window = open_window(qtbot, "sentiment")
    show(qtbot, window, 1)
    sample = window.sample_view
    words = sample.words()
    step = next(i for i, w in enumerate(words) if w)
    move_to(sample._on_mouse_moved, sample._heat, float(step), 0.5)
    assert status(window).startswith(f"sample 0, step {step}: '{words[step]}' (token id ")


def test_word_vector_samples_read_like_any_feature_tensor(qtbot):
    window = open_window(qtbot, "word-vectors")
    show(qtbot, window, 1)
    sample, shaped = window.sample_view, window.state.shaped
    move_to(sample._on_mouse_moved, sample._heat, 0.0, 1.5)
    assert status(window) == f"sample 0, step 0, {sample._names[1]}: {float(shaped.x[0, 0, 1]):.6g}"


def test_the_padding_preview_reads_bars_layout_cells_and_the_mask(qtbot):
    window = open_window(qtbot, "vowels")
    show(qtbot, window, 2)
    preview = window.padding_view
    lengths = np.asarray(window.state.shaped.original_lengths)
    common = int(np.bincount(lengths).argmax())
    move_to(preview._on_mouse_moved, preview._hist, float(common), 1.0)
    count = int((lengths == common).sum())
    assert status(window) == f"length {common}: {count:,} sequences"
    plot = preview._layout_plots[("post", "post")]
    layouts = preview._layouts
    shortest = int(np.argmin(layouts.lengths))
    move_to(preview._on_mouse_moved, plot, layouts.frame[1] - 0.5, shortest + 0.5)  # the last kept step
    assert status(window).startswith(f"padding='post', truncating='post': sample {int(layouts.rows[shortest])} "
                                     f"(length {int(layouts.lengths[shortest])}), tensor step ")
    assert status(window).endswith(": padding")
    move_to(preview._on_mouse_moved, preview._mask_plot, 0.5, 0.5)
    rows, _ = preview._mask_classes
    assert status(window) == f"sample {int(rows[0])}, step 0: seen by the model"


def test_the_window_designer_reads_a_series_row_and_a_window(qtbot):
    window = open_window(qtbot, "gait")  # one long series, cut into windows
    show(qtbot, window, 3)
    designer = window.window_view
    options = designer.options()
    values = designer._values
    move_to(designer._on_mouse_moved, designer._series_plot, 0.0, float(values[0, 0]))
    assert status(window).startswith(f"row 0, {designer._names[0]}: {float(values[0, 0]):.6g} — in sample 0")
    move_to(designer._on_mouse_moved, designer._windows_plot, options.window / 2, 0.0)
    assert status(window).startswith(f"sample 0: series rows 0–{options.window - 1}")


def test_colour_by_is_one_setting_for_the_heat_map_and_the_3d_view(qtbot, weather_window):
    window = weather_window
    tensor, sample = window.tensor_view, window.sample_view
    assert tensor.colour_setting is sample.colour_setting
    assert tensor.colour_by.currentData() == FEATURE == sample.colour_by.currentData()  # suggested: units differ
    image = tensor._images["sample"].image  # features × steps, each feature 0–1 of its own range
    finite = np.isfinite(image).all(axis=1)
    spans = np.nanmax(image, axis=1) - np.nanmin(image, axis=1)
    assert (spans[finite] > 0.3).all() and np.nanmax(image) <= 1.5
    tensor.colour_by.setCurrentIndex(tensor.colour_by.findData(GLOBAL))  # switched in 3-D …
    assert sample.colour_by.currentData() == GLOBAL  # … is switched in the heat-map too
    assert np.nanmax(sample._image.image) > 50 and np.nanmax(tensor._images["sample"].image) > 50  # raw values
    assert "own scale" not in tensor._caption.text()


def test_the_training_curves_read_every_curve_at_the_epoch(qtbot):
    from gui.training_plots import CurvePlots

    # Shown as a top-level window on purpose: Qt then calls QWidget.metric(), which a curve attribute
    # named ``metric`` used to hide ("'PlotDataItem' object is not callable").
    plots = CurvePlots()
    qtbot.addWidget(plots)
    plots.resize(900, 400)
    plots.show()
    qtbot.waitExposed(plots)
    plots.set_metric_name("accuracy")
    epochs = np.arange(1, 6, dtype=np.float64)
    plots.loss.setData(epochs, [1.0, 0.8, 0.6, 0.5, 0.45])
    plots.val_loss.setData(epochs, [1.1, 0.9, 0.7, 0.66, 0.6])
    plots.metric_curve.setData(epochs, [0.5, 0.6, 0.7, 0.8, 0.85])
    plots.val_metric.setData(epochs, [0.4, 0.5, 0.6, 0.7, 0.75])
    for plot in (plots.loss_plot, plots.metric_plot):
        plot.getPlotItem().getViewBox().setRange(xRange=(0, 6), yRange=(0, 1.2), padding=0)
    with qtbot.waitSignal(plots.valueHovered) as hovered:
        item = plots.loss_plot.getPlotItem()
        plots._on_mouse_moved(plots.loss_plot, item.vb.mapViewToScene(pg.Point(3.2, 0.6)))
    assert hovered.args[0] == "epoch 3: loss 0.6, val_loss 0.7"
    with qtbot.waitSignal(plots.valueHovered) as hovered:
        item = plots.metric_plot.getPlotItem()
        plots._on_mouse_moved(plots.metric_plot, item.vb.mapViewToScene(pg.Point(4.9, 0.5)))
    assert hovered.args[0] == "epoch 5: accuracy 0.85, val_accuracy 0.75"
    # An earlier run, drawn faded, is read out beside the current one.
    from core.training.runs import RunRecord

    earlier = RunRecord(number=1, history={"loss": [1.5, 1.2, 1.0], "val_loss": [1.6, 1.3, 1.1]})
    plots.set_runs([earlier, RunRecord(number=2)], current=2)
    assert plots.describe_epoch(plots.loss_plot, 2.0) == "epoch 2: loss 0.8, val_loss 0.9, run 1 loss 1.2, run 1 val_loss 1.3"
    plots.set_run_visible(1, False)
    assert plots.describe_epoch(plots.loss_plot, 2.0) == "epoch 2: loss 0.8, val_loss 0.9"


def test_the_results_read_confusion_cells_and_prediction_dots(qtbot):
    from gui.results_view import ResultsView

    view = ResultsView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    view.show_result({"confusion_matrix": [[8, 2], [1, 9]], "class_names": ["cat", "dog"]})
    item = view.plot.getPlotItem()
    with qtbot.waitSignal(view.valueHovered) as hovered:
        view._on_mouse_moved(item.vb.mapViewToScene(pg.Point(1.5, 0.5)))  # row 0 (true cat), column 1 (dog)
    assert hovered.args[0] == "true 'cat', predicted 'dog': 2 samples (20% of the true 'cat'), wrong"
    view.show_result({"predictions": [[1.1, 1.0], [2.5, 3.0], [0.2, 0.0]]})
    item = view.plot.getPlotItem()
    with qtbot.waitSignal(view.valueHovered) as hovered:
        view._on_mouse_moved(item.vb.mapViewToScene(pg.Point(3.0, 2.5)))
    assert hovered.args[0] == "validation sample 1: truth 3, prediction 2.5 (error -0.5)"


def test_leaving_the_data_clears_only_the_readout(qtbot):
    window = open_window(qtbot, "vowels")
    show(qtbot, window, 1)
    sample = window.sample_view
    move_to(sample._on_mouse_moved, sample._heat, 1.0, 0.5)
    assert status(window).startswith("sample 0, step 1, ")
    move_to(sample._on_mouse_moved, sample._heat, -500.0, -500.0)
    assert status(window) == ""
    window.statusBar().showMessage("Opened something.")
    move_to(sample._on_mouse_moved, sample._heat, -600.0, -600.0)  # still off the data: the message stays
    assert status(window) == "Opened something."
    move_to(sample._on_mouse_moved, sample._heat, 1.0, 0.5)  # back on the same cell: said again
    assert status(window).startswith("sample 0, step 1, ")
    window.statusBar().showMessage("Saved.")
    move_to(sample._on_mouse_moved, sample._heat, -500.0, -500.0)  # a message shown since is not the readout's
    assert status(window) == "Saved."


def test_the_training_tabs_readouts_reach_the_windows_status_bar(qtbot):
    from gui.training_workflow import install_training_workflow

    window = open_window(qtbot, "vowels")
    workflow = install_training_workflow(window)
    panel = workflow.training_panel
    panel.curves.valueHovered.emit("epoch 3: loss 0.6")
    assert status(window) == "epoch 3: loss 0.6"
    panel.results.valueHovered.emit("true 'a', predicted 'b': 2 samples")
    assert status(window) == "true 'a', predicted 'b': 2 samples"
    panel.results.valueHovered.emit("")
    assert status(window) == ""
