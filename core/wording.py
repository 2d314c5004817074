"""Small wording rules for messages and reports, shared by the command line and the window.

One home for each: counts with their nouns (:func:`plural`), sizes (:func:`format_bytes`), the
shape headline (:func:`shape_text`), values made JSON-safe (:func:`json_safe`) and text made
safe inside rich-text labels (:func:`escape_html`) or on a terminal (:func:`printable`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``"1 feature"``, ``"12 features"``: a count with its noun in the right number."""
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"


def format_bytes(count: float) -> str:
    """Human-readable size: ``1536`` → ``'1.5 KiB'``."""
    count = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(count) < 1024 or unit == "TiB":
            return f"{int(count)} bytes" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} TiB"


def shape_text(shape: Sequence[int]) -> str:
    """The shape headline: ``(270 samples, 26 timesteps, 12 features) → input_shape=(26, 12)``.

    A 2-D shape is token ids: ``(300 samples, 16 timesteps) token ids → input_shape=(16,)``.
    """
    n, t = int(shape[0]), int(shape[1])
    if len(shape) == 2:
        return f"({plural(n, 'sample')}, {plural(t, 'timestep')}) token ids → input_shape=({t},)"
    f = int(shape[2])
    return f"({plural(n, 'sample')}, {plural(t, 'timestep')}, {plural(f, 'feature')}) → input_shape=({t}, {f})"


def json_safe(value: Any) -> Any:
    """Plain JSON values: non-finite floats become ``None``, tuples lists, numpy scalars Python."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (int, str, bool)):
        return value
    return str(value)


def escape_html(text: Any) -> str:
    """``text`` shown literally in a Qt rich-text label: a column ``a<b`` or the token ``<unk>``
    stays visible instead of being taken for a tag."""
    return html.escape(str(text), quote=False)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (terminal escapes such as ESC in a
    file name or a label) and unpaired surrogates are shown as ``\\x1b``-style escapes; newlines
    and tabs are kept."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape", "backslashreplace").decode("ascii")
                        if not 0xD800 <= ord(match.group()) <= 0xDFFF else f"\\u{ord(match.group()):04x}", text)
