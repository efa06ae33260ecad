"""The teaching instruments as dock widgets, tabbed together below the network.

Hidden at first; the Instruments menu (Ctrl+1 … Ctrl+6) shows them. Each panel is fed
by the controller's frozen snapshots (instruments.source.SnapshotSource), like the views.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from nnviz.draw.canvas import NetworkCanvas
from nnviz.draw.theme import Theme
from nnviz.ui.instruments.source import SnapshotSource

DOCK_HEIGHT = 330  # the tabbed area's first height: the plots keep their room
PANELS = (  # key, title, shortcut
    ("chain_rule", "Chain rule", "Ctrl+1"),
    ("gradient_flow", "Gradient flow", "Ctrl+2"),
    ("dead_neurons", "Dead neurons", "Ctrl+3"),
    ("init_lab", "Initialization lab", "Ctrl+4"),
    ("optimizers", "Optimizers", "Ctrl+5"),
    ("losses", "Loss functions", "Ctrl+6"),
)


def _make_panel(key: str, controller: SnapshotSource, canvas: NetworkCanvas, theme: Theme):
    # imported here: the panels load pyqtgraph, which the window's first paint must not wait for
    from nnviz.ui.instruments.chain_rule_panel import ChainRulePanel
    from nnviz.ui.instruments.dead_neurons_panel import DeadNeuronPanel
    from nnviz.ui.instruments.gradient_flow_panel import GradientFlowPanel
    from nnviz.ui.instruments.init_lab_panel import InitLabPanel
    from nnviz.ui.instruments.loss_panel import LossPanel
    from nnviz.ui.instruments.optimizer_panel import OptimizerPanel

    if key == "chain_rule":
        return ChainRulePanel(controller=controller, canvas=canvas, theme=theme)
    if key == "dead_neurons":
        return DeadNeuronPanel(controller=controller, canvas=canvas, theme=theme)
    kinds = {"gradient_flow": GradientFlowPanel, "init_lab": InitLabPanel, "optimizers": OptimizerPanel,
             "losses": LossPanel}
    return kinds[key](controller=controller, theme=theme)


class InstrumentDocks:
    """``panels[key]`` and ``docks[key]`` for each of PANELS, added to ``window`` (empty until ``build``)."""

    def __init__(self, window: QMainWindow, canvas: NetworkCanvas):
        self.window = window
        self.canvas = canvas
        self.panels: dict[str, object] = {}
        self.docks: dict[str, QDockWidget] = {}

    def build(self, controller: SnapshotSource, theme: Theme, menu: QMenu) -> None:
        window = self.window
        for key, title, shortcut in PANELS:
            panel = _make_panel(key, controller, self.canvas, theme)
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(panel)
            dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.hide()
            toggle = dock.toggleViewAction()
            toggle.setShortcut(shortcut)
            menu.addAction(toggle)
            self.panels[key] = panel
            self.docks[key] = dock
        first = self.docks[PANELS[0][0]]
        for dock in list(self.docks.values())[1:]:
            window.tabifyDockWidget(first, dock)  # one tabbed area: the plots keep their room
        for dock in self.docks.values():
            dock.visibilityChanged.connect(lambda shown, d=dock: shown and d.raise_())
        window.resizeDocks([first], [DOCK_HEIGHT], Qt.Orientation.Vertical)
        self.canvas.weightInspected.connect(self.inspect_weight)

    def set_theme(self, theme: Theme) -> None:
        for panel in self.panels.values():
            panel.set_theme(theme)

    def drive_canvas(self, on: bool) -> None:
        """Chain-rule paths and dead-neuron marks belong to free exploration, not to a lesson."""
        for key in ("chain_rule", "dead_neurons"):
            panel = self.panels.get(key)
            if panel is not None:
                panel.set_canvas(self.canvas if on else None)
        if not on:
            self.canvas.set_dead(())

    def inspect_weight(self, layer: int, row: int, col: int) -> None:
        dock = self.docks["chain_rule"]
        dock.show()
        dock.raise_()
        self.panels["chain_rule"].inspect(layer, row, col)
