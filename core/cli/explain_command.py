"""``shape-explorer explain [DATA] --error TEXT``: a pasted shape error explained, for DATA when given."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.arguments import add_layout_options, options_from_args
from core.errors import LoadError

NAME = "explain"
HELP = "explain a shape error from Keras or PyTorch, for DATA when given"
MAX_ERROR_BYTES = 4 * 1024**2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="DATA", help="the data file the error was raised on (optional)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--error", metavar="TEXT", help="the error text")
    source.add_argument("--error-file", metavar="FILE", help="a file holding the error text ('-' reads standard input)")
    add_layout_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _error_text(args: argparse.Namespace) -> str:
    if args.error is not None:
        return args.error
    if args.error_file == "-":
        return sys.stdin.read(MAX_ERROR_BYTES)
    path = Path(args.error_file)
    if not path.is_file():
        raise LoadError(path, "does not exist or is not a file", hint="Give the file you saved the error text in, or --error TEXT")
    with path.open("rb") as handle:
        return handle.read(MAX_ERROR_BYTES).decode("utf-8", "replace")


def run(args: argparse.Namespace) -> int:
    from core.usermodel import data_facts, explain_error
    from core.usermodel.text import explain_text

    text = _error_text(args)
    facts = None
    if args.file:
        from core.loaders import load

        load_options, padding, window = options_from_args(args)
        dataset = load(args.file, load_options, budget_bytes=getattr(args, "memory_budget", None))
        facts = data_facts(dataset, padding, window)
    result = explain_error(text, facts)
    print(json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False) if args.json else explain_text(result))
    return 0
