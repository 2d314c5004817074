"""Read sequences from JSON or JSON Lines: one sequence per record.

Accepted shapes of data:

* JSON: a list of records, an object such as ``{"sequences": [...], "labels": [...]}``, or a
  single record object; JSON Lines: one record per line (blank lines are skipped).
* A record is a list of steps, or an object with a sequence field (``sequence``, ``values``,
  ``steps``, ``x``, ``data``, ``features``, ``series``…; ``options.sequence_field``), an optional
  label field (``label``, ``y``, ``target``, ``class``…; ``options.label_col``) and an optional id.
* A step is a number (one feature) or a list of numbers (F features, the same F everywhere).

Parsing uses the standard library with guards: ``NaN``/``Infinity`` literals (not JSON) and
absurdly long numbers are refused with the line they are on, deep nesting becomes a clear
error instead of a ``RecursionError``. Values are gathered into one flat Python list and
converted with a single ``np.array`` call; they are stored as float32.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from core.budget import check_budget
from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.labels import encode_labels as labels_from_values
from core.loaders.numbers import FLOAT32_MAX, check_float32_range
from core.options import LoadOptions

PARSE_BYTES_PER_FILE_BYTE = 8  # Python objects from json.loads take up to ~8x the text's size
MAX_NUMBER_CHARS = 100  # longer number literals are refused (Python's int() stops at 4300 digits)

SEQUENCE_FIELDS = ("sequence", "values", "steps", "x", "X", "data", "features", "series", "inputs", "seq")
LABEL_FIELDS = ("label", "y", "target", "class", "labels", "targets", "category")
ID_FIELDS = ("id", "sample_id", "name", "key", "uid")
CONTAINER_FIELDS = ("sequences", "records", "samples", "data", "X", "x", "inputs", "items", "instances")
CONTAINER_LABEL_FIELDS = ("labels", "y", "targets", "label", "target", "classes")
CONTAINER_ID_FIELDS = ("ids", "sample_ids", "names")
FEATURE_NAME_FIELDS = ("feature_names", "features_names", "columns")

_NUMBER_TYPES = frozenset((int, float))
_MISSING = object()


class _NonFiniteLiteral(Exception):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


class _NumberTooLong(Exception):
    pass


def _reject_constant(literal: str) -> float:
    raise _NonFiniteLiteral(literal)


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text)
    return float(text)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float)
_CONSTANT_PATTERN = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")
_LONG_NUMBER_PATTERN = re.compile(rf"-?\d[\d.eE+-]{{{MAX_NUMBER_CHARS},}}")


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    found = pattern.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while millions of lists are created (parsing ~2x faster).

    JSON results hold no reference cycles, so nothing is lost; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str, path: Path, line: int | None = None) -> Any:
    """``json.loads`` with the guards, turning every failure into a located :class:`LoadError`."""
    try:
        with _no_cyclic_gc():
            return _DECODER.decode(text)
    except _NonFiniteLiteral as error:
        where = f"line {line}" if line is not None else _where_line(_line_of(text, _CONSTANT_PATTERN))
        raise LoadError(path, f"{error.literal} is not valid JSON", where=where,
                        hint="Write null or remove the step (NaN and Infinity are not part of JSON)") from None
    except _NumberTooLong as error:
        where = f"line {line}" if line is not None else _where_line(_line_of(text, _LONG_NUMBER_PATTERN))
        digits = len(str(error))
        raise LoadError(path, f"number too long ({digits} characters)", where=where,
                        hint="Write numbers with at most 100 characters") from None
    except RecursionError:
        where = f"line {line}" if line is not None else None
        raise LoadError(path, "nests lists or objects too deeply to read", where=where,
                        hint="A record is a list of steps, each a number or a list of numbers") from None
    except json.JSONDecodeError as error:
        row = error.lineno if line is None else line
        where = f"line {row}, column {error.colno}"
        raise LoadError(path, f"is not valid JSON ({error.msg})", where=where) from None
    except ValueError as error:  # e.g. Python's own integer-size limit, should the guard ever miss
        raise LoadError(path, f"has a number that cannot be read ({error})", where=f"line {line}" if line else None) from None


def _where_line(line: int | None) -> str | None:
    return None if line is None else f"line {line}"


# ---- entry point -----------------------------------------------------------------------------
def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a JSON or JSON Lines file of sequences into a :class:`SequenceDataset`."""
    path = Path(path)
    fmt = options.format if options.format in ("json", "jsonl") else None
    if fmt is None:
        fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "json"
    if fmt == "jsonl":  # streamed: memory follows the values, not the text
        return _read_lines_file(path, options, budget_bytes, progress, cancelled)
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
            top = _parse(text, path)
        except LoadError as error:
            if "Extra data" not in error.problem or not _looks_like_lines(text):
                raise
            fmt = "jsonl"
            guesses.append(Guess("format", "jsonl", "the file holds one JSON value per line, not a single value", "format"))
    if fmt == "jsonl":
        top, line_numbers = _parse_lines(text, path, cancelled)
    files.report_progress(progress, 0.4)
    files.check_cancelled(path, cancelled)

    def locate(index: int) -> str:
        return f"line {line_numbers[index]}" if line_numbers is not None else f"record {index + 1} (index {index})"

    records, container = _records(path, top, line_numbers is not None, options, guesses)
    dataset_kind = "sequences"
    if records and all(type(r) in _NUMBER_TYPES for r in records[:1]) and not isinstance(top, dict) and line_numbers is None:
        records = [records]  # a flat list of numbers is one univariate series
        dataset_kind = "series"
        guesses.append(Guess("layout", "series", "the file is one flat list of numbers, so it is one univariate series", None))
        locate = lambda index: "the list"  # noqa: E731
    if not records:
        raise LoadError(path, "holds no records (an empty list)", hint="Write one sequence per record")
    sequences, labels_raw, ids, fields = _fields(path, records, container, options, guesses, locate)
    values, lengths = _flatten(path, sequences, locate, budget_bytes, warnings)
    files.report_progress(progress, 0.8)
    labels = _labels(path, labels_raw, lengths, fields.get("label_col"), locate) if labels_raw is not None else None

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


def _parse_lines(text: str, path: Path, cancelled) -> tuple[list[Any], list[int]]:
    """Parse JSON Lines in one ``json.loads`` call; re-parse line by line only to locate an error."""
    lines = text.splitlines()
    line_numbers = [number for number, line in enumerate(lines, start=1) if line.strip()]
    kept = [lines[number - 1] for number in line_numbers]
    try:
        with _no_cyclic_gc():
            records = _DECODER.decode("[" + ",".join(kept) + "]")
        if len(records) == len(kept):
            return records, line_numbers
    except (ValueError, _NonFiniteLiteral, _NumberTooLong, RecursionError):
        pass
    for index, (number, line) in enumerate(zip(line_numbers, kept)):
        if index % 4096 == 0:
            files.check_cancelled(path, cancelled)
        _parse(line, path, line=number)
    raise LoadError(path, "could not be read as JSON Lines", hint="Write exactly one JSON value per line")


# ---- structure -------------------------------------------------------------------------------
def _records(path: Path, top: Any, is_lines: bool, options: LoadOptions, guesses: list[Guess]):
    """The list of records plus container-level extras (labels, ids, feature names)."""
    if is_lines or isinstance(top, list):
        return top, {}
    if not isinstance(top, dict):
        raise LoadError(path, f"holds a single {type(top).__name__ if top is not None else 'null'} value, not a list of sequences",
                        hint="Write a list of records, e.g. [[1, 2, 3], [4, 5]]")
    for key in CONTAINER_FIELDS:
        value = top.get(key, _MISSING)
        if not (isinstance(value, list) and value and isinstance(value[0], (list, dict))):
            continue
        label_key = options.label_col if options.label_col in top else next(
            (k for k in CONTAINER_LABEL_FIELDS if k in top and k != key), None)
        if label_key is not None and not isinstance(top[label_key], list):
            break  # a scalar label: the object is one record, not a container
        container: dict[str, Any] = {"sequences_key": key}
        guesses.append(Guess("sequences", key, f"the top-level object's '{key}' field is a list of sequences", "sequence_field"))
        if label_key is not None:
            container["labels"] = top[label_key]
            container["label_key"] = label_key
            guesses.append(Guess("label field", label_key, f"the top-level object has a list named '{label_key}'", "label_col"))
        id_key = next((k for k in CONTAINER_ID_FIELDS if isinstance(top.get(k), list)), None)
        if id_key is not None:
            container["ids"] = top[id_key]
        names_key = next((k for k in FEATURE_NAME_FIELDS if isinstance(top.get(k), list)), None)
        if names_key is not None and all(isinstance(n, str) for n in top[names_key]):
            container["feature_names"] = tuple(top[names_key])
        return value, container
    return [top], {}


def _fields(path: Path, records: list[Any], container: dict[str, Any], options: LoadOptions, guesses: list[Guess], locate):
    """Split records into sequences, raw labels and ids, detecting the field names."""
    record_types = set(map(type, records))
    fields: dict[str, str | None] = {}
    if record_types == {list}:
        sequences, labels_raw, ids = records, None, None
        if options.sequence_field is not None:
            raise LoadError(path, f"records are plain lists, so there is no field '{options.sequence_field}'",
                            hint="Leave sequence_field empty for lists of steps")
    elif record_types == {dict}:
        first = records[0]
        sequence_field = _pick_field(path, first, options.sequence_field, SEQUENCE_FIELDS, "sequence_field", "sequence", guesses, locate)
        label_field = _pick_optional_field(path, first, options.label_col, LABEL_FIELDS, "label_col", "label", guesses, locate,
                                           exclude=sequence_field)
        id_field = next((k for k in ID_FIELDS if k in first and k not in (sequence_field, label_field)), None)
        fields = {"sequence_field": sequence_field, "label_col": label_field}
        sequences = [record.get(sequence_field, _MISSING) for record in records]
        _require_present(path, sequences, sequence_field, locate)
        labels_raw = None
        if label_field is not None:
            labels_raw = [record.get(label_field, _MISSING) for record in records]
            _require_present(path, labels_raw, label_field, locate)
        ids = None
        if id_field is not None:
            raw_ids = [record.get(id_field) for record in records]
            ids = tuple(map(str, raw_ids)) if all(v is not None for v in raw_ids) else None
    else:
        index = next((i for i, record in enumerate(records) if type(record) not in (list, dict)), None)
        if index is None:  # lists and objects mixed: name the first record unlike the first one
            index = next(i for i, record in enumerate(records) if type(record) is not type(records[0]))
            raise LoadError(path, f"this record is {_describe(records[index])}, but the first record is "
                            f"{_describe(records[0])}", where=locate(index),
                            hint="Write every record the same way: all lists of steps, or all objects")
        bad = records[index]
        if isinstance(records[0], (list, dict)):
            raise LoadError(path, f"this record is {_describe(bad)}, not a list of steps or an object", where=locate(index),
                            hint="Make every record a list of steps or an object with a sequence field")
        raise LoadError(path, f"records must be lists of steps or objects, found {_describe(bad)}", where=locate(index),
                        hint="Write a list of records, e.g. [[1, 2, 3], [4, 5]]")

    if "labels" in container:
        labels_raw = container["labels"]
        fields["label_col"] = container.get("label_key")
        if len(labels_raw) != len(sequences):
            raise LoadError(path, f"has {len(sequences)} sequences but {len(labels_raw)} labels",
                            hint="Give exactly one label per sequence")
    if "ids" in container and len(container["ids"]) == len(sequences):
        ids = tuple(map(str, container["ids"]))
    bad_index = next((i for i, s in enumerate(sequences) if type(s) is not list), None) if set(map(type, sequences)) != {list} else None
    if bad_index is not None:
        field = fields.get("sequence_field")
        what = f"field '{field}'" if field else "record"
        raise LoadError(path, f"the {what} is {_describe(sequences[bad_index])}, not a list of steps", where=locate(bad_index),
                        hint="Write the steps as a list, e.g. [1, 2, 3] or [[1, 2], [3, 4]]")
    return sequences, labels_raw, ids, fields


def _pick_field(path, record: dict, chosen, candidates, option, role, guesses, locate) -> str:
    keys = ", ".join(map(repr, record)) or "no fields"
    if chosen is not None:
        if chosen not in record:
            raise LoadError(path, f"has no field '{chosen}' (it has {keys})", where=locate(0), hint=f"Set {option} to one of them")
        return chosen
    for key in candidates:
        if key in record:
            guesses.append(Guess(f"{role} field", key, f"records have a field named '{key}'", option))
            return key
    lists = [key for key, value in record.items() if isinstance(value, list)]
    if len(lists) == 1:
        guesses.append(Guess(f"{role} field", lists[0], f"'{lists[0]}' is the only field holding a list", option))
        return lists[0]
    raise LoadError(path, f"has no {role} field (it has {keys})", where=locate(0),
                    hint=f"Name it one of {', '.join(candidates[:5])}, or set {option}")


def _pick_optional_field(path, record: dict, chosen, candidates, option, role, guesses, locate, exclude) -> str | None:
    if chosen is not None:
        return _pick_field(path, record, chosen, candidates, option, role, guesses, locate)
    for key in candidates:
        if key in record and key != exclude:
            guesses.append(Guess(f"{role} field", key, f"records have a field named '{key}'", option))
            return key
    return None


def _require_present(path: Path, column: list[Any], field: str, locate) -> None:
    if any(value is _MISSING for value in column):
        index = next(i for i, value in enumerate(column) if value is _MISSING)
        raise LoadError(path, f"this record has no '{field}' field, unlike the first", where=locate(index),
                        hint=f"Give every record a '{field}'")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if value is _MISSING:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:17] + "..."
        return f"the text {shown!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the number {value!r}" if isinstance(value, (int, float)) else type(value).__name__


# ---- values ----------------------------------------------------------------------------------
def _flatten(path: Path, sequences: list[list[Any]], locate, budget_bytes: int, warnings: list[str], allow_empty: bool = False):
    """One flat ``(total_steps, F)`` float32 array and the lengths, with located errors."""
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    if int(offsets[-1]) == 0:
        if allow_empty:  # one chunk of a JSON Lines file: later chunks may hold steps
            return np.empty((0, 0), dtype=np.float32), lengths
        raise LoadError(path, "every sequence is empty", hint="Give each record at least one step")

    def where_step(flat_step: int) -> str:
        record = int(np.searchsorted(offsets, flat_step, side="right")) - 1
        return f"{locate(record)}, step {flat_step - int(offsets[record]) + 1}"

    steps = list(chain.from_iterable(sequences))
    first = steps[0]
    step_types = set(map(type, steps))
    if isinstance(first, list):
        if step_types != {list}:
            index = next(i for i, step in enumerate(steps) if type(step) is not list)
            raise LoadError(path, f"this step is {_describe(steps[index])}, but steps before it are lists of features",
                            where=where_step(index), hint="Write every step as a list of the same number of features")
        widths = np.fromiter(map(len, steps), dtype=np.int64, count=len(steps))
        n_features = int(widths[0])
        if n_features == 0:
            raise LoadError(path, "steps are empty lists", where=where_step(0), hint="Each step needs at least one feature")
        wrong = widths != n_features
        if wrong.any():
            index = int(np.argmax(wrong))
            raise LoadError(path, f"this step has {int(widths[index])} features, expected {n_features} (as in the first step)",
                            where=where_step(index), hint="Give every step the same number of features")
        scalars = list(chain.from_iterable(steps))
    else:
        n_features = 1
        scalars = steps
    check_budget(f"Reading {path.name} ({len(scalars)} values)", len(scalars) * 12, budget_bytes)
    if not set(map(type, scalars)) <= _NUMBER_TYPES:
        index = next(i for i, value in enumerate(scalars) if type(value) not in _NUMBER_TYPES)
        bad = scalars[index]
        step, feature = divmod(index, n_features)
        where = where_step(step) + (f", feature {feature + 1}" if n_features > 1 else "")
        if isinstance(bad, list):
            problem = ("this step is a list, but steps before it are single numbers" if n_features == 1
                       else "this feature is a list inside a step; steps must be numbers or lists of numbers")
            raise LoadError(path, problem, where=where, hint="Write every step the same way: a number, or a list of numbers")
        raise LoadError(path, f"this value is {_describe(bad)}, not a number", where=where,
                        hint="Every value must be a number; write it as a number or remove the step")
    wide = np.array(scalars, dtype=np.float64)

    def locate_value(index: int) -> str:
        step, feature = divmod(index, n_features)
        return where_step(step) + (f", feature {feature + 1}" if n_features > 1 else "")

    check_float32_range(wide, path, locate_value)  # the one rule every reader shares
    infinite = ~np.isfinite(wide)  # a number such as 1e400 reads as infinity (JSON has no NaN)
    if infinite.any():
        raise LoadError(path, "has a value too large for 32-bit floats (it reads as infinity)",
                        where=locate_value(int(np.argmax(infinite))),
                        hint="Rescale the data (for example divide by a power of ten) so it fits float32, Keras' float type")
    values = wide.astype(np.float32).reshape(-1, n_features)
    return values, lengths


# ---- labels ----------------------------------------------------------------------------------
def _labels(path: Path, raw: list[Any], lengths: np.ndarray, name: str | None, locate: Callable[[int], str]) -> Labels:
    types = set(map(type, raw))
    if types <= {int, float, str, bool}:
        if bool in types and types != {bool}:
            index = next(i for i, v in enumerate(raw) if type(v) is bool)
            raise LoadError(path, f"the label is {_describe(raw[index])} while other labels are not", where=locate(index),
                            hint="Use one kind of label for every record")
        values = np.array([str(v) for v in raw]) if str in types else np.array(raw)
        return labels_from_values(values, name, path, locate)
    if types == {list}:
        widths = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
        flat = list(chain.from_iterable(raw))
        if not set(map(type, flat)) <= {int, float, str, bool}:
            index = int(np.searchsorted(np.cumsum(widths), next(i for i, v in enumerate(flat) if type(v) not in (int, float, str, bool)),
                                        side="right"))
            raise LoadError(path, "a label list holds something other than numbers or text", where=locate(index))
        if np.array_equal(widths, lengths):
            per_step = labels_from_values(np.array([str(v) for v in flat]) if any(type(v) is str for v in flat) else np.array(flat),
                                          name, path, lambda i: locate(int(np.searchsorted(np.cumsum(lengths), i, side="right"))))
            return Labels(per_step.values, "sequence", per_step.classes, name)
        if (widths == widths[0]).all() and all(type(v) in _NUMBER_TYPES for v in flat):
            return Labels(np.array(flat, dtype=np.float32).reshape(len(raw), int(widths[0])), "regression", None, name)
        index = int(np.argmax(widths != widths[0])) if not (widths == widths[0]).all() else 0
        raise LoadError(path, f"the label is a list of {int(widths[index])} values, matching neither the sequence length "
                        f"({int(lengths[index])}) nor the other labels", where=locate(index),
                        hint="Use one label per sequence, one per step, or the same number of targets everywhere")
    index = next(i for i, v in enumerate(raw) if type(v) not in (int, float, str, bool, list))
    raise LoadError(path, f"the label is {_describe(raw[index])}", where=locate(index),
                    hint="Give every record a label (a number or text), or remove the label field everywhere")


# ---- JSON Lines, streamed --------------------------------------------------------------------
# A JSON Lines file is read in chunks so memory follows the output (float32 values), not the
# text or millions of Python objects. The fast path is pyarrow's JSON reader; any
# record it does not map cleanly onto flat values + lengths (a list record, NaN, a null, a
# value outside float32, a label that changes type...) sends the whole file to the standard
# library path, which reads the same chunks with the guards and raises the located error.
# Pieces of 1 MiB parsed on this thread keep Arrow's working set small (threads gained nothing
# on 2 cores and kept ~40 MB more in their allocator arenas).
CHUNK_LINES = 4096
ARROW_BLOCK_BYTES = 1 << 20
RESTART = object()  # yielded by LinesReader.chunks() when the fast path gave up: start over


@dataclass
class LinesChunk:
    """Consecutive records of a JSON Lines file, already flat."""

    values: np.ndarray  # (steps, F) floats within float32's range, valid until the next chunk; (0, 0) when empty
    lengths: np.ndarray  # int64, one per record
    labels: list[Any] | None
    ids: list[str] | None  # None when some record of the chunk has no id
    lines: np.ndarray | None  # 1-based line number of each record (None from the fast path)


class _Fallback(Exception):
    """The fast path cannot take this file; the standard-library path reads it instead."""


class LinesReader:
    """Read a JSON Lines file chunk by chunk; :meth:`chunks` yields :class:`LinesChunk` objects.

    ``guesses`` and ``fields`` are filled in from the first record; ``locate(index)`` names a
    record by its line for error messages after the fact.
    """

    def __init__(self, path: Path, options: LoadOptions, budget_bytes: int, cancelled=None) -> None:
        self.path = Path(path)
        self.options = options
        self.budget_bytes = budget_bytes
        self.cancelled = cancelled
        self.guesses: list[Guess] = []
        self.fields: dict[str, str | None] = {}
        self.used_fast_path = False
        self._line_table: np.ndarray | None = None

    # ---- lines -----------------------------------------------------------------------------
    def _text_lines(self):
        """``(line_number, text)`` of every line, decoded as the whole-file reader would."""
        head = files.read_head(self.path)
        sniffed, _ = files.sniff_encoding(head)
        if self.options.encoding or (sniffed or "").startswith("utf-16"):
            yield from self._decoded_lines()
            return
        with files.open_binary(self.path) as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                    self.guesses.append(Guess("encoding", "utf-8-sig", "the file starts with a byte-order mark", "encoding"))
                if b"\x00" in raw:
                    raise LoadError(self.path, "contains NUL bytes; it looks like a binary file, not JSON", where=f"line {number}")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    break  # not UTF-8: decode the whole file the way the other readers do
                yield number, text
            else:
                return
        self.guesses = [g for g in self.guesses if g.what != "encoding"]
        yield RESTART, None
        yield from self._decoded_lines()

    def _decoded_lines(self):
        decoded = files.read_text(self.path, self.options.encoding, self.budget_bytes, factor=2, kind="JSON")
        if decoded.guess:
            self.guesses.append(decoded.guess)
        yield from enumerate(decoded.text.splitlines(), start=1)

    # ---- chunks ----------------------------------------------------------------------------
    def chunks(self):
        """Yield :class:`LinesChunk` objects (or :data:`RESTART`: drop what came before)."""
        first = self._first_record()
        if first is None:
            raise LoadError(self.path, "holds no JSON data (only blank space)")
        number, record = first
        plan = self._arrow_plan(record)
        if plan is not None:
            guesses = list(self.guesses)
            try:
                yield from self._arrow_chunks(*plan)
                self.used_fast_path = True
                return
            except _Fallback:
                self.guesses = guesses
                self.fields = {}
                yield RESTART
        yield from self._stdlib_chunks()

    def _first_record(self):
        for number, text in self._text_lines():
            if number is RESTART:
                continue
            if text.strip():
                return number, _parse(text, self.path, line=number)
        return None

    def _stdlib_chunks(self):
        reference: list[tuple[int, Any]] = []  # the first record, then the first with steps
        numbers: list[int] = []
        texts: list[str] = []
        for number, text in self._text_lines():
            if number is RESTART:
                numbers, texts, reference = [], [], []
                yield RESTART
                continue
            if not text.strip():
                continue
            numbers.append(number)
            texts.append(text)
            if len(texts) >= CHUNK_LINES:
                yield self._stdlib_chunk(numbers, texts, reference)
                numbers, texts = [], []
        if texts:
            yield self._stdlib_chunk(numbers, texts, reference)

    def _stdlib_chunk(self, numbers: list[int], texts: list[str], reference: list[tuple[int, Any]]) -> LinesChunk:
        files.check_cancelled(self.path, self.cancelled)
        records = _parse_chunk(texts, numbers, self.path)
        first_chunk = not reference
        if first_chunk:
            reference.append((numbers[0], records[0]))
        # The reference records go first, so field names, step kinds and feature counts are
        # checked against the file's first record exactly as if the file were read at once.
        lead = [record for _, record in reference]
        lead_lines = [line for line, _ in reference]
        if first_chunk:
            lead, lead_lines = [], []
        all_records = lead + records
        all_lines = lead_lines + numbers

        def locate(index: int) -> str:
            return f"line {all_lines[index]}"

        guesses = self.guesses if first_chunk else []
        sequences, labels_raw, ids, fields = _fields(self.path, all_records, {}, self.options, guesses, locate)
        self.fields = fields
        values, lengths = _flatten(self.path, sequences, locate, self.budget_bytes, [], allow_empty=True)
        skip = len(lead)
        if skip:
            values = values[int(lengths[:skip].sum()):]
            lengths = lengths[skip:]
        if len(reference) == 1 and len(sequences[0]) == 0:  # sequences[0] is always the file's first record
            # the first record has no steps: the first one that has some is the reference for steps
            if (lengths > 0).any():
                index = int(np.argmax(lengths > 0))
                reference.append((numbers[index], records[index]))
        return LinesChunk(values, lengths, None if labels_raw is None else labels_raw[skip:],
                          None if ids is None else list(ids[skip:]), np.asarray(numbers, dtype=np.int64))

    # ---- the fast path ---------------------------------------------------------------------
    def _arrow_plan(self, record: Any):
        """``(schema, sequence_field, label_field, id_field, n_features)`` or None (no fast path)."""
        if self.options.encoding not in (None, "utf-8", "utf8") or not isinstance(record, dict):
            return None
        head = files.read_head(self.path, 4)
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return None
        guesses: list[Guess] = []
        try:
            sequences, labels_raw, ids, fields = _fields(self.path, [record], {}, self.options, guesses, lambda i: "line 1")
        except LoadError:
            return None
        steps = sequences[0]
        if not steps or type(steps[0]) not in (*_NUMBER_TYPES, list):
            return None
        n_features = len(steps[0]) if isinstance(steps[0], list) else 0
        if isinstance(steps[0], list) and (not steps[0] or any(type(v) not in _NUMBER_TYPES for v in steps[0])):
            return None
        import pyarrow as pa

        element = pa.float64()
        columns = [(fields["sequence_field"], pa.list_(pa.list_(element)) if n_features else pa.list_(element))]
        label_field = fields.get("label_col")
        scalar_types = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}
        if label_field is not None:
            kind = scalar_types.get(type(record[label_field]))
            if kind is None:
                return None  # per-step or multi-output labels: the standard path handles lists
            columns.append((label_field, kind))
        id_field = next((k for k in ID_FIELDS if k in record and k not in (fields["sequence_field"], label_field)), None)
        if id_field is not None:
            kind = scalar_types.get(type(record[id_field]))
            if kind is None:
                return None
            columns.append((id_field, kind))
        self.guesses.extend(guesses)
        self.fields = fields
        return pa.schema(columns), fields["sequence_field"], label_field, id_field, n_features

    def _arrow_chunks(self, schema, sequence_field: str, label_field: str | None, id_field: str | None, n_features: int):
        import pyarrow as pa
        import pyarrow.json as pa_json

        read_options = pa_json.ReadOptions(block_size=ARROW_BLOCK_BYTES, use_threads=False)
        parse_options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore",
                                             newlines_in_values=False)
        pool = pa.system_memory_pool()  # freed blocks go back to the system, so memory follows the output
        width = max(1, n_features)
        for piece, lines in _pieces(self.path):
            files.check_cancelled(self.path, self.cancelled)
            try:
                table = pa_json.read_json(pa.py_buffer(piece), read_options=read_options, parse_options=parse_options,
                                          memory_pool=pool)
            except (pa.ArrowException, OSError):
                raise _Fallback from None
            if table.num_rows != lines:
                raise _Fallback  # e.g. two records on one line, which JSON Lines does not allow
            del piece
            for batch in table.to_batches():
                try:
                    chunk = self._arrow_batch(batch, sequence_field, label_field, id_field, n_features, width)
                except UnicodeDecodeError:  # Arrow does not check UTF-8: not UTF-8 text, decode it as the others do
                    raise _Fallback from None
                yield chunk
            del table

    @staticmethod
    def _arrow_batch(batch, sequence_field, label_field, id_field, n_features: int, width: int) -> LinesChunk:
        column = batch.column(sequence_field)
        if column.null_count:
            raise _Fallback
        lengths = np.diff(_offsets(column)).astype(np.int64)
        leaf = column.flatten()
        if n_features:
            if leaf.null_count:
                raise _Fallback
            widths = np.diff(_offsets(leaf))
            if widths.size and not (widths == n_features).all():
                raise _Fallback
            leaf = leaf.flatten()
        if leaf.null_count:
            raise _Fallback
        wide = float64_values(leaf)
        if wide.size and not float(np.max(np.abs(wide), initial=0.0)) <= FLOAT32_MAX:
            raise _Fallback  # NaN, inf or beyond float32: the standard path names the value
        values = wide.reshape(-1, width)  # a view of Arrow's buffer: the consumer copies it
        labels = None
        if label_field is not None:
            label_column = batch.column(label_field)
            if label_column.null_count:
                raise _Fallback
            labels = label_column.to_pylist()
        ids = None
        if id_field is not None:
            id_column = batch.column(id_field)
            ids = None if id_column.null_count else [str(v) for v in id_column.to_pylist()]
        return LinesChunk(values, lengths, labels, ids, None)

    # ---- locating records ------------------------------------------------------------------
    def line_of(self, index: int, chunk_lines: list[np.ndarray]) -> int:
        """The line of record ``index`` (from the chunks' line numbers, or by scanning the file)."""
        if chunk_lines:
            return int(np.concatenate(chunk_lines)[index]) if len(chunk_lines) > 1 else int(chunk_lines[0][index])
        seen = -1
        with files.open_binary(self.path) as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    seen += 1
                    if seen == index:
                        return number
        return index + 1


_BLANK_LINE = re.compile(rb"(?m)^[ \t\r\f\v]*\n")
PIECE_BYTES = 1 << 20


def _pieces(path: Path):
    """``(bytes, records)``: the file in pieces of about 1 MiB cut after a newline, with the
    number of non-blank lines in each (what a JSON Lines reader must turn into records)."""
    tail = b""
    with files.open_binary(path) as handle:
        while True:
            block = handle.read(PIECE_BYTES)
            if not block:
                break
            block = tail + block if tail else block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                tail = block
                continue
            tail = block[cut:]
            piece = block[:cut] if cut < len(block) else block
            yield piece, _records_in(piece)
    if tail.strip():
        yield tail + b"\n", 1


def _records_in(piece: bytes) -> int:
    """Non-blank lines of a piece that ends in a newline (a regex only when blank lines may exist)."""
    count = piece.count(b"\n")
    if b"\n\n" in piece or piece[:1].isspace() or any(b"\n" + c in piece for c in (b" ", b"\t", b"\r", b"\f", b"\v")):
        count -= len(_BLANK_LINE.findall(piece))
    return count


def _offsets(array) -> np.ndarray:
    """The int32 offsets of a (possibly sliced) Arrow list array, without pandas or a copy."""
    return np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)


def float64_values(array) -> np.ndarray:
    """The values of a (possibly sliced) Arrow float64 array, without pandas or a copy."""
    return np.frombuffer(array.buffers()[1], dtype=np.float64, count=len(array), offset=array.offset * 8)


def _parse_chunk(texts: list[str], numbers: list[int], path: Path) -> list[Any]:
    """Parse lines in one ``json.loads`` call; re-parse line by line only to locate an error."""
    try:
        with _no_cyclic_gc():
            records = _DECODER.decode("[" + ",".join(texts) + "]")
        if len(records) == len(texts):
            return records
    except (ValueError, _NonFiniteLiteral, _NumberTooLong, RecursionError):
        pass
    for number, line in zip(numbers, texts):
        _parse(line, path, line=number)
    raise LoadError(path, "could not be read as JSON Lines", hint="Write exactly one JSON value per line")


class GrowingValues:
    """The flat float32 values, written chunk by chunk into one allocation.

    The allocation is an upper bound (a JSON number takes at least two bytes, so there are at
    most ``file size / 2`` values); pages never written are never touched, so they cost
    address space, not memory. :meth:`finish` shrinks it in place (``realloc``), so there is
    neither a list of chunks nor a concatenated copy of them at any time.
    """

    def __init__(self, path: Path, budget_bytes: int) -> None:
        self.path = path
        self.budget_bytes = budget_bytes
        self.capacity = max(16, os.path.getsize(path) // 2)
        self.buffer: np.ndarray | None = None
        self.rows = 0
        self.width = 0

    def reset(self) -> None:
        self.buffer, self.rows, self.width = None, 0, 0

    def add(self, values: np.ndarray) -> None:
        if values.size == 0:
            return
        if self.buffer is None:
            self.width = values.shape[1]
            self.buffer = np.empty((self.capacity // self.width + 1, self.width), dtype=np.float32)
        end = self.rows + values.shape[0]
        check_budget(f"Reading {self.path.name} ({end * self.width:,} values so far)", end * self.width * 4, self.budget_bytes)
        self.buffer[self.rows:end] = values  # float64 → float32 in place: no temporary
        self.rows = end

    def finish(self) -> np.ndarray | None:
        if self.buffer is None:
            return None
        buffer, self.buffer = self.buffer, None
        buffer.resize((self.rows, self.width), refcheck=False)  # shrinks in place (mremap), no copy
        return buffer


def _read_lines_file(path: Path, options: LoadOptions, budget_bytes: int, progress, cancelled) -> SequenceDataset:
    """A JSON Lines file into a :class:`SequenceDataset`, chunk by chunk within the budget."""
    reader = LinesReader(path, options, budget_bytes, cancelled)
    output = GrowingValues(path, budget_bytes)
    lengths: list[np.ndarray] = []
    labels: list[Any] | None = []
    ids: list[str] | None = []
    lines: list[np.ndarray] = []
    size = max(1, os.path.getsize(path))
    for chunk in reader.chunks():
        if chunk is RESTART:
            output.reset()
            lengths, labels, ids, lines = [], [], [], []
            continue
        output.add(chunk.values)
        lengths.append(chunk.lengths)
        if chunk.lines is not None:
            lines.append(chunk.lines)
        labels = None if labels is None or chunk.labels is None else _extend(labels, chunk.labels)
        ids = None if ids is None or chunk.ids is None else _extend(ids, chunk.ids)
        files.report_progress(progress, 0.8 * min(1.0, output.rows * output.width * 8 / size))
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    if all_lengths.size == 0:
        raise LoadError(path, "holds no JSON data (only blank space)")
    flat = output.finish()
    if flat is None:
        raise LoadError(path, "every sequence is empty", hint="Give each record at least one step")

    def locate(index: int) -> str:
        return f"line {reader.line_of(index, lines)}"

    fields = reader.fields
    warnings: list[str] = []
    label_field = fields.get("label_col")
    label_values = _labels(path, labels, all_lengths, label_field, locate) if label_field is not None and labels is not None else None
    empty = int(np.count_nonzero(all_lengths == 0))
    if empty:
        first = int(np.argmax(all_lengths == 0))
        warnings.append(f"{empty} record{'s have' if empty > 1 else ' has'} no steps (first: {locate(first)}); "
                        "they become all-padding samples")
    feature_names = tuple(f"feature_{i}" for i in range(flat.shape[1]))
    effective = replace(options, format="jsonl", sequence_field=fields.get("sequence_field"), label_col=label_field)
    source = SourceInfo(str(path), "jsonl", effective.to_dict(), tuple(reader.guesses), tuple(warnings))
    sample_ids = tuple(ids) if ids and len(ids) == all_lengths.size else None
    return SequenceDataset(flat, all_lengths, feature_names, source, label_values, "sequences", sample_ids=sample_ids).validate()


def _extend(items: list[Any], more: list[Any]) -> list[Any]:
    items.extend(more)
    return items
