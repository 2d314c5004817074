"""shape_dataset: the single path from a dataset to model-ready tensors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dataset import Labels, SequenceDataset, SourceInfo
from core.errors import MemoryBudgetError, ShapingError
from core.options import PaddingOptions, WindowOptions
from core.shaping.tensorize import plan_shape, shape_dataset

SRC = SourceInfo(None, "npy")


def _ragged(lengths, features=2, labels=None, dtype=np.float32):
    rng = np.random.default_rng(1)
    seqs = [rng.normal(size=(n, features)).astype(dtype) + 3 for n in lengths]
    return SequenceDataset.from_sequences(seqs, SRC, labels=labels).validate()


def test_sequences_padded_with_mask_labels_and_memory():
    labels = Labels(np.array([0, 2, 1]), "multiclass", ("a", "b", "c"))
    ds = _ragged([2, 5, 3], labels=labels)
    shaped = shape_dataset(ds, PaddingOptions(maxlen=4, truncating="pre"))
    assert shaped.x.shape == (3, 4, 2) and shaped.x.dtype == np.float32
    assert shaped.input_shape == (4, 2)
    np.testing.assert_array_equal(shaped.lengths, [2, 4, 3])
    np.testing.assert_array_equal(shaped.truncated, [False, True, False])
    np.testing.assert_array_equal(shaped.mask.sum(axis=1), [2, 4, 3])
    np.testing.assert_array_equal(shaped.x[1], ds.sequence(1)[-4:])
    assert shaped.y.dtype == np.int64 and shaped.task == "multiclass" and shaped.n_classes == 3
    assert shaped.padding.maxlen == 4
    assert shaped.padded_fraction == pytest.approx(1 - 9 / 12)
    assert shaped.memory_bytes == shaped.x.nbytes + shaped.mask.nbytes == plan_shape(ds, shaped.padding).memory_bytes


def test_equal_length_has_no_mask_and_regression_labels_are_2d_float32():
    labels = Labels(np.array([0.5, 1.5, 2.5]), "regression")
    shaped = shape_dataset(_ragged([4, 4, 4], labels=labels), PaddingOptions())
    assert shaped.mask is None and shaped.padded_fraction == 0.0
    assert shaped.y.shape == (3, 1) and shaped.y.dtype == np.float32 and shaped.task == "regression"


def test_integer_features_become_float32_and_no_labels_means_no_task():
    shaped = shape_dataset(_ragged([1, 3], dtype=np.int64), None)
    assert shaped.x.dtype == np.float32 and shaped.y is None and shaped.task is None


def test_tokens_are_int32_ids_padded_with_zero():
    values = np.array([[5], [6], [7], [8], [9]], dtype=np.int32)
    ds = SequenceDataset(values, np.array([2, 3]), ("token",), SourceInfo(None, "text"), kind="tokens",
                         vocabulary=("<pad>", "<unk>") + tuple(f"w{i}" for i in range(8)))
    shaped = shape_dataset(ds, PaddingOptions(value=3.0, padding="pre"))
    np.testing.assert_array_equal(shaped.x, [[0, 5, 6], [7, 8, 9]])
    assert shaped.x.dtype == np.int32 and shaped.input_shape == (3,) and shaped.padding.value == 0.0


def test_sequence_labels_are_padded_like_inputs():
    ds = _ragged([2, 3])
    ds = ds.with_labels(Labels(np.array([1, 0, 2, 2, 1]), "sequence", ("x", "y", "z")))
    shaped = shape_dataset(ds, PaddingOptions(padding="pre"))
    np.testing.assert_array_equal(shaped.y, [[0, 1, 0], [2, 2, 1]])
    assert shaped.task == "sequence"


def test_series_becomes_zero_copy_windows_with_regression_targets():
    series = np.arange(200, dtype=np.float32).reshape(100, 2)
    ds = SequenceDataset(series, np.array([100]), ("a", "b"), SourceInfo(None, "csv-series"), kind="series")
    shaped = shape_dataset(ds, None, WindowOptions(10, 5, 1, ("b",)))
    assert shaped.x.shape == (18, 10, 2) and np.shares_memory(shaped.x, series)
    assert shaped.y.shape == (18, 1) and shaped.y[0, 0] == series[10, 1]
    assert shaped.task == "regression" and shaped.mask is None
    assert shaped.memory_bytes == 18 * 10 * 2 * 4
    assert shape_dataset(ds, None, None).x.shape[1] == WindowOptions().window


def test_several_series_cannot_be_windowed_and_short_series_is_explained():
    ds = SequenceDataset(np.zeros((10, 1)), np.array([5, 5]), ("a",), SRC, kind="series")
    with pytest.raises(ShapingError, match="one long series"):
        shape_dataset(ds, None, WindowOptions(2))
    short = SequenceDataset(np.zeros((10, 1)), np.array([10]), ("a",), SRC, kind="series")
    with pytest.raises(ShapingError, match="window"):
        shape_dataset(short, None, WindowOptions(32))


def test_budget_checked_before_allocating():
    with pytest.raises(MemoryBudgetError):
        shape_dataset(_ragged([3, 4]), PaddingOptions(maxlen=10**9))
    with pytest.raises(MemoryBudgetError):
        shape_dataset(_ragged([3, 4]), PaddingOptions(), budget_bytes=10)


@settings(max_examples=50, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 12), min_size=1, max_size=15),
    maxlen=st.one_of(st.none(), st.integers(1, 15)),
    padding=st.sampled_from(["pre", "post"]),
)
def test_plan_memory_estimate_covers_actual_bytes(lengths, maxlen, padding):
    ds = _ragged(lengths)
    if max(lengths) == 0 and maxlen is None:
        with pytest.raises(ShapingError, match="empty"):
            shape_dataset(ds, PaddingOptions(maxlen=maxlen))
        return
    plan = plan_shape(ds, PaddingOptions(maxlen=maxlen, padding=padding))
    shaped = shape_dataset(ds, PaddingOptions(maxlen=maxlen, padding=padding))
    actual = shaped.x.nbytes + (shaped.mask.nbytes if shaped.mask is not None else 0)
    assert plan.memory_bytes >= actual
    assert plan.shape == shaped.x.shape
    cells = shaped.x.shape[0] * shaped.x.shape[1]
    real = int(shaped.mask.sum()) if shaped.mask is not None else cells
    assert shaped.padded_fraction == pytest.approx(1 - real / cells if cells else 0.0)
