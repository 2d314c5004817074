"""A training job as plain JSON, and the code that carries it out.

The window never sends arrays to the training child process: it sends a
:class:`TrainingJob` (the file path, how to read and shape it, the model spec, the training
config, where to save) and the child reads and shapes the file itself with the same
functions the window used, so both see the same tensor. The ``train`` command runs the same
job in its own process through :func:`execute`.

Other files (a validation file, a test file) are shaped *like the training data*
(:func:`shape_like`): the same maxlen, window and padding, the training vocabulary for
tokens (unknown words become ``<unk>``), and the training class list — test labels are
matched to training classes by name, and a label the model never saw is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.budget import default_budget_bytes
from core.dataset import Labels
from core.errors import TrainingError
from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.recipe import Recipe, recipe_for
from core.tensor_data import TensorData
from core.training.config import TrainingConfig

if TYPE_CHECKING:
    from core.shaping.tensorize import ShapedData

PAD_TOKEN_ID = 0
UNKNOWN_TOKEN_ID = 1


@dataclass(frozen=True)
class TrainingJob:
    """Everything needed to train on a file, as JSON-friendly values.

    ``spec=None`` trains the default model for the data. A large 3-D ``.npy`` of inputs is
    memory-mapped by the loader (labels come from ``load_options.labels_file``) and trains
    batch by batch when it does not fit the memory budget (the scale path).
    """

    path: str
    load_options: LoadOptions = field(default_factory=LoadOptions)
    padding: PaddingOptions = field(default_factory=PaddingOptions)
    window: WindowOptions | None = None
    spec: ModelSpec | None = None
    config: TrainingConfig = field(default_factory=TrainingConfig)
    save_path: str | None = None
    test_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "load_options": self.load_options.to_dict(),
            "padding": self.padding.to_dict(),
            "window": self.window.to_dict() if self.window is not None else None,
            "spec": self.spec.to_dict() if self.spec is not None else None,
            "config": self.config.to_dict(),
            "save_path": self.save_path,
            "test_path": self.test_path,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingJob:
        return cls(
            path=str(data["path"]),
            load_options=LoadOptions.from_dict(data.get("load_options") or {}),
            padding=PaddingOptions.from_dict(data.get("padding") or {}),
            window=WindowOptions.from_dict(data["window"]) if data.get("window") else None,
            spec=ModelSpec.from_dict(data["spec"]) if data.get("spec") else None,
            config=TrainingConfig.from_dict(data.get("config") or {}),
            save_path=data.get("save_path"),
            test_path=data.get("test_path"),
        )

    @property
    def budget_bytes(self) -> int:
        return int(self.config.memory_budget) if self.config.memory_budget else default_budget_bytes()

    def recipe(self, shaped: TensorData, spec: ModelSpec | None = None) -> Recipe:
        """The :class:`~core.recipe.Recipe` of this job's model trained on ``shaped`` (saved beside the model)."""
        resolved = spec or self.spec
        if resolved is None:
            from core.model.defaults import default_spec

            resolved = default_spec(shaped)
        return recipe_for(self.path, self.load_options, shaped, resolved, self.config)

    @classmethod
    def from_recipe(cls, recipe: Recipe, **changes: Any) -> TrainingJob:
        """The job that trains the same model again on the recipe's file (``changes`` override fields)."""
        job = cls(
            path=str(recipe.file or ""),
            load_options=recipe.load_options,
            padding=recipe.padding,
            window=recipe.window,
            spec=recipe.spec,
            config=recipe.config,
        )
        return replace(job, **changes) if changes else job


# ---- reading and shaping -------------------------------------------------------------------
def shape_file(path: str | os.PathLike[str], load_options: LoadOptions, padding: PaddingOptions, window: WindowOptions | None, budget_bytes: int) -> TensorData:
    """Load and shape one file exactly as the window does."""
    from core.errors import MemoryBudgetError
    from core.loaders import load
    from core.shaping.tensorize import shape_dataset
    from core.tensor_store import is_store, open_store

    if is_store(path):  # a folder written by `convert`: memory-mapped, streamed batch by batch
        return open_store(path)
    try:
        dataset = load(path, load_options, budget_bytes=budget_bytes)
        return shape_dataset(dataset, padding, window, budget_bytes=budget_bytes)
    except MemoryBudgetError:
        if window is not None:
            raise
        return _shape_on_disk(path, load_options, padding, budget_bytes)


def _shape_on_disk(path: str | os.PathLike[str], load_options: LoadOptions, padding: PaddingOptions, budget_bytes: int) -> TensorData:
    """The tensor does not fit: write it to .npy files in a temporary folder (removed at exit)
    and train from their memory maps."""
    import atexit
    import shutil
    import tempfile

    from core.tensor_store import convert, open_store

    folder = tempfile.mkdtemp(prefix="shape-explorer-tensors-")
    atexit.register(shutil.rmtree, folder, True)
    convert(path, folder, load_options, padding, budget_bytes)
    return open_store(folder)


def prepare(job: TrainingJob, shaped: TensorData | None = None) -> tuple[ModelSpec, TensorData, TensorData | None]:
    """``(spec, shaped, validation)`` for ``job``: the file read and shaped, the spec resolved.

    ``validation`` is the config's validation file shaped like the training data, or None.
    Pass ``shaped`` when the caller already shaped the job's file (it is not read again).
    """
    from core.model.defaults import default_spec

    budget = job.budget_bytes
    if shaped is None:
        shaped = shape_file(job.path, job.load_options, job.padding, job.window, budget)
    spec = job.spec if job.spec is not None else default_spec(shaped)
    validation: TensorData | None = None
    if job.config.validation_file:
        validation = shape_like(job.config.validation_file, job.load_options, shaped, budget)
    return spec, shaped, validation


def shape_like(path: str | os.PathLike[str], load_options: LoadOptions, reference: TensorData, budget_bytes: int | None = None) -> ShapedData:
    """Load ``path`` and shape it the way ``reference`` (the training data) was shaped.

    Same maxlen, padding and window; token ids in the training vocabulary; labels mapped to
    the training classes by name. Raises :class:`TrainingError` when the file cannot match
    (other features, a label the model never saw).
    """
    from core.loaders import load
    from core.shaping.tensorize import shape_dataset

    budget = default_budget_bytes() if budget_bytes is None else budget_bytes
    name = Path(path).name
    train_dataset = reference.dataset
    if train_dataset is None:  # a tensor store: its file's reading options and vocabulary are not kept
        raise TrainingError(f"{name} cannot be shaped like the training data, which came as converted arrays without "
                            "the way their file was read: train from the original file, or hold out a validation split instead.")
    options = load_options
    if train_dataset.source.format in ("csv-long", "csv-series") and options.feature_cols is None and train_dataset.kind != "series":
        # Long CSVs name their feature columns; a wide CSV's one feature is a placeholder
        # ('value') for its step columns, which are found again in the other file.
        options = replace(options, feature_cols=tuple(train_dataset.feature_names))
    dataset = load(path, options, budget_bytes=budget)
    if dataset.kind != train_dataset.kind and {dataset.kind, train_dataset.kind} != {"sequences", "series"}:
        raise TrainingError(f"{name} holds {dataset.kind} but the model was trained on {train_dataset.kind}; use a file of the same kind.")
    if dataset.n_features != train_dataset.n_features:
        raise TrainingError(
            f"{name} has {dataset.n_features} feature{'s' if dataset.n_features != 1 else ''} per timestep but the training "
            f"data has {train_dataset.n_features}: use a file with the same columns."
        )
    if train_dataset.kind == "tokens":
        dataset = _in_training_vocabulary(dataset, train_dataset)
    dataset = dataset.with_labels(_in_training_classes(dataset.labels, train_dataset.labels, name))
    padding = reference.padding
    if reference.window is None:
        padding = replace(padding, maxlen=int(reference.x.shape[1]))
    shaped = shape_dataset(dataset, padding, reference.window, budget_bytes=budget)
    return replace(shaped, task=reference.task, n_classes=reference.n_classes) if shaped.task != reference.task or shaped.n_classes != reference.n_classes else shaped


def _in_training_vocabulary(dataset: Any, train_dataset: Any) -> Any:
    """Re-number ``dataset``'s token ids with the training vocabulary (unknown → ``<unk>``)."""
    train_index = {token: i for i, token in enumerate(train_dataset.vocabulary or ())}
    own = dataset.vocabulary or ()
    table = np.fromiter((train_index.get(token, UNKNOWN_TOKEN_ID) for token in own), dtype=np.int64, count=len(own))
    if table.size:
        table[PAD_TOKEN_ID] = PAD_TOKEN_ID
    values = table[dataset.values.astype(np.int64)].astype(dataset.values.dtype) if table.size else dataset.values
    return replace(dataset, values=values, vocabulary=train_dataset.vocabulary)


def _class_name(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _in_training_classes(labels: Labels | None, train_labels: Labels | None, name: str) -> Labels | None:
    """``labels`` expressed with the training label kind and class indices."""
    if train_labels is None:
        return labels
    if labels is None:
        raise TrainingError(f"{name} has no labels, so the model cannot be scored on it: include the same label column as the training file.")
    if train_labels.classes is None:  # regression (or numeric per-step targets)
        if labels.classes is not None:
            try:
                numbers = np.asarray([float(c) for c in labels.classes], dtype=np.float32)
            except ValueError as exc:
                raise TrainingError(f"{name} has text labels but the model predicts numbers: use numeric targets.") from exc
            return Labels(numbers[labels.values.astype(np.int64)], train_labels.kind, None, labels.name)
        return replace(labels, kind=train_labels.kind)
    train_index = {c: i for i, c in enumerate(train_labels.classes)}
    if labels.classes is not None:
        own = tuple(str(c) for c in labels.classes)
        values = labels.values.astype(np.int64)
    else:  # the test file's labels looked numeric; match them to class names as text
        own_values, values = np.unique(labels.values, return_inverse=True)
        own = tuple(_class_name(v) for v in own_values)
    unknown = [c for c in own if c not in train_index]
    if unknown:
        known = ", ".join(repr(c) for c in train_labels.classes[:10])
        raise TrainingError(
            f"{name} has the label {unknown[0]!r}, which the training data never had (it knows {known}): "
            "remove those samples or train on data that includes that class."
        )
    table = np.asarray([train_index[c] for c in own], dtype=np.int64)
    return Labels(table[values], train_labels.kind, train_labels.classes, labels.name)


# ---- carrying a job out --------------------------------------------------------------------
def run_baseline(result: Any, shaped: TensorData, validation: TensorData | None, test: TensorData | None) -> dict[str, Any] | None:
    """The do-nothing baseline (:mod:`core.training.baseline`) on the run's validation and test samples."""
    from core.training.baseline import run_baseline as baseline_of_run

    return baseline_of_run(shaped, result.fit_data, validation, test)


def execute(job: TrainingJob, reporter: Any, shaped: TensorData | None = None) -> dict[str, Any]:
    """Prepare, train, score and save as the job says; returns the JSON-ready ``end`` payload.

    Raises :class:`core.errors.ShapeExplorerError` subclasses (plain sentences) on bad input.
    """
    from core.model_io import check_save_target, save_model_atomic
    from core.recipe import save_recipe
    from core.training import runner

    if job.save_path:
        check_save_target(job.save_path)  # before the first epoch, not after the last
    spec, shaped, validation = prepare(job, shaped)
    test = shape_like(job.test_path, job.load_options, shaped, job.budget_bytes) if job.test_path else None
    result = runner.run(spec, shaped, job.config, reporter, validation=validation, budget_bytes=job.budget_bytes)
    payload = result.summary()
    payload["spec"] = spec.to_dict()
    payload.update(runner.validation_report(result, spec, shaped))
    if test is not None:
        payload["test"] = runner.evaluate(result, test)
        result.test_metrics = payload["test"]
    payload["baseline"] = run_baseline(result, shaped, validation, test)
    if job.save_path:
        from core.training.distribute import is_chief

        recipe = job.recipe(shaped, spec)  # settings left to the data stay "auto", as the exported script's recipe
        if is_chief():
            saved = save_model_atomic(result.model, job.save_path)
            payload["saved_model"] = str(saved)
            payload["saved_recipe"] = str(save_recipe(recipe, saved))
        else:  # every worker saves (as TensorFlow asks), but only the chief's copy is kept
            import shutil
            import tempfile

            scratch = tempfile.mkdtemp(prefix="shape-explorer-worker-")
            try:
                save_model_atomic(result.model, Path(scratch) / Path(job.save_path).name)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            payload["saved_model"] = None
    return payload
