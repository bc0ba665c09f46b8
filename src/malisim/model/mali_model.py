"""MaliModel: the Mesa model of stabilisation scenarios in Mali.

The model owns the regional grid (a Mesa discrete space with property layers), the actors, the
civilian population, the policies, the calendar (one step = one month, real dates) and the named
random streams. :meth:`MaliModel.step` runs a fixed, documented phase order.

Build it with flat keyword arguments, as Mesa's SolaraViz does::

    model = MaliModel(seed=1, start="2019-01", end="2026-12", wagner_personnel=1000)
    model.run()
    series, events = model.series(), model.events_frame()
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from malisim.core.calendar import DEFAULT_END, DEFAULT_START, format_month, parse_month
from malisim.core.rng import RandomStreams
from malisim.model import conflict, initial
from malisim.model.actors import ForeignPartner, JihadistGroup, SignatoryGroup, State
from malisim.model.civilians import CellSignals, CivilianOutputs, CivilianPopulation
from malisim.model.conflict import Belligerents
from malisim.model.economy import Economy
from malisim.model.events import EventLog
from malisim.model.hooks import ModelPolicy
from malisim.model.outcomes import OutcomeRecorder, control_shares
from malisim.model.parameters import Parameters, parameter_specs
from malisim.model.run_parameters import RunParameters
from malisim.model.situation import Situation
from malisim.model.space import NEIGHBOUR_COUNTRIES, MaliGrid, load_grid
from malisim.model.topology import Topology
from malisim.model.vocab import N_FAMILIES, Control, Side, Status

#: Phases of :meth:`MaliModel.step`, in order (also used by the benchmark's time breakdown).
PHASES: tuple[str, ...] = (
    "policies",
    "partners",
    "economy",
    "state",
    "armed_groups",
    "strikes",
    "clashes",
    "explosives",
    "violence",
    "civilians",
    "recruitment",
    "control",
    "politics",
    "outcomes",
)


class MaliModel(mesa.Model):
    """Agent-based model of conflict and stabilisation in Mali, one step per month.

    Args:
        seed: Root seed of the run; every stochastic process draws from its own stream
            derived from it (:class:`malisim.core.rng.RandomStreams`). ``None`` draws a fresh seed.
        start: First month, ``YYYY-MM`` (default 2019-01).
        end: Last month, ``YYYY-MM`` inclusive (default 2026-12).
        policies: Policies (anything with the lifecycle of
            :class:`~malisim.model.hooks.ModelPolicy`, e.g. those of :mod:`malisim.policies`),
            stepped each month in order with the model as their
            :class:`~malisim.model.hooks.PolicyHooks`.
        grid: The grid (default: the packaged grid of Mali; tests pass sub-grids).
        **overrides: Parameter values by name (see :mod:`malisim.model.parameters`).

    Raises:
        pydantic.ValidationError: If a parameter is unknown or out of range.
        malisim.core.calendar.DateError: If a date is malformed.
        ValueError: If ``end`` is before ``start``.
    """

    def __init__(
        self,
        seed: int | None = None,
        start: str = DEFAULT_START,
        end: str = DEFAULT_END,
        policies: Iterable[ModelPolicy] = (),
        grid: MaliGrid | None = None,
        **overrides: Any,
    ) -> None:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        self.streams = RandomStreams(seed)
        super().__init__(seed=self.streams.python_seed())
        self.seed_value = int(seed)
        self.start_month = parse_month(start)
        self.end_month = parse_month(end)
        if self.end_month < self.start_month:
            raise ValueError(f"end {end} is before start {start}")
        self.month = self.start_month
        self.base_parameters = Parameters(**overrides)
        self.params = RunParameters.from_parameters(self.base_parameters)
        self._specs = parameter_specs()
        self.policies: list[ModelPolicy] = list(policies)

        self.grid = grid if grid is not None else load_grid()
        self.space = self.grid.to_mesa_space(random=self.random)
        self.topology = Topology(self.grid)

        setup = self.streams["setup"]
        p = self.params
        years_to_2022 = 2022.5 - (self.start_month / 12.0)
        total_people = p.population_2022 / (1.0 + p.population_growth) ** years_to_2022
        self.civilians = CivilianPopulation(self.grid, self.base_parameters, setup, total_people)
        self.civilians.seed_displacement(
            p.initial_idps, p.initial_refugees, initial.displacement_origins(self.grid), setup
        )

        n = self.grid.n_cells
        self.town_cells = np.array([bool(t) for t in self.grid.main_town])
        self.cell_population = np.bincount(
            self.civilians.cell, weights=self.civilians.weight, minlength=n
        ).astype(float)
        self.sanctuary_codes = [NEIGHBOUR_COUNTRIES.index(c) for c in ("Niger", "Burkina Faso")]
        self.sanctuary_cells = np.isin(self.grid.border_country, self.sanctuary_codes)
        self.state = State(self, n, p.fama_troops, p.approval_initial)
        self.initial_troops = self.state.troops
        self.jnim = JihadistGroup(
            self, Side.JNIM, initial.spread(self.grid, p.jnim_fighters, initial.JNIM_REGIONS)
        )
        self.is_sahel = JihadistGroup(
            self,
            Side.IS_SAHEL,
            initial.spread(self.grid, p.is_sahel_fighters, initial.IS_SAHEL_REGIONS),
        )
        self.cma = SignatoryGroup(
            self, Side.CMA, initial.spread(self.grid, p.cma_fighters, initial.CMA_REGIONS)
        )
        self.platform = SignatoryGroup(
            self,
            Side.PLATFORM,
            initial.spread(self.grid, p.platform_fighters, initial.PLATFORM_REGIONS),
        )
        self.france = ForeignPartner(
            self, "france", n, initial.base_weights(self.grid, initial.FRANCE_BASES)
        )
        self.minusma = ForeignPartner(
            self, "minusma", n, initial.base_weights(self.grid, initial.MINUSMA_BASES)
        )
        self.wagner = ForeignPartner(self, "wagner", n, None)
        self.eu = ForeignPartner(self, "eu", n, None)
        self.ecowas = ForeignPartner(self, "ecowas", n, None)
        self.donors = ForeignPartner(self, "donors", n, None)
        self.forces = Belligerents(
            state=self.state,
            jnim=self.jnim,
            is_sahel=self.is_sahel,
            cma=self.cma,
            platform=self.platform,
            france=self.france,
            wagner=self.wagner,
            minusma=self.minusma,
        )
        # Barkhane strikes from its northern bases (assumption: about 200 km around them)
        self.france_reach = self.topology.reach(self.france.base_weight > 0, radius=4)
        border = np.asarray(self.grid.border_country)
        self.inflow_cells = {
            "is_sahel": border == NEIGHBOUR_COUNTRIES.index("Niger"),
            "jnim": border == NEIGHBOUR_COUNTRIES.index("Burkina Faso"),
        }

        self.accord_adherence = float(p.accord_adherence_initial)
        self.offensive_against_signatories = np.zeros(n)
        self.dialogue_mask = np.ones(n)
        self.economy = Economy()
        self.events = EventLog(self.grid)
        self.violence_index = np.zeros(n)
        self.support_share = np.zeros((N_FAMILIES, n))
        self._last_outputs: CivilianOutputs | None = None
        self._civilian_deaths_history: list[float] = []
        self.blockade = np.zeros(n)
        self.people_in_need = np.zeros(n)

        # initial control from initial presence; cells nobody holds keep the regional default
        self._deploy_partners()
        self.control = initial.default_control(self.grid)
        self.administration = self.control == Control.STATE
        self._deploy_state()
        self._initial_control()
        self.administration &= self.control == Control.STATE

        self.recorder = OutcomeRecorder(self.end_month - self.start_month + 1, self.start_month)
        self.phase_seconds: dict[str, float] | None = None
        for policy in self.policies:
            policy.initialize(self)
        self.running = True

    # ------------------------------------------------------------------ policy hooks
    # (the protocol malisim.model.hooks.PolicyHooks: month, date, and the methods below)
    def set_param(self, name: str, value: float) -> None:
        """Policy hook: set a parameter for the rest of the run (validated against bounds)."""
        spec = self._specs.get(name)
        if spec is None:
            raise KeyError(f"unknown parameter {name!r}")
        if not spec.low <= value <= spec.high:
            raise ValueError(f"{name}={value} outside [{spec.low}, {spec.high}]")
        setattr(self.params, name, spec.type(value) if spec.type is int else float(value))

    def get_param(self, name: str) -> float:
        """Policy hook: the parameter's current value."""
        return getattr(self.params, name)

    def base_param(self, name: str) -> float:
        """Policy hook: the parameter's value in the scenario (before any policy changed it)."""
        return getattr(self.base_parameters, name)

    @property
    def date(self) -> str:
        """The current month as ``YYYY-MM``."""
        return format_month(self.month)

    def add_rally(self, amount: float) -> None:
        """Policy hook: add a sovereignty rally to the junta's approval."""
        self.state.add_rally(amount)

    def launch_offensive(self, regions: list[str] | None, intensity: float) -> None:
        """Policy hook: order a state offensive into the given regions' cells this month.

        Args:
            regions: Region names, or None for the signatory-controlled cells.
            intensity: Share of offensive forces sent there (0-1).
        """
        if regions is None:
            target = self.control == Control.SIGNATORY
        else:
            target = self.grid.region_mask(*regions)
        self.state.order_offensive(target, intensity)

    def set_dialogue_regions(self, regions: list[str] | None) -> None:
        """Policy hook: limit dialogue with JNIM to these regions (None: everywhere)."""
        if regions is None:
            self.dialogue_mask = np.ones(self.grid.n_cells)
        else:
            self.dialogue_mask = self.grid.region_mask(*regions).astype(float)

    def dialogue(self) -> np.ndarray:
        """Intensity of dialogue with JNIM per cell (0 = none)."""
        return self.params.dialogue_intensity * self.dialogue_mask

    def indicator(self, name: str) -> float:
        """Policy-trigger hook: a model indicator, as of the last recorded month.

        Names: ``control_state``, ``control_jihadist`` (JNIM + IS Sahel), ``junta_approval``,
        ``gdp_index``, ``accord_adherence``, ``civilian_fatalities_12m`` (last 12 months).
        """
        if name == "junta_approval":
            return self.state.approval
        if name == "gdp_index":
            return self.economy.gdp_index
        if name == "accord_adherence":
            return self.accord_adherence
        if name == "civilian_fatalities_12m":
            return float(sum(self._civilian_deaths_history[-12:]))
        pop = self.cell_population
        total = max(pop.sum(), 1.0)
        if name == "control_state":
            return float(pop[self.control == Control.STATE].sum() / total)
        if name == "control_jihadist":
            held = (self.control == Control.JNIM) | (self.control == Control.IS_SAHEL)
            return float(pop[held].sum() / total)
        raise KeyError(f"unknown indicator {name!r}")

    # ------------------------------------------------------------------ phases
    def situation(self) -> Situation:
        """A snapshot of the cells for the rules of the current phase (see :class:`Situation`)."""
        return Situation(
            month=self.month,
            params=self.params,
            grid=self.grid,
            topology=self.topology,
            population=self.cell_population,
            control=self.control,
            administration=self.administration,
            violence_index=self.violence_index,
            support_share=self.support_share,
            accord_adherence=self.accord_adherence,
            dialogue=self.dialogue(),
            offensive_orders=self.offensive_against_signatories,
            town_cells=self.town_cells,
            sanctuary_cells=self.sanctuary_cells,
            france_reach=self.france_reach,
        )

    def _deploy_partners(self) -> None:
        p = self.params
        self.france.deploy(p.france_troops)
        self.minusma.deploy(p.minusma_troops)

    def _deploy_state(self) -> None:
        self.state.deploy(
            self.situation(),
            jihadist_fighters=self.jnim.fighters + self.is_sahel.fighters,
            signatory_fighters=self.cma.fighters + self.platform.fighters,
        )

    def _initial_control(self) -> None:
        situation = self.situation()
        power = conflict.control_powers(situation, self.forces)
        order = np.sort(power, axis=0)
        top, second = order[-1], order[-2]
        leader = np.argmax(power, axis=0)
        held = top >= self.params.control_dominance * np.maximum(second, 1e-9)
        strong = top >= conflict.control_threshold(self.params, self.cell_population)
        self.control = np.where(
            strong & held, leader, np.where(strong, Control.CONTESTED, self.control)
        ).astype(np.int8)

    def step(self) -> None:
        """Advance one month through the fixed phase order.

        Phases:

        1. ``policies``: each policy's ``apply`` (they change parameters and give orders);
        2. ``partners``: France and MINUSMA deploy at their bases at the current strength;
        3. ``economy``: GDP index, budget (revenue, aid, spending);
        4. ``state``: FAMa grows if the budget allows and deploys garrisons and offensives;
           Wagner goes with the offensives;
        5. ``armed_groups``: jihadist groups expand into weak-state cells and mass fighters on
           cells they can take (less where French air cover reaches); desertion;
        6. ``strikes``: French strikes and FAMa/Wagner air strikes;
        7. ``clashes``: battles between hostile sides, attacks on MINUSMA;
        8. ``explosives``: IEDs;
        9. ``violence``: one-sided violence against civilians;
        10. ``civilians``: victimisation, hardship, legitimacy, Epstein activation, recruitment,
            flight and return, growth;
        11. ``recruitment``: recruits join their group in their cell;
        12. ``control``: control of cells, jihadist governance and sieges;
        13. ``politics``: accord adherence, junta approval, people in need;
        14. ``outcomes``: the month's row of every outcome.
        """
        if self.month > self.end_month:
            self.running = False
            return
        timer = _PhaseTimer(self.phase_seconds)
        p = self.params
        with timer("policies"):
            for policy in self.policies:
                policy.step(self)
        with timer("partners"):
            self._deploy_partners()
        with timer("economy"):
            national_violence = float(
                np.average(self.violence_index, weights=np.maximum(self.cell_population, 1.0))
            )
            self.state.budget_balance = self.economy.update(
                p,
                self.month,
                national_violence,
                fama_troops=self.state.troops,
                initial_fama_troops=self.initial_troops,
                wagner_personnel=self.wagner.total,
            )
        with timer("state"):
            self.state.grow(p)
            self.offensive_against_signatories = self.state.offensive_orders.copy()
            self._deploy_state()
            off = self.state.offensive
            self.wagner.troops = (
                p.wagner_personnel * off / off.sum() if off.sum() > 0 else np.zeros_like(off)
            )
        with timer("armed_groups"):
            situation = self.situation()
            state_power = conflict.side_powers(self.forces, p)["state"]
            self.jnim.expand(situation, state_power, self.support_share[1])
            self.is_sahel.expand(situation, state_power, self.support_share[2])
            self._jihadist_offensives(situation)
            conflict.desertion(
                (self.jnim, self.is_sahel, self.cma, self.platform), p.desertion_rate
            )
            self._cross_border_inflow()
        violence = conflict.MonthlyViolence.zeros(self.grid.n_cells)
        forces, log = self.forces, self.events
        with timer("strikes"):
            conflict.strikes(self.situation(), forces, self.streams["remote"], violence, log)
        with timer("clashes"):
            conflict.clashes(self.situation(), forces, self.streams["combat"], violence, log)
        with timer("explosives"):
            conflict.explosives(self.situation(), forces, self.streams["remote"], violence, log)
        with timer("violence"):
            conflict.one_sided_violence(
                self.situation(), forces, self.streams["violence"], violence, log
            )
        with timer("civilians"):
            outputs = self._civilian_step(violence)
        with timer("recruitment"):
            rec = outputs.recruits
            self.state.troops += float(rec[0].sum())
            self.jnim.fighters += rec[1]
            self.is_sahel.fighters += rec[2]
            signatory_total = self.cma.fighters + self.platform.fighters
            cma_share = np.divide(
                self.cma.fighters, signatory_total, out=np.full_like(signatory_total, 0.5),
                where=signatory_total > 0,
            )  # fmt: skip
            self.cma.fighters += rec[3] * cma_share
            self.platform.fighters += rec[3] * (1.0 - cma_share)
        with timer("control"):
            change = conflict.update_control(self.situation(), forces, violence.battles, log)
            self.control, self.administration = change.control, change.administration
            self.jnim.govern(self.control == Control.JNIM, p.governance_rate)
            self.is_sahel.govern(self.control == Control.IS_SAHEL, p.governance_rate)
            self._sieges()
        with timer("politics"):
            self._update_adherence()
            self._update_approval(violence)
            self.people_in_need = self.economy.people_in_need(
                p, self.grid.biome, outputs.population, outputs.idps, self.violence_index,
                self.blockade,
            )  # fmt: skip
        with timer("outcomes"):
            self._record(violence, outputs)
        self.month += 1
        if self.month > self.end_month:
            self.running = False
            for policy in self.policies:
                policy.finalize(self)

    def _jihadist_offensives(self, situation: Situation) -> None:
        """Each jihadist group masses fighters on the cells it can take (JNIM first).

        French air support and surveillance deter massing within reach of the French bases, in
        proportion to the French air level (seeds 000, 002).
        """
        p = situation.params
        air_level = conflict.france_air_level(self.france, p)
        air_cover = p.air_deterrence * air_level * situation.france_reach
        threshold = conflict.control_threshold(p, situation.population)
        for group, row in ((self.jnim, Control.JNIM), (self.is_sahel, Control.IS_SAHEL)):
            power = conflict.control_powers(situation, self.forces)
            others = np.delete(power, row, axis=0).max(axis=0)
            group.mass(situation, others, threshold, situation.control == row, air_cover)

    def _civilian_step(self, violence: conflict.MonthlyViolence) -> CivilianOutputs:
        p = self.params
        n = self.grid.n_cells
        killed = violence.civilians_killed
        by_family = np.zeros((N_FAMILIES, n))
        by_family[0] = killed[0] + killed[1]
        by_family[1] = violence.civilians_killed_jihadist_split[0]
        by_family[2] = violence.civilians_killed_jihadist_split[1]
        by_family[3] = killed[3]
        # violence index: deaths per 100,000 people per month (combatants count one sixth)
        deaths = killed.sum(axis=0) + violence.combatants_killed / 6.0
        monthly = deaths / np.maximum(self.cell_population, 5000.0) * 1e5
        self.violence_index = (
            p.violence_memory * self.violence_index + (1.0 - p.violence_memory) * monthly
        )
        presence = np.vstack(
            [
                self.state.forces + self.wagner.troops + self.france.troops,
                self.jnim.fighters,
                self.is_sahel.fighters,
                self.cma.fighters + self.platform.fighters,
            ]
        )
        power = conflict.control_powers(self.situation(), self.forces)
        authority = np.where(
            self.control == Control.CONTESTED, np.argmax(power, axis=0), self.control
        ).astype(np.intp)
        service = np.where(
            self.control == Control.STATE,
            1.0,
            np.where(self.control == Control.CONTESTED, 0.5, 0.2),
        ) * (1.0 if self.state.budget_balance >= 0 else 0.8)
        governance = np.vstack(
            [np.zeros(n), self.jnim.governance, self.is_sahel.governance, np.zeros(n)]
        )
        signals = CellSignals(
            presence=presence,
            killed=killed,
            killed_by_family=by_family,
            violence_index=self.violence_index,
            authority=authority,
            governance=governance,
            state_service=service,
            economic_loss=np.full(n, self.economy.loss) + self.blockade,
        )
        rngs = {
            "victimisation": self.streams["victimisation"],
            "movement": self.streams["movement"],
        }
        outputs = self.civilians.step(signals, rngs, dialogue=self.dialogue())
        self.cell_population = outputs.population
        self.support_share = outputs.support / np.maximum(outputs.population, 1.0)
        self._last_outputs = outputs
        return outputs

    def _cross_border_inflow(self) -> None:
        """Fighters arriving from Niger (IS Sahel) and Burkina Faso (JNIM).

        They spread over the border cells in proportion to the group's presence there (plus
        one, to seed it).
        """
        half = self.params.cross_border_inflow / 2.0
        for group in (self.is_sahel, self.jnim):
            cells = self.inflow_cells[group.name]
            weight = (group.fighters + 1.0) * cells
            if weight.sum() > 0:
                group.fighters += half * weight / weight.sum()

    def _sieges(self) -> None:
        """Town cells surrounded by a jihadist-held neighbourhood lose economic activity."""
        towns = self.town_cells
        jihadist = (self.control == Control.JNIM) | (self.control == Control.IS_SAHEL)
        held_around = self.topology.neighbor_sum(jihadist.astype(float))
        degree = np.maximum(self.topology.degree(), 1)
        besieged = towns & ~jihadist & (held_around / degree >= 0.5)
        self.blockade = np.where(besieged, self.params.blockade_shock, 0.0)

    def _update_adherence(self) -> None:
        """Accord adherence: implementation raises it; offensives and mercenaries erode it."""
        p = self.params
        signatory_cells = self.control == Control.SIGNATORY
        total_offensive = self.state.offensive.sum()
        # ordered offensives (policies) at their intensity; otherwise the share of the state's
        # offensive forces that operate in signatory-held cells
        drifted = self.state.offensive[signatory_cells].sum() / max(total_offensive, 1e-9)
        intensity = max(float(self.offensive_against_signatories.max()), float(drifted))
        change = (
            p.adherence_implementation_gain * p.accord_implementation
            - p.adherence_offensive_drop * intensity
            - p.adherence_mercenary_drop * self.wagner.total / 1000.0
        )
        if self.accord_adherence < p.accord_collapse_threshold:
            change -= 0.1 * self.accord_adherence  # open fighting erodes what is left (2023)
        self.accord_adherence = float(np.clip(self.accord_adherence + change, 0.0, 1.0))

    def _update_approval(self, violence: conflict.MonthlyViolence) -> None:
        """Junta approval: sovereignty rally, security results and the economy (seed 002)."""
        p = self.params
        deaths = float(violence.civilians_killed.sum())
        history = self._civilian_deaths_history
        history.append(deaths)
        recent = np.mean(history[-3:])
        before = np.mean(history[-15:-3]) if len(history) > 3 else recent
        trend = (recent - before) / (before + 50.0)
        state = self.state
        state.rally *= 0.995
        target = (
            p.approval_initial
            + state.rally
            - p.approval_security_weight * trend
            - p.approval_economy_weight * self.economy.loss
        )
        state.approval += p.approval_adjustment * (float(np.clip(target, 0, 1)) - state.approval)

    def _record(self, violence: conflict.MonthlyViolence, outputs: CivilianOutputs) -> None:
        killed = violence.civilians_killed
        civ = self.civilians
        month_cells = self.events.cells_of_month(self.month)
        n = self.grid.n_cells
        refugees_home = civ.weight * (civ.status == Status.REFUGEE)
        data: dict[str, Any] = {
            "civilian_fatalities": killed.sum(axis=0).astype(float),
            "civilian_fatalities_state": killed[0].astype(float),
            "civilian_fatalities_foreign": killed[1].astype(float),
            "civilian_fatalities_jihadist": killed[2].astype(float),
            "civilian_fatalities_signatory": killed[3].astype(float),
            "battle_fatalities": violence.combatants_killed.astype(float),
            "events": np.bincount(month_cells, minlength=n).astype(float),
            "idps": outputs.idps,
            "refugees": np.bincount(civ.home, weights=refugees_home, minlength=n),
            "junta_approval": self.state.approval,
            "gdp_index": self.economy.gdp_index,
            "people_in_need": self.people_in_need,
            "accord_adherence": self.accord_adherence,
            "troops_france": self.france.troops.copy(),
            "troops_wagner": self.wagner.troops.copy(),
            "troops_minusma": self.minusma.troops.copy(),
            "troops_fama": self.state.forces.copy(),
            "fighters_jnim": self.jnim.fighters.copy(),
            "fighters_is_sahel": self.is_sahel.fighters.copy(),
            "fighters_signatory": self.cma.fighters + self.platform.fighters,
            "recruits_jihadist": outputs.recruits[1] + outputs.recruits[2],
            "population": outputs.population,
        }
        data.update(control_shares(self.grid.region, self.control, outputs.population))
        self.recorder.record(self.grid.region, data)

    # ------------------------------------------------------------------ running and read-outs
    def run(self) -> MaliModel:
        """Step until the end month; return the model."""
        while self.running:
            self.step()
        return self

    def series(self) -> pd.DataFrame:
        """Monthly national (region "Mali") and per-region outcome series."""
        return self.recorder.series()

    def events_frame(self) -> pd.DataFrame:
        """The event log in ACLED's schema."""
        return self.events.to_frame()

    def summary(self) -> dict[str, float]:
        """Run-level scalar outcomes."""
        return self.recorder.scalars()

    def people_accounting(self) -> dict[str, float]:
        """Terms of the people-conservation identity (see CivilianPopulation)."""
        return self.civilians.people_accounting()


class _PhaseTimer:
    """Context manager factory that adds wall time per phase into a dict (if one is given)."""

    def __init__(self, sink: dict[str, float] | None) -> None:
        self.sink = sink
        self.name = ""
        self.t0 = 0.0

    def __call__(self, name: str) -> _PhaseTimer:
        self.name = name
        return self

    def __enter__(self) -> _PhaseTimer:
        if self.sink is not None:
            import time

            self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sink is not None:
            import time

            self.sink[self.name] = self.sink.get(self.name, 0.0) + time.perf_counter() - self.t0
