"""Standardizer: statistics from real steps only; padding stays the pad value."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ShapingError
from core.shaping.padding import pad, real_cells_mask
from core.shaping.standardize import Standardizer


def _padded():
    rng = np.random.default_rng(0)
    lengths = np.array([3, 7, 1, 5])
    values = rng.normal(loc=[10.0, -4.0], scale=[2.0, 0.5], size=(lengths.sum(), 2))
    x = pad(values, lengths, value=0.0)
    return values, x, real_cells_mask(lengths, x.shape[1])


def test_statistics_ignore_padding():
    values, x, mask = _padded()
    s = Standardizer().fit(x, mask)
    np.testing.assert_allclose(s.mean, values.mean(axis=0))
    np.testing.assert_allclose(s.std, values.std(axis=0))


def test_transform_is_float32_standardised_and_keeps_pad_cells():
    values, x, mask = _padded()
    out = Standardizer().fit_transform(x, mask)
    assert out.dtype == np.float32
    real = out[mask]
    np.testing.assert_allclose(real.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(real.std(axis=0), 1, atol=1e-4)
    assert np.all(out[~mask] == 0.0)


def test_constant_feature_gets_std_one_and_no_mask_uses_everything():
    x = np.stack([np.full((4, 3), 5.0), np.arange(12.0).reshape(4, 3)], axis=-1)
    s = Standardizer().fit(x)
    assert s.std[0] == 1.0
    np.testing.assert_allclose(s.transform(x)[..., 0], 0.0)


def test_fit_on_train_only_then_apply_elsewhere_and_round_trip():
    _, x, mask = _padded()
    s = Standardizer().fit(x[:2], mask[:2])
    again = Standardizer.from_dict(s.to_dict())
    np.testing.assert_array_equal(again.transform(x, mask), s.transform(x, mask))
    assert Standardizer.from_dict({"mean": None, "std": None}).fitted is False


def test_errors_are_plain():
    with pytest.raises(ShapingError, match="not been fitted"):
        Standardizer().transform(np.zeros((1, 2, 3)))
    s = Standardizer().fit(np.zeros((1, 2, 3)))
    with pytest.raises(ShapingError, match="3 features"):
        s.transform(np.zeros((1, 2, 4)))
    with pytest.raises(ShapingError, match="mask"):
        Standardizer().fit(np.zeros((1, 2, 3)), np.ones((2, 2), bool))


def test_chunked_fit_over_rows_of_a_memory_map_matches_one_pass(tmp_path):
    values, x, mask = _padded()
    path = tmp_path / "x.npy"
    np.save(path, np.repeat(x, 50, axis=0))
    big = np.load(path, mmap_mode="r")
    big_mask = np.repeat(mask, 50, axis=0)
    rows = np.arange(0, big.shape[0], 3)[::-1]  # any order: read sorted
    chunked = Standardizer().fit(big, big_mask, rows=rows, chunk_bytes=200)
    expected = np.asarray(big)[rows][big_mask[rows]]
    np.testing.assert_allclose(chunked.mean, expected.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(chunked.std, expected.std(axis=0), rtol=1e-12)


def test_mask_value_finds_padding_keeps_it_and_round_trips():
    values, x, mask = _padded()
    s = Standardizer(mask_value=0.0).fit(x)  # no mask: the all-0.0 steps are padding
    np.testing.assert_allclose(s.mean, values.mean(axis=0))
    out = s.transform(x)
    np.testing.assert_array_equal(out, Standardizer().fit(x, mask).transform(x, mask))
    again = Standardizer.from_dict(s.to_dict())
    assert again.mask_value == 0.0
    np.testing.assert_array_equal(again.transform(x), out)
