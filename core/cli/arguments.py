"""The command line's shared arguments: argparse types, the one-line parser and the layout options.

Every sub-command reads its file with the same layout options (:func:`add_layout_options`)
and turns them into the engine's option records with :func:`options_from_args`.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from typing import Any

from core.loaders.formats import keys as format_keys
from core.options import TASKS, LoadOptions, PaddingOptions, WindowOptions

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


#: Larger counts (steps, units, epochs) cannot be meant, and would overflow 64-bit arithmetic.
MAX_WHOLE_NUMBER = 10**15


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` (0 or 1 here) to :data:`MAX_WHOLE_NUMBER`."""
    low = number(int, lambda value: value >= minimum, f"at least {minimum}" if minimum else "0 or more")
    high = number(int, lambda value: value <= MAX_WHOLE_NUMBER, f"at most {MAX_WHOLE_NUMBER:,}")

    def parse(text: str) -> int:
        return high(str(low(text)))

    return parse


# A pad value: NaN never equals itself (so it can never be masked) and inf is not a value.
_finite_float = number(float, math.isfinite, "a finite number (NaN and infinity cannot be masked)")


class OneLineParser(argparse.ArgumentParser):
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
    read.add_argument("--format", choices=format_keys(), help="file format (detected when omitted)")
    read.add_argument("--layout", choices=("long", "wide", "series"), help="CSV layout (detected when omitted)")
    read.add_argument("--id-col", help="long layout: the sequence-id column")
    read.add_argument("--time-col", help="long layout: the column giving the order of steps")
    read.add_argument("--label-col", help="the label/target column (CSV) or field (JSON)")
    read.add_argument("--feature-cols", type=_column_list, metavar="A,B,...", help="feature columns to use")
    read.add_argument("--skip-cols", type=_column_list, metavar="A,B,...",
                      help="table columns to leave out of every role (neither id, time, label nor feature)")
    read.add_argument("--delimiter", type=_delimiter, help="CSV delimiter (e.g. ';' or 'tab')")
    read.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                      help="the CSV's first line is (or with --no-header, is not) a header")
    read.add_argument("--labels", dest="labels_file", metavar="FILE",
                      help="a .npy of labels for a .npy of inputs (large inputs stay on disk, memory-mapped)")
    read.add_argument("--task", choices=TASKS,
                      help="treat the labels as two classes, several classes or numbers to predict (detected when "
                           "omitted: whole numbers with more than 50 values are numbers)")
    read.add_argument("--sheet", metavar="NAME", help="Excel workbook: the sheet to read (default: the first)")
    read.add_argument("--channels-first", action="store_true", default=None,
                      help="arrays are stored (samples, features, timesteps): transpose on load")
    read.add_argument("--merge-axes", choices=("samples", "timesteps", "features"),
                      help="4-D arrays: merge axes 0+1 into samples, 1+2 into timesteps or 2+3 into features")
    text = parser.add_argument_group("text and word vectors")
    text.add_argument("--embeddings", metavar="FILE",
                      help="pre-trained word vectors for a text file: GloVe .txt, word2vec/fastText .vec, word2vec .bin or a fastText .bin model")
    text.add_argument("--embed-features", action="store_true", default=False,
                      help="with --embeddings: the tensor holds the vectors (samples, timesteps, dim), no Embedding layer")
    text.add_argument("--oov", choices=("zeros", "random"), default="zeros",
                      help="with --embeddings: vectors of words the file lacks (default zeros; random: seeded per word)")
    text.add_argument("--keep-case", action="store_true", default=False,
                      help="text: do not lower-case the words (for cased vectors such as word2vec's GoogleNews)")
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
        merge_axes=getattr(args, "merge_axes", None),
        task=getattr(args, "task", None),
        sheet=getattr(args, "sheet", None),
        skip_cols=getattr(args, "skip_cols", None),
        lowercase=not getattr(args, "keep_case", False),
        embeddings=getattr(args, "embeddings", None),
        embed_features=bool(getattr(args, "embed_features", False)),
        oov=getattr(args, "oov", None) or "zeros",
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
