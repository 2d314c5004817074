"""A corpus of real user models, their code and the errors Keras 3 raises on them, built once per test run.

Every case is one classic mistake (or a model that fits): the model is built with Keras and saved
as ``.keras``, ``.h5`` and ``model.to_json()``; ``code`` is the same model as a user would paste
it; ``error`` runs Keras on a mistaken model/array pair and keeps the exception text Keras
actually raises (``None`` where Keras raises nothing: those mistakes are silent). The data files
are written as ``.npz`` (or a long CSV for ragged data) and read with the app's own loader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

N, T, F = 24, 10, 3


@dataclass(frozen=True)
class Case:
    code: str  # the doctor code this case must produce (None: the model fits)
    build: Callable  # (keras, layers) -> model saved as the user's model file
    loss: str
    data: str  # name of a data file made by write_data
    source: str  # the same model as pasted Python
    error: Callable | None  # (keras, layers) -> the exception text Keras raises on the mistake
    unbuilt: bool = False  # an unbuilt Sequential: no .h5 (Keras cannot save it that way)


def _seq(keras, *layers):
    return keras.Sequential(list(layers))


def _raise(fn) -> str:
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - we want whatever Keras raises, as text
        return str(error)
    raise AssertionError("Keras raised no error for a mistake the corpus expects it to reject")


def _predict(keras, L, layers, x):
    return _raise(lambda: _seq(keras, *layers()).predict(x, verbose=0))


def _fit(keras, L, layers, x, y, loss):
    def go():
        model = _seq(keras, *layers())
        model.compile(loss=loss, optimizer="adam")
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    return _raise(go)


rng = np.random.default_rng(0)
r = lambda *shape: rng.random(shape, dtype=np.float32)  # noqa: E731

CASES: dict[str, Case] = {
    "fits": Case(None, lambda k, L: _seq(k, k.Input((T, F)), L.Masking(0.0), L.LSTM(8, return_sequences=True),
                                          L.Bidirectional(L.GRU(4)), L.Dense(1, activation="sigmoid")),
                 "binary_crossentropy", "binary",
                 "model = keras.Sequential([\n    keras.Input(shape=(10, 3)),\n    layers.Masking(mask_value=0.0),\n"
                 "    layers.LSTM(8, return_sequences=True),\n    layers.Bidirectional(layers.GRU(4)),\n"
                 "    layers.Dense(1, activation='sigmoid'),\n])\nmodel.compile(loss='binary_crossentropy', optimizer='adam')\n", None),
    "two_d_input": Case("two_d_input", lambda k, L: _seq(k, k.Input((T, 1)), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                        "binary_crossentropy", "wide2d",
                        "model = Sequential()\nmodel.add(LSTM(4, input_shape=(10,)))\nmodel.add(Dense(1, activation='sigmoid'))\n",
                        lambda k, L: _predict(k, L, lambda: [L.LSTM(4), L.Dense(1)], r(N, T))),
    "extra_axis": Case("extra_axis", lambda k, L: _seq(k, k.Input((1, T, F)), L.TimeDistributed(L.LSTM(4)), L.Flatten(),
                                                       L.Dense(1, activation="sigmoid")),
                       "binary_crossentropy", "binary",
                       "inputs = tf.keras.Input(shape=(1, 10, 3))\nx = tf.keras.layers.TimeDistributed(tf.keras.layers.LSTM(4))(inputs)\n"
                       "x = tf.keras.layers.Flatten()(x)\noutputs = tf.keras.layers.Dense(1, activation='sigmoid')(x)\n"
                       "model = tf.keras.Model(inputs, outputs)\n",
                       lambda k, L: _predict(k, L, lambda: [k.Input((T, F)), L.LSTM(4), L.Dense(1)], r(N, 1, T, F))),
    "channels_first": Case("channels_first", lambda k, L: _seq(k, k.Input((F, 40)), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                           "binary_crossentropy", "long40",
                           "from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\nmodel = Sequential([\n"
                           "    LSTM(4, input_shape=(3, 40)),\n    Dense(1, activation='sigmoid'),\n])\n",
                           lambda k, L: _predict(k, L, lambda: [k.Input((40, F)), L.LSTM(4), L.Dense(1)], r(N, F, 40))),
    "batch_in_input_shape": Case("batch_in_input_shape",
                                 lambda k, L: _seq(k, k.Input((32, T, F)), L.TimeDistributed(L.LSTM(4)), L.Flatten(), L.Dense(1)),
                                 "mse", "binary",
                                 "model = keras.Sequential()\nmodel.add(keras.layers.LSTM(4, input_shape=(32, 10, 3)))\n"
                                 "model.add(keras.layers.Dense(1))\n",
                                 lambda k, L: _predict(k, L, lambda: [L.LSTM(4), L.Dense(1)], r(2, 32, T, F))),
    "timesteps_mismatch": Case("timesteps_mismatch",
                               lambda k, L: _seq(k, k.Input((20, F)), L.LSTM(4, return_sequences=True), L.Flatten(),
                                                 L.Dense(1, activation="sigmoid")),
                               "binary_crossentropy", "binary",
                               "n_steps, n_features = 20, 3\nmodel = Sequential([\n    LSTM(4, return_sequences=True, "
                               "input_shape=(n_steps, n_features)),\n    Flatten(),\n    Dense(1, activation='sigmoid'),\n])\n",
                               lambda k, L: _predict(k, L, lambda: [k.Input((20, F)), L.LSTM(4, return_sequences=True),
                                                                      L.Flatten(), L.Dense(1)], r(N, T, F))),
    "features_mismatch": Case("features_mismatch", lambda k, L: _seq(k, k.Input((T, 5)), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                              "binary_crossentropy", "binary",
                              "model = tf.keras.models.Sequential([\n    tf.keras.layers.LSTM(4, input_shape=(X_train.shape[1], 5)),\n"
                              "    tf.keras.layers.Dense(1, activation='sigmoid'),\n])\n",
                              lambda k, L: _predict(k, L, lambda: [k.Input((T, 5)), L.LSTM(4), L.Dense(1)], r(N, T, F))),
    "missing_return_sequences": Case("missing_return_sequences", lambda k, L: _seq(k, L.LSTM(8), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                                     "binary_crossentropy", "binary",
                                     "model = Sequential()\nmodel.add(LSTM(8, input_shape=(10, 3)))\nmodel.add(LSTM(4))\n"
                                     "model.add(Dense(1, activation='sigmoid'))\nmodel.compile(loss='binary_crossentropy')\n",
                                     lambda k, L: _predict(k, L, lambda: [L.LSTM(8), L.LSTM(4), L.Dense(1)], r(N, T, F)), unbuilt=True),
    "sequence_output_mismatch": Case("sequence_output_mismatch",
                                     lambda k, L: _seq(k, k.Input((T, F)), L.LSTM(4, return_sequences=True), L.Dense(9, activation="softmax")),
                                     "sparse_categorical_crossentropy", "multiclass9",
                                     "inputs = keras.Input(shape=(10, 3))\nx = keras.layers.LSTM(4, return_sequences=True)(inputs)\n"
                                     "outputs = keras.layers.Dense(9, activation='softmax')(x)\nmodel = keras.Model(inputs=inputs, outputs=outputs)\n"
                                     "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n",
                                     lambda k, L: _fit(k, L, lambda: [k.Input((T, F)), L.LSTM(4, return_sequences=True),
                                                                        L.Dense(9, activation="softmax")], r(27, T, F),
                                                       np.arange(27) % 9, "sparse_categorical_crossentropy")),
    "output_units_mismatch": Case("output_units_mismatch", lambda k, L: _seq(k, k.Input((T, F)), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                                  "binary_crossentropy", "multiclass9",
                                  "model = keras.Sequential([keras.Input(shape=(10, 3)), keras.layers.LSTM(4),\n"
                                  "                          keras.layers.Dense(1, activation='sigmoid')])\n"
                                  "model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer='adam')\n",
                                  lambda k, L: _fit(k, L, lambda: [k.Input((T, F)), L.LSTM(4), L.Dense(1, activation="sigmoid")],
                                                    r(27, T, F), np.arange(27) % 9, "sparse_categorical_crossentropy")),
    "loss_label_mismatch": Case("loss_label_mismatch", lambda k, L: _seq(k, k.Input((T, F)), L.LSTM(4), L.Dense(9, activation="softmax")),
                                "categorical_crossentropy", "multiclass9",
                                "model = keras.Sequential([keras.Input(shape=(10, 3)), keras.layers.LSTM(4),\n"
                                "                          keras.layers.Dense(9, activation='softmax')])\n"
                                "model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])\n",
                                lambda k, L: _fit(k, L, lambda: [k.Input((T, F)), L.LSTM(4), L.Dense(9, activation="softmax")],
                                                  r(27, T, F), np.arange(27) % 9, "categorical_crossentropy")),
    "embedding_input_mismatch": Case("embedding_input_mismatch",
                                     lambda k, L: _seq(k, k.Input((T,)), L.Embedding(50, 8), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                                     "binary_crossentropy", "binary",
                                     "model = Sequential()\nmodel.add(Embedding(50, 8))\nmodel.add(LSTM(4))\n"
                                     "model.add(Dense(1, activation='sigmoid'))\n",
                                     lambda k, L: _raise(lambda: _seq(k, k.Input((T, F)), L.Embedding(50, 8), L.LSTM(4), L.Dense(1)))),
    "mask_value_mismatch": Case("mask_value_mismatch",
                                lambda k, L: _seq(k, k.Input((None, F)), L.Masking(mask_value=-1.0), L.LSTM(4), L.Dense(1, activation="sigmoid")),
                                "binary_crossentropy", "ragged",
                                "model = keras.Sequential([\n    keras.Input(shape=(None, 3)),\n    keras.layers.Masking(mask_value=-1),\n"
                                "    keras.layers.LSTM(4),\n    keras.layers.Dense(1, activation='sigmoid'),\n])\n", None),
}


def write_data(folder: Path) -> dict[str, Path]:
    """The data files the cases are checked against, each read later with ``core.loaders.load``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    labels = np.arange(N) % 2
    for name, x, y in (("binary", r(N, T, F), labels), ("multiclass9", r(27, T, F), np.arange(27) % 9),
                       ("wide2d", r(N, T), labels), ("long40", r(N, 40, F), labels)):
        path = folder / f"{name}.npz"
        np.savez(path, X=x, y=y)
        out[name] = path
    lines = ["sequence_id,step,a,b,c,label"]
    for i in range(N):
        for step in range(5 + i % 6):
            a, b, c = (rng.random(3) + 0.5).round(4)
            lines.append(f"s{i},{step},{a},{b},{c},{i % 2}")
    out["ragged"] = folder / "ragged.csv"
    out["ragged"].write_text("\n".join(lines) + "\n")
    return out


def build_corpus(folder: Path) -> dict:
    """Save every case's model three ways, keep its code and the error Keras raises; return the paths and texts."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings

    import keras
    from keras import layers as L  # noqa: N812 - the short name the cases are written with

    folder.mkdir(parents=True, exist_ok=True)
    corpus = {"data": write_data(folder / "data"), "models": {}, "errors": {}, "code": {}}
    for name, case in CASES.items():
        model = case.build(keras, L)
        model.compile(loss=case.loss, optimizer="adam")
        files = {"keras": folder / f"{name}.keras", "json": folder / f"{name}.json"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(files["keras"])
            if not case.unbuilt:
                files["h5"] = folder / f"{name}.h5"
                model.save(files["h5"])
        files["json"].write_text(model.to_json())
        files["py"] = folder / f"{name}.py"
        files["py"].write_text("import keras\nfrom keras import layers\n" + case.source)
        corpus["models"][name] = files
        corpus["code"][name] = case.source
        corpus["errors"][name] = case.error(keras, L) if case.error is not None else None
        corpus.setdefault("keras_models", {})[name] = model
    return corpus


_CACHE: dict = {}


def corpus_for(tmp_path_factory) -> dict:
    """The corpus, built once per test session."""
    if "corpus" not in _CACHE:
        _CACHE["corpus"] = build_corpus(tmp_path_factory.mktemp("usermodel_corpus"))
    return _CACHE["corpus"]
