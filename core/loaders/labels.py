"""The one label encoder every reader uses: raw labels (one per sample or per step) → :class:`Labels`.

One rule, whatever the file format, so ``['1', '2', 'x', '3']`` means the same in a CSV, a
JSON file, a ``.npy`` and a ``.ts`` file:

* **Missing** labels (``None``, NaN, an empty or blank string) are refused, naming where.
  Infinite numbers are refused too.
* **Booleans** are two classes, ``False`` and ``True``.
* **Text** that reads as numbers *is* numbers (``'3'`` and ``3.0`` are the same label).
* **Numbers** that are whole and take at most :data:`MAX_CLASSES` distinct values are classes,
  ordered numerically and named as integers (``'1', '2', '10'``); other numbers are float32
  regression targets. More than :data:`MAX_CLASSES` whole numbers are read as targets and the
  decision is reported as a guess, because it is the one most often wrong.
* **Mixed** text and numbers: when the numbers alone would be classes, everything is a class,
  numbers first in numeric order, then the text in string order (``1, 2, 3, x``); when the
  numbers look like measurements (fractions, or too many values), the text cells are typos
  and the first is refused, naming where.
* A known **class order** (e.g. an ARFF ``{a,b,c}`` or ``.ts`` ``@classLabel`` list) is kept;
  a label outside it is refused.
* A **task** override (``"binary"``, ``"multiclass"``, ``"regression"``) forces the reading:
  classes from any values (binary refuses a third class), or numeric targets (text refused).

Only the wording differs per format, through ``what``/``name`` and ``locate(i)`` (which names
entry ``i``: ``"line 5"``, ``"record 3, field 'y'"``). Vectorised: the work is done on the
distinct values (``np.unique``), so a million labels cost one sort.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.dataset import Guess, Labels
from core.errors import LoadError
from core.loaders.numbers import FLOAT32_MAX, check_float32_range, number_text

__all__ = ["MAX_CLASSES", "TASKS", "check_float32_range", "encode_labels"]

MAX_CLASSES = 50  # whole-number labels with at most this many distinct values are classes
TASKS = ("binary", "multiclass", "regression")

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def encode_labels(
    raw: Any,
    name: str | None,
    path: Path,
    locate: Callable[[int], str],
    *,
    task: str | None = None,
    classes: Sequence[str] | None = None,
    guesses: list[Guess] | None = None,
    what: str = "label",
    container: str | None = None,
) -> Labels:
    """Encode one label per entry of ``raw`` (a list, numpy array or pandas Series).

    ``name`` is the label's column/field name (kept in :attr:`Labels.name`), ``locate(i)``
    names entry ``i`` in messages, ``what`` is the word for a label in this format
    ("label", "class", "target") and ``container`` what ``name`` is ("column", "field",
    "array"), so messages read "the label column 'y' is empty"; ``classes`` is a declared
    class order, ``task`` an override, and ``guesses`` (when given) receives the reason when
    many whole numbers became targets.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, not {task!r}")
    values = _as_array(raw)
    subject = f"the {what}{f' {container}' if container else ''} {name!r}" if name else f"the {what}"
    if values.size == 0:
        return Labels(np.zeros(0, dtype=np.int64), "binary", (), name)

    if values.dtype == np.bool_:
        uniques, codes = np.unique(values, return_inverse=True)
        return _finish(codes, [str(bool(u)) for u in uniques], name, task, classes, path, locate, subject)

    if values.dtype.kind in "iuf":
        numbers = values.astype(np.float64, copy=False)
        return _from_numbers(numbers, name, path, locate, task, classes, guesses, subject)

    # Text (or mixed Python objects): work on the distinct strings only.
    text = _as_text(values)
    uniques, codes = np.unique(text, return_inverse=True)
    codes = codes.reshape(-1)
    stripped = [u.strip() for u in uniques.tolist()]
    blank = np.fromiter((not s for s in stripped), dtype=bool, count=len(stripped))
    if blank.any():
        index = int(np.argmax(blank[codes]))
        raise LoadError(path, f"{subject} is empty", where=locate(index),
                        hint=f"Give every sample a {what}, or remove the samples without one")
    parsed = np.array([float(s) if _NUMBER.fullmatch(s) else np.nan for s in stripped], dtype=np.float64)
    numeric = ~np.isnan(parsed)
    if numeric.all() and classes is None:
        return _from_numbers(parsed[codes], name, path, locate, task, classes, guesses, subject)
    if task == "regression":
        index = int(np.argmax(~numeric[codes]))
        raise LoadError(path, f"{_show(stripped[int(codes[index])])} in {subject} is not a number, but the task is regression",
                        where=locate(index), hint=f"Give a numeric {what}, or read the {what}s as classes")
    if numeric.any() and not numeric.all() and classes is None and task is None:
        numbers = parsed[numeric]
        whole = np.isfinite(numbers).all() and bool(np.all(numbers == np.round(numbers)))
        if not whole or len(np.unique(numbers)) > MAX_CLASSES:
            index = int(np.argmax(~numeric[codes]))
            raise LoadError(path, f"{_show(stripped[int(codes[index])])} is not a number like the other {what}s"
                            f"{f' in {name!r}' if name else ''}", where=locate(index), hint=f"Fix that {what}")
    # Classes: merge spellings of the same number ('1', '1.0', ' 1'), numbers first in numeric order.
    keys = [(0, float(parsed[i]), "") if numeric[i] else (1, 0.0, stripped[i]) for i in range(len(stripped))]
    distinct = sorted(set(keys))
    position = {key: rank for rank, key in enumerate(distinct)}
    remap = np.fromiter((position[key] for key in keys), dtype=np.int64, count=len(keys))
    names = [number_text(value) if kind == 0 else word for kind, value, word in distinct]
    return _finish(remap[codes], names, name, task, classes, path, locate, subject)


def _from_numbers(numbers: np.ndarray, name, path, locate, task, classes, guesses, subject) -> Labels:
    numbers = numbers.reshape(-1)
    bad = ~np.isfinite(numbers)
    if bad.any():
        index = int(np.argmax(bad))
        problem = f"{subject} is missing (NaN)" if np.isnan(numbers[index]) else f"{subject} is infinite"
        raise LoadError(path, problem, where=locate(index), hint="Give every sample a finite label, or remove the samples without one")
    if task == "regression" or (task is None and classes is None and not _could_be_classes(numbers, guesses, subject)):
        too_big = np.abs(numbers) > FLOAT32_MAX
        if too_big.any():
            index = int(np.argmax(too_big))
            raise LoadError(path, f"{subject} {number_text(float(numbers[index]))} is too large for 32-bit floats",
                            where=locate(index), hint="Rescale the targets")
        return Labels(numbers.astype(np.float32), "regression", None, name)
    uniques, codes = np.unique(numbers, return_inverse=True)
    return _finish(codes.reshape(-1), [number_text(float(u)) for u in uniques], name, task, classes, path, locate, subject)


def _could_be_classes(numbers: np.ndarray, guesses: list[Guess] | None, subject: str) -> bool:
    uniques = np.unique(numbers)
    if not bool(np.all(uniques == np.round(uniques))):
        return False
    if len(uniques) <= MAX_CLASSES:
        return True
    if guesses is not None:
        guesses.append(Guess("task", "regression",
                             f"{subject} takes {len(uniques):,} different whole numbers, more than {MAX_CLASSES}, "
                             "so they are read as regression targets, not classes", "task"))
    return False


def _finish(codes: np.ndarray, names: list[str], name, task, classes, path, locate, subject) -> Labels:
    """Apply a declared class order and the task override to classes ``names`` (indexed by ``codes``)."""
    codes = np.asarray(codes, dtype=np.int64).reshape(-1)
    if classes is not None:
        declared = [str(c) for c in classes]
        lookup = {c: i for i, c in enumerate(declared)}
        # A declared class may be written "1" while the data says "1.0": match numbers by value too.
        by_value = {}
        for i, c in enumerate(declared):
            if _NUMBER.fullmatch(c.strip()):
                by_value.setdefault(float(c), i)
        remap = np.empty(len(names), dtype=np.int64)
        for i, label in enumerate(names):
            index = lookup.get(label)
            if index is None and _NUMBER.fullmatch(label):
                index = by_value.get(float(label))
            remap[i] = -1 if index is None else index
        unknown = remap[codes] < 0
        if unknown.any():
            index = int(np.argmax(unknown))
            listed = ", ".join(declared) if len(declared) <= 20 else ", ".join(declared[:20]) + ", …"
            raise LoadError(path, f"{_show(names[int(codes[index])])} in {subject} is not one of the declared classes ({listed})",
                            where=locate(index), hint="Add it to the class list, or correct the label")
        codes, names = remap[codes], declared
    if task == "binary" and len(names) > 2:
        counts = np.bincount(codes, minlength=len(names))
        present = [n for n, c in zip(names, counts) if c]
        if len(present) > 2:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise LoadError(path, f"{subject} has {len(present)} classes ({shown}), but the task is binary",
                            where=locate(int(np.argmax(codes == names.index(present[2])))),
                            hint="Choose multiclass, or keep two classes")
    kind = "binary" if len(names) <= 2 and task != "multiclass" else "multiclass"
    return Labels(codes, kind, tuple(names), name)


def _as_array(raw: Any) -> np.ndarray:
    to_numpy = getattr(raw, "to_numpy", None)
    if to_numpy is not None:  # a pandas Series: nullable dtypes become object arrays with None/NaN
        raw = to_numpy()
    values = np.asarray(raw)
    if values.dtype.kind == "S":  # bytes: decode leniently rather than fail on non-ASCII names
        values = np.char.decode(values, "utf-8", errors="replace")
    if values.dtype == object and values.size:
        kinds = {type(v) for v in values.reshape(-1).tolist()}
        if kinds <= {bool, np.bool_}:
            return values.astype(bool)
        if kinds <= {int, float, np.int64, np.float64, np.float32, np.int32} and bool not in kinds:
            return values.astype(np.float64)
    return values.reshape(-1) if values.ndim != 1 else values


def _as_text(values: np.ndarray) -> np.ndarray:
    """Strings for text or mixed objects; missing entries (None, NaN) become '' (refused as missing)."""
    if values.dtype.kind == "U":
        return values
    out = []
    for value in values.tolist():
        if value is None or (isinstance(value, float) and value != value):
            out.append("")
        elif isinstance(value, float) and value.is_integer():
            out.append(str(int(value)))
        else:
            out.append(str(value))
    return np.array(out, dtype=str)


def _show(text: str) -> str:
    if len(text) > 1000:
        return f"a huge value of {len(text):,} characters"
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"the value '{shown}'"
