"""The actor phases' cheaper draws are numpy's draws: same numbers, same place in the stream.

``conflict._poisson``, ``_binomial`` and ``_poisson_cells`` replace ``rng.poisson(array)`` and
``rng.binomial(array, p)`` (issue 21 item 3): small arrays are drawn value by value and zero
rates are skipped. The regression baseline depends on them giving exactly numpy's draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from malisim.model import conflict


def _rates(n: int, seed: int) -> np.ndarray:
    """Rates with zeros, small values and values above 10 (numpy's other Poisson sampler)."""
    rng = np.random.default_rng(seed)
    lam = rng.choice([0.0, 0.01, 0.7, 3.0, 12.0, 40.0], size=n)
    return lam * rng.random(n)


@pytest.mark.parametrize("n", [0, 1, 5, 12, 13, 60, 488])
def test_poisson_matches_numpy_and_leaves_the_stream_in_step(n: int) -> None:
    lam = _rates(n, n)
    ours, theirs = np.random.default_rng(7), np.random.default_rng(7)
    drawn = conflict._poisson(ours, lam)
    expected = theirs.poisson(lam)
    assert drawn.dtype == expected.dtype and drawn.shape == expected.shape
    assert np.array_equal(drawn, expected)
    # the next draw from each stream is the same: both consumed the same numbers
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("n", [0, 1, 5, 12, 13, 60])
def test_binomial_matches_numpy_and_leaves_the_stream_in_step(n: int) -> None:
    trials = np.random.default_rng(n).integers(0, 30, n)
    ours, theirs = np.random.default_rng(3), np.random.default_rng(3)
    for prob in (0.3, 0.8):  # numpy keeps per-probability state between calls
        drawn = conflict._binomial(ours, trials, prob)
        expected = theirs.binomial(trials, prob)
        assert drawn.dtype == expected.dtype and np.array_equal(drawn, expected)
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("n", [0, 7, 488])
def test_poisson_cells_are_the_positive_counts_of_the_full_draw(n: int) -> None:
    lam = _rates(n, 100 + n)
    ours, theirs = np.random.default_rng(11), np.random.default_rng(11)
    cells, counts = conflict._poisson_cells(ours, lam)
    full = theirs.poisson(lam)
    assert np.array_equal(cells, np.flatnonzero(full))
    assert np.array_equal(counts, full[full > 0])
    assert ours.random() == theirs.random()


def test_negative_rates_are_refused_as_numpy_refuses_them() -> None:
    for lam in (np.array([1.0, -0.5]), np.full(20, -0.5)):
        with pytest.raises(ValueError):
            conflict._poisson(np.random.default_rng(0), lam)
