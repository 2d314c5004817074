"""The arithmetic model table must equal what Keras itself builds, layer by layer."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from core.model.shapes import LayerRow, layer_table, recurrent_params, total_params
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec


def random_spec(rng: random.Random) -> ModelSpec:
    kind = rng.choice(["dense", "masking", "embedding"])
    timesteps = rng.choice([None, 1, 3, 7])
    inp = InputSpec(
        kind=kind,
        timesteps=timesteps,
        features=rng.randint(1, 5),
        mask_value=rng.choice([0.0, -1.0]),
        vocab_size=rng.randint(2, 30) if kind == "embedding" else None,
        embedding_dim=rng.randint(1, 6),
        mask_zero=rng.random() < 0.5,
        standardize=rng.random() < 0.7,
    )
    layers = tuple(
        RecurrentLayerSpec(
            kind=rng.choice(["LSTM", "GRU"]),
            units=rng.randint(1, 6),
            bidirectional=rng.random() < 0.4,
            dropout=rng.choice([0.0, 0.2]),
            recurrent_dropout=rng.choice([0.0, 0.0, 0.1]),
            activation=rng.choice(["tanh", "tanh", "relu"]),
            recurrent_activation=rng.choice(["sigmoid", "sigmoid", "hard_sigmoid"]),
            use_bias=rng.random() < 0.8,
            unroll=False,
            reset_after=rng.random() < 0.6,
        )
        for _ in range(rng.randint(1, 3))
    )
    task = rng.choice(["binary", "multiclass", "regression", "sequence"])
    n_outputs = rng.randint(2, 5) if task == "multiclass" else rng.randint(1, 3)
    head = HeadSpec(
        task=task,
        n_outputs=1 if task == "binary" else n_outputs,
        hidden_units=rng.choice([0, 0, 4]),
        sequence_classes=rng.choice([None, 3]) if task == "sequence" else None,
        scale_targets=rng.random() < 0.7,
    )
    return ModelSpec(input=inp, layers=layers, head=head).validate()


def test_recurrent_formulas_match_known_keras_numbers() -> None:
    # Numbers printed by model.summary() in Keras 3.15 for these layers on 3 input features.
    assert recurrent_params(RecurrentLayerSpec("LSTM", units=5), 3) == 4 * (5 * (3 + 5) + 5) == 180
    assert recurrent_params(RecurrentLayerSpec("GRU", units=4, reset_after=True), 3) == 3 * 4 * 7 + 2 * 12 == 108
    assert recurrent_params(RecurrentLayerSpec("GRU", units=4, reset_after=False, bidirectional=True), 3) == 192
    assert recurrent_params(RecurrentLayerSpec("LSTM", units=5, use_bias=False), 3) == 160


def test_table_for_a_stacked_masked_model_reads_like_a_summary() -> None:
    spec = ModelSpec(
        input=InputSpec(kind="masking", timesteps=None, features=3),
        layers=(RecurrentLayerSpec("GRU", 4, bidirectional=True), RecurrentLayerSpec("LSTM", 5)),
        head=HeadSpec("multiclass", n_outputs=3),
    )
    rows = layer_table(spec)
    assert [r.name for r in rows] == ["input", "masking", "standardize", "bidirectional_gru_1", "lstm_2", "output"]
    assert [r.class_name for r in rows][1:3] == ["Masking", "Normalization"]
    assert [r.output_shape for r in rows] == [
        (None, None, 3),
        (None, None, 3),
        (None, None, 3),
        (None, None, 8),
        (None, 5),
        (None, 3),
    ]
    assert "padded steps stay masked" in rows[2].note
    assert "another recurrent layer follows" in rows[3].note
    assert "only the last step" in rows[4].note
    assert total_params(spec) == sum(r.params for r in rows) == 2 * (3 * 4 * 7 + 24) + 4 * (5 * (8 + 5) + 5) + (5 * 3 + 3)


def test_sequence_head_keeps_time_axis_everywhere() -> None:
    spec = ModelSpec(
        input=InputSpec(kind="embedding", timesteps=9, vocab_size=50, embedding_dim=8),
        layers=(RecurrentLayerSpec("LSTM", 6), RecurrentLayerSpec("GRU", 2)),
        head=HeadSpec("sequence", n_outputs=4, hidden_units=3, sequence_classes=4),
    )
    rows = layer_table(spec)
    assert rows[0] == LayerRow("input", "InputLayer", (None, 9), 0, rows[0].note)
    assert rows[1].output_shape == (None, 9, 8) and rows[1].params == 400
    assert all(r.output_shape[:2] == (None, 9) for r in rows[1:])
    assert rows[-1].output_shape == (None, 9, 4)
    assert "another recurrent layer follows" in rows[2].note
    assert "every timestep" in rows[3].note


@pytest.mark.slow
def test_random_specs_match_real_keras_models() -> None:
    import keras

    from core.model.build import build_model

    rng = random.Random(20240611)
    for trial in range(50):
        spec = random_spec(rng)
        model = build_model(spec)
        rows = layer_table(spec)
        assert len(rows) == len(model.layers), (trial, spec)
        for row, layer in zip(rows, model.layers):
            assert row.name == layer.name, (trial, spec)
            assert row.class_name == type(layer).__name__, (trial, row.name)
            assert row.output_shape == tuple(layer.output.shape), (trial, row.name, spec)
            assert row.params == layer.count_params(), (trial, row.name, spec)
        assert total_params(spec) == model.count_params(), (trial, spec)
        keras.backend.clear_session()


def test_importing_shapes_does_not_import_tensorflow_or_keras() -> None:
    code = (
        "import sys, core.model.shapes, core.model.cudnn, core.model.defaults, core.model.build\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""
