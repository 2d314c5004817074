"""The ``shape-explorer`` entry point: headless sub-commands without Qt, and the screenshot mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def write_long_csv(folder: Path) -> Path:
    rows = ["id,t,a,b,label"]
    for sid, (length, label) in enumerate([(4, "up"), (3, "down"), (2, "up")]):
        rows += [f"s{sid},{t},{sid + t * 0.25},{t * 1.5},{label}" for t in range(length)]
    path = folder / "steps.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_python(code: str, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, env=full_env)


@pytest.mark.slow
def test_inspect_subcommand_never_imports_qt(tmp_path):
    path = write_long_csv(tmp_path)
    code = (
        "import sys, json\n"
        "from gui.main import main\n"
        "rc = main(['inspect', sys.argv[1], '--json'])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt'))\n"
        "sys.stderr.write('RESULT ' + json.dumps({'rc': rc, 'qt': qt}))\n"
    )
    result = run_python(code, str(path))
    assert "RESULT " in result.stderr, result.stderr
    outcome = json.loads(result.stderr.split("RESULT ", 1)[1])
    assert outcome == {"rc": 0, "qt": []}
    report = json.loads(result.stdout)
    assert report["shape"] == [3, 4, 2]
    assert report["input_shape"] == [4, 2]


@pytest.mark.slow
def test_inspect_errors_are_one_sentence_with_exit_code_2(tmp_path):
    missing = tmp_path / "nope.csv"
    result = run_python("import sys; from gui.main import main; sys.exit(main(sys.argv[1:]))", "inspect", str(missing))
    assert result.returncode == 2
    assert "nope.csv" in result.stderr and "Traceback" not in result.stderr


def test_unknown_window_option_is_a_usage_error(capsys):
    from gui.main import main

    assert main(["--no-such-option"]) == 2
    assert "usage" in capsys.readouterr().err.lower()


def test_size_option_is_validated():
    import argparse

    from gui.main import _size

    assert _size("1100x700") == (1100, 700)
    with pytest.raises(argparse.ArgumentTypeError):
        _size("big")


def _screenshot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHAPE_EXPLORER_SETTINGS_DIR=str(tmp_path / "settings"))
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-m", "gui.main", *args], capture_output=True, text=True, timeout=60,
                          cwd=REPO, env=env)


@pytest.mark.slow
def test_screenshot_writes_a_png_of_the_loaded_window(tmp_path):
    out = tmp_path / "shot.png"
    result = _screenshot(tmp_path, "--screenshot", str(out), "--size", "1100x700", str(write_long_csv(tmp_path)))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1100, 700)
    assert not list(tmp_path.glob(".shot.png*")), "the temporary file of the atomic save is gone"


@pytest.mark.slow
def test_screenshot_of_an_unreadable_file_fails_with_a_message(tmp_path):
    out = tmp_path / "shot.png"
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY garbage")
    result = _screenshot(tmp_path, "--screenshot", str(out), str(bad))
    assert result.returncode == 2
    assert "bad.npy" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_unknown_demo_lists_the_choices(tmp_path):
    result = _screenshot(tmp_path, "--demo", "no-such-demo", "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "no-such-demo" in result.stderr


def test_view_names_find_their_tabs(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPE_EXPLORER_SETTINGS_DIR", str(tmp_path / "settings"))
    from gui.main import _tab_index
    from gui.main_window import MainWindow

    window = MainWindow(interactive=False, use_gl=False)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[_tab_index(window, "sample")] == "One sample"
    assert titles[_tab_index(window, "padding")] == "Padding"
    assert titles[_tab_index(window, "tensor")].startswith("Tensor")
    assert _tab_index(window, "nonsense") is None


@pytest.mark.slow
def test_unknown_view_is_a_usage_error(tmp_path):
    result = _screenshot(tmp_path, "--view", "nonsense", "--screenshot", str(tmp_path / "x.png"), "--demo", "vowels")
    assert result.returncode == 2
    assert "nonsense" in result.stderr and "padding" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_no_screen_gets_a_sentence_saying_what_to_do():
    from gui.main import missing_screen_message

    message = missing_screen_message({}, "linux")
    assert "xvfb-run" in message and "inspect" in message
    assert missing_screen_message({"DISPLAY": ":0"}, "linux") is None
    assert missing_screen_message({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_screen_message({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert missing_screen_message({}, "darwin") is None


def test_window_without_a_screen_exits_2_without_qts_abort(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "gui.main", "--demo", "vowels"], capture_output=True, text=True,
                            timeout=60, cwd=REPO, env=env)
    assert result.returncode == 2
    assert "no screen" in result.stderr and "Reinstalling" not in result.stderr


def test_demo_list_needs_no_screen_and_names_match_like_the_welcome_screen():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    listed = subprocess.run([sys.executable, "-m", "gui.main", "--demo"], capture_output=True, text=True,
                            timeout=60, cwd=REPO, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "vowels-long" in listed.stdout and "xvfb-run" in listed.stdout
    # A file stem with '_' names the same demo as its '-' name (the welcome screen finds both).
    stem = subprocess.run([sys.executable, "-m", "gui.main", "--demo", "vowels_long"], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=env)
    assert "no screen" in stem.stderr and "There is no bundled demo" not in stem.stderr


def test_one_demo_name_rule():
    from gui.demos import find_demo, list_demos

    demos = list_demos()
    for name in ("vowels-long", "VOWELS_LONG", "vowels_long.csv", " vowels-long "):
        assert find_demo(name, demos=demos).name == "vowels-long"
    assert find_demo("vowels", demos=demos).name == "vowels"
    assert find_demo("no-such-demo", demos=demos) is None


def test_no_module_in_gui_imports_itself_back_through_others():
    """No import cycle between the window's modules, lazy imports inside functions included."""
    from tests.import_cycles import import_cycles

    assert import_cycles("gui") == []
