"""The network painter: draws one state of the network into any QPainter and rectangle.

It holds what is drawn (architecture, weights, biases, gradients, thumbnails, a phase and
how far its animation has got, highlights, dead marks, theme, font scale, all edges or
the strongest, transparency), and ``paint(painter, rect, zoom, pan)`` draws it, like a
pyqtgraph item's paint. The widget (``canvas.NetworkCanvas``) adds only interaction, and
export paints through the same code. Nodes and edges are indexed from 0 (see the canvas
module's docstring).

Edges are never one item or one drawLine each: their segments come from NumPy
(``geometry.edges``), are grouped into a few buckets by sign and width, and each bucket
is one ``drawLines`` or ``drawPath`` call with one pen (``edge_paint``). (No pyqtgraph
here, so the window can paint before pyqtgraph has been imported.)

Text comes from ``network_labels`` and is laid out and painted by ``network_text``, in the
QPainter's font (a widget's font when it paints a widget) scaled by ``font_scale``; the
layout is public as ``text_boxes`` (what is painted, as rectangles tests can check).

Image data (``set_architecture(..., image_shape=(rows, cols))``): the inputs are drawn as
one image block (``image_layer``: the pixels given to ``set_input_image``, else an empty
grid) with each input at its pixel's centre, and each first-layer neuron as the image of
its incoming weights where its node is big enough. A classifier's outputs
(``class_names``) are named, and while a sample is shown they get probability bars
(``output_bars``).

Zero is drawn as zero: an edge whose value is 0 (a dead ReLU's gradient, say), a δ of 0
and a bias of 0 take the neutral ``theme.dim``, never the colour of a sign. An edge the
phase's animation has not reached yet is drawn alike with all the others not reached,
neutral and thin, so it tells neither the sign nor the size of its value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen

from nnviz.draw import geometry as geo
from nnviz.draw import network_labels as labels
from nnviz.draw import network_text as text
from nnviz.draw import node_marks as marks
from nnviz.draw import output_bars, text_place
from nnviz.draw.colormaps import diverging_rgba, output_range
from nnviz.draw.edge_paint import paint_edges
from nnviz.draw.image_layer import TILE_MIN_PX, ImageLayer, paint_tile
from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.thumbnails import frame_thumbnails
from nnviz.engine.activations import get_activation
from nnviz.engine.layout import ParamLayout

DEFAULT_EDGE_LIMIT = 400  # strongest edges drawn per layer unless "all edges" is on
IMAGE_MARGIN = 20.0  # px × font scale left of an input image (a column of nodes keeps room for names)


class NetworkPainter:
    """What the canvas shows, and ``paint`` to draw it. Change it through the set_* methods
    (they keep the edges in step); ``transparent`` is a plain switch."""

    def __init__(self) -> None:
        self.theme: Theme = LIGHT
        self.font_scale = 1.0
        self.show_all_edges = False
        self.transparent = False  # nothing fills behind the network (export with a transparent background)
        self.input_hint: str | None = None  # image data: written across the empty input block (the window's)
        self.dead: tuple[tuple[int, int], ...] = ()
        self.phase = None  # app.stepping.PhaseView or None
        self.phase_progress = 1.0  # 0..1 through the phase's animation
        self._text_cache: tuple | None = None  # (layout_, key, TextLayout) of the last text_layout
        self.set_architecture((2, 1), ("sigmoid",), ("x1", "x2"))

    # ---- what is drawn -----------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme

    def set_font_scale(self, scale: float) -> None:
        self.font_scale = scale

    def set_show_all_edges(self, show: bool) -> None:
        self.show_all_edges = show
        self._rebuild_edges()

    def set_architecture(self, layers: Sequence[int], activation_names: Sequence[str], input_names: Sequence[str],
                         image_shape: tuple[int, int] | None = None,
                         class_names: Sequence[str] | None = None) -> None:
        """A new network (n_0, …, n_L): zero weights, and no thumbnails, phase, highlight or
        input image. ``image_shape`` (rows, cols), rows·cols = n_0: the inputs are an image;
        ``class_names`` (n_L,): the outputs are these classes. ValueError if they do not fit."""
        layout_ = geo.layout(tuple(layers), image_shape)
        if class_names is not None and len(class_names) != layout_.positions[-1].shape[0]:
            raise ValueError(f"{len(class_names)} class names for {layout_.positions[-1].shape[0]} outputs")
        self.layers = tuple(layers)
        self.activation_names = tuple(activation_names)
        self.input_names = tuple(input_names)
        self.layout_ = layout_
        self.image = ImageLayer(layout_.image_shape) if layout_.image_shape is not None else None
        self.class_names = tuple(str(n) for n in class_names) if class_names is not None else None
        self.param_layout = ParamLayout(self.layers)
        self.weights: list[np.ndarray] = [np.zeros((o, i)) for i, o in zip(self.layers[:-1], self.layers[1:])]
        self.biases: list[np.ndarray] = [np.zeros(o) for o in self.layers[1:]]
        self.grad_weights: list[np.ndarray] | None = None
        self.thumbnails = None  # per layer (inputs first) one QImage per node, or None
        self.phase = None
        self.highlight: tuple = ((), (), ())
        self._weights_changed()

    def set_weights(self, weights, biases, grad_weights=None) -> None:
        """Per layer: weights (n_out, n_in), biases (n_out,), optional ∂L/∂W like weights."""
        self.weights = [np.array(w) for w in weights]
        self.biases = [np.array(b) for b in biases]
        self.grad_weights = [np.array(g) for g in grad_weights] if grad_weights is not None else None
        self._weights_changed()

    def _weights_changed(self) -> None:
        if self.image is not None and self.weights[0].shape == (self.layers[1], self.layers[0]):
            self.image.set_weights(self.weights[0])
        self._rebuild_edges()

    def set_input_image(self, pixels) -> None:
        """Image data: the input drawn in the image block, (rows, cols) intensities in [0, 1]
        (the shown sample's raw pixels), or None for the empty grid. Other data: only None."""
        if self.image is not None:
            self.image.set_pixels(pixels)
        elif pixels is not None:
            raise ValueError("the inputs are not an image (set_architecture without image_shape)")

    def set_dead(self, nodes) -> None:
        """Dead neurons (z ≤ 0 for every training input) as nodes (layer ≥ 1, neuron)."""
        self.dead = tuple((int(l), int(k)) for l, k in nodes)

    def set_highlight(self, nodes=(), edges=(), layers=()) -> None:
        """Mark nodes (layer, neuron), edges (weight layer, to, from) and whole layers."""
        self.highlight = (tuple(nodes), tuple(edges), tuple(layers))

    def set_frame(self, frame) -> None:
        """Node thumbnails from an app.frame.Frame (2-D inputs only)."""
        self.thumbnails = frame_thumbnails(frame, self.layers, self.activation_names)

    def set_phase(self, phase_view, progress: float = 1.0) -> None:
        """Show one phase (forward, backward, update) of a step, ``progress`` ∈ [0, 1] through it."""
        self.phase = phase_view
        self.phase_progress = progress
        self._rebuild_edges()

    def set_phase_progress(self, t: float) -> None:
        self.phase_progress = t
        if self.phase is not None and self.phase.phase == "update":
            self._rebuild_edges()  # the edges move from the old weights to the new

    # ---- derived -----------------------------------------------------------------------------

    def edge_limit(self) -> int | None:
        """Edges drawn per layer: the strongest DEFAULT_EDGE_LIMIT, or None for all."""
        return None if self.show_all_edges else DEFAULT_EDGE_LIMIT

    def edge_matrices(self) -> tuple[list[np.ndarray], str]:
        """The per-layer matrices the edges show now, and "weight" or "gradient"."""
        ph = self.phase
        if ph is not None and ph.phase == "backward":
            return [layer.grad_w for layer in ph.trace.layers], "gradient"
        if ph is not None and ph.phase == "update":
            t = self.phase_progress
            return self.param_layout.weights((1.0 - t) * ph.before + t * ph.after), "weight"
        return self.weights, "weight"

    def _rebuild_edges(self) -> None:
        matrices, self.edge_kind = self.edge_matrices()
        if [m.shape for m in matrices] != [(o, i) for i, o in zip(self.layers[:-1], self.layers[1:])]:
            return  # a snapshot of another architecture is on its way out
        self.edge_set = geo.edges(self.layout_, matrices, self.edge_limit())

    def active_layer(self) -> float:
        """How far the phase animation has got, in layers (forward: 0 → L; backward: L → 0)."""
        n = len(self.layers) - 1
        if self.phase is None or self.phase.phase == "update":
            return float(n)
        if self.phase.phase == "forward":
            return self.phase_progress * n
        return (1.0 - self.phase_progress) * n

    def gradients(self) -> list[np.ndarray] | None:
        """∂L/∂W per layer: the phase's, else the snapshot's (None before the first step)."""
        if self.phase is not None and self.phase.trace.layers[0].grad_w is not None:
            return [layer.grad_w for layer in self.phase.trace.layers]
        return self.grad_weights

    def value_labels(self) -> dict[tuple[int, int], str]:
        """(layer, neuron) → the number written beside it now (``network_labels.value_labels``)."""
        return labels.value_labels(self.phase, self.layers, self.active_layer())

    def term_labels(self) -> dict[tuple[int, int], str]:
        """(layer, neuron) → its weighted sum written term by term (``network_labels.term_labels``)."""
        return labels.term_labels(self.phase, self.param_layout, self.active_layer())

    def update_labels(self) -> dict[tuple[int, int, int], str]:
        """(weight layer, to, from) → "old → new" written on the edge during an update
        (``network_labels.update_labels``)."""
        return labels.update_labels(self.phase, self.param_layout)

    def caption(self) -> str:
        return labels.caption(self.phase, self.layers, self.edge_limit())

    def outputs(self) -> output_bars.Outputs | None:
        """The class names (None without them) with the shown sample's output probabilities
        once the phase has reached the output layer."""
        if self.class_names is None:
            return None
        ph, last = self.phase, len(self.layers) - 1
        told = ph is not None and (ph.phase != "forward" or last <= self.active_layer() + labels.REACHED)
        return output_bars.Outputs(self.class_names, np.asarray(ph.trace.layers[-1].a[ph.shown]) if told else None,
                                   bars=ph is not None)

    def transform(self, rect: QRectF, zoom: float = 1.0, pan: tuple[float, float] = (0.0, 0.0)):
        """(s, ox, oy): scene (x, y) is drawn at (ox + s·x, oy + s·y) in ``rect`` (geometry.view_transform)."""
        fs = self.font_scale
        left = IMAGE_MARGIN * fs if self.image is not None else None  # no input names left of an image
        right = output_bars.ROOM_PX * fs if self.class_names is not None else 0.0
        return geo.view_transform(self.layout_.bounds, (rect.x(), rect.y(), rect.width(), rect.height()),
                                  fs, zoom, pan, left, right)

    # ---- painting ----------------------------------------------------------------------------

    def paint(self, p: QPainter, rect: QRectF, zoom: float = 1.0, pan: tuple[float, float] = (0.0, 0.0)) -> None:
        """Draw everything into ``rect`` of ``p``, back to front (unclipped: zoomed in, the
        network may reach past ``rect``; a widget clips to itself)."""
        font = QFont(p.font())
        view = self.transform(rect, zoom, pan)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if not self.transparent:
            p.fillRect(rect, QColor(self.theme.background))
        self._paint_layer_highlights(p, *view)
        self._paint_edges(p, *view)
        self._paint_edge_highlights(p, *view)
        self._paint_nodes(p, *view)
        self._paint_node_highlights(p, *view)
        marks.paint_dead(p, self.theme, self.layout_, self.dead, *view)
        placed = self.text_layout(rect, zoom, pan, font, p.device())
        output_bars.paint(p, placed.bars, self.theme)
        text.paint(p, placed.boxes)

    def text_boxes(self, rect: QRectF, zoom: float = 1.0, pan: tuple[float, float] = (0.0, 0.0),
                   font: QFont | None = None, device=None) -> list[text.TextBox]:
        """Every piece of text ``paint`` draws into ``rect``, as ``network_text.TextBox``es
        (kind, rect, text, …), laid out by the code that paints them: each inside ``rect``
        and intersecting no other. ``font``: the base font (the application's by default);
        ``device``: the paint device whose resolution measures it (None: the screen's)."""
        return list(self.text_layout(rect, zoom, pan, font, device).boxes)

    def text_layout(self, rect: QRectF, zoom: float = 1.0, pan: tuple[float, float] = (0.0, 0.0),
                    font: QFont | None = None, device=None) -> text.TextLayout:
        """The text boxes and the output bars (``output_bars.OutputBar``, pixels) ``paint``
        draws into ``rect`` (arguments as ``text_boxes``). Laid out again only when something
        it depends on changed (the key below): while training only the weights change, and the
        layout (measuring every candidate place of every label) is most of the cost of text."""
        base = QFont(font) if font is not None else QFont()
        shape = self.layout_.image_shape
        titles = [labels.layer_title(i, self.layers, self.activation_names, shape) for i in range(len(self.layers))]
        small = self.layers[0] <= 16 and shape is None
        names = [labels.input_name(i, self.input_names) for i in range(self.layers[0])] if small else []
        outputs, values = self.outputs(), self.value_labels()
        if outputs is not None and outputs.probabilities is not None and self.phase.phase == "forward":
            values = {node: v for node, v in values.items() if node[0] != len(self.layers) - 1}  # the bars say them
        caption, terms, updates = self.caption(), self.term_labels(), self.update_labels()
        key = (rect.getRect(), float(zoom), (float(pan[0]), float(pan[1])), base.key(), text_place.device_key(device),
               self.theme, self.font_scale, titles, names, caption, terms, values, updates,
               outputs.key() if outputs is not None else None)
        cached = self._text_cache
        if cached is not None and cached[0] is self.layout_ and cached[1] == key:
            return cached[2]
        placed = text.layout(rect, self.layout_, self.transform(rect, zoom, pan), text.Fonts(base, device), self.theme,
                             self.font_scale, titles=titles, input_names=names, caption=caption, terms=terms,
                             values=values, updates=updates, outputs=outputs)
        self._text_cache = (self.layout_, key, placed)
        return placed

    def _paint_layer_highlights(self, p: QPainter, s: float, ox: float, oy: float) -> None:
        color = QColor(self.theme.highlight)
        color.setAlphaF(0.10)
        for l in self.highlight[2]:
            if 0 <= l < len(self.layers):
                pos, r = self.layout_.positions[l], self.layout_.radius[l]
                left, right = ox + s * (pos[:, 0].min() - r), ox + s * (pos[:, 0].max() + r)  # an image is wide
                top, bottom = oy + s * (pos[:, 1].min() - r), oy + s * (pos[:, 1].max() + r)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRoundedRect(QRectF(left - 14, top - 14, right - left + 28, bottom - top + 28), 12, 12)

    def _paint_edge_highlights(self, p: QPainter, s: float, ox: float, oy: float) -> None:
        lay, lines = self.layout_, []
        for l, to, frm in self.highlight[1]:
            if 0 <= l < len(self.layers) - 1 and 0 <= to < self.layers[l + 1] and 0 <= frm < self.layers[l]:
                (x0, y0), (x1, y1) = lay.positions[l][frm], lay.positions[l + 1][to]
                lines.append(QLineF(ox + s * (x0 + lay.inset(l)), oy + s * y0,
                                    ox + s * (x1 - lay.inset(l + 1)), oy + s * y1))
        if lines:
            p.setPen(QPen(QColor(self.theme.highlight), 3.0 * min(max(s, 0.6), 1.6)))
            p.drawLines(lines)

    def _paint_node_highlights(self, p: QPainter, s: float, ox: float, oy: float) -> None:
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(self.theme.highlight), 3.5))
        for l, k in self.highlight[0]:
            if 0 <= l < len(self.layers) and 0 <= k < self.layers[l]:
                x, y = self.layout_.positions[l][k]
                r = self.layout_.radius[l] * s + 7
                p.drawEllipse(QPointF(ox + s * x, oy + s * y), r, r)

    def _paint_edges(self, p: QPainter, s: float, ox: float, oy: float) -> None:
        es, active = self.edge_set, self.active_layer()
        if self.phase is not None and self.phase.phase in ("forward", "backward"):
            # edges of layers the animation has not reached yet are drawn dimmed
            forward = self.phase.phase == "forward"
            reached = (es.layer + 1 <= active + labels.REACHED) if forward else (es.layer >= active - labels.REACHED)
        else:
            reached = np.ones(len(es.value), dtype=bool)
        paint_edges(p, es, self.edge_kind, reached, self.theme, s, ox, oy)

    def _paint_nodes(self, p: QPainter, s: float, ox: float, oy: float) -> None:
        """Each node: its value's colour during a phase, else its thumbnail (image data: the
        first layer's weight image, where the node is big enough), else plain; with its bias
        (and its δ ring in the backward pass). Image inputs are one block (``image_layer``).
        Node by node, each with its bias (a staggered layer's nodes may cover a neighbour's
        bias square); pens and brushes are made once per layer."""
        values = labels.node_values(self.phase)
        active = self.active_layer()
        border, plain = QColor(self.theme.node_border), QColor(self.theme.node)
        bias_marks = marks.BiasMarks(self.theme)
        for l, pos in enumerate(self.layout_.positions):
            r = self.layout_.radius[l] * s
            if l == 0 and self.image is not None:
                x0, y0, x1, y1 = self.layout_.image_rect
                self.image.paint_input(p, QRectF(ox + s * x0, oy + s * y0, s * (x1 - x0), s * (y1 - y0)), self.theme,
                                       self.input_hint)
                continue
            xs, ys = (ox + s * pos[:, 0]).tolist(), (oy + s * pos[:, 1]).tolist()
            compact = self.layers[l] > geo.BIG_LAYER
            thumbs = self.thumbnails[l] if self.thumbnails else None
            tiles = self.image.tiles() if self.image is not None and l == 1 and 2 * r >= TILE_MIN_PX else None
            shown = values is not None and (l <= active + labels.REACHED if self.phase.phase == "forward" else True)
            colors = None
            if shown and l > 0:  # the value's colour over the activation's output range
                lo, hi = output_range(values[l], get_activation(self.activation_names[l - 1]))
                colors = [QColor(int(c[0]), int(c[1]), int(c[2])) for c in diverging_rgba(values[l], lo, hi)]
            biases = self.biases[l - 1].tolist() if l > 0 and not compact else None
            node_pen = QPen(border, 0.0 if compact else max(1.0, 1.2 * min(s, 1.5)))
            p.setPen(node_pen)
            p.setBrush(plain)
            for i, (x, y) in enumerate(zip(xs, ys)):
                rect = QRectF(x - r, y - r, 2 * r, 2 * r)
                if colors is not None:
                    p.setBrush(colors[i])
                    p.drawEllipse(rect)
                elif shown:  # inputs are data, any range: a plain node with its value below
                    p.drawEllipse(rect)
                elif thumbs:
                    clip = QPainterPath()
                    clip.addEllipse(rect)
                    p.save()
                    p.setClipPath(clip)
                    p.drawImage(rect, thumbs[i])
                    p.restore()
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawEllipse(rect)
                    p.setBrush(plain)
                elif tiles:  # the weight image fills the node's square: its corners are pixels too
                    paint_tile(p, rect, tiles[i], border)
                else:
                    p.drawEllipse(rect)
                if biases is not None:
                    bias_marks.paint(p, x, y, r, biases[i])
                    p.setPen(node_pen)
                    p.setBrush(plain)
            if values is not None and self.phase.phase == "backward" and l > 0 and not compact \
                    and l >= active - labels.REACHED:  # δ rings once the backward pass has reached the layer
                marks.paint_deltas(p, self.theme, self.phase.sample_delta(l - 1), xs, ys, r)
