"""The one label encoder: the same labels mean the same classes in every format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import LoadError
from core.loaders import load
from core.loaders.labels import MAX_CLASSES, encode_labels
from core.loaders.numbers import check_float32_range

PATH = Path("labels.csv")


def _at(i: int) -> str:
    return f"row {i}"


def _encode(raw, **kwargs):
    return encode_labels(raw, "y", PATH, _at, **kwargs)


def test_mixed_text_and_whole_numbers_are_classes_numbers_first():
    labels = _encode(["1", "2", "x", "3"])
    assert labels.classes == ("1", "2", "3", "x")
    assert labels.values.tolist() == [0, 1, 3, 2]
    assert labels.kind == "multiclass"


@pytest.mark.parametrize("raw", [["1", "2", "x", "3"], np.array(["1", "2", "x", "3"]),
                                 np.array([1, 2, "x", 3], dtype=object), [b"1", b"2", b"x", b"3"]])
def test_every_container_gives_the_same_answer(raw):
    labels = _encode(raw)
    assert labels.classes == ("1", "2", "3", "x")
    assert labels.values.tolist() == [0, 1, 3, 2]


def test_numeric_text_is_numbers_in_numeric_order():
    labels = _encode(["10", "9", "1.0", " 9 "])
    assert labels.classes == ("1", "9", "10")
    assert labels.values.tolist() == [2, 1, 0, 1]


def test_text_classes_sorted_as_text():
    assert _encode(["b", "a", "c", "a"]).classes == ("a", "b", "c")


def test_booleans_are_two_classes():
    labels = _encode(np.array([True, False, True]))
    assert labels.classes == ("False", "True") and labels.kind == "binary"


def test_fractions_are_regression_and_a_typo_among_them_is_named():
    assert _encode([0.5, 1.25, 3.0]).kind == "regression"
    with pytest.raises(LoadError, match=r"row 2: the value 'oops' is not a number like the other labels in 'y'"):
        _encode(["0.5", "1.5", "oops", "2.5"])


def test_more_than_max_classes_whole_numbers_are_targets_with_a_guess():
    guesses = []
    labels = _encode(np.arange(MAX_CLASSES + 1), guesses=guesses)
    assert labels.kind == "regression"
    assert guesses and guesses[0].what == "task" and guesses[0].option == "task"
    assert _encode(np.arange(MAX_CLASSES)).kind == "multiclass"


def test_task_override():
    assert _encode(np.arange(60), task="multiclass").n_classes == 60
    assert _encode([0, 1, 0], task="regression").kind == "regression"
    assert _encode([0.5, 1.5], task="binary").classes == ("0.5", "1.5")
    with pytest.raises(LoadError, match=r"row 2: the label 'y' has 3 classes \(a, b, c\), but the task is binary"):
        _encode(["a", "b", "c"], task="binary")
    with pytest.raises(LoadError, match=r"row 1: the value 'b' in the label 'y' is not a number, but the task is regression"):
        _encode(["1", "b"], task="regression")
    with pytest.raises(ValueError):
        _encode([1], task="clustering")


@pytest.mark.parametrize("raw", [[1.0, np.nan], ["a", ""], ["a", None], ["a", "  "], np.array(["a", None], dtype=object)])
def test_missing_labels_are_refused_where_they_are(raw):
    with pytest.raises(LoadError, match=r"row 1: the label column 'y' is (empty|missing)"):
        encode_labels(raw, "y", PATH, _at, container="column")


def test_infinite_label_is_refused():
    with pytest.raises(LoadError, match="row 0: the label 'y' is infinite"):
        _encode(["1e400", "2"])


def test_declared_class_order_is_kept_and_unknown_classes_refused():
    labels = _encode(["b", "a", "b"], classes=("b", "a"))
    assert labels.classes == ("b", "a") and labels.values.tolist() == [0, 1, 0]
    assert _encode([2.0, 1.0], classes=("2", "1")).values.tolist() == [0, 1]
    with pytest.raises(LoadError, match=r"row 1: the value 'c' in the label 'y' is not one of the declared classes \(a, b\)"):
        _encode(["a", "c"], classes=("a", "b"))


def test_empty_input():
    assert _encode([]).values.shape == (0,)


def test_float32_range_check_names_the_place():
    check_float32_range(np.array([1.0, -3e38]), PATH, _at)
    check_float32_range(np.array([np.inf, np.nan]), PATH, _at)  # missing-value rules are the reader's
    check_float32_range(np.zeros(3, dtype=np.float32), PATH, _at)
    with pytest.raises(LoadError, match=r"row 3: has a value too large for 32-bit floats \(1e\+39\)"):
        check_float32_range(np.array([1.0, 2.0, np.inf, 1e39]), PATH, _at)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 5), st.sampled_from(["a", "b", " 3 ", "4.0", "x y"])), min_size=1, max_size=30))
def test_any_mix_of_text_and_numbers_gives_labels_or_a_load_error(raw):
    try:
        labels = _encode(np.array(raw, dtype=object))
    except LoadError:
        return
    assert labels.values.shape == (len(raw),)
    if labels.classes is not None:
        assert labels.values.min() >= 0 and labels.values.max() < len(labels.classes)
        # The same label written as a string or as a number is one class.
        same = {str(v).strip().replace(".0", "") for v in raw}
        assert len(labels.classes) == len(same)


def test_the_same_labels_mean_the_same_in_csv_json_and_npz(tmp_path):
    raw = ["1", "2", "x", "3"]
    csv = tmp_path / "a.csv"
    csv.write_text("id,t,v,label\n" + "".join(f"{i},{t},{t * 0.5},{raw[i]}\n" for i in range(4) for t in range(3)))
    records = tmp_path / "a.json"
    records.write_text(json.dumps([{"sequence": [1.0, 2.0, 3.0], "label": label} for label in raw]))
    npz = tmp_path / "a.npz"
    np.savez(npz, X=np.zeros((4, 3, 1)), y=np.array(raw))
    results = [load(path).labels for path in (csv, records, npz)]
    for labels in results:
        assert labels.classes == ("1", "2", "3", "x")
        assert labels.values.tolist() == [0, 1, 3, 2]


def test_parse_floats_reads_exactly_the_numbers_or_says_none():
    from core.loaders.numbers import parse_floats

    values = parse_floats("1,2.5, -3e2,?,1e39", 5)
    assert values[:3].tolist() == [1.0, 2.5, -300.0] and np.isnan(values[3]) and values[4] == 1e39
    assert parse_floats("1,,3", 3) is None  # an empty value
    assert parse_floats("1,x,3", 3) is None
    assert parse_floats("1,2", 3) is None  # not the count expected
    assert parse_floats("", 0).shape == (0,)
