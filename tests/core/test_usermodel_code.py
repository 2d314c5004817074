"""Pasted Keras code read with ast: the styles users paste, and what is named instead of guessed."""

from __future__ import annotations

import pytest

from core.errors import LoadError
from core.usermodel.code import read_model_code


def _classes(model):
    return [layer.class_name for layer in model.layers]


def test_tf_keras_sequential_with_model_add_and_batch_input_shape():
    model = read_model_code(
        "import tensorflow as tf\n"
        "model = tf.keras.models.Sequential()\n"
        "model.add(tf.keras.layers.LSTM(32, batch_input_shape=(16, 20, 4), stateful=True, return_sequences=True))\n"
        "model.add(tf.keras.layers.LSTM(16))\n"
        "model.add(tf.keras.layers.Dense(3, activation='softmax'))\n"
        "model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False))\n"
        "model.summary()\n"
        "model.fit(X, y, epochs=10)\n")
    assert _classes(model) == ["LSTM", "LSTM", "Dense"]
    assert (model.input_shape, model.declared_by, model.batch_size) == ((20, 4), "batch_input_shape", 16)
    assert model.loss == "sparse_categorical_crossentropy" and model.unsupported == ()
    assert [layer.name for layer in model.layers] == ["lstm", "lstm_1", "dense"]


def test_from_imports_functional_chain_in_a_function():
    model = read_model_code(
        "from keras.models import Model\n"
        "from keras.layers import Input, LSTM, Dense, Bidirectional, Dropout\n"
        "TIMESTEPS = 50\n"
        "def build_model(n_features):\n"
        "    inputs = Input(shape=(TIMESTEPS, n_features))\n"
        "    x = Bidirectional(LSTM(64, return_sequences=True))(inputs)\n"
        "    x = Dropout(0.2)(x)\n"
        "    x = LSTM(32)(x)\n"
        "    outputs = Dense(1)(x)\n"
        "    model = Model(inputs=inputs, outputs=outputs)\n"
        "    model.compile(loss='mse', optimizer='adam')\n"
        "    return model\n")
    assert _classes(model) == ["Bidirectional", "Dropout", "LSTM", "Dense"]
    assert model.layers[0].inner.class_name == "LSTM" and model.layers[0].inner.get("units") == 64
    assert model.input_shape == (50, None) and model.loss == "mean_squared_error"
    assert any("n_features" in note for note in model.notes)


def test_keras_1_style_input_dim_and_output_dim():
    model = read_model_code("model = Sequential()\nmodel.add(LSTM(output_dim=8, input_dim=3, input_length=10))\nmodel.add(Dense(1))\n")
    assert model.input_shape == (10, 3) and model.layers[0].get("output_dim") == 8


def test_data_dependent_sizes_are_taken_from_the_data():
    model = read_model_code("model = keras.Sequential([layers.LSTM(4, input_shape=(X_train.shape[1], X_train.shape[2])), layers.Dense(1)])")
    assert model.input_shape == (None, None)
    assert any("X_train.shape[1] is only known when the code runs" in note for note in model.notes)


def test_interactive_prompts_and_indentation_are_accepted():
    model = read_model_code("    >>> model = keras.Sequential()\n    >>> model.add(keras.layers.GRU(5, input_shape=(7, 2)))\n")
    assert _classes(model) == ["GRU"] and model.input_shape == (7, 2)


def test_loops_and_conditions_that_build_layers_are_named():
    model = read_model_code(
        "model = Sequential()\nmodel.add(LSTM(8, input_shape=(10, 3), return_sequences=True))\n"
        "for units in [32, 16]:\n    model.add(LSTM(units, return_sequences=True))\n"
        "if deep:\n    model.add(LSTM(8))\nmodel.add(Dense(1))\n")
    assert _classes(model) == ["LSTM", "Dense"]
    assert model.unsupported == ("line 3: a for statement builds layers; only straight-line code is read",
                                 "line 5: a if statement builds layers; only straight-line code is read")


def test_an_unknown_units_value_is_named_not_guessed():
    model = read_model_code("model = Sequential([LSTM(n_units, input_shape=(10, 3)), Dense(1)])")
    assert _classes(model) == ["Dense"]
    assert model.unsupported == ("line 1: units=n_units of LSTM is only known when the code runs",)


def test_the_compiled_model_is_the_one_checked():
    model = read_model_code("encoder = Sequential([LSTM(4, input_shape=(5, 2))])\n"
                            "clf = Sequential([GRU(3, input_shape=(9, 1)), Dense(2, activation='softmax')])\n"
                            "clf.compile(loss='categorical_crossentropy')\nother = Sequential([Dense(1, input_shape=(4,))])\n")
    assert _classes(model) == ["GRU", "Dense"] and model.loss == "categorical_crossentropy"


def test_layers_kept_in_variables_and_applied():
    model = read_model_code("inp = keras.Input(shape=(None, 3))\nrnn = keras.layers.LSTM(6)\nhead = keras.layers.Dense(1)\n"
                            "out = head(rnn(inp))\nmodel = keras.Model(inp, out)\n")
    assert _classes(model) == ["LSTM", "Dense"] and model.input_shape == (None, 3)


@pytest.mark.parametrize("text,problem", [
    ("model = Sequential([LSTM(4,", "is not valid Python"),
    ("import numpy as np\nx = np.zeros(3)\n", "builds no Keras model"),
])
def test_code_that_builds_no_model_is_one_sentence(text, problem):
    with pytest.raises(LoadError, match=problem):
        read_model_code(text)


def test_a_script_under_a_main_guard_is_read():
    model = read_model_code("import keras\n\nif __name__ == '__main__':\n    model = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3)])\n"
                            "    model.compile(loss='mse')\n")
    assert _classes(model) == ["GRU"] and model.loss == "mean_squared_error"


def test_a_subclassed_model_says_why_it_cannot_be_read():
    code = ("class Forecaster(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
            "        self.lstm = keras.layers.LSTM(8)\n        self.out = keras.layers.Dense(1)\n"
            "    def call(self, x):\n        return self.out(self.lstm(x))\n\nmodel = Forecaster()\n")
    with pytest.raises(LoadError, match=r"subclassed model \(line 1: class Forecaster\(Model\)\).*cannot be read without running it"):
        read_model_code(code)
