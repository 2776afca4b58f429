"""Findings name towns the one way in each language (RuleContext.town_names): name_zh in
Chinese, name_en (else name_zh) in English, never the id; within-unit says so when a town or
site declares no unit (its unit read from location) instead of contradicting itself."""

import pytest
from rules_fixtures import town


def test_english_findings_use_the_english_name_else_the_chinese_one(run_kind):
    rows = [
        town("T1", 0, 0, scenic_grade="A", name_en="Silk Town"),
        town("T2", 5000, 0, scenic_grade="A"),  # no English name: its Chinese one
        town("T3", 10_000, 0, scenic_grade="A", name_en="  "),
    ]
    found = run_kind(rows, "attribute", field="scenic_grade", op="in", value=["3A", "4A"])
    assert [f.message_en.split(":")[0] for f in found] == ["Silk Town", "T2镇", "T3镇"]
    assert [f.message_zh.split("：")[0] for f in found] == ["T1镇", "T2镇", "T3镇"]
    assert [f.town_ids for f in found] == [("T1",), ("T2",), ("T3",)]  # ids stay in refs


def test_pair_findings_name_both_towns(run_kind):
    rows = [
        town("T1", 0, 0, name_en="Silk Town"),
        town("T2", 500, 0, name_en="Lake Town"),
    ]
    (f,) = run_kind(rows, "no-overlap")
    assert f.message_en.startswith("Silk Town and Lake Town overlap by 0.500 km²")
    assert f.message_zh.startswith("T1镇与T2镇范围重叠")
    (g,) = run_kind(
        [town("T1", 0, 0, name_en="Silk Town"), town("T2", 1200, 0)], "min-gap", min_m=500
    )
    assert g.message_en.startswith("Silk Town and T2镇 boundaries are 0.20 km apart")
    (h,) = run_kind(rows, "min-spacing", min_m=5000)
    assert h.message_en.startswith("Silk Town and Lake Town centroids are")


def test_within_unit_of_a_town_declaring_no_unit_says_where_it_lies(run_kind):
    # 59.4–60.4 km: 60 % in county B, 40 % east of every unit; no unit declared
    (f,) = run_kind([town("T1", 59_400, 5000, unit=None, name_en="Edge Town")], "within-unit")
    assert f.measured == pytest.approx(0.6, abs=1e-6)
    assert f.message_zh == (
        "T1镇未申报所属单元，按位置归入乙县，但仅 60.0% 面积在其内（应 ≥ 95%），"
        "40.0% 面积不在任何单元内"
    )
    assert "申报属于" not in f.message_zh
    assert f.message_en == (
        "Edge Town declares no unit; by location it is in County B (B), but only 60.0% of its "
        "area lies there (>= 95% required); 40.0% of it lies outside every unit"
    )


def test_within_unit_of_a_town_declaring_no_unit_across_two_units(run_kind):
    # 29.3–30.3 km: 70 % in A (where its centre lies), 30 % in B, none outside
    (f,) = run_kind([town("T1", 29_300, 5000, unit=None)], "within-unit")
    assert f.message_zh == "T1镇未申报所属单元，按位置归入甲县，但仅 70.0% 面积在其内（应 ≥ 95%）"
    assert f.message_en.startswith("T1镇 declares no unit; by location it is in County A (A)")


def test_a_declared_unit_keeps_its_message(run_kind):
    (f,) = run_kind([town("T1", 29_300, 5000, unit="A", name_en="Border Town")], "within-unit")
    assert f.message_zh.startswith("T1镇申报属于甲县，但仅 70.0% 面积在其内")
    assert f.message_en.startswith("Border Town declares County A (A) but only 70.0%")
