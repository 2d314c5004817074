"""What a JSON record means: where the records are, which field is the sequence, the label and
the id, and how steps become one flat float32 array and labels become :class:`Labels`.

The rules (every one reported as a :class:`~core.dataset.Guess` or a located
:class:`~core.errors.LoadError`):

* The records are the top level (a list, or JSON Lines), a list field of a top-level object
  (``sequences``, ``records``, ``samples``, ``data``…, with ``labels``/``ids``/``feature_names``
  beside it) or a single record object.
* A record is a list of steps, or an object with a sequence field (``sequence``, ``values``,
  ``steps``, ``x``…; ``options.sequence_field``), an optional label field (``label``, ``y``,
  ``target``…; ``options.label_col``) and an optional id.
* A step is a number (one feature) or a list of numbers (F features, the same F everywhere).

Shared by the whole-file reader and the streamed JSON Lines reader, so both read a record alike.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from core.budget import check_budget
from core.dataset import Guess, Labels
from core.errors import LoadError
from core.loaders.labels import encode_labels as labels_from_values
from core.loaders.numbers import check_float32_range
from core.options import LoadOptions

SEQUENCE_FIELDS = ("sequence", "values", "steps", "x", "X", "data", "features", "series", "inputs", "seq")
LABEL_FIELDS = ("label", "y", "target", "class", "labels", "targets", "category")
ID_FIELDS = ("id", "sample_id", "name", "key", "uid")
CONTAINER_FIELDS = ("sequences", "records", "samples", "data", "X", "x", "inputs", "items", "instances")
CONTAINER_LABEL_FIELDS = ("labels", "y", "targets", "label", "target", "classes")
CONTAINER_ID_FIELDS = ("ids", "sample_ids", "names")
FEATURE_NAME_FIELDS = ("feature_names", "features_names", "columns")

NUMBER_TYPES = frozenset((int, float))
_MISSING = object()


# ---- structure -------------------------------------------------------------------------------
def find_records(path: Path, top: Any, is_lines: bool, options: LoadOptions, guesses: list[Guess]):
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


def split_records(path: Path, records: list[Any], container: dict[str, Any], options: LoadOptions, guesses: list[Guess], locate):
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
def flatten_steps(path: Path, sequences: list[list[Any]], locate, budget_bytes: int, warnings: list[str], allow_empty: bool = False):
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
    if not set(map(type, scalars)) <= NUMBER_TYPES:
        index = next(i for i, value in enumerate(scalars) if type(value) not in NUMBER_TYPES)
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
def record_labels(path: Path, raw: list[Any], lengths: np.ndarray, name: str | None, locate: Callable[[int], str]) -> Labels:
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
        if (widths == widths[0]).all() and all(type(v) in NUMBER_TYPES for v in flat):
            return Labels(np.array(flat, dtype=np.float32).reshape(len(raw), int(widths[0])), "regression", None, name)
        index = int(np.argmax(widths != widths[0])) if not (widths == widths[0]).all() else 0
        raise LoadError(path, f"the label is a list of {int(widths[index])} values, matching neither the sequence length "
                        f"({int(lengths[index])}) nor the other labels", where=locate(index),
                        hint="Use one label per sequence, one per step, or the same number of targets everywhere")
    index = next(i for i, v in enumerate(raw) if type(v) not in (int, float, str, bool, list))
    raise LoadError(path, f"the label is {_describe(raw[index])}", where=locate(index),
                    hint="Give every record a label (a number or text), or remove the label field everywhere")
