"""``shape-explorer code FILE``: the runnable Keras script of the run ``train`` would do."""

from __future__ import annotations

import argparse

from core.cli.train_command import add_common_arguments, job_from_args

NAME = "code"
HELP = "print a runnable Keras script for FILE"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the script that reproduces this shaping, model and fit."""
    from core.export.script import render_script

    job, shaped = job_from_args(args)
    print(render_script(job.path, job.load_options, job.padding, job.window, job.spec, job.config, dataset=shaped.dataset), end="")
    return 0
