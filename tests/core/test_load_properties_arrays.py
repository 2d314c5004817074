"""Property tests: ragged data survives JSON/JSONL/.ts/.npz round trips; junk raises only our errors."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ShapeExplorerError
from core.loaders import json_records, numpy_files, ts_format
from core.options import LoadOptions

BUDGET = 64 * 1024**2
READERS = {".npy": numpy_files, ".npz": numpy_files, ".json": json_records, ".jsonl": json_records, ".ts": ts_format}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

finite32 = st.floats(width=32, allow_nan=False, allow_infinity=False)
class_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC_", min_size=1, max_size=6)


@st.composite
def ragged(draw, min_length: int = 1):
    """(sequences as float32 arrays (L, F), labels as strings or None)."""
    n_features = draw(st.integers(1, 4))
    lengths = draw(st.lists(st.integers(min_length, 9), min_size=1, max_size=7))
    sequences = [np.array(draw(st.lists(finite32, min_size=n * n_features, max_size=n * n_features)), dtype=np.float32)
                 .reshape(n, n_features) for n in lengths]
    labels = draw(st.none() | st.lists(class_names, min_size=len(lengths), max_size=len(lengths)))
    return sequences, labels


def _read(path: Path, **options):
    return READERS[path.suffix].read(path, LoadOptions(**options), BUDGET, None, None)


def _assert_same(dataset, sequences, labels):
    assert dataset.n_samples == len(sequences)
    assert dataset.values.dtype == np.float32
    for index, expected in enumerate(sequences):
        np.testing.assert_array_equal(dataset.sequence(index), expected)
    if labels is None:
        assert dataset.labels is None
    else:
        names = [dataset.labels.classes[code] for code in dataset.labels.values]
        assert names == labels


def _steps(sequence: np.ndarray, flat_univariate: bool) -> list:
    if sequence.shape[1] == 1 and flat_univariate:
        return [float(v) for v in sequence[:, 0]]
    return [[float(v) for v in step] for step in sequence]


@SETTINGS
@given(data=ragged(), flat_univariate=st.booleans())
def test_json_round_trip(data, flat_univariate):
    sequences, labels = data
    records = [{"id": i, "sequence": _steps(s, flat_univariate)} | ({"label": labels[i]} if labels else {})
               for i, s in enumerate(sequences)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        dataset = _read(path)
    _assert_same(dataset, sequences, labels)
    assert dataset.sample_ids == tuple(str(i) for i in range(len(sequences)))


@SETTINGS
@given(data=ragged(), flat_univariate=st.booleans())
def test_jsonl_round_trip(data, flat_univariate):
    sequences, labels = data
    lines = [json.dumps({"values": _steps(s, flat_univariate)} | ({"y": labels[i]} if labels else {}))
             for i, s in enumerate(sequences)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        dataset = _read(path)
    _assert_same(dataset, sequences, labels)


@SETTINGS
@given(data=ragged(), shuffle=st.randoms(use_true_random=False))
def test_ts_round_trip(data, shuffle):
    sequences, labels = data
    n_features = sequences[0].shape[1]
    listed = sorted(set(labels)) if labels else []
    shuffle.shuffle(listed)
    head = ["@problemName Prop", "@timeStamps false", "@missing false", f"@univariate {str(n_features == 1).lower()}",
            f"@dimensions {n_features}", f"@equalLength {str(len({len(s) for s in sequences}) == 1).lower()}",
            f"@classLabel true {' '.join(listed)}" if labels else "@classLabel false", "@data"]
    cases = []
    for index, sequence in enumerate(sequences):
        dims = ":".join(",".join(repr(float(v)) for v in sequence[:, d]) for d in range(n_features))
        cases.append(dims + (f":{labels[index]}" if labels else ""))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.ts"
        path.write_text("\n".join(head + cases) + "\n", encoding="utf-8")
        dataset = _read(path)
    _assert_same(dataset, sequences, labels)
    if labels:
        assert dataset.labels.classes == tuple(listed)
    assert dataset.feature_names == tuple(f"dim_{d}" for d in range(n_features))


@SETTINGS
@given(n=st.integers(1, 6), t=st.integers(1, 8), f=st.integers(1, 4), data=st.data())
def test_npz_round_trip(n, t, f, data):
    x = np.array(data.draw(st.lists(finite32, min_size=n * t * f, max_size=n * t * f)), dtype=np.float32).reshape(n, t, f)
    labels = data.draw(st.none() | st.lists(class_names, min_size=n, max_size=n))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.npz"
        arrays = {"X": x} | ({"y": np.array(labels)} if labels else {})
        np.savez(path, **arrays)
        dataset = _read(path, channels_first=False)
    _assert_same(dataset, list(x), labels)


# ---- junk in, only our errors out ------------------------------------------------------------
def _valid_file(suffix: str) -> bytes:
    if suffix in (".npy", ".npz"):
        buffer = io.BytesIO()
        x = np.arange(24, dtype=np.float32).reshape(2, 4, 3)
        if suffix == ".npy":
            np.save(buffer, x)
        else:
            np.savez(buffer, X=x, y=np.array([0, 1]))
        return buffer.getvalue()
    if suffix == ".json":
        return b'[{"sequence": [[1, 2], [3, 4]], "label": "a"}, {"sequence": [[5, 6]], "label": "b"}]'
    if suffix == ".jsonl":
        return b'{"x": [1, 2, 3], "y": 1}\n{"x": [4], "y": 0}\n'
    return b"@problemName t\n@missing true\n@dimensions 2\n@classLabel true a b\n@data\n1,2,?:3,4,5:a\n6:7:b\n"


@st.composite
def hostile_bytes(draw):
    """Pure noise, or a valid file with bytes cut, flipped or inserted."""
    suffix = draw(st.sampled_from(sorted(READERS)))
    if draw(st.booleans()):
        return suffix, draw(st.binary(min_size=1, max_size=400))
    content = bytearray(_valid_file(suffix))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(content) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if action == "flip":
            content[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del content[position : position + draw(st.integers(1, 20))]
        elif action == "insert":
            content[position:position] = draw(st.binary(min_size=1, max_size=20))
        else:
            del content[max(position, 1):]
        if not content:
            content = bytearray(b"?")
    return suffix, bytes(content)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=hostile_bytes())
def test_arbitrary_bytes_raise_only_shape_explorer_errors(case):
    suffix, content = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"hostile{suffix}"
        path.write_bytes(content)
        try:
            dataset = _read(path)
        except ShapeExplorerError:
            return
        dataset.validate()
        assert path.read_bytes() == content  # never modified, even when it reads


# ---- progress and cancellation ---------------------------------------------------------------
def _write_valid(folder: str, suffix: str) -> Path:
    path = Path(folder) / f"valid{suffix}"
    path.write_bytes(_valid_file(suffix))
    return path


def test_every_reader_reports_progress_between_0_and_1():
    for suffix, reader in READERS.items():
        seen: list[float] = []
        with tempfile.TemporaryDirectory() as folder:
            dataset = reader.read(_write_valid(folder, suffix), LoadOptions(), BUDGET, seen.append, lambda: False)
        assert dataset.n_samples == 2, suffix
        assert seen and all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen), (suffix, seen)


def test_every_reader_stops_when_cancelled():
    from core.errors import LoadCancelled

    for suffix, reader in READERS.items():
        with tempfile.TemporaryDirectory() as folder:
            path = _write_valid(folder, suffix)
            try:
                reader.read(path, LoadOptions(), BUDGET, None, lambda: True)
            except LoadCancelled as error:
                assert path.name in str(error)
            else:
                raise AssertionError(f"{suffix} reader ignored cancelled()")
