"""The learning task the labels mean: two classes, several classes, or numbers to predict.

Every reader encodes labels its own way first (whole numbers with at most ``MAX_CLASSES``
values become classes, other numbers regression targets); :func:`apply_task` then applies the
user's ``task`` override to any format's :class:`Labels`, or, when there is none and the guess
was a close call (many whole numbers), reports it as a :class:`Guess` with the option that
overrides it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from core.dataset import Guess, LabelKind, Labels
from core.errors import LoadError
from core.loaders.table_build import MAX_CLASSES
from core.options import TASKS


def apply_task(labels: Labels | None, task: str | None, path: Path) -> tuple[Labels | None, Guess | None]:
    """``labels`` read as ``task`` (or unchanged when ``task`` is None), and the guess to report."""
    if labels is None:
        if task is not None:
            raise LoadError(path, f"has no labels, so the task '{task}' does not apply",
                            hint="Choose the label column, or leave the task to be detected")
        return None, None
    if task is None:
        return labels, _close_call(labels)
    if task not in TASKS:
        raise LoadError(path, f"unknown task '{task}'", hint=f"Use one of {', '.join(TASKS)}")
    per_step = labels.kind == "sequence"
    if task == "regression":
        return _as_numbers(labels, path, per_step), None
    classes = _as_classes(labels, path, per_step)
    count = len(classes.classes or ())
    if task == "binary" and count > 2:
        raise LoadError(path, f"the labels{_named(labels)} have {count} different values, so they are not two classes",
                        hint="Choose the multiclass or regression task")
    kind: LabelKind = "sequence" if per_step else ("binary" if task == "binary" else "multiclass")  # task is one of the two here
    return replace(classes, kind=kind), None


def _named(labels: Labels) -> str:
    return f" in '{labels.name}'" if labels.name else ""


def _as_numbers(labels: Labels, path: Path, per_step: bool) -> Labels:
    if labels.classes is None:
        return labels
    try:
        numbers = np.array([float(name) for name in labels.classes], dtype=np.float64)
    except ValueError:
        bad = next(name for name in labels.classes if not _is_float(name))
        raise LoadError(path, f"the label '{bad}'{_named(labels)} is not a number, so the labels cannot be a "
                        "regression target", hint="Choose the binary or multiclass task") from None
    values = numbers[labels.values.astype(np.int64)].astype(np.float32)
    return Labels(values, "sequence" if per_step else "regression", None, labels.name)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _as_classes(labels: Labels, path: Path, per_step: bool) -> Labels:
    if labels.classes is not None:
        return labels
    values = np.asarray(labels.values, dtype=np.float64)
    if values.ndim != 1:
        raise LoadError(path, f"the labels have {values.shape[1]} values per sample, so they cannot be classes",
                        hint="Choose the regression task")
    uniques, codes = np.unique(values, return_inverse=True)
    integral = bool(np.all(uniques == np.round(uniques)))
    names = tuple(str(int(u)) if integral else repr(float(u)) for u in uniques)
    kind: LabelKind = "sequence" if per_step else ("binary" if len(names) <= 2 else "multiclass")
    return Labels(codes.astype(np.int64), kind, names, labels.name)


def _close_call(labels: Labels) -> Guess | None:
    """Whole-number labels with more than MAX_CLASSES values were read as regression: say so."""
    if labels.kind != "regression" or labels.classes is not None:
        return None
    values = np.asarray(labels.values, dtype=np.float64)
    if values.ndim != 1 or not values.size or not np.all(values == np.round(values)):
        return None
    distinct = np.unique(values).size
    if distinct <= MAX_CLASSES:
        return None
    return Guess("task", "regression", f"the labels{_named(labels)} are {distinct:,} different whole numbers (more than "
                 f"{MAX_CLASSES}), so they are read as numbers to predict, not classes", "task")
