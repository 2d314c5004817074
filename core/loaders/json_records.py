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
import re
from contextlib import contextmanager
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any, Callable

import numpy as np

from core.budget import check_budget
from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.labels import encode_labels as labels_from_values
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
_LONG_NUMBER_PATTERN = re.compile(r"-?\d[\d.eE+-]{%d,}" % MAX_NUMBER_CHARS)


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
    decoded = files.read_text(path, options.encoding, budget_bytes, factor=PARSE_BYTES_PER_FILE_BYTE, kind="JSON")
    guesses: list[Guess] = [decoded.guess] if decoded.guess else []
    warnings: list[str] = []
    text = decoded.text
    if not text.strip():
        raise LoadError(path, "holds no JSON data (only blank space)")
    files.check_cancelled(path, cancelled)

    fmt = options.format if options.format in ("json", "jsonl") else None
    if fmt is None:
        fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "json"
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
def _flatten(path: Path, sequences: list[list[Any]], locate, budget_bytes: int, warnings: list[str]):
    """One flat ``(total_steps, F)`` float32 array and the lengths, with located errors."""
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    if int(offsets[-1]) == 0:
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
    with np.errstate(over="ignore"):
        values = wide.astype(np.float32).reshape(-1, n_features)
    overflow = int(np.count_nonzero(np.isinf(values)))
    if overflow:
        warnings.append(f"{overflow} value{'s are' if overflow > 1 else ' is'} too large for float32 and became infinite")
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
