"""MaliModel: the Mesa model of stabilisation scenarios in Mali.

The model owns the regional grid (flat per-cell arrays, :class:`~malisim.model.space.MaliGrid`;
``MaliGrid.to_mesa_space`` builds a Mesa discrete space from it for whoever needs one), the
actors, the civilian population, the policies, the calendar (one step = one month, real dates)
and the named random streams. :meth:`MaliModel.step` runs the phases of :data:`PHASE_TABLE` in
order; each phase is one method that gathers what its rules read (a
:class:`~malisim.model.situation.Situation` of the cells, the armed forces, the parameters),
calls the rules (named functions of :mod:`~malisim.model.conflict`,
:mod:`~malisim.model.actors`, :mod:`~malisim.model.economy`, :mod:`~malisim.model.civilians`)
and stores what they return.

Build it with flat keyword arguments, as Mesa's SolaraViz does::

    model = MaliModel(seed=1, start="2019-01", end="2026-12", wagner_personnel=1000)
    model.run()
    series, events = model.series(), model.events_frame()

When running many models in one process, release each finished one (``model.release()``, or
``with MaliModel(...) as model:``): Mesa 3.3 otherwise keeps every model alive.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, MutableMapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import mesa
import numpy as np

from malisim.core.calendar import (
    DEFAULT_END,
    DEFAULT_START,
    check_run_end,
    format_month,
    parse_month,
)
from malisim.core.rng import RandomStreams
from malisim.model import conflict, initial
from malisim.model.actors import (
    Belligerents,
    ForeignPartner,
    JihadistGroup,
    SignatoryGroup,
    State,
    accord_adherence_next,
    assign_recruits,
    home_pull,
)
from malisim.model.civilians import (
    CellSignals,
    CivilianOutputs,
    CivilianPopulation,
    town_share,
)
from malisim.model.communal_peace import inherited_memory, truce_areas_mask, truce_bound
from malisim.model.conflict import MonthlyViolence
from malisim.model.economy import Economy, national_violence
from malisim.model.events import EventLog
from malisim.model.hooks import ModelPolicy
from malisim.model.militias import (
    MILITIA_COMMUNITY,
    MILITIA_KEYS,
    Militias,
    attacks_suffered,
    community_people,
)
from malisim.model.outcomes import OutcomeRecorder, control_shares
from malisim.model.parameters import Parameters, parameter_specs
from malisim.model.run_parameters import RunParameters
from malisim.model.situation import Situation
from malisim.model.space import MaliGrid, load_grid
from malisim.model.topology import Topology
from malisim.model.vocab import N_FAMILIES, Control, Side, Status

#: The resident status as the civilians' int8 code (an IntEnum member would cast to int64).
_RESIDENT = np.int8(Status.RESIDENT)
#: Control codes as plain ints (an IntEnum member in a comparison costs a cast).
_C_JNIM, _C_IS_SAHEL = int(Control.JNIM), int(Control.IS_SAHEL)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class MaliModel(mesa.Model):
    """Agent-based model of conflict and stabilisation in Mali, one step per month.

    Args:
        seed: Root seed of the run; every stochastic process draws from its own stream
            derived from it (:class:`malisim.core.rng.RandomStreams`). ``None`` draws a fresh seed.
        start: First month, ``YYYY-MM`` (default 2019-01).
        end: Last month, ``YYYY-MM`` inclusive (default 2026-12; at the latest 2030-12,
            :data:`~malisim.core.calendar.LATEST_END`).
        policies: Policies (anything with the lifecycle of
            :class:`~malisim.model.hooks.ModelPolicy`, e.g. those of :mod:`malisim.policies`),
            stepped each month in order with the model as their
            :class:`~malisim.model.hooks.PolicyHooks`.
        grid: The grid (default: the packaged grid of Mali; tests pass sub-grids).
        **overrides: Parameter values by name (see :mod:`malisim.model.parameters`).

    Raises:
        pydantic.ValidationError: If a parameter is unknown or out of range.
        malisim.core.calendar.DateError: If a date is malformed or ``end`` is after 2030-12.
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
            entropy = cast(int, np.random.SeedSequence().entropy)  # an int when drawn fresh
            seed = int(entropy % (2**63))
        self.streams = RandomStreams(seed)
        super().__init__(seed=self.streams.python_seed())
        self.seed_value = int(seed)
        self.start_month = parse_month(start)
        self.end_month = parse_month(check_run_end(end))
        if self.end_month < self.start_month:
            raise ValueError(f"end {end} is before start {start}")
        self.month = self.start_month
        self.base_parameters = Parameters(**overrides)
        self.params = RunParameters.from_parameters(self.base_parameters)
        self._specs = parameter_specs()
        self.policies: list[ModelPolicy] = list(policies)

        self.grid = grid if grid is not None else load_grid()
        self.topology = Topology(self.grid)

        setup = self.streams["setup"]
        p = self.params
        total_people = initial.population_at_start(p, self.start_month)
        months = self.end_month - self.start_month + 1  # lets the civilians choose their engine
        self.civilians = CivilianPopulation(
            self.grid, self.base_parameters, setup, total_people, months=months
        )
        self.civilians.seed_displacement(
            p.initial_idps, p.initial_refugees, initial.displacement_origins(self.grid), setup
        )

        n = self.grid.n_cells
        # each group starts near its home areas (data/home_areas.csv) and is pulled back to them
        homes = {g: initial.home_distances(self.grid, g) for g in initial.HOME_AREA_GROUPS}
        # communal militias near their home areas, at their standing strength at the start
        # with the memory of attacks 2018 left them (communal_peace.inherited_memory)
        self.militias = Militias.empty(homes, n)
        reach = self.militias.reach(self.start_month, p)
        people = community_people(self.civilians, n)
        memory, prior = inherited_memory(people, reach, MILITIA_COMMUNITY, p)
        self.militias.memory = memory
        self.militias.mobilise_month(
            self.civilians, self.start_month, p, prior, adjust_fully=True, people=people,
            reach=reach,
        )  # fmt: skip
        #: cells where a local truce covers each militia (set_truce_areas), None: no truce
        self.truce_mask: np.ndarray | None = None
        self._truce_key: tuple[float, dict[str, list[tuple[float, float, float]]]] | None = None
        self.town_cells = initial.town_cells(self.grid)
        # share of each town cell's people living in its town (the rule civilians' livelihoods
        # are drawn by), 0 elsewhere: a garrison holds the town, the countryside is apart
        grid_pop = np.asarray(self.grid.population, dtype=np.float64)
        grid_pop = grid_pop / grid_pop.sum() * total_people
        self.town_share = np.where(
            self.town_cells, town_share(self.grid, grid_pop, self.base_parameters), 0.0
        )
        #: share of each cell's people in the countryside controlled apart from its town
        self.countryside_share = np.where(self.town_cells, 1.0 - self.town_share, 0.0)
        self.cell_population = np.bincount(
            self.civilians.cell, weights=self.civilians.weight, minlength=n
        ).astype(float)
        #: People who live in each cell (displaced included): the violence index's denominator.
        self.cell_living = self.civilians.people_living()
        self.sanctuary_cells = initial.sanctuary_cells(self.grid)
        self.state = State(self, n, p.fama_troops, p.approval_initial)
        self.initial_troops = self.state.troops
        self.jnim = JihadistGroup(self, Side.JNIM, np.zeros(n), *homes["jnim"])
        self.is_sahel = JihadistGroup(self, Side.IS_SAHEL, np.zeros(n), *homes["is_sahel"])
        self.jnim.fighters = initial.spread(
            self.grid, p.jnim_fighters, initial.JNIM_REGIONS, self.jnim.pull(self.start_month, p)
        )
        self.is_sahel.fighters = initial.spread(
            self.grid,
            p.is_sahel_fighters,
            initial.IS_SAHEL_REGIONS,
            self.is_sahel.pull(self.start_month, p),
        )
        signatory_pull = {
            g: home_pull(*homes[g], self.start_month, p.signatory_reach_km, p.home_pull_floor)
            for g in ("cma", "platform")
        }
        self.cma = SignatoryGroup(
            self,
            Side.CMA,
            initial.spread(self.grid, p.cma_fighters, initial.CMA_REGIONS, signatory_pull["cma"]),
        )
        self.platform = SignatoryGroup(
            self,
            Side.PLATFORM,
            initial.spread(
                self.grid, p.platform_fighters, initial.PLATFORM_REGIONS, signatory_pull["platform"]
            ),
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
        self.france_reach = self.topology.reach(
            self.france.base_weight > 0, radius=p.france_reach_radius
        )
        self.inflow_cells = initial.inflow_cells(self.grid)

        self.accord_adherence = float(p.accord_adherence_initial)
        self.offensive_against_signatories = np.zeros(n)
        self.dialogue_mask = np.ones(n)
        self.economy = Economy()
        self.events = EventLog(self.grid)
        self.violence_index = np.zeros(n)
        self.support_share = np.zeros((N_FAMILIES, n))
        self._violence = MonthlyViolence.zeros(n)
        self._last_outputs: CivilianOutputs | None = None
        self._civilian_deaths_history: list[float] = []
        self.blockade = np.zeros(n)
        self.people_in_need = np.zeros(n)

        # initial control from initial presence; cells nobody holds keep the regional default
        self._deploy_partners()
        self.control = initial.default_control(self.grid)
        self.control[initial.signatory_strongholds(self.grid)] = Control.SIGNATORY
        self.countryside_control = self.control.copy()
        self.administration = self.control == Control.STATE
        self._deploy_fama()
        self.control = conflict.initial_control(self.situation(), self.forces)
        self.administration &= self.control == Control.STATE
        # the countryside of the town cells at the start: the same rule on the initial forces
        self.countryside_control = self.control.copy()
        self.countryside_control = conflict.update_countryside(
            self.situation(), self.forces, self.control
        )

        self.recorder = OutcomeRecorder(self.end_month - self.start_month + 1, self.start_month)
        self.phase_seconds: dict[str, float] | None = None
        try:
            for policy in self.policies:
                policy.initialize(self)
        except BaseException:
            self.release()  # the caller never gets this model, so nobody else can release it
            raise
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

    def launch_offensive_at(self, points: list[tuple[float, float]], intensity: float) -> None:
        """Policy hook: order a state offensive into the cells holding these points this month.

        Args:
            points: (latitude, longitude) pairs in degrees; points outside the grid are ignored.
            intensity: Share of offensive forces sent there (0-1).
        """
        target = np.zeros(self.grid.n_cells, dtype=bool)
        for lat, lon in points:
            i = initial.cell_at(self.grid, lat, lon)
            if i is not None:
                target[i] = True
        self.state.order_offensive(target, intensity)

    def set_dialogue_regions(self, regions: list[str] | None) -> None:
        """Policy hook: limit dialogue with JNIM to these regions (None: everywhere)."""
        if regions is None:
            self.dialogue_mask = np.ones(self.grid.n_cells)
        else:
            self.dialogue_mask = self.grid.region_mask(*regions).astype(float)

    def set_truce_areas(self, areas: dict[str, list[tuple[float, float, float]]]) -> None:
        """Policy hook: local truces in force, militia key -> (lat, lon, coverage) (empty: none).

        Cells within ``truce_radius_km`` of the places (:func:`communal_peace.truce_mask`).
        """
        radius = self.params.truce_radius_km
        key = (radius, areas)
        if key == self._truce_key:  # every truce sets the same union each month: computed once
            return
        self.truce_mask = truce_areas_mask(self.grid, areas, MILITIA_KEYS, radius)
        self._truce_key = (radius, copy.deepcopy(areas))

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
        shares = control_shares(
            self.grid.region, self.control, pop, self.countryside_share, self.countryside_control
        )
        if name == "control_state":
            return shares["control_state"][1] if pop.sum() > 0 else 0.0
        if name == "control_jihadist":
            if pop.sum() <= 0:
                return 0.0
            return shares["control_jnim"][1] + shares["control_is_sahel"][1]
        raise KeyError(f"unknown indicator {name!r}")

    # ------------------------------------------------------------------ what the rules read
    def dialogue(self) -> np.ndarray:
        """Intensity of dialogue with JNIM per cell (0 = none)."""
        return self.params.dialogue_intensity * self.dialogue_mask

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
            town_share=self.town_share,
            countryside_control=self.countryside_control,
        )

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Advance one month through the phases of :data:`PHASE_TABLE`, in order.

        Phases:

        1. ``policies``: each policy's ``step`` (they change parameters and give orders);
        2. ``partners``: France and MINUSMA deploy at their bases at the current strength;
        3. ``economy``: GDP index, budget (revenue, aid, spending);
        4. ``state``: FAMa grows if the budget allows and deploys garrisons and offensives;
           Wagner goes with the offensives;
        5. ``armed_groups``: jihadist groups expand into weak-state cells and mass fighters on
           cells they can take (less where French air cover reaches); desertion; fighters
           arriving from Niger and Burkina Faso;
        6. ``strikes``: French strikes and FAMa/Wagner air strikes;
        7. ``clashes``: battles between hostile sides, attacks on MINUSMA;
        8. ``explosives``: IEDs;
        9. ``violence``: one-sided violence against civilians;
        10. ``militia_violence``: communal militias clash with jihadists and attack the
            communities they hold responsible (:meth:`Militias.violence`);
        11. ``civilians``: the violence index, then victimisation, hardship, legitimacy,
            Epstein activation, choice of side, recruitment, flight and return, growth;
        12. ``recruitment``: recruits join their group in their cell;
        13. ``militias``: each community's memory of the month's attacks on it, then its
            militia mobilises or demobilises towards its target (:meth:`Militias.mobilise_month`);
        14. ``control``: control of cells, jihadist governance and sieges;
        15. ``politics``: accord adherence, junta approval, people in need;
        16. ``outcomes``: the month's row of every outcome.

        With ``phase_seconds`` set to a dict, the wall time of each phase is added to it.
        """
        if self.month > self.end_month:
            self.running = False
            return
        self._violence = MonthlyViolence.zeros(self.grid.n_cells)
        sink = self.phase_seconds
        for name, run_phase in PHASE_TABLE:
            if sink is None:
                run_phase(self)
            else:
                t0 = time.perf_counter()
                run_phase(self)
                sink[name] = sink.get(name, 0.0) + time.perf_counter() - t0
        self.month += 1
        if self.month > self.end_month:
            self.running = False
            for policy in self.policies:
                policy.finalize(self)

    # ------------------------------------------------------------------ phases
    def _apply_policies(self) -> None:
        """Phase ``policies``: each policy in order, with the model as its hooks."""
        for policy in self.policies:
            policy.step(self)

    def _deploy_partners(self) -> None:
        """Phase ``partners``: France and MINUSMA spread their troops over their bases."""
        p = self.params
        self.france.deploy(p.france_troops)
        self.minusma.deploy(p.minusma_troops)

    def _update_economy(self) -> None:
        """Phase ``economy``: GDP index and the state budget (see :class:`Economy`).

        It reads last month's violence index, sieges and displacement.
        """
        civ = self.civilians
        people = max(float(civ.weight.sum()), 1.0)
        # (the displaced by their indices: the same elements in the same order as a mask,
        # so the same sum, at half the cost of a boolean index over every agent)
        away = (civ.status != _RESIDENT).nonzero()[0]
        displaced = float(civ.weight[away].sum()) / people
        self.state.budget_balance = self.economy.update(
            self.params,
            self.month,
            national_violence(self.violence_index, self.cell_population),
            fama_troops=self.state.troops,
            initial_fama_troops=self.initial_troops,
            wagner_personnel=self.wagner.total,
            blockade_share=national_violence(self.blockade, self.cell_population),
            displaced_share=displaced,
        )

    def _deploy_state(self) -> None:
        """Phase ``state``: FAMa grows and deploys; Wagner goes with the offensives."""
        p = self.params
        self.state.grow(p)
        self.offensive_against_signatories = self.state.offensive_orders.copy()
        self._deploy_fama()
        self.wagner.accompany(p.wagner_personnel, self.state.offensive)

    def _deploy_fama(self) -> None:
        """FAMa's garrisons and offensives for this month (:meth:`State.deploy`)."""
        self.state.deploy(
            self.situation(),
            jihadist_fighters=self.jnim.fighters + self.is_sahel.fighters,
            signatory_fighters=self.cma.fighters + self.platform.fighters,
        )

    def _move_armed_groups(self) -> None:
        """Phase ``armed_groups``: expansion, massing, desertion and cross-border arrivals."""
        p = self.params
        situation = self.situation()
        powers = conflict.side_powers(self.forces, p)
        state_power = powers["state"]
        mobile = conflict.mobile_state_power(self.forces, p, powers)
        self.jnim.expand(situation, state_power, self.support_share[1], mobile)
        self.is_sahel.expand(situation, state_power, self.support_share[2], mobile)
        # the powers after the expansion: only the jihadist groups' fighters moved
        jihadist_power = p.jihadist_power
        powers = {
            **powers,
            "jnim": self.jnim.fighters * jihadist_power,
            "is_sahel": self.is_sahel.fighters * jihadist_power,
        }
        conflict.jihadist_offensives(situation, self.forces, powers=powers)
        conflict.desertion((self.jnim, self.is_sahel, self.cma, self.platform), p.desertion_rate)
        # fighters from Niger (IS Sahel) and Burkina Faso (JNIM)
        inflow, is_share = p.cross_border_inflow, p.cross_border_inflow_is_sahel_share
        self.is_sahel.receive_inflow(
            inflow * is_share, self.inflow_cells["is_sahel"], self.is_sahel.pull(self.month, p)
        )
        self.jnim.receive_inflow(
            inflow * (1.0 - is_share), self.inflow_cells["jnim"], self.jnim.pull(self.month, p)
        )

    def _strikes(self) -> None:
        """Phase ``strikes`` (:func:`conflict.strikes`)."""
        conflict.strikes(
            self.situation(), self.forces, self.streams["remote"], self._violence, self.events
        )

    def _clashes(self) -> None:
        """Phase ``clashes`` (:func:`conflict.clashes`)."""
        conflict.clashes(
            self.situation(), self.forces, self.streams["combat"], self._violence, self.events
        )

    def _explosives(self) -> None:
        """Phase ``explosives`` (:func:`conflict.explosives`)."""
        conflict.explosives(
            self.situation(), self.forces, self.streams["remote"], self._violence, self.events
        )

    def _one_sided_violence(self) -> None:
        """Phase ``violence``: :func:`conflict.one_sided_violence`, then the large killings.

        (:func:`conflict.operation_massacres`).
        """
        situation = self.situation()
        conflict.one_sided_violence(
            situation, self.forces, self.streams["violence"], self._violence, self.events
        )
        conflict.operation_massacres(
            situation, self.forces, self.streams["violence"], self._violence, self.events
        )

    def _militia_violence(self) -> None:
        """Phase ``militia_violence`` (:meth:`Militias.violence`)."""
        self.militias.violence(
            self.situation(), self.forces, self.civilians, self.streams["militia"],
            self._violence, self.events, bound=truce_bound(self.truce_mask, self.params),
            attribution_rng=self.streams["attribution"],
        )  # fmt: skip

    def _mobilise_militias(self) -> None:
        """Phase ``militias``: attack memory and mobilisation (:meth:`Militias.mobilise_month`).

        The attacks are the month's killings of each community's people by those it resents
        (:func:`militias.attacks_suffered`); recruits leave the civilian agents of the community
        and demobilised fighters return to them (people conserved).
        """
        census = self.militias.community_cells(self.civilians)
        people = census.people
        shares = people / np.maximum(people.sum(axis=0), 1.0)
        reach = self.militias.reach(self.month, self.params)
        attacks = attacks_suffered(self._violence, shares, reach)
        self.militias.mobilise_month(
            self.civilians, self.month, self.params, attacks, reach=reach, census=census
        )

    def _civilian_step(self) -> None:
        """Phase ``civilians``: the violence index, then :meth:`CivilianPopulation.step`."""
        violence = self._violence
        self.violence_index = conflict.violence_index(
            self.violence_index, violence, self.cell_living, self.params
        )
        signals = self._civilian_signals(violence)
        rngs = {
            "victimisation": self.streams["victimisation"],
            "movement": self.streams["movement"],
        }
        outputs = self.civilians.step(signals, rngs, dialogue=self.dialogue())
        self.cell_population = outputs.population
        self.cell_living = outputs.living
        self.support_share = outputs.support / np.maximum(outputs.population, 1.0)
        self._last_outputs = outputs

    def _civilian_signals(self, violence: MonthlyViolence) -> CellSignals:
        """What civilians see of the month in their cells (:class:`CellSignals`)."""
        n = self.grid.n_cells
        power = conflict.control_powers(self.situation(), self.forces)
        governance = np.array(
            [np.zeros(n), self.jnim.governance, self.is_sahel.governance, np.zeros(n)]
        )
        return CellSignals(
            presence=self.forces.presence_by_family(),
            killed=violence.civilians_killed,
            killed_by_family=violence.killed_by_family(),
            violence_index=self.violence_index,
            authority=conflict.authority(self.control, power),
            governance=governance,
            state_service=self.state.service(self.control, self.params),
            economic_loss=np.full(n, self.economy.loss) + self.blockade,
            blockade=self.blockade,
            killed_by_community=violence.civilians_killed_by_community,
        )

    def _outputs(self) -> CivilianOutputs:
        """This month's civilian outputs (after the ``civilians`` phase)."""
        if self._last_outputs is None:
            raise RuntimeError("the civilians phase has not run yet")
        return self._last_outputs

    def _recruitment(self) -> None:
        """Phase ``recruitment``: recruits join their group in their cell."""
        assign_recruits(self.forces, self._outputs().recruits, self.params)

    def _update_control(self) -> None:
        """Phase ``control``: control of cells, jihadist governance, sieges."""
        p = self.params
        situation = self.situation()
        forces = self.forces
        powers = conflict.side_powers(forces, p)
        groups: tuple[JihadistGroup | SignatoryGroup, ...] = (
            forces.jnim, forces.is_sahel, forces.cma, forces.platform,
        )  # fmt: skip
        fighters = [group.fighters for group in groups]
        change = conflict.update_control(
            situation, forces, self._violence.battles, self.events, powers=powers
        )
        # the same powers for the countryside, unless fighters withdrew from lost towns (the
        # only change of forces in this phase, which gives the groups new fighter arrays)
        moved = any(group.fighters is not f for group, f in zip(groups, fighters, strict=True))
        # the countryside of the town cells, decided by whoever operates there (not the garrison)
        self.countryside_control = conflict.update_countryside(
            situation, forces, change.control, powers=None if moved else powers
        )
        self.control, self.administration = change.control, change.administration
        self.jnim.govern(self.control == _C_JNIM, p)
        self.is_sahel.govern(self.control == _C_IS_SAHEL, p)
        self.blockade = conflict.sieges(self.situation())

    def _update_politics(self) -> None:
        """Phase ``politics``: accord adherence, junta approval, people in need."""
        p = self.params
        self.accord_adherence = accord_adherence_next(
            p,
            self.accord_adherence,
            self.control,
            self.state.offensive,
            self.offensive_against_signatories,
            self.wagner.total,
        )
        self._civilian_deaths_history.append(float(self._violence.civilians_killed.sum()))
        self.state.update_approval(p, self._civilian_deaths_history, self.economy.loss)
        outputs = self._outputs()
        self.people_in_need = self.economy.people_in_need(
            p, self.grid.biome, outputs.population, outputs.idps, self.violence_index,
            self.blockade,
        )  # fmt: skip

    def _record(self) -> None:
        """Phase ``outcomes``: the month's row of every outcome, per region and national."""
        violence, outputs = self._violence, self._outputs()
        killed = violence.civilians_killed
        killed_f = killed.astype(float)  # every family's row at once (rows of the same values)
        civ = self.civilians
        month_cells = self.events.cells_of_month(self.month)
        n = self.grid.n_cells
        data: dict[str, Any] = {
            "civilian_fatalities": killed.sum(axis=0).astype(float),
            "civilian_fatalities_state": killed_f[0],
            "civilian_fatalities_foreign": killed_f[1],
            "civilian_fatalities_jihadist": killed_f[2],
            "civilian_fatalities_signatory": killed_f[3],
            "battle_fatalities": violence.combatants_killed.astype(float),
            "peacekeeper_fatalities": violence.peacekeepers_killed.astype(float),
            "events": np.bincount(month_cells, minlength=n).astype(float),
            "idps": outputs.idps,
            "refugees": civ.refugees_by_home(n),
            "junta_approval": self.state.approval,
            "gdp_index": self.economy.gdp_index,
            "people_in_need": self.people_in_need,
            "accord_adherence": self.accord_adherence,
            "troops_france": self.france.troops,
            "troops_wagner": self.wagner.troops,
            "troops_minusma": self.minusma.troops,
            "troops_fama": self.state.forces,
            "fighters_jnim": self.jnim.fighters,
            "fighters_is_sahel": self.is_sahel.fighters,
            "fighters_signatory": self.cma.fighters + self.platform.fighters,
            "recruits_jihadist": outputs.recruits[1] + outputs.recruits[2],
            "population": outputs.population,
            "idps_new": outputs.flows.idps_new,
            "idps_secondary": outputs.flows.idps_secondary_in,
            "idp_returns": outputs.flows.idp_returns,
            "refugees_new": outputs.flows.refugees_new,
            "refugee_returns": outputs.flows.refugee_returns,
            "returnees": outputs.returnees,
            "civilian_fatalities_militia": killed_f[4],
            "fighters_militia": self.militias.fighters.sum(axis=0),
        }
        data.update(
            control_shares(
                self.grid.region,
                self.control,
                outputs.population,
                self.countryside_share,
                self.countryside_control,
            )
        )
        # (the recorder sums the arrays at once and keeps none of them: no copies needed)
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

    def series_columns(self) -> dict[str, np.ndarray]:
        """The columns of :meth:`series` as numpy arrays (no pandas)."""
        return self.recorder.series_columns()

    def events_columns(self) -> dict[str, np.ndarray] | None:
        """The columns of :meth:`events_frame` as numpy arrays (no pandas); None if no event."""
        return self.events.columns()

    def summary(self) -> dict[str, float]:
        """Run-level scalar outcomes."""
        return self.recorder.scalars()

    def people_accounting(self) -> dict[str, float]:
        """Terms of the people-conservation identity (see CivilianPopulation)."""
        return self.civilians.people_accounting()

    # ------------------------------------------------------------------ releasing
    def release(self) -> None:
        """Drop the model from Mesa's class-level registry so that it can be freed.

        Mesa 3.3 keeps every model that ever made an agent alive through the class attribute
        ``mesa.Agent._ids`` (agent-id counters in a dict keyed by model; mesa issue 3179, fixed
        upstream by mesa PR 3180), about 8 MB per full run. Call this once the model is
        finished and its outputs are taken (the runner and the batch worker do, also when a
        run fails); or use the model as a context manager. The read-outs stay usable; do not
        make new agents afterwards (their ids would start again at 1). Calling it twice, or on
        a Mesa without that registry, does nothing.
        """
        registry = getattr(mesa.Agent, "_ids", None)
        if isinstance(registry, MutableMapping):
            registry.pop(self, None)

    def __enter__(self) -> MaliModel:
        """Use the model in a ``with`` block; it is released when the block ends."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Release the model (see :meth:`release`), whether or not the block raised."""
        self.release()


#: The phases of :meth:`MaliModel.step`, in order: (name, the method that runs it).
PHASE_TABLE: tuple[tuple[str, Callable[[MaliModel], None]], ...] = (
    ("policies", MaliModel._apply_policies),
    ("partners", MaliModel._deploy_partners),
    ("economy", MaliModel._update_economy),
    ("state", MaliModel._deploy_state),
    ("armed_groups", MaliModel._move_armed_groups),
    ("strikes", MaliModel._strikes),
    ("clashes", MaliModel._clashes),
    ("explosives", MaliModel._explosives),
    ("violence", MaliModel._one_sided_violence),
    ("militia_violence", MaliModel._militia_violence),
    ("civilians", MaliModel._civilian_step),
    ("recruitment", MaliModel._recruitment),
    ("militias", MaliModel._mobilise_militias),
    ("control", MaliModel._update_control),
    ("politics", MaliModel._update_politics),
    ("outcomes", MaliModel._record),
)
#: Names of the phases of :meth:`MaliModel.step`, in order (the benchmark's time breakdown).
PHASES: tuple[str, ...] = tuple(name for name, _ in PHASE_TABLE)
