"""Forecast scores: an ensemble of simulated values against what was observed, and naive baselines.

A forecast here is an *ensemble*: an array of draws whose last axis holds the draws, shape
``(..., n_draws)``, scored against observed values of shape ``(...)`` (the two broadcast, so a
baseline of shape ``(units, 1, n_draws)`` scores every month of ``(units, months)``). Every
function is vectorised over the leading axes: one call scores every cell-month of a run set.

* :func:`crps_ensemble` — the continuous ranked probability score of the ensemble's empirical
  distribution (lower is better, in the unit of the data); :func:`crps_normal` is the closed
  form for a normal forecast, a reference for tests;
* :func:`ignorance` — the ignorance (logarithmic) score of the ensemble binned into fatality
  classes (:data:`FATALITY_BIN_EDGES`), in bits, with add-one smoothing;
* :func:`central_interval`, :func:`interval_coverage` — the central interval of the draws and
  whether it contains the observation;
* baselines in ensemble form, built from an observed history of shape ``(units, months)``:
  :func:`zero_forecast`, :func:`persistence_forecast`, :func:`climatology_forecast`;
* :func:`skill` — ``1 - model / baseline`` of mean scores: a forecast is judged by its
  improvement over naive baselines, since a raw CRPS of sparse counts means little alone;
* :func:`score_table` — all of the above for a model and its baselines, per unit and overall
  (:class:`ScoreTable`).

References. CRPS: Gneiting, T. and Raftery, A. E. (2007), "Strictly proper scoring rules,
prediction, and estimation", *Journal of the American Statistical Association* 102(477):
359-378, doi:10.1198/016214506000001437. Background on the ViEWS early-warning system and its
first prediction competition: Hegre, H. et al. (2019), "ViEWS: A political violence
early-warning system", *Journal of Peace Research* 56(2): 155-174,
doi:10.1177/0022343319823860; Vesco, P. et al. (2022), "United they stand: Findings from an
escalation prediction competition", *International Interactions*,
doi:10.1080/03050629.2022.2029856. The fatality classes, the smoothing of the ignorance score
and skill against naive baselines are cited as "the ViEWS convention" only: their exact form
was not confirmed in those papers' text.

numpy and pandas are imported at module level, scipy.special only inside :func:`crps_normal`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

#: Inner edges of the fatality classes of :func:`ignorance`: 0, 1-2, 3-5, 6-10, 11-25, 26-50,
#: 51-100, 101-250, 251-500, 501-1000 and more than 1000 (eleven classes). The edges sit half
#: way between integers, so a count is never on an edge; a value ``v`` falls in class
#: ``searchsorted(edges, v, side="right")``. The classes are the ViEWS convention for binning
#: monthly fatality counts.
FATALITY_BIN_EDGES: tuple[float, ...] = (
    0.5, 2.5, 5.5, 10.5, 25.5, 50.5, 100.5, 250.5, 500.5, 1000.5,
)  # fmt: skip
#: Labels of the classes of :data:`FATALITY_BIN_EDGES`, in order.
FATALITY_BIN_LABELS: tuple[str, ...] = (
    "0", "1-2", "3-5", "6-10", "11-25", "26-50", "51-100", "101-250", "251-500", "501-1000",
    ">1000",
)  # fmt: skip
#: Pseudo-draws added to every class before :func:`ignorance` takes the class frequencies.
IGNORANCE_PSEUDO_COUNT = 1.0
#: Central interval levels reported by :func:`score_table`.
COVERAGE_LEVELS: tuple[float, ...] = (0.5, 0.9)
#: The name of the scored forecast in :class:`ScoreTable`.
MODEL = "model"


def _ensemble(samples: ArrayLike, observed: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Samples as floats with at least one axis, observed as floats; broadcasting checked."""
    x = np.asarray(samples, dtype=float)
    if x.ndim == 0:
        x = x[None]
    y = np.asarray(observed, dtype=float)
    try:
        np.broadcast_shapes(x.shape[:-1], y.shape)
    except ValueError:
        raise ValueError(
            f"samples of shape {x.shape} (draws on the last axis) do not match observed values "
            f"of shape {y.shape}"
        ) from None
    return x, y


def crps_ensemble(samples: ArrayLike, observed: ArrayLike) -> np.ndarray:
    r"""Continuous ranked probability score of ensemble forecasts (lower is better).

    With the ensemble's empirical distribution (draws :math:`x_1 \le \dots \le x_n`, sorted)
    and observation :math:`y`, following Gneiting & Raftery (2007):

    .. math::

        \mathrm{CRPS} = E|X - y| - \tfrac12 E|X - X'|
        = \frac1n \sum_i |x_i - y| - \frac1{n^2} \sum_i (2i - n - 1)\, x_i,

    the second form from the sorted draws in O(n log n) instead of the O(n²) pair sum. The score
    is in the unit of the data and equals the absolute error for a one-draw (point) forecast.

    Args:
        samples: Draws, shape ``(..., n_draws)``.
        observed: Observed values, shape broadcastable with ``samples.shape[:-1]``.

    Returns:
        The scores, shape ``broadcast(samples.shape[:-1], observed.shape)``; NaN where a draw or
        the observation is NaN, and everywhere when there are no draws.
    """
    x, y = _ensemble(samples, observed)
    n = x.shape[-1]
    shape = np.broadcast_shapes(x.shape[:-1], y.shape)
    if n == 0:
        return np.full(shape, np.nan)
    x = np.sort(x, axis=-1)
    spread = (x @ (2.0 * np.arange(1, n + 1) - n - 1)) / (n * n)
    error = np.abs(x - y[..., None]).mean(axis=-1)
    return np.broadcast_to(error - spread, shape).copy()


def crps_normal(mu: ArrayLike, sigma: ArrayLike, y: ArrayLike) -> np.ndarray:
    r"""Closed-form CRPS of a normal forecast N(mu, sigma²) at ``y`` (Gneiting & Raftery 2007).

    .. math::

        \mathrm{CRPS} = \sigma \left[ z \,(2\Phi(z) - 1) + 2\varphi(z)
        - \tfrac1{\sqrt\pi} \right], \qquad z = \frac{y - \mu}{\sigma},

    with :math:`\Phi` and :math:`\varphi` the standard normal distribution and density; at
    ``sigma = 0`` the forecast is a point and the score is ``|y - mu|``.

    Args:
        mu: Forecast means.
        sigma: Forecast standard deviations (non-negative).
        y: Observations; the three broadcast.

    Returns:
        The scores, of the broadcast shape.

    Raises:
        ValueError: A standard deviation is negative.
    """
    from scipy.special import ndtr

    mu_, sigma_, y_ = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (mu, sigma, y)))
    if np.any(sigma_ < 0):
        raise ValueError("crps_normal: sigma must be non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y_ - mu_) / sigma_
        density = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
        score = sigma_ * (z * (2 * ndtr(z) - 1) + 2 * density - 1 / np.sqrt(np.pi))
    return np.where(sigma_ == 0, np.abs(y_ - mu_), score)


def bin_index(values: ArrayLike, edges: Sequence[float] = FATALITY_BIN_EDGES) -> np.ndarray:
    """The class of each value: the number of edges at or below it (0 .. len(edges))."""
    e = np.asarray(edges, dtype=float)
    if e.ndim != 1 or e.size == 0 or np.any(np.diff(e) <= 0):
        raise ValueError(f"bin edges must be a non-empty increasing sequence, got {edges!r}")
    return np.searchsorted(e, np.asarray(values, dtype=float), side="right")


def ignorance(
    samples: ArrayLike,
    observed: ArrayLike,
    bins: Sequence[float] = FATALITY_BIN_EDGES,
    pseudo_count: float = IGNORANCE_PSEUDO_COUNT,
) -> np.ndarray:
    r"""Ignorance score of binned ensemble forecasts, in bits (lower is better).

    The draws are binned into ``K = len(bins) + 1`` classes by the inner edges ``bins`` (by
    default the fatality classes of :data:`FATALITY_BIN_EDGES`); with :math:`c` of the
    :math:`n` draws in the observation's class and a pseudo-count :math:`a` added to every class,

    .. math::

        \mathrm{IGN} = -\log_2 p, \qquad p = \frac{c + a}{n + aK}.

    **Smoothing.** With ``a = 0`` a class no draw reached gets probability 0 and an infinite
    score, so a single surprising unit-month would make every mean score infinite and every
    comparison with a baseline meaningless. The default is add-one smoothing (``a = 1``, one
    pseudo-draw per class, as in the ViEWS convention): every class keeps a probability of at
    least ``1 / (n + K)``, the score is at most ``log2(n + K)`` bits, and a forecast that puts
    all draws in the observed class scores ``-log2((n + 1) / (n + K))``, near 0 for many draws
    (0.14 bits for 100 draws and 11 classes). ``pseudo_count=0`` gives the raw score.

    The smoothing weighs more on a small ensemble (a one-draw point forecast that hits scores
    ``log2(12 / 2)`` = 2.6 bits with the default classes), so compare forecasts with about the
    same number of draws: give a point forecast as many identical draws as the model has
    (:func:`score_table` does).

    Args:
        samples: Draws, shape ``(..., n_draws)``.
        observed: Observed values, shape broadcastable with ``samples.shape[:-1]``.
        bins: Inner class edges, increasing; a value equal to an edge is in the upper class.
        pseudo_count: Pseudo-draws added to every class (non-negative).

    Returns:
        The scores in bits, of the broadcast shape; NaN where a draw or the observation is NaN,
        and everywhere when there are no draws and no pseudo-count.

    Raises:
        ValueError: The edges are not increasing or the pseudo-count is negative.
    """
    if pseudo_count < 0:
        raise ValueError(f"pseudo_count must be non-negative, got {pseudo_count}")
    x, y = _ensemble(samples, observed)
    n = x.shape[-1]
    k = len(bins) + 1
    hits = (bin_index(x, bins) == bin_index(y, bins)[..., None]).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = -np.log2((hits + pseudo_count) / (n + pseudo_count * k))
    missing = np.isnan(y) | np.isnan(x).any(axis=-1)
    return np.where(missing, np.nan, score)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"interval level must be between 0 and 1 (exclusive), got {level}")


def central_interval(samples: ArrayLike, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of each ensemble, from its quantiles.

    The bounds are the ``(1-level)/2`` and ``(1+level)/2`` quantiles of the draws (numpy's
    default, linear interpolation between order statistics).

    Args:
        samples: Draws, shape ``(..., n_draws)``.
        level: Interval level, e.g. 0.9 for the 5-95 % interval.

    Returns:
        ``(low, high)``, each of shape ``samples.shape[:-1]``.
    """
    _check_level(level)
    x = np.asarray(samples, dtype=float)
    # rounded so that 0.9 gives the 0.05 quantile, not the 0.04999... one
    probs = [round((1 - level) / 2, 12), round((1 + level) / 2, 12)]
    low, high = np.quantile(np.atleast_1d(x), probs, axis=-1)
    return low, high


def interval_coverage(samples: ArrayLike, observed: ArrayLike, level: float) -> np.ndarray:
    """Whether the central ``level`` interval of each ensemble contains its observation.

    The interval is closed, ``low <= y <= high`` (:func:`central_interval`), so a point forecast
    covers only its own value. Over many forecasts the fraction covered estimates the interval's
    coverage: about ``level`` for a calibrated forecast.

    Args:
        samples: Draws, shape ``(..., n_draws)``.
        observed: Observed values, shape broadcastable with ``samples.shape[:-1]``.
        level: Interval level.

    Returns:
        Booleans of the broadcast shape (a 0-d array for one forecast); False where the
        observation or a draw is NaN.
    """
    x, y = _ensemble(samples, observed)
    low, high = central_interval(x, level)
    return (low <= y) & (y <= high)


def zero_forecast(shape: tuple[int, ...]) -> np.ndarray:
    """The "no violence anywhere" baseline: zeros of ``shape``, e.g. ``(units, months, 1)``.

    With one draw it is a point forecast: its CRPS is the observed value itself.
    """
    return np.zeros(shape)


def _history(history: ArrayLike) -> np.ndarray:
    h = np.asarray(history, dtype=float)
    if h.ndim != 2 or h.shape[1] == 0:
        raise ValueError(f"history must have shape (units, months) with months > 0, got {h.shape}")
    return h


def persistence_forecast(history: ArrayLike, horizon: int, window: int = 1) -> np.ndarray:
    """The persistence baseline: the last observed values, repeated over the forecast months.

    Each unit's forecast for every month of the horizon is the ensemble of its last ``window``
    observed values (equally weighted draws). ``window=1`` is the last value as a point forecast
    (on yearly figures, the last fitted year's value); ``window=12`` on a monthly history is the
    distribution of the last fitted year's months.

    Args:
        history: Observed values of the fit period, shape ``(units, months)``, oldest first.
        horizon: Number of forecast months.
        window: Number of last values that form the ensemble (1 .. months).

    Returns:
        Draws of shape ``(units, horizon, window)``.
    """
    h = _history(history)
    if horizon < 1 or not 1 <= window <= h.shape[1]:
        raise ValueError(
            f"horizon must be >= 1 and window in 1..{h.shape[1]}, got {horizon} and {window}"
        )
    last = h[:, -window:]
    return np.broadcast_to(last[:, None, :], (h.shape[0], horizon, window)).copy()


def climatology_forecast(history: ArrayLike, n_draws: int) -> np.ndarray:
    """The climatology baseline: each unit's empirical distribution of its fit-period values.

    Deterministic: the draws are the quantiles of the unit's observed values at the midpoint
    probabilities ``(j + 0.5) / n_draws`` (``j = 0 .. n_draws-1``), taken with the inverse of
    the empirical distribution function, so every draw is an observed value (counts stay counts)
    and a multiple of the months as ``n_draws`` reproduces the empirical distribution exactly.
    NaN values in the history are left out; a unit with none observed gets NaN draws.

    Args:
        history: Observed values of the fit period, shape ``(units, months)``.
        n_draws: Number of draws per unit.

    Returns:
        Draws of shape ``(units, 1, n_draws)``, which broadcast over the forecast months.
    """
    h = _history(history)
    if n_draws < 1:
        raise ValueError(f"n_draws must be >= 1, got {n_draws}")
    probs = (np.arange(n_draws) + 0.5) / n_draws
    empty = np.isnan(h).all(axis=1)
    filled = np.where(empty[:, None], 0.0, h)
    draws = np.nanquantile(filled, probs, axis=1, method="inverted_cdf").T
    draws[empty] = np.nan
    return draws[:, None, :]


def skill(score_model: ArrayLike, score_baseline: ArrayLike, axis: int | None = None) -> np.ndarray:
    """Skill of a forecast against a baseline: ``1 - mean(model) / mean(baseline)``.

    Means of a negatively oriented score (CRPS, ignorance) over the same forecasts: only the
    positions where both scores are finite count. 0 when the forecast is the baseline, positive
    when it scores better (1 for a perfect forecast), negative when worse. This relative
    improvement over naive baselines is the ViEWS convention.

    **Rule for a zero baseline.** When the baseline's mean score is 0 (a perfect baseline, such
    as "zero everywhere" where nothing happened) or undefined (no common finite score), the
    skill is NaN: no forecast can improve on it, and a ratio against 0 is undefined.

    Args:
        score_model: The forecast's scores.
        score_baseline: The baseline's scores, same shape.
        axis: Axis to average over (None: all), e.g. the months for a skill per unit.

    Returns:
        The skill: a 0-d array for ``axis=None``, else the means' shape.
    """
    m = np.asarray(score_model, dtype=float)
    b = np.asarray(score_baseline, dtype=float)
    if m.shape != b.shape:
        raise ValueError(f"score shapes differ: {m.shape} and {b.shape}")
    both = np.isfinite(m) & np.isfinite(b)
    count = both.sum(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_m = np.where(both, m, 0.0).sum(axis=axis) / count
        mean_b = np.where(both, b, 0.0).sum(axis=axis) / count
        out = 1.0 - mean_m / mean_b
    return np.asarray(np.where((count > 0) & (mean_b != 0), out, np.nan))


@dataclass(frozen=True)
class ScoreTable:
    """Scores of a forecast and its baselines (:func:`score_table`).

    Attributes:
        per_unit: One row per unit (index ``unit``): ``n`` (months scored), the model's mean
            ``crps``, ``ignorance``, ``coverage_50`` and ``coverage_90`` (fraction of months
            inside the interval), and for each baseline ``b`` its ``crps_<b>`` and
            ``ignorance_<b>`` and the model's ``crps_skill_<b>`` and ``ignorance_skill_<b>``.
        summary: One row per forecast (index ``forecast``: ``model``, then the baselines) over
            all scored unit-months: ``n``, mean ``crps``, ``ignorance``, ``coverage_50``,
            ``coverage_90``, and ``crps_skill`` and ``ignorance_skill`` of the *model* against
            that row's forecast (0 on the model's own row).
    """

    per_unit: pd.DataFrame
    summary: pd.DataFrame

    def skill(self, baseline: str, score: str = "crps") -> float:
        """The model's overall skill against ``baseline`` on ``score`` (crps or ignorance)."""
        return float(self.summary.loc[baseline, f"{score}_skill"])


def _as_draws(forecast: np.ndarray, n_draws: int) -> np.ndarray:
    """A one-draw forecast as ``n_draws`` identical draws (a view); others unchanged."""
    if forecast.shape[-1] == 1 and n_draws > 1:
        return np.broadcast_to(forecast, (*forecast.shape[:-1], n_draws))
    return forecast


def score_table(
    samples: ArrayLike,
    observed: ArrayLike,
    baselines: Mapping[str, ArrayLike],
    units: Sequence[object] | None = None,
    bins: Sequence[float] = FATALITY_BIN_EDGES,
) -> ScoreTable:
    """CRPS, ignorance, interval coverage and skill of a forecast and its baselines.

    Every forecast is scored at every unit-month; the means (and skills) are taken over the
    unit-months where the observation, the model and every baseline have a finite score, so
    that all forecasts are compared on the same months. Called for cell-month, region-month and
    national-month arrays alike.

    The smoothing of :func:`ignorance` weighs more on a small ensemble, so ensembles should have
    about as many draws as the model's: a one-draw (point) baseline -- :func:`zero_forecast`
    with one draw, :func:`persistence_forecast` with ``window=1`` -- is scored for ignorance as
    that many identical draws (its CRPS does not depend on it); give
    :func:`climatology_forecast` the model's number of draws.

    Args:
        samples: The model's draws, shape ``(units, months, n_draws)``.
        observed: Observed values, shape ``(units, months)`` (NaN: not observed, not scored).
        baselines: Baseline name -> draws broadcastable to ``(units, months, n_b)``
            (:func:`zero_forecast`, :func:`persistence_forecast`, :func:`climatology_forecast`).
        units: Labels of the units (PRIO-GRID gids, region names); default 0 .. units-1.
        bins: Inner class edges of the ignorance score.

    Returns:
        The :class:`ScoreTable`.
    """
    x, y = _ensemble(samples, observed)
    if x.ndim != 3 or y.shape != x.shape[:2]:
        raise ValueError(
            f"score_table needs samples (units, months, draws) and observed (units, months), "
            f"got {x.shape} and {y.shape}"
        )
    if MODEL in baselines:
        raise ValueError(f"a baseline may not be called {MODEL!r}")
    forecasts = {MODEL: x, **{k: np.asarray(v, dtype=float) for k, v in baselines.items()}}
    n_draws = x.shape[-1]
    crps = {k: np.broadcast_to(crps_ensemble(f, y), y.shape) for k, f in forecasts.items()}
    # a one-draw (point) baseline is scored for ignorance as the model's number of identical
    # draws: the same distribution, smoothed like the model (see ignorance())
    ign = {
        k: np.broadcast_to(ignorance(_as_draws(f, n_draws), y, bins), y.shape)
        for k, f in forecasts.items()
    }
    valid = np.isfinite(y)
    for k in forecasts:
        valid &= np.isfinite(crps[k]) & np.isfinite(ign[k])
    cover = {
        (k, level): interval_coverage(f, y, level)
        for k, f in forecasts.items()
        for level in COVERAGE_LEVELS
    }

    def masked(a: np.ndarray) -> np.ndarray:
        return np.where(valid, a, np.nan)

    def mean(a: np.ndarray, axis: int | None) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(valid, a, 0.0).sum(axis=axis) / valid.sum(axis=axis)

    def pct(level: float) -> str:
        return str(round(level * 100))

    index = pd.Index(range(y.shape[0]) if units is None else list(units), name="unit")
    per_unit = pd.DataFrame({"n": valid.sum(axis=1)}, index=index)
    per_unit["crps"] = mean(crps[MODEL], 1)
    per_unit["ignorance"] = mean(ign[MODEL], 1)
    for level in COVERAGE_LEVELS:
        per_unit[f"coverage_{pct(level)}"] = mean(cover[MODEL, level].astype(float), 1)
    for b in baselines:
        per_unit[f"crps_{b}"] = mean(crps[b], 1)
        per_unit[f"ignorance_{b}"] = mean(ign[b], 1)
        per_unit[f"crps_skill_{b}"] = skill(masked(crps[MODEL]), masked(crps[b]), axis=1)
        per_unit[f"ignorance_skill_{b}"] = skill(masked(ign[MODEL]), masked(ign[b]), axis=1)

    rows = []
    for k in forecasts:
        row: dict[str, object] = {
            "forecast": k,
            "n": int(valid.sum()),
            "crps": float(mean(crps[k], None)),
            "ignorance": float(mean(ign[k], None)),
        }
        for level in COVERAGE_LEVELS:
            row[f"coverage_{pct(level)}"] = float(mean(cover[k, level].astype(float), None))
        row["crps_skill"] = float(skill(masked(crps[MODEL]), masked(crps[k])))
        row["ignorance_skill"] = float(skill(masked(ign[MODEL]), masked(ign[k])))
        rows.append(row)
    return ScoreTable(per_unit=per_unit, summary=pd.DataFrame(rows).set_index("forecast"))
