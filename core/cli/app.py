"""The ``shape-explorer`` sub-command parser and dispatcher: one sentence per failure, never a traceback."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from core.cli import (
    check_command,
    code_command,
    convert_command,
    explain_command,
    inspect_command,
    predict_command,
    train_command,
)
from core.cli.arguments import OneLineParser
from core.errors import LoadError, ShapeExplorerError
from core.wording import printable

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

# Every sub-command, in the order ``--help`` lists them.
COMMANDS: tuple[ModuleType, ...] = (inspect_command, train_command, code_command, predict_command, check_command,
                                      explain_command, convert_command)
COMMAND_NAMES: tuple[str, ...] = tuple(command.NAME for command in COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="shape-explorer",
        description="From your sequence file to a correct (samples, timesteps, features) tensor.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = subparsers.add_parser(command.NAME, help=command.HELP)
        command.add_arguments(sub)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a label or file name that cannot be encoded is escaped, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return EXIT_OK if exc.code in (0, None) else EXIT_BAD_INPUT
    debug = bool(getattr(args, "debug", False))
    target = getattr(args, "file", None) or getattr(args, "path", None) or "the input"
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, inside the handlers below
        return code
    except ShapeExplorerError as exc:
        print(one_sentence(exc, str(target)), file=sys.stderr)
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
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS or getattr(exc, "filename", None) is not None:
            return _internal_error(debug, target)
        # Writing the output failed (a full disk, /dev/full, a lost terminal): say so, and point
        # stdout at /dev/null so the interpreter's final flush does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        name = Path(str(target)).name
        print(printable(f"{name}: the output could not be written ({exc.strerror or exc}). "
                        "Free some disk space or write it somewhere else."), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:  # noqa: BLE001 - the one place that turns bugs into a sentence
        return _internal_error(debug, target)


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _internal_error(debug: bool, target: object) -> int:
    if debug:
        traceback.print_exc()
    print(
        printable(f"Shape Explorer hit an internal error while reading {target}; run again with --debug for details."),
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def one_sentence(error: ShapeExplorerError, target: str) -> str:
    """The error on one line, starting with the file's name when the message does not name it
    (shaping and memory errors are about options, but the user still needs to know which file)."""
    message = printable(" ".join(str(error).split()))
    if not isinstance(error, LoadError) and target != "the input":
        name = Path(target).name
        if name and name not in message:
            message = f"{name}: {message}"
    return message
