"""The exported script's reader for NumPy files: ``.npy`` arrays (with a labels file) and ``.npz`` archives.

Loaded with ``allow_pickle=False`` (never unpickled), with the squeeze, axis merge and
channels-first transpose the loader applied, and labels decoded as the loader decoded them.
"""

from __future__ import annotations

from typing import Any

from core.dataset import SequenceDataset
from core.export.opening import compression_import, compression_module
from core.export.script_text import literal


def array_fix(dataset: SequenceDataset | None) -> str:
    """The squeeze or axis merge the NumPy reader applied to a 4-D (or larger) array, as code."""
    for guess in dataset.source.guesses if dataset is not None else ():
        if guess.what == "squeeze":
            axes = tuple(int(a) for a in guess.value)
            return f"x = x.squeeze(axis={axes[0] if len(axes) == 1 else axes})  # drop the size-1 axis\n"
        if guess.what == "merge axes":
            codes = {"samples": "x.reshape(-1, *x.shape[2:])", "timesteps": "x.reshape(x.shape[0], -1, x.shape[3])",
                     "features": "x.reshape(*x.shape[:2], -1)"}
            return f"x = {codes[guess.value]}  # merge two axes into {guess.value}\n"
    return ""


def numpy_reader(fmt: str, options: dict[str, Any], series: bool, dataset: SequenceDataset | None = None) -> str:
    module = compression_module(options)
    source = "FILE"
    prefix = ""
    if module:
        prefix = f"import io\n{compression_import(options)}with {module}.open(FILE) as handle:\n    data = io.BytesIO(handle.read())\n"
        source = "data"
    if fmt == "npz":
        y_key = options.get("y_key")
        load = prefix + f'''
archive = np.load({source}, allow_pickle=False)  # never unpickle
x = archive[{literal(options.get("x_key") or "X")}]
raw_labels = {f"archive[{literal(y_key)}]" if y_key else "None"}
'''
    else:
        labels_file = options.get("labels_file")
        load = prefix + f"\nx = np.load({source}, allow_pickle=False)  # never unpickle\n"
        if labels_file:
            load += f'''LABELS_FILE = {literal(str(labels_file))}  # the labels file given with --labels
raw_labels = np.load(LABELS_FILE, allow_pickle=False)
'''
        else:
            load += "raw_labels = None\n"
    load += array_fix(dataset)
    load += '''if raw_labels is not None:
    if raw_labels.dtype.kind == "S":
        raw_labels = np.char.decode(raw_labels, "utf-8", errors="replace")  # bytes → text
    if raw_labels.dtype == bool:
        raw_labels = raw_labels.astype("int64")  # True/False → classes 1/0
    if raw_labels.ndim == 2 and raw_labels.shape[1] == 1:
        raw_labels = raw_labels[:, 0]  # (samples, 1) → one label per sample
'''
    if series:
        return load + "series = x.reshape(len(x), -1).astype(\"float32\")  # one long (timesteps, features) series\n"
    transpose = "x = x.transpose(0, 2, 1)  # stored channels-first: (samples, features, timesteps)\n" if options.get("channels_first") else ""
    return load + transpose + '''if x.ndim == 2:
    x = x[:, :, None]  # (samples, timesteps) → one feature per step
sequences = list(x.astype("float32"))  # equal-length sequences
'''
