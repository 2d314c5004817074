"""Inputs larger than the memory budget: memory-mapped on load, trained batch by batch."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.cli import main as cli_main
from core.loaders import load
from core.options import LoadOptions


@pytest.fixture
def inputs_and_labels(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 20, 6)).astype(np.float32)  # 1.44 MB: over the 400 kB budget below
    y = (x[:, :, 0].mean(axis=1) > 0).astype(np.int64)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    return tmp_path / "x.npy", tmp_path / "y.npy", y


def test_labels_file_goes_with_a_memory_mapped_input(inputs_and_labels):
    x_path, y_path, y = inputs_and_labels
    dataset = load(x_path, LoadOptions(labels_file=y_path.name), budget_bytes=64_000)
    assert isinstance(dataset.values.base, np.memmap) or isinstance(dataset.values, np.memmap)
    assert dataset.labels.kind == "binary"
    np.testing.assert_array_equal(dataset.labels.values, y)


def test_labels_file_with_the_wrong_count_names_both(inputs_and_labels, tmp_path):
    x_path, _, _ = inputs_and_labels
    np.save(tmp_path / "short.npy", np.zeros(10, dtype=np.int64))
    from core.errors import LoadError

    with pytest.raises(LoadError, match="3000.*10|10.*3000"):
        load(x_path, LoadOptions(labels_file="short.npy"))


@pytest.mark.slow
def test_train_streams_an_input_larger_than_the_budget(inputs_and_labels, capsys):
    x_path, y_path, _ = inputs_and_labels
    code = cli_main(["train", str(x_path), "--labels", str(y_path), "--memory-budget", "400KB", "--epochs", "2",
                     "--layers", "lstm:4", "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert code == 0
    epochs = [line for line in lines if line["event"] == "epoch"]
    done = lines[-1]
    assert len(epochs) == 2 and done["event"] == "done"
    assert done["streaming"] is True  # read from the memory map batch by batch, never copied whole
