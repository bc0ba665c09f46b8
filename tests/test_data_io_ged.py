"""Reading UCDP GED files with and without a header row, and their normalised events."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from malisim.core.errors import UserError
from malisim.data_io.ged import GED_COLUMNS, normalise_ged, read_ged
from malisim.data_io.prio_grid import priogrid_gid

ROWS = [
    dict(id="1", year="2022", type_of_violence="1", side_a="Government of Mali", side_b="JNIM",
         latitude="14.35", longitude="-3.61", country="Mali", date_start="2022-03-05",
         date_end="2022-03-05", deaths_civilians="0", best="8", low="6", high="10"),
    dict(id="2", year="2022", type_of_violence="2", side_a="JNIM", side_b="IS",
         latitude="15.9", longitude="0.2", country="Mali",
         date_start="2022-03-20 00:00:00.000", deaths_civilians="1", best="15"),
    dict(id="3", year="2022", type_of_violence="3", side_a="IS", side_b="Civilians",
         latitude="15.6", longitude="2.4", country="Mali", date_start="2022-04-01",
         deaths_civilians="22", best="22"),
    dict(id="4", year="2022", type_of_violence="1", side_a="Government of Niger",
         side_b="IS", latitude="14.8", longitude="3.9", country="Niger",
         date_start="2022-04-02", best="4"),
    dict(id="5", year="2022", type_of_violence="3", side_a="Government of Mali",
         side_b="Civilians", latitude="14.0", longitude="-4.0", country="Mali",
         date_start="2022-04-03", best=""),
]  # fmt: skip


def write_ged(path: Path, rows: list[dict], header: bool = True) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(GED_COLUMNS))
        if header:
            writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in GED_COLUMNS})
    return path


@pytest.mark.parametrize("header", [True, False])
def test_read_with_and_without_header(tmp_path, header):
    frame = read_ged(write_ged(tmp_path / "ged.csv", ROWS, header=header))
    assert list(frame["id"]) == ["1", "2", "3", "5"]
    assert list(frame["best"]) == [8, 15, 22, 0]
    assert list(frame["type_of_violence"]) == [1, 2, 3, 3]
    assert list(frame["priogrid_gid"]) == list(priogrid_gid(frame["latitude"], frame["longitude"]))
    notes = " ".join(frame.attrs["notes"])
    assert "1 events without a best estimate read as 0" in notes
    assert "1 events outside Mali dropped (1 of another country" in notes


def test_normalised_events(tmp_path):
    table = normalise_ged(read_ged(write_ged(tmp_path / "ged.csv", ROWS)))
    assert list(table["ucdp_type"]) == [1, 2, 3, 3]
    assert list(table["fatalities"]) == [8.0, 15.0, 22.0, 0.0]
    assert list(table["civilian_fatalities"]) == [0.0, 1.0, 22.0, 0.0]
    assert list(table["family1"]) == ["state", "jihadist", "jihadist", "state"]
    assert list(table["family2"]) == ["jihadist", "jihadist", "civilians", "civilians"]
    assert list(table["perpetrator"]) == ["", "", "jihadist", "state"]
    assert list(table["event_type"]) == ["Battles", "Battles", "Violence against civilians",
                                         "Violence against civilians"]  # fmt: skip
    assert list(table["month"]) == [2022 * 12 + 2, 2022 * 12 + 2, 2022 * 12 + 3, 2022 * 12 + 3]


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize(
    ("change", "column", "allowed"),
    [
        ({"date_start": "March 2022"}, "date_start", "2022-03-27"),
        ({"latitude": ""}, "latitude", "-90 to 90"),
        ({"best": "8.5"}, "best", "whole number"),
        ({"type_of_violence": "4"}, "type_of_violence", "3 (one-sided)"),
    ],
)
def test_malformed_rows_are_located(tmp_path, header, change, column, allowed):
    rows = [dict(r) for r in ROWS]
    rows[2].update(change)
    path = write_ged(tmp_path / "ged.csv", rows, header=header)
    with pytest.raises(UserError) as info:
        read_ged(path)
    line = 4 if header else 3
    number = GED_COLUMNS.index(column) + 1
    assert str(info.value).startswith(f"{path}:{line}: column {number} ({column}): ")
    assert allowed in str(info.value)


def test_header_without_required_columns(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_text("id,year,best\n1,2022,3\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"ged.csv:1: the header lacks the column\(s\) "
                                        r"type_of_violence, side_a"):  # fmt: skip
        read_ged(path)
