"""Save and reopen a whole exploration as one versioned JSON file.

A session holds what is needed to get back to the same screen: the data file and how it was
read (:class:`~core.options.LoadOptions`), how it was shaped (padding or windows), the model
spec, the training settings and the last run's history, every run kept to compare
(:class:`~core.training.runs.RunRecord`: settings, history, result), and — when a model was trained — the
trained ``.keras`` saved beside it (:func:`save_session_model`) with its
:class:`~core.recipe.Recipe`, so exporting and predicting work again after reopening. It never holds the data itself: the
file is read again on open, so a session stays small and cannot smuggle arrays or code.

Saves are atomic (:func:`core.atomic.write_text_atomic`). Reading refuses, with one plain
:class:`~core.errors.SessionError` sentence, anything that is not JSON, not a session, missing a
key, or written by a newer Shape Explorer.

The ``runs`` list was added without changing ``SESSION_VERSION``: older sessions have none and
read as an empty list, and an older Shape Explorer ignores the key (it loses only the run
list), so both directions still open.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.atomic import atomic_path, write_text_atomic
from core.errors import ModelSpecError, SessionError, TrainingError
from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.recipe import Recipe, RecipeError
from core.training.config import TrainingConfig
from core.training.runs import RunRecord
from core.wording import json_safe

SESSION_FORMAT = "shape-explorer-session"
SESSION_VERSION = 1
SESSION_SUFFIX = ".shapesession.json"
MAX_SESSION_BYTES = 64 * 1024 * 1024  # a session is settings and a history, never data

REQUIRED_KEYS = ("format", "version", "file", "load_options", "padding", "window", "spec", "config", "history")


@dataclass(frozen=True)
class Session:
    """Everything the window needs to rebuild an exploration.

    ``history`` maps Keras metric names (``loss``, ``val_loss``, ``accuracy``…) to one value per
    epoch; NaN entries (a run that diverged) survive the round trip. ``result`` is the last
    run's summary (best epoch, stop reason, metrics) and ``ui`` free-form window state such as
    the selected tab; both may be empty.
    """

    file: str | None = None
    load_options: LoadOptions = field(default_factory=LoadOptions)
    padding: PaddingOptions = field(default_factory=PaddingOptions)
    window: WindowOptions | None = None
    spec: ModelSpec | None = None
    config: TrainingConfig = field(default_factory=TrainingConfig)
    history: dict[str, list[float]] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    ui: dict[str, Any] = field(default_factory=dict)
    recipe: Recipe | None = None  # of the trained model, when the session carries one
    model_file: str | None = None  # that model's .keras (saved beside the session by save_session_model)
    runs: tuple[RunRecord, ...] = ()  # every run kept to compare, oldest first (the last is ``history``'s)

    def to_dict(self, relative_to: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """The JSON document; ``relative_to`` (the session's folder) adds a relative data path."""
        file_relative = None
        if self.file and relative_to is not None:
            try:
                file_relative = os.path.relpath(Path(self.file).resolve(), Path(relative_to).resolve())
            except ValueError:  # another drive on Windows
                file_relative = None
        return {
            "format": SESSION_FORMAT,
            "version": SESSION_VERSION,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "file": str(Path(self.file).resolve()) if self.file else None,
            "file_relative": file_relative,
            "load_options": self.load_options.to_dict(),
            "padding": self.padding.to_dict(),
            "window": self.window.to_dict() if self.window is not None else None,
            "spec": self.spec.to_dict() if self.spec is not None else None,
            "config": self.config.to_dict(),
            "history": {str(k): [_finite_or_none(v) for v in values] for k, values in self.history.items()},
            "result": json_safe(self.result),
            "ui": json_safe(self.ui),
            "recipe": self.recipe.to_dict() if self.recipe is not None else None,
            "model_file": str(Path(self.model_file).resolve()) if self.model_file else None,
            "model_file_relative": _relative(self.model_file, relative_to),
            "runs": [run.to_dict() for run in self.runs],
        }


def save_session(path: str | os.PathLike[str], session: Session) -> None:
    """Write ``session`` to ``path`` atomically (the old file survives a crash mid-save)."""
    path = Path(path)
    text = json.dumps(session.to_dict(relative_to=path.parent), indent=2, allow_nan=False, ensure_ascii=False)
    try:
        write_text_atomic(path, text + "\n")
    except OSError as exc:
        raise SessionError(f"{path.name}: the session could not be saved ({exc.strerror or exc}). Choose another folder.") from exc


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read a session file, or raise :class:`SessionError` saying what is wrong with it."""
    path = Path(path)
    name = path.name
    try:
        if path.is_dir():
            raise SessionError(f"{name} is a folder, not a session file. Choose a {SESSION_SUFFIX} file.")
        size = path.stat().st_size
        if size > MAX_SESSION_BYTES:
            raise SessionError(f"{name} is {size // (1024 * 1024)} MB, far too big for a session file. Choose a {SESSION_SUFFIX} file.")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SessionError(f"{name}: the session file does not exist any more. Choose another one.") from exc
    except OSError as exc:
        raise SessionError(f"{name}: the session file cannot be read ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SessionError(f"{name}, byte {exc.start}: this is not a text file, so not a Shape Explorer session.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(
            f"{name}, line {exc.lineno} column {exc.colno}: the session is not valid JSON ({exc.msg}). "
            "It may be damaged; open another session."
        ) from exc
    except RecursionError as exc:
        raise SessionError(f"{name}: the session is nested too deeply to be a Shape Explorer session.") from exc
    return session_from_dict(data, name=name, folder=path.parent)


def session_from_dict(data: Any, *, name: str = "the session", folder: Path | None = None) -> Session:
    """Check and convert a parsed session document; ``name`` is used in messages."""
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise SessionError(f"{name} is JSON but not a Shape Explorer session (no \"format\": \"{SESSION_FORMAT}\").")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"{name}, field \"version\": expected a whole number, found {version!r}.")
    if version > SESSION_VERSION:
        raise SessionError(
            f"{name} was saved by a newer Shape Explorer (session version {version}); this one reads "
            f"version {SESSION_VERSION} and older. Update Shape Explorer to open it."
        )
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise SessionError(f"{name} is missing the field{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)}; it may be damaged.")

    field_name = "file"
    try:
        file = data["file"]
        if file is not None and not isinstance(file, str):
            raise TypeError(f"expected a path, found {type(file).__name__}")
        relative = data.get("file_relative")
        if file and folder is not None and isinstance(relative, str) and not Path(file).exists():
            candidate = (folder / relative).resolve()
            if candidate.exists():  # the session and its data moved together
                file = str(candidate)
        field_name = "load_options"
        load_options = LoadOptions.from_dict(_mapping(data["load_options"]))
        field_name = "padding"
        padding = PaddingOptions.from_dict(_mapping(data["padding"]))
        field_name = "window"
        window = None if data["window"] is None else WindowOptions.from_dict(_mapping(data["window"]))
        field_name = "spec"
        spec = None if data["spec"] is None else ModelSpec.from_dict(_mapping(data["spec"]))
        field_name = "config"
        config = TrainingConfig.from_dict(_mapping(data["config"])).validate()
        field_name = "history"
        history = _history(data["history"])
        field_name = "result"
        result = _mapping(data.get("result") or {})
        field_name = "ui"
        ui = _mapping(data.get("ui") or {})
        field_name = "recipe"
        recipe = None if data.get("recipe") is None else Recipe.from_dict(data["recipe"], name=f"{name}'s recipe")
        field_name = "model_file"
        model_file = _moved_with(data.get("model_file"), data.get("model_file_relative"), folder)
        field_name = "runs"
        raw_runs = data.get("runs") or []
        if not isinstance(raw_runs, list):
            raise TypeError(f"expected a list of runs, found {type(raw_runs).__name__}")
        runs = tuple(RunRecord.from_dict(run) for run in raw_runs)
    except RecipeError as exc:
        raise SessionError(f"{name}, field \"recipe\": {exc}") from exc
    except (ModelSpecError, TrainingError) as exc:
        raise SessionError(f"{name}, field \"{field_name}\": {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise SessionError(f"{name}, field \"{field_name}\": {exc}; the session may be damaged.") from exc
    return Session(file, load_options, padding, window, spec, config, history, result, ui, recipe, model_file, runs)


def _relative(path: str | None, folder: str | os.PathLike[str] | None) -> str | None:
    if not path or folder is None:
        return None
    try:
        return os.path.relpath(Path(path).resolve(), Path(folder).resolve())
    except ValueError:  # another drive on Windows
        return None


def _moved_with(path: Any, relative: Any, folder: Path | None) -> str | None:
    """``path``, or the file at ``relative`` to the session's folder when the two moved together."""
    if path is not None and not isinstance(path, str):
        raise TypeError(f"expected a path, found {type(path).__name__}")
    if folder is not None and isinstance(relative, str) and not (path and Path(path).exists()):
        candidate = (folder / relative).resolve()
        if candidate.exists():
            return str(candidate)
    return path


def session_model_path(session_path: str | os.PathLike[str]) -> Path:
    """Where a session keeps its trained model: ``run.shapesession.json`` → ``run.keras`` beside it."""
    session_path = Path(session_path)
    name = session_path.name
    for suffix in (SESSION_SUFFIX, ".json"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return session_path.with_name((name or "session") + ".keras")


def save_session_model(session_path: str | os.PathLike[str], source_model: str | os.PathLike[str], recipe: Recipe) -> Path:
    """Copy the trained ``source_model`` beside the session (atomically) with its recipe; returns its path.

    A model that already is the session's file is left as it is (only the recipe is rewritten).
    """
    from core.recipe import save_recipe

    source = Path(source_model)
    target = session_model_path(session_path)
    if not source.is_file():
        raise SessionError(f"{source.name}: the trained model file is gone, so the session cannot carry it; train again.")
    try:
        if source.resolve() != target.resolve():
            with atomic_path(target, suffix=".keras") as tmp:
                shutil.copyfile(source, tmp)
        save_recipe(recipe, target)
    except (OSError, RecipeError) as exc:
        raise SessionError(f"{target.name}: the session's model could not be saved ({getattr(exc, 'strerror', None) or exc}).") from exc
    return target


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _history(value: Any) -> dict[str, list[float]]:
    history: dict[str, list[float]] = {}
    for key, values in _mapping(value).items():
        if not isinstance(values, list):
            raise TypeError(f"{key!r} should be a list of numbers, found {type(values).__name__}")
        converted = []
        for item in values:
            if item is None:
                converted.append(math.nan)
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                converted.append(float(item))
            else:
                raise TypeError(f"{key!r} should hold numbers, found {item!r}")
        history[str(key)] = converted
    return history


def _finite_or_none(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
