"""Displacement as a balance of flows (issue 17), driven with synthetic signals on the sub-grid.

A :class:`CivilianPopulation` is stepped with hand-made violence per cell (no armed actors), so
that flight, return and the flow accounting can be checked on their own: flows balance the
stocks every month, people are conserved, constant violence gives a stock that converges,
removing violence makes it decay, more violence displaces more people, and the violence index's
denominator does not shrink as a cell empties. Paired runs share the seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from malisim.core.rng import RandomStreams
from malisim.model.civilians import (
    CellSignals,
    CivilianPopulation,
    flight_danger,
    relief_return_probability,
    threat_flight_probability,
)
from malisim.model.parameters import Parameters
from malisim.model.vocab import N_FAMILIES, Family, Livelihood, Status

N_AGENTS = 4_000
TOTAL_PEOPLE = 2_000_000.0


def make_population(grid, seed: int = 0, **overrides) -> CivilianPopulation:
    overrides.setdefault("n_civilian_agents", N_AGENTS)
    return CivilianPopulation(
        grid, Parameters(**overrides), np.random.default_rng(seed), TOTAL_PEOPLE
    )


def signals(grid, violence: np.ndarray) -> CellSignals:
    """No armed presence, no killings: only the violence index acts (on flight and return)."""
    n = grid.n_cells
    return CellSignals(
        presence=np.zeros((N_FAMILIES, n)),
        killed=np.zeros((4, n), np.int64),
        killed_by_family=np.zeros((N_FAMILIES, n)),
        violence_index=violence,
        authority=np.zeros(n, np.intp),
        governance=np.zeros((N_FAMILIES, n)),
        state_service=np.ones(n),
        economic_loss=np.zeros(n),
    )


def rngs(seed: int) -> dict[str, np.random.Generator]:
    streams = RandomStreams(seed)
    return {name: streams[name] for name in ("victimisation", "civilians", "movement")}


def violent_cells(grid, share: float = 0.2, level: float = 8.0) -> np.ndarray:
    """Violence ``level`` in the most populous ``share`` of cells, none elsewhere."""
    v = np.zeros(grid.n_cells)
    order = np.argsort(-np.asarray(grid.population, float), kind="stable")
    v[order[: int(share * grid.n_cells)]] = level
    return v


def stocks(pop: CivilianPopulation) -> tuple[np.ndarray, np.ndarray]:
    """IDPs per cell of refuge and refugees per home cell."""
    n = pop.grid.n_cells
    idp = np.bincount(pop.cell, pop.weight * (pop.status == Status.DISPLACED), minlength=n)
    ref = np.bincount(pop.home, pop.weight * (pop.status == Status.REFUGEE), minlength=n)
    return idp, ref


def displaced(pop: CivilianPopulation) -> float:
    return float(pop.weight[pop.status != Status.RESIDENT].sum())


# ------------------------------------------------------------------------------ the danger curve


def test_flight_danger_saturates_without_a_threshold():
    p = Parameters()
    v = np.array([0.0, 0.5, 1.0, 2.0, 4.0, 100.0]) * p.flight_threshold
    d = flight_danger(v, p)
    assert d[0] == 0.0
    assert d[2] == pytest.approx(0.5)  # one half at the threshold, by definition
    assert np.all(np.diff(d) > 0)  # rises with violence: no flat part, no jump
    assert 0.0 < d[1] < 0.5 < d[3] < d[4] < d[5] < 1.0


# ---------------------------------------------------------------------------------- the identity


def test_flows_balance_the_stocks_every_month(subgrid):
    # violence on, then moved around, then off: new flight, secondary flight, returns of IDPs
    # and refugees all occur; the stock change of every cell equals its flows each month
    pop = make_population(subgrid, seed=1, return_ramp_months=1, refugee_return_rate=0.2)
    r = rngs(1)
    base = violent_cells(subgrid)
    seen = dict.fromkeys(("new", "secondary", "idp_returns", "refugees", "refugee_returns"), 0.0)
    for month in range(18):
        violence = base if month < 6 else np.roll(base, 7) if month < 12 else np.zeros_like(base)
        idp0, ref0 = stocks(pop)
        out = pop.step(signals(subgrid, violence), r)
        idp1, ref1 = stocks(pop)
        f = out.flows
        # float sums of a few thousand weights of ~500 people: 1e-6 people is rounding only
        np.testing.assert_allclose(idp1 - idp0, f.idp_change(), atol=1e-6)
        np.testing.assert_allclose(ref1 - ref0, f.refugee_change(), atol=1e-6)
        np.testing.assert_allclose(out.idps, idp1)
        for name in (f.idps_new, f.idps_secondary_in, f.idp_returns, f.refugees_new):
            assert np.all(name >= 0)
        seen["new"] += f.idps_new.sum()
        seen["secondary"] += f.idps_secondary_in.sum()
        seen["idp_returns"] += f.idp_returns.sum()
        seen["refugees"] += f.refugees_new.sum()
        seen["refugee_returns"] += f.refugee_returns.sum()
        # secondary flows leave one cell and arrive in another: zero nationally
        assert f.idps_secondary_in.sum() == pytest.approx(f.idps_secondary_out.sum())
        assert out.newly_displaced == pytest.approx(
            f.idps_new.sum() + f.idps_secondary_in.sum() + f.refugees_new.sum()
        )
    assert all(v > 0 for v in seen.values()), seen  # every flow was exercised


def test_people_conserved_and_returnees_counted(subgrid):
    pop = make_population(subgrid, seed=2, return_ramp_months=1)
    r = rngs(2)
    base = violent_cells(subgrid)
    for month in range(12):
        out = pop.step(signals(subgrid, base if month < 6 else np.zeros_like(base)), r)
    acc = pop.people_accounting()
    lhs = acc["initial"] + acc["growth"]
    rhs = sum(
        acc[k] for k in ("residents", "displaced", "refugees", "killed", "joined_armed_groups")
    )
    assert rhs == pytest.approx(lhs, rel=1e-9)
    assert np.all(pop.weight >= 0)
    back = pop.returnee & (pop.status == Status.RESIDENT)
    assert back.any()
    assert out.returnees.sum() == pytest.approx(pop.weight[back].sum())
    assert np.all(pop.cell[back] == pop.home[back])  # returnees are at home
    assert np.all(pop.months_away[pop.status == Status.RESIDENT] == 0)


# ---------------------------------------------------------------------------------- dynamics


def run_stock(grid, violence_of_month, months: int, seed: int = 3, **overrides) -> np.ndarray:
    """Displaced people (IDPs + refugees) after each month, without population growth."""
    overrides.setdefault("population_growth", 0.0)  # the stock's own dynamics, not births
    pop = make_population(grid, seed=seed, **overrides)
    r = rngs(seed)
    out = []
    for m in range(months):
        pop.step(signals(grid, violence_of_month(m)), r)
        out.append(displaced(pop))
    return np.array(out)


def test_constant_violence_the_stock_converges(subgrid):
    base = violent_cells(subgrid)
    stock = run_stock(subgrid, lambda m: base, months=240)
    assert stock[23] > 0
    growth = (stock[-1] / stock[-25]) ** (12 / 24) - 1.0
    # over the last 2 of 20 years the stock grows by under 3% a year: flows have balanced
    # (the "below a few percent a year"; random flight and return add noise of ~1%)
    assert abs(growth) < 0.03, (growth, stock[[23, 119, 215, 239]])
    # and it did grow before converging: the first year's growth is far above that
    assert stock[11] / stock[0] > 1.5


def test_violence_removed_the_stock_decays(subgrid):
    base = violent_cells(subgrid)
    zero = np.zeros_like(base)
    stock = run_stock(subgrid, lambda m: base if m < 12 else zero, months=72)
    peak = stock[11]
    # five calm years: all but the protracted share (0.21) go home (most within the first year
    # by the relief return); at least a third of the peak has gone, the stock never rises
    # again, and it falls in the first calm year (once only the protracted share is left, and
    # without births here, it stays flat: hence <= for the later years)
    assert stock[-1] < 0.67 * peak, (peak, stock[-1])
    yearly = stock[11::12]
    assert yearly[1] < yearly[0], yearly
    assert np.all(np.diff(yearly) <= 0), yearly


def test_protracted_share_stays(subgrid):
    base = violent_cells(subgrid)
    zero = np.zeros_like(base)
    kept = {}
    for share in (0.0, 0.4):
        stock = run_stock(subgrid, lambda m: base if m < 12 else zero, months=120,
                          protracted_share=share, refugee_return_rate=0.2)  # fmt: skip
        kept[share] = stock[-1] / stock[11]
    # with no protracted share nearly everyone is home after 9 calm years; with 0.4 roughly
    # that share of the peak stays (tolerance: the share is drawn per agent, ~5% noise)
    assert kept[0.0] < 0.05, kept
    assert 0.3 < kept[0.4] < 0.5, kept


def test_more_violence_in_a_region_displaces_more_from_it(subgrid):
    counts = []
    for level in (3.0, 6.0, 12.0):
        pop = make_population(subgrid, seed=4)
        r = rngs(4)
        v = violent_cells(subgrid, level=level)
        for _ in range(6):
            pop.step(signals(subgrid, v), r)
        from_violent = v[pop.home] > 0
        counts.append(float(pop.weight[from_violent & (pop.status != Status.RESIDENT)].sum()))
    assert counts[0] < counts[1] < counts[2], counts


def test_return_rises_with_safety_at_home(subgrid):
    # after six months of violence, home stays at a given level: the calmer, the more go back
    base = violent_cells(subgrid)
    returned = []
    for after in (1.0, 0.5, 0.0):
        pop = make_population(subgrid, seed=5)
        r = rngs(5)
        total = 0.0
        for m in range(18):
            out = pop.step(signals(subgrid, base if m < 6 else after * base), r)
            total += out.flows.idp_returns.sum() if m >= 6 else 0.0
        returned.append(total)
    assert returned[0] < returned[1] < returned[2], returned


def test_return_waits_for_time_away(subgrid):
    # the same six violent months then calm: a long ramp holds returns back in the first months
    # (the settled return; the relief return of short displacements does not wait, so it is
    # switched off here and tested on its own below)
    base = violent_cells(subgrid)
    early = {}
    for ramp in (1, 24):
        pop = make_population(subgrid, seed=6, return_ramp_months=ramp, relief_return_rate=0.0)
        r = rngs(6)
        total = 0.0
        for m in range(9):
            out = pop.step(signals(subgrid, base if m < 6 else np.zeros_like(base)), r)
            total += out.flows.idp_returns.sum() if m >= 6 else 0.0
        early[ramp] = total
    assert early[24] < 0.5 * early[1], early


def test_refugees_come_from_the_north_and_centre_only(subgrid):
    pop = make_population(subgrid, seed=7, refugee_share=1.0)
    r = rngs(7)
    v = np.full(subgrid.n_cells, 8.0)  # violence everywhere
    for _ in range(3):
        pop.step(signals(subgrid, v), r)
    ref = pop.status == Status.REFUGEE
    geo = pop.geography
    assert ref.any()
    assert np.all(geo.cross_border[pop.home[ref]])
    allowed = {geo.refuge_country[c] for c in range(subgrid.n_cells) if geo.refuge_country[c] >= 0}
    assert set(np.unique(pop.country[ref])) <= allowed


def test_destinations_pull_toward_capitals(subgrid):
    # paired seeds: with a strong capital pull more of the displaced end up in capital cells
    v = violent_cells(subgrid)
    shares = []
    for weight in (0.0, 5.0):
        pop = make_population(subgrid, seed=8, destination_capital_weight=weight)
        v[pop.geography.capital > 0] = 0.0  # the capitals are calm (they are populous cells)
        r = rngs(8)
        for _ in range(4):
            pop.step(signals(subgrid, v), r)
        disp = pop.status == Status.DISPLACED
        in_capital = pop.geography.capital[pop.cell] > 0
        shares.append(pop.weight[disp & in_capital].sum() / pop.weight[disp].sum())
    assert shares[0] < shares[1], shares


# ---------------------------------------------------------------------------------- the index


def test_an_emptied_cell_does_not_look_more_violent(subgrid):
    # all stay in Mali, and everyone can leave (mobile_share 1), so the violent cells empty
    pop = make_population(subgrid, seed=9, flight_rate=0.9, refugee_share=0.0, mobile_share=1.0)
    r = rngs(9)
    v = violent_cells(subgrid, level=30.0)
    before = pop.people_living()
    for _ in range(4):
        out = pop.step(signals(subgrid, v), r)
    present = out.population
    hit = v > 0
    # many have left the violent cells, but the people who live there (displaced included)
    # have not: the index's denominator shrinks by births and deaths only (none here but growth)
    assert present[hit].sum() < 0.5 * before[hit].sum()
    assert out.living[hit].sum() >= before[hit].sum()
    assert np.all(out.living >= present)


def test_model_records_the_flow_series(make_model):
    model = make_model(seed=1, start="2019-01", end="2019-06")
    model.run()
    nat = model.series().query("region == 'Mali'")
    for col in ("idps_new", "idps_secondary", "idp_returns", "refugees_new", "refugee_returns",
                "returnees"):  # fmt: skip
        assert col in nat and np.all(nat[col].to_numpy() >= 0), col
    assert nat["idps_new"].sum() > 0
    regional = model.series().query("region != 'Mali'")
    by_month = regional.groupby("date")["idps_new"].sum().to_numpy()
    np.testing.assert_allclose(by_month, nat["idps_new"].to_numpy())


# ------------------------------------------------- threats, blockades, room to flee, relief


def fled_from(pop: CivilianPopulation, cells: np.ndarray) -> float:
    """People whose home is one of ``cells`` and who are away (displaced or abroad)."""
    return float(pop.weight[cells[pop.home] & (pop.status != Status.RESIDENT)].sum())


def test_a_blockade_raises_flight_from_the_blockaded_cells(subgrid):
    # paired seeds, no violence anywhere: the only difference is a siege on the populous cells
    hit = violent_cells(subgrid) > 0
    away = []
    for loss in (0.0, 0.3):  # 0.3: blockade_shock, a besieged town's share of activity lost
        pop = make_population(subgrid, seed=11)
        r = rngs(11)
        for _ in range(6):
            s = signals(subgrid, np.zeros(subgrid.n_cells))
            s.blockade = np.where(hit, loss, 0.0)
            pop.step(s, r)
        away.append(fled_from(pop, hit))
    # without the siege nobody leaves (no push at all); with it a few percent of the besieged
    # cells' people have gone in six months (0.05 * 0.3 a month, herders twice as much; the
    # tolerance only asks for a clear effect, above 1% of those people)
    people = float(pop.weight[hit[pop.home]].sum())
    assert away[0] == 0.0, away
    assert away[1] > 0.01 * people, (away, people)


def test_the_national_economic_loss_alone_displaces_nobody(subgrid):
    # the economic loss civilians feel raises hardship, but only a cell's own (siege) loss
    # pushes flight: a national recession is no reason to become an IDP
    pop = make_population(subgrid, seed=12)
    r = rngs(12)
    for _ in range(6):
        s = signals(subgrid, np.zeros(subgrid.n_cells))
        s.economic_loss = np.full(subgrid.n_cells, 0.2)
        pop.step(s, r)
    assert displaced(pop) == pytest.approx(0.0)


def test_herders_flee_a_blockade_more_than_farmers(subgrid):
    hit = violent_cells(subgrid, share=0.5) > 0
    pop = make_population(subgrid, seed=13, herder_livelihood_factor=4.0)
    r = rngs(13)
    for _ in range(6):
        s = signals(subgrid, np.zeros(subgrid.n_cells))
        s.blockade = np.where(hit, 0.3, 0.0)
        pop.step(s, r)
    share = {}
    for code in (Livelihood.HERDER, Livelihood.FARMER):
        mine = hit[pop.home] & (pop.livelihood == code)
        share[code] = (
            pop.weight[mine & (pop.status != Status.RESIDENT)].sum() / pop.weight[mine].sum()
        )
    # four times the push: herders' share away is clearly above farmers' (tolerance: a factor
    # 2 leaves room for the sampling noise of a few hundred agents and for the room to flee)
    assert share[Livelihood.HERDER] > 2.0 * share[Livelihood.FARMER], share


def test_jihadist_rule_displaces_those_who_reject_it(subgrid):
    # paired seeds, no violence: JNIM governs the populous cells in one run and nowhere in the other
    hit = violent_cells(subgrid) > 0
    away = []
    for gov in (0.0, 1.0):
        pop = make_population(subgrid, seed=14)
        r = rngs(14)
        for _ in range(6):
            s = signals(subgrid, np.zeros(subgrid.n_cells))
            s.governance = np.zeros((N_FAMILIES, subgrid.n_cells))
            s.governance[Family.JNIM] = np.where(hit, gov, 0.0)
            pop.step(s, r)
        away.append(fled_from(pop, hit))
    assert away[0] == 0.0 and away[1] > 0.0, away
    # among those ruled, the ones who left rejected JNIM more than the ones who stayed
    ruled = hit[pop.home]
    gone = ruled & (pop.status != Status.RESIDENT)
    stayed = ruled & (pop.status == Status.RESIDENT)
    legit = pop.legitimacy[:, Family.JNIM]
    assert legit[gone].mean() < legit[stayed].mean()


def test_threat_flight_probability_falls_with_legitimacy():
    p = Parameters()
    gov = np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    legit = np.array([[0.0, 0.5, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    prob = threat_flight_probability(gov, legit, p)
    assert prob[0] == pytest.approx(p.threat_flight_rate)  # full rule, full rejection
    assert prob[0] > prob[1] > prob[2] == 0.0
    assert prob[3] == 0.0  # no rule, no threat


def test_flight_slows_as_a_cell_empties(subgrid):
    # constant heavy violence for two years: with fewer people able to leave (a smaller
    # mobile share) fewer of the violent cells' people are away, and never more than the share
    hit = violent_cells(subgrid, level=30.0)
    away = {}
    for share in (0.3, 1.0):
        pop = make_population(subgrid, seed=15, mobile_share=share, relief_return_rate=0.0)
        r = rngs(15)
        for _ in range(24):
            pop.step(signals(subgrid, hit), r)
        people = float(pop.weight[(hit > 0)[pop.home]].sum())
        away[share] = fled_from(pop, hit > 0) / people
    assert away[0.3] < away[1.0], away
    # the room closes at the mobile share; the monthly step can overshoot it a little
    # (everyone under the bound decides at once), hence 0.05
    assert away[0.3] < 0.3 + 0.05, away


def test_relief_return_brings_people_home_when_the_attack_has_passed(subgrid):
    # two violent months, then calm: with the relief return more are home after three months
    # (the settled return still waits for return_ramp_months)
    base = violent_cells(subgrid)
    stock = {}
    for rate in (0.0, 0.3):
        s = run_stock(subgrid, lambda m: base if m < 2 else np.zeros_like(base), months=5,
                      relief_return_rate=rate)  # fmt: skip
        stock[rate] = s[-1] / s[1]
    assert stock[0.3] < stock[0.0], stock


def test_relief_return_probability():
    danger_now = np.array([0.9, 0.45, 0.0, 0.5, 0.5])
    fled = np.array([0.9, 0.9, 0.9, 0.0, 0.2])
    prob = relief_return_probability(danger_now, fled, 0.3)
    # no relief while home is as dangerous as at departure; half relief at half the danger;
    # full rate when home is calm; none without a recorded departure; none when worse
    np.testing.assert_allclose(prob, [0.0, 0.15, 0.3, 0.0, 0.0])
