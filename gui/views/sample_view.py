"""One sample of the tensor: a heat-map (time steps × features) and a line plot of its features.

Padded steps are left out of the colour scale (they are NaN in the slice core hands over) and
covered by a hatched grey band, so "this step is padding" is visible at a glance. The line
plot draws one curve per feature (the first 12 shown; click a legend entry to show or hide
a curve) with gaps at padding.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

import gui.views  # noqa: F401  (row-major images)
from core import tensor_views as tv
from gui.views.theme import Theme, fit_axis_to_labels, theme_for

#: Curves drawn at first; the rest exist (up to MAX_CURVES) but start hidden.
VISIBLE_CURVES = 12
#: More features than this are not drawn as curves at all (the heat-map still shows them).
MAX_CURVES = 48


class SampleView(QWidget):
    """Heat-map and line plot of one sample, linked to the selection.

    ``set_data(shaped)`` takes anything with ``x`` (N, T, F) or (N, T), ``mask`` (N, T) or
    None, ``feature_names``, and optionally ``padding`` and ``y``. ``set_sample(i)`` shows
    sample ``i`` without emitting; the sample spin box emits ``sampleChanged(int)``.
    """

    sampleChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 420)
        self._theme: Theme = theme_for(self)
        self._shaped = None
        self._x: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._levels = (0.0, 1.0)
        self._sample = 0
        self._pad_rects: list[QGraphicsRectItem] = []
        self._curves: list[pg.PlotDataItem] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        label = QLabel("Sample")
        tip = "Which sample (one sequence of your data) to show. Counting starts at 0, as in Python."
        label.setToolTip(tip)
        self._spin = QSpinBox()
        self._spin.setToolTip(tip)
        self._spin.setMinimumWidth(90)
        self._spin.valueChanged.connect(self._on_spin)
        self._info = QLabel("Open a file to see one of its samples.")
        self._info.setWordWrap(True)
        self._info.setToolTip("The selected sample's real length, how much of it is padding, and its label.")
        top.addWidget(label)
        top.addWidget(self._spin)
        top.addWidget(self._info, 1)
        layout.addLayout(top)

        self._plots = pg.GraphicsLayoutWidget()
        self._plots.setMinimumHeight(320)
        layout.addWidget(self._plots, 1)
        self._heat = self._plots.addPlot(row=0, col=0, title="Values of this sample (time steps × features)")
        self._heat.setLabel("bottom", "time step")
        self._heat.setLabel("left", "feature")
        self._heat.setMenuEnabled(False)
        self._heat.setToolTip(
            "Each column is one time step, each row one feature; the colour is the value. "
            "Hatched grey columns are padding: steps added so every sample has the same length."
        )
        self._image = pg.ImageItem(axisOrder="row-major")
        self._heat.addItem(self._image)
        self._colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=self._theme.colormap(), interactive=False, width=14)
        self._colour_bar.setImageItem(self._image, insert_in=self._heat)

        self._lines = self._plots.addPlot(row=1, col=0, title="Features of this sample over time")
        self._lines.setLabel("bottom", "time step")
        self._lines.setLabel("left", "value")
        self._lines.setXLink(self._heat)
        self._lines.setDownsampling(auto=True, mode="peak")
        self._lines.setClipToView(True)
        self._lines.setMenuEnabled(False)
        self._lines.setToolTip(
            "One line per feature. Gaps are padding. Click a name in the legend to show or hide its line."
        )
        self._legend = self._lines.addLegend(offset=(-10, 10), colCount=2)
        self._plots.ci.layout.setRowStretchFactor(0, 3)
        self._plots.ci.layout.setRowStretchFactor(1, 2)
        self._apply_theme()

    # ---- public API -------------------------------------------------------------------------
    @property
    def sample(self) -> int:
        return self._sample

    def curves(self) -> list[pg.PlotDataItem]:
        """The feature curves (visible or hidden), in feature order."""
        return list(self._curves)

    def set_data(self, shaped) -> None:
        """Show a new tensor; keeps the current sample number when it still exists."""
        self._shaped = shaped
        self._x, self._mask = shaped.x, shaped.mask
        x3 = tv.as_three_d(self._x)
        names = tuple(getattr(shaped, "feature_names", ()) or ())
        if shaped.x.ndim == 2:
            names = ("token id",)
        self._names = names if len(names) == x3.shape[2] else tuple(f"feature_{i}" for i in range(x3.shape[2]))
        self._levels = tv.tensor_levels(self._x, self._mask)
        self._colour_bar.setLevels(self._levels)
        self._spin.blockSignals(True)
        self._spin.setRange(0, max(0, x3.shape[0] - 1))
        self._spin.blockSignals(False)
        fit_axis_to_labels(self._heat.getAxis("left"), tv.label_ticks(self._names, max_labels=20))
        self._rebuild_curves()
        self.set_sample(min(self._sample, max(0, x3.shape[0] - 1)))

    def set_sample(self, index: int) -> None:
        """Show sample ``index`` (does not emit ``sampleChanged``)."""
        self._sample = int(index)
        self._spin.blockSignals(True)
        self._spin.setValue(self._sample)
        self._spin.blockSignals(False)
        if self._x is None or tv.as_three_d(self._x).shape[0] == 0:
            return
        piece = tv.sample_slice(self._x, self._mask, self._sample)
        steps, features = piece.values.shape
        self._image.setImage(piece.values.T, autoLevels=False, levels=self._levels)
        self._image.setRect(QRectF(0, 0, steps, features))
        for f, curve in enumerate(self._curves):
            curve.setData(piece.values[:, f], connect="finite")
        self._draw_padding(piece.step_mask, features)
        self._update_info(piece.step_mask)

    # ---- internals --------------------------------------------------------------------------
    def _on_spin(self, value: int) -> None:
        self.set_sample(value)
        self.sampleChanged.emit(value)

    def _rebuild_curves(self) -> None:
        for curve in self._curves:
            self._lines.removeItem(curve)
        self._legend.clear()
        self._curves = []
        for f, name in enumerate(self._names[:MAX_CURVES]):
            pen = pg.mkPen(self._theme.series_colour(f), width=1.5)
            curve = self._lines.plot([], pen=pen, name=name)
            curve.setVisible(f < VISIBLE_CURVES)
            self._curves.append(curve)
        hidden = len(self._names) - min(len(self._names), VISIBLE_CURVES)
        title = "Features of this sample over time"
        if hidden:
            shown = min(len(self._names), MAX_CURVES) - VISIBLE_CURVES
            title += f" (first {VISIBLE_CURVES} shown; click the legend to show {'up to ' if shown < hidden else ''}{max(shown, 0)} more)"
        self._lines.setTitle(title)

    def _draw_padding(self, step_mask: np.ndarray, features: int) -> None:
        for rect in self._pad_rects:
            self._heat.removeItem(rect)
        self._pad_rects = []
        starts, stops = tv.false_runs(step_mask)
        colour = self._theme.qcolor(self._theme.foreground, alpha=90)
        for start, stop in zip(starts, stops):
            rect = QGraphicsRectItem(QRectF(float(start), 0.0, float(stop - start), float(features)))
            rect.setBrush(QBrush(self._theme.qcolor(self._theme.padding, alpha=200)))
            pen = QPen(colour)
            pen.setCosmetic(True)
            rect.setPen(pen)
            hatch = QGraphicsRectItem(rect.rect(), rect)
            hatch.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
            hatch.setPen(QPen(Qt.PenStyle.NoPen))
            rect.setToolTip("Padding: these steps were added so every sample has the same length.")
            self._heat.addItem(rect)
            self._pad_rects.append(rect)

    def _update_info(self, step_mask: np.ndarray) -> None:
        total = int(step_mask.size)
        real = int(step_mask.sum())
        parts = [f"length {real} of {total} steps"]
        if real < total:
            side = getattr(getattr(self._shaped, "padding", None), "padding", None)
            parts.append(f"{total - real} padded{f' ({side})' if side else ''}")
        original = getattr(self._shaped, "original_lengths", None)
        if original is not None and self._sample < len(original) and int(original[self._sample]) > real:
            parts.append(f"{int(original[self._sample]) - real} steps cut by truncation")
        label = self._label_text()
        if label:
            parts.append(f"label: {label}")
        self._info.setText(f"Sample {self._sample}: " + ", ".join(parts))

    def _label_text(self) -> str | None:
        y = getattr(self._shaped, "y", None)
        if y is None or self._sample >= len(y) or np.ndim(y) > 2 or (np.ndim(y) == 2 and y.shape[1] > 4):
            return None
        value = y[self._sample]
        dataset = getattr(self._shaped, "dataset", None)
        labels = getattr(dataset, "labels", None)
        classes = getattr(labels, "classes", None)
        if classes is not None and np.ndim(value) == 0:
            return str(classes[int(value)])
        return np.array2string(np.asarray(value), precision=3) if np.ndim(value) else f"{float(value):.4g}"

    def _apply_theme(self) -> None:
        theme = self._theme
        self._plots.setBackground(theme.qcolor(theme.background))
        for plot in (self._heat, self._lines):
            theme.style_plot(plot)
        self._legend.setLabelTextColor(theme.qcolor(theme.foreground))
        self._colour_bar.axis.setTextPen(pg.mkPen(theme.qcolor(theme.foreground)))
        self._colour_bar.axis.setPen(pg.mkPen(theme.qcolor(theme.muted)))
        self._colour_bar.axis.setLabel("value", color=theme.qcolor(theme.foreground).name())
        self._legend.setBrush(pg.mkBrush(theme.qcolor(theme.background, alpha=200)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            new = theme_for(self)
            if new != self._theme:
                self._theme = new
                self._apply_theme()
                if self._x is not None:
                    self._rebuild_curves()
                    self.set_sample(self._sample)
        super().changeEvent(event)
