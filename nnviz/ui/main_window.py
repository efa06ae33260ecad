"""The main window: controls on the left, the network in the centre, plots on the right.

The window is the shell: it lays the widgets out, keeps the settings and the theme, and
turns the controller's frozen states into pictures through the ViewSet (draw.views).
Files live in ui.file_actions, lesson mode in ui.lesson_mode, the instruments in ui.docks.

Room: the three columns (left panel, network, plots) each keep their minimum width at the
current font (presentation scale makes it 1.5× larger); when the window is too narrow for
all three, the left panel is collapsed (View → Controls, or the toolbar button, brings it
back, and the plots make way for it), so no control is ever cut off.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication, QComboBox, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QMessageBox,
)

from nnviz import __version__
from nnviz.app.problem import Problem
from nnviz.app.training import snapshot_parts
from nnviz.draw.theme import theme_named
from nnviz.draw.virtuals import qt_virtual
from nnviz.engine.errors import NnvizError
from nnviz.ui.actions import FREE_KEYS, LESSON_KEYS, build_actions, set_play_icon
from nnviz.ui.columns import ColumnFitter, fit_to_screen
from nnviz.ui.after_paint import AfterPaint
from nnviz.ui.controller import SessionController
from nnviz.ui.window_layout import build_central, build_menus
from nnviz.ui.docks import InstrumentDocks
from nnviz.ui.file_actions import FileActions
from nnviz.ui.first_start import FirstStartBanner
from nnviz.ui.help import show_guide, show_shortcuts
from nnviz.ui.layer_bar import edited_hidden
from nnviz.ui.lesson_mode import LessonMode
from nnviz.ui.palette import apply_palette
from nnviz.ui.settings import Settings
from nnviz.ui.window_settings import restore_view_settings, save_view_settings, stored_problem

log = logging.getLogger(__name__)
PRESENTATION_SCALE = 1.5
AUTOSAVE_MS = 60_000  # the session is saved this often, and on close
PLOT_INTERVAL = 1 / 12  # seconds between plot updates while training plays
IMAGE_PLOT_INTERVAL = 1 / 4  # … on image data (weight images, z histogram, curves); the canvas keeps the pace
PLOT_MIN_SIZE = (180, 120)  # px: each plot of the right-hand column keeps at least this
LOSS_MIN_HEIGHT = 150  # px: the loss plot stacks two (loss, accuracy) under a title row


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, model_path: str | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowTitle("nnviz")
        self.controller = SessionController(stored_problem(self.settings))
        self.controller.after_shown = AfterPaint(self).call  # the worker trains on once the frame is painted
        self.frames_painted = 0
        self._plots_shown_at = 0.0
        self._history_shown: tuple = ()  # (rows, last epoch, last train loss) of the curves drawn last
        self._base_point_size = QApplication.font().pointSizeF()
        self.boundary_plot = self.loss_plot = self.activation_plot = self.digit_panel = None

        self.actions_ = build_actions(self, self._callbacks())
        build_menus(self)
        build_central(self)
        self.canvas.painted.connect(self._after_first_paint)
        self.status_label.setText("paused")
        self.transport.rateShown.connect(self.status_label.setText)  # one meter: the bar's epochs/s figure
        fit_to_screen(self)
        self.columns = ColumnFitter(self.splitter, self.left, self.centre, self.plots_column, self.lesson_panel,
                                    self.controls_action)
        self.docks = InstrumentDocks(self, self.canvas)
        self.lessons = LessonMode(self)
        self.files = FileActions(self, self.controller, self.settings, self.recent_menu)
        self.set_lesson_layout(False)
        self._connect()
        restore_view_settings(self)
        self.show_session()
        self.files.restore_autosave()
        self.autosave_timer = QTimer(self, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        if model_path:
            self.files.open_file(model_path)  # a model, or a session (.nnviz)
        self.first_start = FirstStartBanner.show_if_first(self)  # where to begin, once

    # ---- construction ----------------------------------------------------------------------------

    def _callbacks(self):
        c = self.controller
        return {
            "open": lambda: self.files.open_model_dialog(), "save": lambda: self.files.save_model_dialog(),
            "quit": self.close, "export": self.export_dialog,
            "open_session": lambda: self.files.open_session_dialog(),
            "save_session": lambda: self.files.save_session_dialog(),
            "import_csv": lambda: self.files.import_csv_dialog(),
            "play": lambda: self.transport.play(), "step": lambda: self.transport.step(),
            "step_back": lambda: self.transport.step_back(), "undo": c.undo, "redo": c.redo, "reset": c.reset,
            "add_layer": lambda: self.edit_hidden(+1, None), "remove_layer": lambda: self.edit_hidden(-1, None),
            "zoom_in": lambda: self.canvas.zoom_in(), "zoom_out": lambda: self.canvas.zoom_out(),
            "reset_view": lambda: self.canvas.reset_view(),
            "all_edges": lambda on: self.canvas.set_show_all_edges(on),
            "log_scale": lambda on: self.plots_ready and self.loss_plot.set_log_scale(on),
            "dark": lambda on: self.apply_theme("dark" if on else "light"),
            "presentation": self.set_presentation, "fullscreen": self.set_fullscreen,
            "about": self.about, "guide": lambda: show_guide(self), "shortcuts": lambda: show_shortcuts(self),
            "open_lesson": lambda: self.lessons.open_dialog(),
            "lesson_next": lambda: self.lesson_panel.go_next(),
            "lesson_prev": lambda: self.lesson_panel.go_previous(),
            "lesson_first": lambda: self.lesson_panel.go_first(),
            "lesson_last": lambda: self.lesson_panel.go_last(),
            "blank": lambda on: self.lessons.set_blank(on), "leave_lesson": lambda: self.lessons.leave(),
        }

    @property
    def plots_ready(self) -> bool:
        return self.loss_plot is not None

    def _after_first_paint(self) -> None:
        """The window has been painted once: now build what can wait (plots, instruments)."""
        self.canvas.painted.disconnect(self._after_first_paint)
        QTimer.singleShot(0, self.build_plots)

    def build_plots(self) -> None:
        """Create the plot column (boundary, loss, activation) and fill it with the current state."""
        if self.plots_ready:
            return
        import superqt.utils  # noqa: F401 - warm the training worker's import before Play is pressed

        from nnviz.draw.plots import ActivationPlot, BoundaryPlot, LossPlot
        from nnviz.draw.plots.digit_panel import DigitPanel

        theme = self.theme
        self.boundary_plot = BoundaryPlot(theme=theme)
        self.digit_panel = DigitPanel(theme)
        self.digit_panel.set_live(True)  # a big set's confusion matrix does not hold up training
        self.digit_panel.hide()  # image data only: it takes the data plot's place
        self.digit_panel.sampleChosen.connect(self.trace_chosen_image)
        self.loss_plot = LossPlot(theme=theme)
        self.activation_plot = ActivationPlot(theme=theme)
        layout = self.plots_layout
        layout.addWidget(self.boundary_plot, 4)
        layout.addWidget(self.digit_panel, 8)  # images: the grid, matrix and gallery need room more than the curves
        layout.addWidget(self.loss_plot, 5)
        row = QHBoxLayout()
        row.addWidget(QLabel("Activation of"))
        row.addWidget(self.activation_layer, 1)
        layout.addLayout(row)
        layout.addWidget(self.activation_plot, 4)
        for plot in (self.boundary_plot, self.activation_plot, self.digit_panel):  # the docks never squash a plot
            plot.setMinimumSize(*PLOT_MIN_SIZE)
        self.loss_plot.setMinimumSize(PLOT_MIN_SIZE[0], LOSS_MIN_HEIGHT)
        self._scale_plots()
        self.loss_plot.set_log_scale(self.actions_["log_scale"].isChecked())
        self.loss_plot.logScaleChanged.connect(self.actions_["log_scale"].setChecked)
        self.views.set_plots(self.boundary_plot, self.loss_plot, self.activation_plot, self.digit_panel)
        self.docks.build(self.controller, theme, self.instruments_menu)
        self.docks.panels["dead_neurons"].problemRequested.connect(self.controller.set_problem)  # leaky ReLU
        state = self.settings.get("window_state")
        if state:
            self.restoreState(state)  # the docks as they were left
        if self.lessons.active:  # opened before the docks existed: they are put away now
            self.docks.set_lesson_mode(True)
            self.lessons.show_state()
            self.fit_columns()
            return
        self._update_plots()
        self.fit_columns()  # the plot column has its minimum width now

    def _connect(self) -> None:
        c = self.controller
        c.problemChanged.connect(self._on_problem)
        c.snapshotChanged.connect(self._on_snapshot)
        c.runningChanged.connect(self._on_running)
        c.phaseChanged.connect(self._on_phase)
        c.diverged.connect(self._on_diverged)
        c.errorOccurred.connect(self.show_error)
        self.controls.problemEdited.connect(c.set_problem)
        self.controls.granularityChanged.connect(c.set_granularity)
        self.controls.phaseSampleChanged.connect(c.set_phase_sample)
        self.controls.speedChanged.connect(self.canvas.set_animation_speed)
        self.canvas.weightClicked.connect(self.edit_weight)
        self.layer_bar.edited.connect(self.edit_hidden)
        self.activation_layer.currentIndexChanged.connect(self._on_activation_layer)

    # ---- controller → views ----------------------------------------------------------------------

    def show_session(self) -> None:
        """The views show the controller's session (after start-up or a lesson)."""
        self._on_problem(self.controller.problem)
        self._on_snapshot(self.controller.snapshot)
        self.canvas.set_phase(None)

    def _on_problem(self, problem: Problem) -> None:
        c = self.controller
        self.controls.set_problem(problem)
        self.controls.granularity.setCurrentIndex(self.controls.granularity.findData(c.granularity))
        if self.lessons.active:
            return  # the lesson drives the views
        self.views.set_problem(c.shape, c.dataset)
        self.fill_activation_layers(c.shape.activation_names)
        self.layer_bar.set_hidden(problem.hidden)
        self.banner.hide()
        self.setWindowTitle(f"nnviz — {Path(c.model_path).name}" if c.model_path else "nnviz")

    def fill_activation_layers(self, activation_names) -> None:
        self.activation_layer.blockSignals(True)
        self.activation_layer.clear()
        for l, name in enumerate(activation_names):
            label = "output layer" if l == len(activation_names) - 1 else f"hidden layer {l + 1}"
            self.activation_layer.addItem(f"{label} ({name})", l)
        self.activation_layer.setCurrentIndex(0)
        self.activation_layer.blockSignals(False)
        self.views.show_activation(0)

    def _on_snapshot(self, snap) -> None:
        if self.lessons.active:
            return  # the lesson drives the views
        if snap is None or tuple(snap.layers) != self.controller.shape.layers:
            return
        now = time.perf_counter()
        # while playing, the plots follow at a lower rate than the canvas: they cost the most to paint
        interval = PLOT_INTERVAL if self.views.image_shape is None else IMAGE_PLOT_INTERVAL
        plots = not self.controller.running or snap.stopped or now - self._plots_shown_at >= interval
        history = None
        if plots:
            self._plots_shown_at = now
            history = self.controller.history()
            n = len(history.epoch)
            key = (n, history.epoch[-1], history.train_loss[-1]) if n else (0,)
            if key == self._history_shown and self.controller.running:
                history = None  # no new point (a big set is evaluated about once a second): nothing to redraw
            else:
                self._history_shown = key
        self.views.show_snapshot(snap, history, plots=plots)
        if plots:  # the status line's rich text relays the side panel out: at the plots' pace
            self._update_status(snap)
        self.frames_painted += 1

    def _update_plots(self) -> None:
        if self.plots_ready:
            self.views.update_plots()
            self.views.show_history(self.controller.history())

    def _update_status(self, snap) -> None:
        epoch, step, *rest = snapshot_parts(snap)
        self.controls.set_status("<br>".join([f"<b>{epoch}</b> · {step}", *rest]))

    def _on_running(self, running: bool) -> None:
        set_play_icon(self.actions_["play"], running, self)
        if running:
            self.banner.hide()
        elif self.controller.snapshot is not None and not self.lessons.active:
            self._update_status(self.controller.snapshot)  # while playing it followed the plots' pace

    def _on_phase(self, view) -> None:
        traced = view is not None and view.traced  # a plain mini-batch step follows no sample: nothing to pick
        self.controls.set_phase_samples(view.batch if traced else 0, view.shown if traced else 0)
        if not self.lessons.active:
            self.views.show_phase(view)  # the canvas, and the sample ringed in the data plot

    def trace_chosen_image(self, index: int) -> None:
        """A gallery image was clicked: it becomes the traced sample (forward pass and δ). Not
        in a lesson: the panel shows the lesson's network there, not the session's."""
        if self.lessons.active:
            return
        c, part = self.controller, self.digit_panel.mistake_part
        x = c.dataset.x_test if part == "test" else c.dataset.x_train
        c.trace_sample(x[index], c.dataset.targets(part, c.network.layers[-1])[index])

    def _on_diverged(self, reason: str) -> None:
        self.banner.setText(f"⚠ {reason[0].upper()}{reason[1:]}. Lower it and press Reset (Ctrl+R).")
        self.banner.show()

    def _on_activation_layer(self) -> None:
        l = self.activation_layer.currentData()
        if l is not None:
            self.views.show_activation(l)

    # ---- user actions ----------------------------------------------------------------------------

    def edit_hidden(self, delta: int, layer: int | None) -> None:
        hidden = edited_hidden(self.controller.problem.hidden, delta, layer)
        if hidden is None:
            return
        try:
            self.controller.change_hidden(hidden)
        except NnvizError as exc:
            self.show_error(str(exc))

    def edit_weight(self, layer: int, row: int, col: int) -> None:
        if self.lessons.active:  # the canvas shows the lesson's network, not the session's
            return
        was_running = self.controller.running
        self.controller.pause()
        if not self.transport.confirm_continue():  # a recorded frame: edit it only to train on from it
            return
        current = float(self.controller.snapshot.weights[layer][row, col])
        value, ok = QInputDialog.getDouble(
            self, "Edit weight", f"w from node {col + 1} (layer {layer}) to node {row + 1} (layer {layer + 1}):",
            current, -100.0, 100.0, 4)
        if ok:
            self.controller.set_weight(layer, row, col, value)
        if was_running:
            self.controller.play()

    def export_dialog(self) -> None:
        from nnviz.ui.export_dialog import ExportDialog

        self.controller.pause()
        dialog = ExportDialog(self.controller.problem, self.lessons.lesson, self.theme.name,
                              self.settings.get("last_folder"), self)
        if dialog.exec() and dialog.written is not None:
            self.statusBar().showMessage(f"Exported {dialog.written}", 6000)
            self.settings.set("last_folder", str(Path(dialog.written).parent))

    def autosave(self) -> None:
        if not self.lessons.active:  # a lesson's network is not the user's session
            self.files.autosave()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "nnviz", message)

    # ---- look -----------------------------------------------------------------------------------

    @property
    def theme(self):
        return theme_named("dark" if self.actions_["dark"].isChecked() else "light")

    def apply_theme(self, name: str) -> None:
        theme = theme_named(name)
        apply_palette(theme)
        self.canvas.set_theme(theme)
        for plot in (self.boundary_plot, self.loss_plot, self.activation_plot, self.digit_panel):
            if plot is not None:
                plot.set_theme(theme)
        self.docks.set_theme(theme)

    @property
    def font_scale(self) -> float:
        return PRESENTATION_SCALE if self.actions_["presentation"].isChecked() else 1.0

    def set_presentation(self, on: bool) -> None:
        """Everything's text at PRESENTATION_SCALE (or back at 1): the widgets through the
        window's font, the lesson text, the canvas and the plots (pyqtgraph draws its own)."""
        scale = PRESENTATION_SCALE if on else 1.0
        font = QFont(QApplication.font())
        font.setPointSizeF(self._base_point_size * scale)
        self.setFont(font)
        for box in self.findChildren(QComboBox):  # a font change keeps a combo's old minimum size; a style change clears it
            QApplication.sendEvent(box, QEvent(QEvent.Type.StyleChange))
        self.lesson_panel.set_text_scale(scale)
        self.canvas.set_font_scale(scale)
        self._scale_plots()
        self.fit_columns()

    def _scale_plots(self) -> None:
        for plot in (self.boundary_plot, self.loss_plot, self.activation_plot):
            if plot is not None:
                plot.set_font_scale(self.font_scale)

    def fit_columns(self) -> None:
        self.columns.fit()

    def set_fullscreen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    def about(self) -> None:
        QMessageBox.about(self, "About nnviz", f"<b>nnviz {__version__}</b><p>See how a neural network learns.</p>")

    def set_lesson_layout(self, on: bool) -> None:
        """Lesson mode: the lesson panel replaces the controls, the layer bar goes, and the
        step keys (Space, →) step the lesson instead of the trainer."""
        self.left.setCurrentWidget(self.lesson_panel if on else self.left.widget(0))
        self.layer_bar.setVisible(not on)
        self.transport.setVisible(not on)
        for key in LESSON_KEYS:
            self.actions_[key].setEnabled(on)
        for key in FREE_KEYS:
            self.actions_[key].setEnabled(not on)
        self.fit_columns()  # a lesson keeps its text beside the network, however narrow the window

    # ---- Qt events ------------------------------------------------------------------------------

    @qt_virtual("MainWindow: resizing failed")
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.columns.fit_safely()
        if self.blank_overlay.isVisible():
            self.blank_overlay.setGeometry(self.rect())

    @qt_virtual("MainWindow: closing failed")
    def closeEvent(self, event) -> None:
        self.controller.shutdown()
        self.autosave_timer.stop()
        self.autosave()
        if self.lessons.active:  # the docks to remember are the free session's
            self.docks.set_lesson_mode(False)
        save_view_settings(self)
        self.settings.set("clean_exit", True)
        self.settings.sync()
        super().closeEvent(event)
