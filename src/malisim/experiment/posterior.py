"""Posterior ensembles: the weighted parameter draws of a calibration, used by every batch.

A calibration (``malisim calibrate``) writes its posterior sample as ``posterior.parquet`` in its
output folder: one row per draw, one column per calibrated parameter, and a ``weight`` column
(the importance weights of the last ABC population, normalised; an optional ``distance`` column
is kept for information). The package ships one such file, ``malisim/data/posterior.parquet``
(written by the lead from the shipped calibration; :func:`shipped_posterior_path`).

**Which draw a replicate uses.** An experiment with ``parameters: posterior`` gives replicate
``k`` of *every* scenario and design point the same draw (common parameters, beside the common
random numbers of the seed ``replicate_seed(seed, k)``): draw ``k`` is the row
``searchsorted(cumsum(w), u_k)`` of the file, with ``u_k`` the first uniform number of the
generator seeded by ``SeedSequence(seed, spawn_key=(POSTERIOR_KEY, k))`` (:func:`draw_rows`).
Each replicate's draw depends only on the experiment's seed, ``k`` and the file, so adding
replicates never changes the draws of existing ones, and the draws follow the weights (a
multinomial resample, independent of the run's own random streams).

**Precedence.** A draw stands in for the calibrated layer (the file named ``calibrated`` that
``malisim calibrate`` writes and the shipped scenarios extend): it replaces the value of each of
its parameters, except where the user set that parameter explicitly, which wins:

* a scenario file of the chain other than the calibrated layer that sets it under ``params``;
* the experiment's ``params``, ``sweep`` or ``sample`` (applied after the draw).

The scenario's policies (and the policy settings of a sweep) are never changed by a draw. A
draw's values are applied to the scenario's base parameters, so a policy that controls a drawn
parameter still sets it in the policy's months.

Every problem with a posterior file (missing, unreadable, no ``weight`` column, a column that is
no parameter, a value outside the parameter's bounds, weights that are negative, not finite or
all zero) is a :class:`~malisim.core.errors.UserError` naming the file and the column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from malisim.core.errors import UserError, did_you_mean
from malisim.model.parameters import Parameters, parameter_specs
from malisim.scenario import ResolvedScenario

#: File name of a posterior sample, in a calibration's output folder and in the package.
POSTERIOR_FILE = "posterior.parquet"
#: The column of the importance weights.
WEIGHT_COLUMN = "weight"
#: Columns of a posterior file that are neither parameters nor the weight (kept, not applied).
INFO_COLUMNS = ("distance",)
#: The spawn key of the generator that picks each replicate's draw (a named stream: it is
#: never used by a run, whose streams hang below ``replicate_seed``).
POSTERIOR_KEY = 0x706F7374  # "post"
#: The name of the calibrated layer that a draw stands in for (fitted.py writes it).
CALIBRATED_LAYER = "calibrated"
#: What a posterior file must be (for messages).
POSTERIOR_ALLOWED = (
    "a Parquet file with one row per draw, one column per parameter and a 'weight' column "
    "(the posterior.parquet a calibration writes)"
)


@dataclass(frozen=True)
class Posterior:
    """A weighted posterior sample of parameter values.

    Attributes:
        values: ``(n_draws, n_parameters)`` parameter values.
        names: Parameter names, in column order.
        weight: ``(n_draws,)`` normalised weights.
        source: The file read (for messages and the manifest).
        sha256: Hash of the file's content (names, values, weights), part of the experiment's
            fingerprint.
    """

    values: np.ndarray
    names: tuple[str, ...]
    weight: np.ndarray
    source: str = ""
    sha256: str = ""
    integer: tuple[bool, ...] = field(default=())

    @property
    def n_draws(self) -> int:
        """Number of draws in the file."""
        return int(self.values.shape[0])

    def row(self, index: int) -> dict[str, float | int]:
        """The parameter values of one row of the file (plain Python numbers)."""
        out: dict[str, float | int] = {}
        for j, name in enumerate(self.names):
            v = self.values[index, j]
            out[name] = round(float(v)) if self.integer and self.integer[j] else float(v)
        return out

    def median(self) -> dict[str, float | int]:
        """The weighted median of each parameter (marginal; not a draw)."""
        out: dict[str, float | int] = {}
        for j, name in enumerate(self.names):
            order = np.argsort(self.values[:, j], kind="stable")
            v, w = self.values[order, j], self.weight[order]
            cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
            m = float(np.interp(0.5, cdf, v))
            out[name] = round(m) if self.integer and self.integer[j] else m
        return out

    def to_dict(self) -> dict[str, Any]:
        """What identifies the posterior in an experiment's fingerprint and manifest."""
        return {"sha256": self.sha256, "parameters": list(self.names), "draws": self.n_draws}


def shipped_posterior_path() -> Path:
    """Path of the posterior shipped with the package (``malisim/data/posterior.parquet``)."""
    return Path(str(resources.files("malisim.data").joinpath(POSTERIOR_FILE)))


def _hash(names: Sequence[str], values: np.ndarray, weight: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(",".join(names).encode("utf-8"))
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    h.update(np.ascontiguousarray(weight, dtype="<f8").tobytes())
    return h.hexdigest()


def load_posterior(path: str | Path | None = None, *, key: str | None = None) -> Posterior:
    """Read and check a posterior file (default: the shipped one).

    Args:
        path: A ``posterior.parquet`` file or a calibration's output folder holding one;
            None for the shipped file.
        key: Where the file was named (for messages), e.g. ``parameters.posterior``.

    Returns:
        The posterior, weights normalised.

    Raises:
        UserError: Naming the file (and the column): missing, unreadable, no weight column, a
            column that is no parameter or not numeric, a value outside the parameter's bounds
            or not finite, weights that are negative, not finite or sum to zero, no rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    shipped = path is None
    file = shipped_posterior_path() if path is None else Path(path)
    if file.is_dir():
        file = file / POSTERIOR_FILE
    where = {"file": str(file), "key": key}
    if not file.is_file():
        hint = (
            "the package ships no posterior yet: run `malisim calibrate "
            "experiments/calibration.yaml --out DIR` and copy DIR/posterior.parquet "
            "to src/malisim/data/posterior.parquet, or name a calibration's output folder "
            "(`parameters: {posterior: DIR}` in an experiment file, `--posterior-from DIR` for "
            "malisim run)"
            if shipped
            else "a calibration's output folder (malisim calibrate --out) or its posterior.parquet"
        )
        raise UserError("posterior file not found", allowed=hint, **where)
    try:
        table = pq.read_table(file)
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(
            f"not a readable Parquet file ({first})", allowed=POSTERIOR_ALLOWED, **where
        ) from None
    columns = list(table.column_names)
    if WEIGHT_COLUMN not in columns:
        raise UserError(
            f"no '{WEIGHT_COLUMN}' column (columns: {', '.join(columns) or 'none'})",
            allowed=POSTERIOR_ALLOWED,
            **where,
        )
    if table.num_rows == 0:
        raise UserError("has no draws (no rows)", allowed=POSTERIOR_ALLOWED, **where)
    specs = parameter_specs()
    names = [c for c in columns if c not in (WEIGHT_COLUMN, *INFO_COLUMNS)]
    if not names:
        raise UserError("has no parameter column", allowed=POSTERIOR_ALLOWED, **where)

    def numbers(column: str) -> np.ndarray:
        kind = table.schema.field(column).type
        if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
            raise UserError(
                f"column {column!r} is not numeric ({kind})", allowed=POSTERIOR_ALLOWED, **where
            )
        x = table.column(column).to_numpy(zero_copy_only=False).astype(float)
        if not np.all(np.isfinite(x)):
            raise UserError(f"column {column!r} has a missing or non-finite value", **where)
        return x

    cols = []
    integer = []
    for name in names:
        spec = specs.get(name)
        if spec is None:
            raise UserError(
                f"column {name!r} is not a parameter",
                allowed=f"parameter columns (docs/parameters.md), '{WEIGHT_COLUMN}' and "
                + ", ".join(INFO_COLUMNS),
                suggestion=did_you_mean(name, specs),
                **where,
            )
        x = numbers(name)
        bad = (x < spec.low) | (x > spec.high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise UserError(
                f"column {name!r}: {x[i]:g} (row {i}) is outside the parameter's bounds",
                allowed=f"{spec.low:g} to {spec.high:g} {spec.unit}",
                **where,
            )
        cols.append(x)
        integer.append(spec.type is int)
    w = numbers(WEIGHT_COLUMN)
    if (w < 0).any() or not w.sum() > 0:
        raise UserError(
            f"column '{WEIGHT_COLUMN}' must be non-negative with a positive sum", **where
        )
    values = np.column_stack(cols)
    w = w / w.sum()
    return Posterior(values, tuple(names), w, str(file), _hash(names, values, w), tuple(integer))


def draw_rows(posterior: Posterior, seed: int, replicates: Iterable[int]) -> list[int]:
    """The row of the posterior file that each replicate uses (see the module docstring).

    Args:
        posterior: The posterior.
        seed: The experiment's root seed.
        replicates: Replicate indices ``k``.

    Returns:
        One row index per replicate.
    """
    cdf = np.cumsum(posterior.weight)
    cdf[-1] = 1.0
    rows = []
    for k in replicates:
        seq = np.random.SeedSequence(int(seed), spawn_key=(POSTERIOR_KEY, int(k)))
        u = float(np.random.default_rng(seq).random())
        rows.append(int(min(np.searchsorted(cdf, u, side="right"), posterior.n_draws - 1)))
    return rows


def pick_draw(
    posterior: Posterior, which: str | int, *, key: str = "--posterior"
) -> tuple[dict[str, float | int], str]:
    """The parameter values ``which`` names in a posterior, and a plain-word label for them.

    Shared by ``malisim run --posterior`` and the student page, so both read a draw the same way.

    Args:
        posterior: The posterior sample.
        which: ``"median"`` (the weighted marginal medians) or a row number (0-based, as a batch
            records it in ``posterior_draw``), given as an int or a string.
        key: Where the choice came from, for the error message.

    Returns:
        The values by parameter name, and a label (``"posterior median"``, ``"posterior draw N"``).

    Raises:
        UserError: If ``which`` is neither ``median`` nor a row of the posterior.
    """
    if which == "median":
        return posterior.median(), "posterior median"
    allowed = f"median, or a row number from 0 to {posterior.n_draws - 1} of {posterior.source}"
    try:
        row = int(which)
    except ValueError:
        raise UserError(f"{which!r} is neither median nor a row number", allowed=allowed,
                        key=key) from None  # fmt: skip
    if not 0 <= row < posterior.n_draws:
        raise UserError(f"row {row} is not in the posterior", allowed=allowed,
                        key=key)  # fmt: skip
    return posterior.row(row), f"posterior draw {row}"


def explicit_parameters(scenario: ResolvedScenario) -> set[str]:
    """Parameters a scenario's own files set under ``params`` (the calibrated layer excluded).

    The calibrated layer is a file of the ``extends`` chain whose ``name`` is
    :data:`CALIBRATED_LAYER`; its values are the ones a posterior draw replaces.
    """
    from malisim.core.yamlio import load_yaml_file

    out: set[str] = set()
    for file in scenario.source_files:
        try:
            data, _ = load_yaml_file(file)
        except (UserError, OSError):
            continue
        if not isinstance(data, dict) or data.get("name") == CALIBRATED_LAYER:
            continue
        params = data.get("params")
        if isinstance(params, Mapping):
            out.update(str(k) for k in params)
    return out


def apply_draw(
    scenario: ResolvedScenario, values: Mapping[str, Any], keep: Iterable[str] = ()
) -> ResolvedScenario:
    """Return the scenario with a draw's parameter values (those in ``keep`` left as they are).

    The values replace the scenario's base parameters (the calibrated layer's); policies are
    unchanged, so a policy controlling a drawn parameter still sets it in its months.
    """
    kept = set(keep)
    new = {k: v for k, v in values.items() if k not in kept}
    if not new:
        return scenario
    merged = {**scenario.parameters.model_dump(), **new}
    return replace(scenario, parameters=Parameters.model_validate(merged))


def check_scaled_draws(
    scenario: ResolvedScenario, posterior: Posterior, keep: Iterable[str], where: dict[str, Any]
) -> None:
    """Refuse a ``multiply`` parameter schedule that would take a drawn value past its bounds.

    The scenario loader checks such a schedule against the scenario's own value; with a
    posterior every draw is the base value, so each is checked here before anything runs.

    Raises:
        UserError: At ``where``, naming the scenario, schedule, parameter and draw.
    """
    specs = parameter_specs()
    kept = set(keep)
    for policy in scenario.policies:
        if policy.policy_type != "parameter_schedule" or getattr(policy, "mode", "") != "multiply":
            continue
        name = str(policy.parameter)
        if name not in posterior.names or name in kept:
            continue
        spec = specs[name]
        scaled = posterior.values[:, posterior.names.index(name)] * float(policy.value)
        bad = np.flatnonzero((scaled < spec.low) | (scaled > spec.high))
        if bad.size:
            i = int(bad[0])
            value = posterior.values[i, posterior.names.index(name)]
            raise UserError(
                f"scenario {scenario.name!r} multiplies {name} by {float(policy.value):g}, "
                f"which takes row {i} of the posterior ({value:g}) outside the parameter's "
                "bounds",
                allowed=f"{spec.low:g} to {spec.high:g} {spec.unit}",
                **where,
            )
