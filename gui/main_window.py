"""The main window: shape bar on top, data views in the centre, the shape doctor on the side.

Wiring only. :class:`~gui.tensor_state.TensorState` owns the data and does the work in the
background; this window opens files (menu, drag-and-drop, recent files, demos, the import
wizard), shows progress with a Cancel button, passes the current tensor to every view, and
reports errors as one plain sentence in a dialog.

For the panels added later (model builder, training): call :meth:`MainWindow.add_workflow_tab`
and follow ``window.state`` (``TensorState.changed``) or ``window.tensorChanged``; connect
``aboutToClose`` to stop and join any worker of your own.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QWidget,
)

from core.loaders import formats
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.wording import escape_html, plural
from gui.demos import Demo, find_demo, list_demos
from gui.doctor_panel import DoctorPanel
from gui.import_wizard import WIZARD_FORMATS, ImportWizard, uncertain_guesses
from gui.settings import AppSettings
from gui.shape_bar import ShapeBar
from gui.tensor_state import TensorState
from gui.user_model_panel import UserModelController
from gui.views.hover import StatusReadout
from gui.welcome import SUPPORTED_TEXT, WelcomeScreen
from gui.window_terms import in_window_terms

log = logging.getLogger(__name__)

FILE_FILTER = formats.dialog_filter()
VIEW_TITLES = ("Tensor (3-D)", "One sample", "Padding", "Windows", "Values")


class DatasetDetails(QTextBrowser):
    """Key facts about the loaded data: file, lengths, labels, padding, guesses and warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetDetails")
        self.setOpenLinks(False)
        self.setToolTip("Facts about the loaded data and what was guessed while reading it.")
        self.set_report(None)

    def set_report(self, report) -> None:
        if report is None:
            self.setHtml("<p>No data loaded.</p>")
            return
        data = report.to_dict()
        from gui.app import breakable

        # File names break at _ . - (never mid-word) when the dock is narrow.
        rows = [("File", breakable(Path(data["file"]).name, longest=12) if data.get("file") else "(in memory)"),
                ("Read as", _format_words(str(data.get("format"))))]
        if data.get("kind") == "series":
            window = data.get("window") or {}
            rows.append(("Series", f"{data.get('series_length'):,} rows × {data['features']} features"))
            rows.append(("Windows", f"{window.get('window')} steps, every {window.get('stride')}, "
                                    f"target {plural(int(window.get('horizon') or 0), 'step')} ahead"))
            rows.append(("Unused tail", plural(int(data.get('dropped_tail') or 0), 'row')))
        else:
            lengths = data.get("lengths") or {}
            rows.append(("Lengths", f"{lengths.get('min')} to {lengths.get('max')} steps "
                                    f"(mean {float(lengths.get('mean') or 0):.1f})"))
            padding = data.get("padding") or {}
            rows.append(("Padding", f"{padding.get('padding')}, maxlen {padding.get('maxlen')}, "
                                    f"value {padding.get('value')}"))
            rows.append(("Padded cells", f"{float(data.get('padded_fraction') or 0):.1%}"))
            rows.append(("Truncated", plural(int(data.get('truncated') or 0), 'sequence')))
            suggested = data.get("suggested_maxlen") or {}
            if suggested.get("value") is not None:
                rows.append(("Suggested maxlen", f"{suggested['value']} ({suggested.get('percentile')}th percentile, "
                                                 f"truncates {float(suggested.get('truncated_share') or 0):.1%})"))
        labels = data.get("labels")
        if labels:
            classes = labels.get("classes")
            text = f"{labels.get('kind')}" + (f", {len(classes)} classes" if classes else "")
            counts = labels.get("counts")
            if counts:
                text += ": " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:12])
                text += "…" if len(counts) > 12 else ""
            rows.append(("Labels", text))
        elif data.get("kind") != "series":
            rows.append(("Labels", "none found"))
        if data.get("vocabulary_size"):
            rows.append(("Vocabulary", f"{data['vocabulary_size']:,} tokens (0 = padding, 1 = unknown)"))
        vectors = data.get("embeddings")
        if vectors:
            rows.append(("Word vectors", f"{Path(vectors['file']).name} ({vectors['format']}, {vectors['dim']}-d, "
                                         f"{vectors['vectors']:,} vectors)"))
            examples = ", ".join(vectors.get("oov_examples") or [])
            rows.append(("Coverage", f"{vectors['covered']} of {vectors['words']} words, "
                                     f"{float(vectors['coverage']):.1%} of the tokens"
                                     + (f"; missing ({vectors['oov']}): {examples}" if examples else "")))
            rows.append(("Vectors used as", "the features (padded steps masked)" if vectors.get("embed_features")
                         else "a frozen Embedding's initial weights"))
        names = data.get("feature_names") or []
        if names and data.get("kind") != "tokens" and not vectors:
            rows.append(("Features", ", ".join(names[:16]) + ("…" if len(names) > 16 else "")))
        html = ["<table cellspacing='2' cellpadding='2'>"]
        html += [f"<tr><td valign='top'><b>{k}</b></td><td>{escape_html(v)}</td></tr>" for k, v in rows]
        html.append("</table>")
        guesses = data.get("guesses") or []
        if guesses:
            html.append("<p><b>Guessed while reading</b></p><ul style='margin-left: -20px'>")
            html += [f"<li>{escape_html(g['what'])}: {escape_html(str(g['value']))} — {escape_html(g['why'])}</li>" for g in guesses]
            html.append("</ul>")
        warnings = data.get("warnings") or []
        if warnings:
            html.append("<p><b>Warnings</b></p><ul style='margin-left: -20px'>")
            html += [f"<li>{escape_html(w)}</li>" for w in warnings]
            html.append("</ul>")
        self.setHtml("".join(html))


def _scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: it fills the space, and scrolls below its minimum size."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


_FORMAT_WORDS = {
    "csv-long": "CSV, long layout (a row per step)", "csv-wide": "CSV, wide layout (a row per sample)",
    "csv-series": "CSV, one long series", "npy": "NumPy array", "npz": "NumPy archive", "json": "JSON records",
    "jsonl": "JSON Lines records", "text": "text, a sentence per line", "ts": "UEA/UCR .ts time series",
}


def _format_words(fmt: str) -> str:
    """How the details panel names the format: the layout words above, else the registry's title."""
    if fmt in _FORMAT_WORDS:
        return _FORMAT_WORDS[fmt]
    try:
        return formats.get(formats.base_key(fmt)).title
    except KeyError:
        return fmt


class MainWindow(QMainWindow):
    """Shape Explorer's window.

    Signals:
        tensorChanged(): the current data changed (same as ``state.changed``).
        fileLoaded(str): a file finished loading and every view shows it.
        loadFailed(str, str): path and the one-sentence reason (also shown in a dialog).
        errorShown(str, str): title and message of every error shown to the user.
        aboutToClose(): the window is closing; stop and join your workers in a bound slot.
    """

    tensorChanged = Signal()
    fileLoaded = Signal(str)
    loadFailed = Signal(str, str)
    errorShown = Signal(str, str)
    aboutToClose = Signal()

    def __init__(self, settings: AppSettings | None = None, *, loader=None, interactive: bool = True,
                 demos: list[Demo] | None = None, use_gl: bool | None = None,
                 budget_bytes: int | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Shape Explorer")
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings()
        self.interactive = interactive
        self.autoplay = False  # set by `shape-explorer --autoplay`; the training panel may honour it
        self._loader = loader
        self._demos = list_demos() if demos is None else list(demos)
        self._loading_demo = False
        self._review_after_load = False
        self._syncing_views = False
        self.current_wizard: ImportWizard | None = None
        self._closed = False
        self._dock_visibility: dict | None = None
        self._sized_docks = False
        # Undo/redo of shaping options, import settings and the model (gui/undo.py); the stack
        # belongs to one file and starts afresh when another file is opened.
        self.undo_stack = QUndoStack(self)
        self._undo_path: str | None = None
        self._keep_undo_on_load = False  # the next load re-reads the same file (undo/redo, re-import)
        self._setting_spec = False  # the model panel is being set (undo/redo, new data), not edited
        self._model_panel = None
        self._last_spec = None
        self.training_workflow = None  # set by gui.training_workflow.install_training_workflow

        self.state = TensorState(self, loader=loader, budget_bytes=budget_bytes)
        self.state.changed.connect(self._on_state_changed)
        self.state.loadStarted.connect(self._on_load_started)
        self.state.loadFinished.connect(self._on_load_finished)
        self.state.loadFailed.connect(self._on_load_failed)
        self.state.loadCancelled.connect(self._on_load_cancelled)
        self.state.shapingFailed.connect(self._on_shaping_failed)
        self.state.busyChanged.connect(self._on_busy_changed)
        self.state.progressChanged.connect(self._on_progress)

        self._build_actions()
        self._build_central(use_gl)
        self._build_docks()
        self.user_model = UserModelController(self)  # File ▸ Check my model…, the "Your model" dock
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._refresh_recent()
        self._restore_layout()
        self._update_actions()

    # ---- construction --------------------------------------------------------------------------
    def _icon(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    def _action(self, text: str, slot, shortcut=None, tip: str = "", icon=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self._icon(icon))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.open_action = self._action("&Open…", self.open_file_dialog, QKeySequence.StandardKey.Open,
                                        f"Open a data file ({SUPPORTED_TEXT})", sp.SP_DialogOpenButton)
        self.reimport_action = self._action("Import &settings…", self.reopen_with_wizard, "Ctrl+I",
                                            "Change how the current file is read (layout, columns, windows)",
                                            sp.SP_FileDialogDetailedView)
        self.cancel_action = self._action("&Cancel loading", self.cancel_loading, "Esc",
                                          "Stop reading the file; the data shown before stays", sp.SP_BrowserStop)
        self.copy_input_action = self._action("Copy &keras.Input line", self._copy_keras_input, "Ctrl+Shift+C",
                                              "Copy keras.Input(shape=(T, F)) for the current data")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "Close Shape Explorer")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.about_action = self._action("&Help and about", self.show_about, QKeySequence.StandardKey.HelpContents,
                                         "Keyboard shortcuts, version and the licences of the bundled data",
                                         sp.SP_MessageBoxQuestion)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.view_actions: list[QAction] = []
        tips = ("The whole tensor: samples × timesteps × features",
                "One sample's features over time, with its padding",
                "Padding and truncation: lengths, maxlen, mask",
                "Sliding windows over a single series",
                "The numbers themselves: the padded tensor as a table")
        for index, (title, tip) in enumerate(zip(VIEW_TITLES, tips)):
            action = self._action(title, self._on_view_action, f"Ctrl+{index + 1}", tip)
            action.setData(index)
            self.view_actions.append(action)

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

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_menu = file_menu  # the training workflow adds its export and session items here
        file_menu.addAction(self.open_action)
        self.check_model_action = self._action("Check my &model…", self.user_model.choose_file, "Ctrl+M",
                                               "Check your own Keras model (.keras, .h5, .json or .py) against this data; "
                                               "it is read, never run")
        file_menu.addAction(self.check_model_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setToolTipsVisible(True)
        self.demos_menu = file_menu.addMenu("&Demos")
        self.demos_menu.setToolTipsVisible(True)
        self.demos_menu.setIcon(self._icon(QStyle.StandardPixmap.SP_DirHomeIcon))
        for demo in self._demos:
            action = self.demos_menu.addAction(demo.title)
            action.setToolTip(demo.description)
            action.setStatusTip(demo.description)
            action.setData(demo.name)
            action.triggered.connect(self._on_demo_action)
        self.demos_menu.setEnabled(bool(self._demos))
        file_menu.addAction(self.reimport_action)
        file_menu.addSeparator()
        file_menu.addAction(self.cancel_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_input_action)

        self.view_menu = bar.addMenu("&View")
        for action in self.view_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.doctor_dock.toggleViewAction())
        self.view_menu.addAction(self.details_dock.toggleViewAction())
        self.view_menu.addSeparator()
        colours_menu = self.view_menu.addMenu("&Colours")
        self.colour_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name, title in (("system", "As the &system"), ("light", "&Light"), ("dark", "&Dark")):
            action = QAction(title, self, checkable=True)
            action.setData(name)
            action.setStatusTip(f"Draw the window in {'the desktop' if name == 'system' else name} colours")
            action.triggered.connect(self._on_colour_action)
            group.addAction(action)
            colours_menu.addAction(action)
            self.colour_actions[name] = action
        self.set_colour_scheme(self.settings.colour_scheme())

        help_menu = bar.addMenu("&Help")
        self.help_menu = help_menu  # menus added later (Training) go before it
        help_menu.addAction(self.about_action)

    def _build_toolbars(self) -> None:
        tools = QToolBar("File")
        tools.setObjectName("fileToolBar")
        tools.setMovable(False)
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addAction(self.open_action)
        demos_button_action = self.demos_menu.menuAction()
        demos_button_action.setToolTip("Open a bundled example data set")
        tools.addAction(demos_button_action)
        button = tools.widgetForAction(demos_button_action)
        if button is not None:
            from PySide6.QtWidgets import QToolButton

            if isinstance(button, QToolButton):
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        tools.addAction(self.reimport_action)
        tools.addSeparator()
        tools.addAction(self.about_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tools)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)

        self.shape_bar = ShapeBar()
        self.shape_bar.copied.connect(self._on_code_copied)
        shape_tools = QToolBar("Tensor shape")
        shape_tools.setObjectName("shapeToolBar")
        shape_tools.setMovable(False)
        shape_tools.setFloatable(False)
        shape_tools.addWidget(self.shape_bar)
        shape_tools.toggleViewAction().setEnabled(False)  # always visible
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, shape_tools)
        self.shape_toolbar = shape_tools

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self._status_readout = StatusReadout(status)  # what the pointer is over, from every plot
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setToolTip("How much of the file has been read")
        self.progress_bar.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setIcon(self._icon(QStyle.StandardPixmap.SP_BrowserStop))
        self.cancel_button.setToolTip("Stop reading this file (Esc); the data shown before stays")
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.cancel_button.setVisible(False)
        status.addPermanentWidget(self.progress_bar)
        status.addPermanentWidget(self.cancel_button)
        status.showMessage("Open a file (Ctrl+O), drop one on the window, or pick a demo.")

    # ---- public API ---------------------------------------------------------------------------
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

    def open_file_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "Open sequence data", self.settings.last_directory(), FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, load_options: LoadOptions | None = None,
                  padding: PaddingOptions | None = None, window: WindowOptions | None = None,
                  *, wizard: bool | None = None) -> None:
        """Open ``path``: through the import wizard when its format involves guesses, else directly.

        ``wizard=None`` decides: the wizard appears for CSV/JSON/text files opened without
        explicit options; other formats load directly and the wizard follows only when the
        loader was unsure. ``wizard=False`` always loads directly (command line, demos).
        """
        text = str(Path(path).expanduser())
        from core.usermodel import error_text_in, is_model_file

        if load_options is None and is_model_file(text):  # a Keras model: checked against the data, not read as data
            self.user_model.check_path(text)
            return
        error_text = error_text_in(text) if load_options is None else None
        if error_text is not None:  # a saved shape error: explained in the doctor, not read as sentences
            self.user_model.explain(error_text)
            self._show_docks()
            self.statusBar().showMessage(f"{Path(text).name} holds a shape error: the shape doctor explains it.", 10000)
            return
        self._loading_demo = False
        if wizard is None:
            wizard = self.interactive and load_options is None and self._format_needs_wizard(text)
            self._review_after_load = self.interactive and load_options is None and not wizard
        else:
            self._review_after_load = False
        if wizard:
            self.show_import_wizard(text, load_options, window)
        else:
            self.state.open(text, load_options, padding, window)

    def open_demo(self, name: str) -> bool:
        """Load the bundled demo ``name`` with its options (no wizard). False if there is no such demo."""
        demo = find_demo(name, demos=self._demos or None)
        if demo is None:
            self.show_error("No such demo", f"There is no bundled demo called '{name}'. "
                            f"Pick one from File ▸ Demos.")
            return False
        self.open_path(demo.path, demo.load_options, None, demo.window_options, wizard=False)
        self._loading_demo = True
        self.statusBar().showMessage(f"Opening the demo '{demo.title}'…")
        return True

    def show_import_wizard(self, path: str, load_options: LoadOptions | None = None,
                           window: WindowOptions | None = None, dataset=None) -> ImportWizard:
        """Show the (non-blocking) import wizard for ``path``; it opens the file when accepted."""
        if self.current_wizard is not None:
            self.current_wizard.reject()
        wizard = ImportWizard(path, load_options, window, dataset, self, loader=self._loader)
        wizard.finished.connect(self._on_wizard_finished)
        self.current_wizard = wizard
        self.statusBar().showMessage(f"Check how {Path(path).name} is read, then press Open.")
        wizard.open()
        return wizard

    def reopen_with_wizard(self) -> None:
        """Re-read the current file with different settings, starting from the current ones."""
        snapshot = self.state.snapshot
        if snapshot is None or not snapshot.path:
            self.open_file_dialog()
            return
        self.show_import_wizard(snapshot.path, snapshot.load_options, snapshot.window)

    def cancel_loading(self) -> None:
        if self.state.is_busy:
            self.state.cancel()
            self.statusBar().showMessage("Cancelling…")

    def show_about(self) -> None:
        from gui.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._about = dialog

    def show_error(self, title: str, message: str) -> None:
        """Tell the user what went wrong in one sentence (never a traceback)."""
        self.statusBar().showMessage(message, 15000)
        self.errorShown.emit(title, message)
        if self.interactive:
            from gui.app import breakable

            QMessageBox.critical(self, title, breakable(message))
        else:
            print(f"shape-explorer: {message}", file=sys.stderr)

    # ---- files ----------------------------------------------------------------------------------------
    def _format_needs_wizard(self, path: str) -> bool:
        from core.errors import ShapeExplorerError
        from core.loaders import detect_format

        try:
            return detect_format(path) in WIZARD_FORMATS
        except ShapeExplorerError:
            return False  # loading reports the problem in the usual way
        except OSError:
            return False

    @Slot(int)
    def _on_wizard_finished(self, result: int) -> None:
        wizard = self.sender()
        if not isinstance(wizard, ImportWizard):
            wizard = self.current_wizard
        if wizard is None:
            return
        if wizard is self.current_wizard:
            self.current_wizard = None
        if result == ImportWizard.DialogCode.Accepted:
            options = wizard.load_options()
            window = wizard.window_options()
            dataset = wizard.loaded_dataset()
            self._review_after_load = False
            snapshot = self.state.snapshot
            if snapshot is not None and snapshot.path == wizard.path:  # the same file read another way
                self._push_change("Change the import settings", self._apply_import,
                                  (snapshot.path, snapshot.load_options, snapshot.window),
                                  (wizard.path, options, window), applied=True)
                self._keep_undo_on_load = True
            if dataset is not None:
                self.state.set_dataset(dataset, options, None, window)
            else:
                self.state.open(wizard.path, options, None, window)
        else:
            snapshot = self.state.snapshot
            name = Path(wizard.path).name
            if snapshot is not None and snapshot.path == wizard.path:  # a review or re-import of the open file
                self.statusBar().showMessage(f"Kept {name} as it was read.", 5000)
            else:
                self.statusBar().showMessage(f"Did not open {name}.", 5000)
        wizard.deleteLater()

    def _open_recent_path(self, path: str) -> None:
        if not Path(path).is_file():
            self.show_error("File not found", f"{Path(path).name} is no longer at {Path(path).parent}; "
                            "it was removed from the recent files.")
            self._refresh_recent()
            return
        self.open_path(path)

    def _on_recent_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._open_recent_path(str(action.data()))

    def _on_demo_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.open_demo(str(action.data()))

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        files = self.settings.recent_files()
        self.recent_menu.clear()
        for index, path in enumerate(files):
            action = self.recent_menu.addAction(f"&{(index + 1) % 10}  {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(self._on_recent_action)
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the list", self._clear_recent)
        self.recent_menu.setEnabled(bool(files))
        self.welcome.set_recent_files(files)

    # ---- drag and drop ----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        path = self._dropped_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_path(path)  # a model file is checked against the data instead (see open_path)

    @staticmethod
    def _dropped_file(mime) -> str | None:
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if isinstance(url, QUrl) and url.isLocalFile():
                return url.toLocalFile()
        return None

    # ---- state → views -----------------------------------------------------------------------------------
    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        self.statusBar().showMessage(f"Reading {Path(path).name}…")

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

    @Slot(str)
    def _on_load_finished(self, path: str) -> None:
        if not self._keep_undo_on_load and path != self._undo_path:
            self.undo_stack.clear()  # undo belongs to one file
        self._undo_path, self._keep_undo_on_load = path, False
        snapshot = self.state.snapshot
        if path and Path(path).is_file() and not self._loading_demo:
            self.settings.add_recent_file(path)
            self._refresh_recent()
        self._loading_demo = False
        if snapshot is not None:
            self.statusBar().showMessage(f"Opened {Path(path).name}: {self.shape_bar.text()}", 10000)
            if self._review_after_load and snapshot.path:
                unsure = uncertain_guesses(snapshot.dataset)
                if unsure:
                    self.show_import_wizard(snapshot.path, snapshot.load_options, snapshot.window, snapshot.dataset)
                    self.statusBar().showMessage(f"Please check: {unsure[0].what} was guessed ({unsure[0].why}).")
        self._review_after_load = False
        self._fit_docks_to_content()
        self.fileLoaded.emit(path)

    @Slot(str, str)
    def _on_load_failed(self, path: str, message: str) -> None:
        self._keep_undo_on_load = False
        self.progress_bar.setVisible(False)  # not left at 0% behind the error dialog
        self.cancel_button.setVisible(False)
        self._loading_demo = False
        self._review_after_load = False
        self.loadFailed.emit(path, message)
        message = in_window_terms(message)
        if self.interactive and path and Path(path).is_file() and self._format_needs_wizard(path):
            # No dead end: a table that could not be read opens in the import window, which keeps
            # its columns on screen and says what to change there.
            self.statusBar().showMessage(message, 15000)
            self.show_import_wizard(path)
            return
        self.show_error(f"Could not open {Path(path).name}" if path else "Could not open the file", message)

    @Slot(str)
    def _on_load_cancelled(self, path: str) -> None:
        self.statusBar().showMessage(f"Stopped reading {Path(path).name}.", 8000)

    @Slot(str)
    def _on_shaping_failed(self, message: str) -> None:
        self.show_error("Cannot shape the data that way", message)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress_bar.setRange(0, 0)  # busy indicator until the first progress report
        self._update_actions()

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(int(round(100 * max(0.0, min(1.0, fraction)))))

    def _update_actions(self) -> None:
        has_data = self.state.snapshot is not None
        self.cancel_action.setEnabled(self.state.is_busy)
        self.reimport_action.setEnabled(has_data and bool(self.state.path))
        self.copy_input_action.setEnabled(has_data)
        if hasattr(self, "check_model_action"):
            self.check_model_action.setEnabled(has_data)
        for action in self.view_actions:
            # A view whose tab is off for this data (Padding for a series, Windows otherwise) is off here too.
            action.setEnabled(has_data and self.tabs.isTabEnabled(int(action.data())))

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

    # ---- colours -----------------------------------------------------------------------------------------
    def set_colour_scheme(self, name: str) -> None:
        """Light, dark or the desktop's colours for the whole app, remembered for next time."""
        from gui.views.theme import COLOUR_SCHEMES, apply_colour_scheme

        name = name if name in COLOUR_SCHEMES else "system"
        apply_colour_scheme(name)
        self.colour_actions[name].setChecked(True)
        self.settings.set_colour_scheme(name)

    def _on_colour_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.set_colour_scheme(str(action.data()))

    # ---- undo/redo ----------------------------------------------------------------------------------------
    def _push_change(self, text: str, apply, old, new, *, merge: str | None = None, applied: bool = False) -> None:
        from gui.undo import ValueChange

        self.undo_stack.push(ValueChange(text, apply, old, new, merge=merge, applied=applied))

    def _apply_padding(self, options: PaddingOptions) -> None:
        self.state.set_padding(options)

    def _apply_window(self, options: WindowOptions | None) -> None:
        if options is not None:
            self.state.set_window(options)

    def _apply_import(self, value: tuple) -> None:
        path, load_options, window = value
        self._keep_undo_on_load = True  # a re-read of the same file keeps the stack
        self.state.open(path, load_options, None, window)

    def track_model_spec(self, panel) -> None:
        """Make ``panel``'s model edits undoable: ``panel.specChanged(spec)`` after each edit,
        ``panel.spec()`` the current spec and ``panel.set_spec(spec)`` to show another."""
        self._model_panel = panel
        self._last_spec = panel.spec()
        panel.specChanged.connect(self._on_spec_edited)
        # Connected after the panel's own data slot, so it runs once the panel has followed the data.
        self.state.changed.connect(self._on_data_update_done)

    @Slot()
    def _on_data_update_done(self) -> None:
        self._setting_spec = False
        self._last_spec = self._model_panel.spec()

    @Slot(object)
    def _on_spec_edited(self, spec) -> None:
        old, self._last_spec = self._last_spec, spec
        if self._setting_spec or old is None or old == spec:
            return
        self._push_change("Change the model", self._apply_spec, old, spec, merge="model", applied=True)

    def _apply_spec(self, spec) -> None:
        self._setting_spec = True
        try:
            self._model_panel.set_spec(spec)
            self._last_spec = spec
        finally:
            self._setting_spec = False

    def _on_view_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.show_view(int(action.data()))

    def _copy_keras_input(self) -> None:
        self.shape_bar.copy_code()

    @Slot(str)
    def _on_code_copied(self, code: str) -> None:
        first = code.strip().splitlines()[0] if code.strip() else ""
        self.statusBar().showMessage(f"Copied to the clipboard: {first}", 5000)

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

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._sized_docks and self.settings.window_state() is None:
            # First run: the side panels take about 30% of the width, the views the rest.
            self._sized_docks = True
            self.resizeDocks([self.doctor_dock], [max(300, int(self.width() * 0.29))], Qt.Orientation.Horizontal)

    # ---- layout persistence and closing ------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        # The side panels have nothing to say before data is loaded: hide them on the welcome screen.
        self._dock_visibility = {dock: not dock.isHidden() for dock in (self.doctor_dock, self.details_dock)}
        for dock in self._dock_visibility:
            dock.hide()

    def _show_docks(self) -> None:
        if self._dock_visibility is not None:
            for dock, visible in self._dock_visibility.items():
                dock.setVisible(visible)
            self._dock_visibility = None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self._closed:
            self._show_docks()  # save the user's dock layout, not the welcome screen's
            self.aboutToClose.emit()
            if self.current_wizard is not None:
                self.current_wizard.reject()
            self.state.shutdown()
            self.settings.save_window(self.saveGeometry(), self.saveState())
            self.settings.sync()
            self._closed = True
        super().closeEvent(event)
