"""The control panel: every choice of the Problem, plus Play/Step/Reset and the run's numbers.

It only reads and writes a Problem: ``set_problem`` fills the widgets (without echo),
user edits emit ``problemEdited(Problem)``; the controller decides what that means.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget,
)

from nnviz.engine.activations import HIDDEN_ACTIVATIONS
from nnviz.engine.datasets import BUILTIN_NAMES, FEATURE_NAMES, IMAGE_SET_NAMES
from nnviz.engine.initializers import INITIALIZERS
from nnviz.engine.losses import LOSSES
from nnviz.engine.optimizers import OPTIMIZERS
from nnviz.app.problem import Problem

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DATASET_LABELS = {
    "lecture": "Lecture table (IQ, hours)", "xor": "XOR", "circles": "Circles", "gaussians": "Two gaussians",
    "spiral": "Spiral", "moons": "Moons", "blobs": "3 blobs (3 classes)",
    "regression_plane": "Regression: plane", "regression_gaussians": "Regression: gaussians",
    "digits": "Handwritten digits (8×8)",
}
GRANULARITY_LABELS = {"phase": "one phase", "sample": "one sample", "batch": "one mini-batch", "epoch": "one epoch"}
COMBO_CHARS = 10  # a combo box may shrink to this many characters (a long entry is elided): the panel stays narrow
FEATURES_PER_ROW = 3


def _combo(items, labels=None) -> QComboBox:
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(COMBO_CHARS)
    for item in items:
        box.addItem((labels or {}).get(item, str(item)), item)
    return box


def _select(box: QComboBox, value) -> None:
    i = box.findData(value)
    if i < 0:
        box.addItem(str(value), value)
        i = box.count() - 1
    box.setCurrentIndex(i)


class ControlPanel(QWidget):
    problemEdited = Signal(object)
    granularityChanged = Signal(str)
    speedChanged = Signal(int)  # animation milliseconds per phase
    phaseSampleChanged = Signal(int)  # the batch row (0-based) a phase's nodes show

    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self._problem = Problem()
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        run = QGroupBox("Run")
        run_layout = QVBoxLayout(run)
        buttons = QHBoxLayout()
        for key in ("play", "step", "reset"):
            button = QPushButton()
            button.setObjectName(f"button_{key}")
            action = actions[key]
            button.clicked.connect(action.trigger)
            button.setToolTip(f"{action.text().replace('&', '')} ({action.shortcut().toString()})")
            _sync_button(button, action)
            action.changed.connect(lambda b=button, a=action: _sync_button(b, a))
            buttons.addWidget(button)
        run_layout.addLayout(buttons)
        self.status = QLabel("epoch 0")
        self.status.setObjectName("run_status")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)  # its numbers grow while training: they wrap, the panel keeps its width
        run_layout.addWidget(self.status)
        step_form = QFormLayout()
        self.granularity = _combo(GRANULARITY_LABELS, GRANULARITY_LABELS)
        self.granularity.setCurrentIndex(2)
        self.granularity.currentIndexChanged.connect(lambda: self.granularityChanged.emit(self.granularity.currentData()))
        step_form.addRow("Step does", self.granularity)
        self.phase_sample = QSpinBox(minimum=1, maximum=1, prefix="sample ", suffix=" of 1")
        self.phase_sample.setObjectName("phase_sample")
        self.phase_sample.setToolTip("Which sample of the batch the nodes show during a phase "
                                     "(the edges show the whole batch's ∂L/∂w)")
        self.phase_sample.setEnabled(False)
        self.phase_sample.valueChanged.connect(lambda v: self.phaseSampleChanged.emit(v - 1))
        step_form.addRow("Nodes show", self.phase_sample)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, 3000)
        self.speed.setValue(900)
        self.speed.setToolTip("Animation time per phase (0 = no animation)")
        self.speed.valueChanged.connect(self.speedChanged.emit)
        step_form.addRow("Animation", self.speed)
        run_layout.addLayout(step_form)
        layout.addWidget(run)

        data = QGroupBox("Data")
        form = QFormLayout(data)
        self.dataset = _combo(BUILTIN_NAMES, DATASET_LABELS)
        form.addRow("Dataset", self.dataset)
        self.noise = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=1.0, singleStep=0.05)
        form.addRow("Noise", self.noise)
        self.test_fraction = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.9, singleStep=0.1)
        form.addRow("Test fraction", self.test_fraction)
        self.samples = QSpinBox(minimum=10, maximum=5000, singleStep=50)
        form.addRow("Samples", self.samples)
        self.feature_boxes = {}
        for name in FEATURE_NAMES:
            box = QCheckBox(name)
            self.feature_boxes[name] = box
            box.toggled.connect(self._edited)
        form.addRow("Features", _wrap_rows(list(self.feature_boxes.values()), FEATURES_PER_ROW))
        self.standardize = QCheckBox("standardize (z-score)")
        form.addRow("", self.standardize)
        layout.addWidget(data)

        net = QGroupBox("Network")
        form = QFormLayout(net)
        self.activation = _combo(HIDDEN_ACTIVATIONS)
        form.addRow("Activation", self.activation)
        self.output_activation = _combo(("sigmoid", "tanh", "linear", "softmax"))
        form.addRow("Output", self.output_activation)
        self.loss = _combo(LOSSES)
        form.addRow("Loss", self.loss)
        self.init = _combo(INITIALIZERS)
        form.addRow("Initializer", self.init)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1)
        form.addRow("Seed", self.seed)
        layout.addWidget(net)

        train = QGroupBox("Training")
        form = QFormLayout(train)
        self.optimizer = _combo(OPTIMIZERS)
        form.addRow("Optimizer", self.optimizer)
        self.learning_rate = _combo(LEARNING_RATES, {v: f"{v:g}" for v in LEARNING_RATES})
        form.addRow("Learning rate", self.learning_rate)
        self.batch_size = QSpinBox(minimum=1, maximum=5000)
        form.addRow("Batch size", self.batch_size)
        self.regularization = _combo(("none", "L1", "L2"))
        form.addRow("Regularization", self.regularization)
        self.reg_rate = _combo((0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0), None)
        form.addRow("Reg. rate", self.reg_rate)
        layout.addWidget(train)
        layout.addStretch(1)

        for box in (self.dataset, self.activation, self.output_activation, self.loss, self.init,
                    self.optimizer, self.learning_rate, self.regularization, self.reg_rate):
            box.currentIndexChanged.connect(self._edited)
        for spin in (self.noise, self.test_fraction, self.samples, self.seed, self.batch_size):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._edited)
        self.standardize.toggled.connect(self._edited)

    # ---- problem in and out ----------------------------------------------------------------------

    def set_problem(self, problem: Problem) -> None:
        self._filling = True
        try:
            self._problem = problem
            if problem.dataset in ("csv", "idx"):  # an imported file: one entry named after it
                i = self.dataset.findData(problem.dataset)
                label = (f"CSV: {problem.csv_name}" if problem.dataset == "csv"
                         else f"MNIST: {Path(problem.data_path).name}")
                self.dataset.addItem(label, problem.dataset) if i < 0 else self.dataset.setItemText(i, label)
            _select(self.dataset, problem.dataset)
            images = problem.dataset == "idx" or problem.dataset in IMAGE_SET_NAMES
            for widget in (self.noise, self.samples, *self.feature_boxes.values()):
                widget.setEnabled(not images)  # image data: every image, its pixels as the inputs
            self.noise.setValue(problem.noise)
            self.test_fraction.setValue(problem.test_fraction)
            self.samples.setValue(problem.samples)
            for name, box in self.feature_boxes.items():
                box.setChecked(name in problem.features)
            self.standardize.setChecked(problem.standardize)
            _select(self.activation, problem.activation)
            _select(self.output_activation, problem.output_activation)
            _select(self.loss, problem.loss)
            _select(self.init, problem.init)
            self.seed.setValue(problem.seed)
            cfg = problem.train
            _select(self.optimizer, cfg.optimizer)
            _select(self.learning_rate, cfg.learning_rate)
            self.batch_size.setValue(cfg.batch_size)
            kind = "L1" if cfg.l1 else "L2" if cfg.l2 else "none"
            _select(self.regularization, kind)
            _select(self.reg_rate, cfg.l1 or cfg.l2)
        finally:
            self._filling = False

    def problem(self) -> Problem:
        features = tuple(n for n, box in self.feature_boxes.items() if box.isChecked()) or ("x1", "x2")
        kind = self.regularization.currentData()
        rate = float(self.reg_rate.currentData())
        train = replace(self._problem.train, optimizer=self.optimizer.currentData(),
                        learning_rate=float(self.learning_rate.currentData()),
                        batch_size=int(self.batch_size.value()),
                        l1=rate if kind == "L1" else 0.0, l2=rate if kind == "L2" else 0.0)
        return replace(self._problem, dataset=self.dataset.currentData(), noise=round(self.noise.value(), 4),
                       test_fraction=round(self.test_fraction.value(), 4), samples=int(self.samples.value()),
                       features=features, standardize=self.standardize.isChecked(),
                       activation=self.activation.currentData(), output_activation=self.output_activation.currentData(),
                       loss=self.loss.currentData(), init=self.init.currentData(), seed=int(self.seed.value()),
                       train=train)

    def _edited(self, *_) -> None:
        if not self._filling:
            self.problemEdited.emit(self.problem())

    def set_status(self, html: str) -> None:
        self.status.setText(html)

    def set_phase_samples(self, count: int, current: int = 0) -> None:
        """A phase of a batch of ``count`` samples shows row ``current`` (0-based): the sample
        selector follows, enabled only for a batch of more than one (no echo)."""
        spin = self.phase_sample
        spin.blockSignals(True)
        spin.setMaximum(max(count, 1))
        spin.setSuffix(f" of {max(count, 1)}")
        spin.setValue(current + 1)
        spin.setEnabled(count > 1)
        spin.blockSignals(False)


def _sync_button(button: QPushButton, action) -> None:
    button.setText(action.text().replace("&", ""))
    button.setIcon(action.icon())
    button.setEnabled(action.isEnabled())


def _wrap_rows(widgets, per_row: int) -> QWidget:
    holder = QWidget()
    outer = QVBoxLayout(holder)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(2)
    for start in range(0, len(widgets), per_row):
        row = QHBoxLayout()
        row.setSpacing(6)
        for w in widgets[start:start + per_row]:
            row.addWidget(w)
        row.addStretch(1)
        outer.addLayout(row)
    return holder
