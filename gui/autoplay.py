"""``shape-explorer --autoplay``: load → shape → default model → train a few epochs, curves live.

For conference demos and CI smoke runs. :func:`start_autoplay` waits for the window's data
(the file or demo given on the command line; the first bundled demo otherwise), takes the
model builder's default model for it, switches to the Training tab and trains ``epochs``
epochs (by default about 150 gradient steps, 5 to 40 epochs:
:func:`core.training.sizing.demo_epochs`), with the batch size chosen from the data's size.
With ``screenshot`` the window is saved as a PNG (atomically) when training ends and
the application exits: 0 after a finished run, 1 when training failed or timed out, 2 when
the data could not be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_TIMEOUT_S = 600
SETTLE_MS = 600  # let the last redraw and the results view paint before the screenshot
PREFERRED_DEMO = "vowels"


class Autoplay(QObject):
    """Drives one automatic run on a main window (see the module docstring)."""

    def __init__(self, window: Any, epochs: int = 0, screenshot: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(window)
        from gui.training_workflow import install_training_workflow

        self.window = window
        self.epochs = int(epochs)
        self.screenshot = screenshot
        self.exit_code: int | None = None
        self.message = ""
        self.workflow = install_training_workflow(window)
        self.panel = self.workflow.training_panel
        if screenshot:
            self.panel.show_dialogs = False  # nobody is there to click OK
        self._started = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(int(timeout_s * 1000))
        self._timeout.timeout.connect(self._on_timeout)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._finish_with_screenshot)

        state = window.state
        state.changed.connect(self._on_data)
        state.loadFailed.connect(self._on_load_failed)
        self.panel.runFinished.connect(self._on_run_finished)
        self.panel.runFailed.connect(self._on_run_failed)
        self.workflow.controller.ensure_started()  # warm the child while the data loads
        self._timeout.start()
        if state.snapshot is not None:
            self._on_data()
        elif not state.is_busy:
            self._open_a_demo()

    # ---- steps --------------------------------------------------------------------------------
    def _open_a_demo(self) -> None:
        from gui.demos import list_demos

        demos = list_demos()
        names = [d.name for d in demos]
        if not demos:
            self._finish(EXIT_BAD_INPUT, "Autoplay needs a file or a bundled demo, and no demos are installed.")
            return
        name = PREFERRED_DEMO if PREFERRED_DEMO in names else names[0]
        self.window.open_demo(name)

    @Slot()
    def _on_data(self) -> None:
        if self._started or self.exit_code is not None or self.window.state.snapshot is None:
            return
        self._started = True
        panel = self.panel
        from core.training.config import TrainingConfig

        epochs = self.epochs
        if epochs <= 0:  # about 150 gradient steps, so the curves visibly move on small data too
            from core.training.sizing import demo_epochs

            shaped = self.window.state.snapshot.shaped
            epochs = demo_epochs(int(shaped.x.shape[0])) if shaped is not None else 5
        panel.set_config(TrainingConfig(epochs=epochs, early_stopping=False))
        self.workflow.model_panel.reset_to_defaults()
        if hasattr(self.window, "show_view"):
            self.window.show_view(self.workflow.training_tab)
        if panel.start_training() is None:
            reason = panel.readiness.text() or "training could not start"
            self._finish(EXIT_FAILED, f"Autoplay could not start training: {reason}")

    @Slot(str, str)
    def _on_load_failed(self, _path: str, message: str) -> None:
        self._finish(EXIT_BAD_INPUT, message)

    @Slot(object)
    def _on_run_finished(self, result: dict) -> None:
        self.message = str(result.get("message") or "Training finished.")
        self._conclude(EXIT_OK if result.get("stop_reason") != "nan_loss" else EXIT_FAILED)

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self.message = message
        self._conclude(EXIT_FAILED)

    @Slot()
    def _on_timeout(self) -> None:
        self.panel.stop_training()
        self.message = "Autoplay timed out before training ended."
        self._conclude(EXIT_FAILED)

    def _conclude(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        self._timeout.stop()
        if self.screenshot:
            self._settle.start()
        else:
            print(f"shape-explorer autoplay: {self.message}", file=sys.stderr if code else sys.stdout)

    @Slot()
    def _finish_with_screenshot(self) -> None:
        for _ in range(3):
            QApplication.processEvents()
        try:
            save_window_png(self.window, self.screenshot)
            print(f"Saved a screenshot of the window to {self.screenshot}")
        except OSError as exc:
            print(f"shape-explorer: could not save the screenshot to {self.screenshot}: {exc}", file=sys.stderr)
            self.exit_code = EXIT_FAILED
        if self.exit_code:
            print(f"shape-explorer autoplay: {self.message}", file=sys.stderr)
        QApplication.instance().exit(self.exit_code or 0)

    def _finish(self, code: int, message: str) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        self.message = message
        self._timeout.stop()
        print(f"shape-explorer autoplay: {message}", file=sys.stderr)
        if self.screenshot:
            QApplication.instance().exit(code)

    def stop(self) -> None:
        """Stop the timers (tests, or a window closed early)."""
        self._timeout.stop()
        self._settle.stop()


def save_window_png(window: Any, path: str | Path) -> Path:
    """Grab ``window`` and write it as PNG through a temporary file (atomic)."""
    from core.atomic import atomic_path

    pixmap = window.grab()
    with atomic_path(path, suffix=".png") as tmp:
        if not pixmap.save(str(tmp), "PNG"):
            raise OSError(f"Qt could not write a PNG to {tmp.name}")
    return Path(path)


def start_autoplay(main_window: Any, epochs: int = 0, screenshot: str | None = None) -> Autoplay:
    """Start autoplay on ``main_window`` (call it after opening the FILE or demo, if any).

    Returns the :class:`Autoplay`; with ``screenshot`` the application exits by itself when the
    run ends and ``Autoplay.exit_code`` holds the exit code.
    """
    return Autoplay(main_window, epochs=epochs, screenshot=screenshot)
