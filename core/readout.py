"""The numbers in words: what the model receives step by step, and what is under the pointer.

One home for how the window names a value. The step table (the Values view), the token strip
(text samples) and every plot's status-bar readout are worded here, so the 3-D view, the
sample view, the padding preview, the window designer, the training curves and the results
all say it the same way::

    sample 3 (id 'spk_7'), step 4 (original step 2), temperature: 21.5
    sample 3 (id 'spk_7'), step 18, temperature: 0 (padding)

The GUI only looks values up in arrays it already has (the pointer's cell, a curve's points)
and hands them here; nothing in this module imports Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.padding_views import PaddingLayouts
from core.tensor_data import TensorData
from core.tensor_views import BlockGrid, as_three_d

#: Features listed in a readout of a whole step (the rest are counted).
STEP_FEATURES = 8


TOKEN_PAD, TOKEN_WORD, TOKEN_UNKNOWN = 0, 1, 2


@dataclass(frozen=True)
class TokenStrip:
    """One sample of token ids as words, for drawing along the time axis.

    ``ids`` (T,) int64 (``-1`` where a step is padding), ``words`` (T,) the vocabulary entry
    of each id (``""`` for padding, ``"#id"`` for an id outside the vocabulary) and
    ``classes`` (T,) int8 of :data:`TOKEN_PAD`, :data:`TOKEN_WORD`, :data:`TOKEN_UNKNOWN`
    (id 1, the out-of-vocabulary ``<unk>``).
    """

    ids: np.ndarray
    words: tuple[str, ...]
    classes: np.ndarray


def token_strip(x: np.ndarray, mask: np.ndarray | None, i: int, vocabulary: Sequence[str] | None,
                unknown_id: int = 1) -> TokenStrip:
    """Sample ``i`` of an ``(N, T)`` (or ``(N, T, 1)``) token-id tensor as words."""
    row = as_three_d(x)[int(i), :, 0]
    real = np.ones(row.shape[0], dtype=bool) if mask is None else np.asarray(mask[int(i)], dtype=bool)
    ids = np.where(real, row, -1).astype(np.int64)
    vocab = tuple(vocabulary or ())
    words = tuple(
        "" if not ok else (vocab[t] if 0 <= t < len(vocab) else f"#{t}")
        for t, ok in zip(ids.tolist(), real.tolist())
    )
    classes = np.where(real, np.where(ids == unknown_id, TOKEN_UNKNOWN, TOKEN_WORD), TOKEN_PAD).astype(np.int8)
    return TokenStrip(ids, words, classes)


# ---- the numbers themselves -------------------------------------------------------------------
@dataclass(frozen=True)
class StepTable:
    """One sample of the tensor as a table: what the model receives, step by step.

    ``values`` is the ``(T, F)`` slice exactly as it is in the tensor (padded steps hold the pad
    value); ``real`` (T,) is True for real steps; ``origin`` (T,) is where each real step came from
    in the file (its position in the original sequence, or the series row for a window) and ``-1``
    for padding; ``sample_id`` is the file's own id of the sequence, when it has one.
    """

    values: np.ndarray
    real: np.ndarray
    origin: np.ndarray
    sample_id: str | None
    origin_name: str  # "step" (position in the original sequence) or "row" (series row)
    label: str | None = None  # the sample's label or target in words (class name, value), if any
    label_word: str = "label"  # "label" for a class, "target" for values


def step_origins(real: np.ndarray, length: int, padding: str, truncating: str) -> np.ndarray:
    """Where each step of a padded sample came from in its original sequence (``-1`` for padding).

    Real step ``r`` of the tensor is step ``first + (r - start)`` of the original sequence, where
    ``start`` is where the real steps begin (``T - kept`` with ``padding="pre"``) and ``first`` the
    first original step kept (``length - kept`` with ``truncating="pre"``).
    """
    real = np.asarray(real, dtype=bool)
    timesteps, kept = int(real.size), int(real.sum())
    start = timesteps - kept if padding == "pre" else 0
    first = max(0, int(length) - kept) if truncating == "pre" else 0
    origin = np.full(timesteps, -1, dtype=np.int64)
    origin[start:start + kept] = first + np.arange(kept, dtype=np.int64)
    return origin


def step_table(shaped: TensorData, i: int) -> StepTable:
    """Sample ``i`` of ``shaped`` (a :class:`~core.shaping.tensorize.ShapedData`) as a :class:`StepTable`.

    For padded sequences, real step ``r`` of the tensor is step ``first + (r - start)`` of the
    original sequence, where ``start`` is where the real steps begin (``T - kept`` with
    ``padding="pre"``) and ``first`` the first original step kept (``length - kept`` with
    ``truncating="pre"``). For windows, step ``r`` of window ``i`` is series row ``i*stride + r``.
    """
    i = int(i)
    x3 = as_three_d(shaped.x)
    values = np.asarray(x3[i])
    timesteps = values.shape[0]
    real = np.ones(timesteps, dtype=bool) if shaped.mask is None else np.asarray(shaped.mask[i], dtype=bool)
    ids = shaped.sample_ids
    label, label_word = _label_text(shaped, i)
    if shaped.window is not None:
        origin = i * int(shaped.window.stride) + np.arange(timesteps, dtype=np.int64)
        return StepTable(values, real, origin, None, "row", label, label_word)
    length = int(shaped.original_lengths[i]) if len(shaped.original_lengths) > i else int(real.sum())
    origin = step_origins(real, length, shaped.padding.padding, shaped.padding.truncating)
    sample_id = str(ids[i]) if ids is not None and i < len(ids) else None
    return StepTable(values, real, origin, sample_id, "step", label, label_word)


def _label_text(shaped: TensorData, i: int) -> tuple[str | None, str]:
    """Sample ``i``'s target in words and what to call it: ``("speaker_3", "label")``,
    ``("151, 1009", "target")``; ``(None, "label")`` without one target per sample."""
    y = shaped.y
    labels = shaped.labels
    if y is None or i >= len(y) or (labels is not None and labels.kind == "sequence"):
        return None, "label"
    target = np.asarray(y[i]).reshape(-1)
    classes = labels.classes if labels is not None else None
    if classes and target.size == 1 and 0 <= int(target[0]) < len(classes):
        return str(classes[int(target[0])]), "label"
    if classes and target.size == len(classes):  # one-hot
        return str(classes[int(np.argmax(target))]), "label"
    return ", ".join(f"{float(v):.6g}" for v in target[:8]) + (" …" if target.size > 8 else ""), "target"


def format_cell(value: float | int, is_integer: bool) -> str:
    """A tensor value as a table shows it: integers plainly, floats with up to 6 significant digits."""
    if is_integer:
        return str(int(value))
    number = float(value)
    if not np.isfinite(number):
        return str(number)
    return f"{number:.6g}"


# ---- the value under the pointer -------------------------------------------------------------
def number_text(value: float | int) -> str:
    """A value in a readout: as a table cell shows a float (up to 6 significant digits)."""
    return format_cell(value, False)


@dataclass(frozen=True, eq=False)
class TensorReadout:
    """The words for any cell of one shaped tensor: sample (and the file's id), step (and where it
    came from), feature, value, and "padding" for a padded step.

    Made once per tensor with :meth:`of`; every hover then costs one lookup. ``x`` is the tensor
    as ``(N, T, F)``; ``stride`` is set for windows cut from one series (step ``r`` of window
    ``i`` is series row ``i * stride + r``).
    """

    x: np.ndarray
    mask: np.ndarray | None
    names: tuple[str, ...]
    sample_ids: tuple[str, ...] | None = None
    vocabulary: tuple[str, ...] = ()
    tokens: bool = False
    stride: int | None = None
    padding: str = "post"
    truncating: str = "post"
    original_lengths: np.ndarray | None = None

    @classmethod
    def of(cls, shaped: TensorData) -> TensorReadout:
        """The readout of shaped data (a :class:`~core.tensor_data.TensorData`: its ids, padding
        and window name the steps)."""
        x3 = as_three_d(shaped.x)
        tokens = shaped.x.ndim == 2
        names = tuple(shaped.feature_names)
        if tokens:
            names = ("token id",)
        elif len(names) != x3.shape[2]:
            names = tuple(f"feature_{i}" for i in range(x3.shape[2]))
        window = shaped.window
        padding = shaped.padding
        ids = shaped.sample_ids
        return cls(
            x=x3, mask=shaped.mask, names=names,
            sample_ids=tuple(str(i) for i in ids) if ids is not None and window is None else None,
            vocabulary=tuple(shaped.vocabulary or ()),
            tokens=tokens,
            stride=int(window.stride) if window is not None else None,
            padding=str(padding.padding),
            truncating=str(padding.truncating),
            original_lengths=shaped.original_lengths,
        )

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(int(s) for s in self.x.shape)  # type: ignore[return-value]

    def contains(self, sample: int, step: int, feature: int = 0) -> bool:
        n, t, f = self.shape
        return 0 <= sample < n and 0 <= step < t and 0 <= feature < f

    def is_real(self, sample: int, step: int) -> bool:
        return True if self.mask is None else bool(self.mask[sample, step])

    def feature_name(self, feature: int) -> str:
        return self.names[feature] if 0 <= feature < len(self.names) else f"feature_{feature}"

    def sample_words(self, sample: int) -> str:
        """``sample 3`` or ``sample 3 (id 'spk_7')`` when the file names its sequences."""
        ids = self.sample_ids
        return f"sample {sample}" + (f" (id {ids[sample]!r})" if ids is not None and sample < len(ids) else "")

    def origin(self, sample: int, step: int) -> int:
        """Where step ``step`` of ``sample`` came from: its original step, its series row, or -1 for padding."""
        if self.stride is not None:
            return sample * self.stride + step
        if not self.is_real(sample, step):
            return -1
        real = np.ones(self.shape[1], dtype=bool) if self.mask is None else np.asarray(self.mask[sample], dtype=bool)
        lengths = self.original_lengths
        length = int(lengths[sample]) if lengths is not None and sample < len(lengths) else int(real.sum())
        return int(step_origins(real, length, self.padding, self.truncating)[step])

    def place(self, sample: int, step: int) -> str:
        """``sample 3 (id 'spk_7'), step 4 (original step 2)``: the step named as the file knows it.

        The original step is only said when it differs from the step's position; a window's step
        always names its series row.
        """
        where = f"{self.sample_words(sample)}, step {step}"
        origin = self.origin(sample, step)
        if self.stride is not None:
            return f"{where} (series row {origin})"
        if origin >= 0 and origin != step:
            return f"{where} (original step {origin})"
        return where

    def cell(self, sample: int, step: int, feature: int) -> str:
        """One cell: ``<place>, temperature: 21.5``, ``… (padding)`` on a padded step; "" off the tensor."""
        if not self.contains(sample, step, feature):
            return ""
        if self.tokens:
            return self.token(sample, step)
        value = self.x[sample, step, feature]
        text = f"{self.place(sample, step)}, {self.feature_name(feature)}: {format_cell(value, self.x.dtype.kind in 'iub')}"
        return text if self.is_real(sample, step) else text + " (padding)"

    def step(self, sample: int, step: int, max_features: int = STEP_FEATURES) -> str:
        """Every feature at one step: ``<place>: a 1.5, b 2, … (4 more)``; ``<place>: padding``."""
        if not self.contains(sample, step):
            return ""
        if self.tokens:
            return self.token(sample, step)
        if not self.is_real(sample, step):
            return f"{self.place(sample, step)}: padding"
        row = self.x[sample, step]
        integer = self.x.dtype.kind in "iub"
        shown = [f"{name} {format_cell(v, integer)}" for name, v in zip(self.names[:max_features], row[:max_features])]
        more = f", … ({len(self.names) - max_features} more)" if len(self.names) > max_features else ""
        return f"{self.place(sample, step)}: " + ", ".join(shown) + more

    def token(self, sample: int, step: int) -> str:
        """A text step: ``<place>: 'word' (token id 17)``, or ``<place>: padding``."""
        if not self.contains(sample, step):
            return ""
        if not self.is_real(sample, step):
            return f"{self.place(sample, step)}: padding"
        token = int(self.x[sample, step, 0])
        vocab = self.vocabulary
        word = vocab[token] if 0 <= token < len(vocab) else f"#{token}"
        return f"{self.place(sample, step)}: '{word}' (token id {token})"

    def block(self, grid: BlockGrid, cell: tuple[int, int, int]) -> str:
        """The block of a :class:`~core.tensor_views.BlockGrid` that holds ``cell`` (as the 3-D view
        draws it): the cell itself when blocks are single cells, else the ranges and the block's mean."""
        indices = []
        for edges, index in zip(grid.edges, cell):
            indices.append(int(np.clip(np.searchsorted(edges, index, side="right") - 1, 0, len(edges) - 2)))
        (lo_n, hi_n), (lo_t, hi_t), (lo_f, hi_f) = (
            (int(edges[b]), int(edges[b + 1]) - 1) for edges, b in zip(grid.edges, indices))
        if lo_n == hi_n and lo_t == hi_t and lo_f == hi_f:
            return self.cell(lo_n, lo_t, lo_f)
        feature = self.feature_name(lo_f) if lo_f == hi_f else f"features {lo_f}–{hi_f}"
        mean = float(grid.mean[tuple(indices)])
        share = float(grid.padded_share[tuple(indices)])
        value = f"mean {number_text(mean)}" if np.isfinite(mean) else "padding only"
        padded = f" ({share:.0%} padding)" if 0 < share and np.isfinite(mean) else ""
        samples = f"sample {lo_n}" if lo_n == hi_n else f"samples {lo_n}–{hi_n}"
        steps = f"step {lo_t}" if lo_t == hi_t else f"steps {lo_t}–{hi_t}"
        return (f"{samples}, {steps}, {feature}: {value}{padded}"
                f"{' — an even sample of the cells' if grid.sampled else ''}")


# ---- lengths, padding layouts, mask, windows --------------------------------------------------
def length_bar(edges: np.ndarray, counts: np.ndarray, x: float) -> str:
    """The histogram bar under ``x``: ``length 17: 42 sequences`` (``lengths 10–19`` for wide bins)."""
    edges = np.asarray(edges, dtype=np.float64)
    if edges.size < 2 or not edges[0] <= x < edges[-1]:
        return ""
    b = int(np.searchsorted(edges, x, side="right") - 1)
    lo, hi = int(np.ceil(edges[b])), int(np.ceil(edges[b + 1])) - 1
    count = int(counts[b])
    lengths = f"length {lo}" if hi <= lo else f"lengths {lo}–{hi}"
    return f"{lengths}: {count:,} {'sequence' if count == 1 else 'sequences'}"


#: What a cell of a padding layout is (``core.padding_views.EMPTY/DATA/PAD/TRUNCATED``).
LAYOUT_WORDS = ("", "data", "padding", "cut off by truncation")


def layout_cell(layouts: PaddingLayouts, key: tuple[str, str], row: int, column: int) -> str:
    """A cell of one of the four padding layouts: which example sequence, which step, what it holds.

    ``padding='pre', truncating='post': sample 68 (length 7), tensor step 0: padding``.
    """
    classes = layouts.layouts[key]
    if not (0 <= row < classes.shape[0] and 0 <= column < classes.shape[1]):
        return ""
    kind = LAYOUT_WORDS[int(classes[row, column])]
    if not kind:
        return ""
    padding, truncating = key
    step = (column - layouts.frame[0]) * int(layouts.steps_per_column)
    where = f"tensor step {step}" if layouts.frame[0] <= column < layouts.frame[1] else "outside the tensor"
    return (f"padding='{padding}', truncating='{truncating}': sample {int(layouts.rows[row])} "
            f"(length {int(layouts.lengths[row]):,}), {where}: {kind}")


#: What a step of the mask preview is (``core.padding_views.MASK_*``).
MASK_WORDS = {1: "seen by the model", 2: "padding, skipped by Masking",
              3: "real data skipped by Masking (every feature equals the pad value)",
              4: "padding that Masking does NOT skip (a feature differs from the pad value)"}


def mask_cell(rows: np.ndarray, classes: np.ndarray, row: int, step: int) -> str:
    """A step of the mask preview: ``sample 12, step 4: seen by the model``."""
    if not (0 <= row < classes.shape[0] and 0 <= step < classes.shape[1]):
        return ""
    return f"sample {int(rows[row])}, step {step}: {MASK_WORDS.get(int(classes[row, step]), '')}"


def series_row(values: np.ndarray, name: str, row: int, window: int, stride: int, horizon: int, n_windows: int) -> str:
    """A row of a single series under sliding windows: its value and which samples use it.

    ``row 120, temperature: 12.3 — in samples 11–12, the target of sample 10``; a row no window
    or target reaches is said to be dropped.
    """
    values = np.asarray(values)
    if not 0 <= row < values.shape[0]:
        return ""
    text = f"row {row}, {name}: {number_text(values[row])}"
    if n_windows <= 0 or window <= 0 or stride <= 0:
        return text
    first = max(0, -(-(row - window + 1) // stride))
    last = min(n_windows - 1, row // stride)
    uses = [f"in sample {first}" if first == last else f"in samples {first}–{last}"] if first <= last else []
    if horizon > 0:
        offset = row - window - horizon + 1
        if offset >= 0 and offset % stride == 0 and offset // stride < n_windows:
            uses.append(f"the target of sample {offset // stride}")
    return text + " — " + (", ".join(uses) if uses else "used by no sample (dropped)")


def window_bar(starts: np.ndarray, indices: np.ndarray, window: int, targets: np.ndarray, k: int,
               row: float | None = None) -> str:
    """Drawn window ``k``: ``sample 12: series rows 100–149, target row 155``; with ``row`` (the
    pointer's series row) "" unless the pointer is on the window or its line to the target."""
    if not 0 <= k < len(indices):
        return ""
    start = int(starts[k])
    if row is not None and not start - 0.5 <= row <= max(start + int(window) - 1, int(targets[k])) + 0.5:
        return ""
    text = f"sample {int(indices[k])}: series rows {start}–{start + int(window) - 1}"
    return text + (f", target row {int(targets[k])}" if int(targets[k]) >= 0 else "")


# ---- training curves and results ---------------------------------------------------------------
def metric_text(value: Any) -> str:
    """A metric in a readout: four significant digits, ``NaN``, or ``—`` when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    if not np.isfinite(number):
        return "NaN" if np.isnan(number) else "—"
    return f"{number:.4g}"


def curves_at(x: float, curves: Sequence[tuple[str, np.ndarray, np.ndarray]], whole: bool = True) -> str:
    """Every curve's value at the epoch under the pointer: ``epoch 7: loss 0.42, val_loss 0.51``.

    ``curves`` are ``(name, xs, ys)``. With ``whole`` the pointer snaps to the nearest whole epoch
    and a curve contributes its point at that epoch; a curve with points between epochs (recent
    batches) contributes its point nearest the pointer, within half an epoch.
    """
    epoch = int(np.floor(x + 0.5)) if whole else x
    parts = []
    for name, xs, ys in curves:
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        if xs.size == 0:
            continue
        target = float(epoch) if whole and np.all(xs == np.round(xs)) else float(x)
        i = int(np.argmin(np.abs(xs - target)))
        if abs(xs[i] - target) <= 0.5:
            parts.append(f"{name} {metric_text(ys[i])}")
    if not parts:
        return ""
    return f"epoch {epoch}: " + ", ".join(parts)


def confusion_cell(matrix: np.ndarray, names: Sequence[str], row: int, column: int) -> str:
    """A confusion-matrix cell: ``true 'cat', predicted 'dog': 3 samples (12% of the true 'cat')``."""
    matrix = np.asarray(matrix)
    if not (0 <= row < matrix.shape[0] and 0 <= column < matrix.shape[1]):
        return ""
    count = int(matrix[row, column])
    total = float(matrix[row].sum())
    share = f" ({count / total:.0%} of the true '{names[row]}')" if total > 0 else ""
    verdict = "right" if row == column else "wrong"
    return (f"true '{names[row]}', predicted '{names[column]}': {count:,} "
            f"{'sample' if count == 1 else 'samples'}{share}, {verdict}")


def nearest_prediction(pairs: np.ndarray, x: float, y: float, x_span: float, y_span: float,
                       reach: float = 0.03) -> str:
    """The prediction-vs-truth dot nearest the pointer (within ``reach`` of the visible spans):
    ``validation sample 17: truth 1.23, prediction 1.1 (error -0.13)``; "" when none is near."""
    pairs = np.asarray(pairs, dtype=np.float64)
    if pairs.size == 0 or not (x_span > 0 and y_span > 0):
        return ""
    truth, prediction = pairs[:, 1], pairs[:, 0]
    distance = np.hypot((truth - x) / x_span, (prediction - y) / y_span)
    distance[~np.isfinite(distance)] = np.inf
    i = int(np.argmin(distance))
    if not distance[i] <= reach:
        return ""
    return (f"validation sample {i}: truth {number_text(truth[i])}, prediction {number_text(prediction[i])} "
            f"(error {number_text(prediction[i] - truth[i])})")
