"""CSV/TSV reading: the three layouts, every guess, overrides and every kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError
from core.loaders import load
from core.options import LoadOptions


def _csv(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _guess(dataset, what):
    found = [g for g in dataset.source.guesses if g.what == what]
    assert found, f"no guess about {what}: {dataset.source.guesses}"
    return found[0]


# ---- long layout ---------------------------------------------------------------------------
LONG = """id,step,a,b,label
2,1,21,210,dog
1,2,12,120,cat
2,0,20,200,dog
1,0,10,100,cat
1,1,11,110,cat
3,0,30,300,cat
"""


def test_long_layout_sorts_shuffled_rows(tmp_path):
    dataset = load(_csv(tmp_path, LONG))
    assert dataset.source.format == "csv-long"
    assert dataset.kind == "sequences"
    assert dataset.values.dtype == np.float32
    assert dataset.feature_names == ("a", "b")
    assert dataset.sample_ids == ("1", "2", "3")
    assert dataset.lengths.tolist() == [3, 2, 1]
    np.testing.assert_array_equal(dataset.sequence(0), [[10, 100], [11, 110], [12, 120]])
    np.testing.assert_array_equal(dataset.sequence(1), [[20, 200], [21, 210]])
    assert dataset.labels.kind == "binary"
    assert dataset.labels.classes == ("cat", "dog")
    assert dataset.labels.values.tolist() == [0, 1, 0]
    assert _guess(dataset, "layout").value == "long"
    assert _guess(dataset, "id column").value == "id"
    assert _guess(dataset, "id column").option == "id_col"
    assert _guess(dataset, "time column").value == "step"
    assert _guess(dataset, "label column").value == "label"
    assert _guess(dataset, "delimiter").value == "comma"
    assert _guess(dataset, "header").value is True
    options = dataset.source.options
    assert (options["layout"], options["id_col"], options["time_col"], options["label_col"]) == ("long", "id", "step", "label")
    assert options["feature_cols"] == ["a", "b"]


def test_long_effective_options_reload_identically(tmp_path):
    path = _csv(tmp_path, LONG)
    first = load(path)
    again = load(path, LoadOptions.from_dict(first.source.options))
    np.testing.assert_array_equal(first.values, again.values)
    np.testing.assert_array_equal(first.lengths, again.lengths)


def test_long_without_time_column_keeps_file_order(tmp_path):
    text = "sequence,x\nb,1\na,2\nb,3\na,4\nb,5\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.sample_ids == ("a", "b")
    assert dataset.values.ravel().tolist() == [2, 4, 1, 3, 5]
    assert _guess(dataset, "time column").value is None


def test_long_unnamed_id_detected_from_runs(tmp_path):
    text = "k,x,y\n" + "".join(f"{k},{k + i / 10},{i}\n" for k in range(4) for i in range(3))
    dataset = load(_csv(tmp_path, text))
    assert dataset.source.format == "csv-long"
    assert _guess(dataset, "id column").value == "k"
    assert "consecutive" in _guess(dataset, "id column").why
    assert dataset.lengths.tolist() == [3, 3, 3, 3]


def test_long_unnamed_time_detected_by_counting(tmp_path):
    text = "user,n,x\n" + "".join(f"{u},{i},{u * 10 + i}.5\n" for u in (2, 1) for i in (2, 0, 1))
    dataset = load(_csv(tmp_path, text))
    assert _guess(dataset, "time column").value == "n"
    assert dataset.feature_names == ("x",)
    assert dataset.sequence(0).ravel().tolist() == [10.5, 11.5, 12.5]


def test_long_date_time_column(tmp_path):
    text = "id,timestamp,x\n1,2021-01-03,3\n1,2021-01-01,1\n1,2021-01-02,2\n2,2021-02-01,9\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.sequence(0).ravel().tolist() == [1, 2, 3]


def test_long_labels_varying_within_sequences_are_per_step(tmp_path):
    text = "id,t,x,label\n1,0,1,a\n1,1,2,b\n2,0,3,b\n2,1,4,c\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.labels.kind == "sequence"
    assert dataset.labels.classes == ("a", "b", "c")
    assert dataset.labels.values.tolist() == [0, 1, 1, 2]
    assert _guess(dataset, "label kind").value == "sequence"


def test_long_regression_label(tmp_path):
    rows = "".join(f"{i},{t},{t},{i * 1.37:.2f}\n" for i in range(60) for t in range(2))
    dataset = load(_csv(tmp_path, "id,t,x,target\n" + rows))
    assert dataset.labels.kind == "regression"
    assert dataset.labels.values.dtype == np.float32
    np.testing.assert_allclose(dataset.labels.values[:3], [0, 1.37, 2.74], rtol=1e-6)


def test_integer_labels_sort_numerically(tmp_path):
    text = "id,t,x,class\n1,0,1,10\n2,0,1,2\n3,0,1,1\n1,1,1,10\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.labels.classes == ("1", "2", "10")
    assert dataset.labels.values.tolist() == [2, 1, 0]
    assert dataset.labels.kind == "multiclass"


def test_duplicate_id_step_pair_is_an_error(tmp_path):
    text = "id,t,x\n1,0,1\n1,1,2\n2,0,3\n1,1,4\n"
    with pytest.raises(LoadError) as error:
        load(_csv(tmp_path, text))
    message = str(error.value)
    assert "data.csv, line 5" in message
    assert "sequence '1' has step 1 twice (lines 3 and 5)" in message


def test_gaps_in_steps_are_a_warning(tmp_path):
    text = "id,t,x\n1,0,1\n1,1,2\n1,3,3\n2,0,4\n2,1,5\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.lengths.tolist() == [3, 2]
    (warning,) = dataset.source.warnings
    assert "1 sequence skip steps in 't'" in warning and "from 1 to 3" in warning


def test_long_needs_an_id(tmp_path):
    with pytest.raises(LoadError, match=r"long layout needs a sequence-id column.*--id-col \(the columns are: x, y\)"):
        load(_csv(tmp_path, "x,y\n1.5,2.5\n3.5,4.5\n"), LoadOptions(layout="long"))


def test_missing_id_is_named(tmp_path):
    with pytest.raises(LoadError, match=r"line 3, column 'id'.*the id column 'id' is empty"):
        load(_csv(tmp_path, "id,t,x\n1,0,1\n,1,2\n1,2,3\n"))


# ---- wide layout ---------------------------------------------------------------------------
def test_wide_layout_ragged_trailing_cells(tmp_path):
    text = "t0,t1,t2,t3,label\n1,2,3,4,a\n5,6,,,b\n7,8,9,,a\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.source.format == "csv-wide"
    assert dataset.feature_names == ("value",)
    assert dataset.lengths.tolist() == [4, 2, 3]
    assert dataset.values.ravel().tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert dataset.labels.classes == ("a", "b")
    assert "time steps" in _guess(dataset, "layout").why


def test_wide_interior_gap_is_an_error(tmp_path):
    with pytest.raises(LoadError, match=r"line 3, column 't1': has an empty cell or NaN inside a sequence"):
        load(_csv(tmp_path, "t0,t1,t2\n1,2,3\n4,,6\n"))


def test_wide_with_unique_sample_ids(tmp_path):
    text = "id,0,1,2,3\nx,1,2,3,4\ny,5,6,7,8\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.source.format == "csv-wide"
    assert dataset.sample_ids == ("x", "y")
    assert dataset.lengths.tolist() == [4, 4]


def test_wide_headerless_short_rows(tmp_path):
    text = "1,2,3,4,5\n6,7\n8,9,10\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.source.format == "csv-wide"
    assert dataset.lengths.tolist() == [5, 2, 3]
    assert _guess(dataset, "layout").why == "rows have different lengths"


def test_wide_headerless_ucr_style_label_first(tmp_path):
    rng = np.random.default_rng(0)
    rows = [f"{k % 3}," + ",".join(f"{v:.4f}" for v in rng.standard_normal(24)) for k in range(9)]
    dataset = load(_csv(tmp_path, "\n".join(rows) + "\n", name="ucr.tsv"))
    assert dataset.source.format == "csv-wide"
    assert _guess(dataset, "label column").value == "col0"
    assert dataset.labels.classes == ("0", "1", "2")
    assert dataset.lengths.tolist() == [24] * 9


def test_wide_label_makes_rows_samples(tmp_path):
    dataset = load(_csv(tmp_path, "a,b,label\n1,2,x\n3,4,y\n5,6,x\n"))
    assert dataset.source.format == "csv-wide"
    assert dataset.lengths.tolist() == [2, 2, 2]


# ---- series layout ---------------------------------------------------------------------------
def test_series_excludes_date_column(tmp_path):
    text = "date,temp,humidity\n2020-01-01,1.5,30\n2020-01-02,2.5,31\n2020-01-03,3.5,32\n"
    dataset = load(_csv(tmp_path, text))
    assert dataset.source.format == "csv-series"
    assert dataset.kind == "series"
    assert dataset.lengths.tolist() == [3]
    assert dataset.feature_names == ("temp", "humidity")
    index = _guess(dataset, "time index")
    assert index.value == "date" and "row order" in index.why
    assert dataset.source.options["time_col"] == "date"
    assert dataset.source.options["index_cols"] == ["date"]


def test_series_keeps_a_float_target_as_a_feature(tmp_path):
    rows = "".join(f"{i},{i * 0.37:.2f},{i * 1.1:.2f}\n" for i in range(80))
    dataset = load(_csv(tmp_path, "hour,load,target\n" + rows))
    assert dataset.kind == "series"
    assert dataset.feature_names == ("load", "target")  # 'hour' is the time index, not a feature
    assert _guess(dataset, "time index").value == "hour"
    assert not [g for g in dataset.source.guesses if g.what == "label column"]


def test_name_matching_uses_whole_words(tmp_path):
    text = "patient_id,t_celsius,y_value\n" + "".join(f"{p},{p + i / 10},{i * 2.5}\n" for p in (1, 2) for i in range(3))
    dataset = load(_csv(tmp_path, text))
    assert _guess(dataset, "id column").value == "patient_id"
    assert _guess(dataset, "time column").value is None
    assert dataset.feature_names == ("t_celsius", "y_value")
    assert dataset.labels is None


def test_one_numeric_column_is_a_univariate_series(tmp_path):
    dataset = load(_csv(tmp_path, "value\n1\n2\n3\n"))
    assert dataset.kind == "series"
    assert dataset.values.shape == (3, 1)
    headerless = load(_csv(tmp_path, "1\n2\n3\n4\n", name="h.csv"))
    assert headerless.values.ravel().tolist() == [1, 2, 3, 4]


def test_one_text_column_is_an_error(tmp_path):
    with pytest.raises(LoadError, match="single column that is not numeric"):
        load(_csv(tmp_path, "word\nhello\nworld\n"))


def test_series_with_a_label_option_is_labelled_at_every_step(tmp_path):
    dataset = load(_csv(tmp_path, "a,b\n1,2\n3,4\n5,2\n"), LoadOptions(layout="series", label_col="b"))
    assert dataset.kind == "sequences" and dataset.lengths.tolist() == [3]
    assert dataset.labels.kind == "sequence" and dataset.labels.values.tolist() == [0, 1, 0]


# ---- overrides -----------------------------------------------------------------------------
def test_overrides_win_over_guesses(tmp_path):
    text = "who,when,f1,f2,f3\nb,2,1,1,5\na,1,2,2,6\nb,1,3,3,7\na,2,4,4,8\n"
    dataset = load(_csv(tmp_path, text), LoadOptions(layout="long", id_col="WHO", time_col="when",
                                                     label_col="f3", feature_cols=("f2",)))
    assert dataset.sample_ids == ("a", "b")
    assert dataset.feature_names == ("f2",)
    assert dataset.values.ravel().tolist() == [2, 4, 3, 1]
    assert dataset.labels.kind == "sequence"
    assert not [g for g in dataset.source.guesses if g.what in ("id column", "time column", "layout")]


def test_layout_override_to_series(tmp_path):
    dataset = load(_csv(tmp_path, "t0,t1,t2\n1,2,3\n4,5,6\n"), LoadOptions(layout="series"))
    assert dataset.kind == "series" and dataset.values.shape == (2, 3)


def test_header_and_delimiter_overrides(tmp_path):
    dataset = load(_csv(tmp_path, "1|2\n3|4\n"), LoadOptions(delimiter="|", header=False, layout="series"))
    assert dataset.feature_names == ("col0", "col1")
    np.testing.assert_array_equal(dataset.values, [[1, 2], [3, 4]])
    by_index = load(_csv(tmp_path, "1|2\n3|4\n"), LoadOptions(delimiter="|", header=False, feature_cols=("1",)))
    assert by_index.feature_names == ("col1",)


def test_unknown_column_lists_the_available_ones(tmp_path):
    with pytest.raises(LoadError, match=r"has no column 'nope' \(given as --id-col\).*The columns are: id, step, a, b, label"):
        load(_csv(tmp_path, LONG), LoadOptions(id_col="nope"))


def test_bad_delimiter_option(tmp_path):
    with pytest.raises(LoadError, match="one character"):
        load(_csv(tmp_path, "a,b\n1,2\n"), LoadOptions(delimiter=",,"))


# ---- delimiters and encodings -------------------------------------------------------------------
@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_other_delimiters(tmp_path, delimiter, name):
    text = LONG.replace(",", delimiter)
    dataset = load(_csv(tmp_path, text, name="data.tsv" if delimiter == "\t" else "data.csv"))
    assert _guess(dataset, "delimiter").value == name
    assert dataset.lengths.tolist() == [3, 2, 1]


def test_decimal_comma_with_semicolons(tmp_path):
    dataset = load(_csv(tmp_path, "a;b\n1,5;2,25\n3,5;4,75\n"))
    np.testing.assert_array_equal(dataset.values, [[1.5, 2.25], [3.5, 4.75]])
    assert _guess(dataset, "decimal mark").value == ","


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "id,t,température,label\n1,0,1.5,été\n1,1,2.5,été\n2,0,3.5,hiver\n2,1,4.5,hiver\n"
    dataset = load(_csv(tmp_path, text, encoding=encoding))
    assert dataset.feature_names == ("température",)
    assert dataset.labels.classes == ("hiver", "été")
    assert dataset.values.ravel().tolist() == [1.5, 2.5, 3.5, 4.5]
    if encoding != "utf-8-sig":
        assert _guess(dataset, "encoding").value in ("utf-16", "cp1252")


def test_crlf_line_endings(tmp_path):
    dataset = load(_csv(tmp_path, LONG.replace("\n", "\r\n")))
    assert dataset.lengths.tolist() == [3, 2, 1]


# ---- bad input ---------------------------------------------------------------------------------
def test_header_only(tmp_path):
    with pytest.raises(LoadError, match=r"data\.csv: has a header but no data rows"):
        load(_csv(tmp_path, "id,t,x\n"))


def test_too_many_fields_names_the_line(tmp_path):
    with pytest.raises(LoadError, match=r"data\.csv, line 4: has 4 fields where the header has 3"):
        load(_csv(tmp_path, "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n"))


def test_unterminated_quote_names_the_line(tmp_path):
    with pytest.raises(LoadError, match=r"line 3: has a quote \(\"\) that is never closed"):
        load(_csv(tmp_path, 'a,b\n1,2\n3,"4\n5,6\n'))


def test_quoted_fields_are_fine(tmp_path):
    dataset = load(_csv(tmp_path, 'id,t,x,label\n"1",0,"1.5","a, b"\n"1",1,2.5,"a, b"\n2,0,3,c\n'))
    assert dataset.labels.classes == ("a, b", "c")


def test_huge_field_is_reported_not_echoed(tmp_path):
    huge = "x" * 2_000_000
    with pytest.raises(LoadError) as error:
        load(_csv(tmp_path, f"a,b\n1,2\n3,{huge}\n5,6\n"))
    message = str(error.value)
    assert "line 3, column 'b'" in message and "huge field of 2,000,000 characters" in message
    assert len(message) < 400


def test_non_numeric_cell_names_line_column_and_value(tmp_path):
    rows = [f"{i},{i}.5" for i in range(20)]
    rows[6] = "6,oops"
    with pytest.raises(LoadError, match=r"data\.csv, line 8, column 'b': the value 'oops' in column 'b' is not a number"):
        load(_csv(tmp_path, "a,b\n" + "\n".join(rows) + "\n"))


def test_bad_cell_in_numeric_label_column(tmp_path):
    rows = [f"{i},{i}.5" for i in range(20)]
    rows[3] = "3,oops"
    with pytest.raises(LoadError, match=r"line 5: the value 'oops' is not a number like the other labels in 'y'"):
        load(_csv(tmp_path, "x,y\n" + "\n".join(rows) + "\n"), LoadOptions(layout="wide"))


@pytest.mark.parametrize(("cell", "problem"), [("", "a missing value"), ("nan", "a missing value"), ("inf", "an infinite value"),
                                                ("-inf", "an infinite value"), ("1e39", "a value too large for 32-bit floats")])
def test_missing_and_infinite_values(tmp_path, cell, problem):
    with pytest.raises(LoadError, match=rf"line 3, column 'b': has {problem}"):
        load(_csv(tmp_path, f"a,b\n1,2\n3,{cell}\n5,6\n"))


def test_missing_label(tmp_path):
    with pytest.raises(LoadError, match=r"line 3: the label column 'label' is empty"):
        load(_csv(tmp_path, "id,t,x,label\n1,0,1,a\n1,1,2,\n2,0,3,b\n"))


def test_no_numeric_features(tmp_path):
    with pytest.raises(LoadError, match="no numeric feature columns"):
        load(_csv(tmp_path, "id,word\n1,a\n1,b\n2,c\n2,d\n"))


def test_large_values_warn_about_float32(tmp_path):
    dataset = load(_csv(tmp_path, "a,b\n1,100000000\n2,100000001\n"))
    assert any("'b'" in w and "float32" in w for w in dataset.source.warnings)


def test_single_class_warns(tmp_path):
    dataset = load(_csv(tmp_path, "id,t,x,label\n1,0,1,a\n2,0,2,a\n1,1,3,a\n"))
    assert any("single class" in w for w in dataset.source.warnings)


def test_every_error_leaves_the_file_unchanged(tmp_path):
    path = _csv(tmp_path, "id,t,x\n1,0,1\n1,0,2\n")
    before = hashlib.sha256(path.read_bytes()).digest()
    with pytest.raises(LoadError):
        load(path)
    assert hashlib.sha256(path.read_bytes()).digest() == before


def test_large_shuffled_long_file(tmp_path):
    """A few thousand ragged sequences, rows shuffled: every sequence comes back in order."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 30, 500)
    ids = np.repeat(np.arange(500), lengths)
    steps = np.concatenate([np.arange(n) for n in lengths])
    values = (ids * 1000 + steps).astype(np.float64)
    order = rng.permutation(len(ids))
    lines = [f"{i},{t},{v},{-v}" for i, t, v in zip(ids[order], steps[order], values[order])]
    dataset = load(_csv(tmp_path, "series_id,t,a,b\n" + "\n".join(lines) + "\n"))
    np.testing.assert_array_equal(dataset.lengths, lengths)
    np.testing.assert_array_equal(dataset.values[:, 0], values)
    np.testing.assert_array_equal(dataset.values[:, 1], -values)


def test_text_column_constant_within_each_sequence_becomes_the_label(tmp_path):
    path = tmp_path / "speakers.csv"
    rows = ["utt,frame,a,b,speaker"]
    for utt, speaker, length in (("u1", "anna", 3), ("u2", "bo", 2), ("u3", "anna", 4)):
        rows += [f"{utt},{t},{t}.5,{-t}.25,{speaker}" for t in range(length)]
    path.write_text("\n".join(rows) + "\n")
    from core.loaders import load

    dataset = load(path)
    assert dataset.feature_names == ("a", "b")
    assert dataset.labels is not None and dataset.labels.classes == ("anna", "bo")
    assert dataset.labels.values.tolist() == [0, 1, 0]
    assert any(g.what == "label column" and g.value == "speaker" for g in dataset.source.guesses)


def test_unnamed_row_number_column_is_not_a_feature(tmp_path):
    path = tmp_path / "exported.csv"
    path.write_text(",speed,load\n" + "".join(f"{i},{i * 0.5},{i * 2.0}\n" for i in range(40)))
    from core.loaders import load

    dataset = load(path)
    assert dataset.kind == "series"
    assert dataset.feature_names == ("speed", "load")
    assert any(g.what == "time index" and g.value == "Unnamed: 0" and "unnamed" in g.why for g in dataset.source.guesses)
