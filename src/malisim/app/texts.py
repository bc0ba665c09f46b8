"""What the page says: its fixed texts, the date and month count, and the scenario's own texts.

Plain Python (no Solara), so it is tested without a browser. The page shows its texts with
``solara.HTML(unsafe_innerHTML=...)``: the fixed texts here are the page's own markup, but every
text that comes from a scenario file (its description, the policies no lever drives, a donor's
or a parameter's name) is escaped on the way in by the functions below, so a scenario cannot put
markup or scripts on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.app.settings import kept_policies
from malisim.core.formatting import escape

if TYPE_CHECKING:  # pragma: no cover
    from malisim.model import MaliModel
    from malisim.scenario import ResolvedScenario

#: The browser tab's title.
PAGE_TITLE = "malisim: Mali conflict scenarios"
#: The heading and the line beside it.
HEADING = "malisim: conflict and policy in Mali"
SUBHEADING = (
    "Move the levers, step the months, compare outcomes. An exploration tool, not a forecast."
)
#: Tooltip of the seed box.
SEED_TOOLTIP = (
    "Root seed of the random draws: the same settings and seed give the same run; another seed "
    "gives another possible history."
)
#: Heading of the list of the scenario's policies that no lever drives.
OTHER_POLICIES_INTRO = "Also in this scenario (kept as they are):"
#: The link that downloads the settings as a scenario file.
SAVE_LABEL = "Save as scenario (YAML)"
#: Appended to the month count while new settings are re-run.
RERUNNING = " · re-running the new settings…"
#: The button that clears the page's message.
DISMISS_LABEL = "Dismiss"
#: The button that opens a scenario file from the student's computer, and its tooltip.
UPLOAD_LABEL = "Open a scenario file…"
UPLOAD_TOOLTIP = (
    "Open a scenario file (YAML) from your computer, for example one saved from this page; "
    "it is checked as malisim validate checks it and added to the scenario list."
)
#: The note at the foot of the page.
HOVER_HINT = (
    "Hover a lever's <span class='malisim-info'>?</span> for what it does and where its effect "
    "comes from; hover a map cell for its region, controller and tolls."
)
#: Map legend entries of the overlays.
DEATHS_LEGEND = "civilians killed since start"
DISPLACED_LEGEND = "displaced people here now"
#: The replicates card: heading, note before a run, note on replicates of earlier settings.
REPLICATES_HEADING = "Uncertainty: run many replicates of these settings"
REPLICATES_INTRO = (
    "One run is one possible history. Run replicates to see the spread of outcomes the same "
    "settings give with different random draws."
)
REPLICATES_STALE = (
    "These replicates were run with earlier settings; run them again to see the current ones."
)
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def escape_text(text: str) -> str:
    """A text from a scenario, safe inside HTML (:func:`malisim.core.formatting.escape`)."""
    return escape(text)


def message_html(text: str) -> str:
    """The page's message (an error in plain words), escaped: it may quote a file's text."""
    return escape_text(text)


def description_html(description: str | None) -> str:
    """The scenario's description on one line, escaped."""
    return escape_text(" ".join((description or "").split()))


def other_policies(base: ResolvedScenario) -> list[str]:
    """Policies of the scenario that no lever drives, as short plain texts."""
    out = []
    for p in kept_policies(base):
        kind = p["type"]
        dates = " to ".join(str(v) for k, v in p.items() if k in ("start", "end"))
        extra = p.get("parameter") or p.get("donor") or ""
        out.append(f"{kind}{' (' + extra + ')' if extra else ''}{': ' + dates if dates else ''}")
    return out


def other_policies_html(items: list[str]) -> str:
    """The list of :func:`other_policies` under its heading, each item escaped."""
    entries = "".join(f"<li>{escape_text(item)}</li>" for item in items)
    return (
        f"<div class='malisim-note'>{OTHER_POLICIES_INTRO}</div>"
        f"<ul class='malisim-other'>{entries}</ul>"
    )


def month_label(model: MaliModel) -> str:
    """The last month simulated, as a date ("December 2022"); the start month if none yet."""
    done = model.month - model.start_month
    m = model.month - 1 if done > 0 else model.start_month
    year, month0 = divmod(m, 12)
    return f"{MONTH_NAMES[month0]} {year}"


def month_count(model: MaliModel, rerunning: bool) -> str:
    """The month count ("month 27 of 96"), with a note while new settings are re-run."""
    done = model.month - model.start_month
    total = model.end_month - model.start_month + 1
    note = f"month {done} of {total}"
    return note + RERUNNING if rerunning else note


def replicates_caption(n: int, seed: int) -> str:
    """What the fan charts of ``n`` replicates show."""
    return (
        f"{n} replicates (seeds derived from seed {seed}); blue bands hold the middle 50% and "
        "90% of runs, the dashed red line is the run above. The spread is the model's "
        "uncertainty, not a forecast."
    )
