"""The chain-rule inspector: ∂L/∂w for one weight, path by path, checked two ways.

Pick a weight (layer, neuron, input; or right-click an edge on the canvas and connect
``canvas.weightInspected`` to ``inspect``) and a sample; the panel writes out the
lecture's formula for that weight, a table with every path's factors and their product,
the sum, backpropagation's value from the engine's trace, and a central-difference
estimate with the relative error. "Show paths on the network" marks the paths on the
canvas.

The panel never touches the controller's live network: it keeps its own display
Network (the SnapshotSource's shape) and loads ``snapshot.params`` into it. The page
itself is written by ``chain_rule_html``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QTextBrowser, QVBoxLayout, QWidget

from nnviz.draw.theme import LIGHT, Theme
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.chain_rule import ChainRule, chain_rule, path_highlight
from nnviz.engine.errors import NnvizError
from nnviz.engine.network import Network
from nnviz.lessons.model import Highlight
from nnviz.ui.instruments.chain_rule_html import message_html, rule_html
from nnviz.ui.instruments.common import REFRESH_INTERVAL, SnapshotThrottle, add_row, bold_label
from nnviz.ui.instruments.source import SnapshotSource

__all__ = ["ChainRulePanel"]


class ChainRulePanel(QWidget):
    """∂L/∂w for one weight, written out as the chain rule's sum over paths.

    Driven by a SnapshotSource (``controller``) or by hand: ``set_state``,
    ``set_snapshot``, ``set_phase``, ``set_sample``, ``inspect``. ``canvas`` (a
    NetworkCanvas, optional) receives the highlighted paths.
    """

    #: Emitted by ``inspect`` (weight layer 0-based, row, col) so a window can raise the panel.
    inspected = Signal(int, int, int)

    SOURCE_STEP, SOURCE_TRAIN = 0, 1

    def __init__(self, controller: SnapshotSource | None = None, parent=None, canvas=None,
                 max_paths: int = 64, *, theme: Theme = LIGHT):
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
        self._theme = theme
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

        self.set_theme(theme)
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
            self.browser.setHtml(message_html(self.error, self._theme))
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
            self.browser.setHtml(message_html(self.error, self._theme))
        else:
            bar = self.browser.horizontalScrollBar().value(), self.browser.verticalScrollBar().value()
            self.browser.setHtml(rule_html(self.rule, net.layers, x, y, description, self._theme))
            self.browser.horizontalScrollBar().setValue(bar[0])
            self.browser.verticalScrollBar().setValue(bar[1])
        self._update_highlight()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.browser.setStyleSheet(
            f"QTextBrowser {{ background: {theme.background}; color: {theme.table_text}; "
            f"border: 1px solid {theme.rule}; border-radius: 4px; }}")
        if self.network is not None or self.error is not None:
            self.refresh()

    # ---- controller ------------------------------------------------------------------------

    def _running(self) -> bool:
        return self.controller is not None and self.controller.running

    def _on_problem(self, problem) -> None:
        shape = self.controller.shape
        self._set_architecture(shape.layers, shape.activation_names, shape.loss_name)
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
            x, y = self.controller.next_batch()  # copies; the trainer is left as it is
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

    @qt_virtual("ChainRulePanel: showing failed")
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
            nodes, edges = path_highlight(self.rule)  # lesson-file indexing (from 1)
            self.canvas.set_highlight(*Highlight(nodes, edges).zero_based())
            self._highlight_set = True
        elif self._highlight_set:
            self.canvas.set_highlight()
            self._highlight_set = False
