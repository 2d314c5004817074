"""``shape-explorer train`` and ``code`` on real little files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.cli import main
from core.cli.train_command import parse_layers


def write_long_csv(path, n=40, seed=0, labels=("cat", "dog")):
    rng = np.random.default_rng(seed)
    rows = ["id,t,a,b,label"]
    for i in range(n):
        label = labels[i % len(labels)]
        shift = 1.0 if label == labels[0] else -1.0
        for t in range(int(rng.integers(3, 7))):
            rows.append(f"s{i},{t},{rng.normal() + shift:.4f},{rng.normal():.4f},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_parse_layers():
    assert parse_layers("lstm:64,lstm:32") == (("LSTM", False, 64), ("LSTM", False, 32))
    assert parse_layers("bigru:32") == (("GRU", True, 32),)
    assert parse_layers("gru") == (("GRU", False, None),)


@pytest.mark.slow
def test_train_json_lines_with_test_file(tmp_path, capsys):
    train = write_long_csv(tmp_path / "train.csv")
    test = write_long_csv(tmp_path / "test.csv", n=12, seed=1)
    code = main(["train", str(train), "--label-col", "label", "--test", str(test), "--json",
                 "--epochs", "2", "--units", "4", "--batch-size", "8", "--save", str(tmp_path / "m.keras")])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line["event"] for line in lines] == ["epoch", "epoch", "done"]
    assert lines[0]["epoch"] == 1 and "val_loss" in lines[0]
    done = lines[-1]
    assert done["stop_reason"] == "completed" and len(done["history"]["loss"]) == 2
    assert 0.0 <= done["test"]["accuracy"] <= 1.0
    assert (tmp_path / "m.keras").is_file()


@pytest.mark.slow
def test_unknown_test_label_is_one_sentence(tmp_path, capsys):
    train = write_long_csv(tmp_path / "train.csv")
    test = write_long_csv(tmp_path / "test.csv", n=6, labels=("cat", "bird"))
    code = main(["train", str(train), "--label-col", "label", "--test", str(test), "--epochs", "1", "--units", "4"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "'bird'" in err and "test.csv" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_text_test_file_uses_training_vocabulary(tmp_path, capsys):
    train = tmp_path / "train.txt"
    train.write_text("".join(f"good fine movie {i % 3}\tpos\nbad awful film {i % 3}\tneg\n" for i in range(20)))
    test = tmp_path / "test.txt"
    test.write_text("good unseenword movie\tpos\nawful film\tneg\n")
    code = main(["train", str(train), "--test", str(test), "--json", "--epochs", "1", "--units", "4", "--embedding-dim", "4"])
    out, err = capsys.readouterr()
    assert code == 0, err
    done = json.loads(out.strip().splitlines()[-1])
    assert "accuracy" in done["test"]


def test_bad_option_exits_2(tmp_path, capsys):
    train = write_long_csv(tmp_path / "train.csv")
    assert main(["train", str(train), "--layers", "transformer:8"]) == 2
    assert "unknown layer" in capsys.readouterr().err


@pytest.mark.slow
def test_text_mode_prints_epochs_and_summary(tmp_path, capsys):
    train = write_long_csv(tmp_path / "train.csv")
    code = main(["train", str(train), "--label-col", "label", "--epochs", "2", "--layers", "gru:4"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "Trained for 2 epochs." in out
