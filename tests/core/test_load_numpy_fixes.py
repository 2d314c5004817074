"""NumPy inputs that used to be read wrongly or silently in part: 4-D arrays, concatenated
.npy files, duplicate .npz members and values beyond float32."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest

from core.errors import LoadError
from core.export.array_readers import array_fix
from core.loaders import load
from core.options import LoadOptions

RNG = np.random.default_rng(0)


def test_4d_is_refused_with_every_fix_as_code_for_this_shape(tmp_path):
    path = tmp_path / "four.npy"
    np.save(path, RNG.random((60, 2, 100, 3)))
    with pytest.raises(LoadError) as error:
        load(path)
    message = str(error.value)
    assert "4 dimensions (shape (60, 2, 100, 3))" in message
    assert "merge_axes='features' gives (60, 2, 300) (x.reshape(60, 2, -1))" in message
    assert "merge_axes='samples' gives (120, 100, 3) (x.reshape(-1, 100, 3))" in message
    assert "merge_axes='timesteps' gives (60, 200, 3) (x.reshape(60, -1, 3))" in message
    assert "reshape(60, 1, -1)" not in message  # the old, wrong advice


@pytest.mark.parametrize(("merge", "shape"), [("samples", (120, 100, 3)), ("timesteps", (60, 200, 3)),
                                              ("features", (60, 2, 300))])
def test_merge_axes_applies_the_fix_exactly_as_the_code_says(tmp_path, merge, shape):
    x = RNG.random((60, 2, 100, 3)).astype(np.float32)
    path = tmp_path / "four.npy"
    np.save(path, x)
    data = load(path, LoadOptions(merge_axes=merge))
    assert (data.n_samples, int(data.lengths[0]), data.n_features) == shape
    np.testing.assert_array_equal(data.values.reshape(shape), x.reshape(shape))
    assert any(g.what == "merge axes" and g.value == merge for g in data.source.guesses)
    namespace = {"x": x}
    exec(array_fix(data), {}, namespace)  # the exported script's line gives the same array
    np.testing.assert_array_equal(namespace["x"], x.reshape(shape))


def test_merge_axes_on_a_3d_array_is_refused(tmp_path):
    path = tmp_path / "three.npy"
    np.save(path, np.zeros((2, 3, 4)))
    with pytest.raises(LoadError, match="merge_axes='samples' applies to 4-D arrays"):
        load(path, LoadOptions(merge_axes="samples"))


@pytest.mark.parametrize(("shape", "expected", "axes"), [
    ((60, 1, 100, 3), (60, 100, 3), [1]),
    ((1, 60, 100, 3), (60, 100, 3), [0]),
    ((60, 100, 3, 1), (60, 100, 3), [3]),
    ((60, 1, 1, 100, 3), (60, 100, 3), [1, 2]),
])
def test_a_size_1_axis_is_squeezed_with_a_guess(tmp_path, shape, expected, axes):
    x = RNG.random(shape).astype(np.float32)
    path = tmp_path / "x.npy"
    np.save(path, x)
    data = load(path)
    assert (data.n_samples, int(data.lengths[0]), data.n_features) == expected
    np.testing.assert_array_equal(data.values.reshape(expected), x.reshape(expected))
    guess = next(g for g in data.source.guesses if g.what == "squeeze")
    assert guess.value == axes
    namespace = {"x": x}
    exec(array_fix(data), {}, namespace)
    assert namespace["x"].shape == expected


def test_npz_4d_member_gets_the_same_treatment(tmp_path):
    path = tmp_path / "four.npz"
    np.savez(path, X=RNG.random((10, 2, 5, 3)), y=np.arange(10) % 2)
    with pytest.raises(LoadError, match="merge_axes='features' gives"):
        load(path)
    data = load(path, LoadOptions(merge_axes="features"))
    assert (data.n_samples, data.n_features) == (10, 15) and data.labels.n_classes == 2


def test_5d_without_size_1_axes_is_refused_with_a_reshape(tmp_path):
    path = tmp_path / "five.npy"
    np.save(path, np.zeros((2, 3, 4, 5, 6)))
    with pytest.raises(LoadError, match=r"5 dimensions .* x\.reshape\(2, 3, -1\)"):
        load(path)


def test_a_second_array_concatenated_in_one_npy_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 4)))
    np.save(buffer, np.ones(3))
    path = tmp_path / "two.npy"
    path.write_bytes(buffer.getvalue())
    assert np.load(path).shape == (3, 4)  # what numpy itself does: the second array is silently dropped
    with pytest.raises(LoadError, match=r"two\.npy: holds a second array after the first \(shape \(3, 4\)\)"):
        load(path)


def test_trailing_bytes_after_an_npy_array_are_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 4)))
    path = tmp_path / "tail.npy"
    path.write_bytes(buffer.getvalue() + b"garbage")
    with pytest.raises(LoadError, match=r"has 7 unexpected bytes after its array"):
        load(path)


def test_a_large_memory_mapped_npy_with_a_second_array_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((1000, 100, 4), dtype=np.float32))
    np.save(buffer, np.ones(10))
    path = tmp_path / "big.npy"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(LoadError, match="holds a second array"):
        load(path, budget_bytes=100_000)  # over the budget: would be memory-mapped


def test_duplicate_npz_members_are_refused(tmp_path):
    path = tmp_path / "dup.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "w") as archive:
            for value in (0, 1):
                member = io.BytesIO()
                np.save(member, np.full((2, 3), value))
                archive.writestr("X.npy", member.getvalue())
    with np.load(path) as loaded:
        assert loaded["X"].max() == 1  # numpy silently takes one of the two
    with pytest.raises(LoadError, match=r"dup\.npz: holds two arrays named 'X'"):
        load(path)


@pytest.mark.parametrize("container", ["npy", "npz"])
def test_values_beyond_float32_are_refused_with_the_index(tmp_path, container):
    x = np.ones((4, 5, 2))
    x[2, 3, 1] = -1e39
    path = tmp_path / f"x.{container}"
    np.save(path, x) if container == "npy" else np.savez(path, X=x, y=np.arange(4) % 2)
    with pytest.raises(LoadError, match=r"X\[2, 3, 1\]: has a value too large for 32-bit floats \(-1e\+39\)"):
        load(path)


def test_values_beyond_float32_in_a_memory_mapped_array(tmp_path):
    x = np.zeros((2000, 50, 2))
    x[1999, 49, 1] = 5e38
    path = tmp_path / "big.npy"
    np.save(path, x)
    with pytest.raises(LoadError, match=r"X\[1999, 49, 1\]: has a value too large"):
        load(path, budget_bytes=1_000_000)


def test_float64_values_within_float32_pass(tmp_path):
    path = tmp_path / "ok.npy"
    np.save(path, np.full((2, 3, 1), 3e38))
    assert float(load(path).values.max()) == 3e38
