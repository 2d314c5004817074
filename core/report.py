"""The shape report: what tensor a file becomes, why, and what to watch out for.

:func:`build_report` answers from the lengths alone (via :func:`core.shaping.tensorize.plan_shape`),
never allocating the padded tensor, so ``shape-explorer inspect`` stays fast on big files.
``ShapeReport.to_dict()`` is the ``--json`` output; ``to_text()`` the human one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.dataset import SequenceDataset
from core.doctor import Diagnosis, diagnose_dataset, pad_collision_count
from core.options import PaddingOptions, WindowOptions
from core.shaping.padding import SUGGESTED_PERCENTILE, suggest_maxlen
from core.shaping.tensorize import ShapePlan, plan_shape
from core.wording import format_bytes, plural, shape_text


@dataclass(frozen=True)
class ShapeReport:
    """Everything ``inspect`` prints; build it with :func:`build_report`."""

    plan: ShapePlan
    dataset: SequenceDataset
    length_histogram: dict[str, list]
    suggested_maxlen: dict[str, Any]
    diagnoses: tuple[Diagnosis, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)  # warnings about the options, after the file's own
    pad_value_collisions: int | None = None  # real steps the mask would drop; None when no mask applies

    @property
    def warnings(self) -> list[str]:
        """The loader's warnings about the file, then ours about options that do not apply."""
        return [*self.dataset.source.warnings, *self.notes]

    # ---- the headline numbers ------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.plan.shape

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.plan.input_shape

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no NaN/inf) report; key meanings in README.md, "Command line"."""
        plan, ds = self.plan, self.dataset
        lengths = ds.lengths if ds.kind != "series" else plan.original_lengths
        out: dict[str, Any] = {
            "shape": list(plan.shape),
            "input_shape": list(plan.input_shape),
            "samples": plan.n_samples,
            "timesteps": plan.timesteps,
            "features": plan.n_features,
            "kind": ds.kind,
            "lengths": _length_stats(lengths),
            "length_histogram": self.length_histogram,
            "labels": _finite(ds.labels.summary()) if ds.labels is not None else None,
            "padded_fraction": float(plan.padded_fraction),
            "truncated": 0 if plan.kind == "series" else int(np.count_nonzero(plan.truncated)),
            "suggested_maxlen": self.suggested_maxlen,
            "memory_bytes": int(plan.memory_bytes),
            "dtype": plan.dtype,
            "padding": plan.padding.to_dict(),
            "window": plan.window.to_dict() if plan.window is not None else None,
            "format": ds.source.format,
            "file": ds.source.path,
            "feature_names": list(ds.feature_names),
            "read_options": {k: _plain(v) for k, v in ds.source.options.items()},
            "guesses": [
                {"what": g.what, "value": _plain(g.value), "why": g.why, "option": g.option} for g in ds.source.guesses
            ],
            "warnings": self.warnings,
            "diagnoses": [d.to_dict() for d in self.diagnoses],
            "pad_value_collisions": self.pad_value_collisions,
        }
        if ds.kind == "series":
            out["series_length"] = plan.series_length
            out["dropped_tail"] = plan.dropped_tail
        if ds.kind == "tokens":
            out["vocabulary_size"] = len(ds.vocabulary) if ds.vocabulary is not None else None
        embeddings = ds.embeddings
        out["embeddings"] = embeddings.to_dict() if embeddings is not None else None
        return out

    def headline(self) -> str:
        """``(270 samples, 26 timesteps, 12 features) → input_shape=(26, 12)``."""
        text = shape_text(self.plan.shape)
        return text + " into an Embedding layer" if len(self.plan.shape) == 2 else text

    def to_text(self) -> str:
        """The human report: the headline first, then details and the doctor's findings."""
        plan, ds, data = self.plan, self.dataset, self.to_dict()
        lines = [self.headline(), ""]
        lines.append(f"File:      {ds.source.path or '(in memory)'} ({ds.source.format})")
        lines.append(f"Memory:    {format_bytes(plan.memory_bytes)} as {plan.dtype}"
                     + (" (windows are views of the series until a batch is copied)" if ds.kind == "series" else ""))
        if ds.kind == "series":
            w = plan.window
            assert w is not None and plan.dropped_tail is not None  # a series plan (_plan_series) sets both
            lines.append(
                f"Windows:   a series of {plan.series_length} rows cut into windows of {w.window} every {w.stride} "
                f"{'step' if w.stride == 1 else 'steps'}, horizon {w.horizon}; {plural(plan.dropped_tail, 'row')} at the end unused"
            )
        else:
            stats = data["lengths"]
            lines.append(f"Lengths:   min {stats['min']}, max {stats['max']}, mean {stats['mean']:.1f}")
            p = plan.padding
            lines.append(
                f"Padding:   maxlen {p.maxlen}, padding={p.padding}, truncating={p.truncating}, value={p.value:g}; "
                f"{plan.padded_fraction:.1%} of cells are padding, {plural(data['truncated'], 'sequence')} truncated"
            )
            s = self.suggested_maxlen
            if s["value"] is not None and s["value"] < (p.maxlen or 0):
                lines.append(
                    f"Suggested: maxlen {s['value']} (the {s['percentile']}th percentile) would truncate "
                    f"{s['truncated_share']:.1%} of sequences"
                )
        if ds.labels is not None:
            summary = ds.labels.summary()
            if summary.get("classes"):
                lines.append(f"Labels:    {summary['kind']}, {len(summary['classes'])} classes: "
                             + ", ".join(f"{c} ({n})" for c, n in summary.get("counts", {}).items()))
            else:
                lines.append(f"Labels:    {summary['kind']}")
        elif ds.kind == "series" and plan.window is not None and plan.window.horizon:
            targets = ", ".join(plan.window.target_cols or ds.feature_names)
            lines.append(f"Targets:   {targets} at {plural(plan.window.horizon, 'step')} after each window (regression)")
        else:
            lines.append("Labels:    none found")
        embeddings = ds.embeddings
        if embeddings is not None:
            use = ("the tensor holds the vectors, padded steps masked" if embeddings.embed_features
                   else "initial weights of a frozen Embedding layer (--train-embeddings to fine-tune)")
            lines.append(f"Vectors:   {embeddings.summary()}")
            lines.append(f"           used as {use}")
        if ds.source.guesses:
            lines.append("")
            lines.append("Guessed (override with the option shown):")
            for g in ds.source.guesses:
                option = f"  [--{g.option.replace('_', '-')}]" if g.option else ""
                lines.append(f"  - {g.what}: {_plain(g.value)} — {g.why}{option}")
        if self.warnings:
            lines.append("")
            lines.append("Warnings:")
            lines.extend(f"  - {w}" for w in self.warnings)
        if self.diagnoses:
            lines.append("")
            lines.append("Shape doctor:")
            for d in self.diagnoses:
                lines.append(f"  [{d.severity}] {d.title}")
                lines.append(f"    {d.explanation}")
                lines.append(f"    Fix: {d.fix_text}")
                lines.extend(f"      {code_line}" for code_line in d.fix_code.splitlines())
        return "\n".join(lines)


def build_report(
    dataset: SequenceDataset,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
) -> ShapeReport:
    """The shape report for ``dataset`` shaped with these options (nothing big is allocated)."""
    plan = plan_shape(dataset, padding, window)
    lengths = plan.original_lengths if dataset.kind == "series" else dataset.lengths
    # Counted once here (a pass over the data) and handed to the doctor and to the window.
    collisions = None if dataset.kind == "series" else pad_collision_count(dataset, padding or PaddingOptions())
    return ShapeReport(
        plan=plan,
        dataset=dataset,
        length_histogram=_histogram(lengths),
        suggested_maxlen=_suggested_maxlen(lengths),
        diagnoses=tuple(diagnose_dataset(dataset, padding, window, pad_collisions=collisions)),
        notes=_ignored_option_notes(dataset, window),
        pad_value_collisions=collisions,
    )


def _ignored_option_notes(dataset: SequenceDataset, window: WindowOptions | None) -> tuple[str, ...]:
    """Options the user gave that this data cannot use: say so instead of ignoring them silently."""
    if window is not None and dataset.kind != "series":
        what = "token sequences" if dataset.kind == "tokens" else "sequences"
        return (f"the window options (window {window.window}, stride {window.stride}, horizon {window.horizon}) only "
                f"apply to one long series; this file holds {dataset.n_samples} {what}, so they were ignored and the "
                "sequences were padded instead",)
    return ()


# ---- internals ---------------------------------------------------------------------------
def _constant(lengths: np.ndarray) -> int | None:
    """The one length of a zero-stride (broadcast) array, such as a series' windows, else None.

    Statistics of such an array are answered from that value, without allocating per window.
    """
    if lengths.size and lengths.ndim == 1 and lengths.strides[0] == 0:
        return int(lengths[0])
    return None


def _length_stats(lengths: np.ndarray) -> dict[str, Any]:
    if lengths.size == 0:
        return {"min": 0, "max": 0, "mean": 0.0}
    constant = _constant(lengths)
    if constant is not None:
        return {"min": constant, "max": constant, "mean": float(constant)}
    return {"min": int(lengths.min()), "max": int(lengths.max()), "mean": float(lengths.mean())}


def _histogram(lengths: np.ndarray) -> dict[str, list]:
    """Integer-aligned bins (at most 30): bin i counts lengths in ``[edges[i], edges[i + 1])``."""
    if lengths.size == 0:
        return {"edges": [], "counts": []}
    constant = _constant(lengths)
    if constant is not None:
        return {"edges": [constant, constant + 1], "counts": [int(lengths.size)]}
    low, high = int(lengths.min()), int(lengths.max())
    if low == high:  # windows of a series: no per-sequence array needed
        return {"edges": [low, low + 1], "counts": [int(lengths.size)]}
    width = max(1, math.ceil((high - low + 1) / 30))
    counts = np.bincount((lengths - low) // width)
    edges = low + width * np.arange(counts.size + 1)
    return {"edges": [int(e) for e in edges], "counts": [int(c) for c in counts]}


def _suggested_maxlen(lengths: np.ndarray) -> dict[str, Any]:
    if lengths.size == 0:
        return {"value": None, "percentile": SUGGESTED_PERCENTILE, "truncated_share": 0.0}
    constant = _constant(lengths)
    if constant is not None:
        return {"value": constant, "percentile": SUGGESTED_PERCENTILE, "truncated_share": 0.0}
    value, share = suggest_maxlen(lengths, SUGGESTED_PERCENTILE)
    return {"value": value, "percentile": SUGGESTED_PERCENTILE, "truncated_share": share}


def _plain(value: Any) -> Any:
    """A guess value as plain JSON (tuples → lists, numpy scalars → Python)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _finite(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data
