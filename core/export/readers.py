'''The first half of an exported script: its header, the reader for the file and the labels.

Each reader repeats what the app's loader did with the user's file, from the options the loader
recorded in ``dataset.source.options`` (what it detected and what it was given): delimiter,
decimal mark, thousands separator, encoding, header, skipped and comment lines, the columns it
used, ``.npz`` keys, a labels file, the label's position in a text line... and leaves the same
variables for the rest of the script: ``sequences`` (a list of ``(steps, features)`` arrays) and
``raw_labels``, or ``series`` (one ``(steps, features)`` array) for data that is cut into windows.

This module decides which reader writes the code (:func:`reader_section`) and refuses a read
option no reader can repeat (:func:`check_options`, :class:`ExportError`, one sentence) rather
than write a script that would read the file differently. The readers, one module per format
family: :mod:`core.export.table_readers` (CSV/TSV, Excel, Parquet, Feather),
:mod:`core.export.array_readers` (``.npy``, ``.npz``), :mod:`core.export.record_readers` (JSON
records, text) and :mod:`core.export.archive_readers` (``.ts``, ``.arff``, ``.tsf``); they open the
file through :mod:`core.export.opening` and write what the user controls only through
:mod:`core.export.script_text` (literals and safe comment text).
'''

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from core.dataset import SequenceDataset
from core.export.archive_readers import arff_reader, ts_reader, tsf_reader
from core.export.array_readers import numpy_reader
from core.export.record_readers import json_reader, text_reader
from core.export.script_text import ExportError, literal, safe_text
from core.export.table_readers import table_reader
from core.options import LoadOptions

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
def reader_section(fmt: str, options: dict[str, Any], dataset: SequenceDataset | None, series: bool, per_step: bool) -> str:
    """The code that reads FILE as the app did: leaves ``sequences``/``raw_labels`` or ``series``."""
    name = dataset.source.name if dataset is not None else "the file"
    if per_step and fmt.split("-")[-1] not in ("long", "series", "npz", "json", "jsonl"):
        raise ExportError(f"Exporting a script for per-timestep labels in {fmt} files is not supported yet; the model itself can be saved as .keras.")
    check_options(fmt, options, name)
    if fmt.split("-")[0] in _TABLE_FORMATS:
        return table_reader(fmt, options, dataset, series, per_step)
    if fmt in ("npy", "npz"):
        return numpy_reader(fmt, options, series, dataset)
    if fmt == "text":
        return text_reader(options)
    if fmt == "ts":
        return ts_reader(options)
    if fmt in ("json", "jsonl"):
        return json_reader(fmt, options, dataset, series)
    if fmt == "arff":
        return arff_reader(options)
    if fmt == "tsf" and series:
        return tsf_reader(options)
    raise ExportError(f"Shape Explorer cannot write a script that reads {fmt} files yet; export the trained model instead.")


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
