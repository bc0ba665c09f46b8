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
