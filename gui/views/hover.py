"""The value under the pointer, for the status bar: one way for every plot to report it.

Each data view has a ``valueHovered(str)`` signal; the main window shows the text in its status
bar (as napari does) and clears it when the pointer leaves the data. The words come from
:mod:`core.readout`; this module only finds which plot the pointer is over, maps it to the plot's
data coordinates and sends each text once (moving within one cell sends nothing new).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QStatusBar


def plot_point(plots: Iterable[Any], scene_position) -> tuple[Any, float, float] | None:
    """The visible plot (a pyqtgraph ``PlotItem``) under a scene point and the point in its data
    coordinates, or None when the pointer is over none of them."""
    for plot in plots:
        if plot.isVisible() and plot.sceneBoundingRect().contains(scene_position):
            point = plot.vb.mapSceneToView(scene_position)
            return plot, float(point.x()), float(point.y())
    return None


class HoverReadout:
    """Sends a readout text through ``emit`` only when it changes ("" once when the pointer leaves)."""

    def __init__(self, emit: Callable[[str], Any]) -> None:
        self._emit = emit
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self._emit(text)

    def clear(self) -> None:
        self.show("")


class StatusReadout:
    """Shows readouts in a status bar; clears only its own text, never a message shown since."""

    def __init__(self, status: QStatusBar) -> None:
        self._status = status
        self._shown = ""

    def show(self, text: str) -> None:
        if text:
            self._status.showMessage(text)
        elif self._shown and self._status.currentMessage() == self._shown:
            self._status.clearMessage()
        self._shown = text
