"""Table detection patterns that went wrong on real third-party files (issue 10), generalised.

Each test writes a small file in the shape of the real one (UCR text files, statsmodels and
aeon forecasting CSVs, anomaly series, panels, European spreadsheets) and checks the values
against what the file says, not just the shape. The real files themselves are checked in
test_real_corpus.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.cli import main as cli_main
from core.errors import LoadError
from core.loaders import load
from core.loaders.csv_dialect import looks_like_numeric_table, sniff_dialect
from core.loaders.dispatch import detect_format
from core.options import LoadOptions


def _write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _guesses(dataset, what: str) -> list:
    return [g.value for g in dataset.source.guesses if g.what == what]


def _curves(rng, n_rows: int, steps: int) -> np.ndarray:
    """Smooth z-normalised curves like UCR series: each row a random walk, rows unrelated."""
    walks = rng.standard_normal((n_rows, steps)).cumsum(axis=1)
    return (walks - walks.mean(axis=1, keepdims=True)) / walks.std(axis=1, keepdims=True)


# ---- UCR archive text files ------------------------------------------------------------------
@pytest.mark.parametrize("steps, delimiter", [(60, " "), (60, "\t"), (12, "  ")])
def test_ucr_rows_grouped_by_class_are_samples_not_one_sequence_per_class(tmp_path, steps, delimiter):
    rng = np.random.default_rng(0)
    curves = _curves(rng, 12, steps)
    classes = [1] * 6 + [2] * 6  # grouped by class, as the archive's files often are
    lines = [delimiter.join([f"{c:.7e}"] + [f"{v: .7e}" for v in row]) for c, row in zip(classes, curves)]
    dataset = load(_write(tmp_path, "\n".join(lines) + "\n", "Thing_TRAIN.txt"))
    assert dataset.source.format == "csv-wide"
    assert dataset.lengths.tolist() == [steps] * 12
    assert dataset.labels.classes == ("1", "2") and dataset.labels.values.tolist() == [0] * 6 + [1] * 6
    np.testing.assert_allclose(dataset.sequence(3)[:, 0], curves[3], rtol=1e-6)
    assert _guesses(dataset, "id column") == [None]  # the rejected id guess is reported with its reason


def test_a_headerless_long_file_with_few_features_still_finds_its_id(tmp_path):
    rows = [f"{s},{t * 0.1:.2f},{100 + t}" for s in (1, 2, 3) for t in range(5)]
    dataset = load(_write(tmp_path, "\n".join(rows) + "\n"))
    assert dataset.source.format == "csv-long"
    assert dataset.lengths.tolist() == [5, 5, 5]


def test_ucr_lines_longer_than_the_sniffed_head_are_a_table_not_text(tmp_path):
    rng = np.random.default_rng(1)
    curves = _curves(rng, 6, 3000)  # ~45 KB per line: the 64 KiB head cuts the second line
    lines = [" ".join([f"{k % 2 + 1:.7e}"] + [f"{v: .7e}" for v in row]) for k, row in enumerate(curves)]
    path = _write(tmp_path, "\n".join(lines) + "\n", "Long_TRAIN.txt")
    assert detect_format(path) == "csv"
    dataset = load(path)
    assert dataset.lengths.tolist() == [3000] * 6 and dataset.labels.classes == ("1", "2")


def test_variable_length_ucr_rows_padded_with_nan_are_ragged_sequences(tmp_path):
    rng = np.random.default_rng(2)
    lengths = [30, 24, 30, 18, 27, 21]
    rows = []
    for k, n in enumerate(lengths):
        values = [f"{v:.5f}" for v in _curves(rng, 1, n)[0]] + ["NaN"] * (30 - n)
        rows.append("\t".join([str(k % 3)] + values))
    dataset = load(_write(tmp_path, "\n".join(rows) + "\n", "Var_TRAIN.tsv"))
    assert dataset.lengths.tolist() == lengths
    assert dataset.labels.classes == ("0", "1", "2")
    assert np.isfinite(dataset.values).all()


def test_a_wide_file_with_leading_and_trailing_gaps_keeps_the_run_between(tmp_path):
    header = ",".join(f"t{i}" for i in range(6))
    text = f"{header}\n1,2,3,4,5,6\n,,3,4,5,\n,2,3,,,\n"
    dataset = load(_write(tmp_path, text))
    assert dataset.lengths.tolist() == [6, 3, 2]
    assert dataset.sequence(1)[:, 0].tolist() == [3, 4, 5]
    assert any("start with empty cells" in w for w in dataset.source.warnings)
    with pytest.raises(LoadError, match="inside a sequence") as error:
        load(_write(tmp_path, f"{header}\n1,2,3,4,5,6\n1,,3,4,5,6\n", "gap.csv"))
    assert error.value.where == "line 3, column 't1'"


# ---- time index columns of a single series -----------------------------------------------------
@pytest.mark.parametrize("index_name", ["year", "YEAR", "Obs", "timestamp", "Date", "period"])
def test_a_named_time_index_orders_the_series_and_is_not_a_feature(tmp_path, index_name):
    years = list(range(1900, 1940))
    rows = "".join(f"{y},{(y % 7) * 1.5:.1f},{y % 5}\n" for y in years)
    dataset = load(_write(tmp_path, f"{index_name},volume,other\n{rows}"))
    assert dataset.kind == "series"
    assert dataset.feature_names == ("volume", "other")
    assert dataset.source.options["time_col"] == index_name
    assert dataset.source.options["index_cols"] == [index_name]
    assert _guesses(dataset, "time index") == [index_name]


def test_year_and_quarter_together_are_the_index_not_a_sequence_per_year(tmp_path):
    rows = "".join(f"{1959 + q // 4},{q % 4 + 1},{100 + q:.1f},{q * 0.5:.2f}\n" for q in range(40))
    dataset = load(_write(tmp_path, '"year","quarter","realgdp","infl"\n' + rows))
    assert dataset.kind == "series" and dataset.lengths.tolist() == [40]
    assert dataset.feature_names == ("realgdp", "infl")
    assert dataset.source.options["index_cols"] == ["year", "quarter"]


def test_shuffled_rows_are_sorted_by_their_time_index(tmp_path):
    order = np.random.default_rng(3).permutation(20)
    rows = "".join(f"{2000 + int(k)},{int(k) * 10}\n" for k in order)
    dataset = load(_write(tmp_path, "year,value\n" + rows))
    assert dataset.values[:, 0].tolist() == [k * 10 for k in range(20)]
    assert _guesses(dataset, "row order") == ["sorted"]


def test_a_headerless_row_counter_is_the_index(tmp_path):
    rows = "".join(f"{i},{np.sin(i / 5):.5f}\n" for i in range(1, 101))
    dataset = load(_write(tmp_path, rows))
    assert dataset.kind == "series"
    assert dataset.feature_names == ("col1",)
    assert dataset.source.options["index_cols"] == ["col0"]


def test_a_time_index_is_fed_to_the_model_only_when_asked(tmp_path):
    rows = "".join(f"{y},{y % 3}.5\n" for y in range(1871, 1900))
    path = _write(tmp_path, "year,volume\n" + rows)
    asked = load(path, LoadOptions(feature_cols=("year", "volume")))
    assert asked.feature_names == ("year", "volume")


# ---- per-step labels and panels ------------------------------------------------------------------
def test_a_series_with_an_anomaly_column_is_one_sequence_labelled_at_every_step(tmp_path):
    flags = [0] * 40 + [1] * 5 + [0] * 15
    rows = "".join(f"{t},{np.cos(t / 4):.4f},{f}\n" for t, f in enumerate(flags))
    dataset = load(_write(tmp_path, "timestamp,value,is_anomaly\n" + rows))
    assert dataset.kind == "sequences" and dataset.lengths.tolist() == [60]
    assert dataset.feature_names == ("value",)
    assert dataset.labels.kind == "sequence" and dataset.labels.values.tolist() == flags
    report_code = cli_main(["inspect", str(tmp_path / "data.csv"), "--json"])
    assert report_code == 0


def test_a_single_measurement_with_a_label_per_row_is_a_labelled_series(tmp_path):
    rows = "".join(f"{v:.3f},{int(v > 1)}\n" for v in np.random.default_rng(4).standard_normal(50))
    dataset = load(_write(tmp_path, "data,label\n" + rows))
    assert dataset.lengths.tolist() == [50] and dataset.labels.kind == "sequence"


def test_a_panel_whose_id_is_not_named_like_an_id(tmp_path):
    firms = ["General Motors", "Chrysler", "US Steel"]
    rows = "".join(f"{100 + k * 10 + y:.1f},{k * 3.5 + y:.1f},{firm},{1935 + y}\n"
                   for k, firm in enumerate(firms) for y in range(8))
    dataset = load(_write(tmp_path, "invest,value,firm,year\n" + rows))
    assert dataset.source.format == "csv-long"
    assert dataset.sample_ids == ("Chrysler", "General Motors", "US Steel")
    assert dataset.lengths.tolist() == [8, 8, 8]
    assert dataset.feature_names == ("invest", "value")
    assert dataset.source.options["time_col"] == "year"
    np.testing.assert_allclose(dataset.sequence(0)[:, 0], [110 + y for y in range(8)])


# ---- the task ------------------------------------------------------------------------------------
def _many_classes(tmp_path):
    rows = "".join(f"{i},{s},{(i * 7 + s) % 10 / 10},{i % 60}\n" for i in range(120) for s in range(3))
    return _write(tmp_path, "id,step,x,y\n" + rows)


def test_more_than_50_whole_number_labels_are_regression_and_say_so(tmp_path):
    dataset = load(_many_classes(tmp_path))
    assert dataset.labels.kind == "regression"
    assert _guesses(dataset, "task") == ["regression"]


def test_task_multiclass_overrides_the_guess(tmp_path):
    dataset = load(_many_classes(tmp_path), LoadOptions(task="multiclass"))
    assert dataset.labels.kind == "multiclass" and len(dataset.labels.classes) == 60
    assert dataset.labels.classes[:3] == ("0", "1", "2")
    assert dataset.labels.values[:3].tolist() == [0, 1, 2]
    assert dataset.source.options["task"] == "multiclass"


def test_task_regression_turns_numeric_classes_into_numbers(tmp_path):
    rows = "".join(f"{i},{s},{s * 0.1},{i % 3 * 5}\n" for i in range(6) for s in range(3))
    dataset = load(_write(tmp_path, "id,step,x,label\n" + rows), LoadOptions(task="regression"))
    assert dataset.labels.kind == "regression"
    assert dataset.labels.values.tolist() == [0, 5, 10, 0, 5, 10]


def test_impossible_tasks_are_one_sentence(tmp_path):
    with pytest.raises(LoadError, match="60 different values, so they are not two classes"):
        load(_many_classes(tmp_path), LoadOptions(task="binary"))
    rows = "".join(f"{i},{s},{s},{'cat' if i % 2 else 'dog'}\n" for i in range(4) for s in range(2))
    with pytest.raises(LoadError, match="'cat'.* is not a number"):
        load(_write(tmp_path, "id,step,x,label\n" + rows, "pets.csv"), LoadOptions(task="regression"))


def test_task_on_the_command_line(tmp_path, capsys):
    path = _many_classes(tmp_path)
    assert cli_main(["inspect", str(path), "--task", "multiclass"]) == 0
    assert "60 classes" in capsys.readouterr().out
    assert cli_main(["inspect", str(path), "--task", "binary"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not two classes" in err


# ---- European and spreadsheet CSVs -------------------------------------------------------------
def test_decimal_comma_with_point_thousands(tmp_path):
    text = "datum;wert;menge\n2020-01-01;1.234,5;3\n2020-01-02;2.345,25;4\n2020-01-03;12,5;5\n"
    dataset = load(_write(tmp_path, text))
    assert dataset.values[:, 0].tolist() == [1234.5, 2345.25, 12.5]
    options = dataset.source.options
    assert (options["delimiter"], options["decimal"], options["thousands"]) == (";", ",", ".")


def test_comma_thousands_with_a_decimal_point_and_semicolons(tmp_path):
    text = "date;price;qty\n2020-01-01;1,234.5;3\n2020-01-02;2,345.25;4\n2020-01-03;12.5;5\n"
    dataset = load(_write(tmp_path, text))
    assert dataset.values[:, 0].tolist() == [1234.5, 2345.25, 12.5]
    assert (dataset.source.options["decimal"], dataset.source.options["thousands"]) == (".", ",")


def test_excel_sep_line_names_the_delimiter_and_is_skipped(tmp_path):
    dataset = load(_write(tmp_path, "sep=;\na;b\n1,5;2\n2,5;3\n3,5;4\n"))
    assert dataset.feature_names == ("a", "b")
    assert dataset.values[:, 0].tolist() == [1.5, 2.5, 3.5]
    assert dataset.source.options["skip_rows"] == 1 and dataset.source.options["delimiter"] == ";"


def test_leading_comment_lines_are_skipped_and_lines_still_count_from_the_file_start(tmp_path):
    text = "# exported by a logger\n# units: m\nx,z\n1,2\n3,4\n5,oops\n"
    with pytest.raises(LoadError) as error:
        load(_write(tmp_path, text))
    assert error.value.where == "line 6, column 'z'"
    dataset = load(_write(tmp_path, text.replace("oops", "6"), "ok.csv"))
    assert dataset.values.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert (dataset.source.options["skip_rows"], dataset.source.options["comment"]) == (2, "#")


def test_a_trailing_delimiter_on_every_line_adds_no_column(tmp_path):
    dataset = load(_write(tmp_path, "a,b,c,\n1,2,3,\n4,5,6,\n7,8,9,\n"))
    assert dataset.feature_names == ("a", "b", "c")
    headerless = load(_write(tmp_path, "".join(f"{i},{i + 1},{i * 2};\n".replace(";", ",") for i in range(30)), "h.csv"))
    assert headerless.n_features == 2  # col0 counts the rows (the index); the empty last column is gone
    assert headerless.source.options["excluded_columns"] == ["(empty last column)"]


def test_duplicate_header_names_are_kept_apart_and_noted(tmp_path):
    dataset = load(_write(tmp_path, "a,a,b\n1,2,3\n4,5,6\n7,8,9\n"))
    assert dataset.feature_names == ("a", "a.1", "b")
    assert dataset.values[:, 1].tolist() == [2, 5, 8]
    assert any("more than once" in w for w in dataset.source.warnings)


def test_a_cp1252_byte_inside_utf8_text_keeps_the_utf8(tmp_path):
    data = "name,x\ncafé,1\n".encode() + b"na\xefve,2\nb,3\n"
    dataset = load(_write(tmp_path, data), LoadOptions(layout="long", id_col="name"))
    assert dataset.sample_ids == ("b", "café", "naïve")
    assert any("line 3" in g.why for g in dataset.source.guesses if g.what == "encoding")


def test_mixed_naive_and_utc_times_are_refused_at_the_cell(tmp_path):
    text = "time,x\n2020-01-01 00:00,1\n2020-01-01 01:00+00:00,2\n2020-01-01 02:00,3\n"
    with pytest.raises(LoadError, match="mixes times without a time zone") as error:
        load(_write(tmp_path, text))
    assert error.value.where == "line 3, column 'time'"
    zoned = load(_write(tmp_path, "time,x\n2020-01-01 02:00+02:00,1\n2020-01-01 00:30Z,2\n", "z.csv"))
    assert zoned.values[:, 0].tolist() == [1, 2]  # 00:00 UTC, then 00:30 UTC


# ---- the sniffer on huge lines -----------------------------------------------------------------
def test_the_sniffer_only_reads_a_bounded_prefix_of_a_huge_line():
    line = ",".join(["0.5"] * 400_000)  # 1.6 MB, one line
    dialect = sniff_dialect(line + "\n")
    assert dialect.delimiter == "," and dialect.header is False
    assert max(len(r) for r in dialect.rows) < 20_000
    assert looks_like_numeric_table(line[:70_000], complete=False)


def test_one_row_of_many_numbers_is_one_sample(tmp_path):
    values = np.random.default_rng(5).standard_normal(300_000)
    path = _write(tmp_path, ",".join(f"{v:.4f}" for v in values) + "\n")
    dataset = load(path)
    assert dataset.lengths.tolist() == [300_000]
    np.testing.assert_allclose(dataset.values[:, 0], values, atol=1e-4)


def test_huge_ucr_rows_keep_their_labels_and_ragged_ends(tmp_path):
    rng = np.random.default_rng(6)
    rows = []
    for k, n in enumerate((200_000, 190_000, 200_000)):
        cells = [f"{v:.3f}" for v in rng.standard_normal(n)] + ["NaN"] * (200_000 - n)
        rows.append(",".join([str(k % 2 + 1)] + cells))
    dataset = load(_write(tmp_path, "\n".join(rows) + "\n"))
    assert dataset.lengths.tolist() == [200_000, 190_000, 200_000]
    assert dataset.labels.classes == ("1", "2") and dataset.labels.values.tolist() == [0, 1, 0]
    bad = rows[1].split(",")
    bad[10] = "x1"
    with pytest.raises(LoadError, match="'x1' is not a number") as error:
        load(_write(tmp_path, "\n".join([rows[0], ",".join(bad)]) + "\n", "bad.csv"))
    assert error.value.where == "line 2, column 11"


# ---- conflicting options -----------------------------------------------------------------------
@pytest.mark.parametrize("options, words", [
    (LoadOptions(id_col="who", label_col="who"), "both the id column and the label column"),
    (LoadOptions(id_col="who", time_col="who"), "both the id column and the time column"),
    (LoadOptions(label_col="x", feature_cols=("x", "step")), "both the label column and a feature column"),
])
def test_one_column_in_two_roles_is_one_sentence(tmp_path, options, words):
    path = _write(tmp_path, "who,step,x\na,1,1\na,2,2\nb,1,3\nb,2,4\n")
    with pytest.raises(LoadError, match=words):
        load(path, options)


def test_a_labels_file_does_not_go_with_a_csv(tmp_path, capsys):
    path = _write(tmp_path, "a,b\n1,2\n3,4\n")
    assert cli_main(["inspect", str(path), "--labels", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "labels file does not apply to CSV/TSV" in err


def test_a_column_listed_as_a_feature_is_not_guessed_into_another_role(tmp_path):
    rows = "".join(f"{i},{i % 2}\n" for i in range(10))
    dataset = load(_write(tmp_path, "year,label\n" + rows), LoadOptions(feature_cols=("year", "label")))
    assert dataset.feature_names == ("year", "label") and dataset.labels is None


def test_skipped_columns_take_no_role(tmp_path, capsys):
    path = _write(tmp_path, "who,step,value,note\na,0,1,2\na,1,2,oops\nb,0,3,4\nb,1,4,5\n")
    dataset = load(path, LoadOptions(id_col="who", skip_cols=("note",)))
    assert dataset.feature_names == ("value",) and dataset.sample_ids == ("a", "b")
    assert "note" in dataset.source.options["excluded_columns"]
    assert cli_main(["inspect", str(path), "--id-col", "who", "--skip-cols", "note"]) == 0
    capsys.readouterr()


def test_raw_preview_shows_a_table_that_cannot_be_read(tmp_path):
    from core.loaders.table_preview import raw_preview

    path = _write(tmp_path, "sep=;\nwho;value;note\na;1,5;x\nb;2,5;y\n")
    raw = raw_preview(path)
    assert raw.columns == ("who", "value", "note") and raw.header
    assert raw.rows[0] == ("a", "1,5", "x") and raw.kinds == ("text", "number", "text")
    assert raw_preview(_write(tmp_path, "just some words\nand more\n", "words.txt")) is None


def test_a_pandas_row_counter_alone_does_not_make_labelled_rows_a_series(tmp_path):
    rows = "".join(f"{i},{i * 0.1:.1f},{i * 0.2:.1f},{i * 0.3:.1f},{'ab'[i % 2]}\n" for i in range(12))
    dataset = load(_write(tmp_path, ",f1,f2,f3,label\n" + rows))
    assert dataset.source.format == "csv-wide" and dataset.lengths.tolist() == [3] * 12
    assert dataset.labels.kind == "binary"


def test_headerless_dates_in_the_first_column_are_the_index(tmp_path):
    rows = "".join(f"19{49 + m // 12}-{m % 12 + 1:02d},{100 + m}\n" for m in range(30))
    dataset = load(_write(tmp_path, rows))
    assert dataset.kind == "series" and dataset.feature_names == ("col1",)
    assert dataset.source.options["index_cols"] == ["col0"]


def test_monthly_counts_beside_a_repeating_year_are_not_a_panel(tmp_path):
    counts = np.random.default_rng(7).integers(0, 500, 48)
    rows = "".join(f"{2000 + m // 12},{m % 12 + 1},{c}\n" for m, c in enumerate(counts))
    dataset = load(_write(tmp_path, "year,month,count\n" + rows))
    assert dataset.kind == "series" and dataset.feature_names == ("count",)
    assert dataset.source.options["index_cols"] == ["year", "month"]


def test_a_row_of_many_fields_with_a_header_is_one_sample_named_by_it(tmp_path):
    n = 30_000  # short numbers: the line is under 1 MiB, but pandas would build 30,000 columns
    path = _write(tmp_path, ",".join(f"t{i}" for i in range(n)) + "\n" + ",".join(str(i % 7) for i in range(n)) + "\n")
    dataset = load(path)
    assert dataset.lengths.tolist() == [n] and dataset.values[:8, 0].tolist() == [0, 1, 2, 3, 4, 5, 6, 0]
    gap = ",".join(["1"] * 5 + [""] + ["2"] * n)
    with pytest.raises(LoadError, match="inside a sequence") as error:
        load(_write(tmp_path, gap + "\n", "gap.csv"))
    assert error.value.where == "line 1, column 6"


def test_only_comment_lines_is_one_sentence(tmp_path):
    with pytest.raises(LoadError, match="only comment lines"):
        load(_write(tmp_path, "# nothing here\n# yet\n"))
