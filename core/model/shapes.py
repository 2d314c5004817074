"""Per-layer output shapes and parameter counts, worked out with arithmetic alone.

The model panel redraws this table on every keystroke, so it must not import TensorFlow or
Keras (seconds of start-up). The numbers are the ones ``model.summary()`` prints for the model
:func:`core.model.build.build_model` makes from the same spec; a test builds many random
specs with Keras and compares row by row.

Weight formulas (Keras 3, ``keras/src/layers/rnn/lstm.py`` and ``gru.py``, the cells' ``build``):

* ``LSTMCell``: kernel ``(input_dim, 4u)``, recurrent kernel ``(u, 4u)``, bias ``(4u,)``.
* ``GRUCell``: kernel ``(input_dim, 3u)``, recurrent kernel ``(u, 3u)``, bias ``(2, 3u)`` when
  ``reset_after`` (separate input and recurrent biases) else ``(3u,)``.
* ``Bidirectional``: two copies of the layer; outputs concatenated (``2u`` features).
* ``SimpleRNNCell``: kernel ``(input_dim, u)``, recurrent kernel ``(u, u)``, bias ``(u,)``.
* ``Embedding``: ``vocab_size * embedding_dim`` (non-trainable when frozen); ``Dense``: ``in * out + out``.
* ``Normalization`` given its mean and variance (the ``standardize`` layer) and ``Rescaling``:
  no weights at all (the statistics live in the layer's config).

The same formulas give the rows of a user's own model (``core.usermodel.layers``).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model.spec import ModelSpec, RecurrentLayerSpec

Shape = tuple[int | None, ...]


@dataclass(frozen=True)
class LayerRow:
    """One row of the model table: what ``model.summary()`` would print, plus a plain note."""

    name: str
    class_name: str
    output_shape: Shape
    params: int
    note: str = ""
    trainable: bool = True  # False: the weights are frozen (pre-trained embeddings) and count as non-trainable


def recurrent_layer_name(layer: RecurrentLayerSpec, position: int) -> str:
    """The stable name of the recurrent layer at 1-based ``position``: ``lstm_1``, ``bidirectional_gru_2``."""
    base = f"{layer.kind.lower()}_{position}"
    return f"bidirectional_{base}" if layer.bidirectional else base


RNN_GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def rnn_params(kind: str, units: int, input_dim: int, use_bias: bool = True, reset_after: bool = True) -> int:
    """Weights of one LSTM/GRU/SimpleRNN layer (one direction) fed ``input_dim`` features."""
    gates = RNN_GATES[kind]
    weights = gates * units * (input_dim + units)
    if use_bias:
        bias_rows = 2 if (kind == "GRU" and reset_after) else 1
        weights += bias_rows * gates * units
    return weights


def recurrent_params(layer: RecurrentLayerSpec, input_dim: int) -> int:
    """Trainable weights of one (possibly bidirectional) LSTM/GRU layer fed ``input_dim`` features."""
    weights = rnn_params(layer.kind, layer.units, input_dim, layer.use_bias, layer.reset_after)
    return weights * (2 if layer.bidirectional else 1)


def dense_params(input_dim: int, units: int) -> int:
    return input_dim * units + units


def recurrent_output_dim(layer: RecurrentLayerSpec) -> int:
    return layer.units * (2 if layer.bidirectional else 1)


def _return_sequences_note(spec: ModelSpec, index: int) -> str:
    if index < len(spec.layers) - 1:
        return "returns the whole sequence because another recurrent layer follows"
    if spec.head.task == "sequence":
        return "returns the whole sequence: the output needs a prediction at every timestep"
    return "returns only the last step: the head needs one vector per sample"


def output_units(spec: ModelSpec) -> int:
    """Width of the output layer for the spec's task."""
    head = spec.head
    if head.task == "binary":
        return 1
    if head.task == "sequence" and head.sequence_classes:
        return head.sequence_classes
    return head.n_outputs


def output_activation(spec: ModelSpec) -> str:
    """The output layer's activation: ``sigmoid``, ``softmax`` or ``linear``."""
    head = spec.head
    if head.task == "binary":
        return "sigmoid"
    if head.task == "multiclass" or (head.task == "sequence" and head.sequence_classes):
        return "softmax"
    return "linear"


TARGET_UNITS_LAYER = "target_units"  # the Rescaling after a regression output (HeadSpec.scale_targets)
STANDARDIZE_LAYER = "standardize"  # the Normalization after the input (InputSpec.standardize)


def layer_table(spec: ModelSpec) -> list[LayerRow]:
    """The rows of ``model.summary()`` for ``build_model(spec)``: input, preprocessing, recurrent layers, head."""
    inp = spec.input
    t = inp.timesteps
    rows: list[LayerRow] = []
    if inp.kind == "embedding":
        rows.append(LayerRow("input", "InputLayer", (None, t), 0, "token ids, one per timestep"))
        rows.append(
            LayerRow(
                "embedding",
                "Embedding",
                (None, t, inp.embedding_dim),
                int(inp.vocab_size or 0) * inp.embedding_dim,
                f"turns each token id into {inp.embedding_dim} features"
                + ("; id 0 is padding and is masked" if inp.mask_zero else "")
                + (f"; starts from the vectors in {inp.pretrained_embeddings}" if inp.pretrained_embeddings else "")
                + ("" if inp.trainable_embeddings else ", frozen (non-trainable)"),
                bool(inp.trainable_embeddings),
            )
        )
        features = inp.embedding_dim
    else:
        rows.append(LayerRow("input", "InputLayer", (None, t, inp.features), 0, f"input_shape=({t}, {inp.features})"))
        if inp.kind == "masking":
            rows.append(
                LayerRow(
                    "masking",
                    "Masking",
                    (None, t, inp.features),
                    0,
                    f"skips timesteps whose features all equal {inp.mask_value:g}",
                )
            )
        if inp.standardizes:
            rows.append(
                LayerRow(
                    STANDARDIZE_LAYER,
                    "Normalization",
                    (None, t, inp.features),
                    0,
                    "(x − mean) / std per feature of the training split, inside the model"
                    + ("; padded steps stay masked" if inp.kind == "masking" else ""),
                )
            )
        features = inp.features

    for index, layer in enumerate(spec.layers):
        params = recurrent_params(layer, features)
        features = recurrent_output_dim(layer)
        sequences = spec.return_sequences(index)
        shape: Shape = (None, t, features) if sequences else (None, features)
        class_name = "Bidirectional" if layer.bidirectional else layer.kind
        note = _return_sequences_note(spec, index)
        if layer.bidirectional:
            note += f"; forward and backward {layer.units} units are concatenated"
        rows.append(LayerRow(recurrent_layer_name(layer, index + 1), class_name, shape, params, note))

    per_step = spec.head.task == "sequence"
    if spec.head.hidden_units > 0:
        hidden = spec.head.hidden_units
        shape = (None, t, hidden) if per_step else (None, hidden)
        rows.append(LayerRow("head_hidden", "Dense", shape, dense_params(features, hidden), "ReLU layer before the output"))
        features = hidden
    out = output_units(spec)
    shape = (None, t, out) if per_step else (None, out)
    rows.append(LayerRow("output", "Dense", shape, dense_params(features, out), _output_note(spec, out)))
    if spec.head.rescales_targets:
        rows.append(LayerRow(TARGET_UNITS_LAYER, "Rescaling", shape, 0, "back to target units: × std + mean of the training targets"))
    return rows


def _output_note(spec: ModelSpec, units: int) -> str:
    task = spec.head.task
    if task == "binary":
        return "one sigmoid probability per sample"
    if task == "multiclass":
        return f"softmax over {units} classes per sample"
    if task == "regression":
        return f"{units} number{'s' if units != 1 else ''} per sample"
    if spec.head.sequence_classes:
        return f"softmax over {units} classes at every timestep"
    return f"{units} number{'s' if units != 1 else ''} at every timestep"


def total_params(spec: ModelSpec) -> int:
    """Sum of the table's parameter counts (``model.count_params()``)."""
    return sum(row.params for row in layer_table(spec))


def trainable_params(spec: ModelSpec) -> int:
    """The "Trainable params" of ``model.summary()``: everything but frozen layers."""
    return sum(row.params for row in layer_table(spec) if row.trainable)


def non_trainable_params(spec: ModelSpec) -> int:
    """The "Non-trainable params" of ``model.summary()`` (a frozen pre-trained Embedding)."""
    return sum(row.params for row in layer_table(spec) if not row.trainable)
