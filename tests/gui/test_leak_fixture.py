"""The leak fixture in ``conftest.py`` fails a test for each kind of leak, naming where it began."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")

LEAKY_TESTS = '''
import multiprocessing, time
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QWidget

KEEP = []

def test_timer():
    timer = QTimer(); timer.start(10_000); KEEP.append(timer)

def test_single_shot():
    QTimer.singleShot(1500, lambda: None)

def test_window():
    window = QWidget(); window.show(); KEEP.append(window)

def test_child():
    child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,)); child.start()
    KEEP.append(child)

def test_clean_single_shot(qtbot):
    fired = []
    QTimer.singleShot(10, lambda: fired.append(1))
    qtbot.waitUntil(lambda: bool(fired))
'''


def test_each_leak_fails_its_test_with_the_call_site(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_leaky=LEAKY_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnraisableExceptionWarning")
    result.assert_outcomes(passed=5, errors=4)
    text = result.stdout.str()
    assert "QTimer(s) active, started at ['test_leaky.py:8']" in text
    assert "single-shot timer(s) pending, started at ['test_leaky.py:11']" in text
    assert "window(s) open: ['QWidget']" in text
    assert "child process(es) alive" in text
