"""The tutorial notebooks of docs/tutorials run, so that they cannot rot.

Each notebook is executed with nbclient in a project folder made by
:func:`malisim.core.examples.init_project` (as ``malisim init`` makes it), from that folder's
``docs/tutorials`` as a user would open it, so that nothing is written into the checkout. The
kernel is this interpreter (a kernel spec in a temporary ``JUPYTER_PATH``), so the notebooks
import the malisim under test. The notebooks check their own results (``assert`` cells: the
series add up to the summary, the policies did what the scenario says, the posterior lies in
the priors); a failing cell fails the test with the cell's error. All four take about a minute
together on two cores.

The notebooks are committed without outputs; a test says so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

from malisim.core.examples import init_project

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "docs" / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
KERNEL = "malisim-tests"
#: Seconds any one cell may take (the slowest, a tiny batch or calibration, takes about 15).
CELL_TIMEOUT = 300


def test_the_four_tutorials_are_there():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_first_run",
        "02_counterfactual",
        "03_batch_compare",
        "04_sensitivity_calibration",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: clear the outputs before committing (cell {cell.id})"
            )


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory) -> Path:
    """A JUPYTER_PATH whose only kernel runs this interpreter."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "malisim tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return base


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_new_project(path, tmp_path, kernel_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    project = tmp_path / "project"
    init_project(project)
    copy = project / "docs" / "tutorials" / path.name
    assert copy.is_file()
    book = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(
        book,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(copy.parent)}},
    )
    client.execute()
    # the notebook worked in the project (not in the checkout) and wrote its results there
    streams = "".join(
        out.get("text", "")
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "stream"
    )
    assert f"working in {project.resolve()}" in streams
    assert any((project / "results").iterdir())
