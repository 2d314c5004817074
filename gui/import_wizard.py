"""The import dialog: what was detected and why, every guess editable, and the resulting shape live.

The user sees the format, layout, delimiter, header, id/time/label/feature columns,
channels-first transpose and (for a single series) the window options, each with the
loader's reason for its guess. Any change re-reads the file on a background thread
(debounced) and updates the preview table — the first steps as the loader understood them —
and the tensor shape ``(N, T, F) → input_shape=(T, F)``. Nothing is parsed here: ``core``
reads the file, this dialog only shows what it found.

The dialog is assembled from its parts, one module each: the form of read options on the left
(:mod:`gui.import_form`), the preview on the right and the background read behind it
(:mod:`gui.import_preview`) and the column table (:mod:`gui.column_roles`). This module holds
the dialog itself: construction, the debounced re-read, what a read's result does to the parts,
and what the window asks of it once it is accepted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from core.dataset import Guess, SequenceDataset
from core.loaders.table_preview import TABLE_FORMATS, RawTable
from core.options import LoadOptions, WindowOptions
from gui.column_roles import ColumnRolesMixin
from gui.import_form import ImportForm
from gui.import_preview import FailedPreview, ImportPreview, Preview, PreviewTask
from gui.tensor_state import default_window
from gui.window_terms import in_window_terms
from gui.workers import BackgroundRunner, TaskFailure

#: Formats whose reading involves guesses worth showing before loading.
WIZARD_FORMATS = frozenset({"csv", "json", "jsonl", "text"}) | TABLE_FORMATS
_DEBOUNCE_MS = 200


def uncertain_guesses(dataset: SequenceDataset) -> list[Guess]:
    """Guesses a person should confirm even for formats that usually need no wizard.

    Any channels-first decision (the loader only reports one when the axes could be read either
    way), or a layout decision for an array (e.g. a 2-D array read as one series) is worth a look.
    """
    found = []
    for guess in dataset.source.guesses:
        if guess.option == "channels_first":
            found.append(guess)
        elif guess.option == "layout" and dataset.source.format in ("npy", "npz"):
            found.append(guess)
    return found


class ImportWizard(ImportForm, ImportPreview, ColumnRolesMixin, QDialog):
    """Check and adjust how a file is read before it is opened.

    Use :meth:`load_options`, :meth:`window_options` and :meth:`loaded_dataset` after it is
    accepted. ``previewUpdated`` is emitted after every background read (ok or not).
    """

    previewUpdated = Signal()

    def __init__(self, path: str | Path, options: LoadOptions | None = None, window: WindowOptions | None = None,
                 dataset: SequenceDataset | None = None, parent: QWidget | None = None, *, loader=None) -> None:
        super().__init__(parent)
        self.path = str(path)
        self._loader = loader
        self._preview: Preview | None = None
        self._error: str | None = None
        self._columns: list[str] = []
        self._raw: RawTable | None = None
        self._last_features: tuple[str, ...] = ()
        self._detected_roles: dict[str, str] = {}
        self._features_explicit = options is not None and options.feature_cols is not None
        self._updating = False
        self.setWindowTitle(f"Open {Path(self.path).name}")
        self.setObjectName("importWizard")
        self.resize(1100, 700)
        self.setSizeGripEnabled(True)

        self._runner = BackgroundRunner(self, name="import-preview")
        self._runner.succeeded.connect(self._on_preview)
        self._runner.failed.connect(self._on_preview_failed)
        self._runner.busyChanged.connect(self._on_busy)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh_preview)

        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{Path(self.path).name}</b> — check how Shape Explorer reads it. Every choice marked "
                       f"<i>Auto</i> was detected; the reason is shown under it. Change anything and the preview "
                       f"and the tensor shape update.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_options())
        splitter.addWidget(self._build_result())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 670])
        layout.addWidget(splitter, 1)

        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self._buttons.button(QDialogButtonBox.StandardButton.Open).setToolTip(
            "Open the file with these settings.")
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Do not open the file.")
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)

        self._roles: dict[str, str] = {name: "skip" for name in ((options.skip_cols or ()) if options else ())}
        self._apply_options(options or LoadOptions(), window)
        self._show_raw_head()
        if dataset is not None:
            window = window or default_window(dataset)
            from core.report import build_report

            self._on_preview(Preview(options or LoadOptions(), window, dataset, build_report(dataset, None, window)))
        else:
            self.refresh_preview()

    def loaded_dataset(self) -> SequenceDataset | None:
        """The dataset read with exactly the current options, or None when the preview is stale or failed."""
        if self._preview is None or self._error is not None or self._runner.is_busy or self._debounce.isActive():
            return None
        return self._preview.dataset if self._preview.options == self.load_options() else None

    def preview_shape_text(self) -> str:
        return self.shape_label.text()

    def error_text(self) -> str | None:
        return self._error

    @property
    def is_busy(self) -> bool:
        return self._runner.is_busy or self._debounce.isActive()

    # ---- background preview -------------------------------------------------------------------------
    @Slot()
    def _schedule(self, *_args) -> None:
        if not self._updating:
            self._debounce.start()

    def _on_feature_toggled(self, _item: QListWidgetItem) -> None:
        if not self._updating:
            self._features_explicit = True
            self._schedule()

    @Slot()
    def refresh_preview(self) -> None:
        """Re-read the file with the current options in the background."""
        self._debounce.stop()
        window = None
        if self._preview is not None and self._preview.dataset.kind == "series":
            window = self.window_options()
        self._runner.submit(PreviewTask(self.path, self.load_options(), window, self._loader))

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.status_label.setText("Reading the file with these settings…")
        self._update_ok()

    @Slot(object)
    def _on_preview(self, preview: Preview | FailedPreview) -> None:
        if isinstance(preview, FailedPreview):
            self._show_failure(in_window_terms(preview.error), preview.raw)
            return
        self._preview = preview
        self._error = None
        if preview.raw is not None:
            self._raw = preview.raw
            self._offer_sheets(preview.raw)
        report = preview.report
        shape = tuple(report.shape)
        input_shape = tuple(report.input_shape)
        shape_text = "(" + ", ".join(str(s) for s in shape) + ")"
        input_text = f"({input_shape[0]},)" if len(input_shape) == 1 else "(" + ", ".join(map(str, input_shape)) + ")"
        self.shape_label.setText(f"{shape_text} → input_shape={input_text}")
        self.headline_label.setText(report.headline())
        warnings = list(preview.dataset.source.warnings)
        self.status_label.setText("⚠ " + " ".join(warnings) if warnings else "Read without problems.")
        self._update_form_from(preview)
        self._fill_table(preview.dataset)
        self._fill_guesses(preview.dataset)
        self._fill_roles()
        self._update_ok()
        self.previewUpdated.emit()

    @Slot(object)
    def _on_preview_failed(self, failure: TaskFailure) -> None:
        from core.errors import ShapeExplorerError

        error = failure.error
        if isinstance(error, ShapeExplorerError):
            message = in_window_terms(str(error))
        else:
            import logging

            logging.getLogger(__name__).error("preview of %s failed:\n%s", self.path, failure.traceback_text)
            message = f"{Path(self.path).name} could not be read with these settings ({type(error).__name__}: {error})."
        self._show_failure(message, None)

    def _update_ok(self) -> None:
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Open)
        ok.setEnabled(self._preview is not None and self._error is None and not self._runner.is_busy)

    # ---- closing ----------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        self._debounce.stop()
        self._runner.shutdown()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._debounce.stop()
        self._runner.shutdown()
        super().closeEvent(event)
