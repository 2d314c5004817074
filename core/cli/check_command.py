"""``shape-explorer check DATA --model MODEL``: does the user's own model fit this data, and the fix when not."""

from __future__ import annotations

import argparse
import json

from core.cli.arguments import add_layout_options, options_from_args

NAME = "check"
HELP = "check your own Keras model (.keras, .h5, .json or .py) against DATA"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="DATA", help="the data file")
    parser.add_argument("--model", required=True, metavar="MODEL",
                        help="the model: .keras, .h5, .json (model.to_json()) or .py code; read, never run")
    add_layout_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args: argparse.Namespace) -> int:
    """Read the model (no TensorFlow), load the data, compare; exit 0 whether or not it fits (see ``fits``)."""
    from core.loaders import load
    from core.usermodel import check_model, read_model
    from core.usermodel.text import check_text

    model = read_model(args.model)
    load_options, padding, window = options_from_args(args)
    dataset = load(args.file, load_options, budget_bytes=getattr(args, "memory_budget", None))
    result = check_model(model, dataset, padding, window)
    print(json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False) if args.json else check_text(result))
    return 0
