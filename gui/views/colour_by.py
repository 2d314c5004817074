"""*Colour by: feature / global*: one setting shared by the sample heat-map and the 3-D view.

Features in different units (humidity 0–100 next to temperature −10–35) each come out one flat
colour on a shared scale; on a scale of their own each shows its ups and downs. The setting is
one object, so switching it in one view switches it in the other. The scaling itself is
computed in :mod:`core.tensor_views` (``feature_levels``, ``scale_per_feature``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QWidget
from superqt.utils import signals_blocked

FEATURE, GLOBAL = "feature", "global"
TIP = ("Features in different units (humidity 0-100 next to temperature -10-35) each come out one flat "
       "colour on a shared scale; give each feature its own scale to see its ups and downs. "
       "Hover a cell for its real value.")


class ColourBy(QObject):
    """``mode`` is ``"feature"`` (each feature its own colour scale) or ``"global"`` (one scale).

    :meth:`suggest` applies a mode chosen from the data (a new file) unless the user picked one.
    """

    changed = Signal(str)

    def __init__(self, mode: str = GLOBAL, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = mode
        self._chosen = False

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def per_feature(self) -> bool:
        return self._mode == FEATURE

    def set_mode(self, mode: str, *, chosen: bool = True) -> None:
        """Set the mode (``chosen``: by the user, so later suggestions leave it alone)."""
        self._chosen = self._chosen or chosen
        if mode != self._mode:
            self._mode = mode
            self.changed.emit(mode)

    def suggest(self, mode: str) -> None:
        if not self._chosen:
            self.set_mode(mode, chosen=False)


class ColourByCombo(QComboBox):
    """A combo box that shows a :class:`ColourBy` and changes it; it follows changes made elsewhere."""

    def __init__(self, setting: ColourBy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = setting
        self.addItem("Colour: each feature its own scale", FEATURE)
        self.addItem("Colour: one scale for all features", GLOBAL)
        self.setToolTip(TIP)
        self._follow(setting.mode)
        setting.changed.connect(self._follow)
        self.currentIndexChanged.connect(self._on_index)

    def _follow(self, mode: str) -> None:
        with signals_blocked(self):
            self.setCurrentIndex(self.findData(mode))

    def _on_index(self, _index: int) -> None:
        self.setting.set_mode(str(self.currentData()))
