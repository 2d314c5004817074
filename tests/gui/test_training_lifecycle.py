"""Training lifecycle and faults: double Start, stale events, pause/stop, close during a run,
a new file during a run, an exception in a slot, NaN loss, out-of-memory, a crashed or hung
child. Most tests drive the real controller and worker thread with a scripted fake child;
two slow tests spawn the real TensorFlow child with a tiny job.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox

from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.options import LoadOptions, PaddingOptions
from core.training.config import TrainingConfig
from gui import training_controller as tc
from gui.training_panel import TrainingPanel
from gui.training_workflow import CloseGuard
from tests.gui.fake_training import FakeTrainingProcess, scripted_run

WAIT_MS = 10_000
# The offscreen platform says this whenever a top-level widget is shown; it is not ours.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


# ---- helpers -----------------------------------------------------------------------------------
class Dialogs:
    """Records QMessageBox calls instead of showing them; ``answer`` is what question() returns."""

    def __init__(self, monkeypatch, answer=QMessageBox.StandardButton.Yes) -> None:
        self.answer = answer
        self.questions: list[str] = []
        self.warnings: list[str] = []
        self.critical: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._question)
        monkeypatch.setattr(QMessageBox, "warning", self._warning)
        monkeypatch.setattr(QMessageBox, "critical", self._critical)

    def _question(self, parent, title, text, *args, **kwargs):
        self.questions.append(text)
        return self.answer

    def _warning(self, parent, title, text, *args, **kwargs):
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok

    def _critical(self, parent, title, text, *args, **kwargs):
        self.critical.append(text)
        return QMessageBox.StandardButton.Ok


def data_stub(path="/data/seqs.csv"):
    return types.SimpleNamespace(path=path, load_options=LoadOptions(), padding=PaddingOptions(), window=None, shaped=None)


def make_panel(qtbot, script_for=None, **fake_options):
    FakeTrainingProcess.instances.clear()
    controller = tc.TrainingController(
        lambda: FakeTrainingProcess(script_for, **fake_options),
        poll_interval_ms=2,
        stop_grace_s=0.5,  # a fake that ignores stop is declared hung quickly
    )
    panel = TrainingPanel(controller)
    qtbot.addWidget(panel)
    panel.set_data(data_stub())
    panel.set_spec(ModelSpec())
    return panel


@pytest.fixture
def dialogs(monkeypatch):
    return Dialogs(monkeypatch)


@pytest.fixture
def panel(qtbot, dialogs):
    panel = make_panel(qtbot)
    yield panel
    panel.shutdown()


def wait_ready(qtbot, controller):
    controller.ensure_started()
    qtbot.waitUntil(lambda: controller.child_state == tc.CHILD_READY, timeout=WAIT_MS)


# ---- the controller itself ---------------------------------------------------------------------
def test_run_events_reach_the_main_thread_in_order(qtbot, panel):
    controller = panel.controller
    seen = []
    controller.began.connect(lambda begin: seen.append(("begin", begin.epochs)))
    controller.epochEnded.connect(lambda epoch, logs: seen.append(("epoch", epoch)))
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as finished:
        assert panel.start_training() == 1
    assert seen == [("begin", 3), ("epoch", 1), ("epoch", 2), ("epoch", 3)]
    assert finished.args[0]["best_epoch"] == 2
    assert controller.state == tc.IDLE
    job = FakeTrainingProcess.instances[0].jobs[0]
    assert job.path == "/data/seqs.csv" and job.spec == ModelSpec() and job.save_path.endswith(".keras")


def test_second_start_during_training_is_ignored(qtbot, panel):
    run = panel.start_training()
    assert run == 1
    assert not panel.start_button.isEnabled()
    assert panel.start_training() is None  # a second click (or a programmatic call) does nothing
    assert panel.controller.start(object()) is None
    with qtbot.waitSignal(panel.controller.finished, timeout=WAIT_MS):
        pass
    assert len(FakeTrainingProcess.instances[0].jobs) == 1
    assert panel.history["loss"] == pytest.approx([1.0, 0.5, 1 / 3])  # one run's epochs, not two
    assert panel.start_button.isEnabled()


def test_events_of_an_old_run_are_dropped(qtbot, dialogs):
    # 40 batches an epoch: run 2 is still going when the late events of run 1 arrive, however
    # long the main thread takes to set up the plots for it.
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=3, batches=40))
    try:
        _check_old_run_events_are_dropped(qtbot, panel)
    finally:
        panel.shutdown()


def _check_old_run_events_are_dropped(qtbot, panel):
    controller = panel.controller
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
        panel.start_training()
    epochs = []
    controller.epochEnded.connect(lambda epoch, logs: epochs.append(epoch))
    run_two = panel.start_training()
    assert run_two == 2
    # A late event from run 1, delivered now through the worker's queued signal: dropped.
    controller._worker.epochEnded.emit(1, 99, {"loss": 5.0})
    controller._worker.runFinished.emit(1, {"stop_reason": "completed"})
    qtbot.wait(5)
    assert controller.current_run == 2 and controller.is_busy()
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
        pass
    assert 99 not in epochs and epochs == [1, 2, 3]
    assert 99.0 not in panel._epoch_x


def test_pause_resume_and_stop_are_messages_with_matching_buttons(qtbot, dialogs):
    # Slow script: one event per poll, so the run is still going when we press the buttons.
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=50, batches=20), per_poll=1)
    try:
        controller = panel.controller
        with qtbot.waitSignal(controller.epochEnded, timeout=WAIT_MS):
            panel.start_training()
        assert controller.state == tc.RUNNING
        assert (panel.pause_button.isEnabled(), panel.resume_button.isEnabled(), panel.stop_button.isEnabled()) == (True, False, True)
        panel.pause_button.click()
        assert controller.state == tc.PAUSED
        assert (panel.pause_button.isEnabled(), panel.resume_button.isEnabled(), panel.stop_button.isEnabled()) == (False, True, True)
        assert not panel.epochs.isEnabled()  # settings are frozen during a run
        qtbot.waitUntil(lambda: "pause" in FakeTrainingProcess.instances[0].commands, timeout=WAIT_MS)
        pending = FakeTrainingProcess.instances[0].pending
        qtbot.wait(50)
        assert FakeTrainingProcess.instances[0].pending == pending  # nothing flows while paused
        panel.resume_button.click()
        assert controller.state == tc.RUNNING
        qtbot.waitUntil(lambda: FakeTrainingProcess.instances[0].pending < pending, timeout=WAIT_MS)
        with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as finished:
            panel.stop_button.click()
            assert controller.state == tc.STOPPING
            assert not any(b.isEnabled() for b in (panel.start_button, panel.pause_button, panel.resume_button, panel.stop_button))
        assert finished.args[0]["stop_reason"] == "user"
        assert FakeTrainingProcess.instances[0].commands[:3] == ["pause", "resume", "stop"]
        assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
        epochs_seen = len(panel.history["loss"])
        assert panel.progress.format() == f"Stopped after {epochs_seen} of 50 epochs"
    finally:
        panel.shutdown()


def test_a_stop_mid_epoch_shows_only_complete_epochs_and_says_stopped(qtbot, dialogs):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=200, batches=10), per_poll=1)
    try:
        controller = panel.controller
        epochs = []
        controller.epochEnded.connect(lambda epoch, logs: epochs.append(epoch))
        panel.start_training()
        qtbot.waitUntil(lambda: len(epochs) >= 2, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: panel._progress[1] not in (0, 10), timeout=WAIT_MS)  # some batches into the next epoch
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
            panel.stop_training()
        result = finished.args[0]
        kept = result["epochs_run"]
        assert kept == len(epochs) and result["history"]["loss"] and len(result["history"]["loss"]) == kept
        assert len(panel.history["loss"]) == kept and len(panel.curves.loss.getData()[0]) == kept
        assert panel.progress.format() == f"Stopped after {kept} of 200 epochs"
        assert "User" not in panel.progress.format() and "Stopped by you" in panel.results.summary.text()
    finally:
        panel.shutdown()


# ---- faults ----------------------------------------------------------------------------------
def test_nan_loss_ends_the_run_with_a_clear_message(qtbot, dialogs):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=5, nan_at_epoch=3))
    try:
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
            panel.start_training()
        assert finished.args[0]["stop_reason"] == "nan_loss"
        assert len(dialogs.warnings) == 1 and "NaN" in dialogs.warnings[0] and "learning rate" in dialogs.warnings[0]
        assert "NaN" in panel.status.text()
        assert panel.curves.markers and panel.curves.markers[0][1].value() == 2  # last good epoch
        assert panel.start_button.isEnabled()
    finally:
        panel.shutdown()


def test_out_of_memory_in_the_child_is_reported_and_the_panel_recovers(qtbot, dialogs):
    oom = "Training ran out of memory: use a smaller batch size, fewer units or a shorter maxlen."
    scripts = iter([scripted_run(epochs=3, error=oom, error_at_epoch=2), scripted_run(epochs=2)])
    panel = make_panel(qtbot, lambda job: next(scripts))
    try:
        with qtbot.waitSignal(panel.runFailed, timeout=WAIT_MS) as failed:
            panel.start_training()
        assert failed.args[0] == oom
        assert dialogs.warnings == [oom]
        assert panel.progress.format() == "Failed" and "out of memory" in panel.log.toPlainText()
        assert panel.start_button.isEnabled()
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
            panel.start_training()  # the same child trains the next job
        assert len(FakeTrainingProcess.instances) == 1
    finally:
        panel.shutdown()


def test_a_crashed_child_is_reported_and_replaced(qtbot, dialogs):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=200, batches=10), per_poll=1)
    try:
        with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
            panel.start_training()
        first = FakeTrainingProcess.instances[0]
        with qtbot.waitSignal(panel.runFailed, timeout=WAIT_MS) as failed:
            first.kill()  # as if the OS killed it (exit code -9)
        assert "stopped unexpectedly (exit code -9)" in failed.args[0]
        assert dialogs.warnings and "stopped unexpectedly" in dialogs.warnings[0]
        qtbot.waitUntil(lambda: len(FakeTrainingProcess.instances) == 2 and panel.controller.child_state == tc.CHILD_READY, timeout=WAIT_MS)
        assert first.closed
        # The panel still works with the new child:
        with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
            assert panel.start_training() is not None
        assert FakeTrainingProcess.instances[1].jobs
    finally:
        panel.shutdown()


def test_a_child_that_ignores_stop_is_killed_and_replaced(qtbot, dialogs):
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=500, batches=10), per_poll=1, ignore_stop=True)
    try:
        with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
            panel.start_training()
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS) as finished:
            panel.stop_training()
        assert finished.args[0]["stop_reason"] == "user" and "restarted" in finished.args[0]["message"]
        assert "kill" in FakeTrainingProcess.instances[0].commands
        qtbot.waitUntil(lambda: len(FakeTrainingProcess.instances) == 2, timeout=WAIT_MS)
        assert panel.start_button.isEnabled()
    finally:
        panel.shutdown()


def test_a_child_that_cannot_start_disables_training_with_a_message(qtbot, dialogs):
    def broken_factory():
        raise OSError("fork failed")

    controller = tc.TrainingController(broken_factory, poll_interval_ms=2)
    panel = TrainingPanel(controller)
    qtbot.addWidget(panel)
    panel.set_data(data_stub())
    panel.set_spec(ModelSpec())
    try:
        controller.ensure_started()
        qtbot.waitUntil(lambda: controller.child_state == tc.CHILD_FAILED, timeout=WAIT_MS)
        assert dialogs.warnings and "could not be started (fork failed)" in dialogs.warnings[0]
        assert not panel.start_button.isEnabled()
    finally:
        panel.shutdown()


# ---- closing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_close_during_training_asks_then_stops_and_joins(qtbot, monkeypatch, answer):
    dialogs = Dialogs(monkeypatch, answer)
    panel = make_panel(qtbot, lambda job: scripted_run(epochs=500, batches=10), per_poll=1)
    panel.show()
    with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
        panel.start_training()
    thread = panel.controller._thread
    child = FakeTrainingProcess.instances[0]
    closed = panel.close()
    assert len(dialogs.questions) == 1 and "window is closing" in dialogs.questions[0]
    if answer == QMessageBox.StandardButton.No:
        assert not closed and panel.isVisible() and panel.controller.state == tc.RUNNING
        assert thread.isRunning()
        panel.stop_training()
        qtbot.waitUntil(lambda: not panel.is_training(), timeout=WAIT_MS)
        panel.shutdown()
    else:
        assert closed
        assert not thread.isRunning()  # joined: no "QThread: Destroyed while thread is still running"
        assert child.closed and not child.is_alive()
        assert panel.controller.start(object()) is None  # shut down for good
    assert not thread.isRunning()


def test_close_guard_on_a_main_window(qtbot, dialogs):
    panel = make_panel(qtbot)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(panel)
    guard = CloseGuard(panel, window)
    window.installEventFilter(guard)
    window.show()
    wait_ready(qtbot, panel.controller)
    thread = panel.controller._thread
    assert window.close()
    assert dialogs.questions == []  # nothing running: no question, but the worker is joined
    assert not thread.isRunning() and FakeTrainingProcess.instances[0].closed


# ---- an exception in a slot --------------------------------------------------------------------
class Raiser(QObject):
    poked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.poked.connect(self.explode)

    @Slot()
    def explode(self) -> None:
        raise RuntimeError("boom in a slot")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_becomes_a_dialog_and_training_still_works(qtbot, monkeypatch, dialogs, tmp_path):
    from gui import app as gui_app

    monkeypatch.setattr(gui_app, "log_path", lambda: tmp_path / "shape-explorer.log")
    hook = gui_app.ExceptionHook(show_dialog=True)
    monkeypatch.setattr(sys, "excepthook", hook)
    panel = make_panel(qtbot)
    raiser = Raiser()
    try:
        QTimer.singleShot(0, raiser.poked)  # delivered by the event loop, like a real click
        qtbot.waitUntil(lambda: hook.count == 1, timeout=WAIT_MS)
        assert len(dialogs.critical) == 1 and "boom in a slot" in dialogs.critical[0]
        # ... and an exception inside one of the panel's own slots is also just a dialog:
        real_show_result = panel.results.show_result

        def broken_show_result(result):
            raise ValueError("bad result")

        monkeypatch.setattr(panel.results, "show_result", broken_show_result)
        with qtbot.waitSignal(panel.controller.finished, timeout=WAIT_MS):
            panel.start_training()
        qtbot.waitUntil(lambda: hook.count == 2, timeout=WAIT_MS)
        assert "bad result" in dialogs.critical[1]
        monkeypatch.setattr(panel.results, "show_result", real_show_result)
        with qtbot.waitSignal(panel.runFinished, timeout=WAIT_MS):
            assert panel.start_training() is not None  # the app keeps working
        assert panel.results.kind == "confusion"
    finally:
        panel.shutdown()


# ---- a new file during training (with the real main window) -------------------------------------
def _write_long_csv(path: Path, n: int = 40, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    rows = ["id,t,x1,x2,label"]
    for i in range(n):
        length = int(rng.integers(4, 9))
        label = "up" if i % 2 else "down"
        slope = 0.3 if label == "up" else -0.3
        for t in range(length):
            rows.append(f"s{i},{t},{slope * t + rng.normal(0, 0.05):.4f},{rng.normal():.4f},{label}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


LONG_OPTIONS = LoadOptions(layout="long", id_col="id", time_col="t", label_col="label")


@pytest.fixture
def main_window(qtbot, tmp_path, monkeypatch):
    pytest.importorskip("gui.main_window")
    from gui.main_window import MainWindow
    from gui.settings import AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, interactive=True, demos=[], use_gl=False)
    qtbot.addWidget(window)
    yield window
    workflow = getattr(window, "training_workflow", None)
    if workflow is not None:
        workflow.shutdown()
    window.state.shutdown()


def _install(window, script_for):
    from gui.training_workflow import install_training_workflow

    FakeTrainingProcess.instances.clear()
    controller = tc.TrainingController(lambda: FakeTrainingProcess(script_for, per_poll=1), poll_interval_ms=2)
    return install_training_workflow(window, controller)


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_new_file_during_training_asks_and_stops_first(qtbot, monkeypatch, tmp_path, main_window, answer):
    dialogs = Dialogs(monkeypatch, answer)
    workflow = _install(main_window, lambda job: scripted_run(epochs=500, batches=10))
    first, second = _write_long_csv(tmp_path / "first.csv"), _write_long_csv(tmp_path / "second.csv", seed=1)
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(first), LONG_OPTIONS)
    panel = workflow.training_panel
    assert workflow.model_panel.spec().head.task == "binary" and workflow.model_panel.problems() == []
    with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
        assert panel.start_training() is not None
    assert panel.last_job.path == str(first)

    main_window.state.open(str(second), LONG_OPTIONS)
    assert len(dialogs.questions) == 1 and "second.csv" in dialogs.questions[0]
    if answer == QMessageBox.StandardButton.No:
        qtbot.waitUntil(lambda: not main_window.state.is_busy, timeout=WAIT_MS)
        assert main_window.state.path == str(first)  # the load was cancelled, training goes on
        assert panel.controller.state == tc.RUNNING
    else:
        qtbot.waitUntil(lambda: main_window.state.path == str(second) and not panel.is_training(), timeout=WAIT_MS)
        assert "stop" in FakeTrainingProcess.instances[0].commands
        with qtbot.waitSignal(panel.controller.epochEnded, timeout=WAIT_MS):
            assert panel.start_training() is not None
        assert panel.last_job.path == str(second)
        # The new run's curves start afresh: epoch 1's loss first, then only this run's epochs (more may have
        # arrived since the first one under a loaded machine, which is why the whole list is not compared to [1.0]).
        losses = panel.history["loss"]
        assert losses == [1.0 / epoch for epoch in range(1, len(losses) + 1)]


def test_session_round_trip_through_the_window(qtbot, monkeypatch, tmp_path, main_window):
    Dialogs(monkeypatch)
    workflow = _install(main_window, lambda job: scripted_run(epochs=4, batches=3))
    data = _write_long_csv(tmp_path / "walk.csv")
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        main_window.state.open(str(data), LONG_OPTIONS)
    workflow.model_panel.add_layer()
    workflow.model_panel.layer_editors[1].units.setValue(7)
    workflow.training_panel.set_config(TrainingConfig(epochs=4, batch_size=8, seed=5))
    with qtbot.waitSignal(workflow.training_panel.runFinished, timeout=WAIT_MS):
        workflow.training_panel.start_training()
    session_path = tmp_path / "walk.shapesession.json"
    asked_in = []
    monkeypatch.setattr("gui.export_actions.QFileDialog.getSaveFileName",
                        lambda parent, title, start, *a, **k: asked_in.append(start) or (str(session_path), ""))
    assert workflow.exports.save_session() == session_path
    assert asked_in == [str(tmp_path.resolve() / "walk.shapesession.json")]  # starts beside the data, not in ~
    assert main_window.statusBar().currentMessage() == f"Saved the session to {session_path}."
    assert workflow.exports.save_session() == session_path and len(asked_in) == 1  # Ctrl+S again: no dialog
    spec_before, history_before = workflow.model_panel.spec(), workflow.training_panel.history

    # Change everything, then reopen the session.
    workflow.model_panel.reset_to_defaults()
    workflow.training_panel.set_config(TrainingConfig())
    workflow.training_panel.restore_history({})
    with qtbot.waitSignal(main_window.state.loadFinished, timeout=WAIT_MS):
        assert workflow.exports.open_session_path(session_path) is not None
    qtbot.waitUntil(lambda: workflow.model_panel.spec() == spec_before, timeout=WAIT_MS)
    assert workflow.training_panel.config().batch_size == 8 and workflow.training_panel.config().seed == 5
    assert workflow.training_panel.history == history_before
    assert workflow.training_panel.curves.markers  # best epoch marked again


def test_bad_session_files_get_a_dialog(qtbot, monkeypatch, tmp_path, main_window):
    dialogs = Dialogs(monkeypatch)
    workflow = _install(main_window, None)
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    assert workflow.exports.open_session_path(broken) is None
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "shape-explorer-session", "version": 99}', encoding="utf-8")
    assert workflow.exports.open_session_path(newer) is None
    assert len(dialogs.warnings) == 2
    assert "not valid JSON" in dialogs.warnings[0] and "newer Shape Explorer" in dialogs.warnings[1]


# ---- the real training child (slow) -------------------------------------------------------------
def _tiny_spec() -> ModelSpec:
    return ModelSpec(
        input=InputSpec(kind="masking", timesteps=8, features=2, mask_value=0.0),
        layers=(RecurrentLayerSpec("LSTM", 4),),
        head=HeadSpec(task="binary", n_outputs=1),
    )


@pytest.mark.slow
def test_real_child_trains_a_tiny_job_and_the_model_exports(qtbot, dialogs, tmp_path):
    from gui.export_actions import export_training_plots, move_model

    data = _write_long_csv(tmp_path / "tiny.csv")
    panel = TrainingPanel(tc.TrainingController())
    qtbot.addWidget(panel)
    try:
        panel.set_data(types.SimpleNamespace(path=str(data), load_options=LONG_OPTIONS, padding=PaddingOptions(maxlen=8), window=None, shaped=None))
        panel.set_spec(_tiny_spec())
        panel.set_config(TrainingConfig(epochs=2, batch_size=8, validation_split=0.25))
        batches = []
        panel.controller.batchProgress.connect(lambda payload: batches.append(payload))
        with qtbot.waitSignal(panel.runFinished, timeout=180_000) as finished:
            assert panel.start_training() == 1
        result = finished.args[0]
        assert dialogs.warnings == []
        assert result["stop_reason"] == "completed" and result["epochs_run"] == 2
        assert len(panel.history["loss"]) == 2 and len(panel.history["val_loss"]) == 2
        assert batches and batches[-1].total_batches and batches[-1].elapsed > 0
        assert panel.results.kind == "confusion"
        assert len(panel.curves.loss.getData()[0]) == 2
        saved = result["saved_model"]
        assert Path(saved).is_file()
        (tmp_path / "out").mkdir()
        exported = move_model(saved, tmp_path / "out" / "model.keras")
        assert exported.read_bytes()[:2] == b"PK"  # a .keras file is a zip
        from core.recipe import load_recipe

        assert load_recipe(exported).load_options.layout == "long"  # the recipe travels with the model
        pngs = export_training_plots(panel, tmp_path / "curves.png")
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs) and len(pngs) >= 2
    finally:
        panel.shutdown()
    assert not Path(saved).exists()  # temporary models are removed at shutdown


@pytest.mark.slow
def test_real_child_killed_mid_run_is_replaced_and_close_joins(qtbot, dialogs, tmp_path):
    data = _write_long_csv(tmp_path / "tiny.csv", n=60)
    panel = TrainingPanel(tc.TrainingController())
    qtbot.addWidget(panel)
    controller = panel.controller
    panel.set_data(types.SimpleNamespace(path=str(data), load_options=LONG_OPTIONS, padding=PaddingOptions(maxlen=8), window=None, shaped=None))
    panel.set_spec(_tiny_spec())
    panel.set_config(TrainingConfig(epochs=10_000, batch_size=4, early_stopping=False))
    panel.show()
    with qtbot.waitSignal(controller.epochEnded, timeout=180_000):
        panel.start_training()
    worker_process = controller._worker._process
    pid = worker_process.pid
    with qtbot.waitSignal(panel.runFailed, timeout=30_000) as failed:
        os.kill(pid, 9)
    assert "stopped unexpectedly" in failed.args[0]
    qtbot.waitUntil(lambda: controller._worker._process is not None and controller._worker._process is not worker_process, timeout=30_000)
    new_process = controller._worker._process
    qtbot.waitUntil(lambda: controller.child_state == tc.CHILD_READY, timeout=180_000)
    # Close while a run is going: asked, stopped, worker joined, child gone.
    with qtbot.waitSignal(controller.epochEnded, timeout=180_000):
        panel.start_training()
    thread = controller._thread
    assert panel.close()
    assert dialogs.questions and not thread.isRunning()
    assert not new_process.is_alive()
