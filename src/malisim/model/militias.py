"""Communal militias (issue 18, item 1): mobilisation of community self-defence groups.

Dan Na Ambassagou (Dogon country), Dozo hunters (Bambara) and Fulani self-defence groups are
mobilised by communal grievance and by attacks on their community in recent months (a memory that
decays), strengthened by state backing, and bounded by the fighting-age people of their community
(the same pool as jihadist recruitment: ``civilians.manpower_factor`` with ``manpower_share``).

This module holds the rules as pure, vectorised functions over communities; it is not yet called
from the model's step (see the helper report of issue 18).
"""

from __future__ import annotations

import numpy as np

from malisim.model.civilians import manpower_factor
from malisim.model.parameters import Parameters

#: Militia actor names as ACLED records them, with ACLED's inter code for identity militias.
MILITIA_ACTORS: tuple[str, ...] = (
    "Dan Na Ambassagou",
    "Dozo Militia",
    "Fulani Ethnic Militia (Mali)",
)
ACLED_IDENTITY_MILITIA_INTER = 4


def attack_memory(memory: np.ndarray, attacks: np.ndarray, params: Parameters) -> np.ndarray:
    """Update each community's memory of attacks suffered: decay, then add this month's attacks.

    Args:
        memory: Memory per militia (events, decayed).
        attacks: Attacks suffered by each militia's community this month.
        params: Model parameters (``militia_memory_decay``).

    Returns:
        The new memory, same shape.
    """
    return memory * (1.0 - params.militia_memory_decay) + np.asarray(attacks, dtype=float)


def mobilisation_target(
    grievance: np.ndarray, memory: np.ndarray, backing: np.ndarray, params: Parameters
) -> np.ndarray:
    """Share of a community's fighting-age pool its militia wants under arms.

    ``base * (1 + grievance_weight * grievance + attack_weight * memory) * (1 + backing_boost *
    backing)``, capped at 1 (the whole pool).

    Args:
        grievance: Mean communal grievance per militia, in ``[0, 1]``.
        memory: Memory of attacks on the community (``attack_memory``).
        backing: State backing per militia, in ``[0, 1]``.
        params: Model parameters.

    Returns:
        Target share of the pool, in ``[0, 1]``.
    """
    drive = 1.0 + params.militia_grievance_weight * np.asarray(grievance, dtype=float)
    drive = drive + params.militia_attack_weight * np.asarray(memory, dtype=float)
    boost = 1.0 + params.militia_backing_boost * np.asarray(backing, dtype=float)
    return np.minimum(params.militia_base_mobilisation * drive * boost, 1.0)


def mobilise(
    fighters: np.ndarray,
    people: np.ndarray,
    grievance: np.ndarray,
    memory: np.ndarray,
    backing: np.ndarray,
    params: Parameters,
) -> np.ndarray:
    """Militia fighters after one month: move towards the target, never beyond the pool.

    The pool is the community's fighting-age people, ``manpower_share * (people + fighters)``;
    recruits are scaled by ``civilians.manpower_factor`` so fighters never exceed it; demobilisation
    when the target falls is at ``militia_adjust_rate``.

    Args:
        fighters: Fighters per militia.
        people: People of each militia's community who are not fighting.
        grievance: Mean communal grievance per militia.
        memory: Memory of attacks on the community.
        backing: State backing per militia.
        params: Model parameters.

    Returns:
        New fighters per militia (people move between ``people`` and fighters; the caller moves
        them).
    """
    fighters = np.asarray(fighters, dtype=float)
    people = np.asarray(people, dtype=float)
    pool = params.manpower_share * (people + fighters)
    target = mobilisation_target(grievance, memory, backing, params) * pool
    gap = params.militia_adjust_rate * (target - fighters)
    wanted = np.maximum(gap, 0.0)
    factor = np.array(
        [
            manpower_factor(float(w), float(f), float(p), params.manpower_share)
            for w, f, p in zip(wanted, fighters, people, strict=True)
        ]
    )  # one entry per militia (three), not per agent
    new = fighters + wanted * factor + np.minimum(gap, 0.0)
    return np.clip(new, 0.0, pool)
