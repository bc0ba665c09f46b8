"""The compiled civilian step gives the numpy step's results bit for bit (issue 21).

:class:`~malisim.model.civilians.CivilianPopulation` runs its monthly rules either with numpy
(the reference) or as compiled passes (:mod:`malisim.model.civilian_kernels`, numba). The two
are run side by side from the same state and seeds, and every state array and output must be
equal (``np.array_equal``, no tolerance): full model runs (violence, flight, return, refugees),
and direct steps with communal attacks, threats and sieges that the model's first months may
not reach.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import fields

import numpy as np
import pytest

from malisim.core.rng import RandomStreams
from malisim.model.civilians import (
    COMMUNITIES,
    CellSignals,
    CivilianOutputs,
    CivilianPopulation,
)
from malisim.model.parameters import Parameters
from malisim.model.vocab import N_FAMILIES, Status

pytest.importorskip("numba")

#: Every per-agent state array of the population.
STATE = (
    "cell", "home", "weight", "community", "livelihood", "hardship0", "risk_aversion",
    "legitimacy", "memory", "active", "support", "status", "country", "protracted",
    "months_away", "fled_danger", "returnee",
)  # fmt: skip
#: Per-cell outputs of a month.
OUTPUT_ARRAYS = (
    "population", "support", "recruits", "idps", "refugees_by_country", "returnees", "living",
)  # fmt: skip
OUTPUT_SCALARS = ("civilians_killed", "newly_displaced", "returned")


def assert_same_state(a: CivilianPopulation, b: CivilianPopulation, month: int) -> None:
    """Every state array and accounting total equal, dtype included."""
    for name in STATE:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, (month, name)
        assert np.array_equal(x, y), (month, name)
    assert a.people_accounting() == b.people_accounting(), month


def assert_same_outputs(a: CivilianOutputs, b: CivilianOutputs, month: int) -> None:
    """Every output and flow equal, bit for bit."""
    for name in OUTPUT_ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), (month, name)
    for name in OUTPUT_SCALARS:
        assert getattr(a, name) == getattr(b, name), (month, name)
    for field in fields(a.flows):
        x, y = getattr(a.flows, field.name), getattr(b.flows, field.name)
        assert np.array_equal(x, y), (month, field.name)


@pytest.mark.parametrize("seed", [3, 11])
def test_model_runs_identical_with_both_engines(make_model, seed):
    """Two models, one per engine, stepped month by month: same civilians, same records."""
    months = 30
    models = []
    for engine in ("numpy", "numba"):
        model = make_model(seed=seed, start="2019-01", end="2021-06", n_civilian_agents=4000)
        model.civilians.set_engine(engine)
        models.append(model)
    a, b = models
    moved = returned = refugees = 0.0
    for month in range(months):
        a.step()
        b.step()
        assert_same_state(a.civilians, b.civilians, month)
        assert_same_outputs(a._last_outputs, b._last_outputs, month)
        moved += a._last_outputs.newly_displaced
        returned += a._last_outputs.returned
        refugees += float(a._last_outputs.flows.refugees_new.sum())
    # the months compared saw flight, return and refuge abroad (the kernels of 7.1.7 ran)
    assert moved > 0 and returned > 0 and refugees > 0
    assert b.civilians._kernels is not None and a.civilians._kernels is None
    assert np.array_equal(a.civilians.refugees_by_home(a.grid.n_cells),
                          b.civilians.refugees_by_home(b.grid.n_cells))  # fmt: skip


def _signals(grid, rng: np.random.Generator, pop: CivilianPopulation) -> CellSignals:
    """Violent, governed, besieged signals with communal attacks on a few cells."""
    n = grid.n_cells
    presence = rng.gamma(1.0, 40.0, (N_FAMILIES, n)) * (rng.random((N_FAMILIES, n)) < 0.6)
    present = np.bincount(pop.cell, weights=pop.weight * (pop.status != Status.REFUGEE),
                          minlength=n)  # fmt: skip
    violent = rng.random(n) < 0.3
    killed = (rng.poisson(2.0, (4, n)) * violent * (present > 0)).astype(np.int64)
    by_family = np.vstack([killed[0] + killed[1], 0.7 * killed[2], 0.3 * killed[2], killed[3]])
    kbc = np.zeros((len(COMMUNITIES), N_FAMILIES, n))
    struck = rng.choice(np.flatnonzero(present > 0), 3, replace=False)
    kbc[1, 1, struck] = 3.0  # communal deaths of Fulani, blamed on JNIM
    killed[2, struck] += 3
    by_family[1, struck] += 3.0
    authority = np.argmax(presence, axis=0).astype(np.intp)
    governance = np.zeros((N_FAMILIES, n))
    governance[1:3] = rng.uniform(0.0, 0.8, (2, n)) * (authority[None] == np.array([[1], [2]]))
    return CellSignals(
        presence=presence,
        killed=killed,
        killed_by_family=by_family,
        violence_index=rng.gamma(1.0, 2.0, n) * violent,
        authority=authority,
        governance=governance,
        state_service=rng.random(n),
        economic_loss=rng.uniform(0.0, 0.2, n),
        blockade=rng.uniform(0.0, 0.5, n) * (rng.random(n) < 0.1),
        killed_by_community=kbc,
    )


@pytest.mark.parametrize("seed", [0, 5, 17])
def test_direct_steps_identical_with_communal_attacks(subgrid, seed):
    """Steps with every push of flight and communal deaths: the same under both engines."""
    params = Parameters(n_civilian_agents=3000, hardship_mean=0.6, join_rate=0.01)
    pops = [
        CivilianPopulation(subgrid, params, np.random.default_rng(seed), 2e6, engine=engine)
        for engine in ("numpy", "numba")
    ]
    streams = [RandomStreams(seed), RandomStreams(seed)]
    signal_rng = np.random.default_rng(seed + 1)
    for month in range(8):
        signals = _signals(subgrid, signal_rng, pops[0])
        outs = []
        for pop, s in zip(pops, streams, strict=True):
            rngs = {name: s[name] for name in ("victimisation", "movement")}
            outs.append(pop.step(signals, rngs, dialogue=0.3))
        assert_same_state(*pops, month)
        assert_same_outputs(*outs, month)
    assert pops[0].killed_people > 0 and pops[0].joined_people > 0


def test_auto_engine_compiles_long_runs_only(subgrid, monkeypatch):
    """``auto`` steps with numpy until the process's agent-months pass the threshold."""
    import malisim.model.civilians as civilians

    civilians.compiled_kernels_available()
    threshold = 100_000  # a small threshold keeps the count short; the rule is the same
    monkeypatch.setattr(civilians, "COMPILED_ENGINE_AGENT_MONTHS", threshold)
    monkeypatch.setattr(civilians, "_kernel_module", None)  # as in a fresh process
    monkeypatch.setattr(civilians, "_process_agent_months", 0)
    params = Parameters(n_civilian_agents=2000)

    def population(months: int | None = None) -> CivilianPopulation:
        return CivilianPopulation(subgrid, params, np.random.default_rng(0), 2e6, months=months)

    short = population(months=12)
    n = short.cell.size
    assert short._use_engine() is None  # 24,000 agent-months: not worth importing numba
    counted = population()
    engines = [counted._use_engine() is not None for _ in range(threshold // n + 1)]
    first = engines.index(True)  # switches once the process's agent-months pass the threshold
    assert not any(engines[:first]) and all(engines[first:])
    assert (first + 1) * n + n > threshold >= first * n + n
    assert population(months=1)._use_engine() is not None  # loaded: no cost left to repay
    monkeypatch.setattr(civilians, "_kernel_module", None)
    monkeypatch.setattr(civilians, "_process_agent_months", 0)
    assert population(months=400)._use_engine() is not None  # known to be long: at once
    # without numba: "auto" silently stays on numpy, "numba" is a clear error
    monkeypatch.setattr(civilians, "_kernel_module", None)
    monkeypatch.setattr(civilians, "_kernel_import_failed", True)
    assert population(months=400)._use_engine() is None
    with pytest.raises(ValueError, match="needs numba"):
        CivilianPopulation(subgrid, params, np.random.default_rng(0), 2e6, engine="numba")
    with pytest.raises(ValueError, match="unknown civilian engine"):
        CivilianPopulation(subgrid, params, np.random.default_rng(0), 2e6, engine="fortran")


def test_a_short_run_does_not_import_numba():
    """A one-month run stays on numpy and never imports numba (start-up time)."""
    code = textwrap.dedent(
        """
        import sys
        from malisim.scenario import scenario_from_dict
        from malisim.scenario.runner import build_model
        scenario = scenario_from_dict({"name": "s", "start": "2019-01", "end": "2019-01"},
                                      source="s")
        build_model(scenario, 1).run()
        assert "numba" not in sys.modules
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
