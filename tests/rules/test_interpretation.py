"""Readings of open clauses as rule-set parameters (issue 12): named towns in the §3.1.1b/c
caps, the scope of 原则上 in §3.1.1c, the §4.3b veto unit and the §4.2a bulletin scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from rules_fixtures import make_ds, rule, rules_text, town

from townsgis.engine import run_rules
from townsgis.errors import RulesetError
from townsgis.interpretation import READINGS, readings, readings_line
from townsgis.progress.assessment import assessment_summary
from townsgis.progress.report import bulletin_dataset, veto_parents
from townsgis.ruleset import load_ruleset, parse_ruleset
from townsgis.waivers import Waiver

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

CAP = rule(
    "unit-cap",
    rule_id="CAP-UNIT",
    max=3,
    levels=["provincial_creation", "provincial_cultivation"],
    unit_kinds=["county"],
)
ZONE = rule(
    "unit-cap",
    rule_id="CAP-ZONE",
    max=1,
    levels=["provincial_creation", "provincial_cultivation"],
    unit_kinds=["functional_zone"],
)


def ruleset(interp: str = "", rules=(CAP, ZONE)):
    return parse_ruleset(
        rules_text(list(rules)) + ("\n[interpretation]\n" + interp if interp else "")
    )


def three_named_one_new():
    named = [town(f"N{i}", 10_000 + i * 3000, 20_000, level="provincial_named") for i in range(3)]
    return named + [town("C1", 10_000, 25_000)]


def test_named_towns_count_against_the_caps_by_default(tmp_path):
    ds = make_ds(three_named_one_new(), tmp_path)
    rs = ruleset()
    assert "provincial_named" in rs.rule("CAP-UNIT").params["levels"]
    (f,) = run_rules(ds, rs, waivers=[]).findings
    assert f.rule == "CAP-UNIT" and f.measured == 4
    rs = ruleset("named_in_caps = false")
    assert run_rules(ds, rs, waivers=[]).findings == []


def zone_over_cap(tmp_path):
    rows = [town(f"Z{i}", 3000 + i * 2500, 3000, unit="Z") for i in range(2)]
    return make_ds(rows, tmp_path)


def zone_waiver():
    return Waiver(
        rule="CAP-ZONE",
        towns=("Z0", "Z1"),
        unit=None,
        reason="试点",
        document="湖政函〔2019〕1号",
        expires=dt.date(2099, 1, 1),
    )


def test_in_principle_scope_decides_whether_a_zone_cap_can_be_waived(tmp_path):
    ds = zone_over_cap(tmp_path)
    res = run_rules(ds, ruleset(), waivers=[zone_waiver()])
    (f,) = res.findings
    assert f.rule == "CAP-ZONE" and f.waived
    res = run_rules(ds, ruleset('in_principle_scope = "counties"'), waivers=[zone_waiver()])
    (f,) = res.findings
    assert not f.waived
    assert any("functional-zone caps are hard" in n for n in res.waiver_notes)


def test_check_and_capacity_say_which_reading_they_used():
    rs = ruleset('in_principle_scope = "counties"')
    keys = [x["key"] for x in readings(rs.interpretation, "check")]
    assert keys == ["named_in_caps", "in_principle_scope"]
    assert "仅县区" in readings_line(rs.interpretation, "check", "zh")
    assert "原则上" not in readings_line(rs.interpretation, "capacity", "en")
    assert "provincially named towns" in readings_line(rs.interpretation, "capacity", "en")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("named_in_caps = 1", "'named_in_caps' has bad value 1"),
        ('veto_unit = "zone"', "'veto_unit' has bad value 'zone'"),
        ('colour = "red"', "unknown key 'colour'"),
    ],
)
def test_readings_are_checked_at_load(text, needle):
    with pytest.raises(RulesetError, match=needle):
        ruleset(text)


def test_bundled_rule_set_states_every_reading():
    rs = load_ruleset("rules/huzhou-2018.toml")
    assert set(rs.interpretation) == set(READINGS)
    text = Path("rules/huzhou-2018.toml").read_text(encoding="utf-8")
    for key in READINGS:
        assert f"\n{key} = " in text  # stated explicitly, with its argument above


def test_veto_falls_on_the_county_a_zone_lies_in_unless_the_unit_reading(tmp_path):
    ds = make_ds([town("Z0", 3000, 3000, unit="Z"), town("A1", 15_000, 15_000)], tmp_path)
    towns = pd.DataFrame(ds.towns.drop(columns="geometry"))
    a = pd.DataFrame(
        [("Z0", 2019, "警告", False, False), ("A1", 2019, "合格", False, False)],
        columns=["town_id", "year", "grade", "named", "high_tech"],
    )
    county = assessment_summary(a, towns, veto_parent=veto_parents(ds.units))
    assert [v["unit_id"] for v in county["years"][0]["vetoed"]] == ["A"]
    unit = assessment_summary(a, towns)
    assert [v["unit_id"] for v in unit["years"][0]["vetoed"]] == ["Z"]


def test_bulletin_summarises_provincial_towns_only_by_default(tmp_path):
    rows = [town("P1", 1000, 15_000), town("M1", 15_000, 15_000, level="municipal")]
    ds = make_ds(rows, tmp_path)
    ds.projects = pd.DataFrame({"project_id": ["X", "Y"], "town_id": ["P1", "M1"]})
    b = bulletin_dataset(ds, "provincial")
    assert list(b.towns["town_id"]) == ["P1"] and list(b.projects["project_id"]) == ["X"]
    assert len(ds.towns) == 2  # the project's dataset is untouched
    assert bulletin_dataset(ds, "all") is ds
