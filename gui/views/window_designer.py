"""Window designer: sliding windows over a single long series, drawn on the series itself.

Top: the series (one feature at a time) with the first window shaded, its target marked and
the dropped tail greyed out. Bottom, on the same time axis: a sample of up to 20 windows as
bars (one row each), with the horizon drawn from each window's end to its target. Controls
(window, stride, horizon, target columns) emit ``optionsChanged(WindowOptions)``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from core import padding_views as pv
from core import readout as ro
from core import tensor_views as tv
from core.options import WindowOptions
from core.wording import plural
from gui.limited_spin import LimitedSpinBox
from gui.views.hover import HoverReadout, plot_point
from gui.views.theme import Theme, ThemedView, fit_axis_to_labels, theme_for

MAX_DRAWN_WINDOWS = 20


class WindowDesigner(ThemedView, QWidget):
    """Design ``WindowOptions`` for a single series and see the samples they make.

    ``set_series(values, feature_names)`` takes the ``(rows, F)`` series (a view is fine; it is
    not copied); ``set_options(options)`` shows options without emitting. Changing a control
    emits ``optionsChanged(WindowOptions)``.
    """

    optionsChanged = Signal(object)
    #: What is under the pointer in words, for the status bar ("" when it leaves the data).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(640, 420)
        self._theme: Theme = theme_for(self)
        self._values: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._options = WindowOptions()
        self._spans: pv.WindowSpans | None = None
        self._hover = HoverReadout(self.valueHovered.emit)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(self._build_controls(), 0)
        right = QVBoxLayout()
        self._summary = QLabel("Open a single long series (rows = time, columns = features) to design windows.")
        self._summary.setWordWrap(True)
        self._summary.setTextFormat(Qt.TextFormat.RichText)
        self._summary.setToolTip("What these options make: how many samples, their shape, and what is left over.")
        right.addWidget(self._summary)
        self._plots = pg.GraphicsLayoutWidget()
        self._plots.setMinimumSize(420, 320)
        right.addWidget(self._plots, 1)
        outer.addLayout(right, 1)
        self._build_plots()
        self._apply_theme()

    # ---- public API -------------------------------------------------------------------------
    def options(self) -> WindowOptions:
        """The options the controls show now (``target_cols=None`` = every feature)."""
        checked = tuple(
            self._targets.item(i).text()
            for i in range(self._targets.count())
            if self._targets.item(i).checkState() == Qt.CheckState.Checked
        )
        targets = None if len(checked) == self._targets.count() or not checked else checked
        return WindowOptions(window=self._window.value(), stride=self._stride.value(), horizon=self._horizon.value(), target_cols=targets)

    def set_series(self, values: np.ndarray, feature_names) -> None:
        """Show a new ``(rows, F)`` series (``(rows,)`` is taken as one feature)."""
        self._values = values if values.ndim == 2 else values[:, None]
        names = tuple(feature_names or ())
        count = self._values.shape[1]
        self._names = names if len(names) == count else tuple(f"feature_{i}" for i in range(count))
        with signals_blocked(self._feature), signals_blocked(self._targets):
            self._fill_feature_lists()
        rows = self._values.shape[0]
        for spin in (self._window, self._stride, self._horizon):
            with signals_blocked(spin):
                spin.set_limits(spin.minimum(), max(1, rows), high_reason=f"the series has {plural(rows, 'row')}")
        self.set_options(self._options)
        self._plot_series()

    def _fill_feature_lists(self) -> None:
        """The feature choice and the target list, one entry per feature (all targets ticked)."""
        self._feature.clear()
        self._feature.addItems(list(self._names))
        self._targets.clear()
        for name in self._names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self._targets.addItem(item)

    def set_options(self, options: WindowOptions) -> None:
        """Show ``options`` in the controls and the plots (does not emit)."""
        self._options = options
        with signals_blocked(self._window), signals_blocked(self._stride), signals_blocked(self._horizon), \
                signals_blocked(self._targets):
            self._window.set_value_saying(int(options.window))
            self._stride.set_value_saying(int(options.stride))
            self._horizon.set_value_saying(int(options.horizon))
            wanted = set(options.target_cols or self._names)
            for i in range(self._targets.count()):
                item = self._targets.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)
        self._draw_windows()

    # ---- controls ---------------------------------------------------------------------------
    def _build_controls(self) -> QVBoxLayout:
        column = QVBoxLayout()
        form = QFormLayout()
        self._window = LimitedSpinBox("Window length")
        self._window.setRange(1, 10_000_000)
        self._window.setToolTip(
            "window: how many consecutive rows make one sample (the T in (N, T, F)). The model looks at this "
            "many past steps to make one prediction."
        )
        self._stride = LimitedSpinBox("Stride")
        self._stride.setRange(1, 10_000_000)
        self._stride.setToolTip(
            "stride: how many rows the window moves between one sample and the next. 1 = every possible "
            "window (most samples, heavily overlapping); larger = fewer, less similar samples."
        )
        self._horizon = LimitedSpinBox("Horizon")
        self._horizon.setRange(0, 10_000_000)
        self._horizon.setToolTip(
            "horizon: how far ahead the target is. 1 = predict the step right after the window; 0 = no "
            "target (windows only)."
        )
        self._feature = QComboBox()
        self._feature.setToolTip("Which column of the series to draw (all columns are still used as inputs).")
        self._targets = QListWidget()
        self._targets.setToolTip(
            "target columns: which columns the model should predict at the target step (y). All checked = "
            "predict every column."
        )
        self._targets.setMaximumHeight(140)
        self._targets.setMinimumWidth(160)
        for label, widget in (("window", self._window), ("stride", self._stride), ("horizon", self._horizon),
                              ("show column", self._feature)):
            text = QLabel(label)
            text.setToolTip(widget.toolTip())
            form.addRow(text, widget)
        column.addLayout(form)
        targets_label = QLabel("target columns")
        targets_label.setToolTip(self._targets.toolTip())
        column.addWidget(targets_label)
        column.addWidget(self._targets)
        self._legend = QLabel("")
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setMinimumWidth(200)
        column.addWidget(self._legend)
        column.addStretch(1)
        for spin in (self._window, self._stride, self._horizon):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_control_changed)
        self._targets.itemChanged.connect(self._on_control_changed)
        self._feature.currentIndexChanged.connect(self._plot_series)
        return column

    def _on_control_changed(self, *_args) -> None:
        self._options = self.options()
        self._draw_windows()
        self.optionsChanged.emit(self._options)

    # ---- plots ------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        self._series_plot = self._plots.addPlot(row=0, col=0, title="The series, with the first window")
        self._series_plot.setLabel("bottom", "row (time)")
        self._series_plot.setLabel("left", "value")
        self._series_plot.setDownsampling(auto=True, mode="peak")
        self._series_plot.setClipToView(True)
        self._series_plot.setMenuEnabled(False)
        self._series_plot.setToolTip(
            "Your series over time. Shaded: the rows of the first sample (its window); the diamond: the value "
            "it learns to predict (its target). Grey at the end: rows no sample uses."
        )
        self._curve = self._series_plot.plot([])
        self._first_window = pg.LinearRegionItem(movable=False)
        self._series_plot.addItem(self._first_window)
        self._target_marker = pg.ScatterPlotItem(symbol="d", size=12)
        self._series_plot.addItem(self._target_marker)
        self._tail = pg.LinearRegionItem(movable=False)
        self._series_plot.addItem(self._tail)

        self._windows_plot = self._plots.addPlot(row=1, col=0, title="Samples (windows) on the same time axis")
        self._windows_plot.setXLink(self._series_plot)
        self._windows_plot.setLabel("bottom", "row (time)")
        self._windows_plot.setLabel("left", "sample")
        self._windows_plot.getViewBox().invertY(True)
        self._windows_plot.setMouseEnabled(y=False)
        self._windows_plot.setMenuEnabled(False)
        self._windows_plot.setToolTip(
            "Each bar is one sample: the rows its window covers. The line runs to its target row; the "
            "diamond is the target. Up to 20 samples are drawn, evenly spread (first and last included)."
        )
        self._bars = pg.BarGraphItem(x0=[], x1=[], y=[], height=0.6)
        self._windows_plot.addItem(self._bars)
        self._horizon_lines = pg.PlotDataItem(connect="pairs")
        self._windows_plot.addItem(self._horizon_lines)
        self._targets_scatter = pg.ScatterPlotItem(symbol="d", size=9)
        self._windows_plot.addItem(self._targets_scatter)
        self._tail_windows = pg.LinearRegionItem(movable=False)
        self._windows_plot.addItem(self._tail_windows)
        layout = self._plots.ci.layout
        layout.setRowStretchFactor(0, 3)
        layout.setRowStretchFactor(1, 2)
        self._plots.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _on_mouse_moved(self, position) -> None:
        hit = plot_point((self._series_plot, self._windows_plot), position)
        self._hover.show("" if hit is None else self._describe_point(*hit))

    def _describe_point(self, plot, x: float, y: float) -> str:
        """The readout (:mod:`core.readout`) of data point (x, y): a series row and the samples using it,
        or the drawn window under the pointer."""
        spans, values, options = self._spans, self._values, self._options
        if spans is None or values is None:
            return ""
        if plot is self._windows_plot:
            return ro.window_bar(spans.starts, spans.indices, options.window, spans.target_rows, int(np.floor(y + 0.5)), x)
        column = max(0, self._feature.currentIndex())
        return ro.series_row(values[:, column], self._names[column], int(np.floor(x + 0.5)), int(options.window),
                             int(options.stride), int(options.horizon), spans.n_windows)

    def _plot_series(self, *_args) -> None:
        if self._values is None:
            return
        column = max(0, self._feature.currentIndex())
        self._curve.setData(self._values[:, column])
        # The column names the value axis; the title stays short enough for a narrow tab.
        self._series_plot.setTitle("The series, with the first window")
        self._series_plot.setLabel("left", self._names[column])
        self._draw_windows()

    def _draw_windows(self) -> None:
        if self._values is None:
            return
        rows, features = self._values.shape
        options = self._options
        spans = pv.window_spans(rows, options, max_windows=MAX_DRAWN_WINDOWS)
        self._spans = spans
        k = spans.starts.size
        y = np.arange(k, dtype=np.float64)
        if k:
            self._bars.setOpts(x0=spans.window_rows[:, 0] - 0.5, x1=spans.window_rows[:, 1] - 0.5, y=y, height=0.6)
        else:
            self._bars.setOpts(x0=[], x1=[], y=[], height=0.6)
        has_target = k > 0 and options.horizon > 0
        if has_target:
            ends = spans.window_rows[:, 1] - 1
            pairs = np.stack([ends, spans.target_rows], axis=1).reshape(-1)
            self._horizon_lines.setData(pairs.astype(np.float64), np.repeat(y, 2))
            self._targets_scatter.setData(spans.target_rows.astype(np.float64), y)
        else:
            self._horizon_lines.setData([], [])
            self._targets_scatter.setData([], [])
        names = [f"#{int(idx)}" for idx in spans.indices]
        fit_axis_to_labels(self._windows_plot.getAxis("left"), tv.label_ticks(names, max_labels=5, offset=0.0))
        column = max(0, self._feature.currentIndex())
        if k:
            self._first_window.setRegion((spans.window_rows[0, 0] - 0.5, spans.window_rows[0, 1] - 0.5))
            self._first_window.setVisible(True)
        else:
            self._first_window.setVisible(False)
        if has_target:
            target = int(spans.target_rows[0])
            self._target_marker.setData([float(target)], [float(self._values[target, column])])
        else:
            self._target_marker.setData([], [])
        tail = spans.dropped_tail
        for region in (self._tail, self._tail_windows):
            region.setVisible(tail > 0)
            if tail > 0:
                region.setRegion((rows - tail - 0.5, rows - 0.5))
        self._update_summary(spans, rows, features)

    def _update_summary(self, spans: pv.WindowSpans, rows: int, features: int) -> None:
        options = self._options
        n = spans.n_windows
        targets = len(options.target_cols) if options.target_cols else features
        if n == 0:
            need = options.window + max(0, options.horizon)
            self._summary.setText(
                f"<b>No samples:</b> the series has {rows:,} rows but one window plus its horizon needs {need:,}. "
                "Make the window or horizon smaller."
            )
            return
        y_text = f", y ({n:,}, {targets})" if options.horizon > 0 else " (no target: horizon 0)"
        tail = spans.dropped_tail
        tail_text = (
            f" The last {tail:,} row{'s' if tail != 1 else ''} (grey) {'are' if tail != 1 else 'is'} not used by any sample."
            if tail
            else " Every row is used."
        )
        self._summary.setText(
            f"{rows:,} rows → <b>{n:,} samples</b>: x ({n:,}, {options.window:,}, {features}){y_text} → "
            f"input_shape=({options.window:,}, {features}). Sample i covers rows i×{options.stride} to "
            f"i×{options.stride}+{options.window - 1}"
            + (f"; its target is row i×{options.stride}+{options.window + options.horizon - 1}." if options.horizon > 0 else ".")
            + tail_text
        )

    # ---- theme ------------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        theme = self._theme
        self._plots.setBackground(theme.qcolor(theme.background))
        for plot in (self._series_plot, self._windows_plot):
            theme.style_plot(plot)
        self._curve.setPen(pg.mkPen(theme.qcolor(theme.foreground), width=1))
        window_brush = pg.mkBrush(theme.qcolor(theme.data, alpha=70))
        self._first_window.setBrush(window_brush)
        for line in self._first_window.lines:
            line.setPen(pg.mkPen(theme.qcolor(theme.data), width=1))
        target_brush = pg.mkBrush(theme.qcolor(theme.selection))
        self._target_marker.setBrush(target_brush)
        self._target_marker.setPen(pg.mkPen(theme.qcolor(theme.foreground)))
        self._targets_scatter.setBrush(target_brush)
        self._targets_scatter.setPen(pg.mkPen(theme.qcolor(theme.foreground)))
        self._bars.setOpts(brush=pg.mkBrush(theme.qcolor(theme.data, alpha=170)), pen=pg.mkPen(theme.qcolor(theme.data)))
        self._horizon_lines.setPen(pg.mkPen(theme.qcolor(theme.selection), width=2))
        for region in (self._tail, self._tail_windows):
            region.setBrush(pg.mkBrush(theme.qcolor(theme.padding, alpha=150)))
            for line in region.lines:
                line.setPen(pg.mkPen(theme.qcolor(theme.muted)))
        swatch = theme.swatch

        self._legend.setText(
            f"{swatch(theme.data)} window (input rows)<br>{swatch(theme.selection)} target row "
            f"(window end + horizon)<br>{swatch(theme.padding)} dropped tail (unused rows)"
        )
