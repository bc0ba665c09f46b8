"""Approximate Bayesian computation: rejection and a population Monte Carlo (ABC-SMC) sampler.

Both samplers work on a box of uniform priors and a simulator given as a function from an
``(n, d)`` array of parameter values to ``n`` distances, so that they are independent of the
model (and testable on toy problems). All randomness comes from explicit numpy Generators.

*Rejection*: draw ``n`` parameter vectors from the prior, keep the ``accept`` share with the
smallest distances, with equal weights.

*ABC-SMC* (population Monte Carlo, Beaumont et al. 2009, with an adaptive tolerance as in Del
Moral et al. 2012 and a fixed budget per generation):

1. generation 0 draws from the prior; the tolerance ``eps_0`` is the ``quantile`` of its
   distances; particles within it form the population, with equal weights;
2. generation ``t`` draws ``n_t`` proposals by resampling the population by weight and
   perturbing each coordinate with a normal kernel truncated to the prior box, of variance twice
   the population's weighted variance; the tolerance is ``eps_t = min(eps_{t-1}, quantile of
   the distances)``; accepted particles get the importance weight
   ``prior(theta) / sum_j w_j K(theta | theta_j)`` (the truncated kernel's normalising constant
   is included), normalised;
3. the last population is the posterior sample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr
from scipy.stats import truncnorm

from malisim.calibration.config import Prior

Simulator = Callable[[np.ndarray, int], np.ndarray]
"""``simulate(theta, generation) -> distances``: ``theta`` is ``(n, d)``."""


@dataclass
class Generation:
    """One generation of an ABC run.

    Attributes:
        index: Generation number (0-based).
        theta: ``(n, d)`` proposals.
        distance: ``(n,)`` distances.
        epsilon: The generation's tolerance.
        accepted: ``(n,)`` whether each proposal is in the population.
        weight: ``(n,)`` normalised importance weights (0 for rejected proposals).
    """

    index: int
    theta: np.ndarray
    distance: np.ndarray
    epsilon: float
    accepted: np.ndarray
    weight: np.ndarray

    @property
    def ess(self) -> float:
        """Effective sample size of the population (``1 / sum w^2``)."""
        w = self.weight[self.accepted]
        return float(1.0 / np.sum(w**2)) if w.size else 0.0


def bounds(priors: Sequence[Prior]) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of the prior box."""
    return (
        np.array([p.low for p in priors], dtype=float),
        np.array([p.high for p in priors], dtype=float),
    )


def _round_integers(theta: np.ndarray, priors: Sequence[Prior]) -> np.ndarray:
    ints = np.array([p.integer for p in priors])
    if ints.any():
        lo, hi = bounds(priors)
        theta = theta.copy()
        theta[:, ints] = np.clip(np.rint(theta[:, ints]), lo[ints], hi[ints])
    return theta


def sample_prior(priors: Sequence[Prior], n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` vectors from the uniform priors (whole-number parameters rounded)."""
    lo, hi = bounds(priors)
    return _round_integers(rng.uniform(lo, hi, size=(n, lo.size)), priors)


def kernel_sd(theta: np.ndarray, weight: np.ndarray, priors: Sequence[Prior]) -> np.ndarray:
    """Per-coordinate kernel standard deviation: sqrt(2 x weighted variance), floored."""
    lo, hi = bounds(priors)
    mean = weight @ theta
    var = weight @ (theta - mean) ** 2
    return np.maximum(np.sqrt(2.0 * var), 1e-3 * (hi - lo))


def perturb(
    population: np.ndarray,
    weight: np.ndarray,
    priors: Sequence[Prior],
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Resample the population by weight and move each coordinate by a truncated normal."""
    lo, hi = bounds(priors)
    sd = kernel_sd(population, weight, priors)
    idx = rng.choice(population.shape[0], size=n, p=weight)
    centre = population[idx]
    a, b = (lo - centre) / sd, (hi - centre) / sd
    theta = truncnorm.rvs(a, b, loc=centre, scale=sd, random_state=rng)
    return _round_integers(np.clip(theta, lo, hi), priors)


def kernel_density(
    theta: np.ndarray, population: np.ndarray, weight: np.ndarray, priors: Sequence[Prior]
) -> np.ndarray:
    """``sum_j w_j K(theta_i | population_j)`` for the truncated product-normal kernel."""
    lo, hi = bounds(priors)
    sd = kernel_sd(population, weight, priors)
    # mass of each source's kernel inside the box: (m, d)
    mass = ndtr((hi - population) / sd) - ndtr((lo - population) / sd)
    z = (theta[:, None, :] - population[None, :, :]) / sd  # (n, m, d)
    log_k = -0.5 * z**2 - np.log(sd * np.sqrt(2 * np.pi)) - np.log(mass)[None, :, :]
    return np.exp(log_k.sum(axis=2)) @ weight


def rejection(
    priors: Sequence[Prior], simulate: Simulator, n: int, accept: float, rng: np.random.Generator
) -> list[Generation]:
    """ABC rejection: keep the ``accept`` share of ``n`` prior draws closest to the targets."""
    theta = sample_prior(priors, n, rng)
    d = np.asarray(simulate(theta, 0), dtype=float)
    keep = max(1, round(accept * n))
    eps = float(np.sort(d)[keep - 1])
    accepted = (d <= eps) & np.isfinite(d)
    w = accepted / max(accepted.sum(), 1)
    return [Generation(0, theta, d, eps, accepted, w.astype(float))]


def smc(
    priors: Sequence[Prior],
    simulate: Simulator,
    sizes: Sequence[int],
    quantile: float,
    rng: np.random.Generator,
    on_generation: Callable[[Generation], None] | None = None,
) -> list[Generation]:
    """ABC-SMC (population Monte Carlo with adaptive tolerance); see the module docstring.

    Args:
        priors: The uniform priors.
        simulate: ``simulate(theta, generation) -> distances``.
        sizes: Proposals per generation.
        quantile: The tolerance of a generation is this quantile of its distances.
        rng: The random generator of the proposals.
        on_generation: Called after each generation (e.g. to print progress).

    Returns:
        The generations; the last population is the posterior sample.
    """
    gens: list[Generation] = []
    eps = np.inf
    for g, n in enumerate(sizes):
        if g == 0:
            theta = sample_prior(priors, n, rng)
        else:
            prev = gens[-1]
            pop, w = prev.theta[prev.accepted], prev.weight[prev.accepted]
            theta = perturb(pop, w / w.sum(), priors, n, rng)
        d = np.asarray(simulate(theta, g), dtype=float)
        finite = d[np.isfinite(d)]
        q = float(np.quantile(finite, quantile)) if finite.size else np.inf
        eps = min(eps, q)
        accepted = (d <= eps) & np.isfinite(d)
        if not accepted.any():  # keep the best proposal rather than an empty population
            accepted = d == np.min(d)
        weight = np.zeros(n)
        if g == 0:
            weight[accepted] = 1.0
        else:
            # uniform prior: constant density inside the box, every proposal is inside
            weight[accepted] = 1.0 / kernel_density(theta[accepted], pop, w / w.sum(), priors)
        weight /= weight.sum()
        gen = Generation(g, theta, d, float(eps), accepted, weight)
        gens.append(gen)
        if on_generation is not None:
            on_generation(gen)
    return gens


def weighted_quantile(values: np.ndarray, weight: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, interpolated)."""
    order = np.argsort(values)
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weight, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.asarray(q, dtype=float), cdf, v)
