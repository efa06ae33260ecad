"""Three pyqtgraph plot widgets: the loss/accuracy history, the input plane with the
decision boundary, and one activation function with the layer's z values over the data.

Every widget creates its pyqtgraph items once in ``__init__``; updates only call
``setData`` / ``setImage`` / ``setRegion`` / ``setText`` and show or hide items, so a
widget can be refreshed every frame without allocating graphics items.

pyqtgraph's global configuration is left untouched (it is process-wide): colours are set
per widget by ``apply_theme`` and images keep pyqtgraph's default column-major axis
order, so row-major arrays are transposed here before ``setImage`` (see ``BoundaryPlot``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6 import QtCore, QtGui
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.engine.activations import ACTIVATIONS

__all__ = [
    "ActivationPlot",
    "BoundaryPlot",
    "LossPlot",
    "CLASS_COLORS",
    "FIELD_STRENGTH",
    "HISTOGRAM_BINS",
    "NEGATIVE_COLOR",
    "POSITIVE_COLOR",
    "SATURATION_THRESHOLD",
    "Z_POINTS",
    "Z_RANGE",
    "saturated_intervals",
]

# ----------------------------------------------------------------------------- colours

#: TensorFlow Playground's colours: orange for class 0 / low values, blue for class 1 / high.
NEGATIVE_COLOR = "#f59322"
POSITIVE_COLOR = "#0877bd"
#: Qualitative palette for multiclass problems (class k gets CLASS_COLORS[k % 10]).
CLASS_COLORS = (
    "#0877bd",  # blue
    "#f59322",  # orange
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
    "#17becf",  # cyan
)
#: How far the background field goes from white towards a class colour at full
#: confidence (1 = the point colour itself); < 1 keeps the points readable on the field.
FIELD_STRENGTH = 0.7


def _rgb(color: str) -> np.ndarray:
    c = QtGui.QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


_WHITE = np.array([255.0, 255.0, 255.0])
_PALETTE_RGB = np.array([_rgb(c) for c in CLASS_COLORS])


def _diverging_lut(strength: float, n: int = 256) -> np.ndarray:
    """(n, 3) uint8: orange → white (middle) → blue, the extremes ``strength`` of the way
    from white to the full colours."""
    t = np.linspace(-1.0, 1.0, n)[:, None] * strength
    neg, pos = _rgb(NEGATIVE_COLOR), _rgb(POSITIVE_COLOR)
    rgb = np.where(t >= 0, _WHITE + t * (pos - _WHITE), _WHITE - t * (neg - _WHITE))
    return np.rint(rgb).astype(np.uint8)


@dataclass(frozen=True)
class _Theme:
    background: str
    foreground: str  # text, tick labels
    axis: str  # axis lines and ticks
    legend_fill: tuple[int, int, int, int]
    legend_border: str
    series: tuple[str, str]  # first and second data colour (train/test, f/f′)
    neutral: str  # histogram
    shade: tuple[int, int, int, int]  # saturated regions


LIGHT = _Theme(
    background="#ffffff",
    foreground="#202124",
    axis="#5f6368",
    legend_fill=(255, 255, 255, 225),
    legend_border="#c4c7cc",
    series=("#0877bd", "#e8710a"),
    neutral="#5f6368",
    shade=(217, 48, 37, 34),
)
DARK = _Theme(
    background="#1e1f22",
    foreground="#dfe1e5",
    axis="#9aa0a6",
    legend_fill=(43, 45, 49, 225),
    legend_border="#4e5157",
    series=("#4fa8e0", "#f7a541"),
    neutral="#9aa0a6",
    shade=(242, 139, 130, 40),
)


def _theme(dark: bool) -> _Theme:
    return DARK if dark else LIGHT


_TITLE_SIZE = "10pt"
_LEGEND_TEXT_SIZE = "9pt"
_LEFT_AXIS_WIDTH = 52  # fixed, so stacked plots line up and tick labels are never clipped


def _style_plot(plot: pg.PlotItem, theme: _Theme) -> None:
    """Axis, tick and label colours of one PlotItem (its title is restyled by the owner)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.axis, width=1))
        axis.setTextPen(pg.mkPen(theme.foreground))  # also recolours the axis label


def _style_legend(legend: pg.LegendItem, theme: _Theme) -> None:
    legend.setBrush(pg.mkBrush(*theme.legend_fill))
    legend.setPen(pg.mkPen(theme.legend_border))
    legend.setLabelTextColor(theme.foreground)
    for _, label in legend.items:  # pyqtgraph stores the colour but re-renders only on setText
        label.setText(label.text, color=theme.foreground)


class _AxisItem(pg.AxisItem):
    """AxisItem whose log-mode labels do not pile up: within a decade only the ticks at
    1, 2 and 5 × 10ⁿ are labelled (all ticks keep their tick marks)."""

    def logTickStrings(self, values, scale, spacing):
        strings = super().logTickStrings(values, scale, spacing)
        v = 10 ** np.asarray(values, dtype=np.float64) * scale
        with np.errstate(divide="ignore", invalid="ignore"):
            mantissa = np.rint(v / 10 ** np.floor(np.log10(np.abs(v))))
        keep = np.isin(mantissa, (1, 2, 5))
        if keep.sum() < 2:  # a very narrow range: label everything there is
            return strings
        return [s if k else "" for s, k in zip(strings, keep)]


def _new_plot_widget() -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={name: _AxisItem(name) for name in ("left", "bottom")})
    plot = widget.getPlotItem()
    plot.hideButtons()  # the "A" auto-range button
    plot.layout.setContentsMargins(4, 6, 10, 4)  # room for the last x tick label
    for name in ("left", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(_LEFT_AXIS_WIDTH)
    return widget


class _LegendSample(ItemSample):
    """Legend sample that also draws a ring behind a scatter symbol (``_legend_halo``:
    (size, QColor)) or a filled box for a shaded region (``_legend_box``: QBrush)."""

    def paint(self, p, *args):
        box = getattr(self.item, "_legend_box", None)
        if box is not None:
            p.setPen(pg.mkPen(None))
            p.setBrush(box)
            p.drawRect(QtCore.QRectF(2, 3, 16, 15))
            return
        halo = getattr(self.item, "_legend_halo", None)
        if halo is not None and self.item.isVisible():
            size, color = halo
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            p.setPen(pg.mkPen(None))
            p.setBrush(pg.mkBrush(color))
            p.drawEllipse(QtCore.QPointF(10, 10), size / 2, size / 2)
        super().paint(p, *args)


def fill_with_theme(widget: QWidget, theme) -> None:
    """The widget's own background and text colours from a plot theme (light or dark)."""
    widget.setAutoFillBackground(True)
    palette = widget.palette()
    palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor(theme.background))
    palette.setColor(QtGui.QPalette.ColorRole.WindowText, QtGui.QColor(theme.foreground))
    widget.setPalette(palette)


def _cache_decorations(*views: pg.GraphicsView) -> None:
    """Axes, legends and labels are painted once into a pixmap and re-used until they change:
    replaying their text every frame costs more than everything else in a plot."""
    for view in views:
        for item in view.scene().items():
            if isinstance(item, (pg.AxisItem, pg.LegendItem, pg.LabelItem, pg.TextItem)):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def _sync_legend(legend: pg.LegendItem, entries: list[tuple[object, str]]) -> None:
    """Make the legend list exactly the visible ones of ``entries`` (item, name), in order.

    Only touches the legend when the visible set changed (a task switch, not every frame).
    """
    wanted = [(item, name) for item, name in entries if item.isVisible()]
    current = [(sample.item, label.text) for sample, label in legend.items]
    if [(id(i), n) for i, n in wanted] == [(id(i), n) for i, n in current]:
        return
    legend.clear()
    for item, name in wanted:
        legend.addItem(_LegendSample(item), name)


def _as_1d(values, name: str, n: int | None = None) -> np.ndarray:
    arr = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n}")
    return arr


# ----------------------------------------------------------------------------- LossPlot


class LossPlot(QWidget):
    """Loss (top) and accuracy in % (bottom) against the epoch, train solid, test dashed.

    The accuracy plot is hidden when neither accuracy is given (regression). The two
    plots share the x axis (``setXLink``), their left axes have the same width.
    """

    #: Emitted with the new state when the loss axis switches between linear and log.
    logScaleChanged = QtCore.Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self._dark = dark
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # A header row: the title on the left, the log-scale switch on the right.
        tools = QHBoxLayout()
        tools.setContentsMargins(12, 6, 12, 0)
        self.title_label = QLabel("Loss and accuracy", self)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        tools.addWidget(self.title_label)
        tools.addStretch(1)
        self.log_checkbox = QCheckBox("Log scale", self)
        self.log_checkbox.setToolTip("Show the loss on a logarithmic axis")
        tools.addWidget(self.log_checkbox)
        layout.addLayout(tools)

        self._loss_widget = _new_plot_widget()
        self._acc_widget = _new_plot_widget()
        self.loss_plot: pg.PlotItem = self._loss_widget.getPlotItem()
        self.acc_plot: pg.PlotItem = self._acc_widget.getPlotItem()
        self._acc_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self._loss_widget, 3)
        layout.addWidget(self._acc_widget, 2)

        self.loss_plot.setLabel("left", "loss")
        self.acc_plot.setLabel("left", "acc.", units="%")
        self.acc_plot.setXLink(self.loss_plot)
        # Fixed 0–100 % (no y auto-range). The margin keeps the 0 and 100 tick labels
        # inside the axis: pyqtgraph drops labels that would stick out of the view.
        self.acc_plot.setYRange(-12.0, 112.0, padding=0.0)
        self.acc_plot.setMouseEnabled(x=True, y=False)
        self.acc_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (0, 50, 100)], [(25, ""), (75, "")]])
        for plot in (self.loss_plot, self.acc_plot):
            plot.showGrid(x=True, y=True, alpha=0.15)

        # 100k points stay cheap: only the visible x range is drawn (clipToView) at about
        # 5 samples per pixel (autoDownsample; 'peak' keeps spikes visible). These are set
        # on the PlotItems because PlotItem.addItem overwrites the items' own settings.
        for plot in (self.loss_plot, self.acc_plot):
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
        self.train_loss_curve = pg.PlotDataItem(antialias=True)
        self.test_loss_curve = pg.PlotDataItem(antialias=True)
        self.train_acc_curve = pg.PlotDataItem(antialias=True)
        self.test_acc_curve = pg.PlotDataItem(antialias=True)
        for curve in (self.train_loss_curve, self.test_loss_curve):
            self.loss_plot.addItem(curve)
        for curve in (self.train_acc_curve, self.test_acc_curve):
            self.acc_plot.addItem(curve)
        # One legend for both plots (same styles): train solid, test dashed.
        self._legend = self.loss_plot.addLegend(
            offset=(-8, 6), labelTextSize=_LEGEND_TEXT_SIZE, colCount=2, horSpacing=6
        )

        # Extra named loss curves (an optimizer race), created on first use and reused.
        self._named_curves: dict[str, pg.PlotDataItem] = {}

        self.log_checkbox.toggled.connect(self.set_log_scale)
        # The plot's own context menu has a "Log Y" box too: keep both in step.
        self.loss_plot.ctrl.logYCheck.toggled.connect(self._on_plot_log_toggled)

        self.clear()
        self.apply_theme(dark)
        _cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_history(self, epochs, train_loss, test_loss=None, train_acc=None, test_acc=None) -> None:
        """Plot the history; every array is 1-D with one value per entry of ``epochs``.

        ``test_loss``, ``train_acc`` and ``test_acc`` may be None (curve hidden); NaN is
        allowed anywhere (the curve is interrupted there). Accuracies are in percent.
        """
        x = _as_1d(epochs, "epochs")
        n = x.shape[0]
        x_finite = bool(np.isfinite(x).all())
        series = (
            (self.train_loss_curve, train_loss, "train_loss"),
            (self.test_loss_curve, test_loss, "test_loss"),
            (self.train_acc_curve, train_acc, "train_acc"),
            (self.test_acc_curve, test_acc, "test_acc"),
        )
        for curve, values, name in series:
            if values is None:
                curve.setData(x=np.zeros(0), y=np.zeros(0))
                curve.setVisible(False)
                continue
            y = _as_1d(values, name, n)
            # One O(n) scan here; with all values finite pyqtgraph can skip its own check.
            finite = x_finite and bool(np.isfinite(y).all())
            curve.setData(x=x, y=y, skipFiniteCheck=finite)
            curve.setVisible(True)
        self._acc_widget.setVisible(train_acc is not None or test_acc is not None)
        self._sync_legends()
        self._update_epoch_label()

    def set_comparison(self, curves: dict) -> None:
        """Several loss curves side by side (name → 1-D losses per epoch), e.g. one per
        optimizer; the train/test curves are hidden. An empty dict hides them again."""
        for curve in self._named_curves.values():
            curve.setVisible(False)
        if not curves:
            self._sync_legends()
            return
        for curve in (self.train_loss_curve, self.test_loss_curve, self.train_acc_curve, self.test_acc_curve):
            curve.setData(x=np.zeros(0), y=np.zeros(0))
            curve.setVisible(False)
        self._acc_widget.setVisible(False)
        for i, (name, values) in enumerate(curves.items()):
            curve = self._named_curves.get(name)
            if curve is None:
                curve = self._named_curves[name] = pg.PlotDataItem(antialias=True)
                self.loss_plot.addItem(curve)
            color = CLASS_COLORS[i % len(CLASS_COLORS)]
            curve.setPen(pg.mkPen(color, width=2))
            y = _as_1d(values, name)
            curve.setData(x=np.arange(y.shape[0], dtype=float), y=y)
            curve.setVisible(True)
        _sync_legend(self._legend, [(self._named_curves[name], name) for name in curves])
        self._update_epoch_label()

    def set_log_scale(self, on: bool) -> None:
        """Switch the loss axis between linear and logarithmic."""
        on = bool(on)
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)  # re-enters through toggled
            return
        if self.loss_plot.ctrl.logYCheck.isChecked() != on:
            self.loss_plot.setLogMode(y=on)
        self.logScaleChanged.emit(on)

    def log_scale(self) -> bool:
        return self.log_checkbox.isChecked()

    def clear(self) -> None:
        """Remove all curves' data (the items stay, empty and hidden)."""
        empty = np.zeros(0)
        for curve in self.curves():
            curve.setData(x=empty, y=empty)
            curve.setVisible(False)
        self._acc_widget.setVisible(False)
        self._sync_legends()
        self._update_epoch_label()

    def curves(self) -> tuple[pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem]:
        """(train loss, test loss, train accuracy, test accuracy)."""
        return (self.train_loss_curve, self.test_loss_curve, self.train_acc_curve, self.test_acc_curve)

    def apply_theme(self, dark: bool) -> None:
        self._dark = dark
        theme = _theme(dark)
        fill_with_theme(self, theme)
        self.log_checkbox.setStyleSheet(f"QCheckBox {{ color: {theme.foreground}; }}")
        train, test = theme.series
        pens = (
            pg.mkPen(train, width=2),
            pg.mkPen(test, width=2, style=QtCore.Qt.PenStyle.DashLine),
        )
        for widget in (self._loss_widget, self._acc_widget):
            widget.setBackground(theme.background)
        for plot in (self.loss_plot, self.acc_plot):
            _style_plot(plot, theme)
        _style_legend(self._legend, theme)
        self.title_label.setStyleSheet(f"QLabel {{ color: {theme.foreground}; }}")
        self.train_loss_curve.setPen(pens[0])
        self.test_loss_curve.setPen(pens[1])
        self.train_acc_curve.setPen(pens[0])
        self.test_acc_curve.setPen(pens[1])

    # -- internals

    def _on_plot_log_toggled(self, on: bool) -> None:
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)

    def _sync_legends(self) -> None:
        for curve in self._named_curves.values():  # plain history replaces a comparison
            curve.setVisible(False)

        def shown(loss_curve, acc_curve):  # the loss curve, else the accuracy one
            return loss_curve if loss_curve.isVisible() or not acc_curve.isVisible() else acc_curve

        _sync_legend(self._legend, [
            (shown(self.train_loss_curve, self.train_acc_curve), "train"),
            (shown(self.test_loss_curve, self.test_acc_curve), "test"),
        ])

    def _update_epoch_label(self) -> None:
        """'epoch' and the x tick values go under the lowest visible plot only."""
        acc_shown = not self._acc_widget.isHidden()
        self.title_label.setText("Loss and accuracy" if acc_shown else "Loss")
        self.acc_plot.setLabel("bottom", "epoch")
        self.loss_plot.setLabel("bottom", None if acc_shown else "epoch")
        self.loss_plot.getAxis("bottom").setStyle(showValues=not acc_shown)


# ----------------------------------------------------------------------------- BoundaryPlot


class BoundaryPlot(QWidget):
    """The 2-D input plane: the network's output as a coloured field plus the data points.

    Colours follow TensorFlow Playground: orange = class 0 / low, white = undecided,
    blue = class 1 / high; multiclass uses ``CLASS_COLORS``. Train points are filled
    circles with a thin dark outline; test points have the same fill inside a white ring
    with a dark rim (a target), so they stand out on any field colour.
    """

    TRAIN_SIZE = 8
    TEST_SIZE = 10
    _TEST_RING = 2.0  # px, white ring width of test points
    _HALO_EXTRA = 3  # px the dark rim adds to the test symbol's diameter

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self._dark = dark
        self._task = "binary"
        self._num_classes = 2
        self._extent = (-6.0, 6.0, -6.0, 6.0)
        self._value_levels: tuple[float, float] | None = None  # regression colour scale
        self._field: np.ndarray | None = None
        self._test_wanted = True
        self._lut = _diverging_lut(FIELD_STRENGTH)
        point_lut = _diverging_lut(1.0)
        self._value_brushes = [pg.mkBrush(*map(int, rgb)) for rgb in point_lut]
        self._class_brushes = [pg.mkBrush(c) for c in CLASS_COLORS]
        self._binary_brushes = [pg.mkBrush(NEGATIVE_COLOR), pg.mkBrush(POSITIVE_COLOR)]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = _new_plot_widget()
        layout.addWidget(self._plot_widget)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setAspectLocked(True, ratio=1.0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.plot.getAxis("left").setWidth(44)

        # The field image. pyqtgraph's default (global) image axis order is column-major,
        # image[x, y]; our fields are row-major (H, W) with row 0 at y_min, so set_field
        # transposes them. The ViewBox's y axis points up, so column 0 of the transposed
        # array (= row 0) lands at the bottom of the rect.
        self._image = pg.ImageItem()
        self._image.setZValue(-10)
        self.plot.addItem(self._image)

        dark_edge = QtGui.QColor(32, 33, 36, 230)
        self._train_pen = pg.mkPen(dark_edge, width=1.0)
        self._test_pen = pg.mkPen("#ffffff", width=self._TEST_RING)
        neutral = pg.mkBrush("#9aa0a6")  # legend samples only (see apply_theme)
        self._train = pg.ScatterPlotItem(
            symbol="o", size=self.TRAIN_SIZE, pen=self._train_pen, brush=neutral, antialias=True
        )
        self._test_halo = pg.ScatterPlotItem(
            symbol="o", size=self.TEST_SIZE + self._HALO_EXTRA, pen=pg.mkPen(None),
            brush=pg.mkBrush(dark_edge), antialias=True,
        )
        self._test = pg.ScatterPlotItem(
            symbol="o", size=self.TEST_SIZE, pen=self._test_pen, brush=neutral, antialias=True
        )
        self._test._legend_halo = (self.TEST_SIZE + self._HALO_EXTRA, dark_edge)
        for z, item in enumerate((self._train, self._test_halo, self._test)):
            item.setZValue(5 + z)
            self.plot.addItem(item)
        self._legend = self.plot.addLegend(
            offset=(8, 8), labelTextSize=_LEGEND_TEXT_SIZE, colCount=2, horSpacing=4
        )

        self.set_extent(*self._extent)
        self.apply_theme(dark)
        self._sync_legend()
        _cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_points(self, train_xy, train_labels, test_xy=None, test_labels=None,
                   task: str = "binary", num_classes: int = 2) -> None:
        """Show the data. ``*_xy``: (n, 2) raw input coordinates; ``*_labels``: (n,) class
        indices (binary: 0/1) or target values (regression). Test data may be None."""
        if task not in ("binary", "multiclass", "regression"):
            raise ValueError(f"unknown task {task!r}")
        self._task = task
        self._num_classes = int(num_classes)
        train_xy, train_labels = self._points(train_xy, train_labels, "train")
        test_xy, test_labels = self._points(test_xy, test_labels, "test")
        if task == "regression":
            both = np.concatenate([train_labels, test_labels])
            both = both[np.isfinite(both)]
            self._value_levels = (float(both.min()), float(both.max())) if both.size else None
        self._train.setData(pos=train_xy, brush=self._brushes(train_labels))
        self._test_halo.setData(pos=test_xy)
        self._test.setData(pos=test_xy, brush=self._brushes(test_labels))
        if self._field is not None and task == "regression":
            self.set_field(self._field)  # the colour scale may have changed
        self._sync_legend()

    def set_extent(self, xmin: float, xmax: float, ymin: float, ymax: float) -> None:
        """The rectangle of the input plane that the field covers and the view shows."""
        if not (xmax > xmin and ymax > ymin):
            raise ValueError(f"empty extent {(xmin, xmax, ymin, ymax)}")
        self._extent = (float(xmin), float(xmax), float(ymin), float(ymax))
        if self._image.image is not None:
            self._image.setRect(self._rect())
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0.0)

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def set_field(self, values) -> None:
        """(H, W) output over the plane (binary: ŷ ∈ [0, 1]; regression: the prediction)
        or (H, W, C) class probabilities (multiclass); row 0 at y_min, column 0 at x_min."""
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 3 and values.shape[2] == 1:
            values = values[:, :, 0]
        self._field = values
        if values.ndim == 3:
            rgb = self._class_field_rgb(values)
            # Transposed to pyqtgraph's default column-major order (see __init__).
            self._image.setImage(rgb.transpose(1, 0, 2), lut=None, levels=(0, 255), autoLevels=False)
        elif values.ndim == 2:
            if self._task == "regression":
                levels = self._value_levels or self._finite_range(values)
            else:
                levels = (0.0, 1.0)
            self._image.setImage(values.T, lut=self._lut, levels=levels, autoLevels=False)
        else:
            raise ValueError(f"field must be (H, W) or (H, W, C), got shape {values.shape}")
        self._image.setRect(self._rect())  # the scale depends on the image size

    def clear_field(self) -> None:
        self._field = None
        self._image.clear()

    def show_test(self, show: bool) -> None:
        self._test_wanted = bool(show)
        self._test.setVisible(self._test_wanted)
        self._test_halo.setVisible(self._test_wanted)
        self._sync_legend()

    def field_image(self) -> pg.ImageItem:
        return self._image

    def point_items(self) -> tuple[pg.ScatterPlotItem, pg.ScatterPlotItem]:
        """(train, test) scatter items."""
        return self._train, self._test

    def apply_theme(self, dark: bool) -> None:
        self._dark = dark
        theme = _theme(dark)
        self._plot_widget.setBackground(theme.background)
        _style_plot(self.plot, theme)
        _style_legend(self._legend, theme)
        # The default brush only colours the legend samples (every point has its own).
        neutral = pg.mkBrush("#c4c7cc" if dark else "#9aa0a6")
        for item in (self._train, self._test):
            item.setBrush(neutral)
        for sample, _ in self._legend.items:
            sample.update()

    # -- internals

    def _rect(self) -> QtCore.QRectF:
        x0, x1, y0, y1 = self._extent
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    @staticmethod
    def _points(xy, labels, name):
        if xy is None:
            return np.zeros((0, 2)), np.zeros(0)
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        labels = _as_1d(labels, f"{name}_labels", xy.shape[0])
        return xy, labels

    @staticmethod
    def _finite_range(values) -> tuple[float, float]:
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return (0.0, 1.0)
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)

    def _brushes(self, labels: np.ndarray) -> list:
        if labels.size == 0:
            return []
        if self._task == "regression":
            lo, hi = self._value_levels or (0.0, 1.0)
            t = (np.nan_to_num(labels, nan=0.5 * (lo + hi)) - lo) / max(hi - lo, 1e-12)
            idx = np.clip(np.rint(t * 255), 0, 255).astype(np.intp)
            return [self._value_brushes[i] for i in idx]
        if self._task == "binary":
            return [self._binary_brushes[i] for i in (labels > 0.5).astype(np.intp)]
        idx = np.nan_to_num(labels).astype(np.intp) % len(self._class_brushes)
        return [self._class_brushes[i] for i in idx]

    @staticmethod
    def _class_field_rgb(probs: np.ndarray) -> np.ndarray:
        """(H, W, C) probabilities → (H, W, 3) uint8: the argmax class's colour, from white
        at chance (1/C) to FIELD_STRENGTH of the full colour at probability 1."""
        c = probs.shape[2]
        p = np.nan_to_num(probs, nan=0.0)
        winner = p.argmax(axis=2)
        confidence = np.clip((p.max(axis=2) - 1.0 / c) / (1.0 - 1.0 / c), 0.0, 1.0) if c > 1 else np.ones(p.shape[:2])
        colour = _PALETTE_RGB[winner % len(_PALETTE_RGB)]
        t = (FIELD_STRENGTH * confidence)[..., None]
        return np.rint(_WHITE + t * (colour - _WHITE)).astype(np.uint8)

    def _sync_legend(self) -> None:
        _sync_legend(self._legend, [(self._train, "train"), (self._test, "test")])


# ----------------------------------------------------------------------------- ActivationPlot

#: The z range of the activation plot and the number of grid points.
Z_RANGE = (-6.0, 6.0)
Z_POINTS = 500
#: |f′(z)| below this counts as saturated (the gradient through the unit nearly vanishes).
SATURATION_THRESHOLD = 0.05
HISTOGRAM_BINS = 40
#: The tallest histogram bar reaches this fraction of the plot's height.
_HIST_HEIGHT = 0.38
_REGION_POOL = 3


def _activation_curves(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and f′(z) on the grid; softmax is shown per unit, for 2 units with the other
    logit at 0, which is σ(z) and σ′(z)."""
    act = ACTIVATIONS[name]
    if act.output_only:  # softmax
        logits = np.column_stack([z, np.zeros_like(z)])
        return act.forward(logits, axis=1)[:, 0], act.derivative(logits)[:, 0]
    return act.forward(z), act.derivative(z)


def saturated_intervals(z: np.ndarray, d: np.ndarray, threshold: float = SATURATION_THRESHOLD
                        ) -> list[tuple[float, float]]:
    """Maximal intervals of the grid ``z`` where |d| < threshold. An end inside the grid is
    linearly interpolated between the two grid points around the crossing; an end at the
    grid's edge is the edge itself."""
    mask = np.abs(d) < threshold
    if not mask.any():
        return []
    steps = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(steps == 1)
    ends = np.flatnonzero(steps == -1) - 1  # inclusive
    a = np.abs(d)

    def cross(i: int, j: int) -> float:  # |d| goes through threshold between z[i] and z[j]
        t = (threshold - a[i]) / (a[j] - a[i])
        return float(z[i] + t * (z[j] - z[i]))

    last = len(z) - 1
    return [
        (float(z[0]) if s == 0 else cross(s - 1, s), float(z[last]) if e == last else cross(e, e + 1))
        for s, e in zip(starts, ends)
    ]


class ActivationPlot(QWidget):
    """One activation function f (solid) and its derivative f′ (dashed) over z ∈ [-6, 6],
    the saturated regions (|f′| < 0.05) shaded, and a histogram of the layer's current z
    values over the data drawn from the bottom of the plot (its height is relative: the
    tallest bin reaches 38 % of the plot)."""

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self._dark = dark
        self._name: str | None = None
        self._intervals: list[tuple[float, float]] = []
        self._y_range = (-0.1, 1.1)
        self._z: np.ndarray | None = None
        self._counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
        self._fraction = float("nan")
        self._grid = np.linspace(*Z_RANGE, Z_POINTS)
        self._edges = np.linspace(*Z_RANGE, HISTOGRAM_BINS + 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._plot_widget = _new_plot_widget()
        layout.addWidget(self._plot_widget)
        self.plot: pg.PlotItem = self._plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "z (pre-activation)")
        self.plot.setLabel("left", "f(z), f′(z)")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.disableAutoRange()
        self.plot.showGrid(x=True, y=True, alpha=0.12)

        self._regions = []
        for _ in range(_REGION_POOL):
            region = pg.LinearRegionItem(values=(0, 1), movable=False)
            region.setZValue(-20)
            region.hide()
            self.plot.addItem(region, ignoreBounds=True)
            self._regions.append(region)
        self._zero_x = pg.InfiniteLine(pos=0.0, angle=90, movable=False)
        self._zero_y = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        for line in (self._zero_x, self._zero_y):
            line.setZValue(-15)
            self.plot.addItem(line, ignoreBounds=True)
        self.hist_curve = pg.PlotDataItem(stepMode="center", fillLevel=0.0, antialias=False)
        self.hist_curve.setZValue(-5)
        self.f_curve = pg.PlotDataItem(antialias=True)
        self.df_curve = pg.PlotDataItem(antialias=True)
        for item in (self.hist_curve, self.df_curve, self.f_curve):
            self.plot.addItem(item)
        self.hist_curve.hide()
        # Legend-only stand-in for the shaded regions (drawn as a filled box).
        self._region_key = pg.PlotDataItem()
        self._legend = self.plot.addLegend(
            offset=(8, 6), labelTextSize=_LEGEND_TEXT_SIZE, colCount=2, horSpacing=6, verSpacing=-4
        )

        self.saturation_label = pg.TextItem("", anchor=(1, 0))
        self.saturation_label.setZValue(20)
        self.plot.addItem(self.saturation_label, ignoreBounds=True)
        self.saturation_label.hide()

        self.apply_theme(dark)
        self.set_activation("sigmoid", "sigmoid")
        _cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_activation(self, name: str, title: str) -> None:
        """Show activation ``name`` (a key of ACTIVATIONS) under the plot title ``title``."""
        if name not in ACTIVATIONS:
            raise KeyError(f"unknown activation {name!r}")
        self._name = name
        f, df = _activation_curves(name, self._grid)
        self.f_curve.setData(self._grid, f)
        self.df_curve.setData(self._grid, df)
        if ACTIVATIONS[name].output_only:
            title = f"{title} — one unit: σ(z), other logit 0"
        self._title = title
        self._set_title()

        lo = float(min(f.min(), df.min(), 0.0))
        hi = float(max(f.max(), df.max(), 1.0))
        pad = 0.08 * (hi - lo)
        # Extra head room at the top for the legend and the saturation label.
        self._y_range = (lo - pad, hi + 3.2 * pad)
        self.plot.setXRange(*Z_RANGE, padding=0.0)
        self.plot.setYRange(*self._y_range, padding=0.0)

        self._intervals = saturated_intervals(self._grid, df)
        for i, region in enumerate(self._regions):
            if i < len(self._intervals):  # no activation here has more than two
                region.setRegion(self._intervals[i])
                region.show()
            else:
                region.hide()
        self._region_key.setVisible(bool(self._intervals))
        self._update_histogram()
        self._sync_legend()

    def set_z_values(self, z) -> None:
        """The layer's current pre-activations over the data (any shape; NaN ignored).
        Values outside the plot range are counted in the edge bins."""
        z = np.asarray(z, dtype=np.float64).reshape(-1)
        self._z = z[~np.isnan(z)]
        self._update_histogram()
        self._sync_legend()

    def clear_z_values(self) -> None:
        self._z = None
        self._update_histogram()
        self._sync_legend()

    def saturated_intervals(self) -> list[tuple[float, float]]:
        """The shaded (lo, hi) intervals, within Z_RANGE, in increasing order."""
        return list(self._intervals)

    def saturated_fraction(self) -> float:
        """Fraction of the z values in the saturated regions (regions touching the edge of
        the plot extend to ±∞); NaN when no z values are set."""
        return self._fraction

    def histogram_counts(self) -> np.ndarray:
        """Counts per bin (HISTOGRAM_BINS bins over Z_RANGE, edge bins include the values
        beyond the range)."""
        return self._counts.copy()

    def histogram_edges(self) -> np.ndarray:
        return self._edges.copy()

    def apply_theme(self, dark: bool) -> None:
        self._dark = dark
        theme = _theme(dark)
        self._plot_widget.setBackground(theme.background)
        _style_plot(self.plot, theme)
        _style_legend(self._legend, theme)
        first, second = theme.series
        self.f_curve.setPen(pg.mkPen(first, width=2.2))
        self.df_curve.setPen(pg.mkPen(second, width=2.0, style=QtCore.Qt.PenStyle.DashLine))
        neutral = QtGui.QColor(theme.neutral)
        fill, edge = QtGui.QColor(neutral), QtGui.QColor(neutral)
        fill.setAlpha(70)
        edge.setAlpha(160)
        self.hist_curve.setPen(pg.mkPen(edge, width=1))
        self.hist_curve.setFillBrush(pg.mkBrush(fill))
        key = QtGui.QColor(neutral)
        key.setAlpha(120)
        self.hist_curve._legend_box = pg.mkBrush(key)
        shade = pg.mkBrush(*theme.shade)
        border = QtGui.QColor(*theme.shade[:3])
        border.setAlpha(90)
        for region in self._regions:
            region.setBrush(shade)
            region.setHoverBrush(shade)
            for line in region.lines:
                line.setPen(pg.mkPen(border, width=1, style=QtCore.Qt.PenStyle.DotLine))
                line.setHoverPen(pg.mkPen(border, width=1, style=QtCore.Qt.PenStyle.DotLine))
        self._region_key._legend_box = pg.mkBrush(*theme.shade[:3], min(255, theme.shade[3] * 3))
        axis_colour = QtGui.QColor(theme.axis)
        axis_colour.setAlpha(110)
        for line in (self._zero_x, self._zero_y):
            line.setPen(pg.mkPen(axis_colour, width=1))
        self.saturation_label.setColor(theme.foreground)
        self.saturation_label.fill = pg.mkBrush(*theme.legend_fill)
        self.saturation_label.border = pg.mkPen(theme.legend_border)
        self.saturation_label.update()
        if self._name is not None:
            self._set_title()
        self._legend.update()

    # -- internals

    def _set_title(self) -> None:
        self.plot.setTitle(self._title, size=_TITLE_SIZE, color=_theme(self._dark).foreground)

    def _update_histogram(self) -> None:
        if self._z is None or self._z.size == 0:
            self._counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
            self._fraction = float("nan")
            self.hist_curve.setData(x=self._edges, y=np.zeros(HISTOGRAM_BINS))
            self.hist_curve.hide()
            self.saturation_label.hide()
            return
        z = self._z
        self._counts, _ = np.histogram(np.clip(z, *Z_RANGE), bins=self._edges)
        lo, hi = self._y_range
        base = lo
        heights = base + self._counts / max(int(self._counts.max()), 1) * _HIST_HEIGHT * (hi - lo)
        self.hist_curve.setFillLevel(base)
        self.hist_curve.setData(x=self._edges, y=heights)
        self.hist_curve.show()

        inside = np.zeros(z.shape, dtype=bool)
        for a, b in self._intervals:
            a = -np.inf if a <= Z_RANGE[0] else a
            b = np.inf if b >= Z_RANGE[1] else b
            inside |= (z >= a) & (z <= b)
        self._fraction = float(inside.mean())
        self.saturation_label.setText(f"{100 * self._fraction:.0f}% saturated")
        self.saturation_label.setPos(Z_RANGE[1] - 0.15, hi - 0.03 * (hi - lo))
        self.saturation_label.show()

    def _sync_legend(self) -> None:
        _sync_legend(self._legend, [
            (self.f_curve, "f(z)"),
            (self.df_curve, "f′(z)"),
            (self.hist_curve, "z over the data"),
            (self._region_key, f"|f′| &lt; {SATURATION_THRESHOLD:g}"),
        ])
