"""Recognise a pasted shape error and pull out what was expected and what was found.

Families: Keras 3 (``Input 0 with name 'x' of layer 'lstm' is incompatible ...``, ``Invalid input
shape for input ...``, ``Arguments `target` and `output` must have the same rank``), tf.keras 2.x
(``Exception encountered when calling layer "sequential" (type Sequential)`` around the same
input-spec messages, ``Shapes (None, 1) and (None, 9) are incompatible``), Keras 1/2 (``Error when
checking input: expected lstm_input to have 3 dimensions, but got array with shape (100, 10)``)
and PyTorch ``nn.LSTM`` (``input.size(-1) must be equal to input_size. Expected 3, got 50``).
ANSI colour codes, tracebacks and ``Arguments received by ...`` sections are stripped first.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

Shape = tuple[int | None, ...]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-ln-z]|\x1b?\[[0-9;]*m")
_SHAPE = r"[\(\[]([^\)\]]*)[\)\]]"


@dataclass(frozen=True)
class ErrorFacts:
    """What an error text says; ``kind`` is None when it is not a recognised shape error."""

    family: str  # "keras3", "tf.keras", "keras2", "pytorch", "keras" (3 or tf.keras 2), "unknown"
    kind: str | None  # ndim | axis | shape | matmul | loss_rank | loss_shape | label_range | embedding_index | input_size
    message: str  # the recognised line, cleaned
    layer: str | None = None
    role: str = "input"  # "input" or "target"
    expected_ndim: int | None = None
    found_ndim: int | None = None
    expected_shape: Shape | None = None
    found_shape: Shape | None = None
    expected_value: int | None = None
    found_value: int | None = None
    loss: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("expected_shape", "found_shape"):
            out[key] = None if out[key] is None else list(out[key])
        return out


def clean(text: str) -> str:
    """The text without ANSI colours, traceback frames and ``Arguments received by`` sections."""
    text = _ANSI.sub("", text.replace("\r", ""))
    kept: list[str] = []
    skipping = False
    for line in text.split("\n"):
        stripped = line.strip()
        if re.match(r"(Call )?[Aa]rguments received by", stripped):
            skipping = True
            continue
        if skipping and (stripped.startswith(("•", "-", "*")) or not stripped):
            continue
        skipping = False
        if stripped.startswith(("File \"", "Traceback (most recent")) or re.fullmatch(r"\^+~*\^*", stripped):
            continue
        kept.append(line)
    return "\n".join(kept)


def _shape(text: str) -> Shape:
    out: list[int | None] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        out.append(int(part) if re.fullmatch(r"-?\d+", part) else None)
    return tuple(out)


def _family(text: str) -> str:
    if re.search(r"Error when checking (model )?(input|target)", text):
        return "keras2"
    if "input_size" in text or "torch" in text.lower() or re.search(r"Expected input to be 2D or 3D", text):
        return "pytorch"
    if re.search(r"with name '[^']*' of layer|Invalid input shape for input|\.call\(\)|Arguments `target`|Argument `output`", text):
        return "keras3"
    if re.search(r'Call arguments received by layer|\(type \w+\)|Full shape received: \[|layer \w+ is incompatible|Shapes \(', text):
        return "tf.keras"
    known = ("keras", "of layer", "Graph execution error", "{{node")
    return "keras" if any(word in text for word in known) or "keras" in text.lower() else "unknown"


def parse_error(text: str) -> ErrorFacts:
    """Facts from a pasted error text (any of the families above)."""
    body = clean(text)
    flat = " ".join(body.split())
    family = _family(flat)
    for finder in _FINDERS:
        facts = finder(flat, family)
        if facts is not None:
            return facts
    first = next((line.strip() for line in body.split("\n") if line.strip()), "")
    return ErrorFacts(family, None, first[:300])


def _layer_name(match_text: str | None) -> str | None:
    return match_text.strip("'\"") if match_text else None


def _input_spec(flat: str, family: str) -> ErrorFacts | None:
    layer = r"of layer [\"']?([\w./-]+)[\"']?"
    m = re.search(rf"Input \d+ (?:with name '[^']*' )?{layer} is incompatible with the layer: expected (?:min_)?ndim=(\d+), found ndim=(\d+)\.? ?(?:Full shape received: {_SHAPE})?", flat)
    if m:
        shape = _shape(m.group(4)) if m.group(4) is not None else None
        return ErrorFacts(family, "ndim", m.group(0), _layer_name(m.group(1)), expected_ndim=int(m.group(2)),
                          found_ndim=int(m.group(3)), found_shape=shape)
    m = re.search(rf"Input \d+ (?:with name '[^']*' )?{layer} is incompatible with the layer: expected axis (-?\d+) of input shape to have value (\d+),? but received input with shape {_SHAPE}", flat)
    if m:
        return ErrorFacts(family, "axis", m.group(0), _layer_name(m.group(1)), expected_value=int(m.group(3)),
                          found_shape=_shape(m.group(4)), found_value=_shape(m.group(4))[int(m.group(2))])
    m = re.search(rf"Input \d+ (?:with name '[^']*' )?{layer} is incompatible with the layer: expected shape={_SHAPE}, found shape={_SHAPE}", flat)
    if m:
        return ErrorFacts(family, "shape", m.group(0), _layer_name(m.group(1)), expected_shape=_shape(m.group(2)), found_shape=_shape(m.group(3)))
    m = re.search(rf"Invalid input shape for input .*?Expected shape {_SHAPE}, but input has incompatible shape {_SHAPE}", flat)
    if m:
        expected, found = _shape(m.group(1)), _shape(m.group(2))
        return ErrorFacts(family, "shape", m.group(0)[-160:], None, expected_ndim=len(expected), found_ndim=len(found),
                          expected_shape=expected, found_shape=found)
    m = re.search(rf"Model was constructed with shape {_SHAPE} for input .*? but it was called on an input with incompatible shape {_SHAPE}", flat)
    if m:
        return ErrorFacts(family, "shape", m.group(0), None, expected_shape=_shape(m.group(1)), found_shape=_shape(m.group(2)))
    return None


def _keras2(flat: str, family: str) -> ErrorFacts | None:
    m = re.search(r"Error when checking (?:model )?(input|target): expected (\w+) to have (\d+) dimensions, but got array with shape \(([^)]*)\)", flat)
    if m:
        shape = _shape(m.group(4))
        return ErrorFacts("keras2", "ndim", m.group(0), m.group(2), role=m.group(1), expected_ndim=int(m.group(3)),
                          found_ndim=len(shape), found_shape=shape)
    m = re.search(r"Error when checking (?:model )?(input|target): expected (\w+) to have shape \(([^)]*)\) but got array with shape \(([^)]*)\)", flat)
    if m:
        expected, found = _shape(m.group(3)), _shape(m.group(4))
        return ErrorFacts("keras2", "shape", m.group(0), m.group(2), role=m.group(1),  # both without the batch axis
                          expected_shape=(None,) + expected, found_shape=(None,) + found)
    return None


def _matmul(flat: str, family: str) -> ErrorFacts | None:
    m = re.search(r"Dimensions must be equal, but are (\d+) and (\d+) for '\{\{node ([^}]*)\}\}[^']*' with input shapes: \[([^\]]*)\], \[([^\]]*)\]", flat)
    if m:
        node = m.group(3).split(" ")[0]
        parts = [p for p in node.split("/") if p]
        layer = re.sub(r"_\d+$", "", parts[1]) if len(parts) > 2 else (parts[0] if parts else None)
        return ErrorFacts(family, "matmul", m.group(0)[:200], layer, found_value=int(m.group(1)), expected_value=int(m.group(2)),
                          found_shape=_shape(m.group(4)))
    return None


def _loss(flat: str, family: str) -> ErrorFacts | None:
    m = re.search(rf"Arguments `target` and `output` must have the same (rank \(ndim\)|shape)\.? Received: target\.shape={_SHAPE}, output\.shape={_SHAPE}", flat)
    if m:
        kind = "loss_rank" if "rank" in m.group(1) else "loss_shape"
        return ErrorFacts(family, kind, m.group(0), role="target", found_shape=_shape(m.group(2)), expected_shape=_shape(m.group(3)))
    m = re.search(rf"Argument `output` must have rank \(ndim\) `target\.ndim - 1`\. Received: target\.shape={_SHAPE}, output\.shape={_SHAPE}", flat)
    if m:
        return ErrorFacts(family, "loss_rank", m.group(0), role="target", loss="sparse_categorical_crossentropy",
                          found_shape=_shape(m.group(1)), expected_shape=_shape(m.group(2)))
    m = re.search(rf"Shapes {_SHAPE} and {_SHAPE} are incompatible", flat)
    if m:
        return ErrorFacts(family, "loss_shape", m.group(0), role="target", found_shape=_shape(m.group(1)), expected_shape=_shape(m.group(2)))
    m = re.search(r"logits and labels must have the same first dimension, got logits shape \[([^\]]*)\] and labels shape \[([^\]]*)\]", flat)
    if m:
        return ErrorFacts(family, "loss_rank", m.group(0), role="target", loss="sparse_categorical_crossentropy",
                          expected_shape=_shape(m.group(1)), found_shape=_shape(m.group(2)))
    m = re.search(r"Received a label value of (-?\d+) which is outside the valid range of \[0, (\d+)\)", flat)
    if m:
        return ErrorFacts(family, "label_range", m.group(0), role="target", loss="sparse_categorical_crossentropy",
                          found_value=int(m.group(1)), expected_value=int(m.group(2)))
    m = re.search(r"indices\[[\d,]+\] = (-?\d+) is not in \[0, (\d+)\)", flat)
    if m:
        node = re.search(r"\{\{node ([^}]*)\}\}", flat)
        layer = node.group(1).split("/")[1] if node and len(node.group(1).split("/")) > 1 else None
        return ErrorFacts(family, "embedding_index", m.group(0), re.sub(r"_\d+$", "", layer) if layer else None,
                          found_value=int(m.group(1)), expected_value=int(m.group(2)))
    return None


def _pytorch(flat: str, family: str) -> ErrorFacts | None:
    m = re.search(r"input\.size\(-1\) must be equal to input_size\. Expected (\d+), got (\d+)", flat)
    if m:
        return ErrorFacts("pytorch", "input_size", m.group(0), "nn.LSTM", expected_value=int(m.group(1)), found_value=int(m.group(2)))
    m = re.search(r"input must have (\d+) dimensions, got (\d+)", flat) or re.search(r"Expected input to be (2)D or 3D, got (\d+)D", flat)
    if m:
        expected = 3 if "2D or 3D" in m.group(0) else int(m.group(1))
        return ErrorFacts("pytorch", "ndim", m.group(0), "nn.LSTM", expected_ndim=expected, found_ndim=int(m.group(2)))
    return None


_FINDERS = (_keras2, _pytorch, _input_spec, _matmul, _loss)
