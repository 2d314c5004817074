"""``shape-explorer inspect FILE``: the shape report, as text or one JSON object."""

from __future__ import annotations

import argparse
import json

from core.cli.arguments import add_layout_options, options_from_args

NAME = "inspect"
HELP = "print the shape report of FILE"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    add_layout_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args: argparse.Namespace) -> int:
    """Load, plan the shape (no big allocation) and print the report."""
    from core.budget import check_budget
    from core.errors import MemoryBudgetError
    from core.loaders import load
    from core.report import build_report
    from core.wording import printable

    load_options, padding, window = options_from_args(args)
    budget = getattr(args, "memory_budget", None)
    try:
        dataset = load(args.file, load_options, budget_bytes=budget)
    except MemoryBudgetError as error:
        from core.streaming_report import budget_reason, can_stream, streamed_report

        if window is not None or not can_stream(args.file, load_options):
            raise
        # Too big to hold: the shape report needs only one pass and per-sequence numbers.
        streamed = streamed_report(args.file, load_options, padding, budget, reason=budget_reason(error))
        print(json.dumps(streamed.to_dict(), allow_nan=False, ensure_ascii=False) if args.json else streamed.to_text())
        return 0
    report = build_report(dataset, padding, window)
    plan = report.plan
    if plan.kind != "series":  # windows are views of the series; padded data is allocated whole
        check_budget(
            f"Padding to {plan.n_samples} samples × {plan.timesteps} timesteps ({plan.memory_bytes:,} bytes with the mask)",
            plan.memory_bytes,
            getattr(args, "memory_budget", None),
        )
    if args.json:
        print(json.dumps(report.to_dict(), allow_nan=False, ensure_ascii=False))
    else:
        print(printable(report.to_text()))  # a label or file name may hold terminal escapes
    return 0
