"""Scenario discovery: where in the space of assumptions and policies does an outcome go badly?

:func:`discover` marks the runs of a results folder whose outcome meets a condition
(:func:`parse_where`: ``"> q90"`` for above the 90th percentile of the runs, ``"< q10"``, or a
threshold such as ``">= 1500"``), then describes where those *cases of interest* concentrate in
the inputs of the batch — the parameters its design varies and, when it has several scenarios,
the scenario (the policy history) as a categorical lever:

* PRIM (Friedman and Fisher's Patient Rule Induction Method, through EMA Workbench's
  :class:`ema_workbench.analysis.prim.Prim`): boxes found one after another on the runs not yet
  covered, each with its limits on the restricted inputs, its *coverage* (share of all cases
  inside the box) and *density* (share of the box's runs that are cases), chosen on the peeling
  trajectory as the point of best balance (harmonic mean) of the two among those reaching the
  density threshold; the trajectory itself is plotted;
* CART (:class:`sklearn.tree.DecisionTreeClassifier`, balanced classes, shallow): the same
  question as a tree of splits, as text and a plot.

:meth:`DiscoveryResult.write` writes ``boxes.csv``, ``trajectory.csv``, ``prim_trajectory.png``,
``cart.txt``, ``cart.png`` and ``summary.txt``.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from malisim.core.errors import UserError
from malisim.sensitivity.analyse import check_outcomes
from malisim.sensitivity.figures import close_figure, pyplot

_SCENARIO_ALIAS = "scenario_"
#: Default output folder inside a results folder (one subfolder per outcome).
OUT_DIR = "discovery"
#: Most PRIM boxes a discovery may ask for (``--boxes``); boxes are found one after another.
MAX_BOXES = 100
#: Deepest CART tree a discovery may ask for (``--depth``): deeper trees are not readable (up to
#: 2**depth leaves), and the figure's width doubles with every level.
MAX_DEPTH = 8
_WHERE = re.compile(
    r"^\s*(>=|<=|>|<)\s*(?:(q)\s*(\d+(?:\.\d+)?)|([-+]?[\d_,.]+(?:[eE][-+]?\d+)?))\s*$"
)


@dataclass(frozen=True)
class Condition:
    """A condition on an outcome: ``op`` and either a quantile (percent) or a value."""

    op: str
    quantile: float | None = None
    value: float | None = None

    def __str__(self) -> str:
        return (
            f"{self.op} q{self.quantile:g}"
            if self.quantile is not None
            else (f"{self.op} {self.value:g}")
        )

    def cutoff(self, values: np.ndarray) -> float:
        """The threshold value (the quantile of ``values`` for a quantile condition)."""
        if self.quantile is None:
            return float(self.value)  # type: ignore[arg-type]
        return float(np.nanquantile(values, self.quantile / 100.0))

    def mask(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the values meeting the condition."""
        c = self.cutoff(values)
        ops = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}
        return ops[self.op](values, c)


def parse_where(text: str) -> Condition:
    """Parse ``"> q90"``, ``"<= q10"``, ``"> 1500"``, ``">= 1e6"``.

    Raises:
        UserError: For anything else, or a quantile outside 0-100.
    """
    m = _WHERE.match(str(text))
    if not m:
        raise UserError(
            f"cannot read condition {text!r}",
            key="--where",
            allowed="an operator (>, >=, <, <=) and a quantile or a number, e.g. '> q90', "
            "'< q10', '> 1500'",
        )
    op, q, qv, num = m.groups()
    if q:
        quantile = float(qv)
        if not 0.0 < quantile < 100.0:
            raise UserError(
                f"quantile q{qv} out of range", key="--where", allowed="q1 to q99, e.g. q90"
            )
        return Condition(op, quantile=quantile)
    try:
        value = float(num.replace("_", "").replace(",", ""))
    except ValueError:
        raise UserError(f"cannot read number {num!r}", key="--where") from None
    return Condition(op, value=value)


@dataclass
class Box:
    """One PRIM box.

    Attributes:
        index: 1-based box number (boxes are found one after another).
        coverage: Share of all cases of interest inside the box.
        density: Share of the box's runs that are cases of interest.
        mass: Share of all runs inside the box.
        n: Runs inside the box.
        limits: One row per restricted input: ``parameter``, ``low``, ``high`` (numbers) or
            ``values`` (scenarios kept), ``full_low``, ``full_high``.
        step: The selected step of the peeling trajectory.
    """

    index: int
    coverage: float
    density: float
    mass: float
    n: int
    limits: pd.DataFrame
    step: int


@dataclass
class DiscoveryResult:
    """Scenario discovery of one outcome.

    Attributes:
        outcome: The outcome.
        condition: The condition (e.g. ``> q90``).
        cutoff: The threshold value.
        n_runs: Runs used.
        n_cases: Runs meeting the condition.
        inputs: Inputs considered (varied parameters, ``scenario``).
        boxes: PRIM boxes.
        trajectory: Peeling trajectories (column ``box`` first).
        cart_text: The CART tree as text.
        cart_accuracy: Balanced accuracy of the tree on the runs.
        warnings: Notes.
    """

    outcome: str
    condition: Condition
    cutoff: float
    n_runs: int
    n_cases: int
    inputs: list[str]
    boxes: list[Box]
    trajectory: pd.DataFrame
    cart_text: str
    cart_accuracy: float
    warnings: list[str] = field(default_factory=list)
    _tree: Any = None
    _features: list[str] = field(default_factory=list)

    def boxes_table(self) -> pd.DataFrame:
        """One row per box and restricted input."""
        rows = []
        for box in self.boxes:
            for r in box.limits.itertuples(index=False):
                rows.append(
                    {
                        "box": box.index,
                        "coverage": box.coverage,
                        "density": box.density,
                        "mass": box.mass,
                        "n_runs": box.n,
                        **r._asdict(),
                    }
                )
        cols = [
            "box",
            "coverage",
            "density",
            "mass",
            "n_runs",
            "parameter",
            "low",
            "high",
            "values",
            "full_low",
            "full_high",
        ]
        return pd.DataFrame(rows, columns=cols)

    def format(self) -> str:
        """A readable summary for the terminal."""
        base = self.n_cases / self.n_runs if self.n_runs else float("nan")
        lines = [
            f"Scenario discovery: {self.outcome} {self.condition} (cut-off {_num(self.cutoff)}): "
            f"{self.n_cases} of {self.n_runs} runs ({base:.0%}); inputs: {', '.join(self.inputs)}",
            "",
            "PRIM boxes (coverage: share of the cases inside; density: share of the box's runs "
            "that are cases):",
        ]
        if not self.boxes:
            lines.append("  no box reaches the density threshold")
        for box in self.boxes:
            lines.append(
                f"  box {box.index}: coverage {box.coverage:.0%}, density {box.density:.0%}, "
                f"{box.n} runs ({box.mass:.0%} of all)"
            )
            for r in box.limits.itertuples(index=False):
                if isinstance(r.values, str) and r.values:
                    lines.append(f"    {r.parameter} in {{{r.values}}}")
                else:
                    lines.append(
                        f"    {_num(r.low)} <= {r.parameter} <= {_num(r.high)}   "
                        f"(range {_num(r.full_low)} to {_num(r.full_high)})"
                    )
        lines += [
            "",
            f"CART tree (balanced accuracy {self.cart_accuracy:.0%}; class 1 = {self.outcome} "
            f"{self.condition}):",
            self.cart_text.rstrip(),
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def write(self, folder: str | Path) -> list[Path]:
        """Write tables, plots and the summary to ``folder``; return the files."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        files = [folder / n for n in ("boxes.csv", "trajectory.csv", "cart.txt", "summary.txt")]
        self.boxes_table().to_csv(files[0], index=False)
        self.trajectory.to_csv(files[1], index=False)
        files[2].write_text(self.cart_text, encoding="utf-8")
        files[3].write_text(self.format() + "\n", encoding="utf-8")
        for name, fig in (
            ("prim_trajectory.png", self.plot_trajectory()),
            ("cart.png", self.plot_tree()),
        ):
            if fig is not None:
                fig.savefig(folder / name, dpi=110)
                close_figure(fig)
                files.append(folder / name)
        return files

    def plot_trajectory(self) -> Any:
        """Peeling trajectory: density against coverage, coloured by restricted dimensions."""
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(6.5, 4.6))
        if self.trajectory.empty:
            ax.text(0.5, 0.5, "no trajectory", ha="center")
            return fig
        sc = None
        for b, rows in self.trajectory.groupby("box"):
            ax.plot(rows["coverage"], rows["density"], color="#bbbbbb", lw=0.8, zorder=1)
            sc = ax.scatter(
                rows["coverage"],
                rows["density"],
                c=rows["res_dim"],
                cmap="viridis",
                s=16,
                zorder=2,
                vmin=0,
                vmax=max(1, int(self.trajectory["res_dim"].max())),
            )
            ax.annotate(
                f"box {b}",
                (rows["coverage"].iloc[-1], rows["density"].iloc[-1]),
                fontsize=7,
                xytext=(4, -8),
                textcoords="offset points",
            )
        for box in self.boxes:
            ax.scatter(
                [box.coverage],
                [box.density],
                s=90,
                facecolors="none",
                edgecolors="#c0392b",
                lw=1.4,
                zorder=3,
            )
        if sc is not None:
            fig.colorbar(sc, ax=ax, label="restricted dimensions")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title(
            f"PRIM peeling trajectory: {self.outcome} {self.condition} (circled: boxes chosen)",
            fontsize=9,
        )
        fig.tight_layout()
        return fig

    def plot_tree(self) -> Any:
        """The CART tree (None if there is none)."""
        if self._tree is None:
            return None
        from sklearn.tree import plot_tree

        plt = pyplot()
        depth = self._tree.get_depth()
        fig, ax = plt.subplots(figsize=(max(7.0, 2.6 * 2**depth / 1.6), 1.8 * depth + 2))
        plot_tree(
            self._tree,
            feature_names=self._features,
            class_names=["other", "case"],
            filled=True,
            impurity=False,
            proportion=True,
            fontsize=7,
            ax=ax,
        )
        ax.set_title(f"CART: {self.outcome} {self.condition}", fontsize=9)
        fig.tight_layout()
        return fig


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    v = float(value)
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"


def _numeric(column: pd.Series) -> pd.Series:
    """A design column as numbers: policy dates (``YYYY-MM`` text) as month indices."""
    from malisim.core.calendar import DateError, parse_month

    try:
        return column.astype(float)
    except (TypeError, ValueError):
        try:
            return column.map(lambda v: float(parse_month(v)) if isinstance(v, str) else v)
        except DateError:
            return pd.to_numeric(column, errors="coerce")


def inputs_frame(results: Any) -> pd.DataFrame:
    """The inputs of each done run: varied design parameters and, if several, the scenario.

    Args:
        results: :class:`~malisim.experiment.Results`.

    Returns:
        One row per done run (index ``run_id``), parameter columns that vary across the runs
        (a point that does not set a parameter gets the scenario's value) and ``scenario`` as
        a categorical column when the batch has several scenarios.
    """
    from malisim.experiment.design import DESIGN_ID_COLUMNS, POSTERIOR_DRAW_COLUMN

    design = results.design.set_index("run_id")
    not_params = (*DESIGN_ID_COLUMNS, POSTERIOR_DRAW_COLUMN)
    params = [c for c in design.columns if c not in not_params]
    scen_params = {
        s.get("name"): s.get("params", {})
        for s in results.manifest.get("experiment", {}).get("scenarios", [])
    }
    frame = pd.DataFrame(index=design.index)
    for name in params:
        col = _numeric(design[name])
        if col.isna().any():
            fill = design["scenario"].map(lambda s, n=name: scen_params.get(s, {}).get(n))
            col = col.fillna(pd.to_numeric(fill, errors="coerce"))
        if col.nunique(dropna=True) > 1:
            frame[name] = col
    if design["scenario"].nunique() > 1:
        frame["scenario"] = pd.Categorical(design["scenario"])
    return frame


def _choose_step(traj: pd.DataFrame, threshold: float) -> int:
    """Index of the trajectory step with the best harmonic mean of coverage and density."""
    cov, den = traj["coverage"].to_numpy(float), traj["density"].to_numpy(float)
    f = np.where(cov + den > 0, 2 * cov * den / np.maximum(cov + den, 1e-300), 0.0)
    ok = den >= threshold
    if ok.any():
        f = np.where(ok, f, -1.0)
    return int(np.argmax(f))


def _limits(box_lim: pd.DataFrame, x: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name in x.columns:
        if isinstance(x[name].dtype, pd.CategoricalDtype):
            kept = box_lim[name].iloc[0]
            kept = set(kept) if isinstance(kept, set | frozenset | list | tuple) else {kept}
            allv = set(x[name].cat.categories)
            if kept != allv:
                rows.append(
                    (name, np.nan, np.nan, ", ".join(sorted(map(str, kept))), np.nan, np.nan)
                )
            continue
        low, high = float(box_lim[name].iloc[0]), float(box_lim[name].iloc[1])
        full_low, full_high = float(x[name].min()), float(x[name].max())
        if low > full_low or high < full_high:
            rows.append((name, low, high, "", full_low, full_high))
    return pd.DataFrame(
        rows, columns=["parameter", "low", "high", "values", "full_low", "full_high"]
    )


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    threshold: float = 0.8,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    max_boxes: int = 3,
) -> tuple[list[Box], pd.DataFrame]:
    """Find PRIM boxes with EMA Workbench.

    Args:
        x: Inputs (numeric columns; categorical ones as pandas categoricals).
        y: Boolean cases of interest.
        threshold: Minimum density of a box.
        mass_min: Smallest share of the runs in a box.
        peel_alpha: Share peeled at each step.
        max_boxes: Most boxes.

    Returns:
        ``(boxes, trajectory)``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    level = logging.getLogger("EMA").level
    logging.getLogger("EMA").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # EMA Workbench drops a column named "scenario" (its own experiments' id)
            xp = x.reset_index(drop=True).rename(columns={"scenario": _SCENARIO_ALIAS})
            algo = prim.Prim(
                xp,
                np.asarray(y, dtype=bool),
                threshold=threshold,
                peel_alpha=peel_alpha,
                mass_min=mass_min,
            )
            boxes: list[Box] = []
            trajs = []
            n_cases = int(np.sum(y))
            for b in range(1, max_boxes + 1):
                found = algo.find_box()
                if found is None or found.res_dim == 0:
                    break
                traj = found.peeling_trajectory.copy()
                step = _choose_step(traj, threshold)
                row = traj.iloc[step]
                if float(row["density"]) < threshold:
                    break
                found.select(step)
                lims = found.box_lims[step].rename(columns={_SCENARIO_ALIAS: "scenario"})
                limits = _limits(lims, x)
                boxes.append(
                    Box(
                        index=b,
                        coverage=float(row["coverage"]),
                        density=float(row["density"]),
                        mass=float(row["mass"]),
                        n=int(row["n"]),
                        limits=limits,
                        step=step,
                    )
                )
                traj.insert(0, "box", b)
                trajs.append(traj)
                if n_cases == 0:
                    break
    finally:
        logging.getLogger("EMA").setLevel(level)
    cols = ["box", "coverage", "density", "mass", "n", "res_dim", "mean", "k"]
    if trajs:
        traj = pd.concat(trajs, ignore_index=True)
        traj = traj[[c for c in cols if c in traj.columns]]
    else:
        traj = pd.DataFrame(columns=cols)
    return boxes, traj


def cart_tree(
    x: pd.DataFrame, y: np.ndarray, max_depth: int = 3, seed: int = 0
) -> tuple[Any, list[str], str, float]:
    """Fit a shallow classification tree (balanced classes) to the cases of interest.

    Returns:
        ``(tree, feature names, text, balanced accuracy on the runs)``.
    """
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.tree import DecisionTreeClassifier, export_text

    xx = pd.get_dummies(x, prefix_sep="=", dtype=float) if len(x.columns) else x
    features = [str(c) for c in xx.columns]
    leaf = max(5, int(0.02 * len(xx)))
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=leaf, class_weight="balanced", random_state=seed
    )
    tree.fit(xx.to_numpy(dtype=float), np.asarray(y, dtype=int))
    text = export_text(tree, feature_names=features, decimals=4, show_weights=False)
    acc = float(balanced_accuracy_score(y, tree.predict(xx.to_numpy(dtype=float))))
    return tree, features, text, acc


def discover_frame(
    x: pd.DataFrame,
    outcome_values: np.ndarray,
    outcome: str,
    where: str | Condition,
    *,
    threshold: float = 0.8,
    mass_min: float = 0.05,
    max_boxes: int = 3,
    max_depth: int = 3,
) -> DiscoveryResult:
    """Scenario discovery on given inputs and outcome values (see :func:`discover`)."""
    cond = where if isinstance(where, Condition) else parse_where(where)
    if not 0.0 < threshold <= 1.0:
        raise UserError(
            f"invalid density threshold {threshold:g}",
            key="--threshold",
            allowed="a share between 0 and 1, e.g. 0.8",
        )
    if not 0.0 < mass_min < 1.0:
        raise UserError(
            f"invalid mass {mass_min:g}",
            key="--mass-min",
            allowed="a share between 0 and 1, e.g. 0.05",
        )
    if isinstance(max_boxes, bool) or not 1 <= max_boxes <= MAX_BOXES:
        raise UserError(
            f"{max_boxes} boxes is out of range",
            key="--boxes",
            allowed=f"a whole number from 1 to {MAX_BOXES}, e.g. 3",
        )
    if isinstance(max_depth, bool) or not 1 <= max_depth <= MAX_DEPTH:
        raise UserError(
            f"depth {max_depth} is out of range",
            key="--depth",
            allowed=f"a whole number from 1 to {MAX_DEPTH}, e.g. 3",
        )
    if x.shape[1] == 0:
        raise UserError(
            "the batch varies no parameter and has a single scenario: nothing to discover",
            allowed="results of `malisim sensitivity`, or of a batch with a sweep, a sample or "
            "several scenarios",
        )
    values = np.asarray(outcome_values, dtype=float)
    keep = np.isfinite(values)
    notes = []
    if not keep.all():
        notes.append(f"{int((~keep).sum())} runs without a value of {outcome} left out")
    x = x.loc[keep].reset_index(drop=True)
    values = values[keep]
    cutoff = cond.cutoff(values)
    y = cond.mask(values)
    n_cases = int(y.sum())
    if n_cases == 0 or n_cases == len(y):
        what = "no run" if n_cases == 0 else "every run"
        raise UserError(
            f"{what} has {outcome} {cond} (cut-off {_num(cutoff)}; the runs range from "
            f"{_num(values.min())} to {_num(values.max())})",
            key="--where",
            allowed="a condition that some runs meet and others do not",
        )
    boxes, traj = prim_boxes(x, y, threshold=threshold, mass_min=mass_min, max_boxes=max_boxes)
    tree, features, text, acc = cart_tree(x, y, max_depth=max_depth)
    return DiscoveryResult(
        outcome=outcome,
        condition=cond,
        cutoff=cutoff,
        n_runs=len(y),
        n_cases=n_cases,
        inputs=list(x.columns),
        boxes=boxes,
        trajectory=traj,
        cart_text=text,
        cart_accuracy=acc,
        warnings=notes,
        _tree=tree,
        _features=features,
    )


def discover(
    results_dir: str | Path,
    outcome: str,
    where: str,
    *,
    inputs: Sequence[str] | None = None,
    threshold: float = 0.8,
    mass_min: float = 0.05,
    max_boxes: int = 3,
    max_depth: int = 3,
) -> DiscoveryResult:
    """Scenario discovery over the varied parameters and scenarios of a results folder.

    Args:
        results_dir: A results folder (``malisim batch`` or ``malisim sensitivity``).
        outcome: A run-level outcome, e.g. ``civilian_fatalities_total``.
        where: ``"> q90"`` (quantile of the runs), ``"< q10"``, ``"> 1500"`` (threshold).
        inputs: Inputs to use (default: every varied parameter and, if several, ``scenario``).
        threshold: PRIM: minimum density of a box.
        mass_min: PRIM: smallest share of the runs in a box.
        max_boxes: PRIM: most boxes (1 to :data:`MAX_BOXES`).
        max_depth: CART: depth of the tree (1 to :data:`MAX_DEPTH`).

    Returns:
        The boxes, trajectory and tree.

    Raises:
        UserError: For an outcome not in the results, a bad condition, ``max_boxes`` or
            ``max_depth`` out of range, a batch without varied inputs, or a condition that no
            run (or every run) meets.
    """
    from malisim.experiment import load_results

    res = load_results(results_dir)
    table = res.outcomes
    check_outcomes(
        [outcome],
        [
            c
            for c in table.columns
            if c not in ("run_id", "scenario", "point_id", "replicate", "seed")
        ],
        file=str(results_dir),
    )
    x_all = inputs_frame(res)
    if inputs:
        unknown = [c for c in inputs if c not in x_all.columns]
        if unknown:
            raise UserError(
                f"not a varied input of the batch: {', '.join(unknown)}",
                allowed=", ".join(x_all.columns),
            )
        x_all = x_all[list(inputs)]
    x = x_all.reindex(table["run_id"])
    return discover_frame(
        x.reset_index(drop=True),
        table[outcome].to_numpy(dtype=float),
        outcome,
        where,
        threshold=threshold,
        mass_min=mass_min,
        max_boxes=max_boxes,
        max_depth=max_depth,
    )
