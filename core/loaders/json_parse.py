"""JSON text → Python values, with the guards every JSON reader needs.

``NaN``/``Infinity`` literals (not JSON) and absurdly long numbers are refused with the line
they are on, deep nesting becomes a clear error instead of a ``RecursionError``, and every
failure is a located :class:`~core.errors.LoadError`. The cyclic garbage collector is paused
while millions of lists are made. Used by the whole-file reader (:mod:`core.loaders.json_records`)
and the streamed JSON Lines reader (:mod:`core.loaders.json_lines`).
"""

from __future__ import annotations

import gc
import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import LoadError
from core.loaders import files

MAX_NUMBER_CHARS = 100  # longer number literals are refused (Python's int() stops at 4300 digits)


class NonFiniteLiteral(Exception):
    """A ``NaN`` or ``Infinity`` literal: Python's JSON accepts them, JSON does not."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


class NumberTooLong(Exception):
    """A number literal longer than :data:`MAX_NUMBER_CHARS`."""


def _reject_constant(literal: str) -> float:
    raise NonFiniteLiteral(literal)


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTooLong(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTooLong(text)
    return float(text)


DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float)
_CONSTANT_PATTERN = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")
_LONG_NUMBER_PATTERN = re.compile(rf"-?\d[\d.eE+-]{{{MAX_NUMBER_CHARS},}}")


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    found = pattern.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


@contextmanager
def no_cyclic_gc():
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


def parse_json(text: str, path: Path, line: int | None = None) -> Any:
    """``json.loads`` with the guards, turning every failure into a located :class:`LoadError`."""
    try:
        with no_cyclic_gc():
            return DECODER.decode(text)
    except NonFiniteLiteral as error:
        where = f"line {line}" if line is not None else _where_line(_line_of(text, _CONSTANT_PATTERN))
        raise LoadError(path, f"{error.literal} is not valid JSON", where=where,
                        hint="Write null or remove the step (NaN and Infinity are not part of JSON)") from None
    except NumberTooLong as error:
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


def parse_lines(texts: list[str], numbers: list[int], path: Path, cancelled=None) -> list[Any]:
    """Parse JSON Lines (``texts``, the non-blank lines, on lines ``numbers``) in one ``json.loads``
    call; re-parse line by line only to locate an error."""
    try:
        with no_cyclic_gc():
            records = DECODER.decode("[" + ",".join(texts) + "]")
        if len(records) == len(texts):
            return records
    except (ValueError, NonFiniteLiteral, NumberTooLong, RecursionError):
        pass
    for index, (number, line) in enumerate(zip(numbers, texts)):
        if index % 4096 == 0:
            files.check_cancelled(path, cancelled)
        parse_json(line, path, line=number)
    raise LoadError(path, "could not be read as JSON Lines", hint="Write exactly one JSON value per line")
