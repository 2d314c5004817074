'''A runnable, readable Keras script that reproduces what the app did with a file.

:func:`render_script` writes a script that depends only on numpy, pandas and keras: it
reads the file the way the app's loader did (the same delimiter, columns, ordering, label
classes, vocabulary), pads with ``keras.utils.pad_sequences`` and an explicit float dtype
(or cuts windows), splits with the same seeded stratified rule, standardises with the
training split's real steps only, builds the same layers with ``keras.Input(shape=...)`` and
fits with the same settings and seed. It prints ``model.summary()``, a machine-readable
``TOTAL_PARAMS=<n>`` line and the final metrics.

Nothing here imports TensorFlow: the script is text.
'''

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from core.export.readers import (
    ExportError,
    header_section,
    labels_section,
    reader_section,
)
from core.model.build import loss_and_metrics
from core.model.shapes import STANDARDIZE_LAYER, TARGET_UNITS_LAYER, output_activation, output_units, recurrent_layer_name
from core.model.spec import ModelSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.shaping.standardize import CONSTANT_STD
from core.shaping.windows import default_window
from core.training.config import TrainingConfig
from core.training.distribute import SCRIPT_SNIPPET

OPTIMIZER_CLASSES = {"adam": "Adam", "adamw": "AdamW", "nadam": "Nadam", "rmsprop": "RMSprop", "sgd": "SGD"}


def render_script(
    path: str,
    load_options: LoadOptions | None,
    padding: PaddingOptions | None,
    window: WindowOptions | None,
    spec: ModelSpec,
    config: TrainingConfig | None,
    *,
    dataset: Any = None,
) -> str:
    """The script's text. ``dataset`` (the app's loaded file) avoids reading the file again."""
    load_options = load_options or LoadOptions()
    padding = padding or PaddingOptions()
    config = requested = config or TrainingConfig()
    if dataset is None:
        from core.loaders import load

        dataset = load(path, load_options)
    if config.batch_size is None or config.patience is None:  # chosen from the data's size, as a run would
        from core.shaping.tensorize import plan_shape
        from core.training.sizing import resolve

        requested = config  # the recipe keeps "auto", as the app's does; the script's numbers are concrete
        config, _ = resolve(config, int(plan_shape(dataset, padding, window).shape[0]))
    labels = dataset.labels
    series = dataset.kind == "series"  # its targets come from the windows, not from labels
    per_step = labels is not None and labels.kind == "sequence"
    if labels is None and not series:
        raise ExportError(f"{dataset.source.name} has no labels or targets, so there is nothing to train in a script.")
    options = dict(dataset.source.options)
    fmt = dataset.source.format
    if series and window is None:
        window = default_window(dataset.total_steps)
    parts = [
        header_section(dataset.source.path or path, fmt, config),
        _strategy_section(),
        _reader(fmt, options, dataset, series, per_step),
        _labels_section(labels, series),
        _shaping_section(dataset, padding, window, series, spec, labels),
        _split_section(labels, series, config),
        _standardise_section(config, dataset, series),
        _model_section(spec, standardized=bool(config.standardize) and dataset.kind != "tokens"),
        _fit_section(spec, config),
        _save_section(path, load_options, dataset, padding, window, spec, requested),
    ]
    return "\n\n".join(textwrap.dedent(p).strip("\n") for p in parts) + "\n"


# ---- sections ------------------------------------------------------------------------------
# The header, the readers and the labels live in core.export.readers; the names below keep the
# section functions' old spelling for callers and tests.
_reader = reader_section
_labels_section = labels_section


def _shaping_section(dataset: Any, padding: PaddingOptions, window: WindowOptions | None, series: bool, spec: ModelSpec, labels: Any = None) -> str:
    if series:
        assert window is not None
        names = list(dataset.feature_names)
        targets = list(window.target_cols) if window.target_cols else names
        target_idx = [names.index(t) for t in targets]
        if window.horizon < 1:
            raise ExportError("Windows without a target (horizon 0) cannot be trained; set a horizon of 1 or more.")
        return f'''
# Sliding windows: sample i is rows [i*STRIDE, i*STRIDE + WINDOW); its target is the row
# HORIZON steps after the window's last row.
WINDOW, STRIDE, HORIZON = {window.window}, {window.stride}, {window.horizon}
TARGET_COLUMNS = {target_idx!r}
count = (len(series) - WINDOW - HORIZON) // STRIDE + 1
windows = np.lib.stride_tricks.sliding_window_view(series, WINDOW, axis=0)[: count * STRIDE : STRIDE]
x = np.ascontiguousarray(windows.transpose(0, 2, 1))  # (samples, WINDOW, features)
target_rows = np.arange(count) * STRIDE + WINDOW + HORIZON - 1
y = series[target_rows][:, TARGET_COLUMNS]
real = np.ones(x.shape[:2], dtype=bool)
print("x:", x.shape, "y:", y.shape)
'''
    tokens = dataset.kind == "tokens"
    dtype = "int32" if tokens else "float32"
    maxlen = padding.maxlen
    value = 0.0 if tokens else float(padding.value)  # token ids pad with id 0, "<pad>", whatever the pad value
    value_text = repr(int(value)) if tokens else repr(value)
    pad_labels = ""
    if labels is not None and labels.kind == "sequence":
        label_dtype = "int64" if labels.classes is not None else "float32"
        pad_labels = (
            "# Per-step labels are padded and truncated exactly like x, so step t of y belongs to step t of x;\n"
            "# the padded steps are masked, so they do not count in the loss.\n"
            f"y = keras.utils.pad_sequences(label_sequences, maxlen=MAXLEN, dtype={label_dtype!r}, padding=PADDING, truncating=TRUNCATING, value=0)\n"
        )
        if labels.classes is None:
            pad_labels += "if y.ndim == 2:\n    y = y[:, :, None]  # one number per step: (samples, steps, 1), like the model's output\n"
    return f'''
# Pad (and truncate) every sequence to MAXLEN steps. dtype must be given: pad_sequences
# defaults to int32, which would silently truncate float features.
lengths = np.array([len(s) for s in sequences])
MAXLEN = {maxlen if maxlen is not None else "int(lengths.max())"}
PADDING, TRUNCATING, PAD_VALUE = {padding.padding!r}, {padding.truncating!r}, {value_text}
x = keras.utils.pad_sequences(sequences, maxlen=MAXLEN, dtype={dtype!r}, padding=PADDING, truncating=TRUNCATING, value=PAD_VALUE)
{pad_labels}kept = np.minimum(lengths, MAXLEN)
steps = np.arange(MAXLEN)
real = steps < kept[:, None] if PADDING == "post" else steps >= MAXLEN - kept[:, None]  # True = real step
print("x:", x.shape, "y:", y.shape)
'''


def _split_section(labels: Any, series: bool, config: TrainingConfig) -> str:
    stratify = "y" if (not series and labels.classes is not None and labels.kind != "sequence") else "None"
    return f'''
def split_indices(n, fraction, seed, labels=None, in_order=False):
    """Seeded (train, validation) indices; each class split alike when every class has 2+ samples."""
    n_val = 0 if fraction <= 0 else min(n, max(1, int(round(n * fraction))))
    if in_order or n_val == 0:
        order = np.arange(n) if in_order or n_val else np.random.default_rng(seed).permutation(n)
        return order[: n - n_val], order[n - n_val :]
    perm = np.random.default_rng(seed).permutation(n)
    if labels is not None:
        counts = np.bincount(labels)
        present = counts[counts > 0]
        if present.size > 1 and present.min() >= 2:
            shuffled = labels[perm]
            order = np.argsort(shuffled, kind="stable")
            sorted_labels = shuffled[order]
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            rank = np.arange(n) - starts[sorted_labels]
            per_class = np.clip(np.round(counts * fraction).astype(np.int64), 1, np.maximum(counts - 1, 1))
            is_val = np.empty(n, dtype=bool)
            is_val[order] = rank < per_class[sorted_labels]
            return perm[~is_val], perm[is_val]
    return perm[n_val:], perm[:n_val]


train, val = split_indices(len(x), VALIDATION_SPLIT, SEED, labels={stratify}, in_order={series})
'''


def _standardise_section(config: TrainingConfig, dataset: Any, series: bool) -> str:
    if dataset.kind == "tokens":
        return "x_train, x_val = x[train], x[val]  # token ids are not scaled\n"
    if not config.standardize:
        return "x_train, x_val = x[train].astype(\"float32\"), x[val].astype(\"float32\")\n"
    return f'''
# Standardisation lives INSIDE the model (its "standardize" layer below), so the saved model takes
# the raw padded tensor. Each feature's mean and std come from the TRAINING split's real steps only.
steps_seen = x[train][real[train]].astype("float64")
mean, std = steps_seen.mean(axis=0), steps_seen.std(axis=0)
std[~(std > {CONSTANT_STD!r})] = 1.0
x_train, x_val = x[train].astype("float32"), x[val].astype("float32")  # raw values
'''


def _model_section(spec: ModelSpec, standardized: bool = True) -> str:
    inp = spec.input
    t = "None" if inp.timesteps is None else str(inp.timesteps)
    lines = []
    if inp.kind == "embedding":
        lines.append(f'inputs = keras.Input(shape=({t},), dtype="int32", name="input")')
        lines.append(
            f'x = keras.layers.Embedding({int(inp.vocab_size)}, {inp.embedding_dim}, mask_zero={inp.mask_zero}, name="embedding")(inputs)'
        )
    else:
        lines.append(f'inputs = keras.Input(shape=({t}, {inp.features}), name="input")')
        if inp.kind == "masking":
            lines.append(f'x = keras.layers.Masking(mask_value={float(inp.mask_value)!r}, name="masking")(inputs)')
        else:
            lines.append("x = inputs")
        if inp.standardizes:
            if standardized:
                statistics = "mean=mean.tolist(), variance=(std**2).tolist()"
            else:  # the layer is there (the same model), but leaves the values as they are
                statistics = f"mean={[0.0] * inp.features!r}, variance={[1.0] * inp.features!r}"
            lines.append("# (x - mean) / std per feature; Masking above saw the RAW pad value and the mask passes through.")
            lines.append(f'x = keras.layers.Normalization({statistics}, name="{STANDARDIZE_LAYER}")(x)')
    for index, layer in enumerate(spec.layers):
        args = [str(layer.units), f"return_sequences={spec.return_sequences(index)}"]
        defaults = {"dropout": 0.0, "recurrent_dropout": 0.0, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True, "unroll": False}
        for name, default in defaults.items():
            value = getattr(layer, name)
            if value != default:
                args.append(f"{name}={value!r}")
        if layer.kind == "GRU" and not layer.reset_after:
            args.append("reset_after=False")
        name = recurrent_layer_name(layer, index + 1)
        inner = f'keras.layers.{layer.kind}({", ".join(args)}, name={(layer.kind.lower() if layer.bidirectional else name)!r})'
        if layer.bidirectional:
            inner = f"keras.layers.Bidirectional({inner}, name={name!r})"
        lines.append(f"x = {inner}(x)")
    if spec.head.hidden_units > 0:
        lines.append(f'x = keras.layers.Dense({spec.head.hidden_units}, activation="relu", name="head_hidden")(x)')
    activation = output_activation(spec)
    act = "None" if activation == "linear" else repr(activation)
    lines.append(f'outputs = keras.layers.Dense({output_units(spec)}, activation={act}, name="output")(x)')
    if spec.head.rescales_targets:
        lines += [
            "# The Dense above works in standardised units; this turns its output into target units with",
            "# the TRAINING targets' mean and std, so the optimiser sees well-scaled targets while the loss,",
            "# metrics and predictions stay in the targets' own units.",
            'target_columns = y[train].astype("float64").reshape(len(train), -1)',
            "target_mean, target_std = target_columns.mean(axis=0), target_columns.std(axis=0)",
            f"target_std[~(target_std > {CONSTANT_STD!r})] = 1.0",
            f'outputs = keras.layers.Rescaling(scale=target_std.tolist(), offset=target_mean.tolist(), name="{TARGET_UNITS_LAYER}")(outputs)',
        ]
    lines.append('model = keras.Model(inputs, outputs, name="shape_explorer_model")')
    return "with strategy.scope():  # the model's variables are mirrored on every replica\n" + textwrap.indent("\n".join(lines), "    ") + "\n"


def _fit_section(spec: ModelSpec, config: TrainingConfig) -> str:
    loss, metrics = loss_and_metrics(spec)
    optimizer = OPTIMIZER_CLASSES.get(config.optimizer.lower(), "Adam")
    monitor = "val_loss" if config.validation_split > 0 else "loss"
    callbacks = (
        f'[keras.callbacks.EarlyStopping(monitor="{monitor}", patience={int(config.patience)}, restore_best_weights=True)]'
        if config.early_stopping
        else "[]"
    )
    y_cast = 'y.astype("float32")' if spec.head.task == "binary" else "y"
    return f'''
with strategy.scope():
    model.compile(optimizer=keras.optimizers.{optimizer}(learning_rate=LEARNING_RATE), loss={loss!r}, metrics={list(metrics)!r})
model.summary()
print(f"TOTAL_PARAMS={{model.count_params()}}")

targets = {y_cast}
if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
    prepare_for_workers(model, strategy, x_train[:1], targets[train][:1])
with strategy.scope():  # BATCH_SIZE is the global batch, split across every replica
    history = model.fit(
        x_train,
        targets[train],
        validation_data=(x_val, targets[val]) if len(val) else None,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        shuffle={bool(config.shuffle)},
        callbacks={callbacks},
        verbose=2,
    )
if len(val):
    final = model.evaluate(x_val, targets[val], verbose=0, return_dict=True)
    print("FINAL " + " ".join(f"val_{{k}}={{v:.4f}}" for k, v in final.items()))
'''


def _strategy_section() -> str:
    """Pick the tf.distribute strategy from the environment, as the app's ``train`` does."""
    return ("import tensorflow as tf  # Keras' backend: tf.distribute spreads training over GPUs or workers\n\n"
            + SCRIPT_SNIPPET.strip("\n") + "\n\n\n"
            "# TF_CONFIG naming a cluster -> MultiWorkerMirroredStrategy (run this script on every worker, each with\n"
            "# its own TF_CONFIG); several GPUs -> MirroredStrategy; otherwise the default.\n"
            "strategy, IS_CHIEF = pick_strategy()\n"
            'print(f"STRATEGY={type(strategy).__name__} replicas={strategy.num_replicas_in_sync}")\n')


def _save_section(path: str, load_options: LoadOptions, dataset: Any, padding: PaddingOptions, window: WindowOptions | None, spec: ModelSpec, config: TrainingConfig) -> str:
    """Save the model and its recipe side by side (``shape-explorer predict`` reads both)."""
    import json

    from core.recipe import RECIPE_SUFFIX, recipe_for_dataset

    recipe = recipe_for_dataset(path, load_options, dataset, padding, window, spec, config).to_dict()
    has_vocabulary = recipe.get("vocabulary") is not None
    recipe["vocabulary"] = None  # the script's own `vocabulary` (the same list) fills it in
    stem = Path(path).stem or "model"
    text = json.dumps(recipe, ensure_ascii=False, allow_nan=False, sort_keys=True)
    fill = 'RECIPE["vocabulary"] = vocabulary  # new sentences are encoded with the same ids\n' if has_vocabulary else ""
    return f'''
# Save the trained model and, beside it, its recipe: how a raw file is read and shaped for it
# (`shape-explorer predict MODEL FILE` uses both). Each is written to a temporary file first and
# then renamed, so a crash never leaves half a file. The model standardises its own input, so it
# predicts from keras.utils.pad_sequences of raw values.
MODEL_FILE = {stem + ".keras"!r}
if not IS_CHIEF:  # another worker of a cluster: it saves too, where the copy is thrown away
    import tempfile

    MODEL_FILE = os.path.join(tempfile.mkdtemp(), MODEL_FILE)
RECIPE = json.loads({text!r})
{fill}temporary = MODEL_FILE + ".partial.keras"  # Keras chooses the format from the suffix
model.save(temporary)
os.replace(temporary, MODEL_FILE)
recipe_file = MODEL_FILE[: -len(".keras")] + {RECIPE_SUFFIX!r}
with open(recipe_file + ".partial", "w", encoding="utf-8") as handle:
    json.dump(RECIPE, handle, indent=1, ensure_ascii=False)
os.replace(recipe_file + ".partial", recipe_file)
print("SAVED_MODEL=" + MODEL_FILE)
'''
