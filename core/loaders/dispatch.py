"""Pick the reader for a file and run it: the one entry point for loading.

:func:`load` refuses anything that is not a readable, non-empty regular file before opening
it, checks the size against the memory budget, detects the format from the extension and
the first bytes (recording the decision as a :class:`Guess`), and hands over to the reader
module for that format. Readers are imported lazily so loading one format never pays for
the others' imports.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from core.budget import default_budget_bytes
from core.dataset import Guess, SequenceDataset
from core.errors import LoadError
from core.loaders import files, formats
from core.options import LoadOptions

_NUMPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of ``path``: a key of the format registry (``core.loaders.formats.keys()``)."""
    resolved = Path(path).expanduser()
    files.check_regular_file(resolved)
    return _detect(resolved, files.read_head(resolved)).value


def _detect(path: Path, head: bytes) -> Guess:
    """Decide the format from the extension and the first bytes; the reason goes in the Guess."""
    suffix = path.suffix.lower()
    known = formats.by_extension(suffix)
    by_extension = known.key if known is not None else None
    if head.startswith(_NUMPY_MAGIC):
        why = "the file starts with the NumPy .npy signature"
        return Guess("format", "npy", why, "format")
    if head.startswith(_ZIP_MAGIC):
        if by_extension not in (None, "npz") and suffix not in (".zip",):
            raise LoadError(path, f"is a zip archive, not a {suffix} file", hint="Unzip it first, or rename a NumPy archive to .npz")
        return Guess("format", "npz", "the file is a zip archive, as NumPy .npz files are", "format")

    if by_extension is None:
        _refuse_word_vectors(path, head)
    encoding, _ = files.sniff_encoding(head)
    if encoding is None and b"\x00" in head:
        line = files.first_nul_line(head)
        expected = {"csv": "CSV", "json": "JSON", "jsonl": "JSON Lines", "ts": "a .ts file"}.get(by_extension or "", "text")
        raise LoadError(path, f"contains NUL bytes; it looks like a binary file, not {expected}", where=f"line {line}",
                        hint="Pick a CSV, text, JSON, .ts or NumPy file")
    text = _head_text(head, encoding)
    stripped = text.lstrip("\ufeff \t\r\n")

    if known is not None:
        # For .npy/.npz with the wrong magic, the NumPy reader explains what is wrong with it.
        return Guess("format", known.key, f"the file name ends in {suffix}", "format")

    if stripped.startswith(("{", "[")):
        lines = [line for line in stripped.splitlines()[:5] if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") and line.rstrip().endswith("}") for line in lines):
            return Guess("format", "jsonl", "every line is a JSON object", "format")
        return Guess("format", "json", "the text starts with '{' or '['", "format")
    header_format = _header_format(stripped)
    if header_format is not None:
        return header_format

    from core.loaders.csv_dialect import looks_like_numeric_table  # noqa: PLC0415

    where = f"the file name ends in {suffix}" if suffix else "the file has no extension"
    if looks_like_numeric_table(text):
        return Guess("format", "csv", f"{where} and its lines are delimited numbers", "format")
    return Guess("format", "text", f"{where} and its lines are not numeric rows, so one sentence per line", "format")


def _refuse_word_vectors(path: Path, head: bytes) -> None:
    """A GloVe/word2vec/fastText vectors file is not data: say what to open instead."""
    from core.loaders import word_vectors  # small, but only needed here

    found = word_vectors.sniff(head)
    if found is not None:
        what = "a fastText model" if found.format == "fasttext-binary" else f"a file of word vectors ({found.format})"
        raise LoadError(path, f"is {what} with {found.dim} numbers per word, not data",
                        hint="Open your text file (one sentence per line) and choose these vectors beside it as its "
                             "embeddings: --embeddings FILE, or Embeddings… in the text import")


def _head_text(head: bytes, encoding: str | None) -> str:
    """Decode a possibly cut-off head leniently (only used for sniffing)."""
    if encoding is not None:
        return head.decode(encoding, errors="ignore")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start > len(head) - 4:  # a multi-byte character cut by the head limit
            return head[: error.start].decode("utf-8", errors="ignore")
        return head.decode("cp1252", errors="replace")


_TS_TAGS = ("problemname", "timestamps", "univariate", "classlabel", "serieslength", "dimensions", "targetlabel")


def _header_format(text: str) -> Guess | None:
    """``ts``, ``arff`` or ``tsf`` from the ``@tag`` lines before ``@data``, or None for no such header."""
    tags: list[str] = []
    for line in text.splitlines()[:2000]:
        word = line.strip().lower()
        if not word or word.startswith(("#", "%")):
            continue
        if not word.startswith("@"):
            break
        tag = word[1:].split(None, 1)[0] if len(word) > 1 else ""
        tags.append(tag)
        if tag == "data":
            break
    if not tags:
        return None
    if any(tag in _TS_TAGS for tag in tags) or tags[0] in ("data", "missing", "equallength"):
        return Guess("format", "ts", "the text has @problemName/@data header lines (UEA/UCR .ts)", "format")
    return None


def load(
    path: str | os.PathLike[str],
    options: LoadOptions | None = None,
    *,
    budget_bytes: int | None = None,
    progress: files.ProgressCallback = None,
    cancelled: files.CancelCallback = None,
) -> SequenceDataset:
    """Read ``path`` into a :class:`SequenceDataset`, detecting its format unless given.

    Raises :class:`LoadError` for files that cannot or must not be read,
    :class:`MemoryBudgetError` when the file is larger than the budget (a ``.npy`` is
    memory-mapped instead, so data larger than memory can still train batch by batch), and
    :class:`LoadCancelled` when ``cancelled()`` returns True between phases.
    """
    options = options or LoadOptions()
    resolved = Path(path).expanduser()
    try:
        resolved = resolved.resolve()
    except (OSError, RuntimeError):
        pass  # keep the path as given; check_regular_file explains what is wrong with it
    info = files.check_regular_file(resolved)
    budget = default_budget_bytes() if budget_bytes is None else int(budget_bytes)
    files.check_cancelled(resolved, cancelled)
    files.report_progress(progress, 0.0)

    if options.format is not None:
        if options.format not in formats.keys():
            raise LoadError(resolved, f"unknown format '{options.format}'", hint=f"Use one of {', '.join(formats.keys())}")
        fmt, guess = options.format, None
    else:
        guess = _detect(resolved, files.read_head(resolved))
        fmt = guess.value

    if fmt != "npy":  # a .npy over the budget is memory-mapped by its reader, not read into memory
        files.check_size(resolved, info.st_size, budget)
    reader = formats.get(fmt).load_reader()
    dataset = reader(resolved, options, budget, progress, cancelled)
    source = dataset.source
    source_options = dict(source.options)
    source_options["format"] = source_options.get("format") or fmt
    # A reader that read the whole content (e.g. JSON Lines inside a .json file) knows better
    # than our look at the first bytes, so its own format guess wins.
    reader_decided = any(g.what == "format" for g in source.guesses)
    guesses = source.guesses if guess is None or reader_decided else (guess, *source.guesses)
    warnings = source.warnings
    if options.embeddings and fmt != "text":  # word vectors belong to text: say so instead of ignoring them
        warnings = (*warnings, f"the word vectors ({Path(options.embeddings).name}) only apply to text, one sentence "
                               f"per line; this is a {fmt} file, so they were not used")
    dataset = replace(dataset, source=replace(source, path=str(resolved), options=source_options, guesses=guesses,
                                              warnings=warnings))
    files.report_progress(progress, 1.0)
    return dataset.validate()
