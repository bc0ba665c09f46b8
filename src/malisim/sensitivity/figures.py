"""Matplotlib for the sensitivity figures: pyplot on the file-only Agg backend, imported on use.

The estimators (:mod:`~malisim.sensitivity.analyse`) and scenario discovery
(:mod:`~malisim.sensitivity.discover`) draw their figures through :func:`pyplot` and release them
with :func:`close_figure` once saved, so that importing the package imports no matplotlib and a
long analysis does not accumulate open figures.
"""

from __future__ import annotations

from typing import Any


def pyplot() -> Any:
    """Return ``matplotlib.pyplot`` with the Agg backend selected (figures go to files only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def close_figure(fig: Any) -> None:
    """Close a figure (free its memory) once it has been saved."""
    import matplotlib.pyplot as plt

    plt.close(fig)
