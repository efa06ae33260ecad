"""The digit panel's results, computed when a view asks for them and not more often.

A training run hands the panel its network up to ~12 times a second; a forward pass over
10,000 28×28 images costs ~0.1 s. ``DigitResults`` keeps its own copy of the parameters,
computes a part's SetResults (nnviz.app.image_views) only when asked, once per parameter
version, and can tell how long to wait so that recomputing takes at most a ``share`` of the
time (``due_in``): after a computation of cost t, the next is due (1/share − 1)·t later.
"""

from __future__ import annotations

import time

import numpy as np

from nnviz.app.image_views import SetResults, part_results, summary_problem
from nnviz.engine.network import Network

__all__ = ["DigitResults", "compute_part"]


class DigitResults:
    """Results of the latest network on one dataset's "train" and "test" parts."""

    def __init__(self) -> None:
        self.dataset = None
        self.network: Network | None = None  # a copy owned here: the caller's network may change
        self.version = 0  # counts set_network calls
        self._cache: dict[str, tuple[int, SetResults]] = {}
        self._cost: dict[str, float] = {}  # seconds the last computation of a part took
        self._finished: dict[str, float] = {}  # perf_counter when it finished

    def set_dataset(self, dataset) -> None:
        self.dataset = dataset
        self._cache.clear()
        self._finished.clear()

    def set_network(self, network: Network | None) -> None:
        """Take ``network``'s current parameters (copied; cheap: no forward pass here)."""
        if network is None:
            self.network = None
        elif self.network is None or (self.network.layers, self.network.activation_names, self.network.loss_name) \
                != (network.layers, network.activation_names, network.loss_name):
            self.network = network.copy()
        else:
            self.network.set_params(network.params)
        self.version += 1

    @property
    def problem(self) -> str | None:
        """Why there are no results (a sentence), or None."""
        if self.dataset is None or self.dataset.image_shape is None:
            return "no image data"
        if self.network is None:
            return "no network yet"
        return summary_problem(self.network, self.dataset)

    def cached(self, which: str) -> SetResults | None:
        """The last results computed for ``which`` ("train"/"test"), however old; None if none."""
        hit = self._cache.get(which)
        return None if hit is None else hit[1]

    def is_current(self, which: str) -> bool:
        hit = self._cache.get(which)
        return hit is not None and hit[0] == self.version

    def due_in(self, which: str, share: float) -> float:
        """Seconds until recomputing ``which`` keeps the time spent computing within ``share``
        (0 < share ≤ 1) of the time passed: max(0, (1/share − 1)·cost − time since it finished)."""
        if which not in self._finished:
            return 0.0
        wait = (1.0 / share - 1.0) * self._cost[which] - (time.perf_counter() - self._finished[which])
        return max(0.0, wait)

    def results(self, which: str) -> SetResults | None:
        """The current network's results on ``which``, computed now unless already current;
        None when ``problem`` says why not."""
        if self.is_current(which):
            return self._cache[which][1]
        if self.problem is not None:
            return None
        return self.store(*compute_part(which, self.version, self.network, self.dataset))

    def work(self, which: str) -> tuple:
        """The arguments of ``compute_part`` for ``which`` now, with a copy of the network: to
        compute it in another thread, then ``store`` the outcome (``problem`` must be None)."""
        return which, self.version, self.network.copy(), self.dataset

    def store(self, which: str, version: int, out: SetResults, seconds: float) -> SetResults:
        """Keep ``out``, the results of version ``version`` on ``which`` that took ``seconds``,
        unless newer ones are kept already (a late computation); returns what is kept."""
        hit = self._cache.get(which)
        if hit is not None and hit[0] > version:
            return hit[1]
        self._finished[which] = time.perf_counter()
        self._cost[which] = seconds
        self._cache[which] = (version, out)
        return out


def compute_part(which: str, version: int, network: Network, dataset) -> tuple[str, int, SetResults, float]:
    """(which, version, ``network``'s SetResults on that part, seconds it took): a forward pass
    over the part; reads only, so a copy of the network may be computed in another thread."""
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = part_results(network, dataset, which)
    return which, version, out, time.perf_counter() - start
