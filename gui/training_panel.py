"""Train the model on the loaded file and watch it learn: settings, controls, live curves, results.

The panel builds a :class:`core.training.job.TrainingJob` from the current data (path, load,
padding and window options), the model builder's spec and its own settings, and hands it to
a :class:`~gui.training_controller.TrainingController`, which runs it in the warm training
child. Events arrive on the main thread as plain dicts; curves are redrawn at most
``REDRAW_HZ`` times a second with ``setData`` (downsampled and clipped to the view, so long
runs stay cheap). When a run ends the best epoch is marked on the curves and the results view
shows the metrics and a confusion matrix or a prediction-vs-truth plot.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.model.build import loss_and_metrics
from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.training import events
from core.training.config import TrainingConfig
from core.training.job import TrainingJob
from gui import training_controller as tc
from gui.results_view import ResultsView, format_metric
from gui.views.theme import BLUE, GREEN, ORANGE, SKY_BLUE, VERMILLION, status_style, theme_for

log = logging.getLogger(__name__)

REDRAW_HZ = 4  # measured: 10 Hz repaints pushed the 10 ms timer's p99 gap to 19-21 ms, 4 Hz gives 17 ms
LOG_LINES = 2000
METRIC_TITLES = {"accuracy": "Accuracy", "mae": "Mean absolute error", "mse": "Mean squared error"}  # the legend names the key
LEFT_AXIS_WIDTH = 52  # pixels: room for labels such as "0.6931" or "1.2e+05"
FINISH_STEP_MS = 40  # pause between the drawing steps of a finished run (see _on_finished)
STOPPED_WORDS = {"user": "Stopped", "early_stopping": "Stopped early", "nan_loss": "Stopped (NaN loss)", "error": "Failed"}


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


def format_eta(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class CurvePlots(QWidget):
    """Loss (batch and epoch, training and validation) and a metric plot, updated with ``setData``.

    No background grid: pyqtgraph draws it as part of the axes, and with minor ticks it cost
    more than the 100k-point curve itself on every repaint (measured in
    ``benchmarks/bench_gui_training.py``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot = pg.PlotWidget()
        self.metric_plot = pg.PlotWidget()
        theme = theme_for(self)
        for plot, title, corner in ((self.loss_plot, "Loss", (-10, 10)), (self.metric_plot, "Accuracy", (-10, -30))):
            item = plot.getPlotItem()
            plot.setBackground(theme.qcolor(theme.background))
            item.setTitle(title)
            item.setLabel("bottom", "epoch")
            item.addLegend(offset=corner, labelTextColor=theme.qcolor(theme.foreground))
            theme.style_plot(item)
            item.setMenuEnabled(False)
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")
            # A fixed axis width: tick labels that change width ("0.5" → "0.25") would otherwise
            # re-lay out the plot, and each re-layout cascades into several repaints mid-run.
            item.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
            plot.setMinimumHeight(160)
        self.batch_loss = self.loss_plot.plot(name="loss (recent batches)", pen=pg.mkPen(*SKY_BLUE, 140, width=1), connect="finite")
        self.loss = self.loss_plot.plot(name="loss", pen=pg.mkPen(*BLUE, width=2), symbol="o", symbolSize=5, symbolBrush=pg.mkBrush(*BLUE), connect="finite")
        self.val_loss = self.loss_plot.plot(name="val_loss", pen=pg.mkPen(*ORANGE, width=2), symbol="s", symbolSize=5, symbolBrush=pg.mkBrush(*ORANGE), connect="finite")
        self.metric = self.metric_plot.plot(name="accuracy", pen=pg.mkPen(*GREEN, width=2), symbol="o", symbolSize=5, symbolBrush=pg.mkBrush(*GREEN), connect="finite")
        self.val_metric = self.metric_plot.plot(name="val_accuracy", pen=pg.mkPen(*VERMILLION, width=2), symbol="s", symbolSize=5, symbolBrush=pg.mkBrush(*VERMILLION), connect="finite")
        for curve in (self.batch_loss, self.loss, self.val_loss, self.metric, self.val_metric):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            # Peak mode keeps each pixel column's min and max, so one bin per pixel loses nothing
            # visible and draws 5× fewer points than pyqtgraph's default factor.
            curve.opts["autoDownsampleFactor"] = 1.0
        self.markers: list[Any] = []
        self.baseline_line: Any = None
        self.baseline_value: float | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.metric_plot, 2)
        self.metric_plot.setVisible(False)
        self.metric_name: str | None = None
        self._live = False

    def set_metric_name(self, name: str | None) -> None:
        """Which non-loss metric the second plot shows (``accuracy``, ``mae``...); None hides it."""
        if name == self.metric_name and self.metric_plot.isVisibleTo(self) == (name is not None):
            return  # showing or retitling a plot re-lays out the whole panel
        self.metric_name = name
        self.metric_plot.setVisible(name is not None)
        if name is not None:
            item = self.metric_plot.getPlotItem()
            item.setTitle(METRIC_TITLES.get(name, name.replace("_", " ").capitalize()))
            legend = item.legend
            if legend is not None:
                legend.clear()
                legend.addItem(self.metric, name)
                legend.addItem(self.val_metric, f"val_{name}")

    def clear(self) -> None:
        for curve in (self.batch_loss, self.loss, self.val_loss, self.metric, self.val_metric):
            curve.setData([], [])
        self.clear_markers()
        self.set_baseline(None)

    # Autoranging on every update re-lays out and repaints both axes of a plot on every frame:
    # during a run that was most of the window's drawing time and what pushed the main thread's
    # timer gaps over budget. So while a run is live the axes move only when they must.
    def begin_run(self, epochs: int, metric_name: str | None) -> None:
        """Fix the axes for a live run: x spans the planned epochs, y follows the data in steps.

        The curves grow into the planned x range (which also shows how far the run has come);
        :meth:`follow_y` moves the y range only when a point leaves it. ``metric_name`` shows
        the metric plot from the start, so the layout does not jump at the first epoch.
        """
        self.set_metric_name(metric_name)
        for plot in (self.loss_plot, self.metric_plot):
            box = plot.getPlotItem().getViewBox()
            box.disableAutoRange()
            box.setRange(xRange=(0, max(1, int(epochs))), yRange=(0, 1), padding=0.02)
        self._live = True

    def end_run(self) -> None:
        """Back to autoranging: the finished curves fill their plots (an early stop included)."""
        self._live = False
        for plot in (self.loss_plot, self.metric_plot):
            plot.getPlotItem().getViewBox().enableAutoRange()

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

    def clear_markers(self) -> None:
        for plot, marker in self.markers:
            plot.removeItem(marker)
        self.markers = []

    def set_baseline(self, value: float | None, label: str = "") -> None:
        """A dashed horizontal line on the metric plot at what a model that learned nothing scores."""
        if self.baseline_line is not None:
            self.metric_plot.removeItem(self.baseline_line)
            self.baseline_line = None
        self.baseline_value = value if value is not None and math.isfinite(value) else None
        if self.baseline_value is None:
            return
        self.baseline_line = pg.InfiniteLine(
            pos=self.baseline_value,
            angle=0,
            pen=pg.mkPen(90, 90, 90, 220, width=1.5, style=Qt.PenStyle.DashLine),
            label=label,
            labelOpts={"position": 0.35, "color": (40, 40, 40), "fill": (255, 255, 255, 210), "movable": False},
        )
        self.metric_plot.addItem(self.baseline_line)

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


class TrainingPanel(QWidget):
    """Training settings, Start/Pause/Resume/Stop, progress with ETA, live curves, log and results.

    Feed it the data with :meth:`set_data` (any object with ``path``, ``load_options``,
    ``padding``, ``window`` — a ``gui.tensor_state.Snapshot``) and the model with
    :meth:`set_spec` (connect ``ModelBuilderPanel.specChanged``). Call :meth:`shutdown` (or close
    it) before the application quits.
    """

    runStarted = Signal(int)
    runFinished = Signal(object)  # the result dict
    runFailed = Signal(str)

    def __init__(self, controller: tc.TrainingController | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller or tc.TrainingController(parent=self)
        self._data: Any = None
        self._spec: ModelSpec | None = None
        self._spec_problems: list[str] = []
        self._blocker: str | None = None  # why this data and model cannot train (core preflight), if so
        self._info: dict[str, Any] = {}
        self._history: dict[str, list[float]] = {}
        self._epoch_x: list[float] = []
        self._batch_loss = SeriesBuffer()
        self._progress = (0, 0, 0, None, 0.0)  # epoch, batch, total_batches, epochs, elapsed
        self._last_result: dict[str, Any] | None = None
        self._pending_result: dict[str, Any] | None = None
        self._run_job: Any = None
        self._dirty_batches = False
        self._dirty_epochs = False
        self._model_dir: str | None = None
        self._closing = False
        self.show_dialogs = True  # False: errors go to the log and status line only (headless runs)
        self._build_ui()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(int(1000 / REDRAW_HZ))
        self._redraw_timer.timeout.connect(self._on_redraw_timer)
        c = self.controller
        c.stateChanged.connect(self._on_state_changed)
        c.childStateChanged.connect(self._on_child_state)
        c.began.connect(self._on_began)
        c.batchProgress.connect(self._on_batch)
        c.epochEnded.connect(self._on_epoch)
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.logMessage.connect(self._on_log)
        self._update_buttons()

    # ---- construction -------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "readiness"):
            self.readiness.setStyleSheet(status_style("caution", self))  # readable on light and dark
        super().changeEvent(event)

    def _build_ui(self) -> None:
        defaults = TrainingConfig()
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100_000)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, 1_000_000)
        self.batch_size.setSpecialValueText("auto")  # 0: chosen from the data's size (core.training.sizing)
        self.batch_size.setToolTip("auto: 32, or 16 or 8 when there are too few samples for three batches of 32 an epoch.")
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(0.00001, 10.0)
        self.learning_rate.setSingleStep(0.0005)
        self.validation_split = QDoubleSpinBox()
        self.validation_split.setRange(0.0, 0.9)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.setDecimals(2)
        self.validation_split.setToolTip("Share of samples held out to measure val_loss (windows of one series: the last ones).")
        self.early_stopping = QCheckBox("stop when val_loss stops improving")
        self.patience = QSpinBox()
        self.patience.setRange(-1, 10_000)
        self.patience.setSpecialValueText("auto")  # -1: about 100 gradient steps, at least 8 epochs
        self.patience.setSuffix(" epochs")
        self.patience.setToolTip(
            "Epochs without improvement before stopping; the best epoch's weights are kept. "
            "auto: about 100 gradient steps, at least 8 epochs."
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Same seed, same data split, same initial weights, same curves.")
        self.early_stopping.toggled.connect(self.patience.setEnabled)
        self.set_config(defaults)
        settings = QGroupBox("Training settings")
        form = QFormLayout(settings)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Validation split", self.validation_split)
        form.addRow("Early stopping", self.early_stopping)
        form.addRow("Patience", self.patience)
        form.addRow("Seed", self.seed)
        self._setting_widgets = (self.epochs, self.batch_size, self.learning_rate, self.validation_split, self.early_stopping, self.patience, self.seed)
        for spin in (self.epochs, self.batch_size, self.validation_split, self.patience):
            spin.valueChanged.connect(self._on_settings_changed)

        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Train the model on the loaded data in a separate process.")
        self.pause_button = QPushButton("Pause")
        self.resume_button = QPushButton("Resume")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after the current batch and keep what was learned so far.")
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.resume_button, self.stop_button):
            buttons.addWidget(button)
        self.start_button.clicked.connect(self.start_training)
        self.pause_button.clicked.connect(self.controller_pause)
        self.resume_button.clicked.connect(self.controller_resume)
        self.stop_button.clicked.connect(self.stop_training)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Not started")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.child_status = QLabel()
        self.child_status.setStyleSheet("QLabel { color: palette(mid); }")
        self.child_status.setWordWrap(True)
        self.readiness = QLabel()
        self.readiness.setWordWrap(True)
        self.readiness.setStyleSheet(status_style("caution", self))

        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setPlaceholderText("Training log")
        self.log.setMinimumHeight(90)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(settings)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.readiness)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.status)
        left_layout.addWidget(self.child_status)
        left_layout.addWidget(self.log, 1)
        left.setMinimumWidth(300)
        left.setMaximumWidth(420)

        self.curves = CurvePlots()
        self.results = ResultsView()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.curves)
        right.addWidget(self.results)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(left)
        layout.addWidget(right, 1)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    # Word-wrapped labels inside make the layout "height for width", and a scroll area then
    # sizes the panel from the preferred heights of its plots and tables: taller than the
    # window, for no reason. The panel fits any height above its minimum, so it opts out.
    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return False

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return -1

    # ---- inputs -------------------------------------------------------------------------------
    def config(self) -> TrainingConfig:
        return TrainingConfig(
            epochs=int(self.epochs.value()),
            batch_size=int(self.batch_size.value()) or None,
            learning_rate=float(self.learning_rate.value()),
            validation_split=round(float(self.validation_split.value()), 4),
            early_stopping=self.early_stopping.isChecked(),
            patience=None if self.patience.value() < 0 else int(self.patience.value()),
            seed=int(self.seed.value()),
        )

    def set_config(self, config: TrainingConfig) -> None:
        self.epochs.setValue(int(config.epochs))
        self.batch_size.setValue(0 if config.batch_size is None else int(config.batch_size))
        self.learning_rate.setValue(float(config.learning_rate))
        self.validation_split.setValue(float(config.validation_split))
        self.early_stopping.setChecked(bool(config.early_stopping))
        self.patience.setValue(-1 if config.patience is None else int(config.patience))
        self.patience.setEnabled(bool(config.early_stopping))
        self.seed.setValue(int(config.seed))
        self._extra_config = {k: v for k, v in config.to_dict().items() if k not in ("epochs", "batch_size", "learning_rate", "validation_split", "early_stopping", "patience", "seed")}

    def set_data(self, data: Any) -> None:
        """The current data (a ``Snapshot``-like object, or None). Results of older data are cleared."""
        previous = self._data
        self._data = data
        if data is None or previous is None or getattr(previous, "path", None) != getattr(data, "path", None):
            if not self.controller.is_busy():
                self._reset_run_display("Results appear here when a run ends.")
        self._refresh_blocker()

    @Slot(object)
    def set_spec(self, spec: ModelSpec | None) -> None:
        self._spec = spec
        self._refresh_blocker()

    def set_spec_problems(self, problems: list[str]) -> None:
        """Why the model does not fit the data (shown beside Start, which stays disabled until fixed)."""
        self._spec_problems = list(problems)
        self._update_buttons()

    @Slot()
    def _on_settings_changed(self, *_: Any) -> None:
        self._refresh_blocker()

    def _refresh_blocker(self) -> None:
        """Ask the engine's preflight whether this data, model and settings can train (no TensorFlow)."""
        from core.training.checks import readiness_problem

        shaped = getattr(self._data, "shaped", None)
        blocker = None
        if shaped is not None and self._spec is not None:
            blocker = readiness_problem(self._spec, shaped, self._config_with_extras())
        self._blocker = blocker
        self._update_buttons()

    # ---- state read by export and sessions ----------------------------------------------------
    @property
    def history(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self._history.items()}

    @property
    def last_result(self) -> dict[str, Any] | None:
        return self._last_result

    @property
    def last_job(self) -> Any:
        return self._run_job

    def restore_history(self, history: dict[str, list[float]], result: dict[str, Any] | None = None) -> None:
        """Show a saved run's curves (and results) without training (sessions)."""
        self._reset_run_display("")
        self.curves.end_run()
        self._history = {k: list(v) for k, v in history.items()}
        n = max((len(v) for v in history.values()), default=0)
        self._epoch_x = [float(i + 1) for i in range(n)]
        self._choose_metric()
        self._redraw()
        if result:
            self._last_result = dict(result)
            if result.get("best_epoch"):
                self.curves.mark_best_epoch(int(result["best_epoch"]))
            self._show_baseline(result.get("baseline"))
            self.results.show_result(result)

    # ---- commands -----------------------------------------------------------------------------
    def can_start(self) -> bool:
        return (
            self._data is not None
            and getattr(self._data, "path", None)
            and self._spec is not None
            and not self._spec_problems
            and self._blocker is None
            and not self.controller.is_busy()
            and self.controller.child_state != tc.CHILD_FAILED
            and not self._closing
        )

    def build_job(self) -> Any:
        """The :class:`TrainingJob` for the current data, spec and settings."""
        if self._model_dir is None:
            self._model_dir = tempfile.mkdtemp(prefix="shape-explorer-models-")
        save_path = str(Path(self._model_dir) / f"run-{self.controller.current_run + 1}-{int(time.time())}.keras")
        data = self._data
        return TrainingJob(
            path=str(data.path),
            load_options=getattr(data, "load_options", None) or LoadOptions(),
            padding=getattr(data, "padding", None) or PaddingOptions(),
            window=getattr(data, "window", None),
            spec=self._spec,
            config=self._config_with_extras(),
            save_path=save_path,
        )

    def _config_with_extras(self) -> TrainingConfig:
        return self.config().with_changes(**getattr(self, "_extra_config", {}))

    @Slot()
    def start_training(self) -> int | None:
        """Start a run (ignored while one is going: the button is disabled then too)."""
        if not self.can_start():
            return None
        try:
            config = self._config_with_extras().validate()
        except Exception as exc:  # TrainingError: a plain sentence
            self._show_error(str(exc))
            return None
        job = self.build_job()
        run_id = self.controller.start(job)
        if run_id is None:
            return None
        self._run_job = job
        self._pending_result = None  # a previous run's last drawing steps are dropped
        metric_name = live_metric_name(self._spec)
        self._reset_run_display("Training…", metric_name)
        self.curves.begin_run(config.epochs, metric_name)
        self._progress = (0, 0, 0, config.epochs, 0.0)
        self.progress.setFormat("Waiting for TensorFlow…" if self.controller.child_state != tc.CHILD_READY else "Preparing the data…")
        self._append_log(f"Run {run_id}: {Path(job.path).name}, {config.epochs} epochs, batch size {config.batch_size or 'auto'}, learning rate {config.learning_rate:g}.")
        self.runStarted.emit(run_id)
        self._update_buttons()
        return run_id

    @Slot()
    def stop_training(self) -> None:
        if self.controller.is_busy():
            self._append_log("Stop requested; finishing the current batch…")
            self.controller.stop()

    @Slot()
    def controller_pause(self) -> None:
        self.controller.pause()

    @Slot()
    def controller_resume(self) -> None:
        self.controller.resume()

    def is_training(self) -> bool:
        return self.controller.is_busy()

    def confirm_stop(self, why: str) -> bool:
        """Ask whether to stop a running run (``why`` says what is about to happen); True = go ahead.

        When the user agrees, a stop is requested. Returns True at once when nothing runs.
        """
        if not self.controller.is_busy():
            return True
        answer = QMessageBox.question(
            self,
            "Training is running",
            f"{why} Stop the training run? What it learned so far will be lost unless you export it after it stops.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.stop_training()
        return True

    def shutdown(self) -> bool:
        """Stop any run, end the worker thread and the child, delete temporary models."""
        self._closing = True
        self._redraw_timer.stop()
        ok = self.controller.shutdown()
        self._redraw_timer.stop()
        if self._model_dir is not None:
            shutil.rmtree(self._model_dir, ignore_errors=True)
            self._model_dir = None
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self._closing and not self.confirm_stop("The window is closing."):
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        # Warm the training child the first time the panel is shown (TensorFlow takes seconds).
        if not self._closing:
            self.controller.ensure_started()
        super().showEvent(event)

    # ---- controller events --------------------------------------------------------------------
    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == tc.PAUSED:
            self.status.setText("Paused. Resume to continue, or Stop.")
        elif state == tc.STOPPING:
            self.status.setText("Stopping after the current batch…")
        elif state == tc.RUNNING:
            self.status.setText("Training…")
        self._update_buttons()

    @Slot(str, str)
    def _on_child_state(self, state: str, message: str) -> None:
        text = {
            tc.CHILD_STARTING: "Trainer: starting TensorFlow in the background…",
            tc.CHILD_READY: "Trainer: ready.",
            tc.CHILD_CRASHED: "Trainer: crashed — restarting it.",
            tc.CHILD_FAILED: "Trainer: unavailable.",
            tc.CHILD_CLOSED: "Trainer: closed.",
        }.get(state, state)
        self.child_status.setText(text)
        if message:
            self._append_log(message)
        if state == tc.CHILD_FAILED and message:
            self._show_error(message)
        self._update_buttons()

    @Slot(object)
    def _on_began(self, begin: events.Begin) -> None:
        self._info = events.encode(begin)
        epochs = int(begin.epochs or self._progress[3] or 0)
        self._progress = (0, 0, int(begin.steps_per_epoch or 0), epochs, 0.0)
        parts = [f"{int(begin.train_samples):,} training and {int(begin.validation_samples or 0):,} validation samples"]
        if begin.params is not None:
            parts.append(f"{int(begin.params):,} parameters")
        parts.append(f"batch size {int(begin.batch_size)}, {int(begin.steps_per_epoch)} batch{'es' if begin.steps_per_epoch != 1 else ''} per epoch")
        if begin.streaming:
            parts.append("streaming batches from disk")
        self._append_log("Training began: " + ", ".join(parts) + ".")
        for why in begin.chosen.values():
            self._append_log(why)
        self._show_baseline(begin.baseline)
        self.progress.setFormat("Epoch 1 starting…")

    def _show_baseline(self, baseline: dict[str, Any] | None) -> None:
        """The validation baseline of the plotted metric as a dashed line (see core.training.baseline)."""
        name = self.curves.metric_name or live_metric_name(self._spec)
        scores = (baseline or {}).get("val") or {}
        if not name or name not in scores:
            self.curves.set_baseline(None)
            return
        self.curves.set_baseline(float(scores[name]), f"{baseline.get('name', 'baseline')} {format_metric(scores[name])}")
        if baseline.get("description"):
            self._append_log(f"Baseline: {baseline['description']} scores val_{name} {format_metric(scores[name])}.")

    @Slot(object)
    def _on_batch(self, batch: events.Batch) -> None:
        epoch = int(batch.epoch or 1)
        done = int(batch.batch or 0)
        total = batch.total_batches or self._progress[2] or 0
        elapsed = float(batch.elapsed or 0.0)
        self._progress = (epoch, done, int(total), self._progress[3], elapsed)
        logs = batch.logs or {}
        loss = logs.get("recent_loss", logs.get("loss"))  # recent: Keras' own restarts every epoch
        if loss is not None and total:
            self._batch_loss.append(epoch - 1 + done / total, float(loss))
        self._schedule_redraw()

    @Slot(int, object)
    def _on_epoch(self, epoch: int, logs: dict) -> None:
        n = len(self._epoch_x)
        self._epoch_x.append(float(epoch))
        for key, value in logs.items():
            self._history.setdefault(key, [math.nan] * n).append(float(value))
        for key, values in self._history.items():
            if len(values) < n + 1:
                values.append(math.nan)
        if self.curves.metric_name is None:
            self._choose_metric()
        total = self._progress[2]
        self._progress = (epoch, total, total, self._progress[3], self._progress[4])
        self._append_log(f"Epoch {epoch}: " + ", ".join(f"{k} {format_metric(v)}" for k, v in logs.items()))
        self._schedule_redraw(epochs=True)

    @Slot(object)
    def _on_finished(self, result: dict) -> None:
        self._last_result = dict(result)
        history = result.get("history")
        if history and len(next(iter(history.values()), [])) >= len(self._epoch_x):
            self._history = {k: [float(v) for v in values] for k, values in history.items()}
            self._epoch_x = [float(i + 1) for i in range(max(len(v) for v in history.values()))]
        reason = result.get("stop_reason") or "completed"
        message = str(result.get("message") or "Training finished.")
        self.status.setText(message)
        self._append_log(message)
        if result.get("saved_model"):
            self._append_log(f"The trained model is ready to export (File ▸ Export ▸ Model).")
        epochs_done = len(self._epoch_x)
        planned = self._progress[3] or epochs_done
        if reason == "completed":
            self.progress.setValue(self.progress.maximum())
            self.progress.setFormat(f"Done: {epochs_done} epoch{'s' if epochs_done != 1 else ''}")
        else:
            self.progress.setFormat(f"{STOPPED_WORDS.get(reason, 'Stopped')} after {epochs_done} of {planned} epochs")
        self._update_buttons()
        # The final curves (all ranges refitted, the best epoch marked) and the results view (a
        # confusion matrix of up to 400 cells) drawn together with the text above stalled the
        # window for ~100 ms. So each is drawn in a later step with its own repaint, and the event
        # loop runs in between.
        self._pending_result = dict(result)
        QTimer.singleShot(FINISH_STEP_MS, self, self._show_final_curves)

    @Slot()
    def _show_final_curves(self) -> None:
        result = self._pending_result
        if result is None or self._closing:
            return
        if result.get("history"):
            self._choose_metric()
        self.curves.end_run()
        self._redraw()
        best = result.get("best_epoch")
        if best:
            self.curves.mark_best_epoch(int(best))
        if result.get("baseline") and self.curves.baseline_value is None:
            self._show_baseline(result.get("baseline"))
        QTimer.singleShot(FINISH_STEP_MS, self, self._show_pending_result)

    @Slot()
    def _show_pending_result(self) -> None:
        result, self._pending_result = self._pending_result, None
        if result is None or self._closing:
            return
        try:
            self.results.show_result(result)
        finally:
            self.runFinished.emit(dict(result))
            if result.get("stop_reason") == "nan_loss":
                self._show_error(str(result.get("message") or "The loss became NaN."))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.curves.end_run()
        self._redraw()
        self.status.setText(message)
        self.progress.setFormat("Failed")
        self._append_log(f"Error: {message}")
        self.results.clear("The run failed: " + message)
        self._update_buttons()
        self.runFailed.emit(message)
        self._show_error(message)

    @Slot(str)
    def _on_log(self, message: str) -> None:
        self._append_log(message)

    # ---- drawing ------------------------------------------------------------------------------
    def _schedule_redraw(self, *, epochs: bool = False) -> None:
        self._dirty_batches = True
        self._dirty_epochs = self._dirty_epochs or epochs
        if not self._redraw_timer.isActive() and not self._closing:
            self._redraw_timer.start()

    @Slot()
    def _redraw(self, *, everything: bool = True) -> None:
        """Push the buffered points to the curves; only the series that changed are touched.

        Batch events change the batch-loss curve and the progress bar; the epoch curves (and the
        metric plot, which then needs no repaint at all) change only when an epoch ends.
        """
        self._redraw_timer.stop()
        batches = everything or self._dirty_batches
        epochs = everything or self._dirty_epochs
        self._dirty_batches = self._dirty_epochs = False
        c = self.curves
        x = np.asarray(self._epoch_x, dtype=np.float64)
        losses = (self._series("loss", x.size), self._series("val_loss", x.size))
        if batches:
            c.batch_loss.setData(self._batch_loss.x, self._batch_loss.y)
        if epochs:
            c.loss.setData(x, losses[0])
            c.val_loss.setData(x, losses[1])
            if c.metric_name:
                metrics = (self._series(c.metric_name, x.size), self._series(f"val_{c.metric_name}", x.size))
                c.metric.setData(x, metrics[0])
                c.val_metric.setData(x, metrics[1])
                baseline = () if c.baseline_value is None else (np.array([c.baseline_value]),)
                c.follow_y(c.metric_plot, *metrics, *baseline)
        if batches or epochs:
            c.follow_y(c.loss_plot, self._batch_loss.y, *losses)
        self._update_progress()

    @Slot()
    def _on_redraw_timer(self) -> None:
        self._redraw(everything=False)

    def _series(self, key: str, n: int) -> np.ndarray:
        values = self._history.get(key)
        if not values:
            return np.full(n, np.nan) if n else np.empty(0)
        return np.asarray(values[:n], dtype=np.float64)

    def _choose_metric(self) -> None:
        names = [k for k in self._history if k != "loss" and not k.startswith("val_")]
        preferred = [k for k in names if "acc" in k] or names
        self.curves.set_metric_name(preferred[0] if preferred else None)

    def _update_progress(self) -> None:
        epoch, batch, total, epochs, elapsed = self._progress
        if not self.controller.is_busy() or not epochs or not epoch:
            return
        done_batches = (epoch - 1) * max(total, 1) + (batch if total else 0)
        planned = epochs * max(total, 1)
        fraction = min(1.0, done_batches / planned) if planned else 0.0
        self.progress.setValue(int(fraction * self.progress.maximum()))
        eta = elapsed * (1.0 - fraction) / fraction if fraction > 0 and elapsed > 0 else None
        batch_text = f" · batch {batch}/{total}" if total else ""
        self.progress.setFormat(f"Epoch {epoch}/{epochs}{batch_text} · ETA {format_eta(eta)}")

    def _reset_run_display(self, results_message: str, metric_name: str | None = None) -> None:
        self._history = {}
        self._epoch_x = []
        self._batch_loss.clear()
        self._info = {}
        self._last_result = None
        self.curves.clear()
        self.curves.set_metric_name(metric_name)
        self.progress.setValue(0)
        self.progress.setFormat("Not started")
        if results_message:
            self.results.clear(results_message)

    def _update_buttons(self) -> None:
        state = self.controller.state
        busy = self.controller.is_busy()
        self.start_button.setEnabled(bool(self.can_start()))
        self.pause_button.setEnabled(state == tc.RUNNING)
        self.resume_button.setEnabled(state == tc.PAUSED)
        self.stop_button.setEnabled(state in (tc.STARTING, tc.RUNNING, tc.PAUSED))
        for widget in self._setting_widgets:
            widget.setEnabled(not busy)
        if not busy:
            self.patience.setEnabled(self.early_stopping.isChecked())
        if self._data is None or not getattr(self._data, "path", None):
            self.readiness.setText("Open a file to train on it.")
        elif self._spec is None:
            reason = self._spec_problems[0] if self._spec_problems else "Build a model in the Model tab first."
            self.readiness.setText("The model cannot be built: " + reason if self._spec_problems else reason)
        elif self._spec_problems and not busy:
            self.readiness.setText("Start is off — the model does not fit the data yet: " + self._spec_problems[0])
        elif self._blocker and not busy:
            self.readiness.setText("Start is off — this cannot train: " + self._blocker)
        else:
            self.readiness.setText("")
        self.readiness.setVisible(bool(self.readiness.text()))
        reason = self.readiness.text() if not self.start_button.isEnabled() and not busy else ""
        self.start_button.setToolTip(reason or "Train the model on the loaded data in a separate process.")

    def _append_log(self, message: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        for line in str(message).rstrip().splitlines() or [""]:
            self.log.appendPlainText(f"{stamp}  {line}")

    def _show_error(self, message: str) -> None:
        if self._closing or not self.show_dialogs:
            return
        QMessageBox.warning(self, "Training", message)


class CloseGuard(QObject):
    """Event filter for the main window: asks before closing during training, then shuts down.

    Installed by :class:`TrainingWorkflow`, so the window needs no training-specific code in
    its own ``closeEvent``.
    """

    def __init__(self, panel: TrainingPanel, parent: QObject | None = None, *, ask: Any = None) -> None:
        super().__init__(parent)
        self._panel = panel
        self._ask = ask or (lambda: True)  # False (non-interactive runs): stop without asking

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Close:
            if self._ask() and not self._panel.confirm_stop("The window is closing."):
                event.ignore()
                return True
            self._panel.shutdown()
        return False


class TrainingWorkflow(QObject):
    """The model and training tabs of a main window, wired to its data and menus.

    ``install_training_workflow(window)`` creates it. It follows ``window.state``
    (``TensorState``): new data goes to the model builder (a new file resets the model to the
    data's defaults) and to the training panel; the builder's spec goes to the training panel.
    Opening another file during a run asks first and stops the run (or cancels the load). The
    window's close asks during a run, then stops it and joins the worker (a :class:`CloseGuard`
    event filter, so the window needs no training code of its own). The training child is
    started when the first file finishes loading or a tab is first shown, so it is warm by the
    time the user presses Start.
    """

    def __init__(self, window: Any, controller: tc.TrainingController | None = None) -> None:
        super().__init__(window)
        from gui.export_actions import ExportActions
        from gui.model_panel import ModelBuilderPanel

        self.window = window
        self.state = window.state
        self.model_panel = ModelBuilderPanel()
        self.training_panel = TrainingPanel(controller or tc.TrainingController(parent=window))
        self.controller = self.training_panel.controller
        self.training_panel.show_dialogs = bool(getattr(window, "interactive", True))
        self.model_tab = window.add_workflow_tab(self.model_panel, "Model", "Build the LSTM/GRU model: shapes and parameters per layer")
        self.training_tab = window.add_workflow_tab(self.training_panel, "Training", "Train the model on this data with live curves")
        self._pending_session: Any = None
        self.exports = ExportActions(self, window)
        self._install_menu()
        self.close_guard = CloseGuard(self.training_panel, self, ask=lambda: bool(getattr(window, "interactive", True)))
        window.installEventFilter(self.close_guard)
        self.model_panel.installEventFilter(self)

        self.state.changed.connect(self._on_data_changed)
        self.state.loadStarted.connect(self._on_load_started)
        self.state.loadFinished.connect(self._on_load_finished)
        self.model_panel.specChanged.connect(self._on_spec_changed)
        self.model_panel.problemsChanged.connect(self._on_spec_problems)
        user_model = getattr(window, "user_model", None)  # Check my model: its architecture can come here
        if user_model is not None:
            user_model.architectureChosen.connect(self.use_architecture)
        self.model_panel.embeddingsRequested.connect(self._on_embeddings_requested)
        window.track_model_spec(self.model_panel)  # model edits join the window's undo stack
        self.training_panel.runStarted.connect(self._refresh_exports)
        self.training_panel.runFinished.connect(self._refresh_exports)
        self.training_panel.runFailed.connect(self._refresh_exports)
        if hasattr(window, "aboutToClose"):
            window.aboutToClose.connect(self.shutdown)
        if self.state.snapshot is not None:
            self._on_data_changed()

    # ---- wiring -------------------------------------------------------------------------------
    def _install_menu(self) -> None:
        bar = self.window.menuBar()
        file_menu = next((a.menu() for a in bar.actions() if a.menu() is not None and "File" in a.text()), None)
        if file_menu is None:
            file_menu = bar.addMenu("&File")
        anchor = next((a for a in file_menu.actions() if a.isSeparator()), None)
        exports = self.exports
        export_menu = QMenu("&Export", file_menu)
        for action in (exports.export_script_action, exports.export_model_action, exports.export_plots_action):
            export_menu.addAction(action)
        file_menu.insertSeparator(anchor) if anchor is not None else file_menu.addSeparator()
        for action in (exports.open_session_action, exports.save_session_action):
            file_menu.insertAction(anchor, action) if anchor is not None else file_menu.addAction(action)
        file_menu.insertMenu(anchor, export_menu) if anchor is not None else file_menu.addMenu(export_menu)
        file_menu.insertAction(anchor, exports.predict_action) if anchor is not None else file_menu.addAction(exports.predict_action)
        self.export_menu = export_menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.model_panel and event.type() == QEvent.Type.Show:
            self.controller.ensure_started()
        return False

    @Slot()
    def _on_data_changed(self) -> None:
        snapshot = self.state.snapshot
        shaped = snapshot.shaped if snapshot is not None else None
        self.model_panel.set_data(shaped)
        self.training_panel.set_data(snapshot)
        pending, self._pending_session = self._pending_session, None
        if pending is not None and snapshot is not None:
            self._apply_session_model(pending)
        self.training_panel.set_spec(self.model_panel.spec() if self.model_panel.is_valid() else None)
        self.training_panel.set_spec_problems(self.model_panel.problems())
        self._tell_doctor(self.model_panel.problems())
        self._refresh_exports()

    @Slot(object)
    def _on_spec_changed(self, spec: Any) -> None:
        self.training_panel.set_spec(spec)
        self.training_panel.set_spec_problems(self.model_panel.problems())

    @Slot(object)
    def _on_embeddings_requested(self, path: Any) -> None:
        """The model builder chose word vectors (or none): re-read the text with them."""
        snapshot = self.state.snapshot
        if snapshot is None or not snapshot.path:
            return
        # The model builder's vectors feed an Embedding, so the tensor goes back to token ids.
        options = replace(snapshot.load_options, embeddings=str(path) if path else None, embed_features=False)
        self.state.open(snapshot.path, options, snapshot.padding, snapshot.window)

    @Slot(object)
    def _on_spec_problems(self, problems: list[str]) -> None:
        # While the editors hold an impossible model there is nothing to train.
        self.training_panel.set_spec(self.model_panel.spec() if self.model_panel.is_valid() else None)
        self.training_panel.set_spec_problems(problems)
        self._tell_doctor(problems)

    def _tell_doctor(self, problems: list[str]) -> None:
        """The builder's misfits appear in the shape doctor too, so the two never disagree."""
        user_model = getattr(self.window, "user_model", None)
        if user_model is not None:
            user_model.set_builder_problems(list(problems))

    @Slot(object)
    def use_architecture(self, spec: Any) -> None:
        """*Use this architecture* from Check my model: the user's design, in the Model tab."""
        self.model_panel.set_spec(spec)
        self.window.show_view(self.model_tab)

    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        panel = self.training_panel
        if not panel.is_training() or self.controller.state == tc.STOPPING:
            return
        if not getattr(self.window, "interactive", True):
            panel.stop_training()
            return
        if not panel.confirm_stop(f"Opening {Path(path).name} replaces the data being trained on."):
            # loadStarted comes just before the load is queued: cancel once it is.
            QTimer.singleShot(0, self._cancel_load)

    @Slot()
    def _cancel_load(self) -> None:
        self.state.cancel()

    @Slot(str)
    def _on_load_finished(self, _path: str) -> None:
        # Someone who opens a file will likely train: warm the child now (not in headless
        # screenshot runs, which would only pay for a TensorFlow import they never use).
        if getattr(self.window, "interactive", True) or getattr(self.window, "autoplay", False):
            self.controller.ensure_started()

    @Slot()
    def _refresh_exports(self, *_: Any) -> None:
        self.exports.refresh()

    @Slot()
    def shutdown(self) -> None:
        self.exports.shutdown()
        self.training_panel.shutdown()

    # ---- sessions and exports -----------------------------------------------------------------
    def script_inputs(self) -> tuple | None:
        """``(path, load_options, padding, window, spec, config)`` for the script export, or None."""
        snapshot = self.state.snapshot
        if snapshot is None or not snapshot.path:
            return None
        return (snapshot.path, snapshot.load_options, snapshot.padding, snapshot.window, self.model_panel.spec(), self.training_panel._config_with_extras())

    def current_session(self) -> Any:
        from core.session import Session

        snapshot = self.state.snapshot
        result = {k: v for k, v in (self.training_panel.last_result or {}).items() if k not in ("saved_model", "history")}
        return Session(
            file=snapshot.path if snapshot is not None else None,
            load_options=snapshot.load_options if snapshot is not None else LoadOptions(),
            padding=snapshot.padding if snapshot is not None else PaddingOptions(),
            window=snapshot.window if snapshot is not None else None,
            spec=self.model_panel.spec(),
            config=self.training_panel._config_with_extras(),
            history=self.training_panel.history,
            result=result,
            ui={"tab": int(self.window.tabs.currentIndex()) if hasattr(self.window, "tabs") else 0},
        )

    def apply_session(self, session: Any) -> bool:
        """Reopen a session: settings now, the file in the background, model and history once it is shaped."""
        if not self.training_panel.confirm_stop("Opening a session replaces the current exploration."):
            return False
        if session.file and not Path(session.file).is_file():
            located = self.locate_data_file(session.file)
            if located is None:
                return False  # nothing restored: the window stays as it was
            session = replace(session, file=located)
        self.training_panel.set_config(session.config)
        if session.file:
            self._pending_session = session
            self.window.open_path(session.file, session.load_options, session.padding, session.window, wizard=False)
            return True
        self._apply_session_model(session)
        return True

    def ask_to_locate(self, missing: str) -> bool:
        """The *Locate the data file…* question; True when the user wants to look for it."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Open session",
                          f"{Path(missing).name}: the data file of this session is not where it was ({Path(missing).parent}). "
                          "Locate it to reopen the session; nothing is restored otherwise.", parent=self.window)
        locate = box.addButton("Locate the data file…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is locate

    def locate_data_file(self, missing: str) -> str | None:
        """Ask where a session's data file went (*Locate the data file…*); None restores nothing."""
        name = Path(missing).name
        if not getattr(self.window, "interactive", True) or not self.ask_to_locate(missing):
            return None
        start = str(Path(missing).parent) if Path(missing).parent.is_dir() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, f"Locate {name}", str(Path(start) / name), "All files (*)")
        return path or None

    def _apply_session_model(self, session: Any) -> None:
        if session.spec is not None:
            self.model_panel.set_spec(session.spec)
        result = dict(session.result or {})
        if session.model_file and Path(session.model_file).is_file():
            result["saved_model"] = session.model_file  # Export ▸ trained model and Predict work again
        self.training_panel.restore_history(session.history, result or None)
        self.exports.refresh()
        tab = (session.ui or {}).get("tab")
        if isinstance(tab, int) and hasattr(self.window, "show_view"):
            self.window.show_view(tab)


def install_training_workflow(window: Any, controller: tc.TrainingController | None = None) -> TrainingWorkflow:
    """Add the Model and Training tabs, the export/session menu items and the close guard to ``window``.

    Idempotent: a second call returns the workflow already installed (``window.training_workflow``).
    """
    existing = getattr(window, "training_workflow", None)
    if existing is not None:
        return existing
    workflow = TrainingWorkflow(window, controller)
    window.training_workflow = workflow
    return workflow
