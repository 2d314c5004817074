"""The 3-D tensor view's 2-D stand-in: the selected sample, time step and feature as three heat-maps.

Shown when OpenGL is not available (the offscreen platform, a remote session, a failing
driver). Each slice draws padding as grey cells and the other two selections as lines; the
colour scale is one for all features or each feature its own (*Colour by*), as in 3-D.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core import tensor_views as tv
from gui.views.theme import Theme, fit_axis_to_labels

#: The slices: key, title, x label, y label, tooltip.
SPECS = (
    ("sample", "One sample (T × F)", "timestep", "feature",
     "The selected sample: each column is a time step, each row a feature."),
    ("timestep", "One timestep (N × F)", "sample", "feature",
     "The selected time step in every sample: each column is a sample, each row a feature."),
    ("feature", "One feature (N × T)", "sample", "timestep",
     "The selected feature in every sample: each column is a sample, each row a time step."),
)
#: Which tensor axes a slice's (x, y) are: the sample slice is timesteps × features, and so on.
SLICE_AXES = {"sample": (1, 2), "timestep": (0, 2), "feature": (0, 1)}
#: Rows of a timestep or feature slice drawn at most (more samples are sampled evenly).
MAX_ROWS = 2048


class TensorSlices(pg.GraphicsLayoutWidget):
    """Three heat-map slices through the tensor at the selection (sample, timestep, feature)."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(320, 240)
        self.plots: dict[str, pg.PlotItem] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.overlays: dict[str, pg.ImageItem] = {}
        self.lines: dict[str, list[pg.InfiniteLine]] = {}
        places = ((0, 0, 1), (0, 1, 1), (1, 0, 2))  # (row, col, colspan): the feature slice is wide
        for (row, col, span), (key, title, xlabel, ylabel, tip) in zip(places, SPECS):
            plot = self.addPlot(row=row, col=col, colspan=span, title=title)
            plot.setLabel("bottom", xlabel)
            plot.setLabel("left", ylabel)
            plot.setMenuEnabled(False)
            plot.getViewBox().setMouseEnabled(x=True, y=True)
            plot.setToolTip(tip + " Grey cells are padding. Hover a cell for its value.")
            image = pg.ImageItem(axisOrder="row-major")
            overlay = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            plot.addItem(overlay)
            lines = [pg.InfiniteLine(angle=90, movable=False), pg.InfiniteLine(angle=0, movable=False)]
            for line in lines:
                plot.addItem(line)
            self.plots[key], self.images[key], self.overlays[key], self.lines[key] = plot, image, overlay, lines

    def cell_at(self, scene_position, shape: tuple[int, int, int], selection) -> tuple[str, tuple[int, int, int]] | None:
        """The slice under a scene point and the tensor cell ``(sample, timestep, feature)`` there, or None."""
        for key, plot in self.plots.items():
            if plot.sceneBoundingRect().contains(scene_position):
                point = plot.vb.mapSceneToView(scene_position)
                x_axis, y_axis = SLICE_AXES[key]
                column, row = int(np.floor(point.x())), int(np.floor(point.y()))
                if not (0 <= column < shape[x_axis] and 0 <= row < shape[y_axis]):
                    return None
                cell = list(selection)
                cell[x_axis], cell[y_axis] = column, row
                return key, tuple(cell)  # type: ignore[return-value]
        return None

    def draw(self, x: np.ndarray, mask: np.ndarray | None, selection, names: tuple[str, ...], theme: Theme,
             levels: tuple[float, float], feature_levels: np.ndarray | None = None) -> None:
        """The three slices at ``selection``; with ``feature_levels`` each feature on its own scale."""
        s, t, f = selection
        slices = {
            "sample": tv.sample_slice(x, mask, s),  # (T, F) → drawn as F rows × T columns
            "timestep": tv.timestep_slice(x, mask, t, max_rows=MAX_ROWS),  # (N, F)
            "feature": tv.feature_slice(x, mask, f, max_rows=MAX_ROWS),  # (N, T)
        }
        # Which other selections each slice can show as lines: (vertical x, horizontal y).
        marks = {"sample": (t, f), "timestep": (s, f), "feature": (s, t)}
        palette = theme.pad_overlay_palette()
        for key, piece in slices.items():
            values = piece.values
            shown_levels = levels
            if feature_levels is not None:  # each feature 0–1 of its own range
                own = feature_levels[f:f + 1] if key == "feature" else feature_levels
                values, shown_levels = tv.scale_per_feature(values, own), (0.0, 1.0)
            values, real = values.T, piece.real.T  # rows of the picture = second tensor axis
            columns = piece.rows if key != "sample" else np.arange(values.shape[1])
            scale = float(columns[1] - columns[0]) if len(columns) > 1 else 1.0
            rect = (0.0, 0.0, float(values.shape[1]) * scale, float(values.shape[0]))
            image, overlay = self.images[key], self.overlays[key]
            image.setImage(values, levels=shown_levels, autoLevels=False)
            image.setColorMap(theme.colormap())
            image.setRect(*rect)
            overlay.setImage(tv.class_rgba(~real, palette), autoLevels=False)
            overlay.setRect(*rect)
            if key != "feature":
                fit_axis_to_labels(self.plots[key].getAxis("left"), tv.label_ticks(names, max_labels=16))
            self.plots[key].setTitle(slice_title(key, selection, names))
            vertical, horizontal = self.lines[key]
            vertical.setValue(marks[key][0] + 0.5)
            horizontal.setValue(marks[key][1] + 0.5)

    def apply_theme(self, theme: Theme) -> None:
        self.setBackground(theme.qcolor(theme.background))
        for plot in self.plots.values():
            theme.style_plot(plot)
        colours = {"sample": (theme.selection_timestep, theme.selection_feature),
                   "timestep": (theme.selection, theme.selection_feature),
                   "feature": (theme.selection, theme.selection_timestep)}
        for key, lines in self.lines.items():
            for line, colour in zip(lines, colours[key]):
                line.setPen(pg.mkPen(theme.qcolor(colour), width=2))


def slice_title(key: str, selection, names: tuple[str, ...]) -> str:
    s, t, f = selection
    name = names[f] if f < len(names) else str(f)
    # N, T and F as in the caption (the axes name them): the long words made two slices side by
    # side wider than a 1024-pixel window's tab.
    return {"sample": f"Sample {s} (T × F)", "timestep": f"Timestep {t} (N × F)", "feature": f"Feature '{name}' (N × T)"}[key]
