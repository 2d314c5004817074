"""A plain, JSON-serialisable description of the model the user is building.

No Keras here: the spec is what the window edits, what sessions store, what the shape
table (``core.model.shapes``) and the cuDNN linter (``core.model.cudnn``) read, and what
``core.model.build`` turns into a ``keras.Model``. ``return_sequences`` is never stored: it
follows from the layer's position and the task (:meth:`ModelSpec.return_sequences`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from core.errors import ModelSpecError

RecurrentKind = Literal["LSTM", "GRU"]
InputKind = Literal["dense", "masking", "embedding"]
Task = Literal["binary", "multiclass", "regression", "sequence"]

SPEC_VERSION = 1


@dataclass(frozen=True)
class InputSpec:
    """The model's input.

    ``dense``: float features fed as they are (equal-length data, no padding);
    ``masking``: a ``Masking(mask_value)`` layer first, for padded float data;
    ``embedding``: token ids of shape ``(timesteps,)`` into ``Embedding(vocab_size, embedding_dim,
    mask_zero=mask_zero)``; ``features`` is then 1 in the data and ``embedding_dim`` after it.
    ``pretrained_embeddings`` names the vectors file whose rows are the Embedding's initial weights
    (given to :func:`core.model.build.build_model`); ``trainable_embeddings=False`` freezes them,
    so their weights count as non-trainable.
    ``timesteps=None`` builds a model that accepts any length.
    ``standardize`` (float input): a ``Normalization`` layer (named ``standardize``) right after the
    input (after ``Masking``, on the raw pad value) holds the training split's per-feature mean and
    variance, so the saved model takes raw values; it passes the mask on. Ignored for token ids.
    """

    kind: InputKind = "masking"
    timesteps: int | None = None
    features: int = 1
    mask_value: float = 0.0
    vocab_size: int | None = None
    embedding_dim: int = 32
    mask_zero: bool = True
    standardize: bool = True

    @property
    def standardizes(self) -> bool:
        """True when the model starts with the ``standardize`` (Normalization) layer."""
        return self.kind != "embedding" and bool(self.standardize)
    pretrained_embeddings: str | None = None  # the vectors file the Embedding starts from (None: random init)
    trainable_embeddings: bool = True  # False freezes the Embedding (pre-trained vectors, the default for them)


@dataclass(frozen=True)
class RecurrentLayerSpec:
    """One recurrent layer. Defaults are the cuDNN-eligible Keras defaults."""

    kind: RecurrentKind = "LSTM"
    units: int = 32
    bidirectional: bool = False
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    activation: str = "tanh"
    recurrent_activation: str = "sigmoid"
    use_bias: bool = True
    unroll: bool = False
    reset_after: bool = True  # GRU only


@dataclass(frozen=True)
class HeadSpec:
    """The output head, chosen from the task.

    ``binary``: ``Dense(1, sigmoid)``; ``multiclass``: ``Dense(n_outputs, softmax)``;
    ``regression`` (also forecasting): ``Dense(n_outputs)``; ``sequence``: every recurrent
    layer returns sequences and a ``Dense`` is applied at each step (softmax when
    ``n_classes`` is set, linear otherwise). ``hidden_units > 0`` adds a ReLU ``Dense`` first.
    ``scale_targets`` (regression): the ``Dense`` works in standardised units and a final
    ``Rescaling`` turns its output into target units with the training targets' mean and
    standard deviation (:class:`core.shaping.standardize.TargetScaling`, fitted at train time).
    """

    task: Task = "binary"
    n_outputs: int = 1
    hidden_units: int = 0
    sequence_classes: int | None = None  # task="sequence" with class labels per step
    scale_targets: bool = True

    @property
    def rescales_targets(self) -> bool:
        """True when the model ends in the ``Rescaling`` to target units."""
        return self.task == "regression" and bool(self.scale_targets)


@dataclass(frozen=True)
class ModelSpec:
    input: InputSpec = field(default_factory=InputSpec)
    layers: tuple[RecurrentLayerSpec, ...] = (RecurrentLayerSpec(),)
    head: HeadSpec = field(default_factory=HeadSpec)

    def return_sequences(self, index: int) -> bool:
        """All but the last recurrent layer return sequences; all do for sequence output."""
        if self.head.task == "sequence":
            return True
        return index < len(self.layers) - 1

    def validate(self) -> ModelSpec:
        """Raise :class:`ModelSpecError` with a plain sentence for an impossible spec."""
        if not self.layers:
            raise ModelSpecError("The model needs at least one recurrent layer (LSTM or GRU).")
        for i, layer in enumerate(self.layers, start=1):
            if layer.kind not in ("LSTM", "GRU"):
                raise ModelSpecError(f"Layer {i}: kind must be LSTM or GRU, not {layer.kind!r}.")
            if not isinstance(layer.units, int) or layer.units < 1:
                raise ModelSpecError(f"Layer {i}: units must be a whole number of at least 1, not {layer.units!r}.")
            for name in ("dropout", "recurrent_dropout"):
                value = getattr(layer, name)
                if not 0.0 <= float(value) < 1.0:
                    raise ModelSpecError(f"Layer {i}: {name} must be at least 0 and below 1, not {value!r}.")
        inp = self.input
        if inp.timesteps is not None and inp.timesteps < 1:
            raise ModelSpecError(f"The input needs at least one timestep, not {inp.timesteps}.")
        if inp.kind == "embedding":
            if not inp.vocab_size or inp.vocab_size < 2:
                raise ModelSpecError("An Embedding input needs a vocabulary of at least 2 tokens.")
            if inp.embedding_dim < 1:
                raise ModelSpecError("The embedding dimension must be at least 1.")
        elif inp.features < 1:
            raise ModelSpecError(f"The input needs at least one feature, not {inp.features}.")
        head = self.head
        if head.task not in ("binary", "multiclass", "regression", "sequence"):
            raise ModelSpecError(f"Unknown task {head.task!r}.")
        if head.task == "multiclass" and head.n_outputs < 2:
            raise ModelSpecError("A multi-class head needs at least 2 classes.")
        if head.n_outputs < 1 or head.hidden_units < 0:
            raise ModelSpecError("The head needs at least one output and a non-negative hidden size.")
        return self

    # ---- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SPEC_VERSION,
            "input": asdict(self.input),
            "layers": [asdict(layer) for layer in self.layers],
            "head": asdict(self.head),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSpec:
        try:
            version = int(data.get("version", SPEC_VERSION))
            if version > SPEC_VERSION:
                raise ModelSpecError(
                    f"This model spec was written by a newer Shape Explorer (spec version {version}); "
                    f"this one reads version {SPEC_VERSION}. Update Shape Explorer."
                )
            return cls(
                input=InputSpec(**data.get("input", {})),
                layers=tuple(RecurrentLayerSpec(**layer) for layer in data.get("layers", [])),
                head=HeadSpec(**data.get("head", {})),
            ).validate()
        except (TypeError, AttributeError, ValueError) as exc:
            raise ModelSpecError(f"The model spec is malformed ({exc}).") from exc

    def with_layers(self, layers: list[RecurrentLayerSpec] | tuple[RecurrentLayerSpec, ...]) -> ModelSpec:
        return replace(self, layers=tuple(layers))
