"""From pre-trained word vectors to a text dataset's embedding: the matrix and how well it covers the data.

:func:`for_vocabulary` reads the vectors a vocabulary needs (:func:`core.loaders.word_vectors.read_vectors`,
streamed) and returns :class:`Embeddings`: row ``i`` of its matrix is token id ``i``'s vector.

Out-of-vocabulary words (:func:`embedding_matrix`) get zeros (``oov="zeros"``, the default, as
in the Keras pre-trained embedding example) or a random vector (``oov="random"``): uniform in
``[-OOV_SCALE, OOV_SCALE)``, drawn from a hash of the word itself and :data:`OOV_SEED`, so the
same word gets the same vector in every file, run and exported script (:func:`random_vectors`).
The padding id 0 is always all zeros.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.loaders.word_vectors import WordVectors, read_vectors

OOV_RULES = ("zeros", "random")
OOV_SCALE = 0.25  # random OOV vectors are uniform in [-0.25, 0.25), the range Kim (2014) used
OOV_SEED = 0


@dataclass(frozen=True)
class Embeddings:
    """Pre-trained vectors for a text dataset's vocabulary, and how well they cover it.

    ``matrix`` is ``(vocabulary_size, dim)``: row ``i`` is token id ``i``'s vector (row 0, the
    padding, is zeros; words not in the file follow ``oov``). ``covered`` counts vocabulary words
    found; ``coverage`` is the share of the data's token occurrences whose word was found.
    """

    file: str
    format: str
    dim: int
    vectors: int
    words: int
    covered: int
    coverage: float
    oov: str
    oov_examples: tuple[str, ...]
    matrix: np.ndarray = field(repr=False)
    embed_features: bool = False
    cased_share: float = 0.0
    lowercase: bool = True
    warnings: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = field(default=(), repr=False)  # token id → word (row i of ``matrix``)
    token_ids: np.ndarray | None = field(default=None, repr=False)  # embed_features: each step's token id

    def word_at(self, step: int) -> str:
        """The word behind flat step ``step`` of an ``embed_features`` dataset ("" when unknown)."""
        if self.token_ids is None or not 0 <= step < self.token_ids.size:
            return ""
        token = int(self.token_ids[step])
        return self.vocabulary[token] if token < len(self.vocabulary) else ""

    def to_dict(self) -> dict[str, Any]:
        """The ``embeddings`` object of ``inspect --json``."""
        return {
            "file": self.file,
            "format": self.format,
            "dim": self.dim,
            "vectors": self.vectors,
            "words": self.words,
            "covered": self.covered,
            "coverage": float(self.coverage),
            "oov": self.oov,
            "oov_examples": list(self.oov_examples),
            "embed_features": self.embed_features,
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        """One line for reports and the window."""
        examples = ", ".join(self.oov_examples[:5])
        missing = self.words - self.covered
        text = (f"{Path(self.file).name} ({self.format}, {self.dim}-d, {self.vectors:,} vectors): "
                f"{self.covered} of {self.words} words found, {self.coverage:.1%} of the tokens")
        if missing:
            text += f"; {missing} not found get {'zeros' if self.oov == 'zeros' else 'a random vector'}"
            if examples:
                text += f" (e.g. {examples})"
        return text


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, vectorised (wrapping uint64 arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def random_vectors(words: Iterable[str], dim: int, seed: int = OOV_SEED, scale: float = OOV_SCALE) -> np.ndarray:
    """One vector per word, uniform in ``[-scale, scale)``, from the word's CRC-32 and ``seed``.

    The same word always gets the same vector (whatever else is in the vocabulary), so the
    app, a test file and the exported script agree without sharing a random state.
    """
    hashes = np.fromiter((zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint64)
    with np.errstate(over="ignore"):
        salt = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.arange(dim, dtype=np.uint64)
        keys = (hashes[:, None] << np.uint64(32)) ^ salt[None, :]
        bits = _mix(keys)
    unit = (bits >> np.uint64(11)).astype(np.float64) / float(1 << 53)  # [0, 1)
    return ((unit * 2.0 - 1.0) * scale).astype(np.float32)


def embedding_matrix(vocabulary: tuple[str, ...] | list[str], vectors: WordVectors, oov: str = "zeros") -> tuple[np.ndarray, np.ndarray]:
    """``(matrix, found)``: row i is vocabulary word i's vector; ``found[i]`` says it came from the file.

    Row 0 (padding) is always zeros; missing words follow ``oov`` (``"zeros"`` or ``"random"``).
    """
    if oov not in OOV_RULES:
        raise ValueError(f"oov must be one of {OOV_RULES}, not {oov!r}")
    size = len(vocabulary)
    rows = np.fromiter((vectors.index.get(word, -1) for word in vocabulary), dtype=np.int64, count=size)
    if size:
        rows[0] = -1  # the padding token is never looked up
    found = rows >= 0
    matrix = np.zeros((size, vectors.dim), dtype=np.float32)
    if found.any():
        matrix[found] = vectors.matrix[rows[found]]
    if oov == "random":
        missing = np.flatnonzero(~found)
        missing = missing[missing != 0]
        if missing.size:
            matrix[missing] = random_vectors([vocabulary[i] for i in missing], vectors.dim)
    return matrix, found


def for_vocabulary(path: str | os.PathLike[str], vocabulary: tuple[str, ...], token_ids: np.ndarray, *, oov: str = "zeros",
                   lowercase: bool = True, embed_features: bool = False) -> Embeddings:
    """Read the vectors ``vocabulary`` needs from ``path`` and measure how well they cover the data.

    ``token_ids`` are the data's ids (any shape); coverage counts their occurrences. The first
    two vocabulary entries (padding and unknown) are not words and are never looked up.
    """
    words = vocabulary[2:]
    vectors = read_vectors(path, words)
    matrix, found = embedding_matrix(vocabulary, vectors, oov)
    counts = np.bincount(np.asarray(token_ids, dtype=np.int64).ravel(), minlength=len(vocabulary))
    real = counts.copy()
    real[:1] = 0  # padding is not a token
    total = int(real.sum())
    covered_tokens = int(real[found].sum())
    missing = [i for i in np.argsort(-counts[2:], kind="stable") + 2 if not found[i]] if len(vocabulary) > 2 else []
    return Embeddings(
        file=str(Path(path).expanduser().resolve()),
        format=vectors.format,
        dim=vectors.dim,
        vectors=vectors.rows,
        words=len(words),
        covered=int(found[2:].sum()),
        coverage=covered_tokens / total if total else 0.0,
        oov=oov,
        oov_examples=tuple(vocabulary[i] for i in missing[:8]),
        matrix=matrix,
        embed_features=embed_features,
        cased_share=vectors.cased_share,
        lowercase=lowercase,
        warnings=vectors.warnings,
        vocabulary=tuple(vocabulary),
        token_ids=np.asarray(token_ids, dtype=np.int32).ravel() if embed_features else None,
    )
