"""The headless command line: ``inspect``, ``train`` and ``code`` on a file, no window.

``shape-explorer inspect FILE`` prints the shape report (``--json``: one JSON object).
``train`` and ``code`` live in :mod:`core.training.commands`, imported only when chosen, so
``inspect`` never pays for TensorFlow. Bad input → one sentence on stderr, exit code 2;
a bug → an "internal error" sentence, exit code 1 (the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.errors import LoadError, ShapeExplorerError
from core.options import FORMATS, LoadOptions, PaddingOptions, WindowOptions

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2, "mib": 1024**2,
               "g": 1024**3, "gb": 1000**3, "gib": 1024**3, "t": 1024**4, "tb": 1000**4, "tib": 1024**4}


def parse_size(text: str) -> int:
    """``"512MiB"``, ``"2G"``, ``"1.5GB"`` or plain bytes → bytes (argparse type)."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in _SIZE_UNITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; write e.g. 2GB, 512MiB or a number of bytes")
    value = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])
    if value <= 0:
        raise argparse.ArgumentTypeError("the memory budget must be more than 0 bytes")
    return value


def _column_list(text: str) -> tuple[str, ...]:
    cols = tuple(c.strip() for c in text.split(",") if c.strip())
    if not cols:
        raise argparse.ArgumentTypeError("give at least one column name, separated by commas")
    return cols


def number(kind: type, allowed: Callable[[Any], bool], wanted: str) -> Callable[[str], Any]:
    """An argparse type: ``kind(text)`` if ``allowed`` accepts it, else a sentence saying what is ``wanted``."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if not allowed(value):
            raise argparse.ArgumentTypeError(f"must be {wanted}, not {text}")
        return value

    return parse


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``minimum`` (0 or 1 here)."""
    return number(int, lambda value: value >= minimum, f"at least {minimum}" if minimum else "0 or more")


# A pad value: NaN never equals itself (so it can never be masked) and inf is not a value.
_finite_float = number(float, math.isfinite, "a finite number (NaN and infinity cannot be masked)")


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad option as one sentence instead of a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        match = re.match(r"argument ([^:]+): (.*)", message, flags=re.DOTALL)
        if match:
            option = match.group(1).split("/")[-1]
            message = f"option {option}: {match.group(2)}"
        message = " ".join(message.split()).rstrip(".")
        self.exit(2, f"{self.prog}: {message}. Run '{self.prog} --help' to see the options.\n")


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|"}
    value = named.get(text.lower(), text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a single character (use 'tab' for a tab)")
    return value


def add_layout_options(parser: argparse.ArgumentParser) -> None:
    """The options every sub-command shares: how to read the file and how to shape it."""
    read = parser.add_argument_group("reading the file")
    read.add_argument("--format", choices=FORMATS, help="file format (detected when omitted)")
    read.add_argument("--layout", choices=("long", "wide", "series"), help="CSV layout (detected when omitted)")
    read.add_argument("--id-col", help="long layout: the sequence-id column")
    read.add_argument("--time-col", help="long layout: the column giving the order of steps")
    read.add_argument("--label-col", help="the label/target column (CSV) or field (JSON)")
    read.add_argument("--feature-cols", type=_column_list, metavar="A,B,...", help="feature columns to use")
    read.add_argument("--delimiter", type=_delimiter, help="CSV delimiter (e.g. ';' or 'tab')")
    read.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                      help="the CSV's first line is (or with --no-header, is not) a header")
    read.add_argument("--labels", dest="labels_file", metavar="FILE",
                      help="a .npy of labels for a .npy of inputs (large inputs stay on disk, memory-mapped)")
    read.add_argument("--channels-first", action="store_true", default=None,
                      help="arrays are stored (samples, features, timesteps): transpose on load")
    shape = parser.add_argument_group("shaping")
    shape.add_argument("--maxlen", type=whole_number(1), help="timesteps after padding/truncation (default: longest)")
    shape.add_argument("--padding", choices=("pre", "post"), default="post", help="where padding goes (default post)")
    shape.add_argument("--truncating", choices=("pre", "post"), default="post",
                       help="which end long sequences lose (default post)")
    shape.add_argument("--pad-value", type=_finite_float, default=0.0, help="the pad value (default 0)")
    shape.add_argument("--window", type=whole_number(1), help="single series: window length in steps")
    shape.add_argument("--stride", type=whole_number(1), help="single series: steps between window starts")
    shape.add_argument("--horizon", type=whole_number(0),
                       help="single series: predict the row this many steps after the window (0: no target)")
    shape.add_argument("--target-cols", type=_column_list, metavar="A,B,...", help="single series: target columns")
    parser.add_argument("--memory-budget", type=parse_size, metavar="SIZE",
                        help="largest tensor to allocate, e.g. 2GB (default: a quarter of RAM)")


def options_from_args(args: argparse.Namespace) -> tuple[LoadOptions, PaddingOptions, WindowOptions | None]:
    """The option records the shared layout options describe (see :func:`add_layout_options`)."""
    load = LoadOptions(
        format=getattr(args, "format", None),
        layout=getattr(args, "layout", None),
        delimiter=getattr(args, "delimiter", None),
        header=getattr(args, "header", None),
        id_col=getattr(args, "id_col", None),
        time_col=getattr(args, "time_col", None),
        label_col=getattr(args, "label_col", None),
        feature_cols=getattr(args, "feature_cols", None),
        channels_first=getattr(args, "channels_first", None),
        labels_file=getattr(args, "labels_file", None),
    )
    padding = PaddingOptions(
        maxlen=getattr(args, "maxlen", None),
        padding=getattr(args, "padding", "post") or "post",
        truncating=getattr(args, "truncating", "post") or "post",
        value=float(getattr(args, "pad_value", 0.0) or 0.0),
    )
    window = None
    given = {name: getattr(args, name, None) for name in ("window", "stride", "horizon", "target_cols")}
    if any(v is not None for v in given.values()):
        defaults = WindowOptions()
        window = WindowOptions(
            window=given["window"] if given["window"] is not None else defaults.window,
            stride=given["stride"] if given["stride"] is not None else defaults.stride,
            horizon=given["horizon"] if given["horizon"] is not None else defaults.horizon,
            target_cols=given["target_cols"],
        )
    return load, padding, window


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="shape-explorer",
        description="From your sequence file to a correct (samples, timesteps, features) tensor.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    inspect = commands.add_parser("inspect", help="print the shape report of FILE")
    inspect.add_argument("file", metavar="FILE")
    add_layout_options(inspect)
    inspect.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    inspect.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    train = commands.add_parser("train", help="train the default LSTM on FILE")
    code = commands.add_parser("code", help="print a runnable Keras script for FILE")
    for sub, adder in ((train, "add_train_arguments"), (code, "add_code_arguments")):
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        sub.set_defaults(_lazy_adder=adder)
    return parser


def _training_commands():
    """core.training.commands, imported only for train/code (it pulls in Keras later)."""
    try:
        import core.training.commands as commands
    except ImportError:
        return None
    return commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in ("train", "code"):
        commands = _training_commands()
        if commands is None:
            print(f"The '{command}' command is not available in this installation of Shape Explorer.", file=sys.stderr)
            return EXIT_BAD_INPUT
        sub = parser._subparsers._group_actions[0].choices[command]  # noqa: SLF001 - argparse has no public getter
        getattr(commands, "add_train_arguments" if command == "train" else "add_code_arguments")(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return EXIT_OK if exc.code in (0, None) else EXIT_BAD_INPUT
    debug = bool(getattr(args, "debug", False))
    target = getattr(args, "file", None) or getattr(args, "path", None) or "the input"
    try:
        if args.command == "inspect":
            return run_inspect(args)
        commands = _training_commands()
        return int(commands.run_train(args) if args.command == "train" else commands.run_code(args))
    except ShapeExplorerError as exc:
        print(_one_sentence(exc, target), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`shape-explorer inspect F | head`): that is not an error. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # noqa: BLE001 - the one place that turns bugs into a sentence
        if debug:
            traceback.print_exc()
        print(
            f"Shape Explorer hit an internal error while reading {target}; run again with --debug for details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _one_sentence(error: ShapeExplorerError, target: str) -> str:
    """The error on one line, starting with the file's name when the message does not name it
    (shaping and memory errors are about options, but the user still needs to know which file)."""
    message = " ".join(str(error).split())
    if not isinstance(error, LoadError) and target != "the input":
        name = Path(target).name
        if name and name not in message:
            message = f"{name}: {message}"
    return message


def run_inspect(args: argparse.Namespace) -> int:
    """``inspect FILE``: load, plan the shape (no big allocation) and print the report."""
    from core.loaders import load
    from core.report import build_report

    load_options, padding, window = options_from_args(args)
    dataset = load(args.file, load_options, budget_bytes=getattr(args, "memory_budget", None))
    report = build_report(dataset, padding, window)
    plan = report.plan
    if plan.kind != "series":  # windows are views of the series; padded data is allocated whole
        from core.budget import check_budget

        check_budget(
            f"Padding to {plan.n_samples} samples × {plan.timesteps} timesteps ({plan.memory_bytes:,} bytes with the mask)",
            plan.memory_bytes,
            getattr(args, "memory_budget", None),
        )
    if args.json:
        print(json.dumps(report.to_dict(), allow_nan=False, ensure_ascii=False))
    else:
        print(report.to_text())
    return EXIT_OK
