"""The flat parameter layout, in one place: one vector ↔ per-layer weights and biases.

Layer l (0-based over weight layers) mapping n_in → n_out is a block Θ_l of shape
(n_in + 1, n_out) stored row-major at ``offsets[l]`` of the flat vector: rows 0…n_in−1
are Wᵀ, the last row is b. So

    weights[l] = Θ_l[:-1].T   (n_out, n_in)        biases[l] = Θ_l[-1]   (n_out,)

and every function here returns views into the flat vector (no copies), so writing a
weight through ``weights(flat)[l][r, c] = v`` changes ``flat``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class ParamLayout:
    """layers: (n_0, n_1, …, n_L), the input size first."""

    layers: tuple[int, ...]

    def __init__(self, layers: Sequence[int]):
        object.__setattr__(self, "layers", tuple(int(n) for n in layers))

    @cached_property
    def shapes(self) -> tuple[tuple[int, int], ...]:
        """(n_in + 1, n_out) of each block Θ_l."""
        return tuple((n_in + 1, n_out) for n_in, n_out in zip(self.layers[:-1], self.layers[1:]))

    @cached_property
    def offsets(self) -> np.ndarray:
        """(L + 1,) where each block starts; offsets[-1] is the vector's size."""
        return np.cumsum([0] + [r * c for r, c in self.shapes])

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def bias_offsets(self) -> tuple[int, ...]:
        """Where each layer's n_out biases start in the flat vector (its block's last row)."""
        return tuple(int(start) + (rows - 1) * cols for start, (rows, cols) in zip(self.offsets[:-1], self.shapes))

    def blocks(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views Θ_l (n_in + 1, n_out) into ``flat`` (size,)."""
        if flat.shape != (self.size,):
            raise ValueError(f"a flat vector of {self.size} values is needed, got shape {flat.shape}")
        return [flat[int(a):int(b)].reshape(shape) for a, b, shape in zip(self.offsets[:-1], self.offsets[1:], self.shapes)]

    def weights(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views W_l (n_out, n_in) into ``flat``."""
        return [block[:-1].T for block in self.blocks(flat)]

    def biases(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views b_l (n_out,) into ``flat``."""
        return [block[-1] for block in self.blocks(flat)]

    def flatten(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> np.ndarray:
        """A new flat vector from per-layer W_l (n_out, n_in) and b_l (n_out,)."""
        flat = np.empty(self.size)
        for block, w, b in zip(self.blocks(flat), weights, biases):
            block[:-1] = np.asarray(w, dtype=np.float64).T
            block[-1] = b
        return flat

    def index(self, layer: int, row: int, col: int) -> int:
        """Flat index of W_layer[row, col]; col == n_in is the bias b_layer[row]."""
        n_in, n_out = self.shapes[layer][0] - 1, self.shapes[layer][1]
        if not (0 <= row < n_out and 0 <= col <= n_in):
            raise IndexError(f"layer {layer} has {n_out}×{n_in} weights (+ bias); no ({row}, {col})")
        return int(self.offsets[layer]) + col * n_out + row

    def locate(self, i: int) -> tuple[int, int, int]:
        """(layer, row, col) of flat index ``i``, the inverse of ``index``."""
        if not 0 <= i < self.size:
            raise IndexError(f"flat index {i} is outside 0…{self.size - 1}")
        layer = int(np.searchsorted(self.offsets, i, side="right")) - 1
        col, row = divmod(int(i - self.offsets[layer]), self.shapes[layer][1])
        return layer, row, col
