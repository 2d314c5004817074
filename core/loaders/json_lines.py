"""JSON Lines, streamed: read chunk by chunk, so memory follows the values, not the text.

:class:`LinesReader` yields :class:`LinesChunk` objects: pyarrow's JSON reader on the fast path,
the guarded standard-library parser (:mod:`core.loaders.json_parse`) otherwise, both reading
each record by the rules of :mod:`core.loaders.json_fields`. :func:`read_lines_file` gathers
the chunks into a :class:`~core.dataset.SequenceDataset`; the streamed shape report and the
tensor store read the same chunks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.dataset import Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.flat_values import GrowingValues, float64_values, list_offsets
from core.loaders.json_fields import ID_FIELDS, NUMBER_TYPES, flatten_steps, record_labels, split_records
from core.loaders.json_parse import parse_json, parse_lines
from core.loaders.numbers import FLOAT32_MAX
from core.options import LoadOptions

# A JSON Lines file is read in chunks so memory follows the output (float32 values), not the
# text or millions of Python objects. The fast path is pyarrow's JSON reader; any
# record it does not map cleanly onto flat values + lengths (a list record, NaN, a null, a
# value outside float32, a label that changes type...) sends the whole file to the standard
# library path, which reads the same chunks with the guards and raises the located error.
# Pieces of 1 MiB parsed on this thread keep Arrow's working set small (threads gained nothing
# on 2 cores and kept ~40 MB more in their allocator arenas).
CHUNK_LINES = 4096
ARROW_BLOCK_BYTES = 1 << 20
RESTART = object()  # yielded by LinesReader.chunks() when the fast path gave up: start over


@dataclass
class LinesChunk:
    """Consecutive records of a JSON Lines file, already flat."""

    values: np.ndarray  # (steps, F) floats within float32's range, valid until the next chunk; (0, 0) when empty
    lengths: np.ndarray  # int64, one per record
    labels: list[Any] | None
    ids: list[str] | None  # None when some record of the chunk has no id
    lines: np.ndarray | None  # 1-based line number of each record (None from the fast path)


class _Fallback(Exception):
    """The fast path cannot take this file; the standard-library path reads it instead."""


class LinesReader:
    """Read a JSON Lines file chunk by chunk; :meth:`chunks` yields :class:`LinesChunk` objects.

    ``guesses`` and ``fields`` are filled in from the first record; ``locate(index)`` names a
    record by its line for error messages after the fact.
    """

    def __init__(self, path: Path, options: LoadOptions, budget_bytes: int, cancelled=None) -> None:
        self.path = Path(path)
        self.options = options
        self.budget_bytes = budget_bytes
        self.cancelled = cancelled
        self.guesses: list[Guess] = []
        self.fields: dict[str, str | None] = {}
        self.used_fast_path = False
        self._line_table: np.ndarray | None = None

    # ---- lines -----------------------------------------------------------------------------
    def _text_lines(self):
        """``(line_number, text)`` of every line, decoded as the whole-file reader would."""
        head = files.read_head(self.path)
        sniffed, _ = files.sniff_encoding(head)
        if self.options.encoding or (sniffed or "").startswith("utf-16"):
            yield from self._decoded_lines()
            return
        with files.open_binary(self.path) as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                    self.guesses.append(Guess("encoding", "utf-8-sig", "the file starts with a byte-order mark", "encoding"))
                if b"\x00" in raw:
                    raise LoadError(self.path, "contains NUL bytes; it looks like a binary file, not JSON", where=f"line {number}")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    break  # not UTF-8: decode the whole file the way the other readers do
                yield number, text
            else:
                return
        self.guesses = [g for g in self.guesses if g.what != "encoding"]
        yield RESTART, None
        yield from self._decoded_lines()

    def _decoded_lines(self):
        decoded = files.read_text(self.path, self.options.encoding, self.budget_bytes, factor=2, kind="JSON")
        if decoded.guess:
            self.guesses.append(decoded.guess)
        yield from enumerate(decoded.text.splitlines(), start=1)

    # ---- chunks ----------------------------------------------------------------------------
    def chunks(self):
        """Yield :class:`LinesChunk` objects (or :data:`RESTART`: drop what came before)."""
        first = self._first_record()
        if first is None:
            raise LoadError(self.path, "holds no JSON data (only blank space)")
        number, record = first
        plan = self._arrow_plan(record)
        if plan is not None:
            guesses = list(self.guesses)
            try:
                yield from self._arrow_chunks(*plan)
                self.used_fast_path = True
                return
            except _Fallback:
                self.guesses = guesses
                self.fields = {}
                yield RESTART
        yield from self._stdlib_chunks()

    def _first_record(self):
        for number, text in self._text_lines():
            if number is RESTART:
                continue
            if text.strip():
                return number, parse_json(text, self.path, line=number)
        return None

    def _stdlib_chunks(self) -> Iterator[LinesChunk | object]:  # object: RESTART
        reference: list[tuple[int, Any]] = []  # the first record, then the first with steps
        numbers: list[int] = []
        texts: list[str] = []
        for number, text in self._text_lines():
            if number is RESTART:
                numbers, texts, reference = [], [], []
                yield RESTART
                continue
            if not text.strip():
                continue
            numbers.append(number)
            texts.append(text)
            if len(texts) >= CHUNK_LINES:
                yield self._stdlib_chunk(numbers, texts, reference)
                numbers, texts = [], []
        if texts:
            yield self._stdlib_chunk(numbers, texts, reference)

    def _stdlib_chunk(self, numbers: list[int], texts: list[str], reference: list[tuple[int, Any]]) -> LinesChunk:
        files.check_cancelled(self.path, self.cancelled)
        records = parse_lines(texts, numbers, self.path)
        first_chunk = not reference
        if first_chunk:
            reference.append((numbers[0], records[0]))
        # The reference records go first, so field names, step kinds and feature counts are
        # checked against the file's first record exactly as if the file were read at once.
        lead = [record for _, record in reference]
        lead_lines = [line for line, _ in reference]
        if first_chunk:
            lead, lead_lines = [], []
        all_records = lead + records
        all_lines = lead_lines + numbers

        def locate(index: int) -> str:
            return f"line {all_lines[index]}"

        guesses = self.guesses if first_chunk else []
        sequences, labels_raw, ids, fields = split_records(self.path, all_records, {}, self.options, guesses, locate)
        self.fields = fields
        values, lengths = flatten_steps(self.path, sequences, locate, self.budget_bytes, [], allow_empty=True)
        skip = len(lead)
        if skip:
            values = values[int(lengths[:skip].sum()):]
            lengths = lengths[skip:]
        if len(reference) == 1 and len(sequences[0]) == 0:  # sequences[0] is always the file's first record
            # the first record has no steps: the first one that has some is the reference for steps
            if (lengths > 0).any():
                index = int(np.argmax(lengths > 0))
                reference.append((numbers[index], records[index]))
        return LinesChunk(values, lengths, None if labels_raw is None else labels_raw[skip:],
                          None if ids is None else list(ids[skip:]), np.asarray(numbers, dtype=np.int64))

    # ---- the fast path ---------------------------------------------------------------------
    def _arrow_plan(self, record: Any):
        """``(schema, sequence_field, label_field, id_field, n_features)`` or None (no fast path)."""
        if self.options.encoding not in (None, "utf-8", "utf8") or not isinstance(record, dict):
            return None
        head = files.read_head(self.path, 4)
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return None
        guesses: list[Guess] = []
        try:
            sequences, labels_raw, ids, fields = split_records(self.path, [record], {}, self.options, guesses, lambda i: "line 1")
        except LoadError:
            return None
        steps = sequences[0]
        if not steps or type(steps[0]) not in (*NUMBER_TYPES, list):
            return None
        n_features = len(steps[0]) if isinstance(steps[0], list) else 0
        if isinstance(steps[0], list) and (not steps[0] or any(type(v) not in NUMBER_TYPES for v in steps[0])):
            return None
        import pyarrow as pa

        element = pa.float64()
        columns = [(fields["sequence_field"], pa.list_(pa.list_(element)) if n_features else pa.list_(element))]
        label_field = fields.get("label_col")
        scalar_types = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}
        if label_field is not None:
            kind = scalar_types.get(type(record[label_field]))
            if kind is None:
                return None  # per-step or multi-output labels: the standard path handles lists
            columns.append((label_field, kind))
        id_field = next((k for k in ID_FIELDS if k in record and k not in (fields["sequence_field"], label_field)), None)
        if id_field is not None:
            kind = scalar_types.get(type(record[id_field]))
            if kind is None:
                return None
            columns.append((id_field, kind))
        self.guesses.extend(guesses)
        self.fields = fields
        return pa.schema(columns), fields["sequence_field"], label_field, id_field, n_features

    def _arrow_chunks(self, schema, sequence_field: str, label_field: str | None, id_field: str | None, n_features: int):
        import pyarrow as pa
        import pyarrow.json as pa_json

        read_options = pa_json.ReadOptions(block_size=ARROW_BLOCK_BYTES, use_threads=False)
        parse_options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore",
                                             newlines_in_values=False)
        pool = pa.system_memory_pool()  # freed blocks go back to the system, so memory follows the output
        width = max(1, n_features)
        for piece, lines in _pieces(self.path):
            files.check_cancelled(self.path, self.cancelled)
            try:
                table = pa_json.read_json(pa.py_buffer(piece), read_options=read_options, parse_options=parse_options,
                                          memory_pool=pool)
            except (pa.ArrowException, OSError):
                raise _Fallback from None
            if table.num_rows != lines:
                raise _Fallback  # e.g. two records on one line, which JSON Lines does not allow
            del piece
            for batch in table.to_batches():
                try:
                    chunk = self._arrow_batch(batch, sequence_field, label_field, id_field, n_features, width)
                except UnicodeDecodeError:  # Arrow does not check UTF-8: not UTF-8 text, decode it as the others do
                    raise _Fallback from None
                yield chunk
            del table

    @staticmethod
    def _arrow_batch(batch, sequence_field, label_field, id_field, n_features: int, width: int) -> LinesChunk:
        column = batch.column(sequence_field)
        if column.null_count:
            raise _Fallback
        lengths = np.diff(list_offsets(column)).astype(np.int64)
        leaf = column.flatten()
        if n_features:
            if leaf.null_count:
                raise _Fallback
            widths = np.diff(list_offsets(leaf))
            if widths.size and not (widths == n_features).all():
                raise _Fallback
            leaf = leaf.flatten()
        if leaf.null_count:
            raise _Fallback
        wide = float64_values(leaf)
        if wide.size and not float(np.max(np.abs(wide), initial=0.0)) <= FLOAT32_MAX:
            raise _Fallback  # NaN, inf or beyond float32: the standard path names the value
        values = wide.reshape(-1, width)  # a view of Arrow's buffer: the consumer copies it
        labels = None
        if label_field is not None:
            label_column = batch.column(label_field)
            if label_column.null_count:
                raise _Fallback
            labels = label_column.to_pylist()
        ids = None
        if id_field is not None:
            id_column = batch.column(id_field)
            ids = None if id_column.null_count else [str(v) for v in id_column.to_pylist()]
        return LinesChunk(values, lengths, labels, ids, None)

    # ---- locating records ------------------------------------------------------------------
    def line_of(self, index: int, chunk_lines: list[np.ndarray]) -> int:
        """The line of record ``index`` (from the chunks' line numbers, or by scanning the file)."""
        if chunk_lines:
            return int(np.concatenate(chunk_lines)[index]) if len(chunk_lines) > 1 else int(chunk_lines[0][index])
        seen = -1
        with files.open_binary(self.path) as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    seen += 1
                    if seen == index:
                        return number
        return index + 1


_BLANK_LINE = re.compile(rb"(?m)^[ \t\r\f\v]*\n")
PIECE_BYTES = 1 << 20


def _pieces(path: Path):
    """``(bytes, records)``: the file in pieces of about 1 MiB cut after a newline, with the
    number of non-blank lines in each (what a JSON Lines reader must turn into records)."""
    tail = b""
    with files.open_binary(path) as handle:
        while True:
            block = handle.read(PIECE_BYTES)
            if not block:
                break
            block = tail + block if tail else block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                tail = block
                continue
            tail = block[cut:]
            piece = block[:cut] if cut < len(block) else block
            yield piece, _records_in(piece)
    if tail.strip():
        yield tail + b"\n", 1


def _records_in(piece: bytes) -> int:
    """Non-blank lines of a piece that ends in a newline (a regex only when blank lines may exist)."""
    count = piece.count(b"\n")
    if b"\n\n" in piece or piece[:1].isspace() or any(b"\n" + c in piece for c in (b" ", b"\t", b"\r", b"\f", b"\v")):
        count -= len(_BLANK_LINE.findall(piece))
    return count


def read_lines_file(path: Path, options: LoadOptions, budget_bytes: int, progress, cancelled) -> SequenceDataset:
    """A JSON Lines file into a :class:`SequenceDataset`, chunk by chunk within the budget."""
    reader = LinesReader(path, options, budget_bytes, cancelled)
    output = GrowingValues(path, budget_bytes)
    lengths: list[np.ndarray] = []
    labels: list[Any] | None = []
    ids: list[str] | None = []
    lines: list[np.ndarray] = []
    size = max(1, os.path.getsize(path))
    for chunk in reader.chunks():
        if chunk is RESTART:
            output.reset()
            lengths, labels, ids, lines = [], [], [], []
            continue
        output.add(chunk.values)
        lengths.append(chunk.lengths)
        if chunk.lines is not None:
            lines.append(chunk.lines)
        labels = None if labels is None or chunk.labels is None else _extend(labels, chunk.labels)
        ids = None if ids is None or chunk.ids is None else _extend(ids, chunk.ids)
        files.report_progress(progress, 0.8 * min(1.0, output.rows * output.width * 8 / size))
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    if all_lengths.size == 0:
        raise LoadError(path, "holds no JSON data (only blank space)")
    flat = output.finish()
    if flat is None:
        raise LoadError(path, "every sequence is empty", hint="Give each record at least one step")

    def locate(index: int) -> str:
        return f"line {reader.line_of(index, lines)}"

    fields = reader.fields
    warnings: list[str] = []
    label_field = fields.get("label_col")
    label_values = record_labels(path, labels, all_lengths, label_field, locate) if label_field is not None and labels is not None else None
    empty = int(np.count_nonzero(all_lengths == 0))
    if empty:
        first = int(np.argmax(all_lengths == 0))
        warnings.append(f"{empty} record{'s have' if empty > 1 else ' has'} no steps (first: {locate(first)}); "
                        "they become all-padding samples")
    feature_names = tuple(f"feature_{i}" for i in range(flat.shape[1]))
    effective = replace(options, format="jsonl", sequence_field=fields.get("sequence_field"), label_col=label_field)
    source = SourceInfo(str(path), "jsonl", effective.to_dict(), tuple(reader.guesses), tuple(warnings))
    sample_ids = tuple(ids) if ids and len(ids) == all_lengths.size else None
    return SequenceDataset(flat, all_lengths, feature_names, source, label_values, "sequences", sample_ids=sample_ids).validate()


def _extend(items: list[Any], more: list[Any]) -> list[Any]:
    items.extend(more)
    return items
