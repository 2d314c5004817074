"""OpenGL for the 3-D tensor view: whether it can be had here, and the axis labels painted in the scene.

Kept apart from the view itself because it changes for other reasons (drivers, platforms and
pyqtgraph's GL items): :func:`gl_available` probes once and never raises; the labels item
paints every axis label with one QPainter per frame, beside the box edge drawn lowest on screen.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QMatrix4x4, QPainter, QVector3D

from core import tensor_views as tv

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


def make_labels_item(gl):
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
