"""The data views of the main window: 3-D tensor, one sample, padding preview, window designer, values.

Each is a self-contained widget with ``set_data``-style methods and Qt signals; the numbers
they draw come from :mod:`core.tensor_views` and :mod:`core.padding_views`, the words of their
status-bar readouts (``valueHovered``) from :mod:`core.readout` through :mod:`gui.views.hover`.
The heat-map and the 3-D view share one *Colour by* setting (:mod:`gui.views.colour_by`).
Every ``pg.ImageItem`` is made with ``axisOrder="row-major"``, so ``image[row, column]`` draws
rows along the y axis without a global pyqtgraph setting.
"""

from __future__ import annotations

__all__ = ["TensorView3D", "SampleView", "PaddingPreview", "WindowDesigner", "ValuesView", "gl_available"]


def __getattr__(name: str):
    # Lazy, so importing one view does not import OpenGL for the others.
    if name in ("TensorView3D", "gl_available"):
        from gui.views import tensor_view_3d

        return getattr(tensor_view_3d, name)
    if name == "SampleView":
        from gui.views.sample_view import SampleView

        return SampleView
    if name == "PaddingPreview":
        from gui.views.padding_preview import PaddingPreview

        return PaddingPreview
    if name == "WindowDesigner":
        from gui.views.window_designer import WindowDesigner

        return WindowDesigner
    if name == "ValuesView":
        from gui.views.values_view import ValuesView

        return ValuesView
    raise AttributeError(name)
