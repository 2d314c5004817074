"""Spin boxes that say why a typed value does not fit, instead of dropping it without a word.

A plain ``QSpinBox`` with a maximum of 25 rejects the ``0`` of a typed ``250`` and keeps ``25``;
one with a minimum of 1 quietly puts the old value back when ``0`` is typed. The user sees the
number they meant turn into another one. :class:`LimitedSpinBox` (and the double version) notices
a typed number beyond its range and says so, in the window's words ("Window length is at most 25
here: the series has 25 rows."), beside the box (a tooltip under it) and in the main window's
status bar when there is one; ``limitHit`` carries the sentence for owners that show it elsewhere.

The owner names the quantity and, whenever the range follows the data, the reason
(:meth:`LimitedSpinBox.set_limits`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QMainWindow, QSpinBox, QToolTip, QWidget

STATUS_MS = 8000  # how long the status bar keeps the sentence


def limit_sentence(name: str, bound: str, limit: str, reason: str) -> str:
    """``Window length is at most 25 here: the series has 25 rows.`` (no reason: ``Seed is at most 9.``)."""
    if reason:
        return f"{name} is {bound} {limit} here: {reason.rstrip('.')}."
    return f"{name} is {bound} {limit}."


class _SaysLimits:
    """What both spin boxes share: the typed number, the sentence, where it is said."""

    limitHit: Any  # the Signal of the concrete class

    def _init_limits(self, name: str) -> None:
        self.quantity = name
        self.high_reason = ""
        self.low_reason = ""
        self.last_limit_message = ""

    def set_limits(self, low: Any, high: Any, *, high_reason: str = "", low_reason: str = "") -> None:
        """The range and, when the data sets it, why (``"the series has 25 rows"``)."""
        self.setRange(low, high)  # type: ignore[attr-defined]
        self.high_reason = high_reason
        self.low_reason = low_reason

    def set_value_saying(self, value: Any) -> None:
        """``setValue``, saying so when ``value`` is outside the range and is clamped (options from a file or session)."""
        box: Any = self
        if value > box.maximum():
            self._say(limit_sentence(self.quantity, "at most", box.textFromValue(box.maximum()), self.high_reason))
        elif value < box.minimum():
            self._say(limit_sentence(self.quantity, "at least", box.textFromValue(box.minimum()), self.low_reason))
        box.setValue(value)

    def _typed_number(self, text: str) -> float | None:
        box: Any = self
        body = text
        if box.prefix() and body.startswith(box.prefix()):
            body = body[len(box.prefix()):]
        if box.suffix() and body.endswith(box.suffix()):
            body = body[: -len(box.suffix())]
        body = body.strip()
        if not body or (box.specialValueText() and body == box.specialValueText()):
            return None
        locale = box.locale()
        value, ok = locale.toDouble(body)
        if not ok:
            value, ok = QLocale.c().toDouble(body.replace(",", ""))
        return float(value) if ok else None

    def _check_typed(self, text: str, *, only_high: bool = False) -> None:
        box: Any = self
        number = self._typed_number(text)
        if number is None:
            return
        if number > box.maximum():
            self._say(limit_sentence(self.quantity, "at most", box.textFromValue(box.maximum()), self.high_reason))
        elif number < box.minimum() and not only_high:
            self._say(limit_sentence(self.quantity, "at least", box.textFromValue(box.minimum()), self.low_reason))

    def _say(self, message: str) -> None:
        box: Any = self
        self.last_limit_message = message
        box.setToolTipDuration(-1)
        QToolTip.showText(box.mapToGlobal(QPoint(0, box.height())), message, box)
        window = box.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, STATUS_MS)
        self.limitHit.emit(message)


class _KeyWatcher(QObject):
    """Reads the keys typed into a spin box's line edit before the box sees them.

    Not an override of ``validate``/``fixup``: Qt also calls those while a spin box is being
    destroyed, and a Python override there crashed the window tests at random.
    """

    def __init__(self, box: Any) -> None:
        super().__init__(box)
        self._box = box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress:
            edit = self._box.lineEdit()
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._box._check_typed(edit.text())  # below the minimum: Qt would put the old value back
            elif event.text() and event.text().isprintable():
                text = edit.text()
                start, end = (edit.selectionStart(), edit.selectionStart() + len(edit.selectedText())) if edit.hasSelectedText() \
                    else (edit.cursorPosition(), edit.cursorPosition())
                self._box._check_typed(text[:start] + event.text() + text[end:], only_high=True)
        elif event.type() == QEvent.Type.FocusOut:
            self._box._check_typed(self._box.lineEdit().text())
        return False


class LimitedSpinBox(_SaysLimits, QSpinBox):
    """A ``QSpinBox`` that says so when a typed number is out of its range (see the module)."""

    limitHit = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_limits(name)
        self.lineEdit().installEventFilter(_KeyWatcher(self))


class LimitedDoubleSpinBox(_SaysLimits, QDoubleSpinBox):
    """The ``QDoubleSpinBox`` version of :class:`LimitedSpinBox`."""

    limitHit = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_limits(name)
        self.lineEdit().installEventFilter(_KeyWatcher(self))
