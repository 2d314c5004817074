"""Small wording rules for messages and reports, shared by the command line and the window."""

from __future__ import annotations

import re


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``"1 feature"``, ``"12 features"``: a count with its noun in the right number."""
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (terminal escapes such as ESC in a
    file name or a label) and unpaired surrogates are shown as ``\\x1b``-style escapes; newlines
    and tabs are kept."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape", "backslashreplace").decode("ascii")
                        if not 0xD800 <= ord(match.group()) <= 0xDFFF else f"\\u{ord(match.group()):04x}", text)
