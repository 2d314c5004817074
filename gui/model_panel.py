"""The model builder: stacked LSTM/GRU layers, input and head, with an instant shape table.

Every edit rebuilds a :class:`~core.model.spec.ModelSpec` and redraws, without TensorFlow:
the per-layer output shapes and parameter counts (:func:`core.model.shapes.layer_table`), a
cuDNN badge per recurrent layer (:func:`core.model.cudnn.lint`) and the ways the spec does
not fit the loaded data (:func:`core.model.defaults.spec_fits_data`). Programmatic updates
run with the editors' signals blocked, so nothing loops.

This module holds the panel: the input and head forms, the list of layers, the spec they make
and how it follows re-shaped data, and the side-by-side or stacked layout. One layer's row is
:mod:`gui.model_layer_editor`; the shape table and the verdict are :mod:`gui.model_shape_table`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.errors import ModelSpecError
from core.model import cudnn
from core.model.defaults import default_spec, spec_fits_data
from core.model.shapes import layer_table, recurrent_layer_name
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.tensor_data import TensorData
from gui.limited_spin import LimitedDoubleSpinBox, LimitedSpinBox
from gui.model_layer_editor import LayerEditor
from gui.model_shape_table import ModelShapeTable

INPUT_KINDS = (("masking", "Masking (padded floats)"), ("dense", "Plain (equal-length floats)"), ("embedding", "Embedding (token ids)"))
TASKS = (("binary", "Binary classification"), ("multiclass", "Multi-class classification"), ("regression", "Regression / forecasting"), ("sequence", "Sequence output (one per step)"))
MAX_LAYERS = 8


class EditorScrollArea(QScrollArea):
    """Scrolls vertically only, and is never narrower than its contents (nothing gets clipped)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is not None:
            hint.setWidth(content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())
        return hint


class ModelBuilderPanel(QWidget):
    """Edit a :class:`ModelSpec` and see its shapes, parameters and cuDNN eligibility instantly.

    ``specChanged(ModelSpec)`` is emitted after every edit that leaves a valid spec.
    ``set_data(shaped)`` gives the panel the current :class:`core.shaping.tensorize.ShapedData`:
    a new dataset resets the model to :func:`default_spec`; re-shaping the same dataset keeps
    the layers and head and follows the input dimensions.
    """

    specChanged = Signal(object)
    problemsChanged = Signal(object)  # list[str]: the spec's error or misfits (empty when it fits)
    embeddingsRequested = Signal(object)  # a word-vectors file to re-read the text with (None: no vectors)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shaped: TensorData | None = None
        self._mask_for_lint: Any = None
        self._spec = ModelSpec()
        self._problems: list[str] = []
        self._error: str | None = None
        self._updating = False
        self._layer_editors: list[LayerEditor] = []
        self._pretrained: str | None = None  # the vectors file the Embedding starts from (from the data)
        self._build_ui()
        self.set_spec(self._spec, emit=False)

    # ---- construction -------------------------------------------------------------------------
    def _build_ui(self) -> None:
        # Input
        self.input_kind = QComboBox()
        for key, label in INPUT_KINDS:
            self.input_kind.addItem(label, key)
        self.timesteps = LimitedSpinBox("Timesteps")
        self.timesteps.setRange(0, 10_000_000)
        self.timesteps.setSpecialValueText("None (any length)")
        self.timesteps.setToolTip("Timesteps per sample (the T of input_shape=(T, F)); None accepts any length.")
        self.features = LimitedSpinBox("Features")
        self.features.setRange(1, 1_000_000)
        self.features.setToolTip("Features per timestep (the F of input_shape=(T, F)).")
        self.mask_value = LimitedDoubleSpinBox("Mask value")
        self.mask_value.setRange(-1e9, 1e9)
        self.mask_value.setDecimals(4)
        self.mask_value.setToolTip("Masking skips a timestep when ALL its features equal this value.")
        self.vocab_size = LimitedSpinBox("Vocabulary size")
        self.vocab_size.setRange(2, 10_000_000)
        self.embedding_dim = LimitedSpinBox("Embedding size")
        self.embedding_dim.setRange(1, 4096)
        self.mask_zero = QCheckBox("id 0 is padding (mask_zero)")
        self.standardize = QCheckBox("standardise in the model")
        self.standardize.setToolTip(
            "A Normalization layer after the input holds each feature's mean and std from the training split, so the "
            "saved model takes your raw values (padded steps stay masked). Off: features go in unscaled."
        )
        self.vectors_label = QLabel("none")
        self.vectors_label.setObjectName("modelVectors")
        self.vectors_label.setWordWrap(True)
        self.vectors_label.setToolTip("Pre-trained word vectors the Embedding starts from (GloVe, word2vec, fastText .vec).")
        self.vectors_button = QPushButton("Embeddings…")
        self.vectors_button.setObjectName("modelEmbeddingsChoose")
        self.vectors_button.setToolTip("Choose pre-trained word vectors: the text is re-read for them and the Embedding "
                                       "starts from them (frozen unless fine-tuned).")
        self.vectors_button.clicked.connect(self.choose_embeddings)
        self.vectors_clear = QPushButton("None")
        self.vectors_clear.setToolTip("Start the Embedding from random weights instead.")
        self.vectors_clear.clicked.connect(lambda: self.embeddingsRequested.emit(None))
        vectors_row = QHBoxLayout()
        vectors_row.setContentsMargins(0, 0, 0, 0)
        vectors_row.addWidget(self.vectors_label, 1)
        vectors_row.addWidget(self.vectors_button)
        vectors_row.addWidget(self.vectors_clear)
        self.vectors_row = QWidget()
        self.vectors_row.setLayout(vectors_row)
        self.train_embeddings = QCheckBox("fine-tune the pre-trained vectors")
        self.train_embeddings.setObjectName("trainEmbeddings")
        self.train_embeddings.setToolTip("Off (default): the vectors stay as read and count as non-trainable "
                                         "parameters. On: they train with the rest of the model.")
        input_box = QGroupBox("Input")
        self.input_form = QFormLayout(input_box)
        self.input_form.addRow("Input layer", self.input_kind)
        self.input_form.addRow("Timesteps", self.timesteps)
        self.input_form.addRow("Features", self.features)
        self.input_form.addRow("Mask value", self.mask_value)
        self.input_form.addRow("Vocabulary size", self.vocab_size)
        self.input_form.addRow("Embedding size", self.embedding_dim)
        self.input_form.addRow("", self.mask_zero)
        self.input_form.addRow("Scaling", self.standardize)
        self.input_form.addRow("Word vectors", self.vectors_row)
        self.input_form.addRow("", self.train_embeddings)

        # Layers
        self.layers_box = QGroupBox("Recurrent layers")
        self.layers_layout = QVBoxLayout(self.layers_box)
        self.layers_layout.setSpacing(4)
        self.add_layer_button = QPushButton("Add layer")
        self.add_layer_button.setToolTip("Stack another recurrent layer on top (the one below then returns sequences).")
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_layer_button)
        add_row.addStretch(1)
        self.layers_layout.addLayout(add_row)

        # Head
        self.task = QComboBox()
        for key, label in TASKS:
            self.task.addItem(label, key)
        self.n_outputs = LimitedSpinBox("Outputs")
        self.n_outputs.setRange(1, 100_000)
        self.n_outputs.setToolTip("Classes (multi-class) or target values per sample (regression).")
        self.hidden_units = LimitedSpinBox("Hidden units")
        self.hidden_units.setRange(0, 4096)
        self.hidden_units.setSpecialValueText("none")
        self.hidden_units.setToolTip("A ReLU Dense layer between the recurrent layers and the output (0 = none).")
        self.sequence_classes = LimitedSpinBox("Classes per step")
        self.sequence_classes.setRange(0, 100_000)
        self.sequence_classes.setSpecialValueText("numbers (no classes)")
        self.sequence_classes.setToolTip("Sequence output: classes per step (softmax), or numbers when 0.")
        self.scale_targets = QCheckBox("learn in standardised units")
        self.scale_targets.setToolTip(
            "Regression: the output layer works on targets scaled to mean 0 and std 1 (from the training split), "
            "and a Rescaling layer turns its output back into your units, so losses, metrics and predictions read "
            "in your units. Off: the model must reach large target values from scratch, which can take very long."
        )
        head_box = QGroupBox("Head")
        self.head_form = QFormLayout(head_box)
        self.head_form.addRow("Task", self.task)
        self.head_form.addRow("Outputs", self.n_outputs)
        self.head_form.addRow("Hidden units", self.hidden_units)
        self.head_form.addRow("Classes per step", self.sequence_classes)
        self.head_form.addRow("Targets", self.scale_targets)

        self.reset_button = QPushButton("Reset to defaults from data")
        self.reset_button.setToolTip("A one-layer LSTM(64) with the input and head this data needs.")
        self.reset_button.setEnabled(False)

        editors = QWidget()
        editors_layout = QVBoxLayout(editors)
        editors_layout.addWidget(input_box)
        editors_layout.addWidget(self.layers_box)
        editors_layout.addWidget(head_box)
        editors_layout.addWidget(self.reset_button, alignment=Qt.AlignmentFlag.AlignLeft)
        editors_layout.addStretch(1)
        scroll = EditorScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editors)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._editors = editors
        self._scroll = scroll
        editors.installEventFilter(self)

        # Table and verdict
        self.shape_table = ModelShapeTable()
        self.table = self.shape_table.table
        self.total_label = self.shape_table.total_label
        self.input_shape_label = self.shape_table.input_shape_label
        self.warnings = self.shape_table.warnings
        right = self.shape_table

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._splitter = splitter

        for signal in (
            self.input_kind.currentIndexChanged,
            self.timesteps.valueChanged,
            self.features.valueChanged,
            self.mask_value.valueChanged,
            self.vocab_size.valueChanged,
            self.embedding_dim.valueChanged,
            self.mask_zero.toggled,
            self.standardize.toggled,
            self.train_embeddings.toggled,
            self.task.currentIndexChanged,
            self.n_outputs.valueChanged,
            self.hidden_units.valueChanged,
            self.sequence_classes.valueChanged,
            self.scale_targets.toggled,
        ):
            signal.connect(self._on_edited)
        self.add_layer_button.clicked.connect(self.add_layer)
        self.reset_button.clicked.connect(self._on_reset_clicked)

    # Word-wrapped labels inside make the layout "height for width", and a scroll area then
    # sizes the panel from the preferred heights of its plots and tables: taller than the
    # window, for no reason. The panel fits any height above its minimum, so it opts out.
    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return False

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return -1

    # ---- public API ---------------------------------------------------------------------------
    def spec(self) -> ModelSpec:
        """The last valid spec (the one most recently emitted)."""
        return self._spec

    def is_valid(self) -> bool:
        """False while the editors hold a spec Keras could not build (``spec()`` is then the last good one)."""
        return self._error is None

    def problems(self) -> list[str]:
        """Why the spec cannot train on the data now (validation error first); empty when it can."""
        return ([self._error] if self._error else []) + list(self._problems)

    def set_spec(self, spec: ModelSpec, *, emit: bool = True) -> None:
        """Show ``spec`` in the editors (signals blocked) and redraw."""
        self._updating = True
        try:
            self._fill_editors(spec)
        finally:
            self._updating = False
        self._refresh(emit=emit, force=True)

    def set_data(self, shaped: TensorData | None) -> None:
        """Follow the current ShapedData (``None`` clears it). See the class docstring."""
        previous = self._shaped
        self._shaped = shaped
        self.reset_button.setEnabled(shaped is not None)
        self._mask_for_lint = None
        if shaped is not None and shaped.mask is not None:
            not_right_padded, fully_masked = cudnn.mask_problems(shaped.mask)
            if not_right_padded or fully_masked:  # only then does the mask change any verdict
                self._mask_for_lint = shaped.mask
        if shaped is None:
            self._refresh(emit=False)
            return
        same_dataset = previous is not None and previous.dataset is shaped.dataset
        if not same_dataset:
            self.set_spec(default_spec(shaped))
            return
        self.set_spec(self._follow_input(self._current_or_last(), shaped))

    @Slot()
    def choose_embeddings(self) -> None:
        """Ask for a vectors file and ask for the text to be re-read with it (``embeddingsRequested``)."""
        from PySide6.QtWidgets import QFileDialog

        from gui.import_form import VECTORS_FILTER

        source = self._shaped.dataset.source if self._shaped is not None and self._shaped.dataset is not None else None
        start = str(Path(source.path).parent) if source is not None and source.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose word vectors", start, VECTORS_FILTER)
        if path:
            self.embeddingsRequested.emit(path)

    @Slot()
    def reset_to_defaults(self) -> None:
        if self._shaped is not None:
            self.set_spec(default_spec(self._shaped))

    @Slot()
    def _on_reset_clicked(self) -> None:
        """Reset asks first when it would throw away the user's own layers (Ctrl+Z also brings them back)."""
        if self._shaped is None:
            return
        default = default_spec(self._shaped)
        if self._spec is not None and self._spec != default:
            answer = QMessageBox.question(
                self, "Reset the model",
                f"Replace your model ({len(self._spec.layers)} recurrent layer{'s' if len(self._spec.layers) != 1 else ''}) "
                "with the default for this data? Edit ▸ Undo brings it back.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.set_spec(default)

    @Slot()
    def add_layer(self) -> None:
        if len(self._layer_editors) >= MAX_LAYERS:
            return
        template = self._layer_editors[-1].layer() if self._layer_editors else RecurrentLayerSpec()
        self._insert_editor(len(self._layer_editors), replace(template))
        self._on_edited()

    def remove_layer(self, index: int) -> None:
        if len(self._layer_editors) <= 1 or not 0 <= index < len(self._layer_editors):
            return
        self._discard_editor(self._layer_editors.pop(index))
        self._on_edited()

    def move_layer(self, index: int, offset: int) -> None:
        target = index + offset
        if not (0 <= index < len(self._layer_editors) and 0 <= target < len(self._layer_editors)):
            return
        layers = [editor.layer() for editor in self._layer_editors]
        layers[index], layers[target] = layers[target], layers[index]
        self._updating = True
        try:
            for editor, layer in zip(self._layer_editors, layers):
                editor.set_layer(layer)
        finally:
            self._updating = False
        self._on_edited()

    @property
    def layer_editors(self) -> list[LayerEditor]:
        return list(self._layer_editors)

    # ---- editors ↔ spec -----------------------------------------------------------------------
    def _fill_editors(self, spec: ModelSpec) -> None:
        widgets = (
            self.input_kind, self.timesteps, self.features, self.mask_value, self.vocab_size,
            self.embedding_dim, self.mask_zero, self.task, self.n_outputs, self.hidden_units, self.sequence_classes,
            self.scale_targets, self.standardize, self.train_embeddings,
        )
        for widget in widgets:
            widget.blockSignals(True)
        try:
            inp = spec.input
            self.input_kind.setCurrentIndex(max(0, self.input_kind.findData(inp.kind)))
            self.timesteps.setValue(int(inp.timesteps or 0))
            self.features.setValue(max(1, int(inp.features)))
            self.mask_value.setValue(float(inp.mask_value))
            self.vocab_size.setValue(max(2, int(inp.vocab_size or 2)))
            self.embedding_dim.setValue(int(inp.embedding_dim))
            self.mask_zero.setChecked(bool(inp.mask_zero))
            self.standardize.setChecked(bool(inp.standardize))
            self._pretrained = inp.pretrained_embeddings
            self.train_embeddings.setChecked(bool(inp.trainable_embeddings) and inp.pretrained_embeddings is not None)
            head = spec.head
            self.task.setCurrentIndex(max(0, self.task.findData(head.task)))
            self.n_outputs.setValue(int(head.n_outputs))
            self.hidden_units.setValue(int(head.hidden_units))
            self.sequence_classes.setValue(int(head.sequence_classes or 0))
            self.scale_targets.setChecked(bool(head.scale_targets))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        for editor in self._layer_editors:
            self._discard_editor(editor)
        self._layer_editors = []
        for layer in spec.layers:
            self._insert_editor(len(self._layer_editors), layer)

    def _discard_editor(self, editor: LayerEditor) -> None:
        self.layers_layout.removeWidget(editor)
        editor.hide()
        editor.setParent(None)  # gone from the panel now, not when the event loop gets to it
        editor.deleteLater()

    def _insert_editor(self, index: int, layer: RecurrentLayerSpec) -> None:
        editor = LayerEditor(layer)
        editor.changed.connect(self._on_edited)
        editor.moveRequested.connect(self._on_move_requested)
        editor.removeRequested.connect(self._on_remove_requested)
        self._layer_editors.insert(index, editor)
        self.layers_layout.insertWidget(index, editor)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._editors and event.type() == QEvent.Type.LayoutRequest:
            self._fit_editor_width()
        return super().eventFilter(watched, event)

    def _fit_editor_width(self) -> None:
        """Never clip the editors: the left side is at least as wide as their widest row."""
        self._scroll.updateGeometry()
        if self._scroll.width() < self._scroll.minimumSizeHint().width():
            self._splitter.refresh()  # the splitter does not re-read minimum sizes by itself
        self._choose_orientation()

    def _choose_orientation(self) -> None:
        """Editors beside the table when both fit; above it when the window is narrow, so the
        table never hides Params or "Why this shape" behind a scroll bar."""
        needed = self._scroll.minimumSizeHint().width() + self.shape_table.width_needed() + 16
        wanted = Qt.Orientation.Horizontal if self.width() >= needed else Qt.Orientation.Vertical
        if self._splitter.orientation() != wanted:
            self._splitter.setOrientation(wanted)
            if wanted == Qt.Orientation.Vertical:  # half for the editors, half for the table
                half = max(self.height() // 2, 1)
                self._splitter.setSizes([half, half])
            self._scroll.setHorizontalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff if wanted == Qt.Orientation.Horizontal
                else Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._choose_orientation()

    def _spec_from_editors(self) -> ModelSpec:
        kind = self.input_kind.currentData()
        inp = InputSpec(
            kind=kind,
            timesteps=int(self.timesteps.value()) or None,
            features=1 if kind == "embedding" else int(self.features.value()),
            mask_value=float(self.mask_value.value()),
            vocab_size=int(self.vocab_size.value()) if kind == "embedding" else None,
            embedding_dim=int(self.embedding_dim.value()),
            mask_zero=self.mask_zero.isChecked(),
            standardize=self.standardize.isChecked(),
            pretrained_embeddings=self._pretrained if kind == "embedding" else None,
            trainable_embeddings=self.train_embeddings.isChecked() if kind == "embedding" and self._pretrained else True,
        )
        task = self.task.currentData()
        sequence_classes = int(self.sequence_classes.value()) or None
        n_outputs = 1 if task == "binary" else int(self.n_outputs.value())
        if task == "sequence" and sequence_classes:
            n_outputs = sequence_classes
        head = HeadSpec(
            task=task,
            n_outputs=n_outputs,
            hidden_units=int(self.hidden_units.value()),
            sequence_classes=sequence_classes if task == "sequence" else None,
            scale_targets=self.scale_targets.isChecked(),
        )
        return ModelSpec(input=inp, layers=tuple(editor.layer() for editor in self._layer_editors), head=head)

    def _current_or_last(self) -> ModelSpec:
        try:
            return self._spec_from_editors().validate()
        except ModelSpecError:
            return self._spec

    def _follow_input(self, spec: ModelSpec, shaped: TensorData) -> ModelSpec:
        """Keep layers and head; take timesteps, features, pad value and vocabulary from the data."""
        fresh = default_spec(shaped).input
        inp = spec.input
        if inp.kind == fresh.kind or {inp.kind, fresh.kind} <= {"dense", "masking"}:
            kind = fresh.kind if inp.kind == "embedding" or fresh.kind == "embedding" else inp.kind
            if fresh.kind == "masking" and inp.kind == "dense":
                kind = "masking"  # re-shaping added padding: it needs a mask
            inp = replace(
                inp,
                kind=kind,
                timesteps=fresh.timesteps if inp.timesteps is not None else None,
                features=fresh.features,
                mask_value=fresh.mask_value,
                vocab_size=fresh.vocab_size if fresh.kind == "embedding" else inp.vocab_size,
                pretrained_embeddings=fresh.pretrained_embeddings,
                embedding_dim=fresh.embedding_dim if fresh.pretrained_embeddings else inp.embedding_dim,
                trainable_embeddings=(inp.trainable_embeddings if inp.pretrained_embeddings else fresh.trainable_embeddings)
                if fresh.pretrained_embeddings else True,
            )
        else:
            inp = fresh
        return replace(spec, input=inp)

    # ---- reacting to edits --------------------------------------------------------------------
    @Slot(object, int)
    def _on_move_requested(self, editor: LayerEditor, offset: int) -> None:
        if editor in self._layer_editors:
            self.move_layer(self._layer_editors.index(editor), offset)

    @Slot(object)
    def _on_remove_requested(self, editor: LayerEditor) -> None:
        if editor in self._layer_editors:
            self.remove_layer(self._layer_editors.index(editor))

    @Slot()
    def _on_edited(self, *_: Any) -> None:
        if not self._updating:
            self._refresh(emit=True)

    def _refresh(self, *, emit: bool, force: bool = False) -> None:
        self._update_visibility()
        before = self.problems()
        try:
            spec = self._spec_from_editors().validate()
        except ModelSpecError as exc:
            self._error = str(exc)
            self._show_warnings()
            if self.problems() != before:
                self.problemsChanged.emit(self.problems())
            return
        was_invalid = self._error is not None
        self._error = None
        changed = spec != self._spec or was_invalid
        self._spec = spec
        self.shape_table.show_spec(spec)
        self._update_layers(spec)
        self._problems = spec_fits_data(spec, self._shaped) if self._shaped is not None else []
        self._show_warnings()
        if emit and (changed or force):
            self.specChanged.emit(spec)
        if self.problems() != before:
            self.problemsChanged.emit(self.problems())

    def _update_visibility(self) -> None:
        kind = self.input_kind.currentData()
        task = self.task.currentData()
        self.input_form.setRowVisible(self.features, kind != "embedding")
        self.input_form.setRowVisible(self.mask_value, kind == "masking")
        self.input_form.setRowVisible(self.vocab_size, kind == "embedding")
        self.input_form.setRowVisible(self.embedding_dim, kind == "embedding")
        self.input_form.setRowVisible(self.mask_zero, kind == "embedding")
        self.input_form.setRowVisible(self.standardize, kind != "embedding")
        text = self._shaped is not None and self._shaped.dataset is not None and self._shaped.dataset.source.format == "text"
        self.input_form.setRowVisible(self.vectors_row, text)
        self.input_form.setRowVisible(self.train_embeddings, kind == "embedding" and self._pretrained is not None)
        self.embedding_dim.setEnabled(not (kind == "embedding" and self._pretrained))
        self.embedding_dim.setToolTip("Fixed by the vectors file." if kind == "embedding" and self._pretrained
                                      else "Numbers per token the Embedding learns.")
        self._show_vectors()
        self.head_form.setRowVisible(self.n_outputs, task in ("multiclass", "regression") or (task == "sequence" and not self.sequence_classes.value()))
        self.head_form.setRowVisible(self.sequence_classes, task == "sequence")
        self.head_form.setRowVisible(self.scale_targets, task == "regression")
        self.add_layer_button.setEnabled(len(self._layer_editors) < MAX_LAYERS)

    def _show_vectors(self) -> None:
        embeddings = self._shaped.embeddings if self._shaped is not None else None
        if embeddings is None:
            self.vectors_label.setText("none: the Embedding starts from random weights")
        elif embeddings.embed_features:
            self.vectors_label.setText(f"{Path(embeddings.file).name} ({embeddings.dim}-d) are the input features; "
                                       f"{embeddings.coverage:.0%} of the tokens found")
        else:
            self.vectors_label.setText(f"{Path(embeddings.file).name} ({embeddings.format}, {embeddings.dim}-d): "
                                       f"{embeddings.covered} of {embeddings.words} words, {embeddings.coverage:.0%} "
                                       "of the tokens found")

    def _update_layers(self, spec: ModelSpec) -> None:
        padding = self._shaped.padding if self._shaped is not None else None
        verdicts = cudnn.lint(spec, padding, mask=self._mask_for_lint)
        notes = {row.name: row.note for row in layer_table(spec)}
        count = len(self._layer_editors)
        for index, editor in enumerate(self._layer_editors):
            name = recurrent_layer_name(spec.layers[index], index + 1)
            editor.set_position(index, count, spec.return_sequences(index), notes.get(name, ""))
            editor.set_verdict(verdicts[index] if index < len(verdicts) else None)
        self._fit_editor_width()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self._show_warnings()  # the status colour follows light/dark
        super().changeEvent(event)

    def _show_warnings(self) -> None:
        self.shape_table.show_verdict(self._error, self._problems, self._shaped is not None)
