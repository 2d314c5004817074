"""Every doctor code produced from a real model file (.keras, .h5, to_json) and from the same model as
pasted code, against data read with the app's loader, with the fix for that data."""

from __future__ import annotations

import pytest

from core.loaders import load
from core.usermodel import check_model, read_model
from core.usermodel.builder import to_builder_spec
from core.usermodel.code import read_model_code
from tests.core.usermodel_corpus import CASES, corpus_for

pytestmark = pytest.mark.slow

# What the fix must say for the corpus data (10 timesteps × 3 features; long40 has 40 timesteps).
FIX_SAYS = {
    "two_d_input": "x = x[..., None]  # (24, 10) -> (24, 10, 1)",
    "extra_axis": "keras.Input(shape=(10, 3))",
    "channels_first": "x = np.transpose(x, (0, 2, 1))  # (24, 3, 40) -> (24, 40, 3)",
    "batch_in_input_shape": "keras.Input(shape=(10, 3))",
    "timesteps_mismatch": "maxlen=20",
    "features_mismatch": "keras.Input(shape=(10, 3))",
    "missing_return_sequences": "keras.layers.LSTM(8, return_sequences=True),  # lstm",
    "sequence_output_mismatch": "return_sequences=False",
    "output_units_mismatch": 'keras.layers.Dense(9, activation="softmax")',
    "loss_label_mismatch": 'loss="sparse_categorical_crossentropy"',
    "embedding_input_mismatch": "keras.layers.Masking(mask_value=0)",
    "mask_value_mismatch": "keras.layers.Masking(mask_value=0)",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return corpus_for(tmp_path_factory)


def _formats(name):
    return ["keras", "json", "py"] + ([] if CASES[name].unbuilt else ["h5"])


@pytest.mark.parametrize("name", [n for n in CASES if n != "fits"])
def test_every_code_from_every_model_format(corpus, name):
    case = CASES[name]
    dataset = load(corpus["data"][case.data])
    for fmt in _formats(name):
        result = check_model(read_model(corpus["models"][name][fmt]), dataset)
        codes = [d.code for d in result.diagnoses]
        assert case.code in codes, (fmt, codes)
        found = next(d for d in result.diagnoses if d.code == case.code)
        assert FIX_SAYS[name] in found.fix_code, (fmt, found.fix_code)
        assert found.explanation and found.title
        if name != "two_d_input":  # the app already reshaped the 2-D file: a warning that the user's code must too
            assert result.fits is False, fmt


def test_a_model_that_fits_says_so(corpus):
    dataset = load(corpus["data"]["binary"])
    for fmt in ("keras", "h5", "json", "py"):
        result = check_model(read_model(corpus["models"]["fits"][fmt]), dataset)
        assert result.fits is True
        assert [d for d in result.diagnoses if d.severity == "error"] == []
        out = result.to_dict()
        assert out["fits"] is True and out["model"]["input_shape"] == [None, 10, 3]
        assert [row["class"] for row in out["model"]["layers"]] == ["Masking", "LSTM", "Bidirectional", "Dense"]
        assert out["model"]["layers"][-1]["output_shape"] == [None, 1]


def test_two_d_file_reshaped_by_the_app_shows_the_line_the_users_code_needs(corpus):
    dataset = load(corpus["data"]["wide2d"])
    result = check_model(read_model(corpus["models"]["two_d_input"]["keras"]), dataset)
    two_d = next(d for d in result.diagnoses if d.code == "two_d_input")
    assert two_d.severity == "warning" and "added an axis of size 1" in two_d.explanation
    assert two_d.before_shape == (24, 10) and two_d.after_shape == (24, 10, 1)
    assert result.fits  # the model itself is right for the reshaped data


def test_the_doctor_reports_a_loaded_2d_file_even_without_a_model(corpus):
    from core.doctor import diagnose_dataset

    found = [d for d in diagnose_dataset(load(corpus["data"]["wide2d"])) if d.code == "two_d_input"]
    assert found and "x[..., None]" in found[0].fix_code and found[0].severity == "info"


def test_shapes_are_for_this_data_where_the_model_leaves_them_open(corpus):
    dataset = load(corpus["data"]["ragged"])  # padded to 10 steps
    result = check_model(read_model(corpus["models"]["mask_value_mismatch"]["keras"]), dataset)
    assert result.input_shape == (None, 10, 3)
    assert result.rows[0].output_shape == (None, 10, 3)


def test_missing_return_sequences_lists_the_layers_it_could_not_compute(corpus):
    result = check_model(read_model(corpus["models"]["missing_return_sequences"]["keras"]), load(corpus["data"]["binary"]))
    assert [(r.class_name, r.output_shape) for r in result.rows] == [("LSTM", (None, 8)), ("LSTM", None), ("Dense", None)]
    assert result.rows[1].note == "cannot take its input"


def test_use_this_architecture_only_for_models_the_builder_can_hold(corpus):
    from core.usermodel import data_facts

    facts = data_facts(load(corpus["data"]["binary"]))
    spec, reasons = to_builder_spec(read_model(corpus["models"]["fits"]["keras"]), facts)
    assert reasons == [] and spec is not None
    assert spec.input.kind == "masking" and spec.input.timesteps == 10 and spec.input.features == 3
    assert [(layer.kind, layer.units, layer.bidirectional) for layer in spec.layers] == [("LSTM", 8, False), ("GRU", 4, True)]
    assert spec.head.task == "binary"
    from core.model.shapes import total_params

    assert total_params(spec) == corpus["keras_models"]["fits"].count_params()
    spec, reasons = to_builder_spec(read_model(corpus["models"]["extra_axis"]["keras"]), facts)
    assert spec is None and any("TimeDistributed" in r for r in reasons)


def test_dropout_layers_keep_a_model_read_only():
    model = read_model_code("model = Sequential([LSTM(8, input_shape=(10, 3)), Dropout(0.2), Dense(1, activation='sigmoid')])")
    from core.usermodel.data import DataFacts

    facts = DataFacts(24, 10, 3, False, False, 0.0, False, "binary", 2, None, False, (24, 10, 3))
    spec, reasons = to_builder_spec(model, facts)
    assert spec is None and reasons == ["the builder has no Dropout layer ('dropout')"]


def test_real_data_the_pasted_vowels_model_and_its_fixed_version():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    dataset = load(root / "resources" / "demos" / "JapaneseVowels_TRAIN.ts")  # UCI Japanese vowels, 270 × ≤26 × 12
    pasted = (root / "tests" / "data" / "models" / "vowels_lstm.py").read_text()
    result = check_model(read_model_code(pasted), dataset)
    assert [d.code for d in result.diagnoses if d.severity == "error"] == [
        "sequence_output_mismatch", "loss_label_mismatch", "mask_value_mismatch"]
    fixed = (pasted.replace("mask_value=-1.0", "mask_value=0.0")
             .replace("layers.LSTM(32, return_sequences=True)", "layers.LSTM(32)")
             .replace('loss="categorical_crossentropy"', 'loss="sparse_categorical_crossentropy"'))
    result = check_model(read_model_code(fixed), dataset)
    assert result.fits and [d.severity for d in result.diagnoses] == ["info"]  # int32 advice about the data only
    assert [(r.output_shape, r.params) for r in result.rows] == [((None, 26, 12), 0), ((None, 26, 64), 19_712),
                                                                 ((None, 32), 12_416), ((None, 9), 297)]
