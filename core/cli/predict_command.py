"""``shape-explorer predict MODEL FILE``: a saved model's predictions on a raw file.

The file is read and shaped from the recipe saved beside the model (``MODEL.recipe.json``,
written by ``train --save``, the window's *Export ▸ trained model* and the exported script);
layout options given here override the recipe's. One line per sample (a class name, or
numbers in the targets' units; for one long series one line per window, with the row it
forecasts), or with ``--json`` one object with ``predictions`` (a list) and ``classes``.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.arguments import add_layout_options, options_from_args
from core.wording import json_safe

NAME = "predict"
HELP = "predict with a saved .keras model on a raw FILE shaped like its training data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="a .keras model saved by Shape Explorer (its recipe beside it)")
    parser.add_argument("file", metavar="FILE", help="a raw file laid out like the training file")
    add_layout_options(parser)
    # Only what is given overrides the recipe: no defaults for the shaping options.
    parser.set_defaults(padding=None, truncating=None, pad_value=None)
    parser.add_argument("--json", action="store_true", help="one JSON object with 'predictions' and 'classes'")


def _overrides(args: argparse.Namespace):
    load, _, window = options_from_args(args)
    padding = None
    given = {name: getattr(args, name, None) for name in ("maxlen", "padding", "truncating", "pad_value")}
    if any(v is not None for v in given.values()):
        padding = {k: v for k, v in given.items() if v is not None}
    return load, padding, window


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from core.model_io import ModelFileError, check_model_file
    from core.predict import predict_file
    from core.recipe import RecipeError, load_recipe

    try:  # about the model, not FILE: said without FILE's name in front
        check_model_file(args.model)
        recipe = load_recipe(args.model)
    except (ModelFileError, RecipeError) as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 2
    load, padding_changes, window = _overrides(args)
    padding = None
    if padding_changes:
        renamed = {("value" if k == "pad_value" else k): v for k, v in padding_changes.items()}
        padding = replace(recipe.padding, **renamed)
    result = predict_file(args.model, args.file, load_options=load, padding=padding, window=window,
                          budget_bytes=getattr(args, "memory_budget", None))
    if args.json:
        print(json.dumps(json_safe(result.to_dict()), allow_nan=False, ensure_ascii=False))
        return 0
    for index, prediction in enumerate(result.predictions):
        label = f"row {result.rows[index]}" if result.rows is not None else f"sample {index + 1}"
        print(f"{label}\t{_text(prediction)}")
    for note in result.notes:
        print(note)
    if result.accuracy is not None:
        print(f"Accuracy against the file's own labels: {result.accuracy:.4f}")
    return 0


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return str(value)
