"""The one drawing path: the canvas and the plots, fed from frozen states.

The main window and the exporter both hold a ViewSet and call the same methods
(``show_snapshot`` for training, ``show_phase`` for a phase of a step, ``show_lesson_state``
for a lesson step), so an exported frame is drawn by exactly the code that draws the window.

The data plot shows the 2-D input plane when the raw data is 2-D, and the 1-D line (x
against the target and the prediction) when the network has one input. Image data (a
Dataset with an image_shape) has the digit panel (weights, confusion matrix, mistakes) in
its place, and the canvas draws the input layer as the traced sample's image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.app.frame import Frame, compute_frame, data_extent, data_row, line_extent
from nnviz.app.image_views import raw_pixels
from nnviz.app.history import History
from nnviz.app.lesson_view import LessonView
from nnviz.app.problem import NetworkShape
from nnviz.app.stepping import PhaseView
from nnviz.draw.network_labels import sample_note
from nnviz.engine.network import Network
from nnviz.engine.trainer import Snapshot


@dataclass
class ViewSet:
    canvas: object  # NetworkCanvas
    boundary: object | None = None  # BoundaryPlot (plots may be built later)
    loss: object | None = None  # LossPlot
    activation: object | None = None  # ActivationPlot
    digits: object | None = None  # DigitPanel: in the data plot's place for image data
    network: Network | None = None  # a display copy: never the trainer's live network
    dataset: object | None = None
    extent: tuple[float, float, float, float] | None = None  # the 2-D input plane shown
    line_extent: tuple[float, float, float, float] | None = None  # a 1-input network's x and targets
    frame: Frame | None = None
    activation_layer: int = 0
    z_held_back: bool = False  # a lesson question is open: no layer's z histogram is shown
    _plotted_problem: tuple = field(default=())

    @property
    def has_plots(self) -> bool:
        return self.loss is not None

    def set_plots(self, boundary, loss, activation, digits=None) -> None:
        self.boundary, self.loss, self.activation, self.digits = boundary, loss, activation, digits
        self._plotted_problem = ()

    @property
    def image_shape(self) -> tuple[int, int] | None:
        """(rows, cols) when the shown data is images that the network takes as its inputs."""
        data, net = self.dataset, self.network
        usable = data is not None and net is not None and data.x_train.shape[1] == net.layers[0]
        return data.image_shape if usable else None

    def set_problem(self, shape: NetworkShape, dataset, input_names=None) -> None:
        """A new architecture or dataset: the canvas layout, the data points, the extent."""
        layers, activation_names = shape.layers, shape.activation_names
        self.network = Network(layers, activation_names, shape.loss_name)
        self.z_held_back = False  # a lesson step sets it again (show_lesson_state)
        self.dataset = dataset
        usable = dataset is not None and dataset.x_train.shape[1] == layers[0]
        two_d = usable and dataset.raw_train.shape[1] == 2
        self.extent = data_extent(np.vstack([dataset.raw_train, dataset.raw_test])) if two_d else None
        self.line_extent = self._line_extent(dataset)
        names = input_names or (dataset.feature_names if usable else tuple(f"x{i + 1}" for i in range(layers[0])))
        image_shape = dataset.image_shape if usable else None
        digits = image_shape is not None and dataset.num_classes == layers[-1]  # outputs named 0–9, with bars
        classes = tuple(f"{k:g}" for k in dataset.class_labels) if digits else None
        self.canvas.set_architecture(layers, activation_names, names, image_shape=image_shape, class_names=classes)
        self.activation_layer = min(self.activation_layer, len(layers) - 2)
        self._plotted_problem = ()
        self._setup_plots()

    @staticmethod
    def _line_extent(dataset) -> tuple[float, float, float, float] | None:
        """A 1-input problem's data plot is the 1-D line over this extent; else None."""
        return line_extent(dataset) if dataset is not None and dataset.x_train.shape[1] == 1 else None

    def _setup_plots(self) -> None:
        key = (id(self.dataset), self.extent)
        if not self.has_plots or self._plotted_problem == key:
            return
        data, plot = self.dataset, self.boundary
        self.line_extent = self._line_extent(data)  # also when a lesson step set the data alone
        images = data is not None and data.image_shape is not None
        plot.setVisible(not images and (self.extent is not None or self.line_extent is not None))
        if self.digits is not None:
            self.digits.setVisible(images)
            self.digits.set_dataset(data if images else None)
        plot.show_line(self.line_extent is not None)
        plot.set_marker(None)
        plot.line.set_marker(None)
        if self.line_extent is not None:  # one input: x against the target and the prediction
            plot.line.set_points(data.x_train[:, 0], data.y_train, data.x_test[:, 0], data.y_test,
                                 data.task, data.num_classes, data.feature_names[0])
            plot.line.set_x_range(*self.line_extent[:2])
        elif self.extent is not None:
            plot.set_extent(*self.extent)
            plot.set_points(data.raw_train, data.y_train, data.raw_test, data.y_test,
                            data.task, data.num_classes)
        self._plotted_problem = key
        self.show_activation(self.activation_layer)

    def show_params(self, params: np.ndarray, grad_weights=None, plots: bool = True) -> Frame | None:
        """The network at ``params`` (flat): edges, biases, thumbnails, and (with ``plots``)
        the decision boundary and the activation histogram. On image data without ``plots``
        (a frame while playing) only the canvas takes them: ``network`` keeps the parameters
        of the last frame with plots, which is what its readers (the plots) show."""
        net = self.network
        if self.image_shape is not None and not plots:  # the canvas draws no thumbnails of a frame on images
            layout = net.layout  # views into the (frozen) snapshot's vector: the canvas copies what it keeps
            self.canvas.set_weights(layout.weights(params), layout.biases(params), grad_weights)
            return self.frame
        net.set_params(params)
        self.canvas.set_weights(net.weights, net.biases, grad_weights)
        self.frame = None
        if self.dataset is not None and self.dataset.x_train.shape[1] == net.layers[0]:
            with np.errstate(all="ignore"):
                self.frame = compute_frame(net, self.dataset, self.extent, self.line_extent)
            self.canvas.set_frame(self.frame)
        if plots:
            self.update_plots()
        return self.frame

    def update_plots(self) -> None:
        if not self.has_plots or self.frame is None:
            return
        self._setup_plots()
        if self.frame.line is not None:
            self.boundary.line.set_prediction(*self.frame.line)
        elif self.frame.field is not None:
            self.boundary.set_field(self.frame.field)
        if self.digits is not None and self.image_shape is not None:
            self.digits.set_network(self.network)
        self._show_histogram()

    def show_activation(self, layer: int) -> None:
        """The activation panel shows layer ``layer`` (0-based over non-input layers)."""
        self.activation_layer = layer
        if not self.has_plots or self.network is None:
            return
        names = self.network.activation_names
        layer = min(layer, len(names) - 1)
        label = "output layer" if layer == len(names) - 1 else f"hidden layer {layer + 1}"
        self.activation.set_activation(names[layer], f"{label} ({names[layer]})")
        self._show_histogram()

    def _show_histogram(self) -> None:
        """The chosen layer's z over the training data; none while a lesson question holds
        the z back (whichever layer is chosen)."""
        frame = self.frame
        if not self.has_plots:
            return
        if self.z_held_back:
            self.activation.clear_z_values()
        elif frame is not None and self.activation_layer < len(frame.z_train):
            self.activation.set_z_values(frame.z_train[self.activation_layer].ravel())

    def show_snapshot(self, snap: Snapshot, history: History | None = None, plots: bool = True) -> None:
        """A training snapshot: the canvas always; with ``plots`` the boundary and the
        activation histogram, and the loss curves from ``history`` when given."""
        self.show_params(snap.params, snap.grad_weights if snap.step else None, plots=plots)
        if plots and history is not None:
            self.show_history(history)

    def show_phase(self, view: PhaseView | None, animate: bool = True) -> None:
        """A phase of a step (None: none): the canvas animates it (not when only the
        chosen sample of the same phase changed) and the data plot rings that sample."""
        shown = self.canvas.phase
        same = view is not None and shown is not None and view.phase == shown.phase and view.trace is shown.trace
        self.canvas.set_phase(view, animate=animate and not same)
        self._show_input_image(view)
        self._ring_sample(view)

    def _show_input_image(self, view: PhaseView | None) -> None:
        """Image data: the input layer shows the phase's sample as its image (raw intensities)."""
        shape = self.image_shape
        if shape is None:
            return
        shown = view is not None and view.trace.x.shape[1] == shape[0] * shape[1]
        self.canvas.set_input_image(raw_pixels(self.dataset, view.trace.x[view.shown]) if shown else None)

    def _ring_sample(self, view: PhaseView | None) -> None:
        """Ring the phase's shown sample in the data plot, its target and loss written above
        it; only when the step follows a sample (``PhaseView.traced``): after a plain
        mini-batch or epoch step no sample is ringed."""
        if not self.has_plots:
            return
        plot, data = self.boundary, self.dataset
        plot.set_marker(None)
        plot.line.set_marker(None)
        if view is None or not view.traced or data is None or view.trace.x.shape[1] != data.x_train.shape[1]:
            return
        x = view.trace.x[view.shown]
        text = sample_note(view)  # its forms, longest first: the plot shows the one that fits
        if self.line_extent is not None:
            target = view.sample_target
            plot.line.set_marker(float(x[0]), 0.0 if target is None else target, text)
        elif self.extent is not None:
            row = data_row(data, x)
            if row is not None:
                plot.set_marker(data.raw_train[row], text)

    def show_lesson_state(self, view: LessonView, animate: bool = True) -> bool:
        """A lesson step (see app.lesson_view), and nothing from outside the lesson: no dead
        marks, and the highlight is the step's own. A step with no network yet hides the
        canvas and shows only its data (False is returned: the caller captions the gap)."""
        canvas = self.canvas
        canvas.set_dead(())  # dead-neuron marks belong to the free session's instrument
        canvas.setVisible(view.shape is not None)
        if view.shape is None:
            canvas.set_phase(None)
            canvas.set_highlight()
            self.frame = None
            if self.has_plots:
                data = view.dataset
                two_d = data is not None and data.raw_train.shape[1] == 2
                self.dataset, self._plotted_problem = data, ()
                self.extent = data_extent(np.vstack([data.raw_train, data.raw_test])) if two_d else None
                self._setup_plots()  # the data points alone
                self.boundary.clear_field()
                if self.digits is not None:
                    self.digits.set_network(None)  # no network yet: no earlier step's weights
                self.loss.setVisible(False)
                self.activation.setVisible(False)
            return False
        self.set_problem(view.shape, view.dataset)
        self.z_held_back = view.hidden  # the histogram would show the z a question holds back
        self.show_params(view.params)
        if view.highlight is not None:
            canvas.set_highlight(*view.highlight.zero_based())
        if self.has_plots:
            self.activation.setVisible(True)
            if self.frame is None and view.sample_z is not None:  # no dataset: the traced sample's z
                self.activation.set_z_values(view.sample_z)  # (None while a question holds it back)
            elif self.frame is None:
                self.activation.clear_z_values()
            self.loss.setVisible(view.history is not None or bool(view.compare))  # no empty axes
            if view.compare:
                self.loss.set_comparison(view.compare)
            elif view.history is not None:
                self.loss.set_history(np.arange(len(view.history), dtype=float), view.history)
        if view.progress < 1.0:  # stopped before the layer a question asks about
            canvas.set_phase(view.phase, animate=False)
            canvas.set_phase_progress(view.progress)
        else:
            canvas.set_phase(view.phase, animate=animate)
        self._show_input_image(view.phase)
        return True

    def show_history(self, history: History) -> None:
        """Loss and accuracy curves (accuracy as %; test curves when there is test data)."""
        if not self.has_plots or self.dataset is None:
            return
        classification = self.dataset.task != "regression"
        has_test = len(self.dataset.x_test) > 0
        h = history
        self.loss.set_history(h.epoch, h.train_loss, h.test_loss if has_test else None,
                              100 * h.train_acc if classification else None,
                              100 * h.test_acc if classification and has_test else None)
