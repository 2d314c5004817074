"""The shape report of a file too large for the memory budget, from one streaming pass.

``inspect`` answers "what tensor does this file become?" from per-sequence lengths; those need
one pass over the file, not the file in memory. :func:`streamed_report` reads a long or wide
CSV with pyarrow's batch reader (``pyarrow.csv.open_csv``) and a JSON Lines file chunk by chunk
(:class:`core.loaders.json_lines.LinesReader`), keeping only:

* the length of every sequence (8 bytes per sequence) and, for a long CSV, a hash map from
  sequence id to its row,
* per-feature count / missing / min / max / mean / standard deviation,
* the label of every sequence (one small value each) for the label summary,
* a sample: the first :data:`SAMPLE_SEQUENCES` sequences (at most :data:`SAMPLE_ROWS` rows),
  which the window shows as its sampled 3-D view.

The layout (long/wide, id, time, label and feature columns, delimiter, header) is what the CSV
reader decides on the file's first few MiB, so both paths agree on it. The report then says the
tensor was not built, what it would need, and how to get it anyway (``convert`` to ``.npy``
files on disk, which ``train`` reads batch by batch).
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

import numpy as np

from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.options import LoadOptions, PaddingOptions
from core.shaping.tensorize import ShapePlan, plan_shape
from core.wording import format_bytes

SAMPLE_SEQUENCES = 64
SAMPLE_ROWS = 200_000
HEAD_BYTES = 4 << 20  # the CSV layout is detected on this much of the file
BATCH_BYTES = 4 << 20
STREAMABLE = ("csv", "jsonl")


@dataclass
class _FeatureStats:
    """Running per-feature statistics (Chan et al.'s parallel update for the variance)."""

    count: np.ndarray | None = None
    missing: np.ndarray | None = None
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    mean: np.ndarray | None = None
    m2: np.ndarray | None = None

    def add(self, block: np.ndarray) -> None:
        if block.size == 0:
            return
        width = block.shape[1]
        if self.count is None:
            self.count, self.missing = np.zeros(width), np.zeros(width)
            self.low, self.high = np.full(width, np.inf), np.full(width, -np.inf)
            self.mean, self.m2 = np.zeros(width), np.zeros(width)
        assert self.low is not None and self.high is not None  # set with count, just above or by an earlier block
        finite = np.isfinite(block)
        n = finite.sum(axis=0).astype(np.float64)
        self.missing += block.shape[0] - n
        clean = np.where(finite, block, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            batch_mean = np.where(n > 0, clean.sum(axis=0) / np.maximum(n, 1), 0.0)
            deviation = np.where(finite, block - batch_mean, 0.0)
            batch_m2 = (deviation * deviation).sum(axis=0)
        self.low = np.fmin(self.low, np.where(finite, block, np.inf).min(axis=0))
        self.high = np.fmax(self.high, np.where(finite, block, -np.inf).max(axis=0))
        total = self.count + n
        delta = batch_mean - self.mean
        safe = np.maximum(total, 1)
        self.mean = self.mean + delta * n / safe
        self.m2 = self.m2 + batch_m2 + delta * delta * self.count * n / safe
        self.count = total

    def to_list(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        if self.count is None:
            return []
        assert self.missing is not None and self.low is not None and self.high is not None  # all set with count
        assert self.mean is not None and self.m2 is not None
        out = []
        for i, name in enumerate(names):
            n = int(self.count[i])
            out.append({
                "name": name, "count": n, "missing": int(self.missing[i]),
                "min": float(self.low[i]) if n else None, "max": float(self.high[i]) if n else None,
                "mean": float(self.mean[i]) if n else None,
                "std": float(math.sqrt(self.m2[i] / n)) if n else None,
            })
        return out


@dataclass(frozen=True)
class StreamedReport:
    """What ``inspect`` prints for a file over the budget (``to_dict`` is its ``--json``)."""

    plan: ShapePlan
    path: str
    format: str
    feature_names: tuple[str, ...]
    lengths: np.ndarray
    feature_stats: list[dict[str, Any]]
    labels: dict[str, Any] | None
    guesses: tuple[Guess, ...]
    warnings: tuple[str, ...]
    sample: SequenceDataset | None
    reason: str
    rows_read: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        from core.report import _histogram, _length_stats, _plain, _suggested_maxlen

        plan = self.plan
        return {
            "shape": list(plan.shape),
            "input_shape": list(plan.input_shape),
            "samples": plan.n_samples,
            "timesteps": plan.timesteps,
            "features": plan.n_features,
            "kind": plan.kind,
            "lengths": _length_stats(self.lengths),
            "length_histogram": _histogram(self.lengths),
            "labels": self.labels,
            "padded_fraction": float(plan.padded_fraction),
            "truncated": int(np.count_nonzero(plan.truncated)),
            "suggested_maxlen": _suggested_maxlen(self.lengths),
            "memory_bytes": int(plan.memory_bytes),
            "dtype": plan.dtype,
            "padding": plan.padding.to_dict(),
            "window": None,
            "format": self.format,
            "file": self.path,
            "feature_names": list(self.feature_names),
            "guesses": [{"what": g.what, "value": _plain(g.value), "why": g.why, "option": g.option} for g in self.guesses],
            "warnings": list(self.warnings) + list(self.notes),
            "diagnoses": [],
            "pad_value_collisions": None,
            "streamed": True,
            "tensor_built": False,
            "reason": self.reason,
            "rows_read": self.rows_read,
            "feature_stats": self.feature_stats,
            "sample": {"sequences": 0 if self.sample is None else self.sample.n_samples,
                       "ids": list(self.sample.sample_ids or ()) if self.sample is not None else []},
        }

    def headline(self) -> str:
        n, t, f = self.plan.shape
        return f"({n} samples, {t} timesteps, {f} features) → input_shape=({t}, {f})"

    def to_text(self) -> str:
        data = self.to_dict()
        stats = data["lengths"]
        p = self.plan.padding
        lines = [self.headline(), "",
                 f"File:      {self.path} ({self.format}), read in one streaming pass ({self.rows_read:,} rows)",
                 f"Tensor:    not built — {self.reason}",
                 f"Memory:    the padded tensor would take {format_bytes(self.plan.memory_bytes)} as {self.plan.dtype}; "
                 "`shape-explorer convert FILE --out DIR` writes it to .npy files on disk, and `train` reads those batch by batch",
                 f"Lengths:   min {stats['min']}, max {stats['max']}, mean {stats['mean']:.1f}",
                 f"Padding:   maxlen {p.maxlen}, padding={p.padding}, truncating={p.truncating}, value={p.value:g}; "
                 f"{self.plan.padded_fraction:.1%} of cells are padding"]
        if self.labels:
            if self.labels.get("classes"):
                lines.append(f"Labels:    {self.labels['kind']}, {len(self.labels['classes'])} classes: "
                             + ", ".join(f"{c} ({n})" for c, n in self.labels.get("counts", {}).items()))
            else:
                lines.append(f"Labels:    {self.labels['kind']}")
        else:
            lines.append("Labels:    none found")
        lines.append("Features:")
        for feature in self.feature_stats:
            if feature["count"]:
                lines.append(f"  - {feature['name']}: min {feature['min']:.4g}, max {feature['max']:.4g}, "
                             f"mean {feature['mean']:.4g}, std {feature['std']:.4g}"
                             + (f", {feature['missing']} missing" if feature["missing"] else ""))
        if self.sample is not None:
            lines.append(f"Sample:    the first {self.sample.n_samples} sequences are kept for the sampled view")
        if self.guesses:
            lines.append("")
            lines.append("Guessed (override with the option shown):")
            for g in self.guesses:
                option = f"  [--{g.option.replace('_', '-')}]" if g.option else ""
                lines.append(f"  - {g.what}: {g.value} — {g.why}{option}")
        if data["warnings"]:
            lines.append("")
            lines.append("Warnings:")
            lines.extend(f"  - {w}" for w in data["warnings"])
        return "\n".join(lines)


def budget_reason(error) -> str:
    """Why the tensor was not built, from the :class:`MemoryBudgetError` that stopped the load."""
    return (f"holding it would need {format_bytes(error.needed_bytes)}, more than the memory budget of "
            f"{format_bytes(error.budget_bytes)}")


def can_stream(path: str | os.PathLike[str], options: LoadOptions) -> bool:
    """True when :func:`streamed_report` can read this file (CSV or JSON Lines)."""
    from core.loaders.dispatch import detect_format

    fmt = options.format or detect_format(path)
    return fmt in STREAMABLE


def streamed_report(path: str | os.PathLike[str], options: LoadOptions | None = None, padding: PaddingOptions | None = None,
                    budget_bytes: int | None = None, reason: str = "the file is larger than the memory budget",
                    cancelled=None) -> StreamedReport:
    """The shape report of ``path`` from one pass, holding per-sequence numbers only."""
    from core.budget import default_budget_bytes
    from core.loaders.dispatch import detect_format

    options = options or LoadOptions()
    resolved = Path(path).expanduser().resolve()
    files.check_regular_file(resolved)
    budget = default_budget_bytes() if budget_bytes is None else int(budget_bytes)
    fmt = options.format or detect_format(resolved)
    if fmt == "jsonl":
        collected = _stream_jsonl(resolved, options, budget, cancelled)
    elif fmt == "csv":
        collected = _stream_csv(resolved, options, budget, cancelled)
    else:
        raise LoadError(resolved, f"is a {fmt} file, which cannot be reported in a streaming pass",
                        hint="Raise --memory-budget, or convert the data to CSV, JSON Lines or .npy")
    lengths, names, stats, labels, guesses, warnings, sample, rows, fmt_name, effective = collected
    if lengths.size == 0:
        raise LoadError(resolved, "holds no sequences")
    stand_in = SequenceDataset(np.broadcast_to(np.float32(0), (int(lengths.sum()), len(names))), lengths, names,
                               SourceInfo(str(resolved), fmt_name, effective.to_dict()))
    plan = plan_shape(stand_in, padding or PaddingOptions())
    return StreamedReport(plan, str(resolved), fmt_name, names, lengths, stats.to_list(names), labels, tuple(guesses),
                          tuple(warnings), sample, reason, rows)


# ---- JSON Lines ------------------------------------------------------------------------------
def _stream_jsonl(path: Path, options: LoadOptions, budget: int, cancelled):
    from core.loaders.json_fields import record_labels
    from core.loaders.json_lines import RESTART, LinesReader

    reader = LinesReader(path, options, budget, cancelled)
    while True:
        stats = _FeatureStats()
        lengths: list[np.ndarray] = []
        labels: list[Any] = []
        sample_values: list[np.ndarray] = []
        sample_lengths: list[int] = []
        sample_ids: list[str] = []
        kept_rows = 0
        restarted = False
        for chunk in reader.chunks():
            if chunk is RESTART:
                restarted = True
                break
            if chunk.values.size:
                stats.add(np.asarray(chunk.values, dtype=np.float64))
            offsets = np.concatenate(([0], np.cumsum(chunk.lengths)))
            for i in range(chunk.lengths.size):
                if len(sample_lengths) >= SAMPLE_SEQUENCES or kept_rows + int(chunk.lengths[i]) > SAMPLE_ROWS:
                    break
                sample_values.append(np.array(chunk.values[offsets[i]:offsets[i + 1]], dtype=np.float32))
                sample_lengths.append(int(chunk.lengths[i]))
                sample_ids.append(chunk.ids[i] if chunk.ids else str(sum(map(len, lengths)) + i))
                kept_rows += int(chunk.lengths[i])
            lengths.append(chunk.lengths)
            if chunk.labels is not None:
                labels.extend(chunk.labels)
        if not restarted:
            break
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    width = next((v.shape[1] for v in sample_values if v.size), stats.count.size if stats.count is not None else 1)
    names = tuple(f"feature_{i}" for i in range(width))
    label_field = reader.fields.get("label_col")
    label_summary = None
    sample_labels = None
    if label_field is not None and len(labels) == all_lengths.size:
        encoded = record_labels(path, labels, all_lengths, label_field, lambda i: f"record {i + 1}")
        label_summary = encoded.summary()
        sample_labels = Labels(encoded.values[:len(sample_lengths)], encoded.kind, encoded.classes, encoded.name) \
            if encoded.kind != "sequence" else None
    effective = replace(options, format="jsonl", sequence_field=reader.fields.get("sequence_field"), label_col=label_field)
    sample = _sample(path, "jsonl", effective, names, sample_values, sample_lengths, sample_ids, sample_labels, width)
    return (all_lengths, names, stats, label_summary, reader.guesses, [], sample, int(all_lengths.size), "jsonl", effective)


# ---- CSV -------------------------------------------------------------------------------------
def _detect_csv_layout(path: Path, options: LoadOptions, budget: int) -> SequenceDataset:
    """Read the file's first few MiB with the CSV reader: its decisions (layout, columns...)
    apply to the whole file."""
    from core.loaders import load

    size = min(HEAD_BYTES, max(64 << 10, budget // 16))  # small budgets look at a smaller head
    with files.open_binary(path) as handle:
        head = handle.read(size)
    cut = head.rfind(b"\n") + 1 if len(head) == size else len(head)
    with tempfile.TemporaryDirectory(prefix="shape-explorer-head-") as folder:
        sample_path = Path(folder) / path.name
        sample_path.write_bytes(head[:cut] if cut else head)
        # The head is bounded (at most HEAD_BYTES), so reading it may take a fixed few MiB more
        # than a tiny budget; everything proportional to the file is streamed.
        return load(sample_path, replace(options, format="csv"), budget_bytes=max(budget, 16 * len(head)))


def _stream_csv(path: Path, options: LoadOptions, budget: int, cancelled, keep: dict | None = None):
    """One pass over a long CSV; ``keep`` (a dict) receives what a second pass needs: the id →
    sequence index, the encoded labels and the parse settings (see core.tensor_store)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    head = _detect_csv_layout(path, options, budget)
    effective = LoadOptions.from_dict(head.source.options)
    fmt_name = head.source.format
    layout = effective.layout or ("long" if fmt_name == "csv-long" else "wide" if fmt_name == "csv-wide" else "series")
    if layout not in ("long", "wide"):
        raise LoadError(path, f"is one long series ({fmt_name}), which cannot be reported in a streaming pass yet",
                        hint="Save it as a float32 .npy file: it is then memory-mapped and windowed without loading it")
    features = list(effective.feature_cols or ())
    id_col, label_col = effective.id_col, effective.label_col
    delimiter = effective.delimiter or ","
    header = effective.header if effective.header is not None else True
    if layout == "wide" or not features:
        raise LoadError(path, "is a wide table (one row per sample) larger than the memory budget",
                        hint="Raise --memory-budget, or write it as a long CSV (id, step, features) or a .npy file")
    wanted = [c for c in [id_col, *features, label_col] if c is not None]
    column_types = {c: pa.float64() for c in features}
    parse_options = pa_csv.ParseOptions(delimiter="\t" if delimiter in ("tab", "\\t") else delimiter)
    convert_options = pa_csv.ConvertOptions(include_columns=_arrow_names(wanted, header),
                                            column_types=_arrow_types(column_types, header))
    reader = _csv_batches(path, header, effective.encoding, parse_options, convert_options)
    id_name, label_name = _arrow_name(id_col, header), _arrow_name(label_col, header)
    feature_names = [_arrow_name(c, header) for c in features]
    index: dict[Any, int] = {}
    counts: list[int] = []
    labels: list[Any] = []
    stats = _FeatureStats()
    sample_rows: dict[int, list[np.ndarray]] = {}
    kept_rows = 0
    rows = 0
    while True:
        files.check_cancelled(path, cancelled)
        try:
            batch = next(reader)
        except StopIteration:
            break
        except (pa.ArrowException, OSError) as error:
            raise LoadError(path, f"could not be read in a streaming pass ({error})",
                            hint="Load a smaller part of it to see the exact line, or raise --memory-budget") from None
        rows += batch.num_rows
        block = np.column_stack([_floats(batch.column(name)) for name in feature_names])
        stats.add(block)
        ids = batch.column(id_name)
        if ids.null_count:
            raise LoadError(path, f"the id column '{id_col}' has an empty cell", where=f"near row {rows}")
        encoded = pc.dictionary_encode(ids)
        uniques = encoded.dictionary.to_pylist()
        codes = np.frombuffer(encoded.indices.buffers()[1], dtype=np.int32, count=len(encoded.indices),
                              offset=encoded.indices.offset * 4)
        per_code = np.bincount(codes, minlength=len(uniques))
        first_row = np.full(len(uniques), -1, dtype=np.int64)
        first_row[codes[::-1]] = np.arange(codes.size - 1, -1, -1)
        global_codes = np.empty(len(uniques), dtype=np.int64)
        new_rows: list[int] = []
        for local, key in enumerate(uniques):
            slot = index.get(key)
            if slot is None:
                slot = index[key] = len(counts)
                counts.append(0)
                new_rows.append(int(first_row[local]))
            counts[slot] += int(per_code[local])
            global_codes[local] = slot
        if label_name is not None and new_rows:  # a sequence's label is the one on its first row
            labels.extend(batch.column(label_name).take(pa.array(new_rows, pa.int64())).to_pylist())
        if kept_rows < SAMPLE_ROWS:
            row_slots = global_codes[codes]
            for slot in np.unique(row_slots[row_slots < SAMPLE_SEQUENCES]):
                picked = block[row_slots == slot]
                sample_rows.setdefault(int(slot), []).append(picked.astype(np.float32))
                kept_rows += picked.shape[0]
    lengths = np.asarray(counts, dtype=np.int64)
    names = tuple(features)
    label_summary = None
    sample_labels = sample_labels_all = None
    if label_col is not None and labels:
        from core.loaders.labels import encode_labels as labels_from_values

        encoded_labels = labels_from_values(np.asarray(labels, dtype=object if isinstance(labels[0], str) else None), label_col,
                                            path, lambda i: f"sequence {i + 1}")
        label_summary = encoded_labels.summary()
        sample_labels = sample_labels_all = encoded_labels
    keys = list(index)
    slots = sorted(sample_rows)
    sample_values = [np.concatenate(sample_rows[s]) for s in slots]
    sample_ids = [str(keys[s]) for s in slots]
    if sample_labels is not None:
        sample_labels = Labels(sample_labels.values[slots], sample_labels.kind, sample_labels.classes, sample_labels.name)
    sample = _sample(path, fmt_name, effective, names, sample_values, [len(v) for v in sample_values], sample_ids,
                     sample_labels, len(names))
    warnings = [f"the layout and columns were decided on the first {head.total_steps:,} rows of the file", *head.source.warnings]
    if effective.time_col:
        warnings.append(f"the sample's rows are in file order; the full read sorts each sequence by '{effective.time_col}'")
    if keep is not None:
        keep.update(index=index, labels=sample_labels_all, effective=effective, header=header, parse_options=parse_options,
                    features=features, id_name=id_name, feature_names=feature_names,
                    time_name=_arrow_name(effective.time_col, header))
    return lengths, names, stats, label_summary, list(head.source.guesses), warnings, sample, rows, fmt_name, effective


def _csv_batches(path: Path, header: bool, encoding: str | None, parse_options, convert_options):
    """Record batches of the CSV, parsed from pieces of about :data:`BATCH_BYTES` cut after a
    newline, so memory holds one piece and its table whatever the file's size (pyarrow's own
    streaming reader reads ahead as far as it can when the consumer is slower than the disk)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    pool = pa.system_memory_pool()
    if encoding not in (None, "utf-8", "utf8", "ascii", "utf-8-sig"):  # Arrow transcodes; its reader streams
        reader = pa_csv.open_csv(path, read_options=pa_csv.ReadOptions(block_size=BATCH_BYTES, autogenerate_column_names=not header,
                                                                       encoding=encoding),
                                 parse_options=parse_options, convert_options=convert_options, memory_pool=pool)
        yield from reader
        return
    names = None
    tail = b""
    with files.open_binary(path) as handle:
        first = True
        while True:
            block = handle.read(BATCH_BYTES)
            if not block and not tail:
                break
            data = tail + block if tail else block
            if first and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    tail = data
                    continue
                data, tail = data[:cut], data[cut:]
            else:
                tail = b""
            if not data.strip():
                continue
            if names is None:
                options = pa_csv.ReadOptions(autogenerate_column_names=not header, use_threads=False)
            else:
                options = pa_csv.ReadOptions(column_names=names, use_threads=False)
            table = pa_csv.read_csv(pa.py_buffer(data), read_options=options, parse_options=parse_options,
                                    convert_options=convert_options, memory_pool=pool)
            if names is None:
                if header:
                    names = pa_csv.read_csv(pa.py_buffer(data.split(b"\n", 1)[0] + b"\n"),
                                            read_options=pa_csv.ReadOptions(use_threads=False),
                                            parse_options=parse_options).column_names
                else:
                    names = [f"f{i}" for i in range(len(data.split(b"\n", 1)[0].split(parse_options.delimiter.encode())))]
            first = False
            del data
            yield from table.to_batches()
            del table


@overload
def _arrow_name(column: str, header: bool) -> str: ...
@overload
def _arrow_name(column: str | None, header: bool) -> str | None: ...
def _arrow_name(column: str | None, header: bool) -> str | None:
    """Arrow names headerless columns f0, f1...; ours are 'column_0', '0'... as the CSV reader names them."""
    if column is None or header:
        return column
    digits = "".join(ch for ch in column if ch.isdigit())
    return f"f{int(digits)}" if digits else column


def _arrow_names(columns: list[str], header: bool) -> list[str]:
    return [_arrow_name(c, header) for c in columns]


def _arrow_types(types: dict[str, Any], header: bool) -> dict[str, Any]:
    return {_arrow_name(c, header): t for c, t in types.items()}


def _floats(column) -> np.ndarray:
    """A float64 column as numpy, nulls as NaN, without pandas."""
    from core.loaders.flat_values import float64_values

    chunks = column.chunks if hasattr(column, "chunks") else [column]
    parts = [float64_values(chunk.fill_null(float("nan")) if chunk.null_count else chunk) for chunk in chunks]
    return np.concatenate(parts) if len(parts) != 1 else parts[0]


def _sample(path: Path, fmt: str, options: LoadOptions, names: tuple[str, ...], values: list[np.ndarray], lengths: list[int],
            ids: list[str], labels: Labels | None, width: int) -> SequenceDataset | None:
    if not lengths:
        return None
    flat = np.concatenate([v.reshape(-1, width) for v in values]) if values else np.empty((0, width), np.float32)
    source = SourceInfo(str(path), fmt, options.to_dict(), (), ("a sample of the first sequences of a file over the memory budget",))
    return SequenceDataset(flat.astype(np.float32, copy=False), np.asarray(lengths, dtype=np.int64), names, source, labels,
                           "sequences", sample_ids=tuple(ids)).validate()


def sampled_view(report: StreamedReport, padding: PaddingOptions | None = None) -> tuple[SequenceDataset, PaddingOptions]:
    """What the window shows for a file over the budget: the report's sample of the first
    sequences, padded to the whole file's maxlen (so the view and a model built from it have
    the real timesteps), with warnings that say it is a sample and the tensor was not built.

    Training from the window still reads the whole file: the training job re-reads the path,
    and ``train`` writes the tensor to disk and streams it when it does not fit.
    """
    if report.sample is None:
        raise LoadError(report.path, "has no sequence to show")
    padding = padding or PaddingOptions()
    if padding.maxlen is None:
        padding = replace(padding, maxlen=report.plan.timesteps)
    n, t, f = report.plan.shape
    shown = report.sample.n_samples
    notes = (f"only the first {shown} of {n} sequences are shown: the file is larger than the memory budget "
             f"({report.reason}), so its ({n}, {t}, {f}) tensor ({format_bytes(report.plan.memory_bytes)}) was not built",
             f"the whole file, from one streaming pass: lengths {int(report.lengths.min())} to {int(report.lengths.max())} "
             f"steps (mean {float(report.lengths.mean()):.1f}); training reads the whole file (written to .npy files "
             "on disk and streamed batch by batch)")
    source = replace(report.sample.source, warnings=(*notes, *report.warnings))
    return replace(report.sample, source=source), padding
