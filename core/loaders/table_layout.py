"""Guessing a table's roles and layout: which columns are the id, time, label and features,
and whether rows are steps of many sequences (long), one sample each (wide) or one series.

Shared by every table reader (CSV/TSV, Excel, Parquet, Feather): it sees a pandas frame with
string column names and reports every decision as a :class:`Guess` with its reason.
"""

from __future__ import annotations

import re
import warnings
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
                "outcome", "tag", "anomaly", "anomalies", "outlier", "outliers"}
# Names of a series' time index: calendar units and the usual names of an observation counter.
_INDEX_WORDS = _TIME_WORDS | {"year", "years", "yr", "quarter", "qtr", "month", "months", "week", "day", "days",
                              "hour", "minute", "period", "obs", "observation", "epoch", "ds", "dt"}



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
    index_cols: tuple[str, ...] = ()  # series: the time index columns (row order, not features)



def _id_shape(series) -> tuple[int, bool]:
    """(number of distinct ids, whether each id's rows are contiguous)."""
    codes, n_ids = _id_codes(series)
    runs = int(np.count_nonzero(np.diff(codes))) + 1 if codes.size else 0
    return n_ids, runs == n_ids


def _id_codes(series) -> tuple[np.ndarray, int]:
    """Codes numbering a candidate id column's values (missing cells count as one value), and how
    many there are; integer columns take the fast path of :func:`sequence_codes`."""
    import pandas as pd

    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i":  # plain integers: no missing cells
        codes, uniques = sequence_codes(series)
        return codes, len(uniques)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _could_be_id(series) -> bool:
    import pandas as pd

    return is_integral(series) or not pd.api.types.is_numeric_dtype(series.dtype)


def _label_like(series) -> bool:
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return True
    return is_integral(series) and series.nunique() <= MAX_CLASSES



def plan_layout(table: Table, path: Path, options: LoadOptions, guesses: list[Guess], header: bool) -> Plan:
    frame, columns = table.frame, list(table.columns)
    if options.skip_cols:
        skipped = [_resolve(path, columns, c, "--skip-cols") for c in options.skip_cols]
        columns = [c for c in columns if c not in skipped]
        for column in skipped:
            guesses.append(Guess("excluded column", column, "you chose to skip it", "skip_cols"))
        if not columns:
            raise LoadError(path, "every column is skipped", hint="Skip fewer columns with --skip-cols")
    n_rows = len(frame)
    given_id = _resolve(path, columns, options.id_col, "--id-col") if options.id_col else None
    given_time = _resolve(path, columns, options.time_col, "--time-col") if options.time_col else None
    given_label = _resolve(path, columns, options.label_col, "--label-col") if options.label_col else None
    given_features = ([_resolve(path, columns, c, "--feature-cols") for c in options.feature_cols]
                      if options.feature_cols else None)
    listed = set(given_features or ())  # columns the user listed as features take no other role by guessing

    label = given_label
    if label is None and options.layout != "series":  # a series chosen by hand is for forecasting
        lowered = {c.strip().lower() for c in columns}
        coordinates = {"x", "y", "z"} <= lowered  # x, y, z: coordinates, not a target called y
        named = [c for c in columns if _named(c, _LABEL_WORDS) and c not in (given_id, given_time)
                 and c not in listed and not (coordinates and c.strip().lower() == "y")]
        if named:
            label = named[-1]
            guesses.append(Guess("label column", label, f"its name '{label}' means a label or target", "label_col"))
    # Columns named like time (year, quarter, date, Obs, …) or unnamed row counters are the row
    # order: they are never sequence ids, and in a single series they are its index, not features.
    timeish = [c for c in columns if c not in (label, given_id) and c not in listed and (
        (header and _named(c, _INDEX_WORDS)) or _is_unnamed_index(c, frame[c]))]

    id_col, sample_id_col, panel_time = given_id, None, None
    if id_col is None and options.layout in (None, "long"):
        for column in columns:
            if column in (label, *timeish) or column in listed or not _named(column, _ID_WORDS) \
                    or not _could_be_id(frame[column]):
                continue
            distinct, _ = _id_shape(frame[column])
            if distinct < n_rows:
                id_col = column
                guesses.append(Guess("id column", column, f"its name '{column}' means a sequence id and its "
                                     f"{distinct} values repeat over {n_rows} rows", "id_col"))
                break
            sample_id_col = sample_id_col or column
        if id_col is None:
            id_col, panel_time = _find_panel(frame, columns, timeish, label, guesses)
        steps_named = header and step_columns([c for c in columns if c not in (label, sample_id_col)])
        if id_col is None and not steps_named:
            candidates = [c for c in columns if c != label and c not in timeish and c not in listed][:2]
            for column in candidates:
                if not _could_be_id(frame[column]) or frame[column].isna().any():
                    continue
                distinct, contiguous = _id_shape(frame[column])
                if not (contiguous and 2 <= distinct and n_rows >= 2 * distinct):
                    continue
                wide_rows = len(columns) >= 20 and _label_like(frame[column])
                if not header and (wide_rows or _rows_are_sequences(frame, columns, column)):
                    guesses.append(Guess("id column", None, f"'{column}' holds {distinct} values in runs, but "
                                         + (f"there is no header and {len(columns)} columns" if wide_rows else
                                            "every row is a smooth curve from column to column while consecutive rows jump")
                                         + ": one sample per row, as in UCR archive files", "id_col"))
                    break
                id_col = column
                guesses.append(Guess("id column", column, f"it holds {distinct} ids, each on a run of consecutive "
                                     f"rows ({n_rows / distinct:.1f} rows per id on average)", "id_col"))
                break

    index_cols = [c for c in timeish if c != id_col]
    features_left = [c for c in columns if c not in (label, sample_id_col, *index_cols)
                     and numeric_kind(frame[c]) != "text"]
    # Times or dates order the rows (a pandas row counter alone does not: it numbers samples too).
    timed = [c for c in index_cols if (header and _named(c, _INDEX_WORDS)) or numeric_kind(frame[c]) == "text"]
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
            elif label is not None and _label_like(frame[label]) and (timed or len(features_left) == 1):
                reason = f"'{timed[0]}' orders the rows" if timed else "there is one measurement column beside it"
                layout, why = "series", (f"{reason}, so the rows are the time steps of one series and '{label}' labels "
                                         "each step")
            elif label is not None and _label_like(frame[label]):
                layout, why = "wide", f"each row has its own label in '{label}', so one sample per row"
            else:
                layout, why = "series", "no id column and no time-step columns, so rows are time and columns are features"
        guesses.append(Guess("layout", layout, why, "layout"))
    if layout == "long" and id_col is None:
        raise LoadError(path, "the long layout needs a sequence-id column and none was found",
                        hint=f"Name it with --id-col (the columns are: {', '.join(columns[:30])})")

    if layout == "series":
        if label is not None and not given_label and not _label_like(frame[label]):
            # A measured target in a series is a forecast target: it stays a feature.
            guesses[:] = [g for g in guesses if g.what != "label column"]
            label = None
        if label is not None and not any(g.what == "label kind" for g in guesses):
            guesses.append(Guess("label kind", "sequence", f"'{label}' gives every row (time step) of the series its "
                                 "own label", "label_col"))
        first = frame[columns[0]]
        if not header and not index_cols and len(columns) >= 2 and (
                _is_counter(first) or (numeric_kind(first) == "text" and _parses_as_dates(first))):
            index_cols = [columns[0]]
        if given_time is not None:
            index_cols = [given_time, *(c for c in index_cols if c != given_time)]
        if given_features is not None:  # an index column asked for as a feature is a feature
            index_cols = [c for c in index_cols if c not in given_features]
        for column in index_cols:
            if column != given_time:
                guesses.append(Guess("time index", column, _index_reason(column, frame[column]), "time_col"))
    if layout == "wide" and not header and label is None and len(columns) >= 3:
        label = _headerless_label(frame, columns, guesses)

    time_col = given_time or panel_time
    if layout == "long" and time_col is None:
        time_col = _find_time(frame, [c for c in columns if c not in listed], id_col, label, guesses)
    if layout == "series":
        time_col = index_cols[0] if index_cols else None
    if layout == "long" and label is None and given_features is None:
        label = _constant_per_sequence_label(frame, columns, (id_col, time_col), guesses)

    if given_features is not None:
        features = given_features
    else:
        used = {id_col, time_col, label, sample_id_col, *(index_cols if layout == "series" else ())}
        features = []
        for column in columns:
            if column in used:
                continue
            if _is_unnamed_index(column, frame[column]):
                guesses.append(Guess("excluded column", column, "it is an unnamed row number or date written by "
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
    return Plan(layout, id_col, time_col, label, features, sample_id_col if layout == "wide" else None,
                tuple(index_cols) if layout == "series" else ())


def _is_unnamed_index(name: str, series) -> bool:
    """An unnamed column that counts up (0..n-1, 1..n, years as in R's ts exports) or holds dates:
    the index pandas/R wrote out, not data."""
    if name.strip() and not name.startswith("Unnamed:"):
        return False
    if series.isna().any() or len(series) < 2:
        return False
    if is_integral(series):
        return bool(np.all(np.diff(series.to_numpy()) > 0))
    return numeric_kind(series) == "text" and _parses_as_dates(series)


def _is_counter(series) -> bool:
    """A headerless first column that numbers the rows 0, 1, 2, … or 1, 2, 3, …"""
    if len(series) < 3 or not is_integral(series) or series.isna().any():
        return False
    values = series.to_numpy()
    return int(values[0]) in (0, 1) and bool(np.all(np.diff(values) == 1))


def _parses_as_dates(series) -> bool:
    import pandas as pd

    sample = series.dropna().astype(str).iloc[:50]
    if sample.empty or not sample.str.contains(r"\d").all():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
        except (ValueError, TypeError):  # mixed time zones: still dates (the reader names the cell)
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True)
    return bool(parsed.notna().all())


def _index_reason(column: str, series) -> str:
    first, last = series.iloc[0], series.iloc[-1]
    span = f" ({first} … {last})" if len(series) > 1 else ""
    if not column.strip() or column.startswith("Unnamed:"):
        what = "an unnamed column of increasing values or dates"
    elif column.startswith("col") and column[3:].isdigit():
        what = "the first column counts the rows" if is_integral(series) else "the first column holds dates"
    else:
        what = f"its name '{column}' means time or order"
    return f"{what}{span}: it is the series' row order (rows are sorted by it), not a feature"


def _find_panel(frame, columns: list[str], timeish: list[str], label: str | None,
                guesses: list[Guess]) -> tuple[str | None, str | None]:
    """A panel: a time column whose values repeat, once per value of another column (``firm`` with
    ``year``). That other column is the sequence id, whatever its name."""
    import pandas as pd

    n_rows = len(frame)
    for time in timeish:
        if frame[time].isna().any() or frame[time].nunique() == n_rows:
            continue
        candidates = [c for c in columns if c not in (label, *timeish) and _could_be_id(frame[c])
                      and not frame[c].isna().any()]
        candidates.sort(key=lambda c: pd.api.types.is_numeric_dtype(frame[c].dtype))  # text ids first
        for column in candidates:
            distinct = frame[column].nunique()
            if not 2 <= distinct <= n_rows // 2:
                continue
            if pd.api.types.is_numeric_dtype(frame[column].dtype) and not _id_shape(frame[column])[1]:
                continue  # whole numbers scattered over the rows are more likely counts than ids
            if not frame.duplicated([column, time]).any():
                guesses.append(Guess("id column", column, f"'{time}' repeats, once for each of the {distinct} values "
                                     f"of '{column}': a panel, one sequence per '{column}'", "id_col"))
                guesses.append(Guess("time column", time, f"its name '{time}' means time; each sequence's rows are "
                                     "sorted by it", "time_col"))
                return column, time
    return None, None


def _rows_are_sequences(frame, columns: list[str], candidate: str) -> bool:
    """Whether each row is a smooth curve across the columns (a wide sample per row, as in UCR
    files) rather than one time step of several features (consecutive rows close together)."""
    import pandas as pd

    rest = [c for c in columns if c != candidate and pd.api.types.is_float_dtype(frame[c].dtype)][:500]
    if len(rest) < 5:
        return False
    block = frame[rest].iloc[:500].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        along_columns = np.nanmean(np.abs(np.diff(block, axis=1)))
        along_rows = np.nanmean(np.abs(np.diff(block, axis=0)))
    return bool(np.isfinite(along_columns) and np.isfinite(along_rows) and along_columns < 0.5 * along_rows)


def _constant_per_sequence_label(frame, columns: list[str], taken: tuple, guesses: list[Guess]) -> str | None:
    """A text column that never changes within a sequence is that sequence's label (e.g. 'speaker')."""
    import pandas as pd

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
        if column not in (id_col, label) and _named(column, _INDEX_WORDS):
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
