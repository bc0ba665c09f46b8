"""The model's vocabulary: every enumeration of sides, families and states, defined once.

Array rows and integer codes across the model follow these enums; their ``*_NAMES`` tuples give
the lower-case names used in outcome columns, event logs and files.
"""

from __future__ import annotations

from enum import IntEnum


class Side(IntEnum):
    """The armed sides that fight, control cells and victimise civilians (array index order)."""

    STATE = 0
    JNIM = 1
    IS_SAHEL = 2
    CMA = 3
    PLATFORM = 4


#: Names of the armed sides, in :class:`Side` order.
SIDE_NAMES: tuple[str, ...] = ("state", "jnim", "is_sahel", "cma", "platform")


class Control(IntEnum):
    """Who controls a cell (the values of the control layer)."""

    STATE = 0
    JNIM = 1
    IS_SAHEL = 2
    SIGNATORY = 3
    CONTESTED = 4


#: Names of the controllers, in :class:`Control` order (the ``control_*`` outcome columns).
CONTROL_NAMES: tuple[str, ...] = ("state", "jnim", "is_sahel", "signatory", "contested")


class Perpetrator(IntEnum):
    """Families of perpetrators of violence against civilians, as in the outcome columns.

    The rows of the month's civilian deaths and the perpetrator codes of the event log.
    """

    STATE = 0
    FOREIGN = 1
    JIHADIST = 2
    SIGNATORY = 3
    MILITIA = 4


#: Names of the perpetrator families, in :class:`Perpetrator` order (``militia``: the communal
#: militias, ACLED's identity militias, inter code 4).
PERPETRATOR_NAMES: tuple[str, ...] = ("state", "foreign", "jihadist", "signatory", "militia")


class Family(IntEnum):
    """The families civilians judge, support and remember (rows of support and memory).

    Civilians hold the state responsible for its partners, so the state family includes Wagner
    and other foreign forces. Support codes are these values, or :data:`NO_SUPPORT`.
    """

    STATE = 0
    JNIM = 1
    IS_SAHEL = 2
    SIGNATORY = 3


#: Names of the civilian families, in :class:`Family` order.
FAMILIES: tuple[str, ...] = ("state", "jnim", "is_sahel", "signatory")
N_FAMILIES = len(FAMILIES)
#: Support code of an agent that supports no family.
NO_SUPPORT = -1


class Status(IntEnum):
    """Where a civilian agent's people are."""

    RESIDENT = 0
    DISPLACED = 1
    REFUGEE = 2


class Livelihood(IntEnum):
    """How a civilian agent's people live."""

    FARMER = 0
    HERDER = 1
    URBAN = 2
