"""Sliding windows over one long series, as zero-copy strided views.

Sample ``i`` is the ``window`` rows starting at ``starts[i] = i * stride``; its target is
the target columns at row ``target_rows[i] = starts[i] + window + horizon - 1``
(``horizon=1`` predicts the step right after the window). There are as many samples as
start positions whose target row still lies inside the series::

    n_samples = (T - window - horizon) // stride + 1        (0 if T < window + horizon)

With ``horizon=0`` there is no target (``y`` is None) and every full window counts. This is
what ``keras.utils.timeseries_dataset_from_array(data[:-h], targets=data[window+h-1:],
sequence_length=window, sequence_stride=stride)`` yields, without copying the series:
``x`` is a read-only ``(n_samples, window, F)`` view and batches are copied on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.errors import ShapingError
from core.options import WindowOptions


@dataclass(frozen=True)
class Windows:
    """Windows over a ``(T, F)`` series; ``x`` and ``y`` are views of it (``y`` may be a small copy)."""

    x: np.ndarray  # (n_samples, window, F) read-only view
    y: np.ndarray | None  # (n_samples, n_targets), None when horizon == 0
    dropped_tail: int  # rows after the last row any sample uses (as input or target)
    options: WindowOptions
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    series_length: int

    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])

    @property
    def starts(self) -> np.ndarray:
        """``(n_samples,)`` first row of each window (computed on demand: windows cost O(1) memory)."""
        return np.arange(self.n_samples, dtype=np.int64) * self.options.stride

    @property
    def target_rows(self) -> np.ndarray | None:
        """``(n_samples,)`` row of each target, or None without a horizon."""
        if self.options.horizon == 0:
            return None
        return self.starts + (self.options.window + self.options.horizon - 1)

    @property
    def materialized_nbytes(self) -> int:
        """Bytes ``x`` would take as a real array (it is a view, so it takes none now)."""
        return int(np.prod(self.x.shape)) * self.x.dtype.itemsize

    def batch(self, start: int, size: int, copy: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Samples ``[start, start + size)`` as ``(x, y)``; contiguous copies unless ``copy=False``."""
        stop = min(start + size, self.n_samples)
        x = self.x[start:stop]
        y = None if self.y is None else self.y[start:stop]
        if copy:
            x = np.ascontiguousarray(x)
            y = None if y is None else np.ascontiguousarray(y)
        return x, y

    def iter_batches(self, size: int, copy: bool = True):
        """Yield every batch of ``size`` samples in order (the last may be shorter)."""
        for start in range(0, self.n_samples, size):
            yield self.batch(start, size, copy=copy)


def window_count(series_length: int, window: int, stride: int, horizon: int) -> int:
    """Number of samples :func:`make_windows` makes (see the module docstring); 0 for impossible options."""
    span = series_length - window - max(0, horizon)
    return 0 if span < 0 or window < 1 or stride < 1 else span // stride + 1


def default_window(series_length: int) -> WindowOptions:
    """The window used when none is chosen: 32 steps, or a quarter of a series shorter than 65.

    A fixed 32 would leave a 16-row series with no sample at all; a quarter of the series
    still gives several windows to learn from.
    """
    preferred = WindowOptions()
    usable = int(series_length) - preferred.horizon
    if usable >= 2 * preferred.window:
        return preferred
    return WindowOptions(window=max(2, usable // 4))  # one step is not a sequence


def make_windows(
    series: np.ndarray,
    options: WindowOptions | None = None,
    feature_names: tuple[str, ...] | None = None,
) -> Windows:
    """Cut a ``(T, F)`` series (or ``(T,)``, seen as one feature) into forecasting windows.

    Raises:
        ShapingError: window/stride below 1, horizon below 0, unknown target columns, or a
            series too short for one window plus its horizon.
    """
    series = np.asarray(series)
    if series.ndim == 1:
        series = series[:, None]
    options = options or default_window(series.shape[0])
    if series.ndim != 2:
        raise ShapingError(f"Windows are cut from a (timesteps, features) series, not an array of shape {series.shape}.")
    length, n_features = series.shape
    names = tuple(feature_names) if feature_names else tuple(f"feature_{i}" for i in range(n_features))
    window, stride, horizon = _checked(options)
    if window > length:
        raise ShapingError(
            f"A window of {window} steps does not fit in a series of {length} rows; use a window of at most {length}."
        )
    count = window_count(length, window, stride, horizon)
    if count == 0:
        raise ShapingError(
            f"A window of {window} steps plus a horizon of {horizon} needs at least {window + horizon} rows, "
            f"but the series has {length}; use a smaller window or horizon."
        )
    target_index = _target_columns(options.target_cols, names)

    all_windows = sliding_window_view(series, window, axis=0)  # (T - window + 1, F, window), a view
    x = all_windows[: (count - 1) * stride + 1 : stride].transpose(0, 2, 1)
    last_start = (count - 1) * stride
    if horizon == 0:
        y = None
        last_used = last_start + window
    else:
        first_target = window + horizon - 1
        rows = series[first_target : first_target + last_start + 1 : stride]
        y = rows[:, target_index]  # a view for a slice of columns, a small copy otherwise
        last_used = last_start + first_target + 1
    target_names = names[target_index] if isinstance(target_index, slice) else tuple(names[i] for i in target_index)
    return Windows(
        x=x,
        y=y,
        dropped_tail=length - last_used,
        options=options,
        feature_names=names,
        target_names=target_names,
        series_length=length,
    )


def _checked(options: WindowOptions) -> tuple[int, int, int]:
    values = {}
    for name, lowest in (("window", 1), ("stride", 1), ("horizon", 0)):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ShapingError(f"The {name} must be a whole number of steps, not {value!r}.")
        if value < lowest:
            raise ShapingError(f"The {name} must be at least {lowest} step{'s' if lowest != 1 else ''}, not {value}.")
        values[name] = int(value)
    return values["window"], values["stride"], values["horizon"]


def _target_columns(target_cols: tuple[str, ...] | None, names: tuple[str, ...]) -> slice | list[int]:
    if not target_cols:
        return slice(None)
    index = []
    for col in target_cols:
        if col in names:
            index.append(names.index(col))
        elif isinstance(col, str) and col.isdigit() and int(col) < len(names):
            index.append(int(col))
        else:
            raise ShapingError(f"The target column {col!r} is not in the series; its columns are {', '.join(names)}.")
    if index == list(range(index[0], index[-1] + 1)):
        return slice(index[0], index[-1] + 1)
    return index
