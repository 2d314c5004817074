"""Tests for the Qt-free numbers behind the data views (block summaries, slices, layouts, windows)."""

from __future__ import annotations

import tracemalloc
from types import SimpleNamespace

import numpy as np
import pytest

from core import padding_views as pv
from core import tensor_views as tv
from core.shaping.mask import pad_value_collisions


def small_tensor():
    x = np.arange(4 * 4 * 2, dtype=np.float64).reshape(4, 4, 2)  # x[n, t, f] = 8n + 2t + f
    mask = np.ones((4, 4), dtype=bool)
    mask[3, 2:] = False  # sample 3 has two padded steps at the end
    return x, mask


def test_block_summary_exact_means_and_padded_share():
    x, mask = small_tensor()
    grid = tv.block_summary(x, mask, max_blocks=(2, 2, 1))
    assert grid.blocks == (2, 2, 1)
    assert not grid.sampled
    np.testing.assert_array_equal(grid.sample_edges, [0, 2, 4])
    np.testing.assert_array_equal(grid.timestep_edges, [0, 2, 4])
    np.testing.assert_array_equal(grid.feature_edges, [0, 2])
    # Block (0,0): rows 0-1, steps 0-1, both features → mean 4 + 1 + 0.5.
    assert grid.mean[0, 0, 0] == pytest.approx(5.5)
    assert grid.mean[0, 1, 0] == pytest.approx(9.5)
    assert grid.mean[1, 0, 0] == pytest.approx(21.5)
    # Block (1,1): only sample 2 is real there (sample 3 is padded) → 16 + 5 + 0.5.
    assert grid.mean[1, 1, 0] == pytest.approx(21.5)
    np.testing.assert_allclose(grid.padded_share[..., 0], [[0, 0], [0, 0.5]])


def test_block_summary_matches_brute_force_with_uneven_blocks_and_nan():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 11, 5)).astype(np.float32)
    x[2, 3, 1] = np.nan
    lengths = rng.integers(1, 12, size=7)
    mask = np.arange(11)[None, :] < lengths[:, None]
    grid = tv.block_summary(x, mask, max_blocks=(3, 4, 2))
    ne, te, fe = grid.edges
    for i in range(3):
        for j in range(4):
            for k in range(2):
                block = x[ne[i]:ne[i + 1], te[j]:te[j + 1], fe[k]:fe[k + 1]].astype(np.float64)
                real = mask[ne[i]:ne[i + 1], te[j]:te[j + 1], None] & np.isfinite(block)
                expected = block[real].mean() if real.any() else np.nan
                np.testing.assert_allclose(grid.mean[i, j, k], expected, rtol=1e-6, equal_nan=True)
                share = 1 - mask[ne[i]:ne[i + 1], te[j]:te[j + 1]].mean()
                assert grid.padded_share[i, j, k] == pytest.approx(share)


def test_fully_padded_block_is_nan_and_tokens_are_summarised_as_one_feature():
    ids = np.array([[5, 6, 0, 0], [7, 0, 0, 0]], dtype=np.int32)
    mask = ids != 0
    grid = tv.block_summary(ids, mask, max_blocks=(1, 2, 4))
    assert grid.shape == (2, 4, 1)
    assert grid.blocks == (1, 2, 1)
    assert grid.mean[0, 0, 0] == pytest.approx(6.0)
    assert np.isnan(grid.mean[0, 1, 0])
    assert grid.padded_share[0, 1, 0] == pytest.approx(1.0)


def test_block_summary_samples_huge_tensors_without_copying_them():
    x = np.ones((4000, 200, 10), dtype=np.float32)  # 8M cells, 32 MB
    mask = np.ones((4000, 200), dtype=bool)
    mask[:, 150:] = False
    tracemalloc.start()
    try:
        grid = tv.block_summary(x, mask, cell_budget=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert grid.sampled
    assert grid.cells_read <= 2_000_000
    assert peak < x.nbytes / 8
    assert np.nanmax(np.abs(grid.mean - 1.0)) == 0.0
    # Steps 150+ are padding: the last time blocks are (almost) fully padded, the first none.
    assert grid.padded_share[:, 0, 0].max() == 0.0
    assert grid.padded_share[:, -1, 0].min() == 1.0
    assert grid.sample_edges[-1] == 4000 and grid.timestep_edges[-1] == 200


def test_block_summary_exact_path_stays_small_too():
    x = np.zeros((3000, 40, 8), dtype=np.float32)  # below the budget: every cell is read
    tracemalloc.start()
    try:
        grid = tv.block_summary(x, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not grid.sampled and grid.cells_read == x.size
    assert peak < x.nbytes / 4
    assert np.all(grid.padded_share == 0)


def test_block_span_maps_cell_index_to_its_block():
    edges = np.array([0, 3, 7, 10])
    assert tv.block_span(edges, 0) == (0.0, 1.0)
    assert tv.block_span(edges, 3) == (1.0, 2.0)
    assert tv.block_span(edges, 9) == (2.0, 3.0)


def test_slices_have_nan_at_padding_and_the_right_shapes():
    x, mask = small_tensor()
    s = tv.sample_slice(x, mask, 3)
    assert s.values.shape == (4, 2)
    np.testing.assert_array_equal(s.step_mask, [True, True, False, False])
    assert np.isnan(s.values[2:]).all() and s.values[1, 1] == 27
    t = tv.timestep_slice(x, mask, 2)
    assert t.values.shape == (4, 2) and np.isnan(t.values[3]).all() and t.values[0, 0] == 4
    f = tv.feature_slice(x, mask, 1)
    assert f.values.shape == (4, 4) and f.values[1, 2] == 13 and np.isnan(f.values[3, 3])
    sampled = tv.feature_slice(np.zeros((1000, 3, 2)), None, 0, max_rows=10)
    assert sampled.values.shape == (10, 3)
    np.testing.assert_array_equal(sampled.rows, np.arange(0, 1000, 100))


def test_false_runs_and_label_ticks():
    starts, stops = tv.false_runs(np.array([False, True, True, False, False]))
    np.testing.assert_array_equal(starts, [0, 3])
    np.testing.assert_array_equal(stops, [1, 5])
    ticks = tv.label_ticks([f"f{i}" for i in range(100)], max_labels=5)
    assert len(ticks) == 5 and ticks[0] == (0.5, "f0")


def test_length_histogram_integer_bins_and_wide_range():
    edges, counts = pv.length_histogram(np.array([3, 3, 5, 7]))
    np.testing.assert_array_equal(edges, [2.5, 3.5, 4.5, 5.5, 6.5, 7.5])
    np.testing.assert_array_equal(counts, [2, 0, 1, 0, 1])
    lengths = np.arange(1, 1001)
    edges, counts = pv.length_histogram(lengths)
    assert len(counts) == 60 and counts.sum() == 1000 and edges[0] == 1


def test_padding_statistics():
    lengths = np.array([2, 4, 6, 8])
    assert pv.truncated_share(lengths, 5) == 0.5
    assert pv.padding_waste(lengths, 8) == pytest.approx(1 - 20 / 32)
    value, share = pv.suggest_maxlen(np.arange(1, 101), 95)
    assert value == 96 and share == pytest.approx(0.04)


def test_padding_layouts_four_combinations():
    lengths = np.array([2, 4, 6])
    layouts = pv.padding_layouts(lengths, maxlen=4, rows=np.array([0, 2]))
    D, P, T, E = pv.DATA, pv.PAD, pv.TRUNCATED, pv.EMPTY
    assert layouts.frame == (2, 6) and layouts.steps_per_column == 1
    # Columns: 2 overhang | 4 frame | 2 overhang. Row 0 has length 2, row 1 length 6.
    np.testing.assert_array_equal(layouts.layouts[("post", "post")], [[E, E, D, D, P, P, E, E], [E, E, D, D, D, D, T, T]])
    np.testing.assert_array_equal(layouts.layouts[("pre", "post")], [[E, E, P, P, D, D, E, E], [E, E, D, D, D, D, T, T]])
    np.testing.assert_array_equal(layouts.layouts[("pre", "pre")], [[E, E, P, P, D, D, E, E], [T, T, D, D, D, D, E, E]])
    np.testing.assert_array_equal(layouts.layouts[("post", "pre")], [[E, E, D, D, P, P, E, E], [T, T, D, D, D, D, E, E]])


def test_padding_layouts_compress_long_sequences_and_pick_examples():
    lengths = np.arange(1, 1001)
    layouts = pv.padding_layouts(lengths, maxlen=500, max_columns=100)
    assert layouts.steps_per_column > 1
    assert layouts.layouts[("post", "post")].shape[1] <= 100
    assert layouts.lengths[0] == 1 and layouts.lengths[-1] == 1000
    assert list(layouts.lengths) == sorted(layouts.lengths)


def test_mask_preview_flags_real_steps_equal_to_the_pad_value():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 3.0], [5.0, 5.0]]])
    mask = np.array([[True, True, False], [True, True, True]])
    preview = pv.mask_preview(x, mask, 0.0, np.array([0, 1]))
    np.testing.assert_array_equal(preview.masked, [[False, True, True], [True, False, False]])
    np.testing.assert_array_equal(preview.wrongly_masked, [[False, True, False], [True, False, False]])
    values = x.reshape(-1, 2)
    assert pad_value_collisions(values, 0.0, chunk_rows=2) == 3  # the one counter, read in chunks


@pytest.mark.parametrize("n_rows,window,stride,horizon", [(100, 10, 1, 1), (100, 10, 7, 3), (50, 8, 4, 0), (9, 10, 1, 1), (20, 5, 30, 1)])
def test_window_spans_match_brute_force(n_rows, window, stride, horizon):
    options = SimpleNamespace(window=window, stride=stride, horizon=horizon)
    spans = pv.window_spans(n_rows, options, max_windows=5)
    brute = [s for s in range(0, n_rows, stride) if s + window + max(horizon, 0) <= n_rows]
    assert spans.n_windows == len(brute)
    if not brute:
        assert spans.dropped_tail == n_rows and spans.starts.size == 0
        return
    assert spans.starts[0] == 0 and spans.starts[-1] == brute[-1]
    assert len(spans.starts) == min(5, len(brute))
    np.testing.assert_array_equal(spans.window_rows[:, 1] - spans.window_rows[:, 0], window)
    if horizon:
        np.testing.assert_array_equal(spans.target_rows, spans.starts + window + horizon - 1)
    else:
        assert (spans.target_rows == -1).all()
    assert spans.dropped_tail == n_rows - (brute[-1] + window + horizon)


def test_robust_levels_ignore_outliers_nan_and_constant_data():
    values = np.concatenate([np.linspace(0, 1, 1000), [1e9, np.nan]])
    lo, hi = tv.robust_levels(values)
    assert 0 <= lo < 0.05 and 0.95 < hi < 1.1
    assert tv.robust_levels(np.full(10, 3.0))[0] < 3.0 < tv.robust_levels(np.full(10, 3.0))[1]
    assert tv.robust_levels(np.array([np.nan])) == (0.0, 1.0)


def test_colour_mapping_and_volume():
    lut = tv.lut_from_stops([(0.0, (0, 0, 0)), (1.0, (255, 255, 255))], size=256)
    assert lut.shape == (256, 4) and lut[0, 0] == 0 and lut[-1, 0] == 255 and lut[128, 3] == 255
    rgba = tv.map_colours(np.array([0.0, 1.0, np.nan, 5.0]), (0.0, 1.0), lut, nan_rgba=(9, 9, 9, 9))
    np.testing.assert_array_equal(rgba[:, 0], [0, 255, 9, 255])
    x, mask = small_tensor()
    grid = tv.block_summary(x, mask, max_blocks=(2, 2, 1))
    volume = tv.volume_rgba(grid, lut, pad_rgba=(100, 100, 100, 20), levels=(0.0, 32.0), data_alpha=200)
    assert volume.shape == (2, 2, 1, 4) and volume.dtype == np.uint8
    assert volume[0, 0, 0, 3] == 200
    assert volume[1, 1, 0, 3] == 110  # half padded: halfway between 200 and 20
    classes = tv.class_rgba(np.array([[0, 1], [2, 3]]), np.arange(16, dtype=np.uint8).reshape(4, 4))
    assert classes.shape == (2, 2, 4) and classes[1, 1, 0] == 12


def test_box_geometry():
    vertices, faces = tv.box_mesh((0, 0, 0), (1, 2, 3))
    assert vertices.shape == (8, 3) and faces.shape == (12, 3)
    np.testing.assert_array_equal(vertices.max(axis=0), [1, 2, 3])
    edges = tv.box_edges((0, 0, 0), (1, 1, 1))
    lengths = np.linalg.norm(edges[1::2] - edges[0::2], axis=1)
    np.testing.assert_array_equal(lengths, np.ones(12))


def test_mask_classes_and_tensor_levels():
    preview = pv.MaskPreview(np.array([0]), np.array([[False, True, True, False]]), np.array([[True, True, False, False]]))
    np.testing.assert_array_equal(
        preview.classes, [[pv.MASK_KEPT, pv.MASK_COLLISION, pv.MASK_SKIPPED, pv.MASK_UNMASKED_PAD]]
    )
    x = np.zeros((10, 3, 2))
    x[:, 0] = 5.0
    mask = np.zeros((10, 3), dtype=bool)
    mask[:, 0] = True  # only the 5s are real: the zeros are padding and must not set the scale
    lo, hi = tv.tensor_levels(x, mask)
    assert lo < 5.0 < hi and hi - lo <= 1.0


def test_token_strip_turns_ids_into_words_and_classes():
    from core.readout import TOKEN_PAD, TOKEN_UNKNOWN, TOKEN_WORD, token_strip

    x = np.array([[4, 1, 2, 0, 0], [3, 3, 9, 2, 4]], dtype=np.int32)
    mask = x != 0
    vocabulary = ("<pad>", "<unk>", "the", "film", "good")
    strip = token_strip(x, mask, 0, vocabulary)
    assert strip.words == ("good", "<unk>", "the", "", "")
    assert strip.classes.tolist() == [TOKEN_WORD, TOKEN_UNKNOWN, TOKEN_WORD, TOKEN_PAD, TOKEN_PAD]
    assert strip.ids.tolist() == [4, 1, 2, -1, -1]
    # An id outside the vocabulary is shown by number, never an IndexError.
    assert token_strip(x, mask, 1, vocabulary).words[2] == "#9"
    # Without a vocabulary the ids are still shown.
    assert token_strip(x, None, 1, None).words[:2] == ("#3", "#3")
