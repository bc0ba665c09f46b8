"""The grid's neighbourhood as an edge list, and the neighbourhood operations the rules use.

:class:`Topology` turns the Moore neighbourhoods of a :class:`~malisim.model.space.MaliGrid`
(CSR arrays) into one directed edge per (cell, neighbour) pair: ``edge_src[k]`` is a cell and
``edge_dst[k]`` one of its neighbours. Every rule that looks at neighbouring cells (state
deployment, jihadist expansion and massing, peacekeeper patrols, sieges, the French strike
reach) uses these edges, so the neighbourhood is defined in one place.
"""

from __future__ import annotations

import numpy as np

from malisim.model.space import MaliGrid


class Topology:
    """Directed neighbour edges of a grid and vectorised operations over them.

    Args:
        grid: The grid whose Moore (8-) neighbourhoods define the edges.

    Attributes:
        n_cells: Number of cells.
        edge_src: Cell of each edge.
        edge_dst: Neighbour of each edge.
    """

    def __init__(self, grid: MaliGrid) -> None:
        indptr, indices = grid.neighbor_indptr, grid.neighbor_indices
        self._grid = grid
        self.n_cells: int = grid.n_cells
        self.edge_src: np.ndarray = np.repeat(np.arange(grid.n_cells), np.diff(indptr))
        self.edge_dst: np.ndarray = np.asarray(indices, dtype=np.intp)
        degree = np.bincount(self.edge_src, minlength=self.n_cells)
        degree.flags.writeable = False
        self._degree = degree

    def neighbor_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each cell's neighbours (the cell itself excluded)."""
        return np.bincount(self.edge_src, weights=values[self.edge_dst], minlength=self.n_cells)

    def neighbor_any(self, mask: np.ndarray) -> np.ndarray:
        """Cells with at least one neighbour where ``mask`` holds."""
        return self.neighbor_sum(mask.astype(float)) > 0

    def neighbor_max(self, values: np.ndarray) -> np.ndarray:
        """Maximum of ``values`` over each cell's neighbours (0 where a cell has none)."""
        out = np.zeros(self.n_cells)
        np.maximum.at(out, self.edge_src, values[self.edge_dst])
        return out

    def degree(self) -> np.ndarray:
        """Number of neighbours of each cell (computed once; read-only)."""
        return self._degree

    def reach(self, mask: np.ndarray, radius: int) -> np.ndarray:
        """1 for cells within ``radius`` steps of a cell where ``mask`` holds, 0 elsewhere.

        Args:
            mask: Boolean mask of the origin cells (e.g. the French bases).
            radius: Steps (Chebyshev distance on rows and columns).

        Returns:
            Float array of 0 and 1.
        """
        indptr, indices = self._grid.within(radius)
        src = np.repeat(np.arange(self.n_cells), np.diff(indptr))
        near = mask.copy()
        np.logical_or.at(near, src, mask[indices])
        return np.where(near, 1.0, 0.0)
