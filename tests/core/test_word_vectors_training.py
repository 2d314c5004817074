"""Pre-trained vectors in a real model: a frozen Embedding, fine-tuning, the saved model, the exported script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.export.script import render_script
from core.loaders import load
from core.model.defaults import default_spec, spec_fits_data
from core.model.shapes import layer_table, non_trainable_params, total_params, trainable_params
from core.options import LoadOptions, PaddingOptions
from core.shaping.tensorize import shape_dataset
from core.training import runner
from core.training.config import TrainingConfig
from core.training.job import TrainingJob, execute
from core.training.reporter import RecordingReporter

DEMOS = Path(__file__).resolve().parents[2] / "resources" / "demos"
VECTORS = DEMOS / "word_vectors_50d.txt"
REVIEWS = DEMOS / "sentiment_reviews.txt"
FAST = TrainingConfig(epochs=1, batch_size=32, early_stopping=False)


def reviews_with_vectors(tmp_path: Path, **options) -> tuple[Path, Path, LoadOptions]:
    """The shipped reviews plus a 16-d vectors file for most of their words (some left out: OOV)."""
    words = sorted({w for line in REVIEWS.read_text().splitlines() for w in line.split("\t")[0].lower().split()})
    rng = np.random.default_rng(3)
    path = tmp_path / "vectors16.txt"
    with open(path, "w") as out:
        for word in words[::2] + ["unused", "filler"]:
            out.write(word + " " + " ".join(f"{v:.5f}" for v in rng.normal(0, 0.5, 16)) + "\n")
    return REVIEWS, path, LoadOptions(embeddings=str(path), **options)


def test_the_default_model_starts_frozen_from_the_vectors_and_counts_them_as_non_trainable(tmp_path):
    _, _, options = reviews_with_vectors(tmp_path)
    shaped = shape_dataset(load(REVIEWS, options), PaddingOptions())
    spec = default_spec(shaped)
    assert spec.input.kind == "embedding" and spec.input.embedding_dim == 16
    assert spec.input.pretrained_embeddings == "vectors16.txt" and not spec.input.trainable_embeddings
    assert spec_fits_data(spec, shaped) == []
    frozen = len(shaped.dataset.vocabulary) * 16
    assert non_trainable_params(spec) == frozen and trainable_params(spec) == total_params(spec) - frozen
    assert "frozen" in layer_table(spec)[1].note
    assert spec_fits_data(replace(spec, input=replace(spec.input, embedding_dim=8)), shaped)  # must match the file


@pytest.mark.slow
def test_frozen_vectors_train_unchanged_and_match_model_summary(tmp_path):
    _, _, options = reviews_with_vectors(tmp_path)
    shaped = shape_dataset(load(REVIEWS, options), PaddingOptions())
    spec = default_spec(shaped)
    spec = spec.with_layers([replace(layer, units=4) for layer in spec.layers])
    result = runner.run(spec, shaped, FAST, RecordingReporter())
    model = result.model
    weights = model.get_layer("embedding").get_weights()[0]
    np.testing.assert_array_equal(weights, shaped.dataset.embeddings.matrix)  # not moved by training
    assert not weights[0].any()  # padding row
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert (trainable, frozen) == (trainable_params(spec), non_trainable_params(spec))
    assert model.count_params() == total_params(spec)

    tuned = replace(spec, input=replace(spec.input, trainable_embeddings=True))
    result = runner.run(tuned, shaped, FAST, RecordingReporter())
    moved = result.model.get_layer("embedding").get_weights()[0]
    assert not np.array_equal(moved, shaped.dataset.embeddings.matrix)
    assert non_trainable_params(tuned) == 0


@pytest.mark.slow
def test_the_saved_model_works_from_token_ids(tmp_path):
    from core.model_io import load_model_safe

    _, _, options = reviews_with_vectors(tmp_path)
    spec_units = 4
    job = TrainingJob(path=str(REVIEWS), load_options=options, config=FAST, save_path=str(tmp_path / "m.keras"))
    shaped = shape_dataset(load(REVIEWS, options), PaddingOptions())
    spec = default_spec(shaped)
    job = replace(job, spec=spec.with_layers([replace(layer, units=spec_units) for layer in spec.layers]))
    payload = execute(job, RecordingReporter())
    model = load_model_safe(payload["saved_model"])
    np.testing.assert_array_equal(model.get_layer("embedding").get_weights()[0], shaped.dataset.embeddings.matrix)
    assert not model.get_layer("embedding").trainable
    assert model.predict(shaped.x[:3], verbose=0).shape == (3, 1)


@pytest.mark.slow
def test_embed_features_trains_on_the_vectors_with_a_mask(tmp_path):
    _, _, options = reviews_with_vectors(tmp_path, embed_features=True, oov="random")
    shaped = shape_dataset(load(REVIEWS, options), PaddingOptions())
    assert shaped.x.ndim == 3 and shaped.x.shape[2] == 16
    spec = default_spec(shaped)
    assert spec.input.kind == "masking" and spec.input.features == 16
    result = runner.run(spec.with_layers([replace(layer, units=4) for layer in spec.layers]), shaped, FAST,
                        RecordingReporter())
    assert np.isfinite(result.history["loss"][0])


def _script_tensor(text: str, tmp_path: Path) -> np.ndarray:
    """Run the exported script up to its shaping and save the tensor it built."""
    head = text[: text.index("def split_indices")] + '\nnp.save("x.npy", x)\n'
    script = tmp_path / "shaping.py"
    script.write_text(head)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return np.load(tmp_path / "x.npy")


@pytest.mark.slow
@pytest.mark.parametrize("features, oov", [(False, "zeros"), (True, "random")])
def test_the_exported_script_reads_the_vectors_itself_and_builds_the_apps_tensor(tmp_path, features, oov):
    _, vectors, options = reviews_with_vectors(tmp_path, embed_features=features, oov=oov)
    if features:  # vectors as they are downloaded: gzip-compressed, with a byte-order mark
        import gzip

        packed = tmp_path / "vectors16.txt.gz"
        with gzip.open(packed, "wb") as out:
            out.write(b"\xef\xbb\xbf" + vectors.read_bytes())
        vectors, options = packed, replace(options, embeddings=str(packed))
    dataset = load(REVIEWS, options)
    shaped = shape_dataset(dataset, PaddingOptions())
    spec = default_spec(shaped)
    text = render_script(str(REVIEWS), options, PaddingOptions(), None, spec, FAST, dataset=dataset)
    assert str(vectors) in text and "read_word_vectors" in text
    np.testing.assert_array_equal(_script_tensor(text, tmp_path), shaped.x)
    if not features:  # and the matrix the Embedding starts from is the app's
        probe = text[: text.index("def split_indices")] + '\nnp.save("m.npy", embedding_matrix)\n'
        (tmp_path / "probe.py").write_text(probe)
        done = subprocess.run([sys.executable, "probe.py"], capture_output=True, text=True, timeout=240, cwd=tmp_path,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        assert done.returncode == 0, done.stderr[-2000:]
        np.testing.assert_array_equal(np.load(tmp_path / "m.npy"), dataset.embeddings.matrix)


@pytest.mark.slow
def test_the_exported_script_trains_a_frozen_embedding_like_the_app(tmp_path):
    options = LoadOptions(embeddings=str(VECTORS))
    text_file = DEMOS / "word_vectors_sentences.txt"
    dataset = load(text_file, options)
    shaped = shape_dataset(dataset, PaddingOptions())
    spec = default_spec(shaped)
    spec = spec.with_layers([replace(layer, units=4) for layer in spec.layers])
    text = render_script(str(text_file), options, PaddingOptions(), None, spec, FAST, dataset=dataset)
    script = tmp_path / "train.py"
    script.write_text(text)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"TOTAL_PARAMS={total_params(spec)}" in done.stdout
    assert re.search(rf"Non-trainable params: {non_trainable_params(spec):,}", done.stdout)
    assert "word vectors: 31 of 31 words found" in done.stdout


def test_train_embeddings_option_fine_tunes_and_is_refused_without_vectors(tmp_path):
    import argparse

    from core.cli.train_command import spec_from_args
    from core.errors import TrainingError

    _, _, options = reviews_with_vectors(tmp_path)
    shaped = shape_dataset(load(REVIEWS, options), PaddingOptions())
    args = argparse.Namespace(train_embeddings=True)
    assert spec_from_args(args, default_spec(shaped)).input.trainable_embeddings
    plain = shape_dataset(load(REVIEWS), PaddingOptions())
    with pytest.raises(TrainingError, match="--embeddings"):
        spec_from_args(args, default_spec(plain))


def test_code_command_writes_the_vectors_section(tmp_path, capsys):
    from core.cli.app import main

    _, vectors, _ = reviews_with_vectors(tmp_path)
    assert main(["code", str(REVIEWS), "--embeddings", str(vectors), "--train-embeddings", "--epochs", "1"]) == 0
    script = capsys.readouterr().out
    compile(script, "exported.py", "exec")
    assert f"VECTORS_FILE = {str(vectors)!r}" in script
    assert 'model.get_layer("embedding").set_weights([embedding_matrix])' in script
    assert 'model.get_layer("embedding").trainable = True' in script
    assert main(["code", str(REVIEWS), "--embeddings", str(vectors), "--embed-features", "--epochs", "1"]) == 0
    script = capsys.readouterr().out
    assert "sequences = [embedding_matrix[ids] for ids in sequences]" in script and "set_weights" not in script


def test_a_training_job_with_vectors_survives_the_trip_to_the_child_process(tmp_path):
    _, vectors, options = reviews_with_vectors(tmp_path, embed_features=True, oov="random")
    shaped = shape_dataset(load(REVIEWS, replace(options, embed_features=False)), PaddingOptions())
    spec = replace(default_spec(shaped), input=replace(default_spec(shaped).input, trainable_embeddings=True))
    job = TrainingJob(path=str(REVIEWS), load_options=options, spec=spec, config=FAST)
    again = TrainingJob.from_dict(job.to_dict())
    assert again == job
    assert again.load_options.embeddings == str(vectors) and again.load_options.oov == "random"
    assert again.spec.input.pretrained_embeddings == "vectors16.txt" and again.spec.input.trainable_embeddings


@pytest.mark.slow
def test_the_exported_script_reads_a_fasttext_model_like_the_app(tmp_path):
    real = Path(__file__).resolve().parents[1] / "data" / "real" / "gensim"
    lines = [line for line in (real / "crime-and-punishment.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    text = tmp_path / "russian.txt"
    text.write_text("".join(f"{line}\t{'ab'[i % 2]}\n" for i, line in enumerate(lines)), encoding="utf-8")
    options = LoadOptions(embeddings=str(real / "crime-and-punishment.bin"), embed_features=True)
    dataset = load(text, options)
    assert dataset.embeddings.format == "fasttext-binary" and dataset.embeddings.covered > 100
    shaped = shape_dataset(dataset, PaddingOptions())
    script = render_script(str(text), options, PaddingOptions(), None, default_spec(shaped), FAST, dataset=dataset)
    np.testing.assert_array_equal(_script_tensor(script, tmp_path), shaped.x)
