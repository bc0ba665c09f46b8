"""Start-up: a run imports only the parts of Mesa it uses, and the light face is Mesa's package.

``malisim`` installs a light face of ``mesa`` (:func:`malisim.core.lazy.light_mesa`): Mesa's
``__init__`` is not run, so SciPy's spatial module, networkx, the batch runner and the data
collector are not imported for a run. Each check runs in a fresh interpreter (what is imported
depends on what was imported before).
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
