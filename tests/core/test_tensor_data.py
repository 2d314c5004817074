"""Both forms of shaped data satisfy core.tensor_data.TensorData, and its members say the same thing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from core.loaders import load
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.shaping.tensorize import ShapedData, shape_dataset
from core.tensor_data import TensorData
from core.tensor_store import convert, open_store
from core.training.data import ArrayData, class_names, is_token_input

DEMOS = Path(__file__).resolve().parents[2] / "resources" / "demos"


def _shaped(name: str, options: LoadOptions | None = None, window: WindowOptions | None = None) -> ShapedData:
    dataset = load(DEMOS / name, options)
    return shape_dataset(dataset, PaddingOptions(), window)


@pytest.mark.parametrize(
    ("name", "window", "kind"),
    [
        ("JapaneseVowels_TRAIN.ts", None, "sequences"),  # ragged, padded and masked, nine speakers
        ("sentiment_reviews.txt", None, "tokens"),  # token ids with a vocabulary
        ("us_change_quarterly.csv", WindowOptions(window=8, stride=1, horizon=1, target_cols=("Consumption",)), "series"),
    ],
)
def test_shaped_data_from_real_files_is_tensor_data_with_the_datasets_facts(name, window, kind):
    shaped = _shaped(name, window=window)
    assert isinstance(shaped, TensorData)
    dataset = shaped.dataset
    assert shaped.kind == dataset.kind == kind
    assert shaped.labels is dataset.labels
    assert shaped.vocabulary is dataset.vocabulary
    assert shaped.sample_ids is dataset.sample_ids
    assert shaped.embeddings is dataset.embeddings
    assert shaped.n_samples == shaped.x.shape[0] == len(shaped.lengths) == len(shaped.original_lengths)
    assert is_token_input(shaped) == (kind == "tokens")
    if kind == "series":
        assert shaped.windows is not None and shaped.windows.target_names == ("Consumption",)
        assert shaped.class_names is None
    else:
        assert shaped.class_names == tuple(str(c) for c in dataset.labels.classes)
        assert class_names(shaped) == shaped.class_names


def test_array_data_is_tensor_data_and_fills_in_what_a_file_would_have_given():
    x = np.zeros((5, 4, 2), np.float32)
    mask = np.ones((5, 4), bool)
    mask[0, 3] = False
    data = ArrayData(x, np.array([0, 1, 0, 1, 1]), "binary", 2, mask=mask)
    assert isinstance(data, TensorData)
    assert data.dataset is None and data.labels is None and data.vocabulary is None
    assert data.sample_ids is None and data.embeddings is None and data.windows is None
    assert data.kind == "sequences"
    np.testing.assert_array_equal(data.lengths, [4, 4, 4, 4, 4])
    assert data.original_lengths is data.lengths  # nothing truncated here
    assert data.memory_bytes == x.nbytes + mask.nbytes
    assert data.n_samples == 5 and data.input_shape == (4, 2)
    assert class_names(data) == ("0", "1")  # no names given: the class indices
    tokens = ArrayData(np.ones((3, 6), np.int32), np.array([0, 1, 0]), "binary", 2)
    assert tokens.kind == "tokens" and is_token_input(tokens)


def test_array_data_with_a_dataset_reports_the_datasets_facts():
    shaped = _shaped("sentiment_reviews.txt")
    data = ArrayData(shaped.x, shaped.y, shaped.task, shaped.n_classes, dataset=shaped.dataset)
    assert isinstance(data, TensorData)
    assert data.kind == "tokens" and data.vocabulary == shaped.vocabulary and data.labels is shaped.labels
    assert class_names(data) == class_names(shaped)


def test_a_tensor_store_opens_as_tensor_data(tmp_path):
    path = DEMOS / "JapaneseVowels_TRAIN.ts"
    shaped = _shaped("JapaneseVowels_TRAIN.ts")
    convert(path, tmp_path / "store")
    store = open_store(tmp_path / "store")
    assert isinstance(store, TensorData)
    np.testing.assert_array_equal(np.asarray(store.x), shaped.x)
    np.testing.assert_array_equal(store.lengths, shaped.lengths)
    assert store.class_names == shaped.class_names and store.kind == "sequences"


def test_an_object_missing_a_member_is_not_tensor_data():
    members = {name for name, value in vars(TensorData).items() if isinstance(value, property)}
    assert {"x", "y", "mask", "lengths", "padding", "window", "feature_names", "sample_ids", "labels"} <= members
    everything = {name: None for name in members}
    assert isinstance(SimpleNamespace(**everything), TensorData)
    for name in ("x", "mask", "sample_ids"):
        assert not isinstance(SimpleNamespace(**{k: v for k, v in everything.items() if k != name}), TensorData)


def test_a_validation_file_cannot_be_shaped_like_a_tensor_store_and_says_so(tmp_path):
    from core.errors import TrainingError
    from core.training.job import shape_like

    convert(DEMOS / "JapaneseVowels_TRAIN.ts", tmp_path / "store")
    store = open_store(tmp_path / "store")
    with pytest.raises(TrainingError, match="JapaneseVowels_TEST.ts cannot be shaped like the training data"):
        shape_like(DEMOS / "JapaneseVowels_TEST.ts", LoadOptions(), store)
    shaped = shape_like(DEMOS / "JapaneseVowels_TEST.ts", LoadOptions(), _shaped("JapaneseVowels_TRAIN.ts"))
    assert isinstance(shaped, TensorData) and shaped.x.shape[1:] == _shaped("JapaneseVowels_TRAIN.ts").x.shape[1:]
