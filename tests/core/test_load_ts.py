"""UEA/UCR .ts reader: multivariate unequal-length cases, header flags checked against the data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError, MemoryBudgetError
from core.loaders import ts_format
from core.options import LoadOptions

BUDGET = 1 << 30
REPO = Path(__file__).resolve().parents[2]
JAPANESE_VOWELS = REPO / "resources" / "demos" / "JapaneseVowels_TRAIN.ts"


def read(path: Path, budget: int = BUDGET, **options):
    return ts_format.read(path, LoadOptions(**options), budget, None, None)


def header(**flags: str) -> str:
    base = {"problemName": "Toy", "timeStamps": "false", "missing": "true", "univariate": "false",
            "dimensions": "2", "equalLength": "false", "classLabel": "true a b c"}
    base.update(flags)
    lines = [f"@{tag} {value}" for tag, value in base.items() if value is not None]
    return "# a toy problem\n" + "\n".join(lines) + "\n@data\n"


def write(tmp_path: Path, text: str, name: str = "toy.ts") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = "1,2,3:4,5,6:a\n7,8:9,10:c\n\n11,12,13,14:15,16,17,18:b\n"


# ---- reading ---------------------------------------------------------------------------------
def test_multivariate_unequal_length_cases(tmp_path):
    dataset = read(write(tmp_path, header() + CASES))
    assert dataset.lengths.tolist() == [3, 2, 4]
    assert dataset.feature_names == ("dim_0", "dim_1")
    assert dataset.values.dtype == np.float32
    np.testing.assert_array_equal(dataset.sequence(0), [[1, 4], [2, 5], [3, 6]])
    np.testing.assert_array_equal(dataset.sequence(2), [[11, 15], [12, 16], [13, 17], [14, 18]])
    assert dataset.labels.classes == ("a", "b", "c")
    assert dataset.labels.values.tolist() == [0, 2, 1]
    assert dataset.labels.kind == "multiclass"
    assert dataset.source.format == "ts" and dataset.source.warnings == ()


def test_classes_keep_the_order_listed_in_the_header(tmp_path):
    dataset = read(write(tmp_path, header(classLabel="true walk run", dimensions="1", univariate="true") + "1,2:run\n3,4:walk\n"))
    assert dataset.labels.classes == ("walk", "run") and dataset.labels.values.tolist() == [1, 0]
    assert dataset.labels.kind == "binary"


def test_equal_length_file(tmp_path):
    text = header(equalLength="true", seriesLength="3") + "1,2,3:4,5,6:a\n7,8,9:1,2,3:b\n"
    dataset = read(write(tmp_path, text))
    assert dataset.lengths.tolist() == [3, 3]
    np.testing.assert_array_equal(dataset.sequence(1), [[7, 1], [8, 2], [9, 3]])


def test_tags_are_case_insensitive_and_percent_comments_allowed(tmp_path):
    text = "% arff style comment\n@problemname x\n@TIMESTAMPS false\n@classlabel TRUE 1 2\n@data\n1,2,3:1\n4,5:2\n"
    dataset = read(write(tmp_path, text))
    assert dataset.lengths.tolist() == [3, 2] and dataset.labels.classes == ("1", "2")


def test_missing_values_become_nan_with_a_warning(tmp_path):
    dataset = read(write(tmp_path, header() + "1,?,3:4,5,?:a\n7,8:9,10:b\n"))
    assert np.isnan(dataset.values).sum() == 2
    assert np.isnan(dataset.sequence(0)[1, 0]) and np.isnan(dataset.sequence(0)[2, 1])
    assert any("2 missing values" in w for w in dataset.source.warnings)


def test_regression_targets(tmp_path):
    text = header(classLabel=None, targetLabel="true") + "1,2:3,4:0.5\n5,6,7:8,9,10:-2.25\n"
    dataset = read(write(tmp_path, text))
    assert dataset.labels.kind == "regression"
    np.testing.assert_allclose(dataset.labels.values, [0.5, -2.25])


def test_no_label(tmp_path):
    dataset = read(write(tmp_path, header(classLabel="false") + "1,2:3,4\n5:6\n"))
    assert dataset.labels is None and dataset.lengths.tolist() == [2, 1]


def test_class_label_true_without_a_list_collects_the_classes(tmp_path):
    dataset = read(write(tmp_path, header(classLabel="true") + "1:2:z\n3:4:y\n5:6:z\n"))
    assert dataset.labels.classes == ("y", "z") and dataset.labels.values.tolist() == [1, 0, 1]


def test_timestamped_values_are_read_in_order(tmp_path):
    text = (header(timeStamps="true", dimensions="1", univariate="true", classLabel="true 1 2")
            + "(2007-01-01 00:00:00,241.97),(2007-01-01 00:01:00,241.75):1\n"
            + "(2007-01-01 01:36:00,239.91),(2007-01-01 01:37:00,240.89),(2007-01-01 01:38:00,?):2\n")
    dataset = read(write(tmp_path, text))
    assert dataset.lengths.tolist() == [2, 3]
    np.testing.assert_allclose(dataset.values[:4, 0], [241.97, 241.75, 239.91, 240.89], rtol=1e-6)
    assert np.isnan(dataset.values[4, 0])
    assert any("timestamps were dropped" in w for w in dataset.source.warnings)


# ---- header flags that contradict the data ---------------------------------------------------
@pytest.mark.parametrize(
    "flags, cases, message",
    [
        ({"dimensions": "3"}, "1,2:3,4:a\n", r"line 10: this case has 2 dimensions but the header says @dimensions 3 \(line 6\)"),
        ({"univariate": "true", "dimensions": None}, "1,2:3,4:a\n", r"2 dimensions but the header says @univariate true"),
        ({"equalLength": "true"}, "1,2:3,4:a\n5,6,7:8,9,10:b\n",
         r"line 11: this case has 3 steps, the first has 2, but the header says @equalLength true"),
        ({"equalLength": "true", "seriesLength": "3"}, "1,2:3,4:a\n",
         r"line 11: this case has 2 steps but the header says @seriesLength 3"),
        ({}, "1,2:3,4:a\n1,2:3,4:d\n", r"line 11: the class 'd' is not among the classes in @classLabel true"),
        ({"missing": "false"}, "1,2:3,4:a\n1,?:3,4:b\n", r"line 11: this case has a missing value '\?' but the header says @missing false"),
        ({}, "1,2:3,4:a\n(1,2),(3,4):(1,2),(3,4):b\n", r"line 11: this case has \(time,value\) pairs but the header says @timeStamps false"),
        ({"timeStamps": "true"}, "1,2:3,4:a\n", r"line 10: this case has plain values but the header says @timeStamps true"),
        ({"classLabel": None, "targetLabel": "true"}, "1,2:3,4:high\n", r"line 10: the target 'high' is not a number"),
    ],
)
def test_contradicting_header_names_line_and_flag(tmp_path, flags, cases, message):
    text = header(**flags) + cases
    with pytest.raises(LoadError, match=message) as caught:
        read(write(tmp_path, text))
    assert str(caught.value).startswith("toy.ts, line ")


def test_missing_data_line(tmp_path):
    with pytest.raises(LoadError, match="no @data line"):
        read(write(tmp_path, "@problemName x\n@classLabel true a\n"))
    with pytest.raises(LoadError, match=r"line 3: this line looks like a case, but no @data line came before it"):
        read(write(tmp_path, "@problemName x\n@classLabel true a\n1,2:a\n"))


def test_no_cases_after_data(tmp_path):
    with pytest.raises(LoadError, match="no cases after @data"):
        read(write(tmp_path, header() + "\n# nothing\n"))


def test_dimensions_of_one_case_with_different_lengths(tmp_path):
    with pytest.raises(LoadError, match=r"line 11: the dimensions of this case have different lengths \(dim_0: 3, dim_1: 2\)"):
        read(write(tmp_path, header() + "1,2:3,4:a\n1,2,3:4,5:b\n"))


def test_undeclared_label_gets_a_hint(tmp_path):
    text = "@problemName x\n@data\n1,2,3:4,5,6:a\n"
    with pytest.raises(LoadError, match="@classLabel true"):
        read(write(tmp_path, text))


def test_case_count_of_dimensions_differs_without_header(tmp_path):
    text = header(dimensions=None) + "1,2:3,4:a\n1,2:3,4:5,6:b\n"
    with pytest.raises(LoadError, match=r"line 10: this case has 3 dimensions but the first case has 2"):
        read(write(tmp_path, text))


@pytest.mark.parametrize(
    "cases, message",
    [
        ("1,2:3,x:a\n", r"line 10, dimension 1, value 1: 'x' is not a number"),
        ("1,,2:3,4,5:a\n", r"line 10, dimension 0, value 1: a value is empty"),
        ("1,2::a\n", r"line 10: dimension 1 of this case is empty"),
        ("1,2:3,4\n", r"line 10: .*"),
        ("1,2:3,4:\n", r"line 10: this case has no label"),
    ],
)
def test_bad_values_name_line_and_dimension(tmp_path, cases, message):
    with pytest.raises(LoadError, match=message):
        read(write(tmp_path, header() + cases))


@pytest.mark.parametrize(
    "bad_header, message",
    [("@missing maybe", r"line 2: @missing must be followed by true or false"),
     ("@dimensions two", r"line 2: @dimensions must be followed by a positive whole number"),
     ("@classLabel true a a", r"line 2: @classLabel lists a class twice"),
     ("@classLabel false a b", r"@classLabel false cannot be followed by class names")],
)
def test_malformed_header_lines(tmp_path, bad_header, message):
    with pytest.raises(LoadError, match=message):
        read(write(tmp_path, f"@problemName x\n{bad_header}\n@data\n1:a\n"))


def test_class_and_target_label_together_are_refused(tmp_path):
    with pytest.raises(LoadError, match="both @classLabel true and @targetLabel true"):
        read(write(tmp_path, header(targetLabel="true") + "1:2:a\n"))


def test_unknown_tag_is_a_warning(tmp_path):
    dataset = read(write(tmp_path, header(author="me") + "1:2:a\n"))
    assert any("@author" in w for w in dataset.source.warnings)


def test_binary_file_named_ts_is_refused(tmp_path):
    path = tmp_path / "bin.ts"
    path.write_bytes(b"@data\n\x00\x01\x02\xff")
    with pytest.raises(LoadError, match="NUL bytes"):
        read(path)


def test_budget_is_checked(tmp_path):
    path = write(tmp_path, header() + "1,2,3:4,5,6:a\n" * 200)
    with pytest.raises(MemoryBudgetError):
        read(path, budget=2_000)


def test_file_is_unchanged_after_loading(tmp_path):
    path = write(tmp_path, header() + CASES)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_through_the_dispatcher(tmp_path):
    from core.loaders import load

    dataset = load(write(tmp_path, header() + CASES), budget_bytes=BUDGET)
    assert dataset.source.format == "ts" and dataset.lengths.tolist() == [3, 2, 4]


# ---- the real file ---------------------------------------------------------------------------
@pytest.mark.skipif(not JAPANESE_VOWELS.exists(), reason="bundled demo JapaneseVowels_TRAIN.ts not present")
def test_real_japanese_vowels_file():
    dataset = read(JAPANESE_VOWELS)
    assert dataset.n_samples == 270 and dataset.n_features == 12
    assert int(dataset.lengths.min()) == 7 and int(dataset.lengths.max()) == 26
    assert dataset.labels.classes == tuple(str(i) for i in range(1, 10))
    assert np.bincount(dataset.labels.values).tolist() == [30] * 9
    assert np.isfinite(dataset.values).all()
    # the first case's first values, checked against the text
    np.testing.assert_allclose(dataset.sequence(0)[:2, 0], [1.860936, 1.891651], rtol=1e-6)
    np.testing.assert_allclose(dataset.sequence(0)[0, 1], -0.207383, rtol=1e-6)


# ---- values outside float32, NaN, and streaming in chunks ------------------------------------
@pytest.mark.parametrize("cases, message", [
    ("1,2:3,4:a\n5,1e400:7,8:b\n", r"line 11, dimension 0, value 1: this value \(too large to store\) is too large for 32-bit floats"),
    ("1,2:3,4:a\n5,6:7,-1e39:b\n", r"line 11, dimension 1, value 1: has a value too large for 32-bit floats \(-1e\+39\)"),
])
def test_values_beyond_float32_are_refused_with_the_line(tmp_path, cases, message):
    with pytest.raises(LoadError, match=message):
        read(write(tmp_path, header() + cases))


def test_nan_under_missing_false_is_refused_with_the_line(tmp_path):
    with pytest.raises(LoadError, match=r"line 11, dimension 1, value 0: this value \(nan\) is not a number but the header "
                                        r"says @missing false \(line 4\)"):
        read(write(tmp_path, header(missing="false") + "1,2:3,4:a\n5,6:nan,8:b\n"))
    dataset = read(write(tmp_path, header(missing="true") + "1,2:3,4:a\n5,6:nan,?:b\n"))
    assert np.isnan(dataset.values).sum() == 2 and any("2 missing values" in w for w in dataset.source.warnings)


def test_cases_in_many_chunks_are_checked_against_the_first_case(tmp_path, monkeypatch):
    monkeypatch.setattr(ts_format, "CHUNK_BYTES", 10)
    one_chunk = read(write(tmp_path, header() + CASES * 5, "a.ts"))
    assert one_chunk.lengths.tolist() == [3, 2, 4] * 5
    np.testing.assert_array_equal(one_chunk.sequence(14), [[11, 15], [12, 16], [13, 17], [14, 18]])
    with pytest.raises(LoadError, match=r"line 11: this case has 3 dimensions but the first case has 2"):
        read(write(tmp_path, header(dimensions=None) + "1,2:3,4:a\n5,6:7,8:b\n9:1:2:c\n", "b.ts"))
    with pytest.raises(LoadError, match=r"line 12: this case has 3 steps, the first has 2, but the header says @equalLength"):
        read(write(tmp_path, header(equalLength="true") + "1,2:3,4:a\n5,6:7,8:b\n9,1,2:3,4,5:c\n", "c.ts"))


def test_real_file_reads_the_same_streamed_in_small_chunks(monkeypatch):
    whole = read(JAPANESE_VOWELS)
    monkeypatch.setattr(ts_format, "CHUNK_BYTES", 1000)
    chunked = read(JAPANESE_VOWELS)
    np.testing.assert_array_equal(whole.values, chunked.values)
    np.testing.assert_array_equal(whole.lengths, chunked.lengths)
    np.testing.assert_array_equal(whole.labels.values, chunked.labels.values)


def test_cp1252_ts_file_is_decoded(tmp_path):
    path = tmp_path / "w.ts"
    path.write_bytes(("# caf\u00e9\n" + header() + CASES).encode("cp1252"))
    assert read(path).lengths.tolist() == [3, 2, 4]
