"""Memory budget: every large allocation is estimated and checked before it happens."""

from __future__ import annotations

import os

_GIB = 1024**3


def _total_memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * _GIB


def default_budget_bytes() -> int:
    """A quarter of physical memory, overridable with ``SHAPE_EXPLORER_MEMORY_BUDGET`` (bytes)."""
    override = os.environ.get("SHAPE_EXPLORER_MEMORY_BUDGET")
    if override:
        try:
            return max(1, int(float(override)))
        except ValueError:
            pass
    return _total_memory_bytes() // 4


def check_budget(what: str, needed_bytes: int, budget_bytes: int | None = None) -> None:
    """Raise :class:`core.errors.MemoryBudgetError` when ``needed_bytes`` exceeds the budget."""
    from core.errors import MemoryBudgetError

    budget = default_budget_bytes() if budget_bytes is None else budget_bytes
    if needed_bytes > budget:
        raise MemoryBudgetError(what, needed_bytes, budget)
