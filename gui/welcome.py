"""The first screen, shown while no file is open: open a file, pick a demo, or reopen a recent file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.loaders import formats
from gui.demos import Demo

SUPPORTED_TEXT = formats.supported_text()


class DemoCard(QToolButton):
    """A clickable card: the demo's title in bold and its one-line description."""

    def __init__(self, demo: Demo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.demo = demo
        self.setObjectName(f"demo_{demo.name}")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(84)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        title = QLabel(f"<b>{demo.title}</b>")
        title.setWordWrap(True)
        title.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        description = QLabel(demo.description)
        description.setWordWrap(True)
        description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        description.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        description.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(title)
        layout.addWidget(description, 1)
        self.setToolTip(f"Open the bundled demo '{demo.name}' ({demo.path.name}).\n{demo.description}")
        self.setStyleSheet("DemoCard { text-align: left; }")


class WelcomeScreen(QWidget):
    """Big "Open a file" button, demo cards, recent files and a hint that files can be dropped here."""

    openRequested = Signal()
    demoRequested = Signal(str)
    recentRequested = Signal(str)

    def __init__(self, demos: list[Demo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        page = QWidget()
        scroll.setWidget(page)

        column = QVBoxLayout(page)
        column.setContentsMargins(48, 32, 48, 32)
        column.setSpacing(14)

        title = QLabel("What is the input shape for my LSTM?")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        subtitle = QLabel(
            "Open your sequence file. Shape Explorer reads it, builds the (samples, timesteps, features) tensor an "
            "LSTM needs, shows why it has that shape, and fixes the classic mistakes.")
        subtitle.setWordWrap(True)
        column.addWidget(subtitle)

        row = QHBoxLayout()
        self.open_button = QPushButton("  Open a file…")
        self.open_button.setObjectName("openButton")
        self.open_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.open_button.setIconSize(QSize(24, 24))
        big = self.open_button.font()
        big.setPointSizeF(big.pointSizeF() * 1.25)
        self.open_button.setFont(big)
        self.open_button.setMinimumHeight(48)
        self.open_button.setMinimumWidth(220)
        self.open_button.setDefault(True)
        self.open_button.setToolTip(f"Choose a data file (Ctrl+O). Supported: {SUPPORTED_TEXT}.")
        self.open_button.clicked.connect(self.openRequested)
        row.addWidget(self.open_button)
        drop = QLabel(f"…or drop a file anywhere on this window.<br>Reads {SUPPORTED_TEXT}.")
        drop.setObjectName("dropHint")
        drop.setWordWrap(True)
        drop.setToolTip("Drag a file from your file manager and drop it here to open it.")
        row.addSpacing(16)
        row.addWidget(drop, 1)
        column.addLayout(row)

        self.demo_cards: list[DemoCard] = []
        if demos:
            column.addSpacing(8)
            column.addWidget(self._heading("Try a bundled demo"))
            grid = QGridLayout()
            grid.setSpacing(10)
            for index, demo in enumerate(demos):
                card = DemoCard(demo)
                card.clicked.connect(self._on_demo_clicked)
                grid.addWidget(card, index // 3, index % 3)
                self.demo_cards.append(card)
            for col in range(3):
                grid.setColumnStretch(col, 1)
            column.addLayout(grid)

        column.addSpacing(8)
        self._recent_heading = self._heading("Recent files")
        column.addWidget(self._recent_heading)
        self._recent_box = QVBoxLayout()
        self._recent_box.setSpacing(2)
        column.addLayout(self._recent_box)
        self._recent_buttons: list[QPushButton] = []
        column.addStretch(1)
        self.set_recent_files([])

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        label.setFont(font)
        return label

    def _on_demo_clicked(self) -> None:
        card = self.sender()
        if isinstance(card, DemoCard):
            self.demoRequested.emit(card.demo.name)

    def _on_recent_clicked(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.recentRequested.emit(button.property("path"))

    def set_recent_files(self, paths: list[str]) -> None:
        """Show up to six recent files as flat buttons (the newest first)."""
        for button in self._recent_buttons:
            self._recent_box.removeWidget(button)
            button.deleteLater()
        self._recent_buttons = []
        self._recent_heading.setVisible(bool(paths))
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for path in paths[:6]:
            button = QPushButton(icon, f"{Path(path).name}    —    {Path(path).parent}")
            button.setFlat(True)
            button.setStyleSheet("QPushButton { text-align: left; padding: 3px 6px; }")
            button.setProperty("path", path)
            button.setToolTip(f"Open {path} again")
            button.clicked.connect(self._on_recent_clicked)
            self._recent_box.addWidget(button)
            self._recent_buttons.append(button)
