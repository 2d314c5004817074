"""CSV/TSV tables → sequences, in three layouts, with every guess reported.

* **long**: one row per time step; a sequence-id column, an optional order column (rows may
  be shuffled), feature columns and an optional label column → ragged sequences.
* **wide**: one row per sample, one column per time step (univariate); empty trailing cells
  make a sequence shorter.
* **series**: rows are time, columns are features → one long sequence (``kind="series"``),
  cut into windows later.

Parsing uses pandas' pyarrow engine (fast, multi-threaded) and falls back to the C engine
for what pyarrow refuses (short rows, huge fields, decimal commas) and to learn the line
number of a broken row (line numbers are only computed when an error names one). Building
sequences is vectorised: integer ids are numbered with a presence table, rows whose steps are
consecutive in every sequence are placed directly at offset + step (no sort; otherwise one
argsort of a combined key, or ``lexsort``), lengths come from ``bincount``, and the feature
block is gathered with a single ``take``. No per-sequence Python loop.

Values are stored as float32: it is Keras' default float type, so the model would cast to
it anyway, and it halves the memory of the tensors built later. Columns whose magnitude
exceeds 2**24 (where float32 stops representing every integer) get a warning.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.options import LoadOptions

DELIMITERS = (",", "\t", ";", "|", " ")  # " " means runs of spaces/tabs (UCR-style .txt)
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "whitespace"}
MAX_CLASSES = 50  # integer labels with at most this many distinct values are classes
_FLOAT32_EXACT = 2.0**24
_SNIFF_LINES = 50
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_NAN_WORDS = {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}
_STEP_NAME = re.compile(r"^(.*?)(\d+)$")

_ID_WORDS = {"id", "ids", "seq", "sequence", "series", "sample", "session", "subject", "user", "trajectory",
             "episode", "track", "patient", "run", "trial", "participant", "recording", "utterance", "device",
             "sid", "uid"}
_TIME_WORDS = {"time", "t", "step", "steps", "timestep", "timestamp", "date", "datetime", "order",
               "index", "idx", "position", "pos", "frame", "tick", "seqno", "ts", "timepoint"}
_LABEL_WORDS = {"label", "labels", "target", "targets", "class", "classes", "y", "category",
                "outcome", "tag"}


# ---- sniffing (pure Python, no pandas: also used by format detection) ------------------------
def is_number(cell: str, decimal_comma: bool = False) -> bool:
    """Whether a CSV cell holds a number (NaN/inf words count; empty cells do not)."""
    if _NUMBER.match(cell) or cell.strip().lower() in _NAN_WORDS:
        return True
    return decimal_comma and bool(_DECIMAL_COMMA.match(cell))


def _split_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    if delimiter == " ":
        return [line.split() for line in lines]
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:  # e.g. a field larger than csv's limit: a rough split is enough to sniff
        return [line.split(delimiter) for line in lines]


@dataclass(frozen=True)
class Dialect:
    """How the table is written: delimiter, header row, decimal mark; with the reasons."""

    delimiter: str
    header: bool
    decimal: str
    rows: list[list[str]]  # the sniffed head rows (header included)
    guesses: tuple[Guess, ...]


def _score(rows: list[list[str]], delimiter: str) -> tuple[bool, float, float, int]:
    counts = [len(r) for r in rows]
    if not counts:
        return (False, 0.0, 0.0, 0)
    mode = max(set(counts), key=counts.count)
    consistent = counts.count(mode) / len(counts)
    body = rows[1:] or rows
    cells = [c for r in body for c in r if c.strip()]
    numeric = sum(is_number(c, delimiter != ",") for c in cells) / len(cells) if cells else 0.0
    return (mode >= 2 and consistent >= 0.8, consistent, numeric, mode)


def _head_lines(text: str) -> list[str]:
    lines = [line for line in text.splitlines()[: _SNIFF_LINES * 2] if line.strip()]
    return lines[:_SNIFF_LINES]


def sniff_dialect(text: str, delimiter: str | None = None, header: bool | None = None) -> Dialect:
    """Detect the delimiter (``,`` ``;`` tab ``|``), the header row and decimal commas."""
    lines = _head_lines(text)
    guesses: list[Guess] = []
    if delimiter is None:
        scored = [(_score(_split_rows(lines, d), d), -i, d) for i, d in enumerate(DELIMITERS)]
        best = max(scored)
        delimiter = best[2] if best[0][0] else ","
        if best[0][0]:
            why = f"every line splits into {best[0][3]} fields on it"
        else:
            why = "no delimiter splits the lines consistently, so one column (or ragged rows) is assumed"
        guesses.append(Guess("delimiter", _DELIMITER_NAMES.get(delimiter, delimiter), why, "delimiter"))
    rows = _split_rows(lines, delimiter)
    body = rows[1:]
    decimal = "."
    if delimiter != ",":
        cells = [c for r in rows for c in r]
        if any(_DECIMAL_COMMA.match(c) for c in cells) and not any("." in c and _NUMBER.match(c) for c in cells):
            decimal = ","
            guesses.append(Guess("decimal mark", ",", "numbers are written with a decimal comma", "delimiter"))
    if header is None:
        header, why = _detect_header(rows, body, decimal == ",")
        guesses.append(Guess("header", header, why, "header"))
    return Dialect(delimiter, header, decimal, rows, tuple(guesses))


def _detect_header(rows: list[list[str]], body: list[list[str]], decimal_comma: bool) -> tuple[bool, str]:
    if not rows:
        return False, "the file has no rows"
    first = rows[0]
    if not body:
        if any(c.strip() and not is_number(c, decimal_comma) for c in first):
            return True, "the only line is not numeric"
        return False, "the only line is numeric"
    for j, cell in enumerate(first):
        if not cell.strip() or is_number(cell, decimal_comma):
            continue
        column = [r[j] for r in body if j < len(r) and r[j].strip()]
        if column and sum(is_number(c, decimal_comma) for c in column) >= 0.5 * len(column):
            return True, f"the first line has the word '{cell.strip()[:30]}' above numbers"
    if not first[0].strip() and len(first) >= 2 and all(r and r[0].strip() for r in body):
        rest = [c.strip() for c in first[1:]]
        if rest == [str(i) for i in range(len(rest))]:  # pandas' default column names above its index
            return True, "the first line names the columns 0, 1, … above an unnamed index column, as pandas writes"
    numbered = [c.strip() for c in first if is_number(c, decimal_comma)]
    if len(numbered) >= 3 and len(numbered) < len(first) and _step_columns(numbered):
        return True, f"the first line numbers the columns ({', '.join(numbered[:3])}, …)"
    if all(c.strip() and not is_number(c, decimal_comma) for c in first):
        repeated = any(first[j] in {r[j] for r in body if j < len(r)} for j in range(len(first)))
        if not repeated:
            return True, "the first line's words never occur again in their columns"
    return False, "the first line looks like data"


def looks_like_numeric_table(text: str) -> bool:
    """True when the text's lines are delimited numbers (a CSV written as .txt)."""
    lines = _head_lines(text)
    if not lines:
        return False
    dialect = sniff_dialect(text)
    body = dialect.rows[1:] if dialect.header else dialect.rows
    cells = [c for r in body for c in r if c.strip()]
    if not cells:
        return False
    numeric = sum(is_number(c, dialect.decimal == ",") for c in cells)
    return numeric >= 0.8 * len(cells)


# ---- line numbers ----------------------------------------------------------------------------
class RowLines:
    """Maps a parsed data row (0-based) to its 1-based line in the file, skipping blank lines.

    Built lazily (only error paths need it) from newline positions with numpy.
    """

    def __init__(self, data: bytes, header_rows: int) -> None:
        self._data = data
        self._header_rows = header_rows
        self._lines: np.ndarray | None = None

    def _compute(self) -> np.ndarray:
        raw = np.frombuffer(self._data, dtype=np.uint8)
        newlines = np.flatnonzero(raw == 10)
        starts = np.concatenate(([0], newlines + 1))
        ends = np.concatenate((newlines, [raw.size]))
        lengths = ends - starts
        has_cr = (lengths > 0) & (raw[np.maximum(ends - 1, 0)] == 13) if raw.size else lengths > 0
        lengths = lengths - has_cr
        return np.flatnonzero(lengths > 0) + 1

    def line(self, row: int) -> int:
        if self._lines is None:
            self._lines = self._compute()
        index = int(row) + self._header_rows
        return int(self._lines[index]) if index < self._lines.size else index + 1

    def where(self, row: int, column: str | None = None) -> str:
        text = f"line {self.line(row)}"
        return f"{text}, column '{column}'" if column is not None else text


def _field_counts(data: bytes, delimiter: str) -> np.ndarray:
    """Fields per non-blank line (quotes ignored: an upper bound), vectorised."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == 10)
    ends = np.concatenate((newlines, [raw.size]))
    starts = np.concatenate(([0], newlines + 1))
    delims = np.flatnonzero(raw == ord(delimiter))
    counts = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    return counts[(ends - starts) > 0]


# ---- parsing ---------------------------------------------------------------------------------
@dataclass
class _Table:
    frame: object  # pandas.DataFrame
    columns: list[str]
    lines: RowLines
    padded: bool  # short rows were padded with NaN (ragged file read by the C engine)


def _parse(data: bytes, path: Path, dialect: Dialect) -> _Table:
    import pandas as pd  # noqa: PLC0415 (pandas is only paid for when a table is read)

    header_arg = 0 if dialect.header else None
    lines = RowLines(data, 1 if dialect.header else 0)
    use_arrow = dialect.delimiter != " " and dialect.decimal == "." and (data.find(b'"') < 0 or data.count(b'"') % 2 == 0)
    frame = None
    padded = False
    if use_arrow:
        try:
            import pyarrow  # noqa: PLC0415 (without it, the C engine below reads the file)

            with warnings.catch_warnings():
                warnings.simplefilter("error")
                # A pyarrow BufferReader lets pyarrow read the bytes in place; a BytesIO would be
                # copied through Python file calls (a third slower on a 40 MB file).
                source = pyarrow.BufferReader(data)
                frame = pd.read_csv(source, sep=dialect.delimiter, header=header_arg, engine="pyarrow")
        except pd.errors.EmptyDataError:
            raise LoadError(path, "has no data rows") from None
        except Exception:  # noqa: BLE001 — any pyarrow refusal: the C engine says exactly what and where
            frame = None
    if frame is None:
        kwargs: dict = {"sep": r"\s+" if dialect.delimiter == " " else dialect.delimiter, "header": header_arg, "engine": "c", "index_col": False,
                        "decimal": dialect.decimal, "low_memory": False, "skip_blank_lines": True}
        if not dialect.header and dialect.delimiter != " ":
            counts = _field_counts(data, dialect.delimiter)
            width = int(counts.max()) if counts.size else 1
            padded = bool(counts.size) and int(counts.min()) != width
            kwargs["names"] = list(range(width))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                frame = pd.read_csv(io.BytesIO(data), **kwargs)
        except pd.errors.EmptyDataError:
            raise LoadError(path, "has no data rows") from None
        except pd.errors.ParserError as error:
            raise _parser_error(path, str(error)) from None
        except (ValueError, UnicodeError, OverflowError, MemoryError, Warning) as error:
            raise LoadError(path, f"could not be parsed as CSV ({_short(str(error))})",
                            hint="Check the delimiter and quoting") from None
        if not dialect.header and len(frame.columns) > 1 and padded:
            # Quoted delimiters can over-count fields: drop columns that are empty everywhere.
            keep = [c for c in frame.columns if not frame[c].isna().all()] or list(frame.columns[:1])
            frame = frame[keep]
    if dialect.header:
        columns = [str(c) for c in frame.columns]
    else:
        columns = [f"col{i}" for i in range(len(frame.columns))]
    frame.columns = columns
    if len(frame) == 0:
        raise LoadError(path, "has a header but no data rows" if dialect.header else "has no data rows")
    return _Table(frame, columns, lines, padded)


def _parser_error(path: Path, message: str) -> LoadError:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = fields.groups()
        return LoadError(path, f"has {saw} fields where the header has {expected}", where=f"line {line}",
                         hint="Check the delimiter and quotes on that line")
    eof = re.search(r"EOF inside string starting at row (\d+)", message)
    if eof:
        return LoadError(path, 'has a quote (") that is never closed', where=f"line {int(eof.group(1)) + 1}",
                         hint="Close the quote or remove it")
    line = re.search(r"line (\d+)", message)
    return LoadError(path, f"could not be parsed as CSV ({_short(message)})",
                     where=f"line {line.group(1)}" if line else None, hint="Check the delimiter and quoting")


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_value(value: object) -> str:
    text = str(value)
    if len(text) > 1000:
        return f"a huge field of {len(text):,} characters"
    return f"the value '{_short(text, 40)}'"


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


def _numeric_kind(series) -> str:
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


def _column_floats(table: _Table, path: Path, column: str) -> np.ndarray:
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
        raise LoadError(path, f"{_show_value(value)} in column '{column}' is not a number",
                        where=table.lines.where(row, column),
                        hint="Fix that cell, or leave the column out with --feature-cols")
    return coerced.to_numpy(dtype=np.float64, na_value=np.nan)


def _feature_block(table: _Table, path: Path, columns: list[str], allow_missing: bool = False,
                   notes: list[str] | None = None) -> np.ndarray:
    """``(rows, len(columns))`` float64 with every cell checked.

    Missing values (unless ``allow_missing``), infinities and values beyond float32's range are
    errors naming line and column; columns float32 cannot hold exactly add a note to ``notes``.
    """
    block = np.empty((len(table.frame), len(columns)), dtype=np.float64)
    for j, column in enumerate(columns):  # loop over columns, not rows
        block[:, j] = _column_floats(table, path, column)
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


def _raise_at(table: _Table, path: Path, bad: np.ndarray, columns: list[str], problem: str, hint: str) -> None:
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
            raise LoadError(path, f"{_show_value(text.iloc[row])} is not a number like the other labels{f' in {name!r}' if name else ''}",
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


# ---- layout inference ------------------------------------------------------------------------
@dataclass
class _Plan:
    layout: str
    id_col: str | None = None
    time_col: str | None = None
    label_col: str | None = None
    feature_cols: list[str] | None = None
    sample_id_col: str | None = None


def _is_integral(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    if pd.api.types.is_integer_dtype(series.dtype):
        return True
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        values = values[~np.isnan(values)]  # missing cells are reported later, where they are used
        return bool(values.size and np.isfinite(values).all() and np.all(values == np.round(values)))
    return False


def _id_shape(series) -> tuple[int, bool]:
    """(number of distinct ids, whether each id's rows are contiguous)."""
    codes, n_ids = _id_codes(series)
    runs = int(np.count_nonzero(np.diff(codes))) + 1 if codes.size else 0
    return n_ids, runs == n_ids


def _id_codes(series) -> tuple[np.ndarray, int]:
    """Codes numbering a candidate id column's values (missing cells count as one value), and how
    many there are; integer columns take the fast path of :func:`_sequence_codes`."""
    import pandas as pd  # noqa: PLC0415

    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i":  # plain integers: no missing cells
        codes, uniques = _sequence_codes(series)
        return codes, len(uniques)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _could_be_id(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    return _is_integral(series) or not pd.api.types.is_numeric_dtype(series.dtype)


def _label_like(series) -> bool:
    import pandas as pd  # noqa: PLC0415

    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return True
    return _is_integral(series) and series.nunique() <= MAX_CLASSES


def _step_columns(columns: list[str]) -> bool:
    """Whether the names look like time steps: t0, t1, … or 1, 2, 3 or step_1, step_2, …"""
    if len(columns) < 3:
        return False
    matches = [_STEP_NAME.match(c.strip()) for c in columns]
    if not all(matches):
        return False
    prefixes = {m.group(1).lower() for m in matches}
    numbers = np.array([int(m.group(2)) for m in matches])
    return len(prefixes) == 1 and bool(np.all(np.diff(numbers) == 1))


def _plan(table: _Table, path: Path, options: LoadOptions, guesses: list[Guess], header: bool) -> _Plan:
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
        steps_named = header and _step_columns([c for c in columns if c not in (label, sample_id_col)])
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
            if given_features is None and header and _step_columns(candidates):
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
            kind = _numeric_kind(frame[column])
            if kind == "text" and layout != "wide":
                guesses.append(Guess("excluded column", column, "it is not numeric (text or dates), so it is not a feature",
                                     "feature_cols"))
                continue
            features.append(column)
    if not features:
        raise LoadError(path, "has no numeric feature columns",
                        hint=f"Choose them with --feature-cols (the columns are: {', '.join(columns[:30])})")
    return _Plan(layout, id_col, time_col, label, features, sample_id_col if layout == "wide" else None)


def _is_row_index(name: str, series) -> bool:
    """An unnamed column counting up by one (0..n-1, 1..n, or years as in R's ts exports): the index
    pandas/R wrote out, not data."""
    if name.strip() and not name.startswith("Unnamed:"):
        return False
    if not _is_integral(series) or series.isna().any():
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
        rest_integral = all(_is_integral(rest[c]) for c in rest.columns)
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
        if column in (id_col, label) or not _is_integral(frame[column]) or frame[column].isna().any():
            continue
        values = frame[column].to_numpy(dtype=np.float64)
        order, _ = _order_by_id_then_step(codes, values, n_ids)
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


# ---- building --------------------------------------------------------------------------------
def _time_values(table: _Table, path: Path, column: str) -> np.ndarray:
    import pandas as pd  # noqa: PLC0415

    series = table.frame[column]
    if _numeric_kind(series) == "text":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(series, errors="coerce", format="mixed")
        bad = parsed.isna().to_numpy() & series.notna().to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise LoadError(path, f"{_show_value(series.iloc[row])} in the time column '{column}' is neither a number "
                            "nor a date", where=table.lines.where(row, column), hint="Fix that cell or choose another --time-col")
        values = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        values[parsed.isna().to_numpy()] = np.nan
    else:
        values = _column_floats(table, path, column)
    missing = np.isnan(values)
    if missing.any():
        raise LoadError(path, f"the time column '{column}' is empty", where=table.lines.where(int(np.argmax(missing)), column),
                        hint="Give every row its step")
    return values


def _build_long(table: _Table, path: Path, plan: _Plan, warnings_out: list[str], guesses: list[Guess]):
    frame = table.frame
    ids = frame[plan.id_col]
    missing = ids.isna().to_numpy()
    if missing.any():
        raise LoadError(path, f"the id column '{plan.id_col}' is empty", where=table.lines.where(int(np.argmax(missing)), plan.id_col),
                        hint="Give every row its sequence id")
    codes, uniques = _sequence_codes(ids)
    block = _feature_block(table, path, plan.feature_cols, notes=warnings_out)

    consecutive = False
    if plan.time_col is not None:
        steps = _time_values(table, path, plan.time_col)
        order, consecutive = _order_by_id_then_step(codes, steps, len(uniques))
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


def _sequence_codes(ids) -> tuple[np.ndarray, object]:
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


def _order_by_id_then_step(codes: np.ndarray, steps: np.ndarray, n_ids: int) -> tuple[np.ndarray, bool]:
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


def _build_wide(table: _Table, path: Path, plan: _Plan, warnings_out: list[str]):
    block = _feature_block(table, path, plan.feature_cols, allow_missing=True, notes=warnings_out)
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


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a CSV/TSV file in the long, wide or series layout (detected unless given)."""
    size = path.stat().st_size
    files.check_size(path, size, budget_bytes, factor=3.0)
    raw = files.read_bytes(path)
    files.report_progress(progress, 0.05)
    files.check_cancelled(path, cancelled)
    data, encoding, encoding_guess = files.utf8_bytes(raw, path, options.encoding, kind="CSV")
    del raw
    guesses: list[Guess] = [encoding_guess] if encoding_guess else []
    head_end = data.rfind(b"\n", 0, files.HEAD_BYTES)
    if head_end < 0 or len(data) <= files.HEAD_BYTES:
        head_end = len(data) if len(data) <= files.HEAD_BYTES else max(data.find(b"\n"), files.HEAD_BYTES)
    head = data[:head_end].decode("utf-8", errors="replace")
    if not head.strip():
        raise LoadError(path, "has no data (only blank lines)")
    if options.delimiter is not None and len(options.delimiter) != 1:
        raise LoadError(path, f"the delimiter must be one character, not {options.delimiter!r}")
    dialect = sniff_dialect(head, options.delimiter, options.header)
    guesses.extend(dialect.guesses)
    files.report_progress(progress, 0.1)

    table = _parse(data, path, dialect)
    files.report_progress(progress, 0.6)
    files.check_cancelled(path, cancelled)

    if len(table.columns) == 1 and options.layout is None and _numeric_kind(table.frame[table.columns[0]]) == "text":
        raise LoadError(path, "has a single column that is not numeric",
                        hint="For sentences use a .txt file (one per line); for numbers check the delimiter")
    plan = _plan(table, path, options, guesses, dialect.header)
    files.report_progress(progress, 0.7)
    files.check_cancelled(path, cancelled)

    notes: list[str] = []
    if plan.layout == "long":
        values, lengths, labels, sample_ids = _build_long(table, path, plan, notes, guesses)
        names = tuple(plan.feature_cols)
        kind = "sequences"
    elif plan.layout == "wide":
        values, lengths, labels, sample_ids = _build_wide(table, path, plan, notes)
        names = ("value",)
        kind = "sequences"
    else:
        block = _feature_block(table, path, plan.feature_cols, notes=notes)
        values = block.astype(np.float32)
        lengths = np.array([len(values)], dtype=np.int64)
        labels, sample_ids, names, kind = None, None, tuple(plan.feature_cols), "series"
    if labels is not None and labels.classes is not None and len(labels.classes) == 1:
        notes.append(f"the label column '{plan.label_col}' has a single class ('{labels.classes[0]}')")
    files.report_progress(progress, 0.95)
    files.check_cancelled(path, cancelled)

    effective = replace(
        options, format="csv", layout=plan.layout, delimiter=dialect.delimiter, header=dialect.header,
        id_col=plan.id_col, time_col=plan.time_col, label_col=plan.label_col,
        feature_cols=tuple(plan.feature_cols), encoding=options.encoding or encoding,
    )
    # Read options that are not LoadOptions fields, recorded for exported scripts: the decimal mark, and
    # whether short rows of a header-less file were padded to the widest row.
    recorded = {**effective.to_dict(), "decimal": dialect.decimal, "ragged": table.padded}
    source = SourceInfo(str(path), f"csv-{plan.layout}", recorded, tuple(guesses), tuple(notes))
    return SequenceDataset(values, lengths, names, source, labels, kind, None, sample_ids).validate()
