"""The value under the pointer, for the status bar: one way for every plot to report it.

Each data view has a ``valueHovered(str)`` signal; the main window shows the text in its status
bar (as napari does) and clears it when the pointer leaves the data. The words come from
:mod:`core.readout`; this module only finds which plot the pointer is over, maps it to the plot's
data coordinates and sends the text (and "" once when the pointer leaves the data).
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
    """Sends a view's readout text through ``emit``: every text, and "" once when the pointer leaves the data.

    A text is sent again even when unchanged: the pointer may have been over another view in
    between (a plot gets no move event once the pointer has left its widget).
    """

    def __init__(self, emit: Callable[[str], Any]) -> None:
        self._emit = emit
        self.text = ""

    def show(self, text: str) -> None:
        if text or self.text:
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
