"""Two weights of a network picked with spin boxes: the optimizer race's "A" and "B".

Each weight is layer / to / from, counted from 1 as the panels show them: layer 1 is
input → first hidden layer, from = n_in + 1 is the neuron's bias.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

__all__ = ["WeightPicker"]


class WeightPicker(QWidget):
    """A row of spin boxes for weights A and B; ``weights()`` gives them 0-based."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers: tuple[int, ...] | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.spins: list[tuple[QSpinBox, QSpinBox, QSpinBox]] = []
        for name in ("A", "B"):
            row.addWidget(QLabel(f"{name}: layer", self))
            spins = tuple(QSpinBox(self) for _ in range(3))
            spins[0].setToolTip("Weight layer (1 = input → first hidden layer)")
            spins[1].setToolTip("To neuron (in that layer)")
            spins[2].setToolTip("From neuron of the layer below (the last number is the bias)")
            for i, spin in enumerate(spins):
                if i:
                    row.addWidget(QLabel("to" if i == 1 else "from", self))
                spin.setRange(1, 1)
                row.addWidget(spin)
            self.spins.append(spins)
            row.addSpacing(8)
        row.addStretch(1)
        for spins in self.spins:
            spins[0].valueChanged.connect(self._update_ranges)

    def set_layers(self, layers) -> None:
        """A new architecture (layer widths, input first): new ranges, and A = w[1](1←1),
        B = w[1](1←2) to begin with."""
        self._layers = tuple(layers)
        for spins in self.spins:
            spins[0].setRange(1, len(self._layers) - 1)
            spins[0].setValue(1)
        self._update_ranges()
        for k, spins in enumerate(self.spins):
            spins[1].setValue(1)
            spins[2].setValue(k + 1)  # from 2 always exists: the second input, or the bias

    def set_weights(self, a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
        """Pick weights[layer][to, from] for a and b (0-based; from = n_in is the bias)."""
        for spins, (layer, to, frm) in zip(self.spins, (a, b)):
            spins[0].setValue(layer + 1)
            self._update_ranges()
            spins[1].setValue(to + 1)
            spins[2].setValue(frm + 1)

    def weights(self) -> list[tuple[int, int, int]]:
        """[(layer, to, from)] of A and B, 0-based (from = n_in is the bias)."""
        return [(spins[0].value() - 1, spins[1].value() - 1, spins[2].value() - 1) for spins in self.spins]

    def _update_ranges(self) -> None:
        if self._layers is None:
            return
        for spins in self.spins:
            layer = spins[0].value() - 1
            spins[1].setRange(1, self._layers[layer + 1])
            spins[2].setRange(1, self._layers[layer] + 1)  # + 1: the bias
