"""The shape doctor's findings as cards: what is wrong, why, and the code that fixes it.

Each card shows a severity icon, the title, the explanation, the shape before → after, and
the fix code in a read-only monospace box with a Copy button. The findings come from
``core.doctor`` (``Diagnosis`` objects or their ``to_dict()`` form).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from core.wording import escape_html

_SEVERITY_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
_SEVERITY_WORDS = {"error": "Must fix", "warning": "Should check", "info": "Good to know"}


def _field(diagnosis: Any, name: str, default: Any = None) -> Any:
    if isinstance(diagnosis, dict):
        return diagnosis.get(name, default)
    return getattr(diagnosis, name, default)


def format_shape(shape) -> str:
    if shape is None:
        return "?"
    items = ["None" if s is None else str(s) for s in shape]
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"


class CodeBox(QPlainTextEdit):
    """Read-only monospace code that wraps (anywhere, if it must) and is always as tall as its text."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(code, parent)
        self.setObjectName("fixCode")
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)
        self.setToolTip("The code that applies the fix (read-only). Select it, or use Copy code.")
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def _fit_height(self) -> None:
        lines = max(1, int(self.document().size().height()))
        margins = self.contentsMargins()
        height = (lines * self.fontMetrics().lineSpacing() + 2 * int(self.document().documentMargin())
                  + margins.top() + margins.bottom() + 2)
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_height()


class DiagnosisCard(QFrame):
    """One finding with its fix."""

    copied = Signal(str)

    def __init__(self, diagnosis: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("diagnosisCard")
        self.code = str(_field(diagnosis, "code", ""))
        severity = str(_field(diagnosis, "severity", "info"))
        self.fix_code = str(_field(diagnosis, "fix_code", "") or "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)

        header = QHBoxLayout()
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(_SEVERITY_ICONS.get(severity, _SEVERITY_ICONS["info"])).pixmap(size, size))
        icon.setToolTip(f"{_SEVERITY_WORDS.get(severity, severity)} ({severity})")
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(str(_field(diagnosis, "title", "")))
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        title.setObjectName("diagnosisTitle")
        header.addWidget(title, 1)
        layout.addLayout(header)

        explanation = QLabel(str(_field(diagnosis, "explanation", "")))
        explanation.setWordWrap(True)
        explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(explanation)

        before, after = _field(diagnosis, "before_shape"), _field(diagnosis, "after_shape")
        if before is not None or after is not None:
            shapes = QLabel(f"Shape: <b>{format_shape(before)}</b> → <b>{format_shape(after)}</b>")
            shapes.setObjectName("diagnosisShapes")
            shapes.setToolTip("The array's shape before the fix and after it.")
            layout.addWidget(shapes)

        fix_text = str(_field(diagnosis, "fix_text", "") or "")
        if fix_text:
            fix = QLabel(f"<b>Fix:</b> {fix_text}")
            fix.setWordWrap(True)
            fix.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(fix)

        if self.fix_code:
            self.code_box = CodeBox(self.fix_code)
            layout.addWidget(self.code_box)
            row = QHBoxLayout()
            row.addStretch(1)
            copy = QPushButton("Copy code")
            copy.setToolTip("Copy the fix code to the clipboard.")
            copy.clicked.connect(self.copy_code)
            row.addWidget(copy)
            layout.addLayout(row)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.fix_code)
        self.copied.emit(self.fix_code)


class DoctorPanel(QWidget):
    """A scrollable list of :class:`DiagnosisCard`, or a reassuring note when all is well.

    The data's own findings (:meth:`set_diagnoses`) come first; then named sections for the
    user's own model, the Model tab's misfits and a pasted error (:meth:`set_section`). "No shape
    problems" is said only when every section agrees. *Paste an error…* asks the window to explain
    an error text (``pasteErrorRequested``); the explaining is core's.
    """

    copied = Signal(str)
    pasteErrorRequested = Signal()

    SECTIONS = ("model", "builder", "error")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("The shape doctor checks the tensor for the classic LSTM shape mistakes and shows the fix.")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 6, 0)
        self._summary = QLabel()
        self._summary.setWordWrap(True)
        self._summary.setContentsMargins(8, 6, 8, 2)
        top.addWidget(self._summary, 1)
        self.paste_button = QPushButton("Paste an error…")
        self.paste_button.setObjectName("pasteErrorButton")
        self.paste_button.setToolTip("Paste the shape error your own Keras or PyTorch code raised: the doctor explains it "
                                     "for this data, with the fix.")
        self.paste_button.clicked.connect(self.pasteErrorRequested)
        top.addWidget(self.paste_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._content = QWidget()
        self._list = QVBoxLayout(self._content)
        self._list.setContentsMargins(6, 4, 6, 6)
        self._list.setSpacing(8)
        self._list.addStretch(1)
        self._scroll.setWidget(self._content)
        outer.addWidget(self._scroll, 1)
        self._cards: list[DiagnosisCard] = []
        self._headers: list[QLabel] = []
        self._data: list[Any] | None = None
        self._sections: dict[str, tuple[str, list[Any]]] = {}
        self.set_diagnoses(None)

    @property
    def cards(self) -> list[DiagnosisCard]:
        return list(self._cards)

    def set_diagnoses(self, diagnoses: list[Any] | None) -> None:
        """Show these findings; ``None`` means no data loaded yet, ``[]`` means all is well."""
        self._data = None if diagnoses is None else list(diagnoses)
        self._render()

    def set_section(self, name: str, title: str, diagnoses: list[Any] | None) -> None:
        """Findings about something besides the data (``name`` in :data:`SECTIONS`); ``None`` removes it."""
        if diagnoses is None:
            self._sections.pop(name, None)
        else:
            self._sections[name] = (title, list(diagnoses))
        self._render()

    def section(self, name: str) -> list[Any] | None:
        entry = self._sections.get(name)
        return None if entry is None else list(entry[1])

    def all_diagnoses(self) -> list[Any]:
        return list(self._data or []) + [d for name in self.SECTIONS for d in (self._sections.get(name, ("", []))[1])]

    def _render(self) -> None:
        for widget in self._cards + self._headers:
            self._list.removeWidget(widget)
            widget.deleteLater()
        self._cards, self._headers = [], []
        if self._data is None and not self._sections:
            self._summary.setText("Load data and the shape doctor will check it for common LSTM shape mistakes.")
            return
        everything = self.all_diagnoses()
        if not everything:
            self._summary.setText("✔ No shape problems found. The tensor can go straight into an LSTM.")
        else:
            errors = sum(1 for d in everything if _field(d, "severity") == "error")
            words = f"{len(everything)} finding{'s' if len(everything) != 1 else ''}"
            self._summary.setText(f"{words}" + (f", {errors} to fix before training." if errors else "; nothing blocks training."))
        # What the user brought (their error, their model) first, then the Model tab, then the data itself.
        for name in ("error", "model", "builder"):
            if name in self._sections:
                title, diagnoses = self._sections[name]
                self._add_header(name, f"<b>{escape_html(title)}</b>" + ("" if diagnoses else " — ✔ no problems"))
                for diagnosis in diagnoses:
                    self._add_card(diagnosis)
        if self._sections and self._data:
            self._add_header("data", "<b>This data</b>")
        for diagnosis in self._data or []:
            self._add_card(diagnosis)

    def _add_header(self, name: str, html: str) -> None:
        header = QLabel(html)
        header.setObjectName(f"doctorSection_{name}")
        header.setWordWrap(True)
        self._list.insertWidget(self._list.count() - 1, header)
        self._headers.append(header)

    def _add_card(self, diagnosis: Any) -> None:
        card = DiagnosisCard(diagnosis)
        card.copied.connect(self.copied)
        self._list.insertWidget(self._list.count() - 1, card)
        self._cards.append(card)

    def preferred_height(self, width: int) -> int:
        """Height that shows the summary and every card without scrolling at ``width``."""
        inner = max(100, width - 30)
        height = self._summary.heightForWidth(inner) if self._summary.hasHeightForWidth() else self._summary.sizeHint().height()
        for card in self._cards:
            hint = card.layout().totalHeightForWidth(inner) if card.layout().hasHeightForWidth() else card.sizeHint().height()
            height += hint + self._list.spacing()
        for header in self._headers:
            height += header.sizeHint().height() + self._list.spacing()
        return height + 20

    def summary_text(self) -> str:
        return self._summary.text()
