"""The user-model shape engine against real Keras: every layer's output shape and parameter count
read from a saved model (``.keras``, ``.h5``, ``model.to_json()``) equal ``model.summary()``'s,
i.e. ``layer.output.shape`` and ``layer.count_params()``, and the sum equals ``model.count_params()``."""

from __future__ import annotations

import warnings

import pytest

from core.usermodel import read_model
from core.usermodel.layers import layer_rows
from tests.core.usermodel_corpus import CASES, corpus_for


def _zoo(keras):
    L = keras.layers
    seq = lambda *layers: keras.Sequential(list(layers))  # noqa: E731
    inputs = keras.Input((10, 3))
    x = L.Bidirectional(L.GRU(4))(inputs)
    x = L.Dense(8, activation="relu")(x)
    x = L.Dropout(0.2)(x)
    functional = keras.Model(inputs, L.Dense(1)(x))
    return {
        "conv_pool_global": seq(keras.Input((12, 4)), L.Conv1D(6, 3), L.MaxPooling1D(2), L.LSTM(5, return_sequences=True),
                                L.GlobalAveragePooling1D(), L.Dense(3)),
        "strided_same_batchnorm_gru": seq(keras.Input((12, 4)), L.Conv1D(6, 3, strides=2, padding="same"),
                                          L.AveragePooling1D(3, strides=1), L.BatchNormalization(), L.GRU(4, reset_after=False), L.Dense(2)),
        "masked_bidirectional_sum": seq(keras.Input((None, 4)), L.Masking(0.0), L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="sum"),
                                        L.LayerNormalization(), L.TimeDistributed(L.Dense(2)), L.Dropout(0.1)),
        "embedding_simplernn_repeat": seq(keras.Input((8,)), L.Embedding(30, 6), L.SimpleRNN(5), L.RepeatVector(4),
                                          L.LSTM(3, return_sequences=True), L.Flatten(), L.Dense(1)),
        "reshape_permute_causal": seq(keras.Input((6, 2)), L.Reshape((3, 4)), L.Permute((2, 1)),
                                      L.Conv1D(4, 2, dilation_rate=2, padding="causal"), L.GlobalMaxPooling1D(), L.Dense(2, use_bias=False)),
        "no_bias_stack": seq(keras.Input((7, 2)), L.LSTM(4, use_bias=False, return_sequences=True), L.GRU(3, return_sequences=True),
                             L.SpatialDropout1D(0.1), L.Activation("relu"), L.Reshape((-1,)), L.Dense(2, activation="softmax")),
        "functional_bidirectional_gru": functional,
    }


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    import keras

    folder = tmp_path_factory.mktemp("zoo")
    saved = {}
    for name, model in _zoo(keras).items():
        files = {"keras": folder / f"{name}.keras", "h5": folder / f"{name}.h5", "json": folder / f"{name}.json"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(files["keras"])
            model.save(files["h5"])
        files["json"].write_text(model.to_json())
        saved[name] = (model, files)
    return saved


def _keras_rows(model):
    layers = [layer for layer in model.layers if layer.__class__.__name__ != "InputLayer"]
    return [(layer.name, tuple(layer.output.shape), layer.count_params()) for layer in layers]


def _our_rows(path):
    user = read_model(path)
    rows = layer_rows(user.layers, (None,) + tuple(user.input_shape))
    return [(row.name, tuple(row.output_shape), row.params) for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["keras", "h5", "json"])
def test_every_zoo_layer_matches_keras_summary(zoo, fmt):
    for name, (model, files) in zoo.items():
        ours = _our_rows(files[fmt])
        assert ours == _keras_rows(model), name
        assert sum(params for _, _, params in ours) == model.count_params(), name


@pytest.mark.slow
def test_corpus_models_match_keras_summary(tmp_path_factory):
    corpus = corpus_for(tmp_path_factory)
    for name, case in CASES.items():
        model = corpus["keras_models"][name]
        if case.unbuilt:
            assert read_model(corpus["models"][name]["keras"]).input_shape is None  # nothing declared, nothing guessed
            continue
        for fmt in ("keras", "h5", "json"):
            assert _our_rows(corpus["models"][name][fmt]) == _keras_rows(model), (name, fmt)


@pytest.mark.slow
def test_pasted_code_gives_the_same_rows_as_the_saved_model(tmp_path_factory):
    corpus = corpus_for(tmp_path_factory)
    for name in ("fits", "extra_axis", "channels_first", "sequence_output_mismatch", "loss_label_mismatch", "timesteps_mismatch"):
        saved = [(c, s, p) for _, c, s, p in _named(corpus["models"][name]["keras"])]
        pasted = [(c, s, p) for _, c, s, p in _named(corpus["models"][name]["py"])]
        assert pasted == saved, name


def _named(path):
    user = read_model(path)
    return [(r.name, r.class_name, tuple(r.output_shape), r.params) for r in layer_rows(user.layers, (None,) + tuple(user.input_shape))]


def _random_model(keras, rng):
    L = keras.layers
    t = int(rng.integers(3, 15)) if rng.random() < 0.8 else None
    f = int(rng.integers(1, 7))
    layers = [keras.Input((t, f))]
    if rng.random() < 0.4:
        layers.append(L.Masking(float(rng.choice([0.0, -1.0]))))
    elif rng.random() < 0.4 and t is not None and t > 4:
        layers.append(L.Conv1D(int(rng.integers(1, 6)), int(rng.integers(1, 4)), padding=str(rng.choice(["valid", "same", "causal"]))))
    depth = int(rng.integers(1, 4))
    per_step = rng.random() < 0.3
    for i in range(depth):
        kind = str(rng.choice(["LSTM", "GRU", "SimpleRNN"]))
        options = {"units": int(rng.integers(1, 9)), "return_sequences": per_step or i < depth - 1,
                   "use_bias": bool(rng.random() < 0.8)}
        if kind == "GRU":
            options["reset_after"] = bool(rng.random() < 0.5)
        layer = getattr(L, kind)(**options)
        if rng.random() < 0.4:
            layer = L.Bidirectional(layer, merge_mode=str(rng.choice(["concat", "sum", "ave", "mul"])))
        layers.append(layer)
        if rng.random() < 0.3:
            layers.append(L.Dropout(0.1))
    if per_step:
        layers.append(L.TimeDistributed(L.Dense(int(rng.integers(1, 5)))) if rng.random() < 0.5 else L.Dense(int(rng.integers(1, 5))))
    else:
        if rng.random() < 0.4:
            layers.append(L.Dense(int(rng.integers(2, 9)), activation="relu"))
        layers.append(L.Dense(int(rng.integers(1, 5))))
    return keras.Sequential(layers)


@pytest.mark.slow
def test_random_recurrent_stacks_match_keras(tmp_path):
    import keras
    import numpy as np

    rng = np.random.default_rng(20261201)
    for index in range(16):
        model = _random_model(keras, rng)
        path = tmp_path / f"random_{index}.keras"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(path)
        assert _our_rows(path) == _keras_rows(model), model.to_json()[:400]
