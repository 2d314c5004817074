"""The import window's column table: every column of the file with its kind, first values and
role, kept on screen even when reading with the chosen settings fails (Orange's File widget is the
model). A mixin of :class:`gui.import_wizard.ImportWizard`: the roles are written into the
wizard's own form fields (id/order/label columns, the feature list, skipped columns), which stay
the one source of the options; nothing is parsed here (the raw rows come from
:func:`core.loaders.table_preview.raw_preview`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTableWidgetItem

from core.loaders.table_preview import RawTable

#: The column roles offered in the column table, and the form field each one sets.
ROLES = (("auto", "Auto"), ("feature", "Feature"), ("id", "Sequence id"), ("time", "Order (time)"),
         ("label", "Label"), ("skip", "Skip"))


class ColumnRolesMixin:
    """Column-table behaviour of the import wizard (needs its combos, feature list and tables)."""

    def _show_failure(self, message: str, raw: RawTable | None) -> None:
        """The read failed: say why, and keep the columns on screen (from the raw rows) so the
        user can give them roles; the preview shows the file's rows as they are."""
        self._error = message
        self._preview = None
        if raw is not None:
            self._raw = raw
            self._offer_sheets(raw)
        self.shape_label.setText("—")
        self.headline_label.setText("")
        self.status_label.setText(f"✖ {self._error} Change the settings on the left, or give the columns their "
                                  "roles in the column table.")
        if self._raw is not None:
            for name in self._raw.columns:
                if name not in self._columns:
                    self._columns.append(name)
            self._updating = True
            try:
                for combo in (self.id_combo, self.time_combo, self.label_combo):
                    for name in self._columns:
                        if combo.findData(name) < 0:
                            combo.addItem(name, name)
                if not self._features_explicit:  # shown (all the columns), but still detected
                    checked = [self.feature_list.item(i).text() for i in range(self.feature_list.count())
                               if self.feature_list.item(i).checkState() == Qt.CheckState.Checked]
                    self._set_features(self._columns, checked or [c for c, k in zip(self._raw.columns, self._raw.kinds)
                                                                  if k == "number"])
                for name in ("id_col", "time_col", "label_col", "feature_cols"):
                    self._set_row_visible(name, True)
                self._set_row_visible("channels_first", False)
                self.window_group.setVisible(False)
            finally:
                self._updating = False
            self._fill_raw_rows(self._raw)
        else:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
        self._fill_roles()
        self._update_ok()
        self.previewUpdated.emit()

    def _offer_sheets(self, raw: RawTable) -> None:
        """An Excel workbook's sheets in the Sheet choice (hidden for other files)."""
        self._updating = True
        try:
            for name in raw.sheets:
                if self.sheet_combo.findData(name) < 0:
                    self.sheet_combo.addItem(name, name)
            if raw.sheets:
                self._auto_text(self.sheet_combo, raw.sheets[0])
        finally:
            self._updating = False
        self._set_row_visible("sheet", bool(raw.sheets))

    def _fill_raw_rows(self, raw: RawTable) -> None:
        """The file's first rows as they are (no layout applied), when reading with the settings failed."""
        self.tabs.setTabText(0, "Preview: the file's first rows (not read yet)")
        self.table.clear()
        self.table.setColumnCount(len(raw.columns))
        self.table.setHorizontalHeaderLabels(list(raw.columns))
        self.table.setRowCount(len(raw.rows))
        for r, row in enumerate(raw.rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    # ---- the column-role table ------------------------------------------------------------------
    def column_roles(self) -> dict[str, str]:
        """Each column's role as chosen in the form: feature, id, time, label, skip (or auto)."""
        roles = {name: "auto" for name in self._columns}
        if self._features_explicit:
            for i in range(self.feature_list.count()):
                item = self.feature_list.item(i)
                if item.checkState() == Qt.CheckState.Checked:
                    roles[item.text()] = "feature"
        roles.update(self._roles)
        for combo, role in ((self.id_combo, "id"), (self.time_combo, "time"), (self.label_combo, "label")):
            value = self._column_value(combo)
            if value is not None:
                roles[value] = role
        return roles

    def set_column_role(self, column: str, role: str) -> None:
        """Give ``column`` a role (one of :data:`ROLES`' keys) and re-read the file."""
        combos = {"id": self.id_combo, "time": self.time_combo, "label": self.label_combo}
        self._updating = True
        try:
            for key, combo in combos.items():
                if self._column_value(combo) == column and key != role:
                    combo.setCurrentIndex(0)
            self._roles.pop(column, None)
            if role in combos:
                self._set_column(combos[role], column)
            elif role == "skip":
                self._roles[column] = "skip"
            if role == "feature" and not self._features_explicit:
                # Feature chosen by hand: from now on the ticked list is the feature set, starting
                # from what was detected (or, after a failed read, the numeric columns).
                base = list(self._last_features) or [c for c, k in zip(self._raw.columns, self._raw.kinds)
                                                     if k == "number"] if self._raw is not None else list(self._last_features)
                taken = {self._column_value(c) for c in combos.values()} | {c for c, r in self._roles.items() if r == "skip"}
                names = list(dict.fromkeys([*self._columns, column]))
                self._set_features(names, [c for c in [*base, column] if c not in taken])
                self._features_explicit = True
            if self._features_explicit:
                for i in range(self.feature_list.count()):
                    item = self.feature_list.item(i)
                    if item.text() == column:
                        self.feature_list.blockSignals(True)
                        item.setCheckState(Qt.CheckState.Checked if role == "feature" else Qt.CheckState.Unchecked)
                        self.feature_list.blockSignals(False)
        finally:
            self._updating = False
        self._fill_roles()
        self._schedule()

    def _fill_roles(self) -> None:
        columns = list(self._raw.columns) if self._raw is not None else list(self._columns)
        for name in self._columns:
            if name not in columns:
                columns.append(name)
        self.roles_group.setVisible(bool(columns))
        chosen = self.column_roles()
        detected = self._detected_roles
        kinds = dict(zip(self._raw.columns, self._raw.kinds)) if self._raw is not None else {}
        samples: dict[str, str] = {}
        if self._raw is not None:
            for j, name in enumerate(self._raw.columns):
                samples[name] = ", ".join(r[j] for r in self._raw.rows[:4] if j < len(r))
        self.roles_table.setRowCount(len(columns))
        for r, name in enumerate(columns):
            self.roles_table.setItem(r, 0, QTableWidgetItem(name))
            self.roles_table.setItem(r, 1, QTableWidgetItem(kinds.get(name, "")))
            combo = QComboBox()
            combo.setObjectName(f"role:{name}")
            for key, text in ROLES:
                shown = f"{text} ({detected[name]})" if key == "auto" and name in detected else text
                combo.addItem(shown, key)
            role = chosen.get(name, "auto")
            combo.setCurrentIndex(max(0, combo.findData(role)))
            combo.currentIndexChanged.connect(lambda _i, c=combo, n=name: self.set_column_role(n, c.currentData()))
            self.roles_table.setCellWidget(r, 2, combo)
            self.roles_table.setItem(r, 3, QTableWidgetItem(samples.get(name, "")))
        self.roles_table.resizeColumnsToContents()

    def role_combo(self, column: str) -> QComboBox | None:
        """The role chooser of ``column`` in the column table (for tests and keyboard users)."""
        for r in range(self.roles_table.rowCount()):
            item = self.roles_table.item(r, 0)
            if item is not None and item.text() == column:
                return self.roles_table.cellWidget(r, 2)
        return None
