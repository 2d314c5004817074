"""The main window: shape bar on top, data views in the centre, the shape doctor on the side.

Wiring only. :class:`~gui.tensor_state.TensorState` owns the data and does the work in the
background; this window opens files (menu, drag-and-drop, recent files, demos, the import
wizard), shows progress with a Cancel button, passes the current tensor to every view, and
reports errors as one plain sentence in a dialog.

The window is assembled from parts, one module each reason to change: the actions, menus,
toolbars and status bar (:mod:`gui.window_menus`), the data views and docks and their wiring
to the data (:mod:`gui.window_views`), opening files and the import wizard
(:mod:`gui.window_files`) and the undoable edits (:mod:`gui.undo`). This module holds what ties
them together: the signals, construction, errors, and saving the layout on close.

For the panels added later (model builder, training): call :meth:`MainWindow.add_workflow_tab`
and follow ``window.state`` (``TensorState.changed``) or ``window.tensorChanged``; connect
``aboutToClose`` to stop and join any worker of your own.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox

from gui.demos import Demo, list_demos
from gui.import_wizard import ImportWizard
from gui.settings import AppSettings
from gui.tensor_state import TensorState
from gui.undo import UndoTracking
from gui.user_model_panel import UserModelController
from gui.window_files import FileHandling
from gui.window_menus import WindowMenus
from gui.window_views import WindowViews


class MainWindow(FileHandling, WindowMenus, WindowViews, UndoTracking, QMainWindow):
    """Shape Explorer's window.

    Signals:
        tensorChanged(): the current data changed (same as ``state.changed``).
        fileLoaded(str): a file finished loading and every view shows it.
        loadFailed(str, str): path and the one-sentence reason (also shown in a dialog).
        errorShown(str, str): title and message of every error shown to the user.
        aboutToClose(): the window is closing; stop and join your workers in a bound slot.

    The parts come before ``QMainWindow`` in the bases, so their Qt event handlers (drag and
    drop in :class:`~gui.window_files.FileHandling`) override Qt's.
    """

    tensorChanged = Signal()
    fileLoaded = Signal(str)
    loadFailed = Signal(str, str)
    errorShown = Signal(str, str)
    aboutToClose = Signal()

    def __init__(self, settings: AppSettings | None = None, *, loader=None, interactive: bool = True,
                 demos: list[Demo] | None = None, use_gl: bool | None = None,
                 budget_bytes: int | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Shape Explorer")
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings()
        self.interactive = interactive
        self.autoplay = False  # set by `shape-explorer --autoplay`; the training panel may honour it
        self._loader = loader
        self._demos = list_demos() if demos is None else list(demos)
        self._loading_demo = False
        self._review_after_load = False
        self._syncing_views = False
        self.current_wizard: ImportWizard | None = None
        self._closed = False
        self._dock_visibility: dict | None = None
        self._sized_docks = False
        # Undo/redo of shaping options, import settings and the model (gui/undo.py); the stack
        # belongs to one file and starts afresh when another file is opened.
        self.undo_stack = QUndoStack(self)
        self._undo_path: str | None = None
        self._keep_undo_on_load = False  # the next load re-reads the same file (undo/redo, re-import)
        self._setting_spec = False  # the model panel is being set (undo/redo, new data), not edited
        self._model_panel = None
        self._last_spec = None
        self.training_workflow = None  # set by gui.training_workflow.install_training_workflow

        self.state = TensorState(self, loader=loader, budget_bytes=budget_bytes)
        self.state.changed.connect(self._on_state_changed)
        self.state.loadStarted.connect(self._on_load_started)
        self.state.loadFinished.connect(self._on_load_finished)
        self.state.loadFailed.connect(self._on_load_failed)
        self.state.loadCancelled.connect(self._on_load_cancelled)
        self.state.shapingFailed.connect(self._on_shaping_failed)
        self.state.busyChanged.connect(self._on_busy_changed)
        self.state.progressChanged.connect(self._on_progress)

        self._build_actions()
        self._build_central(use_gl)
        self._build_docks()
        self.user_model = UserModelController(self)  # File ▸ Check my model…, the "Your model" dock
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._refresh_recent()
        self._restore_layout()
        self._update_actions()

    # ---- dialogs ------------------------------------------------------------------------------------------
    def show_about(self) -> None:
        from gui.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._about = dialog

    def show_error(self, title: str, message: str) -> None:
        """Tell the user what went wrong in one sentence (never a traceback)."""
        self.statusBar().showMessage(message, 15000)
        self.errorShown.emit(title, message)
        if self.interactive:
            from gui.app import breakable

            QMessageBox.critical(self, title, breakable(message))
        else:
            print(f"shape-explorer: {message}", file=sys.stderr)

    # ---- layout persistence and closing ------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._sized_docks and self.settings.window_state() is None:
            # First run: the side panels take about 30% of the width, the views the rest.
            self._sized_docks = True
            self.resizeDocks([self.doctor_dock], [max(300, int(self.width() * 0.29))], Qt.Orientation.Horizontal)

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        # The side panels have nothing to say before data is loaded: hide them on the welcome screen.
        self._dock_visibility = {dock: not dock.isHidden() for dock in (self.doctor_dock, self.details_dock)}
        for dock in self._dock_visibility:
            dock.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self._closed:
            self._show_docks()  # save the user's dock layout, not the welcome screen's
            self.aboutToClose.emit()
            if self.current_wizard is not None:
                self.current_wizard.reject()
            self.state.shutdown()
            self.settings.save_window(self.saveGeometry(), self.saveState())
            self.settings.sync()
            self._closed = True
        super().closeEvent(event)
