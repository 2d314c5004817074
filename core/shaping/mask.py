"""Which steps a Keras model will treat as real, and pad values that would hide real data.

Keras' ``Masking(mask_value)`` skips a timestep only when *every* feature equals the mask
value; ``Embedding(mask_zero=True)`` skips token id 0. :func:`step_mask` reproduces both, so
the window can preview exactly what the model will ignore.
"""

from __future__ import annotations

import numpy as np


def step_mask(x: np.ndarray, mask_value: float = 0.0) -> np.ndarray:
    """``(N, T)`` bool: True for a real step, False for a step Keras would mask.

    ``x`` of shape ``(N, T, F)`` follows ``Masking`` (masked when all F features equal
    ``mask_value``); ``(N, T)`` token ids follow ``Embedding(mask_zero=True)`` when
    ``mask_value`` is 0 (masked where the id equals it). A NaN mask value masks nothing,
    as in Keras, because NaN never compares equal.
    """
    x = np.asarray(x)
    if x.ndim == 2:
        return x != mask_value
    if x.ndim != 3:
        raise ValueError(f"step_mask expects (N, T) or (N, T, F) data, got shape {x.shape}")
    return np.any(x != mask_value, axis=-1)


def pad_value_collisions(values: np.ndarray, pad_value: float, chunk_rows: int = 1 << 20) -> int:
    """How many real steps have every feature equal to ``pad_value``.

    ``values`` is the flat ``(total_steps, F)`` (or ``(total_steps,)``) real data. Each such
    step would be masked as if it were padding, silently dropping it from training. Reads
    ``chunk_rows`` rows at a time, so a large (or memory-mapped) array needs no full copy.
    """
    values = np.asarray(values)
    if values.size == 0:
        return 0
    flat = values.reshape(values.shape[0], -1)
    total = 0
    for start in range(0, flat.shape[0], chunk_rows):
        total += int(np.count_nonzero(np.all(flat[start : start + chunk_rows] == pad_value, axis=1)))
    return total
