"""The live training curves: loss and metric plots, earlier runs faded beside the current one, and the run list.

:class:`CurvePlots` draws the current run (epoch curves, the recent-batches curve thin and
faded behind them, the best epoch and the baselines dashed), earlier runs of the same
exploration faded (one colour per run, shown or hidden from :class:`gui.run_list.RunsList`, as TensorBoard's
runs), and renders itself at a chosen size for export. Legends sit in their own row under each
plot, never on the curves; epoch axes tick at whole epochs only; the loss axis names the loss
and its units.

Responsiveness: while a run is live the axes never autorange (that re-laid out and repainted
both axes on every frame, measured in ``benchmarks/bench_gui_training.py``): the x range starts
at a few epochs and doubles when a point passes its end (up to the planned epochs), the y range
moves only when a value leaves it (:meth:`CurvePlots.follow_y`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.model.build import loss_and_metrics
from core.model.spec import ModelSpec
from core.readout import curves_at
from core.training.runs import RunRecord
from gui.run_list import RunsList, run_colour
from gui.views.hover import HoverReadout, plot_point
from gui.views.theme import BLUE, GREEN, ORANGE, SKY_BLUE, VERMILLION, ThemedView, theme_for

METRIC_TITLES = {"accuracy": "Accuracy", "mae": "Mean absolute error", "mse": "Mean squared error"}  # the legend names the key
LEFT_AXIS_WIDTH = 60  # pixels: room for labels such as "0.6931" or "1.2e+05" and the axis title
FIRST_X_RANGE = 10  # epochs shown at the start of a run; doubled whenever a point passes the end
EXPORT_SIZE = (1600, 1000)  # pixels of an exported plot (Export ▸ plots), whatever the size on screen
EXPORT_LAYOUT_WIDTH = 1000  # an exported plot is laid out this wide and drawn denser, so text scales with the picture
EARLIER_ALPHA = 150  # faded beside the current run, yet still seen on a light or dark background
SHOWN_EARLIER_RUNS = 3  # earlier runs shown when they join the list; older ones start hidden

# What each Keras loss measures, for the loss axis ("mse (target units²)").
LOSS_UNITS = {
    "mse": "target units²",
    "mean_squared_error": "target units²",
    "mae": "target units",
    "mean_absolute_error": "target units",
    "binary_crossentropy": "",
    "sparse_categorical_crossentropy": "",
    "categorical_crossentropy": "",
}
METRIC_UNITS = {"accuracy": "share correct", "mae": "target units", "mse": "target units²"}


class SeriesBuffer:
    """An append-only (x, y) series in growing numpy buffers, so ``setData`` never copies lists."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self._n = 0

    def append(self, x: float, y: float) -> None:
        if self._n == self._x.size:
            self._x = np.concatenate([self._x, np.empty_like(self._x)])
            self._y = np.concatenate([self._y, np.empty_like(self._y)])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def clear(self) -> None:
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def x(self) -> np.ndarray:
        return self._x[: self._n]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self._n]


def live_metric_name(spec: ModelSpec | None) -> str | None:
    """The metric a run of ``spec`` will log besides the loss (``accuracy``, ``mae``), if any."""
    if spec is None:
        return None
    metrics = loss_and_metrics(spec)[1]
    return metrics[0] if metrics else None


def loss_name(spec: ModelSpec | None) -> str | None:
    """The Keras loss a run of ``spec`` minimises (``mse``, ``binary_crossentropy``…)."""
    return None if spec is None else loss_and_metrics(spec)[0]


def axis_label(name: str | None, units: dict[str, str]) -> str:
    """``mse (target units²)``, ``sparse categorical crossentropy``: the quantity and its units."""
    if not name:
        return "loss"
    unit = units.get(name, "")
    words = name.replace("_", " ")
    return f"{words} ({unit})" if unit else words


class IntegerAxis(pg.AxisItem):
    """An axis that counts (epochs): ticks at whole numbers only, labelled without decimals."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N802, N803 (pyqtgraph API)
        levels = super().tickSpacing(minVal, maxVal, size)
        whole = [(max(1.0, float(math.ceil(spacing))), offset) for spacing, offset in levels if spacing >= 1]
        if not whole:
            return [(1.0, 0.0)]
        seen: list[tuple[float, float]] = []
        for spacing, offset in whole:
            if all(spacing != s for s, _ in seen):
                seen.append((spacing, offset))
        return seen

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803
        return [(spacing, [v for v in values if float(v).is_integer()]) for spacing, values in super().tickValues(minVal, maxVal, size)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [str(int(round(v * scale))) for v in values]


def _plot_widget(title: str, theme: Any) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"bottom": IntegerAxis("bottom")})
    item = plot.getPlotItem()
    plot.setBackground(theme.qcolor(theme.background))
    item.setTitle(title)
    item.setLabel("bottom", "epoch")
    theme.style_plot(item)
    item.setMenuEnabled(False)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    # A fixed axis width: tick labels that change width ("0.5" → "0.25") would otherwise
    # re-lay out the plot, and each re-layout cascades into several repaints mid-run.
    item.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    # Losses are read as they are logged: pyqtgraph's automatic SI scaling turned a loss of 0.69 into
    # "690" with "(x0.001)" in the axis title, which no log line or results table shows.
    item.getAxis("left").enableAutoSIPrefix(False)
    # The legend in its own row under the x axis (row 4 of the PlotItem's grid): never on the curves.
    legend = pg.LegendItem(colCount=3, labelTextColor=theme.qcolor(theme.foreground), frame=False, labelTextSize="8pt",
                           horSpacing=12)
    item.layout.addItem(legend, 4, 0, 1, 3)  # the whole width, the axis column too: room in narrow plots
    item.legend = legend
    plot.setMinimumHeight(160)
    return plot


class CurvePlots(ThemedView, QWidget):
    """Loss (batch and epoch, training and validation) and a metric plot, updated with ``setData``.

    No background grid: pyqtgraph draws it as part of the axes, and with minor ticks it cost
    more than the 100k-point curve itself on every repaint (measured in
    ``benchmarks/bench_gui_training.py``).
    """

    #: Every curve's value at the epoch under the pointer, for the status bar ("" when it leaves).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme = self._theme = theme_for(self)
        self._hover = HoverReadout(self.valueHovered.emit)
        self.loss_plot = _plot_widget("Loss", theme)
        self.metric_plot = _plot_widget("Accuracy", theme)
        self.loss_plot.getPlotItem().setLabel("left", "loss")
        self.batch_loss = self.loss_plot.plot(pen=pg.mkPen(*SKY_BLUE, 90, width=1), connect="finite")
        self.batch_loss.setZValue(-5)  # behind the epoch curves, faded: the recent trend, not the story
        self.loss = self.loss_plot.plot(pen=pg.mkPen(*BLUE, width=2), symbol="o", symbolSize=5, symbolBrush=pg.mkBrush(*BLUE), connect="finite")
        self.val_loss = self.loss_plot.plot(pen=pg.mkPen(*ORANGE, width=2), symbol="s", symbolSize=5, symbolBrush=pg.mkBrush(*ORANGE), connect="finite")
        self.metric_curve = self.metric_plot.plot(pen=pg.mkPen(*GREEN, width=2), symbol="o", symbolSize=5, symbolBrush=pg.mkBrush(*GREEN), connect="finite")
        self.val_metric = self.metric_plot.plot(pen=pg.mkPen(*VERMILLION, width=2), symbol="s", symbolSize=5, symbolBrush=pg.mkBrush(*VERMILLION), connect="finite")
        for curve in (self.batch_loss, self.loss, self.val_loss, self.metric_curve, self.val_metric):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            # Peak mode keeps each pixel column's min and max, so one bin per pixel loses nothing
            # visible and draws 5× fewer points than pyqtgraph's default factor.
            curve.opts["autoDownsampleFactor"] = 1.0
        self.markers: list[Any] = []
        self.baseline_line: Any = None
        self.baseline_value: float | None = None
        self.loss_baseline_line: Any = None
        self.loss_baseline_value: float | None = None
        self.earlier: dict[int, list[tuple[pg.PlotWidget, Any]]] = {}  # run number → its faded curves
        self._runs_by_number: dict[int, RunRecord] = {}
        self._user_choice: dict[int, bool] = {}  # run number → shown, as ticked in the run list
        self._current_run: int | None = None
        self.hidden_runs: set[int] = set()
        self.runs = RunsList()
        self.runs.visibilityChanged.connect(self.set_run_visible)
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.loss_plot, 3)
        plots.addWidget(self.metric_plot, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(plots, 1)
        layout.addWidget(self.runs)
        self.metric_plot.setVisible(False)
        self.metric_name: str | None = None
        self._title_widths: dict[str, float] = {}  # a metric title's width in pixels, as drawn
        self.loss_label = "loss"
        self._planned_epochs = 0
        self._live = False
        self._rebuild_legends()
        for plot in (self.loss_plot, self.metric_plot):
            plot.installEventFilter(self)
            plot.scene().sigMouseMoved.connect(lambda position, plot=plot: self._on_mouse_moved(plot, position))

    # ---- hover readout --------------------------------------------------------------------------
    def _on_mouse_moved(self, plot: pg.PlotWidget, position: Any) -> None:
        hit = plot_point((plot.getPlotItem(),), position)
        self._hover.show("" if hit is None else self.describe_epoch(plot, hit[1]))

    def describe_epoch(self, plot: pg.PlotWidget, x: float) -> str:
        """Every shown curve of ``plot`` at epoch ``x`` in words (:func:`core.readout.curves_at`)."""
        return curves_at(x, [(name, *curve.getData()) for curve, name in self._hover_curves(plot)])

    def _hover_curves(self, plot: pg.PlotWidget) -> list[tuple[Any, str]]:
        """The visible curves of ``plot`` with their names: the current run's, then each earlier run's."""
        key = "loss" if plot is self.loss_plot else self.metric_name
        current = [(self.loss, "loss"), (self.val_loss, "val_loss"), (self.batch_loss, "recent batches")] \
            if plot is self.loss_plot else [(self.metric_curve, key), (self.val_metric, f"val_{key}")]
        earlier = [(curve, f"run {number} {'val_' if curve.run_role == 'val' else ''}{key}")
                   for number, curves in sorted(self.earlier.items()) for owner, curve in curves if owner is plot]
        return [(curve, str(name)) for curve, name in current + earlier
                if curve.isVisible() and curve.getData()[0] is not None]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize and watched in (self.loss_plot, self.metric_plot):
            self._fit_legend(watched)
            if watched is self.metric_plot:
                self._fit_metric_title()
        return False

    def _fit_metric_title(self) -> None:
        """"Mean absolute error" when it fits above the plot, else the metric's short name ("MAE")."""
        if self.metric_name is None:
            return
        item = self.metric_plot.getPlotItem()
        full = METRIC_TITLES.get(self.metric_name, self.metric_name.replace("_", " ").capitalize())
        short = self.metric_name.upper() if len(self.metric_name) <= 4 else full
        if item.titleLabel.text == full:  # measured as drawn, once per title
            self._title_widths[full] = item.titleLabel.item.boundingRect().width()
        if full == short or full not in self._title_widths:
            return
        room = self.metric_plot.width() - LEFT_AXIS_WIDTH - 12
        wanted = full if self._title_widths[full] <= room else short
        if item.titleLabel.text != wanted:
            item.setTitle(wanted)

    def _fit_legend(self, plot: Any) -> None:
        """As many legend columns as fit the plot's width, so no entry runs past its edge."""
        legend = plot.getPlotItem().legend
        if not legend.items:
            return
        # the text's own width (a label's item is stretched to its column's widest entry)
        widest = max(sample.boundingRect().width() + label.item.boundingRect().width() + 2 * legend.layout.horizontalSpacing() + 6
                     for sample, label in legend.items)
        room = max(1.0, plot.width() - 12)
        columns = int(max(1, min(len(legend.items), room // max(widest, 1.0))))
        if columns != legend.columnCount:
            legend.setColumnCount(columns)

    def _apply_theme(self) -> None:
        """Light or dark: backgrounds, axes, titles and legend text in the new theme's colours."""
        theme = self._theme
        for plot in (self.loss_plot, self.metric_plot):
            plot.setBackground(theme.qcolor(theme.background))
            item = plot.getPlotItem()
            theme.style_plot(item)
            item.legend.setLabelTextColor(theme.qcolor(theme.foreground))

    # ---- names and legends --------------------------------------------------------------------
    def set_metric_name(self, name: str | None) -> None:
        """Which non-loss metric the second plot shows (``accuracy``, ``mae``...); None hides it."""
        if name == self.metric_name and self.metric_plot.isVisibleTo(self) == (name is not None):
            return  # showing or retitling a plot re-lays out the whole panel
        self.metric_name = name
        self.metric_plot.setVisible(name is not None)
        if name is not None:
            item = self.metric_plot.getPlotItem()
            item.setTitle(METRIC_TITLES.get(name, name.replace("_", " ").capitalize()))
            item.setLabel("left", axis_label(name, METRIC_UNITS))
            self._fit_metric_title()
            if self.earlier:
                self._redraw_earlier()
        self._rebuild_legends()

    def set_loss_name(self, name: str | None) -> None:
        """Label the loss axis with the loss and its units (``mse (target units²)``)."""
        label = axis_label(name, LOSS_UNITS)
        if label != self.loss_label:
            self.loss_label = label
            self.loss_plot.getPlotItem().setLabel("left", label)

    def legend_names(self, plot: pg.PlotWidget) -> list[str]:
        legend = plot.getPlotItem().legend
        return [label.text for _, label in legend.items] if legend is not None else []

    def _rebuild_legends(self) -> None:
        """Each legend lists the current curves, then one entry per earlier run shown; entries are only
        added or rebuilt when that list changed (a legend entry costs a few milliseconds to make)."""
        wanted: dict[Any, list[tuple[Any, str]]] = {
            self.loss_plot: [(self.loss, "loss"), (self.val_loss, "val_loss"), (self.batch_loss, "recent batches")],
            self.metric_plot: [(self.metric_curve, self.metric_name), (self.val_metric, f"val_{self.metric_name}")] if self.metric_name else [],
        }
        for number, curves in sorted(self.earlier.items()):
            if number in self.hidden_runs or number == self._current_run:
                continue
            for plot, curve in curves:
                if getattr(curve, "run_role", "") == "train":  # one entry per run and plot: its training curve
                    wanted[plot].append((curve, f"run {number}"))
        for plot, entries in wanted.items():
            legend = plot.getPlotItem().legend
            shown = [(sample.item, label.text) for sample, label in legend.items]
            if shown == entries:
                continue
            if shown != entries[: len(shown)]:
                legend.clear()
                shown = []
            for curve, name in entries[len(shown):]:
                legend.addItem(curve, name)
            self._fit_legend(plot)

    # ---- clearing and live runs ---------------------------------------------------------------
    def clear(self) -> None:
        """No curves, markers or baselines (the earlier runs stay)."""
        for curve in (self.batch_loss, self.loss, self.val_loss, self.metric_curve, self.val_metric):
            curve.setData([], [])
        self.clear_markers()
        self.set_baseline(None)
        self.set_loss_baseline(None)

    def reset_ranges(self) -> None:
        """The axes back to a neutral range, so other data does not start in the last run's range."""
        if self._live:
            return
        for plot in (self.loss_plot, self.metric_plot):
            box = plot.getPlotItem().getViewBox()
            box.setRange(xRange=(0, FIRST_X_RANGE), yRange=(0, 1), padding=0)
            box.enableAutoRange()

    # Autoranging on every update re-lays out and repaints both axes of a plot on every frame:
    # during a run that was most of the window's drawing time and what pushed the main thread's
    # timer gaps over budget. So while a run is live the axes move only when they must.
    def begin_run(self, epochs: int, metric_name: str | None) -> None:
        """Fix the axes for a live run: x spans the first few epochs and doubles as the run passes its end.

        :meth:`follow_x` and :meth:`follow_y` move the ranges only when a point leaves them.
        ``metric_name`` shows the metric plot from the start, so the layout does not jump at
        the first epoch.
        """
        self.set_metric_name(metric_name)
        self._planned_epochs = max(1, int(epochs))
        first = min(self._planned_epochs, FIRST_X_RANGE)
        for plot in (self.loss_plot, self.metric_plot):
            box = plot.getPlotItem().getViewBox()
            box.disableAutoRange()
            box.setRange(xRange=(0, first), yRange=(0, 1), padding=0.02)
        self._live = True

    def end_run(self) -> None:
        """Back to autoranging: the finished curves fill their plots (an early stop included)."""
        self._live = False
        for plot in (self.loss_plot, self.metric_plot):
            plot.getPlotItem().getViewBox().enableAutoRange()

    @property
    def live(self) -> bool:
        return self._live

    def follow_x(self, last_x: float) -> None:
        """Keep ``last_x`` (the newest epoch or batch position) in view: double the x range when it passes the end.

        Never past the planned epochs; the range moves a handful of times per run, not per frame.
        """
        if not self._live or not math.isfinite(last_x):
            return
        for plot in (self.loss_plot, self.metric_plot):
            box = plot.getPlotItem().getViewBox()
            low, high = box.viewRange()[0]
            shown_end = high / 1.02 if high > 0 else high  # the 2% padding of begin_run
            if last_x <= shown_end + 1e-9:
                continue
            end = max(float(FIRST_X_RANGE), shown_end)
            while end < last_x:
                end *= 2
            end = min(end, float(max(self._planned_epochs, math.ceil(last_x))))
            box.setXRange(0, end, padding=0.02)

    def follow_y(self, plot: pg.PlotWidget, *series: np.ndarray) -> None:
        """Keep every finite value of ``series`` in view during a run, moving the range only when needed.

        The range changes when a value leaves it or the values shrink to under a quarter of it;
        then it is set to the values' span plus 10% on each side. Outside a run, autorange rules.
        """
        if not self._live:
            return
        finite = [values[np.isfinite(values)] for values in series if len(values)]
        finite = [values for values in finite if values.size]
        if not finite:
            return
        low = min(float(values.min()) for values in finite)
        high = max(float(values.max()) for values in finite)
        box = plot.getPlotItem().getViewBox()
        shown_low, shown_high = box.viewRange()[1]
        if shown_low <= low and high <= shown_high and (high - low) >= 0.25 * (shown_high - shown_low):
            return
        margin = 0.1 * (high - low) or 0.1 * abs(high) or 0.5
        box.setYRange(low - margin, high + margin, padding=0)

    # ---- markers and baselines ----------------------------------------------------------------
    def clear_markers(self) -> None:
        for plot, marker in self.markers:
            plot.removeItem(marker)
        self.markers = []

    def _horizontal_line(self, plot: pg.PlotWidget, value: float, label: str) -> Any:
        line = pg.InfiniteLine(
            pos=value,
            angle=0,
            pen=pg.mkPen(90, 90, 90, 220, width=1.5, style=Qt.PenStyle.DashLine),
            label=label,
            # The label's left edge near the plot's left edge: centred, a long label ("last-value
            # forecast 0.1783") ran past the left of a narrow plot.
            labelOpts={"position": 0.03, "anchors": [(0, 0), (0, 1)], "color": (40, 40, 40), "fill": (255, 255, 255, 210),
                       "movable": False},
        )
        plot.addItem(line)
        return line

    def set_baseline(self, value: float | None, label: str = "") -> None:
        """A dashed horizontal line on the metric plot at what a model that learned nothing scores."""
        if self.baseline_line is not None:
            self.metric_plot.removeItem(self.baseline_line)
            self.baseline_line = None
        self.baseline_value = value if value is not None and math.isfinite(value) else None
        if self.baseline_value is not None:
            self.baseline_line = self._horizontal_line(self.metric_plot, self.baseline_value, label)

    def set_loss_baseline(self, value: float | None, label: str = "") -> None:
        """The same on the loss plot: the baseline's validation loss (see ``core.training.baseline``)."""
        if self.loss_baseline_line is not None:
            self.loss_plot.removeItem(self.loss_baseline_line)
            self.loss_baseline_line = None
        self.loss_baseline_value = value if value is not None and math.isfinite(value) else None
        if self.loss_baseline_value is not None:
            self.loss_baseline_line = self._horizontal_line(self.loss_plot, self.loss_baseline_value, label)

    def mark_best_epoch(self, epoch: int) -> None:
        self.clear_markers()
        plots = [self.loss_plot] + ([self.metric_plot] if self.metric_name else [])
        for plot in plots:
            line = pg.InfiniteLine(
                pos=epoch,
                angle=90,
                pen=pg.mkPen(90, 90, 90, 200, width=1.5, style=Qt.PenStyle.DashLine),
                label=f"best epoch {epoch}",
                labelOpts={"position": 0.5, "color": (40, 40, 40), "fill": (255, 255, 255, 210), "movable": False},
            )
            plot.addItem(line, ignoreBounds=True)
            self.markers.append((plot, line))

    # ---- earlier runs -------------------------------------------------------------------------
    def set_runs(self, runs: list[RunRecord], current: int | None) -> None:
        """The runs kept so far; every one but ``current`` (drawn by the live curves) is drawn faded.

        The last :data:`SHOWN_EARLIER_RUNS` earlier runs are shown, older ones hidden, unless the
        user ticked or unticked a run in the list: that choice stays. Each run's faded
        curves are made once, when it joins (the run that just ended: hidden while it is the
        current one), so starting the next run only has to show them.
        """
        numbers = {run.number for run in runs}
        earlier = [run.number for run in runs if run.number != current]
        recent = set(earlier[-SHOWN_EARLIER_RUNS:])
        self._user_choice = {n: shown for n, shown in self._user_choice.items() if n in numbers}
        self.hidden_runs = {n for n in earlier if not self._user_choice.get(n, n in recent)}
        self._runs_by_number = {run.number: run for run in runs}
        self._current_run = current
        for number in [n for n in self.earlier if n not in numbers]:
            self._remove_curves(number)
        for run in runs:
            if run.number not in self.earlier:
                self._add_curves(run)
        self._apply_visibility()
        self.runs.set_runs(runs, current, self.hidden_runs)

    @property
    def earlier_runs(self) -> list[int]:
        """The numbers of the earlier runs drawn (shown or hidden), oldest first."""
        return sorted(n for n in self.earlier if n != self._current_run)

    def set_run_visible(self, number: int, visible: bool) -> None:
        """Show or hide an earlier run's faded curves (the run list's check boxes)."""
        self._user_choice[number] = bool(visible)
        if visible:
            self.hidden_runs.discard(number)
        else:
            self.hidden_runs.add(number)
        self._apply_visibility()
        self.runs.set_checked(number, visible)

    def _apply_visibility(self) -> None:
        for number, curves in self.earlier.items():
            shown = number != self._current_run and number not in self.hidden_runs
            for _, curve in curves:
                if curve.isVisible() != shown:
                    curve.setVisible(shown)
        self._rebuild_legends()

    def _remove_curves(self, number: int) -> None:
        for plot, curve in self.earlier.pop(number, []):
            plot.removeItem(curve)

    def _add_curves(self, run: RunRecord) -> None:
        colour = run_colour(run.number)
        curves: list[tuple[pg.PlotWidget, Any]] = []
        pairs = [(self.loss_plot, "loss")] + ([(self.metric_plot, self.metric_name)] if self.metric_name else [])
        for plot, key in pairs:
            for role, name, style in (("train", key, Qt.PenStyle.SolidLine), ("val", f"val_{key}", Qt.PenStyle.DashLine)):
                values = np.asarray(run.history.get(name, []), dtype=np.float64)
                if not values.size:
                    continue
                curve = pg.PlotDataItem(np.arange(1, values.size + 1, dtype=np.float64), values, connect="finite",
                                        pen=pg.mkPen(*colour, EARLIER_ALPHA, width=1.8, style=style))
                curve.run_role = role
                curve.setZValue(-10 - run.number / 1000)
                curve.setVisible(False)  # _apply_visibility shows it
                plot.addItem(curve)
                curves.append((plot, curve))
        self.earlier[run.number] = curves

    def _redraw_earlier(self) -> None:
        """The metric changed: every run's faded curves again, for the new metric."""
        for number in list(self.earlier):
            self._remove_curves(number)
        for run in self._runs_by_number.values():
            self._add_curves(run)
        self._apply_visibility()

    # ---- export -------------------------------------------------------------------------------
    def render_plot(self, plot: pg.PlotWidget, size: tuple[int, int] = EXPORT_SIZE) -> QPixmap:
        """``plot`` drawn at ``size`` pixels (legend, markers and earlier runs included), whatever its size on screen.

        The plot is laid out at ``size / scale`` and drawn ``scale`` times as dense (scale = width
        / :data:`EXPORT_LAYOUT_WIDTH`, at least 1), so text and lines stay readable in a large
        picture instead of shrinking to specks. It is resized for the picture and put back, so
        the export never depends on how big the window is; the view range stays as the user sees it.
        """
        width, height = max(200, int(size[0])), max(150, int(size[1]))
        scale = max(1.0, width / EXPORT_LAYOUT_WIDTH)
        logical = QSize(int(round(width / scale)), int(round(height / scale)))
        old = plot.geometry()
        box = plot.getPlotItem().getViewBox()
        auto = box.autoRangeEnabled()
        ranges = box.viewRange()
        box.disableAutoRange()
        pixmap = QPixmap(width, height)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(plot.backgroundBrush().color())
        try:
            plot.setGeometry(QRect(old.topLeft(), logical))
            box.setRange(xRange=ranges[0], yRange=ranges[1], padding=0)
            QWidget.render(plot, pixmap)  # the widget's own render (PlotWidget's takes a painter)
        finally:
            plot.setGeometry(old)
            box.setRange(xRange=ranges[0], yRange=ranges[1], padding=0)
            box.enableAutoRange(x=auto[0], y=auto[1])
        return pixmap
