"""Approximate Bayesian computation: rejection and a population Monte Carlo (ABC-SMC) sampler.

Both samplers work on a box of uniform priors and a simulator given as a function from an
``(n, d)`` array of parameter values to ``n`` distances, so that they are independent of the
model (and testable on toy problems). All randomness comes from explicit numpy Generators.

*Rejection*: draw ``n`` parameter vectors from the prior, keep the ``accept`` share with the
smallest distances, with equal weights.

*ABC-SMC* (population Monte Carlo, Beaumont2009, with an adaptive tolerance as in DelMoral2012
and a fixed budget per generation):

1. generation 0 draws from the prior; the tolerance ``eps_0`` is the ``quantile`` of its
   distances; particles within it form the population, with equal weights;
2. generation ``t`` draws ``n_t`` proposals by resampling the population by weight and
   perturbing each with a kernel ``K`` (below) that stays inside the prior box; the tolerance
   is ``eps_t = min(eps_{t-1}, quantile of the distances)``; accepted particles get the
   importance weight ``prior(theta) / sum_j w_j K(theta | theta_j)``, normalised (the prior is
   uniform on the box, so its density is a constant);
3. the last population is the posterior sample.

The kernels (``kernel`` of a calibration file, :data:`KERNELS`):

* ``independent``: each coordinate moves by a normal truncated to its prior interval, of
  variance twice the population's weighted variance (Beaumont2009); the truncated normal's
  normalising constant is closed-form (a product of one-dimensional masses). It ignores the
  correlations of the posterior: in many dimensions most of its proposals miss it.
* ``multivariate``: a multivariate normal of twice the population's weighted covariance
  (Filippi2013), truncated to the box;
* ``olcm``: a multivariate normal per particle with the optimal local covariance matrix of
  Filippi2013 (:func:`kernel_covariances`), truncated to the box.

*Truncation of the multivariate kernels.* A correlated normal truncated to a box has no
closed-form normalising constant. Two ways were tried. Rejection to the box with the constant
estimated per source particle by Monte Carlo failed in 28 dimensions: a kernel of twice the
covariance of a population spread over the prior keeps so little of its mass inside the box
(on a 28-dimensional toy model none of 1,000 draws landed inside; of the order of 1e-6) that
neither the Monte Carlo estimate nor rejection sampling works.
A logit transformation of the box needs no truncation, but the kernel's covariance would be
computed on a scale that stretches the ends of every range without limit, so that the few
particles near an end would dominate it. The kernels here are truncated *sequentially*
(:class:`MultivariateKernel`, the construction of the GHK simulator, Train2009): the move
``L z`` is drawn one coordinate of ``z`` at a time, each a standard normal truncated to the
interval that keeps its parameter inside the box given the earlier ones. Every draw lands
inside, the kernel equals the multivariate normal away from the box's faces, and its density is
exact (a product of one-dimensional truncated normal densities), so the importance weights need
no estimated constant. The density is evaluated in logarithms (``logsumexp`` over the sources),
so that the 28-dimensional kernels do not underflow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr, logsumexp, ndtr
from scipy.stats import truncnorm

from malisim.calibration.config import DEFAULT_KERNEL, Prior

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

    @property
    def acceptance(self) -> float:
        """Share of the generation's proposals that are in its population."""
        return float(self.accepted.mean()) if self.accepted.size else 0.0


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


#: The perturbation kernels of the ABC-SMC sampler (``kernel`` of a calibration file).
KERNELS = ("independent", "multivariate", "olcm")


@dataclass
class MultivariateKernel:
    """A mixture of multivariate normal kernels, each truncated to the prior box sequentially.

    Source particle ``j`` (weight ``w_j``, covariance ``S_j = L_j L_j^T``) moves to
    ``theta = c_j + L_j z``, the coordinates of ``z`` drawn in turn: ``z_k`` is a standard normal
    truncated to the interval that keeps ``theta_k`` inside its prior range given ``z_1 ..
    z_{k-1}`` (the construction of the GHK simulator, Train2009). Inside the box
    away from its faces this is the normal ``N(c_j, S_j)``; every draw lands inside the box;
    and its density is exact, with no normalising constant to estimate:
    ``K_j(theta) = prod_k phi(z_k) / (L_kk (Phi(b_k) - Phi(a_k)))``, with
    ``z = L_j^-1 (theta - c_j)`` and ``[a_k, b_k]`` the interval of ``z_k``.

    Attributes:
        centres: ``(m, d)`` source particles.
        weight: ``(m,)`` their normalised weights.
        chol: ``(m, d, d)`` lower Cholesky factors of the kernels' covariances ``S_j``.
        lo: Lower ends of the box.
        hi: Upper ends of the box.
    """

    centres: np.ndarray
    weight: np.ndarray
    chol: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def _weighted_cov(theta: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and covariance (``sum_k w_k (x_k - m)(x_k - m)^T``, weights sum to 1)."""
    mean = weight @ theta
    centred = theta - mean
    return mean, (centred * weight[:, None]).T @ centred


def _ridge(priors: Sequence[Prior]) -> np.ndarray:
    """The covariance floor: a variance of (1e-3 x prior width)^2 on each coordinate.

    The same floor as the independent kernel's standard deviation; it keeps every covariance
    positive definite (whole-number parameters, a population smaller than the dimension).
    """
    lo, hi = bounds(priors)
    return np.diag((1e-3 * (hi - lo)) ** 2)


def kernel_covariances(
    kind: str,
    population: np.ndarray,
    weight: np.ndarray,
    distance: np.ndarray,
    quantile: float,
    priors: Sequence[Prior],
) -> np.ndarray:
    """Covariance of each source particle's kernel, ``(m, d, d)``.

    * ``multivariate``: twice the population's weighted covariance, the same for every
      particle (the multivariate form of Beaumont2009's kernel, as in Filippi2013);
    * ``olcm``: the optimal local covariance matrix of Filippi2013,
      ``S_i = sum_k w~_k (theta~_k - theta_i)(theta~_k - theta_i)^T = C~ + (m~ - theta_i)
      (m~ - theta_i)^T``, over the particles ``theta~_k`` of the population that lie within
      the next tolerance (weights ``w~`` renormalised; ``m~``, ``C~`` their weighted mean and
      covariance). The next tolerance is predicted as the sampler's ``quantile`` of the
      population's distances (an assumption of this implementation: the sampler fixes a
      generation's tolerance only after its simulations); at least ``d + 1`` particles (the
      closest) are kept so that ``C~`` has full rank. Were the subset the whole population,
      the ``S_i`` would average to twice its covariance: the local form of the
      ``multivariate`` kernel, wider for particles far from the good region, narrower near it.

    Both get the :func:`_ridge` floor.
    """
    m, d = population.shape
    ridge = _ridge(priors)
    if kind == "multivariate":
        _, cov = _weighted_cov(population, weight)
        return np.broadcast_to(2.0 * cov + ridge, (m, d, d)).copy()
    if kind != "olcm":
        raise ValueError(f"unknown kernel {kind!r}; one of {', '.join(KERNELS)}")
    cut = float(np.quantile(distance, quantile))
    keep = distance <= cut
    if keep.sum() < min(d + 1, m):
        keep = np.zeros(m, dtype=bool)
        keep[np.argsort(distance, kind="stable")[: min(d + 1, m)]] = True
    w = weight[keep] / weight[keep].sum()
    mean, cov = _weighted_cov(population[keep], w)
    offset = mean - population  # (m, d)
    return cov[None, :, :] + offset[:, :, None] * offset[:, None, :] + ridge[None, :, :]


def multivariate_kernel(
    kind: str,
    population: np.ndarray,
    weight: np.ndarray,
    distance: np.ndarray,
    quantile: float,
    priors: Sequence[Prior],
) -> MultivariateKernel:
    """Build the truncated multivariate kernel of a population (see :func:`kernel_covariances`)."""
    lo, hi = bounds(priors)
    cov = kernel_covariances(kind, population, weight, distance, quantile, priors)
    return MultivariateKernel(population, weight, np.linalg.cholesky(cov), lo, hi)


def _log_interval_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, accurate in both tails."""
    # on the upper side use the mirror image, so that the difference is of two small numbers
    flip = a > 0
    lo, hi = np.where(flip, -b, a), np.where(flip, -a, b)
    log_hi, log_lo = log_ndtr(hi), log_ndtr(lo)
    return log_hi + np.log1p(-np.exp(np.minimum(log_lo - log_hi, 0.0)))


def perturb_multivariate(
    kernel: MultivariateKernel, priors: Sequence[Prior], n: int, rng: np.random.Generator
) -> np.ndarray:
    """Resample sources by weight and move each by its sequentially truncated normal."""
    m, d = kernel.centres.shape
    idx = rng.choice(m, size=n, p=kernel.weight)
    centre, chol = kernel.centres[idx], kernel.chol[idx]
    z = np.zeros((n, d))
    for k in range(d):  # coordinates in turn, every proposal at once
        diag = chol[:, k, k]
        partial = centre[:, k] + np.einsum("nl,nl->n", chol[:, k, :k], z[:, :k])
        a, b = (kernel.lo[k] - partial) / diag, (kernel.hi[k] - partial) / diag
        z[:, k] = truncnorm.rvs(a, b, random_state=rng)
    theta = centre + np.einsum("nij,nj->ni", chol, z)
    return _round_integers(np.clip(theta, kernel.lo, kernel.hi), priors)


def log_kernel_density(kernel: MultivariateKernel, theta: np.ndarray) -> np.ndarray:
    """``log sum_j w_j K_j(theta_i)`` for the truncated multivariate mixture, ``(n,)``."""
    chol = kernel.chol
    inv = np.linalg.inv(chol)  # (m, d, d), lower triangular
    diff = theta[:, None, :] - kernel.centres[None, :, :]  # (n, m, d)
    z = np.einsum("mij,nmj->nmi", inv, diff)
    diag = np.diagonal(chol, axis1=1, axis2=2)[None, :, :]  # (1, m, d)
    # z_k's interval: theta_k = c_k + sum_{l<k} L_kl z_l + L_kk z_k must stay in [lo_k, hi_k]
    a = (kernel.lo - theta[:, None, :]) / diag + z
    b = (kernel.hi - theta[:, None, :]) / diag + z
    a, b = np.minimum(a, z), np.maximum(b, z)  # rounding: z itself is always inside
    log_k = -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - np.log(diag) - _log_interval_mass(a, b)
    return logsumexp(log_k.sum(axis=2) + np.log(kernel.weight), axis=1)


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
    *,
    kernel: str = DEFAULT_KERNEL,
) -> list[Generation]:
    """ABC-SMC (population Monte Carlo with adaptive tolerance); see the module docstring.

    Args:
        priors: The uniform priors.
        simulate: ``simulate(theta, generation) -> distances``.
        sizes: Proposals per generation.
        quantile: The tolerance of a generation is this quantile of its distances.
        rng: The random generator of the proposals.
        on_generation: Called after each generation (e.g. to print progress).
        kernel: The perturbation kernel, one of :data:`KERNELS` (default
            :data:`~malisim.calibration.config.DEFAULT_KERNEL`).

    Returns:
        The generations; the last population is the posterior sample.
    """
    if kernel not in KERNELS:
        raise ValueError(f"unknown kernel {kernel!r}; one of {', '.join(KERNELS)}")
    gens: list[Generation] = []
    eps = np.inf
    for g, n in enumerate(sizes):
        mv: MultivariateKernel | None = None
        if g == 0:
            theta = sample_prior(priors, n, rng)
        else:
            prev = gens[-1]
            pop, w = prev.theta[prev.accepted], prev.weight[prev.accepted]
            w = w / w.sum()
            if kernel == "independent":
                theta = perturb(pop, w, priors, n, rng)
            else:
                dist = prev.distance[prev.accepted]
                mv = multivariate_kernel(kernel, pop, w, dist, quantile, priors)
                theta = perturb_multivariate(mv, priors, n, rng)
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
        elif mv is None:
            # uniform prior: constant density inside the box, every proposal is inside
            weight[accepted] = 1.0 / kernel_density(theta[accepted], pop, w, priors)
        else:
            log_q = log_kernel_density(mv, theta[accepted])
            weight[accepted] = np.exp(log_q.min() - log_q)  # 1 / q, scaled to avoid overflow
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
