"""The report's fan charts drawn in a second process, while the first draws the other figures.

Drawing the figures is most of the time of :func:`malisim.report.write_report` (matplotlib's
layout, text and rasterising: about 0.25 s a fan chart), and the fan charts are about half of
it. On a machine with two cores or more the report starts one worker process that opens the
same results folder, draws the fan charts (:func:`malisim.viz.results_figures.iter_fan_figures`)
and returns their PNG bytes; the report's own process draws the differences, distributions and
maps meanwhile. The worker is a fresh interpreter (``python -c``, running :func:`serve`): no
lock held by a thread of the parent (such as Arrow's reader pool) is inherited, as with
``fork``, and the caller's own script is not imported again, as ``multiprocessing``'s
``spawn`` would (a script without an ``if __name__ == "__main__":`` guard would run twice).
It pays the imports (about 0.5-0.8 s), which is why short reports are drawn in one process.

The PNG bytes are those the report's own process would make (same code, same matplotlib
settings, no date or software in the metadata): tests/test_report.py compares the two reports
byte for byte. If the worker fails for any reason (it cannot start, or raises), the report
draws the fan charts itself, so that a real error is raised where the user can read it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from malisim.viz.figure import FigureInfo

#: Fewest fan charts worth a worker: below, its start-up costs more than it saves.
MIN_FANS_FOR_WORKER = 4


@dataclass
class DrawnFigure(FigureInfo):
    """A figure drawn by the worker: its :class:`~malisim.viz.figure.FigureInfo`, its PNG bytes.

    Attributes:
        png: The PNG bytes.
        paths: Files written (PNG and SVG) when a figures folder was given.
    """

    png: bytes = b""
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class FanRequest:
    """What to draw: the fan charts of a results folder.

    Attributes:
        results_path: The results folder.
        scenarios: Scenarios drawn, in order.
        baseline: The baseline scenario.
        fan_outcomes: Monthly outcomes drawn (None: the report's default).
        figures_dir: Also write each figure there as PNG and SVG (None: in memory only).
    """

    results_path: str
    scenarios: tuple[str, ...]
    baseline: str
    fan_outcomes: tuple[str, ...] | None = None
    figures_dir: str | None = None


def draw_fans(request: FanRequest) -> list[DrawnFigure]:
    """Draw the fan charts of a request (in the worker, or in the caller's process).

    Returns:
        The figures, in report order.
    """
    from malisim.analysis.sources import open_results
    from malisim.viz.figure import figure_png
    from malisim.viz.results_figures import iter_fan_figures

    drawn = []
    res = open_results(request.results_path)
    fans = iter_fan_figures(res, request.scenarios, request.baseline, request.fan_outcomes or None)
    for spec in fans:
        stem = Path(request.figures_dir) / spec.name if request.figures_dir is not None else None
        png, written = figure_png(spec.figure, stem)
        paths = tuple(str(p) for p in written)
        drawn.append(DrawnFigure(spec.name, spec.section, spec.title, spec.caption, png, paths))
    return drawn


def worth_a_worker(n_fans: int, parallel: bool | None) -> bool:
    """Whether to draw the fan charts in a worker process.

    Args:
        n_fans: Fan charts the report will draw.
        parallel: ``True`` or ``False`` to force the choice; ``None`` decides: at least
            :data:`MIN_FANS_FOR_WORKER` fan charts and two CPUs available to this process.
    """
    if parallel is not None:
        return parallel and n_fans > 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return n_fans >= MIN_FANS_FOR_WORKER and cpus >= 2


def fans_for_the_worker(n_fans: int, maps: bool) -> int:
    """How many of the fan charts (the last ones) the worker draws, the rest drawn here.

    Measured on the smoke experiment (2 cores, 9 fan charts): a fan chart takes about 0.25 s;
    the worker's start (a fresh interpreter, its imports and the series read) about 1.2 s, and
    this process's own work besides the fan charts about 1.3 s without the maps and 2.2 s with
    them. The worker draws the share that makes the two finish together: about 1 fan chart
    more than half of them without the maps, 4 more with them (5 and 7 of 9).

    Args:
        n_fans: Fan charts the report draws.
        maps: Whether this process also draws the maps.
    """
    lead = 4 if maps else 1
    return min(n_fans, (n_fans + lead + 1) // 2)


#: What the worker interpreter runs: :func:`serve` on the request file given as its argument.
_WORKER_CODE = "import sys; from malisim.report.figure_worker import serve; serve(sys.argv[1])"


def serve(request: str) -> None:
    """The worker's work: read the pickled request, draw the fan charts, pickle them beside it.

    Args:
        request: Path of the pickled :class:`FanRequest` (written by :class:`FanWorker`); the
            figures are written to the same path with the suffix ``.out``.
    """
    drawn = draw_fans(pickle.loads(Path(request).read_bytes()))
    out = Path(f"{request}.out")
    tmp = out.with_name(f"{out.name}.tmp")
    tmp.write_bytes(pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, out)  # complete or absent


class FanWorker:
    """One worker process drawing the fan charts of a request; :meth:`result` waits for them.

    Args:
        request: What to draw.
    """

    def __init__(self, request: FanRequest) -> None:
        self._request_data = request
        self._folder = tempfile.TemporaryDirectory(prefix="malisim-fans-")
        self._request = Path(self._folder.name) / "request"
        self._request.write_bytes(pickle.dumps(request))
        package_root = str(Path(__file__).resolve().parents[2])  # the folder holding malisim
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self._drew_in_worker = False
        self._process: subprocess.Popen[bytes] | None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(self._request)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:  # no process could be started: drawn here instead
            self._process = None

    @property
    def drew_in_worker(self) -> bool:
        """Whether the worker's figures were the ones returned by :meth:`result`."""
        return self._drew_in_worker

    def result(self) -> list[DrawnFigure]:
        """The fan charts: the worker's, or drawn here if the worker could not draw them."""
        try:
            if self._process is not None and self._process.wait() == 0:
                out = Path(f"{self._request}.out")
                if out.is_file():
                    drawn: list[DrawnFigure] = pickle.loads(out.read_bytes())
                    self._drew_in_worker = True
                    return drawn
            return draw_fans(self._request_data)  # raises here what made the worker fail
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker if it still runs, and remove its files."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._folder.cleanup()
