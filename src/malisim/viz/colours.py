"""Colours of the scenarios: the Okabe-Ito palette, the baseline in black.

Okabe-Ito is safe for the common colour-vision deficiencies; scenarios beyond its eight colours
take matplotlib's ``tab20`` colours.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Okabe-Ito colours (black first: the baseline).
OKABE_ITO: tuple[str, ...] = (
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (last: little contrast on white)
)


def scenario_colours(scenarios: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """Okabe-Ito colour of each scenario; the baseline (or the first scenario) is black."""
    order = list(scenarios)
    if baseline in order:
        order.remove(baseline)
        order.insert(0, baseline)
    out = {}
    for i, s in enumerate(order):
        out[s] = OKABE_ITO[i % len(OKABE_ITO)] if i < len(OKABE_ITO) else _extra_colour(i)
    return out


def _extra_colour(i: int) -> str:
    import matplotlib

    return matplotlib.colors.to_hex(matplotlib.colormaps["tab20"](i % 20))
