"""Reading ACLED exports in their published columns, and normalising them into the event table."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from malisim.core.errors import UserError
from malisim.data_io.acled import ACLED_COLUMNS, normalise_acled, read_acled, reading_notes
from malisim.data_io.events_table import EVENT_COLUMNS
from malisim.data_io.prio_grid import priogrid_gid
from malisim.model.space import REGIONS

ROOT = Path(__file__).resolve().parents[1]

#: One event per row, ACLED's columns (anything not given is empty).
ROWS = [
    dict(event_id_cnty="MLI1", event_date="2022-03-27", year="2022",
         event_type="Violence against civilians", sub_event_type="Attack",
         actor1="Military Forces of Mali (2021-)", inter1="1", actor2="Civilians (Mali)",
         inter2="7", interaction="17", civilian_targeting="Civilian targeting", country="Mali",
         admin1="Mopti", latitude="14.3", longitude="-4.1", fatalities="30"),
    dict(event_id_cnty="MLI2", event_date="27 March 2022", year="2022", event_type="Battles",
         sub_event_type="Armed clash", actor1="JNIM: Group for Support of Islam and Muslims",
         inter1="Rebel group", actor2="Military Forces of Mali (2021-)", inter2="State forces",
         country="Mali", latitude="15.2", longitude="-1.9", fatalities="12"),
    dict(event_id_cnty="MLI3", event_date="2 April 2022", year="2022",
         event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
         actor1="Islamic State (Sahel)", inter1="2",
         actor2="MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in "
         "Mali", inter2="8", country="Mali", latitude="16.3", longitude="0.05", fatalities=""),
    dict(event_id_cnty="MLI4", event_date="2022-04-10", year="2022", event_type="Battles",
         sub_event_type="Armed clash", actor1="Dan Na Ambassagou", inter1="Identity militia",
         actor2="Katiba Macina", inter2="Rebel group", country="Mali", latitude="14.5",
         longitude="-3.6", fatalities="5"),
    dict(event_id_cnty="BFO1", event_date="2022-04-11", event_type="Battles",
         actor1="Military Forces of Burkina Faso (2022-)", inter1="1", country="Burkina Faso",
         latitude="12.4", longitude="-1.5", fatalities="3"),
    dict(event_id_cnty="MLI5", event_date="2022-04-12", event_type="Protests",
         sub_event_type="Peaceful protest", actor1="Protesters (Mali)", inter1="Protesters",
         country="Mali", latitude="30.0", longitude="-4.0", fatalities="0"),  # north of Mali
    dict(event_id_cnty="MLI6", event_date="2022-04-13", event_type="Violence against civilians",
         sub_event_type="Attack", actor1="Unknown Militia X", inter1="Political militia",
         actor2="Civilians (Mali)", inter2="Civilians", country="Mali", latitude="13.0",
         longitude="-7.0", fatalities="4"),
]  # fmt: skip


def write_acled(path: Path, rows: list[dict], columns: tuple[str, ...] = ACLED_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


@pytest.fixture
def acled_file(tmp_path: Path) -> Path:
    return write_acled(tmp_path / "acled.csv", ROWS)


def test_read_keeps_mali_converts_and_notes(acled_file):
    frame = read_acled(acled_file)
    assert list(frame["event_id_cnty"]) == ["MLI1", "MLI2", "MLI3", "MLI4", "MLI6"]
    assert list(frame["inter1"]) == [1, 2, 2, 4, 3]  # numeric and text codes
    assert list(frame["inter2"]) == [7, 1, 8, 2, 7]
    assert list(frame["fatalities"]) == [30, 12, 0, 5, 4]  # the empty cell read as 0
    assert frame["event_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-03-27", "2022-03-27", "2022-04-02", "2022-04-10", "2022-04-13"]  # fmt: skip
    assert np.array_equal(
        frame["priogrid_gid"], priogrid_gid(frame["latitude"], frame["longitude"])
    )
    notes = reading_notes(frame)
    assert any("1 events without a fatality count read as 0" in n for n in notes), notes
    assert any("2 events outside Mali dropped (1 of another country, 1 outside the model's "
               "grid" in n for n in notes), notes  # fmt: skip


def test_normalised_table(acled_file):
    table = normalise_acled(read_acled(acled_file))
    assert list(table.columns) == list(EVENT_COLUMNS)
    assert list(table["family1"]) == ["state", "jihadist", "jihadist", "militia", "militia"]
    assert list(table["family2"]) == ["civilians", "state", "foreign", "jihadist", "civilians"]
    assert list(table["ucdp_type"]) == [3, 1, 1, 2, 3]
    assert list(table["civilian_fatalities"]) == [30.0, 0.0, 0.0, 0.0, 4.0]
    assert list(table["perpetrator"]) == ["state", "", "", "", "militia"]
    assert list(table["peacekeepers"]) == [False, False, True, False, False]
    assert list(table["month"]) == [2022 * 12 + 2] * 2 + [2022 * 12 + 3] * 3
    assert set(table["region"]) <= set(REGIONS)
    assert table.loc[0, "region"] == "Mopti"
    assert table["priogrid_gid"].dtype == np.int64


def test_regime_suffixes_of_state_forces(tmp_path):
    rows = [dict(ROWS[1], actor2=name) for name in
            ("Military Forces of Mali (2012-2013)", "Military Forces of Mali (2020-)",
             "Police Forces of Mali (2021-)", "Military Forces of Mali (2013-2020)")]  # fmt: skip
    table = normalise_acled(read_acled(write_acled(tmp_path / "a.csv", rows)))
    assert set(table["family2"]) == {"state"}
    assert set(table["ucdp_type"]) == {1}


def test_older_exports_without_optional_columns(tmp_path):
    columns = tuple(c for c in ACLED_COLUMNS if c not in ("civilian_targeting", "inter2"))
    frame = read_acled(write_acled(tmp_path / "old.csv", ROWS[:2], columns))
    table = normalise_acled(frame)
    assert list(table["civilian_fatalities"]) == [30.0, 0.0]  # by event type alone


def test_utf8_bom_and_windows_encoding(tmp_path):
    path = write_acled(tmp_path / "a.csv", [dict(ROWS[0], admin1="Ségou")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_acled(path)["admin1"].tolist() == ["Ségou"]
    path.write_bytes(path.read_bytes()[3:].decode("utf-8").encode("cp1252"))
    assert read_acled(path)["admin1"].tolist() == ["Ségou"]


@pytest.mark.parametrize(
    ("row", "change", "column", "allowed"),
    [
        (1, {"event_date": "31 Marsh 2022"}, "event_date", "27 March 2022"),
        (2, {"latitude": "sixteen"}, "latitude", "-90 to 90"),
        (0, {"longitude": "200"}, "longitude", "-180 to 180"),
        (3, {"fatalities": "some"}, "fatalities", "whole number"),
        (3, {"fatalities": "-2"}, "fatalities", "whole number"),
        (1, {"event_type": "Battle"}, "event_type", "Strategic developments"),
        (2, {"inter1": "Rebels and bandits"}, "inter1", "External/Other forces"),
        (2, {"inter2": "12"}, "inter2", "0-8"),
    ],
)
def test_malformed_cell_names_file_line_and_column(tmp_path, row, change, column, allowed):
    rows = [dict(r) for r in ROWS]
    rows[row].update(change)
    path = write_acled(tmp_path / "bad.csv", rows)
    with pytest.raises(UserError) as info:
        read_acled(path)
    number = ACLED_COLUMNS.index(column) + 1
    message = str(info.value)
    assert message.startswith(f"{path}:{row + 2}: column {number} ({column}): "), message
    assert allowed in message
    if column == "event_type":
        assert "did you mean 'Battles'" in message


def test_line_counts_quoted_multiline_notes(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[0]["notes"] = "On 27 March,\nsoldiers and\nWagner..."
    rows[2]["latitude"] = "x"
    path = write_acled(tmp_path / "bad.csv", rows)
    with pytest.raises(UserError, match=rf"^{path}:6: column 23 \(latitude\)"):
        read_acled(path)


def test_missing_columns_and_files(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("event_date,event_type\n2022-01-01,Battles\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"few.csv:1: the header lacks the column\(s\) actor1"):
        read_acled(path)
    with pytest.raises(UserError, match="file not found"):
        read_acled(tmp_path / "none.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(UserError, match="empty"):
        read_acled(tmp_path / "empty.csv")


def test_cli_malformed_row_is_one_line_without_traceback(tmp_path):
    """A malformed row of a user table fed to a command: exit 2, one located line, no traceback.

    (``malisim export views`` reads a user's family table; the ACLED, GED and DTM readers raise
    the same located UserError, which the command line prints the same way.)
    """
    fam = tmp_path / "fam.csv"
    fam.write_text("pattern,family\nx,state\nx,jihadi\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "export", "views", str(tmp_path), "--out",
         str(tmp_path / "v.parquet"), "--families", str(fam)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {fam}:3: column 2 (family): unknown family")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_file_with_no_event_in_mali_gives_an_empty_table(tmp_path):
    frame = read_acled(write_acled(tmp_path / "bf.csv", [ROWS[4]]))
    assert len(frame) == 0 and "priogrid_gid" in frame.columns
    table = normalise_acled(frame)
    assert len(table) == 0 and list(table.columns) == list(EVENT_COLUMNS)
