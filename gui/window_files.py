"""The main window's files: opening (dialog, drag-and-drop, recent files, demos), the import
wizard, and what the window does when a load starts, ends, fails or is cancelled.

:class:`FileHandling` is a part of :class:`gui.main_window.MainWindow` (a mixin). A file goes
through the import wizard when its format involves guesses (:data:`WIZARD_FORMATS`), else
straight to ``self.state``; a model file is checked against the data instead, a saved shape
error is explained in the doctor. A table that cannot be read opens in the wizard, never in a
dead end.

It uses from the window: ``state``, ``settings``, ``interactive``, ``user_model``, ``_loader``,
``_demos``, ``shape_bar``, the status bar's ``progress_bar`` and ``cancel_button``,
``show_error``, ``_show_docks``, ``_refresh_recent``, ``_fit_docks_to_content``, the undo
tracking (``undo_stack``, ``_undo_path``, ``_push_change``, ``_apply_import``) and the
``fileLoaded`` / ``loadFailed`` signals; it keeps ``current_wizard``, ``_loading_demo``,
``_review_after_load`` and ``_keep_undo_on_load`` up to date.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from core.loaders import formats
from core.options import LoadOptions, PaddingOptions, WindowOptions
from gui.demos import find_demo
from gui.import_wizard import WIZARD_FORMATS, ImportWizard, uncertain_guesses
from gui.window_terms import in_window_terms

FILE_FILTER = formats.dialog_filter()


class FileHandling:
    """Opening files into the main window, and the window's side of a load."""

    def open_file_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "Open sequence data", self.settings.last_directory(), FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, load_options: LoadOptions | None = None,
                  padding: PaddingOptions | None = None, window: WindowOptions | None = None,
                  *, wizard: bool | None = None) -> None:
        """Open ``path``: through the import wizard when its format involves guesses, else directly.

        ``wizard=None`` decides: the wizard appears for CSV/JSON/text files opened without
        explicit options; other formats load directly and the wizard follows only when the
        loader was unsure. ``wizard=False`` always loads directly (command line, demos).
        """
        text = str(Path(path).expanduser())
        from core.usermodel import error_text_in, is_model_file

        if load_options is None and is_model_file(text):  # a Keras model: checked against the data, not read as data
            self.user_model.check_path(text)
            return
        error_text = error_text_in(text) if load_options is None else None
        if error_text is not None:  # a saved shape error: explained in the doctor, not read as sentences
            self.user_model.explain(error_text)
            self._show_docks()
            self.statusBar().showMessage(f"{Path(text).name} holds a shape error: the shape doctor explains it.", 10000)
            return
        self._loading_demo = False
        if wizard is None:
            wizard = self.interactive and load_options is None and self._format_needs_wizard(text)
            self._review_after_load = self.interactive and load_options is None and not wizard
        else:
            self._review_after_load = False
        if wizard:
            self.show_import_wizard(text, load_options, window)
        else:
            self.state.open(text, load_options, padding, window)

    def open_demo(self, name: str) -> bool:
        """Load the bundled demo ``name`` with its options (no wizard). False if there is no such demo."""
        demo = find_demo(name, demos=self._demos or None)
        if demo is None:
            self.show_error("No such demo", f"There is no bundled demo called '{name}'. "
                            f"Pick one from File ▸ Demos.")
            return False
        self.open_path(demo.path, demo.load_options, None, demo.window_options, wizard=False)
        self._loading_demo = True
        self.statusBar().showMessage(f"Opening the demo '{demo.title}'…")
        return True

    def show_import_wizard(self, path: str, load_options: LoadOptions | None = None,
                           window: WindowOptions | None = None, dataset=None) -> ImportWizard:
        """Show the (non-blocking) import wizard for ``path``; it opens the file when accepted."""
        if self.current_wizard is not None:
            self.current_wizard.reject()
        wizard = ImportWizard(path, load_options, window, dataset, self, loader=self._loader)
        wizard.finished.connect(self._on_wizard_finished)
        self.current_wizard = wizard
        self.statusBar().showMessage(f"Check how {Path(path).name} is read, then press Open.")
        wizard.open()
        return wizard

    def reopen_with_wizard(self) -> None:
        """Re-read the current file with different settings, starting from the current ones."""
        snapshot = self.state.snapshot
        if snapshot is None or not snapshot.path:
            self.open_file_dialog()
            return
        self.show_import_wizard(snapshot.path, snapshot.load_options, snapshot.window)

    def cancel_loading(self) -> None:
        if self.state.is_busy:
            self.state.cancel()
            self.statusBar().showMessage("Cancelling…")

    def _format_needs_wizard(self, path: str) -> bool:
        from core.errors import ShapeExplorerError
        from core.loaders import detect_format

        try:
            return detect_format(path) in WIZARD_FORMATS
        except ShapeExplorerError:
            return False  # loading reports the problem in the usual way
        except OSError:
            return False

    @Slot(int)
    def _on_wizard_finished(self, result: int) -> None:
        wizard = self.sender()
        if not isinstance(wizard, ImportWizard):
            wizard = self.current_wizard
        if wizard is None:
            return
        if wizard is self.current_wizard:
            self.current_wizard = None
        if result == ImportWizard.DialogCode.Accepted:
            options = wizard.load_options()
            window = wizard.window_options()
            dataset = wizard.loaded_dataset()
            self._review_after_load = False
            snapshot = self.state.snapshot
            if snapshot is not None and snapshot.path == wizard.path:  # the same file read another way
                self._push_change("Change the import settings", self._apply_import,
                                  (snapshot.path, snapshot.load_options, snapshot.window),
                                  (wizard.path, options, window), applied=True)
                self._keep_undo_on_load = True
            if dataset is not None:
                self.state.set_dataset(dataset, options, None, window)
            else:
                self.state.open(wizard.path, options, None, window)
        else:
            snapshot = self.state.snapshot
            name = Path(wizard.path).name
            if snapshot is not None and snapshot.path == wizard.path:  # a review or re-import of the open file
                self.statusBar().showMessage(f"Kept {name} as it was read.", 5000)
            else:
                self.statusBar().showMessage(f"Did not open {name}.", 5000)
        wizard.deleteLater()

    def _open_recent_path(self, path: str) -> None:
        if not Path(path).is_file():
            self.show_error("File not found", f"{Path(path).name} is no longer at {Path(path).parent}; "
                            "it was removed from the recent files.")
            self._refresh_recent()
            return
        self.open_path(path)

    # ---- drag and drop ----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        path = self._dropped_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_path(path)  # a model file is checked against the data instead (see open_path)

    @staticmethod
    def _dropped_file(mime) -> str | None:
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if isinstance(url, QUrl) and url.isLocalFile():
                return url.toLocalFile()
        return None

    # ---- a load's start and end ---------------------------------------------------------------------------
    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        self.statusBar().showMessage(f"Reading {Path(path).name}…")

    @Slot(str)
    def _on_load_finished(self, path: str) -> None:
        if not self._keep_undo_on_load and path != self._undo_path:
            self.undo_stack.clear()  # undo belongs to one file
        self._undo_path, self._keep_undo_on_load = path, False
        snapshot = self.state.snapshot
        if path and Path(path).is_file() and not self._loading_demo:
            self.settings.add_recent_file(path)
            self._refresh_recent()
        self._loading_demo = False
        if snapshot is not None:
            self.statusBar().showMessage(f"Opened {Path(path).name}: {self.shape_bar.text()}", 10000)
            if self._review_after_load and snapshot.path:
                unsure = uncertain_guesses(snapshot.dataset)
                if unsure:
                    self.show_import_wizard(snapshot.path, snapshot.load_options, snapshot.window, snapshot.dataset)
                    self.statusBar().showMessage(f"Please check: {unsure[0].what} was guessed ({unsure[0].why}).")
        self._review_after_load = False
        self._fit_docks_to_content()
        self.fileLoaded.emit(path)

    @Slot(str, str)
    def _on_load_failed(self, path: str, message: str) -> None:
        self._keep_undo_on_load = False
        self.progress_bar.setVisible(False)  # not left at 0% behind the error dialog
        self.cancel_button.setVisible(False)
        self._loading_demo = False
        self._review_after_load = False
        self.loadFailed.emit(path, message)
        message = in_window_terms(message)
        if self.interactive and path and Path(path).is_file() and self._format_needs_wizard(path):
            # No dead end: a table that could not be read opens in the import window, which keeps
            # its columns on screen and says what to change there.
            self.statusBar().showMessage(message, 15000)
            self.show_import_wizard(path)
            return
        self.show_error(f"Could not open {Path(path).name}" if path else "Could not open the file", message)

    @Slot(str)
    def _on_load_cancelled(self, path: str) -> None:
        self.statusBar().showMessage(f"Stopped reading {Path(path).name}.", 8000)

    @Slot(str)
    def _on_shaping_failed(self, message: str) -> None:
        self.show_error("Cannot shape the data that way", message)
