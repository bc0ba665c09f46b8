"""The page frees closed browser sessions (issue 14).

Each browser session holds a model (about 7 MB on the full grid). A page that is closed (its
render context closed, as the server does when a tab closes or a disconnected page is culled
after ``--session-timeout``) must close its session, and the model must be freed at once, so
that opening and closing many sessions leaves the number of live models and sessions flat.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from malisim.model import MaliModel

solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")

from malisim.app import page, server  # noqa: E402  (needs solara)
from malisim.app.session import Session, live_sessions  # noqa: E402

SHORT = "name: short\nstart: 2019-01\nend: 2019-06\nparams: {n_civilian_agents: 2000}\n"


def live_models() -> int:
    gc.collect()
    return sum(isinstance(obj, MaliModel) for obj in gc.get_objects())


@pytest.fixture()
def short_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(SHORT, encoding="utf-8")
    monkeypatch.setenv(page.SCENARIO_ENV, str(path))
    return path


def test_closing_many_pages_frees_their_sessions_and_models(short_file):
    models, sessions = live_models(), live_sessions()
    for _ in range(3):  # three pages open at once, then closed
        opened = [solara.render(page.Page(), handle_error=False) for _ in range(3)]
        assert live_sessions() == sessions + 3
        assert live_models() == models + 3
        for _box, rc in opened:
            rc.close()
        del opened
        assert live_sessions() == sessions
        assert live_models() == models
    for _ in range(20):  # many sessions one after the other: still flat
        _box, rc = solara.render(page.Page(), handle_error=False)
        rc.close()
    del _box, rc
    assert (live_sessions(), live_models()) == (sessions, models)


def test_a_closed_session_holds_no_model_and_ignores_late_work(short_file):
    before = live_models()
    sess = Session(str(short_file))
    sess.step(2)
    late, _ = sess.build((sess.initial, 2, sess.initial_levers))
    sess.close()
    sess.close()  # idempotent
    assert sess.closed and sess.rep_cancel.is_set()
    sess.step(1)  # the play loop may still be running: nothing happens
    sess.reset()
    sess.model = late  # a re-run that finished after the close: released, not kept
    assert sess.closed
    with pytest.raises(RuntimeError, match="closed"):
        _ = sess.model
    del late, sess
    assert live_models() == before


def test_session_timeout_reaches_solaras_cull_setting(monkeypatch):
    import solara.__main__ as solara_main
    import solara.server.settings as settings

    seen = {}

    def fake_main(**kwargs):
        seen["cull"] = settings.kernel.cull_timeout

    monkeypatch.setattr(solara_main.run, "main", fake_main)
    monkeypatch.setattr(settings.kernel, "cull_timeout", settings.kernel.cull_timeout)
    monkeypatch.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "24h")  # serve() sets it; restored after
    server.serve(port=1, session_timeout=45)
    assert seen["cull"] == "45s"
    assert solara.util.parse_timedelta(seen["cull"]) == 45
    server.serve(port=1)
    assert seen["cull"] == f"{server.DEFAULT_SESSION_TIMEOUT}s"
