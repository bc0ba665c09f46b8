"""The regression baseline: fixed-seed runs of every shipped scenario are bit-for-bit unchanged.

A failure means the model's numbers changed. If that was the intent, run
``python scripts/update_baseline.py`` and commit the new ``tests/baseline/baseline.json`` in a
commit of its own that says why, with a CHANGELOG.md line under "model behaviour changed".
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "update_baseline.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("update_baseline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def baseline_script():
    return _load_script()


@pytest.fixture(scope="module")
def computed(baseline_script):
    return baseline_script.compute_baseline()


def test_baseline_covers_every_shipped_scenario_and_a_subgrid_run(baseline_script):
    committed = json.loads(baseline_script.BASELINE.read_text(encoding="utf-8"))
    names = set(committed["runs"])
    expected = {f"scenario:{p.stem}" for p in (REPO / "scenarios").glob("*.yaml")}
    assert expected <= names, f"missing: {sorted(expected - names)}"
    assert "subgrid:default" in names


def test_runs_equal_the_committed_baseline_exactly(baseline_script, computed):
    committed = json.loads(baseline_script.BASELINE.read_text(encoding="utf-8"))
    changed = baseline_script.differences(committed, computed)
    assert not changed, (
        "model behaviour changed against tests/baseline/baseline.json:\n  "
        + "\n  ".join(changed[:30])
        + "\nIf intended, run `python scripts/update_baseline.py`, commit the baseline on its own "
        "with the reason, and add a CHANGELOG.md line under 'model behaviour changed'."
    )


def test_fingerprint_sees_a_one_ulp_change(baseline_script):
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    nudged = frame.copy()
    nudged.loc[1, "a"] = np.nextafter(2.0, 3.0)
    fingerprint = baseline_script.frame_fingerprint
    assert fingerprint(frame) != fingerprint(nudged)
    assert fingerprint(frame) == fingerprint(frame.copy())
