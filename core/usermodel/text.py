"""Plain-text renderings of a model check and an explained error (the command line prints these)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from core.doctor import Diagnosis, format_shape
from core.usermodel.compare import CheckResult
from core.usermodel.explain import ExplainResult

_MARK = {"error": "✘", "warning": "!", "info": "i"}
_FAMILIES = {"keras3": "Keras 3", "tf.keras": "tf.keras 2.x", "keras2": "Keras 1/2", "pytorch": "PyTorch",
             "keras": "Keras 3 or tf.keras 2.x", "unknown": "an unknown library"}


def diagnosis_lines(d: Diagnosis) -> list[str]:
    lines = [f"{_MARK.get(d.severity, '-')} [{d.code}] {d.title}"]
    lines += ["    " + line for line in textwrap.wrap(d.explanation, 96)]
    if d.before_shape is not None or d.after_shape is not None:
        lines.append(f"    Shape: {format_shape(d.before_shape) if d.before_shape else '?'} → "
                     f"{format_shape(d.after_shape) if d.after_shape else '?'}")
    if d.fix_text:
        lines.append(f"    Fix: {d.fix_text}")
    lines += ["        " + line for line in d.fix_code.splitlines()]
    return lines


def check_text(result: CheckResult) -> str:
    model, data = result.model, result.data
    version = f", Keras {model.keras_version}" if model.keras_version else ""
    lines = [f"Model: {Path(model.source).name} ({model.format}{version})" + (f", loss {model.loss}" if model.loss else ""),
             f"Data:  shape {format_shape(data.shape)} → input_shape={format_shape(data.input_shape)}"]
    lines += [f"Note:  {note}" for note in model.notes]
    lines.append("")
    if result.rows:
        width = max(len(row.name) for row in result.rows) + 2
        lines.append(f"  {'layer':<{width}}{'class':<16}{'output shape':<20}{'params':>10}")
        lines.append(f"  {'input':<{width}}{'InputLayer':<16}{format_shape(result.input_shape):<20}{0:>10,}")
        for row in result.rows:
            shape = format_shape(row.output_shape) if row.output_shape is not None else "?"
            params = f"{row.params:>10,}" if row.params is not None else f"{'?':>10}"
            lines.append(f"  {row.name:<{width}}{row.class_name:<16}{shape:<20}{params}")
        lines.append(f"  {'total':<{width}}{'':<36}{sum(r.params or 0 for r in result.rows):>10,}")
        lines.append("")
    errors = sum(1 for d in result.diagnoses if d.severity == "error")
    if result.fits:
        lines.append("✔ The model fits this data." + (" Worth a look:" if result.diagnoses else ""))
    else:
        lines.append(f"✘ The model does not fit this data: {errors} problem{'s' if errors != 1 else ''} to fix.")
    for d in result.diagnoses:
        lines += [""] + diagnosis_lines(d)
    return "\n".join(lines)


def explain_text(result: ExplainResult) -> str:
    e = result.error
    if not result.recognised:
        return ("This does not look like a shape error Shape Explorer knows (Keras 3, tf.keras 2.x, Keras 1/2 or "
                f"PyTorch nn.LSTM). The first line was: {e.message or '(empty)'}")
    found = []
    if e.expected_ndim is not None:
        found.append(f"expected {e.expected_ndim}-D, found {e.found_ndim}-D")
    if e.expected_shape is not None:
        found.append(f"expected {format_shape(e.expected_shape)}")
    if e.expected_value is not None:
        found.append(f"expected {e.expected_value}, got {e.found_value}")
    if e.found_shape is not None:
        found.append(f"{'target' if e.role == 'target' else 'input'} shape {format_shape(e.found_shape)}")
    where = f" at layer '{e.layer}'" if e.layer else ""
    lines = [f"A {_FAMILIES.get(e.family, e.family)} shape error{where}: " + "; ".join(found) + ".",
             "Explained for the loaded data." if result.with_data else "Explained from the text alone (give the data file for a fix that fits it)."]
    for d in result.diagnoses:
        lines += [""] + diagnosis_lines(d)
    if not result.diagnoses:
        lines.append("No fix is known for this combination; the facts above are what the error says.")
    return "\n".join(lines)
