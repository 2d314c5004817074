"""Import boundaries: core stays Qt-free, and the headless path never imports TensorFlow."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE_CONTRACT = "core is a Qt-free library"
QT_MODULES = {"PySide6", "pyqtgraph", "superqt", "shiboken6", "gui", "OpenGL"}


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("import-linter is not installed in this environment")
    env = None
    if pythonpath is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([str(exe), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def _status(output: str, contract: str) -> str | None:
    for line in output.splitlines():
        if line.strip().startswith(contract):
            return line.strip().rsplit(" ", 1)[-1]
    return None


@pytest.mark.slow
def test_core_contract_is_configured_and_kept():
    result = _lint_imports(REPO)
    assert _status(result.stdout, CORE_CONTRACT) == "KEPT", result.stdout[-3000:]


@pytest.mark.slow
def test_every_import_contract_is_kept():
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
def test_core_contract_really_fails_on_a_qt_import(tmp_path):
    """A copy of the project with one injected PySide6 import must break the contract."""
    for package in ("core", "gui"):
        if (REPO / package).is_dir():
            shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    victim = tmp_path / "core" / "shaping" / "mask.py"
    victim.write_text(victim.read_text() + "\n\ndef _leak():\n    import PySide6.QtCore  # noqa\n")
    result = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert _status(result.stdout, CORE_CONTRACT) == "BROKEN", result.stdout[-3000:]
    assert "core.shaping.mask -> PySide6" in result.stdout


@pytest.mark.slow
def test_headless_path_imports_neither_tensorflow_nor_keras():
    code = (
        "import core.cli, core.loaders, core.report, core.doctor, core.shaping.tensorize, sys; "
        "bad = [m for m in ('tensorflow', 'keras', 'PySide6', 'pyqtgraph') if m in sys.modules]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_qt_anywhere_even_inside_functions():
    offenders = {
        str(path.relative_to(REPO)): sorted(_imported_roots(path) & QT_MODULES)
        for path in (REPO / "core").rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_ast_scan_would_catch_a_lazy_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6 import QtCore\n    import pyqtgraph as pg\n")
    assert _imported_roots(sample) & QT_MODULES == {"PySide6", "pyqtgraph"}



def test_no_module_in_core_imports_itself_back_through_others():
    """No import cycle between core's modules, lazy imports inside functions included."""
    from tests.import_cycles import import_cycles

    assert import_cycles("core") == []
