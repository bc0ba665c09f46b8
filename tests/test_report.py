"""Plots, maps and the HTML report on the smoke experiment (with event logs kept)."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import malisim
from malisim.analysis.synthetic import synthetic_outcomes, write_results
from malisim.analysis.targets import load_targets as load_target_list
from malisim.analysis.targets import reads_series, run_level_column, simulated_values
from malisim.cli.main import main
from malisim.core.calendar import parse_month
from malisim.experiment import load_experiment
from malisim.report import Report, load_targets, target_table, write_report
from malisim.viz.maps import map_geometry, region_control, scenario_differences
from malisim.viz.timeline import policy_timeline, timeline_key

pytest.importorskip("matplotlib")

SMOKE = Path(__file__).resolve().parents[1] / "experiments" / "smoke.yaml"
#: Outcomes and series drawn (a few, to keep the test fast; the defaults draw more).
OUTCOMES = ("civilian_fatalities_total", "control_state_last12", "gdp_growth_2022")
FANS = ("civilian_fatalities", "control_state", "junta_approval")
MAPS = (
    "map_control",
    "map_control_diff",
    "map_fatalities_region",
    "map_fatalities_region_diff",
    "map_fatalities_cell",
    "map_fatalities_cell_diff",
)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke experiment (2 scenarios x 3 replicates), keeping series and event logs."""
    exp = dataclasses.replace(load_experiment(SMOKE), keep_events=True)
    out = tmp_path_factory.mktemp("smoke") / "results"
    malisim.run_experiment(exp, out, executor="local", workers=2, progress="none")
    return out


@pytest.fixture(scope="module")
def report(smoke: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("report")
    return write_report(
        smoke,
        folder / "report.html",
        figures_dir=folder / "figures",
        outcomes=OUTCOMES,
        fan_outcomes=FANS,
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.sources: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if a.get("src") is not None:
            self.sources.append(str(a["src"]))
        if a.get("href") is not None:
            self.links.append(str(a["href"]))
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_every_figure_file_is_written(report: Report) -> None:
    cmp = report.comparison
    names = {"differences"}
    names |= {f"dist_{o}" for o in cmp.outcomes}
    names |= {f"fan_{o}" for o in FANS}
    names |= set(MAPS)
    expected = {f"{n}.{ext}" for n in names for ext in ("png", "svg")}
    written = {p.name for p in report.figures}
    assert expected <= written, sorted(expected - written)
    for path in report.figures:
        assert path.stat().st_size > 1000, path
        head = path.read_bytes()[:8]
        assert head.startswith(b"\x89PNG") if path.suffix == ".png" else b"<?xml" in head


def test_report_is_self_contained_and_complete(report: Report) -> None:
    page = parse(report.path)
    text = " ".join(page.text)
    assert {"html", "table", "img", "figure"} <= page.tags
    assert len(page.sources) == len(report.figures) // 2  # every figure embedded once
    assert all(s.startswith("data:image/png;base64,") for s in page.sources)
    assert all(h.startswith(("#", "data:")) for h in page.links)  # nothing to fetch
    assert "http://" not in " ".join(page.sources + page.links)
    for scenario in ("historical", "no_wagner"):
        assert scenario in text
    assert report.comparison.outcomes == list(OUTCOMES)
    for outcome in OUTCOMES:
        assert outcome in text
    for target in load_targets()["target"]:
        assert target in text
    for what in (
        "What was run",
        "root seed 1",
        "3 per scenario",
        "malisim 0.1.0",
        "numpy",
        "Comparison with historical",
        "Documented figures",
        "2,146",
        "Maps",
    ):
        assert what in text, what
    assert report.warnings and "at least 20" in report.warnings[0]


def test_targets_from_series_match_the_run_outcomes(smoke: Path, report: Report) -> None:
    t = report.targets.set_index(["observable", "period", "scenario"])
    res = malisim.load_results(smoke)
    hist = res.outcomes[res.outcomes.scenario == "historical"]
    row = t.loc[("civilian_fatalities", "2022-01 to 2022-12", "historical")]
    assert row["runs"] == 3
    assert row["median"] == pytest.approx(hist["civilian_fatalities_2022"].median())
    row = t.loc[("gdp_growth", "2021-01 to 2021-12", "historical")]
    assert row["median"] == pytest.approx(hist["gdp_growth_2021"].median())
    # before the simulated period: no value, and a note saying why
    row = t.loc[("civilian_fatalities_state", "2017-01 to 2020-12", "historical")]
    assert row["runs"] == 0 and "outside the simulated period" in row["note"]
    # without series: the yearly counts still come from the outcomes table
    table = target_table(res, ["historical"], None)
    counts = table[(table.observable == "civilian_fatalities") & (table.runs > 0)]
    yearly = [  # whole calendar years of national counts: the run-level outcomes hold them
        t
        for t in load_target_list()
        if t.target == "civilian_fatalities"
        and run_level_column(t) is not None
        and t.start >= parse_month("2019-01")
    ]
    assert len(counts) == len(yearly) >= 2 and (table[table.kind == "stock"].runs == 0).all()


def test_report_and_calibration_share_the_target_rule(smoke: Path, report: Report) -> None:
    # the report's simulated figures are the calibration's values of each run, bit for bit
    res = malisim.load_results(smoke)
    targets = load_target_list()
    scenario_of = res.outcomes.set_index("run_id")["scenario"]
    per_run = {
        run: simulated_values(rows.drop(columns="run_id"), targets)
        for run, rows in res.series.groupby("run_id")
    }
    table = report.targets.set_index(["observable", "period", "region", "scenario"])
    for t in targets:
        if not reads_series(t):  # event-log figures: checked against the log in test_validation
            continue
        for scenario in ("historical", "no_wagner"):
            values = [v[t.name] for run, v in per_run.items() if scenario_of[run] == scenario]
            values = [v for v in values if not np.isnan(v)]
            row = table.loc[(t.target, t.period, t.region, scenario)]
            assert row["runs"] == len(values), t.name
            if values:
                assert row["median"] == np.quantile(values, 0.5), (
                    f"{t.name}: the report and analysis.targets.simulated_values disagree"
                )


def test_maps_data(smoke: Path) -> None:
    res = malisim.load_results(smoke)
    shares = region_control(res.series)
    total = sum(shares.values())
    assert np.allclose(total.dropna(how="all").to_numpy(), 1.0, atol=1e-6)
    runs = res.outcomes.set_index("run_id")[["scenario", "point_id", "replicate"]]
    diffs = scenario_differences(
        shares["control_state"], runs, ["historical", "no_wagner"], "historical"
    )
    assert diffs["no_wagner"][1] is True
    geo = map_geometry()
    assert geo.n_cells == 488 and len(geo.towns) >= 8
    assert len(geo.border_edges) > 50 and len(geo.region_edges) > 50


def test_policy_timeline(smoke: Path) -> None:
    man = malisim.load_results(smoke).manifest
    marks = policy_timeline(man)
    wagner = [m for m in marks if m.label == "wagner deployment"]
    assert len(wagner) == 1 and wagner[0].scenarios == ("historical",)
    common = [m for m in marks if set(m.scenarios) == {"historical", "no_wagner"}]
    assert common
    key = timeline_key(
        marks,
        ["historical", "no_wagner"],
        {"historical": "#000000", "no_wagner": "#E69F00"},
        pd.Timestamp("2019-01-01"),
        pd.Timestamp("2026-12-01"),
    )
    assert any("historical only" in k.text for k in key)


def test_cli_report_without_series(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = synthetic_outcomes(
        ("historical", "no_wagner", "france_stays"),
        12,
        ("civilian_fatalities_total", "civilian_fatalities_2022", "idps_end"),
    )
    folder = write_results(tmp_path / "res", table)
    out = tmp_path / "r" / "report.html"
    assert main(["report", str(folder), "-o", str(out), "--baseline", "no_wagner"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    page = parse(out)
    text = " ".join(page.text)
    assert "Comparison with no_wagner" in text and "No maps" in text
    assert "needs the monthly series" in text
    assert all(s.startswith("data:image/png;base64,") for s in page.sources)
    assert main(["report", str(folder), "-o", str(tmp_path)]) == 2  # a folder, not a file
    assert main(["report", str(folder), "--outcomes", "idps"]) == 0
    assert (folder / "report.html").is_file()


def test_cli_compare_shows_documented_figures(
    smoke: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from malisim.cli.main import main

    assert main(["compare", str(smoke), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"Documented figures (the whole table: malisim score {smoke})" in out
    # one line per scenario and split, counting every figure (none dropped)
    n = len(load_target_list())
    splits = {t.split for t in load_target_list()}
    for scenario in ("historical", "no_wagner"):
        lines = [x for x in out.splitlines() if x.strip().startswith(f"{scenario}, ")]
        assert len(lines) == len(splits)
        assert sum(int(x.split(" of ")[1].split()[0]) for x in lines) == n


def test_report_leads_with_findings_and_ends_with_provenance(report: Report) -> None:
    """Sections in order; every scenario and documented figure exactly once in the table."""
    import re

    text = report.path.read_text(encoding="utf-8")
    ids = re.findall(r"<(?:h2|section) id='(\w+)'", text)
    first = ["summary", "targets", "comparison"]
    assert ids[:3] == first, ids
    assert ids[-3:] == ["methods", "bibliography", "run"], ids
    assert len(ids) == len(set(ids)), ids
    toc = re.findall(r"<li><a href='#(\w+)'>", text.split("</nav>", 1)[0])
    assert toc == [i for i in ids if i in toc] and set(first) <= set(toc), toc
    # the summary holds the flagged misses, with numbers and intervals, before anything else
    summary = text.split("<section id='summary'>", 1)[1].split("</section>", 1)[0]
    assert "What the model gets wrong" in summary and "What differs" in summary
    misses = re.findall(r"<li class='miss'>(.*?)</li>", summary)
    listed = [m for m in misses if m.startswith("historical:")]  # the record's timeline
    assert listed and all("documented" in m and " to " in m and "[" in m for m in listed)
    # every miss of the historical runs is listed, in full, with its citation key
    hist = report.targets[
        (report.targets["scenario"] == "historical") & (report.targets["status"] == "miss")
    ]
    assert len(listed) == len(hist), (listed, list(hist["target"]))
    for m, key in zip(listed, hist.sort_values("split", kind="stable")["source"], strict=True):
        assert f"[{key}]" in m, (m, key)
    # the figures table: one column per scenario, one row per documented figure
    table = text.split("<section id='targets'>", 1)[1].split("<details>", 1)[0]
    heads = re.findall(r"<th class='scenario'>(.*?)</th>", table)
    splits = {t.split for t in load_target_list()}
    assert sorted(heads) == sorted(["historical", "no_wagner"] * len(splits)), heads
    rows = re.findall(r"<tr data-target='([^']+)'", table)
    names = [t.name for t in load_target_list()]
    assert sorted(rows) == sorted(names), set(rows) ^ set(names)
    # citations are keys, each resolved in the bibliography at the end
    bib = text.split("<section id='bibliography'>", 1)[1]
    for key in set(re.findall(r"<a href='#ref-(\w+)'", table)):
        assert f"<li id='ref-{key}'>" in bib, key
    assert "Provenance: What was run" in text.split("<section id='bibliography'>", 1)[1]


def _without_date(path: Path) -> str:
    """The report's text without its "Written <date> UTC" line (the minute it was written)."""
    import re

    return re.sub(r"Written \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Written", path.read_text("utf-8"))


def test_fan_charts_drawn_in_a_worker_give_the_same_report(
    smoke: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker process draws the same bytes, and the report puts them in the same places."""
    fans = (*FANS, "idps", "refugees")  # five fan charts: some here, some in the worker
    kwargs = {"outcomes": OUTCOMES[:1], "fan_outcomes": fans, "maps": False}
    one = write_report(smoke, tmp_path / "one.html", figures_dir=tmp_path / "f1",
                       parallel=False, **kwargs)  # fmt: skip
    from malisim.report import figure_worker

    used = []
    result = figure_worker.FanWorker.result

    def recorded(self: figure_worker.FanWorker) -> list[figure_worker.DrawnFigure]:
        drawn = result(self)
        used.append((self.drew_in_worker, [d.name for d in drawn]))
        return drawn

    monkeypatch.setattr(figure_worker.FanWorker, "result", recorded)
    two = write_report(smoke, tmp_path / "two.html", figures_dir=tmp_path / "f2",
                       parallel=True, **kwargs)  # fmt: skip
    # the worker drew the last three (of five, no maps), this process the first two
    assert used == [(True, [f"fan_{o}" for o in fans[2:]])], used
    assert _without_date(one.path) == _without_date(two.path)
    names = sorted(p.name for p in one.figures)
    assert names == sorted(p.name for p in two.figures) and len(names) == len(set(names))
    assert {f"fan_{o}.png" for o in fans} <= set(names)
    for name in names:  # PNG and SVG, byte for byte
        assert (tmp_path / "f1" / name).read_bytes() == (tmp_path / "f2" / name).read_bytes(), name


def test_the_report_draws_the_fan_charts_itself_when_the_worker_cannot(
    smoke: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from malisim.core.errors import UserError
    from malisim.report import figure_worker

    kwargs = {"outcomes": OUTCOMES[:1], "fan_outcomes": FANS, "maps": False}
    serial = write_report(smoke, tmp_path / "serial.html", parallel=False, **kwargs)

    def no_process(*args: object, **kw: object) -> None:
        raise OSError("no more processes")

    with monkeypatch.context() as m:  # no process can be started: drawn here, same report
        m.setattr(figure_worker.subprocess, "Popen", no_process)
        fallback = write_report(smoke, tmp_path / "fallback.html", parallel=True, **kwargs)
    assert _without_date(fallback.path) == _without_date(serial.path)
    # a worker that fails (here: a folder that is not there) hands over to this process, which
    # raises the error where the user reads it
    worker = figure_worker.FanWorker(
        figure_worker.FanRequest(str(tmp_path / "missing"), ("a",), "a")
    )
    with pytest.raises(UserError, match="results folder not found"):
        worker.result()
    # the choice: forced either way, or automatic (enough fan charts and two CPUs)
    assert not figure_worker.worth_a_worker(9, False) and figure_worker.worth_a_worker(9, True)
    assert not figure_worker.worth_a_worker(0, True)
    assert not figure_worker.worth_a_worker(figure_worker.MIN_FANS_FOR_WORKER - 1, None)
    monkeypatch.setattr(figure_worker.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not figure_worker.worth_a_worker(9, None)  # one CPU: no worker
    monkeypatch.setattr(figure_worker.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert figure_worker.worth_a_worker(9, None)
    # the worker's share: the larger half without the maps, more with them, never more than all
    assert figure_worker.fans_for_the_worker(9, maps=False) == 5
    assert figure_worker.fans_for_the_worker(9, maps=True) == 7
    assert figure_worker.fans_for_the_worker(2, maps=True) == 2
