"""Engine tests. With ``SHAPE_EXPLORER_BLOCK_QT=1`` Qt cannot be imported at all.

CI runs the engine suite that way, so any path from ``core`` to Qt fails loudly here,
as it would for a user of the library in a notebook without PySide6 installed.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

_QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "superqt", "qtpy", "gui")


class _BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in _QT_MODULES:
            raise ImportError(f"{fullname} is blocked: the engine must not import Qt or the window")
        return None


if os.environ.get("SHAPE_EXPLORER_BLOCK_QT") == "1":
    sys.meta_path.insert(0, _BlockQt())
