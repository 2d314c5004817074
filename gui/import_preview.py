"""The import wizard's preview: the background read, and the right side that shows what it found.

:class:`PreviewTask` reads the file with the form's options on a background thread (through
``core``: nothing is parsed here) and plans its shape; :class:`ImportPreview`, a part of
:class:`gui.import_wizard.ImportWizard` (a mixin), builds the right side: the resulting tensor
shape, the first steps as read, the file as text and every guess with its reason. Its reason to
change is what a read shows the user. It uses from the wizard only ``path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.dataset import SequenceDataset
from core.errors import LoadError
from core.loaders.files import content_head
from core.loaders.table_preview import RawTable, raw_preview
from core.options import LoadOptions, WindowOptions
from core.wording import escape_html
from gui.tensor_state import default_window
from gui.window_terms import in_window_terms

_PREVIEW_ROWS = 40

_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Preview:
    """What one background read produced: the dataset and its shape report."""

    options: LoadOptions
    window: WindowOptions | None
    dataset: SequenceDataset
    report: Any
    raw: RawTable | None = None


@dataclass(frozen=True)
class FailedPreview:
    """A read that failed with a user-facing message; the raw rows still show the columns."""

    options: LoadOptions
    error: str
    raw: RawTable | None


class PreviewTask:
    """Background task: read the file with the options, then plan its shape (nothing big allocated)."""

    def __init__(self, path: str, options: LoadOptions, window: WindowOptions | None, loader) -> None:
        self.path, self.options, self.window, self.loader = path, options, window, loader

    def __call__(self, progress, cancelled) -> Preview | FailedPreview:
        from core.errors import LoadCancelled, ShapeExplorerError
        from core.report import build_report

        loader = self.loader
        if loader is None:
            from core.loaders import load as loader
        raw = raw_preview(self.path, self.options)
        try:
            dataset = loader(self.path, self.options, progress=progress, cancelled=cancelled)
        except LoadCancelled:
            raise
        except ShapeExplorerError as error:
            return FailedPreview(self.options, str(error), raw)
        window = (self.window or default_window(dataset)) if dataset.kind == "series" else None
        return Preview(self.options, window, dataset, build_report(dataset, None, window), raw)


def plain_value(value: Any) -> str:
    """A guessed value as the wizard writes it: a list joined by commas, None as "none"."""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return "none" if value is None else str(value)


class ImportPreview:
    """The right side of the import wizard: the tensor shape, the first steps, the raw file, the guesses."""

    def _build_result(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)

        result = QGroupBox("Resulting tensor")
        result_layout = QVBoxLayout(result)
        self.shape_label = QLabel("Reading…")
        self.shape_label.setObjectName("previewShape")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.4)
        mono.setBold(True)
        self.shape_label.setFont(mono)
        self.shape_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shape_label.setToolTip("(samples, timesteps, features) of the tensor, and the input_shape for "
                                    "keras.Input: the same without the samples axis.")
        result_layout.addWidget(self.shape_label)
        self.headline_label = QLabel()
        self.headline_label.setWordWrap(True)
        result_layout.addWidget(self.headline_label)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("previewStatus")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_layout.addWidget(self.status_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        result_layout.addWidget(self.progress)
        column.addWidget(result)

        tabs = QTabWidget()
        self.table = QTableWidget()
        self.table.setObjectName("previewTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setToolTip("The first time steps as they will be read: which sample each row belongs to, its "
                              "step within the sample, its features and its label.")
        tabs.addTab(self.table, "Preview: first steps as read")
        self.raw_text = QPlainTextEdit()
        self.raw_text.setReadOnly(True)
        self.raw_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw_text.setToolTip("The beginning of the file exactly as it is on disk.")
        tabs.addTab(self.raw_text, "File as text")
        self.guess_text = QLabel()
        self.guess_text.setWordWrap(True)
        self.guess_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.guess_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guess_text.setContentsMargins(8, 8, 8, 8)
        tabs.addTab(self.guess_text, "All guesses and warnings")
        column.addWidget(tabs, 1)
        self.tabs = tabs
        panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return panel

    def _fill_table(self, dataset: SequenceDataset) -> None:
        """The first steps as read: sample, step, features (or token), label. Display only."""
        self.tabs.setTabText(0, "Preview: first steps as read")
        lengths = dataset.lengths
        tokens = dataset.kind == "tokens"
        names = ["token"] if tokens else list(dataset.feature_names)
        shown_names = names[:30]
        labels = dataset.labels
        vectors = dataset.embeddings
        words = vectors if vectors is not None and vectors.embed_features else None  # each step's word, then its vector
        headers = ["sample", "step", *(["word"] if words else []), *shown_names] + (["label"] if labels is not None else [])
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        rows: list[list[str]] = []
        start = 0
        for sample in range(min(dataset.n_samples, _PREVIEW_ROWS)):
            length = int(lengths[sample])
            sample_name = dataset.sample_ids[sample] if dataset.sample_ids else str(sample)
            for step in range(min(length, _PREVIEW_ROWS - len(rows))):
                row_values = dataset.values[start + step]
                if tokens:
                    token_id = int(row_values[0])
                    vocab = dataset.vocabulary or ()
                    cells = [vocab[token_id] if token_id < len(vocab) else str(token_id)]
                else:
                    cells = [f"{float(v):.6g}" for v in row_values[: len(shown_names)]]
                    if words is not None:
                        cells.insert(0, words.word_at(start + step))
                row = [sample_name, str(step), *cells]
                if labels is not None:
                    if labels.kind == "sequence":
                        value = labels.values[start + step]
                    else:
                        value = labels.values[sample]
                    row.append(self._label_text(value, labels))
                rows.append(row)
            start += length
            if len(rows) >= _PREVIEW_ROWS:
                break
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c >= 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    @staticmethod
    def _label_text(value, labels) -> str:
        try:
            if labels.classes is not None:
                return str(labels.classes[int(value)])
            if hasattr(value, "__len__"):
                return ", ".join(f"{float(v):.4g}" for v in value)
            return f"{float(value):.4g}"
        except (TypeError, ValueError, IndexError):
            return str(value)

    def _fill_guesses(self, dataset: SequenceDataset) -> None:
        parts = ["<b>What was guessed, and why</b><ul>"]
        for guess in dataset.source.guesses:
            field = in_window_terms(f"--{guess.option.replace('_', '-')}") if guess.option else ""
            option = f" <i>(change it in {escape_html(field)})</i>" if guess.option and not field.startswith("--") else ""
            parts.append(f"<li><b>{escape_html(guess.what)}</b>: {escape_html(plain_value(guess.value))} — "
                         f"{escape_html(guess.why)}{option}</li>")
        parts.append("</ul>")
        if dataset.source.warnings:
            parts.append("<b>Warnings</b><ul>" + "".join(f"<li>{escape_html(w)}</li>" for w in dataset.source.warnings) + "</ul>")
        self.guess_text.setText("".join(parts))

    def _show_raw_head(self) -> None:
        try:
            head = content_head(Path(self.path), _HEAD_BYTES)  # decompressed for .gz/.bz2/.xz files
        except LoadError as error:
            self.raw_text.setPlainText(f"(cannot read the file: {error.problem})")
            return
        if b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.raw_text.setPlainText("(binary file: nothing to show as text)")
            return
        text = head.decode("utf-8", errors="replace")
        self.raw_text.setPlainText(text + ("\n…" if len(head) == _HEAD_BYTES else ""))
