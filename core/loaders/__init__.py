"""Readers that turn a user's file into a :class:`core.dataset.SequenceDataset`.

``load(path, options)`` picks the reader from ``options.format`` or detects it from the
extension and content, and every reader reports what it guessed (``dataset.source.guesses``).
Readers raise only :class:`core.errors.LoadError` (or :class:`MemoryBudgetError`) for bad
input, never modify the file, and refuse FIFOs, devices and directories before reading.
"""

from __future__ import annotations

from core.loaders.dispatch import detect_format, load

__all__ = ["detect_format", "load"]
