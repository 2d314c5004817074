"""BackgroundRunner: results, cancel, and survival of a runner deleted with its window."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject

from gui import workers
from gui.workers import BackgroundRunner


def test_result_arrives_after_the_thread_has_stopped(qtbot):
    runner = BackgroundRunner()
    with qtbot.waitSignal(runner.succeeded, timeout=5000) as blocker:
        runner.submit(lambda progress, cancelled: 42)
    assert blocker.args == [42]
    assert runner.running_thread() is None and not runner.is_busy


def test_newer_request_supersedes_the_running_one(qtbot):
    runner = BackgroundRunner()
    release = threading.Event()
    results = []
    runner.succeeded.connect(results.append)

    def slow(progress, cancelled):
        release.wait(5)
        return "old"

    runner.submit(slow)
    runner.submit(lambda progress, cancelled: "new")
    release.set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=5000)
    assert results == ["new"]


def test_runner_deleted_with_its_parent_mid_task_is_harmless(qtbot):
    parent = QObject()
    runner = BackgroundRunner(parent)
    release = threading.Event()
    runner.submit(lambda progress, cancelled: release.wait(5))
    run = next(iter(workers._LIVE_RUNS))
    shiboken6.delete(parent)  # the window goes away while the task still runs
    assert not shiboken6.isValid(runner)
    del runner, parent
    release.set()
    # The thread finishes on its own; nothing is emitted from the deleted runner, nothing raises.
    qtbot.waitUntil(lambda: run not in workers._LIVE_RUNS, timeout=5000)
    assert not run.thread.isRunning()
