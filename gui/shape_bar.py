"""The always-visible shape bar: ``(N samples, T timesteps, F features) → input_shape=(T, F)``.

Each number is its own label with a tooltip saying what it means for the model; dtype,
memory and the task sit beside it, and a button copies ``keras.Input(shape=(T, F))``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from core.tensor_data import TensorData
from core.wording import format_bytes, plural, shape_text

CHIP_STYLE = "QLabel { border: 1px solid palette(mid); border-radius: 4px; padding: 1px 6px; color: palette(window-text); }"


class ShapeBar(QFrame):
    """Shows the current tensor shape and copies the matching ``keras.Input`` line."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shapeBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._code = ""
        self._text = ""

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(6)

        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.35)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(big.pointSizeF())
        mono.setBold(True)

        self._empty = QLabel("No data yet: open a file or a demo to see the tensor shape an LSTM needs.")
        self._empty.setToolTip("The shape bar shows (samples, timesteps, features) once data is loaded.")
        layout.addWidget(self._empty)

        self._open_paren = self._part("(", big)
        self._samples = self._part("", big, "samples")
        self._comma1 = self._part(", ", big)
        self._timesteps = self._part("", big, "timesteps")
        self._comma2 = self._part(", ", big)
        self._features = self._part("", big, "features")
        self._close_paren = self._part(")", big)
        self._arrow = self._part("  →  ", big)
        self._input_shape = self._part("", mono, "input_shape")
        self._input_shape.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._parts = [self._open_paren, self._samples, self._comma1, self._timesteps, self._comma2,
                       self._features, self._close_paren, self._arrow, self._input_shape]
        shape_row = QHBoxLayout()
        shape_row.setSpacing(0)
        shape_row.setContentsMargins(0, 0, 0, 0)
        for part in self._parts:
            shape_row.addWidget(part)
        layout.addLayout(shape_row)

        layout.addSpacing(12)
        self._dtype = self._chip("dtype")
        self._memory = self._chip("memory")
        self._task = self._chip("task")
        for chip in (self._dtype, self._memory, self._task):
            layout.addWidget(chip)
        layout.addStretch(1)

        self._copy = QPushButton("Copy keras.Input")
        self._copy.setToolTip("Copy the Keras line that declares this input, e.g. keras.Input(shape=(26, 12)), "
                              "to paste into your model code.")
        self._copy.clicked.connect(self.copy_code)
        layout.addWidget(self._copy)
        self.clear()

    # ---- building blocks ----------------------------------------------------------------------
    def _part(self, text: str, font: QFont, name: str | None = None) -> QLabel:
        label = QLabel(text)
        label.setFont(font)
        if name:
            label.setObjectName(f"shape_{name}")
        return label

    def _chip(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"shape_{name}")
        label.setStyleSheet(CHIP_STYLE)
        return label

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        # A style sheet resolves palette(...) once; set it again so the chips follow light/dark.
        if event.type() == QEvent.Type.PaletteChange:
            for chip in self.findChildren(QLabel):
                if chip.styleSheet() == CHIP_STYLE:
                    chip.setStyleSheet("")
                    chip.setStyleSheet(CHIP_STYLE)
        super().changeEvent(event)

    # ---- API -------------------------------------------------------------------------------------------
    def text(self) -> str:
        """The shape in words, e.g. ``(270 samples, 26 timesteps, 12 features) → input_shape=(26, 12)``."""
        return self._text

    def keras_input_code(self) -> str:
        """The ``keras.Input(...)`` line for the current shape ('' without data)."""
        return self._code

    def clear(self) -> None:
        self._text = ""
        self._code = ""
        self._empty.setVisible(True)
        for widget in (*self._parts, self._dtype, self._memory, self._task):
            widget.setVisible(False)
        self._copy.setEnabled(False)

    def set_data(self, shaped: TensorData) -> None:
        """Show the shape of shaped data (its ``x``, ``input_shape``, ``window``, ``memory_bytes``, task)."""
        shape = tuple(int(s) for s in shaped.x.shape)
        n, t = shape[0], shape[1]
        tokens = len(shape) == 2
        input_shape = tuple(int(s) for s in shaped.input_shape)
        input_text = f"({input_shape[0]},)" if len(input_shape) == 1 else "(" + ", ".join(map(str, input_shape)) + ")"
        self._code = f"keras.Input(shape={input_text})"
        self._text = shape_text(shape)

        self._samples.setText(plural(n, "sample"))
        self._samples.setToolTip(
            f"{n:,} samples: the first axis. Each sample is one sequence (one row of your data) that the model "
            "sees as one example. Keras leaves it out of input_shape because batches can have any size.")
        self._timesteps.setText(plural(t, "timestep"))
        window = shaped.window
        how = (f"every window has {t} consecutive rows of the series" if window is not None else
               f"sequences are padded or truncated to {t} steps")
        self._timesteps.setToolTip(f"{t:,} timesteps: the second axis, the length of every sequence; {how}. "
                                   "The LSTM reads them one after another.")
        if tokens:
            self._features.setText("token ids")
            self._features.setToolTip("Each step is one token id (an integer). An Embedding layer turns it into a "
                                      "vector, which provides the features the LSTM sees.")
        else:
            f = shape[2]
            self._features.setText(plural(f, "feature"))
            names = ", ".join(shaped.feature_names[:8])
            more = "…" if len(shaped.feature_names) > 8 else ""
            self._features.setToolTip(f"{f:,} features: the third axis, the values measured at every step"
                                      + (f" ({names}{more})." if names else "."))
        self._input_shape.setText(f"input_shape={input_text}")
        self._input_shape.setToolTip(
            f"What you give Keras: keras.Input(shape={input_text}) or input_shape={input_text}. It is the shape of "
            "ONE sample, without the samples (batch) axis.")

        dtype = str(shaped.x.dtype)
        self._dtype.setText(dtype)
        self._dtype.setToolTip(f"The tensor holds {dtype} values. "
                               + ("Token ids are integers for an Embedding layer." if tokens else
                                  "float32 is Keras' default; padding keeps floats as floats."))
        memory = int(shaped.memory_bytes)
        self._memory.setText(format_bytes(memory))
        self._memory.setToolTip(f"Memory the tensor takes ({memory:,} bytes), including the padding mask if any.")
        self._task.setText(self._task_text(shaped))
        self._task.setToolTip("What the labels ask of the model, which decides its output layer and loss.")

        self._empty.setVisible(False)
        for widget in (*self._parts, self._dtype, self._memory):
            widget.setVisible(True)
        self._task.setVisible(bool(self._task.text()))
        self._copy.setEnabled(True)

    @staticmethod
    def _task_text(shaped: TensorData) -> str:
        task = shaped.task
        classes = shaped.n_classes
        if task == "binary":
            return "binary labels"
        if task == "multiclass":
            return f"{classes} classes" if classes else "classes"
        if task == "regression":
            return "regression target"
        if task == "sequence":
            return "a label per step"
        return "no labels"

    def copy_code(self) -> None:
        if not self._code:
            return
        QGuiApplication.clipboard().setText(self._code)
        self.copied.emit(self._code)
