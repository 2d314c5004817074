"""pad() against keras.utils.pad_sequences, plus invariants and plain-word errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import MemoryBudgetError, ShapingError
from core.shaping.padding import pad, padded_lengths, padded_nbytes, real_cells_mask

keras = pytest.importorskip("keras")

SIDES = ("pre", "post")


def _flat(sequences):
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    return np.concatenate(sequences, axis=0), lengths


def _random_ragged(rng, n, max_len, features=None, dtype=np.float32, allow_empty=True):
    low = 0 if allow_empty else 1
    lengths = rng.integers(low, max_len + 1, n)
    lengths[0] = max(lengths[0], 1)  # Keras takes the feature shape from a non-empty sequence
    shape = lambda length: (length,) if features is None else (length, features)  # noqa: E731
    return [rng.normal(size=shape(int(length))).astype(dtype) * 5 for length in lengths]


@pytest.mark.parametrize("padding,truncating", list(itertools.product(SIDES, SIDES)))
@pytest.mark.parametrize("maxlen", [None, 1, 4, 7, 30])
@pytest.mark.parametrize("features", [None, 3])
def test_matches_keras_for_every_side_and_maxlen(padding, truncating, maxlen, features):
    rng = np.random.default_rng(7)
    sequences = _random_ragged(rng, 40, 12, features)
    values, lengths = _flat(sequences)
    ours = pad(values, lengths, maxlen, padding, truncating, value=-1.5, dtype="float32")
    theirs = keras.utils.pad_sequences(sequences, maxlen, "float32", padding, truncating, -1.5)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("padding,truncating", list(itertools.product(SIDES, SIDES)))
def test_int_tokens_match_keras_default_dtype(padding, truncating):
    rng = np.random.default_rng(3)
    sequences = [rng.integers(1, 50, int(n)) for n in rng.integers(1, 20, 100)]
    values, lengths = _flat(sequences)
    ours = pad(values, lengths, 10, padding, truncating, 0, "int32")
    np.testing.assert_array_equal(ours, keras.utils.pad_sequences(sequences, 10, padding=padding, truncating=truncating))


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 9), min_size=1, max_size=12).filter(lambda ls: max(ls) > 0),
    maxlen=st.one_of(st.none(), st.integers(1, 12)),
    padding=st.sampled_from(SIDES),
    truncating=st.sampled_from(SIDES),
    features=st.integers(1, 3),
    value=st.sampled_from([0.0, -1.0, 7.5]),
)
def test_hypothesis_matches_keras_and_invariants(lengths, maxlen, padding, truncating, features, value):
    rng = np.random.default_rng(len(lengths))
    sequences = [rng.normal(size=(n, features)) for n in lengths]
    values, lens = _flat(sequences)
    out = pad(values, lens, maxlen, padding, truncating, value)
    assert out.dtype == np.float64  # dtype=None keeps float data float
    expected_t = max(lengths) if maxlen is None else maxlen
    assert out.shape == (len(lengths), expected_t, features)
    assert out.nbytes <= padded_nbytes(len(lengths), expected_t, (features,), out.dtype)
    np.testing.assert_array_equal(out, keras.utils.pad_sequences(sequences, maxlen, "float64", padding, truncating, value))
    kept = padded_lengths(lens, expected_t)
    mask = real_cells_mask(lens, expected_t, padding)
    for i, seq in enumerate(sequences):  # per-sequence check of the invariant, test-side only
        piece = seq[-kept[i]:] if truncating == "pre" and kept[i] else seq[: kept[i]]
        np.testing.assert_array_equal(out[i][mask[i]], piece)
        assert np.all(out[i][~mask[i]] == value)


def test_one_dimensional_values_give_two_dimensional_output():
    out = pad(np.array([1, 2, 3, 4, 5]), np.array([2, 0, 3]), padding="pre")
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 0, 0], [3, 4, 5]])
    assert out.dtype == np.array([1]).dtype


def test_floats_stay_float_unlike_keras_default():
    out = pad(np.array([0.7, -1.9]), np.array([1, 1]))
    np.testing.assert_array_equal(out, [[0.7], [-1.9]])
    assert keras.utils.pad_sequences([[0.7], [-1.9]]).tolist() == [[0], [-1]]


def test_zero_samples_and_all_empty():
    assert pad(np.empty((0, 2)), np.empty(0, dtype=np.int64)).shape == (0, 0, 2)
    assert pad(np.empty((0, 2)), np.empty(0, dtype=np.int64), maxlen=5).shape == (0, 5, 2)
    out = pad(np.empty((0, 2)), np.array([0, 0]), maxlen=3, value=9)
    assert out.shape == (2, 3, 2) and np.all(out == 9)


def test_maxlen_smaller_than_every_sequence():
    values = np.arange(20.0)
    out = pad(values, np.array([10, 10]), maxlen=2, truncating="pre")
    np.testing.assert_array_equal(out, [[8, 9], [18, 19]])


@pytest.mark.parametrize("maxlen", [0, -3, 2.5, "ten"])
def test_bad_maxlen_is_a_plain_shaping_error(maxlen):
    with pytest.raises(ShapingError, match="maxlen"):
        pad(np.arange(3.0), np.array([3]), maxlen=maxlen)


def test_bad_sides_and_lengths():
    with pytest.raises(ShapingError, match="padding"):
        pad(np.arange(3.0), np.array([3]), padding="middle")
    with pytest.raises(ShapingError, match="truncating"):
        pad(np.arange(3.0), np.array([3]), truncating="left")
    with pytest.raises(ShapingError, match="add up to 4"):
        pad(np.arange(3.0), np.array([1, 3]))
    with pytest.raises(ShapingError, match="negative"):
        pad(np.arange(3.0), np.array([4, -1]))


def test_absurd_maxlen_is_refused_before_allocating():
    with pytest.raises(MemoryBudgetError, match="memory budget"):
        pad(np.zeros((3, 4)), np.array([3]), maxlen=10**12)
    with pytest.raises(MemoryBudgetError):
        pad(np.zeros((3, 4)), np.array([3]), maxlen=1000, budget_bytes=1000)


def test_large_maxlen_uses_run_masks_and_still_matches():
    sequences = [np.arange(n, dtype=np.float32) for n in (1, 5000, 3)]
    values, lengths = _flat(sequences)
    for padding, truncating in itertools.product(SIDES, SIDES):
        out = pad(values, lengths, 4000, padding, truncating)
        np.testing.assert_array_equal(out, keras.utils.pad_sequences(sequences, 4000, "float32", padding, truncating))


def test_non_contiguous_values_and_dtype_cast():
    values = np.arange(24.0).reshape(6, 4)[:, ::2]  # a strided view
    out = pad(values, np.array([2, 4]), maxlen=3, dtype="int16")
    expected = keras.utils.pad_sequences([values[:2], values[2:]], 3, "int16", "post", "post")
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.int16
