"""Pasted errors explained: the errors Keras 3 raises on the corpus' mistakes (captured on every run),
and checked-in texts from tf.keras 2.x, Keras 1/2 and PyTorch, each with and without the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.loaders import load
from core.usermodel import data_facts, explain_error
from core.usermodel.errors import clean, parse_error
from tests.core.usermodel_corpus import CASES, corpus_for

ERRORS = Path(__file__).resolve().parents[1] / "data" / "errors"

# file, the corpus data it is explained against, the code with that data, the code from the text alone
TEXTS = [
    ("tf_keras_2_9_fit_two_d", "wide2d", "two_d_input", "two_d_input"),
    ("tf_keras_2_3_two_d", "binary", "two_d_input", "two_d_input"),
    ("tf_keras_2_x_features_axis", "binary", "features_mismatch", "features_mismatch"),
    ("tf_keras_2_x_stacked_return_sequences", "binary", "missing_return_sequences", "two_d_input"),
    ("tf_keras_2_x_model_constructed_warning", "binary", "timesteps_mismatch", "timesteps_mismatch"),
    ("tf_keras_2_x_shapes_incompatible", "multiclass9", "loss_label_mismatch", "loss_label_mismatch"),
    ("tf_keras_2_x_logits_labels", "multiclass9", "sequence_output_mismatch", "sequence_output_mismatch"),
    ("keras_2_ndim", "binary", "two_d_input", "two_d_input"),
    ("keras_1_ndim", "wide2d", "two_d_input", "two_d_input"),
    ("keras_2_four_d", "binary", "extra_axis", "extra_axis"),
    ("keras_2_shape", "binary", "timesteps_mismatch", "timesteps_mismatch"),
    ("keras_2_channels_first", "long40", "channels_first", "channels_first"),
    ("keras_2_target_shape", "multiclass9", "output_units_mismatch", "output_units_mismatch"),
    ("keras_2_target_one_hot_missing", "multiclass9", "loss_label_mismatch", "loss_label_mismatch"),
    ("keras_2_target_ndim", "binary", "sequence_output_mismatch", "sequence_output_mismatch"),
    ("keras_3_ansi_extra_axis", "binary", "extra_axis", "extra_axis"),
    ("pytorch_input_size", "long40", "channels_first", "features_mismatch"),
    ("pytorch_features", "binary", "features_mismatch", "features_mismatch"),
    ("pytorch_ndim", "wide2d", "two_d_input", "two_d_input"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return corpus_for(tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case.error is not None])
def test_every_error_keras_3_raises_is_explained_for_the_data(corpus, name):
    case = CASES[name]
    text = corpus["errors"][name]
    facts = data_facts(load(corpus["data"][case.data]))
    result = explain_error(text, facts)
    assert result.recognised, text[:300]
    assert case.code in [d.code for d in result.diagnoses], (text[:300], [d.code for d in result.diagnoses])
    found = next(d for d in result.diagnoses if d.code == case.code)
    assert found.fix_code and found.explanation
    assert result.to_dict()["error"]["kind"] == result.error.kind


@pytest.mark.slow
def test_keras_3_fixes_name_the_loaded_data(corpus):
    def fix(name):
        case = CASES[name]
        result = explain_error(corpus["errors"][name], data_facts(load(corpus["data"][case.data])))
        return next(d for d in result.diagnoses if d.code == case.code)

    assert "np.transpose(x, (0, 2, 1))  # (24, 3, 40) -> (24, 40, 3)" in fix("channels_first").fix_code
    assert "keras.Input(shape=(10, 3))" in fix("features_mismatch").fix_code
    assert "np.squeeze(x, axis=1)" in fix("extra_axis").fix_code
    assert fix("timesteps_mismatch").title == "The model expects 20 timesteps; the data has 10"
    assert "x = x[..., None]  # (24, 10) -> (24, 10, 1)" in fix("two_d_input").fix_code
    assert 'Dense(9, activation="softmax")' in fix("output_units_mismatch").fix_code
    assert "(24, 10, 3) -> (24, 10, 3, 8)" in fix("embedding_input_mismatch").explanation


@pytest.mark.parametrize("name,data,with_data,alone", TEXTS)
def test_reported_error_texts(corpus, name, data, with_data, alone):
    text = (ERRORS / f"{name}.txt").read_text(encoding="utf-8")
    assert alone in [d.code for d in explain_error(text).diagnoses]
    result = explain_error(text, data_facts(load(corpus["data"][data])))
    assert [d.code for d in result.diagnoses][0] == with_data
    assert all(d.fix_code for d in result.diagnoses)


def test_every_text_file_is_tested():
    assert {p.stem for p in ERRORS.glob("*.txt")} == {name for name, *_ in TEXTS}


def test_facts_from_the_families():
    tf2 = parse_error((ERRORS / "tf_keras_2_9_fit_two_d.txt").read_text())
    assert (tf2.family, tf2.kind, tf2.layer, tf2.expected_ndim, tf2.found_ndim, tf2.found_shape) == (
        "tf.keras", "ndim", "lstm", 3, 2, (None, 10))
    old = parse_error((ERRORS / "tf_keras_2_3_two_d.txt").read_text())
    assert (old.family, old.found_shape) == ("tf.keras", (None, 10))
    k2 = parse_error((ERRORS / "keras_2_ndim.txt").read_text())
    assert (k2.family, k2.layer, k2.found_shape) == ("keras2", "lstm_1_input", (100, 10))
    torch = parse_error((ERRORS / "pytorch_input_size.txt").read_text())
    assert (torch.family, torch.kind, torch.expected_value, torch.found_value) == ("pytorch", "input_size", 3, 40)
    ansi = parse_error((ERRORS / "keras_3_ansi_extra_axis.txt").read_text())
    assert (ansi.family, ansi.found_shape, ansi.layer) == ("keras3", (None, 1, 10, 3), "lstm")


def test_colour_codes_tracebacks_and_argument_sections_are_dropped():
    text = (ERRORS / "keras_3_ansi_extra_axis.txt").read_text()
    assert "\x1b" in text
    cleaned = clean(text)
    assert "\x1b" not in cleaned and "[1m" not in cleaned
    assert "Arguments received" not in cleaned and "training=True" not in cleaned and 'File "' not in cleaned
    pasted_without_escape = text.replace("\x1b", "")  # what a copy from some terminals leaves behind
    assert parse_error(pasted_without_escape).found_shape == (None, 1, 10, 3)


def test_the_pytorch_fix_is_pytorch_code():
    result = explain_error((ERRORS / "pytorch_ndim.txt").read_text())
    assert result.diagnoses[0].fix_code.startswith("x = x.unsqueeze(-1)")


def test_text_that_is_not_a_shape_error_is_said_so():
    result = explain_error("ModuleNotFoundError: No module named 'tensorflow'")
    assert not result.recognised and result.diagnoses == ()
    assert result.to_dict()["error"]["message"] == "ModuleNotFoundError: No module named 'tensorflow'"


def test_a_saved_traceback_is_told_apart_from_a_text_dataset(tmp_path):
    from core.usermodel import error_text_in

    saved = tmp_path / "error.txt"
    saved.write_text((ERRORS / "tf_keras_2_9_fit_two_d.txt").read_text())
    sentences = tmp_path / "reviews.txt"
    sentences.write_text("a lovely film\tpos\nthe layer was incompatible with my taste\tneg\n")
    assert error_text_in(saved) == saved.read_text()
    assert error_text_in(sentences) is None
    assert error_text_in(tmp_path / "missing.txt") is None
