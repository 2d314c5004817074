"""The 3-D tensor view with real OpenGL (runs under Xvfb + Mesa; skipped elsewhere).

Run locally with:
    xvfb-run -a -s "-screen 0 1600x1000x24" python -m pytest tests/gui/test_tensor_view_3d_gl.py
Frame times are measured in benchmarks/bench_gui_views.py, not asserted here.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from core.training.data import ArrayData

pytestmark = pytest.mark.gl

if not os.environ.get("DISPLAY"):
    pytest.skip("needs a display with OpenGL (run under xvfb-run)", allow_module_level=True)

from PySide6.QtCore import QCoreApplication, QPoint, Qt  # noqa: E402

# GL widgets share one context group, so pyqtgraph's cached shader programs work in every view.
if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture
def gl_view(qtbot):
    from gui.views.tensor_view_3d import TensorView3D, gl_available

    if not gl_available():
        pytest.skip("OpenGL is not available on this display")
    view = TensorView3D()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def big_shaped():
    n, t, f = 10_000, 100, 10  # 10 million cells
    rng = np.random.default_rng(1)
    lengths = rng.integers(20, 101, size=n)
    mask = np.arange(t)[None, :] < lengths[:, None]
    x = np.zeros((n, t, f), dtype=np.float32)
    x += np.sin(np.linspace(0, 6, t, dtype=np.float32))[None, :, None]
    x[~mask] = 0.0
    return ArrayData(x, None, None, mask=mask, lengths=lengths.astype(np.int64), feature_names=tuple(f"f{i}" for i in range(f)))


def test_renders_a_ten_million_cell_tensor(gl_view):
    assert gl_view.uses_gl
    gl_view.set_data(big_shaped())
    gl_view.set_selection(sample=5000, timestep=50, feature=3)
    grid = gl_view.block_grid
    assert grid.shape == (10_000, 100, 10)
    assert grid.blocks == (32, 64, 10)  # level of detail: never one item per cell
    frame = gl_view._gl_view.grabFramebuffer()
    assert frame.width() > 100 and frame.height() > 100
    pixels = np.frombuffer(frame.constBits(), dtype=np.uint8, count=frame.sizeInBytes()).reshape(frame.height(), -1)
    # Non-blank: many distinct colours (the volume, highlights and labels), not a flat background.
    assert len(np.unique(pixels[:, ::4][:, : frame.width()])) > 20
    assert pixels.std() > 10


def test_selection_moves_the_highlight(gl_view):
    gl_view.set_data(big_shaped())
    before = gl_view._slab_edges[0].pos.copy()
    gl_view.set_selection(sample=9_999)
    after = gl_view._slab_edges[0].pos
    assert after[:, 0].max() == 32.0 and before[:, 0].min() == 0.0
    image = gl_view.grab_image()
    assert not image.isNull() and image.width() == gl_view.width()


def small_shaped():
    x = np.arange(4 * 6 * 3, dtype=np.float32).reshape(4, 6, 3)
    return ArrayData(x, None, None, mask=np.ones((4, 6), dtype=bool), feature_names=("a", "b", "c"))


def test_a_click_on_a_cube_selects_its_cell_and_a_drag_does_not(gl_view, qtbot):
    gl_view.set_data(small_shaped())  # 4 × 6 × 3 blocks = cells: picks are exact
    view = gl_view._gl_view
    # Aim at the projected centre of cell (2, 3, 1): the click must land in that column of cubes.
    centre = QPoint(*_project(view, (2.5, 3.5, 3.0)))  # on the top face, above cell (2, 3, 2)
    with qtbot.waitSignal(gl_view.selectionChanged) as picked:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre)
    sample, timestep, feature = picked.args
    assert (sample, timestep) == (2, 3) and feature == 2  # the top cube is the one first hit
    assert gl_view.selection() == (2, 3, 2)
    assert gl_view.pick(1, 1) is None  # the empty corner of the view misses the tensor


def test_reset_view_brings_the_first_camera_back(gl_view):
    gl_view.set_data(small_shaped())
    first = dict(gl_view._gl_view.cameraParams())
    gl_view._gl_view.setCameraPosition(azimuth=120, elevation=-10, distance=3)
    assert gl_view.reset_button.isVisible()
    gl_view.reset_button.click()
    again = gl_view._gl_view.cameraParams()
    assert (again["azimuth"], again["elevation"], again["distance"]) == (first["azimuth"], first["elevation"], first["distance"])


def test_hovering_a_cube_says_its_sample_step_feature_and_value(gl_view, qtbot):
    x = np.arange(4 * 6 * 3, dtype=np.float32).reshape(4, 6, 3)
    mask = np.ones((4, 6), dtype=bool)
    mask[2, 4:] = False  # sample 2 is padded after step 3
    gl_view.set_data(ArrayData(x, None, None, mask=mask, lengths=mask.sum(axis=1), feature_names=("a", "b", "c")))
    view = gl_view._gl_view
    with qtbot.waitSignal(gl_view.valueHovered) as hovered:
        x_px, y_px = _project(view, (2.5, 3.5, 3.0))  # the top face of cell (2, 3, 2)
        qtbot.mouseMove(view, QPoint(x_px, y_px))
    assert hovered.args[0] == f"sample 2, step 3, c: {x[2, 3, 2]:g}"
    frame = gl_view._hover_box
    assert frame.visible() and frame.pos.min(axis=0).tolist() == [2.0, 3.0, 2.0]  # the wire frame is round that cube
    assert frame.pos.max(axis=0).tolist() == [3.0, 4.0, 3.0]
    assert gl_view.hover_at(*_project(view, (2.5, 4.5, 3.0))) == f"sample 2, step 4, c: {x[2, 4, 2]:g} (padding)"
    assert gl_view.hover_at(1, 1) == ""  # the empty corner
    assert not gl_view._hover_box.visible()


def test_colour_by_feature_gives_each_feature_its_own_scale_in_3d(gl_view):
    from gui.views.colour_by import FEATURE, GLOBAL

    rng = np.random.default_rng(3)
    x = np.stack([rng.uniform(0, 1, (8, 10)), rng.uniform(1000, 2000, (8, 10))], axis=2).astype(np.float32)
    gl_view.set_data(ArrayData(x, None, None, feature_names=("small", "large")))
    assert gl_view.colour_by.currentData() == FEATURE  # suggested: ranges a thousand times apart
    per_feature = gl_view.volume_colours.copy()
    gl_view.colour_setting.set_mode(GLOBAL)
    shared = gl_view.volume_colours
    # Own scale: both features spread over the colour map. One scale: the small one is flat.
    def spread(rgba, feature):  # how much the colour varies over the feature's cubes
        return rgba[:, :, feature, :3].astype(float).std(axis=(0, 1)).max()

    assert spread(per_feature, 0) > 30 and spread(per_feature, 1) > 30
    assert spread(shared, 0) < 3 and spread(shared, 1) > 30
    assert "own scale" not in gl_view._caption.text()


def _project(view, point):
    from PySide6.QtGui import QVector3D

    width, height = view.width(), view.height()
    matrix = view.projectionMatrix((0, 0, width, height), (0, 0, width, height)) * view.viewMatrix()
    ndc = matrix.map(QVector3D(*point))
    return int((ndc.x() + 1) / 2 * width), int((1 - ndc.y()) / 2 * height)
