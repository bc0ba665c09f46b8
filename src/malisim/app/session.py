"""The state of one browser session: its model, the scenarios it can pick from, its settings.

Each browser session has one :class:`Session` (held by the page's ``Page`` component). Its model
is stepped by the buttons and by the play loop, and replaced when new settings have been re-run
(:mod:`malisim.app.run_loop`); :attr:`Session.lock` guards the replacement against a step.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from malisim.app.settings import (
    DEFAULT_SCENARIO,
    Levers,
    available_scenarios,
    levers_from_scenario,
    load_base,
    resolve_levers,
)
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.scenario import ResolvedScenario, scenario_from_dict
from malisim.scenario.runner import build_model

#: The settings a model was built from: (scenario name, seed, levers).
SettingsKey = tuple[str, int, Levers]


class Session:
    """The model of one browser session and the scenarios it can pick from.

    Attributes:
        scenarios: Scenario name -> file (None: the default parameters, no policies).
        initial: The scenario the page opens with.
        initial_levers: Its levers.
        scenario: The resolved scenario of the current settings (the last valid ones).
        model: The model of the current settings.
        key: The settings :attr:`model` was built from.
        steps: Months the model has run.
        lock: Held while the model steps or is replaced.
        rep_cancel: Set to stop running replicates.
    """

    def __init__(self, initial_file: str | None = None) -> None:
        self.scenarios: dict[str, Any] = dict(available_scenarios(initial_file))
        if not self.scenarios:
            self.scenarios["default"] = None
        if initial_file:
            self.initial = os.path.splitext(os.path.basename(initial_file))[0]
        elif DEFAULT_SCENARIO in self.scenarios:
            self.initial = DEFAULT_SCENARIO
        else:
            self.initial = next(iter(self.scenarios), "")
        self._bases: dict[str, ResolvedScenario] = {}
        self.lock = threading.RLock()
        self.rep_cancel = threading.Event()
        base = self.base(self.initial)
        self.initial_levers = levers_from_scenario(base)
        self.scenario = resolve_levers(base, self.initial_levers)
        self._model: MaliModel = build_model(self.scenario, 1)
        self.key: tuple[Any, ...] = (self.initial, 1, self.initial_levers)
        self.steps = 0

    @property
    def model(self) -> MaliModel:
        """The session's model (the page shows it)."""
        return self._model

    @model.setter
    def model(self, new: MaliModel) -> None:
        """Replace the session's model; the old one is released (see ``MaliModel.release``)."""
        old, self._model = self._model, new
        if old is not new:
            old.release()

    def base(self, name: str) -> ResolvedScenario:
        """The picked scenario, resolved (cached); "default" is the default parameters."""
        if name not in self._bases:
            path = self.scenarios.get(name)
            if path is None:
                self._bases[name] = scenario_from_dict(
                    {"name": name, "description": "The default parameters, no policies."}
                )
            else:
                self._bases[name] = load_base(path)
        return self._bases[name]

    def build(self, key: SettingsKey) -> tuple[MaliModel, ResolvedScenario]:
        """A new model of the settings ``key`` at its first month, and its resolved scenario.

        Raises:
            UserError: The seed is negative or the levers make an invalid scenario.
            ValueError: The levers make an invalid scenario.
        """
        name, seed, levers = key
        if seed < 0:
            raise UserError("the seed must be 0 or more", key="seed")
        scenario = resolve_levers(self.base(name), levers)
        return build_model(scenario, seed), scenario

    def reset(self) -> None:
        """Back to the first month with the current settings (the last valid ones)."""
        with self.lock:
            self.model = build_model(self.scenario, int(self.key[1]))
            self.steps = 0

    def step(self, n: int = 1) -> None:
        """Advance the model ``n`` months (fewer at the end of the run)."""
        with self.lock:
            for _ in range(n):
                if not self.model.running:
                    break
                self.model.step()
            self.steps = self.model.month - self.model.start_month
