"""A user's own Keras model as plain data: the layers on its main path, its declared input and loss.

Every reader (``archive`` for ``.keras``/``.h5``/JSON, ``code`` for pasted Python) produces a
:class:`UserModel`; nothing in it was deserialised by Keras or executed. ``config`` holds the
layer's Keras config as JSON values (``units``, ``return_sequences`` ...); defaults are applied
where the config is read (``core.usermodel.layers``), so pasted code may leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int | None, ...]


@dataclass(frozen=True)
class KLayer:
    """One Keras layer: class name, name and config; ``inner`` is the layer a wrapper wraps."""

    class_name: str
    name: str
    config: dict[str, Any] = field(default_factory=dict)
    inner: KLayer | None = None
    line: int | None = None  # pasted code: the line it is written on

    def get(self, key: str, default: Any = None) -> Any:
        value = self.config.get(key, default)
        return default if value is None and default is not None else value


@dataclass(frozen=True)
class UserModel:
    """What was read from the user's model file or code.

    ``input_shape`` is the declared shape without the batch axis (``None`` entries are "any");
    ``None`` when the model declares no input (an unbuilt ``Sequential``). ``declared_by`` says
    how: ``"Input"``, ``"input_shape"``, ``"batch_input_shape"`` or ``"batch_shape"``.
    ``unsupported`` names every construct that was not read (and so not checked).
    """

    source: str
    format: str  # "keras", "h5", "json", "python"
    layers: tuple[KLayer, ...]
    input_shape: Shape | None = None
    declared_by: str | None = None
    batch_size: int | None = None
    loss: str | None = None
    keras_version: str | None = None
    unsupported: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "declared_input_shape": None if self.input_shape is None else list(self.input_shape),
            "declared_by": self.declared_by,
            "loss": self.loss,
            "keras_version": self.keras_version,
            "unsupported": list(self.unsupported),
            "notes": list(self.notes),
        }


def loss_name(loss: Any) -> str | None:
    """A loss as its snake_case Keras name: ``"SparseCategoricalCrossentropy"`` → ``"sparse_categorical_crossentropy"``."""
    if isinstance(loss, dict):
        loss = loss.get("class_name") or (loss.get("config") or {}).get("name")
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    if not isinstance(loss, str) or not loss:
        return None
    aliases = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "bce": "binary_crossentropy"}
    if loss.lower() in aliases:
        return aliases[loss.lower()]
    if "_" in loss or loss.islower():
        return loss.lower()
    out = []
    for i, ch in enumerate(loss):
        if ch.isupper() and i and not loss[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
