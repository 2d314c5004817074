"""Building sequences from a parsed table: column values checked cell by cell, labels encoded,
and the long/wide layouts gathered into ragged sequences, all vectorised.

Integer ids are numbered with a presence table, rows whose steps are consecutive in every
sequence are placed directly at offset + step (no sort; otherwise one argsort of a combined
key, or ``lexsort``), lengths come from ``bincount``, and the feature block is gathered with a
single ``take``. No per-sequence Python loop. Values are stored as float32 (Keras' default
float type); columns whose magnitude exceeds 2**24 get a note.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.dataset import Guess, Labels
from core.errors import LoadError
from core.loaders import labels as _labels
from core.loaders.csv_dialect import RowLines

if TYPE_CHECKING:
    from core.loaders.table_layout import Plan

MAX_CLASSES = _labels.MAX_CLASSES  # integer labels with at most this many distinct values are classes
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
    import pandas as pd

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
    import pandas as pd

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
                   notes: list[str] | None = None, dtype=np.float64) -> np.ndarray:
    """``(rows, len(columns))`` of ``dtype`` (float64 unless asked) with every cell checked.

    Missing values (unless ``allow_missing``), infinities and values beyond float32's range are
    errors naming line and column; columns float32 cannot hold exactly add a note to ``notes``.
    With ``dtype=float32`` each column is checked as float64 and written straight into the
    float32 block, so no float64 copy of the whole table exists (half the memory); a column
    that fails a check sends the whole table through the float64 path, which names the first
    bad cell in row order exactly as before.
    """
    if np.dtype(dtype) == np.float32:
        block = np.empty((len(table.frame), len(columns)), dtype=np.float32)
        column_notes: list[str] = []
        for j, column in enumerate(columns):
            values = column_floats(table, path, column)
            finite = bool(np.isfinite(values).all()) if values.size else True
            peak = max(float(np.fmax.reduce(values)), -float(np.fmin.reduce(values))) if values.size and finite else 0.0
            if not finite or peak > float(np.finfo(np.float32).max):  # a Python float: no cast, no overflow warning
                del block, values
                return feature_block(table, path, columns, allow_missing, notes).astype(np.float32)
            if peak > _FLOAT32_EXACT:
                column_notes.append(f"column '{column}' has values above 16,777,216 that float32 cannot hold exactly; "
                                    "consider rescaling it")
            block[:, j] = values
        if notes is not None:
            notes.extend(column_notes)
        return block
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
    """A label column as :class:`Labels`: the one rule of :func:`core.loaders.labels.encode_labels`."""
    return _labels.encode_labels(raw, name, path, locate, container="column")


def is_integral(series) -> bool:
    import pandas as pd

    if pd.api.types.is_integer_dtype(series.dtype):
        return True
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        values = values[~np.isnan(values)]  # missing cells are reported later, where they are used
        return bool(values.size and np.isfinite(values).all() and np.all(values == np.round(values)))
    return False



# ---- building --------------------------------------------------------------------------------
_ZONE = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)\s*$", re.IGNORECASE)


def parse_times(series, path: Path, lines: RowLines, column: str):
    """Text times as pandas datetimes (NaT where a cell is not a time). Times that all carry a
    zone are converted to UTC; a column mixing times with and without a zone is refused at the
    first cell that differs from the first time, since no rule can place the naive ones."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.to_datetime(series, errors="coerce", format="mixed")
    except (ValueError, TypeError):
        pass
    text = series.astype(str).str.strip()
    zoned = text.str.contains(_ZONE).to_numpy() & series.notna().to_numpy()
    if zoned.all() or not zoned.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.to_datetime(series, errors="coerce", format="mixed", utc=True)
    row = int(np.argmax(zoned != zoned[0]))
    first = "with" if zoned[0] else "without"
    raise LoadError(path, f"the time column '{column}' mixes times {first} a time zone ('{short(text.iloc[0], 30)}' on "
                    f"{lines.where(0)}) and {'without' if zoned[0] else 'with'} one ('{short(text.iloc[row], 30)}')",
                    where=lines.where(row, column), hint="Give every time the same time zone, or none")


def time_values(table: Table, path: Path, column: str) -> np.ndarray:
    series = table.frame[column]
    if numeric_kind(series) == "text":
        parsed = parse_times(series, path, table.lines, column)
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
    block = feature_block(table, path, plan.feature_cols, notes=warnings_out, dtype=np.float32)

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
    if order.size and order[0] == 0 and order[-1] == order.size - 1 and bool((np.diff(order) == 1).all()):
        values = block  # rows already in sequence-then-step order (the usual file): no gathered copy
    else:
        values = np.take(block, order, axis=0)
    del block

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
    import pandas as pd

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
    # Empty or NaN cells at either end of a row pad a shorter sequence (variable-length UCR
    # files pad the end with NaN; some writers pad the start): the sequence is the run between.
    starts = np.where(any_present, np.argmax(present, axis=1), 0)
    ends = np.where(any_present, width - np.argmax(present[:, ::-1], axis=1), 0)
    lengths = (ends - starts).astype(np.int64)
    columns = np.arange(width)[None, :]
    interior = ~present & (columns >= starts[:, None]) & (columns < ends[:, None])
    if interior.any():
        row, col = divmod(int(np.argmax(interior)), width)
        raise LoadError(path, "has an empty cell or NaN inside a sequence", where=table.lines.where(row, plan.feature_cols[col]),
                        hint="Only the cells at the start or end of a row may be empty (a shorter sequence); fill the gap "
                             "or drop the row")
    if any_present.all() and (starts > 0).any():
        count = int(np.count_nonzero(starts > 0))
        warnings_out.append(f"{count} row{'s' if count != 1 else ''} start with empty cells (first: "
                            f"{table.lines.where(int(np.argmax(starts > 0)))}); those sequences start later and are shorter")
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



def build_series(table: Table, path: Path, plan: Plan, warnings_out: list[str], guesses: list[Guess]):
    """One series: rows are time steps, sorted by the time index when it is out of order; a
    per-step label column makes it one sequence labelled at every step (kind ``"sequence"``)."""
    block = feature_block(table, path, plan.feature_cols, notes=warnings_out)
    order = _index_order(table, path, plan.index_cols, guesses)
    values = block.astype(np.float32) if order is None else np.take(block.astype(np.float32), order, axis=0)
    lengths = np.array([len(values)], dtype=np.int64)
    labels = None
    if plan.label_col is not None:
        per_row = encode_labels(table.frame[plan.label_col], plan.label_col, path, table.lines.where)
        row_values = per_row.values if order is None else np.take(per_row.values, order)
        labels = replace(per_row, values=row_values, kind="sequence")
    return values, lengths, labels


def _index_order(table: Table, path: Path, index_cols: tuple[str, ...], guesses: list[Guess]) -> np.ndarray | None:
    """The row order the time index gives, or None when the rows are already in order (or the
    index is text that is not dates, which cannot be sorted meaningfully)."""
    import pandas as pd

    keys = []
    for column in index_cols:
        series = table.frame[column]
        if numeric_kind(series) == "text":
            parsed = parse_times(series, path, table.lines, column)
            if parsed.isna().any():
                break  # text that is not dates: keep the file's order from here on
            keys.append(parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64))
        else:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isnan(values).any():
                break
            keys.append(values)
    if not keys:
        return None
    stacked = np.stack(keys)
    steps = np.diff(stacked, axis=1)
    # Lexicographically non-decreasing: the first key that changes between two rows goes up.
    changed = steps != 0
    first_change = np.argmax(changed, axis=0)
    any_change = changed.any(axis=0)
    direction = np.take_along_axis(steps, first_change[None, :], axis=0)[0]
    if not np.any(any_change & (direction < 0)):
        return None
    order = np.lexsort(tuple(reversed(keys)))
    names = ", ".join(f"'{c}'" for c in index_cols[: len(keys)])
    guesses.append(Guess("row order", "sorted", f"the rows are not in the order of {names}, so they were sorted by it",
                         "time_col"))
    return order
