"""Predictions of a saved model on a raw file, shaped from the model's recipe.

:func:`predict_file` is what ``shape-explorer predict`` and the window's *File ▸ Predict on a
file…* run: it reads the recipe beside the model (:mod:`core.recipe`), reads the new file with
the recipe's read options (any given here override them), shapes it exactly as training did
(the same maxlen and padding, the same windows, the training vocabulary for text), loads the
model with ``safe_mode=True`` and predicts. The model standardises its own input and rescales
its own output, so what goes in is the raw tensor and what comes out is in the targets' units.

* classification: one class name per sample (and the probabilities);
* regression: one number (or one list, for several targets) per sample;
* one long series: one forecast per window, including the windows after the last row with a
  known target (``rows`` gives the row each forecast is for, counting data rows from 0);
* per-step outputs: one prediction per real step of each sample.

Errors are :class:`~core.errors.ShapeExplorerError` sentences: no recipe, a file of another
kind, other features or timesteps than the model takes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.budget import default_budget_bytes
from core.errors import LoadError, ShapeExplorerError
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.recipe import Recipe, load_recipe
from core.tensor_data import TensorData

PAD_TOKEN_ID = 0
UNKNOWN_TOKEN_ID = 1


class PredictError(ShapeExplorerError):
    """A file the model cannot predict on (other features, other length, other kind)."""


@dataclass(frozen=True)
class Predictions:
    """One prediction per sample (or window), JSON-ready through :meth:`to_dict`.

    ``predictions[i]`` is a class name (classification), a number or a list of numbers
    (regression), or a list per real step (per-step output). ``probabilities`` holds each
    class's probability per sample (classification only). ``truth`` is the file's own labels in
    the same form, when it has them; ``rows`` is, for windows, the data row each forecast is for.
    """

    model: str
    file: str
    task: str | None
    predictions: list[Any]
    classes: tuple[str, ...] | None = None
    probabilities: list[list[float]] | None = None
    truth: list[Any] | None = None
    rows: list[int] | None = None
    targets: tuple[str, ...] | None = None
    shape: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def accuracy(self) -> float | None:
        """Share of samples predicted right, when the file has class labels."""
        if self.classes is None or not self.truth or self.task == "sequence":
            return None
        pairs = [(p, t) for p, t in zip(self.predictions, self.truth) if t is not None]
        return sum(p == t for p, t in pairs) / len(pairs) if pairs else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Predictions:
        """The inverse of :meth:`to_dict` (what ``predict --json`` printed)."""
        def texts(key: str) -> tuple[str, ...] | None:
            value = data.get(key)
            return None if value is None else tuple(str(v) for v in value)

        return cls(
            model=str(data.get("model", "")),
            file=str(data.get("file", "")),
            task=data.get("task"),
            predictions=list(data.get("predictions") or []),
            classes=texts("classes"),
            probabilities=data.get("probabilities"),
            truth=data.get("truth"),
            rows=data.get("rows"),
            targets=texts("targets"),
            shape=tuple(int(v) for v in data.get("shape") or ()),
            notes=texts("notes") or (),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "file": self.file,
            "task": self.task,
            "shape": list(self.shape),
            "predictions": self.predictions,
        }
        if self.classes is not None:
            out["classes"] = list(self.classes)
        if self.probabilities is not None:
            out["probabilities"] = self.probabilities
        if self.targets is not None:
            out["targets"] = list(self.targets)
        if self.rows is not None:
            out["rows"] = self.rows
        if self.truth is not None:
            out["truth"] = self.truth
            if self.accuracy is not None:
                out["accuracy"] = self.accuracy
        if self.notes:
            out["notes"] = list(self.notes)
        return out


# ---- shaping a new file like the training file ---------------------------------------------
def prediction_options(recipe: Recipe, path: str | os.PathLike[str], overrides: LoadOptions | None = None) -> LoadOptions:
    """The read options for ``path``: the recipe's, with every field ``overrides`` sets taken from it.

    A labels file belongs to the training data, so it is dropped unless given again. A file
    whose extension says another format than the training file's is read with detection (a
    model trained on GunPoint's TSV can predict on its ``.ts``); the shape checks then follow.
    """
    from core.loaders.dispatch import detect_format

    options = replace(recipe.load_options, labels_file=None)
    given = {k: v for k, v in (overrides.to_dict() if overrides is not None else {}).items() if v is not None and k not in ("lowercase",)}
    if "format" not in given and recipe.load_options.format and detect_format(path) != recipe.load_options.format:
        # Only what does not depend on the file's own format carries over.
        options = LoadOptions(lowercase=recipe.load_options.lowercase, max_vocab=recipe.load_options.max_vocab)
    if overrides is not None:
        given = {k: (tuple(v) if isinstance(v, list) else v) for k, v in given.items()}
        options = replace(options, **given)
    return options


def shape_for_prediction(
    recipe: Recipe,
    path: str | os.PathLike[str],
    *,
    load_options: LoadOptions | None = None,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
    budget_bytes: int | None = None,
) -> Any:
    """``path`` read and shaped as the recipe says (``load_options``/``padding``/``window`` override it)."""
    from core.loaders import load
    from core.shaping.tensorize import shape_dataset

    budget = default_budget_bytes() if budget_bytes is None else int(budget_bytes)
    name = Path(path).name
    options = prediction_options(recipe, path, load_options)
    try:
        dataset = load(path, options, budget_bytes=budget)
    except LoadError as original:
        unlabelled = _without_labels(options, load_options)
        if unlabelled is None:
            raise
        try:  # a file to predict on often has no label column at all
            dataset = load(path, unlabelled, budget_bytes=budget)
        except LoadError:
            raise original from None
    trained = recipe.kind
    if dataset.kind != trained and {dataset.kind, trained} != {"sequences", "series"}:
        raise PredictError(f"{name} holds {_kind_words(dataset.kind)} but the model was trained on {_kind_words(trained)}; use a file of the same kind.")
    if trained == "tokens":
        dataset = _in_vocabulary(dataset, recipe.vocabulary or ())
    elif dataset.n_features != recipe.n_features:
        raise PredictError(
            f"{name} has {dataset.n_features} feature{'s' if dataset.n_features != 1 else ''} per timestep but the model takes "
            f"{recipe.n_features}: use a file with the same columns as {Path(recipe.file).name if recipe.file else 'the training file'}."
        )
    if recipe.window is not None or trained == "series":
        base = window or recipe.window
        if base is None:
            raise PredictError(f"The recipe of this model has no window settings, so {name} cannot be cut into windows.")
        # horizon 0: every window, also those whose target lies beyond the file's last row
        dataset = dataset.with_labels(None) if dataset.labels is not None else dataset
        shaped = shape_dataset(dataset, None, replace(base, horizon=0), budget_bytes=budget)
    else:
        effective = padding or recipe.padding
        if recipe.timesteps and effective.maxlen is None:
            effective = replace(effective, maxlen=int(recipe.timesteps))
        shaped = shape_dataset(dataset, effective, None, budget_bytes=budget)
    timesteps = int(shaped.x.shape[1])
    fixed = recipe.spec.input.timesteps
    if fixed is not None and timesteps != int(fixed):
        raise PredictError(
            f"{name} shapes to {timesteps} timesteps but the model takes {fixed}: keep the training maxlen"
            f"{' and window' if recipe.window is not None else ''} ({fixed})."
        )
    return shaped


def _without_labels(options: LoadOptions, given: LoadOptions | None) -> LoadOptions | None:
    """The CSV read options for the same layout without the training label column (None: no such retry).

    With a header the feature columns are kept by name; without one the columns are numbered
    from 0, so without the label column they are found again by detection.
    """
    if options.format != "csv" or not options.label_col or (given is not None and given.label_col):
        return None
    if options.header is False:
        return replace(options, label_col=None, feature_cols=None)
    return replace(options, label_col=None)


def _kind_words(kind: str) -> str:
    return {"tokens": "text (token ids)", "series": "one long series", "sequences": "sequences"}.get(kind, kind)


def _in_vocabulary(dataset: Any, vocabulary: tuple[str, ...]) -> Any:
    """Re-number token ids with the model's vocabulary (unknown words → ``<unk>``)."""
    index = {token: i for i, token in enumerate(vocabulary)}
    own = dataset.vocabulary or ()
    table = np.fromiter((index.get(token, UNKNOWN_TOKEN_ID) for token in own), dtype=np.int64, count=len(own))
    if table.size:
        table[PAD_TOKEN_ID] = PAD_TOKEN_ID
        values = table[dataset.values.astype(np.int64)].astype(dataset.values.dtype)
    else:
        values = dataset.values
    return replace(dataset, values=values, vocabulary=tuple(vocabulary))


# ---- predicting ----------------------------------------------------------------------------
def model_input(shaped: TensorData) -> np.ndarray:
    """The raw tensor the saved model takes: float32 values, or int32 token ids."""
    x = np.asarray(shaped.x)
    tokens = shaped.kind == "tokens"
    return np.asarray(x, dtype=np.int32 if tokens else np.float32)


def predict_file(
    model_path: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    load_options: LoadOptions | None = None,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
    budget_bytes: int | None = None,
    batch_size: int = 256,
) -> Predictions:
    """Predict with the ``.keras`` model at ``model_path`` on the raw file ``path`` (see the module)."""
    from core.model_io import check_model_file, load_model_safe

    check_model_file(model_path)
    recipe = load_recipe(model_path)
    shaped = shape_for_prediction(recipe, path, load_options=load_options, padding=padding, window=window, budget_bytes=budget_bytes)
    model = load_model_safe(model_path)
    x = model_input(shaped)
    expected = tuple(model.input_shape[1:])
    got = tuple(int(s) for s in x.shape[1:])
    if len(expected) != len(got) or any(e is not None and int(e) != g for e, g in zip(expected, got)):
        raise PredictError(
            f"{Path(path).name} shapes to input_shape={got} but {Path(model_path).name} takes input_shape="
            f"{tuple(expected)}: use a file laid out like the training file."
        )
    outputs = np.asarray(model.predict(x, batch_size=batch_size, verbose=0)) if len(x) else np.zeros((0,) + tuple(int(d or 0) for d in model.output_shape[1:]))
    return describe(recipe, shaped, outputs, model=str(model_path), file=str(path))


def describe(recipe: Recipe, shaped: TensorData, outputs: np.ndarray, *, model: str = "", file: str = "") -> Predictions:
    """Turn the model's raw outputs on ``shaped`` into :class:`Predictions` in the recipe's words."""
    task = recipe.task
    classes = recipe.class_names
    n = int(outputs.shape[0])
    truth = _truth(recipe, shaped)
    probabilities = None
    if task == "sequence":
        lengths = np.minimum(np.asarray(shaped.lengths, dtype=np.int64), outputs.shape[1])
        padding = recipe.padding.padding
        predictions: list[Any] = []  # as Predictions.predictions: names, numbers or lists of them
        for i in range(n):
            steps = outputs[i, : lengths[i]] if padding == "post" else outputs[i, outputs.shape[1] - lengths[i] :]
            if classes:
                predictions.append([classes[int(k)] for k in np.argmax(steps, axis=-1)])
            else:
                predictions.append([_numbers(v) for v in steps])
    elif task in ("binary", "multiclass") and classes:
        if task == "binary":
            p1 = outputs.reshape(n, -1)[:, 0].astype(np.float64)
            index = (p1 >= 0.5).astype(np.int64)
            probabilities = np.stack([1.0 - p1, p1], axis=1)
        else:
            probabilities = outputs.reshape(n, -1).astype(np.float64)
            index = np.argmax(probabilities, axis=1)
        predictions = [classes[int(k)] for k in index]
    else:
        flat = outputs.reshape(n, -1).astype(np.float64)
        predictions = [float(row[0]) if flat.shape[1] == 1 else [float(v) for v in row] for row in flat]
    rows = None
    w = shaped.window
    if w is not None:
        horizon = recipe.window.horizon if recipe.window is not None else 1
        rows = [int(i * w.stride + w.window + horizon - 1) for i in range(n)]
    notes = []
    unknown = _unknown_share(recipe, shaped)
    if unknown:
        notes.append(f"{unknown:.0%} of the words are not in the model's vocabulary and were read as <unk>.")
    return Predictions(
        model=model,
        file=file,
        task=task,
        predictions=predictions,
        classes=classes if (classes and task != "regression") else None,
        probabilities=None if probabilities is None else [[float(v) for v in row] for row in probabilities],
        truth=truth,
        rows=rows,
        targets=recipe.target_names if task in ("regression",) or (task == "sequence" and not classes) else None,
        shape=tuple(int(s) for s in np.asarray(shaped.x).shape),
        notes=tuple(notes),
    )


def _numbers(row: np.ndarray) -> Any:
    row = np.asarray(row, dtype=np.float64).reshape(-1)
    return float(row[0]) if row.size == 1 else [float(v) for v in row]


def _truth(recipe: Recipe, shaped: TensorData) -> list[Any] | None:
    """The file's own labels in the predictions' form (class names or numbers), when it has some."""
    labels = shaped.labels
    if labels is None or shaped.window is not None or recipe.task == "sequence":
        return None
    if labels.classes is not None:
        names = [str(labels.classes[int(i)]) for i in np.asarray(labels.values).reshape(-1)]
        if recipe.class_names is None:
            try:
                return [float(v) for v in names]
            except ValueError:
                return None
        return names
    values = np.asarray(labels.values, dtype=np.float64)
    if recipe.class_names is not None:  # numeric labels of a classifier: its classes are their text
        return [str(int(v)) if float(v).is_integer() else str(float(v)) for v in values.reshape(-1)]
    flat = values.reshape(len(values), -1)
    return [float(r[0]) if flat.shape[1] == 1 else [float(v) for v in r] for r in flat]


def _unknown_share(recipe: Recipe, shaped: TensorData) -> float:
    if recipe.kind != "tokens":
        return 0.0
    x = np.asarray(shaped.x)
    real = x != PAD_TOKEN_ID
    total = int(real.sum())
    return float((x == UNKNOWN_TOKEN_ID).sum()) / total if total else 0.0


# ---- in a separate process ------------------------------------------------------------------
def predict_in_subprocess(
    model_path: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    cancelled: Any = None,
    timeout_s: float = 900.0,
) -> Predictions | None:
    """:func:`predict_file` in a fresh ``shape-explorer predict --json`` process.

    For callers that must not load TensorFlow themselves (the window). ``cancelled()`` is polled
    a few times a second; when it returns True the process is ended and None is returned. A bad
    model or file raises :class:`PredictError` with the command's own one-sentence message.
    """
    import json
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "core", "predict", str(model_path), str(path), "--json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    started = time.monotonic()
    try:
        while True:
            try:
                out, err = process.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if (cancelled is not None and cancelled()) or time.monotonic() - started > timeout_s:
                    process.kill()
                    process.communicate()
                    if cancelled is not None and cancelled():
                        return None
                    raise PredictError(f"Predicting on {Path(path).name} took longer than {timeout_s:.0f} s and was stopped.") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        lines = [line for line in err.strip().splitlines() if line.strip()]
        raise PredictError(lines[-1] if lines else f"Predicting on {Path(path).name} failed (exit code {process.returncode}).")
    try:
        return Predictions.from_dict(json.loads(out))
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise PredictError(f"Predicting on {Path(path).name} gave no readable answer ({exc}).") from exc
