"""Read the UEA/UCR ``.ts`` time-series classification format.

A ``.ts`` file is a header of ``@tag value`` lines (``@problemName``, ``@timeStamps``,
``@missing``, ``@univariate``, ``@dimensions``, ``@equalLength``, ``@seriesLength``,
``@classLabel true <classes...>`` or ``@targetLabel true``) ending in ``@data``, then one case
per line: dimensions separated by ``:``, values by ``,``, the class label (or regression
target) last. ``?`` marks a missing value; lines starting with ``#`` (or ARFF's ``%``) are
comments. Tags are case-insensitive.

Cases may have different lengths (``@equalLength false``) but the dimensions of one case must
be equally long. Header flags are checked against the data, and a contradiction is an error
that names the line and the flag, because a file whose header lies was probably cut or
concatenated by mistake. Timestamped files (``(time,value)`` pairs) are read by taking the
values in file order; the timestamps themselves are dropped with a warning.

Speed and memory: the file is streamed in chunks of cases (about 512 KiB of text); each chunk's
numbers are parsed by one pyarrow CSV call over its joined text, then reordered from
dimension-major to step-major with one vectorised gather, straight into the one float32 output.
A chunk briefly holds about ten times its text (the lines, their value parts, the joined text and
its bytes, Arrow's column, the float64 and float32 copies), so the chunk is kept small: at 2 MiB
that was 20 MB above the values on a 97 MB file, a third of the reader's peak; at 512 KiB it is
about 6 MB, no slower.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core.dataset import Guess, LabelKind, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.labels import encode_labels as labels_from_values
from core.loaders.numbers import check_float32_range
from core.options import LoadOptions

TEXT_BYTES_PER_FILE_BYTE = 3  # the decoded text, the per-case strings and their joined copy
_BOOLEAN_TAGS = ("timestamps", "missing", "univariate", "equallength")
_KNOWN_TAGS = ("problemname", "dimensions", "serieslength", "classlabel", "targetlabel", "data", *_BOOLEAN_TAGS)
_TIMESTAMP_SPLIT = re.compile(r"(?<=\))\s*:")
_TUPLE = re.compile(r"\(([^()]*)\)")


@dataclass
class _Header:
    """The header flags, each with the line it was declared on (for error messages)."""

    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    classes: tuple[str, ...] | None = None
    data_line: int = 0  # 0-based index of the @data line

    def get(self, tag: str, default=None):
        return self.values.get(tag, default)

    def flag(self, tag: str) -> str:
        names = {"timestamps": "@timeStamps", "missing": "@missing", "univariate": "@univariate",
                 "equallength": "@equalLength", "dimensions": "@dimensions", "serieslength": "@seriesLength",
                 "classlabel": "@classLabel", "targetlabel": "@targetLabel"}
        value = self.values.get(tag)
        shown = str(value).lower() if isinstance(value, bool) else value
        return f"{names.get(tag, '@' + tag)} {shown} (line {self.lines[tag]})"


def _parse_header(lines, path: Path, warnings: list[str]) -> _Header:
    """Read ``(line_number, text)`` pairs up to and including the ``@data`` line."""
    header = _Header()
    for number, raw in lines:
        line = raw.strip()
        if not line or line.startswith(("#", "%")):
            continue
        if not line.startswith("@"):
            raise LoadError(path, "this line looks like a case, but no @data line came before it", where=f"line {number}",
                            hint="End the header with a line '@data' before the first case")
        written, _, rest = line[1:].partition(" ")
        tag = written.lower()
        rest = rest.strip()
        if tag == "data":
            header.data_line = number - 1
            return header
        if tag not in _KNOWN_TAGS:
            warnings.append(f"line {number}: unknown header tag @{written} was ignored")
            continue
        header.lines[tag] = number
        words = rest.split()
        if tag in _BOOLEAN_TAGS:
            header.values[tag] = _boolean(words, written, path, number)
        elif tag in ("dimensions", "serieslength"):
            if len(words) != 1 or not words[0].isdigit() or int(words[0]) < 1:
                raise LoadError(path, f"@{written} must be followed by a positive whole number, not {rest!r}", where=f"line {number}")
            header.values[tag] = int(words[0])
        elif tag in ("classlabel", "targetlabel"):
            flag = _boolean(words[:1], written, path, number)
            header.values[tag] = flag
            if tag == "classlabel" and flag and len(words) > 1:
                classes = tuple(words[1:])
                if len(set(classes)) != len(classes):
                    raise LoadError(path, "@classLabel lists a class twice", where=f"line {number}")
                header.classes = classes
            if not flag and len(words) > 1:
                raise LoadError(path, f"@{written} false cannot be followed by class names", where=f"line {number}")
        else:
            header.values[tag] = rest
    raise LoadError(path, "has no @data line, so the cases cannot be found",
                    hint="A .ts file needs its header to end with a line '@data' before the first case")


def _boolean(words: list[str], tag: str, path: Path, number: int) -> bool:
    if len(words) >= 1 and words[0].lower() in ("true", "false"):
        return words[0].lower() == "true"
    shown = " ".join(words) or "nothing"
    raise LoadError(path, f"@{tag} must be followed by true or false, not {shown!r}", where=f"line {number}")


# ---- entry point -----------------------------------------------------------------------------
CHUNK_BYTES = 512 << 10  # cases are parsed in pieces of about this much text (see the module's docstring)


class _NotUtf8(Exception):
    """The streamed bytes are not UTF-8: decode the whole file as the other readers do."""


def _streamed_lines(path: Path):
    """``(line_number, text)`` of a UTF-8 file, read line by line (never the whole text at once)."""
    with files.open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if b"\x00" in raw:
                raise LoadError(path, "contains NUL bytes; it looks like a binary file, not a .ts file", where=f"line {number}")
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _NotUtf8 from None


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a UEA/UCR ``.ts`` file into a :class:`SequenceDataset` (features ``dim_0..dim_{D-1}``).

    The cases are streamed: memory follows the float32 values, not the file's text.
    """
    path = Path(path)
    sniffed, _ = files.sniff_encoding(files.read_head(path))
    if not options.encoding and not (sniffed or "").startswith("utf-16"):
        try:
            return _read(path, options, budget_bytes, progress, cancelled, _streamed_lines(path), [], "utf-8")
        except _NotUtf8:
            pass
    decoded = files.read_text(path, options.encoding, budget_bytes, factor=TEXT_BYTES_PER_FILE_BYTE, kind="a .ts file")
    guesses = [decoded.guess] if decoded.guess else []
    return _read(path, options, budget_bytes, progress, cancelled, enumerate(decoded.text.splitlines(), start=1), guesses,
                 decoded.encoding)


def _read(path: Path, options: LoadOptions, budget_bytes: int, progress, cancelled, lines, guesses: list[Guess],
          encoding: str) -> SequenceDataset:
    from core.loaders.flat_values import GrowingValues

    warnings: list[str] = []
    lines = iter(lines)
    header = _parse_header(lines, path, warnings)
    if header.get("classlabel") and header.get("targetlabel"):
        raise LoadError(path, "the header has both @classLabel true and @targetLabel true",
                        where=f"line {header.lines['targetlabel']}", hint="Keep only the one that describes the last field")
    files.check_cancelled(path, cancelled)

    state = _State()
    output = GrowingValues(path, budget_bytes)
    lengths: list[np.ndarray] = []
    raw_labels: list[str] = []
    all_numbers: list[int] = []
    numbers: list[int] = []
    cases: list[str] = []
    held = 0
    size = max(1, os.path.getsize(path))
    for number, raw in lines:
        text = raw.strip()
        if not text or text.startswith(("#", "%")):
            continue
        numbers.append(number)
        cases.append(text)
        held += len(text)
        if held >= CHUNK_BYTES:
            _read_chunk(path, header, cases, numbers, state, output, lengths, raw_labels, warnings)
            all_numbers.extend(numbers)
            files.check_cancelled(path, cancelled)
            files.report_progress(progress, 0.9 * min(1.0, number * (held / len(cases)) / size))
            numbers, cases, held = [], [], 0
    if cases:
        _read_chunk(path, header, cases, numbers, state, output, lengths, raw_labels, warnings)
        all_numbers.extend(numbers)
    files.report_progress(progress, 0.9)  # every case parsed; labels and checks are left
    if not all_numbers:
        raise LoadError(path, "has no cases after @data", where=f"line {header.data_line + 1}", hint="Add one case per line after @data")
    if state.timestamped:
        warnings.append("the timestamps were dropped: each case's values are taken in file order")
    if state.missing:
        warnings.append(f"{state.missing} missing value{'s' if state.missing > 1 else ''} ('?') became NaN; fill them before training")
    values = output.finish()
    assert values is not None and state.n_dims is not None  # every chunk was read into output and set them
    all_lengths = np.concatenate(lengths)
    labels = None
    if state.has_label:
        labels = _labels(path, header, raw_labels, all_numbers, guesses)
    feature_names = tuple(f"dim_{d}" for d in range(state.n_dims))
    problem = header.get("problemname")
    if problem:
        guesses.append(Guess("problem", problem, "the file's @problemName", None))
    effective = replace(options, format="ts", encoding=options.encoding or encoding)
    source = SourceInfo(str(path), "ts", {**effective.to_dict(), "timestamps": state.timestamped}, tuple(guesses),
                        tuple(warnings))
    dataset = SequenceDataset(values, all_lengths, feature_names, source, labels, "sequences").validate()
    files.report_progress(progress, 1.0)
    return dataset


@dataclass
class _State:
    """What the first chunk established, so later chunks are checked against the first case."""

    n_dims: int | None = None
    first_length: int | None = None
    has_label: bool = False
    timestamped: bool = False
    missing: int = 0


def _read_chunk(path: Path, header: _Header, cases: list[str], numbers: list[int], state: _State, output,
                lengths: list[np.ndarray], raw_labels: list[str], warnings: list[str]) -> None:
    """Split, check and parse one chunk of cases; their step-major float32 values go to ``output``."""
    has_label = bool(header.get("classlabel") or header.get("targetlabel"))
    state.has_label = has_label
    timestamped = bool(header.get("timestamps"))
    state.timestamped = timestamped
    _check_timestamp_flag(path, header, cases, numbers)
    if timestamped:
        bodies, chunk_labels, dim_lengths = _split_timestamped(path, cases, numbers, has_label)
    else:
        bodies, chunk_labels, dim_lengths = _split_cases(path, cases, numbers, has_label)
    n_dims = _check_dimensions(path, header, dim_lengths, numbers, state.n_dims)
    chunk_lengths = _check_lengths(path, header, dim_lengths, numbers, state.first_length)
    if state.n_dims is None:
        state.n_dims, state.first_length = n_dims, int(chunk_lengths[0])
    flat = _parse_values(path, header, bodies, chunk_lengths, n_dims, numbers, state)
    output.add(_step_major(flat, chunk_lengths, n_dims))
    lengths.append(chunk_lengths)
    raw_labels.extend(chunk_labels)


# ---- splitting cases -------------------------------------------------------------------------
def _check_timestamp_flag(path: Path, header: _Header, cases: list[str], numbers: list[int]) -> None:
    stamped = [("(" in case) for case in cases]
    if header.get("timestamps"):
        if not all(stamped):
            index = stamped.index(False)
            raise LoadError(path, f"this case has plain values but the header says {header.flag('timestamps')}",
                            where=f"line {numbers[index]}", hint="Write (time,value) pairs or set @timeStamps false")
    elif any(stamped):
        index = stamped.index(True)
        flag = header.flag("timestamps") if "timestamps" in header.values else "no @timeStamps true"
        raise LoadError(path, f"this case has (time,value) pairs but the header says {flag}",
                        where=f"line {numbers[index]}", hint="Set @timeStamps true in the header")


def _split_cases(path: Path, cases: list[str], numbers: list[int], has_label: bool):
    """Per case: the value text (dimensions joined by ':'), its label, and its dimension lengths."""
    bodies: list[str] = []
    labels: list[str] = []
    dim_lengths: list[list[int]] = []
    for case, number in zip(cases, numbers):
        if has_label:
            body, separator, label = case.rpartition(":")
            if not separator or not label.strip():
                raise LoadError(path, "this case has no label after its last ':'", where=f"line {number}",
                                hint="End every case with ':' and its label, as the header declares a label")
            labels.append(label.strip())
        else:
            body = case
        dims = body.split(":")
        if any(not dim.strip() for dim in dims):
            empty = next(d for d, dim in enumerate(dims) if not dim.strip())
            raise LoadError(path, f"dimension {empty} of this case is empty", where=f"line {number}",
                            hint="Write '?' for a missing value; every dimension needs at least one value")
        bodies.append(body)
        dim_lengths.append([dim.count(",") + 1 for dim in dims])
    return bodies, labels, dim_lengths


def _split_timestamped(path: Path, cases: list[str], numbers: list[int], has_label: bool):
    """Like :func:`_split_cases` for ``(time,value)`` pairs; the bodies hold only the values."""
    bodies: list[str] = []
    labels: list[str] = []
    dim_lengths: list[list[int]] = []
    for case, number in zip(cases, numbers):
        parts = _TIMESTAMP_SPLIT.split(case)
        if has_label:
            if len(parts) < 2 or parts[-1].lstrip().startswith("("):
                raise LoadError(path, "this case has no label after its last ':'", where=f"line {number}",
                                hint="End every case with ':' and its label, as the header declares a label")
            labels.append(parts.pop().strip())
        dims = []
        for part in parts:
            pairs = _TUPLE.findall(part)
            if not pairs or _TUPLE.sub("", part).strip(" ,"):
                raise LoadError(path, "this case is not a list of (time,value) pairs", where=f"line {number}",
                                hint="Write each dimension as (t1,v1),(t2,v2),... separated by ':'")
            dims.append(",".join(pair.rpartition(",")[2] for pair in pairs))
        bodies.append(":".join(dims))
        dim_lengths.append([dim.count(",") + 1 for dim in dims])
    return bodies, labels, dim_lengths


# ---- header ↔ data checks --------------------------------------------------------------------
def _check_dimensions(path: Path, header: _Header, dim_lengths: list[list[int]], numbers: list[int],
                      first: int | None = None) -> int:
    """The number of dimensions; ``first`` is the first case's, when it was in an earlier chunk."""
    counts = np.fromiter(map(len, dim_lengths), dtype=np.int64, count=len(dim_lengths))
    declared = header.get("dimensions")
    expected = int(declared) if declared is not None else (int(counts[0]) if first is None else first)
    wrong = counts != expected
    if wrong.any():
        index = int(np.argmax(wrong))
        if declared is not None:
            problem = f"this case has {int(counts[index])} dimensions but the header says {header.flag('dimensions')}"
        else:
            problem = f"this case has {int(counts[index])} dimensions but the first case has {expected}"
        raise LoadError(path, problem, where=f"line {numbers[index]}",
                        hint="Separate dimensions with ':' and give every case the same number of them")
    if header.get("univariate") and expected > 1:
        raise LoadError(path, f"the cases have {expected} dimensions but the header says {header.flag('univariate')}",
                        where=f"line {numbers[0]}", hint="Set @univariate false for multivariate data")
    return expected


def _check_lengths(path: Path, header: _Header, dim_lengths: list[list[int]], numbers: list[int],
                   first: int | None = None) -> np.ndarray:
    table = np.array(dim_lengths, dtype=np.int64)  # (cases, dims): every row has the same width by now
    uneven = (table != table[:, :1]).any(axis=1)
    if uneven.any():
        index = int(np.argmax(uneven))
        row = table[index]
        listed = ", ".join(f"dim_{d}: {int(n)}" for d, n in enumerate(row))
        hint = "Every dimension of one case must have the same number of values"
        if not (header.get("classlabel") or header.get("targetlabel")) and row[-1] == 1 and (row[:-1] > 1).all():
            hint += "; if the last field is a class label, declare it with @classLabel true <classes>"
        raise LoadError(path, f"the dimensions of this case have different lengths ({listed})", where=f"line {numbers[index]}",
                        hint=hint)
    lengths = table[:, 0].copy()
    if header.get("equallength"):
        first_length = int(lengths[0]) if first is None else first
        differs = lengths != first_length
        if differs.any():
            index = int(np.argmax(differs))
            raise LoadError(path, f"this case has {int(lengths[index])} steps, the first has {first_length}, but the header "
                            f"says {header.flag('equallength')}", where=f"line {numbers[index]}",
                            hint="Set @equalLength false for cases of different lengths")
    series_length = header.get("serieslength")
    if series_length is not None and header.get("equallength") is not False:
        differs = lengths != int(series_length)
        if differs.any():
            index = int(np.argmax(differs))
            raise LoadError(path, f"this case has {int(lengths[index])} steps but the header says {header.flag('serieslength')}",
                            where=f"line {numbers[index]}", hint="Correct @seriesLength, or remove it for unequal lengths")
    return lengths


# ---- values ----------------------------------------------------------------------------------
def _parse_values(path: Path, header: _Header, bodies: list[str], lengths: np.ndarray, n_dims: int, numbers: list[int],
                  state: _State) -> np.ndarray:
    """Parse a chunk's values with one ``np.fromstring`` call; locate the culprit on failure.

    ``?`` is a missing value (NaN) unless the header says ``@missing false``; a ``nan`` written
    out is refused there too, and a value beyond float32 (``1e400`` reads as infinity) always,
    with its line, dimension and position.
    """
    counts = lengths * n_dims
    joined = ",".join(bodies).replace(":", ",")
    missing = joined.count("?")
    if missing and header.get("missing") is False:
        index = next(i for i, body in enumerate(bodies) if "?" in body)
        raise LoadError(path, f"this case has a missing value '?' but the header says {header.flag('missing')}",
                        where=f"line {numbers[index]}", hint="Set @missing true, or fill in the missing values")
    expected = int(counts.sum())
    flat = _parse_numbers(joined, expected)
    if flat is None:  # Arrow is strict (no spaces around numbers): numpy's parser, as before, decides
        try:
            flat = np.fromstring(joined.replace("?", "nan") if missing else joined, dtype=np.float64, sep=",")
        except ValueError:
            flat = None
    del joined
    if flat is None or flat.shape[0] != expected:
        _raise_bad_value(path, bodies, numbers)
        raise LoadError(path, "has values that cannot be read as numbers", hint="Use numbers separated by ',' and ':'")
    check_float32_range(flat, path, lambda i: _where_value(i, counts, lengths, numbers))  # the shared rule
    infinite = np.isinf(flat)  # e.g. 1e400, which reads as infinity: refused too, whatever @missing says
    if infinite.any():
        _raise_at_value(path, int(np.argmax(infinite)), counts, lengths, numbers, flat,
                        "is too large for 32-bit floats", "Rescale the data (for example divide by a power of ten) so it "
                        "fits float32, Keras' float type")
    not_a_number = np.isnan(flat)
    if header.get("missing") is False and not_a_number.any():
        _raise_at_value(path, int(np.argmax(not_a_number)), counts, lengths, numbers, flat,
                        f"is not a number but the header says {header.flag('missing')}",
                        "Set @missing true, or fill in the missing values")
    state.missing += int(np.count_nonzero(not_a_number))  # '?' and any 'nan' written out
    return flat


def _parse_numbers(joined: str, expected: int) -> np.ndarray | None:
    """``joined``'s comma-separated numbers ('?' → NaN) with pyarrow's CSV parser, or
    None when it cannot read them all (the caller then tries numpy and locates the culprit)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from core.loaders.flat_values import float64_values

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(joined.replace(",", "\n").encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=["v"], block_size=1 << 20),
            parse_options=pa_csv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False, escape_char=False),
            convert_options=pa_csv.ConvertOptions(column_types={"v": pa.float64()}, null_values=["?"],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=pa.system_memory_pool(),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != expected:
        return None  # e.g. an empty value, which Arrow would skip as an empty line
    column = table.column(0)
    parts = [float64_values(chunk.fill_null(float("nan")) if chunk.null_count else chunk) for chunk in column.chunks]
    return np.concatenate(parts) if len(parts) != 1 else parts[0].copy()


def _raise_at_value(path: Path, index: int, counts: np.ndarray, lengths: np.ndarray, numbers: list[int],
                    flat: np.ndarray, problem: str, hint: str) -> None:
    """A LoadError at flat value ``index`` of a chunk: its line, dimension and position."""
    value = float(flat[index])
    shown = "nan" if np.isnan(value) else ("too large to store" if np.isinf(value) else f"{value:g}")
    raise LoadError(path, f"this value ({shown}) {problem}", where=_where_value(index, counts, lengths, numbers), hint=hint)


def _where_value(index: int, counts: np.ndarray, lengths: np.ndarray, numbers: list[int]) -> str:
    """Flat value ``index`` of a chunk as ``line N, dimension d, value i``."""
    ends = np.cumsum(counts)
    case = int(np.searchsorted(ends, index, side="right"))
    within = index - (int(ends[case - 1]) if case else 0)
    dimension, step = divmod(within, int(lengths[case]))
    return f"line {numbers[case]}, dimension {dimension}, value {step}"


def _raise_bad_value(path: Path, bodies: list[str], numbers: list[int]) -> None:
    """Find the first case and value that is not a number (only runs when parsing failed)."""
    for body, number in zip(bodies, numbers):
        for d, dim in enumerate(body.split(":")):
            for step, token in enumerate(dim.split(",")):
                text = token.strip()
                if text == "?":
                    continue
                try:
                    float(text)
                except ValueError:
                    shown = text if len(text) <= 20 else text[:17] + "..."
                    problem = "a value is empty" if not text else f"{shown!r} is not a number"
                    raise LoadError(path, problem, where=f"line {number}, dimension {d}, value {step}",
                                    hint="Write numbers separated by ',' ('?' for a missing value)") from None


def _step_major(flat: np.ndarray, lengths: np.ndarray, n_dims: int) -> np.ndarray:
    """Reorder case blocks from dimension-major ``(D, L)`` to step-major ``(L, D)``, as float32."""
    n_cases = lengths.shape[0]
    if (lengths == lengths[0]).all():
        return np.ascontiguousarray(flat.reshape(n_cases, n_dims, int(lengths[0])).transpose(0, 2, 1),
                                    dtype=np.float32).reshape(-1, n_dims)
    total = int(lengths.sum())
    block_start = np.zeros(n_cases, dtype=np.int64)
    np.cumsum(lengths[:-1] * n_dims, out=block_start[1:])
    case_start = np.zeros(n_cases, dtype=np.int64)
    np.cumsum(lengths[:-1], out=case_start[1:])
    case_of_step = np.repeat(np.arange(n_cases), lengths)
    step_in_case = np.arange(total, dtype=np.int64) - case_start[case_of_step]
    source = (block_start[case_of_step] + step_in_case)[:, None] + np.arange(n_dims)[None, :] * lengths[case_of_step][:, None]
    return flat[source].astype(np.float32)


# ---- labels ----------------------------------------------------------------------------------
def _labels(path: Path, header: _Header, raw: list[str], numbers: list[int], guesses: list[Guess]) -> Labels:
    if header.get("targetlabel"):
        try:
            values = np.array(raw, dtype=np.float64)
        except ValueError:
            index = next(i for i, text in enumerate(raw) if not _is_number(text))
            raise LoadError(path, f"the target {raw[index]!r} is not a number but the header says {header.flag('targetlabel')}",
                            where=f"line {numbers[index]}", hint="Write a numeric target after the last ':'") from None
        return Labels(values.astype(np.float32), "regression", None, "target")
    if header.classes is None:
        guesses.append(Guess("classes", "from the data", "@classLabel true lists no classes, so they were collected from the cases", None))
        return labels_from_values(np.array(raw), "class", path, lambda i: f"line {numbers[i]}")
    lookup = {name: index for index, name in enumerate(header.classes)}
    codes = np.fromiter((lookup.get(label, -1) for label in raw), dtype=np.int64, count=len(raw))
    unknown = codes < 0
    if unknown.any():
        index = int(np.argmax(unknown))
        listed = " ".join(header.classes)
        raise LoadError(path, f"the class {raw[index]!r} is not among the classes in {header.flag('classlabel')}: {listed}",
                        where=f"line {numbers[index]}", hint="Add it to the @classLabel line or correct the label")
    kind: LabelKind = "binary" if len(header.classes) <= 2 else "multiclass"
    return Labels(codes, kind, header.classes, "class")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
