"""Train the model on the loaded file and watch it learn: settings, controls, log, progress, results.

The panel builds a :class:`core.training.job.TrainingJob` from the current data (path, load,
padding and window options), the model builder's spec and its own settings, and hands it to
a :class:`~gui.training_controller.TrainingController`, which runs it in the warm training
child. Events arrive on the main thread as plain dicts; curves are redrawn at most
``REDRAW_HZ`` times a second with ``setData`` (downsampled and clipped to the view, so long
runs stay cheap). When a run ends the best epoch is marked on the curves and the results view
shows the metrics and a confusion matrix or a prediction-vs-truth plot. Each run is kept as a
:class:`~core.training.runs.RunRecord` (in sessions too) and drawn faded beside later runs.

The curves themselves are :mod:`gui.training_plots`; the wiring into a main window (tabs, menus,
close guard) is :mod:`gui.training_workflow`; the run list is :mod:`gui.run_list`.

Over 600 lines on purpose: it is one widget whose settings, commands, controller events and
the staged drawing of a finished run change together (each event handler touches the buttons,
progress, log and curves); the curves and the window wiring, which change for other reasons,
live in the modules above.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import TrainingError
from core.model.spec import ModelSpec
from core.training import events
from core.training.config import TrainingConfig
from core.training.job import TrainingJob
from core.training.runs import RunRecord
from gui import training_controller as tc
from gui.export_actions import EXPORT_MODEL_TEXT
from gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from gui.results_view import ResultsView, format_metric
from gui.tensor_state import TrainingInput
from gui.training_plots import CurvePlots, SeriesBuffer, live_metric_name, loss_name
from gui.views.theme import status_style

log = logging.getLogger(__name__)

REDRAW_HZ = 4  # measured: 10 Hz repaints pushed the 10 ms timer's p99 gap to 19-21 ms, 4 Hz gives 17 ms
LOG_LINES = 2000
LEFT_MIN_WIDTH, LEFT_MAX_WIDTH = 250, 420  # pixels: the settings form fits 250; wider only helps the log
FINISH_STEP_MS = 40  # pause between the drawing steps of a finished run (see _on_finished)
STOPPED_WORDS = {"user": "Stopped", "early_stopping": "Stopped early", "nan_loss": "Stopped (NaN loss)", "error": "Failed"}


def format_eta(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TrainingPanel(QWidget):
    """Training settings, Start/Pause/Resume/Stop, progress with ETA, live curves, log and results.

    Feed it the data with :meth:`set_data` (a ``gui.tensor_state.TrainingInput``: ``path``, ``load_options``,
    ``padding``, ``window``, ``shaped`` — a ``gui.tensor_state.Snapshot`` is one) and the model with
    :meth:`set_spec` (connect ``ModelBuilderPanel.specChanged``). Call :meth:`shutdown` (or close
    it) before the application quits.
    """

    runStarted = Signal(int)
    runFinished = Signal(object)  # the result dict
    runFailed = Signal(str)

    def __init__(self, controller: tc.TrainingController | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller or tc.TrainingController(parent=self)
        self._data: TrainingInput | None = None
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
        self._runs: list[RunRecord] = []  # every finished run, oldest first (kept in sessions)
        self._run_number: int | None = None  # of the run being trained or last shown
        self._child_state: str | None = None
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
        self.epochs = LimitedSpinBox("Epochs")
        self.epochs.setRange(1, 100_000)
        self.batch_size = LimitedSpinBox("Batch size")
        self.batch_size.setRange(0, 1_000_000)
        self.batch_size.setSpecialValueText("auto")  # 0: chosen from the data's size (core.training.sizing)
        self.batch_size.setToolTip("auto: 32, or 16 or 8 when there are too few samples for three batches of 32 an epoch.")
        self.learning_rate = LimitedDoubleSpinBox("Learning rate")
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(0.00001, 10.0)
        self.learning_rate.setSingleStep(0.0005)
        self.validation_split = LimitedDoubleSpinBox("Validation split")
        self.validation_split.setRange(0.0, 0.9)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.setDecimals(2)
        self.validation_split.setToolTip("Share of samples held out to measure val_loss (windows of one series: the last ones).")
        self.early_stopping = QCheckBox("when val_loss stalls")
        self.early_stopping.setToolTip("Stop when val_loss has not improved for Patience epochs; the best epoch's weights are kept.")
        self.patience = LimitedSpinBox("Patience")
        self.patience.setRange(-1, 10_000)
        self.patience.setSpecialValueText("auto")  # -1: about 100 gradient steps, at least 8 epochs
        self.patience.setSuffix(" epochs")
        self.patience.setToolTip(
            "Epochs without improvement before stopping; the best epoch's weights are kept. "
            "auto: about 100 gradient steps, at least 8 epochs."
        )
        self.seed = LimitedSpinBox("Seed")
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
        self.start_button.setToolTip("Train the model on the loaded data in a separate process (Ctrl+Return).")
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
        # The same commands as actions with shortcuts; the workflow puts them on the window (so
        # they work from every tab and Help ▸ Keyboard lists them) and in its Training menu.
        self.start_action = self._control_action("&Start training", "Ctrl+Return", self.start_training,
                                                 "Train the model on the loaded data (Ctrl+Return)")
        self.pause_action = self._control_action("&Pause or resume training", "Ctrl+P", self.toggle_pause,
                                                 "Pause the run after the current batch, or resume a paused run (Ctrl+P)")
        self.stop_action = self._control_action("S&top training", "Ctrl+.", self.stop_training,
                                                "Stop after the current batch and keep what was learned so far (Ctrl+.)")
        self.control_actions = (self.start_action, self.pause_action, self.stop_action)
        self.start_button.setText("Start")
        self.pause_button.setToolTip("Pause after the current batch (Ctrl+P)")
        self.resume_button.setToolTip("Resume the paused run (Ctrl+P)")
        self.stop_button.setToolTip("Stop after the current batch and keep what was learned so far (Ctrl+.)")

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

        self.results = ResultsView(separate_summary=True)
        # The log and the results summary share a tab widget under the controls: the log while a
        # run trains, the summary when it ends (one click away from each other). The plots to
        # their right then keep the width a 9-class confusion matrix needs at 1024 × 700.
        self.details = QTabWidget()
        self.details.setDocumentMode(True)
        self.log_tab = self.details.addTab(self.log, "Log")
        self.results_tab = self.details.addTab(self.results.summary_scroll, "Results")
        self.details.setTabToolTip(self.results_tab, "What the last run achieved: metrics beside the baseline, time, samples")
        self.details.setMinimumHeight(130)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(settings)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.readiness)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.status)
        left_layout.addWidget(self.child_status)
        left_layout.addWidget(self.details, 1)
        left.setMinimumWidth(LEFT_MIN_WIDTH)
        left.setMaximumWidth(LEFT_MAX_WIDTH)
        self.left_column = left

        self.curves = CurvePlots()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.curves)
        right.addWidget(self.results)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)
        self.plots_splitter = right

        # The controls and the plots on either side of a splitter: the user can widen either.
        columns = QSplitter(Qt.Orientation.Horizontal)
        columns.addWidget(left)
        columns.addWidget(right)
        columns.setStretchFactor(0, 0)
        columns.setStretchFactor(1, 1)
        columns.setChildrenCollapsible(False)
        self.columns = columns
        self._sized_columns = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(columns)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _control_action(self, text: str, keys: str, slot: Any, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

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

    def set_data(self, data: TrainingInput | None) -> None:
        """The current data (a ``Snapshot``-like object, or None). Results of older data are cleared."""
        previous = self._data
        self._data = data
        if data is None or previous is None or previous.path != data.path:
            if not self.controller.is_busy():
                self._reset_run_display("Results appear here when a run ends.")
                self.curves.reset_ranges()  # not the last file's loss range
                self._run_number = None
                self._show_runs()  # the runs of this file only
        self._refresh_blocker()

    @Slot(object)
    def set_spec(self, spec: ModelSpec | None) -> None:
        self._spec = spec
        if spec is not None and not self.controller.is_busy():
            self.curves.set_loss_name(loss_name(spec))
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

        shaped = self._data.shaped if self._data is not None else None
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

    @property
    def runs(self) -> list[RunRecord]:
        """Every finished run so far, oldest first (their settings, history and result)."""
        return list(self._runs)

    def restore_runs(self, runs: list[RunRecord]) -> None:
        """A session's runs: listed, and drawn faded beside the last one (which :meth:`restore_history` shows)."""
        self._runs = sorted(runs, key=lambda run: run.number)
        self._run_number = self._runs[-1].number if self._runs else None
        self._show_runs()

    def _show_runs(self) -> None:
        """Earlier runs of the current file faded on the plots, and the run list."""
        path = self._data.path if self._data is not None else None
        same_file = [run for run in self._runs if not path or not run.file or run.file == str(path)]
        self.curves.set_runs(same_file, self._run_number)

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
            self.details.setCurrentIndex(self.results_tab)

    # ---- commands -----------------------------------------------------------------------------
    def can_start(self) -> bool:
        return (
            self._data is not None
            and self._data.path
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
            load_options=data.load_options,
            padding=data.padding,
            window=data.window,
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
        except TrainingError as exc:  # a plain sentence
            self._show_error(str(exc))
            return None
        job = self.build_job()
        run_id = self.controller.start(job)
        if run_id is None:
            return None
        self._run_job = job
        self._run_number = max((run.number for run in self._runs), default=0) + 1
        self._pending_result = None  # a previous run's last drawing steps are dropped
        metric_name = live_metric_name(self._spec)
        self._reset_run_display("Training…", metric_name)
        self.details.setCurrentIndex(self.log_tab)
        self.curves.set_loss_name(loss_name(self._spec))
        self.curves.begin_run(config.epochs, metric_name)
        self._show_runs()  # every kept run is now an earlier one
        self._progress = (0, 0, 0, config.epochs, 0.0)
        self.progress.setFormat("Waiting for TensorFlow…" if self.controller.child_state != tc.CHILD_READY else "Preparing the data…")
        self._append_log(f"Run {self._run_number}: {Path(job.path).name}, {config.epochs} epochs, batch size {config.batch_size or 'auto'}, learning rate {config.learning_rate:g}.")
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

    @Slot()
    def toggle_pause(self) -> None:
        """Ctrl+P: pause a running run, resume a paused one."""
        if self.controller.state == tc.RUNNING:
            self.controller_pause()
        elif self.controller.state == tc.PAUSED:
            self.controller_resume()

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
        if not self._sized_columns and self.width() > 0:
            # The controls take what the form needs (more in a wide window, for the log); the
            # curves and the confusion matrix get the rest.
            self._sized_columns = True
            left = int(min(LEFT_MAX_WIDTH - 60, max(LEFT_MIN_WIDTH + 20, 0.25 * self.width())))
            self.columns.setSizes([left, max(1, self.width() - left)])

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
        self._child_state = state
        self._show_child_state()
        if message:
            self._append_log(message)
        if state == tc.CHILD_FAILED and message:
            self._show_error(message)
        self._update_buttons()

    def _show_child_state(self) -> None:
        """What the training child is doing, in words; never "ready" while it trains."""
        state = getattr(self, "_child_state", None)
        if state is None:
            return
        if state == tc.CHILD_READY and self.controller.is_busy():
            text = "Trainer: paused." if self.controller.state == tc.PAUSED else "Trainer: training."
        else:
            text = {
                tc.CHILD_STARTING: "Trainer: starting TensorFlow in the background…",
                tc.CHILD_READY: "Trainer: ready.",
                tc.CHILD_CRASHED: "Trainer: crashed — restarting it.",
                tc.CHILD_FAILED: "Trainer: unavailable.",
                tc.CHILD_CLOSED: "Trainer: closed.",
            }.get(state, state)
        if self.child_status.text() != text:
            self.child_status.setText(text)

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
        loss = scores.get("loss")  # and its validation loss on the loss plot
        self.curves.set_loss_baseline(float(loss) if isinstance(loss, (int, float)) else None,
                                      f"{(baseline or {}).get('name', 'baseline')} {format_metric(loss)}" if loss is not None else "")
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
        for values in self._history.values():
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
        self._keep_run(result)
        reason = result.get("stop_reason") or "completed"
        message = str(result.get("message") or "Training finished.")
        self.status.setText(message)
        self._append_log(message)
        if result.get("saved_model"):
            self._append_log(f"The trained model is ready to export (File ▸ Export ▸ {EXPORT_MODEL_TEXT.replace('&', '')}).")
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

    def _keep_run(self, result: dict[str, Any]) -> None:
        """Keep the run that ended (with at least one epoch) to compare with later runs."""
        if self._run_job is None or self._run_number is None or not self._epoch_x:
            return
        if any(run.number == self._run_number for run in self._runs):
            return
        batch = self._info.get("batch_size")
        self._runs.append(RunRecord.from_run(self._run_number, self._run_job, self._history, result,
                                             batch_size=int(batch) if isinstance(batch, (int, float)) else None))
        self._show_runs()

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
            self.details.setCurrentIndex(self.results_tab)
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
                c.metric_curve.setData(x, metrics[0])
                c.val_metric.setData(x, metrics[1])
                baseline = () if c.baseline_value is None else (np.array([c.baseline_value]),)
                c.follow_y(c.metric_plot, *metrics, *baseline)
        if batches or epochs:
            last_x = max(float(self._batch_loss.x[-1]) if len(self._batch_loss) else 0.0, float(x[-1]) if x.size else 0.0)
            c.follow_x(last_x)
            loss_baseline = () if c.loss_baseline_value is None else (np.array([c.loss_baseline_value]),)
            c.follow_y(c.loss_plot, self._batch_loss.y, *losses, *loss_baseline)
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
        self.start_action.setEnabled(self.start_button.isEnabled())
        self.pause_action.setEnabled(state in (tc.RUNNING, tc.PAUSED))
        self.stop_action.setEnabled(self.stop_button.isEnabled())
        self._show_child_state()
        for widget in self._setting_widgets:
            widget.setEnabled(not busy)
        if not busy:
            self.patience.setEnabled(self.early_stopping.isChecked())
        if self._data is None or not self._data.path:
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
        self.start_button.setToolTip(reason or "Train the model on the loaded data in a separate process (Ctrl+Return).")

    def _append_log(self, message: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        for line in str(message).rstrip().splitlines() or [""]:
            self.log.appendPlainText(f"{stamp}  {line}")

    def _show_error(self, message: str) -> None:
        if self._closing or not self.show_dialogs:
            return
        QMessageBox.warning(self, "Training", message)
