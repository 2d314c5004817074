"""*Use this architecture*: a user's model as a :class:`~core.model.spec.ModelSpec` for the model builder.

Only models the builder can express exactly are converted: an optional ``Masking`` or
``Embedding``, one or more ``LSTM``/``GRU`` layers (optionally ``Bidirectional`` with
``merge_mode="concat"``), an optional ReLU ``Dense`` and the output ``Dense``. Anything else
(``Dropout`` layers, ``Conv1D``, ``TimeDistributed`` ...) is named in the reasons and the model
stays read-only, so the builder never trains something other than what the user designed.
"""

from __future__ import annotations

from typing import Literal

from core.errors import ModelSpecError
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.usermodel.data import DataFacts
from core.usermodel.model import KLayer, UserModel


def to_builder_spec(model: UserModel, data: DataFacts) -> tuple[ModelSpec | None, list[str]]:
    """``(spec, [])`` when the builder can hold this model exactly, else ``(None, reasons)``."""
    reasons: list[str] = []
    layers = list(model.layers)
    declared = model.input_shape
    timesteps = declared[0] if declared else None
    inp = InputSpec(kind="dense", timesteps=timesteps, features=int(data.f or 1))
    if layers and layers[0].class_name == "Masking":
        inp = InputSpec(kind="masking", timesteps=timesteps, features=int(data.f or 1), mask_value=float(layers.pop(0).get("mask_value", 0.0)))
    elif layers and layers[0].class_name == "Embedding":
        emb = layers.pop(0)
        inp = InputSpec(kind="embedding", timesteps=timesteps, features=1, vocab_size=int(emb.get("input_dim", 0) or 0),
                        embedding_dim=int(emb.get("output_dim", 32) or 32), mask_zero=bool(emb.get("mask_zero", False)))
    recurrent: list[tuple[KLayer, RecurrentLayerSpec]] = []
    while layers and _rnn(layers[0]) is not None:
        layer = layers.pop(0)
        spec = _rnn(layer)
        assert spec is not None  # the loop condition just saw a recurrent layer
        if isinstance(spec, str):
            reasons.append(spec)
        else:
            recurrent.append((layer, spec))
    dense = [layer for layer in layers if layer.class_name == "Dense"]
    others = [layer for layer in layers if layer.class_name != "Dense"]
    for layer in others:
        reasons.append(f"the builder has no {layer.class_name} layer ('{layer.name}')")
    if not recurrent:
        reasons.append("the builder needs at least one LSTM or GRU layer right after the input")
    if not dense or len(dense) > 2:
        reasons.append("the builder's head is one output Dense, optionally after one ReLU Dense")
    if len(dense) == 2 and str(dense[0].get("activation", "linear")) != "relu":
        reasons.append(f"the hidden Dense '{dense[0].name}' must use relu in the builder")
    if reasons:
        return None, reasons
    sequences = [bool(_inner(layer).get("return_sequences", False)) for layer, _ in recurrent]
    per_step = all(sequences)
    if not per_step and (sequences[-1] or not all(sequences[:-1])):
        return None, ["the builder sets return_sequences itself (every recurrent layer but the last); this model does not follow that"]
    head = _head(dense[-1], per_step, int(dense[0].get("units", 0)) if len(dense) == 2 else 0)
    if isinstance(head, str):
        return None, [head]
    try:
        return ModelSpec(input=inp, layers=tuple(spec for _, spec in recurrent), head=head).validate(), []
    except ModelSpecError as error:
        return None, [str(error)]


def _inner(layer: KLayer) -> KLayer:
    return layer.inner if layer.class_name == "Bidirectional" and layer.inner is not None else layer


def _rnn(layer: KLayer) -> RecurrentLayerSpec | str | None:
    inner = _inner(layer)
    if inner.class_name not in ("LSTM", "GRU"):
        return None if layer.class_name != "Bidirectional" else f"the builder has no Bidirectional({inner.class_name})"
    if layer.class_name == "Bidirectional" and layer.get("merge_mode", "concat") != "concat":
        return f"'{layer.name}' merges its directions with {layer.get('merge_mode')!r}; the builder concatenates"
    kind: Literal["LSTM", "GRU"] = "LSTM" if inner.class_name == "LSTM" else "GRU"  # checked above
    return RecurrentLayerSpec(
        kind=kind, units=int(inner.get("units", 32)), bidirectional=layer.class_name == "Bidirectional",
        dropout=float(inner.get("dropout", 0.0) or 0.0), recurrent_dropout=float(inner.get("recurrent_dropout", 0.0) or 0.0),
        activation=str(inner.get("activation", "tanh")), recurrent_activation=str(inner.get("recurrent_activation", "sigmoid")),
        use_bias=bool(inner.get("use_bias", True)), unroll=bool(inner.get("unroll", False)),
        reset_after=bool(inner.get("reset_after", True)))


def _head(out: KLayer, per_step: bool, hidden: int) -> HeadSpec | str:
    units = int(out.get("units", 1) or 1)
    activation = str(out.get("activation", "linear") or "linear")
    if per_step:
        if activation == "softmax":
            return HeadSpec(task="sequence", n_outputs=1, hidden_units=hidden, sequence_classes=units)
        if activation == "linear":
            return HeadSpec(task="sequence", n_outputs=units, hidden_units=hidden)
    elif activation == "sigmoid" and units == 1:
        return HeadSpec(task="binary", n_outputs=1, hidden_units=hidden)
    elif activation == "softmax" and units >= 2:
        return HeadSpec(task="multiclass", n_outputs=units, hidden_units=hidden)
    elif activation == "linear":
        return HeadSpec(task="regression", n_outputs=units, hidden_units=hidden, scale_targets=False)
    return f"the builder has no output Dense({units}, activation={activation!r}){' at every step' if per_step else ''}"
