"""The HTML of the report: its markup pieces and the page that holds the sections.

Everything that writes tags is here: the style sheet (:data:`CSS`), tables (:func:`table`),
definition lists, figures with embedded PNG images, downloadable embedded files, notes and
warnings, and :func:`page`, the whole document (head, title, table of contents, sections). The
page is self-contained: styles are inline, images and files are ``data:`` URLs, no script. User
text (names, descriptions, notes) goes through :func:`escape`; arguments named ``*_html`` are
markup already.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

from malisim.core.formatting import escape

__all__ = [
    "CSS",
    "data_link",
    "definition_list",
    "escape",
    "figure",
    "note",
    "page",
    "table",
    "warning_list",
]

#: The report's style sheet.
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  margin:0 auto;max-width:1150px;padding:1.5em 2em 4em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2.2em;border-bottom:1px solid #ccc;
  padding-bottom:.2em}h3{margin-top:1.6em;font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.86em}
th,td{padding:.28em .6em;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.base td{background:#fafafa;font-weight:600}
.note{color:#555;font-size:.9em}.warn{background:#fff6e0;border-left:4px solid #e69f00;
  padding:.5em 1em;margin:1em 0}.sig{font-weight:700}
tr.miss td:first-child{color:#a40000;font-weight:700}
figure{margin:1.2em 0 2em}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.88em;margin-top:.3em}
code{background:#f4f4f4;padding:0 .25em;border-radius:3px}
nav ol{columns:2}dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em}
dt{font-weight:600}dd{margin:0}
.lead{font-size:1.05em}ul.misses li{color:#7a0000;margin-bottom:.3em}
.wide{overflow-x:auto}table.figures td.miss{background:#fde8e8;color:#a40000;font-weight:600}
table.figures td.hit{background:#eef7ee}table.figures tr.missed td:first-child{font-weight:700}
ul.bib li{margin-bottom:.35em}details{margin:1em 0}summary{cursor:pointer;font-weight:600}
"""


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric: frozenset[int] | set[int] = frozenset(),
    row_class: Sequence[str] | None = None,
) -> str:
    """A table: escaped header cells, body cells as given (markup).

    Args:
        header: Column titles (text).
        rows: Rows of cells (markup, already escaped).
        numeric: Indices of the columns aligned right as numbers.
        row_class: A CSS class per row (``""`` for none).
    """
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        cells = "".join(
            f'<td class="n">{c}</td>' if j in numeric else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def definition_list(items: Iterable[tuple[str, str]]) -> str:
    """A definition list of (term, description markup) pairs."""
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def figure(name: str, title: str, caption: str, png: bytes) -> str:
    """A figure with its PNG image embedded and a caption (title in bold)."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f"<figure id='fig-{escape(name)}'><img alt='{escape(title)}' "
        f"src='data:image/png;base64,{data}'><figcaption><b>{escape(title)}.</b> "
        f"{escape(caption)}</figcaption></figure>"
    )


def data_link(file_name: str, media_type: str, content: bytes) -> str:
    """A link that downloads ``content`` (embedded as base64) under ``file_name``."""
    data = base64.b64encode(content).decode("ascii")
    return (
        f"<a download='{escape(file_name)}' href='data:{media_type};base64,{data}'>"
        f"{escape(file_name)}</a>"
    )


def note(body_html: str) -> str:
    """A paragraph in the muted style of notes."""
    return f"<p class='note'>{body_html}</p>"


def warning_list(title: str, items: Iterable[str]) -> str:
    """A highlighted box: a bold title and a list of texts."""
    return (
        f"<div class='warn'><b>{escape(title)}</b><ul>"
        + "".join(f"<li>{escape(n)}</li>" for n in items)
        + "</ul></div>"
    )


def page(
    title: str, intro_html: str, toc: Sequence[tuple[str, str]], sections: Sequence[str]
) -> str:
    """The whole HTML document.

    Args:
        title: The document's title (text), also its first heading.
        intro_html: The paragraph under the title (markup).
        toc: Table of contents: (section id, section title) pairs.
        sections: The body's parts (markup), in order.
    """
    head = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        intro_html,
        "<nav><ul>"
        + "".join(f"<li><a href='#{k}'>{escape(t)}</a></li>" for k, t in toc)
        + "</ul></nav>",
    ]
    return "\n".join([*head, *sections]) + "</body></html>"
