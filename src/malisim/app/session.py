"""The state of one browser session: its model, the scenarios it can pick from, its settings.

Each browser session has one :class:`Session` (held by the page's ``Page`` component). Its model
is stepped by the buttons and by the play loop, and replaced when new settings have been re-run
(:mod:`malisim.app.run_loop`); :attr:`Session.lock` guards the replacement against a step.

When the browser session ends (the tab is closed, or the server culls a page that stayed
disconnected for ``malisim ui --session-timeout`` seconds), the page closes its session
(:meth:`Session.close`): the model is released and dropped at once, so a closed session keeps
no model alive. :func:`live_sessions` counts the sessions not closed yet.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any

from malisim.app.settings import (
    DEFAULT_SCENARIO,
    Levers,
    available_scenarios,
    levers_from_scenario,
    load_base,
    resolve_levers,
)
from malisim.app.upload import load_browser_upload
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.model.civilians import prefer_matrix_sums
from malisim.scenario import ResolvedScenario, scenario_from_dict
from malisim.scenario.runner import build_model

# the page's server lives long and steps many months: SciPy's import for the civilians' sums per
# home cell (the same bits as the bincount) is paid once, at start
prefer_matrix_sums()

#: The settings a model was built from: (scenario name, seed, levers).
SettingsKey = tuple[str, int, Levers]

#: The largest seed the page takes: the browser's numbers hold whole numbers exactly up to
#: 2**53 - 1, so a larger seed typed in the box would silently become another one.
MAX_SEED = 2**53 - 1

#: Every session created in this process and not yet garbage-collected.
_SESSIONS: weakref.WeakSet[Session] = weakref.WeakSet()


def check_seed(value: object) -> int:
    """The seed typed on the page, checked.

    Raises:
        UserError: It is not a whole number from 0 to :data:`MAX_SEED`.
    """
    allowed = f"a whole number from 0 to {MAX_SEED:,}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError("the seed must be a whole number", key="seed", allowed=allowed)
    if value < 0:
        raise UserError(f"the seed cannot be negative ({value:,})", key="seed", allowed=allowed)
    if value > MAX_SEED:
        raise UserError(f"the seed is too large ({value:,})", key="seed", allowed=allowed)
    return int(value)


def live_sessions() -> int:
    """The number of sessions of this process that are not closed (each holds a model)."""
    return sum(not s.closed for s in list(_SESSIONS))


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
        self._model: MaliModel | None = build_model(self.scenario, 1)
        self.key: tuple[Any, ...] = (self.initial, 1, self.initial_levers)
        self.steps = 0
        self._upload_dir: Path | None = None
        self._baseline: tuple[tuple[str, int], MaliModel] | None = None
        self._baseline_lock = threading.Lock()
        _SESSIONS.add(self)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (the session has no model any more)."""
        return self._model is None

    @property
    def model(self) -> MaliModel:
        """The session's model (the page shows it).

        Raises:
            RuntimeError: If the session is closed.
        """
        if self._model is None:
            raise RuntimeError("the session is closed")
        return self._model

    @model.setter
    def model(self, new: MaliModel) -> None:
        """Replace the session's model; the old one is released (see ``MaliModel.release``).

        On a closed session the new model is released instead (a re-run that finished late).
        """
        with self.lock:
            old = self._model
            if old is None:
                new.release()
                return
            self._model = new
            if old is not new:
                old.release()

    def close(self) -> None:
        """End the session: stop its replicates, release and drop its model (idempotent)."""
        self.rep_cancel.set()
        with self.lock:
            model, self._model = self._model, None
            if model is not None:
                model.release()
        self._drop_baseline()
        if self._upload_dir is not None:
            shutil.rmtree(self._upload_dir, ignore_errors=True)
            self._upload_dir = None

    def _drop_baseline(self) -> None:
        with self._baseline_lock:
            if self._baseline is not None:
                self._baseline[1].release()
                self._baseline = None

    def baseline_levers(self) -> Levers:
        """The levers of the picked scenario as it is (the baseline of "compare")."""
        return levers_from_scenario(self.base(str(self.key[0])))

    def baseline_history(self) -> dict[str, Any] | None:
        """The national monthly series of the baseline run, to the month the session reached.

        The baseline is the picked scenario without the levers changed on the page, run with
        the same seed: the difference from the session's run is the effect of the changes on
        this history. It is run once and stepped on as the session's run goes on (rebuilt on
        a change of scenario or seed, or after a reset). When no lever is changed, it is the
        session's run itself.

        Returns:
            :func:`malisim.app.render.national_history` of the baseline, or None once closed.
        """
        from malisim.app.render import national_history

        with self.lock:
            if self.closed:
                return None
            name, seed, levers = self.key
            steps, model = self.steps, self.model
        base = self.base(str(name))
        if levers == levers_from_scenario(base):
            return national_history(model)
        key = (str(name), int(seed))
        with self._baseline_lock:
            current = self._baseline
            if current is None or current[0] != key or _done(current[1]) > steps:
                if current is not None:
                    current[1].release()
                scenario = resolve_levers(base, levers_from_scenario(base))
                current = (key, build_model(scenario, int(seed)))
                self._baseline = current
            bm = current[1]
            while _done(bm) < steps and bm.running:
                bm.step()
            return national_history(bm)

    def add_upload(self, info: dict[str, Any]) -> str:
        """Open a scenario file the student picked (see :mod:`malisim.app.upload`).

        Args:
            info: What the browser sent: ``{name, size, text}``.

        Returns:
            The name the picker shows for it (now one of :attr:`scenarios`).

        Raises:
            UserError: The file is not a valid scenario file (nothing is added).
        """
        if self._upload_dir is None:
            self._upload_dir = Path(tempfile.mkdtemp(prefix="malisim-page-"))
        up = load_browser_upload(info, self._upload_dir, set(self.scenarios))
        self.scenarios[up.name] = up.path
        self._bases[up.name] = up.scenario
        return up.name

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
            UserError: The seed is out of range (:func:`check_seed`) or the levers make an
                invalid scenario.
            ValueError: The levers make an invalid scenario.
        """
        name, seed, levers = key
        seed = check_seed(seed)
        scenario = resolve_levers(self.base(name), levers)
        return build_model(scenario, seed), scenario

    def reset(self) -> None:
        """Back to the first month with the current settings (the last valid ones)."""
        with self.lock:
            if self.closed:
                return
            self.model = build_model(self.scenario, int(self.key[1]))
            self.steps = 0

    def step(self, n: int = 1) -> None:
        """Advance the model ``n`` months (fewer at the end of the run; none once closed)."""
        with self.lock:
            if self._model is None:
                return
            model = self._model
            for _ in range(n):
                if not model.running:
                    break
                model.step()
            self.steps = model.month - model.start_month


def _done(model: MaliModel) -> int:
    """Months a model has run."""
    return model.month - model.start_month
