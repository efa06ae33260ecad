"""The three pyqtgraph plots of the main window and the export: the loss/accuracy history
(``LossPlot``), the data plot (``BoundaryPlot``: the input plane with the decision
boundary, or for a 1-input problem the ``DataLinePlot`` of x against the target and the
prediction) and one activation function with the layer's z values over the data
(``ActivationPlot``).

Each takes a ``Theme`` (``theme=`` and ``set_theme``); ``toolkit`` is what they, and the
instrument panels, build and style their plots with; ``strip`` puts legends above (or
beside) the data area, ``points`` draws data points the same way in both data plots.
"""

from __future__ import annotations

from nnviz.app.saturation import SATURATION_THRESHOLD, Z_POINTS, Z_RANGE, saturated_intervals
from nnviz.draw.plots.activation import HISTOGRAM_BINS, ActivationPlot
from nnviz.draw.plots.boundary import FIELD_STRENGTH, BoundaryPlot
from nnviz.draw.plots.data_line import DataLinePlot
from nnviz.draw.plots.loss import LossPlot

__all__ = [
    "ActivationPlot",
    "BoundaryPlot",
    "DataLinePlot",
    "LossPlot",
    "FIELD_STRENGTH",
    "HISTOGRAM_BINS",
    "SATURATION_THRESHOLD",
    "Z_POINTS",
    "Z_RANGE",
    "saturated_intervals",
]
