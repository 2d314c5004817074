"""Read ARFF time series, the UEA/UCR archive's other distribution format (Weka's format).

Two shapes of file are time series, and both are read:

* **Univariate**: one ``numeric`` attribute per time step, then the class attribute
  (``@attribute target {1,2}``), one case per data line: ``v1,v2,...,vT,label``.
* **Multivariate** (relational): one ``relational`` attribute whose inner numeric attributes
  are the time steps (``@attribute relationalAtt relational`` … ``@end relationalAtt``), then
  the class. Each case is a quoted string whose dimensions are separated by the two
  characters ``\\n``: ``'d0v1,...,d0vT\\nd1v1,...,d1vT',label``.

``?`` is a missing value. Trailing ``?`` are how the archive stores shorter sequences, so a
case ends at its last present value (the same lengths as the ``.ts`` files); a ``?`` inside a
sequence becomes NaN with a warning. Class labels keep the order the header declares them
in (``{Standing,Running,...}``), so codes match the ``.ts`` file's ``@classLabel`` order. A
``numeric`` last attribute named like a target (``target``, ``class``, ``label``, ``y``) is a
regression target. Features are called ``dim_0 … dim_{D-1}``, as in the ``.ts`` reader.

Speed: the values of every case are parsed by one call of pandas' C parser over the joined
data text (:func:`core.loaders.numbers.parse_floats`) and reshaped; per-line Python work is only the split of the label from the values.
(``scipy.io.arff`` cannot read relational attributes, and liac-arff parses value by value.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.budget import check_budget
from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.labels import encode_labels
from core.loaders.numbers import BAD_VALUE_HINT, check_float32_range, first_bad_value, parse_floats
from core.options import LoadOptions

TEXT_BYTES_PER_FILE_BYTE = 3  # decoded text, the value strings and their joined copy
BYTES_PER_VALUE = 24  # float64 parse + float32 dense + mask + flat copy

_ATTRIBUTE = re.compile(r"@attribute\s+('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)\s*(.*)$", re.IGNORECASE)
_NOMINAL_ITEM = re.compile(r"\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^,]*)\s*(?:,|$)")
_NUMERIC_TYPES = ("numeric", "real", "integer")
_TARGET_NAMES = ("target", "class", "label", "y", "value")



@dataclass
class _Attribute:
    name: str
    kind: str  # "numeric", "nominal", "string", "date", "relational"
    line: int
    values: tuple[str, ...] = ()  # nominal values, in header order
    inner: tuple[_Attribute, ...] = ()  # a relational attribute's attributes

    def describe(self) -> str:
        return f"attribute '{self.name}'"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


# ---- header ----------------------------------------------------------------------------------
def _parse_header(lines: list[str], path: Path) -> tuple[str | None, list[_Attribute], int]:
    """The relation name, the top-level attributes and the index of the ``@data`` line."""
    relation: str | None = None
    attributes: list[_Attribute] = []
    open_relational: _Attribute | None = None
    inner: list[_Attribute] = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        number = index + 1
        lower = line.lower()
        if lower.startswith("@relation"):
            relation = _unquote(line[len("@relation"):])
            continue
        if lower.startswith("@end"):
            if open_relational is None:
                raise LoadError(path, "@end closes no relational attribute", where=f"line {number}")
            open_relational.inner = tuple(inner)
            attributes.append(open_relational)
            open_relational, inner = None, []
            continue
        if lower.startswith("@data"):
            if open_relational is not None:
                raise LoadError(path, f"the relational {open_relational.describe()} has no @end line before @data",
                                where=f"line {number}", hint=f"Add '@end {open_relational.name}' after its attributes")
            return relation, attributes, index
        if lower.startswith("@attribute"):
            attribute = _parse_attribute(line, number, path)
            if open_relational is not None:
                if attribute.kind == "relational":
                    raise LoadError(path, "a relational attribute inside another one cannot be read", where=f"line {number}")
                inner.append(attribute)
            elif attribute.kind == "relational":
                open_relational = attribute
            else:
                attributes.append(attribute)
            continue
        if line.startswith("@"):
            word = line.split(None, 1)[0]
            raise LoadError(path, f"{word} is not an ARFF header keyword", where=f"line {number}",
                            hint="The header has @relation, @attribute (and @end) lines, then @data")
        raise LoadError(path, "this line looks like data, but no @data line came before it", where=f"line {number}",
                        hint="End the header with a line '@data' before the first case")
    raise LoadError(path, "has no @data line, so the cases cannot be found",
                    hint="An ARFF file needs its @attribute lines to be followed by a line '@data' and the cases")


def _parse_attribute(line: str, number: int, path: Path) -> _Attribute:
    match = _ATTRIBUTE.match(line)
    if match is None or not match.group(2).strip():
        raise LoadError(path, "this @attribute line has no name and type", where=f"line {number}",
                        hint="Write '@attribute name numeric' (or a {class,list}, string, date, relational)")
    name, kind_text = _unquote(match.group(1)), match.group(2).strip()
    word = kind_text.split(None, 1)[0].lower()
    if kind_text.startswith("{"):
        if not kind_text.rstrip().endswith("}"):
            raise LoadError(path, f"the class list of attribute '{name}' has no closing '}}'", where=f"line {number}")
        body = kind_text.strip()[1:-1]
        values = tuple(_unquote(item) for item in _NOMINAL_ITEM.findall(body) if item.strip())
        if len(set(values)) != len(values):
            raise LoadError(path, f"the class list of attribute '{name}' names a class twice", where=f"line {number}")
        return _Attribute(name, "nominal", number, values)
    if word in _NUMERIC_TYPES:
        return _Attribute(name, "numeric", number)
    if word in ("string", "date", "relational"):
        return _Attribute(name, word, number)
    raise LoadError(path, f"attribute '{name}' has the unknown type {kind_text.split(None, 1)[0]!r}", where=f"line {number}",
                    hint="ARFF types are numeric, real, integer, {a,b,...}, string, date and relational")


@dataclass
class _Layout:
    relational: _Attribute | None  # multivariate: the relational attribute
    steps: int  # declared time steps
    label: _Attribute | None
    label_index: int  # position of the label among the top-level fields (-1 when none)


def _layout(path: Path, attributes: list[_Attribute]) -> _Layout:
    if not attributes:
        raise LoadError(path, "declares no @attribute, so it has no values to read",
                        hint="Declare one numeric attribute per time step (or a relational one) before @data")
    label = None
    body = attributes
    last = attributes[-1]
    if last.kind == "nominal" or last.kind == "string" or (
            last.kind == "numeric" and len(attributes) > 1 and last.name.strip().lower() in _TARGET_NAMES):
        label, body = last, attributes[:-1]
    relational = [a for a in body if a.kind == "relational"]
    if relational:
        if len(body) != 1:
            other = next(a for a in body if a.kind != "relational" or a is not relational[0])
            raise LoadError(path, f"{other.describe()} stands beside the relational attribute; only one relational "
                            "attribute and a class at the end can be read as time series", where=f"line {other.line}")
        attribute = relational[0]
        odd = [a for a in attribute.inner if a.kind != "numeric"]
        if odd:
            raise LoadError(path, f"the time step {odd[0].describe()} of the relational attribute is {odd[0].kind}, not numeric",
                            where=f"line {odd[0].line}", hint="Every attribute inside a relational one must be numeric")
        if not attribute.inner:
            raise LoadError(path, f"the relational {attribute.describe()} declares no attributes (time steps)",
                            where=f"line {attribute.line}")
        return _Layout(attribute, len(attribute.inner), label, len(body) if label else -1)
    odd = [a for a in body if a.kind != "numeric"]
    if odd:
        raise LoadError(path, f"{odd[0].describe()} is {odd[0].kind}; only numeric time steps and one class "
                        "attribute at the end can be read as a time series", where=f"line {odd[0].line}",
                        hint="Remove that attribute, or move the class attribute to the end")
    if not body:
        assert label is not None  # attributes is not empty, so an empty body means its one attribute is the label
        raise LoadError(path, f"has only the class {label.describe()} and no numeric time steps", where=f"line {label.line}",
                        hint="Declare one numeric attribute per time step before the class")
    return _Layout(None, len(body), label, len(body) if label else -1)


# ---- cases -----------------------------------------------------------------------------------
def _split_label(line: str) -> tuple[str, str | None]:
    """``values, label`` from a data line: the label is the last comma-separated field (maybe quoted)."""
    text = line.rstrip()
    if text and text[-1] in "'\"":
        quote = text[-1]
        start = text.rfind("," + quote, 0, len(text) - 1)
        if start >= 0:
            return text[:start], text[start + 1:]
    body, comma, label = text.rpartition(",")
    return (body, label) if comma else (text, None)


def _split_quoted(text: str, path: Path, number: int) -> str:
    """The inside of a relational value ``'...'`` (the values of every dimension)."""
    text = text.strip()
    if len(text) < 2 or text[0] not in "'\"" or text[-1] != text[0]:
        raise LoadError(path, "the relational value of this case is not a quoted string", where=f"line {number}",
                        hint="Write each case as 'dim0 values\\ndim1 values',label")
    return text[1:-1]


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read an ARFF file of time series into a :class:`SequenceDataset` (features ``dim_0..``)."""
    path = Path(path)
    decoded = files.read_text(path, options.encoding, budget_bytes, factor=TEXT_BYTES_PER_FILE_BYTE, kind="an ARFF file")
    guesses: list[Guess] = [decoded.guess] if decoded.guess else []
    notes: list[str] = []
    lines = decoded.text.splitlines()
    relation, attributes, data_index = _parse_header(lines, path)
    layout = _layout(path, attributes)
    files.check_cancelled(path, cancelled)

    numbers: list[int] = []
    cases: list[str] = []
    for index in range(data_index + 1, len(lines)):
        text = lines[index].strip()
        if text and not text.startswith("%"):
            if text.startswith("{"):
                raise LoadError(path, "this is a sparse ARFF row ({index value, ...}), which cannot be read as a time series",
                                where=f"line {index + 1}", hint="Save the data as a dense ARFF (every value written out)")
            numbers.append(index + 1)
            cases.append(text)
    if not cases:
        raise LoadError(path, "has no cases after @data", where=f"line {data_index + 1}", hint="Add one case per line after @data")

    bodies: list[str] = []
    raw_labels: list[str] = []
    dims_per_case: list[int] = []
    for case, number in zip(cases, numbers):
        if layout.label is not None:
            body, label = _split_label(case)
            if label is None:
                raise LoadError(path, f"this case has no value for the class {layout.label.describe()}", where=f"line {number}",
                                hint="End every case with ',' and its class")
            raw_labels.append(_unquote(label))
        else:
            body = case
        if layout.relational is not None:
            dims = _split_quoted(body, path, number).split("\\n")
            dims_per_case.append(len(dims))
            bodies.extend(dims)
        else:
            bodies.append(body)
            dims_per_case.append(1)
    files.report_progress(progress, 0.3)
    files.check_cancelled(path, cancelled)

    n_dims = _check_dimensions(path, dims_per_case, numbers)
    n_cases, steps = len(cases), layout.steps
    check_budget(f"Reading {path.name} ({n_cases * n_dims * steps:,} values)", n_cases * n_dims * steps * BYTES_PER_VALUE,
                 budget_bytes)
    flat = _parse_values(path, bodies, steps, n_dims, numbers, layout)
    files.report_progress(progress, 0.7)
    files.check_cancelled(path, cancelled)

    def locate(i: int) -> str:
        case, rest = divmod(i, n_dims * steps)
        dim, step = divmod(rest, steps)
        return f"line {numbers[case]}, " + (f"dimension {dim}, " if layout.relational is not None else "") + f"value {step + 1}"

    check_float32_range(flat, path, locate)
    infinite = np.isinf(flat)
    if infinite.any():
        raise LoadError(path, "has an infinite value", where=locate(int(np.argmax(infinite))), hint="Use finite numbers ('?' for missing)")
    values, lengths = _ragged(path, flat.reshape(n_cases, n_dims, steps), numbers, notes)

    labels = _labels(path, layout, raw_labels, numbers, guesses) if layout.label is not None else None
    if relation:
        guesses.append(Guess("problem", relation, "the file's @relation", None))
    feature_names = tuple(f"dim_{d}" for d in range(n_dims))
    effective = replace(options, format="arff", encoding=options.encoding or decoded.encoding)  # recorded for scripts
    source = SourceInfo(str(path), "arff", effective.to_dict(), tuple(guesses), tuple(notes))
    return SequenceDataset(values, lengths, feature_names, source, labels, "sequences").validate()


def _check_dimensions(path: Path, dims_per_case: list[int], numbers: list[int]) -> int:
    counts = np.asarray(dims_per_case, dtype=np.int64)
    wrong = counts != counts[0]
    if wrong.any():
        index = int(np.argmax(wrong))
        raise LoadError(path, f"this case has {int(counts[index])} dimensions but the first case has {int(counts[0])}",
                        where=f"line {numbers[index]}", hint="Give every case the same number of '\\n'-separated dimensions")
    return int(counts[0])


def _parse_values(path: Path, bodies: list[str], steps: int, n_dims: int, numbers: list[int], layout: _Layout) -> np.ndarray:
    """Every value as float64, ``(cases * dims * steps,)``, with ``?`` as NaN; located errors."""
    counts = np.fromiter((body.count(",") + 1 for body in bodies), dtype=np.int64, count=len(bodies))
    wrong = counts != steps
    if wrong.any():
        index = int(np.argmax(wrong))
        case, dim = divmod(index, n_dims)
        where = f"line {numbers[case]}" + (f", dimension {dim}" if layout.relational is not None else "")
        declared = (f"the relational attribute '{layout.relational.name}' declares {steps}" if layout.relational is not None
                    else f"the header declares {steps} numeric attributes")
        raise LoadError(path, f"this case has {int(counts[index])} values but {declared}", where=where,
                        hint="Write one value per declared time step ('?' for a missing one)")
    flat = parse_floats(",".join(bodies), len(bodies) * steps)
    if flat is None:
        _raise_bad_value(path, bodies, n_dims, numbers, layout)
        raise LoadError(path, "has values that cannot be read as numbers", hint="Use numbers separated by ',' ('?' for missing)")
    return flat


def _raise_bad_value(path: Path, bodies: list[str], n_dims: int, numbers: list[int], layout: _Layout) -> None:
    """Name the first value that is not a number (only runs when the fast parse failed)."""
    for index, body in enumerate(bodies):
        bad = first_bad_value(body)
        if bad is not None:
            step, problem = bad
            case, dim = divmod(index, n_dims)
            where = f"line {numbers[case]}, " + (f"dimension {dim}, " if layout.relational is not None else "") + f"value {step + 1}"
            raise LoadError(path, problem, where=where, hint=BAD_VALUE_HINT)


def _ragged(path: Path, dense: np.ndarray, numbers: list[int], notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(cases, dims, steps)`` with trailing NaN → flat step-major values and per-case lengths."""
    n_cases, n_dims, steps = dense.shape
    present = ~np.isnan(dense).all(axis=1)  # (cases, steps): a step exists when any dimension has a value
    last = steps - np.argmax(present[:, ::-1], axis=1)
    lengths = np.where(present.any(axis=1), last, 0).astype(np.int64)
    empty = lengths == 0
    if empty.any():
        index = int(np.argmax(empty))
        raise LoadError(path, "this case has no values (every value is '?')", where=f"line {numbers[index]}",
                        hint="Remove the empty case or fill in its values")
    keep = np.arange(steps)[None, :] < lengths[:, None]  # (cases, steps)
    values = dense.transpose(0, 2, 1)[keep].astype(np.float32)  # (total steps, dims), one case after another
    inside = int(np.count_nonzero(np.isnan(values)))
    if inside:
        notes.append(f"{inside:,} missing value{'s' if inside > 1 else ''} ('?') inside sequences became NaN; "
                     "fill them before training")
    return values, lengths


def _labels(path: Path, layout: _Layout, raw: list[str], numbers: list[int], guesses: list[Guess]) -> Labels:
    label = layout.label
    assert label is not None
    locate = lambda i: f"line {numbers[i]}"  # noqa: E731
    values = np.array(["" if text == "?" else text for text in raw], dtype=str)
    if label.kind == "numeric":
        return encode_labels(values, label.name, path, locate, task="regression", what="target", container="attribute")
    classes = label.values if label.kind == "nominal" else None
    return encode_labels(values, label.name, path, locate, classes=classes, what="class", container="attribute",
                         guesses=guesses)
