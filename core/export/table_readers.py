"""The exported script's reader for tables: CSV/TSV, Excel sheets, Parquet and Feather files.

The table is read into a pandas ``frame`` with every option the loader used (delimiter, decimal
mark, thousands separator, header, skipped lines, the sheet, Shape Explorer's column names),
then its layout becomes sequences: long (rows grouped by the id and ordered by the time column),
wide (one row per sample) or one series (ordered by its time index).
"""

from __future__ import annotations

from typing import Any

from core.dataset import SequenceDataset
from core.export.opening import compression_import, compression_module, errors_argument, open_text, text_encoding
from core.export.script_text import ExportError, literal, names_comment, safe_text


def _read_csv_call(options: dict[str, Any], names: str | None = None) -> str:
    """``pd.read_csv(FILE, ...)`` with every read option the loader used, as literals."""
    sep = options.get("delimiter") or ","
    args = ["FILE", 'sep=r"\\s+"' if sep == " " else f"sep={literal(sep)}"]
    header = options.get("header", True) is not False
    args.append("header=0" if header else "header=None")
    if names is not None:
        args.append(f"names={names}")
    if sep != " ":
        args.append("index_col=False")  # never turn the first column into the row index
    decimal = options.get("decimal") or "."
    if decimal != ".":
        args.append(f"decimal={literal(decimal)}")
    if options.get("thousands"):
        args.append(f"thousands={literal(options['thousands'])}")
    if options.get("skip_rows"):
        args.append(f"skiprows={int(options['skip_rows'])}")  # the lines before the table (sep=…, # comments)
    if compression_module(options):
        args.append(f"compression={literal(options['compression'])}")
    args.append(f"encoding={literal(text_encoding(options))}{errors_argument(options, 'encoding_errors')}")
    return f"pd.read_csv({', '.join(args)})"


_DELIMITER_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "runs of spaces/tabs"}


def _columns_literal(columns: list[str]) -> str:
    """The column list as a literal, or, for Shape Explorer's col1, col2, … names, the range that makes them."""
    named = len(columns) > 3 and all(c.startswith("col") and c[3:].isdigit() and c == f"col{int(c[3:])}" for c in columns)
    numbers = [int(c[3:]) for c in columns] if named else []
    if named and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f'[f"col{{i}}" for i in range({numbers[0]}, {numbers[-1] + 1})]  # {columns[0]} … {columns[-1]}'
    return literal(columns)


def _excluded(options: dict[str, Any], dataset: SequenceDataset | None) -> list[str]:
    excluded = options.get("excluded_columns")
    if excluded:
        return [str(c) for c in excluded]
    guesses = dataset.source.guesses if dataset is not None else ()
    return [str(g.value) for g in guesses if g.what == "excluded column"]


def table_reader(fmt: str, options: dict[str, Any], dataset: SequenceDataset | None, series: bool, per_step: bool = False) -> str:
    """A table (CSV/TSV, Excel sheet, Parquet, Feather) into ``frame``, then its layout into sequences."""
    family, _, layout = fmt.partition("-")
    features = [str(c) for c in options.get("feature_cols") or []]
    label = options.get("label_col")
    id_col, time_col = options.get("id_col"), options.get("time_col")
    if not features:
        raise ExportError(f"{dataset.source.name if dataset is not None else 'The file'} was read without pandas "
                          "(its rows are too long for a table), which an exported script cannot repeat yet.")
    read = {"csv": _csv_frame, "xlsx": _xlsx_frame}.get(family, _columnar_frame)(family, options)
    excluded = _excluded(options, dataset)
    if excluded:
        read += f"# Not used as features: {names_comment(excluded)}.\n"
    read += f"FEATURES = {_columns_literal(features)}\n"
    if layout == "long":
        return read + _long_section(str(id_col), time_col, label, per_step)
    if layout == "wide":
        return read + f'''
# Wide layout: one row per sample, one column per time step. Empty (NaN) cells at the end of a row
# (or at its start) pad a shorter sequence: the sequence is the values between them.
table = frame[FEATURES].to_numpy(dtype="float32")
sequences = [row[~np.isnan(row)][:, None] for row in table]
raw_labels = {f"frame[{literal(label)}].to_numpy()" if label else "None"}
'''
    read += _index_order(options.get("index_cols") or [])
    if not series:  # one series labelled at every step: one sequence with a label per step
        return read + f'''
# One series with a label at every step: a single sequence, one label per row.
sequences = [frame[FEATURES].to_numpy(dtype="float32")]
raw_labels = [frame[{literal(label)}].to_numpy()]
'''
    return read + '''
# Single series: rows are time, columns are features.
series = frame[FEATURES].to_numpy(dtype="float32")
'''


_COLUMN_NAMES = '''

def column_names(cells):
    """Header cells as Shape Explorer names columns: text stripped, empty ones 'Unnamed: j', repeats 'name.1'."""
    names, seen = [], {}
    for j, cell in enumerate(cells):
        name = f"Unnamed: {j}" if cell is None or (isinstance(cell, float) and np.isnan(cell)) or not str(cell).strip() else str(cell).strip()
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names

'''


def _columnar_frame(family: str, options: dict[str, Any]) -> str:
    title = "Parquet" if family == "parquet" else "Feather"
    return f'''# A {title} table (pandas reads it with pyarrow); its column names are the header.
frame = pd.read_{family}(FILE)
if not isinstance(frame.index, pd.RangeIndex):  # an index pandas stored: a column like the others
    frame = frame.reset_index()
{_COLUMN_NAMES.strip()}


frame.columns = column_names(frame.columns)
'''


_XLSX_HEADER = "names, body = column_names(cells.iloc[0]), cells.iloc[1:]  # the first row is the header"
_XLSX_NO_HEADER = 'names, body = [f"col{i}" for i in range(cells.shape[1])], cells  # no header row: Shape Explorer\'s names'


def _xlsx_frame(family: str, options: dict[str, Any]) -> str:
    sheet = options.get("sheet")
    header = options.get("header", True) is not False
    return f'''# An Excel sheet (pandas reads it with openpyxl: the cached values, no formulas or macros run).
cells = pd.read_excel(FILE, sheet_name={literal(sheet) if sheet is not None else 0}, header=None, dtype=object)
filled = cells.map(lambda v: not (v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())))
rows, columns = np.flatnonzero(filled.any(axis=1)), np.flatnonzero(filled.any(axis=0))
cells = cells.iloc[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]  # the table without the empty cells around it
{_COLUMN_NAMES.strip()}


{_XLSX_HEADER if header else _XLSX_NO_HEADER}
frame = pd.DataFrame(body.to_numpy(), columns=names).infer_objects()
for column in frame.columns:  # numbers typed into text cells are numbers
    if frame[column].dtype == object:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers
'''


def _csv_frame(family: str, options: dict[str, Any]) -> str:
    header = options.get("header", True) is not False
    sep = options.get("delimiter") or ","
    lines = []
    described = [f"delimiter {_DELIMITER_WORDS.get(sep, literal(sep))}",
                 f"decimal mark {literal(options.get('decimal') or '.')}"]
    if options.get("thousands"):
        described.append(f"thousands separator {literal(options['thousands'])}")
    described.append(f"encoding {text_encoding(options)}")
    described.append("a header line" if header else "no header line")
    if options.get("skip_rows"):
        described.append(f"the first {int(options['skip_rows'])} line(s) skipped"
                         + (f" (comments starting with {literal(options['comment'])})" if options.get("comment") else ""))
    if options.get("compression"):
        described.append(f"{options['compression']}-compressed")
    lines.append(f"# The table as Shape Explorer read it: {safe_text(', '.join(described))}.")
    ragged = bool(options.get("ragged")) and not header and sep != " "
    if ragged:
        skip = int(options.get("skip_rows") or 0)
        lines += [
            "# Rows have different numbers of fields (shorter sequences): read every row as wide as the widest.",
            f"with {open_text(options)} as handle:",
            f"    rows = list(handle)[{skip}:]" if skip else "    rows = list(handle)",
            f"WIDTH = max(line.count({literal(sep)}) + 1 for line in rows if line.strip())",
            f"frame = {_read_csv_call(options, names='range(WIDTH)')}",
            "frame = frame.loc[:, frame.notna().any()]  # a column that is empty everywhere is not data",
        ]
    else:
        lines.append(f"frame = {_read_csv_call(options)}")
    if not header:
        lines.append('frame.columns = [f"col{i}" for i in range(frame.shape[1])]  # no header: Shape Explorer\'s names')
    return compression_import(options) + "\n".join(lines) + "\n"


def _index_order(index_cols: list[str]) -> str:
    """Rows sorted by the series' time index (a stable sort: rows already in order stay put)."""
    if not index_cols:
        return ""
    return f'''
# The time index {safe_text(", ".join(map(str, index_cols)))}: rows are put in its order (numbers, or text
# that is all dates); a column that is neither leaves the order from there on as in the file.
keys = []
for column in {literal(list(index_cols))}:
    key = frame[column]
    if not pd.api.types.is_numeric_dtype(key):
        try:
            key = pd.to_datetime(key, errors="coerce", format="mixed")
        except (ValueError, TypeError):  # times with a zone: compared in UTC
            key = pd.to_datetime(key, errors="coerce", format="mixed", utc=True)
        if key.isna().any():
            break
        key = key.astype("int64")
    elif key.isna().any():
        break
    keys.append(key.to_numpy(dtype="float64"))
if keys:
    frame = frame.iloc[np.lexsort(keys[::-1])]
'''


def _long_section(id_col: str, time_col: str | None, label: str | None, per_step: bool) -> str:
    if time_col:
        order = f'''
steps = frame[{literal(time_col)}]
if not pd.api.types.is_numeric_dtype(steps):  # dates written as text: order by the date, not by the text
    steps = pd.to_datetime(steps, format="mixed").astype("int64")
order = np.lexsort((steps.to_numpy(), codes))  # by sequence id, then by step
'''
        what = f"by the sequence id '{safe_text(id_col)}' (sorted), then by '{safe_text(time_col)}'"
    else:
        order = '''
order = np.argsort(codes, kind="stable")  # by sequence id; the file's order within a sequence
'''
        what = f"by the sequence id '{safe_text(id_col)}' (sorted), keeping the file's order within a sequence"
    if not label:
        labels = "None"
    elif per_step:  # the label changes within sequences: one per row, split like the values
        labels = f"np.split(frame[{literal(label)}].to_numpy(), starts[1:])  # one label per step"
    else:
        labels = f"frame[{literal(label)}].to_numpy()[starts]  # one label per sequence"
    return f'''
# Long layout: one row per time step. Rows are grouped {what};
# then each run of equal ids is one sequence.
codes, _ = pd.factorize(frame[{literal(id_col)}], sort=True)
{order.strip()}
frame, codes = frame.iloc[order], codes[order]
starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
values = frame[FEATURES].to_numpy(dtype="float32")
sequences = np.split(values, starts[1:])  # list of (length, features) arrays
raw_labels = {labels}
'''
