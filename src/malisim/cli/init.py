"""``malisim init DIR``: start a project folder from the example files.

:func:`register` adds ``init`` (handler :func:`cmd_init`). The copying is done by
:func:`malisim.core.examples.init_project`: the example scenarios, experiments, docs (with the
tutorial notebooks) and the scenario schema, shipped inside the installed package, are copied
into DIR with their relative layout, so that the README's commands run from DIR. Existing example
files stop the command unless ``--force``; other files in DIR are never touched.

Usage::

    malisim init myproject && cd myproject && malisim validate scenarios/*.yaml
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``init`` to the ``malisim`` parser."""
    init = subparsers.add_parser(
        "init",
        help="copy the example scenarios, experiments and docs into a new project folder",
        description="Copy the example scenarios, experiments, documentation (with the tutorial "
        "notebooks) and the scenario schema shipped with malisim into DIR, keeping their "
        "layout (experiments refer to ../scenarios/...), so that the README's commands run "
        "from DIR. DIR may exist; an example file already there stops the command unless "
        "--force, and other files are never touched.",
    )
    init.add_argument("dir", metavar="DIR", help="project folder (created if needed)")
    init.add_argument(
        "--force", action="store_true", help="replace example files that exist in DIR already"
    )
    init.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    """Run ``malisim init``.

    Returns:
        0 once the files are copied.
    """
    from malisim.core.examples import EXAMPLE_FOLDERS, init_project

    result = init_project(args.dir, force=args.force)
    counts = ", ".join(f"{result.count(name)} in {name}/" for name in EXAMPLE_FOLDERS)
    print(f"wrote {len(result.files)} files into {result.folder}/ ({counts})")
    if result.replaced:
        print(f"replaced {len(result.replaced)} existing example files")
    print(
        f"next: cd {result.folder} && malisim validate scenarios/*.yaml && "
        "malisim batch experiments/smoke.yaml --out results/smoke"
    )
    print("tutorials: docs/tutorials/*.ipynb (open them with Jupyter from that folder)")
    return 0
