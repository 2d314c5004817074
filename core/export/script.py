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

from core.dataset import SequenceDataset
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
    dataset: SequenceDataset | None = None,
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
    # Compressed files (gzip/bz2/xz) are decompressed by the readers of core.export.readers; what
    # they cannot repeat (another compression) they refuse in one sentence.
    if series and window is None:
        window = default_window(dataset.total_steps)
    parts = [
        header_section(dataset.source.path or path, fmt, config),
        _strategy_section(),
        _reader(fmt, options, dataset, series, per_step),
        _word_vectors_section(dataset),
        _labels_section(labels, series),
        _shaping_section(dataset, padding, window, series, spec, labels),
        _split_section(labels, series, config),
        _standardise_section(config, dataset, series),
        _model_section(spec, standardized=bool(config.standardize) and dataset.kind != "tokens"),
        _pretrained_embedding_section(spec, dataset),
        _fit_section(spec, config),
        _save_section(path, load_options, dataset, padding, window, spec, requested),
    ]
    return "\n\n".join(textwrap.dedent(p).strip("\n") for p in parts) + "\n"


# ---- sections ------------------------------------------------------------------------------
# The header, the readers and the labels live in core.export.readers; the names below keep the
# section functions' old spelling for callers and tests.
_reader = reader_section
_labels_section = labels_section


def _word_vectors_section(dataset: SequenceDataset) -> str:
    """Pre-trained word vectors: read the vectors file for the vocabulary, build the embedding matrix
    with the app's out-of-vocabulary rule and, with ``embed_features``, turn token ids into vectors.

    Self-contained (its own reader and OOV rule, with the semantics of ``core.loaders.word_vectors``
    and ``core.loaders.embeddings``); empty without vectors. Needs ``vocabulary`` and ``sequences`` (token ids) from the text reader.
    """
    emb = dataset.embeddings
    if emb is None:
        return ""
    from core.loaders.embeddings import OOV_SCALE, OOV_SEED

    oov_words = "zeros" if emb.oov == "zeros" else "a random vector drawn from the word itself"
    to_vectors = (
        "\n# The tensor holds the vectors themselves: each token id becomes its row of the matrix, so x is\n"
        "# (samples, timesteps, DIM) and padded steps (all zeros) are masked.\n"
        "sequences = [embedding_matrix[ids] for ids in sequences]\n"
    ) if emb.embed_features else ""
    return f"""
# Pre-trained word vectors ({emb.format}, {emb.dim}-d). Only the rows of this text's words are kept;
# words the file lacks get {oov_words}, and id 0 (padding) stays all zeros.
import bz2
import gzip
import lzma
import struct
import zlib

VECTORS_FILE = {emb.file!r}
VECTORS_FORMAT, DIM, OOV = {emb.format!r}, {int(emb.dim)}, {emb.oov!r}


def read_word_vectors(path, words):
    \"\"\"{{word: vector}} for the wanted words: GloVe text, word2vec/fastText .vec text or word2vec .bin.\"\"\"
    wanted = {{word.encode("utf-8"): word for word in words}}
    found = {{}}

    def match(key):
        word = wanted.get(key)
        if word is None and not key.isascii():
            try:
                key.decode("utf-8")
            except UnicodeDecodeError:  # a stray byte: try the word as cp1252, as Shape Explorer does
                word = wanted.get(key.decode("cp1252", errors="replace").encode("utf-8"))
        return None if word in found else word

    with open(path, "rb") as probe:  # gzip, bz2 and xz are known by their first bytes, as Shape Explorer does
        magic = probe.read(6)
    opener = (gzip.open if magic[:2] == b"\\x1f\\x8b" else bz2.open if magic[:3] == b"BZh"
              else lzma.open if magic == b"\\xfd7zXZ\\x00" else open)
    with opener(path, "rb") as handle:
        if handle.read(3) != b"\\xef\\xbb\\xbf":  # a byte-order mark before the first word is skipped
            handle.seek(0)
        if VECTORS_FORMAT == "fasttext-binary":
            header = struct.unpack("<ii12idiiiqq", handle.read(92))
            dim, bucket, minn, maxn, vocab_size, nwords = header[2], header[10], header[11], header[12], header[15], header[16]
            ids, buffer, start = {{}}, b"", 0
            for index in range(vocab_size):  # the dictionary: word NUL, count (int64), type (int8)
                while (end := buffer.find(b"\\0", start)) < 0 or len(buffer) < end + 10:
                    buffer, start = buffer[start:] + handle.read(1 << 20), 0
                word = match(buffer[start:end])
                if index < nwords and word is not None:
                    ids[word] = index
                start = end + 10
            base = handle.tell() - (len(buffer) - start) + 17  # after the quantisation flag and the matrix's shape
            for word, index in ids.items():  # a word's vector: the mean of its row and its n-grams' rows
                rows = [index] + ([nwords + fasttext_hash(g) % bucket for g in fasttext_ngrams(word, minn, maxn)]
                                  if maxn and word != "</s>" else [])
                total = np.zeros(dim, dtype="float64")
                for row in rows:
                    handle.seek(base + row * dim * 4)
                    total += np.frombuffer(handle.read(dim * 4), dtype="<f4")
                found[word] = (total / len(rows)).astype("float32")
        elif VECTORS_FORMAT == "word2vec-binary":
            count = int(handle.readline().split()[0])
            for _ in range(count):
                key = b""
                while (char := handle.read(1)) != b" ":
                    if not char:
                        raise ValueError(f"{{path}} ends early")
                    key += char
                vector = np.frombuffer(handle.read(4 * DIM), dtype="<f4")
                word = match(key.lstrip(b"\\n"))
                if word is not None:
                    found[word] = vector.astype("float32")
        else:
            if VECTORS_FORMAT == "word2vec-text":
                handle.readline()  # the "count dim" header
            for line in handle:
                key, _, rest = line.partition(b" ")
                word = match(key.lstrip())
                values = rest.split()
                if word is not None and len(values) == DIM:
                    found[word] = np.array([float(v) for v in values], dtype="float64").astype("float32")
    return found


def fasttext_hash(data):
    \"\"\"fastText's FNV-1a hash of an n-gram's bytes (bytes from 0x80 sign-extended, as fastText does).\"\"\"
    h = 2166136261
    for byte in data:
        h = ((h ^ (byte if byte < 0x80 else byte | 0xFFFFFF00)) * 16777619) & 0xFFFFFFFF
    return h


def fasttext_ngrams(word, minn, maxn):
    \"\"\"The character n-grams fastText adds to a word: of "<word>", minn..maxn characters long.\"\"\"
    data = ("<" + word + ">").encode("utf-8")
    size, out = len(data), []
    for i in range(size):
        if data[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < size and n <= maxn:
            j += 1
            while j < size and data[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == size)):
                out.append(data[i:j])
            n += 1
    return out


def oov_vector(word, dim, seed={int(OOV_SEED)}, scale={float(OOV_SCALE)!r}):
    \"\"\"The same random vector for the same word everywhere: SplitMix64 of its CRC-32, uniform in [-scale, scale).\"\"\"
    with np.errstate(over="ignore"):
        salt = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.arange(dim, dtype=np.uint64)
        bits = (np.uint64(zlib.crc32(word.encode("utf-8"))) << np.uint64(32)) ^ salt
        bits = (bits ^ (bits >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        bits = (bits ^ (bits >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        bits = bits ^ (bits >> np.uint64(31))
    unit = (bits >> np.uint64(11)).astype("float64") / float(1 << 53)
    return ((unit * 2.0 - 1.0) * scale).astype("float32")


word_vectors = read_word_vectors(VECTORS_FILE, vocabulary[2:])  # ids 0 and 1 are <pad> and <unk>
embedding_matrix = np.zeros((len(vocabulary), DIM), dtype="float32")
for token_id, word in enumerate(vocabulary):
    if token_id >= 2 and word in word_vectors:
        embedding_matrix[token_id] = word_vectors[word]
    elif token_id >= 1 and OOV == "random":
        embedding_matrix[token_id] = oov_vector(word, DIM)
covered = sum(word in word_vectors for word in vocabulary[2:])
print(f"word vectors: {{covered}} of {{len(vocabulary) - 2}} words found in {{os.path.basename(VECTORS_FILE)}}")
{to_vectors}"""


def _pretrained_embedding_section(spec: ModelSpec, dataset: SequenceDataset) -> str:
    """The Embedding starts from the pre-trained matrix (``_word_vectors_section``), frozen unless trained."""
    inp = spec.input
    if inp.kind != "embedding" or not inp.pretrained_embeddings or dataset.embeddings is None:
        return ""
    frozen = not inp.trainable_embeddings
    how = "frozen: they stay as read (non-trainable params)" if frozen else "fine-tuned with the rest of the model"
    return f"""
# The Embedding's initial weights are the pre-trained vectors (row i = token id i); {how}.
model.get_layer("embedding").set_weights([embedding_matrix])
model.get_layer("embedding").trainable = {not frozen}
"""


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
        assert inp.vocab_size is not None  # an embedding input always carries its vocabulary (ModelSpec.validate)
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
    assert config.patience is not None  # generate() resolved it
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
