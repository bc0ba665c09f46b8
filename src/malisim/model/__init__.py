"""The model layer: :class:`MaliModel` and everything it steps.

Parameters (:mod:`~malisim.model.parameters`), space (:mod:`~malisim.model.space`), actors
(:mod:`~malisim.model.actors`), civilians (:mod:`~malisim.model.civilians`), conflict
(:mod:`~malisim.model.conflict`), the event log (:mod:`~malisim.model.events`), economy
(:mod:`~malisim.model.economy`), outcomes (:mod:`~malisim.model.outcomes`) and initial
conditions (:mod:`~malisim.model.initial`); the cell snapshot each phase reads
(:mod:`~malisim.model.situation`), the grid's neighbourhoods (:mod:`~malisim.model.topology`),
the hooks policies use (:mod:`~malisim.model.hooks`), the run's settable parameters
(:mod:`~malisim.model.run_parameters`), the vocabulary of enums (:mod:`~malisim.model.vocab`) and
the run-level scalars (:mod:`~malisim.model.scalars`). The model imports nothing above it (no
policies, scenarios, analysis, plotting, UI or command line).

``from malisim.model import MaliModel`` imports the model (and Mesa) on first use only, so that
reading the parameter schema stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.core.lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover
    from malisim.model.mali_model import MaliModel

__all__ = ["MaliModel"]

__getattr__ = lazy_names(__name__, {"MaliModel": "malisim.model.mali_model"})
