"""From a parsed table to a :class:`SequenceDataset`: plan the layout, build the sequences,
record what was read. Shared by every table format (CSV/TSV, Excel, Parquet, Feather), so a
workbook or a Parquet file gets exactly the layouts and guesses a CSV gets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.dataset import DatasetKind, Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.table_build import Table, build_long, build_series, build_wide, numeric_kind
from core.loaders.table_layout import Plan, plan_layout
from core.options import LoadOptions


@dataclass
class Shaped:
    """The sequences built from a table, and the plan they follow."""

    values: np.ndarray
    lengths: np.ndarray
    labels: Labels | None
    sample_ids: tuple[str, ...] | None
    names: tuple[str, ...]
    kind: DatasetKind
    plan: Plan


def shape_table(table: Table, path: Path, options: LoadOptions, guesses: list[Guess], header: bool, notes: list[str],
                progress=None, cancelled=None) -> Shaped:
    """Guess the roles and layout of ``table`` (unless given) and build its sequences."""
    if len(table.columns) == 1 and options.layout is None and numeric_kind(table.frame[table.columns[0]]) == "text":
        raise LoadError(path, "has a single column that is not numeric",
                        hint="For sentences use a .txt file (one per line); for numbers check the delimiter")
    plan = plan_layout(table, path, options, guesses, header)
    files.report_progress(progress, 0.7)
    files.check_cancelled(path, cancelled)
    kind: DatasetKind
    if plan.layout == "long":
        values, lengths, labels, sample_ids = build_long(table, path, plan, notes, guesses)
        names, kind = tuple(plan.feature_cols), "sequences"
    elif plan.layout == "wide":
        values, lengths, labels, sample_ids = build_wide(table, path, plan, notes)
        names, kind = ("value",), "sequences"
    else:
        values, lengths, labels = build_series(table, path, plan, notes, guesses)
        sample_ids, names = None, tuple(plan.feature_cols)
        kind = "series" if labels is None else "sequences"  # labelled at every step: one labelled sequence
    if labels is not None and labels.classes is not None and len(labels.classes) == 1:
        notes.append(f"the label column '{plan.label_col}' has a single class ('{labels.classes[0]}')")
    files.report_progress(progress, 0.95)
    files.check_cancelled(path, cancelled)
    return Shaped(values, lengths, labels, sample_ids, names, kind, plan)


def table_dataset(path: Path, fmt: str, shaped: Shaped, options: LoadOptions, guesses: list[Guess], notes: list[str],
                  recorded: dict[str, Any]) -> SequenceDataset:
    """The dataset, its source recording the effective options plus ``recorded`` (the agreed
    keys: delimiter, decimal, thousands, encoding, header, skip_rows, comment, excluded_columns,
    sheet, label_position, and index_cols)."""
    plan = shaped.plan
    effective = replace(options, format=fmt, layout=plan.layout, id_col=plan.id_col, time_col=plan.time_col,
                        label_col=plan.label_col, feature_cols=tuple(plan.feature_cols))
    out = effective.to_dict()
    out.update({"index_cols": list(plan.index_cols),
                "excluded_columns": [g.value for g in guesses if g.what == "excluded column"]})
    out.update(recorded)
    source = SourceInfo(str(path), f"{fmt}-{plan.layout}", out, tuple(guesses), tuple(notes))
    return SequenceDataset(shaped.values, shaped.lengths, shaped.names, source, shaped.labels, shaped.kind, None,
                           shaped.sample_ids).validate()
