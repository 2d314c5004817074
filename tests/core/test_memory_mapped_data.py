"""A dense .npy larger than the memory budget stays on disk: loaded memory-mapped, shaped as a view."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import MemoryBudgetError
from core.loaders import load
from core.options import PaddingOptions
from core.shaping.tensorize import shape_dataset


@pytest.fixture
def big_npy(tmp_path):
    path = tmp_path / "big.npy"
    x = np.random.default_rng(0).normal(size=(400, 50, 8)).astype(np.float32)  # 640 kB
    np.save(path, x)
    return path, x


def test_array_over_budget_is_memory_mapped_not_refused(big_npy):
    path, x = big_npy
    dataset = load(path, budget_bytes=100_000)
    assert isinstance(dataset.values.base, np.memmap) or isinstance(dataset.values, np.memmap)
    shaped = shape_dataset(dataset, PaddingOptions(), budget_bytes=100_000)
    assert shaped.x.shape == (400, 50, 8)
    assert shaped.mask is None
    assert np.shares_memory(shaped.x, dataset.values)  # a view of the file, not a copy
    np.testing.assert_array_equal(shaped.x[123], x[123])


def test_padding_that_would_allocate_still_respects_the_budget(big_npy):
    path, _ = big_npy
    dataset = load(path, budget_bytes=100_000)
    with pytest.raises(MemoryBudgetError):
        shape_dataset(dataset, PaddingOptions(maxlen=60), budget_bytes=100_000)


def test_fortran_order_array_over_budget_is_refused(tmp_path):
    path = tmp_path / "fortran.npy"
    np.save(path, np.asfortranarray(np.zeros((200, 50, 8), dtype=np.float32)))
    with pytest.raises(MemoryBudgetError):
        load(path, budget_bytes=100_000)
