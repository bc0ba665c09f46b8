"""The ABC-SMC perturbation kernels (issue 20): correctness on toy problems with known answers.

* The truncated multivariate kernels are normalised (their mixture density integrates to one
  over the prior box) and their draws follow that density.
* A flat distance (every proposal accepted) returns the prior: the importance weights undo the
  kernel's pull towards the population, including the mass the truncation cuts off at the box.
* On a correlated 5-D Gaussian model whose ABC posterior is known exactly, the sampler's
  posterior mean and covariance match it.
* At the same budget, with paired generator seeds, the local kernel (``olcm``) reaches a much
  lower tolerance than the independent one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from malisim.calibration.abc import (
    KERNELS,
    Prior,
    log_kernel_density,
    multivariate_kernel,
    perturb_multivariate,
    sample_prior,
    smc,
)

# --- a correlated 5-D Gaussian model ----------------------------------------------------------
#
# y ~ N(theta, S) with S correlated (rho = 0.8); the distance is the Mahalanobis norm
# ||L^-1 (y - y0)|| (S = L L^T). With a prior flat over a box much wider than the posterior,
# u = L^-1 (theta - y0) has the ABC posterior at tolerance eps of V + E, V uniform in the ball
# of radius eps and E standard normal: mean y0 and covariance S (1 + eps^2 / (d + 2)), exactly.

D = 5
RHO = 0.8
SD = np.array([0.2, 0.4, 0.1, 0.3, 0.25])
S = (RHO * np.ones((D, D)) + (1 - RHO) * np.eye(D)) * np.outer(SD, SD)
L = np.linalg.cholesky(S)
L_INV = np.linalg.inv(L)
Y0 = np.array([0.5, 0.0, 1.5, 0.8, 1.0])
# the box lies more than 4 posterior sds (at eps = 4) from y0 on every side: truncation by the
# prior is negligible against the Monte Carlo tolerances below
GAUSS_PRIORS = [Prior(f"x{i}", -3.0, 4.0, "toy") for i in range(D)]


def _gaussian_model(seed: int) -> Callable[[np.ndarray, int], np.ndarray]:
    """The simulator of the 5-D model, with its own noise generator."""
    noise = np.random.default_rng(seed)

    def simulate(theta: np.ndarray, generation: int) -> np.ndarray:
        y = theta + noise.standard_normal(theta.shape) @ L.T
        return np.sqrt(np.sum(((y - Y0) @ L_INV.T) ** 2, axis=1))

    return simulate


def _posterior(gens: list) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Weighted mean, covariance, ESS and tolerance of the last population."""
    last = gens[-1]
    theta, w = last.theta[last.accepted], last.weight[last.accepted]
    mean = w @ theta
    centred = theta - mean
    return mean, (centred * w[:, None]).T @ centred, last.ess, last.epsilon


@pytest.mark.parametrize("kernel", ["multivariate", "olcm"])
def test_truncated_kernel_density_is_normalised_and_matches_its_draws(kernel: str) -> None:
    """The mixture density integrates to 1 over a 2-D box, and its draws follow it.

    The population sits near a corner, so that the truncation at the box's faces is active for
    most kernels.
    """
    priors = [Prior("a", 0.0, 1.0, "toy"), Prior("b", 0.0, 2.0, "toy")]
    rng = np.random.default_rng(5)
    pop = np.column_stack([rng.uniform(0.0, 0.3, 40), rng.uniform(0.0, 0.6, 40)])
    pop[:, 1] += 0.5 * pop[:, 0]  # correlated
    w = rng.uniform(0.5, 1.5, 40)
    w /= w.sum()
    mv = multivariate_kernel(kernel, pop, w, rng.uniform(0.0, 1.0, 40), 0.5, priors)
    n = 400
    a = (np.arange(n) + 0.5) / n
    b = 2.0 * (np.arange(n) + 0.5) / n
    grid = np.column_stack([np.repeat(a, n), np.tile(b, n)])
    density = np.exp(log_kernel_density(mv, grid))
    cell = (1.0 / n) * (2.0 / n)
    # the density is exact; the midpoint rule on a 400 x 400 grid errs by well under 0.5 %
    assert density.sum() * cell == pytest.approx(1.0, abs=0.005)
    draws = perturb_multivariate(mv, priors, 100_000, np.random.default_rng(1))
    corner = (grid[:, 0] < 0.2) & (grid[:, 1] < 0.3)
    share = np.mean((draws[:, 0] < 0.2) & (draws[:, 1] < 0.3))
    # a share near 0.2 of 100,000 draws has a standard error of 0.0013: 0.006 is 4-5 of them
    # plus the grid's error
    assert share == pytest.approx(density[corner].sum() * cell, abs=0.006)


@pytest.mark.parametrize("kernel", KERNELS)
def test_a_flat_distance_returns_the_prior(kernel: str) -> None:
    """Every proposal accepted: the weighted population stays uniform on the box.

    The kernels pull proposals towards the population and the truncation reshapes them at the
    faces of the box; correct importance weights undo both. Uniform on [0, 1]: mean 1/2,
    variance 1/12, a share 0.2 of the mass within 0.1 of either end.
    """
    priors = [Prior(f"x{i}", 0.0, 1.0, "toy") for i in range(4)]
    flat = lambda theta, g: np.zeros(theta.shape[0])  # noqa: E731
    means, variances, edges = [], [], []
    for seed in range(4):
        gens = smc(priors, flat, [1200] * 3, 0.5, np.random.default_rng(seed), kernel=kernel)
        last = gens[-1]
        assert last.accepted.all()
        theta, w = last.theta, last.weight
        means.append(w @ theta)
        variances.append(w @ (theta - w @ theta) ** 2)
        edges.append(w @ ((theta < 0.1) | (theta > 0.9)))
    # 4 runs x 4 coordinates of 1,200 weighted draws (ESS about 850-1,150): the standard
    # errors of the pooled mean, variance and edge share are about 0.0025, 0.0007 and 0.0035;
    # the bounds are about six of them
    assert np.mean(means) == pytest.approx(0.5, abs=0.016)
    assert np.mean(variances) == pytest.approx(1 / 12, abs=0.004)
    assert np.mean(edges) == pytest.approx(0.2, abs=0.02)
    for m in means:  # each run, each coordinate: its own standard error is about 0.01
        assert np.all(np.abs(m - 0.5) < 0.04)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_olcm_matches_the_exact_posterior_of_a_correlated_gaussian(seed: int) -> None:
    """Posterior mean and covariance of the 5-D model at the reached tolerance, exactly known."""
    gens = smc(
        GAUSS_PRIORS, _gaussian_model(100 + seed), [2000] * 8, 0.3,
        np.random.default_rng(seed), kernel="olcm",
    )  # fmt: skip
    mean, cov, ess, eps = _posterior(gens)
    assert eps < 6.0  # converged far below the spread of the prior (about 30 at generation 0)
    inflate = 1.0 + eps**2 / (D + 2)
    post_sd = np.sqrt(np.diag(S) * inflate)
    # the mean's Monte Carlo error is post_sd / sqrt(ESS) (ESS about 150-250): 4 of them
    assert np.all(np.abs(mean - Y0) < 4.0 * post_sd / np.sqrt(ess))
    # whitened covariance against the identity: its entries' errors are about sqrt(2 / ESS)
    # on the diagonal and 1 / sqrt(ESS) off it; 4 x sqrt(2 / ESS) bounds both
    white = L_INV @ cov @ L_INV.T / inflate
    assert np.max(np.abs(white - np.eye(D))) < 4.0 * np.sqrt(2.0 / ess)
    # the correlations themselves (0.8 everywhere in S) are recovered
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    assert np.all(np.abs(corr[~np.eye(D, dtype=bool)] - RHO) < 0.1)


def test_olcm_goes_further_than_the_independent_kernel_at_equal_budget() -> None:
    """Paired generator seeds, 8 x 1,000 simulations: the local kernel's tolerance is far lower.

    The independent kernel stalls (its proposals spread across the box and mostly miss the
    thin correlated posterior); OLCM's tolerance is several times lower in every pair.
    """
    for seed in range(3):
        tol = {}
        for kernel in ("independent", "olcm"):
            gens = smc(
                GAUSS_PRIORS, _gaussian_model(100 + seed), [1000] * 8, 0.3,
                np.random.default_rng(seed), kernel=kernel,
            )  # fmt: skip
            tol[kernel] = gens[-1].epsilon
        assert tol["olcm"] < 0.5 * tol["independent"]


@pytest.mark.parametrize("kernel", ["multivariate", "olcm"])
def test_multivariate_kernels_are_reproducible_in_the_box_and_round_integers(kernel: str) -> None:
    """Same seed, same proposals; every proposal inside the box; integers stay whole."""
    priors = [Prior("n", 1, 10, "int", integer=True), Prior("x", 0.0, 1.0, "toy")]

    def dist(theta: np.ndarray, g: int) -> np.ndarray:
        return np.abs(theta[:, 0] - 4) + np.abs(theta[:, 1] - 0.9) * 5

    runs = [smc(priors, dist, [200] * 3, 0.4, np.random.default_rng(3), kernel=kernel)
            for _ in range(2)]  # fmt: skip
    assert np.array_equal(runs[0][-1].theta, runs[1][-1].theta)
    for g in runs[0]:
        assert np.all(g.theta[:, 0] == np.rint(g.theta[:, 0]))
        assert np.all((g.theta >= [1, 0]) & (g.theta <= [10, 1]))
        assert np.isclose(g.weight.sum(), 1.0) and 0.0 < g.acceptance <= 1.0


def test_unknown_kernel_is_refused() -> None:
    priors = [Prior("x", 0.0, 1.0, "toy")]
    with pytest.raises(ValueError, match="unknown kernel"):
        smc(
            priors, lambda t, g: t[:, 0], [10, 10], 0.5, np.random.default_rng(0), kernel="gaussian"
        )
    assert sample_prior(priors, 3, np.random.default_rng(0)).shape == (3, 1)
