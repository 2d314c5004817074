"""`inspect FILE`: text and --json reports on real files, plain errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from core.cli import build_parser, main
from core.cli.arguments import options_from_args, parse_size
from core.options import PaddingOptions, WindowOptions


@pytest.fixture
def long_csv(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["seq,step,a,b,label"]
    lengths = [5, 9, 3, 7]
    for s, n in enumerate(lengths):
        for t in range(n):
            lines.append(f"s{s},{t},{rng.random():.4f},{rng.random():.4f},{'yes' if s % 2 else 'no'}")
    body = lines[1:]
    rng.shuffle(body)
    path = tmp_path / "runs.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n")
    return path


def _json(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_long_csv_json(long_csv, capsys):
    data = _json(capsys, ["inspect", str(long_csv), "--id-col", "seq", "--time-col", "step", "--label-col", "label",
                          "--json"])
    assert data["shape"] == [4, 9, 2] and data["input_shape"] == [9, 2]
    assert data["lengths"] == {"min": 3, "max": 9, "mean": 6.0}
    assert data["labels"]["kind"] == "binary" and data["labels"]["classes"] == ["no", "yes"]
    assert data["padded_fraction"] == pytest.approx(1 - 24 / 36)
    assert data["memory_bytes"] > 0


def test_maxlen_option_changes_the_shape(long_csv, capsys):
    data = _json(capsys, ["inspect", str(long_csv), "--id-col", "seq", "--time-col", "step", "--label-col", "label",
                          "--maxlen", "4", "--json"])
    assert data["shape"] == [4, 4, 2] and data["truncated"] == 3


def test_wide_csv(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    rows = ["t0,t1,t2,t3,t4,label"] + [",".join(f"{v:.3f}" for v in np.random.default_rng(i).random(5)) + f",{i % 3}"
                                       for i in range(12)]
    path.write_text("\n".join(rows) + "\n")
    data = _json(capsys, ["inspect", str(path), "--layout", "wide", "--label-col", "label", "--json"])
    assert data["shape"] == [12, 5, 1] and data["input_shape"] == [5, 1]


def test_npy_three_d(tmp_path, capsys):
    path = tmp_path / "x.npy"
    np.save(path, np.zeros((6, 10, 3), dtype=np.float32))
    data = _json(capsys, ["inspect", str(path), "--json"])
    assert data["shape"] == [6, 10, 3] and data["padded_fraction"] == 0.0 and data["memory_bytes"] == 6 * 10 * 3 * 4


def test_text_output_starts_with_shape_line(long_csv, capsys):
    assert main(["inspect", str(long_csv), "--id-col", "seq", "--time-col", "step", "--label-col", "label"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "(4 samples, 9 timesteps, 2 features) → input_shape=(9, 2)"


def test_missing_file_is_one_sentence_exit_2(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "nope.csv" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_bad_shaping_option_exit_2(long_csv, capsys):
    assert main(["inspect", str(long_csv), "--maxlen", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_internal_error_is_a_sentence_and_debug_shows_traceback(long_csv, capsys, monkeypatch):
    import core.report

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(core.report, "build_report", boom)
    assert main(["inspect", str(long_csv)]) == 1
    err = capsys.readouterr().err
    assert "internal error while reading" in err and "--debug" in err and "Traceback" not in err
    assert main(["--debug", "inspect", str(long_csv)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_options_from_args():
    args = build_parser().parse_args(["inspect", "f.csv", "--feature-cols", "a, b", "--maxlen", "9", "--padding", "pre",
                                      "--pad-value", "-1", "--window", "16", "--delimiter", "tab", "--memory-budget", "1GB"])
    load, padding, window = options_from_args(args)
    assert load.feature_cols == ("a", "b") and load.delimiter == "\t"
    assert padding == PaddingOptions(maxlen=9, padding="pre", value=-1.0)
    assert window == WindowOptions(window=16)
    assert args.memory_budget == 10**9 and parse_size("512MiB") == 512 * 1024**2
    _, _, no_window = options_from_args(build_parser().parse_args(["inspect", "f.csv"]))
    assert no_window is None


@pytest.mark.slow
def test_python_dash_m_core_inspect_runs_without_tensorflow(long_csv):
    code = (
        "import sys, core.cli; rc = core.cli.main(['inspect', sys.argv[1], '--json']); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(long_csv)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["samples"] == 4
    module = subprocess.run([sys.executable, "-m", "core", "inspect", str(long_csv)], capture_output=True, text=True,
                            timeout=60)
    assert module.returncode == 0 and "input_shape" in module.stdout


def test_inspect_piped_into_a_reader_that_stops_early_is_not_an_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "series.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(200)))
    # `true` exits without reading, long before Python has written: the write always hits EPIPE.
    pipeline = f"{sys.executable} -m core inspect {path} | true"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr == ""
