"""Excel workbooks (``.xlsx``), Parquet and Feather files read as tables.

They get the same layouts and guesses as a CSV (:mod:`core.loaders.table_read`): the cells
become a pandas frame with string column names and go through the same planning and building.
Errors name the sheet row (Excel) or the data row (Parquet/Feather) instead of a text line.

* Excel: openpyxl in read-only mode (rows are streamed, never the whole XML tree), cached
  values of formulas (``data_only``), the first sheet unless ``sheet`` names another. Empty
  rows and columns around the table are trimmed; the first row is the header when its cells
  are text above numbers.
* Parquet and Feather: pyarrow reads the typed columns; their names are the header.

Nothing in a workbook is executed: openpyxl reads cell values, never macros.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

from core.dataset import Guess, SequenceDataset
from core.errors import LoadError
from core.loaders import files
from core.loaders.table_build import Table
from core.loaders.table_read import shape_table, table_dataset
from core.options import LoadOptions

XLSX_MEMORY_FACTOR = 12.0  # cells in memory per byte of the (compressed) workbook, roughly
COLUMNAR_MEMORY_FACTOR = 6.0


class SheetRows:
    """Row positions for messages: ``row 5`` of a sheet, or of a Parquet/Feather file's data."""

    def __init__(self, first_data_row: int, what: str = "row") -> None:
        self._first = first_data_row  # 1-based row number of the first data row
        self._what = what

    def line(self, row: int) -> int:
        return self._first + int(row)

    def where(self, row: int, column: str | None = None) -> str:
        text = f"{self._what} {self.line(row)}"
        return f"{text}, column '{column}'" if column is not None else text


def is_workbook(path: Path) -> bool:
    """Whether a zip file is an Excel workbook (it holds ``xl/workbook.xml``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:2000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "xl/workbook.xml" in names or "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


# ---- Excel ---------------------------------------------------------------------------------------
def read_xlsx(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read one sheet of an Excel workbook as a table."""
    import pandas as pd

    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency in pyproject
        raise LoadError(path, "is an Excel workbook, and reading one needs the openpyxl package",
                        hint="Install openpyxl, or save the sheet as CSV") from None
    size = path.stat().st_size
    files.check_size(path, size, budget_bytes, factor=XLSX_MEMORY_FACTOR)
    files.report_progress(progress, 0.05)
    guesses: list[Guess] = []
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # From the bytes, not the name: openpyxl refuses names not ending in .xlsx, and a
        # workbook renamed .csv is still a workbook.
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it skips: not the user's concern
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(files.read_bytes(path)), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise LoadError(path, f"is not a readable Excel workbook ({str(error)[:80]})",
                        hint="Open it in a spreadsheet program and save it again as .xlsx, or as CSV") from None
    try:
        names = list(workbook.sheetnames)
        if options.sheet is not None:
            if options.sheet not in names:
                raise LoadError(path, f"has no sheet '{options.sheet}'",
                                hint=f"The sheets are: {', '.join(names[:20])}")
            sheet_name = options.sheet
        else:
            if not names:
                raise LoadError(path, "has no sheets")
            sheet_name = names[0]
            if len(names) > 1:
                guesses.append(Guess("sheet", sheet_name, f"it is the first of {len(names)} sheets "
                                     f"({', '.join(names[:5])}{' …' if len(names) > 5 else ''})", "sheet"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = [tuple(row) for row in workbook[sheet_name].iter_rows(values_only=True)]
    finally:
        workbook.close()
    files.report_progress(progress, 0.4)
    files.check_cancelled(path, cancelled)

    rows, first_row, first_col = _trim(rows)
    if not rows:
        raise LoadError(path, f"the sheet '{sheet_name}' is empty", hint="Choose another sheet")
    header = options.header if options.header is not None else _first_row_is_header(rows)
    if options.header is None:
        guesses.append(Guess("header", header, "the first row's cells are text above numbers" if header else
                             "the first row holds values", "header"))
    width = max(len(r) for r in rows)
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[1:] if header] if header else \
        [tuple(r) + (None,) * (width - len(r)) for r in rows]
    if not body:
        raise LoadError(path, f"the sheet '{sheet_name}' has a header but no data rows")
    if header:
        columns = _names(rows[0], width)
    else:
        columns = [f"col{i}" for i in range(width)]
    frame = pd.DataFrame.from_records(body, columns=columns, coerce_float=True)
    frame = frame.infer_objects()
    for column in frame.columns:  # text cells holding numbers (typed into a text cell) become numbers
        if frame[column].dtype == object:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            filled = frame[column].notna().sum()
            if numbers.notna().sum() == filled:
                frame[column] = numbers
            elif numbers.notna().sum() >= 0.5 * filled and not _has_dates(frame[column]):
                # Mostly numbers with a stray text cell: as text, like a CSV column, so the cell is named.
                frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    lines = SheetRows(first_row + (1 if header else 0))
    table = Table(frame, columns, lines, padded=False)
    notes: list[str] = []
    shaped = shape_table(table, path, options, guesses, header, notes, progress, cancelled)
    recorded = {"sheet": sheet_name, "header": header, "skip_rows": first_row - 1,
                "delimiter": None, "decimal": None, "thousands": None, "encoding": None, "comment": None,
                "label_position": None, "first_column": first_col}
    return table_dataset(path, "xlsx", shaped, options, guesses, notes, recorded)


def _has_dates(series) -> bool:
    import datetime

    return any(isinstance(v, (datetime.date, datetime.time)) for v in series.iloc[:200])


def _trim(rows: list[tuple]) -> tuple[list[tuple], int, int]:
    """Drop empty rows and columns around the table; return it with the sheet's 1-based row and
    column number of its top-left cell."""
    def empty(value) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    filled = [i for i, row in enumerate(rows) if not all(empty(v) for v in row)]
    if not filled:
        return [], 1, 1
    rows = rows[filled[0]: filled[-1] + 1]
    used = [j for row in rows for j, v in enumerate(row) if not empty(v)]
    left, right = min(used), max(used) + 1
    return [tuple(row[left:right]) for row in rows], filled[0] + 1, left + 1


def _first_row_is_header(rows: list[tuple]) -> bool:
    first = [v for v in rows[0] if v is not None]
    if not first or not all(isinstance(v, str) for v in first):
        return False
    if len(rows) == 1:
        return True
    below = [v for row in rows[1:20] for v in row if v is not None]
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in below) or \
        not any(v in set(first) for v in below)


def _names(row: tuple, width: int) -> list[str]:
    """Header names as strings; empty ones are called ``Unnamed: j`` and repeats ``name.1``, as pandas does."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for j in range(width):
        value = row[j] if j < len(row) else None
        name = f"Unnamed: {j}" if value is None or not str(value).strip() else str(value).strip()
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


# ---- Parquet and Feather -------------------------------------------------------------------------
def read_parquet(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a Parquet file as a table (its column names are the header)."""
    return _read_columnar(path, "parquet", options, budget_bytes, progress, cancelled)


def read_feather(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a Feather (Arrow IPC) file as a table (its column names are the header)."""
    return _read_columnar(path, "feather", options, budget_bytes, progress, cancelled)


def _read_columnar(path: Path, fmt: str, options: LoadOptions, budget_bytes: int, progress, cancelled) -> SequenceDataset:
    import pandas as pd
    import pyarrow as pa

    files.check_size(path, path.stat().st_size, budget_bytes, factor=COLUMNAR_MEMORY_FACTOR)
    files.report_progress(progress, 0.05)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            arrow = pq.read_table(path)
        else:
            import pyarrow.feather as feather

            arrow = feather.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        title = "Parquet" if fmt == "parquet" else "Feather"
        raise LoadError(path, f"is not a readable {title} file ({str(error)[:80]})",
                        hint=f"Write it again with pandas' to_{fmt}(), or save it as CSV") from None
    nested = [f.name for f in arrow.schema if pa.types.is_nested(f.type)]
    if nested:
        raise LoadError(path, f"has a column of lists or records ('{nested[0]}'), not one value per cell",
                        hint="Flatten it to one row per time step (long layout), or save each sequence as JSON records")
    files.report_progress(progress, 0.4)
    files.check_cancelled(path, cancelled)
    frame = arrow.to_pandas()
    if len(frame) == 0:
        raise LoadError(path, "has no rows")
    if not isinstance(frame.index, pd.RangeIndex):  # an index pandas stored: keep it as a column
        frame = frame.reset_index()
    columns = _names(tuple(frame.columns), len(frame.columns))
    frame.columns = columns
    for column in columns:
        if str(frame[column].dtype) == "category":
            frame[column] = frame[column].astype(object)
    table = Table(frame, columns, SheetRows(1, "data row"), padded=False)
    guesses: list[Guess] = []
    notes: list[str] = []
    shaped = shape_table(table, path, options, guesses, True, notes, progress, cancelled)
    recorded = {"header": True, "delimiter": None, "decimal": None, "thousands": None, "encoding": None,
                "comment": None, "skip_rows": 0, "label_position": None, "sheet": None}
    return table_dataset(path, fmt, shaped, options, guesses, notes, recorded)

