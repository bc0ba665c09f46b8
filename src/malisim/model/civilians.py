"""The civilian population: representative civilian agents held as numpy arrays.

Each agent stands for ``weight`` people (about 400 at the default 50,000 agents in 2019) who share a
cell, a community, a livelihood, a hardship, a risk aversion, perceived legitimacies of the armed
families, a memory of violence suffered from each of them, an alignment and a status. There is
never a Python object per civilian: every rule below is one vectorised pass over all agents.

Monthly rules, one method of :class:`CivilianPopulation` each, in the order of
:meth:`CivilianPopulation.step` (docs/ODD.md section 7.1):

1. :meth:`~CivilianPopulation.victimise` (7.1.1): violence by a perpetrator in the agent's cell
   victimises ``reach`` people per person killed; victims remember it (memory decays each month)
   and the dead leave the weights;
2. :meth:`~CivilianPopulation.monthly_hardship` (7.1.2): baseline hardship raised by local
   violence, displacement and economic loss;
3. :meth:`~CivilianPopulation.update_legitimacy` (7.1.3): legitimacy drifts toward a local target
   (community base, state services, jihadist governance);
4. :meth:`~CivilianPopulation.activate` (7.1.4): Epstein's rule: grievance ``H(1-L)`` plus
   remembered victimisation, minus net risk ``R * P`` with ``P`` the estimated probability of
   reprisal from hostile armed presence; active when ``G - N > T``
   (:mod:`malisim.model.civil_violence`);
5. :meth:`~CivilianPopulation.choose_sides` (7.1.5): the active align with the most appealing
   family present other than the one they turned against;
6. :meth:`~CivilianPopulation.recruit` (7.1.6): a share of supporters' people join the supported
   armed group;
7. :meth:`~CivilianPopulation.flee_and_return` (7.1.7): return home with a probability rising
   with safety at home (relative to where people are) and with time away, or at once when
   violence at home has fallen below what made people flee (:func:`relief_return_probability`),
   up to a protracted share that stays; then flight with a probability that saturates with
   perceived violence (:func:`flight_danger`), with threats under jihadist rule
   (:func:`threat_flight_probability`) and with livelihoods lost to sieges
   (:func:`livelihood_flight_probability`), slowed as a cell's mobile people have left
   (:meth:`~CivilianPopulation.room_to_flee`), to the best of a few cells within reach
   weighed by safety, distance, kin and the pull of towns and capitals
   (:meth:`~CivilianPopulation.choose_destinations`), or, from the north and centre, across
   the border of a country of refuge; every movement is counted in :class:`DisplacementFlows`;
8. :meth:`~CivilianPopulation.grow` (7.1.8): natural growth of every agent's weight;
9. :meth:`~CivilianPopulation.people_accounting` (7.1.9): the terms of the people-conservation
   identity, which the rules above keep up to date; :class:`DisplacementFlows` holds the month's
   flows, whose running balance is the stocks of IDPs and refugees.

Every modelling constant is read from :class:`~malisim.model.parameters.Parameters` (the fixed
ones are declared with ``fixed=True``). The interface with the armed actors is
:meth:`CivilianPopulation.step`: local armed presence and violence per cell in
(:class:`CellSignals`); support, recruits and displacement out (:class:`CivilianOutputs`).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from malisim.model.civil_violence import arrest_probability, grievance, is_active, net_risk
from malisim.model.parameters import Parameters
from malisim.model.space import NEIGHBOUR_COUNTRIES, REGIONS, MaliGrid, NeighbourSum, haversine_km
from malisim.model.vocab import FAMILIES, N_FAMILIES, NO_SUPPORT, Family, Livelihood, Status

#: Communities, in the column order of ``data/communities.csv``.
COMMUNITIES: tuple[str, ...] = (
    "bambara_mande",
    "fulani",
    "dogon",
    "songhai",
    "tuareg_arab",
    "other",
)
#: Countries of refuge of Malians: the refugee figures count Malian refugees in these three
#: (USAIDfs2020: "141,676 Malian refugees in Burkina Faso, Mauritania and Niger").
REFUGE_COUNTRIES: tuple[str, ...] = ("Burkina Faso", "Mauritania", "Niger")
#: Regions whose people may seek refuge abroad (the north and centre, issue 17; CRS2020).
CROSS_BORDER_REGIONS: tuple[str, ...] = ("Mopti", "Tombouctou", "Gao", "Kidal", "Ménaka", "Ségou")
#: Bamako and the regional capitals that pull the displaced (main towns of ``grid.csv``;
#: Mopti stands for Mopti-Sévaré).
CAPITAL_TOWNS: tuple[str, ...] = ("Bamako", "Mopti", "Ségou", "Gao", "Timbuktu", "Ménaka")

# Status and livelihood codes as int8 scalars: comparing an int8 array with an IntEnum member
# makes numpy widen the whole array to int64 first (about ten times slower per comparison).
_RESIDENT = np.int8(Status.RESIDENT)
_DISPLACED = np.int8(Status.DISPLACED)
_REFUGEE = np.int8(Status.REFUGEE)
_HERDER = np.int8(Livelihood.HERDER)

#: Engines of the civilian step (:class:`CivilianPopulation`): ``"numpy"`` is the reference
#: implementation; ``"numba"`` runs the same rules as compiled passes
#: (:mod:`malisim.model.civilian_kernels`), with the same results bit for bit; ``"auto"`` picks.
ENGINES: tuple[str, ...] = ("auto", "numpy", "numba")
#: ``"auto"`` compiles once the agent-months of this process pass this many: those stepped so
#: far by every population of the process plus the run about to step (the whole run when its
#: length is given, else the month). Importing numba and loading the cached kernels costs about
#: 0.45-0.5 s of CPU in a fresh process (0.24 s the import, 0.25 s the first kernel, which
#: initialises numba's compiler; the seven others 2-10 ms each), and the compiled step saves
#: 30-40 ns per agent-month against the numpy step (benchmarks/README.md): the break-even is
#: 11-16 million agent-months. So one replicate of 96 months at 50,000 agents (4.8 million
#: agent-months) stays on numpy, a batch worker compiles from its third replicate on, a run of
#: a million agents from its first month. Once the kernels are loaded, ``"auto"`` uses them.
COMPILED_ENGINE_AGENT_MONTHS: int = 12_000_000
#: The sums per home cell (:meth:`CivilianPopulation._home_sum`) are a ``bincount`` until the
#: agent-months of this process pass this many, then the product of a cached 0/1 CSR matrix:
#: the same sums, bit for bit, about 0.13 ms faster per call at 50,000 agents (agents sorted by
#: home cell: 32 against 162 us), but importing ``scipy.sparse`` costs about 0.12-0.17 s of CPU
#: in a fresh process. At two calls a month the import pays for itself after about 10 million
#: agent-months: a one-month ``malisim run`` and one replicate of 96 months at 50,000 agents
#: (4.8 million) stay on ``bincount``, a batch worker switches in its third replicate. Once
#: ``scipy.sparse`` is imported in the process (by anything), the matrix is used.
HOME_SUM_MATRIX_AGENT_MONTHS: int = 10_000_000
#: Set by :func:`prefer_matrix_sums` (a long-lived process: the page's server).
_matrix_sums_preferred = False


def prefer_matrix_sums() -> None:
    """Use the CSR product for the sums per home cell from now on, in this process.

    For a process that lives long and steps many months (the page's server), where SciPy's
    import is paid once; the sums are the same, bit for bit (:data:`HOME_SUM_MATRIX_AGENT_MONTHS`).
    """
    global _matrix_sums_preferred
    _matrix_sums_preferred = True


_kernel_module: Any = None
_kernel_import_failed = False
#: Agent-months stepped in this process, by every population (the ``"auto"`` engine's count).
_process_agent_months = 0


def compiled_kernels_available() -> bool:
    """Whether the compiled engine can run (numba installed); imports the kernels if so."""
    return _load_kernels() is not None


def _load_kernels() -> Any:
    """The compiled kernels module, imported on first use; ``None`` without numba."""
    global _kernel_module, _kernel_import_failed
    if _kernel_module is None and not _kernel_import_failed:
        try:
            from malisim.model import civilian_kernels
        except ImportError:  # numba missing: the numpy engine runs instead
            _kernel_import_failed = True
        else:
            _kernel_module = civilian_kernels
    return _kernel_module


@dataclass(frozen=True)
class CommunityTable:
    """Community shares per region and base legitimacy per community (``data/communities.csv``).

    Attributes:
        shares: ``(n_regions, n_communities)`` shares summing to 1 per region.
        base_legitimacy: ``(n_communities, n_families)`` base perceived legitimacy.
        herder_share: Share of each community's rural people who are herders.
    """

    shares: np.ndarray
    base_legitimacy: np.ndarray
    herder_share: np.ndarray


def load_community_table() -> CommunityTable:
    """Read the packaged community shares and base legitimacies."""
    path = resources.files("malisim.data").joinpath("communities.csv")
    lines = path.read_text(encoding="utf-8").splitlines()  # csv, not pandas: a run needs none
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))

    def first(table: str, key: str | None = None) -> dict[str, str]:
        return next(r for r in rows if r["table"] == table and key in (None, r["key"]))

    shares = np.array([[float(first("region_share", r)[c]) for c in COMMUNITIES] for r in REGIONS])
    shares = shares / shares.sum(axis=1, keepdims=True)
    base = np.zeros((len(COMMUNITIES), N_FAMILIES))
    for f, family in enumerate(FAMILIES):
        row = first(f"legitimacy_{family}")
        base[:, f] = [float(row[c]) for c in COMMUNITIES]
    herder = first("herder_share")
    herder_share = np.array([float(herder[c]) for c in COMMUNITIES])
    return CommunityTable(shares=shares, base_legitimacy=base, herder_share=herder_share)


@dataclass
class CellSignals:
    """What the armed actors tell the civilians about each cell this month.

    Attributes:
        presence: ``(n_families, n_cells)`` armed persons of each family in the cell (state
            family: FAMa plus partners operating with it).
        killed: ``(4, n_cells)`` civilians killed this month by perpetrator family
            (state, foreign, jihadist, signatory; see :class:`malisim.model.vocab.Perpetrator`).
        killed_by_family: ``(n_families, n_cells)`` the same deaths as judged by civilians:
            foreign forces count against the state; jihadist deaths split JNIM / IS Sahel.
        violence_index: Smoothed local violence index per cell.
        authority: Family whose authority civilians face in each cell (its controller; the
            strongest family present where the cell is contested).
        governance: ``(n_families, n_cells)`` governance by each family (0 for the state).
        state_service: State presence / services per cell (0-1).
        economic_loss: GDP-index loss against trend per cell (0-1).
        blockade: The part of ``economic_loss`` that is the cell's own: the share of its
            activity lost to a siege (``conflict.sieges``; 0-1). Zero when not given.
        killed_by_community: ``(n_communities, n_families, n_cells)`` the part of ``killed``
            (and of ``killed_by_family``) that communal attacks aimed at each community, by
            the family its victims blame (``MonthlyViolence.civilians_killed_by_community``);
            ``None`` when there is none. These deaths fall on the targeted community's agents.
    """

    presence: np.ndarray
    killed: np.ndarray
    killed_by_family: np.ndarray
    violence_index: np.ndarray
    authority: np.ndarray
    governance: np.ndarray
    state_service: np.ndarray
    economic_loss: np.ndarray
    blockade: np.ndarray | None = None
    killed_by_community: np.ndarray | None = None


@dataclass
class DisplacementFlows:
    """The month's flows of people per cell (people/month), whose running balance is the stocks.

    IDP flows are counted in the cell of refuge (where the IDP stock is counted), refugee flows
    in the home cell (where the refugee stock of a region is counted). For every cell and month
    (:meth:`idp_change`, :meth:`refugee_change`)::

        IDPs(t) - IDPs(t-1) = new + secondary_in - secondary_out - returns - abroad
                              - deaths - joined + growth
        refugees(t) - refugees(t-1) = refugees_new - refugee_returns + refugee_growth

    Attributes:
        idps_new: Residents who fled to another cell of Mali, by cell of arrival.
        idps_secondary_in: Displaced people who fled again, by cell of arrival.
        idps_secondary_out: The same people, by cell they left.
        idp_returns: Displaced people who went home, by cell they left.
        idps_abroad: Displaced people who crossed a border, by cell they left.
        idp_deaths: Displaced people killed, by cell.
        idp_joined: Displaced people who joined an armed group, by cell.
        idp_growth: Natural growth of the displaced, by cell.
        refugees_new: People who crossed into a country of refuge (residents and IDPs), by home.
        refugee_returns: Refugees who came home, by home cell.
        refugee_growth: Natural growth of the refugees, by home cell.
    """

    idps_new: np.ndarray
    idps_secondary_in: np.ndarray
    idps_secondary_out: np.ndarray
    idp_returns: np.ndarray
    idps_abroad: np.ndarray
    idp_deaths: np.ndarray
    idp_joined: np.ndarray
    idp_growth: np.ndarray
    refugees_new: np.ndarray
    refugee_returns: np.ndarray
    refugee_growth: np.ndarray

    def idp_change(self) -> np.ndarray:
        """Change of the IDP stock per cell implied by the flows (people)."""
        return (
            self.idps_new + self.idps_secondary_in - self.idps_secondary_out - self.idp_returns
            - self.idps_abroad - self.idp_deaths - self.idp_joined + self.idp_growth
        )  # fmt: skip

    def refugee_change(self) -> np.ndarray:
        """Change of the refugee stock per home cell implied by the flows (people)."""
        return self.refugees_new - self.refugee_returns + self.refugee_growth


@dataclass(frozen=True)
class FlightGeography:
    """Per-cell geography of flight, fixed for a run (:func:`flight_geography`).

    Attributes:
        town: Whether the cell holds a main town.
        capital: Whether the cell holds Bamako or a regional capital (:data:`CAPITAL_TOWNS`).
        nearest_capital: The nearest capital cell within ``capital_reach`` steps (-1: none).
        refuge_cell: Nearest cell on the border of a country of refuge (-1: none).
        refuge_country: Its country code (into ``NEIGHBOUR_COUNTRIES``; -1: none).
        refuge_steps: Grid steps to it (a large number where there is none).
        cross_border: Whether the cell's people may seek refuge abroad
            (:data:`CROSS_BORDER_REGIONS`).
        kin: ``(n_cells, n_communities)`` share of each community in the cell's region.
    """

    town: np.ndarray
    capital: np.ndarray
    nearest_capital: np.ndarray
    refuge_cell: np.ndarray
    refuge_country: np.ndarray
    refuge_steps: np.ndarray
    cross_border: np.ndarray
    kin: np.ndarray


@dataclass
class CivilianOutputs:
    """What the civilians return to the model each month (all per cell unless stated).

    Attributes:
        population: People present in each cell (residents and displaced).
        support: ``(n_families, n_cells)`` people actively supporting each family.
        recruits: ``(n_families, n_cells)`` people joining each family's armed group.
        idps: Displaced people present in each cell.
        refugees_by_country: People abroad per neighbouring country.
        civilians_killed: People removed by violence this month (national total).
        newly_displaced: People who fled this month (IDPs and refugees).
        returned: People who returned home this month.
        flows: The month's displacement flows per cell (:class:`DisplacementFlows`).
        returnees: People back home after displacement or refuge, by home cell.
        living: People who live in each cell: those at home plus those displaced from it
            (refugees abroad excluded), at least the people present (the denominator of the
            violence index).
    """

    population: np.ndarray
    support: np.ndarray
    recruits: np.ndarray
    idps: np.ndarray
    refugees_by_country: np.ndarray
    civilians_killed: float
    newly_displaced: float
    returned: float
    flows: DisplacementFlows
    returnees: np.ndarray
    living: np.ndarray


@dataclass
class SideChoice:
    """The aligned agents of the month and the side each chose (``choose_sides``).

    Attributes:
        agents: Indices of the aligned agents.
        family: The family each of them supports.
        side_cell: The cell where each of them supports it (its own cell; the home cell for the
            displaced).
    """

    agents: np.ndarray
    family: np.ndarray
    side_cell: np.ndarray


class CivilianPopulation:
    """Representative civilian agents as structure-of-arrays.

    Args:
        grid: The regional grid.
        params: Model parameters, read by every rule (the scenario's values: policies that
            change parameters during a run do not reach the civilians).
        rng: The ``setup`` random generator (used only here, for the initial population).
        total_people: People at the start date.
        engine: How :meth:`step` runs (:data:`ENGINES`; the results are the same bit for bit):
            ``"numpy"``, ``"numba"`` (compiled; an error without numba) or ``"auto"``: compiled
            once the process's agent-months pass :data:`COMPILED_ENGINE_AGENT_MONTHS`, or at
            once when the kernels are already loaded, if numba is installed (silently numpy
            without it).
        months: Length of the run in months when known (lets ``"auto"`` count the whole run
            at its first month); ``None``: ``"auto"`` counts the months as they are stepped.

    Attributes:
        cell: Current cell of each agent (intp: it indexes the per-cell arrays, and numpy
            gathers with an ``int16`` index several times slower, after a cast).
        home: Home cell of each agent (intp).
        weight: People each agent stands for (float64, for exact accounting).
        community: Community code (int8, into :data:`COMMUNITIES`).
        livelihood: :class:`Livelihood` code (int8).
        hardship0: Baseline hardship (float32).
        risk_aversion: Risk aversion (float32).
        legitimacy: ``(N, n_families)`` perceived legitimacy (float32).
        memory: ``(N, n_families)`` remembered victimisation (float32).
        active: Whether the agent is active (Epstein's state) against its enemy: its cell's
            authority, or the family it resents most (:meth:`activate`).
        support: Supported family, or -1 (int8).
        status: :class:`Status` code (int8).
        country: Neighbouring-country code of refugees, -1 otherwise (int8).
        protracted: Whether the agent's people stay where they fled (never return in the run).
        months_away: Months since the agent's people left home (0 at home; int16).
        fled_danger: Danger of the home cell when the agent's people last fled it (0 for those
            displaced before the run or by threats and lost livelihood alone; float32): the
            relief return compares the danger at home with it.
        returnee: Whether the agent's people are back home after displacement or refuge.
        geography: Per-cell geography of flight (:class:`FlightGeography`).
    """

    def __init__(
        self,
        grid: MaliGrid,
        params: Parameters,
        rng: np.random.Generator,
        total_people: float,
        engine: str = "auto",
        months: int | None = None,
    ) -> None:
        self.set_engine(engine)
        self.months = months
        self._months_stepped = 0
        self.grid = grid
        self.params = params
        self.table = load_community_table()
        n_agents = int(params.n_civilian_agents)
        pop = np.asarray(grid.population, dtype=np.float64)
        pop = pop / pop.sum() * total_people
        counts = _allocate(pop, n_agents)
        cell = np.repeat(np.arange(grid.n_cells), counts)
        n = cell.size
        self.cell = cell.astype(np.intp)
        self.home = self.cell.copy()
        self.weight = pop[cell] / counts[cell]

        region = grid.region[cell]
        cum = np.cumsum(self.table.shares[region], axis=1)
        u = rng.random(n)
        self.community = (u[:, None] > cum).sum(axis=1).clip(0, len(COMMUNITIES) - 1)
        self.community = self.community.astype(np.int8)

        town_share = _town_share(grid, pop, params)
        urban = rng.random(n) < town_share[cell]
        herder = rng.random(n) < self.table.herder_share[self.community]
        self.livelihood = np.where(
            urban, Livelihood.URBAN, np.where(herder, Livelihood.HERDER, Livelihood.FARMER)
        ).astype(np.int8)

        mean = params.hardship_mean
        concentration = params.hardship_concentration
        self.hardship0 = rng.beta(mean * concentration, (1 - mean) * concentration, n).astype(
            np.float32
        )
        self.risk_aversion = rng.random(n).astype(np.float32)
        base = self.table.base_legitimacy[self.community]
        noise = rng.normal(0.0, params.legitimacy_noise_sd, (n, N_FAMILIES))
        self.legitimacy = np.clip(base + noise, 0.0, 1.0).astype(np.float32)
        self.memory = np.zeros((n, N_FAMILIES), dtype=np.float32)
        self.support = np.full(n, NO_SUPPORT, dtype=np.int8)
        self.active = np.zeros(n, dtype=bool)
        self.status = np.full(n, Status.RESIDENT, dtype=np.int8)
        self.country = np.full(n, -1, dtype=np.int8)
        self.protracted = rng.random(n) < params.protracted_share
        self.months_away = np.zeros(n, dtype=np.int16)
        self.fled_danger = np.zeros(n, dtype=np.float32)
        self.returnee = np.zeros(n, dtype=bool)
        self.geography = flight_geography(grid, self.table, params)
        # no rule changes an agent's home or community: read-only, so that the sums and rows
        # cached from them (:meth:`_home_sum`, :meth:`_community_rows`) cannot go stale
        self.home.flags.writeable = False
        self.community.flags.writeable = False
        self._present: np.ndarray | None = None
        # the active agents and their indices, as :meth:`activate` left them
        self._active_agents: tuple[np.ndarray, np.ndarray] | None = None
        self._community_rows_cache: tuple[np.ndarray, int, np.ndarray] | None = None
        self._row_starts_cache: np.ndarray | None = None
        self._neighbour_cache: dict[int, NeighbourSum] = {}
        self._home_sum_cache: tuple[np.ndarray, Any] | None = None

        # people accounting (conservation): initial + growth = present + abroad + killed + joined
        self.initial_people = float(self.weight.sum())
        self.growth_people = 0.0
        self.killed_people = 0.0
        self.joined_people = 0.0
        self._monthly_growth = (1.0 + params.population_growth) ** (1.0 / 12.0) - 1.0

    # ------------------------------------------------------------------ initial displacement
    def seed_displacement(
        self, idps: float, refugees: float, origin_weight: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Mark agents as displaced or refugees at the start, from the most affected cells.

        Agents are drawn with probability proportional to ``origin_weight`` of their cell until
        the target numbers of people are reached. IDPs choose a destination as in flight
        (:meth:`choose_destinations`, with the origin weight, scaled to 0-1, as the danger);
        refugees go to the nearest country of refuge.

        Args:
            idps: Target displaced people.
            refugees: Target refugees abroad.
            origin_weight: Per-cell weight of being an origin of displacement.
            rng: The setup generator.
        """
        grid = self.grid
        w = origin_weight[self.cell] * (self.status == _RESIDENT)
        if w.sum() <= 0 or idps + refugees <= 0:
            return
        keys = rng.random(self.cell.size) ** (1.0 / np.maximum(w, 1e-12))
        order = np.argsort(-keys, kind="stable")
        cum = np.cumsum(self.weight[order])
        n_ref = int(np.searchsorted(cum, refugees))
        n_idp = int(np.searchsorted(cum, refugees + idps)) - n_ref
        ref = order[:n_ref]
        idp = order[n_ref : n_ref + n_idp]
        geo = self.geography
        refuge = geo.refuge_country[self.cell[ref]]
        self.status[ref] = Status.REFUGEE
        self.country[ref] = np.where(
            refuge >= 0, refuge, grid.nearest_border_country[self.cell[ref]]
        )
        danger = origin_weight / max(float(origin_weight.max()), 1e-12)
        dest = self.choose_destinations(idp, self.cell[idp], danger, rng)
        self.status[idp] = Status.DISPLACED  # those left in their cell are displaced within it
        self.cell[idp] = dest

    # ------------------------------------------------------------------ the engine
    @property
    def _kernels(self) -> Any:
        """The compiled kernels when this population runs them, else ``None`` (numpy)."""
        return _kernel_module if self._compiled else None

    def set_engine(self, engine: str) -> None:
        """Choose how the following months are stepped (:data:`ENGINES`; same results).

        Args:
            engine: ``"numpy"``, ``"numba"`` or ``"auto"``.

        Raises:
            ValueError: For an unknown engine, or ``"numba"`` without numba installed.
        """
        if engine not in ENGINES:
            raise ValueError(f"unknown civilian engine {engine!r}; choose one of {ENGINES}")
        if engine == "numba" and _load_kernels() is None:
            raise ValueError("the civilian engine 'numba' needs numba: pip install numba")
        self.engine = engine
        self._compiled = engine == "numba"

    def _use_engine(self) -> Any:
        """Decide the engine of this month's step (``"auto"``); the kernels or ``None``."""
        global _process_agent_months
        n = self.cell.size
        if self.engine == "auto" and not self._compiled:
            if _kernel_module is not None:  # already loaded in this process: free to use
                self._compiled = True
            else:
                left = self.months - self._months_stepped if self.months is not None else 1
                if _process_agent_months + n * max(left, 1) > COMPILED_ENGINE_AGENT_MONTHS:
                    self._compiled = _load_kernels() is not None
        self._months_stepped += 1
        _process_agent_months += n
        return self._kernels

    # ------------------------------------------------------------------ the monthly step
    def step(
        self,
        signals: CellSignals,
        rngs: dict[str, np.random.Generator],
        dialogue: np.ndarray | float = 0.0,
    ) -> CivilianOutputs:
        """Apply one month of civilian rules (docs/ODD.md 7.1.1-7.1.9) and return the outputs.

        Args:
            signals: Per-cell armed presence, violence and governance this month.
            rngs: Named generators: ``victimisation`` and ``movement``.
            dialogue: Intensity of dialogue with JNIM, per cell or for all (cuts JNIM
                recruitment by this share).

        Returns:
            Per-cell support, recruits, population and displacement.
        """
        kernels = self._use_engine()
        cell = self.cell  # nobody moves, nor changes status, before flight and return (7.1.7)
        status = self.status
        here = status != _REFUGEE
        present = self._people_present(cell, here)
        away = np.flatnonzero(status != _RESIDENT)  # a minority: the displaced and refugees
        disp = away[status[away] == _DISPLACED]
        idps_start = self._idp_stock(disp)
        killed = self.victimise(signals, cell, here, present, rngs["victimisation"])  # 7.1.1
        idps_after_violence = self._idp_stock(disp)
        if kernels is not None:
            sides, enemy = self._compiled_rules(signals, here, kernels)  # 7.1.2-7.1.5
        else:
            hardship = self.monthly_hardship(signals, cell, away)  # 7.1.2
            self.update_legitimacy(signals, cell)  # 7.1.3
            enemy = self.activate(signals, hardship, cell, here)  # 7.1.4
            sides = self.choose_sides(signals, enemy, cell)  # 7.1.5
        recruits = self.recruit(sides, enemy, dialogue)  # 7.1.6
        support = self.count_supporters(sides)  # after the joiners left, before growth
        idps_after_joining = self._idp_stock(disp)
        flows = self.flee_and_return(
            signals.violence_index, rngs["movement"], signals, away=away
        )  # 7.1.7
        flows.idp_deaths = idps_start - idps_after_violence
        flows.idp_joined = idps_after_violence - idps_after_joining
        n_cells = self.grid.n_cells
        if kernels is not None:  # growth (7.1.8) and every count of the census in one pass
            growth, *sums = kernels.grow_and_census(
                self.cell, self.home, self.weight, self.status, self.returnee, self.country,
                self._monthly_growth, n_cells, len(NEIGHBOUR_COUNTRIES),
            )  # fmt: skip
            self.growth_people += float(growth.sum())
            flows.idp_growth, flows.refugee_growth = sums[5], sums[6]
            return self.census(support, recruits, killed, flows, sums=tuple(sums[:5]))
        growth = self.grow()  # 7.1.8
        away = np.flatnonzero(self.status != _RESIDENT)
        groups = (away[self.status[away] == _DISPLACED], away[self.status[away] == _REFUGEE])
        disp, ref = groups
        flows.idp_growth = np.bincount(self.cell[disp], weights=growth[disp], minlength=n_cells)
        flows.refugee_growth = np.bincount(self.home[ref], weights=growth[ref], minlength=n_cells)
        return self.census(support, recruits, killed, flows, groups=groups)

    def _compiled_rules(
        self, signals: CellSignals, here: np.ndarray, kernels: Any
    ) -> tuple[SideChoice, np.ndarray]:
        """Rules 7.1.2-7.1.5 as two compiled passes over the agents (the ``numba`` engine).

        The first pass moves each agent's legitimacy (:meth:`update_legitimacy`), takes its
        hardship (:meth:`monthly_hardship`), grievance, enemy and enforcer ratio
        (:meth:`activate`); numpy takes the exponential of the reprisal probability; the second
        pass applies Epstein's rule and chooses the side of the active (:meth:`choose_sides`).
        Each agent's arithmetic is that of the numpy methods, in the same order and dtypes.

        Returns:
            The aligned agents (:class:`SideChoice`) and the enemy of every agent (int8).
        """
        p = self.params
        n_cells = self.grid.n_cells
        around, seen = self._vision(signals)
        prev_active = kernels.active_people(self.active, self.cell, self.weight, n_cells)
        seen_active = prev_active + around @ prev_active
        candidate = seen > 0
        candidate[signals.authority, np.arange(n_cells)] = True
        vw = np.float32(p.victimisation_weight)
        # G - R * P > T needs G > T when R * P >= 0 (R in [0, 1), P = 1 - exp(-k * ratio))
        monotone = p.arrest_k >= 0.0 and p.deterrence_scale >= 0.0
        cand, g, enemy, x = kernels.grievance_and_enemy(
            self.legitimacy, self._legitimacy_target(signals), self.community, n_cells,
            np.float32(p.legitimacy_adjustment),
            self.hardship0, self.status, p.hardship_conflict_weight * signals.violence_index,
            p.hardship_economy_weight * signals.economic_loss, np.float32(p.hardship_displaced),
            self.memory, self.cell, signals.authority, candidate, vw,
            np.float32(p.retribution_memory_floor), seen, p.deterrence_scale, seen_active,
            self.weight, -p.arrest_k, here, p.activation_threshold if monotone else -np.inf,
        )  # fmt: skip
        np.exp(x, out=x)  # arrest_probability is one minus this (rounding "none")
        present_here, presence_term = self._appeal_terms(signals)
        self.active, agents, family, side_cell, self.support = kernels.activate_and_choose(
            cand, g, self.risk_aversion, x, p.activation_threshold, self.status, self.home,
            self.cell, present_here.sum(axis=0) > 0, present_here, self.legitimacy, self.memory,
            vw, presence_term, enemy,
        )  # fmt: skip
        return SideChoice(agents=agents, family=family, side_cell=side_cell), enemy

    def _idp_stock(self, disp: np.ndarray) -> np.ndarray:
        """Displaced people present per cell, given the indices of the displaced agents.

        Counting only them gives the same sums, bit for bit, as weighting every agent by a
        mask: ``bincount`` adds each cell's weights in agent order, and the zeros of the masked
        agents add nothing.
        """
        return np.bincount(self.cell[disp], weights=self.weight[disp], minlength=self.grid.n_cells)

    def _people_present(self, cell: np.ndarray, here: np.ndarray) -> np.ndarray:
        """People present per cell: last month's census, counted afresh in the first month."""
        present = self._present
        if present is None:  # first month: nothing has counted the people yet
            present = np.bincount(cell, weights=self.weight * here, minlength=self.grid.n_cells)
        return present

    def people_left(self, per_cell: np.ndarray) -> None:
        """Record people who left the agents present in each cell after the month's census.

        The militias' mobilisation (:func:`malisim.model.militias.move_people`) takes recruits
        from the agents, and returns the demobilised to them, after the census that next
        month's victimisation reads (:meth:`_people_present`): this keeps that census in step
        with the agents' weights.

        Args:
            per_cell: People who left each cell's agents (negative: people who came back).
        """
        if self._present is not None:
            self._present = self._present - per_cell

    # ------------------------------------------------------------------ 7.1.1 victimisation
    def victimise(
        self,
        signals: CellSignals,
        cell: np.ndarray,
        here: np.ndarray,
        present: np.ndarray,
        rng: np.random.Generator,
    ) -> float:
        """Decay memories, let this month's killings victimise and remove the dead.

        One uniform per agent (a fixed number of draws keeps random numbers common across
        scenarios) selects at most one victimising family per agent and month; the victim's
        memory of that family grows by ``memory_increment``. The deaths of communal attacks
        (``signals.killed_by_community``) fall on the targeted community's agents of the cell
        only, each keeping the share of its weight that survived, capped at that community's
        people present; what the cap leaves (none in the model's own months: the attacks are
        capped at the community's people) and every other death fall on all the cell's
        non-refugee survivors alike, capped at the cell's people. Those killings victimise the
        targeted community's agents only (hit rate over that community's people present), the
        others every agent of the cell (hit rate over the cell's people).

        Args:
            signals: This month's killings per perpetrator and per family as judged by civilians.
            cell: Current cell of each agent (intp).
            here: Whether each agent is in Mali (not a refugee).
            present: People present per cell.
            rng: The ``victimisation`` generator.

        Returns:
            People killed this month (also added to the conservation accounting).
        """
        p = self.params
        u_hit = rng.random(self.cell.size, dtype=np.float32)
        killed_cell = np.minimum(signals.killed.sum(axis=0), present)
        exposed_cells = signals.killed_by_family.sum(axis=0) > 0
        any_exposed = bool(exposed_cells.any())
        hit_mask = exposed_cells
        struck = local = None
        if any_exposed:
            kbc = signals.killed_by_community
            struck = np.flatnonzero(kbc.sum(axis=(0, 1)) > 0) if kbc is not None else None
            hit_mask = killed_cell > 0
            if struck is not None and struck.size:
                hit_mask[struck] = True
                # the cells struck by communal attacks ``struck``, agent by agent
                local = np.full(self.grid.n_cells, -1, np.intp)
                local[struck] = np.arange(struck.size)
            else:
                struck = None
        kernels = self._kernels
        if kernels is not None:
            return self._victimise_compiled(
                signals, here, present, u_hit, killed_cell, exposed_cells, any_exposed,
                hit_mask, struck, local, kernels,
            )  # fmt: skip
        else:
            self.memory *= np.float32(p.memory_decay)
            if any_exposed:  # the agents of the hit or exposed cells, then each set among them
                either = np.flatnonzero(np.take(hit_mask | exposed_cells, cell) & here)
                either_cell = cell[either]
                hit_cells = either[hit_mask[either_cell]]
                exposed_agents = either[exposed_cells[either_cell]]
        if any_exposed:
            killed_by_family = signals.killed_by_family
            if struck is not None and kbc is not None and local is not None:  # their community
                communal = kbc[:, :, struck].astype(np.float64)
                where_h = local[cell[hit_cells]]
                in_struck = np.flatnonzero(where_h >= 0)
                k_h = self.community[hit_cells[in_struck]].astype(np.intp)
                c_h = where_h[in_struck]
                people_k = self._people_by_community(hit_cells[in_struck], k_h, c_h, struck.size)
                killed_by_family = killed_by_family.copy()
                killed_by_family[:, struck] -= communal.sum(axis=0)
            hit_rate = killed_by_family * p.victimisation_reach / np.maximum(present, 1.0)
            bounds = _victimisation_bounds(hit_rate, axis=0)  # (families, cells)
            idx = exposed_agents
            # the bounds rise with the family (a cumulative sum of non-negative terms), so only
            # agents under their cell's top bound are hit: the others would count all families
            top = bounds[-1][cell[idx]]
            if struck is not None and local is not None:
                # in the cells struck by communal attacks, bounds per community: the community's
                # own deaths over its people present added to the other deaths over the cell's
                rate = (
                    hit_rate[None, :, struck]
                    + communal * (p.victimisation_reach / np.maximum(people_k, 1.0))[:, None, :]
                )
                own = _victimisation_bounds(rate, axis=1)  # (communities, families, struck)
                where = local[cell[idx]]
                sel = np.flatnonzero(where >= 0)
                top[sel] = own[self.community[idx[sel]].astype(np.intp), -1, where[sel]]
            idx = idx[u_hit[idx] < top]
            b = bounds[:, cell[idx]]  # (families, agents hit)
            if struck is not None and local is not None:
                where = local[cell[idx]]
                sel = np.flatnonzero(where >= 0)
                b[:, sel] = own[self.community[idx[sel]].astype(np.intp), :, where[sel]].T
            fam = (u_hit[idx][None, :] >= b).sum(axis=0)  # < N_FAMILIES
            self.memory[idx, fam] += np.float32(p.memory_increment)
            survive = 1.0 - killed_cell / np.maximum(present, 1e-9)
            factor = survive[cell[hit_cells]]
            if struck is not None:
                factor[in_struck] = _communal_survival(
                    signals.killed[:, struck].sum(axis=0), communal, people_k, k_h, c_h
                )
            lost = self.weight[hit_cells] * (1.0 - factor)
            self.weight[hit_cells] -= lost
            killed = float(lost.sum())
        else:
            killed = 0.0
        self.killed_people += killed
        return killed

    def _victimise_compiled(
        self,
        signals: CellSignals,
        here: np.ndarray,
        present: np.ndarray,
        u_hit: np.ndarray,
        killed_cell: np.ndarray,
        exposed_cells: np.ndarray,
        any_exposed: bool,
        hit_mask: np.ndarray,
        struck: np.ndarray | None,
        local: np.ndarray | None,
        kernels: Any,
    ) -> float:
        """:meth:`victimise` as two compiled passes (same draws, arithmetic and order).

        The first pass decays every memory, selects the agents of the hit and exposed cells and
        counts the people of each community in the cells struck by communal attacks; the
        second hits the victims' memories and removes the dead from the weights.
        """
        p = self.params
        n_cells = self.grid.n_cells
        n_comm = len(COMMUNITIES)
        n_struck = struck.size if struck is not None else 0
        if local is None or struck is None:
            local = np.full(n_cells, -1, np.intp)
        hit_cells, exposed_agents, people_k = kernels.decay_and_select(
            self.memory, np.float32(p.memory_decay), self.cell, here, hit_mask, exposed_cells,
            any_exposed, local, self.community, self.weight, n_comm, n_struck,
        )  # fmt: skip
        if not any_exposed:
            return 0.0
        killed_by_family = signals.killed_by_family
        kbc = signals.killed_by_community
        if struck is not None and kbc is not None:  # communal deaths: their own community
            communal = kbc[:, :, struck].astype(np.float64)
            killed_by_family = killed_by_family.copy()
            killed_by_family[:, struck] -= communal.sum(axis=0)
        hit_rate = killed_by_family * p.victimisation_reach / np.maximum(present, 1.0)
        bounds = _victimisation_bounds(hit_rate, axis=0)  # (families, cells)
        survive = 1.0 - killed_cell / np.maximum(present, 1e-9)
        if struck is not None:
            rate = (
                hit_rate[None, :, struck]
                + communal * (p.victimisation_reach / np.maximum(people_k, 1.0))[:, None, :]
            )
            own = _victimisation_bounds(rate, axis=1)  # (communities, families, struck)
            own_survive, rest_survive = _communal_survival_terms(
                signals.killed[:, struck].sum(axis=0), communal, people_k
            )
        else:
            own = np.zeros((1, N_FAMILIES, 1))
            own_survive, rest_survive = np.zeros((1, 1)), np.zeros(1)
        lost = kernels.hit_and_kill(
            u_hit, exposed_agents, hit_cells, self.cell, self.community, local, bounds, own,
            self.memory, np.float32(p.memory_increment), self.weight, survive, own_survive,
            rest_survive,
        )  # fmt: skip
        killed = float(lost.sum())
        self.killed_people += killed
        return killed

    def _people_by_community(
        self, agents: np.ndarray, community: np.ndarray, local: np.ndarray, n_struck: int
    ) -> np.ndarray:
        """``(n_communities, n_struck)`` people of each community among ``agents``.

        Args:
            agents: Non-refugee agents of the cells struck by communal attacks.
            community: Their community codes.
            local: Their cell's position among the struck cells.
            n_struck: Number of struck cells.
        """
        n_comm = len(COMMUNITIES)
        key = community * n_struck + local
        people = np.bincount(key, weights=self.weight[agents], minlength=n_comm * n_struck)
        return people.reshape(n_comm, n_struck)

    # ------------------------------------------------------------------ 7.1.2 hardship
    def monthly_hardship(
        self, signals: CellSignals, cell: np.ndarray, away: np.ndarray | None = None
    ) -> np.ndarray:
        """Return this month's hardship: baseline plus local violence, displacement, economy.

        Args:
            signals: This month's violence index and economic loss per cell.
            cell: Current cell of each agent (intp).
            away: Indices of the agents away from home (displaced or refugees), when known.

        Returns:
            Hardship per agent in [0, 1] (float32).
        """
        p = self.params
        if away is None:
            away = np.flatnonzero(self.status != _RESIDENT)
        # ((baseline + violence) + displacement) + economy, summed in place in one float64
        # array; the per-cell terms are computed per cell and then gathered (the same products,
        # element by element, as computing them per agent). The displacement term is the
        # float32 ``hardship_displaced * 1`` for those away and adds nothing (+0.0) for the others
        h = np.take(p.hardship_conflict_weight * signals.violence_index, cell)
        np.add(self.hardship0, h, out=h)
        h[away] += np.float32(p.hardship_displaced) * np.float32(1.0)
        h += np.take(p.hardship_economy_weight * signals.economic_loss, cell)
        return np.clip(h, 0.0, 1.0, out=h).astype(np.float32)

    # ------------------------------------------------------------------ 7.1.3 legitimacy
    def update_legitimacy(self, signals: CellSignals, cell: np.ndarray) -> None:
        """Move perceived legitimacy toward a target set by community and cell.

        The state's target is its community base scaled by the state's services in the cell;
        jihadist groups add legitimacy where they govern; targets are clipped to [0, 1].

        Args:
            signals: This month's state services and governance per cell.
            cell: Current cell of each agent (intp).
        """
        p = self.params
        n_cells = self.grid.n_cells
        target = self._legitimacy_target(signals)
        key = self._community_rows(n_cells) + cell
        step = np.take(target, key, axis=0)
        np.subtract(step, self.legitimacy, out=step)
        step *= np.float32(p.legitimacy_adjustment)
        self.legitimacy += step

    def _community_rows(self, n_cells: int) -> np.ndarray:
        """``community * n_cells`` per agent (intp), the row of its community's block.

        Kept while :attr:`community` is the same array: no rule changes an agent's community,
        and the array is kept read-only so that it cannot change in place.
        """
        kept = self._community_rows_cache
        if kept is None or kept[0] is not self.community or kept[1] != n_cells:
            self.community.flags.writeable = False
            rows = self.community.astype(np.intp) * n_cells
            kept = self._community_rows_cache = (self.community, n_cells, rows)
        return kept[2]

    def _legitimacy_target(self, signals: CellSignals) -> np.ndarray:
        """Legitimacy targets (float32), ``(n_communities * n_cells, n_families)``, row k*n+c."""
        p = self.params
        n_cells = self.grid.n_cells
        n_comm = len(COMMUNITIES)
        # built family by family, (n_families, n_communities, n_cells), each row contiguous;
        # the same operations element by element as on the (community, cell, family) layout
        target = np.repeat(self.table.base_legitimacy.T[:, :, None], n_cells, axis=2)
        target[Family.STATE] *= (
            p.state_legitimacy_without_service
            + p.state_legitimacy_service_share * signals.state_service[None, :]
        )
        target[1:] += (p.jihadist_governance_legitimacy * signals.governance[1:])[:, None, :]
        np.clip(target, 0.0, 1.0, out=target)
        rows = np.empty((n_comm, n_cells, N_FAMILIES), dtype=np.float32)
        np.copyto(rows, target.transpose(1, 2, 0), casting="same_kind")
        return rows.reshape(n_comm * n_cells, N_FAMILIES)

    # ------------------------------------------------------------------ 7.1.4 activation
    def activate(
        self, signals: CellSignals, hardship: np.ndarray, cell: np.ndarray, here: np.ndarray
    ) -> np.ndarray:
        """Epstein's rule against the family each civilian resents most; sets :attr:`active`.

        The estimated reprisal probability weighs the enemy's armed presence within vision
        against the people active within vision last month (the agent counting itself).

        Args:
            signals: This month's armed presence and authority per cell.
            hardship: This month's hardship per agent.
            cell: Current cell of each agent (intp).
            here: Whether each agent is in Mali (refugees are never active).

        Returns:
            The enemy family of each agent (the family it is active against, if active).
        """
        p = self.params
        n_cells = self.grid.n_cells
        around, seen = self._vision(signals)
        g, enemy, _ = self._grievance_and_enemy(signals, hardship, cell, seen)
        prev_active = self._active_people(n_cells)
        seen_active = prev_active + around @ prev_active
        # G - R * P > T needs G > T when R * P >= 0 (R in [0, 1), P = 1 - exp(-k * ratio) with
        # a ratio >= 0): the reprisal probability is needed only for those (refugees excluded)
        if p.arrest_k >= 0.0 and p.deterrence_scale >= 0.0:
            cand = np.flatnonzero(g > p.activation_threshold)
            cand = cand[here[cand]]
        else:
            cand = np.flatnonzero(here)
        c = cell[cand]
        # enforcers of each agent's enemy (the cell's authority but for victims) within vision
        enforcers = np.take((p.deterrence_scale * seen).reshape(-1), enemy[cand] * n_cells + c)
        p_reprisal = arrest_probability(
            enforcers,
            seen_active[c] + self.weight[cand],
            k=p.arrest_k,
            rounding="none",
        )
        risk = net_risk(self.risk_aversion[cand], p_reprisal)
        agents = cand[is_active(g[cand], risk, p.activation_threshold)]
        active = np.zeros(self.cell.size, dtype=bool)
        active[agents] = True
        self.active = active
        self._active_agents = (active, agents)
        return enemy

    def _vision(self, signals: CellSignals) -> tuple[NeighbourSum, np.ndarray]:
        """The neighbour sum within vision and ``(n_families, n_cells)`` presence within it."""
        around = self._neighbour_sum(self.params.vision_radius)
        presence = np.asarray(signals.presence, dtype=np.float64)
        return around, presence + (around @ presence.T).T

    def _neighbour_sum(self, radius: int) -> NeighbourSum:
        """The operator ``around @ x`` that sums each cell's neighbours within ``radius``.

        Built once per radius from :meth:`MaliGrid.within` (CSR, neighbours ascending): a
        ``bincount`` over those pairs, the sums of the former SciPy CSR product bit for bit.
        """
        matrix = self._neighbour_cache.get(radius)
        if matrix is None:
            matrix = NeighbourSum(*self.grid.within(radius))
            self._neighbour_cache[radius] = matrix
        return matrix

    def _grievance_and_enemy(
        self, signals: CellSignals, hardship: np.ndarray, cell: np.ndarray, seen: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Grievance of each agent against its enemy, the enemy, and who may not face the authority.

        Grievance against the cell's authority (its controller; the strongest family where
        contested) is Epstein's hardship times illegitimacy; against every family it adds the
        remembered victimisation by that family (Bennett 2008). The enemy is the most resented
        family among those within vision: victims of one side may turn against it wherever it
        operates, "a means of self-defense and retribution" (CRS2020). Only victims (memory
        above ``retribution_memory_floor``) can resent another family more than the authority.

        Args:
            signals: This month's authority per cell.
            hardship: This month's hardship per agent.
            cell: Current cell of each agent (intp).
            seen: ``(n_families, n_cells)`` armed presence within vision.

        Returns:
            ``(grievance, enemy)`` per agent, and the indices of the victims (the only agents
            whose enemy may differ from their cell's authority).
        """
        p = self.params
        n_cells = self.grid.n_cells
        n = self.cell.size
        vw = np.float32(p.victimisation_weight)
        candidate = seen > 0
        candidate[signals.authority, np.arange(n_cells)] = True
        auth = np.take(signals.authority.astype(np.intp, copy=False), cell)
        flat_auth = self._row_starts(n) + auth
        g = np.minimum(
            grievance(hardship, np.take(self.legitimacy, flat_auth))
            + vw * np.take(self.memory, flat_auth),
            np.float32(1.0),
        )
        enemy = auth.copy()
        mem = self.memory
        victims = _rows_with_any(mem > np.float32(p.retribution_memory_floor))
        if victims.size:
            g_v = vw * np.take(mem, victims, axis=0)
            g_v[np.arange(victims.size), auth[victims]] = g[victims]
            np.minimum(g_v, np.float32(1.0), out=g_v)
            g_v = np.where(candidate[:, cell[victims]].T, g_v, np.float32(-1.0))
            enemy_v = np.argmax(g_v, axis=1)
            enemy[victims] = enemy_v
            g[victims] = g_v[np.arange(victims.size), enemy_v]
        return g, enemy, victims

    def _row_starts(self, n: int) -> np.ndarray:
        """The flat index of each agent's first family (``arange(0, 4 * n, 4)``, kept)."""
        starts = self._row_starts_cache
        if starts is None or starts.size != n:
            starts = self._row_starts_cache = np.arange(0, n * N_FAMILIES, N_FAMILIES)
        return starts

    def _active_people(self, n_cells: int) -> np.ndarray:
        """People per cell who were active last month (Epstein's A, in people)."""
        act = self._active_indices()
        return np.bincount(self.cell[act], weights=self.weight[act], minlength=n_cells)

    def _active_indices(self) -> np.ndarray:
        """Indices of the active agents in agent order (kept by :meth:`activate`)."""
        kept = self._active_agents
        if kept is not None and kept[0] is self.active:
            return kept[1]
        return np.flatnonzero(self.active)

    # ------------------------------------------------------------------ 7.1.5 choice of side
    def choose_sides(self, signals: CellSignals, enemy: np.ndarray, cell: np.ndarray) -> SideChoice:
        """The side the active support; sets :attr:`support`.

        Among the families present in their side cell (:func:`present_families`: an armed group
        with at least ``presence_min_armed`` fighters there; their own cell, the home cell for the
        displaced, who can join the groups of their home area) other than the enemy, the active
        pick the most legitimate, least abusive, best present family; they are aligned with it
        only if it appeals more than the enemy (otherwise: discontent without an armed patron).

        Args:
            signals: This month's armed presence per cell.
            enemy: The enemy family of each agent (:meth:`activate`).
            cell: Current cell of each agent (intp).

        Returns:
            The aligned agents, their family and side cell.
        """
        p = self.params
        vw = np.float32(p.victimisation_weight)
        present_here, presence_term = self._appeal_terms(signals)
        idx = self._active_indices()
        a_cell = cell[idx]
        displaced = np.flatnonzero(self.status[idx] == _DISPLACED)  # their home cell
        a_cell[displaced] = self.home[idx[displaced]]
        keep = (present_here.sum(axis=0) > 0)[a_cell]
        idx, a_cell = idx[keep], a_cell[keep]
        appeal = (
            np.take(self.legitimacy, idx, axis=0)
            - vw * np.take(self.memory, idx, axis=0)
            + np.take(presence_term.T, a_cell, axis=0)
        )  # (agents, families), C order
        row_start = np.arange(0, appeal.size, N_FAMILIES)  # flat index of each row's first column
        flat_enemy = row_start + enemy[idx]
        appeal_of_enemy = np.take(appeal, flat_enemy)
        appeal = np.where(np.take(present_here.T, a_cell, axis=0), appeal, -np.inf)
        np.put(appeal, flat_enemy, -np.inf)
        choice = np.argmax(appeal, axis=1)
        chosen = np.take(appeal, row_start + choice)
        aligned = np.isfinite(chosen) & (chosen > appeal_of_enemy)
        support = np.full(self.cell.size, NO_SUPPORT, dtype=np.int8)
        support[idx[aligned]] = choice[aligned]
        self.support = support
        return SideChoice(agents=idx[aligned], family=choice[aligned], side_cell=a_cell[aligned])

    def _appeal_terms(self, signals: CellSignals) -> tuple[np.ndarray, np.ndarray]:
        """Where each family is present (:func:`present_families`) and its presence appeal.

        Returns:
            ``(n_families, n_cells)`` presence mask and ``presence_appeal`` times each family's
            share of the cell's armed presence (float32).
        """
        p = self.params
        present_here = present_families(signals.presence, p.presence_min_armed)
        total_presence = signals.presence.sum(axis=0)
        presence_share = np.divide(
            signals.presence, total_presence, out=np.zeros_like(signals.presence),
            where=total_presence > 0,
        )  # fmt: skip
        return present_here, (p.presence_appeal * presence_share).astype(np.float32)

    def count_supporters(self, sides: SideChoice) -> np.ndarray:
        """People supporting each family per side cell, ``(n_families, n_cells)``."""
        n_cells = self.grid.n_cells
        flat = sides.family * n_cells + sides.side_cell
        return np.bincount(
            flat, weights=self.weight[sides.agents], minlength=N_FAMILIES * n_cells
        ).reshape(N_FAMILIES, -1)

    # ------------------------------------------------------------------ 7.1.6 recruitment
    def recruit(
        self, sides: SideChoice, enemy: np.ndarray, dialogue: np.ndarray | float
    ) -> np.ndarray:
        """A share of supporters' people join their family's armed group in the side cell.

        Pro-state supporters back the state but do not join (FAMa recruits through its
        budget); dialogue cuts JNIM recruitment; victims take up arms far more readily against
        those who hurt them ("a means of self-defense and retribution", CRS2020). Recruitment
        is bounded: the monthly share saturates at ``join_share_ceiling``
        (:func:`saturating_join_share`) and stops when the people who joined reach
        ``manpower_share`` of the people (:func:`manpower_factor`).

        Args:
            sides: The aligned agents (:meth:`choose_sides`).
            enemy: The enemy family of each agent (:meth:`activate`).
            dialogue: Intensity of dialogue with JNIM, per cell or for all.

        Returns:
            ``(n_families, n_cells)`` recruits (also added to the conservation accounting).
        """
        p = self.params
        n_cells = self.grid.n_cells
        sup, fam = sides.agents, sides.family
        dialogue_here = np.broadcast_to(np.asarray(dialogue, float), (n_cells,))[sides.side_cell]
        rate = np.where(fam == Family.JNIM, p.join_rate * (1.0 - dialogue_here), p.join_rate)
        rate = np.where(fam == Family.STATE, 0.0, rate)
        remembered = np.take(self.memory, sup * N_FAMILIES + enemy[sup])
        pull = rate * (1.0 + p.retribution_join_multiplier * remembered)
        joining = self.weight[sup] * saturating_join_share(pull, p.join_share_ceiling)
        joining *= manpower_factor(
            float(joining.sum()), self.joined_people, float(self.weight.sum()), p.manpower_share
        )
        self.weight[sup] -= joining
        self.joined_people += float(joining.sum())
        flat = fam * n_cells + sides.side_cell
        return np.bincount(flat, weights=joining, minlength=N_FAMILIES * n_cells).reshape(
            N_FAMILIES, -1
        )

    # ------------------------------------------------------------------ 7.1.7 flight and return
    def flee_and_return(
        self,
        violence: np.ndarray,
        rng: np.random.Generator,
        signals: CellSignals | None = None,
        away: np.ndarray | None = None,
    ) -> DisplacementFlows:
        """Returns home, then flight from violence, threats and lost livelihood; the month's flows.

        Two uniforms per agent and month (a fixed count keeps random numbers common): one
        decides return or flight, the other whether a flight crosses the border. People cannot
        return and flee in the same month. The flows of deaths, joining and growth are filled
        in by :meth:`step` (zero here).

        Args:
            violence: This month's violence index per cell.
            rng: The ``movement`` generator.
            signals: This month's signals, for jihadist governance (threats) and the cells'
                own economic loss (blockades); without them flight answers violence only.
            away: Indices of the agents away from home (displaced or refugees) when known.

        Returns:
            The month's flows (:class:`DisplacementFlows`).
        """
        n = self.cell.size
        n_cells = self.grid.n_cells
        u_move, u_ref = rng.random((2, n), dtype=np.float32)
        danger = flight_danger(violence, self.params)
        if signals is None or signals.blockade is None:
            local_loss = np.zeros(n_cells)
        else:
            local_loss = np.clip(np.asarray(signals.blockade, dtype=np.float64), 0.0, 1.0)
        if signals is None:
            governance = np.zeros((N_FAMILIES, n_cells))
        else:
            governance = np.asarray(signals.governance, dtype=np.float64)
        kernels = self._kernels
        if kernels is not None:  # the months away and every return in one pass
            p = self.params
            safety = (1.0 - danger) * (1.0 - local_loss)
            going_home, left, was_refugee, total, gone = kernels.return_home(
                self.status, self.protracted, self.home, self.cell, self.months_away,
                self.fled_danger, self.legitimacy, self.country, self.returnee, u_move,
                danger, safety, governance, float(p.return_ramp_months), p.return_rate,
                p.refugee_return_rate, p.relief_return_rate, np.finfo(float).tiny,
                self.weight, n_cells,
            )  # fmt: skip
            returns = (going_home, left, was_refugee)
            room = self._room(total, gone)  # room_to_flee, from the sums of the same pass
        else:
            if away is None:
                away = np.flatnonzero(self.status != _RESIDENT)
            self.months_away[away] += 1
            returns = self._return_home(danger, local_loss, governance, u_move, away)
            room = self.room_to_flee(gone=away[~returns[0][away]])  # those still away
        flight = self._flee(
            violence, danger, governance, local_loss, room, returns[0], u_move, u_ref, rng
        )
        return self._movement_flows(returns, flight)

    def room_to_flee(self, gone: np.ndarray | None = None) -> np.ndarray:
        """Per home cell, the room left for its residents to flee (0-1): ``max(0, 1 - a / m)``.

        ``a`` is the share of the cell's people (at home, displaced from it or abroad) who are
        away and ``m`` the ``mobile_share``: the share who have the means to leave (transport
        out of a town costs "US$80-$150" a passenger, IRIN2012trapped). Flight from a cell
        slows as it empties and stops when the mobile have gone: the violence of a cell cannot
        displace more people than can leave.

        Args:
            gone: Indices of the agents away from home, in agent order, when known.
        """
        n_cells = self.grid.n_cells
        w = self.weight
        total = self._home_sum(w)
        if gone is None:
            gone = np.flatnonzero(self.status != _RESIDENT)  # a minority: count them alone
        away = np.bincount(self.home[gone], weights=w[gone], minlength=n_cells)
        return self._room(total, away)

    def _room(self, total: np.ndarray, away: np.ndarray) -> np.ndarray:
        """:meth:`room_to_flee` from the people of each home cell and those away from it."""
        share = away / np.maximum(total, 1e-12)
        return np.clip(1.0 - share / self.params.mobile_share, 0.0, 1.0)

    def _return_home(
        self,
        danger: np.ndarray,
        local_loss: np.ndarray,
        governance: np.ndarray,
        u_return: np.ndarray,
        away: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Send home the displaced and refugees who decide to return this month.

        Two ways home, for those not of the protracted share (each an independent chance):

        * *settled return*: ``rate * ramp * s_home * min(1, s_home / s_here)`` with ``s`` the
          safety of the home cell and of where they are (``s = (1 - danger) * (1 - local
          loss)``: no violence and no siege; at home also times one minus the agent's rejection
          of a jihadist rule there, the threat it fled; refugees: safe abroad, ``s_here = 1``),
          ``ramp = min(1, months away / return_ramp_months)`` and ``rate`` the ``return_rate``
          (IDPs) or ``refugee_return_rate`` (refugees);
        * *relief return* (:func:`relief_return_probability`) of IDPs and refugees: when
          violence at home has fallen below what made them flee, without waiting for the ramp
          (short displacements, across the border too, end when the attack has passed).

        Args:
            danger: Danger of each cell (:func:`flight_danger` of its violence index).
            local_loss: Share of each cell's own activity lost to a siege (0-1).
            governance: ``(n_families, n_cells)`` governance by each family (threats at home).
            u_return: The month's uniform of each agent deciding return (or flight).
            away: Indices of the agents away from home (displaced or refugees).

        Returns:
            ``(mask of the agents who went home, their cell before, whether each was a refugee)``.
        """
        p = self.params
        away = away[~self.protracted[away]]
        refugee = self.status[away] == _REFUGEE
        home = self.home[away]
        here = self.cell[away]
        safety = (1.0 - danger) * (1.0 - local_loss)
        jihadist = [int(Family.JNIM), int(Family.IS_SAHEL)]
        rejection = np.sum(
            governance[jihadist][:, home]
            * (1.0 - np.take(self.legitimacy, away, axis=0)[:, jihadist].T),
            axis=0,
        )
        safe_home = safety[home] * (1.0 - np.clip(rejection, 0.0, 1.0))
        safe_here = np.where(refugee, 1.0, safety[here])
        relative = np.minimum(1.0, safe_home / np.maximum(safe_here, np.finfo(float).tiny))
        ramp = np.minimum(1.0, self.months_away[away] / p.return_ramp_months)
        rate = np.where(refugee, p.refugee_return_rate, p.return_rate)
        settled = rate * ramp * safe_home * relative
        relief = relief_return_probability(
            danger[home], self.fled_danger[away], p.relief_return_rate
        )
        go = u_return[away] < 1.0 - (1.0 - settled) * (1.0 - relief)
        going = away[go]
        going_home = np.zeros(self.cell.size, dtype=bool)
        going_home[going] = True
        left = self.cell[going]
        was_refugee = refugee[go]
        self.cell[going] = self.home[going]
        self.status[going] = Status.RESIDENT
        self.country[going] = -1
        self.months_away[going] = 0
        self.fled_danger[going] = 0.0
        self.returnee[going] = True
        return going_home, left, was_refugee

    def _flee(
        self,
        violence: np.ndarray,
        danger: np.ndarray,
        governance: np.ndarray,
        local_loss: np.ndarray,
        room: np.ndarray,
        going_home: np.ndarray,
        u_flee: np.ndarray,
        u_refugee: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Flight from violence, threats and lost livelihood; refuge or a safer cell.

        Three pushes, each an independent chance of leaving in the month (the agent flees with
        ``1 - (1 - p_violence)(1 - p_threat)(1 - p_livelihood)``):

        * violence: ``flight_rate * flight_danger(VI * (flight_risk_offset + R))``;
        * threats (:func:`threat_flight_probability`): jihadist rule imposed on those who
          reject it;
        * lost livelihood (:func:`livelihood_flight_probability`): the cell's own activity lost
          to a siege, more for herders.

        A resident's probability is multiplied by the room left to flee its home cell
        (:meth:`room_to_flee`): those who could leave have left. Displaced people fleeing again
        are not held back by it.

        Of those fleeing a cell of the north or centre within ``flight_radius`` of the border of
        a country of refuge, a share ``refugee_share`` crosses it; the others (and everyone
        elsewhere) go to the cell :meth:`choose_destinations` picks, if it is strictly safer
        (otherwise they stay).

        Returns:
            ``(who fled, cell before, status before, whether each crossed the border)``; those
            who stayed are not among them.
        """
        p = self.params
        geo = self.geography
        kernels = self._kernels
        cell = self.cell
        jihadist = [int(Family.JNIM), int(Family.IS_SAHEL)]
        rule = np.minimum(governance[jihadist].sum(axis=0), 1.0)
        # each cell's bound: the most risk-averse (R -> 1), the most rejecting (L -> 0) and a
        # herder (the largest factor); only agents under it can flee
        bound = 1.0 - (
            (1.0 - p.flight_rate * flight_danger(violence * (p.flight_risk_offset + 1.0), p))
            * (1.0 - p.threat_flight_rate * rule)
            * (1.0 - livelihood_flight_probability(local_loss, p.herder_livelihood_factor, p))
        )
        if kernels is not None:
            idx = kernels.flight_candidates(u_flee, bound, self.cell, self.status, going_home)
        else:
            idx = np.flatnonzero(u_flee < np.take(_float32_above(bound), cell))
            idx = idx[(self.status[idx] != _REFUGEE) & ~going_home[idx]]
        c = cell[idx]
        perceived = violence[c] * (p.flight_risk_offset + self.risk_aversion[idx])
        p_violence = p.flight_rate * flight_danger(perceived, p)
        p_threat = threat_flight_probability(
            governance[jihadist][:, c], np.take(self.legitimacy, idx, axis=0)[:, jihadist].T, p
        )
        factor = np.where(self.livelihood[idx] == _HERDER, p.herder_livelihood_factor, 1.0)
        p_livelihood = livelihood_flight_probability(local_loss[c], factor, p)
        p_any = 1.0 - (1.0 - p_violence) * (1.0 - p_threat) * (1.0 - p_livelihood)
        p_any = np.where(self.status[idx] == _RESIDENT, p_any * room[c], p_any)
        keep = u_flee[idx] < p_any
        idx = idx[keep]
        origin = cell[idx]
        status_before = self.status[idx].copy()
        to_border = (
            geo.cross_border[origin]
            & (geo.refuge_steps[origin] <= p.flight_radius)
            & (u_refugee[idx] < p.refugee_share)
        )
        ref = idx[to_border]
        self.status[ref] = Status.REFUGEE
        self.country[ref] = geo.refuge_country[origin[to_border]]
        inland = ~to_border
        dest = self.choose_destinations(idx[inland], origin[inland], danger, rng)
        # a displaced person's flight never ends at home (that is a return)
        dest = np.where(dest == self.home[idx[inland]], origin[inland], dest)
        moved = np.zeros(idx.size, dtype=bool)
        moved[to_border] = True
        moved[np.flatnonzero(inland)[dest != origin[inland]]] = True
        movers = idx[inland][dest != origin[inland]]
        self.cell[movers] = dest[dest != origin[inland]]
        self.status[movers] = Status.DISPLACED
        fled = idx[moved]
        new = status_before[moved] == _RESIDENT
        self.months_away[fled[new]] = 0
        # the danger at home that made residents leave (IDPs fleeing again keep theirs)
        self.fled_danger[fled[new]] = danger[origin[moved][new]]
        self.returnee[fled] = False
        return fled, origin[moved], status_before[moved], to_border[moved]

    def _movement_flows(
        self,
        returns: tuple[np.ndarray, np.ndarray, np.ndarray],
        flight: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    ) -> DisplacementFlows:
        """Count the month's returns and flights per cell (deaths, joining, growth still 0)."""
        n_cells = self.grid.n_cells
        w = self.weight

        def count(cells: np.ndarray, weights: np.ndarray) -> np.ndarray:
            return np.bincount(cells, weights=weights, minlength=n_cells)

        going_home, left, was_refugee = returns
        back = np.flatnonzero(going_home)
        fled, origin, before, crossed = flight
        w_fled = w[fled]
        w_back = w[back]
        new = before == _RESIDENT
        dest = self.cell[fled]
        inland = ~crossed
        zeros = np.zeros(n_cells)
        return DisplacementFlows(
            idps_new=count(dest[inland & new], w_fled[inland & new]),
            idps_secondary_in=count(dest[inland & ~new], w_fled[inland & ~new]),
            idps_secondary_out=count(origin[inland & ~new], w_fled[inland & ~new]),
            idp_returns=count(left[~was_refugee], w_back[~was_refugee]),
            idps_abroad=count(origin[crossed & ~new], w_fled[crossed & ~new]),
            idp_deaths=zeros,
            idp_joined=zeros,
            idp_growth=zeros,
            refugees_new=count(self.home[fled[crossed]], w_fled[crossed]),
            refugee_returns=count(self.home[back[was_refugee]], w_back[was_refugee]),
            refugee_growth=zeros,
        )

    def choose_destinations(
        self,
        agents: np.ndarray,
        origin: np.ndarray,
        danger: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """The cell each fleeing agent goes to: the best of a few candidates, if safer.

        Candidates: ``flight_destination_candidates`` random cells within ``flight_radius``
        (with replacement) and the nearest capital within ``capital_reach``. Each has the
        utility ``- destination_safety_weight * danger - destination_distance_weight * steps /
        flight_radius + destination_kin_weight * kin share + destination_town_weight * town +
        destination_capital_weight * capital`` plus a standard Gumbel draw (a logit choice); the
        agent goes to the best one only if it is strictly less dangerous than its cell.

        Args:
            agents: The agents (indices).
            origin: Their cells (intp).
            danger: Danger of each cell (0-1).
            rng: The ``movement`` generator (``setup`` for the initial displacement).

        Returns:
            The destination of each agent (its origin where it stays).
        """
        p = self.params
        geo = self.geography
        if origin.size == 0:
            return origin.copy()
        indptr, indices = self.grid.within(p.flight_radius)
        start = indptr[origin]
        size = indptr[origin + 1] - start
        has = size > 0
        k = p.flight_destination_candidates
        draws = rng.random((origin.size, k))
        pick = start[:, None] + (draws * np.maximum(size, 1)[:, None]).astype(np.intp)
        pick = np.where(has[:, None], pick, 0)
        cand = np.where(has[:, None], indices[pick], origin[:, None])
        capital = geo.nearest_capital[origin]
        cand = np.column_stack([cand, np.where(capital >= 0, capital, origin)])
        steps = _chebyshev(self.grid, origin[:, None], cand)
        kin = geo.kin[cand, self.community[agents].astype(np.intp)[:, None]]
        utility = (
            -p.destination_safety_weight * danger[cand]
            - p.destination_distance_weight * steps / p.flight_radius
            + p.destination_kin_weight * kin
            + p.destination_town_weight * geo.town[cand]
            + p.destination_capital_weight * geo.capital[cand]
            + rng.gumbel(size=cand.shape)
        )
        dest = cand[np.arange(origin.size), np.argmax(utility, axis=1)]
        return np.where(danger[dest] < danger[origin], dest, origin)

    # ------------------------------------------------------------------ 7.1.8 growth
    def grow(self) -> np.ndarray:
        """Natural growth of every agent's weight (refugees included); returns each agent's."""
        growth = self.weight * self._monthly_growth
        self.weight += growth
        self.growth_people += float(growth.sum())
        return growth

    # ------------------------------------------------------------------ 7.1.9 accounting
    def census(
        self,
        support: np.ndarray,
        recruits: np.ndarray,
        killed: float,
        flows: DisplacementFlows,
        sums: tuple[np.ndarray, ...] | None = None,
        groups: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> CivilianOutputs:
        """Count the people per cell after this month's rules and assemble the outputs.

        The people present are kept for next month's victimisation (nobody else changes the
        people in between).

        Args:
            support: People supporting each family per cell.
            recruits: Recruits per family and cell.
            killed: People killed this month.
            flows: The month's flows.
            sums: The per-cell counts when already made by the compiled census (population,
                IDPs, refugees by country, returnees, people in Mali by home cell).
            groups: The indices of the displaced and of the refugees, in agent order, when
                already known (found here otherwise).
        """
        n_cells = self.grid.n_cells
        if sums is not None:
            population, idps, refugees, returnees, in_mali = sums
            self._present = population
            living = np.maximum(in_mali, population)
        else:
            w = self.weight
            status = self.status
            w_here = w * (status != _REFUGEE)
            population = np.bincount(self.cell, weights=w_here, minlength=n_cells)
            self._present = population
            if groups is None:
                away = np.flatnonzero(status != _RESIDENT)
                groups = (away[status[away] == _DISPLACED], away[status[away] == _REFUGEE])
            disp, ref = groups
            idps = np.bincount(self.cell[disp], weights=w[disp], minlength=n_cells)
            refugees = np.bincount(
                self.country[ref].astype(np.intp),
                weights=w[ref],
                minlength=len(NEIGHBOUR_COUNTRIES),
            )
            back = np.flatnonzero(self.returnee)  # a minority: test their status alone
            back = back[status[back] == _RESIDENT]
            returnees = np.bincount(self.home[back], weights=w[back], minlength=n_cells)
            living = self._living(w_here, population)
        newly = flows.idps_new.sum() + flows.idps_secondary_in.sum() + flows.refugees_new.sum()
        returned = flows.idp_returns.sum() + flows.refugee_returns.sum()
        return CivilianOutputs(
            population=population,
            support=support,
            recruits=recruits,
            idps=idps,
            refugees_by_country=refugees,
            civilians_killed=float(killed),
            newly_displaced=float(newly),
            returned=float(returned),
            flows=flows,
            returnees=returnees,
            living=living,
        )

    def people_living(self, present: np.ndarray | None = None) -> np.ndarray:
        """People who live in each cell: at home or displaced from it, at least those present.

        Refugees abroad are not counted. This is the denominator of the violence index, so that
        a cell its people have fled does not look more violent (issue 17).

        Args:
            present: People present per cell (counted here when not given).
        """
        w_here = self.weight * (self.status != _REFUGEE)
        if present is None:
            present = np.bincount(self.cell, weights=w_here, minlength=self.grid.n_cells)
        return self._living(w_here, present)

    def _living(self, w_here: np.ndarray, present: np.ndarray) -> np.ndarray:
        """:meth:`people_living` from each agent's people in Mali (0 for refugees)."""
        return np.maximum(self._home_sum(w_here), present)

    def _home_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-agent quantity over each home cell's agents, in agent order.

        The product of a 0/1 CSR matrix (one row per home cell, its agents in index order)
        with ``values``: each row adds its agents one by one, from zero, as a ``bincount``
        over ``home`` does (the same sums, bit for bit), but in a register, where ``bincount``
        over agents sorted by home cell waits for each addition to its cell's total before
        the next. Built once: ``home`` never changes, and is kept read-only so that it cannot
        change in place (a new array of home cells is indexed afresh). Until the process has
        stepped :data:`HOME_SUM_MATRIX_AGENT_MONTHS` (unless ``scipy.sparse`` is already imported,
        or :func:`prefer_matrix_sums` was called) the sums are that ``bincount``: short runs do
        not pay SciPy's import.

        Args:
            values: One value per agent (float64).
        """
        cached = self._home_sum_cache
        if cached is None or cached[0] is not self.home:
            if (
                not _matrix_sums_preferred
                and _process_agent_months < HOME_SUM_MATRIX_AGENT_MONTHS
                and "scipy.sparse" not in sys.modules
            ):
                return np.bincount(self.home, weights=values, minlength=self.grid.n_cells)
            from scipy.sparse import csr_matrix  # imported once the process has run enough

            home = self.home
            n_cells = self.grid.n_cells
            by_home = np.argsort(home, kind="stable")
            indptr = np.concatenate([[0], np.cumsum(np.bincount(home, minlength=n_cells))])
            matrix = csr_matrix((np.ones(home.size), by_home, indptr), shape=(n_cells, home.size))
            self.home.flags.writeable = False
            cached = self._home_sum_cache = (self.home, matrix)
        return cached[1] @ values

    # ------------------------------------------------------------------ read-outs
    def refugees_by_home(self, n_cells: int) -> np.ndarray:
        """People in refuge abroad per home cell (where a region's refugee stock is counted).

        Sums over the refugees only, in agent order, so the sums are those of a sum over every
        agent with the others weighted zero, at a fraction of the cost when few are abroad.
        """
        refugees = np.flatnonzero(self.status == _REFUGEE)
        return np.bincount(self.home[refugees], weights=self.weight[refugees], minlength=n_cells)

    def people_accounting(self) -> dict[str, float]:
        """Return the terms of the conservation identity.

        ``initial + growth == residents + displaced + refugees + killed + joined``.
        """
        w = self.weight
        return {
            "initial": self.initial_people,
            "growth": self.growth_people,
            "residents": float(w[self.status == _RESIDENT].sum()),
            "displaced": float(w[self.status == _DISPLACED].sum()),
            "refugees": float(w[self.status == _REFUGEE].sum()),
            "killed": self.killed_people,
            "joined_armed_groups": self.joined_people,
        }

    def nbytes_per_agent(self) -> float:
        """Return the bytes of per-agent state divided by the number of agents."""
        arrays = (
            self.cell, self.home, self.weight, self.community, self.livelihood, self.hardship0,
            self.risk_aversion, self.legitimacy, self.memory, self.active, self.support,
            self.status,
            self.country, self.protracted, self.months_away, self.fled_danger, self.returnee,
        )  # fmt: skip
        return sum(a.nbytes for a in arrays) / self.cell.size


def _communal_survival(
    killed: np.ndarray,
    communal: np.ndarray,
    people_k: np.ndarray,
    community: np.ndarray,
    local: np.ndarray,
) -> np.ndarray:
    """Surviving share of the agents of the cells struck by communal attacks.

    The targeted community's agents lose ``targeted / people_k`` (targeted capped at the
    community's people present); then every survivor of the cell loses the same share to the
    rest of the cell's deaths (the other perpetrators' and any excess over the cap), capped at
    the survivors.

    Args:
        killed: All civilian deaths of each struck cell.
        communal: ``(n_communities, n_families, n_struck)`` communal-attack deaths.
        people_k: ``(n_communities, n_struck)`` people of each community present.
        community: Community code of each agent of the struck cells.
        local: Struck-cell position of each of those agents.

    Returns:
        The share of its weight each of those agents keeps.
    """
    own_survive, rest_survive = _communal_survival_terms(killed, communal, people_k)
    return own_survive[community, local] * rest_survive[local]


def _communal_survival_terms(
    killed: np.ndarray, communal: np.ndarray, people_k: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The two factors of :func:`_communal_survival`, per community and struck cell.

    Returns:
        ``(n_communities, n_struck)`` surviving share of the targeted community's own deaths,
        and ``(n_struck,)`` surviving share of the rest of the cell's deaths.
    """
    targeted = np.minimum(communal.sum(axis=1), people_k)  # (communities, struck)
    spared = people_k.sum(axis=0) - targeted.sum(axis=0)  # survivors of the attacks
    rest = np.clip(killed - targeted.sum(axis=0), 0.0, spared)
    rest_survive = 1.0 - rest / np.maximum(spared, 1e-9)
    own_survive = 1.0 - targeted / np.maximum(people_k, 1e-9)
    return own_survive, rest_survive


def _float32_above(x: np.ndarray) -> np.ndarray:
    """The smallest float32 at least ``x``, element by element (NaN stays NaN).

    For a float32 ``u`` and a float64 ``b``, ``u < b`` exactly when ``u < _float32_above(b)``:
    the comparison can then run in float32, without widening ``u``.
    """
    y = x.astype(np.float32)
    below = y < x
    y[below] = np.nextafter(y[below], np.float32(np.inf))
    return y


def _victimisation_bounds(hit_rate: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative victimisation probabilities over the families (``axis``) of hit rates.

    ``q_f = 1 - exp(-rate_f)``, scaled to sum to at most 1, then summed cumulatively.
    """
    q = 1.0 - np.exp(-hit_rate)
    q *= np.expand_dims(np.minimum(1.0, 1.0 / np.maximum(q.sum(axis=axis), 1e-12)), axis)
    return np.cumsum(q, axis=axis)


def present_families(presence: np.ndarray, minimum: float) -> np.ndarray:
    """Where each family is present for the people of a cell.

    An armed group (rows 1 on: JNIM, IS Sahel, the signatories) is present where it has at
    least ``minimum`` fighters: a group recruits only where its units operate, militants "have
    gone rural ... to secure safe havens and new recruits" (ICG2023watch), and a local
    operation is the work of a unit of about 20 gunmen (LWJ2015tenenkou). Expansion diffuses
    fractions of fighters into every neighbouring cell; below ``presence_min_armed`` that
    trickle is no presence, so the cell's people neither side with nor join the group there.
    The state (row 0) is present wherever it deploys forces: the state deploys garrisons, it
    does not diffuse.

    Args:
        presence: ``(n_families, n_cells)`` armed persons of each family per cell.
        minimum: Fighters an armed group needs in a cell to be present (``presence_min_armed``).

    Returns:
        ``(n_families, n_cells)`` boolean mask.
    """
    present = (presence > 0) & (presence >= minimum)
    present[0] = presence[0] > 0
    return present


def _rows_with_any(mask: np.ndarray) -> np.ndarray:
    """Indices of the rows of a 2-D boolean array holding at least one True.

    A C-ordered row of 1, 2, 4 or 8 booleans is read as one unsigned integer, non-zero exactly
    when one of them is set (``mask.any(axis=1)`` reduces short rows one by one, far slower).
    """
    width = mask.shape[1]
    if width in (1, 2, 4, 8) and mask.flags.c_contiguous:
        return np.flatnonzero(mask.view(f"u{width}").reshape(-1) != 0)
    return np.flatnonzero(mask.any(axis=1))


def _allocate(population: np.ndarray, n_agents: int) -> np.ndarray:
    """Agents per cell proportional to population (largest remainder), at least 1 if inhabited."""
    inhabited = population > 0
    n_agents = max(n_agents, int(inhabited.sum()))
    ideal = population / population.sum() * n_agents
    counts = np.floor(ideal).astype(np.int64)
    counts[inhabited] = np.maximum(counts[inhabited], 1)
    short = n_agents - counts.sum()
    if short > 0:
        order = np.argsort(-(ideal - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def town_share(grid: MaliGrid, pop: np.ndarray, params: Parameters) -> np.ndarray:
    """Share of each cell's people living in towns (the rule agents' livelihoods are drawn by).

    Args:
        grid: The grid (main towns, share inside Mali).
        pop: People per cell.
        params: The parameters (``town_*``).

    Returns:
        Town share per cell, 0-1.
    """
    return _town_share(grid, pop, params)


def _town_share(grid: MaliGrid, pop: np.ndarray, params: Parameters) -> np.ndarray:
    """Share of each cell's people living in towns (cells holding a main town are urban-ish).

    The share grows with the cell's density (people over its share inside Mali, floored) up to
    a cap; a cell holding a main town has at least a floor share, the others a reduced share.
    """
    p = params
    has_town = np.array([bool(t) for t in grid.main_town])
    density = pop / np.maximum(grid.share_in_mali, p.town_min_area_share)
    share = np.clip(density / p.town_density_scale, 0.0, p.town_share_cap)
    return np.where(
        has_town, np.maximum(share, p.town_share_floor), share * p.town_share_rural_factor
    )


def flight_danger(violence: np.ndarray, params: Parameters) -> np.ndarray:
    """The saturating flight response to (perceived) violence, in [0, 1).

    ``x^h / (1 + x^h)`` with ``x = violence / flight_threshold`` and ``h`` the
    ``flight_response_steepness``: 0 without violence, one half at the flight threshold, rising
    toward 1 above it. The flight probability is ``flight_rate`` times this of the perceived
    violence; the danger of a cell (destination choice, return) is this of its violence index.

    Args:
        violence: Violence index (or perceived violence) per cell or per agent.
        params: The parameters (``flight_threshold``, ``flight_response_steepness``).
    """
    x = np.power(np.asarray(violence, dtype=np.float64) / params.flight_threshold,
                 params.flight_response_steepness)  # fmt: skip
    return x / (1.0 + x)


def threat_flight_probability(
    governance: np.ndarray, legitimacy: np.ndarray, params: Parameters
) -> np.ndarray:
    """Monthly probability of flight from threats without deaths (jihadist rule), in [0, 1].

    ``threat_flight_rate * min(1, sum_f governance_f * (1 - legitimacy_f))`` over the jihadist
    groups ``f``: where a group imposes its rule, those who reject it are told to comply or
    leave (WADRkango: "sign the accord or leave"; MaliwebSegou: villages empty "face à la
    menace").

    Args:
        governance: ``(groups, k)`` governance of each jihadist group where each agent is (0-1).
        legitimacy: ``(groups, k)`` each agent's perceived legitimacy of the same groups.
        params: The parameters (``threat_flight_rate``).
    """
    rejection = np.sum(np.asarray(governance, float) * (1.0 - np.asarray(legitimacy, float)), 0)
    return params.threat_flight_rate * np.clip(rejection, 0.0, 1.0)


def livelihood_flight_probability(
    local_loss: np.ndarray, factor: np.ndarray | float, params: Parameters
) -> np.ndarray:
    """Monthly probability of flight from a livelihood lost to a siege, in [0, 1].

    ``min(1, livelihood_flight_rate * local loss * factor)``: the share of the cell's own
    activity a blockade cuts off (fields, pasture, markets out of reach; RFI2021niono,
    RFI2020farabougou), with ``factor`` the ``herder_livelihood_factor`` for herders and 1 for
    the others. The national economic loss is not a push: it displaces nobody by itself.

    Args:
        local_loss: Share of the cell's activity lost to a siege (0-1), per cell or per agent.
        factor: Multiplier of each agent's response (or one for all).
        params: The parameters (``livelihood_flight_rate``).
    """
    return np.minimum(params.livelihood_flight_rate * np.asarray(local_loss, float) * factor, 1.0)


def relief_return_probability(
    danger_home: np.ndarray, fled_danger: np.ndarray, rate: float
) -> np.ndarray:
    """Monthly probability of a relief return: home is calmer than when the agent fled.

    ``rate * max(0, 1 - danger at home now / danger at home at departure)``; zero for those
    who left a cell without danger (threats, lost livelihood) or before the run. Short
    displacements end when the attack has passed (DTM2022apr: "des déplacements de courte
    durée"; DTM2021dec: IDPs "travel back and forth").

    Args:
        danger_home: Danger of each agent's home cell now (0-1).
        fled_danger: Danger of the home cell when the agent fled (0-1; 0: none recorded).
        rate: ``relief_return_rate``.
    """
    fled = np.asarray(fled_danger, float)
    relief = 1.0 - np.asarray(danger_home, float) / np.maximum(fled, np.finfo(float).tiny)
    return np.where(fled > 0.0, rate * np.clip(relief, 0.0, 1.0), 0.0)


def flight_geography(grid: MaliGrid, table: CommunityTable, params: Parameters) -> FlightGeography:
    """Per-cell towns, capitals, refuge borders and kin shares of a grid (:class:`FlightGeography`).

    Args:
        grid: The grid.
        table: The community shares per region.
        params: The parameters (``capital_reach``).
    """
    n = grid.n_cells
    town = np.array([bool(t) for t in grid.main_town])
    capital = np.isin(np.asarray(grid.main_town, dtype=object), CAPITAL_TOWNS)
    cells = np.arange(n)
    capitals = np.flatnonzero(capital)
    if capitals.size:
        steps = _chebyshev(grid, cells[:, None], capitals[None, :])
        km = haversine_km(
            grid.lat[:, None], grid.lon[:, None], grid.lat[capitals], grid.lon[capitals]
        )
        best = np.argmin(np.where(steps <= params.capital_reach, km, np.inf), axis=1)
        ok = steps[cells, best] <= params.capital_reach
        nearest_capital = np.where(ok, capitals[best], -1)
    else:
        nearest_capital = np.full(n, -1)
    codes = [NEIGHBOUR_COUNTRIES.index(c) for c in REFUGE_COUNTRIES]
    border = np.flatnonzero(np.isin(grid.border_country, codes))
    if border.size:
        km = haversine_km(grid.lat[:, None], grid.lon[:, None], grid.lat[border], grid.lon[border])
        refuge_cell = border[np.argmin(km, axis=1)]
        refuge_country = np.asarray(grid.border_country)[refuge_cell].astype(np.int8)
        refuge_steps = _chebyshev(grid, cells, refuge_cell)
    else:
        refuge_cell = np.full(n, -1)
        refuge_country = np.full(n, -1, dtype=np.int8)
        refuge_steps = np.full(n, np.iinfo(np.int32).max)
    region_codes = [REGIONS.index(r) for r in CROSS_BORDER_REGIONS]
    return FlightGeography(
        town=town.astype(float),
        capital=capital.astype(float),
        nearest_capital=nearest_capital.astype(np.intp),
        refuge_cell=refuge_cell.astype(np.intp),
        refuge_country=refuge_country,
        refuge_steps=refuge_steps,
        cross_border=np.isin(grid.region, region_codes),
        kin=table.shares[grid.region],
    )


def _chebyshev(grid: MaliGrid, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Grid steps between cells ``a`` and ``b`` (Chebyshev distance on row/col)."""
    return np.maximum(np.abs(grid.row[a] - grid.row[b]), np.abs(grid.col[a] - grid.col[b]))


def saturating_join_share(pull: np.ndarray, ceiling: float) -> np.ndarray:
    """Monthly share of an agent's people who join: ``ceiling * (1 - exp(-pull / ceiling))``.

    Close to ``pull`` while it is small against the ceiling; never above ``ceiling`` however
    large the memory of victimisation makes the pull (issue 18: no runaway recruitment).

    Args:
        pull: Unbounded join rate per agent (base rate times the retribution factor).
        ceiling: Most of an agent's people who can join in one month (``join_share_ceiling``).

    Returns:
        The share joining, in ``[0, ceiling]``.
    """
    return ceiling * -np.expm1(-np.asarray(pull, float) / ceiling)


def manpower_factor(wanted: float, joined: float, people: float, share: float) -> float:
    """Scale on this month's recruits so the people who ever joined stay within the pool.

    The pool is ``share * (people + joined)`` (those who could fight, counting those who already
    joined); recruitment slows linearly as ``joined`` approaches it and this month's recruits
    never exceed what is left.

    Args:
        wanted: Recruits of the month before the bound.
        joined: People who joined armed groups so far.
        people: People alive (in Mali or abroad) who have not joined.
        share: ``manpower_share``.

    Returns:
        Factor in ``[0, 1]`` to multiply the month's recruits by.
    """
    pool = share * (people + joined)
    left = max(pool - joined, 0.0)
    if wanted <= 0.0 or pool <= 0.0:
        return 0.0 if pool <= 0.0 else 1.0
    return min(left / pool, left / wanted, 1.0)
