"""A raw look at a table's first rows and columns, without deciding any layout.

The import window shows this even when reading the file with the chosen settings fails, so
the user can still see the columns and give them roles (the way Orange's File widget keeps its
column table). Only the first bytes (CSV) or the first rows (Excel, Parquet, Feather) are read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import ShapeExplorerError
from core.loaders import files
from core.loaders.csv_dialect import is_number, preamble, sniff_dialect
from core.options import LoadOptions

TABLE_FORMATS = frozenset({"csv", "xlsx", "parquet", "feather"})


@dataclass(frozen=True)
class RawTable:
    """The first rows of a table as text, with a column name and a rough kind per column."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]  # "number", "text" or "empty", from the rows shown
    header: bool
    sheets: tuple[str, ...] = ()  # an Excel workbook's sheet names


def raw_preview(path: str | os.PathLike[str], options: LoadOptions | None = None, max_rows: int = 40) -> RawTable | None:
    """The first ``max_rows`` rows of a table file, or None when it is not a table or cannot be
    looked at (the real read reports why)."""
    options = options or LoadOptions()
    resolved = Path(path).expanduser()
    try:
        from core.loaders.dispatch import detect_format

        fmt = options.format or detect_format(resolved)
        if fmt not in TABLE_FORMATS:
            return None
        if fmt == "csv":
            return _csv(resolved, options, max_rows)
        if fmt == "xlsx":
            return _xlsx(resolved, options, max_rows)
        return _columnar(resolved, fmt, max_rows)
    except (ShapeExplorerError, OSError, ValueError, KeyError, ImportError):
        return None
    except Exception:  # noqa: BLE001 — a broken file must never break the preview; the read explains it
        return None


def _finish(columns: list[str], rows: list[list[str]], header: bool, sheets: tuple[str, ...] = ()) -> RawTable:
    width = max([len(columns)] + [len(r) for r in rows])
    columns = columns + [f"col{j}" for j in range(len(columns), width)]
    rows = [r + [""] * (width - len(r)) for r in rows]
    kinds = []
    for j in range(width):
        cells = [r[j] for r in rows if r[j].strip()]
        if not cells:
            kinds.append("empty")
        else:
            kinds.append("number" if sum(is_number(c, True) for c in cells) >= 0.5 * len(cells) else "text")
    return RawTable(tuple(columns), tuple(tuple(r) for r in rows), tuple(kinds), header, sheets)


def _csv(path: Path, options: LoadOptions, max_rows: int) -> RawTable | None:
    head = files.read_head(path)
    offset, _, sep, _ = preamble(head)
    text = head[offset:].decode(options.encoding or "utf-8", errors="replace").lstrip("\ufeff")
    delimiter = options.delimiter if options.delimiter and len(options.delimiter) == 1 else sep
    dialect = sniff_dialect(text, delimiter, options.header, complete=len(head) < files.HEAD_BYTES)
    rows = [[c.strip() for c in r] for r in dialect.rows]
    if not rows:
        return None
    if dialect.header:
        columns = [c or f"Unnamed: {j}" for j, c in enumerate(rows[0])]
        body = rows[1: max_rows + 1]
    else:
        columns, body = [], rows[:max_rows]
        width = max(len(r) for r in body)
        columns = [f"col{j}" for j in range(width)]
    return _finish(columns, body, dialect.header)


def _xlsx(path: Path, options: LoadOptions, max_rows: int) -> RawTable | None:
    import io
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(files.read_bytes(path)), read_only=True, data_only=True)
    try:
        sheets = tuple(book.sheetnames)
        name = options.sheet if options.sheet in book.sheetnames else book.sheetnames[0]
        rows = []
        for row in book[name].iter_rows(values_only=True, max_row=max_rows + 20):
            if any(v is not None for v in row):
                rows.append(["" if v is None else str(v) for v in row])
            if len(rows) > max_rows:
                break
    finally:
        book.close()
    if not rows:
        return None
    header = options.header if options.header is not None else all(
        c == "" or not is_number(c) for c in rows[0]) and len(rows) > 1
    if header:
        return _finish([c or f"Unnamed: {j}" for j, c in enumerate(rows[0])], rows[1:], True, sheets)
    return _finish([], rows[:max_rows], False, sheets)


def _columnar(path: Path, fmt: str, max_rows: int) -> RawTable:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        batch = next(pq.ParquetFile(path).iter_batches(batch_size=max_rows), None)
        table = batch.to_pandas() if batch is not None else None
    else:
        import pyarrow.feather as feather

        table = feather.read_table(path, memory_map=True).slice(0, max_rows).to_pandas()
    columns = [str(c) for c in table.columns]
    rows = [["" if v is None else str(v) for v in row] for row in table.itertuples(index=False)]
    return _finish(columns, rows, True)
