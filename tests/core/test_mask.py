"""step_mask follows Keras Masking; pad_value_collisions counts hidden real steps."""

from __future__ import annotations

import numpy as np
import pytest

from core.shaping.mask import pad_value_collisions, step_mask

keras = pytest.importorskip("keras")


def test_step_is_masked_only_when_all_features_equal_the_mask_value():
    x = np.array([[[0, 0], [0, 1], [1, 0], [0, 0]]], dtype=np.float32)
    np.testing.assert_array_equal(step_mask(x, 0.0), [[False, True, True, False]])


def test_matches_keras_masking_layer():
    rng = np.random.default_rng(0)
    x = rng.integers(-1, 2, size=(6, 5, 2)).astype(np.float32)
    layer = keras.layers.Masking(mask_value=-1.0)
    theirs = np.asarray(layer.compute_mask(x))
    np.testing.assert_array_equal(step_mask(x, -1.0), theirs)


def test_token_ids_follow_mask_zero():
    ids = np.array([[3, 4, 0, 0], [0, 0, 1, 2]], dtype=np.int32)
    theirs = np.asarray(keras.layers.Embedding(5, 2, mask_zero=True).compute_mask(ids))
    np.testing.assert_array_equal(step_mask(ids, 0), theirs)


def test_nan_mask_value_masks_nothing():
    x = np.full((1, 3, 2), np.nan)
    assert step_mask(x, np.nan).all()


def test_pad_value_collisions_counts_real_all_equal_steps():
    values = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
    assert pad_value_collisions(values, 0.0) == 2
    assert pad_value_collisions(values, 2.0) == 1
    assert pad_value_collisions(values, -1.0) == 0
    assert pad_value_collisions(np.array([0, 5, 0]), 0) == 2
    assert pad_value_collisions(np.empty((0, 3)), 0) == 0


def test_rejects_wrong_rank():
    with pytest.raises(ValueError):
        step_mask(np.zeros(4), 0)
