"""Shared fixtures: a small sub-grid, a small civilian population and short model runs.

The full grid with 50,000 civilian agents takes about a second per eight-year run; the tests use
five regions of the centre and north (where every armed actor and most MINUSMA and French bases
are), 5,000 civilian agents and horizons of a few months to four years, so that the whole suite
stays well under a minute on two cores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import pytest

from malisim.model import MaliModel
from malisim.model.space import MaliGrid, load_grid
from malisim.policies import Policy

#: Regions of the test sub-grid: the centre (Mopti, Ségou) and the north-east (Gao, Ménaka,
#: Tombouctou), where JNIM, IS Sahel, the signatory groups, France and MINUSMA all operate.
SUBGRID_REGIONS: tuple[str, ...] = ("Mopti", "Ségou", "Gao", "Ménaka", "Tombouctou")
#: Civilian agents in test runs (the default is 50,000).
N_AGENTS = 5_000


@pytest.fixture(scope="session")
def subgrid() -> MaliGrid:
    """The five-region sub-grid (immutable, shared by every test)."""
    return load_grid().subset(regions=list(SUBGRID_REGIONS))


@pytest.fixture(scope="session")
def make_model(subgrid: MaliGrid) -> Callable[..., MaliModel]:
    """Factory of models on the sub-grid with few agents (not yet run).

    Call it as ``make_model(seed=1, start="2019-01", end="2019-12", policies=(), **overrides)``.
    """

    def _make(
        seed: int = 1,
        start: str = "2019-01",
        end: str = "2019-12",
        policies: Iterable[Policy] = (),
        **overrides: Any,
    ) -> MaliModel:
        overrides.setdefault("n_civilian_agents", N_AGENTS)
        return MaliModel(
            seed=seed, start=start, end=end, policies=policies, grid=subgrid, **overrides
        )

    return _make


@pytest.fixture(scope="session")
def run_model(make_model: Callable[..., MaliModel]) -> Callable[..., MaliModel]:
    """Factory that builds a model on the sub-grid (see ``make_model``) and runs it to the end."""

    def _run(**kwargs: Any) -> MaliModel:
        return make_model(**kwargs).run()

    return _run


@pytest.fixture(scope="session")
def national() -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Function returning the national rows (region "Mali") of a series, indexed by date."""

    def _national(series: pd.DataFrame) -> pd.DataFrame:
        return series[series["region"] == "Mali"].set_index("date")

    return _national
