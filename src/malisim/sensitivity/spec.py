"""What sampling and analysis share: SALib's problem and the analysis' settings on disk.

:func:`salib_problem` turns parameter ranges into SALib's problem definition (the sampler of
:mod:`~malisim.sensitivity.design` and the estimators of :mod:`~malisim.sensitivity.analyse`
must see the same one); :func:`write_spec` writes the analysis' settings to
``OUT/sensitivity/spec.json`` when it runs and :func:`read_spec` reads them back for the
analysis.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from malisim.core.errors import UserError
from malisim.sensitivity.config import SensitivityConfig

#: Folder of the analysis' outputs inside the results store.
SENSITIVITY_DIR = "sensitivity"
#: The analysis' settings, written next to its outputs.
SPEC_FILE = "spec.json"


def salib_problem(ranges: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """Return SALib's problem definition for parameter ranges (in their order)."""
    names = list(ranges)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(ranges[n][0]), float(ranges[n][1])] for n in names],
    }


def write_spec(cfg: SensitivityConfig, out: str | Path) -> Path:
    """Write the analysis' settings to ``OUT/sensitivity/spec.json`` (read by the analysis)."""
    folder = Path(out) / SENSITIVITY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SPEC_FILE
    path.write_text(json.dumps(cfg.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path


def read_spec(results_dir: str | Path) -> dict[str, Any]:
    """Read ``RESULTS_DIR/sensitivity/spec.json``.

    Raises:
        UserError: If the folder holds no sensitivity analysis, or its spec is not readable
            JSON (an object).
    """
    path = Path(results_dir) / SENSITIVITY_DIR / SPEC_FILE
    if not path.is_file():
        raise UserError(
            "not the results of a sensitivity analysis (no sensitivity/spec.json); run "
            "`malisim sensitivity FILE --out DIR` first",
            file=str(results_dir),
        )
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = (
            f"line {exc.lineno}: {exc.msg}"
            if isinstance(exc, json.JSONDecodeError)
            else ("nested too deeply" if isinstance(exc, RecursionError) else str(exc))
        )
        raise UserError(f"cannot read the sensitivity spec: {reason}", file=str(path)) from None
    if not isinstance(spec, dict):
        raise UserError("the sensitivity spec is not a JSON object", file=str(path))
    return spec
