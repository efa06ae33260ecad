"""Room for the window's three columns (left panel, network, plots) on any screen.

The left panel collapses when the three columns' minimum widths do not fit (a 1280×720
projector with presentation scale); View → Controls brings it back, and then the plots
make way. In lesson mode the lesson's text always stays. The plot column scrolls
vertically when it is shorter than its plots' own minimum heights (PlotColumn).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication, QFrame, QMainWindow, QScrollArea, QSizePolicy, QSplitter, QVBoxLayout, QWidget,
)

from nnviz.draw.virtuals import qt_virtual

log = logging.getLogger(__name__)
WINDOW_SIZE = (1440, 880)  # the first start's size, if the screen holds it
MIN_WINDOW_WIDTH = 640  # px: below the columns' minimums the left panel collapses instead


class SidePanelScroll(QScrollArea):
    """The controls' scroll area: it scrolls vertically only, so it is never narrower than
    its contents' minimum width at the current font (plus the scroll bar)."""

    @qt_virtual("SidePanelScroll: minimum size hint failed", fallback=QSize)
    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        bar = self.verticalScrollBar().sizeHint().width()
        width = inner.minimumSizeHint().width() + bar + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())


class PlotColumn(QScrollArea):
    """The plot column: ``plots_layout`` stacks the plots, each keeping the larger of the
    minimum size it was given (its floor, ui.main_window's PLOT_MIN_SIZE) and its own
    minimumSizeHint at the current font (the digit panel's grows with presentation scale).

    Its minimum width is the widest plot's (and the scroll bar's). In height it asks the
    window only for the plots' floors, Σ floor + margins, as a plain column did, so the docks
    and the canvas keep their room; when it gets less than Σ max(floor, own minimum) (1280×720
    with presentation scale and a dock open) it scrolls vertically instead of squeezing a
    plot below what it needs to be read."""

    def __init__(self):
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # as the plain column was
        inner = QWidget()
        self.plots_layout = QVBoxLayout(inner)
        self.plots_layout.setContentsMargins(4, 4, 4, 4)
        self.setWidget(inner)  # QScrollArea filters the inner widget's events: see eventFilter
        self._floors: dict[QWidget, QSize] = {}  # plot → the minimum size it was given
        self._raised = 0  # px the shown plots' minimums stand above their floors

    def raise_minimums(self) -> None:
        """Each plot's minimum size = max(floor, its own minimumSizeHint), per dimension."""
        layout, raised, changed = self.plots_layout, 0, False
        for i in range(layout.count()):
            plot = layout.itemAt(i).widget()
            if plot is None:
                continue
            floor = self._floors.setdefault(plot, plot.minimumSize())  # first seen: as the window set it
            least = floor.expandedTo(plot.minimumSizeHint())
            if plot.minimumSize() != least:
                plot.setMinimumSize(least)
                changed = True
            if not plot.isHidden():
                raised += least.height() - floor.height()
        if changed or raised != self._raised:
            self._raised = raised
            self.updateGeometry()  # the splitter and the window ask minimumSizeHint again

    @qt_virtual("PlotColumn: minimum size hint failed", fallback=QSize)
    def minimumSizeHint(self) -> QSize:
        inner, frame = self.widget().minimumSizeHint(), 2 * self.frameWidth()
        # kept free once there are plots, so they never scroll sideways (empty, before the first paint: none)
        bar = self.verticalScrollBar().sizeHint().width() if self.plots_layout.count() else 0
        return QSize(inner.width() + bar + frame, inner.height() - self._raised + frame)

    @qt_virtual("PlotColumn: size hint failed", fallback=QSize)
    def sizeHint(self) -> QSize:
        # the plots' own wish, as the splitter saw it from a plain column (QScrollArea's hint is
        # cached from the first call, when the column was still empty)
        inner = self.widget().sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(inner.width() + frame, inner.height() + frame)

    @qt_virtual("PlotColumn: event filter failed", fallback=lambda: False)
    def eventFilter(self, watched, event) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.raise_minimums()  # a plot was added, shown or hidden, or its font changed
        return super().eventFilter(watched, event)


def fit_to_screen(window: QMainWindow) -> None:
    """The first size: WINDOW_SIZE, within the screen's available area."""
    window.setMinimumWidth(MIN_WINDOW_WIDTH)  # explicit: the columns' minimums never widen the window
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(*WINDOW_SIZE)
        return
    area = screen.availableGeometry()
    window.resize(max(min(WINDOW_SIZE[0], area.width()), MIN_WINDOW_WIDTH), min(WINDOW_SIZE[1], area.height()))


def _column_width(widget: QWidget) -> int:
    return max(widget.minimumSizeHint().width(), widget.minimumWidth())


class ColumnFitter(QObject):
    """Shows or collapses ``left`` (a QStackedWidget whose ``lesson`` page always stays) so
    that the splitter's three columns fit; ``action`` is View → Controls."""

    def __init__(self, splitter: QSplitter, left, centre: QWidget, plots: QWidget, lesson: QWidget,
                 action: QAction):
        super().__init__(splitter)
        self.splitter, self.left, self.centre, self.plots, self.lesson = splitter, left, centre, plots, lesson
        self.action = action
        self.wanted, self.forced = True, False
        action.toggled.connect(self.on_controls_toggled)
        splitter.installEventFilter(self)  # a column's minimum changed (a wider layer bar, a lesson)

    def fit(self) -> None:
        """Show the left panel when it is wanted and the columns' minimum widths fit;
        else collapse it. Asked for in a window too narrow for all three, it is shown and
        the plots make way for it."""
        splitter = self.splitter
        handle = splitter.handleWidth()
        left, centre, plots = (_column_width(w) + handle for w in (self.left, self.centre, self.plots))
        room = splitter.width() if splitter.isVisible() else splitter.window().width()
        fits = left + centre + plots <= room
        if fits:
            self.forced = False
        in_lesson = self.left.currentWidget() is self.lesson  # the lesson's text always stays
        show_left = in_lesson or (self.wanted and (fits or self.forced))
        self.left.setVisible(show_left)
        self.plots.setVisible(fits or not show_left)
        if show_left and splitter.sizes()[0] < left - handle:  # never narrower than its contents
            sizes = splitter.sizes()
            sizes[1] = max(sizes[1] - (left - handle - sizes[0]), 0)
            sizes[0] = left - handle
            splitter.setSizes(sizes)
        self.action.blockSignals(True)
        self.action.setChecked(show_left)
        self.action.blockSignals(False)

    def fit_safely(self) -> None:
        try:  # called from Qt virtuals: an exception must not escape them
            self.fit()
        except Exception:
            log.exception("fitting the columns failed")

    def on_controls_toggled(self, on: bool) -> None:
        self.wanted = on
        self.forced = on  # asked for now: shown even if the plots must make way
        self.fit()

    @qt_virtual("ColumnFitter: event filter failed", fallback=lambda: False)
    def eventFilter(self, watched, event) -> bool:
        if watched is self.splitter and event.type() == QEvent.Type.LayoutRequest:
            self.fit_safely()
        return super().eventFilter(watched, event)
