"""A sensible first model for a shaped dataset, and the checks that a spec still fits the data.

The window opens the model panel with :func:`default_spec` and shows the sentences of
:func:`spec_fits_data` as warnings while the user edits layers or changes the shaping.
Neither imports Keras.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.model.shapes import output_units
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.tensor_data import TensorData

# 64, the size a plain Keras script uses (and the small-data benchmark's reference): with 32 units
# the small UCR sets sat on the loss plateau for most of 50 epochs (ArrowHead: training loss ln 3,
# chance, in every epoch; GunPoint: 0.69 until epoch 35), see README "Defaults on small data".
DEFAULT_UNITS = 64
DEFAULT_EMBEDDING_DIM = 32


def _timesteps_and_features(shaped: TensorData) -> tuple[int, int]:
    x = shaped.x
    timesteps = int(x.shape[1])
    features = int(x.shape[2]) if x.ndim == 3 else 1
    return timesteps, features


def _is_tokens(shaped: TensorData) -> bool:
    return shaped.kind == "tokens"


def _has_padding(shaped: TensorData) -> bool:
    """True when some sample is shorter than the padded length (so padded steps exist)."""
    if shaped.window is not None:
        return False
    timesteps = int(shaped.x.shape[1])
    lengths = np.asarray(shaped.lengths)
    return bool(lengths.size and (lengths < timesteps).any())


def _vocab_size(shaped: TensorData) -> int:
    vocabulary = shaped.vocabulary
    size = len(vocabulary) if vocabulary is not None else 0
    if shaped.x.size:
        size = max(size, int(np.max(shaped.x)) + 1)
    return max(size, 2)


def _n_classes(shaped: TensorData) -> int:
    if shaped.n_classes:
        return int(shaped.n_classes)
    y = shaped.y
    return int(np.max(y)) + 1 if y is not None and np.size(y) else 2


def default_head(shaped: TensorData) -> HeadSpec:
    """The head the data's task calls for.

    With no labels (``task=None``) there is nothing to learn; a one-output regression head is
    returned so the model table still shows something, and the trainer's preflight refuses to
    train with a plain message.
    """
    task = shaped.task
    y = shaped.y
    if task == "binary":
        return HeadSpec(task="binary", n_outputs=1)
    if task == "multiclass":
        return HeadSpec(task="multiclass", n_outputs=max(_n_classes(shaped), 2))
    if task == "regression":
        n_outputs = int(y.shape[1]) if y is not None and y.ndim == 2 else 1
        return HeadSpec(task="regression", n_outputs=n_outputs)
    if task == "sequence":
        if shaped.n_classes:
            n = int(shaped.n_classes)
            return HeadSpec(task="sequence", n_outputs=n, sequence_classes=n)
        n_outputs = int(y.shape[2]) if y is not None and y.ndim == 3 else 1
        return HeadSpec(task="sequence", n_outputs=n_outputs)
    return HeadSpec(task="regression", n_outputs=1)


def default_spec(shaped: TensorData) -> ModelSpec:
    """A one-layer LSTM(64) model (``DEFAULT_UNITS``) that fits ``shaped`` (a :class:`core.tensor_data.TensorData`).

    Tokens get ``Embedding(len(vocabulary), 32, mask_zero=True)``; padded float sequences get
    ``Masking(pad value)``; equal-length data and windows feed the features directly.
    ``timesteps`` is the padded length, so the model table shows real numbers.
    """
    timesteps, features = _timesteps_and_features(shaped)
    pad_value = float(shaped.padding.value)
    if _is_tokens(shaped):
        vectors = shaped.embeddings
        inp = InputSpec(
            kind="embedding",
            timesteps=timesteps,
            features=1,
            vocab_size=_vocab_size(shaped),
            embedding_dim=DEFAULT_EMBEDDING_DIM if vectors is None else int(vectors.dim),
            mask_zero=pad_value == 0.0,
            pretrained_embeddings=None if vectors is None else Path(vectors.file).name,
            trainable_embeddings=vectors is None,  # pre-trained vectors start frozen
        )
    elif _has_padding(shaped):
        inp = InputSpec(kind="masking", timesteps=timesteps, features=features, mask_value=pad_value)
    else:
        inp = InputSpec(kind="dense", timesteps=timesteps, features=features)
    return ModelSpec(input=inp, layers=(RecurrentLayerSpec(kind="LSTM", units=DEFAULT_UNITS),), head=default_head(shaped))


def spec_fits_data(spec: ModelSpec, shaped: TensorData) -> list[str]:
    """Plain sentences for every way ``spec`` does not fit ``shaped``; empty when it fits."""
    problems: list[str] = []
    timesteps, features = _timesteps_and_features(shaped)
    inp = spec.input
    tokens = _is_tokens(shaped)
    pad_value = float(shaped.padding.value)

    # ---- input ---------------------------------------------------------------------------
    if tokens and inp.kind != "embedding":
        problems.append(
            "The data are token ids, which mean nothing as numbers: use an Embedding input instead of "
            f"feeding them as {'masked ' if inp.kind == 'masking' else ''}features."
        )
    elif not tokens and inp.kind == "embedding":
        problems.append(
            "An Embedding input expects token ids, but this data has float features: use a Masking or "
            "plain input instead."
        )
    vectors = shaped.embeddings
    if inp.kind == "embedding" and tokens and inp.pretrained_embeddings and vectors is not None:
        if inp.embedding_dim != vectors.dim:
            problems.append(
                f"The vectors in {inp.pretrained_embeddings} have {vectors.dim} numbers per word but the Embedding "
                f"has {inp.embedding_dim}: set the embedding size to {vectors.dim}."
            )
        if inp.vocab_size != vectors.matrix.shape[0]:
            problems.append(
                f"The vectors cover a vocabulary of {vectors.matrix.shape[0]} tokens but the Embedding has "
                f"{inp.vocab_size}: set vocab_size to {vectors.matrix.shape[0]}."
            )
    if inp.kind == "embedding" and tokens:
        max_id = int(np.max(shaped.x)) if shaped.x.size else 0
        if inp.vocab_size is not None and max_id >= inp.vocab_size:
            problems.append(
                f"The vocabulary size is {inp.vocab_size} but the data has token id {max_id}: "
                f"set vocab_size to at least {max_id + 1}."
            )
        if not inp.mask_zero and pad_value == 0.0 and _has_padding(shaped):
            problems.append(
                "Some sequences are padded with id 0 but Embedding(mask_zero=False) reads the padding as a real "
                "token: turn mask_zero on."
            )
        if inp.mask_zero and pad_value != 0.0:
            problems.append(
                f"Embedding(mask_zero=True) masks id 0, but the data is padded with {pad_value:g}: "
                "pad with 0 or turn mask_zero off."
            )
    elif inp.kind != "embedding" and not tokens and inp.features != features:
        problems.append(
            f"The model expects {inp.features} feature{'s' if inp.features != 1 else ''} per timestep but "
            f"the data has {features}: set input_shape=({inp.timesteps}, {features})."
        )
    if inp.timesteps is not None and inp.timesteps != timesteps:
        problems.append(
            f"The model expects {inp.timesteps} timesteps but the data has {timesteps} after padding: "
            f"set timesteps to {timesteps} (or leave it open with None)."
        )
    if not tokens and _has_padding(shaped):
        if inp.kind == "dense":
            problems.append(
                "Some sequences are padded but the model has no Masking layer, so the padding is fed to "
                f"the LSTM as if it were real data: add Masking(mask_value={pad_value:g})."
            )
        elif inp.kind == "masking" and float(inp.mask_value) != pad_value:
            problems.append(
                f"The Masking layer skips steps equal to {float(inp.mask_value):g} but the data is padded with "
                f"{pad_value:g}: use mask_value={pad_value:g}."
            )

    # ---- head ----------------------------------------------------------------------------
    problems.extend(_head_problems(spec, shaped))
    return problems


def _head_problems(spec: ModelSpec, shaped: TensorData) -> list[str]:
    task = shaped.task
    head = spec.head
    y = shaped.y
    if task is None:
        return ["The data has no labels, so there is nothing to train: choose a label column or a window target."]
    if task == "sequence" and head.task != "sequence":
        return [
            "The labels have one value per timestep, but the head predicts one value per sample: "
            "choose the sequence-output head."
        ]
    if task != "sequence" and head.task == "sequence":
        return [
            "The head predicts a value at every timestep, but the labels have one value per sample: "
            f"choose the {task} head."
        ]
    n_classes = int(shaped.n_classes) if shaped.n_classes else None
    if task in ("binary", "multiclass"):
        if n_classes == 1:
            return ["The labels hold only one class, so there is nothing to tell apart: check the label column."]
        if head.task == "regression":
            return [f"The labels are {n_classes or 'several'} classes, but the head is regression: choose a classification head."]
        if head.task == "binary" and n_classes is not None and n_classes > 2:
            return [f"The labels have {n_classes} classes but the head is binary: choose the multi-class head with {n_classes} outputs."]
        if head.task == "multiclass" and n_classes is not None and head.n_outputs != n_classes:
            return [f"The head has {head.n_outputs} outputs but the labels have {n_classes} classes: set outputs to {n_classes}."]
        return []
    if task == "regression":
        if head.task != "regression":
            return ["The labels are numbers to predict, but the head is a classifier: choose the regression head."]
        k = int(y.shape[1]) if y is not None and y.ndim == 2 else 1
        if head.n_outputs != k:
            return [f"The head has {head.n_outputs} outputs but each sample has {k} target value{'s' if k != 1 else ''}: set outputs to {k}."]
        return []
    # sequence labels with a sequence head
    if n_classes:
        if not head.sequence_classes:
            return [
                f"The per-step labels are {n_classes} classes, but the head predicts numbers: set the number of "
                f"classes per step to {n_classes}."
            ]
        if output_units(spec) != n_classes:
            return [f"The head has {output_units(spec)} classes per step but the labels have {n_classes}: set it to {n_classes}."]
        return []
    if head.sequence_classes:
        return ["The per-step labels are numbers, but the head predicts classes: turn off per-step classes."]
    k = int(y.shape[2]) if y is not None and y.ndim == 3 else 1
    if head.n_outputs != k:
        return [f"The head has {head.n_outputs} outputs per step but the labels have {k}: set outputs to {k}."]
    return []
