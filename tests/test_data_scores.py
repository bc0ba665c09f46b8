"""Scores against real event data: skill against naive baselines at unit-month level."""

from __future__ import annotations

import numpy as np
import pytest

from malisim.analysis.data_scores import baseline_ensembles, unit_month_scores
from malisim.core.calendar import parse_month

FIT_END = parse_month("2022-12")
MONTHS = np.arange(parse_month("2022-07"), parse_month("2023-06") + 1)  # 6 fit + 6 oos months


def observed(units: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).poisson(3.0, size=(units, MONTHS.size)).astype(float)


def test_baselines_persistence_and_climatology():
    obs = observed()
    base = baseline_ensembles(obs, MONTHS, FIT_END, n_draws=6)
    fit = MONTHS <= FIT_END
    last_fit = np.flatnonzero(fit)[-1]
    # in the fit period: the month before; out of sample: the last fit-period month
    assert np.isnan(base["persistence"][:, 0, 0]).all()
    assert (base["persistence"][:, 1:6, 0] == obs[:, :5]).all()
    assert (base["persistence"][:, 6:, 0] == obs[:, [last_fit]]).all()
    # climatology: the unit's fit-period values (6 draws for 6 months: exactly those values),
    # one ensemble that broadcasts over every month
    assert base["climatology"].shape == (4, 1, 6)
    assert (base["climatology"][:, 0, :] == np.sort(obs[:, fit], axis=1)).all()
    assert (base["zero"] == 0).all()


def test_a_forecast_equal_to_a_baseline_has_zero_skill_against_it():
    obs = observed()
    zeros = np.zeros((5, *obs.shape))
    table = unit_month_scores(zeros, obs, MONTHS, FIT_END).set_index("split")
    assert (table["skill_zero"] == 0.0).all()
    # the model as climatology: draws are the fit-period values of each unit
    clim = baseline_ensembles(obs, MONTHS, FIT_END, n_draws=6)["climatology"]
    sim = np.moveaxis(np.broadcast_to(clim, (obs.shape[0], obs.shape[1], 6)), -1, 0)
    table = unit_month_scores(sim, obs, MONTHS, FIT_END).set_index("split")
    assert table["skill_climatology"].to_numpy() == pytest.approx(0.0, abs=1e-12)


def test_a_perfect_forecast_beats_every_baseline():
    obs = observed()
    perfect = np.broadcast_to(obs, (3, *obs.shape))
    table = unit_month_scores(perfect, obs, MONTHS, FIT_END)
    assert (table["crps"] == 0).all() and (table["in_90"] == 1).all()
    for name in ("zero", "persistence", "climatology"):
        assert (table[f"skill_{name}"] == 1.0).all()
    assert (table["ignorance"] < table["ignorance_zero"]).all()


def test_splits_count_unit_months_and_totals():
    obs = observed()
    table = unit_month_scores(np.ones((2, *obs.shape)), obs, MONTHS, FIT_END).set_index("split")
    # the first month is scored by no forecast (nothing before it for persistence)
    assert table.loc["fit", "unit_months"] == 4 * 5
    assert table.loc["out_of_sample", "unit_months"] == 4 * 6
    assert table.loc["out_of_sample", "observed_total"] == obs[:, 6:].sum()
    # totals are over every month of the split (the first one included)
    assert table.loc["fit", "simulated_median_total"] == 4 * 6


def test_data_after_the_fit_period_have_no_climatology():
    months = MONTHS[6:]
    obs = observed()[:, 6:]
    table = unit_month_scores(np.ones((2, *obs.shape)), obs, months, FIT_END)
    assert list(table["split"]) == ["out_of_sample"]
    assert np.isnan(table["crps_climatology"]).all() and np.isnan(table["skill_climatology"]).all()


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="shapes disagree"):
        unit_month_scores(np.zeros((2, 3, 4)), np.zeros((3, 5)), np.arange(5))
