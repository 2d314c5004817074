"""The list of training runs beside the curves: one line per run with its settings and result, a
check box to show or hide an earlier run, and the colour each run is drawn in.

It is its own module because it changes with what a run records (:class:`core.training.runs.RunRecord`)
and how runs are picked, not with how curves are drawn (``gui/training_plots.py``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from core.training.runs import RunRecord
from gui.views.theme import GREEN, PURPLE, SKY_BLUE, VERMILLION, YELLOW

RUN_COLOURS = (PURPLE, SKY_BLUE, GREEN, VERMILLION, YELLOW)  # earlier runs, faded; the current run is blue/orange


def run_colour(number: int) -> tuple[int, int, int]:
    return RUN_COLOURS[(number - 1) % len(RUN_COLOURS)]


class RunsList(QListWidget):
    """The runs kept so far, one line each with its settings and result; a check box shows or hides a run.

    The current run is listed first and always drawn; it has no check box.
    """

    visibilityChanged = Signal(int, bool)  # run number, shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingRuns")
        self.setToolTip("Training runs of this session: earlier runs are drawn faded beside the current one. "
                        "Tick a run to show it, untick to hide it.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setUniformItemSizes(True)
        self.itemChanged.connect(self._on_item_changed)
        self._filling = False
        self.setVisible(False)

    def set_runs(self, runs: list[RunRecord], current: int | None, hidden: set[int]) -> None:
        self._filling = True
        try:
            self.clear()
            ordered = sorted(runs, key=lambda run: (run.number != current, -run.number))
            for run in ordered:
                item = QListWidgetItem(run.label() + ("  (current)" if run.number == current else ""))
                item.setData(Qt.ItemDataRole.UserRole, run.number)
                item.setToolTip(run.label() + (f"\n{run.file}" if run.file else ""))
                if run.number == current:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                else:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked if run.number in hidden else Qt.CheckState.Checked)
                    item.setIcon(_swatch(run_colour(run.number)))
                self.addItem(item)
        finally:
            self._filling = False
        rows = min(self.count(), 4)
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 16) + 2 * self.frameWidth() + 2 if rows else 0)
        self.setVisible(any(run.number != current for run in runs))

    def set_checked(self, number: int, checked: bool) -> None:
        item = self.item_for(number)
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if item.checkState() != state:
            self._filling = True
            try:
                item.setCheckState(state)
            finally:
                self._filling = False

    def item_for(self, number: int) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == number:
                return item
        return None

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling or not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        self.visibilityChanged.emit(int(item.data(Qt.ItemDataRole.UserRole)), item.checkState() == Qt.CheckState.Checked)


def _swatch(colour: tuple[int, int, int]) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(*colour))
    return QIcon(pixmap)
