"""The digit panel: for image data, what takes the data plot's place in the plot column.

One view at a time, chosen with a switch "Weights | Confusion | Mistakes" above it: in a
column 300–520 px wide, at 1280×720 on a projector with 1.5× fonts, three views stacked
would each get a third of the height and none would be readable; one view gets it all, and
only the shown one costs anything while training.

- ``weights``: every first-layer neuron's incoming weights as an image (WeightGrid);
- ``confusion``: the confusion matrix on the test (or train) part (ConfusionView);
- ``mistakes``: the misclassified test images (MistakeGallery); a click emits
  ``sampleChosen(index)``, an index into ``mistake_part`` ("test", or "train" when the
  dataset has no test part).

The lead's calls: ``set_dataset(dataset)``, ``set_network(network)`` (any rate: it copies the
parameters, and the work waits for a paint of the view shown: none while hidden),
``set_theme(theme)``, ``set_view(name)`` / ``view``, ``set_live(on)``. Text sizes come from the
widget's own font(), so the window's presentation scale reaches every part. The panel's
minimum size is its layout's: the switch over the largest of the views' minimums (each in
lines of the font), so every view is whole and readable at the panel's minimum.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPalette
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from nnviz.app.digit_results import DigitResults, compute_part
from nnviz.app.image_views import mistake_part
from nnviz.draw.background_job import LatestJob
from nnviz.draw.plots.confusion_view import ConfusionView
from nnviz.draw.plots.mistake_gallery import MistakeGallery
from nnviz.draw.plots.segmented_switch import SegmentedSwitch
from nnviz.draw.plots.weight_grid import WeightGrid
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["DIGIT_VIEWS", "LIVE_SHARE", "DigitPanel"]

DIGIT_VIEWS = ("weights", "confusion", "mistakes")
#: While live, recomputing the confusion matrix / gallery (in a background thread) takes at most this share of the time.
LIVE_SHARE = 0.25


class DigitPanel(QWidget):
    """The weights grid, the confusion matrix and the mistakes gallery behind one switch."""

    sampleChosen = Signal(int)  # an index into mistake_part of the dataset
    viewChanged = Signal(str)

    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None):
        super().__init__(parent)
        self.results = DigitResults()
        self.live = False
        self.switch = SegmentedSwitch([
            ("weights", ("Weights", "W"), "each first-layer neuron's incoming weights as an image"),
            ("confusion", ("Confusion", "Conf."), "which digits the network takes for which"),
            ("mistakes", ("Mistakes", "Mist."), "the images it gets wrong; click one to trace it"),
        ], self)
        self.weight_grid = WeightGrid()
        self.confusion_view = ConfusionView(self._fetch)
        self.mistake_gallery = MistakeGallery(self._fetch)
        self.stack = QStackedWidget()
        for part in (self.weight_grid, self.confusion_view, self.mistake_gallery):
            self.stack.addWidget(part)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.switch)
        layout.addWidget(self.stack, 1)
        self._background = LatestJob(compute_part, self._computed, self)  # live: forward passes off the GUI thread
        self._later = QTimer(self)  # live: the repaint that shows results held back to save time
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._refresh_shown)
        self.switch.chosenChanged.connect(self._show_view)
        self.mistake_gallery.sampleChosen.connect(self.sampleChosen)
        self.set_theme(theme)

    # ---- the lead's API ------------------------------------------------------------------

    @property
    def view(self) -> str:
        """The view shown: "weights", "confusion" or "mistakes"."""
        return self.switch.chosen

    def set_view(self, name: str) -> None:
        self.switch.set_chosen(name)  # emits chosenChanged → _show_view

    @property
    def mistake_part(self) -> str:
        """The part sampleChosen's indices point into: "test", or "train" without test data."""
        return self.mistake_gallery.part

    def set_dataset(self, dataset) -> None:
        """An image dataset (``image_shape`` set), or anything else / None: the views say there is no image data."""
        images = dataset if dataset is not None and dataset.image_shape is not None else None
        self._background.cancel()  # a computation on the data before is of no use now
        self.results.set_dataset(images)
        self.weight_grid.set_image_shape(None if images is None else images.image_shape)
        self.confusion_view.set_has_test(images is not None and images.n_test > 0)
        self.mistake_gallery.set_dataset(images, mistake_part(images))
        if self.results.network is not None:
            self.set_network(self.results.network)

    def set_network(self, network) -> None:
        """The network to show (its parameters are copied now; the forward passes wait for a
        paint of a view that needs them)."""
        self.results.set_network(network)
        weights = None if network is None else network.weights[0]
        self.weight_grid.set_weights(weights, "no network yet" if network is None else "no image data")
        self._refresh_shown()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(theme.background))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        for part in (self.switch, self.weight_grid, self.confusion_view, self.mistake_gallery):
            part.set_theme(theme)

    def set_live(self, on: bool) -> None:
        """Live (the window while training): a confusion matrix or gallery that took t to
        compute is recomputed at most every (1/LIVE_SHARE − 1)·t, showing the last results
        meanwhile (on 10,000 28×28 images they lag by up to ~0.4 s). Off (the default, for
        export): every paint shows the network last given."""
        self.live = bool(on)

    # ---- inside ------------------------------------------------------------------------

    def _show_view(self, name: str) -> None:
        self.stack.setCurrentIndex(DIGIT_VIEWS.index(name))
        self.viewChanged.emit(name)

    def _refresh_shown(self) -> None:
        self.stack.currentWidget().update()

    def _fetch(self, which: str) -> tuple:
        """(SetResults or None, why not) for a view's paint; live, maybe the last results and a repaint later."""
        results = self.results
        if results.problem is not None:
            return None, results.problem
        if self.live and not results.is_current(which) and results.cached(which) is not None:
            wait = results.due_in(which, LIVE_SHARE)
            if wait > 0:
                if not self._later.isActive():
                    self._later.start(int(1000 * wait) + 1)
            elif not self._background.busy:
                self._background.submit(which, *results.work(which))
            return results.cached(which), None
        return results.results(which), None

    def _computed(self, which: str, outcome: tuple) -> None:
        """A background computation is back: keep it, and show it if its view is up."""
        self.results.store(*outcome)
        self._refresh_shown()

    @qt_virtual("DigitPanel: sizeHint failed", fallback=QSize)
    def sizeHint(self) -> QSize:
        h = QFontMetricsF(self.font()).height()
        return QSize(int(24 * h), int(28 * h))
