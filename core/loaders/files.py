"""Safe access to users' files: refuse what is not a regular readable file, decode text.

Every reader goes through :func:`check_regular_file` and :func:`read_bytes`, so a FIFO,
``/dev/zero``, a socket or a folder is refused from ``os.stat`` alone, before anything is
opened, and a file swapped for a FIFO between the check and the read still cannot block
(it is opened with ``O_NONBLOCK`` and checked again with ``fstat``). Files are only ever
opened read-only. :func:`decode_text` turns bytes into text, detecting UTF-8 (with or
without BOM), UTF-16 (BOM or the tell-tale zero bytes) and falling back to cp1252.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.budget import check_budget
from core.dataset import Guess
from core.errors import LoadCancelled, LoadError
from core.loaders.formats import COMPRESSION_SUFFIXES

HEAD_BYTES = 64 * 1024
_SURROGATE = re.compile("[\udc80-\udcff]")

ProgressCallback = Callable[[float], None] | None
CancelCallback = Callable[[], bool] | None


def check_regular_file(path: str | os.PathLike[str]) -> os.stat_result:
    """Return the ``stat`` of ``path`` or raise :class:`LoadError` if it must not be read.

    Uses ``os.stat`` only (no ``open``), so special files can never block or stream forever.
    """
    name = Path(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise LoadError(name, "the file does not exist (was it moved or deleted?)") from None
    except PermissionError:
        raise LoadError(name, "permission denied", hint="Check that you are allowed to read it") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise LoadError(name, f"cannot be opened ({reason})") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise LoadError(name, "is a folder, not a file", hint="Pick one data file inside it")
    if stat.S_ISFIFO(mode):
        raise LoadError(name, "is a pipe (FIFO), not a regular file", hint="Save the data to a file first")
    if stat.S_ISSOCK(mode):
        raise LoadError(name, "is a socket, not a regular file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise LoadError(name, "is a device, not a regular file", hint="Pick a data file")
    if not stat.S_ISREG(mode):
        raise LoadError(name, "is not a regular file")
    if not os.access(name, os.R_OK):
        raise LoadError(name, "permission denied", hint="Check that you are allowed to read it")
    if info.st_size == 0:
        raise LoadError(name, "the file is empty")
    return info


def _open_read_only(path: Path) -> int:
    """Open for reading without ever blocking, and confirm it is still a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LoadError(path, "the file does not exist (was it moved or deleted?)") from None
    except PermissionError:
        raise LoadError(path, "permission denied", hint="Check that you are allowed to read it") from None
    except OSError as error:
        raise LoadError(path, f"cannot be opened ({error.strerror or error})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LoadError(path, "is not a regular file")
    return fd


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """Read the whole file (or its first ``limit`` bytes) read-only."""
    fd = _open_read_only(path)
    try:
        with os.fdopen(fd, "rb", closefd=True) as handle:
            return handle.read() if limit is None else handle.read(limit)
    except OSError as error:
        raise LoadError(path, f"could not be read ({error.strerror or error})") from None


def open_binary(path: Path):
    """The file opened read-only in binary mode (never blocking), for readers that stream it."""
    return os.fdopen(_open_read_only(path), "rb", closefd=True)


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes, for format and encoding sniffing."""
    return read_bytes(path, size)


def check_size(path: Path, size: int, budget_bytes: int, factor: float = 1.0) -> None:
    """Refuse before reading when ``size * factor`` (the estimated memory) exceeds the budget."""
    check_budget(f"Reading {path.name}", int(size * factor), budget_bytes)


def check_cancelled(path: Path, cancelled: CancelCallback) -> None:
    """Raise :class:`LoadCancelled` when the caller asked to stop."""
    if cancelled is not None and cancelled():
        raise LoadCancelled(path)


def report_progress(progress: ProgressCallback, fraction: float) -> None:
    if progress is not None:
        progress(float(fraction))


# ---- encodings -------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(head: bytes) -> tuple[str | None, str]:
    """Guess an encoding from a BOM or from UTF-16's zero bytes; ``(None, "")`` when unsure."""
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return None, ""  # looks like UTF-32; treated as binary by the NUL check
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, "the file starts with a byte-order mark"
    sample = head[:4096]
    if len(sample) >= 4:
        even_zeros = sample[0::2].count(0)
        odd_zeros = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
            return "utf-16-le", "every second byte is zero, as in UTF-16 text"
        if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
            return "utf-16-be", "every second byte is zero, as in UTF-16 text"
    return None, ""


def first_nul_line(data: bytes) -> int | None:
    """1-based line number of the first NUL byte, or None when there is none."""
    index = data.find(b"\x00")
    return None if index < 0 else data.count(b"\n", 0, index) + 1


@dataclass(frozen=True)
class DecodedText:
    """Text plus the encoding used and, when it was detected, the guess to report."""

    text: str
    encoding: str
    guess: Guess | None


def decode_text(data: bytes, path: Path, encoding: str | None = None, kind: str = "text") -> DecodedText:
    """Decode ``data``; refuse binary content (NUL bytes) with a clear :class:`LoadError`.

    ``kind`` names what the file should be ("CSV", "text") in the NUL-byte message.
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise LoadError(path, f"unknown text encoding '{encoding}'", hint="Use e.g. utf-8, utf-16 or cp1252") from None
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise LoadError(path, f"is not valid {encoding} text", where=f"line {line}",
                            hint="Choose the file's real encoding") from None
        return DecodedText(_strip_bom(text), encoding, None)

    sniffed, why = sniff_encoding(data[:HEAD_BYTES])
    if sniffed is not None and sniffed.startswith("utf-16"):
        try:
            text = data.decode(sniffed)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) // 2 + 1
            raise LoadError(path, "looks like UTF-16 text but is not valid UTF-16", where=f"near line {line}",
                            hint="Save it as UTF-8") from None
        if "\x00" in text:
            raise LoadError(path, f"contains NUL bytes; it looks like a binary file, not {kind}")
        # The exact codec (utf-16 with a BOM, utf-16-le/-be without one) is recorded, so a reader
        # given it later (an exported script, a reopened session) decodes the same way.
        return DecodedText(_strip_bom(text), sniffed, Guess("encoding", "utf-16", why, "encoding"))

    nul_line = first_nul_line(data)
    if nul_line is not None:
        raise LoadError(path, f"contains NUL bytes; it looks like a binary file, not {kind}", where=f"line {nul_line}")
    if sniffed == "utf-8-sig":
        body = data[len(codecs.BOM_UTF8):]
        try:
            return DecodedText(body.decode("utf-8"), "utf-8-sig", Guess("encoding", "utf-8-sig", why, "encoding"))
        except UnicodeDecodeError as error:
            line = body.count(b"\n", 0, error.start) + 1
            raise LoadError(path, "starts like UTF-8 but is not valid UTF-8", where=f"line {line}",
                            hint="Save it as UTF-8") from None
    if data.isascii():
        return DecodedText(data.decode("ascii"), "utf-8", None)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", None)
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LoadError(path, "is neither UTF-8 nor cp1252 text", where=f"line {line}",
                        hint="Save it as UTF-8, or give its encoding") from None
    return DecodedText(text, "cp1252", Guess(
        "encoding", "cp1252", f"line {bad_line} is not valid UTF-8, so the Windows (cp1252) encoding was used", "encoding"))


def read_text(path: Path, encoding: str | None, budget_bytes: int, *, factor: float, kind: str) -> DecodedText:
    """The whole file decoded, refused before reading when it is not a regular file or when
    ``factor`` times its size (the memory parsing it takes) exceeds the budget."""
    info = check_regular_file(path)
    check_size(path, info.st_size, budget_bytes, factor=factor)
    return decode_text(read_bytes(path), path, encoding, kind)


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def utf8_bytes(data: bytes, path: Path, encoding: str | None = None, kind: str = "text") -> tuple[bytes, str, Guess | None]:
    """The file's content as UTF-8 bytes without a BOM, for parsers that want bytes.

    Plain ASCII/UTF-8 is passed through without a copy; other encodings are decoded with
    :func:`decode_text` (same checks and messages) and re-encoded.
    """
    if encoding is None and data.isascii() and b"\x00" not in data:
        return data, "utf-8", None
    decoded = decode_text(data, path, encoding, kind)
    if decoded.encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8):
        return data, "utf-8", decoded.guess
    return decoded.text.encode("utf-8"), decoded.encoding, decoded.guess


# ---- compressed files ------------------------------------------------------------------------
#: Signatures of the compressions read transparently, and the module that opens each.
COMPRESSIONS = {"gzip": b"\x1f\x8b", "bz2": b"BZh", "xz": b"\xfd7zXZ\x00"}
#: Signatures of compressions and archives that are recognised only to be refused precisely.
_OTHER_PACKINGS = (
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "Decompress it first (zstd -d FILE)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Extract the data file from it first"),
    (b"Rar!\x1a\x07", "a RAR archive", "Extract the data file from it first"),
    (b"\x04\x22\x4d\x18", "LZ4-compressed", "Decompress it first (lz4 -d FILE)"),
)
DECOMPRESS_CHUNK = 1 << 20


def compression_of(path: Path, head: bytes) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` when ``head`` starts with that signature, else None.

    A name ending in ``.gz``/``.bz2``/``.xz`` whose bytes are not so compressed, and other
    compressions and archives, are refused with what they are.
    """
    for kind, magic in COMPRESSIONS.items():
        if head.startswith(magic) and (kind != "bz2" or head[3:4].isdigit()):
            return kind
    for magic, what, hint in _OTHER_PACKINGS:
        if head.startswith(magic):
            raise LoadError(path, f"is {what}, which cannot be read directly", hint=hint)
    named = COMPRESSION_SUFFIXES.get(path.suffix.lower())
    if named is not None:
        raise LoadError(path, f"is named {path.suffix} but is not {named}-compressed (its first bytes are not {named}'s)",
                        hint=f"Rename it without {path.suffix}, or compress it again")
    return None


def inner_name(path: Path) -> str:
    """``data.csv.gz`` → ``data.csv``: the name of the file inside a compressed one."""
    if path.suffix.lower() in COMPRESSION_SUFFIXES:
        return path.stem or "data"
    return path.name + ".data"  # no compression suffix: the inner format is sniffed from content


def _open_compressed(path: Path, kind: str):
    import bz2
    import gzip
    import lzma

    fd = _open_read_only(path)
    raw = os.fdopen(fd, "rb", closefd=True)
    opener = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[kind]
    return raw, (opener(fileobj=raw, mode="rb") if kind == "gzip" else opener(raw, mode="rb"))


def _decompress_error(path: Path, kind: str, error: BaseException) -> LoadError:
    detail = str(error).strip() or type(error).__name__
    return LoadError(path, f"is not a valid {kind} file ({detail}); it may be truncated or damaged",
                     hint="Check the download, or decompress it yourself to see the error")


def _decompression_errors():
    import lzma
    import zlib

    return (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


def decompressed_head(path: Path, kind: str, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` decompressed bytes (for format sniffing)."""
    raw, stream = _open_compressed(path, kind)
    try:
        with raw, stream:
            return stream.read(size)
    except _decompression_errors() as error:
        raise _decompress_error(path, kind, error) from None


def decompress_to(path: Path, kind: str, target: Path, budget_bytes: int, cancelled: CancelCallback = None) -> int:
    """Stream the decompressed content of ``path`` into ``target``; return its size.

    The size is checked against the memory budget while streaming, so a decompression bomb is
    refused after reading at most ``budget_bytes`` of output, naming the size reached.
    """
    written = 0
    raw, stream = _open_compressed(path, kind)
    try:
        with raw, stream, open(target, "wb") as out:
            while True:
                chunk = stream.read(DECOMPRESS_CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > budget_bytes:
                    from core.wording import format_bytes

                    packed = os.stat(path).st_size
                    raise LoadError(path, f"decompresses to more than {format_bytes(budget_bytes)} (the memory budget) from "
                                    f"{format_bytes(packed)}: stopped after {format_bytes(written)}",
                                    hint="Raise the budget with --memory-budget if the data really is that large, "
                                    "or check that this is the right file")
                out.write(chunk)
                check_cancelled(path, cancelled)
    except LoadError:
        raise
    except LoadCancelled:
        raise
    except _decompression_errors() as error:
        if isinstance(error, OSError) and error.errno is not None:  # the disk, not the data
            raise LoadError(path, f"could not be decompressed to a temporary file ({error.strerror})",
                            hint="Free some disk space, or decompress it yourself") from None
        raise _decompress_error(path, kind, error) from None
    if written == 0:
        raise LoadError(path, f"is an empty {kind} file: it decompresses to nothing")
    return written


def content_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of what the file holds: decompressed for gzip/bz2/xz files (for
    previews; raises :class:`LoadError` for what cannot be read)."""
    path = Path(path)
    check_regular_file(path)
    kind = compression_of(path, read_head(path, 8))
    return read_head(path, size) if kind is None else decompressed_head(path, kind, size)


#: Files people pick by mistake, recognised by their first bytes to say what they are.
_OTHER_FILES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "Pick the data file instead"),
    (b"\xff\xd8\xff", "a JPEG image", "Pick the data file instead"),
    (b"GIF8", "a GIF image", "Pick the data file instead"),
    (b"%PDF-", "a PDF document", "Export the table from it as CSV first"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (e.g. Keras .h5 or pandas HDFStore)",
     "Save the arrays with numpy.save/numpy.savez or the table as CSV"),
    (b"SQLite format 3\x00", "an SQLite database", "Export the table as CSV first"),
    (b"MATLAB 5.0 MAT-file", "a MATLAB .mat file", "Save the arrays with numpy.savez (scipy.io.loadmat reads .mat)"),
    (b"\x7fELF", "a program (ELF executable)", "Pick a data file"),
)


def refuse_other_file(path: Path, head: bytes) -> None:
    """Refuse, saying what it is, a file whose signature is a known format that is not data here
    (images, PDFs, HDF5, SQLite, old Office, MATLAB, pickles, programs)."""
    for magic, what, hint in _OTHER_FILES:
        if head.startswith(magic):
            raise LoadError(path, f"is {what}, not sequence data", hint=hint)
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        raise LoadError(path, "is a Python pickle, and Shape Explorer never unpickles files (that could run code)",
                        hint="Save the arrays with numpy.save or the table as CSV")


@dataclass(frozen=True)
class StrayBytes:
    """Bytes of a UTF-8 file that are not UTF-8, each read as the cp1252 character it is."""

    count: int
    first_line: int
    examples: tuple[str, ...]  # e.g. "0x92 → ’"


def decode_utf8_with_stray_bytes(data: bytes) -> tuple[str, StrayBytes] | None:
    """UTF-8 text in which a few bytes are not UTF-8 (one pasted from a Windows program):
    decode it as UTF-8 and read each stray byte as cp1252 (Latin-1 where cp1252 has no
    character), instead of refusing the file or mis-reading its real UTF-8 characters.

    Returns None when the data is valid UTF-8, or when it holds no real UTF-8 multi-byte
    character at all (then the whole file is cp1252 and :func:`decode_text` reads it so).
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")  # each stray byte b becomes U+DC00 + b
    stray = [match.start() for match in _SURROGATE.finditer(text)]
    if len(text) == len(data):  # no multi-byte UTF-8 character at all: a cp1252 file, not UTF-8 with strays
        return None

    def as_cp1252(match: re.Match[str]) -> str:
        byte = bytes([ord(match.group()) - 0xDC00])
        try:
            return byte.decode("cp1252")
        except UnicodeDecodeError:
            return byte.decode("latin-1")

    raw = [bytes([ord(text[i]) - 0xDC00]) for i in stray[:3]]
    examples = tuple(f"0x{b[0]:02X} read as '{b.decode('cp1252', errors='replace')}'" for b in raw)
    first_line = text.count("\n", 0, stray[0]) + 1
    text = _SURROGATE.sub(as_cp1252, text)
    return _strip_bom(text), StrayBytes(len(stray), first_line, examples)
