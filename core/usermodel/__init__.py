"""A user's own Keras model, read without running it, checked against their data; pasted errors explained.

* :func:`read_model` — ``.keras``/``.h5``/``.json`` (:mod:`.archive`) or Python code (:mod:`.code`).
* :func:`check_model` — the model against a loaded dataset (:mod:`.compare`).
* :func:`explain_error` — a pasted error text, with or without the data (:mod:`.explain`).

No TensorFlow or Keras is imported here, and nothing from a model file or code is executed.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import LoadError
from core.usermodel.compare import CheckResult, check_model
from core.usermodel.data import DataFacts, data_facts
from core.usermodel.explain import ExplainResult, explain_error
from core.usermodel.model import KLayer, UserModel

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5", ".json", ".py")
MAX_CODE_BYTES = 2 * 1024**2


def read_model(path: str | Path) -> UserModel:
    """The architecture in a model file or a ``.py`` file (read as text, never imported)."""
    path = Path(path)
    if path.suffix.lower() == ".py":
        if not path.is_file():
            raise LoadError(path, "does not exist or is not a file", hint="Check the path of the model code")
        if path.stat().st_size > MAX_CODE_BYTES:
            raise LoadError(path, "is too large to be the code of one model", hint="Give the file that builds the model")
        from core.usermodel.code import read_model_code

        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise LoadError(path, "is not UTF-8 text", hint="Save the code as UTF-8") from None
        return read_model_code(text, str(path))
    from core.usermodel.archive import read_model_file

    return read_model_file(path)


def is_model_file(path: str | Path) -> bool:
    """True for a model file (``.keras``, ``.h5``, ``.py``, or a ``.json`` that holds a Keras config,
    not JSON data records): what a dropped file is checked as instead of opened as data."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".keras", ".h5", ".hdf5", ".py"):
        return True
    if suffix != ".json" or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return head.lstrip().startswith("{") and '"class_name"' in head and ('"Sequential"' in head or '"Functional"' in head
                                                                         or '"Model"' in head or '"layers"' in head)


def error_text_in(path: str | Path) -> str | None:
    """The text of a ``.txt``/``.log`` file that holds a recognised shape error (a saved traceback),
    else None: such a file is explained in the doctor instead of being read as a text dataset."""
    path = Path(path)
    if path.suffix.lower() not in (".txt", ".log", ".err") or not path.is_file():
        return None
    from core.usermodel.errors import parse_error

    try:
        with path.open("rb") as handle:
            text = handle.read(256 * 1024).decode("utf-8", "replace")
    except OSError:
        return None
    return text if parse_error(text).kind is not None else None


__all__ = ["CheckResult", "DataFacts", "ExplainResult", "KLayer", "UserModel", "check_model", "data_facts",
           "error_text_in", "explain_error", "is_model_file", "read_model"]
