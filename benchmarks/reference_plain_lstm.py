"""The plain Keras script a user would write instead of the app, for the small-data benchmark.

Independent of Shape Explorer: read a UCR/UEA ``.ts`` file (any number of channels, equal
or unequal length, class or numeric target), ``keras.utils.pad_sequences`` the raw values
(float32, post, 0.0), ``Masking(0.0)`` + ``LSTM(64)`` + a softmax (classes) or linear
(regression) output, Adam 1e-3, **50 epochs, batch 32, on all the training data** (no
validation split, no early stopping), then the test file's accuracy or mse.

Run: ``python benchmarks/reference_plain_lstm.py TRAIN.ts TEST.ts``.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from benchmarks.reference_japanese_vowels import read_ts


def run_plain(train_path: str, test_path: str, *, regression: bool, seed: int = 0, epochs: int = 50,
              batch_size: int = 32, units: int = 64) -> dict:
    """Train the plain script on ``train_path`` and score it on ``test_path``; wall time includes reading."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    started = time.perf_counter()
    train_seqs, train_labels = read_ts(train_path)
    test_seqs, test_labels = read_ts(test_path)
    maxlen = max(len(s) for s in train_seqs)
    x = keras.utils.pad_sequences(train_seqs, maxlen=maxlen, dtype="float32", padding="post", truncating="post", value=0.0)
    x_test = keras.utils.pad_sequences(test_seqs, maxlen=maxlen, dtype="float32", padding="post", truncating="post", value=0.0)
    if regression:
        y = np.asarray(train_labels, dtype=np.float32)
        y_test = np.asarray(test_labels, dtype=np.float32)
        head = keras.layers.Dense(1)
        loss, metric = "mse", "mse"
    else:
        classes = sorted(set(train_labels))
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[c] for c in train_labels])
        y_test = np.array([index[c] for c in test_labels])
        head = keras.layers.Dense(len(classes), activation="softmax")
        loss, metric = "sparse_categorical_crossentropy", "accuracy"
    model = keras.Sequential([keras.Input(shape=x.shape[1:]), keras.layers.Masking(mask_value=0.0), keras.layers.LSTM(units), head])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=[metric])
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    return {"metric": metric, "value": float(logs[metric]), "seconds": time.perf_counter() - started, "n_train": len(y)}


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print("usage: reference_plain_lstm.py TRAIN.ts TEST.ts [--regression]", file=sys.stderr)
        raise SystemExit(2)
    print(run_plain(sys.argv[1], sys.argv[2], regression="--regression" in sys.argv))
