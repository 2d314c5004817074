"""Every view of the window is readable and complete at 1024 × 700 and at 1920 × 1080 (issue 14).

For each ``--view NAME`` (tensor, sample, padding, windows, values, model, training, the training
tab with a finished run's results) the real window opens a demo at both sizes and these checks
read the widgets' geometry:

* no tab page scrolls sideways (a panel wider than its tab is cut off, whatever its scroll bar);
* every visible button is inside the window and inside what its scroll area shows, or in a
  scroll area that scrolls that way on purpose;
* no label is cut: a one-line label is as wide as its text needs, a wrapped one as tall;
* no table column is clipped: each header section is inside the viewport and at least as wide as
  its title, unless the table scrolls sideways on purpose (the values table), whose row labels and
  first column are then in view;
* every plot is inside the part of its scene the widget shows, no plot title is wider than its
  room, and no legend lies on a plot's data area.

The side panels (Shape doctor, Dataset) are checked with every view.
"""

from __future__ import annotations

import json

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QRadioButton,
    QScrollArea,
    QTableView,
    QWidget,
)

from gui import training_controller as tc
from gui.main import _tab_index
from gui.main_window import MainWindow
from gui.training_workflow import install_training_workflow
from tests.gui.fake_training import FakeTrainingProcess, scripted_run

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SIZES = [(1024, 700), (1920, 1080)]
VIEWS = [  # (--view NAME, demo)
    ("tensor", "vowels"),
    ("sample", "vowels"),
    ("padding", "vowels"),
    ("windows", "gait"),
    ("values", "vowels"),
    ("model", "vowels"),
    ("training", "vowels"),
]
# What each view shows at least (so a check that finds nothing to look at fails).
SEEN = {
    "tensor": {"plots": 1, "labels": 3},
    "sample": {"plots": 1, "labels": 1},
    "padding": {"plots": 1, "labels": 1},
    "windows": {"plots": 1, "labels": 3},
    "values": {"tables": 1, "labels": 1},
    "model": {"tables": 1, "labels": 3, "buttons": 2},
    "training": {"plots": 1, "labels": 3, "buttons": 4},  # the loss plot before a run
}
SLACK = 1  # pixel: rounding of fractional scene coordinates


# ---- the window -------------------------------------------------------------------------------
def nine_class_run(job):
    """A finished run of the fake child with the vowels' 9 classes in its confusion matrix."""
    script = scripted_run(epochs=12, batches=3, task="multiclass")
    end = json.loads(json.dumps(script[-1]))
    matrix = (np.eye(9, dtype=int) * 28 + 1).tolist()

    def patch(node):
        if isinstance(node, dict):
            for key in list(node):
                if key == "confusion_matrix":
                    node[key] = matrix
                elif key == "class_names":
                    node[key] = [str(i) for i in range(1, 10)]
                else:
                    patch(node[key])

    patch(end)
    return [*script[:-1], end]


def regression_run(job):
    """A finished regression run that logs mae, as the real child does (the metric plot shows "Mean absolute error")."""
    script = scripted_run(epochs=8, batches=3, task="regression")
    history = {"mae": [], "val_mae": []}
    for event in script:
        if event["event"] == "epoch":
            event["mae"], event["val_mae"] = 0.8 / event["epoch"], 0.9 / event["epoch"]
            history["mae"].append(event["mae"])
            history["val_mae"].append(event["val_mae"])
        elif event["event"] == "done":
            event["history"].update(history)
    return script


def open_window(qtbot, demo: str, size: tuple[int, int], script=nine_class_run):
    window = MainWindow(interactive=False, use_gl=False)
    controller = tc.TrainingController(lambda: FakeTrainingProcess(script, per_poll=40), poll_interval_ms=2)
    workflow = install_training_workflow(window, controller)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo(demo)
    return window, workflow


def settle(qtbot, window) -> None:
    for _ in range(3):
        window.repaint()
        qtbot.wait(30)


def show_named_view(qtbot, window, name: str) -> QWidget:
    index = _tab_index(window, name)
    assert index is not None, f"no view called {name}"
    assert window.tabs.isTabEnabled(index), f"the {name} view is disabled for this demo"
    window.show_view(index)
    settle(qtbot, window)
    return window.tabs.widget(index)


def finish_a_run(qtbot, workflow) -> None:
    panel = workflow.training_panel
    qtbot.waitUntil(panel.start_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(panel.runFinished, timeout=20_000):
        panel.start_training()


# ---- geometry checks --------------------------------------------------------------------------
def shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def scroll_ancestors(widget: QWidget, root: QWidget):
    parent = widget.parentWidget()
    while parent is not None and parent is not root.window():
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            yield parent
        parent = parent.parentWidget()


def assert_seen(widget: QWidget, root: QWidget, what: str) -> None:
    """Inside the window, and inside each scroll area around it unless that one scrolls that way."""
    window = root.window()
    rect = rect_in(widget, window)
    assert window.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect), f"{what} at {rect} is outside the window {window.rect()}"
    for area in scroll_ancestors(widget, root):
        port = rect_in(area.viewport(), window).adjusted(-SLACK, -SLACK, SLACK, SLACK)
        sideways = area.horizontalScrollBar().maximum() > 0
        upways = area.verticalScrollBar().maximum() > 0
        if not sideways:
            assert port.left() <= rect.left() and rect.right() <= port.right(), f"{what} is cut at the sides of its scroll area"
        if not upways:
            assert port.top() <= rect.top() and rect.bottom() <= port.bottom(), f"{what} is cut at the bottom of its scroll area"


def check_pages_do_not_scroll_sideways(root: QWidget) -> None:
    for area in [root, *root.findChildren(QScrollArea)]:
        if isinstance(area, QScrollArea) and shown(area, root) and area.widgetResizable():
            assert area.horizontalScrollBar().maximum() == 0, (
                f"{area.widget().__class__.__name__} is {area.widget().minimumSizeHint().width()} px wide at least, "
                f"its page {area.viewport().width()} px: it scrolls sideways")


def check_buttons(root: QWidget) -> int:
    checked = 0
    for button in root.findChildren(QAbstractButton):
        if not shown(button, root) or not button.text():
            continue
        checked += 1
        assert_seen(button, root, f"button '{button.text()}'")
        # The text and icon fit (a push button's size hint adds a minimum width of its style's).
        text = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
        icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
        box = 20 if isinstance(button, (QCheckBox, QRadioButton)) else 8
        assert text + icon + box <= button.width() + SLACK, f"'{button.text()}' is cut ({text + icon + box} > {button.width()})"
    return checked


def check_labels(root: QWidget) -> int:
    checked = 0
    for label in root.findChildren(QLabel):
        if not shown(label, root) or not label.text() or label.objectName() == "qtooltip_label":
            continue
        checked += 1
        if any(isinstance(a, QAbstractScrollArea) and a.verticalScrollBar().maximum() > 0 for a in scroll_ancestors(label, root)):
            continue  # inside a page that scrolls: read by scrolling
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            assert needed <= label.height() + 2, f"'{label.text()[:60]}' needs {needed} px, has {label.height()}"
        else:
            assert label.sizeHint().width() <= label.width() + SLACK, f"'{label.text()[:60]}' is cut ({label.sizeHint().width()} > {label.width()})"
    return checked


def check_tables(root: QWidget) -> int:
    checked = 0
    for table in root.findChildren(QTableView):
        if not shown(table, root) or table.model() is None or table.model().columnCount() == 0:
            continue
        checked += 1
        header = table.horizontalHeader()
        port = table.viewport().width()
        if table.horizontalScrollBar().maximum() > 0:
            # Deliberately scrollable: the row labels and the first column are in view.
            assert table.verticalHeader().isHidden() or table.verticalHeader().width() > 0
            assert 0 <= header.sectionViewportPosition(0) and header.sectionViewportPosition(0) + header.sectionSize(0) <= port + SLACK, \
                "the first column is not in view"
            continue
        metrics = header.fontMetrics()
        for column in range(header.count()):
            if header.isSectionHidden(column):
                continue
            left = header.sectionViewportPosition(column)
            title = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
            assert 0 <= left and left + header.sectionSize(column) <= port + SLACK, f"column '{title}' is cut off"
            assert header.sectionSize(column) >= metrics.horizontalAdvance(title), f"'{title}' is squeezed"
    return checked


def visible_scene_rect(view: pg.GraphicsView) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-SLACK, -SLACK, SLACK, SLACK)


def check_plots(root: QWidget) -> int:
    checked = 0
    for view in root.findChildren(pg.GraphicsView):
        if not shown(view, root) or view.centralWidget is None:
            continue
        checked += 1
        visible = visible_scene_rect(view)
        central = view.centralWidget.sceneBoundingRect()
        name = view.parentWidget().__class__.__name__
        assert visible.contains(central), f"the plots of {name} ({central}) overflow the view ({visible})"
        items = view.scene().items()
        boxes = [i for i in items if isinstance(i, pg.ViewBox) and i.isVisible() and i.width() > 0]
        for plot in [i for i in items if isinstance(i, pg.PlotItem) and i.isVisible()]:
            label = plot.titleLabel
            if label.isVisible() and label.text:
                assert label.item.boundingRect().width() <= label.geometry().width() + SLACK, f"title '{label.text}' is cut"
        for legend in [i for i in items if isinstance(i, pg.LegendItem) and i.isVisible() and i.items]:
            rect = legend.sceneBoundingRect()
            assert visible.contains(rect), f"a legend of {name} is cut off"
            for box in boxes:
                inner = box.sceneBoundingRect().adjusted(SLACK, SLACK, -SLACK, -SLACK)
                assert not rect.intersects(inner), f"a legend of {name} lies on a plot's data area"
    return checked


def check_everything(root: QWidget) -> dict[str, int]:
    """Run every check on ``root``; how many buttons, labels, tables and plots were looked at."""
    check_pages_do_not_scroll_sideways(root)
    return {"buttons": check_buttons(root), "labels": check_labels(root), "tables": check_tables(root), "plots": check_plots(root)}


def main_content_share(page: QWidget) -> float:
    """The share of the page the largest visible plot, 3-D view or table covers."""
    from PySide6.QtOpenGLWidgets import QOpenGLWidget

    areas = [w.width() * w.height() for w in page.findChildren(QWidget)
             if isinstance(w, (pg.GraphicsView, QTableView, QOpenGLWidget)) and shown(w, page)]
    return max(areas, default=0) / float(page.width() * page.height())


def check_docks(window: MainWindow) -> None:
    assert window.doctor_dock.isVisible() and window.details_dock.isVisible()
    assert check_buttons(window.doctor_dock.widget()) >= 1  # Paste an error…
    check_labels(window.doctor_dock.widget())
    check_labels(window.details_dock.widget())


# ---- the tests --------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("name", "demo"), VIEWS, ids=[name for name, _ in VIEWS])
def test_every_view_is_complete(qtbot, name, demo, size):
    window, workflow = open_window(qtbot, demo, size)
    page = show_named_view(qtbot, window, name)
    checked = check_everything(page)
    for kind, least in SEEN[name].items():  # the checks looked at the view's own parts
        assert checked[kind] >= least, f"only {checked[kind]} {kind} checked in the {name} view"
    check_docks(window)
    # The space goes to the data: the view's main plot, 3-D block or table covers a good share of
    # its page (measured at 1920 x 1080: 44% for the training tab before a run, 54% model, 76-95%
    # the data views; at 1024 x 700 the model and training tabs 36%, their controls need the rest).
    share = main_content_share(page)
    least = 0.4 if size == (1920, 1080) else 0.33
    assert share >= least, f"the {name} view's largest plot or table fills only {share:.0%} of its page"
    if name == "training":
        workflow.training_panel.shutdown()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("demo", "script", "kind"), [("vowels", nine_class_run, "confusion"), ("us-change", regression_run, "scatter")],
                         ids=["confusion-matrix", "prediction-vs-truth"])
def test_a_finished_run_is_complete(qtbot, demo, script, kind, size):
    window, workflow = open_window(qtbot, demo, size, script)
    page = show_named_view(qtbot, window, "training")
    panel = workflow.training_panel
    try:
        finish_a_run(qtbot, workflow)
        settle(qtbot, window)
        assert panel.results.kind == kind
        assert panel.details.currentIndex() == panel.results_tab  # the summary is shown when the run ends
        checked = check_everything(page)
        assert checked["plots"] == 3  # loss, the metric and the results plot
        assert panel.curves.metric_name == ("accuracy" if kind == "confusion" else "mae")
        metric = panel.curves.metric_plot.getPlotItem().getViewBox().sceneBoundingRect()
        assert metric.width() >= 90 and metric.height() >= 120, f"the metric curves' data area is only {metric}"
        check_docks(window)
        # The results plot has room to be read: a 9-class matrix needs ~20 px per class and its axes.
        plot = panel.results.plot
        box = plot.getPlotItem().getViewBox().sceneBoundingRect()
        assert box.width() >= 9 * 20 and box.height() >= 9 * 14, f"the results plot's data area is only {box}"
        curves = panel.curves.loss_plot.getPlotItem().getViewBox().sceneBoundingRect()
        assert curves.width() >= 150 and curves.height() >= 120, f"the loss curves' data area is only {curves}"
        if size == (1920, 1080):  # a big window gives the plots the space
            assert plot.width() >= 800 and panel.curves.width() >= 800
        # The log is one click away.
        panel.details.setCurrentIndex(panel.log_tab)
        assert "Trained for" in panel.log.toPlainText()
        settle(qtbot, window)
        check_labels(page)
    finally:
        panel.shutdown()


def test_the_text_demo_views_are_complete(qtbot):
    window, workflow = open_window(qtbot, "sentiment", SIZES[0])
    for name in ("tensor", "sample", "values", "model"):
        page = show_named_view(qtbot, window, name)
        check_everything(page)


@pytest.mark.gl
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_3d_view_with_opengl_is_complete(qtbot, size):
    import os

    from gui.views.tensor_view_3d import gl_available

    if not os.environ.get("DISPLAY") or not gl_available():
        pytest.skip("needs a display with OpenGL (run under xvfb-run)")
    window = MainWindow(interactive=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        assert window.open_demo("vowels")
    page = show_named_view(qtbot, window, "tensor")
    assert window.tensor_view.uses_gl
    checked = check_everything(page)
    assert checked["buttons"] >= 1 and checked["labels"] >= 3  # Reset view, the axis names and the caption
    gl = window.tensor_view._gl_view
    assert_seen(gl, page, "the 3-D view")
    assert gl.width() >= 400 and gl.height() >= 250, f"the 3-D view is only {gl.width()} × {gl.height()}"
    check_docks(window)


@pytest.mark.parametrize("demo", ["motions", "vowels-long", "us-change", "word-vectors"])
def test_every_enabled_view_of_the_other_demos_is_complete_at_1024x700(qtbot, demo):
    window, workflow = open_window(qtbot, demo, SIZES[0])
    names = ("tensor", "sample", "padding", "windows", "values", "model", "training")
    enabled = [name for name in names if window.tabs.isTabEnabled(_tab_index(window, name))]
    assert len(enabled) >= 6  # padding or windows, and every other view
    for name in enabled:
        check_everything(show_named_view(qtbot, window, name))
    check_docks(window)
    workflow.training_panel.shutdown()
