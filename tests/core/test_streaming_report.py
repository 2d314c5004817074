"""Files larger than the memory budget: the shape report from one streaming pass."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.cli import main
from core.streaming_report import streamed_report


def write_jsonl(path, n=300, features=3, seed=0):
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            steps = np.round(rng.normal(size=(int(rng.integers(1, 40)), features)), 4).tolist()
            handle.write(json.dumps({"id": f"s{i}", "sequence": steps, "label": ["a", "b", "c"][i % 3]}) + "\n")
    return path


def write_long_csv(path, n=400, seed=0):
    rng = np.random.default_rng(seed)
    rows = ["id,step,f0,f1,label"]
    for i in range(n):
        for t in range(int(rng.integers(2, 30))):
            rows.append(f"{i},{t},{rng.normal():.4f},{rng.normal():.4f},{i % 2}")
    path.write_text("\n".join(rows) + "\n")
    return path


def inspect_json(capsys, *args):
    code = main(["inspect", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("writer, name", [(write_jsonl, "big.jsonl"), (write_long_csv, "big.csv")])
def test_over_the_budget_the_report_is_streamed_and_agrees_with_the_full_one(tmp_path, capsys, writer, name):
    path = writer(tmp_path / name)
    full = inspect_json(capsys, str(path))
    small = inspect_json(capsys, str(path), "--memory-budget", str(path.stat().st_size // 3))
    assert full.get("streamed") is None and small["streamed"] is True and small["tensor_built"] is False
    for key in ("shape", "input_shape", "samples", "timesteps", "features", "lengths", "length_histogram",
                "padded_fraction", "suggested_maxlen", "memory_bytes", "feature_names"):
        assert small[key] == full[key], key
    assert small["labels"]["counts"] == full["labels"]["counts"]
    assert "memory budget" in small["reason"]
    assert small["sample"]["sequences"] > 0
    stats = small["feature_stats"]
    assert len(stats) == full["features"] and all(s["count"] > 0 and s["min"] <= s["mean"] <= s["max"] for s in stats)


def test_streamed_statistics_match_numpy(tmp_path):
    from core.loaders import load

    path = write_jsonl(tmp_path / "s.jsonl", n=200)
    dataset = load(path)
    report = streamed_report(path, budget_bytes=10_000)
    values = dataset.values.astype(np.float64)
    for i, feature in enumerate(report.feature_stats):
        assert feature["mean"] == pytest.approx(values[:, i].mean(), rel=1e-6, abs=1e-6)
        assert feature["std"] == pytest.approx(values[:, i].std(), rel=1e-6)
        assert feature["min"] == pytest.approx(values[:, i].min()) and feature["max"] == pytest.approx(values[:, i].max())
    np.testing.assert_array_equal(report.lengths, dataset.lengths)
    sample = report.sample
    np.testing.assert_array_equal(sample.values, dataset.values[: int(sample.lengths.sum())])
    assert sample.sample_ids == dataset.sample_ids[: sample.n_samples]


def test_text_report_says_the_tensor_was_not_built(tmp_path, capsys):
    path = write_long_csv(tmp_path / "t.csv")
    code = main(["inspect", str(path), "--memory-budget", "20KB"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[0].startswith("(400 samples, ")
    assert "Tensor:    not built" in out and "shape-explorer convert" in out


def test_a_format_that_cannot_stream_keeps_the_budget_error(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([[0.5] * 100] * 100))
    code = main(["inspect", str(path), "--memory-budget", "10KB"])
    out, err = capsys.readouterr()
    assert code == 2 and "memory budget" in err and out == ""


def test_headerless_long_csv_in_many_pieces(tmp_path, capsys, monkeypatch):
    import core.streaming_report as streaming

    path = write_long_csv(tmp_path / "h.csv")
    path.write_text(path.read_text().split("\n", 1)[1])  # drop the header line
    full = inspect_json(capsys, str(path), "--no-header", "--id-col", "0", "--time-col", "1", "--label-col", "4")
    monkeypatch.setattr(streaming, "BATCH_BYTES", 4096)  # dozens of pieces, each cut after a newline
    small = inspect_json(capsys, str(path), "--no-header", "--id-col", "0", "--time-col", "1", "--label-col", "4",
                         "--memory-budget", "20KB")
    assert small["streamed"] is True
    for key in ("shape", "lengths", "length_histogram", "feature_names"):
        assert small[key] == full[key], key
    assert small["labels"]["counts"] == full["labels"]["counts"]
