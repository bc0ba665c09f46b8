"""Forecast scores against known values, their vectorised forms against scalar loops, baselines."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from malisim.analysis.scores import (
    FATALITY_BIN_EDGES,
    FATALITY_BIN_LABELS,
    MODEL,
    bin_index,
    central_interval,
    climatology_forecast,
    crps_ensemble,
    crps_normal,
    ignorance,
    interval_coverage,
    persistence_forecast,
    score_table,
    skill,
    zero_forecast,
)


def crps_pairs(x: np.ndarray, y: float) -> float:
    """The O(n²) definition, E|X - y| - 0.5 E|X - X'| over all ordered pairs."""
    x = np.asarray(x, dtype=float)
    return float(np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :])))


# --- CRPS ------------------------------------------------------------------------------------


def test_crps_normal_at_its_mean_is_the_hand_value():
    # z = 0: 2 phi(0) - 1/sqrt(pi) = 2/sqrt(2 pi) - 1/sqrt(pi) = (sqrt(2) - 1)/sqrt(pi)
    assert float(crps_normal(0.0, 1.0, 0.0)) == pytest.approx(
        (math.sqrt(2) - 1) / math.sqrt(math.pi), rel=1e-12
    )
    # scale and shift: CRPS(N(mu, s²), y) = s * CRPS(N(0, 1), (y - mu) / s)
    assert float(crps_normal(5.0, 3.0, 11.0)) == pytest.approx(
        3 * float(crps_normal(0.0, 1.0, 2.0)), rel=1e-12
    )
    # far from the mean the score tends to the absolute error minus sigma/sqrt(pi)
    assert float(crps_normal(0.0, 1.0, 40.0)) == pytest.approx(40 - 1 / math.sqrt(math.pi))
    # sigma = 0 is a point forecast
    assert float(crps_normal(2.0, 0.0, 5.0)) == 3.0
    with pytest.raises(ValueError, match="non-negative"):
        crps_normal(0.0, -1.0, 0.0)


def test_crps_of_a_large_normal_sample_approaches_the_closed_form():
    rng = np.random.default_rng(20240601)
    draws = rng.normal(2.0, 3.0, size=(4, 40_000))
    y = np.array([2.0, -1.0, 8.0, 20.0])
    # The sample CRPS is the closed form plus an O(1/n) bias (-E|X-X'|/(2n), ~1e-4 here) and
    # Monte-Carlo noise of standard error ~ sigma/sqrt(n) ~ 0.015 at most; 0.05 is > 3 s.e.
    np.testing.assert_allclose(crps_ensemble(draws, y), crps_normal(2.0, 3.0, y), atol=0.05)


def test_crps_of_a_hand_worked_sample():
    # samples [1, 2, 3], y = 2: E|X - y| = (1 + 0 + 1)/3 = 2/3; the 9 ordered pairs have
    # |differences| 0,1,2, 1,0,1, 2,1,0, summing to 8, so E|X - X'| = 8/9 and half of it 4/9;
    # CRPS = 2/3 - 4/9 = 2/9.
    assert float(crps_ensemble([1.0, 2.0, 3.0], 2.0)) == pytest.approx(2 / 9, abs=1e-15)
    # y = 0: E|X - y| = 2, so 2 - 4/9 = 14/9
    assert float(crps_ensemble([3.0, 1.0, 2.0], 0.0)) == pytest.approx(14 / 9, abs=1e-15)


def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert float(crps_ensemble([2.0], 5.0)) == 3.0
    assert float(crps_ensemble([7.0, 7.0, 7.0], 4.5)) == 2.5
    np.testing.assert_array_equal(crps_ensemble(zero_forecast((3, 1)), [0, 4, 9]), [0, 4, 9])


def test_crps_vectorised_equals_the_scalar_loop():
    rng = np.random.default_rng(7)
    draws = rng.poisson(3.0, size=(5, 6, 17)).astype(float)
    y = rng.poisson(3.0, size=(5, 6)).astype(float)
    got = crps_ensemble(draws, y)
    assert got.shape == (5, 6)
    for i, j in np.ndindex(5, 6):
        assert got[i, j] == pytest.approx(crps_pairs(draws[i, j], y[i, j]), abs=1e-12)


def test_crps_broadcasts_a_baseline_over_months_and_marks_missing_values():
    draws = np.array([[[0.0, 1.0, 2.0]], [[5.0, 5.0, 6.0]]])  # (2 units, 1, 3 draws)
    y = np.array([[0.0, 1.0, np.nan], [5.0, 7.0, 6.0]])  # (2 units, 3 months)
    got = crps_ensemble(draws, y)
    assert got.shape == (2, 3)
    assert got[0, 1] == pytest.approx(crps_pairs(draws[0, 0], 1.0))
    assert got[1, 1] == pytest.approx(crps_pairs(draws[1, 0], 7.0))
    assert np.isnan(got[0, 2])
    assert np.isnan(float(crps_ensemble([1.0, np.nan], 1.0)))
    assert np.isnan(float(crps_ensemble(np.empty(0), 1.0)))
    with pytest.raises(ValueError, match="do not match"):
        crps_ensemble(np.zeros((3, 10)), np.zeros(4))


def test_crps_is_proper_on_average():
    # The expected score is smallest for the true distribution: a wider or shifted forecast of
    # Poisson(4) outcomes scores worse on 2,000 seeded outcomes (the gaps are > 0.1, the noise
    # of the mean difference ~ 0.02).
    rng = np.random.default_rng(11)
    y = rng.poisson(4.0, size=2000).astype(float)
    truth = np.quantile(rng.poisson(4.0, size=100_000), (np.arange(200) + 0.5) / 200)
    shifted = truth + 3
    wide = np.quantile(rng.poisson(4.0, size=100_000) * 3, (np.arange(200) + 0.5) / 200)
    s_truth = crps_ensemble(truth, y).mean()
    assert crps_ensemble(shifted, y).mean() > s_truth + 0.1
    assert crps_ensemble(wide, y).mean() > s_truth + 0.1


# --- ignorance -------------------------------------------------------------------------------


def test_fatality_bins_are_the_documented_classes():
    counts = np.array([0, 1, 2, 3, 5, 6, 10, 11, 25, 26, 50, 51, 100, 101, 250, 251, 500, 501])
    counts = np.append(counts, [1000, 1001, 50_000])
    expected = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]
    np.testing.assert_array_equal(bin_index(counts), expected)
    assert len(FATALITY_BIN_LABELS) == len(FATALITY_BIN_EDGES) + 1
    for label, (low, high) in zip(
        FATALITY_BIN_LABELS[1:-1], pairwise(FATALITY_BIN_EDGES), strict=True
    ):
        assert label == f"{math.ceil(low)}-{math.floor(high)}"
    with pytest.raises(ValueError, match="increasing"):
        bin_index([1.0], [2.0, 1.0])


def test_ignorance_all_draws_in_the_observed_class():
    n, k = 1000, len(FATALITY_BIN_EDGES) + 1
    draws = np.full(n, 4.0)  # class 3-5, like the observed 3
    assert float(ignorance(draws, 3.0, pseudo_count=0)) == 0.0
    # add-one smoothing: p = (n + 1) / (n + K) -> 0.0143 bits
    smoothed = float(ignorance(draws, 3.0))
    assert smoothed == pytest.approx(-math.log2((n + 1) / (n + k)), rel=1e-12)
    assert 0 < smoothed < 0.02


def test_ignorance_of_a_fifty_fifty_split_is_one_bit():
    draws = np.array([0.0] * 500 + [30.0] * 500)
    assert float(ignorance(draws, 0.0, pseudo_count=0)) == 1.0
    assert float(ignorance(draws, 40.0, pseudo_count=0)) == 1.0  # 26-50, like 30
    # smoothed: (500 + 1) / (1000 + 11) -> 1.013 bits
    assert float(ignorance(draws, 0.0)) == pytest.approx(-math.log2(501 / 1011), rel=1e-12)


def test_ignorance_of_an_empty_class_is_finite_only_when_smoothed():
    draws = np.zeros(10)
    assert float(ignorance(draws, 700.0)) == pytest.approx(math.log2(10 + 11))
    assert float(ignorance(draws, 700.0, pseudo_count=0)) == math.inf
    assert np.isnan(float(ignorance(draws, np.nan)))
    with pytest.raises(ValueError, match="non-negative"):
        ignorance(draws, 0.0, pseudo_count=-1)


def test_ignorance_vectorised_equals_the_scalar_loop():
    rng = np.random.default_rng(3)
    draws = rng.negative_binomial(1, 0.05, size=(4, 7, 25)).astype(float)
    y = rng.negative_binomial(1, 0.05, size=(4, 7)).astype(float)
    got = ignorance(draws, y)
    edges = np.asarray(FATALITY_BIN_EDGES)
    for i, j in np.ndindex(4, 7):
        cls = np.sum(edges <= y[i, j])
        hits = sum(int(np.sum(edges <= d) == cls) for d in draws[i, j])
        assert got[i, j] == pytest.approx(-math.log2((hits + 1) / (25 + 11)), rel=1e-12)


# --- intervals -------------------------------------------------------------------------------


def test_central_interval_and_coverage():
    x = np.arange(101.0)
    low, high = central_interval(x, 0.9)
    assert (float(low), float(high)) == (5.0, 95.0)
    assert bool(interval_coverage(x, 50.0, 0.5))
    assert not bool(interval_coverage(x, 90.0, 0.5))
    assert bool(interval_coverage(x, 95.0, 0.9))  # the interval is closed
    assert bool(interval_coverage([3.0], 3.0, 0.9))  # a point covers its own value only
    assert not bool(interval_coverage([3.0], 3.5, 0.9))
    with pytest.raises(ValueError, match="between 0 and 1"):
        central_interval(x, 1.0)


def test_coverage_vectorised_equals_the_scalar_loop():
    rng = np.random.default_rng(5)
    draws = rng.normal(size=(6, 5, 40))
    y = rng.normal(size=(6, 5)) * 2
    got = interval_coverage(draws, y, 0.5)
    for i, j in np.ndindex(6, 5):
        lo, hi = np.quantile(draws[i, j], [0.25, 0.75])
        assert got[i, j] == (lo <= y[i, j] <= hi)
    # a calibrated forecast's 90 % interval covers about 90 % of outcomes (2,000 seeded
    # outcomes: s.e. of the fraction ~ 0.007, so 0.03 is > 4 s.e.)
    sample = np.sort(rng.normal(size=1000))
    covered = interval_coverage(sample, rng.normal(size=2000), 0.9).mean()
    assert covered == pytest.approx(0.9, abs=0.03)


# --- baselines -------------------------------------------------------------------------------


def test_zero_and_persistence_forecasts():
    history = np.array([[0.0, 3.0, 5.0, 2.0], [1.0, 1.0, 0.0, 9.0]])
    assert zero_forecast((2, 3, 1)).shape == (2, 3, 1)
    assert not zero_forecast((2, 3, 1)).any()
    last = persistence_forecast(history, horizon=3)
    assert last.shape == (2, 3, 1)
    np.testing.assert_array_equal(last[:, :, 0], [[2.0] * 3, [9.0] * 3])
    year = persistence_forecast(history, horizon=2, window=2)
    np.testing.assert_array_equal(year[0, 1], [5.0, 2.0])
    np.testing.assert_array_equal(year[1, 0], [0.0, 9.0])
    with pytest.raises(ValueError, match="window"):
        persistence_forecast(history, horizon=2, window=5)
    with pytest.raises(ValueError, match="units, months"):
        persistence_forecast(history[0], horizon=2)


def test_climatology_forecast_is_the_empirical_distribution():
    history = np.array([[0.0, 0.0, 4.0, 10.0], [7.0, np.nan, 7.0, 1.0], [np.nan] * 4])
    clim = climatology_forecast(history, n_draws=8)
    assert clim.shape == (3, 1, 8)
    # n_draws a multiple of the months: each observed value appears equally often
    np.testing.assert_array_equal(clim[0, 0], [0, 0, 0, 0, 4, 4, 10, 10])
    # NaN months left out: the 3 observed values of unit 1 (1, 7, 7)
    assert set(clim[1, 0]) == {1.0, 7.0}
    assert np.count_nonzero(clim[1, 0] == 7.0) > np.count_nonzero(clim[1, 0] == 1.0)
    assert np.isnan(clim[2]).all()
    # deterministic
    np.testing.assert_array_equal(clim, climatology_forecast(history, n_draws=8))
    # the climatology of a constant history is a point forecast at that value
    assert float(crps_ensemble(climatology_forecast(np.full((1, 6), 3.0), 5)[0, 0], 3.0)) == 0.0


# --- skill -----------------------------------------------------------------------------------


def test_skill_of_the_baseline_against_itself_is_exactly_zero():
    rng = np.random.default_rng(9)
    scores = rng.gamma(2.0, size=(30, 12))
    assert float(skill(scores, scores)) == 0.0
    np.testing.assert_array_equal(skill(scores, scores, axis=1), np.zeros(30))


def test_skill_signs_and_the_zero_baseline_rule():
    base = np.array([2.0, 4.0, np.nan, 6.0])
    assert float(skill(base / 2, base)) == 0.5  # better: positive
    assert float(skill(base * 3, base)) == -2.0  # worse: negative
    assert float(skill(np.zeros(4), base)) == 1.0  # perfect
    # only positions where both are finite count: the model's NaN drops the baseline's 6 too
    assert float(skill(np.array([1.0, 2.0, 5.0, np.nan]), base)) == pytest.approx(1 - 1.5 / 3)
    assert np.isnan(float(skill(np.ones(3), np.zeros(3))))  # a perfect baseline: undefined
    assert np.isnan(float(skill(np.zeros(3), np.zeros(3))))
    with pytest.raises(ValueError, match="shapes differ"):
        skill(np.ones(3), np.ones(4))


# --- the table -------------------------------------------------------------------------------


def test_score_table_scores_model_and_baselines_on_the_same_unit_months():
    rng = np.random.default_rng(2024)
    history = rng.poisson(2.0, size=(3, 24)).astype(float)
    observed = rng.poisson(2.0, size=(3, 6)).astype(float)
    observed[1, 4] = np.nan  # not observed: not scored
    model = rng.poisson(2.0, size=(3, 6, 50)).astype(float)
    baselines = {
        "zero": zero_forecast((3, 6, 1)),
        "persistence": persistence_forecast(history, horizon=6),
        "climatology": climatology_forecast(history, n_draws=48),
    }
    table = score_table(model, observed, baselines, units=[101, 102, 103])

    s = table.summary
    assert list(s.index) == [MODEL, "zero", "persistence", "climatology"]
    assert (s["n"] == 17).all()
    valid = np.isfinite(observed)
    assert s.loc[MODEL, "crps"] == pytest.approx(crps_ensemble(model, observed)[valid].mean())
    assert s.loc["zero", "crps"] == pytest.approx(observed[valid].mean())
    assert s.loc[MODEL, "crps_skill"] == 0.0
    assert s.loc[MODEL, "ignorance_skill"] == 0.0
    expected = 1 - s.loc[MODEL, "crps"] / s.loc["climatology", "crps"]
    assert table.skill("climatology") == pytest.approx(expected)
    assert table.skill("zero", "ignorance") == pytest.approx(
        1 - s.loc[MODEL, "ignorance"] / s.loc["zero", "ignorance"]
    )
    # a point forecast's central intervals cover only exact hits
    zero_hits = (observed[valid] == 0).mean()
    assert s.loc["zero", "coverage_50"] == pytest.approx(zero_hits)
    assert 0 <= s.loc[MODEL, "coverage_50"] <= s.loc[MODEL, "coverage_90"] <= 1

    u = table.per_unit
    assert list(u.index) == [101, 102, 103]
    assert list(u["n"]) == [6, 5, 6]
    assert u.loc[102, "crps"] == pytest.approx(
        np.nanmean(np.where(valid, crps_ensemble(model, observed), np.nan)[1])
    )
    assert u.loc[103, "crps_zero"] == pytest.approx(observed[2].mean())
    assert {"crps_skill_persistence", "ignorance_skill_climatology"} <= set(u.columns)


def test_score_table_of_the_baseline_as_model_has_zero_skill_against_it():
    history = np.arange(24.0).reshape(2, 12)
    observed = np.array([[3.0, 0.0, 8.0], [20.0, 14.0, 30.0]])
    clim = climatology_forecast(history, n_draws=24)
    model = np.broadcast_to(clim, (2, 3, 24))
    table = score_table(model, observed, {"climatology": clim})
    assert table.skill("climatology") == 0.0
    assert table.skill("climatology", "ignorance") == 0.0
    assert (table.per_unit["crps_skill_climatology"] == 0.0).all()


def test_score_table_scores_a_point_baseline_for_ignorance_as_the_models_draw_count():
    rng = np.random.default_rng(1)
    observed = rng.poisson(0.5, size=(4, 5)).astype(float)
    model = rng.poisson(0.5, size=(4, 5, 30)).astype(float)
    one = score_table(model, observed, {"zero": zero_forecast((4, 5, 1))}).summary
    many = score_table(model, observed, {"zero": zero_forecast((4, 5, 30))}).summary
    assert one.loc["zero", "ignorance"] == pytest.approx(many.loc["zero", "ignorance"])
    assert one.loc["zero", "crps"] == many.loc["zero", "crps"]
    # zero draws of 30 that hit an observed 0: -log2(31 / 41); a miss: log2(41)
    zero = observed == 0
    expected = np.where(zero, -math.log2(31 / 41), math.log2(41)).mean()
    assert one.loc["zero", "ignorance"] == pytest.approx(expected)


def test_score_table_refuses_wrong_shapes_and_a_baseline_named_model():
    with pytest.raises(ValueError, match="units, months, draws"):
        score_table(np.zeros((3, 4)), np.zeros(3), {})
    with pytest.raises(ValueError, match="may not be called"):
        score_table(np.zeros((2, 3, 4)), np.zeros((2, 3)), {MODEL: np.zeros((2, 3, 1))})
