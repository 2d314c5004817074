"""The value under the pointer in words (core.readout): one wording for every plot of the window."""

from __future__ import annotations

import json

import numpy as np

from core import padding_views as pv
from core import readout as ro
from core import tensor_views as tv
from core.dataset import SequenceDataset, SourceInfo
from core.loaders import load
from core.options import PaddingOptions, WindowOptions
from core.shaping.tensorize import shape_dataset
from core.training.data import ArrayData


def long_csv(tmp_path):
    """Four sequences with the file's own ids (u0…u3), 2 to 5 steps long, two features."""
    path = tmp_path / "long.csv"
    rows = ["id,t,temp,hum"] + [f"u{s},{t},{s + t / 10},{50 + t}" for s in range(4) for t in range(s + 2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_cell_names_sample_id_step_feature_and_value_and_padding_as_padding(tmp_path):
    shaped = shape_dataset(load(long_csv(tmp_path)), PaddingOptions(padding="post"))
    readout = ro.TensorReadout.of(shaped)
    sample_id = shaped.dataset.sample_ids[1]
    value = float(shaped.x[1, 2, 0])
    assert readout.cell(1, 2, 0) == f"sample 1 (id '{sample_id}'), step 2, temp: {value:.6g}"
    length = int(shaped.original_lengths[1])
    assert readout.cell(1, length, 1).endswith(", hum: 0 (padding)")  # the step after the last real one
    assert readout.step(1, length) == f"sample 1 (id '{sample_id}'), step {length}: padding"
    assert readout.step(1, 0).startswith(f"sample 1 (id '{sample_id}'), step 0: temp ")
    assert readout.cell(99, 0, 0) == "" and readout.cell(0, 0, 5) == ""


def test_pre_padding_names_the_original_step(tmp_path):
    path = tmp_path / "seqs.json"
    path.write_text(json.dumps([[1, 2, 3], [4, 5], [6, 7, 8, 9]]), encoding="utf-8")
    shaped = shape_dataset(load(path), PaddingOptions(padding="pre"))  # [[0,1,2,3],[0,0,4,5],[6,7,8,9]]
    readout = ro.TensorReadout.of(shaped)
    assert readout.cell(1, 2, 0).startswith("sample 1, step 2 (original step 0), ")
    assert readout.cell(1, 2, 0).endswith(": 4")
    assert readout.cell(1, 0, 0).endswith(": 0 (padding)")
    assert readout.cell(2, 3, 0).startswith("sample 2, step 3, ")  # its own position: not repeated


def test_window_steps_name_their_series_row(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("a,b\n" + "\n".join(f"{i},{10 * i}" for i in range(20)) + "\n", encoding="utf-8")
    shaped = shape_dataset(load(path), None, WindowOptions(window=4, stride=3, horizon=1))
    assert ro.TensorReadout.of(shaped).cell(2, 1, 1) == "sample 2, step 1 (series row 7), b: 70"


def test_token_steps_say_the_word():
    x = np.array([[5, 1, 0]], dtype=np.int32)
    mask = np.array([[True, True, False]])
    dataset = SequenceDataset(x[mask][:, None], np.array([2]), ("token",), SourceInfo(None, "text"), kind="tokens",
                              vocabulary=("<pad>", "<unk>", "a", "b", "c", "cat")).validate()
    shaped = ArrayData(x, None, None, mask=mask, lengths=np.array([2]), dataset=dataset)
    readout = ro.TensorReadout.of(shaped)
    assert readout.cell(0, 0, 0) == "sample 0, step 0: 'cat' (token id 5)"
    assert readout.token(0, 2) == "sample 0, step 2: padding"


def test_a_block_names_its_ranges_and_mean_and_a_single_cell_block_the_cell():
    x = np.arange(40 * 6 * 2, dtype=np.float32).reshape(40, 6, 2)
    mask = np.ones((40, 6), dtype=bool)
    mask[:, 4:] = False
    shaped = ArrayData(x, None, None, mask=mask, lengths=mask.sum(axis=1), feature_names=("a", "b"))
    readout = ro.TensorReadout.of(shaped)
    small = tv.block_summary(x, mask, max_blocks=(40, 6, 2))
    assert readout.block(small, (3, 2, 1)) == readout.cell(3, 2, 1) == f"sample 3, step 2, b: {x[3, 2, 1]:g}"
    grid = tv.block_summary(x, mask, max_blocks=(4, 2, 2))  # 10 samples × 3 steps per block
    text = readout.block(grid, (12, 4, 0))
    expected = x[10:20, 3:4, 0].mean()  # steps 4-5 of the block are padding
    assert text == f"samples 10–19, steps 3–5, a: mean {expected:.6g} (67% padding)"


def test_padding_preview_and_window_readouts():
    lengths = np.array([3, 5, 5, 9, 12])
    edges, counts = pv.length_histogram(lengths)
    assert ro.length_bar(edges, counts, 5.2) == "length 5: 2 sequences"
    assert ro.length_bar(edges, counts, 100) == ""
    layouts = pv.padding_layouts(lengths, 6)
    key = ("pre", "post")
    shortest = int(np.argmin(layouts.lengths))
    first = layouts.frame[0]
    assert ro.layout_cell(layouts, key, shortest, first) == (  # pre-padding: the short sequence starts with padding
        f"padding='pre', truncating='post': sample {int(layouts.rows[shortest])} (length 3), tensor step 0: padding")
    longest = int(np.argmax(layouts.lengths))
    assert ro.layout_cell(layouts, key, longest, layouts.frame[1]).endswith("outside the tensor: cut off by truncation")
    series = np.arange(30, dtype=np.float64) * 0.5
    assert ro.series_row(series, "level", 8, window=4, stride=2, horizon=1, n_windows=13) == \
        "row 8, level: 4 — in samples 3–4, the target of sample 2"
    assert ro.series_row(series, "level", 29, window=4, stride=2, horizon=1, n_windows=13).endswith("used by no sample (dropped)")
    spans = pv.window_spans(30, WindowOptions(window=4, stride=2, horizon=1), max_windows=20)
    assert ro.window_bar(spans.starts, spans.indices, 4, spans.target_rows, 1) == "sample 1: series rows 2–5, target row 6"
    assert ro.window_bar(spans.starts, spans.indices, 4, spans.target_rows, 1, row=6.2) == "sample 1: series rows 2–5, target row 6"
    assert ro.window_bar(spans.starts, spans.indices, 4, spans.target_rows, 1, row=12.0) == ""  # beside the bar


def test_training_curves_and_results_readouts():
    epochs = np.arange(1, 6, dtype=np.float64)
    curves = [("loss", epochs, np.array([1.0, 0.8, 0.6, 0.5, 0.45])),
              ("val_loss", epochs, np.array([1.1, 0.9, 0.7, 0.65, np.nan])),
              ("recent batches", np.linspace(0.1, 5, 50), np.linspace(1.2, 0.4, 50))]
    text = ro.curves_at(3.2, curves)
    assert text.startswith("epoch 3: loss 0.6, val_loss 0.7, recent batches ")
    assert ro.curves_at(5.0, curves[:2]) == "epoch 5: loss 0.45, val_loss NaN"
    assert ro.curves_at(40.0, curves) == ""
    matrix = np.array([[8, 2], [1, 9]])
    assert ro.confusion_cell(matrix, ["cat", "dog"], 0, 1) == "true 'cat', predicted 'dog': 2 samples (20% of the true 'cat'), wrong"
    assert ro.confusion_cell(matrix, ["cat", "dog"], 1, 1).endswith("9 samples (90% of the true 'dog'), right")
    pairs = np.array([[1.1, 1.0], [2.5, 3.0]])  # (prediction, truth)
    assert ro.nearest_prediction(pairs, 3.0, 2.52, 4.0, 4.0) == "validation sample 1: truth 3, prediction 2.5 (error -0.5)"
    assert ro.nearest_prediction(pairs, 0.0, 4.0, 4.0, 4.0) == ""


def test_per_feature_volume_colours_each_feature_on_its_own_scale():
    rng = np.random.default_rng(0)
    x = np.stack([rng.uniform(0, 1, (20, 8)), rng.uniform(1000, 2000, (20, 8))], axis=2)
    grid = tv.block_summary(x, None, max_blocks=(20, 8, 2))
    lut = tv.lut_from_stops([(0.0, (0, 0, 0)), (1.0, (255, 255, 255))])
    flat = tv.volume_rgba(grid, lut, (128, 128, 128, 28))
    own = tv.volume_rgba(grid, lut, (128, 128, 128, 28), per_feature=True)
    # One scale: the small feature is all the bottom colour; its own scale spreads it out.
    assert flat[:, :, 0, 0].std() < 2 and own[:, :, 0, 0].std() > 40
    assert own[:, :, 1, 0].std() > 40
    np.testing.assert_array_equal(tv.column_levels(grid.mean)[1], tv.robust_levels(grid.mean[:, :, 1]))
