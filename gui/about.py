"""About and help: version, the libraries in use, keyboard shortcuts and the licences of the bundled data."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from gui.demos import demos_dir

SHORTCUTS = (
    ("Ctrl+O", "Open a file"),
    ("Ctrl+1 … Ctrl+4", "Switch between the tensor, sample, padding and windows views"),
    ("Ctrl+Shift+C", "Copy the keras.Input line for the current shape"),
    ("Esc", "Cancel loading"),
    ("F1", "This help"),
    ("Ctrl+Q", "Quit"),
)


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
            f"<p>Shape Explorer is free software under the MIT licence.</p>"
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
            f"<tr><td><b>{key}</b></td><td>{what}</td></tr>" for key, what in SHORTCUTS) + "</table>"
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
