"""The export scene: the app's own canvas and plots, laid out at a fixed size, offscreen.

``ExportScene.render_frame()`` paints the whole scene into a QImage (ARGB32) through
QWidget.render: no window is shown (Qt.WA_DontShowOnScreen), nothing depends on a clock.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from nnviz.draw.canvas import NetworkCanvas
from nnviz.draw.theme import theme_named
from nnviz.draw.views import ViewSet

LAYOUTS = ("canvas", "full")  # animations; a still of one plot uses that plot's name as layout
VIEWS = ("canvas", "boundary", "loss", "activation", "full")


class ExportScene(QWidget):
    """canvas alone, or canvas + plot column (+ a lesson text column for lessons)."""

    def __init__(self, size: tuple[int, int], layout: str = "full", theme: str = "light",
                 lesson_text: bool = False, transparent: bool = False):
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.transparent = transparent
        self.theme = theme
        self.setFixedSize(QSize(*size))
        self.canvas = NetworkCanvas()
        self.canvas.set_theme(theme_named(theme))
        self.canvas.set_animation_speed(0)  # export sets the phase progress itself, frame by frame
        self.canvas.transparent = transparent
        self.canvas.setMinimumSize(0, 0)  # the window's minimum would push it past a small frame
        self.views = ViewSet(self.canvas)
        self.text = None
        self.caption = QLabel()
        self.caption.setObjectName("export_caption")
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the frame
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if lesson_text:
            self.text = QTextBrowser()
            self.text.setFrameShape(QTextBrowser.Shape.NoFrame)
            self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            font = QFont(self.text.font())
            font.setPointSizeF(max(9.0, size[1] / 60))
            self.text.document().setDefaultFont(font)
            outer.addWidget(self.text, 3)
        middle = QVBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.canvas, 1)
        middle.addWidget(self.caption)
        outer.addLayout(middle, 5)
        if layout in ("boundary", "loss", "activation"):  # a still of one plot, at the full size
            from nnviz.draw.plots import ActivationPlot, BoundaryPlot, LossPlot

            look = theme_named(theme)
            plots = (BoundaryPlot(theme=look), LossPlot(theme=look), ActivationPlot(theme=look))
            self.views.set_plots(*plots)
            plots[1].log_checkbox.hide()
            outer.takeAt(outer.count() - 1)  # the canvas column is not part of this picture
            self.canvas.hide()
            self.caption.hide()
            chosen = plots[("boundary", "loss", "activation").index(layout)]
            outer.addWidget(chosen, 1)
            for plot in plots:
                if plot is not chosen:
                    plot.setParent(self)
                    plot.hide()
        if layout == "full":
            from nnviz.draw.plots import ActivationPlot, BoundaryPlot, LossPlot
            from nnviz.draw.plots.digit_panel import DigitPanel

            column = QVBoxLayout()
            column.setContentsMargins(4, 4, 4, 4)
            look = theme_named(theme)
            plots = (BoundaryPlot(theme=look), LossPlot(theme=look), ActivationPlot(theme=look))
            digits = DigitPanel(look)  # image data: in the boundary plot's place (the ViewSet shows one)
            digits.hide()
            for plot in (*plots, digits):  # a frame has a fixed size: the stretches share it, no minimum squeezes the canvas
                plot.setMinimumSize(1, 1)
            column.addWidget(plots[0], 4)
            column.addWidget(digits, 4)
            for plot in plots[1:]:
                column.addWidget(plot, 4)
            self.views.set_plots(*plots, digits)
            plots[1].log_checkbox.hide()  # a control, not part of the picture
            outer.addLayout(column, 3)
        self._style(theme)
        self.show()  # offscreen (WA_DontShowOnScreen): lays the widgets out at their final size

    def _style(self, theme: str) -> None:
        colors = theme_named(theme)
        background = "transparent" if self.transparent else colors.background
        self.setStyleSheet(f"QWidget {{ background: {background}; color: {colors.text}; }}")
        self.caption.setStyleSheet(f"QLabel {{ color: {colors.muted}; padding: 4px 10px; }}")
        self.caption.setVisible(False)

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.caption.setVisible(bool(text))

    def set_lesson_text(self, title: str, markdown: str, counter: str) -> None:
        if self.text is not None:
            self.text.setMarkdown(f"### {title}\n\n{markdown}\n\n*{counter}*")

    def render_frame(self) -> QImage:
        """The scene as it is now, at its fixed size (transparent background if asked).

        Premultiplied ARGB is the raster engine's fast path (several times faster to paint
        into); with an opaque background its bytes are plain BGRA, ready for ffmpeg as is.
        """
        image = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(0, 0, 0, 0) if self.transparent else QColor(theme_named(self.theme).background))
        if self.transparent:
            self.canvas.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        painter = QPainter(image)
        try:
            self.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        return image

    def dispose(self) -> None:
        """Close the plots the way pyqtgraph wants (each view clears its scene) before this
        widget goes to the garbage collector: freed later at random, their graphics items
        could be deleted twice and crash the process."""
        import pyqtgraph as pg

        for view in self.findChildren(pg.GraphicsView):
            view.close()
        self.close()

    def view_widget(self, name: str) -> QWidget:
        """One view for stills: the canvas, a plot, or the whole scene."""
        return {"canvas": self.canvas, "boundary": self.views.boundary, "loss": self.views.loss,
                "activation": self.views.activation, "full": self}[name]
