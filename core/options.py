"""Plain option records shared by the command line, the window, exported scripts and sessions.

Each is a frozen dataclass of JSON-friendly values; ``None`` means "detect it" (loading) or
"use the default" (shaping). ``to_dict``/``from_dict`` round-trip them through session files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Layout = Literal["long", "wide", "series"]
Padding = Literal["pre", "post"]

TASKS = ("binary", "multiclass", "regression")


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}  # type: ignore[call-overload]  # a mixin: every subclass is a dataclass

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        clean = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in known}
        return cls(**clean)


@dataclass(frozen=True)
class LoadOptions(_Record):
    """How to read a file. Every field left ``None`` is detected, and the guess is reported."""

    format: str | None = None  # a key of the format registry (core.loaders.formats); detected when None
    layout: Layout | None = None  # CSV/TSV only
    delimiter: str | None = None
    header: bool | None = None
    id_col: str | None = None  # long layout: the sequence-id column
    time_col: str | None = None  # long layout: the order column (rows are sorted by it)
    label_col: str | None = None  # label/target column (long/wide CSV) or JSON field
    feature_cols: tuple[str, ...] | None = None
    sequence_field: str | None = None  # JSON: the field holding the steps
    channels_first: bool | None = None  # arrays stored (N, F, T): transpose on load
    x_key: str | None = None  # .npz member names
    y_key: str | None = None
    labels_file: str | None = None  # .npy of labels beside a .npy of inputs (which may be memory-mapped)
    lowercase: bool = True  # text: tokenisation
    max_vocab: int | None = None  # text: keep the most frequent tokens (plus padding and OOV)
    encoding: str | None = None  # text files; detected (UTF-8/UTF-8-BOM/UTF-16/cp1252) when None
    merge_axes: str | None = None  # 4-D arrays: "samples", "timesteps" or "features" (which two axes become one)
    task: str | None = None  # "binary", "multiclass" or "regression": how labels are read (detected when None)
    sheet: str | None = None  # Excel workbooks: the sheet to read (the first when None)
    skip_cols: tuple[str, ...] | None = None  # tables: columns to leave out of every role
    embeddings: str | None = None  # text: a GloVe/word2vec/fastText vectors file for the vocabulary
    embed_features: bool = False  # text + embeddings: the tensor holds the vectors (N, T, dim), not token ids
    oov: str = "zeros"  # text + embeddings: words not in the vectors file get "zeros" or "random" (seeded) vectors


@dataclass(frozen=True)
class PaddingOptions(_Record):
    """Padding/truncation, with the same meaning as ``keras.utils.pad_sequences``.

    ``dtype=None`` keeps the data's own dtype (floats stay float), unlike Keras' int32 default.
    """

    maxlen: int | None = None
    padding: Padding = "post"
    truncating: Padding = "post"
    value: float = 0.0
    dtype: str | None = None


@dataclass(frozen=True)
class WindowOptions(_Record):
    """Sliding windows over a single series (forecasting).

    Sample i covers rows ``[i*stride, i*stride + window)``; its target is the target columns at
    row ``i*stride + window + horizon - 1`` (``horizon=1`` predicts the next step). With
    ``horizon=0`` there is no target (same as Keras' ``targets=None``).
    """

    window: int = 32
    stride: int = 1
    horizon: int = 1
    target_cols: tuple[str, ...] | None = None  # None → every feature column is also a target
