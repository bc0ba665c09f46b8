"""The ABC distance between simulated and documented target values.

Each fitted target ``i`` contributes a standardised residual

* counts and stocks (people, deaths): ``r_i = (log1p(sim_i) - log1p(obs_i)) / s_i`` with the
  default scale ``s_i = 0.25`` -- a relative miss of about 28 % counts as one unit, roughly the
  uncertainty of the documented figures themselves (UN displacement figures are revised by
  tens of percent; ACLED counts of civilian deaths depend on coding choices);
* rates (GDP growth): ``r_i = (sim_i - obs_i) / s_i`` with ``s_i = 0.01``: one percentage point
  of growth, the size of IMF revisions of Mali's GDP growth;
* shares (approval, control) and regional shares: ``r_i = (sim_i - obs_i) / s_i`` with
  ``s_i = 0.05``: the sampling and wording uncertainty of a poll, five points of a share.

The distance is the root mean square of the residuals over the fitted targets,
``d = sqrt(mean_i r_i^2)``; ``d = 1`` means the simulation misses every target by about one
scale. A simulation that does not produce a target (NaN) is infinitely far. Scales can be
overridden per target (``scales:`` in the calibration file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from malisim.analysis.targets import Target

#: Default scale per target kind (see the module docstring).
DEFAULT_SCALES: dict[str, float] = {
    "count": 0.25,
    "stock": 0.25,
    "rate": 0.01,
    "share": 0.05,
    "regional_share": 0.05,
}
#: Kinds compared on the log1p scale.
LOG_KINDS = ("count", "stock")


def transform(values: np.ndarray, kind: str) -> np.ndarray:
    """Put values of one kind on the scale on which residuals are measured."""
    values = np.asarray(values, dtype=float)
    return np.log1p(np.maximum(values, 0.0)) if kind in LOG_KINDS else values


def target_scales(
    targets: Sequence[Target], overrides: Mapping[str, float] | None = None
) -> np.ndarray:
    """Return each target's scale (an override by label, else the default of its kind)."""
    overrides = overrides or {}
    return np.array([overrides.get(t.name, DEFAULT_SCALES[t.kind]) for t in targets], dtype=float)


def residuals(
    simulated: np.ndarray,
    targets: Sequence[Target],
    overrides: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Standardised residuals.

    Args:
        simulated: ``(n_runs, n_targets)`` simulated values, columns in the order of ``targets``.
        targets: The targets.
        overrides: Per-target scale overrides.

    Returns:
        ``(n_runs, n_targets)`` residuals (NaN where a value is missing).
    """
    sim = np.atleast_2d(np.asarray(simulated, dtype=float))
    out = np.empty_like(sim)
    for j, t in enumerate(targets):
        out[:, j] = transform(sim[:, j], t.kind) - transform(np.array([t.value]), t.kind)[0]
    return out / target_scales(targets, overrides)


def distance(
    simulated: np.ndarray,
    targets: Sequence[Target],
    overrides: Mapping[str, float] | None = None,
) -> np.ndarray:
    """RMS of the standardised residuals per run (``inf`` for a run missing a target).

    Raises:
        ValueError: If a target is out-of-sample: those are scored, never fitted (the
            calibration file refuses them first, with its line).
    """
    refused = [t.name for t in targets if t.split == "out_of_sample"]
    if refused:
        raise ValueError(f"out-of-sample targets cannot be fitted: {', '.join(refused)}")
    r = residuals(simulated, targets, overrides)
    d = np.sqrt(np.mean(r**2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)
