"""Splitting, standardisation and the memory-mapped scale path."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from core.shaping.standardize import Standardizer
from core.training.config import TrainingConfig
from core.training.data import ArrayData, prepare_fit_data, split_indices
from tests.core.training_helpers import tiny_spec


def test_split_is_seeded_and_disjoint():
    a = split_indices(100, 0.2, seed=3)
    b = split_indices(100, 0.2, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    train, val = a
    assert len(val) == 20 and len(train) == 80
    assert np.intersect1d(train, val).size == 0
    assert not np.array_equal(split_indices(100, 0.2, seed=4)[1], val)


def test_split_is_stratified():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    train, val = split_indices(100, 0.2, seed=0, labels=labels)
    assert np.bincount(labels[val]).tolist() == [10, 6, 4]
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(100))


def test_split_keeps_time_order_for_windows():
    train, val = split_indices(10, 0.3, seed=0, in_order=True)
    assert train.tolist() == list(range(7)) and val.tolist() == [7, 8, 9]


def test_standardisation_statistics_use_train_only_and_inputs_stay_raw():
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, size=(40, 8, 3)).astype(np.float32)
    x[:, 6:, :] = 0.0  # post padding
    mask = np.ones((40, 8), dtype=bool)
    mask[:, 6:] = False
    data = ArrayData(x, (np.arange(40) % 2), "binary", 2, mask=mask)
    spec = tiny_spec(t=8, f=3, kind="masking")
    fit = prepare_fit_data(spec, data, TrainingConfig(validation_split=0.25))
    train_idx = np.setdiff1d(np.arange(40), fit.val_indices)
    expected = x[train_idx][:, :6].reshape(-1, 3)
    np.testing.assert_allclose(fit.scaling.mean, expected.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(fit.scaling.std, expected.std(axis=0), rtol=1e-4)
    # The statistics go into the model's 'standardize' layer; the inputs stay raw, exactly the
    # tensor a user's own pad_sequences would make, so the saved model takes that tensor.
    train_order, _ = split_indices(40, 0.25, TrainingConfig().seed, labels=np.arange(40) % 2)
    np.testing.assert_array_equal(fit.x_train, x[train_order])
    spec_off = tiny_spec(t=8, f=3, kind="masking")
    fit_off = prepare_fit_data(spec_off, data, TrainingConfig(validation_split=0.25, standardize=False))
    assert fit_off.scaling is None


def test_real_step_standardised_onto_pad_value_is_nudged():
    scaling = Standardizer(np.array([1.0]), np.array([1.0]), mask_value=0.0)
    x = np.array([[[1.0], [2.0], [0.0]]], dtype=np.float32)  # step 0 becomes exactly 0 after scaling
    mask = np.array([[True, True, False]])
    out = scaling.transform(x, mask)
    assert out[0, 0, 0] != 0.0 and out[0, 2, 0] == 0.0


def test_tokens_are_not_scaled():
    x = np.random.default_rng(0).integers(1, 20, size=(30, 5)).astype(np.int32)
    data = ArrayData(x, np.arange(30) % 2, "binary", 2)
    from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec

    spec = ModelSpec(InputSpec("embedding", 5, 1, vocab_size=20, embedding_dim=4), (RecurrentLayerSpec(units=4),), HeadSpec("binary", 1))
    fit = prepare_fit_data(spec, data, TrainingConfig())
    assert fit.scaling is None and fit.x_train.dtype == np.int32
    assert set(np.unique(fit.x_train)) <= set(range(1, 20))


def test_chunked_statistics_match_numpy(tmp_path):
    x = np.random.default_rng(1).normal(3.0, 4.0, size=(200, 10, 3)).astype(np.float32)
    rows = np.arange(0, 200, 2)
    scaling = Standardizer().fit(x, rows=rows, chunk_bytes=4096)
    np.testing.assert_allclose(scaling.mean, x[rows].reshape(-1, 3).mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scaling.std, x[rows].reshape(-1, 3).std(axis=0), rtol=1e-5)


@pytest.mark.slow
def test_scale_path_streams_a_memory_map_without_materialising_it(tmp_path):
    from core.training import runner
    from core.training.reporter import RecordingReporter

    n, t, f = 1280, 64, 16  # 5.2 MB of float32
    path = tmp_path / "big.npy"
    rng = np.random.default_rng(0)
    array = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, t, f))
    array[:] = rng.normal(size=(n, t, f)).astype(np.float32)
    labels = (np.asarray(array[:, :, 0]).mean(axis=1) > 0).astype(np.int64)
    del array
    x = np.load(path, mmap_mode="r")
    data = ArrayData(x, labels, "binary", 2)
    budget = 2 << 20  # 2 MB, well below the 5 MB file
    config = TrainingConfig(epochs=1, batch_size=16, memory_budget=budget)
    spec = tiny_spec(t=t, f=f)
    runner.import_tensorflow()  # the import's own allocations are not the data's
    tracemalloc.start()
    fit = prepare_fit_data(spec, data, config)
    batches = sum(1 for _ in fit.x_train)  # one whole epoch read through tf.data
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert fit.streaming and batches == fit.steps_per_epoch == 64
    assert peak < path.stat().st_size / 2, f"peak {peak} bytes: the memory map was copied"

    reporter = RecordingReporter()
    result = runner.run(spec, data, config, reporter)
    assert reporter.begin["streaming"] is True
    assert result.epochs_run == 1 and np.isfinite(result.history["loss"][0])
    assert result.n_train == 1024 and result.n_val == 256
