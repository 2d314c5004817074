"""Training across workers: the tf.distribute strategy comes from the environment.

The two-worker test starts two processes on 127.0.0.1 only (free ports from binding port 0),
each with its own ``TF_CONFIG``, trains a tiny model for 2 epochs through the app's runner and
checks that both used ``MultiWorkerMirroredStrategy`` with 2 replicas and ended with the same
weights (gradients were all-reduced every step).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.errors import TrainingError
from core.training import distribute

REPO = Path(__file__).resolve().parents[2]
VOWELS = REPO / "resources" / "demos" / "JapaneseVowels_TRAIN.ts"
WORKER = Path(__file__).with_name("distributed_worker.py")


def _cluster(ports: list[int], index: int) -> str:
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": index}})


def test_strategy_follows_the_environment():
    assert distribute.strategy_name({}, gpu_count=0) == "DefaultStrategy"
    assert distribute.strategy_name({}, gpu_count=2) == "MirroredStrategy"
    two = {"TF_CONFIG": _cluster([1, 2], 1)}
    assert distribute.strategy_name(two, gpu_count=0) == "MultiWorkerMirroredStrategy"
    assert distribute.strategy_name({"TF_CONFIG": _cluster([1], 0)}) == "DefaultStrategy"  # a cluster of one
    assert distribute.is_chief({}) and distribute.is_chief({"TF_CONFIG": _cluster([1, 2], 0)})
    assert not distribute.is_chief(two)
    with_chief = {"TF_CONFIG": json.dumps({"cluster": {"chief": ["a:1"], "worker": ["b:2"]}, "task": {"type": "worker", "index": 0}})}
    assert not distribute.is_chief(with_chief)
    with pytest.raises(TrainingError, match="TF_CONFIG is not valid JSON"):
        distribute.strategy_name({"TF_CONFIG": "{cluster"})


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_two_workers_on_localhost_finish_with_the_same_weights():
    ports = _free_ports(2)
    processes = []
    for index in range(2):
        env = dict(os.environ, TF_CONFIG=_cluster(ports, index), PYTHONPATH=str(REPO), CUDA_VISIBLE_DEVICES="-1",
                   TF_CPP_MIN_LOG_LEVEL="3", SHAPE_EXPLORER_BLOCK_QT="1")
        processes.append(subprocess.Popen([sys.executable, str(WORKER), str(VOWELS)], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, env=env, cwd=str(REPO)))
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=150)
            assert process.returncode == 0, err.decode(errors="replace")[-2000:]
            results.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [r["strategy"] for r in results] == ["MultiWorkerMirroredStrategy"] * 2
    assert [r["replicas"] for r in results] == [2, 2]
    assert len(results[0]["loss"]) == 2
    assert results[0]["weights"] == results[1]["weights"]


@pytest.mark.slow
def test_train_json_done_event_names_the_strategy(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    code = main(["train", str(VOWELS), "--json", "--epochs", "1", "--units", "4", "--batch-size", "64",
                 "--save", str(tmp_path / "m.keras")])
    out, err = capsys.readouterr()
    assert code == 0, err
    done = json.loads(out.strip().splitlines()[-1])
    assert done["event"] == "done" and done["strategy"] == "DefaultStrategy" and done["replicas"] == 1
    assert (tmp_path / "m.keras").is_file()
