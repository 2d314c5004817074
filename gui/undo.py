"""Undo and redo for what the user changes: shaping options, import settings and the model.

Every change goes through one :class:`QUndoStack` on the main window as a :class:`ValueChange`:
an old and a new value and the function that applies one. Dragging a slider (maxlen, window)
merges into one step, so Ctrl+Z undoes the drag, not each pixel of it.
:class:`UndoTracking` is the main window's side: what each undoable edit pushes and applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QUndoCommand

from core.options import PaddingOptions, WindowOptions

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


class UndoTracking:
    """The main window's undoable edits (a mixin of :class:`gui.main_window.MainWindow`).

    Padding, windows and import settings go back through ``self.state``; the model through the
    panel given to :meth:`track_model_spec`. Uses from the window: ``undo_stack``, ``state``,
    ``_keep_undo_on_load``, ``_setting_spec``, ``_model_panel`` and ``_last_spec``.
    """

    def _push_change(self, text: str, apply, old, new, *, merge: str | None = None, applied: bool = False) -> None:
        self.undo_stack.push(ValueChange(text, apply, old, new, merge=merge, applied=applied))

    def _apply_padding(self, options: PaddingOptions) -> None:
        self.state.set_padding(options)

    def _apply_window(self, options: WindowOptions | None) -> None:
        if options is not None:
            self.state.set_window(options)

    def _apply_import(self, value: tuple) -> None:
        path, load_options, window = value
        self._keep_undo_on_load = True  # a re-read of the same file keeps the stack
        self.state.open(path, load_options, None, window)

    def track_model_spec(self, panel) -> None:
        """Make ``panel``'s model edits undoable: ``panel.specChanged(spec)`` after each edit,
        ``panel.spec()`` the current spec and ``panel.set_spec(spec)`` to show another."""
        self._model_panel = panel
        self._last_spec = panel.spec()
        panel.specChanged.connect(self._on_spec_edited)
        # Connected after the panel's own data slot, so it runs once the panel has followed the data.
        self.state.changed.connect(self._on_data_update_done)

    @Slot()
    def _on_data_update_done(self) -> None:
        self._setting_spec = False
        self._last_spec = self._model_panel.spec()

    @Slot(object)
    def _on_spec_edited(self, spec) -> None:
        old, self._last_spec = self._last_spec, spec
        if self._setting_spec or old is None or old == spec:
            return
        self._push_change("Change the model", self._apply_spec, old, spec, merge="model", applied=True)

    def _apply_spec(self, spec) -> None:
        self._setting_spec = True
        try:
            self._model_panel.set_spec(spec)
            self._last_spec = spec
        finally:
            self._setting_spec = False
