"""The numbers themselves: the padded tensor as a table, padding shown as padding.

Two ways to read it:

* **One sample** — its time steps × features, exactly what the model receives for that sample.
  Each row says where the step came from in the file (its position in the original sequence, or
  the series row of a window); padded steps say "pad" and are drawn grey.
* **Every sample** — one feature for all samples, samples × time steps: the picture of
  ``pad_sequences`` a beginner draws (``[[1,2,3],[4,5],[6,7,8,9]]`` → ``[[1,2,3,0],[4,5,0,0],
  [6,7,8,9]]``).

The table model reads cells from the tensor on demand (nothing is copied, so a memory-mapped
tensor of any size is fine); where each step came from is worked out by
:func:`core.readout.step_table`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget
from superqt.utils import signals_blocked

from core import readout as ro
from core import tensor_views as tv
from core.tensor_data import TensorData
from core.wording import plural
from gui.limited_spin import LimitedSpinBox
from gui.views.theme import Theme, ThemedView, theme_for

ONE_SAMPLE, EVERY_SAMPLE = "sample", "all"
AnyIndex = QModelIndex | QPersistentModelIndex


class TensorTableModel(QAbstractTableModel):
    """A read-only table over the shaped tensor: one sample (T × F) or one feature (N × T)."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self._theme = theme
        self._shaped: TensorData | None = None
        self._x3: np.ndarray | None = None
        self._mode = ONE_SAMPLE
        self._sample = 0
        self._feature = 0
        self._steps: ro.StepTable | None = None
        self._integer = False
        self._vocabulary: tuple[str, ...] = ()
        self._names: tuple[str, ...] = ()

    # ---- what to show --------------------------------------------------------------------
    def set_data(self, shaped: TensorData | None) -> None:
        self.beginResetModel()
        self._shaped = shaped
        self._x3 = None if shaped is None else tv.as_three_d(shaped.x)
        self._integer = bool(self._x3 is not None and self._x3.dtype.kind in "iub")
        self._vocabulary = tuple((shaped.vocabulary if shaped is not None else None) or ())
        names = tuple(shaped.feature_names) if shaped is not None else ()
        width = 0 if self._x3 is None else self._x3.shape[2]
        self._names = ("token id",) if shaped is not None and shaped.x.ndim == 2 else (
            names if len(names) == width else tuple(f"feature_{i}" for i in range(width)))
        self._sample = min(self._sample, max(self.n_samples - 1, 0))
        self._feature = min(self._feature, max(width - 1, 0))
        self._steps = self._step_table()
        self.endResetModel()

    def set_view(self, mode: str, sample: int, feature: int) -> None:
        self.beginResetModel()
        self._mode, self._sample, self._feature = mode, int(sample), int(feature)
        self._steps = self._step_table()
        self.endResetModel()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    @property
    def n_samples(self) -> int:
        return 0 if self._x3 is None else int(self._x3.shape[0])

    @property
    def steps(self) -> ro.StepTable | None:
        return self._steps

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self._names

    def _step_table(self) -> ro.StepTable | None:
        if self._shaped is None or self.n_samples == 0:
            return None
        return ro.step_table(self._shaped, self._sample)

    def _with_words(self) -> bool:
        return bool(self._vocabulary) and self._mode == ONE_SAMPLE

    # ---- the Qt model --------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        if parent.isValid() or self._x3 is None or self.n_samples == 0:
            return 0
        return int(self._x3.shape[1]) if self._mode == ONE_SAMPLE else self.n_samples

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        if parent.isValid() or self._x3 is None or self.n_samples == 0:
            return 0
        if self._mode == ONE_SAMPLE:
            return int(self._x3.shape[2]) + (1 if self._with_words() else 0)
        return int(self._x3.shape[1])

    def _cell(self, row: int, column: int) -> tuple[Any, bool]:
        """The value at a table cell and whether it is a real (not padded) step."""
        assert self._x3 is not None
        if self._mode == ONE_SAMPLE:
            real = bool(self._steps.real[row]) if self._steps is not None else True
            return self._x3[self._sample, row, min(column, self._x3.shape[2] - 1)], real
        mask = self._shaped.mask
        real = True if mask is None else bool(mask[row, column])
        return self._x3[row, column, self._feature], real

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._x3 is None:
            return None
        row, column = index.row(), index.column()
        value, real = self._cell(row, column)
        words_column = self._with_words() and column == self.columnCount() - 1
        if role == Qt.ItemDataRole.DisplayRole:
            if words_column:
                token = int(value)
                return "" if not real else (self._vocabulary[token] if 0 <= token < len(self._vocabulary) else f"#{token}")
            return ro.format_cell(value, self._integer)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft if words_column else Qt.AlignmentFlag.AlignRight) | int(
                Qt.AlignmentFlag.AlignVCenter)
        if not real and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(*self._theme.padding))
        if not real and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(*self._theme.muted))
        if not real and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if not real:
                return ("Padding: this step was added so every sample has the same number of time steps. "
                        "The mask tells the model to skip it.")
            return None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or self._x3 is None:
            return None
        if self._mode == ONE_SAMPLE:
            if orientation == Qt.Orientation.Horizontal:
                return "word" if self._with_words() and section == len(self._names) else self._names[section]
            steps = self._steps
            if steps is None or section >= steps.origin.size:
                return str(section)
            origin = int(steps.origin[section])
            if origin < 0:
                return f"t={section}  pad"
            # Only say where a step came from when that is not simply its own position.
            return f"t={section}" if origin == section else f"t={section} ← {steps.origin_name} {origin}"
        if orientation == Qt.Orientation.Horizontal:
            return f"t={section}"
        ids = self._shaped.sample_ids if self._shaped is not None else None
        if ids is not None and section < len(ids) and self._shaped.window is None:
            return f"{section} (id {ids[section]})"
        return str(section)


class ValuesView(ThemedView, QWidget):
    """The padded tensor as numbers: one sample as steps × features, or one feature for all samples.

    ``set_data(shaped)`` takes the shaped tensor; ``set_sample(i)`` follows the selection without
    emitting; the sample box emits ``sampleChanged(int)``.
    """

    sampleChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 320)
        self._theme = theme_for(self)
        self.model = TensorTableModel(self._theme)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("One sample: time steps × features", ONE_SAMPLE)
        self.mode_combo.addItem("Every sample: one feature, samples × time steps", EVERY_SAMPLE)
        self.mode_combo.setToolTip("What the rows and columns of the table are.")
        self.sample_label = QLabel("Sample")
        self.sample_spin = LimitedSpinBox("Sample")
        self.sample_spin.setMinimumWidth(90)
        self.sample_spin.setToolTip("Which sample (one sequence of your data) to show. Counting starts at 0, as in Python.")
        self.feature_label = QLabel("Feature")
        self.feature_combo = QComboBox()
        self.feature_combo.setToolTip("Which feature to show for every sample.")
        for widget in (self.mode_combo, self.sample_label, self.sample_spin, self.feature_label, self.feature_combo):
            top.addWidget(widget)
        top.addStretch(1)
        layout.addLayout(top)
        self.info = QLabel("Open a file to see the numbers the model receives.")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.info)
        self.table = QTableView()
        self.table.setObjectName("valuesTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setDefaultSectionSize(88)
        self.table.horizontalHeader().setResizeContentsPrecision(64)  # fit columns to a few rows, not all
        self.table.verticalHeader().setDefaultSectionSize(22)
        layout.addWidget(self.table, 1)

        self.mode_combo.currentIndexChanged.connect(self._on_view_changed)
        self.feature_combo.currentIndexChanged.connect(self._on_view_changed)
        self.sample_spin.valueChanged.connect(self._on_sample_spin)
        self._sync_controls()

    # ---- public API --------------------------------------------------------------------
    def set_data(self, shaped: TensorData | None) -> None:
        """Show a new tensor; keeps the sample and feature when they still exist."""
        self.model.set_data(shaped)
        n = self.model.n_samples
        with signals_blocked(self.sample_spin):
            self.sample_spin.set_limits(0, max(n - 1, 0), high_reason=f"the tensor has {plural(n, 'sample')}, counted from 0")
        with signals_blocked(self.feature_combo):
            current = self.feature_combo.currentIndex()
            self.feature_combo.clear()
            self.feature_combo.addItems(list(self.model.feature_names))
            self.feature_combo.setCurrentIndex(min(max(current, 0), max(self.feature_combo.count() - 1, 0)))
        self._apply_view()

    def set_sample(self, index: int) -> None:
        """Show sample ``index`` (does not emit ``sampleChanged``)."""
        with signals_blocked(self.sample_spin):
            self.sample_spin.setValue(int(index))
        self._apply_view()

    @property
    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    # ---- internals ---------------------------------------------------------------------
    def _on_sample_spin(self, value: int) -> None:
        self._apply_view()
        self.sampleChanged.emit(int(value))

    def _on_view_changed(self, _index: int) -> None:
        self._apply_view()

    def _apply_view(self) -> None:
        self.model.set_view(self.mode, self.sample_spin.value(), max(self.feature_combo.currentIndex(), 0))
        if self.model.columnCount() <= 200:  # feature names fit their columns; wide tables keep a fixed width
            self.table.resizeColumnsToContents()
        self._sync_controls()
        self.info.setText(self._describe())

    def _sync_controls(self) -> None:
        one = self.mode == ONE_SAMPLE
        self.sample_label.setVisible(one)
        self.sample_spin.setVisible(one)
        self.feature_label.setVisible(not one)
        self.feature_combo.setVisible(not one)

    def _describe(self) -> str:
        steps = self.model.steps
        if steps is None:
            return "Open a file to see the numbers the model receives."
        if self.mode == EVERY_SAMPLE:
            name = self.feature_combo.currentText()
            return (f"Feature '{name}' of every sample, one row per sample: the tensor's [:, :, {self.feature_combo.currentIndex()}]. "
                    "Grey cells are padding.")
        sample = self.sample_spin.value()
        real = int(steps.real.sum())
        padded = int(steps.real.size - real)
        who = f"Sample {sample}" + (f" (id {steps.sample_id!r} in the file)" if steps.sample_id is not None else "")
        if steps.label is not None:
            who += f", {steps.label_word} {steps.label}"
        if steps.origin_name == "row":
            first, last = int(steps.origin[0]), int(steps.origin[-1])
            return f"{who}: the window over series rows {first}–{last}, exactly as the model receives it."
        tail = f" and {plural(padded, 'padded step')} (grey)" if padded else ""
        return f"{who}: {plural(real, 'real step')}{tail}, exactly as the model receives it (x[{sample}])."

    def _apply_theme(self) -> None:
        self.model.set_theme(self._theme)
