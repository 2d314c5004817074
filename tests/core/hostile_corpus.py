"""A generated corpus of hostile inputs: every family of issue 10 and RELIABILITY.md's "Files are
hostile" (plus spreadsheet habits, silent partial reads and conflicting options), each with the
outcome a user should get.

``build(folder)`` writes the files and returns the :class:`Case` list; ``python -m
tests.core.hostile_corpus FOLDER`` does the same from the command line (to look at the files).
Each case is run by ``tests/core/test_hostile_corpus.py`` as ``python -m core inspect`` in a
fresh process. Expected outcomes:

* :func:`ok` — exit 0, nothing on stderr, ``--json`` with this shape (and the facts given);
* :func:`refused` — exit 2 and one sentence on stderr naming the file and every fragment;
* :func:`either` — one of those (for inputs a reader may read right *or* refuse precisely).

A ``budget`` case also has its child's peak memory measured against ``--memory-budget``.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "tests" / "data" / "real"
DEMOS = REPO / "resources" / "demos"


@dataclass(frozen=True)
class Expect:
    exit_code: int | None  # 0, 2, or None for "either"
    shape: list[int] | None = None  # for exit 0; None = any shape
    fragments: tuple[str, ...] = ()  # for exit 2: words the one sentence must contain
    facts: dict = field(default_factory=dict)  # for exit 0: report keys → expected values (or callables)


def ok(shape: list[int] | None = None, **facts) -> Expect:
    return Expect(0, shape, (), facts)


def refused(*fragments: str) -> Expect:
    return Expect(2, None, fragments)


def either(shape: list[int] | None = None, *fragments: str, **facts) -> Expect:
    return Expect(None, shape, fragments, facts)


@dataclass(frozen=True)
class Case:
    id: str
    family: str
    path: Path  # the file to inspect (may be a FIFO, a folder, a device, or missing)
    expect: Expect
    args: tuple[str, ...] = ()
    name: str | None = None  # the name the sentence must contain (default: the file's name)
    json: bool = True  # False: text output (checks what is printed)
    budget: int | None = None  # --memory-budget in bytes; the child's peak memory is measured
    stdout: str | None = None  # redirect the child's stdout to this path (e.g. /dev/full)
    forbid_on_stdout: tuple[str, ...] = ()  # text mode: characters that must not be printed raw


MIB = 1 << 20
LONG_OK = "id,step,v\n1,0,0.5\n1,1,0.25\n2,0,1.5\n2,1,2.5\n"
LONG_2x2 = ok([2, 2, 1])


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _npy_header(shape: tuple[int, ...], descr: str = "<f8", tail: int = 64) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + b"\0" * tail


def _zip(members: list[tuple[str, bytes]], compress: bool = False) -> bytes:
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one case
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    """A minimal real Excel workbook (one sheet, a header and 4 rows), written by hand."""
    sheet_rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{(r - 2) // 2 + 1}</v></c><c r="B{r}"><v>{(r - 2) % 2}</v></c><c r="C{r}"><v>{r * 0.5}</v></c></row>'
        for r in range(2, 6))
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>step</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>v</t></is></c></row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         b'<Default Extension="xml" ContentType="application/xml"/>'
         b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         b'</Types>'),
        ("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode()),
        ("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
         '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode()),
        ("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'.encode()),
        ("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{header}{sheet_rows}'
         '</sheetData></worksheet>'.encode()),
    ], compress=True)


def _ucr_rows(n: int, length: int, sep: str, classes=(1, 2), grouped: bool = True, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    labels = np.repeat(classes, n // len(classes)) if grouped else np.tile(classes, n // len(classes))
    return "".join(sep.join([str(label)] + [f"{v:.6f}" for v in rng.standard_normal(length)]) + "\n" for label in labels)


# ---- the corpus ------------------------------------------------------------------------------
def _cases() -> list[tuple]:
    """(id, family, file name, content | builder | None, expect, extra Case fields)."""
    rng = np.random.default_rng(1)
    long_rows = "".join(f"{i},{t},{0.1 * t:.1f}\n" for i in range(4) for t in range(5))
    cases: list[tuple] = [
        # ---- CSV as RELIABILITY lists it
        ("csv-ragged", "csv", "ragged.csv", b"a,b,c\n1,2,3\n4,5,6\n6,7,8,9\n", refused("line 4"), {}),
        ("csv-empty", "csv", "empty.csv", b"", refused("empty"), {}),
        ("csv-header-only", "csv", "header_only.csv", b"id,step,x\n", refused("no data rows"), {}),
        ("csv-utf8-bom", "csv", "bom.csv", codecs.BOM_UTF8 + LONG_OK.encode(), LONG_2x2, {}),
        ("csv-utf16", "csv", "utf16.csv", LONG_OK.encode("utf-16"), LONG_2x2, {}),
        ("csv-cp1252", "csv", "cp1252.csv", LONG_OK.replace(",v\n", ",température\n").encode("cp1252"),
         ok([2, 2, 1], feature_names=["température"]), {}),
        ("csv-semicolon", "csv", "semi.csv", LONG_OK.replace(",", ";").encode(), LONG_2x2, {}),
        ("csv-tab", "csv", "tabs.tsv", LONG_OK.replace(",", "\t").encode(), LONG_2x2, {}),
        ("csv-one-column", "csv", "column.csv", ("value\n" + "".join(f"{0.1 * i:.1f}\n" for i in range(100))).encode(),
         ok([68, 32, 1], kind="series"), {}),
        ("csv-unterminated-quote", "csv", "quote.csv", b'id,step,x\n1,0,0.5\n1,1,"0.25\n2,0,1.5\n2,1,2.5\n',
         refused("line 3", "quote"), {}),
        ("csv-huge-field", "csv", "hugefield.csv", b"id,step,x\n1,0,0.5\n1,1," + b"a" * 2_000_000 + b"\n2,0,1.5\n2,1,2\n",
         refused("line 3", "column 'x'"), {}),
        ("csv-nul", "csv", "nul.csv", b"id,step,x\n1,0,0.5\n1,1,0\x00.25\n", refused("line 3", "NUL"), {}),
        ("csv-binary", "csv", "binary.csv", bytes(range(256)) * 40, refused("binary"), {}),
        ("csv-non-numeric", "csv", "letters.csv", b"id,step,x\n1,0,0.5\n1,1,abc\n2,0,1.5\n2,1,2.5\n",
         refused("line 3", "'abc'"), {}),
        ("csv-nan", "csv", "nan.csv", b"id,step,x\n1,0,0.5\n1,1,nan\n2,0,1.5\n2,1,2.5\n", refused("line 3"), {}),
        ("csv-inf", "csv", "inf.csv", b"id,step,x\n1,0,0.5\n1,1,0.25\n2,0,inf\n2,1,2.5\n", refused("line 4", "infinite"), {}),
        ("csv-beyond-float32", "csv", "f32.csv", b"id,step,x\n1,0,0.5\n1,1,1e39\n2,0,1.5\n2,1,2.5\n",
         refused("line 3", "32-bit"), {}),
        ("csv-duplicate-id-step", "csv", "dup.csv", b"id,step,x\n1,0,0.5\n1,1,0.25\n1,1,0.75\n2,0,1.5\n2,1,2.5\n",
         refused("line 4"), {}),
        ("csv-gaps", "csv", "gaps.csv", b"id,step,x\n1,0,0.5\n1,1,0.25\n1,5,0.75\n2,0,1.5\n2,1,2.5\n2,2,3.5\n",
         ok([2, 3, 1]), {}),
        # ---- spreadsheet habits
        ("csv-decimal-comma-thousands", "spreadsheet", "euro.csv",
         b"id;step;v\n1;0;1.234,5\n1;1;2.345,25\n2;0;3,5\n2;1;4,75\n", LONG_2x2, {}),
        ("csv-thousands-comma-semicolon", "spreadsheet", "thousands.csv",
         b"id;step;v\n1;0;1,234.5\n1;1;2,345.25\n2;0;3.5\n2;1;4.75\n", LONG_2x2, {}),
        ("csv-excel-sep-line", "spreadsheet", "sepline.csv", ("sep=;\n" + LONG_OK.replace(",", ";")).encode(), LONG_2x2, {}),
        ("csv-hash-comments", "spreadsheet", "comments.csv", ("# exported by a logger\n# units: m/s\n" + LONG_OK).encode(),
         LONG_2x2, {}),
        ("csv-trailing-delimiter", "spreadsheet", "trailing.csv", LONG_OK.replace("\n", ",\n").encode(),
         ok([2, 2, 1], feature_names=["v"]), {}),
        ("csv-duplicate-header", "spreadsheet", "duphead.csv", b"id,step,v,v\n1,0,0.5,1\n1,1,0.25,2\n2,0,1.5,3\n2,1,2.5,4\n",
         either(None, "'v'"), {}),
        ("csv-cp1252-byte-in-utf8", "spreadsheet", "mixedenc.csv",
         "id,step,v,place\n1,0,0.5,café\n1,1,0.25,café\n2,0,1.5,Zürich\n".encode() + b"2,1,2.5,Z\xfcrich\n",
         either([2, 2, 1], "line 5"), {}),
        ("csv-mixed-timezones", "spreadsheet", "tz.csv",
         b"time,v\n2020-01-01 00:00,1\n2020-01-01 01:00+00:00,2\n2020-01-01 02:00,3\n" + b"".join(
             f"2020-01-02 {h:02d}:00,{h}\n".encode() for h in range(24)) + b"2020-01-03 00:00+01:00,9\n" * 20,
         either(None, "line"), {}),
        ("csv-xlsx-renamed", "spreadsheet", "workbook.csv", _xlsx(), ok([2, 2, 1]), {}),
        ("xlsx", "spreadsheet", "workbook.xlsx", _xlsx(), ok([2, 2, 1]), {}),
        ("parquet", "spreadsheet", "table.parquet", lambda p: _arrow_table(p, "parquet"), ok([2, 2, 1]), {}),
        ("feather", "spreadsheet", "table.feather", lambda p: _arrow_table(p, "feather"), ok([2, 2, 1]), {}),
        ("parquet-truncated", "spreadsheet", "cut.parquet", lambda p: _arrow_table(p, "parquet", cut=True), refused(), {}),
        ("csv-one-row-of-a-million-numbers", "spreadsheet", "wide_row.csv",
         lambda p: p.write_text(",".join(f"{v:.3f}" for v in rng.standard_normal(1_000_000)) + "\n"),
         either(None, "memory budget"), {"budget": 256 * MIB}),
        ("csv-one-4MB-line", "spreadsheet", "oneline.txt",
         lambda p: p.write_text(" ".join(["1.5"] * 1_000_000) + "\n"), either(None, "memory budget"), {"budget": 64 * MIB}),
        # ---- UCR/UEA text, time indexes, panels (detection on third-party layouts)
        ("ucr-grouped-by-class", "detection", "Grouped_TRAIN.txt", _ucr_rows(28, 286, "  ").encode(),
         ok([28, 286, 1], labels=lambda v: v and v.get("kind") == "binary"), {}),
        ("ucr-lines-over-16KiB", "detection", "Long_TRAIN.tsv", _ucr_rows(10, 3000, "\t", grouped=False).encode(),
         ok([10, 3000, 1]), {}),
        ("series-with-year-index", "detection", "yearly.csv",
         ("year,value\n" + "".join(f"{1900 + i},{np.sin(i / 5):.4f}\n" for i in range(120))).encode(),
         ok(None, kind="series", feature_names=["value"]), {}),
        ("series-with-anomaly-column", "detection", "anomaly.csv",
         ("value,is_anomaly\n" + "".join(f"{np.sin(i / 9):.4f},{int(i % 50 == 0)}\n" for i in range(300))).encode(),
         # one series labelled at every step (kind "sequences": one sequence with per-step labels)
         ok([1, 300, 1], feature_names=["value"], labels=lambda v: v and v.get("kind") == "sequence"), {}),
        ("panel-firm-year", "detection", "panel.csv",
         ("firm,year,invest,value\n" + "".join(f"F{f},{1935 + y},{f * y * 0.5:.1f},{f + y}\n" for f in range(10) for y in range(20))
          ).encode(), ok([10, 20, 2]), {}),
        ("wide-60-integer-classes", "detection", "many_classes.csv",
         ("label," + ",".join(f"t{i}" for i in range(8)) + "\n" + "".join(
             f"{k % 60}," + ",".join(f"{v:.3f}" for v in rng.standard_normal(8)) + "\n" for k in range(240))).encode(),
         ok([240, 8, 1], guesses=lambda g: any(x.get("what") == "task" for x in g)), {}),
        # ---- NumPy
        ("npy-object-pickle", "numpy", "objects.npy", _npy(np.array([{"a": 1}, [1, 2]], dtype=object), True),
         refused("never unpickles"), {}),
        ("npz-bomb", "numpy", "bomb.npz", _zip([("X.npy", _npy(np.zeros((64, 256, 256), np.float32)))], compress=True),
         refused("memory budget"), {"budget": 1 * MIB}),
        ("npy-header-claims-terabytes", "numpy", "tera.npy", _npy_header((10**6, 10**3, 10**3)), refused("8000000000000 bytes"), {}),
        ("npy-truncated", "numpy", "truncated.npy", _npy(np.arange(60, dtype=np.float32).reshape(2, 10, 3))[:-37],
         refused("truncated"), {}),
        ("npy-1d", "numpy", "one_d.npy", _npy(np.sin(np.arange(100, dtype=np.float32))), ok([68, 32, 1], kind="series"), {}),
        ("npy-4d", "numpy", "four.npy", _npy(np.zeros((6, 2, 10, 3), np.float32)),
         refused("4 dimensions", "merge_axes='features' gives (6, 2, 30)", "x.reshape(6, 2, -1)"), {}),
        ("npy-4d-merged", "numpy", "four_merged.npy", _npy(np.zeros((6, 2, 10, 3), np.float32)), ok([12, 10, 3]),
         {"args": ("--merge-axes", "samples")}),
        ("npy-4d-size-1-axis", "numpy", "squeeze.npy", _npy(np.zeros((6, 1, 10, 3), np.float32)), ok([6, 10, 3]), {}),
        ("npy-zero-length", "numpy", "zero.npy", _npy(np.zeros((0, 10, 3), np.float32)), refused("empty"), {}),
        ("npz-missing-x", "numpy", "nokeys.npz", _zip([("foo.npy", _npy(np.zeros((2, 3, 1)))), ("bar.npy", _npy(np.arange(2)))]),
         refused("bar, foo"), {}),
        ("npy-concatenated", "partial", "two_arrays.npy", _npy(np.zeros((3, 4, 1))) + _npy(np.ones(3)), refused("second array"), {}),
        ("npz-duplicate-members", "partial", "dup.npz", _zip([("X.npy", _npy(np.zeros((2, 3, 1)))), ("X.npy", _npy(np.ones((2, 3, 1))))]),
         refused("two arrays named 'X'"), {}),
        ("npy-beyond-float32", "partial", "f32.npy", _npy(np.array([[[1.0], [1e39]], [[2.0], [3.0]]])),
         refused("X[0, 1, 0]", "32-bit"), {}),
        ("npy-memory-mapped-series", "budget", "big_series.npy",
         lambda p: np.save(p, np.zeros(10 * MIB, dtype=np.float32)),  # 40 MB: memory-mapped under a 32 MiB budget
         ok(None, kind="series"), {"budget": 32 * MIB}),
        # ---- JSON / JSON Lines
        ("json-deep-nesting", "json", "deep.json", b"[" * 100_000 + b"]" * 100_000, refused("deep"), {}),
        ("json-5000-digits", "json", "bignum.json", b'[{"x": [1, ' + b"9" * 5000 + b", 3]}]", refused("line 1"), {}),
        ("json-nan-literal", "json", "nan.json", b'[{"x": [1, NaN, 3]}, {"x": [1, 2]}]', refused("line 1", "NaN"), {}),
        ("json-mixed-types", "json", "mixed.json", b'[{"x": [1, "two", 3]}, {"x": [1, 2]}]', refused("record 1"), {}),
        ("jsonl-bad-line", "json", "bad.jsonl", b'{"x": [1,2,3]}\n{"x": [1,2]}\n{"x": [1,2,\n{"x": [5]}\n', refused("line 3"), {}),
        ("json-feature-counts", "json", "features.json", b'[{"x": [[1,2],[3,4]]}, {"x": [[1,2,3],[4,5,6]]}]',
         refused("record 2"), {}),
        ("json-lists-and-objects", "json", "lists_objects.json", b'[[1, 2, 3], {"x": [1, 2]}]', refused("record 2"), {}),
        ("json-beyond-float32", "partial", "f32.json", b'[{"x": [1, 1e39]}, {"x": [2, 3]}]', refused("record 1", "32-bit"), {}),
        ("json-label-unpaired-surrogate", "printing", "surrogate.json",
         b'[{"x": [1, 2], "label": "a\\ud800"}, {"x": [3, 4], "label": "b"}]', either(None), {"json": False}),
        ("json-label-terminal-escape", "printing", "escape.json",
         b'[{"x": [1, 2], "label": "\\u001b[31mred\\u001b[0m"}, {"x": [3, 4], "label": "b"}]', either(None),
         {"json": False, "forbid_on_stdout": ("\x1b",)}),
        # ---- .ts
        ("ts-flags-contradicted", "ts", "flags.ts",
         b"@problemName p\n@univariate true\n@classLabel true a b\n@data\n1,2,3:4,5,6:a\n1,2,3:4,5,6:b\n",
         refused("line 5", "@univariate true"), {}),
        ("ts-missing-data", "ts", "nodata.ts", b"@problemName p\n@classLabel true a b\n1,2,3:a\n", refused("@data"), {}),
        ("ts-undeclared-class", "ts", "classes.ts", b"@problemName p\n@classLabel true a b\n@data\n1,2,3:a\n1,2,3:c\n",
         refused("line 5", "'c'"), {}),
        ("ts-1e400", "partial", "huge.ts", b"@problemName p\n@classLabel true a b\n@data\n1,1e400,3:a\n1,2,3:b\n",
         refused("line 4"), {}),
        ("ts-1e39", "partial", "f32.ts", b"@problemName p\n@classLabel true a b\n@data\n1,1e39,3:a\n1,2,3:b\n",
         refused("line 4", "32-bit"), {}),
        ("ts-nan-under-missing-false", "partial", "nan.ts",
         b"@problemName p\n@missing false\n@classLabel true a b\n@data\n1,nan,3:a\n1,2,3:b\n", refused("line 5", "@missing false"), {}),
        # ---- ARFF and TSF (read as time series, never as text)
        ("arff-real", "arff", "GunPoint_TRAIN.arff", (REAL / "aeon" / "GunPoint_TRAIN.arff").read_bytes(),
         ok([50, 150, 1], format="arff"), {}),
        ("arff-relational-real", "arff", "BasicMotions_TRAIN.arff", (REAL / "aeon" / "BasicMotions_TRAIN.arff").read_bytes(),
         ok([40, 100, 6], format="arff"), {}),
        ("arff-undeclared-class", "arff", "classes.arff",
         b"@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1,x\n2,w\n", refused("line 6", "'w'"), {}),
        ("arff-beyond-float32", "partial", "f32.arff",
         b"@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1e39,x\n", refused("line 5", "32-bit"), {}),
        ("arff-no-data", "arff", "nodata.arff", b"@relation r\n@attribute a numeric\n", refused("@data"), {}),
        ("tsf-real", "tsf", "m1_yearly_dataset.tsf", (REAL / "aeon" / "m1_yearly_dataset.tsf").read_bytes(),
         ok([181, 58, 1], format="tsf"), {}),
        ("tsf-as-txt", "tsf", "m1.txt", (REAL / "aeon" / "m1_yearly_dataset.tsf").read_bytes(), ok([181, 58, 1], format="tsf"), {}),
        ("tsf-missing-contradicted", "tsf", "missing.tsf",
         b"@relation r\n@attribute series_name string\n@missing false\n@data\nA:1,?,3\nB:1,2\n", refused("line 5", "@missing false"), {}),
        ("tsf-one-series", "tsf", "one.tsf",
         ("@relation r\n@attribute series_name string\n@frequency daily\n@data\nS:" + ",".join(str(i) for i in range(100)) + "\n"
          ).encode(), ok([68, 32, 1], kind="series"), {}),
        # ---- compressed files
        ("gzip-csv", "compressed", "vowels_long.csv.gz", gzip.compress((DEMOS / "vowels_long.csv").read_bytes()), ok([270, 26, 12]), {}),
        ("bz2-ts", "compressed", "GunPoint_TRAIN.ts.bz2", bz2.compress((REAL / "aeon" / "GunPoint_TRAIN.ts").read_bytes()),
         ok([50, 150, 1]), {}),
        ("xz-arff-no-suffix", "compressed", "motions", lzma.compress((REAL / "aeon" / "BasicMotions_TRAIN.arff").read_bytes()),
         ok([40, 100, 6]), {}),
        ("gzip-bomb", "budget", "bomb.csv.gz", lambda p: _gzip_zeros(p, 512 * MIB), refused("decompresses to more than 32.0 MiB"),
         {"budget": 32 * MIB}),
        ("gzip-truncated", "compressed", "cut.csv.gz", gzip.compress(long_rows.encode() * 50)[:100], refused("truncated"), {}),
        ("gzip-fake", "compressed", "fake.csv.gz", LONG_OK.encode(), refused("not gzip-compressed"), {}),
        ("zstd", "compressed", "data.csv.zst", b"\x28\xb5\x2f\xfd" + bytes(40), refused("zstd"), {}),
        # ---- files that are something else: said what they are
        ("other-png", "other", "plot.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), refused("PNG image"), {}),
        ("other-pdf", "other", "report.csv", b"%PDF-1.7\n" + bytes(64), refused("PDF document"), {}),
        ("other-hdf5", "other", "store.hdf", b"\x89HDF\r\n\x1a\n" + bytes(64), refused("HDF5"), {}),
        ("other-keras-h5", "other", "model.h5", b"\x89HDF\r\n\x1a\n" + bytes(64), refused("Keras model", "check"), {}),
        ("other-sqlite", "other", "data.db", b"SQLite format 3\x00" + bytes(64), refused("SQLite"), {}),
        ("other-pickle", "other", "data.pkl", b"\x80\x04\x95" + bytes(64), refused("pickle", "never unpickles"), {}),
        ("other-old-excel", "other", "sheet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), refused(".xls"), {}),
        # ---- paths
        ("path-non-ascii", "paths", "données_é😀.csv", b"a,b,c\n1,2,3\n4,5,6,7\n", refused("line 3"), {}),
        ("path-directory", "paths", "folder.csv", "DIR", refused("folder"), {}),
        ("path-fifo", "paths", "stream.csv", "FIFO", refused("pipe"), {}),
        ("path-missing", "paths", "gone.csv", None, refused("does not exist"), {}),
        ("path-terminal-escape", "printing", "evil\x1b[2Jname.csv", b"a,b,c\n1,2,3\n4,5,6,7\n", refused("line 3"),
         {"name": "name.csv"}),
        # ---- options
        ("option-maxlen-2**63", "options", "maxlen.csv", LONG_OK.encode(), refused("--maxlen", "at most"),
         {"args": ("--maxlen", str(2**63)), "name": ""}),  # an option error names the option, as argparse does
        ("option-same-id-and-label", "options", "roles.csv", ("id,step,v\n" + long_rows).encode(), refused("'id'"), {"args": ("--id-col", "id", "--label-col", "id")}),
        ("option-same-id-and-time", "options", "roles2.csv", ("id,step,v\n" + long_rows).encode(), refused("'id'"),
         {"args": ("--id-col", "id", "--time-col", "id")}),
        ("option-labels-on-csv", "options", "labels.csv", LONG_OK.encode(), refused("labels file", "does not apply"),
         {"args": ("--labels", "y.npy")}),
        ("option-layout-on-ts", "options", "layout.ts", b"@problemName p\n@classLabel true a b\n@data\n1,2,3:a\n1,2,3:b\n",
         refused("layout", "does not apply"), {"args": ("--layout", "wide")}),
        ("option-merge-axes-on-csv", "options", "merge.csv", LONG_OK.encode(), refused("merge axes", "does not apply"),
         {"args": ("--merge-axes", "samples")}),
        ("stdout-full-disk", "options", "full.csv", LONG_OK.encode(), refused("could not be written"),
         {"stdout": "/dev/full"}),
    ]
    if Path("/dev/zero").exists():
        cases.append(("path-dev-zero", "paths", "/dev/zero", "DEVICE", refused("device"), {"args": ("--format", "csv"), "name": "zero"}))
    return cases


def _arrow_table(path: Path, kind: str, cut: bool = False) -> None:
    import pyarrow as pa

    table = pa.table({"id": [1, 1, 2, 2], "step": [0, 1, 0, 1], "v": [0.5, 0.25, 1.5, 2.5]})
    if kind == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.feather as feather

        feather.write_feather(table, path)
    if cut:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _gzip_zeros(path: Path, size: int) -> None:
    block = bytes(MIB)
    with gzip.open(path, "wb", compresslevel=1) as handle:
        for _ in range(size // MIB):
            handle.write(block)


def build(folder: Path) -> list[Case]:
    """Write every case's file into ``folder`` (fresh) and return the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    built: list[Case] = []
    for case_id, family, name, content, expect, extra in _cases():
        path = Path(name) if name.startswith("/") else folder / case_id / name
        if not name.startswith("/"):
            path.parent.mkdir(parents=True, exist_ok=True)
        if content == "DIR":
            path.mkdir(exist_ok=True)
        elif content == "FIFO":
            if not path.exists():
                os.mkfifo(path)
        elif content in ("DEVICE", None):
            pass
        elif callable(content):
            content(path)
        else:
            path.write_bytes(content)
        built.append(Case(case_id, family, path, expect, **extra))
    return built


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")
    for case in build(target):
        print(f"{case.id:40} {case.family:12} {case.path}")
    print(json.dumps({"cases": len(_cases())}))
