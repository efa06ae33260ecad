"""The chain-rule inspector: ∂L/∂w for one weight, path by path, checked two ways.

Pick a weight (layer, neuron, input; or right-click an edge on the canvas and connect
``canvas.weightInspected`` to ``inspect``) and a sample; the panel writes out the
lecture's formula for that weight, a table with every path's factors and their product,
the sum, backpropagation's value from the engine's trace, and a central-difference
estimate with the relative error. "Show paths on the network" marks the paths on the
canvas.

The panel never touches the controller's live network: it keeps its own display
Network (same layers, activations and loss) and loads ``snapshot.params`` into it.
"""

from __future__ import annotations

import html
import math
import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QTextBrowser, QVBoxLayout, QWidget,
)

from nnviz.engine.chain_rule import ChainRule, chain_rule, path_highlight, weight_symbol
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network

__all__ = ["ChainRulePanel", "SnapshotThrottle", "add_row", "format_number"]

AGREEMENT = 1e-6  # relative error up to which the three values "agree"
REFRESH_INTERVAL = 0.25  # seconds between refreshes while training plays

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def format_number(value: float, digits: int = 4) -> str:
    """A number as the panel writes it: ``digits`` significant digits, a real minus sign,
    and ×10ⁿ instead of e-notation outside 0.001 … 100 000."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0.0:
        return "0"
    text = f"{v:.{digits}g}" if 1e-3 <= abs(v) < 1e5 else ""
    if not text or "e" in text:  # (also when rounding crossed a boundary, e.g. 99999.5)
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUP)}"
    return text.replace("-", "−")


def bold_label(text: str) -> QLabel:
    """A panel's heading: a QLabel in the bold version of the default font."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def add_row(parent_layout, vertical: bool = False, stretch: int = 0, spacing: int = 6,
            margins: tuple[int, int, int, int] = (0, 0, 0, 0)):
    """A row (or column) of widgets inside ``parent_layout``: a box layout on its own
    container widget. Not ``addLayout``: in PySide6 6.11 that makes Python wrappers for the
    nested layout's items, and when the garbage collector frees them after Qt has deleted
    the items (the panel was destroyed), the process crashes."""
    box = QWidget()
    row = (QVBoxLayout if vertical else QHBoxLayout)(box)
    row.setContentsMargins(*margins)
    row.setSpacing(spacing)
    parent_layout.addWidget(box, stretch)
    return row


class SnapshotThrottle(QObject):
    """Runs ``fn`` now, or, while training plays, at most once per ``interval`` seconds;
    a request that has to wait is delivered by a single-shot timer, so the latest state
    is always shown in the end."""

    def __init__(self, fn, interval: float = REFRESH_INTERVAL, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self.interval = interval
        self._last = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def request(self, throttled: bool) -> None:
        now = time.perf_counter()
        if not throttled or now - self._last >= self.interval:
            self._timer.stop()
            self._fire()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(1000 * (self.interval - (now - self._last)))))

    def pending(self) -> bool:
        return self._timer.isActive()

    def _fire(self) -> None:
        self._last = time.perf_counter()
        self._fn()


_COLORS = {
    False: {"text": "#202124", "muted": "#5f6368", "head": "#eef1f5", "alt": "#f7f8fa",
            "rule": "#c4c7cc", "good": "#188038", "bad": "#c5221f", "zero": "#c5221f",
            "small": "#b06000", "accent": "#0877bd", "total": "#e8f0fe"},
    True: {"text": "#e8eaed", "muted": "#9aa0a6", "head": "#2d3034", "alt": "#26282c",
           "rule": "#4e5157", "good": "#81c995", "bad": "#f28b82", "zero": "#f28b82",
           "small": "#fdd663", "accent": "#8ab4f8", "total": "#1f3049"},
}


def _sup(n: int) -> str:
    return f"⁽{str(n).translate(_SUP)}⁾"


def _sub(n: int) -> str:
    return str(n).translate(_SUB)


class ChainRulePanel(QWidget):
    """∂L/∂w for one weight, written out as the chain rule's sum over paths.

    Driven by a SessionController (``controller``) or by hand: ``set_state``,
    ``set_snapshot``, ``set_phase``, ``set_sample``, ``inspect``. ``canvas`` (a
    NetworkCanvas, optional) receives the highlighted paths.
    """

    #: Emitted by ``inspect`` (weight layer 0-based, row, col) so a window can raise the panel.
    inspected = Signal(int, int, int)

    SOURCE_STEP, SOURCE_TRAIN = 0, 1

    def __init__(self, controller=None, parent=None, canvas=None, max_paths: int = 64):
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.max_paths = max_paths
        self.network: Network | None = None  # display copy: never the controller's live one
        self.dataset = None
        self.params: np.ndarray | None = None
        self.phase = None  # a PhaseView: its sample and the weights before its update
        self.rule: ChainRule | None = None
        self.error: str | None = None
        self._step_sample: tuple[np.ndarray, np.ndarray, str] | None = None
        self._highlight_set = False
        self._dark = False
        self._dirty = False
        self._throttle = SnapshotThrottle(self._refresh_if_visible, REFRESH_INTERVAL, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        row = add_row(layout)
        self.title = bold_label("Weight")
        row.addWidget(self.title)
        self.layer_spin = self._spin("layer", "Which layer of weights (1 = from the inputs)")
        self.to_spin = self._spin("neuron", "The neuron the weight feeds (its z)")
        self.from_spin = self._spin("from", "Where the weight comes from: an input/neuron of the "
                                    "layer below, or the neuron's bias")
        self.from_spin.setMinimum(0)
        self.from_spin.setSpecialValueText("bias")
        for label, spin in (("layer", self.layer_spin), ("to neuron", self.to_spin), ("from", self.from_spin)):
            row.addWidget(QLabel(label))
            row.addWidget(spin)
        row.addStretch(1)

        row = add_row(layout)
        sample_label = bold_label("Sample")
        row.addWidget(sample_label)
        self.source = QComboBox()
        self.source.addItem("this step's sample", self.SOURCE_STEP)
        self.source.addItem("training sample #", self.SOURCE_TRAIN)
        self.source.setToolTip("The step's sample: the sample the phase on the canvas shows, or else "
                               "the first sample of the next mini-batch")
        row.addWidget(self.source)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(1, 1)
        self.sample_spin.setToolTip("Index of the training sample (from 1)")
        self.sample_spin.setEnabled(False)
        row.addWidget(self.sample_spin)
        row.addStretch(1)
        self.show_paths = QCheckBox("Show paths on the network")
        self.show_paths.setToolTip("Mark the weight and its paths to the loss on the network canvas")
        row.addWidget(self.show_paths)

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        layout.addWidget(self.browser, 1)

        self.layer_spin.valueChanged.connect(self._on_layer_changed)
        self.to_spin.valueChanged.connect(self.refresh)
        self.from_spin.valueChanged.connect(self.refresh)
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.sample_spin.valueChanged.connect(self.refresh)
        self.show_paths.toggled.connect(self._update_highlight)

        self.apply_theme(False)
        if controller is not None:
            controller.problemChanged.connect(self._on_problem)
            controller.snapshotChanged.connect(self._on_snapshot)
            controller.phaseChanged.connect(self._on_phase)
            self._on_problem(controller.problem)
            if controller.snapshot is not None:
                self._on_snapshot(controller.snapshot)
            if controller.phase is not None:
                self._on_phase(controller.phase)
        else:
            self.refresh()

    @staticmethod
    def _spin(name: str, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(f"chain_rule_{name}")
        spin.setRange(1, 1)
        spin.setToolTip(tip)
        spin.setKeyboardTracking(False)
        return spin

    # ---- plain API -------------------------------------------------------------------------

    def set_canvas(self, canvas) -> None:
        if self.canvas is not None and self._highlight_set:
            self.canvas.set_highlight()
            self._highlight_set = False
        self.canvas = canvas
        self._update_highlight()

    def set_state(self, network: Network, dataset=None, x=None, y=None, description: str = "given sample") -> None:
        """Show ``network`` (copied: architecture and parameters) at sample x (n_0,), y (n_L,);
        without x the first training sample of ``dataset`` is used."""
        self._set_architecture(network.layers, network.activation_names, network.loss_name)
        self.dataset = dataset
        self.params = network.params.copy()
        self.phase = None
        self._update_sample_range()
        if x is not None:
            self._step_sample = self._as_sample(x, y, description)
        elif dataset is not None:
            self._step_sample = self._training_sample(0, "training sample 1")
        self.refresh()

    def set_snapshot(self, snapshot, network_template: Network | None = None, dataset=None) -> None:
        """The weights of a Snapshot; ``network_template`` gives the architecture (layers,
        activations, loss) when it differs from the one shown."""
        if network_template is not None and (self.network is None or self._key(network_template) != self._key(self.network)):
            self._set_architecture(network_template.layers, network_template.activation_names,
                                   network_template.loss_name)
        if dataset is not None and dataset is not self.dataset:
            self.dataset = dataset
            self._update_sample_range()
        if self.network is None or tuple(snapshot.layers) != self.network.layers:
            return
        self.params = np.array(snapshot.params, dtype=np.float64)
        if self._step_sample is None and self.dataset is not None:
            self._step_sample = self._training_sample(0, "training sample 1")
        self.refresh()

    def set_sample(self, x, y, description: str = "given sample") -> None:
        """Use sample x (n_0,), y (n_L,) as "this step's sample"."""
        self._step_sample = self._as_sample(x, y, description)
        self.refresh()

    def set_phase(self, view) -> None:
        """Follow a PhaseView (or None): its sample, at the weights before its update."""
        self.phase = view if view is not None and view.trace.y is not None else None
        if self.phase is not None and self.network is not None and \
                view.trace.x.shape[1] != self.network.layers[0]:
            self.phase = None
        self.refresh()

    def inspect(self, layer: int, row: int, col: int) -> None:
        """Select weights[layer][row, col] (0-based; col == n_in: the bias) and show it."""
        if self.network is None:
            return
        layers = self.network.layers
        if not (0 <= layer < len(layers) - 1 and 0 <= row < layers[layer + 1] and 0 <= col <= layers[layer]):
            return
        for spin in (self.layer_spin, self.to_spin, self.from_spin):
            spin.blockSignals(True)
        self.layer_spin.setValue(layer + 1)
        self._update_ranges()
        self.to_spin.setValue(row + 1)
        self.from_spin.setValue(0 if col == layers[layer] else col + 1)
        for spin in (self.layer_spin, self.to_spin, self.from_spin):
            spin.blockSignals(False)
        self.refresh()
        self.inspected.emit(layer, row, col)

    def selection(self) -> tuple[int, int, int]:
        """The selected weight (layer, to, frm), 0-based; frm == n_in means the bias."""
        layer = self.layer_spin.value() - 1
        n_in = self.network.layers[layer] if self.network is not None else 0
        frm = self.from_spin.value()
        return layer, self.to_spin.value() - 1, n_in if frm == 0 else frm - 1

    def set_show_paths(self, on: bool) -> None:
        self.show_paths.setChecked(bool(on))

    def sample(self) -> tuple[np.ndarray, np.ndarray, str] | None:
        """The sample shown: (x, y, description), or None."""
        if self.network is None:
            return None
        if self.source.currentData() == self.SOURCE_TRAIN and self.dataset is not None and self._n_train():
            i = self.sample_spin.value() - 1
            return self._training_sample(i, f"training sample {i + 1} of {self._n_train()}")
        if self.phase is not None:
            t = self.phase.trace
            k = min(self.phase.sample, t.x.shape[0] - 1)
            what = f"sample {k + 1} of the step's batch" if t.x.shape[0] > 1 else "the step's sample"
            return t.x[k].copy(), t.y[k].copy(), f"{what} ({self.phase.phase} phase)"
        return self._step_sample

    def text(self) -> str:
        """The table as plain text (for tests and copy-paste)."""
        return self.browser.toPlainText()

    def refresh(self) -> None:
        """Recompute the chain rule for the selection and redraw the table."""
        self._dirty = False
        self.rule, self.error = None, None
        sample = self.sample()
        params = self.phase.before if self.phase is not None else self.params
        if self.network is None or params is None or sample is None:
            self.error = "No network yet." if self.network is None else "No sample yet."
            self.browser.setHtml(self._message_html(self.error))
            self._update_highlight()
            return
        x, y, description = sample
        net = self.network
        try:
            net.set_params(params)
            layer, to, frm = self.selection()
            self.rule = chain_rule(net, x, y, layer, to, frm, self.max_paths)
        except NnvizError as exc:
            self.error = str(exc)
            self.browser.setHtml(self._message_html(self.error))
        else:
            bar = self.browser.horizontalScrollBar().value(), self.browser.verticalScrollBar().value()
            self.browser.setHtml(self._html(self.rule, x, y, description))
            self.browser.horizontalScrollBar().setValue(bar[0])
            self.browser.verticalScrollBar().setValue(bar[1])
        self._update_highlight()

    def apply_theme(self, dark: bool) -> None:
        self._dark = bool(dark)
        c = _COLORS[self._dark]
        self.browser.setStyleSheet(
            f"QTextBrowser {{ background: {'#1e1f22' if dark else '#ffffff'}; color: {c['text']}; "
            f"border: 1px solid {c['rule']}; border-radius: 4px; }}")
        if self.network is not None or self.error is not None:
            self.refresh()

    # ---- controller ------------------------------------------------------------------------

    def _running(self) -> bool:
        return self.controller is not None and self.controller.running

    def _on_problem(self, problem) -> None:
        net = self.controller.network  # metadata only, read while the controller is rebuilt
        self._set_architecture(net.layers, net.activation_names, net.loss_name)
        self.dataset = self.controller.dataset
        self.params = None
        self.phase = None
        self._step_sample = None
        self._update_sample_range()

    def _on_snapshot(self, snapshot) -> None:
        if self.network is None or tuple(snapshot.layers) != self.network.layers:
            return
        self.params = np.array(snapshot.params, dtype=np.float64)
        running = self._running()
        if not running:
            x, y = self.controller.trainer.current_batch()
            if len(x):
                self._step_sample = (x[0], y[0], "first sample of the next mini-batch")
        elif self._step_sample is None and self.dataset is not None:
            self._step_sample = self._training_sample(0, "training sample 1")
        self._throttle.request(running)

    def _on_phase(self, view) -> None:
        self.set_phase(view)

    def _refresh_if_visible(self) -> None:
        if self._running() and not self.isVisible():
            self._dirty = True  # a hidden dock costs nothing while training plays
            return
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # ---- internals -------------------------------------------------------------------------

    @staticmethod
    def _key(net) -> tuple:
        return (tuple(net.layers), tuple(net.activation_names), net.loss_name)

    def _set_architecture(self, layers, activation_names, loss_name) -> None:
        key = (tuple(layers), tuple(activation_names), loss_name)
        if self.network is not None and self._key(self.network) == key:
            return
        self.network = Network(layers, activation_names, loss_name)
        self.rule = None
        self._update_ranges(reset=True)

    def _update_ranges(self, reset: bool = False) -> None:
        layers = self.network.layers
        spins = (self.layer_spin, self.to_spin, self.from_spin)
        blocked = [s.blockSignals(True) for s in spins]
        self.layer_spin.setRange(1, len(layers) - 1)
        if reset:
            self.layer_spin.setValue(1)
        l = self.layer_spin.value()
        self.to_spin.setRange(1, layers[l])
        self.from_spin.setRange(0, layers[l - 1])
        if reset:
            self.to_spin.setValue(1)
            self.from_spin.setValue(1)
        for s, b in zip(spins, blocked):
            s.blockSignals(b)

    def _on_layer_changed(self) -> None:
        if self.network is not None:
            self._update_ranges()
        self.refresh()

    def _on_source_changed(self) -> None:
        self.sample_spin.setEnabled(self.source.currentData() == self.SOURCE_TRAIN)
        self.refresh()

    def _n_train(self) -> int:
        return 0 if self.dataset is None else int(self.dataset.x_train.shape[0])

    def _update_sample_range(self) -> None:
        n = self._n_train()
        self.sample_spin.blockSignals(True)
        self.sample_spin.setRange(1, max(n, 1))
        self.sample_spin.blockSignals(False)
        usable = n > 0 and self.network is not None and self.dataset.x_train.shape[1] == self.network.layers[0]
        item = self.source.model().item(self.SOURCE_TRAIN)
        item.setEnabled(usable)
        if not usable and self.source.currentIndex() == self.SOURCE_TRAIN:
            self.source.setCurrentIndex(self.SOURCE_STEP)

    def _training_sample(self, i: int, description: str):
        if self.dataset is None or self.network is None or not self._n_train() \
                or self.dataset.x_train.shape[1] != self.network.layers[0]:
            return None
        i = min(max(i, 0), self._n_train() - 1)
        y = self.dataset.targets("train", self.network.layers[-1])[i]
        return np.array(self.dataset.x_train[i], dtype=np.float64), np.array(y, dtype=np.float64), description

    def _as_sample(self, x, y, description):
        return (np.asarray(x, dtype=np.float64).reshape(-1), np.asarray(y, dtype=np.float64).reshape(-1),
                description)

    def _update_highlight(self) -> None:
        if self.canvas is None:
            return
        if self.show_paths.isChecked() and self.rule is not None:
            nodes, edges = path_highlight(self.rule)
            self.canvas.set_highlight(nodes, edges, ())
            self._highlight_set = True
        elif self._highlight_set:
            self.canvas.set_highlight()
            self._highlight_set = False

    # ---- HTML ------------------------------------------------------------------------------

    def _message_html(self, message: str) -> str:
        c = _COLORS[self._dark]
        return (f"<p style='color:{c['muted']}'>{html.escape(message)}</p>"
                f"<p style='color:{c['muted']}'>Pick a weight above, or right-click an edge on the "
                "network and choose <i>Inspect ∂L/∂w</i>.</p>")

    def _html(self, rule: ChainRule, x, y, description: str) -> str:
        c = _COLORS[self._dark]
        net = self.network
        L = net.n_layers
        n_in = net.layers[rule.layer]
        sym = weight_symbol(rule.layer, rule.to, rule.frm, n_in)
        first = rule.paths[0] if rule.paths else None

        def vec(v):
            v = np.asarray(v).reshape(-1)
            shown = ", ".join(format_number(t, 3) for t in v[:6]) + (", …" if v.size > 6 else "")
            return f"({shown})"

        parts = [f"<div style='color:{c['text']}'>"]
        # the lecture's formula, then this weight's
        parts.append(
            f"<p style='margin:0 0 2px 0; color:{c['muted']}'>The chain rule, as in the lecture: "
            f"<span style='color:{c['text']}'>∂L/∂w = ∂L/∂O₂ · ∂O₂/∂O₁ · ∂O₁/∂w</span>; "
            "through each neuron ∂O<sub>next</sub>/∂O = w · f′(z); the paths add up.</p>")
        if first is not None:
            terms = self._column_heads(rule)
            paths = "the path" if rule.n_paths == 1 else f"all {rule.n_paths:,} paths".replace(",", " ")
            sigma = "" if rule.n_paths == 1 else "Σ "
            parts.append(
                f"<p style='margin:4px 0 2px 0; font-size:large'><b>∂L/∂{sym}</b> = {sigma}"
                + " · ".join(t for t, _ in terms)
                + f" <span style='font-size:small; color:{c['muted']}'>&nbsp;(over {paths})</span></p>")
        ys = vec(y)
        parts.append(
            f"<p style='margin:0 0 6px 0; color:{c['muted']}'>{sym} = {format_number(rule.value)} · "
            f"{html.escape(description)}: x = {vec(x)}, y = {ys} · L = {format_number(rule.loss)}</p>")

        # the paths
        if rule.paths:
            heads = self._column_heads(rule)
            head_cells = "".join(
                f"<th align='right' bgcolor='{c['head']}'>{t}<br>"
                f"<span style='font-weight:normal; font-size:small; color:{c['muted']}'>{what}</span></th>"
                for t, what in heads)
            parts.append("<table cellspacing='0' cellpadding='4' width='100%'>")
            parts.append(f"<tr><th align='left' bgcolor='{c['head']}'>path<br>"
                         f"<span style='font-weight:normal; font-size:small; color:{c['muted']}'>neurons</span></th>"
                         f"{head_cells}<th align='right' bgcolor='{c['head']}'>product<br>"
                         f"<span style='font-weight:normal; font-size:small; color:{c['muted']}'>of the row</span></th></tr>")
            for i, path in enumerate(rule.paths):
                bg = f" bgcolor='{c['alt']}'" if i % 2 else ""
                route = " → ".join(f"{path.neurons[j] + 1}" for j in range(len(path.neurons)))
                cells = []
                for label, value in path.factors:
                    color = c["text"]
                    if value == 0.0:
                        color = c["zero"]
                    elif label.startswith("f′") and abs(value) < 0.1:
                        color = c["small"]
                    cells.append(f"<td align='right'{bg} style='color:{color}'>{format_number(value)}</td>")
                muted = c["muted"] if path.product == 0.0 else c["text"]
                parts.append(f"<tr><td{bg} style='color:{c['muted']}'>{route}</td>{''.join(cells)}"
                             f"<td align='right'{bg} style='color:{muted}'><b>{format_number(path.product)}</b></td></tr>")
            parts.append("</table>")
            if not rule.all_listed:
                rest = rule.total - rule.listed_total
                parts.append(
                    f"<p style='margin:4px 0 0 0; color:{c['muted']}; font-size:small'>The {len(rule.paths)} "
                    f"paths with the largest |product| of {rule.n_paths:,}".replace(",", " ")
                    + f"; they add up to {format_number(rule.listed_total)}, the others to {format_number(rest)}.</p>")
            else:
                parts.append(
                    f"<p style='margin:4px 0 0 0; color:{c['muted']}; font-size:small'>Neurons counted from 1, "
                    f"layer {rule.layer + 1} to the output layer {L}. "
                    f"<span style='color:{c['small']}'>f′ &lt; 0.1</span>: the gradient shrinks there; "
                    f"<span style='color:{c['zero']}'>0</span>: it stops.</p>")

        # the three values
        ok = rule.relative_error <= AGREEMENT
        verdict = (f"<span style='color:{c['good']}'>✓ agree</span>" if ok
                   else f"<span style='color:{c['bad']}'>✗ differ (a kink of ReLU near z = 0?)</span>")
        n = "the path" if rule.n_paths == 1 else f"all {rule.n_paths:,} paths".replace(",", " ")
        rows = [
            (f"Σ over {n}", format_number(rule.total, 7), True),
            ("Backpropagation (the engine's trace)", format_number(rule.trace_value, 7), False),
            ("Central difference (L(w ± h))", format_number(rule.numeric, 7), False),
            ("Relative error", f"{format_number(rule.relative_error, 2)} &nbsp;{verdict}", False),
        ]
        parts.append("<table cellspacing='0' cellpadding='4' style='margin-top:8px'>")
        for label, value, strong in rows:
            bg = f" bgcolor='{c['total']}'" if strong else ""
            value = f"<b>{value}</b>" if strong else value
            parts.append(f"<tr><td{bg}>{label}</td><td align='right'{bg}>{value}</td></tr>")
        parts.append("</table></div>")
        return "".join(parts)

    def _column_heads(self, rule: ChainRule) -> list[tuple[str, str]]:
        """(symbol, what) per factor column, e.g. ("w⁽³⁾", "weight")."""
        L = self.network.n_layers
        heads = [(f"∂L/∂z{_sup(L)}", "output δ")]
        for l in range(L - 1, rule.layer, -1):
            heads.append((f"w{_sup(l + 1)}", "weight"))
            last = l - 1 == rule.layer
            z = f"z{_sup(l)}{_sub(rule.to + 1) if last else ''}"
            heads.append((f"f′({z})", "slope"))
        if rule.is_bias:
            heads.append(("∂z/∂b", "= 1"))
        elif rule.layer == 0:
            heads.append((f"x{_sub(rule.frm + 1)}", "∂z/∂w = a"))
        else:
            heads.append((f"a{_sup(rule.layer)}{_sub(rule.frm + 1)}", "∂z/∂w = a"))
        return heads
