"""The ``shape-explorer`` command: the window, or the headless ``inspect``/``train``/``code`` sub-commands.

``shape-explorer inspect|train|code ...`` goes straight to :func:`core.cli.main` without
importing Qt (fast, and usable on machines without a display). Anything else opens the
window, importing Qt only then::

    shape-explorer [FILE] [--demo [NAME]] [--check-model MODEL] [--screenshot PATH] [--size WxH] [--autoplay] [layout options]

``FILE`` opens directly (no import wizard), with the layout options if given. ``--demo NAME``
opens a bundled demo; ``--demo`` alone lists the demos and opens the first.
``--screenshot PATH`` saves a PNG of the window once the data is shown, then exits
(0 on success, 2 when the file cannot be read, 1 on an internal error or time-out).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from core.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK  # the same codes as the sub-commands
from core.cli.app import COMMAND_NAMES as SUBCOMMANDS

SCREENSHOT_TIMEOUT_MS = 90_000


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1400x900") from None
    if not (200 <= width <= 10_000 and 200 <= height <= 10_000):
        raise argparse.ArgumentTypeError(f"'{text}' is outside 200x200 … 10000x10000")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    from core.cli.arguments import add_layout_options

    parser = argparse.ArgumentParser(
        prog="shape-explorer",
        description="Open Shape Explorer's window. For scripting use the sub-commands: "
        "shape-explorer inspect|train|code FILE ... (see shape-explorer inspect --help).",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="a data file to open right away")
    parser.add_argument("--demo", nargs="?", const="", metavar="NAME",
                        help="open a bundled demo (alone: list the demos and open the first)")
    parser.add_argument("--screenshot", metavar="PATH", help="save a PNG of the window once the data is shown, then exit")
    parser.add_argument("--size", type=_size, default=(1400, 900), metavar="WxH",
                        help="window size for --screenshot (default 1400x900)")
    parser.add_argument("--view", metavar="NAME", type=str.lower,
                        help="tab to show once the data is loaded: tensor, sample, padding, windows, values, model or training")
    parser.add_argument("--check-model", metavar="MODEL",
                        help="once the data is shown, check your own model (.keras, .h5, .json or .py) against it")
    parser.add_argument("--autoplay", action="store_true",
                        help="train the default model on the data right away (with --screenshot: save when done, exit)")
    add_layout_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``shape-explorer``; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    if command in SUBCOMMANDS and args_list and (args_list[0] in SUBCOMMANDS or args_list[0] == "--debug"):
        from core.cli import main as cli_main

        return cli_main(args_list)
    try:
        args = build_parser().parse_args(args_list)
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_BAD_INPUT
    return run_window(args)


def missing_screen_message(environ: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """A sentence saying what to do when Linux has no screen to open a window on, else None.

    Without this, Qt aborts with "no Qt platform plugin could be initialized … reinstalling
    the application may fix this problem", which sends people the wrong way.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("shape-explorer: there is no screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "On a server, run it on a virtual screen: xvfb-run -a shape-explorer ... (add --screenshot PATH to save "
            "a picture), or use the sub-commands inspect, train and code, which need no window.")


def run_window(args: argparse.Namespace) -> int:
    """Open the window as the arguments say and run the event loop."""
    from core.cli.arguments import options_from_args
    from core.options import LoadOptions, PaddingOptions
    from gui.demos import find_demo, list_demos

    # The demos are listed and checked before anything needs a screen, so `--demo` alone and a
    # mistyped name answer on a server too.
    demos = list_demos()
    demo_name = args.demo
    if demo_name == "":
        if not demos:
            print("No bundled demos are installed.", file=sys.stderr)
            return EXIT_BAD_INPUT
        print("Bundled demos (open one with --demo NAME):")
        for demo in demos:
            print(f"  {demo.name:<14} {demo.title}")
        demo_name = demos[0].name
    if demo_name is not None and find_demo(demo_name, demos=demos) is None:
        names = ", ".join(d.name for d in demos) or "none installed"
        print(f"There is no bundled demo called '{demo_name}'; choose one of: {names}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = missing_screen_message()
    if problem and args.demo == "":  # asked for the list, and got it: nothing to open here
        print("(No screen here to open one on: use xvfb-run -a shape-explorer --demo NAME, or the sub-commands.)")
        return EXIT_OK
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT

    load_options, padding, window_options = options_from_args(args)
    explicit_load = load_options if load_options != LoadOptions() else None
    explicit_padding = padding if padding != PaddingOptions() else None

    from gui.app import create_application, install_exception_hook

    app = create_application([sys.argv[0]])
    hook = install_exception_hook(show_dialog=args.screenshot is None)

    from gui.main_window import MainWindow
    from gui.settings import AppSettings

    settings = None
    temp_dir = None
    if args.screenshot:
        import tempfile

        from PySide6.QtCore import QSettings

        temp_dir = tempfile.TemporaryDirectory(prefix="shape-explorer-shot-")
        settings = AppSettings(QSettings(f"{temp_dir.name}/settings.ini", QSettings.Format.IniFormat))
    window = MainWindow(settings, interactive=args.screenshot is None, demos=demos,
                        budget_bytes=getattr(args, "memory_budget", None))
    window.autoplay = bool(args.autoplay)
    if args.screenshot:
        window.resize(*args.size)

    # The model builder and training tabs (their own modules); they follow window.state.
    from gui.training_workflow import install_training_workflow

    install_training_workflow(window)

    if args.view:
        if _tab_index(window, args.view) is None:
            names = "tensor, sample, padding, windows, values, model, training"
            print(f"shape-explorer: there is no view called '{args.view}'; choose one of: {names}.", file=sys.stderr)
            return EXIT_BAD_INPUT
        window.fileLoaded.connect(_view_switcher(window, args.view))

    if args.check_model:
        if not (args.file or demo_name):
            print("shape-explorer: --check-model needs the data too: shape-explorer DATA --check-model MODEL.", file=sys.stderr)
            return EXIT_BAD_INPUT
        window.fileLoaded.connect(lambda _path: window.user_model.check_path(args.check_model))

    shot = None
    if args.screenshot and not args.autoplay:
        shot = ScreenshotTaker(window, args.screenshot, expect_load=bool(args.file or demo_name))
    window.show()
    if args.file:
        window.open_path(args.file, explicit_load, explicit_padding, window_options, wizard=False)
    elif demo_name is not None:
        window.open_demo(demo_name)
    autoplay = None
    if args.autoplay:
        from gui.autoplay import start_autoplay

        autoplay = start_autoplay(window, screenshot=args.screenshot)
    if shot is not None:
        shot.start()
    code = app.exec()
    if shot is not None:
        code = shot.exit_code
    elif autoplay is not None:
        autoplay.stop()
        if autoplay.exit_code is not None:
            code = autoplay.exit_code
    window.close()
    if hook.count and code == EXIT_OK and shot is not None:
        code = EXIT_INTERNAL
    if temp_dir is not None:
        temp_dir.cleanup()
    return code


def _tab_index(window, name: str) -> int | None:
    """The tab with a word in its title starting with ``name`` ("sample" → "One sample"), or None."""
    for index in range(window.tabs.count()):
        words = window.tabs.tabText(index).replace("&", "").replace("(", " ").lower().split()
        if any(word.startswith(name) for word in words):
            return index
    return None


def _view_switcher(window, name: str):
    def show_named_view(_path: str) -> None:
        window.show_view(_tab_index(window, name))

    return show_named_view


def _screenshot_taker_class():
    from PySide6.QtCore import QObject, QPoint, QTimer, Slot
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication

    class _ScreenshotTaker(QObject):
        """Waits until the window is idle after loading, saves a PNG atomically, and quits."""

        def __init__(self, window, path: str, expect_load: bool) -> None:
            super().__init__(window)
            self.window = window
            self.path = path
            self.expect_load = expect_load
            self.exit_code = EXIT_INTERNAL
            self._done = False
            window.fileLoaded.connect(self._on_loaded)
            window.loadFailed.connect(self._on_failed)
            self._timeout = QTimer(self)
            self._timeout.setSingleShot(True)
            self._timeout.timeout.connect(self._on_timeout)

        def start(self) -> None:
            self._timeout.start(SCREENSHOT_TIMEOUT_MS)
            if not self.expect_load:
                QTimer.singleShot(800, self._grab)

        @Slot(str)
        def _on_loaded(self, _path: str) -> None:
            QTimer.singleShot(1200, self._grab)

        @Slot(str, str)
        def _on_failed(self, _path: str, _message: str) -> None:
            self._finish(EXIT_BAD_INPUT)

        @Slot()
        def _on_timeout(self) -> None:
            print("shape-explorer: the screenshot timed out waiting for the data to load.", file=sys.stderr)
            self._finish(EXIT_INTERNAL)

        @Slot()
        def _grab(self) -> None:
            if self._done:
                return
            if self.window.state.is_busy:
                QTimer.singleShot(300, self._grab)
                return
            for _ in range(5):
                QApplication.processEvents()
            pixmap = self.window.grab()
            view = self.window.tensor_view
            if getattr(view, "uses_gl", False) and view.isVisible() and hasattr(view, "grab_image"):
                painter = QPainter(pixmap)
                painter.drawPixmap(view.mapTo(self.window, QPoint(0, 0)), view.grab_image())
                painter.end()
            from core.atomic import atomic_path

            try:
                with atomic_path(self.path, suffix=".png") as tmp:
                    if not pixmap.save(str(tmp), "PNG"):
                        raise OSError(f"Qt could not write a PNG to {tmp}")
            except OSError as error:
                print(f"shape-explorer: could not save the screenshot to {self.path}: {error}", file=sys.stderr)
                self._finish(EXIT_INTERNAL)
                return
            print(f"Saved a screenshot of the window to {self.path}")
            self._finish(EXIT_OK)

        def _finish(self, code: int) -> None:
            if self._done:
                return
            self._done = True
            self.exit_code = code
            self._timeout.stop()
            QApplication.instance().exit(code)

    return _ScreenshotTaker


def ScreenshotTaker(window, path: str, expect_load: bool):  # noqa: N802 - a lazily defined QObject class
    return _screenshot_taker_class()(window, path, expect_load)


if __name__ == "__main__":
    sys.exit(main())
