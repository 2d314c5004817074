"""The shape doctor recognises each classic mistake and gives a fix that really works."""

from __future__ import annotations

import numpy as np

from core.dataset import SequenceDataset, SourceInfo
from core.doctor import CODES, diagnose, diagnose_dataset
from core.options import PaddingOptions, WindowOptions

SRC = SourceInfo(None, "csv-long")


def _codes(found):
    return [d.code for d in found]


def _run_fix(code: str, X):
    scope = {"np": np, "X": X}
    exec(code.splitlines()[0], scope)  # the first line is the data fix
    return scope["X"]


def test_two_d_input_fix_reshapes_to_three_d():
    [d] = diagnose((100, 20))
    assert d.code == "two_d_input" and d.severity == "error"
    assert d.before_shape == (100, 20) and d.after_shape == (100, 20, 1)
    assert _run_fix(d.fix_code, np.zeros((100, 20))).shape == d.after_shape


def test_two_d_input_flattened_features_uses_expected_shape():
    [d] = diagnose((8, 30), expected_input_shape=(10, 3))
    assert d.after_shape == (8, 10, 3)
    assert _run_fix(d.fix_code, np.zeros((8, 30))).shape == (8, 10, 3)


def test_batch_inside_input_shape():
    found = diagnose((64, 10, 3), expected_input_shape=(32, 10, 3))
    assert "batch_in_input_shape" in _codes(found)
    d = found[0]
    assert "keras.Input(shape=(10, 3))" in d.fix_code and d.after_shape == (10, 3)


def test_channels_first_confirmed_and_suspected():
    [d] = diagnose((16, 3, 500), expected_input_shape=(500, 3))
    assert d.code == "channels_first" and d.severity == "error"
    assert _run_fix(d.fix_code, np.zeros((16, 3, 500))).shape == d.after_shape == (16, 500, 3)
    assert _codes(diagnose((16, 3, 500))) == ["channels_first"]
    assert diagnose((16, 500, 3)) == []


def test_missing_return_sequences():
    found = diagnose((10, 20, 3), return_sequences=[False, False])
    assert _codes(found) == ["missing_return_sequences"]
    assert "return_sequences=True" in found[0].fix_code
    assert diagnose((10, 20, 3), return_sequences=[True, False]) == []


def test_single_series_needs_windows():
    series = SequenceDataset(np.zeros((500, 2)), np.array([500]), ("a", "b"), SRC, kind="series")
    [d] = diagnose((500, 2), dataset=series)
    assert d.code == "single_series_needs_windows" and d.after_shape == (468, 32, 2)
    [info] = diagnose_dataset(series, None, WindowOptions(50, 10, 1))
    assert info.severity == "info" and info.after_shape == (45, 50, 2)
    assert "timeseries_dataset_from_array" in info.fix_code


def _ragged_floats(values_per_seq):
    return SequenceDataset.from_sequences([np.asarray(v, dtype=float)[:, None] for v in values_per_seq], SRC)


def test_int32_truncates_floats():
    ds = _ragged_floats([[0.5, 1.25], [2.5]])
    found = diagnose((2, 2, 1), dataset=ds, dtype="int32")
    d = next(d for d in found if d.code == "int32_truncates_floats")
    assert d.severity == "error" and 'dtype="float32"' in d.fix_code
    assert "int32_truncates_floats" not in _codes(diagnose((2, 2, 1), dataset=ds, dtype="float32"))
    whole = _ragged_floats([[1.0, 2.0], [3.0]])
    assert "int32_truncates_floats" not in _codes(diagnose((2, 2, 1), dataset=whole))


def test_pre_padding_with_mask():
    ds = _ragged_floats([[1.0, 2.0], [3.0]])
    assert "pre_padding_with_mask" in _codes(diagnose((2, 2, 1), dataset=ds, padding=PaddingOptions(padding="pre")))
    assert "pre_padding_with_mask" not in _codes(diagnose((2, 2, 1), dataset=ds, padding=PaddingOptions()))


def test_pad_value_collision_suggests_a_free_value():
    ds = _ragged_floats([[0.0, 2.0, 0.0], [3.0]])
    [d] = [d for d in diagnose((2, 3, 1), dataset=ds, padding=PaddingOptions()) if d.code == "pad_value_collision"]
    assert "2 real steps" in d.explanation
    assert "value=-1" in d.fix_code and "Masking(mask_value=-1)" in d.fix_code
    assert "pad_value_collision" not in _codes(diagnose((2, 3, 1), dataset=ds, padding=PaddingOptions(value=-1.0)))


def test_every_diagnosis_is_complete_and_json_ready():
    seen = set()
    samples = [
        diagnose((100, 20)),
        diagnose((64, 10, 3), expected_input_shape=(None, 10, 3)),
        diagnose((16, 3, 500)),
        diagnose((10, 20, 3), return_sequences=[False, True]),
        diagnose((2, 3, 1), dataset=_ragged_floats([[0.0, 2.5, 0.0], [3.0]]), padding=PaddingOptions(padding="pre")),
        diagnose((500, 2), dataset=SequenceDataset(np.zeros((500, 2)), np.array([500]), ("a", "b"), SRC, kind="series")),
    ]
    for found in samples:
        for d in found:
            seen.add(d.code)
            data = d.to_dict()
            assert d.code in CODES and d.severity in ("error", "warning", "info")
            assert all(data[k] for k in ("title", "explanation", "fix_text", "fix_code"))
    assert seen == set(CODES)
