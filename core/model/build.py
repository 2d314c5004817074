"""Turn a :class:`~core.model.spec.ModelSpec` into a real ``keras.Model``.

Keras is imported inside the functions only: this module is imported by code (the exporter,
the command line) that must start without TensorFlow. Layer names are stable and readable
(``masking``, ``embedding``, ``lstm_1``, ``bidirectional_gru_2``, ``head_hidden``, ``output``)
and match :func:`core.model.shapes.layer_table` row for row.
"""

from __future__ import annotations

from typing import Any

from core.errors import ModelSpecError
from core.model.shapes import STANDARDIZE_LAYER, TARGET_UNITS_LAYER, output_activation, output_units, recurrent_layer_name
from core.model.spec import ModelSpec
from core.shaping.standardize import Standardizer, TargetScaling

OPTIMIZERS = {"adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "sgd": "SGD", "nadam": "Nadam"}


def build_model(spec: ModelSpec, target_scaling: TargetScaling | None = None, input_scaling: Standardizer | None = None,
                embedding_weights: Any = None) -> Any:
    """Build the functional ``keras.Model`` the spec describes (not compiled).

    Float input with ``spec.input.standardize`` passes a ``Normalization`` layer holding
    ``input_scaling``'s per-feature mean and variance (identity when it is not given), after the
    ``Masking`` layer, which therefore sees the raw pad value; the mask passes through it. So the
    saved model takes the raw padded tensor and needs no custom objects to load. A regression head with ``scale_targets`` ends in a ``Rescaling`` to target units with
    ``target_scaling``'s mean and std (identity when it is not given, e.g. to count parameters).
    ``embedding_weights`` (a ``(vocab_size, embedding_dim)`` array, e.g. pre-trained word vectors)
    become the Embedding's initial weights; the layer is frozen unless ``trainable_embeddings``.
    Raises :class:`ModelSpecError` for a spec that fails validation or that Keras rejects.
    """
    spec.validate()
    import keras

    inp = spec.input
    try:
        if inp.kind == "embedding":
            assert inp.vocab_size is not None  # spec.validate() requires it for an embedding input
            inputs = keras.Input(shape=(inp.timesteps,), dtype="int32", name="input")
            embedding = keras.layers.Embedding(
                int(inp.vocab_size), inp.embedding_dim, mask_zero=inp.mask_zero, name="embedding",
                trainable=bool(inp.trainable_embeddings),
            )
            x = embedding(inputs)
            if embedding_weights is not None:
                _set_embedding_weights(embedding, embedding_weights, inp)
        else:
            inputs = keras.Input(shape=(inp.timesteps, inp.features), name="input")
            x = inputs
            if inp.kind == "masking":
                x = keras.layers.Masking(mask_value=float(inp.mask_value), name="masking")(x)
            if inp.standardizes:
                mean, variance = normalization_statistics(input_scaling, inp.features)
                x = keras.layers.Normalization(mean=mean, variance=variance, name=STANDARDIZE_LAYER)(x)

        for index, layer in enumerate(spec.layers):
            common = dict(
                units=layer.units,
                return_sequences=spec.return_sequences(index),
                dropout=float(layer.dropout),
                recurrent_dropout=float(layer.recurrent_dropout),
                activation=layer.activation,
                recurrent_activation=layer.recurrent_activation,
                use_bias=layer.use_bias,
                unroll=layer.unroll,
            )
            name = recurrent_layer_name(layer, index + 1)
            inner_name = layer.kind.lower() if layer.bidirectional else name
            if layer.kind == "GRU":
                rnn = keras.layers.GRU(reset_after=layer.reset_after, name=inner_name, **common)
            else:
                rnn = keras.layers.LSTM(name=inner_name, **common)
            if layer.bidirectional:
                rnn = keras.layers.Bidirectional(rnn, name=name)
            x = rnn(x)

        if spec.head.hidden_units > 0:
            x = keras.layers.Dense(spec.head.hidden_units, activation="relu", name="head_hidden")(x)
        activation = output_activation(spec)
        outputs = keras.layers.Dense(
            output_units(spec), activation=None if activation == "linear" else activation, name="output"
        )(x)
        if spec.head.rescales_targets:
            units = output_units(spec)
            scaling = target_scaling or TargetScaling((0.0,) * units, (1.0,) * units)
            if len(scaling.mean) != units:
                raise ModelSpecError(
                    f"The model has {units} output{'s' if units != 1 else ''} but the data has {len(scaling.mean)} "
                    f"target{'s' if len(scaling.mean) != 1 else ''}; set the head's outputs to {len(scaling.mean)}."
                )
            outputs = keras.layers.Rescaling(scale=list(scaling.std), offset=list(scaling.mean), name=TARGET_UNITS_LAYER)(outputs)
    except (ValueError, TypeError) as exc:
        raise ModelSpecError(f"Keras could not build this model: {exc}") from exc
    return keras.Model(inputs, outputs, name="shape_explorer_model")


def normalization_statistics(scaling: Standardizer | None, features: int) -> tuple[list[float], list[float]]:
    """``(mean, variance)`` lists for the ``standardize`` layer: the fitted statistics, or identity."""
    if scaling is None or not scaling.fitted:
        return [0.0] * features, [1.0] * features
    assert scaling.mean is not None and scaling.std is not None  # fitted
    mean = [float(v) for v in scaling.mean]
    if len(mean) != features:
        raise ModelSpecError(
            f"The model expects {features} feature{'s' if features != 1 else ''} per timestep but the standardisation "
            f"was fitted on {len(mean)}; rebuild the model for this data."
        )
    return mean, [float(v) * float(v) for v in scaling.std]
def _set_embedding_weights(layer: Any, weights: Any, inp: Any) -> None:
    import numpy as np

    matrix = np.asarray(weights, dtype="float32")
    expected = (int(inp.vocab_size), int(inp.embedding_dim))
    if matrix.shape != expected:
        raise ModelSpecError(
            f"The pre-trained vectors are a {matrix.shape[0]} × {matrix.shape[1]} matrix but the Embedding is "
            f"{expected[0]} × {expected[1]}: set the embedding size to {matrix.shape[1]}."
        )
    layer.set_weights([matrix])


def loss_and_metrics(spec: ModelSpec) -> tuple[str, list[str]]:
    """The loss and metrics that fit the spec's task, as the strings passed to ``model.compile``.

    Pure (no Keras import) so the script exporter prints exactly what training used.
    """
    task = spec.head.task
    if task == "binary":
        return "binary_crossentropy", ["accuracy"]
    if task == "multiclass" or (task == "sequence" and spec.head.sequence_classes):
        return "sparse_categorical_crossentropy", ["accuracy"]
    return "mse", ["mae"]


def compile_model(model: Any, spec: ModelSpec, learning_rate: float, optimizer: str = "adam") -> Any:
    """Compile ``model`` with the task's loss and metrics and the named optimizer; returns the model."""
    import keras

    class_name = OPTIMIZERS.get(optimizer.lower())
    if class_name is None:
        choices = ", ".join(sorted(OPTIMIZERS))
        raise ModelSpecError(f"Unknown optimizer {optimizer!r}; choose one of {choices}.")
    loss, metrics = loss_and_metrics(spec)
    opt = getattr(keras.optimizers, class_name)(learning_rate=float(learning_rate))
    model.compile(optimizer=opt, loss=loss, metrics=list(metrics))
    return model
