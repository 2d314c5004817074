"""One sample of the tensor: a heat-map (time steps × features) and a line plot of its features.

Padded steps are left out of the colour scale (they are NaN in the slice core hands over) and
covered by a hatched grey band, so "this step is padding" is visible at a glance. The line
plot draws one curve per feature (the first 12 shown; click a legend entry to show or hide
a curve) with gaps at padding; its legend sits under the plot, never over the curves.

Token ids (text data) are not amounts, so a token sample is drawn as its words along the
time axis instead: one cell per step, coloured word / unknown word / padding.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetrics, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from superqt.utils import signals_blocked

from core import readout as ro
from core import tensor_views as tv
from core.tensor_data import TensorData
from gui.limited_spin import LimitedSpinBox
from gui.views.colour_by import FEATURE, GLOBAL, ColourBy, ColourByCombo
from gui.views.hover import HoverReadout, plot_point
from gui.views.theme import Theme, ThemedView, fit_axis_to_labels, fit_widget_to_layout, plural, theme_for

#: Curves drawn at first; the rest exist (up to MAX_CURVES) but start hidden.
VISIBLE_CURVES = 12
#: More features than this are not drawn as curves at all (the heat-map still shows them).
MAX_CURVES = 48
#: Longest token sample whose words are written into the cells (longer ones: hover for the word).
MAX_WORDS = 160
HEAT_TITLE = "Values of this sample (time steps × features)"
TOKEN_TITLE = "Tokens of this sample, one per time step"


class SampleView(ThemedView, QWidget):
    """Heat-map and line plot of one sample, linked to the selection.

    ``set_data(shaped)`` takes anything with ``x`` (N, T, F) or (N, T), ``mask`` (N, T) or
    None, ``feature_names``, and optionally ``padding`` and ``y``. ``set_sample(i)`` shows
    sample ``i`` without emitting; the sample spin box emits ``sampleChanged(int)``.
    """

    sampleChanged = Signal(int)
    #: The value under the pointer in words, for the status bar ("" when the pointer leaves the data).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, colour_by: ColourBy | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 420)
        self._theme: Theme = theme_for(self)
        self._shaped: TensorData | None = None
        self._x: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._levels = (0.0, 1.0)
        self._feature_levels: np.ndarray | None = None
        self._sample = 0
        self._pad_rects: list[QGraphicsRectItem] = []
        self._curves: list[pg.PlotDataItem] = []
        self._strip: ro.TokenStrip | None = None
        self._readout: ro.TensorReadout | None = None
        self._hover = HoverReadout(self.valueHovered.emit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        label = QLabel("Sample")
        tip = "Which sample (one sequence of your data) to show. Counting starts at 0, as in Python."
        label.setToolTip(tip)
        self._spin = LimitedSpinBox("Sample")
        self._spin.setToolTip(tip)
        self._spin.setMinimumWidth(90)
        self._spin.valueChanged.connect(self._on_spin)
        self._info = QLabel("Open a file to see one of its samples.")
        self._info.setWordWrap(True)
        self._info.setTextFormat(Qt.TextFormat.PlainText)  # words such as <unk> are text, not tags
        self._info.setToolTip("The selected sample's real length, how much of it is padding, and its label.")
        self.colour_setting = colour_by if colour_by is not None else ColourBy()
        self.colour_by = ColourByCombo(self.colour_setting)
        self.colour_setting.changed.connect(self._on_colour_by)
        top.addWidget(label)
        top.addWidget(self._spin)
        top.addWidget(self._info, 1)
        top.addWidget(self.colour_by)
        layout.addLayout(top)

        self._plots = pg.GraphicsLayoutWidget()
        self._plots.setMinimumHeight(320)
        layout.addWidget(self._plots, 1)
        self._heat = self._plots.addPlot(row=0, col=0, title=HEAT_TITLE)
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
        self._colour_bar.setImageItem(self._image)
        self._plots.addItem(self._colour_bar, row=0, col=1)
        # Token samples draw their cells here (class colours, no colour scale).
        self._token_image = pg.ImageItem(axisOrder="row-major")
        self._heat.addItem(self._token_image)
        self._words: list[pg.TextItem] = []
        self._token_grid = pg.PlotCurveItem()
        self._heat.addItem(self._token_grid)
        self._tokens = False

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
        # The legend gets its own row under the plot (spanning the colour bar's column too), so it
        # never covers the curves; its column count follows the width.
        self._legend = pg.LegendItem(colCount=2, horSpacing=16)
        self._plots.addItem(self._legend, row=2, col=0, colspan=2)
        self._plots.ci.layout.setRowStretchFactor(0, 3)
        self._plots.ci.layout.setRowStretchFactor(1, 2)
        self._plots.ci.layout.setRowStretchFactor(2, 0)
        self._plots.ci.layout.setColumnStretchFactor(0, 1)
        self._plots.ci.layout.setColumnStretchFactor(1, 0)
        self._plots.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._apply_theme()

    # ---- public API -------------------------------------------------------------------------
    @property
    def sample(self) -> int:
        return self._sample

    def curves(self) -> list[pg.PlotDataItem]:
        """The feature curves (visible or hidden), in feature order."""
        return list(self._curves)

    def set_data(self, shaped: TensorData) -> None:
        """Show a new tensor; keeps the current sample number when it still exists."""
        self._shaped = shaped
        self._x, self._mask = shaped.x, shaped.mask
        self._readout = ro.TensorReadout.of(shaped)
        x3 = tv.as_three_d(self._x)
        names = tuple(shaped.feature_names)
        self._tokens = shaped.x.ndim == 2
        if self._tokens:
            names = ("token",)
        self._names = names if len(names) == x3.shape[2] else tuple(f"feature_{i}" for i in range(x3.shape[2]))
        self._levels = tv.tensor_levels(self._x, self._mask)
        self._feature_levels = None if self._tokens else tv.feature_levels(self._x, self._mask)
        suggested = self._feature_levels is not None and tv.colour_by_feature_suggested(self._feature_levels)
        self.colour_setting.suggest(FEATURE if suggested else GLOBAL)
        self.colour_by.setVisible(not self._tokens and x3.shape[2] > 1)
        self._apply_colour_scale()
        with signals_blocked(self._spin):
            self._spin.set_limits(0, max(0, x3.shape[0] - 1), high_reason=f"the tensor has {plural(x3.shape[0], 'sample')}, counted from 0")
        self._fit_feature_ticks()
        # Same left-axis width above and below, so the linked time axes line up step for step.
        heat_axis = self._heat.getAxis("left")
        width = max(int(heat_axis.fixedWidth or heat_axis.width()), 64)
        for plot in (self._heat, self._lines):
            plot.getAxis("left").setWidth(width)
        self._show_token_mode(self._tokens)
        self._rebuild_curves()
        self.set_sample(min(self._sample, max(0, x3.shape[0] - 1)))

    def set_sample(self, index: int) -> None:
        """Show sample ``index`` (does not emit ``sampleChanged``)."""
        self._sample = int(index)
        with signals_blocked(self._spin):
            self._spin.setValue(self._sample)
        if self._x is None or tv.as_three_d(self._x).shape[0] == 0:
            return
        piece = tv.sample_slice(self._x, self._mask, self._sample)
        steps, features = piece.values.shape
        if self._tokens:
            self._draw_tokens(steps)
        elif self._per_feature():
            scaled = tv.scale_per_feature(piece.values, self._feature_levels)
            self._image.setImage(scaled.T, autoLevels=False, levels=(0.0, 1.0))
        else:
            self._image.setImage(piece.values.T, autoLevels=False, levels=self._levels)
        # Step t is centred on x = t, where the line plot below draws it.
        self._image.setRect(QRectF(-0.5, 0, steps, features))
        for f, curve in enumerate(self._curves):
            curve.setData(piece.values[:, f], connect="finite")
        self._draw_padding(piece.step_mask, features)
        self._update_info(piece.step_mask)

    def words(self) -> tuple[str, ...]:
        """For token data: the words of the shown sample, one per step ("" for padding)."""
        return self._strip.words if self._tokens and self._strip is not None else ()

    # ---- internals --------------------------------------------------------------------------
    def _show_token_mode(self, tokens: bool) -> None:
        """Token ids get words in cells; the value curves and colour scale mean nothing for them."""
        self._lines.setVisible(not tokens)
        self._legend.setVisible(not tokens)
        self._colour_bar.setVisible(not tokens)
        self._image.setVisible(not tokens)
        self._token_image.setVisible(tokens)
        self._token_grid.setVisible(tokens)
        layout = self._plots.ci.layout
        layout.setRowStretchFactor(1, 0 if tokens else 2)
        self._lines.setMaximumHeight(0 if tokens else 16_777_215)
        self._lines.setMinimumHeight(0 if tokens else 120)
        self._legend.setMaximumHeight(0 if tokens else 16_777_215)
        self._colour_bar.setMaximumWidth(0 if tokens else 90)
        if tokens:
            self._heat.setTitle(TOKEN_TITLE)
            self._heat.setLabel("left", "")
            self._heat.getAxis("left").setTicks([[(0.5, "token")]])
            self._heat.setToolTip(
                "Each cell is one time step holding one token id, written as its word. Token ids are indices "
                "into the vocabulary, not amounts: an Embedding layer turns each into a vector. Colours: "
                "word, unknown word (<unk>, id 1), grey = padding (id 0)."
            )
        else:
            self._heat.setTitle(HEAT_TITLE)
            self._heat.setLabel("left", "feature")
            self._heat.setToolTip(
                "Each column is one time step, each row one feature; the colour is the value. "
                "Hatched grey columns are padding: steps added so every sample has the same length."
            )
        self._theme.style_plot(self._heat)

    def _draw_tokens(self, steps: int) -> None:
        strip = ro.token_strip(self._x, self._mask, self._sample, self._shaped.vocabulary)
        self._strip = strip
        theme = self._theme
        self._token_image.setImage(tv.class_rgba(strip.classes[None, :], theme.token_palette()), autoLevels=False)
        self._token_image.setRect(QRectF(-0.5, 0, steps, 1))
        for item in self._words:
            self._heat.removeItem(item)
        self._words = []
        if steps > MAX_WORDS:
            return
        colour = theme.qcolor(theme.foreground)
        # A thin line between steps, so each word's cell is visible.
        bounds = np.arange(steps - 1, dtype=np.float64) + 0.5
        self._token_grid.setData(np.repeat(bounds, 2), np.tile([0.0, 1.0], max(steps - 1, 0)), connect="pairs")
        self._token_grid.setPen(pg.mkPen(theme.qcolor(theme.background), width=1))
        # Words read left to right, with their id under them, while they fit their cells; otherwise
        # they stand upright so they do not run into each other.
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(w) for w in strip.words if w), default=0)
        cell_px = self._heat.vb.width() / max(steps, 1)
        upright = widest + 6 > cell_px
        for t, word in enumerate(strip.words):
            if not word:
                continue
            token_id = int(strip.ids[t])
            item = pg.TextItem(anchor=(0.5, 0.5), angle=90 if upright else 0, color=colour)
            if upright:
                item.setText(f"{word} ({token_id})", color=colour)
            else:
                item.setHtml(f"<div style='text-align:center; color:{colour.name()}'>{html.escape(word)}"
                             f"<br><small>{token_id}</small></div>")
            item.setToolTip(f"step {t}: '{word}' (token id {token_id})")
            item.setPos(t, 0.5)
            self._heat.addItem(item)
            self._words.append(item)

    def _on_spin(self, value: int) -> None:
        self.set_sample(value)
        self.sampleChanged.emit(value)

    def _per_feature(self) -> bool:
        return self._feature_levels is not None and self.colour_setting.per_feature

    def _apply_colour_scale(self) -> None:
        if self._per_feature():
            self._colour_bar.setLevels((0.0, 1.0))
            self._colour_bar.axis.setLabel("share of each feature's range")
        else:
            self._colour_bar.setLevels(self._levels)
            self._colour_bar.axis.setLabel("value")

    def _on_colour_by(self, _mode: str) -> None:
        self._apply_colour_scale()
        self.set_sample(self._sample)

    def _on_mouse_moved(self, position) -> None:
        """Say what is under the pointer: the cell of the heat-map, or every feature at that step."""
        hit = plot_point((self._heat, self._lines), position) if self._readout is not None else None
        self._hover.show("" if hit is None else self._describe_point(*hit))

    def _describe_point(self, plot, x: float, y: float) -> str:
        """The readout (:mod:`core.readout`) of data point (x, y) of the heat-map or the line plot."""
        readout = self._readout
        if readout is None:
            return ""
        step = int(np.floor(x + 0.5))  # step t is centred on x = t in both plots
        if plot is self._heat and not self._tokens:
            return readout.cell(self._sample, step, int(np.floor(y)))
        return readout.step(self._sample, step)

    def _rebuild_curves(self) -> None:
        for curve in self._curves:
            self._lines.removeItem(curve)
        self._legend.clear()
        self._curves = []
        if self._tokens:
            return
        for f, name in enumerate(self._names[:MAX_CURVES]):
            pen = pg.mkPen(self._theme.series_colour(f), width=1.5, style=self._theme.series_dash(f))
            curve = self._lines.plot([], pen=pen)
            curve.setVisible(f < VISIBLE_CURVES)
            self._legend.addItem(curve, name)
            self._curves.append(curve)
        self._fit_legend_columns()
        hidden = len(self._names) - min(len(self._names), VISIBLE_CURVES)
        title = "Features of this sample over time"
        if hidden:
            shown = min(len(self._names), MAX_CURVES) - VISIBLE_CURVES
            title += f" (first {VISIBLE_CURVES} shown; click the legend to show {'up to ' if shown < hidden else ''}{max(shown, 0)} more)"
        self._lines.setTitle(title)

    def _fit_legend_columns(self) -> None:
        """As many legend columns as fit across the plot, so the legend stays a few rows tall.

        The widths are measured with the legend's font: a legend wider than the view widened the
        whole plot grid, which pushed the colour bar and the last entries off the right edge.
        """
        if not self._names:
            return
        metrics = QFontMetrics(self.font())
        widest = max(metrics.horizontalAdvance(str(name)) for name in self._names[:MAX_CURVES])
        entry = widest + 20 + 30 + 16  # label, its padding, the line sample, the column spacing
        columns = max(1, min(len(self._curves) or 1, (self._plots.width() - 40) // entry))
        self._legend.setColumnCount(int(columns))
        fit_widget_to_layout(self._plots, 0, 320)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if self._curves:
            self._fit_legend_columns()
        if self._names and not self._tokens:
            self._fit_feature_ticks()

    def _fit_feature_ticks(self) -> None:
        """As many feature names on the heat-map's axis as fit its height without overlapping."""
        metrics = QFontMetrics(self._heat.getAxis("left").style.get("tickFont") or self.font())
        height = self._heat.vb.height() or 200.0
        fitting = max(2, int(height // (metrics.height() * 1.4)))
        fit_axis_to_labels(self._heat.getAxis("left"), tv.label_ticks(self._names, max_labels=min(20, fitting)))

    def _draw_padding(self, step_mask: np.ndarray, features: int) -> None:
        for rect in self._pad_rects:
            self._heat.removeItem(rect)
        self._pad_rects = []
        starts, stops = tv.false_runs(step_mask)
        colour = self._theme.qcolor(self._theme.foreground, alpha=90)
        for start, stop in zip(starts, stops):
            rect = QGraphicsRectItem(QRectF(float(start) - 0.5, 0.0, float(stop - start), float(features)))
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
        parts = [f"length {real:,} of {plural(total, 'step')}"]
        if real < total:
            side = self._shaped.padding.padding
            parts.append(f"{total - real:,} padded{f' ({side})' if side else ''}")
        original = self._shaped.original_lengths
        if self._sample < len(original) and int(original[self._sample]) > real:
            cut = int(original[self._sample]) - real
            parts.append(f"{plural(cut, 'step')} cut by truncation")
        label = self._label_text()
        if label:
            parts.append(f"label: {label}")
        text = f"Sample {self._sample}: " + ", ".join(parts)
        if self._tokens and self._strip is not None:
            sentence = " ".join(word for word in self._strip.words if word)
            if len(sentence) > 160:
                sentence = sentence[:159] + "…"
            text += (f' — “{sentence}”. Each step holds one token id, shown as its word (tinted: unknown word '
                     '<unk>, id 1; grey: padding, id 0). The ids are vocabulary indices, not amounts.')
        self._info.setText(text)

    def _label_text(self) -> str | None:
        y = self._shaped.y
        if y is None or self._sample >= len(y) or np.ndim(y) > 2 or (np.ndim(y) == 2 and y.shape[1] > 4):
            return None
        value = y[self._sample]
        labels = self._shaped.labels
        classes = labels.classes if labels is not None else None
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
        self._colour_bar.axis.setLabel("share of each feature's range" if self._per_feature() else "value",
                                       color=theme.qcolor(theme.foreground).name())
        self._legend.setBrush(pg.mkBrush(theme.qcolor(theme.background, alpha=200)))

    def _redraw_in_theme(self) -> None:
        if self._x is not None:
            self._rebuild_curves()
            self.set_sample(self._sample)
