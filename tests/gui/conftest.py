"""GUI test fixtures: offscreen Qt, and failure for any test that leaks a QThread or QTimer.

Like napari's conftest: a widget that leaves a thread or timer running outlives its test and
makes later tests flaky, so the leak itself fails the test that caused it.
"""

from __future__ import annotations

import os
import weakref

# Widgets render on the offscreen platform; tests that need OpenGL are marked `gl` and run
# under Xvfb (the test command wraps pytest in xvfb-run), where they use the xcb platform.
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")

from PySide6.QtCore import QThread, QTimer  # noqa: E402


@pytest.fixture(autouse=True)
def _fail_on_leaked_threads_and_timers(monkeypatch, qapp):
    """Record every QThread/QTimer started during the test; fail if any still runs at the end."""
    threads: list[weakref.ref] = []
    timers: list[weakref.ref] = []
    original_thread_start = QThread.start
    original_timer_start = QTimer.start

    def recording_thread_start(self, *args, **kwargs):
        threads.append(weakref.ref(self))
        return original_thread_start(self, *args, **kwargs)

    def recording_timer_start(self, *args, **kwargs):
        timers.append(weakref.ref(self))
        return original_timer_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", recording_thread_start)
    monkeypatch.setattr(QTimer, "start", recording_timer_start)
    yield
    # Let deleteLater() and queued finished signals run before judging.
    for _ in range(3):
        qapp.processEvents()
    leaked_threads = []
    for ref in threads:
        thread = ref()
        try:
            if thread is not None and thread.isRunning():
                leaked_threads.append(thread)
        except RuntimeError:  # the C++ object is already gone: not leaked
            pass
    leaked_timers = []
    for ref in timers:
        timer = ref()
        try:
            if timer is not None and timer.isActive():
                leaked_timers.append(timer)
        except RuntimeError:
            pass
    for timer in leaked_timers:
        timer.stop()
    for thread in leaked_threads:
        thread.quit()
        thread.wait(5000)
    assert not leaked_threads, f"test left {len(leaked_threads)} QThread(s) running"
    assert not leaked_timers, f"test left {len(leaked_timers)} QTimer(s) active: {leaked_timers}"
