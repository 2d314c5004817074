"""Pre-trained word vectors (GloVe, word2vec, fastText ``.vec`` and ``.bin``), read for one vocabulary.

Formats (:func:`sniff`, decided from the first bytes, never from the extension alone):

* ``glove``: text, ``word v1 … vD`` per line, no header (GloVe's ``glove.6B.50d.txt``);
* ``word2vec-text``: text whose first line is ``count dim`` (word2vec ``-binary 0`` and
  fastText's ``.vec``);
* ``word2vec-binary``: the header line ``count dim``, then per word ``word<space>`` and ``dim``
  little-endian float32 (an optional newline before the next word, as the C tool writes).

* ``fasttext-binary``: a fastText model (``.bin``, fastText's magic number first): the vector of
  a word in its dictionary is the mean of its own input row and the rows of its character
  n-grams (FNV-1a hashed into ``bucket`` rows), exactly what fastText writes to the ``.vec``
  beside it; only those rows are read (seek), never the matrix. Quantised (``.ftz``) and pruned
  models are refused.

gzip, bz2 and xz files (``glove.6B.50d.txt.gz``, ``cc.en.300.vec.gz``: vectors are usually
downloaded so) are decompressed as they are read, through :mod:`core.loaders.files`, and a UTF-8
byte-order mark before the first word is skipped.

Reading is **streamed** (:func:`read_vectors`): the file is read in chunks of
:data:`CHUNK_BYTES`; only each line's first word is looked at (a set lookup on bytes) and only the
lines of words the data needs are parsed, all at once with numpy. A 1 GB GloVe file therefore
never sits in memory: what is kept is one chunk plus ``len(words) × dim`` floats. Matching is
on UTF-8 bytes, so a stray byte that is not UTF-8 never stops the read; such a word is tried
once more as cp1252 (old Latin-1/Windows files), and the count is reported.

What becomes of the vectors (the embedding matrix of a vocabulary, the rule for missing words,
coverage) is :mod:`core.loaders.embeddings`.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import LoadError
from core.loaders import files

FORMATS = ("glove", "word2vec-text", "word2vec-binary", "fasttext-binary")
CHUNK_BYTES = 1024 * 1024  # per read; memory is a few of these plus the needed rows, whatever the file's size
FASTTEXT_MAGIC = (793712314).to_bytes(4, "little")
_NUMBER = re.compile(rb"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?(?:nan|inf|infinity)$", re.IGNORECASE)
_SAMPLE_ROWS = 2000  # rows looked at to tell whether the file's words are cased


@dataclass(frozen=True)
class VectorsFormat:
    """What :func:`sniff` saw: the format, the vector size and the header's count (if any)."""

    format: str
    dim: int
    count: int | None = None
    header_bytes: int = 0  # where the vectors start


@dataclass(frozen=True)
class WordVectors:
    """The rows of a vectors file that a set of words needed.

    ``index`` maps each found word to its row of ``matrix`` (``(len(index), dim)`` float32);
    ``rows`` is the number of vectors the file holds; ``cased_share`` the share of the first
    rows whose word has an upper-case letter (a cased file such as word2vec's GoogleNews).
    """

    path: str
    format: str
    dim: int
    rows: int
    index: dict[str, int]
    matrix: np.ndarray
    cased_share: float
    warnings: tuple[str, ...] = ()

    def vector(self, word: str) -> np.ndarray | None:
        row = self.index.get(word)
        return None if row is None else self.matrix[row]


# ---- recognising a vectors file -----------------------------------------------------------
def _is_number(token: bytes) -> bool:
    return bool(_NUMBER.match(token))


def _header(line: bytes) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        count, dim = int(parts[0]), int(parts[1])
        if dim >= 1:
            return count, dim
    return None


def sniff(head: bytes, strict: bool = True) -> VectorsFormat | None:
    """The vectors format of a file starting with ``head``, or None when it is not one.

    ``strict`` (recognising a file opened as data): every line of the head must be a distinct
    word and the same count of numbers. Not strict (the user chose the file as vectors): the
    first line decides, and a bad line later is reported by the reader with its number.
    """
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0  # a text file saved by Notepad
    if bom:
        found = sniff(head[bom:], strict)
        if found is None or found.format not in ("glove", "word2vec-text"):
            return None
        return VectorsFormat(found.format, found.dim, found.count, found.header_bytes + bom)
    if head.startswith(FASTTEXT_MAGIC):
        dim = int.from_bytes(head[8:12], "little", signed=True) if len(head) >= 12 else 0
        return VectorsFormat("fasttext-binary", dim, None, 0) if dim >= 1 else None
    newline = head.find(b"\n")
    first = head if newline < 0 else head[:newline]
    header = _header(first)
    if header is not None:
        count, dim = header
        rest = head[newline + 1:] if newline >= 0 else b""
        if not rest:
            return None
        space = rest.find(b" ")
        # Binary: the bytes after the first word are not text (or not a line of numbers).
        line_end = rest.find(b"\n")
        line = rest if line_end < 0 else rest[:line_end]
        parts = line.split()
        if len(parts) >= dim + 1 and all(_is_number(p) for p in parts[-dim:]) and b"\x00" not in line:
            return VectorsFormat("word2vec-text", dim, count, newline + 1)
        if space > 0 and len(rest) >= space + 1 + min(4 * dim, len(rest) - space - 1):
            return VectorsFormat("word2vec-binary", dim, count, newline + 1)
        return None
    lines = head.split(b"\n")
    if len(head) >= files.HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the head limit
    lines = [line for line in lines[:40] if line.strip()]
    if not strict and lines:
        parts = lines[0].split()
        numbers = 0
        while numbers < len(parts) - 1 and _is_number(parts[len(parts) - 1 - numbers]):
            numbers += 1  # the trailing numbers are the vector; the word itself may hold spaces ('. . .')
        if numbers and not _is_number(parts[0]):
            return VectorsFormat("glove", numbers, None, 0)
        return None
    if len(lines) < 2 or b"\t" in head[:4096] or b"," in b"".join(lines[:5]).replace(b".", b""):
        return None
    sizes, keys = set(), []
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or _is_number(parts[0]) or not all(_is_number(p) for p in parts[1:]):
            return None
        sizes.add(len(parts))
        keys.append(parts[0])
    if len(sizes) != 1 or len(set(keys)) != len(keys):
        return None
    return VectorsFormat("glove", sizes.pop() - 1, None, 0)


def describe(path: str | os.PathLike[str]) -> VectorsFormat | None:
    """:func:`sniff` (not strict) for a file chosen as vectors (``.gz``/``.bz2``/``.xz`` decompressed)."""
    name = Path(path)
    files.check_regular_file(name)
    try:
        with _open(name) as handle:
            head = handle.read(files.HEAD_BYTES)
    except _decompression_errors() as error:
        raise LoadError(name, f"could not be decompressed ({error})", hint="Download it again, or decompress it yourself") from None
    return sniff(head, strict=False)


# ---- reading -------------------------------------------------------------------------------
def _wanted_bytes(words: Iterable[str]) -> dict[bytes, str]:
    return {word.encode("utf-8"): word for word in words}


def _cased(keys: list[bytes]) -> float:
    sample = keys[:_SAMPLE_ROWS]
    if not sample:
        return 0.0
    return sum(1 for key in sample if key != key.lower()) / len(sample)


def _stray_match(wanted: dict[bytes, str], key: bytes) -> tuple[str | None, int]:
    """A non-ASCII first token that is no wanted word as it is: when it is not UTF-8 (stray bytes
    of an old Latin-1/Windows file), the wanted word it is in cp1252, and 1 to count it."""
    try:
        key.decode("utf-8")
    except UnicodeDecodeError:
        return wanted.get(key.decode("cp1252", errors="replace").encode("utf-8")), 1
    return None, 0


def _stray_note(stray: int) -> str:
    return f"{stray} word{'s are' if stray != 1 else ' is'} not valid UTF-8 (stray bytes); read as cp1252 to match"


def read_vectors(path: str | os.PathLike[str], words: Iterable[str], *, chunk_bytes: int = CHUNK_BYTES) -> WordVectors:
    """The vectors of ``words`` found in the file at ``path`` (streamed; see the module notes)."""
    name = Path(path).expanduser()
    info = describe(name)
    if info is None:
        raise LoadError(name, "is not a word-vectors file (GloVe text, word2vec/fastText .vec text, word2vec or fastText .bin)",
                        where="line 1",
                        hint="Each line must be a word followed by its numbers (a first line 'count dim' is allowed)")
    wanted = _wanted_bytes(words)
    try:
        if info.format == "word2vec-binary":
            return _read_binary(name, info, wanted, chunk_bytes)
        if info.format == "fasttext-binary":
            return _read_fasttext(name, wanted, chunk_bytes)
        return _read_text(name, info, wanted, chunk_bytes)
    except LoadError:
        raise
    except _decompression_errors() as error:
        raise LoadError(name, f"could not be read to its end ({error})", hint="The file may be cut short; download it again") from None


@contextmanager
def _open(path: Path) -> Iterator[Any]:
    """The file read-only, decompressed when it is gzip/bz2/xz (by its signature, as every loader does)."""
    kind = files.compression_of(path, files.read_head(path, 8))
    if kind is None:
        with files.open_binary(path) as raw:
            yield raw
        return
    raw, stream = files._open_compressed(path, kind)  # the one home of decompression
    with raw, stream:
        yield stream


def _decompression_errors() -> tuple[type[BaseException], ...]:
    return files._decompression_errors()


def _read_text(path: Path, info: VectorsFormat, wanted: dict[bytes, str], chunk_bytes: int) -> WordVectors:
    dim = info.dim
    found: dict[str, int] = {}
    blocks: list[np.ndarray] = []  # float32 rows of the needed words, one array per chunk
    sample: list[bytes] = []
    rows = 0
    stray = 0
    duplicates = 0
    line_number = 1 if info.count is not None else 0  # lines before the current chunk (the header is line 1)
    carry = b""
    with _open(path) as handle:
        handle.seek(info.header_bytes)
        while True:
            block = handle.read(chunk_bytes)
            lines = (carry + block).split(b"\n") if carry else block.split(b"\n")
            carry = lines.pop() if block else b""  # an unfinished last line waits for the next block
            if not block and lines and not lines[-1]:
                lines.pop()
            keys = [line.partition(b" ")[0].lstrip() for line in lines]
            if len(sample) < _SAMPLE_ROWS:
                sample.extend(keys[: _SAMPLE_ROWS - len(sample)])
            rows += len(lines) - keys.count(b"")
            hits: list[tuple[str, bytes, int]] = []
            pending: set[str] = set()
            for i, key in enumerate(keys):
                word = wanted.get(key)
                if word is None and not key.isascii():
                    word, not_utf8 = _stray_match(wanted, key)
                    stray += not_utf8
                if word is None:
                    continue
                line = lines[i]
                if line.count(b" ") > dim and _has_spaces_in_word(line, dim):
                    continue  # GloVe 840B's '. . .': its first token is not the word of this line
                if word in found or word in pending:
                    duplicates += 1
                    continue
                pending.add(word)
                hits.append((word, lines[i], line_number + i + 1))
            if hits:  # parsed now, so only the needed rows' numbers outlive the chunk
                values, kept = _parse_lines(path, hits, dim)
                for word in kept:
                    found[word] = len(found)
                blocks.append(values)
            line_number += len(lines)
            if not block:
                break
    matrix = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float32)
    notes = []
    if info.count is not None and info.count != rows:
        notes.append(f"the header says {info.count:,} vectors but the file has {rows:,}")
    if stray:
        notes.append(_stray_note(stray))
    if duplicates:
        notes.append(f"{duplicates} needed word{'s appear' if duplicates != 1 else ' appears'} twice; the first vector was kept")
    return WordVectors(str(path), info.format, dim, rows, found, matrix, _cased(sample), tuple(notes))


def _has_spaces_in_word(line: bytes, dim: int) -> bool:
    """True for a line whose word itself holds spaces: more than ``dim`` numbers' worth of fields,
    the last ``dim`` numbers and one of the fields before them not."""
    parts = line.split()
    return len(parts) > dim + 1 and all(_is_number(p) for p in parts[-dim:]) and not all(_is_number(p) for p in parts[1:-dim])


def _parse_lines(path: Path, hits: list[tuple[str, bytes, int]], dim: int) -> tuple[np.ndarray, list[str]]:
    """The numbers of all hit lines at once (float64 then float32, as gensim rounds); on a count
    mismatch, find and explain the bad line. Returns ``(rows, their words)``."""
    joined = b" ".join(line.partition(b" ")[2] for _, line, _ in hits)
    values = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(joined, dtype=np.float64, sep=" ")  # text mode (not deprecated)
        except (ValueError, DeprecationWarning):
            values = None
    if values is not None and values.size == len(hits) * dim:
        return values.reshape(len(hits), dim).astype(np.float32), [word for word, _, _ in hits]
    # Slow path, only when something is off: check line by line.
    kept_rows: list[np.ndarray] = []
    kept: list[str] = []
    for word, line, number in hits:
        parts = line.split()
        if len(parts) > dim + 1 and all(_is_number(p) for p in parts[-dim:]) and not all(_is_number(p) for p in parts[1:]):
            continue  # the file's word has spaces in it ('. . .'): not the word we looked for
        if len(parts) != dim + 1:
            raise LoadError(path, f"has {len(parts) - 1} numbers after the word where the vectors have {dim}",
                            where=f"line {number}", hint="Every line must hold a word and the same number of values")
        try:
            kept_rows.append(np.array([float(p) for p in parts[1:]], dtype=np.float64))
        except ValueError:
            bad = next(p for p in parts[1:] if not _is_number(p))
            raise LoadError(path, f"has '{bad.decode('utf-8', 'replace')}' where a number should be",
                            where=f"line {number}") from None
        kept.append(word)
    matrix = np.stack(kept_rows).astype(np.float32) if kept_rows else np.zeros((0, dim), dtype=np.float32)
    return matrix, kept


def _read_binary(path: Path, info: VectorsFormat, wanted: dict[bytes, str], chunk_bytes: int) -> WordVectors:
    dim, count = info.dim, int(info.count or 0)
    width = 4 * dim
    found: dict[str, int] = {}
    vectors: list[np.ndarray] = []
    sample: list[bytes] = []
    stray = 0
    seen = 0
    buffer = b""
    with _open(path) as handle:
        handle.seek(info.header_bytes)
        start = 0
        exhausted = False
        while seen < count:
            space = buffer.find(b" ", start)
            if space < 0 or len(buffer) - space - 1 < width:
                if exhausted:
                    raise LoadError(path, f"ends after {seen:,} of the {count:,} vectors its header announces",
                                    where=f"vector {seen + 1}", hint="The file is cut short; download it again")
                block = handle.read(max(chunk_bytes, 2 * (width + 256)))
                buffer = buffer[start:] + block
                start = 0
                exhausted = not block
                continue
            if space - start > 4096:
                raise LoadError(path, "has a word longer than 4 KB; it does not look like word2vec binary vectors",
                                where=f"vector {seen + 1}")
            key = buffer[start:space].lstrip(b"\n")
            if len(sample) < _SAMPLE_ROWS:
                sample.append(key)
            word = wanted.get(key)
            if word is None and not key.isascii():
                word, not_utf8 = _stray_match(wanted, key)
                stray += not_utf8
            if word is not None and word not in found:
                found[word] = len(vectors)
                vectors.append(np.frombuffer(buffer, dtype="<f4", count=dim, offset=space + 1).copy())
            start = space + 1 + width
            seen += 1
    matrix = np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, dim), dtype=np.float32)
    notes = (_stray_note(stray),) if stray else ()
    return WordVectors(str(path), info.format, dim, count, found, matrix, _cased(sample), notes)


def fasttext_hash(data: bytes) -> int:
    """fastText's FNV-1a over bytes, with its sign extension of bytes ≥ 0x80 (``int8_t`` → ``uint32_t``)."""
    h = 2166136261
    for byte in data:
        h = ((h ^ (byte if byte < 0x80 else byte | 0xFFFFFF00)) * 16777619) & 0xFFFFFFFF
    return h


def fasttext_ngrams(word: str, minn: int, maxn: int) -> list[bytes]:
    """The character n-grams fastText adds to ``word`` (``<word>``, ``minn``..``maxn`` characters, UTF-8)."""
    data = ("<" + word + ">").encode("utf-8")
    size, out = len(data), []
    for i in range(size):
        if data[i] & 0xC0 == 0x80:
            continue  # not the first byte of a character
        j, n = i, 1
        while j < size and n <= maxn:
            j += 1
            while j < size and data[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == size)):
                out.append(data[i:j])
            n += 1
    return out


_FASTTEXT_HEADER = struct.Struct("<ii12idiiiqq")  # magic, version, 12 int args, t, dictionary sizes, ntokens, pruneidx


def _read_fasttext(path: Path, wanted: dict[bytes, str], chunk_bytes: int) -> WordVectors:
    with _open(path) as handle:
        head = handle.read(_FASTTEXT_HEADER.size)
        if len(head) < _FASTTEXT_HEADER.size:
            raise LoadError(path, "ends inside its fastText header", hint="The file is cut short; download it again")
        fields = _FASTTEXT_HEADER.unpack(head)
        dim, bucket, minn, maxn = fields[2], fields[10], fields[11], fields[12]
        vocab_size, nwords, pruned = fields[15], fields[16], fields[19]
        if fields[1] < 11:
            raise LoadError(path, f"is a fastText model of file version {fields[1]}, which is not read",
                            hint="Use the .vec file fastText writes beside it")
        # The dictionary: word NUL, count (int64), type (int8); words before labels.
        ids: dict[str, int] = {}
        sample: list[bytes] = []
        buffer, start, offset = b"", 0, _FASTTEXT_HEADER.size
        for index in range(vocab_size):
            end = buffer.find(b"\x00", start)
            while end < 0 or len(buffer) < end + 10:
                block = handle.read(chunk_bytes)
                if not block:
                    raise LoadError(path, f"ends inside its dictionary (word {index + 1} of {vocab_size:,})",
                                    hint="The file is cut short; download it again")
                offset += start
                buffer, start = buffer[start:] + block, 0
                end = buffer.find(b"\x00", start)
            key = buffer[start:end]
            if index < nwords:
                if len(sample) < _SAMPLE_ROWS:
                    sample.append(key)
                word = wanted.get(key)
                if word is not None and word not in ids:
                    ids[word] = index
            start = end + 10
        if pruned > 0:
            raise LoadError(path, "is a pruned (quantised) fastText model; its n-gram rows cannot be looked up",
                            hint="Use the .vec file fastText writes beside it, or the full .bin model")
        matrix_head = offset + start
        handle.seek(matrix_head)
        tail = handle.read(17)
        if len(tail) < 17 or tail[0]:
            raise LoadError(path, "is a quantised fastText model (.ftz)", hint="Use the full .bin model or its .vec file")
        rows, cols = struct.unpack("<qq", tail[1:])
        if cols != dim or rows < nwords + bucket:
            raise LoadError(path, f"has a {rows} × {cols} input matrix where {nwords + bucket} × {dim} was expected")
        base = matrix_head + 17
        plans = {word: [index] + ([nwords + fasttext_hash(g) % bucket for g in fasttext_ngrams(word, minn, maxn)]
                                  if maxn and word != "</s>" else [])
                 for word, index in ids.items()}
        cache: dict[int, np.ndarray] = {}
        for row in sorted({r for plan in plans.values() for r in plan}):
            handle.seek(base + row * dim * 4)
            cache[row] = np.frombuffer(handle.read(dim * 4), dtype="<f4").astype(np.float64)
    found = {word: i for i, word in enumerate(plans)}
    matrix = np.zeros((len(plans), dim), dtype=np.float32)
    for word, plan in plans.items():
        total = np.zeros(dim, dtype=np.float64)
        for row in plan:  # in order, in float64: the exported script adds them up the same way
            total += cache[row]
        matrix[found[word]] = (total / len(plan)).astype(np.float32)
    return WordVectors(str(path), "fasttext-binary", dim, nwords, found, matrix, _cased(sample), ())
