"""Saving and loading trained models without risking the user's files or running their code.

* Saves are atomic: Keras writes the ``.keras`` archive to a temporary file beside the
  target, which then replaces the target in one ``os.replace``. A crash or kill mid-save
  leaves the previous file intact.
* Loads use ``safe_mode=True`` (a ``.keras`` file may carry Python lambdas; safe mode refuses
  to run them) and refuse the legacy HDF5 format (``.h5``/``.hdf5``), which deserialises
  configs without those protections.

Keras is imported inside the functions only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from core.atomic import atomic_path
from core.errors import ShapeExplorerError, TrainingError

LEGACY_SUFFIXES = (".h5", ".hdf5")


class ModelFileError(ShapeExplorerError):
    """A model file that cannot or must not be loaded, or a save that failed."""


def check_save_target(path: str | os.PathLike[str]) -> Path:
    """The ``.keras`` path a model will be saved to, checked before any training happens.

    A name without a suffix gets ``.keras``; any other suffix (``.h5`` included), a folder, a
    missing folder or one that cannot be written to raises :class:`TrainingError` in one sentence.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in LEGACY_SUFFIXES:
        raise TrainingError(f"{target.name}: models are saved in the .keras format, not legacy HDF5; use a .keras file name.")
    if target.is_dir():
        raise TrainingError(f"{target.name} is a folder; give a file name ending in .keras inside it, e.g. {target / 'model.keras'}.")
    if not suffix:
        target = target.with_name(target.name + ".keras")
    elif suffix != ".keras":
        raise TrainingError(f"{target.name}: a model is saved as a .keras file; use a name ending in .keras, e.g. {target.stem}.keras.")
    if target.is_dir():
        raise TrainingError(f"{target.name} is a folder; choose another name for the model file.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TrainingError(f"{target.name}: the folder {folder} does not exist; create it or choose another place to save the model.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TrainingError(f"{target.name}: the folder {folder} cannot be written to; choose another place to save the model.")
    return target


def save_model_atomic(model: Any, path: str | os.PathLike[str]) -> Path:
    """Save ``model`` as a ``.keras`` archive at ``path`` atomically; returns the final path.

    The target is checked with :func:`check_save_target` (call it before training, too).
    Raises :class:`TrainingError` in plain words when the folder cannot be written.
    """
    target = check_save_target(path)
    try:
        with atomic_path(target, suffix=".keras") as tmp:
            model.save(tmp)
    except OSError as exc:
        raise TrainingError(f"{target.name}: the model could not be saved ({exc.strerror or exc}); the previous file, if any, is unchanged.") from exc
    return target


def check_model_file(path: str | os.PathLike[str]) -> Path:
    """``path`` if it names an existing ``.keras`` file; :class:`ModelFileError` in one sentence otherwise."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in LEGACY_SUFFIXES:
        raise ModelFileError(
            f"{source.name}: legacy HDF5 model files (.h5) from elsewhere are not loaded, because that format can run "
            "code it contains; re-save the model as .keras with a trusted Keras and open that."
        )
    if suffix != ".keras":
        raise ModelFileError(f"{source.name}: not a Keras model archive; choose a .keras file.")
    if not source.is_file():
        raise ModelFileError(f"{source.name}: no such file.")
    return source


def load_model_safe(path: str | os.PathLike[str]) -> Any:
    """Load a ``.keras`` model with ``safe_mode=True``; refuse legacy HDF5 files.

    Raises :class:`ModelFileError` with a plain sentence for a missing, legacy or unreadable
    file.
    """
    source = check_model_file(path)
    from core.model.quiet import quiet_tensorflow_import

    _, keras = quiet_tensorflow_import()
    try:
        return keras.saving.load_model(source, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds for a bad archive; the user needs one sentence.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{source.name}: this model file could not be loaded safely ({first[:200]}).") from exc
