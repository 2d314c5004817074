"""Read a saved Keras model's architecture as JSON only: ``.keras`` zip, legacy ``.h5``, ``model.to_json()``.

Nothing is deserialised: ``config.json``/``metadata.json`` are read from the zip with
:mod:`zipfile` and :mod:`json`, the ``.h5`` ``model_config`` attribute with :mod:`h5py`, and the
config is walked as plain dicts (:func:`model_from_config`). Keras, TensorFlow and any code a
layer carries (``Lambda`` bytecode, custom objects) are never imported or run.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from core.errors import LoadError
from core.usermodel.model import KLayer, Shape, UserModel, loss_name

MAX_CONFIG_BYTES = 32 * 1024**2  # a model config is kilobytes; refuse anything absurd before reading it
WRAPPERS = ("Bidirectional", "TimeDistributed")


def read_model_file(path: str | Path) -> UserModel:
    """The architecture in ``path`` (``.keras``, ``.h5``/``.hdf5`` or ``.json``)."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(path, "does not exist or is not a file", hint="Check the path of the model file")
    suffix = path.suffix.lower()
    if suffix == ".keras" or (suffix not in (".h5", ".hdf5", ".json") and zipfile.is_zipfile(path)):
        return _read_keras(path)
    if suffix in (".h5", ".hdf5"):
        return _read_h5(path)
    if suffix == ".json":
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise LoadError(path, "is too large to be a Keras model config", hint="Save it with model.to_json()")
        data = _parse_json(path, path.read_bytes(), "the file")
        return model_from_config(data, str(path), "json", keras_version=_str(data.get("keras_version")) if isinstance(data, dict) else None)
    raise LoadError(path, f"is not a Keras model file ({suffix or 'no extension'})",
                    hint="Give a .keras, .h5 or .json model, or the Python code that builds it (.py)")


def _read_keras(path: Path) -> UserModel:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise LoadError(path, f"is not a valid .keras archive ({error})", hint="Save the model with model.save('model.keras')") from None
    with archive:
        names = set(archive.namelist())
        if "config.json" not in names:
            raise LoadError(path, "holds no config.json, so it is not a Keras 3 model archive",
                            hint="Save the model with model.save('model.keras')")
        config = _parse_json(path, _member(archive, path, "config.json"), "config.json")
        metadata = _parse_json(path, _member(archive, path, "metadata.json"), "metadata.json") if "metadata.json" in names else {}
    version = _str(metadata.get("keras_version")) if isinstance(metadata, dict) else None
    return model_from_config(config, str(path), "keras", keras_version=version)


def _member(archive: zipfile.ZipFile, path: Path, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_CONFIG_BYTES:
        raise LoadError(path, f"{name} would unpack to {info.file_size:,} bytes, far more than a model config",
                        hint="Save the model again with model.save('model.keras')")
    return archive.read(name)


def _read_h5(path: Path) -> UserModel:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
            training = handle.attrs.get("training_config")
            version = handle.attrs.get("keras_version")
    except OSError as error:
        raise LoadError(path, f"is not a readable HDF5 file ({error})", hint="Save the model with model.save('model.h5')") from None
    if raw is None:
        raise LoadError(path, "holds weights only (no model_config attribute), so its architecture is unknown",
                        hint="Save the whole model with model.save('model.h5'), or give its code (.py)")
    config = _parse_json(path, raw, "the model_config attribute")
    training_config = _parse_json(path, training, "the training_config attribute") if training is not None else {}
    loss = training_config.get("loss") if isinstance(training_config, dict) else None
    model = model_from_config(config, str(path), "h5", keras_version=_str(_text(version)))
    return model if model.loss or loss is None else _with_loss(model, loss_name(loss))


def _with_loss(model: UserModel, loss: str | None) -> UserModel:
    from dataclasses import replace

    return replace(model, loss=loss)


def _text(value: Any) -> Any:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _parse_json(path: Path, raw: Any, where: str) -> Any:
    try:
        return json.loads(_text(raw))
    except (ValueError, TypeError) as error:
        raise LoadError(path, f"{where} is not valid JSON ({error})", hint="Save the model again with Keras") from None
    except RecursionError:
        raise LoadError(path, f"{where} is nested far deeper than any model config", hint="Save the model again with Keras") from None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# ---- the config as plain dicts ----------------------------------------------------------------
def model_from_config(config: Any, source: str, fmt: str, keras_version: str | None = None) -> UserModel:
    """Walk a Keras model config (Keras 1, 2 or 3; Sequential or single-path Functional)."""
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise LoadError(source, "is not a Keras model config (no class_name at the top)",
                        hint="Save it with model.to_json() or model.save('model.keras')")
    kind = config["class_name"]
    body = config.get("config")
    loss = loss_name((config.get("compile_config") or {}).get("loss")) if isinstance(config.get("compile_config"), dict) else None
    keras_version = keras_version or _str(config.get("keras_version"))
    unsupported: list[str] = []
    if kind == "Sequential":
        raw_layers = body if isinstance(body, list) else (body or {}).get("layers", []) if isinstance(body, dict) else []
        read = [_layer(item, unsupported) for item in raw_layers if isinstance(item, dict)]
        build_shape = (body or {}).get("build_input_shape") if isinstance(body, dict) else None
    elif kind in ("Functional", "Model"):
        read, build_shape = _functional_path(body if isinstance(body, dict) else {}, unsupported), None
    else:
        raise LoadError(source, f"is a {kind}, not a Sequential or Functional model",
                        hint="Subclassed models keep their architecture in code: give the .py that builds it")
    layers = [layer for layer in read if layer is not None]
    input_shape, declared_by, batch = _declared_input(layers, build_shape)
    body_layers = tuple(layer for layer in layers if layer.class_name != "InputLayer")
    return UserModel(source, fmt, body_layers, input_shape, declared_by, batch, loss, keras_version, tuple(unsupported))


def _layer(item: dict[str, Any], unsupported: list[str]) -> KLayer | None:
    class_name = item.get("class_name")
    if not isinstance(class_name, str):
        unsupported.append("a layer without a class name")
        return None
    raw_config = item.get("config")
    config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}
    own, outer = config.get("name"), item.get("name")
    name = own if isinstance(own, str) else outer if isinstance(outer, str) else class_name.lower()
    inner = None
    if class_name in WRAPPERS and isinstance(config.get("layer"), dict):
        inner = _layer(config["layer"], unsupported)
    return KLayer(class_name, name, dict(config), inner)


def _declared_input(layers: list[KLayer], build_shape: Any) -> tuple[Shape | None, str | None, int | None]:
    """``(shape without batch, how it was declared, batch size)`` from the first layer or the build shape."""
    for key in ("batch_shape", "batch_input_shape"):
        if layers and isinstance(layers[0].config.get(key), list):
            full = _dims(layers[0].config[key])
            if full:
                return full[1:], "Input" if layers[0].class_name == "InputLayer" else key, full[0]
    if layers and isinstance(layers[0].config.get("input_shape"), list):
        return _dims(layers[0].config["input_shape"]), "input_shape", None
    if isinstance(build_shape, list) and build_shape:
        full = _dims(build_shape)
        return full[1:], "batch_shape", full[0]
    return None, None, None


def _dims(values: list[Any]) -> Shape:
    return tuple(int(v) if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None for v in values)


def _functional_path(body: dict[str, Any], unsupported: list[str]) -> list[KLayer | None]:
    """The layers from the single output back to the single input, following each layer's first input."""
    items = {item.get("name") or (item.get("config") or {}).get("name"): item for item in body.get("layers", []) if isinstance(item, dict)}
    outputs = _endpoint_names(body.get("output_layers"))
    inputs = _endpoint_names(body.get("input_layers"))
    if len(outputs) != 1 or len(inputs) != 1:
        unsupported.append(f"a model with {len(inputs)} inputs and {len(outputs)} outputs (only one input and one output are checked)")
        if not outputs:
            return []
    chain: list[str] = []
    current = outputs[0]
    while current in items and current not in chain:
        chain.append(current)
        parents = _inbound(items[current])
        if len(parents) > 1:
            unsupported.append(f"layer '{current}' ({items[current].get('class_name')}) joins {len(parents)} branches; only the first is followed")
        if not parents:
            break
        current = parents[0]
    chain.reverse()
    on_path = set(chain)
    for name, item in items.items():
        module = str(item.get("module") or "")
        if name not in on_path and not module.startswith("keras.src.ops"):
            unsupported.append(f"layer '{name}' ({item.get('class_name')}) is on a side branch and is not checked")
    return [_layer(items[name], unsupported) for name in chain]


def _endpoint_names(value: Any) -> list[str]:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return [value[0]]
    if isinstance(value, list):
        return [v[0] for v in value if isinstance(v, list) and v and isinstance(v[0], str)]
    return []


def _inbound(item: dict[str, Any]) -> list[str]:
    """Names of the layers feeding ``item``'s first call (Keras 3 ``args`` tensors or Keras 2 node lists)."""
    nodes = item.get("inbound_nodes") or []
    if not isinstance(nodes, list) or not nodes:
        return []
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}; kwargs (e.g. mask) are side inputs
        found: list[str] = []
        _keras_tensors(node.get("args"), found)
        return found
    if isinstance(node, list):  # Keras 2: [["input_1", 0, 0, {}], ...]
        return [entry[0] for entry in node if isinstance(entry, list) and entry and isinstance(entry[0], str)]
    return []


def _keras_tensors(value: Any, found: list[str], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = (value.get("config") or {}).get("keras_history")
            if isinstance(history, list) and history and isinstance(history[0], str):
                found.append(history[0])
            return
        for inner in value.values():
            _keras_tensors(inner, found, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _keras_tensors(inner, found, depth + 1)
