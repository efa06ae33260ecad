"""Weight initializers: each draws one layer's weight matrix W of shape (n_out, n_in).

Every random draw takes an explicit ``numpy.random.Generator``. Biases start at 0.

| name            | distribution of each wᵢⱼ                      |
|-----------------|-----------------------------------------------|
| zeros           | 0                                             |
| constant        | c (default 0.5)                               |
| uniform         | U(−s, s), s = 0.5                             |
| normal          | N(0, s²), s = 0.5                             |
| xavier_uniform  | U(−r, r), r = √(6 / (n_in + n_out))           |
| xavier_normal   | N(0, 2 / (n_in + n_out))                      |
| he_uniform      | U(−r, r), r = √(6 / n_in)                     |
| he_normal       | N(0, 2 / n_in)                                |

``xavier`` means xavier_uniform (Glorot & Bengio 2010), ``he`` means he_normal (He et al. 2015).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnviz.engine.errors import NnvizError

Initializer = Callable[[np.random.Generator, int, int, float | None], np.ndarray]


def zeros(rng, n_in, n_out, scale=None):
    return np.zeros((n_out, n_in))


def constant(rng, n_in, n_out, scale=None):
    return np.full((n_out, n_in), 0.5 if scale is None else scale)


def uniform(rng, n_in, n_out, scale=None):
    s = 0.5 if scale is None else scale
    return rng.uniform(-s, s, size=(n_out, n_in))


def normal(rng, n_in, n_out, scale=None):
    return rng.normal(0.0, 0.5 if scale is None else scale, size=(n_out, n_in))


def xavier_uniform(rng, n_in, n_out, scale=None):
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in))


def xavier_normal(rng, n_in, n_out, scale=None):
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


def he_uniform(rng, n_in, n_out, scale=None):
    r = np.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=(n_out, n_in))


def he_normal(rng, n_in, n_out, scale=None):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, constant, uniform, normal, xavier_uniform, xavier_normal, he_uniform, he_normal)
}
ALIASES = {"xavier": "xavier_uniform", "glorot": "xavier_uniform", "he": "he_normal", "kaiming": "he_normal"}


def get_initializer(name: str) -> Initializer:
    try:
        return INITIALIZERS[ALIASES.get(name, name)]
    except (KeyError, TypeError):
        names = ", ".join([*INITIALIZERS, *ALIASES])
        raise NnvizError(f"unknown initializer {name!r}; choose one of: {names}") from None
