"""Fuzz table of bad inputs (issue 14): every case is one located line, exit 2, nothing written.

The shipped files of each kind (``scenarios/historical.yaml``, ``experiments/smoke.yaml``,
``experiments/calibration.yaml``, ``experiments/sensitivity.yaml``) are copied with the folders
they refer to into a temporary folder and mutated systematically (each required key deleted,
each top-level key given each wrong type, unknown keys, out-of-range numbers, bad months, bad
policies, duplicate keys, broken YAML) plus hand-written cases (``--set`` strings, command-line
options, ``--out`` under a regular file). Each case runs the command line in-process through
:func:`malisim.cli.main.main` with a command that only loads and checks the file (``describe``
for scenarios, ``sensitivity --dry-run``) or with the batch/calibration guarded so that no run can
start, and checks: exit status 2, one ``error:`` line on stderr, no traceback and no raw pydantic
text, the file named (with the key and its line where they apply), and no ``--out`` folder.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from malisim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]

#: Wrong-type values for a top-level key, by name (YAML text of the value).
WRONG_TYPES = {
    "null": None,
    "list": [1, 2],
    "mapping": {"a": 1},
    "string": "some text",
    "number": 7.5,
    "bool": True,
}
#: Out-of-range numbers, by name (YAML text).
NUMBERS = {"negative": "-3", "zero": "0", "huge": "1.0e300", "nan": ".nan", "inf": ".inf"}
#: Malformed months.
MONTHS = {"month13": "2019-13", "month00": "2019-00", "twodigityear": "19-01", "text": "soon"}
#: Raw pydantic or Python text that must never reach the user.
RAW = ("Traceback", "validation error for", "input_type=", "input_value=", "pydantic")


@dataclass(frozen=True)
class Kind:
    """One kind of input file: the shipped file, how to check it, and its keys."""

    name: str
    path: str  # relative to the repository's top folder
    #: keys whose removal must be refused
    required: tuple[str, ...]
    #: top-level key -> names of WRONG_TYPES that are wrong for it
    types: dict[str, tuple[str, ...]]
    #: dotted key -> names of NUMBERS that are out of range for it
    numbers: dict[str, tuple[str, ...]]
    #: dotted keys that hold a month
    months: tuple[str, ...]


ALL = tuple(WRONG_TYPES)
NOT_STR = ("null", "list", "mapping", "number", "bool")
NOT_INT = ALL
NOT_MAP = ("null", "list", "string", "number", "bool")
NOT_LIST = ("null", "mapping", "string", "number", "bool")
#: optional keys where null means "not given"
OPTIONAL_STR = ("list", "mapping", "number", "bool")
NOT_MONTH = OPTIONAL_STR
NONPOS = ("negative", "zero", "huge", "nan", "inf")
NEG = ("negative", "huge", "nan", "inf")

SCENARIO = Kind(
    name="scenario",
    path="scenarios/historical.yaml",
    required=(),
    types={
        "name": NOT_STR,
        "description": NOT_STR,
        "extends": OPTIONAL_STR,
        "start": NOT_MONTH,
        "end": NOT_MONTH,
        "policies": NOT_LIST,
    },
    numbers={
        "params.fama_troops": NEG,
        "params.n_civilian_agents": NONPOS,
        "policies[1].personnel": NEG,
        "policies[0].intensity": ("negative", "huge", "nan", "inf"),
    },
    months=("start", "end", "policies[0].start", "policies[1].handover"),
)
EXPERIMENT = Kind(
    name="experiment",
    path="experiments/smoke.yaml",
    required=("name", "scenarios", "replicates", "seed"),
    types={
        "name": NOT_STR,
        "description": NOT_STR,
        "scenarios": NOT_LIST,
        "replicates": NOT_INT,
        "seed": NOT_INT,
        "params": NOT_MAP,
        "keep": NOT_MAP,
    },
    numbers={
        "replicates": NONPOS,
        "seed": NEG,
        "params.n_civilian_agents": NONPOS,
    },
    months=("start", "end"),
)
CALIBRATION = Kind(
    name="calibration",
    path="experiments/calibration.yaml",
    required=("name", "scenario", "priors", "patterns"),
    types={
        "name": NOT_STR,
        "scenario": NOT_STR,
        "end": NOT_MONTH,
        "priors": NOT_MAP,
        "patterns": ("null", "list", "number", "bool"),
        "method": NOT_STR,
        "simulations": NOT_INT,
        "generations": NOT_INT,
        "quantile": ("null", "list", "mapping", "string", "bool"),
        "predictive": NOT_INT,
        "seed": NOT_INT,
        "executor": NOT_MAP,
    },
    numbers={
        "simulations": NONPOS,
        "generations": NONPOS,
        "quantile": NONPOS,
        "predictive": NEG,
        "seed": NEG,
        "priors.state_abuse_rate.low": ("nan", "inf", "huge"),
        "priors.flight_rate.high": ("negative", "nan", "inf", "huge"),
        "executor.workers": NONPOS,
    },
    months=("end",),
)
SENSITIVITY = Kind(
    name="sensitivity",
    path="experiments/sensitivity.yaml",
    required=("name", "scenario", "parameters", "outcomes", "method", "n"),
    types={
        "name": NOT_STR,
        "scenario": NOT_STR,
        "method": NOT_STR,
        "n": NOT_INT,
        "levels": NOT_INT,
        "replicates": NOT_INT,
        "seed": NOT_INT,
        "bootstrap": NOT_INT,
        "confidence": ALL,
        "parameters": NOT_MAP,
        "outcomes": NOT_LIST,
        "executor": NOT_MAP,
    },
    numbers={
        "n": NONPOS,
        "levels": NONPOS,
        "replicates": NONPOS,
        "seed": NEG,
        "bootstrap": NEG,
        "confidence": NONPOS,
        "executor.workers": NONPOS,
    },
    months=("start", "end"),
)
KINDS = {k.name: k for k in (SCENARIO, EXPERIMENT, CALIBRATION, SENSITIVITY)}


# ---------------------------------------------------------------------------- the mutations

Data = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """A mutated file: the data change (or raw text) and what the error must name."""

    kind: str
    mutate: Callable[[Data], Data | str] | None = None
    key: str | None = None  # the key the error must name
    line_key: str | None = None  # the key whose line the error must name (None: no line check)
    text: str | bytes | None = None  # raw file content instead of a mutation


def split_key(dotted: str) -> list[str | int]:
    """``policies[1].personnel`` -> ``["policies", 1, "personnel"]``."""
    parts: list[str | int] = []
    for seg in dotted.split("."):
        name, _, rest = seg.partition("[")
        parts.append(name)
        if rest:
            parts.append(int(rest.rstrip("]")))
    return parts


def set_key(data: Data, dotted: str, value: Any) -> Data:
    """Set a dotted key (creating mappings on the way)."""
    parts = split_key(dotted)
    node: Any = data
    for part in parts[:-1]:
        if isinstance(part, str) and part not in node:
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value
    return data


def del_key(data: Data, dotted: str) -> Data:
    """Delete a dotted key."""
    parts = split_key(dotted)
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return data


def yaml_value(text: str) -> Any:
    """A YAML scalar from its text (``.nan`` -> nan)."""
    return yaml.safe_load(text)


def build_cases() -> list[Any]:
    """The generated table (plus the hand-written file cases), as pytest params with ids."""
    cases: list[Any] = []

    def add(case_id: str, case: Case) -> None:
        cases.append(pytest.param(case, id=case_id))

    for kind in KINDS.values():
        k = kind.name
        for key in kind.required:
            add(f"{k}-missing-{key}", Case(k, lambda d, key=key: del_key(d, key), key=key))
        for key, wrong in kind.types.items():
            for tname in wrong:
                value = WRONG_TYPES[tname]
                add(
                    f"{k}-{key}-is-{tname}",
                    Case(k, lambda d, key=key, v=value: set_key(d, key, v), key, key),
                )
        for key, bad in kind.numbers.items():
            for nname in bad:
                value = yaml_value(NUMBERS[nname])
                add(
                    f"{k}-{key}-{nname}",
                    Case(k, lambda d, key=key, v=value: set_key(d, key, v), key, key),
                )
        for key in kind.months:
            for mname, month in MONTHS.items():
                add(
                    f"{k}-{key}-{mname}",
                    Case(k, lambda d, key=key, m=month: set_key(d, key, m), key, key),
                )
        add(
            f"{k}-unknown-key",
            Case(k, lambda d: {**d, "colour": "blue"}, "colour", "colour"),
        )
        add(
            f"{k}-misspelt-key",
            Case(k, lambda d: {"nmae" if x == "name" else x: v for x, v in d.items()}, "nmae"),
        )
        # broken YAML and wrong top levels
        add(f"{k}-empty-file", Case(k, text=""))
        add(f"{k}-only-comment", Case(k, text="# nothing here\n"))
        add(f"{k}-top-level-list", Case(k, text="- name: x\n- name: y\n"))
        add(f"{k}-top-level-scalar", Case(k, text="just some words\n"))
        add(f"{k}-top-level-number", Case(k, text="42\n"))
        add(f"{k}-tab-indent", Case(k, text="name: x\nparams:\n\tfama_troops: 100\n"))
        add(f"{k}-unclosed-bracket", Case(k, text="name: x\nparams: [1, 2\n"))
        add(f"{k}-unclosed-brace", Case(k, text="name: x\nparams: {a: 1\n"))
        add(f"{k}-unclosed-quote", Case(k, text="name: 'x\n"))
        add(f"{k}-binary", Case(k, text=b"\x00\x01\x02\xff\xfe binary \x89PNG\r\n"))
        add(f"{k}-bad-utf8", Case(k, text=b"name: caf\xe9\n"))
        add(f"{k}-python-tag", Case(k, text="name: !!python/object/apply:os.system ['true']\n"))
        add(f"{k}-anchor-alias-bomb", Case(k, text=alias_bomb()))
        add(f"{k}-long-line-key", Case(k, text="name: x\n" + "k" * 200_000 + ": 1\n"))
        add(f"{k}-duplicate-key", Case(k, mutate=lambda d: duplicate_first_key(d), line_key=None))
    # scenario-specific: policies
    add(
        "scenario-policy-unknown-type",
        Case(
            "scenario",
            lambda d: set_key(d, "policies[0].type", "alien_invasion"),
            "policies[0].type",
            "policies[0].type",
        ),
    )
    add(
        "scenario-policy-missing-type",
        Case("scenario", lambda d: del_key(d, "policies[0].type"), "policies[0]"),
    )
    add(
        "scenario-policy-type-is-list",
        Case("scenario", lambda d: set_key(d, "policies[0].type", [1]), "policies[0].type"),
    )
    add(
        "scenario-policy-unknown-setting",
        Case(
            "scenario",
            lambda d: set_key(d, "policies[1].colour", "red"),
            "policies[1].colour",
            "policies[1].colour",
        ),
    )
    add(
        "scenario-policy-is-scalar",
        Case("scenario", lambda d: set_key(d, "policies[2]", 5), "policies[2]"),
    )
    add(
        "scenario-policy-is-list",
        Case("scenario", lambda d: set_key(d, "policies[2]", [1, 2]), "policies[2]"),
    )
    add(
        "scenario-policy-setting-wrong-type",
        Case(
            "scenario",
            lambda d: set_key(d, "policies[1].personnel", "many"),
            "policies[1].personnel",
            "policies[1].personnel",
        ),
    )
    add(
        "scenario-policy-end-before-start",
        Case("scenario", lambda d: set_key(d, "policies[0].end", "2020-01"), "policies[0]"),
    )
    add(
        "scenario-unknown-parameter",
        Case(
            "scenario",
            lambda d: set_key(d, "params.fama_tropos", 1),
            "params.fama_tropos",
            "params.fama_tropos",
        ),
    )
    add(
        "scenario-parameter-is-text",
        Case(
            "scenario",
            lambda d: set_key(d, "params.fama_troops", "lots"),
            "params.fama_troops",
            "params.fama_troops",
        ),
    )
    add(
        "scenario-extends-missing",
        Case("scenario", lambda d: set_key(d, "extends", "nowhere"), "extends", "extends"),
    )
    add(
        "scenario-extends-escapes",
        Case("scenario", lambda d: set_key(d, "extends", "../experiments/smoke"), "extends"),
    )
    add(
        "scenario-end-before-start",
        Case("scenario", lambda d: set_key(d, "end", "2018-12"), "end"),
    )
    add(
        "scenario-exclude-unknown-policy",
        Case(
            "scenario",
            lambda d: set_key(d, "exclude_policies", ["alien_invasion"]),
            "exclude_policies",
        ),
    )
    # experiment-specific
    add(
        "experiment-scenario-missing-file",
        Case(
            "experiment",
            lambda d: set_key(d, "scenarios[0]", "../scenarios/nowhere.yaml"),
            "scenarios[0]",
        ),
    )
    add(
        "experiment-scenarios-empty",
        Case("experiment", lambda d: set_key(d, "scenarios", []), "scenarios", "scenarios"),
    )
    # the experiment's period must fit each scenario (a shorter one truncates it, see
    # tests/test_experiment_overrides.py); the experiment's key and line are named
    add(
        "experiment-start-after-scenario-end",
        Case("experiment", lambda d: set_key(d, "start", "2027-01"), "start", "start"),
    )
    add(
        "experiment-end-before-scenario-start",
        Case("experiment", lambda d: set_key(d, "end", "2018-06"), "end", "end"),
    )
    add(
        "experiment-keep-unknown",
        Case("experiment", lambda d: set_key(d, "keep.everything", True), "keep.everything"),
    )
    add(
        "experiment-unknown-parameter",
        Case("experiment", lambda d: set_key(d, "params.fama_tropos", 1), "params.fama_tropos"),
    )
    add(
        "experiment-sweep-unknown-parameter",
        Case(
            "experiment",
            lambda d: set_key(d, "sweep", {"grid": {"fama_tropos": [1, 2]}}),
            "sweep.grid.fama_tropos",
        ),
    )
    add(
        "experiment-sample-bad-method",
        Case(
            "experiment",
            lambda d: set_key(
                d, "sample", {"method": "dice", "n": 4, "ranges": {"fama_troops": "bounds"}}
            ),
            "sample.method",
        ),
    )
    # calibration-specific
    add(
        "calibration-unknown-method",
        Case("calibration", lambda d: set_key(d, "method", "guess"), "method", "method"),
    )
    add(
        "calibration-prior-low-above-high",
        Case(
            "calibration", lambda d: set_key(d, "priors.flight_rate.low", 0.9), "priors.flight_rate"
        ),
    )
    add(
        "calibration-prior-unknown-parameter",
        Case(
            "calibration",
            lambda d: set_key(d, "priors.flight_rat", {"low": 0, "high": 1}),
            "priors.flight_rat",
        ),
    )
    add(
        "calibration-bad-pattern-kind",
        Case(
            "calibration",
            lambda d: set_key(d, "patterns", {"select": "all_fit", "kinds": ["counts"]}),
            "patterns.kinds",
        ),
    )
    add(
        "calibration-scenario-missing-file",
        Case(
            "calibration", lambda d: set_key(d, "scenario", "../scenarios/nowhere.yaml"), "scenario"
        ),
    )
    add(
        "calibration-unknown-executor",
        Case("calibration", lambda d: set_key(d, "executor.kind", "cloud"), "executor.kind"),
    )
    # sensitivity-specific
    add(
        "sensitivity-unknown-method",
        Case("sensitivity", lambda d: set_key(d, "method", "guess"), "method", "method"),
    )
    add(
        "sensitivity-unknown-outcome",
        Case("sensitivity", lambda d: set_key(d, "outcomes", ["happiness"]), "outcomes"),
    )
    add(
        "sensitivity-range-reversed",
        Case(
            "sensitivity",
            lambda d: set_key(d, "parameters.join_rate", [0.001, 0.0001]),
            "parameters.join_rate",
        ),
    )
    add(
        "sensitivity-range-nan",
        Case(
            "sensitivity",
            lambda d: set_key(d, "parameters.join_rate", [math.nan, 0.001]),
            "parameters.join_rate",
        ),
    )
    add(
        "sensitivity-range-three-values",
        Case(
            "sensitivity",
            lambda d: set_key(d, "parameters.join_rate", [1, 2, 3]),
            "parameters.join_rate",
        ),
    )
    add(
        "sensitivity-unknown-parameter",
        Case(
            "sensitivity",
            lambda d: set_key(d, "parameters.join_rat", [0.1, 0.2]),
            "parameters.join_rat",
        ),
    )
    add(
        "sensitivity-odd-levels",
        Case("sensitivity", lambda d: set_key(d, "levels", 3), "levels", "levels"),
    )
    add(
        "sensitivity-unknown-executor",
        Case("sensitivity", lambda d: set_key(d, "executor.kind", "cloud"), "executor.kind"),
    )
    return cases


def alias_bomb() -> str:
    """A "billion laughs" YAML document (nine levels of ten aliases)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def duplicate_first_key(data: Data) -> str:
    """The file's YAML with its first key written twice (YAML text, not data)."""
    text = dump(data)
    first = text.splitlines()[0]
    return text + first + "\n"


def dump(data: Data) -> str:
    """YAML text of ``data`` (keys in their order; NaN and infinities as YAML writes them)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def line_of(text: str, dotted: str) -> int | None:
    """1-based line of a dotted key in block-style YAML written by :func:`dump`, if found."""
    lines = text.splitlines()
    start = 0
    found = None
    for part in split_key(dotted):
        if isinstance(part, int):
            seen = -1
            for i in range(start, len(lines)):
                if lines[i].lstrip().startswith("- "):
                    seen += 1
                    if seen == part:
                        start, found = i, i
                        break
            else:
                return None
            continue
        for i in range(start, len(lines)):
            body = lines[i].lstrip().removeprefix("- ")
            if body.startswith(f"{part}:"):
                start, found = i, i
                break
        else:
            return None
    return None if found is None else found + 1


# ------------------------------------------------------------------------------- the harness


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the shipped scenarios and experiments (relative references keep working)."""
    for folder in ("scenarios", "experiments"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make starting a batch, a calibration or a model run fail the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started although the input is bad")

    monkeypatch.setattr("malisim.experiment.run_experiment", refuse)
    monkeypatch.setattr("malisim.calibration.run_calibration", refuse)
    monkeypatch.setattr("malisim.sensitivity.design.run_sensitivity", refuse)
    monkeypatch.setattr("malisim.scenario.runner.run_scenario", refuse)


def command(kind: str, path: Path, out: Path) -> list[str]:
    """The command that loads and checks a file of ``kind`` and nothing else (runs are guarded)."""
    if kind == "scenario":
        return ["describe", str(path)]
    if kind == "experiment":
        return ["batch", str(path), "--out", str(out), "--executor", "serial", "--progress", "none"]
    if kind == "calibration":
        return ["calibrate", str(path), "--out", str(out), "--no-fitted-scenario"]
    return ["sensitivity", str(path), "--out", str(out), "--dry-run"]


def error_line(capsys: pytest.CaptureFixture[str], code: int) -> str:
    """Exit 2, one ``error:`` line on stderr, no traceback or raw pydantic text anywhere."""
    out, err = capsys.readouterr()
    for raw in RAW:
        assert raw not in out + err, f"raw text {raw!r} reached the user: {err}"
    assert code == 2, f"expected exit status 2, got {code}; stderr: {err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), f"expected one error line: {err}"
    assert len(lines[0]) < 2000, f"the error line is {len(lines[0])} characters long"
    return lines[0]


@pytest.mark.parametrize("case", build_cases())
def test_bad_file(case: Case, repo: Path, capsys: pytest.CaptureFixture[str], no_runs) -> None:
    kind = KINDS[case.kind]
    path = repo / kind.path
    line_no = None
    if case.text is not None:
        content: str | bytes = case.text
    else:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert case.mutate is not None
        mutated = case.mutate(data)
        content = mutated if isinstance(mutated, str) else dump(mutated)
        if case.line_key is not None:
            line_no = line_of(content, case.line_key)
            assert line_no is not None, f"test bug: {case.line_key} not found in the file"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = repo / "out"
    line = error_line(capsys, main(command(case.kind, path, out)))
    assert str(path) in line, f"the error must name the file {path}: {line}"
    if case.key is not None:
        assert case.key in line, f"the error must name the key {case.key!r}: {line}"
    if line_no is not None:
        assert f"{path}:{line_no}:" in line, f"the error must name line {line_no}: {line}"
    assert not out.exists(), "nothing may be written"


# ------------------------------------------------------------------------------ --set strings

SET_CASES = {
    "no-equals": ("fama_troops", "fama_troops"),
    "empty": ("", "--set"),
    "only-equals": ("=", "--set"),
    "empty-key": ("=5", "--set"),
    "unknown-parameter": ("fama_tropos=5", "fama_tropos"),
    "unknown-top-key": ("colour=blue", "colour"),
    "unknown-dotted": ("params.fama_tropos=5", "fama_tropos"),
    "empty-dotted": ("params.=5", "--set"),
    "text-value": ("fama_troops=lots", "fama_troops"),
    "negative-value": ("fama_troops=-5", "fama_troops"),
    "nan-value": ("fama_troops=.nan", "fama_troops"),
    "inf-value": ("fama_troops=.inf", "fama_troops"),
    "huge-value": ("fama_troops=1e400", "fama_troops"),
    "empty-value": ("fama_troops=", "fama_troops"),
    "list-value": ("fama_troops=[1, 2]", "fama_troops"),
    "unclosed-value": ("fama_troops=[1", "fama_troops"),
    "bad-month": ("start=2019-13", "start"),
    "text-month": ("end=soon", "end"),
    "end-before-start": ("end=2010-01", "end"),
    "empty-name": ("name=", "name"),
    "policies": ("policies=[]", "policies"),
    "shares-above-one": ("flight_rate=1.5", "flight_rate"),
}


@pytest.mark.parametrize("text,key", list(SET_CASES.values()), ids=list(SET_CASES))
def test_bad_set(text: str, key: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo / SCENARIO.path
    line = error_line(capsys, main(["describe", str(path), "--set", text]))
    assert "--set" in line, f"the error must name --set: {line}"
    assert key in line, f"the error must name {key!r}: {line}"


# -------------------------------------------------------------------------- command-line options

CALM = "name: calm\nstart: 2019-01\nend: 2019-02\n"
TINY = """\
name: tiny
scenarios: [../scenarios/calm.yaml]
replicates: 1
seed: 3
params: {n_civilian_agents: 2000}
"""


def tiny_files(repo: Path) -> dict[str, Path]:
    """Small experiment, calibration and sensitivity files next to the shipped ones."""
    exp = repo / "experiments" / "tiny.yaml"
    exp.write_text(TINY, encoding="utf-8")
    (repo / "scenarios" / "calm.yaml").write_text(CALM, encoding="utf-8")
    return {
        "experiment": exp,
        "calibration": repo / CALIBRATION.path,
        "sensitivity": repo / SENSITIVITY.path,
        "scenario": repo / SCENARIO.path,
    }


#: (file kind, arguments after the file; OUT is replaced by the out folder), option named
OPTION_CASES = {
    "run-seed-negative": ("scenario", ["run", "FILE", "--out", "OUT", "--seed", "-1"], "--seed"),
    "run-replicates-zero": (
        "scenario",
        ["run", "FILE", "--out", "OUT", "--replicates", "0"],
        "--replicates",
    ),
    "run-replicates-negative": (
        "scenario",
        ["run", "FILE", "--out", "OUT", "--replicates", "-4"],
        "--replicates",
    ),
    "run-bad-start": ("scenario", ["run", "FILE", "--out", "OUT", "--start", "2019-13"], "start"),
    "run-bad-end": ("scenario", ["run", "FILE", "--out", "OUT", "--end", "next year"], "end"),
    "run-end-before-start": (
        "scenario",
        ["run", "FILE", "--out", "OUT", "--end", "2018-01"],
        "end",
    ),
    "run-missing-file": ("scenario", ["run", "MISSING", "--out", "OUT"], "MISSING"),
    "run-out-under-file": (
        "scenario",
        [
            "run",
            "FILE",
            "--out",
            "UNDERFILE",
            "--end",
            "2019-02",
            "--set",
            "n_civilian_agents=2000",
        ],
        "UNDERFILE",
    ),
    "run-out-is-file": (
        "scenario",
        ["run", "FILE", "--out", "AFILE", "--end", "2019-02", "--set", "n_civilian_agents=2000"],
        "AFILE",
    ),
    "batch-workers-zero": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--workers", "0"],
        "--workers",
    ),
    "batch-workers-negative": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--workers", "-2"],
        "--workers",
    ),
    "batch-dask-local-zero": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--dask-local", "0"],
        "--dask-local",
    ),
    "batch-log-every-nan": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--log-every", "nan"],
        "--log-every",
    ),
    "batch-flush-negative": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--flush-seconds", "-1"],
        "--flush-seconds",
    ),
    "batch-worker-timeout-zero": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--worker-timeout", "0"],
        "--worker-timeout",
    ),
    "batch-worker-timeout-nan": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--worker-timeout", "nan"],
        "--worker-timeout",
    ),
    "batch-worker-timeout-huge": (
        "experiment",
        ["batch", "FILE", "--out", "OUT", "--worker-timeout", "1e9"],
        "--worker-timeout",
    ),
    "batch-out-under-file": (
        "experiment",
        ["batch", "FILE", "--out", "UNDERFILE", "--executor", "serial", "--progress", "none"],
        "UNDERFILE",
    ),
    "batch-out-is-file": (
        "experiment",
        ["batch", "FILE", "--out", "AFILE", "--executor", "serial", "--progress", "none"],
        "AFILE",
    ),
    "batch-missing-file": ("experiment", ["batch", "MISSING", "--out", "OUT"], "MISSING"),
    "batch-experiment-is-folder": ("experiment", ["batch", "FOLDER", "--out", "OUT"], "FOLDER"),
    "calibrate-workers-zero": (
        "calibration",
        ["calibrate", "FILE", "--out", "OUT", "--no-fitted-scenario", "--workers", "0"],
        "--workers",
    ),
    "calibrate-workers-negative": (
        "calibration",
        ["calibrate", "FILE", "--out", "OUT", "--no-fitted-scenario", "--workers", "-1"],
        "--workers",
    ),
    "calibrate-fitted-exists": (
        "calibration",
        ["calibrate", "FILE", "--out", "OUT"],
        "fitted_scenario",
    ),
    "calibrate-out-under-file": (
        "calibration",
        ["calibrate", "FILE", "--out", "UNDERFILE", "--no-fitted-scenario"],
        "UNDERFILE",
    ),
    "sensitivity-out-under-file": (
        "sensitivity",
        ["sensitivity", "FILE", "--out", "UNDERFILE"],
        "UNDERFILE",
    ),
    "calibrate-missing-file": (
        "calibration",
        ["calibrate", "MISSING", "--out", "OUT"],
        "MISSING",
    ),
    "sensitivity-workers-zero": (
        "sensitivity",
        ["sensitivity", "FILE", "--out", "OUT", "--workers", "0"],
        "--workers",
    ),
    "sensitivity-workers-negative": (
        "sensitivity",
        ["sensitivity", "FILE", "--out", "OUT", "--workers", "-3", "--dry-run"],
        "--workers",
    ),
    "sensitivity-missing-file": (
        "sensitivity",
        ["sensitivity", "MISSING", "--out", "OUT", "--dry-run"],
        "MISSING",
    ),
    "describe-missing-file": ("scenario", ["describe", "MISSING"], "MISSING"),
    "describe-folder": ("scenario", ["describe", "FOLDER"], "FOLDER"),
}


@pytest.mark.parametrize("kind,args,named", list(OPTION_CASES.values()), ids=list(OPTION_CASES))
def test_bad_option(
    kind: str, args: list[str], named: str, repo: Path, capsys: pytest.CaptureFixture[str], no_runs
) -> None:
    files = tiny_files(repo)
    a_file = repo / "a_file.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    places = {
        "FILE": str(files[kind]),
        "OUT": str(repo / "out"),
        "UNDERFILE": str(a_file / "out"),
        "AFILE": str(a_file),
        "MISSING": str(repo / "missing.yaml"),
        "FOLDER": str(repo / "experiments"),
    }
    line = error_line(capsys, main([places.get(a, a) for a in args]))
    assert places.get(named, named) in line, f"the error must name {named}: {line}"
    assert not (repo / "out").exists(), "nothing may be written"
    assert a_file.read_text(encoding="utf-8") == "not a folder\n", "a file was overwritten"


ARGPARSE_CASES = {
    "batch-unknown-executor": ["batch", "FILE", "--executor", "cloud"],
    "calibrate-unknown-executor": ["calibrate", "FILE", "--executor", "cloud"],
    "sensitivity-unknown-executor": ["sensitivity", "FILE", "--out", "OUT", "--executor", "x"],
    "batch-workers-nan": ["batch", "FILE", "--workers", "nan"],
    "batch-workers-text": ["batch", "FILE", "--workers", "many"],
    "run-seed-text": ["run", "FILE", "--out", "OUT", "--seed", "abc"],
    "run-replicates-float": ["run", "FILE", "--out", "OUT", "--replicates", "1.5"],
    "batch-log-every-text": ["batch", "FILE", "--log-every", "often"],
    "batch-unknown-progress": ["batch", "FILE", "--progress", "loud"],
    "run-unknown-option": ["run", "FILE", "--out", "OUT", "--colour", "red"],
    "run-missing-out": ["run", "FILE"],
    "unknown-command": ["frobnicate"],
}


@pytest.mark.parametrize("args", list(ARGPARSE_CASES.values()), ids=list(ARGPARSE_CASES))
def test_bad_option_syntax(
    args: list[str], repo: Path, capsys: pytest.CaptureFixture[str], no_runs
) -> None:
    """Options argparse refuses: exit 2, usage and one ``error:`` line, no traceback."""
    places = {"FILE": str(tiny_files(repo)["experiment"]), "OUT": str(repo / "out")}
    with pytest.raises(SystemExit) as info:
        main([places.get(a, a) for a in args])
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert "Traceback" not in out + err
    errors = [ln for ln in err.splitlines() if "error:" in ln]
    assert len(errors) == 1, f"expected one error line: {err}"
    assert not (repo / "out").exists()


def test_table_is_large_enough() -> None:
    n = len(build_cases()) + len(SET_CASES) + len(OPTION_CASES) + len(ARGPARSE_CASES)
    assert n >= 150, f"the fuzz table has only {n} cases; issue 14 asks for at least 150"
