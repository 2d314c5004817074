"""Layout of the data views inside the real window at a small size (1100 × 700).

pyqtgraph lays its plots out in a scene; squeezed below the layout's minimum size the plots
run past the widget's right edge and are cut off with no scroll bar. These tests open a demo
in the main window and check, by geometry, that every plot, title and label is inside what
the user can see (or inside a scroll area that scrolls).
"""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QScrollArea

from gui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SIZE = (1100, 700)


def open_window(qtbot, demo: str) -> MainWindow:
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo(demo)
    return window


def settle(qtbot, window: MainWindow) -> None:
    window.repaint()
    qtbot.wait(50)


def visible_scene_rect(widget: pg.GraphicsLayoutWidget) -> QRectF:
    return widget.mapToScene(widget.viewport().rect()).boundingRect()


def assert_plots_inside(widget: pg.GraphicsLayoutWidget, items) -> None:
    """Every item (plot, label) lies inside the part of the scene the widget shows."""
    visible = visible_scene_rect(widget).adjusted(-0.5, -0.5, 0.5, 0.5)
    layout_rect = widget.ci.sceneBoundingRect()
    assert visible.contains(layout_rect), f"the plots ({layout_rect}) overflow the view ({visible})"
    for item in items:
        rect = item.sceneBoundingRect()
        assert visible.contains(rect), f"{item!r} at {rect} is outside the view {visible}"


def assert_titles_fit(plots) -> None:
    """A plot title's text is no wider than the room its label has."""
    for plot in plots:
        label = plot.titleLabel
        if label.isVisible() and label.text:
            assert label.item.boundingRect().width() <= label.geometry().width() + 1, label.text


def assert_labels_fit(container) -> None:
    """Every visible QLabel either wraps or is as wide as its text needs."""
    for label in container.findChildren(QLabel):
        if label.isVisibleTo(container) and label.text() and not label.wordWrap():
            assert label.sizeHint().width() <= label.width() + 1, label.text()


def test_padding_view_fits_its_width_at_1100x700(qtbot):
    window = open_window(qtbot, "vowels")
    window.show_view(2)
    settle(qtbot, window)
    view = window.padding_view
    scroll = view.parentWidget().parentWidget()
    assert isinstance(scroll, QScrollArea)
    # No horizontal scrolling needed, and nothing hidden past the right edge.
    assert scroll.horizontalScrollBar().maximum() == 0
    assert view.width() <= scroll.viewport().width()
    plots = [view._hist, view._mask_plot, *view._layout_plots.values()]
    assert_plots_inside(view._plots, [*plots, *view._column_headers.values()])
    assert_titles_fit(plots)
    # The histogram's x axis reaches the longest sequence, with the maxlen line in view.
    low, high = view._hist.getViewBox().viewRange()[0]
    assert high >= view._lengths.max() + 0.5 and low <= view._lengths.min() - 0.5
    assert_labels_fit(view)
    # The current choice is marked in its own title, which is not cut.
    current = view._layout_plots[(view.options().padding, view.options().truncating)]
    assert "current" in current.titleLabel.text


def test_padding_view_plots_stay_inside_when_squeezed(qtbot):
    """Below the plots' minimum size the widget keeps it and the scroll area scrolls instead."""
    window = open_window(qtbot, "vowels")
    window.show_view(2)
    window.resize(800, 520)
    settle(qtbot, window)
    view = window.padding_view
    plots = view._plots
    needed = plots.ci.effectiveSizeHint(pg.QtCore.Qt.SizeHint.MinimumSize)
    assert plots.width() >= needed.width() and plots.height() >= needed.height()
    assert_plots_inside(plots, [view._hist, view._mask_plot, *view._layout_plots.values()])


def test_clicking_a_layout_chooses_its_options(qtbot):
    window = open_window(qtbot, "vowels")
    window.show_view(2)
    settle(qtbot, window)
    view = window.padding_view
    plot = view._layout_plots[("pre", "pre")]
    centre = plot.getViewBox().sceneBoundingRect().center()
    point = view._plots.mapFromScene(centre)
    # Wait for the window to re-shape too, so no worker outlives the test.
    with qtbot.waitSignal(window.tensorChanged, timeout=10_000):
        with qtbot.waitSignal(view.optionsChanged, timeout=2000) as signal:
            qtbot.mouseClick(view._plots.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert (signal.args[0].padding, signal.args[0].truncating) == ("pre", "pre")
    assert "current" in plot.titleLabel.text


def test_tensor_fallback_and_sample_view_fit_at_1100x700(qtbot):
    window = open_window(qtbot, "sentiment")
    settle(qtbot, window)
    tensor = window.tensor_view
    assert not tensor.uses_gl
    assert_plots_inside(tensor._fallback, list(tensor._plots.values()))
    assert_labels_fit(tensor)
    # One feature in words, not "1 features"; token ids are explained.
    caption = tensor._caption.text()
    assert "1 features" not in caption and "token id" in caption

    window.show_view(1)
    settle(qtbot, window)
    sample = window.sample_view
    words = sample.words()
    assert words and all(isinstance(w, str) for w in words)
    assert sum(bool(w) for w in words) == int(window.state.shaped.lengths[sample.sample])
    assert_plots_inside(sample._plots, [sample._heat])
    assert "token id" in sample._info.text()


def test_sample_view_legend_does_not_cover_the_curves(qtbot):
    window = open_window(qtbot, "vowels")
    window.show_view(1)
    settle(qtbot, window)
    sample = window.sample_view
    legend = sample._legend.sceneBoundingRect()
    lines = sample._lines.getViewBox().sceneBoundingRect()
    heat = sample._heat.getViewBox().sceneBoundingRect()
    assert not legend.intersects(lines)
    assert_plots_inside(sample._plots, [sample._heat, sample._lines, sample._legend])
    # Both plots share the time axis, so their data areas line up.
    assert abs(heat.left() - lines.left()) <= 1 and abs(heat.right() - lines.right()) <= 1


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_3d_axis_labels_are_pushed_inside_the_view(axis):
    from gui.views.gl_scene import label_position

    width, height = 300.0, 200.0
    for x, y in ((-500.0, -50.0), (20.0, 100.0), (290.0, 190.0), (900.0, 900.0)):
        left, baseline = label_position(x, y, axis, 180.0, 12.0, 3.0, width, height)
        assert 0 <= left and left + 180.0 <= width
        assert baseline - 12.0 >= 0 and baseline + 3.0 <= height


@pytest.mark.parametrize("size", [(1024, 700), (1400, 900), (1920, 1080)])
def test_sample_view_shows_every_legend_entry_and_the_colour_bar(qtbot, size):
    window = open_window(qtbot, "vowels")  # 12 features
    window.resize(*size)
    window.show_view(1)
    settle(qtbot, window)
    sample = window.sample_view
    visible = visible_scene_rect(sample._plots).adjusted(-0.5, -0.5, 0.5, 0.5)
    assert visible.contains(sample._colour_bar.sceneBoundingRect()), "the colour bar is cut off"
    labels = [label for _, label in sample._legend.items]
    assert len(labels) == 12
    for label in labels:
        assert visible.contains(label.sceneBoundingRect()), f"legend entry {label.text} is cut off"


def test_heat_map_cells_are_centred_on_the_line_plots_steps(qtbot):
    window = open_window(qtbot, "vowels")
    window.show_view(1)
    settle(qtbot, window)
    sample = window.sample_view
    rect = sample._image.mapRectToParent(sample._image.boundingRect())
    steps = window.state.shaped.x.shape[1]
    assert (rect.left(), rect.right()) == (-0.5, steps - 0.5)


def test_hover_says_the_value_under_the_pointer(qtbot):
    window = open_window(qtbot, "vowels")
    window.show_view(1)
    settle(qtbot, window)
    sample = window.sample_view
    x = window.state.shaped.x
    text = sample._describe_point(sample._heat, 2.2, 3.5)  # step 2, feature 3
    assert text == f"sample 0, step 2, {window.state.shaped.feature_names[3]}: {float(x[0, 2, 3]):.6g}"
    assert sample._describe_point(sample._heat, 25.0, 0.5).endswith("(padding)")  # sample 0 is 20 steps long
    assert sample._describe_point(sample._lines, 1.0, 0.0).startswith("sample 0, step 1: dim_0 ")
    assert sample._describe_point(sample._heat, 99.0, 0.5) == ""
    with qtbot.waitSignal(sample.valueHovered) as hovered:
        centre = sample._heat.vb.mapViewToScene(pg.Point(2.0, 3.5))
        sample._on_mouse_moved(centre)
    assert hovered.args[0].startswith("sample 0, step 2, ")
    assert window.statusBar().currentMessage() == hovered.args[0]


def test_features_in_different_units_get_their_own_colour_scale(qtbot, weather_window):
    window = weather_window
    window.show_view(1)
    sample = window.sample_view
    assert sample.colour_by.currentData() == "feature"  # humidity spans 30, temperature 0.2
    image = sample._image.image  # features × steps, each feature scaled to its own range
    assert image.min() >= -0.5 and image.max() <= 1.5 and (image.max(axis=1) - image.min(axis=1) > 0.3).all()
    sample.colour_by.setCurrentIndex(sample.colour_by.findData("global"))
    assert sample._image.image.max() > 50  # raw values again


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_model_table_shows_every_column_at_small_and_large_sizes(qtbot, size):
    from gui.training_workflow import install_training_workflow

    window = open_window(qtbot, "vowels")
    workflow = install_training_workflow(window)
    window.resize(*size)
    panel = workflow.model_panel
    window.show_view(workflow.model_tab)
    panel.add_layer()
    panel.layer_editors[0].bidirectional.setChecked(True)  # the longest layer name: bidirectional_lstm_1
    settle(qtbot, window)
    header = panel.table.horizontalHeader()
    viewport = panel.table.viewport().width()
    metrics = header.fontMetrics()
    for column in range(panel.table.columnCount()):
        left = header.sectionViewportPosition(column)
        assert 0 <= left and left + header.sectionSize(column) <= viewport + 1, f"column {column} is cut off"
        title = panel.table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title), f"'{title}' is squeezed"
