"""The model builder's right side: ``keras.Input(shape=…)``, the per-layer shape table, the total and the verdict.

Shows what :func:`core.model.shapes.layer_table` says about a :class:`~core.model.spec.ModelSpec`
(name, type, output shape, parameters and why each shape is what it is) and whether the spec
can be built and fits the data. Apart from :class:`gui.model_panel.ModelBuilderPanel` because it
changes with what is reported about a model, not with how the model is edited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.shapes import layer_table, non_trainable_params, total_params
from core.model.spec import ModelSpec
from core.wording import escape_html
from gui.views.theme import status_style

WARNING_STYLE = "QLabel { background: #fff4dc; color: #6b4000; border: 1px solid #e6b34d; border-radius: 4px; padding: 6px; }"
ERROR_STYLE = "QLabel { background: #fde3de; color: #8a1c0b; border: 1px solid #d9826f; border-radius: 4px; padding: 6px; }"
COLUMNS = ("Layer", "Type", "Output shape", "Params", "Why this shape")
#: Room the "Why this shape" column needs to be read (its header and a few words per line).
WHY_COLUMN_WIDTH = 220


def format_shape(shape: tuple) -> str:
    """``(None, 26, 12)``; a one-element shape keeps its comma: ``(32,)``."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class ModelShapeTable(QWidget):
    """``input_shape_label``, ``table``, ``total_label`` and ``warnings``, one above the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # rows follow the wrap
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.total_label = QLabel()
        self.input_shape_label = QLabel()
        self.input_shape_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.addWidget(self.input_shape_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.warnings)

    def width_needed(self) -> int:
        """Pixels the table needs to show every column with "Why this shape" readable."""
        header = self.table.horizontalHeader()
        return sum(header.sectionSizeHint(c) for c in range(len(COLUMNS) - 1)) + WHY_COLUMN_WIDTH + 24

    def show_spec(self, spec: ModelSpec) -> None:
        """One row per layer, the total parameters and the ``keras.Input`` line of ``spec``."""
        rows = layer_table(spec)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.name, row.class_name, format_shape(row.output_shape), f"{row.params:,}", row.note)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 4:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        frozen = non_trainable_params(spec)
        self.total_label.setText(f"Total parameters: <b>{total_params(spec):,}</b>"
                                 + (f" ({total_params(spec) - frozen:,} trainable, {frozen:,} frozen)" if frozen else ""))
        self.total_label.setToolTip("Frozen: the pre-trained word vectors, Keras' non-trainable params." if frozen else "")
        inp = spec.input
        t = "None" if inp.timesteps is None else str(inp.timesteps)
        shape = f"({t},)" if inp.kind == "embedding" else f"({t}, {inp.features})"
        self.input_shape_label.setText(f"<code>keras.Input(shape={shape})</code> — the batch dimension is not part of it.")

    def show_verdict(self, error: str | None, problems: list[str], has_data: bool) -> None:
        """Cannot be built (``error``), does not fit (``problems``), fits, or no data yet."""
        if error:
            self.warnings.setStyleSheet(ERROR_STYLE)
            self.warnings.setText(f"<b>This model cannot be built:</b> {error}")
        elif problems:
            self.warnings.setStyleSheet(WARNING_STYLE)
            items = "".join(f"<li>{escape_html(p)}</li>" for p in problems)
            self.warnings.setText(f"<b>This model does not fit the data:</b><ul style='margin:0'>{items}</ul>")
        elif has_data:
            self.warnings.setStyleSheet(status_style("ok", self, padding="6px"))
            self.warnings.setText("✓ The model fits the data.")
        else:
            self.warnings.setStyleSheet("")
            self.warnings.setText("Load a file to check the model against the data.")
