"""The snapshot of the cells that the rules of one phase read (built by the model per phase).

:class:`Situation` carries, by reference and without copying, what the conflict rules and the
actors' rules read about the month besides the armed forces themselves: the parameters, the
grid and its neighbourhood, and the per-cell state (people present, control, administration,
violence, support, dialogue). The model builds one at the start of a phase
(``MaliModel.situation``); the rules read it and never change it, and they return or write
their results explicitly (forces, :class:`~malisim.model.conflict.MonthlyViolence`, the event
log). A rule therefore sees the cells as they were when its phase began.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from malisim.model.parameters import Parameters
from malisim.model.space import MaliGrid
from malisim.model.topology import Topology


@dataclass(frozen=True)
class Situation:
    """What the rules of a phase read about the cells (read-only by convention).

    Attributes:
        month: Month index of the current month.
        params: The parameters in force this month.
        grid: The grid (terrain, regions, share inside Mali).
        topology: The grid's neighbour edges.
        population: People present per cell (as of the last civilian step).
        control: Control code per cell (:class:`~malisim.model.vocab.Control`).
        administration: Cells the state administers.
        violence_index: Smoothed deaths per 100,000 people per month, per cell.
        support_share: ``(n_families, n_cells)`` share of people actively supporting a family.
        accord_adherence: Accord adherence of the signatory groups (0-1).
        dialogue: Intensity of dialogue with JNIM per cell (0 = none).
        offensive_orders: Offensive weight per cell that policies ordered this month.
        town_cells: Cells with a town.
        sanctuary_cells: Cells on the Niger and Burkina Faso borders (jihadist sanctuary).
        france_reach: 1 in cells French strikes reach from the bases, 0 elsewhere.
        town_share: Share of each town cell's people living in its town (0 in cells without a
            town; None: a town cell is one unit, its holder holds all its people).
        countryside_control: Control code of the countryside of each town cell (the control
            of the cell elsewhere; None with ``town_share`` None).
    """

    month: int
    params: Parameters
    grid: MaliGrid
    topology: Topology
    population: np.ndarray
    control: np.ndarray
    administration: np.ndarray
    violence_index: np.ndarray
    support_share: np.ndarray
    accord_adherence: float
    dialogue: np.ndarray
    offensive_orders: np.ndarray
    town_cells: np.ndarray
    sanctuary_cells: np.ndarray
    france_reach: np.ndarray
    town_share: np.ndarray | None = None
    countryside_control: np.ndarray | None = None
