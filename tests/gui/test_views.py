"""The data views on the offscreen platform: build, feed data, move controls, check the signals."""

from __future__ import annotations

import numpy as np
import pytest

from core.dataset import SequenceDataset, SourceInfo
from core.options import PaddingOptions, WindowOptions
from core.shaping.tensorize import shape_dataset
from core.tensor_data import TensorData


def make_shaped(n=40, t=12, f=3, padding="post", value=0.0, tokens=False, window=None, zero_first_step=False):
    """Real shaped data (core.shaping.tensorize.shape_dataset) of n random ragged sequences, 2 to t + 5 steps
    long (so some are padded and some truncated to t); with ``window``, n windows over one series."""
    rng = np.random.default_rng(0)
    source = SourceInfo(None, "npy")
    names = tuple(f"f{i}" for i in range(f))
    if window is not None:
        series = rng.normal(size=(n + window.window + window.horizon - 1, f)).astype(np.float32)
        return shape_dataset(SequenceDataset.from_sequences([series], source, names, kind="series"), window=window)
    original = rng.integers(2, t + 6, size=n)
    if tokens:
        dataset = SequenceDataset.from_sequences([rng.integers(2, 50, size=k) for k in original], source, ("token",),
                                                 kind="tokens", dtype=np.int32)
    else:
        sequences = [rng.normal(size=(k, f)).astype(np.float32) for k in original]
        if zero_first_step:
            sequences[0][0, :] = 0.0  # a real step that equals the pad value in every feature
        dataset = SequenceDataset.from_sequences(sequences, source, names)
    shaped = shape_dataset(dataset.validate(), PaddingOptions(maxlen=t, padding=padding, truncating="post", value=value))
    assert isinstance(shaped, TensorData)
    return shaped


# ---- 3-D view (2-D fallback on offscreen) -------------------------------------------------------
def test_tensor_view_falls_back_to_2d_on_offscreen_and_says_so(qtbot, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from gui.views.tensor_view_3d import NO_GL_NOTICE, TensorView3D, gl_available

    if QGuiApplication.platformName() == "offscreen":
        assert gl_available() is False  # the offscreen platform has no OpenGL
    else:  # a real display (e.g. the suite run under Xvfb): switch GL off the documented way
        monkeypatch.setenv("SHAPE_EXPLORER_NO_GL", "1")
    view = TensorView3D()
    qtbot.addWidget(view)
    shaped = make_shaped()
    view.set_data(shaped)
    view.set_selection(sample=int(np.argmin(shaped.lengths)))
    assert not view.uses_gl
    assert view._notice.isVisibleTo(view) and view._notice.text() == NO_GL_NOTICE
    assert view.block_grid.shape == (40, 12, 3)
    image = view._images["sample"].image
    assert image.shape == (3, 12)  # features × timesteps of one sample
    assert np.isnan(image).any()  # padded steps are left out of the colour scale


def test_gl_can_be_switched_off_by_environment(monkeypatch, qtbot):
    from gui.views import tensor_view_3d

    monkeypatch.setenv("SHAPE_EXPLORER_NO_GL", "1")
    assert tensor_view_3d.gl_available() is False
    view = tensor_view_3d.TensorView3D(use_gl=True)
    qtbot.addWidget(view)
    assert not view.uses_gl


def test_tensor_view_sliders_emit_selection_and_set_selection_does_not(qtbot):
    from gui.views.tensor_view_3d import TensorView3D

    view = TensorView3D(use_gl=False)
    qtbot.addWidget(view)
    view.set_data(make_shaped())
    with qtbot.waitSignal(view.selectionChanged, timeout=1000) as blocker:
        view._spins["timestep"].setValue(7)
    assert blocker.args == [0, 7, 0]
    with qtbot.assertNotEmitted(view.selectionChanged):
        view.set_selection(sample=3, feature=99)  # clamped to the last feature
    assert view.selection() == (3, 7, 2)
    assert view._sliders["sample"].value() == 3
    # The feature slice now shows feature 2 for every sample: samples × timesteps.
    assert view._images["feature"].image.shape == (12, 40)


def test_tensor_view_handles_token_ids(qtbot):
    from gui.views.tensor_view_3d import TensorView3D

    view = TensorView3D(use_gl=False)
    qtbot.addWidget(view)
    view.set_data(make_shaped(tokens=True))
    assert view.block_grid.shape == (40, 12, 1)
    assert view._spins["feature"].maximum() == 0


# ---- sample view ------------------------------------------------------------------------------
def test_sample_view_shows_sample_with_padding_and_curves(qtbot):
    from gui.views.sample_view import VISIBLE_CURVES, SampleView

    shaped = make_shaped(f=15)
    view = SampleView()
    qtbot.addWidget(view)
    view.set_data(shaped)
    view.set_sample(5)
    length = int(shaped.lengths[5])
    assert view._image.image.shape == (15, 12)
    assert np.isnan(view._image.image[:, length:]).all() and not np.isnan(view._image.image[:, :length]).any()
    assert len(view._pad_rects) == (1 if length < 12 else 0)
    curves = view.curves()
    assert len(curves) == 15
    assert [c.isVisible() for c in curves] == [i < VISIBLE_CURVES for i in range(15)]
    x_data, y_data = curves[0].getData()
    np.testing.assert_allclose(y_data[:length], shaped.x[5, :length, 0])
    assert f"length {length} of 12" in view._info.text()
    with qtbot.waitSignal(view.sampleChanged, timeout=1000) as blocker:
        view._spin.setValue(9)
    assert blocker.args == [9] and view.sample == 9


# ---- padding preview ------------------------------------------------------------------------
def test_padding_preview_controls_emit_options(qtbot):
    from gui.views.padding_preview import PaddingPreview

    view = PaddingPreview()
    qtbot.addWidget(view)
    with qtbot.assertNotEmitted(view.optionsChanged):
        view.set_data(make_shaped(), {"suggested_maxlen": {"value": 14, "percentile": 95, "truncated_share": 0.1}})
    assert view._maxlen.value() == 12
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._padding.setCurrentIndex(view._padding.findData("pre"))
    assert blocker.args[0] == PaddingOptions(maxlen=12, padding="pre", truncating="post", value=0.0, dtype="float32")  # the effective dtype
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._truncating.setCurrentIndex(view._truncating.findData("pre"))
    assert blocker.args[0].truncating == "pre"
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._value.setValue(-1.0)
    assert blocker.args[0].value == -1.0
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._suggest_button.click()
    assert blocker.args[0].maxlen == 14
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._maxlen.setValue(0)  # "longest"
    assert blocker.args[0].maxlen is None
    assert "current" in view._layout_plots[("pre", "pre")].titleLabel.text


def test_padding_preview_cut_line_emits_maxlen_and_updates_statistics(qtbot):
    from gui.views.padding_preview import PaddingPreview

    shaped = make_shaped()
    view = PaddingPreview()
    qtbot.addWidget(view)
    view.set_data(shaped)
    view._cut_line.setValue(8.4)  # dragging: statistics follow, nothing is emitted yet
    expected = (shaped.original_lengths > 8).sum()
    assert f"{expected} of 40 sequences" in view._stats.text()
    maxlens, options = [], []
    view.maxlenChanged.connect(maxlens.append)
    view.optionsChanged.connect(options.append)
    view._cut_line.sigPositionChangeFinished.emit(view._cut_line)  # the drop
    assert maxlens == [8]
    assert len(options) == 1 and options[0].maxlen == 8
    assert view.options().maxlen == 8
    assert view._cut_line.value() == 8.5


def test_padding_preview_warns_about_pad_value_collisions(qtbot):
    from gui.views.padding_preview import PaddingPreview

    shaped = make_shaped(zero_first_step=True)
    view = PaddingPreview()
    qtbot.addWidget(view)
    view.set_data(shaped)
    assert view._warning.isVisibleTo(view)
    assert "1 real step" in view._warning.text()


def test_padding_preview_takes_the_collision_count_from_the_report(qtbot, monkeypatch):
    import gui.views.padding_preview as preview_module
    from gui.views.padding_preview import PaddingPreview

    monkeypatch.setattr(preview_module, "pad_value_collisions", lambda *a, **k: pytest.fail("counted again"))
    view = PaddingPreview()
    qtbot.addWidget(view)
    view.set_data(make_shaped(), {"pad_value_collisions": 4})
    assert "4 real steps" in view._warning.text()
    view.set_data(make_shaped(), {"pad_value_collisions": None})  # no mask applies
    assert not view._warning.isVisibleTo(view)


def test_padding_preview_disables_controls_for_windows(qtbot):
    from gui.views.padding_preview import PaddingPreview

    view = PaddingPreview()
    qtbot.addWidget(view)
    view.set_data(make_shaped(window=WindowOptions(window=12)))
    assert not view._maxlen.isEnabled()
    assert view._notice.isVisibleTo(view)


# ---- window designer --------------------------------------------------------------------------
def test_window_designer_emits_options_and_shows_counts(qtbot):
    from gui.views.window_designer import WindowDesigner

    series = np.stack([np.sin(np.arange(200) / 10), np.arange(200) / 200], axis=1)
    view = WindowDesigner()
    qtbot.addWidget(view)
    with qtbot.assertNotEmitted(view.optionsChanged):
        view.set_series(series, ("temp", "trend"))
        view.set_options(WindowOptions(window=20, stride=5, horizon=2))
    # (200 - 22) // 5 + 1 = 36 windows; the last uses rows up to 35*5+22 = 197 → 3 rows dropped.
    assert "36 samples" in view._summary.text()
    assert "last 3 rows" in view._summary.text()
    assert view._tail.isVisible()
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._stride.setValue(1)
    assert blocker.args[0] == WindowOptions(window=20, stride=1, horizon=2, target_cols=None)
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._targets.item(1).setCheckState(view._targets.item(1).checkState().__class__.Unchecked)
    assert blocker.args[0].target_cols == ("temp",)
    with qtbot.waitSignal(view.optionsChanged, timeout=1000) as blocker:
        view._horizon.setValue(0)
    assert blocker.args[0].horizon == 0
    assert "no target" in view._summary.text()


def test_window_designer_explains_when_the_series_is_too_short(qtbot):
    from gui.views.window_designer import WindowDesigner

    view = WindowDesigner()
    qtbot.addWidget(view)
    view.set_series(np.arange(10.0), ("value",))
    view.set_options(WindowOptions(window=32))
    assert "No samples" in view._summary.text()


# ---- theme ------------------------------------------------------------------------------------
def test_theme_follows_palette_lightness(qtbot):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QWidget

    from gui.views.theme import DARK, LIGHT, theme_for

    widget = QWidget()
    qtbot.addWidget(widget)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(20, 20, 20))
    widget.setPalette(palette)
    assert theme_for(widget) is DARK
    palette.setColor(QPalette.ColorRole.Window, QColor(240, 240, 240))
    widget.setPalette(palette)
    assert theme_for(widget) is LIGHT
    assert LIGHT.padding != LIGHT.data and DARK.background != LIGHT.background


@pytest.mark.parametrize("name", ["TensorView3D", "SampleView", "PaddingPreview", "WindowDesigner", "ValuesView"])
def test_views_switch_theme_on_palette_change(qtbot, name):
    from PySide6.QtGui import QColor, QPalette

    import gui.views
    from gui.views.theme import DARK

    cls = getattr(gui.views, name)
    view = cls(use_gl=False) if name == "TensorView3D" else cls()
    qtbot.addWidget(view)
    if name == "WindowDesigner":
        view.set_series(np.sin(np.arange(200.0))[:, None], ("value",))
    else:
        view.set_data(make_shaped())
    redrawn = []
    original_redraw = view._redraw_in_theme
    view._redraw_in_theme = lambda: (redrawn.append(True), original_redraw())
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(25, 25, 28))
    view.setPalette(palette)
    assert view._theme is DARK and redrawn == [True]
    view.setPalette(palette)  # the same palette again: nothing to redo
    assert redrawn == [True]


@pytest.mark.parametrize("name", ["TensorView3D", "SampleView", "PaddingPreview", "WindowDesigner", "ValuesView"])
def test_every_control_explains_itself(qtbot, name):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QListWidget, QSlider

    import gui.views

    cls = getattr(gui.views, name)
    view = cls(use_gl=False) if name == "TensorView3D" else cls()
    qtbot.addWidget(view)
    controls = [w for kind in (QAbstractSpinBox, QComboBox, QSlider, QAbstractButton, QListWidget) for w in view.findChildren(kind)]
    controls = [w for w in controls if w.parent() is not None and not w.objectName().startswith("qt_")]
    assert controls
    missing = [type(w).__name__ for w in controls if not w.toolTip() and w.parent() is not None and w.isWindowType() is False
               and type(w.parent()).__name__ not in ("QAbstractSpinBox", "QComboBox", "QDoubleSpinBox", "QSpinBox")]
    assert not missing, f"controls without a tooltip: {missing}"
    assert view.minimumWidth() >= 400 and view.minimumHeight() >= 300


def test_a_click_on_a_2d_slice_selects_that_cell(qtbot):
    from gui.views.tensor_view_3d import TensorView3D

    view = TensorView3D(use_gl=False)
    qtbot.addWidget(view)
    view.set_data(make_shaped(n=10, t=8, f=3))
    with qtbot.waitSignal(view.selectionChanged) as picked:
        assert view.select_in_slice("feature", 6.4, 5.9)  # samples × timesteps
    assert picked.args == [6, 5, 0]
    assert view.select_in_slice("sample", 2.1, 1.2)  # timesteps × features of sample 6
    assert view.selection() == (6, 2, 1)
    assert not view.select_in_slice("timestep", 99.0, 0.0)
    assert view.selection() == (6, 2, 1)
