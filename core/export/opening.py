"""How an exported script opens the user's file as the loader did: encoding, compression, stray bytes.

Every reader of :mod:`core.export.readers` opens ``FILE`` through these, so a gzip-compressed
file, a UTF-16 one or UTF-8 with a few Windows bytes is decoded in the script exactly as Shape
Explorer decoded it (the options recorded in ``dataset.source.options``).
"""

from __future__ import annotations

from typing import Any

from core.export.script_text import ExportError, literal


def text_encoding(options: dict[str, Any]) -> str:
    return str(options.get("encoding") or "utf-8")


_COMPRESSION_MODULES = {"gzip": "gzip", "bz2": "bz2", "xz": "lzma"}


def compression_module(options: dict[str, Any]) -> str | None:
    """The module that decompresses FILE (gzip, bz2, lzma), or None for a plain file."""
    compression = options.get("compression")
    if not compression:
        return None
    module = _COMPRESSION_MODULES.get(str(compression))
    if module is None:
        raise ExportError(f"Shape Explorer cannot write a script that reads {compression}-compressed files yet; "
                          "decompress the file and export again.")
    return module


def compression_import(options: dict[str, Any]) -> str:
    """Imports (and the decoding rule) a reader's ``open`` needs: the decompressing module, stray bytes."""
    module = compression_module(options)
    out = f"import {module}  # the file is {options['compression']}-compressed\n\n" if module else ""
    stray = options.get("stray_bytes")
    if stray:
        if stray not in STRAY_BYTES_RULES:
            raise ExportError(f"Shape Explorer cannot write a script that decodes stray bytes as {stray} yet.")
        out += STRAY_BYTES_RULES[stray]
    return out


_STRAY_BYTES_INTRO = '''import codecs

# The file is UTF-8 except for a few bytes written by a Windows program: those bytes are read as
# Windows (cp1252) characters, as Shape Explorer read them'''


STRAY_BYTES_RULES = {
    # text files (core.loaders.files.decode_utf8_with_stray_bytes): Latin-1 where cp1252 has no character
    "cp1252": _STRAY_BYTES_INTRO + ''' (Latin-1 where cp1252 has none).
codecs.register_error("cp1252_bytes", lambda error: ("".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in error.object[error.start:error.end]), error.end))

''',
    # tables (core.loaders.csv_table): U+FFFD where cp1252 has no character
    "cp1252-replace": _STRAY_BYTES_INTRO + ''' (U+FFFD where cp1252 has none).
codecs.register_error("cp1252_bytes", lambda error: (
    error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end))

''',
}


def errors_argument(options: dict[str, Any], name: str = "errors") -> str:
    return f', {name}="cp1252_bytes"' if options.get("stray_bytes") else ""


def open_text(options: dict[str, Any], name: str = "FILE") -> str:
    """An expression opening FILE as text with the loader's encoding (decompressing it if need be)."""
    module = compression_module(options)
    encoding = literal(text_encoding(options))
    errors = errors_argument(options)
    if module:
        return f'{module}.open({name}, "rt", encoding={encoding}{errors})'
    return f"open({name}, encoding={encoding}{errors})"
