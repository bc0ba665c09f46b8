"""What the communal conflict inherits from 2018, and the local truces of 2019-2021 (issue 20).

Two rules on top of the communal militias (:mod:`malisim.model.militias`):

* :func:`inherited_memory` — a run starting in January 2019 does not start the reprisal cycle
  cold: 2018 was already a year of communal massacres in central Mali (OHCHR: at least 289
  civilians killed in 99 incidents of communal violence in the first half of 2018, more than 75%
  in Mopti, ``defenceWeb2018militia``; the Koumaga massacre of June 2018, ``BSS2018koumaga``).
  Each community's memory of attacks starts at the steady state of
  :func:`malisim.model.militias.attack_memory` under a month of 2018, in which a share
  ``militia_prior_hit_share`` of its militia's home area was hit.
* :func:`truce_bound` — local truces: community agreements facilitated by the Centre for
  Humanitarian Dialogue in Mopti's cercles (Koro, January 2021, ``HD2021koro``) and the Niono
  ceasefire between the Dozo and JNIM's Katiba Macina (March 2021, ``RFI2021nionotruce``). Where a
  truce covering a militia holds (:func:`truce_mask`, cells within ``truce_radius_km`` of the
  places it names), a share ``truce_compliance`` of that militia's fighters stand down: they
  neither attack the communities they hold responsible nor fight the jihadists; where only some
  of a cercle's communes signed, the share stands down in proportion (the truce's coverage)
  (:meth:`malisim.model.militias.Militias.violence` sets them aside for the month).

The dated truces are policies (``local_truce`` in :mod:`malisim.policies.truces`, set through
the ``set_truce_areas`` hook); the rules here are pure functions of arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from malisim.model.parameters import Parameters
from malisim.model.space import MaliGrid, haversine_km


def home_exposure(shares: np.ndarray, reach: np.ndarray, community: Sequence[int]) -> np.ndarray:
    """Attacks each militia's community would suffer in a month its whole home area is hit.

    The bound of :func:`malisim.model.militias.attacks_suffered`: the sum over cells of the
    community's share of the people times the pull of the militia's home areas.

    Args:
        shares: ``(n_communities, n_cells)`` share of each community in each cell's people.
        reach: ``(n_militias, n_cells)`` pull of each militia's home areas.
        community: The community of each militia (``militias.MILITIA_COMMUNITY``).

    Returns:
        ``(n_militias,)`` attacks (the unit of ``Militias.memory``).
    """
    return np.einsum("mc,mc->m", shares[list(community)], reach)


def inherited_memory(
    people: np.ndarray, reach: np.ndarray, community: Sequence[int], params: Parameters
) -> tuple[np.ndarray, np.ndarray]:
    """Each community's memory of attacks at the start: the steady state of a month of 2018.

    A month of 2018 hit ``militia_prior_hit_share`` of the militia's home area
    (:func:`home_exposure`): ``attacks``. ``attack_memory`` keeps ``memory * (1 - decay) +
    attacks``, whose steady state under ``attacks`` every month is ``attacks / decay``; the
    model starts from that memory and mobilises once with that month's attacks, which leaves
    the memory at its steady state.

    Args:
        people: ``(n_communities, n_cells)`` people present (``militias.community_people``).
        reach: ``(n_militias, n_cells)`` pull of each militia's home areas.
        community: The community of each militia (``militias.MILITIA_COMMUNITY``).
        params: Model parameters (``militia_prior_hit_share``, ``militia_memory_decay``).

    Returns:
        ``(memory, attacks)``, each ``(n_militias,)`` (zeros when the share is 0).
    """
    shares = people / np.maximum(people.sum(axis=0), 1.0)
    attacks = params.militia_prior_hit_share * home_exposure(shares, reach, community)
    return attacks / params.militia_memory_decay, attacks


def truce_mask(
    grid: MaliGrid, places: Sequence[tuple[float, float, float]], radius_km: float
) -> np.ndarray:
    """Coverage of each cell by a militia's truces: the largest of the places covering it.

    A place covers its own cell and the cells within ``radius_km`` of it, with its coverage
    (the share of the cercle's communes whose communities signed).

    Args:
        grid: The grid.
        places: ``(lat, lon, coverage)`` of the places the truces name (a cercle's seat).
        radius_km: Extent of the covered area around each place (``truce_radius_km``).

    Returns:
        ``(n_cells,)`` coverage in ``[0, 1]``.
    """
    out = np.zeros(grid.n_cells)
    if not places:
        return out
    pts = np.asarray(places, dtype=float).reshape(-1, 3)
    d = np.asarray(
        haversine_km(grid.lat[:, None], grid.lon[:, None], pts[None, :, 0], pts[None, :, 1])
    )
    row = np.floor((pts[:, 0] + 90.0) / 0.5).astype(int)  # the cell holding each place
    col = np.floor((pts[:, 1] + 180.0) / 0.5).astype(int)
    own = np.asarray(grid.gid)[:, None] == (row * 720 + col + 1)[None, :]
    covered = (d <= radius_km) | own
    return np.max(np.where(covered, np.clip(pts[None, :, 2], 0.0, 1.0), 0.0), axis=1)


def truce_areas_mask(
    grid: MaliGrid,
    areas: Mapping[str, Sequence[tuple[float, float, float]]],
    militia_keys: Sequence[str],
    radius_km: float,
) -> np.ndarray | None:
    """``(n_militias, n_cells)`` coverage of each militia by the truces in force (None: none).

    Args:
        grid: The grid.
        areas: Militia key -> ``(lat, lon, coverage)`` of the places of the truces covering it.
        militia_keys: The militias in row order (``militias.MILITIA_KEYS``).
        radius_km: ``truce_radius_km``.

    Raises:
        ValueError: If a key is not a militia.
    """
    unknown = sorted(set(areas) - set(militia_keys))
    if unknown:
        raise ValueError(f"unknown militia {unknown}; the militias are {', '.join(militia_keys)}")
    if not any(areas.values()):
        return None
    return np.vstack([truce_mask(grid, areas.get(k, ()), radius_km) for k in militia_keys])


def truce_bound(mask: np.ndarray | None, params: Parameters) -> np.ndarray | None:
    """Share of each militia's fighters per cell who stand down under a truce this month.

    ``truce_compliance`` times the truces' coverage of the cell (:func:`truce_areas_mask`: the
    share of the cercle's communes that signed), 0 elsewhere; None when no truce is in force
    (the militias' rules then run unchanged).

    Args:
        mask: ``(n_militias, n_cells)`` coverage, or None.
        params: Model parameters (``truce_compliance``).
    """
    if mask is None or params.truce_compliance <= 0.0:
        return None
    return mask * params.truce_compliance
