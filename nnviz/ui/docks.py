"""The teaching instruments as dock widgets, tabbed together below the network.

Hidden at first; the Instruments menu (Ctrl+1 … Ctrl+7) shows them. Each panel is fed
by the controller's frozen snapshots (instruments.source.SnapshotSource), like the views.

Ctrl+N (or its menu entry) brings panel N to the front: a hidden panel is shown, a panel
behind another tab comes forward, and a panel already in front is hidden. Opening a panel
gives the docks the room the panel asks for, at most DOCK_SHARE of the window's height;
a panel scrolls inside its dock only below its minimum, so the docks never push the
window's plots below their minimum sizes (ui.main_window) nor the window off the screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMenu, QScrollArea, QWidget

from nnviz.draw.canvas import NetworkCanvas
from nnviz.draw.theme import Theme
from nnviz.ui.instruments.source import SnapshotSource

log = logging.getLogger(__name__)

DOCK_HEIGHT = 330  # the tabbed area's first height: the plots keep their room
DOCK_SHARE = 0.4  # opening a panel sizes the docks to what it asks for, at most this share of the window
PANELS = (  # key, title, shortcut
    ("chain_rule", "Chain rule", "Ctrl+1"),
    ("gradient_flow", "Gradient flow", "Ctrl+2"),
    ("dead_neurons", "Dead neurons", "Ctrl+3"),
    ("init_lab", "Initialization lab", "Ctrl+4"),
    ("optimizers", "Optimizers", "Ctrl+5"),
    ("losses", "Loss functions", "Ctrl+6"),
    ("drawing_pad", "Drawing pad", "Ctrl+7"),
)


def _make_panel(key: str, controller: SnapshotSource, canvas: NetworkCanvas, theme: Theme):
    # imported here: the panels load pyqtgraph, which the window's first paint must not wait for
    from nnviz.ui.instruments.chain_rule_panel import ChainRulePanel
    from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel
    from nnviz.ui.instruments.drawing_pad_panel import DrawingPadPanel
    from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel
    from nnviz.ui.instruments.init_lab_panel import InitLabPanel
    from nnviz.ui.instruments.loss_panel import LossPanel
    from nnviz.ui.instruments.optimizer_panel import OptimizerPanel

    if key == "chain_rule":
        return ChainRulePanel(controller=controller, canvas=canvas, theme=theme)
    if key == "dead_neurons":
        return DeadNeuronPanel(controller=controller, canvas=canvas, theme=theme)
    if key == "drawing_pad":  # what is drawn is traced through the network as it is drawn (paused:
        panel = DrawingPadPanel(controller=controller, theme=theme)  # while playing, the pad's own bars)
        panel.drawn.connect(lambda x: None if controller.running else controller.trace_sample(x, None))
        return panel
    kinds = {"gradient_flow": GradientFlowPanel, "init_lab": InitLabPanel, "optimizers": OptimizerPanel,
             "losses": LossPanel}
    return kinds[key](controller=controller, theme=theme)


class PanelScroll(QScrollArea):
    """A panel that fills its dock and scrolls only when the dock is smaller than the panel's
    minimum, so a dock never needs more room than DOCK_SHARE. (QScrollArea's own resizable
    mode gives a panel with a word-wrapped label its preferred height, and so scrolls a
    caption out of sight long before it has to.)"""

    def __init__(self, panel: QWidget):
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(panel)  # not "widget resizable": fit() sizes the panel

    def fit(self) -> None:
        """The panel: the viewport's size, or its minimum (height at that width) when larger."""
        panel, view = self.widget(), self.viewport().size()
        least = panel.minimumSizeHint()
        width = max(view.width(), least.width())
        layout = panel.layout()
        if layout is not None and layout.hasHeightForWidth():
            least.setHeight(max(least.height(), layout.totalMinimumHeightForWidth(width)))
        height = max(view.height(), least.height())
        if (panel.width(), panel.height()) != (width, height):
            panel.resize(width, height)

    # Qt virtuals: an exception must not escape them
    def viewportEvent(self, event) -> bool:
        try:
            if event.type() == QEvent.Type.Resize:
                self.fit()
        except Exception:  # noqa: BLE001
            log.exception("instrument dock: fitting the panel failed")
        return super().viewportEvent(event)

    def eventFilter(self, watched, event) -> bool:
        try:
            if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
                self.fit()  # its minimum may have changed (a longer caption, a larger font)
        except Exception:  # noqa: BLE001
            log.exception("instrument dock: fitting the panel failed")
        return super().eventFilter(watched, event)


class InstrumentDocks:
    """``panels[key]``, ``docks[key]`` and ``actions[key]`` (Ctrl+N) for each of PANELS, added
    to ``window`` (empty until ``build``)."""

    def __init__(self, window: QMainWindow, canvas: NetworkCanvas):
        self.window = window
        self.canvas = canvas
        self.panels: dict[str, object] = {}
        self.docks: dict[str, QDockWidget] = {}
        self.actions: dict[str, QAction] = {}
        self._front: dict[str, bool] = {}  # shown and not behind another tab (QDockWidget.visibilityChanged)
        self.in_lesson = False
        self._put_away: dict[str, bool] = {}  # docks a lesson hid → they were behind another tab

    def build(self, controller: SnapshotSource, theme: Theme, menu: QMenu) -> None:
        window = self.window
        for key, title, shortcut in PANELS:
            panel = _make_panel(key, controller, self.canvas, theme)
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(PanelScroll(panel))
            dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.hide()
            action = QAction(title, window)
            action.setObjectName(f"instrument_{key}")
            action.setShortcut(shortcut)
            action.setCheckable(True)
            action.setStatusTip(f"Bring the {title.lower()} panel to the front (hide it when it is in front)")
            action.triggered.connect(lambda _=False, k=key: self.toggle(k))
            dock.toggleViewAction().toggled.connect(action.setChecked)  # closed with its ✕ → unchecked
            dock.visibilityChanged.connect(lambda shown, k=key: self._set_front(k, shown))
            menu.addAction(action)
            window.addAction(action)  # the shortcut works with the menu bar hidden (full screen)
            self.panels[key] = panel
            self.docks[key] = dock
            self.actions[key] = action
            self._front[key] = False
        first = self.docks[PANELS[0][0]]
        for dock in list(self.docks.values())[1:]:
            window.tabifyDockWidget(first, dock)  # one tabbed area: the plots keep their room
        window.resizeDocks([first], [min(DOCK_HEIGHT, int(DOCK_SHARE * window.height()))], Qt.Orientation.Vertical)
        self.canvas.weightInspected.connect(self.inspect_weight)

    # ---- showing -------------------------------------------------------------------------

    def _set_front(self, key: str, shown: bool) -> None:
        self._front[key] = shown

    def in_front(self, key: str) -> bool:
        """Panel ``key`` is shown and not behind another tab."""
        return not self.docks[key].isHidden() and self._front[key]

    def toggle(self, key: str) -> None:
        """Ctrl+N: bring panel ``key`` to the front, or hide it when it is in front already."""
        if self.in_front(key):
            self.docks[key].hide()
        else:
            self.show_panel(key)
        self.actions[key].setChecked(not self.docks[key].isHidden())

    def show_panel(self, key: str) -> None:
        """Show panel ``key`` in front of its tab group; the docks take at most DOCK_SHARE."""
        dock = self.docks[key]
        dock.show()
        dock.raise_()  # the tab comes to the front
        self.bound(dock)
        # again once the layouts the show (or a font change just before) asked for have run:
        # they may hand the room back to the central widget
        QTimer.singleShot(0, self.window, lambda: self.bound(dock))

    def bound(self, dock: QDockWidget) -> None:
        """Size ``dock``'s area (its height below or above, its width at a side) to what its panel
        asks for, but at most DOCK_SHARE of the window; the plots' and the canvas's minimum
        sizes come first (QMainWindow keeps the central widget's minimum)."""
        if dock.isFloating() or dock.isHidden():
            return
        area = self.window.dockWidgetArea(dock)
        vertical = area in (Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea)
        scroll = dock.widget()
        panel = scroll.widget()
        chrome = dock.minimumSizeHint() - scroll.minimumSizeHint()  # the title bar
        if vertical:
            size, room = dock.height(), self.window.height()
            width = scroll.viewport().width()  # a wrapped caption's height depends on the width
            fits = panel.heightForWidth(width) if panel.hasHeightForWidth() and width > 0 else -1
            wanted = chrome.height() + (fits if fits > 0 else panel.sizeHint().height())
        else:
            size, room = dock.width(), self.window.width()
            wanted = chrome.width() + panel.sizeHint().width()
        target = min(max(size, wanted), int(DOCK_SHARE * room))
        if target != size:
            orientation = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
            self.window.resizeDocks([dock], [target], orientation)

    # ---- state ---------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        for panel in self.panels.values():
            panel.set_theme(theme)

    def set_lesson_mode(self, on: bool) -> None:
        """The instruments show the free session, so a lesson puts them away: the open docks
        are hidden (and remembered), their Ctrl+N actions disabled, and the chain-rule paths
        and dead-neuron marks leave the canvas. Leaving brings back the same docks, the same
        tab in front, and the marks. Entering again (docks built or restored meanwhile)
        puts away whatever has opened since."""
        self.in_lesson = on
        for key in ("chain_rule", "dead_neurons"):
            panel = self.panels.get(key)
            if panel is not None:
                panel.set_canvas(None if on else self.canvas)
        if on:
            self.canvas.set_dead(())
        for key, dock in self.docks.items():
            if on and not dock.isHidden():
                self._put_away[key] = not self.in_front(key)  # True: behind another tab
                dock.hide()
            if key in self.actions:
                self.actions[key].setEnabled(not on)
        if not on:
            put_away, self._put_away = self._put_away, {}
            for key in put_away:
                self.docks[key].show()
            for key, behind in put_away.items():
                if not behind:
                    self.docks[key].raise_()  # the tab that was in front comes to the front again

    def inspect_weight(self, layer: int, row: int, col: int) -> None:
        if self.in_lesson:  # a lesson's canvas: the chain-rule panel shows the free session
            return
        self.show_panel("chain_rule")
        self.panels["chain_rule"].inspect(layer, row, col)
