"""*Check my model*: the user's own Keras model beside the data, its mismatches in the doctor, and a
*Paste an error…* box. Widgets and wiring only: reading the model, the check and the error
explanation are core's (:mod:`core.usermodel`); nothing of the model is run.

:class:`UserModelController` (``window.user_model``) owns a "Your model" dock with a
:class:`UserModelPanel` (the layer table for this data, the verdict and *Use this architecture*),
re-checks whenever the data or its options change, and fills the doctor's sections: the user's
model, the Model tab's misfits (:meth:`set_builder_problems`) and a pasted error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.doctor_panel import format_shape

MODEL_FILTER = "Keras models and code (*.keras *.h5 *.hdf5 *.json *.py);;All files (*)"


class UserModelPanel(QWidget):
    """The user's model: one row per layer with its output shape and parameters for this data."""

    useArchitecture = Signal(object)  # core.model.spec.ModelSpec
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("userModelTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.title, 1)
        self.use_button = QPushButton("Use this architecture")
        self.use_button.setObjectName("useArchitectureButton")
        self.use_button.clicked.connect(self._use)
        top.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignTop)
        close = QPushButton("Close")
        close.setToolTip("Stop checking this model")
        close.clicked.connect(self.closeRequested)
        top.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("userModelTable")
        self.table.setHorizontalHeaderLabels(["Layer", "Class", "Output shape", "Params", "Note"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

    def set_result(self, result: Any, spec: Any, reasons: list[str]) -> None:
        """Show a ``core.usermodel.CheckResult``; ``spec`` is the builder's copy of it, or None with ``reasons``."""
        model = result.model
        errors = sum(1 for d in result.diagnoses if d.severity == "error")
        verdict = ("<span style='color:#1b7f3b'>✔ fits this data</span>" if result.fits else
                   f"<span style='color:#b3261e'>✘ {errors} problem{'s' if errors != 1 else ''} with this data: see the shape doctor</span>")
        loss = f", loss <code>{model.loss}</code>" if model.loss else ""
        self.title.setText(f"<b>{Path(model.source).name}</b> ({model.format}{loss}) — {verdict}")
        rows = [("input", "InputLayer", format_shape(result.input_shape), "0", "what one batch of this data looks like")]
        for row in result.rows:
            rows.append((row.name, row.class_name, format_shape(row.output_shape) if row.output_shape is not None else "?",
                         f"{row.params:,}" if row.params is not None else "?", row.note))
        total = sum(row.params or 0 for row in result.rows)
        rows.append(("total", "", "", f"{total:,}", "trainable and non-trainable, as model.count_params()"))
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self._spec = spec
        self.use_button.setEnabled(spec is not None)
        self.use_button.setToolTip(
            "Copy this architecture into the Model tab, to train your own design on this data." if spec is not None
            else "Read-only: " + "; ".join(reasons) + ".")

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]

    def _use(self) -> None:
        if self._spec is not None:
            self.useArchitecture.emit(self._spec)


class PasteErrorDialog(QDialog):
    """A box to paste an error text into."""

    def __init__(self, parent: QWidget | None = None, has_data: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste an error")
        layout = QVBoxLayout(self)
        hint = QLabel("Paste the error your code raised (Keras 3, tf.keras 2.x, Keras 1/2 or PyTorch nn.LSTM), traceback "
                      "and all. " + ("It is explained for the data that is open." if has_data else "Open your data first for "
                                     "a fix that fits it."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("errorText")
        self.editor.setPlaceholderText('Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, found ndim=2. ...')
        layout.addWidget(self.editor, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Explain")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def text(self) -> str:
        return self.editor.toPlainText()


class UserModelController(QObject):
    """Checks a user's model file against the window's data and keeps the doctor's sections current."""

    architectureChosen = Signal(object)  # a ModelSpec for the Model tab

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.model: Any = None  # core.usermodel.UserModel
        self.result: Any = None  # core.usermodel.CheckResult
        self.error_result: Any = None
        self._error_text: str | None = None
        self.panel = UserModelPanel()
        self.panel.useArchitecture.connect(self._on_use)
        self.panel.closeRequested.connect(self.clear)
        self.dock = QDockWidget("Your model", window)
        self.dock.setObjectName("userModelDock")
        self.dock.setToolTip("Your own Keras model, read without running it: its layers with the shapes of this data.")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        window.state.changed.connect(self.refresh)
        window.doctor_panel.pasteErrorRequested.connect(self.ask_for_error)

    # ---- model files --------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Check my model", "", MODEL_FILTER)
        if path:
            self.check_path(path)

    def check_path(self, path: str | Path) -> bool:
        """Read the model at ``path`` and check it against the data; False (after saying why) when it cannot be."""
        from core.errors import ShapeExplorerError
        from core.usermodel import read_model

        if self.window.state.snapshot is None:
            self.window.show_error("Open your data first", "Open the data file first, then check your model against it "
                                   "(File ▸ Check my model…, or drop the model file on the window).")
            return False
        try:
            self.model = read_model(path)
        except ShapeExplorerError as error:
            self.window.show_error(f"Could not read {Path(path).name}", str(error))
            return False
        self.refresh()
        if self.dock.isHidden():
            self.dock.show()
            self.window.resizeDocks([self.dock], [max(150, min(210, 60 + 26 * (len(self.result.rows) + 2)))], Qt.Orientation.Vertical)
        fit = getattr(self.window, "_fit_docks_to_content", None)
        if fit is not None:
            fit()
        self.window.statusBar().showMessage(f"Checked {Path(path).name} against the data: "
                                            + ("it fits." if self.result.fits else "see the shape doctor."), 10000)
        return True

    def clear(self) -> None:
        self.model = self.result = None
        self.window.doctor_panel.set_section("model", "", None)
        self.dock.hide()

    @Slot()
    def refresh(self) -> None:
        """Re-check the model (and re-explain a pasted error) for the current data and options."""
        snapshot = self.window.state.snapshot
        if snapshot is None:
            return
        if self.model is not None:
            from core.usermodel import check_model, data_facts
            from core.usermodel.builder import to_builder_spec

            self.result = check_model(self.model, snapshot.dataset, snapshot.padding, snapshot.window, snapshot.diagnoses)
            spec, reasons = to_builder_spec(self.model, data_facts(snapshot.dataset, snapshot.padding, snapshot.window))
            self.panel.set_result(self.result, spec, reasons)
            shown = {(d.code, d.title) for d in snapshot.diagnoses}
            own = [d for d in self.result.diagnoses if (d.code, d.title) not in shown]
            self.window.doctor_panel.set_section("model", f"Your model: {Path(self.model.source).name}", own)
        if self._error_text is not None:
            self.explain(self._error_text)

    # ---- the Model tab and pasted errors ------------------------------------------------------
    def set_builder_problems(self, problems: list[str]) -> None:
        """The Model tab's misfits, shown in the doctor so the two never disagree."""
        from core.doctor import builder_diagnoses

        self.window.doctor_panel.set_section("builder", "The Model tab's model", builder_diagnoses(problems) if problems else None)

    def ask_for_error(self) -> None:
        dialog = PasteErrorDialog(self.window, has_data=self.window.state.snapshot is not None)
        dialog.setObjectName("pasteErrorDialog")
        if not getattr(self.window, "interactive", True):
            self.last_dialog = dialog
            dialog.show()
            dialog.accepted.connect(lambda: self.explain(dialog.text()))
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.explain(dialog.text())

    def explain(self, text: str) -> Any:
        """Explain ``text`` for the current data; the findings go to the doctor's "Your error" section."""
        from core.usermodel import data_facts, explain_error

        snapshot = self.window.state.snapshot
        facts = data_facts(snapshot.dataset, snapshot.padding, snapshot.window) if snapshot is not None else None
        self._error_text = text
        self.error_result = explain_error(text, facts)
        if self.error_result.recognised:
            message = self.error_result.error.message
            title = "Your error: " + (message if len(message) <= 80 else message[:80].rsplit(" ", 1)[0] + " …")
        else:
            title = "Your error: not a shape error Shape Explorer knows"
        self.window.doctor_panel.set_section("error", title, list(self.error_result.diagnoses))
        fit = getattr(self.window, "_fit_docks_to_content", None)
        if fit is not None:
            fit()
        return self.error_result

    @Slot(object)
    def _on_use(self, spec: Any) -> None:
        self.architectureChosen.emit(spec)
        self.window.statusBar().showMessage("Your architecture is in the Model tab.", 8000)
