"""The window's current data: file → dataset → shaped tensor → report, and a ``changed`` signal.

:class:`TensorState` is the one object every panel follows (napari's model/view split): it
holds the loaded :class:`~core.dataset.SequenceDataset`, the padding and window options, the
:class:`~core.shaping.tensorize.ShapedData` built from them and the
:class:`~core.report.ShapeReport`, and emits ``changed`` after each consistent update.
Loading and shaping run on a :class:`~gui.workers.BackgroundRunner`, so a big file never
freezes the window; a newer request supersedes an older one.

The work itself is :func:`load_snapshot` / :func:`shape_snapshot`: plain functions calling
``core`` (no Qt), so they are easy to test and to reuse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal, Slot

from core.dataset import SequenceDataset
from core.errors import ShapeExplorerError
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.shaping.tensorize import ShapedData
from core.shaping.windows import default_window as core_default_window
from core.tensor_data import TensorData
from gui.workers import BackgroundRunner, TaskFailure

log = logging.getLogger(__name__)

Loader = Callable[..., SequenceDataset]


@dataclass(frozen=True)
class Snapshot:
    """One consistent state: the data, the options used and everything derived from them."""

    path: str | None
    load_options: LoadOptions
    dataset: SequenceDataset
    padding: PaddingOptions  # as requested (maxlen None = longest); shaped.padding is the effective one
    window: WindowOptions | None
    shaped: ShapedData
    report: Any  # core.report.ShapeReport

    @property
    def report_dict(self) -> dict[str, Any]:
        return self.report.to_dict()

    @property
    def diagnoses(self) -> list[Any]:
        return list(self.report.diagnoses)


class TrainingInput(Protocol):
    """What the training panel reads of the current data: a :class:`Snapshot` is one.

    ``shaped`` may be ``None`` (a stand-in that names only the file and its options): the
    panel then has no tensors to check before a run, and the run shapes the file itself.
    """

    @property
    def path(self) -> str | None: ...

    @property
    def load_options(self) -> LoadOptions: ...

    @property
    def padding(self) -> PaddingOptions: ...

    @property
    def window(self) -> WindowOptions | None: ...

    @property
    def shaped(self) -> TensorData | None: ...


def default_window(dataset: SequenceDataset) -> WindowOptions | None:
    """Window options for a single series (None for anything else): core's rule, as the CLI uses."""
    if dataset.kind != "series":
        return None
    return core_default_window(int(dataset.total_steps))


def shape_snapshot(
    path: str | None,
    load_options: LoadOptions,
    dataset: SequenceDataset,
    padding: PaddingOptions | None,
    window: WindowOptions | None,
    budget_bytes: int | None = None,
) -> Snapshot:
    """Shape ``dataset`` and build its report (raises ShapingError/MemoryBudgetError in plain words)."""
    from core.report import build_report
    from core.shaping.tensorize import shape_dataset

    padding = padding or PaddingOptions()
    if dataset.kind == "series":
        window = window or default_window(dataset)
    else:
        window = None
    shaped = shape_dataset(dataset, padding, window, budget_bytes=budget_bytes)
    report = build_report(dataset, padding, window)
    return Snapshot(path, load_options, dataset, padding, window, shaped, report)


def load_snapshot(
    path: str,
    load_options: LoadOptions,
    padding: PaddingOptions | None,
    window: WindowOptions | None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    loader: Loader | None = None,
    budget_bytes: int | None = None,
) -> Snapshot:
    """Load ``path`` and shape it (loading takes 90% of the progress bar)."""
    if loader is None:
        from core.loaders import load as loader

    def load_progress(fraction: float) -> None:
        if progress is not None:
            progress(0.9 * fraction)

    from core.errors import MemoryBudgetError

    try:
        dataset = loader(path, load_options, budget_bytes=budget_bytes, progress=load_progress, cancelled=cancelled)
    except MemoryBudgetError as error:
        from core.streaming_report import budget_reason, can_stream, sampled_view, streamed_report

        if not can_stream(path, load_options):
            raise
        # Larger than the budget: the core reports it from one streaming pass; the window shows a sample.
        streamed = streamed_report(path, load_options, padding, budget_bytes, reason=budget_reason(error), cancelled=cancelled)
        dataset, padding = sampled_view(streamed, padding)
    if cancelled is not None and cancelled():
        from core.errors import LoadCancelled

        raise LoadCancelled(path)
    snapshot = shape_snapshot(path, load_options, dataset, padding, window, budget_bytes)
    if progress is not None:
        progress(1.0)
    return snapshot


class _Request:
    """A callable task for the runner: loads or re-shapes with fixed arguments."""

    def __init__(self, kind: str, path: str | None, load_options: LoadOptions, padding, window,
                 dataset: SequenceDataset | None, loader: Loader | None, budget_bytes: int | None) -> None:
        self.kind = kind
        self.path = path
        self.load_options = load_options
        self.padding = padding
        self.window = window
        self.dataset = dataset
        self.loader = loader
        self.budget_bytes = budget_bytes

    def __call__(self, progress, cancelled) -> Snapshot:
        if self.kind == "load":
            return load_snapshot(self.path, self.load_options, self.padding, self.window, progress, cancelled,
                                 self.loader, self.budget_bytes)
        return shape_snapshot(self.path, self.load_options, self.dataset, self.padding, self.window,
                              self.budget_bytes)


class TensorState(QObject):
    """The current dataset, options, shaped tensor and report, updated in the background.

    Signals:
        changed(): a new consistent :class:`Snapshot` is available (``snapshot``).
        loadStarted(str): loading of a path began.
        loadFinished(str): the path was loaded and shaped (``changed`` was emitted first).
        loadFailed(str, str): path and the one-sentence reason; the previous data stays.
        loadCancelled(str): loading of the path was cancelled; the previous data stays.
        shapingFailed(str): new padding/window options could not be applied (reason); the
            previous tensor stays.
        busyChanged(bool), progressChanged(float): for the status bar.
    """

    changed = Signal()
    loadStarted = Signal(str)
    loadFinished = Signal(str)
    loadFailed = Signal(str, str)
    loadCancelled = Signal(str)
    shapingFailed = Signal(str)
    busyChanged = Signal(bool)
    progressChanged = Signal(float)

    def __init__(self, parent: QObject | None = None, *, loader: Loader | None = None,
                 budget_bytes: int | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._budget_bytes = budget_bytes
        self._snapshot: Snapshot | None = None
        self._request: _Request | None = None
        self._wanted_padding: PaddingOptions | None = None
        self._wanted_window: WindowOptions | None = None
        self.last_failure: TaskFailure | None = None
        self._runner = BackgroundRunner(self, name="tensor-state")
        self._runner.succeeded.connect(self._on_succeeded)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._runner.busyChanged.connect(self.busyChanged)
        self._runner.progressed.connect(self.progressChanged)

    # ---- what the panels read -------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def dataset(self) -> SequenceDataset | None:
        return self._snapshot.dataset if self._snapshot else None

    @property
    def shaped(self):
        return self._snapshot.shaped if self._snapshot else None

    @property
    def report(self):
        return self._snapshot.report if self._snapshot else None

    @property
    def path(self) -> str | None:
        return self._snapshot.path if self._snapshot else None

    @property
    def load_options(self) -> LoadOptions | None:
        return self._snapshot.load_options if self._snapshot else None

    @property
    def padding(self) -> PaddingOptions | None:
        return self._snapshot.padding if self._snapshot else None

    @property
    def window(self) -> WindowOptions | None:
        return self._snapshot.window if self._snapshot else None

    @property
    def is_busy(self) -> bool:
        return self._runner.is_busy

    @property
    def runner(self) -> BackgroundRunner:
        return self._runner

    # ---- commands -----------------------------------------------------------------------------
    def open(self, path: str | Path, load_options: LoadOptions | None = None,
             padding: PaddingOptions | None = None, window: WindowOptions | None = None) -> None:
        """Load ``path`` in the background (supersedes anything still loading or shaping)."""
        text = str(path)
        self._request = _Request("load", text, load_options or LoadOptions(), padding, window, None,
                                 self._loader, self._budget_bytes)
        self._wanted_padding, self._wanted_window = padding, window
        self.loadStarted.emit(text)
        self._runner.submit(self._request)

    def set_dataset(self, dataset: SequenceDataset, load_options: LoadOptions | None = None,
                    padding: PaddingOptions | None = None, window: WindowOptions | None = None) -> None:
        """Adopt an already loaded dataset (e.g. from the import wizard) and shape it."""
        path = dataset.source.path
        options = load_options or LoadOptions.from_dict(dict(dataset.source.options))
        self._request = _Request("load", path, options, padding, window, dataset, None, self._budget_bytes)
        self._request.kind = "adopt"
        self._wanted_padding, self._wanted_window = padding, window
        self.loadStarted.emit(path or "")
        self._runner.submit(self._request)

    def set_padding(self, padding: PaddingOptions) -> None:
        """Re-shape the current data with new padding options (no-op when unchanged)."""
        self._wanted_padding = padding
        if self._request is not None and self._request.kind in ("load", "adopt") and self.is_busy:
            return  # applied when the load finishes
        if self._snapshot is None or padding == self._snapshot.padding:
            return
        self._reshape(padding, self._snapshot.window)

    def set_window(self, window: WindowOptions) -> None:
        """Re-cut the windows of a single series (no-op when unchanged or not a series)."""
        self._wanted_window = window
        if self._request is not None and self._request.kind in ("load", "adopt") and self.is_busy:
            return
        if self._snapshot is None or self._snapshot.dataset.kind != "series" or window == self._snapshot.window:
            return
        self._reshape(self._snapshot.padding, window)

    def cancel(self) -> None:
        """Stop loading or shaping; the previous data stays."""
        self._runner.cancel()

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Cancel and join the worker thread (call from the window's closeEvent)."""
        return self._runner.shutdown(timeout_ms)

    # ---- internals ------------------------------------------------------------------------------
    def _reshape(self, padding: PaddingOptions | None, window: WindowOptions | None) -> None:
        snap = self._snapshot
        self._request = _Request("shape", snap.path, snap.load_options, padding, window, snap.dataset, None,
                                 self._budget_bytes)
        self._runner.submit(self._request)

    @Slot(object)
    def _on_succeeded(self, snapshot: Snapshot) -> None:
        request = self._request
        self._snapshot = snapshot
        self.last_failure = None
        self.changed.emit()
        if request is not None and request.kind in ("load", "adopt"):
            self.loadFinished.emit(snapshot.path or "")
            # Options changed by the user while the file was loading.
            if self._wanted_padding is not None and self._wanted_padding != request.padding:
                self.set_padding(self._wanted_padding)
            elif self._wanted_window is not None and self._wanted_window != request.window:
                self.set_window(self._wanted_window)

    @Slot(object)
    def _on_failed(self, failure: TaskFailure) -> None:
        self.last_failure = failure
        error = failure.error
        if isinstance(error, ShapeExplorerError):
            message = str(error)
        else:
            log.error("unexpected error while %s:\n%s", "loading" if self._is_load() else "shaping",
                      failure.traceback_text)
            name = Path(self._request.path).name if self._request and self._request.path else "the data"
            message = (f"An internal error stopped Shape Explorer while reading {name} "
                       f"({type(error).__name__}: {error}). The details are in the log file.")
        if self._is_load():
            self.loadFailed.emit(self._request.path or "", message)
        else:
            self.shapingFailed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._is_load():
            self.loadCancelled.emit(self._request.path or "")

    def _is_load(self) -> bool:
        return self._request is not None and self._request.kind in ("load", "adopt")

