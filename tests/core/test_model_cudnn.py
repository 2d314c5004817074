"""The cuDNN linter agrees with the conditions in Keras' own TensorFlow backend."""

from __future__ import annotations

import importlib
import itertools

import numpy as np
import pytest

from core.model.cudnn import GPU_NOTE, lint, mask_problems
from core.model.spec import InputSpec, ModelSpec, RecurrentLayerSpec
from core.options import PaddingOptions


def one_layer(**kwargs) -> ModelSpec:
    kind = kwargs.pop("input_kind", "dense")
    return ModelSpec(input=InputSpec(kind=kind, features=2), layers=(RecurrentLayerSpec(**kwargs),))


def test_keras_defaults_are_eligible_with_a_gpu_note() -> None:
    (verdict,) = lint(one_layer(kind="LSTM"))
    assert verdict.eligible and verdict.reasons == [] and verdict.fixes == []
    assert verdict.notes == [GPU_NOTE]


@pytest.mark.parametrize(
    ("settings", "reason_word", "fix"),
    [
        ({"activation": "relu"}, "activation", "set activation='tanh'"),
        ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation", "set recurrent_activation='sigmoid'"),
        ({"recurrent_dropout": 0.2}, "recurrent_dropout", "set recurrent_dropout=0 and use dropout instead"),
        ({"unroll": True}, "unroll", "set unroll=False"),
        ({"use_bias": False}, "use_bias", "set use_bias=True"),
        ({"kind": "GRU", "reset_after": False}, "reset_after", "set reset_after=True"),
    ],
)
def test_each_config_condition_gives_a_reason_and_a_fix(settings, reason_word, fix) -> None:
    (verdict,) = lint(one_layer(**settings))
    assert not verdict.eligible
    assert len(verdict.reasons) == 1 and reason_word in verdict.reasons[0]
    assert verdict.fixes == [fix]


def test_plain_dropout_and_lstm_reset_after_do_not_matter() -> None:
    assert lint(one_layer(kind="LSTM", dropout=0.3, reset_after=False))[0].eligible


def test_pre_padding_with_a_mask_breaks_every_layer_but_not_without_a_mask() -> None:
    spec = ModelSpec(
        input=InputSpec(kind="masking", features=2),
        layers=(RecurrentLayerSpec("LSTM"), RecurrentLayerSpec("GRU")),
    )
    verdicts = lint(spec, PaddingOptions(padding="pre"))
    assert [v.layer_index for v in verdicts] == [0, 1]
    assert all(not v.eligible and "use padding='post' (pad at the end of each sequence)" in v.fixes for v in verdicts)
    assert all(v.eligible for v in lint(spec, PaddingOptions(padding="post")))
    dense = ModelSpec(input=InputSpec(kind="dense", features=2))
    assert lint(dense, PaddingOptions(padding="pre"))[0].eligible
    no_mask_embedding = ModelSpec(input=InputSpec(kind="embedding", vocab_size=10, mask_zero=False))
    assert lint(no_mask_embedding, PaddingOptions(padding="pre"))[0].eligible
    masked_embedding = ModelSpec(input=InputSpec(kind="embedding", vocab_size=10, mask_zero=True))
    assert not lint(masked_embedding, PaddingOptions(padding="pre"))[0].eligible


def test_data_mask_with_holes_or_empty_samples_is_flagged() -> None:
    spec = ModelSpec(input=InputSpec(kind="masking", features=1))
    good = np.array([[True, True, False], [True, False, False]])
    assert lint(spec, PaddingOptions(), mask=good)[0].eligible
    hole = np.array([[True, False, True], [True, True, True]])
    (verdict,) = lint(spec, PaddingOptions(), mask=hole)
    assert not verdict.eligible and verdict.reasons[0].startswith("1 sample has masked steps")
    empty = np.array([[False, False, False], [True, True, False]])
    (verdict,) = lint(spec, PaddingOptions(), mask=empty)
    assert not verdict.eligible and verdict.reasons[0].startswith("1 sample is entirely padding")
    assert verdict.fixes == ["drop empty sequences before training"]


@pytest.mark.slow
def test_config_conditions_match_keras_tensorflow_backend() -> None:
    from keras.src import activations
    tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")  # the module, not the rnn() it exports

    for kind, act, rec, unroll, bias, reset in itertools.product(
        ["LSTM", "GRU"], ["tanh", "relu"], ["sigmoid", "hard_sigmoid"], [False, True], [True, False], [True, False]
    ):
        layer = dict(kind=kind, activation=act, recurrent_activation=rec, unroll=unroll, use_bias=bias, reset_after=reset)
        ours = lint(one_layer(**layer))[0].eligible
        args = (activations.get(act), activations.get(rec), unroll, bias)
        if kind == "LSTM":
            theirs = tf_rnn._do_lstm_arguments_support_cudnn(*args)
        else:
            theirs = tf_rnn._do_gru_arguments_support_cudnn(*args, reset)
        assert ours == bool(theirs), layer


@pytest.mark.slow
def test_mask_checks_match_keras_tensorflow_backend() -> None:
    tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")  # the module, not the rnn() it exports

    rng = np.random.default_rng(3)
    for _ in range(40):
        n, t = rng.integers(1, 5), rng.integers(1, 6)
        if rng.random() < 0.5:
            mask = rng.random((n, t)) < 0.6
        else:
            mask = np.arange(t)[None, :] < rng.integers(0, t + 1, size=n)[:, None]
        not_right, fully = mask_problems(mask)
        assert (not_right == 0) == bool(tf_rnn._is_sequence_right_padded(mask).numpy())
        assert (fully > 0) == bool(tf_rnn._has_fully_masked_sequence(mask).numpy())
