"""Lazy package faces: a package's public names imported from their modules on first access.

A package whose ``__init__`` would otherwise import heavy modules (the model and Mesa, the batch
machinery) binds ``__getattr__ = lazy_names(__name__, {...})`` instead (PEP 562), so that importing
a light module of the package, or the package itself, loads nothing else.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports each public name from its module.

    Args:
        package: The package's ``__name__``.
        names: Public name -> the module that defines it (absolute, e.g.
            ``"malisim.experiment.batch"``).

    Returns:
        The ``__getattr__`` function; a name it serves is cached in the package's namespace.
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


#: What the light face of Mesa serves without running ``mesa/__init__.py``: public name -> the
#: module that defines it (``""``: the name is the submodule ``mesa.<name>`` itself).
MESA_NAMES: dict[str, str] = {
    "Agent": "mesa.agent",
    "Model": "mesa.model",
    "DataCollector": "mesa.datacollection",
    "batch_run": "mesa.batchrunner",
    "discrete_space": "",
    "experimental": "",
    "space": "",
}


def light_mesa() -> bool:
    """Put a light face of the ``mesa`` package in ``sys.modules`` (unless Mesa is imported).

    ``import mesa`` runs Mesa's ``__init__``, which imports every part of Mesa: the experimental
    continuous space (SciPy's spatial module), the legacy ``mesa.space`` (networkx), the batch
    runner (tqdm, multiprocessing) and the data collector (pandas): about a third of a second
    before a model can start, although malisim uses only ``Model``, ``Agent`` and
    ``discrete_space``. The face is the real ``mesa`` package (its spec, ``__path__`` and
    ``__file__``) with its ``__init__`` not run: each name of :data:`MESA_NAMES` is imported from
    its module on first access (PEP 562), so ``mesa.Model`` loads ``mesa.model`` alone and
    ``import mesa.space`` still works as a submodule import. Any other name (``__version__``,
    ``__all__``, a name a later Mesa adds) runs the real ``__init__`` in the face first, so it
    is found as Mesa defines it. malisim installs it when imported (``malisim/__init__.py``).

    Returns:
        Whether the face was installed (False when Mesa was already imported or is missing).
    """
    if "mesa" in sys.modules:
        return False
    import importlib.util

    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    face = importlib.util.module_from_spec(spec)
    loaded = False

    def load_all() -> None:
        nonlocal loaded
        if not loaded:
            loaded = True
            spec.loader.exec_module(face)  # type: ignore[union-attr]  # the real __init__

    def __getattr__(name: str) -> Any:
        if name in MESA_NAMES:
            module = MESA_NAMES[name]
            value = (
                importlib.import_module(f"mesa.{name}")
                if not module
                else getattr(importlib.import_module(module), name)
            )
        else:
            load_all()
            try:
                value = face.__dict__[name]
            except KeyError:
                raise AttributeError(f"module 'mesa' has no attribute {name!r}") from None
        setattr(face, name, value)
        return value

    face.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["mesa"] = face
    return True
