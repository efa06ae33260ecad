"""The network canvas: the widget that shows a NetworkPainter and lets the user explore it.

What is drawn, and the drawing, live in ``network_painter.NetworkPainter`` (``paintEvent``
hands it the widget's rectangle, zoom and pan); this widget adds the phase animation,
zoom and pan, hit tests, hover text, clicks, the context menu and signals. The ``set_*``
methods feed the painter and repaint, so a test can drive the canvas alone. (No pyqtgraph
here, so the window can paint before pyqtgraph has been imported.)

Indexing, everywhere on the canvas (its methods, attributes and signals), from 0:

    node   (layer, neuron)      layer 0 = the inputs, 1 = the first hidden layer, …;
                                image data: input r·cols + c is pixel (r, c) of the image
    edge   (layer, to, from)    weight layer l maps layer l to layer l + 1: the weight
                                w[l][to, from], as ``weightClicked(layer, row, col)`` emits it
    dead   (layer, neuron)      as a node (layer ≥ 1)
    layers l                    as a node's layer

Lesson files count from 1: ``lessons.model.Highlight.zero_based()`` converts.
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from nnviz.draw import geometry as geo
from nnviz.draw import network_labels as labels
from nnviz.draw.network_painter import NetworkPainter
from nnviz.draw.theme import Theme
from nnviz.draw.virtuals import qt_virtual

log = logging.getLogger(__name__)


def _painter_state(name: str, doc: str = ""):
    """A read-only attribute of the canvas that is the painter's (change it through set_*)."""
    return property(lambda self: getattr(self.painter, name), doc=doc or f"The painter's ``{name}``.")


class NetworkCanvas(QWidget):
    """Draws the network; emits ``weightClicked(layer, row, col)`` when an edge is clicked."""

    weightClicked = Signal(int, int, int)
    weightInspected = Signal(int, int, int)  # right-click → "Inspect ∂L/∂w" (chain-rule panel)
    painted = Signal()  # after each paint (the window builds its plots after the first one)
    zoomChanged = Signal(float)

    layers = _painter_state("layers")
    activation_names = _painter_state("activation_names")
    layout_ = _painter_state("layout_", "Node centres in scene units (geometry.Layout).")
    weights = _painter_state("weights")
    edge_set = _painter_state("edge_set", "The edges drawn now (geometry.EdgeSet).")
    edge_kind = _painter_state("edge_kind", '"weight" or "gradient": what the edges show now.')
    thumbnails = _painter_state("thumbnails")
    phase = _painter_state("phase")
    phase_progress = _painter_state("phase_progress")
    highlight = _painter_state("highlight", "(nodes, edges, layers) marked, as set_highlight got them.")
    dead = _painter_state("dead")
    theme = _painter_state("theme")
    class_names = _painter_state("class_names", "The output classes' names, or None.")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 260)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.painter = NetworkPainter()
        self.zoom = 1.0
        self.pan = QPointF(0.0, 0.0)
        self._drag_from: QPointF | None = None
        self._drag_moved = False
        self._hover: tuple | None = None
        self.animation = QVariantAnimation(self)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.valueChanged.connect(self._on_animation)
        self.animation_ms = 900

    @property
    def transparent(self) -> bool:
        """Nothing is filled behind the network (export with a transparent background)."""
        return self.painter.transparent

    @transparent.setter
    def transparent(self, on: bool) -> None:
        self.painter.transparent = on
        self.update()

    # ---- data in -------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        self.painter.set_theme(theme)
        self.update()

    def set_font_scale(self, scale: float) -> None:
        self.painter.set_font_scale(scale)
        self.update()

    def set_architecture(self, layers, activation_names, input_names, image_shape=None, class_names=None) -> None:
        """A new network (``NetworkPainter.set_architecture``): ``image_shape`` (rows, cols)
        draws the inputs as that image, ``class_names`` names the outputs (with bars while a
        sample is shown)."""
        self.painter.set_architecture(layers, activation_names, input_names, image_shape, class_names)
        self.update()

    def set_input_image(self, pixels) -> None:
        """Image data: the shown sample's raw pixels (rows, cols) in [0, 1] drawn as the input
        layer, or None for the empty grid."""
        self.painter.set_input_image(pixels)
        self.update()

    def set_input_hint(self, text: str | None) -> None:
        """Image data: ``text`` written across the empty input block (how to get an image there)."""
        self.painter.input_hint = text
        self.update()

    def set_snapshot(self, snapshot) -> None:
        """Weights, biases and gradients of a Snapshot (the layer sizes must match)."""
        self.set_weights(snapshot.weights, snapshot.biases, snapshot.grad_weights if snapshot.step else None)

    def set_weights(self, weights, biases, grad_weights=None) -> None:
        """Per layer: weights (n_out, n_in), biases (n_out,), optional ∂L/∂W like weights."""
        self.painter.set_weights(weights, biases, grad_weights)
        self.update()

    def set_dead(self, nodes) -> None:
        """Grey out and cross dead neurons: nodes (layer ≥ 1, neuron)."""
        before = self.painter.dead
        self.painter.set_dead(nodes)
        if self.painter.dead != before:  # the monitor reports after every check: repaint on a change only
            self.update()

    def set_highlight(self, nodes=(), edges=(), layers=()) -> None:
        """Mark nodes (layer, neuron), edges (weight layer, to, from) and whole layers."""
        self.painter.set_highlight(nodes, edges, layers)
        self.update()

    def set_frame(self, frame) -> None:
        """Node thumbnails from an app.frame.Frame (2-D inputs only): inputs first, then each layer."""
        self.painter.set_frame(frame)
        self.update()

    def set_phase(self, phase_view, animate: bool = True) -> None:
        """Show one phase (forward, backward, update) of a step, animated layer by layer."""
        self.animation.stop()
        animate = phase_view is not None and animate and self.animation_ms > 0
        self.painter.set_phase(phase_view, 0.0 if animate else 1.0)
        if animate:
            self.animation.setDuration(self.animation_ms)
            self.animation.start()
        self.update()

    def set_phase_progress(self, t: float) -> None:
        """Show the phase animation at ``t`` ∈ [0, 1] (export draws frames at exact times)."""
        self.animation.stop()
        self._on_animation(min(max(float(t), 0.0), 1.0))

    def set_animation_speed(self, ms: int) -> None:
        self.animation_ms = max(0, int(ms))

    def set_show_all_edges(self, show: bool) -> None:
        self.painter.set_show_all_edges(show)
        self.update()

    def _on_animation(self, value) -> None:
        self.painter.set_phase_progress(float(value))
        self.update()

    def value_labels(self) -> dict[tuple[int, int], str]:
        """The numbers written beside nodes now, keyed by (layer, neuron)."""
        return self.painter.value_labels()

    def term_labels(self) -> dict[tuple[int, int], str]:
        """The weighted sums written out term by term now, keyed by (layer, neuron)."""
        return self.painter.term_labels()

    def text_boxes(self) -> list:
        """Every piece of text drawn now, in widget pixels (``NetworkPainter.text_boxes``:
        kind, rect, text, …), measured as ``paintEvent`` measures it."""
        return self.painter.text_boxes(QRectF(self.rect()), self.zoom, (self.pan.x(), self.pan.y()), self.font(), self)

    # ---- coordinates ---------------------------------------------------------------------------

    def scale_offset(self) -> tuple[float, float, float]:
        """(s, ox, oy): scene (x, y) is at widget pixel (ox + s·x, oy + s·y) now."""
        return self.painter.transform(QRectF(self.rect()), self.zoom, (self.pan.x(), self.pan.y()))

    def to_widget(self, x, y):
        s, ox, oy = self.scale_offset()
        return ox + s * np.asarray(x), oy + s * np.asarray(y)

    def to_scene(self, px: float, py: float) -> tuple[float, float]:
        s, ox, oy = self.scale_offset()
        return (px - ox) / s, (py - oy) / s

    def set_zoom(self, zoom: float) -> None:
        self.zoom = float(np.clip(zoom, 0.25, 8.0))
        self.zoomChanged.emit(self.zoom)
        self.update()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * 1.25)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / 1.25)

    def reset_view(self) -> None:
        self.pan = QPointF(0.0, 0.0)
        self.set_zoom(1.0)

    # ---- painting ------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:
            self.painter.paint(p, QRectF(self.rect()), self.zoom, (self.pan.x(), self.pan.y()))
        except Exception:  # an exception escaping a Qt virtual ends the process
            log.exception("the network could not be painted")
        finally:
            p.end()
        self.painted.emit()

    # ---- interaction ---------------------------------------------------------------------------

    def hit(self, px: float, py: float):
        """('node', layer, neuron) or ('edge', index into edge_set) under widget point (px, py), or None."""
        x, y = self.to_scene(px, py)
        node = geo.node_at(self.layout_, x, y)
        if node is not None:
            return ("node", *node)
        s = self.scale_offset()[0]
        e = geo.edge_at(self.edge_set, x, y, tolerance=5.0 / s)
        return None if e is None else ("edge", e)

    def _weight_of(self, edge: int) -> tuple[int, int, int]:
        """(layer, row, col) of the weight edge_set[edge] shows."""
        es = self.edge_set
        return int(es.layer[edge]), int(es.row[edge]), int(es.col[edge])

    def tooltip_text(self, hit) -> str:
        """The hover text for a ``hit`` result ("" for None)."""
        if hit is None:
            return ""
        pa = self.painter
        if hit[0] == "edge":
            l, r, c = self._weight_of(hit[1])
            grads = pa.gradients()
            told = grads is not None and labels.gradient_shown(pa.phase, l, pa.active_layer())
            return labels.edge_tooltip(pa.weights[l][r, c], l, r, c, grads[l][r, c] if told else None)
        return labels.node_tooltip(hit[1], hit[2], pa.input_names, pa.activation_names, pa.biases, pa.phase,
                                   pa.active_layer())

    @qt_virtual("NetworkCanvas: mouseMoveEvent failed")
    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._drag_from is not None and event.buttons() & Qt.MouseButton.LeftButton:
            delta = pos - self._drag_from
            if abs(delta.x()) + abs(delta.y()) > 3 or self._drag_moved:
                self._drag_moved = True
                self.pan += delta
                self._drag_from = pos
                self.update()
            return
        hit = self.hit(pos.x(), pos.y())
        if hit != self._hover:
            self._hover = hit
            text = self.tooltip_text(hit)
            if text:
                QToolTip.showText(event.globalPosition().toPoint(), text, self)
            else:
                QToolTip.hideText()
            on_edge = hit is not None and hit[0] == "edge"
            self.setCursor(Qt.CursorShape.PointingHandCursor if on_edge else Qt.CursorShape.ArrowCursor)

    @qt_virtual("NetworkCanvas: contextMenuEvent failed")
    def contextMenuEvent(self, event) -> None:
        hit = self.hit(event.pos().x(), event.pos().y())
        if not hit or hit[0] != "edge":
            return
        where = self._weight_of(hit[1])
        menu = QMenu(self)
        menu.addAction("Inspect ∂L/∂w (chain rule)", lambda: self.weightInspected.emit(*where))
        menu.addAction("Edit weight…", lambda: self.weightClicked.emit(*where))
        menu.exec(event.globalPos())

    @qt_virtual("NetworkCanvas: mousePressEvent failed")
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self._drag_moved = False

    @qt_virtual("NetworkCanvas: mouseReleaseEvent failed")
    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        was_drag = self._drag_moved
        self._drag_from = None
        self._drag_moved = False
        if was_drag:
            return
        hit = self.hit(event.position().x(), event.position().y())
        if hit and hit[0] == "edge":
            self.weightClicked.emit(*self._weight_of(hit[1]))

    @qt_virtual("NetworkCanvas: wheelEvent failed")
    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_zoom(self.zoom * (1.15 ** steps))

    @qt_virtual("NetworkCanvas: mouseDoubleClickEvent failed")
    def mouseDoubleClickEvent(self, event) -> None:
        self.reset_view()
