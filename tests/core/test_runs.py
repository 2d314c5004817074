"""Training runs kept to compare: the record of a run, its words, and its round trip through a session
(old sessions without runs still open; a damaged run list gets one sentence)."""

from __future__ import annotations

import json
import math
import types

import pytest

from core.errors import SessionError
from core.model.spec import HeadSpec, ModelSpec, RecurrentLayerSpec
from core.session import SESSION_VERSION, Session, load_session, save_session
from core.training.config import TrainingConfig
from core.training.runs import RunRecord, spec_summary


def _job(**config) -> types.SimpleNamespace:
    spec = ModelSpec(layers=(RecurrentLayerSpec("LSTM", 64, bidirectional=True), RecurrentLayerSpec("GRU", 16)),
                     head=HeadSpec(task="multiclass", n_outputs=9))
    return types.SimpleNamespace(path="/data/vowels.ts", spec=spec, config=TrainingConfig(**config))


def test_a_run_record_keeps_settings_history_and_result():
    history = {"loss": [2.0, 1.0, math.nan], "val_loss": [2.1, 1.4, 1.2], "accuracy": [0.3, 0.6, 0.7]}
    result = {"best_epoch": 3, "stop_reason": "completed", "saved_model": "/tmp/x.keras", "confusion_matrix": [[1]],
              "baseline": {"name": "majority class", "val": {"accuracy": 0.11}}}
    run = RunRecord.from_run(2, _job(epochs=20, batch_size=None, learning_rate=0.003), history, result, batch_size=16)
    assert (run.number, run.file, run.epochs, run.batch_size, run.learning_rate) == (2, "/data/vowels.ts", 20, 16, 0.003)
    assert run.model == "BiLSTM 64 + GRU 16 → 9 classes"
    assert run.epochs_run == 3 and run.best("val_loss") == 1.2 and run.best("accuracy") == 0.7 and run.best("mae") is None
    assert set(run.result) == {"best_epoch", "stop_reason", "baseline"}  # no model paths or matrices
    assert run.label() == "Run 2 · BiLSTM 64 + GRU 16 → 9 classes · 3 of 20 epochs · batch 16 · lr 0.003 · best val_loss 1.2"


def test_spec_summaries_name_layers_and_outputs():
    assert spec_summary(ModelSpec()) == "LSTM 32 → 2 classes"
    assert spec_summary(ModelSpec(head=HeadSpec(task="regression", n_outputs=3, hidden_units=8))) == "LSTM 32 + Dense 8 → 3 values"
    assert spec_summary(None) == "no model"


def test_runs_round_trip_through_a_session_as_strict_json(tmp_path):
    runs = (
        RunRecord.from_run(1, _job(epochs=3, batch_size=32), {"loss": [1.0, math.nan, 0.5]}, {"best_epoch": 1}),
        RunRecord.from_run(2, _job(epochs=5, learning_rate=0.01), {"loss": [0.9, 0.4], "val_loss": [1.0, 0.8]}, {"stop_reason": "user"}),
    )
    path = tmp_path / "runs.shapesession.json"
    save_session(path, Session(history=dict(runs[-1].history), runs=runs))
    text = path.read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))
    loaded = load_session(path)
    assert [run.to_dict() for run in loaded.runs] == [run.to_dict() for run in runs]
    assert math.isnan(loaded.runs[0].history["loss"][1])
    assert json.loads(text)["version"] == SESSION_VERSION == 1  # an added list: older versions ignore it


def test_a_session_without_runs_still_opens(tmp_path):
    path = tmp_path / "old.shapesession.json"
    document = Session(history={"loss": [1.0]}).to_dict()
    del document["runs"]  # as written before runs were kept
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_session(path).runs == ()


@pytest.mark.parametrize("runs, words", [
    ({"number": 1}, "expected a list of runs"),
    ([{"number": 0}], "whole number from 1"),
    ([{"number": 1, "history": {"loss": ["a"]}}], "list of numbers"),
    (["run"], "a run should be an object"),
])
def test_a_damaged_run_list_is_refused_in_one_sentence(tmp_path, runs, words):
    path = tmp_path / "bad.shapesession.json"
    document = Session().to_dict()
    document["runs"] = runs
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SessionError, match=f'field "runs".*{words}'):
        load_session(path)
