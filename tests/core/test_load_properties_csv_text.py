"""Property tests: files written from random data load back exactly; junk only raises our errors."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.errors import ShapeExplorerError
from core.loaders import detect_format, load
from core.options import LoadOptions

FLOAT32 = st.floats(width=32, allow_nan=False, allow_infinity=False)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """One folder per module: hypothesis runs many examples per test and each overwrites its file."""
    return tmp_path_factory.mktemp("properties")


def _write(folder: Path, content: bytes, suffix: str) -> Path:
    path = folder / f"data{suffix}"
    path.write_bytes(content)
    return path


@st.composite
def ragged_sequences(draw):
    n_features = draw(st.integers(1, 3))
    lengths = draw(st.lists(st.integers(1, 8), min_size=2, max_size=8))
    sequences = [np.array(draw(st.lists(st.lists(FLOAT32, min_size=n_features, max_size=n_features),
                                        min_size=n, max_size=n)), dtype=np.float32) for n in lengths]
    return sequences


@SETTINGS
@given(ragged_sequences(), st.randoms(use_true_random=False))
def test_long_csv_round_trip(folder, sequences, rng: random.Random):
    assume(sum(len(s) for s in sequences) > len(sequences))  # some id repeats, so it reads as long
    n_features = sequences[0].shape[1]
    rows = [f"{i},{t}," + ",".join(repr(float(v)) for v in step)
            for i, seq in enumerate(sequences) for t, step in enumerate(seq)]
    rng.shuffle(rows)
    header = "id,step," + ",".join(f"f{j}" for j in range(n_features))
    path = _write(folder, ("\n".join([header, *rows]) + "\n").encode(), ".csv")
    digest = hashlib.sha256(path.read_bytes()).digest()

    dataset = load(path)

    assert dataset.source.format == "csv-long"
    assert dataset.values.dtype == np.float32
    assert dataset.lengths.tolist() == [len(s) for s in sequences]
    for index, expected in enumerate(sequences):
        np.testing.assert_array_equal(dataset.sequence(index), expected)
    assert hashlib.sha256(path.read_bytes()).digest() == digest


@SETTINGS
@given(st.lists(st.lists(FLOAT32, min_size=1, max_size=8), min_size=1, max_size=10))
def test_wide_csv_round_trip(folder, rows):
    width = max(len(r) for r in rows)
    header = ",".join(f"t{j}" for j in range(width))
    lines = [",".join([repr(float(v)) for v in r] + [""] * (width - len(r))) for r in rows]
    path = _write(folder, ("\n".join([header, *lines]) + "\n").encode(), ".csv")

    options = LoadOptions() if width >= 3 else LoadOptions(layout="wide")
    dataset = load(path, options)

    assert dataset.source.format == "csv-wide"
    assert dataset.lengths.tolist() == [len(r) for r in rows]
    np.testing.assert_array_equal(dataset.values.ravel(), np.array([v for r in rows for v in r], dtype=np.float32))


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)


@SETTINGS
@given(st.lists(st.lists(WORDS, min_size=1, max_size=10), min_size=1, max_size=20),
       st.lists(st.sampled_from(["pos", "neg", "meh"]), min_size=20, max_size=20),
       st.booleans())
def test_token_round_trip(folder, sentences, labels, labelled):
    lines = [" ".join(words) + (f"\t{label}" if labelled else "") for words, label in zip(sentences, labels)]
    path = _write(folder, ("\n".join(lines) + "\n").encode(), ".txt")

    dataset = load(path)

    assert dataset.kind == "tokens" and dataset.values.dtype == np.int32
    assert dataset.vocabulary[:2] == ("<pad>", "<unk>")
    assert len(set(dataset.vocabulary)) == len(dataset.vocabulary)
    for index, words in enumerate(sentences):
        assert [dataset.vocabulary[i] for i in dataset.sequence(index).ravel()] == words
    counts = np.bincount(dataset.values.ravel(), minlength=len(dataset.vocabulary))[2:]
    assert np.all(np.diff(counts) <= 0)  # ordered by frequency
    if labelled:
        used = labels[: len(sentences)]
        assert [dataset.labels.classes[i] for i in dataset.labels.values] == used
        assert list(dataset.labels.classes) == sorted(set(used))
    else:
        assert dataset.labels is None


CSV_PIECES = st.sampled_from([",", ";", "\t", "|", "\n", "\r\n", '"', "1", "2.5", "-3e2", "a", "id", "t", "label",
                              " ", "nan", "inf", "", "\x00", "é", "\ufeff", "x" * 50, "0", "1,2,3\n"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400),
                 st.lists(CSV_PIECES, max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
                 st.text(max_size=200).map(lambda t: t.encode("utf-16"))),
       st.sampled_from([".csv", ".txt", ".tsv", ""]),
       st.sampled_from([None, "csv", "text"]))
def test_arbitrary_bytes_raise_only_our_errors(folder, content, suffix, forced_format):
    """Junk read as CSV or text (detected or forced) ends in a ShapeExplorerError or a valid dataset."""
    path = _write(folder, content, suffix)
    try:
        fmt = forced_format or detect_format(path)
        if fmt not in ("csv", "text"):
            return  # other formats' readers have their own property tests
        dataset = load(path, LoadOptions(format=fmt))
    except ShapeExplorerError:
        dataset = None
    if dataset is not None:
        dataset.validate()
    assert path.read_bytes() == content
