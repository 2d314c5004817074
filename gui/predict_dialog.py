"""*File ▸ Predict on a file…*: a trained model's predictions on another raw file, in a table.

The work is :func:`core.predict.predict_in_subprocess` (the ``predict`` command in its own
process, so the window never loads TensorFlow) run by a :class:`gui.workers.BackgroundRunner`;
this module only asks for the files and shows the answer: one row per sample (or window) with
the prediction beside the file's own label when it has one, and the accuracy when it can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

MAX_ROWS = 100_000  # a table this long is already more than anyone scrolls


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value[:50]) + (" …" if len(value) > 50 else "")
    return "" if value is None else str(value)


class PredictionsDialog(QDialog):
    """The predictions of ``result`` (a :class:`core.predict.Predictions`) as a table."""

    def __init__(self, result: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(f"Predictions on {Path(result.file).name}")
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.table = QTableWidget(self)
        self._fill()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def _summary_text(self) -> str:
        result = self.result
        count = len(result.predictions)
        what = "window" if result.rows is not None else "sample"
        parts = [f"{Path(result.model).name} on {Path(result.file).name}: {count} {what}{'s' if count != 1 else ''}, input {tuple(result.shape)}."]
        if result.accuracy is not None:
            parts.append(f"Accuracy against the file's own labels: {result.accuracy:.3f}.")
        if result.targets:
            parts.append(f"Values are in the units of {', '.join(result.targets)}.")
        parts.extend(result.notes)
        return " ".join(parts)

    def headers(self) -> list[str]:
        result = self.result
        headers = ["Row forecast" if result.rows is not None else "Sample", "Prediction"]
        if result.probabilities is not None:
            headers.append("Probability")
        if result.truth is not None:
            headers.append("Label in the file")
        return headers

    def _fill(self) -> None:
        result = self.result
        headers = self.headers()
        rows = min(len(result.predictions), MAX_ROWS)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(rows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for i in range(rows):
            values = [result.rows[i] if result.rows is not None else i + 1, result.predictions[i]]
            if result.probabilities is not None:
                values.append(f"{max(result.probabilities[i]):.3f}")
            if result.truth is not None:
                values.append(result.truth[i] if i < len(result.truth) else None)
            for column, value in enumerate(values):
                item = QTableWidgetItem(_cell(value))
                if column == 1 and result.truth is not None and i < len(result.truth) and result.classes is not None:
                    right = value == result.truth[i]
                    item.setToolTip("right" if right else f"the file says {result.truth[i]}")
                    if not right:
                        item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(i, column, item)

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""
