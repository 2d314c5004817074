"""Atomic model saves and safe loads."""

from __future__ import annotations

import pytest

from core.errors import TrainingError
from core.model_io import ModelFileError, load_model_safe, save_model_atomic
from tests.core.training_helpers import tiny_spec

pytestmark = pytest.mark.slow


@pytest.fixture
def model():
    from core.model.build import build_model
    from core.training.runner import import_tensorflow

    import_tensorflow()
    return build_model(tiny_spec())


def test_round_trip(model, tmp_path):
    path = save_model_atomic(model, tmp_path / "m.keras")
    loaded = load_model_safe(path)
    assert loaded.count_params() == model.count_params()
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temporary left behind


def test_failing_save_leaves_old_file_intact(model, tmp_path, monkeypatch):
    target = tmp_path / "m.keras"
    target.write_bytes(b"previous model")

    def broken_save(path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half a mod")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model, "save", broken_save)
    with pytest.raises(TrainingError, match="unchanged"):
        save_model_atomic(model, target)
    assert target.read_bytes() == b"previous model"
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]


def test_refuses_legacy_h5(tmp_path):
    h5 = tmp_path / "someone_elses.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n")
    with pytest.raises(ModelFileError, match="legacy HDF5"):
        load_model_safe(h5)


def test_garbage_keras_file_is_a_plain_error(tmp_path):
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="bad.keras"):
        load_model_safe(bad)
