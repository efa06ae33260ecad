"""The three pyqtgraph plots of the main window and the export: the loss/accuracy history
(``LossPlot``), the input plane with the decision boundary (``BoundaryPlot``) and one
activation function with the layer's z values over the data (``ActivationPlot``).

Each takes a ``Theme`` (``theme=`` and ``set_theme``); ``toolkit`` is what they, and the
instrument panels, build and style their plots with.
"""

from __future__ import annotations

from nnviz.app.saturation import SATURATION_THRESHOLD, Z_POINTS, Z_RANGE, saturated_intervals
from nnviz.draw.plots.activation import HISTOGRAM_BINS, ActivationPlot
from nnviz.draw.plots.boundary import FIELD_STRENGTH, BoundaryPlot
from nnviz.draw.plots.loss import LossPlot

__all__ = [
    "ActivationPlot",
    "BoundaryPlot",
    "LossPlot",
    "FIELD_STRENGTH",
    "HISTOGRAM_BINS",
    "SATURATION_THRESHOLD",
    "Z_POINTS",
    "Z_RANGE",
    "saturated_intervals",
]
