"""The model layer: :class:`MaliModel` and everything it steps.

Parameters (:mod:`~malisim.model.parameters`), space (:mod:`~malisim.model.space`), actors
(:mod:`~malisim.model.actors`), civilians (:mod:`~malisim.model.civilians`), conflict
(:mod:`~malisim.model.conflict`), the event log (:mod:`~malisim.model.events`), economy
(:mod:`~malisim.model.economy`), outcomes (:mod:`~malisim.model.outcomes`) and initial
conditions (:mod:`~malisim.model.initial`). The model imports nothing above it (no policies,
scenarios, analysis, plotting, UI or command line).

``from malisim.model import MaliModel`` imports the model (and Mesa) on first use only, so that
reading the parameter schema stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from malisim.model.mali_model import MaliModel

__all__ = ["MaliModel"]


def __getattr__(name: str) -> Any:
    if name == "MaliModel":
        from malisim.model.mali_model import MaliModel

        return MaliModel
    raise AttributeError(f"module 'malisim.model' has no attribute {name!r}")
