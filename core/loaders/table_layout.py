"""Guessing a table's roles and layout: which columns are the id, time, label and features,
and whether rows are steps of many sequences (long), one sample each (wide) or one series.

Shared by every table reader (CSV/TSV, Excel, Parquet, Feather): it sees a pandas frame with
string column names and reports every decision as a :class:`Guess` with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.dataset import Guess
from core.errors import LoadError
from core.loaders.csv_dialect import step_columns
from core.loaders.table_build import (
    MAX_CLASSES,
    Table,
    is_integral,
    numeric_kind,
    order_by_id_then_step,
    sequence_codes,
)
from core.options import LoadOptions

_ID_WORDS = {"id", "ids", "seq", "sequence", "series", "sample", "session", "subject", "user", "trajectory",
             "episode", "track", "patient", "run", "trial", "participant", "recording", "utterance", "device",
             "sid", "uid"}
_TIME_WORDS = {"time", "t", "step", "steps", "timestep", "timestamp", "date", "datetime", "order",
               "index", "idx", "position", "pos", "frame", "tick", "seqno", "ts", "timepoint"}
_LABEL_WORDS = {"label", "labels", "target", "targets", "class", "classes", "y", "category",
                "outcome", "tag"}



# ---- columns ---------------------------------------------------------------------------------
def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def _named(name: str, words: set[str]) -> bool:
    """Whether the column name is one of ``words`` or starts/ends with one (``patient_id``,
    ``SeriesId``); one-letter words (``t``, ``y``) must be the whole name."""
    tokens = _tokens(name)
    if not tokens:
        return False
    if "".join(tokens) in words:
        return True
    return any(len(token) > 1 and token in words for token in (tokens[0], tokens[-1]))


def _resolve(path: Path, columns: list[str], name: str, option: str) -> str:
    if name in columns:
        return name
    folded = [c for c in columns if c.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    if name.isdigit() and int(name) < len(columns) and f"col{name}" in columns:
        return f"col{name}"
    raise LoadError(path, f"has no column '{name}' (given as {option})",
                    hint=f"The columns are: {', '.join(columns[:30])}{' …' if len(columns) > 30 else ''}")



# ---- layout inference ------------------------------------------------------------------------
@dataclass
class Plan:
    layout: str
    id_col: str | None = None
    time_col: str | None = None
    label_col: str | None = None
    feature_cols: list[str] | None = None
    sample_id_col: str | None = None



def _id_shape(series) -> tuple[int, bool]:
    """(number of distinct ids, whether each id's rows are contiguous)."""
    codes, n_ids = _id_codes(series)
    runs = int(np.count_nonzero(np.diff(codes))) + 1 if codes.size else 0
    return n_ids, runs == n_ids


def _id_codes(series) -> tuple[np.ndarray, int]:
    """Codes numbering a candidate id column's values (missing cells count as one value), and how
    many there are; integer columns take the fast path of :func:`sequence_codes`."""
    import pandas as pd  # noqa: PLC0415

    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i":  # plain integers: no missing cells
        codes, uniques = sequence_codes(series)
        return codes, len(uniques)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _could_be_id(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    return is_integral(series) or not pd.api.types.is_numeric_dtype(series.dtype)


def _label_like(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return True
    return is_integral(series) and series.nunique() <= MAX_CLASSES



def plan_layout(table: Table, path: Path, options: LoadOptions, guesses: list[Guess], header: bool) -> Plan:
    frame, columns = table.frame, table.columns
    n_rows = len(frame)
    given_id = _resolve(path, columns, options.id_col, "--id-col") if options.id_col else None
    given_time = _resolve(path, columns, options.time_col, "--time-col") if options.time_col else None
    given_label = _resolve(path, columns, options.label_col, "--label-col") if options.label_col else None
    given_features = ([_resolve(path, columns, c, "--feature-cols") for c in options.feature_cols]
                      if options.feature_cols else None)

    label = given_label
    if label is None and options.layout != "series":
        named = [c for c in columns if _named(c, _LABEL_WORDS) and c not in (given_id, given_time)]
        if named:
            label = named[-1]
            guesses.append(Guess("label column", label, f"its name '{label}' means a label or target", "label_col"))

    id_col, sample_id_col = given_id, None
    if id_col is None and options.layout in (None, "long"):
        for column in columns:
            if column == label or not _named(column, _ID_WORDS) or not _could_be_id(frame[column]):
                continue
            distinct, _ = _id_shape(frame[column])
            if distinct < n_rows:
                id_col = column
                guesses.append(Guess("id column", column, f"its name '{column}' means a sequence id and its "
                                     f"{distinct} values repeat over {n_rows} rows", "id_col"))
                break
            sample_id_col = sample_id_col or column
        steps_named = header and step_columns([c for c in columns if c not in (label, sample_id_col)])
        if id_col is None and not steps_named:
            candidates = [c for c in columns if c != label][:2]
            for column in candidates:
                if not _could_be_id(frame[column]) or frame[column].isna().any():
                    continue
                distinct, contiguous = _id_shape(frame[column])
                if contiguous and 2 <= distinct and n_rows >= 2 * distinct:
                    id_col = column
                    guesses.append(Guess("id column", column, f"it holds {distinct} ids, each on a run of consecutive "
                                         f"rows ({n_rows / distinct:.1f} rows per id on average)", "id_col"))
                    break

    layout = options.layout
    if layout is None:
        if id_col is not None:
            layout, why = "long", f"rows share ids in column '{id_col}', one row per time step"
        else:
            candidates = [c for c in columns if c not in (label, sample_id_col)]
            if given_features is None and header and step_columns(candidates):
                layout, why = "wide", f"the columns are named like time steps ({candidates[0]}, {candidates[1]}, …)"
            elif not header and (table.padded or len(columns) > n_rows or len(columns) >= 20):
                layout, why = "wide", ("rows have different lengths" if table.padded else
                                       f"there is no header and {len(columns)} columns, so one sample per row")
            elif label is not None and _label_like(frame[label]):
                layout, why = "wide", f"each row has its own label in '{label}', so one sample per row"
            else:
                layout, why = "series", "no id column and no time-step columns, so rows are time and columns are features"
        guesses.append(Guess("layout", layout, why, "layout"))
    if layout == "long" and id_col is None:
        raise LoadError(path, "the long layout needs a sequence-id column and none was found",
                        hint=f"Name it with --id-col (the columns are: {', '.join(columns[:30])})")

    if layout == "series":
        if given_label:
            raise LoadError(path, "a label column does not apply to a single series",
                            hint="Choose the forecast targets with --target-cols instead, or use the wide or long layout")
        if label is not None:  # a series has no per-sample label: the column stays a feature (a forecast target)
            guesses[:] = [g for g in guesses if g.what != "label column"]
        label = None
    if layout == "wide" and not header and label is None and len(columns) >= 3:
        label = _headerless_label(frame, columns, guesses)

    time_col = given_time
    if layout == "long" and time_col is None:
        time_col = _find_time(frame, columns, id_col, label, guesses)
    if layout == "long" and label is None and given_features is None:
        label = _constant_per_sequence_label(frame, columns, (id_col, time_col), guesses)

    if given_features is not None:
        features = given_features
    else:
        used = {id_col, time_col, label, sample_id_col}
        features = []
        for column in columns:
            if column in used:
                continue
            if _is_row_index(column, frame[column]):
                guesses.append(Guess("excluded column", column, "it is an unnamed row number (counting up by one) written by "
                                     "the program that saved the file, not a measurement", "feature_cols"))
                continue
            kind = numeric_kind(frame[column])
            if kind == "text" and layout != "wide":
                guesses.append(Guess("excluded column", column, "it is not numeric (text or dates), so it is not a feature",
                                     "feature_cols"))
                continue
            features.append(column)
    if not features:
        raise LoadError(path, "has no numeric feature columns",
                        hint=f"Choose them with --feature-cols (the columns are: {', '.join(columns[:30])})")
    return Plan(layout, id_col, time_col, label, features, sample_id_col if layout == "wide" else None)


def _is_row_index(name: str, series) -> bool:
    """An unnamed column counting up by one (0..n-1, 1..n, or years as in R's ts exports): the index
    pandas/R wrote out, not data."""
    if name.strip() and not name.startswith("Unnamed:"):
        return False
    if not is_integral(series) or series.isna().any():
        return False
    values = series.to_numpy()
    return len(values) > 1 and bool(np.all(np.diff(values) == 1))


def _constant_per_sequence_label(frame, columns: list[str], taken: tuple, guesses: list[Guess]) -> str | None:
    """A text column that never changes within a sequence is that sequence's label (e.g. 'speaker')."""
    import pandas as pd  # noqa: PLC0415

    id_col = taken[0]
    for column in columns:
        if column in taken or pd.api.types.is_numeric_dtype(frame[column].dtype) or frame[column].isna().any():
            continue
        per_sequence = frame.groupby(id_col, sort=False)[column].nunique()
        distinct = frame[column].nunique()
        if per_sequence.max() == 1 and 2 <= distinct <= MAX_CLASSES:
            guesses.append(Guess("label column", column, f"its text never changes within a sequence and it takes "
                                 f"{distinct} values, so it labels each sequence", "label_col"))
            return column
    return None


def _headerless_label(frame, columns: list[str], guesses: list[Guess]) -> str | None:
    """UCR-style files keep the class in the first (or last) column: integers among real values."""
    for column, where in ((columns[0], "first"), (columns[-1], "last")):
        series = frame[column]
        rest = frame[[c for c in columns[1:4] if c != column]] if where == "first" else frame[columns[:3]]
        rest_integral = all(is_integral(rest[c]) for c in rest.columns)
        if _label_like(series) and not rest_integral and series.nunique() < max(2, len(frame)):
            guesses.append(Guess("label column", column, f"the {where} column holds a few integers while the others "
                                 "are measurements (as in UCR files)", "label_col"))
            return column
    return None


def _find_time(frame, columns: list[str], id_col: str, label: str | None, guesses: list[Guess]) -> str | None:
    for column in columns:
        if column not in (id_col, label) and _named(column, _TIME_WORDS):
            guesses.append(Guess("time column", column, f"its name '{column}' means time or order; rows are sorted by it",
                                 "time_col"))
            return column
    codes, n_ids = _id_codes(frame[id_col])
    for column in columns:
        if column in (id_col, label) or not is_integral(frame[column]) or frame[column].isna().any():
            continue
        values = frame[column].to_numpy(dtype=np.float64)
        order, _ = order_by_id_then_step(codes, values, n_ids)
        sorted_values, sorted_codes = np.take(values, order), np.take(codes, order)
        same = sorted_codes[1:] == sorted_codes[:-1]
        starts = np.concatenate(([True], ~same))
        counts_up = np.all(np.diff(sorted_values)[same] == 1) and np.isin(sorted_values[starts], (0, 1)).all()
        if counts_up:
            first = int(sorted_values[0])
            guesses.append(Guess("time column", column, f"'{column}' counts {first}, {first + 1}, {first + 2}, … within "
                                 "every sequence; rows are sorted by it", "time_col"))
            return column
    guesses.append(Guess("time column", None, "no column looks like time or order, so the file's row order is kept",
                         "time_col"))
    return None
