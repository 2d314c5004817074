"""The shape report: numbers from lengths alone, equal to what shape_dataset builds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.options import PaddingOptions, WindowOptions
from core.report import build_report
from core.shaping.tensorize import shape_dataset

REQUIRED = {"shape", "input_shape", "samples", "timesteps", "features", "lengths", "labels", "padded_fraction",
            "memory_bytes", "length_histogram", "truncated", "suggested_maxlen", "dtype", "format", "file",
            "guesses", "warnings", "diagnoses"}


def _dataset():
    rng = np.random.default_rng(0)
    lengths = list(range(1, 101))
    seqs = [rng.normal(size=(n, 3)).astype(np.float32) + 5 for n in lengths]
    source = SourceInfo("/data/runs.csv", "csv-long", guesses=(Guess("id column", "run", "values repeat", "id_col"),),
                        warnings=("2 rows had no label and were skipped",))
    labels = Labels(np.arange(100) % 2, "binary", ("no", "yes"))
    return SequenceDataset.from_sequences(seqs, source, labels=labels).validate()


@pytest.mark.parametrize("padding", [PaddingOptions(), PaddingOptions(maxlen=40, padding="pre", truncating="pre")])
def test_report_numbers_match_the_real_tensor(padding):
    ds = _dataset()
    data = build_report(ds, padding).to_dict()
    shaped = shape_dataset(ds, padding)
    assert REQUIRED <= set(data)
    assert data["shape"] == list(shaped.x.shape) and data["input_shape"] == list(shaped.input_shape)
    assert data["memory_bytes"] == shaped.memory_bytes
    assert data["padded_fraction"] == pytest.approx(shaped.padded_fraction)
    assert data["truncated"] == int(shaped.truncated.sum())
    assert (data["samples"], data["timesteps"], data["features"]) == shaped.x.shape
    json.dumps(data, allow_nan=False)


def test_lengths_histogram_suggestion_labels_and_provenance():
    data = build_report(_dataset()).to_dict()
    assert data["lengths"] == {"min": 1, "max": 100, "mean": 50.5}
    assert sum(data["length_histogram"]["counts"]) == 100
    assert len(data["length_histogram"]["edges"]) == len(data["length_histogram"]["counts"]) + 1
    assert data["suggested_maxlen"] == {"value": 96, "percentile": 95, "truncated_share": 0.04}
    assert data["labels"]["kind"] == "binary" and data["labels"]["classes"] == ["no", "yes"]
    assert data["format"] == "csv-long" and data["file"] == "/data/runs.csv"
    assert data["guesses"][0] == {"what": "id column", "value": "run", "why": "values repeat", "option": "id_col"}
    assert data["warnings"] == ["2 rows had no label and were skipped"]


def test_report_does_not_allocate_the_padded_tensor():
    import tracemalloc

    lengths = np.full(2000, 10, dtype=np.int64)
    lengths[0] = 100_000  # padding to this would take 2000 × 100000 × 4 × 4 bytes = 3.2 GB
    ds = SequenceDataset(np.zeros((int(lengths.sum()), 4), np.float32), lengths, ("a", "b", "c", "d"),
                         SourceInfo(None, "npy"))
    tracemalloc.start()
    report = build_report(ds)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.to_dict()["memory_bytes"] > 3_000_000_000
    assert peak < 50_000_000


def test_text_starts_with_the_shape_line_and_lists_findings():
    text = build_report(_dataset(), PaddingOptions(padding="pre")).to_text()
    assert text.splitlines()[0] == "(100 samples, 100 timesteps, 3 features) → input_shape=(100, 3)"
    assert "Shape doctor" in text and "padding=\"post\"" in text
    assert "--id-col" in text


def test_series_report_shows_windows_and_tokens_headline():
    series = SequenceDataset(np.zeros((1000, 2), np.float32), np.array([1000]), ("a", "b"),
                             SourceInfo(None, "csv-series"), kind="series")
    data = build_report(series, None, WindowOptions(64, 4, 1)).to_dict()
    assert data["shape"] == [234, 64, 2] and data["dropped_tail"] == 1000 - (233 * 4 + 64 + 1)
    assert data["series_length"] == 1000 and data["padded_fraction"] == 0.0
    tokens = SequenceDataset(np.ones((7, 1), np.int32), np.array([3, 4]), ("token",), SourceInfo(None, "text"),
                             kind="tokens", vocabulary=("<pad>", "<unk>"))
    report = build_report(tokens)
    assert report.to_dict()["input_shape"] == [4]
    assert report.to_text().startswith("(2 samples, 4 timesteps) token ids → input_shape=(4,)")


def test_report_counts_pad_value_collisions_once_and_publishes_them(monkeypatch):
    import numpy as np

    import core.doctor
    from core.dataset import SequenceDataset, SourceInfo
    from core.options import PaddingOptions
    from core.report import build_report

    calls = []
    real = core.doctor.pad_value_collisions
    monkeypatch.setattr(core.doctor, "pad_value_collisions", lambda *a, **k: calls.append(1) or real(*a, **k))
    ragged = SequenceDataset.from_sequences([np.array([[0.0, 0.0], [1.0, 2.0]]), np.array([[3.0, 4.0]])], SourceInfo(None, "npz"))
    report = build_report(ragged, PaddingOptions())
    assert report.to_dict()["pad_value_collisions"] == 1 and len(calls) == 1
    assert [d.code for d in report.diagnoses].count("pad_value_collision") == 1
    equal = SequenceDataset.from_dense(np.zeros((3, 4, 2), dtype=np.float32), SourceInfo(None, "npy"))
    assert build_report(equal, PaddingOptions()).to_dict()["pad_value_collisions"] is None  # no padding, no mask
