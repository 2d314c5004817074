"""A careful, hand-written Keras baseline for JapaneseVowels (UEA), independent of Shape Explorer.

What an expert would write by hand for this data: read the ``.ts`` file (12 LPC
coefficients per frame, 7–29 frames, 9 speakers), pad at the end with zeros in float32,
standardise each coefficient with the training split's real frames only, ``Masking`` +
``LSTM(64)`` + softmax, Adam 1e-3, a seeded stratified 20 % validation split, early stopping
on the validation loss with the best weights restored, then accuracy on the official test
file. Shape Explorer's ``train`` command with its defaults is compared against this
(``bench_training.py``).

Run: ``python benchmarks/reference_japanese_vowels.py TRAIN.ts TEST.ts``.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def read_ts(path: str) -> tuple[list[np.ndarray], list[str]]:
    """Sequences ``(length, dims)`` and class labels from a UEA ``.ts`` file."""
    sequences, labels = [], []
    in_data = False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            *dims, label = line.split(":")
            channels = [np.array(d.split(","), dtype=np.float32) for d in dims]
            sequences.append(np.stack(channels, axis=1))
            labels.append(label.strip())
    return sequences, labels


def pad_post(sequences: list[np.ndarray], maxlen: int) -> np.ndarray:
    out = np.zeros((len(sequences), maxlen, sequences[0].shape[1]), dtype=np.float32)
    for i, seq in enumerate(sequences):
        seq = seq[:maxlen]
        out[i, : len(seq)] = seq
    return out


def run_reference(train_path: str, test_path: str, *, seed: int = 0, epochs: int = 100, patience: int = 10, units: int = 64) -> dict:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    started = time.perf_counter()

    train_seqs, train_labels = read_ts(train_path)
    test_seqs, test_labels = read_ts(test_path)
    classes = sorted(set(train_labels))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in train_labels])
    y_test = np.array([index[c] for c in test_labels])
    maxlen = max(len(s) for s in train_seqs)
    x = pad_post(train_seqs, maxlen)
    x_test = pad_post(test_seqs, maxlen)
    real = np.zeros(x.shape[:2], dtype=bool)
    for i, s in enumerate(train_seqs):
        real[i, : len(s)] = True
    real_test = np.zeros(x_test.shape[:2], dtype=bool)
    for i, s in enumerate(test_seqs):
        real_test[i, : min(len(s), maxlen)] = True

    # Seeded stratified split: 20 % of each speaker validates.
    rng = np.random.default_rng(seed)
    val = np.zeros(len(y), dtype=bool)
    for c in range(len(classes)):
        members = rng.permutation(np.flatnonzero(y == c))
        val[members[: max(1, round(len(members) * 0.2))]] = True

    frames = x[~val][real[~val]]
    mean, std = frames.mean(axis=0), frames.std(axis=0)
    std[std == 0] = 1.0
    x = np.where(real[..., None], (x - mean) / std, 0.0).astype(np.float32)
    x_test = np.where(real_test[..., None], (x_test - mean) / std, 0.0).astype(np.float32)

    model = keras.Sequential(
        [
            keras.Input(shape=(maxlen, x.shape[2])),
            keras.layers.Masking(mask_value=0.0),
            keras.layers.LSTM(units),
            keras.layers.Dense(len(classes), activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x[~val],
        y[~val],
        validation_data=(x[val], y[val]),
        epochs=epochs,
        batch_size=32,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)],
        verbose=0,
    )
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {
        "accuracy": float(accuracy),
        "loss": float(loss),
        "epochs_run": len(history.history["loss"]),
        "seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: reference_japanese_vowels.py TRAIN.ts TEST.ts", file=sys.stderr)
        raise SystemExit(2)
    print(run_reference(sys.argv[1], sys.argv[2]))
