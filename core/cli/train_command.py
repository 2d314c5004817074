"""``shape-explorer train FILE``: the app's training, without the window.

``train`` and ``code`` (:mod:`core.cli.code_command`) read and shape FILE with the shared layout options, take the same default model
(:func:`core.model.defaults.default_spec`) and the same :class:`TrainingConfig` defaults as
the window, and accept overrides. ``train --json`` prints one JSON object per line (an
``epoch`` line per epoch, then ``done``) so scripts and CI can follow a run. Keras is only
imported once training starts, quietly (no TensorFlow start-up chatter on the terminal).
"""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import replace
from typing import Any

from core.cli.arguments import add_layout_options, number, options_from_args, whole_number
from core.errors import TrainingError
from core.model.spec import ModelSpec, RecurrentLayerSpec
from core.training import events
from core.training.baseline import describe_baseline
from core.training.config import OPTIMIZER_NAMES, TrainingConfig
from core.training.events import EventReporter

NAME = "train"
HELP = "train the default LSTM on FILE"

LAYER_KINDS = {"lstm": ("LSTM", False), "gru": ("GRU", False), "bilstm": ("LSTM", True), "bigru": ("GRU", True)}


# ---- arguments -----------------------------------------------------------------------------
_fraction = number(float, lambda value: 0.0 <= value < 1.0, "at least 0 and below 1")
_positive_float = number(float, lambda value: value > 0, "above 0")


def parse_layers(text: str) -> tuple[tuple[str, bool, int | None], ...]:
    """``"lstm:64,lstm:32"`` or ``"bigru:32"`` → ``(("LSTM", False, 64), ...)``; units may be omitted."""
    layers = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, _, units = item.partition(":")
        kind = LAYER_KINDS.get(name.strip().lower())
        if kind is None:
            raise argparse.ArgumentTypeError(f"unknown layer {name!r}; use lstm, gru, bilstm or bigru, e.g. lstm:64,lstm:32")
        count = None
        if units.strip():
            try:
                count = int(units)
            except ValueError as exc:
                raise argparse.ArgumentTypeError(f"{units!r} is not a whole number of units") from exc
            if count < 1:
                raise argparse.ArgumentTypeError(f"a layer needs at least 1 unit, not {count}")
        layers.append((kind[0], kind[1], count))
    if not layers:
        raise argparse.ArgumentTypeError("give at least one layer, e.g. lstm:64")
    return tuple(layers)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    model = parser.add_argument_group("model (defaults: the app's default model for the data)")
    model.add_argument("--layers", type=parse_layers, metavar="SPEC", help="recurrent layers, e.g. lstm:64,lstm:32 or bigru:32")
    model.add_argument("--units", type=whole_number(1), help="units of every layer that --layers does not size")
    model.add_argument("--dropout", type=_fraction, help="input dropout of every recurrent layer (0 to <1)")
    model.add_argument("--embedding-dim", type=whole_number(1), help="token data: embedding size")
    model.add_argument("--train-embeddings", action="store_true",
                       help="with --embeddings: fine-tune the pre-trained vectors (default: frozen)")
    model.add_argument("--head-hidden", type=whole_number(0), help="units of a ReLU layer before the output (0: none)")
    model.add_argument(
        "--no-target-scaling",
        action="store_true",
        help="regression: fit raw targets (default: the output works in standardised units, rescaled to target units)",
    )


def add_fit_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = TrainingConfig()
    fit = parser.add_argument_group("training")
    fit.add_argument("--epochs", type=whole_number(1), help=f"epochs (default {defaults.epochs})")
    fit.add_argument("--batch-size", type=whole_number(1), help="batch size (default: 32, or 16 or 8 when the data is small; see README)")
    fit.add_argument("--learning-rate", type=_positive_float, help=f"learning rate (default {defaults.learning_rate:g})")
    fit.add_argument("--optimizer", choices=OPTIMIZER_NAMES, help=f"optimizer (default {defaults.optimizer})")
    fit.add_argument("--validation-split", type=_fraction, help=f"share held out for validation (default {defaults.validation_split:g})")
    fit.add_argument("--validation-file", metavar="FILE", help="validate on FILE (shaped like the training file) instead of a split")
    fit.add_argument("--patience", type=whole_number(0), help="early-stopping patience in epochs (default: about 100 gradient steps, at least 8 epochs)")
    fit.add_argument("--no-early-stopping", action="store_true", help="train every epoch")
    fit.add_argument("--seed", type=whole_number(0), help=f"random seed (default {defaults.seed})")
    fit.add_argument("--no-standardize", action="store_true", help="feed float features unscaled")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, the layout options and the model and fit options (``train`` and ``code``)."""
    parser.add_argument("file", metavar="FILE")
    add_layout_options(parser)
    add_model_arguments(parser)
    add_fit_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``shape-explorer train``."""
    add_common_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--test", metavar="FILE", help="score the trained model on FILE (shaped like the training file)")
    out.add_argument("--save", metavar="PATH", help="save the trained model as a .keras file")
    out.add_argument("--json", action="store_true", help="one JSON object per line: an 'epoch' line per epoch, then 'done'")


# ---- from arguments to records -------------------------------------------------------------
def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    config = TrainingConfig()
    changes: dict[str, Any] = {}
    for name in ("epochs", "batch_size", "learning_rate", "validation_split", "patience", "seed", "optimizer", "validation_file"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    if getattr(args, "no_early_stopping", False):
        changes["early_stopping"] = False
    if getattr(args, "no_standardize", False):
        changes["standardize"] = False
    if getattr(args, "memory_budget", None) is not None:
        changes["memory_budget"] = int(args.memory_budget)
    return replace(config, **changes).validate()


def spec_from_args(args: argparse.Namespace, base: ModelSpec) -> ModelSpec:
    """``base`` (the data's default model) with the command line's model options applied."""
    template = base.layers[0] if base.layers else RecurrentLayerSpec()
    layers = list(base.layers)
    if getattr(args, "layers", None):
        layers = [
            replace(template, kind=kind, bidirectional=bidirectional, units=units or args.units or template.units)
            for kind, bidirectional, units in args.layers
        ]
    elif getattr(args, "units", None):
        layers = [replace(layer, units=args.units) for layer in layers]
    if getattr(args, "dropout", None) is not None:
        layers = [replace(layer, dropout=float(args.dropout)) for layer in layers]
    spec = replace(base, layers=tuple(layers))
    if getattr(args, "embedding_dim", None) is not None:
        if spec.input.kind != "embedding":
            raise TrainingError("--embedding-dim only applies to token (text) data, which this file is not.")
        spec = replace(spec, input=replace(spec.input, embedding_dim=int(args.embedding_dim)))
    if getattr(args, "train_embeddings", False):
        if spec.input.kind != "embedding" or not spec.input.pretrained_embeddings:
            raise TrainingError("--train-embeddings only applies to text read with --embeddings (and without --embed-features).")
        spec = replace(spec, input=replace(spec.input, trainable_embeddings=True))
    if getattr(args, "head_hidden", None) is not None:
        spec = replace(spec, head=replace(spec.head, hidden_units=int(args.head_hidden)))
    if getattr(args, "no_target_scaling", False):
        spec = replace(spec, head=replace(spec.head, scale_targets=False))
    if getattr(args, "no_standardize", False):
        spec = replace(spec, input=replace(spec.input, standardize=False))
    return spec.validate()


def job_from_args(args: argparse.Namespace) -> tuple[Any, Any]:
    """``(job, shaped)``: the file read and shaped once, and the job that trains on it."""
    from core.model.defaults import default_spec
    from core.training.job import TrainingJob, shape_file

    load_options, padding, window = options_from_args(args)
    config = config_from_args(args)
    job = TrainingJob(path=args.file, load_options=load_options, padding=padding, window=window, config=config)
    shaped = shape_file(args.file, load_options, padding, window, job.budget_bytes)
    spec = spec_from_args(args, default_spec(shaped))
    job = replace(job, spec=spec, save_path=getattr(args, "save", None), test_path=getattr(args, "test", None))
    return job, shaped


# ---- train ---------------------------------------------------------------------------------
def _format_logs(logs: dict[str, float]) -> str:
    order = sorted(logs, key=lambda k: (k.startswith("val_"), k != "loss" and k != "val_loss", k))
    return "  ".join(f"{k} {logs[k]:.4f}" for k in order)


class PrintingReporter(EventReporter):
    """Prints one line per epoch (text, or the encoded event as JSON); Ctrl-C asks it to stop after the current batch."""

    def __init__(self, as_json: bool, stream: Any = None) -> None:
        super().__init__(self._show)
        self.as_json = as_json
        self.stream = stream or sys.stdout
        self.epochs = 0
        self.streaming = False

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _show(self, event: events.Event) -> None:
        if isinstance(event, events.Begin):
            self.epochs = int(event.epochs)
            self.streaming = bool(event.streaming)
            if not self.as_json:
                self._print(
                    f"Training on {event.train_samples} samples, validating on {event.validation_samples}; "
                    f"{event.params or 0:,} parameters, batch size {event.batch_size}, {event.steps_per_epoch} batches per epoch."
                )
                for why in event.chosen.values():
                    self._print(why)
                if self.streaming:
                    self._print("The data is larger than the memory budget, so it is read from disk batch by batch.")
        elif isinstance(event, events.Epoch):
            if self.as_json:
                self._print(events.to_json(event))
            else:
                self._print(f"Epoch {event.epoch}/{self.epochs}  {_format_logs(event.logs)}")
        elif isinstance(event, events.End):
            if self.as_json:
                self._print(events.to_json(event))
            else:
                self._print_summary(event.result())

    def _print_summary(self, payload: dict[str, Any]) -> None:
        self._print(payload["message"])
        final = payload.get("final") or {}
        if final:
            self._print(f"Best epoch {payload['best_epoch']}: {_format_logs(final)}")
        if payload.get("test"):
            self._print(f"Test ({payload.get('test_path') or 'test file'}): {_format_logs(payload['test'])}")
        for line in describe_baseline(payload.get("baseline")):
            self._print(line)
        if payload.get("saved_model"):
            recipe = payload.get('saved_recipe')
            self._print(f"Saved the model to {payload['saved_model']}" + (f" and its recipe to {recipe}" if recipe else ""))


def run(args: argparse.Namespace) -> int:
    """Train as the arguments say and print the epochs and a summary; returns the exit code."""
    from core.model_io import check_save_target
    from core.training.job import execute

    if getattr(args, "save", None):
        check_save_target(args.save)  # a bad target fails now, not after the last epoch
    job, shaped = job_from_args(args)
    reporter = PrintingReporter(bool(getattr(args, "json", False)))
    previous = None
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: reporter.stop())
    except ValueError:  # not the main thread
        previous = None
    try:
        payload = execute(job, reporter, shaped)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    details = {k: v for k, v in payload.items() if k != "spec"}
    details["streaming"] = reporter.streaming
    if job.test_path:
        details.setdefault("test_path", job.test_path)
    reporter.emit(events.End.from_result(details))
    return 0
