"""Benchmark: one step of the page on the default grid (model step + map + charts update).

The page (``malisim ui``) redraws the map and the six outcome charts after every simulated
month. This measures, on the full grid with the default 50,000 civilian agents and the shipped
historical scenario, over the whole 2019-2026 run:

* ``model step``: ``MaliModel.step``;
* ``map``: :func:`malisim.app.render.model_map_svg` with both overlays (civilian deaths,
  displaced people);
* ``charts``: :func:`malisim.app.render.outcome_charts` (six SVG charts, with their hover
  columns and the scenario's policy markers, as the page draws them);
* ``compare: baseline + charts`` (with "compare with the baseline" on): one month of the
  baseline run (the scenario without the changed levers, here Wagner off) and the charts with
  its dashed lines and the running totals, what the switch adds to each step;
* ``render total``: the three together, the figure held to the target;
* ``page click`` (when Solara is installed): clicking "Step 1 month" on the page rendered
  in-process with ``solara.render``: the same work plus Solara's re-render and widget diff, all
  the server does for a step, without the browser;
* ``browser`` (with ``--browser``, needs /usr/bin/chromium and Playwright): from the click on
  "Step 1 month" in headless Chromium to the new month shown, through a real server.

Target (printed, never asserted in tests): render total <= 300 ms per step (median and p95).

``--against DIR`` (another checkout of the project, for example ``git worktree add /tmp/wt-old
dbb97db``) times the step and the page click on this tree and on ``DIR`` alternately, each in a
fresh process, ``--rounds`` times (:mod:`alternate`), and prints the medians of both with the
ratio, wall time and CPU time side by side: how "not slower than commit X" is checked.

Run: ``python benchmarks/bench_ui.py [--quick] [--browser] [--against DIR [--rounds N]]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
SCENARIO = ROOT / "scenarios" / "historical.yaml"
TARGET_MS = 300.0


def _stats(values: Sequence[float]) -> tuple[float, float, float]:
    """Median, 95th percentile and maximum, in milliseconds."""
    ms = sorted(v * 1000.0 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return statistics.median(ms), p95, ms[-1]


def _row(label: str, values: Sequence[float], target: float | None = None) -> None:
    med, p95, top = _stats(values)
    mark = ""
    if target is not None:
        mark = f"   target <= {target:.0f} ms: {'met' if p95 <= target else 'MISSED'}"
    print(f"  {label:<28} {med:8.1f} {p95:8.1f} {top:8.1f}{mark}")


def bench_render(months: int, seed: int) -> None:
    """Step the model and redraw the map and the charts, month by month."""
    from malisim.app.render import (
        model_map_svg,
        national_history,
        outcome_charts,
        policy_markers,
        totals_html,
    )
    from malisim.app.settings import levers_from_scenario, resolve_levers
    from malisim.scenario import load_scenario
    from malisim.scenario.runner import build_model

    scenario = load_scenario(SCENARIO)
    model = build_model(scenario, seed)
    changed = resolve_levers(scenario, levers_from_scenario(scenario).replace(wagner_on=False))
    baseline = build_model(changed, seed)
    markers = policy_markers(scenario)
    model_map_svg(model)  # warm-up: the grid's static map geometry is built once
    step_s, map_s, chart_s, total_s, compare_s = [], [], [], [], []
    for _ in range(months):
        if not model.running:
            break
        t0 = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        svg = model_map_svg(model, show_deaths=True, show_displaced=True)
        t2 = time.perf_counter()
        history = national_history(model)
        charts = outcome_charts(history, model.start_month, model.end_month, markers)
        t3 = time.perf_counter()
        assert svg and len(charts) == 6
        baseline.step()
        base = national_history(baseline)
        outcome_charts(history, model.start_month, model.end_month, markers, base)
        totals_html(history, base)
        t4 = time.perf_counter()
        step_s.append(t1 - t0)
        map_s.append(t2 - t1)
        chart_s.append(t3 - t2)
        total_s.append(t3 - t0)
        compare_s.append(t4 - t3)
    print(f"== ui: one step of the page, full grid ({model.grid.n_cells} cells), "
          f"{len(total_s)} months of {scenario.name}, seed {seed} ==")  # fmt: skip
    print(f"  {'(ms per step)':<28} {'median':>8} {'p95':>8} {'max':>8}")
    _row("model step", step_s)
    _row("map (SVG, both overlays)", map_s)
    _row("charts (6, hover, markers)", chart_s)
    _row("render total", total_s, TARGET_MS)
    _row("compare: baseline + charts", compare_s)
    baseline.release()


def bench_page(months: int) -> None:
    """Click "Step 1 month" on the page rendered in-process (Solara, no browser)."""
    try:
        import ipyvuetify as v
        import solara
    except ImportError:
        print("  page click: skipped (solara is not installed: pip install 'malisim[viz]')")
        return
    from malisim.app import page

    os.environ[page.SCENARIO_ENV] = str(SCENARIO)
    t0 = time.perf_counter()
    _box, rc = solara.render(page.Page(), handle_error=False)
    first = time.perf_counter() - t0
    button = rc.find(v.Btn, children=["Step 1 month"]).widget
    clicks = []
    for _ in range(months):
        t0 = time.perf_counter()
        button.click()
        clicks.append(time.perf_counter() - t0)
    rc.close()
    _row("page click (Solara render)", clicks, TARGET_MS)
    print(f"  first page render (build model + page): {first * 1000:.0f} ms")


def bench_browser(months: int) -> None:
    """Click "Step 1 month" in headless Chromium and wait for the new month on screen."""
    import socket
    import urllib.request

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  browser: skipped (playwright is not installed)")
        return
    if not os.path.exists("/usr/bin/chromium"):
        print("  browser: skipped (no /usr/bin/chromium: bash scripts/ci_browser_setup.sh)")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "malisim.cli", "ui", "--port", str(port), str(SCENARIO)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            pg = browser.new_page(viewport={"width": 1280, "height": 800})
            pg.goto(url, timeout=60_000)
            pg.wait_for_selector("svg.malisim-map", timeout=60_000)
            times = []
            for _ in range(months):
                before = pg.locator(".malisim-month-count").inner_text()
                t0 = time.perf_counter()
                pg.locator(".malisim-step").click()
                pg.wait_for_function(
                    "t => document.querySelector('.malisim-month-count').textContent !== t "
                    "&& document.querySelector('.chart-fatalities svg') !== null",
                    arg=before,
                    timeout=30_000,
                )
                pg.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                times.append(time.perf_counter() - t0)
            browser.close()
        _row("browser click -> painted", times)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def child_figures(root: Path, months: int, clicks: int, seed: int) -> dict[str, list[float]]:
    """The step's parts and the page click, timed on the code imported (``--child`` mode).

    Only functions every version of the page has are called, so that another checkout
    (``--against``) is timed the same way; the charts get the scenario's policy markers when the
    version draws them (as its page does).

    Returns:
        Figure name -> seconds per step (wall time, and CPU time for the totals).
    """
    from malisim.app import render
    from malisim.scenario import load_scenario
    from malisim.scenario.runner import build_model

    scenario_file = root / "scenarios" / "historical.yaml"
    scenario = load_scenario(scenario_file)
    model = build_model(scenario, seed)
    markers = render.policy_markers(scenario) if hasattr(render, "policy_markers") else ()
    extra = (markers,) if markers else ()
    render.model_map_svg(model)
    names = ("model step", "map (SVG, both overlays)", "charts", "render total", "render CPU")
    out: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(months):
        if not model.running:
            break
        c0, t0 = time.process_time(), time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        render.model_map_svg(model, show_deaths=True, show_displaced=True)
        t2 = time.perf_counter()
        history = render.national_history(model)
        render.outcome_charts(history, model.start_month, model.end_month, *extra)
        t3, c3 = time.perf_counter(), time.process_time()
        for name, value in zip(names, (t1 - t0, t2 - t1, t3 - t2, t3 - t0, c3 - c0), strict=True):
            out[name].append(value)
    if hasattr(model, "release"):
        model.release()
    try:
        import ipyvuetify as v
        import solara
    except ImportError:
        return out
    from malisim.app import page

    os.environ[page.SCENARIO_ENV] = str(scenario_file)
    _box, rc = solara.render(page.Page(), handle_error=False)
    button = rc.find(v.Btn, children=["Step 1 month"]).widget
    button.click()  # warm-up: the first click builds what later ones reuse
    wall, cpu = [], []
    for _ in range(clicks):
        c0, t0 = time.process_time(), time.perf_counter()
        button.click()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    rc.close()
    out["page click (wall)"] = wall
    out["page click (CPU)"] = cpu
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    import alternate  # benchmarks/alternate.py (the folder is on the path, above)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 months instead of 96")
    parser.add_argument("--browser", action="store_true", help="also time it in Chromium")
    parser.add_argument("--seed", type=int, default=1)
    alternate.add_against_arguments(parser, rounds=5)
    args = parser.parse_args(argv)
    months = 12 if args.quick else 96
    if args.child:
        figures = child_figures(args.root, months, min(months, 24), args.seed)
        print(json.dumps(figures))
        return 0
    if args.against is not None:
        rounds = 1 if args.quick else args.rounds
        print(f"== ui: this tree against {args.against}, {rounds} alternate round(s) ==")
        extra = ["--seed", str(args.seed)] + ["--quick"] * args.quick
        results = alternate.run_alternately(Path(__file__), args.against, rounds, extra)
        print(alternate.format_alternate(results, args.against))
        return 0
    bench_render(months, args.seed)
    bench_page(min(months, 24))
    if args.browser:
        bench_browser(min(months, 24))
    return 0


if __name__ == "__main__":
    sys.exit(main())
