"""Calibration of malisim against documented figures by approximate Bayesian computation.

::

    from malisim.calibration import load_calibration, run_calibration

    cal = load_calibration("experiments/calibration.yaml")
    result = run_calibration(cal, "results/calibration")
    result.summary      # posterior per parameter
    result.targets      # per-target coverage and CRPS, fitted and held out

See :mod:`malisim.calibration.config` (the file format), :mod:`~malisim.calibration.distance`,
:mod:`~malisim.calibration.abc` (rejection and ABC-SMC), :mod:`~malisim.calibration.evaluate`
and :mod:`~malisim.calibration.run`, and docs/calibration.md.
"""

from malisim.calibration.config import Calibration, Prior, load_calibration
from malisim.calibration.run import CalibrationResult, run_calibration

__all__ = ["Calibration", "CalibrationResult", "Prior", "load_calibration", "run_calibration"]
