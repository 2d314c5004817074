"""Numeric tables whose rows are huge (one row of a million numbers, a 200 MB line).

pandas builds one column per field, so a row of 10^6 numbers would become a frame of 10^6
columns (minutes and gigabytes before it even fails). These files are always the wide layout
(one sample per row), so they are read without a frame: every delimiter becomes a line end,
pyarrow parses the single column of numbers (multi-threaded), and the fields per line (counted
with numpy over the bytes) cut it back into rows. Rows may be ragged and padded with empty or
NaN cells at either end (variable-length UCR files); a gap inside a row is refused at its line
and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.dataset import Guess, Labels
from core.errors import LoadError
from core.loaders.csv_dialect import Dialect
from core.options import LoadOptions

HUGE_LINE_BYTES = 1 << 20  # a line longer than this is read without pandas
WIDE_FIELDS = 10_000  # so is a row with this many fields (seen in the sniffed head)
_WHITESPACE_RUN = re.compile(rb"[ \t]+")


def _line_bounds(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [raw.size]))
    return starts, ends


def _may_have_a_huge_line(data: bytes) -> bool:
    """Whether some window of HUGE_LINE_BYTES holds no line end (one short ``find`` per MiB, so
    ordinary files pay nothing like a full scan)."""
    for start in range(0, max(len(data) - HUGE_LINE_BYTES, 0) + 1, HUGE_LINE_BYTES // 2):
        if data.find(b"\n", start, start + HUGE_LINE_BYTES) < 0 and len(data) - start > HUGE_LINE_BYTES // 2:
            return True
    return False


def read_if_huge(data: bytes, path: Path, dialect: Dialect, options: LoadOptions, first_line: int,
                 guesses: list[Guess]):
    """``(values, lengths, labels, notes)`` for a numeric table with a line longer than
    :data:`HUGE_LINE_BYTES` or more than :data:`WIDE_FIELDS` fields in a row (pandas would build
    a frame with that many columns), or None when the file is an ordinary table for pandas.
    Such tables are one sample per row; a header line, if any, only names the columns."""
    if options.layout not in (None, "wide") or options.id_col or options.time_col or options.feature_cols:
        return None
    if options.label_col not in (None, "0", "col0") and not dialect.header:
        return None
    widest = max((len(r) for r in dialect.rows), default=0)
    if widest < WIDE_FIELDS and not _may_have_a_huge_line(data):
        return None
    starts, ends = _line_bounds(data)
    if not (ends - starts).size:
        return None
    if widest < WIDE_FIELDS:
        # A long line is many fields (this reader) or one huge field (the general reader names it).
        marks = (b" ", b"\t") if dialect.delimiter == " " else (dialect.delimiter.encode(),)
        long_lines = np.flatnonzero((ends - starts) > HUGE_LINE_BYTES)
        if not any(sum(data.count(m, int(starts[i]), int(ends[i])) for m in marks) >= WIDE_FIELDS
                   for i in long_lines.tolist()):
            return None
    keep = (ends - starts) > 0
    lines = np.flatnonzero(keep) + 1 + first_line  # the file's line number of every non-empty line
    starts, ends = starts[keep], ends[keep]
    names: list[str] = []
    if dialect.header:
        names = [c.strip().strip('"') for c in data[int(starts[0]): int(ends[0])].decode("utf-8", "replace").rstrip(
            "\r").split(None if dialect.delimiter == " " else dialect.delimiter)]
        starts, ends, lines = starts[1:], ends[1:], lines[1:]
        if not starts.size:
            raise LoadError(path, "has a header but no data rows")
        if options.label_col is not None and options.label_col not in names[:1]:
            return None  # a label elsewhere than the first column: the general reader names it
    flat, counts = _cells(data, dialect.delimiter, starts, ends, path, lines, names)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    guesses.append(Guess("layout", "wide", f"{'a' if dialect.header else 'there is no header and a'} line of "
                         f"{int(counts.max()):,} fields, so one sample per row", "layout"))
    labels = None
    first = flat[offsets[:-1]] if counts.min() > 0 else None
    label_name = names[0] if names else "col0"
    if first is not None and (options.label_col is not None or _label_like(first, flat, offsets)):
        uniques, codes = np.unique(first, return_inverse=True)
        classes = tuple(str(int(u)) if u == round(u) else repr(float(u)) for u in uniques)
        labels = Labels(codes.astype(np.int64), "binary" if len(classes) <= 2 else "multiclass", classes, label_name)
        guesses.append(Guess("label column", label_name, "the first column holds a few whole numbers while the others "
                             "are measurements (as in UCR files)", "label_col"))
        skip = 1
    else:
        skip = 0
    pieces, lengths = [], np.empty(len(counts), dtype=np.int64)
    for row in range(len(counts)):  # one pass per row; these files have few (huge) rows
        cells = flat[offsets[row] + skip: offsets[row + 1]]
        present = ~np.isnan(cells)
        if not present.any():
            raise LoadError(path, "has a row without any values", where=f"line {lines[row]}", hint="Remove the empty row")
        lo = int(np.argmax(present))
        hi = cells.size - int(np.argmax(present[::-1]))
        gap = ~present[lo:hi]
        if gap.any():
            column = lo + int(np.argmax(gap)) + skip
            raise LoadError(path, "has an empty cell or NaN inside a sequence", where=f"line {lines[row]}, {_column(column, names)}",
                            hint="Only the cells at the start or end of a row may be empty (a shorter sequence)")
        too_big = ~(np.abs(cells[lo:hi]) <= np.finfo(np.float32).max)
        if too_big.any():
            column = lo + int(np.argmax(too_big)) + skip
            raise LoadError(path, "has an infinite value (inf, or a number too large for 32-bit floats)",
                            where=f"line {lines[row]}, {_column(column, names)}", hint="Replace it with a finite number")
        pieces.append(cells[lo:hi].astype(np.float32))
        lengths[row] = hi - lo
    values = np.concatenate(pieces)[:, None]
    return values, lengths, labels, []


def _label_like(first: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> bool:
    if first.size < 2 or not np.all(np.isfinite(first)) or not np.all(first == np.round(first)):
        return False
    second = flat[offsets[:-1] + 1] if np.all(np.diff(offsets) > 1) else None
    rest_integral = second is not None and bool(np.all(second[np.isfinite(second)] == np.round(second[np.isfinite(second)])))
    return np.unique(first).size < first.size and not rest_integral


def _column(index: int, names: list[str]) -> str:
    """``column 'name'`` from the header, else ``column N`` (1-based)."""
    return f"column '{names[index]}'" if index < len(names) else f"column {index + 1}"


def _cells(data: bytes, delimiter: str, starts: np.ndarray, ends: np.ndarray, path: Path,
           lines: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every cell as float64 (empty → NaN) and the number of cells per line."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if delimiter == " ":
        stripped = b"\n".join(data[s:e].strip() for s, e in zip(starts.tolist(), ends.tolist()))
        joined = _WHITESPACE_RUN.sub(b"\n", stripped)
        counts = np.array([len(data[s:e].split()) for s, e in zip(starts.tolist(), ends.tolist())], dtype=np.int64)
    else:
        mark = delimiter.encode()
        counts = np.array([data.count(mark, s, e) + 1 for s, e in zip(starts.tolist(), ends.tolist())], dtype=np.int64)
        if starts.size == 1 or (data.find(b"\r") < 0 and data.find(b"\n\n", int(starts[0])) < 0):
            joined = data[int(starts[0]): int(ends[-1])].rstrip(b"\r").replace(delimiter.encode(), b"\n")
        else:
            joined = b"\n".join(data[s:e].rstrip(b"\r") for s, e in zip(starts.tolist(), ends.tolist()))
            joined = joined.replace(delimiter.encode(), b"\n")
    read = pacsv.ReadOptions(column_names=["v"], block_size=1 << 24)
    parse = pacsv.ParseOptions(delimiter="\x01", quote_char=False, ignore_empty_lines=False)
    try:
        table = pacsv.read_csv(pa.BufferReader(joined), read_options=read, parse_options=parse,
                               convert_options=pacsv.ConvertOptions(column_types={"v": pa.float64()},
                                                                    null_values=["", "nan", "NaN", "NA"]))
        flat = table.column("v").to_numpy(zero_copy_only=False)
        del table
    except pa.ArrowInvalid:
        table = pacsv.read_csv(pa.BufferReader(joined), read_options=read, parse_options=parse,
                               convert_options=pacsv.ConvertOptions(column_types={"v": pa.string()}))
        text = table.column("v").to_numpy(zero_copy_only=False)
        import pandas as pd

        numbers = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy()
        bad = np.isnan(numbers) & ~pd.Series(text).fillna("").str.strip().str.lower().isin(["", "nan", "na"]).to_numpy()
        index = int(np.argmax(bad))
        row = int(np.searchsorted(np.cumsum(counts), index, side="right"))
        column = index - int(np.concatenate(([0], np.cumsum(counts)))[row])
        raise LoadError(path, f"the value '{str(text[index])[:40]}' is not a number",
                        where=f"line {lines[row]}, {_column(column, names)}",
                        hint="Fix that cell") from None
    del joined  # the text copy is not needed once the numbers are parsed
    if flat.size != int(counts.sum()):
        raise LoadError(path, "has quoted or irregular cells in its long lines", where=f"line {lines[0]}",
                        hint="Check the delimiter and quoting")
    return flat.astype(np.float64, copy=False), counts
