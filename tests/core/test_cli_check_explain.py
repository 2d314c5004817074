"""`check DATA --model MODEL` and `explain [DATA] --error ...`: JSON contracts, text, layout options, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from tests.core.usermodel_corpus import corpus_for

ERRORS = Path(__file__).resolve().parents[1] / "data" / "errors"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return corpus_for(tmp_path_factory)


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_check_json_keys_for_a_model_that_fits(corpus, capsys):
    code, out, err = _run(capsys, ["check", str(corpus["data"]["binary"]), "--model", str(corpus["models"]["fits"]["keras"]), "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["fits"] is True and data["diagnoses"] == []
    assert data["model"]["input_shape"] == [None, 10, 3]
    for layer in data["model"]["layers"]:
        assert set(layer) >= {"name", "class", "output_shape", "params"}
    assert data["model"]["total_params"] == corpus["keras_models"]["fits"].count_params()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["keras", "h5", "json", "py"])
def test_check_json_diagnoses(corpus, capsys, fmt):
    code, out, err = _run(capsys, ["check", str(corpus["data"]["multiclass9"]), "--model",
                                   str(corpus["models"]["loss_label_mismatch"][fmt]), "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["fits"] is False
    [d] = [d for d in data["diagnoses"] if d["code"] == "loss_label_mismatch"]
    assert set(d) >= {"code", "severity", "title", "explanation", "fix_code"} and d["severity"] == "error"
    assert "sparse_categorical_crossentropy" in d["fix_code"] and "to_categorical(y, 9)" in d["fix_code"]


@pytest.mark.slow
def test_check_text_and_layout_options(corpus, capsys):
    code, out, _ = _run(capsys, ["check", str(corpus["data"]["ragged"]), "--model", str(corpus["models"]["mask_value_mismatch"]["py"]),
                                 "--id-col", "sequence_id", "--time-col", "step", "--label-col", "label", "--pad-value", "-1"])
    assert code == 0
    assert "✔ The model fits this data." in out  # padded with -1, which the Masking layer skips
    code, out, _ = _run(capsys, ["check", str(corpus["data"]["ragged"]), "--model", str(corpus["models"]["mask_value_mismatch"]["py"]),
                                 "--id-col", "sequence_id", "--time-col", "step", "--label-col", "label", "--maxlen", "8"])
    assert "✘ The model does not fit this data: 1 problem to fix." in out
    assert "[mask_value_mismatch] Masking skips -1, but the data is padded with 0" in out
    assert "masking" in out and "(None, 8, 3)" in out  # the layer table, for this maxlen


def test_check_bad_model_is_exit_2_with_one_sentence(tmp_path, capsys):
    data = tmp_path / "x.npy"
    import numpy as np

    np.save(data, np.zeros((4, 5, 2), dtype=np.float32))
    (tmp_path / "m.py").write_text("print('hello')\n")
    code, out, err = _run(capsys, ["check", str(data), "--model", str(tmp_path / "m.py")])
    assert code == 2 and out == ""
    assert err.strip() == ("m.py: builds no Keras model that could be read (no Sequential(...), model.add(...) or keras.Model(...)). "
                           "Paste the lines that build the model, e.g. model = keras.Sequential([...]).")
    code, _, err = _run(capsys, ["check", str(data), "--model", str(tmp_path / "missing.keras")])
    assert code == 2 and "missing.keras: does not exist" in err
    code, _, err = _run(capsys, ["check", str(data)])
    assert code == 2 and "--model" in err


def test_explain_json_from_text_alone(capsys):
    text = (ERRORS / "keras_2_ndim.txt").read_text()
    code, out, err = _run(capsys, ["explain", "--error", text, "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["error"]["family"] == "keras2" and data["error"]["found_shape"] == [100, 10]
    assert data["with_data"] is False
    [d] = data["diagnoses"]
    assert d["code"] == "two_d_input" and "x = x[..., None]  # (100, 10) -> (100, 10, 1)" in d["fix_code"]
    assert set(d) >= {"code", "severity", "title", "explanation", "fix_code"}


@pytest.mark.slow
def test_explain_with_data_from_a_file_and_from_stdin(corpus, capsys, monkeypatch):
    path = ERRORS / "pytorch_input_size.txt"
    code, out, _ = _run(capsys, ["explain", str(corpus["data"]["long40"]), "--error-file", str(path), "--json"])
    assert code == 0
    assert json.loads(out)["diagnoses"][0]["code"] == "channels_first"
    monkeypatch.setattr(sys, "stdin", io.StringIO(corpus["errors"]["features_mismatch"]))
    code, out, _ = _run(capsys, ["explain", str(corpus["data"]["binary"]), "--error-file", "-"])
    assert code == 0
    assert "shape error at layer 'lstm" in out and "[features_mismatch] The model expects 5 features per timestep; the data has 3" in out


def test_explain_needs_exactly_one_error_source(capsys):
    code, _, err = _run(capsys, ["explain"])
    assert code == 2 and "--error" in err
    code, _, err = _run(capsys, ["explain", "--error", "x", "--error-file", "y"])
    assert code == 2 and "not allowed with" in err


def test_explain_something_else_says_so(capsys):
    code, out, _ = _run(capsys, ["explain", "--error", "KeyError: 'label'"])
    assert code == 0 and out.startswith("This does not look like a shape error") and "KeyError: 'label'" in out


def test_the_window_entry_point_passes_check_and_explain_to_the_cli():
    done = subprocess.run([sys.executable, "-m", "gui.main", "explain", "--error", "RuntimeError: input must have 3 dimensions, got 2", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["diagnoses"][0]["fix_code"].startswith("x = x.unsqueeze(-1)")


@pytest.mark.parametrize("name", ["model.keras", "model.h5", "build_model.py"])
def test_inspecting_a_model_file_points_to_check(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" if name.endswith(".keras") else b"model = 1\n")
    code, out, err = _run(capsys, ["inspect", str(path)])
    assert code == 2 and out == ""
    assert err.strip() == (f"{name}: is a Keras model (or the code of one), not data. Check it against your data: "
                           f"shape-explorer check DATA --model {name} (in the window: File ▸ Check my model…).")
