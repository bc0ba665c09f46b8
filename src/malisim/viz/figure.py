"""Making and saving figures: the report style, the Agg canvas, PNG and SVG files.

Every figure of :mod:`malisim.viz` is a :class:`matplotlib.figure.Figure` made by
:func:`new_figure` on the Agg canvas (nothing touches pyplot's global state or the interactive
backend) and drawn under the report style (:func:`styled`); matplotlib is imported only when a
figure is made. :class:`FigureSpec` is a figure with its name, section, title and caption, as
the report lays it out.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from malisim.core.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

F = TypeVar("F", bound=Callable[..., Any])

#: Figure formats written by :func:`save_figure`.
FORMATS: tuple[str, ...] = ("png", "svg")
#: Resolution of PNG files.
DPI = 110

#: matplotlib settings of the report style (fonts, no top or right spine, stable SVG ids).
_RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "malisim",
}


def styled(fn: F) -> F:
    """Run a figure function under the report style (:data:`_RC`).

    The caller's matplotlib settings are left as they were.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context(_RC):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_matplotlib() -> None:
    """Raise a :class:`~malisim.core.errors.UserError` if matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError(
            "plots and reports need matplotlib: pip install 'malisim[viz]' (or matplotlib)"
        ) from None


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (no pyplot, no interactive backend)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


@styled
def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Save a figure as ``stem.png`` and ``stem.svg`` (or ``formats``); return the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(path, format=fmt, dpi=DPI, metadata=meta)
        _freeze_layout(fig)
        paths.append(path)
    return paths


def _freeze_layout(fig: Figure) -> None:
    """Keep the layout of the first save for the next ones (layout costs as much as drawing)."""
    engine = fig.get_layout_engine()
    if engine is not None and engine.__class__.__name__ != "PlaceHolderLayoutEngine":
        fig.set_layout_engine("none")


@styled
def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """A figure rendered in memory (PNG by default)."""
    buf = io.BytesIO()
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
    _freeze_layout(fig)
    return buf.getvalue()


def figure_png(fig: Figure, stem: str | Path | None = None) -> tuple[bytes, list[Path]]:
    """A figure's PNG bytes, and, with ``stem``, the PNG and SVG files written there.

    Args:
        fig: The figure.
        stem: Write ``stem.png`` and ``stem.svg`` (:func:`save_figure`) and read the PNG back;
            None renders in memory only (:func:`figure_bytes`).

    Returns:
        The PNG bytes and the files written (none without ``stem``).
    """
    if stem is None:
        return figure_bytes(fig), []
    paths = save_figure(fig, stem)
    return next(p for p in paths if p.suffix == ".png").read_bytes(), paths


@dataclass
class FigureInfo:
    """What the report says of a figure, without the figure (once it is drawn).

    Attributes:
        name: File stem, e.g. ``fan_civilian_fatalities``.
        section: ``fan``, ``distribution``, ``difference`` or ``map``.
        title: Heading.
        caption: What it shows.
    """

    name: str
    section: str
    title: str
    caption: str

    def info(self) -> FigureInfo:
        """The same fields, without anything else (the figure of a :class:`FigureSpec`)."""
        return FigureInfo(self.name, self.section, self.title, self.caption)


@dataclass
class FigureSpec(FigureInfo):
    """A figure of the report: its :class:`FigureInfo` and the matplotlib figure.

    Attributes:
        figure: The matplotlib figure.
    """

    figure: Figure
