"""Tests of the packaged grid of Mali (malisim.model.space) and of its build script."""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from malisim.model.space import (
    BIOMES,
    GRID_COLUMNS,
    NEIGHBOUR_COUNTRIES,
    NORTHERN_REGIONS,
    PROPERTY_LAYERS,
    REGIONS,
    GridDataError,
    MaliGrid,
    NeighbourSum,
    load_grid,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "malisim" / "data"
NATIONAL = 22_000_000


@pytest.fixture(scope="module")
def grid() -> MaliGrid:
    return load_grid()


def _csr_sets(indptr, indices):
    return [set(indices[indptr[i] : indptr[i + 1]].tolist()) for i in range(len(indptr) - 1)]


def test_cell_count(grid):
    assert 400 <= grid.n_cells <= 500


def test_regions_valid_and_all_present(grid):
    names = grid.region_name
    assert set(names) == set(REGIONS)
    assert np.all((grid.region >= 0) & (grid.region < len(REGIONS)))
    assert len(REGIONS) == 10


def test_prio_grid_formula(grid):
    assert np.all(grid.gid == grid.row * 720 + grid.col + 1)
    assert np.all(np.diff(grid.gid) > 0)
    np.testing.assert_allclose(grid.lat, (grid.row + 0.5) * 0.5 - 90)
    np.testing.assert_allclose(grid.lon, (grid.col + 0.5) * 0.5 - 180)
    assert np.all((grid.share_in_mali > 0) & (grid.share_in_mali <= 1))


def test_population_totals(grid):
    pop = grid.region_population()
    total = int(pop.sum())
    assert abs(total - NATIONAL) <= 0.05 * NATIONAL
    assert 2_500_000 <= pop["Bamako"] <= 4_500_000
    assert pop[list(NORTHERN_REGIONS)].sum() < 0.15 * total
    assert list(pop.index) == list(REGIONS)
    assert np.all(grid.population >= 0)


def test_biomes_follow_latitude(grid):
    assert set(grid.biome_name) == set(BIOMES)
    sahara = grid.lat[grid.biome == BIOMES.index("Saharan")]
    sudan = grid.lat[grid.biome == BIOMES.index("Sudanian")]
    assert sahara.min() > sudan.max()


def test_river_and_roads(grid):
    assert 20 <= grid.river.sum() <= 80
    assert grid.road.sum() > grid.river.sum() / 2
    for town in ("Bamako", "Mopti", "Timbuktu", "Gao"):
        assert grid.river[grid.main_town == town].all(), town


def test_neighbours_symmetric_never_self(grid):
    sets = _csr_sets(grid.neighbor_indptr, grid.neighbor_indices)
    for i, s in enumerate(sets):
        assert i not in s
        assert len(s) <= 8
        for j in s:
            assert i in sets[j]
            assert max(abs(grid.row[i] - grid.row[j]), abs(grid.col[i] - grid.col[j])) == 1
    assert grid.neighbor_indptr[-1] == grid.neighbor_indices.size


def test_within_contains_neighbours_and_is_cached(grid):
    near = _csr_sets(grid.neighbor_indptr, grid.neighbor_indices)
    indptr, indices = grid.within(2)
    far = _csr_sets(indptr, indices)
    assert all(a <= b for a, b in zip(near, far, strict=True))
    assert any(a < b for a, b in zip(near, far, strict=True))
    assert all(i not in s for i, s in enumerate(far))
    assert grid.within(2)[1] is indices
    assert grid.within(0)[1].size == 0


def test_neighbour_sum_is_the_csr_product_bit_for_bit(grid):
    """``NeighbourSum`` replaced a SciPy CSR product: the same float64 bits, every shape used."""
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(3)
    for radius in (1, 2, 3):
        indptr, indices = grid.within(radius)
        matrix = sparse.csr_matrix(
            (np.ones(indices.size), indices, indptr), shape=(grid.n_cells,) * 2
        )
        around = NeighbourSum(indptr, indices)
        n = grid.n_cells
        for values in (
            rng.random(n) * 1e6,
            rng.random(n).astype(np.float32),
            rng.integers(0, 50, n),
            (rng.random((5, n)) * 1e3).T,  # the (n_cells, families) view the civilians pass
        ):
            want, got = matrix @ values, around @ values
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.array_equal(want.view(np.uint64), np.ascontiguousarray(got).view(np.uint64))


def _digest(grid: MaliGrid) -> str:
    h = hashlib.sha256()
    for name in GRID_COLUMNS:
        a = getattr(grid, name)
        h.update(f"{name}:{a.dtype.str}:{a.shape}:".encode())
        if a.dtype == object:
            h.update(repr([(type(x).__name__, x) for x in a]).encode("utf-8"))
        else:
            h.update(a.tobytes())
    return h.hexdigest()


#: SHA-256 of the packaged grid's arrays (:func:`_digest`) as the reader before the one validating
#: reader (commit cb99e02, ``_read_packaged``) gave them. It changes only if ``data/grid.csv`` or
#: the way it is read changes: after a deliberate rebuild of the grid, recompute it.
PACKAGED_GRID_SHA256 = "831e13f78d77709c39d5f6e0e59ac992dc035d3fe725d777fb049b8fd4107b38"


def test_packaged_grid_is_the_grid_of_before_bit_for_bit(grid) -> None:
    """The one validating reader gives the packaged grid of the old fast reader, every array."""
    assert _digest(grid) == PACKAGED_GRID_SHA256


def test_packaged_grid_read_without_pandas_is_the_pandas_grid() -> None:
    """``load_grid()`` reads the packaged file with ``csv``: the grid of the pandas reader."""
    from malisim.model import space

    path = DATA / "grid.csv"
    fast = space._read_packaged(path)
    slow = MaliGrid.from_frame(space._read_csv(path, str(path)), source=str(path))
    for name in GRID_COLUMNS:
        a, b = getattr(fast, name), getattr(slow, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        if a.dtype == object:
            assert [(type(x), x) for x in a] == [(type(x), x) for x in b], name
        else:
            assert a.tobytes() == b.tobytes(), name


def test_grid_is_immutable(grid):
    with pytest.raises(AttributeError):
        grid.population = grid.population
    with pytest.raises(ValueError):
        grid.population[0] = 1


def test_subset_keeps_neighbours_inside(grid):
    sub = grid.subset(regions=["Mopti", "Ségou"])
    assert 0 < sub.n_cells < grid.n_cells
    assert set(sub.region_name) == {"Mopti", "Ségou"}
    assert sub.neighbor_indices.max() < sub.n_cells
    sets = _csr_sets(sub.neighbor_indptr, sub.neighbor_indices)
    assert all(i not in s and all(i in sets[j] for j in s) for i, s in enumerate(sets))
    small = grid.subset(mask=grid.lat < 12.0)
    assert np.all(small.lat < 12.0)
    both = grid.subset(regions="Sikasso", mask=grid.lon > -6.0)
    assert set(both.region_name) == {"Sikasso"} and np.all(both.lon > -6.0)
    with pytest.raises(ValueError):
        grid.subset(regions=["Atlantis"])


def test_border_countries(grid):
    present = set(grid.border_country_name) - {""}
    assert present == set(NEIGHBOUR_COUNTRIES)
    border = grid.border_country >= 0
    assert np.all(grid.nearest_border_cell[border] == np.flatnonzero(border))
    assert np.all(grid.nearest_border_km[border] == 0)
    assert np.all(grid.nearest_border_country >= 0)
    bamako = np.flatnonzero(grid.region_name == "Bamako")[0]
    assert NEIGHBOUR_COUNTRIES[grid.nearest_border_country[bamako]] == "Guinea"
    kidal = np.flatnonzero(grid.main_town == "Kidal")[0]
    assert NEIGHBOUR_COUNTRIES[grid.nearest_border_country[kidal]] == "Algeria"


def test_distance_km(grid):
    b = np.flatnonzero(grid.main_town == "Bamako")[0]
    g = np.flatnonzero(grid.main_town == "Gao")[0]
    d = float(grid.distance_km(b, g))
    assert 850 < d < 1050  # Bamako-Gao: about 950 km as the crow flies (cell centres: ~900)
    assert np.allclose(grid.distance_km(np.arange(3), np.arange(3)), 0.0)


def test_geography_sanity(grid):
    frame = grid.to_frame()
    kidal = frame[frame.region == "Kidal"]
    assert kidal.lat.mean() > 18 and kidal.lon.mean() > 0
    assert frame[frame.region == "Sikasso"].lat.mean() < 12.5
    assert frame[frame.region == "Kayes"].lon.mean() < frame[frame.region == "Koulikoro"].lon.mean()
    tomb = frame[frame.region == "Tombouctou"]
    assert tomb.lat.max() > 24 and tomb.lon.mean() < -2
    menaka = frame[frame.region == "Ménaka"]
    gao = frame[frame.region == "Gao"]
    assert menaka.lon.mean() > gao.lon.mean()
    assert frame.loc[frame.region == "Bamako", "main_town"].tolist() == ["Bamako"]


def test_to_frame_round_trips_csv(grid):
    csv = pd.read_csv(DATA / "grid.csv", keep_default_na=False)
    frame = grid.to_frame()
    assert list(frame.columns) == list(GRID_COLUMNS) == list(csv.columns)
    pd.testing.assert_frame_equal(frame.astype(str), csv.astype(str).map(str), check_dtype=False)


def test_load_grid_reports_missing_column(tmp_path):
    df = pd.read_csv(DATA / "grid.csv", keep_default_na=False).drop(columns=["biome"])
    bad = tmp_path / "bad.csv"
    df.to_csv(bad, index=False)
    with pytest.raises(GridDataError, match=r"bad\.csv.*biome"):
        load_grid(bad)
    df = pd.read_csv(DATA / "grid.csv", keep_default_na=False)
    df.loc[0, "region"] = "Narnia"
    df.to_csv(bad, index=False)
    with pytest.raises(GridDataError, match="region"):
        load_grid(bad)
    assert load_grid() is load_grid()


def test_to_mesa_space(grid):
    from mesa.discrete_space import OrthogonalMooreGrid

    sub = grid.subset(regions=["Kidal", "Gao", "Ménaka"])
    for g in (grid, sub):
        space = g.to_mesa_space(random=random.Random(1))
        assert isinstance(space, OrthogonalMooreGrid)
        assert not space.torus
        assert tuple(space.dimensions) == g.shape_2d
        inside = space.inside.data
        assert int(inside.sum()) == g.n_cells
        assert int(space.population.data.sum()) == int(g.population.sum())
        assert set(PROPERTY_LAYERS) <= set(space._mesa_property_layers)
        idx = g.index_2d()
        assert np.array_equal(idx >= 0, inside)
        x, y = g.mesa_coords[5]
        assert space._cells[(int(x), int(y))].region == g.region[5]
    flat = grid.flat_to_2d(grid.share_in_mali)
    assert np.isnan(flat[grid.index_2d() < 0]).all()


def test_build_script_is_deterministic(tmp_path):
    out = tmp_path / "grid.csv"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_grid.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # the committed files were produced by an earlier run: byte-identical means deterministic
    assert out.read_bytes() == (DATA / "grid.csv").read_bytes()
    assert (tmp_path / "grid_provenance.json").read_bytes() == (
        DATA / "grid_provenance.json"
    ).read_bytes()
    prov = json.loads((tmp_path / "grid_provenance.json").read_text(encoding="utf-8"))
    assert prov["summary"]["total_population"] == NATIONAL
    assert not re.search(r"20\d\d-\d\d-\d\d", json.dumps(prov))  # no build date
