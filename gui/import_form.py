"""The import wizard's form: every way of reading a file as a field, each with the reader's reason.

:class:`ImportForm` is a part of :class:`gui.import_wizard.ImportWizard` (a mixin). It builds the
left side (format, layout, delimiter, header, id/order/label columns, sheet, task, features,
channels first, the sliding windows of a series and the word vectors of a text), turns the
fields into :class:`~core.options.LoadOptions` and :class:`~core.options.WindowOptions` and back,
and after each read writes what was detected into the fields (``Auto (detected: …)``) with the
reason under each. Its reason to change is a new read option or a new way to word one.

It uses from the wizard: ``path``, ``_schedule`` (re-read after a change), ``_on_feature_toggled``,
``_preview``, ``_roles``, ``_columns``, ``_updating``, ``_features_explicit``, ``_detected_roles``
and ``_last_features``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.dataset import Guess, SequenceDataset
from core.loaders.table_preview import TABLE_FORMATS
from core.options import TASKS, LoadOptions, WindowOptions
from core.wording import plural
from gui.import_preview import Preview, plain_value
from gui.limited_spin import LimitedSpinBox

_AUTO = "Auto"

_FORMAT_NAMES = {
    "csv": "CSV / TSV table", "json": "JSON", "jsonl": "JSON Lines", "text": "Text, one sentence per line",
    "npy": "NumPy .npy", "npz": "NumPy .npz", "ts": "UEA/UCR .ts",
    "xlsx": "Excel workbook", "parquet": "Parquet table", "feather": "Feather table",
}

_TASK_NAMES = {"binary": "two classes (binary)", "multiclass": "several classes (multiclass)",
               "regression": "numbers to predict (regression)"}

_LAYOUT_NAMES = {
    "long": "long: one row per time step, an id column groups rows into sequences",
    "wide": "wide: one row per sample, one column per time step",
    "series": "series: rows are time, columns are features (one long series → windows)",
}

VECTORS_FILTER = "Word vectors (*.txt *.vec *.bin *.gz *.bz2 *.xz);;All files (*)"

_VECTOR_USES = (("a frozen Embedding's weights (token ids)", False), ("the features: (N, T, vector size)", True))

_OOV_RULES = (("zeros", "zeros"), ("a random vector per word (seeded)", "random"))

_DELIMITERS = (("comma  ,", ","), ("tab", "\t"), ("semicolon  ;", ";"), ("pipe  |", "|"), ("whitespace", " "))

#: Guesses whose field already shows the value, so only the reason is written under it.
_FIELD_GUESSES = frozenset({"format", "layout", "delimiter", "header", "id column", "time column", "label column",
                            "channels first", "label position"})


def _reason_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("guessReason")
    label.setStyleSheet("QLabel#guessReason { color: palette(placeholder-text); }")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setVisible(False)
    return label


class ImportForm:
    """The left side of the import wizard: the read options as fields, and what was detected in them."""

    def _build_options(self) -> QWidget:
        box = QGroupBox("How to read the file")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._reasons: dict[str, QLabel] = {}

        def add(name: str, label: str, widget: QWidget, tip: str) -> None:
            widget.setToolTip(tip)
            if isinstance(widget, QComboBox):
                widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(14)
            column = QVBoxLayout()
            column.setSpacing(1)
            column.addWidget(widget)
            reason = _reason_label()
            self._reasons[name] = reason
            column.addWidget(reason)
            holder = QWidget()
            holder.setLayout(column)
            column.setContentsMargins(0, 0, 0, 0)
            form.addRow(label, holder)

        self.format_combo = QComboBox()
        self.format_combo.addItem(_AUTO, None)
        for key, name in _FORMAT_NAMES.items():
            self.format_combo.addItem(name, key)
        add("format", "Format", self.format_combo, "The kind of file. Auto decides from the file name and its first bytes.")

        self.layout_combo = QComboBox()
        self.layout_combo.addItem(_AUTO, None)
        for key, name in _LAYOUT_NAMES.items():
            self.layout_combo.addItem(name.split(":")[0], key)
            self.layout_combo.setItemData(self.layout_combo.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        add("layout", "Layout", self.layout_combo,
            "How a table holds sequences. long: a row per time step with an id column; wide: a row per sample and "
            "a column per step; series: one long series cut into windows.")

        self.delimiter_combo = QComboBox()
        self.delimiter_combo.addItem(_AUTO, None)
        for name, char in _DELIMITERS:
            self.delimiter_combo.addItem(name, char)
        add("delimiter", "Delimiter", self.delimiter_combo, "The character between the cells of a row.")

        self.header_combo = QComboBox()
        self.header_combo.addItem(_AUTO, None)
        self.header_combo.addItem("first row holds column names", True)
        self.header_combo.addItem("no header, all rows are data", False)
        add("header", "Header", self.header_combo, "Whether the first row names the columns.")

        self.id_combo = self._column_combo()
        add("id_col", "Sequence id column", self.id_combo,
            "Long layout: rows with the same value here belong to the same sequence (sample).")
        self.time_combo = self._column_combo()
        add("time_col", "Order column", self.time_combo,
            "Long layout: rows of a sequence are sorted by this column (time, step or frame).")
        self.label_combo = self._column_combo()
        add("label_col", "Label column", self.label_combo,
            "The value the model should predict (a class or a number). Not used as a feature.")

        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem(_AUTO, None)
        add("sheet", "Sheet", self.sheet_combo, "Excel workbooks: the sheet holding the table. Auto reads the first.")

        self.task_combo = QComboBox()
        self.task_combo.addItem(_AUTO, None)
        for key in TASKS:
            self.task_combo.addItem(_TASK_NAMES[key], key)
        add("task", "Task", self.task_combo,
            "What the labels mean: two classes, several classes, or numbers to predict. Auto: text and whole numbers "
            "with at most 50 values are classes, other numbers are predicted as numbers.")

        self.feature_list = QListWidget()
        self.feature_list.setObjectName("featureList")
        self.feature_list.setMaximumHeight(130)
        self.feature_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.feature_list.itemChanged.connect(self._on_feature_toggled)
        add("feature_cols", "Feature columns", self.feature_list,
            "The measured values at each step; each ticked column becomes one feature (the F in (N, T, F)).")

        self.channels_combo = QComboBox()
        self.channels_combo.addItem(_AUTO, None)
        self.channels_combo.addItem("no: arrays are (samples, timesteps, features)", False)
        self.channels_combo.addItem("yes: transpose (samples, features, timesteps)", True)
        add("channels_first", "Channels first", self.channels_combo,
            "Some tools store arrays as (samples, features, timesteps). Keras wants (samples, timesteps, features); "
            "choose yes to transpose on loading.")

        self.window_group = QGroupBox("Sliding windows (single series)")
        self.window_group.setToolTip("A single long series is cut into overlapping windows: each window is one sample.")
        window_form = QFormLayout(self.window_group)
        self.window_spin = self._spin(1, 1_000_000, "Steps in each window: the T of (N, T, F).", "Window length")
        self.stride_spin = self._spin(1, 1_000_000, "Steps between the starts of two windows.", "Stride")
        self.horizon_spin = self._spin(0, 1_000_000, "How many steps after a window its target is (1 = the next step; 0 = no target).", "Horizon")
        self.targets_edit = QLineEdit()
        self.targets_edit.setPlaceholderText("all features")
        self.targets_edit.setToolTip("Comma-separated columns to predict; empty predicts every feature.")
        self.targets_edit.editingFinished.connect(self._schedule)
        window_form.addRow("Window", self.window_spin)
        window_form.addRow("Stride", self.stride_spin)
        window_form.addRow("Horizon", self.horizon_spin)
        window_form.addRow("Targets", self.targets_edit)

        self.roles_group = QGroupBox("Columns and their roles")
        self.roles_group.setToolTip("Every column of the table as it is in the file. Give a column a role here: "
                                    "Auto keeps the detected one.")
        roles_layout = QVBoxLayout(self.roles_group)
        self.roles_table = QTableWidget(0, 4)
        self.roles_table.setObjectName("columnRoles")
        self.roles_table.setHorizontalHeaderLabels(["Column", "Kind", "Role", "First values"])
        self.roles_table.verticalHeader().setVisible(False)
        self.roles_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roles_table.horizontalHeader().setStretchLastSection(True)
        self.roles_table.setMinimumHeight(160)
        roles_layout.addWidget(self.roles_table)
        self.vectors_group = self._build_vectors_group()

        for combo in (self.format_combo, self.layout_combo, self.delimiter_combo, self.header_combo,
                      self.channels_combo, self.task_combo, self.sheet_combo):
            combo.currentIndexChanged.connect(self._schedule)
        for combo in (self.id_combo, self.time_combo, self.label_combo):
            combo.currentIndexChanged.connect(self._schedule)
            combo.lineEdit().editingFinished.connect(self._schedule)

        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 4, 0)
        column.addWidget(box)
        column.addWidget(self.roles_group)
        column.addWidget(self.window_group)
        column.addWidget(self.vectors_group)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(400)
        return scroll

    def _build_vectors_group(self) -> QGroupBox:
        """Text only: pre-trained word vectors (GloVe, word2vec, fastText .vec) and how to use them."""
        group = QGroupBox("Word vectors (text)")
        group.setObjectName("vectorsGroup")
        group.setToolTip("Pre-trained vectors for the words of the text: GloVe .txt, word2vec/fastText .vec, "
                         "word2vec .bin or a fastText .bin model. Only the rows of this text's words are read.")
        form = QFormLayout(group)
        self.embeddings_edit = QLineEdit()
        self.embeddings_edit.setObjectName("embeddingsFile")
        self.embeddings_edit.setPlaceholderText("none: the Embedding learns from scratch")
        self.embeddings_edit.setToolTip("The vectors file; empty for none.")
        self.embeddings_edit.editingFinished.connect(self._schedule)
        choose = QPushButton("Embeddings…")
        choose.setObjectName("embeddingsChoose")
        choose.setToolTip("Choose a file of pre-trained word vectors.")
        choose.clicked.connect(self.choose_embeddings)
        clear = QPushButton("None")
        clear.setToolTip("Use no pre-trained vectors.")
        clear.clicked.connect(lambda: self.set_embeddings_file(None))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(choose)
        buttons.addWidget(clear)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.embeddings_edit)
        column.addLayout(buttons)
        holder = QWidget()
        holder.setLayout(column)
        form.addRow("Vectors", holder)
        self.embeddings_use_combo = QComboBox()
        self.embeddings_use_combo.setObjectName("embeddingsUse")
        for name, value in _VECTOR_USES:
            self.embeddings_use_combo.addItem(name, value)
        self.embeddings_use_combo.setToolTip(
            "Frozen Embedding: the tensor is token ids and the Embedding layer starts from the vectors (fine-tune it "
            "in the model builder). Features: each word becomes its vector, so the tensor is (N, T, vector size) and "
            "padded steps are masked.")
        form.addRow("Use them as", self.embeddings_use_combo)
        self.oov_combo = QComboBox()
        self.oov_combo.setObjectName("embeddingsOov")
        for name, value in _OOV_RULES:
            self.oov_combo.addItem(name, value)
        self.oov_combo.setToolTip("Words the vectors file lacks get zeros, or a random vector drawn from the word "
                                  "itself (the same in every run and in the exported script). Padding stays zeros.")
        form.addRow("Missing words", self.oov_combo)
        for combo in (self.embeddings_use_combo, self.oov_combo):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.embeddings_edit.setMinimumWidth(120)
        self.lowercase_check = QCheckBox("lower-case the words")
        self.lowercase_check.setObjectName("lowercaseWords")
        self.lowercase_check.setChecked(True)
        self.lowercase_check.setToolTip("GloVe's vectors are lower-case; untick for cased vectors such as word2vec's "
                                        "GoogleNews.")
        form.addRow("Case", self.lowercase_check)
        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("embeddingsCoverage")
        self.coverage_label.setWordWrap(True)
        form.addRow(self.coverage_label)
        for combo in (self.embeddings_use_combo, self.oov_combo):
            combo.currentIndexChanged.connect(self._schedule)
        self.lowercase_check.toggled.connect(self._schedule)
        group.setVisible(False)
        return group

    @Slot()
    def choose_embeddings(self) -> None:
        """Ask for a vectors file (next to the text by default) and re-read with it."""
        from PySide6.QtWidgets import QFileDialog

        start = self.embeddings_edit.text().strip() or str(Path(self.path).parent)
        path, _ = QFileDialog.getOpenFileName(self, "Choose word vectors", start, VECTORS_FILTER)
        if path:
            self.set_embeddings_file(path)

    def set_embeddings_file(self, path: str | Path | None, *, as_features: bool | None = None) -> None:
        """Use the vectors in ``path`` (None: none) and refresh the preview."""
        self.embeddings_edit.setText("" if path is None else str(path))
        if as_features is not None:
            self._set_combo(self.embeddings_use_combo, bool(as_features))
        self._schedule()

    def _column_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItem(_AUTO, None)
        return combo

    def _spin(self, low: int, high: int, tip: str, name: str = "Value") -> QSpinBox:
        spin = LimitedSpinBox(name)
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(self._schedule)
        return spin

    # ---- options <-> form ------------------------------------------------------------------------
    def _apply_options(self, options: LoadOptions, window: WindowOptions | None) -> None:
        self._updating = True
        try:
            self._set_combo(self.format_combo, options.format)
            self._set_combo(self.layout_combo, options.layout)
            self._set_combo(self.delimiter_combo, options.delimiter)
            self._set_combo(self.header_combo, options.header)
            self._set_combo(self.channels_combo, options.channels_first)
            self._set_combo(self.task_combo, options.task)
            if options.sheet is not None:
                self.sheet_combo.addItem(options.sheet, options.sheet)
                self._set_combo(self.sheet_combo, options.sheet)
            for combo, value in ((self.id_combo, options.id_col), (self.time_combo, options.time_col),
                                 (self.label_combo, options.label_col)):
                self._set_column(combo, value)
            if options.feature_cols is not None:
                self._set_features(list(options.feature_cols), list(options.feature_cols))
            self._base_options = options
            self.embeddings_edit.setText(options.embeddings or "")
            self._set_combo(self.embeddings_use_combo, bool(options.embed_features))
            self._set_combo(self.oov_combo, options.oov or "zeros")
            self.lowercase_check.setChecked(bool(options.lowercase))
            window = window or WindowOptions()
            self.window_spin.setValue(window.window)
            self.stride_spin.setValue(window.stride)
            self.horizon_spin.setValue(window.horizon)
            self.targets_edit.setText(", ".join(window.target_cols or ()))
        finally:
            self._updating = False

    @staticmethod
    def _set_combo(combo: QComboBox, value: Any) -> None:
        for index in range(combo.count()):
            if combo.itemData(index) == value and (value is not None or index == 0):
                combo.setCurrentIndex(index)
                return
        combo.setCurrentIndex(0)

    def _set_column(self, combo: QComboBox, value: str | None) -> None:
        if value is None:
            combo.setCurrentIndex(0)
            return
        index = combo.findData(value)
        if index < 0:
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    @staticmethod
    def _column_value(combo: QComboBox) -> str | None:
        text = combo.currentText().strip()
        if not text or combo.currentIndex() == 0 and text == combo.itemText(0):
            return None
        data = combo.currentData()
        if combo.currentIndex() > 0 and data is not None and text == combo.itemText(combo.currentIndex()):
            return str(data)
        return text

    def load_options(self) -> LoadOptions:
        """The options chosen in the form (``None`` for everything left on Auto)."""
        features = None
        roles = {self._column_value(c) for c in (self.id_combo, self.time_combo, self.label_combo)} - {None}
        if self._features_explicit:
            features = tuple(self.feature_list.item(i).text() for i in range(self.feature_list.count())
                             if self.feature_list.item(i).checkState() == Qt.CheckState.Checked
                             and self.feature_list.item(i).text() not in roles)
        return LoadOptions(
            format=self.format_combo.currentData(),
            layout=self.layout_combo.currentData(),
            delimiter=self.delimiter_combo.currentData(),
            header=self.header_combo.currentData(),
            id_col=self._column_value(self.id_combo),
            time_col=self._column_value(self.time_combo),
            label_col=self._column_value(self.label_combo),
            feature_cols=features or None,
            channels_first=self.channels_combo.currentData(),
            task=self.task_combo.currentData(),
            sheet=self.sheet_combo.currentData(),
            skip_cols=tuple(name for name, role in self._roles.items() if role == "skip") or None,
            **self._text_options(),
        )

    def _text_options(self) -> dict[str, Any]:
        """The word-vector and case choices (kept from the options given when the box is not shown)."""
        base = getattr(self, "_base_options", LoadOptions())
        embeddings = self.embeddings_edit.text().strip() or None
        return {
            "lowercase": self.lowercase_check.isChecked(),
            "max_vocab": base.max_vocab,
            "encoding": base.encoding,
            "embeddings": embeddings,
            "embed_features": bool(self.embeddings_use_combo.currentData()) if embeddings else False,
            "oov": self.oov_combo.currentData() or "zeros",
        }

    def window_options(self) -> WindowOptions | None:
        """Window options when the data is a single series (None otherwise)."""
        if self._preview is None or self._preview.dataset.kind != "series":
            return None
        targets = tuple(t.strip() for t in self.targets_edit.text().split(",") if t.strip())
        return WindowOptions(window=self.window_spin.value(), stride=self.stride_spin.value(),
                             horizon=self.horizon_spin.value(), target_cols=targets or None)

    # ---- what was detected → the form ---------------------------------------------------------------
    def _update_form_from(self, preview: Preview) -> None:
        dataset = preview.dataset
        source = dataset.source
        effective = source.options
        guesses: dict[str, list[Guess]] = {}
        for guess in source.guesses:
            guesses.setdefault(guess.option or guess.what, []).append(guess)

        detected = {name: "feature" for name in (effective.get("feature_cols") or ())}
        for key, role in (("id_col", "sequence id"), ("time_col", "order"), ("label_col", "label")):
            if effective.get(key):
                detected[str(effective[key])] = role
        for name in effective.get("index_cols") or ():
            detected[str(name)] = "order"
        for guess in source.guesses:
            if guess.what == "excluded column":
                detected.setdefault(str(guess.value), "skipped")
        self._detected_roles = detected
        self._last_features = tuple(str(c) for c in (effective.get("feature_cols") or ()))
        columns = [effective.get(k) for k in ("id_col", "time_col", "label_col")]
        columns += list(effective.get("feature_cols") or ())
        columns += [str(g.value) for g in source.guesses if g.what == "excluded column"]
        for name in columns:
            if name and name not in self._columns:
                self._columns.append(str(name))

        self._updating = True
        try:
            fmt = effective.get("format") or source.format
            self._auto_text(self.format_combo, _FORMAT_NAMES.get(fmt, fmt))
            layout = effective.get("layout")
            self._auto_text(self.layout_combo, layout)
            delimiter = effective.get("delimiter")
            names = {v: k.split()[0] for k, v in _DELIMITERS}
            self._auto_text(self.delimiter_combo, names.get(delimiter, delimiter))
            header = effective.get("header")
            self._auto_text(self.header_combo, None if header is None else ("yes" if header else "no"))
            task = effective.get("task") or (dataset.labels.kind if dataset.labels is not None else None)
            self._auto_text(self.task_combo, "per-step labels" if task == "sequence" else task)
            channels = effective.get("channels_first")
            self._auto_text(self.channels_combo, None if channels is None else ("yes" if channels else "no"))
            for combo, key in ((self.id_combo, "id_col"), (self.time_combo, "time_col"), (self.label_combo, "label_col")):
                for name in self._columns:
                    if combo.findData(name) < 0:
                        combo.addItem(name, name)
                self._auto_text(combo, effective.get(key))
            is_table = fmt in TABLE_FORMATS
            layout_guessed = any(g.option == "layout" for g in source.guesses)
            for widget_name, visible in (("layout", is_table or layout_guessed), ("delimiter", is_table), ("header", is_table),
                                         ("id_col", is_table and layout == "long"),
                                         ("time_col", is_table and layout == "long"),
                                         ("label_col", is_table or fmt in ("json", "jsonl", "text")),
                                         ("feature_cols", is_table and layout != "wide"),
                                         ("task", dataset.labels is not None or effective.get("task") is not None),
                                         ("sheet", fmt == "xlsx"),
                                         ("channels_first", fmt in ("npy", "npz", "json", "jsonl", "ts"))):
                self._set_row_visible(widget_name, visible)
            if not self._features_explicit:
                features = list(effective.get("feature_cols") or dataset.feature_names)
                self._set_features(self._columns or features, features)
            self.window_group.setVisible(dataset.kind == "series")
            self.vectors_group.setVisible(fmt == "text")
            self._show_coverage(dataset)
            if dataset.kind == "series" and preview.window is not None:
                self.window_spin.setValue(preview.window.window)
                self.stride_spin.setValue(preview.window.stride)
                self.horizon_spin.setValue(preview.window.horizon)
                self.targets_edit.setText(", ".join(preview.window.target_cols or ()))
                self.window_spin.set_limits(1, max(1, dataset.total_steps),
                                            high_reason=f"the series has {plural(dataset.total_steps, 'step')}")
        finally:
            self._updating = False

        for name, reason in self._reasons.items():
            found = guesses.get(name, [])
            if name == "format" and not found:
                found = guesses.get("format", [])
            text = "; ".join(g.why if g.what in _FIELD_GUESSES else f"{g.what} {plain_value(g.value)}: {g.why}"
                             for g in found)
            reason.setText(text)
            reason.setVisible(bool(text) and reason.parentWidget().isVisibleTo(self))

    def _show_coverage(self, dataset: SequenceDataset) -> None:
        embeddings = dataset.embeddings
        if embeddings is None:
            self.coverage_label.setText("No vectors: token ids go into an Embedding that learns from scratch.")
            return
        from core.doctor import LOW_EMBEDDING_COVERAGE

        low = embeddings.coverage < LOW_EMBEDDING_COVERAGE
        self.coverage_label.setText(("⚠ " if low else "✓ ") + embeddings.summary()
                                    + (". The shape doctor explains what to try." if low else "."))

    @staticmethod
    def _auto_text(combo: QComboBox, detected: Any) -> None:
        combo.setItemText(0, f"{_AUTO} (detected: {detected})" if detected not in (None, "") else _AUTO)

    def _set_row_visible(self, name: str, visible: bool) -> None:
        holder = self._reasons[name].parentWidget()
        form = holder.parentWidget().layout()
        if isinstance(form, QFormLayout):
            form.setRowVisible(holder, visible)

    def _set_features(self, columns: list[str], checked: list[str]) -> None:
        self.feature_list.blockSignals(True)
        self.feature_list.clear()
        for name in columns:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            self.feature_list.addItem(item)
        self.feature_list.blockSignals(False)
