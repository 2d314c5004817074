"""build_model / compile_model produce the Keras model the spec describes, and it trains."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ModelSpecError
from core.model.build import build_model, compile_model, loss_and_metrics
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec


def test_loss_and_metrics_follow_the_task() -> None:
    def spec(**head) -> ModelSpec:
        return ModelSpec(head=HeadSpec(**head))

    assert loss_and_metrics(spec(task="binary")) == ("binary_crossentropy", ["accuracy"])
    assert loss_and_metrics(spec(task="multiclass", n_outputs=4)) == ("sparse_categorical_crossentropy", ["accuracy"])
    assert loss_and_metrics(spec(task="regression", n_outputs=2)) == ("mse", ["mae"])
    assert loss_and_metrics(spec(task="sequence", sequence_classes=5, n_outputs=5)) == (
        "sparse_categorical_crossentropy",
        ["accuracy"],
    )
    assert loss_and_metrics(spec(task="sequence", n_outputs=1)) == ("mse", ["mae"])


def test_invalid_spec_is_refused_in_plain_words() -> None:
    with pytest.raises(ModelSpecError, match="at least one recurrent layer"):
        build_model(ModelSpec(layers=()))


@pytest.mark.slow
def test_layers_carry_the_spec_settings_and_stable_names() -> None:
    spec = ModelSpec(
        input=InputSpec(kind="masking", timesteps=None, features=2, mask_value=-1.0),
        layers=(
            RecurrentLayerSpec("GRU", 4, bidirectional=True, dropout=0.1, recurrent_dropout=0.2, reset_after=False),
            RecurrentLayerSpec("LSTM", 3, activation="relu", recurrent_activation="hard_sigmoid", use_bias=False),
        ),
        head=HeadSpec("multiclass", n_outputs=3, hidden_units=5),
    )
    model = build_model(spec)
    names = [layer.name for layer in model.layers]
    assert names == ["input", "masking", "standardize", "bidirectional_gru_1", "lstm_2", "head_hidden", "output"]
    assert model.get_layer("masking").mask_value == -1.0
    assert model.get_layer("standardize").supports_masking  # the mask reaches the GRU
    gru = model.get_layer("bidirectional_gru_1").forward_layer
    assert (gru.units, gru.return_sequences, gru.dropout, gru.recurrent_dropout) == (4, True, 0.1, 0.2)
    assert gru.cell.reset_after is False
    lstm = model.get_layer("lstm_2")
    assert lstm.return_sequences is False and lstm.use_bias is False
    assert lstm.activation.__name__ == "relu" and lstm.recurrent_activation.__name__ == "hard_sigmoid"
    assert model.get_layer("head_hidden").activation.__name__ == "relu"
    assert model.get_layer("output").activation.__name__ == "softmax"
    assert tuple(model.output.shape) == (None, 3)


@pytest.mark.slow
def test_embedding_input_takes_int_token_ids() -> None:
    spec = ModelSpec(
        input=InputSpec(kind="embedding", timesteps=6, vocab_size=20, embedding_dim=4, mask_zero=True),
        head=HeadSpec("binary"),
    )
    model = build_model(spec)
    assert model.inputs[0].dtype == "int32"
    assert model.get_layer("embedding").mask_zero is True
    assert model.get_layer("output").activation.__name__ == "sigmoid"
    out = model.predict(np.array([[3, 4, 5, 0, 0, 0]], dtype=np.int32), verbose=0)
    assert out.shape == (1, 1) and 0.0 < float(out[0, 0]) < 1.0


@pytest.mark.slow
def test_sequence_head_predicts_every_step_and_trains() -> None:
    import keras

    keras.utils.set_random_seed(0)
    spec = ModelSpec(
        input=InputSpec(kind="dense", timesteps=5, features=2),
        layers=(RecurrentLayerSpec("LSTM", 4), RecurrentLayerSpec("GRU", 3)),
        head=HeadSpec("sequence", n_outputs=3, sequence_classes=3),
    )
    model = compile_model(build_model(spec), spec, learning_rate=0.01)
    assert model.loss == "sparse_categorical_crossentropy"
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 2)).astype("float32")
    y = rng.integers(0, 3, size=(16, 5))
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert set(history.history) >= {"loss", "accuracy"}
    assert model.predict(x[:2], verbose=0).shape == (2, 5, 3)


@pytest.mark.slow
def test_regression_compile_uses_requested_optimizer_and_learning_rate() -> None:
    spec = ModelSpec(input=InputSpec(kind="dense", timesteps=4, features=1), head=HeadSpec("regression", n_outputs=2))
    model = compile_model(build_model(spec), spec, learning_rate=0.005, optimizer="rmsprop")
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.005)
    assert model.get_layer("output").activation.__name__ == "linear"
    with pytest.raises(ModelSpecError, match="Unknown optimizer"):
        compile_model(model, spec, 0.001, optimizer="lbfgs")


@pytest.mark.slow
def test_standardize_layer_holds_the_statistics_and_can_be_left_out() -> None:
    import argparse

    from core.cli.train_command import spec_from_args
    from core.shaping.standardize import Standardizer

    spec = ModelSpec(input=InputSpec(kind="masking", timesteps=5, features=2), head=HeadSpec("binary"))
    scaling = Standardizer(np.array([3.0, -1.0]), np.array([2.0, 0.5]))
    model = build_model(spec, input_scaling=scaling)
    layer = model.get_layer("standardize")
    assert layer.get_config()["mean"] == [3.0, -1.0] and layer.get_config()["variance"] == [4.0, 0.25]
    x = np.array([[[5.0, -0.5], [1.0, -1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]], dtype=np.float32)
    assert np.allclose(layer(x)[0, :2], [[1.0, 1.0], [-1.0, 0.0]])
    assert layer.count_params() == 0  # the statistics are config, not weights: summary() shows 0
    args = argparse.Namespace(no_standardize=True)
    plain = spec_from_args(args, spec)
    assert plain.input.standardize is False
    assert "standardize" not in [layer.name for layer in build_model(plain).layers]
