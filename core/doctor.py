"""The shape doctor: the classic sequence-shape mistakes, each with the exact fix in code.

:func:`diagnose` looks at an array shape (and, when given, the model input shape the user
wrote, the dtype, the dataset, the model spec and the padding options) and returns
:class:`Diagnosis` records: what is wrong, why, and the line of numpy/Keras code that fixes
it, with the shape before and after. No TensorFlow is imported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.dataset import SequenceDataset
from core.options import PaddingOptions, WindowOptions
from core.shaping.mask import pad_value_collisions
from core.shaping.windows import default_window

CODES = (
    "two_d_input",
    "batch_in_input_shape",
    "channels_first",
    "single_series_needs_windows",
    "int32_truncates_floats",
    "missing_return_sequences",
    "pre_padding_with_mask",
    "pad_value_collision",
)
# A user's own model (core.usermodel) against the data, or a pasted error explained; two_d_input,
# batch_in_input_shape, channels_first and missing_return_sequences come from there too.
MODEL_CODES = (
    "extra_axis",
    "timesteps_mismatch",
    "features_mismatch",
    "sequence_output_mismatch",
    "output_units_mismatch",
    "loss_label_mismatch",
    "embedding_input_mismatch",
    "mask_value_mismatch",
    "layer_shape_error",
    "model_not_fully_read",
    "model_builder_mismatch",
)
ALL_CODES = CODES + MODEL_CODES


@dataclass(frozen=True)
class Diagnosis:
    """One finding; ``fix_code`` is copyable numpy/Keras code, shapes use None for "any"."""

    code: str
    severity: str  # "error" | "warning" | "info"
    title: str
    explanation: str
    fix_text: str
    fix_code: str
    before_shape: tuple[int | None, ...] | None = None
    after_shape: tuple[int | None, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("before_shape", "after_shape"):
            out[key] = None if out[key] is None else list(out[key])
        return out


def diagnose(
    shape: tuple[int, ...],
    *,
    expected_input_shape: tuple[int | None, ...] | None = None,
    dtype: np.dtype | str | None = None,
    dataset: SequenceDataset | None = None,
    spec: Any = None,
    padding: PaddingOptions | None = None,
    return_sequences: Sequence[bool] | None = None,
    pad_collisions: int | None = None,
) -> list[Diagnosis]:
    """Every mistake recognisable from what is given, most serious first.

    Args:
        shape: the data array's shape as the user has it, e.g. ``(N, T)``.
        expected_input_shape: the ``input_shape`` the user gave the model, if any.
        dtype: the dtype the data will be padded/fed as.
        dataset: the loaded data (enables series, float and pad-collision checks).
        spec: a ``core.model.spec.ModelSpec`` (enables masking/embedding-aware checks).
        padding: the padding options in use.
        return_sequences: the ``return_sequences`` flags of a stacked model the user wrote.
    """
    shape = tuple(int(s) for s in shape)
    found: list[Diagnosis] = []
    is_tokens = dataset is not None and dataset.kind == "tokens"
    is_series = dataset is not None and dataset.kind == "series"

    if expected_input_shape is not None:
        found += _batch_in_input_shape(tuple(expected_input_shape))
    if is_series and len(shape) == 2:
        found.append(_single_series(shape))
    elif len(shape) == 2 and not is_tokens:
        found.append(_two_d(shape, expected_input_shape))
    word_vectors = dataset is not None and dataset.embeddings is not None
    if len(shape) == 3 and not word_vectors:  # word vectors: the last axis is the vector size by construction
        found += _channels_first(shape, expected_input_shape, dataset)
    if return_sequences is not None:
        found += _missing_return_sequences(list(return_sequences), shape)
    if dataset is not None and not is_series:
        found += _float_truncation(dataset, dtype, padding)
    uses_mask = _uses_mask(dataset, spec, padding)
    if padding is not None and padding.padding == "pre" and uses_mask:
        found.append(_pre_padding(shape))
    if dataset is not None and padding is not None:
        count = pad_collisions if pad_collisions is not None else pad_collision_count(dataset, padding, spec)
        if count:
            found.append(_pad_collision(dataset, padding, count))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda d: order[d.severity])


def diagnose_dataset(
    dataset: SequenceDataset,
    padding: PaddingOptions | None = None,
    window: WindowOptions | None = None,
    spec: Any = None,
    pad_collisions: int | None = None,
) -> list[Diagnosis]:
    """Diagnoses for a loaded dataset shaped with these options (used by the shape report)."""
    from core.shaping.tensorize import plan_shape

    padding = padding or PaddingOptions()
    found: list[Diagnosis] = []
    if dataset.kind == "series":
        plan = plan_shape(dataset, padding, window)
        found.append(_single_series((plan.series_length or 0, dataset.n_features), plan.shape, plan.window))
        return found
    plan = plan_shape(dataset, padding, None)
    found += diagnose(plan.shape, dataset=dataset, spec=spec, padding=padding, dtype=None, pad_collisions=pad_collisions)
    found += _embedding_coverage(dataset)
    if loaded_from_2d(dataset):
        found.append(two_d_loaded(dataset.n_samples, plan.timesteps))
    return found


def loaded_from_2d(dataset: SequenceDataset) -> bool:
    """True when the file held a 2-D ``(samples, timesteps)`` array (wide CSV, 2-D ``.npy``) and the
    loader added the feature axis: the user's own code must add it too."""
    options = dataset.source.options or {}
    return dataset.kind == "sequences" and dataset.n_features == 1 and (
        dataset.source.format == "csv-wide" or (dataset.source.format in ("npy", "npz") and options.get("layout") == "wide"))


def two_d_loaded(n: int | None, t: int | None, severity: str = "info", model_expects: bool = False) -> Diagnosis:
    """``two_d_input`` for a 2-D file the loader reshaped: the ``x[..., None]`` the user's own code needs."""
    said = ("The model expects (timesteps, features) input, " if model_expects else "")
    return Diagnosis(
        code="two_d_input",
        severity=severity,
        title="Your file is 2-D: your own code must add the feature axis",
        explanation=(
            f"{said}The file holds a 2-D array {_fmt((n, t))}: one value per timestep and no feature axis. Shape "
            f"Explorer added an axis of size 1 when it loaded it, but a script that loads the same file and calls "
            f"model.fit on it gets 'expected ndim=3, found ndim=2'."
        ),
        fix_text="Add a features axis of size 1 before fit/predict, and use input_shape=(timesteps, 1).",
        fix_code=f"x = x[..., None]  # {_fmt((n, t))} -> {_fmt((n, t, 1))}\ninputs = keras.Input(shape=({t}, 1))",
        before_shape=(n, t),
        after_shape=(n, t, 1),
    )


LOW_EMBEDDING_COVERAGE = 0.8  # share of token occurrences found below which the vectors are worth a warning


def _embedding_coverage(dataset: SequenceDataset) -> list[Diagnosis]:
    """Pre-trained vectors that miss many of the text's words (another language, other casing)."""
    emb = dataset.embeddings
    if emb is None or emb.coverage >= LOW_EMBEDDING_COVERAGE or not emb.words:
        return []
    name = Path(emb.file).name
    examples = ", ".join(repr(w) for w in emb.oov_examples[:5])
    explanation = (f"Only {emb.coverage:.0%} of the text's tokens ({emb.covered} of {emb.words} distinct words) have a "
                   f"vector in {name}; the others get {'zeros' if emb.oov == 'zeros' else 'random vectors'}"
                   + (f" (e.g. {examples})" if examples else "") + ". ")
    if emb.lowercase and emb.cased_share > 0.05:  # GloVe's words are all lower-case; cased files have capitals early
        explanation += (f"{emb.cased_share:.0%} of the file's first words have capitals, so its vectors are cased, but the "
                        "text was lower-cased before the look-up.")
        fix_text = "Keep the text's case so 'Paris' finds the vector of 'Paris' (--keep-case, or untick Lower-case)."
        fix_code = "tokens = TOKEN.findall(sentence)  # no .lower(): the vectors are cased"
    elif not emb.lowercase and emb.cased_share < 0.02:
        explanation += "The file's words are all lower-case (as GloVe's are) but the text kept its capitals."
        fix_text = "Lower-case the text before the look-up (drop --keep-case, or tick Lower-case)."
        fix_code = "tokens = TOKEN.findall(sentence.lower())  # the vectors are lower-case"
    else:
        explanation += ("The vectors were probably trained on another language or split words differently "
                        "(punctuation, contractions, sub-words).")
        fix_text = "Choose vectors trained on text like yours (same language and tokenisation), or let the Embedding train."
        fix_code = "# e.g. fastText's cc.<language>.300.vec for text in <language>, then --train-embeddings"
    if emb.embed_features and emb.oov == "zeros":
        explanation += (" With the vectors as features, a zero vector looks like padding and is masked, so those words "
                        "are skipped; --oov random keeps them as steps.")
    return [Diagnosis("low_embedding_coverage", "warning", f"The word vectors cover only {emb.coverage:.0%} of the tokens",
                      explanation, fix_text, fix_code)]


# ---- the individual checks ---------------------------------------------------------------
def format_shape(shape: Sequence[int | None]) -> str:
    """``(None, 10, 3)``; a 1-tuple keeps its comma: ``(10,)``."""
    return _fmt(shape)


def _fmt(shape: Sequence[int | None]) -> str:
    inner = ", ".join("None" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _batch_in_input_shape(expected: tuple[int | None, ...]) -> list[Diagnosis]:
    if len(expected) != 3:
        return []
    batch, t, f = expected
    return [
        Diagnosis(
            code="batch_in_input_shape",
            severity="error",
            title="The batch size is inside input_shape",
            explanation=(
                f"input_shape={_fmt(expected)} has three entries, but Keras adds the batch axis itself: "
                f"input_shape is (timesteps, features). With the batch included the layer expects 4-D input "
                f"and fails with 'expected ndim=3, found ndim=4' (or similar)."
            ),
            fix_text=f"Drop the first entry ({batch}) and give only (timesteps, features).",
            fix_code=f"inputs = keras.Input(shape={_fmt((t, f))})",
            before_shape=expected,
            after_shape=(t, f),
        )
    ]


def _two_d(shape: tuple[int, ...], expected: tuple[int | None, ...] | None) -> Diagnosis:
    n, t = shape
    if expected is not None and len(expected) == 2 and expected[0] and expected[1] and expected[1] > 1 and t == expected[0] * expected[1]:
        steps, feats = expected
        return Diagnosis(
            code="two_d_input",
            severity="error",
            title="The data is 2-D; an LSTM needs 3-D (samples, timesteps, features)",
            explanation=(
                f"Each row holds {t} numbers, which is {steps} timesteps × {feats} features flattened "
                f"together. Recurrent layers read a 3-D tensor, hence 'expected ndim=3, found ndim=2'."
            ),
            fix_text="Unflatten each row into (timesteps, features), keeping the order the values were written in.",
            fix_code=f"X = X.reshape((X.shape[0], {steps}, {feats}))",
            before_shape=shape,
            after_shape=(n, steps, feats),
        )
    return Diagnosis(
        code="two_d_input",
        severity="error",
        title="The data is 2-D; an LSTM needs 3-D (samples, timesteps, features)",
        explanation=(
            f"An array of shape {_fmt(shape)} has no feature axis. Recurrent layers read "
            f"(samples, timesteps, features) and fail with 'expected ndim=3, found ndim=2'. "
            f"If each row is one univariate sequence of {t} steps, add a feature axis of size 1."
        ),
        fix_text="Add a features axis of size 1 (one value per timestep) and use input_shape=(timesteps, 1).",
        fix_code=f"X = X.reshape((X.shape[0], X.shape[1], 1))\ninputs = keras.Input(shape=({t}, 1))",
        before_shape=shape,
        after_shape=(n, t, 1),
    )


def _channels_first(
    shape: tuple[int, ...], expected: tuple[int | None, ...] | None, dataset: SequenceDataset | None
) -> list[Diagnosis]:
    n, a, b = shape
    if a == b:
        return []
    confirmed = expected is not None and len(expected) == 2 and tuple(expected) == (b, a)
    looks_like = a <= 16 and b >= 8 * a and b >= 32 and expected is None
    if dataset is not None and dataset.kind != "sequences":
        looks_like = False
    if not (confirmed or looks_like):
        return []
    return [
        Diagnosis(
            code="channels_first",
            severity="error" if confirmed else "warning",
            title="The axes look like (samples, features, timesteps)",
            explanation=(
                f"Shape {_fmt(shape)} reads as {a} timesteps of {b} features, but it is more likely "
                f"{b} timesteps of {a} channels stored channels-first. Keras recurrent layers read "
                f"(samples, timesteps, features), so the LSTM would step over the channels."
            ),
            fix_text="Swap the last two axes (or load with --channels-first).",
            fix_code="X = np.transpose(X, (0, 2, 1))",
            before_shape=shape,
            after_shape=(n, b, a),
        )
    ]


def _single_series(
    shape: tuple[int, ...],
    windowed: tuple[int, ...] | None = None,
    window: WindowOptions | None = None,
) -> Diagnosis:
    t, f = shape
    window = window or default_window(t)
    n = windowed[0] if windowed else max(0, (t - window.window - window.horizon) // window.stride + 1)
    w, s, h = window.window, window.stride, window.horizon
    code = (
        f"ds = keras.utils.timeseries_dataset_from_array(\n"
        f"    data[:-{h}], targets=data[{w + h - 1}:], sequence_length={w}, sequence_stride={s}, batch_size=32)"
        if h
        else f"ds = keras.utils.timeseries_dataset_from_array(data, targets=None, sequence_length={w}, sequence_stride={s})"
    )
    return Diagnosis(
        code="single_series_needs_windows",
        severity="info" if windowed else "error",
        title="One long series is cut into sliding windows",
        explanation=(
            f"A single series of {t} rows × {f} features is one sample, not a training set. Sliding "
            f"windows of {w} steps every {s} step{'s' if s != 1 else ''}"
            + (f", each predicting the row {h} step{'s' if h != 1 else ''} after it," if h else "")
            + f" turn it into {n} samples of shape ({w}, {f})."
        ),
        fix_text="Cut windows (choose window, stride and horizon); each window is one sample.",
        fix_code=code,
        before_shape=(t, f),
        after_shape=(n, w, f),
    )


def _missing_return_sequences(flags: list[bool], shape: tuple[int, ...]) -> list[Diagnosis]:
    wrong = [i for i, flag in enumerate(flags[:-1]) if not flag]
    if not wrong:
        return []
    n = shape[0] if shape else None
    t = shape[1] if len(shape) > 1 else None
    layers = ", ".join(str(i + 1) for i in wrong)
    return [
        Diagnosis(
            code="missing_return_sequences",
            severity="error",
            title="A stacked recurrent layer does not return sequences",
            explanation=(
                f"Layer {layers} of {len(flags)} outputs only its last step, shape (batch, units), so the next "
                f"LSTM receives 2-D input and fails with 'expected ndim=3, found ndim=2'. Every recurrent "
                f"layer except the last must return the whole sequence."
            ),
            fix_text="Set return_sequences=True on every recurrent layer but the last.",
            fix_code=(
                "model = keras.Sequential([\n"
                "    keras.Input(shape=(T, F)),\n"
                "    keras.layers.LSTM(64, return_sequences=True),\n"
                "    keras.layers.LSTM(64),\n"
                "    keras.layers.Dense(1),\n"
                "])"
            ),
            before_shape=(n, 64),
            after_shape=(n, t, 64),
        )
    ]


def _float_truncation(
    dataset: SequenceDataset, dtype: np.dtype | str | None, padding: PaddingOptions | None
) -> list[Diagnosis]:
    if dataset.kind == "tokens" or dataset.values.dtype.kind != "f" or dataset.is_equal_length:
        return []
    chosen = dtype if dtype is not None else (padding.dtype if padding is not None else None)
    if chosen is not None and np.dtype(chosen).kind == "f":
        return []
    sample = dataset.values[: min(dataset.total_steps, 100_000)]
    has_fractions = bool(np.any(np.isfinite(sample) & (sample != np.round(sample))))
    if chosen is None and not has_fractions:
        return []
    severity = "error" if chosen is not None else "info"
    where = (
        f"Padding as {np.dtype(chosen).name}" if chosen is not None
        else "keras.utils.pad_sequences defaults to dtype='int32', which"
    )
    return [
        Diagnosis(
            code="int32_truncates_floats",
            severity=severity,
            title="Padding to int32 would truncate the float features",
            explanation=(
                f"{where} turns every value into a whole number: 0.73 becomes 0 and -1.9 becomes -1. "
                f"The model then trains on destroyed data without any error."
                + (" Shape Explorer keeps floats as floats; pass dtype yourself when you pad in your own code." if chosen is None else "")
            ),
            fix_text='Pad with dtype="float32".',
            fix_code='X = keras.utils.pad_sequences(seqs, dtype="float32", padding="post")',
            before_shape=None,
            after_shape=None,
        )
    ]


def _uses_mask(dataset: SequenceDataset | None, spec: Any, padding: PaddingOptions | None) -> bool:
    if spec is not None:
        inp = spec.input
        return inp.kind == "masking" or (inp.kind == "embedding" and bool(inp.mask_zero))
    if dataset is None:
        return padding is not None  # padding options imply ragged data, which is masked
    if dataset.kind == "series":
        return False
    # Ragged data gets a Masking/Embedding(mask_zero) input by default.
    if dataset.is_equal_length and (padding is None or padding.maxlen is None or padding.maxlen <= int(dataset.lengths.min(initial=0))):
        return False
    return True


def _pre_padding(shape: tuple[int, ...]) -> Diagnosis:
    return Diagnosis(
        code="pre_padding_with_mask",
        severity="warning",
        title="Pre-padding with a mask leaves the fast cuDNN path",
        explanation=(
            "On a GPU, Keras runs LSTM/GRU with cuDNN only when the mask is right-padded (padding at "
            "the end). With padding='pre' and a mask it falls back to the generic kernel, several "
            "times slower. Masked post-padding gives the same results."
        ),
        fix_text='Pad after the sequence: padding="post" (truncating can stay as it is).',
        fix_code='X = keras.utils.pad_sequences(seqs, dtype="float32", padding="post")',
        before_shape=shape,
        after_shape=shape,
    )


def pad_collision_count(dataset: SequenceDataset, padding: PaddingOptions, spec: Any = None) -> int | None:
    """Real steps the mask would drop because every feature equals the pad value.

    None when the check does not apply: no mask is in play (a series, token ids masked by id
    0, or equal-length data that needs no padding), so nothing real can be mistaken for padding.
    """
    if dataset.kind == "tokens" or not _uses_mask(dataset, spec, padding):
        return None
    return pad_value_collisions(dataset.values, padding.value)


def _pad_collision(dataset: SequenceDataset, padding: PaddingOptions, count: int) -> Diagnosis:
    finite = dataset.values[np.isfinite(dataset.values)] if dataset.values.dtype.kind == "f" else dataset.values
    low = float(finite.min()) if finite.size else 0.0
    suggestion = float(min(-1.0, math.floor(low) - 1.0))
    share = count / max(1, dataset.total_steps)
    return Diagnosis(
        code="pad_value_collision",
        severity="warning",
        title="Some real steps equal the pad value and would be masked",
        explanation=(
            f"{count} real step{'s' if count != 1 else ''} ({share:.2%}) have every feature equal to the pad "
            f"value {padding.value:g}. The Masking layer cannot tell them from padding, so the model "
            f"silently skips them."
        ),
        fix_text=f"Pad with a value that never occurs in the data, e.g. {suggestion:g}, and mask that value.",
        fix_code=(
            f'X = keras.utils.pad_sequences(seqs, dtype="float32", padding="post", value={suggestion:g})\n'
            f"x = keras.layers.Masking(mask_value={suggestion:g})(inputs)"
        ),
    )


def builder_diagnoses(problems: Sequence[str]) -> list[Diagnosis]:
    """The model builder's misfits (``core.model.defaults.spec_fits_data`` sentences) as doctor findings,
    so the doctor and the builder never disagree: "no shape problems" only when both have none."""
    return [
        Diagnosis(
            code="model_builder_mismatch",
            severity="error",
            title="The model in the Model tab does not fit this data",
            explanation=" ".join(str(problem).split()),
            fix_text="Change it in the Model tab (or reset it to the data's defaults there).",
            fix_code="",
        )
        for problem in problems
    ]
