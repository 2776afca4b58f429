"""Rule set loading: the bundled sets load; every problem is listed in ONE RulesetError."""

import re
from pathlib import Path

import pytest
from rules_fixtures import ruleset_text

from townsgis.checks.registry import KINDS, Param, rule_kind
from townsgis.errors import RulesetError
from townsgis.project import bundled_root
from townsgis.ruleset import load_ruleset, parse_ruleset

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

RULES = bundled_root() / "rules"


def test_huzhou_ruleset_has_every_required_rule_with_clause():
    rs = load_ruleset(RULES / "huzhou-2018.toml")
    got = {r.id: r.clause for r in rs.rules}
    want = {
        "HZ-CAP-CITY": "§3.1.1a",
        "HZ-CAP-PROV": "§3.1.1b",
        "HZ-CAP-UNIT": "§3.1.1c",
        "HZ-CAP-ZONE": "§3.1.1c",
        "HZ-OVERLAP": "§3.1.2a",
        "HZ-GAP": "§3.1.2a",
        "HZ-SPACING": "§3.1.2c",
        "HZ-CLUSTER": "§3.1.2b",
        "HZ-MIX-MFG": "§3.1.3",
        "HZ-MIX-TOUR": "§3.1.3",
        "HZ-MIX-SERV": "§3.1.3",
        "HZ-SCENIC": "§3.4.3",
        "HZ-SCENIC-TOUR": "§3.4.3",
        "HZ-INVESTOR": "§3.5.1",
    }
    assert {k: got.get(k) for k in want} == want
    assert "HZ-WITHIN-UNIT" in got
    assert rs.rule("HZ-GAP").params["min_m"] == 1000
    assert rs.rule("HZ-SPACING").params["min_m"] == 5000
    assert str(rs.rule("HZ-SPACING").severity) == "warning"
    assert rs.rule("HZ-CLUSTER").params["sims"] >= 999
    assert rs.analysis_crs == "EPSG:4549"


def test_distances_are_labelled_as_our_interpretation():
    text = (RULES / "huzhou-2018.toml").read_text(encoding="utf-8")
    assert "OUR INTERPRETATION" in text
    assert "# --- §2 and §3 targets to 2020 (used by townsgis progress) ---" in text


def test_national_ruleset_is_data_only():
    rs = load_ruleset(RULES / "national-2021.toml")
    area = rs.rule("NAT-AREA").params
    assert (area["min_km2"], area["max_km2"]) == (1.0, 5.0)
    # 文化旅游类 maps onto the schema's tourism category; there is no culture category
    assert area["raised_categories"] == ["tourism"]
    build = rs.rule("NAT-BUILD").params  # 1 km² 左右: the band this rule set reads
    assert (build["min_km2"], build["max_km2"]) == (0.5, 1.5)
    res = rs.rule("NAT-RESIDENTIAL")
    assert res.kind == "field-share" and res.params["part"] == "residential_area_km2"
    # each rule cites its document and says its figure is not confirmed against the text
    for r in rs.rules:
        assert r.clause == "发改规划〔2021〕1383号"
        assert "未核对原文" in r.title_zh and "not confirmed" in r.title_en


def _err(text: str) -> str:
    with pytest.raises(RulesetError) as exc:
        parse_ruleset(text, source="bad.toml")
    return str(exc.value)


def test_unknown_kind_names_file_rule_value_and_allowed():
    msg = _err(ruleset_text("min-gapp", min_m=1000))
    assert "bad.toml" in msg and "rule R-1" in msg and "'min-gapp'" in msg
    assert "min-gap" in msg and "count-cap" in msg  # what is allowed


def test_unknown_key_lists_allowed_keys():
    msg = _err(ruleset_text("min-gap", min_m=1000, min_km=1))
    assert "rule R-1" in msg and "unknown key 'min_km'" in msg and "'min_m'" in msg


def test_wrong_type_and_bad_value_and_missing_key_all_reported_at_once():
    text = (
        ruleset_text("min-gap", min_m="1 km")
        + ruleset_text("count-cap", rule_id="R-2", max=-1).split("[ruleset]")[1].split("\n", 6)[-1]
    )
    text += '\n[[rule]]\nid = "R-3"\nclause = "x"\ntitle_zh = "x"\ntitle_en = "x"\n'
    text += 'severity = "fatal"\nkind = "unit-cap"\n'
    msg = _err(text)
    assert "problems" in msg
    assert re.search(r"rule R-1: key 'min_m' has wrong type '1 km'; allowed: a number", msg)
    assert "rule R-2: key 'max' has bad value -1; allowed: an integer in [0, 100000]" in msg
    assert "rule R-3: key 'severity' has value 'fatal'" in msg and "'warning'" in msg
    assert "rule R-3: key 'max' is required" in msg


def test_bad_choice_in_list():
    msg = _err(ruleset_text("count-cap", max=3, levels=["provincial", "municipal"]))
    assert "key 'levels' has bad value" in msg and "provincial_creation" in msg


def test_cross_parameter_check():
    msg = _err(ruleset_text("category-share", category="tourism"))
    assert "give min_share, max_share or both" in msg
    msg = _err(ruleset_text("attribute", field="scenic_grade", op=">=", value="3B", order=["3A"]))
    assert "not in order" in msg


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[ruleset]\nid = "x"\nversion = "1"\ntitle_zh = "x\n', encoding="utf-8")
    with pytest.raises(RulesetError) as exc:
        load_ruleset(bad)
    assert str(bad) in str(exc.value) and "line 4, column" in str(exc.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(RulesetError, match="cannot read"):
        load_ruleset(tmp_path / "nope.toml")


def test_non_projected_analysis_crs_rejected():
    text = ruleset_text("min-gap", min_m=1).replace('"EPSG:4549"', '"EPSG:4326"')
    assert "not a projected" in _err(text)


TARGET = """
[[target]]
id = "T-1"
clause = "§2.1"
metric = "named_towns"
comparison = ">="
value = 8
unit = "个"
deadline = "2020"
"""


def test_targets_are_accepted_and_validated():
    rs = parse_ruleset(
        ruleset_text("min-gap", min_m=1) + TARGET + 'per_year = false\nscope = "city"\n'
    )
    assert rs.targets[0]["id"] == "T-1"
    bad = TARGET.replace('">="', '"=>"').replace('"2020"', '"2020Q5"').replace("8", '"8"')
    msg = _err(ruleset_text("min-gap", min_m=1) + bad + "colour = 1\n")
    for part in (
        "'comparison' has bad value '=>'",
        "'deadline' has bad value '2020Q5'",
        "'value' has wrong type '8'",
        "unknown key 'colour'",
    ):
        assert part in msg
    msg = _err(ruleset_text("min-gap", min_m=1) + TARGET.replace('unit = "个"\n', ""))
    assert "target T-1: key 'unit' is required" in msg


def test_duplicate_kind_registration_rejected():
    with pytest.raises(ValueError, match="already registered"):
        rule_kind("min-gap", params={"x": Param("int", "x")})(lambda ctx, spec: [])
    assert KINDS["min-gap"].fn.__name__ == "min_gap"


def test_every_kind_declares_documented_params():
    assert set(KINDS) >= {
        "count-cap",
        "unit-cap",
        "no-overlap",
        "min-gap",
        "min-spacing",
        "clustering",
        "within-unit",
        "category-share",
        "area-range",
        "attribute",
    }
    for kind in KINDS.values():
        assert kind.doc
        assert all(p.doc for p in kind.params.values())


def test_rules_doc_is_up_to_date():
    from townsgis.checks.docs import render_rules_doc

    doc = (bundled_root() / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == render_rules_doc(RULES), "regenerate: python -m townsgis.checks.docs"


def test_web_mercator_analysis_crs_rejected():
    text = ruleset_text("min-gap", min_m=1).replace('"EPSG:4549"', '"EPSG:3857"')
    msg = _err(text)
    assert "analysis_crs 'EPSG:3857'" in msg and "Mercator" in msg
