"""The ABC distance between simulated and documented target values.

Each fitted target ``i`` contributes a standardised residual

* counts and stocks (people, deaths): ``r_i = (log1p(sim_i) - log1p(obs_i)) / s_i`` with the
  default scale ``s_i = 0.25`` -- a relative miss of about 28 % counts as one unit, roughly the
  uncertainty of the documented figures themselves (UN displacement figures are revised by
  tens of percent; ACLED counts of civilian deaths depend on coding choices);
* rates (GDP growth): ``r_i = (sim_i - obs_i) / s_i`` with ``s_i = 0.01``: one percentage point
  of growth, the size of IMF revisions of Mali's GDP growth;
* shares (approval, control) and regional shares: ``r_i = (sim_i - obs_i) / s_i`` with
  ``s_i = 0.05``: the sampling and wording uncertainty of a poll, five points of a share;
* shares of a total (the perpetrators' shares of the civilian deaths): ``r_i = (sim_i - obs_i) /
  s_i`` with ``s_i = 0.05``, five points of a share, as for the other shares.

*Scales from the tolerance* (``scale: tolerance``, the default of a ``patterns`` section): a
figure with a ``relative:R`` or ``absolute:A`` tolerance is scaled by the tolerance's upper
half-width on the residual's scale, ``s_i = T(obs_i (1 + R)) - T(obs_i)`` or
``T(obs_i + A) - T(obs_i)`` (``T`` is log1p for counts and stocks, the identity otherwise;
``relative:0.1`` on an IDP stock gives ``s = log 1.1 = 0.095``): ``|r_i| = 1`` is the edge of the
tolerance, so a distance below one means every fitted figure is inside its tolerance. Figures
without such a tolerance keep the default of their kind.

*Bounds.* A figure whose tolerance is a bound (``at_least:X``, ``at_most:X``, ``range:LO:HI``)
has a residual that is zero inside the bound and grows outside it: ``r_i = (max(0, T(lo) -
T(sim_i)) + max(0, T(sim_i) - T(hi))) / s_i`` with its kind's default scale (a count 28 % below
an ``at_least`` is one unit).

*Weights.* The distance is the weighted root mean square of the residuals,
``d = sqrt(sum_i w_i r_i^2 / sum_i w_i)``; ``d = 1`` means the simulation misses every target by
about one scale. Without weights every fitted figure counts once (``w_i = 1``). A ``patterns``
section weights *observable families* (all figures of one observable: ``idps``,
``civilian_fatalities``, ``gdp_growth``, ...; the regional shares of an observable form a family
of their own, ``idps:regional_share``, and the shares of a total one family per total, the mix
``civilian_fatalities:share_of_total`` of the perpetrators' shares of the civilian deaths):
family ``f`` has weight ``W_f`` (default 1), shared equally by its ``n_f`` figures,
``w_i = W_f / n_f``, so that seven IDP stocks weigh as much as one approval poll unless the file
says otherwise. A simulation that does not produce a target (NaN) is infinitely far. Scales can
be overridden per target (``scales:`` in the calibration file).

Figures out of sample (a period ending after the fit period, 2022-12) are refused by
:func:`distance` whatever their ``split`` says, so no code path can fit them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from malisim.analysis.targets import TOTAL_OF, Target, split_of

#: Default scale per target kind (see the module docstring).
DEFAULT_SCALES: dict[str, float] = {
    "count": 0.25,
    "stock": 0.25,
    "rate": 0.01,
    "share": 0.05,
    "regional_share": 0.05,
    "share_of_total": 0.05,
}
#: Kinds compared on the log1p scale.
LOG_KINDS = ("count", "stock")
#: Tolerance rules that are bounds: zero residual inside, growing outside.
BOUND_RULES = ("at_least", "at_most", "range")
#: How scales are chosen: the kind's default, or the figure's tolerance (module docstring).
SCALE_MODES = ("kind", "tolerance")


def transform(values: np.ndarray, kind: str) -> np.ndarray:
    """Put values of one kind on the scale on which residuals are measured."""
    values = np.asarray(values, dtype=float)
    return np.log1p(np.maximum(values, 0.0)) if kind in LOG_KINDS else values


def is_bound(target: Target) -> bool:
    """Whether a target's tolerance is a bound (``at_least``, ``at_most``, ``range``)."""
    return target.tolerance.rule in BOUND_RULES


def tolerance_scale(target: Target) -> float | None:
    """The scale a ``relative`` or ``absolute`` tolerance gives (None for others)."""
    rule, value = target.tolerance.rule, target.value
    if rule not in ("relative", "absolute"):
        return None
    high = target.tolerance.high
    obs = transform(np.array([value]), target.kind)[0]
    width = float(transform(np.array([high]), target.kind)[0] - obs)
    return width if width > 0 else None


def target_scales(
    targets: Sequence[Target],
    overrides: Mapping[str, float] | None = None,
    mode: str = "kind",
) -> np.ndarray:
    """Return each target's scale (see the module docstring).

    Args:
        targets: The targets.
        overrides: Per-target scales by label (they win).
        mode: ``kind`` (the default of the target's kind) or ``tolerance`` (the half-width
            of a ``relative``/``absolute`` tolerance, else the kind's default).
    """
    overrides = overrides or {}
    out = []
    for t in targets:
        scale = DEFAULT_SCALES[t.kind]
        if mode == "tolerance" and not is_bound(t):
            scale = tolerance_scale(t) or scale
        out.append(overrides.get(t.name, scale))
    return np.array(out, dtype=float)


def family_of(target: Target) -> str:
    """A target's observable family: its observable, or the whole a kind of share divides.

    A region's share of an observable is another kind of pattern than the observable's count or
    stock, so the regional shares of an observable form a family of their own
    (``idps:regional_share``). The shares of one total, whatever the part, form one family too,
    named after the total: the perpetrators' shares of the civilian deaths are one pattern,
    the mix ``civilian_fatalities:share_of_total``, which weighs as much as any other family and
    does not share the weight of a perpetrator's count.
    """
    if target.kind == "regional_share":
        return f"{target.target}:regional_share"
    if target.kind == "share_of_total":
        return f"{TOTAL_OF[target.target]}:share_of_total"
    return target.target


def target_weights(
    targets: Sequence[Target], families: Mapping[str, float] | None = None
) -> np.ndarray:
    """Each target's weight: 1 without families, else ``W_f / n_f`` (module docstring).

    Args:
        targets: The fitted targets.
        families: Family (:func:`family_of`) -> weight ``W_f`` (missing families weigh 1), or
            None for equal weights per figure.
    """
    if families is None:
        return np.ones(len(targets))
    counts: dict[str, int] = {}
    for t in targets:
        counts[family_of(t)] = counts.get(family_of(t), 0) + 1
    return np.array([families.get(family_of(t), 1.0) / counts[family_of(t)] for t in targets])


def residuals(
    simulated: np.ndarray,
    targets: Sequence[Target],
    overrides: Mapping[str, float] | None = None,
    mode: str = "kind",
) -> np.ndarray:
    """Standardised residuals (zero inside a bound; see the module docstring).

    Args:
        simulated: ``(n_runs, n_targets)`` simulated values, columns in the order of ``targets``.
        targets: The targets.
        overrides: Per-target scale overrides.
        mode: How scales are chosen (:data:`SCALE_MODES`).

    Returns:
        ``(n_runs, n_targets)`` residuals (NaN where a value is missing).
    """
    sim = np.atleast_2d(np.asarray(simulated, dtype=float))
    out = np.empty_like(sim)
    for j, t in enumerate(targets):
        x = transform(sim[:, j], t.kind)
        if is_bound(t):
            lo, hi = transform(np.array([t.tolerance.low, t.tolerance.high]), t.kind)
            below = np.where(x < lo, lo - x, 0.0)
            above = np.where(x > hi, x - hi, 0.0)
            out[:, j] = np.where(np.isnan(x), np.nan, below + above)
        else:
            out[:, j] = x - transform(np.array([t.value]), t.kind)[0]
    return out / target_scales(targets, overrides, mode)


def distance(
    simulated: np.ndarray,
    targets: Sequence[Target],
    overrides: Mapping[str, float] | None = None,
    mode: str = "kind",
    families: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Weighted RMS of the standardised residuals per run (``inf`` for a run missing one).

    Args:
        simulated: ``(n_runs, n_targets)`` simulated values.
        targets: The fitted targets.
        overrides: Per-target scale overrides.
        mode: How scales are chosen (:data:`SCALE_MODES`).
        families: Observable family weights (None: every figure weighs 1).

    Raises:
        ValueError: If a target is out-of-sample (by its ``split`` or by its period): those
            are scored, never fitted (the calibration file refuses them first, with its line).
    """
    refused = [
        t.name for t in targets if t.split == "out_of_sample" or split_of(t.start, t.end) != "fit"
    ]
    if refused:
        raise ValueError(f"out-of-sample targets cannot be fitted: {', '.join(refused)}")
    r = residuals(simulated, targets, overrides, mode)
    w = target_weights(targets, families)
    d = np.sqrt((r**2) @ w / w.sum())
    return np.where(np.isfinite(d), d, np.inf)
