"""Tensors on disk: the padded ``x``, its ``mask`` and the labels ``y`` as ``.npy`` files.

:func:`convert` writes what :func:`core.shaping.tensorize.shape_dataset` would build, but in
chunks of samples into memory-mapped ``.npy`` files (``np.lib.format.open_memmap`` on a hidden
temporary name in the output folder, flushed, then renamed over the final name), so no more
than a chunk is ever in memory and a half-written folder never looks complete. The pages of a
written chunk are handed back to the kernel (``madvise(MADV_DONTNEED)`` after ``flush``), so the
process's resident memory stays near the chunk size however big the tensor is.

A file that loads within the budget is converted from its dataset; a JSON Lines file or a long
CSV over the budget is read twice in streaming passes (lengths and labels first, then the
values into the memory map). :func:`open_store` reads a folder back as
:class:`core.training.data.ArrayData` (memory-mapped), which ``train`` streams batch by batch
through ``tf.data``.

Folder layout: ``x.npy`` (N, T, F) float32 (or (N, T) int32 token ids), ``mask.npy`` (N, T)
bool when some cells are padding, ``y.npy`` when the file has labels, ``lengths.npy`` (N,)
int64 and ``shape.json`` (feature names, classes, task, padding, source file).
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.atomic import write_text_atomic
from core.budget import default_budget_bytes
from core.dataset import SequenceDataset
from core.errors import LoadError, MemoryBudgetError, ShapingError
from core.options import LoadOptions, PaddingOptions
from core.shaping.padding import pad, real_cells_mask
from core.shaping.tensorize import plan_shape

STORE_FILE = "shape.json"
CHUNK_FRACTION = 8  # a chunk of samples takes at most budget / 8


@dataclass(frozen=True)
class StoreInfo:
    """What :func:`convert` wrote."""

    folder: Path
    shape: tuple[int, ...]
    files: tuple[str, ...]
    bytes_written: int
    streamed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "shape": list(self.shape), "files": list(self.files),
                "bytes": self.bytes_written, "streamed": self.streamed}


class _Array:
    """One ``.npy`` being written: a memory map on a hidden temporary name, renamed when complete."""

    def __init__(self, folder: Path, name: str, shape: tuple[int, ...], dtype, fill=None) -> None:
        self.target = folder / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        self.tmp = Path(tmp)
        self.array = np.lib.format.open_memmap(self.tmp, mode="w+", dtype=dtype, shape=shape)
        self.fill = fill

    def write(self, start: int, block: np.ndarray) -> None:
        self.array[start:start + block.shape[0]] = block
        self.release()

    def release(self) -> None:
        """Flush what was written and drop those pages from this process's resident memory."""
        self.array.flush()
        handle = getattr(self.array, "_mmap", None)
        if handle is not None and hasattr(handle, "madvise"):
            handle.madvise(mmap.MADV_DONTNEED)

    def commit(self) -> None:
        self.release()
        del self.array
        with open(self.tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.target)

    def abandon(self) -> None:
        self.__dict__.pop("array", None)
        try:
            self.tmp.unlink()
        except FileNotFoundError:
            pass


def convert(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], options: LoadOptions | None = None,
            padding: PaddingOptions | None = None, budget_bytes: int | None = None, progress=None) -> StoreInfo:
    """Write ``path``'s padded tensor, mask and labels to ``out_dir`` within the memory budget."""
    from core.loaders import load

    options = options or LoadOptions()
    padding = padding or PaddingOptions()
    budget = default_budget_bytes() if budget_bytes is None else int(budget_bytes)
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise LoadError(folder, "exists and is not a folder", hint="Give --out a folder name")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        dataset = load(path, options, budget_bytes=budget)
    except MemoryBudgetError:
        from core.loaders.dispatch import detect_format

        fmt = options.format or detect_format(path)
        if fmt == "jsonl":
            return _convert_jsonl(Path(path), folder, options, padding, budget, progress)
        if fmt == "csv":
            return _convert_long_csv(Path(path), folder, options, padding, budget, progress)
        raise
    return _convert_dataset(dataset, folder, padding, budget, progress)


def _check_disk(folder: Path, plan) -> None:
    """Refuse before writing when the tensor and its mask would not fit on the folder's disk."""
    import shutil

    from core.wording import format_bytes

    needed = int(plan.memory_bytes)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise ShapingError(f"The padded tensor ({' × '.join(map(str, plan.shape))}, {format_bytes(needed)} with its mask) "
                           f"does not fit on the disk of {folder} ({format_bytes(free)} free); use a smaller maxlen or "
                           "write it to another disk with --out.")


def _chunk_samples(row_bytes: int, budget: int) -> int:
    return max(1, (budget // CHUNK_FRACTION) // max(1, row_bytes))


def _convert_dataset(dataset: SequenceDataset, folder: Path, padding: PaddingOptions, budget: int, progress) -> StoreInfo:
    if dataset.kind == "series":
        raise ShapingError("One long series needs no conversion: its windows are views of the series, and a .npy "
                           "series is memory-mapped and windowed batch by batch by train.")
    plan = plan_shape(dataset, padding)
    if plan.timesteps == 0:
        raise ShapingError("Every sequence is empty, so there are no timesteps to write.")
    _check_disk(folder, plan)
    opts = plan.padding
    n, t = plan.n_samples, plan.timesteps
    dtype = np.dtype(plan.dtype)
    row_bytes = int(np.prod(plan.shape[1:])) * dtype.itemsize + t
    step = _chunk_samples(row_bytes, budget)
    values = dataset.values[:, 0] if dataset.kind == "tokens" else dataset.values
    offsets = dataset.offsets
    labels = dataset.labels
    arrays: list[_Array] = []
    try:
        x = _Array(folder, "x.npy", plan.shape, dtype)
        arrays.append(x)
        mask = _Array(folder, "mask.npy", (n, t), np.bool_) if plan.has_mask else None
        if mask is not None:
            arrays.append(mask)
        y = None
        if labels is not None and labels.kind == "sequence":
            y = _Array(folder, "y.npy", (n, t), np.int64 if labels.classes is not None else np.float32)
            arrays.append(y)
        for start in range(0, n, step):
            stop = min(n, start + step)
            lengths = dataset.lengths[start:stop]
            rows = values[offsets[start]:offsets[stop]]
            x.write(start, pad(rows, lengths, t, opts.padding, opts.truncating, opts.value, dtype, budget_bytes=budget))
            if mask is not None:
                mask.write(start, real_cells_mask(lengths, t, opts.padding))
            if y is not None:
                assert labels is not None  # y is made only for sequence labels
                y.write(start, pad(labels.values[offsets[start]:offsets[stop]], lengths, t, opts.padding, opts.truncating, 0,
                                   y.array.dtype, budget_bytes=budget))
            if progress is not None:
                progress(stop / n)
        for array in arrays:
            array.commit()
    except BaseException:
        for array in arrays:
            array.abandon()
        raise
    y_values = None
    if labels is not None and labels.kind != "sequence":
        y_values = labels.values.astype(np.int64 if labels.classes is not None else np.float32, copy=False)
    return _finish(folder, arrays, y_values, np.minimum(dataset.lengths, t), dataset.source.path, plan.shape, opts,
                   dataset.feature_names, labels, dataset.kind, streamed=False)


def _convert_jsonl(path: Path, folder: Path, options: LoadOptions, padding: PaddingOptions, budget: int, progress) -> StoreInfo:
    """Two streaming passes over a JSON Lines file: lengths and labels, then the values."""
    from core.loaders.json_fields import record_labels
    from core.loaders.json_lines import RESTART, LinesReader

    def passes() -> tuple[LinesReader, list[tuple[np.ndarray, Any, int]]]:
        reader = LinesReader(path, options, budget)
        chunks: list[tuple[np.ndarray, Any, int]] = []
        for chunk in reader.chunks():
            if chunk is RESTART:
                chunks = []
                continue
            chunks.append((chunk.lengths, chunk.labels, chunk.values.shape[1] if chunk.values.size else 0))
        return reader, chunks

    reader, summary = passes()
    lengths = np.concatenate([c[0] for c in summary]) if summary else np.zeros(0, np.int64)
    width = next((c[2] for c in summary if c[2]), 0)
    if lengths.size == 0 or width == 0:
        raise LoadError(path, "every sequence is empty", hint="Give each record at least one step")
    raw_labels = [v for c in summary for v in (c[1] or [])]
    label_field = reader.fields.get("label_col")
    labels = record_labels(path, raw_labels, lengths, label_field, lambda i: f"record {i + 1}") \
        if label_field is not None and len(raw_labels) == lengths.size else None
    names = tuple(f"feature_{i}" for i in range(width))
    stand_in = SequenceDataset(np.broadcast_to(np.float32(0), (int(lengths.sum()), width)), lengths, names,
                               _jsonl_source(path, options))
    plan = plan_shape(stand_in, padding)
    _check_disk(folder, plan)
    opts = plan.padding
    n, t = plan.n_samples, plan.timesteps
    step = _chunk_samples(t * width * 4 + t, budget)
    arrays: list[_Array] = []
    try:
        x = _Array(folder, "x.npy", plan.shape, np.float32)
        arrays.append(x)
        mask = _Array(folder, "mask.npy", (n, t), np.bool_) if plan.has_mask else None
        if mask is not None:
            arrays.append(mask)
        start = 0
        second = LinesReader(path, options, budget)
        for chunk in second.chunks():
            if chunk is RESTART:
                start = 0
                continue
            chunk_offsets = np.concatenate(([0], np.cumsum(chunk.lengths)))
            for first in range(0, chunk.lengths.size, step):  # a piece of the file may hold more samples than fit
                last = min(chunk.lengths.size, first + step)
                lengths = chunk.lengths[first:last]
                rows = chunk.values[chunk_offsets[first]:chunk_offsets[last]]
                if rows.size:
                    block = pad(np.asarray(rows, dtype=np.float32), lengths, t, opts.padding, opts.truncating, opts.value,
                                np.float32, budget_bytes=budget)
                else:
                    block = np.full((last - first, t, width), opts.value, dtype=np.float32)
                x.write(start, block)
                if mask is not None:
                    mask.write(start, real_cells_mask(lengths, t, opts.padding))
                start += last - first
            if progress is not None:
                progress(start / n)
        if start != n:
            raise LoadError(path, "changed while it was being converted", hint="Convert it again once it is no longer written to")
        for array in arrays:
            array.commit()
    except BaseException:
        for array in arrays:
            array.abandon()
        raise
    return _finish(folder, arrays, labels.values if labels is not None else None, np.minimum(lengths, t), str(path),
                   plan.shape, opts, names, labels, "sequences", streamed=True)


def _convert_long_csv(path: Path, folder: Path, options: LoadOptions, padding: PaddingOptions, budget: int, progress) -> StoreInfo:
    """Two streaming passes over a long CSV: per-sequence counts and labels, then every row
    written at its sequence's next step. Rows of one sequence must come in time order (they
    may interleave with other sequences'); otherwise the file is refused with a hint."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    from core.dataset import SourceInfo
    from core.streaming_report import _arrow_names, _arrow_types, _csv_batches, _floats, _stream_csv

    keep: dict[str, Any] = {}
    lengths, names, _, _, _, _, _, _, fmt_name, effective = _stream_csv(path, options, budget, None, keep)
    index, labels = keep["index"], keep["labels"]
    n_features = len(names)
    stand_in = SequenceDataset(np.broadcast_to(np.float32(0), (int(lengths.sum()), n_features)), lengths, names,
                               SourceInfo(str(path), fmt_name, effective.to_dict()))
    plan = plan_shape(stand_in, padding)
    _check_disk(folder, plan)
    opts = plan.padding
    n, t = plan.n_samples, plan.timesteps
    kept = np.minimum(lengths, t)
    drop = np.maximum(lengths - t, 0) if opts.truncating == "pre" else np.zeros_like(lengths)
    shift = (t - kept) if opts.padding == "pre" else np.zeros_like(lengths)
    wanted = [c for c in [effective.id_col, effective.time_col, *keep["features"]] if c is not None]
    convert_options = pa_csv.ConvertOptions(include_columns=_arrow_names(wanted, keep["header"]),
                                            column_types=_arrow_types({c: pa.float64() for c in wanted[1:]}, keep["header"]))
    seen = np.zeros(n, dtype=np.int64)
    last_time = np.full(n, -np.inf)
    arrays: list[_Array] = []
    try:
        x = _Array(folder, "x.npy", plan.shape, np.float32)
        arrays.append(x)
        if opts.value != 0:
            for start in range(0, n, _chunk_samples(t * n_features * 4, budget)):
                x.write(start, np.full((min(n, start + _chunk_samples(t * n_features * 4, budget)) - start, t, n_features),
                                       opts.value, dtype=np.float32))
        for batch in _csv_batches(path, keep["header"], effective.encoding, keep["parse_options"], convert_options):
            encoded = pc.dictionary_encode(batch.column(keep["id_name"]))
            local = np.fromiter((index[key] for key in encoded.dictionary.to_pylist()), dtype=np.int64,
                                count=len(encoded.dictionary))
            codes = np.frombuffer(encoded.indices.buffers()[1], dtype=np.int32, count=len(encoded.indices),
                                  offset=encoded.indices.offset * 4)
            slots = local[codes]
            order = np.argsort(slots, kind="stable")
            sorted_slots = slots[order]
            starts = np.flatnonzero(np.r_[True, sorted_slots[1:] != sorted_slots[:-1]])
            rank = np.arange(slots.size) - np.repeat(starts, np.diff(np.r_[starts, slots.size]))
            if keep["time_name"] is not None:
                times = _floats(batch.column(keep["time_name"]))[order]
                previous = np.where(rank == 0, last_time[sorted_slots], np.r_[-np.inf, times[:-1]])
                if (times <= previous).any():
                    bad = int(sorted_slots[int(np.argmax(times <= previous))])
                    raise LoadError(path, f"the rows of sequence '{list(index)[bad]}' are not in '{effective.time_col}' order, "
                                    "which a file larger than the memory budget needs", hint="Sort the file by id and time first")
                last_time[sorted_slots[np.r_[starts[1:] - 1, slots.size - 1]]] = times[np.r_[starts[1:] - 1, slots.size - 1]]
            step = seen[sorted_slots] + rank - drop[sorted_slots]
            keep_row = (step >= 0) & (step < kept[sorted_slots])
            block = np.column_stack([_floats(batch.column(c)) for c in keep["feature_names"]])[order]
            target = x.array
            target[sorted_slots[keep_row], (step + shift[sorted_slots])[keep_row]] = block[keep_row]
            x.release()
            np.add.at(seen, sorted_slots[starts], np.diff(np.r_[starts, slots.size]))
        if plan.has_mask:
            mask = _Array(folder, "mask.npy", (n, t), np.bool_)
            arrays.append(mask)
            step_count = _chunk_samples(t, budget)
            for start in range(0, n, step_count):
                mask.write(start, real_cells_mask(lengths[start:start + step_count], t, opts.padding))
        for array in arrays:
            array.commit()
    except BaseException:
        for array in arrays:
            array.abandon()
        raise
    return _finish(folder, arrays, labels.values if labels is not None else None, kept, str(path), plan.shape, opts,
                   names, labels, "sequences", streamed=True)


def _jsonl_source(path: Path, options: LoadOptions):
    from core.dataset import SourceInfo

    return SourceInfo(str(path), "jsonl", options.to_dict())


def _finish(folder: Path, arrays: list, y_values: np.ndarray | None, lengths: np.ndarray, source: str | None, shape,
            padding: PaddingOptions, names, labels, kind: str, *, streamed: bool) -> StoreInfo:
    """After the big arrays are committed: the labels, the kept lengths and the description, then
    what was written (one tail for every way of converting)."""
    written = [a.target.name for a in arrays]
    if y_values is not None:
        _save_small(folder / "y.npy", y_values)
        written.append("y.npy")
    _save_small(folder / "lengths.npy", lengths.astype(np.int64))
    written.append("lengths.npy")
    _write_meta(folder, source, shape, padding, names, labels.kind if labels is not None else None,
                labels.classes if labels is not None else None, kind, written)
    return StoreInfo(folder, shape, tuple(written + [STORE_FILE]), _size(folder, written), streamed)


def _save_small(target: Path, array: np.ndarray) -> None:
    from core.atomic import atomic_path

    with atomic_path(target) as tmp:
        with open(tmp, "wb") as handle:
            np.save(handle, np.ascontiguousarray(array), allow_pickle=False)


def _write_meta(folder: Path, source: str | None, shape, padding: PaddingOptions, names, task, classes, kind, written) -> None:
    meta = {"format": "shape-explorer tensors", "version": 1, "source": source, "shape": list(shape),
            "padding": padding.to_dict(), "feature_names": list(names), "task": task,
            "classes": list(classes) if classes else None, "kind": kind, "files": written}
    write_text_atomic(folder / STORE_FILE, json.dumps(meta, indent=2) + "\n")


def _size(folder: Path, names: list[str]) -> int:
    return sum((folder / name).stat().st_size for name in names)


def is_store(path: str | os.PathLike[str]) -> bool:
    """True for a folder written by :func:`convert`."""
    folder = Path(path)
    return folder.is_dir() and (folder / STORE_FILE).is_file() and (folder / "x.npy").is_file()


def open_store(path: str | os.PathLike[str]):
    """A folder written by :func:`convert` as memory-mapped :class:`core.training.data.ArrayData`."""
    from core.training.data import ArrayData

    folder = Path(path)
    try:
        meta = json.loads((folder / STORE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LoadError(folder / STORE_FILE, f"cannot be read ({error})", hint="Convert the file again") from None
    x = np.load(folder / "x.npy", mmap_mode="r", allow_pickle=False)
    mask = np.load(folder / "mask.npy", mmap_mode="r", allow_pickle=False) if (folder / "mask.npy").is_file() else None
    y = np.load(folder / "y.npy", mmap_mode="r", allow_pickle=False) if (folder / "y.npy").is_file() else None
    lengths = (np.load(folder / "lengths.npy", allow_pickle=False) if (folder / "lengths.npy").is_file()
               else np.full(x.shape[0], x.shape[1], dtype=np.int64))  # no lengths written: every sample is full length
    if y is None:
        raise LoadError(folder, "holds no labels (y.npy), so there is nothing to train towards",
                        hint="Convert a file with a label column or field")
    task = meta.get("task")
    classes = tuple(meta["classes"]) if meta.get("classes") else None
    return ArrayData(x=x, y=np.asarray(y), task=task, n_classes=len(classes) if classes else None, mask=mask, lengths=lengths,
                     padding=PaddingOptions.from_dict(meta.get("padding") or {}), class_names=classes,
                     feature_names=tuple(meta.get("feature_names") or ()))
