"""CSV/TSV tables → sequences: the reader entry point.

The work is split along its reasons to change: :mod:`core.loaders.csv_dialect` sniffs how the
text is written (delimiter, header, decimal mark), this module decodes and parses it with
pandas, :mod:`core.loaders.table_layout` guesses the columns' roles and the layout (shared by
every table format), and :mod:`core.loaders.table_build` builds the sequences.

* **long**: one row per time step; a sequence-id column, an optional order column (rows may
  be shuffled), feature columns and an optional label column → ragged sequences.
* **wide**: one row per sample, one column per time step (univariate); empty trailing cells
  make a sequence shorter.
* **series**: rows are time, columns are features → one long sequence (``kind="series"``),
  cut into windows later.

Parsing uses pandas' pyarrow engine (fast, multi-threaded) and falls back to the C engine
for what pyarrow refuses (short rows, huge fields, decimal commas) and to learn the line
number of a broken row (line numbers are only computed when an error names one).
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
from pathlib import Path

from core.dataset import Guess, SequenceDataset
from core.errors import LoadError
from core.loaders import files, huge_rows
from core.loaders.csv_dialect import (
    SNIFF_BYTES,
    Dialect,
    RowLines,
    field_counts,
    is_number,
    looks_like_numeric_table,
    preamble,
    sniff_dialect,
)
from core.loaders.table_build import MAX_CLASSES, Table, encode_labels, short
from core.loaders.table_layout import Plan
from core.loaders.table_read import Shaped, shape_table, table_dataset
from core.options import LoadOptions

__all__ = ["MAX_CLASSES", "encode_labels", "is_number", "looks_like_numeric_table", "read", "sniff_dialect"]


# ---- parsing ---------------------------------------------------------------------------------
def _parse(data: bytes, path: Path, dialect: Dialect, first_line: int = 0, guesses: list[Guess] | None = None,
           notes: list[str] | None = None) -> Table:
    import pandas as pd

    header_arg = 0 if dialect.header else None
    lines = RowLines(data, 1 if dialect.header else 0, first_line)
    use_arrow = (dialect.delimiter != " " and dialect.decimal == "." and dialect.thousands is None
                 and (data.find(b'"') < 0 or data.count(b'"') % 2 == 0))
    frame = None
    padded = False
    if use_arrow:
        try:
            import pyarrow

            with warnings.catch_warnings():
                warnings.simplefilter("error")
                # A pyarrow BufferReader lets pyarrow read the bytes in place; a BytesIO would be
                # copied through Python file calls (a third slower on a 40 MB file).
                source = pyarrow.BufferReader(data)
                frame = pd.read_csv(source, sep=dialect.delimiter, header=header_arg, engine="pyarrow")
            # The parse's freed scratch stays in pyarrow's pool (1.1 GB after a 10M-row file, twice
            # the table), and what follows allocates from numpy's, not that pool: give it back now.
            pyarrow.default_memory_pool().release_unused()
        except pd.errors.EmptyDataError:
            raise LoadError(path, "has no data rows") from None
        except Exception:  # noqa: BLE001 — any pyarrow refusal: the C engine says exactly what and where
            frame = None
    if frame is None:
        kwargs: dict = {"sep": r"\s+" if dialect.delimiter == " " else dialect.delimiter, "header": header_arg, "engine": "c", "index_col": False,
                        "decimal": dialect.decimal, "thousands": dialect.thousands, "low_memory": False,
                        "skip_blank_lines": True}
        if not dialect.header and dialect.delimiter != " ":
            counts = field_counts(data, dialect.delimiter)
            width = int(counts.max()) if counts.size else 1
            padded = bool(counts.size) and int(counts.min()) != width
            kwargs["names"] = list(range(width))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                frame = pd.read_csv(io.BytesIO(data), **kwargs)
        except pd.errors.EmptyDataError:
            raise LoadError(path, "has no data rows") from None
        except pd.errors.ParserError as error:
            raise _parser_error(path, str(error)) from None
        except (ValueError, UnicodeError, OverflowError, MemoryError, Warning) as error:
            raise LoadError(path, f"could not be parsed as CSV ({short(str(error))})",
                            hint="Check the delimiter and quoting") from None
        if not dialect.header and len(frame.columns) > 1 and padded:
            # Quoted delimiters can over-count fields: drop columns that are empty everywhere.
            keep = [c for c in frame.columns if not frame[c].isna().all()] or list(frame.columns[:1])
            frame = frame[keep]
    if len(frame.columns) > 1 and frame[frame.columns[-1]].isna().all() and len(frame):
        last = str(frame.columns[-1])
        if not dialect.header or last.startswith("Unnamed:") or not last.strip():
            frame = frame.iloc[:, :-1]  # every line ends with the delimiter: an empty column after it
            if guesses is not None:
                guesses.append(Guess("excluded column", "(empty last column)", "every line ends with a delimiter, so "
                                     "the column after it is empty; it was left out", "feature_cols"))
    if dialect.header:
        columns = [str(c) for c in frame.columns]
        named = [c.strip() for c in (dialect.rows[0] if dialect.rows else [])]
        repeated = sorted({c for c in named if c and named.count(c) > 1})
        if repeated and notes is not None:
            notes.append(f"the header (line {first_line + 1}) names {', '.join(repr(c) for c in repeated[:5])} more than "
                         f"once; the later ones are called '{repeated[0]}.1', … (choose columns by those names)")
    else:
        columns = [f"col{i}" for i in range(len(frame.columns))]
    frame.columns = columns
    if len(frame) == 0:
        raise LoadError(path, "has a header but no data rows" if dialect.header else "has no data rows")
    return Table(frame, columns, lines, padded)


def _parser_error(path: Path, message: str) -> LoadError:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = fields.groups()
        return LoadError(path, f"has {saw} fields where the header has {expected}", where=f"line {line}",
                         hint="Check the delimiter and quotes on that line")
    eof = re.search(r"EOF inside string starting at row (\d+)", message)
    if eof:
        return LoadError(path, 'has a quote (") that is never closed', where=f"line {int(eof.group(1)) + 1}",
                         hint="Close the quote or remove it")
    line = re.search(r"line (\d+)", message)
    return LoadError(path, f"could not be parsed as CSV ({short(message)})",
                     where=f"line {line.group(1)}" if line else None, hint="Check the delimiter and quoting")



def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a CSV/TSV file in the long, wide or series layout (detected unless given)."""
    size = path.stat().st_size
    files.check_size(path, size, budget_bytes, factor=3.0)
    raw = files.read_bytes(path)
    files.report_progress(progress, 0.05)
    files.check_cancelled(path, cancelled)
    mixed = _utf8_with_cp1252_bytes(raw, path) if options.encoding is None else None
    encoding_guess: Guess | None
    if mixed is not None:
        data, encoding, encoding_guess = mixed
    else:
        data, encoding, encoding_guess = files.utf8_bytes(raw, path, options.encoding, kind="CSV")
    del raw
    guesses: list[Guess] = [encoding_guess] if encoding_guess else []
    if options.delimiter is not None and len(options.delimiter) != 1:
        raise LoadError(path, f"the delimiter must be one character, not {options.delimiter!r}")
    offset, skipped, sep, comments = preamble(data)
    if skipped:
        data = data[offset:]
        what = " and ".join(w for w in ("Excel's 'sep=' line" if sep else "", "comment lines starting with '#'"
                                          if comments else "") if w)
        guesses.append(Guess("skipped lines", skipped, f"the file starts with {what}; the table starts on line "
                             f"{skipped + 1}", "header"))
    delimiter = options.delimiter or sep
    if sep and options.delimiter is None:
        guesses.append(Guess("delimiter", _DELIMITER_WORDS.get(sep, sep), f"the first line 'sep={sep}' names it",
                             "delimiter"))
    head = _head(data)
    if not head.strip():
        raise LoadError(path, "has no table, only comment lines or Excel's sep= line" if skipped else
                        "has no data (only blank lines)")
    dialect = sniff_dialect(head, delimiter, options.header, complete=len(head) >= len(data) - 1)
    guesses.extend(dialect.guesses)
    files.report_progress(progress, 0.1)

    huge = huge_rows.read_if_huge(data, path, dialect, options, skipped, guesses)
    if huge is not None:
        values, lengths, labels, huge_notes = huge
        plan = Plan("wide", label_col="col0" if labels is not None else None, feature_cols=[])
        shaped = Shaped(values, lengths, labels, None, ("value",), "sequences", plan)
        return _dataset(path, options, encoding, dialect, guesses, huge_notes, shaped, skipped, comments)

    notes: list[str] = []
    table = _parse(data, path, dialect, skipped, guesses, notes)
    files.report_progress(progress, 0.6)
    files.check_cancelled(path, cancelled)

    shaped = shape_table(table, path, options, guesses, dialect.header, notes, progress, cancelled)
    return _dataset(path, options, encoding, dialect, guesses, notes, shaped, skipped, comments, ragged=table.padded,
                    stray=mixed is not None)


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("shape_explorer_cp1252_bytes", _cp1252_byte)


def _utf8_with_cp1252_bytes(raw: bytes, path: Path) -> tuple[bytes, str, Guess] | None:
    """UTF-8 text with a few stray Windows (cp1252) bytes, e.g. one cell pasted from another file:
    the UTF-8 is kept and only the stray bytes are read as cp1252 (decoding the whole file as
    cp1252 would garble every accented UTF-8 character). None when the file is not like that."""
    if raw.isascii() or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        return None
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        first = error.start
    text = body.decode("utf-8", errors="shape_explorer_cp1252_bytes")
    if text == body.decode("cp1252", errors="replace"):
        return None  # no valid multi-byte UTF-8 at all: a plain cp1252 file, which files.decode_text reads
    line = body.count(b"\n", 0, first) + 1
    shown = body[first:first + 1].decode("cp1252", errors="replace")
    guess = Guess("encoding", "utf-8", f"the file is UTF-8 except for bytes like 0x{body[first]:02X} on line {line}, "
                  f"which were read as Windows (cp1252) characters ('{shown}')", "encoding")
    return text.encode("utf-8"), "utf-8", guess


_DELIMITER_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "whitespace"}


def _head(data: bytes) -> str:
    """The first lines to sniff: up to the last line end within the sniffing limit, or, for a
    file whose first line is longer than that, just the limit (never the whole line)."""
    if len(data) <= SNIFF_BYTES:
        return data.decode("utf-8", errors="replace")
    end = data.rfind(b"\n", 0, SNIFF_BYTES)
    return data[: end if end > 0 else SNIFF_BYTES].decode("utf-8", errors="replace")


def _dataset(path: Path, options: LoadOptions, encoding: str, dialect: Dialect, guesses: list[Guess], notes: list[str],
             shaped: Shaped, skipped: int, comments: bool, ragged: bool = False, stray: bool = False) -> SequenceDataset:
    # ``ragged`` (short rows of a header-less file were padded to the widest) and ``stray_bytes`` (UTF-8
    # with cp1252 bytes, each read with errors="replace") are recorded for exported scripts too.
    recorded = {"ragged": ragged, "stray_bytes": "cp1252-replace" if stray else None,
        "delimiter": dialect.delimiter, "header": dialect.header, "encoding": options.encoding or encoding,
        "decimal": dialect.decimal, "thousands": dialect.thousands, "skip_rows": skipped,
        "comment": "#" if comments else None, "label_position": _label_position(shaped.plan, dialect),
    }
    return table_dataset(path, "csv", shaped, options, guesses, notes, recorded)


def _label_position(plan: Plan, dialect: Dialect) -> str | None:
    """Where a headerless table keeps its label: "first" or "last" column (None when named)."""
    if plan.label_col is None or dialect.header or not plan.label_col.startswith("col"):
        return None
    return "first" if plan.label_col == "col0" else "last"
