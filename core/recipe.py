"""The recipe: everything needed to get from a raw file to what a trained model predicts.

One typed, frozen, JSON-round-trippable record. The training job writes it beside every saved
model (``model.keras`` + ``model.recipe.json``, :func:`save_recipe`), sessions keep the recipe of
their trained model, and ``predict`` (:mod:`core.predict`) reads a new file with it exactly as
training read the training file: the same read options (the ones the loader detected, not just
the ones given), padding with the same maxlen, the same windows, the training vocabulary for
text (so new sentences get the same token ids) and the class names the model's outputs mean.

The model itself carries its numeric preprocessing (the ``standardize`` Normalization layer and
the ``target_units`` Rescaling), so a recipe holds no statistics: only what a reader of the
raw file needs. A recipe is data, never code: it is read with ``json`` and checked field by
field; a recipe from a newer Shape Explorer is refused in one sentence.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.atomic import write_text_atomic
from core.dataset import SequenceDataset
from core.errors import ModelSpecError, ShapeExplorerError, TrainingError
from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.tensor_data import TensorData
from core.training.config import TrainingConfig

RECIPE_FORMAT = "shape-explorer-recipe"
RECIPE_VERSION = 1
RECIPE_SUFFIX = ".recipe.json"
MAX_RECIPE_BYTES = 64 * 1024 * 1024  # a large vocabulary at most


class RecipeError(ShapeExplorerError):
    """A recipe that is missing, malformed, from a newer version or cannot be written."""


@dataclass(frozen=True)
class Recipe:
    """How a model's input was made from a raw file, and what its outputs mean.

    ``load_options`` are the *effective* read options (detected and given); ``padding`` has the
    maxlen resolved; ``format`` is the loader's format name (``csv-wide``, ``ts``, ``text``…) and
    ``kind`` the dataset kind (``sequences``, ``series``, ``tokens``). ``task`` is the model
    head's task; ``class_names`` (classification) name output ``i``; ``target_names`` are the
    regression or forecast targets' names; ``vocabulary`` (text) maps token id ``i`` to its token,
    id 0 padding and id 1 unknown words. ``timesteps`` and ``n_features`` are the input shape
    the model was trained on (``n_features`` 1 for token ids).
    """

    file: str | None
    load_options: LoadOptions
    padding: PaddingOptions
    window: WindowOptions | None
    spec: ModelSpec
    config: TrainingConfig = field(default_factory=TrainingConfig)
    format: str = ""
    kind: str = "sequences"
    task: str | None = None
    label_kind: str | None = None
    label_name: str | None = None
    class_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] | None = None
    vocabulary: tuple[str, ...] | None = None
    timesteps: int = 0
    n_features: int = 1
    version: int = RECIPE_VERSION

    @property
    def is_classification(self) -> bool:
        return self.task in ("binary", "multiclass") or (self.task == "sequence" and bool(self.class_names))

    # ---- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format_name": RECIPE_FORMAT,
            "version": int(self.version),
            "file": self.file,
            "load_options": self.load_options.to_dict(),
            "padding": self.padding.to_dict(),
            "window": self.window.to_dict() if self.window is not None else None,
            "spec": self.spec.to_dict(),
            "config": self.config.to_dict(),
            "format": self.format,
            "kind": self.kind,
            "task": self.task,
            "label_kind": self.label_kind,
            "label_name": self.label_name,
            "class_names": list(self.class_names) if self.class_names is not None else None,
            "feature_names": list(self.feature_names),
            "target_names": list(self.target_names) if self.target_names is not None else None,
            "vocabulary": list(self.vocabulary) if self.vocabulary is not None else None,
            "timesteps": int(self.timesteps),
            "n_features": int(self.n_features),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any, *, name: str = "the recipe") -> Recipe:
        """Check and convert a parsed recipe; raises :class:`RecipeError` naming the bad field."""
        if not isinstance(data, dict) or data.get("format_name") != RECIPE_FORMAT:
            raise RecipeError(f"{name} is not a Shape Explorer recipe (no \"format_name\": \"{RECIPE_FORMAT}\").")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RecipeError(f"{name}, field \"version\": expected a whole number, found {version!r}.")
        if version > RECIPE_VERSION:
            raise RecipeError(
                f"{name} was written by a newer Shape Explorer (recipe version {version}); this one reads version "
                f"{RECIPE_VERSION}: update Shape Explorer to use this model."
            )
        key = "load_options"
        try:
            load_options = LoadOptions.from_dict(_mapping(data[key]))
            key = "padding"
            padding = PaddingOptions.from_dict(_mapping(data[key]))
            key = "window"
            window = None if data.get(key) is None else WindowOptions.from_dict(_mapping(data[key]))
            key = "spec"
            spec = ModelSpec.from_dict(_mapping(data[key]))
            key = "config"
            config = TrainingConfig.from_dict(_mapping(data.get(key) or {}))
            key = "file"
            file = _optional_text(data.get(key))
            key = "class_names"
            class_names = _texts(data.get(key))
            key = "target_names"
            target_names = _texts(data.get(key))
            key = "vocabulary"
            vocabulary = _texts(data.get(key))
            key = "feature_names"
            feature_names = _texts(data.get(key)) or ()
            key = "timesteps"
            timesteps = _whole(data.get(key, 0))
            key = "n_features"
            n_features = _whole(data.get(key, 1))
            key = "format"
            return cls(
                file=file,
                load_options=load_options,
                padding=padding,
                window=window,
                spec=spec,
                config=config,
                format=str(data.get("format") or ""),
                kind=str(data.get("kind") or "sequences"),
                task=_optional_text(data.get("task")),
                label_kind=_optional_text(data.get("label_kind")),
                label_name=_optional_text(data.get("label_name")),
                class_names=class_names,
                feature_names=feature_names,
                target_names=target_names,
                vocabulary=vocabulary,
                timesteps=timesteps,
                n_features=n_features,
                version=version,
            )
        except KeyError as exc:
            raise RecipeError(f"{name} is missing the field {exc.args[0]!r}; it may be damaged.") from exc
        except (ModelSpecError, TrainingError) as exc:
            raise RecipeError(f"{name}, field \"{key}\": {exc}") from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise RecipeError(f"{name}, field \"{key}\": {exc}; it may be damaged.") from exc

    @classmethod
    def from_json(cls, text: str, *, name: str = "the recipe") -> Recipe:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecipeError(f"{name}, line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg}).") from exc
        except RecursionError as exc:
            raise RecipeError(f"{name} is nested too deeply to be a recipe.") from exc
        return cls.from_dict(data, name=name)


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _texts(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of texts")
    return tuple(value)


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"expected a whole number, found {value!r}")
    return value


# ---- making one ----------------------------------------------------------------------------
def recipe_for(
    path: str | os.PathLike[str] | None,
    load_options: LoadOptions,
    shaped: TensorData,
    spec: ModelSpec,
    config: TrainingConfig | None = None,
) -> Recipe:
    """The recipe of a model trained with ``spec`` on ``shaped`` (read from ``path`` with ``load_options``).

    The read options are the loader's effective ones (``dataset.source.options``), so a new file
    is read the same way even where the training file's options were detected.
    """
    from core.training.data import class_names as names_of

    classified = spec.head.task in ("binary", "multiclass") or (spec.head.task == "sequence" and bool(spec.head.sequence_classes))
    return _recipe(
        path, load_options, shaped.dataset, tuple(int(s) for s in shaped.x.shape),
        shaped.padding, shaped.window,
        tuple(shaped.feature_names), names_of(shaped) if classified else None, spec, config,
    )


def recipe_for_dataset(
    path: str | os.PathLike[str] | None,
    load_options: LoadOptions,
    dataset: SequenceDataset,
    padding: PaddingOptions | None,
    window: WindowOptions | None,
    spec: ModelSpec,
    config: TrainingConfig | None = None,
) -> Recipe:
    """The same recipe from a loaded dataset and its shaping options, without building the tensor
    (:func:`core.shaping.tensorize.plan_shape` gives the shape): what the exported script saves."""
    from core.shaping.tensorize import plan_shape

    plan = plan_shape(dataset, padding, window)
    labels = dataset.labels
    classified = spec.head.task in ("binary", "multiclass") or (spec.head.task == "sequence" and bool(spec.head.sequence_classes))
    names = tuple(str(c) for c in labels.classes) if classified and labels is not None and labels.classes else None
    return _recipe(path, load_options, dataset, tuple(int(s) for s in plan.shape), plan.padding, plan.window,
                   tuple(dataset.feature_names), names, spec, config)


def _recipe(
    path: Any,
    load_options: LoadOptions,
    dataset: SequenceDataset | None,
    shape: tuple[int, ...],
    padding: PaddingOptions,
    window: WindowOptions | None,
    feature_names: tuple[str, ...],
    class_names: tuple[str, ...] | None,
    spec: ModelSpec,
    config: TrainingConfig | None,
) -> Recipe:
    source = dataset.source if dataset is not None else None
    options = load_options
    if source is not None and source.options:
        effective = LoadOptions.from_dict(dict(source.options))
        # The loader reports what it used; options the caller gave fill in what it left None.
        extra = {k: (tuple(v) if isinstance(v, list) else v) for k, v in load_options.to_dict().items() if getattr(effective, k) is None and v is not None}
        options = replace(effective, **extra)
    labels = dataset.labels if dataset is not None else None
    feature_names = tuple(str(n) for n in (feature_names or (dataset.feature_names if dataset is not None else ())))
    target_names = None
    if window is not None:
        target_names = tuple(window.target_cols) if window.target_cols else feature_names
    elif class_names is None and labels is not None and labels.name:
        target_names = (str(labels.name),)
    vocabulary = dataset.vocabulary if dataset is not None else None
    if window is None:
        padding = replace(padding, maxlen=int(shape[1]))
    return Recipe(
        file=str(Path(path).resolve()) if path else None,
        load_options=options,
        padding=padding,
        window=window,
        spec=spec,
        config=config or TrainingConfig(),
        format=str(source.format if source is not None else ""),
        kind=str(dataset.kind if dataset is not None else "sequences"),
        task=spec.head.task,
        label_kind=labels.kind if labels is not None else None,
        label_name=labels.name if labels is not None else None,
        class_names=tuple(class_names) if class_names else None,
        feature_names=feature_names,
        target_names=target_names,
        vocabulary=tuple(str(t) for t in vocabulary) if vocabulary is not None else None,
        timesteps=int(shape[1]),
        n_features=int(shape[2]) if len(shape) == 3 else 1,
    )


# ---- beside a model ------------------------------------------------------------------------
def recipe_path(model_path: str | os.PathLike[str]) -> Path:
    """``model.keras`` → ``model.recipe.json`` (same folder)."""
    model_path = Path(model_path)
    stem = model_path.name[: -len(model_path.suffix)] if model_path.suffix else model_path.name
    return model_path.with_name(stem + RECIPE_SUFFIX)


def save_recipe(recipe: Recipe, model_path: str | os.PathLike[str]) -> Path:
    """Write ``recipe`` beside ``model_path`` atomically; returns the recipe's path."""
    target = recipe_path(model_path)
    try:
        write_text_atomic(target, recipe.to_json())
    except OSError as exc:
        raise RecipeError(f"{target.name}: the model's recipe could not be saved ({exc.strerror or exc}).") from exc
    return target


def load_recipe(model_path: str | os.PathLike[str]) -> Recipe:
    """The recipe saved beside ``model_path``, or :class:`RecipeError` in one sentence."""
    model_path = Path(model_path)
    target = recipe_path(model_path)
    if not target.is_file():
        raise RecipeError(
            f"{model_path.name} has no recipe beside it ({target.name}), so Shape Explorer does not know how its input was "
            "shaped: save the model from Shape Explorer (train --save or Export ▸ trained model) to get one."
        )
    try:
        size = target.stat().st_size
        if size > MAX_RECIPE_BYTES:
            raise RecipeError(f"{target.name} is {size // (1024 * 1024)} MB, far too big for a recipe.")
        text = target.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{target.name}, byte {exc.start}: not a text file, so not a recipe.") from exc
    except OSError as exc:
        raise RecipeError(f"{target.name}: the recipe cannot be read ({exc.strerror or exc}).") from exc
    return Recipe.from_json(text, name=target.name)


def copy_with_recipe(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Copy the recipe beside ``source`` (a model) to beside ``target``, atomically; returns its path."""
    recipe = load_recipe(source)
    return save_recipe(recipe, target)
