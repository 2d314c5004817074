"""The format registry: one record per file format Shape Explorer reads.

Everything that lists formats is fed from :data:`REGISTRY`, so a format cannot be readable
from the command line but missing from the file dialog, or listed on the welcome screen but
unknown to the loader:

* :mod:`core.loaders.dispatch` maps extensions to formats and imports the reader,
* the command line's ``--format`` choices (``core.cli.arguments``) are :func:`keys`,
* the window's file dialog (:func:`dialog_filter`), the welcome screen and drop hint
  (:func:`supported_text`) and the demo list (:func:`data_suffixes`).

Readers are referenced by a dotted string (``"package.module:function"``) and imported only
when a file of that format is read, so loading a CSV never pays for pyarrow or openpyxl.

Adding a format
---------------
1. Write the reader module in ``core/loaders/`` with
   ``read(path, options, budget_bytes, progress=None, cancelled=None) -> SequenceDataset``
   (raise only :class:`core.errors.LoadError`/``MemoryBudgetError``; see ``arff_format.py``).
2. Append a :class:`Format` to :data:`REGISTRY` below: its key (the ``--format`` value and
   ``dataset.source.format``; a table reader may report ``"<key>-<layout>"``), title,
   extensions (lower case, with the dot), reader, the file-dialog label, the
   :class:`~core.options.LoadOptions` fields that apply to it (any other option given for a
   file of this format is refused with a sentence by dispatch) and whether it is a table
   (tables get the CSV layouts: long, wide, single series, and the import wizard).
   Binary formats recognised by their first bytes add ``magic``. Compressed files
   (``.gz``/``.bz2``/``.xz``) need nothing: dispatch decompresses them for every format.
3. Add tests beside the others (``tests/core/test_load_<format>.py``) and a row to the
   README's formats table; ``tests/core/test_formats.py`` checks that the reader imports and
   that every consumer lists the new format.

Spreadsheet and columnar tables (``xlsx``, ``parquet``, ``feather``) follow ``csv`` with
``table=True``. Labels of every format go through :mod:`core.loaders.labels`, values beyond
float32 through :func:`core.loaders.numbers.check_float32_range`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Suffixes of compressed files, read transparently (the format is the suffix before it); the
#: compressions themselves are recognised by their signature in :mod:`core.loaders.files`.
COMPRESSION_SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".xz": "xz"}

_TEXT_OPTIONS = frozenset({"format", "encoding", "task"})  # task: how any labels are read
_TABLE_OPTIONS = _TEXT_OPTIONS | {"layout", "delimiter", "header", "id_col", "time_col", "label_col", "feature_cols",
                                  "skip_cols"}
_ARRAY_OPTIONS = frozenset({"format", "channels_first", "layout", "merge_axes", "task"})


@dataclass(frozen=True)
class Format:
    """One readable format and how every part of the program should present it."""

    key: str  # the --format value
    title: str  # what it is, in a sentence: "UEA/UCR .ts time series"
    short: str  # for lists of formats: "UEA/UCR .ts"
    extensions: tuple[str, ...]  # lower case with the dot, most usual first
    reader: str  # "core.loaders.module:function", imported lazily
    dialog_label: str  # the file dialog's filter name (extensions are added)
    options: frozenset[str]  # the LoadOptions fields that apply to this format
    table: bool = False  # rows and columns: long/wide/series layouts, the import wizard
    extension_decides: bool = True  # False: the extension alone does not decide (.txt is a table or sentences)
    magic: tuple[bytes, ...] = ()  # first bytes that identify the format whatever the name

    def load_reader(self) -> Callable[..., Any]:
        """The reader function, importing its module now."""
        module, _, function = self.reader.partition(":")
        return getattr(importlib.import_module(module), function or "read")

    @property
    def patterns(self) -> str:
        """``"*.csv *.tsv"``: the extensions as file-dialog wildcards."""
        return " ".join(f"*{suffix}" for suffix in self.extensions)


REGISTRY: tuple[Format, ...] = (
    Format("csv", "CSV/TSV table", "CSV/TSV", (".csv", ".tsv", ".tab"), "core.loaders.csv_table:read",
           "CSV/TSV tables", _TABLE_OPTIONS, table=True),
    Format("xlsx", "Excel workbook (one sheet as a table)", "Excel .xlsx", (".xlsx", ".xlsm"),
           "core.loaders.sheet_tables:read_xlsx", "Excel workbooks", (_TABLE_OPTIONS - {"delimiter", "encoding"}) | {"sheet"},
           table=True),
    Format("parquet", "Parquet table", "Parquet", (".parquet", ".pq"), "core.loaders.sheet_tables:read_parquet",
           "Parquet tables", _TABLE_OPTIONS - {"delimiter", "encoding", "header"}, table=True, magic=(b"PAR1",)),
    Format("feather", "Feather (Arrow IPC) table", "Feather", (".feather", ".arrow"),
           "core.loaders.sheet_tables:read_feather", "Feather tables", _TABLE_OPTIONS - {"delimiter", "encoding", "header"},
           table=True, magic=(b"ARROW1", b"FEA1")),
    Format("npy", "NumPy array", "NumPy .npy", (".npy",), "core.loaders.numpy_files:read",
           "NumPy arrays", _ARRAY_OPTIONS | {"labels_file"}, magic=(b"\x93NUMPY",)),
    Format("npz", "NumPy archive", "NumPy .npz", (".npz",), "core.loaders.numpy_files:read",
           "NumPy archives", _ARRAY_OPTIONS | {"x_key", "y_key"}, magic=(b"PK\x03\x04", b"PK\x05\x06")),
    Format("json", "JSON records", "JSON", (".json",), "core.loaders.json_records:read",
           "JSON", _TEXT_OPTIONS | {"sequence_field", "label_col"}),
    Format("jsonl", "JSON Lines records", "JSON Lines", (".jsonl", ".ndjson"), "core.loaders.json_records:read",
           "JSON Lines", _TEXT_OPTIONS | {"sequence_field", "label_col"}),
    Format("text", "text, a sentence per line", "plain text (one sentence per line)", (".txt",),
           "core.loaders.text_tokens:read", "Text, one sentence per line",
           _TEXT_OPTIONS | {"label_col", "lowercase", "max_vocab", "embeddings", "embed_features", "oov"},
           extension_decides=False),
    Format("ts", "UEA/UCR .ts time series", "UEA/UCR .ts", (".ts",), "core.loaders.ts_format:read",
           "UEA/UCR time series", _TEXT_OPTIONS),
    Format("arff", "UEA/UCR .arff time series", "UEA/UCR .arff", (".arff",), "core.loaders.arff_format:read",
           "ARFF time series (UEA/UCR)", _TEXT_OPTIONS),
    Format("tsf", "Monash .tsf forecasting series", "Monash .tsf", (".tsf",), "core.loaders.tsf_format:read",
           "Monash forecasting series", _TEXT_OPTIONS),
)

_BY_KEY = {fmt.key: fmt for fmt in REGISTRY}


def keys() -> tuple[str, ...]:
    """Every format key, in registry order (the ``--format`` choices)."""
    return tuple(fmt.key for fmt in REGISTRY)


def get(key: str) -> Format:
    """The format called ``key``; ``KeyError`` when there is none."""
    return _BY_KEY[key]


def base_key(key: str) -> str:
    """``"csv-long"`` → ``"csv"``: the registry key of a reader's reported format."""
    return key if key in _BY_KEY else key.split("-", 1)[0]


def by_extension(suffix: str) -> Format | None:
    """The format whose extension decides ``suffix`` (``".csv"``), or None."""
    suffix = suffix.lower()
    for fmt in REGISTRY:
        if fmt.extension_decides and suffix in fmt.extensions:
            return fmt
    return None


def by_magic(head: bytes) -> Format | None:
    """The format whose signature ``head`` starts with, or None."""
    for fmt in REGISTRY:
        if any(head.startswith(magic) for magic in fmt.magic):
            return fmt
    return None


def data_suffixes() -> frozenset[str]:
    """Every extension of a readable file (what the demo list and drop target accept)."""
    return frozenset(suffix for fmt in REGISTRY for suffix in fmt.extensions)


def dialog_filter() -> str:
    """The open-file dialog's filter: all sequence data first, then one entry per format."""
    everything = " ".join(fmt.patterns for fmt in REGISTRY)
    packed = " ".join(f"*{suffix}" for suffix in COMPRESSION_SUFFIXES)
    parts = [f"Sequence data ({everything} {packed})"]
    parts += [f"{fmt.dialog_label} ({fmt.patterns})" for fmt in REGISTRY]
    parts.append(f"Compressed (gzip, bz2, xz) ({packed})")
    parts.append("All files (*)")
    return ";;".join(parts)


def supported_text() -> str:
    """One phrase naming every format, for the welcome screen and the drop hint."""
    names = [fmt.short for fmt in REGISTRY]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"{listed} files, also gzip/bz2/xz-compressed"


def table_keys() -> frozenset[str]:
    """Formats read as tables (the CSV layouts apply)."""
    return frozenset(fmt.key for fmt in REGISTRY if fmt.table)
