"""The page in a real browser: headless Debian Chromium driven by Python Playwright.

Starts the page's server (``python -m malisim.cli ui``, the ``malisim ui`` command) on a free
local port, loads the page at 1280x800, changes levers, steps the model, checks that the
date, the map and a chart changed, that nothing scrolls sideways, runs two replicates, saves a
screenshot and checks that "save as scenario" downloads a file ``load_scenario`` validates.
A second server opens a hostile scenario file (HTML and script in its description, a donor's
name, its name and its file name) and checks that the page shows these texts as text and that
none of their scripts runs.

Chromium must be at /usr/bin/chromium (``bash scripts/ci_browser_setup.sh`` installs it); the
test fails, never skips, when it is missing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from malisim.app.texts import PAGE_TITLE
from malisim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_TIMEOUT = 90.0
UI_TIMEOUT_MS = 60_000  # one page action (a re-run of the model, a server round trip)
REPLICATES_TIMEOUT_MS = 180_000
SCREENSHOT_DIR_ENV = "MALISIM_UI_SCREENSHOT_DIR"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(port: int, scenario: Path) -> list[str]:
    """``malisim ui`` on ``port`` with ``scenario``, run as ``python -m malisim.cli``."""
    args = ["--host", "127.0.0.1", "--port", str(port), str(scenario)]
    return [sys.executable, "-m", "malisim.cli", "ui", *args]


@pytest.fixture(scope="module")
def playwright_chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/ci_browser_setup.sh` (as root it "
            "installs Debian's chromium) before the tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is missing: pip install -e '.[dev]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def _serve(scenario: Path, log_path: Path) -> Iterator[str]:
    """The page's server for ``scenario`` on a free local port, logging to ``log_path``.

    Yields the page's URL once it answers; stops the server (then kills it if need be) after.
    """
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = _server_command(port, scenario)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited ({proc.returncode}):\n{log_path.read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer in {SERVER_START_TIMEOUT:.0f} s:\n"
                            f"{log_path.read_text()}")  # fmt: skip
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory) -> Iterator[str]:
    """The page's server with the shipped historical scenario."""
    log_path = tmp_path_factory.mktemp("ui-server") / "server.log"
    with _serve(ROOT / "scenarios" / "historical.yaml", log_path) as url:
        yield url


#: Texts of a hostile scenario file: each would run script (set ``window.__pwned``, change the
#: tab's title, open a dialog) if the page put it into the DOM as markup instead of as text.
HOSTILE_STEM = "<img src=x onerror=alert(5)>"
HOSTILE_NAME = '<img src=x onerror="window.__pwned=4">'
HOSTILE_DESCRIPTION = (
    "Tom & Jerry <img src=x onerror=\"window.__pwned=1;document.title='pwned'\"> "
    "<script>window.__pwned=2</script> end"
)
HOSTILE_DONOR = '<img src=x onerror="window.__pwned=3;alert(3)">'
#: Where each value of ``window.__pwned`` comes from.
PWNED_SOURCES = {1: "the description", 2: "the description", 3: "a donor's name", 4: "the name"}


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    """The page's server opening a scenario file whose texts hold HTML and script."""
    folder = tmp_path_factory.mktemp("hostile-scenario")
    scenario = {
        "name": HOSTILE_NAME,
        "description": HOSTILE_DESCRIPTION,
        "params": {"n_civilian_agents": 2000},
        "policies": [
            {"type": "aid_suspension", "donor": HOSTILE_DONOR, "share": 0.2, "start": "2021-01"}
        ],
    }
    path = folder / f"{HOSTILE_STEM}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    with _serve(path, folder / "server.log") as url:
        yield url


def test_scenario_texts_cannot_run_script_in_the_browser(playwright_chromium, hostile_url):
    """The description, a donor's name, the scenario's name and file name show as text."""
    context = playwright_chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(hostile_url, timeout=UI_TIMEOUT_MS)
        page.wait_for_function(
            "(document.querySelector('.malisim-description') || {}).textContent?.endsWith('end')"
            " && document.querySelector('.malisim-other li') !== null"
        )
        page.wait_for_selector("svg.malisim-map")
        # a failing image of our own, loaded after the page's: any hostile onerror has fired
        page.evaluate(
            "() => new Promise(done => { const i = new Image(); i.onerror = done; i.onload = done;"
            " i.src = 'x?probe=' + Date.now(); })"
        )
        page.wait_for_timeout(300)
        fix = (
            "escape every text from a scenario file (malisim.app.texts.escape_text) before it "
            "goes into solara.HTML(unsafe_innerHTML=...)"
        )
        ran = page.evaluate("window.__pwned ?? null")
        assert ran is None, f"a script from {PWNED_SOURCES.get(ran, ran)} ran: {fix}"
        assert page.title() == PAGE_TITLE, f"a script changed the title: {fix}"
        assert not dialogs, f"a script opened dialogs {dialogs}: {fix}"
        injected = page.evaluate(
            "document.querySelectorAll('img[src=\"x\"], [onerror], .malisim-root script').length"
        )
        assert injected == 0, f"{injected} elements from the scenario's texts are in the DOM: {fix}"
        description = page.locator(".malisim-description").text_content()
        assert description == " ".join(HOSTILE_DESCRIPTION.split()), description
        others = page.locator(".malisim-other li").all_text_contents()
        assert any(HOSTILE_DONOR in item for item in others), others
        download = page.locator(".malisim-save").get_attribute("download")
        assert download == f"{HOSTILE_NAME}_custom.yaml", download
        picked = page.locator(".malisim-scenario").inner_text()
        assert HOSTILE_STEM in picked, picked
        assert not errors, errors
    finally:
        context.close()


def _screenshot_dir(tmp_path: Path) -> Path:
    out = os.environ.get(SCREENSHOT_DIR_ENV)
    path = Path(out) if out else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_page_in_a_real_browser(playwright_chromium, ui_url, tmp_path):
    context = playwright_chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(ui_url, timeout=UI_TIMEOUT_MS)
        page.wait_for_selector("svg.malisim-map")
        date = page.locator(".malisim-date")
        assert date.inner_text() == "1 January 2019"
        map_svg = page.locator("svg.malisim-map")
        chart = page.locator(".chart-fatalities svg")
        map_before = map_svg.screenshot()
        cells_before = map_svg.evaluate(
            "s => Array.from(s.querySelectorAll('rect')).map(r => r.dataset.control).join()"
        )
        chart_before = chart.screenshot()
        assert chart.get_attribute("data-points") == "0"

        # change levers: Wagner off (a switch), ECOWAS sanctions one month longer (a slider)
        page.locator(".lever-wagner_on input").click()
        page.wait_for_selector(".lever-wagner_personnel", state="detached")
        months = page.locator(".lever-sanctions_months")
        assert "6" in months.inner_text()
        page.locator(".lever-sanctions_months + .v-slider [role=slider]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "document.querySelector('.lever-sanctions_months b').textContent === '7'"
        )

        # step two years and three months
        page.locator(".malisim-step-year").click()
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 December 2019'"
        )
        page.locator(".malisim-step-year").click()
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 December 2020'"
        )
        for _ in range(3):
            page.locator(".malisim-step").click()
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 March 2021'"
        )
        assert "month 27 of 96" in page.locator(".malisim-month-count").inner_text()
        page.wait_for_function(
            "document.querySelector('svg.malisim-map').dataset.date === '2021-03'"
        )
        page.wait_for_function(
            "document.querySelector('.chart-fatalities svg').dataset.points === '27'"
        )
        cells_after = map_svg.evaluate(
            "s => Array.from(s.querySelectorAll('rect')).map(r => r.dataset.control).join()"
        )
        assert cells_after != cells_before, "the map's control did not change"
        assert map_svg.screenshot() != map_before
        assert chart.screenshot() != chart_before

        # the page fits 1280 px: no horizontal scrolling
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]"
        )
        assert widths[0] <= VIEWPORT["width"] and widths[2] <= VIEWPORT["width"], widths
        rightmost = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('.malisim-root *'))"
            ".map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right))"
        )
        assert rightmost <= VIEWPORT["width"], f"something sticks out to x={rightmost}"
        shot = _screenshot_dir(tmp_path) / "malisim-ui-1280x800.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        print(f"screenshot: {shot}")

        # two replicates of these settings: progress, then the fan charts
        slider = page.locator(".malisim-replicates [role=slider]")
        slider.focus()
        for _ in range(6):
            page.keyboard.press("ArrowLeft")
        run = page.locator(".malisim-run-replicates")
        page.wait_for_function(
            "document.querySelector('.malisim-run-replicates').textContent.includes('Run 2')"
        )
        run.click()
        page.wait_for_selector(".malisim-rep-progress")
        page.wait_for_selector(".fan-civilian_fatalities svg", timeout=REPLICATES_TIMEOUT_MS)
        assert "2 of 2 runs done" in page.locator(".malisim-rep-progress").inner_text()

        # save as scenario: a YAML file that load_scenario validates, with the levers applied
        with page.expect_download(timeout=UI_TIMEOUT_MS) as info:
            page.locator(".malisim-save").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "historical_custom.yaml"
        scenario = load_scenario(saved)
        types = [p.policy_type for p in scenario.policies]
        assert "wagner_deployment" not in types and "french_withdrawal" in types
        sanctions = [p for p in scenario.policies if p.policy_type == "ecowas_sanctions"]
        assert any((p.start, p.end) == ("2022-01", "2022-07") for p in sanctions)
        assert not errors, errors
    finally:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(tmp_path / "last.png"))
        context.close()


def _overflow(page, width: int) -> None:
    """Nothing on the page reaches past ``width`` (no sideways scrolling)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= width, widths
    rightmost = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('.malisim-root *'))"
        ".map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right))"
    )
    assert rightmost <= width, f"something sticks out to x={rightmost} at {width} px"


def _enter_seed(page, text: str) -> None:
    box = page.locator(".malisim-seed input")
    box.fill(text)
    box.press("Enter")


def test_bad_values_show_a_message_and_the_page_stays_usable(playwright_chromium, ui_url, tmp_path):
    """A negative seed, a seed out of range and a malformed scenario file: a message each."""
    context = playwright_chromium.new_context(viewport={"width": 1024, "height": 800})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    message = page.locator(".malisim-message")
    try:
        page.goto(ui_url, timeout=UI_TIMEOUT_MS)
        page.wait_for_selector("svg.malisim-map")
        page.locator(".malisim-step-year").click()
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 December 2019'"
        )
        _enter_seed(page, "-5")
        page.wait_for_function(
            "document.querySelector('.malisim-message')?.textContent.includes('negative')"
        )
        assert "cannot be negative (-5)" in message.inner_text()
        assert "the run keeps seed 1" in message.inner_text()
        assert page.locator(".malisim-seed input").input_value() == "1"
        _enter_seed(page, "99999999999999999999")
        page.wait_for_function(
            "document.querySelector('.malisim-message')?.textContent.includes('too large')"
        )
        # the failure redraws the controls from the kept settings: the box shows seed 1 again
        page.wait_for_function("document.querySelector('.malisim-seed input')?.value === '1'")
        page.wait_for_timeout(500)
        bad = b"name: broken\npolicies:\n  - {type: wagner_deployment, start: 2021-13}\n"
        page.locator(".malisim-upload-input").set_input_files(
            files=[{"name": "broken.yaml", "mimeType": "application/x-yaml", "buffer": bad}]
        )
        page.wait_for_function(
            "document.querySelector('.malisim-message')?.textContent.includes('broken.yaml:3')"
        )
        text = page.locator("body").inner_text()
        assert "Traceback" not in text and "Error:" not in text, text[:2000]
        # still usable: the levers, the step buttons and the month they reached
        assert page.locator(".malisim-date").inner_text() == "31 December 2019"
        # the failure redraws the lever column from the kept settings: wait for the redraw
        # (on a loaded machine it can lag the message), then it is there exactly once
        # (the redraw replaces the column: poll until it settles with the lever exactly once; a
        # count taken between the old column's removal and the new one's insertion is 0)
        page.wait_for_function("document.querySelectorAll('.lever-wagner_personnel').length === 1")
        assert page.locator(".lever-wagner_personnel").count() == 1
        # the failed upload redraws the controls from the kept settings; a click that lands
        # while the buttons are being replaced is lost (seen when the file's tests run in
        # sequence), so let the redraw settle as after the seed messages above
        page.wait_for_timeout(1000)
        page.locator(".malisim-step").click()
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 January 2020'"
        )
        _overflow(page, 1024)
        shot = _screenshot_dir(tmp_path) / "malisim-ui-1024x800-message.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        page.locator(".malisim-dismiss").click()
        message.wait_for(state="detached")
        page.set_viewport_size({"width": 1280, "height": 800})
        _overflow(page, 1280)
        good = b"name: mine\ndescription: opened from a file\nparams: {n_civilian_agents: 2000}\n"
        page.locator(".malisim-upload-input").set_input_files(
            files=[{"name": "mine.yaml", "mimeType": "application/x-yaml", "buffer": good}]
        )
        page.wait_for_function(
            "document.querySelector('.malisim-description')?.textContent === 'opened from a file'"
        )
        assert "mine" in page.locator(".malisim-scenario").inner_text()
        assert not errors, errors
    finally:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(tmp_path / "last-bad-values.png"))
        context.close()


def test_charts_baseline_export_and_info_at_1024_and_1280(playwright_chromium, ui_url, tmp_path):
    """Hover values, policy markers, running totals, the baseline, the export, the Info tab.

    At 1024 px and at 1280 px: nothing sticks out, each chart keeps a readable width, and a
    screenshot of each is kept.
    """
    import io

    import pandas as pd

    context = playwright_chromium.new_context(
        viewport={"width": 1024, "height": 800}, accept_downloads=True
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(ui_url, timeout=UI_TIMEOUT_MS)
        page.wait_for_selector("svg.malisim-map")
        page.locator(".malisim-step").click()  # the first step moves the date
        page.wait_for_function(
            "document.querySelector('.malisim-date')?.textContent === '31 January 2019'"
        )
        page.locator(".malisim-step-year").click()
        page.wait_for_function(
            "document.querySelector('.chart-fatalities svg').dataset.points === '13'"
        )
        chart = page.locator(".chart-fatalities svg")
        hover = chart.locator("rect.hover title")
        assert hover.count() == 13
        assert hover.nth(12).text_content().startswith("January 2020\nFAMa: ")
        markers = chart.locator("line.marker title").all_text_contents()
        assert any(t.startswith("December 2021: Wagner deployment") for t in markers), markers
        totals = page.locator(".malisim-totals").inner_text()
        assert "civilians killed so far" in totals and "baseline" not in totals

        # compare with the baseline: Wagner off, the baseline keeps it (same seed)
        page.locator(".lever-wagner_on input").click()
        page.wait_for_selector(".lever-wagner_personnel", state="detached")
        page.wait_for_function(
            "document.querySelector('.malisim-month-count')?.textContent.includes('month 13')"
            " && !document.querySelector('.malisim-month-count').textContent.includes('re-running')"
        )
        page.locator(".malisim-compare input").click()
        page.wait_for_function(
            "document.querySelector('.malisim-totals')?.textContent.includes('baseline')"
        )
        # the charts are other widgets than the totals: they may arrive a moment later
        page.wait_for_function(
            "document.querySelectorAll('.chart-forces svg polyline[stroke-dasharray]').length >= 2"
        )

        for width in (1024, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(300)
            _overflow(page, width)
            chart_px = page.evaluate(
                "Math.min(...Array.from(document.querySelectorAll('.malisim-charts svg'))"
                ".map(s => s.getBoundingClientRect().width))"
            )
            assert chart_px >= 220, f"charts only {chart_px:.0f} px wide at {width} px"
            shot = _screenshot_dir(tmp_path) / f"malisim-ui-{width}x800-compare.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 20_000

        # export the run beside the scenario download: 13 national months
        with page.expect_download(timeout=UI_TIMEOUT_MS) as info:
            page.locator(".malisim-download", has_text="CSV").click()
        assert info.value.suggested_filename == "historical_run_seed1.csv"
        table = pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert (table["region"] == "Mali").sum() == 13 and "civilian_fatalities" in table
        with page.expect_download(timeout=UI_TIMEOUT_MS) as info:
            page.locator(".malisim-download", has_text="Parquet").click()
        parquet = pd.read_parquet(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert len(parquet) == len(table)

        # the Info tab, and back: the run is where it was
        page.locator(".malisim-tabs button").nth(1).click()
        page.wait_for_selector(".malisim-info-tab")
        info_text = page.locator(".malisim-info-tab").inner_text()
        assert "What the model is not" in info_text and "ICG2023" in info_text
        assert not page.locator(".malisim-body").is_visible()
        _overflow(page, 1280)
        page.locator(".malisim-tabs button").nth(0).click()
        page.wait_for_selector(".malisim-info-tab", state="detached")
        assert page.locator(".malisim-date").inner_text() == "31 January 2020"
        assert not errors, errors
    finally:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(tmp_path / "last-charts.png"))
        context.close()
