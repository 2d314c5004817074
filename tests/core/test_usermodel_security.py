"""Never trust a model file: a .keras with a Lambda layer or a hostile config, and code with
``__import__("os").system(...)`` inside the model definition, are read without running anything."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError
from core.usermodel import check_model, read_model
from core.usermodel.code import read_model_code
from tests.core.usermodel_corpus import corpus_for

ROOT = Path(__file__).resolve().parents[2]


def _dataset():
    from core.dataset import Labels, SequenceDataset, SourceInfo

    x = np.random.default_rng(1).random((8, 10, 3), dtype=np.float32)
    return SequenceDataset.from_dense(x, SourceInfo(None, "npy"), labels=Labels(np.arange(8) % 2, "binary", ("a", "b")))


@pytest.mark.slow
def test_a_lambda_layer_is_named_not_run(tmp_path):
    import keras

    marker = tmp_path / "lambda_ran"
    payload = f"lambda x: (__import__('pathlib').Path({str(marker)!r}).write_text('ran'), x)[1]"
    model = keras.Sequential([keras.Input((10, 3)), keras.layers.Lambda(eval(payload)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    marker.unlink()  # building the model ran the lambda once; reading must not
    path = tmp_path / "lambda.keras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    assert b"Lambda" in zipfile.ZipFile(path).read("config.json")
    result = check_model(read_model(path), _dataset())
    assert not marker.exists()
    assert [row.class_name for row in result.rows] == ["Lambda", "LSTM", "Dense"]
    assert result.rows[0].output_shape is None
    [note] = [d for d in result.diagnoses if d.code == "model_not_fully_read"]
    assert "Lambda layer 'lambda" in note.explanation and "not checked" in note.explanation


def _zip(path: Path, config, metadata=None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", config if isinstance(config, str) else json.dumps(config))
        archive.writestr("metadata.json", json.dumps(metadata or {"keras_version": "3.15.1"}))
    return path


def test_a_hostile_config_is_only_read(tmp_path):
    marker = tmp_path / "config_ran"
    hostile = {
        "module": "os", "class_name": "Sequential", "registered_name": "system",
        "config": {"layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 10, 3], "name": f"__import__('os').system('touch {marker}')"}},
            {"module": "builtins", "class_name": "eval", "registered_name": "exec",
             "config": {"name": "evil", "function": {"class_name": "__lambda__", "config": {"code": "b3Muc3lzdGVt"}}}},
            {"class_name": "LSTM", "config": {"name": "lstm", "units": "4; rm -rf /", "return_sequences": "yes"}},
            {"class_name": "Dense", "config": {"name": "dense", "units": -7}},
        ]},
        "compile_config": {"loss": {"module": "os", "class_name": "system", "config": {"name": "touch"}}},
    }
    model = read_model(_zip(tmp_path / "hostile.keras", hostile))
    result = check_model(model, _dataset())
    assert not marker.exists()
    assert [layer.class_name for layer in model.layers] == ["eval", "LSTM", "Dense"]
    assert any(d.code == "model_not_fully_read" and "eval layer 'evil'" in d.explanation.lower() for d in result.diagnoses)


@pytest.mark.parametrize("config,problem", [
    ("[1, 2", "is not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested far deeper"),
    (json.dumps({"class_name": "MySubclassedModel", "config": {}}), "not a Sequential or Functional model"),
    (json.dumps(["not", "a", "model"]), "not a Keras model config"),
])
def test_malformed_configs_are_one_sentence(tmp_path, config, problem):
    with pytest.raises(LoadError, match=problem):
        read_model(_zip(tmp_path / "bad.keras", config))


def test_a_config_that_would_unpack_to_gigabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", " " * (40 * 1024**2))
    assert path.stat().st_size < 1024**2
    with pytest.raises(LoadError, match="would unpack to"):
        read_model(path)


def test_not_a_zip_and_weights_only_files(tmp_path):
    (tmp_path / "x.keras").write_bytes(b"not a zip")
    with pytest.raises(LoadError, match="not a valid .keras archive"):
        read_model(tmp_path / "x.keras")
    import h5py

    with h5py.File(tmp_path / "weights.h5", "w") as handle:
        handle.create_dataset("kernel", data=np.zeros(3))
    with pytest.raises(LoadError, match="weights only"):
        read_model(tmp_path / "weights.h5")


def test_code_with_a_payload_is_parsed_never_run(tmp_path):
    marker = tmp_path / "code_ran"
    code = (
        "import keras\n"
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(10, 3)),\n"
        f"    __import__('os').system('touch {marker}'),\n"
        f"    keras.layers.LSTM(__import__('os').system('touch {marker}') or 4),\n"
        "    keras.layers.Dense(1, activation='sigmoid'),\n"
        "])\n"
        f"exec(\"open('{marker}', 'w')\")\n"
        f"model.add(eval(\"__import__('os').system('touch {marker}')\"))\n"
    )
    path = tmp_path / "model.py"
    path.write_text(code)
    model = read_model(path)
    result = check_model(model, _dataset())
    assert not marker.exists()
    assert [layer.class_name for layer in model.layers] == ["Dense"]
    text = " ".join(model.unsupported)
    assert "line 4: __import__('os').system" in text and "it was not run" in text
    assert "line 5: units=" in text and "exec(" in text and "line 9" in text
    assert any(d.code == "model_not_fully_read" for d in result.diagnoses)


@pytest.mark.slow
def test_check_on_a_keras_file_imports_neither_keras_nor_tensorflow(tmp_path_factory):
    corpus = corpus_for(tmp_path_factory)
    script = (
        "import sys, io, contextlib\n"
        "from core.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main(['check', {str(corpus['data']['binary'])!r}, '--model', {str(corpus['models']['fits']['keras'])!r}, '--json'])\n"
        "heavy = sorted(m for m in ('keras', 'tensorflow') if m in sys.modules)\n"
        "print(code, heavy, '\"fits\": true' in out.getvalue())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "0 [] True", done.stderr


def test_pasted_code_is_never_imported():
    before = set(sys.modules)
    read_model_code("import some_module_that_does_not_exist\nfrom evil import payload\nmodel = Sequential([LSTM(4, input_shape=(10, 3))])")
    assert "some_module_that_does_not_exist" not in sys.modules and "evil" not in sys.modules
    assert not {m for m in set(sys.modules) - before if m.startswith(("keras", "tensorflow"))}
