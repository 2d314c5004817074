"""The main window: opening files every way, errors, cancel, recent files, views and layout memory."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel, QMessageBox

from core.errors import LoadCancelled
from core.loaders import load as real_load
from core.options import PaddingOptions, WindowOptions
from gui.demos import list_demos
from gui.main_window import MainWindow
from gui.settings import AppSettings

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    """Capture error dialogs instead of blocking on them."""
    shown: list[tuple[str, str]] = []

    def fake_critical(parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", fake_critical)
    return shown


def make_window(qtbot, **kwargs) -> MainWindow:
    window = MainWindow(use_gl=False, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot, errors) -> MainWindow:
    return make_window(qtbot)


def write_long_csv(folder: Path, name: str = "steps.csv") -> Path:
    """Three sequences of 4, 3 and 2 steps with two features and a class label."""
    rows = ["id,t,a,b,label"]
    for sid, (length, label) in enumerate([(4, "up"), (3, "down"), (2, "up")]):
        rows += [f"s{sid},{t},{sid + t * 0.25},{t * 1.5},{label}" for t in range(length)]
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def open_and_wait(qtbot, window: MainWindow, path: Path, **kwargs) -> None:
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        window.open_path(path, wizard=False, **kwargs)
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)


def test_opening_a_file_shows_its_shape(qtbot, window, tmp_path):
    path = write_long_csv(tmp_path)
    assert window.stack.currentWidget() is window.welcome
    open_and_wait(qtbot, window, path)

    assert window.shape_bar.text() == "(3 samples, 4 timesteps, 2 features) → input_shape=(4, 2)"
    assert window.shape_bar.keras_input_code() == "keras.Input(shape=(4, 2))"
    assert window.stack.currentWidget() is window.tabs
    assert window.windowTitle().startswith("steps.csv")
    assert window.state.shaped.x.shape == (3, 4, 2)
    assert "steps.csv" in window.details.toPlainText()
    assert not window.doctor_dock.isHidden()
    assert "steps.csv" in window.statusBar().currentMessage()


def test_copy_button_puts_the_keras_line_on_the_clipboard(qtbot, window, tmp_path):
    from PySide6.QtGui import QGuiApplication

    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    window.copy_input_action.trigger()
    assert QGuiApplication.clipboard().text() == "keras.Input(shape=(4, 2))"


def test_dropping_a_file_opens_it_through_the_wizard(qtbot, window, tmp_path):
    path = write_long_csv(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)

    wizard = window.current_wizard
    assert wizard is not None, "a CSV opens through the import wizard"
    qtbot.waitUntil(lambda: wizard.loaded_dataset() is not None, timeout=10000)
    with qtbot.waitSignal(window.fileLoaded, timeout=10000):
        wizard.accept()
    assert window.shape_bar.text().startswith("(3 samples, 4 timesteps, 2 features)")
    assert window.current_wizard is None


def test_drag_enter_accepts_files_only(qtbot, window, tmp_path):
    from PySide6.QtGui import QDragEnterEvent

    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(write_long_csv(tmp_path)))])
    text = QMimeData()
    text.setText("hello")
    for mime, accepted in ((files, True), (text, False)):
        event = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        window.dragEnterEvent(event)
        assert event.isAccepted() is accepted


def test_bad_file_shows_one_sentence_and_the_window_keeps_working(qtbot, window, errors, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"a,b\n1,\x00\x00\x00\x012\n")
    with qtbot.waitSignal(window.loadFailed, timeout=10000):
        window.open_path(bad, wizard=False)
    assert len(errors) == 1
    title, message = errors[0]
    assert "broken.csv" in title and "broken.csv" in message
    assert "Traceback" not in message and "\n" not in message
    assert window.stack.currentWidget() is window.welcome  # nothing half-loaded is shown

    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    assert window.shape_bar.text().startswith("(3 samples")
    assert len(errors) == 1


def test_a_bad_file_after_a_good_one_keeps_the_good_data(qtbot, window, errors, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    with qtbot.waitSignal(window.loadFailed, timeout=10000):
        window.open_path(tmp_path, wizard=False)  # a directory
    assert errors and tmp_path.name in errors[0][1]
    assert window.state.path.endswith("steps.csv")
    assert window.shape_bar.text().startswith("(3 samples")


def slow_loader_for(slow_name: str, started: list[str]):
    """A loader that waits on ``cancelled()`` for files called ``slow_name`` and loads others normally."""

    def loader(path, options=None, *, budget_bytes=None, progress=None, cancelled=None):
        if Path(path).name != slow_name:
            return real_load(path, options, budget_bytes=budget_bytes, progress=progress, cancelled=cancelled)
        started.append(str(path))
        deadline = time.monotonic() + 20
        while not cancelled() and time.monotonic() < deadline:
            progress(0.3)
            time.sleep(0.005)
        raise LoadCancelled(path)

    return loader


def test_cancel_a_slow_load_leaves_no_thread(qtbot, errors, tmp_path):
    started: list[str] = []
    window = make_window(qtbot, loader=slow_loader_for("slow.csv", started))
    slow = write_long_csv(tmp_path, "slow.csv")
    window.open_path(slow, wizard=False)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    thread = window.state.runner.running_thread()
    assert thread is not None and thread.isRunning()
    assert window.cancel_button.isVisible() and window.progress_bar.isVisible()

    with qtbot.waitSignal(window.state.loadCancelled, timeout=5000):
        window.cancel_button.click()
    assert not thread.isRunning()
    assert not window.state.is_busy
    assert not window.cancel_button.isVisible()
    assert window.state.snapshot is None and errors == []
    assert "Stopped reading slow.csv" in window.statusBar().currentMessage()


def test_a_new_file_supersedes_one_still_loading(qtbot, errors, tmp_path):
    started: list[str] = []
    window = make_window(qtbot, loader=slow_loader_for("slow.csv", started))
    window.open_path(write_long_csv(tmp_path, "slow.csv"), wizard=False)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    good = write_long_csv(tmp_path, "good.csv")
    with qtbot.waitSignal(window.fileLoaded, timeout=10000) as blocker:
        window.open_path(good, wizard=False)
    assert blocker.args == [str(good)]
    assert window.state.path == str(good)
    qtbot.waitUntil(lambda: not window.state.is_busy, timeout=5000)
    assert errors == []


def test_closing_while_loading_joins_the_thread(qtbot, errors, tmp_path):
    started: list[str] = []
    window = make_window(qtbot, loader=slow_loader_for("slow.csv", started))
    window.open_path(write_long_csv(tmp_path, "slow.csv"), wizard=False)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    thread = window.state.runner.running_thread()
    window.close()
    assert not thread.isRunning()


def test_an_ambiguous_array_loads_then_asks_for_confirmation(qtbot, window, tmp_path):
    path = tmp_path / "maybe_channels_first.npy"
    np.save(path, np.arange(20 * 3 * 50, dtype=np.float32).reshape(20, 3, 50))
    with qtbot.waitSignal(window.fileLoaded, timeout=10000):
        window.open_path(path)  # no options: .npy loads directly, no wizard first
    wizard = window.current_wizard
    assert wizard is not None, "the loader was unsure about channels-first, so the wizard asks"
    assert not wizard._reasons["channels_first"].text() == ""
    select = wizard.channels_combo.findData(True)
    wizard.channels_combo.setCurrentIndex(select)
    qtbot.waitUntil(lambda: wizard.loaded_dataset() is not None, timeout=10000)
    assert wizard.preview_shape_text() == "(20, 50, 3) → input_shape=(50, 3)"
    with qtbot.waitSignal(window.fileLoaded, timeout=10000):
        wizard.accept()
    assert window.shape_bar.text() == "(20 samples, 50 timesteps, 3 features) → input_shape=(50, 3)"
    assert window.current_wizard is None


def test_an_unambiguous_array_opens_without_the_wizard(qtbot, window, tmp_path):
    path = tmp_path / "plain.npy"
    np.save(path, np.zeros((6, 40, 2), dtype=np.float32))
    with qtbot.waitSignal(window.fileLoaded, timeout=10000):
        window.open_path(path)
    assert window.current_wizard is None
    assert window.shape_bar.text() == "(6 samples, 40 timesteps, 2 features) → input_shape=(40, 2)"


def test_recent_files_are_remembered_and_missing_ones_pruned(qtbot, window, tmp_path):
    first = write_long_csv(tmp_path, "first.csv")
    second = write_long_csv(tmp_path, "second.csv")
    open_and_wait(qtbot, window, first)
    open_and_wait(qtbot, window, second)

    stored = AppSettings().recent_files()  # a fresh reader of the same (temporary) settings file
    assert stored == [str(second.resolve()), str(first.resolve())]
    actions = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.data() for a in actions] == stored

    first.unlink()
    assert AppSettings().recent_files() == [str(second.resolve())]


def test_settings_live_in_the_temporary_folder(settings_dir):
    settings = AppSettings()
    settings.add_recent_file(__file__)
    settings.sync()
    assert Path(settings.file_name).parent == settings_dir
    assert Path(settings.file_name).is_file()


def test_window_geometry_is_restored(qtbot, errors, settings_dir):
    window = make_window(qtbot)
    window.resize(780, 650)  # narrower than the offscreen platform's 800-pixel screen, which restoring clamps to
    window.close()

    again = make_window(qtbot)
    assert (again.width(), again.height()) == (780, 650)


def test_padding_change_reshapes_in_the_background(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    with qtbot.waitSignal(window.tensorChanged, timeout=10000):
        window.state.set_padding(PaddingOptions(maxlen=2, truncating="pre"))
    assert window.shape_bar.text() == "(3 samples, 2 timesteps, 2 features) → input_shape=(2, 2)"
    assert window.state.shaped.truncated.tolist() == [True, True, False]


def test_impossible_window_options_are_refused_with_a_sentence(qtbot, window, errors, tmp_path):
    rows = ["a,b"] + [f"{i},{i * 2}" for i in range(100)]
    path = tmp_path / "series.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    from core.options import LoadOptions

    with qtbot.waitSignal(window.fileLoaded, timeout=10000):
        window.open_path(path, LoadOptions(layout="series"), None, WindowOptions(window=10, stride=5), wizard=False)
    assert window.shape_bar.text().startswith("(18 samples, 10 timesteps, 2 features)")
    assert window.tabs.isTabEnabled(3) and not window.tabs.isTabEnabled(2)

    with qtbot.waitSignal(window.state.shapingFailed, timeout=10000):
        window.state.set_window(WindowOptions(window=500))
    assert errors and "\n" not in errors[-1][1]
    assert window.shape_bar.text().startswith("(18 samples, 10 timesteps")  # the last good tensor stays


def test_demo_opens_with_its_options(qtbot, window):
    demos = {d.name: d for d in list_demos()}
    if "us-change" not in demos:
        pytest.skip("the us-change demo is not bundled")
    with qtbot.waitSignal(window.fileLoaded, timeout=15000):
        assert window.open_demo("us-change")
    assert window.state.dataset.kind == "series"
    assert window.shape_bar.text().endswith("input_shape=(8, 5)")
    assert window.settings.recent_files() == []  # demos do not fill the recent files


def test_unknown_demo_is_an_error_not_a_crash(qtbot, window, errors):
    assert window.open_demo("no-such-demo") is False
    assert errors and "no-such-demo" in errors[0][1]


def test_view_shortcuts_and_workflow_tabs(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    window.view_actions[1].trigger()
    assert window.tabs.currentIndex() == 1
    assert window.view_actions[1].shortcut().toString() == "Ctrl+2"

    panel = QLabel("model")
    index = window.add_workflow_tab(panel, "Model && training", "Build and train an LSTM")
    assert window.tabs.widget(index).widget() is panel  # inside a scroll area
    new_action = window.view_actions[-1]
    assert new_action.shortcut().toString() == f"Ctrl+{index + 1}"
    new_action.trigger()
    assert window.tabs.currentIndex() == index and panel.isVisible()


def test_tooltips_explain_the_shape_numbers(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, write_long_csv(tmp_path))
    bar = window.shape_bar
    assert "first axis" in bar.findChild(QLabel, "shape_samples").toolTip()
    assert "keras.Input" in bar.findChild(QLabel, "shape_input_shape").toolTip()
    for action in (window.open_action, window.cancel_action, window.reimport_action):
        assert action.toolTip()


def test_doctor_panel_shows_cards_with_copyable_fix(qtbot):
    from PySide6.QtGui import QGuiApplication

    from core.doctor import diagnose
    from gui.doctor_panel import DoctorPanel

    panel = DoctorPanel()
    qtbot.addWidget(panel)
    findings = diagnose((32, 100))  # the classic 2-D input
    assert findings
    panel.set_diagnoses(findings)
    card = panel.cards[0]
    assert card.code == findings[0].code
    assert card.code_box.text() == findings[0].fix_code
    card.copy_code()
    assert QGuiApplication.clipboard().text() == findings[0].fix_code
    panel.set_diagnoses([])
    assert panel.cards == [] and "No shape problems" in panel.summary_text()


def test_demos_without_json_fall_back_to_the_data_files(tmp_path):
    (tmp_path / "walk_data.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not data", encoding="utf-8")
    demos = list_demos(tmp_path)
    assert [d.path.name for d in demos] == ["walk_data.csv"]
    assert demos[0].title == "Walk data"
    (tmp_path / "demos.json").write_text("{ not json", encoding="utf-8")
    assert [d.path.name for d in list_demos(tmp_path)] == ["walk_data.csv"]


def test_exception_hook_logs_and_shows_one_dialog(qtbot, errors, settings_dir):
    from gui.app import ExceptionHook, log_path, setup_logging

    setup_logging()
    hook = ExceptionHook(show_dialog=True)
    try:
        raise ValueError("boom in a slot")
    except ValueError:
        hook(*sys.exc_info())
    assert len(errors) == 1 and "boom in a slot" in errors[0][1] and "Traceback" not in errors[0][1]
    import logging

    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_path().read_text(encoding="utf-8")
    assert "Traceback" in text and "boom in a slot" in text
    assert log_path().parent == settings_dir
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_shape_explorer", False)]:
        root.removeHandler(handler)
        handler.close()


def test_about_dialog_shows_version_and_data_licences(qtbot):
    from gui.about import AboutDialog, app_version

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert app_version()
    licences = dialog.licences.toPlainText()
    assert "licence" in licences.lower()


def test_background_runner_cancel_with_a_queued_request(qtbot):
    import threading

    from gui.workers import BackgroundRunner

    runner = BackgroundRunner()
    release = threading.Event()
    seen: list[str] = []
    runner.succeeded.connect(lambda result: seen.append(f"ok {result}"))
    runner.cancelled.connect(lambda: seen.append("cancelled"))
    runner.submit(lambda progress, cancelled: release.wait(5) and "first")
    runner.submit(lambda progress, cancelled: "second")
    runner.cancel()
    release.set()
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=5000)
    assert seen == ["cancelled"]


def test_background_runner_reports_failures_with_the_traceback(qtbot):
    from gui.workers import BackgroundRunner, TaskFailure

    runner = BackgroundRunner()

    def broken(progress, cancelled):
        raise KeyError("missing")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.submit(broken)
    failure = blocker.args[0]
    assert isinstance(failure, TaskFailure) and isinstance(failure.error, KeyError)
    assert "Traceback" in failure.traceback_text
    qtbot.waitUntil(lambda: not runner.is_busy, timeout=5000)


def test_a_table_that_cannot_be_read_opens_the_import_window_instead_of_a_dead_end(qtbot, window, errors, tmp_path):
    path = tmp_path / "meters.csv"
    path.write_text("meter,step,value,note\na,0,1,2\na,1,2,oops\nb,0,3,4\nb,1,4,5\n", encoding="utf-8")
    with qtbot.waitSignal(window.loadFailed, timeout=10000):
        window.open_path(path, wizard=False)
    assert errors == []  # no message box that ends the attempt
    wizard = window.current_wizard
    assert wizard is not None and wizard.path == str(path)
    qtbot.waitUntil(lambda: not wizard.is_busy and wizard.error_text() is not None, timeout=10000)
    assert "'oops'" in wizard.error_text() and "--" not in wizard.error_text()
    assert wizard.roles_table.rowCount() == 4
    assert "--" not in window.statusBar().currentMessage()
    wizard.reject()
