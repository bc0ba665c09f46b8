"""The scenario layer: scenario files, their resolution, the JSON schema, and one replicate.

The file model and loader are in :mod:`~malisim.scenario.files`; running one replicate and
writing its outputs in :mod:`~malisim.scenario.runner` (imported on its own, since it imports
the model).
"""

from malisim.core.locate import Locator, error_from_pydantic, raise_validation, validate_section
from malisim.scenario.files import (
    DEFAULT_END,
    DEFAULT_START,
    SET_SOURCE,
    ResolvedScenario,
    Scenario,
    load_scenario,
    scenario_from_dict,
    scenario_json_schema,
    scenario_schema_text,
    validate_files,
    write_scenario_schema,
)

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "SET_SOURCE",
    "Locator",
    "ResolvedScenario",
    "Scenario",
    "error_from_pydantic",
    "load_scenario",
    "raise_validation",
    "scenario_from_dict",
    "scenario_json_schema",
    "scenario_schema_text",
    "validate_files",
    "validate_section",
    "write_scenario_schema",
]
