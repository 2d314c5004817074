"""Read a Keras model from Python code as users paste it, with :mod:`ast` only; nothing is executed.

Understood: ``Sequential([...])`` and ``model.add(...)``; functional chains (``inputs =
keras.Input(shape=...)``, ``x = LSTM(64)(x)``, ``keras.Model(inputs, outputs)``); layers named as
``LSTM``, ``layers.LSTM``, ``keras.layers.LSTM`` or ``tf.keras.layers.LSTM``; ``input_shape=``,
``batch_input_shape=``, ``input_dim=``/``input_length=``; constants assigned earlier
(``n_steps = 20``); ``X.shape[1]`` (only known when the code runs: taken from the data);
``model.compile(loss=...)``; code inside ``def build_model():`` and ``with ...:``. Anything
else that builds layers (loops, conditions, unknown calls such as ``__import__(...)``) is named
in ``UserModel.unsupported`` and never guessed or run. Argument values are read with
:func:`ast.literal_eval` on the syntax tree, which accepts literals only.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from core.errors import LoadError
from core.usermodel.model import KLayer, UserModel, loss_name

POSITIONAL = {
    "Dense": ("units",), "LSTM": ("units",), "GRU": ("units",), "SimpleRNN": ("units",),
    "Embedding": ("input_dim", "output_dim"), "Dropout": ("rate",), "SpatialDropout1D": ("rate",),
    "Masking": ("mask_value",), "Conv1D": ("filters", "kernel_size"), "Reshape": ("target_shape",),
    "RepeatVector": ("n",), "Bidirectional": ("layer",), "TimeDistributed": ("layer",), "Activation": ("activation",),
    "Permute": ("dims",), "MaxPooling1D": ("pool_size",), "AveragePooling1D": ("pool_size",), "Input": ("shape",),
    "GaussianNoise": ("stddev",),
}
NEEDED = ("units", "filters", "output_dim", "input_dim", "n", "target_shape", "kernel_size", "layer", "dims")
IGNORED_METHODS = ("summary", "fit", "predict", "evaluate", "save", "save_weights", "load_weights", "build", "train_on_batch")


@dataclass
class _Unknown:
    text: str  # the source of a value only known when the code runs, e.g. "X.shape[1]"


@dataclass
class _Tensor:
    layer: KLayer | None  # None: the model input
    parent: _Tensor | None
    shape: tuple | None = None


@dataclass
class _Reader:
    text: str
    env: dict[str, Any] = field(default_factory=dict)
    tensors: dict[str, _Tensor] = field(default_factory=dict)
    layer_vars: dict[str, KLayer] = field(default_factory=dict)
    models: dict[str, list] = field(default_factory=dict)  # var → [layers, declared input, loss]
    order: list[str] = field(default_factory=list)
    compiled: str | None = None
    unsupported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    subclassed: list[str] = field(default_factory=list)


def read_model_code(text: str, source: str = "the pasted code") -> UserModel:
    """The model the code builds (the compiled one, else the last one built)."""
    lines = text.splitlines()
    if any(re.match(r"\s*>>> ", line) for line in lines):  # pasted from an interactive session
        lines = [re.sub(r"^\s*(>>>|\.\.\.) ?", "", line) for line in lines]
    cleaned = textwrap.dedent("\n".join(lines))
    try:
        tree = ast.parse(cleaned)
    except SyntaxError as error:
        raise LoadError(source, f"is not valid Python ({error.msg})", where=f"line {error.lineno}",
                        hint="Paste the code that builds the model, as it is in your script") from None
    reader = _Reader(cleaned)
    for statement in _statements(tree.body, reader):
        _statement(statement, reader)
    name = reader.compiled if reader.compiled in reader.models else (reader.order[-1] if reader.order else None)
    if name is None and reader.subclassed:
        raise LoadError(source, f"defines a subclassed model ({reader.subclassed[0]}), whose layers are only connected "
                        "when call() runs, so it cannot be read without running it",
                        hint="Give the saved model (model.save('model.keras')) or a Sequential/functional version")
    if name is None:
        raise LoadError(source, "builds no Keras model that could be read (no Sequential(...), model.add(...) or keras.Model(...))",
                        hint="Paste the lines that build the model, e.g. model = keras.Sequential([...])")
    layers, declared, loss = reader.models[name]
    shape, by, batch = declared if declared else (None, None, None)
    body = tuple(layer for layer in layers if layer.class_name not in ("Input", "InputLayer"))
    return UserModel(source, "python", body, shape, by, batch, loss, None, tuple(reader.unsupported), tuple(dict.fromkeys(reader.notes)))


def _statements(body: list[ast.stmt], reader: _Reader):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.With)) or _is_main_guard(node):
            yield from _statements(node.body, reader)
        elif isinstance(node, ast.ClassDef) and any(_base_name(base).endswith("Model") for base in node.bases):
            reader.subclassed.append(f"line {node.lineno}: class {node.name}({', '.join(_base_name(b) for b in node.bases)})")
        elif isinstance(node, (ast.For, ast.While, ast.If, ast.Try)) and _mentions_layers(node):
            reader.unsupported.append(f"line {node.lineno}: a {type(node).__name__.lower()} statement builds layers; "
                                      "only straight-line code is read")
        else:
            yield node


def _is_main_guard(node: ast.stmt) -> TypeGuard[ast.If]:
    """``if __name__ == "__main__":`` — scripts put everything under it."""
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__")


def _base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _mentions_layers(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and (_callee(n) or "")[:1].isupper() or
               isinstance(n, ast.Attribute) and n.attr == "add" for n in ast.walk(node))


def _callee(call: ast.Call) -> str | None:
    """``keras.layers.LSTM`` → ``"LSTM"``; None when the function is not a plain dotted name."""
    func = call.func
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    return parts[0] if parts else func.id


def _source(reader: _Reader, node: ast.AST) -> str:
    text = ast.get_source_segment(reader.text, node) or ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


def _statement(node: ast.stmt, reader: _Reader) -> None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        _assign(node.targets[0], node.value, reader)
    elif isinstance(node, ast.Return) and node.value is not None:
        _assign(ast.Name(id="__returned__"), node.value, reader)
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        _method_call(node.value, reader)


def _assign(target: ast.expr, value: ast.expr, reader: _Reader) -> None:
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
        for t, v in zip(target.elts, value.elts):
            _assign(t, v, reader)
        return
    if not isinstance(target, ast.Name):
        return
    name = target.id
    if not isinstance(value, ast.Call):
        reader.env[name] = _value(value, reader)
        if name in reader.tensors or name in reader.models:
            return
        if isinstance(value, ast.Name) and value.id in reader.models:
            reader.models[name] = reader.models[value.id]
            reader.order.append(name)
        return
    callee = _callee(value)
    if callee == "Sequential":
        items = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "layers"), None)
        reader.models[name] = [[], None, None]
        reader.order.append(name)
        for element in (items.elts if isinstance(items, (ast.List, ast.Tuple)) else []):
            _add(name, element, reader)
        if items is not None and not isinstance(items, (ast.List, ast.Tuple)):
            reader.unsupported.append(f"line {value.lineno}: Sequential({_source(reader, items)}) takes a list built elsewhere")
    elif callee in ("Model", "Functional"):
        _functional(name, value, reader)
    elif callee in ("Input", "InputLayer"):
        kwargs = _arguments(value, "Input", reader)
        reader.tensors[name] = _Tensor(None, None, _input_dims(kwargs, reader))
    elif isinstance(value.func, ast.Call) and _callee(value.func):  # x = LSTM(64)(x)
        layer = _layer(value.func, reader)
        parent = _tensor_arg(value, reader)
        if layer is not None:
            reader.tensors[name] = _Tensor(layer, parent)
    elif isinstance(value.func, ast.Name) and value.func.id in reader.layer_vars:  # x = lstm_layer(x)
        reader.tensors[name] = _Tensor(reader.layer_vars[value.func.id], _tensor_arg(value, reader))
    elif callee and callee[:1].isupper():
        layer = _layer(value, reader)
        if layer is not None:
            reader.layer_vars[name] = layer
    else:
        reader.env[name] = _Unknown(_source(reader, value))


def _tensor_arg(call: ast.Call, reader: _Reader) -> _Tensor | None:
    arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "inputs"), None)
    if isinstance(arg, ast.Name) and arg.id in reader.tensors:
        return reader.tensors[arg.id]
    if isinstance(arg, ast.Call):
        hidden = "__inline__"
        _assign(ast.Name(id=hidden), arg, reader)
        return reader.tensors.pop(hidden, None)
    if arg is not None:
        reader.unsupported.append(f"line {call.lineno}: {_source(reader, call)} is applied to {_source(reader, arg)}, "
                                  "which is not a tensor built in this code")
    return None


def _functional(name: str, call: ast.Call, reader: _Reader) -> None:
    kw = {k.arg: k.value for k in call.keywords}
    outputs = kw.get("outputs", call.args[1] if len(call.args) > 1 else None)
    if not isinstance(outputs, ast.Name) or outputs.id not in reader.tensors:
        reader.unsupported.append(f"line {call.lineno}: {_source(reader, call)} has outputs that are not one tensor built here")
        return
    chain: list[KLayer] = []
    tensor: _Tensor | None = reader.tensors[outputs.id]
    declared = None
    while tensor is not None:
        if tensor.layer is None:
            declared = (tensor.shape, "Input", None) if tensor.shape is not None else None
            break
        chain.append(tensor.layer)
        tensor = tensor.parent
    chain.reverse()
    reader.models[name] = [chain, declared, None]
    reader.order.append(name)


def _method_call(call: ast.Call, reader: _Reader) -> None:
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        if _callee(call) != "print":
            reader.unsupported.append(f"line {call.lineno}: {_source(reader, call)} is not part of a model definition; it was not run")
        return
    owner, method = func.value.id, func.attr
    if owner in reader.models and method == "add" and call.args:
        _add(owner, call.args[0], reader)
    elif owner in reader.models and method == "compile":
        loss = next((k.value for k in call.keywords if k.arg == "loss"), None)
        if loss is not None:
            reader.models[owner][2] = _loss(loss, reader)
        reader.compiled = owner
    elif owner in reader.models and method in IGNORED_METHODS:
        return
    elif owner in reader.models:
        reader.unsupported.append(f"line {call.lineno}: {_source(reader, call)} changes the model in a way that is not read")


def _loss(node: ast.expr, reader: _Reader) -> str | None:
    if isinstance(node, ast.Call):
        return loss_name(_callee(node))
    if isinstance(node, ast.Attribute):
        return loss_name(node.attr)
    value = _value(node, reader)
    return loss_name(value) if isinstance(value, str) else None


def _add(model: str, element: ast.expr, reader: _Reader) -> None:
    layers, declared, _ = reader.models[model]
    if isinstance(element, ast.Name) and element.id in reader.layer_vars:
        layers.append(reader.layer_vars[element.id])
        return
    callee = _callee(element) if isinstance(element, ast.Call) else None
    if not isinstance(element, ast.Call) or not callee or not callee[:1].isupper():
        reader.unsupported.append(f"line {element.lineno}: {_source(reader, element)} is not a Keras layer; it was not run")
        return
    if _callee(element) in ("Input", "InputLayer"):
        kwargs = _arguments(element, "Input", reader)
        reader.models[model][1] = (_input_dims(kwargs, reader), "Input", None)
        return
    layer = _layer(element, reader)
    if layer is None:
        return
    if not layers and declared is None:
        reader.models[model][1] = _declared(layer, reader)
    layers.append(layer)


def _declared(layer: KLayer, reader: _Reader):
    config = layer.config
    if config.get("batch_input_shape") is not None:
        dims = _dims(config["batch_input_shape"], reader)
        return dims[1:], "batch_input_shape", dims[0] if dims else None
    if config.get("input_shape") is not None:
        return _dims(config["input_shape"], reader), "input_shape", _int_or_none(config.get("batch_size"))
    if config.get("input_dim") is not None and layer.class_name != "Embedding":
        return (_int_or_none(config.get("input_length")), _int_or_none(config["input_dim"])), "input_shape", None
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dims(value: Any, reader: _Reader) -> tuple[int | None, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        return ()
    out = []
    for item in value:
        if isinstance(item, _Unknown):
            reader.notes.append(f"{item.text} is only known when the code runs; the data's size is used")
        out.append(_int_or_none(item))
    return tuple(out)


def _input_dims(kwargs: dict[str, Any], reader: _Reader) -> tuple[int | None, ...] | None:
    if kwargs.get("batch_shape") is not None:
        return _dims(kwargs["batch_shape"], reader)[1:]
    if kwargs.get("shape") is not None:
        return _dims(kwargs["shape"], reader)
    return None


def _snake(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _layer(call: ast.Call, reader: _Reader) -> KLayer | None:
    class_name = _callee(call) or "?"
    kwargs = _arguments(call, class_name, reader)
    for key in NEEDED:
        if isinstance(kwargs.get(key), _Unknown):
            reader.unsupported.append(f"line {call.lineno}: {key}={kwargs[key].text} of {class_name} is only known when the code runs")
            return None
    inner = kwargs.pop("layer", None)
    base = _snake(class_name)
    count = reader.counts.get(base, 0)
    reader.counts[base] = count + 1
    given = kwargs.get("name")
    name = given if isinstance(given, str) else (base if count == 0 else f"{base}_{count}")
    return KLayer(class_name, name, kwargs, inner if isinstance(inner, KLayer) else None, call.lineno)


def _arguments(call: ast.Call, class_name: str, reader: _Reader) -> dict[str, Any]:
    names = POSITIONAL.get(class_name, ())
    out: dict[str, Any] = {}
    for index, arg in enumerate(call.args):
        if index < len(names):
            out[names[index]] = _value(arg, reader)
    for keyword in call.keywords:
        if keyword.arg is not None:
            out[keyword.arg] = _value(keyword.value, reader)
    return out


def _value(node: ast.expr, reader: _Reader) -> Any:
    """A literal, a constant assigned earlier, a nested layer, or :class:`_Unknown` (never evaluated)."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if isinstance(node, ast.Name):
        return reader.env.get(node.id, _Unknown(node.id))
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_value(item, reader) for item in node.elts)
    if isinstance(node, ast.Call) and (_callee(node) or "")[:1].isupper():
        return _layer(node, reader)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _value(node.operand, reader)
        return -inner if isinstance(inner, (int, float)) else _Unknown(_source(reader, node))
    return _Unknown(_source(reader, node))
