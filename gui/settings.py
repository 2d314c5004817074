"""Remembered preferences: window geometry and layout, recent files, the last folder.

Stored with ``QSettings`` under the application's organisation and name. When the
environment variable ``SHAPE_EXPLORER_SETTINGS_DIR`` is set (tests, portable installs) the
settings live in an INI file in that folder instead, so tests never touch real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

SETTINGS_DIR_ENV = "SHAPE_EXPLORER_SETTINGS_DIR"
ORGANIZATION = "ShapeExplorer"
APPLICATION = "Shape Explorer"
MAX_RECENT_FILES = 10


def data_dir() -> Path:
    """The folder for the log file and other per-user data (created when missing)."""
    override = os.environ.get(SETTINGS_DIR_ENV)
    if override:
        folder = Path(override)
    else:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        folder = Path(location) if location else Path.home() / ".shape-explorer"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class AppSettings:
    """Typed access to the few things Shape Explorer remembers between runs."""

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            override = os.environ.get(SETTINGS_DIR_ENV)
            if override:
                Path(override).mkdir(parents=True, exist_ok=True)
                settings = QSettings(str(Path(override) / "shape-explorer.ini"), QSettings.Format.IniFormat)
            else:
                settings = QSettings(ORGANIZATION, APPLICATION)
        self._settings = settings

    @property
    def file_name(self) -> str:
        return self._settings.fileName()

    def sync(self) -> None:
        self._settings.sync()

    # ---- recent files ---------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened files, newest first; files that no longer exist are pruned."""
        stored = self._settings.value("recent/files", [])
        if isinstance(stored, str):  # QSettings returns a lone string for a one-item list
            stored = [stored]
        files = [str(p) for p in (stored or []) if p]
        existing = [p for p in files if Path(p).is_file()][:MAX_RECENT_FILES]
        if existing != files:
            self._settings.setValue("recent/files", existing)
        return existing

    def add_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Put ``path`` first in the recent-files list (at most ten entries) and return the list."""
        text = str(Path(path).expanduser().resolve())
        files = [text] + [p for p in self.recent_files() if p != text]
        files = files[:MAX_RECENT_FILES]
        self._settings.setValue("recent/files", files)
        self.set_last_directory(str(Path(text).parent))
        return files

    def clear_recent_files(self) -> None:
        self._settings.setValue("recent/files", [])

    # ---- folders ----------------------------------------------------------------------------
    def last_directory(self) -> str:
        folder = str(self._settings.value("paths/last_directory", "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def set_last_directory(self, folder: str) -> None:
        self._settings.setValue("paths/last_directory", folder)

    # ---- appearance ---------------------------------------------------------------------------
    def colour_scheme(self) -> str:
        """"system", "light" or "dark" (View ▸ Colours)."""
        value = str(self._settings.value("appearance/colour_scheme", "system") or "system")
        return value if value in ("system", "light", "dark") else "system"

    def set_colour_scheme(self, name: str) -> None:
        self._settings.setValue("appearance/colour_scheme", name)

    # ---- window -------------------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)
