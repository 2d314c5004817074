"""The Values view's numbers: one sample as the model receives it, and where each step came from."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import readout as ro
from core import tensor_views as tv
from core.loaders import load
from core.options import PaddingOptions, WindowOptions
from core.shaping.tensorize import shape_dataset

keras = pytest.importorskip("keras")


@pytest.fixture
def beginner_file(tmp_path):
    """The case every tutorial starts from: three ragged sequences of one feature."""
    path = tmp_path / "seqs.json"
    path.write_text(json.dumps([[1, 2, 3], [4, 5], [6, 7, 8, 9]]), encoding="utf-8")
    return path


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 3])
def test_values_equal_pad_sequences_and_origins_point_at_the_original_steps(beginner_file, padding, truncating, maxlen):
    seqs = [[1, 2, 3], [4, 5], [6, 7, 8, 9]]
    shaped = shape_dataset(load(beginner_file), PaddingOptions(maxlen=maxlen, padding=padding, truncating=truncating))
    expected = keras.utils.pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating, dtype="float32")
    for i, seq in enumerate(seqs):
        table = ro.step_table(shaped, i)
        np.testing.assert_array_equal(table.values[:, 0], expected[i])
        real_values = table.values[table.real, 0]
        # Every real step's origin is the index of that very value in the original sequence.
        np.testing.assert_array_equal(np.asarray(seq, dtype=np.float32)[table.origin[table.real]], real_values)
        assert (table.origin[~table.real] == -1).all()
        assert table.origin_name == "step"


def test_windows_say_which_series_row_each_step_is(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("a,b\n" + "\n".join(f"{i},{10 * i}" for i in range(20)) + "\n", encoding="utf-8")
    shaped = shape_dataset(load(path), None, WindowOptions(window=4, stride=3, horizon=1))
    table = ro.step_table(shaped, 2)
    assert table.origin_name == "row"
    np.testing.assert_array_equal(table.origin, [6, 7, 8, 9])
    np.testing.assert_array_equal(table.values[:, 0], [6, 7, 8, 9])
    assert table.label_word == "target" and table.label == "10, 100"


def test_class_labels_and_file_ids_are_named(tmp_path):
    path = tmp_path / "long.csv"
    rows = ["id,t,x,label"] + [f"u{s},{t},{s + t / 10},{'yes' if s % 2 else 'no'}" for s in range(4) for t in range(s + 2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    shaped = shape_dataset(load(path))
    table = ro.step_table(shaped, 1)
    assert table.sample_id == "u1"
    assert (table.label, table.label_word) == ("yes", "label")


def test_format_cell():
    assert ro.format_cell(np.int32(7), True) == "7"
    assert ro.format_cell(np.float32(0.1234567891), False) == "0.123457"
    assert ro.format_cell(1e-12, False) == "1e-12"
    assert ro.format_cell(float("nan"), False) == "nan"


def test_pick_cell_finds_the_first_block_a_ray_enters():
    x = np.zeros((4, 6, 3), dtype=np.float32)
    grid = tv.block_summary(x, None)
    assert grid.blocks == (4, 6, 3)
    # Straight down onto the top face above cell (2, 3): the top feature is hit first.
    assert tv.pick_cell((2.5, 3.5, 10.0), (2.5, 3.5, -10.0), grid) == (2, 3, 2)
    # From below, the bottom feature.
    assert tv.pick_cell((2.5, 3.5, -10.0), (2.5, 3.5, 10.0), grid) == (2, 3, 0)
    # Along the sample axis from in front: sample 0.
    assert tv.pick_cell((-5.0, 1.2, 1.5), (50.0, 1.2, 1.5), grid) == (0, 1, 1)
    # A ray that passes beside the box, or points away from it.
    assert tv.pick_cell((10.0, 10.0, 10.0), (20.0, 10.0, 10.0), grid) is None
    assert tv.pick_cell((2.5, 3.5, 10.0), (2.5, 3.5, 20.0), grid) is None


def test_pick_cell_maps_blocks_back_to_cells():
    x = np.zeros((1000, 6, 3), dtype=np.float32)
    grid = tv.block_summary(x, None)
    assert grid.blocks[0] < 1000
    sample, _, _ = tv.pick_cell((grid.blocks[0] - 0.5, 0.5, 10.0), (grid.blocks[0] - 0.5, 0.5, -10.0), grid)
    assert sample == int(grid.sample_edges[-2])  # the last block's first sample


def test_label_anchor_edges_run_along_their_axis():
    edges = tv.label_anchor_edges((4.0, 6.0, 3.0))
    for axis, candidates in enumerate(edges):
        assert len(candidates) == 4
        for mid, outward in candidates:
            assert mid[axis] == (4.0, 6.0, 3.0)[axis] / 2  # the middle of an edge along this axis
            assert outward[axis] == 0 and np.isclose(np.linalg.norm(outward), 1.0)
