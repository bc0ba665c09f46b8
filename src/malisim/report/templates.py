"""The report's Jinja2 templates: the page, the summary, the documented figures, the bibliography.

The templates live here as text (no template files to ship) in one Jinja2 environment with
autoescaping on: every value is escaped unless it is a section already rendered
(:func:`render_page` takes those as ``markupsafe.Markup``). :func:`render` renders one template
by name.

* ``page`` — the whole document: title, the line under it, the table of contents, the sections;
* ``summary`` — the first section: the findings in plain words (:mod:`malisim.report.findings`);
* ``figures`` — the documented figures, one row per figure and a column per scenario, the
  source as a bibliography key;
* ``bibliography`` — the full references of the keys cited.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import jinja2
from markupsafe import Markup

PAGE = """<!DOCTYPE html>
<html lang='en'><head><meta charset='utf-8'>
<meta name='viewport' content='width=device-width, initial-scale=1'>
<title>{{ title }}</title><style>{{ css }}</style></head><body>
<h1>{{ title }}</h1>
{{ intro }}
<nav id='contents'><b>Contents</b><ol>
{%- for key, heading in toc %}<li><a href='#{{ key }}'>{{ heading }}</a></li>{% endfor -%}
</ol></nav>
{% for section in sections %}{{ section }}
{% endfor %}</body></html>"""

SUMMARY = """<section id='summary'><h2>Summary</h2>
<p class='lead'>{{ runs_line }}</p>
<h3>What the model gets wrong against the documented figures</h3>
{%- if misses %}
<ul class='misses'>{% for f in misses %}<li class='miss'>{{ f.text }}</li>{% endfor %}</ul>
{%- else %}
<p>No documented figure is missed{% if scored %} ({{ scored }}){% endif %}.</p>
{%- endif %}
<p class='note'>{% for s, (hits, n) in hit_counts.items() %}{{ s }}: {{ hits }} of {{ n }}
figures within their tolerance{% if not loop.last %}; {% endif %}{% endfor %}. Counterfactual
scenarios are expected to differ from the record: read the historical timeline against it.</p>
<h3>What differs between the scenarios</h3>
{%- if differences %}
<ul>{% for f in differences %}<li>{{ f.text }}</li>{% endfor %}</ul>
{%- else %}<p>Only one scenario: nothing to compare.</p>{% endif %}
{%- if warnings %}
<div class='warn'><b>Read with care:</b><ul>{% for w in warnings %}<li>{{ w }}</li>
{% endfor %}</ul></div>
{%- endif %}
<p class='note'>A tool to explore scenarios and their uncertainty, not a forecast. Intervals of
the runs are 5-95% ranges; intervals of differences are bootstrap confidence intervals.</p>
</section>"""

FIGURES = """<section id='targets'><h2>Documented figures and simulated values</h2>
<p class='note'>One row per documented figure of the pattern set, one column per scenario:
the simulated median and [5-95% range] of the runs over the figure's period and region, as
<code>malisim score</code> computes them (counts are sums of the monthly values, stocks and
shares means of the months, GDP growth year on year). A red cell misses the figure's tolerance.
Sources are bibliography keys (see <a href='#bibliography'>Bibliography</a>). Out-of-sample
figures (2023 onward) were never used to fit the model.</p>
{%- for split, heading in splits %}
<h3>{{ heading }}</h3>
<div class='wide'><table class='figures'><thead><tr><th>figure</th><th>period</th>
<th>region</th><th>documented</th><th>tolerance</th><th>source</th>
{%- for s in scenarios %}<th class='scenario'>{{ s }}</th>{% endfor %}</tr></thead><tbody>
{%- for row in rows if row.split == split %}
<tr data-target='{{ row.target }}'{% if row.missed %} class='missed'{% endif %}>
<td>{{ row.observable }}</td><td>{{ row.period }}</td><td>{{ row.region }}</td>
<td class='n'>{{ row.documented }}</td><td>{{ row.tolerance }}</td>
<td><a href='#ref-{{ row.source }}' title='{{ row.locator }}'>{{ row.source }}</a></td>
{%- for status, text in row.cells %}<td class='n {{ status | replace(" ", "-") }}'>{{ text }}
{%- if status and status not in ("hit", "miss") %}<br><span class='note'>{{ status }}</span>
{%- endif %}</td>{% endfor %}</tr>
{%- endfor %}</tbody></table></div>
{%- endfor %}
</section>"""

BIBLIOGRAPHY = """<section id='bibliography'><h2>Bibliography</h2><ul class='bib'>
{%- for ref in references %}
<li id='ref-{{ ref.key }}'><b>{{ ref.key }}</b>: {{ ref.author }} ({{ ref.date or 'n.d.' }}).
<i>{{ ref.title }}</i>. {{ ref.kind }}{% if ref.publisher %}, {{ ref.publisher }}{% endif %}.
{%- if ref.url %} {{ ref.url }}{% endif %}{% if ref.cited_in %} Cited in {{ ref.cited_in }}.
{%- endif %}</li>
{%- endfor %}</ul></section>"""

TEMPLATES = {
    "page": PAGE,
    "summary": SUMMARY,
    "figures": FIGURES,
    "bibliography": BIBLIOGRAPHY,
}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The report's Jinja2 environment (autoescaping on, undefined names are errors)."""
    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render(name: str, **context: Any) -> Markup:
    """Render the template ``name`` (a key of :data:`TEMPLATES`) as markup."""
    return Markup(environment().get_template(name).render(**context))


def render_page(
    title: str,
    css: str,
    intro_html: str,
    toc: Sequence[tuple[str, str]],
    sections: Sequence[str],
) -> str:
    """The whole document: ``intro_html`` and ``sections`` are markup already (not escaped)."""
    return str(
        render(
            "page",
            title=title,
            css=Markup(css),
            intro=Markup(intro_html),
            toc=list(toc),
            sections=[Markup(s) for s in sections],
        )
    )
