"""The report layer: one self-contained HTML report of a results folder."""

from malisim.report.document import Report, load_targets, target_table, write_report

__all__ = ["Report", "load_targets", "target_table", "write_report"]
