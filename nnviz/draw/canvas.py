"""The network canvas: nodes, weighted edges, biases, neuron thumbnails, phases.

Edges are never one item or one drawLine each: their segments come from NumPy
(``geometry.edges``), are grouped into a few buckets by sign and width, and each bucket
is one ``QPainter.drawLines`` call with one pen. (No pyqtgraph here, so the window can
paint before pyqtgraph has been imported.)

``set_snapshot`` / ``set_phase`` / ``set_frame`` feed it, so a test can drive it alone.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from nnviz.engine.activations import get_activation
from nnviz.draw import geometry as geo
from nnviz.draw.colormaps import diverging_rgba, output_range

DEFAULT_EDGE_LIMIT = 400  # strongest edges drawn per layer unless "all edges" is on
BIG_LAYER = 64  # layers wider than this get no thumbnails and compact nodes
ANTIALIAS_EDGES = 600  # more edges than this are drawn without antialiasing (speed)
LABELLED_LAYER = 10
TERMS_FAN_IN, TERMS_LAYER = 3, 2  # neurons whose weighted sum is written out term by term  # layers up to this width get their numbers written during a phase

THEMES = {
    "light": {"background": "#ffffff", "text": "#222222", "muted": "#8a8f98", "node": "#e9ecef",
              "node_border": "#5f6368", "positive": "#0877bd", "negative": "#f59322",
              "grad_positive": "#8e24aa", "grad_negative": "#2e7d32", "highlight": "#d81b60",
              "dim": "#d0d4da"},
    "dark": {"background": "#1e1f22", "text": "#e8eaed", "muted": "#9aa0a6", "node": "#3c4043",
             "node_border": "#bdc1c6", "positive": "#4fa3e0", "negative": "#f5a742",
             "grad_positive": "#ce93d8", "grad_negative": "#81c784", "highlight": "#ff6f9c",
             "dim": "#4a4d52"},
}


def _blend(color: QColor, background: QColor, alpha: float) -> QColor:
    """The opaque colour that ``color`` at opacity ``alpha`` shows over ``background``."""
    return QColor.fromRgbF(*(alpha * a + (1.0 - alpha) * b for a, b in zip(
        (color.redF(), color.greenF(), color.blueF()), (background.redF(), background.greenF(), background.blueF()))))


def _numpy_to_qimage(rgba: np.ndarray) -> QImage:
    """(H, W, 4) uint8, row 0 at the bottom of the plane → a QImage (row 0 at the top)."""
    rgba = np.ascontiguousarray(rgba[::-1])
    h, w, _ = rgba.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


class NetworkCanvas(QWidget):
    """Draws the network; emits ``weightClicked(layer, row, col)`` when an edge is clicked."""

    weightClicked = Signal(int, int, int)
    weightInspected = Signal(int, int, int)  # right-click → "Inspect ∂L/∂w" (chain-rule panel)
    painted = Signal()  # after each paint (the window builds its plots after the first one)
    zoomChanged = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 260)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.theme = THEMES["light"]
        self.show_all_edges = False
        self.font_scale = 1.0
        self.transparent = False  # export with a transparent background: nothing fills behind the network
        self.layers: tuple[int, ...] = (2, 1)
        self.activation_names: tuple[str, ...] = ("sigmoid",)
        self.input_names: tuple[str, ...] = ("x1", "x2")
        self.layout_ = geo.layout(self.layers)
        self.weights: list[np.ndarray] = [np.zeros((1, 2))]
        self.biases: list[np.ndarray] = [np.zeros(1)]
        self.grad_weights: list[np.ndarray] | None = None
        self.edge_set = geo.edges(self.layout_, self.weights)
        self.edge_kind = "weight"
        self.highlight: tuple = ((), (), ())
        self.dead: tuple[tuple[int, int], ...] = ()  # (layer from 1, neuron from 0): never fires
        self.thumbnails: list[list[QImage]] | None = None
        self.phase = None  # controller.PhaseView or None
        self.phase_progress = 1.0  # 0..1 through the phase's animation
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

    # ---- data in -------------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.update()

    def set_font_scale(self, scale: float) -> None:
        self.font_scale = scale
        self.update()

    def set_architecture(self, layers, activation_names, input_names) -> None:
        self.layers = tuple(layers)
        self.activation_names = tuple(activation_names)
        self.input_names = tuple(input_names)
        self.layout_ = geo.layout(self.layers)
        self.weights = [np.zeros((o, i)) for i, o in zip(self.layers[:-1], self.layers[1:])]
        self.biases = [np.zeros(o) for o in self.layers[1:]]
        self.grad_weights = None
        self.thumbnails = None
        self.phase = None
        self.highlight = ((), (), ())
        self._rebuild_edges()
        self.update()

    def set_snapshot(self, snapshot) -> None:
        """Weights, biases and gradients of a Snapshot (the layer sizes must match)."""
        self.set_weights(snapshot.weights, snapshot.biases, snapshot.grad_weights if snapshot.step else None)

    def set_weights(self, weights, biases, grad_weights=None) -> None:
        """Per layer: weights (n_out, n_in), biases (n_out,), optional ∂L/∂W like weights."""
        self.weights = [np.array(w) for w in weights]
        self.biases = [np.array(b) for b in biases]
        self.grad_weights = [np.array(g) for g in grad_weights] if grad_weights is not None else None
        self._rebuild_edges()
        self.update()

    def set_dead(self, nodes) -> None:
        """Mark dead neurons (z ≤ 0 for every training input): (layer counted from 1, neuron index from 0)."""
        self.dead = tuple((int(l), int(k)) for l, k in nodes)
        self.update()

    def set_highlight(self, nodes=(), edges=(), layers=()) -> None:
        """Mark nodes (layer, neuron), edges (weight layer, to, from) and whole layers; as in
        lesson files, layer 0 is the inputs and everything else counts from 1."""
        self.highlight = (tuple(nodes), tuple(edges), tuple(layers))
        self.update()

    def set_frame(self, frame) -> None:
        """Node thumbnails from a ui.frame.Frame (2-D inputs only): inputs first, then each layer."""
        if frame.thumbnails is None or len(frame.thumbnails) != len(self.layers) - 1:
            self.thumbnails = None
        else:
            images = [self._input_thumbnails(frame.inputs)]
            for l, out in enumerate(frame.thumbnails):
                if self.layers[l + 1] > BIG_LAYER:
                    images.append([])
                    continue
                lo, hi = output_range(out, get_activation(self.activation_names[l]))
                rgba = diverging_rgba(out, lo, hi)
                images.append([_numpy_to_qimage(rgba[:, :, i]) for i in range(out.shape[2])])
            self.thumbnails = images
        self.update()

    def _input_thumbnails(self, inputs) -> list[QImage]:
        """Each input feature over the plane, coloured on a scale symmetric around 0."""
        if inputs is None or self.layers[0] > BIG_LAYER:
            return []
        out = []
        for i in range(inputs.shape[2]):
            m = float(np.abs(inputs[:, :, i]).max()) or 1.0
            out.append(_numpy_to_qimage(diverging_rgba(inputs[:, :, i], -m, m)))
        return out

    def set_phase(self, phase_view, animate: bool = True) -> None:
        """Show one phase (forward, backward, update) of a step, animated layer by layer."""
        self.phase = phase_view
        self.animation.stop()
        if phase_view is not None and animate and self.animation_ms > 0:
            self.phase_progress = 0.0
            self.animation.setDuration(self.animation_ms)
            self.animation.start()
        else:
            self.phase_progress = 1.0
        self._rebuild_edges()
        self.update()

    def set_phase_progress(self, t: float) -> None:
        """Show the phase animation at ``t`` ∈ [0, 1] (export draws frames at exact times)."""
        self.animation.stop()
        self._on_animation(min(max(float(t), 0.0), 1.0))

    def set_animation_speed(self, ms: int) -> None:
        self.animation_ms = max(0, int(ms))

    def set_show_all_edges(self, show: bool) -> None:
        self.show_all_edges = show
        self._rebuild_edges()
        self.update()

    def _on_animation(self, value) -> None:
        self.phase_progress = float(value)
        if self.phase is not None and self.phase.phase == "update":
            self._rebuild_edges()
        self.update()

    # ---- what the edges show -----------------------------------------------------------------

    def _edge_limit(self) -> int | None:
        return None if self.show_all_edges else DEFAULT_EDGE_LIMIT

    def edge_matrices(self) -> tuple[list[np.ndarray], str]:
        """The per-layer matrices the edges show now, and "weight" or "gradient"."""
        ph = self.phase
        if ph is not None and ph.phase == "backward":
            return [layer.grad_w for layer in ph.trace.layers], "gradient"
        if ph is not None and ph.phase == "update":
            t = self.phase_progress
            blend = (1.0 - t) * ph.before + t * ph.after
            return self._weights_from_flat(blend), "weight"
        return self.weights, "weight"

    def _weights_from_flat(self, flat: np.ndarray) -> list[np.ndarray]:
        out, start = [], 0
        for n_in, n_out in zip(self.layers[:-1], self.layers[1:]):
            block = flat[start:start + (n_in + 1) * n_out].reshape(n_in + 1, n_out)
            out.append(block[:-1].T)
            start += (n_in + 1) * n_out
        return out

    def _rebuild_edges(self) -> None:
        matrices, self.edge_kind = self.edge_matrices()
        if [m.shape for m in matrices] != [(o, i) for i, o in zip(self.layers[:-1], self.layers[1:])]:
            return  # a snapshot of another architecture is on its way out
        self.edge_set = geo.edges(self.layout_, matrices, self._edge_limit())

    def _active_layer(self) -> float:
        """How far the phase animation has got, in layers (forward: 0 → L; backward: L → 0)."""
        n = len(self.layers) - 1
        if self.phase is None or self.phase.phase == "update":
            return float(n)
        if self.phase.phase == "forward":
            return self.phase_progress * n
        return (1.0 - self.phase_progress) * n

    # ---- coordinates ---------------------------------------------------------------------------

    def _base_transform(self) -> tuple[float, QPointF]:
        """Scale and offset that fit the whole network in the widget (before zoom and pan)."""
        x0, y0, x1, y1 = self.layout_.bounds
        margin_left, margin_top = 70.0 * self.font_scale, 50.0 * self.font_scale
        margin_right, margin_bottom = 70.0 * self.font_scale, 56.0 * self.font_scale
        w = max(self.width() - margin_left - margin_right, 50.0)
        h = max(self.height() - margin_top - margin_bottom, 50.0)
        s = min(w / max(x1 - x0, 1.0), h / max(y1 - y0, 1.0), 2.2)
        cx = margin_left + w / 2 - s * (x0 + x1) / 2
        cy = margin_top + h / 2 - s * (y0 + y1) / 2
        return s, QPointF(cx, cy)

    def scene_to_widget(self, x: float, y: float) -> QPointF:
        s, off = self._base_transform()
        s *= self.zoom
        return QPointF(off.x() * 1 + s * x + self.pan.x() + (1 - self.zoom) * (self.width() / 2 - off.x()) * 0,
                       off.y() + s * y + self.pan.y())

    def _scale_offset(self) -> tuple[float, float, float]:
        s, off = self._base_transform()
        # zoom about the widget centre
        cx, cy = self.width() / 2, self.height() / 2
        ox = cx + (off.x() - cx) * self.zoom + self.pan.x()
        oy = cy + (off.y() - cy) * self.zoom + self.pan.y()
        return s * self.zoom, ox, oy

    def to_widget(self, x, y):
        s, ox, oy = self._scale_offset()
        return ox + s * np.asarray(x), oy + s * np.asarray(y)

    def to_scene(self, px: float, py: float) -> tuple[float, float]:
        s, ox, oy = self._scale_offset()
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
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if not self.transparent:
                p.fillRect(self.rect(), QColor(self.theme["background"]))
            self._paint_layer_highlights(p)
            self._paint_edges(p)
            self._paint_edge_highlights(p)
            self._paint_nodes(p)
            self._paint_node_highlights(p)
            self._paint_dead(p)
            self._paint_labels(p)
        finally:
            p.end()
        self.painted.emit()

    def _paint_layer_highlights(self, p: QPainter) -> None:
        s, ox, oy = self._scale_offset()
        color = QColor(self.theme["highlight"])
        color.setAlphaF(0.10)
        for l in self.highlight[2]:
            if 0 <= l < len(self.layers):
                pos, r = self.layout_.positions[l], self.layout_.radius[l]
                x = ox + s * pos[0, 0]
                top, bottom = oy + s * (pos[:, 1].min() - r), oy + s * (pos[:, 1].max() + r)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRoundedRect(QRectF(x - s * r - 14, top - 14, 2 * s * r + 28, bottom - top + 28), 12, 12)

    def _paint_edge_highlights(self, p: QPainter) -> None:
        s, ox, oy = self._scale_offset()
        lines = []
        for layer, to, frm in self.highlight[1]:
            l = layer - 1
            if 0 <= l < len(self.layers) - 1 and 1 <= to <= self.layers[l + 1] and 1 <= frm <= self.layers[l]:
                (x0, y0), (x1, y1) = self.layout_.positions[l][frm - 1], self.layout_.positions[l + 1][to - 1]
                lines.append(QLineF(ox + s * (x0 + self.layout_.radius[l]), oy + s * y0,
                                    ox + s * (x1 - self.layout_.radius[l + 1]), oy + s * y1))
        if lines:
            p.setPen(QPen(QColor(self.theme["highlight"]), 3.0 * min(max(s, 0.6), 1.6)))
            p.drawLines(lines)

    def _paint_node_highlights(self, p: QPainter) -> None:
        s, ox, oy = self._scale_offset()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(self.theme["highlight"]), 3.5))
        for layer, neuron in self.highlight[0]:
            if 0 <= layer < len(self.layers) and 1 <= neuron <= self.layers[layer]:
                x, y = self.layout_.positions[layer][neuron - 1]
                r = self.layout_.radius[layer] * s + 7
                p.drawEllipse(QPointF(ox + s * x, oy + s * y), r, r)

    def _paint_dead(self, p: QPainter) -> None:
        """A dead neuron is greyed out and crossed."""
        if not self.dead:
            return
        s, ox, oy = self._scale_offset()
        grey = QColor(self.theme["dim"])
        grey.setAlphaF(0.85)
        mark = QPen(QColor("#b3261e"), 2.5)
        for l, k in self.dead:
            if 0 < l < len(self.layers) and 0 <= k < self.layers[l]:
                x, y = self.layout_.positions[l][k]
                r = self.layout_.radius[l] * s
                cx, cy = ox + s * x, oy + s * y
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(grey)
                p.drawEllipse(QPointF(cx, cy), r, r)
                p.setPen(mark)
                d = r * 0.55
                p.drawLine(QLineF(cx - d, cy - d, cx + d, cy + d))
                p.drawLine(QLineF(cx - d, cy + d, cx + d, cy - d))

    def _edge_colors(self) -> tuple[QColor, QColor]:
        if self.edge_kind == "gradient":
            return QColor(self.theme["grad_positive"]), QColor(self.theme["grad_negative"])
        return QColor(self.theme["positive"]), QColor(self.theme["negative"])

    def _paint_edges(self, p: QPainter) -> None:
        es = self.edge_set
        if not len(es.value):
            return
        p.setBrush(Qt.BrushStyle.NoBrush)
        # antialiased strokes cost ~10× more; dense networks are drawn without
        p.setRenderHint(QPainter.RenderHint.Antialiasing, len(es.value) <= ANTIALIAS_EDGES)
        s, ox, oy = self._scale_offset()
        seg = es.segments * s + np.array([ox, oy, ox, oy])
        finite = np.isfinite(es.value)
        values = np.where(finite, es.value, 0.0)
        scale = float(np.abs(values).max()) if values.size else 1.0
        if self.edge_kind == "weight":
            scale = max(scale, 1.0)  # |w| ≤ 1 keeps thin lines: widths compare across frames
        active = self._active_layer()
        pos_color, neg_color = self._edge_colors()
        dim = QColor(self.theme["dim"])
        background = QColor(self.theme["background"])
        if self.phase is not None and self.phase.phase in ("forward", "backward"):
            # edges of layers the animation has not reached yet are drawn dimmed
            reached = (es.layer + 1 <= active + 1e-9) if self.phase.phase == "forward" else (es.layer >= active - 1e-9)
        else:
            reached = np.ones(len(values), dtype=bool)
        # thinner lines where many edges share the space, so dense layers stay readable
        zoom_width = min(max(s, 0.35), 2.0) * min(1.0, float(np.sqrt(120.0 / len(values))))
        for (positive, level), idx in geo.buckets(values, scale).items():
            for on in (False, True):
                sel = idx[reached[idx] == on]
                if not sel.size:
                    continue
                color = QColor(pos_color if positive else neg_color) if on else QColor(dim)
                width = geo.level_width(level) * zoom_width
                if not on:
                    width = max(0.8, width * 0.5)
                # translucency pre-blended with the background: opaque pens paint ~10× faster
                color = _blend(color, background, 0.85 if on else 0.5)
                pen = QPen(color, width)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                p.setPen(pen)
                p.drawLines([QLineF(*row) for row in seg[sel].tolist()])  # one call per bucket
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _node_values(self) -> list[np.ndarray] | None:
        """Activations a of the shown sample per layer (input first) during a phase, else None."""
        ph = self.phase
        if ph is None:
            return None
        i = min(ph.sample, ph.trace.x.shape[0] - 1)
        return [ph.trace.x[i]] + [layer.a[i] for layer in ph.trace.layers]

    def _paint_nodes(self, p: QPainter) -> None:
        s, ox, oy = self._scale_offset()
        values = self._node_values()
        active = self._active_layer()
        border = QColor(self.theme["node_border"])
        for l, pos in enumerate(self.layout_.positions):
            r = self.layout_.radius[l] * s
            xs, ys = ox + s * pos[:, 0], oy + s * pos[:, 1]
            compact = self.layers[l] > BIG_LAYER
            thumbs = self.thumbnails[l] if self.thumbnails else None
            shown = values is not None and (l <= active + 1e-9 if self.phase.phase == "forward" else True)
            p.setPen(QPen(border, 0.0 if compact else max(1.0, 1.2 * min(s, 1.5))))
            for i in range(len(xs)):
                rect = QRectF(xs[i] - r, ys[i] - r, 2 * r, 2 * r)
                if shown and l == 0:  # inputs are data, any range: a plain node with its value below
                    p.setBrush(QColor(self.theme["node"]))
                    p.drawEllipse(rect)
                elif shown:
                    v = values[l][i]
                    lo, hi = (-1.0, 1.0) if l == 0 else output_range(values[l], get_activation(self.activation_names[l - 1]))
                    c = diverging_rgba(np.array([v]), lo, hi)[0]
                    p.setBrush(QColor(int(c[0]), int(c[1]), int(c[2])))
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
                else:
                    p.setBrush(QColor(self.theme["node"]))
                    p.drawEllipse(rect)
                if l > 0 and not compact:
                    self._paint_bias(p, xs[i], ys[i], r, self.biases[l - 1][i])
            if values is not None and self.phase.phase == "backward" and l > 0 and not compact:
                self._paint_deltas(p, l, xs, ys, r, active)
        self._paint_value_labels(p)

    def _paint_term_labels(self, p: QPainter) -> None:
        labels = self.term_labels()
        if not labels:
            return
        s, ox, oy = self._scale_offset()
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, 10.0 * self.font_scale))
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(self.theme["highlight"]))
        for (l, k), text in labels.items():
            x, y = self.layout_.positions[l][k]
            r = self.layout_.radius[l] * s
            px, py = ox + s * x, oy + s * y
            p.drawText(QRectF(px - 200, py - r - 26 * self.font_scale, 400, 20 * self.font_scale),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)

    def value_labels(self) -> dict[tuple[int, int], str]:
        """The numbers written beside nodes during a phase, keyed by (layer, node):
        forward: x for inputs, a = f(z) elsewhere; backward: δ = ∂L/∂z; update: nothing."""
        ph = self.phase
        if ph is None or ph.phase == "update":
            return {}
        i = min(ph.sample, ph.trace.x.shape[0] - 1)
        active = self._active_layer()
        out = {}
        for l, n in enumerate(self.layers):
            if n > LABELLED_LAYER:
                continue
            if ph.phase == "forward":
                if l > active + 1e-9:
                    continue
                row = ph.trace.x[i] if l == 0 else ph.trace.layers[l - 1].a[i]
                name = "x" if l == 0 else "a"
            else:
                if l == 0 or l < active - 1e-9 or ph.trace.layers[l - 1].delta is None:
                    continue
                row, name = ph.trace.layers[l - 1].delta[i], "δ"
            for k in range(n):
                out[(l, k)] = f"{name} = {row[k]:.3g}"
        return out

    def term_labels(self) -> dict[tuple[int, int], str]:
        """During the forward pass of a small network, each reached neuron's weighted sum
        written term by term, as on a blackboard: 'z = 0.001 + 0.95 + 0.08 = 1.031'."""
        ph = self.phase
        if ph is None or ph.phase != "forward":
            return {}
        i = min(ph.sample, ph.trace.x.shape[0] - 1)
        active = self._active_layer()
        weights = self._weights_from_flat(ph.before)
        out = {}
        for l in range(1, len(self.layers)):
            n_in, n_out = self.layers[l - 1], self.layers[l]
            if n_in > TERMS_FAN_IN or n_out > TERMS_LAYER or l > active + 1e-9:
                continue
            x = ph.trace.x[i] if l == 1 else ph.trace.layers[l - 2].a[i]
            b = ph.before[self._bias_offsets()[l - 1]:][:n_out]
            for k in range(n_out):
                terms = " + ".join([f"{b[k]:.4g}"] + [f"{weights[l - 1][k, j] * x[j]:.4g}" for j in range(n_in)])
                out[(l, k)] = f"z = {terms} = {ph.trace.layers[l - 1].z[i, k]:.4g}".replace("+ -", "− ")
        return out

    def _bias_offsets(self) -> list[int]:
        """Where each layer's biases start in the flat parameter vector (the block's last row)."""
        out, start = [], 0
        for n_in, n_out in zip(self.layers[:-1], self.layers[1:]):
            out.append(start + n_in * n_out)
            start += (n_in + 1) * n_out
        return out

    def _paint_value_labels(self, p: QPainter) -> None:
        self._paint_term_labels(p)
        labels = self.value_labels()
        if not labels:
            return
        s, ox, oy = self._scale_offset()
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, 8.5 * self.font_scale))
        p.setFont(font)
        p.setPen(QColor(self.theme["text"]))
        for (l, k), text in labels.items():
            x, y = self.layout_.positions[l][k]
            r = self.layout_.radius[l] * s
            px, py = ox + s * x, oy + s * y
            p.drawText(QRectF(px - 60, py + r + 2, 120, 16 * self.font_scale),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)

    def _paint_bias(self, p: QPainter, x: float, y: float, r: float, b: float) -> None:
        """The bias as a small square at the node's lower left: colour = sign, size ∝ |b|."""
        size = max(3.0, r * 0.5 * min(1.0, 0.35 + abs(b)))
        color = QColor(self.theme["positive"] if b >= 0 else self.theme["negative"])
        p.save()
        p.setPen(QPen(QColor(self.theme["node_border"]), 0.8))
        p.setBrush(color)
        p.drawRect(QRectF(x - r * 0.95 - size / 2, y + r * 0.65 - size / 2, size, size))
        p.restore()

    def _paint_deltas(self, p, l, xs, ys, r, active) -> None:
        """δ = ∂L/∂z as a ring around each node (colour = sign, thickness ∝ |δ|) once reached."""
        if l < active - 1e-9:
            return
        ph = self.phase
        i = min(ph.sample, ph.trace.x.shape[0] - 1)
        deltas = ph.trace.layers[l - 1].delta[i]
        m = max(float(np.abs(deltas).max()), 1e-12)
        p.save()
        p.setBrush(Qt.BrushStyle.NoBrush)
        for k in range(len(xs)):
            d = deltas[k]
            color = QColor(self.theme["grad_positive"] if d >= 0 else self.theme["grad_negative"])
            p.setPen(QPen(color, 1.0 + 4.0 * abs(d) / m))
            p.drawEllipse(QPointF(xs[k], ys[k]), r + 4, r + 4)
        p.restore()

    def _paint_labels(self, p: QPainter) -> None:
        s, ox, oy = self._scale_offset()
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, 9.0 * self.font_scale))
        p.setFont(font)
        p.setPen(QColor(self.theme["text"]))
        n = len(self.layers)
        top = min(float(oy + s * pos[:, 1].min() - s * self.layout_.radius[l]) for l, pos in enumerate(self.layout_.positions))
        for l, pos in enumerate(self.layout_.positions):
            x = ox + s * pos[0, 0]
            if l == 0:
                title = f"Input · {self.layers[0]}"
            elif l == n - 1:
                title = f"Output · {self.activation_names[-1]}"
            else:
                title = f"Hidden {l} · {self.layers[l]} · {self.activation_names[l - 1]}"
            rect = QRectF(x - 80, top - 34 * self.font_scale, 160, 20 * self.font_scale)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, title)
        if self.layers[0] <= 16:
            r = self.layout_.radius[0] * s
            for i, (x, y) in enumerate(self.layout_.positions[0]):
                name = self.input_names[i] if i < len(self.input_names) else f"x{i + 1}"
                px, py = ox + s * x, oy + s * y
                p.drawText(QRectF(px - r - 66 * self.font_scale, py - 10, 60 * self.font_scale, 20),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        caption = self._caption()
        if caption:
            p.setPen(QColor(self.theme["muted"]))
            p.drawText(QRectF(8, self.height() - 24 * self.font_scale, self.width() - 16, 20 * self.font_scale),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, caption)

    def _caption(self) -> str:
        limited = not self.show_all_edges and any(
            i * o > DEFAULT_EDGE_LIMIT for i, o in zip(self.layers[:-1], self.layers[1:]))
        parts = []
        if self.phase is not None:
            what = {"forward": "Forward pass: a = f(z), layer by layer",
                    "backward": "Backward pass: edges show ∂L/∂w (purple +, green −), rings show δ = ∂L/∂z",
                    "update": "Update: w ← w − η·∂L/∂w"}[self.phase.phase]
            n = self.phase.trace.x.shape[0]
            parts.append(what + (f" · sample {self.phase.sample + 1} of {n}" if n > 1 else ""))
        else:
            parts.append("Edges: blue w > 0, orange w < 0, width |w|")
        if limited:
            parts.append(f"strongest {DEFAULT_EDGE_LIMIT} edges per layer (A: all)")
        return "   ·   ".join(parts)

    # ---- interaction ---------------------------------------------------------------------------

    def hit(self, px: float, py: float):
        """('node', layer, i) or ('edge', index) under widget point (px, py), or None."""
        x, y = self.to_scene(px, py)
        node = geo.node_at(self.layout_, x, y)
        if node is not None:
            return ("node", *node)
        s, _, _ = self._scale_offset()
        e = geo.edge_at(self.edge_set, x, y, tolerance=5.0 / s)
        return None if e is None else ("edge", e)

    def tooltip_text(self, hit) -> str:
        if hit is None:
            return ""
        if hit[0] == "edge":
            es = self.edge_set
            l, r, c = int(es.layer[hit[1]]), int(es.row[hit[1]]), int(es.col[hit[1]])
            lines = [f"w = {self.weights[l][r, c]:.4g}  (layer {l + 1}, from node {c + 1} to node {r + 1})"]
            grads = self._gradients()
            if grads is not None:
                lines.append(f"∂L/∂w = {grads[l][r, c]:.4g}")
            lines.append("click to edit")
            return "\n".join(lines)
        _, l, i = hit
        if l == 0:
            name = self.input_names[i] if i < len(self.input_names) else f"x{i + 1}"
            text = f"input {name}"
            vals = self._node_values()
            return text + (f"\nx = {vals[0][i]:.4g}" if vals is not None else "")
        lines = [f"layer {l}, neuron {i + 1} ({self.activation_names[l - 1]})", f"b = {self.biases[l - 1][i]:.4g}"]
        if self.phase is not None:
            k = min(self.phase.sample, self.phase.trace.x.shape[0] - 1)
            layer = self.phase.trace.layers[l - 1]
            lines.append(f"z = {layer.z[k, i]:.4g}   a = {layer.a[k, i]:.4g}")
            if layer.delta is not None:
                lines.append(f"δ = ∂L/∂z = {layer.delta[k, i]:.4g}")
        return "\n".join(lines)

    def _gradients(self):
        if self.phase is not None and self.phase.trace.layers[0].grad_w is not None:
            return [layer.grad_w for layer in self.phase.trace.layers]
        return self.grad_weights

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
            self.setCursor(Qt.CursorShape.PointingHandCursor if hit and hit[0] == "edge" else Qt.CursorShape.ArrowCursor)

    def contextMenuEvent(self, event) -> None:
        hit = self.hit(event.pos().x(), event.pos().y())
        if not hit or hit[0] != "edge":
            return
        es = self.edge_set
        where = (int(es.layer[hit[1]]), int(es.row[hit[1]]), int(es.col[hit[1]]))
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction("Inspect ∂L/∂w (chain rule)", lambda: self.weightInspected.emit(*where))
        menu.addAction("Edit weight…", lambda: self.weightClicked.emit(*where))
        menu.exec(event.globalPos())

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self._drag_moved = False

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
            es = self.edge_set
            self.weightClicked.emit(int(es.layer[hit[1]]), int(es.row[hit[1]]), int(es.col[hit[1]]))

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_zoom(self.zoom * (1.15 ** steps))

    def mouseDoubleClickEvent(self, event) -> None:
        self.reset_view()
