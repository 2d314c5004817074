"""How a delimited text table is written: delimiter, header row, decimal mark, line numbers.

Pure Python and numpy (no pandas), so format detection can use it cheaply: :func:`sniff_dialect`
looks at the first lines of a table and reports each decision as a :class:`Guess`;
:class:`RowLines` maps parsed rows back to the file's line numbers for error messages.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import numpy as np

from core.dataset import Guess

DELIMITERS = (",", "\t", ";", "|", " ")  # " " means runs of spaces/tabs (UCR-style .txt)
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "whitespace"}
_SNIFF_LINES = 50
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+\s*$")  # 12,5 and 1.234,5
_THOUSANDS_DOT = re.compile(r"^\s*[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?\s*$")  # 1.234 or 1.234,5
_THOUSANDS_COMMA = re.compile(r"^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$")  # 1,234 or 1,234.5
_SEP_LINE = re.compile(rb"^\s*sep=(.)\s*$", re.IGNORECASE)
SNIFF_BYTES = 64 * 1024  # the sniffer never looks at more than this much of a file
_NAN_WORDS = {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}
_STEP_NAME = re.compile(r"^(.*?)(\d+)$")


# ---- sniffing (pure Python, no pandas: also used by format detection) ------------------------
def is_number(cell: str, decimal_comma: bool = False) -> bool:
    """Whether a CSV cell holds a number (NaN/inf words count; empty cells do not)."""
    if _NUMBER.match(cell) or cell.strip().lower() in _NAN_WORDS or _THOUSANDS_COMMA.match(cell):
        return True
    return decimal_comma and bool(_DECIMAL_COMMA.match(cell) or _THOUSANDS_DOT.match(cell))


def split_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    if delimiter == " ":
        return [line.split() for line in lines]
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:  # e.g. a field larger than csv's limit: a rough split is enough to sniff
        return [line.split(delimiter) for line in lines]


@dataclass(frozen=True)
class Dialect:
    """How the table is written: delimiter, header row, decimal mark; with the reasons."""

    delimiter: str
    header: bool
    decimal: str
    rows: list[list[str]]  # the sniffed head rows (header included)
    guesses: tuple[Guess, ...]
    thousands: str | None = None  # the thousands separator, when numbers use one


def _score(rows: list[list[str]], delimiter: str) -> tuple[bool, float, float, int]:
    counts = [len(r) for r in rows]
    if not counts:
        return (False, 0.0, 0.0, 0)
    mode = max(set(counts), key=counts.count)
    consistent = counts.count(mode) / len(counts)
    body = rows[1:] or rows
    cells = [c for r in body for c in r if c.strip()]
    numeric = sum(is_number(c, delimiter != ",") for c in cells) / len(cells) if cells else 0.0
    return (mode >= 2 and consistent >= 0.8, consistent, numeric, mode)


def head_lines(text: str, complete: bool = True) -> list[str]:
    """The first non-blank lines of ``text``, from at most :data:`SNIFF_BYTES` of it.

    When ``text`` is only the start of a file (``complete=False``, or longer than the sniffing
    limit) its last line may be cut short: it is dropped, or, when it is the only line (one huge
    row), cut back to its last separator so no half number is sniffed.
    """
    if len(text) > SNIFF_BYTES:
        text, complete = text[:SNIFF_BYTES], False
    lines = [line for line in text.splitlines()[: _SNIFF_LINES * 2] if line.strip()]
    if not complete and not text.endswith(("\n", "\r")) and lines:
        if len(lines) > 1:
            lines = lines[:-1]
        else:
            cut = max(lines[0].rfind(c) for c in ",;\t| ")
            lines = [lines[0][:cut]] if cut > 0 else lines
    return lines[:_SNIFF_LINES]


def preamble(data: bytes) -> tuple[int, int, str | None, bool]:
    """Lines before the table: Excel's ``sep=;`` line and leading ``#`` comment lines.

    Returns ``(byte offset where the table starts, lines skipped, the delimiter a sep= line
    names, whether comment lines were skipped)``.
    """
    offset, skipped, sep, comments = 0, 0, None, False
    while offset < len(data) and skipped < 10_000:
        end = data.find(b"\n", offset)
        end = len(data) if end < 0 else end
        line = data[offset:end].lstrip(b"\xef\xbb\xbf")
        match = _SEP_LINE.match(line) if skipped == 0 or (sep is None and not line.strip().startswith(b"#")) else None
        if match and sep is None:
            sep = match.group(1).decode("latin-1")
        elif line.lstrip().startswith(b"#"):
            comments = True
        elif not line.strip() and (sep or comments):
            pass  # a blank line inside the preamble
        else:
            break
        offset, skipped = end + 1, skipped + 1
    return min(offset, len(data)), skipped, sep, comments


def sniff_dialect(text: str, delimiter: str | None = None, header: bool | None = None,
                  complete: bool = True) -> Dialect:
    """Detect the delimiter (``,`` ``;`` tab ``|``), the header row, decimal commas and thousands
    separators from the first lines of ``text`` (see :func:`head_lines`)."""
    lines = head_lines(text, complete)
    guesses: list[Guess] = []
    if delimiter is None:
        scored = [(_score(split_rows(lines, d), d), -i, d) for i, d in enumerate(DELIMITERS)]
        best = max(scored)
        delimiter = best[2] if best[0][0] else ","
        if best[0][0]:
            why = f"every line splits into {best[0][3]} fields on it"
        else:
            why = "no delimiter splits the lines consistently, so one column (or ragged rows) is assumed"
        guesses.append(Guess("delimiter", _DELIMITER_NAMES.get(delimiter, delimiter), why, "delimiter"))
    rows = split_rows(lines, delimiter)
    body = rows[1:]
    decimal, thousands = _number_style([c for r in rows for c in r], delimiter, guesses)
    if header is None:
        header, why = _detect_header(rows, body, decimal == ",")
        guesses.append(Guess("header", header, why, "header"))
    return Dialect(delimiter, header, decimal, rows, tuple(guesses), thousands)


def _number_style(cells: list[str], delimiter: str, guesses: list[Guess]) -> tuple[str, str | None]:
    """The decimal mark and thousands separator the numbers are written with."""
    grouped_comma = next((c.strip() for c in cells if _THOUSANDS_COMMA.match(c) and "." in c), None)
    if grouped_comma is None and delimiter == ",":  # a comma inside a comma-delimited cell: quoted 1,234
        grouped_comma = next((c.strip() for c in cells if _THOUSANDS_COMMA.match(c)), None)
    if grouped_comma is not None:
        guesses.append(Guess("thousands separator", ",", f"numbers like '{grouped_comma[:20]}' group thousands with "
                             "commas and use a decimal point", "delimiter"))
        return ".", ","
    if delimiter == ",":
        return ".", None
    decimal_comma = next((c.strip() for c in cells if _DECIMAL_COMMA.match(c)), None)
    plain_point = any("." in c and _NUMBER.match(c) and not _THOUSANDS_DOT.match(c) for c in cells)
    if decimal_comma is None or plain_point:
        return ".", None
    guesses.append(Guess("decimal mark", ",", f"numbers are written with a decimal comma (e.g. '{decimal_comma[:20]}')",
                         "delimiter"))
    grouped_dot = next((c.strip() for c in cells if _THOUSANDS_DOT.match(c)), None)
    if grouped_dot is None:
        return ",", None
    guesses.append(Guess("thousands separator", ".", f"numbers like '{grouped_dot[:20]}' group thousands with points",
                         "delimiter"))
    return ",", "."


def _detect_header(rows: list[list[str]], body: list[list[str]], decimal_comma: bool) -> tuple[bool, str]:
    if not rows:
        return False, "the file has no rows"
    first = rows[0]
    if not body:
        if any(c.strip() and not is_number(c, decimal_comma) for c in first):
            return True, "the only line is not numeric"
        return False, "the only line is numeric"
    for j, cell in enumerate(first):
        if not cell.strip() or is_number(cell, decimal_comma):
            continue
        column = [r[j] for r in body if j < len(r) and r[j].strip()]
        if column and sum(is_number(c, decimal_comma) for c in column) >= 0.5 * len(column):
            return True, f"the first line has the word '{cell.strip()[:30]}' above numbers"
    if not first[0].strip() and len(first) >= 2 and all(r and r[0].strip() for r in body):
        rest = [c.strip() for c in first[1:]]
        if rest == [str(i) for i in range(len(rest))]:  # pandas' default column names above its index
            return True, "the first line names the columns 0, 1, … above an unnamed index column, as pandas writes"
    numbered = [c.strip() for c in first if is_number(c, decimal_comma)]
    if len(numbered) >= 3 and len(numbered) < len(first) and step_columns(numbered):
        return True, f"the first line numbers the columns ({', '.join(numbered[:3])}, …)"
    if all(c.strip() and not is_number(c, decimal_comma) for c in first):
        repeated = any(first[j] in {r[j] for r in body if j < len(r)} for j in range(len(first)))
        if not repeated:
            return True, "the first line's words never occur again in their columns"
    return False, "the first line looks like data"


def looks_like_numeric_table(text: str, complete: bool = True) -> bool:
    """True when the text's lines are delimited numbers (a CSV written as .txt); ``complete=False``
    when ``text`` is only the start of the file."""
    lines = head_lines(text, complete)
    if not lines:
        return False
    dialect = sniff_dialect(text, complete=complete)
    body = dialect.rows[1:] if dialect.header else dialect.rows
    cells = [c for r in body for c in r if c.strip()]
    if not cells:
        return False
    numeric = sum(is_number(c, dialect.decimal == ",") for c in cells)
    return numeric >= 0.8 * len(cells)


# ---- line numbers ----------------------------------------------------------------------------
class RowLines:
    """Maps a parsed data row (0-based) to its 1-based line in the file, skipping blank lines.

    Built lazily (only error paths need it) from newline positions with numpy.
    """

    def __init__(self, data: bytes, header_rows: int, first_line: int = 0) -> None:
        self._data = data
        self._header_rows = header_rows
        self._first_line = first_line  # lines before ``data`` in the file (a sep= line, comments)
        self._lines: np.ndarray | None = None

    def _compute(self) -> np.ndarray:
        raw = np.frombuffer(self._data, dtype=np.uint8)
        newlines = np.flatnonzero(raw == 10)
        starts = np.concatenate(([0], newlines + 1))
        ends = np.concatenate((newlines, [raw.size]))
        lengths = ends - starts
        has_cr = (lengths > 0) & (raw[np.maximum(ends - 1, 0)] == 13) if raw.size else lengths > 0
        lengths = lengths - has_cr
        return np.flatnonzero(lengths > 0) + 1

    def line(self, row: int) -> int:
        if self._lines is None:
            self._lines = self._compute()
        index = int(row) + self._header_rows
        return self._first_line + (int(self._lines[index]) if index < self._lines.size else index + 1)

    def where(self, row: int, column: str | None = None) -> str:
        text = f"line {self.line(row)}"
        return f"{text}, column '{column}'" if column is not None else text


def field_counts(data: bytes, delimiter: str) -> np.ndarray:
    """Fields per non-blank line (quotes ignored: an upper bound), vectorised."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == 10)
    ends = np.concatenate((newlines, [raw.size]))
    starts = np.concatenate(([0], newlines + 1))
    delims = np.flatnonzero(raw == ord(delimiter))
    counts = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    return counts[(ends - starts) > 0]



def step_columns(columns: list[str]) -> bool:
    """Whether the names look like time steps: t0, t1, … or 1, 2, 3 or step_1, step_2, …"""
    if len(columns) < 3:
        return False
    found = [_STEP_NAME.match(c.strip()) for c in columns]
    matches = [m for m in found if m is not None]
    if len(matches) < len(found):
        return False
    prefixes = {m.group(1).lower() for m in matches}
    numbers = np.array([int(m.group(2)) for m in matches])
    return len(prefixes) == 1 and bool(np.all(np.diff(numbers) == 1))
