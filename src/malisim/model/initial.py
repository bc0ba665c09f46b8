"""Initial conditions for January 2019, grounded in the source documents.

Where each actor starts, as regional weights (documented in docs/ODD.md, section "Initialisation"):

* JNIM in the centre (Katiba Macina in Mopti and Ségou: the insurgency "expanded from the north
  into central Mali", CRS2020) and in the north (Tombouctou, Kidal, Gao);
* Islamic State Sahel in Ménaka and Gao, the tri-border Liptako-Gourma zone (ICG2023);
* CMA in Kidal and parts of Tombouctou and Gao; Platform in Gao, Ménaka, Tombouctou (CRS2022:
  "signatory armed groups maintain parallel administrations in some areas");
* FAMa garrisons in towns and the south (CRS2022: "State officials remain absent from much of
  the north and center");
* Barkhane at its northern bases (Gao, Ménaka, Tessalit, Kidal, Tombouctou) and MINUSMA in the
  towns of the north and centre (CRS2020);
* displaced people from the centre and north (CRS2020 figures);
* the population, back-projected from 2022 to the start month;
* the cells with a town, the jihadist sanctuary along the Niger and Burkina Faso borders, and
  the border cells where fighters arrive from those countries.

Within a region, a group's fighters are spread over cells in proportion to
``(population + 1000) ** 0.5`` times the cell's share inside Mali (rural presence, denser where
people are, never only in towns), times the pull of the group's home areas
(``data/home_areas.csv``, :func:`load_home_areas`; :func:`malisim.model.actors.home_pull`): near
its bases, not evenly over the region.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

from malisim.core.calendar import parse_month
from malisim.model.parameters import Parameters
from malisim.model.space import NEIGHBOUR_COUNTRIES, REGIONS, MaliGrid, haversine_km
from malisim.model.vocab import Control

#: Regional shares of each group's fighters in January 2019 (assumption from CRS2020, ICG2023).
JNIM_REGIONS = {"Mopti": 0.40, "Ségou": 0.12, "Tombouctou": 0.25, "Kidal": 0.06, "Gao": 0.12,
                "Koulikoro": 0.03, "Sikasso": 0.02}  # fmt: skip
IS_SAHEL_REGIONS = {"Ménaka": 0.55, "Gao": 0.40, "Mopti": 0.05}
CMA_REGIONS = {"Kidal": 0.65, "Tombouctou": 0.20, "Gao": 0.15}
PLATFORM_REGIONS = {"Gao": 0.40, "Ménaka": 0.30, "Tombouctou": 0.30}

#: Foreign bases: (latitude, longitude, weight). Barkhane's northern bases and MINUSMA's camps
#: (CRS2020; ICG2023watch names Tessalit, Aguelhok and Kidal camps).
FRANCE_BASES = {"Gao": (16.27, -0.04, 0.55), "Ménaka": (15.92, 2.40, 0.12),
                "Tessalit": (20.20, 1.01, 0.13), "Kidal": (18.44, 1.41, 0.10),
                "Timbuktu": (16.77, -3.01, 0.10)}  # fmt: skip
MINUSMA_BASES = {"Gao": (16.27, -0.04, 0.20), "Timbuktu": (16.77, -3.01, 0.15),
                 "Kidal": (18.44, 1.41, 0.13), "Mopti": (14.49, -4.20, 0.12),
                 "Ménaka": (15.92, 2.40, 0.07), "Tessalit": (20.20, 1.01, 0.07),
                 "Aguelhok": (19.46, 0.86, 0.06), "Ansongo": (15.66, 0.50, 0.04),
                 "Douentza": (15.00, -2.95, 0.05), "Bamako": (12.61, -7.98, 0.06),
                 "Goundam": (16.41, -3.67, 0.03), "Ber": (16.13, -3.40, 0.02)}  # fmt: skip

#: Regions where the state nominally controls cells no armed group holds.
STATE_DEFAULT_REGIONS = ("Kayes", "Koulikoro", "Sikasso", "Ségou", "Bamako", "Mopti")
#: Regions where displacement originated before 2019 (weights of origin).
DISPLACEMENT_ORIGINS = {"Mopti": 0.45, "Gao": 0.15, "Tombouctou": 0.2, "Ménaka": 0.12,
                        "Ségou": 0.05, "Kidal": 0.03}  # fmt: skip
#: Neighbours whose border zones are a jihadist sanctuary (the tri-border Liptako-Gourma zone,
#: assumption).
SANCTUARY_COUNTRIES = ("Niger", "Burkina Faso")
#: Where each jihadist group's fighters arrive from (IS Sahel from Niger, JNIM from Burkina
#: Faso; CRS2020).
INFLOW_COUNTRIES = {"is_sahel": "Niger", "jnim": "Burkina Faso"}


@dataclass(frozen=True)
class HomeAreas:
    """One group's home areas (bases), from ``data/home_areas.csv``.

    Attributes:
        places: Place names.
        lat: Latitudes (degrees).
        lon: Longitudes (degrees).
        since: First month (month index) each place is a home area.
        sources: Bibliography key of each place.
    """

    places: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    since: np.ndarray
    sources: tuple[str, ...]


#: The groups that may have home areas in ``data/home_areas.csv``.
HOME_AREA_GROUPS = (
    "jnim",
    "is_sahel",
    "cma",
    "platform",
    "dan_na_ambassagou",
    "dozo",
    "fulani_militia",
)


@functools.lru_cache(maxsize=1)
def load_home_areas() -> dict[str, HomeAreas]:
    """The packaged home areas of the armed groups, per group (read once, cached).

    Raises:
        ValueError: If a row names an unknown group or holds an invalid month or coordinate.
    """
    text = resources.files("malisim.data").joinpath("home_areas.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    )))  # fmt: skip
    out: dict[str, HomeAreas] = {}
    for group in HOME_AREA_GROUPS:
        mine = [r for r in rows if r["group"] == group]
        out[group] = HomeAreas(
            places=tuple(r["place"] for r in mine),
            lat=np.array([float(r["lat"]) for r in mine]),
            lon=np.array([float(r["lon"]) for r in mine]),
            since=np.array([parse_month(r["since"]) for r in mine], dtype=np.int64),
            sources=tuple(r["source"] for r in mine),
        )
    unknown = {r["group"] for r in rows} - set(HOME_AREA_GROUPS)
    if unknown:
        raise ValueError(f"home_areas.csv: unknown group(s) {sorted(unknown)}")
    return out


def home_distances(grid: MaliGrid, group: str) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) from every cell to each of a group's home areas, and when each starts.

    Args:
        grid: The grid.
        group: ``jnim``, ``is_sahel``, ``cma`` or ``platform``.

    Returns:
        ``(n_cells, n_places)`` distances and the ``(n_places,)`` first months.
    """
    areas = load_home_areas()[group]
    d = haversine_km(grid.lat[:, None], grid.lon[:, None], areas.lat[None, :], areas.lon[None, :])
    return np.asarray(d, float), areas.since


def population_at_start(p: Parameters, start_month: int) -> float:
    """People in Mali at the start month: ``population_2022`` back-projected from mid-2022."""
    years_to_2022 = p.population_reference_year - (start_month / 12.0)
    return p.population_2022 / (1.0 + p.population_growth) ** years_to_2022


def town_cells(grid: MaliGrid) -> np.ndarray:
    """Cells with a town (a named main town in the grid)."""
    return np.array([bool(t) for t in grid.main_town])


def sanctuary_cells(grid: MaliGrid) -> np.ndarray:
    """Border cells with the :data:`SANCTUARY_COUNTRIES`."""
    codes = [NEIGHBOUR_COUNTRIES.index(c) for c in SANCTUARY_COUNTRIES]
    return np.isin(grid.border_country, codes)


def inflow_cells(grid: MaliGrid) -> dict[str, np.ndarray]:
    """Border cells where each group's fighters arrive from abroad (:data:`INFLOW_COUNTRIES`)."""
    border = np.asarray(grid.border_country)
    return {
        group: border == NEIGHBOUR_COUNTRIES.index(country)
        for group, country in INFLOW_COUNTRIES.items()
    }


def spread(
    grid: MaliGrid,
    total: float,
    regional_shares: dict[str, float],
    pull: np.ndarray | None = None,
) -> np.ndarray:
    """Spread ``total`` persons over cells by regional shares, then by rural presence weight.

    Args:
        grid: The grid.
        total: Persons to place.
        regional_shares: Share of the total in each region (renormalised over regions present
            in the grid, so that sub-grids used in tests still receive the whole total).
        pull: Optional per-cell weight (the pull of the group's home areas) multiplying the
            rural presence weight within each region.

    Returns:
        Persons per cell.
    """
    out = np.zeros(grid.n_cells)
    weight = np.sqrt(np.asarray(grid.population, float) + 1000.0) * grid.share_in_mali
    if pull is not None:
        weight = weight * pull
    present = {r: s for r, s in regional_shares.items() if grid.region_mask(r).any()}
    if not present:
        present = {REGIONS[int(grid.region[0])]: 1.0}
    norm = sum(present.values())
    for region, share in present.items():
        mask = grid.region_mask(region)
        w = weight * mask
        if w.sum() <= 0:
            w = mask * grid.share_in_mali
        out += total * share / norm * w / max(w.sum(), 1e-12)
    return out


def cell_at(grid: MaliGrid, lat: float, lon: float) -> int | None:
    """Index of the cell holding a point (PRIO-GRID arithmetic), or None outside the grid."""
    gid = int((lat + 90) // 0.5) * 720 + int((lon + 180) // 0.5) + 1
    hits = np.flatnonzero(np.asarray(grid.gid) == gid)
    return int(hits[0]) if hits.size else None


def base_weights(grid: MaliGrid, bases: dict[str, tuple[float, float, float]]) -> np.ndarray:
    """Deployment weights per cell for a partner's bases; zero where no base lies in the grid."""
    out = np.zeros(grid.n_cells)
    for lat, lon, w in bases.values():
        i = cell_at(grid, lat, lon)
        if i is not None:
            out[i] += w
    return out


def default_control(grid: MaliGrid) -> np.ndarray:
    """Control of cells no armed group holds: the state in the south and centre, else contested."""
    state_regions = grid.region_mask(*STATE_DEFAULT_REGIONS)
    return np.where(state_regions, Control.STATE, Control.CONTESTED).astype(np.int8)


def signatory_strongholds(grid: MaliGrid) -> np.ndarray:
    """Cells of the CMA's home areas: held by the signatory groups at the start.

    Teller2023: the army took Kidal in November 2023 "from Tuareg separatists who had held the
    city for a decade"; ICG2023watch: Kidal is the signatories' "stronghold".
    """
    areas = load_home_areas()["cma"]
    out = np.zeros(grid.n_cells, dtype=bool)
    for lat, lon in zip(areas.lat, areas.lon, strict=True):
        i = cell_at(grid, float(lat), float(lon))
        if i is not None:
            out[i] = True
    return out


def displacement_origins(grid: MaliGrid) -> np.ndarray:
    """Per-cell weight of being the origin of people displaced before 2019."""
    out = np.zeros(grid.n_cells)
    for region, share in DISPLACEMENT_ORIGINS.items():
        mask = grid.region_mask(region)
        if mask.any():
            out[mask] = share / mask.sum()
    return out
