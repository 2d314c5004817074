"""The Model and Training tabs of a main window, wired to its data, menus and closing.

:func:`install_training_workflow` adds them to a window that offers what :class:`WorkflowHost`
declares (``gui.main_window.MainWindow`` does): the data (``state``), a way to add tabs and show
them, the File and Help menus, the undo tracking of model edits, ``aboutToClose`` and the status
bar. The workflow follows the data into the model builder and the training panel, adds the
export/session items to the File menu and the Start/Pause/Stop shortcuts to the window, and
guards the window's close during a run (:class:`CloseGuard`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMenuBar, QMessageBox, QStatusBar, QWidget

from core.options import LoadOptions, PaddingOptions, WindowOptions
from gui import training_controller as tc
from gui.training_panel import TrainingPanel
from gui.views.hover import StatusReadout

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from gui.tensor_state import TensorState


@runtime_checkable
class WorkflowHost(Protocol):
    """What the training workflow needs from its main window (``gui.main_window.MainWindow``).

    ``isinstance(window, WorkflowHost)`` checks that every member is there (tests do, for MainWindow).
    """

    state: TensorState
    interactive: bool  # False: no dialogs, a run is stopped without asking (screenshots, tests)
    autoplay: bool  # `--autoplay`: the training child is warmed even when not interactive
    file_menu: QMenu
    help_menu: QMenu
    user_model: Any  # Check my model (gui.user_model_panel.UserModelController), or None
    training_workflow: TrainingWorkflow | None
    aboutToClose: SignalInstance

    def add_workflow_tab(self, widget: QWidget, title: str, tooltip: str = "") -> int: ...

    def show_view(self, index: int) -> None: ...

    def current_view(self) -> int: ...

    def track_model_spec(self, panel: Any) -> None: ...

    def open_path(self, path: str, load_options: LoadOptions | None = None, padding: PaddingOptions | None = None,
                  window: WindowOptions | None = None, *, wizard: bool | None = None) -> None: ...

    def menuBar(self) -> QMenuBar: ...  # noqa: N802 (Qt name)

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt name)

    def addAction(self, action: QAction) -> None: ...  # noqa: N802 (Qt name)

    def installEventFilter(self, watched: QObject) -> None: ...  # noqa: N802 (Qt name)


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

    def __init__(self, window: WorkflowHost, controller: tc.TrainingController | None = None) -> None:
        super().__init__(window)  # the host is a QMainWindow, so a QObject parent
        from gui.export_actions import ExportActions
        from gui.model_panel import ModelBuilderPanel

        self.window = window
        self.state = window.state
        self.model_panel = ModelBuilderPanel()
        self.training_panel = TrainingPanel(controller or tc.TrainingController(parent=window))
        self.controller = self.training_panel.controller
        self.training_panel.show_dialogs = bool(window.interactive)
        self.model_tab = window.add_workflow_tab(self.model_panel, "Model", "Build the LSTM/GRU model: shapes and parameters per layer")
        self.training_tab = window.add_workflow_tab(self.training_panel, "Training", "Train the model on this data with live curves")
        self._pending_session: Any = None
        self.exports = ExportActions(self, window)
        self._install_menu()
        self._install_training_actions()
        self.close_guard = CloseGuard(self.training_panel, self, ask=lambda: bool(window.interactive))
        window.installEventFilter(self.close_guard)
        self.model_panel.installEventFilter(self)

        self.state.changed.connect(self._on_data_changed)
        self.state.loadStarted.connect(self._on_load_started)
        self.state.loadFinished.connect(self._on_load_finished)
        self.model_panel.specChanged.connect(self._on_spec_changed)
        self.model_panel.problemsChanged.connect(self._on_spec_problems)
        user_model = window.user_model  # Check my model: its architecture can come here
        if user_model is not None:
            user_model.architectureChosen.connect(self.use_architecture)
        self.model_panel.embeddingsRequested.connect(self._on_embeddings_requested)
        window.track_model_spec(self.model_panel)  # model edits join the window's undo stack
        self._readout = StatusReadout(window.statusBar())  # the curves' and results' values under the pointer
        self.training_panel.curves.valueHovered.connect(self._readout.show)
        self.training_panel.results.valueHovered.connect(self._readout.show)
        self.training_panel.runStarted.connect(self._refresh_exports)
        self.training_panel.runFinished.connect(self._refresh_exports)
        self.training_panel.runFailed.connect(self._refresh_exports)
        window.aboutToClose.connect(self.shutdown)
        if self.state.snapshot is not None:
            self._on_data_changed()

    # ---- wiring -------------------------------------------------------------------------------
    def _install_menu(self) -> None:
        file_menu = self.window.file_menu
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

    def _install_training_actions(self) -> None:
        """Start/Pause/Stop as window actions with shortcuts (listed by Help ▸ Keyboard), in a Training menu."""
        panel = self.training_panel
        menu = QMenu("&Training", self.window.menuBar())
        for action in panel.control_actions:
            self.window.addAction(action)  # the shortcut works from every tab, not only Training
            menu.addAction(action)
        self.window.menuBar().insertMenu(self.window.help_menu.menuAction(), menu)
        self.training_menu = menu

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
        user_model = self.window.user_model
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
        if not self.window.interactive:
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
        if self.window.interactive or self.window.autoplay:
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
            ui={"tab": int(self.window.current_view())},
            runs=tuple(self.training_panel.runs),
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
        if not self.window.interactive or not self.ask_to_locate(missing):
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
        self.training_panel.restore_runs(list(session.runs))
        self.training_panel.restore_history(session.history, result or None)
        self.exports.refresh()
        tab = (session.ui or {}).get("tab")
        if isinstance(tab, int):
            self.window.show_view(tab)


def install_training_workflow(window: WorkflowHost, controller: tc.TrainingController | None = None) -> TrainingWorkflow:
    """Add the Model and Training tabs, the export/session menu items and the close guard to ``window``.

    Idempotent: a second call returns the workflow already installed (``window.training_workflow``).
    """
    existing = window.training_workflow
    if existing is not None:
        return existing
    workflow = TrainingWorkflow(window, controller)
    window.training_workflow = workflow
    return workflow
