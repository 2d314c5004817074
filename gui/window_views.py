"""The main window's data views: the tabs, the side docks, and keeping them in step with the data.

:class:`WindowViews` is a part of :class:`gui.main_window.MainWindow` (a mixin; it has no state
of its own beyond the widgets it builds). It builds the five data views as tabs behind the
welcome screen, the Shape doctor and Dataset docks, passes every new snapshot of
``self.state`` to each of them, makes a pick in one view (a sample, padding, windows) the pick
of all, and adds the workflow tabs (:meth:`add_workflow_tab`).

It uses from the window: ``state`` (:class:`~gui.tensor_state.TensorState`), ``_demos``,
``shape_bar``, the actions (``view_actions``, ``view_menu``, ``_action``, ``_update_actions``),
the file handling the welcome screen asks for (``open_file_dialog``, ``open_demo``,
``_open_recent_path``), the undo tracking (``_push_change``, ``_apply_padding``,
``_apply_window``, ``_setting_spec``), ``_syncing_views``, ``_dock_visibility`` and
``tensorChanged``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QStackedWidget, QTabWidget, QWidget

from core.options import PaddingOptions, WindowOptions
from gui.dataset_details import DatasetDetails
from gui.doctor_panel import DoctorPanel
from gui.views.hover import StatusReadout
from gui.welcome import WelcomeScreen

VIEW_TITLES = ("Tensor (3-D)", "One sample", "Padding", "Windows", "Values")


def _scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: it fills the space, and scrolls below its minimum size."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


class WindowViews:
    """The data views of the main window: tabs, docks, and the data → views → data wiring."""

    def _build_central(self, use_gl: bool | None) -> None:
        from gui.views.colour_by import ColourBy
        from gui.views.padding_preview import PaddingPreview
        from gui.views.sample_view import SampleView
        from gui.views.tensor_view_3d import TensorView3D
        from gui.views.values_view import ValuesView
        from gui.views.window_designer import WindowDesigner

        self.welcome = WelcomeScreen(self._demos)
        self.welcome.openRequested.connect(self.open_file_dialog)
        self.welcome.demoRequested.connect(self.open_demo)
        self.welcome.recentRequested.connect(self._open_recent_path)

        self.colour_by = ColourBy(parent=self)  # Colour by feature / global: one setting, both views
        self.tensor_view = TensorView3D(use_gl=use_gl, colour_by=self.colour_by)
        self.sample_view = SampleView(colour_by=self.colour_by)
        self.padding_view = PaddingPreview()
        self.window_view = WindowDesigner()
        self.values_view = ValuesView()
        self.tensor_view.selectionChanged.connect(self._on_selection_changed)
        self.sample_view.sampleChanged.connect(self._on_sample_picked)
        self._status_readout = StatusReadout(self.statusBar())  # what the pointer is over, from every plot
        for view in (self.tensor_view, self.sample_view, self.padding_view, self.window_view):
            view.valueHovered.connect(self._show_hovered_value)
        self.values_view.sampleChanged.connect(self._on_sample_picked)
        self.padding_view.optionsChanged.connect(self._on_padding_options)
        self.padding_view.maxlenChanged.connect(self._on_maxlen)
        self.window_view.optionsChanged.connect(self._on_window_options)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("viewTabs")
        self.tabs.setDocumentMode(True)
        tips = (
            "The tensor as a 3-D block: samples × timesteps × features. Grey is padding. (Ctrl+1)",
            "One sample (one sequence) drawn over time, feature by feature. (Ctrl+2)",
            "How padding and truncation make every sequence the same length. (Ctrl+3)",
            "How a single long series is cut into windows, each one sample. (Ctrl+4)",
            "The numbers the model receives: one sample (steps × features) or one feature for every sample. (Ctrl+5)",
        )
        pages = (self.tensor_view, self.sample_view, _scrollable(self.padding_view), _scrollable(self.window_view),
                 self.values_view)
        for view, title, tip in zip(pages, VIEW_TITLES, tips):
            index = self.tabs.addTab(view, title)
            self.tabs.setTabToolTip(index, tip)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

    def _build_docks(self) -> None:
        self.doctor_panel = DoctorPanel()
        self.doctor_panel.copied.connect(self._on_code_copied)
        self.doctor_dock = QDockWidget("Shape doctor", self)
        self.doctor_dock.setObjectName("doctorDock")
        self.doctor_dock.setWidget(self.doctor_panel)
        self.doctor_dock.setToolTip("Common LSTM shape mistakes found in this data, each with the code that fixes it.")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.doctor_dock)

        self.details = DatasetDetails()
        self.details_dock = QDockWidget("Dataset", self)
        self.details_dock.setObjectName("detailsDock")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
        self.splitDockWidget(self.doctor_dock, self.details_dock, Qt.Orientation.Vertical)

    def add_workflow_tab(self, widget: QWidget, title: str, tooltip: str = "") -> int:
        """Add a workflow tab (e.g. "Model & training") after the data views; returns its index.

        Tabs added here get the next Ctrl+<number> shortcut and follow the window's lifetime;
        read the current data from ``self.state`` and connect ``aboutToClose`` to stop workers.
        The widget sits in a scroll area, so a wide panel scrolls in a small window instead of
        squeezing the side panels.
        """
        index = self.tabs.addTab(_scrollable(widget), title)
        if tooltip:
            self.tabs.setTabToolTip(index, tooltip)
        if index < 9:
            action = self._action(title, self._on_view_action, f"Ctrl+{index + 1}", tooltip or title)
            action.setData(index)
            self.view_actions.append(action)
            self.addAction(action)
            first_separator = next((a for a in self.view_menu.actions() if a.isSeparator()), None)
            self.view_menu.insertAction(first_separator, action)
        return index

    def current_view(self) -> int:
        """The index of the tab shown (see :meth:`show_view`)."""
        return int(self.tabs.currentIndex())

    def show_view(self, index: int) -> None:
        """Switch to view ``index`` (0 tensor, 1 sample, 2 padding, 3 windows, then workflow tabs)."""
        if 0 <= index < self.tabs.count() and self.tabs.isTabEnabled(index):
            if self.state.snapshot is not None:
                self.stack.setCurrentWidget(self.tabs)
            self.tabs.setCurrentIndex(index)

    # ---- state → views -----------------------------------------------------------------------------------
    @Slot()
    def _on_state_changed(self) -> None:
        # Until _on_data_update_done: the model builder follows the new data, which is not an edit to undo.
        self._setting_spec = True
        snapshot = self.state.snapshot
        if snapshot is None:
            return
        shaped, report, dataset = snapshot.shaped, snapshot.report, snapshot.dataset
        self._syncing_views = True
        try:
            self.shape_bar.set_data(shaped)
            self.doctor_panel.set_diagnoses(snapshot.diagnoses)
            self.details.set_report(report)
            self.tensor_view.set_data(shaped)
            self.sample_view.set_data(shaped)
            self.values_view.set_data(shaped)
            is_series = dataset.kind == "series"
            if is_series:
                self.window_view.set_series(dataset.values, dataset.feature_names)
                if snapshot.shaped.window is not None:
                    self.window_view.set_options(snapshot.shaped.window)
            else:
                self.padding_view.set_data(shaped, snapshot.report_dict)
            self.tabs.setTabEnabled(2, not is_series)
            self.tabs.setTabEnabled(3, is_series)
            self.tabs.setTabToolTip(2, "How padding and truncation make every sequence the same length. (Ctrl+3)"
                                    if not is_series else "A single series is cut into windows, so there is no "
                                    "padding: see the Windows view.")
            self.tabs.setTabToolTip(3, "How a single long series is cut into windows, each one sample. (Ctrl+4)"
                                    if is_series else "Only for a single long series (forecasting); this data "
                                    "already has one sequence per sample.")
            if not self.tabs.isTabEnabled(self.tabs.currentIndex()):
                self.tabs.setCurrentIndex(0)
        finally:
            self._syncing_views = False
        name = Path(snapshot.path).name if snapshot.path else "(in memory)"
        self.setWindowTitle(f"{name} — Shape Explorer")
        self.stack.setCurrentWidget(self.tabs)
        self._show_docks()
        self._update_actions()
        self.tensorChanged.emit()

    # ---- view → state -----------------------------------------------------------------------------------
    @Slot(int, int, int)
    def _on_selection_changed(self, sample: int, _timestep: int, _feature: int) -> None:
        self.sample_view.set_sample(sample)
        self.values_view.set_sample(sample)

    @Slot(str)
    def _show_hovered_value(self, text: str) -> None:
        """The value under the pointer in the status bar (as napari does); nothing when it leaves the data."""
        self._status_readout.show(text)

    @Slot(int)
    def _on_sample_picked(self, sample: int) -> None:
        """A view's sample box changed: every view follows (the 3-D view highlights it)."""
        self.tensor_view.set_selection(sample=sample)
        self.sample_view.set_sample(sample)
        self.values_view.set_sample(sample)

    @Slot(object)
    def _on_padding_options(self, options: PaddingOptions) -> None:
        if not self._syncing_views and options != self.state.padding:
            self._push_change("Change padding", self._apply_padding, self.state.padding, options)

    @Slot(int)
    def _on_maxlen(self, maxlen: int) -> None:
        if not self._syncing_views and self.state.padding is not None and self.state.padding.maxlen != int(maxlen):
            self._push_change("Change maxlen", self._apply_padding, self.state.padding,
                              replace(self.state.padding, maxlen=int(maxlen)), merge="maxlen")

    @Slot(object)
    def _on_window_options(self, options: WindowOptions) -> None:
        if not self._syncing_views and options != self.state.window:
            self._push_change("Change windows", self._apply_window, self.state.window, options, merge="window")

    # ---- the side docks -----------------------------------------------------------------------------------
    def _fit_docks_to_content(self) -> None:
        """Give the doctor the height its findings need (within limits) and the rest to the dataset facts."""
        if self.doctor_dock.isHidden() or self.details_dock.isHidden() or self.doctor_dock.isFloating():
            return
        total = self.doctor_dock.height() + self.details_dock.height()
        if total <= 0:
            return
        wanted = self.doctor_panel.preferred_height(self.doctor_dock.width()) + 40
        doctor = int(max(140, min(wanted, 0.68 * total)))
        self.resizeDocks([self.doctor_dock, self.details_dock], [doctor, total - doctor], Qt.Orientation.Vertical)

    def _show_docks(self) -> None:
        if self._dock_visibility is not None:
            for dock, visible in self._dock_visibility.items():
                dock.setVisible(visible)
            self._dock_visibility = None
