"""Export what ran, and save or reopen the whole exploration.

Four exports — the runnable Keras script (``core.export.script.render_script``), the trained
model (the training child saved it to a temporary ``.keras`` file with its recipe beside it;
both are copied onto the chosen name atomically), the plots as PNG (pyqtgraph's exporter writing into
``core.atomic`` temporary paths) — and sessions (``core.session``). The file-writing parts
are plain functions so they can be tested without dialogs; :class:`ExportActions` adds the
menu actions and the dialogs.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.atomic import atomic_path, write_text_atomic
from core.errors import SessionError, ShapeExplorerError
from core.recipe import load_recipe, recipe_path, save_recipe
from core.session import SESSION_SUFFIX, Session, load_session, save_session, save_session_model

log = logging.getLogger(__name__)

EXPORT_MODEL_TEXT = "Export trained &model…"  # the menu item, also named by the training log
PLOT_SIZES = ((1600, 1000), (1200, 800), (2400, 1500), (800, 500))  # Export ▸ plots offers these, the first by default


# ---- plain functions -------------------------------------------------------------------------------
def write_script(target: str | os.PathLike[str], path: str, load_options: Any, padding: Any, window: Any, spec: Any, config: Any) -> Path:
    """Render the reproducing script for this data, model and config and save it atomically."""
    text = script_text(path, load_options, padding, window, spec, config)
    target = Path(target)
    write_text_atomic(target, text)
    return target


def script_text(path: str, load_options: Any, padding: Any, window: Any, spec: Any, config: Any) -> str:
    """The reproducing script's text; a file it cannot read correctly raises ``ExportError`` (one sentence)."""
    from core.export.script import render_script

    return render_script(path, load_options, padding, window, spec, config)


def move_model(source: str | os.PathLike[str], target: str | os.PathLike[str], *, keep_source: bool = True) -> Path:
    """Put the trained ``.keras`` file at ``target`` atomically (the old target survives a failure).

    The copy goes to a temporary file beside the target and is then renamed, so a crash never
    leaves half a model. ``keep_source`` leaves the run's file in place, so the same model can
    be exported twice.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise ShapeExplorerError(f"{source.name}: the trained model file is gone; train again to export a model.")
    if target.suffix.lower() != ".keras":
        target = target.with_suffix(".keras")
    recipe = load_recipe(source) if recipe_path(source).is_file() else None
    with atomic_path(target, suffix=".keras") as tmp:
        if keep_source:
            shutil.copyfile(source, tmp)
        else:
            os.replace(source, tmp) if _same_device(source, tmp) else shutil.move(str(source), str(tmp))
    if recipe is not None:  # the recipe travels with the model: predict reads it beside the .keras
        save_recipe(recipe, target)
    return target


def export_plot_png(plot: Any, target: str | os.PathLike[str], width: int | None = None) -> Path:
    """Save a pyqtgraph plot (PlotWidget or PlotItem) as PNG through a temporary file, at its size on screen
    (or ``width`` pixels wide, scaled). The training plots use :func:`save_pixmap_png` at a chosen size."""
    from pyqtgraph.exporters import ImageExporter

    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
    exporter = ImageExporter(item)
    if width:
        exporter.parameters()["width"] = int(width)
    target = Path(target)
    with atomic_path(target, suffix=".png") as tmp:
        exporter.export(str(tmp))
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise OSError(f"the PNG exporter wrote nothing to {tmp.name}")
    return target


def save_pixmap_png(pixmap: Any, target: str | os.PathLike[str]) -> Path:
    """Save a ``QPixmap`` as PNG through a temporary file (the old file survives a failure)."""
    target = Path(target)
    with atomic_path(target, suffix=".png") as tmp:
        if not pixmap.save(str(tmp), "PNG") or not tmp.exists() or tmp.stat().st_size == 0:
            raise OSError(f"the PNG could not be written to {tmp.name}")
    return target


def export_training_plots(panel: Any, target: str | os.PathLike[str], size: tuple[int, int] = PLOT_SIZES[0]) -> list[Path]:
    """The loss curves at ``target``; the metric curves and result plot beside it with suffixes.

    The curves are drawn at ``size`` pixels (legend below the data, earlier runs and baselines
    included), whatever their size on screen; the results plot at its size on screen.
    """
    target = Path(target)
    if target.suffix.lower() != ".png":
        target = target.with_suffix(".png")
    curves = panel.curves
    written = [save_pixmap_png(curves.render_plot(curves.loss_plot, size), target)]
    if curves.metric_name and not curves.metric_plot.isHidden():
        written.append(save_pixmap_png(curves.render_plot(curves.metric_plot, size),
                                       target.with_name(f"{target.stem}-{curves.metric_name}.png")))
    results = panel.results
    if results.kind is not None:
        name = "confusion-matrix" if results.kind == "confusion" else "predictions"
        written.append(export_plot_png(results.plot, target.with_name(f"{target.stem}-{name}.png")))
    return written


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.parent.stat().st_dev
    except OSError:
        return False


# ---- menu actions ----------------------------------------------------------------------------------
class ExportActions(QObject):
    """File-menu actions for a :class:`~gui.training_workflow.TrainingWorkflow`.

    ``workflow`` provides ``current_session() -> Session``, ``apply_session(session)``,
    ``script_inputs() -> tuple | None`` and the ``training_panel``.
    """

    def __init__(self, workflow: Any, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.workflow = workflow
        self.parent_widget = parent_widget
        self._saved_to: str | None = None  # the folder of the last save; until then the data file's folder
        self._session_path: str | None = None  # where Ctrl+S saves again without asking
        self._session_data: str | None = None  # the data file that session is about
        self.export_script_action = self._action("Export training &script…", self.export_script, "A runnable Python script with this shaping, model and fit call")
        self.export_model_action = self._action(EXPORT_MODEL_TEXT, self.export_model, "The model of the last run as a .keras file")
        self.export_plots_action = self._action("Export &plots as PNG…", self.export_plots, "The training curves and the results plot as PNG images")
        self.save_session_action = self._action("&Save session…", self.save_session, "File, layout, shaping, model, training settings and history as JSON")
        self.save_session_action.setShortcut("Ctrl+S")
        self.open_session_action = self._action("Open sess&ion…", self.open_session, "Reopen a saved exploration")
        self.predict_action = self._action("Pre&dict on a file…", self.predict_on_file, "The trained model's predictions on another file laid out like this one")
        self.plot_size: tuple[int, int] = PLOT_SIZES[0]  # of exported plot pictures; Export ▸ plots asks
        self.predictions_dialog: Any = None
        self._predict_runner: Any = None
        self.refresh()

    def _action(self, text: str, slot: Any, tip: str) -> QAction:
        action = QAction(text, self.parent_widget)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.open_session_action, self.save_session_action, self.export_script_action, self.export_model_action, self.export_plots_action]

    def refresh(self) -> None:
        """Enable what makes sense now (called when data, spec or a run change)."""
        panel = self.workflow.training_panel
        inputs = self.workflow.script_inputs()
        has_data = inputs is not None
        data_file = inputs[0] if inputs else None
        if self._session_data is not None and data_file != self._session_data:
            self._session_path = None  # another file: Ctrl+S must not overwrite the other file's session
        self._session_data = data_file
        result = panel.last_result or {}
        self.export_script_action.setEnabled(has_data)
        self.save_session_action.setEnabled(has_data)
        self.export_model_action.setEnabled(bool(result.get("saved_model")) and not panel.is_training())
        self.export_plots_action.setEnabled(bool(panel.history))
        predicting = self._predict_runner is not None and self._predict_runner.is_busy
        self.predict_action.setEnabled(not panel.is_training() and not predicting)

    # ---- dialogs ------------------------------------------------------------------------------
    @property
    def last_directory(self) -> str:
        """Where save dialogs start: the last folder saved to, else the data file's folder (as Open does)."""
        if self._saved_to:
            return self._saved_to
        inputs = self.workflow.script_inputs()
        if inputs and inputs[0] and Path(inputs[0]).parent.is_dir():
            return str(Path(inputs[0]).resolve().parent)
        return str(Path.home())

    def _save_name(self, title: str, suggested: str, filter_text: str) -> str | None:
        start = str(Path(self.last_directory) / suggested)
        name, _ = QFileDialog.getSaveFileName(self.parent_widget, title, start, filter_text)
        if name:
            self._saved_to = str(Path(name).parent)
        return name or None

    def _error(self, title: str, message: str) -> None:
        QMessageBox.warning(self.parent_widget, title, message)

    def _done(self, message: str) -> None:
        """Say in the status bar what was saved where, so a save is never silent."""
        status = getattr(self.parent_widget, "statusBar", None)
        if callable(status):
            status().showMessage(message, 10000)

    def _stem(self) -> str:
        inputs = self.workflow.script_inputs()
        return Path(inputs[0]).stem if inputs else "shape-explorer"

    @Slot()
    def export_script(self) -> Path | None:
        inputs = self.workflow.script_inputs()
        if inputs is None:
            return None
        try:  # before asking for a name: a file the script cannot read is refused in one sentence
            text = script_text(*inputs)
        except ShapeExplorerError as exc:
            self._error("Export training script", str(exc))
            return None
        name = self._save_name("Export training script", f"train_{self._stem()}.py", "Python script (*.py)")
        if not name:
            return None
        try:
            write_text_atomic(Path(name), text)
        except OSError as exc:
            self._error("Export training script", f"{Path(name).name}: the script could not be written ({exc}).")
            return None
        self._done(f"Saved the training script to {name}.")
        return Path(name)

    @Slot()
    def export_model(self) -> Path | None:
        result = self.workflow.training_panel.last_result or {}
        source = result.get("saved_model")
        if not source:
            self._error("Export trained model", "There is no trained model yet: train one in the Training tab first.")
            return None
        name = self._save_name("Export trained model", f"{self._stem()}.keras", "Keras model (*.keras)")
        if not name:
            return None
        try:
            saved = move_model(source, name)
            self._done(f"Saved the trained model to {name}.")
            return saved
        except (ShapeExplorerError, OSError) as exc:
            self._error("Export trained model", f"{Path(name).name}: the model could not be saved ({exc}).")
            return None

    @Slot()
    def export_plots(self) -> list[Path]:
        name = self._save_name("Export plots", f"{self._stem()}-loss.png", "PNG image (*.png)")
        if not name:
            return []
        size = self.choose_plot_size()
        if size is None:
            return []
        try:
            written = export_training_plots(self.workflow.training_panel, name, size)
            self._done(f"Saved {len(written)} plot{'s' if len(written) != 1 else ''} beside {name}.")
            return written
        except (OSError, ShapeExplorerError) as exc:
            self._error("Export plots", f"{Path(name).name}: the plots could not be saved ({exc}).")
            return []

    def choose_plot_size(self) -> tuple[int, int] | None:
        """Ask what size the plot pictures should be (the last choice first); None: cancelled."""
        from PySide6.QtWidgets import QInputDialog

        choices = [self.plot_size] + [size for size in PLOT_SIZES if size != self.plot_size]
        words = [f"{w} × {h} pixels" for w, h in choices]
        picked, ok = QInputDialog.getItem(self.parent_widget, "Export plots", "Size of each picture:", words, 0, False)
        if not ok:
            return None
        self.plot_size = choices[words.index(picked)] if picked in words else choices[0]
        return self.plot_size

    @Slot()
    def save_session(self) -> Path | None:
        """Save the session; after the first save (or open) of a session, Ctrl+S saves to the same file."""
        name = self._session_path or self._save_name(
            "Save session", f"{self._stem()}{SESSION_SUFFIX}", f"Shape Explorer session (*{SESSION_SUFFIX} *.json)")
        if not name:
            return None
        try:
            session = self.workflow.current_session()
            source = (self.workflow.training_panel.last_result or {}).get("saved_model")
            if source and recipe_path(source).is_file():
                # The model first, then the session that refers to it: never a session pointing at nothing.
                recipe = load_recipe(source)
                model = save_session_model(name, source, recipe)
                session = replace(session, recipe=recipe, model_file=str(model))
            save_session(name, session)
        except (SessionError, ShapeExplorerError) as exc:
            self._error("Save session", str(exc))
            return None
        self._session_path = name
        self._done(f"Saved the session to {name}.")
        return Path(name)

    @Slot()
    def open_session(self) -> Session | None:
        name, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open session", self.last_directory, f"Shape Explorer session (*{SESSION_SUFFIX} *.json);;All files (*)")
        if not name:
            return None
        return self.open_session_path(name)

    def open_session_path(self, path: str | os.PathLike[str]) -> Session | None:
        """Read and apply a session; a bad file gets a dialog saying what is wrong with it."""
        try:
            session = load_session(path)
        except SessionError as exc:
            self._error("Open session", str(exc))
            return None
        if not self.workflow.apply_session(session):
            return None
        self._session_path = str(path)
        return session

    # ---- predict on a file ----------------------------------------------------------------------
    def trained_model(self) -> str | None:
        """The model of the last run (or of the reopened session), when its file is still there."""
        source = (self.workflow.training_panel.last_result or {}).get("saved_model")
        return str(source) if source and Path(source).is_file() else None

    @Slot()
    def predict_on_file(self) -> bool:
        """Ask for a file (and a model when none was trained) and predict on it in the background."""
        model = self.trained_model()
        if model is None:
            model, _ = QFileDialog.getOpenFileName(self.parent_widget, "Predict: choose a trained model", self.last_directory, "Keras model (*.keras)")
            if not model:
                return False
        inputs = self.workflow.script_inputs()
        start = str(Path(inputs[0]).parent) if inputs else self.last_directory
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Predict on a file", start, "All files (*)")
        if not path:
            return False
        return self.predict_paths(model, path)

    def predict_paths(self, model: str, path: str) -> bool:
        """Predict with ``model`` on ``path`` off the main thread; the table opens when it is done."""
        from core.predict import predict_in_subprocess
        from gui.workers import BackgroundRunner

        if self._predict_runner is None:
            self._predict_runner = BackgroundRunner(self, name="predict")
            self._predict_runner.succeeded.connect(self._on_predicted)
            self._predict_runner.failed.connect(self._on_predict_failed)
            self._predict_runner.busyChanged.connect(lambda _busy: self.refresh())
        status = getattr(self.parent_widget, "statusBar", None)
        if callable(status):
            status().showMessage(f"Predicting on {Path(path).name} with {Path(model).name}…")
        self._predict_runner.submit(lambda _progress, cancelled: predict_in_subprocess(model, path, cancelled=cancelled))
        return True

    @Slot(object)
    def _on_predicted(self, result: Any) -> None:
        if result is None:
            return
        from gui.predict_dialog import PredictionsDialog

        status = getattr(self.parent_widget, "statusBar", None)
        if callable(status):
            status().showMessage(f"{len(result.predictions)} predictions on {Path(result.file).name}", 8000)
        self.predictions_dialog = PredictionsDialog(result, self.parent_widget)
        self.predictions_dialog.show()

    @Slot(object)
    def _on_predict_failed(self, failure: Any) -> None:
        error = getattr(failure, "error", failure)
        if isinstance(error, ShapeExplorerError):
            message = str(error)
        else:
            log.error("Predicting failed:\n%s", getattr(failure, "traceback_text", ""))
            message = "Predicting failed unexpectedly; the details are in the log file."
        self._error("Predict on a file", message)

    def shutdown(self) -> None:
        if self._predict_runner is not None:
            self._predict_runner.shutdown()
