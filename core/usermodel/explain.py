"""Explain a pasted shape error: the parsed facts (:mod:`core.usermodel.errors`) turned into the
doctor's findings, in terms of the loaded data when there is one (:class:`DataFacts`), else from
the numbers in the text alone. The words and fixes are the same builders the model check uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from core.doctor import Diagnosis
from core.usermodel import fixes
from core.usermodel.data import DataFacts
from core.usermodel.errors import ErrorFacts, parse_error

_RNN_PREFIXES = ("lstm", "gru", "simple_rnn", "bidirectional", "masking", "conv1d", "input", "sequential", "functional", "nn.lstm")


@dataclass(frozen=True)
class ExplainResult:
    error: ErrorFacts
    diagnoses: tuple[Diagnosis, ...]
    with_data: bool

    @property
    def recognised(self) -> bool:
        return self.error.kind is not None

    def to_dict(self) -> dict[str, Any]:
        return {"recognised": self.recognised, "with_data": self.with_data, "error": self.error.to_dict(),
                "diagnoses": [d.to_dict() for d in self.diagnoses]}


def explain_error(text: str, data: DataFacts | None = None) -> ExplainResult:
    facts = parse_error(text)
    found = _explain(facts, data) if facts.kind else []
    if facts.family == "pytorch":
        found = [_torch(d) for d in found]
    return ExplainResult(facts, tuple(found), data is not None)


def _dims(data: DataFacts | None, shape: tuple | None) -> tuple:
    """``(n, t, f)`` from the data, else from the shape in the text."""
    if data is not None:
        return data.n, data.t, data.f
    shape = tuple(shape or ())
    padded = shape + (None,) * (3 - len(shape))
    return padded[0], padded[1], padded[2]


def _explain(e: ErrorFacts, data: DataFacts | None) -> list[Diagnosis]:
    kind, found = e.kind, tuple(e.found_shape or ())
    if kind == "ndim" and e.role == "target":
        return [_target_rank(e, data)]
    if kind == "ndim":
        return _ndim(e, data, found)
    if kind == "shape":
        return _shape(e, data)
    if kind in ("axis", "matmul", "input_size"):
        return _features(e, data, found)
    if kind in ("loss_rank", "loss_shape"):
        return _loss(e, data)
    if kind == "label_range":
        classes = data.classes if data is not None and data.classes else (e.found_value or 0) + 1
        return [fixes.output_units_mismatch(int(e.expected_value or 1), "softmax", "multiclass", classes, None,
                                            n=data.n if data else None)]
    if kind == "embedding_index":
        n, t, f = _dims(data, None)
        if (e.found_value or 0) < 0 or (data is not None and not data.tokens):
            return [fixes.embedding_input_mismatch(e.layer or "embedding", n, t, f, None, False, data.pad_value if data else 0.0)]
        return [_vocabulary(e)]
    return []


def _ndim(e: ErrorFacts, data: DataFacts | None, found: tuple) -> list[Diagnosis]:
    if e.found_ndim == 2 and (e.expected_ndim or 3) >= 3:
        loaded = bool(data and data.loaded_2d)
        width = found[1] if len(found) > 1 else None
        n = data.n if data is not None else (found[0] if found else None)
        two_d = fixes.two_d_input(n, data.t if data is not None and (loaded or width == data.t) else width, loaded=loaded)
        if e.family in ("keras2", "pytorch") or loaded:  # these name the array given to fit(), never a layer's output
            return [two_d]
        stacked = fixes.missing_return_sequences(None, e.layer or "this layer", n, data.t if data else None, width)
        second = bool(e.layer and re.search(r"_\d+$", e.layer))  # lstm_1, gru_2: probably not the first of its kind
        if data is not None and width is not None:
            if width == data.t and data.f == 1:
                return [two_d]
            if width != data.t and second:
                return [stacked]  # as wide as a layer's units, not as the data's timesteps
        first, other = (stacked, two_d) if second else (two_d, stacked)
        return [first, replace(other, severity="warning")]
    if e.found_ndim == 4 and len(found) == 4:
        n, t, f = _dims(data, found[1:])
        if found[1] == 1:
            return [fixes.extra_axis(found, 1)]
        if data is not None and (found[1], found[2]) == (data.t, data.f) and not data.tokens:
            return [fixes.embedding_input_mismatch("embedding", data.n, data.t, data.f, found[3], False, data.pad_value)]
        if 1 in found[2:]:
            return [fixes.extra_axis(found, found.index(1, 2))]
        batch = fixes.batch_in_input_shape(found[1:], found[2], found[3])
        if data is None:  # (None, 10, 3, 8) may also be float features through an Embedding of 8
            return [batch, replace(fixes.embedding_input_mismatch("embedding", None, found[1], found[2], found[3], False), severity="warning")]
        return [batch]
    return []


def _shape(e: ErrorFacts, data: DataFacts | None) -> list[Diagnosis]:
    expected, found = tuple(e.expected_shape or ()), tuple(e.found_shape or ())
    if e.role == "target":
        return [_target_shape(e, data)]
    if len(found) == len(expected) + 1:
        axis = next((i for i in range(1, len(found)) if found[i] == 1), None)
        if axis is not None:
            return [fixes.extra_axis(found, axis)]
        return [fixes.batch_in_input_shape(found[1:], expected[1] if len(expected) > 1 else None, expected[-1])]
    if len(found) == len(expected) == 3:
        n, t, f = _dims(data, found)
        (_, et, ef), (_, ft, ff) = expected, found
        if (et, ef) == (ff, ft) and et != ef:
            return [fixes.channels_first(found[0] if data is None else data.n, et, ef, None)]
        out = []
        if ef is not None and ff != ef:
            out.append(fixes.features_mismatch(ef, n, ft if data is None else t, ff if data is None else f))
        if et is not None and ft != et:
            out.append(fixes.timesteps_mismatch(et, n, ft if data is None else t, ff if data is None else f))
        return out
    if len(found) == 2 and len(expected) == 3:
        return [fixes.two_d_input(found[0], found[1], loaded=bool(data and data.loaded_2d))]
    return []


def _features(e: ErrorFacts, data: DataFacts | None, found: tuple) -> list[Diagnosis]:
    model_f, got = e.expected_value, e.found_value
    if model_f is None or got is None:
        return []
    if e.kind == "axis" and len(found) == 2 and not (e.layer or "").lower().startswith(_RNN_PREFIXES):
        if data is not None and got and data.t * model_f % got == 0:  # a Dense after Flatten: width = T × features
            return [fixes.timesteps_mismatch(data.t * model_f // got, data.n, data.t, data.f, "error")]
        return [fixes.layer_shape_error(e.layer or "the layer", f"It was built for {model_f} inputs but gets {got}: "
                                        "the timesteps or features before a Flatten changed", found)]
    if data is not None and not data.tokens and got == data.t and model_f == data.f and data.t != data.f:
        return [fixes.channels_first(data.n, data.t, data.f, None)]
    n, t, f = _dims(data, found if len(found) == 3 else None)
    return [fixes.features_mismatch(model_f, n, t, got if data is None else f, e.layer)]


def _loss(e: ErrorFacts, data: DataFacts | None) -> list[Diagnosis]:
    target, output = tuple(e.found_shape or ()), tuple(e.expected_shape or ())
    n = data.n if data is not None else None
    classes = data.classes if data is not None and data.classes else (output[-1] if output else None)
    if len(output) == 3 and len(target) <= 2:
        return [fixes.sequence_output_mismatch("the last recurrent layer", (None,) + output[1:], (n,), False, e.loss)]
    if e.message.startswith("logits"):
        if output and target and target[0] and output[0] and target[0] > output[0]:
            return [fixes.loss_label_mismatch("sparse_categorical_crossentropy", classes, True, n)]
        return [fixes.sequence_output_mismatch("the last recurrent layer", (None, None, output[-1] if output else None), (n,), False, e.loss)]
    if len(target) == len(output) and target and output and target[-1] != output[-1]:
        if target[-1] == 1 and (output[-1] or 0) > 1:
            return [fixes.loss_label_mismatch("categorical_crossentropy", classes, False, n)]
        return [fixes.output_units_mismatch(int(output[-1] or 1), "", "multiclass", target[-1], None, n=n)]
    if len(target) + 1 == len(output):
        return [fixes.loss_label_mismatch("categorical_crossentropy", classes, False, n)]
    if len(target) == len(output):
        return [fixes.loss_label_mismatch("sparse_categorical_crossentropy", classes, True, n)]
    return []


def _target_rank(e: ErrorFacts, data: DataFacts | None) -> Diagnosis:
    found = tuple(e.found_shape or ())
    if (e.expected_ndim or 0) < len(found):
        return fixes.sequence_output_mismatch(e.layer or "the last recurrent layer", (None,) + (None,) * ((e.expected_ndim or 2) - 1),
                                              (None,) + found[1:], True, None)
    return fixes.sequence_output_mismatch("the last recurrent layer", (None, None, None), (found[0] if found else None,), False, None)


def _target_shape(e: ErrorFacts, data: DataFacts | None) -> Diagnosis:
    expected, found = tuple(e.expected_shape or ()), tuple(e.found_shape or ())
    units, got = (expected[-1] if expected else None), (found[-1] if found else None)
    n = data.n if data is not None else None
    if units and got and units > 1 and got == 1:
        return fixes.loss_label_mismatch("categorical_crossentropy", data.classes if data and data.classes else units, False, n)
    classes = data.classes if data is not None and data.classes else got
    return fixes.output_units_mismatch(int(units or 1), "", "multiclass" if classes else "regression", classes, got, n=n)


def _vocabulary(e: ErrorFacts) -> Diagnosis:
    need = (e.found_value or 0) + 1
    return Diagnosis("embedding_input_mismatch", "error", "A token id is outside the Embedding's vocabulary",
                     f"The data holds token id {e.found_value}, but the Embedding was built for ids 0..{(e.expected_value or 1) - 1} "
                     f"(input_dim={e.expected_value}).", f"Set input_dim to at least {need} (the largest id + 1).",
                     f"keras.layers.Embedding(input_dim={need}, output_dim=32, mask_zero=True)", None, None)


_TORCH_CODE = {
    "features_mismatch": lambda d: f"lstm = torch.nn.LSTM(input_size={d.before_shape[-1]}, hidden_size=64, batch_first=True)",
    "two_d_input": lambda d: "x = x.unsqueeze(-1)  # (batch, timesteps) -> (batch, timesteps, 1)",
    "channels_first": lambda d: "x = x.permute(0, 2, 1)  # (batch, features, timesteps) -> (batch, timesteps, features)",
    "extra_axis": lambda d: "x = x.squeeze(1)",
}


def _torch(d: Diagnosis) -> Diagnosis:
    code = _TORCH_CODE.get(d.code)
    if code is None or d.before_shape is None:
        return d
    return replace(d, fix_code=code(d), fix_text=d.fix_text.replace("keras.Input", "the LSTM's input_size"))
