"""Keras 1/2 model configs (``model.to_json()`` of tf.keras 2.x and Keras 1.2, and a tf.keras 2 ``.h5``
whose ``model_config``/``training_config`` attributes are bytes) read like Keras 3's."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from core.dataset import Labels, SequenceDataset, SourceInfo
from core.usermodel import check_model, read_model

MODELS = Path(__file__).resolve().parents[1] / "data" / "models"


def _data(n_classes: int = 2, steps: int = 10) -> SequenceDataset:
    x = np.random.default_rng(0).random((18, steps, 3), dtype=np.float32)
    labels = Labels(np.arange(18) % n_classes, "binary" if n_classes == 2 else "multiclass", tuple(str(i) for i in range(n_classes)))
    return SequenceDataset.from_dense(x, SourceInfo(None, "npy"), labels=labels)


def test_tf_keras_2_sequential_json():
    model = read_model(MODELS / "tf_keras_2_sequential.json")
    assert (model.input_shape, model.keras_version) == ((10, 3), "2.9.0")
    result = check_model(model, _data())
    assert result.fits
    assert [(r.name, r.output_shape, r.params) for r in result.rows] == [("lstm", (None, 32), 4 * (32 * (3 + 32) + 32)),
                                                                          ("dense", (None, 1), 33)]


def test_tf_keras_2_functional_json_with_a_mask_value_that_is_not_the_padding():
    model = read_model(MODELS / "tf_keras_2_functional.json")
    assert [layer.class_name for layer in model.layers] == ["Masking", "Bidirectional", "Dense"] and model.input_shape == (None, 3)
    ragged = SequenceDataset.from_sequences([np.ones((k, 3), np.float32) for k in (4, 7, 10) * 3], SourceInfo(None, "json"),
                                            labels=Labels(np.arange(9), "multiclass", tuple("abcdefghi")))
    result = check_model(model, ragged)
    assert [(r.output_shape, r.params) for r in result.rows] == [((None, 10, 3), 0), ((None, 32), 2 * (3 * 16 * 19 + 2 * 48)),
                                                                 ((None, 9), 297)]
    assert [d.code for d in result.diagnoses if d.severity == "error"] == ["mask_value_mismatch"]


def test_keras_1_sequential_json_stacked_without_input_layer():
    model = read_model(MODELS / "keras_1_sequential.json")
    assert (model.input_shape, model.declared_by) == ((10, 3), "batch_input_shape")
    result = check_model(model, _data(steps=12))
    assert [r.output_shape for r in result.rows] == [(None, 10, 32), (None, 16), (None, 1)]
    assert [d.code for d in result.diagnoses] == ["timesteps_mismatch"]


def test_a_tf_keras_2_h5_with_bytes_attributes(tmp_path):
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = (MODELS / "tf_keras_2_sequential.json").read_bytes()
        handle.attrs["training_config"] = b'{"loss": "categorical_crossentropy", "metrics": ["accuracy"], "optimizer_config": {}}'
        handle.attrs["keras_version"] = b"2.9.0"
        handle.create_group("model_weights")
    model = read_model(path)
    assert (model.format, model.loss, model.keras_version) == ("h5", "categorical_crossentropy", "2.9.0")
    result = check_model(model, _data(n_classes=9))
    assert {"output_units_mismatch", "loss_label_mismatch"} <= {d.code for d in result.diagnoses}
