"""CSV/TSV tables → sequences: the reader entry point.

The work is split along its reasons to change: :mod:`core.loaders.csv_dialect` sniffs how the
text is written (delimiter, header, decimal mark), this module decodes and parses it with
pandas, :mod:`core.loaders.table_layout` guesses the columns' roles and the layout (shared by
every table format), and :mod:`core.loaders.table_build` builds the sequences.

* **long**: one row per time step; a sequence-id column, an optional order column (rows may
  be shuffled), feature columns and an optional label column → ragged sequences.
* **wide**: one row per sample, one column per time step (univariate); empty trailing cells
  make a sequence shorter.
* **series**: rows are time, columns are features → one long sequence (``kind="series"``),
  cut into windows later.

Parsing uses pandas' pyarrow engine (fast, multi-threaded) and falls back to the C engine
for what pyarrow refuses (short rows, huge fields, decimal commas) and to learn the line
number of a broken row (line numbers are only computed when an error names one).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.dataset import Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.csv_dialect import (
    Dialect,
    RowLines,
    field_counts,
    is_number,
    looks_like_numeric_table,
    sniff_dialect,
)
from core.loaders.table_build import (
    MAX_CLASSES,
    Table,
    build_long,
    build_wide,
    encode_labels,
    feature_block,
    numeric_kind,
    short,
)
from core.loaders.table_layout import plan_layout
from core.options import LoadOptions

__all__ = ["MAX_CLASSES", "encode_labels", "is_number", "looks_like_numeric_table", "read", "sniff_dialect"]


# ---- parsing ---------------------------------------------------------------------------------
def _parse(data: bytes, path: Path, dialect: Dialect) -> Table:
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
            counts = field_counts(data, dialect.delimiter)
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
            raise LoadError(path, f"could not be parsed as CSV ({short(str(error))})",
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
    return Table(frame, columns, lines, padded)


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
    return LoadError(path, f"could not be parsed as CSV ({short(message)})",
                     where=f"line {line.group(1)}" if line else None, hint="Check the delimiter and quoting")



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

    if len(table.columns) == 1 and options.layout is None and numeric_kind(table.frame[table.columns[0]]) == "text":
        raise LoadError(path, "has a single column that is not numeric",
                        hint="For sentences use a .txt file (one per line); for numbers check the delimiter")
    plan = plan_layout(table, path, options, guesses, dialect.header)
    files.report_progress(progress, 0.7)
    files.check_cancelled(path, cancelled)

    notes: list[str] = []
    if plan.layout == "long":
        values, lengths, labels, sample_ids = build_long(table, path, plan, notes, guesses)
        names = tuple(plan.feature_cols)
        kind = "sequences"
    elif plan.layout == "wide":
        values, lengths, labels, sample_ids = build_wide(table, path, plan, notes)
        names = ("value",)
        kind = "sequences"
    else:
        block = feature_block(table, path, plan.feature_cols, notes=notes)
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
    source = SourceInfo(str(path), f"csv-{plan.layout}", effective.to_dict(), tuple(guesses), tuple(notes))
    return SequenceDataset(values, lengths, names, source, labels, kind, None, sample_ids).validate()
