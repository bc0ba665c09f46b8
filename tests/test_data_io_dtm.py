"""Reading IOM DTM displacement tables into IDPs and returnees per model region and month."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from malisim.core.errors import UserError
from malisim.core.sources import ASSUMPTION
from malisim.data_io.dtm import DTM_COLUMNS, load_admin1_regions, read_dtm
from malisim.data_io.names import fold
from malisim.model.space import REGIONS


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_dtm_export_columns_hxl_row_and_carved_regions(tmp_path):
    path = write(tmp_path / "dtm.csv",
                 "admin0Name,admin1Name,admin2Name,reportingDate,numPresentIdpInd,returnees\n"
                 "#country+name,#adm1+name,#adm2+name,#date+reported,#affected+idps,#returnees\n"
                 "Mali,Mopti,Bandiagara,2022-03-31,100,10\n"
                 "Mali,Bandiagara,Bankass,2022-03-31,\"1,000\",5\n"
                 "Mali,Mopti,Djenne,2022-03-01,999999,0\n"   # an earlier round of the month
                 "Mali,Taoudénit,Achouratt,2022-03-31,7,\n"
                 "Mali,Menaka,Menaka,2022-04-30,50,2\n"
                 "Mali,SEGOU,San,2022-04-30,20,1\n"
                 "Mali,San,Tominian,2022-04-30,3,0\n")  # fmt: skip
    out = read_dtm(path)
    assert list(out.columns) == list(DTM_COLUMNS)
    march, april = 2022 * 12 + 2, 2022 * 12 + 3
    rows = {(r.region, r.month): (r.idps, r.returnees) for r in out.itertuples()}
    assert rows == {
        ("Mopti", march): (1100.0, 15.0),
        ("Tombouctou", march): (7.0, 0.0),
        ("Ségou", april): (23.0, 1.0),
        ("Ménaka", april): (50.0, 2.0),
    }
    assert list(out["month"]) == sorted(out["month"])


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Admin 1,Date,IDPs,Returnees", "Région de Gao,31/03/2022,5,1"),
        ("Région,Date,PDI,Retournés", "GAO,2022-03,5,1"),
        ("admin1,date,idps", "gao,31 March 2022,5"),
    ],
)
def test_column_name_variants(tmp_path, header, row):
    out = read_dtm(write(tmp_path / "d.csv", f"{header}\n{row}\n"))
    assert out.loc[0, "region"] == "Gao"
    assert out.loc[0, "month"] == 2022 * 12 + 2
    assert out.loc[0, "idps"] == 5
    if "idps" in header:
        assert np.isnan(out.loc[0, "returnees"])


@pytest.mark.parametrize(
    ("row", "column", "what"),
    [
        ("Gaoo,2022-03-31,5", "column 1 (admin1Name)", "unknown admin-1 name 'Gaoo'"),
        ("Gao,2022-31-03,5", "column 2 (reportingDate)", "is not a date"),
        ("Gao,2022-03-31,many", "column 3 (numPresentIdpInd)", "not a number of IDPs"),
    ],
)
def test_malformed_rows_are_located(tmp_path, row, column, what):
    path = write(tmp_path / "d.csv", f"admin1Name,reportingDate,numPresentIdpInd\n"
                                      f"Kayes,2022-03-31,1\n{row}\n")  # fmt: skip
    with pytest.raises(UserError) as info:
        read_dtm(path)
    assert str(info.value).startswith(f"{path}:3: {column}: ")
    assert what in str(info.value)
    if "admin-1" in what:
        assert "did you mean 'gao'" in str(info.value)


def test_missing_columns(tmp_path):
    with pytest.raises(UserError, match=r"d.csv:1: no idps column; allowed: one of numpresentidp"):
        read_dtm(write(tmp_path / "d.csv", "admin1Name,reportingDate\nGao,2022-03-31\n"))


def test_admin1_table_covers_the_regions_and_the_carved_ones():
    rows = load_admin1_regions()
    names = {fold(r.name): r for r in rows}
    assert {fold(r) for r in REGIONS} <= set(names)
    carved = {"Taoudénit": "Tombouctou", "Bandiagara": "Mopti", "Douentza": "Mopti",
              "San": "Ségou", "Nioro": "Kayes", "Kita": "Kayes", "Dioïla": "Koulikoro",
              "Nara": "Koulikoro", "Bougouni": "Sikasso", "Koutiala": "Sikasso",
              "Ménaka": "Ménaka"}  # fmt: skip
    for name, region in carved.items():
        assert names[fold(name)].region == region, name
    for r in rows:
        assert r.region in REGIONS
        if r.name not in REGIONS and fold(r.name) not in {fold(x) for x in REGIONS}:
            assert r.note, r.name
        if fold(r.name) in {fold(n) for n in carved} and r.name != "Ménaka":
            assert r.source, f"{r.name}: cite a key or say {ASSUMPTION}"
    text = resources.files("malisim").joinpath("data", "admin1_regions.csv").read_text("utf-8")
    lines = [x for x in text.splitlines() if not x.startswith("#")]
    assert next(csv.reader(io.StringIO(lines[0]))) == ["name", "region", "source", "note"]
