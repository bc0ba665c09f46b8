"""Start-up: a run imports only what it uses, and the light face is Mesa's package.

``malisim`` installs a light face of ``mesa`` (:func:`malisim.core.lazy.light_mesa`): Mesa's
``__init__`` is not run, so SciPy's spatial module, networkx, the batch runner and the data
collector are not imported for a run. A one-month ``malisim run`` imports neither the batch
machinery, the analysis, the report, the plotting nor the UI (nor their libraries); checking,
describing and listing scenarios import neither pandas, pyarrow nor SciPy; ``import malisim`` or
building the command-line parser imports no heavy library at all. Each check runs in a fresh
interpreter (what is imported depends on what was imported before). Speed itself is measured by
``benchmarks/bench_startup.py``, not here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, tmp_path: Path | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path or ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_one_month_run_imports_only_the_mesa_it_uses(tmp_path) -> None:
    _python(
        f"""
        import sys
        from malisim.cli import main
        try:
            main(["run", "--end", "2019-01", "--set", "n_civilian_agents=2000",
                  "--out", {str(tmp_path / "run")!r}])
        except SystemExit as exc:
            assert not exc.code, exc.code
        heavy = ["networkx", "scipy.spatial", "mesa.space", "mesa.experimental",
                 "mesa.batchrunner", "mesa.datacollection", "tqdm"]
        loaded = [name for name in heavy if name in sys.modules]
        assert not loaded, loaded
        import mesa.model
        from malisim.model import MaliModel
        assert issubclass(MaliModel, mesa.model.Model)
        """,
        tmp_path,
    )


#: Modules a one-month ``malisim run`` of one replicate has no use for (module name prefixes).
NOT_FOR_A_RUN = (
    "malisim.analysis",
    "malisim.app",
    "malisim.calibration",
    "malisim.docking",
    "malisim.report",
    "malisim.sensitivity",
    "malisim.viz",
    "malisim.experiment.batch",
    "malisim.experiment.executors",
    "malisim.experiment.results",
    "malisim.experiment.design",
    "malisim.data_io",
    "jinja2",
    "matplotlib",
    "solara",
    "ipywidgets",
    "dask",
    "distributed",
    "multiprocessing.pool",
    "concurrent.futures.process",
    "pyarrow.dataset",
    "pyarrow.csv",
    "pandas.io.formats.style",
    # SciPy: the civilians' sums per home cell (CivilianPopulation._home_sum) become a CSR
    # product only once a process has run about two replicates (HOME_SUM_MATRIX_AGENT_MONTHS);
    # before, a bincount with the same bits, so that a short run does not pay SciPy's import
    "scipy",
    "networkx",
    "pandas",
)


def test_a_one_month_run_imports_no_batch_analysis_report_or_ui_module(tmp_path) -> None:
    """What ``malisim run`` of one replicate has imported when it is done (in ``sys.modules``)."""
    _python(
        f"""
        import sys
        from malisim.cli import main
        try:
            main(["run", "--end", "2019-01", "--set", "n_civilian_agents=2000",
                  "--out", {str(tmp_path / "run")!r}])
        except SystemExit as exc:
            assert not exc.code, exc.code
        unwanted = {NOT_FOR_A_RUN!r}
        loaded = sorted(m for m in sys.modules if m.startswith(unwanted))
        assert not loaded, loaded
        """,
        tmp_path,
    )


def test_import_malisim_and_the_parser_import_no_heavy_library() -> None:
    """``import malisim`` and ``malisim --help``'s parser load no library and no Mesa module."""
    _python(
        """
        import sys
        import malisim
        from malisim.cli.main import build_parser
        build_parser().format_help()
        heavy = ("numpy", "pandas", "pyarrow", "scipy", "pydantic", "yaml", "jinja2", "dask",
                 "mesa.", "malisim.model", "malisim.scenario", "malisim.policies")
        loaded = sorted(m for m in sys.modules if m.startswith(heavy))
        assert not loaded, loaded
        """
    )


def test_checking_and_listing_scenarios_import_neither_pandas_nor_arrow_nor_scipy() -> None:
    """``malisim validate``, ``describe`` and ``list`` read scenarios: no frame, no Parquet."""
    _python(
        f"""
        import contextlib, io, sys
        from malisim.cli import main
        for argv in (["validate", {str(ROOT / "scenarios" / "historical.yaml")!r}],
                     ["describe", {str(ROOT / "scenarios" / "historical.yaml")!r}], ["list"]):
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    main(argv)
                except SystemExit as exc:
                    assert not exc.code, (argv, exc.code)
        heavy = ("pandas", "pyarrow", "scipy", "mesa.", "malisim.model.mali_model")
        loaded = sorted(m for m in sys.modules if m.startswith(heavy))
        assert not loaded, loaded
        """
    )


def test_the_face_serves_every_name_of_mesa() -> None:
    _python(
        """
        import importlib.metadata
        import malisim  # installs the face
        import mesa
        import mesa.agent, mesa.model
        assert mesa.Model is mesa.model.Model and mesa.Agent is mesa.agent.Agent
        import mesa.space  # a submodule import through the face
        assert mesa.space.MultiGrid.__module__ == "mesa.space"
        # a name the face does not serve runs Mesa's own __init__: everything it defines
        assert mesa.__version__ == importlib.metadata.version("mesa")
        assert {"Agent", "Model", "DataCollector", "batch_run", "space"} <= set(mesa.__all__)
        from mesa.datacollection import DataCollector
        assert mesa.DataCollector is DataCollector
        namespace = {}
        exec("from mesa import *", namespace)
        assert namespace["batch_run"] is mesa.batch_run
        try:
            mesa.no_such_name
        except AttributeError as exc:
            assert "no_such_name" in str(exc)
        else:
            raise AssertionError("an unknown name was served")
        """
    )


def test_mesa_loggers_are_named_and_log_as_mesa_does() -> None:
    """Through the light face Mesa's loggers are Mesa's own: same names, same debug lines."""
    code = """
        import io, logging, sys
        if sys.argv[1] == "face":
            import malisim, mesa
            mesa.Model
        import mesa.model
        stream = io.StringIO()
        logger = logging.getLogger("MESA")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(logging.StreamHandler(stream))
        mesa.model.Model(seed=1)
        print(mesa.model._mesa_logger.name, stream.getvalue().strip())
        """
    outputs = []
    for mode in ("face", "mesa"):
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), mode],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("MESA.mesa.model calling Model.__init__ with ()")
