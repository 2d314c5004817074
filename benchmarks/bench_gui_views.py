"""3-D tensor view frame time with software OpenGL, against one scatter point per cell.

Goal (docs/BENCHMARKS.md): at least 30 frames per second for any tensor size. Ours draws the
level-of-detail block summary as one small volume; the reference is pyqtgraph's
``GLScatterPlotItem`` with one point per cell (capped at 1M points, 100k in quick mode,
since 10M points would not render at all). A frame is a camera move plus a full render and
read-back of the framebuffer; the median over several frames after a warm-up is reported.

OpenGL needs a display: without ``DISPLAY`` the measurement re-runs itself under
``xvfb-run`` (Mesa llvmpipe), the set-up CI uses; without either it reports a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

GOAL_SECONDS = 1 / 30


def _tensor(quick: bool):
    import numpy as np

    n, t, f = (1_000, 100, 10) if quick else (10_000, 100, 10)
    rng = np.random.default_rng(0)
    lengths = rng.integers(t // 5, t + 1, size=n)
    mask = np.arange(t)[None, :] < lengths[:, None]
    x = rng.normal(size=(n, t, f)).astype(np.float32)
    x[~mask] = 0.0
    return x, mask


def _frame_seconds(app, gl_widget, frames: int) -> float:
    gl_widget.grabFramebuffer()  # warm-up: shaders, textures
    gl_widget.grabFramebuffer()
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        gl_widget.orbit(3, 0.5)
        gl_widget.grabFramebuffer()
        times.append(time.perf_counter() - start)
    app.processEvents()
    times.sort()
    return times[len(times) // 2]  # the median: the machine is shared and noisy


def _measure(quick: bool) -> dict:
    """Runs in a process with a display: returns the benchmark row."""
    import numpy as np
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([])
    import pyqtgraph.opengl as gl

    from core.training.data import ArrayData
    from gui.views.tensor_view_3d import TensorView3D, gl_available

    name = "3-D tensor view frame (software OpenGL)"
    if not gl_available():
        return _skip(name, "OpenGL not available on this display")
    x, mask = _tensor(quick)
    frames = 10 if quick else 30

    view = TensorView3D()
    view.resize(900, 700)
    view.show()
    app.processEvents()
    start = time.perf_counter()
    view.set_data(ArrayData(x, None, None, mask=mask, feature_names=tuple(f"f{i}" for i in range(x.shape[2]))))
    set_data_s = time.perf_counter() - start
    ours = _frame_seconds(app, view._gl_view, frames)
    view.close()

    points = min(x.size, 100_000 if quick else 1_000_000)
    n, t, f = x.shape
    flat = np.linspace(0, x.size - 1, points).astype(np.int64)
    pos = np.stack(np.unravel_index(flat, (n, t, f)), axis=1).astype(np.float32)
    colours = np.ones((points, 4), dtype=np.float32) * 0.5
    reference_widget = gl.GLViewWidget()
    reference_widget.resize(view._gl_view.size())
    reference_widget.show()
    reference_widget.addItem(gl.GLScatterPlotItem(pos=pos, color=colours, size=2, pxMode=True))
    reference_widget.setCameraPosition(distance=float(max(n, t, f)) * 1.6)
    app.processEvents()
    reference = _frame_seconds(app, reference_widget, max(3, frames // 3))
    reference_widget.close()
    return {
        "name": name,
        "ours_s": ours,
        "reference_s": reference,
        "ratio": reference / ours if ours > 0 else float("inf"),
        "goal": "frame <= 33 ms (>= 30 fps) for any tensor size",
        "passed": bool(ours <= GOAL_SECONDS),
        "notes": (
            f"tensor {n}x{t}x{f} = {x.size:,} cells -> {view.block_grid.blocks} blocks; "
            f"set_data (block summary) {set_data_s * 1000:.0f} ms; reference = GLScatterPlotItem with "
            f"{points:,} points; ratio = reference/ours (speed-up); frame = orbit + render + read-back"
        ),
    }


def _skip(name: str, why: str) -> dict:
    return {"name": name, "ours_s": None, "reference_s": None, "ratio": None,
            "goal": "frame <= 33 ms (>= 30 fps) for any tensor size", "passed": None, "skipped": True,
            "notes": f"skipped: {why}"}


def bench_tensor_view_3d_frame(quick: bool = False) -> dict:
    """Frame time of the 3-D view on a 10M-cell tensor (1M in quick mode)."""
    name = "3-D tensor view frame (software OpenGL)"
    if os.environ.get("DISPLAY"):
        return _run_child(quick, [])
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        return _skip(name, "no DISPLAY and no xvfb-run (apt-get install xvfb)")
    return _run_child(quick, [xvfb, "-a", "-s", "-screen 0 1600x1000x24"])


def _run_child(quick: bool, prefix: list[str]) -> dict:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # offscreen has no OpenGL
    command = [*prefix, sys.executable, str(Path(__file__).resolve()), "--child"] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return _skip("3-D tensor view frame (software OpenGL)", f"measurement failed: {tail[0]}")
    return json.loads(lines[-1])


BENCHMARKS = [bench_tensor_view_3d_frame]


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_measure("--quick" in sys.argv)))
    else:
        for bench in BENCHMARKS:
            print(json.dumps(bench("--quick" in sys.argv)))
