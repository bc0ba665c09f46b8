"""Real data in and out: ACLED, UCDP GED and IOM DTM files, and the ViEWS export.

Public API:

* :func:`read_acled`, :func:`normalise_acled` - an ACLED export (or the model's event log,
  which has ACLED's schema) into the normalised event table;
* :func:`read_ged`, :func:`normalise_ged` - a UCDP GED file, with or without a header row;
* :func:`read_dtm` - an IOM DTM displacement table, as IDPs and returnees per region and month;
* :func:`load_families`, :class:`FamilyTable` - the editable table of actor families;
* :data:`EVENT_COLUMNS` - the normalised event table; :data:`EVENT_OBSERVABLES`,
  :func:`event_series`, :func:`aggregate` - its observables per month and cell, region or nation;
* :func:`priogrid_gid`, :func:`month_id`, :func:`month_index_from_id` - PRIO-GRID cells and
  ViEWS months;
* :func:`views_frame`, :func:`write_views` - a results folder in the ViEWS challenge format.

Modules (one concept each): ``prio_grid``, ``names`` (folding names for matching), ``csvfile``
(text tables with located errors), ``dates``, ``families``, ``events_table``, ``acled``, ``ged``,
``dtm``, ``aggregate``, ``views``. The formats and mapping tables are described in docs/data.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.core.lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover
    from malisim.data_io.acled import normalise_acled, read_acled
    from malisim.data_io.aggregate import EVENT_OBSERVABLES, Counts, aggregate, event_series
    from malisim.data_io.dtm import read_dtm
    from malisim.data_io.events_table import EVENT_COLUMNS
    from malisim.data_io.families import FamilyTable, load_families
    from malisim.data_io.ged import normalise_ged, read_ged
    from malisim.data_io.prio_grid import month_id, month_index_from_id, priogrid_gid
    from malisim.data_io.views import views_frame, write_views

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_OBSERVABLES",
    "Counts",
    "FamilyTable",
    "aggregate",
    "event_series",
    "load_families",
    "month_id",
    "month_index_from_id",
    "normalise_acled",
    "normalise_ged",
    "priogrid_gid",
    "read_acled",
    "read_dtm",
    "read_ged",
    "views_frame",
    "write_views",
]

__getattr__ = lazy_names(
    __name__,
    {
        "EVENT_COLUMNS": "malisim.data_io.events_table",
        "EVENT_OBSERVABLES": "malisim.data_io.aggregate",
        "Counts": "malisim.data_io.aggregate",
        "FamilyTable": "malisim.data_io.families",
        "aggregate": "malisim.data_io.aggregate",
        "event_series": "malisim.data_io.aggregate",
        "load_families": "malisim.data_io.families",
        "month_id": "malisim.data_io.prio_grid",
        "month_index_from_id": "malisim.data_io.prio_grid",
        "normalise_acled": "malisim.data_io.acled",
        "normalise_ged": "malisim.data_io.ged",
        "priogrid_gid": "malisim.data_io.prio_grid",
        "read_acled": "malisim.data_io.acled",
        "read_dtm": "malisim.data_io.dtm",
        "read_ged": "malisim.data_io.ged",
        "views_frame": "malisim.data_io.views",
        "write_views": "malisim.data_io.views",
    },
)
