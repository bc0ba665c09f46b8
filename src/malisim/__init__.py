"""malisim: agent-based simulation of stabilisation scenarios in Mali, built on Mesa.

A tool to explore scenarios and their uncertainty, not a forecast.

The public API, importable from ``malisim`` (each name loads its layer on first use, so that
``import malisim`` stays light and starts nothing):

* :class:`MaliModel` — the model (``malisim.model``);
* :class:`Parameters`, :func:`parameter_specs` — the parameter schema
  (``malisim.model.parameters``);
* :func:`load_scenario`, :func:`scenario_from_dict`, :class:`ResolvedScenario` — scenario files
  (``malisim.scenario``); :func:`run_scenario` — one replicate (``malisim.scenario.runner``);
* :class:`Experiment`, :func:`load_experiment`, :func:`run_experiment`, :func:`load_results`,
  :class:`Results` — batch experiments and their results folders (``malisim.experiment``);
* :func:`compare`, :class:`Comparison` — paired comparison of scenarios (``malisim.analysis``);
* :func:`write_report` — the HTML report of a results folder (``malisim.report``).

Everything else is reachable from its layer's package (``malisim.core``, ``malisim.model``,
``malisim.policies``, ``malisim.scenario``, ``malisim.experiment``, ``malisim.analysis``,
``malisim.calibration``, ``malisim.sensitivity``, ``malisim.viz``, ``malisim.report``,
``malisim.app``, ``malisim.cli``); those names are not promised to stay where they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.core.lazy import lazy_names, light_mesa
from malisim.core.version import __version__ as __version__

# Mesa's own __init__ imports all of Mesa (SciPy, networkx, pandas among them); the model needs
# three of its names: they are imported on first use instead (see light_mesa)
light_mesa()

if TYPE_CHECKING:  # pragma: no cover
    from malisim.analysis import Comparison, compare
    from malisim.experiment import (
        Experiment,
        Results,
        load_experiment,
        load_results,
        run_experiment,
    )
    from malisim.model import MaliModel
    from malisim.model.parameters import Parameters, parameter_specs
    from malisim.report import write_report
    from malisim.scenario import ResolvedScenario, load_scenario, scenario_from_dict
    from malisim.scenario.runner import run_scenario

#: Public name -> the module that defines it (imported on first access).
_PUBLIC: dict[str, str] = {
    "MaliModel": "malisim.model",
    "Parameters": "malisim.model.parameters",
    "parameter_specs": "malisim.model.parameters",
    "ResolvedScenario": "malisim.scenario",
    "load_scenario": "malisim.scenario",
    "scenario_from_dict": "malisim.scenario",
    "run_scenario": "malisim.scenario.runner",
    "Experiment": "malisim.experiment",
    "Results": "malisim.experiment",
    "load_experiment": "malisim.experiment",
    "run_experiment": "malisim.experiment",
    "load_results": "malisim.experiment",
    "Comparison": "malisim.analysis",
    "compare": "malisim.analysis",
    "write_report": "malisim.report",
}

__all__ = [
    "Comparison",
    "Experiment",
    "MaliModel",
    "Parameters",
    "ResolvedScenario",
    "Results",
    "__version__",
    "compare",
    "load_experiment",
    "load_results",
    "load_scenario",
    "parameter_specs",
    "run_experiment",
    "run_scenario",
    "scenario_from_dict",
    "write_report",
]


__getattr__ = lazy_names(__name__, _PUBLIC)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
