"""Pick the reader for a file and run it: the one entry point for loading.

:func:`load` refuses anything that is not a readable, non-empty regular file before opening
it, checks the size against the memory budget, detects the format from the extension and
the first bytes (recording the decision as a :class:`Guess`), and hands over to the reader
module for that format. Readers are imported lazily so loading one format never pays for
the others' imports.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import fields, replace
from pathlib import Path

from core.budget import default_budget_bytes
from core.dataset import Guess, SequenceDataset
from core.errors import LoadError
from core.loaders import files, formats
from core.loaders.task import apply_task
from core.options import LoadOptions

_NUMPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of ``path``: a key of the format registry (``core.loaders.formats.keys()``)."""
    resolved = Path(path).expanduser()
    files.check_regular_file(resolved)
    compression = files.compression_of(resolved, files.read_head(resolved, 8))
    if compression is not None:  # the format of what is inside
        return _detect(Path(files.inner_name(resolved)), files.decompressed_head(resolved, compression)).value
    return _detect(resolved, files.read_head(resolved)).value


def _detect(path: Path, head: bytes) -> Guess:
    """Decide the format from the extension and the first bytes; the reason goes in the Guess."""
    suffix = path.suffix.lower()
    known = formats.by_extension(suffix)
    by_extension = known.key if known is not None else None
    if head.startswith(_NUMPY_MAGIC):
        why = "the file starts with the NumPy .npy signature"
        return Guess("format", "npy", why, "format")
    if head.startswith(_ZIP_MAGIC) and by_extension != "npz":
        from core.loaders.sheet_tables import is_workbook

        if is_workbook(path) or by_extension == "xlsx":  # a broken .xlsx: its reader says what is wrong
            named = "" if by_extension == "xlsx" else f" even though its name ends in {suffix or 'nothing'}"
            return Guess("format", "xlsx", f"the file is an Excel workbook (a zip holding xl/workbook.xml){named}",
                         "format")
    if head.startswith(_ZIP_MAGIC):
        if by_extension not in (None, "npz") and suffix not in (".zip",):
            raise LoadError(path, f"is a zip archive, not a {suffix} file", hint="Unzip it first, or rename a NumPy archive to .npz")
        return Guess("format", "npz", "the file is a zip archive, as NumPy .npz files are", "format")

    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise LoadError(path, "is an old-style Excel (.xls) or other Office file, which cannot be read",
                        hint="Save it from Excel as .xlsx or as CSV")
    signed = formats.by_magic(head)
    if signed is not None and signed.key not in ("npy", "npz"):
        return Guess("format", signed.key, f"the file starts with the {signed.short} signature", "format")
    files.refuse_other_file(path, head)

    if by_extension is None:
        _refuse_word_vectors(path, head)
    encoding, _ = files.sniff_encoding(head)
    if encoding is None and b"\x00" in head:
        line = files.first_nul_line(head)
        expected = {"csv": "CSV", "json": "JSON", "jsonl": "JSON Lines", "ts": "a .ts file"}.get(by_extension or "", "text")
        raise LoadError(path, f"contains NUL bytes; it looks like a binary file, not {expected}", where=f"line {line}",
                        hint=f"Pick a file in a format Shape Explorer reads ({', '.join(formats.get(k).short for k in formats.keys())})")
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

    from core.loaders.csv_dialect import looks_like_numeric_table

    where = f"the file name ends in {suffix}" if suffix else "the file has no extension"
    if looks_like_numeric_table(text, complete=len(head) < files.HEAD_BYTES):
        return Guess("format", "csv", f"{where} and its lines are delimited numbers", "format")
    return Guess("format", "text", f"{where} and its lines are not numeric rows, so one sentence per line", "format")


def _refuse_word_vectors(path: Path, head: bytes) -> None:
    """A GloVe/word2vec/fastText vectors file is not data: say what to open instead."""
    from core.loaders import word_vectors  # small, but only needed here

    found = word_vectors.sniff(head)
    if found is None:
        return
    hint = ("Open your text file (one sentence per line) and choose these vectors beside it as its embeddings: "
            "--embeddings FILE, or Embeddings… in the text import")
    if found.format == "fasttext-binary":
        raise LoadError(path, f"is a fastText model with {found.dim} numbers per word, not data", hint=hint)
    line = 1 if found.count is None else 2
    first = head[found.header_bytes:].split(b"\n", 1)[0].split(b" ", 1)[0].decode("utf-8", errors="replace")
    raise LoadError(path, f"is a file of word vectors ({found.format}): a word and {found.dim} numbers on every line, "
                          f"not data", where=f"line {line}, word '{first}'", hint=hint)


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


_TSF_TAGS = ("frequency", "horizon")
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
    if any(tag in _TSF_TAGS for tag in tags) or (tags[0] == "relation" and ("missing" in tags or "equallength" in tags)):
        return Guess("format", "tsf", "the text has @frequency/@horizon header lines (Monash .tsf)", "format")
    if tags[0] == "relation" or "attribute" in tags:
        return Guess("format", "arff", "the text has @relation/@attribute header lines (ARFF)", "format")
    return None


_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5", ".py")  # what core.usermodel reads; never data


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
    if options.format is not None and options.format not in formats.keys():
        raise LoadError(resolved, f"unknown format '{options.format}'", hint=f"Use one of {', '.join(formats.keys())}")

    if options.format is None and resolved.suffix.lower() in _MODEL_SUFFIXES:
        raise LoadError(resolved, "is a Keras model (or the code of one), not data",
                        hint=f"Check it against your data: shape-explorer check DATA --model {resolved.name} "
                             "(in the window: File ▸ Check my model…)")
    compression = files.compression_of(resolved, files.read_head(resolved, 8))
    if compression is None:
        dataset = _load_plain(resolved, info, options, budget, progress, cancelled)
    else:
        dataset = _load_compressed(resolved, compression, options, budget, progress, cancelled)
    files.report_progress(progress, 1.0)
    return dataset.validate()


def _load_plain(resolved: Path, info: os.stat_result, options: LoadOptions, budget: int, progress, cancelled,
                shown: Path | None = None) -> SequenceDataset:
    """Detect the format (unless given) and run its reader on an uncompressed file."""
    if options.format is not None:
        fmt, guess = options.format, None
    else:
        guess = _detect(shown or resolved, files.read_head(resolved))
        fmt = guess.value

    _check_options_apply(shown or resolved, formats.get(fmt), options)
    _check_roles(shown or resolved, options)
    if fmt != "npy":  # a .npy over the budget is memory-mapped by its reader, not read into memory
        files.check_size(resolved, info.st_size, budget)
    reader = formats.get(fmt).load_reader()
    dataset = reader(resolved, options, budget, progress, cancelled)
    labels, task_guess = apply_task(dataset.labels, options.task, resolved)
    source = dataset.source
    if task_guess is not None:
        source = replace(source, guesses=(*source.guesses, task_guess))
    dataset = replace(dataset, labels=labels, source=source)
    source_options = dict(source.options)
    source_options["format"] = source_options.get("format") or fmt
    source_options["task"] = options.task
    # A reader that read the whole content (e.g. JSON Lines inside a .json file) knows better
    # than our look at the first bytes, so its own format guess wins.
    reader_decided = any(g.what == "format" for g in source.guesses)
    guesses = source.guesses if guess is None or reader_decided else (guess, *source.guesses)
    return replace(dataset, source=replace(source, path=str(resolved), options=source_options, guesses=guesses))


def _check_options_apply(path: Path, fmt: formats.Format, options: LoadOptions) -> None:
    """An option given for another format is a sentence, not silently ignored (the registry says
    which options each format reads). Options with a non-None default (lowercase) are not checked."""
    given = [f.name for f in fields(options) if f.default is None and getattr(options, f.name) is not None]
    stray = [name for name in given if name not in fmt.options]
    if stray:
        listed = ", ".join(name.replace("_", " ") for name in stray)
        verb = "does" if len(stray) == 1 else "do"
        raise LoadError(path, f"the option{'s' if len(stray) > 1 else ''} {listed} {verb} not apply to {fmt.title} files",
                        hint="Leave it out, or choose the format it belongs to")


_ROLES = (("id_col", "the id column"), ("time_col", "the time column"), ("label_col", "the label column"),
          ("sequence_field", "the sequence field"))


def _check_roles(path: Path, options: LoadOptions) -> None:
    """One column (or field) given two roles is a contradiction, not a choice to make silently."""
    taken: dict[str, str] = {}
    for option, role in _ROLES:
        name = getattr(options, option)
        if name is None:
            continue
        if name in taken:
            raise LoadError(path, f"the column '{name}' is given as both {taken[name]} and {role}",
                            hint="Give each role its own column")
        taken[name] = role
    clash = [name for name in (options.feature_cols or ()) if name in taken]
    if clash:
        raise LoadError(path, f"the column '{clash[0]}' is given as both {taken[clash[0]]} and a feature column",
                        hint="Leave it out of the feature columns")


def _load_compressed(resolved: Path, compression: str, options: LoadOptions, budget: int, progress,
                     cancelled) -> SequenceDataset:
    """Decompress to a private temporary file (checked against the budget while streaming), read
    that, and report the original file: its name in every message, ``compression`` in the options."""
    inner = files.inner_name(resolved)
    folder = Path(tempfile.mkdtemp(prefix="shape-explorer-"))
    try:
        target = folder / inner
        files.decompress_to(resolved, compression, target, budget, cancelled)
        head = files.read_head(target, 512)
        if head[257:262] == b"ustar":
            raise LoadError(resolved, f"is a {compression}-compressed tar archive, not one data file",
                            hint="Extract the data file from it first (tar -xf FILE)")
        try:
            if files.compression_of(Path(inner), head) is not None:
                raise LoadError(resolved, f"is compressed twice ({compression}, then again inside)",
                                hint="Decompress it yourself first")
            dataset = _load_plain(target, os.stat(target), options, budget, progress, cancelled, shown=Path(inner))
        except LoadError as error:
            raise LoadError(resolved, error.problem, error.where, error.hint) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a memory-mapped .npy stays readable until unmapped
    source = dataset.source
    source_options = {**source.options, "compression": compression}
    why = f"the file starts with the {compression} signature, so it was decompressed first"
    guesses = (Guess("compression", compression, why, None), *source.guesses)
    return replace(dataset, source=replace(source, path=str(resolved), options=source_options, guesses=guesses))
