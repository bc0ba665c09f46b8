"""The page never shows a traceback: guarded callbacks, bad values, bad files, widget pins.

The page is rendered in-process with ``solara.render`` (no server, no browser; the browser
test of the same bad inputs is in tests/test_ui_browser.py). The fault test replaces the one
function every guarded callback goes through (``malisim.app.guard._invoke``) with one that
raises, then works every control of the page: each must hit the fault (so it is guarded), show
the fault as the page's message, and leave the levers as they were.
"""

from __future__ import annotations

import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from malisim.app import guard
from malisim.app.guard import describe, guarded, is_guarded
from malisim.app.session import MAX_SEED, check_seed
from malisim.app.upload import MAX_UPLOAD_BYTES, load_browser_upload
from malisim.core.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
#: The widget packages the page's Solara version was tested with, and must be pinned.
PINNED = ("solara", "solara-assets", "ipyvuetify", "ipyvue", "ipywidgets")


def _wait(cond, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return bool(cond())


# ------------------------------------------------------------------------------ plain Python


def test_describe_says_what_is_wrong_in_plain_words():
    err = UserError("the seed cannot be negative (-3)", key="seed", allowed="0 or more")
    assert describe(err) == "seed: the seed cannot be negative (-3); allowed: 0 or more"
    assert describe(ValueError("bad level")).startswith("bad level. The settings are kept")
    text = describe(RuntimeError("disk on fire"))
    assert text.startswith("Something went wrong (disk on fire).") and "Reset" in text
    assert "Traceback" not in text and len(describe(RuntimeError("x" * 5000))) <= 600


def test_guarded_reports_instead_of_raising():
    shown: list[str] = []

    def boom(x: int) -> int:
        raise UserError("no", key="k")

    safe = guarded(boom, shown.append, "test")
    assert is_guarded(safe) and not is_guarded(boom)
    assert safe(1) is None and shown == ["k: no"]
    assert guarded(lambda x: x + 1, shown.append)(1) == 2 and len(shown) == 1


@pytest.mark.parametrize(
    ("value", "says"),
    [(-1, "cannot be negative"), (MAX_SEED + 1, "too large"), (None, "whole number"),
     (2.5, "whole number"), (True, "whole number")],
)  # fmt: skip
def test_check_seed_refuses_values_out_of_range(value, says):
    with pytest.raises(UserError, match=says) as info:
        check_seed(value)
    assert info.value.key == "seed" and f"{MAX_SEED:,}" in str(info.value.allowed)


def test_check_seed_takes_the_bounds():
    assert check_seed(0) == 0 and check_seed(MAX_SEED) == MAX_SEED


def test_a_malformed_upload_is_named_by_its_file_and_line(tmp_path):
    bad = "name: broken\nparams:\n  fama_tropos: 12000\n"
    with pytest.raises(UserError) as info:
        load_browser_upload({"name": "mine.yaml", "size": len(bad), "text": bad}, tmp_path, set())
    text = str(info.value)
    assert text.startswith("mine.yaml:3: params.fama_tropos: unknown parameter"), text
    assert str(tmp_path) not in text and not list(tmp_path.glob("*.yaml"))
    with pytest.raises(UserError, match="YAML") as info:
        load_browser_upload({"name": "x.yaml", "text": "a: [1, 2"}, tmp_path, set())
    assert str(info.value).startswith("x.yaml")
    with pytest.raises(UserError, match=r"ending in \.yaml"):
        load_browser_upload({"name": "notes.txt", "text": "a: 1"}, tmp_path, set())
    with pytest.raises(UserError, match="too large"):
        load_browser_upload({"name": "big.yaml", "size": MAX_UPLOAD_BYTES + 1}, tmp_path, set())
    with pytest.raises(UserError, match="empty"):
        load_browser_upload({"name": "e.yaml", "text": ""}, tmp_path, set())


def test_a_valid_upload_gets_a_free_name(tmp_path):
    text = "name: mine\nparams: {n_civilian_agents: 2000}\n"
    up = load_browser_upload({"name": "../historical.yaml", "text": text}, tmp_path, {"historical"})
    assert up.name == "historical_2" and up.path.parent == tmp_path
    assert up.scenario.parameters.n_civilian_agents == 2000


# ------------------------------------------------------------------------------ widget pins


def _pins() -> dict[str, str]:
    """The widget packages' version specifiers in pyproject's dev and viz extras."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = data["project"]["optional-dependencies"]
    out: dict[str, str] = {}
    for extra in ("dev", "viz"):
        for req in extras[extra]:
            name = req.split("[")[0]
            for sep in (">", "<", "=", "~", "!"):
                name = name.split(sep)[0]
            name = name.strip().lower()
            if name in PINNED:
                spec = req[len(name) :].strip()
                assert out.get(name, spec) == spec, f"{name}: dev and viz pin it differently"
                out[name] = spec
    return out


def test_widget_versions_are_pinned_to_a_series_and_installed():
    from packaging.specifiers import SpecifierSet

    pins = _pins()
    assert set(pins) == set(PINNED), f"pin every widget package in dev and viz: {pins}"
    for name, spec in pins.items():
        specs = SpecifierSet(spec)
        assert any(s.operator == "<" for s in specs), f"{name}: no upper bound in {spec!r}"
        installed = metadata.version(name)
        assert specs.contains(installed), f"{name} {installed} is outside the pin {spec}"


def test_the_pinned_widgets_render_every_control_the_page_uses():
    """Each Solara control of the page builds its widget with the pinned ipyvuetify."""
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")

    from malisim.app.upload_widget import ScenarioUpload

    @solara.component
    def Controls():
        solara.Select(label="s", value="a", values=["a", "b"])
        solara.InputInt(label="i", value=1)
        solara.Switch(label="w", value=True)
        solara.SliderInt(label="", value=1, min=0, max=3)
        solara.SliderFloat(label="", value=0.5, min=0.0, max=1.0, step=0.05)
        solara.SliderRangeInt(label="", value=(2019, 2020), min=2019, max=2026)
        solara.ToggleButtonsSingle(value="a", values=["a", "b"])
        solara.ProgressLinear(value=50.0)
        solara.Button("b")
        solara.HTML(tag="div", unsafe_innerHTML="x")
        ScenarioUpload.element(label="open")

    _box, rc = solara.render(Controls(), handle_error=False)
    rc.close()


# ------------------------------------------------------------------------------ the page


@pytest.fixture
def page_rc(monkeypatch):
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")
    from malisim.app import page

    monkeypatch.setenv(page.SCENARIO_ENV, str(ROOT / "scenarios" / "historical.yaml"))
    _box, rc = solara.render(page.Page(), handle_error=False)
    yield rc
    rc.close()


def _classes(w) -> list[str]:
    text = getattr(w, "attributes", {}).get("class", "") or getattr(w, "class_", "") or ""
    return text.split()


def _message(rc) -> str:
    import solara

    for w in rc.find(solara.widgets.HTML).widgets:
        if "text" in _classes(w) and w.tag == "span":
            return w.unsafe_innerHTML
    return ""


def _lever_values(rc) -> tuple[list[object], str]:
    """What the levers show, and the settings they hold (the save link's scenario file)."""
    import base64

    import ipyvuetify as v
    import solara

    shown = [w.v_model for w in rc.find(v.Switch).widgets]
    shown += [w.v_model for w in rc.find(v.Slider).widgets]
    (link,) = [w for w in rc.find(solara.widgets.HTML).widgets if "malisim-save" in _classes(w)]
    data = link.attributes["href"].split("base64,", 1)[1]
    return shown, base64.b64decode(data).decode("utf-8")


def _scenario_pickers(rc) -> list:
    """The scenario picker (the page's other select is the "Parameters" choice)."""
    import ipyvuetify as v

    return [w for w in rc.find(v.Select).widgets if "malisim-scenario" in _classes(w)]


def _controls(rc):
    """Every control of the page with a way to work it: (what, action)."""
    import ipyvuetify as v

    from malisim.app.download_widget import RunDownload
    from malisim.app.upload_widget import ScenarioUpload

    out = []
    in_toggle = {id(b) for t in rc.find(v.BtnToggle).widgets for b in t.children}
    for w in rc.find(v.Btn).widgets:
        label = " ".join(str(c) for c in w.children)
        if label == "Dismiss" or id(w) in in_toggle:
            continue
        if not w.disabled:
            out.append((f"button {label!r}", w.click))
    for w in rc.find(v.Switch).widgets:
        out.append((f"switch {_classes(w)}", lambda w=w: setattr(w, "v_model", not w.v_model)))
    for w in rc.find(v.Slider).widgets:
        out.append(("slider", lambda w=w: setattr(w, "v_model", (w.v_model or 0) + 1)))
    for w in rc.find(v.RangeSlider).widgets:
        lo, hi = w.v_model
        out.append(("zoom slider", lambda w=w, lo=lo, hi=hi: setattr(w, "v_model", [lo + 1, hi])))
    for w in rc.find(v.Select).widgets:
        other = next(i for i in w.items if i != w.v_model)
        what = (
            "parameters choice" if "malisim-parameters-choice" in _classes(w) else "scenario picker"
        )
        out.append((what, lambda w=w, o=other: setattr(w, "v_model", o)))
    for w in rc.find(v.BtnToggle).widgets:
        n = len(w.children)
        what = "tabs" if "malisim-tabs" in _classes(w) else "speed"
        out.append((what, lambda w=w, n=n: setattr(w, "v_model", (w.v_model + 1) % n)))
    for w in rc.find(v.TextField).widgets:

        def type_seed(w=w):
            w.v_model = "7"
            w.fire_event("keyup.enter", {})

        out.append(("seed box", type_seed))
    for w in rc.find(RunDownload).widgets:
        out.append((f"download {w.filename}", lambda w=w: setattr(w, "request", time.time())))
    for w in rc.find(ScenarioUpload).widgets:
        info = {"name": "x.yaml", "text": "name: x\n"}
        out.append(("open a file", lambda w=w, info=info: setattr(w, "upload", info)))
    return out


def test_every_callback_of_the_page_is_guarded(page_rc, monkeypatch):
    """An exception injected into every callback shows as a message; the levers keep state."""
    rc = page_rc
    hits: list[str] = []

    def fault(fn, args, kwargs):
        hits.append(getattr(fn, "__name__", "?"))
        raise RuntimeError("injected fault")

    controls = _controls(rc)
    kinds = {what.split()[0] for what, _ in controls}
    want = {"button", "switch", "slider", "zoom", "scenario", "parameters", "speed", "seed", "open"}
    assert want <= kinds, kinds
    assert len(controls) >= 20, [what for what, _ in controls]
    levers = _lever_values(rc)
    monkeypatch.setattr(guard, "_invoke", fault)
    unguarded = []
    for i in range(len(controls)):
        what, act = _controls(rc)[i]  # found again: a failure redraws the controls
        before = len(hits)
        act()  # raises if a callback is not guarded (solara.render re-raises)
        if len(hits) == before:
            unguarded.append(what)
        else:
            message = _message(rc)
            assert message.startswith("Something went wrong (injected fault)."), (what, message)
        # the failed control changed nothing: the levers show and hold what they did
        assert _lever_values(rc) == levers, what
    assert not unguarded, f"controls whose callback is not guarded: {unguarded}"


def test_a_negative_and_a_huge_seed_show_a_message_and_keep_the_run(page_rc):
    import ipyvuetify as v

    rc = page_rc
    levers = _lever_values(rc)
    rc.find(v.Btn, children=["Step 1 year"]).widget.click()
    for typed, says in (("-5", "cannot be negative (-5)"), (str(MAX_SEED + 1), "too large")):
        (box,) = rc.find(v.TextField).widgets  # found again: a failure redraws the controls
        box.v_model = typed
        box.fire_event("keyup.enter", {})
        message = _message(rc)
        assert says in message and "the run keeps seed 1" in message, message
        assert _lever_values(rc) == levers
        assert rc.find(v.TextField).widget.v_model == "1"  # the box shows the seed kept
    # the page still works: the next step runs, and Dismiss clears the message
    rc.find(v.Btn, children=["Step 1 month"]).widget.click()
    dates = [w for w in rc.find(__import__("solara").widgets.HTML).widgets if "malisim-date" in
             _classes(w)]  # fmt: skip
    assert dates[0].unsafe_innerHTML == "31 January 2020"
    rc.find(v.Btn, children=["Dismiss"]).widget.click()
    assert _message(rc) == ""


def test_a_malformed_upload_shows_a_message_and_a_good_one_is_picked(page_rc):

    from malisim.app.upload_widget import ScenarioUpload

    rc = page_rc
    (upload,) = rc.find(ScenarioUpload).widgets
    levers = _lever_values(rc)
    upload.upload = {"name": "broken.yaml", "size": 9, "text": "policies: [\n  - {type: "}
    message = _message(rc)
    assert message.startswith("broken.yaml:"), message
    assert _lever_values(rc) == levers
    (picker,) = _scenario_pickers(rc)
    assert "broken" not in picker.items
    good = "name: mine\ndescription: mine\nparams: {n_civilian_agents: 2000}\n"
    (upload,) = rc.find(ScenarioUpload).widgets  # found again: the failure redrew it
    upload.upload = {"name": "mine.yaml", "size": len(good), "text": good}
    assert _wait(lambda: _scenario_pickers(rc)[0].v_model == "mine", timeout=20)
    assert "mine" in _scenario_pickers(rc)[0].items and _message(rc) == ""
