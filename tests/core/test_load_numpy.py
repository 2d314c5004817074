"""NumPy .npy/.npz reader: layouts, labels, and hostile files refused before allocating."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy_format

from core.errors import LoadError, MemoryBudgetError
from core.loaders import numpy_files
from core.options import LoadOptions

BUDGET = 1 << 30


def read(path: Path, budget: int = BUDGET, **options):
    return numpy_files.read(path, LoadOptions(**options), budget, None, None)


def save(tmp_path: Path, name: str, array: np.ndarray) -> Path:
    path = tmp_path / name
    np.save(path, array)
    return path


def guess(dataset, what: str):
    return next(g for g in dataset.source.guesses if g.what == what)


# ---- layouts ---------------------------------------------------------------------------------
def test_3d_array_is_samples_timesteps_features(tmp_path):
    x = np.random.default_rng(0).random((6, 5, 3)).astype(np.float32)
    dataset = read(save(tmp_path, "x.npy", x))
    assert dataset.kind == "sequences"
    assert dataset.lengths.tolist() == [5] * 6
    assert dataset.values.shape == (30, 3) and dataset.values.dtype == np.float32
    np.testing.assert_array_equal(dataset.values.reshape(6, 5, 3), x)
    assert dataset.source.format == "npy" and dataset.source.warnings == ()
    assert dataset.labels is None


def test_fortran_ordered_array_reads_the_same(tmp_path):
    x = np.asfortranarray(np.arange(60, dtype=np.float64).reshape(4, 5, 3))
    dataset = read(save(tmp_path, "f.npy", x))
    np.testing.assert_array_equal(dataset.values.reshape(4, 5, 3), x)


def test_large_npy_stays_memory_mapped(tmp_path, monkeypatch):
    monkeypatch.setattr(numpy_files, "MEMORY_MAP_BYTES", 1024)
    x = np.arange(4000, dtype=np.float32).reshape(10, 100, 4)
    dataset = read(save(tmp_path, "big.npy", x))
    assert isinstance(dataset.values, np.memmap)
    assert not dataset.values.flags.writeable
    np.testing.assert_array_equal(dataset.sequence(3), x[3])


def test_small_npy_is_loaded_into_memory(tmp_path):
    dataset = read(save(tmp_path, "small.npy", np.ones((2, 3, 1))))
    assert not isinstance(dataset.values, np.memmap)


def test_channels_first_looking_array_is_warned_about_not_transposed(tmp_path):
    x = np.random.default_rng(1).random((8, 3, 200))
    dataset = read(save(tmp_path, "cf.npy", x))
    assert dataset.lengths.tolist() == [3] * 8 and dataset.n_features == 200
    assert any("channels-first" in w and "channels_first=True" in w for w in dataset.source.warnings)
    assert guess(dataset, "channels first").value is False
    assert guess(dataset, "channels first").option == "channels_first"


def test_channels_first_true_transposes(tmp_path):
    x = np.random.default_rng(2).random((8, 3, 200))
    dataset = read(save(tmp_path, "cf.npy", x), channels_first=True)
    assert dataset.lengths.tolist() == [200] * 8 and dataset.n_features == 3
    np.testing.assert_array_equal(dataset.sequence(5), x[5].T)
    assert dataset.source.warnings == ()


def test_channels_first_false_silences_the_warning(tmp_path):
    dataset = read(save(tmp_path, "cf.npy", np.zeros((2, 3, 200))), channels_first=False)
    assert dataset.source.warnings == () and dataset.n_features == 200


def test_2d_with_many_rows_and_smooth_columns_is_one_series(tmp_path):
    series = np.cumsum(np.random.default_rng(3).normal(size=(2000, 4)), axis=0) * [1, 10, 100, 1000]
    dataset = read(save(tmp_path, "s.npy", series))
    assert dataset.kind == "series"
    assert dataset.lengths.tolist() == [2000] and dataset.n_features == 4
    assert guess(dataset, "layout").value == "series"
    assert dataset.source.options["layout"] == "series"


def test_2d_with_many_columns_is_univariate_samples(tmp_path):
    x = np.random.default_rng(4).random((50, 140))
    dataset = read(save(tmp_path, "w.npy", x))
    assert dataset.kind == "sequences"
    assert dataset.lengths.tolist() == [140] * 50 and dataset.n_features == 1
    np.testing.assert_array_equal(dataset.sequence(7)[:, 0], x[7])
    assert guess(dataset, "layout").value == "wide"


def test_2d_rows_of_smooth_curves_are_samples_even_when_tall(tmp_path):
    time_axis = np.linspace(0, 2 * np.pi, 24)
    phases = np.random.default_rng(5).uniform(0, 2 * np.pi, size=(1000, 1))
    x = np.sin(time_axis + phases)  # each row a smooth daily curve, rows unrelated
    dataset = read(save(tmp_path, "daily.npy", x))
    assert dataset.kind == "sequences" and dataset.lengths[0] == 24


@pytest.mark.parametrize("layout, kind, lengths", [("wide", "sequences", [3] * 100), ("series", "series", [100])])
def test_2d_layout_option_overrides_the_guess(tmp_path, layout, kind, lengths):
    path = save(tmp_path, "x.npy", np.random.default_rng(6).random((100, 3)))
    dataset = read(path, layout=layout)
    assert dataset.kind == kind and dataset.lengths.tolist() == lengths


def test_2d_layout_long_is_refused(tmp_path):
    with pytest.raises(LoadError, match="layout 'long'"):
        read(save(tmp_path, "x.npy", np.zeros((10, 3))), layout="long")


def test_1d_array_is_one_univariate_series(tmp_path):
    dataset = read(save(tmp_path, "one.npy", np.arange(10.0)))
    assert dataset.kind == "series" and dataset.lengths.tolist() == [10] and dataset.n_features == 1
    assert "1-D" in guess(dataset, "layout").why


def test_bool_becomes_float32(tmp_path):
    dataset = read(save(tmp_path, "b.npy", np.array([[[True], [False]]])))
    assert dataset.values.dtype == np.float32
    assert dataset.values[:, 0].tolist() == [1.0, 0.0]
    assert any("True/False" in w for w in dataset.source.warnings)


def test_nan_and_inf_are_a_warning_with_the_count(tmp_path):
    x = np.zeros((3, 4, 2))
    x[0, 0, 0] = x[1, 2, 1] = np.nan
    x[2, 3, 0] = np.inf
    dataset = read(save(tmp_path, "n.npy", x))
    assert np.isnan(dataset.values).sum() == 2
    assert any("2 NaN and 1 infinite" in w for w in dataset.source.warnings)


# ---- refused arrays --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "array, message",
    [
        (np.zeros((2, 2, 2, 2)), r"4 dimensions \(shape \(2, 2, 2, 2\)\).*reshape"),
        (np.float64(3.0), r"single number \(shape \(\)\)"),
        (np.zeros((0, 5)), r"empty \(shape \(0, 5\)\)"),
        (np.zeros((3, 0, 2)), r"empty"),
        (np.zeros((2, 3), dtype=complex), "complex"),
        (np.array(["a", "b"]), "not numbers"),
        (np.zeros(3, dtype=[("a", "f4"), ("b", "f4")]), "structured"),
    ],
)
def test_unusable_arrays_are_refused_with_the_shape(tmp_path, array, message):
    with pytest.raises(LoadError, match=message) as caught:
        read(save(tmp_path, "bad.npy", array))
    assert "bad.npy" in str(caught.value)


def test_object_array_is_never_unpickled(tmp_path, monkeypatch):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)

    def no_unpickling(*args, **kwargs):
        raise AssertionError("pickle.load must never be called")

    monkeypatch.setattr("pickle.load", no_unpickling)
    monkeypatch.setattr("pickle.loads", no_unpickling)
    with pytest.raises(LoadError, match="contains Python objects \\(pickled data\\); Shape Explorer never unpickles"):
        read(path)


def test_truncated_file_names_promised_and_present_bytes(tmp_path):
    path = save(tmp_path, "t.npy", np.zeros((10, 20, 3)))
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    with pytest.raises(LoadError, match=r"is truncated: header promises 4800 bytes, file has 4700"):
        read(path)


def _fake_header_file(path: Path, shape: tuple[int, ...], body: bytes = b"\0" * 64) -> Path:
    with open(path, "wb") as handle:
        npy_format.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False, "shape": shape})
        handle.write(body)
    return path


def test_header_claiming_terabytes_is_refused_at_once(tmp_path):
    path = _fake_header_file(tmp_path / "tb.npy", (10**6, 10**6, 4))
    started = time.perf_counter()
    with pytest.raises(LoadError, match="header promises 32000000000000 bytes, file has 64"):
        read(path)
    assert time.perf_counter() - started < 1.0


def test_array_bigger_than_the_budget_is_memory_mapped_not_loaded(tmp_path, monkeypatch):
    path = save(tmp_path, "x.npy", np.zeros((100, 100, 10)))  # 800 kB
    calls = []
    real_load = np.load
    monkeypatch.setattr(np, "load", lambda *a, **k: calls.append(k.get("mmap_mode")) or real_load(*a, **k))
    dataset = read(path, budget=100_000)
    assert calls == ["r"]  # stays on disk; training reads it batch by batch
    assert dataset.values.shape == (100 * 100, 10)


def test_garbage_after_the_magic_is_a_load_error(tmp_path):
    path = tmp_path / "junk.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + b"\xff" * 50)
    with pytest.raises(LoadError, match="not a valid NumPy array"):
        read(path)


def test_text_file_named_npy_is_refused(tmp_path):
    path = tmp_path / "text.npy"
    path.write_text("1,2,3\n")
    with pytest.raises(LoadError, match="not a NumPy .npy file"):
        read(path)


# ---- .npz ------------------------------------------------------------------------------------
def test_npz_with_x_and_string_labels(tmp_path):
    x = np.random.default_rng(7).random((4, 5, 2))
    path = tmp_path / "d.npz"
    np.savez(path, X=x, y=np.array(["walk", "run", "walk", "sit"]))
    dataset = read(path)
    np.testing.assert_array_equal(dataset.values.reshape(4, 5, 2), x)
    assert dataset.labels.classes == ("run", "sit", "walk")
    assert dataset.labels.values.tolist() == [2, 0, 2, 1]
    assert dataset.labels.kind == "multiclass"
    assert guess(dataset, "x key").value == "X" and guess(dataset, "y key").value == "y"
    assert dataset.source.format == "npz"
    assert dataset.source.options["x_key"] == "X" and dataset.source.options["y_key"] == "y"


@pytest.mark.parametrize("x_key, y_key", [("data", "labels"), ("inputs", "targets"), ("x", "label"), ("features", "Y")])
def test_npz_key_names_are_detected(tmp_path, x_key, y_key):
    path = tmp_path / "k.npz"
    np.savez(path, **{x_key: np.zeros((3, 4, 1)), y_key: np.array([0, 1, 0])})
    dataset = read(path)
    assert dataset.labels.kind == "binary" and dataset.labels.classes == ("0", "1")
    assert guess(dataset, "x key").value == x_key and guess(dataset, "y key").value == y_key


def test_npz_single_unnamed_array_is_used_as_x(tmp_path):
    path = tmp_path / "one.npz"
    np.savez(path, signals=np.zeros((3, 4, 2)))
    dataset = read(path)
    assert dataset.n_samples == 3 and dataset.labels is None
    assert "only array" in guess(dataset, "x key").why


def test_npz_missing_x_lists_the_keys_and_names_the_options(tmp_path):
    path = tmp_path / "e.npz"
    np.savez(path, foo=np.zeros((3, 4, 1)), bar=np.arange(3))
    with pytest.raises(LoadError) as caught:
        read(path)
    message = str(caught.value)
    assert "bar, foo" in message and "x_key" in message and "e.npz" in message


def test_npz_keys_from_options(tmp_path):
    path = tmp_path / "e.npz"
    np.savez(path, foo=np.zeros((3, 4, 1)), bar=np.array([1.5, 2.5, 3.25]))
    dataset = read(path, x_key="foo", y_key="bar")
    assert dataset.labels.kind == "regression"
    np.testing.assert_allclose(dataset.labels.values, [1.5, 2.5, 3.25])


def test_npz_unknown_key_option_lists_the_keys(tmp_path):
    path = tmp_path / "e.npz"
    np.savez(path, X=np.zeros((3, 4, 1)))
    with pytest.raises(LoadError, match=r"no array named 'labels' \(it holds: X\).*y_key"):
        read(path, y_key="labels")


def test_npz_label_count_mismatch_names_both_counts(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, X=np.zeros((4, 5, 2)), y=np.arange(3))
    with pytest.raises(LoadError, match="X has 4 samples but y has 3 labels"):
        read(path)


def test_npz_float_labels_with_many_values_are_regression(tmp_path):
    path = tmp_path / "r.npz"
    y = np.linspace(0, 1, 60)
    np.savez(path, X=np.zeros((60, 3, 1)), y=y)
    labels = read(path).labels
    assert labels.kind == "regression" and labels.values.dtype == np.float32
    np.testing.assert_allclose(labels.values, y, rtol=1e-6)


def test_npz_integral_float_labels_are_classes(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, X=np.zeros((4, 3, 1)), y=np.array([2.0, 0.0, 1.0, 2.0]))
    labels = read(path).labels
    assert labels.classes == ("0", "1", "2") and labels.values.tolist() == [2, 0, 1, 2]


def test_npz_per_step_labels_are_sequence_labels(tmp_path):
    path = tmp_path / "s.npz"
    y = np.random.default_rng(8).integers(0, 3, size=(4, 5))
    np.savez(path, X=np.zeros((4, 5, 2)), y=y)
    dataset = read(path)
    assert dataset.labels.kind == "sequence"
    assert dataset.labels.values.shape == (20,)
    np.testing.assert_array_equal(dataset.labels.values, y.reshape(-1))


def test_npz_2d_x_with_one_label_per_row_is_samples(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, X=np.cumsum(np.ones((200, 5)), axis=0), y=np.arange(200) % 2)
    dataset = read(path)
    assert dataset.kind == "sequences" and dataset.n_samples == 200
    assert "one label per row" in guess(dataset, "layout").why


def test_npz_series_with_labels_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    np.savez(path, X=np.zeros((300, 2)), y=np.arange(3))
    with pytest.raises(LoadError, match="layout='wide'"):
        read(path, layout="series")


def test_npz_nan_label_is_refused(tmp_path):
    path = tmp_path / "n.npz"
    np.savez(path, X=np.zeros((3, 2, 1)), y=np.array([0.0, np.nan, 1.0]))
    with pytest.raises(LoadError, match="label index 1"):
        read(path)


def test_npz_bomb_is_refused_before_decompressing(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, X=np.zeros((5 * 1024 * 1024 // 8, 1, 1)))
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("nothing may be decompressed"))
    started = time.perf_counter()
    with pytest.raises(MemoryBudgetError) as caught:
        read(path, budget=1 << 20)
    assert time.perf_counter() - started < 1.0
    assert caught.value.needed_bytes > 5 * 1024 * 1024


def _zip_with_member(path: Path, name: str, payload: bytes) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return path


def test_npz_member_whose_header_promises_more_than_it_holds(tmp_path):
    buffer = io.BytesIO()
    npy_format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**5, 100, 10)})
    path = _zip_with_member(tmp_path / "lie.npz", "X.npy", buffer.getvalue() + b"\0" * 80)
    with pytest.raises(LoadError, match="array 'X' is damaged: header promises 800000000 bytes, the archive entry holds 80"):
        read(path)


def test_npz_member_with_pickled_objects_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([1, "a"], dtype=object), allow_pickle=True)
    path = _zip_with_member(tmp_path / "obj.npz", "X.npy", buffer.getvalue())
    with pytest.raises(LoadError, match="pickled"):
        read(path)


def test_npz_4d_member_is_refused_from_its_header(tmp_path):
    path = tmp_path / "four.npz"
    np.savez(path, X=np.zeros((2, 3, 4, 5)))
    with pytest.raises(LoadError, match="4 dimensions"):
        read(path)


def test_zip_without_arrays_is_refused(tmp_path):
    path = _zip_with_member(tmp_path / "notes.npz", "readme.txt", b"hello")
    with pytest.raises(LoadError, match="holds no arrays"):
        read(path)


def test_damaged_zip_is_refused(tmp_path):
    path = tmp_path / "cut.npz"
    np.savez(path, X=np.zeros((50, 20, 3)))
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(LoadError, match="cut.npz"):
        read(path)


# ---- the user's file -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["x.npy", "x.npz"])
def test_file_is_unchanged_after_loading(tmp_path, name):
    path = tmp_path / name
    x = np.random.default_rng(9).random((5, 6, 2))
    if name.endswith(".npz"):
        np.savez(path, X=x, y=np.arange(5) % 2)
    else:
        np.save(path, x)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


def test_through_the_dispatcher(tmp_path):
    from core.loaders import load

    path = tmp_path / "through.npz"
    np.savez(path, X=np.ones((3, 4, 2), dtype=np.float32), y=np.array(["a", "b", "a"]))
    dataset = load(path, budget_bytes=BUDGET)
    assert dataset.source.format == "npz" and dataset.n_samples == 3
    assert dataset.labels.classes == ("a", "b")
    assert load(save(tmp_path, "x.npy", np.ones((2, 3, 1))), budget_bytes=BUDGET).source.format == "npy"


def test_npz_byte_string_labels_with_non_ascii_bytes(tmp_path):
    path = tmp_path / "bytes.npz"
    np.savez(path, X=np.zeros((3, 2, 1)), y=np.array([b"caf\xc3\xa9", b"\xff", b"caf\xc3\xa9"]))
    labels = read(path).labels
    assert labels.classes == ("café", "\ufffd") and labels.values.tolist() == [0, 1, 0]


def test_text_labels_that_look_like_nan_stay_classes(tmp_path):
    path = tmp_path / "nan.npz"
    np.savez(path, X=np.zeros((3, 2, 1)), y=np.array(["nan", "inf", "nan"]))
    labels = read(path).labels
    assert labels.classes == ("inf", "nan") and labels.values.tolist() == [1, 0, 1]
