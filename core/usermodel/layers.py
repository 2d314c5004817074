"""Output shape and parameter count of each Keras layer of a user's model, by arithmetic alone.

:func:`layer_rows` walks the main path from an input shape (batch axis ``None`` first) and
returns what ``model.summary()`` prints for it: one :class:`Row` per layer. The recurrent and
dense weights come from :mod:`core.model.shapes` (one home for those formulas). A layer whose
input it cannot take stops the walk with :class:`Incompatible`, which says what it expected,
like Keras' own ``expected ndim=3, found ndim=2``. Layers not listed in :data:`SUPPORTED`
stop the walk too: their shapes are never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.model.shapes import dense_params, rnn_params
from core.usermodel.model import KLayer, Shape

RECURRENT = ("LSTM", "GRU", "SimpleRNN")
SAME_SHAPE = ("Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Activation",
              "ActivityRegularization", "Masking", "Identity", "Rescaling", "UnitNormalization", "LeakyReLU",
              "ReLU", "PReLU", "ELU", "Softmax")


@dataclass(frozen=True)
class Row:
    name: str
    class_name: str
    output_shape: Shape | None  # None: not computed (the layer cannot take its input, or is not supported)
    params: int | None
    note: str = ""

    def to_dict(self) -> dict:
        shape = None if self.output_shape is None else list(self.output_shape)
        return {"name": self.name, "class": self.class_name, "output_shape": shape,
                "params": self.params, "note": self.note}


class Incompatible(Exception):
    """``layer`` cannot take ``shape``: ``expected`` is e.g. ``"ndim=3"``; ``str()`` is the plain reason."""

    def __init__(self, layer: KLayer, shape: Shape, expected: str, reason: str) -> None:
        super().__init__(reason)
        self.layer, self.shape, self.expected, self.reason = layer, tuple(shape), expected, reason


class Unknown(Exception):
    """A layer whose shapes this module does not compute (it is named, not guessed)."""

    def __init__(self, layer: KLayer) -> None:
        super().__init__(f"{layer.class_name} layer '{layer.name}'")
        self.layer = layer


def layer_rows(layers: tuple[KLayer, ...] | list[KLayer], input_shape: Shape) -> list[Row]:
    """Rows for every layer, starting from ``input_shape`` (with the batch axis); raises on the first misfit."""
    rows: list[Row] = []
    shape = tuple(input_shape)
    for layer in layers:
        shape, params, note = infer(layer, shape)
        rows.append(Row(layer.name, layer.class_name, shape, params, note))
    return rows


def _int(value, default: int | None = None) -> int | None:
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value == int(value) and value >= 0
    return int(value) if ok else default


def _last(shape: Shape) -> int | None:
    return shape[-1] if shape else None


def _size(dims: Shape) -> int | None:
    """How many values ``dims`` hold, or ``None`` when any axis is unknown."""
    known = [d for d in dims if d is not None]
    return math.prod(known) if len(known) == len(dims) else None


def _need_dim(layer: KLayer, shape: Shape) -> int:
    dim = _last(shape)
    if dim is None or len(shape) < 2:
        raise Incompatible(layer, shape, "a known last axis", f"{layer.class_name} '{layer.name}' needs the size of the last axis, but got {_fmt(shape)}")
    return dim


def _fmt(shape: Shape) -> str:
    inner = ", ".join("None" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def infer(layer: KLayer, shape: Shape) -> tuple[Shape, int, str]:
    """``(output shape, params, note)`` of ``layer`` fed ``shape``."""
    kind = layer.class_name
    if kind in RECURRENT:
        return _recurrent(layer, shape, 1)
    if kind == "Bidirectional":
        return _bidirectional(layer, shape)
    if kind == "TimeDistributed":
        return _time_distributed(layer, shape)
    if kind == "Dense":
        units = _int(layer.get("units", layer.get("output_dim")), 0) or 0
        params = dense_params(_need_dim(layer, shape), units) - (0 if layer.get("use_bias", True) else units)
        return shape[:-1] + (units,), params, ""
    if kind in SAME_SHAPE:
        note = f"skips steps whose features all equal {float(layer.get('mask_value', 0.0)):g}" if kind == "Masking" else ""
        return shape, (_need_dim(layer, shape) if kind == "PReLU" else 0), note
    if kind == "Embedding":
        dim = _int(layer.get("output_dim"), 0) or 0
        vocab = _int(layer.get("input_dim"), 0) or 0
        note = "reads token ids" + ("; id 0 is padding and is masked" if layer.get("mask_zero", False) else "")
        return shape + (dim,), vocab * dim, note
    if kind in ("BatchNormalization", "LayerNormalization"):
        dim = _need_dim(layer, shape)
        per = int(bool(layer.get("center", True))) + int(bool(layer.get("scale", True)))
        return shape, dim * (per + (2 if kind == "BatchNormalization" else 0)), ""
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAvgPool1D", "GlobalMaxPool1D"):
        _rank(layer, shape, 3)
        return ((shape[0], 1, shape[2]) if layer.get("keepdims", False) else (shape[0], shape[2])), 0, ""
    if kind == "Flatten":
        return (shape[0], _size(shape[1:])), 0, ""
    if kind == "Reshape":
        return _reshape(layer, shape), 0, ""
    if kind == "RepeatVector":
        _rank(layer, shape, 2)
        return (shape[0], _int(layer.get("n")), shape[1]), 0, ""
    if kind == "Permute":
        dims = layer.get("dims") or []
        return (shape[0],) + tuple(shape[int(d)] for d in dims), 0, ""
    if kind == "Conv1D":
        return _conv1d(layer, shape)
    if kind in ("MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D"):
        _rank(layer, shape, 3)
        size = _int(layer.get("pool_size", 2), 2) or 2
        stride = _int(layer.get("strides"), size) or size
        return (shape[0], _length(shape[1], size, stride, 1, layer.get("padding", "valid")), shape[2]), 0, ""
    raise Unknown(layer)


def _rank(layer: KLayer, shape: Shape, ndim: int) -> None:
    if len(shape) != ndim:
        raise Incompatible(layer, shape, f"ndim={ndim}", f"{layer.class_name} '{layer.name}' expects {ndim}-D input "
                           f"(expected ndim={ndim}, found ndim={len(shape)}); it would get {_fmt(shape)}")


def _recurrent(layer: KLayer, shape: Shape, copies: int) -> tuple[Shape, int, str]:
    _rank(layer, shape, 3)
    units = _int(layer.get("units", layer.get("output_dim")), 0) or 0
    params = rnn_params(layer.class_name, units, _need_dim(layer, shape), bool(layer.get("use_bias", True)),
                        bool(layer.get("reset_after", True)))
    out = (shape[0], shape[1], units) if layer.get("return_sequences", False) else (shape[0], units)
    note = "returns the whole sequence" if layer.get("return_sequences", False) else "returns only the last step"
    if layer.get("return_state", False):
        raise Unknown(layer)
    return out, params * copies, note


def _bidirectional(layer: KLayer, shape: Shape) -> tuple[Shape, int, str]:
    inner = layer.inner
    if inner is None or inner.class_name not in RECURRENT:
        raise Unknown(layer)
    out, params, note = _recurrent(inner, shape, 2)
    merge = layer.get("merge_mode", "concat")
    if merge not in ("concat", "sum", "mul", "ave"):
        raise Unknown(layer)
    if merge == "concat":
        units = out[-1]
        assert units is not None  # _recurrent's last axis is its units, always a number
        out = out[:-1] + (units * 2,)
    return out, params, f"{note}; forward and backward {merge}"


def _time_distributed(layer: KLayer, shape: Shape) -> tuple[Shape, int, str]:
    if layer.inner is None or len(shape) < 3:
        if layer.inner is None:
            raise Unknown(layer)
        _rank(layer, shape, 3)
    inner_out, params, _ = infer(layer.inner, (shape[0],) + shape[2:])
    return (shape[0], shape[1]) + inner_out[1:], params, f"{layer.inner.class_name} at every timestep"


def _reshape(layer: KLayer, shape: Shape) -> Shape:
    target: list[int | None] = [int(t) for t in (layer.get("target_shape") or [])]
    if -1 in target:
        known = math.prod(t for t in target if t is not None and t != -1)
        total = _size(shape[1:])
        target = [(total // known if total is not None and known else None) if t == -1 else t for t in target]
    size = _size(shape[1:])
    target_size = _size(tuple(target))
    if size is not None and target_size is not None and target_size != size:
        raise Incompatible(layer, shape, f"{size} values", f"Reshape '{layer.name}' cannot turn {_fmt(shape)} into {tuple(target)}")
    return (shape[0],) + tuple(target)


def _length(steps: int | None, size: int, stride: int, dilation: int, padding: str) -> int | None:
    if steps is None:
        return None
    if padding in ("same", "causal"):
        return -(-steps // stride)
    return max(0, (steps - dilation * (size - 1) - 1) // stride + 1)


def _conv1d(layer: KLayer, shape: Shape) -> tuple[Shape, int, str]:
    _rank(layer, shape, 3)
    filters = _int(layer.get("filters"), 0) or 0
    size = _int(layer.get("kernel_size"), 1) or 1
    stride = _int(layer.get("strides"), 1) or 1
    dilation = _int(layer.get("dilation_rate"), 1) or 1
    groups = _int(layer.get("groups"), 1) or 1
    channels = _need_dim(layer, shape)
    params = size * (channels // groups) * filters + (filters if layer.get("use_bias", True) else 0)
    return (shape[0], _length(shape[1], size, stride, dilation, layer.get("padding", "valid")), filters), params, ""
