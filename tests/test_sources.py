"""The bibliography: docs/sources.md up to date, citations name known references, no seed paths.

The source documents sit beside the repository as numbered files; a user of the package does not
have them, so the package and its documentation cite each by a key of ``malisim.core.sources``
(full reference in docs/sources.md), never by file name, number or path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from malisim.core.sources import (
    ASSUMPTION,
    REFERENCES,
    cite,
    keys_cited,
    reference,
    sources_markdown,
)
from malisim.model.parameters import parameter_specs
from malisim.policies import POLICY_REGISTRY

ROOT = Path(__file__).resolve().parents[1]

MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
#: "Name 2002", "Name et al. 2020": what an author-year citation looks like.
AUTHOR_YEAR = re.compile(r"\b([A-Z][A-Za-z.]*),? ((?:19|20)\d\d)\b")

#: How the numbered source files used to be cited: a path into the shared folder, the summary
#: file, a file name, "seed 002" / "seeds 000 and 002", `002`, or a bare 000-004 as a citation.
SEED_CITATION = re.compile(
    r"shared/|\bdomain\.md\b|\b\d{3}_[0-9a-f]{16}\.txt\b|\bseeds? \d{3}\b|`00[0-4]`"
    r"|(?<![\w.,#])00[0-4](?![\w.,]|,\d)"
)
TEXT_SUFFIXES = {".py", ".md", ".csv", ".json", ".yaml", ".yml", ".txt", ".html", ".css", ".js"}


def unknown_citations(text: str) -> list[str]:
    """Author-year citations in a text that are not the short citation of a known reference."""
    rest = text
    for ref in sorted(REFERENCES, key=lambda r: len(r.short), reverse=True):
        rest = rest.replace(ref.short, " ")
    return [m.group(0) for m in AUTHOR_YEAR.finditer(rest) if m.group(1) not in MONTHS]


def library_policies() -> dict[str, type]:
    return {k: c for k, c in POLICY_REGISTRY.items() if c.__module__ == "malisim.policies.library"}


def test_sources_doc_is_generated_from_the_module():
    committed = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert committed == sources_markdown() + "\n", "run: python scripts/gen_docs.py"


def test_keys_and_short_citations_are_unique_and_complete():
    keys = [r.key for r in REFERENCES]
    shorts = [r.short for r in REFERENCES]
    assert len(set(keys)) == len(keys), "duplicate key"
    assert len(set(shorts)) == len(shorts), "duplicate short citation"
    for ref in REFERENCES:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", ref.key), ref.key
        assert ref.author and ref.title and ref.kind, ref.key
        assert cite(ref.key) == ref.short
        assert keys_cited(ref.short) == [ref.key], f"{ref.short!r} also matches another key"
        if ref.cited_in:
            assert reference(ref.cited_in).key != ref.key, ref.key
        assert not unknown_citations(ref.short), ref.key


def test_unknown_key_is_an_error_that_lists_the_keys():
    with pytest.raises(KeyError, match="CRS2022"):
        cite("CRS2021")


def test_keys_cited_finds_each_citation_once():
    text = f"{cite('CRS2022')} (x), {cite('ICG2023watch')}; {cite('Epstein2002')}; Oct 2023"
    assert keys_cited(text) == ["CRS2022", "ICG2023watch", "Epstein2002"]
    assert unknown_citations(text) == []
    assert unknown_citations("Smith 2019 (a model)") == ["Smith 2019"]


def test_every_parameter_source_cites_known_references_or_an_assumption():
    problems = []
    for spec in parameter_specs().values():
        if not keys_cited(spec.source) and ASSUMPTION not in spec.source.lower():
            problems.append(f"{spec.name}: {spec.source!r} cites no reference of the bibliography")
        for found in unknown_citations(spec.source):
            problems.append(f"{spec.name}: {found!r} is not a short citation of a known key")
    assert not problems, "cite with malisim.core.sources.cite(key); add missing references:\n" + (
        "\n".join(problems)
    )


def test_every_policy_source_cites_known_references_or_an_assumption():
    problems = []
    for kind, cls in library_policies().items():
        assert cls.sources, f"{kind} lists no sources"
        for source in cls.sources:
            if not keys_cited(source) and ASSUMPTION not in source.lower():
                problems.append(f"{kind}: {source!r} cites no reference of the bibliography")
            for found in unknown_citations(source):
                problems.append(f"{kind}: {found!r} is not a short citation of a known key")
    assert not problems, "cite with malisim.core.sources.cite(key); add missing references:\n" + (
        "\n".join(problems)
    )


def test_citation_strings_name_no_seed_file():
    texts = {f"parameter {s.name}": s.source for s in parameter_specs().values()}
    for kind, cls in library_policies().items():
        texts.update({f"policy {kind} source {i}": s for i, s in enumerate(cls.sources)})
    texts.update({f"reference {r.key}": " ".join(map(str, vars(r).values())) for r in REFERENCES})
    bad = {where: text for where, text in texts.items() if SEED_CITATION.search(text)}
    assert not bad, f"cite by key (docs/sources.md), not by seed file or path: {bad}"


def package_and_doc_files() -> list[Path]:
    files = [
        p
        for p in (ROOT / "src" / "malisim").rglob("*")
        if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
    ]
    return sorted(files + list((ROOT / "docs").rglob("*.md")))


@pytest.mark.parametrize("path", package_and_doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_text_cites_a_seed_file_or_the_shared_folder(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [f"{i}: {line.strip()}" for i, line in enumerate(lines, 1) if SEED_CITATION.search(line)]
    assert not hits, (
        f"{path.relative_to(ROOT)} cites source documents by seed number, file name or a path a "
        "user does not have; cite the key of docs/sources.md (e.g. CRS2022, ICG2023) or say "
        "'assumption':\n" + "\n".join(hits)
    )
