"""The errors Shape Explorer shows to people.

Every error raised on purpose by ``core`` derives from :class:`ShapeExplorerError` and
renders as one plain sentence (``str(error)``) that names the file and the line, column,
record or field when they are known, and says what to do. Anything else that escapes is a
bug: front ends log its traceback and show a generic sentence instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ShapeExplorerError(Exception):
    """Base class of every error meant to be read by a user."""


@dataclass(eq=False)
class LoadError(ShapeExplorerError):
    """A file cannot be read as sequences.

    ``where`` is a short location such as ``"line 12"``, ``"record 3"`` or ``"column 'x'"``;
    ``hint`` says what to do about it.
    """

    path: str | Path | None
    problem: str
    where: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        name = Path(self.path).name if self.path else "the input"
        location = f"{name}, {self.where}" if self.where else name
        sentence = f"{location}: {self.problem.rstrip('.')}."
        if self.hint:
            sentence += f" {self.hint.rstrip('.')}."
        return sentence


class LoadCancelled(ShapeExplorerError):
    """Loading was stopped because the caller's ``cancelled()`` callback returned True."""

    def __init__(self, path: str | Path | None = None) -> None:
        name = Path(path).name if path else "the file"
        super().__init__(f"Loading {name} was cancelled.")


class ShapingError(ShapeExplorerError):
    """Padding, truncation or windowing options that cannot produce a tensor."""


class MemoryBudgetError(ShapeExplorerError):
    """An allocation would exceed the memory budget; raised before allocating."""

    def __init__(self, what: str, needed_bytes: int, budget_bytes: int) -> None:
        from core.wording import format_bytes

        self.needed_bytes = int(needed_bytes)
        self.budget_bytes = int(budget_bytes)
        super().__init__(
            f"{what} would need {format_bytes(needed_bytes)}, more than the memory budget of "
            f"{format_bytes(budget_bytes)}. Use a smaller maxlen or window, fewer samples, or "
            f"raise the budget with --memory-budget."
        )


class ModelSpecError(ShapeExplorerError):
    """A model specification that Keras could not build or that cannot fit the data."""


class TrainingError(ShapeExplorerError):
    """Training cannot start or could not finish; the message says why in plain words."""


class SessionError(ShapeExplorerError):
    """A session file that is malformed, from a newer version, or cannot be written."""
