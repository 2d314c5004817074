"""Regression test for the PySide6-Essentials 6.12.0 bug that corrupts the reference count of None.

With 6.12.0 every ``QPainter.drawLine`` call decremented ``sys.getrefcount(None)`` and a live
pyqtgraph plot aborted with "Fatal Python error: deallocating None" within seconds
(docs/ARCHITECTURE.md, "Pinned versions"). The pinned version must not do that.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# None's count moves a little as objects come and go; the bug removed one per call.
TOLERANCE = 200


def test_the_pinned_pyside6_is_installed_and_is_not_the_broken_release():
    import re
    from pathlib import Path

    import PySide6

    assert PySide6.__version__ != "6.12.0"
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    pinned = re.search(r'"PySide6-Essentials==([0-9.]+)"', pyproject)
    assert pinned is not None, "pyproject.toml pins PySide6-Essentials to one version"
    assert pinned.group(1) != "6.12.0"
    assert PySide6.__version__ == pinned.group(1)


def test_drawline_keeps_the_refcount_of_none(qapp):
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QPen(QColor("black"), 1))
    before = sys.getrefcount(None)
    for i in range(20_000):
        painter.drawLine(0, i % 256, 255, (i * 7) % 256)
        painter.drawLine(QPointF(1.5, 2.5), QPointF(200.0, float(i % 256)))
        painter.drawLine(QLineF(0.0, 0.0, float(i % 256), 255.0))
    painter.end()
    after = sys.getrefcount(None)
    assert after >= before - TOLERANCE, f"refcount(None) fell from {before} to {after}"


def test_live_pyqtgraph_plot_keeps_the_refcount_of_none(qtbot):
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    curve = plot.plot(np.zeros(500), pen=pg.mkPen("b", width=1))
    x = np.linspace(0, 10, 500)
    before = sys.getrefcount(None)
    for step in range(60):
        curve.setData(x, np.sin(x + step * 0.1) * (1 + step % 5))
        plot.repaint()
        qtbot.wait(1)
    after = sys.getrefcount(None)
    assert after >= before - TOLERANCE, f"refcount(None) fell from {before} to {after}"
