"""The page's settings: levers, their labels and tooltips, and the scenario they make.

Pure logic (no Solara, no plotting), so it is tested without a browser.

A :class:`Levers` value holds the page's controls. It starts from a resolved scenario
(:func:`levers_from_scenario`) and turns back into a self-contained scenario mapping
(:func:`scenario_dict`) that :func:`malisim.scenario.load_scenario` validates once written as YAML
(:func:`scenario_yaml`). Each lever drives the scenario's first (for ECOWAS sanctions: its
strongest) policy of one type; the other dates of that policy move with the lever's date, its
other settings are kept, and every other policy of the scenario is kept as it is.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from malisim.core.calendar import format_month, parse_month
from malisim.core.errors import UserError
from malisim.core.sources import ASSUMPTION, keys_cited
from malisim.model.parameters import parameter_specs
from malisim.policies import POLICY_REGISTRY
from malisim.scenario import ResolvedScenario, load_scenario, scenario_from_dict

#: Environment variable naming a scenario file the page opens with (set by ``malisim ui FILE``).
SCENARIO_ENV = "MALISIM_UI_SCENARIO"
#: Environment variable naming a folder of scenarios (default: ``./scenarios`` or the checkout's).
SCENARIO_DIR_ENV = "MALISIM_UI_SCENARIO_DIR"
#: Scenario the page opens with when none is given.
DEFAULT_SCENARIO = "historical"

#: Policy types driven by a lever.
LEVER_POLICIES: tuple[str, ...] = (
    "french_withdrawal",
    "wagner_deployment",
    "ecowas_sanctions",
    "minusma_withdrawal",
    "jihadist_dialogue",
    "accord_implementation",
    "kidal_offensive",
)
#: The field of each lever policy that the lever's date sets (the policy's other dates follow).
ANCHOR_FIELD: dict[str, str] = {
    "french_withdrawal": "drawdown_start",
    "wagner_deployment": "start",
    "ecowas_sanctions": "start",
    "minusma_withdrawal": "drawdown_start",
    "jihadist_dialogue": "start",
    "accord_implementation": "start",
    "kidal_offensive": "start",
}


@dataclass(frozen=True)
class Levers:
    """The page's controls (months as ``YYYY-MM``)."""

    french_on: bool = False
    french_start: str = "2022-02"
    wagner_on: bool = False
    wagner_start: str = "2021-12"
    wagner_personnel: float = 1000.0
    wagner_abuse: float = 4.0
    sanctions_on: bool = False
    sanctions_start: str = "2022-01"
    sanctions_months: int = 6
    sanctions_intensity: float = 1.0
    minusma_on: bool = False
    minusma_start: str = "2023-07"
    dialogue_on: bool = False
    dialogue_start: str = "2022-01"
    dialogue_intensity: float = 0.5
    accord_on: bool = False
    accord_start: str = "2021-01"
    accord_level: float = 0.8
    kidal_on: bool = False
    kidal_start: str = "2023-10"
    kidal_months: int = 2
    kidal_intensity: float = 1.0
    #: Which parameter values run: :data:`CALIBRATED_POINT` (the scenario's own), ``"median"``
    #: (the shipped posterior's medians) or a row number of the shipped posterior, as text.
    parameters: str = "calibrated"

    def replace(self, **changes: Any) -> Levers:
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------------------------
# labels and tooltips


@dataclass(frozen=True)
class LeverInfo:
    """How a lever is shown: label, unit and tooltip."""

    label: str
    unit: str
    tooltip: str


def source_keys(text: str) -> str:
    """The bibliography keys a source text cites, for the page ("CRS2022, ICG2023").

    A text citing no document is "an assumption of the model" when it says so, else "".
    The Info tab lists every key with its full reference.
    """
    keys = keys_cited(text)
    if keys:
        return ", ".join(keys)
    return "an assumption of the model" if ASSUMPTION in text.lower() else ""


def _sources(text: str) -> str:
    keys = source_keys(text)
    return f" Sources: {keys}." if keys else ""


def _param_tip(name: str, what: str) -> str:
    spec = parameter_specs()[name]
    return f"{what} {spec.description}{_sources(spec.source)}"


def _policy_tip(kind: str, what: str) -> str:
    cls = POLICY_REGISTRY[kind]
    return f"{what}{_sources('; '.join(cls.sources))}"


def lever_info() -> dict[str, LeverInfo]:
    """Label, unit and tooltip (what it does, where the effect comes from) of every lever."""
    return {
        "french_on": LeverInfo(
            "French withdrawal",
            "on/off",
            _policy_tip(
                "french_withdrawal",
                "On: Barkhane leaves Mali; off: France stays at its 2019 strength.",
            ),
        ),
        "french_start": LeverInfo(
            "French drawdown starts",
            "month",
            "Month the French drawdown begins; the announcement and the last troops out move "
            "with it (historically Feb-Aug 2022).",
        ),
        "wagner_on": LeverInfo(
            "Wagner deployment",
            "on/off",
            _policy_tip("wagner_deployment", "On: Wagner (later Africa Corps) fights with FAMa."),
        ),
        "wagner_start": LeverInfo(
            "Wagner arrives",
            "month",
            "Month the first personnel arrive (historically December 2021); the ramp-up and "
            "the hand-over to Africa Corps move with it.",
        ),
        "wagner_personnel": LeverInfo(
            "Wagner personnel",
            "personnel",
            _param_tip("wagner_personnel", "Personnel once deployed (and after the hand-over)."),
        ),
        "wagner_abuse": LeverInfo(
            "Wagner abuse multiplier",
            "× the FAMa rate",
            _param_tip(
                "wagner_abuse_multiplier",
                "How many times more often Wagner (and FAMa units with it) kill civilians.",
            ),
        ),
        "sanctions_on": LeverInfo(
            "ECOWAS sanctions",
            "on/off",
            _policy_tip("ecowas_sanctions", "On: ECOWAS closes borders and freezes assets."),
        ),
        "sanctions_start": LeverInfo(
            "Sanctions start", "month", "First month of the sanctions (historically 2022-01)."
        ),
        "sanctions_months": LeverInfo(
            "Sanctions duration",
            "months",
            "How long the sanctions last (historically six months, lifted July 2022).",
        ),
        "sanctions_intensity": LeverInfo(
            "Sanctions intensity",
            "share (0-1)",
            _param_tip("ecowas_sanctions", "1 = full border closure and asset freeze."),
        ),
        "minusma_on": LeverInfo(
            "MINUSMA withdrawal",
            "on/off",
            _policy_tip("minusma_withdrawal", "On: the UN peacekeepers leave; off: they stay."),
        ),
        "minusma_start": LeverInfo(
            "MINUSMA drawdown starts",
            "month",
            "Month the drawdown begins (historically July 2023, finished by December 2023).",
        ),
        "dialogue_on": LeverInfo(
            "Dialogue with JNIM",
            "on/off",
            _policy_tip("jihadist_dialogue", "On: local ceasefires and talks with JNIM."),
        ),
        "dialogue_start": LeverInfo(
            "Dialogue starts",
            "month",
            "First month of the dialogue (in 2020 Mali said it was willing to talk with "
            "jihadist groups; Crisis Group (2023) recommends it).",
        ),
        "dialogue_intensity": LeverInfo(
            "Dialogue intensity",
            "share (0-1)",
            _param_tip("dialogue_intensity", "How much JNIM-state fighting and recruitment fall."),
        ),
        "accord_on": LeverInfo(
            "Change how far the Algiers accord is implemented",
            "on/off",
            _policy_tip(
                "accord_implementation",
                "On: from the chosen month the 2015 accord is implemented at the chosen level, "
                "from 0 (the accord is ended, as the junta did in January 2024) to 1 (fully "
                "implemented); off: it stays at its starting level all along.",
            ),
        ),
        "accord_start": LeverInfo(
            "New accord level from",
            "month",
            "Month the new implementation level applies (the junta ended the accord in "
            "January 2024).",
        ),
        "accord_level": LeverInfo(
            "Accord implementation level",
            "0 = ended, 1 = fully implemented",
            _param_tip(
                "accord_implementation",
                "0 means the accord is ended; 1 means decentralisation, integration of the "
                "signatory groups' fighters and development are all carried out.",
            ),
        ),
        "kidal_on": LeverInfo(
            "Kidal offensive",
            "on/off",
            _policy_tip(
                "kidal_offensive",
                "On: FAMa (and Wagner) attack the signatory groups' zone around Kidal.",
            ),
        ),
        "kidal_start": LeverInfo(
            "Offensive starts", "month", "First month of the offensive (historically 2023-10)."
        ),
        "kidal_months": LeverInfo(
            "Offensive duration",
            "months",
            "Months of fighting (historically October-November 2023: Anefis, then Kidal; "
            "Crisis Group CrisisWatch, 2023).",
        ),
        "kidal_intensity": LeverInfo(
            "Offensive intensity",
            "share (0-1)",
            "Share of the state's offensive forces sent north each month.",
        ),
        "parameters": LeverInfo(
            "Parameters",
            "choice",
            "Calibrated point: the scenario's own values. Posterior median or posterior draw N: "
            "the calibrated values replaced by the shipped calibration's medians or by its row "
            "N, as malisim run --posterior median or N does; the saved file keeps them.",
        ),
    }


def lever_value_text(key: str, value: object) -> str:
    """A lever's value as its label shows it, in plain words where a number needs them.

    Dates (``YYYY-MM``) read as "January 2022"; the accord's level says what 0 and 1 mean.
    """
    if isinstance(value, str):
        try:
            return month_name(parse_month(value))
        except (ValueError, UserError):
            return value
    if key == "accord_level":
        level = float(value)  # type: ignore[arg-type]
        if level <= 0.0:
            return "0: the accord is ended"
        if level >= 1.0:
            return "1: fully implemented"
        return f"{level:.2f} of full implementation"
    return str(value)


def month_name(month: int) -> str:
    """A month index as "January 2022"."""
    year, month0 = divmod(int(month), 12)
    return f"{MONTH_NAMES[month0]} {year}"


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# scenario files


def _repo_scenarios() -> Path:
    return Path(__file__).resolve().parents[3] / "scenarios"


def scenario_dirs() -> list[Path]:
    """Folders searched for shipped scenarios: $MALISIM_UI_SCENARIO_DIR, ./scenarios, checkout."""
    dirs = []
    if os.environ.get(SCENARIO_DIR_ENV):
        dirs.append(Path(os.environ[SCENARIO_DIR_ENV]))
    dirs += [Path.cwd() / "scenarios", _repo_scenarios()]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def available_scenarios(extra: str | Path | None = None) -> dict[str, Path]:
    """Scenario files the picker offers, by name (file stem); ``extra`` first if given."""
    found: dict[str, Path] = {}
    if extra:
        found[Path(extra).stem] = Path(extra)
    for d in scenario_dirs():
        for path in sorted(d.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def load_base(path: str | Path) -> ResolvedScenario:
    """Load a scenario file for the page (errors are UserErrors, as for the command line)."""
    return load_scenario(path)


# --------------------------------------------------------------------------------------------
# levers <-> scenario


def _months(a: str, b: str) -> int:
    return parse_month(b) - parse_month(a)


def _shift(month: str, delta: int, period: tuple[int, int]) -> str:
    first, last = period
    return format_month(min(max(parse_month(month) + delta, first), last))


def _primary_index(policies: list[dict[str, Any]], kind: str) -> int | None:
    """Index of the policy a lever drives: the first of its type (sanctions: the strongest)."""
    idx = [i for i, p in enumerate(policies) if p["type"] == kind]
    if not idx:
        return None
    if kind == "ecowas_sanctions":

        def strength(i: int) -> tuple[float, int]:
            p = policies[i]
            return (float(p.get("intensity", 1.0)), _months(p["start"], p["end"]))

        return max(idx, key=strength)
    return idx[0]


def lever_policies(scenario: ResolvedScenario) -> dict[str, dict[str, Any]]:
    """The policy mapping each lever drives in a scenario (absent types are left out)."""
    policies = [p.to_dict() for p in scenario.policies]
    out = {}
    for kind in LEVER_POLICIES:
        i = _primary_index(policies, kind)
        if i is not None:
            out[kind] = policies[i]
    return out


def levers_from_scenario(scenario: ResolvedScenario) -> Levers:
    """The levers that reproduce a scenario (the defaults for policies it does not have)."""
    lev = Levers(
        wagner_personnel=float(scenario.parameters.wagner_personnel) or Levers.wagner_personnel,
        wagner_abuse=float(scenario.parameters.wagner_abuse_multiplier),
        accord_level=Levers.accord_level,
    )
    pol = lever_policies(scenario)
    changes: dict[str, Any] = {}
    if p := pol.get("french_withdrawal"):
        changes.update(french_on=True, french_start=p["drawdown_start"])
    if p := pol.get("wagner_deployment"):
        changes.update(wagner_on=True, wagner_start=p["start"], wagner_personnel=p["personnel"])
        if p.get("abuse_multiplier") is not None:
            changes["wagner_abuse"] = p["abuse_multiplier"]
    if p := pol.get("ecowas_sanctions"):
        changes.update(
            sanctions_on=True,
            sanctions_start=p["start"],
            sanctions_months=_months(p["start"], p["end"]) + 1,
            sanctions_intensity=p.get("intensity", 1.0),
        )
    if p := pol.get("minusma_withdrawal"):
        changes.update(minusma_on=True, minusma_start=p["drawdown_start"])
    if p := pol.get("jihadist_dialogue"):
        changes.update(
            dialogue_on=True, dialogue_start=p["start"], dialogue_intensity=p["intensity"]
        )
    if p := pol.get("accord_implementation"):
        changes.update(accord_on=True, accord_start=p["start"], accord_level=p["level"])
    if p := pol.get("kidal_offensive"):
        changes.update(
            kidal_on=True,
            kidal_start=p["start"],
            kidal_months=_months(p["start"], p["end"]) + 1,
            kidal_intensity=p.get("intensity", 1.0),
        )
    return lev.replace(**changes)


def _anchored(
    base: dict[str, Any] | None,
    kind: str,
    default: dict[str, Any],
    anchor: str,
    period: tuple[int, int],
) -> dict[str, Any]:
    """The scenario's policy (or ``default``) with its dates shifted so ``anchor`` is its start.

    Shifted dates are clamped into the run's ``period`` (first, last month index), which keeps
    them in order: a hand-over pushed past the end of the run happens in its last month.
    """
    policy = dict(base) if base is not None else {"type": kind, **default}
    field = ANCHOR_FIELD[kind]
    delta = _months(policy[field], anchor)
    cls = POLICY_REGISTRY[kind]
    first, last = period
    for name in cls.model_validate({k: v for k, v in policy.items() if k != "type"}).date_fields():
        month = parse_month(policy[name]) + delta
        policy[name] = format_month(min(max(month, first), last))
    return policy


def _policy_for(
    kind: str, lev: Levers, base: dict[str, Any] | None, scenario: ResolvedScenario
) -> dict | None:
    """The policy mapping a lever makes (None when the lever is off)."""
    period = (scenario.start_month, scenario.end_month)
    params = scenario.parameters
    if kind == "french_withdrawal" and lev.french_on:
        return _anchored(
            base,
            kind,
            {"announcement": "2022-02", "drawdown_start": "2022-02", "drawdown_end": "2022-08"},
            lev.french_start,
            period,
        )
    if kind == "wagner_deployment" and lev.wagner_on:
        p = _anchored(base, kind, {"start": "2021-12", "ramp_months": 3}, lev.wagner_start, period)
        p["personnel"] = float(lev.wagner_personnel)
        if p.get("africa_corps_personnel") is not None:
            p["africa_corps_personnel"] = float(lev.wagner_personnel)
        if float(lev.wagner_abuse) != float(params.wagner_abuse_multiplier):
            p["abuse_multiplier"] = float(lev.wagner_abuse)
        else:
            p.pop("abuse_multiplier", None)
        return p
    if kind == "ecowas_sanctions" and lev.sanctions_on:
        p = _anchored(
            base, kind, {"start": "2022-01", "end": "2022-06"}, lev.sanctions_start, period
        )
        p["end"] = _shift(lev.sanctions_start, int(lev.sanctions_months) - 1, period)
        p["intensity"] = float(lev.sanctions_intensity)
        return p
    if kind == "minusma_withdrawal" and lev.minusma_on:
        default = {"drawdown_start": "2023-07", "drawdown_end": "2023-12"}
        return _anchored(base, kind, default, lev.minusma_start, period)
    if kind == "jihadist_dialogue" and lev.dialogue_on:
        p = _anchored(base, kind, {"start": "2022-01"}, lev.dialogue_start, period)
        p["intensity"] = float(lev.dialogue_intensity)
        return p
    if kind == "accord_implementation" and lev.accord_on:
        p = _anchored(base, kind, {"start": "2021-01", "level": 0.8}, lev.accord_start, period)
        p["level"] = float(lev.accord_level)
        return p
    if kind == "kidal_offensive" and lev.kidal_on:
        p = _anchored(base, kind, {"start": "2023-10", "end": "2023-11"}, lev.kidal_start, period)
        p["end"] = _shift(lev.kidal_start, int(lev.kidal_months) - 1, period)
        p["intensity"] = float(lev.kidal_intensity)
        return p
    return None


def scenario_dict(
    base: ResolvedScenario, lev: Levers, name: str | None = None, seed: int | None = None
) -> dict[str, Any]:
    """A self-contained scenario mapping: the base scenario with the levers applied.

    Args:
        base: The scenario picked on the page (resolved).
        lev: The levers.
        name: Name of the new scenario (default ``<base>_custom``).
        seed: The page's seed, mentioned in the description.

    Returns:
        A mapping with the keys of a scenario file (no ``extends``): name, description, start,
        end, params (the base's overrides) and policies, in the base's order with each lever's
        policy in the place of the one it replaces (new ones at the end).
    """
    policies = [p.to_dict() for p in base.policies]
    primaries = {kind: _primary_index(policies, kind) for kind in LEVER_POLICIES}
    made = {
        kind: _policy_for(kind, lev, policies[i] if i is not None else None, base)
        for kind, i in primaries.items()
    }
    out_policies: list[dict[str, Any]] = []
    for i, p in enumerate(policies):
        kind = p["type"]
        if primaries.get(kind) == i:
            if made[kind] is not None:
                out_policies.append(made[kind])
        else:
            out_policies.append(p)
    for kind in LEVER_POLICIES:
        if primaries[kind] is None and made[kind] is not None:
            out_policies.append(made[kind])
    desc = f"Made on the malisim page from scenario {base.name}"
    desc += f" (seed {seed})." if seed is not None else "."
    params = dict(base.overrides())
    changed, label = posterior_changes(base, lev.parameters)
    if changed:
        params.update(changed)
        desc += (
            f" Parameters: {label} of the shipped posterior (the same values as "
            f"malisim run --posterior {lev.parameters})."
        )
    return {
        "name": name or f"{base.name}_custom",
        "description": desc,
        "start": base.start,
        "end": base.end,
        "params": params,
        "policies": out_policies,
    }


def kept_policies(base: ResolvedScenario) -> list[dict[str, Any]]:
    """The scenario's policies that no lever drives (kept as they are by :func:`scenario_dict`)."""
    policies = [p.to_dict() for p in base.policies]
    primaries = {_primary_index(policies, kind) for kind in LEVER_POLICIES}
    return [p for i, p in enumerate(policies) if i not in primaries]


#: The "Parameters" choice that keeps the scenario's own (calibrated) values.
CALIBRATED_POINT = "calibrated"


@functools.lru_cache(maxsize=1)
def shipped_posterior() -> Any:
    """The posterior shipped with the package, read once (:mod:`malisim.experiment.posterior`)."""
    from malisim.experiment.posterior import load_posterior

    return load_posterior(None, key="parameters")


def posterior_changes(base: ResolvedScenario, which: str) -> tuple[dict[str, Any], str]:
    """The parameter values the page's "Parameters" choice puts in place of the scenario's.

    The same reading as ``malisim run --posterior which`` (:func:`~malisim.experiment.posterior.
    pick_draw`, with the scenario's own explicit parameters kept, as the command keeps them).

    Returns:
        The changed values by parameter name (empty for :data:`CALIBRATED_POINT`) and a label.

    Raises:
        UserError: ``which`` is neither ``median`` nor a row of the shipped posterior.
    """
    if which == CALIBRATED_POINT:
        return {}, "calibrated point"
    from malisim.experiment.posterior import explicit_parameters, pick_draw

    posterior = shipped_posterior()
    try:
        values, label = pick_draw(posterior, which, key="parameters")
    except UserError as err:  # the page names the shipped posterior, not its path on disk
        allowed = (
            f"median, or a row number from 0 to {posterior.n_draws - 1} of the shipped posterior"
        )
        raise err.reworded(err.message, allowed=allowed) from None
    kept = explicit_parameters(base)
    return {k: v for k, v in values.items() if k not in kept}, label


def resolve_levers(base: ResolvedScenario, lev: Levers) -> ResolvedScenario:
    """The runnable scenario of the levers (raises UserError if a combination is invalid)."""
    return scenario_from_dict(scenario_dict(base, lev), source="<page settings>")


def scenario_yaml(data: dict[str, Any], seed: int | None = None) -> str:
    """Scenario mapping as YAML text (with a header comment naming the seed)."""
    head = "# Scenario saved from the malisim page (malisim ui).\n"
    if seed is not None:
        head += f"# Seed used on the page: {seed} (run it with: malisim run FILE --seed {seed})\n"
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def check_levers(base: ResolvedScenario, lev: Levers) -> str | None:
    """Return a message if the levers make an invalid scenario, else None."""
    try:
        resolve_levers(base, lev)
    except UserError as err:
        return str(err)
    return None


def month_options(scenario: ResolvedScenario) -> list[str]:
    """Months a date lever can take: the scenario's months."""
    return [format_month(m) for m in range(scenario.start_month, scenario.end_month + 1)]
