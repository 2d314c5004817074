"""``shape-explorer convert FILE --out DIR``: the padded tensor, mask and labels as ``.npy`` files.

Written in chunks within the memory budget (see :mod:`core.tensor_store`), so a file too big
to shape in memory still trains: ``shape-explorer train DIR`` streams it batch by batch.
"""

from __future__ import annotations

import argparse
import json

from core.cli.arguments import add_layout_options, options_from_args

NAME = "convert"
HELP = "write FILE's padded tensor, mask and labels as .npy files in DIR (within the memory budget)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for x.npy, mask.npy, y.npy, lengths.npy, shape.json")
    add_layout_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args: argparse.Namespace) -> int:
    from core.errors import ShapingError
    from core.tensor_store import convert
    from core.wording import format_bytes

    load_options, padding, window = options_from_args(args)
    if window is not None:
        raise ShapingError("convert writes padded sequences; a single series is windowed on the fly and needs no conversion.")
    info = convert(args.file, args.out, load_options, padding, getattr(args, "memory_budget", None))
    if args.json:
        print(json.dumps(info.to_dict()))
    else:
        shape = " × ".join(str(s) for s in info.shape)
        print(f"Wrote {shape} ({format_bytes(info.bytes_written)}) to {info.folder}: {', '.join(info.files)}")
        print(f"Train on it with: shape-explorer train {info.folder}")
    return 0
