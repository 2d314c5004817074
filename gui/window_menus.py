"""The main window's actions, menus, toolbars and status bar.

:class:`WindowMenus` is a part of :class:`gui.main_window.MainWindow` (a mixin): it makes the
actions (Open, Import settings, Cancel, Copy keras.Input, the view shortcuts, Quit, Help), puts
them in the File, Edit, View and Help menus and the toolbars (the shape bar is the second
toolbar), keeps the recent-files and demos menus, the status bar's progress and the colour
scheme, and enables each action for the data at hand. Other parts add
items to ``file_menu`` and menus before ``help_menu`` (the training workflow does).

It uses from the window: ``settings``, ``state``, ``undo_stack``, ``user_model``, ``welcome``,
``tabs``, the docks, ``_demos``, ``show_view``, ``show_about`` and the file handling it
triggers (``open_file_dialog``, ``reopen_with_wizard``, ``cancel_loading``, ``open_demo``,
``_open_recent_path``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QProgressBar, QPushButton, QStyle, QToolBar

from gui.shape_bar import ShapeBar
from gui.welcome import SUPPORTED_TEXT
from gui.window_views import VIEW_TITLES


class WindowMenus:
    """The actions of the main window and where they are shown: menus, toolbars, status bar."""

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

    # ---- recent files and demos ---------------------------------------------------------------------------
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
