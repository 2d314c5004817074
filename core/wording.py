"""Small wording rules for messages and reports, shared by the command line and the window."""

from __future__ import annotations


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``"1 feature"``, ``"12 features"``: a count with its noun in the right number."""
    return f"{count:,} {word if count == 1 else (plural_word or word + 's')}"
