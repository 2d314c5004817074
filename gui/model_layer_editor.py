"""One recurrent layer of the model builder: kind, units, bidirectional, dropouts, cuDNN badge, move/remove.

A row of :class:`gui.model_panel.ModelBuilderPanel`; it edits one
:class:`~core.model.spec.RecurrentLayerSpec` (keeping the fields it does not show) and asks the
panel to move or remove it. Apart from the panel because a layer's controls change with Keras'
layer options, not with how the panel lays out or checks the whole model.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.model import cudnn
from core.model.spec import RecurrentLayerSpec
from core.wording import escape_html
from gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox

GOOD_STYLE = "QLabel { background: #d7f0e3; color: #0b5c3c; border-radius: 4px; padding: 1px 6px; }"
AMBER_STYLE = "QLabel { background: #fbe7c2; color: #7a4a00; border-radius: 4px; padding: 1px 6px; }"


class LayerEditor(QFrame):
    """One recurrent layer's row: kind, units, bidirectional, dropouts, cuDNN badge, move/remove."""

    changed = Signal()
    moveRequested = Signal(object, int)  # self, -1 up / +1 down
    removeRequested = Signal(object)

    def __init__(self, layer: RecurrentLayerSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._extra = layer  # keeps fields the row does not edit (activation, unroll, ...)
        self.title = QLabel()
        self.title.setMinimumWidth(22)
        self.kind = QComboBox()
        self.kind.addItems(["LSTM", "GRU"])
        self.kind.setToolTip("LSTM keeps a separate cell state; GRU is smaller (3 gates instead of 4).")
        self.units = LimitedSpinBox("Units")
        self.units.setRange(1, 4096)
        self.units.setToolTip("Hidden units: the size of the vector this layer outputs per step.")
        self.bidirectional = QCheckBox("bidirectional")
        self.bidirectional.setToolTip("Reads the sequence forwards and backwards and concatenates both (doubles the output size).")
        self.dropout = LimitedDoubleSpinBox("Dropout")
        self.dropout.setRange(0.0, 0.95)
        self.dropout.setSingleStep(0.05)
        self.dropout.setDecimals(2)
        self.dropout.setToolTip("Dropout on the layer's inputs (keeps cuDNN).")
        self.recurrent_dropout = LimitedDoubleSpinBox("Recurrent dropout")
        self.recurrent_dropout.setRange(0.0, 0.95)
        self.recurrent_dropout.setSingleStep(0.05)
        self.recurrent_dropout.setDecimals(2)
        self.recurrent_dropout.setToolTip("Dropout on the recurrent state (turns cuDNN off).")
        self.return_sequences = QLabel()
        self.return_sequences.setWordWrap(True)
        self.return_sequences.setStyleSheet("QLabel { color: palette(dark); }")
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.up = QToolButton(text="▲", toolTip="Move this layer up")
        self.down = QToolButton(text="▼", toolTip="Move this layer down")
        self.remove = QToolButton(text="✕", toolTip="Remove this layer")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title)
        top.addWidget(self.kind)
        top.addWidget(QLabel("units"))
        top.addWidget(self.units)
        top.addWidget(self.bidirectional)
        top.addStretch(1)
        top.addWidget(self.badge)
        top.addWidget(self.up)
        top.addWidget(self.down)
        top.addWidget(self.remove)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addSpacing(self.title.minimumWidth() + 6)
        bottom.addWidget(QLabel("dropout"))
        bottom.addWidget(self.dropout)
        bottom.addWidget(QLabel("recurrent dropout"))
        bottom.addWidget(self.recurrent_dropout)
        bottom.addStretch(1)
        note = QHBoxLayout()
        note.setContentsMargins(0, 0, 0, 0)
        note.addSpacing(self.title.minimumWidth() + 6)
        note.addWidget(self.return_sequences, 1)
        self.top_row = top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addLayout(note)

        self.set_layer(layer)
        self.kind.currentIndexChanged.connect(self._emit_changed)
        self.units.valueChanged.connect(self._emit_changed)
        self.bidirectional.toggled.connect(self._emit_changed)
        self.dropout.valueChanged.connect(self._emit_changed)
        self.recurrent_dropout.valueChanged.connect(self._emit_changed)
        self.up.clicked.connect(self._move_up)
        self.down.clicked.connect(self._move_down)
        self.remove.clicked.connect(self._remove)

    def set_layer(self, layer: RecurrentLayerSpec) -> None:
        self._extra = layer
        for widget in (self.kind, self.units, self.bidirectional, self.dropout, self.recurrent_dropout):
            widget.blockSignals(True)
        self.kind.setCurrentText(layer.kind)
        self.units.setValue(int(layer.units))
        self.bidirectional.setChecked(bool(layer.bidirectional))
        self.dropout.setValue(float(layer.dropout))
        self.recurrent_dropout.setValue(float(layer.recurrent_dropout))
        for widget in (self.kind, self.units, self.bidirectional, self.dropout, self.recurrent_dropout):
            widget.blockSignals(False)

    def layer(self) -> RecurrentLayerSpec:
        return replace(
            self._extra,
            kind=self.kind.currentText(),
            units=int(self.units.value()),
            bidirectional=self.bidirectional.isChecked(),
            dropout=round(float(self.dropout.value()), 4),
            recurrent_dropout=round(float(self.recurrent_dropout.value()), 4),
        )

    def set_position(self, index: int, count: int, returns_sequences: bool, note: str) -> None:
        self.title.setText(f"<b>{index + 1}.</b>")
        self.up.setEnabled(index > 0)
        self.down.setEnabled(index < count - 1)
        self.remove.setEnabled(count > 1)
        self.return_sequences.setText(f"<code>return_sequences=<b>{returns_sequences}</b></code> — {escape_html(note)}")
        self.return_sequences.setToolTip(note)

    def set_verdict(self, verdict: cudnn.CudnnVerdict | None) -> None:
        if verdict is None:
            self.badge.clear()
            return
        if verdict.eligible:
            self.badge.setText("cuDNN ✓")
            self.badge.setStyleSheet(GOOD_STYLE)
            lines = ["This layer can run on the fast cuDNN kernel."]
        else:
            self.badge.setText("no cuDNN")
            self.badge.setStyleSheet(AMBER_STYLE)
            lines = ["This layer cannot use the fast cuDNN kernel:"]
            lines += [f"• {reason}" for reason in verdict.reasons]
            if verdict.fixes:
                lines.append("To fix:")
                lines += [f"• {fix}" for fix in verdict.fixes]
        lines += [f"({note})" for note in verdict.notes]
        self.badge.setToolTip("\n".join(lines))

    @Slot()
    def _emit_changed(self) -> None:
        self.changed.emit()

    @Slot()
    def _move_up(self) -> None:
        self.moveRequested.emit(self, -1)

    @Slot()
    def _move_down(self) -> None:
        self.moveRequested.emit(self, 1)

    @Slot()
    def _remove(self) -> None:
        self.removeRequested.emit(self)
