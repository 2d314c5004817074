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
