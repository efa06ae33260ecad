"""The drawing pad panel: draw a digit, see the network input it becomes and the network's answer.

Beside the pad (instruments.drawing_pad): the drawing downsampled the way the image set
was made (nnviz.app.drawing), shown cell by cell as the network gets it, and the ten
output probabilities as bars labelled 0–9, the predicted class marked. The panel runs
that forward pass itself, on its own copy of the network at the latest snapshot's
parameters (instruments.source). While the drawing changes, ``drawn`` carries the
network input row x (d,), standardized like the data (Dataset.transform), at most every
DRAWN_INTERVAL_MS: the window makes it the traced sample. Without image data the panel
says what to choose instead.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.drawing import downsample_drawing
from nnviz.draw.plots.digit_drawing import grey_rgba, rgba_to_qimage, snap_side
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.datasets import Dataset
from nnviz.engine.network import Network
from nnviz.ui.instruments.common import SnapshotThrottle, add_row, bold_label
from nnviz.ui.instruments.drawing_pad import DrawingPad, no_wider_than_high
from nnviz.ui.instruments.source import SnapshotSource

__all__ = ["DRAWN_INTERVAL_MS", "NEEDS_IMAGES", "DrawingPadPanel", "InputImageView", "OutputBars"]

DRAWN_INTERVAL_MS = 33  # ≤ ~30 updates of the input (and ``drawn``) per second while drawing
NEEDS_IMAGES = "The drawing pad needs image data: choose Dataset → digits or import MNIST files."


class InputImageView(QWidget):
    """The network's input image (rows, cols) under a caption line, one square cell per pixel
    (nearest neighbour, whole screen pixels: digit_drawing.snap_side), in the pad's colours
    (digit_drawing.grey_rgba: the theme's background for 0, its text colour for 1); a grid
    between the cells of small images. (The caption is drawn here: the view alone is the square.)"""

    def __init__(self, parent=None, *, theme: Theme = LIGHT):
        super().__init__(parent)
        self.image: np.ndarray | None = None
        self.caption = ""
        self._theme = theme
        self.setObjectName("drawing_pad_input")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: np.ndarray | None, caption: str = "") -> None:
        self.image = None if image is None else np.array(image, dtype=np.float64)
        self.caption = caption
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def image_rect(self) -> QRectF:
        """Where the cells are drawn: the largest rectangle of square cells under the caption,
        at the left, 1 px inset for the frame."""
        rows, cols = (8, 8) if self.image is None else self.image.shape
        top = self.fontMetrics().height() + 4
        width = min(self.width() - 2, (self.height() - top - 1) * cols / rows)
        cell = snap_side(width, cols) / cols
        return QRectF(1, top, cell * cols, cell * rows)

    @qt_virtual("InputImageView: resizing failed")
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        no_wider_than_high(self)

    def _size(self, lines: int) -> QSize:
        fm = self.fontMetrics()
        side = lines * fm.height()
        return QSize(max(side, fm.horizontalAdvance(self.caption) + 2), side + fm.height() + 4)

    @qt_virtual("InputImageView: size hint failed", fallback=lambda: QSize(140, 160))
    def sizeHint(self) -> QSize:
        return self._size(8)

    @qt_virtual("InputImageView: minimum size hint failed", fallback=lambda: QSize(80, 100))
    def minimumSizeHint(self) -> QSize:
        return self._size(5)

    @qt_virtual("InputImageView: painting failed")
    def paintEvent(self, event) -> None:
        theme, rect = self._theme, self.image_rect()
        painter = QPainter(self)
        try:
            painter.setPen(QColor(theme.secondary))
            painter.drawText(QRectF(0, 0, self.width(), rect.top()), Qt.AlignmentFlag.AlignLeft, self.caption)
            if self.image is None:
                painter.fillRect(rect, QColor(theme.background))
            else:
                rows, cols = self.image.shape
                painter.drawImage(rect, rgba_to_qimage(grey_rgba(self.image, theme)))  # unsmoothed: flat squares
                if max(rows, cols) <= 16:
                    grid = QColor(theme.rule)
                    grid.setAlpha(110)
                    painter.setPen(QPen(grid, 1.0))
                    for r in range(1, rows):
                        y = rect.top() + r * rect.height() / rows
                        painter.drawLine(rect.left(), y, rect.right(), y)
                    for c in range(1, cols):
                        x = rect.left() + c * rect.width() / cols
                        painter.drawLine(x, rect.top(), x, rect.bottom())
            painter.setPen(QPen(QColor(theme.rule), 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        finally:
            painter.end()


class OutputBars(QWidget):
    """The network's outputs as vertical bars, one column per class labelled "0" … "9" below,
    its value in per cent above (when it rounds to at least 1); the predicted class (the
    largest output) in the accent colour, its label and value bold."""

    def __init__(self, parent=None, *, theme: Theme = LIGHT):
        super().__init__(parent)
        self.values: np.ndarray | None = None
        self._theme = theme
        self._count = 10
        self.setObjectName("drawing_pad_outputs")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def predicted(self) -> int | None:
        return None if self.values is None else int(np.argmax(self.values))

    def set_values(self, values: np.ndarray | None, count: int = 10) -> None:
        """values (count,) in [0, 1], or None: empty bars for ``count`` classes."""
        self.values = None if values is None else np.array(values, dtype=np.float64)
        new_count = count if values is None else len(self.values)
        if new_count != self._count:
            self._count = new_count
            self.updateGeometry()
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def _size(self, column_chars: float, bar_lines: float) -> QSize:
        fm = self.fontMetrics()
        return QSize(int(self._count * column_chars * fm.horizontalAdvance("0")), int((2 + bar_lines) * fm.height()))

    @qt_virtual("OutputBars: size hint failed", fallback=lambda: QSize(300, 160))
    def sizeHint(self) -> QSize:
        return self._size(3.5, 6)

    @qt_virtual("OutputBars: minimum size hint failed", fallback=lambda: QSize(200, 100))
    def minimumSizeHint(self) -> QSize:
        return self._size(2.4, 3)

    def _column(self) -> float:
        """A class's column width: an equal share, at most 2.5 lines (bars, not slabs, in a wide dock)."""
        return min(self.width() / max(1, self._count), 2.5 * self.fontMetrics().height())

    def bar_rect(self, k: int) -> QRectF:
        """Class k's bar at full height (100 %), between the value line (top) and the label line (bottom)."""
        line, column = self.fontMetrics().height(), self._column()
        return QRectF((k + 0.18) * column, line, 0.64 * column, max(1.0, self.height() - 2 * line))

    @qt_virtual("OutputBars: painting failed")
    def paintEvent(self, event) -> None:
        theme, line, column = self._theme, self.fontMetrics().height(), self._column()
        best = self.predicted
        painter = QPainter(self)
        try:
            normal, bold = self.font(), self.font()
            bold.setBold(True)
            for k in range(self._count):
                bar, marked = self.bar_rect(k), k == best
                cell = QRectF(k * column, bar.bottom(), column, line)  # the label's line under the bar
                painter.fillRect(bar, QColor(theme.table_head))
                painter.setFont(bold if marked else normal)
                painter.setPen(QColor(theme.accent if marked else theme.text))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(k))
                if self.values is None:
                    continue
                v = float(np.clip(self.values[k], 0.0, 1.0))
                top = bar.bottom() - v * bar.height()
                painter.fillRect(QRectF(bar.left(), top, bar.width(), v * bar.height()),
                                 QColor(theme.accent if marked else theme.secondary))
                if round(100 * v) >= 1:  # the value just above its bar
                    painter.drawText(cell.translated(0, top - line - bar.bottom()), Qt.AlignmentFlag.AlignCenter,
                                     f"{100 * v:.0f}")
        finally:
            painter.end()


class DrawingPadPanel(QWidget):
    """The pad, the network input it makes and the network's output for it."""

    #: (np.ndarray (d,)) the drawing as a network input row, transformed like the data
    drawn = Signal(object)

    def __init__(self, controller: SnapshotSource | None = None, parent=None, *, theme: Theme = LIGHT):
        super().__init__(parent)
        self.controller = controller
        self.dataset: Dataset | None = None
        self.network: Network | None = None  # display copy: never the controller's live one
        self._pending_params = None  # the latest snapshot's parameters, not yet in the network
        self.input_row: np.ndarray | None = None  # raw intensities (d,) in [0, 1]
        self.input_x: np.ndarray | None = None  # the network input (d,): input_row transformed
        self.probabilities: np.ndarray | None = None  # the network's outputs for input_x
        self._theme = theme
        self._drawn_timer = QTimer(self)  # coalesces the mouse's many moves
        self._drawn_timer.setSingleShot(True)
        self._drawn_timer.setInterval(DRAWN_INTERVAL_MS)
        self._drawn_timer.timeout.connect(self._drawing_changed)
        self._throttle = SnapshotThrottle(self._show_outputs, parent=self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        self.title = bold_label("Drawing pad")
        layout.addWidget(self.title)
        self.message = QLabel(NEEDS_IMAGES)
        self.message.setObjectName("drawing_pad_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.body = QWidget()
        row = QHBoxLayout(self.body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        layout.addWidget(self.body, 1)
        self.pad = DrawingPad(theme=theme)
        row.addWidget(self.pad, 4)
        tools = add_row(row, vertical=True)
        self.pen_button = self._tool_button("Pen", "drawing_pad_pen", "The left button draws (P)", True)
        self.eraser_button = self._tool_button("Eraser", "drawing_pad_eraser", "The left button erases (E)", True)
        self.clear_button = self._tool_button("Clear", "drawing_pad_clear", "Clear the pad (Delete)", False)
        group = QButtonGroup(self)
        for button in (self.pen_button, self.eraser_button, self.clear_button):
            tools.addWidget(button)
        group.addButton(self.pen_button)
        group.addButton(self.eraser_button)  # exclusive: one of the two is the left button's tool
        self.pen_button.setChecked(True)
        tools.addStretch(1)
        self.input_view = InputImageView(theme=theme)
        row.addWidget(self.input_view, 3)
        outputs = add_row(row, vertical=True, stretch=4)
        self.prediction = QLabel()
        self.prediction.setObjectName("drawing_pad_prediction")
        self.prediction.setTextFormat(Qt.TextFormat.RichText)
        outputs.addWidget(self.prediction)
        self.bars = OutputBars(theme=theme)
        outputs.addWidget(self.bars, 1)
        self.hint = QLabel("Left button draws, right button erases. Keys: E eraser, P pen, Delete clears. "
                           "While paused the network traces the drawing; while training plays only these bars follow it.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        layout.addStretch(0)  # without image data: the sentence at the top

        self.pad.inkChanged.connect(self._ink_changed)
        self.pad.eraserChanged.connect(self._eraser_changed)
        self.pen_button.clicked.connect(lambda: self._pick_tool(False))
        self.eraser_button.clicked.connect(lambda: self._pick_tool(True))
        self.clear_button.clicked.connect(self._clear_clicked)
        self.set_theme(theme)
        self.set_dataset(None)
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)  # bound slots: disconnected with the panel
            controller.snapshotChanged.connect(self._on_snapshot)
            self._on_problem(controller.problem)
            if controller.snapshot is not None:
                self._on_snapshot(controller.snapshot)

    def _tool_button(self, text: str, name: str, tip: str, checkable: bool) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keys with the pad
        return button

    # ---- plain API -------------------------------------------------------------------------

    def set_dataset(self, dataset: Dataset | None) -> None:
        """The data whose images the drawing becomes (its image_shape and transform); None or
        non-image data hides the pad behind a sentence. The drawing itself is kept."""
        self.dataset = dataset
        images = dataset is not None and dataset.image_shape is not None
        self.message.setVisible(not images)
        self.body.setVisible(images)
        self.hint.setVisible(images)
        self.update_input()

    def set_network(self, network: Network | None) -> None:
        """The network whose outputs the bars show (copied: later changes to it are not seen)."""
        self.network = None if network is None else network.copy()
        self._pending_params = None
        self._show_outputs()

    def set_params(self, params: np.ndarray) -> None:
        """New parameters for the network shown (a snapshot's ``params``)."""
        if self.network is not None and np.shape(params) == (self.network.size,):
            self.network.set_params(params)
            self._pending_params = None
            self._show_outputs()

    def update_input(self) -> np.ndarray | None:
        """Downsample the pad's ink now; returns the network input x (d,) (None without image data)."""
        d = self.dataset
        if d is None or d.image_shape is None:
            self.input_row = self.input_x = None
            self.input_view.set_image(None)
        else:
            self.input_row, image = downsample_drawing(self.pad.ink(), d.image_shape)
            self.input_x = d.transform(self.input_row[None, :])[0]
            self.input_x.flags.writeable = False
            rows, cols = d.image_shape
            self.input_view.set_image(image, f"Network input, {rows}×{cols}")
            self.input_view.updateGeometry()  # the caption's width
        self._show_outputs()
        return self.input_x

    def clear(self) -> None:
        """Clear the pad (the input becomes all paper, and ``drawn`` follows)."""
        self.pad.clear()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for view in (self.pad, self.input_view, self.bars):
            view.set_theme(theme)
        palette = self.hint.palette()  # a palette, not a style sheet: that would stop the font following the window's
        palette.setColor(QPalette.ColorRole.WindowText, QColor(theme.secondary))
        self.hint.setPalette(palette)
        self._show_outputs()

    # ---- internals -------------------------------------------------------------------------

    def _ink_changed(self) -> None:
        if not self._drawn_timer.isActive():  # the first change of a burst starts the clock; later ones wait
            self._drawn_timer.start()

    def _drawing_changed(self) -> None:
        x = self.update_input()
        if x is not None:
            self.drawn.emit(x)

    def _pick_tool(self, eraser: bool) -> None:
        self.pad.set_eraser(eraser)
        self.pad.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_clicked(self) -> None:
        self.clear()
        self.pad.setFocus(Qt.FocusReason.OtherFocusReason)

    def _eraser_changed(self, on: bool) -> None:
        (self.eraser_button if on else self.pen_button).setChecked(True)

    def _show_outputs(self) -> None:
        """The bars and the prediction line for input_x through the network (when both fit)."""
        net, x, probs = self.network, self.input_x, None
        pending, self._pending_params = self._pending_params, None
        if pending is not None and net is not None and np.shape(pending) == (net.size,):
            net.set_params(pending)
        drawn = not self.pad.is_empty()  # a blank page is no digit: no prediction for it
        if drawn and net is not None and x is not None and net.layers[0] == x.shape[0]:
            probs = net.predict(x[None, :])[0]
        self.probabilities = probs
        finite = probs is not None and bool(np.isfinite(probs).all())
        self.bars.set_values(probs if finite else None, 10 if net is None else net.layers[-1])
        if probs is None:
            text = "Output probabilities" if drawn else "Draw a digit: its probabilities appear here"
        elif not finite:
            text = "The outputs are not numbers: the training diverged"
        else:
            k = int(np.argmax(probs))
            text = f"Prediction: <b>{k}</b> ({100 * probs[k]:.0f} %)"
        self.prediction.setText(text)

    # ---- controller --------------------------------------------------------------------------

    def _on_problem(self, problem) -> None:
        c = self.controller
        shape = c.shape
        self.network = Network(shape.layers, shape.activation_names, shape.loss_name)
        self._pending_params = None
        self.set_dataset(c.dataset)

    def _on_snapshot(self, snapshot) -> None:
        net = self.network
        if net is not None and tuple(snapshot.layers) == net.layers:
            self._pending_params = snapshot.params  # frozen: copied into the network only when shown
            self._throttle.request(self.controller.running)
