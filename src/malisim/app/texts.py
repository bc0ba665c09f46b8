"""What the page says: its fixed texts, the date and month count, and the scenario's own texts.

Plain Python (no Solara), so it is tested without a browser. The page shows its texts with
``solara.HTML(unsafe_innerHTML=...)``: the fixed texts here are the page's own markup, but every
text that comes from a scenario file (its description, the policies no lever drives, a donor's
or a parameter's name) is escaped on the way in by the functions below, so a scenario cannot put
markup or scripts on the page.
"""

from __future__ import annotations

import calendar
import re
from typing import TYPE_CHECKING

from malisim.app.settings import MONTH_NAMES, kept_policies, month_name
from malisim.core.calendar import parse_month
from malisim.core.formatting import escape
from malisim.core.sources import REFERENCES, Reference

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
#: The downloads of the run's monthly series.
EXPORT_CSV_LABEL = "Download this run (CSV)"
EXPORT_PARQUET_LABEL = "Download this run (Parquet)"
EXPORT_TOOLTIP = (
    "The run's monthly series so far, for Mali and each region: civilians killed by "
    "perpetrator, displacement, control, approval, the economy and the forces."
)
#: The switch that adds the baseline run to the charts, and its tooltip.
COMPARE_LABEL = "compare with the baseline"
COMPARE_TOOLTIP = (
    "Adds to the charts, as thin dashed lines, the same seed run with the scenario as it is "
    "(without the levers you changed): the gap is the effect of your changes on this history."
)
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
    "comes from; hover a map cell for its region, controller and tolls; hover a chart for the "
    "month's values (dashed brown lines mark the scenario's policies)."
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
#: Every policy type in plain words (the page never shows a policy's identifier).
POLICY_NAMES: dict[str, str] = {
    "accord_implementation": "Algiers accord implementation",
    "aid_suspension": "Donors suspend aid",
    "ecowas_exit": "Mali leaves ECOWAS",
    "ecowas_sanctions": "ECOWAS sanctions",
    "french_withdrawal": "French withdrawal",
    "jihadist_dialogue": "Dialogue with JNIM",
    "kidal_offensive": "Kidal offensive",
    "local_truce": "Local truce binding communal militias",
    "camp_handover": "Army takes over MINUSMA camps",
    "militia_backing": "State backing of communal militias",
    "minusma_restrictions": "Restrictions on the UN peacekeepers' movements",
    "minusma_withdrawal": "UN peacekeepers (MINUSMA) withdraw",
    "parameter_schedule": "A model setting changes",
    "wagner_deployment": "Wagner deployment",
}
#: Model settings a scenario's dated changes name, in plain words (others: the name, spaced).
SETTING_NAMES: dict[str, str] = {
    "air_support": "air support to the army",
    "eu_training": "EU training mission",
}
#: References to the project's own files, removed from a scenario's description on the page.
_INTERNAL_REFERENCE = re.compile(
    r"\s*;?\s*\b(?:see\s+)?(?:docs|shared|src|scenarios)/[\w./-]+|\s*\bseed\s+0\d+\b"
)


def escape_text(text: str) -> str:
    """A text from a scenario, safe inside HTML (:func:`malisim.core.formatting.escape`)."""
    return escape(text)


def message_html(text: str) -> str:
    """The page's message (an error in plain words), escaped: it may quote a file's text."""
    return escape_text(text)


def plain_description(description: str | None) -> str:
    """A scenario's description on one line, without references to the project's files.

    ``"(posterior medians; see docs/calibration.md)"`` reads ``"(posterior medians)"``: the
    page is for readers of the model, not of its repository.
    """
    text = " ".join((description or "").split())
    text = _INTERNAL_REFERENCE.sub("", text)
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    text = re.sub(r"\(\s*[,;]\s*", "(", text).replace(" )", ")")
    return " ".join(text.split())


def description_html(description: str | None) -> str:
    """The scenario's description on one line (:func:`plain_description`), escaped."""
    return escape_text(plain_description(description))


def policy_name(kind: str) -> str:
    """A policy type in plain words (:data:`POLICY_NAMES`; unknown: the type, spaced)."""
    return POLICY_NAMES.get(kind, kind.replace("_", " ").capitalize())


def setting_name(name: str) -> str:
    """A model setting in plain words (:data:`SETTING_NAMES`; others: the name, spaced)."""
    return SETTING_NAMES.get(name, name.replace("_", " "))


def month_text(value: object) -> str:
    """A ``YYYY-MM`` date as "January 2022" (left as it is if it is not one)."""
    try:
        return month_name(parse_month(str(value)))
    except ValueError:
        return str(value)


def other_policies(base: ResolvedScenario) -> list[str]:
    """Policies of the scenario that no lever drives, as short plain texts."""
    out = []
    for p in kept_policies(base):
        name = policy_name(p["type"])
        if p.get("parameter"):
            extra = setting_name(str(p["parameter"]))
        else:
            extra = str(p.get("donor") or "")
        start, end = p.get("start"), p.get("end")
        if start and end:
            dates = f"{month_text(start)} to {month_text(end)}"
        elif start:
            dates = f"from {month_text(start)}"
        else:
            dates = ""
        out.append(f"{name}{' (' + extra + ')' if extra else ''}{': ' + dates if dates else ''}")
    return out


def other_policies_html(items: list[str]) -> str:
    """The list of :func:`other_policies` under its heading, each item escaped."""
    entries = "".join(f"<li>{escape_text(item)}</li>" for item in items)
    return (
        f"<div class='malisim-note'>{OTHER_POLICIES_INTRO}</div>"
        f"<ul class='malisim-other'>{entries}</ul>"
    )


def month_label(model: MaliModel) -> str:
    """The date the run has reached, so that every step (the first one too) moves it.

    "1 January 2019" before the first month is simulated, then the last day of the last month
    simulated ("31 January 2019" after one step).
    """
    done = model.month - model.start_month
    if done <= 0:
        year, month0 = divmod(model.start_month, 12)
        return f"1 {MONTH_NAMES[month0]} {year}"
    year, month0 = divmod(model.month - 1, 12)
    return f"{calendar.monthrange(year, month0 + 1)[1]} {MONTH_NAMES[month0]} {year}"


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


# --------------------------------------------------------------------------------------------
# the Info tab

#: The names of the page's two tabs.
TAB_MODEL = "Model"
TAB_INFO = "Info: about this model"

#: The Info tab's sections: (heading, paragraphs). Plain words; no file names.
INFO_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "What the model is",
        (
            "An agent-based simulation of conflict and policy in Mali from 2019 on. The junta "
            "and its armed forces (FAMa), the jihadist groups (JNIM and Islamic State Sahel), "
            "the armed groups that signed the 2015 Algiers accord, foreign partners (France's "
            "Barkhane force, Wagner and later Africa Corps, the UN mission MINUSMA, the EU, "
            "ECOWAS, donors) and the civilian population act month by month on a map of Mali "
            "cut into half-degree cells. Civilians are held as representative agents, each "
            "standing for many people; they can be killed, flee within Mali or abroad, and "
            "return.",
            "Each lever on the left switches a policy on or off, or moves its date or its "
            "strength. Every rule and value of the model is traced to a document (listed "
            "below by its short key) or marked as an assumption.",
        ),
    ),
    (
        "What the model is not",
        (
            "It is not a forecast and not a record of what happened. It shows what follows "
            "from its assumptions: a tool to ask 'what if France had stayed?' or 'what if "
            "Wagner had never come?' and to see how uncertain the answer is.",
            "One run is one possible history out of many: another seed gives another one. "
            "Run replicates (below the charts) to see the spread the same settings give. The "
            "model's results differ from some documented figures; the project's report lists "
            "which ones it misses and by how much.",
        ),
    ),
    (
        "How to read the map and the charts",
        (
            "Each square is a cell of the map, coloured by who controls it in the month shown: "
            "the state, JNIM, Islamic State Sahel, the signatory groups, or contested. Black "
            "lines are the borders of Mali's regions; dots are the main towns. Red discs are "
            "the civilians killed in the cell since the start of the run (a larger disc, more "
            "deaths); blue rings are the displaced people sheltering there now. Hover a cell "
            "for its region, controller and tolls.",
            "The charts show the country as a whole, month by month. Hover a chart for the "
            "values of a month; dashed vertical lines mark the dates of the scenario's "
            "policies. With 'compare with the baseline', thin dashed lines show the same seed "
            "run without the levers you changed, so the gap between the lines is the effect "
            "of your changes on this history. The slider 'Years shown on the charts' zooms "
            "them in on some years (the running totals above stay those of the whole run).",
            "The date shows how far the run has gone: 1 January before the first month, then "
            "the last day of the last month simulated.",
        ),
    ),
)
#: Heading of the Info tab's list of sources.
INFO_SOURCES_HEADING = "Sources, by the short key the levers cite"


def reference_text(ref: Reference) -> str:
    """A bibliography entry in plain text: author (date). Title. Kind, publisher."""
    parts = [f"{ref.author} ({ref.date or 'no date'}). {ref.title.rstrip('.')}."]
    parts.append(
        f"{ref.kind[0].upper() + ref.kind[1:]}" + (f", {ref.publisher}." if ref.publisher else ".")
    )
    if ref.url:
        parts.append(ref.url)
    if ref.cited_in:
        parts.append(f"Cited in {ref.cited_in}.")
    return " ".join(parts)


def info_html() -> str:
    """The Info tab: what the model is and is not, how to read the map, the sources."""
    parts = []
    for heading, paragraphs in INFO_SECTIONS:
        parts.append(f"<h2>{escape_text(heading)}</h2>")
        parts += [f"<p>{escape_text(p)}</p>" for p in paragraphs]
    parts.append(f"<h2>{escape_text(INFO_SOURCES_HEADING)}</h2><dl class='malisim-sources'>")
    for ref in REFERENCES:
        parts.append(f"<dt>{escape_text(ref.key)}</dt><dd>{escape_text(reference_text(ref))}</dd>")
    parts.append("</dl>")
    return "".join(parts)


#: The label of the range slider that zooms the charts in on some years of the run.
ZOOM_LABEL = "Years shown on the charts"
