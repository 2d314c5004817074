"""default_spec picks a model that fits the shaped data; spec_fits_data names every mismatch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.dataset import SequenceDataset, SourceInfo, default_feature_names
from core.model.defaults import default_spec, spec_fits_data
from core.model.spec import HeadSpec, InputSpec, RecurrentLayerSpec
from core.options import PaddingOptions, WindowOptions
from core.tensor_data import TensorData
from core.training.data import ArrayData


def fake_shaped(
    x: np.ndarray,
    *,
    lengths=None,
    y=None,
    task=None,
    n_classes=None,
    kind="sequences",
    vocabulary=None,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
) -> ArrayData:
    """Arrays with the dataset they were read from: a :class:`core.tensor_data.TensorData`, as the model code reads."""
    n, t = x.shape[:2]
    lengths = np.full(n, t, dtype=np.int64) if lengths is None else np.asarray(lengths, dtype=np.int64)
    padding = padding or PaddingOptions(maxlen=t)
    mask = np.arange(t)[None, :] < lengths[:, None]
    real = x[mask]
    values = real.reshape(len(real), -1)
    dataset = SequenceDataset(values, lengths, default_feature_names(values.shape[1]), SourceInfo(None, "npy"),
                              kind=kind, vocabulary=vocabulary).validate()
    shaped = ArrayData(x, y, task, n_classes, mask=mask, lengths=lengths, padding=padding, window=window, dataset=dataset)
    assert isinstance(shaped, TensorData)
    return shaped


def test_padded_float_sequences_get_masking_with_the_pad_value_and_a_binary_head() -> None:
    shaped = fake_shaped(
        np.zeros((4, 6, 3), np.float32),
        lengths=[6, 3, 2, 6],
        y=np.array([0, 1, 1, 0]),
        task="binary",
        n_classes=2,
        padding=PaddingOptions(maxlen=6, value=-1.0),
    )
    spec = default_spec(shaped)
    assert spec.input == InputSpec(kind="masking", timesteps=6, features=3, mask_value=-1.0)
    assert spec.layers == (RecurrentLayerSpec(kind="LSTM", units=64),)  # the plain script's size (README)
    assert spec.head == HeadSpec(task="binary", n_outputs=1)
    assert spec_fits_data(spec, shaped) == []


def test_tokens_get_an_embedding_sized_to_the_vocabulary() -> None:
    vocabulary = ("<pad>", "<unk>", "a", "b", "c")
    x = np.array([[2, 3, 0], [4, 0, 0]], dtype=np.int32)
    shaped = fake_shaped(
        x, lengths=[2, 1], y=np.array([0, 2]), task="multiclass", n_classes=3, kind="tokens", vocabulary=vocabulary
    )
    spec = default_spec(shaped)
    assert (spec.input.kind, spec.input.vocab_size, spec.input.embedding_dim, spec.input.mask_zero) == (
        "embedding",
        5,
        32,
        True,
    )
    assert spec.input.timesteps == 3
    assert spec.head == HeadSpec(task="multiclass", n_outputs=3)
    assert spec_fits_data(spec, shaped) == []
    unmasked = replace(spec, input=replace(spec.input, mask_zero=False))
    assert any("turn mask_zero on" in p for p in spec_fits_data(unmasked, shaped))
    small = replace(spec, input=replace(spec.input, vocab_size=4))
    (problem,) = spec_fits_data(small, shaped)
    assert "token id 4" in problem and "at least 5" in problem


def test_windows_and_equal_lengths_feed_features_directly() -> None:
    windows = fake_shaped(
        np.zeros((10, 8, 2), np.float32),
        y=np.zeros((10, 2), np.float32),
        task="regression",
        window=WindowOptions(window=8),
    )
    spec = default_spec(windows)
    assert spec.input == InputSpec(kind="dense", timesteps=8, features=2)
    assert spec.head == HeadSpec(task="regression", n_outputs=2)
    assert spec_fits_data(spec, windows) == []
    equal = fake_shaped(np.zeros((3, 5, 1), np.float32), y=np.array([0, 1, 2]), task="multiclass", n_classes=3)
    assert default_spec(equal).input.kind == "dense"


def test_sequence_labels_get_a_per_step_head() -> None:
    classes = fake_shaped(
        np.zeros((2, 4, 1), np.float32), lengths=[4, 2], y=np.zeros((2, 4), np.int64), task="sequence", n_classes=5
    )
    assert default_spec(classes).head == HeadSpec(task="sequence", n_outputs=5, sequence_classes=5)
    numbers = fake_shaped(np.zeros((2, 4, 1), np.float32), y=np.zeros((2, 4), np.float32), task="sequence")
    spec = default_spec(numbers)
    assert spec.head == HeadSpec(task="sequence", n_outputs=1)
    assert spec_fits_data(spec, numbers) == []


def test_unlabelled_data_gets_a_placeholder_head_and_a_plain_warning() -> None:
    shaped = fake_shaped(np.zeros((2, 4, 1), np.float32))
    spec = default_spec(shaped)
    assert spec.head == HeadSpec(task="regression", n_outputs=1)
    assert any("no labels" in p for p in spec_fits_data(spec, shaped))


def test_mismatches_are_named_in_plain_words() -> None:
    shaped = fake_shaped(
        np.zeros((4, 6, 3), np.float32), lengths=[6, 3, 2, 6], y=np.array([0, 1, 2, 3]), task="multiclass", n_classes=4
    )
    spec = default_spec(shaped)
    wrong = replace(
        spec,
        input=InputSpec(kind="dense", timesteps=5, features=2),
        head=HeadSpec(task="multiclass", n_outputs=3),
    )
    problems = spec_fits_data(wrong, shaped)
    assert any("expects 2 features" in p and "has 3" in p for p in problems)
    assert any("expects 5 timesteps" in p and "6" in p for p in problems)
    assert any("no Masking layer" in p for p in problems)
    assert any("3 outputs" in p and "4 classes" in p for p in problems)
    binary = replace(spec, head=HeadSpec(task="binary"))
    assert any("head is binary" in p for p in spec_fits_data(binary, shaped))
    masked_wrong_value = replace(spec, input=replace(spec.input, mask_value=-1.0))
    assert any("use mask_value=0" in p for p in spec_fits_data(masked_wrong_value, shaped))
    per_step = replace(spec, head=HeadSpec(task="sequence"))
    assert any("one value per sample" in p for p in spec_fits_data(per_step, shaped))
    open_length = replace(spec, input=replace(spec.input, timesteps=None))
    assert spec_fits_data(open_length, shaped) == []


def test_embedding_on_float_data_and_floats_on_tokens_are_refused() -> None:
    floats = fake_shaped(np.zeros((2, 3, 1), np.float32), y=np.array([0, 1]), task="binary", n_classes=2)
    embed = replace(default_spec(floats), input=InputSpec(kind="embedding", timesteps=3, vocab_size=10))
    assert any("expects token ids" in p for p in spec_fits_data(embed, floats))
    tokens = fake_shaped(
        np.ones((2, 3), np.int32), y=np.array([0, 1]), task="binary", n_classes=2, kind="tokens", vocabulary=("<pad>", "<unk>")
    )
    dense = replace(default_spec(tokens), input=InputSpec(kind="dense", timesteps=3, features=1))
    assert any("use an Embedding input" in p for p in spec_fits_data(dense, tokens))


@pytest.mark.slow
def test_default_spec_builds_and_trains_one_step_on_its_data() -> None:
    from core.model.build import build_model, compile_model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5, 2)).astype(np.float32)
    lengths = np.array([5, 4, 3, 5, 2, 5, 1, 5])
    x[np.arange(5)[None, :] >= lengths[:, None]] = 0.0
    shaped = fake_shaped(x, lengths=lengths, y=rng.integers(0, 3, size=8), task="multiclass", n_classes=3)
    spec = default_spec(shaped)
    model = compile_model(build_model(spec), spec, learning_rate=0.01)
    history = model.fit(shaped.x, shaped.y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_with_real_shaped_data() -> None:
    from core.dataset import Labels, SequenceDataset, SourceInfo
    from core.shaping.tensorize import shape_dataset

    source = SourceInfo(path=None, format="npy")
    ragged = SequenceDataset.from_sequences(
        [np.ones((n, 2), np.float32) for n in (4, 2, 3)],
        source,
        labels=Labels(np.array([0, 1, 0]), "binary", classes=("a", "b")),
    )
    shaped = shape_dataset(ragged, PaddingOptions(), None)
    spec = default_spec(shaped)
    assert spec.input == InputSpec(kind="masking", timesteps=4, features=2, mask_value=0.0)
    assert spec.head == HeadSpec(task="binary")
    assert spec_fits_data(spec, shaped) == []

    tokens = SequenceDataset.from_sequences(
        [np.array([2, 3, 4]), np.array([5, 2])],
        SourceInfo(path=None, format="text"),
        labels=Labels(np.array([0, 1]), "binary", classes=("neg", "pos")),
        kind="tokens",
        dtype=np.int32,
    )
    tokens = replace(tokens, vocabulary=("<pad>", "<unk>", "a", "b", "c", "d"))
    shaped = shape_dataset(tokens, PaddingOptions(), None)
    spec = default_spec(shaped)
    assert (spec.input.kind, spec.input.vocab_size, spec.input.timesteps, spec.input.mask_zero) == ("embedding", 6, 3, True)
    assert spec_fits_data(spec, shaped) == []

    series = SequenceDataset.from_sequences(
        [np.arange(40, dtype=np.float32).reshape(20, 2)], source, feature_names=("a", "b"), kind="series"
    )
    shaped = shape_dataset(series, PaddingOptions(), WindowOptions(window=5, target_cols=("b",)))
    spec = default_spec(shaped)
    assert spec.input == InputSpec(kind="dense", timesteps=5, features=2)
    assert spec.head == HeadSpec(task="regression", n_outputs=1)
    assert spec_fits_data(spec, shaped) == []

    per_step = SequenceDataset.from_sequences(
        [np.ones((3, 1), np.float32), np.ones((2, 1), np.float32)],
        source,
        labels=Labels(np.array([0, 1, 2, 1, 0]), "sequence", classes=("x", "y", "z")),
    )
    shaped = shape_dataset(per_step, PaddingOptions(), None)
    spec = default_spec(shaped)
    assert spec.head == HeadSpec(task="sequence", n_outputs=3, sequence_classes=3)
    assert spec_fits_data(spec, shaped) == []
