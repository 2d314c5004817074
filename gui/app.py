"""The QApplication: names for QSettings, Fusion style with the platform palette, and the exception hook.

Any exception that escapes a slot is written with its traceback to ``shape-explorer.log``
in the user's data folder, and the user gets one clear dialog instead; the window keeps
working.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.settings import APPLICATION, ORGANIZATION, data_dir

log = logging.getLogger("shape_explorer")
LOG_FILE_NAME = "shape-explorer.log"


def log_path() -> Path:
    return data_dir() / LOG_FILE_NAME


def setup_logging() -> Path:
    """Send warnings and errors of the app to the log file (once); returns its path."""
    path = log_path()
    root = logging.getLogger()
    if not any(getattr(h, "_shape_explorer", False) for h in root.handlers):
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._shape_explorer = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
    return path


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists), named for QSettings, in the Fusion style."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        # pyqtgraph caches GL shader programs per process: every GL view must share one context group.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("shape-explorer")
    # Fusion draws the same everywhere and follows the platform's light/dark colour scheme (Qt 6.5+).
    app.setStyle("Fusion")
    return app


class ExceptionHook:
    """``sys.excepthook`` for the window: log the traceback, show one sentence, keep running."""

    def __init__(self, show_dialog: bool = True) -> None:
        self.show_dialog = show_dialog
        self._showing = False
        self.count = 0

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self.count += 1
        text = "".join(traceback.format_exception(kind, error, tb))
        log.error("unexpected error in the window:\n%s", text)
        path = log_path()
        if not self.show_dialog or self._showing:
            print(f"shape-explorer: internal error ({kind.__name__}: {error}); details in {path}", file=sys.stderr)
            return
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return
        self._showing = True
        try:
            QMessageBox.critical(
                QApplication.activeWindow(),
                "Something went wrong",
                breakable(f"An internal error interrupted the last action ({kind.__name__}: {error}). "
                          f"Your files are untouched and you can keep working. The details were written to {path}."),
            )
        finally:
            self._showing = False


#: Longest message a dialog shows whole; longer ones are cut (the whole text goes to the log).
DIALOG_TEXT_LIMIT = 700


def breakable(text: str, longest: int = 40) -> str:
    """``text`` fit for a message box: invisible break points inside very long words (paths, file
    names), so it wraps instead of growing wider than the screen, and cut after
    :data:`DIALOG_TEXT_LIMIT` characters, so it never grows taller than the screen and hides its
    buttons. The whole text is logged when it is cut."""
    if len(text) > DIALOG_TEXT_LIMIT:
        log.warning("message shown shortened; in full: %s", text)
        text = text[:DIALOG_TEXT_LIMIT].rsplit(" ", 1)[0] + f" … (the whole message is in {log_path()})"

    def soften(match: re.Match) -> str:
        return re.sub(r"([/\\_.,-])", "\\1\u200b", match.group(0))

    return re.sub(rf"\S{{{longest},}}", soften, text)


def install_exception_hook(show_dialog: bool = True) -> ExceptionHook:
    setup_logging()
    hook = ExceptionHook(show_dialog)
    sys.excepthook = hook
    return hook
