"""About and help: version, the libraries in use, keyboard shortcuts and the licences of the bundled data."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from gui.demos import demos_dir

# Keys that are not menu actions (so cannot be read off the window's actions).
EXTRA_SHORTCUTS = (("Esc", "Cancel loading"),)


def shortcut_rows(window: QWidget | None) -> list[tuple[str, str]]:
    """Every keyboard shortcut of ``window``'s actions as ``(keys, what it does)``, plus the extra keys.

    Read off the actions themselves, so the help can never list a shortcut that does not exist
    or miss one that does (a tab added later gets its Ctrl+number here too).
    """
    rows: dict[str, str] = {}
    for action in window.findChildren(QAction) if window is not None else ():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys and keys not in rows:
            rows[keys] = action.text().replace("&", "").rstrip("…").strip()
    rows.update({k: v for k, v in EXTRA_SHORTCUTS if k not in rows})
    return sorted(rows.items(), key=lambda row: (len(row[0]), row[0]))


def app_version() -> str:
    try:
        return metadata.version("shape-explorer")
    except metadata.PackageNotFoundError:
        return "0.1.0 (not installed)"


def _library_versions() -> str:
    rows = [("Python", platform.python_version()), ("Qt", qVersion()), ("PySide6", pyside_version)]
    for name in ("numpy", "pyqtgraph", "pandas"):
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(f"{name} {version}" for name, version in rows)


def data_licences_markdown() -> str:
    """``resources/demos/SOURCES.md`` if present, else a short note."""
    sources = demos_dir() / "SOURCES.md"
    try:
        return sources.read_text(encoding="utf-8")
    except OSError:
        return "No bundled data sets are installed, so there are no data licences to show."


class AboutDialog(QDialog):
    """Version and licences (tab 1), shortcuts (tab 2), data sources and licences (tab 3)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Shape Explorer")
        self.resize(760, 560)
        layout = QVBoxLayout(self)

        heading = QLabel(f"<h2>Shape Explorer {app_version()}</h2>"
                         "<p>From your sequence file to a correct (samples, timesteps, features) tensor, "
                         "explained, and a Keras LSTM trained on it live.</p>")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        tabs = QTabWidget()
        about = QLabel(
            f"<p><b>Built with</b> {_library_versions()}, and TensorFlow/Keras for training "
            f"(loaded only when a model is built).</p>"
            "<p>Qt and PySide6 are used under the LGPL v3; pyqtgraph under the MIT licence; numpy and pandas under "
            "the BSD licence; TensorFlow and Keras under the Apache 2.0 licence.</p>")
        about.setWordWrap(True)
        about.setAlignment(Qt.AlignmentFlag.AlignTop)
        about.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        about.setContentsMargins(8, 8, 8, 8)
        tabs.addTab(about, "About")

        keys = QLabel("<table cellspacing='6'>" + "".join(
            f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(what)}</td></tr>"
            for key, what in shortcut_rows(parent)) + "</table>"
            "<p>Hover over any number or control for a plain-words explanation.</p>")
        keys.setAlignment(Qt.AlignmentFlag.AlignTop)
        keys.setContentsMargins(8, 8, 8, 8)
        tabs.addTab(keys, "Keyboard")

        self.licences = QTextBrowser()
        self.licences.setOpenExternalLinks(True)
        self.licences.setMarkdown(data_licences_markdown())
        tabs.addTab(self.licences, "Bundled data and licences")
        layout.addWidget(tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
