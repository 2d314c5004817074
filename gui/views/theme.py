"""Colours for the data views, for light and dark palettes, safe for colour-blind readers.

Categorical colours are the Okabe–Ito set (distinguishable with every common colour-vision
deficiency); values use the perceptually uniform ``viridis`` map. Padding is always a
neutral grey, so "grey = padding" holds in every view. :func:`theme_for` picks light or dark
from the lightness of the widget's window colour, so the views follow the desktop theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from core import padding_views, readout
from core.wording import plural  # noqa: F401 - re-exported for the views

# Okabe–Ito palette.
ORANGE = (230, 159, 0)
SKY_BLUE = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILLION = (213, 94, 0)
PURPLE = (204, 121, 167)

SERIES = (BLUE, ORANGE, GREEN, VERMILLION, SKY_BLUE, PURPLE, YELLOW)


@dataclass(frozen=True)
class Theme:
    """One consistent set of colours (RGBA tuples of 0–255) for every data view."""

    dark: bool
    background: tuple[int, int, int, int]
    foreground: tuple[int, int, int, int]
    muted: tuple[int, int, int, int]
    data: tuple[int, int, int, int]
    padding: tuple[int, int, int, int]
    truncated: tuple[int, int, int, int]
    warning: tuple[int, int, int, int]
    selection: tuple[int, int, int, int]
    selection_timestep: tuple[int, int, int, int]
    selection_feature: tuple[int, int, int, int]
    colormap_name: str = "viridis"

    # ---- pyqtgraph / Qt helpers ------------------------------------------------------------
    def qcolor(self, rgba, alpha: int | None = None) -> QColor:
        r, g, b, a = rgba
        return QColor(r, g, b, a if alpha is None else alpha)

    def swatch(self, rgba) -> str:
        """A small block of colour ``rgba`` for rich-text legends."""
        return f"<span style='background-color:{self.qcolor(rgba).name()}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"

    def colormap(self) -> pg.ColorMap:
        return pg.colormap.get(self.colormap_name)

    def lut(self) -> np.ndarray:
        """The value colour map as a (256, 4) uint8 table (for core colour mapping)."""
        return self.colormap().getLookupTable(nPts=256, alpha=True)

    def series_colour(self, index: int) -> tuple[int, int, int]:
        colours = SERIES if not self.dark else (SKY_BLUE, ORANGE, GREEN, VERMILLION, YELLOW, PURPLE, BLUE)
        return colours[index % len(colours)]

    @staticmethod
    def series_dash(index: int) -> Qt.PenStyle:
        """Line style of curve ``index``: after the seven colours come dashed, then dotted copies,
        so no two of the first 28 curves look alike."""
        styles = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
        return styles[(index // len(SERIES)) % len(styles)]

    def layout_palette(self) -> np.ndarray:
        """Colours of the padding-layout classes EMPTY, DATA, PAD, TRUNCATED (uint8 RGBA rows)."""
        palette = np.zeros((4, 4), dtype=np.uint8)
        palette[padding_views.EMPTY] = (0, 0, 0, 0)
        palette[padding_views.DATA] = self.data
        palette[padding_views.PAD] = self.padding
        palette[padding_views.TRUNCATED] = self.truncated
        return palette

    def mask_palette(self) -> np.ndarray:
        """Colours of the mask-preview classes (see ``core.padding_views.MASK_*``)."""
        palette = np.zeros((5, 4), dtype=np.uint8)
        palette[padding_views.MASK_KEPT] = self.data
        palette[padding_views.MASK_SKIPPED] = self.padding
        palette[padding_views.MASK_COLLISION] = self.warning
        palette[padding_views.MASK_UNMASKED_PAD] = self.truncated
        return palette

    def token_palette(self) -> np.ndarray:
        """Cell colours of ``core.readout.TOKEN_*``: padding clear, words a light tint of the data
        colour, unknown words a tint of the warning colour (light, so black words stay readable)."""
        background = np.array(self.background[:3], dtype=np.float64)

        def tint(rgba, share: float) -> tuple[int, int, int, int]:
            mixed = background * (1 - share) + np.array(rgba[:3], dtype=np.float64) * share
            return (*np.round(mixed).astype(int).tolist(), 255)

        palette = np.zeros((3, 4), dtype=np.uint8)
        palette[readout.TOKEN_WORD] = tint(self.data, 0.35)
        palette[readout.TOKEN_UNKNOWN] = tint(self.warning, 0.45)
        return palette

    def pad_overlay_palette(self) -> np.ndarray:
        """Two colours: real cells transparent (0), padded cells semi-opaque grey (1)."""
        r, g, b, _ = self.padding
        return np.array([(0, 0, 0, 0), (r, g, b, 235)], dtype=np.uint8)

    def style_plot(self, plot_item: pg.PlotItem) -> None:
        """Axis lines and labels in the theme's foreground colour."""
        pen = pg.mkPen(self.qcolor(self.muted))
        for name in ("left", "bottom", "right", "top"):
            axis = plot_item.getAxis(name)
            axis.setPen(pen)
            axis.setTextPen(pg.mkPen(self.qcolor(self.foreground)))
        title = plot_item.titleLabel
        title.setText(title.text, color=self.qcolor(self.foreground).name())  # the colour sticks for later titles
        if not title.text:
            plot_item.setTitle(None)


def fit_axis_to_labels(axis: pg.AxisItem, ticks: list[tuple[float, str]]) -> None:
    """Set explicit tick labels and widen a vertical axis so none of them is clipped."""
    axis.setTicks([ticks])
    if axis.orientation in ("left", "right") and ticks:
        metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
        widest = max(metrics.horizontalAdvance(text) for _, text in ticks)
        axis.setWidth(widest + 12 + (24 if axis.labelText else 0))


def fit_widget_to_layout(widget: pg.GraphicsLayoutWidget, min_width: int = 0, min_height: int = 0) -> None:
    """Give a plot widget at least the size its plots need, so nothing is clipped unseen.

    A pyqtgraph layout squeezed below its minimum size overflows the widget's right and bottom
    edges, where it is cut off without a scroll bar. With the widget's minimum size raised to
    the layout's, the surrounding scroll area scrolls instead (or the window cannot shrink).
    """
    hint = widget.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
    widget.setMinimumSize(max(min_width, int(np.ceil(hint.width())) + 2), max(min_height, int(np.ceil(hint.height())) + 2))


LIGHT = Theme(
    dark=False,
    background=(255, 255, 255, 255),
    foreground=(30, 30, 30, 255),
    muted=(110, 110, 110, 255),
    data=(*BLUE, 255),
    padding=(190, 190, 190, 255),
    truncated=(*VERMILLION, 255),
    warning=(*VERMILLION, 255),
    selection=(*ORANGE, 255),
    selection_timestep=(*SKY_BLUE, 255),
    selection_feature=(*PURPLE, 255),
)

DARK = Theme(
    dark=True,
    background=(30, 31, 34, 255),
    foreground=(225, 225, 225, 255),
    muted=(150, 150, 150, 255),
    data=(*SKY_BLUE, 255),
    padding=(95, 95, 95, 255),
    truncated=(*VERMILLION, 255),
    warning=(*ORANGE, 255),
    selection=(*ORANGE, 255),
    selection_timestep=(*SKY_BLUE, 255),
    selection_feature=(*PURPLE, 255),
)


def is_dark(palette: QPalette) -> bool:
    """True when the palette's window colour is dark (lightness below one half)."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def theme_for(widget: QWidget | None = None) -> Theme:
    """The theme matching ``widget``'s palette (or the application's)."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return DARK if is_dark(palette) else LIGHT


class ThemedView:
    """Mixin (listed before ``QWidget``) for views drawn in theme colours.

    When the palette turns light or dark, the view takes the matching theme, re-colours its
    items (``_apply_theme``) and redraws what the old colours were drawn into
    (``_redraw_in_theme``).
    """

    _theme: Theme

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            new = theme_for(self)
            if new != self._theme:
                self._theme = new
                self._apply_theme()
                self._redraw_in_theme()
        super().changeEvent(event)

    def _apply_theme(self) -> None:
        raise NotImplementedError

    def _redraw_in_theme(self) -> None:
        """Redraw the data shown, when its colours are not just item pens (nothing by default)."""


# ---- status texts and the app's colour scheme --------------------------------------------------
#: Text colours of status lines on the window's own background: (on light, on dark). Each pair
#: keeps a contrast of at least 4.5:1 (WCAG AA) on Fusion's light and dark window colours.
STATUS_COLOURS = {
    "ok": ("#0b5c3c", "#8ee3b5"),
    "caution": ("#7a4a00", "#ffc46b"),
}


def status_style(kind: str, widget: QWidget, padding: str = "0px") -> str:
    """A QLabel style sheet for a status line of ``kind`` ("ok", "caution") that reads well on
    ``widget``'s palette, light or dark. Re-apply it when the palette changes."""
    colour = STATUS_COLOURS[kind][1 if is_dark(widget.palette()) else 0]
    return f"QLabel {{ color: {colour}; padding: {padding}; }}"


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


COLOUR_SCHEMES = ("system", "light", "dark")
_system_palette: QPalette | None = None


def dark_palette() -> QPalette:
    """Fusion's colours for a dark window (the same roles Qt's own dark scheme sets)."""
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(40, 40, 43)),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, QColor(53, 53, 56)),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64)),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)), (QPalette.ColorRole.Link, QColor(120, 180, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150)), (QPalette.ColorRole.Mid, QColor(90, 90, 95)),
        (QPalette.ColorRole.Dark, QColor(160, 160, 165)), (QPalette.ColorRole.BrightText, QColor(255, 80, 80)),
    ):
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(130, 130, 130))
    return palette


def apply_colour_scheme(name: str) -> None:
    """Switch the whole app to the ``"light"``, ``"dark"`` or ``"system"`` colours.

    Done with an application palette (not the platform's colour-scheme hint), so it works the
    same on every platform, remote desktops and Xvfb included. Views follow through their
    palette-change events.
    """
    global _system_palette
    app = QApplication.instance()
    if app is None or name not in COLOUR_SCHEMES:
        return
    if name == "system" and _system_palette is None:
        return  # never changed: the desktop's colours are already in use
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if name == "dark":
        app.setPalette(dark_palette())
    elif name == "light":
        app.setPalette(app.style().standardPalette() if not is_dark(app.style().standardPalette()) else QPalette())
    else:
        app.setPalette(_system_palette)
