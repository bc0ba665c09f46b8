"""Docking replication of Epstein's (2002) civil-violence Model I, vectorised with numpy.

Citizens with hardship ``H ~ U(0, 1)`` and risk aversion ``R ~ U(0, 1)`` and cops live on a
torus, at most one agent per cell. Each step every free agent (cops, and citizens not in jail)
does, in the order of NetLogo's *Rebellion* replication of the model:

* rule M: move to a random empty cell within vision;
* rule A (citizens): turn active iff ``G - R * P > T`` with ``G = H (1 - L)`` and
  ``P = 1 - exp(-k * floor(C / A))``; ``C`` counts the cops and ``A`` the active citizens
  within vision, ``A`` including the citizen itself;
* rule C (cops): arrest one random active citizen within vision. The arrestee is jailed for a
  uniform integer term in ``0..max_jail_term``, is removed from the lattice while jailed and
  returns, quiet, to a random empty cell of the lattice.

The behavioural rules (grievance, arrest probability with its rounding, net risk, activation)
are those of :mod:`malisim.model.civil_violence`, shared with the Mali model.

Design choices (discussed in ``docs/epstein_docking.md``):

* **Vision shape.** The default is the Euclidean disc of radius ``vision`` (``"disc"``, 148
  cells for ``vision=7``), as NetLogo's Rebellion (``patches in-radius vision``). Mesa's example
  uses the von Neumann diamond (``"von_neumann"``, Manhattan distance); a literal reading of
  Epstein's "lattice positions north, south, east and west" gives a ``"cross"``; ``"moore"`` is
  the square. All four are available.
* **Update scheme.** Epstein (and NetLogo) activate agents one at a time in random order. Here
  the free agents of a step are split at random into ``batches`` groups that update one after
  another; inside a group, moves, activations and arrests are simultaneous, with conflicts
  (two movers claiming one cell, two cops one suspect) settled by the group's random order,
  first claim wins. ``batches=1`` is fully synchronous.
* **Neighbourhood counts** of cops and actives come from an FFT convolution on the torus;
  per-agent choices (empty cells, suspects) come from a precomputed cell-neighbour table.
  There is no Python loop over agents.

Randomness only comes from :class:`malisim.core.rng.RandomStreams`: ``"setup"`` (placement,
attributes), ``"civilians"`` (update order), ``"movement"`` (moves, release sites) and
``"violence"`` (choice of suspect, jail terms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from malisim.core.rng import RandomStreams
from malisim.model.civil_violence import (
    EPSTEIN_K,
    EPSTEIN_THRESHOLD,
    Rounding,
    arrest_probability,
    grievance,
    is_active,
    net_risk,
)

Neighbourhood = Literal["disc", "von_neumann", "cross", "moore"]

NEIGHBOURHOODS: tuple[str, ...] = ("disc", "von_neumann", "cross", "moore")
ROUNDINGS: tuple[str, ...] = ("floor", "round", "none")

#: Default number of sequential update groups per step (see the module docstring).
DEFAULT_BATCHES = 8

_EMPTY = -1
_MAX_CLAIM_ROUNDS = 16


def vision_offsets(vision: int, shape: Neighbourhood = "disc") -> np.ndarray:
    """Return the ``(drow, dcol)`` offsets an agent sees, its own cell excluded.

    Args:
        vision: Vision radius in cells (>= 1).
        shape: ``"disc"`` (Euclidean, ``dr² + dc² <= v²``, NetLogo), ``"von_neumann"``
            (Manhattan, ``|dr| + |dc| <= v``, Mesa), ``"cross"`` (the four lattice directions
            only, ``4 v`` cells) or ``"moore"`` (Chebyshev square).

    Returns:
        Integer array of shape ``(n, 2)``.
    """
    if shape not in NEIGHBOURHOODS:
        raise ValueError(f"neighbourhood must be one of {NEIGHBOURHOODS}, got {shape!r}")
    r = np.arange(-vision, vision + 1)
    dr, dc = np.meshgrid(r, r, indexing="ij")
    if shape == "disc":
        mask = dr**2 + dc**2 <= vision**2
    elif shape == "von_neumann":
        mask = np.abs(dr) + np.abs(dc) <= vision
    elif shape == "cross":
        mask = (dr == 0) | (dc == 0)
    else:
        mask = np.ones_like(dr, dtype=bool)
    mask &= (dr != 0) | (dc != 0)
    return np.stack([dr[mask], dc[mask]], axis=1)


def _validate(
    steps: int,
    legitimacy: float,
    cop_density: float,
    citizen_density: float,
    max_jail_term: int,
    vision: int,
    width: int,
    height: int,
    k: float,
    rounding: str,
    neighbourhood: str,
    batches: int,
) -> None:
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps}")
    if not 0.0 <= legitimacy <= 1.0:
        raise ValueError(f"legitimacy must be in [0, 1], got {legitimacy}")
    for name, value in (("cop_density", cop_density), ("citizen_density", citizen_density)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value}")
    if cop_density + citizen_density > 1.0:
        raise ValueError(
            "citizen_density + cop_density must not exceed 1 (one agent per cell), got "
            f"{citizen_density} + {cop_density} = {citizen_density + cop_density}"
        )
    if int(max_jail_term) != max_jail_term or max_jail_term < 0:
        raise ValueError(f"max_jail_term must be a non-negative integer, got {max_jail_term}")
    if int(vision) != vision or vision < 1:
        raise ValueError(f"vision must be a positive integer, got {vision}")
    for name, value in (("width", width), ("height", height)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    if neighbourhood not in NEIGHBOURHOODS:
        raise ValueError(f"neighbourhood must be one of {NEIGHBOURHOODS}, got {neighbourhood!r}")
    if int(batches) != batches or batches < 1:
        raise ValueError(f"batches must be a positive integer, got {batches}")


@dataclass
class _Counts:
    quiet: int
    active: int
    jailed: int


class EpsteinModelI:
    """Epstein's Model I on a ``height`` × ``width`` torus, stepped with :meth:`step`.

    Most users want :func:`run`; the class exists for benchmarks and for inspecting the state.
    Arguments are those of :func:`run` (without ``steps``).
    """

    def __init__(
        self,
        seed: int,
        legitimacy: float = 0.82,
        cop_density: float = 0.04,
        citizen_density: float = 0.7,
        max_jail_term: int = 30,
        vision: int = 7,
        width: int = 40,
        height: int = 40,
        threshold: float = EPSTEIN_THRESHOLD,
        k: float = EPSTEIN_K,
        rounding: Rounding = "floor",
        neighbourhood: Neighbourhood = "disc",
        batches: int = DEFAULT_BATCHES,
        movement: bool = True,
    ) -> None:
        _validate(
            0,
            legitimacy,
            cop_density,
            citizen_density,
            max_jail_term,
            vision,
            width,
            height,
            k,
            rounding,
            neighbourhood,
            batches,
        )
        self.streams = RandomStreams(seed)
        self.legitimacy = float(legitimacy)
        self.max_jail_term = int(max_jail_term)
        self.threshold = float(threshold)
        self.k = float(k)
        self.rounding: Rounding = rounding
        self.batches = int(batches)
        self.movement = bool(movement)
        self.height, self.width = int(height), int(width)
        n_cells = self.height * self.width

        # Offsets folded onto the torus (a vision wider than the grid sees each cell once).
        offsets = vision_offsets(int(vision), neighbourhood)
        folded = np.unique(
            (offsets[:, 0] % self.height) * self.width + (offsets[:, 1] % self.width)
        )
        folded = folded[folded != 0]
        odr, odc = np.divmod(folded, self.width)
        rows, cols = np.divmod(np.arange(n_cells), self.width)
        #: neighbour table: ``nbr[cell, j]`` is the j-th cell within vision of ``cell``.
        self.nbr = (
            ((rows[:, None] + odr[None, :]) % self.height) * self.width
            + (cols[:, None] + odc[None, :]) % self.width
        ).astype(np.int32 if n_cells < 2**31 else np.int64)
        kernel = np.zeros((self.height, self.width))
        kernel[odr, odc] = 1.0
        self._kernel_fft = np.fft.rfft2(kernel)

        self.n_citizens = round(citizen_density * n_cells)
        self.n_cops = round(cop_density * n_cells)
        n_agents = self.n_citizens + self.n_cops
        if n_agents > n_cells:  # rounding both up can overfill a tiny grid
            raise ValueError(f"{n_agents} agents do not fit on {n_cells} cells")

        setup = self.streams["setup"]
        self.hardship = setup.random(self.n_citizens)
        self.risk_aversion = setup.random(self.n_citizens)
        self.grievance = grievance(self.hardship, self.legitimacy)
        # Agents 0..n_citizens-1 are citizens, the rest cops; pos == -1 means in jail.
        self.pos = setup.permutation(n_cells)[:n_agents].astype(np.int64)
        self.occ = np.full(n_cells, _EMPTY, dtype=np.int64)
        self.occ[self.pos] = np.arange(n_agents)
        self.active = np.zeros(self.n_citizens, dtype=bool)
        self.jail_left = np.zeros(self.n_citizens, dtype=np.int64)
        self.steps = 0

    # ------------------------------------------------------------------ counting

    def _seen(self, citizens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the cops and the active citizens within vision of each given citizen.

        Both counts come from one FFT convolution of the cop and active lattices with the
        vision kernel on the torus (the kernel leaves out the centre cell).
        """
        grids = np.zeros((2, self.occ.size))
        grids[0, self.pos[self.n_citizens :]] = 1.0
        grids[1, self.pos[: self.n_citizens][self.active]] = 1.0  # actives are never in jail
        grids = grids.reshape(2, self.height, self.width)
        seen = np.fft.irfft2(np.fft.rfft2(grids) * self._kernel_fft, s=grids.shape[1:])
        seen = np.rint(seen.reshape(2, -1)[:, self.pos[citizens]]).astype(np.int64)
        return seen[0], seen[1]

    def counts(self) -> _Counts:
        """Return the numbers of quiet, active and jailed citizens."""
        jailed = int(np.count_nonzero(self.pos[: self.n_citizens] < 0))
        active = int(np.count_nonzero(self.active))
        return _Counts(self.n_citizens - jailed - active, active, jailed)

    # ------------------------------------------------------------------ rules

    def _pick(
        self, agents: np.ndarray, is_valid, rng: np.random.Generator, tries: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pick for each agent a uniformly random valid cell within its vision.

        ``tries`` rounds of rejection sampling (draw one cell in vision, keep it if valid) settle
        most agents cheaply; the rest choose exactly among all their valid cells. Either way the
        pick is uniform over the valid cells. Agents with no valid cell are dropped.

        Returns:
            The agents that found a cell (in their original order) and the cells.
        """
        base = self.pos[agents]
        n_vis = self.nbr.shape[1]
        chosen = np.full(agents.size, _EMPTY, dtype=np.int64)
        todo = np.arange(agents.size)
        for _ in range(tries):
            cells = self.nbr[base[todo], rng.integers(0, n_vis, todo.size)]
            ok = is_valid(cells)
            chosen[todo[ok]] = cells[ok]
            todo = todo[~ok]
            if todo.size == 0:
                break
        if todo.size:
            cand = self.nbr[base[todo]]
            keys = np.where(is_valid(cand), rng.random(cand.shape), -1.0)
            pick = keys.argmax(axis=1)
            rows = np.arange(todo.size)
            found = keys[rows, pick] >= 0.0
            chosen[todo[found]] = cand[rows[found], pick[found]]
        has = chosen != _EMPTY
        return agents[has], chosen[has]

    def _claims(self, agents: np.ndarray, is_valid, rng: np.random.Generator, tries: int):
        """Let ``agents``, in priority order, each claim a distinct valid cell within vision.

        All pending agents pick at once (:meth:`_pick`); where several pick the same cell the
        first in ``agents`` order wins, and the losers pick again after the caller has applied
        the winners (so they see the cells vacated or taken), for a bounded number of rounds.

        Yields:
            ``(winners, cells)`` for each round, to be applied by the caller before resuming.
        """
        pending = agents
        for _ in range(_MAX_CLAIM_ROUNDS):
            if pending.size == 0:
                return
            pending, cells = self._pick(pending, is_valid, rng, tries)
            if pending.size == 0:
                return
            _, first = np.unique(cells, return_index=True)
            yield pending[first], cells[first]
            lost = np.ones(pending.size, dtype=bool)
            lost[first] = False
            pending = pending[lost]

    def _move(self, movers: np.ndarray, rng: np.random.Generator) -> None:
        """Rule M: each mover goes to a random empty cell within its vision."""

        def is_empty(cells: np.ndarray) -> np.ndarray:
            return self.occ[cells] == _EMPTY

        for winners, cells in self._claims(movers, is_empty, rng, tries=6):
            self.occ[self.pos[winners]] = _EMPTY
            self.occ[cells] = winners
            self.pos[winners] = cells

    def _activate(self, citizens: np.ndarray) -> None:
        """Rule A for the given free citizens, against the current lattice."""
        cops_seen, actives_seen = self._seen(citizens)
        # The kernel excludes the own cell, so "+ 1" counts the citizen itself (Epstein's A).
        p = arrest_probability(cops_seen, actives_seen + 1, self.k, self.rounding)
        self.active[citizens] = is_active(
            self.grievance[citizens], net_risk(self.risk_aversion[citizens], p), self.threshold
        )

    def _enforce(self, cops: np.ndarray, rng: np.random.Generator) -> None:
        """Rule C: each cop arrests one random active citizen within its vision."""
        n_cit = self.n_citizens

        def holds_active(cells: np.ndarray) -> np.ndarray:
            who = self.occ[cells]
            is_citizen = (who >= 0) & (who < n_cit)
            return is_citizen & self.active[np.where(is_citizen, who, 0)]

        # Actives are usually rare, so go straight to the exact pick (tries=0).
        for _, cells in self._claims(cops, holds_active, rng, tries=0):
            suspects = self.occ[cells]
            self.active[suspects] = False
            self.jail_left[suspects] = rng.integers(0, self.max_jail_term + 1, suspects.size)
            self.occ[cells] = _EMPTY
            self.pos[suspects] = -1

    def _release(self, rng: np.random.Generator) -> None:
        """Free the citizens whose term is over (to random empty cells); count down the rest."""
        jailed = np.flatnonzero(self.pos[: self.n_citizens] < 0)
        if jailed.size == 0:
            return
        done = jailed[self.jail_left[jailed] == 0]
        self.jail_left[jailed] -= 1
        if done.size:
            empty = np.flatnonzero(self.occ == _EMPTY)
            cells = rng.choice(empty, size=done.size, replace=False)
            self.pos[done] = cells
            self.occ[cells] = done
            self.jail_left[done] = 0
            self.active[done] = False

    def step(self) -> None:
        """Advance the model by one step (release, then rules M, A, C group by group)."""
        order_rng = self.streams["civilians"]
        move_rng = self.streams["movement"]
        arrest_rng = self.streams["violence"]
        self._release(move_rng)
        free = np.flatnonzero(self.pos >= 0)
        order = order_rng.permutation(free)
        for group in np.array_split(order, self.batches):
            if self.movement:
                # Agents arrested earlier in this step have left the lattice.
                self._move(group[self.pos[group] >= 0], move_rng)
            group = group[self.pos[group] >= 0]
            is_cop = group >= self.n_citizens
            citizens, cops = group[~is_cop], group[is_cop]
            if citizens.size:
                self._activate(citizens)
            if cops.size:
                self._enforce(cops, arrest_rng)
        self.steps += 1


def run(
    steps: int,
    seed: int,
    legitimacy: float = 0.82,
    cop_density: float = 0.04,
    citizen_density: float = 0.7,
    max_jail_term: int = 30,
    vision: int = 7,
    width: int = 40,
    height: int = 40,
    threshold: float = EPSTEIN_THRESHOLD,
    k: float = EPSTEIN_K,
    rounding: Rounding = "floor",
    neighbourhood: Neighbourhood = "disc",
    batches: int = DEFAULT_BATCHES,
    movement: bool = True,
) -> pd.DataFrame:
    """Run Epstein's Model I and return the counts of citizens by state at every step.

    Args:
        steps: Number of steps to simulate.
        seed: Root seed of the run's :class:`~malisim.core.rng.RandomStreams`.
        legitimacy: Perceived legitimacy ``L`` of the authority, the same for everyone.
        cop_density: Share of cells holding a cop at the start.
        citizen_density: Share of cells holding a citizen at the start.
        max_jail_term: Longest jail term ``J``; terms are uniform integers in ``0..J``.
        vision: Vision radius of citizens and cops, in cells.
        width: Lattice width (torus).
        height: Lattice height (torus).
        threshold: Activation threshold ``T``.
        k: Arrest-probability constant.
        rounding: Rounding of the cop/active ratio (see
            :func:`malisim.model.civil_violence.enforcer_ratio`); Epstein and NetLogo floor it.
        neighbourhood: Vision shape (see :func:`vision_offsets`).
        batches: Number of sequential update groups per step (1 = synchronous).
        movement: Whether agents follow rule M (cops always inspect their vision).

    Returns:
        One row per step, step 0 being the initial state, with integer columns
        ``step, quiet, active, jailed``.

    Raises:
        ValueError: If an argument is out of range (e.g. densities summing to more than 1).
    """
    _validate(
        steps,
        legitimacy,
        cop_density,
        citizen_density,
        max_jail_term,
        vision,
        width,
        height,
        k,
        rounding,
        neighbourhood,
        batches,
    )
    model = EpsteinModelI(
        seed,
        legitimacy=legitimacy,
        cop_density=cop_density,
        citizen_density=citizen_density,
        max_jail_term=max_jail_term,
        vision=vision,
        width=width,
        height=height,
        threshold=threshold,
        k=k,
        rounding=rounding,
        neighbourhood=neighbourhood,
        batches=batches,
        movement=movement,
    )
    rows = np.zeros((int(steps) + 1, 4), dtype=np.int64)
    c = model.counts()
    rows[0] = (0, c.quiet, c.active, c.jailed)
    for t in range(1, int(steps) + 1):
        model.step()
        c = model.counts()
        rows[t] = (t, c.quiet, c.active, c.jailed)
    return pd.DataFrame(rows, columns=["step", "quiet", "active", "jailed"])


def run_mesa(
    steps: int,
    seed: int,
    legitimacy: float = 0.82,
    cop_density: float = 0.04,
    citizen_density: float = 0.7,
    max_jail_term: int = 30,
    vision: int = 7,
    width: int = 40,
    height: int = 40,
    threshold: float = EPSTEIN_THRESHOLD,
    k: float = EPSTEIN_K,
    movement: bool = True,
) -> pd.DataFrame:
    """Run Mesa's own example (``EpsteinCivilViolence``) and return a frame shaped like :func:`run`.

    The arguments map one to one onto the example's constructor (``vision`` to both
    ``citizen_vision`` and ``cop_vision``; ``threshold`` to ``active_threshold``; ``k`` to
    ``arrest_prob_constant``). What cannot be matched is fixed inside the example: Python's
    ``round`` of the cop/active ratio, the von Neumann vision, jailed citizens left on (and
    blocking) their cell, per-cell random placement (densities are expected, not exact) and
    random sequential activation. Mesa's ``random.Random`` is seeded from the run's ``"mesa"``
    stream (:meth:`malisim.core.rng.RandomStreams.python_seed`).

    Returns:
        One row per step, step 0 being the initial state, with columns
        ``step, quiet, active, jailed`` (``jailed`` is the example's ``arrested`` count).
    """
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    _validate(
        steps,
        legitimacy,
        cop_density,
        citizen_density,
        max_jail_term,
        vision,
        width,
        height,
        k,
        "round",
        "von_neumann",
        1,
    )
    model = EpsteinCivilViolence(
        width=width,
        height=height,
        citizen_density=citizen_density,
        cop_density=cop_density,
        citizen_vision=vision,
        cop_vision=vision,
        legitimacy=legitimacy,
        max_jail_term=max_jail_term,
        active_threshold=threshold,
        arrest_prob_constant=k,
        movement=movement,
        max_iters=int(steps) + 1,
        seed=RandomStreams(seed).python_seed(),
    )
    for _ in range(int(steps)):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    out = pd.DataFrame(
        {
            "step": np.arange(len(frame), dtype=np.int64),
            "quiet": frame["quiet"].astype(np.int64),
            "active": frame["active"].astype(np.int64),
            "jailed": frame["arrested"].astype(np.int64),
        }
    )
    return out


def detect_outbursts(
    df: pd.DataFrame,
    start: float = 50,
    end: float | None = None,
    column: str = "active",
    burn_in: int = 0,
) -> pd.DataFrame:
    """Find the outbursts of a run: episodes of many actives separated by quiet spells.

    An outburst starts at the first step where ``df[column] >= start`` after the series has
    been at or below ``end`` (or since the beginning), and ends at the first later step where
    it is back at or below ``end`` (hysteresis, so that a wobbling peak counts once). Thresholds
    below 1 are read as fractions of the citizens (``quiet + active + jailed`` at step 0 when
    those columns exist).

    Args:
        df: A frame with ``step`` and ``column`` (e.g. the output of :func:`run`).
        start: Level at which an outburst starts (count, or fraction if < 1).
        end: Level at or below which it is over; default ``start / 5``.
        column: Column to scan (``"active"`` for both models).
        burn_in: Steps ignored at the beginning (the initial transient).

    Returns:
        One row per outburst with columns ``start`` (first step >= ``start``), ``end`` (first
        step back at or below ``end``, or the last step if the run ends first), ``peak_step``,
        ``peak`` (largest value), ``duration`` (``end - start``), ``wait`` (steps since the
        previous outburst ended; for the first outburst, since the end of the burn-in) and
        ``complete`` (False if the run ended during the outburst).
    """
    columns = ["start", "end", "peak_step", "peak", "duration", "wait", "complete"]
    if end is None:
        end = start / 5
    if start < 1 or end < 1:
        if {"quiet", "active", "jailed"} <= set(df.columns) and len(df):
            n = int(df[["quiet", "active", "jailed"]].iloc[0].sum())
        else:
            raise ValueError("fractional thresholds need quiet/active/jailed columns")
        start = start * n if start < 1 else start
        end = end * n if end < 1 else end
    if end >= start:
        raise ValueError(f"end ({end}) must be below start ({start})")
    data = df[df["step"] >= df["step"].iloc[0] + burn_in] if len(df) else df
    steps = data["step"].to_numpy()
    values = data[column].to_numpy()
    episodes = []
    in_burst = False
    last_end = steps[0] if steps.size else 0
    b_start = peak_step = 0
    peak = -np.inf
    for s, v in zip(steps, values, strict=True):  # a scan over steps, not agents
        if not in_burst:
            if v >= start:
                in_burst, b_start, peak, peak_step = True, s, v, s
        else:
            if v > peak:
                peak, peak_step = v, s
            if v <= end:
                episodes.append(
                    (b_start, s, peak_step, peak, s - b_start, b_start - last_end, True)
                )
                in_burst, last_end = False, s
    if in_burst:
        s = steps[-1]
        episodes.append((b_start, s, peak_step, peak, s - b_start, b_start - last_end, False))
    out = pd.DataFrame(episodes, columns=columns)
    return out.astype(
        {
            "start": "int64",
            "end": "int64",
            "peak_step": "int64",
            "peak": "int64",
            "duration": "int64",
            "wait": "int64",
            "complete": "bool",
        }
    )


def summarise_outbursts(outbursts: pd.DataFrame) -> dict[str, float]:
    """Summarise :func:`detect_outbursts` output: count, mean/max peak, mean wait between them.

    ``mean_wait`` averages the waits *between* outbursts (the first outburst's wait since the
    start of the run is left out); it is NaN with fewer than two outbursts.
    """
    n = len(outbursts)
    waits = outbursts["wait"].iloc[1:] if n > 1 else pd.Series(dtype=float)
    return {
        "outbursts": float(n),
        "mean_peak": float(outbursts["peak"].mean()) if n else float("nan"),
        "max_peak": float(outbursts["peak"].max()) if n else float("nan"),
        "mean_duration": float(outbursts["duration"].mean()) if n else float("nan"),
        "mean_wait": float(waits.mean()) if len(waits) else float("nan"),
    }
