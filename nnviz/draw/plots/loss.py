"""The loss/accuracy history plot: loss (top) and accuracy (bottom) against the epoch.

Its pyqtgraph items are made once in ``__init__``; updates only call ``setData`` and show
or hide items, so the plot can be refreshed every frame without allocating graphics items.

The axes fit what is shown, set on every update (not pyqtgraph's auto-range, which
keeps the previous run's width for a one-point history: epoch −500 … 500 after Reset):
x over the epochs shown, at least MIN_EPOCHS wide (0 … 1 when empty), y over the losses.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.draw.plots.axis_label import fit_axis_label, fitted_axis_label
from nnviz.draw.plots.history_curves import bound_to_screen, history_curve
from nnviz.draw.plots.strip import legend_above
from nnviz.draw.plots.toolkit import (
    LEGEND_TEXT_SIZE, as_1d, cache_decorations, fill_with_theme, new_plot_widget, set_plot_font_scale, style_legend,
    style_plot, sync_legend,
)
from nnviz.draw.theme import CLASS_COLORS, LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual

__all__ = ["MIN_EPOCHS", "LossPlot"]

MIN_EPOCHS = 1.0  # the x axis spans at least this many epochs
RANGE_LIMIT = 1e300  # axis ends are clipped to ±this, so hi − lo and the padding stay finite
HEADER_MARGIN = 12  # px left and right of the header row (title, Log scale)
HEADER_GAP = 12  # px at least between the title and the switch


class LossPlot(QWidget):
    """Loss (top) and accuracy in % (bottom) against the epoch, train solid, test dashed.

    The accuracy plot is hidden when neither accuracy is given (regression). The two
    plots share the x axis (``setXLink``), their left axes have the same width.
    """

    #: Emitted with the new state when the loss axis switches between linear and log.
    logScaleChanged = QtCore.Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # A header row: the title on the left, the log-scale switch on the right.
        tools = QHBoxLayout()
        tools.setContentsMargins(HEADER_MARGIN, 6, HEADER_MARGIN, 0)
        tools.setSpacing(HEADER_GAP)
        self.title_label = QLabel("Loss and accuracy", self)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        tools.addWidget(self.title_label)
        tools.addStretch(1)
        self.log_checkbox = QCheckBox("Log scale", self)
        self._header_points = font.pointSizeF()  # the header's size at scale 1
        self.log_checkbox.setToolTip("Show the loss on a logarithmic axis")
        tools.addWidget(self.log_checkbox)
        layout.addLayout(tools)

        self._loss_widget = new_plot_widget()
        self._acc_widget = new_plot_widget()
        self.loss_plot: pg.PlotItem = self._loss_widget.getPlotItem()
        self.acc_plot: pg.PlotItem = self._acc_widget.getPlotItem()
        self._acc_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self._loss_widget, 3)
        layout.addWidget(self._acc_widget, 2)

        self.loss_plot.setLabel("left", "loss")
        # "acc. (%)", or a shorter form where the axis is too short for it (presentation scale)
        fitted_axis_label(self.acc_plot.getAxis("left"), [("acc.", "%"), ("acc. %", None), ("%", None)])
        self.acc_plot.setXLink(self.loss_plot)
        # Fixed 0–100 % (no y auto-range). The margin keeps the 0 and 100 tick labels
        # inside the axis: pyqtgraph drops labels that would stick out of the view.
        self.acc_plot.setYRange(-12.0, 112.0, padding=0.0)
        self.acc_plot.setMouseEnabled(x=True, y=False)
        self.acc_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (0, 50, 100)], [(25, ""), (75, "")]])
        for plot in (self.loss_plot, self.acc_plot):
            plot.showGrid(x=True, y=True, alpha=0.15)

        # A long run costs what the screen shows: the history is thinned (app.history) and
        # drawn no finer than the pixels (history_curves, 'peak' keeps spikes visible).
        for plot in (self.loss_plot, self.acc_plot):
            bound_to_screen(plot)
        self.train_loss_curve = history_curve()
        self.test_loss_curve = history_curve()
        self.train_acc_curve = history_curve()
        self.test_acc_curve = history_curve()
        for curve in (self.train_loss_curve, self.test_loss_curve):
            self.loss_plot.addItem(curve)
        for curve in (self.train_acc_curve, self.test_acc_curve):
            self.acc_plot.addItem(curve)
        # One legend for both plots (same styles): train solid, test dashed; above the data.
        self._legend = legend_above(self.loss_plot, labelTextSize=LEGEND_TEXT_SIZE, horSpacing=6)
        self._user_view = False  # the user zoomed or panned: the axes stay as they are
        self._labelled_for: bool | None = None  # whether the accuracy plot was shown when the labels were set
        self._shown_rows = 0
        for plot in (self.loss_plot, self.acc_plot):
            plot.vb.sigRangeChangedManually.connect(self._on_user_view)

        # Extra named loss curves (an optimizer race), created on first use and reused.
        self._named_curves: dict[str, pg.PlotDataItem] = {}

        self.log_checkbox.toggled.connect(self.set_log_scale)
        # The plot's own context menu has a "Log Y" box too: keep both in step.
        self.loss_plot.ctrl.logYCheck.toggled.connect(self._on_plot_log_toggled)

        self.clear()
        self.set_theme(theme)
        cache_decorations(*self.findChildren(pg.GraphicsView))

    # -- public API

    def set_history(self, epochs, train_loss, test_loss=None, train_acc=None, test_acc=None) -> None:
        """Plot the history; every array is 1-D with one value per entry of ``epochs``.

        ``test_loss``, ``train_acc`` and ``test_acc`` may be None (curve hidden); NaN is
        allowed anywhere (the curve is interrupted there). Accuracies are in percent.
        """
        x = as_1d(epochs, "epochs")
        n = x.shape[0]
        if n < self._shown_rows:  # a new run (Reset, another network): fit the axes again
            self._user_view = False
        self._shown_rows = n
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
            y = as_1d(values, name, n)
            # One O(n) scan here; with all values finite pyqtgraph can skip its own check.
            finite = x_finite and bool(np.isfinite(y).all())
            curve.setData(x=x, y=y, skipFiniteCheck=finite)
            curve.setVisible(True)
        self._acc_widget.setVisible(train_acc is not None or test_acc is not None)
        self._sync_legends()
        self._update_epoch_label()
        self._fit_axes()

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
                curve = self._named_curves[name] = history_curve()
                self.loss_plot.addItem(curve)
            color = CLASS_COLORS[i % len(CLASS_COLORS)]
            curve.setPen(pg.mkPen(color, width=2))
            y = as_1d(values, name)
            curve.setData(x=np.arange(y.shape[0], dtype=float), y=y)
            curve.setVisible(True)
        sync_legend(self._legend, [(self._named_curves[name], name) for name in curves])
        self._update_epoch_label()
        self._fit_axes()

    def set_log_scale(self, on: bool) -> None:
        """Switch the loss axis between linear and logarithmic."""
        on = bool(on)
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)  # re-enters through toggled
            return
        if self.loss_plot.ctrl.logYCheck.isChecked() != on:
            self.loss_plot.setLogMode(y=on)
        self._fit_axes()
        self.logScaleChanged.emit(on)

    def log_scale(self) -> bool:
        return self.log_checkbox.isChecked()

    def clear(self) -> None:
        """Remove all curves' data (the items stay, empty and hidden)."""
        self._user_view, self._shown_rows = False, 0
        empty = np.zeros(0)
        for curve in self.curves():
            curve.setData(x=empty, y=empty)
            curve.setVisible(False)
        self._acc_widget.setVisible(False)
        self._sync_legends()
        self._update_epoch_label()
        self._fit_axes()

    def curves(self) -> tuple[pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem]:
        """(train loss, test loss, train accuracy, test accuracy)."""
        return (self.train_loss_curve, self.test_loss_curve, self.train_acc_curve, self.test_acc_curve)

    def set_font_scale(self, scale: float) -> None:
        """Draw the plot's text (ticks, axis labels, title, legend, the header row) at ``scale``
        × its usual size."""
        for plot in (self.loss_plot, self.acc_plot):
            set_plot_font_scale(plot, scale)
        fit_axis_label(self.acc_plot.getAxis("left"))  # the label's length grows with its font
        for widget in (self.title_label, self.log_checkbox):  # a theme's style sheet stops the window's font here
            font = widget.font()
            font.setPointSizeF(self._header_points * scale)
            widget.setFont(font)
        self._fit_header()

    def _fit_header(self) -> None:
        """The longest title and switch text that fit the header row side by side."""
        titles = ("Loss and accuracy", "Loss, accuracy", "Loss") if not self._acc_widget.isHidden() else ("Loss",)
        room = self.width() - 2 * HEADER_MARGIN - HEADER_GAP
        box, title = self.log_checkbox, self.title_label
        for switch in ("Log scale", "Log"):
            box.setText(switch)
            left = room - box.sizeHint().width()
            fits = [t for t in titles if title.fontMetrics().horizontalAdvance(t) <= left]
            if fits:
                break
        title.setText(fits[0] if fits else titles[-1])

    @qt_virtual("LossPlot: resize failed")
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_header()

    @qt_virtual("LossPlot: minimum size hint failed", fallback=QtCore.QSize)
    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(120, 90)  # the header, a legend and a readable curve

    def set_theme(self, theme: Theme) -> None:
        fill_with_theme(self, theme)
        self.log_checkbox.setStyleSheet(f"QCheckBox {{ color: {theme.plot_text}; }}")
        train, test = theme.series
        pens = (
            pg.mkPen(train, width=2),
            pg.mkPen(test, width=2, style=QtCore.Qt.PenStyle.DashLine),
        )
        for widget in (self._loss_widget, self._acc_widget):
            widget.setBackground(theme.background)
        for plot in (self.loss_plot, self.acc_plot):
            style_plot(plot, theme)
        style_legend(self._legend, theme)
        self.title_label.setStyleSheet(f"QLabel {{ color: {theme.plot_text}; }}")
        self.train_loss_curve.setPen(pens[0])
        self.test_loss_curve.setPen(pens[1])
        self.train_acc_curve.setPen(pens[0])
        self.test_acc_curve.setPen(pens[1])

    # -- internals

    def _fit_axes(self) -> None:
        """x over the shown curves' epochs (at least MIN_EPOCHS from the first, 0 when
        empty), y over their finite losses, padded; left alone once the user has zoomed or
        panned (until the history starts again)."""
        if self._user_view:
            return
        xs, ys = [], []
        for curve in (self.train_loss_curve, self.test_loss_curve, *self._named_curves.values()):
            x, y = curve.xData, curve.yData  # as given: getData() is clipped to the view and log-mapped
            if curve.isVisible() and x is not None and len(x):
                keep = np.isfinite(x) & np.isfinite(y)
                xs.append(x[keep])
                ys.append(y[keep])
        x = np.concatenate(xs) if xs else np.zeros(0)
        y = np.concatenate(ys) if ys else np.zeros(0)
        x0, x1 = np.clip((x.min(), x.max()) if x.size else (0.0, 0.0), -RANGE_LIMIT, RANGE_LIMIT).tolist()
        self.loss_plot.setXRange(x0, max(x1, x0 + MIN_EPOCHS), padding=0.02)
        log = self.log_scale()
        if log:  # a log axis is ranged in decades
            y = np.log10(y[y > 0])
        lo, hi = np.clip((y.min(), y.max()) if y.size else ((-1.0, 0.0) if log else (0.0, 1.0)),
                         -RANGE_LIMIT, RANGE_LIMIT).tolist()
        pad = max(0.08 * (hi - lo), 0.05 * max(abs(lo), abs(hi))) or 0.05  # a flat curve is not blown up
        self.loss_plot.setYRange(lo - pad, hi + pad, padding=0.0)

    def _on_user_view(self, *_) -> None:
        self._user_view = True

    def _on_plot_log_toggled(self, on: bool) -> None:
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)

    def _sync_legends(self) -> None:
        for curve in self._named_curves.values():  # plain history replaces a comparison
            curve.setVisible(False)

        def shown(loss_curve, acc_curve):  # the loss curve, else the accuracy one
            return loss_curve if loss_curve.isVisible() or not acc_curve.isVisible() else acc_curve

        sync_legend(self._legend, [
            (shown(self.train_loss_curve, self.train_acc_curve), "train"),
            (shown(self.test_loss_curve, self.test_acc_curve), "test"),
        ])

    def _update_epoch_label(self) -> None:
        """'epoch' and the x tick values go under the lowest visible plot only (set again only
        when that changed: each setting relays the plot out, at every point while training)."""
        acc_shown = not self._acc_widget.isHidden()
        if acc_shown == self._labelled_for:
            return
        self._labelled_for = acc_shown
        self._fit_header()
        self.acc_plot.setLabel("bottom", "epoch")
        self.loss_plot.setLabel("bottom", None if acc_shown else "epoch")
        self.loss_plot.getAxis("bottom").setStyle(showValues=not acc_shown)
