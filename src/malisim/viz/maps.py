"""Maps of Mali's grid per scenario, and difference maps against the baseline.

What the stored results allow:

* **Control by actor, by region.** The series hold, per region and month, the share of the
  region's people in cells each actor controls (the grid's per-cell control is not stored). The
  map colours every cell of a region with the median over the runs of the region's mean share
  over the last 12 months (the ``control_*_last12`` rule), one panel per actor;
* **Civilian fatalities per 100,000 by region** (from the series): civilians killed over the
  whole run in the region / mean people present in the region (``population`` series) x
  100,000, median over the runs;
* **Civilian fatalities per 100,000 by cell** (from the event logs, only when the experiment kept
  them: ``keep: {events: true}``): civilians killed in the cell (``priogrid_gid``,
  ``fatalities_civilian``) over the run / the cell's 2022 population x 100,000, median over the
  runs; cells of fewer than :data:`MIN_CELL_POPULATION` people are left grey (their rates are
  too unstable to read);
* **Difference maps**: per non-baseline scenario, the median over pairs of runs (replicate k
  with replicate k of the baseline, common random numbers) of the difference scenario -
  baseline, or the difference of the medians when runs cannot be paired.

Cells are drawn as the 0.5 degree PRIO-GRID squares of :func:`malisim.model.space.load_grid`;
region outlines are the cell edges between regions (thin) and the country outline the cell edges
on the border (thick); the regional capitals are labelled. Colour maps are viridis (shares),
magma (rates) and RdBu (differences): perceptually uniform or ColorBrewer diverging, all
readable with the common colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from malisim.model.outcomes import NATIONAL
from malisim.model.space import CELL_DEG, REGIONS, load_grid
from malisim.viz.figure import FigureSpec, new_figure, styled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from malisim.experiment.results import Results

#: Control columns of the series and their labels.
CONTROL_COLUMNS: dict[str, str] = {
    "control_state": "state",
    "control_jnim": "JNIM",
    "control_is_sahel": "IS Sahel",
    "control_signatory": "signatory groups",
    "control_contested": "contested",
}
#: Series columns the maps use.
MAP_SERIES_COLUMNS: tuple[str, ...] = ("civilian_fatalities", "population", *CONTROL_COLUMNS)
#: Towns labelled on the maps (regional capitals present in the grid's ``main_town``).
MAP_TOWNS: tuple[str, ...] = (
    "Bamako",
    "Kayes",
    "Sikasso",
    "Ségou",
    "Mopti",
    "Timbuktu",
    "Gao",
    "Kidal",
    "Ménaka",
)
#: Cells with fewer people are not coloured on per-cell rate maps.
MIN_CELL_POPULATION = 1000.0
#: Size of one map panel (inches).
PANEL = (2.7, 2.5)


# --------------------------------------------------------------------------------------------
# geometry


@dataclass(frozen=True)
class MapGeometry:
    """The grid as squares and outlines.

    Attributes:
        lon: Cell centroid longitudes.
        lat: Cell centroid latitudes.
        gid: PRIO-GRID ids.
        region: Region codes into :data:`~malisim.model.space.REGIONS`.
        population: Cell population (2022).
        squares: Cell corners, n_cells x 4 x 2 (lon, lat).
        region_edges: Segments between cells of different regions, n x 2 x 2.
        border_edges: Segments on the country border, n x 2 x 2.
        towns: (name, lon, lat) of the labelled towns.
    """

    lon: np.ndarray
    lat: np.ndarray
    gid: np.ndarray
    region: np.ndarray
    population: np.ndarray
    squares: np.ndarray
    region_edges: np.ndarray
    border_edges: np.ndarray
    towns: tuple[tuple[str, float, float], ...]

    @property
    def n_cells(self) -> int:
        """Number of cells."""
        return self.lon.size


@lru_cache(maxsize=1)
def map_geometry() -> MapGeometry:
    """The geometry of the packaged grid (cached)."""
    grid = load_grid()
    lon = np.asarray(grid.lon, float)
    lat = np.asarray(grid.lat, float)
    row = np.asarray(grid.row, int)
    col = np.asarray(grid.col, int)
    region = np.asarray(grid.region, int)
    h = CELL_DEG / 2
    squares = np.stack(
        [
            np.column_stack([lon - h, lat - h]),
            np.column_stack([lon + h, lat - h]),
            np.column_stack([lon + h, lat + h]),
            np.column_stack([lon - h, lat + h]),
        ],
        axis=1,
    )
    where = {(r, c): i for i, (r, c) in enumerate(zip(row, col, strict=True))}
    inner, border = [], []
    # (row step, col step, edge endpoints relative to the centroid)
    sides = (
        (0, 1, ((h, -h), (h, h))),  # east
        (0, -1, ((-h, -h), (-h, h))),  # west
        (1, 0, ((-h, h), (h, h))),  # north
        (-1, 0, ((-h, -h), (h, -h))),  # south
    )
    for i in range(lon.size):
        for dr, dc, ((x0, y0), (x1, y1)) in sides:
            seg = ((lon[i] + x0, lat[i] + y0), (lon[i] + x1, lat[i] + y1))
            j = where.get((row[i] + dr, col[i] + dc))
            if j is None:
                border.append(seg)
            elif region[j] != region[i] and (dr, dc) in ((0, 1), (1, 0)):
                inner.append(seg)
    towns_at = {str(t): i for i, t in enumerate(grid.main_town) if t}
    towns = tuple(
        (t, float(lon[towns_at[t]]), float(lat[towns_at[t]])) for t in MAP_TOWNS if t in towns_at
    )
    return MapGeometry(
        lon=lon,
        lat=lat,
        gid=np.asarray(grid.gid, np.int64),
        region=region,
        population=np.asarray(grid.population, float),
        squares=squares,
        region_edges=np.asarray(inner, float).reshape(-1, 2, 2),
        border_edges=np.asarray(border, float).reshape(-1, 2, 2),
        towns=towns,
    )


def draw_map(
    ax: Axes,
    values: np.ndarray,
    *,
    cmap: Any,
    norm: Any,
    title: str = "",
    geometry: MapGeometry | None = None,
    towns: bool = True,
) -> Any:
    """Draw per-cell values on the grid (NaN in grey).

    Returns:
        The cells' collection (for a colour bar).
    """
    from matplotlib import patheffects
    from matplotlib.collections import PolyCollection

    geo = geometry or map_geometry()
    vals = np.ma.masked_invalid(np.asarray(values, float))
    cells = PolyCollection(geo.squares, cmap=cmap, norm=norm, edgecolors="none", linewidths=0)
    cells.set_array(vals)
    cells.set_rasterized(True)  # one image per panel in SVG files, not 488 paths
    ax.add_collection(cells)
    ax.add_patch(_outline(geo.region_edges, "#8c8c8c", 0.6))
    ax.add_patch(_outline(geo.border_edges, "black", 0.9))
    if towns:
        halo = [patheffects.withStroke(linewidth=1.8, foreground="white")]
        xs = [x for _, x, _ in geo.towns]
        ys = [y for _, _, y in geo.towns]
        ax.plot(xs, ys, ls="none", marker="o", ms=2, color="black", zorder=5)
        for name, x, y in geo.towns:
            label = ax.text(x + 0.15, y + 0.1, name, fontsize=5.5, zorder=6, path_effects=halo)
            label.set_in_layout(False)
    h = CELL_DEG
    ax.set_xlim(geo.lon.min() - h, geo.lon.max() + h)
    ax.set_ylim(geo.lat.min() - h, geo.lat.max() + h)
    ax.set_aspect(1 / np.cos(np.deg2rad(geo.lat.mean())))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=8)
    return cells


def _outline(segments: np.ndarray, colour: str, width: float) -> Any:
    """Segments as one path (one SVG element, not one per segment)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    n = len(segments)
    verts = np.asarray(segments, float).reshape(2 * n, 2)
    codes = np.tile([MplPath.MOVETO, MplPath.LINETO], n).astype(np.uint8)
    return PathPatch(MplPath(verts, codes), facecolor="none", edgecolor=colour, lw=width, zorder=4)


def _cmap(name: str) -> Any:
    import matplotlib

    return matplotlib.colormaps[name].with_extremes(bad="#dddddd")


@styled
def panel_figure(
    panels: Sequence[Sequence[tuple[str, np.ndarray]]],
    *,
    cmap: str,
    vmin: float,
    vmax: float,
    label: str,
    title: str,
    percent: bool = False,
    extend: str = "neither",
) -> Figure:
    """A grid of map panels (rows of (title, per-cell values)) sharing one colour scale.

    With ``percent``, values are shares and the colour bar is in percent (or percentage points
    for differences); ``extend`` marks values beyond the scale (``max`` or ``both``).
    """
    import textwrap

    from matplotlib.colors import Normalize
    from matplotlib.ticker import FuncFormatter

    n_rows = len(panels)
    n_cols = max(len(r) for r in panels)
    width = max(PANEL[0] * n_cols + 0.9, 5.0)
    fig = new_figure(width, PANEL[1] * n_rows + 0.5)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    norm = Normalize(vmin, vmax if vmax > vmin else vmin + 1e-9)
    cm = _cmap(cmap)
    mappable = None
    for r, row in enumerate(panels):
        for c in range(n_cols):
            ax = axes[r][c]
            if c >= len(row):
                ax.set_axis_off()
                continue
            name, values = row[c]
            mappable = draw_map(ax, values, cmap=cm, norm=norm, title=name)
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=axes, shrink=0.6, label=label, extend=extend)
        if percent:
            signed = vmin < 0
            bar.ax.yaxis.set_major_formatter(
                FuncFormatter(lambda x, _: f"{x * 100:+.0f} pt" if signed else f"{x:.0%}")
            )
    fig.suptitle(textwrap.fill(title, int(width * 11)), x=0.01, ha="left", fontsize=10)
    return fig


# --------------------------------------------------------------------------------------------
# per-run values


def run_index(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per run (index run_id): scenario, point_id, replicate (first appearance)."""
    cols = [c for c in ("run_id", "scenario", "point_id", "replicate") if c in frame.columns]
    return frame[cols].drop_duplicates("run_id").set_index("run_id")


def region_control(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per run and region, the mean share of people under each actor's control (last 12 months).

    Returns:
        Control column -> DataFrame (runs x regions).
    """
    reg = series[series["region"] != NATIONAL]
    cols = [c for c in CONTROL_COLUMNS if c in reg.columns]
    last = reg.groupby("run_id")["date"].transform("max")
    cutoff = last - pd.DateOffset(months=11)
    reg = reg[reg["date"] >= cutoff]
    means = reg.groupby(["run_id", "region"], sort=False)[cols].mean()
    return {c: means[c].unstack("region").reindex(columns=list(REGIONS)) for c in cols}


def region_fatality_rates(series: pd.DataFrame) -> pd.DataFrame:
    """Per run and region, civilians killed over the run per 100,000 people present.

    People present: the mean of the region's ``population`` series (the 2022 grid population if
    the series lacks it).
    """
    reg = series[series["region"] != NATIONAL]
    grouped = reg.groupby(["run_id", "region"], sort=False)
    killed = grouped["civilian_fatalities"].sum().unstack("region")
    if "population" in reg.columns:
        people = grouped["population"].mean().unstack("region")
    else:
        geo = map_geometry()
        pop = np.bincount(geo.region, weights=geo.population, minlength=len(REGIONS))
        people = pd.DataFrame([pop] * len(killed), index=killed.index, columns=list(REGIONS))
    with np.errstate(all="ignore"):
        rate = killed / people.where(people > 0) * 1e5
    return rate.reindex(columns=list(REGIONS))


def cell_fatality_rates(events: pd.DataFrame, runs: pd.Index) -> pd.DataFrame:
    """Per run and cell, civilians killed over the run per 100,000 people (2022 population).

    Runs without events count zero; cells under :data:`MIN_CELL_POPULATION` are NaN.
    """
    geo = map_geometry()
    cell_of = pd.Index(geo.gid)
    run_pos = pd.Index(runs).get_indexer(events["run_id"])
    cell_pos = cell_of.get_indexer(events["priogrid_gid"].to_numpy())
    ok = (run_pos >= 0) & (cell_pos >= 0)
    n_cells = geo.n_cells
    killed = np.bincount(
        run_pos[ok] * n_cells + cell_pos[ok],
        weights=events["fatalities_civilian"].to_numpy(float)[ok],
        minlength=len(runs) * n_cells,
    ).reshape(len(runs), n_cells)
    pop = np.where(geo.population >= MIN_CELL_POPULATION, geo.population, np.nan)
    return pd.DataFrame(killed / pop * 1e5, index=runs)


def scenario_medians(
    values: pd.DataFrame, runs: pd.DataFrame, scenarios: Sequence[str]
) -> dict[str, np.ndarray]:
    """Median over each scenario's runs of per-run values (runs x units)."""
    out = {}
    scen = runs["scenario"].reindex(values.index)
    for s in scenarios:
        block = values[(scen == s).to_numpy()].to_numpy(float)
        if len(block):
            with np.errstate(all="ignore"), _quiet():
                out[s] = np.nanmedian(block, axis=0)
    return out


def scenario_differences(
    values: pd.DataFrame, runs: pd.DataFrame, scenarios: Sequence[str], baseline: str
) -> dict[str, tuple[np.ndarray, bool]]:
    """Per non-baseline scenario, its difference from the baseline.

    Returns:
        Scenario -> (median of the paired differences, True), or (difference of the medians,
        False) when its runs cannot be paired by replicate.
    """
    meta = runs.reindex(values.index)
    keys = ["point_id", "replicate"] if "point_id" in meta.columns else ["replicate"]
    base = meta[meta["scenario"] == baseline]
    if base.empty:
        return {}
    base_key = pd.MultiIndex.from_frame(base[keys])
    base_vals = values.loc[base.index].to_numpy(float)
    medians = scenario_medians(values, runs, [baseline, *scenarios])
    out = {}
    for s in scenarios:
        if s == baseline:
            continue
        mine = meta[meta["scenario"] == s]
        if mine.empty:
            continue
        pos = (
            base_key.get_indexer(pd.MultiIndex.from_frame(mine[keys]))
            if (base_key.is_unique)
            else np.full(len(mine), -1)
        )
        found = pos >= 0
        with np.errstate(all="ignore"), _quiet():
            if found.sum() >= 1:
                d = values.loc[mine.index[found]].to_numpy(float) - base_vals[pos[found]]
                out[s] = (np.nanmedian(d, axis=0), True)
            else:
                out[s] = (medians[s] - medians[baseline], False)
    return out


class _quiet:
    """Silence numpy's all-NaN warnings."""

    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


def _to_cells(by_region: np.ndarray) -> np.ndarray:
    """Per-region values (in :data:`REGIONS` order) on every cell of the region."""
    return np.asarray(by_region, float)[map_geometry().region]


def _robust_max(arrays: Sequence[np.ndarray], q: float = 99.0) -> float:
    vals = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(1)
    vals = np.abs(vals[np.isfinite(vals)])
    if vals.size == 0:
        return 1.0
    top = float(np.percentile(vals, q))
    return top if top > 0 else float(vals.max()) or 1.0


# --------------------------------------------------------------------------------------------
# the figures


def control_maps(
    series: pd.DataFrame, scenarios: Sequence[str], baseline: str | None = None
) -> Iterator[FigureSpec]:
    """Maps of the median regional share of people under each actor's control per scenario.

    Also the difference from the baseline (paired medians).
    """
    runs = run_index(series)
    shares = region_control(series)
    if not shares:
        return
    med = {c: scenario_medians(v, runs, scenarios) for c, v in shares.items()}
    rows = [
        [(f"{s}: {CONTROL_COLUMNS[c]}", _to_cells(med[c][s])) for c in shares if s in med[c]]
        for s in scenarios
    ]
    rows = [r for r in rows if r]
    yield FigureSpec(
        "map_control",
        "map",
        "Control by actor, by region",
        "Share of each region's people living in cells the actor controls: mean of the last 12 "
        "months of the run, median over the runs (the results hold regional, not per-cell, "
        "control).",
        panel_figure(
            rows,
            cmap="viridis",
            vmin=0,
            vmax=1,
            percent=True,
            label="share of the region's people",
            title="Control by actor (median of runs, last 12 months)",
        ),
    )
    if baseline is None or len(scenarios) < 2:
        return
    diffs = {c: scenario_differences(v, runs, scenarios, baseline) for c, v in shares.items()}
    rows = [
        [
            (f"{s} - {baseline}: {CONTROL_COLUMNS[c]}", _to_cells(diffs[c][s][0]))
            for c in shares
            if s in diffs[c]
        ]
        for s in scenarios
        if s != baseline
    ]
    rows = [r for r in rows if r]
    if not rows:
        return
    top = _robust_max([v for r in rows for _, v in r], 100)
    yield FigureSpec(
        "map_control_diff",
        "map",
        f"Control by actor: difference from {baseline}",
        f"Share of each region's people under each actor's control, scenario minus {baseline}: "
        "median over pairs of runs sharing a seed (percentage points; red: more, blue: less).",
        panel_figure(
            rows,
            cmap="RdBu_r",
            vmin=-top,
            vmax=top,
            percent=True,
            label=f"difference from {baseline} (percentage points)",
            title=f"Control by actor: scenario - {baseline}",
        ),
    )


def fatality_maps(
    values: pd.DataFrame,
    runs: pd.DataFrame,
    scenarios: Sequence[str],
    baseline: str | None,
    *,
    level: str,
    to_cells: Any,
) -> Iterator[FigureSpec]:
    """Maps of civilian fatalities per 100,000, per scenario and difference from the baseline.

    From per-run values by region or by cell.
    """
    med = scenario_medians(values, runs, scenarios)
    if not med:
        return
    panels = [(s, to_cells(med[s])) for s in scenarios if s in med]
    per_row = 4
    rows = [panels[i : i + per_row] for i in range(0, len(panels), per_row)]
    quantile = 100.0 if level == "region" else 99.0  # a few cells would flatten the scale
    top = _robust_max([v for _, v in panels], quantile)
    extend = "neither" if level == "region" else "max"
    what = "region (series)" if level == "region" else "cell (event logs)"
    yield FigureSpec(
        f"map_fatalities_{level}",
        "map",
        f"Civilian fatalities per 100,000 by {level}",
        f"Civilians killed over the run per 100,000 people, by {what}, median over the runs"
        + (
            "."
            if level == "region"
            else f"; grey: cells of fewer than {MIN_CELL_POPULATION:,.0f} people."
        ),
        panel_figure(
            rows,
            cmap="magma_r",
            vmin=0,
            vmax=top,
            label="civilians killed per 100,000",
            title=f"Civilian fatalities per 100,000 by {level} (median of runs)",
            extend=extend,
        ),
    )
    if baseline is None or len(scenarios) < 2:
        return
    diffs = scenario_differences(values, runs, scenarios, baseline)
    panels = [(f"{s} - {baseline}", to_cells(d)) for s, (d, _) in diffs.items()]
    if not panels:
        return
    rows = [panels[i : i + per_row] for i in range(0, len(panels), per_row)]
    top = _robust_max([v for _, v in panels], quantile)
    yield FigureSpec(
        f"map_fatalities_{level}_diff",
        "map",
        f"Civilian fatalities per 100,000 by {level}: difference from {baseline}",
        f"Scenario minus {baseline}: median over pairs of runs sharing a seed (red: more "
        "civilians killed, blue: fewer).",
        panel_figure(
            rows,
            cmap="RdBu_r",
            vmin=-top,
            vmax=top,
            label=f"difference from {baseline} per 100,000",
            title=f"Civilian fatalities per 100,000 by {level}: scenario - {baseline}",
            extend="neither" if level == "region" else "both",
        ),
    )


def iter_maps(
    results: Results,
    *,
    scenarios: Sequence[str] | None = None,
    baseline: str | None = None,
    series: pd.DataFrame | None = None,
) -> Iterator[FigureSpec]:
    """Every map the results allow (see the module docstring), one at a time."""
    outcomes = results.outcomes
    names = list(scenarios) if scenarios else list(dict.fromkeys(outcomes["scenario"]))
    if "series" in results.tables:
        if series is None:
            series = results.series
        yield from control_maps(series, names, baseline)
        if "civilian_fatalities" in series.columns:
            runs = run_index(series)
            yield from fatality_maps(
                region_fatality_rates(series),
                runs,
                names,
                baseline,
                level="region",
                to_cells=_to_cells,
            )
    if "events" in results.tables:
        events = results.read("events", ["run_id", "priogrid_gid", "fatalities_civilian"])
        runs = run_index(outcomes)
        rates = cell_fatality_rates(events, runs.index)
        yield from fatality_maps(rates, runs, names, baseline, level="cell", to_cells=lambda v: v)
