"""The scenario layer: scenario files, their resolution, the JSON schema, and one replicate.

Modules: :mod:`~malisim.scenario.files` (the file schema, :class:`Scenario`, and the checks one
file can fail), :mod:`~malisim.scenario.resolve` (``extends`` chains, ``exclude_policies``,
``--set`` overrides -> :class:`ResolvedScenario`, defined in :mod:`~malisim.scenario.resolved`),
:mod:`~malisim.scenario.settings` (policy settings by path, ``policies.<type>.<setting>``, and
the parameters that policies control), :mod:`~malisim.scenario.json_schema` (the
JSON schema for editors), :mod:`~malisim.scenario.validate` (``malisim validate``), and
:mod:`~malisim.scenario.runner` (running one replicate and writing its outputs; imported on its
own, since it imports the model). The located-error toolkit that every user file shares is
:mod:`malisim.core.locate`; its names are re-exported here for older imports.
"""

from malisim.core.calendar import DEFAULT_END, DEFAULT_START
from malisim.core.locate import Locator, error_from_pydantic, raise_validation, validate_section
from malisim.scenario.files import Scenario
from malisim.scenario.json_schema import (
    scenario_json_schema,
    scenario_schema_text,
    write_scenario_schema,
)
from malisim.scenario.resolve import (
    SET_SOURCE,
    ResolvedScenario,
    load_scenario,
    load_scenario_with,
    resolve_scenario,
    scenario_from_dict,
)
from malisim.scenario.validate import validate_files

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "SET_SOURCE",
    "Locator",
    "ResolvedScenario",
    "Scenario",
    "error_from_pydantic",
    "load_scenario",
    "load_scenario_with",
    "raise_validation",
    "resolve_scenario",
    "scenario_from_dict",
    "scenario_json_schema",
    "scenario_schema_text",
    "validate_files",
    "validate_section",
    "write_scenario_schema",
]
