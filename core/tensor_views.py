"""What the tensor views draw: block summaries, slices, colour scales (one or per feature), 3-D geometry.

The GUI asks this module for small, ready-to-draw arrays and never computes on the tensor
itself. Its neighbours: :mod:`core.padding_views` (lengths, padding layouts, mask preview,
windows: how sequences become samples) and :mod:`core.readout` (the numbers in words: the
step table, token strips and the value under the pointer). Every function here is vectorised numpy and Qt-free, so it can be tested (and used in
a notebook) without a display.

The tensor is ``x`` of shape ``(N, T, F)`` (or ``(N, T)`` token ids, treated as ``F = 1``)
plus an optional ``mask`` of shape ``(N, T)`` with ``True`` for real steps and ``False`` for
padding. ``mask=None`` means every step is real.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Default level of detail of :func:`block_summary`: at most this many blocks per axis.
DEFAULT_MAX_BLOCKS = (32, 64, 16)

#: :func:`block_summary` reads at most about this many cells; above it, rows and time steps
#: are sampled evenly inside every block (the summary then describes a sample, and says so).
DEFAULT_CELL_BUDGET = 4_000_000


# ---- shapes ---------------------------------------------------------------------------------
def as_three_d(x: np.ndarray) -> np.ndarray:
    """View ``(N, T)`` token ids as ``(N, T, 1)``; 3-D arrays are returned unchanged (no copy)."""
    if x.ndim == 2:
        return x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"expected a (samples, timesteps[, features]) array, got shape {x.shape}")
    return x


def block_edges(size: int, max_blocks: int) -> np.ndarray:
    """Edges of ``min(size, max_blocks)`` near-equal, never-empty blocks covering ``range(size)``."""
    count = max(1, min(int(size), int(max_blocks)))
    if size <= 0:
        return np.zeros(2, dtype=np.int64)
    return np.round(np.linspace(0, size, count + 1)).astype(np.int64)


def _sample_within_blocks(edges: np.ndarray, per_block: int) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced indices inside every block, and the start of each block in that index list.

    Every block keeps ``min(per_block, smallest block width)`` indices, so each block has the
    same count and ``np.add.reduceat`` over the starts is exact (no empty segments).
    """
    widths = np.diff(edges)
    if widths.size == 0 or widths.max() == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keep = int(max(1, min(per_block, widths.min())))
    offsets = (np.arange(keep)[None, :] * widths[:, None]) // keep
    picks = (edges[:-1, None] + offsets).ravel()
    starts = np.arange(widths.size, dtype=np.int64) * keep
    return picks.astype(np.int64), starts


# ---- block summary (level of detail for the 3-D view) ---------------------------------------
@dataclass(frozen=True)
class BlockGrid:
    """The tensor summarised into at most ``max_blocks`` blocks per axis.

    ``mean[i, j, k]`` is the mean of the real (unpadded, finite) cells in block ``(i, j, k)``,
    NaN where the block holds none. ``padded_share[i, j, k]`` is the share of padded steps in
    the block (padding is per step, so it is the same for every feature block). ``*_edges``
    give the block boundaries in index space: block ``i`` covers samples
    ``sample_edges[i]:sample_edges[i + 1]``. ``sampled`` tells whether only a sample of the
    rows/steps was read (huge tensors); ``cells_read`` how many cells were.
    """

    mean: np.ndarray
    padded_share: np.ndarray
    sample_edges: np.ndarray
    timestep_edges: np.ndarray
    feature_edges: np.ndarray
    shape: tuple[int, int, int]
    sampled: bool
    cells_read: int

    @property
    def blocks(self) -> tuple[int, int, int]:
        return tuple(int(s) for s in self.mean.shape)  # type: ignore[return-value]

    @property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.sample_edges, self.timestep_edges, self.feature_edges

    def cells_per_block(self) -> tuple[float, float, float]:
        """Average block size along each axis, in cells (for the "one cube = …" caption)."""
        return tuple(float(s) / max(1, b) for s, b in zip(self.shape, self.blocks))  # type: ignore[return-value]


def block_summary(
    x: np.ndarray,
    mask: np.ndarray | None = None,
    max_blocks: tuple[int, int, int] = DEFAULT_MAX_BLOCKS,
    cell_budget: int = DEFAULT_CELL_BUDGET,
) -> BlockGrid:
    """Aggregate the ``(N, T, F)`` tensor into at most ``max_blocks`` blocks (level of detail).

    The tensor is never copied whole: the work goes one sample-block at a time over a view
    (or, above ``cell_budget`` cells, over evenly spaced rows and steps sampled inside every
    block, so a 10-million-cell tensor costs the same as a 4-million-cell one). Sums along the
    time and feature axes use ``np.add.reduceat`` over the block starts. Non-finite values and
    padded steps are left out of the means. Token ids ``(N, T)`` are summarised as ``F = 1``.
    """
    x3 = as_three_d(np.asarray(x))
    n, t, f = (int(s) for s in x3.shape)
    if mask is not None and mask.shape != (n, t):
        raise ValueError(f"mask shape {mask.shape} does not match tensor shape {(n, t)}")
    n_edges, t_edges, f_edges = (block_edges(s, b) for s, b in zip((n, t, f), max_blocks))
    bn, bt, bf = len(n_edges) - 1, len(t_edges) - 1, len(f_edges) - 1
    if n == 0 or t == 0 or f == 0:
        empty = np.full((bn, bt, bf), np.nan)
        return BlockGrid(empty, np.zeros((bn, bt, bf)), n_edges, t_edges, f_edges, (n, t, f), False, 0)

    total = n * t * f
    sampled = total > cell_budget
    if sampled:
        # Share the budget between rows and steps in proportion to how much each can give;
        # every block keeps the same number of rows/steps so no block is left empty.
        ratio = np.sqrt(cell_budget / total)
        rows_per_block = max(1, int(np.ceil(n / bn * ratio)))
        steps_per_block = max(1, int(np.ceil(t / bt * ratio)))
        steps, step_starts = _sample_within_blocks(t_edges, steps_per_block)
    else:
        rows_per_block = n
        steps, step_starts = np.arange(t, dtype=np.int64), t_edges[:-1]
    all_steps = steps.size == t
    steps_in_block = np.diff(np.append(step_starts, steps.size))
    is_float = x3.dtype.kind in "fc"

    sums = np.zeros((bn, bt, bf), dtype=np.float64)
    counts = np.zeros((bn, bt, bf), dtype=np.float64)
    real_steps = np.zeros((bn, bt), dtype=np.float64)
    all_step_counts = np.zeros((bn, bt), dtype=np.float64)
    cells_read = 0
    # One pass per sample block (at most max_blocks[0] iterations, never one per sample); the
    # temporaries are one block's worth of cells, at most about cell_budget / blocks.
    for i in range(bn):
        lo, hi = int(n_edges[i]), int(n_edges[i + 1])
        keep = min(rows_per_block, hi - lo)
        if keep < hi - lo:
            rows = lo + (np.arange(keep) * (hi - lo)) // keep
            chunk = x3[rows] if all_steps else x3[rows[:, None], steps[None, :]]
            chunk_mask = None if mask is None else (mask[rows] if all_steps else mask[rows[:, None], steps[None, :]])
        else:
            chunk = x3[lo:hi] if all_steps else x3[lo:hi, steps]
            chunk_mask = None if mask is None else (mask[lo:hi] if all_steps else mask[lo:hi, steps])
        cells_read += chunk.size
        valid = np.isfinite(chunk) if is_float else np.ones(chunk.shape, dtype=bool)
        if chunk_mask is not None:
            valid &= chunk_mask[:, :, None]
        per_step_sum = np.where(valid, chunk, 0).sum(axis=0, dtype=np.float64)  # (steps, F)
        per_step_count = valid.sum(axis=0, dtype=np.int64)
        for out, data in ((sums, per_step_sum), (counts, per_step_count)):
            by_time = np.add.reduceat(data, step_starts, axis=0)
            out[i] = np.add.reduceat(by_time, f_edges[:-1], axis=1)
        all_step_counts[i] = chunk.shape[0] * steps_in_block
        if chunk_mask is None:
            real_steps[i] = all_step_counts[i]
        else:
            real_steps[i] = np.add.reduceat(chunk_mask.sum(axis=0, dtype=np.int64), step_starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        share = 1.0 - real_steps / np.maximum(all_step_counts, 1)
    padded_share = np.broadcast_to(share[:, :, None], (bn, bt, bf))
    return BlockGrid(mean, padded_share, n_edges, t_edges, f_edges, (n, t, f), sampled, int(cells_read))


def block_span(edges: np.ndarray, index: int) -> tuple[float, float]:
    """The block (in block units, as drawn) that holds cell ``index``: ``(lo, lo + 1)``."""
    block = int(np.clip(np.searchsorted(edges, index, side="right") - 1, 0, len(edges) - 2))
    return float(block), float(block + 1)


# ---- slices ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slice2D:
    """A 2-D cut through the tensor, ready to draw.

    ``values`` is a small float copy with NaN where the cell is padding (so heat-maps leave
    it out of the colour scale); ``real`` is True for real cells; ``rows`` are the original
    indices of the rows (sampled evenly when there were more than ``max_rows``).
    """

    values: np.ndarray
    real: np.ndarray
    rows: np.ndarray

    @property
    def step_mask(self) -> np.ndarray:
        """For a sample slice: which of its time steps are real (the mask row)."""
        return self.real[:, 0] if self.real.ndim == 2 and self.real.shape[1] else self.real.reshape(-1)


def _even_rows(n: int, max_rows: int | None) -> np.ndarray:
    if max_rows is None or n <= max_rows:
        return np.arange(n, dtype=np.int64)
    return (np.arange(max_rows, dtype=np.int64) * n) // max_rows


def _display(values: np.ndarray, real: np.ndarray) -> np.ndarray:
    out = values.astype(np.float32, copy=True)
    out[~real] = np.nan
    if out.dtype.kind == "f":
        out[~np.isfinite(out)] = np.nan
    return out


def sample_slice(x: np.ndarray, mask: np.ndarray | None, i: int) -> Slice2D:
    """Sample ``i`` as a ``(T, F)`` slice; ``.step_mask`` is its mask row (True = real step)."""
    x3 = as_three_d(x)
    values = x3[int(i)]
    steps = np.ones(values.shape[0], dtype=bool) if mask is None else np.asarray(mask[int(i)], dtype=bool)
    real = np.broadcast_to(steps[:, None], values.shape)
    return Slice2D(_display(values, real), real, np.arange(values.shape[0], dtype=np.int64))


def timestep_slice(x: np.ndarray, mask: np.ndarray | None, t: int, max_rows: int | None = None) -> Slice2D:
    """Time step ``t`` of every sample as an ``(N, F)`` slice (rows sampled above ``max_rows``)."""
    x3 = as_three_d(x)
    rows = _even_rows(x3.shape[0], max_rows)
    values = x3[rows, int(t)]
    steps = np.ones(rows.size, dtype=bool) if mask is None else mask[rows, int(t)].astype(bool)
    real = np.broadcast_to(steps[:, None], values.shape)
    return Slice2D(_display(values, real), real, rows)


def feature_slice(x: np.ndarray, mask: np.ndarray | None, f: int, max_rows: int | None = None) -> Slice2D:
    """Feature ``f`` of every sample and step as an ``(N, T)`` slice (rows sampled above ``max_rows``)."""
    x3 = as_three_d(x)
    rows = _even_rows(x3.shape[0], max_rows)
    values = x3[rows, :, int(f)]
    real = np.ones(values.shape, dtype=bool) if mask is None else mask[rows].astype(bool)
    return Slice2D(_display(values, real), real, rows)


def false_runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop indices of the runs of ``False`` in a 1-D bool array (padded stretches)."""
    flags = np.asarray(flags, dtype=bool)
    padded = np.concatenate(([False], ~flags, [False])).astype(np.int8)
    change = np.diff(padded)
    return np.flatnonzero(change == 1), np.flatnonzero(change == -1)


def label_ticks(
    names: Sequence[str], max_labels: int = 24, offset: float = 0.5, max_chars: int = 18
) -> list[tuple[float, str]]:
    """Axis ticks ``(position, name)`` for up to ``max_labels`` evenly chosen names (cell centres).

    Names longer than ``max_chars`` are shortened with an ellipsis so axes stay narrow.
    """
    count = len(names)
    if count == 0:
        return []
    picks = _even_rows(count, max_labels)
    out = []
    for p in picks:
        name = str(names[int(p)])
        out.append((float(p) + offset, name if len(name) <= max_chars else name[: max_chars - 1] + "…"))
    return out


# ---- colours ----------------------------------------------------------------------------------
def robust_levels(values: np.ndarray, low: float = 1.0, high: float = 99.0, max_samples: int = 1_000_000) -> tuple[float, float]:
    """Colour-scale limits: the ``low``/``high`` percentiles of the finite values.

    Outliers then do not wash the heat-map out. Large inputs are subsampled evenly (a strided
    view) to ``max_samples`` values. Never returns an empty range.
    """
    flat = np.asarray(values).reshape(-1)
    if flat.size > max_samples:
        flat = flat[:: int(np.ceil(flat.size / max_samples))]
    if flat.dtype.kind in "fc":
        flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return 0.0, 1.0
    lo, hi = (float(v) for v in np.percentile(flat, [low, high]))
    if not hi > lo:
        pad = max(abs(lo) * 0.05, 0.5)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def tensor_levels(x: np.ndarray, mask: np.ndarray | None, max_rows: int = 256) -> tuple[float, float]:
    """Robust colour limits of the real cells of a tensor, from up to ``max_rows`` evenly chosen samples."""
    x3 = as_three_d(x)
    rows = _even_rows(x3.shape[0], max_rows)
    values = x3[rows].astype(np.float64)
    if mask is not None:
        values[~mask[rows].astype(bool)] = np.nan
    return robust_levels(values)


def lut_from_stops(stops: Sequence[tuple[float, Sequence[int]]], size: int = 256) -> np.ndarray:
    """A ``(size, 4)`` uint8 lookup table interpolated linearly between colour stops ``(pos, rgba)``."""
    positions = np.array([p for p, _ in stops], dtype=np.float64)
    colours = np.array([list(c) + [255] * (4 - len(c)) for _, c in stops], dtype=np.float64)
    grid = np.linspace(positions[0], positions[-1], size)
    lut = np.stack([np.interp(grid, positions, colours[:, ch]) for ch in range(4)], axis=1)
    return np.round(lut).astype(np.uint8)


def map_colours(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray, nan_rgba: Sequence[int] = (0, 0, 0, 0)) -> np.ndarray:
    """Map values to RGBA uint8 through ``lut`` between ``levels``; NaN gets ``nan_rgba``."""
    lo, hi = levels
    scaled = (np.asarray(values, dtype=np.float64) - lo) / (hi - lo if hi > lo else 1.0)
    finite = np.isfinite(scaled)
    index = np.clip(np.where(finite, scaled, 0.0) * (len(lut) - 1), 0, len(lut) - 1).astype(np.intp)
    out = np.asarray(lut, dtype=np.uint8)[index]
    out[~finite] = np.asarray(nan_rgba, dtype=np.uint8)
    return out


def volume_rgba(
    grid: BlockGrid,
    lut: np.ndarray,
    pad_rgba: Sequence[int],
    levels: tuple[float, float] | None = None,
    data_alpha: int = 150,
    per_feature: bool = False,
) -> np.ndarray:
    """The ``(bN, bT, bF, 4)`` uint8 RGBA volume the 3-D view draws.

    Data blocks take the colour of their mean value (``lut`` between ``levels``, default
    robust percentiles of the block means) at opacity ``data_alpha``; padding blends each
    block toward ``pad_rgba`` by its padded share, so fully padded blocks look like padding.
    With ``per_feature`` each feature block is coloured on its own scale (the robust range of
    its block means, :func:`column_levels`), as the sample heat-map colours by feature.
    """
    if per_feature:
        scaled = scale_per_feature(grid.mean, column_levels(grid.mean))
        colours = map_colours(scaled, (0.0, 1.0), lut, nan_rgba=pad_rgba).astype(np.float32)
    else:
        colours = map_colours(grid.mean, levels or robust_levels(grid.mean), lut, nan_rgba=pad_rgba).astype(np.float32)
    colours[..., 3] = np.where(np.isfinite(grid.mean), float(data_alpha), float(pad_rgba[3]))
    share = np.asarray(grid.padded_share, dtype=np.float32)[..., None]
    blended = colours * (1.0 - share) + np.asarray(pad_rgba, dtype=np.float32) * share
    return np.round(blended).astype(np.uint8)


def class_rgba(classes: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Colour an array of small integer classes through a ``(n_classes, 4)`` uint8 palette."""
    return np.asarray(palette, dtype=np.uint8)[np.asarray(classes, dtype=np.intp)]


def box_mesh(lo: Sequence[float], hi: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(8, 3)`` and triangle faces ``(12, 3)`` of the axis-aligned box ``lo``–``hi``."""
    lo_a, hi_a = np.asarray(lo, dtype=np.float32), np.asarray(hi, dtype=np.float32)
    corners = np.array([[(i >> 0) & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)], dtype=np.float32)
    vertices = lo_a + corners * (hi_a - lo_a)
    faces = np.array(
        [[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
         [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]],
        dtype=np.int32,
    )
    return vertices, faces


def box_edges(lo: Sequence[float], hi: Sequence[float]) -> np.ndarray:
    """The 12 edges of the box ``lo``–``hi`` as ``(24, 3)`` line-segment end points."""
    vertices, _ = box_mesh(lo, hi)
    pairs = np.array(
        [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]]
    )
    return vertices[pairs.reshape(-1)]


def feature_levels(x: np.ndarray, mask: np.ndarray | None, max_rows: int = 256) -> np.ndarray:
    """``(F, 2)`` robust colour limits per feature, for colouring features of different units.

    A humidity column (0–100) next to a temperature column (−10–35) on one colour scale comes
    out all one colour each; scaled per feature, both show their own ups and downs.
    """
    x3 = as_three_d(x)
    rows = _even_rows(x3.shape[0], max_rows)
    values = x3[rows].astype(np.float64)
    if mask is not None:
        values[~mask[rows].astype(bool)] = np.nan
    return column_levels(values)


def column_levels(values: np.ndarray) -> np.ndarray:
    """``(F, 2)`` robust colour limits of each column along the last axis (one per feature)."""
    per_feature = np.asarray(values).reshape(-1, np.shape(values)[-1])
    return np.array([robust_levels(per_feature[:, f]) for f in range(per_feature.shape[1])], dtype=np.float64).reshape(-1, 2)


def scale_per_feature(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Values (``(..., F)``, features last) mapped to 0–1 of each feature's ``levels`` row (NaN stays NaN)."""
    lo, hi = levels[:, 0], levels[:, 1]
    return ((np.asarray(values, dtype=np.float64) - lo) / (hi - lo)).astype(np.float32)


def colour_by_feature_suggested(levels: np.ndarray) -> bool:
    """True when features are on such different scales that one colour scale would flatten some:
    the narrowest feature's range is under a tenth of the widest's."""
    levels = np.asarray(levels, dtype=np.float64)
    if levels.shape[0] < 2:
        return False
    spans = levels[:, 1] - levels[:, 0]
    return bool(spans.min() < 0.1 * spans.max())


# ---- picking in the 3-D view ----------------------------------------------------------------
def pick_cell(near: Sequence[float], far: Sequence[float], grid: BlockGrid) -> tuple[int, int, int] | None:
    """The cell a click lands on: the first block the ray from ``near`` to ``far`` enters.

    The block grid is drawn as the box ``[0, blocks]`` on each axis, block ``(i, j, k)`` the unit
    cube at ``(i, j, k)``. Returns the ``(sample, timestep, feature)`` of that block's first cell
    (the exact cell when blocks are single cells), or None when the ray misses the tensor.
    """
    origin = np.asarray(near, dtype=np.float64)
    direction = np.asarray(far, dtype=np.float64) - origin
    upper = np.asarray(grid.blocks, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = (0.0 - origin) / direction
        t1 = (upper - origin) / direction
    parallel = direction == 0
    inside = (origin >= 0) & (origin <= upper)
    if (parallel & ~inside).any():
        return None
    t_low = np.where(parallel, -np.inf, np.minimum(t0, t1))
    t_high = np.where(parallel, np.inf, np.maximum(t0, t1))
    enter, leave = float(t_low.max()), float(t_high.min())
    if enter > leave or leave < 0:
        return None
    # A hair past the entry point, so the point is inside the entered block, not on its face.
    point = origin + direction * (max(enter, 0.0) + 1e-6 * max(leave - enter, 1e-9))
    blocks = np.clip(np.floor(point).astype(np.int64), 0, upper.astype(np.int64) - 1)
    return tuple(int(edges[b]) for edges, b in zip(grid.edges, blocks))  # type: ignore[return-value]


def label_anchor_edges(blocks: Sequence[float]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """For each axis, the four box edges parallel to it as ``(midpoint, outward direction)``.

    The 3-D view labels an axis at whichever of its edges is drawn lowest on screen (as
    matplotlib's 3-D axes do), pushed away from the box, so after any rotation a label sits beside
    the box instead of floating over a face.
    """
    dims = np.asarray(blocks, dtype=np.float64)
    out = []
    for axis in range(3):
        others = [a for a in range(3) if a != axis]
        edges = []
        for corner_a in (0.0, 1.0):
            for corner_b in (0.0, 1.0):
                mid = dims / 2
                outward = np.zeros(3)
                mid[others[0]] = corner_a * dims[others[0]]
                mid[others[1]] = corner_b * dims[others[1]]
                outward[others[0]] = corner_a * 2 - 1
                outward[others[1]] = corner_b * 2 - 1
                edges.append((mid, outward / np.sqrt(2)))
        out.append(edges)
    return out
