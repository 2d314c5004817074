"""Sessions: round trip, atomic save, and one clear SessionError for every kind of bad file."""

from __future__ import annotations

import json
import math
import os

import pytest

from core.errors import SessionError
from core.model.spec import HeadSpec, InputSpec, ModelSpec, RecurrentLayerSpec
from core.options import LoadOptions, PaddingOptions, WindowOptions
from core.session import SESSION_VERSION, Session, load_session, save_session
from core.training.config import TrainingConfig


def _session(tmp_path, **changes) -> Session:
    data = tmp_path / "data.csv"
    data.write_text("id,t,x,label\n1,0,0.5,a\n", encoding="utf-8")
    base = dict(
        file=str(data),
        load_options=LoadOptions(layout="long", id_col="id", time_col="t", label_col="label", feature_cols=("x",)),
        padding=PaddingOptions(maxlen=40, padding="post", value=-1.0),
        window=None,
        spec=ModelSpec(
            input=InputSpec(kind="masking", timesteps=40, features=1, mask_value=-1.0),
            layers=(RecurrentLayerSpec("LSTM", 16), RecurrentLayerSpec("GRU", 8, bidirectional=True, dropout=0.2)),
            head=HeadSpec(task="multiclass", n_outputs=3, hidden_units=4),
        ),
        config=TrainingConfig(epochs=7, batch_size=16, learning_rate=0.01, patience=2, seed=3),
        history={"loss": [1.0, 0.5, math.nan], "val_loss": [1.2, 0.7, 0.6]},
        result={"best_epoch": 2, "stop_reason": "nan loss", "accuracy": float("inf")},
        ui={"tab": 3},
    )
    base.update(changes)
    return Session(**base)


def test_round_trip_keeps_every_part(tmp_path):
    session = _session(tmp_path)
    path = tmp_path / "run.shapesession.json"
    save_session(path, session)
    loaded = load_session(path)
    assert loaded.file == str((tmp_path / "data.csv").resolve())
    assert loaded.load_options == session.load_options
    assert loaded.padding == session.padding
    assert loaded.window is None
    assert loaded.spec == session.spec
    assert loaded.config == session.config
    assert loaded.history["val_loss"] == [1.2, 0.7, 0.6]
    assert loaded.history["loss"][:2] == [1.0, 0.5] and math.isnan(loaded.history["loss"][2])
    assert loaded.result["best_epoch"] == 2 and loaded.result["accuracy"] is None
    assert loaded.ui == {"tab": 3}
    # Strict JSON: no NaN/Infinity literals that other tools refuse.
    json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))


def test_windows_round_trip(tmp_path):
    session = _session(tmp_path, window=WindowOptions(window=24, stride=2, horizon=3, target_cols=("x",)), spec=None)
    path = tmp_path / "s.json"
    save_session(path, session)
    loaded = load_session(path)
    assert loaded.window == WindowOptions(window=24, stride=2, horizon=3, target_cols=("x",))
    assert loaded.spec is None


def test_moved_folder_finds_the_data_by_relative_path(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    session = _session(folder)
    save_session(folder / "s.json", session)
    moved = tmp_path / "moved"
    folder.rename(moved)
    assert load_session(moved / "s.json").file == str((moved / "data.csv").resolve())


def test_save_is_atomic_when_the_writer_fails(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, _session(tmp_path))
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SessionError, match="could not be saved"):
        save_session(path, _session(tmp_path, ui={"tab": 9}))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.json")] == []


def _write(tmp_path, payload: str):
    path = tmp_path / "bad.json"
    path.write_text(payload, encoding="utf-8")
    return path


def test_malformed_json_names_line_and_column(tmp_path):
    path = _write(tmp_path, '{\n  "format": "shape-explorer-session",\n  "version": 1,,\n}')
    with pytest.raises(SessionError, match=r"bad\.json, line 3 column 16: the session is not valid JSON"):
        load_session(path)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(SessionError, match="not a text file"):
        load_session(path)


def test_json_that_is_not_a_session(tmp_path):
    with pytest.raises(SessionError, match="not a Shape Explorer session"):
        load_session(_write(tmp_path, "[1, 2, 3]"))


def test_missing_keys_are_named(tmp_path):
    good = _session(tmp_path).to_dict()
    del good["spec"], good["history"]
    with pytest.raises(SessionError, match=r"missing the fields 'spec', 'history'"):
        load_session(_write(tmp_path, json.dumps(good)))


def test_newer_version_asks_for_an_update(tmp_path):
    newer = _session(tmp_path).to_dict()
    newer["version"] = SESSION_VERSION + 1
    with pytest.raises(SessionError, match=r"newer Shape Explorer \(session version 2\).*Update Shape Explorer"):
        load_session(_write(tmp_path, json.dumps(newer)))


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("config", {"epochs": 0}, r'field "config": Epochs must be a whole number'),
        ("config", [1, 2], r'field "config": expected an object'),
        ("spec", {"layers": []}, r'field "spec": The model needs at least one recurrent layer'),
        ("window", "abc", r'field "window": expected an object'),
        ("history", {"loss": ["a"]}, r'field "history": .*should hold numbers'),
        ("file", 5, r'field "file": expected a path'),
        ("version", "1", r'field "version": expected a whole number'),
    ],
)
def test_wrong_field_types_are_named(tmp_path, key, value, match):
    doc = _session(tmp_path).to_dict()
    doc[key] = value
    path = _write(tmp_path, json.dumps(doc))
    with pytest.raises(SessionError, match=match):
        load_session(path)


def test_missing_file_and_folder_are_clear(tmp_path):
    with pytest.raises(SessionError, match="does not exist"):
        load_session(tmp_path / "nope.json")
    with pytest.raises(SessionError, match="is a folder"):
        load_session(tmp_path)
