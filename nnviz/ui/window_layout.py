"""The window's widgets and menus, built once: what goes where (ui.main_window drives them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from nnviz.draw.canvas import NetworkCanvas
from nnviz.draw.views import ViewSet
from nnviz.ui.actions import MENUS, TOOLBAR
from nnviz.ui.columns import PlotColumn, SidePanelScroll
from nnviz.ui.controls import ControlPanel
from nnviz.ui.layer_bar import LayerBar
from nnviz.ui.lesson_panel import LessonPanel
from nnviz.ui.transport_bar import TransportBar


def build_menus(window) -> None:
    """The menus (from the action registry), Instruments, the toolbar and View → Controls."""
    bar = window.menuBar()
    for title, keys in MENUS.items():
        menu = bar.addMenu(title)
        for key in keys:
            menu.addSeparator() if key is None else menu.addAction(window.actions_[key])
            if key == "save":
                window.recent_menu = menu.addMenu("Open &recent")
        if title == "&Lessons":  # the built-in lessons are read when the menu first opens
            menu.aboutToShow.connect(lambda m=menu: window.lessons.add_builtin_lessons(m))
    # Instruments (filled once the plots exist) goes before Help
    window.instruments_menu = QMenu("&Instruments", window)
    bar.insertMenu(bar.actions()[-1], window.instruments_menu)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for key in TOOLBAR:
        toolbar.addSeparator() if key is None else toolbar.addAction(window.actions_[key])
    # the way back to a left panel collapsed for room (a narrow window, presentation scale)
    window.controls_action = QAction("&Controls", window, checkable=True, checked=True)
    window.controls_action.setObjectName("action_controls")
    window.controls_action.setToolTip("Show the control panel (or the lesson) on the left")
    view_menu = next(a.menu() for a in bar.actions() if a.text() == "&View")
    view_menu.addSeparator()
    view_menu.addAction(window.controls_action)
    toolbar.addSeparator()
    toolbar.addAction(window.controls_action)


def build_central(window) -> None:
    """Left panel (controls / lesson), centre (banner, layer bar, canvas, transport bar),
    the plot column (filled after the first paint) and the blank-screen overlay."""
    window.controls = ControlPanel(window.actions_)
    scroll = SidePanelScroll()
    scroll.setWidget(window.controls)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    window.lesson_panel = LessonPanel()
    window.left = QStackedWidget()
    window.left.addWidget(scroll)
    window.left.addWidget(window.lesson_panel)

    centre = QWidget()
    centre_layout = QVBoxLayout(centre)
    centre_layout.setContentsMargins(0, 0, 0, 0)
    centre_layout.setSpacing(0)
    window.banner = QLabel()
    window.banner.setObjectName("divergence_banner")
    window.banner.setWordWrap(True)
    window.banner.setStyleSheet("QLabel { background: #b3261e; color: white; padding: 8px 12px; font-weight: bold; }")
    window.banner.hide()
    centre_layout.addWidget(window.banner)
    window.layer_bar = LayerBar()
    centre_layout.addWidget(window.layer_bar)
    window.canvas = NetworkCanvas()
    window.canvas.set_input_hint("Step (→) traces an image through the network")  # image data, none shown yet
    window.views = ViewSet(window.canvas)
    centre_layout.addWidget(window.canvas, 1)
    window.transport = TransportBar(window.controller, window.settings)
    centre_layout.addWidget(window.transport)
    window.centre = centre

    # The plots (pyqtgraph) are built right after the window's first paint: importing
    # pyqtgraph costs ~0.35 s, so the window shows up without waiting for it.
    plots = PlotColumn()  # scrolls when shorter than its plots need (a projector, a dock open)
    window.plots_column = plots
    window.plots_layout = plots.plots_layout
    window.activation_layer = QComboBox()
    window.activation_layer.setObjectName("activation_layer")
    window.activation_layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    window.activation_layer.setMinimumContentsLength(8)  # "hidden l…": the plot column stays narrow

    window.splitter = QSplitter()
    window.splitter.addWidget(window.left)
    window.splitter.addWidget(centre)
    window.splitter.addWidget(plots)
    window.splitter.setStretchFactor(0, 0)
    window.splitter.setStretchFactor(1, 3)
    window.splitter.setStretchFactor(2, 2)
    window.splitter.setSizes([310, 700, 430])
    for i in (1, 2):  # only the left panel collapses (fit_columns); the others keep their minimum
        window.splitter.setCollapsible(i, False)
    window.setCentralWidget(window.splitter)
    window.status_label = QLabel()
    window.statusBar().addPermanentWidget(window.status_label)
    window.blank_overlay = QWidget(window)
    window.blank_overlay.setObjectName("blank_overlay")
    window.blank_overlay.setStyleSheet("background: black;")
    window.blank_overlay.hide()
