"""Who the record names for a communal killing (issue 20: the perpetrator mix of 2019-2022).

One rule, :func:`record_reprisals`, on top of the communal militias
(:mod:`malisim.model.militias`): *reprisals of the Fulani side recorded as JNIM's*.

The Fulani side's attacks on Dogon and Bambara villages are carried out by armed Fulani men whom
the documenting sources do not tell apart from Katiba Macina, the Fulani-led katiba of JNIM that
presents itself as the Fulani's defender. The same killing is coded to the jihadists by one
recorder and to a Fulani militia by another: the Sobane Da massacre of June 2019 was the work
of "suspected terrorists" for the government and of "Fulanis from that district" for the mayor
of Bankass (Newswire2019sobaneda), while an analyst of Crisis Group doubted it was the jihadists'
modus operandi (JdC2019icgsobane); ACLED codes such events on reports that "often do not mention
the group's name" (ACLED2022dna); MINUSMA counts "radical Islamist groups" apart from "community
self-defence groups" (AFP2022minusma2021), and the 2022 massacres of Dogon and Bambara villages
in Bankass are "attributed to jihadists affiliated with al-Qaeda" (AfricaGuinee2022centre).
The model's Fulani self-defence fighters and JNIM's fighters are both present where these
attacks happen; the rule records each attack of the Fulani militia as JNIM's with probability
``katiba_attribution * jnim / (jnim + fulani)``, JNIM's share of the armed men of the Fulani
side in the cell (JNIM present above ``min_presence``), and as the militia's otherwise.

It is an attribution rule: the killing, its victims (the targeted community's people of the
cell), the family they blame (JNIM already, ``militias.BLAMED_FAMILY``) and the reprisal cycle
(``militias.attacks_suffered`` counts the jihadists' and the Fulani militia's killings alike)
are unchanged; only the perpetrator family of the deaths (the rows of
``MonthlyViolence.civilians_killed`` and its splits) and the event's actor change. Every state
of the model, and every month's total of civilian deaths per cell, is the same with and without
it (tests/test_attribution.py). The draws come from the ``attribution`` stream (one uniform per
attack of the Fulani militia), so no other stream moves; with ``katiba_attribution = 0`` nothing
is drawn and the record is the militia's, as before.
"""

from __future__ import annotations

import numpy as np

from malisim.model.conflict import JIHADIST, MILITIA, MonthlyViolence
from malisim.model.events import EventLog
from malisim.model.parameters import Parameters

#: The militia whose attacks the rule may record as JNIM's (``militias.MILITIA_KEYS``).
FULANI_SIDE = "fulani_militia"
#: The row of JNIM in ``MonthlyViolence.civilians_killed_jihadist_split``.
_JNIM_ROW = 0


def katiba_share(jnim: np.ndarray, fulani: np.ndarray, params: Parameters) -> np.ndarray:
    """Probability that an attack of the Fulani side is recorded as JNIM's, per cell.

    ``katiba_attribution * jnim / (jnim + fulani)`` where JNIM's combat power
    (``jnim * jihadist_power``) is above ``min_presence``, 0 elsewhere.

    Args:
        jnim: JNIM fighters in each cell of the attacks.
        fulani: Fulani self-defence fighters in the same cells.
        params: Model parameters (``katiba_attribution``, ``jihadist_power``, ``min_presence``).

    Returns:
        Probabilities in ``[0, katiba_attribution]``, same shape.
    """
    jnim = np.asarray(jnim, dtype=float)
    fulani = np.asarray(fulani, dtype=float)
    armed = jnim + fulani
    share = np.divide(jnim, armed, out=np.zeros_like(armed), where=armed > 0.0)
    present = jnim * params.jihadist_power > params.min_presence
    return np.where(present, params.katiba_attribution * share, 0.0)


def record_reprisals(
    month: int,
    militia: int,
    actor: str,
    cells: np.ndarray,
    killed: np.ndarray,
    jnim: np.ndarray,
    fulani: np.ndarray,
    params: Parameters,
    out: MonthlyViolence,
    log: EventLog,
    rng: np.random.Generator | None,
) -> None:
    """Log a militia's communal attacks of the month, recording the Fulani side's as JNIM's.

    The deaths are already in ``out`` under the militia (row ``MILITIA`` and the militia's
    split row ``militia``). For the Fulani militia, each attack is drawn to be recorded as
    JNIM's with probability :func:`katiba_share` of its cell; those deaths move to the
    jihadist row and JNIM's split row, and their event names JNIM (perpetrator *jihadist*).
    Other militias' attacks, and all of them when ``rng`` is None or ``katiba_attribution`` is
    0, are logged as before (actor the militia, perpetrator *militia*), nothing drawn.

    Args:
        month: Month index of the events.
        militia: Row of the militia (``militias.MILITIA_KEYS``).
        actor: The militia's event-log key.
        cells: Cell of each attack (one entry per attack).
        killed: Civilians killed in each attack (positive).
        jnim: ``(n_cells,)`` JNIM fighters.
        fulani: ``(n_cells,)`` the Fulani militia's fighters.
        params: Model parameters.
        out: The month's deaths (rows moved in place).
        log: The event log.
        rng: The ``attribution`` stream, or None (no attribution).
    """
    if actor != FULANI_SIDE or rng is None or params.katiba_attribution <= 0.0:
        log.add(month, "Attack", actor, "civilians", cells, killed, killed, "militia")
        return
    share = katiba_share(jnim[cells], fulani[cells], params)
    coded = rng.random(cells.size) < share
    own = ~coded
    log.add(month, "Attack", actor, "civilians", cells[own], killed[own], killed[own],
            "militia")  # fmt: skip
    if not coded.any():
        return
    at, dead = cells[coded], killed[coded]
    np.add.at(out.civilians_killed[MILITIA], at, -dead)
    np.add.at(out.civilians_killed_militia_split[militia], at, -dead)
    np.add.at(out.civilians_killed[JIHADIST], at, dead)
    np.add.at(out.civilians_killed_jihadist_split[_JNIM_ROW], at, dead)
    log.add(month, "Attack", "jnim", "civilians", at, dead, dead, "jihadist")
