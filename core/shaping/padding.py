"""Padding and truncation of ragged sequences, vectorised from flat values plus lengths.

:func:`pad` gives exactly what ``keras.utils.pad_sequences`` gives for the same arguments,
without a Python loop over sequences: it builds one boolean mask of the output's real
cells and one of the kept source steps (both with ``np.repeat``/table look-ups, no
per-sequence work) and copies every kept step in a single boolean scatter into an
``np.full`` output. Rows of F features are copied as single opaque items (a ``void`` view),
which makes the scatter as cheap for ``(N, T, F)`` as for ``(N, T)``.

One deliberate difference from Keras: ``dtype=None`` (our default) keeps the data's own
dtype, so float features stay float. Keras defaults to ``int32`` and silently truncates
floats (``0.7`` becomes ``0``).
"""

from __future__ import annotations

import numbers

import numpy as np

from core.budget import check_budget
from core.errors import ShapingError
from core.wording import format_bytes

PADDING_SIDES = ("pre", "post")

# Row masks come from a (maxlen + 1, maxlen) look-up table while it stays this small.
_TABLE_LIMIT_BYTES = 8 * 1024 * 1024


def padded_lengths(lengths: np.ndarray, maxlen: int | None) -> np.ndarray:
    """Each sequence's length after truncation to ``maxlen`` (``None`` keeps every length)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if maxlen is None:
        return lengths.copy()
    return np.minimum(lengths, int(maxlen))


def padded_nbytes(n_samples: int, maxlen: int, feature_shape: tuple[int, ...], dtype: np.dtype | str) -> int:
    """Bytes the padded ``(n_samples, maxlen, *feature_shape)`` array takes."""
    cells = int(n_samples) * int(maxlen)
    for size in feature_shape:
        cells *= int(size)
    return cells * np.dtype(dtype).itemsize


def resolve_maxlen(lengths: np.ndarray, maxlen: int | float | None) -> int:
    """``maxlen`` checked in plain words, or the longest length when it is ``None``."""
    if maxlen is None:
        return int(lengths.max()) if lengths.size else 0
    if isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral):
        if isinstance(maxlen, float) and maxlen.is_integer():
            maxlen = int(maxlen)
        else:
            raise ShapingError(f"maxlen must be a whole number of timesteps, not {maxlen!r}.")
    if maxlen <= 0:
        raise ShapingError(
            f"maxlen must be at least 1 timestep, not {maxlen}; leave it empty to pad to the longest sequence."
        )
    return int(maxlen)


def pad(
    values: np.ndarray,
    lengths: np.ndarray,
    maxlen: int | None = None,
    padding: str = "post",
    truncating: str = "post",
    value: float = 0.0,
    dtype: np.dtype | str | type | None = None,
    *,
    budget_bytes: int | None = None,
) -> np.ndarray:
    """Pad/truncate N ragged sequences stored flat into one ``(N, maxlen, F)`` array.

    Args:
        values: ``(total_steps, F)`` (or ``(total_steps,)``, giving ``(N, maxlen)``) steps of
            every sequence, one after the other.
        lengths: ``(N,)`` number of steps of each sequence; they sum to ``len(values)``.
        maxlen: output timesteps; ``None`` pads to the longest sequence.
        padding: ``"pre"`` puts the padding before each sequence, ``"post"`` after it.
        truncating: ``"pre"`` drops the first steps of a long sequence (keeps the last
            ``maxlen``), ``"post"`` drops the last ones.
        value: the pad value.
        dtype: output dtype; ``None`` keeps ``values.dtype`` (unlike Keras' ``int32``).
        budget_bytes: memory budget for the output (``core.budget`` default when ``None``).

    Raises:
        ShapingError: impossible options (``maxlen`` below 1, unknown side, lengths that do not
            match ``values``).
        MemoryBudgetError: the output would not fit the budget; raised before allocating.
    """
    values = np.asarray(values)
    lengths = np.asarray(lengths)
    _check_inputs(values, lengths, padding, truncating)
    lengths = lengths.astype(np.int64, copy=False)
    n_samples = int(lengths.shape[0])
    maxlen = resolve_maxlen(lengths, maxlen)
    out_dtype = values.dtype if dtype is None else np.dtype(dtype)
    feature_shape = tuple(values.shape[1:])
    needed = padded_nbytes(n_samples, maxlen, feature_shape, out_dtype)
    check_budget(
        f"Padding {n_samples} sequences to {maxlen} timesteps ({format_bytes(needed)} as {out_dtype})",
        needed,
        budget_bytes,
    )
    out = np.full((n_samples, maxlen) + feature_shape, value, dtype=out_dtype)
    if out.size == 0 or values.shape[0] == 0:
        return out

    kept = np.minimum(lengths, maxlen)
    source = values
    if (kept != lengths).any():
        source = _compress_rows(values, _kept_steps_mask(lengths, kept, truncating))
    _scatter_rows(out.reshape((n_samples * maxlen,) + feature_shape), _real_cells_mask(kept, maxlen, padding), source)
    return out


def real_cells_mask(lengths: np.ndarray, maxlen: int, padding: str = "post") -> np.ndarray:
    """``(N, maxlen)`` bool: True where the padded output holds a real (not padding) step."""
    kept = np.minimum(np.asarray(lengths, dtype=np.int64), maxlen)
    return _real_cells_mask(kept, int(maxlen), padding).reshape(kept.shape[0], int(maxlen))


# ---- internals ---------------------------------------------------------------------------
def _check_inputs(values: np.ndarray, lengths: np.ndarray, padding: str, truncating: str) -> None:
    if padding not in PADDING_SIDES:
        raise ShapingError(f'padding must be "pre" or "post", not {padding!r}.')
    if truncating not in PADDING_SIDES:
        raise ShapingError(f'truncating must be "pre" or "post", not {truncating!r}.')
    if values.ndim < 1:
        raise ShapingError("The values to pad must be an array of steps, not a single number.")
    if lengths.ndim != 1 or (lengths.size and lengths.dtype.kind not in "iu"):
        raise ShapingError("The sequence lengths must be a flat list of whole numbers.")
    if lengths.size and int(lengths.min()) < 0:
        raise ShapingError("A sequence length is negative; lengths must be 0 or more.")
    total = int(lengths.sum()) if lengths.size else 0
    if total != values.shape[0]:
        raise ShapingError(f"The sequence lengths add up to {total} steps but there are {values.shape[0]} steps of data.")


def _runs_mask(first: np.ndarray, second: np.ndarray, first_is_true: bool) -> np.ndarray:
    """Flat bool array of alternating runs: ``first[i]`` values then ``second[i]``, per i."""
    counts = np.empty(2 * first.shape[0], dtype=np.int64)
    counts[0::2] = first
    counts[1::2] = second
    pattern = np.zeros(2 * first.shape[0], dtype=bool)
    pattern[0 if first_is_true else 1 :: 2] = True
    return np.repeat(pattern, counts)


def _real_cells_mask(kept: np.ndarray, maxlen: int, padding: str) -> np.ndarray:
    """Flat ``(N * maxlen,)`` bool mask of the output cells that receive real steps."""
    if (maxlen + 1) * maxlen <= _TABLE_LIMIT_BYTES:
        steps = np.arange(maxlen)
        counts = np.arange(maxlen + 1)[:, None]
        # Row k of the table is the mask of a sequence keeping k steps.
        table = steps < counts if padding == "post" else steps >= maxlen - counts
        return np.take(table, kept, axis=0).reshape(-1)
    if padding == "post":
        return _runs_mask(kept, maxlen - kept, first_is_true=True)
    return _runs_mask(maxlen - kept, kept, first_is_true=False)


def _kept_steps_mask(lengths: np.ndarray, kept: np.ndarray, truncating: str) -> np.ndarray:
    """Flat ``(total_steps,)`` bool mask of the source steps that survive truncation."""
    if truncating == "post":
        return _runs_mask(kept, lengths - kept, first_is_true=True)
    return _runs_mask(lengths - kept, kept, first_is_true=False)


def _as_items(array: np.ndarray) -> np.ndarray:
    """View a C-contiguous ``(rows, ...)`` array as ``(rows,)`` opaque items (one per row).

    Boolean indexing copies whole items far faster than it walks trailing dimensions.
    """
    if array.ndim == 1 or array.dtype.hasobject:
        return array
    row_bytes = array.dtype.itemsize * int(np.prod(array.shape[1:]))
    if row_bytes == array.dtype.itemsize:
        return array.reshape(array.shape[0])
    return array.reshape(array.shape[0], -1).view(np.dtype((np.void, row_bytes))).reshape(array.shape[0])


def _compress_rows(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    if values.ndim == 1 or values.dtype.hasobject or not values.flags.c_contiguous:
        return values[keep]
    picked = _as_items(values)[keep]
    return picked.view(values.dtype).reshape((picked.shape[0],) + values.shape[1:])


def _scatter_rows(out_rows: np.ndarray, mask: np.ndarray, source: np.ndarray) -> None:
    """``out_rows[mask] = source`` with one boolean scatter (casting ``source`` once if needed)."""
    if out_rows.dtype.hasobject or out_rows.ndim == 1:
        out_rows[mask] = source
        return
    if int(np.prod(out_rows.shape[1:])) == 0:
        return
    source = np.ascontiguousarray(source, dtype=out_rows.dtype)
    _as_items(out_rows)[mask] = _as_items(source)


SUGGESTED_PERCENTILE = 95


def truncated_share(lengths: np.ndarray, maxlen: int) -> float:
    """Share of sequences longer than ``maxlen`` (they lose steps)."""
    lengths = np.asarray(lengths)
    return float((lengths > maxlen).mean()) if lengths.size else 0.0


def suggest_maxlen(lengths: np.ndarray, percentile: float = SUGGESTED_PERCENTILE) -> tuple[int, float]:
    """A maxlen that keeps ``percentile`` % of sequences whole, and the share it truncates."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.size == 0:
        return 1, 0.0
    if lengths.min() == lengths.max():  # equal lengths (windows): no sort, no copy
        return max(1, int(lengths.min())), 0.0
    value = max(1, int(np.ceil(np.percentile(lengths, percentile))))
    return value, truncated_share(lengths, value)
