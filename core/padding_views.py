"""How sequences become equal-length samples, ready to draw: lengths, padding layouts, mask, windows.

The padding preview and the window designer ask this module for small arrays (a length
histogram, the data/pad/truncated cells of a few example sequences under each pre/post choice,
which steps a ``Masking`` layer would skip, a sample of sliding windows) and never compute on
the data themselves. Qt-free and vectorised, like :mod:`core.tensor_views`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.shaping.padding import suggest_maxlen, truncated_share  # noqa: F401 - the views read them from here
from core.shaping.windows import window_count
from core.tensor_views import as_three_d

#: Cell classes of :func:`padding_layouts` (also the row index into a layout colour table).
EMPTY, DATA, PAD, TRUNCATED = 0, 1, 2, 3

#: Classes of :attr:`MaskPreview.classes`: a real step the model sees, a padded step it skips,
#: a real step it would skip (pad-value collision), a padded step it would NOT skip.
MASK_KEPT, MASK_SKIPPED, MASK_COLLISION, MASK_UNMASKED_PAD = 1, 2, 3, 4

# ---- lengths and padding --------------------------------------------------------------------
def length_histogram(lengths: np.ndarray, bins: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of sequence lengths as ``(edges, counts)``.

    Few distinct lengths get one bin per integer length (edges at half-integers, so bars sit
    on the lengths); otherwise ``bins`` (default: up to 60) equal bins over the range.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.size == 0:
        return np.array([0.0, 1.0]), np.zeros(1, dtype=np.int64)
    lo, hi = int(lengths.min()), int(lengths.max())
    if bins is None and hi - lo + 1 <= 60:
        edges = np.arange(lo, hi + 2, dtype=np.float64) - 0.5
        counts = np.bincount(lengths - lo, minlength=hi - lo + 1).astype(np.int64)
        return edges, counts
    count = int(bins or 60)
    edges = np.linspace(lo, hi + 1, count + 1)
    counts, edges = np.histogram(lengths, bins=edges)
    return edges, counts.astype(np.int64)


def padding_waste(lengths: np.ndarray, maxlen: int) -> float:
    """Share of the ``(N, maxlen)`` steps that would be padding rather than data."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.size == 0 or maxlen <= 0:
        return 0.0
    return float(1.0 - np.minimum(lengths, maxlen).sum() / (lengths.size * maxlen))


def example_rows(lengths: np.ndarray, count: int = 6) -> np.ndarray:
    """Indices of a few sequences spread over the length range (shortest … longest), by length."""
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(lengths, kind="stable")
    picks = np.unique(np.round(np.linspace(0, lengths.size - 1, min(count, lengths.size))).astype(np.int64))
    return order[picks]


@dataclass(frozen=True)
class PaddingLayouts:
    """Cell classes of example sequences under each padding/truncating choice, for drawing.

    ``layouts[(padding, truncating)]`` is a ``(k, width)`` int8 array of :data:`EMPTY`,
    :data:`DATA`, :data:`PAD`, :data:`TRUNCATED`. Columns ``frame[0]:frame[1]`` are the
    ``maxlen`` steps the tensor keeps; steps cut by ``truncating='pre'`` hang off the left of
    the frame, by ``'post'`` off the right. When ``maxlen`` is long, one column stands for
    ``steps_per_column`` time steps.
    """

    rows: np.ndarray
    lengths: np.ndarray
    maxlen: int
    layouts: dict[tuple[str, str], np.ndarray]
    frame: tuple[int, int]
    steps_per_column: int


def padding_layouts(
    lengths: np.ndarray, maxlen: int, rows: np.ndarray | None = None, max_columns: int = 96
) -> PaddingLayouts:
    """Data/pad/truncated cells of a few example sequences for all four pre/post combinations."""
    lengths = np.asarray(lengths, dtype=np.int64)
    rows = example_rows(lengths) if rows is None else np.asarray(rows, dtype=np.int64)
    lens = lengths[rows]
    maxlen = max(1, int(maxlen))
    overhang = int(min(max(0, int(lens.max(initial=0)) - maxlen), maxlen))
    span = overhang + maxlen + overhang
    step = max(1, int(np.ceil(span / max_columns)))
    # Position of each column's first step relative to the frame start, in time steps.
    u = np.arange(0, span, step, dtype=np.int64)[None, :] - overhang
    length = lens[:, None]
    in_frame = (u >= 0) & (u < maxlen)
    layouts: dict[tuple[str, str], np.ndarray] = {}
    for padding in ("pre", "post"):
        for truncating in ("pre", "post"):
            cls = np.full((lens.size, u.shape[1]), EMPTY, dtype=np.int8)
            short = length <= maxlen
            if padding == "post":
                short_data = in_frame & (u < length)
            else:
                short_data = in_frame & (u >= maxlen - length)
            cut = length - maxlen
            if truncating == "post":
                cut_cells = (u >= maxlen) & (u < length)
            else:
                cut_cells = (u < 0) & (u >= -cut)
            cls[in_frame & short] = PAD
            cls[short_data & short] = DATA
            cls[in_frame & ~short] = DATA
            cls[cut_cells & ~short] = TRUNCATED
            layouts[(padding, truncating)] = cls
    frame = (int(np.ceil(overhang / step)), int(np.ceil((overhang + maxlen) / step)))
    return PaddingLayouts(rows, lens, maxlen, layouts, frame, step)


@dataclass(frozen=True)
class MaskPreview:
    """Which steps a Keras ``Masking(mask_value)`` layer would skip, for example rows.

    ``masked`` (k, T): the step would be skipped (all its features equal the mask value);
    ``real`` (k, T): the step holds data; ``wrongly_masked`` = real and masked (a pad-value
    collision: real data that the model would silently ignore).
    """

    rows: np.ndarray
    masked: np.ndarray
    real: np.ndarray

    @property
    def wrongly_masked(self) -> np.ndarray:
        return self.masked & self.real

    @property
    def classes(self) -> np.ndarray:
        """``(k, T)`` int8 of ``MASK_KEPT``/``MASK_SKIPPED``/``MASK_COLLISION``/``MASK_UNMASKED_PAD``."""
        out = np.full(self.masked.shape, MASK_KEPT, dtype=np.int8)
        out[~self.real & self.masked] = MASK_SKIPPED
        out[self.real & self.masked] = MASK_COLLISION
        out[~self.real & ~self.masked] = MASK_UNMASKED_PAD
        return out


def masked_steps(x: np.ndarray, mask_value: float) -> np.ndarray:
    """Keras Masking semantics: a step is masked only when ALL its features equal ``mask_value``."""
    x3 = as_three_d(x)
    return np.all(x3 == mask_value, axis=-1)


def mask_preview(x: np.ndarray, mask: np.ndarray | None, mask_value: float, rows: np.ndarray) -> MaskPreview:
    """Masking preview for the given sample rows (small: only those rows are read)."""
    rows = np.asarray(rows, dtype=np.int64)
    x3 = as_three_d(x)
    masked = masked_steps(x3[rows], mask_value)
    real = np.ones(masked.shape, dtype=bool) if mask is None else mask[rows].astype(bool)
    return MaskPreview(rows, masked, real)


# ---- windows over a single series -----------------------------------------------------------
@dataclass(frozen=True)
class WindowSpans:
    """A sample of the sliding windows over a series of ``n_rows`` rows, for drawing.

    ``window_rows[k] = (start, stop)`` (stop exclusive) and ``target_rows[k]`` (-1 without a
    target) for the drawn windows with indices ``indices``; ``n_windows`` counts all windows;
    ``dropped_tail`` rows at the end are used by no window or target.
    """

    indices: np.ndarray
    starts: np.ndarray
    window_rows: np.ndarray
    target_rows: np.ndarray
    n_windows: int
    dropped_tail: int
    n_rows: int


def window_spans(n_rows: int, options, max_windows: int = 20) -> WindowSpans:
    """Windows (a sample of up to ``max_windows``, first and last included) for a ``WindowOptions``."""
    window, stride, horizon = int(options.window), int(options.stride), int(options.horizon)
    total = window_count(n_rows, window, stride, horizon)
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return WindowSpans(empty, empty, np.zeros((0, 2), dtype=np.int64), empty, 0, int(n_rows), int(n_rows))
    indices = np.unique(np.round(np.linspace(0, total - 1, min(total, max_windows))).astype(np.int64))
    starts = indices * stride
    window_rows = np.stack([starts, starts + window], axis=1)
    targets = starts + window + horizon - 1 if horizon > 0 else np.full(starts.shape, -1, dtype=np.int64)
    last_used = (total - 1) * stride + window + max(0, horizon)
    return WindowSpans(indices, starts, window_rows, targets, total, int(n_rows - last_used), int(n_rows))

