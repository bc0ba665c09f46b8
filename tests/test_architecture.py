"""The package's shape: layers as folders, data flowing one way, no import cycles.

Every import in ``src/malisim`` (module level, inside functions, and under ``TYPE_CHECKING``) is
read from the source with :mod:`ast`. A module may import its own layer's modules and lower
layers only; sibling layers of one rank (calibration, sensitivity, docking) do not import each
other; and the graph of module imports has no cycle. ``malisim/__init__.py`` is the package
face: it may reach anything, and nothing inside the package imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "malisim"

#: Layers from the bottom up. A module may import from its own layer and from any lower rank.
LAYERS: dict[str, int] = {
    "core": 0,
    "data": 0,  # packaged data files (no code)
    "model": 1,
    "policies": 2,
    "scenario": 3,
    "experiment": 4,
    "data_io": 5,
    "analysis": 6,
    "calibration": 7,
    "sensitivity": 7,
    "docking": 7,
    "viz": 8,
    "report": 9,
    "app": 10,
    "cli": 11,
}
#: At most this many modules directly in src/malisim besides __init__.py.
MAX_ROOT_MODULES = 6


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The malisim modules that a source file imports (submodule where one is named)."""
    current = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = resolve(node, current, path.name == "__init__.py")
            # "from malisim.x import y" names module malisim.x.y when it is one, else malisim.x
            names = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name == "malisim" or name.startswith("malisim."):
                while name not in known and "." in name:
                    name = name.rsplit(".", 1)[0]
                if name != current:
                    found.add(name)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in files}
    g = nx.DiGraph()
    for path in files:
        g.add_node(module_name(path))
        for target in imports_of(path, known):
            g.add_edge(module_name(path), target)
    return g


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_subpackage_has_a_layer():
    for child in PACKAGE.iterdir():
        if child.is_dir() and (child / "__init__.py").exists():
            assert child.name in LAYERS, f"{child.name}/ is in no layer of tests/test_architecture"


def test_few_modules_at_the_package_root():
    root = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(root) <= MAX_ROOT_MODULES, root


def test_no_import_cycles(graph):
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles[:20])


def test_no_upward_or_sideways_imports(graph):
    bad = []
    for src, dst in graph.edges:
        if dst == "malisim":
            bad.append(f"{src} imports the package face (malisim/__init__.py)")
            continue
        if src == "malisim":
            continue
        a, b = layer_of(src), layer_of(dst)
        if a is None or b is None or a == b:
            continue
        if LAYERS[b] > LAYERS[a] or (LAYERS[b] == LAYERS[a]):
            bad.append(f"{src} ({a}) imports {dst} ({b})")
    assert not bad, "imports against the layers:\n" + "\n".join(sorted(bad))


def test_model_never_imports_plotting_ui_or_third_party_viz():
    forbidden = ("matplotlib", "solara", "ipywidgets", "plotly")
    for path in (PACKAGE / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    assert not name.startswith(forbidden), f"{path.name}: imports {name}"


def test_the_checker_sees_an_upward_import(tmp_path):
    # the rule works: a model module that imports the CLI is caught
    pkg = tmp_path / "malisim"
    (pkg / "model").mkdir(parents=True)
    (pkg / "cli").mkdir()
    for init in (pkg / "__init__.py", pkg / "model" / "__init__.py", pkg / "cli" / "__init__.py"):
        init.write_text("")
    (pkg / "cli" / "main.py").write_text("")
    bad = pkg / "model" / "step.py"
    bad.write_text("def f():\n    from malisim.cli import main\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, pkg
    try:
        known = {module_name(p) for p in pkg.rglob("*.py")}
        assert imports_of(bad, known) == {"malisim.cli.main"}
    finally:
        PACKAGE = saved


def test_public_api_resolves_lazily():
    import subprocess
    import sys

    code = (
        "import sys, malisim\n"
        "assert 'malisim.model.mali_model' not in sys.modules, 'import malisim loaded the model'\n"
        "missing = [n for n in malisim.__all__ if getattr(malisim, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert malisim.MaliModel.__name__ == 'MaliModel'\n"
    )
    import malisim

    assert set(malisim.__all__) == {"__version__", *malisim._PUBLIC}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
