"""The resolved scenario: what a run needs once ``extends`` chains and overrides are merged.

:class:`ResolvedScenario` is built by :mod:`malisim.scenario.resolve`; policy settings by path
(:mod:`malisim.scenario.settings`) and design points return changed copies of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from malisim.core.calendar import parse_month
from malisim.model.parameters import Parameters
from malisim.policies import Policy


@dataclass
class ResolvedScenario:
    """A scenario with its ``extends`` chain and overrides merged, ready to run.

    Attributes:
        name: Scenario name.
        description: Scenario description.
        start: First month (``YYYY-MM``).
        end: Last month (``YYYY-MM``), inclusive.
        parameters: The full, validated parameter set.
        policies: Fresh policy instances, parents' first.
        source_files: The files read, root of the ``extends`` chain first (not compared).
    """

    name: str
    description: str
    start: str
    end: str
    parameters: Parameters
    policies: list[Policy]
    source_files: list[str] = field(default_factory=list, compare=False)

    @property
    def start_month(self) -> int:
        """First month as a month index."""
        return parse_month(self.start)

    @property
    def end_month(self) -> int:
        """Last month as a month index."""
        return parse_month(self.end)

    @property
    def n_months(self) -> int:
        """Number of months in the run (start and end included)."""
        return self.end_month - self.start_month + 1

    def overrides(self) -> dict[str, Any]:
        """Return the parameters that differ from their defaults."""
        values = self.parameters.model_dump()
        defaults = {name: f.default for name, f in Parameters.model_fields.items()}
        return {k: v for k, v in values.items() if v != defaults[k]}

    def to_dict(self) -> dict[str, Any]:
        """Return a plain mapping that :func:`scenario_from_dict` turns back into this scenario."""
        return {
            "name": self.name,
            "description": self.description,
            "start": self.start,
            "end": self.end,
            "params": self.overrides(),
            "policies": [p.to_dict() for p in self.policies],
        }
