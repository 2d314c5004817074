"""What a finished run achieved: final metrics, and a confusion matrix or prediction-vs-truth plot.

The training child computes everything (``core.training.runner.validation_report``); this
view only draws the small JSON it sends with the ``end`` event: ``confusion_matrix`` (rows =
true class) with ``class_names`` for classification, ``predictions`` (``[prediction, truth]``
pairs of the first target) for regression. With ``baseline`` (``core.training.baseline``) each
validation and test metric is followed by what a model that learned nothing scores, e.g.
``val_accuracy 0.93 (majority class 0.52)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from core.readout import confusion_cell, metric_text, nearest_prediction
from core.wording import escape_html
from gui.views.hover import HoverReadout, plot_point
from gui.views.theme import BLUE, ORANGE, theme_for

PLOT_PLACEHOLDER = ("When a run ends, the validation set's confusion matrix (classes)\n"
                    "or its predictions against the truth (numbers) appear here.")
MAX_ANNOTATED_CLASSES = 20  # beyond this the cells are too small for numbers
STOP_REASON_TEXT = {
    "completed": "Completed",
    "early_stopping": "Stopped early (no improvement)",
    "user": "Stopped by you",
    "nan_loss": "Stopped: the loss became NaN",
    "error": "Failed",
}


#: Four significant digits, ``NaN``, or ``—`` for missing values: the rule lives in core.readout.
format_metric = metric_text


def result_section(result: dict[str, Any], key: str) -> Any:
    """A result entry that the child sends at top level (or nested under ``validation``)."""
    if key in result:
        return result[key]
    nested = result.get("validation")
    return nested.get(key) if isinstance(nested, dict) else None


class ResultsView(QWidget):
    """Summary text plus one plot: confusion matrix (classification) or prediction vs truth."""

    #: The cell or dot under the pointer in words, for the status bar ("" when it leaves).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, separate_summary: bool = False) -> None:
        """With ``separate_summary`` the summary (``summary_scroll``) is left for the owner to place."""
        super().__init__(parent)
        self._hover = HoverReadout(self.valueHovered.emit)
        self._matrix: tuple[np.ndarray, list[str]] | None = None
        self._pairs: np.ndarray | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setContentsMargins(2, 2, 6, 2)
        # The summary scrolls on its own, so a long table never makes the panel taller. It is a
        # widget of its own (``summary_scroll``) that the owner places: the training panel puts it
        # in a tab beside the log, so the plot keeps the width a confusion matrix needs.
        summary_scroll = QScrollArea()
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QFrame.Shape.NoFrame)
        summary_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        summary_scroll.setWidget(self.summary)
        summary_scroll.setMinimumHeight(100)
        self.summary_scroll = summary_scroll
        self.plot = pg.PlotWidget()
        theme = theme_for(self)
        self.plot.setBackground(theme.qcolor(theme.background))
        theme.style_plot(self.plot.getPlotItem())
        for name in ("bottom", "left"):
            self.plot.getPlotItem().getAxis(name).enableAutoSIPrefix(False)
        self.plot.setMinimumSize(220, 160)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        # The plot swaps places with an empty page instead of being shown and hidden: a change of
        # layout re-laid out and repainted the whole training panel when a run ended.
        self.plot_pages = QStackedWidget()
        # Until a run ends the plot's place says what will appear there (not a blank area).
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { color: palette(mid); }")
        # Two fixed lines, not word-wrapped: a height-for-width page made the splitter give the
        # results plot only its minimum height.
        self.placeholder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.plot_pages.addWidget(self.placeholder)
        self.plot_pages.addWidget(self.plot)
        self.plot_pages.setMinimumHeight(160)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not separate_summary:
            summary_scroll.setMinimumWidth(260)
            summary_scroll.setMaximumWidth(400)
            layout.addWidget(summary_scroll)
        layout.addWidget(self.plot_pages, 1)
        self.kind: str | None = None  # "confusion" | "scatter" | None
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.clear()

    def _on_mouse_moved(self, position: Any) -> None:
        hit = plot_point((self.plot.getPlotItem(),), position)
        self._hover.show("" if hit is None else self.describe_point(hit[1], hit[2]))

    def describe_point(self, x: float, y: float) -> str:
        """The confusion-matrix cell or the prediction dot at data point (x, y), in words (:mod:`core.readout`)."""
        if self.kind == "confusion" and self._matrix is not None:
            return confusion_cell(self._matrix[0], self._matrix[1], int(np.floor(y)), int(np.floor(x)))
        if self.kind == "scatter" and self._pairs is not None:
            (x_low, x_high), (y_low, y_high) = self.plot.getPlotItem().getViewBox().viewRange()
            return nearest_prediction(self._pairs, x, y, x_high - x_low, y_high - y_low)
        return ""

    def clear(self, message: str = "Results appear here when a run ends.") -> None:
        self.kind = None
        self._matrix, self._pairs = None, None
        self.summary.setText(f"<i>{message}</i>")
        self.placeholder.setText(PLOT_PLACEHOLDER)
        item = self.plot.getPlotItem()
        item.clear()
        item.setTitle("")
        item.setLabel("bottom", "")
        item.setLabel("left", "")
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setTicks(None)
        item.invertY(False)
        self._show_plot(False)

    def show_result(self, result: dict[str, Any]) -> None:
        """Draw a finished run's ``end`` payload."""
        self.summary.setText(self._summary_html(result))
        matrix = result_section(result, "confusion_matrix")
        predictions = result_section(result, "predictions")
        item = self.plot.getPlotItem()
        item.clear()
        if matrix:
            self._draw_confusion(np.asarray(matrix, dtype=np.float64), result_section(result, "class_names"))
        elif predictions:
            self._draw_scatter(np.asarray(predictions, dtype=np.float64))
        else:
            self.kind = None
            self._show_plot(False)

    def _show_plot(self, shown: bool) -> None:
        self.plot_pages.setCurrentIndex(1 if shown else 0)

    # ---- text -----------------------------------------------------------------------------------
    def _summary_html(self, result: dict[str, Any]) -> str:
        reason = str(result.get("stop_reason") or "completed")
        rows = [("Outcome", STOP_REASON_TEXT.get(reason, reason))]
        if result.get("message"):
            rows.append(("", escape_html(str(result["message"]))))
        if result.get("epochs_run") is not None:
            rows.append(("Epochs run", str(result["epochs_run"])))
        if result.get("best_epoch"):
            rows.append(("Best epoch", str(result["best_epoch"])))
        final = result.get("final") or {}
        baseline = result.get("baseline") or {}
        val_base, test_base = baseline.get("val") or {}, baseline.get("test") or {}
        for key, value in final.items():
            base = val_base.get(key[4:]) if key.startswith("val_") else None
            rows.append((f"{key} (best epoch)", format_metric(value) + _baseline_note(baseline, base)))
        test = result.get("test") or {}
        for key, value in test.items():
            rows.append((f"test {key}", format_metric(value) + _baseline_note(baseline, test_base.get(key))))
        if baseline:
            chance = baseline.get("chance_accuracy")
            text = escape_html(f"{baseline.get('name', 'baseline')}: {baseline.get('description', '')}")
            if chance is not None:
                text += f"; chance {format_metric(chance)}"
            rows.append(("Baseline", text))
        seconds = result.get("seconds")
        if seconds:
            rows.append(("Training time", f"{float(seconds):.1f} s"))
            n_train, epochs = result.get("n_train"), result.get("epochs_run")
            if n_train and epochs:
                rows.append(("Throughput", f"{float(n_train) * float(epochs) / float(seconds):,.0f} samples/s"))
        if result.get("n_train"):
            rows.append(("Samples", f"{int(result['n_train']):,} train, {int(result.get('n_val') or 0):,} validation"))
        cells = "".join(
            f"<tr><td style='padding-right:12px'><b>{escape_html(k)}</b></td><td>{v}</td></tr>" if k else f"<tr><td colspan='2'>{v}</td></tr>"
            for k, v in rows
        )
        return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"

    # ---- plots ----------------------------------------------------------------------------------
    def _draw_confusion(self, matrix: np.ndarray, class_names: Any) -> None:
        self.kind = "confusion"
        self._show_plot(True)
        item = self.plot.getPlotItem()
        n = matrix.shape[0]
        names = [str(c) for c in (class_names or range(n))][:n]
        names += [str(i) for i in range(len(names), n)]
        self._matrix = (matrix, names)
        totals = matrix.sum(axis=1, keepdims=True)
        share = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
        image = pg.ImageItem(share, axisOrder="row-major")
        image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        image.setLevels((0.0, 1.0))
        item.addItem(image)
        if n <= MAX_ANNOTATED_CLASSES:
            dark, light = QBrush(QColor(0, 0, 0)), QBrush(QColor(255, 255, 255))
            for row in range(n):
                for col in range(n):
                    label = _cell_label(f"{int(matrix[row, col])}", dark if share[row, col] > 0.6 else light)
                    label.setPos(col + 0.5, row + 0.5)
                    item.addItem(label, ignoreBounds=True)
        ticks = [[(i + 0.5, _short(name)) for i, name in enumerate(names)]] if n <= MAX_ANNOTATED_CLASSES else None
        item.getAxis("bottom").setTicks(ticks)
        item.getAxis("left").setTicks(ticks)
        item.setLabel("bottom", "predicted class (validation set)")
        item.setLabel("left", "true class")
        item.setTitle("Confusion matrix")
        self.plot.setToolTip("Rows are true classes, columns predicted ones; numbers are sample counts and the colour is the "
                             "share of the row. Hover a cell for its count in words.")
        item.invertY(True)
        item.setAspectLocked(False)
        item.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)

    def _draw_scatter(self, pairs: np.ndarray) -> None:
        self.kind = "scatter"
        self._show_plot(True)
        item = self.plot.getPlotItem()
        item.invertY(False)
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setTicks(None)
        truth, prediction = pairs[:, 1], pairs[:, 0]
        self._pairs = pairs
        scatter = pg.ScatterPlotItem(truth, prediction, size=6, pen=None, brush=pg.mkBrush(*BLUE, 160))
        item.addItem(scatter)
        if truth.size:
            low = float(min(truth.min(), prediction.min()))
            high = float(max(truth.max(), prediction.max()))
            item.addItem(pg.PlotDataItem([low, high], [low, high], pen=pg.mkPen(*ORANGE, width=1.5, style=Qt.PenStyle.DashLine)))
        item.setLabel("bottom", "true value (validation set)")
        item.setLabel("left", "prediction")
        item.setTitle("Prediction vs truth")
        self.plot.setToolTip("Each dot is a validation sample; the dashed line is a perfect prediction.")
        item.autoRange()


def _baseline_note(baseline: dict[str, Any], value: Any) -> str:
    """`` (majority class 0.52)`` in grey after a metric, when the baseline scored it."""
    if value is None or not baseline:
        return ""
    name = escape_html(str(baseline.get("name", "baseline")))
    return f" <span style='color:#777'>({name} {format_metric(value)})</span>"


def _cell_label(text: str, brush: QBrush) -> QGraphicsSimpleTextItem:
    """A count centred on its cell that keeps its pixel size whatever the zoom.

    Qt draws these itself; pyqtgraph's TextItem re-lays out in Python on every view change,
    and 400 of them made the results view take tens of milliseconds to appear.
    """
    label = QGraphicsSimpleTextItem(text)
    label.setBrush(brush)
    label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    box = label.boundingRect()
    label.setTransform(QTransform.fromTranslate(-box.width() / 2, -box.height() / 2))
    return label


def _short(name: str, limit: int = 12) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
