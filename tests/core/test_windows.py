"""Windows are zero-copy views equal to keras.utils.timeseries_dataset_from_array."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ShapingError
from core.options import WindowOptions
from core.shaping.windows import make_windows, window_count

keras = pytest.importorskip("keras")


def _keras_windows(data, window, stride, horizon):
    if horizon:
        ds = keras.utils.timeseries_dataset_from_array(
            data[:-horizon], targets=data[window + horizon - 1 :], sequence_length=window,
            sequence_stride=stride, batch_size=7, shuffle=False,
        )
        xs, ys = zip(*[(np.asarray(x), np.asarray(y)) for x, y in ds])
        return np.concatenate(xs), np.concatenate(ys)
    ds = keras.utils.timeseries_dataset_from_array(data, None, sequence_length=window, sequence_stride=stride,
                                                   batch_size=7, shuffle=False)
    return np.concatenate([np.asarray(x) for x in ds]), None


@pytest.mark.parametrize("window,stride,horizon", [(5, 1, 1), (4, 3, 2), (10, 7, 1), (1, 1, 1), (6, 2, 5), (50, 1, 10)])
def test_matches_keras_timeseries_dataset(window, stride, horizon):
    data = np.arange(60 * 3, dtype=np.float32).reshape(60, 3)
    ours = make_windows(data, WindowOptions(window, stride, horizon))
    x, y = _keras_windows(data, window, stride, horizon)
    np.testing.assert_array_equal(ours.x, x)
    np.testing.assert_array_equal(ours.y, y)
    assert ours.n_samples == window_count(60, window, stride, horizon) == len(x)


@pytest.mark.parametrize("window,stride", [(5, 1), (4, 3), (60, 1), (7, 10)])
def test_no_target_matches_keras_targets_none(window, stride):
    data = np.random.default_rng(0).normal(size=(60, 2)).astype(np.float32)
    ours = make_windows(data, WindowOptions(window, stride, 0))
    x, _ = _keras_windows(data, window, stride, 0)
    np.testing.assert_array_equal(ours.x, x)
    assert ours.y is None and ours.target_rows is None
    assert ours.dropped_tail == 60 - (ours.starts[-1] + window)


def test_windows_are_views_not_copies():
    data = np.zeros((1000, 4), dtype=np.float32)
    w = make_windows(data, WindowOptions(64, 1, 1))
    assert np.shares_memory(w.x, data)
    assert np.shares_memory(w.y, data)
    assert not w.x.flags.writeable
    assert w.materialized_nbytes == w.n_samples * 64 * 4 * 4


def test_targets_columns_starts_and_dropped_tail():
    data = np.arange(20 * 3).reshape(20, 3).astype(float)
    w = make_windows(data, WindowOptions(4, 3, 2, ("c", "a")), ("a", "b", "c"))
    assert w.n_samples == (20 - 4 - 2) // 3 + 1 == 5
    np.testing.assert_array_equal(w.starts, [0, 3, 6, 9, 12])
    np.testing.assert_array_equal(w.target_rows, w.starts + 5)
    np.testing.assert_array_equal(w.y, data[w.target_rows][:, [2, 0]])
    assert w.target_names == ("c", "a")
    assert w.dropped_tail == 20 - (17 + 1)


def test_batches_on_demand():
    data = np.arange(100, dtype=np.float32)[:, None]
    w = make_windows(data, WindowOptions(10, 1, 1))
    batches = list(w.iter_batches(32))
    assert [len(b[0]) for b in batches] == [32, 32, 26]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), w.x)
    x, y = w.batch(85, 32)
    assert x.shape == (5, 10, 1) and x.flags.c_contiguous and y.shape == (5, 1)


@pytest.mark.parametrize(
    "options,message",
    [
        (WindowOptions(0, 1, 1), "window must be at least 1"),
        (WindowOptions(5, 0, 1), "stride must be at least 1"),
        (WindowOptions(5, 1, -1), "horizon must be at least 0"),
        (WindowOptions(11, 1, 0), "does not fit in a series of 10 rows"),
        (WindowOptions(8, 1, 3), "needs at least 11 rows"),
        (WindowOptions(3, 1, 1, ("nope",)), "target column 'nope'"),
    ],
)
def test_bad_options_are_plain_errors(options, message):
    with pytest.raises(ShapingError, match=message):
        make_windows(np.zeros((10, 2)), options, ("a", "b"))


def test_default_window_fits_a_short_series():
    from core.shaping.windows import default_window

    assert default_window(1000).window == 32
    short = default_window(16)
    assert short.window == 3
    windows = make_windows(np.arange(16.0), None)
    assert windows.n_samples >= 4 and windows.x.shape[1] == 3


def test_default_window_keeps_32_while_the_series_has_room():
    from core.shaping.windows import default_window

    assert default_window(65).window == 32
    assert default_window(64).window == 15


def test_default_window_is_never_a_single_step():
    from core.shaping.windows import default_window

    assert default_window(5).window == 2
