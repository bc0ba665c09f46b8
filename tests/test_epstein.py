"""Tests of the vectorised Epstein (2002) Model I docking replication."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from malisim.docking.epstein import (
    EpsteinModelI,
    detect_outbursts,
    run,
    run_mesa,
    summarise_outbursts,
    vision_offsets,
)

STEPS = 300
SEEDS = (0, 1, 2)
BURN_IN = 20  # the first steps are a transient from the all-quiet, empty-jail start


@functools.cache
def _run(seed: int, legitimacy: float, steps: int = STEPS) -> pd.DataFrame:
    """Cache runs shared by several tests (each 300-step 40×40 run takes about a second)."""
    return run(steps, seed, legitimacy=legitimacy)


def test_frame_shape_and_initial_state():
    df = run(5, 0)
    assert list(df.columns) == ["step", "quiet", "active", "jailed"]
    assert df["step"].tolist() == list(range(6))
    assert all(str(t).startswith("int") for t in df.dtypes)
    # Step 0 is the initial state: every citizen quiet and free.
    assert df.loc[0, "quiet"] == round(0.7 * 40 * 40)
    assert df.loc[0, "active"] == 0 and df.loc[0, "jailed"] == 0


def test_same_seed_same_frame():
    pd.testing.assert_frame_equal(run(60, 7), run(60, 7))


def test_different_seeds_differ():
    assert not run(60, 7).equals(run(60, 8))


@pytest.mark.parametrize("legitimacy", [0.82, 0.89])
def test_citizens_are_conserved(legitimacy):
    for seed in SEEDS:
        df = _run(seed, legitimacy)
        totals = df["quiet"] + df["active"] + df["jailed"]
        assert (totals == round(0.7 * 40 * 40)).all()
        assert (df[["quiet", "active", "jailed"]] >= 0).all().all()


def test_lattice_state_is_consistent():
    model = EpsteinModelI(3, width=20, height=25)
    for _ in range(40):
        model.step()
        on = model.pos >= 0
        # One agent per cell, occupancy and positions agree, cops never jailed.
        assert np.unique(model.pos[on]).size == on.sum()
        assert (model.occ[model.pos[on]] == np.flatnonzero(on)).all()
        assert (model.occ >= 0).sum() == on.sum()
        assert on[model.n_citizens :].all()
        assert not model.active[~on[: model.n_citizens]].any()


def test_fft_counts_match_brute_force():
    model = EpsteinModelI(5, legitimacy=0.6)
    for _ in range(15):
        model.step()
    citizens = np.flatnonzero(model.pos[: model.n_citizens] >= 0)
    cops_seen, actives_seen = model._seen(citizens)
    who = model.occ[model.nbr[model.pos[citizens]]]
    is_citizen = (who >= 0) & (who < model.n_citizens)
    assert (cops_seen == (who >= model.n_citizens).sum(axis=1)).all()
    assert (actives_seen == (is_citizen & model.active[np.where(is_citizen, who, 0)]).sum(1)).all()
    assert actives_seen.sum() > 0  # the check is not vacuous


@pytest.mark.parametrize(
    ("shape", "size"), [("disc", 148), ("von_neumann", 112), ("cross", 28), ("moore", 224)]
)
def test_vision_shapes(shape, size):
    offsets = vision_offsets(7, shape)
    assert len(offsets) == size
    assert not ((offsets[:, 0] == 0) & (offsets[:, 1] == 0)).any()


def test_punctuated_equilibrium_at_legitimacy_082():
    # Tolerance: over these 3 seeds × 300 steps the default model shows 8-10 outbursts per run
    # (>= 50 actives, ended by a fall to <= 10). We require at least 3 in every seed, and that
    # they are separated by quiet spells: at least half of the steps have <= 10 actives.
    for seed in SEEDS:
        df = _run(seed, 0.82)
        bursts = detect_outbursts(df, start=50, end=10, burn_in=BURN_IN)
        assert len(bursts) >= 3, f"seed {seed}: only {len(bursts)} outbursts"
        assert bursts["peak"].max() >= 100
        assert (bursts["wait"].iloc[1:] >= 3).all()
        after = df.loc[df["step"] >= BURN_IN, "active"]
        assert (after <= 10).mean() >= 0.5


def test_no_outbursts_at_legitimacy_089():
    # Tolerance: none at all. At L = 0.89 the active count never reaches 50 (it stays in single
    # figures), so zero outbursts in each seed, burn-in included.
    for seed in SEEDS:
        df = _run(seed, 0.89)
        assert len(detect_outbursts(df, start=50, end=10)) == 0
        assert df["active"].max() < 50


def test_lower_legitimacy_means_more_actives():
    mean_active = {
        legitimacy: np.mean(
            [_run(seed, legitimacy)["active"].iloc[BURN_IN:].mean() for seed in SEEDS]
        )
        for legitimacy in (0.82, 0.89)
    }
    assert mean_active[0.82] > 5 * mean_active[0.89]
    # A much less legitimate regime keeps more citizens active on average.
    low = np.mean([run(150, s, legitimacy=0.6)["active"].iloc[BURN_IN:].mean() for s in SEEDS[:2]])
    assert low > mean_active[0.82]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"citizen_density": 0.9, "cop_density": 0.2}, "must not exceed 1"),
        ({"citizen_density": -0.1}, "citizen_density"),
        ({"cop_density": 1.5}, "cop_density"),
        ({"legitimacy": 1.2}, "legitimacy"),
        ({"max_jail_term": -1}, "max_jail_term"),
        ({"vision": 0}, "vision"),
        ({"width": 0}, "width"),
        ({"rounding": "ceil"}, "rounding"),
        ({"neighbourhood": "hex"}, "neighbourhood"),
        ({"batches": 0}, "batches"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        run(1, 0, **kwargs)


def test_bad_steps_and_seed_raise():
    with pytest.raises(ValueError, match="steps"):
        run(-1, 0)
    with pytest.raises(ValueError, match="seed"):
        run(1, -3)


def test_variants_run():
    for kwargs in (
        {"batches": 1},
        {"rounding": "round", "neighbourhood": "von_neumann"},
        {"rounding": "none", "neighbourhood": "cross"},
        {"movement": False, "max_jail_term": 0},
        {"vision": 30, "width": 10, "height": 12},  # vision wider than the torus
    ):
        df = run(20, 1, **kwargs)
        assert len(df) == 21
        assert ((df["quiet"] + df["active"] + df["jailed"]) == df.loc[0, "quiet"]).all()


def test_detect_outbursts_on_a_synthetic_series():
    active = [0, 0, 60, 80, 30, 5, 0, 0, 70, 40, 12, 9, 55, 90]
    df = pd.DataFrame({"step": range(len(active)), "active": active})
    bursts = detect_outbursts(df, start=50, end=10)
    assert bursts["start"].tolist() == [2, 8, 12]
    assert bursts["end"].tolist() == [5, 11, 13]
    assert bursts["peak"].tolist() == [80, 70, 90]
    assert bursts["wait"].tolist() == [2, 3, 1]
    assert bursts["complete"].tolist() == [True, True, False]
    summary = summarise_outbursts(bursts)
    assert summary["outbursts"] == 3 and summary["max_peak"] == 90
    assert summary["mean_wait"] == 2.0
    # Burn-in drops the first episode; fractional thresholds need the citizen columns.
    assert len(detect_outbursts(df, start=50, end=10, burn_in=6)) == 2
    with pytest.raises(ValueError, match="fractional"):
        detect_outbursts(df, start=0.05)
    with pytest.raises(ValueError, match="below"):
        detect_outbursts(df, start=50, end=60)


def test_detect_outbursts_fractional_thresholds():
    df = pd.DataFrame(
        {"step": range(5), "quiet": [100, 80, 95, 70, 100], "active": [0, 20, 5, 30, 0]}
    ).assign(jailed=0)
    df["quiet"] = 100 - df["active"]
    bursts = detect_outbursts(df, start=0.15, end=0.06)
    assert bursts["peak"].tolist() == [20, 30]


def test_mesa_runner_shape():
    df = run_mesa(3, 0)
    assert list(df.columns) == ["step", "quiet", "active", "jailed"]
    assert len(df) == 4
    totals = df["quiet"] + df["active"] + df["jailed"]
    assert (totals == totals.iloc[0]).all()
    pd.testing.assert_frame_equal(df, run_mesa(3, 0))
