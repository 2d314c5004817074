'''The first half of an exported script: its header, the reader for the file and the labels.

Each reader repeats what the app's loader did with the user's file, from the options the loader
recorded in ``dataset.source.options`` (what it detected and what it was given): delimiter,
decimal mark, thousands separator, encoding, header, skipped and comment lines, the columns it
used, ``.npz`` keys, a labels file, the label's position in a text line... and leaves the same
variables for the rest of the script: ``sequences`` (a list of ``(steps, features)`` arrays) and
``raw_labels``, or ``series`` (one ``(steps, features)`` array) for data that is cut into windows.

Everything the user controls (file and column names, class names, keys) reaches the script only
as a Python literal written with :func:`repr`, or, in comments and the docstring, through
:func:`safe_text`, which leaves no line break, quote or backslash that could end the comment or
the docstring. A read option a reader cannot repeat is refused with :class:`ExportError` (one
sentence) rather than written into a script that would read the file differently.
'''

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from core.errors import ShapeExplorerError
from core.loaders.text_tokens import PAD, TOKEN_PATTERN, UNKNOWN
from core.options import LoadOptions


class ExportError(ShapeExplorerError):
    """The current data or model cannot be written as a script (yet)."""


# ---- escaping ------------------------------------------------------------------------------
def safe_text(value: object, limit: int = 200) -> str:
    """``value`` as text that is safe inside a ``#`` comment or a triple-quoted docstring.

    Backslashes, double quotes and every character that is not printable (line breaks,
    tabs, other control and separator characters) are written as escapes, so the text can
    neither end the comment or docstring nor form an escape sequence (``\\N``) there; printable
    non-ASCII text (``température``) stays readable. Long text is shortened.
    """
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape", errors="backslashreplace").decode("ascii"))
    return "".join(out)


def literal(value: object) -> str:
    """A Python literal for a name, key or list of them (``repr`` of plain str/int/float/bool/None)."""
    return repr(_plain(value))


def _plain(value: object) -> object:
    """Plain Python values, so ``repr`` never writes ``np.str_('a')`` or another type's own repr."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def _names(values: Iterable[object]) -> str:
    """Names for a comment: ``'a', 'b'`` escaped, at most 8 of them."""
    items = [f"'{safe_text(v, 60)}'" for v in values]
    return ", ".join(items[:8]) + (f" and {len(items) - 8} more" if len(items) > 8 else "")


# ---- which recorded options a reader repeats -------------------------------------------------
_DEFAULTS = {f.name: f.default for f in fields(LoadOptions)}
# Recorded facts that change nothing about how a file is read (the readers use the layout
# and columns through the dataset itself).
_ALWAYS_KNOWN = {"format", "layout", "encoding", "excluded_columns",
                 "task"}  # a task override: the labels section follows the app's classes or targets
_UNDERSTOOD = {
    "csv": {"delimiter", "header", "decimal", "thousands", "skip_rows", "comment", "id_col", "time_col", "label_col",
            "feature_cols", "label_position", "ragged", "index_cols"},
    "npy": {"labels_file", "channels_first", "merge_axes"},
    "npz": {"x_key", "y_key", "channels_first", "merge_axes"},
    # embeddings/embed_features/oov: the script's word-vectors section (core.export.script) repeats them
    "text": {"label_col", "label_position", "lowercase", "max_vocab", "text_label", "embeddings", "embed_features", "oov"},
    "ts": {"timestamps"},
    "arff": set(),
    "tsf": set(),
    "json": {"sequence_field", "label_col", "container_key", "container_label_key"},
}
_TABLE_COLUMNS = {"id_col", "time_col", "label_col", "feature_cols", "index_cols", "label_position", "header"}
_UNDERSTOOD["xlsx"] = _TABLE_COLUMNS | {"sheet", "skip_rows", "first_column"}
_UNDERSTOOD["parquet"] = _TABLE_COLUMNS | {"sheet", "skip_rows"}  # recorded empty (None, 0) for these
_UNDERSTOOD["feather"] = _UNDERSTOOD["parquet"]
_TABLE_FORMATS = ("csv", "xlsx", "parquet", "feather")  # source.format is "<format>-<layout>"
for _understood in _UNDERSTOOD.values():
    _understood.add("compression")  # gzip/bz2/xz: every reader opens the file through the right module
    _understood.add("stray_bytes")  # UTF-8 with a few cp1252 bytes: decoded with the same rule
_UNDERSTOOD["jsonl"] = _UNDERSTOOD["json"]


def _is_unset(key: str, value: object) -> bool:
    if value is None or value is False or value == () or value == [] or value == "":
        return True
    return key in _DEFAULTS and value == _DEFAULTS[key]


def check_options(fmt: str, options: dict[str, Any], name: str) -> None:
    """Refuse a file read with an option its script reader would not repeat (a wrong script is worse than none)."""
    family = fmt.split("-")[0] if fmt.split("-")[0] in _TABLE_FORMATS else fmt
    understood = _UNDERSTOOD.get(family)
    if understood is None:
        raise ExportError(f"Shape Explorer cannot write a script that reads {fmt} files yet, so {name} cannot be exported "
                          "as a script; export the trained model instead.")
    for key, value in options.items():
        if key not in understood and key not in _ALWAYS_KNOWN and not _is_unset(key, value):
            raise ExportError(f"{name} was read with the option {key}={value!r}, which an exported script cannot repeat "
                              "yet, so no script was written.")


# ---- header ------------------------------------------------------------------------------
_PANDAS_ENGINES = {"xlsx": "pandas with openpyxl (its Excel reader)", "parquet": "pandas with pyarrow (its Parquet reader)",
                   "feather": "pandas with pyarrow (its Feather reader)"}


def header_section(path: str, fmt: str, config: Any) -> str:
    """The docstring, imports and run settings. ``FILE`` is the absolute path, as a literal."""
    pandas = _PANDAS_ENGINES.get(fmt.split("-")[0], "pandas")
    return f'''"""Reproduces Shape Explorer's shaping, model and training for "{safe_text(Path(path).name)}" ({fmt}).

Depends only on numpy, {pandas} and keras. Run: python this_script.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: F401  (used by the JSON reader)
import re  # noqa: F401  (used by the text and .ts readers)
from collections import Counter  # noqa: F401

import keras
import numpy as np
import pandas as pd  # noqa: F401

FILE = {literal(str(path))}
SEED = {int(config.seed)}
EPOCHS = {int(config.epochs)}
BATCH_SIZE = {int(config.batch_size)}
LEARNING_RATE = {float(config.learning_rate)!r}
VALIDATION_SPLIT = {float(config.validation_split)!r}

keras.utils.set_random_seed(SEED)  # same seed, same weights and shuffles
'''


# ---- readers -----------------------------------------------------------------------------
def reader_section(fmt: str, options: dict[str, Any], dataset: Any, series: bool, per_step: bool) -> str:
    """The code that reads FILE as the app did: leaves ``sequences``/``raw_labels`` or ``series``."""
    name = dataset.source.name if dataset is not None else "the file"
    if per_step and fmt.split("-")[-1] not in ("long", "series", "npz", "json", "jsonl"):
        raise ExportError(f"Exporting a script for per-timestep labels in {fmt} files is not supported yet; the model itself can be saved as .keras.")
    check_options(fmt, options, name)
    if fmt.split("-")[0] in _TABLE_FORMATS:
        return _table_reader(fmt, options, dataset, series, per_step)
    if fmt in ("npy", "npz"):
        return _numpy_reader(fmt, options, series, dataset)
    if fmt == "text":
        return _text_reader(options)
    if fmt == "ts":
        return _ts_reader(options)
    if fmt in ("json", "jsonl"):
        return _json_reader(fmt, options, dataset, series)
    if fmt == "arff":
        return _arff_reader(options)
    if fmt == "tsf" and series:
        return _tsf_reader(options)
    raise ExportError(f"Shape Explorer cannot write a script that reads {fmt} files yet; export the trained model instead.")


def _encoding(options: dict[str, Any]) -> str:
    return str(options.get("encoding") or "utf-8")


_COMPRESSION_MODULES = {"gzip": "gzip", "bz2": "bz2", "xz": "lzma"}


def _compression(options: dict[str, Any]) -> str | None:
    """The module that decompresses FILE (gzip, bz2, lzma), or None for a plain file."""
    compression = options.get("compression")
    if not compression:
        return None
    module = _COMPRESSION_MODULES.get(str(compression))
    if module is None:
        raise ExportError(f"Shape Explorer cannot write a script that reads {compression}-compressed files yet; "
                          "decompress the file and export again.")
    return module


def _compression_import(options: dict[str, Any]) -> str:
    """Imports (and the decoding rule) a reader's ``open`` needs: the decompressing module, stray bytes."""
    module = _compression(options)
    out = f"import {module}  # the file is {options['compression']}-compressed\n\n" if module else ""
    stray = options.get("stray_bytes")
    if stray:
        if stray not in _STRAY_BYTES_RULES:
            raise ExportError(f"Shape Explorer cannot write a script that decodes stray bytes as {stray} yet.")
        out += _STRAY_BYTES_RULES[stray]
    return out


_STRAY_BYTES_INTRO = '''import codecs

# The file is UTF-8 except for a few bytes written by a Windows program: those bytes are read as
# Windows (cp1252) characters, as Shape Explorer read them'''
_STRAY_BYTES_RULES = {
    # text files (core.loaders.files.decode_utf8_with_stray_bytes): Latin-1 where cp1252 has no character
    "cp1252": _STRAY_BYTES_INTRO + ''' (Latin-1 where cp1252 has none).
codecs.register_error("cp1252_bytes", lambda error: ("".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in error.object[error.start:error.end]), error.end))

''',
    # tables (core.loaders.csv_table): U+FFFD where cp1252 has no character
    "cp1252-replace": _STRAY_BYTES_INTRO + ''' (U+FFFD where cp1252 has none).
codecs.register_error("cp1252_bytes", lambda error: (
    error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end))

''',
}


def _errors_argument(options: dict[str, Any], name: str = "errors") -> str:
    return f', {name}="cp1252_bytes"' if options.get("stray_bytes") else ""


def _open_text(options: dict[str, Any], name: str = "FILE") -> str:
    """An expression opening FILE as text with the loader's encoding (decompressing it if need be)."""
    module = _compression(options)
    encoding = literal(_encoding(options))
    errors = _errors_argument(options)
    if module:
        return f'{module}.open({name}, "rt", encoding={encoding}{errors})'
    return f"open({name}, encoding={encoding}{errors})"


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
    if _compression(options):
        args.append(f"compression={literal(options['compression'])}")
    args.append(f"encoding={literal(_encoding(options))}{_errors_argument(options, 'encoding_errors')}")
    return f"pd.read_csv({', '.join(args)})"


_DELIMITER_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "runs of spaces/tabs"}


def _columns_literal(columns: list[str]) -> str:
    """The column list as a literal, or, for Shape Explorer's col1, col2, … names, the range that makes them."""
    named = len(columns) > 3 and all(c.startswith("col") and c[3:].isdigit() and c == f"col{int(c[3:])}" for c in columns)
    numbers = [int(c[3:]) for c in columns] if named else []
    if named and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f'[f"col{{i}}" for i in range({numbers[0]}, {numbers[-1] + 1})]  # {columns[0]} … {columns[-1]}'
    return literal(columns)


def _excluded(options: dict[str, Any], dataset: Any) -> list[str]:
    excluded = options.get("excluded_columns")
    if excluded:
        return [str(c) for c in excluded]
    guesses = getattr(getattr(dataset, "source", None), "guesses", ()) or ()
    return [str(g.value) for g in guesses if g.what == "excluded column"]


def _table_reader(fmt: str, options: dict[str, Any], dataset: Any, series: bool, per_step: bool = False) -> str:
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
        read += f"# Not used as features: {_names(excluded)}.\n"
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
    described.append(f"encoding {_encoding(options)}")
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
            f"with {_open_text(options)} as handle:",
            f"    rows = list(handle)[{skip}:]" if skip else "    rows = list(handle)",
            f"WIDTH = max(line.count({literal(sep)}) + 1 for line in rows if line.strip())",
            f"frame = {_read_csv_call(options, names='range(WIDTH)')}",
            "frame = frame.loc[:, frame.notna().any()]  # a column that is empty everywhere is not data",
        ]
    else:
        lines.append(f"frame = {_read_csv_call(options)}")
    if not header:
        lines.append('frame.columns = [f"col{i}" for i in range(frame.shape[1])]  # no header: Shape Explorer\'s names')
    return _compression_import(options) + "\n".join(lines) + "\n"


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


def _array_fix(dataset: Any) -> str:
    """The squeeze or axis merge the NumPy reader applied to a 4-D (or larger) array, as code."""
    for guess in getattr(getattr(dataset, "source", None), "guesses", ()) or ():
        if guess.what == "squeeze":
            axes = tuple(int(a) for a in guess.value)
            return f"x = x.squeeze(axis={axes[0] if len(axes) == 1 else axes})  # drop the size-1 axis\n"
        if guess.what == "merge axes":
            codes = {"samples": "x.reshape(-1, *x.shape[2:])", "timesteps": "x.reshape(x.shape[0], -1, x.shape[3])",
                     "features": "x.reshape(*x.shape[:2], -1)"}
            return f"x = {codes[guess.value]}  # merge two axes into {guess.value}\n"
    return ""


def _numpy_reader(fmt: str, options: dict[str, Any], series: bool, dataset: Any = None) -> str:
    module = _compression(options)
    source = "FILE"
    prefix = ""
    if module:
        prefix = f"import io\n{_compression_import(options)}with {module}.open(FILE) as handle:\n    data = io.BytesIO(handle.read())\n"
        source = "data"
    if fmt == "npz":
        y_key = options.get("y_key")
        load = prefix + f'''
archive = np.load({source}, allow_pickle=False)  # never unpickle
x = archive[{literal(options.get("x_key") or "X")}]
raw_labels = {f"archive[{literal(y_key)}]" if y_key else "None"}
'''
    else:
        labels_file = options.get("labels_file")
        load = prefix + f"\nx = np.load({source}, allow_pickle=False)  # never unpickle\n"
        if labels_file:
            load += f'''LABELS_FILE = {literal(str(labels_file))}  # the labels file given with --labels
raw_labels = np.load(LABELS_FILE, allow_pickle=False)
'''
        else:
            load += "raw_labels = None\n"
    load += _array_fix(dataset)
    load += '''if raw_labels is not None:
    if raw_labels.dtype.kind == "S":
        raw_labels = np.char.decode(raw_labels, "utf-8", errors="replace")  # bytes → text
    if raw_labels.dtype == bool:
        raw_labels = raw_labels.astype("int64")  # True/False → classes 1/0
    if raw_labels.ndim == 2 and raw_labels.shape[1] == 1:
        raw_labels = raw_labels[:, 0]  # (samples, 1) → one label per sample
'''
    if series:
        return load + "series = x.reshape(len(x), -1).astype(\"float32\")  # one long (timesteps, features) series\n"
    transpose = "x = x.transpose(0, 2, 1)  # stored channels-first: (samples, features, timesteps)\n" if options.get("channels_first") else ""
    return load + transpose + '''if x.ndim == 2:
    x = x[:, :, None]  # (samples, timesteps) → one feature per step
sequences = list(x.astype("float32"))  # equal-length sequences
'''


def _text_reader(options: dict[str, Any]) -> str:
    assert '"' not in TOKEN_PATTERN.pattern and not TOKEN_PATTERN.pattern.endswith("\\")  # a valid r"..." literal
    lowercase = bool(options.get("lowercase", True))
    side = options.get("text_label") or options.get("label_position") or options.get("label_col")
    max_vocab = options.get("max_vocab")
    if side == "fasttext":
        split = '''    words = line.split()  # fastText: "__label__pos __label__other words…" keeps the first label
    count = next((i for i, word in enumerate(words) if not word.startswith("__label__")), len(words))
    label, sentence = words[0][len("__label__"):], " ".join(words[count:])'''
        where = '"__label__name sentence" (fastText)'
    elif side == "first":
        split = '    label, _, sentence = line.partition("\\t")'
        where = '"label<TAB>sentence"'
    else:
        split = '    sentence, _, label = line.rpartition("\\t") if "\\t" in line else (line, "", "")'
        where = '"sentence<TAB>label"'
    return _compression_import(options) + f'''
# Text: one sentence per line, {where}; words and punctuation are tokens.
TOKEN = re.compile(r"{TOKEN_PATTERN.pattern}")
with {_open_text(options)} as handle:
    lines = [line.rstrip("\\n") for line in handle if line.strip()]
token_lists, label_texts = [], []
for line in lines:
{split}
    token_lists.append(TOKEN.findall(sentence.lower() if {lowercase} else sentence))
    label_texts.append(label.strip())
# Vocabulary: id 0 pads, id 1 is unknown, then tokens by frequency (ties alphabetical).
counts = Counter(token for tokens in token_lists for token in tokens)
ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0])){f"[:{max(0, int(max_vocab))}]" if max_vocab is not None else ""}
vocabulary = [{PAD!r}, {UNKNOWN!r}] + [token for token, _ in ranked]
index = {{token: i for i, token in enumerate(vocabulary)}}
sequences = [np.array([index.get(t, 1) for t in tokens], dtype="int32") for tokens in token_lists]
raw_labels = np.array(label_texts, dtype=object) if any(label_texts) else None
'''


def _ts_reader(options: dict[str, Any]) -> str:
    timestamps = bool(options.get("timestamps"))
    values = (
        '''            # (time,value) pairs: the values are kept in file order, the timestamps dropped.
            dims = [",".join(pair.rpartition(",")[2] for pair in re.findall(r"\\(([^()]*)\\)", d))
                    for d in re.split(r"(?<=\\))\\s*:", body)]'''
        if timestamps
        else '''            dims = body.split(":")'''
    )
    return _compression_import(options) + f'''
def read_ts(path):
    """Cases of a UEA/UCR .ts file: dimensions split by ':', values by ',', the label last."""
    sequences, labels = [], []
    with {_open_text(options, "path")} as handle:
        in_data = False
        for line in handle:
            line = line.strip()
            if not line or line.startswith(("#", "%")):
                continue
            if not in_data:
                in_data = line.split()[0].lower() == "@data"
                continue
            body, _, label = line.rpartition(":")
{values}
            channels = [np.array(d.replace("?", "nan").split(","), dtype="float64") for d in dims]  # '?' is missing
            sequences.append(np.stack(channels, axis=1).astype("float32"))  # (length, dimensions)
            labels.append(label.strip())
    return sequences, np.array(labels, dtype=object)


sequences, raw_labels = read_ts(FILE)
'''


def _arff_reader(options: dict[str, Any]) -> str:
    return _compression_import(options) + f'''
def unquote(text):
    """An ARFF value without its quotes (and backslash escapes)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\\"":
        return re.sub(r"\\\\(.)", r"\\1", text[1:-1])
    return text


def read_arff(path):
    """Cases of a UEA/UCR .arff file: the values, then the class after the last ','. A multivariate
    (relational) case is one quoted string whose dimensions are separated by the two characters \\\\n;
    trailing '?' shorten a sequence, a '?' inside it is missing (NaN)."""
    sequences, labels = [], []
    with {_open_text(options, "path")} as handle:
        in_data = False
        for line in handle:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            quoted = line[-1] in "'\\"" and line.rfind("," + line[-1], 0, len(line) - 1) >= 0
            cut = line.rfind("," + line[-1], 0, len(line) - 1) if quoted else line.rfind(",")
            body, label = line[:cut], line[cut + 1:]
            # A relational case: the quoted dimensions, split at the two characters backslash and n.
            dims = body.strip()[1:-1].split("\\\\n") if body.strip()[:1] in "'\\"" else [body]
            values = np.array([np.array(d.replace("?", "nan").split(","), dtype="float64") for d in dims])
            present = ~np.isnan(values).all(axis=0)  # a step exists when any dimension has a value
            length = len(present) - int(np.argmax(present[::-1]))
            sequences.append(values[:, :length].T.astype("float32"))  # (length, dimensions)
            label = unquote(label)
            labels.append("" if label == "?" else label)
    return sequences, np.array(labels, dtype=object)


sequences, raw_labels = read_arff(FILE)
'''


def _tsf_reader(options: dict[str, Any]) -> str:
    return _compression_import(options) + f'''
# A Monash .tsf file of one series: after the header's @attribute lines and @data, the line is the
# attribute values separated by ':' and then the series' values separated by ','.
with {_open_text(options)} as handle:
    lines = [line.strip() for line in handle]
fields = sum(1 for line in lines if line.lower().startswith("@attribute"))
start = next(i for i, line in enumerate(lines) if line.lower().startswith("@data")) + 1
body = next(line for line in lines[start:] if line and not line.startswith("#")).split(":", fields)[-1]
series = np.array(body.replace("?", "nan").split(","), dtype="float64").astype("float32")[:, None]
'''


def _json_reader(fmt: str, options: dict[str, Any], dataset: Any, series: bool) -> str:
    field = options.get("sequence_field")
    label = options.get("label_col")
    container = options.get("container_key")
    container_labels = options.get("container_label_key")
    opened = _open_text(options)
    if fmt == "jsonl":
        load = f"with {opened} as handle:\n    data = [json.loads(line) for line in handle if line.strip()]\n"
    else:
        load = f"with {opened} as handle:\n    data = json.load(handle)\n"
    load = _compression_import(options) + load
    if series:
        return load + '''
# One flat list of numbers: one univariate series.
series = np.array(data, dtype="float32").reshape(-1, 1)
'''
    n_features = int(dataset.n_features) if dataset is not None else 1
    if container:
        records = f"records = data[{literal(container)}]  # the top-level object's list of sequences"
    elif fmt == "jsonl":
        records = "records = data  # one record per line"
    else:
        records = "records = data if isinstance(data, list) else [data]"
    steps = f"[record[{literal(field)}] for record in records]" if field else "records  # each record is a list of steps"
    if container_labels:
        labels = f"data[{literal(container_labels)}]  # the top-level object's list of labels"
    elif label:
        labels = f"[record[{literal(label)}] for record in records]"
    else:
        labels = "None"
    return load + f'''{records}
steps_list = {steps}
raw_labels = {labels}
N_FEATURES = {n_features}
sequences = [np.array(steps, dtype="float32").reshape(len(steps), N_FEATURES) for steps in steps_list]
raw_labels = None if raw_labels is None else np.array(raw_labels, dtype=object)
'''


# ---- labels -----------------------------------------------------------------------------
def labels_section(labels: Any, series: bool) -> str:
    """``raw_labels`` → ``y`` (class indices in the app's order, or float targets)."""
    if series:
        return ""
    per_step = labels.kind == "sequence"
    if labels.classes is None:
        if per_step:
            return '''
# One number (or row of numbers) per time step, one array per sequence.
label_sequences = [np.asarray(steps, dtype="float32") for steps in raw_labels]
'''
        return '''
y = np.asarray(raw_labels, dtype="float32").reshape(len(raw_labels), -1)  # regression targets
'''
    if per_step:
        what = "One label per time step → class indices, in the order Shape Explorer used; one array per sequence."
        encode = 'label_sequences = [np.array([class_index[label_name(v)] for v in steps], dtype="int64") for steps in raw_labels]'
    else:
        what = "Labels → class indices, in the order Shape Explorer used."
        encode = 'y = np.array([class_index[label_name(v)] for v in raw_labels], dtype="int64")'
    return f'''
# {what}
CLASSES = {literal(list(labels.classes))}
class_index = {{name: i for i, name in enumerate(CLASSES)}}


def label_name(value):
    """A label as Shape Explorer names its class: text stripped, whole numbers without a decimal point."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number_name(float(value))
    text = str(value).strip()
    if text not in class_index:  # numbers written as text ("1.0") are classes of numbers ("1")
        try:
            return number_name(float(text))
        except ValueError:
            return text
    return text


def number_name(number):
    """3.0 → '3', 0.25 → '0.25': a number as Shape Explorer names a class."""
    return str(int(number)) if number.is_integer() else repr(number)


{encode}
'''
