"""GUI test fixtures: offscreen Qt, and failure for any test that leaks what outlives it.

Like napari's conftest: a widget that leaves a thread, a timer, a pending single-shot timer, a
visible top-level window or a child process behind outlives its test and makes later tests flaky,
so the leak itself fails the test that caused it, naming where the leaked thing was started.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
import weakref

# Widgets render on the offscreen platform; tests that need OpenGL are marked `gl` and run
# under Xvfb (the test command wraps pytest in xvfb-run), where they use the xcb platform.
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

# Every GL widget of the session shares one context group, as the app's own (gui/app.py): pyqtgraph
# caches its shader programs per process, and a GL view in an unshared context (a main window
# made by an earlier test) then crashes the next one inside Mesa.
if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

# A single-shot timer longer than this is a deliberate delay, not work left behind.
SINGLE_SHOT_GRACE_MS = 2000


def _call_site() -> str:
    """Where the test code started the thing (the innermost frame outside this file)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if frame.filename != __file__:
            return f"{os.path.relpath(frame.filename)}:{frame.lineno}"
    return "unknown"


@pytest.fixture(autouse=True)
def settings_dir(tmp_path, monkeypatch):
    """Every window test gets its own settings folder; the user's real settings are never touched."""
    folder = tmp_path / "settings"
    monkeypatch.setenv("SHAPE_EXPLORER_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture
def _test_widgets(monkeypatch):
    """Hold every widget given to ``qtbot.addWidget`` until the test's teardown, then delete it there.

    pytest-qt keeps only a weak reference to them, so a window that a test made with
    ``make_window(qtbot)`` lives on after the test function returns only through reference
    cycles, still shown, until pytest-qt closes it in teardown. The cyclic garbage collector
    may free it in between: inside pytest-qt's processEvents after the call, in the middle of
    that very window's paint event (an ImageItem's render allocates enough to trigger it), so
    Qt deletes the widget being painted and the painter's engine goes with it ("Segmentation
    fault" in ImageItem.paint → QPainter.drawImage). Holding the widgets until the leak
    checks are done, then deleting them at one known point, outside any paint, removes that.
    """
    import pytestqt.qtbot
    import shiboken6

    kept: list = []
    original_add_widget = pytestqt.qtbot._add_widget

    def keeping_add_widget(item, widget, *args, **kwargs):
        kept.append(widget)
        return original_add_widget(item, widget, *args, **kwargs)

    monkeypatch.setattr(pytestqt.qtbot, "_add_widget", keeping_add_widget)
    yield
    for widget in reversed(kept):  # pytest-qt has closed them (pyqtgraph's PlotWidget.close() cannot run twice)
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)
    kept.clear()
    # Collect what the test left here, on the main thread. Otherwise an allocation on the
    # training-worker thread may run the collection, and freeing a Qt object there deadlocked the
    # suite once: PySide's disconnect held Qt's signal-slot lock and waited for the GIL, which
    # the main thread held while waiting for that lock in a connect.
    gc.collect()


@pytest.fixture(autouse=True)
def _fail_on_leaks(monkeypatch, qapp, _test_widgets):
    """Record every QThread/QTimer/single-shot started during the test; fail if any outlives it.

    Also fails on top-level windows the test left visible and on child processes still alive.
    """
    threads: list[tuple[weakref.ref, str]] = []
    timers: list[tuple[weakref.ref, str]] = []
    single_shots: dict[int, str] = {}
    original_thread_start = QThread.start
    original_timer_start = QTimer.start
    original_single_shot = QTimer.singleShot
    windows_before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    children_before = {p.pid for p in multiprocessing.active_children()}

    def recording_thread_start(self, *args, **kwargs):
        threads.append((weakref.ref(self), _call_site()))
        return original_thread_start(self, *args, **kwargs)

    def recording_timer_start(self, *args, **kwargs):
        timers.append((weakref.ref(self), _call_site()))
        return original_timer_start(self, *args, **kwargs)

    def recording_single_shot(*args, **kwargs):
        msec = next((a for a in args if isinstance(a, int)), 0)
        # With a context object Qt drops the call when the object dies, so only context-less
        # callbacks can outlive the widgets they touch.
        has_context = any(isinstance(a, QObject) for a in args)
        if msec > SINGLE_SHOT_GRACE_MS or has_context:
            return original_single_shot(*args, **kwargs)
        key = len(single_shots) + 1
        single_shots[key] = _call_site()
        wrapped = list(args)
        for i, arg in enumerate(wrapped):
            if callable(arg) and not isinstance(arg, (QObject, SignalInstance, str)):
                def fire(callback=arg, key=key):
                    single_shots.pop(key, None)
                    return callback()
                wrapped[i] = fire
                break
        else:  # a receiver + slot-name form: cannot wrap, do not track
            single_shots.pop(key, None)
        return original_single_shot(*wrapped, **kwargs)

    monkeypatch.setattr(QThread, "start", recording_thread_start)
    monkeypatch.setattr(QTimer, "start", recording_timer_start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(recording_single_shot))
    yield
    # Let deleteLater(), queued finished signals and short single-shots run before judging.
    for _ in range(3):
        qapp.processEvents()
    leaked_threads = []
    for ref, site in threads:
        thread = ref()
        try:
            if thread is not None and thread.isRunning():
                leaked_threads.append((thread, site))
        except RuntimeError:  # the C++ object is already gone: not leaked
            pass
    leaked_timers = []
    for ref, site in timers:
        timer = ref()
        try:
            if timer is not None and timer.isActive():
                leaked_timers.append((timer, site))
        except RuntimeError:
            pass
    pending_shots = list(single_shots.values())
    # Qt's tooltip (QToolTip.showText, e.g. a spin box saying its limit) hides when its widget is
    # deleted; the test's widgets live until after these checks (_test_widgets), so hide it here.
    for tip in QApplication.topLevelWidgets():
        if tip.objectName() == "qtooltip_label":
            tip.hide()
    leaked_windows = [w for w in QApplication.topLevelWidgets()
                      if w.isVisible() and id(w) not in windows_before]
    leaked_children = [p for p in multiprocessing.active_children() if p.pid not in children_before]
    for timer, _ in leaked_timers:
        timer.stop()
    for thread, _ in leaked_threads:
        thread.quit()
        thread.wait(5000)
    for window in leaked_windows:
        window.close()
    for child in leaked_children:
        child.kill()
        child.join(5)
    assert not leaked_threads, f"test left QThread(s) running, started at {[s for _, s in leaked_threads]}"
    assert not leaked_timers, f"test left QTimer(s) active, started at {[s for _, s in leaked_timers]}"
    assert not pending_shots, f"test left single-shot timer(s) pending, started at {pending_shots}"
    assert not leaked_windows, f"test left window(s) open: {[type(w).__name__ for w in leaked_windows]}"
    assert not leaked_children, f"test left child process(es) alive: {[p.name for p in leaked_children]}"


@pytest.fixture
def weather_window(qtbot, tmp_path):
    """A window showing a long CSV whose two features have different units (humidity spans 30,
    temperature 0.2): what the per-feature colour scale is for."""
    from gui.main_window import MainWindow

    path = tmp_path / "weather.csv"
    rows = ["station,hour,humidity,temperature"] + [
        f"s{s},{h},{60 + 30 * ((h * 7 + s) % 5) / 4},{0.1 * ((h + s) % 3)}" for s in range(4) for h in range(10)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        window.open_path(path, wizard=False)
    return window
