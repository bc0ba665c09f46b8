"""Epstein's civil-violence rules as vectorised numpy functions.

These are the behavioural core shared by the Mali civilian population
(:mod:`malisim.model.civilians`) and the docking replication of Epstein's Model I
(:mod:`malisim.docking.epstein`). Each function works on whole arrays of agents at once.

Rules (Epstein 2002, "Modeling civil violence: An agent-based computational approach", PNAS 99
suppl. 3, 7243-7250):

* grievance ``G = H * (1 - L)``: hardship times illegitimacy of the authority;
* estimated arrest (or reprisal) probability ``P = 1 - exp(-k * ratio)`` where ``ratio`` is the
  number of enforcers over the number of active rebels within vision, counting the agent itself
  as active (so the denominator is at least 1);
* net risk ``N = R * P`` (Epstein's ``J**alpha`` term with ``alpha = 0``);
* an agent is active when ``G - N > T``.

The ratio is rounded before the exponential. Epstein's published runs and NetLogo's Rebellion
replication take ``floor(C / A)``; Mesa's example uses Python's ``round``. The punctuated
equilibrium of the paper depends on flooring: with ``C < A`` the estimated risk is zero, which lets
a local outburst feed itself.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

#: Epstein's arrest-probability constant; chosen so that P = 0.9 when C = 1 and A = 1.
EPSTEIN_K = 2.3
#: Epstein's activation threshold.
EPSTEIN_THRESHOLD = 0.1

Rounding = Literal["floor", "round", "none"]


def grievance(hardship: np.ndarray, legitimacy: np.ndarray | float) -> np.ndarray:
    """Return Epstein's grievance ``H * (1 - L)``.

    Args:
        hardship: Perceived hardship of each agent, in [0, 1].
        legitimacy: Perceived legitimacy of the authority (scalar or per agent), in [0, 1].

    Returns:
        Grievance per agent, in [0, 1].
    """
    return hardship * (1.0 - legitimacy)


def enforcer_ratio(
    enforcers: np.ndarray, actives: np.ndarray, rounding: Rounding = "floor"
) -> np.ndarray:
    """Return the rounded ratio of enforcers to active rebels within vision.

    Args:
        enforcers: Enforcers (cops, or armed forces able to punish) visible to each agent.
        actives: Active rebels visible to each agent, the agent itself included (>= 1).
        rounding: ``"floor"`` (Epstein / NetLogo), ``"round"`` (Mesa's example, Python's
            round-half-to-even) or ``"none"`` (continuous ratio).

    Returns:
        The ratio per agent after rounding.
    """
    ratio = np.asarray(enforcers, dtype=np.float64) / np.maximum(
        np.asarray(actives, dtype=np.float64), 1.0
    )
    if rounding == "floor":
        return np.floor(ratio)
    if rounding == "round":
        return np.round(ratio)  # numpy rounds half to even, as Python's round does
    if rounding == "none":
        return ratio
    raise ValueError(f"rounding must be 'floor', 'round' or 'none', got {rounding!r}")


def arrest_probability(
    enforcers: np.ndarray,
    actives: np.ndarray,
    k: float = EPSTEIN_K,
    rounding: Rounding = "floor",
) -> np.ndarray:
    """Return the estimated probability of arrest ``1 - exp(-k * ratio)``.

    Args:
        enforcers: Enforcers visible to each agent.
        actives: Active rebels visible to each agent, itself included.
        k: Arrest-probability constant (Epstein: 2.3).
        rounding: How the enforcer/active ratio is rounded (see :func:`enforcer_ratio`).

    Returns:
        Probability per agent, in [0, 1).
    """
    return 1.0 - np.exp(-k * enforcer_ratio(enforcers, actives, rounding))


def net_risk(risk_aversion: np.ndarray, p_arrest: np.ndarray) -> np.ndarray:
    """Return the net risk ``R * P`` of turning active."""
    return risk_aversion * p_arrest


def is_active(
    grievance_: np.ndarray, net_risk_: np.ndarray, threshold: float = EPSTEIN_THRESHOLD
) -> np.ndarray:
    """Return a boolean mask of agents whose ``G - N`` exceeds the threshold."""
    return (grievance_ - net_risk_) > threshold
