"""One builder per doctor code for the user's own model and array: the finding, its fix as code, the shapes.

:mod:`core.usermodel.compare` (model file or code vs data) and :mod:`core.usermodel.explain`
(a pasted error) decide *when* a finding applies; the words and the fix live here once, so a
mistake reads the same whichever way it was found. ``n``, ``t`` and ``f`` are the data's
samples, timesteps and features; ``None`` means not known.
"""

from __future__ import annotations

from core.doctor import Diagnosis, two_d_loaded
from core.doctor import format_shape as fmt

Dim = int | None


def _d(value: Dim, name: str) -> str:
    return name if value is None else str(value)


def two_d_input(n: Dim, t: Dim, loaded: bool, severity: str = "error") -> Diagnosis:
    if loaded:
        return two_d_loaded(n, t, severity, model_expects=True)
    return Diagnosis(
        "two_d_input", severity, "The array is 2-D; an LSTM needs 3-D (samples, timesteps, features)",
        f"An array of shape {fmt((n, t))} has no feature axis, so the recurrent layer fails with "
        f"'expected ndim=3, found ndim=2'. One value per timestep is one feature: add an axis of size 1.",
        "Add a features axis of size 1 and give the model input_shape=(timesteps, 1).",
        f"x = x[..., None]  # {fmt((n, t))} -> {fmt((n, t, 1))}\ninputs = keras.Input(shape=({_d(t, 'T')}, 1))",
        (n, t), (n, t, 1))


def extra_axis(shape: tuple, axis: int, in_model: bool = False) -> Diagnosis:
    after = tuple(s for i, s in enumerate(shape) if i != axis)
    if in_model:
        return Diagnosis(
            "extra_axis", "error", "The model expects an extra axis of size 1",
            f"The model's input is {fmt(shape)} per batch, one axis more than the data's {fmt(after)}: an LSTM reads "
            f"(samples, timesteps, features), so the size-1 axis must go from the model (or be added to the array).",
            "Declare the input as (timesteps, features).",
            f"inputs = keras.Input(shape={fmt(after[1:])})\n# or give the array the extra axis: x = np.expand_dims(x, {axis})",
            after, shape)
    return Diagnosis(
        "extra_axis", "error", "The array has an extra axis of size 1",
        f"Shape {fmt(shape)} has a size-1 axis at position {axis}: the LSTM gets {len(shape)}-D input and fails with "
        f"'expected ndim={len(shape) - 1}, found ndim={len(shape)}'. Squeeze it out.",
        f"Remove axis {axis}.", f"x = np.squeeze(x, axis={axis})  # {fmt(shape)} -> {fmt(after)}", shape, after)


def channels_first(n: Dim, t: Dim, f: Dim, model_shape: tuple | None, severity: str = "error") -> Diagnosis:
    said = f"The model expects {fmt(model_shape)} per sample, which is " if model_shape else "This is "
    return Diagnosis(
        "channels_first", severity, "The axes are (samples, features, timesteps)",
        f"{said}{t} timesteps of {f} features stored the other way round ({f} channels first). Keras recurrent layers "
        f"read (samples, timesteps, features): swap the last two axes of the array, and declare (timesteps, features).",
        "Swap the last two axes (or load with --channels-first).",
        f"x = np.transpose(x, (0, 2, 1))  # {fmt((n, f, t))} -> {fmt((n, t, f))}\ninputs = keras.Input(shape=({_d(t, 'T')}, {_d(f, 'F')}))",
        (n, f, t), (n, t, f))


def batch_in_input_shape(declared: tuple, t: Dim, f: Dim) -> Diagnosis:
    return Diagnosis(
        "batch_in_input_shape", "error", "The batch size is inside input_shape",
        f"input_shape={fmt(declared)} has {len(declared)} entries, but Keras adds the batch axis itself: input_shape is "
        f"(timesteps, features). With {declared[0]} included the model expects {len(declared) + 1}-D batches "
        f"{fmt((None,) + tuple(declared))}, one axis more than the data's (samples, timesteps, features); an LSTM given "
        f"them fails with 'expected ndim=3, found ndim={len(declared) + 1}'.",
        f"Drop the first entry ({declared[0]}); give only (timesteps, features) and pass batch_size to fit().",
        f"inputs = keras.Input(shape=({_d(t, 'T')}, {_d(f, 'F')}))\nmodel.fit(x, y, batch_size={declared[0] or 32})",
        (None,) + tuple(declared), (None, t, f))


def timesteps_mismatch(model_t: int, n: Dim, t: Dim, f: Dim, severity: str = "error") -> Diagnosis:
    return Diagnosis(
        "timesteps_mismatch", severity, f"The model expects {model_t} timesteps; the data has {t}",
        f"The model was built for input_shape=({model_t}, {_d(f, 'F')}) but each sample has {t} timesteps. Either "
        f"declare the data's length (or None for any length), or pad/truncate the sequences to {model_t} steps.",
        f"Use input_shape=({t}, {_d(f, 'F')}) (or (None, {_d(f, 'F')})), or pad to maxlen={model_t} (--maxlen {model_t}).",
        f"inputs = keras.Input(shape=(None, {_d(f, 'F')}))  # any number of timesteps\n"
        f"# or: x = keras.utils.pad_sequences(seqs, maxlen={model_t}, dtype=\"float32\", padding=\"post\", truncating=\"post\")",
        (n, t, f), (n, model_t, f))


def features_mismatch(model_f: int, n: Dim, t: Dim, f: Dim, layer: str | None = None) -> Diagnosis:
    who = f"'{layer}'" if layer else "The model"
    return Diagnosis(
        "features_mismatch", "error", f"The model expects {model_f} features per timestep; the data has {f}",
        f"{who} was built for {model_f} feature{'s' if model_f != 1 else ''} per step, but each step of the data holds "
        f"{f}. The recurrent layer's weights are made for {model_f} inputs per step, so it fails (Keras: 'Dimensions "
        f"must be equal' or 'expected axis -1 of input shape to have value {model_f}'; PyTorch: 'input.size(-1) must be "
        f"equal to input_size').",
        f"Declare {f} features (and retrain), or select the {model_f} feature columns the model was trained on.",
        f"inputs = keras.Input(shape=({_d(t, 'None')}, {f}))\n# or keep only the trained features: x = x[:, :, :{model_f}]",
        (n, t, f), (n, t, model_f))


def missing_return_sequences(layer: str | None, following: str, n: Dim, t: Dim, units: Dim, severity: str = "error") -> Diagnosis:
    """``layer`` None: the error text names only the layer that failed, not the one before it."""
    before = f"'{layer}'" if layer else f"The recurrent layer before '{following}'"
    return Diagnosis(
        "missing_return_sequences", severity,
        f"{before} does not return sequences, but '{following}' needs them" if layer else
        f"The recurrent layer before '{following}' may not return sequences",
        f"{before} outputs only its last step, shape {fmt((n, units))}, so the next recurrent layer '{following}' gets 2-D "
        f"input and fails with 'expected ndim=3, found ndim=2'. Every recurrent layer that feeds another must return "
        f"the whole sequence.",
        f"Set return_sequences=True on {before[0].lower() + before[1:] if not layer else before}.",
        f"keras.layers.LSTM({_d(units, 'units')}, return_sequences=True),  # {layer or 'the layer before ' + following}",
        (n, units), (n, t, units))


def sequence_output_mismatch(layer: str, output: tuple, labels: tuple, per_step_labels: bool, loss: str | None,
                             layer_code: str = "keras.layers.LSTM(units") -> Diagnosis:
    if per_step_labels:
        return Diagnosis(
            "sequence_output_mismatch", "error", "The labels have one value per timestep, but the model predicts one per sample",
            f"The model outputs {fmt(output)} but the labels are {fmt(labels)}: the last recurrent layer '{layer}' must return "
            f"the whole sequence for a prediction at every step.",
            f"Set return_sequences=True on '{layer}'.", f"{layer_code}, return_sequences=True),  # {layer}",
            output, labels)
    silent = loss in (None, "mean_squared_error", "mean_absolute_error", "binary_crossentropy", "huber")
    return Diagnosis(
        "sequence_output_mismatch", "error", "The model predicts at every timestep, but there is one target per sample",
        f"'{layer}' has return_sequences=True and is the last recurrent layer, so the model outputs {fmt(output)} while the "
        f"targets are {fmt(labels)}."
        + (f" {loss or 'mse'} broadcasts the two silently: the model trains, on the wrong thing." if silent else
           f" {loss} refuses the two shapes (the error names target.shape and output.shape)."),
        f"Set return_sequences=False on '{layer}' (the last recurrent layer) so one vector per sample reaches the output.",
        f"{layer_code}),  # {layer}: return_sequences=False", output, (output[0], output[-1]))


def output_units_mismatch(units: int, activation: str, task: str, classes: int | None, targets: int | None,
                          per_step: bool = False, n: Dim = None) -> Diagnosis:
    if task in ("binary", "multiclass", "sequence") and classes:
        want = 1 if classes == 2 and units == 1 else classes
        head = ("keras.layers.Dense(1, activation=\"sigmoid\")\nmodel.compile(loss=\"binary_crossentropy\", ...)" if classes == 2 else
                f"keras.layers.Dense({classes}, activation=\"softmax\")\nmodel.compile(loss=\"sparse_categorical_crossentropy\", ...)")
        what = f"{classes} classes"
    else:
        want, what = targets or 1, f"{targets or 1} target value{'s' if (targets or 1) != 1 else ''} per sample"
        head = f"keras.layers.Dense({want})  # linear output for regression"
    lead = (n, None) if per_step else (n,)
    return Diagnosis(
        "output_units_mismatch", "error", f"The output layer has {units} unit{'s' if units != 1 else ''}; the labels need {want}",
        f"The last Dense has {units} {activation or 'linear'} unit{'s' if units != 1 else ''}, but the labels are {what}."
        + (" One sigmoid unit can only tell two classes apart; binary_crossentropy trains on the wrong targets without an error."
           if units == 1 and classes and classes > 2 else ""),
        f"Give the output layer {want} unit{'s' if want != 1 else ''}" + (" with softmax." if classes and classes > 2 else "."),
        head, lead + (units,), lead + (want,))


def loss_label_mismatch(loss: str, classes: int | None, one_hot: bool, n: Dim) -> Diagnosis:
    c = classes or "C"
    if one_hot:
        return Diagnosis(
            "loss_label_mismatch", "error", "One-hot labels with sparse_categorical_crossentropy",
            f"The labels are one-hot rows of {c} values, but {loss} expects one integer class index per sample.",
            "Use categorical_crossentropy, or turn the rows back into indices.",
            "model.compile(loss=\"categorical_crossentropy\", ...)\n# or: y = y.argmax(axis=-1)", (n, classes), (n,))
    if loss == "binary_crossentropy":
        return Diagnosis(
            "loss_label_mismatch", "error", f"binary_crossentropy with {c} classes",
            f"The labels are {c} classes (integers 0..{(classes or 1) - 1}), but binary_crossentropy expects 0/1 targets.",
            "Use sparse_categorical_crossentropy with a softmax output of one unit per class.",
            f"keras.layers.Dense({c}, activation=\"softmax\")\nmodel.compile(loss=\"sparse_categorical_crossentropy\", ...)", (n,), (n,))
    return Diagnosis(
        "loss_label_mismatch", "error", "Integer labels with categorical_crossentropy",
        f"The labels are one class index per sample (integers 0..{(classes or 1) - 1}), but {loss} expects one-hot rows of "
        f"{c} values, hence 'target and output must have the same rank'.",
        "Use sparse_categorical_crossentropy (keeps the integer labels), or one-hot encode them.",
        f"model.compile(loss=\"sparse_categorical_crossentropy\", ...)\n# or: y = keras.utils.to_categorical(y, {c})",
        (n,), (n, classes))


def embedding_input_mismatch(layer: str, n: Dim, t: Dim, f: Dim, dim: Dim, tokens: bool, pad_value: float = 0.0) -> Diagnosis:
    if tokens:
        return Diagnosis(
            "embedding_input_mismatch", "error", "Token ids are fed as numbers; they need an Embedding",
            "The data are token ids (integers naming words), which mean nothing as magnitudes: an LSTM fed them directly "
            "learns from arbitrary numbers. Put an Embedding first.",
            "Start the model with an Embedding over the vocabulary.",
            f"inputs = keras.Input(shape=({_d(t, 'None')},), dtype=\"int32\")\nx = keras.layers.Embedding(vocab_size, 32, mask_zero=True)(inputs)",
            (n, t), (n, t, 32))
    return Diagnosis(
        "embedding_input_mismatch", "error", f"Float features go into the Embedding '{layer}'",
        f"An Embedding looks up integer token ids, but each step of this data holds {f} float feature{'s' if f != 1 else ''}: "
        f"the values are cut to integers and every one becomes a vector, {fmt((n, t, f))} -> {fmt((n, t, f, dim))}, "
        f"so the LSTM gets 4-D input ('expected ndim=3, found ndim=4').",
        "Remove the Embedding; feed the features directly, masking the padding instead.",
        f"inputs = keras.Input(shape=({_d(t, 'None')}, {_d(f, 'F')}))\nx = keras.layers.Masking(mask_value={pad_value:g})(inputs)",
        (n, t, f), (n, t, f))


def mask_value_mismatch(layer: str, mask_value: float, pad_value: float, n: Dim, t: Dim, f: Dim) -> Diagnosis:
    return Diagnosis(
        "mask_value_mismatch", "error", f"Masking skips {mask_value:g}, but the data is padded with {pad_value:g}",
        f"'{layer}' masks steps whose features all equal {mask_value:g}, but the padding is {pad_value:g}: no padded step "
        f"is masked, and the LSTM reads the padding as real data (no error is raised).",
        f"Use the pad value as mask_value (or pad with {mask_value:g}).",
        f"keras.layers.Masking(mask_value={pad_value:g})\n# or: x = keras.utils.pad_sequences(seqs, dtype=\"float32\", padding=\"post\", value={mask_value:g})",
        (n, t, f), (n, t, f))


def unsupported(what: str) -> Diagnosis:
    return Diagnosis("model_not_fully_read", "info", "Part of the model was not checked",
                     f"{what[0].upper()}{what[1:]}. Nothing of it was run or guessed.",
                     "", "", None, None)


def layer_shape_error(layer: str, reason: str, before: tuple | None) -> Diagnosis:
    return Diagnosis("layer_shape_error", "error", f"'{layer}' cannot take its input", reason + ".",
                     "Change the layer or the layer before it so the shapes meet.", "", before, None)
