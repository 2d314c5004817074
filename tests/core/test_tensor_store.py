"""``convert FILE --out DIR``: the padded tensor on disk, written in chunks within the budget."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.cli import main
from core.loaders import load
from core.options import PaddingOptions
from core.shaping.tensorize import shape_dataset
from core.tensor_store import convert, is_store, open_store
from tests.core.test_streaming_report import write_jsonl, write_long_csv


def _expected(path, padding=None):
    dataset = load(path)
    return dataset, shape_dataset(dataset, padding or PaddingOptions())


@pytest.mark.parametrize("padding", [PaddingOptions(), PaddingOptions(maxlen=10, padding="pre", truncating="pre", value=-1.0)])
def test_convert_writes_what_shaping_in_memory_builds(tmp_path, padding):
    path = write_long_csv(tmp_path / "l.csv")
    dataset, shaped = _expected(path, padding)
    info = convert(path, tmp_path / "out", padding=padding, budget_bytes=500_000)  # chunks of ~180 samples
    x = np.load(tmp_path / "out" / "x.npy")
    np.testing.assert_array_equal(x, shaped.x)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "mask.npy"), shaped.mask)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "y.npy"), shaped.y)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "lengths.npy"), shaped.lengths)
    meta = json.loads((tmp_path / "out" / "shape.json").read_text())
    assert meta["shape"] == list(shaped.x.shape) and meta["classes"] == list(dataset.labels.classes)
    assert info.shape == shaped.x.shape and not info.streamed
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["lengths.npy", "mask.npy", "shape.json", "x.npy", "y.npy"]


def test_jsonl_larger_than_the_budget_is_converted_in_a_streaming_pass(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", n=400)
    dataset, shaped = _expected(path)
    budget = path.stat().st_size // 4
    with pytest.raises(Exception, match="memory budget"):
        load(path, budget_bytes=budget)
    info = convert(path, tmp_path / "out", budget_bytes=budget)
    assert info.streamed
    store = open_store(tmp_path / "out")
    assert isinstance(store.x, np.memmap)
    np.testing.assert_array_equal(np.asarray(store.x), shaped.x)
    np.testing.assert_array_equal(np.asarray(store.mask), shaped.mask)
    np.testing.assert_array_equal(store.y, shaped.y)
    assert store.class_names == ("a", "b", "c") and store.task == "multiclass"


def test_a_failed_conversion_leaves_no_files(tmp_path, monkeypatch):
    import core.tensor_store as store

    path = write_long_csv(tmp_path / "l.csv")
    monkeypatch.setattr(store, "real_cells_mask", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        convert(path, tmp_path / "out", budget_bytes=1 << 30)
    assert list((tmp_path / "out").iterdir()) == []


def test_convert_command(tmp_path, capsys):
    path = write_jsonl(tmp_path / "c.jsonl", n=50)
    code = main(["convert", str(path), "--out", str(tmp_path / "dir"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["shape"][0] == 50 and is_store(tmp_path / "dir")
    code = main(["convert", str(path), "--out", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and "not a folder" in err


@pytest.mark.slow
def test_train_reads_a_converted_folder_and_converts_on_its_own_when_the_tensor_does_not_fit(tmp_path, capsys):
    path = write_jsonl(tmp_path / "t.jsonl", n=3000)  # ~1.7 MB of text, 0.7 MB of values, 1.4 MB padded
    budget = "450000"  # the file cannot be held: train converts it to .npy first, then streams it
    code = main(["train", str(path), "--json", "--epochs", "1", "--units", "4", "--batch-size", "32",
                 "--memory-budget", budget])
    out, err = capsys.readouterr()
    assert code == 0, err
    done = json.loads(out.strip().splitlines()[-1])
    assert done["event"] == "done" and done["streaming"] is True and done["n_train"] + done["n_val"] == 3000
    convert(path, tmp_path / "store", budget_bytes=int(budget))
    code = main(["train", str(tmp_path / "store"), "--json", "--epochs", "1", "--units", "4"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out.strip().splitlines()[-1])["epochs_run"] == 1


def test_a_tensor_larger_than_the_disk_is_refused_before_writing(tmp_path, capsys):
    path = write_jsonl(tmp_path / "d.jsonl", n=20)
    code = main(["convert", str(path), "--out", str(tmp_path / "out"), "--maxlen", str(10**13)])
    out, err = capsys.readouterr()
    assert code == 2 and "does not fit on the disk" in err and "--maxlen" not in out
    assert list((tmp_path / "out").iterdir()) == []
    code = main(["train", str(path), "--maxlen", str(10**13), "--epochs", "1"])  # too big for memory and disk
    out, err = capsys.readouterr()
    assert code == 2 and ("does not fit on the disk" in err or "memory budget" in err)


@pytest.mark.parametrize("padding", [PaddingOptions(), PaddingOptions(maxlen=10, padding="pre", truncating="pre", value=-1.0)])
def test_long_csv_larger_than_the_budget_is_converted_in_two_streaming_passes(tmp_path, monkeypatch, padding):
    import core.streaming_report as streaming

    monkeypatch.setattr(streaming, "BATCH_BYTES", 8192)  # many pieces
    path = write_long_csv(tmp_path / "l.csv")
    dataset, shaped = _expected(path, padding)
    info = convert(path, tmp_path / "out", padding=padding, budget_bytes=60_000)
    assert info.streamed
    store = open_store(tmp_path / "out")
    order = np.argsort(np.array(dataset.sample_ids, dtype=np.int64))  # both in id order here
    np.testing.assert_array_equal(np.asarray(store.x), shaped.x[order])
    np.testing.assert_array_equal(np.asarray(store.mask), shaped.mask[order])
    np.testing.assert_array_equal(store.y, shaped.y[order])


def test_long_csv_over_the_budget_with_rows_out_of_time_order_is_refused(tmp_path):
    lines = ["id,step,a,label"] + [f"{i},{t},{t * 0.5},{i % 2}" for i in range(300) for t in range(5)]
    lines[3], lines[4] = lines[4], lines[3]  # sequence 0: step 3 before step 2
    path = tmp_path / "u.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(Exception, match="not in 'step' order"):
        convert(path, tmp_path / "out", budget_bytes=20_000)
    assert list((tmp_path / "out").iterdir()) == []
