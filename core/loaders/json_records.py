"""Read sequences from JSON or JSON Lines: one sequence per record.

Accepted shapes of data:

* JSON: a list of records, an object such as ``{"sequences": [...], "labels": [...]}``, or a
  single record object; JSON Lines: one record per line (blank lines are skipped).
* A record is a list of steps, or an object with a sequence field (``sequence``, ``values``,
  ``steps``, ``x``, ``data``, ``features``, ``series``…; ``options.sequence_field``), an optional
  label field (``label``, ``y``, ``target``, ``class``…; ``options.label_col``) and an optional id.
* A step is a number (one feature) or a list of numbers (F features, the same F everywhere).

This module is the entry point (:func:`read`) and the whole-file JSON reader. The parts, one
module each reason to change: :mod:`core.loaders.json_parse` parses with guards (``NaN``,
``Infinity`` and absurdly long numbers refused with their line, deep nesting a clear error),
:mod:`core.loaders.json_fields` decides what a record means and flattens its steps into one
float32 array (one ``np.array`` call), and :mod:`core.loaders.json_lines` streams JSON Lines
chunk by chunk (pyarrow's reader on the fast path).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from core.dataset import DatasetKind, Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.json_fields import NUMBER_TYPES, find_records, flatten_steps, record_labels, split_records
from core.loaders.json_lines import read_lines_file
from core.loaders.json_parse import parse_json, parse_lines
from core.options import LoadOptions

PARSE_BYTES_PER_FILE_BYTE = 8  # Python objects from json.loads take up to ~8x the text's size


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a JSON or JSON Lines file of sequences into a :class:`SequenceDataset`."""
    path = Path(path)
    fmt = options.format if options.format in ("json", "jsonl") else None
    if fmt is None:
        fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "json"
    if fmt == "jsonl":  # streamed: memory follows the values, not the text
        return read_lines_file(path, options, budget_bytes, progress, cancelled)
    decoded = files.read_text(path, options.encoding, budget_bytes, factor=PARSE_BYTES_PER_FILE_BYTE, kind="JSON")
    guesses: list[Guess] = [decoded.guess] if decoded.guess else []
    warnings: list[str] = []
    text = decoded.text
    if not text.strip():
        raise LoadError(path, "holds no JSON data (only blank space)")
    files.check_cancelled(path, cancelled)

    line_numbers: list[int] | None = None
    if fmt == "json":
        try:
            top = parse_json(text, path)
        except LoadError as error:
            if "Extra data" not in error.problem or not _looks_like_lines(text):
                raise
            fmt = "jsonl"
            guesses.append(Guess("format", "jsonl", "the file holds one JSON value per line, not a single value", "format"))
    if fmt == "jsonl":
        all_lines = text.splitlines()
        line_numbers = [number for number, line in enumerate(all_lines, start=1) if line.strip()]
        top = parse_lines([all_lines[number - 1] for number in line_numbers], line_numbers, path, cancelled)
    files.report_progress(progress, 0.4)
    files.check_cancelled(path, cancelled)

    def locate(index: int) -> str:
        return f"line {line_numbers[index]}" if line_numbers is not None else f"record {index + 1} (index {index})"

    records, container = find_records(path, top, line_numbers is not None, options, guesses)
    dataset_kind: DatasetKind = "sequences"
    if records and all(type(r) in NUMBER_TYPES for r in records[:1]) and not isinstance(top, dict) and line_numbers is None:
        records = [records]  # a flat list of numbers is one univariate series
        dataset_kind = "series"
        guesses.append(Guess("layout", "series", "the file is one flat list of numbers, so it is one univariate series", None))
        locate = lambda index: "the list"  # noqa: E731
    if not records:
        raise LoadError(path, "holds no records (an empty list)", hint="Write one sequence per record")
    sequences, labels_raw, ids, fields = split_records(path, records, container, options, guesses, locate)
    values, lengths = flatten_steps(path, sequences, locate, budget_bytes, warnings)
    files.report_progress(progress, 0.8)
    labels = record_labels(path, labels_raw, lengths, fields.get("label_col"), locate) if labels_raw is not None else None

    empty = int(np.count_nonzero(lengths == 0))
    if empty:
        first = int(np.argmax(lengths == 0))
        warnings.append(f"{empty} record{'s have' if empty > 1 else ' has'} no steps (first: {locate(first)}); "
                        "they become all-padding samples")
    feature_names = container.get("feature_names")
    if feature_names is not None and len(feature_names) != values.shape[1]:
        warnings.append(f"feature_names lists {len(feature_names)} names for {values.shape[1]} features; they were ignored")
        feature_names = None
    if feature_names is None:
        feature_names = tuple(f"feature_{i}" for i in range(values.shape[1]))
    effective = replace(options, format=fmt, sequence_field=fields.get("sequence_field"), label_col=fields.get("label_col"),
                        encoding=options.encoding or decoded.encoding)
    # Where the records and labels were found, recorded for exported scripts: the top-level object's
    # list of sequences and its list of labels (None when the records themselves are the top level).
    recorded = {**effective.to_dict(), "container_key": container.get("sequences_key"),
                "container_label_key": container.get("label_key")}
    source = SourceInfo(str(path), fmt, recorded, tuple(guesses), tuple(warnings))
    return SequenceDataset(values, lengths, tuple(feature_names), source, labels, dataset_kind,
                           sample_ids=ids).validate()


def _looks_like_lines(text: str) -> bool:
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    return len(lines) > 1 and all(line.lstrip()[:1] in "[{" for line in lines)
