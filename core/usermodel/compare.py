"""The shape doctor for a user's own model: does *this* model fit *this* data, and if not, the fix.

:func:`check_model` walks the model's main path with the shape engine (:mod:`core.usermodel.layers`)
from the model's declared input, with ``None`` sizes taken from the data, and compares input,
every layer, the output and the compiled loss with the loaded data (:class:`DataFacts`). The
findings use the doctor's stable codes (:mod:`core.usermodel.fixes`); the data's own findings
(padding, pad-value collisions, int32 truncation) from :func:`core.doctor.diagnose_dataset` follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.dataset import SequenceDataset
from core.doctor import Diagnosis, diagnose_dataset
from core.options import PaddingOptions, WindowOptions
from core.usermodel import fixes
from core.usermodel.data import DataFacts, data_facts
from core.usermodel.layers import RECURRENT, Incompatible, Row, Unknown, layer_rows
from core.usermodel.model import KLayer, Shape, UserModel

_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class CheckResult:
    model: UserModel
    input_shape: Shape  # with the batch axis
    rows: tuple[Row, ...]
    data: DataFacts
    diagnoses: tuple[Diagnosis, ...]

    @property
    def fits(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnoses)

    def to_dict(self) -> dict[str, Any]:
        model = self.model.to_dict()
        model.update({"input_shape": list(self.input_shape), "layers": [row.to_dict() for row in self.rows],
                      "total_params": sum(row.params or 0 for row in self.rows)})
        return {"fits": self.fits, "model": model,
                "data": {"shape": list(self.data.shape), "input_shape": list(self.data.input_shape)},
                "diagnoses": [d.to_dict() for d in self.diagnoses]}


def check_model(model: UserModel, dataset: SequenceDataset, padding: PaddingOptions | None = None,
                window: WindowOptions | None = None, data_diagnoses: Sequence[Diagnosis] | None = None) -> CheckResult:
    """Every way ``model`` does not fit ``dataset`` shaped with these options (errors first).

    ``data_diagnoses``: the data's own findings when already known (the window's shape report has
    them); otherwise :func:`core.doctor.diagnose_dataset` works them out.
    """
    facts = data_facts(dataset, padding, window)
    found: list[Diagnosis] = [fixes.unsupported(what) for what in model.unsupported]
    layers = model.layers
    first = next((layer for layer in layers if layer.class_name not in ("InputLayer",)), None)
    embeds = first is not None and first.class_name == "Embedding"
    if first is not None and embeds != facts.tokens and first.class_name in RECURRENT + ("Embedding", "Masking", "Bidirectional"):
        dim = first.get("output_dim") if embeds else None
        found.append(fixes.embedding_input_mismatch(first.name, facts.n, facts.t, facts.f, dim, facts.tokens, facts.pad_value))
    input_problem = bool(found and found[-1].code == "embedding_input_mismatch")
    data_in = (facts.t,) if embeds else facts.input_shape
    declared = model.input_shape
    if declared is not None and not input_problem:
        input_problem = _input_checks(declared, data_in, facts, layers, found)
    if declared is None or len(declared) != len(data_in):
        shape: Shape = (None,) + (tuple(declared) if declared is not None else data_in)
    else:
        shape = (None,) + tuple(d if d is not None else x for d, x in zip(declared, data_in))
    if facts.loaded_2d and len(data_in) == 2 and not any(d.code == "two_d_input" for d in found):
        found.append(fixes.two_d_input(facts.n, facts.t, loaded=True, severity="warning"))
    rows, complete = _walk(layers, shape, facts, found, input_problem)
    if complete and rows:
        found += _output_checks(model, rows, facts)
    found += _mask_checks(layers, facts)
    own = list(data_diagnoses) if data_diagnoses is not None else diagnose_dataset(dataset, padding, window)
    found += [d for d in own if d.code not in {x.code for x in found}]
    found.sort(key=lambda d: _ORDER.get(d.severity, 3))
    return CheckResult(model, shape, tuple(rows or ()), facts, tuple(found))


def _input_checks(declared: Shape, data_in: tuple, facts: DataFacts, layers, found: list[Diagnosis]) -> bool:
    """Compare the declared input with the data's ``(T, F)``; True when a finding explains the input."""
    before = len(found)
    match = lambda d, x: d is None or d == x  # noqa: E731
    if len(declared) == len(data_in) + 1:
        if declared[0] == 1 and all(match(d, x) for d, x in zip(declared[1:], data_in)):
            found.append(fixes.extra_axis((None,) + tuple(declared), 1, in_model=True))
        elif declared[-1] == 1 and all(match(d, x) for d, x in zip(declared[:-1], data_in)):
            found.append(fixes.extra_axis((None,) + tuple(declared), len(declared), in_model=True))
        else:
            found.append(fixes.batch_in_input_shape(tuple(declared), facts.t, facts.f))
    elif len(declared) + 1 == len(data_in) and len(data_in) == 2:
        if facts.f == 1:
            found.append(fixes.two_d_input(facts.n, facts.t, loaded=facts.loaded_2d))
        else:
            found.append(fixes.features_mismatch(1, facts.n, facts.t, facts.f))
    elif len(declared) == len(data_in) == 2:
        dt, df = declared
        if dt is not None and df is not None and (dt, df) == (facts.f, facts.t) and dt != df:
            found.append(fixes.channels_first(facts.n, facts.t, facts.f, tuple(declared)))
        else:
            if df is not None and df != facts.f:
                found.append(fixes.features_mismatch(df, facts.n, facts.t, facts.f))
            if dt is not None and dt != facts.t:
                found.append(_timesteps(dt, facts, layers, (dt, df if df is not None else facts.f)))
    elif len(declared) == len(data_in) == 1 and declared[0] is not None and declared[0] != facts.t:
        found.append(_timesteps(declared[0], facts, layers, tuple(declared)))
    rank_codes = ("extra_axis", "batch_in_input_shape", "two_d_input", "features_mismatch")
    return any(d.code in rank_codes for d in found[before:]) and len(declared) != len(data_in)


def _timesteps(model_t: int, facts: DataFacts, layers, declared: Shape) -> Diagnosis:
    """An error when the data's length changes a layer's weights (a Flatten before a Dense ...) or breaks a
    layer; a warning when the recurrent layers simply run over more or fewer steps (Keras 3 accepts that)."""
    try:
        built = [row.params for row in layer_rows(layers, (None,) + tuple(declared))]
        fed = [row.params for row in layer_rows(layers, (None,) + facts.input_shape)]
        severity = "warning" if built == fed else "error"
    except Incompatible:
        severity = "error"
    except Unknown:
        severity = "warning"
    return fixes.timesteps_mismatch(model_t, facts.n, facts.t, facts.f, severity)


def _walk(layers, shape: Shape, facts: DataFacts, found: list[Diagnosis], input_problem: bool) -> tuple[list[Row], bool]:
    """The rows; after a layer that cannot take its input, the rest are listed with unknown shapes."""
    rows: list[Row] = []
    current = shape
    for index, layer in enumerate(layers):
        try:
            rows += layer_rows([layer], current)
        except Incompatible as problem:
            if not input_problem:
                found.append(_incompatible(layers, index, problem, facts))
            return rows + _unknown_rows(layers[index:], "cannot take its input"), False
        except Unknown:
            found.append(fixes.unsupported(f"{layer.class_name} layer '{layer.name}' is not one whose shapes Shape Explorer "
                                           f"computes, so it and the {len(layers) - index - 1} layer(s) after it are not checked"))
            return rows + _unknown_rows(layers[index:], "shapes not computed"), False
        output = rows[-1].output_shape
        assert output is not None  # layer_rows computes every shape it returns
        current = output
    return rows, True


def _unknown_rows(layers, note: str) -> list[Row]:
    return [Row(layer.name, layer.class_name, None, None, note if i == 0 else "after a layer that was not computed")
            for i, layer in enumerate(layers)]


def _recurrent(layer: KLayer) -> KLayer | None:
    if layer.class_name in RECURRENT:
        return layer
    if layer.class_name == "Bidirectional" and layer.inner is not None and layer.inner.class_name in RECURRENT:
        return layer.inner
    return None


def _incompatible(layers, index: int, problem: Incompatible, facts: DataFacts) -> Diagnosis:
    layer = layers[index]
    if _recurrent(layer) is not None and len(problem.shape) == 2:
        earlier = next((layers[i] for i in range(index - 1, -1, -1) if _recurrent(layers[i]) is not None), None)
        if earlier is not None:
            earlier_rnn = _recurrent(earlier)
            assert earlier_rnn is not None  # earlier was picked for being recurrent
            if not earlier_rnn.get("return_sequences", False):
                return fixes.missing_return_sequences(earlier.name, layer.name, facts.n, facts.t, problem.shape[-1])
    return fixes.layer_shape_error(layer.name, problem.reason, problem.shape)


def _output_checks(model: UserModel, rows: list[Row], facts: DataFacts) -> list[Diagnosis]:
    if facts.task is None:
        return []
    found: list[Diagnosis] = []
    out = rows[-1].output_shape
    assert out is not None  # called only when every row's shape was computed
    last_rnn = next((layer for layer in reversed(model.layers) if _recurrent(layer) is not None), None)
    per_step = facts.task == "sequence"
    rnn_name = last_rnn.name if last_rnn is not None else rows[-1].name
    code = "keras.layers.LSTM(units"
    if last_rnn is not None:
        inner = _recurrent(last_rnn)
        assert inner is not None  # last_rnn was picked for being recurrent
        code = f"keras.layers.{inner.class_name}({inner.get('units', 'units')}"
    if len(out) == 3 and not per_step:
        labels = (facts.n,) if facts.task != "regression" or (facts.targets or 1) == 1 else (facts.n, facts.targets)
        found.append(fixes.sequence_output_mismatch(rnn_name, (None,) + out[1:], labels, False, model.loss, code))
    if len(out) == 2 and per_step:
        found.append(fixes.sequence_output_mismatch(rnn_name, out, (facts.n, facts.t), True, model.loss, code))
    units = out[-1]
    last = model.layers[-1]
    activation = str(last.get("activation", "linear") or "linear")
    classes = facts.classes
    if facts.task in ("binary", "multiclass") or (per_step and classes):
        if classes and units is not None and not (classes == 2 and units in (1, 2)) and units != classes:
            found.append(fixes.output_units_mismatch(int(units), activation, facts.task, classes, None, per_step, facts.n))
    elif units is not None and units != (facts.targets or 1):
        found.append(fixes.output_units_mismatch(int(units), activation, facts.task, None, facts.targets, per_step, facts.n))
    loss = model.loss
    if classes and loss:
        if loss == "categorical_crossentropy" and not facts.one_hot:
            found.append(fixes.loss_label_mismatch(loss, classes, False, facts.n))
        elif loss == "sparse_categorical_crossentropy" and facts.one_hot:
            found.append(fixes.loss_label_mismatch(loss, classes, True, facts.n))
        elif loss == "binary_crossentropy" and classes > 2 and units == classes:
            found.append(fixes.loss_label_mismatch(loss, classes, False, facts.n))
    return found


def _mask_checks(layers, facts: DataFacts) -> list[Diagnosis]:
    if not facts.has_padding or facts.tokens:
        return []
    for layer in layers:
        if layer.class_name == "Masking":
            value = float(layer.get("mask_value", 0.0) or 0.0)
            if value != facts.pad_value:
                return [fixes.mask_value_mismatch(layer.name, value, facts.pad_value, facts.n, facts.t, facts.f)]
    return []
