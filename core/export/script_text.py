"""How what the user controls is written into an exported script, and the one error of exporting.

File and column names, class names and keys reach the script only as a Python literal written
with :func:`repr` of a plain value (:func:`literal`), or, in comments and the docstring, through
:func:`safe_text`, which leaves no line break, quote or backslash that could end the comment or
the docstring. What cannot be written correctly is refused with :class:`ExportError`.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import ShapeExplorerError


class ExportError(ShapeExplorerError):
    """The current data or model cannot be written as a script (yet)."""


def safe_text(value: object, limit: int = 200) -> str:
    """``value`` as text that is safe inside a ``#`` comment or a triple-quoted docstring.

    Backslashes, double quotes and every character that is not printable (line breaks,
    tabs, other control and separator characters) are written as escapes, so the text can
    neither end the comment or docstring nor form an escape sequence (``\\N``) there; printable
    non-ASCII text (``température``) stays readable. Long text is shortened.
    """
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape", errors="backslashreplace").decode("ascii"))
    return "".join(out)


def literal(value: object) -> str:
    """A Python literal for a name, key or list of them (``repr`` of plain str/int/float/bool/None)."""
    return repr(_plain(value))


def _plain(value: object) -> object:
    """Plain Python values, so ``repr`` never writes ``np.str_('a')`` or another type's own repr."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def names_comment(values: Iterable[object]) -> str:
    """Names for a comment: ``'a', 'b'`` escaped, at most 8 of them."""
    items = [f"'{safe_text(v, 60)}'" for v in values]
    return ", ".join(items[:8]) + (f" and {len(items) - 8} more" if len(items) > 8 else "")
