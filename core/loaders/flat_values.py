"""Flat float32 values built chunk by chunk, and numpy views of Arrow's buffers.

Shared by the streamed readers (JSON Lines, ``.ts``, the streamed shape report): the values of
a file go straight into one allocation (:class:`GrowingValues`), and Arrow's columns are read
as numpy arrays without pandas or a copy (:func:`float64_values`, :func:`list_offsets`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.budget import check_budget


def list_offsets(array) -> np.ndarray:
    """The int32 offsets of a (possibly sliced) Arrow list array, without pandas or a copy."""
    return np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)


def float64_values(array) -> np.ndarray:
    """The values of a (possibly sliced) Arrow float64 array, without pandas or a copy."""
    return np.frombuffer(array.buffers()[1], dtype=np.float64, count=len(array), offset=array.offset * 8)


class GrowingValues:
    """The flat float32 values, written chunk by chunk into one allocation.

    The allocation is an upper bound (a JSON number takes at least two bytes, so there are at
    most ``file size / 2`` values); pages never written are never touched, so they cost
    address space, not memory. :meth:`finish` shrinks it in place (``realloc``), so there is
    neither a list of chunks nor a concatenated copy of them at any time.
    """

    def __init__(self, path: Path, budget_bytes: int) -> None:
        self.path = path
        self.budget_bytes = budget_bytes
        self.capacity = max(16, os.path.getsize(path) // 2)
        self.buffer: np.ndarray | None = None
        self.rows = 0
        self.width = 0

    def reset(self) -> None:
        self.buffer, self.rows, self.width = None, 0, 0

    def add(self, values: np.ndarray) -> None:
        if values.size == 0:
            return
        if self.buffer is None:
            self.width = values.shape[1]
            self.buffer = np.empty((self.capacity // self.width + 1, self.width), dtype=np.float32)
        end = self.rows + values.shape[0]
        check_budget(f"Reading {self.path.name} ({end * self.width:,} values so far)", end * self.width * 4, self.budget_bytes)
        self.buffer[self.rows:end] = values  # float64 → float32 in place: no temporary
        self.rows = end

    def finish(self) -> np.ndarray | None:
        if self.buffer is None:
            return None
        buffer, self.buffer = self.buffer, None
        buffer.resize((self.rows, self.width), refcheck=False)  # shrinks in place (mremap), no copy
        return buffer
