"""Undo and redo for what the user changes: shaping options, import settings and the model.

Every change goes through one :class:`QUndoStack` on the main window as a :class:`ValueChange`:
an old and a new value and the function that applies one. Dragging a slider (maxlen, window)
merges into one step, so Ctrl+Z undoes the drag, not each pixel of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

#: Merge ids of the changes that come in bursts (a slider or spin box being dragged).
MERGE_IDS = {"maxlen": 1, "window": 2, "model": 3}


class ValueChange(QUndoCommand):
    """Set something from ``old`` to ``new`` with ``apply(value)``.

    ``applied=True`` when the change already happened (an editor applied it itself): the first
    ``redo``, which :meth:`QUndoStack.push` runs at once, then does nothing.
    """

    def __init__(self, text: str, apply: Callable[[Any], None], old: Any, new: Any, *,
                 merge: str | None = None, applied: bool = False) -> None:
        super().__init__(text)
        self._apply = apply
        self.old, self.new = old, new
        self._merge_id = MERGE_IDS.get(merge, -1) if merge else -1
        self._skip_redo = applied

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def id(self) -> int:
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(other, ValueChange) or other.id() != self.id() or self.id() == -1:
            return False
        self.new = other.new
        return True
