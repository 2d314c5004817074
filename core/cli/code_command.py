"""``shape-explorer code FILE``: the runnable Keras script of the run ``train`` would do."""

from __future__ import annotations

import argparse
import sys

from core.cli.train_command import add_common_arguments, job_from_args

NAME = "code"
HELP = "print a runnable Keras script for FILE"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the script that reproduces this shaping, model and fit."""
    from core.export.script import render_script

    job, shaped = job_from_args(args)
    text = render_script(job.path, job.load_options, job.padding, job.window, job.spec, job.config, dataset=shaped.dataset)
    write_utf8(text)
    return 0


def write_utf8(text: str) -> None:
    """Print ``text`` as UTF-8 whatever the terminal's encoding: ``code FILE > train.py`` must give a file
    Python reads (its source encoding is UTF-8), also on a Windows console set to cp1252."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stdout (some IDEs, tests): it takes str
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    stream.write(text.encode("utf-8"))
    stream.flush()
