"""Rules about numbers that every reader shares (one home, so formats cannot drift apart).

:func:`check_float32_range`: values beyond float32's range are refused with their location.
Keras computes in float32, so such a value would silently become ``inf``; CSV, JSON, NumPy,
``.ts``, ARFF and ``.tsf`` readers all call this one function.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.errors import LoadError

FLOAT32_MAX = float(np.finfo(np.float32).max)
_CHUNK = 1 << 20  # elements per block, so a memory-mapped array is never copied whole


def number_text(value: float) -> str:
    """``3.0`` → ``'3'``, ``1e39`` → ``'1e+39'``: a number as a person would write it."""
    if np.isfinite(value) and value == int(value) and abs(value) < 2**63:
        return str(int(value))
    return repr(float(value))


def check_float32_range(values: np.ndarray, path: Path, locate: Callable[[int], str], what: str = "a value") -> None:
    """Refuse finite values beyond float32's range (casting would make them ``inf``), naming the first.

    The one rule for every reader. ``values`` is any numeric array (a memory map is read in
    blocks, never copied whole); ``locate(i)`` names flat index ``i`` in C order. NaN and
    infinities are left to each reader's missing-value rule.
    """
    array = np.asarray(values)
    if array.dtype.kind != "f" or array.dtype.itemsize <= 4 or array.size == 0:
        return
    flat = array.reshape(-1)
    for start in range(0, flat.shape[0], _CHUNK):
        block = flat[start:start + _CHUNK]
        with np.errstate(invalid="ignore"):
            beyond = np.abs(block) > FLOAT32_MAX
            beyond &= np.isfinite(block)
        if beyond.any():
            index = start + int(np.argmax(beyond))
            raise LoadError(path, f"has {what} too large for 32-bit floats ({number_text(float(flat[index]))})",
                            where=locate(index),
                            hint="Rescale the data (for example divide by a power of ten) so it fits float32, Keras' float type")


def parse_floats(text: str, count: int, missing: str = "?") -> np.ndarray | None:
    """``count`` comma-separated numbers → float64 (``missing`` → NaN), or None when the text is
    not exactly that many numbers (the caller then locates the culprit and explains).

    Uses pandas' C parser on one value per line, several times faster than ``np.fromstring``
    (which also warns instead of failing on a bad value).
    """
    if count == 0:
        return np.zeros(0, dtype=np.float64)
    import io
    import warnings

    import pandas as pd

    data = text.replace(",", "\n").encode("utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_csv(io.BytesIO(data), header=None, names=["v"], dtype=np.float64, engine="c",
                                keep_default_na=False, na_values=[missing], skip_blank_lines=False, quoting=3)
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    values = frame["v"].to_numpy(dtype=np.float64)
    return values if values.shape[0] == count else None


_DIGITS = re.compile(r"\d")
BAD_VALUE_HINT = "Write numbers separated by ',' ('?' for a missing value)"


def first_bad_value(body: str) -> tuple[int, str] | None:
    """The first value of an ARFF/TSF data line (comma-separated) that is not a number, as
    ``(index, problem)``, or None. ``?`` is the missing value; ``nan``/``inf`` spelled out are not
    numbers in these formats."""
    for step, token in enumerate(body.split(",")):
        text = token.strip()
        if text == "?":
            continue
        try:
            if not math.isfinite(float(text)) and not _DIGITS.search(text):
                raise ValueError(text)
        except ValueError:
            shown = text if len(text) <= 20 else text[:17] + "..."
            return step, "a value is empty" if not text else f"{shown!r} is not a number"
    return None
