"""Will each recurrent layer run on the fast cuDNN kernel? A linter that says why not, and the fix.

The conditions are those of Keras 3 with the TensorFlow backend (read from the installed
``keras`` package, version 3.15):

* ``keras/src/backend/tensorflow/rnn.py``, ``_do_lstm_arguments_support_cudnn`` and
  ``_do_gru_arguments_support_cudnn`` (called by ``cudnn_ok``): ``activation`` is tanh,
  ``recurrent_activation`` is sigmoid, ``unroll`` is False, ``use_bias`` is True, and for GRU
  ``reset_after`` is True.
* ``keras/src/layers/rnn/lstm.py`` and ``gru.py``, ``LSTM.inner_loop`` / ``GRU.inner_loop``:
  the cuDNN path is only tried when ``recurrent_dropout`` is 0 (plain ``dropout`` is fine: it
  is applied to the inputs before the kernel).
* ``keras/src/backend/tensorflow/rnn.py``, ``_assert_valid_mask`` with
  ``_is_sequence_right_padded`` and ``_has_fully_masked_sequence``: a mask must be real steps
  followed by padding (post-padding) and no sample may be entirely masked. Masks come from a
  ``Masking`` layer or ``Embedding(mask_zero=True)`` and pass through every recurrent layer that
  returns sequences, so they concern every layer of the stack.
* ``cudnn_ok`` also requires ``_is_gpu_available()``: cuDNN runs only on an NVIDIA GPU. That is
  a fact about the machine, not the model, so it goes in ``notes`` and never in ``reasons``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.model.spec import ModelSpec
from core.options import PaddingOptions

GPU_NOTE = "cuDNN only runs on an NVIDIA GPU; on a CPU Keras uses its generic kernel whatever the settings."


@dataclass(frozen=True)
class CudnnVerdict:
    """Whether recurrent layer ``layer_index`` (0-based in ``spec.layers``) can use cuDNN.

    ``reasons`` are plain sentences saying what prevents it; ``fixes`` the matching changes.
    ``notes`` hold things worth knowing that do not change the verdict (it needs a GPU).
    """

    layer_index: int
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def model_uses_mask(spec: ModelSpec) -> bool:
    """True when the recurrent layers receive a mask (``Masking`` or ``Embedding(mask_zero=True)``)."""
    return spec.input.kind == "masking" or (spec.input.kind == "embedding" and spec.input.mask_zero)


def mask_problems(mask: np.ndarray) -> tuple[int, int]:
    """Count samples whose mask is not right-padded, and samples that are entirely masked.

    ``mask`` is ``(N, T)`` with True for real steps. Mirrors Keras' ``_is_sequence_right_padded``
    (the mask must equal ``sequence_mask(count_of_true)``) and ``_has_fully_masked_sequence``.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2 or mask.size == 0:
        return 0, 0
    counts = mask.sum(axis=1)
    right_padded = np.arange(mask.shape[1])[None, :] < counts[:, None]
    not_right_padded = int(np.count_nonzero((mask != right_padded).any(axis=1)))
    fully_masked = int(np.count_nonzero(counts == 0))
    return not_right_padded, fully_masked


def _samples(n: int, verb_one: str, verb_many: str) -> str:
    return f"{n} sample {verb_one}" if n == 1 else f"{n} samples {verb_many}"


def lint(
    spec: ModelSpec, padding: PaddingOptions | None = None, *, mask: np.ndarray | None = None
) -> list[CudnnVerdict]:
    """One verdict per recurrent layer of ``spec``.

    ``padding`` (the data's padding options) lets the linter catch pre-padding with a mask;
    ``mask`` (the data's ``(N, T)`` step mask, optional) lets it also catch masked steps in the
    middle of a sample (a pad-value collision) and samples with no real step at all.
    """
    shared_reasons: list[str] = []
    shared_fixes: list[str] = []
    if model_uses_mask(spec):
        source = "the Masking layer" if spec.input.kind == "masking" else "Embedding(mask_zero=True)"
        if padding is not None and padding.padding == "pre":
            shared_reasons.append(
                f"The data is pre-padded and {source} masks the padding, but cuDNN only accepts masks with "
                "the real steps first and the padding after them."
            )
            shared_fixes.append("use padding='post' (pad at the end of each sequence)")
        if mask is not None:
            not_right_padded, fully_masked = mask_problems(mask)
            already_flagged = padding is not None and padding.padding == "pre"
            if not_right_padded and not already_flagged:
                shared_reasons.append(
                    f"{_samples(not_right_padded, 'has', 'have')} masked steps before real ones (a real step whose "
                    f"features all equal the mask value {spec.input.mask_value:g} counts as padding), so the "
                    "mask is not plain right-padding."
                )
                shared_fixes.append("use padding='post' and a pad/mask value that never occurs in the data")
            if fully_masked:
                shared_reasons.append(
                    f"{_samples(fully_masked, 'is', 'are')} entirely padding (zero real steps), which the cuDNN kernel "
                    "cannot handle."
                )
                shared_fixes.append("drop empty sequences before training")

    verdicts: list[CudnnVerdict] = []
    for index, layer in enumerate(spec.layers):
        reasons: list[str] = []
        fixes: list[str] = []
        if layer.activation != "tanh":
            reasons.append(f"activation is {layer.activation!r}; cuDNN only implements tanh.")
            fixes.append("set activation='tanh'")
        if layer.recurrent_activation != "sigmoid":
            reasons.append(
                f"recurrent_activation is {layer.recurrent_activation!r}; cuDNN only implements sigmoid."
            )
            fixes.append("set recurrent_activation='sigmoid'")
        if layer.recurrent_dropout:
            reasons.append(
                f"recurrent_dropout is {layer.recurrent_dropout:g}; Keras only tries cuDNN when it is 0."
            )
            fixes.append("set recurrent_dropout=0 and use dropout instead")
        if layer.unroll:
            reasons.append("unroll=True builds a Python-unrolled loop, which cuDNN does not run.")
            fixes.append("set unroll=False")
        if not layer.use_bias:
            reasons.append("use_bias=False; the cuDNN kernel always has biases.")
            fixes.append("set use_bias=True")
        if layer.kind == "GRU" and not layer.reset_after:
            reasons.append("reset_after=False is the old GRU variant; cuDNN only implements reset_after=True.")
            fixes.append("set reset_after=True")
        reasons.extend(shared_reasons)
        fixes.extend(shared_fixes)
        verdicts.append(CudnnVerdict(index, not reasons, reasons, fixes, [GPU_NOTE]))
    return verdicts
