"""The actor family table: default matching, regime suffixes, inter fallbacks, user tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from malisim.core.errors import UserError
from malisim.data_io.families import (
    FAMILY_NAMES,
    INTER_FAMILY,
    load_families,
    parse_family_table,
    parse_inter,
)
from malisim.model.events import ACTORS


def classify(names, inter=None):
    return load_families().classify(pd.Series(names, dtype=object), inter)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Military Forces of Mali (2021-)", "state"),
        ("Military Forces of Mali (2012-2013)", "state"),
        ("Military Forces of Mali (2020- )", "state"),
        ("Police Forces of Mali (2020-2021)", "state"),
        ("Gendarmerie Nationale", "state"),
        ("Government of Mali", "state"),
        ("MILITARY FORCES OF MALI", "state"),
        ("Wagner Group", "foreign"),
        ("Africa Corps", "foreign"),
        ("Military Forces of France", "foreign"),
        ("Operation Barkhane", "foreign"),
        ("Takuba Task Force", "foreign"),
        ("EUTM: European Union Training Mission in Mali", "foreign"),
        ("G5 Sahel Joint Force", "foreign"),
        ("JNIM: Group for Support of Islam and Muslims", "jihadist"),
        ("Katiba Macina", "jihadist"),
        ("Islamic State (Sahel)", "jihadist"),
        ("ISGS: Islamic State in the Greater Sahara", "jihadist"),
        ("IS", "jihadist"),
        ("Ansar Dine", "jihadist"),
        ("AQIM: Al Qaeda in the Islamic Maghreb", "jihadist"),
        ("CMA: Coordination of Azawad Movements", "signatory"),
        ("MNLA: National Movement for the Liberation of Azawad", "signatory"),
        ("HCUA: High Council for the Unity of Azawad", "signatory"),
        ("MAA: Arab Movement of Azawad", "signatory"),
        ("GATIA: Imghad Tuareg and Allies Self-Defense Group", "signatory"),
        ("Platform", "signatory"),
        ("CSP-PSD: Permanent Strategic Framework for Peace, Security and Development", "signatory"),
        ("Dan Na Ambassagou", "militia"),
        ("Dozo Communal Militia (Mali)", "militia"),
        ("Communal Militia (Mali)", "militia"),
        ("Fulani Ethnic Militia (Mali)", "militia"),
        ("Dogon Ethnic Militia (Mali)", "militia"),
        ("Bambara Ethnic Militia (Mali)", "militia"),
        ("Civilians (Mali)", "civilians"),
        ("Protesters (Mali)", "other"),
        ("Unidentified Armed Group (Mali)", "other"),
        ("Mutiny of Military Forces of Mali (2020-)", "other"),
    ],
)
def test_default_table(name, family):
    families, _ = classify([name])
    assert families[0] == family


def test_accents_and_case_are_ignored():
    families, _ = classify(["forces armées maliennes", "FORCES ARMEES MALIENNES", "jnim"])
    assert list(families) == ["state", "state", "jihadist"]


def test_peacekeepers_flagged():
    families, keeper = classify(
        ["MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali",
         "United Nations", "Military Forces of France", "Civilians (Mali)"]
    )  # fmt: skip
    assert list(families) == ["foreign", "foreign", "foreign", "civilians"]
    assert list(keeper) == [True, True, False, False]


def test_every_event_log_actor_has_its_model_family():
    expected = {"fama": "state", "jnim": "jihadist", "is_sahel": "jihadist", "cma": "signatory",
                "platform": "signatory", "wagner": "foreign", "france": "foreign",
                "minusma": "foreign", "civilians": "civilians", "dan_na_ambassagou": "militia",
                "dozo": "militia", "fulani_militia": "militia"}  # fmt: skip
    actors = [a for a in ACTORS if a.key != "none"]
    families, keeper = classify([a.name for a in actors], np.array([a.inter for a in actors]))
    assert dict(zip([a.key for a in actors], families, strict=True)) == expected
    assert [a.key for a, k in zip(actors, keeper, strict=True) if k] == ["minusma"]


def test_unmatched_names_fall_back_to_inter_codes():
    names = ["Group A", "Group B", "Group C", "Group D", "Group E", "Group F", "", "Group G"]
    codes = np.array([1, 2, 3, 4, 7, 8, 0, 0])
    families, _ = classify(names, codes)
    assert list(families) == ["state", "other", "militia", "militia", "civilians", "foreign",
                              "", "other"]  # fmt: skip
    assert set(INTER_FAMILY.values()) - {""} <= set(FAMILY_NAMES)


def test_parse_inter_numbers_and_labels():
    values = pd.Series(["1", "2.0", "State forces", "Rebel group", "Political militia",
                        "identity militia", "Rioters", "Protesters", "Civilians",
                        "External/Other forces", "", " 8 "])  # fmt: skip
    codes, bad = parse_inter(values)
    assert bad is None
    assert list(codes) == [1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 0, 8]
    codes, bad = parse_inter(pd.Series(["1", "9", "State"]))
    assert bad == 1


def test_user_table_first_match_wins_and_is_used(tmp_path):
    path = tmp_path / "fam.csv"
    path.write_text(
        "# my table\npattern,family,note\nmali,militia,everything Malian\nmilitary,state,\n",
        encoding="utf-8",
    )
    table = load_families(path)
    families, keeper = table.classify(
        pd.Series(["Military Forces of Mali (2021-)", "Military Forces of France", "x"])
    )
    assert list(families) == ["militia", "state", "other"]
    assert not keeper.any()
    assert [r.line for r in table.rules] == [3, 4]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("pattern,note\nx,y\n", "fam.csv:1", "lacks the column(s) family"),
        ("pattern,family\nx,state\nfoo(,state\n", "fam.csv:3: column 1 (pattern)",
         "not a valid regular expression"),
        ("pattern,family\n\n# c\nx,jihadi\n", "fam.csv:4: column 2 (family)", "unknown family"),
        ("pattern,family,peacekeeper\nx,state,maybe\n", "fam.csv:2: column 3 (peacekeeper)",
         "true or false"),
        ("pattern,family,colour\nx,state,red\n", "fam.csv:1: column 3", "unknown column"),
        ("pattern,family\n,state\n", "fam.csv:2: column 1 (pattern)", "empty pattern"),
        ('pattern,family,note\n"a\nb",state,x\nfoo[,state,\n', "fam.csv:4: column 1",
         "not a valid"),
    ],
)  # fmt: skip
def test_bad_user_tables_are_located(tmp_path, text, where, what):
    path = tmp_path / "fam.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_families(path)
    message = str(info.value)
    assert message.startswith(str(tmp_path / where)), message
    assert what in message
    if "unknown family" in what:
        assert "jihadist" in message  # the families allowed, and the suggestion


def test_packaged_table_is_valid_and_documented():
    table = load_families()
    assert len(table.rules) >= 25
    assert all(r.family in FAMILY_NAMES and r.note for r in table.rules)
    assert {r.family for r in table.rules} == set(FAMILY_NAMES)
    with pytest.raises(UserError, match="not found"):
        load_families("/nonexistent/fam.csv")
    assert parse_family_table("pattern,family\nx,state\n", "t").rules[0].peacekeeper is False
