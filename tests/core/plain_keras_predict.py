"""What a user's own code does with a saved model: plain Keras, numpy and pandas, no Shape Explorer.

Run as a separate process: ``python plain_keras_predict.py CASES.json`` where the JSON is a list of
``{"kind", "model", "file", ...}``. For each case it reads the raw file with its own few lines,
builds the input with ``keras.utils.pad_sequences`` (or slices windows of the raw series, or encodes
words with the vocabulary saved beside the model), loads the model with
``keras.saving.load_model(path)`` (safe mode, no custom objects) and prints one JSON line with the
predictions and the score against the file's labels.
"""

from __future__ import annotations

import json
import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd


def read_ts(path):
    sequences, labels, in_data = [], [], False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith(("#", "%")):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            *dims, label = line.split(":")
            sequences.append(np.stack([np.array([float(v) for v in d.split(",")]) for d in dims], axis=1))
            labels.append(label.strip())
    return sequences, labels


def recipe_of(model_path):
    with open(model_path[: -len(".keras")] + ".recipe.json", encoding="utf-8") as handle:
        return json.load(handle)


def run(case):
    model = keras.saving.load_model(case["model"])  # safe_mode=True is the default
    recipe = recipe_of(case["model"])
    maxlen = model.input_shape[1]
    kind = case["kind"]
    if kind in ("classification", "regression"):
        sequences, labels = read_ts(case["file"])
        x = keras.utils.pad_sequences(sequences, dtype="float32", padding="post", value=0.0, maxlen=maxlen, truncating="post")
        out = model.predict(x, verbose=0)
        if kind == "classification":
            classes = recipe["class_names"]
            index = (out[:, 0] >= 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
            predictions = [classes[i] for i in index]
            return {"predictions": predictions, "accuracy": float(np.mean([p == t for p, t in zip(predictions, labels)]))}
        truth = np.array([float(v) for v in labels])
        predictions = out[:, 0].astype("float64")
        return {"predictions": predictions.tolist(), "mse": float(np.mean((predictions - truth) ** 2))}
    if kind == "windows":
        frame = pd.read_csv(case["file"])
        series = frame[recipe["feature_names"]].to_numpy(dtype="float32")
        window, horizon = case["window"], case["horizon"]
        count = len(series) - window - horizon + 1
        x = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)[:count].transpose(0, 2, 1)
        y = series[np.arange(count) + window + horizon - 1]
        out = model.predict(np.ascontiguousarray(x), verbose=0).astype("float64")
        return {"predictions": out.tolist(), "mse": float(np.mean((out - y) ** 2))}
    if kind == "text":
        token = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
        index = {t: i for i, t in enumerate(recipe["vocabulary"])}
        sequences, labels = [], []
        with open(case["file"], encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                sentence, _, label = line.rstrip("\r\n").rpartition("\t")
                sequences.append([index.get(t, 1) for t in token.findall(sentence.lower())])
                labels.append(label.strip())
        x = keras.utils.pad_sequences(sequences, dtype="int32", padding="post", value=0, maxlen=maxlen)
        out = model.predict(x, verbose=0)
        classes = recipe["class_names"]
        predictions = [classes[int(p >= 0.5)] for p in out[:, 0]]
        return {"predictions": predictions, "accuracy": float(np.mean([p == t for p, t in zip(predictions, labels)]))}
    raise ValueError(kind)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    print(json.dumps([run(case) for case in cases]))
