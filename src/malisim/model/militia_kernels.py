"""Compiled passes of the militias' census (used only where the civilians run compiled).

Two loops over the agents that fuse the full-length numpy passes of
:class:`malisim.model.militias.AgentBins`: binning every agent by (community, cell) and counting
the people of each bin (:func:`bin_and_count`), and scaling each agent's weight by its bin's
factor and counting again (:func:`scale_and_count`, the militias' recruits and demobilised,
:func:`malisim.model.militias.move_people`). Each bin adds its agents' weights in agent order
from zero, as ``np.bincount`` does, and the weights are multiplied as numpy multiplies them (no
fastmath): the numpy passes' results bit for bit.

This module imports numba: :mod:`malisim.model.militias` imports it only when the civilians
already run their compiled engine (``CivilianPopulation`` loaded numba and its kernels), so a
replicate that stays on numpy never pays the import. Compiled code is cached in ``__pycache__``
beside this file (``cache=True``), as the civilians' kernels are.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_REFUGEE = 2


@njit(cache=True)
def bin_and_count(  # pragma: no cover - compiled
    community: np.ndarray,
    cell: np.ndarray,
    status: np.ndarray,
    weight: np.ndarray,
    n_cells: int,
    index: np.ndarray,
    people: np.ndarray,
) -> None:
    """Each agent's bin into ``index`` and its weight added to ``people`` (zeros, one spare).

    The bin is ``community * n_cells + cell``, the spare last bin for a refugee abroad.
    """
    spare = np.intp(people.size - 1)
    for i in range(community.size):
        if status[i] == _REFUGEE:
            b = spare
        else:
            b = np.intp(community[i]) * n_cells + np.intp(cell[i])
        index[i] = b
        people[b] += weight[i]


@njit(cache=True)
def scale_and_count(  # pragma: no cover - compiled
    index: np.ndarray, factor: np.ndarray, weight: np.ndarray, people: np.ndarray
) -> None:
    """Each agent's weight times its bin's factor, then added to ``people`` (zeros)."""
    for i in range(index.size):
        b = index[i]
        w = weight[i] * factor[b]
        weight[i] = w
        people[b] += w
