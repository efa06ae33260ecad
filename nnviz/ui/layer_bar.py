"""The bar above the network: add and remove hidden layers and neurons."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class LayerBar(QWidget):
    """'Hidden layers: − n +' and, per hidden layer, '− k +'; emits ``edited(delta, layer)``
    with layer None for a whole layer (added or removed at the end)."""

    edited = Signal(int, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("layer_bar")
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(8, 4, 8, 4)
        self.row.setSpacing(6)

    def set_hidden(self, hidden: tuple[int, ...]) -> None:
        row = self.row
        while row.count():
            item = row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        row.addWidget(QLabel("<b>Hidden layers</b>"))
        row.addWidget(self._button("−", "Remove the last hidden layer", -1, None, "remove_layer"))
        row.addWidget(QLabel(str(len(hidden))))
        row.addWidget(self._button("+", "Add a hidden layer", +1, None, "add_layer"))
        for l, n in enumerate(hidden):
            row.addSpacing(14)
            row.addWidget(QLabel(f"layer {l + 1}:"))
            row.addWidget(self._button("−", f"Remove a neuron from hidden layer {l + 1}", -1, l, f"remove_neuron_{l}"))
            row.addWidget(QLabel(str(n)))
            row.addWidget(self._button("+", f"Add a neuron to hidden layer {l + 1}", +1, l, f"add_neuron_{l}"))
        row.addStretch(1)

    def _button(self, text: str, tip: str, delta: int, layer: int | None, name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setObjectName(name)
        button.setAutoRaise(False)
        button.setFixedWidth(26)
        button.clicked.connect(lambda: self.edited.emit(delta, layer))
        return button


def edited_hidden(hidden: tuple[int, ...], delta: int, layer: int | None) -> tuple[int, ...] | None:
    """``hidden`` after one press: a layer added (a copy of the last, or 4) or removed at the
    end, or a neuron added to / removed from ``layer``; None when nothing would be left there."""
    out = list(hidden)
    if layer is None:
        if delta > 0:
            out.append(out[-1] if out else 4)
        elif out:
            out.pop()
        return tuple(out)
    out[layer] += delta
    return tuple(out) if out[layer] >= 1 else None
