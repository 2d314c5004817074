"""Building sequences from a parsed table: column values checked cell by cell, labels encoded,
and the long/wide layouts gathered into ragged sequences, all vectorised.

Integer ids are numbered with a presence table, rows whose steps are consecutive in every
sequence are placed directly at offset + step (no sort; otherwise one argsort of a combined
key, or ``lexsort``), lengths come from ``bincount``, and the feature block is gathered with a
single ``take``. No per-sequence Python loop. Values are stored as float32 (Keras' default
float type); columns whose magnitude exceeds 2**24 get a note.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.dataset import Guess, Labels
from core.errors import LoadError
from core.loaders.csv_dialect import RowLines

if TYPE_CHECKING:
    from core.loaders.table_layout import Plan

MAX_CLASSES = 50  # integer labels with at most this many distinct values are classes
_FLOAT32_EXACT = 2.0**24


@dataclass
class Table:
    frame: object  # pandas.DataFrame
    columns: list[str]
    lines: RowLines
    padded: bool  # short rows were padded with NaN (ragged file read by the C engine)



def short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_value(value: object) -> str:
    text = str(value)
    if len(text) > 1000:
        return f"a huge field of {len(text):,} characters"
    return f"the value '{short(text, 40)}'"



def numeric_kind(series) -> str:
    """'numeric', 'mostly-numeric' (numbers with some bad cells) or 'text' (incl. dates)."""
    import pandas as pd  # noqa: PLC0415

    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "text"
    sample = series.dropna().iloc[:1000]
    if sample.empty:
        return "numeric"  # all empty: the NaN check will name it
    if not all(isinstance(v, str) for v in sample.iloc[:50]):
        return "text"  # dates, times parsed by the reader
    numeric = pd.to_numeric(sample, errors="coerce").notna().mean()
    return "mostly-numeric" if numeric >= 0.5 else "text"


def column_floats(table: Table, path: Path, column: str) -> np.ndarray:
    """One column as float64, naming the first non-numeric cell if there is one."""
    import pandas as pd  # noqa: PLC0415

    series = table.frame[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise LoadError(path, f"column '{column}' holds dates, not numbers", where=table.lines.where(0, column),
                        hint="Leave it out of the feature columns")
    coerced = pd.to_numeric(series, errors="coerce")
    bad = coerced.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        value = series.iloc[row]
        raise LoadError(path, f"{show_value(value)} in column '{column}' is not a number",
                        where=table.lines.where(row, column),
                        hint="Fix that cell, or leave the column out with --feature-cols")
    return coerced.to_numpy(dtype=np.float64, na_value=np.nan)


def feature_block(table: Table, path: Path, columns: list[str], allow_missing: bool = False,
                   notes: list[str] | None = None) -> np.ndarray:
    """``(rows, len(columns))`` float64 with every cell checked.

    Missing values (unless ``allow_missing``), infinities and values beyond float32's range are
    errors naming line and column; columns float32 cannot hold exactly add a note to ``notes``.
    """
    block = np.empty((len(table.frame), len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):  # loop over columns, not rows
        block[:, j] = column_floats(table, path, column)
    if not np.isfinite(block).all():  # one fast pass in the common, clean case
        if not allow_missing:
            _raise_at(table, path, np.isnan(block), columns, "has a missing value (an empty cell or NaN)",
                      "Fill or drop the missing values before loading")
        _raise_at(table, path, np.isinf(block), columns,
                  "has an infinite value (inf, or a number too large to store)",
                  "Replace it with a finite number or drop the row")
    if block.size:
        # Whole-array extremes are one fast SIMD pass; per-column peaks only when something is large.
        peak = max(float(np.fmax.reduce(block, axis=None)), -float(np.fmin.reduce(block, axis=None)))
        peaks = (np.fmax(np.fmax.reduce(block, axis=0), -np.fmin.reduce(block, axis=0)) if peak > _FLOAT32_EXACT
                 else np.zeros(block.shape[1]))
        if (peaks > np.finfo(np.float32).max).any():
            _raise_at(table, path, np.abs(block) > np.finfo(np.float32).max, columns,
                      "has a value too large for 32-bit floats", "Rescale that column")
        if notes is not None:
            notes.extend(f"column '{c}' has values above 16,777,216 that float32 cannot hold exactly; consider "
                         "rescaling it" for c, peak in zip(columns, peaks) if peak > _FLOAT32_EXACT)
    return block


def _raise_at(table: Table, path: Path, bad: np.ndarray, columns: list[str], problem: str, hint: str) -> None:
    """Raise a LoadError at the first True cell of ``bad`` (row-major), if there is one."""
    if bad.any():
        row, col = divmod(int(np.argmax(bad)), bad.shape[1])
        raise LoadError(path, problem, where=table.lines.where(row, columns[col]), hint=hint)


# ---- labels ----------------------------------------------------------------------------------
def encode_labels(raw, name: str | None, path: Path, locate: Callable[[int], str]) -> Labels:
    """Turn a label column into :class:`Labels`, one entry per row.

    Text, booleans and integers with at most ``MAX_CLASSES`` distinct values become classes
    0..C-1 (names sorted as strings; integers sorted numerically, then written as strings).
    Other numbers become float32 regression targets. ``locate(row)`` names a row for errors.
    """
    import pandas as pd  # noqa: PLC0415

    series = raw if isinstance(raw, pd.Series) else pd.Series(raw)
    missing = series.isna().to_numpy()
    if missing.any():
        raise LoadError(path, f"the label{f' column {name!r}' if name else ''} is empty", where=locate(int(np.argmax(missing))),
                        hint="Give every row a label, or choose another label column")
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype(str)
    if not pd.api.types.is_numeric_dtype(series.dtype):
        text = series.astype(str).str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        parsed = numbers.notna().to_numpy()
        if parsed.all():
            return encode_labels(numbers, name, path, locate)
        if parsed.mean() >= 0.5:
            row = int(np.argmin(parsed))
            raise LoadError(path, f"{show_value(text.iloc[row])} is not a number like the other labels{f' in {name!r}' if name else ''}",
                            where=locate(row), hint="Fix that label")
        codes, uniques = pd.factorize(text.to_numpy(dtype=object))
        names = [str(u) for u in uniques]
        order = sorted(range(len(names)), key=names.__getitem__)
        return _classes(codes, [names[i] for i in order], order, name)
    values = series.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        row = int(np.argmax(~np.isfinite(values)))
        raise LoadError(path, "has an infinite label", where=locate(row), hint="Use finite label values")
    codes, uniques = pd.factorize(values, sort=True)
    integral = bool(np.all(uniques == np.round(uniques)))
    if integral and len(uniques) <= MAX_CLASSES:
        names = [str(int(u)) for u in uniques]
        return _classes(codes, names, list(range(len(names))), name)
    return Labels(values.astype(np.float32), "regression", None, name)


def _classes(codes: np.ndarray, names: list[str], order: list[int], name: str | None) -> Labels:
    remap = np.empty(len(order), dtype=np.int64)
    remap[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    values = remap[np.asarray(codes, dtype=np.int64)]
    kind = "binary" if len(names) <= 2 else "multiclass"
    return Labels(values, kind, tuple(names), name)



def is_integral(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    if pd.api.types.is_integer_dtype(series.dtype):
        return True
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        values = values[~np.isnan(values)]  # missing cells are reported later, where they are used
        return bool(values.size and np.isfinite(values).all() and np.all(values == np.round(values)))
    return False



# ---- building --------------------------------------------------------------------------------
def time_values(table: Table, path: Path, column: str) -> np.ndarray:
    import pandas as pd  # noqa: PLC0415

    series = table.frame[column]
    if numeric_kind(series) == "text":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(series, errors="coerce", format="mixed")
        bad = parsed.isna().to_numpy() & series.notna().to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise LoadError(path, f"{show_value(series.iloc[row])} in the time column '{column}' is neither a number "
                            "nor a date", where=table.lines.where(row, column), hint="Fix that cell or choose another --time-col")
        values = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        values[parsed.isna().to_numpy()] = np.nan
    else:
        values = column_floats(table, path, column)
    missing = np.isnan(values)
    if missing.any():
        raise LoadError(path, f"the time column '{column}' is empty", where=table.lines.where(int(np.argmax(missing)), column),
                        hint="Give every row its step")
    return values


def build_long(table: Table, path: Path, plan: Plan, warnings_out: list[str], guesses: list[Guess]):
    frame = table.frame
    ids = frame[plan.id_col]
    missing = ids.isna().to_numpy()
    if missing.any():
        raise LoadError(path, f"the id column '{plan.id_col}' is empty", where=table.lines.where(int(np.argmax(missing)), plan.id_col),
                        hint="Give every row its sequence id")
    codes, uniques = sequence_codes(ids)
    block = feature_block(table, path, plan.feature_cols, notes=warnings_out)

    consecutive = False
    if plan.time_col is not None:
        steps = time_values(table, path, plan.time_col)
        order, consecutive = order_by_id_then_step(codes, steps, len(uniques))
    if plan.time_col is not None and not consecutive:  # duplicates and gaps are only possible here
        sorted_steps, sorted_codes = np.take(steps, order), np.take(codes, order)
        same = sorted_codes[1:] == sorted_codes[:-1]
        duplicate = same & (sorted_steps[1:] == sorted_steps[:-1])
        if duplicate.any():
            k = int(np.argmax(duplicate))
            first, second = sorted(int(r) for r in (order[k], order[k + 1]))
            step = frame[plan.time_col].iloc[second]
            raise LoadError(path, f"sequence '{uniques[sorted_codes[k]]}' has step {step} twice "
                            f"(lines {table.lines.line(first)} and {table.lines.line(second)})",
                            where=table.lines.where(second), hint="Remove the duplicate row or choose another --time-col")
        _gap_warning(frame, plan.time_col, uniques, sorted_codes, sorted_steps, same, order, warnings_out)
    elif plan.time_col is None:
        order = np.argsort(codes, kind="stable")
    lengths = np.bincount(codes, minlength=len(uniques)).astype(np.int64)
    values = np.take(block.astype(np.float32), order, axis=0)  # cast first: gathers half the bytes

    labels = None
    if plan.label_col is not None:
        per_row = encode_labels(frame[plan.label_col], plan.label_col, path, table.lines.where)
        row_values = np.take(per_row.values, order)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        firsts = row_values[starts]
        if np.array_equal(row_values, np.repeat(firsts, lengths)):
            labels = replace(per_row, values=firsts)
            if per_row.kind != "regression":
                labels = replace(labels, kind="binary" if len(per_row.classes) <= 2 else "multiclass")
        else:
            labels = replace(per_row, values=row_values, kind="sequence")
            guesses.append(Guess("label kind", "sequence", f"'{plan.label_col}' changes within sequences, so there is "
                                 "one label per time step", "label_col"))
    sample_ids = tuple(str(u) for u in uniques)
    return values, lengths, labels, sample_ids


def sequence_codes(ids) -> tuple[np.ndarray, object]:
    """Number the ids 0..K-1 in sorted order: ``(codes, uniques)`` as ``pandas.factorize(sort=True)``.

    Integer ids of modest range (the usual case) are numbered with a presence table in two
    linear passes instead of a hash table; ids of mixed types, which cannot be sorted, keep
    their order of appearance.
    """
    import pandas as pd  # noqa: PLC0415

    values = ids.to_numpy() if hasattr(ids, "to_numpy") else np.asarray(ids)
    if values.dtype.kind == "i" and values.size:
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * values.size + 1024:
            shifted = values.astype(np.int64) - low
            present = np.zeros(high - low + 1, dtype=bool)
            present[shifted] = True
            rank = np.cumsum(present, dtype=np.int64) - 1
            uniques = (np.flatnonzero(present) + low).astype(values.dtype)
            return rank[shifted], pd.Index(uniques)
    try:
        codes, uniques = pd.factorize(ids, sort=True)
    except TypeError:  # ids of mixed types cannot be sorted: keep their order of appearance
        codes, uniques = pd.factorize(ids, sort=False)
    return np.asarray(codes, dtype=np.int64), uniques


def order_by_id_then_step(codes: np.ndarray, steps: np.ndarray, n_ids: int) -> tuple[np.ndarray, bool]:
    """Row order sorted by id, then step, and whether every sequence's steps are consecutive
    integers (then there are no duplicate steps and no gaps to report).

    Consecutive integer steps (the usual case) place each row directly at its sequence's
    offset plus its step minus the sequence's first step: linear time, no sort. Otherwise one
    argsort of a combined int64 key when the steps are integers of modest range (two to three
    times faster than ``lexsort``), else ``lexsort``.
    """
    if not steps.size or not np.all(steps == np.round(steps)):
        return np.lexsort((steps, codes)), False
    lengths = np.bincount(codes, minlength=n_ids)
    firsts = np.full(max(n_ids, 1), np.inf)
    np.minimum.at(firsts, codes, steps)
    with np.errstate(invalid="ignore"):  # inf - inf for infinite steps: NaN, which fails the test below
        offset = steps - firsts[codes]
    if np.all(offset < lengths[codes]):  # every step within first .. first + length - 1
        place = (np.cumsum(lengths) - lengths)[codes] + offset.astype(np.int64)
        order = np.full(codes.size, -1, dtype=np.int64)
        order[place] = np.arange(codes.size, dtype=np.int64)
        if order.min() >= 0:  # every place taken once: the steps are distinct, so consecutive
            return order, True
    low, high = float(steps.min()), float(steps.max())
    span = high - low + 1
    if span * max(n_ids, 1) < 2.0**62:
        key = codes * np.int64(span) + (steps - low).astype(np.int64)
        return np.argsort(key), False  # keys are unique unless a step repeats, which is an error anyway
    return np.lexsort((steps, codes)), False


def _gap_warning(frame, column, uniques, sorted_codes, sorted_steps, same, order, warnings_out) -> None:
    if not same.any() or not np.all(sorted_steps == np.round(sorted_steps)):
        return
    diffs = np.diff(sorted_steps)
    step = diffs[same].min()
    gaps = same & (diffs > step)
    if gaps.any():
        k = int(np.argmax(gaps))
        n_sequences = np.unique(sorted_codes[1:][gaps]).size
        before = frame[column].iloc[int(order[k])]
        after = frame[column].iloc[int(order[k + 1])]
        warnings_out.append(
            f"{n_sequences} sequence{'s' if n_sequences != 1 else ''} skip steps in '{column}' (first: "
            f"'{uniques[sorted_codes[k]]}' jumps from {before} to {after}); the rows were kept in order, not filled in")


def build_wide(table: Table, path: Path, plan: Plan, warnings_out: list[str]):
    block = feature_block(table, path, plan.feature_cols, allow_missing=True, notes=warnings_out)
    present = ~np.isnan(block)
    width = block.shape[1]
    any_present = present.any(axis=1)
    lengths = np.where(any_present, width - np.argmax(present[:, ::-1], axis=1), 0).astype(np.int64)
    interior = ~present & (np.arange(width)[None, :] < lengths[:, None])
    if interior.any():
        row, col = divmod(int(np.argmax(interior)), width)
        raise LoadError(path, "has an empty cell or NaN inside a sequence", where=table.lines.where(row, plan.feature_cols[col]),
                        hint="Only trailing cells may be empty (a shorter sequence); fill the gap or drop the row")
    if not any_present.all():
        row = int(np.argmin(any_present))
        raise LoadError(path, "has a row without any values", where=table.lines.where(row),
                        hint="Remove the empty row")
    values = block[present].astype(np.float32)[:, None]  # row-major: sequences one after another
    labels = None
    if plan.label_col is not None:
        labels = encode_labels(table.frame[plan.label_col], plan.label_col, path, table.lines.where)
    sample_ids = None
    if plan.sample_id_col is not None:
        sample_ids = tuple(str(v) for v in table.frame[plan.sample_id_col].tolist())
    return values, lengths, labels, sample_ids
