"""Read the Monash forecasting repository's ``.tsf`` format.

A ``.tsf`` file is a header of ``@relation``, ``@attribute name type`` (``string``,
``numeric`` or ``date``: the fields before the values on every data line), ``@frequency``,
``@horizon``, ``@missing true|false`` and ``@equallength true|false`` lines (``#`` starts a
comment), then ``@data`` and one series per line::

    T1:1979-01-01 00-00-00:25092.2,24271.5,25828.9

the attribute values separated by ``:`` and then the series' values separated by ``,``
(``?`` for a missing value). Each series becomes one sequence of one feature (``value``),
named by its first string attribute; a file of exactly one series is read as one long series
(``kind="series"``) to be cut into windows. ``@horizon`` and ``@frequency`` are reported as
guesses. Header flags are checked against the data: ``?`` under ``@missing false`` or unequal
lengths under ``@equallength true`` name the line, as do values that are not numbers or that
float32 cannot hold.

Speed: all values are parsed by one call of :func:`core.loaders.numbers.parse_floats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core.budget import check_budget
from core.dataset import Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.numbers import BAD_VALUE_HINT, check_float32_range, first_bad_value, parse_floats
from core.options import LoadOptions

TEXT_BYTES_PER_FILE_BYTE = 3
BYTES_PER_VALUE = 16  # float64 parse + float32 copy
_ATTRIBUTE_TYPES = ("string", "numeric", "date")
_BOOLEAN_TAGS = ("missing", "equallength")



@dataclass
class _Header:
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (name, type)
    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    data_line: int = 0

    def flag(self, tag: str) -> str:
        names = {"missing": "@missing", "equallength": "@equallength"}
        value = self.values[tag]
        return f"{names.get(tag, '@' + tag)} {str(value).lower()} (line {self.lines[tag]})"


def _parse_header(lines: list[str], path: Path) -> _Header:
    header = _Header()
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        number = index + 1
        if not line.startswith("@"):
            raise LoadError(path, "this line looks like a series, but no @data line came before it", where=f"line {number}",
                            hint="End the header with a line '@data' before the first series")
        written, _, rest = line[1:].partition(" ")
        tag, rest = written.lower(), rest.strip()
        if tag == "data":
            header.data_line = index
            return header
        if tag == "attribute":
            words = rest.split()
            if len(words) != 2 or words[1].lower() not in _ATTRIBUTE_TYPES:
                raise LoadError(path, f"this @attribute line should be '@attribute name type' with a type of "
                                f"{', '.join(_ATTRIBUTE_TYPES)}, not {rest!r}", where=f"line {number}")
            header.attributes.append((words[0], words[1].lower()))
            continue
        header.lines[tag] = number
        if tag in _BOOLEAN_TAGS:
            if rest.lower() not in ("true", "false"):
                raise LoadError(path, f"@{written} must be followed by true or false, not {rest or 'nothing'!r}",
                                where=f"line {number}")
            header.values[tag] = rest.lower() == "true"
        elif tag == "horizon":
            if not rest.isdigit() or int(rest) < 1:
                raise LoadError(path, f"@horizon must be followed by a positive whole number, not {rest or 'nothing'!r}",
                                where=f"line {number}")
            header.values[tag] = int(rest)
        else:  # @relation, @frequency and tags of later versions: kept as text
            header.values[tag] = rest
    raise LoadError(path, "has no @data line, so the series cannot be found",
                    hint="A .tsf file needs its header to end with a line '@data' before the series")


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a Monash ``.tsf`` file: one sequence per series (one long series when there is one)."""
    path = Path(path)
    decoded = files.read_text(path, options.encoding, budget_bytes, factor=TEXT_BYTES_PER_FILE_BYTE, kind="a .tsf file")
    guesses: list[Guess] = [decoded.guess] if decoded.guess else []
    notes: list[str] = []
    lines = decoded.text.splitlines()
    header = _parse_header(lines, path)
    files.check_cancelled(path, cancelled)

    n_fields = len(header.attributes)
    numbers: list[int] = []
    bodies: list[str] = []
    names: list[str] = []
    strings = [i for i, (_, kind) in enumerate(header.attributes) if kind == "string"]
    named = [i for i in strings if header.attributes[i][0].lower() == "series_name"]
    candidates = named or strings
    name_index = candidates[0] if candidates else None
    for index in range(header.data_line + 1, len(lines)):
        text = lines[index].strip()
        if not text or text.startswith("#"):
            continue
        number = index + 1
        parts = text.split(":", n_fields)
        if len(parts) != n_fields + 1:
            declared = ", ".join(name for name, _ in header.attributes)
            raise LoadError(path, f"this series has {len(parts) - 1} ':'-separated fields before its values but the header "
                            f"declares {n_fields} ({declared})", where=f"line {number}",
                            hint="Write each series as attribute values separated by ':', then its values")
        body = parts[-1].strip()
        if not body:
            raise LoadError(path, "this series has no values", where=f"line {number}", hint="Write the values after the last ':'")
        numbers.append(number)
        bodies.append(body)
        names.append(parts[name_index].strip() if name_index is not None else f"series {len(names) + 1}")
    if not bodies:
        raise LoadError(path, "has no series after @data", where=f"line {header.data_line + 1}",
                        hint="Add one series per line after @data")

    lengths = np.fromiter((body.count(",") + 1 for body in bodies), dtype=np.int64, count=len(bodies))
    if header.values.get("equallength"):
        differs = lengths != lengths[0]
        if differs.any():
            index = int(np.argmax(differs))
            raise LoadError(path, f"this series has {int(lengths[index])} values, the first has {int(lengths[0])}, but the "
                            f"header says {header.flag('equallength')}", where=f"line {numbers[index]}",
                            hint="Set @equallength false for series of different lengths")
    total = int(lengths.sum())
    check_budget(f"Reading {path.name} ({total:,} values)", total * BYTES_PER_VALUE, budget_bytes)
    files.report_progress(progress, 0.3)

    joined = ",".join(bodies)
    missing = joined.count("?")
    if missing and header.values.get("missing") is False:
        index = next(i for i, body in enumerate(bodies) if "?" in body)
        raise LoadError(path, f"this series has a missing value '?' but the header says {header.flag('missing')}",
                        where=f"line {numbers[index]}", hint="Set @missing true, or fill in the missing values")
    flat = parse_floats(joined, total)
    if flat is None:
        _raise_bad_value(path, bodies, numbers)
        raise LoadError(path, "has values that cannot be read as numbers", hint="Use numbers separated by ',' ('?' for missing)")
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))

    def locate(i: int) -> str:
        series = int(np.searchsorted(starts, i, side="right")) - 1
        return f"line {numbers[series]}, value {i - int(starts[series]) + 1}"

    check_float32_range(flat, path, locate)
    infinite = np.isinf(flat)
    if infinite.any():
        raise LoadError(path, "has an infinite value", where=locate(int(np.argmax(infinite))),
                        hint="Use finite numbers ('?' for a missing one)")
    nan_count = int(np.count_nonzero(np.isnan(flat)))
    if nan_count:
        notes.append(f"{nan_count:,} missing value{'s' if nan_count > 1 else ''} ('?') became NaN; fill them before training")
    files.report_progress(progress, 0.7)

    relation = header.values.get("relation")
    if relation:
        guesses.append(Guess("problem", relation, "the file's @relation", None))
    if "frequency" in header.values:
        guesses.append(Guess("frequency", header.values["frequency"], "the file's @frequency", None))
    if "horizon" in header.values:
        guesses.append(Guess("horizon", header.values["horizon"],
                             f"the file's @horizon: forecasts {header.values['horizon']} steps ahead are expected", "horizon"))
    values = flat.astype(np.float32).reshape(-1, 1)
    effective = replace(options, format="tsf", encoding=options.encoding or decoded.encoding).to_dict()  # recorded for scripts
    if len(bodies) == 1:
        notes.append(f"the file holds one series ({names[0]}), read as one long series to cut into windows")
        source = SourceInfo(str(path), "tsf", effective, tuple(guesses), tuple(notes))
        return SequenceDataset(values, lengths, ("value",), source, None, "series").validate()
    source = SourceInfo(str(path), "tsf", effective, tuple(guesses), tuple(notes))
    return SequenceDataset(values, lengths, ("value",), source, None, "sequences", sample_ids=tuple(names)).validate()


def _raise_bad_value(path: Path, bodies: list[str], numbers: list[int]) -> None:
    for body, number in zip(bodies, numbers):
        bad = first_bad_value(body)
        if bad is not None:
            step, problem = bad
            raise LoadError(path, problem, where=f"line {number}, value {step + 1}", hint=BAD_VALUE_HINT)
