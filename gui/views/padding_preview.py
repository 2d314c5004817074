"""Padding preview: how ``pad_sequences`` options change the tensor, shown before anything is built.

The length histogram carries a draggable maxlen cut and the suggested maxlen (95th
percentile); example sequences are drawn under all four pre/post padding × truncating
choices; a mask preview shows which steps a ``Masking`` layer would skip, and warns when
real steps equal the pad value. Controls emit ``optionsChanged(PaddingOptions)``; the main
window re-shapes and calls :meth:`PaddingPreview.set_data` again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from core import padding_views as pv
from core import readout as ro
from core import tensor_views as tv
from core.options import PaddingOptions
from core.shaping.mask import pad_value_collisions
from core.tensor_data import TensorData
from gui.views.hover import HoverReadout, plot_point
from gui.views.theme import Theme, ThemedView, fit_axis_to_labels, fit_widget_to_layout, plural, theme_for

SIDE_TIPS = {
    "padding": {
        "post": "Add the padding after the real steps (at the end). Works with the fast cuDNN LSTM path.",
        "pre": "Add the padding before the real steps (at the start). Keras' default, but with a mask it "
        "rules out the fast cuDNN LSTM path.",
    },
    "truncating": {
        "post": "Sequences longer than maxlen lose their LAST steps.",
        "pre": "Sequences longer than maxlen lose their FIRST steps (keeps the most recent ones).",
    },
}


WINDOWS_NOTICE = "Windows cut from one series all have the same length, so there is nothing to pad."
CONTROLS_MIN_WIDTH = 210
CONTROLS_MAX_WIDTH = 270
PLOTS_MIN_WIDTH = 360
PLOTS_MIN_HEIGHT = 420
#: Font size of the small titles over the four layouts and the mask preview.
SMALL_TITLE = "9pt"
#: Pixels per example row, so the length labels on the left never overlap.
ROW_PIXELS = 13


class PaddingPreview(ThemedView, QWidget):
    """Histogram with maxlen cut, pre/post layouts, mask preview and padding statistics.

    Signals: ``optionsChanged(PaddingOptions)`` whenever a control changes (not when
    :meth:`set_data` updates them); ``maxlenChanged(int)`` when the cut line is dropped.
    """

    optionsChanged = Signal(object)
    maxlenChanged = Signal(int)
    #: What is under the pointer in words, for the status bar ("" when it leaves the data).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(CONTROLS_MIN_WIDTH + PLOTS_MIN_WIDTH + 12, PLOTS_MIN_HEIGHT)
        self._theme: Theme = theme_for(self)
        self._shaped: TensorData | None = None
        self._lengths = np.zeros(0, dtype=np.int64)
        self._options = PaddingOptions()
        self._suggested: tuple[int, float] | None = None
        self._suggested_percentile = 95.0
        self._collisions = 0
        self._moving_cut_line = False
        self._histogram: tuple[np.ndarray, np.ndarray] | None = None
        self._layouts: pv.PaddingLayouts | None = None
        self._mask_classes: tuple[np.ndarray, np.ndarray] | None = None  # example rows, their classes
        self._hover = HoverReadout(self.valueHovered.emit)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        controls = QWidget()
        controls.setLayout(self._build_controls())
        controls.layout().setContentsMargins(0, 0, 0, 0)
        # A narrow column: its texts wrap, so the plots get the width.
        controls.setMinimumWidth(CONTROLS_MIN_WIDTH)
        controls.setMaximumWidth(CONTROLS_MAX_WIDTH)
        controls.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._controls = controls
        outer.addWidget(controls, 0)
        self._plots = pg.GraphicsLayoutWidget()
        self._plots.setMinimumSize(PLOTS_MIN_WIDTH, PLOTS_MIN_HEIGHT)
        self._plots.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        outer.addWidget(self._plots, 1)
        self._build_plots()
        self._apply_theme()
        self._set_enabled(False)

    # ---- public API -------------------------------------------------------------------------
    def options(self) -> PaddingOptions:
        """The options the controls show now (maxlen ``None`` = the longest sequence)."""
        maxlen = self._maxlen.value() or None
        return PaddingOptions(
            maxlen=maxlen,
            padding=self._padding.currentData(),
            truncating=self._truncating.currentData(),
            value=float(self._value.value()),
            dtype=self._options.dtype,
        )

    def set_data(self, shaped: TensorData, report: dict | None = None) -> None:
        """Show the padding of ``shaped`` (a ShapedData); ``report`` is ``ShapeReport.to_dict()``."""
        self._shaped = shaped
        report = report or {}
        self._lengths = np.asarray(shaped.original_lengths, dtype=np.int64)
        self._options = shaped.padding
        windows = shaped.window is not None
        self._set_enabled(not windows and self._lengths.size > 0)
        if windows:
            self._notice.setText(WINDOWS_NOTICE)
        elif self._lengths.size and self._lengths.min() == self._lengths.max():
            self._notice.setText(
                f"All {plural(int(self._lengths.size), 'sequence')} are {plural(int(self._lengths[0]), 'step')} "
                "long, so nothing is padded (unless maxlen is larger) and the four layouts look the same."
            )
        self._notice.setVisible(bool(windows or (self._lengths.size > 0 and self._lengths.min() == self._lengths.max())))
        longest = int(self._lengths.max(initial=1))
        self._set_controls(shaped.padding, longest)
        suggestion = report.get("suggested_maxlen") or {}
        if suggestion.get("value") is not None:
            self._suggested = (int(suggestion["value"]), float(suggestion.get("truncated_share", 0.0)))
            self._suggested_percentile = float(suggestion.get("percentile", 95))
        else:
            self._suggested = pv.suggest_maxlen(self._lengths, 95.0)
            self._suggested_percentile = 95.0
        self._collisions = self._collision_count(shaped, report)
        self._draw_histogram()
        self._draw_layouts()
        self._draw_mask_preview()
        self._update_statistics(self._effective_maxlen())

    # ---- controls ---------------------------------------------------------------------------
    def _build_controls(self) -> QVBoxLayout:
        column = QVBoxLayout()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self._maxlen = QSpinBox()
        self._maxlen.setRange(0, 10_000_000)
        self._maxlen.setSpecialValueText("longest")
        self._maxlen.setKeyboardTracking(False)
        self._maxlen.setToolTip(
            "maxlen: how many time steps every sample gets (the T in (N, T, F)). Shorter sequences are "
            "padded up to it, longer ones are cut. 'longest' uses the longest sequence, so nothing is cut."
        )
        self._padding = QComboBox()
        self._truncating = QComboBox()
        for combo, key in ((self._padding, "padding"), (self._truncating, "truncating")):
            for side in ("post", "pre"):
                combo.addItem(f"{side} ({'at the end' if side == 'post' else 'at the start'})", side)
                combo.setItemData(combo.count() - 1, SIDE_TIPS[key][side], Qt.ItemDataRole.ToolTipRole)
        self._padding.setToolTip("Where padding goes in sequences shorter than maxlen.\n" + "\n".join(SIDE_TIPS["padding"].values()))
        self._truncating.setToolTip("Which end is cut from sequences longer than maxlen.\n" + "\n".join(SIDE_TIPS["truncating"].values()))
        self._value = QDoubleSpinBox()
        self._value.setRange(-1e9, 1e9)
        self._value.setDecimals(4)
        self._value.setKeyboardTracking(False)
        self._value.setToolTip(
            "The value written into padded cells. A Masking layer skips a step when ALL its features equal "
            "this value, so pick one that never occurs in your data (0 is common; -1 if 0 is real data)."
        )
        form.addRow(self._label("maxlen", self._maxlen.toolTip()), self._maxlen)
        form.addRow(self._label("padding", self._padding.toolTip()), self._padding)
        form.addRow(self._label("truncating", self._truncating.toolTip()), self._truncating)
        form.addRow(self._label("pad value", self._value.toolTip()), self._value)
        column.addLayout(form)

        self._suggest_button = QPushButton("Use suggested maxlen")
        self._suggest_button.setToolTip(
            "Set maxlen to the 95th percentile of the lengths: 95 % of sequences stay whole, and the "
            "tensor is not blown up by a few very long ones."
        )
        self._suggest_button.clicked.connect(self._use_suggested)
        column.addWidget(self._suggest_button)

        self._notice = QLabel(WINDOWS_NOTICE)
        self._notice.setWordWrap(True)
        self._notice.setVisible(False)
        column.addWidget(self._notice)

        self._stats = QLabel("")
        self._stats.setWordWrap(True)
        self._stats.setTextFormat(Qt.TextFormat.RichText)
        self._stats.setToolTip(
            "Padding waste: the share of the tensor's cells that hold padding instead of data (memory and "
            "compute spent on nothing). Truncated: sequences that lose steps because they are longer than maxlen."
        )
        column.addWidget(self._stats)
        self._warning = QLabel("")
        self._warning.setWordWrap(True)
        self._warning.setVisible(False)
        self._warning.setToolTip("Real data equal to the pad value in every feature would be skipped by a Masking layer.")
        column.addWidget(self._warning)
        self._legend = QLabel("")
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self._legend)
        column.addStretch(1)
        for widget in (self._stats, self._warning, self._legend, self._notice):
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self._maxlen.valueChanged.connect(self._on_control_changed)
        self._padding.currentIndexChanged.connect(self._on_control_changed)
        self._truncating.currentIndexChanged.connect(self._on_control_changed)
        self._value.valueChanged.connect(self._on_control_changed)
        return column

    @staticmethod
    def _label(text: str, tip: str) -> QLabel:
        label = QLabel(text)
        label.setToolTip(tip)
        return label

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self._maxlen, self._padding, self._truncating, self._value, self._suggest_button):
            widget.setEnabled(enabled)

    def _set_controls(self, options: PaddingOptions, longest: int) -> None:
        with signals_blocked(self._maxlen), signals_blocked(self._padding), \
                signals_blocked(self._truncating), signals_blocked(self._value):
            self._maxlen.setMaximum(max(10_000_000, longest))
            self._maxlen.setValue(int(options.maxlen or 0))
            self._padding.setCurrentIndex(self._padding.findData(options.padding))
            self._truncating.setCurrentIndex(self._truncating.findData(options.truncating))
            self._value.setValue(float(options.value))

    def _on_control_changed(self, *_args) -> None:
        options = self.options()
        self._options = options
        self._move_cut_line(self._effective_maxlen())
        self._update_statistics(self._effective_maxlen())
        self._draw_layouts()
        self.optionsChanged.emit(options)

    def _use_suggested(self) -> None:
        if self._suggested is not None:
            self._maxlen.setValue(self._suggested[0])

    def _effective_maxlen(self) -> int:
        return int(self._maxlen.value() or self._lengths.max(initial=1))

    # ---- plots ------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        self._hist = self._plots.addPlot(row=0, col=0, colspan=2, title="Sequence lengths")
        self._hist.setLabel("bottom", "length (time steps)")
        self._hist.setLabel("left", "sequences")
        self._hist.setMenuEnabled(False)
        self._hist.setToolTip(
            "How many sequences have each length. Drag the solid line to choose maxlen: everything right of it "
            "gets cut. The dashed line is the suggested maxlen (95th percentile)."
        )
        self._bars = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self._hist.addItem(self._bars)
        self._cut_line = pg.InfiniteLine(angle=90, movable=True, label="maxlen {value:.0f}",
                                         labelOpts={"position": 0.9, "anchors": [(0, 0), (0, 0)]})
        self._cut_line.setToolTip("maxlen: drag to change how many steps every sample keeps.")
        self._cut_line.sigPositionChanged.connect(self._on_cut_dragged)
        self._cut_line.sigPositionChangeFinished.connect(self._on_cut_dropped)
        self._hist.addItem(self._cut_line)
        self._suggest_line = pg.InfiniteLine(angle=90, movable=False, label="suggested",
                                             labelOpts={"position": 0.7, "anchors": [(1, 0), (1, 0)]})
        self._hist.addItem(self._suggest_line)

        # The four layouts as a 2 × 2 grid: a column per padding side, a row per truncating side.
        self._column_headers: dict[str, pg.LabelItem] = {}
        for col, padding in enumerate(("pre", "post")):
            where = "at the start" if padding == "pre" else "at the end"
            header = self._plots.addLabel(f"padding='{padding}' ({where})", row=1, col=col, size=SMALL_TITLE, bold=True)
            header.setToolTip(SIDE_TIPS["padding"][padding])
            self._column_headers[padding] = header
        self._layout_plots: dict[tuple[str, str], pg.PlotItem] = {}
        self._layout_images: dict[tuple[str, str], pg.ImageItem] = {}
        for row, truncating in enumerate(("post", "pre"), start=2):
            for col, padding in enumerate(("pre", "post")):
                plot = self._plots.addPlot(row=row, col=col)
                plot.setMenuEnabled(False)
                plot.setMouseEnabled(x=False, y=False)
                plot.hideButtons()
                plot.getViewBox().invertY(True)
                plot.hideAxis("bottom")
                plot.setToolTip(
                    f"padding='{padding}', truncating='{truncating}': example sequences (one per row, numbered by "
                    "length). Inside the frame are the maxlen steps the tensor keeps: data, grey padding. "
                    "Cells outside the frame are cut off by truncation. Click to use these options."
                )
                image = pg.ImageItem(axisOrder="row-major")
                plot.addItem(image)
                self._layout_plots[(padding, truncating)] = plot
                self._layout_images[(padding, truncating)] = image

        self._mask_plot = self._plots.addPlot(row=4, col=0, colspan=2)
        self._mask_plot.setTitle("Mask preview", size=SMALL_TITLE)
        self._mask_plot.setMenuEnabled(False)
        self._mask_plot.setMouseEnabled(x=False, y=False)
        self._mask_plot.hideButtons()
        self._mask_plot.getViewBox().invertY(True)
        self._mask_plot.setLabel("bottom", "time step")
        self._mask_plot.setToolTip(
            "Which steps a Masking(mask_value=pad value) layer would skip in the example sequences, with the "
            "current options. A step is skipped only when ALL its features equal the pad value."
        )
        self._mask_image = pg.ImageItem(axisOrder="row-major")
        self._mask_plot.addItem(self._mask_image)
        self._hist.setMinimumHeight(140)
        self._plots.ci.setContentsMargins(4, 4, 4, 4)
        layout = self._plots.ci.layout
        layout.setVerticalSpacing(2)
        for row, stretch in enumerate((3, 0, 2, 2, 2)):
            layout.setRowStretchFactor(row, stretch)
        self._plots.scene().sigMouseClicked.connect(self._on_plots_clicked)
        self._plots.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _on_mouse_moved(self, position) -> None:
        hit = plot_point((self._hist, self._mask_plot, *self._layout_plots.values()), position)
        self._hover.show("" if hit is None else self._describe_point(*hit))

    def _describe_point(self, plot, x: float, y: float) -> str:
        """The readout (:mod:`core.readout`) of data point (x, y) of the histogram, a layout or the mask preview."""
        if plot is self._hist:
            return "" if self._histogram is None else ro.length_bar(*self._histogram, x)
        row, column = int(np.floor(y)), int(np.floor(x))
        if plot is self._mask_plot:
            return "" if self._mask_classes is None else ro.mask_cell(*self._mask_classes, row, column)
        layouts = self._layouts
        for key, layout_plot in self._layout_plots.items():
            if plot is layout_plot and layouts is not None:
                return ro.layout_cell(layouts, key, row, column)
        return ""

    def _on_plots_clicked(self, event) -> None:
        """A click on one of the four layouts picks its padding and truncating."""
        if not self._padding.isEnabled():
            return
        position = event.scenePos()
        for (padding, truncating), plot in self._layout_plots.items():
            if plot.sceneBoundingRect().contains(position):
                if (padding, truncating) != (self._padding.currentData(), self._truncating.currentData()):
                    with signals_blocked(self._padding):
                        self._padding.setCurrentIndex(self._padding.findData(padding))
                    self._truncating.setCurrentIndex(self._truncating.findData(truncating))  # emits once
                return

    def _move_cut_line(self, maxlen: int) -> None:
        """Move the cut line without treating it as a drag (its label still follows)."""
        self._moving_cut_line = True
        try:
            self._cut_line.setValue(maxlen + 0.5)
        finally:
            self._moving_cut_line = False
        self._fit_histogram_range(maxlen)

    def _fit_histogram_range(self, maxlen: int) -> None:
        """Show every length and the cut line, with room for the line labels; whole-step ticks."""
        if self._lengths.size == 0:
            return
        lo = float(self._lengths.min()) - 0.5
        hi = float(max(int(self._lengths.max()), maxlen)) + 0.5
        if hi - lo < 10:  # one length only (or nearly): a range of ten steps, not 99.6 … 100.4
            middle = (lo + hi) / 2
            lo, hi = max(0.0, middle - 5), max(0.0, middle - 5) + 10
        margin = (hi - lo) * 0.04
        self._hist.setXRange(lo - margin, hi + margin, padding=0)
        # Labels go on the side of their line that has room, so they stay inside the plot.
        middle = (lo + hi) / 2
        for line in (self._cut_line, self._suggest_line):
            anchor = (1, 0) if line.value() > middle else (0, 0)
            line.label.anchors = [anchor, anchor]
            line.label.updatePosition()

    def _on_cut_dragged(self) -> None:
        if self._moving_cut_line:
            return
        maxlen = max(1, int(round(self._cut_line.value() - 0.5)))
        self._update_statistics(maxlen)

    def _on_cut_dropped(self) -> None:
        maxlen = max(1, int(round(self._cut_line.value() - 0.5)))
        self._move_cut_line(maxlen)
        self.maxlenChanged.emit(maxlen)
        self._maxlen.setValue(maxlen)  # emits optionsChanged (once, if it changed)

    def _draw_histogram(self) -> None:
        edges, counts = pv.length_histogram(self._lengths)
        self._histogram = (edges, counts)
        self._bars.setData(edges, counts)
        self._cut_line.setBounds((0.5, float(edges[-1]) + 1))
        if self._suggested is not None:
            value, share = self._suggested
            self._suggest_line.setValue(value + 0.5)
            self._suggest_line.label.setFormat(f"suggested {value}")
        self._move_cut_line(self._effective_maxlen())

    def _draw_layouts(self) -> None:
        if self._lengths.size == 0:
            return
        maxlen = self._effective_maxlen()
        layouts = pv.padding_layouts(self._lengths, maxlen)
        self._layouts = layouts
        palette = self._theme.layout_palette()
        for key, plot in self._layout_plots.items():
            image = self._layout_images[key]
            classes = layouts.layouts[key]
            image.setImage(tv.class_rgba(classes, palette), autoLevels=False)
            image.setRect(QRectF(0, 0, classes.shape[1], classes.shape[0]))
            current = key == (self._options.padding, self._options.truncating)
            theme = self._theme
            colour = theme.qcolor(theme.foreground if current else theme.muted).name()
            title = f"truncating='{key[1]}'" + (" ✔ current" if current else "")
            plot.setTitle(title, bold=current, size=SMALL_TITLE, color=colour)
            fit_axis_to_labels(plot.getAxis("left"), [(i + 0.5, str(int(n))) for i, n in enumerate(layouts.lengths)])
            plot.setMinimumHeight(24 + ROW_PIXELS * classes.shape[0])
            plot.getViewBox().setRange(xRange=(0, classes.shape[1]), yRange=(0, classes.shape[0]), padding=0.02)
            self._set_frame(plot, layouts.frame, classes.shape[0], current)
        fit_widget_to_layout(self._plots, PLOTS_MIN_WIDTH, PLOTS_MIN_HEIGHT)

    def _set_frame(self, plot: pg.PlotItem, frame: tuple[int, int], rows: int, current: bool = False) -> None:
        rect = getattr(plot, "_maxlen_frame", None)
        if rect is None:
            rect = QGraphicsRectItem()
            rect.setToolTip("The maxlen steps the tensor keeps.")
            plot.addItem(rect)
            plot._maxlen_frame = rect  # type: ignore[attr-defined]
        pen = QPen(self._theme.qcolor(self._theme.foreground if current else self._theme.muted))
        pen.setCosmetic(True)
        pen.setWidth(3 if current else 1)
        rect.setPen(pen)
        rect.setRect(QRectF(frame[0], 0, frame[1] - frame[0], rows))

    def _draw_mask_preview(self) -> None:
        shaped = self._shaped
        if shaped is None or self._lengths.size == 0 or shaped.x.shape[0] == 0:
            self._mask_image.clear()
            self._mask_classes = None
            return
        rows = pv.example_rows(self._lengths)
        preview = pv.mask_preview(shaped.x, shaped.mask, float(shaped.padding.value), rows)
        classes = preview.classes
        self._mask_classes = (rows, classes)
        self._mask_image.setImage(tv.class_rgba(classes, self._theme.mask_palette()), autoLevels=False)
        self._mask_image.setRect(QRectF(0, 0, classes.shape[1], classes.shape[0]))
        fit_axis_to_labels(self._mask_plot.getAxis("left"), [(i + 0.5, f"#{int(r)}") for i, r in enumerate(rows)])
        wrong = int(preview.wrongly_masked.sum())
        title = f"Mask preview: Masking(mask_value={float(shaped.padding.value):g})"
        if wrong:
            title += f" also skips {plural(wrong, 'real step')}"
        self._mask_plot.setTitle(title, size=SMALL_TITLE)
        self._mask_plot.setMinimumHeight(62 + ROW_PIXELS * classes.shape[0])
        self._mask_plot.getViewBox().setRange(xRange=(0, classes.shape[1]), yRange=(0, classes.shape[0]), padding=0.02)
        fit_widget_to_layout(self._plots, PLOTS_MIN_WIDTH, PLOTS_MIN_HEIGHT)

    # ---- statistics ---------------------------------------------------------------------------
    def _collision_count(self, shaped: TensorData, report: dict) -> int:
        if "pad_value_collisions" in report:  # the report counted once; None: no mask applies
            return int(report["pad_value_collisions"] or 0)
        if shaped.dataset is None or shaped.kind == "tokens":
            return 0
        return pad_value_collisions(shaped.dataset.values, float(shaped.padding.value))

    def _update_statistics(self, maxlen: int) -> None:
        if self._lengths.size == 0:
            self._stats.setText("")
            return
        n = int(self._lengths.size)
        waste = pv.padding_waste(self._lengths, maxlen)
        truncated_share = pv.truncated_share(self._lengths, maxlen)
        truncated = int(round(truncated_share * n))
        lines = [
            f"<b>Tensor:</b> ({n:,}, {maxlen:,}, F) → input_shape=({maxlen:,}, F)",
            f"<b>Padding waste:</b> {waste:.1%} of the cells are padding",
            f"<b>Truncated:</b> {truncated:,} of {plural(n, 'sequence')} ({truncated_share:.1%}) "
            f"{'loses' if truncated == 1 else 'lose'} steps",
            f"<b>Lengths:</b> {int(self._lengths.min()):,} to {plural(int(self._lengths.max()), 'step')}",
        ]
        if self._shaped is not None and self._shaped.input_shape:
            features = self._shaped.input_shape[1] if len(self._shaped.input_shape) > 1 else None
            lines[0] = lines[0].replace(", F)", f", {features})" if features else ")")
        if self._suggested is not None:
            value, share = self._suggested
            lines.append(
                f"<b>Suggested maxlen:</b> {value:,} ({self._suggested_percentile:g}th percentile), "
                f"truncates {share:.1%}"
            )
        self._stats.setText("<br>".join(lines))
        collisions = self._collisions
        if collisions:
            value = self._options.value
            self._warning.setText(
                f"⚠ {plural(collisions, 'real step')} {'equals' if collisions == 1 else 'equal'} the pad value {value:g} in every feature: a Masking layer "
                "would skip them as if they were padding. Choose a pad value that never occurs (e.g. -1)."
            )
        self._warning.setVisible(bool(collisions))

    # ---- theme ------------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        theme = self._theme
        self._plots.setBackground(theme.qcolor(theme.background))
        for plot in (self._hist, self._mask_plot, *self._layout_plots.values()):
            theme.style_plot(plot)
        data = theme.qcolor(theme.data)
        self._bars.setPen(pg.mkPen(data, width=1))
        self._bars.setBrush(pg.mkBrush(theme.qcolor(theme.data, alpha=120)))
        self._cut_line.setPen(pg.mkPen(theme.qcolor(theme.truncated), width=3))
        self._cut_line.setHoverPen(pg.mkPen(theme.qcolor(theme.truncated), width=5))
        self._cut_line.label.setColor(theme.qcolor(theme.truncated))
        self._suggest_line.setPen(pg.mkPen(theme.qcolor(theme.muted), width=2, style=Qt.PenStyle.DashLine))
        self._suggest_line.label.setColor(theme.qcolor(theme.muted))
        for header in self._column_headers.values():
            header.setText(header.text, color=theme.qcolor(theme.foreground).name())
        self._warning.setStyleSheet(f"color: {theme.qcolor(theme.warning).name()}; font-weight: bold;")
        swatch = theme.swatch

        self._legend.setText(
            "<b>Example layouts</b>: one row per example sequence, numbered by its length; the frame is the "
            "maxlen steps the tensor keeps.<br>"
            f"{swatch(theme.data)} data<br>{swatch(theme.padding)} padding<br>"
            f"{swatch(theme.truncated)} cut off by truncation<br>"
            "<b>Mask preview:</b><br>"
            f"{swatch(theme.data)} seen by the model<br>{swatch(theme.padding)} skipped (padding)<br>"
            f"{swatch(theme.warning)} real data skipped (pad-value collision)"
        )

    def _redraw_in_theme(self) -> None:
        if self._shaped is not None:
            self._draw_layouts()
            self._draw_mask_preview()
