"""The main window: controls on the left, the network in the centre, plots on the right."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QMenu,
    QMessageBox, QScrollArea, QSplitter, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from nnviz import __version__
from nnviz.engine.errors import NnvizError
from nnviz.engine.model_io import load_model, save_model
from nnviz.ui.actions import FREE_KEYS, LESSON_KEYS, MENUS, TOOLBAR, build_actions, set_play_icon
from nnviz.draw.canvas import NetworkCanvas
from nnviz.ui.controller import SessionController
from nnviz.ui.controls import ControlPanel
from nnviz.ui.lesson_panel import LessonPanel
from nnviz.app.problem import Problem
from nnviz.paths import resource_dir
from nnviz.ui.settings import Settings
from nnviz.draw.views import ViewSet

log = logging.getLogger(__name__)
PRESENTATION_SCALE = 1.5
AUTOSAVE_MS = 60_000  # the session is saved this often, and on close
RECENT_FILES = 8
PLOT_INTERVAL = 1 / 12  # seconds between plot updates while training plays


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (the light theme is the style's own)."""
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#2b2d30",
        QPalette.ColorRole.ToolTipBase: "#3c3f41", QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#3c3f41",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.BrightText: "#ff6f6f",
        QPalette.ColorRole.Highlight: "#4fa3e0", QPalette.ColorRole.HighlightedText: "#1e1f22",
        QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    return p


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, model_path: str | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowTitle("nnviz")
        self.resize(1440, 880)
        self.controller = SessionController(self._stored_problem())
        self._rate_mark = (time.perf_counter(), 0)
        self.steps_per_second = 0.0
        self.frames_painted = 0
        self._plots_shown_at = 0.0

        self.actions_ = build_actions(self, self._callbacks())
        self._build_menus()
        self._build_central()
        self._connect()
        self._restore_view_settings()
        self._on_problem(self.controller.problem)
        self._on_snapshot(self.controller.snapshot)
        self._fill_recent_menu()
        self._restore_autosave()
        self.autosave_timer = QTimer(self, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        if model_path:
            self.open_model(model_path)

    # ---- construction ----------------------------------------------------------------------------

    def _callbacks(self):
        c = self.controller
        return {
            "open": self.open_model_dialog, "save": self.save_model_dialog, "quit": self.close,
            "export": self.export_dialog, "open_session": self.open_session_dialog,
            "save_session": self.save_session_dialog, "import_csv": self.import_csv_dialog,
            "play": c.toggle, "step": c.step, "reset": c.reset,
            "add_layer": lambda: self._edit_hidden(+1, None), "remove_layer": lambda: self._edit_hidden(-1, None),
            "zoom_in": lambda: self.canvas.zoom_in(), "zoom_out": lambda: self.canvas.zoom_out(),
            "reset_view": lambda: self.canvas.reset_view(),
            "all_edges": lambda on: self.canvas.set_show_all_edges(on),
            "log_scale": lambda on: self.plots_ready and self.loss_plot.set_log_scale(on),
            "dark": lambda on: self.apply_theme("dark" if on else "light"),
            "presentation": self.set_presentation, "fullscreen": self.set_fullscreen,
            "about": self.about,
            "open_lesson": self.open_lesson_dialog,
            "lesson_next": lambda: self.lesson_panel.go_next(),
            "lesson_prev": lambda: self.lesson_panel.go_previous(),
            "lesson_first": lambda: self.lesson_panel.go_first(),
            "lesson_last": lambda: self.lesson_panel.go_last(),
            "blank": self.set_blank, "leave_lesson": self.leave_lesson,
        }

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, keys in MENUS.items():
            menu = bar.addMenu(title)
            for key in keys:
                menu.addSeparator() if key is None else menu.addAction(self.actions_[key])
                if key == "save":
                    self.recent_menu = menu.addMenu("Open &recent")
            if title == "&Lessons":  # the built-in lessons are read when the menu first opens
                menu.aboutToShow.connect(lambda m=menu: self._add_builtin_lessons(m))
        # Instruments (filled once the plots exist) goes before Help
        self.instruments_menu = QMenu("&Instruments", self)
        bar.insertMenu(bar.actions()[-1], self.instruments_menu)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for key in TOOLBAR:
            toolbar.addSeparator() if key is None else toolbar.addAction(self.actions_[key])

    def _build_central(self) -> None:
        self.controls = ControlPanel(self.actions_)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lesson_panel = LessonPanel()
        self.left = QStackedWidget()
        self.left.addWidget(scroll)
        self.left.addWidget(self.lesson_panel)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        self.banner = QLabel()
        self.banner.setObjectName("divergence_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #b3261e; color: white; padding: 8px 12px; font-weight: bold; }")
        self.banner.hide()
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self._build_layer_bar())
        self.canvas = NetworkCanvas()
        self.canvas.painted.connect(self._after_first_paint)
        self.views = ViewSet(self.canvas)
        centre_layout.addWidget(self.canvas, 1)

        # The plots (pyqtgraph) are built right after the window's first paint: importing
        # pyqtgraph costs ~0.35 s, so the window shows up without waiting for it.
        plots = QWidget()
        self.plots_layout = QVBoxLayout(plots)
        self.plots_layout.setContentsMargins(4, 4, 4, 4)
        self.boundary_plot = self.loss_plot = self.activation_plot = None
        self.activation_layer = QComboBox()
        self.activation_layer.setObjectName("activation_layer")

        self.splitter = QSplitter()
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(plots)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([310, 700, 430])
        self.setCentralWidget(self.splitter)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.blank_overlay = QWidget(self)
        self.blank_overlay.setObjectName("blank_overlay")
        self.blank_overlay.setStyleSheet("background: black;")
        self.blank_overlay.hide()
        self.lesson = None
        self.lesson_player = None
        self._set_lesson_keys(False)

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

        self.boundary_plot = BoundaryPlot()
        self.loss_plot = LossPlot()
        self.activation_plot = ActivationPlot()
        layout = self.plots_layout
        layout.addWidget(self.boundary_plot, 4)
        layout.addWidget(self.loss_plot, 5)
        row = QHBoxLayout()
        row.addWidget(QLabel("Activation of"))
        row.addWidget(self.activation_layer, 1)
        layout.addLayout(row)
        layout.addWidget(self.activation_plot, 4)
        self.loss_plot.set_log_scale(self.actions_["log_scale"].isChecked())
        self.loss_plot.logScaleChanged.connect(self.actions_["log_scale"].setChecked)
        self.apply_theme("dark" if self.actions_["dark"].isChecked() else "light")
        self.views.set_plots(self.boundary_plot, self.loss_plot, self.activation_plot)
        self._build_instruments()
        if self.lesson is not None:
            self._show_lesson_state(self.lesson_panel.index)
            return
        self._update_plots()

    def _build_instruments(self) -> None:
        """The teaching instruments as dock widgets (hidden at first; the Instruments menu
        shows them). Each is fed by the controller's snapshots, like the other views."""
        from PySide6.QtWidgets import QDockWidget

        from nnviz.ui.instruments.chain_rule_panel import ChainRulePanel
        from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel
        from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel
        from nnviz.ui.instruments.init_lab_panel import InitLabPanel
        from nnviz.ui.instruments.loss_panel import LossPanel
        from nnviz.ui.instruments.optimizer_panel import OptimizerPanel

        c = self.controller
        panels = {
            "chain_rule": ("Chain rule", ChainRulePanel(controller=c, canvas=self.canvas), "Ctrl+1"),
            "gradient_flow": ("Gradient flow", GradientFlowPanel(controller=c), "Ctrl+2"),
            "dead_neurons": ("Dead neurons", DeadNeuronPanel(controller=c, canvas=self.canvas), "Ctrl+3"),
            "init_lab": ("Initialization lab", InitLabPanel(controller=c), "Ctrl+4"),
            "optimizers": ("Optimizers", OptimizerPanel(controller=c), "Ctrl+5"),
            "losses": ("Loss functions", LossPanel(controller=c), "Ctrl+6"),
        }
        self.instruments = {}
        self.docks = {}
        menu = self.instruments_menu
        for key, (title, panel, shortcut) in panels.items():
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(panel)
            dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.hide()
            toggle = dock.toggleViewAction()
            toggle.setShortcut(shortcut)
            menu.addAction(toggle)
            self.instruments[key] = panel
            self.docks[key] = dock
        first = self.docks["chain_rule"]
        for dock in list(self.docks.values())[1:]:
            self.tabifyDockWidget(first, dock)  # one tabbed area: the plots keep their room
        for dock in self.docks.values():
            dock.visibilityChanged.connect(lambda shown, d=dock: shown and d.raise_())
        self.resizeDocks([first], [330], Qt.Orientation.Vertical)
        self.canvas.weightInspected.connect(self._inspect_weight)
        dark = self.actions_["dark"].isChecked()
        for panel in self.instruments.values():
            panel.apply_theme(dark)
        state = self.settings.get("window_state")
        if state:
            self.restoreState(state)  # the docks as they were left

    def _instruments_drive_canvas(self, on: bool) -> None:
        """Chain-rule paths and dead-neuron marks belong to free exploration, not to a lesson."""
        for key in ("chain_rule", "dead_neurons"):
            panel = getattr(self, "instruments", {}).get(key)
            if panel is not None:
                panel.set_canvas(self.canvas if on else None)
        if not on:
            self.canvas.set_dead(())

    def _inspect_weight(self, layer: int, row: int, col: int) -> None:
        self.docks["chain_rule"].show()
        self.docks["chain_rule"].raise_()
        self.instruments["chain_rule"].inspect(layer, row, col)

    def _build_layer_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("layer_bar")
        self.layer_bar = QHBoxLayout(bar)
        self.layer_bar.setContentsMargins(8, 4, 8, 4)
        self.layer_bar.setSpacing(6)
        return bar

    def _rebuild_layer_bar(self) -> None:
        """'Hidden layers: − n +' and, per hidden layer, '− k +' neuron buttons."""
        while self.layer_bar.count():
            item = self.layer_bar.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        hidden = self.controller.problem.hidden
        self.layer_bar.addWidget(QLabel("<b>Hidden layers</b>"))
        self.layer_bar.addWidget(self._small_button("−", "Remove the last hidden layer", lambda: self._edit_hidden(-1, None), "remove_layer"))
        self.layer_bar.addWidget(QLabel(str(len(hidden))))
        self.layer_bar.addWidget(self._small_button("+", "Add a hidden layer", lambda: self._edit_hidden(+1, None), "add_layer"))
        for l, n in enumerate(hidden):
            self.layer_bar.addSpacing(14)
            self.layer_bar.addWidget(QLabel(f"layer {l + 1}:"))
            self.layer_bar.addWidget(self._small_button("−", f"Remove a neuron from hidden layer {l + 1}", lambda l=l: self._edit_hidden(-1, l), f"remove_neuron_{l}"))
            self.layer_bar.addWidget(QLabel(str(n)))
            self.layer_bar.addWidget(self._small_button("+", f"Add a neuron to hidden layer {l + 1}", lambda l=l: self._edit_hidden(+1, l), f"add_neuron_{l}"))
        self.layer_bar.addStretch(1)

    def _small_button(self, text, tip, callback, name) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setObjectName(name)
        button.setAutoRaise(False)
        button.setFixedWidth(26)
        button.clicked.connect(callback)
        return button

    def _connect(self) -> None:
        c = self.controller
        c.problemChanged.connect(self._on_problem)
        c.snapshotChanged.connect(self._on_snapshot)
        c.runningChanged.connect(self._on_running)
        c.phaseChanged.connect(self._on_phase)
        c.diverged.connect(self._on_diverged)
        c.errorOccurred.connect(self.show_error)
        self.controls.problemEdited.connect(self._on_problem_edited)
        self.controls.granularityChanged.connect(c.set_granularity)
        self.controls.speedChanged.connect(self.canvas.set_animation_speed)
        self.canvas.weightClicked.connect(self.edit_weight)
        self.lesson_panel.stepRequested.connect(self.show_lesson_step)
        self.lesson_panel.revealed.connect(lambda: self._show_lesson_state(self.lesson_panel.index))
        self.lesson_panel.leaveRequested.connect(self.leave_lesson)
        self.activation_layer.currentIndexChanged.connect(self._on_activation_layer)

    # ---- settings ------------------------------------------------------------------------------

    def _stored_problem(self) -> Problem:
        data = self.settings.get("problem")
        if not data:
            return Problem()
        try:
            problem = Problem.from_dict(data)
            problem.make_network(problem.make_dataset())  # validates the whole thing
            return problem
        except (NnvizError, TypeError, ValueError) as exc:
            log.warning("settings: dropped the stored problem (%s)", exc)
            return Problem()

    def _restore_view_settings(self) -> None:
        s = self.settings
        geometry = s.get("geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = s.get("window_state")
        if state:
            self.restoreState(state)
        self.actions_["dark"].setChecked(s.get("theme") == "dark")
        self.apply_theme(s.get("theme"))
        self.actions_["presentation"].setChecked(s.get("presentation"))
        self.actions_["all_edges"].setChecked(s.get("all_edges"))
        self.actions_["log_scale"].setChecked(s.get("log_scale"))
        self.controls.speed.setValue(s.get("animation_ms"))
        self.canvas.set_animation_speed(s.get("animation_ms"))
        granularity = s.get("granularity")
        self.controls.granularity.setCurrentIndex(self.controls.granularity.findData(granularity))
        self.controller.set_granularity(granularity)

    def save_settings(self) -> None:
        s = self.settings
        s.set("geometry", bytes(self.saveGeometry().data()))
        s.set("window_state", bytes(self.saveState().data()))
        s.set("theme", "dark" if self.actions_["dark"].isChecked() else "light")
        s.set("presentation", self.actions_["presentation"].isChecked())
        s.set("all_edges", self.actions_["all_edges"].isChecked())
        s.set("log_scale", self.actions_["log_scale"].isChecked())
        s.set("animation_ms", self.controls.speed.value())
        s.set("granularity", self.controller.granularity)
        s.set("problem", self.controller.problem.to_dict())
        s.sync()

    # ---- controller → views ----------------------------------------------------------------------

    def _on_problem(self, problem: Problem) -> None:
        c = self.controller
        net, data = c.network, c.dataset
        self.controls.set_problem(problem)
        self.views.set_problem(net.layers, net.activation_names, net.loss_name, data)
        self._fill_activation_layers(net.activation_names)
        self._rebuild_layer_bar()
        self.banner.hide()
        name = Path(c.model_path).name if c.model_path else None
        self.setWindowTitle(f"nnviz — {name}" if name else "nnviz")

    def _fill_activation_layers(self, activation_names) -> None:
        self.activation_layer.blockSignals(True)
        self.activation_layer.clear()
        for l, name in enumerate(activation_names):
            label = "output layer" if l == len(activation_names) - 1 else f"hidden layer {l + 1}"
            self.activation_layer.addItem(f"{label} ({name})", l)
        self.activation_layer.setCurrentIndex(0)
        self.activation_layer.blockSignals(False)
        self.views.show_activation(0)

    @property
    def frame(self):
        return self.views.frame

    @property
    def extent(self):
        return self.views.extent

    def _on_snapshot(self, snap) -> None:
        if self.lesson is not None:
            return  # the lesson drives the views
        if snap is None or tuple(snap.layers) != self.controller.network.layers:
            return
        self.views.show_params(snap.params, snap.grad_weights if snap.step else None, plots=False)
        now = time.perf_counter()
        # while playing, the plots follow at a lower rate than the canvas: they cost the most to paint
        if not self.controller.running or snap.stopped or now - self._plots_shown_at >= PLOT_INTERVAL:
            self._plots_shown_at = now
            self._update_plots()
        self._update_status(snap)
        self.frames_painted += 1

    def _update_plots(self) -> None:
        if not self.plots_ready:
            return
        self.views.update_plots()
        data = self.controller.dataset
        self.views.show_history(self.controller.history(), data.task != "regression", len(data.x_test) > 0)

    def _update_status(self, snap) -> None:
        now = time.perf_counter()
        t0, s0 = self._rate_mark
        if now - t0 >= 0.5:
            self.steps_per_second = (snap.step - s0) / (now - t0) if snap.step >= s0 else 0.0
            self._rate_mark = (now, snap.step)
        parts = [f"<b>epoch {snap.epoch}</b> · step {snap.step}",
                 f"train loss <b>{snap.train_loss:.4f}</b>"]
        if snap.test_loss is not None:
            parts.append(f"test loss <b>{snap.test_loss:.4f}</b>")
        if snap.train_accuracy is not None:
            acc = f"accuracy {100 * snap.train_accuracy:.1f} %"
            if snap.test_accuracy is not None:
                acc += f" / {100 * snap.test_accuracy:.1f} %"
            parts.append(acc)
        self.controls.set_status("<br>".join(parts))
        bpe = max(self.controller.trainer.batches_per_epoch, 1)
        self.status_label.setText(f"{self.steps_per_second / bpe:,.0f} epochs/s" if self.controller.running else "paused")

    def _on_running(self, running: bool) -> None:
        set_play_icon(self.actions_["play"], running, self)
        self.status_label.setText("training…" if running else "paused")
        if running:
            self.banner.hide()

    def _on_phase(self, view) -> None:
        self.canvas.set_phase(view)

    def _on_diverged(self, reason: str) -> None:
        self.banner.setText(f"⚠ {reason[0].upper()}{reason[1:]}. Lower the learning rate and press Reset (Ctrl+R).")
        self.banner.show()

    def _on_activation_layer(self) -> None:
        l = self.activation_layer.currentData()
        if l is not None:
            self.views.show_activation(l)

    # ---- user actions ----------------------------------------------------------------------------

    def _on_problem_edited(self, problem: Problem) -> None:
        self.controller.set_problem(problem)

    def _edit_hidden(self, delta: int, layer: int | None) -> None:
        hidden = list(self.controller.problem.hidden)
        if layer is None:
            if delta > 0:
                hidden.append(hidden[-1] if hidden else 4)
            elif hidden:
                hidden.pop()
        else:
            hidden[layer] += delta
            if hidden[layer] < 1:
                return
        try:
            self.controller.change_hidden(tuple(hidden))
        except NnvizError as exc:
            self.show_error(str(exc))

    def edit_weight(self, layer: int, row: int, col: int) -> None:
        was_running = self.controller.running
        self.controller.pause()
        current = float(self.controller.network.weights[layer][row, col])
        value, ok = QInputDialog.getDouble(
            self, "Edit weight", f"w from node {col + 1} (layer {layer}) to node {row + 1} (layer {layer + 1}):",
            current, -100.0, 100.0, 4)
        if ok:
            self.controller.set_weight(layer, row, col, value)
        if was_running:
            self.controller.play()

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", self.settings.get("last_folder"), "nnviz model (*.json);;All files (*)")
        if path:
            self.open_model(path)

    def open_model(self, path: str) -> bool:
        try:
            network = load_model(path)
            self.controller.load_network(network, path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        self._remember(path)
        self.setWindowTitle(f"nnviz — {Path(path).name}")
        return True

    def save_model_dialog(self) -> None:
        start = self.controller.model_path or str(Path(self.settings.get("last_folder") or ".") / "model.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save model", start, "nnviz model (*.json)")
        if path:
            self.save_model(path)

    def save_model(self, path: str) -> bool:
        was_running = self.controller.running
        self.controller.pause()
        try:
            save_model(self.controller.network, path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        finally:
            if was_running:
                self.controller.play()
        self.controller.model_path = path
        self.setWindowTitle(f"nnviz — {Path(path).name}")
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def export_dialog(self) -> None:
        from nnviz.ui.export_dialog import ExportDialog

        self.controller.pause()
        theme = "dark" if self.actions_["dark"].isChecked() else "light"
        dialog = ExportDialog(self.controller.problem, self.lesson, theme, self.settings.get("last_folder"), self)
        if dialog.exec() and dialog.written is not None:
            self.statusBar().showMessage(f"Exported {dialog.written}", 6000)
            self.settings.set("last_folder", str(Path(dialog.written).parent))

    # ---- sessions, recent files, autosave, CSV ----------------------------------------------------

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", self.settings.get("last_folder"),
                                              "nnviz session (*.nnviz);;All files (*)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        try:
            self.controller.open_session(path)
        except NnvizError as exc:
            self.show_error(str(exc))  # nothing was changed
            return False
        self.controls.granularity.setCurrentIndex(self.controls.granularity.findData(self.controller.granularity))
        self._remember(path)
        self.setWindowTitle(f"nnviz — {Path(path).name}")
        return True

    def save_session_dialog(self) -> None:
        start = str(Path(self.settings.get("last_folder") or ".") / "session.nnviz")
        path, _ = QFileDialog.getSaveFileName(self, "Save session", start, "nnviz session (*.nnviz)")
        if path:
            self.save_session(path if path.endswith(".nnviz") else path + ".nnviz")

    def save_session(self, path: str) -> bool:
        try:
            self.controller.save_session(path)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        self._remember(path)
        self.statusBar().showMessage(f"Saved session {path}", 4000)
        return True

    def import_csv_dialog(self) -> None:
        from nnviz.ui.csv_dialog import open_csv_dialog

        path, _ = QFileDialog.getOpenFileName(self, "Import data", self.settings.get("last_folder"),
                                              "CSV (*.csv *.txt);;All files (*)")
        if not path:
            return
        dialog = open_csv_dialog(self, path)  # a bad file is reported there, naming row and column
        if dialog is not None and dialog.exec():
            self.import_csv(dialog.name, dialog.text, dialog.test_fraction, dialog.standardize)

    def import_csv(self, name: str, text: str, test_fraction: float, standardize: bool) -> bool:
        try:
            self.controller.import_csv(name, text, test_fraction, standardize)
        except NnvizError as exc:
            self.show_error(str(exc))
            return False
        return True

    def open_file(self, path: str) -> bool:
        """Open any nnviz file by its kind: model (.json), session (.nnviz), lesson (.toml)."""
        suffix = Path(path).suffix.lower()
        if suffix == ".nnviz":
            return self.open_session(path)
        if suffix == ".toml":
            return self.open_lesson_file(path)
        return self.open_model(path)

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        files = [p for p in self.settings.get("recent_files").get("files", []) if p != path]
        self.settings.set("recent_files", {"files": [path, *files][:RECENT_FILES]})
        self.settings.set("last_folder", str(Path(path).parent))
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = [p for p in self.settings.get("recent_files").get("files", []) if isinstance(p, str)]
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        self.recent_menu.setEnabled(bool(files))

    def autosave(self) -> None:
        """Save the session beside the settings (periodically and on close)."""
        if self.lesson is not None:
            return
        try:
            self.controller.save_session(self.settings.autosave_path)
        except (NnvizError, OSError) as exc:  # e.g. diverged weights: keep the last good autosave
            log.warning("autosave skipped: %s", exc)

    def _restore_autosave(self) -> None:
        """After a normal close, continue where it stopped; after a crash, ask first."""
        path = self.settings.autosave_path
        clean = self.settings.get("clean_exit")
        self.settings.set("clean_exit", False)
        self.settings.sync()
        if not path.is_file():
            return
        if not clean:
            answer = QMessageBox.question(
                self, "nnviz", "nnviz did not close normally last time. Restore the session it was working on?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.controller.open_session(path)
        except NnvizError as exc:
            log.warning("the autosaved session could not be restored: %s", exc)

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "nnviz", message)

    def apply_theme(self, name: str) -> None:
        dark = name == "dark"
        app = QApplication.instance()
        if app is not None and app.style().name().lower() == "fusion":
            app.setPalette(dark_palette() if dark else app.style().standardPalette())
        self.canvas.set_theme(name)
        for plot in (self.boundary_plot, self.loss_plot, self.activation_plot,
                     *getattr(self, "instruments", {}).values()):
            if plot is not None:
                plot.apply_theme(dark)

    def set_presentation(self, on: bool) -> None:
        scale = PRESENTATION_SCALE if on else 1.0
        self.lesson_panel.set_text_scale(scale)
        font = QFont(QApplication.font())
        base = getattr(self, "_base_point_size", None) or font.pointSizeF()
        self._base_point_size = base
        font.setPointSizeF(base * scale)
        self.setFont(font)
        self.canvas.set_font_scale(scale)

    def set_fullscreen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    def about(self) -> None:
        QMessageBox.about(self, "About nnviz", f"<b>nnviz {__version__}</b><p>See how a neural network learns.</p>")

    # ---- lesson mode ----------------------------------------------------------------------------

    def _add_builtin_lessons(self, menu) -> None:
        from nnviz.lessons.catalog import builtin_files
        from nnviz.lessons.model import LessonError, load_lesson_file

        if getattr(self, "_lessons_listed", False):
            return
        self._lessons_listed = True
        menu.addSeparator()
        for path in builtin_files():
            try:
                lesson = load_lesson_file(path)
            except LessonError as exc:  # a broken built-in lesson must not stop the app
                log.warning("%s", exc)
                continue
            action = menu.addAction(lesson.title)
            action.setObjectName(f"lesson_{lesson.id}")
            action.triggered.connect(lambda _=False, p=path: self.open_lesson_file(str(p)))

    def _set_lesson_keys(self, on: bool) -> None:
        """Space and → step a lesson in lesson mode, and play/step the trainer outside it."""
        for key in LESSON_KEYS:
            self.actions_[key].setEnabled(on)
        for key in FREE_KEYS:
            self.actions_[key].setEnabled(not on)

    def open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open lesson", self.settings.get("last_folder"),
                                              "nnviz lesson (*.toml);;All files (*)")
        if path:
            self.open_lesson_file(path)

    def open_lesson_file(self, path: str) -> bool:
        from nnviz.lessons.model import LessonError, load_lesson_file

        try:
            lesson = load_lesson_file(path)
        except LessonError as exc:
            self.show_error(str(exc))
            return False
        opened = self.open_lesson(lesson)
        if opened and not str(Path(path).resolve()).startswith(str(resource_dir())):
            self._remember(path)  # the user's own lesson files, not the built-in ones
        return opened

    def open_lesson(self, lesson) -> bool:
        """Enter lesson mode at the step where this lesson was left (its numbers checked first)."""
        from nnviz.lessons.model import LessonError
        from nnviz.lessons.player import LessonPlayer

        player = LessonPlayer(lesson)
        try:
            problems = player.check()
        except LessonError as exc:
            problems = [str(exc)]
        if problems:
            self.show_error("This lesson teaches a number the engine does not produce, so it was not opened:\n\n"
                            + problems[0])
            return False
        self.controller.pause()
        self._instruments_drive_canvas(False)  # the lesson owns the canvas now
        self.lesson, self.lesson_player = lesson, player
        self.left.setCurrentWidget(self.lesson_panel)
        self._set_lesson_keys(True)
        self.layer_bar.parentWidget().hide()
        start = int(self.settings.get("lesson_progress").get(lesson.id, 0))
        self.lesson_panel.set_lesson(lesson, min(max(start, 0), len(lesson.steps) - 1))
        self._show_lesson_state(self.lesson_panel.index)
        self.setWindowTitle(f"nnviz — {lesson.title}")
        self.canvas.setFocus()
        return True

    def show_lesson_step(self, index: int) -> None:
        self.set_blank(False)
        self.lesson_panel.show_step(index)
        progress = dict(self.settings.get("lesson_progress"))
        progress[self.lesson.id] = index
        self.settings.set("lesson_progress", progress)
        self._show_lesson_state(index)

    def _show_lesson_state(self, index: int) -> None:
        """The views show step ``index``'s state, or the one before while its question is open."""
        shown = index if self.lesson_panel.answered else index - 1
        step = self.lesson.steps[index]
        if shown < 0:
            self.canvas.set_phase(None)
            return
        state = self.lesson_player.state(shown)
        net = state.network
        if net is None:
            return
        self.views.set_problem(net.layers, net.activation_names, net.loss_name, state.dataset)
        self._fill_activation_layers(net.activation_names)
        self.views.show_params(net.params)
        if step.highlight is not None and shown == index:
            self.canvas.set_highlight(step.highlight.nodes, step.highlight.edges, step.highlight.layers)
        self._show_lesson_plots(state)
        if state.phase is not None and state.trace is not None:
            from nnviz.app.stepping import PhaseView

            before, after = state.update if state.update else (net.params.copy(), net.params.copy())
            self.canvas.set_phase(PhaseView(state.phase, state.trace, 0, before, after))
        else:
            self.canvas.set_phase(None)
        self._focus_panel(step.panel if shown == index else None)

    def _show_lesson_plots(self, state) -> None:
        if not self.plots_ready:
            return
        self.boundary_plot.setVisible(self.views.extent is not None)
        if self.views.frame is None and state.trace is not None:  # no dataset: the traced sample's z
            self.activation_plot.set_z_values(state.trace.layers[0].z.ravel())
        shown = state.history is not None or bool(state.compare)
        self.loss_plot.setVisible(shown)  # no empty axes in steps that do not train
        if state.compare:
            self.loss_plot.set_comparison(state.compare)
        elif state.history is not None:
            self.loss_plot.set_history(np.arange(len(state.history), dtype=float), state.history)

    def _focus_panel(self, panel: str | None) -> None:
        """Frame the panel a step asks for, so the class looks there."""
        widgets = {"network": self.canvas, "activation": self.activation_plot, "loss": self.loss_plot,
                   "boundary": self.boundary_plot}
        for name, widget in widgets.items():
            if widget is not None:
                widget.setStyleSheet("")
                widget.setProperty("focused", name == panel)
        target = widgets.get(panel)
        if target is not None and target is not self.canvas:
            # an id selector: the frame goes round the panel, not round every child inside it
            target.setObjectName(f"panel_{panel}")
            target.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            target.setStyleSheet(f"#panel_{panel} {{ border: 3px solid #d81b60; border-radius: 4px; }}")

    def set_blank(self, on: bool) -> None:
        """B blanks the screen (for the lecturer to talk); B or any step key shows it again."""
        self.blank_overlay.setGeometry(self.rect())
        self.blank_overlay.setVisible(bool(on))
        if on:
            self.blank_overlay.raise_()
        action = self.actions_["blank"]
        if action.isChecked() != bool(on):
            action.blockSignals(True)
            action.setChecked(bool(on))
            action.blockSignals(False)

    def leave_lesson(self) -> None:
        if self.lesson is None:
            return
        self.lesson = self.lesson_player = None
        self.set_blank(False)
        self._focus_panel(None)
        self.left.setCurrentIndex(0)
        self._set_lesson_keys(False)
        self.layer_bar.parentWidget().show()
        self._instruments_drive_canvas(True)
        if self.plots_ready:
            self.loss_plot.show()
        self._on_problem(self.controller.problem)
        self._on_snapshot(self.controller.snapshot)
        self.canvas.set_phase(None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.blank_overlay.isVisible():
            self.blank_overlay.setGeometry(self.rect())

    def closeEvent(self, event) -> None:
        self.controller.shutdown()
        self.autosave_timer.stop()
        self.autosave()
        self.save_settings()
        self.settings.set("clean_exit", True)
        self.settings.sync()

        super().closeEvent(event)
