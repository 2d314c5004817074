"""The tensor as a 3-D block of cells (samples × timesteps × features), with a 2-D fallback.

The 3-D view draws a :class:`core.tensor_views.BlockGrid` (at most 32 × 64 × 16 blocks,
whatever the tensor size) as one small ``GLVolumeItem``, so a frame costs a few milliseconds
even with software OpenGL (Mesa llvmpipe). Data blocks take the colour of their mean value;
padding is translucent grey. The selected sample, time step and feature are drawn as
translucent slabs with wire frames.

Without OpenGL (the offscreen platform, a failing driver, or ``SHAPE_EXPLORER_NO_GL=1``) the
widget shows the same selection as three 2-D slices and says so; it never crashes.

Hovering a cube (or a slice's cell) says its sample, step, feature and value in the status bar
(``valueHovered``, worded by :mod:`core.readout`) and frames the cube; *Colour by* gives each
feature its own colour scale, the setting shared with the sample heat-map. Whether OpenGL is
there and the in-scene axis labels live in :mod:`gui.views.gl_scene`; the 2-D slices in
:mod:`gui.views.tensor_slices`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
    QVector3D,
)
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget
from superqt.utils import signals_blocked

from core import readout as ro
from core import tensor_views as tv
from core.tensor_data import TensorData
from gui.limited_spin import LimitedSpinBox
from gui.views.colour_by import FEATURE, GLOBAL, ColourBy, ColourByCombo
from gui.views.gl_scene import gl_available, make_labels_item
from gui.views.hover import HoverReadout
from gui.views.tensor_slices import SLICE_AXES, TensorSlices
from gui.views.theme import Theme, ThemedView, plural, theme_for

NO_GL_NOTICE = "3-D view needs OpenGL; showing 2-D slices"


AXES = (
    ("sample", "samples", "N", "Which sample (one row of your data, one sequence) to highlight."),
    ("timestep", "timesteps", "T", "Which time step (position inside every sequence) to highlight."),
    ("feature", "features", "F", "Which feature (measured variable, one column of each step) to highlight."),
)


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
    #: The value under the pointer in words, for the status bar ("" when the pointer leaves the data).
    valueHovered = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, use_gl: bool | None = None,
                 colour_by: ColourBy | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 360)
        self._theme: Theme = theme_for(self)
        self._x: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._tokens = False
        self._grid: tv.BlockGrid | None = None
        self._levels = (0.0, 1.0)
        self._feature_levels: np.ndarray | None = None  # (F, 2) colour limits per feature
        self._readout: ro.TensorReadout | None = None
        self._hover = HoverReadout(self.valueHovered.emit)
        self.colour_setting = colour_by if colour_by is not None else ColourBy()
        self.colour_setting.changed.connect(self._on_colour_by)
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
        self._readout = ro.TensorReadout.of(shaped)
        self._grid = tv.block_summary(self._x, self._mask)
        self._levels = tv.robust_levels(self._grid.mean) if self.uses_gl else tv.tensor_levels(self._x, self._mask)
        # Per-feature limits from the tensor (as the heat-map's), so both views suggest the same;
        # the volume scales each feature block by its block means (core.tensor_views.volume_rgba).
        self._feature_levels = None if self._tokens else tv.feature_levels(self._x, self._mask)
        if self._feature_levels is not None:
            suggested = tv.colour_by_feature_suggested(self._feature_levels)
            self.colour_setting.suggest(FEATURE if suggested else GLOBAL)
        self.colour_by.setVisible(not self._tokens and x3.shape[2] > 1)
        for (key, words, _, _), size in zip(AXES, x3.shape):
            slider, spin = self._sliders[key], self._spins[key]
            for w in (slider, spin):
                with signals_blocked(w):
                    w.setRange(0, max(0, size - 1))
                    w.setEnabled(size > 1)
            spin.high_reason = f"the tensor has {plural(size, key, words)}, counted from 0"
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
            spin = LimitedSpinBox(key.capitalize())
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
        self.colour_by = ColourByCombo(self.colour_setting)
        grid.addWidget(self.colour_by, 1, 3)
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
        tokens = self._tokens
        if tokens:
            parts = [f"Tensor: {plural(n, 'sample')} × {plural(t, 'timestep')}, one token id per step (no feature "
                     "axis: an Embedding layer adds one; it is drawn here with a depth of 1)."]
        else:
            parts = [f"Tensor: {plural(n, 'sample')} × {plural(t, 'timestep')} × {plural(f, 'feature')}."]
        colour = ("colour = token id (a word's index in the vocabulary, not an amount)" if tokens
                  else "colour = value on each feature's own scale" if self._per_feature() else "colour = value")
        if self.uses_gl:
            parts.append(f"Each cube is {block_text(self._grid.cells_per_block())}; {colour.replace('value', 'mean value')}, "
                         "grey = padding. Hover a cube for its values, click to select it; drag to rotate, scroll to zoom.")
            parts.append("Highlighted: sample (orange), timestep (blue), feature (purple).")
        else:
            parts.append(f"{colour.capitalize()}, grey = padding; lines mark the selected slices (hover a cell for its value, click it to move them).")
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
        view.setMouseTracking(True)  # hover readouts without a button pressed
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
        # A wire frame round the cube under the pointer, so the readout says which cube it is.
        self._hover_box = gl.GLLinePlotItem(pos=np.zeros((2, 3)), mode="lines", width=2.0, antialias=True, glOptions=on_top)
        self._hover_box.setDepthValue(12)
        self._hover_box.setVisible(False)
        self._hovered_block: tuple[float, ...] | None = None
        view.addItem(self._hover_box)
        self._labels = make_labels_item(gl)
        self._labels.setDepthValue(20)  # painted last, over the volume
        view.addItem(self._labels)
        self._gl_view = view

    def _update_gl_scene(self) -> None:
        gl = self._gl
        grid = self._grid
        assert grid is not None
        rgba = tv.volume_rgba(grid, self._theme.lut(), self._pad_rgba(), self._levels, per_feature=self._per_feature())
        self.volume_colours = rgba  # what the volume shows, (bN, bT, bF, 4)
        if self._volume is None:
            self._volume = gl.GLVolumeItem(rgba, sliceDensity=1, smooth=False, glOptions=self._volume_gl_options)
            self._gl_view.addItem(self._volume)
        else:
            self._volume.setData(rgba)
        dims = np.array(grid.blocks, dtype=np.float32)
        self._outline.setData(pos=tv.box_edges((0, 0, 0), dims), color=self._theme.qcolor(self._theme.muted))
        n, t, f = grid.shape
        tokens = self._tokens
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
        self._hovered_block = None
        self._hover_box.setVisible(False)
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

    def hover_at(self, x: float, y: float) -> str:
        """The readout of the cube under widget point (x, y) of the 3-D view, sent to the status bar."""
        cell = self.pick(x, y)
        text = "" if cell is None or self._readout is None else self._readout.block(self._grid, cell)
        self._hover.show(text)
        self._frame_hovered(cell if text else None)
        return text

    def _frame_hovered(self, cell: tuple[int, int, int] | None) -> None:
        """Draw the wire frame round the cube holding ``cell`` (None: hide it); only redraws when the cube changes."""
        if not self.uses_gl or self._grid is None:
            return
        lo = None if cell is None else tuple(tv.block_span(edges, c)[0] for edges, c in zip(self._grid.edges, cell))
        if lo == self._hovered_block:
            return
        self._hovered_block = lo
        self._hover_box.setVisible(lo is not None)
        if lo is not None:
            self._hover_box.setData(pos=tv.box_edges(lo, np.asarray(lo) + 1.0), color=self._theme.qcolor(self._theme.foreground))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        """A click (press and release without dragging) in the 3-D view selects the cell under it;
        moving the pointer without a button says what is under it."""
        if watched is self._gl_view and event.type() == QEvent.Type.MouseMove and event.buttons() == Qt.MouseButton.NoButton:
            self.hover_at(event.position().x(), event.position().y())
        elif watched is self._gl_view and event.type() == QEvent.Type.Leave:
            self._hover.clear()
            self._frame_hovered(None)
        elif watched is self._gl_view and event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
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

    def _per_feature(self) -> bool:
        return not self._tokens and self.colour_setting.per_feature

    def _on_colour_by(self, _mode: str) -> None:
        self._update_caption()
        self._redraw_in_theme()

    def _pad_rgba(self) -> tuple[int, int, int, int]:
        r, g, b, _ = self._theme.padding
        return (r, g, b, 28)

    # ---- 2-D fallback -------------------------------------------------------------------------
    def _build_fallback(self) -> None:
        self._fallback = TensorSlices()
        self._plots, self._images = self._fallback.plots, self._fallback.images
        self._fallback.scene().sigMouseClicked.connect(self._on_fallback_click)
        self._fallback.scene().sigMouseMoved.connect(self._on_fallback_moved)

    def _on_fallback_click(self, event) -> None:
        """A click on a 2-D slice selects the cell under it, as a click on a cube does in 3-D."""
        if self._x is None or event.button() != Qt.MouseButton.LeftButton:
            return
        for key, plot in self._plots.items():
            if plot.sceneBoundingRect().contains(event.scenePos()):
                point = plot.vb.mapSceneToView(event.scenePos())
                self.select_in_slice(key, point.x(), point.y())
                return

    def _on_fallback_moved(self, position) -> None:
        """The value of the slice cell under the pointer, for the status bar."""
        hit = None if self._readout is None else self._fallback.cell_at(position, self._readout.shape, self._selection)
        self._hover.show("" if hit is None else self._readout.cell(*hit[1]))

    def select_in_slice(self, key: str, x: float, y: float) -> bool:
        """Select the cell at data point (x, y) of the 2-D slice ``key``; True if it is on the tensor."""
        shape = tv.as_three_d(self._x).shape
        x_axis, y_axis = SLICE_AXES[key]
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
        self._fallback.draw(self._x, self._mask, self._selection, self._names, self._theme, self._levels,
                            self._feature_levels if self._per_feature() else None)

    # ---- theme ------------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        theme = self._theme
        self._notice.setStyleSheet(f"color: {theme.qcolor(theme.warning).name()}; font-weight: bold;")
        if self.uses_gl:
            self._gl_view.setBackgroundColor(theme.qcolor(theme.background))
        else:
            self._fallback.apply_theme(theme)
        for key, colour in zip(("sample", "timestep", "feature"), (theme.selection, theme.selection_timestep, theme.selection_feature)):
            self._axis_labels[key].setStyleSheet(f"color: {theme.qcolor(colour).name()}; font-weight: bold;")

    def _redraw_in_theme(self) -> None:
        if self.uses_gl and self._grid is not None:
            self._update_gl_scene()
        elif self._x is not None:
            self._update_fallback()
