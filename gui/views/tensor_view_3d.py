"""The tensor as a 3-D block of cells (samples × timesteps × features), with a 2-D fallback.

The 3-D view draws a :class:`core.tensor_views.BlockGrid` (at most 32 × 64 × 16 blocks,
whatever the tensor size) as one small ``GLVolumeItem``, so a frame costs a few milliseconds
even with software OpenGL (Mesa llvmpipe). Data blocks take the colour of their mean value;
padding is translucent grey. The selected sample, time step and feature are drawn as
translucent slabs with wire frames.

Without OpenGL (the offscreen platform, a failing driver, or ``SHAPE_EXPLORER_NO_GL=1``) the
widget shows the same selection as three 2-D slices and says so; it never crashes.
"""

from __future__ import annotations

import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QMatrix4x4,
    QPainter,
    QPixmap,
    QShortcut,
    QVector3D,
)
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget
from superqt.utils import signals_blocked

from core import tensor_views as tv
from core.tensor_data import TensorData
from gui.views.theme import Theme, ThemedView, fit_axis_to_labels, plural, theme_for

NO_GL_NOTICE = "3-D view needs OpenGL; showing 2-D slices"
_NO_GL_PLATFORMS = {"offscreen", "minimal", "linuxfb", "vnc", "minimalegl"}
_gl_probe_result: bool | None = None


def gl_available() -> bool:
    """Whether an OpenGL context can be made here, probed once and safely (never raises).

    False when ``SHAPE_EXPLORER_NO_GL=1``, without a QGuiApplication, on platforms with no
    OpenGL (offscreen), when PyOpenGL is missing, or when a context cannot be created and made
    current on an offscreen surface.
    """
    global _gl_probe_result
    if os.environ.get("SHAPE_EXPLORER_NO_GL", "") not in ("", "0"):
        return False
    app = QGuiApplication.instance()
    if app is None or QGuiApplication.platformName() in _NO_GL_PLATFORMS:
        return False
    if _gl_probe_result is None:
        _gl_probe_result = _probe_gl()
    return _gl_probe_result


def _probe_gl() -> bool:
    try:
        import pyqtgraph.opengl  # noqa: F401  (needs PyOpenGL)
        from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

        context = QOpenGLContext()
        if not context.create():
            return False
        surface = QOffscreenSurface()
        surface.setFormat(context.format())
        surface.create()
        ok = surface.isValid() and context.makeCurrent(surface)
        if ok:
            context.doneCurrent()
        surface.destroy()
        return bool(ok)
    except Exception:  # noqa: BLE001 - any driver/binding failure means "no GL", never a crash
        return False


AXES = (
    ("sample", "samples", "N", "Which sample (one row of your data, one sequence) to highlight."),
    ("timestep", "timesteps", "T", "Which time step (position inside every sequence) to highlight."),
    ("feature", "features", "F", "Which feature (measured variable, one column of each step) to highlight."),
)


def label_position(x: float, y: float, axis: int, width: float, ascent: float, descent: float,
                   view_width: float, view_height: float, margin: float = 4.0) -> tuple[float, float]:
    """Where to draw an axis label (text baseline origin) next to its projected anchor point.

    samples: centred on the point; timesteps: to its right; features: to its left. The label
    is then pushed inside the view, so a narrow window never cuts it off at an edge.
    """
    dx = (-width / 2, margin, -width - margin)[axis]
    left = min(max(x + dx, margin), max(margin, view_width - width - margin))
    baseline = min(max(y + ascent / 2, ascent + margin), max(ascent + margin, view_height - descent - margin))
    return left, baseline


def _make_labels_item(gl):
    """A GL item that paints several 3-D-anchored text labels with ONE QPainter per frame.

    pyqtgraph's GLTextItem opens a QPainter per label; on software OpenGL each costs several
    milliseconds, which the 33 ms frame budget cannot spare.
    """

    class GLLabelsItem(gl.GLGraphicsItem.GLGraphicsItem):
        def __init__(self) -> None:
            super().__init__()
            self.labels: list[tuple[str, np.ndarray]] = []
            self.anchors = None
            self.offset = 0.0
            self.color = QColor(0, 0, 0)
            self.font = QFont(QFont().family(), 11)

        def set_labels(self, labels, color, blocks=None) -> None:
            """``labels``: (text, fixed position) pairs; with ``blocks`` (the box size) each label
            is instead placed beside the lowest-drawn box edge along its axis, every frame."""
            self.labels = list(labels)
            self.color = color
            self.anchors = tv.label_anchor_edges(blocks) if blocks is not None else None
            self.offset = max(1.0, float(np.max(blocks)) * 0.06) if blocks is not None else 0.0
            self.update()

        def _anchor(self, project, index, fixed):
            """Screen point of label ``index``: its fixed position, or its best box edge — the
            lowest one for an axis that runs across the screen, the leftmost for one that runs up."""
            if self.anchors is None:
                return project.map(QVector3D(*(float(v) for v in fixed))).toPointF()
            mid = self.anchors[index][0][0]
            step = np.zeros(3)
            step[index] = 1.0
            a = project.map(QVector3D(*(float(v) for v in mid))).toPointF()
            b = project.map(QVector3D(*(float(v) for v in mid + step))).toPointF()
            upright = abs(b.y() - a.y()) > abs(b.x() - a.x())
            best, best_key = None, None
            for mid, outward in self.anchors[index]:
                point = project.map(QVector3D(*(float(v) for v in mid + outward * self.offset))).toPointF()
                key = (-point.x(), point.y()) if upright else (point.y(), -point.x())
                if best_key is None or key > best_key:
                    best, best_key = point, key
            return best

        def paint(self) -> None:
            if not self.labels:
                return
            self.setupGLState()
            widget = self.view()
            rect = QRectF(widget.rect())
            viewport = QMatrix4x4()
            viewport.viewport(rect.left(), rect.bottom(), rect.width(), -rect.height())
            project = viewport * self.mvpMatrix()
            painter = QPainter(widget)
            painter.setPen(self.color)
            painter.setFont(self.font)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            metrics = QFontMetrics(self.font)
            for index, (text, pos) in enumerate(self.labels):
                point = self._anchor(project, index % 3, pos)
                axis = 0 if self.anchors is not None else index % 3  # beside an edge: centred on it
                x, y = label_position(point.x(), point.y(), axis, metrics.horizontalAdvance(text),
                                      metrics.ascent(), metrics.descent(), rect.width(), rect.height())
                painter.drawText(QPointF(x, y), text)
            painter.end()

    return GLLabelsItem()


def _about(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"


def block_text(cells_per_block: tuple[float, float, float]) -> str:
    """``"one cell"`` or ``"about 9.4 samples × 1 timestep × 1 feature"`` for a cube's share."""
    if all(abs(c - 1) < 1e-9 for c in cells_per_block):
        return "one cell"
    words = (("sample", "samples"), ("timestep", "timesteps"), ("feature", "features"))
    parts = [f"{_about(c)} {one if _about(c) == '1' else many}" for c, (one, many) in zip(cells_per_block, words)]
    return "about " + " × ".join(parts)


class TensorView3D(ThemedView, QWidget):
    """The whole ``(N, T, F)`` tensor in 3-D, with a sample/timestep/feature selection.

    ``set_data(shaped)`` takes anything with ``x`` (N, T, F) or (N, T) token ids, ``mask``
    (N, T) or None and ``feature_names``. ``set_selection`` moves the highlight without
    emitting; the sliders emit ``selectionChanged(sample, timestep, feature)``.
    Pass ``use_gl=False`` to force the 2-D fallback (``None``: probe with :func:`gl_available`).
    """

    selectionChanged = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None, *, use_gl: bool | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 360)
        self._theme: Theme = theme_for(self)
        self._x: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._grid: tv.BlockGrid | None = None
        self._levels = (0.0, 1.0)
        self._selection = [0, 0, 0]
        self._gl_view = None
        self._fallback: pg.GraphicsLayoutWidget | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self._notice = QLabel(NO_GL_NOTICE)
        self._notice.setObjectName("noGlNotice")
        self._notice.setWordWrap(True)
        self._notice.setToolTip(
            "The 3-D view draws with OpenGL, which this display does not offer (for example a remote "
            "session or a headless test). The three slices below show the same selection in 2-D."
        )
        self._notice.setVisible(False)
        layout.addWidget(self._notice)

        want_gl = gl_available() if use_gl is None else (use_gl and gl_available())
        if want_gl:
            try:
                self._build_gl()
            except Exception:  # noqa: BLE001 - a broken driver must not take the window down
                self._gl_view = None
        if self._gl_view is None:
            self._build_fallback()
            self._notice.setVisible(True)
            layout.addWidget(self._fallback, 1)
        else:
            layout.addWidget(self._gl_view, 1)

        self._caption = QLabel("Open a file to see its tensor.")
        self._caption.setWordWrap(True)
        self._caption.setToolTip(
            "How to read the picture: each cube (or pixel) summarises a block of cells of the tensor. "
            "Its colour is the mean of the real values in it; grey marks padding added to make "
            "sequences the same length."
        )
        layout.addWidget(self._caption)
        layout.addLayout(self._build_controls())
        self._apply_theme()

    # ---- public API -------------------------------------------------------------------------
    @property
    def uses_gl(self) -> bool:
        """True when the 3-D OpenGL view is shown, False for the 2-D fallback."""
        return self._gl_view is not None

    @property
    def block_grid(self) -> tv.BlockGrid | None:
        return self._grid

    def grab_image(self) -> QPixmap:
        """A screenshot of the widget including the OpenGL picture and its labels.

        ``QWidget.grab()`` leaves out text painted into the GL scene; this pastes the GL
        framebuffer over it. Use it for "save as PNG" and window screenshots.
        """
        pixmap = self.grab()
        if self.uses_gl:
            painter = QPainter(pixmap)
            painter.drawImage(self._gl_view.geometry().topLeft(), self._gl_view.grabFramebuffer())
            painter.end()
        return pixmap

    def selection(self) -> tuple[int, int, int]:
        return tuple(self._selection)  # type: ignore[return-value]

    def set_data(self, shaped: TensorData) -> None:
        """Show a new tensor (``shaped.x``, ``shaped.mask``, ``shaped.feature_names``)."""
        self._x = shaped.x
        self._mask = shaped.mask
        x3 = tv.as_three_d(self._x)
        names = tuple(shaped.feature_names)
        self._names = names if len(names) == x3.shape[2] else tuple(f"feature_{i}" for i in range(x3.shape[2]))
        self._tokens = shaped.x.ndim == 2
        self._grid = tv.block_summary(self._x, self._mask)
        self._levels = tv.robust_levels(self._grid.mean) if self.uses_gl else tv.tensor_levels(self._x, self._mask)
        for (key, _, _, _), size in zip(AXES, x3.shape):
            slider, spin = self._sliders[key], self._spins[key]
            for w in (slider, spin):
                with signals_blocked(w):
                    w.setRange(0, max(0, size - 1))
                    w.setEnabled(size > 1)
        self._selection = [min(s, max(0, size - 1)) for s, size in zip(self._selection, x3.shape)]
        self._sync_controls()
        self._update_caption()
        if self.uses_gl:
            self._update_gl_scene()
        else:
            self._update_fallback()

    def set_selection(self, sample: int | None = None, timestep: int | None = None, feature: int | None = None) -> None:
        """Move the highlighted slices (``None`` keeps an axis as it is); does not emit."""
        for axis, value in enumerate((sample, timestep, feature)):
            if value is not None:
                self._selection[axis] = int(value)
        if self._x is not None:
            shape = tv.as_three_d(self._x).shape
            self._selection = [int(np.clip(s, 0, max(0, n - 1))) for s, n in zip(self._selection, shape)]
        self._sync_controls()
        self._refresh_selection()

    # ---- controls ---------------------------------------------------------------------------
    def _build_controls(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self._sliders: dict[str, QSlider] = {}
        self._spins: dict[str, QSpinBox] = {}
        self._axis_labels: dict[str, QLabel] = {}
        for row, (key, _plural, _letter, tip) in enumerate(AXES):
            label = QLabel(key.capitalize())
            label.setToolTip(tip)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setToolTip(tip)
            slider.setMinimumWidth(140)
            spin = QSpinBox()
            spin.setToolTip(tip + " Counting starts at 0, as in Python.")
            spin.setMinimumWidth(80)
            slider.valueChanged.connect(spin.setValue)
            spin.valueChanged.connect(slider.setValue)
            spin.valueChanged.connect(self._on_control_changed)
            grid.addWidget(label, row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(spin, row, 2)
            self._sliders[key], self._spins[key], self._axis_labels[key] = slider, spin, label
        grid.setColumnStretch(1, 1)
        self.reset_button = QPushButton("Reset view")
        self.reset_button.setToolTip("Back to the first view of the whole block (Home).")
        self.reset_button.clicked.connect(self.reset_view)
        self.reset_button.setVisible(self.uses_gl)
        home = QShortcut(QKeySequence(Qt.Key.Key_Home), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        home.activated.connect(self.reset_view)
        grid.addWidget(self.reset_button, 0, 3)
        return grid

    def _sync_controls(self) -> None:
        for (key, *_), value in zip(AXES, self._selection):
            for w in (self._sliders[key], self._spins[key]):
                with signals_blocked(w):
                    w.setValue(value)

    def _on_control_changed(self, _value: int) -> None:
        self._selection = [self._spins[key].value() for key, *_ in AXES]
        self._refresh_selection()
        self.selectionChanged.emit(*self._selection)

    def _refresh_selection(self) -> None:
        if self._x is None:
            return
        if self.uses_gl:
            self._update_gl_selection()
        else:
            self._update_fallback()

    def _update_caption(self) -> None:
        if self._grid is None:
            return
        n, t, f = self._grid.shape
        tokens = getattr(self, "_tokens", False)
        if tokens:
            parts = [f"Tensor: {plural(n, 'sample')} × {plural(t, 'timestep')}, one token id per step (no feature "
                     "axis: an Embedding layer adds one; it is drawn here with a depth of 1)."]
        else:
            parts = [f"Tensor: {plural(n, 'sample')} × {plural(t, 'timestep')} × {plural(f, 'feature')}."]
        colour = ("colour = token id (a word's index in the vocabulary, not an amount)" if tokens
                  else "colour = value")
        if self.uses_gl:
            parts.append(f"Each cube is {block_text(self._grid.cells_per_block())}; {colour.replace('value', 'mean value')}, "
                         "grey = padding. Click a cube to select it; drag to rotate, scroll to zoom.")
            parts.append("Highlighted: sample (orange), timestep (blue), feature (purple).")
        else:
            parts.append(f"{colour.capitalize()}, grey = padding; lines mark the selected slices (click a cell to move them).")
        if self._grid.sampled:
            parts.append("(Large tensor: the summary reads an even sample of the cells.)")
        self._caption.setText(" ".join(parts))

    # ---- 3-D scene --------------------------------------------------------------------------
    def _build_gl(self) -> None:
        import pyqtgraph.opengl as gl

        self._gl = gl
        view = gl.GLViewWidget()
        view.setMinimumSize(320, 240)
        view.setToolTip(
            "Your tensor as a block: samples along one edge, time steps along another, features along "
            "the third. Click a cube to select its sample, time step and feature; drag to rotate, scroll "
            "to zoom, Ctrl+drag to pan; Home (or Reset view) brings the first view back."
        )
        view.installEventFilter(self)
        self._press_at = None
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._volume = None
        self._outline = None
        self._slabs = []
        self._slab_edges = []
        # Highlights are drawn after the volume and without depth test, so they always show.
        from OpenGL import GL

        # Blending keeps the framebuffer's alpha opaque (glBlendFuncSeparate), or QWidget.grab()
        # and window screenshots composite the translucent scene into garbage.
        blend = {"glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)}
        self._volume_gl_options = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False, **blend}
        on_top = {GL.GL_DEPTH_TEST: False, GL.GL_BLEND: True, GL.GL_CULL_FACE: False, **blend}
        for _ in range(3):
            vertices, faces = tv.box_mesh((0, 0, 0), (1, 1, 1))
            slab = gl.GLMeshItem(vertexes=vertices, faces=faces, smooth=False, drawEdges=False, glOptions=on_top)
            edges = gl.GLLinePlotItem(
                pos=tv.box_edges((0, 0, 0), (1, 1, 1)), mode="lines", width=2.0, antialias=True, glOptions=on_top
            )
            slab.setDepthValue(10)
            edges.setDepthValue(11)
            view.addItem(slab)
            view.addItem(edges)
            self._slabs.append(slab)
            self._slab_edges.append(edges)
        self._outline = gl.GLLinePlotItem(pos=np.zeros((2, 3)), mode="lines", width=1.0, antialias=True, glOptions=on_top)
        view.addItem(self._outline)
        self._labels = _make_labels_item(gl)
        self._labels.setDepthValue(20)  # painted last, over the volume
        view.addItem(self._labels)
        self._gl_view = view

    def _update_gl_scene(self) -> None:
        gl = self._gl
        grid = self._grid
        assert grid is not None
        rgba = tv.volume_rgba(grid, self._theme.lut(), self._pad_rgba(), self._levels)
        if self._volume is None:
            self._volume = gl.GLVolumeItem(rgba, sliceDensity=1, smooth=False, glOptions=self._volume_gl_options)
            self._gl_view.addItem(self._volume)
        else:
            self._volume.setData(rgba)
        dims = np.array(grid.blocks, dtype=np.float32)
        self._outline.setData(pos=tv.box_edges((0, 0, 0), dims), color=self._theme.qcolor(self._theme.muted))
        n, t, f = grid.shape
        tokens = getattr(self, "_tokens", False)
        texts = (
            f"{'sample' if n == 1 else 'samples'} (N={n:,})",
            f"{'timestep' if t == 1 else 'timesteps'} (T={t:,})",
            "token id (F=1)" if tokens else f"{'feature' if f == 1 else 'features'} (F={f:,})",
        )
        offset = max(1.0, float(dims.max()) * 0.06)
        positions = (
            (dims[0] / 2, -offset, -offset),
            (dims[0] + offset, dims[1] / 2, -offset),
            (-offset, -offset, dims[2] / 2),
        )
        self._labels.set_labels(
            [(text, np.array(pos, dtype=np.float32)) for text, pos in zip(texts, positions)],
            self._theme.qcolor(self._theme.foreground),
            blocks=dims,
        )
        self.reset_view()
        self._update_gl_selection()

    def reset_view(self) -> None:
        """Back to the first view of the block: the whole tensor, seen from the front and above."""
        if not self.uses_gl or self._grid is None:
            return
        dims = np.array(self._grid.blocks, dtype=np.float32)
        self._gl_view.setCameraPosition(
            pos=QVector3D(*(dims / 2)), distance=float(np.linalg.norm(dims)) * 1.6, elevation=28, azimuth=-50
        )

    def pick(self, x: float, y: float) -> tuple[int, int, int] | None:
        """The (sample, timestep, feature) under widget point (x, y) of the 3-D view, or None."""
        if not self.uses_gl or self._grid is None:
            return None
        view = self._gl_view
        width, height = max(view.width(), 1), max(view.height(), 1)
        viewport = (0, 0, width, height)
        inverse, invertible = (view.projectionMatrix(viewport, viewport) * view.viewMatrix()).inverted()
        if not invertible:
            return None
        ndc_x, ndc_y = 2.0 * x / width - 1.0, 1.0 - 2.0 * y / height
        near = inverse.map(QVector3D(ndc_x, ndc_y, -1.0))
        far = inverse.map(QVector3D(ndc_x, ndc_y, 1.0))
        return tv.pick_cell((near.x(), near.y(), near.z()), (far.x(), far.y(), far.z()), self._grid)

    def select_at(self, x: float, y: float) -> bool:
        """Select the cell under widget point (x, y) (a click in the 3-D view); True if one was hit."""
        cell = self.pick(x, y)
        if cell is None:
            return False
        self.set_selection(*cell)
        self.selectionChanged.emit(*self._selection)
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        """A click (press and release without dragging) in the 3-D view selects the cell under it."""
        if watched is self._gl_view and event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            if event.button() == Qt.MouseButton.LeftButton:
                position = event.position()
                if event.type() == QEvent.Type.MouseButtonPress:
                    self._press_at = position
                elif self._press_at is not None and (position - self._press_at).manhattanLength() < 4:
                    self._press_at = None
                    self.select_at(position.x(), position.y())
        return super().eventFilter(watched, event)

    def _update_gl_selection(self) -> None:
        grid = self._grid
        if grid is None:
            return
        dims = np.array(grid.blocks, dtype=np.float32)
        colours = (self._theme.selection, self._theme.selection_timestep, self._theme.selection_feature)
        for axis, (slab, edges, colour) in enumerate(zip(self._slabs, self._slab_edges, colours)):
            lo, hi = np.zeros(3, dtype=np.float32), dims.copy()
            lo[axis], hi[axis] = tv.block_span(grid.edges[axis], self._selection[axis])
            vertices, faces = tv.box_mesh(lo, hi)
            r, g, b, _ = colour
            slab.setMeshData(vertexes=vertices, faces=faces)
            # Selecting the only slice along an axis would tint the whole block: leave it out.
            slab.setVisible(grid.shape[axis] > 1)
            edges.setVisible(grid.shape[axis] > 1)
            slab.setColor((r / 255, g / 255, b / 255, 0.16))
            edges.setData(pos=tv.box_edges(lo, hi), color=(r / 255, g / 255, b / 255, 1.0))

    def _pad_rgba(self) -> tuple[int, int, int, int]:
        r, g, b, _ = self._theme.padding
        return (r, g, b, 28)

    # ---- 2-D fallback -------------------------------------------------------------------------
    def _build_fallback(self) -> None:
        view = pg.GraphicsLayoutWidget()
        view.setMinimumSize(320, 240)
        self._fallback = view
        self._plots: dict[str, pg.PlotItem] = {}
        self._images: dict[str, pg.ImageItem] = {}
        self._overlays: dict[str, pg.ImageItem] = {}
        self._lines: dict[str, list[pg.InfiniteLine]] = {}
        specs = (
            ("sample", "One sample (T × F)", "timestep", "feature",
             "The selected sample: each column is a time step, each row a feature."),
            ("timestep", "One timestep (N × F)", "sample", "feature",
             "The selected time step in every sample: each column is a sample, each row a feature."),
            ("feature", "One feature (N × T)", "sample", "timestep",
             "The selected feature in every sample: each column is a sample, each row a time step."),
        )
        places = ((0, 0, 1), (0, 1, 1), (1, 0, 2))  # (row, col, colspan): the feature slice is wide
        for (row, col, span), (key, title, xlabel, ylabel, tip) in zip(places, specs):
            plot = view.addPlot(row=row, col=col, colspan=span, title=title)
            plot.setLabel("bottom", xlabel)
            plot.setLabel("left", ylabel)
            plot.setMenuEnabled(False)
            plot.getViewBox().setMouseEnabled(x=True, y=True)
            plot.setToolTip(tip + " Grey cells are padding.")
            image = pg.ImageItem(axisOrder="row-major")
            overlay = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            plot.addItem(overlay)
            lines = [pg.InfiniteLine(angle=90, movable=False), pg.InfiniteLine(angle=0, movable=False)]
            for line in lines:
                plot.addItem(line)
            self._plots[key], self._images[key], self._overlays[key], self._lines[key] = plot, image, overlay, lines
        view.scene().sigMouseClicked.connect(self._on_fallback_click)

    # Which tensor axes a slice's (x, y) are: the sample slice is timesteps × features, and so on.
    _SLICE_AXES = {"sample": (1, 2), "timestep": (0, 2), "feature": (0, 1)}

    def _on_fallback_click(self, event) -> None:
        """A click on a 2-D slice selects the cell under it, as a click on a cube does in 3-D."""
        if self._x is None or event.button() != Qt.MouseButton.LeftButton:
            return
        for key, plot in self._plots.items():
            if plot.sceneBoundingRect().contains(event.scenePos()):
                point = plot.vb.mapSceneToView(event.scenePos())
                self.select_in_slice(key, point.x(), point.y())
                return

    def select_in_slice(self, key: str, x: float, y: float) -> bool:
        """Select the cell at data point (x, y) of the 2-D slice ``key``; True if it is on the tensor."""
        shape = tv.as_three_d(self._x).shape
        x_axis, y_axis = self._SLICE_AXES[key]
        column, row = int(np.floor(x)), int(np.floor(y))
        if not (0 <= column < shape[x_axis] and 0 <= row < shape[y_axis]):
            return False
        selection = list(self._selection)
        selection[x_axis], selection[y_axis] = column, row
        self.set_selection(*selection)
        self.selectionChanged.emit(*self._selection)
        return True

    def _update_fallback(self) -> None:
        if self._x is None:
            return
        s, t, f = self._selection
        slices = {
            "sample": tv.sample_slice(self._x, self._mask, s),  # (T, F) → drawn as F rows × T columns
            "timestep": tv.timestep_slice(self._x, self._mask, t, max_rows=2048),  # (N, F)
            "feature": tv.feature_slice(self._x, self._mask, f, max_rows=2048),  # (N, T)
        }
        # Which other selections each slice can show as lines: (vertical x, horizontal y).
        marks = {"sample": (t, f), "timestep": (s, f), "feature": (s, t)}
        palette = self._theme.pad_overlay_palette()
        for key, piece in slices.items():
            values, real = piece.values.T, piece.real.T  # rows of the picture = second tensor axis
            columns = piece.rows if key != "sample" else np.arange(values.shape[1])
            scale = float(columns[1] - columns[0]) if len(columns) > 1 else 1.0
            rect = (0.0, 0.0, float(values.shape[1]) * scale, float(values.shape[0]))
            image, overlay = self._images[key], self._overlays[key]
            image.setImage(values, levels=self._levels, autoLevels=False)
            image.setColorMap(self._theme.colormap())
            image.setRect(*rect)
            overlay.setImage(tv.class_rgba(~real, palette), autoLevels=False)
            overlay.setRect(*rect)
            if key != "feature":
                fit_axis_to_labels(self._plots[key].getAxis("left"), tv.label_ticks(self._names, max_labels=16))
            self._plots[key].setTitle(self._slice_titles(key))
            vertical, horizontal = self._lines[key]
            vertical.setValue(marks[key][0] + 0.5)
            horizontal.setValue(marks[key][1] + 0.5)

    def _slice_titles(self, key: str) -> str:
        s, t, f = self._selection
        name = self._names[f] if f < len(self._names) else str(f)
        return {"sample": f"Sample {s} (timesteps × features)", "timestep": f"Timestep {t} (samples × features)",
                "feature": f"Feature '{name}' (samples × timesteps)"}[key]

    # ---- theme ------------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        theme = self._theme
        self._notice.setStyleSheet(f"color: {theme.qcolor(theme.warning).name()}; font-weight: bold;")
        if self.uses_gl:
            self._gl_view.setBackgroundColor(theme.qcolor(theme.background))
        else:
            self._fallback.setBackground(theme.qcolor(theme.background))
            for plot in self._plots.values():
                theme.style_plot(plot)
            colours = {"sample": (theme.selection_timestep, theme.selection_feature),
                       "timestep": (theme.selection, theme.selection_feature),
                       "feature": (theme.selection, theme.selection_timestep)}
            for key, lines in self._lines.items():
                for line, colour in zip(lines, colours[key]):
                    line.setPen(pg.mkPen(theme.qcolor(colour), width=2))
        for key, colour in zip(("sample", "timestep", "feature"), (theme.selection, theme.selection_timestep, theme.selection_feature)):
            self._axis_labels[key].setStyleSheet(f"color: {theme.qcolor(colour).name()}; font-weight: bold;")

    def _redraw_in_theme(self) -> None:
        if self.uses_gl and self._grid is not None:
            self._update_gl_scene()
        elif self._x is not None:
            self._update_fallback()
